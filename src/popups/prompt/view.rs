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
    let holder = |id: u64| ctx.data.certs.get(id).map(|c| clean(&c.holder).into_owned());
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
        PromptKind::ConfirmQuit => ctx.quit_question(),
    }
}

pub fn draw(prompt: &Prompt, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let theme = &ctx.theme;
    // A refused answer stands in for the question until the next key; the answer
    // stays beside it, so it is plain that the prompt is still open.
    let (label, style) = match &prompt.error {
        Some(error) => (format!(" ✖ {error} › "), theme.error),
        None => (format!(" {} ", question(ctx, &prompt.kind)), theme.key),
    };
    // The answer keeps room for what it holds (a date and time: 16 columns).
    let answer = (crate::widgets::width(prompt.input.value()) as u16 + 1).clamp(8, 26);
    let width = (crate::widgets::width(&label) as u16).min(area.width.saturating_sub(answer));
    frame.render_widget(Span::styled(label, style), area);
    let rest = Rect {
        x: area.x + width,
        width: area.width.saturating_sub(width),
        ..area
    };
    prompt.input.draw(frame, rest, theme.status, true);
}
