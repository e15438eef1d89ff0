//! A dashboard on a shared store never freezes waiting on the server: a save
//! that would wait on another's lock (a colleague's import, an administrator's
//! `LOCK TABLE`) is refused quickly as busy, one the server never answers comes
//! back unconfirmed with the store marked SENSE CONNEXIÓ, and `q` quits at once.
//! Server processes are stopped with SIGSTOP here, as a server or a network that
//! stops answering; its own test binary, so that no other test shares them.

mod common;

use common::offices::noguera;

use common::pg::{self, ADMIN};
use common::pty::spawn;
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::App;
use ocsae::config::Config;
use ocsae::domain::certificate::{CertificateRequest, HolderRole};
use ocsae::domain::clock::FixedClock;
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::i18n::Lang;
use ocsae::popups::request_form::RequestForm;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Signal, Store};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest a key may keep the dashboard from answering: the store's bound
/// (3 s), and some slack for a busy test machine.
const BOUND: Duration = Duration::from_millis(4500);
/// The lock every writer takes from numbering its change to committing it: what
/// a colleague's import holds for its whole length.
const LOCK_WRITERS: &str = "SELECT ocsae.lock_writers()";

fn open(db: &pg::Db, user: &str) -> Box<dyn Store> {
    ocsae::store::open(&db.location(user)).unwrap()
}

/// The dashboard of `user`, its store opened as the dashboard opens it.
fn dashboard(db: &pg::Db, user: &str, clock: &FixedClock) -> App {
    let store: Arc<dyn Store> = Arc::from(ocsae::store::open_to_show(&db.location(user)).unwrap());
    open_app(store, Lang::Ca, Config::default(), clock)
}

fn status(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

fn header(app: &App) -> String {
    screen(app, 100, 24)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn file(store: &dyn Store, holder: &str) -> u64 {
    let request = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        holder,
        HolderRole::Mayor,
        "tcat",
        at("2026-11-26T09:00:00Z"),
    );
    let change = Change::new(
        ChangeKind::CertNew,
        vec![Edit::create(Record::Certificate(request))],
    );
    store.apply(change, at(NOW)).unwrap().ids[0]
}

/// Àger's e-TRAM cell (the first of Implantació), on the dashboard and as stored.
fn first_cell(app: &App, db: &pg::Db) -> (RolloutStatus, RolloutStatus) {
    let ager = app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == "Àger")
        .unwrap();
    let ine = app.data.municipalities[ager].ine;
    let stored = open(db, "joan")
        .rollouts()
        .unwrap()
        .into_iter()
        .find(|r| r.ine == ine && r.service == "e-tram")
        .map_or(RolloutStatus::Pending, |r| r.status);
    (app.data.status(ager, 0), stored)
}

/// A transaction of `role` holding what `sql` locks, until `release` or `at_most`
/// (so that a dashboard that waits for it, as one did, is freed and the test
/// fails instead of hanging).
struct Held {
    release: mpsc::Sender<()>,
    done: std::thread::JoinHandle<()>,
}

impl Held {
    fn take(db: &pg::Db, role: &str, sql: String, at_most: Duration) -> Held {
        let mut client = db.sql(role);
        let (ready, taken) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let done = std::thread::spawn(move || {
            let mut tx = client.transaction().unwrap();
            tx.batch_execute(&sql).unwrap();
            ready.send(()).unwrap();
            let _ = released.recv_timeout(at_most);
            tx.rollback().unwrap();
        });
        taken.recv().expect("the lock is held");
        Held { release, done }
    }

    fn release(self) {
        let _ = self.release.send(());
        self.done.join().unwrap();
    }
}

/// The server processes serving `user` on the database (pg_stat_activity, read
/// as the cluster's superuser).
fn backends(db: &pg::Db, user: &str) -> Vec<i32> {
    db.sql("postgres")
        .query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = $1",
            &[&user],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Server processes stopped (SIGSTOP), as a server that stops answering; they
/// go on (SIGCONT) when this is dropped, or after `at_most` whatever happens.
struct Stopped(Vec<i32>);

impl Stopped {
    fn stop(pids: Vec<i32>, at_most: Duration) -> Stopped {
        for &pid in &pids {
            // SAFETY: kill only sends a signal to the process named.
            assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0, "stop {pid}");
        }
        let later = pids.clone();
        std::thread::spawn(move || {
            std::thread::sleep(at_most);
            resume(&later);
        });
        Stopped(pids)
    }
}

fn resume(pids: &[i32]) {
    for &pid in pids {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGCONT) };
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        resume(&self.0);
    }
}

#[test]
fn a_request_filed_during_a_colleagues_import_is_refused_as_busy_at_once_and_the_form_keeps_it() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = dashboard(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('3'));
    press(&mut anna, KeyCode::Char('n'));
    type_text(&mut anna, "tiurana");
    press(&mut anna, KeyCode::Tab);
    type_text(&mut anna, "Maria Puig");
    // Marta's import of 60,000 requests holds the writers' lock all along.
    let import = Held::take(&db, "marta", LOCK_WRITERS.into(), Duration::from_secs(10));
    let pressed = Instant::now();
    press(&mut anna, KeyCode::Enter);
    let took = pressed.elapsed();
    assert!(took < BOUND, "the dashboard waited {took:?}");
    let said = status(&anna);
    assert_eq!(
        said,
        "NO DESAT: el magatzem està bloquejat per marta; torneu-ho a provar més tard"
    );
    let logged = anna.messages.newest_first().next().map(|m| m.text.clone());
    assert!(
        logged.as_deref().is_some_and(|l| l.starts_with(
            "NO DESAT: el magatzem compartit està ocupat: marta en té el bloqueig d'escriptura"
        )),
        "{logged:?}"
    );
    let form = anna.popup_as::<RequestForm>().expect("the form stays open");
    assert_eq!(form.holder.value(), "Maria Puig", "what was typed is kept");
    assert!(!anna.live.offline, "a busy store is not a lost one");
    assert!(!header(&anna).contains("SENSE CONNEXIÓ"));
    import.release();
    assert!(
        open(&db, "joan").certificates().unwrap().is_empty(),
        "nothing was written"
    );
    // Once the import is done, the same form saves.
    press(&mut anna, KeyCode::Enter);
    assert!(anna.popup.is_none(), "{}", status(&anna));
    assert!(status(&anna).starts_with("Desat"), "{}", status(&anna));
    let stored = open(&db, "joan").certificates().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].holder.as_str(), "Maria Puig");
}

#[test]
fn a_rollout_change_under_the_administrators_table_lock_is_refused_as_busy_at_once() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = dashboard(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('2'));
    let lock = Held::take(
        &db,
        ADMIN,
        "LOCK TABLE ocsae.rollout IN EXCLUSIVE MODE".into(),
        Duration::from_secs(10),
    );
    let pressed = Instant::now();
    press(&mut anna, KeyCode::Char(' '));
    let took = pressed.elapsed();
    assert!(took < BOUND, "the dashboard waited {took:?}");
    let said = status(&anna);
    assert!(said.contains("està ocupat amb un altre canvi"), "{said}");
    assert_eq!(
        first_cell(&anna, &db),
        (RolloutStatus::Pending, RolloutStatus::Pending)
    );
    lock.release();
    press(&mut anna, KeyCode::Char(' '));
    assert!(status(&anna).starts_with("Desat"), "{}", status(&anna));
    assert_eq!(
        first_cell(&anna, &db),
        (RolloutStatus::InProgress, RolloutStatus::InProgress)
    );
}

#[test]
fn a_save_the_server_never_answers_comes_back_unconfirmed_offline_then_it_catches_up() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(NOW));
    let mut anna = dashboard(&db, "anna", &clock);
    press(&mut anna, KeyCode::Char('2'));
    // The dashboard's own connection, found before the change feed opens another.
    let mine = backends(&db, "anna");
    assert_eq!(mine.len(), 1, "{mine:?}");
    let (tx, news) = mpsc::channel();
    assert!(anna.store.watch(Box::new(move |signal| tx.send(signal).is_ok())));
    assert_eq!(
        news.recv_timeout(Duration::from_secs(5)).unwrap(),
        Signal::Changed(vec![])
    );
    // Used just now, the connection takes the change at once: it reaches the
    // server, which stops answering before it reads it.
    anna.store.last_seq().unwrap();
    let stopped = Stopped::stop(mine, Duration::from_secs(15));
    let pressed = Instant::now();
    press(&mut anna, KeyCode::Char(' '));
    let took = pressed.elapsed();
    assert!(took < BOUND, "the dashboard waited {took:?}");
    let said = status(&anna);
    assert!(
        said.starts_with("NO CONFIRMAT: el magatzem no ha respost en 3 s")
            && said.contains("si s'ha desat, apareixerà quan torni la connexió"),
        "{said}"
    );
    assert!(header(&anna).contains("[SENSE CONNEXIÓ]"), "{}", header(&anna));
    assert_eq!(
        first_cell(&anna, &db).0,
        RolloutStatus::Pending,
        "not shown as saved"
    );
    // Edits are refused at once from now on, never queued.
    let pressed = Instant::now();
    press(&mut anna, KeyCode::Char(' '));
    assert!(pressed.elapsed() < Duration::from_millis(500));
    assert!(
        status(&anna).starts_with("SENSE CONNEXIÓ: no es desa res"),
        "{}",
        status(&anna)
    );
    // Meanwhile Marta files a request.
    let id = file(open(&db, "marta").as_ref(), "Maria Puig");
    drop(stopped);
    // The server answers again: the store says so, and the dashboard reads what
    // was committed meanwhile, Anna's change (it had gone out) and Marta's.
    let until = Instant::now() + Duration::from_secs(20);
    while anna.live.offline {
        let left = until.saturating_duration_since(Instant::now());
        let signal = news.recv_timeout(left).expect("the store says it is back");
        anna.store_signal(signal);
    }
    assert!(!header(&anna).contains("SENSE CONNEXIÓ"), "{}", header(&anna));
    assert!(anna.data.certs.get(id).is_some(), "Marta's request came in");
    assert_eq!(
        first_cell(&anna, &db),
        (RolloutStatus::InProgress, RolloutStatus::InProgress),
        "Anna's change, committed once the server went on, is shown"
    );
    // And edits are saved again.
    press(&mut anna, KeyCode::Char(' '));
    assert!(status(&anna).starts_with("Desat"), "{}", status(&anna));
    assert_eq!(first_cell(&anna, &db), (RolloutStatus::Done, RolloutStatus::Done));
}

#[test]
fn q_quits_at_once_and_cleanly_while_the_server_does_not_answer() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let db = cluster.database();
    let store = open(&db, ADMIN);
    seed(store.as_ref(), &Scope::Comarca("Noguera".into()), at(NOW)).unwrap();
    drop(store);
    let mut anna = spawn(
        home.path(),
        &["--store", &db.url("anna")],
        &[("OCSAE_NOW", "2026-11-26T10:00:00+01:00")],
        110,
        30,
    );
    anna.wait_for("Àger");
    anna.send("2");
    anna.wait_for("TRA VOB");
    // Every connection of Anna's dashboard: its own, and its change feed's.
    let stopped = Stopped::stop(backends(&db, "anna"), Duration::from_secs(30));
    let pressed = Instant::now();
    anna.send(" ");
    anna.wait_for("NO CONFIRMAT");
    anna.wait_for("[SENSE CONNEXIÓ]");
    anna.send("q");
    assert_eq!(anna.wait_exit(), 0);
    let took = pressed.elapsed();
    assert!(took < BOUND + Duration::from_secs(1), "{took:?}");
    assert!(anna.is_cooked(), "the terminal is given back");
    drop(stopped);
}
