//! The phone call, in the binary in a pseudo-terminal at 80x24: finding the
//! council by a phone's digits and by a misspelt name, scrolling its page to
//! its last request, and the queue keeping the selection after `a`.

mod common;

use common::pty::{Session, binary, spawn};
use std::path::Path;
use std::process::Command;

/// Friday 4 December 2026, 10:00 in Barcelona: the clock of every run here.
const NOW: &str = "2026-12-04T10:00:00+01:00";

fn cli(home: &Path, args: &[&str]) {
    let out = Command::new(binary())
        .args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("LANG", "C.UTF-8")
        .env("OCSAE_NOW", NOW)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Noguera store where Tiurana has four contacts (the secretary's line is
/// longer than 80 columns) and three requests (one open, one rejected, one
/// cancelled), and two other councils have an open request each.
fn prepared() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    cli(home.path(), &["init"]);
    let contacts = home.path().join("contacts.csv");
    std::fs::write(
        &contacts,
        "ine_code,role,name,phone,email\n\
         252228,mayor,Josep Farré,973 45 00 01,\n\
         252228,secretary,Marta Vila i Casanovas,973 45 00 02,secretaria.intervencio@tiurana.cat\n\
         252228,service_manager,Anna Roca,973 45 00 03,\n\
         252228,data_certifier,Pere Solé,,pere@tiurana.cat\n",
    )
    .unwrap();
    cli(home.path(), &["import", "contacts", contacts.to_str().unwrap()]);
    let requests = home.path().join("requests.csv");
    std::fs::write(
        &requests,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,status_reason\n\
         252228,Josep Farré,mayor,tcat,new,no,received,2026-12-03 09:00,,\n\
         252228,Maria Puig,other,tcat,new,no,rejected,2026-12-02 09:00,,falta DNI\n\
         252228,Jordi Serra,other,tcat,new,no,cancelled,2026-12-02 10:00,,\n\
         250024,Joan Roca,mayor,tcat,new,no,received,2026-12-01 09:00,,\n\
         250609,Anna Vidal,mayor,tcat,new,no,received,2026-12-04 09:00,,\n",
    )
    .unwrap();
    cli(
        home.path(),
        &["import", "certificates", requests.to_str().unwrap()],
    );
    home
}

fn start(home: &Path) -> Session {
    let s = spawn(home, &[], &[("OCSAE_NOW", NOW)], 80, 24);
    s.wait_for("Àger");
    s
}

fn quit(mut s: Session) {
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}

#[test]
fn a_council_is_found_by_the_last_digits_of_a_phone_and_by_a_misspelt_name() {
    let home = prepared();
    let mut s = start(home.path());
    s.send("g");
    s.wait_for("Salta a un municipi");
    s.send("450002");
    let screen = s.wait_for("Marta Vila i Casanovas · 973 450 002");
    assert!(screen.contains("Tiurana"), "{screen}");
    s.send("\r");
    s.wait_for("INE 252228");
    s.send("\x1b");
    s.wait_gone("INE 252228");
    s.send("g");
    s.wait_for("Salta a un municipi");
    s.send("+34 973 45 00 01");
    s.wait_for("Josep Farré · alcalde/essa · 973 450 001");
    s.send("\x1b");
    s.wait_gone("Salta a un municipi");
    s.send("g");
    s.wait_for("Salta a un municipi");
    s.send("tiurna");
    s.wait_for("≈ Tiurana");
    s.send("\r");
    s.wait_for("INE 252228");
    quit(s);
}

#[test]
fn the_council_page_scrolls_to_its_last_request_at_80x24() {
    let home = prepared();
    let mut s = start(home.path());
    s.send("g");
    s.wait_for("Salta a un municipi");
    s.send("tiurana\r");
    let screen = s.wait_for(" més");
    assert!(
        !screen.contains("#3 Jordi Serra"),
        "the last request starts hidden:\n{screen}"
    );
    // The secretary's line wraps under itself.
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("    secretaria.intervencio@tiurana.cat")),
        "{screen}"
    );
    // ↓ until nothing is below: the last request, Maria Puig's rejection, is in sight.
    for _ in 0..30 {
        if !s.contents().contains(" més") {
            break;
        }
        s.send("\x1b[B");
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    let screen = s.wait_for("#2 Maria Puig · T-CAT · rebutjada: falta DNI");
    assert!(
        screen.contains("#3 Jordi Serra · T-CAT · cancel·lada"),
        "{screen}"
    );
    assert!(
        !screen.contains(" més"),
        "nothing is below the last request:\n{screen}"
    );
    let last = screen
        .lines()
        .rev()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        last.contains("#2 Maria Puig"),
        "the last line of the page is the last request:\n{screen}"
    );
    // PgUp goes back to the top.
    s.send("\x1b[5~\x1b[5~");
    s.wait_for("INE 252228");
    quit(s);
}

#[test]
fn after_a_the_selection_stays_on_the_request_it_moved() {
    let home = prepared();
    let mut s = start(home.path());
    s.send("3");
    s.wait_for("Cua T-CAT · en curs: 3");
    // The queue by deadline: Joan Roca (#4), Josep Farré (#1), Anna Vidal (#5).
    s.send("j");
    s.send("a");
    s.wait_for("a EACAT");
    s.send("a");
    s.wait_for("Emesa la #1 (Josep Farré)");
    s.send("\r");
    let screen = s.wait_for("per lliurar: 1");
    let row = screen
        .lines()
        .find(|l| l.contains("Josep Farré"))
        .unwrap_or_default()
        .trim_end()
        .to_string();
    assert!(
        row.starts_with("per lliurar") && row.ends_with("emesa"),
        "{screen}"
    );
    // The next `a` is about #1 still: its delivery, not the request below.
    s.send("a");
    s.wait_for("Lliurada la #1 (Josep Farré)");
    s.send("\x1b");
    s.wait_gone("Lliurada la #1");
    quit(s);
}
