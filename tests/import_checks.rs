//! What an import refuses before it writes anything: what is not a file, a file or a
//! line too large, an encoding it cannot read, a column named twice, and the times the
//! form and `cert add` refuse. Each message names the line or the limit.

mod common;

use common::cli::{ocsae_at, text};
use common::pty::binary;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Friday 4 December 2026, 10:00 in Barcelona.
const NOW: &str = "2026-12-04T10:00:00+01:00";
const HEADER: &str = "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n";
const GOOD: &str = "252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,\n";

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

fn certificates(db: &Path) -> Vec<serde_json::Value> {
    let out = ocsae(db, &["export", "certificates"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Imports `bytes` as a certificates file; returns its exit code and stderr.
fn import(db: &Path, bytes: &[u8]) -> (Option<i32>, String) {
    let file = db.with_file_name("import.csv");
    std::fs::write(&file, bytes).unwrap();
    let out = ocsae(db, &["import", "certificates", file.to_str().unwrap()]);
    (out.status.code(), text(&out.stderr))
}

/// Imports a file that must be refused with `expected` in its one-line message, changing nothing.
fn refused(db: &Path, bytes: &[u8], expected: &str) {
    let before = certificates(db);
    let (code, stderr) = import(db, bytes);
    assert_eq!(code, Some(1), "{expected}: {stderr}");
    assert!(stderr.contains(expected), "expected {expected:?}, got {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(certificates(db), before, "the store is unchanged");
}

#[test]
fn a_pipe_or_a_directory_is_refused_at_once_and_the_store_stays_free() {
    let (dir, db) = seeded();
    let fifo = dir.path().join("fifo.csv");
    let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let mut child = Command::new(binary())
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "import", "certificates"])
        .arg(&fifo)
        .env("XDG_CONFIG_HOME", db.join("no-config"))
        .env("OCSAE_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(5) {
            // Before the fix it waits for a writer forever, holding the store's lock.
            let meanwhile = ocsae(&db, &["export", "certificates"]);
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "the import still waits on the FIFO after 5 s; meanwhile export said: {}",
                text(&meanwhile.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fifo.csv is not a regular file (a directory, a pipe or a device)"),
        "{stderr}"
    );
    assert!(start.elapsed() < Duration::from_secs(2), "refused at once");
    let out = ocsae(&db, &["import", "certificates", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not a regular file"),
        "{}",
        text(&out.stderr)
    );
    // The store is neither locked nor harmed: a good file goes in.
    let (code, stderr) = import(&db, format!("{HEADER}{GOOD}").as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(certificates(&db).len(), 1);
}

#[test]
fn a_file_over_import_max_mb_or_a_line_over_64_kb_is_refused_naming_the_limit() {
    let (dir, db) = seeded();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "import_max_mb = 1\n").unwrap();
    let file = dir.path().join("big.csv");
    let rows = GOOD.repeat(1024 * 1024 / GOOD.len() + 1);
    std::fs::write(&file, format!("{HEADER}{rows}")).unwrap();
    let with_limit = |file: &Path| {
        Command::new(binary())
            .arg("--db")
            .arg(&db)
            .args(["--lang", "en", "--config"])
            .arg(&config)
            .args(["import", "certificates"])
            .arg(file)
            .env("OCSAE_NOW", NOW)
            .output()
            .unwrap()
    };
    let out = with_limit(&file);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "big.csv is larger than 1 MB, the import limit (import_max_mb in the configuration); nothing was imported"
        ),
        "{}",
        text(&out.stderr)
    );
    // Under the limit, the same rows pass.
    let rows = GOOD.repeat(1000);
    std::fs::write(&file, format!("{HEADER}{rows}")).unwrap();
    let out = with_limit(&file);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(certificates(&db).len(), 1000);

    let long = format!(
        "{HEADER}{GOOD}252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,{}\n",
        "9".repeat(70_000)
    );
    refused(&db, long.as_bytes(), "line 3: the line is longer than 64 KB");
}

#[test]
fn times_after_now_are_refused_as_the_form_and_cert_add_refuse_them() {
    let (_dir, db) = seeded();
    let header =
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,filed_at,delivered_at\n";
    let cases = [
        (
            "252228,A,mayor,tcat,new,no,received,2099-01-01 10:00,,,\n",
            "line 3: \"received_at\" is in the future: \"2099-01-01 10:00\"",
        ),
        (
            "252228,A,mayor,tcat,new,no,issued,2026-12-01,9999-12-31T00:00:00Z,,\n",
            "line 3: \"issued_at\" is in the future: \"9999-12-31T00:00:00Z\"",
        ),
        (
            "252228,A,mayor,tcat,new,no,filed,2026-12-01,,2026-12-24 10:00,\n",
            "line 3: \"filed_at\" is in the future",
        ),
        (
            "252228,A,mayor,tcat,new,no,delivered,2026-12-01,2026-12-02,,2030-01-01\n",
            "line 3: \"delivered_at\" is in the future",
        ),
        (
            // Six minutes ahead: past the five a clock may be fast.
            "252228,A,mayor,tcat,new,no,received,2026-12-04 10:06,,,\n",
            "line 3: \"received_at\" is in the future",
        ),
    ];
    let good = "252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,,,\n";
    for (row, expected) in cases {
        refused(&db, format!("{header}{good}{row}").as_bytes(), expected);
    }
    let (code, stderr) = import(
        &db,
        format!("{header}252228,A,mayor,tcat,new,no,received,2026-12-04 10:04,,,\n").as_bytes(),
    );
    assert_eq!(
        code,
        Some(0),
        "four minutes ahead passes, as in the form: {stderr}"
    );

    // cert add draws the line at the same place.
    let add = |received: &str| {
        ocsae(
            &db,
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
    assert_eq!(add("2026-12-04 10:06").status.code(), Some(1));
    assert!(add("2026-12-04 10:04").status.success());
}

#[test]
fn an_hour_the_clocks_skip_is_named_and_a_repeated_hour_is_its_first() {
    let (_dir, db) = seeded();
    refused(
        &db,
        format!("{HEADER}252228,A,mayor,tcat,new,no,received,2026-03-29 02:30,\n").as_bytes(),
        "line 2: \"2026-03-29 02:30\" in \"received_at\" does not exist: the clocks skip that hour when summer time starts (Europe/Madrid)",
    );
    let out = ocsae(
        &db,
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
            "29/03/2026 02:00",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a time that does not exist is a usage error"
    );
    assert!(
        text(&out.stderr).contains("\"29/03/2026 02:00\" in \"--received\" does not exist"),
        "{}",
        text(&out.stderr)
    );
    // 02:30 on 25 October happens twice: without an offset, the first (summer time).
    let (code, stderr) = import(
        &db,
        format!(
            "{HEADER}252228,A,mayor,tcat,new,no,received,2026-10-25 02:30,\n\
             252228,B,mayor,tcat,new,no,received,2026-10-25T02:30+01:00,\n"
        )
        .as_bytes(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let list = certificates(&db);
    assert_eq!(list[0]["received_at"], "2026-10-25T02:30:00+02:00");
    assert_eq!(list[1]["received_at"], "2026-10-25T02:30:00+01:00");
}

#[test]
fn shift_jis_is_refused_naming_the_line_and_utf16_without_a_bom_is_read() {
    let (_dir, db) = seeded();
    // Kanji only, no byte that Windows-1252 leaves undefined: read as 1252, "—é–Ø".
    let (sjis, _, _) =
        encoding_rs::SHIFT_JIS.encode("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,\n252228,鈴木,mayor,tcat,new,no,received,2026-12-01 09:00,\n");
    refused(
        &db,
        &sjis,
        "line 3 is not UTF-8, and read as Windows-1252 it would be garbled",
    );

    let spreadsheet = format!("{HEADER}250024,Jordi Solé,secretary,tcat,new,no,received,2026-12-01 09:00,\n");
    let utf16: Vec<u8> = spreadsheet.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let (code, stderr) = import(&db, &utf16);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(certificates(&db)[0]["holder"], "Jordi Solé");
}

#[test]
fn an_old_mac_file_ends_its_lines_with_a_carriage_return_alone() {
    let (_dir, db) = seeded();
    // Over 64 KB with no line feed at all; the bad row is line 1,502.
    let good = GOOD.replace('\n', "\r");
    let mut file = HEADER.replace('\n', "\r");
    file.push_str(&good.repeat(1500));
    file.push_str("252228,Maria Puig,mayor,tcat,new,no,received,dimarts,\r");
    assert!(file.len() > 64 * 1024);
    refused(
        &db,
        file.as_bytes(),
        "line 1502: invalid date \"dimarts\" in \"received_at\"",
    );
    let file = file.replace("dimarts", "2026-12-01 09:00");
    let (code, stderr) = import(&db, file.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(certificates(&db).len(), 1501);
}

#[test]
fn a_semicolon_file_saved_as_windows_1252_is_read_and_a_mixed_one_names_its_lines() {
    let (_dir, db) = seeded();
    let rows = "ine_code;holder;role;type;operation;urgent;status;received_at;issued_at\n\
        252228;«JOSÉ»;mayor;tcat;new;no;received;2026-12-01 09:00;\n\
        252228;Dona «MERCÈ» Pi;other;tcat;new;no;received;2026-12-01 09:00;\n\
        252228;Anna Ü «Ö»;other;tcat;new;no;received;2026-12-01 09:00;\n";
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(rows);
    let (code, stderr) = import(&db, &latin);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("was read as Windows-1252"), "{stderr}");
    let holders: Vec<String> = certificates(&db)
        .iter()
        .map(|c| c["holder"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(holders, ["«JOSÉ»", "Dona «MERCÈ» Pi", "Anna Ü «Ö»"]);

    // A row in UTF-8 pasted below them: which reading is meant cannot be told.
    let mut mixed = latin.into_owned();
    mixed.extend_from_slice("252228;Jordi Solé;mayor;tcat;new;no;received;2026-12-01 09:00;\n".as_bytes());
    refused(
        &db,
        &mixed,
        "import.csv: line 5 is UTF-8 and line 2 is not (rows from two files?)",
    );
}

#[test]
fn a_column_named_twice_is_refused_by_name() {
    let (_dir, db) = seeded();
    refused(
        &db,
        b"ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,Holder\n\
          252228,Maria Puig,mayor,tcat,new,no,received,2026-12-01 09:00,,Pere Roca\n",
        "the header names the column \"holder\" twice",
    );
}

#[test]
fn the_file_is_checked_before_the_store_is_locked() {
    let (_dir, db) = seeded();
    // Another program has the store open (a dashboard, say).
    let held = ocsae::store::open(&ocsae::store::Location::dir(&db)).unwrap();
    let (code, stderr) = import(
        &db,
        format!("{HEADER}{GOOD}252228,A,alcalde,tcat,new,no,received,2026-12-01,\n").as_bytes(),
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("line 3: unknown role \"alcalde\""),
        "the file's mistake, not the lock: {stderr}"
    );
    // A good file needs the store: it waits for no one, and says why.
    let (code, stderr) = import(&db, format!("{HEADER}{GOOD}").as_bytes());
    assert_eq!(code, Some(1));
    assert!(stderr.contains("in use"), "{stderr}");
    drop(held);
    let (code, stderr) = import(&db, format!("{HEADER}{GOOD}").as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
}

/// The peak memory the log gives for the last import's first pass, in KB.
fn checked_peak_kb(log: &Path) -> u64 {
    let log = std::fs::read_to_string(log).unwrap();
    let line = log
        .lines()
        .rev()
        .find(|l| l.contains("import checked"))
        .expect("logged");
    let at = line.find("peak_kb=").unwrap() + "peak_kb=".len();
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn an_import_reads_a_row_at_a_time_and_holds_no_more_than_a_row() {
    let (dir, db) = seeded();
    // 16 MB of one-cell rows: held whole, as rows of strings, it took 87 times that.
    let file = dir.path().join("ones.csv");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend(b"1\n".repeat(8 * 1024 * 1024));
    std::fs::write(&file, &bytes).unwrap();
    let out = common::cli::command_at(&db, &["import", "certificates", file.to_str().unwrap()], NOW)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 2:"), "{}", text(&out.stderr));
    let kb = checked_peak_kb(&dir.path().join("state/ocsae/ocsae.log"));
    assert!(kb < 48 * 1024, "peak {kb} KB for a 16 MB file");
    // A file of good rows, 25,000 of them, checked and written in batches of 10,000.
    let mut good = HEADER.to_string();
    for i in 0..25_000 {
        good.push_str(&format!(
            "252228,Titular {i},mayor,tcat,new,no,received,2026-12-01 09:00,\n"
        ));
    }
    std::fs::write(&file, &good).unwrap();
    let out = ocsae(&db, &["import", "certificates", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = certificates(&db);
    assert_eq!(list.len(), 25_000);
    assert_eq!(list[24_999]["holder"], "Titular 24999");
}

#[test]
fn a_file_that_changes_between_the_check_and_the_writing_is_not_imported() {
    let (dir, db) = seeded();
    let file = dir.path().join("certs.csv");
    std::fs::write(&file, format!("{HEADER}{GOOD}")).unwrap();
    let mut source = ocsae::io::csv_input::CsvFile::open(&file, 1024).unwrap();
    let (what, tz, now) = (
        ocsae::io::import::What::Certificates,
        chrono_tz::Europe::Madrid,
        common::at("2026-12-04T09:00:00Z"),
    );
    let tally = ocsae::io::import::check(what, &mut source, tz, now).unwrap();
    assert_eq!(tally.rows, 1);
    // Another program saves over it, same length, between the two passes.
    std::fs::write(&file, format!("{HEADER}{}", GOOD.replace("Maria", "Marta"))).unwrap();
    let store = common::open_store(&db);
    let err = ocsae::io::import::apply(store.as_ref(), what, &mut source, tz, now, now).unwrap_err();
    assert!(matches!(err, ocsae::io::IoError::Changed { .. }), "{err:?}");
    assert!(store.certificates().unwrap().is_empty(), "nothing written");
}

const ACTIVITY_HEADER: &str = "kind,ine_code,summary,received_at,request_id\n";

fn activities(db: &Path) -> Vec<serde_json::Value> {
    let out = ocsae(db, &["export", "activity"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_activity_import_streams_as_the_others_do() {
    let (dir, db) = seeded();
    // A bad first row stops the check there: the rows after it are never held.
    let file = dir.path().join("ones.csv");
    let mut bytes = ACTIVITY_HEADER.as_bytes().to_vec();
    bytes.extend(b"1\n".repeat(8 * 1024 * 1024));
    std::fs::write(&file, &bytes).unwrap();
    let out = common::cli::command_at(&db, &["import", "activity", file.to_str().unwrap()], NOW)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 2: unknown value \"1\" in \"kind\""),
        "{}",
        text(&out.stderr)
    );
    let kb = checked_peak_kb(&dir.path().join("state/ocsae/ocsae.log"));
    assert!(kb < 48 * 1024, "peak {kb} KB for a 16 MB file");
    // More rows than a batch, the last naming a request: all of them, in one change.
    let out = ocsae(
        &db,
        &[
            "cert",
            "add",
            "--municipality",
            "252228",
            "--holder",
            "Maria Puig",
            "--role",
            "mayor",
            "--type",
            "classe-1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let request = certificates(&db)[0]["id"].as_u64().unwrap();
    let before = common::open_store(&db).last_seq().unwrap();
    let mut good = ACTIVITY_HEADER.to_string();
    for i in 0..12_000 {
        good.push_str(&format!("call,252228,Consulta {i},2026-12-01 09:00,\n"));
    }
    good.push_str(&format!(
        "email,252228,La sol·licitud,2026-12-01 09:30,{request}\n"
    ));
    std::fs::write(&file, &good).unwrap();
    let out = ocsae(&db, &["import", "activity", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = activities(&db);
    assert_eq!(list.len(), 12_001);
    assert_eq!(list[11_999]["summary"], "Consulta 11999");
    assert_eq!(list[12_000]["request_id"], request);
    let changes = common::open_store(&db).changes_since(before).unwrap();
    assert_eq!(changes.len(), 1, "one change in the history");
    assert_eq!(changes[0].change, ocsae::store::ChangeKind::ImportActivities);
    assert_eq!(changes[0].edits.len(), 12_001);
}

#[test]
fn an_activity_file_that_changes_between_the_passes_is_not_imported() {
    let (dir, db) = seeded();
    let file = dir.path().join("sheet.csv");
    let row = "call,252228,Consulta,2026-12-01 09:00,\n";
    std::fs::write(&file, format!("{ACTIVITY_HEADER}{row}")).unwrap();
    let mut source = ocsae::io::csv_input::CsvFile::open(&file, 1024).unwrap();
    let (what, tz, now) = (
        ocsae::io::import::What::Activity,
        chrono_tz::Europe::Madrid,
        common::at("2026-12-04T09:00:00Z"),
    );
    assert_eq!(
        ocsae::io::import::check(what, &mut source, tz, now).unwrap().rows,
        1
    );
    std::fs::write(
        &file,
        format!("{ACTIVITY_HEADER}{}", row.replace("Consulta", "Consultx")),
    )
    .unwrap();
    let store = common::open_store(&db);
    let err = ocsae::io::import::apply(store.as_ref(), what, &mut source, tz, now, now).unwrap_err();
    assert!(matches!(err, ocsae::io::IoError::Changed { .. }), "{err:?}");
    assert!(
        store
            .records(ocsae::store::Kind::Activity)
            .unwrap()
            .next()
            .is_none(),
        "nothing written"
    );
}
