//! The frame both record details share: a bordered popup, its title, "Esc closes",
//! and the scrolled window of its lines.

use crate::app::Ctx;
use crate::app::scroll::Scroll;
use crate::i18n::Msg;
use crate::widgets::wrap::wrap_lines_hanging;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx, title: String, all: &[Line<'static>], scroll: &Scroll) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(ctx.theme.popup_border)
        .title(Line::styled(format!(" {title} "), ctx.theme.title))
        .title_bottom(Line::styled(format!(" {} ", ctx.t.t(Msg::help_close)), ctx.theme.dim).right_aligned());
    let inner = block.inner(area);
    // Wrapped here, so a value continues under itself and the scroll counts rows.
    let rows = wrap_lines_hanging(all, inner.width as usize);
    let window = scroll.window(inner.height as usize, rows.len());
    crate::widgets::clear(frame, area);
    frame.render_widget(Paragraph::new(rows[window].to_vec()).block(block), area);
}
