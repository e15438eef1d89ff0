//! The memòria in words: its figures as sections of facts, tables and charts,
//! in the interface language. Each format writes this same document, and each
//! chart is built from the very numbers of the table beside it.

use super::{Memoria, Period};
use crate::domain::rollout::RolloutStatus;
use crate::i18n::words::activity_kind_msg;
use crate::i18n::{I18n, Lang, Msg};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    pub subtitle: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Single figures: what, and how many.
    Facts(Vec<(String, String)>),
    Table(Table),
    Chart(Chart),
    Note(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Bars: one label per position, one or two series of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    pub labels: Vec<String>,
    /// None: nothing to measure there (no bar, a dash, as in the table).
    pub series: Vec<(String, Vec<Option<u64>>)>,
    /// Percentages: the scale ends at 100.
    pub percent: bool,
}

/// `n (p%)`, or a dash when there is nothing to share.
fn share(n: u64, of: u64) -> String {
    percent(n, of).map_or_else(|| "—".into(), |p| format!("{p}%"))
}

/// The whole percent, rounded down; the table and the chart say the same.
pub fn percent(n: u64, of: u64) -> Option<u64> {
    (n * 100).checked_div(of)
}

pub fn month_label(t: &I18n, m: NaiveDate) -> String {
    match t.lang() {
        Lang::En => m.format("%Y-%m").to_string(),
        Lang::Ca | Lang::Es => m.format("%m/%Y").to_string(),
    }
}

fn decimal(t: &I18n, x: f64) -> String {
    let text = format!("{x:.1}");
    match t.lang() {
        Lang::En => text,
        Lang::Ca | Lang::Es => text.replace('.', ","),
    }
}

/// A status as one sign, the same in every language (the legend says them).
pub fn status_sign(s: RolloutStatus) -> &'static str {
    match s {
        RolloutStatus::Done => "✓",
        RolloutStatus::InProgress => "~",
        RolloutStatus::Pending => "·",
        RolloutStatus::NotApplicable => "—",
        RolloutStatus::Blocked => "✗",
    }
}

fn some(values: &[u64]) -> Vec<Option<u64>> {
    values.iter().copied().map(Some).collect()
}

fn facts(items: &[(&str, String)]) -> Block {
    Block::Facts(items.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

pub fn build(m: &Memoria, t: &I18n) -> Doc {
    let Period { from, to } = m.period;
    let title = t.f(Msg::mem_title, &[("comarca", &m.comarca)]);
    let subtitle = t.f(Msg::mem_period, &[("from", &t.date(from)), ("to", &t.date(to))]);
    let months: Vec<String> = m.months.iter().map(|&d| month_label(t, d)).collect();
    let mut parts = Vec::new();

    parts.push(Part {
        title: t.t(Msg::mem_councils).to_string(),
        blocks: vec![facts(&[
            (t.t(Msg::mem_councils_all), m.councils.to_string()),
            (
                &t.f(Msg::mem_councils_under, &[("n", &t.int(u64::from(m.threshold)))]),
                m.under_threshold.to_string(),
            ),
        ])],
    });

    let mut by_type = Table {
        header: vec![
            t.t(Msg::mem_col_type).into(),
            t.t(Msg::mem_col_operation).into(),
            t.t(Msg::mem_col_requests).into(),
        ],
        rows: Vec::new(),
    };
    for ((ty, op), n) in &m.by_type {
        let op = crate::domain::certificate::Operation::parse(op).map_or_else(
            || op.to_string(),
            |o| t.t(crate::i18n::words::operation_msg(o)).to_string(),
        );
        by_type.rows.push(vec![
            crate::domain::catalog::cert_type_name(ty).to_string(),
            op,
            n.to_string(),
        ]);
    }
    let per_month = Table {
        header: vec![t.t(Msg::mem_col_month).into(), t.t(Msg::mem_col_requests).into()],
        rows: months
            .iter()
            .zip(&m.received_per_month)
            .map(|(l, n)| vec![l.clone(), n.to_string()])
            .collect(),
    };
    parts.push(Part {
        title: t.t(Msg::mem_tcat).to_string(),
        blocks: vec![
            facts(&[
                (t.t(Msg::mem_received), m.received.to_string()),
                (t.t(Msg::mem_filed), m.filed.to_string()),
                (t.t(Msg::mem_issued), m.issued.to_string()),
                (t.t(Msg::mem_delivered), m.delivered.to_string()),
                (t.t(Msg::mem_rejected), m.rejected.to_string()),
                (t.t(Msg::mem_cancelled), m.cancelled.to_string()),
            ]),
            Block::Table(by_type),
            Block::Chart(Chart {
                title: t.t(Msg::mem_chart_requests).into(),
                labels: months.clone(),
                series: vec![(t.t(Msg::mem_col_requests).into(), some(&m.received_per_month))],
                percent: false,
            }),
            Block::Table(per_month),
        ],
    });

    let deadline_rows = [Msg::mem_ordinary, Msg::mem_urgent]
        .iter()
        .zip(&m.deadline)
        .map(|(&kind, d)| {
            vec![
                t.t(kind).to_string(),
                d.issued.to_string(),
                d.on_time.to_string(),
                share(d.on_time, d.issued),
                d.median_days.map_or("—".into(), |x| decimal(t, x)),
            ]
        })
        .collect();
    let month_share: Vec<Option<u64>> = m.on_time_per_month.iter().map(|&(k, n)| percent(k, n)).collect();
    parts.push(Part {
        title: t.t(Msg::mem_deadline).to_string(),
        blocks: vec![
            Block::Table(Table {
                header: vec![
                    String::new(),
                    t.t(Msg::mem_issued).into(),
                    t.t(Msg::mem_col_on_time).into(),
                    t.t(Msg::mem_col_share).into(),
                    t.t(Msg::mem_col_median).into(),
                ],
                rows: deadline_rows,
            }),
            Block::Chart(Chart {
                title: t.t(Msg::mem_chart_on_time).into(),
                labels: months.clone(),
                series: vec![(t.t(Msg::mem_col_share).into(), month_share)],
                percent: true,
            }),
            Block::Table(Table {
                header: vec![
                    t.t(Msg::mem_col_month).into(),
                    t.t(Msg::mem_issued).into(),
                    t.t(Msg::mem_col_on_time).into(),
                    t.t(Msg::mem_col_share).into(),
                ],
                rows: months
                    .iter()
                    .zip(&m.on_time_per_month)
                    .map(|(l, &(k, n))| vec![l.clone(), n.to_string(), k.to_string(), share(k, n)])
                    .collect(),
            }),
        ],
    });

    let mut header = vec![t.t(Msg::mem_col_month).to_string()];
    header.extend(
        m.activity
            .iter()
            .map(|(k, _)| t.t(activity_kind_msg(*k)).to_string()),
    );
    header.push(t.t(Msg::mem_col_total).into());
    let rows = months
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut row = vec![l.clone()];
            row.extend(m.activity.iter().map(|(_, v)| v[i].to_string()));
            row.push(m.activity_per_month[i].to_string());
            row
        })
        .collect();
    parts.push(Part {
        title: t.t(Msg::mem_support).to_string(),
        blocks: vec![
            facts(&[
                (
                    t.t(Msg::mem_support_total),
                    m.activity_per_month.iter().sum::<u64>().to_string(),
                ),
                (
                    t.t(Msg::mem_answered),
                    format!(
                        "{} / {} ({})",
                        m.answered.0,
                        m.answered.1,
                        share(m.answered.0, m.answered.1)
                    ),
                ),
                (t.t(Msg::mem_minutes), t.int(m.minutes)),
            ]),
            Block::Chart(Chart {
                title: t.t(Msg::mem_chart_activity).into(),
                labels: months.clone(),
                series: vec![(t.t(Msg::mem_col_total).into(), some(&m.activity_per_month))],
                percent: false,
            }),
            Block::Table(Table { header, rows }),
        ],
    });

    parts.push(Part {
        title: t.t(Msg::mem_trainings).to_string(),
        blocks: vec![facts(&[
            (t.t(Msg::mem_trainings_count), m.trainings.to_string()),
            (
                t.t(Msg::mem_training_hours),
                decimal(t, m.training_minutes as f64 / 60.0),
            ),
            (t.t(Msg::mem_attendees), m.attendees.to_string()),
        ])],
    });

    let mut visits = vec![facts(&[
        (t.t(Msg::mem_visits_count), m.visits.to_string()),
        (t.t(Msg::mem_not_visited), m.not_visited.len().to_string()),
    ])];
    if !m.not_visited.is_empty() {
        visits.push(Block::Note(m.not_visited.join(", ")));
    }
    parts.push(Part {
        title: t.t(Msg::mem_visits).to_string(),
        blocks: visits,
    });

    parts.push(adoption(m, t, &m.period));

    parts.push(Part {
        title: t.t(Msg::mem_forms).to_string(),
        blocks: vec![facts(&[
            (t.t(Msg::mem_forms_sent), m.forms_sent.to_string()),
            (t.t(Msg::mem_forms_renewed), m.forms_renewed.to_string()),
        ])],
    });
    Doc {
        title,
        subtitle,
        parts,
    }
}

fn adoption(m: &Memoria, t: &I18n, period: &Period) -> Part {
    let start = t.f(Msg::mem_at, &[("date", &t.date(period.from))]);
    let end = t.f(Msg::mem_at, &[("date", &t.date(period.to))]);
    let rows = m
        .adoption
        .iter()
        .map(|a| {
            let change = match a.end.0 as i64 - a.start.0 as i64 {
                0 => "0".to_string(),
                n => format!("{n:+}"),
            };
            vec![
                format!("{} {}", a.short, a.name),
                format!("{}/{}", a.start.0, a.start.1),
                format!("{}/{}", a.end.0, a.end.1),
                change,
            ]
        })
        .collect();
    let mut header = vec![t.t(Msg::mem_col_council).to_string()];
    header.extend(m.adoption.iter().map(|a| a.short.clone()));
    let councils = m
        .council_services
        .iter()
        .map(|(name, cells)| {
            let mut row = vec![name.clone()];
            row.extend(cells.iter().map(|&(a, b)| match a == b {
                true => status_sign(b).to_string(),
                false => format!("{}→{}", status_sign(a), status_sign(b)),
            }));
            row
        })
        .collect();
    Part {
        title: t.t(Msg::mem_adoption).to_string(),
        blocks: vec![
            Block::Chart(Chart {
                title: t.t(Msg::mem_chart_adoption).into(),
                labels: m.adoption.iter().map(|a| a.short.clone()).collect(),
                series: vec![
                    (
                        start.clone(),
                        m.adoption.iter().map(|a| Some(a.start.0)).collect(),
                    ),
                    (end.clone(), m.adoption.iter().map(|a| Some(a.end.0)).collect()),
                ],
                percent: false,
            }),
            Block::Table(Table {
                header: vec![
                    t.t(Msg::mem_col_service).into(),
                    start,
                    end,
                    t.t(Msg::mem_col_change).into(),
                ],
                rows,
            }),
            Block::Note(t.t(Msg::mem_legend).to_string()),
            Block::Table(Table {
                header,
                rows: councils,
            }),
        ],
    }
}
