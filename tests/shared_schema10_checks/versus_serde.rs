//! ocsae's reading of every value, compared with the server's: each key of a
//! record of each kind, and of the first element of each of its lists, replaced
//! by values of every JSON type and at the edges of every range; the server takes
//! exactly what serde reads (from the text the server gives back).

use super::common::offices::open;
use super::common::pg::{self, ADMIN};
use super::common::{NOW, at};
use super::{TIURANA, activity, request};
use ocsae::domain::activity::{Activity, Attendance, Pause};
use ocsae::domain::certificate::CertificateRequest;
use ocsae::domain::municipality::{Contact, ContactRole, IneCode, Municipality};
use ocsae::domain::operator::Operator;
use ocsae::domain::revocation::{AppointmentCheck, RevocationReason};
use ocsae::domain::rollout::{Rollout, RolloutStatus, StepMark};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One record of each kind as ocsae writes it, every optional value given, with
/// one element in each of its lists.
/// Whether serde reads a record from its JSON text.
type Reads = fn(&str) -> bool;

fn samples() -> Vec<(&'static str, Value, Reads)> {
    fn reads<T: DeserializeOwned>(text: &str) -> bool {
        serde_json::from_str::<T>(text).is_ok()
    }
    let mut council = Municipality {
        ine: IneCode(TIURANA),
        name: "Tiurana".into(),
        comarca: "Noguera".into(),
        population: 70,
        population_year: 2024,
        contacts: Vec::new(),
        notes: String::new(),
        subscriber_form_sent_on: Some("2026-01-15".parse().unwrap()),
    };
    council.contacts.push(Contact {
        role: ContactRole::Secretary,
        name: "Pere".into(),
        phone: "973 00 00 00".into(),
        email: "secretaria@tiurana.cat".into(),
    });
    let mut r = request(7);
    (r.filed_at, r.issued_at, r.delivered_at) = (Some(at(NOW)), Some(at(NOW)), Some(at(NOW)));
    r.set_renews(Some(1));
    r.set_revokes(Some(2));
    r.set_revocation_reason(Some(RevocationReason::CardLost));
    r.set_appointment_check(Some(Box::new(AppointmentCheck {
        at: at(NOW),
        user: "jordi".into(),
        found: true,
    })));
    r.set_downloaded_at(Some(at(NOW)));
    let mut cell = Rollout::pending(IneCode(TIURANA), &ocsae::domain::catalog::services()[0]);
    cell.status = RolloutStatus::InProgress;
    cell.steps[0] = Some(StepMark {
        done_at: at(NOW),
        done_by: "anna".into(),
    });
    cell.updated_at = Some(at(NOW));
    cell.source = "rollout.csv:2".into();
    let mut a = activity(9, "anna");
    a.closed_at = Some(at(NOW));
    a.pauses = vec![Pause {
        from: at(NOW),
        to: Some(at(NOW)),
    }];
    a.councils = vec![Attendance {
        ine: IneCode(TIURANA),
        attendees: 3,
    }];
    a.services = vec!["e-notum".into()];
    (a.service, a.request_id, a.minutes, a.session_minutes) =
        (Some("e-notum".into()), Some(7), Some(5), Some(60));
    a.follow_up_on = Some("2026-01-15".parse().unwrap());
    let operator = Operator {
        name: "Jordi Vall".into(),
        card_issued_on: "2026-01-15".parse().unwrap(),
    };
    let service = ocsae::domain::catalog::services()[0].clone();
    fn v(record: &impl serde::Serialize) -> Value {
        serde_json::to_value(record).unwrap()
    }
    vec![
        ("municipality", v(&council), reads::<Municipality>),
        ("certificate", v(&r), reads::<CertificateRequest>),
        ("rollout", v(&cell), reads::<Rollout>),
        ("activity", v(&a), reads::<Activity>),
        ("operator", v(&operator), reads::<Operator>),
        ("service", v(&service), reads::<ocsae::domain::catalog::Service>),
    ]
}

/// Values to put in place of each one: of every JSON type, at the edges of
/// every integer type ocsae reads and of chrono's instants, days and not.
fn candidates() -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None];
    for raw in [
        "null",
        "true",
        "false",
        "0",
        "1",
        "-1",
        "1.0",
        "1.5",
        "7",
        "65535",
        "65536",
        "4294967295",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        // ocsae's own bounds of an instant (1900 to 9999), then chrono's: between
        // them serde reads what the server refuses (see below).
        "-2208988800000",
        "253402300799999",
        "-8334601228800001",
        "8210266876800000",
        "\"\"",
        "\"x\"",
        "\"bogus\"",
        "\"2024-02-29\"",
        "\"2026-02-29\"",
        "\"+262142-12-31\"",
        "\"+262143-01-01\"",
        "\"2026-13-01\"",
        "[]",
        "[null]",
        "[1]",
        "[\"x\"]",
        "[{}]",
        "{}",
        "{\"at\": 1, \"user\": \"u\", \"found\": true}",
        "\"Mayor\"",
        "\"mayor\"",
        "\"Secretary\"",
        "\"New\"",
        "\"Received\"",
        "\"CardLost\"",
        "\"Done\"",
        "\"Call\"",
        "\"In\"",
        "\"Open\"",
        "\"Waiting\"",
    ] {
        out.push(Some(raw.to_string()));
    }
    out
}

/// `sample` with the value at `path` (keys, and 0 for a list's first element)
/// replaced by `raw`, or removed.
fn mutated(sample: &Value, path: &[&str], raw: Option<&str>) -> String {
    let mut v = sample.clone();
    let mut at = &mut v;
    for step in &path[..path.len() - 1] {
        at = match step.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*step],
        };
    }
    let last = path[path.len() - 1];
    let slot = |at: &mut Value| match last.parse::<usize>() {
        Ok(i) => at
            .as_array_mut()
            .map(|a| &mut a[i])
            .map(|s| std::mem::replace(s, Value::Null)),
        Err(_) => at.as_object_mut().and_then(|o| o.remove(last)),
    };
    match raw {
        None => {
            slot(at);
        }
        Some(raw) => {
            let value: Value = serde_json::from_str(raw).unwrap();
            match last.parse::<usize>() {
                Ok(i) => at[i] = value,
                Err(_) => at[last] = value,
            }
        }
    }
    v.to_string()
}

#[test]
fn the_server_takes_exactly_the_values_serde_reads() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    drop(open(&db, ADMIN));
    let mut sql = db.sql("anna");
    let mut compared = 0;
    for (kind, sample, reads) in samples() {
        // Every key, and every key of each list's first element.
        let mut paths: Vec<Vec<String>> = Vec::new();
        for (key, value) in sample.as_object().unwrap() {
            paths.push(vec![key.clone()]);
            if let Some(first) = value.as_array().and_then(|a| a.first()) {
                paths.push(vec![key.clone(), "0".into()]);
                for inner in first.as_object().into_iter().flat_map(|o| o.keys()) {
                    paths.push(vec![key.clone(), "0".into(), inner.clone()]);
                }
            }
            if let Some(inner) = value.as_object() {
                for k in inner.keys() {
                    paths.push(vec![key.clone(), k.clone()]);
                }
            }
        }
        let mut texts = Vec::new();
        for path in &paths {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            for raw in candidates() {
                // A list's element removed is the list without it: not a case.
                if raw.is_none() && path.last().is_some_and(|p| p.parse::<usize>().is_ok()) {
                    continue;
                }
                texts.push((
                    path.join("."),
                    raw.clone(),
                    mutated(&sample, &path, raw.as_deref()),
                ));
            }
        }
        let all: Vec<&str> = texts.iter().map(|(_, _, t)| t.as_str()).collect();
        let rows = sql
            .query(
                "SELECT j::jsonb::text, ocsae.is_readable($1, j::jsonb) FROM unnest($2::text[]) WITH ORDINALITY AS u(j, n) ORDER BY n",
                &[&kind, &all],
            )
            .unwrap();
        for ((path, raw, _), row) in texts.iter().zip(rows) {
            let (stored, taken): (String, bool) = (row.get(0), row.get(1));
            assert_eq!(
                taken,
                reads(&stored),
                "{kind}.{path} = {raw:?}: the server {} it, serde {}",
                if taken { "takes" } else { "refuses" },
                if reads(&stored) { "reads it" } else { "does not" }
            );
            compared += 1;
        }
    }
    assert!(compared > 3_000, "{compared}");
    // Instants: only from 1900 to the end of 9999, though chrono reads far more
    // (one at its very end cannot be shown in local time).
    use ocsae::domain::limits::{EARLIEST_INSTANT_MS, LATEST_INSTANT_MS};
    let mut admin = db.sql(ADMIN);
    for (ms, taken) in [
        (EARLIEST_INSTANT_MS, true),
        (LATEST_INSTANT_MS, true),
        (EARLIEST_INSTANT_MS - 1, false),
        (LATEST_INSTANT_MS + 1, false),
        (8_210_266_876_799_999, false),
    ] {
        let row = admin
            .query_one("SELECT ocsae.is_instant(to_jsonb($1::bigint))", &[&ms])
            .unwrap();
        assert_eq!(row.get::<_, bool>(0), taken, "{ms}");
    }
}
