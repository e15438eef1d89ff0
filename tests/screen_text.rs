//! Untrusted text on screen: a popup drawn over wide characters leaves nothing
//! of them showing through its border.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellWidth};

fn rows(buffer: &Buffer) -> String {
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The popup's left column and its rows, from its corners.
fn popup_edge(buffer: &Buffer) -> (u16, std::ops::RangeInclusive<u16>) {
    let area = buffer.area;
    let (x, top) = (0..area.height)
        .flat_map(|y| (0..area.width).map(move |x| (x, y)))
        .find(|&(x, y)| buffer[(x, y)].symbol() == "┌")
        .expect("a popup");
    let bottom = (top..area.height)
        .find(|&y| buffer[(x, y)].symbol() == "└")
        .unwrap_or(area.height - 1);
    (x, top..=bottom)
}

#[test]
fn a_popup_over_wide_characters_leaves_nothing_of_them_on_its_border() {
    let f = fixture();
    // Contacts with wide names at both parities, so one row has one across the popup's edge.
    let wide = "中文".repeat(20);
    let csv = format!("ine_code,role,name,phone,email\n252228,mayor,{wide},,\n252228,secretary,a{wide},,\n");
    let table = ocsae::io::csv_input::parse(&csv).unwrap();
    ocsae::io::import::contacts_from(f.app.store.as_ref(), &table, at(NOW)).unwrap();
    let mut f = f.restart();
    type_text(&mut f.app, "gtiurana");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    // A terminal width at which the help popup's left edge falls on a wide character.
    let found = (80..120).find_map(|width| {
        let mut terminal = Terminal::new(TestBackend::new(width, 24)).unwrap();
        terminal.draw(|frame| ocsae::views::draw(frame, &f.app)).unwrap();
        let under = terminal.backend().buffer().clone();
        let mut probe = Terminal::new(TestBackend::new(width, 24)).unwrap();
        press(&mut f.app, KeyCode::Char('?'));
        probe.draw(|frame| ocsae::views::draw(frame, &f.app)).unwrap();
        press(&mut f.app, KeyCode::Esc);
        let (left, rows) = popup_edge(probe.backend().buffer());
        rows.clone()
            .any(|y| under[(left - 1, y)].cell_width() == 2)
            .then_some((terminal, under))
    });
    let (mut terminal, under) = found.expect("a width where a wide character meets the popup's edge");
    assert!(rows(&under).contains("中"), "{}", rows(&under));
    press(&mut f.app, KeyCode::Char('?'));
    terminal.draw(|frame| ocsae::views::draw(frame, &f.app)).unwrap();
    // What the terminal shows: the detail's frame, then what ratatui sent for the popup.
    let shown = terminal.backend().buffer();
    let (left, rows) = popup_edge(shown);
    for y in rows {
        let edge = shown[(left, y)].symbol();
        assert!(
            ["┌", "│", "└"].contains(&edge),
            "row {y} shows {edge:?} where the popup's border is; under it:\n{}\nshown:\n{}",
            self::rows(&under),
            self::rows(shown)
        );
        assert!(
            shown[(left - 1, y)].cell_width() < 2,
            "a wide character covers the border on row {y}"
        );
    }
}
