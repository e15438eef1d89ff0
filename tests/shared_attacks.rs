//! Attacks a technician could make on the shared store by hand, through their
//! own role in psql, and what the server (schema 5) does with each: a temporary
//! table shadowing the catalogs the policies read, history numbers and dates of
//! their choosing, rows of the shared catalogue, and a colleague's entry in
//! their undo stack. Each test gets its own database in the throwaway cluster.

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
    // The next number everyone would take, one from far ahead, one dated years back.
    let forged: Vec<(i64, chrono::DateTime<chrono::Utc>)> = sql
        .query(
            "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) VALUES \
               ((SELECT last_value + 1 FROM ocsae.history_seq), now(), 'do', 'cert.new', 0, '{Priorat}'), \
               ((SELECT last_value + 2 FROM ocsae.history_seq), now(), 'do', 'cert.new', 0, '{Priorat}'), \
               (1000000000000, now() - interval '3 years', 'do', 'cert.new', 0, '{Priorat}') \
             RETURNING seq, at",
            &[],
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
