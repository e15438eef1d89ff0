//! A shared store's location on the command line: a password in it never shows,
//! a database that is not there is named as such, and `migrate` only reads the
//! sled store it copies.

mod common;

use common::cli::text;
use common::pg::{self, ADMIN};
use common::pty::binary;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-26T10:00:00+01:00";

/// `ocsae --store STORE --lang en ARGS` with `home` as its configuration, data
/// and state directories, as `user` (None: this process's).
fn ocsae_as(user: Option<&str>, home: &Path, store: &str, args: &[&str]) -> Output {
    let mut c = match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(binary());
            c
        }
        None => Command::new(binary()),
    };
    c.args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", NOW)
        .env_remove("PGPASSWORD");
    c.output().unwrap()
}

fn says(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_password_in_the_location_never_shows_and_a_missing_database_is_named() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let socket = cluster.socket_dir();
    let socket = socket.display();
    for store in [
        format!("postgresql://anna:s3cret@/no_such_db?host={socket}"),
        format!("postgresql://anna@/no_such_db?host={socket}&password=s3cret"),
        format!("host={socket} dbname=no_such_db user=anna password=s3cret"),
        // Spaces around `=` and quotes, as the driver takes them.
        format!("host={socket} dbname=no_such_db user=anna password = s3cret"),
        format!("host={socket} dbname=no_such_db user=anna password= s3cret"),
        format!("host={socket} dbname=no_such_db user=anna password =s3cret"),
        format!("password = 's3 c\\'ret' host={socket} dbname=no_such_db user=anna"),
    ] {
        for args in [&["report"][..], &["init"], &["export", "certificates"]] {
            let out = ocsae_as(None, home.path(), &store, args);
            let said = says(&out);
            assert!(!out.status.success(), "{store} {args:?}: {said}");
            assert!(!said.contains("s3cret"), "{store} {args:?}: {said}");
            let warning = "a password on the command line shows to every user of this machine";
            assert_eq!(said.matches(warning).count(), 1, "{store} {args:?}: {said}");
            assert!(
                said.contains("the database no_such_db does not exist")
                    && said.contains("createdb no_such_db")
                    && said.contains("ocsae init --store"),
                "{store} {args:?}: {said}"
            );
            assert!(!said.contains("does not allow this user"), "{said}");
        }
    }
    // Without a password in it, nothing to warn of.
    let out = ocsae_as(
        None,
        home.path(),
        &format!("postgresql://anna@/no_such_db?host={socket}"),
        &["report"],
    );
    assert!(
        !says(&out).contains("a password on the command line"),
        "{}",
        says(&out)
    );
    // Nor in the log.
    let log = std::fs::read_to_string(home.path().join("state/ocsae/ocsae.log")).unwrap_or_default();
    assert!(!log.contains("s3cret"), "{log}");
}

/// Every file under `dir` with its bytes, to see that nothing changed.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// `dir` and everything under it.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        match entry.path().is_dir() {
            true => out.extend(walk(&entry.path())),
            false => out.push(entry.path()),
        }
    }
    out
}

fn chmod_tree(dir: &Path, write: bool) {
    for path in walk(dir) {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        let mode = match write {
            true => mode | 0o200,
            false => mode & !0o222,
        };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn migrate_reads_a_sled_store_it_may_not_write_to() {
    let Some(cluster) = pg::cluster() else { return };
    // SAFETY: geteuid only reads the process's user.
    let root = unsafe { libc::geteuid() } == 0;
    // Root may write anywhere: the copy is then run as nobody, who owns nothing here.
    let user = root.then_some("nobody");
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = base.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let source = base.path().join("sled");
    let sled = format!("sled:{}", source.display());
    let made = ocsae_as(None, &home, &sled, &["init"]);
    assert!(made.status.success(), "{}", says(&made));
    let filed = ocsae_as(
        None,
        &home,
        &sled,
        &[
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
        ],
    );
    assert!(filed.status.success(), "{}", says(&filed));
    if root {
        // Readable by nobody (sled keeps its files private to their owner).
        Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&source)
            .status()
            .unwrap();
        Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&home)
            .status()
            .unwrap();
    }
    chmod_tree(&source, false);
    let before = contents(&source);
    let db = cluster.database();
    let out = ocsae_as(
        user,
        &home,
        &db.url(ADMIN),
        &["migrate", "--from", &sled, "--to", &db.url(ADMIN)],
    );
    chmod_tree(&source, true);
    assert!(out.status.success(), "{}", says(&out));
    assert_eq!(contents(&source), before, "the source was written to");
    let holders: i64 = db
        .sql(ADMIN)
        .query_one(
            "SELECT count(*) FROM ocsae.certificate WHERE record->>'holder' = 'Maria Puig'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(holders, 1);
}
