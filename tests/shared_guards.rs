//! What the shared store's server refuses whatever SQL a technician writes: a
//! history entry for another office or for none, edits slipped into another
//! transaction's entry, ER operators of another office, the catalogue every
//! office shares, and any change to a record table without its history entry.
//! Each test gets its own database in the binary's throwaway cluster.

mod common;

use common::offices::{count, open, operator, two_offices};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::i18n::{I18n, Lang};
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Record, StoreError};

#[test]
fn a_technician_cannot_forge_history_for_another_office_or_for_none() {
    let Some(db) = two_offices() else { return };
    let anna = open(&db, "anna");
    let seen = anna.changes_since(0).unwrap().len();
    let mut pep = db.sql("pep");
    for forged in ["'{\"\"}'", "'{Noguera}'", "'{}'", "'{Priorat,\"\"}'"] {
        let sql = format!(
            "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
             VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.new', 1, {forged})"
        );
        assert!(pep.batch_execute(&sql).is_err(), "{forged} was taken");
    }
    // An entry of his own office is his to write; its edits claim no other office
    // and no other transaction's entry. (An edit of a request that neither was
    // nor is there: schemas 6 and 8 take no edit its transaction's records belie.)
    let mut tx = pep.transaction().unwrap();
    let own: i64 = tx
        .query_one(
            "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
             VALUES (nextval('ocsae.history_seq'), now(), 'do', 'cert.new', 1, '{Priorat}') RETURNING seq",
            &[],
        )
        .unwrap()
        .get(0);
    let edit = "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before) VALUES ($1, 0, 'certificate', '77', $2, NULL)";
    tx.execute("SAVEPOINT s", &[]).unwrap();
    for comarca in ["", "Noguera"] {
        assert!(tx.execute(edit, &[&own, &comarca]).is_err(), "{comarca:?}");
        tx.execute("ROLLBACK TO SAVEPOINT s", &[]).unwrap();
    }
    tx.execute(edit, &[&own, &"Priorat"]).unwrap();
    tx.commit().unwrap();
    let author: String = pep
        .query_one("SELECT author FROM ocsae.history WHERE seq = $1", &[&own])
        .unwrap()
        .get(0);
    assert_eq!(author, "pep");
    // An earlier entry of his own takes no new edits (it would read as done then).
    assert!(pep.execute(edit, &[&own, &"Priorat"]).is_err());
    // Nothing of it reaches the Noguera's dashboards, nor its history.
    assert_eq!(anna.changes_since(0).unwrap().len(), seen);
    let mut anna_sql = db.sql("anna");
    assert_eq!(
        count(
            &mut anna_sql,
            "SELECT count(*) FROM ocsae.history WHERE author = 'pep'"
        ),
        0
    );
    assert_eq!(
        count(
            &mut anna_sql,
            "SELECT count(*) FROM ocsae.history_edit WHERE key = '77'"
        ),
        0
    );
}

#[test]
fn er_operators_belong_to_their_office_and_no_other_office_lists_or_removes_them() {
    let Some(db) = two_offices() else { return };
    let anna = open(&db, "anna");
    let pep = open(&db, "pep");
    anna.apply(operator("Laia Puig"), at(NOW)).unwrap();
    let mut admin = db.sql(ADMIN);
    let comarca: String = admin
        .query_one("SELECT comarca FROM ocsae.operator WHERE key = 'Laia Puig'", &[])
        .unwrap()
        .get(0);
    assert_eq!(comarca, "Noguera");
    assert_eq!(
        count(
            &mut admin,
            "SELECT count(*) FROM ocsae.history_edit WHERE kind = 'operator' AND comarca = 'Noguera'"
        ),
        1
    );
    // Pep's office sees none of it, through ocsae or by hand.
    assert!(
        pep.records(ocsae::store::Kind::Operator)
            .unwrap()
            .next()
            .is_none()
    );
    assert!(
        pep.changes_since(0)
            .unwrap()
            .iter()
            .all(|a| a.change != ChangeKind::OperatorAdd)
    );
    let mut sql = db.sql("pep");
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.operator"), 0);
    let mut tx = sql.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
         VALUES (nextval('ocsae.history_seq'), now(), 'do', 'operator.remove', 1, '{Priorat}')",
    )
    .unwrap();
    assert_eq!(tx.execute("DELETE FROM ocsae.operator", &[]).unwrap(), 0);
    assert_eq!(
        tx.execute("UPDATE ocsae.operator SET comarca = 'Priorat'", &[])
            .unwrap(),
        0
    );
    tx.commit().unwrap();
    // His office may list an operator of the same name: another person.
    pep.apply(operator("Laia Puig"), at(NOW)).unwrap();
    assert_eq!(count(&mut admin, "SELECT count(*) FROM ocsae.operator"), 2);
    let theirs: Vec<Record> = anna
        .records(ocsae::store::Kind::Operator)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(theirs.len(), 1);
}

#[test]
fn only_the_administrator_changes_the_catalogue_several_offices_share() {
    let Some(db) = two_offices() else { return };
    let anna = open(&db, "anna");
    let Some(Ok(Record::Service(before))) = anna.records(ocsae::store::Kind::Service).unwrap().next() else {
        panic!("the seeded catalogue");
    };
    let mut service = before.clone();
    service.name = "e-NOTUM (nou nom)".into();
    let change = || {
        Change::update(
            ChangeKind::ServicesImport,
            Record::Service(before.clone()),
            Record::Service(service.clone()),
        )
    };
    let refused = anna.apply(change(), at(NOW)).unwrap_err();
    assert!(matches!(refused, StoreError::SharedCatalogue(_)), "{refused:?}");
    let said = refused.localize(&I18n::new(Lang::Ca));
    assert!(said.contains("només el canvia el seu administrador"), "{said}");
    // By hand, with an entry of her office first: nothing of the catalogue is hers.
    let mut sql = db.sql("anna");
    let mut tx = sql.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
         VALUES (nextval('ocsae.history_seq'), now(), 'do', 'services.import', 1, '{Noguera}')",
    )
    .unwrap();
    assert_eq!(
        tx.execute("UPDATE ocsae.catalogue SET record = '{}'", &[])
            .unwrap(),
        0
    );
    assert_eq!(tx.execute("DELETE FROM ocsae.catalogue", &[]).unwrap(), 0);
    assert!(
        tx.batch_execute("INSERT INTO ocsae.catalogue (key, comarca, record) VALUES ('x', '', '{}')")
            .is_err()
    );
    drop(tx);
    // The administrator's change is everyone's.
    open(&db, ADMIN).apply(change(), at(NOW)).unwrap();
    let names: Vec<String> = open(&db, "pep")
        .records(ocsae::store::Kind::Service)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Service(s) => Some(s.name),
            _ => None,
        })
        .collect();
    assert!(names.contains(&"e-NOTUM (nou nom)".to_string()), "{names:?}");
}

#[test]
fn no_record_changes_without_its_history_entry_even_in_plain_sql() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let admin = open(&db, ADMIN);
    seed(admin.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    drop(admin);
    // ocsae's own changes go through.
    let anna = open(&db, "anna");
    anna.apply(operator("Laia Puig"), at(NOW)).unwrap();
    let mut sql = db.sql("marta");
    let entries = count(&mut sql, "SELECT count(*) FROM ocsae.history");
    // A record ocsae reads (else schema 9 refuses it first, for that).
    let request = serde_json::to_string(&ocsae::domain::certificate::CertificateRequest::received(
        9999,
        ocsae::domain::municipality::IneCode(252228),
        "Maria Puig",
        ocsae::domain::certificate::HolderRole::Mayor,
        "tcat",
        at(NOW),
    ))
    .unwrap();
    for silent in [
        "UPDATE ocsae.municipality SET record = record WHERE ine = 252228".to_string(),
        "UPDATE ocsae.rollout SET record = record".to_string(),
        "DELETE FROM ocsae.operator".to_string(),
        format!(
            "INSERT INTO ocsae.certificate (id, ine, comarca, record) VALUES (9999, 252228, 'Noguera', '{request}')"
        ),
    ] {
        let err = sql.batch_execute(&silent).unwrap_err();
        assert!(
            err.as_db_error()
                .is_some_and(|e| e.message().contains("without its history entry")),
            "{silent}: {err}"
        );
    }
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.history"), entries);
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.operator"), 1);
    // With an entry first, in the same transaction, and its edit, the change is
    // signed by her.
    let mut tx = sql.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
         VALUES (nextval('ocsae.history_seq'), now(), 'do', 'operator.remove', 1, '{Noguera}'); \
         INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), 0, 'operator', key, comarca, record, NULL FROM ocsae.operator; \
         DELETE FROM ocsae.operator",
    )
    .unwrap();
    tx.commit().unwrap();
    let last: String = sql
        .query_one("SELECT author FROM ocsae.history ORDER BY seq DESC LIMIT 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(last, "marta");
}

#[test]
fn a_store_of_schema_3_is_brought_up_by_its_administrator_and_refused_to_a_technician() {
    let Some(db) = pg::cluster().map(|c| c.database()) else {
        return;
    };
    let mut admin = db.sql(ADMIN);
    // The store as schema 3 left it, with an ER operator of no office.
    for sql in [
        include_str!("../src/store/postgres/migrations/001_initial.sql"),
        include_str!("../src/store/postgres/migrations/002_activity.sql"),
        include_str!("../src/store/postgres/migrations/003_office.sql"),
        "INSERT INTO ocsae.meta VALUES ('schema_version', '3'); \
         INSERT INTO ocsae.municipality VALUES (252228, 'Noguera', '{}'); \
         INSERT INTO ocsae.operator VALUES ('Laia Puig', '', '{\"name\": \"Laia Puig\", \"card_issued_on\": \"2026-01-15\"}'); \
         INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) VALUES (1, now(), 'do', 'operator.add', 1, '{\"\"}'); \
         INSERT INTO ocsae.history_edit VALUES (1, 0, 'operator', 'Laia Puig', '', NULL, '{}')",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    let refused = ocsae::store::open(&db.location("anna")).err();
    assert!(
        matches!(
            refused,
            Some(StoreError::OlderSchema {
                found: 3,
                current: ocsae::store::postgres::CURRENT,
                ..
            })
        ),
        "{refused:?}"
    );
    drop(open(&db, ADMIN));
    let row = admin
        .query_one(
            "SELECT (SELECT value FROM ocsae.meta WHERE key = 'schema_version'), \
                    (SELECT comarca FROM ocsae.operator), (SELECT comarca FROM ocsae.history_edit), \
                    (SELECT comarques FROM ocsae.history)",
            &[],
        )
        .unwrap();
    assert_eq!(
        row.get::<_, String>(0),
        ocsae::store::postgres::CURRENT.to_string()
    );
    assert_eq!(row.get::<_, String>(1), "Noguera");
    assert_eq!(row.get::<_, String>(2), "Noguera");
    assert_eq!(row.get::<_, Vec<String>>(3), vec!["Noguera".to_string()]);
    let mut sql = db.sql("anna");
    assert!(sql.batch_execute("DELETE FROM ocsae.operator").is_err());
}
