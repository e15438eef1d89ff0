//! Schema 10's check of what ocsae can read, compared with ocsae's types: each key
//! of a record of each kind, whether it may be absent or null, its JSON type,
//! and its values (each enumeration's names, each integer's range, instants and
//! dates) are exactly those serde reads back. The elements of lists are compared
//! with serde on a server (tests/shared_schema10_checks.rs).

use crate::domain::activity::{Activity, ActivityKind, ActivityStatus, Direction, Pause};
use crate::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use crate::domain::limits;
use crate::domain::municipality::{ContactRole, IneCode, Municipality};
use crate::domain::operator::Operator;
use crate::domain::revocation::RevocationReason;
use crate::domain::rollout::{Rollout, RolloutStatus};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

const SQL: &str = include_str!("migrations/010_checked_values.sql");

/// Whether a key may be absent from a record, and whether it may be null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Nullable,
    Optional,
    Defaulted,
}

/// One key as the migration checks it: how present, by which function, and
/// that function's arguments as written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checked {
    presence: Presence,
    check: String,
    args: String,
}

/// The SQL of `function`, from its name to the end of its body.
fn function(name: &str) -> &'static str {
    let at = SQL
        .find(&format!("FUNCTION ocsae.{name}("))
        .unwrap_or_else(|| panic!("010 should define {name}"));
    let body = &SQL[at..];
    let open = body.find("AS $$").unwrap() + "AS $$".len();
    &body[..open + body[open..].find("$$").unwrap()]
}

/// The keys `is_readable` checks for `kind`, one a line.
fn checked(kind: &str) -> BTreeMap<String, Checked> {
    let sql = function("is_readable");
    let start = sql
        .find(&format!("WHEN '{kind}' THEN"))
        .unwrap_or_else(|| panic!("010 should check {kind}"));
    let body = &sql[start..];
    let end = body[1..]
        .find("WHEN '")
        .or_else(|| body.find("ELSE false"))
        .unwrap();
    let mut out = BTreeMap::new();
    for line in body[..end].lines().skip(1) {
        let line = line.trim().trim_start_matches("AND ");
        if line.is_empty() {
            continue;
        }
        let key = line
            .split("OPERATOR(pg_catalog.->) '")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .unwrap_or_else(|| panic!("a key on {line}"));
        let presence = if line.starts_with("ocsae.") {
            Presence::Required
        } else if line.starts_with("(coalesce(") {
            Presence::Optional
        } else if line.contains("IS NULL OR") {
            Presence::Defaulted
        } else if line.contains("OPERATOR(pg_catalog.=) 'null' OR") {
            Presence::Nullable
        } else {
            panic!("a shape on {line}");
        };
        let call = &line[line.rfind("ocsae.").unwrap() + "ocsae.".len()..];
        let check = call[..call.find('(').unwrap()].to_string();
        let args = call
            .split_once(&format!("'{key}'"))
            .map(|(_, rest)| rest.trim_start_matches(", ").trim_end_matches(')').to_string())
            .unwrap_or_default();
        let old = out.insert(
            key.to_string(),
            Checked {
                presence,
                check,
                args,
            },
        );
        assert!(old.is_none(), "{kind}: {key} twice");
    }
    out
}

/// The JSON type a check takes.
fn json_type(check: &str) -> &'static str {
    match check {
        "is_text" | "is_date" | "is_one_of" => "string",
        "is_uint" | "is_instant" => "number",
        "is_flag" => "boolean",
        "is_appointment_check" => "object",
        c if c.starts_with("are_") => "array",
        c => panic!("an unknown check {c}"),
    }
}

/// Whether serde reads `sample` with `key` as `raw` JSON text (None: absent),
/// from text, as a record is read from the server.
fn reads<T: DeserializeOwned>(sample: &Value, key: &str, raw: Option<&str>) -> bool {
    let mut fields = sample.as_object().expect("a record is a JSON object").clone();
    match raw {
        None => {
            fields.remove(key);
        }
        Some(_) => {
            fields.insert(key.to_string(), Value::String("\u{1}".into()));
        }
    }
    let text = Value::Object(fields).to_string();
    let text = match raw {
        Some(raw) => text.replace("\"\\u0001\"", raw),
        None => text,
    };
    serde_json::from_str::<T>(&text).is_ok()
}

/// The names serde's derive gives an enumeration, as it reads it.
fn variants<T: DeserializeOwned>() -> Vec<String> {
    use serde::de::value::Error;
    struct Probe<'a>(&'a mut Vec<String>);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
            Err(serde::de::Error::custom("not an enumeration"))
        }
        fn deserialize_enum<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            self.0.extend(variants.iter().map(|v| v.to_string()));
            Err(serde::de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
            ignored_any
        }
    }
    let mut names = Vec::new();
    let _ = T::deserialize(Probe(&mut names));
    assert!(!names.is_empty());
    names
}

/// The names listed after `'key', ARRAY[` in `sql`.
fn listed(sql: &str, key: &str) -> Vec<String> {
    let at = sql
        .find(&format!("'{key}', ARRAY["))
        .unwrap_or_else(|| panic!("names of {key}"));
    let list = &sql[at + key.len() + 10..];
    list[..list.find(']').unwrap()]
        .split(',')
        .map(|n| n.trim().trim_matches('\'').to_string())
        .collect()
}

fn at(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap()
}

fn json(record: &impl serde::Serialize) -> Value {
    serde_json::to_value(record).unwrap()
}

/// Whether serde reads a sample with a key given as JSON text (or absent).
type Reads = fn(&Value, &str, Option<&str>) -> bool;

/// One record of each kind, every optional value given.
fn samples() -> Vec<(&'static str, Value, Reads)> {
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
    request.set_revocation_reason(Some(RevocationReason::CardLost));
    request.set_appointment_check(Some(Box::new(crate::domain::revocation::AppointmentCheck {
        at: at(6),
        user: "jordi".into(),
        found: true,
    })));
    let cell = Rollout {
        ine: IneCode(252228),
        service: "e-notum".into(),
        status: RolloutStatus::Done,
        steps: Vec::new(),
        notes: String::new(),
        blocked_reason: String::new(),
        updated_at: Some(at(1)),
        source: "rollout.csv:2".into(),
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
    let mut service = crate::domain::catalog::services()[0].clone();
    (service.description, service.retired, service.position) = ("Notificacions".into(), true, 3);
    vec![
        ("municipality", json(&council), reads::<Municipality>),
        ("certificate", json(&request), reads::<CertificateRequest>),
        ("rollout", json(&cell), reads::<Rollout>),
        ("activity", json(&activity), reads::<Activity>),
        ("operator", json(&operator), reads::<Operator>),
        (
            "service",
            json(&service),
            reads::<crate::domain::catalog::Service>,
        ),
    ]
}

#[test]
fn the_server_checks_every_key_as_serde_reads_it() {
    for (kind, sample, reads) in samples() {
        let checks = checked(kind);
        let fields = sample.as_object().unwrap();
        let keys: Vec<&String> = fields.keys().collect();
        assert_eq!(keys, checks.keys().collect::<Vec<_>>(), "010's keys of a {kind}");
        for (key, value) in fields {
            let c = &checks[key];
            let presence = match (reads(&sample, key, None), reads(&sample, key, Some("null"))) {
                (false, false) => Presence::Required,
                (false, true) => Presence::Nullable,
                (true, true) => Presence::Optional,
                (true, false) => Presence::Defaulted,
            };
            assert_eq!(c.presence, presence, "{kind}.{key}");
            let given = match value {
                Value::Bool(_) => "boolean",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Null => panic!("{kind}.{key}: the sample should give every value"),
            };
            assert_eq!(json_type(&c.check), given, "{kind}.{key}");
            for other in ["true", "1", "\"x\"", "[]", "{}"] {
                let other_type = match other {
                    "true" => "boolean",
                    "1" => "number",
                    "\"x\"" => "string",
                    "[]" => "array",
                    _ => "object",
                };
                if other_type != given {
                    assert!(!reads(&sample, key, Some(other)), "{kind}.{key} as {other}");
                }
            }
        }
    }
}

#[test]
fn each_integer_is_checked_whole_and_within_its_type() {
    for (kind, sample, reads) in samples() {
        for (key, c) in checked(kind) {
            let reads = |raw: &str| reads(&sample, &key, Some(raw));
            match c.check.as_str() {
                "is_uint" => {
                    let max: u128 = c.args.parse().unwrap();
                    assert!(reads(&max.to_string()), "{kind}.{key} = {max}");
                    assert!(!reads(&(max + 1).to_string()), "{kind}.{key} = {max} + 1");
                    assert!(
                        reads("0") && !reads("-1") && !reads("1.0") && !reads("1.5"),
                        "{kind}.{key}"
                    );
                }
                "is_instant" => {
                    use crate::domain::limits::{EARLIEST_INSTANT_MS, LATEST_INSTANT_MS};
                    // The server's bounds are read, and shown in local time.
                    for raw in [EARLIEST_INSTANT_MS, LATEST_INSTANT_MS] {
                        assert!(reads(&raw.to_string()), "{kind}.{key} = {raw}");
                        assert!(function("is_instant").contains(&raw.to_string()), "{raw}");
                        let local = chrono::DateTime::from_timestamp_millis(raw)
                            .unwrap()
                            .with_timezone(&chrono_tz::Europe::Madrid);
                        assert!(local.checked_add_days(chrono::Days::new(366)).is_some());
                    }
                    for raw in [EARLIEST_INSTANT_MS - 1, LATEST_INSTANT_MS + 1] {
                        assert!(!function("is_instant").contains(&raw.to_string()), "{raw}");
                    }
                    assert!(!reads("1.0") && !reads("1.5"), "{kind}.{key}");
                }
                "is_date" => {
                    for (raw, read) in [
                        ("\"2024-02-29\"", true),
                        ("\"2026-12-31\"", true),
                        ("\"-262143-01-01\"", true),
                        ("\"+262142-12-31\"", true),
                        ("\"+262143-01-01\"", false),
                        ("\"-262144-12-31\"", false),
                        ("\"2026-02-29\"", false),
                        ("\"2026-13-01\"", false),
                        ("\"2026-04-31\"", false),
                        ("\"soon\"", false),
                    ] {
                        assert_eq!(reads(raw), read, "{kind}.{key} = {raw}");
                    }
                }
                _ => {}
            }
        }
    }
    let day = function("is_day");
    let (min, max) = (chrono::NaiveDate::MIN, chrono::NaiveDate::MAX);
    use chrono::Datelike;
    assert!(
        day.contains(&format!("OPERATOR(pg_catalog.>=) {}", min.year())),
        "{day}"
    );
    assert!(
        day.contains(&format!("OPERATOR(pg_catalog.<=) {}", max.year())),
        "{day}"
    );
}

#[test]
fn each_enumeration_lists_exactly_the_names_of_its_rust_type() {
    let is_readable = function("is_readable");
    let block = |kind: &str| {
        let start = is_readable.find(&format!("WHEN '{kind}' THEN")).unwrap();
        let body = &is_readable[start..];
        &body[..body[1..].find("WHEN '").unwrap_or(body.len() - 1)]
    };
    let expected: Vec<(&str, &str, Vec<String>)> = vec![
        ("certificate", "role", variants::<HolderRole>()),
        ("certificate", "operation", variants::<Operation>()),
        ("certificate", "status", variants::<CertStatus>()),
        ("certificate", "revocation_reason", variants::<RevocationReason>()),
        ("rollout", "status", variants::<RolloutStatus>()),
        ("activity", "kind", variants::<ActivityKind>()),
        ("activity", "direction", variants::<Direction>()),
        ("activity", "status", variants::<ActivityStatus>()),
    ];
    let mut enumerations = 0;
    for (kind, sample, reads) in samples() {
        for (key, c) in checked(kind) {
            if c.check != "is_one_of" {
                continue;
            }
            enumerations += 1;
            let (_, _, names) = expected
                .iter()
                .find(|(k, f, _)| *k == kind && *f == key)
                .unwrap_or_else(|| panic!("{kind}.{key}: which Rust type?"));
            assert_eq!(&listed(block(kind), &key), names, "{kind}.{key}");
            for name in names {
                assert!(
                    reads(&sample, &key, Some(&format!("\"{name}\""))),
                    "{kind}.{key} = {name}"
                );
            }
            assert!(!reads(&sample, &key, Some("\"bogus\"")), "{kind}.{key}");
        }
    }
    assert_eq!(enumerations, expected.len());
    // Inside a council's contacts.
    assert_eq!(
        listed(function("each_contacts"), "role"),
        variants::<ContactRole>()
    );
    // Their ALL lists (forms, files and `parse` use them) are the types' too.
    fn all<T: serde::Serialize>(all: &[T]) -> Vec<String> {
        all.iter()
            .map(|v| json(v).as_str().unwrap().to_string())
            .collect()
    }
    assert_eq!(all(&HolderRole::ALL), variants::<HolderRole>());
    assert_eq!(all(&Operation::ALL), variants::<Operation>());
    assert_eq!(all(&CertStatus::ALL), variants::<CertStatus>());
    assert_eq!(all(&RevocationReason::ALL), variants::<RevocationReason>());
    assert_eq!(all(&RolloutStatus::ALL), variants::<RolloutStatus>());
    assert_eq!(all(&ActivityKind::ALL), variants::<ActivityKind>());
    assert_eq!(all(&Direction::ALL), variants::<Direction>());
    assert_eq!(all(&ActivityStatus::ALL), variants::<ActivityStatus>());
    assert_eq!(all(&ContactRole::ALL), variants::<ContactRole>());
}

#[test]
fn the_server_takes_records_within_the_limits_in_domain_limits() {
    let fits = function("record_fits");
    assert!(fits.contains(&format!("OPERATOR(pg_catalog.>) {}", limits::STORED_RECORD_BYTES)));
    // A record of at most STORED_TEXT bytes holds no longer string; else each
    // string's length is compared with it.
    assert!(fits.contains(&format!("OPERATOR(pg_catalog.<=) {}", limits::STORED_TEXT)));
    assert!(fits.contains(&format!(
        "pg_catalog.char_length(v OPERATOR(pg_catalog.#>>) '{{}}') OPERATOR(pg_catalog.>) {}",
        limits::STORED_TEXT
    )));
}

#[test]
fn the_checks_are_pinned_against_the_search_path() {
    for name in [
        "is_readable",
        "record_fits",
        "is_uint",
        "is_instant",
        "is_date",
        "is_day",
        "is_one_of",
    ] {
        let f = function(name);
        assert!(f.contains("IMMUTABLE") && !f.contains(" SET "), "{name}");
        let body = &f[f.find("AS $$").unwrap()..];
        for op in [" = ", " <= ", " >= ", " -> ", " ~ ", " % "] {
            assert!(!body.contains(op), "{name}: {op} unqualified");
        }
    }
}
