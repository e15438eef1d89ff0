//! The command line in the interface language: clap's usage errors and help,
//! the system's and the parsers' errors, and the exit statuses (2 for a
//! command line that names nothing, 1 for a refusal); loose comarca and
//! council names; the holiday years; the report's fitxes never sent.

mod common;

use common::cli::text;
use common::pty::binary;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-12-05T12:00:00+01:00";

/// `ocsae --lang LANG ARGS` on the store `db`, with no user configuration.
fn run(db: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(binary())
        .arg("--db")
        .arg(db)
        .args(["--lang", lang])
        .args(args)
        .env("XDG_CONFIG_HOME", db.with_extension("no-config"))
        .env("OCSAE_NOW", NOW)
        .output()
        .unwrap()
}

fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let out = run(&db, "en", &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (dir, db)
}

#[test]
fn usage_errors_are_said_in_each_language_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let cases: [(&[&str], [&str; 3]); 5] = [
        (
            &["--bogus"],
            [
                "argument desconegut «--bogus»",
                "argumento desconocido «--bogus»",
                "unknown argument \"--bogus\"",
            ],
        ),
        (
            &["export", "municipalities", "--output"],
            [
                "--output <FILE> necessita un valor",
                "--output <FILE> necesita un valor",
                "--output <FILE> needs a value",
            ],
        ),
        (
            &["export", "municipalities", "--format", "xml"],
            [
                "valor no vàlid «xml» per a --format <FORMAT>; valors possibles: json, csv",
                "valor no válido «xml» para --format <FORMAT>; valores posibles: json, csv",
                "invalid value \"xml\" for --format <FORMAT>; possible values: json, csv",
            ],
        ),
        (
            &["expor"],
            [
                "ordre desconeguda «expor»; potser volíeu dir «export»",
                "orden desconocida «expor»; quizá quería decir «export»",
                "unknown command \"expor\"; did you mean \"export\"?",
            ],
        ),
        (
            &["export"],
            [
                "falten arguments obligatoris: <municipalities|rollout|certificates|activity>",
                "faltan argumentos obligatorios: <municipalities|rollout|certificates|activity>",
                "required arguments missing: <municipalities|rollout|certificates|activity>",
            ],
        ),
    ];
    let usage = ["Ús: ocsae", "Uso: ocsae", "Usage: ocsae"];
    let more = [
        "Per a més informació, proveu «--help».",
        "Para más información, pruebe «--help».",
        "For more information, try \"--help\".",
    ];
    for (args, expected) in cases {
        for (i, lang) in ["ca", "es", "en"].into_iter().enumerate() {
            let out = run(&db, lang, args);
            assert_eq!(out.status.code(), Some(2), "{lang} {args:?}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.starts_with(&format!("ocsae: {}\n", expected[i])),
                "{lang}: {stderr}"
            );
            assert!(stderr.contains(more[i]), "{lang}: {stderr}");
            // Clap gives the usage with these; with a bad value, the value is enough.
            if matches!(args, ["--bogus"] | ["expor"] | ["export"]) {
                assert!(stderr.contains(usage[i]), "{lang}: {stderr}");
            }
            assert!(!stderr.contains("error:") && !stderr.contains("Usage:") || lang == "en");
        }
    }
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn the_language_of_an_error_comes_from_lang_the_configuration_or_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "language = \"es\"\n").unwrap();
    let out = Command::new(binary())
        .args(["--config", config.to_str().unwrap(), "--bogus"])
        .env("LANG", "en_GB.UTF-8")
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).starts_with("ocsae: argumento desconocido"),
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(binary())
        .arg("--bogus")
        .env("XDG_CONFIG_HOME", dir.path().join("none"))
        .env("LC_ALL", "en_GB.UTF-8")
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).starts_with("ocsae: unknown argument"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_is_in_each_language_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    for (lang, words) in [
        (
            "ca",
            [
                "Ús: ocsae [OPCIONS] [ORDRE]",
                "Ordres:",
                "Opcions:",
                "Restaura una còpia",
            ],
        ),
        (
            "es",
            [
                "Uso: ocsae [OPCIONES] [ORDEN]",
                "Órdenes:",
                "Opciones:",
                "Restaura una copia",
            ],
        ),
        (
            "en",
            [
                "Usage: ocsae [OPTIONS] [COMMAND]",
                "Commands:",
                "Options:",
                "Restore a backup",
            ],
        ),
    ] {
        let out = run(&db, lang, &["--help"]);
        assert_eq!(out.status.code(), Some(0));
        let stdout = text(&out.stdout);
        for w in words {
            assert!(stdout.contains(w), "{lang} {w}: {stdout}");
        }
        assert!(out.stderr.is_empty());
    }
    let out = run(&db, "ca", &["cert", "add", "--help"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--urgent") && stdout.contains("48 hores hàbils"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("[possible values") && !stdout.contains("[default"),
        "{stdout}"
    );
}

#[test]
fn refusals_exit_1_and_usage_errors_2() {
    let dir = tempfile::tempdir().unwrap();
    // No store: a refusal.
    let out = run(&dir.path().join("none"), "en", &["export", "municipalities"]);
    assert_eq!(out.status.code(), Some(1));
    let (_dir, db) = seeded();
    let add = |args: &[&str]| {
        let mut all = vec!["cert", "add", "--holder", "A", "--type", "tcat"];
        all.extend_from_slice(args);
        run(&db, "en", &all)
    };
    // A value that names nothing: usage.
    assert_eq!(
        add(&["--municipality", "Tiurana", "--role", "alcalde"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        add(&["--municipality", "Nowhere", "--role", "mayor"])
            .status
            .code(),
        Some(2)
    );
    // A rule the request breaks: a refusal.
    let out = add(&["--municipality", "Tiurana", "--role", "treasurer", "--urgent"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // Two arguments that do not go together.
    assert_eq!(run(&db, "en", &["--read-only", "init"]).status.code(), Some(2));
}

#[test]
fn unreadable_backups_are_said_naming_the_file_and_what_is_wrong() {
    let (dir, db) = seeded();
    let fresh = |name: &str| dir.path().join(name);
    let missing = dir.path().join("nowhere.json");
    for (lang, words) in [
        ("ca", "nowhere.json: no existeix"),
        ("es", "nowhere.json: no existe"),
        ("en", "nowhere.json: no such file"),
    ] {
        let out = run(&fresh("r1"), lang, &["restore", missing.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(words), "{lang}: {stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, "{\n").unwrap();
    let out = run(&fresh("r2"), "ca", &["restore", cut.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cut.json: el fitxer s'acaba abans d'hora (línia 2)"),
        "{stderr}"
    );
    assert!(!stderr.contains("EOF while parsing"), "{stderr}");
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let out = run(&fresh("r3"), "es", &["restore", empty.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("empty.json: falta el campo «format» (línea 1, columna 2)"),
        "{stderr}"
    );
    assert!(!stderr.contains("missing field"), "{stderr}");
    // A backup ocsae never wrote: the detail in the interface language.
    let backup = dir.path().join("backup.json");
    assert!(
        run(&db, "en", &["backup", backup.to_str().unwrap()])
            .status
            .success()
    );
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    json["municipalities"][1]["ine"] = json["municipalities"][0]["ine"].clone();
    let twice = dir.path().join("twice.json");
    std::fs::write(&twice, serde_json::to_vec(&json).unwrap()).unwrap();
    let out = run(&fresh("r4"), "ca", &["restore", twice.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("el municipi 250024 hi surt dues vegades"),
        "{stderr}"
    );
    // An import of a file that is not there.
    let out = run(&db, "es", &["import", "contacts", missing.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("nowhere.json: no existe"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_configuration_mistake_is_said_in_the_interface_language() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "language = \"ca\"\nthreshhold = 3\n").unwrap();
    let out = Command::new(binary())
        .args([
            "--config",
            config.to_str().unwrap(),
            "--lang",
            "ca",
            "export",
            "municipalities",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("config.toml, línia 2: camp desconegut «threshhold»"),
        "{stderr}"
    );
    std::fs::write(&config, "[keys.global]\nfly = [\"x\"]\n").unwrap();
    let out = Command::new(binary())
        .args([
            "--config",
            config.to_str().unwrap(),
            "--lang",
            "es",
            "export",
            "municipalities",
        ])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("keys.global.fly: acción desconocida"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn init_takes_a_unique_start_of_a_comarca_or_a_typo() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("a"), "ca", &["init", "--comarca", "noguer"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("amb 30 municipis (Noguera)."),
        "{}",
        text(&out.stdout)
    );
    let out = run(&dir.path().join("b"), "en", &["init", "--comarca", "priorta"]);
    assert!(
        text(&out.stdout).contains("with 23 councils (Priorat)."),
        "{}",
        text(&out.stdout)
    );
    let out = run(&dir.path().join("c"), "en", &["init", "--comarca", "pla"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("\"pla\" could be several comarques: Pla d'Urgell, Pla de l'Estany"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("c").exists());
}

#[test]
fn an_unknown_council_is_answered_with_the_closest_names_or_codes() {
    let (_dir, db) = seeded();
    let add = |who: &str| {
        run(
            &db,
            "en",
            &[
                "cert",
                "add",
                "--municipality",
                who,
                "--holder",
                "A",
                "--role",
                "mayor",
                "--type",
                "tcat",
            ],
        )
    };
    let out = add("tiurna");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown council \"tiurna\"; the closest: Tiurana,"),
        "{stderr}"
    );
    let out = add("252229");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown council \"252229\"; the closest: Tiurana (252228),"),
        "{stderr}"
    );
}

#[test]
fn a_received_time_outside_the_holiday_years_warns() {
    let (_dir, db) = seeded();
    let add = |received: &str| {
        run(
            &db,
            "ca",
            &[
                "cert",
                "add",
                "--municipality",
                "Tiurana",
                "--holder",
                "A",
                "--role",
                "mayor",
                "--type",
                "tcat",
                "--received",
                received,
            ],
        )
    };
    let out = add("2024-12-20T10:00");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .contains("avís: els festius del 2024 no es coneixen (el fitxer de festius va del 2025 al 2027)"),
        "{stderr}"
    );
    let out = add("2026-12-04T10:00");
    assert!(!text(&out.stderr).contains("festius"), "{}", text(&out.stderr));
}

#[test]
fn the_report_lists_the_councils_that_never_sent_their_fitxa() {
    let (_dir, db) = seeded();
    let out = run(&db, "en", &["report"]);
    let report = text(&out.stdout);
    let section = report.split("Subscriber forms to renew").nth(1).unwrap();
    assert!(
        section.contains("Never sent (30 councils): Àger, Albesa,"),
        "{report}"
    );
    assert!(
        !section.trim_start_matches(|c| c != '\n').starts_with("\n  None."),
        "{report}"
    );
}

#[test]
fn a_bad_start_tab_is_refused_with_the_values_it_takes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "start_tab = \"avui\"\n").unwrap();
    for (lang, says) in [
        (
            "ca",
            "config.toml, línia 1: valor desconegut «avui»; els valors vàlids: today, municipalities, rollout, certificates, activity",
        ),
        (
            "en",
            "unknown value \"avui\"; valid values: today, municipalities, rollout, certificates, activity",
        ),
    ] {
        let out = Command::new(binary())
            .args([
                "--config",
                config.to_str().unwrap(),
                "--lang",
                lang,
                "export",
                "municipalities",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
}
