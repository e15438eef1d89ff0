//! What two technicians on one shared store are told when their changes cross:
//! a request a colleague removed, a colleague's undo or redo, the fields a
//! colleague changed under an open form, and the form as it is after that.
//! Each test gets its own database in the binary's throwaway PostgreSQL cluster
//! (see common/pg.rs).

mod common;

use common::offices::noguera;

use common::pg;
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::popups::request_form::RequestForm;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Signal, Store};
use std::sync::Arc;

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

/// Files a request for Tiurana received at `received`; its id.
fn file(store: &dyn Store, holder: &str, received: &str) -> u64 {
    let request = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at(received),
    );
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

/// Changes the holder of request `id`, as another technician's dashboard would.
fn rename(store: &dyn Store, id: u64, holder: &str) {
    let before = store
        .certificates()
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    let mut after = before.clone();
    after.holder = holder.into();
    let change = Change::update(
        ChangeKind::CertEdit,
        Record::Certificate(before),
        Record::Certificate(after),
    );
    store.apply(change, at(NOW)).unwrap();
}

fn app_as(db: &pg::Db, user: &str, lang: Lang, clock: &FixedClock) -> App {
    let store: Arc<dyn Store> = Arc::from(open(db, user));
    open_app(store, lang, Config::default(), clock)
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

/// Opens the edit form of the selected request on Certificats.
fn edit_selected(app: &mut App) {
    press(app, KeyCode::Char('3'));
    press(app, KeyCode::Char('e'));
    assert!(app.popup_as::<RequestForm>().is_some(), "{}", status(app));
}

/// Types `text` in the focused field of a form in place of what it held.
fn replace(app: &mut App, text: &str) {
    press(app, KeyCode::End);
    ctrl(app, 'u');
    type_text(app, text);
}

#[test]
fn saving_a_request_a_colleague_removed_says_it_is_gone_and_invites_no_retry() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna = open(&db, "anna");
    let id = file(anna.as_ref(), "Maria Puig", "2026-11-26T09:00:00Z");
    let mut marta = app_as(&db, "marta", Lang::Ca, &clock);
    edit_selected(&mut marta);
    for _ in 0..9 {
        press(&mut marta, KeyCode::Tab);
    }
    type_text(&mut marta, "DNI a revisar");
    // Anna takes back her filing: the request is gone.
    clock.advance(chrono::Duration::minutes(2));
    anna.undo(at(NOW)).unwrap().expect("anna's filing undone");
    for attempt in 0..2 {
        press(&mut marta, KeyCode::Enter);
        let said = status(&marta);
        assert!(
            said.starts_with(
                "NO DESAT: anna ha eliminat aquesta sol·licitud fa 2 min (ha desfet nova sol·licitud)"
            ),
            "attempt {attempt}: {said}"
        );
        assert!(!said.contains("torneu-ho a provar"), "attempt {attempt}: {said}");
        let form = marta
            .popup_as::<RequestForm>()
            .expect("the form keeps what was typed");
        assert_eq!(form.notes.value(), "DNI a revisar");
    }
    assert!(marta.data.certs.get(id).is_none(), "gone from Marta's screen too");
    assert!(
        open(&db, "joan").certificates().unwrap().is_empty(),
        "nothing saved"
    );
}

#[test]
fn a_colleagues_undo_and_redo_are_announced_as_such() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let marta = open(&db, "marta");
    let mut anna = app_as(&db, "anna", Lang::Ca, &clock);
    press(&mut anna, KeyCode::Char('3'));
    let id = file(marta.as_ref(), "Maria Puig", "2026-11-26T09:00:00Z");
    anna.store_signal(Signal::Changed(vec![]));
    assert_eq!(
        status(&anna),
        format!("marta: nova sol·licitud · #{id} Maria Puig")
    );
    marta.undo(at(NOW)).unwrap().expect("undone");
    anna.store_signal(Signal::Changed(vec![]));
    assert_eq!(
        status(&anna),
        format!("marta: ha desfet nova sol·licitud · #{id} Maria Puig")
    );
    assert!(anna.data.certs.get(id).is_none());
    marta.redo(at(NOW)).unwrap().expect("redone");
    anna.store_signal(Signal::Changed(vec![]));
    assert_eq!(
        status(&anna),
        format!("marta: ha refet nova sol·licitud · #{id} Maria Puig")
    );
}

#[test]
fn a_conflict_names_the_fields_the_colleague_changed_and_the_form_shows_theirs_before_overwriting() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna = open(&db, "anna");
    let id = file(anna.as_ref(), "Maria Puig", "2026-11-26T09:00:00Z");
    let mut marta = app_as(&db, "marta", Lang::Ca, &clock);
    edit_selected(&mut marta);
    replace(&mut marta, "Maria Puig i Soler");
    clock.advance(chrono::Duration::minutes(1));
    rename(anna.as_ref(), id, "Maria Garcia");
    press(&mut marta, KeyCode::Enter);
    assert_eq!(
        status(&marta),
        "NO DESAT: anna ha canviat aquesta sol·licitud fa 1 min \
         (edició de la sol·licitud: Titular «Maria Garcia»); torneu-ho a provar"
    );
    // The form says what Anna put where Marta typed too, before a second Enter
    // replaces it; Marta's own value is still in the field.
    let shown = screen(&marta, 120, 40);
    assert!(
        shown.contains("anna hi havia posat Titular «Maria Garcia»; si deseu, queda el que hi heu escrit."),
        "{shown}"
    );
    let form = marta.popup_as::<RequestForm>().unwrap();
    assert_eq!(form.holder.value(), "Maria Puig i Soler");
    // The received time as the form writes dates, as before the conflict.
    assert_eq!(form.received.value(), "26/11/2026 10:00");
    press(&mut marta, KeyCode::Enter);
    assert!(marta.popup.is_none(), "{}", status(&marta));
    let stored = open(&db, "joan").certificates().unwrap().remove(0);
    assert_eq!(stored.holder, "Maria Puig i Soler");
}

#[test]
fn after_a_conflict_the_form_writes_the_received_time_in_the_interface_language() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna = open(&db, "anna");
    let id = file(anna.as_ref(), "Maria Puig", "2026-11-26T09:00:00Z");
    let mut marta = app_as(&db, "marta", Lang::Es, &clock);
    edit_selected(&mut marta);
    assert_eq!(
        marta.popup_as::<RequestForm>().unwrap().received.value(),
        "26/11/2026 10:00"
    );
    for _ in 0..9 {
        press(&mut marta, KeyCode::Tab);
    }
    type_text(&mut marta, "DNI a revisar");
    rename(anna.as_ref(), id, "Maria Garcia");
    press(&mut marta, KeyCode::Enter);
    assert!(status(&marta).starts_with("NO GUARDADO"), "{}", status(&marta));
    let form = marta.popup_as::<RequestForm>().unwrap();
    assert_eq!(form.received.value(), "26/11/2026 10:00");
    assert_eq!(
        form.holder.value(),
        "Maria Garcia",
        "theirs where Marta typed nothing"
    );
}

#[test]
fn saving_a_request_through_the_form_keeps_the_seconds_of_a_time_left_as_it_was() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna = open(&db, "anna");
    file(anna.as_ref(), "Maria Puig", "2026-11-26T09:00:28Z");
    let mut marta = app_as(&db, "marta", Lang::Ca, &clock);
    edit_selected(&mut marta);
    for _ in 0..9 {
        press(&mut marta, KeyCode::Tab);
    }
    type_text(&mut marta, "DNI a revisar");
    press(&mut marta, KeyCode::Enter);
    assert!(marta.popup.is_none(), "{}", status(&marta));
    let stored = open(&db, "joan").certificates().unwrap().remove(0);
    assert_eq!(stored.notes(), "DNI a revisar");
    assert_eq!(stored.received_at, at("2026-11-26T09:00:28Z"), "the seconds kept");
    // A time typed anew is the time typed.
    edit_selected(&mut marta);
    for _ in 0..6 {
        press(&mut marta, KeyCode::Tab);
    }
    replace(&mut marta, "26/11/2026 10:05");
    press(&mut marta, KeyCode::Enter);
    assert!(marta.popup.is_none(), "{}", status(&marta));
    let stored = open(&db, "joan").certificates().unwrap().remove(0);
    assert_eq!(stored.received_at, at("2026-11-26T09:05:00Z"));
}

#[test]
fn a_server_that_ends_the_connection_is_said_in_the_users_language() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna = open(&db, "anna");
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(anna.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    let wait = std::time::Duration::from_secs(5);
    assert_eq!(rx.recv_timeout(wait).unwrap(), Signal::Changed(vec![]));
    // Her connections ended as the administrator's `pg_terminate_backend` ends
    // them (SQLSTATE 57P01); her own role may, the test's administrator may not.
    // This database's only: the other tests' run meanwhile.
    db.sql("anna")
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE usename = 'anna' AND datname = current_database() AND pid <> pg_backend_pid()",
        )
        .unwrap();
    let lost = loop {
        match rx.recv_timeout(wait).unwrap() {
            lost @ Signal::Lost(_) => break lost,
            _ => continue,
        }
    };
    let mut app = app_as(&db, "marta", Lang::Ca, &clock);
    app.store_signal(lost);
    assert_eq!(
        status(&app),
        "SENSE CONNEXIÓ amb el magatzem (l'administrador ha aturat el servidor): \
         es mostra l'últim estat; es reconnecta sol."
    );
}
