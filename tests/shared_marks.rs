//! Who made a mark, as the server (schema 14) holds it whatever SQL a technician
//! writes through their own role: a checklist step's `done_by` and a request's
//! appointment check `user` are the writer's own, or a mark the record had in an
//! entry committed before (an undo brings a colleague's back). The
//! administrator's restore keeps every name as it was.
mod common;

use common::offices::{count, noguera, open};
use common::pg::{self, ADMIN};
use common::*;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::Rollout;
use ocsae::store::{Change, ChangeKind, Edit, Record, Store};
use postgres::error::SqlState;

/// Tiurana, a council of the Noguera, and one of its cells.
const TIURANA: u32 = 252228;
const CELL: &str = "ine = 252228 AND service = 'e-notum'";

/// An entry of the Noguera's office, opening a transaction of changes.
const ENTRY: &str = "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
                     VALUES (nextval('ocsae.history_seq'), now(), 'do', 'rollout.step', 1, '{Noguera}')";

/// Writes `after` (an SQL expression over the row's `record`) over the rows of
/// `table` that `filter` picks, by hand as `user`, with its history entry and
/// edit as schema 6 asks, and commits.
fn by_hand(
    db: &pg::Db,
    user: &str,
    table: &str,
    key: &str,
    filter: &str,
    after: &str,
) -> Result<(), postgres::Error> {
    let mut sql = db.sql(user);
    let mut tx = sql.transaction()?;
    tx.batch_execute(ENTRY)?;
    tx.batch_execute(&format!(
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), 0, '{table}', '{key}', comarca, record, {after} \
         FROM ocsae.{table} WHERE {filter}"
    ))?;
    tx.batch_execute(&format!(
        "UPDATE ocsae.{table} SET record = {after} WHERE {filter}"
    ))?;
    tx.commit()
}

/// A step's mark as JSON: done at `ms` by `who`.
fn mark(ms: i64, who: &str) -> String {
    format!("jsonb_set(record, '{{steps,0}}', '{{\"done_at\": {ms}, \"done_by\": \"{who}\"}}')")
}

fn refused(outcome: Result<(), postgres::Error>, case: &str) {
    let err = outcome.expect_err(case);
    assert_eq!(
        err.code(),
        Some(&SqlState::INSUFFICIENT_PRIVILEGE),
        "{case}: {err}"
    );
}

fn cell(store: &dyn Store) -> Rollout {
    store
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == IneCode(TIURANA) && r.service == "e-notum")
        .unwrap()
}

/// Ticks or unticks step 1 of the cell as `store`'s user does on the checklist.
fn toggle(store: &dyn Store, done_at: &str) {
    let before = cell(store);
    let mut after = before.clone();
    after.toggle_step(0, at(done_at), store.user());
    let change = Change::update(
        ChangeKind::RolloutStep,
        Record::Rollout(before),
        Record::Rollout(after),
    );
    store.apply(change, at(NOW)).unwrap();
}

/// Who the stored mark of step 1 names, as the administrator reads it.
fn marked_by(db: &pg::Db) -> Option<String> {
    db.sql(ADMIN)
        .query_one(
            &format!("SELECT record -> 'steps' -> 0 ->> 'done_by' FROM ocsae.rollout WHERE {CELL}"),
            &[],
        )
        .unwrap()
        .get(0)
}

/// Tiurana's secretary's request, filed by `store`'s user: its id.
fn file_secretary(store: &dyn Store) -> u64 {
    let request = CertificateRequest::received(
        0,
        IneCode(TIURANA),
        "Maria Puig",
        HolderRole::Secretary,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

#[test]
fn a_step_is_marked_done_by_its_writer_never_in_a_colleagues_name() {
    let Some(db) = noguera() else { return };
    let ms = at("2026-11-26T10:00:00Z").timestamp_millis();
    refused(
        by_hand(&db, "anna", "rollout", "252228/e-notum", CELL, &mark(ms, "marta")),
        "a mark in Marta's name",
    );
    assert_eq!(marked_by(&db), None);
    by_hand(&db, "anna", "rollout", "252228/e-notum", CELL, &mark(ms, "anna")).unwrap();
    assert_eq!(marked_by(&db).as_deref(), Some("anna"));
    // A mark that was there already stays whoever changes the cell's notes.
    by_hand(
        &db,
        "marta",
        "rollout",
        "252228/e-notum",
        CELL,
        "jsonb_set(record, '{notes}', '\"Trucar dilluns\"')",
    )
    .unwrap();
    assert_eq!(marked_by(&db).as_deref(), Some("anna"));
    // The administrator writes names as they were (a restore does).
    by_hand(&db, ADMIN, "rollout", "252228/e-notum", CELL, &mark(ms, "marta")).unwrap();
    assert_eq!(marked_by(&db).as_deref(), Some("marta"));
}

#[test]
fn an_undo_brings_back_a_colleagues_mark_but_no_copy_of_it_is_made_up() {
    let Some(db) = noguera() else { return };
    let (anna, marta) = (open(&db, "anna"), open(&db, "marta"));
    toggle(marta.as_ref(), "2026-11-26T10:00:00Z");
    let marta_mark = cell(marta.as_ref()).steps[0].clone().unwrap();
    // Anna unticks Marta's step, then takes that back: Marta's mark returns.
    toggle(anna.as_ref(), NOW);
    assert_eq!(marked_by(&db), None);
    anna.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(cell(anna.as_ref()).steps[0].as_ref(), Some(&marta_mark));
    // Her redo takes it away again, and her second undo brings it back once more.
    anna.redo(at(NOW)).unwrap().unwrap();
    anna.undo(at(NOW)).unwrap().unwrap();
    assert_eq!(marked_by(&db).as_deref(), Some("marta"));
    // Marta's name on a mark she never made (another day) is refused.
    let ms = at("2026-11-27T10:00:00Z").timestamp_millis();
    refused(
        by_hand(&db, "anna", "rollout", "252228/e-notum", CELL, &mark(ms, "marta")),
        "a mark of Marta's on another day",
    );
    assert_eq!(cell(anna.as_ref()).steps[0].as_ref(), Some(&marta_mark));
}

#[test]
fn an_appointment_check_is_recorded_by_its_writer_never_in_a_colleagues_name() {
    let Some(db) = noguera() else { return };
    let anna = open(&db, "anna");
    let id = file_secretary(anna.as_ref());
    let filter = format!("id = {id}");
    let check = |who: &str, when: &str| {
        format!(
            "jsonb_set(record, '{{appointment_check}}', '{{\"at\": {}, \"user\": \"{who}\", \"found\": true}}')",
            at(when).timestamp_millis()
        )
    };
    refused(
        by_hand(
            &db,
            "anna",
            "certificate",
            &id.to_string(),
            &filter,
            &check("marta", NOW),
        ),
        "a check in Marta's name",
    );
    // As the dashboard records it: by Anna, who made it.
    let before = anna.certificates().unwrap().remove(0);
    let change = ocsae::ops::appointment::record(&before, true, anna.user(), "", at(NOW)).unwrap();
    anna.apply(change, at(NOW)).unwrap();
    let by: String = db
        .sql(ADMIN)
        .query_one(
            &format!("SELECT record -> 'appointment_check' ->> 'user' FROM ocsae.certificate WHERE {filter}"),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(by, "anna");
    // Nor may Marta, by hand, record a check of Anna's that Anna never made.
    refused(
        by_hand(
            &db,
            "marta",
            "certificate",
            &id.to_string(),
            &filter,
            &check("anna", "2026-11-27T10:00:00Z"),
        ),
        "a check of Anna's made up",
    );
    assert_eq!(
        count(
            &mut db.sql(ADMIN),
            "SELECT count(*) FROM ocsae.certificate WHERE record -> 'appointment_check' ->> 'user' = 'anna'"
        ),
        1
    );
}

#[test]
fn a_mark_made_up_in_an_edit_that_writes_no_row_is_refused_too() {
    let Some(db) = noguera() else { return };
    let forged = mark(at("2026-11-26T10:00:00Z").timestamp_millis(), "marta");
    // Two edits that come back to the row as it is, Marta's name in the middle:
    // no row ever holds it, yet a later edit could quote it as there before.
    let mut sql = db.sql("anna");
    let mut tx = sql.transaction().unwrap();
    tx.batch_execute(&ENTRY.replace(", 1, '{Noguera}'", ", 2, '{Noguera}'"))
        .unwrap();
    let edit = |pos: i32, before: &str, after: &str| {
        format!(
            "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
             SELECT currval('ocsae.history_seq'), {pos}, 'rollout', '252228/e-notum', comarca, {before}, {after} \
             FROM ocsae.rollout WHERE {CELL}"
        )
    };
    let err = tx.batch_execute(&edit(0, "record", &forged)).unwrap_err();
    assert_eq!(err.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{err}");
    let said = err
        .as_db_error()
        .map(|e| e.message().to_string())
        .unwrap_or_default();
    assert!(
        said.contains("step 1 of 252228/e-notum is marked as done by marta"),
        "{said}"
    );
    drop(tx);
    assert_eq!(
        count(
            &mut db.sql(ADMIN),
            "SELECT count(*) FROM ocsae.history_edit WHERE after::text LIKE '%marta%'"
        ),
        0
    );
}

#[test]
fn a_colleagues_mark_does_not_travel_with_a_row_moved_to_another_council() {
    let Some(db) = noguera() else { return };
    // Marta ticks Àger's e-NOTUM; Anna moves that cell onto Albesa's, whose she removes.
    let marta = open(&db, "marta");
    let ager = |store: &dyn Store| {
        store
            .rollouts()
            .unwrap()
            .into_iter()
            .find(|r| r.ine == IneCode(250024) && r.service == "e-notum")
            .unwrap()
    };
    let before = ager(marta.as_ref());
    let mut after = before.clone();
    after.toggle_step(0, at("2026-11-26T10:00:00Z"), "marta");
    marta
        .apply(
            Change::update(
                ChangeKind::RolloutStep,
                Record::Rollout(before),
                Record::Rollout(after),
            ),
            at(NOW),
        )
        .unwrap();
    let moved = "jsonb_set(record, '{ine}', '250083')";
    let statements = [
        ENTRY.replace(", 1, '{Noguera}'", ", 3, '{Noguera}'"),
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), 0, 'rollout', '250083/e-notum', comarca, record, NULL \
         FROM ocsae.rollout WHERE ine = 250083 AND service = 'e-notum'"
            .to_string(),
        "DELETE FROM ocsae.rollout WHERE ine = 250083 AND service = 'e-notum'".to_string(),
        "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
         SELECT currval('ocsae.history_seq'), 1, 'rollout', '250024/e-notum', comarca, record, NULL \
         FROM ocsae.rollout WHERE ine = 250024 AND service = 'e-notum'"
            .to_string(),
        format!(
            "INSERT INTO ocsae.history_edit (seq, pos, kind, key, comarca, before, after) \
             SELECT currval('ocsae.history_seq'), 2, 'rollout', '250083/e-notum', comarca, NULL, {moved} \
             FROM ocsae.rollout WHERE ine = 250024 AND service = 'e-notum'"
        ),
        format!(
            "UPDATE ocsae.rollout SET ine = 250083, record = {moved} WHERE ine = 250024 AND service = 'e-notum'"
        ),
    ];
    let mut sql = db.sql("anna");
    let outcome = sql.transaction().and_then(|mut tx| {
        for s in &statements {
            tx.batch_execute(s)?;
        }
        tx.commit()
    });
    refused(outcome, "Marta's mark carried to Albesa");
    let albesa: Option<String> = db
        .sql(ADMIN)
        .query_one(
            "SELECT record -> 'steps' -> 0 ->> 'done_by' FROM ocsae.rollout WHERE ine = 250083 AND service = 'e-notum'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(albesa, None);
}

#[test]
fn a_colleagues_mark_with_no_entry_behind_it_does_not_stop_others_changing_the_cell() {
    let Some(db) = noguera() else { return };
    // The administrator marks step 1 in Marta's name by hand, with no entry.
    db.sql(ADMIN)
        .batch_execute(&format!(
            "UPDATE ocsae.rollout SET record = {} WHERE {CELL}",
            mark(at("2026-11-20T10:00:00Z").timestamp_millis(), "marta")
        ))
        .unwrap();
    let anna = open(&db, "anna");
    // Anna's note on the cell, and her own tick of step 2, are taken; Marta's mark stays.
    let before = cell(anna.as_ref());
    let mut after = before.clone();
    after.notes = "Trucar dilluns".into();
    after.toggle_step(1, at(NOW), "anna");
    anna.apply(
        Change::update(
            ChangeKind::RolloutNotes,
            Record::Rollout(before),
            Record::Rollout(after),
        ),
        at(NOW),
    )
    .unwrap();
    let stored = cell(anna.as_ref());
    assert_eq!(stored.steps[0].as_ref().unwrap().done_by, "marta");
    assert_eq!(stored.steps[1].as_ref().unwrap().done_by, "anna");
    assert_eq!(stored.notes, "Trucar dilluns");
}

#[test]
fn a_colleagues_check_does_not_stay_on_a_request_whose_holder_changed() {
    let Some(db) = noguera() else { return };
    let (anna, marta) = (open(&db, "anna"), open(&db, "marta"));
    let id = file_secretary(anna.as_ref());
    let before = marta.certificates().unwrap().remove(0);
    let change = ocsae::ops::appointment::record(&before, true, marta.user(), "", at(NOW)).unwrap();
    marta.apply(change, at(NOW)).unwrap();
    // By hand, Anna renames the holder and keeps Marta's check: refused.
    let filter = format!("id = {id}");
    refused(
        by_hand(
            &db,
            "anna",
            "certificate",
            &id.to_string(),
            &filter,
            "record || '{\"holder\": \"Pere Impostor\"}'",
        ),
        "Marta's check kept for another holder",
    );
    // As ocsae edits it, the check goes with the holder; Anna's undo brings both back.
    let before = anna.certificates().unwrap().remove(0);
    let mut after = before.clone();
    after.holder = "Pere Vidal".into();
    let change = ocsae::ops::requests::edit_request(&before, after, at(NOW))
        .unwrap()
        .unwrap();
    anna.apply(change, at(NOW)).unwrap();
    let edited = anna.certificates().unwrap().remove(0);
    assert_eq!(
        (edited.holder.to_string(), edited.appointment_check()),
        ("Pere Vidal".to_string(), None)
    );
    anna.undo(at(NOW)).unwrap().unwrap();
    let back = anna.certificates().unwrap().remove(0);
    assert_eq!(back.holder.to_string(), "Maria Puig");
    assert_eq!(back.appointment_check().map(|c| c.user.as_str()), Some("marta"));
}
