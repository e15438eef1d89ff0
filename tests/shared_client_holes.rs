//! What a technician with `psql`, or a crafted file, could do to the commands on
//! a shared store: a writers' lock held by hand names its holder and never
//! hangs a command; a backup's office list never widens what a role sees
//! without the administrator saying so; a refused restore leaves no schema
//! behind; `migrate` never follows a link planted in a sled store.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-26T10:00:00+01:00";
/// The lock every writer takes from numbering its change to committing it.
const WRITE_LOCK: i64 = 0x6f63_7361_6502;

/// `ocsae --store LOCATION --lang en ARGS`, with no configuration, at `NOW`.
fn command(home: &Path, store: &str, args: &[&str]) -> Command {
    let mut c = Command::new(binary());
    c.args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", NOW)
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
    let out = ocsae(
        home.path(),
        &db.url(ADMIN),
        &["restore", file.to_str().unwrap()],
    );
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
    let (from, to) = (format!("sled:{}", from.display()), format!("sled:{}", to.display()));
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
            "cert", "add", "--municipality", "Tiurana", "--holder", "Secret Holder", "--role", "mayor",
            "--type", "tcat",
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
        assert!(!out.status.success(), "{} was followed: {}", link.display(), text(&out.stdout));
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
