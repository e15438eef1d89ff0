//! The bottom line: a prompt, the last message, or key hints built from the keymap.

use crate::app::action::Action;
use crate::app::prompt::PromptKind;
use crate::app::{App, Popup, StatusKind, Tab};
use crate::i18n::Msg;
use crate::widgets::spans_width;
use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The actions worth a hint on each screen, most useful first.
fn hinted(app: &App) -> &'static [(Action, Msg)] {
    if let Some(Popup::Checklist(_)) = app.popup {
        return &[
            (Action::ToggleStep, Msg::hint_toggle_step),
            (Action::EditNotes, Msg::hint_edit_notes),
            (Action::Undo, Msg::hint_undo),
            (Action::Back, Msg::hint_back),
        ];
    }
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
            (Action::NewRequest, Msg::hint_new_request),
            (Action::Advance, Msg::hint_advance),
            (Action::Open, Msg::hint_open),
            (Action::ToggleView, Msg::hint_toggle_view),
            (Action::Filter, Msg::hint_filter),
            (Action::Help, Msg::hint_help),
        ],
    }
}

/// Popups and the filter line have keys of their own, fixed: their hints say those.
fn fixed_hints(app: &App) -> Option<Msg> {
    match &app.popup {
        Some(Popup::Contacts(_) | Popup::Request(_)) => Some(Msg::hints_form),
        Some(Popup::Jump(_)) => Some(Msg::hints_jump),
        Some(Popup::Help(_) | Popup::CertDetail(_)) => Some(Msg::hints_scroll),
        Some(_) => None,
        None => {
            let filtering = match app.tab {
                Tab::Certificates => app.certificates.filtering,
                _ => app.municipalities.filtering,
            };
            filtering.then_some(Msg::hints_filter)
        }
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

/// The question a prompt asks, naming the request it is about.
fn prompt_question(app: &App, kind: PromptKind) -> String {
    let t = &app.t;
    let holder = |id: u64| {
        app.data
            .certs
            .get(id)
            .map(|c| crate::domain::text::clean(&c.holder).into_owned())
    };
    match kind {
        PromptKind::FormSent { .. } => t.t(Msg::prompt_form_sent).to_string(),
        PromptKind::BlockReason { .. } => t.t(Msg::prompt_block_reason).to_string(),
        PromptKind::ConfirmAdvance { id } => {
            let next = app.data.certs.get(id).and_then(|c| c.status.next());
            let msg = if next == Some(crate::domain::certificate::CertStatus::Delivered) {
                Msg::prompt_confirm_delivered
            } else {
                Msg::prompt_confirm_issued
            };
            t.f(msg, &[("id", &id), ("holder", &holder(id).unwrap_or_default())])
        }
        PromptKind::CancelRequest { id } => t.f(
            Msg::prompt_cancel,
            &[("id", &id), ("holder", &holder(id).unwrap_or_default())],
        ),
        PromptKind::RejectRequest { id } => t.f(Msg::prompt_reject, &[("id", &id)]),
        PromptKind::ConfirmQuit => app.quit_question(),
    }
}

/// On the right: the overdue count, and a warning once deadlines run past the holiday calendar.
fn right_side(app: &App) -> Vec<Span<'static>> {
    let now = app.now();
    let certs = &app.data.certs;
    let overdue = certs.overdue(now);
    let covered = app.data.calendar.covered_until();
    let beyond = app.today().year() > covered
        || certs
            .last_due()
            .is_some_and(|d| d.with_timezone(&app.tz).date_naive().year() > covered);
    let mut spans = Vec::new();
    if beyond {
        spans.push(Span::styled(
            app.t.f(Msg::calendar_ends, &[("year", &covered)]),
            app.theme.warn,
        ));
        spans.push(Span::raw(" "));
    }
    if overdue > 0 {
        spans.push(Span::styled(
            app.t.f(Msg::overdue_count, &[("n", &overdue)]),
            app.theme.error,
        ));
        spans.push(Span::raw(" "));
    }
    spans
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let right = Line::from(right_side(app));
    let right_width = spans_width(&right.spans) as u16;
    let busy = matches!(app.popup, Some(Popup::Prompt(_))) || app.status.is_some();
    if busy {
        // A question or a message takes the line; the warnings only use what is left.
        let used = draw_left(frame, app, area);
        if right_width > 0 && used + right_width < area.width {
            let r = Rect {
                x: area.right() - right_width,
                width: right_width,
                ..area
            };
            frame.render_widget(right, r);
        }
        return;
    }
    // With only hints to show, the warnings win and the hints give way.
    let right_width = right_width.min(area.width.saturating_sub(10));
    let left = Rect {
        width: area.width - right_width,
        ..area
    };
    draw_left(frame, app, left);
    if right_width > 0 {
        frame.render_widget(
            right.right_aligned(),
            Rect {
                x: left.right(),
                width: right_width,
                ..area
            },
        );
    }
}

/// Draws the prompt, the message or the hints; returns the columns used.
fn draw_left(frame: &mut Frame, app: &App, area: Rect) -> u16 {
    let theme = &app.theme;
    if let Some(Popup::Prompt(prompt)) = &app.popup {
        // A refused answer stands in for the question until the next key; the answer
        // stays beside it, so it is plain that the prompt is still open.
        let (label, style) = match &prompt.error {
            Some(error) => (format!(" ✖ {error} › "), theme.error),
            None => (format!(" {} ", prompt_question(app, prompt.kind)), theme.key),
        };
        let width = (crate::widgets::width(&label) as u16).min(area.width.saturating_sub(8));
        frame.render_widget(Span::styled(label, style), area);
        let rest = Rect {
            x: area.x + width,
            width: area.width.saturating_sub(width),
            ..area
        };
        prompt.input.draw(frame, rest, theme.status, true);
        return area.width;
    }
    let line = match &app.status {
        Some(status) => {
            let style = match status.kind {
                StatusKind::Info => theme.status,
                StatusKind::Saved => theme.ok,
                StatusKind::Error => theme.error,
            };
            // Messages quote names and pasted text.
            let text = crate::domain::text::clean(&status.text);
            Line::from(Span::styled(format!(" {text}"), style))
        }
        None if fixed_hints(app).is_some() => {
            let text = app.t.t(fixed_hints(app).unwrap_or(Msg::hints_form));
            Line::from(Span::styled(format!(" {text}"), theme.status))
        }
        None => {
            let mut spans = vec![Span::raw(" ")];
            if app.tab == Tab::Rollout && app.popup.is_none() {
                spans.extend(selected_service(app));
            }
            let mut used = spans_width(&spans);
            for (action, msg) in hinted(app) {
                // Only the first key of each action, to keep the line short.
                let Some(key) = app.keymap.first_key(*action) else {
                    continue;
                };
                let key = Span::styled(crate::views::help::key_name(&app.t, &key), theme.key);
                let words = Span::raw(format!(" {}  ", app.t.t(*msg)));
                // Whole hints only: a cut one reads as a different word.
                used += spans_width([&key, &words]);
                if used > usize::from(area.width) {
                    break;
                }
                spans.extend([key, words]);
            }
            Line::from(spans)
        }
    };
    let used = (spans_width(&line.spans) as u16).min(area.width);
    frame.render_widget(line, area);
    used
}
