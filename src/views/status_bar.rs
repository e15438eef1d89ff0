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
        Tab::Rollout => &[
            (Action::CycleStatus, Msg::hint_cycle_status),
            (Action::Open, Msg::hint_checklist),
            (Action::FilterStatus, Msg::hint_filter_status),
            (Action::Jump, Msg::hint_jump),
            (Action::Help, Msg::hint_help),
        ],
        Tab::Certificates => &[
            (Action::Jump, Msg::hint_jump),
            (Action::NextTab, Msg::hint_next_tab),
            (Action::Help, Msg::hint_help),
            (Action::Quit, Msg::hint_quit),
        ],
    }
}

/// The selected column's full name, and why its cell is blocked if it is.
fn selected_service(app: &App) -> Vec<Span<'static>> {
    let column = app.rollout.column;
    let service = &crate::domain::catalog::services()[column];
    let mut spans = vec![Span::styled(
        format!("{} {}", service.short, service.name),
        app.theme.title,
    )];
    if let Some(m) = app.rollout.selected_index() {
        let reason = app.data.rollout[m][column]
            .as_ref()
            .map(|r| r.blocked_reason.as_str())
            .unwrap_or("");
        if !reason.is_empty() {
            let reason = crate::widgets::ellipsize(&crate::domain::text::clean(reason), 30);
            spans.push(Span::styled(format!(" ✖ {reason}"), app.theme.error));
        }
    }
    spans.push(Span::raw(" │ "));
    spans
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    if let Some(Popup::Prompt(prompt)) = &app.popup {
        let question = match prompt.kind {
            PromptKind::FormSent { .. } => app.t.t(Msg::prompt_form_sent),
            PromptKind::BlockReason { .. } => app.t.t(Msg::prompt_block_reason),
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
            if app.tab == Tab::Rollout {
                spans.extend(selected_service(app));
            }
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
