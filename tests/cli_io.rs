//! Imports and exports from the command line.

mod common;

use common::cli::{ocsae_at, text};
use std::path::Path;
use std::process::Output;

fn ocsae(db: &Path, args: &[&str]) -> Output {
    // The day after the worked example's Friday, so its times are in the past.
    ocsae_at(db, args, "2026-12-05T12:00:00+01:00")
}

fn export_json(db: &Path) -> serde_json::Value {
    let out = ocsae(db, &["export", "municipalities", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ocsae(&dir.path().join("db"), &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!(
            "Store created at {} with 30 councils (Noguera).",
            dir.path().join("db").display()
        )
    );
    dir
}

#[test]
fn the_export_has_every_field() {
    let dir = seeded();
    let json = export_json(&dir.path().join("db"));
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), 30);
    let tiurana = all.iter().find(|m| m["name"] == "Tiurana").unwrap();
    assert_eq!(
        *tiurana,
        serde_json::json!({
            "ine_code": "252228",
            "name": "Tiurana",
            "comarca": "Noguera",
            "population": 69,
            "population_year": 2025,
            "contacts": [],
            "notes": "",
            "subscriber_form_sent_on": null,
            "created_by": whoami::username().unwrap(),
            "updated_by": whoami::username().unwrap()
        })
    );
    let ager = all.iter().find(|m| m["name"] == "Àger").unwrap();
    assert_eq!(
        ager["ine_code"], "250024",
        "codes keep their leading zeros as strings"
    );
}

#[test]
fn contacts_import_adds_and_replaces_then_exports() {
    let dir = seeded();
    let db = dir.path().join("db");
    let csv = dir.path().join("contacts.csv");
    std::fs::write(
        &csv,
        "ine_code,role,name,phone,email\n\
         252228,mayor,Joan Solé,973 45 00 00,alcaldia@tiurana.cat\n\
         252228,service_manager,Anna Puig,,anna@tiurana.cat\n\
         250024,secretary,Marta Vidal,973 45 00 01,\n\
         252228,mayor,Joan Solé,973 99 99 99,alcaldia@tiurana.cat\n",
    )
    .unwrap();
    let out = ocsae(&db, &["import", "contacts", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Rows imported: 4; records changed: 2.");
    let json = export_json(&db);
    let tiurana = json
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["ine_code"] == "252228")
        .unwrap();
    assert_eq!(
        tiurana["contacts"],
        serde_json::json!([
            {"role": "mayor", "name": "Joan Solé", "phone": "973 99 99 99", "email": "alcaldia@tiurana.cat"},
            {"role": "service_manager", "name": "Anna Puig", "phone": "", "email": "anna@tiurana.cat"}
        ])
    );

    let file = dir.path().join("m.csv");
    let out = ocsae(
        &db,
        &[
            "export",
            "municipalities",
            "--format",
            "csv",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let csv_out = text(&std::fs::read(&file).unwrap());
    assert!(csv_out.starts_with(
        "\u{FEFF}ine_code,name,comarca,population,population_year,contacts,notes,subscriber_form_sent_on,created_by,updated_by\n"
    ));
    assert!(csv_out.contains("252228,Tiurana,Noguera,69,2025,"), "{csv_out}");
}

#[test]
fn a_bad_row_names_its_line_and_changes_nothing() {
    let dir = seeded();
    let db = dir.path().join("db");
    let before = export_json(&db);
    let cases = [
        (
            "ine_code,role,name\n252228,mayor,Joan\n999999,mayor,Pere\n",
            "line 3: no council has the INE code \"999999\" in the store",
        ),
        (
            "ine_code,role,name\n252228,alcalde,Joan\n",
            "line 2: unknown role \"alcalde\"",
        ),
        (
            "ine_code,role,name\n252228,mayor,Joan\n252228,mayor,  \n",
            "line 3: the field \"name\" is empty",
        ),
        (
            "ine_code,role,name\n252228,mayor\n",
            "line 2: the column \"name\" is missing",
        ),
        (
            "ine_code,name\n252228,Joan\n",
            "the header lacks the columns: role",
        ),
        (
            "ine_code,role,name,phone,email\n252228,mayor,Joan,,not-an-email\n",
            "line 2: the e-mail \"not-an-email\" does not look like an address",
        ),
        (
            "ine_code,role,name,phone\n252228,mayor,Joan,973 00 00 00\n252228,other,Pere,ask at the desk\n",
            "line 3: the phone \"ask at the desk\" may only have digits, spaces, a leading + and an extension (ext. 12)",
        ),
        (
            &*format!("ine_code,role,name\n252228,mayor,{}\n", "x".repeat(121)),
            "line 2: \"name\" is longer than 120 characters",
        ),
        (
            "ine_code,role,name\n252228,alcalde,Joan\n\n\n252228,mayor,\n",
            "line 2: unknown role \"alcalde\" (mayor, secretary, intervenor, treasurer, service_manager, data_certifier, other)",
        ),
        (
            "ine_code,role,name\n252228,mayor,Joan\n\n\n252228,mayor,\n",
            "line 5: the field \"name\" is empty",
        ),
        (
            // What a message quotes from the file never reaches the terminal raw.
            "ine_code,role,name\n252228,mayor\u{7}\u{1b}]0;pwned\u{7}\u{202e},Joan\n",
            "line 2: unknown role \"mayor]0;pwned\"",
        ),
    ];
    for (content, expected) in cases {
        let csv = dir.path().join("bad.csv");
        std::fs::write(&csv, content).unwrap();
        let out = ocsae(&db, &["import", "contacts", csv.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{content}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with(&format!("ocsae: {expected}")), "{stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
    assert_eq!(export_json(&db), before, "the store is unchanged");
}

#[test]
fn every_comarca_can_be_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocsae(&dir.path().join("priorat"), &["init", "--comarca", "Priorat"]);
    assert!(out.status.success());
    assert_eq!(
        export_json(&dir.path().join("priorat")).as_array().unwrap().len(),
        23
    );
    let out = ocsae(&dir.path().join("priorat"), &["init", "--comarca", "Priorat"]);
    assert_eq!(out.status.code(), Some(1), "a second init is refused");
    assert!(text(&out.stderr).contains("already holds data"));
}

#[test]
fn exporting_a_missing_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocsae(&dir.path().join("none"), &["export", "municipalities"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no store at"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("none").exists(), "nothing was created");
}

#[test]
fn the_rollout_export_has_every_pair_with_its_steps() {
    let dir = seeded();
    let db = dir.path().join("db");
    let out = ocsae(&db, &["export", "rollout"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = json.as_array().unwrap();
    assert_eq!(all.len(), 30 * 12, "pending pairs included");
    let first = &all[0];
    assert_eq!(first["ine_code"], "250024");
    assert_eq!(first["municipality"], "Àger");
    assert_eq!(first["service"], "e-tram");
    assert_eq!(first["status"], "pending");
    assert_eq!(first["notes"], "");
    assert_eq!(first["updated_at"], serde_json::Value::Null);
    assert_eq!(
        first["steps"][0],
        serde_json::json!({"name": "Sol·licitud d'alta signada i enviada", "done_at": null, "done_by": null})
    );
    let services: Vec<&str> = all[..12].iter().map(|r| r["service"].as_str().unwrap()).collect();
    assert_eq!(
        services,
        [
            "e-tram",
            "via-oberta",
            "eacat",
            "pscp",
            "e-fact",
            "e-notum",
            "eres",
            "cercador",
            "idec-local",
            "er-idcat",
            "seguretat",
            "e-tauler"
        ]
    );

    let out = ocsae(&db, &["export", "rollout", "--format", "csv"]);
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with(
            "\u{FEFF}ine_code,municipality,service,status,steps,notes,blocked_reason,updated_at,created_by,updated_by,source,retired\n"
        ),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 360);
}

fn cert_add(db: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["cert", "add"];
    args.extend_from_slice(extra);
    ocsae(db, &args)
}

#[test]
fn cert_add_prints_the_id_and_the_worked_example_deadlines() {
    let dir = seeded();
    let db = dir.path().join("db");
    let base = [
        "--municipality",
        "Tiurana",
        "--holder",
        "Maria Puig",
        "--role",
        "mayor",
        "--type",
        "tcat",
    ];
    let mut ordinary = base.to_vec();
    ordinary.extend(["--received", "2026-12-04T10:00"]);
    let out = cert_add(&db, &ordinary);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Request #1 saved; due 2026-12-15T00:00:00+01:00"
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: Warning: Tiurana has no valid subscriber form.",
        "a council without a valid fitxa is warned on stderr"
    );
    let mut urgent = base.to_vec();
    urgent[1] = "252228";
    urgent.extend(["--urgent", "--received", "2026-12-04T10:00:00+01:00"]);
    let out = cert_add(&db, &urgent);
    assert_eq!(
        text(&out.stdout).trim(),
        "Request #2 saved; due 2026-12-09T10:00:00+01:00"
    );

    let out = ocsae(&db, &["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json[1],
        serde_json::json!({
            "id": 2, "ine_code": "252228", "municipality": "Tiurana", "holder": "Maria Puig",
            "role": "mayor", "type": "tcat", "operation": "new", "urgent": true, "reason": "",
            "status": "received", "received_at": "2026-12-04T10:00:00+01:00", "filed_at": null,
            "issued_at": null, "delivered_at": null, "due_at": "2026-12-09T10:00:00+01:00",
            "expires_at": null, "notes": "", "status_reason": "",
            "created_by": whoami::username().unwrap(), "updated_by": whoami::username().unwrap(),
            "revokes_id": null, "revocation_reason": null, "appointment_checked_at": null,
            "appointment_checked_by": null, "appointment_found": null, "downloaded_at": null,
            "renews_id": null
        })
    );
    let out = ocsae(&db, &["export", "certificates", "--format", "csv"]);
    assert!(text(&out.stdout).starts_with(
        "\u{FEFF}id,ine_code,municipality,holder,role,type,operation,urgent,reason,status,received_at,filed_at,issued_at,delivered_at,due_at,expires_at,notes,status_reason,created_by,updated_by,revokes_id,revocation_reason,appointment_checked_at,appointment_checked_by,appointment_found,downloaded_at,renews_id\n"
    ));
}

#[test]
fn cert_add_refuses_bad_input_with_a_clear_message() {
    let dir = seeded();
    let db = dir.path().join("db");
    // What names nothing is a usage error (2); a broken rule is a refusal (1).
    let cases: [(&[&str], &str, i32); 6] = [
        (
            &[
                "--municipality",
                "Tiuranna",
                "--holder",
                "A",
                "--role",
                "mayor",
                "--type",
                "tcat",
            ],
            "unknown council \"Tiuranna\"; the closest: Tiurana",
            2,
        ),
        (
            &[
                "--municipality",
                "Tiurana",
                "--holder",
                "A",
                "--role",
                "alcalde",
                "--type",
                "tcat",
            ],
            "--role: unknown value \"alcalde\"",
            2,
        ),
        (
            &[
                "--municipality",
                "Tiurana",
                "--holder",
                "A",
                "--role",
                "mayor",
                "--type",
                "tcatx",
            ],
            "--type: unknown value \"tcatx\"",
            2,
        ),
        (
            &[
                "--municipality",
                "Tiurana",
                "--holder",
                "A",
                "--role",
                "mayor",
                "--type",
                "tcat",
                "--received",
                "ahir",
            ],
            "--received: invalid time \"ahir\"",
            2,
        ),
        (
            &[
                "--municipality",
                "Tiurana",
                "--holder",
                "A",
                "--role",
                "treasurer",
                "--type",
                "tcat",
                "--urgent",
            ],
            "anyone else needs a reason",
            1,
        ),
        (
            &[
                "--municipality",
                "Tiurana",
                "--holder",
                " ",
                "--role",
                "mayor",
                "--type",
                "tcat",
            ],
            "holder's name is missing",
            1,
        ),
    ];
    for (args, expected, code) in cases {
        let out = cert_add(&db, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "Tiurana",
            "--holder",
            "A",
            "--role",
            "treasurer",
            "--type",
            "tcat",
            "--urgent",
            "--reason",
            "caduca demà",
        ],
    );
    assert!(
        out.status.success(),
        "with a reason it is filed: {}",
        text(&out.stderr)
    );
    let out = ocsae(&db, &["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        1,
        "only the valid request was stored"
    );
}

#[test]
fn cert_add_finds_councils_as_the_quick_jump_does() {
    let dir = seeded();
    let db = dir.path().join("db");
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "meia",
            "--holder",
            "A",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&text(&ocsae(&db, &["export", "certificates"]).stdout)).unwrap();
    assert_eq!(json[0]["municipality"], "Vilanova de Meià");
    assert_eq!(
        json[0]["received_at"], "2026-12-05T12:00:00+01:00",
        "whole seconds"
    );
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "vilanova",
            "--holder",
            "A",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "which council is for the command line to say"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("could be several councils: Vilanova de l'Aguda, Vilanova de Meià"),
        "{stderr}"
    );
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "Tiurana",
            "--holder",
            "A",
            "--role",
            "mayor",
            "--type",
            "tcat",
            "--received",
            "2030-01-01T10:00",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a future time is refused");
}

#[test]
fn db_takes_a_sled_location_and_a_database_it_cannot_reach_is_named_without_its_password() {
    let dir = seeded();
    let db = dir.path().join("db");
    // `sled:DIR` is the same store as `DIR`.
    let location = format!("sled:{}", db.display());
    let json = export_json(Path::new(&location));
    assert_eq!(json.as_array().unwrap().len(), 30);
    assert!(
        !Path::new("sled:").exists(),
        "no directory named after the prefix"
    );
    for args in [
        &["export", "municipalities"][..],
        &["init"][..],
        &["restore", "backup.json"][..],
    ] {
        // Nothing listens on port 1 of this machine.
        let out = ocsae(Path::new("postgresql://anna:secret@127.0.0.1:1/ocsae"), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        let said = match args[0] {
            // The file is read and checked before the store is touched.
            "restore" => "backup.json",
            _ => "no connection to the store postgresql://anna@127.0.0.1:1/ocsae: ",
        };
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!stderr.contains("secret"), "the password is not shown: {stderr}");
    }
    assert!(!Path::new("postgresql:").exists(), "nothing was created");
}

#[test]
fn cert_add_says_which_field_lost_hidden_characters_and_a_filler_is_a_space() {
    let dir = seeded();
    let db = dir.path().join("db");
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "252228",
            "--holder",
            "Anna\u{3164}Bo\u{200B}",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: invisible or control characters were removed from --holder"),
        "{stderr}"
    );
    assert!(!stderr.contains("--reason"), "{stderr}");
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "252228",
            "--holder",
            "Pere Roca",
            "--role",
            "other",
            "--type",
            "tcat",
            "--urgent",
            "--reason",
            "Viatja\u{202E} demà",
        ],
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("removed from --reason") && !stderr.contains("--holder"),
        "{stderr}"
    );
    let out = ocsae(&db, &["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["holder"], "Anna Bo");
    assert_eq!(json[1]["reason"], "Viatja demà");
    // Plain text says nothing.
    let out = cert_add(
        &db,
        &[
            "--municipality",
            "252228",
            "--holder",
            "Maria Puig",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    );
    assert!(!text(&out.stderr).contains("invisible"), "{}", text(&out.stderr));
}
