//! Schema 9's check of what ocsae can read, compared with ocsae's types: the keys
//! a record of each kind must hold, and each one's JSON type, are exactly those
//! serde requires to read it back.

use crate::domain::activity::{Activity, ActivityKind, Pause};
use crate::domain::certificate::{CertificateRequest, HolderRole};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::operator::Operator;
use crate::domain::rollout::{Rollout, RolloutStatus};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Each required key and its JSON types, as serde sees `sample`: a key is
/// required if the record without it is not read; it may be null if the record
/// with it null is read; its type is the sample's (every optional value given).
fn required<T: DeserializeOwned>(sample: Value) -> BTreeMap<String, String> {
    let Value::Object(fields) = &sample else {
        panic!("a record is a JSON object");
    };
    assert!(serde_json::from_value::<T>(sample.clone()).is_ok());
    let reads = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut fields = fields.clone();
        change(&mut fields);
        serde_json::from_value::<T>(Value::Object(fields)).is_ok()
    };
    let mut out = BTreeMap::new();
    for (key, value) in fields {
        if reads(&|f| {
            f.remove(key);
        }) {
            continue;
        }
        let kind = match value {
            Value::Null => panic!("{key}: the sample should give every value"),
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let nullable = reads(&|f| {
            f.insert(key.clone(), Value::Null);
        });
        let types = match nullable {
            true => format!("{kind},null"),
            false => kind.to_string(),
        };
        out.insert(key.clone(), types);
    }
    out
}

/// The keys and types the migration checks for `kind`.
fn checked(sql: &str, kind: &str) -> BTreeMap<String, String> {
    let sql = &sql[sql
        .find("FUNCTION ocsae.is_readable")
        .expect("009 should define is_readable")..];
    let start = sql
        .find(&format!("WHEN '{kind}' THEN"))
        .unwrap_or_else(|| panic!("009 should check {kind}"));
    let body = &sql[start..];
    let end = body[1..]
        .find("WHEN '")
        .or_else(|| body.find("ELSE false"))
        .unwrap();
    let mut out = BTreeMap::new();
    for line in body[..end].lines().skip(1) {
        let key = line
            .split("OPERATOR(pg_catalog.->) '")
            .nth(1)
            .and_then(|r| r.split('\'').next());
        let types = line.split("ANY (ARRAY[").nth(1).and_then(|r| r.split(']').next());
        if let (Some(key), Some(types)) = (key, types) {
            out.insert(key.to_string(), types.replace(['\'', ' '], ""));
        }
    }
    out
}

fn at(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap()
}

#[test]
fn the_server_requires_exactly_the_keys_and_types_ocsae_needs_to_read_a_record() {
    let sql = include_str!("migrations/009_written_keys.sql");
    let council = Municipality {
        ine: IneCode(252228),
        name: "Tiurana".into(),
        comarca: "Noguera".into(),
        population: 70,
        population_year: 2024,
        contacts: Vec::new(),
        notes: String::new(),
        subscriber_form_sent_on: Some("2026-01-15".parse().unwrap()),
    };
    let mut request =
        CertificateRequest::received(7, IneCode(252228), "Maria Puig", HolderRole::Mayor, "tcat", at(1));
    (request.filed_at, request.issued_at, request.delivered_at) = (Some(at(2)), Some(at(3)), Some(at(4)));
    request.set_renews(Some(1));
    request.set_revokes(Some(2));
    request.set_downloaded_at(Some(at(5)));
    let cell = Rollout {
        ine: IneCode(252228),
        service: "e-notum".into(),
        status: RolloutStatus::Done,
        steps: Vec::new(),
        notes: String::new(),
        blocked_reason: String::new(),
        updated_at: Some(at(1)),
        source: String::new(),
    };
    let mut activity = Activity::new(Some(IneCode(252228)), ActivityKind::Call, "Trucada", at(1));
    activity.closed_at = Some(at(2));
    activity.pauses = vec![Pause {
        from: at(1),
        to: Some(at(2)),
    }];
    (activity.service, activity.request_id) = (Some("e-notum".into()), Some(7));
    (activity.minutes, activity.session_minutes) = (Some(5), Some(60));
    activity.follow_up_on = Some("2026-01-15".parse().unwrap());
    let operator = Operator {
        name: "Jordi Vall".into(),
        card_issued_on: "2026-01-15".parse().unwrap(),
    };
    let service = crate::domain::catalog::services()[0].clone();
    let kinds = [
        ("municipality", required::<Municipality>(json(&council))),
        ("certificate", required::<CertificateRequest>(json(&request))),
        ("rollout", required::<Rollout>(json(&cell))),
        ("activity", required::<Activity>(json(&activity))),
        ("operator", required::<Operator>(json(&operator))),
        (
            "service",
            required::<crate::domain::catalog::Service>(json(&service)),
        ),
    ];
    for (kind, needed) in kinds {
        assert!(!needed.is_empty(), "{kind}");
        assert_eq!(checked(sql, kind), needed, "009's keys of a {kind}");
    }
}

fn json(record: &impl serde::Serialize) -> Value {
    serde_json::to_value(record).unwrap()
}
