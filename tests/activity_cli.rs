//! `activity add|close`, `training add`, `export activity` and `import activity`
//! from the command line: what they print, and what they refuse.

mod common;

use common::cli::{ocsae_at, text};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Thursday 26 November 2026, 10:30 in Madrid.
const NOW: &str = "2026-11-26T10:30:00+01:00";

fn ocsae(db: &Path, args: &[&str]) -> Output {
    ocsae_at(db, args, NOW)
}

fn seeded() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let out = ocsae(&db, &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    (dir, db)
}

/// The command succeeds; its standard output.
fn ok(db: &Path, args: &[&str]) -> String {
    let out = ocsae(db, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// The command is refused (status 1), saying `expected` on one line of stderr.
fn refused(db: &Path, args: &[&str], expected: &str) {
    fails(db, args, 1, expected);
}

/// The command line names what is not there or cannot be read (status 2).
fn misused(db: &Path, args: &[&str], expected: &str) {
    fails(db, args, 2, expected);
}

fn fails(db: &Path, args: &[&str], code: i32, expected: &str) {
    let out = ocsae(db, args);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.trim(), format!("ocsae: {expected}"), "{args:?}");
}

fn export(db: &Path, format: &str) -> String {
    ok(db, &["export", "activity", "--format", format])
}

fn export_json(db: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(&export(db, "json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

const CALL: &[&str] = &[
    "activity",
    "add",
    "--municipality",
    "tiurana",
    "--kind",
    "call",
    "--summary",
    "No pot signar a EACAT",
];

#[test]
fn activity_add_prints_the_id_and_the_due_time_and_close_closes_it() {
    let (_dir, db) = seeded();
    assert_eq!(
        ok(&db, CALL).trim(),
        "Activity #1 saved; due 2026-12-01T00:00:00+01:00"
    );
    let mut args = CALL.to_vec();
    args.extend([
        "--direction",
        "out",
        "--contact",
        "Maria Puig",
        "--service",
        "NOT",
        "--status",
        "waiting",
        "--received",
        "2026-11-25 09:00",
        "--minutes",
        "12",
        "--follow-up",
        "01/12/2026",
        "--notes",
        "Torna a trucar",
    ]);
    assert_eq!(
        ok(&db, &args).trim(),
        "Activity #2 saved; waiting for the council, its clock stopped"
    );
    let all = export_json(&db);
    let two = &all[1];
    assert_eq!(two["direction"], "out");
    assert_eq!(two["contact"], "Maria Puig");
    assert_eq!(two["service"], "e-notum");
    assert_eq!(two["status"], "waiting");
    assert_eq!(two["received_at"], "2026-11-25T09:00:00+01:00");
    assert_eq!(two["due_at"], serde_json::Value::Null, "the clock is stopped");
    assert_eq!(two["minutes"], 12);
    assert_eq!(two["follow_up_on"], "2026-12-01");
    assert_eq!(two["notes"], "Torna a trucar");

    assert_eq!(
        ok(&db, &["activity", "close", "#1", "--notes", "Resolt"]).trim(),
        "Activity #1 closed."
    );
    let one = &export_json(&db)[0];
    assert_eq!(one["status"], "closed");
    assert_eq!(one["closed_at"], "2026-11-26T10:30:00+01:00");
    assert_eq!(one["notes"], "Resolt");
    refused(
        &db,
        &["activity", "close", "1"],
        "activity #1 is closed already; nothing was changed",
    );
    misused(
        &db,
        &["activity", "close", "9"],
        "there is no activity #9 in the store",
    );
    misused(
        &db,
        &["activity", "close", "nou"],
        "ID: \"nou\" is not a valid number",
    );
}

#[test]
fn activity_add_refuses_with_the_flag_at_fault_and_changes_nothing() {
    let (_dir, db) = seeded();
    let with = |extra: &[&'static str]| {
        let mut args = CALL.to_vec();
        args.extend(extra);
        args
    };
    let kind = |k: &'static str| {
        vec![
            "activity",
            "add",
            "--municipality",
            "tiurana",
            "--kind",
            k,
            "--summary",
            "x",
        ]
    };
    misused(
        &db,
        &kind("training"),
        "--kind training: trainings are logged with \"ocsae training add --date DATE --service ID --councils INE:ATTENDEES --hours N\"",
    );
    misused(
        &db,
        &kind("fax"),
        "--kind: unknown value \"fax\"; allowed: call, email, visit, remote",
    );
    misused(
        &db,
        &[
            "activity",
            "add",
            "--municipality",
            "tiurna",
            "--kind",
            "call",
            "--summary",
            "x",
        ],
        "unknown council \"tiurna\"; the closest: Tiurana, les Avellanes i Santa Linya, la Baronia de Rialb",
    );
    misused(
        &db,
        &with(&["--service", "telefax"]),
        "--service: unknown value \"telefax\"; allowed: e-tram, via-oberta, eacat, pscp, e-fact, e-notum, eres, cercador, idec-local, er-idcat, seguretat, e-tauler",
    );
    misused(
        &db,
        &with(&["--request", "4"]),
        "--request: There is no request #4.",
    );
    refused(
        &db,
        &with(&["--received", "2026-11-26 11:00"]),
        "--received: cannot be in the future (at most 5 minutes later than now)",
    );
    misused(
        &db,
        &with(&["--received", "ahir"]),
        "--received: invalid time \"ahir\"; write 2026-12-04T10:00, or with an offset, 2026-12-04T10:00:00+01:00",
    );
    misused(
        &db,
        &with(&["--minutes", "deu"]),
        "--minutes: \"deu\" is not a valid number",
    );
    refused(
        &db,
        &with(&["--minutes", "10000"]),
        "--minutes: The value of \"minutes\" must be from 1 to 9999.",
    );
    misused(
        &db,
        &with(&["--status", "pending"]),
        "--status: unknown value \"pending\"; allowed: open, waiting, closed",
    );
    misused(
        &db,
        &with(&["--follow-up", "dilluns"]),
        "invalid date \"dilluns\" in \"--follow-up\"",
    );
    let empty = [
        "activity",
        "add",
        "--municipality",
        "tiurana",
        "--kind",
        "call",
        "--summary",
        "  ",
    ];
    refused(&db, &empty, "--summary: Write a one-line summary.");
    // In the interface language.
    let out = std::process::Command::new(common::pty::binary())
        .args(["--db", db.to_str().unwrap(), "--lang", "ca"])
        .args([
            "activity",
            "add",
            "--municipality",
            "tiurana",
            "--kind",
            "fax",
            "--summary",
            "x",
        ])
        .env("XDG_CONFIG_HOME", db.join("no-config"))
        .env("OCSAE_NOW", NOW)
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: --kind: valor desconegut «fax»; valors possibles: call, email, visit, remote"
    );
    assert!(export_json(&db).is_empty(), "nothing was logged");
    // A request of the store is taken, another council's is not.
    let out = ocsae(
        &db,
        &[
            "cert",
            "add",
            "--municipality",
            "àger",
            "--holder",
            "Jordi Solé",
            "--role",
            "mayor",
            "--type",
            "tcat",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    refused(
        &db,
        &with(&["--request", "1"]),
        "--request: Request #1 is another council's.",
    );
    let mut ager = CALL.to_vec();
    ager[3] = "250024";
    ager.extend(["--request", "1"]);
    assert!(ok(&db, &ager).starts_with("Activity #1 saved"));
    assert_eq!(export_json(&db)[0]["request_id"], 1);
}

#[test]
fn training_add_logs_the_councils_and_their_attendees() {
    let (_dir, db) = seeded();
    assert_eq!(
        ok(
            &db,
            &[
                "training",
                "add",
                "--date",
                "2026-11-24",
                "--service",
                "e-notum,EACAT",
                "--councils",
                "252228:3,Àger:2",
                "--hours",
                "1,5",
            ]
        )
        .trim(),
        "Training #1 saved: 2 councils, 5 attendees."
    );
    let t = &export_json(&db)[0];
    assert_eq!(t["kind"], "training");
    assert_eq!(t["ine_code"], "", "several councils");
    assert_eq!(t["municipality"], "Tiurana; Àger");
    assert_eq!(
        t["councils"],
        serde_json::json!([
            {"ine_code": "252228", "attendees": 3},
            {"ine_code": "250024", "attendees": 2}
        ])
    );
    assert_eq!(t["services"], serde_json::json!(["e-notum", "eacat"]));
    assert_eq!(t["hours"], 1.5);
    assert_eq!(t["summary"], "Training: e-NOTUM, EACAT");
    assert_eq!(t["status"], "closed");
    assert_eq!(t["due_at"], serde_json::Value::Null);
    let csv = export(&db, "csv");
    assert!(csv.contains(",252228:3;250024:2,e-notum;eacat,1.5,"), "{csv}");

    let base = |councils: &'static str, service: &'static str, hours: &'static str| {
        vec![
            "training",
            "add",
            "--date",
            "2026-11-24",
            "--service",
            service,
            "--councils",
            councils,
            "--hours",
            hours,
        ]
    };
    misused(
        &db,
        &base("252228", "NOT", "2"),
        "--councils: \"252228\" lacks its attendees; write INE:ATTENDEES, for example 252228:3",
    );
    refused(
        &db,
        &base("252228:0", "NOT", "2"),
        "--councils: The value of \"councils\" must be from 1 to 999.",
    );
    refused(
        &db,
        &base("252228:2,tiurana:1", "NOT", "2"),
        "--councils: Council 252228 is listed twice.",
    );
    misused(
        &db,
        &base("999999:2", "NOT", "2"),
        "unknown council \"999999\"; the closest: Vilanova de Meià (252509), Vilanova de l'Aguda (252496), Os de Balaguer (251569)",
    );
    misused(
        &db,
        &base("252228:2", "fax", "2"),
        "--service: unknown value \"fax\"; allowed: e-tram, via-oberta, eacat, pscp, e-fact, e-notum, eres, cercador, idec-local, er-idcat, seguretat, e-tauler",
    );
    misused(
        &db,
        &base("252228:2", "NOT", "dues"),
        "--hours: \"dues\" is not a valid number",
    );
    let mut future = base("252228:2", "NOT", "2");
    future[3] = "2026-12-01";
    refused(
        &db,
        &future,
        "--date: cannot be in the future (at most 5 minutes later than now)",
    );
    assert_eq!(export_json(&db).len(), 1);
}

#[test]
fn an_export_imported_into_another_store_gives_the_same_records() {
    let (_dir, db) = seeded();
    ok(&db, CALL);
    let mut email = CALL.to_vec();
    email[5] = "email";
    email.extend([
        "--contact",
        "=HYPERLINK(\"x\")",
        "--service",
        "eacat",
        "--minutes",
        "5",
    ]);
    ok(&db, &email);
    ok(&db, &["activity", "close", "2", "--notes", "a;=2+3"]);
    ok(
        &db,
        &[
            "training",
            "add",
            "--date",
            "2026-11-24 09:00",
            "--service",
            "NOT",
            "--councils",
            "252228:3",
            "--hours",
            "2",
        ],
    );
    let csv = export(&db, "csv");
    assert!(csv.contains("'=HYPERLINK"), "the formula is guarded: {csv}");
    let (other, db2) = seeded();
    let file = other.path().join("activity.csv");
    std::fs::write(&file, &csv).unwrap();
    assert_eq!(
        ok(&db2, &["import", "activity", file.to_str().unwrap()]).trim(),
        "Rows imported: 3; records changed: 3."
    );
    let strip = |list: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        list.into_iter()
            .map(|mut v| {
                // Who logged them: the importer, in the history as in the record.
                let fields = v.as_object_mut().unwrap();
                fields.remove("created_by");
                fields.remove("updated_by");
                v
            })
            .collect()
    };
    assert_eq!(strip(export_json(&db2)), strip(export_json(&db)));
    assert_eq!(export_json(&db2)[1]["contact"], "=HYPERLINK(\"x\")");
}

#[test]
fn an_import_is_all_or_nothing_and_names_the_line() {
    let (dir, db) = seeded();
    ok(&db, CALL);
    let before = export(&db, "json");
    let file = dir.path().join("sheet.csv");
    let import = |body: &str| {
        std::fs::write(&file, body).unwrap();
        ocsae(&db, &["import", "activity", file.to_str().unwrap()])
    };
    // The office's old sheet: names, ';', local times; only kind, summary, time and council.
    let header = "kind;municipality;summary;received_at;status\n";
    let good = "call;Tiurana;Canvi de contrasenya;2026-11-20 10:00;\n\
                email;Àger;Alta a e-NOTUM;20/11/2026 11:00;open\n";
    for (bad, expected) in [
        (
            "visita;Àger;Visita;2026-11-20;",
            "line 4: unknown value \"visita\" in \"kind\"",
        ),
        (
            "visit;Tiurna;Visita;2026-11-20;",
            "line 4: no council in the store is called \"Tiurna\"",
        ),
        (
            "visit;Àger;;2026-11-20;",
            "line 4: the field \"summary\" is empty",
        ),
        (
            "visit;Àger;Visita;2026-12-20;",
            "line 4: \"received_at\" is in the future: \"2026-12-20\"",
        ),
        (
            "visit;Àger;Visita;dimarts;",
            "line 4: invalid date \"dimarts\" in \"received_at\"",
        ),
        (
            "visit;Àger;Visita;2026-11-20;pending",
            "line 4: unknown value \"pending\" in \"status\"",
        ),
    ] {
        let out = import(&format!("{header}{good}{bad}\n"));
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stderr).trim(),
            format!("ocsae: {expected}; nothing was imported")
        );
        assert_eq!(export(&db, "json"), before, "the store is unchanged");
    }
    let with_columns = |head: &str, row: &str| import(&format!("{head}\n{row}\n"));
    let out = with_columns(
        "kind,ine_code,summary,received_at,service,request_id",
        "email,252228,Consulta,2026-11-20 10:00,telefax,",
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: line 2: unknown service: telefax; nothing was imported"
    );
    let out = with_columns(
        "kind,ine_code,summary,received_at,request_id",
        "email,252228,Consulta,2026-11-20 10:00,44",
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: line 2: there is no request #44; nothing was imported"
    );
    let out = with_columns("kind,summary,received_at", "call,Consulta,2026-11-20 10:00");
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: the header lacks the columns: ine_code; nothing was imported"
    );
    assert_eq!(export(&db, "json"), before);

    // In Windows-1252, as a spreadsheet saves it: read, and every row in.
    let latin: Vec<u8> = format!("{header}{good}")
        .chars()
        .map(|c| match c {
            'À' => 0xC0,
            c => c as u8,
        })
        .collect();
    std::fs::write(&file, latin).unwrap();
    let out = ocsae(&db, &["import", "activity", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all = export_json(&db);
    assert_eq!(all.len(), 3);
    assert_eq!(all[1]["status"], "closed", "an old sheet's call without a status");
    assert_eq!(all[1]["closed_at"], "2026-11-20T10:00:00+01:00");
    assert_eq!(all[2]["municipality"], "Àger");
    assert_eq!(all[2]["status"], "open");
}

#[test]
fn read_only_refuses_the_commands_that_log() {
    let (_dir, db) = seeded();
    for args in [
        CALL.to_vec(),
        vec!["activity", "close", "1"],
        vec![
            "training",
            "add",
            "--date",
            "2026-11-24",
            "--service",
            "NOT",
            "--councils",
            "252228:1",
            "--hours",
            "1",
        ],
    ] {
        let mut with = vec!["--read-only"];
        with.extend(args);
        let out = ocsae(&db, &with);
        assert_eq!(out.status.code(), Some(2), "{with:?}");
    }
    assert!(export_json(&db).is_empty());
}

#[test]
fn the_report_has_its_week_of_activity() {
    let (_dir, db) = seeded();
    ok(&db, CALL);
    let report = ok(&db, &["report"]);
    assert!(report.contains("Activity this week"), "{report}");
    assert!(
        report.contains("Logged this week: 1; minutes spent: 0"),
        "{report}"
    );
    assert!(report.contains("Open now: 1, of which overdue: 0"), "{report}");
    assert!(report.contains("Councils not visited in 2026"), "{report}");
}

/// One rule for an entry created closed or waiting, whoever creates it: closed at
/// its receipt unless `--closed-at` says when; waiting with its clock stopped from
/// its receipt. `activity add` and `import activity` store the same.
#[test]
fn add_and_import_date_a_closed_or_waiting_entry_from_its_receipt() {
    let (dir, db) = seeded();
    let add = |extra: &[&str]| {
        let mut args = vec![
            "activity",
            "add",
            "--municipality",
            "tiurana",
            "--summary",
            "Visita",
        ];
        args.extend(extra);
        ok(&db, &args)
    };
    let visit = [
        "--kind",
        "visit",
        "--status",
        "closed",
        "--received",
        "2026-03-10T10:00",
    ];
    assert_eq!(
        add(&visit).trim(),
        "Activity #1 saved, closed 2026-03-10T10:00:00+01:00"
    );
    let waiting = [
        "--kind",
        "call",
        "--status",
        "waiting",
        "--received",
        "2026-11-20T09:00",
    ];
    assert_eq!(
        add(&waiting).trim(),
        "Activity #2 saved; waiting for the council, its clock stopped"
    );
    let mut later = visit.to_vec();
    later.extend(["--closed-at", "2026-03-10T12:00"]);
    assert_eq!(
        add(&later).trim(),
        "Activity #3 saved, closed 2026-03-10T12:00:00+01:00"
    );
    misused(
        &db,
        &[
            "activity",
            "add",
            "--municipality",
            "tiurana",
            "--summary",
            "Visita",
            "--kind",
            "visit",
            "--closed-at",
            "2026-03-10T12:00",
        ],
        "--closed-at: only with --status closed",
    );
    let all = export_json(&db);
    assert_eq!(all[0]["closed_at"], "2026-03-10T10:00:00+01:00");
    assert_eq!(all[1]["due_at"], serde_json::Value::Null, "the clock is stopped");
    assert_eq!(all[2]["closed_at"], "2026-03-10T12:00:00+01:00");

    // The same three rows imported: the same entries.
    let (_other, db2) = seeded();
    let file = dir.path().join("sheet.csv");
    std::fs::write(
        &file,
        "kind,municipality,summary,status,received_at,closed_at\n\
         visit,Tiurana,Visita,closed,2026-03-10 10:00,\n\
         call,Tiurana,Visita,waiting,2026-11-20 09:00,\n\
         visit,Tiurana,Visita,closed,2026-03-10 10:00,2026-03-10 12:00\n",
    )
    .unwrap();
    ok(&db2, &["import", "activity", file.to_str().unwrap()]);
    let imported = export_json(&db2);
    for field in ["status", "received_at", "closed_at", "due_at"] {
        for (a, b) in all.iter().zip(&imported) {
            assert_eq!(a[field], b[field], "{field}");
        }
    }
}
