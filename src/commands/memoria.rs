//! `ocsae memoria`: reads the records and the history, and writes the memòria
//! of a period in the format asked for, where `-o` says (`io::output`).

use super::{Outcome, activity_records, open_to_read};
use crate::UserError;
use crate::cli::MemoriaFormat;
use crate::config::Config;
use crate::i18n::{I18n, Msg};
use crate::memoria::{self, Period};
use crate::store::{Location, StoreError};
use chrono::NaiveDate;
use std::path::Path;

/// The period as given on the command line.
pub struct Given<'a> {
    pub year: Option<i32>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

impl Given<'_> {
    /// The days to report, or a usage error in words.
    pub fn period(&self, t: &I18n) -> Outcome<Period> {
        let date = |flag: &str, value: &str| {
            NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
                .map_err(|_| UserError::usage(t.f(Msg::mem_err_date, &[("flag", &flag), ("value", &value)])))
        };
        match (self.year, self.from, self.to) {
            (Some(year), None, None) => Period::year(year).ok_or_else(|| {
                UserError::usage(t.f(Msg::mem_err_date, &[("flag", &"--year"), ("value", &year)]))
            }),
            (None, Some(from), Some(to)) => {
                let (from, to) = (date("--from", from)?, date("--to", to)?);
                if from > to {
                    return Err(UserError::usage(t.f(
                        Msg::mem_err_order,
                        &[("from", &t.date(from)), ("to", &t.date(to))],
                    )));
                }
                Ok(Period { from, to })
            }
            _ => Err(UserError::usage(t.t(Msg::mem_err_period).to_string())),
        }
    }
}

pub fn run(
    db: &Location,
    given: Given,
    format: MemoriaFormat,
    output: Option<&Path>,
    config: &Config,
    t: &I18n,
) -> Outcome {
    let period = given.period(t)?;
    super::check_output(output, db, t)?;
    let store = open_to_read(db, t)?;
    let stored = |e: StoreError| UserError(e.localize(t));
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    let calendar = crate::domain::calendar::Calendar::catalan(&config.local_holidays, tz);
    let councils = store.municipalities().map_err(stored)?;
    let certificates = store.certificates().map_err(stored)?;
    let activities = activity_records(store.as_ref()).map_err(stored)?;
    let history = store.changes_since(0).map_err(stored)?;
    let input = memoria::Input {
        councils: &councils,
        certificates: &certificates,
        activities: &activities,
        history: &history,
        calendar: &calendar,
        response_days: config.response_days,
        threshold: config.threshold,
    };
    let figures = memoria::compute(&input, period);
    let doc = memoria::doc::build(&figures, t);
    let bytes = match format {
        MemoriaFormat::Md => memoria::text::markdown(&doc).into_bytes(),
        MemoriaFormat::Text => memoria::text::text(&doc).into_bytes(),
        MemoriaFormat::Csv => memoria::csv::write(&figures).map_err(|e| UserError(e.to_string()))?,
        MemoriaFormat::Html => memoria::html::write(&doc, t.lang().code()).into_bytes(),
    };
    // Names and notes come from people: nothing in them may drive a terminal.
    let text = String::from_utf8_lossy(&bytes);
    let text = crate::domain::text::clean_multiline(&text);
    crate::io::output::write_output(output, text.as_bytes(), db.as_dir())
        .map_err(|e| UserError(e.localize(t)))
}
