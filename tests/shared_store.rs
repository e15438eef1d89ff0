//! What only a store shared by several technicians does: clients filing at once,
//! news of each other's changes on the dashboard, conflicts and undo refused
//! with who did what, a client killed mid-change, row-level security between
//! offices, and the author being the connection's role. Each test gets its own
//! database in the binary's throwaway PostgreSQL cluster (see common/pg.rs).

mod common;

use common::offices::noguera;

use common::pg::{self, ADMIN};
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::popups::request_form::RequestForm;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, SharedSettings, Signal, Store};
use ocsae::tabs::CertificatesTab;
use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
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

fn file(store: &dyn Store, holder: &str) -> u64 {
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request(holder)))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

#[test]
fn two_and_three_clients_filing_at_once_get_different_ids_and_lose_nothing() {
    let Some(db) = noguera() else { return };
    let db = Arc::new(db);
    let mut all = BTreeSet::new();
    for users in [&["anna", "marta"][..], &["anna", "marta", "joan"][..]] {
        let start = Arc::new(Barrier::new(users.len()));
        let handles: Vec<_> = users
            .iter()
            .map(|&user| {
                let (db, start) = (db.clone(), start.clone());
                std::thread::spawn(move || {
                    let store = open(&db, user);
                    start.wait();
                    (0..30)
                        .map(|i| {
                            let change = Change::new(
                                ChangeKind::CertNew,
                                vec![Edit::create(Record::Certificate(request(&format!("{user} {i}"))))],
                            );
                            // Never a conflict: each filing takes the next id.
                            store.apply(change, at(NOW)).expect("filed").ids[0]
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        for handle in handles {
            for id in handle.join().unwrap() {
                assert!(all.insert(id), "id {id} given twice");
            }
        }
    }
    let store = open(&db, "anna");
    let stored = store.certificates().unwrap();
    assert_eq!(stored.len(), (2 + 3) * 30, "nothing lost");
    assert_eq!(stored.iter().map(|c| c.id).collect::<BTreeSet<_>>(), all);
    // Each filing has its history entry, signed, in commit order.
    let history = store.changes_since(0).unwrap();
    let filings: Vec<_> = history
        .iter()
        .filter(|a| a.change == ChangeKind::CertNew)
        .collect();
    assert_eq!(filings.len(), 150);
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
    let by_joan = filings.iter().filter(|a| a.user == "joan").count();
    assert_eq!(by_joan, 30);
}

#[test]
fn another_technicians_change_reaches_the_feed_within_a_second() {
    let Some(db) = noguera() else { return };
    let anna = open(&db, "anna");
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(anna.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    // Once it listens, the feed has what was committed before read once.
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![])
    );
    let marta = open(&db, "marta");
    let seen = anna.last_seq().unwrap();
    let filed = Instant::now();
    let id = file(marta.as_ref(), "Maria Puig");
    let announced = marta.last_seq().unwrap();
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![announced])
    );
    let took = filed.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
    let news = anna.changes_since(seen).unwrap();
    assert_eq!(news.len(), 1);
    assert_eq!(
        (news[0].user.as_str(), news[0].ids.as_slice()),
        ("marta", &[id][..])
    );
}

fn app_as(db: &pg::Db, user: &str, clock: &FixedClock) -> App {
    let store: Arc<dyn Store> = Arc::from(open(db, user));
    open_app(store, Lang::Ca, Config::default(), clock)
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

fn selected_holder(app: &App) -> Option<String> {
    let tab = app.tab::<CertificatesTab>();
    let i = *tab.rows.get(tab.cursor.selected)?;
    Some(app.data.certs.list[i].holder.to_string())
}

#[test]
fn a_dashboard_shows_a_colleagues_change_in_place_and_says_who_made_it() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let marta = open(&db, "marta");
    file(marta.as_ref(), "Jordi Solé");
    let mut anna = app_as(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('3'));
    assert_eq!(selected_holder(&anna).as_deref(), Some("Jordi Solé"));
    // Marta files another one received earlier, so it sorts first in the queue.
    let mut earlier = request("Maria Puig");
    earlier.received_at = at("2026-11-20T09:00:00Z");
    let id = marta
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![Edit::create(Record::Certificate(earlier))],
            ),
            at(NOW),
        )
        .unwrap()
        .ids[0];
    assert!(anna.store_signal(Signal::Changed(vec![])));
    assert_eq!(anna.tab::<CertificatesTab>().rows.len(), 2);
    assert_eq!(
        selected_holder(&anna).as_deref(),
        Some("Jordi Solé"),
        "the selection stays on its record"
    );
    let screen = screen(&anna, 100, 24);
    assert!(screen.contains("Maria Puig"), "{screen}");
    assert!(
        screen.contains(&format!("marta: nova sol·licitud · #{id} Maria Puig")),
        "{screen}"
    );
    // The same user in another session is news too...
    anna.status = None;
    let elsewhere = file(anna.store.as_ref(), "Pere Vidal");
    anna.store_signal(Signal::Changed(vec![elsewhere]));
    assert!(
        anna.data.certs.get(elsewhere).is_some(),
        "mirrored from the history"
    );
    assert!(
        status(&anna).contains("anna: nova sol·licitud"),
        "{}",
        status(&anna)
    );
    // ...but a change made on this dashboard is not, when the feed announces it.
    press(&mut anna, KeyCode::Char('n'));
    type_text(&mut anna, "tiurana");
    press(&mut anna, KeyCode::Tab);
    type_text(&mut anna, "Laia Serra");
    press(&mut anna, KeyCode::Enter);
    let said = status(&anna);
    assert!(said.starts_with("Desat"), "{said}");
    let mine = anna.store.last_seq().unwrap();
    assert!(
        !anna.store_signal(Signal::Changed(vec![mine])),
        "nothing to redraw"
    );
    assert_eq!(status(&anna), said);
    assert_eq!(anna.data.certs.list.len(), 4);
}

#[test]
fn a_save_based_on_an_old_version_is_refused_naming_who_and_the_form_keeps_what_was_typed() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let id = file(open(&db, "anna").as_ref(), "Maria Puig");
    let mut anna = app_as(&db, "anna", &clock);
    let mut marta = app_as(&db, "marta", &clock);
    press(&mut anna, KeyCode::Char('3'));
    press(&mut marta, KeyCode::Char('3'));
    // Anna opens the request and types a note, while Marta files it at EACAT.
    press(&mut anna, KeyCode::Char('e'));
    for _ in 0..9 {
        press(&mut anna, KeyCode::Tab);
    }
    type_text(&mut anna, "DNI a revisar");
    clock.advance(chrono::Duration::minutes(1));
    press(&mut marta, KeyCode::Char('a'));
    assert_eq!(
        marta.data.certs.get(id).unwrap().status,
        CertStatus::Filed,
        "{}",
        status(&marta)
    );
    clock.advance(chrono::Duration::minutes(1));
    press(&mut anna, KeyCode::Enter);
    let shown = screen(&anna, 120, 30);
    assert!(
        shown.contains(
            "marta ha canviat aquesta sol·licitud fa 1 min (estat de la sol·licitud); torneu-ho a provar"
        ),
        "{shown}"
    );
    let form = anna.popup_as::<RequestForm>().expect("the form stays open");
    assert_eq!(form.notes.value(), "DNI a revisar", "what was typed is kept");
    // Nothing of Anna's was written over Marta's change.
    let stored = open(&db, "joan").certificates().unwrap().remove(0);
    assert_eq!((stored.status, stored.notes().as_str()), (CertStatus::Filed, ""));
    // Trying again saves both: Marta's status and Anna's note.
    press(&mut anna, KeyCode::Enter);
    assert!(anna.popup.is_none(), "{}", status(&anna));
    let stored = open(&db, "joan").certificates().unwrap().remove(0);
    assert_eq!(
        (stored.status, stored.notes().as_str()),
        (CertStatus::Filed, "DNI a revisar")
    );
}

#[test]
fn undo_is_refused_with_who_changed_the_request_since() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = app_as(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('3'));
    press(&mut anna, KeyCode::Char('n'));
    type_text(&mut anna, "tiurana");
    press(&mut anna, KeyCode::Tab);
    type_text(&mut anna, "Maria Puig");
    press(&mut anna, KeyCode::Enter);
    assert!(anna.popup.is_none(), "{}", status(&anna));
    let id = anna.data.certs.list[0].id;
    // Marta edits the request Anna filed.
    let mut marta = app_as(&db, "marta", &clock);
    press(&mut marta, KeyCode::Char('3'));
    clock.advance(chrono::Duration::minutes(3));
    press(&mut marta, KeyCode::Char('a'));
    clock.advance(chrono::Duration::minutes(2));
    press(&mut anna, KeyCode::Char('u'));
    assert_eq!(
        status(&anna),
        "No es pot desfer: marta ha canviat aquesta sol·licitud fa 2 min (estat de la sol·licitud)."
    );
    // Marta's change is on Anna's screen now, and still stored.
    assert_eq!(anna.data.certs.get(id).unwrap().status, CertStatus::Filed);
    assert_eq!(
        open(&db, "joan").certificates().unwrap()[0].status,
        CertStatus::Filed
    );
    // Marta's own undo is hers to make.
    press(&mut marta, KeyCode::Char('u'));
    assert!(status(&marta).starts_with("Desfet"), "{}", status(&marta));
}

#[test]
fn without_the_server_the_last_state_stays_marked_and_edits_are_refused() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = app_as(&db, "anna", &clock);
    anna.store_signal(Signal::Lost("the server closed the connection".into()));
    let shown = screen(&anna, 100, 24);
    assert!(
        shown.lines().next().unwrap().contains("[SENSE CONNEXIÓ]"),
        "{shown}"
    );
    assert!(shown.contains("Àger"), "the last state stays on screen");
    press(&mut anna, KeyCode::Char('2'));
    press(&mut anna, KeyCode::Char(' '));
    assert!(
        status(&anna).starts_with("SENSE CONNEXIÓ: no es desa res"),
        "{}",
        status(&anna)
    );
    press(&mut anna, KeyCode::Char('3'));
    press(&mut anna, KeyCode::Char('n'));
    assert!(anna.popup.is_none(), "no form to lose typing in");
    // Back: what changed meanwhile comes in, and edits work again.
    let id = file(open(&db, "marta").as_ref(), "Maria Puig");
    anna.store_signal(Signal::Back);
    assert!(anna.data.certs.get(id).is_some());
    let shown = screen(&anna, 100, 24);
    assert!(!shown.contains("SENSE CONNEXIÓ"), "{shown}");
    press(&mut anna, KeyCode::Char('2'));
    press(&mut anna, KeyCode::Char(' '));
    assert!(status(&anna).starts_with("Desat"), "{}", status(&anna));
}

#[test]
fn the_author_is_the_connections_role_and_the_history_is_never_rewritten() {
    let Some(db) = noguera() else { return };
    file(open(&db, "anna").as_ref(), "Maria Puig");
    let mut anna = db.sql("anna");
    for sql in [
        "INSERT INTO ocsae.history (seq, at, author, kind, change, edits, comarques) \
         VALUES (999, now(), 'marta', 'do', 'cert.new', 0, '{}')",
        "UPDATE ocsae.history SET author = 'marta'",
        "UPDATE ocsae.history SET change = 'x'",
        "DELETE FROM ocsae.history_edit",
        "DELETE FROM ocsae.history",
    ] {
        let err = anna.batch_execute(sql).unwrap_err();
        assert!(err.to_string().contains("db error"), "{sql}: {err}");
        assert_eq!(
            err.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}"
        );
    }
    // Without the author column, the row is signed by the role itself (and
    // numbered by the server).
    let seq: i64 = anna
        .query_one(
            "INSERT INTO ocsae.history (seq, at, kind, change, edits, comarques) \
             VALUES (999, now(), 'do', 'cert.new', 0, '{}') RETURNING seq",
            &[],
        )
        .unwrap()
        .get(0);
    let author: String = anna
        .query_one("SELECT author FROM ocsae.history WHERE seq = $1", &[&seq])
        .unwrap()
        .get(0);
    assert_eq!(author, "anna");
}

#[test]
fn one_offices_technician_cannot_read_or_change_anothers_records_even_in_sql() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    let admin = open(&db, ADMIN);
    seed(admin.as_ref(), &Scope::All, at(NOW)).unwrap();
    admin
        .share_settings(&SharedSettings {
            local_holidays: vec!["2026-09-08".parse().unwrap()],
            multi_office: true,
        })
        .unwrap();
    drop(admin);
    db.sql(ADMIN)
        .batch_execute(
            "INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'ocsae_noguera'), ('Priorat', 'ocsae_priorat')",
        )
        .unwrap();
    // Through ocsae, each office sees its own councils only.
    let anna = open(&db, "anna");
    let pep = open(&db, "pep");
    assert_eq!(anna.municipalities().unwrap().len(), 30);
    assert!(
        anna.municipalities()
            .unwrap()
            .iter()
            .all(|m| m.comarca == "Noguera")
    );
    assert_eq!(pep.municipalities().unwrap().len(), 23);
    assert_eq!(pep.rollouts().unwrap().len(), 23 * 12);
    let id = file(anna.as_ref(), "Maria Puig");
    assert!(pep.certificates().unwrap().is_empty());
    assert!(
        pep.history(&ocsae::store::RecordId::Certificate(id))
            .unwrap()
            .is_empty()
    );
    assert!(
        pep.changes_since(1).unwrap().is_empty(),
        "Anna's filing is not Pep's news"
    );
    // A technician of no office sees nothing.
    assert!(open(&db, "joan").municipalities().unwrap().is_empty());

    // By hand, through Pep's role: nothing of the Noguera to read or change.
    let mut sql = db.sql("pep");
    let count = |sql: &mut postgres::Client, q: &str| -> i64 { sql.query_one(q, &[]).unwrap().get(0) };
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.certificate"), 0);
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.municipality WHERE comarca = 'Noguera'"
        ),
        0
    );
    assert_eq!(
        count(&mut sql, "SELECT count(*) FROM ocsae.rollout WHERE ine = 252228"),
        0
    );
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.history_edit WHERE comarca = 'Noguera'"
        ),
        0
    );
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.history WHERE author = 'anna'"
        ),
        0
    );
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.local_holiday WHERE comarca = 'Noguera'"
        ),
        0
    );
    for change in [
        "UPDATE ocsae.certificate SET record = '{}'",
        "DELETE FROM ocsae.certificate",
        "UPDATE ocsae.municipality SET comarca = 'Priorat' WHERE ine = 252228",
        "DELETE FROM ocsae.rollout WHERE comarca = 'Noguera'",
    ] {
        assert_eq!(sql.execute(change, &[]).unwrap(), 0, "{change}");
    }
    for refused in [
        "INSERT INTO ocsae.certificate (id, ine, comarca, record) VALUES (9999, 252228, 'Noguera', '{}')",
        "UPDATE ocsae.municipality SET comarca = 'Noguera' WHERE comarca = 'Priorat'",
        "INSERT INTO ocsae.office (comarca, role) VALUES ('Noguera', 'pep')",
        "ALTER TABLE ocsae.certificate DISABLE ROW LEVEL SECURITY",
    ] {
        assert!(sql.batch_execute(refused).is_err(), "{refused}");
    }
    // Anna's records are as she left them.
    let mine = anna.certificates().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].holder, "Maria Puig");
    assert_eq!(anna.municipalities().unwrap().len(), 30);
    assert_eq!(anna.shared_settings().unwrap().unwrap().local_holidays.len(), 1);
}

#[test]
fn a_colleagues_import_of_thousands_reaches_the_dashboard_at_once() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = app_as(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('3'));
    let marta = open(&db, "marta");
    let mut import = marta.begin_import(ChangeKind::ImportCertificates).unwrap();
    import
        .append(
            (0..20_000)
                .map(|i| Edit::create(Record::Certificate(request(&format!("Titular {i}")))))
                .collect(),
        )
        .unwrap();
    import.commit(at(NOW)).unwrap();
    let started = Instant::now();
    assert!(anna.store_signal(Signal::Changed(vec![])));
    let took = started.elapsed();
    assert_eq!(anna.tab::<CertificatesTab>().rows.len(), 20_000);
    assert!(
        status(&anna).starts_with("marta: importació de certificats"),
        "{}",
        status(&anna)
    );
    // One sort for the lot, not one per request (which took minutes).
    assert!(took < Duration::from_secs(10), "{took:?}");
}
