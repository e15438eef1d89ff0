//! `ocsae memoria`: its numbers against a seeded history counted again here,
//! the history deciding a status at a time, and the HTML (well-formed, one SVG
//! per chart, each chart's numbers those of its table).

mod common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use common::cli::{ocsae_at, text};
use common::*;
use ocsae::domain::activity::{Activity, ActivityKind, Attendance};
use ocsae::domain::calendar::Calendar;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Store};
use std::collections::HashMap;

const MADRID: chrono_tz::Tz = chrono_tz::Europe::Madrid;

/// A request's life as the generator planned it: each step's instant.
#[derive(Debug, Clone)]
struct Life {
    ine: IneCode,
    urgent: bool,
    operation: Operation,
    received: DateTime<Utc>,
    filed: Option<DateTime<Utc>>,
    issued: Option<DateTime<Utc>>,
    delivered: Option<DateTime<Utc>>,
    /// Rejected (true) or cancelled (false), at this instant.
    closed: Option<(bool, DateTime<Utc>)>,
}

/// A small deterministic generator, so the seeded history is the same each run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn lives(councils: &[IneCode]) -> Vec<Life> {
    let mut rng = Lcg(16);
    let start = at("2025-10-01T07:00:00Z");
    (0..140)
        .map(|_| {
            // From October 2025 to February 2027, at office hours.
            let received =
                start + Duration::days(rng.next(500) as i64) + Duration::minutes(rng.next(600) as i64);
            let ine = councils[rng.next(councils.len() as u64) as usize];
            let urgent = rng.next(5) == 0;
            let operation = [Operation::New, Operation::Renewal, Operation::Revocation][rng.next(3) as usize];
            let mut life = Life {
                ine,
                urgent,
                operation,
                received,
                filed: None,
                issued: None,
                delivered: None,
                closed: None,
            };
            match rng.next(6) {
                0 => life.closed = Some((true, received + Duration::hours(20 + rng.next(300) as i64))),
                1 => life.closed = Some((false, received + Duration::hours(20 + rng.next(300) as i64))),
                2 => {}
                _ => {
                    let filed = received + Duration::hours(1 + rng.next(30) as i64);
                    life.filed = Some(filed);
                    if rng.next(5) > 0 {
                        let issued = filed + Duration::hours(2 + rng.next(200) as i64);
                        life.issued = Some(issued);
                        if rng.next(3) > 0 {
                            life.delivered = Some(issued + Duration::hours(3 + rng.next(400) as i64));
                        }
                    }
                }
            }
            life
        })
        .collect()
}

enum Step {
    New(usize),
    Filed(usize),
    Issued(usize),
    Delivered(usize),
    Closed(usize, bool),
}

/// A store whose history holds each step at its own instant, as it happened.
fn seeded(dir: &std::path::Path) -> (Box<dyn Store>, Vec<Life>, Vec<IneCode>) {
    let store = open_store(dir);
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at("2024-01-01T08:00:00Z")).unwrap();
    let councils: Vec<IneCode> = store.municipalities().unwrap().iter().map(|m| m.ine).collect();
    let lives = lives(&councils);
    let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
    for (i, l) in lives.iter().enumerate() {
        steps.push((l.received, Step::New(i)));
        let events = [
            l.filed.map(|t| (t, Step::Filed(i))),
            l.issued.map(|t| (t, Step::Issued(i))),
            l.delivered.map(|t| (t, Step::Delivered(i))),
            l.closed.map(|(rejected, t)| (t, Step::Closed(i, rejected))),
        ];
        steps.extend(events.into_iter().flatten());
    }
    steps.sort_by_key(|(t, _)| *t);
    let mut current: HashMap<usize, CertificateRequest> = HashMap::new();
    for (t, step) in steps {
        let (kind, edit) = match step {
            Step::New(i) => {
                let l = &lives[i];
                let mut c = CertificateRequest::received(
                    NEW_ID,
                    l.ine,
                    format!("Titular {i}"),
                    HolderRole::Mayor,
                    "tcat",
                    l.received,
                );
                c.urgent = l.urgent;
                c.operation = l.operation;
                let applied = store
                    .apply(
                        Change::new(
                            ChangeKind::CertNew,
                            vec![Edit::create(Record::Certificate(c.clone()))],
                        ),
                        t,
                    )
                    .unwrap();
                c.id = applied.ids[0];
                current.insert(i, c);
                continue;
            }
            Step::Filed(i) | Step::Issued(i) | Step::Delivered(i) | Step::Closed(i, _) => {
                let before = current[&i].clone();
                let mut after = before.clone();
                let kind = match step {
                    Step::Filed(_) => {
                        after.status = CertStatus::Filed;
                        after.filed_at = Some(t);
                        ChangeKind::CertStatus
                    }
                    Step::Issued(_) => {
                        after.status = CertStatus::Issued;
                        after.issued_at = Some(t);
                        ChangeKind::CertStatus
                    }
                    Step::Delivered(_) => {
                        after.status = CertStatus::Delivered;
                        after.delivered_at = Some(t);
                        ChangeKind::CertStatus
                    }
                    Step::Closed(_, true) => {
                        after.status = CertStatus::Rejected;
                        ChangeKind::CertReject
                    }
                    _ => {
                        after.status = CertStatus::Cancelled;
                        ChangeKind::CertCancel
                    }
                };
                current.insert(i, after.clone());
                (
                    kind,
                    Edit::update(Record::Certificate(before), Record::Certificate(after)),
                )
            }
        };
        store.apply(Change::new(kind, vec![edit]), t).unwrap();
    }
    (store, lives, councils)
}

fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&MADRID).date_naive()
}

fn in_2026(t: DateTime<Utc>) -> bool {
    local_day(t).year() == 2026
}

/// The CSV memòria as tables: each section's name, then its rows (the header first).
fn tables(csv_text: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for record in reader.records() {
        let row: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if row[0] == "section" {
            out.push((row[1].clone(), Vec::new()));
        } else {
            out.last_mut().expect("a section row first").1.push(row);
        }
    }
    out
}

/// The table of `section`, its header first.
fn table<'a>(tables: &'a [(String, Vec<Vec<String>>)], section: &str) -> &'a [Vec<String>] {
    tables
        .iter()
        .find(|(s, _)| s == section)
        .map(|(_, rows)| rows.as_slice())
        .unwrap_or_else(|| panic!("no table {section}"))
}

/// A single figure: the `value` of `field` in the `field,value` table of `section`.
fn fact(tables: &[(String, Vec<Vec<String>>)], section: &str, field: &str) -> String {
    let rows = table(tables, section);
    assert_eq!(rows[0], ["field", "value"], "{section}");
    rows.iter()
        .find(|r| r[0] == field)
        .unwrap_or_else(|| panic!("no {field} in {section}"))[1]
        .clone()
}

/// One service's status at the start and end for each council, by name.
fn sign(status: &str) -> &'static str {
    match status {
        "done" => "✓",
        "pending" => "·",
        other => panic!("{other}"),
    }
}

fn council_status(t: &[(String, Vec<Vec<String>>)], council: &str, service: &str) -> (String, String) {
    let rows = table(t, "adoption_by_council");
    assert_eq!(rows[0], ["council", "service", "start", "end"]);
    let row = rows
        .iter()
        .find(|r| r[0] == council && r[1] == service)
        .unwrap_or_else(|| panic!("no {council} {service}"));
    (row[2].clone(), row[3].clone())
}

#[test]
fn the_numbers_match_a_count_of_the_seeded_history() {
    let dir = tempfile::tempdir().unwrap();
    let (store, lives, _) = seeded(dir.path());
    drop(store);
    let out = ocsae_at(
        dir.path(),
        &["memoria", "--year", "2026", "--format", "csv"],
        "2027-03-01T10:00:00Z",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = tables(&text(&out.stdout));

    let count = |f: &dyn Fn(&Life) -> bool| lives.iter().filter(|l| f(l)).count().to_string();
    assert_eq!(fact(&t, "requests", "received"), count(&|l| in_2026(l.received)));
    assert_eq!(
        fact(&t, "requests", "filed"),
        count(&|l| l.filed.is_some_and(in_2026))
    );
    assert_eq!(
        fact(&t, "requests", "issued"),
        count(&|l| l.issued.is_some_and(in_2026))
    );
    assert_eq!(
        fact(&t, "requests", "delivered"),
        count(&|l| l.delivered.is_some_and(in_2026))
    );
    assert_eq!(
        fact(&t, "requests", "rejected"),
        count(&|l| matches!(l.closed, Some((true, c)) if in_2026(c)))
    );
    assert_eq!(
        fact(&t, "requests", "cancelled"),
        count(&|l| matches!(l.closed, Some((false, c)) if in_2026(c)))
    );
    // Sanity: the seeded history has something in each, and some outside 2026.
    assert!(lives.iter().any(|l| !in_2026(l.received)));
    assert_ne!(fact(&t, "requests", "rejected"), "0");

    let per_month = table(&t, "requests_per_month");
    assert_eq!(per_month[0], ["month", "requests"]);
    for (m, row) in (1..=12).zip(&per_month[1..]) {
        let n = count(&|l| in_2026(l.received) && local_day(l.received).month() == m);
        assert_eq!(row, &[format!("2026-{m:02}"), n], "month {m}");
    }
    let by_type = table(&t, "requests_by_type");
    assert_eq!(by_type[0], ["type", "type_name", "operation", "requests"]);
    // The type by the name the screens show, not its code.
    assert!(
        by_type[1..].iter().all(|r| r[0] == "tcat" && r[1] == "T-CAT"),
        "{by_type:?}"
    );
    for (op, word) in [
        (Operation::New, "new"),
        (Operation::Renewal, "renewal"),
        (Operation::Revocation, "revocation"),
    ] {
        let n = count(&|l| in_2026(l.received) && l.operation == op);
        let row = by_type.iter().find(|r| r[2] == word);
        assert_eq!(row.map(|r| r[3].clone()).unwrap_or("0".into()), n, "{word}");
    }

    // Within the deadline: the office's rule, counted here per kind and month.
    let calendar = Calendar::catalan(&[], MADRID);
    let deadline = table(&t, "within_deadline");
    assert_eq!(
        deadline[0],
        ["kind", "on_time", "issued", "percent", "median_working_days"]
    );
    for (row, urgent) in deadline[1..].iter().zip([false, true]) {
        let issued: Vec<&Life> = lives
            .iter()
            .filter(|l| l.urgent == urgent && l.issued.is_some_and(in_2026))
            .collect();
        let on_time = issued
            .iter()
            .filter(|l| l.issued.unwrap() <= calendar.due(l.received, urgent))
            .count();
        assert_eq!(row[0], if urgent { "urgent" } else { "ordinary" });
        assert_eq!(row[2], issued.len().to_string(), "urgent: {urgent}");
        assert_eq!(row[1], on_time.to_string(), "urgent: {urgent}");
        assert_eq!(row[3], (on_time * 100 / issued.len()).to_string());
        // A plain number with a decimal point.
        assert!(row[4].parse::<f64>().is_ok(), "{row:?}");
    }
    let monthly = table(&t, "within_deadline_per_month");
    assert_eq!(monthly[0], ["month", "on_time", "issued", "percent"]);
    for (m, row) in (1..=12).zip(&monthly[1..]) {
        let issued: Vec<&Life> = lives
            .iter()
            .filter(|l| l.issued.is_some_and(|i| in_2026(i) && local_day(i).month() == m))
            .collect();
        let kept = issued
            .iter()
            .filter(|l| l.issued.unwrap() <= calendar.due(l.received, l.urgent))
            .count();
        assert_eq!(
            (&row[2], &row[1]),
            (&issued.len().to_string(), &kept.to_string()),
            "month {m}"
        );
    }
}

fn rollout_done(store: &dyn Store, ine: IneCode, service: &str, on: &str) {
    let before = store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == ine && r.service == service)
        .unwrap();
    let mut after = before.clone();
    after.status = RolloutStatus::Done;
    after.updated_at = Some(at(on));
    let change = Change::new(
        ChangeKind::RolloutStatus,
        vec![Edit::update(Record::Rollout(before), Record::Rollout(after))],
    );
    store.apply(change, at(on)).unwrap();
}

fn form_sent(store: &dyn Store, ine: IneCode, day: &str, recorded: &str) {
    let before = store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.ine == ine)
        .unwrap();
    let mut after = before.clone();
    after.subscriber_form_sent_on = Some(day.parse().unwrap());
    let change = Change::new(
        ChangeKind::FormSent,
        vec![Edit::update(
            Record::Municipality(before),
            Record::Municipality(after),
        )],
    );
    store.apply(change, at(recorded)).unwrap();
}

#[test]
fn a_status_is_the_one_the_history_gives_at_the_periods_end() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at("2024-01-01T08:00:00Z")).unwrap();
    let councils: Vec<IneCode> = store.municipalities().unwrap().iter().map(|m| m.ine).collect();
    // e-NOTUM done in Àger in 2025, in two more councils in March 2026.
    rollout_done(store.as_ref(), councils[0], "e-notum", "2025-06-10T10:00:00Z");
    rollout_done(store.as_ref(), councils[1], "e-notum", "2026-03-10T10:00:00Z");
    rollout_done(store.as_ref(), councils[2], "e-notum", "2026-03-12T10:00:00Z");
    // Balaguer, over 5,000, is not the office's: not counted, as on Implantació.
    let balaguer = store
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Balaguer")
        .unwrap();
    rollout_done(store.as_ref(), balaguer.ine, "e-notum", "2026-03-12T10:00:00Z");
    // Fitxes: one renewed in April 2026, one first sent in February, one recorded
    // in January 2027 with a day of December 2026: its day decides.
    form_sent(store.as_ref(), councils[0], "2024-05-01", "2024-05-01T10:00:00Z");
    form_sent(store.as_ref(), councils[0], "2026-04-20", "2026-04-20T10:00:00Z");
    form_sent(store.as_ref(), councils[1], "2026-02-02", "2026-02-02T10:00:00Z");
    form_sent(store.as_ref(), councils[2], "2026-12-30", "2027-01-04T10:00:00Z");
    // A visit and a training.
    let mut training = Activity::new(
        None,
        ActivityKind::Training,
        "e-NOTUM",
        at("2026-05-05T08:00:00Z"),
    );
    training.councils = vec![
        Attendance {
            ine: councils[0],
            attendees: 3,
        },
        Attendance {
            ine: councils[1],
            attendees: 4,
        },
    ];
    training.session_minutes = Some(90);
    training.close(at("2026-05-05T10:00:00Z"));
    let mut visit = Activity::new(
        Some(councils[3]),
        ActivityKind::Visit,
        "Visita",
        at("2026-06-01T08:00:00Z"),
    );
    visit.close(at("2026-06-01T09:00:00Z"));
    let edits = [training, visit]
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    store
        .apply(
            Change::new(ChangeKind::ImportActivities, edits),
            at("2026-06-01T10:00:00Z"),
        )
        .unwrap();
    drop(store);

    let memoria = |args: &[&str]| {
        let mut all = vec!["memoria", "--format", "csv"];
        all.extend_from_slice(args);
        let out = ocsae_at(dir.path(), &all, "2027-03-01T10:00:00Z");
        assert!(out.status.success(), "{}", text(&out.stderr));
        tables(&text(&out.stdout))
    };
    let services = |t: &[(String, Vec<Vec<String>>)]| {
        let rows = table(t, "adoption");
        assert_eq!(
            rows[0],
            [
                "service",
                "service_name",
                "start_done",
                "start_applicable",
                "end_done",
                "end_applicable"
            ]
        );
        rows.iter().find(|r| r[0] == "e-notum").unwrap()[2..].to_vec()
    };
    // January and February: done in March is still pending at the end.
    let early = memoria(&["--from", "2026-01-01", "--to", "2026-02-28"]);
    assert_eq!(services(&early), ["1", "29", "1", "29"]);
    let year = memoria(&["--year", "2026"]);
    assert_eq!(services(&year), ["1", "29", "3", "29"]);
    // The council × service table says what changed.
    let matrix = table(&year, "adoption_by_council");
    let not: Vec<&Vec<String>> = matrix[1..].iter().filter(|r| r[1] == "e-notum").collect();
    assert_eq!(not.len(), 29, "the office's councils");
    let changed = not.iter().filter(|r| r[2] == "pending" && r[3] == "done").count();
    let done_before = not.iter().filter(|r| r[2] == "done" && r[3] == "done").count();
    assert_eq!((changed, done_before), (2, 1));

    assert_eq!(fact(&year, "forms", "sent"), "3");
    assert_eq!(fact(&year, "forms", "renewed"), "1");
    assert_eq!(fact(&early, "forms", "sent"), "1");
    assert_eq!(fact(&year, "trainings", "sessions"), "1");
    assert_eq!(fact(&year, "trainings", "hours"), "1.5");
    assert_eq!(fact(&year, "trainings", "attendees"), "7");
    assert_eq!(fact(&year, "visits", "visits"), "1");
    let served = 29;
    assert_eq!(
        fact(&year, "visits", "councils_not_visited"),
        (served - 1).to_string()
    );
    // The councils not visited are listed, as in the other formats.
    let not_visited = table(&year, "councils_not_visited");
    assert_eq!(not_visited[0], ["council"]);
    assert_eq!(not_visited.len() - 1, served - 1);
    assert_eq!(fact(&early, "visits", "visits"), "0");
}

#[test]
fn the_csv_is_for_machines_whatever_the_interface_language() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, _) = seeded(dir.path());
    let councils: Vec<IneCode> = store.municipalities().unwrap().iter().map(|m| m.ine).collect();
    rollout_done(store.as_ref(), councils[0], "e-notum", "2026-03-10T10:00:00Z");
    rollout_done(store.as_ref(), councils[1], "e-notum", "2026-03-12T10:00:00Z");
    let mut training = Activity::new(
        None,
        ActivityKind::Training,
        "e-NOTUM",
        at("2026-05-05T08:00:00Z"),
    );
    training.session_minutes = Some(90);
    training.close(at("2026-05-05T10:00:00Z"));
    store
        .apply(
            Change::new(
                ChangeKind::ImportActivities,
                vec![Edit::create(Record::Activity(training))],
            ),
            at("2026-06-01T10:00:00Z"),
        )
        .unwrap();
    drop(store);
    let csv_in = |lang: &str| {
        let out = ocsae_at(
            dir.path(),
            &["memoria", "--year", "2026", "--format", "csv", "--lang", lang],
            "2027-03-01T10:00:00Z",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let ca = csv_in("ca");
    // The same file in every language: field names in English.
    assert_eq!(ca, csv_in("en"));
    let t = tables(&ca);
    // Plain numbers: a decimal point, no thousands separator, no guard on a number.
    assert_eq!(fact(&t, "trainings", "hours"), "1.5");
    assert!(!ca.contains("'+") && !ca.contains(" / "), "{ca}");
    for (_, rows) in &t {
        for cell in rows.iter().flatten() {
            if cell.chars().next().is_some_and(|c| c.is_ascii_digit()) && !cell.contains('-') {
                assert!(cell.parse::<f64>().is_ok(), "a number: {cell:?}");
            }
        }
    }
    // A ratio in three numeric columns: in time, closed, percent.
    let answered = table(&t, "support_answered");
    assert_eq!(answered[0], ["in_time", "closed", "percent"]);
    // The adoption change as start and end.
    let adoption = table(&t, "adoption");
    let not = adoption.iter().find(|r| r[0] == "e-notum").unwrap();
    assert_eq!(not[2..], ["0", "29", "2", "29"]);
}

#[test]
fn the_html_is_well_formed_with_one_svg_per_chart_saying_its_tables_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, lives, _) = seeded(dir.path());
    drop(store);
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("memoria.html");
    let out = ocsae_at(
        dir.path(),
        &[
            "memoria",
            "--year",
            "2026",
            "--format",
            "html",
            "-o",
            file.to_str().unwrap(),
        ],
        "2027-03-01T10:00:00Z",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&file).unwrap();
    // HTML's doctype is a DTD to an XML parser: allowed, it declares nothing.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("well-formed");
    // Self-contained: no script, nothing to fetch.
    for node in doc.descendants() {
        assert_ne!(node.tag_name().name(), "script");
        assert_ne!(node.tag_name().name(), "link");
        assert!(node.attribute("src").is_none() && node.attribute("href").is_none());
    }
    let svgs: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .collect();
    let figures = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "figure")
        .count();
    assert_eq!(
        (svgs.len(), figures),
        (4, 4),
        "requests, on time, activity, adoption"
    );

    // The first chart: requests per month, as the table after it and as counted here.
    let values = |svg: &roxmltree::Node, series: &str| -> Vec<String> {
        svg.descendants()
            .filter(|n| n.tag_name().name() == "rect" && n.attribute("data-series") == Some(series))
            .map(|n| n.attribute("data-value").unwrap().to_string())
            .collect()
    };
    let table_after = |svg: &roxmltree::Node| -> Vec<Vec<String>> {
        let figure = svg.parent().unwrap();
        let table = figure
            .next_siblings()
            .find(|n| n.tag_name().name() == "table")
            .unwrap();
        table
            .descendants()
            .filter(|n| n.tag_name().name() == "tr")
            .skip(1)
            .map(|tr| {
                tr.children()
                    .filter(|c| c.tag_name().name() == "td")
                    .map(|c| c.text().unwrap_or("").to_string())
                    .collect()
            })
            .collect()
    };
    let requests = values(&svgs[0], "0");
    let rows = table_after(&svgs[0]);
    assert_eq!(requests, rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>());
    let counted: Vec<String> = (1..=12)
        .map(|m| {
            let n = lives
                .iter()
                .filter(|l| in_2026(l.received) && local_day(l.received).month() == m)
                .count();
            n.to_string()
        })
        .collect();
    assert_eq!(requests, counted);
    // On time: the chart's percentages are the table's.
    let shares = values(&svgs[1], "0");
    let rows = table_after(&svgs[1]);
    assert_eq!(
        shares,
        rows.iter()
            .map(|r| r[3].trim_end_matches('%').to_string())
            .collect::<Vec<_>>()
    );
    assert!(shares.iter().any(|s| s != "—" && s != "0"));
    // Activity per month: the last column of its table.
    let activity = values(&svgs[2], "0");
    let rows = table_after(&svgs[2]);
    assert_eq!(
        activity,
        rows.iter().map(|r| r.last().unwrap().clone()).collect::<Vec<_>>()
    );
    // Adoption: start and end, as "done/applicable" in its table.
    let rows = table_after(&svgs[3]);
    let start: Vec<String> = rows
        .iter()
        .map(|r| r[1].split('/').next().unwrap().to_string())
        .collect();
    let end: Vec<String> = rows
        .iter()
        .map(|r| r[2].split('/').next().unwrap().to_string())
        .collect();
    assert_eq!((values(&svgs[3], "0"), values(&svgs[3], "1")), (start, end));
}

#[test]
fn a_period_must_be_given_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    drop(seeded_empty(dir.path()));
    for (args, says) in [
        (vec!["memoria"], "--year, or --from and --to"),
        (
            vec!["memoria", "--from", "2026-13-01", "--to", "2026-12-31"],
            "\"2026-13-01\" is not a date",
        ),
        (
            vec!["memoria", "--from", "2026-12-01", "--to", "2026-01-31"],
            "is after --to",
        ),
    ] {
        let out = ocsae_at(dir.path(), &args, NOW);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = ocsae_at(dir.path(), &["memoria", "--year", "2026", "--format", "md"], NOW);
    assert!(out.status.success());
    let md = text(&out.stdout);
    assert!(
        md.starts_with("# OCSAE annual report · Noguera\n\nFrom 2026-01-01 to 2026-12-31"),
        "{md}"
    );
    assert!(md.contains("| Month | Requests |"), "{md}");
}

fn seeded_empty(dir: &std::path::Path) -> Box<dyn Store> {
    let store = open_store(dir);
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at(NOW)).unwrap();
    store
}

#[test]
fn a_status_at_a_time_is_the_latest_change_before_it_whatever_the_entries_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let scope = ocsae::store::seed::resolve_scope("Noguera").unwrap();
    ocsae::store::seed::seed(store.as_ref(), &scope, at("2024-01-01T08:00:00Z")).unwrap();
    let councils: Vec<(IneCode, String)> = store
        .municipalities()
        .unwrap()
        .iter()
        .filter(|m| m.population < 5000)
        .map(|m| (m.ine, m.name.clone()))
        .collect();
    // The clock went back: entries written at 2026-11-30, then 2025-06-01, then 2026-03-10.
    rollout_done(store.as_ref(), councils[2].0, "e-notum", "2026-11-30T10:00:00Z");
    rollout_done(store.as_ref(), councils[0].0, "e-notum", "2025-06-01T10:00:00Z");
    rollout_done(store.as_ref(), councils[1].0, "e-notum", "2026-03-10T10:00:00Z");
    drop(store);
    let not_column = |from: &str, to: &str| -> Vec<String> {
        let out = ocsae_at(
            dir.path(),
            &["memoria", "--from", from, "--to", to, "--format", "csv"],
            "2027-03-01T10:00:00Z",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let t = tables(&text(&out.stdout));
        councils[..3]
            .iter()
            .map(|(_, name)| match council_status(&t, name, "e-notum") {
                (a, b) if a == b => sign(&a).to_string(),
                (a, b) => format!("{}→{}", sign(&a), sign(&b)),
            })
            .collect()
    };
    // Done in 2025: done all along; done in March: changed in the period; done on
    // 30 November: after the period, still pending.
    assert_eq!(not_column("2026-01-01", "2026-11-29"), ["✓", "·→✓", "·"]);
    // From April, the March one was done before the period began.
    assert_eq!(not_column("2026-04-01", "2026-11-29"), ["✓", "✓", "·"]);
    assert_eq!(not_column("2026-01-01", "2026-12-31"), ["✓", "·→✓", "·→✓"]);
}
