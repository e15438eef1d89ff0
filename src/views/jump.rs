//! The quick-jump popup: type a few letters, Enter opens the council.

use crate::app::App;
use crate::app::jump::Jump;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::widgets::ellipsize;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

pub fn draw(frame: &mut Frame, app: &App, jump: &Jump, area: Rect) {
    let width = area.width.min(60);
    let height = area.height.min(14);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Start)
        .areas(popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.popup_border)
        .title(Line::styled(
            format!(" {} ", app.t.t(Msg::jump_title)),
            app.theme.title,
        ));
    let inner = block.inner(popup);
    crate::widgets::clear(frame, popup);
    frame.render_widget(block, popup);
    if inner.height < 2 {
        return;
    }
    let prompt = Rect { height: 1, ..inner };
    frame.render_widget(Span::styled("› ", app.theme.key), prompt);
    let input = Rect {
        x: prompt.x + 2,
        width: prompt.width.saturating_sub(2),
        ..prompt
    };
    jump.input.draw(frame, input, app.theme.status, true);

    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    if jump.matches.is_empty() {
        frame.render_widget(
            Line::styled(app.t.t(Msg::jump_none).to_string(), app.theme.dim),
            list,
        );
        return;
    }
    let window = jump.cursor.window(list.height as usize, jump.matches.len());
    for (row, i) in window.clone().enumerate() {
        let m = &app.data.municipalities[jump.matches[i]];
        let extra = format!(" {} · {}", clean(&m.comarca), app.t.int(m.population.into()));
        let name_width = (list.width as usize).saturating_sub(crate::widgets::width(&extra) + 1);
        let name = format!("{:<name_width$}", ellipsize(&clean(&m.name), name_width));
        let mut line = Line::from(vec![Span::raw(name), Span::styled(extra, app.theme.dim)]);
        if i == jump.cursor.selected {
            line = line.style(app.theme.selected);
        }
        let y = list.y + row as u16;
        frame.render_widget(line, Rect { y, height: 1, ..list });
    }
}
