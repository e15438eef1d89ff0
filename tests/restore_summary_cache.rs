//! The dashboard's per-council summary (open requests, next deadline) written
//! by `restore` as the requests are read from the store one at a time: the same
//! figures a full load of every request gives.

mod common;

use common::cli::{ocsae_at, text};
use ocsae::app::{data::Data, summary_cache};
use ocsae::domain::calendar::Calendar;
use std::fmt::Write;

const NOW: &str = "2026-12-05T12:00:00+01:00";
const CACHE: &str = "council-certificates";

fn ok(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn the_summary_a_restore_writes_is_the_one_a_full_load_of_the_requests_gives() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base");
    ok(ocsae_at(&db, &["init"], NOW));
    // Requests of every status, urgent or not, over a few councils of the
    // Noguera; Tiurana's are all closed, Àger has none.
    let councils = ["252228", "250083", "250156", "250404"];
    let statuses = [
        "received",
        "awaiting_documents",
        "filed",
        "issued",
        "delivered",
        "rejected",
        "cancelled",
    ];
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for i in 0..140 {
        let (ine, status) = (councils[i % 4], statuses[i % 7]);
        let status = if ine == "252228" && ["received", "awaiting_documents", "filed"].contains(&status) {
            "delivered"
        } else {
            status
        };
        let urgent = if i % 3 == 0 { "yes" } else { "no" };
        let day = 1 + i % 28;
        let issued = if ["issued", "delivered"].contains(&status) {
            format!("2026-11-{day:02} 17:00")
        } else {
            String::new()
        };
        writeln!(
            csv,
            "{ine},Holder {i},mayor,classe-1,new,{urgent},{status},2026-11-{day:02} 09:{:02},{issued}",
            i % 60
        )
        .unwrap();
    }
    let csv_path = dir.path().join("requests.csv");
    std::fs::write(&csv_path, csv).unwrap();
    ok(ocsae_at(
        &db,
        &["import", "certificates", csv_path.to_str().unwrap()],
        NOW,
    ));
    let backup = dir.path().join("bk.json");
    ok(ocsae_at(&db, &["backup", backup.to_str().unwrap()], NOW));

    let copy = dir.path().join("copy");
    ok(ocsae_at(&copy, &["restore", backup.to_str().unwrap()], NOW));
    let store = common::open_store(&copy);
    let written = store.read_cache(CACHE).expect("restore writes the summary");

    // The figures as the dashboard computes them from every request held.
    let tz = chrono_tz::Europe::Madrid;
    let data = Data::load(store.as_ref(), Calendar::catalan(&[], tz)).unwrap();
    summary_cache::save(store.as_ref(), &data, &summary_cache::fingerprint(tz, &[]));
    let full = store.read_cache(CACHE).unwrap();
    assert_eq!(written, full);

    // Not an empty or trivial summary: open counts and deadlines where due,
    // none for a council whose requests are all closed, none for one without any.
    let line = |ine: &str| {
        written
            .lines()
            .find(|l| l.starts_with(&format!("{ine} ")))
            .unwrap()
            .to_string()
    };
    assert_eq!(line("252228"), "252228 0 -");
    assert_eq!(line("250024"), "250024 0 -");
    assert!(
        line("250404")
            .split(' ')
            .nth(1)
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 0
    );
    assert_ne!(line("250404").split(' ').nth(2), Some("-"));
}
