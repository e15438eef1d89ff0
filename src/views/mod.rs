//! Drawing the frame: the header, the current tab, the status bar and the open
//! popup. The views read the state and never change it, beyond echoing the
//! layout they drew (window sizes, scroll ends) into the state's cells.

mod status_bar;

use crate::app::App;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::layout::{MIN_HEIGHT, MIN_WIDTH};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The rows the status line takes at `width` columns: 2 while a message or a
/// question too long for one row shows, else 1.
pub fn status_rows(app: &App, width: u16) -> u16 {
    status_bar::height(app, width)
}

pub fn draw(frame: &mut Frame, app: &App) {
    draw_frame(frame, app);
    crate::widgets::mark_covered(frame.buffer_mut());
}

fn draw_frame(frame: &mut Frame, app: &App) {
    let area = frame.area();
    app.last_width.set(area.width);
    app.last_height.set(area.height);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, app, area);
        return;
    }
    // A message or question too long for one row takes a second one from the body.
    let status_rows = status_bar::height(app, area.width);
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_rows),
    ])
    .areas(area);
    draw_header(frame, app, header);
    app.current_tab().draw(frame, body, app);
    status_bar::draw(frame, app, status);
    // The popup the message log was opened over stays in sight under it.
    for popup in [&app.under, &app.popup] {
        if let Some(popup) = popup.as_deref().filter(|p| !p.on_status_line()) {
            popup.draw(frame, body, app);
        }
    }
}

fn too_small(frame: &mut Frame, app: &App, area: Rect) {
    let text = app.t.f(
        Msg::too_small,
        &[
            ("min_w", &MIN_WIDTH),
            ("min_h", &MIN_HEIGHT),
            ("w", &area.width),
            ("h", &area.height),
        ],
    );
    let lines = text.lines().count().max(1) as u16;
    let top = area.height.saturating_sub(lines) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(app.theme.warn),
        inner,
    );
}

/// How much of each tab's name the header shows.
#[derive(Clone, Copy)]
enum Fit {
    Full,
    Short,
    KeysOnly,
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let mut badges = Vec::new();
    if app.read_only {
        badges.push(Span::styled(
            format!("[{}] ", app.t.t(Msg::read_only_badge)),
            theme.warn,
        ));
    }
    if app.live.offline {
        badges.push(Span::styled(
            format!("[{}] ", app.t.t(Msg::offline_badge)),
            theme.error,
        ));
    }
    let unsaved = app.store.unsaved().count();
    if unsaved > 0 {
        badges.push(Span::styled(
            format!("[{}] ", app.t.f(Msg::unsaved_badge, &[("n", &unsaved)])),
            theme.error,
        ));
    }
    let (tabs, active) = app.tabs();
    // Each tab with the key that opens it: by its title where they all fit, else
    // by its short title, else the current one alone named and the others by key.
    let labels = |fit: Fit| -> Vec<Span<'static>> {
        let mut out = Vec::new();
        for (i, tab) in tabs.iter().enumerate() {
            let key = app.keymap.first_key(tab.action()).unwrap_or_default();
            let label = match fit {
                Fit::Full => format!(" {key} {} ", app.t.t(tab.title())),
                Fit::Short => format!(" {key} {} ", app.t.t(tab.short_title())),
                Fit::KeysOnly if i != active => format!(" {key} "),
                Fit::KeysOnly => format!(" {key} {} ", app.t.t(tab.title())),
            };
            let style = if i == active { theme.tab_active } else { theme.tab };
            out.push(Span::styled(label, style));
            // Short titles go without the gap between tabs (their own padding
            // parts them): five fit in 80 columns with the longest comarca.
            if !matches!(fit, Fit::Short) {
                out.push(Span::raw(" "));
            }
        }
        out
    };
    // The name and the comarca, then the badges: the comarca goes before the
    // tabs' names do (a badge at 80 columns, in any language, with five tabs).
    let head = |comarca: bool| -> Vec<Span<'static>> {
        let mut out = vec![Span::styled(" OCSAE ", theme.title)];
        if comarca {
            out.push(Span::styled(
                clean(app.data.comarca_label()).into_owned(),
                theme.title,
            ));
            out.push(Span::raw("  "));
        }
        out.extend(badges.iter().cloned());
        out
    };
    let room = usize::from(area.width);
    let spans = [(true, Fit::Full), (true, Fit::Short), (false, Fit::Short)]
        .into_iter()
        // Without a badge the comarca stays, as before.
        .filter(|(comarca, _)| *comarca || !badges.is_empty())
        .map(|(comarca, fit)| head(comarca).into_iter().chain(labels(fit)).collect::<Vec<_>>())
        .find(|line| crate::widgets::spans_width(line.iter()) <= room)
        .unwrap_or_else(|| head(true).into_iter().chain(labels(Fit::KeysOnly)).collect());
    frame.render_widget(Line::from(spans), area);
}
