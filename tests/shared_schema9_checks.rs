//! What schema 9 adds to the server's checks of a technician's hand-written SQL
//! (see shared_server_checks.rs for schema 8's): a record created and changed in
//! one transaction starts from no record; writes inside a released savepoint are
//! taken.
mod common;

use common::offices::{open, two_offices};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use postgres::error::SqlState;

/// Tiurana, a council of the Noguera.
const TIURANA: u32 = 252228;

/// A request of Tiurana, numbered `id`, for `holder`.
fn request(id: i64, holder: &str) -> String {
    let request = CertificateRequest::received(
        id as u64,
        IneCode(TIURANA),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    serde_json::to_string(&request).unwrap()
}

fn edit(pos: i32, id: i64, before: Option<&str>, after: &str) -> String {
    let before = before.map_or("NULL".to_string(), |b| format!("'{b}'::jsonb"));
    format!(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         VALUES (currval('ocsae.history_seq'), {pos}, 'certificate', '{id}', 'Noguera', {before}, '{after}'::jsonb)"
    )
}

/// As `user`, in one transaction: an entry of `edits` edits, a new request's
/// number, then the statements `write` makes of it; committed.
fn by_hand(
    db: &pg::Db,
    user: &str,
    edits: i32,
    write: impl Fn(i64) -> Vec<String>,
) -> Result<i64, postgres::Error> {
    let mut sql = db.sql(user);
    let mut tx = sql.transaction()?;
    tx.batch_execute(&format!(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
         VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.edit', {edits}, '{{Noguera}}')"
    ))?;
    let id: i64 = tx
        .query_one("SELECT nextval('ocsae.certificate_id')", &[])?
        .get(0);
    for s in write(id) {
        tx.batch_execute(&s)?;
    }
    tx.commit()?;
    Ok(id)
}

fn insert(id: i64, record: &str) -> String {
    format!(
        "INSERT INTO ocsae.certificate (id, ine, comarca, record) VALUES ({id}, {TIURANA}, 'Noguera', '{record}'::jsonb)"
    )
}

fn update(id: i64, record: &str) -> String {
    format!("UPDATE ocsae.certificate SET record = '{record}'::jsonb WHERE id = {id}")
}

fn holder(db: &pg::Db, id: i64) -> Option<String> {
    db.sql(ADMIN)
        .query_opt(
            "SELECT record ->> 'holder' FROM ocsae.certificate WHERE id = $1",
            &[&id],
        )
        .unwrap()
        .map(|row| row.get(0))
}

#[test]
fn a_record_created_and_changed_in_one_transaction_starts_from_no_record() {
    let Some(db) = two_offices() else { return };
    // The attacker's: the first edit says the new record was there before.
    let forged = by_hand(&db, "anna", 2, |id| {
        let (v1, v2) = (request(id, "Maria Puig"), request(id, "Joan Pla"));
        vec![
            edit(0, id, Some(&v1), &v1),
            edit(1, id, Some(&v1), &v2),
            insert(id, &v1),
            update(id, &v2),
        ]
    });
    let err = forged.expect_err("a forged before of a record the transaction created");
    assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{err}");
    // The truth: none, then the record, then its change.
    let id = by_hand(&db, "anna", 2, |id| {
        let (v1, v2) = (request(id, "Maria Puig"), request(id, "Joan Pla"));
        vec![
            edit(0, id, None, &v1),
            edit(1, id, Some(&v1), &v2),
            insert(id, &v1),
            update(id, &v2),
        ]
    })
    .expect("a request created, then changed, in one transaction");
    assert_eq!(holder(&db, id).as_deref(), Some("Joan Pla"));
    // Created, then removed: none, then none.
    let id = by_hand(&db, "anna", 1, |id| {
        let v1 = request(id, "Maria Puig");
        vec![
            edit(0, id, None, &v1),
            format!(
                "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                 VALUES (currval('ocsae.history_seq'), 1, 'certificate', '{id}', 'Noguera', '{v1}'::jsonb, NULL)"
            ),
            insert(id, &v1),
            format!("DELETE FROM ocsae.certificate WHERE id = {id}"),
        ]
    })
    .expect("a request created, then removed, in one transaction");
    assert_eq!(holder(&db, id), None);
}

#[test]
fn writes_inside_a_released_savepoint_are_taken() {
    let Some(db) = two_offices() else { return };
    let id = by_hand(&db, "anna", 1, |id| {
        let v1 = request(id, "Maria Puig");
        vec![
            "SAVEPOINT s".to_string(),
            edit(0, id, None, &v1),
            insert(id, &v1),
            "RELEASE SAVEPOINT s".to_string(),
        ]
    })
    .expect("a request filed inside a released savepoint");
    assert_eq!(holder(&db, id).as_deref(), Some("Maria Puig"));
    // A savepoint rolled back takes its writes, and what `prior` kept of them, along.
    let forged = by_hand(&db, "anna", 1, |id| {
        let v1 = request(id, "Maria Puig");
        vec![
            "SAVEPOINT s".to_string(),
            edit(0, id, None, &v1),
            insert(id, &v1),
            "ROLLBACK TO SAVEPOINT s".to_string(),
            edit(0, id, None, &v1),
        ]
    });
    let err = forged.expect_err("an edit whose record was never written");
    assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{err}");
}

#[test]
fn no_edit_holds_text_a_restore_would_refuse() {
    let Some(db) = two_offices() else { return };
    // An entry whose edits leave no record: a request created and removed again.
    let entry = |holder: &str| {
        by_hand(&db, "anna", 2, |id| {
            let v1 = request(id, holder);
            vec![
                edit(0, id, None, &v1),
                format!(
                    "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                     VALUES (currval('ocsae.history_seq'), 1, 'certificate', '{id}', 'Noguera', '{v1}'::jsonb, NULL)"
                ),
            ]
        })
    };
    for (case, holder) in [
        ("an escape", "Maria\u{1b}[2J Puig"),
        ("a bell", "Maria\u{7} Puig"),
        ("a bidi override", "Maria \u{202E}giuP"),
    ] {
        let err = entry(holder).expect_err(case);
        assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION), "{case}: {err}");
    }
    entry("Maria Puig").expect("the same entry, its text plain");
}

#[test]
fn no_record_or_edit_holds_what_ocsae_cannot_read() {
    let Some(db) = two_offices() else { return };
    let refused = |case: &str, outcome: Result<i64, postgres::Error>| {
        let err = outcome.expect_err(case);
        assert_eq!(err.code(), Some(&SqlState::CHECK_VIOLATION), "{case}: {err}");
    };
    // A council without its name, written with its edit.
    let filter = format!("ine = {TIURANA}");
    refused(
        "a council without its name",
        by_hand(&db, "anna", 1, |_| {
            vec![
                format!(
                    "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                     SELECT currval('ocsae.history_seq'), 0, 'municipality', '{TIURANA}', comarca, record, record - 'name' \
                     FROM ocsae.municipality WHERE {filter}"
                ),
                format!("UPDATE ocsae.municipality SET record = record - 'name' WHERE {filter}"),
            ]
        }),
    );
    // A request of three fields.
    refused(
        "a request of three fields",
        by_hand(&db, "anna", 1, |id| {
            let bare = format!("{{\"id\": {id}, \"ine\": {TIURANA}, \"holder\": \"x\"}}");
            vec![edit(0, id, None, &bare), insert(id, &bare)]
        }),
    );
    // Garbage in the history only: created and removed again.
    refused(
        "garbage in an edit",
        by_hand(&db, "anna", 2, |id| {
            let garbage = "{\"garbage\": 1}";
            vec![
                edit(0, id, None, garbage),
                format!(
                    "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
                     VALUES (currval('ocsae.history_seq'), 1, 'certificate', '{id}', 'Noguera', '{garbage}'::jsonb, NULL)"
                ),
            ]
        }),
    );
    // A request of the wrong type in a field ocsae reads: `urgent` a string.
    refused(
        "a request whose urgent is a string",
        by_hand(&db, "anna", 1, |id| {
            let mut v: serde_json::Value = serde_json::from_str(&request(id, "Maria Puig")).unwrap();
            v["urgent"] = "yes".into();
            let v = v.to_string();
            vec![edit(0, id, None, &v), insert(id, &v)]
        }),
    );
    // Every reader still reads the store.
    open(&db, "anna");
    let mut file = Vec::new();
    open(&db, ADMIN).write_backup(at(NOW), &mut file).unwrap();
    // The same request, whole, is taken.
    by_hand(&db, "anna", 1, |id| {
        let v = request(id, "Maria Puig");
        vec![edit(0, id, None, &v), insert(id, &v)]
    })
    .expect("a request ocsae reads");
}
