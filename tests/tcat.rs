//! T-CAT as the AOC runs it: revocations, bulk renewals, the appointment check,
//! the T-CAT P clocks.

mod common;

use common::tcat::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use ocsae::domain::municipality::IneCode;
use ocsae::domain::revocation::RevocationReason;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record, Store};
use ocsae::tabs::CertificatesTab;

#[test]
fn a_revocation_from_the_expiry_view_marks_the_certificate_revoked_and_out_of_renewals() {
    let mut f = two_certificates();
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per renovar: 2"), "{s}");
    // By expiry: Àger first, then Tiurana.
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Revocació de #1") && s.contains("‹revocació›"), "{s}");
    // The reason is to choose: saving without one names it.
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("Trieu el motiu de la revocació."));
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Right);
    }
    assert!(screen(&f.app, 80, 24).contains("‹targeta perduda o inservible›"));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
    let revocation = cert(&f, 3);
    assert_eq!(
        (
            revocation.operation,
            revocation.revokes(),
            revocation.revocation_reason()
        ),
        (Operation::Revocation, Some(1), Some(RevocationReason::CardLost))
    );
    // The original's own history lists the revocation.
    let history = f
        .app
        .store
        .history(&ocsae::store::RecordId::Certificate(1))
        .unwrap();
    assert_eq!(history.last().unwrap().head.change, ChangeKind::CertRevocation);

    // Filed and done at the AOC: the certificate is revoked.
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('a'));
    // Issued on the date the prompt offers: now.
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(cert(&f, 3).status, CertStatus::Issued);
    // Issued, the revocation is done: it moved to the closed ones; v v is the expiry view.
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    let row = s.lines().find(|l| l.contains("Maria Puig")).unwrap();
    assert!(row.contains("revocat") && !row.contains("⟳"), "{s}");
    assert!(s.contains("per renovar: 1"), "{s}");
    assert!(
        !s.contains("Revocació"),
        "a revocation has no certificate of its own: {s}"
    );
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('n'));
    assert!(f.app.popup.is_none());
    assert!(
        screen(&f.app, 80, 24).contains("està revocat (#3): no es renova"),
        "{}",
        screen(&f.app, 80, 24)
    );
    // Both details name the other.
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 100, 40);
    assert!(s.contains("Revocat per") && s.contains("#3 · revocat"), "{s}");
    assert!(s.contains("revocació sol·licitada"), "{s}");
}

#[test]
fn an_expired_certificate_cannot_be_revoked_and_it_is_said() {
    let mut f = two_certificates();
    // Àger's certificate expired on 20 December 2026.
    f.clock.set(at("2026-12-21T09:00:00Z"));
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('x'));
    assert!(f.app.popup.is_none(), "no form for an expired certificate");
    let s = screen(&f.app, 100, 24);
    assert!(
        s.contains("El certificat #2 va caducar el 20/12/2026: un certificat caducat no es pot revocar."),
        "{s}"
    );
}

#[test]
fn cert_add_refuses_to_revoke_an_expired_certificate_and_files_a_valid_one() {
    let f = two_certificates();
    let Fixture {
        app, disk, dir: keep, ..
    } = f;
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-22T12:00:00+01:00");
    let revoke = |id: &str, reason: &str, received: &str| {
        run(&[
            "cert",
            "add",
            "--municipality",
            "Àger",
            "--holder",
            "Jordi Solé",
            "--role",
            "secretary",
            "--type",
            "tcat",
            "--operation",
            "revocation",
            "--revokes",
            id,
            "--revocation-reason",
            reason,
            "--received",
            received,
        ])
    };
    let out = revoke("2", "relationship_ended", "2026-12-21T10:00:00");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Certificate #2 expired on 2026-12-20: an expired certificate cannot be revoked."),
        "{err}"
    );
    let out = revoke("2", "lost", "2026-12-01T10:00:00");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("prohibited_list"));
    let out = revoke("2", "prohibited_list", "2026-12-01T10:00:00");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[2]["revokes_id"], 2);
    assert_eq!(json[2]["revocation_reason"], "prohibited_list");
    // A second revocation of the same certificate is refused.
    let out = revoke("2", "card_lost", "2026-12-01T11:00:00");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has revocation #3"));
}

#[test]
fn marked_certificates_are_renewed_in_one_change_and_one_undo() {
    let mut f = with_certs(
        vec![
            issued(252228, "Maria Puig", HolderRole::Mayor, "2023-01-10T10:00:00Z"),
            issued(
                250024,
                "Jordi Solé",
                HolderRole::Secretary,
                "2022-12-20T10:00:00Z",
            ),
            issued(250609, "Anna Vidal", HolderRole::Other, "2022-12-30T10:00:00Z"),
        ],
        "2026-12-04T09:00:00Z",
    );
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 100, 24);
    assert!(
        s.contains("2 marcats") && s.contains("✓ Jordi Solé") && s.contains("✓ Anna Vidal"),
        "{s}"
    );
    assert!(!s.contains("✓ Maria Puig"), "{s}");
    let before = f.app.store.last_seq().unwrap();
    press(&mut f.app, KeyCode::Char('n'));
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.store.last_seq().unwrap(), before + 1, "one history entry");
    let renewals: Vec<(Option<u64>, String)> = f
        .app
        .data
        .certs
        .list
        .iter()
        .filter(|c| c.operation == Operation::Renewal)
        .map(|c| (c.renews(), c.holder.to_string()))
        .collect();
    assert_eq!(
        renewals,
        [(Some(2), "Jordi Solé".into()), (Some(3), "Anna Vidal".into())]
    );
    let s = screen(&f.app, 100, 24);
    assert!(s.contains("2 renovacions registrades (#4–#5)"), "{s}");
    assert!(
        s.contains("⟳ #4") && s.contains("⟳ #5") && !s.contains("marcats"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('u'));
    assert!(
        f.app
            .data
            .certs
            .list
            .iter()
            .all(|c| c.operation != Operation::Renewal),
        "one undo undoes them all"
    );
    assert!(screen(&f.app, 100, 24).contains("Desfet: renovacions"));
}

#[test]
fn an_appointment_not_in_eacat_rejects_the_request_and_y_copies_the_message() {
    let received = at("2026-12-03T09:00:00Z");
    let secretary = CertificateRequest::received(
        NEW_ID,
        IneCode(250024),
        "Jordi Solé",
        HolderRole::Secretary,
        "tcat",
        received,
    );
    let treasurer = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        "Pere Roca",
        HolderRole::Treasurer,
        "tcat",
        received,
    );
    let mut f = with_certs(vec![secretary, treasurer], "2026-12-04T09:00:00Z");
    press(&mut f.app, KeyCode::Char('p'));
    let s = screen(&f.app, 100, 24);
    assert!(s.contains("el nomenament consta al registre d'EACAT?"), "{s}");
    press(&mut f.app, KeyCode::Char('s'));
    let checked = cert(&f, 1);
    assert!(checked.appointment_attached);
    let check = checked.appointment_check().unwrap();
    assert!(check.found && !check.user.is_empty() && check.at == at("2026-12-04T09:00:00Z"));

    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('p'));
    press(&mut f.app, KeyCode::Char('n'));
    let rejected = cert(&f, 2);
    assert_eq!(rejected.status, CertStatus::Rejected);
    assert_eq!(
        rejected.status_reason(),
        "nomenament no consta al registre d'EACAT"
    );
    assert!(!rejected.appointment_check().unwrap().found);
    // Its detail is open, with the check; y copies the message for the council.
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("Registre EACAT") && s.contains("NO hi consta"), "{s}");
    press(&mut f.app, KeyCode::Char('y'));
    let copied = f.app.clipboard.clone().unwrap();
    assert!(
        copied.starts_with("Tiurana: la sol·licitud de certificat #2 de Pere Roca (Tresorer/a)")
            && copied.contains("el nomenament no consta al registre d'EACAT"),
        "{copied}"
    );
    // Among the closed requests, y on its row copies the same message.
    press(&mut f.app, KeyCode::Esc);
    f.app.clipboard = None;
    while f.app.tab::<CertificatesTab>().view != ocsae::tabs::certificates::CertView::Closed {
        press(&mut f.app, KeyCode::Char('v'));
    }
    let s = screen(&f.app, 100, 24);
    assert!(s.contains("Pere Roca"), "{s}");
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(f.app.clipboard.clone(), Some(copied));
}

#[test]
fn the_rejection_reason_is_in_the_interface_language() {
    let received = at("2026-12-03T09:00:00Z");
    let f = fixture_with("Noguera", ocsae::i18n::Lang::Es, ocsae::config::Config::default());
    let c = CertificateRequest::received(
        NEW_ID,
        IneCode(250024),
        "Jordi Solé",
        HolderRole::Intervenor,
        "tcat",
        received,
    );
    f.disk
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(c))]),
            received,
        )
        .unwrap();
    let mut f = f.restart();
    f.clock.set(at("2026-12-04T09:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('p'));
    press(&mut f.app, KeyCode::Char('n'));
    assert_eq!(
        cert(&f, 1).status_reason(),
        "nombramiento no consta en el registro de EACAT"
    );
    let _ = f.app.tab::<CertificatesTab>();
}

#[test]
fn renews_id_round_trips_through_export_and_import() {
    let card = issued(252228, "Maria Puig", HolderRole::Mayor, "2023-01-10T10:00:00Z");
    let mut renewal = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        "Maria Puig",
        HolderRole::Mayor,
        "tcat",
        at("2026-11-20T10:00:00Z"),
    );
    renewal.operation = Operation::Renewal;
    renewal.set_renews(Some(1));
    let f = with_certs(vec![card, renewal], "2026-12-05T11:00:00Z");
    let Fixture {
        app, disk, dir: keep, ..
    } = f;
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-05T12:00:00+01:00");
    let outside = tempfile::tempdir().unwrap();
    let csv = outside.path().join("certs.csv");
    let out = run(&[
        "export",
        "certificates",
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let out = run(&["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let renews: Vec<&serde_json::Value> = json.as_array().unwrap().iter().map(|c| &c["renews_id"]).collect();
    assert_eq!(
        renews,
        [
            &serde_json::Value::Null,
            &1.into(),
            &serde_json::Value::Null,
            &1.into()
        ]
    );

    // A renews_id the store does not hold is refused, naming the line.
    std::fs::write(
        &csv,
        "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,renews_id\n\
         252228,Maria Puig,mayor,tcat,renewal,no,received,2026-12-01T10:00:00,,99\n",
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::cli::text(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("renews_id") && err.contains("99"),
        "{err}"
    );
}

#[test]
fn an_import_links_revocations_by_revokes_id_and_refuses_a_bad_reason_by_line() {
    let f = two_certificates();
    let Fixture {
        app, disk, dir: keep, ..
    } = f;
    drop(app);
    drop(disk);
    let dir = keep.path().to_path_buf();
    let run = |args: &[&str]| common::cli::ocsae_at(&dir, args, "2026-12-05T12:00:00+01:00");
    let csv = keep.path().join("rev.csv");
    let header = "ine_code,holder,role,type,operation,urgent,status,received_at,issued_at,revokes_id,revocation_reason\n";
    std::fs::write(
        &csv,
        format!(
            "{header}252228,Maria Puig,mayor,tcat,revocation,no,received,2026-12-01T10:00:00,,1,data_changed\n\
             250024,Jordi Solé,secretary,tcat,revocation,no,received,2026-12-01T10:00:00,,2,stolen\n"
        ),
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = common::cli::text(&out.stderr);
    assert!(
        err.contains("3") && err.contains("revocation_reason") && err.contains("stolen"),
        "{err}"
    );
    std::fs::write(
        &csv,
        format!("{header}252228,Maria Puig,mayor,tcat,revocation,no,received,2026-12-01T10:00:00,,1,key_compromised\n"),
    )
    .unwrap();
    let out = run(&["import", "certificates", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::cli::text(&out.stderr));
    let out = run(&["export", "certificates"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        3,
        "nothing of the refused file was kept"
    );
    assert_eq!(json[2]["revokes_id"], 1);
    assert_eq!(json[2]["revocation_reason"], "key_compromised");
}

#[test]
fn a_software_certificate_shows_its_delivery_then_its_download_countdown() {
    let mut software = issued(252228, "Maria Puig", HolderRole::Other, "2027-01-31T17:00:00Z");
    software.cert_type = "tcat-p".into();
    software.status = CertStatus::Issued;
    software.delivered_at = None;
    let card = issued(250024, "Jordi Solé", HolderRole::Mayor, "2027-01-31T17:00:00Z");
    let mut f = with_certs(vec![software, card], "2027-02-27T09:00:00Z");
    // Issued, not delivered: in the queue, to deliver by 2 March, February being short.
    let s = screen(&f.app, 80, 24);
    let row = |s: &str, holder: &str| s.lines().find(|l| l.contains(holder)).unwrap().to_string();
    assert!(row(&s, "Maria Puig").starts_with("⇢ lliurar 3d"), "{s}");
    press(&mut f.app, KeyCode::Enter);
    let detail = screen(&f.app, 100, 30);
    assert!(
        detail.contains("l'ha de lliurar fins al 02/03/2027 (queden 3 d)"),
        "{detail}"
    );
    press(&mut f.app, KeyCode::Esc);
    // Delivered on 2 March: the holder has until 12 March to download it.
    f.clock.set(at("2027-03-02T10:00:00Z"));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(cert(&f, 1).status, CertStatus::Delivered);
    // The delivered request is shown where it went; then the expiry view.
    while f.app.tab::<CertificatesTab>().view != ocsae::tabs::certificates::CertView::Expiry {
        press(&mut f.app, KeyCode::Char('v'));
    }
    let s = screen(&f.app, 80, 24);
    assert!(row(&s, "Maria Puig").starts_with("⇣ baixar 10d"), "{s}");
    assert!(
        row(&s, "Jordi Solé").starts_with("1431 d"),
        "a card has no such clock: {s}"
    );
    // Not downloaded in time: lost, and said so.
    f.clock.set(at("2027-03-12T23:00:00Z"));
    let s = screen(&f.app, 80, 24);
    assert!(row(&s, "Maria Puig").starts_with("✖ perduda"), "{s}");
    // Her row, after Àger's card.
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Enter);
    let detail = screen(&f.app, 110, 30);
    assert!(detail.contains("cal tornar-la a sol·licitar"), "{detail}");
    // At 80 columns the long line continues under its value, not under its label.
    let narrow = screen(&f.app, 80, 24);
    let rows: Vec<Vec<char>> = narrow.lines().map(|l| l.chars().collect()).collect();
    let first = rows
        .iter()
        .position(|r| r.iter().collect::<String>().contains("perduda: no es va"))
        .unwrap();
    let col = rows[first]
        .windows(7)
        .position(|w| w.iter().collect::<String>() == "perduda")
        .unwrap();
    let next = &rows[first + 1];
    assert!(next[col] != ' ', "{narrow}");
    assert!(next[col - 15..col].iter().all(|c| *c == ' '), "{narrow}");
    press(&mut f.app, KeyCode::Esc);
    // Marked downloaded (it was, only not recorded): the clock is gone.
    press(&mut f.app, KeyCode::Char('a'));
    assert!(screen(&f.app, 100, 24).contains("el titular ja ha baixat la T-CAT P?"));
    press(&mut f.app, KeyCode::Char('s'));
    assert!(cert(&f, 1).downloaded_at().is_some());
    let s = screen(&f.app, 80, 24);
    assert!(!row(&s, "Maria Puig").contains("perduda"), "{s}");
}

#[test]
fn avui_shows_a_software_certificates_delivery_clock_as_the_queue_does() {
    let mut software = issued(252228, "Maria Puig", HolderRole::Other, "2027-01-31T17:00:00Z");
    software.cert_type = "tcat-p".into();
    software.status = CertStatus::Issued;
    software.delivered_at = None;
    let mut card = issued(250024, "Jordi Solé", HolderRole::Mayor, "2027-01-31T17:00:00Z");
    card.status = CertStatus::Issued;
    card.delivered_at = None;
    let mut f = with_certs(vec![software, card], "2027-02-27T09:00:00Z");
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 80, 24);
    let row = |s: &str, holder: &str| {
        s.lines()
            .find(|l| l.contains(holder))
            .unwrap_or_else(|| panic!("{s}"))
            .to_string()
    };
    assert!(row(&s, "Maria Puig").contains("⇢ lliurar 3d"), "{s}");
    // A card has no such clock: the day it was issued.
    assert!(row(&s, "Jordi Solé").contains("emès 31/01/2027"), "{s}");
    // Past the 30 days: lost, as the queue says.
    f.clock.set(at("2027-03-03T09:00:00Z"));
    let s = screen(&f.app, 80, 24);
    assert!(row(&s, "Maria Puig").contains("✖ perduda"), "{s}");
}

#[test]
fn without_colour_each_clock_still_reads_by_its_sign_and_words() {
    let theme = ocsae::theme::Theme::pick(ocsae::theme::ThemeName::Dark, true);
    assert_eq!(
        theme.deliver, theme.download,
        "no colour: the sign and words tell them apart"
    );
    let colour = ocsae::theme::Theme::pick(ocsae::theme::ThemeName::Dark, false);
    assert_ne!(colour.deliver, colour.download);
    assert_ne!(colour.deliver, colour.error);
}

#[test]
fn an_issued_revocation_is_done_not_waiting_for_delivery() {
    let mut f = two_certificates();
    // Revoke Tiurana's mayor's card (#1), then file and issue the revocation (#3).
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Right);
    }
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(cert(&f, 3).status, CertStatus::Issued);
    // Nothing to hand over: it is among the closed ones, not the queue.
    let s = screen(&f.app, 100, 24);
    assert!(!s.contains("per lliurar"), "{s}");
    assert!(s.contains("revocacions: 1") && s.contains("lliurades: 2"), "{s}");
    let row = s.lines().find(|l| l.contains(" emesa ")).unwrap();
    assert!(row.trim_end().ends_with("revocació"), "{s}");
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 100, 24);
    assert!(!s.contains("per lliurar") && !s.contains("revoc."), "{s}");
    // Avui does not list it under the issued ones still to deliver.
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 100, 40);
    assert!(
        !s.contains("Emesos sense lliurar"),
        "an empty section is left out: {s}"
    );
}

#[test]
fn a_software_certificate_with_a_revocation_filed_shows_no_delivery_clock() {
    let mut software = issued(252228, "Maria Puig", HolderRole::Other, "2027-01-31T17:00:00Z");
    software.cert_type = "tcat-p".into();
    software.status = CertStatus::Issued;
    software.delivered_at = None;
    let mut revocation = CertificateRequest::received(
        NEW_ID,
        IneCode(252228),
        "Maria Puig",
        HolderRole::Other,
        "tcat-p",
        at("2027-02-26T10:00:00Z"),
    );
    revocation.operation = Operation::Revocation;
    revocation.set_revokes(Some(1));
    revocation.set_revocation_reason(Some(RevocationReason::CardLost));
    let mut f = with_certs(vec![software, revocation], "2027-02-27T09:00:00Z");
    // Being revoked, it is not to deliver: not in the queue, nor its count.
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("per lliurar"), "{s}");
    assert!(
        !s.lines().any(|l| l.contains("Maria Puig") && l.contains("emesa")),
        "{s}"
    );
    // It is with the closed ones, its revocation named.
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    let row = s
        .lines()
        .find(|l| l.contains("Maria Puig") && l.contains("emesa"))
        .unwrap();
    assert!(
        !row.contains("lliurar") && row.trim_end().ends_with("✕ #2"),
        "{s}"
    );
    // Nor in its detail.
    let at_row = s.lines().position(|l| l == row).unwrap();
    let first = s.lines().position(|l| l.contains("Maria Puig")).unwrap();
    for _ in first..at_row {
        press(&mut f.app, KeyCode::Down);
    }
    press(&mut f.app, KeyCode::Enter);
    let detail = screen(&f.app, 100, 30);
    assert!(
        detail.contains("Maria Puig") && !detail.contains("l'ha de lliurar"),
        "{detail}"
    );
    assert!(!detail.contains("per lliurar"), "{detail}");
    // Avui does not list it as issued and not delivered, nor does its council's page.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 100, 40);
    assert!(!s.contains("Maria Puig"), "{s}");
}

#[test]
fn a_revocation_filed_or_cancelled_elsewhere_moves_the_certificate_out_of_and_back_to_deliver() {
    let mut software = issued(252228, "Maria Puig", HolderRole::Other, "2027-01-31T17:00:00Z");
    software.cert_type = "tcat-p".into();
    software.status = CertStatus::Issued;
    software.delivered_at = None;
    let mut f = with_certs(vec![software], "2027-02-02T09:00:00Z");
    assert!(screen(&f.app, 80, 24).contains("per lliurar: 1"));
    let mut revocation = CertificateRequest::received(
        2,
        IneCode(252228),
        "Maria Puig",
        HolderRole::Other,
        "tcat-p",
        at("2027-02-01T10:00:00Z"),
    );
    revocation.operation = Operation::Revocation;
    revocation.set_revokes(Some(1));
    revocation.set_revocation_reason(Some(RevocationReason::CardLost));
    // A colleague files the revocation: one request added, all ordered again.
    f.app.changed_elsewhere(&[Edit {
        before: None,
        after: Some(Record::Certificate(revocation.clone())),
    }]);
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("per lliurar"), "being revoked: {s}");
    // ... and cancels it: a change in place, and it is to deliver again.
    let mut cancelled = revocation.clone();
    cancelled.status = CertStatus::Cancelled;
    f.app.changed_elsewhere(&[Edit {
        before: Some(Record::Certificate(revocation)),
        after: Some(Record::Certificate(cancelled)),
    }]);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per lliurar: 1"), "{s}");
}

#[test]
fn a_certificate_with_a_renewal_or_revocation_filed_is_no_longer_to_renew() {
    let mut f = two_certificates();
    press(&mut f.app, KeyCode::Char('0'));
    assert!(screen(&f.app, 100, 40).contains("Caduquen en 60 dies sense renovació (2)"));
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('v'));
    assert!(screen(&f.app, 80, 24).contains("per renovar: 2"));
    // Tiurana's (#1): a revocation filed, not yet done at the AOC.
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Char('x'));
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Right);
    }
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(cert(&f, 3).status, CertStatus::Received);
    while f.app.tab::<CertificatesTab>().view != ocsae::tabs::certificates::CertView::Expiry {
        press(&mut f.app, KeyCode::Char('v'));
    }
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per renovar: 1"), "{s}");
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 100, 40);
    assert!(s.contains("Caduquen en 60 dies sense renovació (1)"), "{s}");
    // Àger's (#2): a renewal filed.
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 100, 30));
    assert_eq!(cert(&f, 4).renews(), Some(2));
    while f.app.tab::<CertificatesTab>().view != ocsae::tabs::certificates::CertView::Expiry {
        press(&mut f.app, KeyCode::Char('v'));
    }
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per renovar: 0"), "{s}");
    press(&mut f.app, KeyCode::Char('0'));
    let s = screen(&f.app, 100, 40);
    assert!(
        !s.contains("Caduquen en 60 dies"),
        "an empty section is left out: {s}"
    );
}
