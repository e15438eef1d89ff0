//! The prompt on the status line: the question, or why the answer was refused,
//! with the answer beside it.

use super::{Prompt, PromptKind};
use crate::app::Ctx;
use crate::domain::text::clean;
use crate::i18n::Msg;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

/// The question a prompt asks, naming the record it is about.
fn question(ctx: &Ctx, kind: &PromptKind) -> String {
    let t = &ctx.t;
    // A long name would push the keys that answer off the line.
    let holder = |id: u64| {
        ctx.data
            .certs
            .get(id)
            .map(|c| crate::widgets::ellipsize(&clean(&c.holder), HOLDER_WIDTH))
    };
    match *kind {
        PromptKind::FormSent { .. } => t.t(Msg::prompt_form_sent).to_string(),
        PromptKind::BlockReason { .. } => t.t(Msg::prompt_block_reason).to_string(),
        PromptKind::AdvanceOn { id } => {
            let next = ctx.data.certs.get(id).and_then(|c| c.status.next());
            let msg = if next == Some(crate::domain::certificate::CertStatus::Delivered) {
                Msg::prompt_delivered_on
            } else {
                Msg::prompt_issued_on
            };
            t.f(msg, &[("id", &id), ("holder", &holder(id).unwrap_or_default())])
        }
        PromptKind::CancelRequest { id } => t.f(
            Msg::prompt_cancel,
            &[("id", &id), ("holder", &holder(id).unwrap_or_default())],
        ),
        PromptKind::RejectRequest { id } => t.f(Msg::prompt_reject, &[("id", &id)]),
        PromptKind::CancelReason { id } => t.f(Msg::prompt_cancel_reason, &[("id", &id)]),
        PromptKind::ConfirmQuit => ctx.quit_question(),
        PromptKind::CloseActivity { id } => t.f(Msg::prompt_close_activity, &[("id", &id)]),
        PromptKind::TickTraining { id } => crate::app::changes::tick_question(ctx, id),
        PromptKind::ConfirmDownloaded { id } => t.f(
            Msg::prompt_downloaded,
            &[("id", &id), ("holder", &holder(id).unwrap_or_default())],
        ),
        PromptKind::Handover(ref handovers) => crate::popups::handover::question(ctx, handovers),
        PromptKind::AppointmentCheck { id } => t.f(
            Msg::prompt_appointment,
            &[("id", &id), ("holder", &holder(id).unwrap_or_default())],
        ),
    }
}

/// The columns an answer keeps beside the question.
const ANSWER_WIDTH: u16 = 8;
/// The most columns a holder's name takes in a question.
const HOLDER_WIDTH: usize = 30;

/// The question, or why the last answer was refused, with its style.
fn label(prompt: &Prompt, ctx: &Ctx) -> (String, ratatui::style::Style) {
    // A refused answer stands in for the question until the next key; the answer
    // stays beside it, so it is plain that the prompt is still open.
    match &prompt.error {
        Some(error) => (format!(" ✖ {error} › "), ctx.theme.error),
        None => (format!(" {} ", question(ctx, &prompt.kind)), ctx.theme.key),
    }
}

/// The columns the answer keeps: at least `ANSWER_WIDTH`, and what it holds (a
/// date and time offered: 16 columns).
fn answer_width(prompt: &Prompt) -> u16 {
    // A question answered by one key keeps a column for the cursor only.
    if matches!(
        prompt.kind,
        PromptKind::Handover(_) | PromptKind::AppointmentCheck { .. } | PromptKind::ConfirmDownloaded { .. }
    ) {
        return 2;
    }
    (crate::widgets::width(prompt.input.value()) as u16 + 1).clamp(ANSWER_WIDTH, 26)
}

/// Two rows when the question and room for the answer do not fit in one.
pub fn rows(prompt: &Prompt, ctx: &Ctx, width: u16) -> u16 {
    let (label, _) = label(prompt, ctx);
    if crate::widgets::width(&label) as u16 + answer_width(prompt) > width {
        2
    } else {
        1
    }
}

pub fn draw(prompt: &Prompt, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let theme = &ctx.theme;
    let (label, style) = label(prompt, ctx);
    let mut area = area;
    let label = if area.height >= 2 && rows(prompt, ctx, area.width) == 2 {
        // The question's start on the first row, the rest with the answer on the second.
        let lines = crate::widgets::wrap(label.trim(), usize::from(area.width.saturating_sub(1)));
        frame.render_widget(Span::styled(format!(" {}", lines[0]), style), area);
        area.y += 1;
        area.height -= 1;
        let rest = lines[1..].join(" ");
        let room = usize::from(area.width.saturating_sub(answer_width(prompt) + 2));
        format!(" {} ", crate::widgets::ellipsize(&rest, room))
    } else {
        label
    };
    let width = (crate::widgets::width(&label) as u16).min(area.width.saturating_sub(answer_width(prompt)));
    frame.render_widget(Span::styled(label, style), area);
    let rest = Rect {
        x: area.x + width,
        width: area.width.saturating_sub(width),
        ..area
    };
    prompt.input.draw(frame, rest, theme.status, true);
}
