//! What the server (schema 8) holds a technician to, whatever SQL they write in
//! psql through their own role: a request, rollout cell or support-log entry is
//! kept under its council's comarca, and its council exists; no record holds
//! text a restore refuses; an edit's `before` is the record as it was; every
//! history entry notifies the dashboards; the sequences are not theirs to read.
mod common;

use common::offices::{count, open, two_offices};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::activity::{Activity, ActivityKind, Attendance};
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Record};
use postgres::error::SqlState;

/// An entry of the Noguera's office, opening a transaction of changes.
const ENTRY: &str = "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
                     VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.new', 1, '{Noguera}')";

/// Tiurana, a council of the Noguera.
const TIURANA: i64 = 252228;

/// A council of the Priorat (the other office's), as the administrator reads it.
fn priorat_council(db: &pg::Db) -> i64 {
    db.sql(ADMIN)
        .query_one(
            "SELECT ine::bigint FROM ocsae.municipality WHERE comarca = 'Priorat' ORDER BY ine LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0)
}

/// Runs `statements` as `user` after an entry of their own, and commits: the
/// edit and the row each statement writes agree, as schema 6 asks.
fn by_hand(db: &pg::Db, user: &str, statements: &[String]) -> Result<(), postgres::Error> {
    let mut sql = db.sql(user);
    let mut tx = sql.transaction()?;
    tx.batch_execute(ENTRY)?;
    for s in statements {
        tx.batch_execute(s)?;
    }
    tx.commit()
}

/// A new record written by hand: its edit (created: `before` null), then its row.
fn create(kind: &str, key: &str, columns: &str, values: &str, record: &str) -> Vec<String> {
    let table = match kind {
        "service" => "catalogue",
        other => other,
    };
    vec![
        format!(
            "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
             VALUES (currval('ocsae.history_seq'), 0, '{kind}', '{key}', 'Noguera', NULL, '{record}'::jsonb)"
        ),
        format!("INSERT INTO ocsae.{table} ({columns}, record) VALUES ({values}, '{record}'::jsonb)"),
    ]
}

/// A record written by hand over the row as it is: its edit, then its row.
fn change(table: &str, key: &str, filter: &str, after: &str) -> Vec<String> {
    vec![
        format!(
            "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
             SELECT currval('ocsae.history_seq'), 0, '{table}', '{key}', comarca, record, {after} \
             FROM ocsae.{table} WHERE {filter}"
        ),
        format!("UPDATE ocsae.{table} SET record = {after} WHERE {filter}"),
    ]
}

fn refused_as(outcome: Result<(), postgres::Error>, codes: &[SqlState], case: &str) {
    let err = outcome.expect_err(case);
    assert!(
        err.code().is_some_and(|c| codes.contains(c)),
        "{case}: {err} ({:?})",
        err.code()
    );
}

const COUNCIL: &[SqlState] = &[SqlState::FOREIGN_KEY_VIOLATION, SqlState::CHECK_VIOLATION];

fn request_json(id: i64, ine: i64) -> String {
    let mut request = ocsae::domain::certificate::CertificateRequest::received(
        id as u64,
        IneCode(TIURANA as u32),
        "Maria Puig",
        ocsae::domain::certificate::HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    request.ine = IneCode(ine as u32);
    serde_json::to_string(&request).unwrap()
}

#[test]
fn a_request_or_rollout_cell_is_kept_under_its_councils_comarca_and_its_council_exists() {
    let Some(db) = two_offices() else { return };
    let priorat = priorat_council(&db);
    let id = 900_001;
    let cases = [
        // Another office's council, filed under her own comarca.
        (
            "a request of a Priorat council under the Noguera",
            create(
                "certificate",
                &id.to_string(),
                "id, ine, comarca",
                &format!("{id}, {priorat}, 'Noguera'"),
                &request_json(id, priorat),
            ),
        ),
        // Her own council in the row, another office's in the record a restore reads.
        (
            "a request whose record names a Priorat council",
            create(
                "certificate",
                &id.to_string(),
                "id, ine, comarca",
                &format!("{id}, {TIURANA}, 'Noguera'"),
                &request_json(id, priorat),
            ),
        ),
        (
            "a request of a council that is not there",
            create(
                "certificate",
                &id.to_string(),
                "id, ine, comarca",
                &format!("{id}, 999999, 'Noguera'"),
                &request_json(id, 999_999),
            ),
        ),
        (
            "a rollout cell of a Priorat council under the Noguera",
            create(
                "rollout",
                &format!("{priorat}/zz-test"),
                "ine, service, comarca",
                &format!("{priorat}, 'zz-test', 'Noguera'"),
                &format!(
                    "{{\"ine\": {priorat}, \"service\": \"zz-test\", \"status\": \"pending\", \"steps\": [], \
                     \"notes\": \"\", \"blocked_reason\": \"\", \"updated_at\": null, \"source\": \"\"}}"
                ),
            ),
        ),
        (
            "a rollout cell moved to a Priorat council inside its record",
            change(
                "rollout",
                &format!("{TIURANA}/e-notum"),
                &format!("ine = {TIURANA} AND service = 'e-notum'"),
                &format!("jsonb_set(record, '{{ine}}', '{priorat}')"),
            ),
        ),
    ];
    for (case, statements) in cases {
        refused_as(by_hand(&db, "anna", &statements), COUNCIL, case);
    }
    let mut admin = db.sql(ADMIN);
    assert_eq!(
        count(
            &mut admin,
            &format!(
                "SELECT count(*) FROM ocsae.certificate WHERE id = {id} OR ine = {priorat} \
                 OR (record ->> 'ine')::int = {priorat}"
            )
        ),
        0
    );
    assert_eq!(
        count(
            &mut admin,
            &format!("SELECT count(*) FROM ocsae.rollout WHERE comarca = 'Noguera' AND ine = {priorat}")
        ),
        0
    );
    // Her own council's request, as ocsae files it, is taken.
    by_hand(
        &db,
        "anna",
        &create(
            "certificate",
            &id.to_string(),
            "id, ine, comarca",
            &format!("{id}, {TIURANA}, 'Noguera'"),
            &request_json(id, TIURANA),
        ),
    )
    .unwrap();
}

fn activity_json(id: u64, ine: Option<i64>, councils: &[i64]) -> String {
    let kind = match councils.is_empty() {
        true => ActivityKind::Call,
        false => ActivityKind::Training,
    };
    let mut a = Activity::new(ine.map(|i| IneCode(i as u32)), kind, "Formació", at(NOW));
    a.id = id;
    // Anna's, as the server makes it (schema 10): else the row differs from its edit.
    a.created_by = "anna".into();
    a.councils = councils
        .iter()
        .map(|&i| Attendance {
            ine: IneCode(i as u32),
            attendees: 2,
        })
        .collect();
    serde_json::to_string(&a).unwrap()
}

fn activity(id: u64, ine: Option<i64>, councils: &[i64]) -> Vec<String> {
    let column = ine.map_or("NULL".to_string(), |i| i.to_string());
    create(
        "activity",
        &id.to_string(),
        "id, ine, comarca",
        &format!("{id}, {column}, 'Noguera'"),
        &activity_json(id, ine, councils),
    )
}

#[test]
fn a_support_log_entry_is_kept_under_its_councils_comarca_and_names_only_councils_there() {
    let Some(db) = two_offices() else { return };
    let priorat = priorat_council(&db);
    for (case, statements) in [
        (
            "a call of a Priorat council",
            activity(800_001, Some(priorat), &[]),
        ),
        (
            "a training of a Priorat council first",
            activity(800_002, None, &[priorat, TIURANA]),
        ),
        (
            "a training of a council not there",
            activity(800_003, None, &[TIURANA, 999_999]),
        ),
        ("a training of no council", activity(800_004, None, &[])),
        (
            "a call whose record names another council than its row",
            create(
                "activity",
                "800005",
                "id, ine, comarca",
                &format!("800005, {TIURANA}, 'Noguera'"),
                &activity_json(800_005, Some(priorat), &[]),
            ),
        ),
    ] {
        refused_as(by_hand(&db, "anna", &statements), COUNCIL, case);
    }
    assert_eq!(
        count(&mut db.sql(ADMIN), "SELECT count(*) FROM ocsae.activity"),
        0
    );
    // A training of her councils is taken, and its councils stay while it names them.
    by_hand(&db, "anna", &activity(800_006, None, &[TIURANA, 250024])).unwrap();
    let mut admin = db.sql(ADMIN);
    let mut tx = admin.transaction().unwrap();
    tx.batch_execute(
        "DELETE FROM ocsae.rollout WHERE ine = 250024; DELETE FROM ocsae.municipality WHERE ine = 250024",
    )
    .unwrap();
    refused_as(tx.commit(), COUNCIL, "a council a training names, removed");
}

#[test]
fn no_record_holds_text_a_restore_would_refuse() {
    let Some(db) = two_offices() else { return };
    let tiurana = format!("ine = {TIURANA}");
    let notes = format!("ine = {TIURANA} AND service = 'e-notum'");
    for (case, table, key, filter, text) in [
        (
            "an escape sequence",
            "municipality",
            "252228",
            &tiurana,
            "Tiurana\\u001b[2J",
        ),
        (
            "a C1 control",
            "rollout",
            "252228/e-notum",
            &notes,
            "nota\\u009b31m",
        ),
        ("a tab", "rollout", "252228/e-notum", &notes, "a\\tb"),
        (
            "a bidi override",
            "municipality",
            "252228",
            &tiurana,
            "Tiu\\u202erana",
        ),
        (
            "a zero-width space",
            "municipality",
            "252228",
            &tiurana,
            "Tiu\\u200brana",
        ),
    ] {
        let field = match table {
            "municipality" => "name",
            _ => "notes",
        };
        let after = format!("jsonb_set(record, '{{{field}}}', '\"{text}\"')");
        refused_as(
            by_hand(&db, "anna", &change(table, key, filter, &after)),
            &[SqlState::CHECK_VIOLATION],
            case,
        );
    }
    // What a restore takes is taken: line breaks, emoji joined by ZWJ, accents,
    // a backslash before a t (`\t` in the record's JSON text).
    let after =
        "jsonb_set(record, '{notes}', '\"Primera línia\\nSegona 👨\\u200d👩\\u200d👧 ❤\\ufe0f C:\\\\temp\"')";
    by_hand(&db, "anna", &change("rollout", "252228/e-notum", &notes, after)).unwrap();
    let kept: String = db
        .sql(ADMIN)
        .query_one(
            &format!("SELECT record ->> 'notes' FROM ocsae.rollout WHERE {notes}"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        kept,
        "Primera línia\nSegona 👨\u{200d}👩\u{200d}👧 ❤\u{fe0f} C:\\temp"
    );
}

#[test]
fn an_edits_before_is_the_record_as_it_was() {
    let Some(db) = two_offices() else { return };
    let filter = format!("ine = {TIURANA}");
    let edit = |pos: i32, before: &str, after: &str| {
        format!(
            "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
             SELECT currval('ocsae.history_seq'), {pos}, 'municipality', '252228', 'Noguera', {before}, {after} \
             FROM ocsae.municipality WHERE {filter}"
        )
    };
    let write = |after: &str| format!("UPDATE ocsae.municipality SET record = {after} WHERE {filter}");
    let said = "record || '{\"name\": \"Tiurana (dit)\"}'";
    let never = "record || '{\"name\": \"Tiurana (mai)\"}'";
    let other = "record || '{\"name\": \"Tiurana (altre)\"}'";
    for (case, statements) in [
        // An undo of it would write a Tiurana that never was.
        ("a forged before", vec![edit(0, never, said), write(said)]),
        // An undo of it would remove the council.
        (
            "a creation of a council that was there",
            vec![edit(0, "NULL", said), write(said)],
        ),
        // The second edit starts from another record than the first left.
        (
            "a forged before of a later edit",
            vec![edit(0, "record", other), edit(1, never, said), write(said)],
        ),
    ] {
        refused_as(
            by_hand(&db, "anna", &statements),
            &[SqlState::INSUFFICIENT_PRIVILEGE],
            case,
        );
    }
    let name = |db: &pg::Db| -> String {
        db.sql(ADMIN)
            .query_one(
                &format!("SELECT record ->> 'name' FROM ocsae.municipality WHERE {filter}"),
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(name(&db), "Tiurana");
    // The truth is taken, in one edit or in two of one transaction.
    by_hand(&db, "anna", &[edit(0, "record", other), write(other)]).unwrap();
    let back = "record || '{\"name\": \"Tiurana\"}'";
    by_hand(
        &db,
        "anna",
        &[
            edit(0, "record", said),
            edit(1, said, back),
            write(said),
            write(back),
        ],
    )
    .unwrap();
    assert_eq!(name(&db), "Tiurana");
}

#[test]
fn a_change_of_a_record_stored_by_an_older_ocsae_is_still_taken_and_undone() {
    let Some(db) = two_offices() else { return };
    // A rollout cell as an ocsae before `source` kept it.
    db.sql(ADMIN)
        .batch_execute(&format!(
            "UPDATE ocsae.rollout SET record = record - 'source' WHERE ine = {TIURANA} AND service = 'e-notum'"
        ))
        .unwrap();
    let anna = open(&db, "anna");
    let before = anna
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(TIURANA as u32) && r.service == "e-notum")
        .unwrap();
    let mut after = before.clone();
    after.notes = "Trucar dilluns".into();
    anna.apply(
        Change::update(
            ChangeKind::RolloutNotes,
            Record::Rollout(before),
            Record::Rollout(after),
        ),
        at(NOW),
    )
    .unwrap();
    anna.undo(at(NOW)).unwrap().unwrap();
    let notes: String = db
        .sql(ADMIN)
        .query_one(
            &format!(
                "SELECT record ->> 'notes' FROM ocsae.rollout WHERE ine = {TIURANA} AND service = 'e-notum'"
            ),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(notes, "");
}

#[test]
fn an_entry_written_by_hand_notifies_the_dashboards_at_commit() {
    let Some(db) = two_offices() else { return };
    let mut marta = db.sql("marta");
    // On the channels her dashboard listens on (her office's own, schema 12).
    for row in marta.query("SELECT ocsae.my_channels()", &[]).unwrap() {
        let channel: String = row.get(0);
        marta.batch_execute(&format!("LISTEN \"{channel}\"")).unwrap();
    }
    let filter = format!("ine = {TIURANA}");
    by_hand(
        &db,
        "anna",
        &change(
            "municipality",
            "252228",
            &filter,
            "record || '{\"name\": \"Tiurana (dit)\"}'",
        ),
    )
    .unwrap();
    let seq: i64 = db
        .sql(ADMIN)
        .query_one("SELECT max(seq) FROM ocsae.history WHERE author = 'anna'", &[])
        .unwrap()
        .get(0);
    let mut seen = Vec::new();
    let mut notifications = marta.notifications();
    let mut waiting = notifications.timeout_iter(std::time::Duration::from_secs(2));
    while let Ok(Some(n)) = postgres::fallible_iterator::FallibleIterator::next(&mut waiting) {
        seen.push(n.payload().to_string());
        if seen.contains(&seq.to_string()) {
            break;
        }
    }
    assert!(seen.contains(&seq.to_string()), "{seen:?}, wanted {seq}");
}

#[test]
fn technicians_take_numbers_from_the_sequences_but_read_none() {
    let Some(db) = two_offices() else { return };
    let mut pep = db.sql("pep");
    for sequence in ["ocsae.certificate_id", "ocsae.activity_id", "ocsae.history_seq"] {
        let err = pep
            .query_one(&format!("SELECT last_value FROM {sequence}"), &[])
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some(&SqlState::INSUFFICIENT_PRIVILEGE),
            "{sequence}: {err}"
        );
    }
    let counters = pep
        .query_one("SELECT certificate_id, history_seq FROM ocsae.counters()", &[])
        .unwrap();
    assert_eq!(counters.get::<_, Option<i64>>(0), None);
    assert_eq!(counters.get::<_, Option<i64>>(1), None);
    // Filing still takes the next numbers, and a technician's backup still counts.
    let anna = open(&db, "anna");
    let priorat = open(&db, "pep");
    let theirs = priorat
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![ocsae::store::Edit::create(Record::Certificate(
                    ocsae::domain::certificate::CertificateRequest::received(
                        ocsae::store::NEW_ID,
                        IneCode(priorat_council(&db) as u32),
                        "Pere Mas",
                        ocsae::domain::certificate::HolderRole::Mayor,
                        "tcat",
                        at("2026-11-26T09:00:00Z"),
                    ),
                ))],
            ),
            at(NOW),
        )
        .unwrap();
    assert_eq!(theirs.ids.len(), 1);
    let dump = anna.dump(at(NOW)).unwrap();
    assert!(dump.next_history_seq >= 1);
    assert!(dump.certificates.is_empty());
    // The administrator's backup carries the sequences' counters.
    let all = open(&db, ADMIN).dump(at(NOW)).unwrap();
    assert!(
        all.next_certificate_id > theirs.ids[0],
        "{}",
        all.next_certificate_id
    );
}

#[test]
fn a_store_of_schema_7_with_tampered_rows_is_brought_up_and_opens_for_its_administrator() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let mut admin = db.sql(ADMIN);
    for sql in [
        include_str!("../src/store/postgres/migrations/001_initial.sql"),
        include_str!("../src/store/postgres/migrations/002_activity.sql"),
        include_str!("../src/store/postgres/migrations/003_office.sql"),
        include_str!("../src/store/postgres/migrations/004_guarded_history.sql"),
        include_str!("../src/store/postgres/migrations/005_pinned_functions.sql"),
        include_str!("../src/store/postgres/migrations/006_verified_edits.sql"),
        include_str!("../src/store/postgres/migrations/007_council_comarca.sql"),
        "INSERT INTO ocsae.meta VALUES ('schema_version', '7'); \
         INSERT INTO ocsae.municipality VALUES (252228, 'Noguera', '{\"ine\": 252228, \"name\": \"Tiurana\", \"comarca\": \"Noguera\"}'); \
         INSERT INTO ocsae.certificate VALUES (5, 430001, 'Noguera', '{\"id\": 5, \"ine\": 430001, \"holder\": \"x\\u001b[2J\"}')",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    drop(open(&db, ADMIN));
    let version: String = admin
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, ocsae::store::postgres::CURRENT.to_string());
    assert_eq!(count(&mut admin, "SELECT count(*) FROM ocsae.certificate"), 1);
}
