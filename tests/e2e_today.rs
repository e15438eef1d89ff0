//! The binary in a pseudo-terminal opens on Avui, and Enter on a line reaches
//! its record on its own tab, selected.

mod common;

use common::pty::{binary, spawn};
use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-11-26T10:30:00+01:00";

fn ocsae(home: &Path, args: &[&str]) {
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
}

#[test]
fn the_dashboard_opens_on_avui_and_enter_reaches_the_request() {
    let home = tempfile::tempdir().unwrap();
    // A config of the user's own, saying nothing of the first screen.
    let config = home.path().join("config/ocsae/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "").unwrap();
    ocsae(home.path(), &["init"]);
    // Received on Tuesday 10: overdue since the 17th.
    let add = [
        "cert",
        "add",
        "--municipality",
        "Tiurana",
        "--holder",
        "Maria Puig",
        "--role",
        "mayor",
        "--type",
        "tcat",
        "--received",
        "2026-11-10T10:00",
    ];
    ocsae(home.path(), &add);

    let mut s = spawn(home.path(), &[], &[("OCSAE_NOW", NOW)], 80, 24);
    s.wait_for("Avui, 26/11/2026");
    let screen = s.wait_for("Tiurana · Maria Puig · T-CAT");
    assert!(
        screen.contains("▾ Certificats vençuts o a 2 dies feiners (1)"),
        "{screen}"
    );
    assert!(screen.contains("VENÇUT"), "{screen}");
    // Down to the request, Enter: the queue, with it selected.
    s.send("\x1b[B");
    s.send("\r");
    s.wait_for("Cua T-CAT");
    let selected = s.with_screen(|sc| {
        let (rows, cols) = sc.size();
        let (rows, cols) = (rows.get(), cols.get());
        (0..rows).find_map(|r| {
            let line: String = (0..cols)
                .filter_map(|c| sc.cell(r, c).map(|x| x.contents()))
                .collect();
            let inverse = sc.cell(r, 2).is_some_and(|c| c.inverse());
            (line.contains("Maria Puig") && inverse).then_some(line)
        })
    });
    assert!(
        selected.is_some(),
        "the request is not selected:\n{}",
        s.contents()
    );
    s.send("0");
    s.wait_for("Avui, 26/11/2026");
    s.send("q");
    assert_eq!(s.wait_exit(), 0);
}
