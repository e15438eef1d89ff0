//! Issue 18's third review: one renewal rule for `n` and bulk `n` (a
//! certificate not yet due is refused, and said so), counts of one in the
//! singular, a revocation keeps its certificate's spelling, Avui's whole words.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::HolderRole;

/// On 30/11/2026: #1 due (expires 10/01/2027), #2 far from it (06/03/2029,
/// 827 d), #3 expired on 01/11/2026; on the expiry view.
fn due_far_and_expired() -> Fixture {
    let mut f = with_certs(
        vec![
            issued(252228, "Maria Puig", HolderRole::Mayor, "2023-01-10T10:00:00Z"),
            issued(
                250024,
                "Jordi Solé",
                HolderRole::Secretary,
                "2025-03-06T10:00:00Z",
            ),
            issued(
                250024,
                "Anna Vives",
                HolderRole::Intervenor,
                "2022-11-01T10:00:00Z",
            ),
        ],
        "2026-11-30T09:00:00Z",
    );
    press(&mut f.app, KeyCode::Char('v'));
    f
}

fn row_of(f: &Fixture, holder: &str) -> usize {
    let s = screen(&f.app, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    let target = lines.iter().position(|l| l.contains(holder)).unwrap();
    let first = lines
        .iter()
        .position(|l| {
            ["Maria Puig", "Jordi Solé", "Anna Vives"]
                .iter()
                .any(|h| l.contains(h))
        })
        .unwrap();
    target - first
}

#[test]
fn bulk_renewal_says_a_certificate_not_yet_due_is_not_yet_due_and_counts_one_in_the_singular() {
    let mut f = due_far_and_expired();
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("1 marcat") && !s.contains("1 marcats"), "{s}");
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    assert!(screen(&f.app, 80, 24).contains("3 marcats"));
    press(&mut f.app, KeyCode::Char('n'));
    let status = status_text(&f.app, &screen(&f.app, 240, 24), 240);
    assert!(
        status.contains(
            "1 renovació registrada (#4); u la desfà. No registrades: #3 ha caducat: cal una sol·licitud nova; #2 encara no és a la finestra de renovació (caduca en 827 d)."
        ),
        "{status}"
    );
    assert_eq!(cert(&f, 4).renews(), Some(1));
    assert_eq!(f.app.data.certs.list.len(), 4);
    // Undoing the one renewal names it in the singular.
    press(&mut f.app, KeyCode::Char('u'));
    let status = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(status.contains("Desfet: #4 Maria Puig, renovació."), "{status}");
    assert_eq!(f.app.data.certs.list.len(), 3);
}

#[test]
fn n_on_a_certificate_not_yet_due_is_refused_as_bulk_renewal_refuses_it() {
    let mut f = due_far_and_expired();
    press(&mut f.app, KeyCode::Home);
    for _ in 0..row_of(&f, "Jordi Solé") {
        press(&mut f.app, KeyCode::Down);
    }
    press(&mut f.app, KeyCode::Char('n'));
    assert!(f.app.popup.is_none(), "no renewal form");
    let status = status_text(&f.app, &screen(&f.app, 240, 24), 240);
    assert!(
        status.contains("El certificat #2 encara no és a la finestra de renovació (caduca en 827 d)"),
        "{status}"
    );
    assert_eq!(f.app.data.certs.list.len(), 3);
    // The due one still opens its renewal.
    press(&mut f.app, KeyCode::Home);
    for _ in 0..row_of(&f, "Maria Puig") {
        press(&mut f.app, KeyCode::Down);
    }
    press(&mut f.app, KeyCode::Char('n'));
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .expect("a renewal form");
    assert_eq!(form.renews, Some(1));
}

#[test]
fn a_revocation_typed_in_other_letter_case_is_stored_with_its_certificates_spelling() {
    let Fixture {
        app, disk, dir: keep, ..
    } = two_certificates();
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-05T12:00:00+01:00");
    let out = run(&[
        "cert",
        "add",
        "--municipality",
        "Tiurana",
        "--holder",
        "maria PUIG",
        "--role",
        "mayor",
        "--type",
        "tcat",
        "--operation",
        "revocation",
        "--revokes",
        "1",
        "--revocation-reason",
        "card_lost",
    ]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    // An import's row is stored the same way.
    let csv = keep.path().join("rev.csv");
    std::fs::write(
        &csv,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,revokes_id,revocation_reason\n\
         250024,jordi solé,secretary,tcat,revocation,no,received,2026-12-01T10:00:00,,2,data_changed\n",
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let out = run(&["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let holders: Vec<(u64, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == "revocation")
        .map(|c| (c["revokes_id"].as_u64().unwrap(), c["holder"].as_str().unwrap()))
        .collect();
    assert_eq!(holders, [(1, "Maria Puig"), (2, "Jordi Solé")]);
}

#[test]
fn avui_cuts_a_long_operator_reminder_at_a_whole_word_at_80_columns() {
    let Fixture {
        app,
        disk,
        dir,
        clock,
    } = fixture();
    drop(app);
    drop(disk);
    let path = dir.path().to_path_buf();
    let name = "Maria Dolors Castellví Puigdomènech";
    let out = common::cli::ocsae_at(
        &path,
        &["operator", "add", "--name", name, "--card-issued", "2023-01-15"],
        "2026-11-30T12:00:00+01:00",
    );
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let disk = std::sync::Arc::new(common::faulty::FaultyStore::new(open_store(&path)));
    let mut app = open_app(
        disk,
        ocsae::i18n::Lang::Ca,
        ocsae::config::Config::default(),
        &clock,
    );
    clock.set(at("2026-11-30T11:00:00Z"));
    press(&mut app, KeyCode::Char('0'));
    let s = screen(&app, 80, 24);
    let line = s
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{s}"));
    let shown = line[line.find(name).unwrap()..].trim_end();
    let full = format!("{name}: renovar-la vol dir tornar a enviar la Fitxa d'ER");
    let kept = shown.strip_suffix('…').unwrap_or_else(|| panic!("cut: {line}"));
    assert!(
        full.starts_with(kept) && full[kept.len()..].starts_with(' '),
        "cut mid-word: {line}"
    );
}

#[test]
fn the_closed_view_counts_a_revocation_on_its_way_apart_from_one_done() {
    // #1 issued and never handed over, its revocation #2 filed and not yet done.
    let mut certificate = issued(252228, "Maria Puig", HolderRole::Mayor, "2026-10-10T10:00:00Z");
    certificate.status = ocsae::domain::certificate::CertStatus::Issued;
    certificate.delivered_at = None;
    let mut revocation = issued(252228, "Maria Puig", HolderRole::Mayor, "2026-11-20T10:00:00Z");
    revocation.operation = ocsae::domain::certificate::Operation::Revocation;
    revocation.status = ocsae::domain::certificate::CertStatus::Filed;
    revocation.issued_at = None;
    revocation.delivered_at = None;
    revocation.set_revokes(Some(1));
    revocation.set_revocation_reason(Some(ocsae::domain::revocation::RevocationReason::CardLost));
    let mut f = with_certs(vec![certificate, revocation], "2026-11-30T09:00:00Z");
    for _ in 0..3 {
        if screen(&f.app, 100, 24).contains("cancel·lades:") {
            break;
        }
        press(&mut f.app, KeyCode::Char('v'));
    }
    let s = screen(&f.app, 100, 24);
    assert!(s.contains("Maria Puig"), "{s}");
    assert!(s.contains("en revocació: 1"), "{s}");
    assert!(
        !s.contains("revocacions:"),
        "a revocation on its way counted as done: {s}"
    );
}
