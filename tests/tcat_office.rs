//! T-CAT around the office: the elections' warning, a change of office-holder,
//! the ER operators.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::HolderRole;
use ocsae::domain::municipality::IneCode;
use ocsae::domain::revocation::RevocationReason;

#[test]
fn a_mayors_card_filed_after_the_elections_is_warned_and_the_window_is_configurable() {
    let mut f = fixture();
    f.clock.set(at("2027-05-25T08:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Nou Alcalde");
    let s = screen(&f.app, 100, 30);
    assert!(
        s.contains("eleccions municipals el 23/05/2027"),
        "the form warns before saving: {s}"
    );
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    let s = screen(&f.app, 120, 24);
    assert!(s.contains("l'AOC aconsella esperar"), "{s}");

    // A window of 0 days: only election day itself.
    let config: ocsae::config::Config =
        toml::from_str("elections = [\"2027-05-23\"]\nelections_window_days = 0\n").unwrap();
    let mut f = fixture_with("Noguera", ocsae::i18n::Lang::Ca, config);
    f.clock.set(at("2027-05-25T08:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Nou Alcalde");
    assert!(!screen(&f.app, 100, 30).contains("eleccions municipals"));
}

#[test]
fn a_mayor_replaced_after_the_elections_gets_the_new_request_and_the_old_revocation_in_two_keys() {
    let mut f = tiurana_with_its_mayor("2027-06-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    let s = screen(&f.app, 200, 24);
    assert!(
        s.contains("Tiurana: Alcalde/essa Maria Puig → Joan Soler.")
            && s.contains("r: revocar-ne el certificat vigent")
            && s.contains("b: totes dues"),
        "{s}"
    );
    // b: both. The revocation is filed, and the new holder's form opens pre-filled.
    press(&mut f.app, KeyCode::Char('b'));
    let revocation = cert(&f, 2);
    assert_eq!(
        (
            revocation.revokes(),
            revocation.revocation_reason(),
            revocation.holder.as_str()
        ),
        (Some(1), Some(RevocationReason::RelationshipEnded), "Maria Puig")
    );
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("Joan Soler") && s.contains("‹Alcalde/essa›"), "{s}");
    assert!(s.contains("eleccions municipals el 23/05/2027"), "{s}");
    // Enter: the second key files it.
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 100, 30));
    let new = cert(&f, 3);
    assert_eq!(
        (new.holder.as_str(), new.role, new.ine),
        ("Joan Soler", HolderRole::Mayor, IneCode(252228))
    );
    assert!(screen(&f.app, 140, 24).contains("l'AOC aconsella esperar"));
}

#[test]
fn each_answer_to_a_handover_does_its_one_thing() {
    // r: only the revocations.
    let mut f = tiurana_with_its_mayor("2027-07-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    press(&mut f.app, KeyCode::Char('r'));
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.data.certs.list.len(), 2);
    assert!(screen(&f.app, 160, 24).contains("1 revocació registrada (#2) del certificat de Maria Puig"));
    // One undo takes them back.
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(f.app.data.certs.list.len(), 1);

    // n: only the form; Esc: nothing.
    let mut f = tiurana_with_its_mayor("2027-07-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    press(&mut f.app, KeyCode::Char('n'));
    assert!(
        f.app
            .popup_as::<ocsae::popups::request_form::RequestForm>()
            .is_some()
    );
    assert_eq!(f.app.data.certs.list.len(), 1, "nothing revoked");
    let mut f = tiurana_with_its_mayor("2027-07-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.data.certs.list.len(), 1);
    // A fix of the same name's case is no handover.
    let mut f = tiurana_with_its_mayor("2027-07-01T08:00:00Z");
    replace_the_mayor(&mut f, "MARIA PUIG");
    assert!(f.app.popup.is_none());
}

#[test]
fn a_handover_with_nothing_to_revoke_offers_no_revocation() {
    // Maria Puig's card of 2025 has expired by 2030: nothing to revoke.
    let mut f = tiurana_with_its_mayor("2030-06-01T08:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    let s = screen(&f.app, 200, 24);
    assert!(
        s.contains("Tiurana: Alcalde/essa Maria Puig → Joan Soler."),
        "{s}"
    );
    assert!(!s.contains("r: revocar") && !s.contains("b: totes dues"), "{s}");
    assert!(s.contains("no té cap certificat vigent per revocar"), "{s}");
    // r and b do nothing; n still opens the form.
    press(&mut f.app, KeyCode::Char('r'));
    press(&mut f.app, KeyCode::Char('b'));
    assert!(f.app.popup.is_some());
    assert_eq!(f.app.data.certs.list.len(), 1);
    press(&mut f.app, KeyCode::Char('n'));
    assert!(
        f.app
            .popup_as::<ocsae::popups::request_form::RequestForm>()
            .is_some()
    );
}

#[test]
fn er_operators_are_kept_in_the_store_and_a_card_near_expiry_is_shown() {
    let f = fixture();
    let Fixture {
        app,
        disk,
        dir: keep,
        clock,
        ..
    } = f;
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-30T12:00:00+01:00");
    let out = run(&[
        "operator",
        "add",
        "--name",
        "Laia Font",
        "--card-issued",
        "2023-02-28",
    ]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    assert_eq!(
        common::cli::text(&out.stdout).trim(),
        "ER operator Laia Font: the card expires on 2027-02-28."
    );
    assert!(
        run(&[
            "operator",
            "add",
            "--name",
            "Pol Vidal",
            "--card-issued",
            "2025-01-01"
        ])
        .status
        .success()
    );
    let out = run(&["operator", "add", "--name", "Pol", "--card-issued", "2027-01-01"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a card from the future: a rule broken"
    );
    let out = run(&["operator", "list"]);
    let list = common::cli::text(&out.stdout);
    assert_eq!(
        list,
        "Laia Font\t2023-02-28\t2027-02-28  to renew: send the Fitxa d'ER again\nPol Vidal\t2025-01-01\t2029-01-01\n"
    );
    // The dashboard's expiry view reminds of Laia's card.
    let store = open_store(&dir);
    let disk = std::sync::Arc::new(common::faulty::FaultyStore::new(store));
    let mut app = open_app(
        disk.clone(),
        ocsae::i18n::Lang::Ca,
        ocsae::config::Config::default(),
        &clock,
    );
    clock.set(at("2026-12-30T11:00:00Z"));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('v'));
    let s = screen(&app, 140, 24);
    assert!(
        s.contains("⚠ Targeta d'operador ER de Laia Font: caduca en 60 d; renovar-la vol dir tornar a enviar la Fitxa d'ER."),
        "{s}"
    );
    assert!(!s.contains("Pol Vidal"), "{s}");
    drop(app);
    drop(disk);
    let out = run(&["operator", "remove", "laia font"]);
    assert!(out.status.success());
    let out = run(&["operator", "remove", "Ningú"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        common::cli::text(&run(&["operator", "list"]).stdout)
            .lines()
            .count(),
        1
    );
}

#[test]
fn the_operators_form_adds_and_removes_an_operator() {
    let mut f = fixture();
    f.clock.set(at("2026-12-30T11:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('o'));
    assert!(screen(&f.app, 80, 24).contains("Cap operador: n n'afegeix un."));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "Laia Font");
    press(&mut f.app, KeyCode::Tab);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2031-01-01");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("La targeta no pot ser d'un dia futur."));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2023-02-28");
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 100, 24);
    assert!(
        s.contains("Laia Font") && s.contains("28/02/2027") && s.contains("⚠ per renovar"),
        "{s}"
    );
    assert_eq!(f.app.data.operators.len(), 1);
    // x asks first, naming the operator; n keeps it.
    press(&mut f.app, KeyCode::Char('x'));
    assert!(screen(&f.app, 100, 24).contains("Treure l'operador ER Laia Font? (s/n)"));
    assert_eq!(f.app.data.operators.len(), 1);
    press(&mut f.app, KeyCode::Char('n'));
    assert_eq!(f.app.data.operators.len(), 1);
    assert!(!screen(&f.app, 100, 24).contains("(s/n)"));
    press(&mut f.app, KeyCode::Char('x'));
    press(&mut f.app, KeyCode::Char('s'));
    assert!(f.app.data.operators.is_empty());
    // The status line says how to bring it back, and u does, in the list.
    assert!(screen(&f.app, 100, 24).contains("Operador ER Laia Font tret. u el recupera."));
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(f.app.data.operators.len(), 1);
    assert!(f.app.popup.is_some(), "the list stays open");
    assert!(screen(&f.app, 100, 24).contains("Laia Font"));
    // Ctrl-R (redo) removes it again, still in the list.
    ctrl(&mut f.app, 'r');
    assert!(f.app.data.operators.is_empty());
    press(&mut f.app, KeyCode::Esc);
    // One undo from the tab brings the operator back too.
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(f.app.data.operators.len(), 1);
}

#[test]
fn de_before_a_name_with_a_vowel_is_elided_in_catalan() {
    let mut f = tiurana_with_mayor_named("2027-06-01T08:00:00Z", "Anna Roca");
    replace_the_mayor(&mut f, "Joan Soler");
    let s = screen(&f.app, 200, 24);
    assert!(s.contains("Anna Roca → Joan Soler"), "{s}");
    assert!(!s.contains("de Anna"), "{s}");
    press(&mut f.app, KeyCode::Char('r'));
    let s = screen(&f.app, 200, 24);
    assert!(s.contains("del certificat d'Anna Roca"), "{s}");
}
