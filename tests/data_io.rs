//! Data in and out: the office's spreadsheet, exports, the weekly report, backups.

mod common;

use common::cli::{ocsae_at, text};
use std::path::Path;
use std::process::Output;

fn ocsae(db: &Path, args: &[&str]) -> Output {
    ocsae_at(db, args, "2026-12-04T10:00:00+01:00")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(ocsae(&db, &["init"]));
    (dir, db)
}

/// Every export, in both formats: what "identical data" means.
fn all_exports(db: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for what in ["municipalities", "rollout", "certificates"] {
        for format in ["json", "csv"] {
            out.push(ok(ocsae(db, &["export", what, "--format", format])));
        }
    }
    out
}

const SPREADSHEET: &str = "ine_code;holder;role;type;operation;urgent;status;received_at;issued_at\n\
    252228;Maria Puig;mayor;tcat;new;no;received;2026-12-01 09:00;\n\
    250024;Jordi Solé;secretary;tcat-p;renewal;sí;filed;2026-12-03T12:30:00+01:00;\n\
    250609;Anna Vidal;treasurer;tcat;new;0;delivered;2022-11-20;2022-11-25 13:00\n";

#[test]
fn the_spreadsheet_comes_in_with_a_bom_and_semicolons() {
    let (dir, db) = seeded();
    let file = dir.path().join("office.csv");
    std::fs::write(&file, format!("\u{FEFF}{SPREADSHEET}")).unwrap();
    let out = ocsae(&db, &["import", "certificates", file.to_str().unwrap()]);
    assert_eq!(ok(out).trim(), "Rows imported: 3; records changed: 3.");
    let json: serde_json::Value = serde_json::from_str(&ok(ocsae(&db, &["export", "certificates"]))).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1]["holder"], "Jordi Solé");
    assert_eq!(list[1]["urgent"], true);
    assert_eq!(list[1]["received_at"], "2026-12-03T12:30:00+01:00");
    assert_eq!(
        list[1]["due_at"], "2026-12-07T12:30:00+01:00",
        "Thursday 11.5 h, Friday 24 h, Monday 12.5 h"
    );
    assert_eq!(list[2]["issued_at"], "2022-11-25T13:00:00+01:00");
    assert_eq!(list[2]["expires_at"], "2026-11-25T13:00:00+01:00");
}

#[test]
fn a_windows_1252_file_is_decoded_not_mangled() {
    let (dir, db) = seeded();
    let file = dir.path().join("latin.csv");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(SPREADSHEET);
    std::fs::write(&file, &bytes).unwrap();
    let out = ocsae(&db, &["import", "certificates", file.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("was not UTF-8: it was read as Windows-1252"),
        "{}",
        text(&out.stderr)
    );
    ok(out);
    let json = ok(ocsae(&db, &["export", "certificates"]));
    assert!(json.contains("\"holder\": \"Jordi Solé\""), "{json}");
}

#[test]
fn each_bad_row_names_its_line_and_leaves_the_store_unchanged() {
    let (dir, db) = seeded();
    let before = all_exports(&db);
    let header = "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n";
    let good = "252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,\n";
    let cases = [
        (
            "ine_code,holder,role,type,operation,urgent,status,received_at\n",
            "the header lacks the columns: issued_at",
        ),
        (
            "252228,Maria Puig,mayor,tcat,new,no,received\n",
            "line 3: the column \"received_at\" is missing",
        ),
        (
            "999999,Maria Puig,mayor,tcat,new,no,received,2026-12-01,\n",
            "line 3: no council has the INE code \"999999\"",
        ),
        (
            "252228,Maria Puig,alcaldessa,tcat,new,no,received,2026-12-01,\n",
            "line 3: unknown role \"alcaldessa\"",
        ),
        (
            "252228,Maria Puig,mayor,t-cat,new,no,received,2026-12-01,\n",
            "line 3: unknown certificate type \"t-cat\"",
        ),
        (
            "252228,Maria Puig,mayor,tcat,new,no,received,dimarts,\n",
            "line 3: invalid date \"dimarts\" in \"received_at\"",
        ),
        (
            "252228,Maria Puig,mayor,tcat,new,no,issued,2026-12-01,\n",
            "line 3: the field \"issued_at\" is empty",
        ),
        (
            "252228,Maria Puig,mayor,tcat,new,potser,received,2026-12-01,\n",
            "line 3: unknown value \"potser\" in \"urgent\"",
        ),
        (
            "252228,Maria Puig,other,tcat,new,yes,received,2026-12-01,\n",
            "line 3: an urgent request for \"other\" needs a reason",
        ),
        (
            "252228,,mayor,tcat,new,no,received,2026-12-01,\n",
            "line 3: the field \"holder\" is empty",
        ),
        (
            "252228,Maria Puig,mayor,tcat,new,no,issued,2026-12-01,2026-11-30\n",
            "line 3: issued_at is earlier than received_at",
        ),
        (
            &*format!(
                "252228,{},mayor,tcat,new,no,received,2026-12-01,\n",
                "M".repeat(121)
            ),
            "line 3: \"holder\" is longer than 120 characters",
        ),
    ];
    for (row, expected) in cases {
        let content = if row.starts_with("ine_code") {
            row.to_string()
        } else {
            format!("{header}{good}{row}")
        };
        let file = dir.path().join("bad.csv");
        std::fs::write(&file, content).unwrap();
        let out = ocsae(&db, &["import", "certificates", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{row}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{row}: {stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
    }
    let file = dir.path().join("neither.csv");
    std::fs::write(&file, b"ine_code,holder\n252228,Mar\x81a\n").unwrap();
    let out = ocsae(&db, &["import", "certificates", file.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("save it as \"CSV UTF-8\""),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(all_exports(&db), before, "nothing changed");
}

#[test]
fn certificates_round_trip_through_their_csv_export() {
    let (dir, db) = seeded();
    let file = dir.path().join("office.csv");
    std::fs::write(&file, SPREADSHEET).unwrap();
    ok(ocsae(&db, &["import", "certificates", file.to_str().unwrap()]));
    let exported = dir.path().join("out.csv");
    ok(ocsae(
        &db,
        &[
            "export",
            "certificates",
            "--format",
            "csv",
            "-o",
            exported.to_str().unwrap(),
        ],
    ));

    let other = dir.path().join("other");
    ok(ocsae(&other, &["init"]));
    ok(ocsae(
        &other,
        &["import", "certificates", exported.to_str().unwrap()],
    ));
    assert_eq!(
        ok(ocsae(&other, &["export", "certificates", "--format", "csv"])),
        std::fs::read_to_string(&exported).unwrap()
    );
}

#[test]
fn a_backup_restored_elsewhere_gives_identical_exports() {
    let (dir, db) = seeded();
    let file = dir.path().join("office.csv");
    std::fs::write(&file, SPREADSHEET).unwrap();
    ok(ocsae(&db, &["import", "certificates", file.to_str().unwrap()]));
    let contacts = dir.path().join("contacts.csv");
    std::fs::write(&contacts, "ine_code,role,name\n252228,mayor,Joan Solé\n").unwrap();
    ok(ocsae(&db, &["import", "contacts", contacts.to_str().unwrap()]));
    let backup = dir.path().join("backup.json");
    let out = ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    assert!(
        out.contains("30 councils, 3 requests, 0 activities, 3 history entries"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    assert_eq!(json["format"], "ocsae-backup");
    assert_eq!(json["format_version"], 1);

    let elsewhere = tempfile::tempdir().unwrap();
    let new_db = elsewhere.path().join("db");
    let out = ok(ocsae(&new_db, &["restore", backup.to_str().unwrap()]));
    assert!(out.contains("30 councils, 3 requests"), "{out}");
    assert_eq!(all_exports(&new_db), all_exports(&db));

    // The history came along: undo in the restored store takes back the contacts import.
    let out = ok(ocsae(
        &new_db,
        &["backup", elsewhere.path().join("again.json").to_str().unwrap()],
    ));
    assert!(out.contains("3 history entries"), "{out}");
}

#[test]
fn restore_refuses_a_store_with_data_unless_forced() {
    let (dir, db) = seeded();
    let backup = dir.path().join("backup.json");
    ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    let (_other_dir, other) = seeded();
    let file = dir.path().join("office.csv");
    std::fs::write(&file, SPREADSHEET).unwrap();
    ok(ocsae(&other, &["import", "certificates", file.to_str().unwrap()]));
    let before = all_exports(&other);
    let out = ocsae(&other, &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already holds data; restore into a new one, or add --force"));
    assert_eq!(all_exports(&other), before);
    ok(ocsae(&other, &["restore", "--force", backup.to_str().unwrap()]));
    assert_eq!(all_exports(&other), all_exports(&db));

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"format\": \"ocsae-backup\", \"format_version\": 1").unwrap();
    let fresh = dir.path().join("fresh");
    let out = ocsae(&fresh, &["restore", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists(), "a failed restore leaves no store behind");
}

#[test]
fn municipality_and_rollout_exports_read_back_in_both_formats() {
    use ocsae::io::export::{MunicipalityOut, RolloutOut};
    let (dir, db) = seeded();
    let contacts = dir.path().join("contacts.csv");
    std::fs::write(
        &contacts,
        "ine_code;role;name;phone;email\n252228;mayor;Joan Solé;973 00 00 00;a@b.cat\n",
    )
    .unwrap();
    ok(ocsae(&db, &["import", "contacts", contacts.to_str().unwrap()]));

    let json: Vec<MunicipalityOut> =
        serde_json::from_str(&ok(ocsae(&db, &["export", "municipalities"]))).unwrap();
    let csv = ok(ocsae(&db, &["export", "municipalities", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let from_csv: Vec<MunicipalityOut> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            MunicipalityOut {
                ine_code: r[0].into(),
                name: r[1].into(),
                comarca: r[2].into(),
                population: r[3].parse().unwrap(),
                population_year: r[4].parse().unwrap(),
                contacts: serde_json::from_str(&r[5]).unwrap(),
                notes: r[6].into(),
                subscriber_form_sent_on: (!r[7].is_empty()).then(|| r[7].parse().unwrap()),
                created_by: Some(r[8].into()),
                updated_by: Some(r[9].into()),
            }
        })
        .collect();
    assert_eq!(from_csv, json, "the CSV carries the same data as the JSON");
    assert_eq!(
        json.iter().find(|m| m.ine_code == "252228").unwrap().contacts[0].name,
        "Joan Solé"
    );

    let rollout: Vec<RolloutOut> = serde_json::from_str(&ok(ocsae(&db, &["export", "rollout"]))).unwrap();
    let csv = ok(ocsae(&db, &["export", "rollout", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    for (record, json) in reader.records().zip(&rollout) {
        let record = record.unwrap();
        assert_eq!(
            (&record[0], &record[2], &record[3]),
            (
                json.ine_code.as_str(),
                json.service.as_str(),
                json.status.as_str()
            )
        );
        let steps: Vec<ocsae::io::export::StepOut> = serde_json::from_str(&record[4]).unwrap();
        assert_eq!(steps, json.steps);
    }
}

#[test]
fn restore_refuses_a_tampered_backup_and_writes_nothing() {
    let (dir, db) = seeded();
    let file = dir.path().join("office.csv");
    std::fs::write(&file, SPREADSHEET).unwrap();
    ok(ocsae(&db, &["import", "certificates", file.to_str().unwrap()]));
    let backup = dir.path().join("backup.json");
    ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    let tamper = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = json.clone();
        change(&mut copy);
        let path = dir.path().join("tampered.json");
        std::fs::write(&path, serde_json::to_vec(&copy).unwrap()).unwrap();
        let fresh = tempfile::tempdir().unwrap();
        let target = fresh.path().join("db");
        let out = ocsae(&target, &["restore", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(!target.exists(), "nothing is left behind");
        text(&out.stderr)
    };
    let err = tamper(&|j| j["certificates"][1]["id"] = j["certificates"][0]["id"].clone());
    assert!(err.contains("appears twice"), "{err}");
    let err = tamper(&|j| j["certificates"][0]["ine"] = 999999.into());
    assert!(err.contains("unknown council 999999"), "{err}");
    let err = tamper(&|j| j["certificates"][2]["holder"] = "Evil\u{1b}]0;pwned\u{7}\u{202e}".into());
    assert!(err.contains(".certificates[2].holder"), "{err}");
    assert!(!err.contains('\u{1b}'), "the message itself is clean: {err:?}");
}
