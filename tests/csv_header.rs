//! Every CSV export writes its header, with records or without.

mod common;

use common::cli::{ocsae_at, text};
use ocsae::io::Format;
use ocsae::io::export;

const NOW: &str = "2026-12-05T12:00:00+01:00";

fn header(csv: &str) -> &str {
    csv.lines().next().unwrap_or("")
}

#[test]
fn an_export_of_no_certificates_writes_the_header_an_export_of_some_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(ocsae_at(&db, &["init"], NOW).status.success());
    let out = ocsae_at(&db, &["export", "certificates", "--format", "csv"], NOW);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let empty = text(&out.stdout);
    assert!(
        empty.starts_with("\u{FEFF}id,ine_code,municipality,holder,"),
        "{empty:?}"
    );
    assert_eq!(empty.lines().count(), 1, "{empty:?}");
    let add = [
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
    ];
    assert!(ocsae_at(&db, &add, NOW).status.success());
    let one = text(&ocsae_at(&db, &["export", "certificates", "--format", "csv"], NOW).stdout);
    assert_eq!(header(&empty), header(&one));
}

#[test]
fn the_councils_and_rollout_exports_have_their_header_with_no_council() {
    let tz = chrono_tz::Europe::Madrid;
    for (bytes, first) in [
        (
            export::municipalities(&[], &Default::default(), Format::Csv).unwrap(),
            "ine_code,name,comarca,",
        ),
        (
            export::rollout(&[], &[], &Default::default(), tz, Format::Csv).unwrap(),
            "ine_code,municipality,service,",
        ),
    ] {
        let csv = String::from_utf8(bytes).unwrap();
        assert!(csv.starts_with(&format!("\u{FEFF}{first}")), "{csv:?}");
        assert_eq!(csv.lines().count(), 1, "{csv:?}");
    }
}
