//! An import into a shared store goes to the server as it is read, in batches
//! inside its one transaction: still all or nothing (a bad line deep in the
//! file, a client killed midway, a file that changed between its readings leave
//! nothing), and undone and redone as one change.

mod common;

use common::cli::text;
use common::offices::{count, open};
use common::pg::{self, ADMIN};
use common::pty::binary;
use common::{NOW, at};
use ocsae::io::IoError;
use ocsae::io::csv_input::{CsvTable, Header};
use ocsae::io::import::{Rows, Source, What, apply};
use ocsae::store::seed::{Scope, seed};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const HEADER: &str = "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n";
/// Tiurana (Noguera) and Barcelona (Barcelonès).
const TIURANA: &str = "252228";
const BARCELONA: &str = "080193";

/// `rows` requests of Tiurana, each holder numbered; `other` gives a row's council instead.
fn requests(rows: usize, other: impl Fn(usize) -> Option<&'static str>) -> String {
    let mut csv = String::from(HEADER);
    for i in 0..rows {
        let ine = other(i).unwrap_or(TIURANA);
        csv.push_str(&format!(
            "{ine},Titular {i},mayor,tcat,new,no,received,2026-11-20 10:00,\n"
        ));
    }
    csv
}

fn command(home: &Path, store: &str, args: &[&str]) -> Command {
    let mut c = Command::new(binary());
    c.args(["--store", store, "--lang", "en"])
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_SYSTEM_CONFIG", home.join("no-system.toml"))
        .env("OCSAE_NOW", "2026-11-26T10:00:00+01:00");
    c
}

fn ocsae(home: &Path, store: &str, args: &[&str]) -> Output {
    command(home, store, args).output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The requests stored and the import entries, as the administrator sees them.
fn stored(db: &pg::Db) -> (i64, i64) {
    let mut sql = db.sql(ADMIN);
    (
        count(&mut sql, "SELECT count(*) FROM ocsae.certificate"),
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.history WHERE change = 'import.certificates'",
        ),
    )
}

#[test]
fn a_bad_line_deep_in_a_shared_import_writes_nothing_and_is_named() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    ok(ocsae(h, &db.url(ADMIN), &["init", "--comarca", "Noguera"]));
    // Past two batches of 10,000: a council the store does not hold (Barcelona,
    // not seeded), which only the pass with the store can find.
    let file = h.join("requests.csv");
    std::fs::write(&file, requests(25_000, |i| (i == 23_000).then_some(BARCELONA))).unwrap();
    let out = ocsae(
        h,
        &db.url("anna"),
        &["import", "certificates", file.to_str().unwrap()],
    );
    assert!(!out.status.success(), "imported a file with an unknown council");
    let err = text(&out.stderr);
    assert!(err.contains("23002"), "the line is named: {err}");
    assert!(
        err.contains(BARCELONA.trim_start_matches('0')),
        "the council is named: {err}"
    );
    assert_eq!(stored(&db), (0, 0), "nothing of the file is kept");
    // Mended, it goes in whole, as one entry.
    std::fs::write(&file, requests(25_000, |_| None)).unwrap();
    ok(ocsae(
        h,
        &db.url("anna"),
        &["import", "certificates", file.to_str().unwrap()],
    ));
    assert_eq!(stored(&db), (25_000, 1));
}

#[test]
fn a_client_killed_while_its_import_streams_leaves_nothing() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    ok(ocsae(h, &db.url(ADMIN), &["init", "--comarca", "Noguera"]));
    const ROWS: i64 = 80_000;
    let file = h.join("requests.csv");
    std::fs::write(&file, requests(ROWS as usize, |_| None)).unwrap();
    // The superuser sees every session's statement.
    let mut watch = db.sql("postgres");
    // The request ids the import took from the sequence: taken a batch at a time
    // as the batches go to the server (the sequence is outside the transaction).
    let taken = |watch: &mut postgres::Client| -> i64 {
        let row = watch
            .query_one("SELECT last_value, is_called FROM ocsae.certificate_id", &[])
            .unwrap();
        if row.get::<_, bool>(1) { row.get(0) } else { 0 }
    };
    let mut child = command(
        h,
        &db.url("anna"),
        &["import", "certificates", file.to_str().unwrap()],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    // Some batches written (their edits sent), not all: the client's last
    // statement wrote edits, and the ids taken are not all the file's.
    let writing_edits = |watch: &mut postgres::Client| -> bool {
        count(
            watch,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'anna' \
             AND backend_xid IS NOT NULL AND query LIKE 'INSERT INTO ocsae.history_edit%'",
        ) > 0
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let n = taken(&mut watch);
        assert!(
            n < ROWS,
            "the import was never caught half written (ids taken: {n})"
        );
        if n >= 10_000 && writing_edits(&mut watch) && taken(&mut watch) < ROWS {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was caught"
        );
        assert!(Instant::now() < deadline, "the import never sent a batch");
        std::thread::sleep(Duration::from_millis(1));
    }
    // SAFETY: kill sends a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(
        &mut watch,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'anna'",
    ) > 0
    {
        assert!(Instant::now() < deadline, "the dead client's session stayed");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(stored(&db), (0, 0), "half an import is kept");
    assert_eq!(
        count(
            &mut watch,
            "SELECT count(*) FROM ocsae.history_edit WHERE kind = 'certificate'"
        ),
        0,
        "edits of the dead import are kept"
    );
    // The store works on: the file goes in whole.
    ok(ocsae(
        h,
        &db.url("marta"),
        &["import", "certificates", file.to_str().unwrap()],
    ));
    assert_eq!(stored(&db), (ROWS, 1));
}

#[test]
fn a_streamed_import_is_undone_and_redone_whole() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    seed(open(&db, ADMIN).as_ref(), &Scope::All, at(NOW)).unwrap();
    let anna = open(&db, "anna");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("requests.csv");
    // Two comarques, over three batches.
    std::fs::write(&file, requests(25_000, |i| (i % 7 == 0).then_some(BARCELONA))).unwrap();
    let table = ocsae::io::csv_input::read(&file, 64).unwrap();
    let done =
        ocsae::io::import::certificates_from(anna.as_ref(), &table, chrono_tz::Europe::Madrid, at(NOW))
            .unwrap();
    assert_eq!((done.rows, done.records), (25_000, 25_000));
    assert_eq!(stored(&db), (25_000, 1));
    let mut sql = db.sql(ADMIN);
    let entry = sql
        .query_one(
            "SELECT edits, comarques, author FROM ocsae.history WHERE change = 'import.certificates'",
            &[],
        )
        .unwrap();
    assert_eq!(entry.get::<_, i32>(0), 25_000);
    assert_eq!(entry.get::<_, Vec<String>>(1), ["Barcelonès", "Noguera"]);
    assert_eq!(entry.get::<_, String>(2), "anna");
    // Every record as its edit says, under its council's comarca.
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.certificate c JOIN ocsae.history_edit e \
             ON e.kind = 'certificate' AND e.key = c.id::text AND e.after = c.record AND e.comarca = c.comarca \
             AND (c.record ->> 'ine')::int = c.ine"
        ),
        25_000
    );
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.certificate WHERE comarca = 'Barcelonès'"
        ),
        (25_000 + 6) / 7
    );
    let undone = anna.undo(at(NOW)).unwrap().expect("the import is undone");
    assert_eq!(undone.edits.len(), 25_000);
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.certificate"), 0);
    anna.redo(at(NOW)).unwrap().expect("and redone");
    assert_eq!(count(&mut sql, "SELECT count(*) FROM ocsae.certificate"), 25_000);
}

/// A file read afresh at each pass, whose rows change from the `from`th pass on
/// (a colleague saving it while it is imported).
struct Changing {
    before: CsvTable,
    after: CsvTable,
    passes: usize,
    from: usize,
}

impl Source for Changing {
    fn rows(&mut self) -> Result<(Header, Rows<'_>), IoError> {
        self.passes += 1;
        let table = match self.passes >= self.from {
            true => &self.after,
            false => &self.before,
        };
        Ok((table.header(), Box::new(table.rows.iter().cloned().map(Ok))))
    }

    fn was_latin(&self) -> bool {
        false
    }

    fn path(&self) -> std::path::PathBuf {
        "requests.csv".into()
    }
}

#[test]
fn a_file_that_changes_between_the_readings_of_a_shared_import_leaves_nothing() {
    let Some(cluster) = pg::cluster() else { return };
    let db = cluster.database();
    seed(open(&db, ADMIN).as_ref(), &Scope::All, at(NOW)).unwrap();
    let anna = open(&db, "anna");
    let dir = tempfile::tempdir().unwrap();
    let table = |csv: String| {
        let file = dir.path().join("requests.csv");
        std::fs::write(&file, csv).unwrap();
        ocsae::io::csv_input::read(&file, 64).unwrap()
    };
    let plain = || requests(25_000, |_| None);
    // A council of another comarca past the first batches; one row more; one row less.
    for changed in [
        requests(25_000, |i| (i == 21_000).then_some(BARCELONA)),
        requests(25_001, |_| None),
        requests(24_999, |_| None),
    ] {
        // The header is read first, then the file once to plan and once to write:
        // the third reading is the changed file.
        let mut source = Changing {
            before: table(plain()),
            after: table(changed),
            passes: 0,
            from: 3,
        };
        let tz = chrono_tz::Europe::Madrid;
        let result = apply(
            anna.as_ref(),
            What::Certificates,
            &mut source,
            tz,
            at(NOW),
            at(NOW),
        );
        assert!(
            matches!(result, Err(IoError::Changed { .. })),
            "refused as a changed file: {result:?}"
        );
        assert_eq!(stored(&db), (0, 0), "nothing of it is kept");
        let mut sql = db.sql(ADMIN);
        assert_eq!(
            count(
                &mut sql,
                "SELECT count(*) FROM ocsae.history_edit WHERE kind = 'certificate'"
            ),
            0
        );
    }
    // The store takes the next import.
    let mut source = Changing {
        before: table(plain()),
        after: table(plain()),
        passes: 0,
        from: 3,
    };
    apply(
        anna.as_ref(),
        What::Certificates,
        &mut source,
        chrono_tz::Europe::Madrid,
        at(NOW),
        at(NOW),
    )
    .unwrap();
    assert_eq!(stored(&db), (25_000, 1));
}

/// Every export as JSON, without who made each record (the system user on sled,
/// the role on PostgreSQL).
fn exports_without_authors(home: &Path, store: &str) -> Vec<serde_json::Value> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(fields) => {
                fields.remove("created_by");
                fields.remove("updated_by");
                fields.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    ["municipalities", "rollout", "certificates", "activity"]
        .iter()
        .map(|what| {
            let mut v: serde_json::Value =
                serde_json::from_str(&ok(ocsae(home, store, &["export", what, "--format", "json"]))).unwrap();
            strip(&mut v);
            v
        })
        .collect()
}

#[test]
fn contacts_rollout_and_activity_imports_write_on_a_shared_store_what_they_write_on_sled() {
    let Some(cluster) = pg::cluster() else { return };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = cluster.database();
    let sled = format!("sled:{}", h.join("store").display());
    ok(ocsae(h, &db.url(ADMIN), &["init", "--comarca", "Noguera"]));
    ok(ocsae(h, &sled, &["init", "--comarca", "Noguera"]));
    let files = [
        (
            "contacts",
            "ine_code,role,name,phone\n252228,mayor,Anna Vidal,973000000\n250024,secretary,Pere Font,973000001\n",
        ),
        (
            "rollout",
            "ine_code,service,status\n252228,e-notum,done\n250024,e-notum,in_progress\n",
        ),
        (
            "activity",
            "kind;municipality;summary;received_at;status\n\
             call;Tiurana;Canvi de contrasenya;2026-11-20 10:00;\n\
             email;Àger;Alta a e-NOTUM;20/11/2026 11:00;open\n",
        ),
        ("certificates", &requests(3, |_| None)),
    ];
    for (what, body) in files {
        let file = h.join(format!("{what}.csv"));
        std::fs::write(&file, body).unwrap();
        for store in [sled.as_str(), &db.url("anna")] {
            ok(ocsae(h, store, &["import", what, file.to_str().unwrap()]));
        }
    }
    assert_eq!(
        exports_without_authors(h, &db.url("anna")),
        exports_without_authors(h, &sled)
    );
    // Each import one entry, saying how many edits it holds and where.
    let mut sql = db.sql(ADMIN);
    for row in sql
        .query(
            "SELECT h.change, h.edits, h.comarques, (SELECT count(*) FROM ocsae.history_edit e WHERE e.seq = h.seq) \
             FROM ocsae.history h WHERE h.change LIKE 'import.%' ORDER BY h.seq",
            &[],
        )
        .unwrap()
    {
        let change: String = row.get(0);
        assert_eq!(i64::from(row.get::<_, i32>(1)), row.get::<_, i64>(3), "{change}");
        assert_eq!(row.get::<_, Vec<String>>(2), ["Noguera"], "{change}");
    }
    assert_eq!(
        count(
            &mut sql,
            "SELECT count(*) FROM ocsae.history WHERE change LIKE 'import.%'"
        ),
        4
    );
}
