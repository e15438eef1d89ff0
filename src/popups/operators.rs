//! The office's ER operators (`o` on Certificats): their cards' expiry, `n` to
//! add one (or record a new card: the same name), `x` to remove the selected one
//! (after s/n; `u` out of the list brings it back).

use crate::app::Ctx;
use crate::app::ctx::StatusKind;
use crate::app::popup::{Hints, Popup, PopupOutcome};
use crate::domain::localtime::parse_day;
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::ops;
use crate::widgets::input::{Edited, TextInput};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The form under the list: a name and the day the card was issued.
#[derive(Debug, Clone)]
struct Adding {
    name: TextInput,
    issued: TextInput,
    /// 0: the name; 1: the date.
    focus: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Operators {
    selected: usize,
    adding: Option<Adding>,
    error: Option<String>,
    /// The operator `x` asked to remove, waiting for s/n.
    removing: Option<String>,
}

impl Operators {
    pub fn new() -> Operators {
        Operators::default()
    }

    fn save(&mut self, ctx: &mut Ctx) -> bool {
        let Some(adding) = &self.adding else {
            return false;
        };
        let Some(day) = parse_day(adding.issued.value()) else {
            self.error = Some(ctx.t.f(Msg::date_invalid, &[("text", &adding.issued.value())]));
            return false;
        };
        let name = clean(adding.name.value()).trim().to_string();
        match ops::operators::add(&ctx.data.operators, &name, day, ctx.today()) {
            Ok(change) => ctx.commit(change).is_some(),
            Err(ops::RuleError::InFuture(_)) => {
                self.error = Some(ctx.t.t(Msg::operator_err_future_form).to_string());
                false
            }
            Err(rule) => {
                self.error = Some(rule.localize(&ctx.t));
                false
            }
        }
    }
}

impl Popup for Operators {
    fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> PopupOutcome {
        self.error = None;
        if let Some(adding) = &mut self.adding {
            match key.code {
                KeyCode::Esc => self.adding = None,
                KeyCode::Tab | KeyCode::BackTab => adding.focus = 1 - adding.focus,
                KeyCode::Enter => {
                    if self.save(ctx) {
                        self.adding = None;
                    }
                }
                _ => {
                    let input = if adding.focus == 0 {
                        &mut adding.name
                    } else {
                        &mut adding.issued
                    };
                    if input.handle_key(&key) == Edited::Full {
                        ctx.field_full_status();
                    }
                }
            }
            return PopupOutcome::Keep;
        }
        if let Some(name) = self.removing.take() {
            // Only s (or y) removes; any other key keeps the operator.
            if let KeyCode::Char('s' | 'S' | 'y' | 'Y') = key.code
                && let Some(change) = ops::operators::remove(&ctx.data.operators, &name)
                && ctx.commit(change).is_some()
            {
                let text = ctx.t.f(Msg::operator_removed_undo, &[("name", &clean(&name))]);
                ctx.set_status(StatusKind::Saved, text);
                self.selected = self.selected.min(ctx.data.operators.len().saturating_sub(1));
            }
            return PopupOutcome::Keep;
        }
        let count = ctx.data.operators.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return PopupOutcome::Close,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(count.saturating_sub(1));
            }
            KeyCode::Char('n') => {
                self.adding = Some(Adding {
                    name: TextInput::new("", crate::domain::limits::NAME),
                    issued: TextInput::new(&ctx.t.date(ctx.today()), 10),
                    focus: 0,
                });
            }
            KeyCode::Char('x') | KeyCode::Delete => {
                let Some(o) = ctx.data.operators.get(self.selected) else {
                    return PopupOutcome::Ignored;
                };
                self.removing = Some(o.name.clone());
            }
            // Undo and redo work here as everywhere, so a removal is taken back
            // without closing the list.
            _ => {
                use crate::app::action::{Action, Context};
                match ctx.keymap.lookup(&[Context::Global], &key) {
                    Some(Action::Undo | Action::Redo) if ctx.read_only => ctx.refuse_read_only(),
                    Some(Action::Undo) => ctx.undo_redo(true, false),
                    Some(Action::Redo) => ctx.undo_redo(false, false),
                    _ => return PopupOutcome::Ignored,
                }
                self.selected = self.selected.min(ctx.data.operators.len().saturating_sub(1));
            }
        }
        PopupOutcome::Keep
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> PopupOutcome {
        if let Some(adding) = &mut self.adding {
            let input = if adding.focus == 0 {
                &mut adding.name
            } else {
                &mut adding.issued
            };
            input.insert(text);
            return PopupOutcome::Keep;
        }
        PopupOutcome::Ignored
    }

    fn has_typing(&self) -> bool {
        self.adding.as_ref().is_some_and(|a| !a.name.is_empty())
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.t;
        let theme = &ctx.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.popup_border)
            .title(Line::styled(
                format!(" {} ", t.t(Msg::operators_title)),
                theme.title,
            ));
        let inner = block.inner(area);
        crate::widgets::clear(frame, area);
        frame.render_widget(block, area);
        let today = ctx.today();
        let mut lines = vec![Line::styled(
            t.t(Msg::operators_header).to_string(),
            theme.table_header,
        )];
        if ctx.data.operators.is_empty() {
            lines.push(Line::styled(t.t(Msg::operators_none).to_string(), theme.dim));
        }
        for (i, o) in ctx.data.operators.iter().enumerate() {
            let style = if i == self.selected && self.adding.is_none() {
                theme.selected
            } else {
                Style::new()
            };
            let row = format!(
                "{:<30} {}  {}",
                crate::widgets::ellipsize(&clean(&o.name), 30),
                t.date(o.card_issued_on),
                t.date(o.card_expires_on())
            );
            let used = crate::widgets::width(&row);
            let mut spans = vec![Span::styled(row, style)];
            if o.to_renew(today) {
                let note = match o.days_left(today) {
                    d if d < 0 => format!("⚠ {}", t.f(Msg::operator_expired_note, &[("n", &-d)])),
                    _ => format!("⚠ {}", t.t(Msg::operator_renew_note)),
                };
                let width = usize::from(inner.width);
                // Beside the row when it fits, else whole on the lines below it.
                if used + 2 + crate::widgets::width(&note) <= width {
                    spans.push(Span::styled(format!("  {note}"), theme.warn));
                    lines.push(Line::from(spans));
                } else {
                    lines.push(Line::from(spans));
                    for part in crate::widgets::wrap(&note, width.saturating_sub(2)) {
                        lines.push(Line::styled(format!("  {part}"), theme.warn));
                    }
                }
            } else {
                lines.push(Line::from(spans));
            }
        }
        lines.push(Line::raw(""));
        if let Some(adding) = &self.adding {
            let label = |msg: Msg| Span::styled(format!("{:<22}", t.t(msg)), theme.dim);
            lines.push(Line::from(label(Msg::operators_name)));
            lines.push(Line::from(label(Msg::operators_issued)));
            let rows = lines.len() as u16;
            frame.render_widget(Paragraph::new(lines), inner);
            for (i, input) in [&adding.name, &adding.issued].into_iter().enumerate() {
                let y = inner.y + rows - 2 + i as u16;
                if y >= inner.bottom() {
                    continue;
                }
                let focused = adding.focus == i;
                let field = Rect {
                    x: inner.x + 22,
                    y,
                    width: inner.width.saturating_sub(22),
                    height: 1,
                };
                input.draw(
                    frame,
                    field,
                    if focused { theme.selected } else { Style::new() },
                    focused,
                );
            }
        } else {
            frame.render_widget(Paragraph::new(lines), inner);
        }
        let question = self.removing.as_ref().map(|name| {
            (
                t.f(Msg::operator_remove_question, &[("name", &clean(name))]),
                theme.warn,
            )
        });
        if let Some((text, style)) = question.or(self.error.clone().map(|e| (e, theme.error)))
            && inner.height > 0
        {
            let row = Rect {
                y: inner.bottom() - 1,
                height: 1,
                ..inner
            };
            frame.render_widget(Line::styled(text, style), row);
        }
    }

    fn hints(&self) -> Hints {
        Hints::Fixed(match self.adding {
            Some(_) => Msg::hints_form,
            None => Msg::operators_hints,
        })
    }
}
