//! The Activitat tab, `L` from every screen, and what the support log shows on
//! the council page, in Municipis and in Implantació.

mod common;

use chrono::Duration;
use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus, Attendance, Pause};
use ocsae::domain::municipality::IneCode;
use ocsae::i18n::Lang;
use ocsae::popups::activity_form::{AField, ActivityForm};
use ocsae::store::{Change, ChangeKind, Edit, Kind, Record, Store};
use ocsae::tabs::ActivityTab;

const TIURANA: IneCode = IneCode(252228);
const AGER: IneCode = IneCode(250024);
const ALBESA: IneCode = IneCode(250083);
const PONTS: IneCode = IneCode(251728);

fn keys(app: &mut ocsae::app::App, keys: &[KeyCode]) {
    for &k in keys {
        press(app, k);
    }
}

fn activities(store: &dyn Store) -> Vec<Activity> {
    store
        .records(Kind::Activity)
        .unwrap()
        .filter_map(|r| match r.unwrap() {
            Record::Activity(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// Stores entries as another writer would, and shows them on the app.
fn store_entries(f: &mut Fixture, entries: Vec<Activity>) {
    let edits = entries
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    let applied = f
        .app
        .store
        .apply(Change::new(ChangeKind::ImportActivities, edits), at(NOW))
        .unwrap();
    f.app.changed_elsewhere(&applied.edits);
}

fn entry(ine: IneCode, kind: ActivityKind, summary: &str, received: &str) -> Activity {
    let mut a = Activity::new(Some(ine), kind, summary, at(received));
    a.id = ocsae::store::NEW_ID;
    a.created_by = "anna".into();
    a
}

/// Thursday 26 November 2026, 10:30 in Madrid (NOW): one call just in, one e-mail
/// from Monday already overdue, a visit waiting for the council since yesterday, a
/// remote session closed, and a training.
fn a_week_of_calls(f: &mut Fixture) {
    let mut call = entry(
        TIURANA,
        ActivityKind::Call,
        "No pot signar a EACAT",
        "2026-11-26T09:00:00Z",
    );
    call.contact = "Maria Puig".into();
    call.service = Some("eacat".into());
    let mut email = entry(
        AGER,
        ActivityKind::Email,
        "Alta a e-NOTUM",
        "2026-11-23T08:00:00Z",
    );
    email.service = Some("e-notum".into());
    email.contact = "Jordi Solé".into();
    let mut visit = entry(
        ALBESA,
        ActivityKind::Visit,
        "Revisar la fitxa",
        "2026-11-25T11:00:00Z",
    );
    visit.status = ActivityStatus::Waiting;
    visit.pauses = vec![Pause {
        from: at("2026-11-25T15:00:00Z"),
        to: None,
    }];
    let mut remote = entry(
        PONTS,
        ActivityKind::Remote,
        "Configurar el lector",
        "2026-11-24T10:00:00Z",
    );
    remote.status = ActivityStatus::Closed;
    remote.closed_at = Some(at("2026-11-24T11:00:00Z"));
    let mut training = Activity::new(
        None,
        ActivityKind::Training,
        "e-NOTUM per a secretaris",
        at("2026-11-24T09:00:00Z"),
    );
    training.councils = vec![
        Attendance {
            ine: TIURANA,
            attendees: 3,
        },
        Attendance {
            ine: AGER,
            attendees: 2,
        },
    ];
    training.services = vec!["e-notum".into()];
    training.session_minutes = Some(120);
    training.status = ActivityStatus::Closed;
    training.closed_at = Some(training.received_at);
    store_entries(f, vec![call, email, visit, remote, training]);
}

#[test]
fn the_phone_call_is_logged_in_under_ten_keys_plus_the_summary() {
    let mut f = fixture();
    let summary = "No pot signar a EACAT";
    // g tiu Enter L, the summary, Enter.
    let before: Vec<KeyCode> = "gtiu"
        .chars()
        .map(KeyCode::Char)
        .chain([KeyCode::Enter, KeyCode::Char('L')])
        .collect();
    let after = [KeyCode::Enter];
    assert!(
        before.len() + after.len() < 10,
        "{} keys",
        before.len() + after.len()
    );
    keys(&mut f.app, &before);
    let form = f.app.popup_as::<ActivityForm>().expect("L opens the form");
    assert_eq!(form.council(), Some(TIURANA));
    assert_eq!(form.focus, AField::Summary, "the summary is typed at once");
    type_text(&mut f.app, summary);
    keys(&mut f.app, &after);
    assert!(f.app.popup.is_none());

    // Saved: its due time said, on Tiurana's page with its countdown.
    let s = screen(&f.app, 80, 24);
    assert_eq!(s.lines().last().unwrap(), " Desat #1: termini 30/11/2026 24:00.");
    assert!(s.contains("Activitat · obertes: 1 · en total: 1"), "{s}");
    assert!(s.contains("#1 4d 13h · trucada · No pot signar a EACAT"), "{s}");

    // On the Activitat tab, open, with its countdown.
    press(&mut f.app, KeyCode::Char('4'));
    let s = screen(&f.app, 80, 24);
    let row = s.lines().nth(3).unwrap();
    assert!(
        row.starts_with("4d 13h")
            && row.contains("Tiurana")
            && row.contains("trucada")
            && row.ends_with("obert"),
        "{s}"
    );

    // In the export, under the names the import reads back.
    let stored = activities(f.app.store.as_ref());
    let calendar = ocsae::domain::calendar::Calendar::catalan(&[], chrono_tz::Europe::Madrid);
    let json = ocsae::io::activity_export::activities(
        &f.app.data.municipalities,
        &stored,
        &Default::default(),
        &calendar,
        2,
        ocsae::io::Format::Json,
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let one = &value[0];
    assert_eq!(one["id"], 1);
    assert_eq!(one["ine_code"], "252228");
    assert_eq!(one["municipality"], "Tiurana");
    assert_eq!(one["kind"], "call");
    assert_eq!(one["direction"], "in");
    assert_eq!(one["status"], "open");
    assert_eq!(one["summary"], summary);
    assert_eq!(one["received_at"], "2026-11-26T10:30:00+01:00");
    assert_eq!(one["due_at"], "2026-12-01T00:00:00+01:00");
    assert_eq!(one["created_by"], f.app.store.user());
}

#[test]
fn the_tab_at_80x24_in_three_languages() {
    for (lang, open_row, columns) in [
        (
            Lang::Ca,
            "VENÇUT fa 10h",
            "Termini Municipi Tipus Contacte Serv Resum Estat",
        ),
        // A narrow column keeps the unit: the words between go.
        (
            Lang::Es,
            "VENCIDO 10h",
            "Plazo Municipio Tipo Contacto Serv Resumen Estado",
        ),
        (
            Lang::En,
            "OVERDUE by 10h",
            "Due Municipality Type Contact Serv Summary Status",
        ),
    ] {
        let mut f = fixture_with("Noguera", lang, ocsae::config::Config::default());
        a_week_of_calls(&mut f);
        press(&mut f.app, KeyCode::Char('4'));
        let s = screen(&f.app, 80, 24);
        let header: Vec<&str> = s.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!(header.join(" "), columns, "the same columns in every language");
        // The overdue e-mail first, then the call by due time, then the visit stopped.
        let rows: Vec<&str> = s.lines().skip(3).take(3).collect();
        assert!(rows[0].starts_with(open_row) && rows[0].contains("Àger"), "{s}");
        assert!(
            rows[1].starts_with("4d 13h") && rows[1].contains("Tiurana"),
            "{s}"
        );
        assert!(
            rows[2].starts_with("⏸ 2d 08h") && rows[2].contains("Albesa"),
            "{s}"
        );
        assert!(
            !s.contains("Ponts"),
            "a closed entry is not in the open view: {s}"
        );
        assert!(s.lines().all(|l| ocsae::widgets::width(l) <= 80));
        insta::assert_snapshot!(format!("open_{}", lang.code()), s);
    }
}

#[test]
fn v_cycles_the_views_and_slash_filters_with_folding() {
    let mut f = fixture();
    a_week_of_calls(&mut f);
    press(&mut f.app, KeyCode::Char('4'));
    assert_eq!(f.app.tab::<ActivityTab>().rows.len(), 3);
    press(&mut f.app, KeyCode::Char('v'));
    assert!(screen(&f.app, 80, 24).contains("Seguiments per a avui (26/11/2026)"));
    assert!(f.app.tab::<ActivityTab>().rows.is_empty());
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert_eq!(f.app.tab::<ActivityTab>().rows.len(), 5, "{s}");
    // Everything, newest first: today's call, yesterday's visit, then Tuesday's two.
    let first = s.lines().nth(3).unwrap();
    assert!(first.contains("Tiurana") && first.contains("trucada"), "{s}");
    assert!(
        s.lines().any(|l| l.contains("Ponts") && l.ends_with("tancat")),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Formacions") && s.contains("Tiurana 3, Àger 2"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("24/11/2026") && l.contains("NOT") && l.contains(" 5 ")),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    // Everything again: "/" finds by council, contact, summary or service, without accents.
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "SOLE");
    let rows = &f.app.tab::<ActivityTab>().rows;
    assert_eq!(rows.len(), 1, "the contact Jordi Solé");
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "notum");
    assert_eq!(
        f.app.tab::<ActivityTab>().rows.len(),
        2,
        "the e-mail's service and the training's"
    );
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "agER");
    assert_eq!(
        f.app.tab::<ActivityTab>().rows.len(),
        2,
        "Àger's e-mail and the training"
    );
}

#[test]
fn a_call_answered_on_the_spot_is_closed_in_the_same_form() {
    let mut f = fixture();
    keys(
        &mut f.app,
        &[
            KeyCode::Char('g'),
            KeyCode::Char('t'),
            KeyCode::Char('i'),
            KeyCode::Char('u'),
            KeyCode::Enter,
            KeyCode::Char('L'),
        ],
    );
    type_text(&mut f.app, "Canvi de contrasenya");
    // Summary → Sentit → Estat: obert → pendent → tancat.
    keys(
        &mut f.app,
        &[
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::Right,
            KeyCode::Right,
            KeyCode::Enter,
        ],
    );
    let s = screen(&f.app, 80, 24);
    assert_eq!(s.lines().last().unwrap(), " Desat #1: tancada.");
    let a = &activities(f.app.store.as_ref())[0];
    assert_eq!((a.status, a.closed_at), (ActivityStatus::Closed, Some(at(NOW))));
    assert!(a.pauses.is_empty());
    press(&mut f.app, KeyCode::Char('4'));
    assert!(f.app.tab::<ActivityTab>().rows.is_empty(), "nothing open");
}

#[test]
fn w_stops_the_clock_and_resumes_it_and_x_closes_with_a_note() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiu");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Certificat caducat");
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(f.app.tab::<ActivityTab>().rows.len(), 1, "selected in the queue");

    press(&mut f.app, KeyCode::Char('w'));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("pendent de l'ajuntament: rellotge aturat"), "{s}");
    // Thursday 10:30 to 24:00 on Monday: 13h 30m, Friday and Monday.
    assert!(s.lines().nth(3).unwrap().starts_with("⏸ 2d 13h"), "{s}");
    // A day later the clock has not moved; resumed, it goes on with what it had left.
    f.clock.advance(Duration::days(1));
    assert!(
        screen(&f.app, 80, 24)
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("⏸ 2d 13h")
    );
    press(&mut f.app, KeyCode::Char('w'));
    let a = &activities(f.app.store.as_ref())[0];
    let due = f.app.data.activities.due(0).unwrap();
    assert_eq!(
        due.with_timezone(&chrono_tz::Europe::Madrid).to_rfc3339(),
        "2026-12-02T00:00:00+01:00",
        "a day later than it was: {a:?}"
    );
    assert_eq!(a.received_at, at(NOW), "receipt is not restarted");

    press(&mut f.app, KeyCode::Char('x'));
    type_text(&mut f.app, "Renovada per EACAT");
    press(&mut f.app, KeyCode::Enter);
    let a = &activities(f.app.store.as_ref())[0];
    assert_eq!(a.status, ActivityStatus::Closed);
    assert_eq!(a.notes, "Renovada per EACAT");
    assert!(f.app.tab::<ActivityTab>().rows.is_empty());
    // Each step was a change of its own: undo walks them back.
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(activities(f.app.store.as_ref())[0].status, ActivityStatus::Open);
    // Enter: the entry with its history, status moves named.
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("Activitat #1"), "{s}");
    assert!(s.contains("obert → pendent de l'ajuntament"), "{s}");
    assert!(s.contains("pendent de l'ajuntament → obert"), "{s}");
    assert!(s.contains("obert → tancat") && s.contains("(desfet)"), "{s}");
}

#[test]
fn a_training_offers_to_tick_the_formacio_step_and_one_undo_takes_it_back() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('n'));
    // Kind first: ← from a call goes round to a training.
    keys(&mut f.app, &[KeyCode::BackTab, KeyCode::Left, KeyCode::Tab]);
    assert_eq!(f.app.popup_as::<ActivityForm>().unwrap().focus, AField::Councils);
    type_text(&mut f.app, "tiurana 3, ager 2");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "e-NOTUM per a secretaris");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "NOT, EACAT");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "2");
    let form = screen(&f.app, 80, 24);
    assert!(form.contains("→ Tiurana 3 · Àger 2"), "{form}");
    assert!(form.contains("→ e-NOTUM, EACAT"), "{form}");
    press(&mut f.app, KeyCode::Enter);
    // EACAT has no training step; e-NOTUM's is "Formació feta".
    let s = screen(&f.app, 120, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("Marcar «Formació feta» de e-NOTUM a 2 municipis? (s/n) Desada la #1."),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('s'));
    let notum = ocsae::domain::catalog::services()
        .iter()
        .find(|s| s.id == "e-notum")
        .unwrap();
    let step = notum.training_step().unwrap();
    for ine in [TIURANA, AGER] {
        let r = f.app.data.rollout_of(ine, "e-notum").expect("ticked");
        let mark = r.steps[step].as_ref().unwrap();
        assert_eq!(
            (mark.done_at, mark.done_by.as_str()),
            (at(NOW), f.app.store.user())
        );
    }
    assert!(screen(&f.app, 80, 24).contains("Formació feta marcada: 2 caselles"));
    press(&mut f.app, KeyCode::Char('2'));
    let s = screen(&f.app, 80, 24);
    let tiurana = s.lines().find(|l| l.starts_with("Tiurana")).unwrap();
    assert!(tiurana.contains('◐'), "in progress on Implantació: {s}");

    // One undo takes both ticks back, and leaves the training.
    press(&mut f.app, KeyCode::Char('u'));
    assert!(screen(&f.app, 80, 24).contains("Desfet: formació feta als passos d'implantació."));
    // The store was seeded with every cell pending: back to that.
    for ine in [TIURANA, AGER] {
        let r = f.app.data.rollout_of(ine, "e-notum").unwrap();
        assert!(r.steps[step].is_none(), "{r:?}");
    }
    assert_eq!(activities(f.app.store.as_ref()).len(), 1);
    press(&mut f.app, KeyCode::Char('u'));
    assert!(activities(f.app.store.as_ref()).is_empty());
}

#[test]
fn l_fills_in_what_each_screen_has_selected_and_never_fires_in_a_text_field() {
    let mut f = fixture();
    // Typing a filter: L is a letter.
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "L");
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.councils.filter.value(), "L");
    press(&mut f.app, KeyCode::Esc);
    // In the quick jump, too.
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "L");
    assert!(f.app.popup_as::<ActivityForm>().is_none());
    press(&mut f.app, KeyCode::Esc);

    // Municipis: the selected council (Albesa, the first with an "l", kept when the
    // filter went).
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(ALBESA));
    // In the form's summary, an L is an L.
    type_text(&mut f.app, "Lector");
    assert_eq!(
        f.app.popup_as::<ActivityForm>().unwrap().summary.value(),
        "Lector"
    );
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('s'));
    assert!(f.app.popup.is_none());

    // Implantació: the council and the service of the column.
    press(&mut f.app, KeyCode::Char('2'));
    for _ in 0..5 {
        press(&mut f.app, KeyCode::Right);
    }
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(ALBESA), "the selection came along");
    let service = form
        .service
        .map(|s| ocsae::domain::catalog::services()[s].id.as_str());
    assert_eq!(service, Some("e-notum"));
    press(&mut f.app, KeyCode::Esc);

    // Certificats: the request's council and number.
    let request = ocsae::domain::certificate::CertificateRequest::received(
        ocsae::store::NEW_ID,
        TIURANA,
        "Maria Puig",
        ocsae::domain::certificate::HolderRole::Mayor,
        "tcat",
        at(NOW),
    );
    let applied = f
        .app
        .store
        .apply(
            Change::new(
                ChangeKind::CertNew,
                vec![Edit::create(Record::Certificate(request))],
            ),
            at(NOW),
        )
        .unwrap();
    f.app.changed_elsewhere(&applied.edits);
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('L'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.council(), Some(TIURANA));
    assert_eq!(form.request.value(), "1");
    type_text(&mut f.app, "Pregunta per la T-CAT");
    press(&mut f.app, KeyCode::Enter);
    let a = &activities(f.app.store.as_ref())[0];
    assert_eq!((a.ine, a.request_id), (Some(TIURANA), Some(1)));

    // Activitat: the selected entry's council.
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('L'));
    assert_eq!(f.app.popup_as::<ActivityForm>().unwrap().council(), Some(TIURANA));
}

#[test]
fn municipis_marks_open_entries_and_councils_not_visited_this_year() {
    let mut f = fixture();
    let mut visit = entry(AGER, ActivityKind::Visit, "Visita anual", "2026-03-10T09:00:00Z");
    visit.status = ActivityStatus::Closed;
    visit.closed_at = Some(at("2026-03-10T11:00:00Z"));
    let mut old_visit = entry(ALBESA, ActivityKind::Visit, "Visita", "2025-06-10T09:00:00Z");
    old_visit.status = ActivityStatus::Closed;
    old_visit.closed_at = Some(at("2025-06-10T11:00:00Z"));
    let open = entry(AGER, ActivityKind::Call, "Consulta", "2026-11-26T09:00:00Z");
    let open_too = entry(TIURANA, ActivityKind::Call, "Consulta", "2026-11-26T09:00:00Z");
    store_entries(&mut f, vec![visit, old_visit, open, open_too]);
    let s = screen(&f.app, 80, 24);
    let row = |name: &str| {
        s.lines()
            .find(|l| unmarked(l).starts_with(name))
            .unwrap()
            .to_string()
    };
    assert!(row("Àger").starts_with("● "), "open, visited this year: {s}");
    assert!(row("Albesa").starts_with("○ "), "visited last year only: {s}");
    assert!(row("Algerri").starts_with("○ "), "never visited: {s}");
    // The legend where it fits whole.
    assert!(!s.contains("sense visita el 2026"));
    let wide = screen(&f.app, 130, 24);
    assert!(
        wide.contains("● oberta ○ sense visita el 2026 ◉ tots dos"),
        "{wide}"
    );
    press(&mut f.app, KeyCode::End);
    let s = screen(&f.app, 80, 24);
    assert!(
        s.lines().any(|l| l.starts_with("◉ Tiurana")),
        "open and not visited: {s}"
    );
    // The page: the open entry with its countdown, the visit.
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 40);
    assert!(s.contains("Activitat · obertes: 1 · en total: 2"), "{s}");
    assert!(s.contains("4d 13h · trucada · Consulta"), "{s}");
    assert!(
        s.contains("10/03/2026 10:00 · visita · Visita anual · tancat"),
        "{s}"
    );
    assert!(s.contains("Darrera visita: 10/03/2026"), "{s}");
}

#[test]
fn the_page_lists_the_last_five_and_every_open_one() {
    let mut f = fixture();
    let mut list = Vec::new();
    // An old call still open, then seven closed ones, newest last.
    list.push(entry(
        TIURANA,
        ActivityKind::Call,
        "Oberta fa temps",
        "2026-10-01T09:00:00Z",
    ));
    for day in 10..17 {
        let mut a = entry(
            TIURANA,
            ActivityKind::Email,
            &format!("Tancada {day}"),
            &format!("2026-11-{day}T09:00:00Z"),
        );
        a.status = ActivityStatus::Closed;
        a.closed_at = Some(a.received_at + Duration::hours(1));
        list.push(a);
    }
    store_entries(&mut f, list);
    for c in "gtiu".chars() {
        press(&mut f.app, KeyCode::Char(c));
    }
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 50);
    assert!(s.contains("Oberta fa temps"), "every open one: {s}");
    for day in 12..17 {
        assert!(s.contains(&format!("Tancada {day}")), "{day}: {s}");
    }
    assert!(
        !s.contains("Tancada 11") && !s.contains("Tancada 10"),
        "five at most: {s}"
    );
}

#[test]
fn on_activitat_w_marks_waiting_and_a_full_disk_names_the_key_that_saves_there() {
    let mut f = fixture();
    a_week_of_calls(&mut f);
    press(&mut f.app, KeyCode::Char('4'));
    f.disk.simulate_full_disk_at_flush(true);
    press(&mut f.app, KeyCode::Char('w'));
    let s = screen(&f.app, 80, 24);
    let status: Vec<&str> = s.lines().rev().take(2).collect();
    assert!(
        status
            .iter()
            .any(|l| l.contains("NO DESAT AL DISC (Ctrl-S reintenta)")),
        "w marks waiting here: {s}"
    );
    press(&mut f.app, KeyCode::Char('1'));
    f.disk.simulate_full_disk_at_flush(false);
    press(&mut f.app, KeyCode::Char('w'));
    assert!(
        screen(&f.app, 80, 24).contains("Desat: el canvi pendent ja és al disc."),
        "w saves everywhere else"
    );
}

#[test]
fn the_form_fits_60x16_keeping_the_focus_in_view() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('L'));
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("Resum"), "{s}");
    // Down to the notes, the last field: it scrolls into view, the kind out of it.
    for _ in 0..9 {
        press(&mut f.app, KeyCode::Tab);
    }
    assert_eq!(f.app.popup_as::<ActivityForm>().unwrap().focus, AField::Notes);
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("Notes") && !s.contains("Tipus"), "{s}");
    assert!(s.contains("Enter desa"), "the help line stays: {s}");
    assert!(s.lines().all(|l| ocsae::widgets::width(l) <= 60));
}

#[test]
fn e_edits_the_entry_keeping_its_author_and_number() {
    let mut f = fixture();
    a_week_of_calls(&mut f);
    press(&mut f.app, KeyCode::Char('4'));
    // The overdue e-mail, first: its summary changed, its status to waiting.
    press(&mut f.app, KeyCode::Char('e'));
    let form = f.app.popup_as::<ActivityForm>().unwrap();
    assert_eq!(form.summary.value(), "Alta a e-NOTUM");
    type_text(&mut f.app, " i e-FACT");
    keys(
        &mut f.app,
        &[KeyCode::Tab, KeyCode::Tab, KeyCode::Right, KeyCode::Enter],
    );
    let edited = activities(f.app.store.as_ref())
        .into_iter()
        .find(|a| a.ine == Some(AGER))
        .unwrap();
    assert_eq!(edited.summary, "Alta a e-NOTUM i e-FACT");
    assert_eq!(
        edited.created_by, "anna",
        "the author stays; the history has the editor"
    );
    assert_eq!(edited.status, ActivityStatus::Waiting);
    assert_eq!(edited.pauses[0].from, at(NOW));
    let history = f
        .app
        .store
        .history(&ocsae::store::RecordId::Activity(edited.id))
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.head.change, ChangeKind::ActivityEdit);
    assert_eq!(last.head.user, f.app.store.user());
    // An empty summary is refused in the form, the field marked.
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('v'));
    press(&mut f.app, KeyCode::Char('e'));
    for _ in 0..40 {
        press(&mut f.app, KeyCode::Backspace);
    }
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Escriviu un resum d'una línia."), "{s}");
    assert!(f.app.popup_as::<ActivityForm>().is_some());
}
