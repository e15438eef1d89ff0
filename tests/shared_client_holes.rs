//! What a technician with `psql`, or a crafted file, could do to the commands on
//! a shared store: a writers' lock held by hand names its holder and never
//! hangs a command; a backup's office list never widens what a role sees
//! without the administrator saying so; a refused restore leaves no schema
//! behind; `migrate` never follows a link planted in a sled store.

mod common;

use common::offices::noguera;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::{at, open_app, press, type_text};
use crossterm::event::KeyCode;
use ocsae::domain::clock::FixedClock;
use ocsae::i18n::Lang;
use ocsae::store::Store;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const CLI_NOW: &str = "2026-11-26T10:00:00+01:00";
/// The lock every writer takes from numbering its change to committing it.
const LOCK_WRITERS: &str = "SELECT ocsae.lock_writers()";
/// A hand-written history entry, which takes the writers' lock (its trigger).
const HAND_ENTRY: &str = "INSERT INTO ocsae.history (at, kind, change, edits, comarques) \
     VALUES (now(), 'do', 'cert.edit', 0, '{Noguera}')";

/// `ocsae --store LOCATION --lang en ARGS`, with no configuration, at `NOW`.
fn command(home: &Path, store: &str, args: &[&str]) -> Command {
    let mut c = Command::new(binary());
    c.args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", CLI_NOW)
        .stdin(Stdio::null());
    c
}

fn ocsae(home: &Path, store: &str, args: &[&str]) -> Output {
    command(home, store, args).output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A sled store of the Noguera with one request, backed up into `file`; its
/// JSON handed to `edit` and written back.
fn sled_backup(home: &Path, file: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let sled = format!("sled:{}", home.join("sled").display());
    ok(ocsae(home, &sled, &["init", "--comarca", "Noguera"]));
    ok(ocsae(home, &sled, &["backup", file.to_str().unwrap()]));
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    edit(&mut dump);
    std::fs::write(file, serde_json::to_vec(&dump).unwrap()).unwrap();
}

fn one(db: &pg::Db, role: &str, query: &str) -> Option<String> {
    db.sql(role).query_one(query, &[]).unwrap().get(0)
}

#[test]
fn a_restore_refused_for_a_newer_backup_leaves_no_schema_behind() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("newer.json");
    sled_backup(home.path(), &file, |dump| dump["schema_version"] = 999.into());
    let db = cluster.database();
    let out = ocsae(home.path(), &db.url(ADMIN), &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let said = text(&out.stderr);
    assert!(said.contains("999"), "{said}");
    assert_eq!(
        one(&db, ADMIN, "SELECT to_regnamespace('ocsae')::text"),
        None,
        "the refused restore left a schema: {said}"
    );
    // The same file, fixed, restores into that database.
    sled_backup(&home.path().join("again"), &file, |_| {});
    ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        &["restore", file.to_str().unwrap()],
    ));
}

/// `ocsae migrate --from sled:FROM --to sled:TO`: its status, and what `TO`
/// then lists as requests (None if it holds no store).
fn migrate_sled(home: &Path, from: &Path, to: &Path) -> (Output, Option<String>) {
    let (from, to) = (
        format!("sled:{}", from.display()),
        format!("sled:{}", to.display()),
    );
    let out = ocsae(home, &to, &["migrate", "--from", &from, "--to", &to]);
    let held = home
        .join("copy")
        .join("sled")
        .is_dir()
        .then(|| ok(ocsae(home, &to, &["export", "certificates", "--format", "csv"])));
    (out, held)
}

#[test]
fn migrate_never_follows_a_link_planted_in_the_sled_store_it_copies() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // A store the one who runs migrate may read, and the planter may not.
    let secret = h.join("secret");
    let secret_store = format!("sled:{}", secret.display());
    ok(ocsae(h, &secret_store, &["init", "--comarca", "Noguera"]));
    ok(ocsae(
        h,
        &secret_store,
        &[
            "cert",
            "add",
            "--municipality",
            "Tiurana",
            "--holder",
            "Secret Holder",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    ));
    let plant = |name: &str| {
        let theirs = h.join(format!("theirs-{name}"));
        ok(ocsae(
            h,
            &format!("sled:{}", theirs.display()),
            &["init", "--comarca", "Noguera"],
        ));
        theirs
    };
    let copy = h.join("copy");
    // Their store's database, and each note beside it, is a link to the secret one's.
    let theirs = plant("sled");
    for entry in std::fs::read_dir(&secret).unwrap() {
        let name = entry.unwrap().file_name();
        let (mine, target) = (theirs.join(&name), secret.join(&name));
        match mine.is_dir() {
            true => std::fs::remove_dir_all(&mine).unwrap(),
            false => {
                let _ = std::fs::remove_file(&mine);
            }
        }
        std::os::unix::fs::symlink(target, mine).unwrap();
    }
    // A note beside it (the schema's version) is a link.
    let note = plant("note");
    std::fs::remove_file(note.join("schema-version")).unwrap();
    std::os::unix::fs::symlink(secret.join("schema-version"), note.join("schema-version")).unwrap();
    // The directory named is itself a link to the secret store.
    let named = h.join("named-link");
    std::os::unix::fs::symlink(&secret, &named).unwrap();
    for (from, link) in [
        (&theirs, theirs.join("sled")),
        (&note, note.join("schema-version")),
        (&named, named.clone()),
    ] {
        let (out, held) = migrate_sled(h, from, &copy);
        let said = text(&out.stderr);
        assert!(
            !out.status.success(),
            "{} was followed: {}",
            link.display(),
            text(&out.stdout)
        );
        assert!(said.contains("is a link"), "{said}");
        assert!(said.contains(&link.display().to_string()), "{said}");
        assert!(
            !held.unwrap_or_default().contains("Secret Holder"),
            "the secret store was copied through {}",
            link.display()
        );
        let _ = std::fs::remove_dir_all(&copy);
    }
    // The same store without links migrates.
    let plain = plant("plain");
    let (out, held) = migrate_sled(h, &plain, &copy);
    ok(out);
    assert!(held.is_some());
}

/// A technician's `psql` session holding the writers' lock in a transaction
/// left open: by a history entry written by hand, or by the lock's function
/// (no session holds it beyond its transaction since schema 11). Released when
/// dropped.
struct Psql(#[allow(dead_code)] postgres::Client);

impl Psql {
    fn holding(db: &pg::Db, role: &str, by_entry: bool) -> Psql {
        let mut client = db.sql(role);
        let take = match by_entry {
            true => HAND_ENTRY,
            false => LOCK_WRITERS,
        };
        client
            .batch_execute(&format!("SET application_name = 'psql'; BEGIN; {take}"))
            .unwrap();
        Psql(client)
    }
}

#[test]
fn a_save_refused_while_a_psql_session_holds_the_writers_lock_names_who_holds_it() {
    let Some(db) = noguera() else { return };
    let clock = FixedClock::new(at(common::NOW));
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::from(ocsae::store::open_to_show(&db.location("anna")).unwrap());
    let mut anna = open_app(store, Lang::Ca, ocsae::config::Config::default(), &clock);
    press(&mut anna, KeyCode::Char('3'));
    press(&mut anna, KeyCode::Char('n'));
    type_text(&mut anna, "tiurana");
    press(&mut anna, KeyCode::Tab);
    type_text(&mut anna, "Maria Puig");
    let marta = Psql::holding(&db, "marta", false);
    let pressed = Instant::now();
    press(&mut anna, KeyCode::Enter);
    assert!(
        pressed.elapsed() < Duration::from_millis(4500),
        "{:?}",
        pressed.elapsed()
    );
    // The status line says it short, within 80 columns; the message log whole.
    let said = anna.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert_eq!(
        said,
        "NO DESAT: el magatzem està bloquejat per marta; torneu-ho a provar més tard"
    );
    assert!(said.chars().count() <= 80, "{said}");
    let logged: Vec<String> = anna.messages.newest_first().map(|m| m.text.clone()).collect();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(
        logged[0].starts_with(
            "NO DESAT: el magatzem compartit està ocupat: marta (psql) en té el bloqueig d'escriptura"
        ),
        "{logged:?}"
    );
    assert!(logged[0].contains("(procés "), "{logged:?}");
    let shown = common::screen(&anna, 80, 24);
    assert!(
        shown.lines().last().unwrap().contains("bloquejat per marta"),
        "{shown}"
    );
    assert!(anna.popup.is_some(), "the form stays open");
    drop(marta);
    press(&mut anna, KeyCode::Enter);
    let said = anna.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.starts_with("Desat"), "{said}");
}

/// `cmd` run to its end, or killed after `at_most`: its output, and how long it took.
fn bounded(mut cmd: Command, at_most: Duration) -> (Option<Output>, Duration) {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    while started.elapsed() < at_most {
        if child.try_wait().unwrap().is_some() {
            return (Some(child.wait_with_output().unwrap()), started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    let _ = child.wait();
    (None, started.elapsed())
}

#[test]
fn a_command_waits_for_the_writers_lock_so_long_then_names_who_holds_it() {
    let Some(db) = noguera() else { return };
    let home = tempfile::tempdir().unwrap();
    let add = [
        "cert",
        "add",
        "--municipality",
        "Tiurana",
        "--holder",
        "Maria Puig",
        "--role",
        "mayor",
        "--type",
        "tcat",
    ];
    for (holder, by_entry) in [("marta", true), ("marta", false), ("anna", false)] {
        let held = Psql::holding(&db, holder, by_entry);
        let mut cmd = command(home.path(), &db.url("anna"), &add);
        cmd.env("OCSAE_LOCK_WAIT", "2");
        let (out, took) = bounded(cmd, Duration::from_secs(20));
        let out = out.unwrap_or_else(|| panic!("cert add still waited after {took:?}"));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
        assert!(took >= Duration::from_secs(2), "it waited {took:?}");
        let said = text(&out.stderr);
        assert!(
            said.contains(&format!("the shared store is busy: {holder} (psql")),
            "{said}"
        );
        assert!(said.contains("(process "), "{said}");
        // Since when, and doing what, only for one's own session.
        assert_eq!(
            said.contains("in an open transaction doing nothing"),
            holder == "anna",
            "{said}"
        );
        drop(held);
    }
    // Once released, the same command saves.
    ok(ocsae(home.path(), &db.url("anna"), &add));
}

fn count(db: &pg::Db, role: &str, query: &str) -> i64 {
    db.sql(role).query_one(query, &[]).unwrap().get(0)
}

#[test]
fn a_backup_whose_office_list_widens_what_a_role_reads_is_refused_unless_accepted() {
    let Some(db) = common::offices::two_offices() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let (file, crafted) = (home.path().join("admin.json"), home.path().join("crafted.json"));
    ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        &["backup", file.to_str().unwrap()],
    ));
    // The same backup, its office list giving the technicians' group the Priorat.
    let mut dump: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    dump["sharing"]["offices"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"comarca": "Priorat", "role": "ocsae_tech"}));
    std::fs::write(&crafted, serde_json::to_vec(&dump).unwrap()).unwrap();
    let priorat = "SELECT count(*) FROM ocsae.municipality WHERE comarca = 'Priorat'";
    assert_eq!(count(&db, "anna", priorat), 0);

    let out = ocsae(
        home.path(),
        &db.url(ADMIN),
        &["restore", "--force", crafted.to_str().unwrap()],
    );
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}{said}", text(&out.stdout));
    assert!(said.contains("would let these roles read"), "{said}");
    assert!(said.contains("Priorat: ocsae_tech"), "{said}");
    assert!(
        !said.contains("Noguera: ocsae_noguera"),
        "only what widens is named: {said}"
    );
    assert!(said.contains("--accept-offices"), "{said}");
    assert_eq!(count(&db, "anna", priorat), 0, "nothing was written");
    assert_eq!(count(&db, ADMIN, "SELECT count(*) FROM ocsae.office"), 2);

    // The store's own backup widens nothing: restored as before.
    let out = ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        &["restore", "--force", file.to_str().unwrap()],
    ));
    assert!(!out.contains("Offices the backup adds"), "{out}");

    // Agreed to, it is done, and said.
    let out = ok(ocsae(
        home.path(),
        &db.url(ADMIN),
        &[
            "restore",
            "--force",
            "--accept-offices",
            crafted.to_str().unwrap(),
        ],
    ));
    assert!(
        out.contains(
            "Offices the backup adds (these roles now read those comarques' rows): Priorat: ocsae_tech"
        ),
        "{out}"
    );
    assert!(count(&db, "anna", priorat) > 0);
}
