//! The writers' lock of schema 11: a row lock on `ocsae.writers`, taken through
//! `ocsae.lock_writers()`, no longer the advisory lock any role could keep at
//! session level. A technician can neither keep it beyond a transaction nor
//! touch its row; a transaction left open holding it is named, and the server
//! ends it after a minute idle; writers at once still number their changes in
//! commit order.

mod common;

use common::offices::noguera;

use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Store, StoreError};
use postgres::error::SqlState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

/// The advisory lock every writer took before schema 11.
const OLD_WRITE_LOCK: i64 = 0x6f63_7361_6502;
/// A hand-written history entry: it takes the writers' lock (schema 5's trigger).
const HAND_ENTRY: &str = "INSERT INTO ocsae.history (at, kind, change, edits, comarques) \
     VALUES (now(), 'do', 'cert.edit', 0, '{Noguera}')";

/// `user`'s store as the dashboard opens it: a lock waited for 1.5 s at most.
fn dashboard(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open_to_show(&db.location(user)).unwrap()
}

fn request(holder: &str) -> CertificateRequest {
    CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    )
}

fn filing(holder: &str) -> Change {
    Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request(holder)))],
    )
}

/// A `psql` session of `role`, its process id, with `sql` run in it.
fn psql(db: &pg::Db, role: &str, sql: &str) -> (postgres::Client, i32) {
    let mut client = db.sql(role);
    client.batch_execute("SET application_name = 'psql'").unwrap();
    let pid: i32 = client.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    client.batch_execute(sql).unwrap();
    (client, pid)
}

#[test]
fn the_old_advisory_lock_kept_at_session_level_blocks_no_colleague() {
    let Some(db) = noguera() else { return };
    // Marta keeps the old lock at session level, and its transaction form in an
    // open transaction, as an attacker would.
    let (_marta, _) = psql(
        &db,
        "marta",
        &format!(
            "SELECT pg_advisory_lock({OLD_WRITE_LOCK}); BEGIN; SELECT pg_advisory_xact_lock({OLD_WRITE_LOCK})"
        ),
    );
    let anna = dashboard(&db, "anna");
    let filed = anna.apply(filing("Maria Puig"), at(NOW));
    assert!(filed.is_ok(), "{filed:?}");
    // A hand-written entry takes the writers' lock too, and is not held up either.
    let mut joan = db.sql("joan");
    joan.batch_execute("SET lock_timeout = '1s'").unwrap();
    let mut tx = joan.transaction().unwrap();
    tx.batch_execute(HAND_ENTRY).unwrap();
    tx.rollback().unwrap();
    // An import, on a command's connection, likewise.
    let anna = ocsae::store::open(&db.location("anna")).unwrap();
    let mut import = anna.begin_import(ChangeKind::ImportCertificates).unwrap();
    import
        .append(vec![Edit::create(Record::Certificate(request("Pere Vila")))])
        .unwrap();
    import.commit(at(NOW)).unwrap();
    assert_eq!(anna.certificates().unwrap().len(), 2);
}

#[test]
fn a_technician_can_neither_lock_nor_touch_the_writers_row() {
    let Some(db) = noguera() else { return };
    let mut marta = db.sql("marta");
    for sql in [
        "SELECT FROM ocsae.writers",
        "SELECT FROM ocsae.writers FOR UPDATE",
        "SELECT FROM ocsae.writers FOR KEY SHARE",
        "LOCK TABLE ocsae.writers",
        "LOCK TABLE ocsae.writers IN ACCESS SHARE MODE",
        "UPDATE ocsae.writers SET one = true",
        "DELETE FROM ocsae.writers",
        "TRUNCATE ocsae.writers",
        "INSERT INTO ocsae.writers VALUES (true)",
        "ALTER TABLE ocsae.writers DISABLE ROW LEVEL SECURITY",
        "CREATE OR REPLACE FUNCTION ocsae.lock_writers() RETURNS void LANGUAGE sql AS 'SELECT'",
    ] {
        let refused = marta.batch_execute(&format!("BEGIN; {sql}")).unwrap_err();
        assert_eq!(
            refused.code(),
            Some(&SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {refused}"
        );
        marta.batch_execute("ROLLBACK").unwrap();
    }
    let rows: i64 = db
        .sql(ADMIN)
        .query_one("SELECT count(*) FROM ocsae.writers", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
    // Taking it through the function, which every writer does, ends with the
    // transaction: committed or rolled back, a colleague goes on.
    marta
        .batch_execute("BEGIN; SELECT ocsae.lock_writers(); COMMIT")
        .unwrap();
    marta
        .batch_execute("BEGIN; SELECT ocsae.lock_writers(); ROLLBACK")
        .unwrap();
    assert!(
        dashboard(&db, "anna")
            .apply(filing("Maria Puig"), at(NOW))
            .is_ok()
    );
}

#[test]
fn a_transaction_left_open_holding_the_writers_lock_is_named_as_its_holder() {
    let Some(db) = noguera() else { return };
    let anna = dashboard(&db, "anna");
    for (role, hold) in [
        ("marta", HAND_ENTRY),
        ("marta", "SELECT ocsae.lock_writers()"),
        // Taken twice in released savepoints, the row's xmax a multixact.
        (
            "marta",
            "SAVEPOINT s; SELECT ocsae.lock_writers(); RELEASE s; \
             SAVEPOINT t; SELECT ocsae.lock_writers(); RELEASE t",
        ),
        ("anna", HAND_ENTRY),
    ] {
        let (held, pid) = psql(&db, role, &format!("BEGIN; {hold}"));
        let refused = anna.apply(filing("Maria Puig"), at(NOW)).unwrap_err();
        let StoreError::Held { holder, .. } = &refused else {
            panic!("{hold}: {refused:?}")
        };
        assert_eq!(
            (holder.pid, holder.user.as_str(), holder.application.as_str()),
            (pid, role, "psql"),
            "{hold}"
        );
        // Since when, and doing what, only for one's own session.
        assert_eq!(holder.held_secs.is_some(), role == "anna", "{holder:?}");
        let state = holder.state.as_deref();
        match role == "anna" {
            true => assert_eq!(state, Some("idle in transaction"), "{holder:?}"),
            false => assert_eq!(state, None, "{holder:?}"),
        }
        drop(held);
    }
    assert!(anna.apply(filing("Maria Puig"), at(NOW)).is_ok());
}

#[test]
fn without_its_row_the_writers_lock_refuses_every_change_instead_of_locking_nothing() {
    let Some(db) = noguera() else { return };
    let mut admin = db.sql(ADMIN);
    admin.batch_execute("DELETE FROM ocsae.writers").unwrap();
    let refused = dashboard(&db, "anna")
        .apply(filing("Maria Puig"), at(NOW))
        .unwrap_err();
    assert!(refused.to_string().contains("ocsae.writers"), "{refused}");
    let mut marta = db.sql("marta");
    let by_hand = marta.batch_execute(&format!("BEGIN; {HAND_ENTRY}")).unwrap_err();
    assert_eq!(
        by_hand.code(),
        Some(&SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE),
        "{by_hand}"
    );
    admin
        .batch_execute("INSERT INTO ocsae.writers VALUES (true)")
        .unwrap();
    assert!(
        dashboard(&db, "anna")
            .apply(filing("Maria Puig"), at(NOW))
            .is_ok()
    );
}

/// The database's own `idle_in_transaction_session_timeout`, if it has one.
fn database_idle_timeout(db: &pg::Db) -> Option<String> {
    db.sql(ADMIN)
        .query_opt(
            "SELECT split_part(c, '=', 2) FROM pg_db_role_setting s, unnest(s.setconfig) c \
             WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND s.setrole = 0 AND c LIKE 'idle\\_in\\_transaction\\_session\\_timeout=%'",
            &[],
        )
        .unwrap()
        .map(|row| row.get(0))
}

#[test]
fn a_transaction_forgotten_open_is_ended_by_the_server_and_ocsaes_commands_are_not() {
    let Some(db) = noguera() else { return };
    // Set by the migration, its administrator owning the database.
    assert_eq!(database_idle_timeout(&db).as_deref(), Some("1min"));
    // A second here, so that the test need not wait a minute.
    db.sql(ADMIN)
        .batch_execute(&format!(
            "ALTER DATABASE {} SET idle_in_transaction_session_timeout = '1s'",
            db.name
        ))
        .unwrap();
    let (mut marta, _) = psql(&db, "marta", "BEGIN; SELECT ocsae.lock_writers()");
    // A command's import pauses longer than that between its batches (reading
    // its file): its session is not ended.
    let anna = ocsae::store::open(&db.location("anna")).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let ended = marta.batch_execute("SELECT 1").unwrap_err();
    assert!(marta.is_closed() || ended.code().is_some(), "{ended}");
    let mut import = anna
        .begin_planned_import(ChangeKind::ImportCertificates, at(NOW))
        .unwrap()
        .expect("PostgreSQL plans its imports");
    let batches: Vec<Vec<Edit>> = ["Pere Vila", "Rosa Mir"]
        .iter()
        .map(|h| vec![Edit::create(Record::Certificate(request(h)))])
        .collect();
    for batch in &batches {
        import.plan(batch).unwrap();
    }
    import.append(batches[0].clone()).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    import.append(batches[1].clone()).unwrap();
    import.commit(at(NOW)).unwrap();
    assert_eq!(anna.certificates().unwrap().len(), 2);
}

#[test]
fn two_and_three_writers_at_once_number_their_changes_in_commit_order() {
    let Some(db) = noguera() else { return };
    let db = Arc::new(db);
    // Pep keeps the old advisory lock all along: it holds no one up.
    let (_pep, _) = psql(&db, "pep", &format!("SELECT pg_advisory_lock({OLD_WRITE_LOCK})"));
    let done = Arc::new(AtomicBool::new(false));
    // A reader that never sees a later number before an earlier one: every
    // snapshot holds the entries 1 to its last, none missing.
    let reader = {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let mut sql = db.sql(ADMIN);
            let mut looks = 0;
            while !done.load(Ordering::SeqCst) {
                let row = sql
                    .query_one("SELECT count(*), coalesce(max(seq), 0) FROM ocsae.history", &[])
                    .unwrap();
                let (count, last): (i64, i64) = (row.get(0), row.get(1));
                assert_eq!(count, last, "a gap below {last}");
                looks += 1;
            }
            looks
        })
    };
    for users in [&["anna", "marta"][..], &["anna", "marta", "joan"][..]] {
        let start = Arc::new(Barrier::new(users.len()));
        let handles: Vec<_> = users
            .iter()
            .enumerate()
            .map(|(n, &user)| {
                let (db, start) = (db.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    // One writer by hand, through the trigger's lock; the others ocsae's.
                    if n == 2 {
                        let mut sql = db.sql(user);
                        for _ in 0..20 {
                            let mut tx = sql.transaction().unwrap();
                            tx.batch_execute(HAND_ENTRY).unwrap();
                            tx.commit().unwrap();
                        }
                        return;
                    }
                    let store = ocsae::store::open(&db.location(user)).unwrap();
                    for i in 0..20 {
                        store
                            .apply(filing(&format!("{user} {i}")), at(NOW))
                            .expect("filed");
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
    }
    done.store(true, Ordering::SeqCst);
    assert!(reader.join().unwrap() > 0);
    let seqs: Vec<i64> = db
        .sql(ADMIN)
        .query("SELECT seq FROM ocsae.history ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let seeded = seqs.len() - (2 + 3) * 20;
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "gap-free");
    assert!(seeded < seqs.len());
}

#[test]
fn a_store_of_schema_9_is_brought_up_and_its_writers_take_the_row_lock() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let mut admin = db.sql(ADMIN);
    // The database already bounds idle transactions: that bound stays.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} SET idle_in_transaction_session_timeout = '5min'",
            db.name
        ))
        .unwrap();
    for sql in [
        include_str!("../src/store/postgres/migrations/001_initial.sql"),
        include_str!("../src/store/postgres/migrations/002_activity.sql"),
        include_str!("../src/store/postgres/migrations/003_office.sql"),
        include_str!("../src/store/postgres/migrations/004_guarded_history.sql"),
        include_str!("../src/store/postgres/migrations/005_pinned_functions.sql"),
        include_str!("../src/store/postgres/migrations/006_verified_edits.sql"),
        include_str!("../src/store/postgres/migrations/007_council_comarca.sql"),
        include_str!("../src/store/postgres/migrations/008_council_bound_rows.sql"),
        include_str!("../src/store/postgres/migrations/009_written_keys.sql"),
        "INSERT INTO ocsae.meta VALUES ('schema_version', '9')",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    let refused = ocsae::store::open(&db.location("anna")).err();
    assert!(
        matches!(refused, Some(StoreError::OlderSchema { found: 9, .. })),
        "{refused:?}"
    );
    drop(ocsae::store::open(&db.location(ADMIN)).unwrap());
    let version: String = admin
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, ocsae::store::postgres::CURRENT.to_string());
    assert_eq!(database_idle_timeout(&db).as_deref(), Some("5min"));
    // A hand-written entry now holds the row: a colleague is refused, naming it.
    let (held, pid) = psql(&db, "marta", &format!("BEGIN; {HAND_ENTRY}"));
    let refused = dashboard(&db, "anna")
        .apply(filing("Maria Puig"), at(NOW))
        .unwrap_err();
    assert!(
        matches!(&refused, StoreError::Held { holder, .. } if holder.pid == pid),
        "{refused:?}"
    );
    drop(held);
}
