//! The binary in a pseudo-terminal, as a new user would try issue 18: a mayor
//! replaced after the elections, a T-CAT P's countdown, a 13th service.

mod common;

use common::pty::{binary, spawn};
use std::path::Path;
use std::process::{Command, Output};

/// Ten days after the 2027 municipal elections.
const NOW: &str = "2027-06-02T10:30:00+02:00";

fn ocsae(home: &Path, args: &[&str]) -> Output {
    let out = Command::new(binary())
        .args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("OCSAE_NOW", NOW)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A store with Tiurana's mayor, Maria Puig, her card issued in 2025, and a
/// T-CAT P issued on 20 May for Àger.
fn store(home: &Path) {
    ocsae(home, &["init"]);
    let contacts = home.join("contacts.csv");
    std::fs::write(&contacts, "ine_code,role,name\n252228,mayor,Maria Puig\n").unwrap();
    ocsae(home, &["import", "contacts", contacts.to_str().unwrap()]);
    let certs = home.join("certs.csv");
    std::fs::write(
        &certs,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,delivered_at\n\
         252228,Maria Puig,mayor,tcat,new,no,delivered,2025-03-01 10:00,2025-03-10 10:00,2025-03-12 10:00\n\
         250024,Jordi Solé,other,tcat-p,new,no,issued,2027-05-18 10:00,2027-05-20 10:00,\n",
    )
    .unwrap();
    ocsae(home, &["import", "certificates", certs.to_str().unwrap()]);
}

fn certificates(home: &Path) -> Vec<serde_json::Value> {
    let out = ocsae(home, &["export", "certificates"]);
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_mayor_replaced_after_the_elections_gets_the_new_request_and_the_old_revocation_in_two_keys() {
    let home = tempfile::tempdir().unwrap();
    store(home.path());
    let mut s = spawn(home.path(), &[], &[("OCSAE_NOW", NOW)], 80, 24);
    s.wait_for("Municipis");
    // Tiurana's page, its contacts, the mayor's name replaced.
    s.send("g");
    s.send("tiurana");
    s.wait_for("Tiurana");
    s.send("\r");
    s.send("e");
    s.wait_for("Maria Puig");
    s.send("\x15");
    s.send("Joan Soler");
    s.send("\r");
    s.wait_for("Maria Puig → Joan Soler");
    // b: the revocation filed, the new holder's form open; Enter files it.
    s.send("b");
    s.wait_for("Joan Soler");
    s.send("\r");
    s.wait_for("Desat #4: termini 09/06/2027 24:00. Avís: eleccions municipals");
    s.send("q");
    s.wait_exit();
    let certs = certificates(home.path());
    let revocation = certs.iter().find(|c| c["operation"] == "revocation").unwrap();
    assert_eq!(revocation["revokes_id"], 1);
    assert_eq!(revocation["revocation_reason"], "relationship_ended");
    let new = certs.iter().find(|c| c["holder"] == "Joan Soler").unwrap();
    assert_eq!(
        (new["role"].as_str(), new["ine_code"].as_str()),
        (Some("mayor"), Some("252228"))
    );
}

#[test]
fn a_software_certificate_shows_its_delivery_countdown() {
    let home = tempfile::tempdir().unwrap();
    store(home.path());
    let mut s = spawn(home.path(), &[], &[("OCSAE_NOW", NOW)], 80, 24);
    s.wait_for("Municipis");
    s.send("3");
    // Issued on 20 May: 30 natural days, to 19 June; 17 left after today.
    let screen = s.wait_for("⇢ lliurar 17d");
    assert!(screen.contains("Jordi Solé"), "{screen}");
    s.send("q");
    s.wait_exit();
}

#[test]
fn a_13th_service_imported_scrolls_into_view_at_80x24() {
    let home = tempfile::tempdir().unwrap();
    ocsae(home.path(), &["init"]);
    let file = home.path().join("cataleg.toml");
    let mut text = String::new();
    for (id, short) in [
        ("govern-obert", "GOB"),
        ("representa", "REP"),
        ("e-valisa", "VAL"),
        ("mux", "MUX"),
        ("decidim", "DEC"),
        ("hestia", "HES"),
    ] {
        text.push_str(&format!(
            "[[services]]\nid = \"{id}\"\nshort = \"{short}\"\nname = \"{id}\"\nsteps = [\"Alta\"]\n\n"
        ));
    }
    std::fs::write(&file, text).unwrap();
    ocsae(home.path(), &["services", "import", file.to_str().unwrap()]);
    let mut s = spawn(home.path(), &[], &[("OCSAE_NOW", NOW)], 80, 24);
    s.wait_for("Municipis");
    s.send("2");
    let screen = s.wait_for("TRA VOB");
    assert!(
        screen.contains("GOB") && !screen.contains("HES"),
        "18 columns: the last is out of view\n{screen}"
    );
    for _ in 0..17 {
        s.send("\x1b[C");
    }
    let screen = s.wait_for("HES hestia");
    assert!(screen.contains("‹") && screen.contains("Àger"), "{screen}");
    s.send("q");
    s.wait_exit();
}
