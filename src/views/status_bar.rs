//! The bottom line: a prompt, the last message, or key hints built from the keymap.

use crate::app::action::Action;
use crate::app::prompt::PromptKind;
use crate::app::{App, Popup, StatusKind, Tab};
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The actions worth a hint on each screen, most useful first.
fn hinted(app: &App) -> &'static [(Action, Msg)] {
    match app.tab {
        Tab::Municipalities if app.municipalities.detail => &[
            (Action::Back, Msg::hint_back),
            (Action::Edit, Msg::hint_edit),
            (Action::FormSent, Msg::hint_form_sent),
            (Action::Jump, Msg::hint_jump),
            (Action::Help, Msg::hint_help),
            (Action::Quit, Msg::hint_quit),
        ],
        Tab::Municipalities => &[
            (Action::Filter, Msg::hint_filter),
            (Action::Jump, Msg::hint_jump),
            (Action::Open, Msg::hint_open),
            (Action::Edit, Msg::hint_edit),
            (Action::ToggleAll, Msg::hint_toggle_all),
            (Action::Help, Msg::hint_help),
            (Action::Quit, Msg::hint_quit),
        ],
        Tab::Rollout | Tab::Certificates => &[
            (Action::Jump, Msg::hint_jump),
            (Action::NextTab, Msg::hint_next_tab),
            (Action::Help, Msg::hint_help),
            (Action::Quit, Msg::hint_quit),
        ],
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    if let Some(Popup::Prompt(prompt)) = &app.popup {
        let question = match prompt.kind {
            PromptKind::FormSent { .. } => app.t.t(Msg::prompt_form_sent),
        };
        let label = format!(" {question} ");
        let width = label.chars().count() as u16;
        frame.render_widget(Span::styled(label, theme.key), area);
        let rest = Rect {
            x: area.x + width,
            width: area.width.saturating_sub(width),
            ..area
        };
        match &prompt.error {
            Some(error) => frame.render_widget(Span::styled(error.clone(), theme.error), rest),
            None => prompt.input.draw(frame, rest, theme.status, true),
        }
        return;
    }
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
            for (action, msg) in hinted(app) {
                // Only the first key of each action, to keep the line short.
                let Some(key) = app.keymap.first_key(*action) else {
                    continue;
                };
                spans.push(Span::styled(key, theme.key));
                spans.push(Span::raw(format!(" {}  ", app.t.t(*msg))));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(line, area);
}
