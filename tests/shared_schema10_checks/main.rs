//! What schema 10 adds to the server's checks of a technician's hand-written SQL
//! (see shared_schema9_checks.rs for schema 9's): every value of a record or an
//! edit one ocsae reads (as serde reads it, compared case by case in
//! versus_serde.rs), records of bounded size, and an activity's author the server's.
#[path = "../common/mod.rs"]
mod common;
mod versus_serde;

use common::offices::{open, two_offices};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::activity::{Activity, ActivityKind};
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::limits;
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::Rollout;
use ocsae::store::{Change, ChangeKind, Edit, Record};
use postgres::error::SqlState;
use serde_json::{Value, json};

/// Tiurana, a council of the Noguera.
const TIURANA: u32 = 252228;

fn request(id: i64) -> CertificateRequest {
    CertificateRequest::received(
        id as u64,
        IneCode(TIURANA),
        "Maria Puig",
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

fn activity(id: i64, by: &str) -> Activity {
    let mut a = Activity::new(
        Some(IneCode(TIURANA)),
        ActivityKind::Call,
        "Trucada",
        at("2026-11-26T09:00:00Z"),
    );
    a.id = id as u64;
    a.created_by = by.into();
    a
}

fn text(record: &impl serde::Serialize) -> String {
    serde_json::to_string(record).unwrap()
}

/// `record` with `key` set to `value` (as JSON text).
fn with(record: &str, key: &str, value: &str) -> String {
    let mut v: Value = serde_json::from_str(record).unwrap();
    v[key] = serde_json::from_str(value).unwrap();
    v.to_string()
}

fn sql_text(json: Option<&str>) -> String {
    json.map_or("NULL".to_string(), |j| {
        format!("'{}'::jsonb", j.replace('\'', "''"))
    })
}

fn edit(pos: i32, kind: &str, key: &str, before: Option<&str>, after: Option<&str>) -> String {
    format!(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         VALUES (currval('ocsae.history_seq'), {pos}, '{kind}', '{key}', 'Noguera', {}, {})",
        sql_text(before),
        sql_text(after)
    )
}

/// As `user`, in one transaction: an entry of `edits` edits, a new number of
/// `sequence`, then the statements `write` makes of it; committed.
fn by_hand(
    db: &pg::Db,
    user: &str,
    edits: i32,
    sequence: &str,
    write: impl Fn(i64) -> Vec<String>,
) -> Result<i64, postgres::Error> {
    let mut sql = db.sql(user);
    let mut tx = sql.transaction()?;
    tx.batch_execute(&format!(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
         VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.edit', {edits}, '{{Noguera}}')"
    ))?;
    let id: i64 = tx
        .query_one(&format!("SELECT nextval('ocsae.{sequence}')"), &[])?
        .get(0);
    for s in write(id) {
        tx.batch_execute(&s)?;
    }
    tx.commit()?;
    Ok(id)
}

/// A new request `record` of `id`, written with its edit.
fn file_request(db: &pg::Db, record: impl Fn(i64) -> String) -> Result<i64, postgres::Error> {
    by_hand(db, "anna", 1, "certificate_id", |id| {
        let r = record(id);
        vec![
            edit(0, "certificate", &id.to_string(), None, Some(&r)),
            format!(
                "INSERT INTO ocsae.certificate (id, ine, comarca, record) VALUES ({id}, {TIURANA}, 'Noguera', {})",
                sql_text(Some(&r))
            ),
        ]
    })
}

/// A request `record` in the history only: created and removed again.
fn request_in_an_edit(db: &pg::Db, record: impl Fn(i64) -> String) -> Result<i64, postgres::Error> {
    by_hand(db, "anna", 2, "certificate_id", |id| {
        let r = record(id);
        vec![
            edit(0, "certificate", &id.to_string(), None, Some(&r)),
            edit(1, "certificate", &id.to_string(), Some(&r), None),
        ]
    })
}

fn refused(case: &str, outcome: Result<i64, postgres::Error>) {
    let err = outcome.expect_err(case);
    assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION), "{case}: {err}");
}

#[test]
fn each_kind_of_value_ocsae_cannot_read_is_refused_in_a_record_and_in_an_edit() {
    let Some(db) = two_offices() else { return };
    let request_cases: [(&str, &str, &str); 10] = [
        ("a status that does not exist", "status", "\"bogus\""),
        ("a role that does not exist", "role", "\"Boss\""),
        ("an operation that does not exist", "operation", "\"Burn\""),
        ("a negative link", "renews", "-1"),
        ("a fractional link", "revokes", "2.5"),
        ("a link beyond u64", "renews", "18446744073709551616"),
        ("an instant as a fraction", "received_at", "1.5"),
        ("an instant beyond chrono's range", "filed_at", "9000000000000000"),
        (
            "a revocation reason that does not exist",
            "revocation_reason",
            "\"Lost\"",
        ),
        (
            "an appointment check without its user",
            "appointment_check",
            "{\"at\": 1, \"found\": true}",
        ),
    ];
    for (case, key, value) in request_cases {
        refused(
            case,
            file_request(&db, |id| with(&text(&request(id)), key, value)),
        );
        refused(
            case,
            request_in_an_edit(&db, |id| with(&text(&request(id)), key, value)),
        );
    }
    // An activity: its kind, its direction, its status, a pause, a council.
    let activity_cases: [(&str, &str, &str); 6] = [
        ("an activity kind that does not exist", "kind", "\"Fax\""),
        ("a direction that does not exist", "direction", "\"Up\""),
        ("an activity status that does not exist", "status", "\"Lost\""),
        ("a pause without its start", "pauses", "[{\"to\": null}]"),
        (
            "a council of a negative code",
            "councils",
            "[{\"ine\": -1, \"attendees\": 3}]",
        ),
        ("a service that is not text", "services", "[7]"),
    ];
    for (case, key, value) in activity_cases {
        let write = |id: i64, removed: bool| {
            let a = with(&text(&activity(id, "anna")), key, value);
            let key = id.to_string();
            match removed {
                false => vec![
                    edit(0, "activity", &key, None, Some(&a)),
                    format!(
                        "INSERT INTO ocsae.activity (id, ine, comarca, record) VALUES ({id}, {TIURANA}, 'Noguera', {})",
                        sql_text(Some(&a))
                    ),
                ],
                true => vec![
                    edit(0, "activity", &key, None, Some(&a)),
                    edit(1, "activity", &key, Some(&a), None),
                ],
            }
        };
        refused(
            case,
            by_hand(&db, "anna", 1, "activity_id", |id| write(id, false)),
        );
        refused(case, by_hand(&db, "anna", 2, "activity_id", |id| write(id, true)));
    }
    // A council: its population, its year, a contact's role.
    let council_cases: [(&str, &str, &str); 3] = [
        ("a negative population", "population", "-5"),
        ("a year beyond u16", "population_year", "70000"),
        (
            "a contact of a role that does not exist",
            "contacts",
            "[{\"role\": \"Boss\", \"name\": \"x\", \"phone\": \"\", \"email\": \"\"}]",
        ),
    ];
    for (case, key, value) in council_cases {
        let filter = format!("ine = {TIURANA}");
        let set = format!("jsonb_set(record, '{{{key}}}', '{value}')");
        refused(
            case,
            by_hand(&db, "anna", 1, "certificate_id", |_| {
                vec![
                    format!(
                        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                         SELECT currval('ocsae.history_seq'), 0, 'municipality', '{TIURANA}', comarca, record, {set} \
                         FROM ocsae.municipality WHERE {filter}"
                    ),
                    format!("UPDATE ocsae.municipality SET record = {set} WHERE {filter}"),
                ]
            }),
        );
    }
    // A rollout cell: its status, a tick's time.
    for (case, key, value) in [
        ("a rollout status that does not exist", "status", "\"Finished\""),
        (
            "a tick dated by text",
            "steps",
            "[{\"done_at\": \"ahir\", \"done_by\": \"anna\"}]",
        ),
    ] {
        let cell = Rollout::pending(IneCode(TIURANA), &ocsae::domain::catalog::services()[0]);
        let r = with(&text(&cell), key, value);
        let service = cell.service.clone();
        refused(
            case,
            by_hand(&db, "anna", 1, "certificate_id", |_| {
                vec![
                    edit(0, "rollout", &format!("{TIURANA}/{service}"), None, Some(&r)),
                    format!(
                        "INSERT INTO ocsae.rollout (ine, service, comarca, record) VALUES ({TIURANA}, '{service}', 'Noguera', {})",
                        sql_text(Some(&r))
                    ),
                ]
            }),
        );
    }
    // An ER operator's card issued on a day that is not one.
    let card = json!({"name": "Jordi Vall", "card_issued_on": "2026-02-30"}).to_string();
    refused(
        "a card issued on the 30th of February",
        by_hand(&db, "anna", 1, "certificate_id", |_| {
            vec![
                edit(0, "operator", "Jordi Vall", None, Some(&card)),
                format!(
                    "INSERT INTO ocsae.operator (key, comarca, record) VALUES ('Jordi Vall', 'Noguera', {})",
                    sql_text(Some(&card))
                ),
            ]
        }),
    );
    // Every reader still reads the store, and the same request, whole, is taken.
    open(&db, "anna");
    let mut file = Vec::new();
    open(&db, ADMIN).write_backup(at(NOW), &mut file).unwrap();
    file_request(&db, |id| text(&request(id))).expect("a request ocsae reads");
}

#[test]
fn records_and_their_texts_are_of_bounded_size() {
    let Some(db) = two_offices() else { return };
    let notes = |n: usize| {
        move |id: i64| {
            with(
                &text(&request(id)),
                "notes",
                &Value::from("é".repeat(n)).to_string(),
            )
        }
    };
    refused("a note of 20,000 characters", file_request(&db, notes(20_000)));
    refused(
        "a note of 20,000 characters in an edit",
        request_in_an_edit(&db, notes(20_000)),
    );
    refused(
        "one character too many",
        file_request(&db, notes(limits::STORED_TEXT + 1)),
    );
    // 2 MiB of short texts, under a key ocsae does not read.
    let padded = |id: i64| {
        let mut v: Value = serde_json::from_str(&text(&request(id))).unwrap();
        v["padding"] = vec!["x".repeat(8_000); 270].into();
        v.to_string()
    };
    assert!(padded(1).len() > 2 * limits::STORED_RECORD_BYTES);
    refused("a record of 2 MiB", file_request(&db, padded));
    refused("a record of 2 MiB in an edit", request_in_an_edit(&db, padded));
    // The longest text the server takes, by hand; ocsae's longest, through ocsae.
    file_request(&db, notes(limits::STORED_TEXT)).expect("a note of the longest text");
    let store = open(&db, "anna");
    let mut r = request(0);
    r.set_notes("n".repeat(limits::NOTES).into());
    r.set_reason("r".repeat(limits::REASON).into());
    r.holder = "h".repeat(limits::NAME).into();
    let id = store
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(r))]),
            at(NOW),
        )
        .expect("ocsae's longest request")
        .ids[0];
    let mut a = activity(0, "anna");
    (a.notes, a.summary, a.contact) = (
        "n".repeat(limits::NOTES),
        "s".repeat(limits::SUMMARY),
        "c".repeat(limits::NAME),
    );
    a.request_id = Some(id);
    store
        .apply(
            Change::new(ChangeKind::ActivityNew, vec![Edit::create(Record::Activity(a))]),
            at(NOW),
        )
        .expect("ocsae's longest activity");
}

fn created_by(db: &pg::Db, id: i64) -> String {
    db.sql(ADMIN)
        .query_one(
            "SELECT record ->> 'created_by' FROM ocsae.activity WHERE id = $1",
            &[&id],
        )
        .unwrap()
        .get(0)
}

/// As `user`: a new activity, its row saying `row_by` and its edit `edit_by`.
fn log_by_hand(db: &pg::Db, user: &str, row_by: &str, edit_by: &str) -> Result<i64, postgres::Error> {
    by_hand(db, user, 1, "activity_id", |id| {
        vec![
            edit(
                0,
                "activity",
                &id.to_string(),
                None,
                Some(&text(&activity(id, edit_by))),
            ),
            format!(
                "INSERT INTO ocsae.activity (id, ine, comarca, record) VALUES ({id}, {TIURANA}, 'Noguera', {})",
                sql_text(Some(&text(&activity(id, row_by))))
            ),
        ]
    })
}

/// As `user`: `id`'s summary changed, its row saying `row_by` and its edit
/// `edit_by`; an upsert if `upsert`.
fn change_by_hand(
    db: &pg::Db,
    user: &str,
    id: i64,
    row_by: &str,
    edit_by: &str,
    upsert: bool,
) -> Result<i64, postgres::Error> {
    let before = db
        .sql(ADMIN)
        .query_one("SELECT record::text FROM ocsae.activity WHERE id = $1", &[&id])
        .unwrap()
        .get::<_, String>(0);
    by_hand(db, user, 1, "activity_id", |_| {
        let after = |by: &str| {
            let mut a: Activity = serde_json::from_str(&before).unwrap();
            (a.summary, a.created_by) = ("Canviada".into(), by.into());
            text(&a)
        };
        let row = sql_text(Some(&after(row_by)));
        vec![
            edit(
                0,
                "activity",
                &id.to_string(),
                Some(&before),
                Some(&after(edit_by)),
            ),
            match upsert {
                false => format!("UPDATE ocsae.activity SET record = {row} WHERE id = {id}"),
                true => format!(
                    "INSERT INTO ocsae.activity (id, ine, comarca, record) VALUES ({id}, {TIURANA}, 'Noguera', {row}) \
                     ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record"
                ),
            },
        ]
    })
}

#[test]
fn an_activitys_author_is_the_session_user_and_stays_its_first() {
    let Some(db) = two_offices() else { return };
    let forbidden = |case: &str, outcome: Result<i64, postgres::Error>| {
        let err = outcome.expect_err(case);
        assert_eq!(
            err.code(),
            Some(&SqlState::INSUFFICIENT_PRIVILEGE),
            "{case}: {err}"
        );
    };
    // Anna logs a call as Marta: the row is hers, so the entry saying Marta's is refused.
    forbidden(
        "an activity logged as a colleague",
        log_by_hand(&db, "anna", "marta", "marta"),
    );
    // The row forged, the entry true: the row is written as Anna's.
    let id = log_by_hand(&db, "anna", "marta", "anna").expect("the author put right");
    assert_eq!(created_by(&db, id), "anna");
    // Marta changes it: the author stays Anna, by an update or an upsert.
    forbidden(
        "an activity handed to its editor",
        change_by_hand(&db, "marta", id, "marta", "marta", false),
    );
    change_by_hand(&db, "marta", id, "marta", "anna", false).expect("the author kept on update");
    assert_eq!(created_by(&db, id), "anna");
    forbidden(
        "an upsert handing it over",
        change_by_hand(&db, "marta", id, "marta", "marta", true),
    );
    change_by_hand(&db, "marta", id, "marta", "anna", true).expect("the author kept on upsert");
    assert_eq!(created_by(&db, id), "anna");
}

#[test]
fn ocsaes_own_activities_keep_their_authors_through_undo_redo_and_a_restore() {
    let Some(db) = two_offices() else { return };
    let marta = open(&db, "marta");
    let change = ocsae::ops::activity::log(
        activity(0, ""),
        at(NOW),
        "marta",
        &ocsae::ops::activity::Unchecked,
    )
    .expect("a call");
    let id = marta.apply(change, at(NOW)).unwrap().ids[0] as i64;
    assert_eq!(created_by(&db, id), "marta");
    marta.undo(at(NOW)).unwrap().expect("undone");
    marta.redo(at(NOW)).unwrap().expect("redone");
    assert_eq!(created_by(&db, id), "marta");
    // Anna edits it: still Marta's.
    let anna = open(&db, "anna");
    let Some(Record::Activity(before)) = anna
        .records(ocsae::store::Kind::Activity)
        .unwrap()
        .map(Result::unwrap)
        .next()
    else {
        panic!("the call");
    };
    let mut after = before.clone();
    after.summary = "Trucada, tornada".into();
    anna.apply(
        Change::update(
            ChangeKind::ActivityEdit,
            Record::Activity(before),
            Record::Activity(after),
        ),
        at(NOW),
    )
    .unwrap();
    assert_eq!(created_by(&db, id), "marta");
    // The administrator restores a backup of it: the author is still Marta, not the administrator.
    let admin = open(&db, ADMIN);
    let dump = admin.dump(at(NOW)).unwrap();
    admin.restore(&dump, true).unwrap();
    assert_eq!(created_by(&db, id), "marta");
}

#[test]
fn a_store_of_schema_9_is_brought_to_10_and_keeps_working() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let mut admin = db.sql(ADMIN);
    let council = "{\"ine\": 252228, \"name\": \"Tiurana\", \"comarca\": \"Noguera\", \"population\": 70, \
                   \"population_year\": 2024, \"contacts\": [], \"notes\": \"\"}";
    for sql in [
        include_str!("../../src/store/postgres/migrations/001_initial.sql"),
        include_str!("../../src/store/postgres/migrations/002_activity.sql"),
        include_str!("../../src/store/postgres/migrations/003_office.sql"),
        include_str!("../../src/store/postgres/migrations/004_guarded_history.sql"),
        include_str!("../../src/store/postgres/migrations/005_pinned_functions.sql"),
        include_str!("../../src/store/postgres/migrations/006_verified_edits.sql"),
        include_str!("../../src/store/postgres/migrations/007_council_comarca.sql"),
        include_str!("../../src/store/postgres/migrations/008_council_bound_rows.sql"),
        include_str!("../../src/store/postgres/migrations/009_written_keys.sql"),
        &format!(
            "INSERT INTO ocsae.meta VALUES ('schema_version', '9'); \
             INSERT INTO ocsae.municipality VALUES (252228, 'Noguera', '{council}')"
        ),
    ] {
        admin.batch_execute(sql).unwrap();
    }
    drop(open(&db, ADMIN));
    let version: String = admin
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, ocsae::store::postgres::CURRENT.to_string());
    // Schema 9's checks on the tables now check values, through the function replaced.
    let err = admin
        .batch_execute("UPDATE ocsae.municipality SET record = jsonb_set(record, '{population}', '-5')")
        .expect_err("a negative population");
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("municipality_is_readable"),
        "{err}"
    );
    let err = admin
        .batch_execute("UPDATE ocsae.municipality SET record = jsonb_set(record, '{notes}', to_jsonb(repeat('x', 10001)))")
        .expect_err("a note too long");
    assert_eq!(
        err.as_db_error().and_then(|e| e.constraint()),
        Some("municipality_fits"),
        "{err}"
    );
    // ocsae still reads the council, and writes.
    let store = open(&db, ADMIN);
    assert_eq!(store.municipalities().unwrap().len(), 1);
    let mut r = request(0);
    r.set_notes("n".repeat(limits::NOTES).into());
    store
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(r))]),
            at(NOW),
        )
        .expect("a request filed on the store brought up");
}
