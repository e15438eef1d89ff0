//! Taking what is on screen elsewhere: `E` writes the table to a CSV file,
//! `y` copies the selected row's summary to the clipboard (OSC 52, over SSH too).

use super::certificates::CertView;
use super::{App, StatusKind, Tab};
use crate::domain::catalog::services;
use crate::i18n::Msg;
use crate::i18n::words::{cert_status_msg, form_status_msg, operation_msg, post_msg, status_msg};
use crate::io::export::{CertificateOut, timestamp, to_csv, write_output};

impl App {
    /// `E`: the rows of the current table, as shown (filter and order), to a CSV file.
    pub(super) fn export_view(&mut self) -> bool {
        let (name, bytes) = match self.tab {
            Tab::Municipalities => ("municipis", self.municipalities_csv()),
            Tab::Rollout => ("implantacio", self.rollout_csv()),
            Tab::Certificates => {
                let name = if self.certificates.view == CertView::Queue {
                    "certificats"
                } else {
                    "caducitats"
                };
                (name, self.certificates_csv())
            }
        };
        let stamp = self.now().with_timezone(&self.tz).format("%Y%m%d-%H%M%S");
        // Never over an earlier export (nor a link in its place): two in the same second get -2, -3…
        let file = (1..)
            .map(|n| match n {
                1 => format!("ocsae-{name}-{stamp}.csv"),
                n => format!("ocsae-{name}-{stamp}-{n}.csv"),
            })
            .find(|f| self.export_dir.join(f).symlink_metadata().is_err())
            .expect("some number is free");
        let result = bytes.and_then(|b| write_output(Some(&self.export_dir.join(&file)), &b));
        match result {
            Ok(()) => {
                let rows = match self.tab {
                    Tab::Municipalities => self.municipalities.rows.len(),
                    Tab::Rollout => self.rollout.rows.len(),
                    Tab::Certificates => self.certificates.rows.len(),
                };
                self.set_status(
                    StatusKind::Saved,
                    self.t.f(Msg::exported_view, &[("file", &file), ("n", &rows)]),
                );
            }
            Err(e) => self.set_status(StatusKind::Error, e.localize(&self.t)),
        }
        true
    }

    fn municipalities_csv(&self) -> Result<Vec<u8>, crate::io::IoError> {
        #[derive(serde::Serialize)]
        struct Row {
            ine_code: String,
            municipality: String,
            population: u32,
            rollout_done: usize,
            rollout_applicable: usize,
            open_certificates: usize,
            next_due_at: Option<String>,
            subscriber_form_sent_on: Option<chrono::NaiveDate>,
            subscriber_form_due_on: Option<chrono::NaiveDate>,
        }
        to_csv(self.municipalities.rows.iter().map(|&i| {
            let m = &self.data.municipalities[i];
            let tally = self.data.tally(i);
            Row {
                ine_code: m.ine.to_string(),
                municipality: m.name.clone(),
                population: m.population,
                rollout_done: tally.done,
                rollout_applicable: tally.applicable,
                open_certificates: self.data.open_certificates(i),
                next_due_at: self.data.next_due(i).map(|d| timestamp(d, self.tz)),
                subscriber_form_sent_on: m.subscriber_form_sent_on,
                subscriber_form_due_on: m.form_due_on(),
            }
        }))
    }

    fn rollout_csv(&self) -> Result<Vec<u8>, crate::io::IoError> {
        let mut header = vec!["ine_code".to_string(), "municipality".to_string()];
        header.extend(services().iter().map(|s| s.id.clone()));
        header.extend(["done".to_string(), "applicable".to_string()]);
        let rows = self.rollout.rows.iter().map(|&m| {
            let council = &self.data.municipalities[m];
            let mut record = vec![council.ine.to_string(), council.name.clone()];
            record.extend((0..services().len()).map(|s| self.data.status(m, s).as_str().to_string()));
            let tally = self.data.tally(m);
            record.extend([tally.done.to_string(), tally.applicable.to_string()]);
            record
        });
        to_csv(std::iter::once(header).chain(rows))
    }

    fn certificates_csv(&self) -> Result<Vec<u8>, crate::io::IoError> {
        let certs = &self.data.certs;
        to_csv(self.certificates.rows.iter().map(|&i| {
            let c = &certs.list[i];
            CertificateOut::from_request(c, self.data.council_name(c.ine), certs.deadline(i), self.tz)
        }))
    }

    /// `y`: the selected row in words, to the terminal's clipboard.
    pub(super) fn copy_row(&mut self) -> bool {
        let Some(text) = self.row_summary() else {
            return false;
        };
        let shown = crate::widgets::ellipsize(&text, 50);
        self.clipboard = Some(text);
        self.set_status(StatusKind::Info, self.t.f(Msg::copied, &[("text", &shown)]));
        true
    }

    fn row_summary(&self) -> Option<String> {
        let t = &self.t;
        match self.tab {
            Tab::Municipalities => {
                let i = self.municipalities.selected_index()?;
                let m = &self.data.municipalities[i];
                let tally = self.data.tally(i);
                let (form_msg, days) = form_status_msg(m.form_status(self.today()));
                let form = match days {
                    Some(n) => t.f(form_msg, &[("n", &n)]),
                    None => t.t(form_msg).to_string(),
                };
                Some(t.f(
                    Msg::summary_council,
                    &[
                        ("name", &m.name),
                        ("ine", &m.ine),
                        ("population", &t.int(m.population.into())),
                        ("done", &tally.done),
                        ("applicable", &tally.applicable),
                        ("open", &self.data.open_certificates(i)),
                        ("form", &form),
                    ],
                ))
            }
            Tab::Rollout => {
                let m = self.rollout.selected_index()?;
                let s = self.rollout.column;
                let r = self.data.rollout_or_pending(m, s);
                Some(t.f(
                    Msg::summary_rollout,
                    &[
                        ("name", &self.data.municipalities[m].name),
                        ("service", &services()[s].name),
                        ("status", &t.t(status_msg(r.status))),
                        ("done", &r.steps_done()),
                        ("steps", &r.steps.len()),
                    ],
                ))
            }
            Tab::Certificates => {
                let i = self.certificates.selected()?;
                let c = &self.data.certs.list[i];
                let urgency = if c.urgent {
                    format!(" · {}", t.t(Msg::req_urgent))
                } else {
                    String::new()
                };
                Some(t.f(
                    Msg::summary_certificate,
                    &[
                        ("id", &c.id),
                        ("holder", &c.holder),
                        ("post", &t.t(post_msg(c.role))),
                        ("council", &self.data.council_name(c.ine)),
                        ("type", &c.cert_type),
                        ("operation", &t.t(operation_msg(c.operation))),
                        ("urgent", &urgency),
                        (
                            "due",
                            &self.data.certs.deadline(i).map_or_else(
                                || t.t(Msg::no_deadline).to_string(),
                                |d| t.deadline(d, self.tz),
                            ),
                        ),
                        ("status", &t.t(cert_status_msg(c.status))),
                    ],
                ))
            }
        }
    }
}
