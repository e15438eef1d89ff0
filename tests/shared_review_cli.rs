//! What `migrate`, `restore` and `backup` say to a technician of a shared
//! store: a source they may not read, a database without the store, a target
//! with data, and what a backup and a restore hold.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use ocsae::store::seed::{Scope, seed};
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, SharedSettings};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-26T10:00:00+01:00";

/// `ocsae --lang en ARGS` with `home` as its configuration, data and state
/// directories, as `user` (None: this process's).
fn ocsae_as(user: Option<&str>, home: &Path, args: &[&str]) -> Output {
    let mut c = match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(binary());
            c
        }
        None => Command::new(binary()),
    };
    c.args(["--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", NOW)
        .env_remove("PGPASSWORD");
    c.output().unwrap()
}

fn ocsae(home: &Path, args: &[&str]) -> Output {
    ocsae_as(None, home, args)
}

fn says(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", says(&out));
    text(&out.stdout)
}

/// A sled store with the Noguera and a backup of it; the store's location.
fn sled_store(home: &Path) -> String {
    let sled = format!("sled:{}", home.join("sled").display());
    ok(ocsae(home, &["--store", &sled, "init"]));
    sled
}

#[test]
fn migrate_from_a_store_it_may_not_read_says_so_naming_the_path() {
    // SAFETY: geteuid only reads the process's user.
    let root = unsafe { libc::geteuid() } == 0;
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = base.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let sled = sled_store(&home);
    let dir = home.join("sled");
    // Another user's private store: root may read anything, so nobody tries;
    // a user is kept out of their own directory by its mode.
    let user = match root {
        true => {
            let mine = base.path().join("nobody");
            std::fs::create_dir(&mine).unwrap();
            Command::new("chown").arg("nobody").arg(&mine).status().unwrap();
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
            Some(mine)
        }
        false => {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
            None
        }
    };
    let their_home = user.as_deref().unwrap_or(&home);
    let to = format!("sled:{}", their_home.join("copy").display());
    let out = ocsae_as(
        root.then_some("nobody"),
        their_home,
        &["migrate", "--from", &sled, "--to", &to],
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let said = says(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!("{}: permission denied", dir.display())),
        "{said}"
    );
    assert!(!said.contains("there is no store"), "{said}");
}

#[test]
fn a_technicians_restore_or_migrate_into_a_database_without_the_store_says_who_can_do_it() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let sled = sled_store(home.path());
    let file = home.path().join("anna.json");
    ok(ocsae(
        home.path(),
        &["--store", &sled, "backup", file.to_str().unwrap()],
    ));
    let db = cluster.database();
    let restore = ["restore", file.to_str().unwrap()];
    for args in [
        &["--store", &db.url("anna"), restore[0], restore[1]][..],
        &["migrate", "--from", &sled, "--to", &db.url("anna")],
    ] {
        let out = ocsae(home.path(), args);
        let said = says(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(
            said.contains("this user cannot create it («ocsae init» would not help"),
            "{said}"
        );
        assert!(
            said.contains("the database's owner runs this same command"),
            "{said}"
        );
        assert!(!said.contains("ocsae init --store"), "{said}");
    }
    // What it advises works: the same restore by the database's owner.
    let out = ok(ocsae(
        home.path(),
        &["--store", &db.url(ADMIN), restore[0], restore[1]],
    ));
    assert!(out.contains("30 councils"), "{out}");
    // Over the store now there, a technician's restore is told the same: not
    // the server's words for the table it may not empty.
    let out = ocsae(
        home.path(),
        &["--store", &db.url("anna"), restore[0], "--force", restore[1]],
    );
    let said = says(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("only the owner of the ocsae schema may restore"),
        "{said}"
    );
    // Named as the owner is, not as a guess.
    assert!(said.contains(&format!("sudo -u {ADMIN} ocsae")), "{said}");
    assert!(!said.contains("permission denied"), "{said}");
}

#[test]
fn a_lock_wait_the_shared_store_cannot_use_is_refused_naming_it() {
    let home = tempfile::tempdir().unwrap();
    // Refused before anything is opened: no server needed to say so.
    let db = "postgresql:///ocsae?host=/nonexistent";
    for value in ["0", "86401", "abc", ""] {
        let mut c = Command::new(binary());
        c.args(["--lang", "en", "--store", db, "export", "rollout"])
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("OCSAE_SYSTEM_CONFIG", home.path().join("no-system.toml"))
            .env("OCSAE_LOCK_WAIT", value);
        let out = c.output().unwrap();
        let said = says(&out);
        assert_eq!(out.status.code(), Some(1), "{value}: {said}");
        assert!(
            said.contains(&format!("OCSAE_LOCK_WAIT={value}: it must be a whole number")),
            "{said}"
        );
    }
    // A sled store does not use it.
    let sled = format!("sled:{}", home.path().join("sled").display());
    let out = Command::new(binary())
        .args(["--lang", "en", "--store", &sled, "init"])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("OCSAE_SYSTEM_CONFIG", home.path().join("no-system.toml"))
        .env("OCSAE_LOCK_WAIT", "abc")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", says(&out));
}

#[test]
fn migrate_into_a_store_with_data_takes_the_force_it_suggests_and_its_usage_is_its_own() {
    let home = tempfile::tempdir().unwrap();
    let sled = sled_store(home.path());
    let to = format!("sled:{}", home.path().join("other").display());
    ok(ocsae(
        home.path(),
        &["--store", &to, "init", "--comarca", "Priorat"],
    ));
    let out = ocsae(home.path(), &["migrate", "--from", &sled, "--to", &to]);
    let said = says(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("--force"), "{said}");
    let out = ok(ocsae(
        home.path(),
        &["migrate", "--from", &sled, "--to", &to, "--force"],
    ));
    assert!(out.contains("30 councils"), "{out}");
    // A mistyped argument: the usage is migrate's, not one with the suggestion in it.
    let out = ocsae(home.path(), &["migrate", "--from", &sled, "--to", &to, "--forc"]);
    let said = says(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("Usage: ocsae migrate [OPTIONS] --from <LOCATION> --to <LOCATION>\n"),
        "{said}"
    );
}

#[test]
fn a_backup_counts_the_support_log_and_a_restore_lists_only_the_comarques_with_something() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let db = cluster.database();
    let admin = ocsae::store::open(&db.location(ADMIN)).unwrap();
    seed(admin.as_ref(), &Scope::All, common::at(common::NOW)).unwrap();
    admin
        .share_settings(&SharedSettings {
            local_holidays: Vec::new(),
            multi_office: true,
        })
        .unwrap();
    let request = ocsae::domain::certificate::CertificateRequest::received(
        NEW_ID,
        ocsae::domain::municipality::IneCode(252228),
        "Maria Puig",
        ocsae::domain::certificate::HolderRole::Mayor,
        "tcat",
        common::at("2026-11-26T08:00:00Z"),
    );
    admin
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![Edit::create(Record::Certificate(request))],
            ),
            common::at(common::NOW),
        )
        .unwrap();
    drop(admin);
    let file = home.path().join("all.json");
    let out = ok(ocsae(
        home.path(),
        &["--store", &db.url(ADMIN), "backup", file.to_str().unwrap()],
    ));
    assert!(
        out.contains(": 947 councils, 1 request, 0 activities, 2 history entries."),
        "{out}"
    );
    let copy = cluster.database();
    let out = ok(ocsae(
        home.path(),
        &["--store", &copy.url(ADMIN), "restore", file.to_str().unwrap()],
    ));
    assert!(
        out.contains("By comarca:\n  Noguera: 30 councils, 1 request, 0 activities\n  with no requests or activities: 42 comarques, 917 councils\n"),
        "{out}"
    );
    assert!(!out.contains("Priorat"), "{out}");
}
