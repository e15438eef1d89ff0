//! Issue 18's new-user review: two posts changed at once, revocations that
//! follow their certificate, expired operator cards, renewals, cuts at 80.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::HolderRole;
use ocsae::domain::municipality::{Contact, ContactRole};
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Edit, Record, Store};

/// Tiurana with a mayor and an intervenor, each with a card issued in 2025.
fn tiurana_mayor_and_intervenor(now: &str) -> Fixture {
    tiurana_mayor_and_intervenor_in(Lang::Ca, now)
}

fn tiurana_mayor_and_intervenor_in(lang: Lang, now: &str) -> Fixture {
    let f = fixture_with("Noguera", lang, ocsae::config::Config::default());
    let before = f
        .disk
        .municipalities()
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Tiurana")
        .unwrap();
    let mut after = before.clone();
    for (role, name) in [
        (ContactRole::Mayor, "Maria Puig"),
        (ContactRole::Intervenor, "Rosa Vila"),
    ] {
        after.contacts.push(Contact {
            role,
            name: name.into(),
            phone: String::new(),
            email: String::new(),
        });
    }
    f.disk
        .apply(
            Change::update(
                ChangeKind::ContactsEdit,
                Record::Municipality(before),
                Record::Municipality(after),
            ),
            at("2026-11-01T09:00:00Z"),
        )
        .unwrap();
    for (name, role) in [
        ("Maria Puig", HolderRole::Mayor),
        ("Rosa Vila", HolderRole::Intervenor),
    ] {
        let card = issued(252228, name, role, "2025-03-10T10:00:00Z");
        f.disk
            .apply(
                Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(card))]),
                at("2026-11-01T09:00:00Z"),
            )
            .unwrap();
    }
    let f = f.restart();
    f.clock.set(at(now));
    f
}

/// Both names replaced in one save of the contacts form.
fn replace_both(f: &mut Fixture) {
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('e'));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "Joan Soler");
    // Down: the next row's name, the intervenor's.
    press(&mut f.app, KeyCode::Down);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "Pere Mas");
    press(&mut f.app, KeyCode::Enter);
}

#[test]
fn two_posts_replaced_in_one_save_are_each_asked_about() {
    let mut f = tiurana_mayor_and_intervenor("2026-11-30T09:00:00Z");
    replace_both(&mut f);
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(
        s.contains("Maria Puig → Joan Soler") && s.contains("(+1 càrrec)"),
        "{s}"
    );
    // r: the mayor's card revoked; then the intervenor is asked about.
    press(&mut f.app, KeyCode::Char('r'));
    assert_eq!(cert(&f, 3).revokes(), Some(1));
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(s.contains("Interventor/a Rosa Vila → Pere Mas"), "{s}");
    assert!(!s.contains("+1 càrrec"), "the last one: {s}");
    // b: her card revoked too, and the form for Pere Mas opens.
    press(&mut f.app, KeyCode::Char('b'));
    assert_eq!(cert(&f, 4).revokes(), Some(2));
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .expect("the new holder's form");
    assert_eq!(form.holder.value(), "Pere Mas");

    // n on the first: after its form closes (Esc), the second is asked.
    let mut f = tiurana_mayor_and_intervenor("2026-11-30T09:00:00Z");
    replace_both(&mut f);
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Esc);
    let s = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(s.contains("Rosa Vila → Pere Mas"), "{s}");
    // Esc on the last: nothing more.
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.data.certs.list.len(), 2, "nothing revoked");
}

#[test]
fn the_handover_question_reads_whole_at_80_columns_and_stays_in_the_log() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = tiurana_mayor_and_intervenor_in(lang, "2026-11-30T09:00:00Z");
        replace_both(&mut f);
        let s = screen(&f.app, 80, 24);
        let status = status_text(&f.app, &s, 80);
        assert_eq!(ocsae::views::status_rows(&f.app, 80), 2, "{s}");
        assert!(!status.contains('…'), "{lang:?} cut: {status}");
        assert!(status.contains("Esc:"), "{lang:?}: {status}");
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Esc);
        press(&mut f.app, KeyCode::Char('m'));
        let s = screen(&f.app, 200, 40);
        assert!(
            s.contains("Rosa Vila → Pere Mas"),
            "{lang:?} the log keeps it: {s}"
        );
    }
}

#[test]
fn a_revocation_names_the_holder_post_and_type_of_its_certificate() {
    let Fixture {
        app, disk, dir: keep, ..
    } = two_certificates();
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-05T12:00:00+01:00");
    let revoke = |holder: &str, role: &str| {
        run(&[
            "cert",
            "add",
            "--municipality",
            "Tiurana",
            "--holder",
            holder,
            "--role",
            role,
            "--type",
            "tcat",
            "--operation",
            "revocation",
            "--revokes",
            "1",
            "--revocation-reason",
            "card_lost",
        ])
    };
    for (holder, role) in [("Someone Else", "mayor"), ("Maria Puig", "secretary")] {
        let out = revoke(holder, role);
        assert_eq!(out.status.code(), Some(1), "{holder} {role}");
        let err = common::cli::text(&out.stderr);
        assert!(
            err.contains("#1") && err.contains("holder, post and type"),
            "{err}"
        );
    }
    // The same holder, in other letter case, is hers.
    let out = revoke("MARIA PUIG", "mayor");
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));

    // An import follows the same rule, by line.
    let csv = keep.path().join("rev.csv");
    std::fs::write(
        &csv,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,revokes_id,revocation_reason\n\
         250024,Someone Else,secretary,tcat,revocation,no,received,2026-12-01T10:00:00,,2,data_changed\n",
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = common::cli::text(&out.stderr);
    assert!(err.contains("holder, post and type"), "{err}");
}

#[test]
fn the_revocation_form_keeps_the_certificates_holder_post_and_type_and_a_numeric_link() {
    let mut f = two_certificates();
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    // To the holder (field 2), then type and cycle: nothing changes.
    let focus_on = |f: &mut Fixture, field: ocsae::popups::request_form::RField| {
        for _ in 0..20 {
            let form = f
                .app
                .popup_as::<ocsae::popups::request_form::RequestForm>()
                .unwrap();
            if form.focused() == field {
                return;
            }
            press(&mut f.app, KeyCode::Tab);
        }
        panic!("no field {field:?}");
    };
    use ocsae::popups::request_form::RField;
    focus_on(&mut f, RField::Holder);
    type_text(&mut f.app, "Someone Else");
    focus_on(&mut f, RField::Role);
    press(&mut f.app, KeyCode::Right);
    focus_on(&mut f, RField::Type);
    press(&mut f.app, KeyCode::Right);
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .unwrap();
    assert_eq!(
        (form.holder.value(), form.role, form.type_index),
        (
            "Maria Puig",
            HolderRole::Mayor,
            ocsae::domain::catalog::cert_types()
                .iter()
                .position(|t| t.code == "tcat")
                .unwrap()
        )
    );
    let s = screen(&f.app, 80, 24);
    assert!(
        !s.contains("‹Alcalde/essa›"),
        "no arrows on a field that does not change: {s}"
    );
    // The link takes digits only.
    focus_on(&mut f, RField::Revokes);
    type_text(&mut f.app, "qq");
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .unwrap();
    assert_eq!(form.revokes.value(), "1");
    assert!(
        screen(&f.app, 80, 24).contains("Revocació de #1"),
        "{}",
        screen(&f.app, 80, 24)
    );
    // Another number: the holder, post and type follow it.
    press(&mut f.app, KeyCode::Backspace);
    type_text(&mut f.app, "2");
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .unwrap();
    assert_eq!(
        (form.holder.value(), form.role),
        ("Jordi Solé", HolderRole::Secretary)
    );
}

/// Three ER operators added from the command line on 30/11/2026: Laia's card
/// expired 333 days ago, Pau's expires in 46 days, Pol's in years.
fn operators_fixture() -> (Fixture, std::path::PathBuf) {
    let Fixture {
        app,
        disk,
        dir,
        clock,
    } = fixture();
    drop(app);
    drop(disk);
    let path = dir.path().to_path_buf();
    for (name, issued) in [
        ("Laia Font", "2022-01-01"),
        ("Pau Soler", "2023-01-15"),
        ("Pol Vidal", "2025-01-01"),
    ] {
        let out = common::cli::ocsae_at(
            &path,
            &["operator", "add", "--name", name, "--card-issued", issued],
            "2026-11-30T12:00:00+01:00",
        );
        assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    }
    let disk = std::sync::Arc::new(common::faulty::FaultyStore::new(open_store(&path)));
    let app = open_app(disk.clone(), Lang::Ca, ocsae::config::Config::default(), &clock);
    clock.set(at("2026-11-30T11:00:00Z"));
    (
        Fixture {
            app,
            clock,
            disk,
            dir,
        },
        path,
    )
}

#[test]
fn an_expired_operator_card_is_said_expired_everywhere() {
    let (mut f, path) = operators_fixture();
    let run = |lang: &str| {
        let out = std::process::Command::new(common::pty::binary())
            .arg("--db")
            .arg(&path)
            .args(["--lang", lang, "operator", "list"])
            .env("XDG_CONFIG_HOME", path.join("no-config"))
            .env("OCSAE_NOW", "2026-11-30T12:00:00+01:00")
            .output()
            .unwrap();
        common::cli::text(&out.stdout)
    };
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("caducada fa 333 d") && !s.contains("-333"), "{s}");
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("caducada fa 333 d") && !s.contains("-333"), "{s}");
    let Fixture {
        app,
        disk,
        dir: _keep,
        ..
    } = f;
    drop(app);
    drop(disk);
    let list = run("en");
    assert!(
        list.contains("Laia Font\t2022-01-01\t2026-01-01  expired 333 d ago"),
        "{list}"
    );
    assert!(
        list.contains("Pau Soler\t2023-01-15\t2027-01-15  to renew"),
        "{list}"
    );
    assert!(run("ca").contains("caducada fa 333 d"));
    assert!(run("es").contains("caducada hace 333 d"));
}

#[test]
fn the_expiry_view_lists_every_card_to_renew_in_whole_words_at_80_columns() {
    let (mut f, _path) = operators_fixture();
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    // Each card on its own rows, read whole once the wrapped rows are joined.
    let joined = s.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    for card in [
        "Targeta d'operador ER de Laia Font: caducada fa 333 d; renovar-la vol dir tornar a enviar la Fitxa d'ER.",
        "Targeta d'operador ER de Pau Soler: caduca en 46 d; renovar-la vol dir tornar a enviar la Fitxa d'ER.",
    ] {
        assert!(joined.contains(card), "{card}\n{s}");
    }
    assert!(!s.contains("Pol Vidal"), "{s}");
    // Followed from Avui, the same cards.
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Pau Soler") && s.contains("Laia Font"), "{s}");
}

#[test]
fn operators_remove_names_the_stored_name_and_the_form_offers_the_languages_date() {
    let (mut f, path) = operators_fixture();
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('o'));
    press(&mut f.app, KeyCode::Char('n'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("30/11/2026") && !s.contains("2026-11-30"), "{s}");
    // Typed either way, the day is read.
    type_text(&mut f.app, "Anna Mir");
    press(&mut f.app, KeyCode::Tab);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-11-02");
    press(&mut f.app, KeyCode::Enter);
    assert!(
        f.app
            .data
            .operators
            .iter()
            .any(|o| o.name == "Anna Mir" && o.card_issued_on.to_string() == "2026-11-02")
    );
    let Fixture {
        app,
        disk,
        dir: _keep,
        ..
    } = f;
    drop(app);
    drop(disk);
    let out = common::cli::ocsae_at(
        &path,
        &["operator", "remove", "pau soler"],
        "2026-11-30T12:00:00+01:00",
    );
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    assert_eq!(
        common::cli::text(&out.stdout).trim(),
        "ER operator Pau Soler removed."
    );
}

#[test]
fn an_expired_certificate_is_not_to_renew_anywhere_and_bulk_renewal_says_why() {
    let mut f = two_certificates();
    // Àger's (#2) expired on 20/12/2026; Tiurana's (#1) expires on 10/01/2027.
    f.clock.set(at("2027-01-05T09:00:00Z"));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per renovar: 1"), "{s}");
    let row = |s: &str, holder: &str| s.lines().find(|l| l.contains(holder)).unwrap().to_string();
    assert!(!row(&s, "Jordi Solé").contains("⟳ ara"), "{s}");
    assert!(row(&s, "Maria Puig").contains("⟳ ara"), "{s}");
    // Avui agrees: one to renew, Tiurana's.
    press(&mut f.app, KeyCode::Char('0'));
    let today = screen(&f.app, 80, 24);
    assert!(
        today.contains("Maria Puig") && !today.contains("Jordi Solé"),
        "{today}"
    );
    press(&mut f.app, KeyCode::Char('3'));
    assert!(
        screen(&f.app, 80, 24).contains("per renovar: 1"),
        "back on the expiry view"
    );
    // Both marked: one filed, the expired one said.
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char('n'));
    let status = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(
        status.contains("1 renovació registrada (#3); u la desfà. No registrades: #2 ha caducat: cal una sol·licitud nova."),
        "{status}"
    );
    assert_eq!(f.app.data.certs.list.len(), 3);
    assert_eq!(cert(&f, 3).renews(), Some(1));
    // n on the expired one alone: a new request for its holder, not a renewal.
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Char('n'));
    let form = f
        .app
        .popup_as::<ocsae::popups::request_form::RequestForm>()
        .expect("a form");
    assert_eq!(
        (form.operation, form.renews, form.holder.value()),
        (ocsae::domain::certificate::Operation::New, None, "Jordi Solé")
    );
    let s = screen(&f.app, 200, 30);
    assert!(s.contains("un certificat caducat no es renova"), "{s}");
}

#[test]
fn bulk_renewal_counts_agree_with_their_number() {
    let mut f = with_certs(
        vec![
            issued(252228, "Maria Puig", HolderRole::Mayor, "2023-01-10T10:00:00Z"),
            issued(
                250024,
                "Jordi Solé",
                HolderRole::Secretary,
                "2023-01-12T10:00:00Z",
            ),
            issued(
                250024,
                "Anna Vives",
                HolderRole::Intervenor,
                "2023-01-14T10:00:00Z",
            ),
        ],
        "2026-12-04T09:00:00Z",
    );
    press(&mut f.app, KeyCode::Char('v'));
    // #1 renewed on its own first.
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 100, 30));
    assert_eq!(cert(&f, 4).renews(), Some(1));
    // The new request is shown in the queue: back to the expiry view.
    press(&mut f.app, KeyCode::Char('v'));
    assert!(
        screen(&f.app, 80, 24).contains("per renovar: 2"),
        "{}",
        screen(&f.app, 80, 24)
    );
    press(&mut f.app, KeyCode::Home);
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Char(' '));
    }
    press(&mut f.app, KeyCode::Char('n'));
    let status = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(
        status.contains(
            "2 renovacions registrades (#5–#6); u les desfà totes. No registrades: #1 ja té renovació."
        ),
        "{status}"
    );
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(f.app.data.certs.list.len(), 4);
}

#[test]
fn an_old_delivered_tcat_p_imported_without_its_download_counts_as_downloaded() {
    let Fixture {
        app,
        disk,
        dir: keep,
        clock,
    } = fixture();
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-11-30T12:00:00+01:00");
    let csv = keep.path().join("old.csv");
    std::fs::write(
        &csv,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,delivered_at\n\
         252228,Maria Puig,other,tcat-p,new,no,delivered,2025-05-01T10:00:00,2025-05-10T10:00:00,2025-05-20T10:00:00\n\
         250024,Jordi Solé,other,tcat-p,new,no,delivered,2026-11-20T10:00:00,2026-11-24T10:00:00,2026-11-27T10:00:00\n",
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&run(&["export", "certificates"]).stdout).unwrap();
    // Historical: downloaded at its delivery. Recent: its 10 days still run.
    assert_eq!(json[0]["downloaded_at"], json[0]["delivered_at"], "{json}");
    assert!(json[1]["downloaded_at"].is_null(), "{json}");
    let disk = std::sync::Arc::new(common::faulty::FaultyStore::new(open_store(&dir)));
    let mut app = open_app(disk.clone(), Lang::Ca, ocsae::config::Config::default(), &clock);
    clock.set(at("2026-11-30T11:00:00Z"));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('v'));
    let s = screen(&app, 80, 24);
    assert!(!s.contains("perduda"), "{s}");
    assert!(s.contains("⇣ baixar"), "the recent one's clock: {s}");
}

#[test]
fn undoing_handover_revocations_names_them_and_a_revocation_has_no_delivery_sheet() {
    let mut f = tiurana_with_its_mayor("2026-11-30T09:00:00Z");
    replace_the_mayor(&mut f, "Joan Soler");
    press(&mut f.app, KeyCode::Char('r'));
    assert_eq!(cert(&f, 2).revokes(), Some(1));
    // The revocation's detail: no full de lliurament to sign.
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 100, 40);
    assert!(
        s.contains("Sol·licitud #2") && s.contains("revocació"),
        "the revocation's detail: {s}"
    );
    assert!(!s.contains("Full lliurament"), "{s}");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('u'));
    let status = status_text(&f.app, &screen(&f.app, 200, 24), 200);
    assert!(status.contains("#2 Maria Puig"), "{status}");
    assert_eq!(f.app.data.certs.list.len(), 1);
}

#[test]
fn the_closed_view_fits_its_title_and_ellipsizes_a_long_detail_at_80_columns() {
    let mut rejected = issued(
        250024,
        "Jordi Solé",
        HolderRole::Secretary,
        "2026-11-10T10:00:00Z",
    );
    rejected.status = ocsae::domain::certificate::CertStatus::Rejected;
    rejected.issued_at = None;
    rejected.delivered_at = None;
    rejected.set_status_reason("nomenament no consta al registre d'EACAT), segons la consulta d'avui".into());
    let mut cancelled = rejected.clone();
    cancelled.status = ocsae::domain::certificate::CertStatus::Cancelled;
    cancelled.set_status_reason("duplicada".into());
    // #4: a revocation of #1, done.
    let mut revocation = issued(252228, "Maria Puig", HolderRole::Mayor, "2026-11-20T10:00:00Z");
    revocation.operation = ocsae::domain::certificate::Operation::Revocation;
    revocation.status = ocsae::domain::certificate::CertStatus::Issued;
    revocation.delivered_at = None;
    revocation.set_revokes(Some(1));
    revocation.set_revocation_reason(Some(ocsae::domain::revocation::RevocationReason::CardLost));
    let mut f = with_certs(
        vec![
            issued(252228, "Maria Puig", HolderRole::Mayor, "2025-01-10T10:00:00Z"),
            rejected,
            cancelled,
            revocation,
        ],
        "2026-11-30T09:00:00Z",
    );
    for _ in 0..3 {
        if screen(&f.app, 80, 24).contains("cancel·lades:") {
            break;
        }
        press(&mut f.app, KeyCode::Char('v'));
    }
    // Four counts do not fit beside the long title: the short one.
    let s = screen(&f.app, 80, 24);
    let title = s.lines().nth(1).unwrap();
    assert_eq!(
        title, " Tancades · lliurades: 1 · rebutjades: 1 · cancel·lades: 1 · revocacions: 1",
        "{s}"
    );
    let row = s
        .lines()
        .find(|l| l.contains("Jordi Solé") && l.contains("rebutj"))
        .unwrap();
    assert!(row.ends_with("nomenament no co…"), "{s}");
    assert!(s.lines().all(|l| unicode_width(l) <= 80), "{s}");
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}
