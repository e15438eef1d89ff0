//! Where the store is, as the command line, the environment and the two config
//! files say: `--store`, then `--db`, then `OCSAE_STORE`, then `store =` in the
//! config (the user's over the system's), then the user's data directory.

mod common;

use common::cli::text;
use common::pty::binary;
use std::path::Path;
use std::process::{Command, Output};

/// ocsae with a home of its own, no system config unless `system` is written.
fn ocsae(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(binary())
        .args(["--lang", "en"])
        .args(args)
        .env_remove("OCSAE_STORE")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("system.toml"))
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// Which directory `init` created its store in, from its message.
fn created_in(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    said.split(" at ")
        .nth(1)
        .and_then(|rest| rest.split(" with ").next())
        .unwrap_or_else(|| panic!("{said}"))
        .to_string()
}

fn user_config(home: &Path, text: &str) {
    std::fs::create_dir_all(home.join("config/ocsae")).unwrap();
    std::fs::write(home.join("config/ocsae/config.toml"), text).unwrap();
}

#[test]
fn store_and_db_together_are_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = ocsae(home.path(), &["--store", "sled:a", "--db", "b", "init"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--store"), "{}", text(&out.stderr));
    assert!(!home.path().join("a").exists() && !home.path().join("b").exists());
}

#[test]
fn each_place_that_names_the_store_gives_way_to_the_one_before_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let dir = |name: &str| h.join(name).display().to_string();
    // Nothing said: the user's data directory.
    assert_eq!(created_in(&ocsae(h, &["init"], &[])), dir("data/ocsae"));
    // The system's config, then the user's over it.
    std::fs::write(
        h.join("system.toml"),
        format!("store = \"sled:{}\"\n", dir("system")),
    )
    .unwrap();
    assert_eq!(created_in(&ocsae(h, &["init"], &[])), dir("system"));
    user_config(h, &format!("store = \"{}\"\n", dir("user")));
    assert_eq!(created_in(&ocsae(h, &["init"], &[])), dir("user"));
    // The environment over the config, --db over that, --store over all.
    let env = format!("sled:{}", dir("env"));
    assert_eq!(
        created_in(&ocsae(h, &["init"], &[("OCSAE_STORE", &env)])),
        dir("env")
    );
    let db = dir("db");
    assert_eq!(
        created_in(&ocsae(h, &["--db", &db, "init"], &[("OCSAE_STORE", &env)])),
        db
    );
    let store = format!("sled:{}", dir("store"));
    assert_eq!(
        created_in(&ocsae(h, &["init", "--store", &store], &[("OCSAE_STORE", &env)])),
        dir("store")
    );
}

#[test]
fn the_system_config_is_read_first_and_the_users_goes_over_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join("system.toml"),
        "comarca = \"Priorat\"\nlanguage = \"es\"\n",
    )
    .unwrap();
    let out = ocsae(h, &["--db", &h.join("s").display().to_string(), "init"], &[]);
    // The system's comarca; the language given on the command line wins over its `es`.
    assert!(
        text(&out.stdout).contains("with 23 councils"),
        "{}",
        text(&out.stdout)
    );
    user_config(h, "comarca = \"Noguera\"\n");
    let out = ocsae(h, &["--db", &h.join("u").display().to_string(), "init"], &[]);
    assert!(
        text(&out.stdout).contains("with 30 councils"),
        "{}",
        text(&out.stdout)
    );
    // A mistake in the system's file is named with it, and stops everything.
    std::fs::write(h.join("system.toml"), "multi_office = 3\n").unwrap();
    let out = ocsae(h, &["--db", &h.join("x").display().to_string(), "init"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("system.toml"), "{}", text(&out.stderr));
    assert!(!h.join("x").exists());
}

#[test]
fn migrate_between_two_sled_stores_keeps_every_export() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let a = format!("sled:{}", h.join("a").display());
    let b = format!("sled:{}", h.join("b").display());
    assert!(ocsae(h, &["--store", &a, "init"], &[]).status.success());
    let filed = ocsae(
        h,
        &[
            "--store",
            &a,
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
        &[],
    );
    assert!(filed.status.success(), "{}", text(&filed.stderr));
    let out = ocsae(h, &["migrate", "--from", &a, "--to", &b], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("30 councils, 1 request, 0 activities and 2 history entries"),
        "{}",
        text(&out.stdout)
    );
    for what in ["municipalities", "rollout", "certificates", "activity"] {
        let export = |store: &str| text(&ocsae(h, &["--store", store, "export", what], &[]).stdout);
        assert_eq!(export(&a), export(&b), "{what}");
    }
    // The source must be there; nothing is created for it.
    let missing = format!("sled:{}", h.join("missing").display());
    let out = ocsae(h, &["migrate", "--from", &missing, "--to", &b], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!h.join("missing").exists());
}
