//! The service catalogue in the store, and rollout statuses imported from a file.

mod common;

use common::cli::{ocsae_at, text};
use common::*;
use crossterm::event::KeyCode;
use ocsae::store::Store;
use std::path::Path;

const NOW: &str = "2026-12-05T12:00:00+01:00";

fn ocsae(db: &Path, args: &[&str]) -> std::process::Output {
    ocsae_at(db, args, NOW)
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = ocsae(&dir.path().join("db"), &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

const GOVERN_OBERT: &str = "[[services]]\nid = \"govern-obert\"\nshort = \"GOB\"\nname = \"Govern Obert\"\nsteps = [\"Alta a EACAT\", \"Portal publicat\", \"En producció\"]\n";

#[test]
fn a_13th_service_becomes_a_pending_column_and_a_retired_one_is_kept_in_exports() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    std::fs::write(
        &file,
        format!("{GOVERN_OBERT}\n[[services]]\nid = \"e-fact\"\nretired = true\n"),
    )
    .unwrap();
    let out = ocsae(&db, &["services", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Catalogue saved: 1 new service, 1 service retired, 12 columns in the matrix."
    );
    // The export writes it back, the retired one marked, in the same format.
    let out = ocsae(&db, &["services", "export"]);
    let exported: toml::Table = toml::from_str(&text(&out.stdout)).unwrap();
    let services = exported["services"].as_array().unwrap();
    assert_eq!(services.len(), 13);
    assert_eq!(services[12]["id"].as_str(), Some("govern-obert"));
    let fact = services
        .iter()
        .find(|s| s["id"].as_str() == Some("e-fact"))
        .unwrap();
    assert_eq!(fact["retired"].as_bool(), Some(true));
    // Importing the export changes nothing.
    let back = dir.path().join("back.toml");
    std::fs::write(&back, text(&out.stdout)).unwrap();
    let out = ocsae(&db, &["services", "import", back.to_str().unwrap()]);
    assert_eq!(
        text(&out.stdout).trim(),
        "The catalogue was so already: nothing to change."
    );
    // The rollout export: 13 services per council, the new one pending, the retired one kept.
    let out = ocsae(&db, &["export", "rollout"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 30 * 13);
    let tiurana = |service: &str| {
        rows.iter()
            .find(|r| r["ine_code"] == "252228" && r["service"] == service)
            .unwrap()
            .clone()
    };
    assert_eq!(tiurana("govern-obert")["status"], "pending");
    assert_eq!(tiurana("e-fact")["retired"], true);
}

#[test]
fn a_bad_entry_is_named_and_nothing_is_changed() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    std::fs::write(
        &file,
        format!("{GOVERN_OBERT}\n[[services]]\nid = \"representa\"\nshort = \"REPR\"\nname = \"Representa\"\nsteps = [\"Alta\"]\n"),
    )
    .unwrap();
    let out = ocsae(&db, &["services", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "ocsae: services[2] (representa): short must be 3 letters, not «REPR»"
    );
    let out = ocsae(&db, &["services", "export"]);
    assert!(!text(&out.stdout).contains("govern-obert"), "all or nothing");
}

#[test]
fn the_new_column_scrolls_into_view_at_80_columns_keeping_the_headers_and_the_council() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    // Eight more services: 20 columns do not fit in 80.
    let mut text_file = GOVERN_OBERT.to_string();
    for (id, short) in [
        ("representa", "REP"),
        ("e-valisa", "VAL"),
        ("mux", "MUX"),
        ("decidim", "DEC"),
        ("fue-local", "FUE"),
        ("iarxiu", "IAR"),
        ("hestia", "HES"),
    ] {
        text_file.push_str(&format!(
            "\n[[services]]\nid = \"{id}\"\nshort = \"{short}\"\nname = \"{id}\"\nsteps = [\"Alta\"]\n"
        ));
    }
    std::fs::write(&file, text_file).unwrap();
    assert!(
        ocsae(&db, &["services", "import", file.to_str().unwrap()])
            .status
            .success()
    );
    let clock = ocsae::domain::clock::FixedClock::new(at("2026-12-05T11:00:00Z"));
    let store = open_store(&db);
    let mut app = open_app(
        std::sync::Arc::from(store),
        ocsae::i18n::Lang::Ca,
        ocsae::config::Config::default(),
        &clock,
    );
    press(&mut app, KeyCode::Char('2'));
    let s = screen(&app, 80, 24);
    let header = s.lines().find(|l| l.contains("TRA")).unwrap().to_string();
    assert!(header.contains("›") && !header.contains("HES"), "{s}");
    for _ in 0..19 {
        press(&mut app, KeyCode::Right);
    }
    let s = screen(&app, 80, 24);
    let header = s
        .lines()
        .find(|l| l.contains("HES"))
        .unwrap_or_else(|| panic!("{s}"))
        .to_string();
    assert!(
        header.contains("GOB") && header.contains("‹") && !header.contains("TRA"),
        "{s}"
    );
    assert!(
        s.contains("Àger") && s.contains("Cabanabona"),
        "the council column stays: {s}"
    );
    // The done column stays too, and names are as wide as before scrolling.
    assert!(header.contains("Impl."), "{s}");
    assert!(s.contains("Castelló de Farfanya"), "{s}");
    assert!(s.contains("HES hestia"), "the selected column's name: {s}");
}

#[test]
fn rollout_statuses_import_by_ine_code_or_codi_ens_all_or_nothing_with_their_source() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("estat.csv");
    // Tiurana by INE code; Àger (250024) by its CODI_ENS; Os de Balaguer's CODI_ENS
    // with its zeros as a spreadsheet keeps them.
    std::fs::write(
        &file,
        "ine_code,service,status,notes\n252228,e-notum,done,\n2500240001,NOT,in_progress,a mig fer\n2515690000,eacat,blocked,sense conveni\n",
    )
    .unwrap();
    let out = ocsae(&db, &["import", "rollout", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = ocsae(&db, &["export", "rollout"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cell = |ine: &str, service: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|r| r["ine_code"] == ine && r["service"] == service)
            .unwrap()
            .clone()
    };
    assert_eq!(cell("252228", "e-notum")["status"], "done");
    assert_eq!(cell("252228", "e-notum")["source"], "estat.csv:2");
    assert_eq!(cell("250024", "e-notum")["status"], "in_progress");
    assert_eq!(cell("250024", "e-notum")["notes"], "a mig fer");
    assert_eq!(cell("251569", "eacat")["blocked_reason"], "sense conveni");
    assert_eq!(cell("252228", "eacat")["source"], "", "untouched cells have none");

    // A row that names no council: nothing of the file is applied.
    std::fs::write(
        &file,
        "ine_code,service,status\n252228,e-tram,done\n99999999999,e-tram,done\n",
    )
    .unwrap();
    let out = ocsae(&db, &["import", "rollout", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("3"), "{}", text(&out.stderr));
    let out = ocsae(&db, &["export", "rollout"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tram = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ine_code"] == "252228" && r["service"] == "e-tram")
        .unwrap()
        .clone();
    assert_eq!(tram["status"], "pending");
}

#[test]
fn a_status_for_a_retired_service_refuses_the_whole_file_naming_line_and_service() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    std::fs::write(&file, "[[services]]\nid = \"e-fact\"\nretired = true\n").unwrap();
    assert!(
        ocsae(&db, &["services", "import", file.to_str().unwrap()])
            .status
            .success()
    );
    let csv = dir.path().join("estat.csv");
    std::fs::write(
        &csv,
        "ine_code,service,status\n252228,e-tram,done\n252228,e-fact,done\n",
    )
    .unwrap();
    let out = ocsae(&db, &["import", "rollout", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("e-fact") && err.contains("retired"),
        "{err}"
    );
    let out = ocsae(&db, &["export", "rollout"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cell = |service: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|r| r["ine_code"] == "252228" && r["service"] == service)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(cell("e-tram"), "pending", "all or nothing");
    assert_eq!(cell("e-fact"), "pending");
}

#[test]
fn a_council_code_of_the_wrong_length_says_which_lengths_are_accepted() {
    let dir = seeded();
    let db = dir.path().join("db");
    let csv = dir.path().join("estat.csv");
    for wrong in ["25222800", "25222800011"] {
        std::fs::write(&csv, format!("ine_code,service,status\n{wrong},e-tram,done\n")).unwrap();
        let out = ocsae(&db, &["import", "rollout", csv.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.contains("line 2")
                && err.contains(wrong)
                && err.contains(&format!("{} digits", wrong.len()))
                && err.contains("6-digit INE code")
                && err.contains("10-digit CODI_ENS"),
            "{err}"
        );
    }
}

#[test]
fn a_singular_service_table_is_named_with_the_plural_meant() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    std::fs::write(&file, GOVERN_OBERT.replace("[[services]]", "[[service]]")).unwrap();
    let out = ocsae(&db, &["services", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 1") && err.contains("unknown field \"service\": did you mean \"services\"?"),
        "{err}"
    );
    std::fs::write(&file, GOVERN_OBERT.replace("short =", "shrt =")).unwrap();
    let err = text(&ocsae(&db, &["services", "import", file.to_str().unwrap()]).stderr);
    assert!(
        err.contains("line 3") && err.contains("did you mean \"short\"?"),
        "{err}"
    );
}

#[test]
fn a_catalogue_imported_elsewhere_shows_without_a_restart_and_its_undo_takes_it_back() {
    let mut f = fixture();
    f.clock.set(at("2026-12-05T11:00:00Z"));
    press(&mut f.app, KeyCode::Char('2'));
    assert!(!screen(&f.app, 80, 24).contains("GOB"));
    // Another process (a colleague on a shared store) imports Govern Obert.
    let file: ocsae::ops::catalogue::File = toml::from_str(GOVERN_OBERT).unwrap();
    let stored = !ocsae::app::data::stored_catalogue(f.disk.as_ref())
        .unwrap()
        .is_empty();
    let change = ocsae::ops::catalogue::apply_file(ocsae::domain::catalog::services(), stored, &file)
        .unwrap()
        .unwrap();
    f.disk.apply(change, at("2026-12-05T11:00:00Z")).unwrap();
    assert!(f.app.store_signal(ocsae::store::Signal::Changed(vec![])));
    let s = screen(&f.app, 80, 24);
    let header = s.lines().find(|l| l.contains("TRA")).unwrap();
    assert!(header.contains("GOB"), "{s}");
    // Its cells are there to set, pending, and the others keep theirs.
    assert_eq!(f.app.data.rollout[0].len(), 13);
    // Undone (by the colleague) while its column is selected: the column goes
    // again, and the selection moves to one still shown.
    for _ in 0..12 {
        press(&mut f.app, KeyCode::Right);
    }
    assert!(screen(&f.app, 80, 24).contains("GOB Govern Obert │"));
    f.disk.undo(at("2026-12-05T11:01:00Z")).unwrap();
    assert!(f.app.store_signal(ocsae::store::Signal::Changed(vec![])));
    let s = screen(&f.app, 80, 24);
    let header = s.lines().find(|l| l.contains("TRA")).unwrap();
    assert!(!header.contains("GOB") && header.contains("Impl."), "{s}");
    assert_eq!(f.app.data.rollout[0].len(), 12);
}

#[test]
fn below_80_columns_the_scrolled_matrix_keeps_its_markers_and_done_column() {
    let dir = seeded();
    let db = dir.path().join("db");
    let file = dir.path().join("cataleg.toml");
    let mut text_file = GOVERN_OBERT.to_string();
    for (id, short) in [("representa", "REP"), ("e-valisa", "VAL")] {
        text_file.push_str(&format!(
            "\n[[services]]\nid = \"{id}\"\nshort = \"{short}\"\nname = \"{id}\"\nsteps = [\"Alta\"]\n"
        ));
    }
    std::fs::write(&file, text_file).unwrap();
    assert!(
        ocsae(&db, &["services", "import", file.to_str().unwrap()])
            .status
            .success()
    );
    let clock = ocsae::domain::clock::FixedClock::new(at("2026-12-05T11:00:00Z"));
    let mut app = open_app(
        std::sync::Arc::from(open_store(&db)),
        ocsae::i18n::Lang::Ca,
        ocsae::config::Config::default(),
        &clock,
    );
    press(&mut app, KeyCode::Char('2'));
    for _ in 0..14 {
        press(&mut app, KeyCode::Char('l'));
    }
    for (w, h) in [(64, 16), (60, 16), (70, 20)] {
        let s = screen(&app, w, h);
        let header = s
            .lines()
            .find(|l| l.contains("VAL"))
            .unwrap_or_else(|| panic!("{w}x{h}: {s}"))
            .to_string();
        assert!(header.contains('‹') && !header.contains("TRA"), "{w}x{h}: {s}");
        assert!(header.contains("Impl."), "{w}x{h}: {s}");
    }
    // Back to the first column: the marker on the other side.
    for _ in 0..14 {
        press(&mut app, KeyCode::Char('h'));
    }
    let s = screen(&app, 64, 16);
    let header = s.lines().find(|l| l.contains("TRA")).unwrap().to_string();
    assert!(header.contains('›') && header.contains("Impl."), "{s}");
}
