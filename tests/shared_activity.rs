//! The support log on a store shared by several technicians: a colleague's
//! logged call on the Activitat tab as it happens, a stale edit refused naming
//! who with the form keeping what was typed, the log kept to each office, and a
//! shared store of the schema before the log brought up to date by its
//! administrator only. Each test gets its own database in the binary's
//! throwaway PostgreSQL cluster (see common/pg.rs).

mod common;

use common::offices::noguera;

use common::pg::{self, ADMIN};
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::{I18n, Lang};
use ocsae::popups::activity_form::ActivityForm;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, Kind, Record, SharedSettings, Signal, Store, StoreError};
use ocsae::tabs::ActivityTab;
use std::sync::Arc;

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

fn app_as(db: &pg::Db, user: &str, clock: &FixedClock) -> App {
    let store: Arc<dyn Store> = Arc::from(open(db, user));
    open_app(store, Lang::Ca, Config::default(), clock)
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

/// A call from a council, logged by `store`'s user as the form logs it.
fn log_call(store: &dyn Store, ine: u32, summary: &str, received: &str) -> u64 {
    let mut a = Activity::new(Some(IneCode(ine)), ActivityKind::Call, summary, at(received));
    a.created_by = store.user().to_string();
    let change = Change::new(ChangeKind::ActivityNew, vec![Edit::create(Record::Activity(a))]);
    store.apply(change, at(NOW)).unwrap().ids[0]
}

fn activities(store: &dyn Store) -> Vec<Activity> {
    store
        .records(Kind::Activity)
        .unwrap()
        .map(|r| match r.unwrap() {
            Record::Activity(a) => a,
            other => panic!("another kind: {other:?}"),
        })
        .collect()
}

fn selected_summary(app: &App) -> Option<String> {
    let i = app.tab::<ActivityTab>().selected()?;
    Some(app.data.activities.list[i].summary.clone())
}

/// Anna's call from Tiurana, and Anna's and Marta's dashboards on Activitat.
fn both_on_a_call(db: &pg::Db, clock: &FixedClock) -> (u64, App, App) {
    let id = log_call(
        open(db, "anna").as_ref(),
        252228,
        "Alta a e-NOTUM",
        "2026-11-26T08:00:00Z",
    );
    let mut anna = app_as(db, "anna", clock);
    let mut marta = app_as(db, "marta", clock);
    press(&mut anna, KeyCode::Char('4'));
    press(&mut marta, KeyCode::Char('4'));
    (id, anna, marta)
}

#[test]
fn a_colleagues_logged_call_reaches_the_activity_tab_in_place_and_says_who() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let anna_store = open(&db, "anna");
    log_call(
        anna_store.as_ref(),
        252228,
        "Certificat caducat",
        "2026-11-26T08:00:00Z",
    );
    let mut anna = app_as(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('4'));
    assert_eq!(selected_summary(&anna).as_deref(), Some("Certificat caducat"));
    // Marta logs a call from Àger, received earlier: it is due first, so it sorts first.
    let marta = open(&db, "marta");
    let id = log_call(
        marta.as_ref(),
        250024,
        "No rep l'avís de l'e-NOTUM",
        "2026-11-25T09:00:00Z",
    );
    assert!(anna.store_signal(Signal::Changed(vec![])));
    let tab = anna.tab::<ActivityTab>();
    assert_eq!(tab.rows.len(), 2);
    assert_eq!(
        anna.data.activities.list[tab.rows[0]].id, id,
        "Marta's call, due first, is on top"
    );
    assert_eq!(
        selected_summary(&anna).as_deref(),
        Some("Certificat caducat"),
        "the selection stays on its entry"
    );
    let shown = screen(&anna, 100, 24);
    assert!(shown.contains("Àger"), "{shown}");
    assert!(
        shown.contains(&format!("marta: nova activitat · #{id} Àger · No rep l'avís")),
        "{shown}"
    );
    // The council's count of open entries follows too.
    assert_eq!(anna.data.activities.open_of(IneCode(250024)), 1);
}

#[test]
fn an_edit_based_on_an_old_version_is_refused_naming_who_and_the_form_keeps_what_was_typed() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let (id, mut anna, mut marta) = both_on_a_call(&db, &clock);
    // Anna edits the summary while Marta closes the call.
    press(&mut anna, KeyCode::Char('e'));
    type_text(&mut anna, " i e-FACT");
    clock.advance(chrono::Duration::minutes(1));
    press(&mut marta, KeyCode::Char('x'));
    press(&mut marta, KeyCode::Enter);
    assert_eq!(
        marta.data.activities.get(id).unwrap().status,
        ActivityStatus::Closed,
        "{}",
        status(&marta)
    );
    clock.advance(chrono::Duration::minutes(2));
    press(&mut anna, KeyCode::Enter);
    let shown = screen(&anna, 120, 30);
    assert!(
        shown.contains(
            "marta ha canviat aquesta activitat fa 2 min (tancament de l'activitat); torneu-ho a provar"
        ),
        "{shown}"
    );
    let form = anna.popup_as::<ActivityForm>().expect("the form stays open");
    assert_eq!(
        form.summary.value(),
        "Alta a e-NOTUM i e-FACT",
        "what was typed is kept"
    );
    // Nothing of Anna's was written over Marta's close.
    let stored = activities(open(&db, "joan").as_ref()).remove(0);
    assert_eq!(
        (stored.status, stored.summary.as_str()),
        (ActivityStatus::Closed, "Alta a e-NOTUM")
    );
    // Trying again saves both: Marta's close and Anna's summary.
    press(&mut anna, KeyCode::Enter);
    assert!(anna.popup.is_none(), "{}", status(&anna));
    let stored = activities(open(&db, "joan").as_ref()).remove(0);
    assert_eq!(
        (stored.status, stored.summary.as_str()),
        (ActivityStatus::Closed, "Alta a e-NOTUM i e-FACT")
    );
    assert_eq!(stored.created_by, "anna");
    let authors = open(&db, "joan").authors(Kind::Activity).unwrap();
    let who = &authors[&ocsae::store::RecordId::Activity(id)];
    assert_eq!(
        (who.created_by.as_str(), who.updated_by.as_str()),
        ("anna", "anna")
    );
}

#[test]
fn closing_a_call_a_colleague_closed_meanwhile_names_them_and_changes_nothing() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let (id, mut anna, mut marta) = both_on_a_call(&db, &clock);
    // Both open the close prompt; Marta closes first.
    press(&mut anna, KeyCode::Char('x'));
    type_text(&mut anna, "resolt per telèfon");
    press(&mut marta, KeyCode::Char('x'));
    press(&mut marta, KeyCode::Enter);
    let closed = activities(open(&db, "joan").as_ref()).remove(0);
    assert_eq!(closed.status, ActivityStatus::Closed, "{}", status(&marta));
    // Her change reaches Anna's dashboard while Anna's prompt is still open.
    clock.advance(chrono::Duration::minutes(2));
    assert!(anna.store_signal(Signal::Changed(vec![])));
    press(&mut anna, KeyCode::Enter);
    let shown = screen(&anna, 120, 30);
    assert!(
        shown.contains("marta ja ha tancat aquesta activitat fa 2 min; no s'ha canviat res."),
        "{shown}"
    );
    // Nothing was written: the close is Marta's, as she wrote it.
    assert_eq!(activities(open(&db, "joan").as_ref()).remove(0), closed);
    let authors = open(&db, "joan").authors(Kind::Activity).unwrap();
    assert_eq!(authors[&ocsae::store::RecordId::Activity(id)].updated_by, "marta");
}

#[test]
fn one_offices_log_is_not_anothers_to_read_or_change_even_in_sql() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
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
    let anna = open(&db, "anna");
    let pep = open(&db, "pep");
    let id = log_call(anna.as_ref(), 252228, "Clau T-CAT", "2026-11-26T08:00:00Z");
    // Pep's own call, from Falset (Priorat), is his office's.
    let falset = log_call(pep.as_ref(), 430555, "Alta a EACAT", "2026-11-26T08:00:00Z");
    assert_eq!(
        activities(pep.as_ref()).iter().map(|a| a.id).collect::<Vec<_>>(),
        [falset]
    );
    assert_eq!(
        activities(anna.as_ref()).iter().map(|a| a.id).collect::<Vec<_>>(),
        [id]
    );
    assert!(
        pep.history(&ocsae::store::RecordId::Activity(id))
            .unwrap()
            .is_empty()
    );
    let mut sql = db.sql("pep");
    let count: i64 = sql
        .query_one(
            "SELECT count(*) FROM ocsae.activity WHERE comarca = 'Noguera'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
    for change in [
        "UPDATE ocsae.activity SET record = '{}' WHERE comarca = 'Noguera'",
        "DELETE FROM ocsae.activity WHERE comarca = 'Noguera'",
    ] {
        assert_eq!(sql.execute(change, &[]).unwrap(), 0, "{change}");
    }
    for refused in [
        "INSERT INTO ocsae.activity (id, ine, comarca, record) VALUES (9999, 252228, 'Noguera', '{}')",
        "UPDATE ocsae.activity SET comarca = 'Noguera'",
        "ALTER TABLE ocsae.activity DISABLE ROW LEVEL SECURITY",
    ] {
        assert!(sql.batch_execute(refused).is_err(), "{refused}");
    }
    assert_eq!(activities(anna.as_ref())[0].summary, "Clau T-CAT");
}

#[test]
fn a_shared_store_from_before_the_log_is_brought_up_by_its_administrator_only() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    // The store as schema 1 made it (no activity table, no sequence), shared by
    // several offices, with a council of the Noguera.
    db.sql(ADMIN)
        .batch_execute(include_str!("../src/store/postgres/migrations/001_initial.sql"))
        .unwrap();
    db.sql(ADMIN)
        .batch_execute(
            "INSERT INTO ocsae.meta (key, value) VALUES ('schema_version', '1'), ('multi_office', 'true'); \
             ALTER TABLE ocsae.municipality ENABLE ROW LEVEL SECURITY; \
             ALTER TABLE ocsae.history ENABLE ROW LEVEL SECURITY; \
             ALTER TABLE ocsae.history_edit ENABLE ROW LEVEL SECURITY; \
             INSERT INTO ocsae.municipality (ine, comarca, record) VALUES (252228, 'Noguera', '{}'); \
             INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'ocsae_noguera')",
        )
        .unwrap();
    // A technician cannot bring it up, and is told who can; nothing is written.
    let refused = match ocsae::store::open(&db.location("anna")) {
        Err(e) => e,
        Ok(_) => panic!("a technician brought the schema up"),
    };
    let StoreError::OlderSchema { found, current, .. } = &refused else {
        panic!("another error: {refused:?}");
    };
    assert_eq!((*found, *current), (1, ocsae::store::postgres::CURRENT));
    let said = refused.localize(&I18n::new(Lang::Ca));
    assert!(
        said.contains("és de l'esquema 1") && said.contains("l'ha de posar al dia l'administrador"),
        "{said}"
    );
    let version: String = db
        .sql(ADMIN)
        .query_one("SELECT value FROM ocsae.meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, "1");
    // The administrator's ocsae brings it up, the log kept to each office.
    drop(open(&db, ADMIN));
    let mut sql = db.sql(ADMIN);
    let secured: bool = sql
        .query_one(
            "SELECT relrowsecurity FROM pg_class WHERE oid = 'ocsae.activity'::regclass",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(secured, "several offices: the new table is secured too");
    let anna = open(&db, "anna");
    let id = log_call(anna.as_ref(), 252228, "Clau T-CAT", "2026-11-26T08:00:00Z");
    assert_eq!(id, 1);
    assert_eq!(activities(anna.as_ref()).len(), 1);
}
