//! The Certificats tab: filing, deadlines, countdowns, the status path.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::CertStatus;
use ocsae::event::Event;
use ocsae::popups::request_form::RequestForm;
use ocsae::tabs::CertificatesTab;
use ocsae::tabs::certificates::CertView;

/// Friday 4 December 2026, 10:00 in Barcelona.
const FRIDAY: &str = "2026-12-04T09:00:00Z";

fn at_friday() -> Fixture {
    let mut f = fixture();
    f.clock.set(at(FRIDAY));
    press(&mut f.app, KeyCode::Char('3'));
    f
}

/// Files a request through the form: council, holder, then `extra` keys on the later fields.
fn file(f: &mut Fixture, council: &str, holder: &str, extra: impl FnOnce(&mut Fixture)) {
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, council);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, holder);
    extra(f);
    press(&mut f.app, KeyCode::Enter);
    assert!(
        f.app.popup.is_none(),
        "the form stayed open:\n{}",
        screen(&f.app, 80, 24)
    );
}

fn tab_to(f: &mut Fixture, steps: usize) {
    for _ in 0..steps {
        press(&mut f.app, KeyCode::Tab);
    }
}

fn three_requests() -> Fixture {
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    // Urgent, for the secretary of Àger.
    file(&mut f, "ager", "Jordi Solé", |f| {
        tab_to(f, 1);
        press(&mut f.app, KeyCode::Right);
        tab_to(f, 3);
        press(&mut f.app, KeyCode::Char(' '));
    });
    // Received on Thursday at 16:00, ordinary.
    file(&mut f, "cabanabona", "Anna Vidal", |f| {
        tab_to(f, 6);
        ctrl(&mut f.app, 'u');
        type_text(&mut f.app, "2026-12-03 16:00");
    });
    f
}

fn due_of(f: &Fixture, holder: &str) -> String {
    let i = f
        .app
        .data
        .certs
        .list
        .iter()
        .position(|c| c.holder == holder)
        .unwrap();
    f.app.data.certs.due[i]
        .with_timezone(&chrono_tz::Europe::Madrid)
        .to_rfc3339()
}

#[test]
fn three_requests_show_their_deadlines_to_the_minute() {
    let mut f = three_requests();
    assert_eq!(due_of(&f, "Maria Puig"), "2026-12-15T00:00:00+01:00");
    assert_eq!(due_of(&f, "Jordi Solé"), "2026-12-09T10:00:00+01:00");
    assert_eq!(due_of(&f, "Anna Vidal"), "2026-12-12T00:00:00+01:00");
    f.app.status = None;
    let s = screen(&f.app, 80, 24);
    let order: Vec<&str> = s
        .lines()
        .skip(3)
        .take(3)
        .map(|l| l.split_whitespace().nth(2).unwrap_or(""))
        .collect();
    assert_eq!(
        order,
        ["Àger", "Cabanabona", "Tiurana"],
        "earliest deadline first: {s}"
    );
    assert!(
        s.contains("5d 00h") && s.contains("7d 14h") && s.contains("10d 14h"),
        "{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn countdowns_move_by_themselves_and_turn_overdue() {
    let mut f = three_requests();
    // The loop is asked to wake within the minute.
    let wait = f.app.next_tick().unwrap();
    assert!(wait <= std::time::Duration::from_secs(60), "{wait:?}");
    f.clock.set(at("2026-12-09T08:30:00Z")); // Wednesday 9:30: the urgent one is due at 10:00.
    f.app.handle_event(Event::Tick);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("⚠ 30m 00s"), "{s}");
    assert!(
        f.app.next_tick().unwrap() <= std::time::Duration::from_secs(1),
        "seconds tick in the last hour"
    );
    f.clock.set(at("2026-12-09T11:00:00Z"));
    f.app.handle_event(Event::Tick);
    f.app.status = None; // the last "Desat" message, gone with the next key
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("VENÇUT fa 2h"), "{s}");
    assert!(s.contains("⚠ vençudes: 1"), "the status bar counts it: {s}");
    // Narrower, the hints give way whole: none is cut against the count.
    let narrow = screen(&f.app, 60, 24);
    let status = narrow.lines().last().unwrap().trim_end();
    assert!(status.ends_with("  ⚠ vençudes: 1"), "{status:?}");
    let hints = status.trim_end_matches("⚠ vençudes: 1").trim_end();
    assert!(
        hints.ends_with("Avança") || hints.ends_with("Detall") || hints.ends_with("Caducitats"),
        "{status:?}"
    );
    f.clock.set(at("2026-12-12T09:00:00Z"));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("VENÇUT fa 3d"), "{s}");
}

#[test]
fn urgency_outside_the_three_posts_needs_a_reason() {
    let mut f = at_friday();
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    tab_to(&mut f, 1);
    type_text(&mut f.app, "Pere Roca");
    tab_to(&mut f, 1);
    for _ in 0..3 {
        press(&mut f.app, KeyCode::Right); // mayor → secretary → intervenor → treasurer
    }
    tab_to(&mut f, 3);
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<RequestForm>().is_some());
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("si no, cal un motiu"), "{s}");
    tab_to(&mut f, 1);
    type_text(&mut f.app, "certificat caducat demà");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    let c = &f.app.data.certs.list[0];
    assert!(c.urgent);
    assert_eq!(c.reason(), "certificat caducat demà");
}

#[test]
fn the_form_names_an_hour_the_clocks_skip_and_refuses_the_future() {
    let mut f = at_friday();
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    tab_to(&mut f, 1);
    type_text(&mut f.app, "Maria Puig");
    tab_to(&mut f, 6);
    let received = |f: &mut Fixture, text: &str| {
        ctrl(&mut f.app, 'u');
        type_text(&mut f.app, text);
        press(&mut f.app, KeyCode::Enter);
        screen(&f.app, 80, 24)
    };
    let s = received(&mut f, "2026-03-29 02:30");
    assert!(s.contains("Aquesta hora no existeix"), "{s}");
    // Friday 10:06: past the five minutes a clock may be fast; the import draws the same line.
    let s = received(&mut f, "2026-12-04 10:06");
    assert!(s.contains("La data de recepció no pot ser futura."), "{s}");
    assert!(f.app.popup_as::<RequestForm>().is_some());
    received(&mut f, "2026-12-04 10:04");
    assert!(f.app.popup.is_none(), "saved");
}

#[test]
fn a_council_without_a_valid_fitxa_is_warned_but_filed() {
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    let s = screen(&f.app, 80, 24);
    // Too long for one row, the message takes two, and none of it is lost.
    let lines: Vec<&str> = s.lines().collect();
    let status = lines[lines.len() - 2..].join("");
    assert!(
        status.starts_with(" Desat #1: termini ")
            && status.ends_with(". Avís: Tiurana no té fitxa de subscriptor vigent."),
        "{s}"
    );
    assert_eq!(f.app.data.certs.list.len(), 1);
}

#[test]
fn an_empty_expiry_view_says_no_certificate_was_issued() {
    let mut f = at_friday();
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Cap certificat emès.") && !s.contains("en curs."),
        "{s}"
    );
}

#[test]
fn the_status_path_with_confirmations_then_the_expiry_view_and_a_renewal() {
    let mut f = at_friday();
    // A secretary's certificate needs the appointment before it can be filed.
    file(&mut f, "tiurana", "Jordi Solé", |f| {
        tab_to(f, 1);
        press(&mut f.app, KeyCode::Right);
    });
    press(&mut f.app, KeyCode::Char('a'));
    assert!(screen(&f.app, 80, 24).contains("Cal adjuntar el nomenament"));
    assert_eq!(f.app.data.certs.list[0].status, CertStatus::Received);
    press(&mut f.app, KeyCode::Char('e'));
    tab_to(&mut f, 8);
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    assert_eq!(f.app.data.certs.list[0].status, CertStatus::Filed);
    // Issuing asks its date, now by default; Esc leaves it as it was.
    press(&mut f.app, KeyCode::Char('a'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Emesa la #1 (Jordi Solé) el dia (Enter desa): 04/12/2026 10:00"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(f.app.data.certs.list[0].status, CertStatus::Filed, "Esc declines");
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(f.app.data.certs.list[0].status, CertStatus::Issued);
    // It stays in the queue, to deliver, selected.
    let tab = f.app.tab::<CertificatesTab>();
    assert_eq!(tab.selected_id(&f.app.data), Some(1));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("per lliurar") && s.contains("per lliurar: 1"), "{s}");

    press(&mut f.app, KeyCode::Char('v'));
    assert_eq!(f.app.tab::<CertificatesTab>().view, CertView::Expiry);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("1461 d") && s.contains("Jordi Solé"), "{s}");
    f.clock.set(at("2030-10-20T09:00:00Z"));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("⟳ ara") && s.contains("per renovar: 1"),
        "the renewal window is marked: {s}"
    );
    press(&mut f.app, KeyCode::Char('n'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Renovació del certificat #1") && s.contains("‹renovació›") && s.contains("Jordi Solé"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Enter);
    let renewal = f.app.data.certs.list.iter().find(|c| c.id == 2).unwrap();
    assert_eq!(renewal.renews(), Some(1));
    assert_eq!(renewal.holder, "Jordi Solé");
}

#[test]
fn cancelling_asks_for_the_holders_name_and_rejecting_for_a_reason() {
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    file(&mut f, "ager", "Pere Roca", |_| {});
    // The last filed request stays selected: #2, Pere Roca.
    press(&mut f.app, KeyCode::Char('c'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Per cancel·lar la #2, escriviu el nom del titular (Pere Roca):"),
        "{s}"
    );
    type_text(&mut f.app, "Maria");
    press(&mut f.app, KeyCode::Enter);
    // Refused, the prompt stays open with its answer in sight.
    let status = screen(&f.app, 80, 24).lines().last().unwrap().to_string();
    assert!(
        status.starts_with(" ✖ No és el nom del titular (Esc per sortir). › Maria"),
        "{status}"
    );
    assert_eq!(f.app.data.certs.get(2).unwrap().status, CertStatus::Received);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "pere roca");
    press(&mut f.app, KeyCode::Enter);
    // Then why, which may be left blank.
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Motiu de la cancel·lació de la #2 (opcional):"), "{s}");
    assert_eq!(f.app.data.certs.get(2).unwrap().status, CertStatus::Received);
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(f.app.data.certs.get(2).unwrap().status, CertStatus::Cancelled);
    // The selection follows it to the closed requests, and the status line says where.
    let tab = f.app.tab::<CertificatesTab>();
    assert_eq!(
        (tab.view, tab.selected_id(&f.app.data)),
        (CertView::Closed, Some(2))
    );
    assert!(screen(&f.app, 80, 24).contains("Ara és a les tancades; v torna a la cua."));
    press(&mut f.app, KeyCode::Char('v'));
    assert_eq!(f.app.tab::<CertificatesTab>().view, CertView::Queue);
    press(&mut f.app, KeyCode::Char('r'));
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("Cal escriure un motiu."));
    type_text(&mut f.app, "DNI caducat");
    press(&mut f.app, KeyCode::Enter);
    let c = f.app.data.certs.get(1).unwrap();
    assert_eq!(
        (c.status, c.status_reason().as_str()),
        (CertStatus::Rejected, "DNI caducat")
    );
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Sol·licituds tancades") && s.contains("DNI caducat"),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char('u'));
    assert_eq!(
        f.app.data.certs.get(1).unwrap().status,
        CertStatus::Received,
        "undo brings it back"
    );
    // Undo names the record and selects it, in the queue again.
    let tab = f.app.tab::<CertificatesTab>();
    assert_eq!(
        (tab.view, tab.selected_id(&f.app.data)),
        (CertView::Queue, Some(1))
    );
    assert!(
        screen(&f.app, 80, 24).contains("Desfet: #1 Maria Puig, rebutjada → rebuda."),
        "{}",
        screen(&f.app, 80, 24)
    );
}

#[test]
fn enter_shows_the_request_with_its_history() {
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Sol·licitud #1") && s.contains("Historial"), "{s}");
    assert!(
        s.contains("04/12/2026 10:00 ·")
            && s.contains("Rebuda          04/12/2026 10:00")
            && s.contains("nova sol·licitud")
            && s.contains("· rebuda → sol·licitada a EACAT"),
        "{s}"
    );
    assert!(
        s.contains("14/12/2026 24:00"),
        "the deadline as the promise is worded: {s}"
    );
}

#[test]
fn the_filter_finds_holders_and_councils() {
    let mut f = three_requests();
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "sole");
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 1);
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "cabana");
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 1);
    // Past the last match and back: widening rescans everything.
    type_text(&mut f.app, "x");
    assert!(f.app.tab::<CertificatesTab>().rows.is_empty());
    press(&mut f.app, KeyCode::Backspace);
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 1);
    press(&mut f.app, KeyCode::Esc);
    let all = &f.app.tab::<CertificatesTab>().rows;
    assert_eq!(all.len(), 3);
    let due: Vec<_> = all.iter().map(|&i| f.app.data.certs.due[i]).collect();
    assert!(due.is_sorted(), "the queue stays in deadline order");
}

#[test]
fn municipis_shows_open_requests_and_the_next_deadline() {
    let mut f = three_requests();
    press(&mut f.app, KeyCode::Char('1'));
    let s = screen(&f.app, 80, 24);
    let ager = s.lines().find(|l| unmarked(l).starts_with("Àger")).unwrap();
    assert!(ager.contains(" 1 ") && ager.contains("5d 00h"), "{ager}");
}

#[test]
fn past_the_holiday_calendar_the_status_bar_warns() {
    let mut f = fixture();
    assert!(!screen(&f.app, 100, 24).contains("festius fins al 2027"));
    f.clock.set(at("2027-12-27T09:00:00Z"));
    press(&mut f.app, KeyCode::Char('3'));
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    f.app.status = None;
    // Received on 27 December 2027, due in 2028: past the last year of the holidays.
    let s = screen(&f.app, 100, 24);
    assert!(
        s.lines()
            .last()
            .unwrap()
            .contains("⚠ festius fins al 2027, després només caps de setmana"),
        "{s}"
    );
}

#[test]
fn a_request_awaiting_documents_has_no_deadline_until_they_arrive() {
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |f| {
        tab_to(f, 7); // from the holder to "documents missing"
        press(&mut f.app, KeyCode::Char(' '));
    });
    let message = &f.app.status.as_ref().unwrap().text;
    assert!(
        message.contains("Desat #1: sense termini fins que arribi la documentació."),
        "{message}"
    );
    let s = screen(&f.app, 80, 24);
    assert!(s.lines().any(|l| l.starts_with("esperant doc.")), "{s}");
    f.clock.set(at("2027-02-01T09:00:00Z"));
    assert_eq!(
        f.app.data.certs.overdue(at("2027-02-01T09:00:00Z")),
        0,
        "never overdue while waiting"
    );
    // The documents arrive on Monday 1 February 2027: the clock starts then.
    press(&mut f.app, KeyCode::Char('a'));
    assert_eq!(f.app.data.certs.list[0].status, CertStatus::Received);
    let due = f.app.data.certs.deadline(0).unwrap();
    assert_eq!(
        due.with_timezone(&chrono_tz::Europe::Madrid).to_rfc3339(),
        "2027-02-09T00:00:00+01:00"
    );
}

#[test]
fn the_first_screen_uses_the_summary_cache_only_while_it_is_current() {
    use ocsae::app::summary_cache;
    let mut f = at_friday();
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    let dir = f.dir;
    drop(f.app);
    drop(f.disk);
    let tz = chrono_tz::Europe::Madrid;
    let lazy = |clock: &ocsae::domain::clock::FixedClock| {
        let store = open_store(dir.path());
        // The Municipis columns, on the first screen Municipis was before Avui.
        let config = ocsae::config::Config {
            start_tab: ocsae::config::StartTab::Municipalities,
            ..ocsae::config::Config::default()
        };
        let keymap = ocsae::keymap::Keymap::new(&config.keys).unwrap();
        let theme = ocsae::theme::Theme::pick(ocsae::theme::ThemeName::Dark, false);
        ocsae::app::App::new_lazy(
            store,
            config,
            ocsae::i18n::Lang::Ca,
            keymap,
            theme,
            std::sync::Arc::new(clock.clone()),
        )
        .unwrap()
    };
    let clock = ocsae::domain::clock::FixedClock::new(at(FRIDAY));
    let app = lazy(&clock);
    assert!(!app.data.certs_loaded && !app.data.summary_known, "no cache yet");
    assert!(
        screen(&app, 80, 24)
            .lines()
            .any(|l| unmarked(l).starts_with("Àger") && l.contains('…'))
    );
    drop(app);

    let store = open_store(dir.path());
    summary_cache::refresh(store.as_ref(), tz, &[]);
    drop(store);
    let app = lazy(&clock);
    assert!(
        !app.data.certs_loaded && app.data.summary_known,
        "a current cache fills the columns"
    );
    let tiurana = app
        .data
        .municipalities
        .iter()
        .position(|m| m.name == "Tiurana")
        .unwrap();
    assert_eq!(app.data.open_certificates(tiurana), 1);
    assert_eq!(app.data.next_due(tiurana), Some(at("2026-12-14T23:00:00Z")));
    assert!(
        screen(&app, 80, 24)
            .lines()
            .any(|l| unmarked(l).starts_with("Àger") && l.contains(" — ")),
        "no '…' left"
    );
    drop(app);

    // Any later change makes it stale: the columns wait for the requests.
    let mut app = lazy(&clock);
    app.certificates_loaded(app.certificate_loader().unwrap()());
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "Joan");
    press(&mut app, KeyCode::Enter);
    drop(app);
    let store = open_store(dir.path());
    assert!(!summary_cache::load(
        store.as_ref(),
        &mut ocsae::app::data::Data::load_councils(
            store.as_ref(),
            ocsae::domain::calendar::Calendar::catalan(&[], tz)
        )
        .unwrap(),
        &summary_cache::fingerprint(tz, &[])
    ));
}

#[test]
fn esc_in_a_form_with_typed_text_keeps_it_open_until_discarding_is_confirmed() {
    let mut f = at_friday();
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Esc);
    let form = f.app.popup_as::<RequestForm>().expect("Esc keeps a changed form");
    assert!(form.confirm_discard);
    assert_eq!(form.council_input.value(), "tiurana");
    press(&mut f.app, KeyCode::Char('n'));
    assert!(f.app.popup_as::<RequestForm>().is_some(), "n goes back to it");
    ctrl(&mut f.app, 'c');
    assert!(!f.app.quit, "Ctrl-C does not drop typed text");
    assert!(f.app.popup_as::<RequestForm>().is_some());
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('s'));
    assert!(f.app.popup.is_none(), "s discards");
    press(&mut f.app, KeyCode::Char('n'));
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.popup.is_none(), "an untouched form closes at once");
}

#[test]
fn a_form_whose_save_fails_stays_open_with_what_was_typed() {
    let mut f = at_friday();
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Maria Puig");
    f.disk.simulate_full_disk(true);
    press(&mut f.app, KeyCode::Enter);
    let form = f.app.popup_as::<RequestForm>().expect("kept open");
    assert_eq!(form.holder.value(), "Maria Puig");
    assert!(f.app.data.certs.list.is_empty());
    f.disk.simulate_full_disk(false);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none());
    assert_eq!(f.app.data.certs.list.len(), 1);
}

#[test]
fn the_selected_request_stays_selected_when_another_goes() {
    use ocsae::store::{Edit, Record};
    let mut f = three_requests();
    let selected = |f: &Fixture| {
        let tab = f.app.tab::<CertificatesTab>();
        let i = tab.rows[tab.cursor.selected];
        f.app.data.certs.list[i].holder.clone()
    };
    press(&mut f.app, KeyCode::Home);
    assert_eq!(selected(&f), "Jordi Solé", "the earliest deadline");
    // Another writer removes Maria Puig's request, the first by id.
    let gone = f.app.data.certs.list[0].clone();
    assert_eq!(gone.holder, "Maria Puig");
    f.app.changed_elsewhere(&[Edit {
        before: Some(Record::Certificate(gone)),
        after: None,
    }]);
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 2);
    assert_eq!(selected(&f), "Jordi Solé");
}

/// An import's requests, undone and redone from the dashboard: the store moves
/// them as one run, and the queue follows without reading them one by one.
#[test]
fn an_import_undone_in_the_dashboard_leaves_the_queue_and_redo_brings_it_back() {
    let f = fixture();
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for i in 0..150 {
        csv.push_str(&format!(
            "252228,Titular {i},mayor,tcat,new,no,received,2026-11-20 10:00,\n"
        ));
    }
    let table = ocsae::io::csv_input::parse(&csv).unwrap();
    ocsae::io::import::certificates_from(f.app.store.as_ref(), &table, chrono_tz::Europe::Madrid, at(NOW))
        .unwrap();
    let mut f = f.restart();
    press(&mut f.app, KeyCode::Char('3'));
    // One request filed after the import, undone first.
    file(&mut f, "Tiurana", "Anna Serra", |_| {});
    assert_eq!(f.app.data.certs.list.len(), 151);
    press(&mut f.app, KeyCode::Char('u'));
    press(&mut f.app, KeyCode::Char('u'));
    assert!(f.app.data.certs.list.is_empty(), "the import is undone");
    assert_eq!(f.app.data.open_certs.iter().sum::<usize>(), 0);
    let s = screen(&f.app, 100, 30);
    assert!(!s.contains("Titular 7"), "{s}");
    ctrl(&mut f.app, 'r');
    assert_eq!(f.app.data.certs.list.len(), 150);
    assert_eq!(f.app.data.open_certs.iter().sum::<usize>(), 150);
    let holders: Vec<&str> = f.app.data.certs.list.iter().map(|c| c.holder.as_str()).collect();
    assert_eq!((holders[0], holders[149]), ("Titular 0", "Titular 149"));
    let s = screen(&f.app, 100, 30);
    assert!(s.contains("Titular"), "{s}");
    // As the store holds them.
    assert_eq!(f.app.store.certificates().unwrap(), f.app.data.certs.list);
}
