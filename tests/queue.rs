//! Certificats: the work stays where the work is. Issued requests wait in the
//! queue until delivered, the selection stays on the record that changed, steps
//! take the date they happened, and undo says what it undid and shows it.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::domain::certificate::CertStatus;
use ocsae::i18n::Lang;
use ocsae::popups::checklist::Checklist;
use ocsae::tabs::certificates::CertView;
use ocsae::tabs::{CertificatesTab, MunicipalitiesTab, RolloutTab};

/// Friday 4 December 2026, 10:00 in Barcelona.
const FRIDAY: &str = "2026-12-04T09:00:00Z";

fn at_friday_in(lang: Lang) -> Fixture {
    let mut f = fixture_with("Noguera", lang, Default::default());
    f.clock.set(at(FRIDAY));
    press(&mut f.app, KeyCode::Char('3'));
    f
}

/// Files a request through the form, received at `received` (local time).
fn file(f: &mut Fixture, council: &str, holder: &str, received: &str) {
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, council);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, holder);
    for _ in 0..6 {
        press(&mut f.app, KeyCode::Tab);
    }
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, received);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
}

/// Three ordinary requests received this week; #2 (Àger) is due first.
fn three(lang: Lang) -> Fixture {
    let mut f = at_friday_in(lang);
    file(&mut f, "tiurana", "Maria Puig", "2026-12-03 09:00");
    file(&mut f, "ager", "Jordi Solé", "2026-12-01 09:00");
    file(&mut f, "cabanabona", "Anna Vidal", "2026-12-04 09:00");
    f.app.status = None;
    f
}

fn selected(f: &Fixture) -> Option<u64> {
    f.app.tab::<CertificatesTab>().selected_id(&f.app.data)
}

fn status(f: &Fixture, id: u64) -> CertStatus {
    f.app.data.certs.get(id).unwrap().status
}

/// Selects request `id` in the view on screen.
fn select(f: &mut Fixture, id: u64) {
    press(&mut f.app, KeyCode::Home);
    for _ in 0..10 {
        if selected(f) == Some(id) {
            return;
        }
        press(&mut f.app, KeyCode::Down);
    }
    panic!("#{id} is not listed:\n{}", screen(&f.app, 80, 24));
}

/// The screen's line that shows `text`.
fn line_with(f: &Fixture, text: &str) -> String {
    let s = screen(&f.app, 80, 24);
    s.lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line shows {text}:\n{s}"))
        .to_string()
}

#[test]
fn after_a_the_selection_stays_on_the_request_and_issued_ones_wait_to_be_delivered() {
    for (lang, mark, issued) in [
        (Lang::Ca, "per lliurar", "emesa"),
        (Lang::Es, "por entregar", "emitida"),
        (Lang::En, "to deliver", "issued"),
    ] {
        let mut f = three(lang);
        select(&mut f, 1);
        press(&mut f.app, KeyCode::Char('a'));
        assert_eq!((status(&f, 1), selected(&f)), (CertStatus::Filed, Some(1)));
        press(&mut f.app, KeyCode::Char('a'));
        press(&mut f.app, KeyCode::Enter);
        assert_eq!(status(&f, 1), CertStatus::Issued);
        assert_eq!(selected(&f), Some(1), "the cursor stays on #1 ({lang:?})");
        // In the queue, after the open ones, marked to deliver, in 80 columns.
        let tab = f.app.tab::<CertificatesTab>();
        let ids: Vec<u64> = tab.rows.iter().map(|&i| f.app.data.certs.list[i].id).collect();
        assert_eq!(ids, [2, 3, 1]);
        let row = line_with(&f, "Maria Puig");
        assert!(row.starts_with(mark) && row.ends_with(issued), "{lang:?}: {row}");
        // Its detail says what is left to do.
        press(&mut f.app, KeyCode::Enter);
        assert!(screen(&f.app, 80, 24).contains(&format!(" · {mark}")), "{lang:?}");
        press(&mut f.app, KeyCode::Esc);
        // The next `a` is about #1 again: its delivery, which asks its date.
        press(&mut f.app, KeyCode::Char('a'));
        assert_eq!(status(&f, 3), CertStatus::Received, "#3 untouched");
        press(&mut f.app, KeyCode::Enter);
        assert_eq!(status(&f, 1), CertStatus::Delivered);
        // Delivered, it leaves the queue: the selection follows it to the closed ones.
        let tab = f.app.tab::<CertificatesTab>();
        assert_eq!((tab.view, selected(&f)), (CertView::Closed, Some(1)));
    }
}

#[test]
fn issue_and_delivery_take_a_date_never_in_the_future_nor_before_the_step_before() {
    let mut f = three(Lang::Ca);
    select(&mut f, 2);
    press(&mut f.app, KeyCode::Char('a'));
    f.clock.set(at("2026-12-04T11:00:00Z"));
    press(&mut f.app, KeyCode::Char('a'));
    let answer = |f: &mut Fixture, text: &str| {
        ctrl(&mut f.app, 'u');
        type_text(&mut f.app, text);
        press(&mut f.app, KeyCode::Enter);
    };
    answer(&mut f, "2026-12-05 09:00");
    let status_line = screen(&f.app, 80, 24).lines().last().unwrap().to_string();
    assert!(
        status_line.contains("La data no pot ser futura."),
        "{status_line}"
    );
    assert_eq!(status(&f, 2), CertStatus::Filed);
    answer(&mut f, "2026-12-04 09:30");
    assert!(
        screen(&f.app, 80, 24).contains("anterior a la del pas previ"),
        "filed at 10:00"
    );
    answer(&mut f, "ahir");
    assert!(screen(&f.app, 80, 24).contains("Data no vàlida «ahir»"));
    answer(&mut f, "04/12/2026 11:30");
    let c = f.app.data.certs.get(2).unwrap();
    assert_eq!(c.status, CertStatus::Issued);
    assert_eq!(c.issued_at, Some(at("2026-12-04T10:30:00Z")));
    // Expiry counts from that date: four years on.
    press(&mut f.app, KeyCode::Char('v'));
    assert!(line_with(&f, "Jordi Solé").contains("04/12/2026"));
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("04/12/2030 11:30"));
}

#[test]
fn a_tcat_p_expires_four_years_after_its_delivery() {
    let mut f = at_friday_in(Lang::Ca);
    // A T-CAT P: the type after T-CAT in the catalogue.
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Maria Puig");
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Right);
    assert!(screen(&f.app, 80, 24).contains("‹T-CAT P›"));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(
        f.app.data.certs.get(1).unwrap().expires_at(),
        None,
        "issued, not valid yet"
    );
    f.clock.set(at("2026-12-20T09:00:00Z"));
    press(&mut f.app, KeyCode::Char('a'));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-18 10:00");
    press(&mut f.app, KeyCode::Enter);
    let c = f.app.data.certs.get(1).unwrap();
    assert_eq!(c.status, CertStatus::Delivered);
    assert_eq!(c.expires_at(), Some(at("2030-12-18T09:00:00Z")));
}

#[test]
fn the_edit_form_corrects_the_issue_and_delivery_dates() {
    let mut f = three(Lang::Ca);
    select(&mut f, 2);
    // Filed on Tuesday; issued and delivered today, as first recorded.
    f.clock.set(at("2026-12-01T10:00:00Z"));
    press(&mut f.app, KeyCode::Char('a'));
    f.clock.set(at(FRIDAY));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(status(&f, 2), CertStatus::Delivered);
    press(&mut f.app, KeyCode::Char('e'));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Emesa") && s.contains("Lliurada") && s.contains("04/12/2026 10:00"),
        "{s}"
    );
    // Holder, then eight fields down to the issue date.
    for _ in 0..7 {
        press(&mut f.app, KeyCode::Tab);
    }
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-02 10:00");
    press(&mut f.app, KeyCode::Tab);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-01 10:00");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_some(), "delivered before it was issued");
    assert!(screen(&f.app, 80, 24).contains("anterior a la del pas previ"));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-03 10:00");
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
    let c = f.app.data.certs.get(2).unwrap();
    assert_eq!(c.issued_at, Some(at("2026-12-02T09:00:00Z")));
    assert_eq!(c.delivered_at, Some(at("2026-12-03T09:00:00Z")));
    assert_eq!(c.expires_at(), Some(at("2030-12-02T09:00:00Z")));
}

#[test]
fn the_new_request_form_shows_its_deadline_as_it_is_typed() {
    let mut f = at_friday_in(Lang::Ca);
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiurana");
    let line = line_with(&f, "Rebuda");
    assert!(
        line.contains("04/12/2026 10:00   → termini 14/12/2026 24:00"),
        "{line}"
    );
    // Urgent: 48 working hours (Tuesday 8 December is a holiday).
    for _ in 0..5 {
        press(&mut f.app, KeyCode::Tab);
    }
    press(&mut f.app, KeyCode::Char(' '));
    assert!(line_with(&f, "Rebuda").contains("→ termini 09/12/2026 10:00"));
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-03 16:00");
    assert!(line_with(&f, "Rebuda").contains("→ termini 11/12/2026 24:00"));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "demà");
    assert!(
        !line_with(&f, "Rebuda").contains("termini"),
        "nothing while unreadable"
    );
}

#[test]
fn undo_and_redo_name_the_record_and_select_it_switching_tab() {
    let mut f = three(Lang::Ca);
    select(&mut f, 3);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(status(&f, 3), CertStatus::Issued);
    select(&mut f, 2);
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Char('u'));
    assert!(f.app.showing::<CertificatesTab>(), "undo shows the request");
    assert_eq!((status(&f, 3), selected(&f)), (CertStatus::Filed, Some(3)));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Desfet: #3 Anna Vidal, emesa → a EACAT."), "{s}");
    press(&mut f.app, KeyCode::Char('1'));
    ctrl(&mut f.app, 'r');
    assert!(f.app.showing::<CertificatesTab>());
    assert_eq!((status(&f, 3), selected(&f)), (CertStatus::Issued, Some(3)));
    assert!(screen(&f.app, 80, 24).contains("Refet: #3 Anna Vidal, a EACAT → emesa."));

    // A rollout cell: Implantació, its council and its service selected.
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Char('g'));
    type_text(&mut f.app, "tiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Char(' '));
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Home);
    press(&mut f.app, KeyCode::Char('u'));
    assert!(f.app.showing::<RolloutTab>());
    let tab = f.app.tab::<RolloutTab>();
    let council = tab
        .selected_index()
        .map(|i| f.app.data.municipalities[i].name.clone());
    assert_eq!((council.as_deref(), tab.column), (Some("Tiurana"), 1));
    assert!(screen(&f.app, 80, 24).contains("Desfet: Tiurana · VOB, en curs → pendent."));

    // A council's contacts: its page on Municipis.
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Char('e'));
    type_text(&mut f.app, "Marta Vila");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Char('u'));
    assert!(f.app.showing::<MunicipalitiesTab>());
    assert!(screen(&f.app, 80, 24).contains("Desfet: Tiurana, contactes i notes."));
}

#[test]
fn the_closed_view_lists_delivered_rejected_and_cancelled_requests_with_why() {
    let mut f = three(Lang::Ca);
    select(&mut f, 1);
    press(&mut f.app, KeyCode::Char('r'));
    type_text(&mut f.app, "falta DNI");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('v'));
    select(&mut f, 2);
    press(&mut f.app, KeyCode::Char('c'));
    type_text(&mut f.app, "Jordi Solé");
    press(&mut f.app, KeyCode::Enter);
    type_text(&mut f.app, "ja en té un");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('v'));
    select(&mut f, 3);
    for _ in 0..2 {
        press(&mut f.app, KeyCode::Char('a'));
    }
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    let tab = f.app.tab::<CertificatesTab>();
    assert_eq!(tab.view, CertView::Closed);
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("lliurades: 1 · rebutjades: 1 · cancel·lades: 1"),
        "{s}"
    );
    assert!(line_with(&f, "Maria Puig").contains("rebutjada falta DNI"));
    assert!(line_with(&f, "Jordi Solé").contains("cancel·l."));
    assert!(
        line_with(&f, "Jordi Solé").ends_with("ja en té un"),
        "the reason asked"
    );
    assert!(
        s.lines().any(|l| l.trim_end().ends_with(" Detall")),
        "the reason's column header whole: {s}"
    );
    assert!(line_with(&f, "Anna Vidal").contains("lliurada  04/12/2026"));
    // The filter works here too.
    press(&mut f.app, KeyCode::Char('/'));
    type_text(&mut f.app, "ager");
    assert_eq!(f.app.tab::<CertificatesTab>().rows.len(), 1);
}

#[test]
fn ticking_a_step_asks_the_day_it_was_done() {
    let mut f = at_friday_in(Lang::Ca);
    press(&mut f.app, KeyCode::Char('2'));
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup_as::<Checklist>().is_some());
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("04/12/2026 10:00") && s.contains("Enter marca el pas"),
        "{s}"
    );
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-12-05");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen(&f.app, 80, 24).contains("La data no pot ser futura."));
    ctrl(&mut f.app, 'u');
    type_text(&mut f.app, "2026-11-20 09:00");
    press(&mut f.app, KeyCode::Enter);
    let cell = f.app.data.rollout[0][0].clone().unwrap();
    assert_eq!(
        cell.steps[0].as_ref().unwrap().done_at,
        at("2026-11-20T08:00:00Z")
    );
    assert!(screen(&f.app, 80, 24).contains("[x] "), "ticked");
    assert!(screen(&f.app, 80, 24).contains("20/11/2026"));
    // Unticking asks nothing.
    press(&mut f.app, KeyCode::Char(' '));
    assert!(f.app.data.rollout[0][0].as_ref().unwrap().steps[0].is_none());
}

#[test]
fn undo_of_an_activity_names_it_with_its_status_and_selects_it_on_activitat() {
    let mut f = at_friday_in(Lang::Ca);
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, "tiu");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "Certificat caducat");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('w'));
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Char('u'));
    assert!(
        f.app.showing::<ocsae::tabs::ActivityTab>(),
        "undo shows the entry"
    );
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains("Desfet: #1 Tiurana · Certificat caducat, pendent de l'ajuntament → obert."),
        "{s}"
    );
    let tab = f.app.tab::<ocsae::tabs::ActivityTab>();
    let selected = tab.selected().map(|i| f.app.data.activities.list[i].id);
    assert_eq!(selected, Some(1));
}

/// A move rewrites the row it leaves and the row it reaches: the selected row is
/// one run of the highlight's style (fewer bytes), its deadline's colour given up
/// there while its words stay; the other rows keep their colours.
#[test]
fn the_selected_row_is_one_style_and_the_others_keep_their_colours() {
    let mut f = three(Lang::Ca);
    // A month later every request is overdue: red, and `VENÇUT` in words.
    f.clock.set(at("2027-01-11T09:00:00Z"));
    press(&mut f.app, KeyCode::Home);
    let terminal = render(&f.app, 80, 24);
    let buffer = terminal.backend().buffer();
    let line = |y: u16| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>();
    let rows: Vec<u16> = (0..24).filter(|&y| line(y).starts_with("VENÇUT")).collect();
    assert_eq!(rows.len(), 3, "{}", screen(&f.app, 80, 24));
    let (selected, other) = (rows[0], rows[1]);
    use ratatui::style::{Color, Modifier};
    for x in 0..80 {
        let cell = &buffer[(x, selected)];
        let style = (cell.fg, cell.bg, cell.modifier);
        assert_eq!(
            style,
            (Color::Reset, Color::Reset, Modifier::REVERSED),
            "column {x}"
        );
    }
    assert_eq!(buffer[(0, other)].fg, Color::Red, "{}", line(other));
    assert!(!buffer[(0, other)].modifier.contains(Modifier::REVERSED));
}
