//! The Municipis rows as CSV (`E`), and the selected council in words (`y`).

use crate::app::Ctx;
use crate::i18n::Msg;
use crate::i18n::words::form_status_msg;
use crate::io::export::{timestamp, to_csv_headed};

pub fn csv(ctx: &Ctx) -> Result<Vec<u8>, crate::io::IoError> {
    #[derive(serde::Serialize, Default)]
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
    let data = &ctx.data;
    to_csv_headed(ctx.councils.rows.iter().map(|&i| {
        let m = &data.municipalities[i];
        let tally = data.tally(i);
        Row {
            ine_code: m.ine.to_string(),
            municipality: m.name.clone(),
            population: m.population,
            rollout_done: tally.done,
            rollout_applicable: tally.applicable,
            open_certificates: data.open_certificates(i),
            next_due_at: data.next_due(i).map(|d| timestamp(d, ctx.tz)),
            subscriber_form_sent_on: m.subscriber_form_sent_on,
            subscriber_form_due_on: m.form_due_on(),
        }
    }))
}

/// Council `i` in one line.
pub fn summary(ctx: &Ctx, i: usize) -> Option<String> {
    let t = &ctx.t;
    let m = &ctx.data.municipalities[i];
    let tally = ctx.data.tally(i);
    let (form_msg, days) = form_status_msg(m.form_status(ctx.today()));
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
            (
                "open",
                &t.n(Msg::count_open_certificates, ctx.data.open_certificates(i)),
            ),
            ("form", &form),
        ],
    ))
}
