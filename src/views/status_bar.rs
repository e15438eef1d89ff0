//! The bottom line: the last message, or key hints built from the keymap.

use crate::app::action::Action;
use crate::app::{App, StatusKind, Tab};
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The actions worth a hint on each screen, most useful first.
fn hinted(tab: Tab) -> &'static [(Action, Msg)] {
    match tab {
        Tab::Municipalities | Tab::Rollout | Tab::Certificates => &[
            (Action::Help, Msg::hint_help),
            (Action::NextTab, Msg::hint_next_tab),
            (Action::Quit, Msg::hint_quit),
        ],
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let line = match &app.status {
        Some(status) => {
            let style = match status.kind {
                StatusKind::Info => theme.status,
                StatusKind::Saved => theme.ok,
                StatusKind::Error => theme.error,
            };
            Line::from(Span::styled(format!(" {}", status.text), style))
        }
        None => {
            let mut spans = vec![Span::raw(" ")];
            for (action, msg) in hinted(app.tab) {
                let keys = app.keymap.keys_label(*action);
                if keys.is_empty() {
                    continue;
                }
                spans.push(Span::styled(keys, theme.key));
                spans.push(Span::raw(format!(" {}  ", app.t.t(*msg))));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(line, area);
}
