//! The weekly report on a fixed store, and `E` / `y` from the dashboard.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::calendar::Calendar;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::municipality::{Contact, ContactRole};
use ocsae::domain::rollout::RolloutStatus;
use ocsae::i18n::{I18n, Lang};
use ocsae::io::report::{ReportFormat, ReportInput, render};
use ocsae::store::{Change, ChangeKind, Edit, Record, Store};
use ocsae::tabs::RolloutTab;

fn request(
    id: u64,
    ine: u32,
    holder: &str,
    status: CertStatus,
    received: &str,
    issued: Option<&str>,
) -> CertificateRequest {
    let mut c = CertificateRequest::received(
        id,
        ocsae::domain::municipality::IneCode(ine),
        holder,
        HolderRole::Mayor,
        "tcat",
        at(received),
    );
    c.status = status;
    c.issued_at = issued.map(at);
    c
}

/// A Noguera store with some rollout done, three kinds of request, a fitxa to renew and a contact.
fn fixed_store(dir: &std::path::Path) -> Box<dyn Store> {
    let store = open_store(dir);
    ocsae::store::seed::seed(
        store.as_ref(),
        &ocsae::store::seed::resolve_scope("Noguera").unwrap(),
        at(NOW),
    )
    .unwrap();
    let mut edits = Vec::new();
    for r in store.rollouts().unwrap() {
        let mut after = r.clone();
        after.status = match (r.service.as_str(), r.ine.0 % 4) {
            ("e-notum", 0) | ("eacat", _) => RolloutStatus::Done,
            ("e-notum", 1) => RolloutStatus::InProgress,
            ("e-notum", 2) => RolloutStatus::Blocked,
            ("e-tauler", 0) => RolloutStatus::NotApplicable,
            _ => continue,
        };
        edits.push(Edit::update(Record::Rollout(r), Record::Rollout(after)));
    }
    for m in store.municipalities().unwrap() {
        let mut after = m.clone();
        match m.name.as_str() {
            "Àger" => after.subscriber_form_sent_on = Some("2025-01-20".parse().unwrap()),
            "Albesa" => after.subscriber_form_sent_on = Some("2024-06-01".parse().unwrap()),
            "Tiurana" => after.contacts.push(Contact {
                role: ContactRole::Mayor,
                name: "Joan Solé".into(),
                phone: String::new(),
                email: String::new(),
            }),
            _ => continue,
        }
        edits.push(Edit::update(Record::Municipality(m), Record::Municipality(after)));
    }
    for c in [
        request(
            1,
            252228,
            "Maria Puig",
            CertStatus::Received,
            "2026-11-16T09:00:00Z",
            None,
        ),
        request(
            2,
            250024,
            "Jordi Solé",
            CertStatus::Filed,
            "2026-11-20T09:00:00Z",
            None,
        ),
        request(
            3,
            250609,
            "Anna Vidal",
            CertStatus::Issued,
            "2026-11-02T09:00:00Z",
            Some("2026-11-05T09:00:00Z"),
        ),
    ] {
        edits.push(Edit::create(Record::Certificate(c)));
    }
    store
        .apply(Change::new(ChangeKind::ImportCertificates, edits), at(NOW))
        .unwrap();
    let activities: Vec<Edit> = week_of_activity()
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    store
        .apply(Change::new(ChangeKind::ImportActivities, activities), at(NOW))
        .unwrap();
    store
}

/// The week of 23 November 2026 (NOW is Thursday 26): four answers (one late, after
/// a call of the week before), one call still open and overdue, a visit, a training.
fn week_of_activity() -> Vec<ocsae::domain::activity::Activity> {
    use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus, Attendance};
    use ocsae::domain::municipality::IneCode;
    let (tiurana, ager, albesa) = (IneCode(252228), IneCode(250024), IneCode(250083));
    let entry = |ine, kind, received: &str, closed: Option<&str>, minutes| {
        let mut a = Activity::new(Some(ine), kind, "Consulta", at(received));
        a.id = ocsae::store::NEW_ID;
        a.minutes = minutes;
        if let Some(closed) = closed {
            a.status = ActivityStatus::Closed;
            a.closed_at = Some(at(closed));
        }
        a
    };
    let mut training = Activity::new(
        None,
        ActivityKind::Training,
        "e-NOTUM",
        at("2026-11-24T09:00:00Z"),
    );
    training.councils = vec![
        Attendance {
            ine: tiurana,
            attendees: 3,
        },
        Attendance {
            ine: ager,
            attendees: 2,
        },
    ];
    training.services = vec!["e-notum".into()];
    training.session_minutes = Some(90);
    training.status = ActivityStatus::Closed;
    training.closed_at = Some(training.received_at);
    vec![
        entry(
            tiurana,
            ActivityKind::Call,
            "2026-11-23T10:00:00Z",
            Some("2026-11-23T12:00:00Z"),
            Some(15),
        ),
        entry(
            ager,
            ActivityKind::Email,
            "2026-11-24T09:00:00Z",
            Some("2026-11-26T09:00:00Z"),
            Some(30),
        ),
        // Due at 24:00 on Monday 23: answered on Tuesday, late.
        entry(
            tiurana,
            ActivityKind::Call,
            "2026-11-19T09:00:00Z",
            Some("2026-11-24T08:00:00Z"),
            None,
        ),
        entry(
            tiurana,
            ActivityKind::Visit,
            "2026-11-23T08:00:00Z",
            Some("2026-11-23T10:00:00Z"),
            Some(120),
        ),
        // Due at 24:00 on Wednesday 25: still open on Thursday.
        entry(albesa, ActivityKind::Call, "2026-11-23T09:00:00Z", None, Some(5)),
        training,
    ]
}

fn report(lang: Lang, format: ReportFormat, now: DateTime<Utc>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let store = fixed_store(dir.path());
    let calendar = Calendar::catalan(&[], chrono_tz::Europe::Madrid);
    let (councils, rollouts, certificates) = (
        store.municipalities().unwrap(),
        store.rollouts().unwrap(),
        store.certificates().unwrap(),
    );
    let activities = activities(store.as_ref());
    let input = ReportInput {
        councils: &councils,
        rollouts: &rollouts,
        certificates: &certificates,
        activities: &activities,
        response_days: 2,
        calendar: &calendar,
        now,
    };
    render(&input, &I18n::new(lang), format)
}

fn activities(store: &dyn Store) -> Vec<ocsae::domain::activity::Activity> {
    store
        .records(ocsae::store::Kind::Activity)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Activity(a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn the_monday_report_as_text() {
    let text = report(Lang::Ca, ReportFormat::Text, at(NOW));
    assert!(text.contains("Vençudes: 1"), "{text}");
    assert!(text.contains("Vencen aquesta setmana: 1"), "{text}");
    assert!(text.contains("Emeses aquest mes: 1"), "{text}");
    assert!(
        text.contains("Àger: 20/01/2027 (caduca en 55 d)") && text.contains("Albesa: 01/06/2026 (caducada)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn the_monday_report_as_markdown_in_english() {
    let md = report(Lang::En, ReportFormat::Markdown, at(NOW));
    assert!(
        md.starts_with("# Weekly report · Noguera · week of 2026-11-23 to 2026-11-29"),
        "{md}"
    );
    assert!(md.contains("| EACAT | 30 (100%) |"), "{md}");
    insta::assert_snapshot!(md);
}

#[test]
fn the_week_of_activity_is_counted_by_kind_and_council_with_answers_in_time() {
    let text = report(Lang::Ca, ReportFormat::Text, at(NOW));
    let section = text
        .split("Activitat de la setmana")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    for expected in [
        // Five received this week (the late call came the week before), and the training.
        "Registrades aquesta setmana: 5; minuts dedicats: 170",
        "Obertes ara: 1, de les quals vençudes: 1",
        "Tancades aquesta setmana: 4; dins del termini (2 dies feiners): 3 (75%)",
        // 2h, 2h, 2d and 4d 23h: halfway between 2h and 2d.
        "Temps per tancar-les (mediana): 1d 01h",
        "24/11/2026 · e-NOTUM · 1,5 h · Tiurana 3, Àger 2 (5 assistents)",
        "Municipis sense visita el 2026",
        "29: Àger, Albesa,",
    ] {
        assert!(section.contains(expected), "{expected}\n{section}");
    }
    let rows: Vec<Vec<&str>> = section.lines().map(|l| l.split_whitespace().collect()).collect();
    assert!(rows.contains(&vec!["trucada", "2", "20"]), "{section}");
    assert!(rows.contains(&vec!["visita", "1", "120"]), "{section}");
    assert!(rows.contains(&vec!["formació", "1", "0"]), "{section}");
    assert!(rows.contains(&vec!["Tiurana", "3"]), "{section}");
    assert!(rows.contains(&vec!["Àger", "2"]), "{section}");
    assert!(
        !section.contains("Tiurana,"),
        "Tiurana was visited this year: {section}"
    );
}

#[test]
fn e_exports_the_table_on_screen_and_y_copies_the_row() {
    let mut f = fixture();
    let out = tempfile::tempdir().unwrap();
    f.app.export_dir = out.path().to_path_buf();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "vilanova");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('E'));
    let s = screen(&f.app, 80, 24);
    let status = s.lines().last().unwrap();
    assert!(
        status.contains("Exportat a ocsae-municipis-20261126-") && status.contains("(2 files)"),
        "{status}"
    );
    let file = std::fs::read_dir(out.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let csv = std::fs::read_to_string(file).unwrap();
    assert!(
        csv.starts_with("\u{FEFF}ine_code,municipality,population,rollout_done"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("Vilanova de Meià"));

    press(&mut f.app, KeyCode::Char('y'));
    let copied = f.app.clipboard.clone().unwrap();
    assert_eq!(
        copied,
        "Vilanova de l'Aguda (INE 252496) · 192 hab. · implantació 0/12 · 0 certificats en curs · fitxa: no enviada"
    );
    assert!(screen(&f.app, 80, 24).contains("Copiat al porta-retalls"));

    // A second export in the same second (the clock is fixed) gets its own file.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('E'));
    let status = screen(&f.app, 80, 24).lines().last().unwrap().to_string();
    assert!(status.contains(".csv") && status.contains("-2.csv"), "{status}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2);
}

#[test]
fn the_readme_gives_the_columns_e_writes_on_each_tab() {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let f = fixture();
    let c = request(
        1,
        252228,
        "Maria Puig",
        CertStatus::Received,
        "2026-11-20T09:00:00Z",
        None,
    );
    // And one rejected, for the closed requests.
    let closed = request(
        2,
        252228,
        "Pere Roca",
        CertStatus::Rejected,
        "2026-11-19T09:00:00Z",
        None,
    );
    let change = Change::new(
        ChangeKind::CertNew,
        vec![
            Edit::create(Record::Certificate(c.clone())),
            Edit::create(Record::Certificate(closed)),
        ],
    );
    f.app.store.apply(change, at(NOW)).unwrap();
    let mut f = f.restart();
    let out = tempfile::tempdir().unwrap();
    f.app.export_dir = out.path().to_path_buf();
    let header = |f: &mut Fixture, tab: char, name: &str| {
        press(&mut f.app, KeyCode::Char(tab));
        press(&mut f.app, KeyCode::Char('E'));
        let file = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_str().unwrap().contains(name))
            .unwrap();
        let csv = std::fs::read_to_string(file).unwrap();
        csv.trim_start_matches('\u{FEFF}')
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    let municipis = header(&mut f, '1', "municipis");
    let listed = format!("Municipis writes `{}`", municipis.replace(',', ", "));
    assert!(readme.contains(&listed), "{listed}");
    let implantacio = header(&mut f, '2', "implantacio");
    assert!(
        implantacio.starts_with("ine_code,municipality,e-tram,") && implantacio.ends_with(",done,applicable"),
        "{implantacio}"
    );
    assert!(readme.contains(
        "Implantació `ine_code, municipality`, one column per service (its status) and `done, applicable`"
    ));
    let certificats = header(&mut f, '3', "certificats");
    let exported = ocsae::io::export::certificates(
        &f.app.data.municipalities,
        &[c],
        &Default::default(),
        &f.app.data.calendar,
        ocsae::io::Format::Csv,
    )
    .unwrap();
    let exported = String::from_utf8(exported).unwrap();
    assert_eq!(
        Some(certificats.as_str()),
        exported.trim_start_matches('\u{FEFF}').lines().next(),
        "the export's columns"
    );
    assert!(readme.contains(
        "Certificats, in the queue, the expiry view and the closed requests, writes the columns of `export certificates`"
    ));
    // The closed requests (`v` twice from the queue) write the same columns.
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    let tancades = header(&mut f, '3', "tancades");
    assert_eq!(tancades, certificats);
    let activitat = header(&mut f, '4', "activitat");
    assert_eq!(activitat, ocsae::io::activity_export::FIELDS.join(","));
    for column in ocsae::io::activity_export::FIELDS {
        assert!(
            readme.contains(&format!("`{column}`")),
            "{column} in the field table"
        );
    }
    assert!(readme.contains("Activitat, in every view, writes the columns of `export activity`"));
}

#[test]
fn e_writes_nothing_inside_the_store() {
    let mut f = fixture();
    // Started from within the store's directory, or its database's.
    for dir in [f.dir.path().to_path_buf(), f.dir.path().join("sled")] {
        let before: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        f.app.export_dir = dir.clone();
        press(&mut f.app, KeyCode::Char('E'));
        let status = screen(&f.app, 200, 24).lines().last().unwrap().to_string();
        assert!(status.contains("és dins del magatzem"), "{status}");
        let after: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(after, before, "nothing was written in {dir:?}");
    }
}

#[test]
fn e_writes_a_private_file_through_no_planted_link_and_quotes_formulas() {
    use std::os::unix::fs::PermissionsExt;
    let f = fixture();
    let evil = "=HYPERLINK(\"http://evil.example\",\"Click\")";
    let c = request(
        1,
        252228,
        evil,
        CertStatus::Received,
        "2026-11-20T09:00:00Z",
        None,
    );
    f.app
        .store
        .apply(
            Change::new(ChangeKind::CertNew, vec![Edit::create(Record::Certificate(c))]),
            at(NOW),
        )
        .unwrap();
    let mut f = f.restart();
    let out = tempfile::tempdir().unwrap();
    f.app.export_dir = out.path().to_path_buf();
    // Where ocsae used to write first, a neighbour's link to the user's own file.
    let victim = f.dir.path().join("victim");
    std::fs::write(&victim, "mine\n").unwrap();
    let planted = out.path().join("ocsae-certificats-20261126-103000.ocsae-tmp");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('E'));
    let status = screen(&f.app, 80, 24).lines().last().unwrap().to_string();
    assert!(
        status.contains("ocsae-certificats-20261126-103000.csv"),
        "{status}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine\n");
    let file = out.path().join("ocsae-certificats-20261126-103000.csv");
    assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",mayor,"),
        "{csv}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        2,
        "the file and the link"
    );

    // The rollout table's own layout goes the same way: one header, a row per council.
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Char('E'));
    let csv = std::fs::read_to_string(out.path().join("ocsae-implantacio-20261126-103000.csv")).unwrap();
    assert!(csv.starts_with("\u{FEFF}ine_code,municipality,e-tram,"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",pending,0,12"), "{csv}");
    assert_eq!(
        csv.lines().count(),
        1 + f.app.tab::<RolloutTab>().rows.len(),
        "{csv}"
    );
}
