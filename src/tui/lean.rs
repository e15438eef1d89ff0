//! ratatui's crossterm backend, sending fewer bytes per frame. ratatui already
//! sends only the cells that changed; around them this sends
//! - one SGR sequence for all that changes between two cells (attributes and
//!   colours together, the foreground and background each only if it changed);
//! - short cursor moves (`ESC[7H` for the start of row 7, CR LF for the next row's);
//! - nothing after the last cell: the style is left as that cell had it, and
//!   the next frame starts from it, rather than reset after every frame;
//! - the cursor hidden once, not again at every frame.
//!
//! A cursor move on a table then sends its two rows and little else. The eight
//! basic colours are written short (`31`, `44`), except a foreground under bold,
//! written as crossterm writes it (`38;5;1`), because some terminals brighten a
//! bold `31`: what is drawn is the same as with crossterm's backend.

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};

pub struct Lean<W: Write> {
    inner: CrosstermBackend<W>,
    /// The style the terminal holds: the last cell's.
    fg: Color,
    bg: Color,
    modifier: Modifier,
    /// Whether the foreground was written short (`31`), which bold would brighten.
    fg_short: bool,
    /// Whether the cursor is hidden; None until this backend has said.
    hidden: Option<bool>,
}

impl<W: Write> Lean<W> {
    pub fn new(writer: W) -> Lean<W> {
        Lean {
            inner: CrosstermBackend::new(writer),
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
            fg_short: false,
            hidden: None,
        }
    }

    /// Sets the terminal's style back to the default, and knows it.
    fn reset_style(&mut self) -> io::Result<()> {
        self.fg = Color::Reset;
        self.bg = Color::Reset;
        self.modifier = Modifier::empty();
        self.fg_short = false;
        self.inner.write_all(b"\x1b[0m")
    }
}

/// The SGR parameters that take the terminal from `from` to `to`, as ratatui's own
/// backend would send them one by one.
fn modifier_params(from: Modifier, to: Modifier, out: &mut Vec<u16>) {
    let removed = from - to;
    let added = to - from;
    if removed.contains(Modifier::REVERSED) {
        out.push(27);
    }
    // Bold and dim are both taken off by normal intensity: what stays goes back on.
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        out.push(22);
        if to.contains(Modifier::DIM) {
            out.push(2);
        }
        if to.contains(Modifier::BOLD) {
            out.push(1);
        }
    }
    for (modifier, off) in [
        (Modifier::ITALIC, 23),
        (Modifier::UNDERLINED, 24),
        (Modifier::CROSSED_OUT, 29),
        (Modifier::HIDDEN, 28),
    ] {
        if removed.contains(modifier) {
            out.push(off);
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        out.push(25);
    }
    for (modifier, on) in [
        (Modifier::REVERSED, 7),
        (Modifier::BOLD, 1),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::DIM, 2),
        (Modifier::CROSSED_OUT, 9),
        (Modifier::HIDDEN, 8),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
    ] {
        let again = reset_intensity && matches!(on, 1 | 2);
        if added.contains(modifier) && !again {
            out.push(on);
        }
    }
}

/// The number of one of the eight basic colours.
fn basic(color: Color) -> Option<u16> {
    let n = match color {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        _ => return None,
    };
    Some(n)
}

/// A colour's SGR parameters; `base` is 38 for the foreground, 48 for the
/// background. `short` writes a basic colour as `31` or `44`; true if it did.
fn color_params(color: Color, base: u16, short: bool, out: &mut Vec<u16>) -> bool {
    if short && let Some(n) = basic(color) {
        out.push(base - 8 + n);
        return true;
    }
    let indexed = |n: u8, out: &mut Vec<u16>| out.extend([base, 5, u16::from(n)]);
    match color {
        Color::Reset => out.push(base + 1),
        Color::Black => indexed(0, out),
        Color::Red => indexed(1, out),
        Color::Green => indexed(2, out),
        Color::Yellow => indexed(3, out),
        Color::Blue => indexed(4, out),
        Color::Magenta => indexed(5, out),
        Color::Cyan => indexed(6, out),
        Color::Gray => indexed(7, out),
        Color::DarkGray => indexed(8, out),
        Color::LightRed => indexed(9, out),
        Color::LightGreen => indexed(10, out),
        Color::LightYellow => indexed(11, out),
        Color::LightBlue => indexed(12, out),
        Color::LightMagenta => indexed(13, out),
        Color::LightCyan => indexed(14, out),
        Color::White => indexed(15, out),
        Color::Indexed(n) => indexed(n, out),
        Color::Rgb(r, g, b) => out.extend([base, 2, u16::from(r), u16::from(g), u16::from(b)]),
    }
    false
}

/// Bytes written outside a frame (a copy to the clipboard) go straight through.
impl<W: Write> Write for Lean<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut out: Vec<u8> = Vec::with_capacity(512);
        let mut params: Vec<u16> = Vec::with_capacity(8);
        let mut last: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            // A move unless this cell follows the last one on its row; the start of
            // the next row is a carriage return and a line feed (two bytes, not four),
            // which never scrolls: that row is on the screen.
            match last {
                Some((lx, ly)) if x == lx + 1 && y == ly => {}
                Some((_, ly)) if x == 0 && y == ly + 1 => out.extend_from_slice(b"\r\n"),
                _ if x == 0 => write!(out, "\x1b[{}H", y + 1)?,
                _ => write!(out, "\x1b[{};{}H", y + 1, x + 1)?,
            }
            last = Some((x, y));
            params.clear();
            if cell.modifier != self.modifier {
                modifier_params(self.modifier, cell.modifier, &mut params);
                self.modifier = cell.modifier;
            }
            // Bold over a short foreground would brighten it: written long again.
            let bold = cell.modifier.contains(Modifier::BOLD);
            if cell.fg != self.fg || (bold && self.fg_short) {
                self.fg_short = color_params(cell.fg, 38, !bold, &mut params);
                self.fg = cell.fg;
            }
            if cell.bg != self.bg {
                color_params(cell.bg, 48, true, &mut params);
                self.bg = cell.bg;
            }
            if !params.is_empty() {
                out.extend_from_slice(b"\x1b[");
                for (i, p) in params.iter().enumerate() {
                    if i > 0 {
                        out.push(b';');
                    }
                    write!(out, "{p}")?;
                }
                out.push(b'm');
            }
            out.extend_from_slice(cell.symbol().as_bytes());
        }
        self.inner.write_all(&out)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.hidden == Some(true) {
            return Ok(());
        }
        self.hidden = Some(true);
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.hidden = Some(false);
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    /// A clear paints with the current background: the default one first.
    fn clear(&mut self) -> io::Result<()> {
        self.reset_style()?;
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.reset_style()?;
        self.inner.clear_region(clear_type)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::style::Style;
    use std::sync::{Arc, Mutex};

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn take(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
        }
    }
    use ratatui::text::{Line, Span};

    /// What two frames send: the first, then the second's changes.
    fn frames(first: Vec<Line<'static>>, second: Vec<Line<'static>>) -> (String, String) {
        let out = Shared::default();
        let mut terminal = Terminal::with_options(
            Lean::new(out.clone()),
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 12, 2)),
            },
        )
        .unwrap();
        let mut draw = |lines: &Vec<Line<'static>>| {
            terminal
                .draw(|f| {
                    for (i, line) in lines.iter().enumerate() {
                        f.render_widget(line.clone(), ratatui::layout::Rect::new(0, i as u16, 12, 1));
                    }
                })
                .unwrap();
            out.take()
        };
        (draw(&first), draw(&second))
    }

    #[test]
    fn a_moved_highlight_sends_its_two_rows_with_one_sequence_per_change_and_no_reset() {
        // A countdown in bold red, then the rest; the selected row reversed.
        let row = |text: &'static str, on: bool| {
            let base = match on {
                true => Style::new().reversed(),
                false => Style::new(),
            };
            Line::from(vec![
                Span::styled("fa 3d", base.red().bold()),
                Span::styled(" Anna", base),
                Span::styled(text, base),
            ])
        };
        let (_, moved) = frames(
            vec![row("a", true), row("b", false)],
            vec![row("a", false), row("b", true)],
        );
        assert_eq!(
            moved,
            "\x1b[1H\x1b[1;38;5;1mfa 3d\x1b[22;39m Annaa\
             \r\n\x1b[7;1;38;5;1mfa 3d\x1b[22;39m Annab"
        );
    }

    #[test]
    fn a_basic_colour_is_written_short_unless_bold_would_brighten_it() {
        // Red, then the same red in bold: written again long, as crossterm would.
        let line = Line::from(vec![
            Span::styled("ab", Style::new().red()),
            Span::styled("cd", Style::new().red().bold()),
            Span::styled("ef", Style::new().red()),
        ]);
        let (first, _) = frames(vec![line, Line::from("")], vec![]);
        assert!(
            first.starts_with("\x1b[1H\x1b[31mab\x1b[1;38;5;1mcd\x1b[22mef"),
            "{first:?}"
        );
    }

    #[test]
    fn a_clear_starts_from_the_default_style() {
        let out = Shared::default();
        let mut backend = Lean::new(out.clone());
        let cell = {
            let mut c = Cell::new("x");
            c.set_style(Style::new().on_blue());
            c
        };
        backend.draw([(0, 0, &cell)].into_iter()).unwrap();
        backend.clear().unwrap();
        backend.draw([(1, 0, &cell)].into_iter()).unwrap();
        assert_eq!(out.take(), "\x1b[1H\x1b[44mx\x1b[0m\x1b[2J\x1b[1;2H\x1b[44mx");
    }
}
