//! Two offices on one shared store, for the tests of what one office's
//! technician can and cannot reach.

use super::pg::{self, ADMIN};
use super::{NOW, at};
use ocsae::domain::operator::Operator;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, Record, SharedSettings, Store};

pub fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

/// A database with the Noguera seeded by the administrator, one office's; None
/// without PostgreSQL.
pub fn noguera() -> Option<pg::Db> {
    let db = pg::cluster()?.database();
    seed(
        open(&db, ADMIN).as_ref(),
        &Scope::Comarca("Noguera".into()),
        at(NOW),
    )
    .unwrap();
    Some(db)
}

/// A database of all of Catalonia shared by the Noguera's office (Anna, Marta)
/// and the Priorat's (Pep); None without PostgreSQL.
pub fn two_offices() -> Option<pg::Db> {
    let db = pg::cluster()?.database();
    let admin = open(&db, ADMIN);
    seed(admin.as_ref(), &Scope::All, at(NOW)).unwrap();
    admin
        .share_settings(&SharedSettings {
            local_holidays: Vec::new(),
            multi_office: true,
        })
        .unwrap();
    drop(admin);
    db.sql(ADMIN)
        .batch_execute(
            "INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'ocsae_noguera'), ('Priorat', 'ocsae_priorat')",
        )
        .unwrap();
    Some(db)
}

pub fn operator(name: &str) -> Change {
    Change::new(
        ChangeKind::OperatorAdd,
        vec![Edit::create(Record::Operator(Operator {
            name: name.into(),
            card_issued_on: "2026-01-15".parse().unwrap(),
        }))],
    )
}

pub fn count(sql: &mut postgres::Client, q: &str) -> i64 {
    sql.query_one(q, &[]).unwrap().get(0)
}
