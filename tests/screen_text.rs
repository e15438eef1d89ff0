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

/// A terminal fed what ratatui sends through crossterm, read by vt100, which gives
/// each regional indicator a column of its own, as tmux and xterm do: a flag is two
/// narrow characters there, one wide grapheme for ratatui.
struct Shown {
    terminal: Terminal<ratatui::backend::CrosstermBackend<Sent>>,
    sent: Sent,
    screen: vt100::Parser,
}

/// The bytes a terminal was sent, shared with the backend that writes them.
#[derive(Clone, Default)]
struct Sent(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sent {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shown {
    fn new() -> Shown {
        let sent = Sent::default();
        let backend = ratatui::backend::CrosstermBackend::new(sent.clone());
        let viewport = ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 80, 24));
        let terminal = Terminal::with_options(backend, ratatui::TerminalOptions { viewport }).unwrap();
        Shown {
            terminal,
            sent,
            screen: vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0),
        }
    }

    /// Draws a frame, as the draw loop does, and returns what the terminal shows.
    fn draw(&mut self, app: &ocsae::app::App) -> String {
        self.terminal
            .draw(|frame| ocsae::views::draw(frame, app))
            .unwrap();
        let sent = std::mem::take(&mut *self.sent.0.borrow_mut());
        self.screen.process(&sent);
        // A blank written and a cell never written look the same.
        let contents = self.screen.screen().contents();
        contents.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
    }
}

/// After each key, the terminal shows what a fresh terminal shows for the same frame.
fn nothing_stale(app: &mut ocsae::app::App, keys: &[KeyCode]) -> String {
    let mut shown = Shown::new();
    let mut now = shown.draw(app);
    for &key in keys {
        press(app, key);
        now = shown.draw(app);
        assert_eq!(
            now,
            Shown::new().draw(app),
            "after {key:?}, cells of the frame before are left on screen"
        );
    }
    now
}

const FLAGS: [&str; 2] = ["Bandera 🇪🇸 Esc", "Anna 🇨🇦🇫🇷 Puig"];

#[test]
fn flags_leave_no_half_behind_a_popup() {
    let f = fixture();
    let mut csv = String::from("ine_code,holder,role,type,operation,urgent,status,received_at,issued_at\n");
    for holder in FLAGS {
        csv.push_str(&format!(
            "252228,{holder},mayor,tcat,new,no,received,2026-11-25 09:00,\n"
        ));
    }
    let table = ocsae::io::csv_input::parse(&csv).unwrap();
    ocsae::io::import::certificates_from(f.app.store.as_ref(), &table, chrono_tz::Europe::Madrid, at(NOW))
        .unwrap();
    let contacts =
        "ine_code,role,name,phone,email\n252228,mayor,Bandera 🇪🇸 Esc,,\n252228,other,Anna 🇨🇦🇫🇷 Puig,,\n";
    let table = ocsae::io::csv_input::parse(contacts).unwrap();
    ocsae::io::import::contacts_from(f.app.store.as_ref(), &table, at(NOW)).unwrap();
    let mut f = f.restart();

    // The queue, then a request's detail over it; down to the second one and back.
    let screen = nothing_stale(
        &mut f.app,
        &[
            KeyCode::Char('3'),
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Down,
            KeyCode::Enter,
            KeyCode::Esc,
        ],
    );
    assert!(screen.contains("Anna 🇨🇦🇫🇷"), "{screen}");
    // The contacts form over the council's detail, moving through its fields.
    let screen = nothing_stale(
        &mut f.app,
        &[
            KeyCode::Char('1'),
            KeyCode::Char('g'),
            KeyCode::Char('t'),
            KeyCode::Char('i'),
            KeyCode::Char('u'),
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Char('e'),
            KeyCode::Tab,
            KeyCode::Tab,
            KeyCode::End,
            KeyCode::Backspace,
            KeyCode::Esc,
        ],
    );
    assert!(screen.contains("Bandera 🇪🇸"), "{screen}");
}
