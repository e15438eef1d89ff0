//! Attacks a technician could make on the shared store by hand, through their
//! own role in psql, and what the server (schemas 5 to 7) does with each: a
//! temporary table shadowing the catalogs the policies read, history numbers and
//! dates of their choosing, rows of the shared catalogue, a colleague's entry in
//! their undo stack, and history edits saying otherwise than the records their
//! transaction leaves. Each test gets its own database in the throwaway cluster.
mod common;

use common::offices::{count, open, operator, two_offices};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Kind, Record};

/// An entry of the technician's own office, opening a transaction of changes.
const ENTRY: &str = "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
                     VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.new', 1, '{Noguera}')";

#[test]
fn a_temporary_table_named_like_a_catalog_widens_no_office_and_makes_no_administrator() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let priorat = count(
        &mut db.sql(ADMIN),
        "SELECT count(*) FROM ocsae.municipality WHERE comarca = 'Priorat'",
    );
    assert!(priorat > 0);
    // Every office's role under her own office's oid, and the schema "owned" by her.
    anna.batch_execute(
        "CREATE TEMP TABLE pg_roles AS \
           SELECT o.role AS rolname, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'ocsae_noguera') AS oid \
           FROM ocsae.office o; \
         CREATE TEMP TABLE pg_namespace AS \
           SELECT 'ocsae'::name AS nspname, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'anna') AS nspowner",
    )
    .unwrap();
    let mine: Vec<String> = anna.query_one("SELECT ocsae.my_comarques()", &[]).unwrap().get(0);
    assert_eq!(mine, vec!["Noguera".to_string()]);
    let admin: bool = anna.query_one("SELECT ocsae.is_admin()", &[]).unwrap().get(0);
    assert!(!admin);
    assert_eq!(
        count(
            &mut anna,
            "SELECT count(*) FROM ocsae.municipality WHERE comarca = 'Priorat'"
        ),
        0
    );
    // Nothing of the Priorat's changes, even with an entry of her own first.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    let changed = tx
        .execute(
            "UPDATE ocsae.municipality SET record = record || '{\"name\": \"x\"}' WHERE comarca = 'Priorat'",
            &[],
        )
        .unwrap();
    assert_eq!(changed, 0);
    tx.commit().unwrap();
    // Nor a change of her own office without its entry, as if she were the administrator.
    let err = anna
        .batch_execute("UPDATE ocsae.municipality SET record = record WHERE comarca = 'Noguera'")
        .unwrap_err();
    assert!(
        err.as_db_error()
            .is_some_and(|e| e.message().contains("without its history entry")),
        "{err}"
    );
}

#[test]
fn history_numbers_are_the_servers_so_none_from_the_future_blocks_saving_or_the_feed() {
    let Some(db) = two_offices() else { return };
    let pep = open(&db, "pep");
    let mut sql = db.sql("pep");
    let last_at: chrono::DateTime<chrono::Utc> = sql
        .query_one("SELECT max(at) FROM ocsae.history", &[])
        .unwrap()
        .get(0);
    // The next number everyone would take (the sequence is not his to read since
    // schema 8, but a guess is as good), one from far ahead, one dated years back.
    let next: i64 = db
        .sql(ADMIN)
        .query_one("SELECT last_value + 1 FROM ocsae.history_seq", &[])
        .unwrap()
        .get(0);
    let forged: Vec<(i64, chrono::DateTime<chrono::Utc>)> = sql
        .query(
            "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) VALUES \
               ($1, now(), 'do', 'cert.new', 0, '{Priorat}'), \
               ($1 + 1, now(), 'do', 'cert.new', 0, '{Priorat}'), \
               (1000000000000, now() - interval '3 years', 'do', 'cert.new', 0, '{Priorat}') \
             RETURNING seq, at",
            &[&next],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(forged.iter().all(|(seq, _)| *seq < 1_000_000), "{forged:?}");
    assert!(forged.iter().all(|(_, at)| *at >= last_at), "{forged:?}");
    let seen = pep.changes_since(0).unwrap().last().unwrap().seq;
    // Saving still works, and the change reaches the office's feed.
    let applied = pep.apply(operator("Laia Puig"), at(NOW)).unwrap();
    let news = pep.changes_since(seen).unwrap();
    assert!(news.iter().any(|a| a.seq == applied.seq), "{news:?}");
}

#[test]
fn no_technician_writes_the_catalogue_several_offices_share_and_a_services_key_is_its_id() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let copy = "INSERT INTO ocsae.catalogue (key, comarca, record) \
                SELECT 'zz-evil', $1, record FROM ocsae.catalogue ORDER BY key LIMIT 1";
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    assert!(tx.execute(copy, &[&"Noguera"]).is_err());
    drop(tx);
    assert_eq!(
        count(
            &mut anna,
            "SELECT count(*) FROM ocsae.catalogue WHERE comarca <> ''"
        ),
        0
    );
    // The administrator may write it, but never a record under another id's key.
    let mut admin = db.sql(ADMIN);
    let err = admin.execute(copy, &[&""]).unwrap_err();
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::CHECK_VIOLATION),
        "{err}"
    );
    let services = open(&db, "pep").records(Kind::Service).unwrap().count() as i64;
    assert_eq!(
        count(&mut admin, "SELECT count(*) FROM ocsae.catalogue"),
        services
    );
}

#[test]
fn undo_reaches_only_ones_own_changes_even_with_a_colleagues_entry_slipped_in() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let admin = open(&db, ADMIN);
    seed(admin.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    drop(admin);
    let marta = open(&db, "marta");
    let hers = marta.apply(operator("Laia Puig"), at(NOW)).unwrap().seq as i64;
    let anna = open(&db, "anna");
    anna.apply(operator("Joan Mas"), at(NOW)).unwrap();
    let mut sql = db.sql("anna");
    // Her stack takes no entry of Marta's.
    assert!(
        sql.execute("UPDATE ocsae.stacks SET undo = undo || $1::bigint", &[&hers])
            .is_err()
    );
    // Nor does her history take an undo of it.
    let mut tx = sql.transaction().unwrap();
    let err = tx
        .execute(
            "INSERT INTO ocsae.history (seq, at, kind, target, change, edits, comarques) \
             VALUES (nextval('ocsae.history_seq'), now(), 'undo', $1, 'operator.add', 1, '{Noguera}')",
            &[&hers],
        )
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
    drop(tx);
    // Her `u` undoes her own change; Marta's stays.
    anna.undo(at(NOW)).unwrap().unwrap();
    let names: Vec<String> = anna
        .records(Kind::Operator)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Operator(o) => Some(o.name),
            _ => None,
        })
        .collect();
    assert_eq!(names, vec!["Laia Puig".to_string()]);
}

#[test]
fn a_record_changes_only_as_its_history_entry_says() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let said = "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                SELECT currval('ocsae.history_seq'), 0, 'municipality', '252228', 'Noguera', record, \
                       record || '{\"name\": \"Tiurana (dit)\"}' FROM ocsae.municipality WHERE ine = 252228";
    for (edit, change) in [
        // An entry of no edits, then any change of her office's records.
        (
            "SELECT 1",
            "UPDATE ocsae.municipality SET record = record || '{\"name\": \"x\"}' WHERE ine = 252228",
        ),
        ("SELECT 1", "DELETE FROM ocsae.municipality WHERE ine = 250024"),
        // An edit saying one thing, and another written.
        (
            said,
            "UPDATE ocsae.municipality SET record = record || '{\"name\": \"x\"}' WHERE ine = 252228",
        ),
        // An edit of one council, and another changed.
        (
            said,
            "UPDATE ocsae.municipality SET record = record || '{\"name\": \"Tiurana (dit)\"}' WHERE ine = 250024",
        ),
    ] {
        let mut tx = anna.transaction().unwrap();
        tx.batch_execute(ENTRY).unwrap();
        tx.batch_execute(edit).unwrap();
        let err = tx.batch_execute(change).unwrap_err();
        assert_eq!(
            err.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{change}: {err}"
        );
    }
    // What the edit says is what may be written.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(said).unwrap();
    tx.batch_execute(
        "UPDATE ocsae.municipality SET record = record || '{\"name\": \"Tiurana (dit)\"}' WHERE ine = 252228",
    )
    .unwrap();
    tx.commit().unwrap();
}

/// An edit of Tiurana (252228, the Noguera's) in the entry just written, its
/// `after` computed from the row as it is.
fn tiurana_edit(pos: i32, after: &str) -> String {
    tiurana_edit_from(pos, "record", after)
}

/// As `tiurana_edit`, its `before` computed too (a later edit starts where the
/// one before it left the record, as schema 8 checks).
fn tiurana_edit_from(pos: i32, before: &str, after: &str) -> String {
    format!(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), {pos}, 'municipality', '252228', 'Noguera', {before}, {after} \
         FROM ocsae.municipality WHERE ine = 252228"
    )
}

const SAID: &str = "record || '{\"name\": \"Tiurana (dit)\"}'";
const FORGED: &str = "record || '{\"name\": \"Tiurana (fals)\"}'";

fn write_tiurana(after: &str) -> String {
    format!("UPDATE ocsae.municipality SET record = {after} WHERE ine = 252228")
}

/// Tiurana's name and the entries of the Noguera's office, as the administrator reads them.
fn tiurana_and_entries(db: &pg::Db) -> (String, i64) {
    let mut admin = db.sql(ADMIN);
    let name: String = admin
        .query_one(
            "SELECT record->>'name' FROM ocsae.municipality WHERE ine = 252228",
            &[],
        )
        .unwrap()
        .get(0);
    (
        name,
        count(
            &mut admin,
            "SELECT count(*) FROM ocsae.history WHERE author = 'anna'",
        ),
    )
}

fn refused<T: std::fmt::Debug>(outcome: Result<T, postgres::Error>, case: &str) {
    let err = outcome.expect_err(case);
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{case}: {err}"
    );
}

#[test]
fn an_entry_is_refused_at_commit_unless_its_edits_say_what_the_records_become() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let before = tiurana_and_entries(&db);
    let forged_under_another_key = [
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), 0, 'municipality', '250024', 'Noguera', o.record, \
                t.record || '{\"name\": \"Tiurana (fals)\"}' \
         FROM ocsae.municipality o, ocsae.municipality t WHERE o.ine = 250024 AND t.ine = 252228",
        "UPDATE ocsae.municipality o SET record = t.record || '{\"name\": \"Tiurana (fals)\"}' \
         FROM ocsae.municipality t WHERE o.ine = 250024 AND t.ine = 252228",
    ];
    for (case, statements) in [
        // Each row written as an edit says, but the last edit (what colleagues'
        // dashboards keep) says another record.
        (
            "a forged after",
            vec![
                tiurana_edit(0, SAID),
                tiurana_edit_from(1, SAID, FORGED),
                write_tiurana(SAID),
            ],
        ),
        ("an edit of a record not written", vec![tiurana_edit(0, FORGED)]),
        (
            "an edit of no change, the row untouched",
            vec![tiurana_edit(0, "record")],
        ),
        // Àger's row holding Tiurana's record, renamed: the feed would rename Tiurana.
        (
            "another council's record under a key",
            forged_under_another_key.iter().map(|s| s.to_string()).collect(),
        ),
    ] {
        let mut tx = anna.transaction().unwrap();
        tx.batch_execute(ENTRY).unwrap();
        for sql in &statements {
            tx.batch_execute(sql).unwrap();
        }
        refused(tx.commit(), case);
    }
    assert_eq!(tiurana_and_entries(&db), before);
    // What the edits say is what may be committed.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(&tiurana_edit(0, FORGED)).unwrap();
    tx.batch_execute(&tiurana_edit_from(1, FORGED, SAID)).unwrap();
    tx.batch_execute(&write_tiurana(FORGED)).unwrap();
    tx.batch_execute(&write_tiurana(SAID)).unwrap();
    tx.commit().unwrap();
    assert_eq!(
        tiurana_and_entries(&db),
        ("Tiurana (dit)".to_string(), before.1 + 1)
    );
}

#[test]
fn set_constraints_immediate_checks_sooner_and_a_later_write_is_checked_again() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    let before = tiurana_and_entries(&db);
    // Immediate from the start: the forged edit is refused at once or at commit.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE").unwrap();
    tx.batch_execute(ENTRY).unwrap();
    refused(
        tx.batch_execute(&tiurana_edit(0, FORGED))
            .and_then(|()| tx.commit()),
        "immediate, an edit of no write",
    );
    // Checked (the row as the last edit says), then written again as the first
    // edit says: the last edit no longer tells the truth.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(&tiurana_edit(0, FORGED)).unwrap();
    tx.batch_execute(&tiurana_edit_from(1, FORGED, SAID)).unwrap();
    tx.batch_execute(&write_tiurana(SAID)).unwrap();
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE").unwrap();
    refused(
        tx.batch_execute(&write_tiurana(FORGED))
            .and_then(|()| tx.commit()),
        "a write after the check",
    );
    assert_eq!(tiurana_and_entries(&db), before);
    // Immediate, an edit and its write in one statement pass.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE").unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(&format!(
        "WITH e AS ({}) {}",
        tiurana_edit(0, SAID),
        write_tiurana(SAID)
    ))
    .unwrap();
    tx.commit().unwrap();
    assert_eq!(
        tiurana_and_entries(&db),
        ("Tiurana (dit)".to_string(), before.1 + 1)
    );
}

#[test]
fn a_technician_can_neither_switch_off_the_check_nor_write_its_bookkeeping() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    for sql in [
        "ALTER TABLE ocsae.unchecked DISABLE TRIGGER verify",
        "DROP TRIGGER verify ON ocsae.unchecked",
        "ALTER TABLE ocsae.municipality DISABLE TRIGGER mark_unchecked",
        "ALTER TABLE ocsae.history_edit DISABLE TRIGGER ALL",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION ocsae.verify_edits() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        "ALTER FUNCTION ocsae.mark_unchecked() RENAME TO unmarked",
        "ALTER FUNCTION ocsae.verify_edits() RESET search_path",
        "INSERT INTO ocsae.unchecked VALUES (txid_current())",
        "DELETE FROM ocsae.unchecked",
        "TRUNCATE ocsae.unchecked",
    ] {
        refused(anna.batch_execute(sql), sql);
    }
    // And the check holds.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(&tiurana_edit(0, FORGED)).unwrap();
    refused(tx.commit(), "an edit of no write");
}

#[test]
fn a_store_of_schema_5_is_brought_up_by_its_administrator_and_then_checks_edits_at_commit() {
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
        "INSERT INTO ocsae.meta VALUES ('schema_version', '5'); \
         INSERT INTO ocsae.municipality VALUES (252228, 'Noguera', '{\"ine\": 252228, \"name\": \"Tiurana\", \
           \"comarca\": \"Noguera\", \"population\": 70, \"population_year\": 2024, \"contacts\": [], \"notes\": \"\"}')",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    let refused_to_anna = ocsae::store::open(&db.location("anna")).err();
    assert!(
        matches!(
            refused_to_anna,
            Some(ocsae::store::StoreError::OlderSchema { found: 5, .. })
        ),
        "{refused_to_anna:?}"
    );
    drop(open(&db, ADMIN));
    let version: String = admin
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, ocsae::store::postgres::CURRENT.to_string());
    let mut anna = db.sql("anna");
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(ENTRY).unwrap();
    tx.batch_execute(&tiurana_edit(0, FORGED)).unwrap();
    refused(tx.commit(), "an edit of no write");
}

#[test]
fn a_technician_cannot_move_a_council_to_another_office_inside_its_record() {
    let Some(db) = two_offices() else { return };
    let mut anna = db.sql("anna");
    // Oliola, a Noguera council, its record saying Priorat: a restore would take
    // the comarca from the record and hand the council and its requests over.
    let mut tx = anna.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
           VALUES (nextval('ocsae.history_seq'), now(), 'do', 'contacts.edit', 1, '{Noguera}')",
    )
    .unwrap();
    tx.batch_execute(
        "INSERT INTO ocsae.history_edit \
           SELECT currval('ocsae.history_seq'), 0, 'municipality', '251500', 'Noguera', \
                  record, jsonb_set(record, '{comarca}', '\"Priorat\"') \
           FROM ocsae.municipality WHERE ine = 251500",
    )
    .unwrap();
    let moved = tx
        .batch_execute(
            "UPDATE ocsae.municipality SET record = jsonb_set(record, '{comarca}', '\"Priorat\"') \
             WHERE ine = 251500",
        )
        .and_then(|()| tx.commit());
    let err = moved.expect_err("a council's comarca changed inside its record");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::CHECK_VIOLATION),
        "{err}"
    );
    let comarca: String = db
        .sql(ADMIN)
        .query_one(
            "SELECT record ->> 'comarca' FROM ocsae.municipality WHERE ine = 251500",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(comarca, "Noguera");
}
