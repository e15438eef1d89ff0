//! The Municipis tab's drawing: the table, and the detail beside it or alone.

use super::MunicipalitiesTab;
use crate::app::Ctx;
use crate::app::councils::SortColumn;
use crate::domain::catalog::services;
use crate::domain::certificate::CertStatus;
use crate::domain::municipality::FormStatus;
use crate::domain::municipality::{ContactRole, FORM_MIN_PER_ROLE};
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{form_status_msg, role_msg};
use crate::layout::WIDE;
use crate::widgets::rollout::glyph;
use crate::widgets::table::{empty_note, title_with_filter};
use crate::widgets::wrap::wrap_lines;
use crate::widgets::{column_width, ellipsize, fitting_columns, keep, progress};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

/// Habitants, Implantació, Cert., Termini, Fitxa: at least these, wider where a
/// language's header or words need it.
fn widths(ctx: &Ctx) -> [u16; 5] {
    let t = &ctx.t;
    let expiring = t.f(Msg::form_expiring, &[("n", &60)]);
    let forms = [
        t.t(Msg::form_valid),
        t.t(Msg::form_expired),
        t.t(Msg::form_not_sent),
        expiring.as_str(),
        t.t(Msg::col_form),
    ];
    [
        column_width(9, [t.t(Msg::col_population)]),
        column_width(12, [t.t(Msg::col_rollout)]),
        column_width(5, [t.t(Msg::col_certs_open)]),
        crate::tabs::certificates::countdown_width(t),
        column_width(10, forms),
    ]
}

pub fn draw(tab: &MunicipalitiesTab, frame: &mut Frame, area: Rect, ctx: &Ctx) {
    if tab.detail && tab.selected_index(ctx).is_some() {
        if area.width >= WIDE {
            // The table keeps the room it has at 80 columns; the detail takes the rest, up to 64.
            let detail_width = area.width.saturating_sub(80).min(64);
            let [table, detail] =
                Layout::horizontal([Constraint::Min(80), Constraint::Length(detail_width)]).areas(area);
            draw_list(tab, frame, ctx, table);
            draw_detail(tab, frame, ctx, detail, true);
        } else {
            draw_detail(tab, frame, ctx, area, false);
        }
        return;
    }
    draw_list(tab, frame, ctx, area);
}

pub fn sort_label(t: &crate::i18n::I18n, column: SortColumn) -> &str {
    t.t(match column {
        SortColumn::Name => Msg::col_municipality,
        SortColumn::Population => Msg::col_population,
        SortColumn::Rollout => Msg::col_rollout,
        SortColumn::Certificates => Msg::col_certs_open,
        SortColumn::Deadline => Msg::col_next_deadline,
        SortColumn::Form => Msg::col_form,
    })
}

fn draw_title(frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let state = &ctx.councils;
    let t = &ctx.t;
    let view = if state.show_all {
        t.t(Msg::view_all_councils).to_string()
    } else {
        t.f(
            Msg::view_under_threshold,
            &[("n", &t.int(ctx.config.threshold.into()))],
        )
    };
    let arrow = if state.reverse { "▼" } else { "▲" };
    let mut spans = vec![
        Span::styled(format!(" {view}"), ctx.theme.title),
        Span::raw(format!(" · {} · ", count_label(t, state.rows.len()))),
        Span::styled(format!("{} {arrow}", sort_label(t, state.sort)), ctx.theme.dim),
    ];
    // The Activitat marker's legend, only where it fits whole and no filter is shown.
    let legend = format!("  {}", crate::widgets::activity::legend(ctx));
    let room = usize::from(area.width).saturating_sub(crate::widgets::spans_width(&spans));
    if !state.filtering && state.filter.is_empty() && crate::widgets::width(&legend) <= room {
        spans.push(Span::styled(legend, ctx.theme.dim));
    }
    title_with_filter(frame, area, spans, &state.filter, state.filtering, ctx.theme.key);
}

pub fn count_label(t: &crate::i18n::I18n, n: usize) -> String {
    t.n(Msg::count_councils, n)
}

fn form_cell(ctx: &Ctx, status: FormStatus) -> (String, Style) {
    let (msg, days) = form_status_msg(status);
    let text = match days {
        Some(n) => ctx.t.f(msg, &[("n", &n)]),
        None => ctx.t.t(msg).to_string(),
    };
    let style = match status {
        FormStatus::Valid => ctx.theme.ok,
        FormStatus::Expiring(_) => ctx.theme.warn,
        FormStatus::Expired => ctx.theme.error,
        FormStatus::NotSent => ctx.theme.dim,
    };
    (text, style)
}

fn draw_list(tab: &MunicipalitiesTab, frame: &mut Frame, ctx: &Ctx, area: Rect) {
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    draw_title(frame, ctx, title);
    let rows = &ctx.councils.rows;
    let t = &ctx.t;
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    // Narrow windows give up Cert., then Termini, then Habitants.
    let widths_wanted = widths(ctx);
    let shown = fitting_columns(table.width, &widths_wanted, &[2, 3, 0], 1, 18);
    // The name's cell starts with the Activitat marker (`widgets::activity::marker`)
    // and a space: it takes from the name, never a column from the others.
    let mut header = vec![Cell::from(format!("  {}", t.t(Msg::col_municipality)))];
    header.extend(keep(
        [
            right(t.t(Msg::col_population).to_string()),
            Cell::from(t.t(Msg::col_rollout)),
            right(t.t(Msg::col_certs_open).to_string()),
            Cell::from(t.t(Msg::col_next_deadline)),
            Cell::from(t.t(Msg::col_form)),
        ],
        &shown,
    ));
    let header = Row::new(header).style(ctx.theme.table_header);
    let fixed: u16 = keep(widths_wanted, &shown).iter().map(|w| w + 1).sum();
    let name_width = table.width.saturating_sub(fixed).max(8) as usize;
    let today = ctx.today();
    let body_height = table.height.saturating_sub(1) as usize;
    let window = tab.cursor.window(body_height, rows.len());
    let lines = rows[window.clone()].iter().enumerate().map(|(i, &m)| {
        let council = &ctx.data.municipalities[m];
        let tally = ctx.data.tally(m);
        let open = ctx.data.open_certificates(m);
        let (form, form_style) = form_cell(ctx, council.form_status(today));
        let found = ctx.councils.found.get(window.start + i).copied();
        let mut cells = vec![name_cell(ctx, council, found, name_width)];
        cells.extend(keep(
            [
                right(t.int(council.population.into())),
                Cell::from(format!(
                    "{} {}/{}",
                    progress::bar(tally.done, tally.applicable, 6),
                    tally.done,
                    tally.applicable
                )),
                right(match open {
                    _ if !ctx.data.summary_known => "…".into(),
                    0 => "—".into(),
                    n => n.to_string(),
                }),
                next_deadline_cell(ctx, m),
                Cell::from(Span::styled(form, form_style)),
            ],
            &shown,
        ));
        let row = Row::new(cells);
        if window.start + i == tab.cursor.selected {
            row.style(ctx.theme.selected)
        } else {
            row
        }
    });
    let mut widths = vec![Constraint::Min(8)];
    widths.extend(keep(widths_wanted, &shown).into_iter().map(Constraint::Length));
    frame.render_widget(Table::new(lines, widths).header(header).column_spacing(1), table);
    if rows.is_empty() {
        empty_note(frame, &ctx.t, &ctx.theme, table, Msg::empty_list);
    }
}

/// The council's name; under a filter, with what matched when it was not the
/// name (`Tiurana · Marta Vila · secretari/ària`), or `≈` for a name a letter off.
fn name_cell(
    ctx: &Ctx,
    m: &crate::domain::municipality::Municipality,
    found: Option<(crate::domain::council_search::Why, bool)>,
    width: usize,
) -> Cell<'static> {
    let mark = if found.is_some_and(|(_, typo)| typo) {
        "≈ "
    } else {
        ""
    };
    let name = format!("{mark}{}", clean(&m.name));
    // The activity marker first, in the name's own cell so every language keeps its columns.
    let width = width.saturating_sub(2);
    let mut spans = vec![crate::widgets::activity::marker(ctx, m.ine), Span::raw(" ")];
    let name = ellipsize(&name, width);
    // What matched takes the rest of the cell, shortened to fit rather than cut.
    let rest = width.saturating_sub(crate::widgets::width(&name) + 3);
    let why = found
        .filter(|_| rest >= 4)
        .and_then(|(why, _)| crate::widgets::found::why_within(&ctx.t, m, why, rest));
    spans.push(Span::raw(name));
    if let Some(why) = why {
        spans.push(Span::styled(format!(" · {why}"), ctx.theme.dim));
    }
    Cell::from(Line::from(spans))
}

/// The earliest deadline of a council's open requests, as a countdown.
fn next_deadline_cell(ctx: &Ctx, council: usize) -> Cell<'static> {
    if !ctx.data.summary_known {
        return Cell::from("…");
    }
    match ctx.data.next_due(council) {
        Some(due) => {
            let c = crate::domain::countdown::Countdown::until(due, ctx.now());
            let style = crate::widgets::countdown::style(&ctx.theme, c.band());
            let width = crate::tabs::certificates::countdown_width(&ctx.t);
            let text = crate::widgets::countdown::fit(&ctx.t, c, usize::from(width));
            Cell::from(Span::styled(text, style))
        }
        None => Cell::from("—"),
    }
}

/// The detail as lines; `width` decides how many service columns fit.
fn detail_lines(tab: &MunicipalitiesTab, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
    let Some(index) = tab.selected_index(ctx) else {
        return Vec::new();
    };
    let t = &ctx.t;
    let theme = &ctx.theme;
    let m = &ctx.data.municipalities[index];
    let heading = |msg: Msg| Line::styled(t.t(msg).to_string(), theme.table_header);
    let mut out = vec![
        Line::styled(clean(&m.name).into_owned(), theme.title),
        Line::raw(t.f(
            Msg::detail_codes,
            &[
                ("ine", &m.ine),
                ("population", &t.int(m.population.into())),
                ("year", &m.population_year),
                ("comarca", &clean(&m.comarca)),
            ],
        )),
        Line::raw(""),
        heading(Msg::detail_contacts),
    ];
    if m.contacts.is_empty() {
        out.push(Line::styled(
            format!("  {}", t.t(Msg::detail_no_contacts)),
            theme.dim,
        ));
    }
    let mut contacts: Vec<_> = m.contacts.iter().collect();
    contacts.sort_by_key(|c| c.role);
    for c in contacts {
        // One span per part, so a wrapped line breaks between them, not inside a number.
        let parts: Vec<String> = [&c.name, &c.phone, &c.email]
            .into_iter()
            .filter(|text| !text.is_empty())
            .map(|text| clean(text).into_owned())
            .collect();
        let mut spans = vec![Span::styled(format!("  {}: ", t.t(role_msg(c.role))), theme.dim)];
        let last = parts.len().saturating_sub(1);
        for (n, part) in parts.into_iter().enumerate() {
            spans.push(Span::raw(if n < last { format!("{part} · ") } else { part }));
        }
        out.push(Line::from(spans));
    }
    for role in m.form_missing_roles() {
        let msg = if role == ContactRole::ServiceManager {
            Msg::warn_managers
        } else {
            Msg::warn_certifiers
        };
        let text = t.f(msg, &[("min", &FORM_MIN_PER_ROLE), ("n", &m.count_role(role))]);
        out.push(Line::styled(format!("  ⚠ {text}"), theme.warn));
    }
    out.extend(crate::widgets::activity::council_lines(ctx, m.ine));

    out.push(Line::raw(""));
    out.push(heading(Msg::detail_form));
    let (msg, days) = form_status_msg(m.form_status(ctx.today()));
    let mut status = match days {
        Some(n) => t.f(msg, &[("n", &n)]),
        None => t.t(msg).to_string(),
    };
    // Valid for a while yet: the countdown all the same ("vigent (412 d)").
    if let (crate::domain::municipality::FormStatus::Valid, Some(due)) =
        (m.form_status(ctx.today()), m.form_due_on())
    {
        let left = (due - ctx.today()).num_days();
        status = format!("{status} ({})", t.f(Msg::expires_in, &[("n", &left)]));
    }
    let form = match (m.subscriber_form_sent_on, m.form_due_on()) {
        (Some(sent), Some(due)) => t.f(
            Msg::detail_form_dates,
            &[
                ("sent", &t.date(sent)),
                ("due", &t.date(due)),
                ("status", &status),
            ],
        ),
        _ => t.t(Msg::detail_form_missing).to_string(),
    };
    out.push(Line::raw(format!("  {form}")));

    if !m.notes.trim().is_empty() {
        out.push(Line::raw(""));
        out.push(heading(Msg::detail_notes));
        // As many lines as a text may wrap into at most; past them, a mark.
        for (i, line) in m.notes.lines().enumerate() {
            if i == crate::widgets::MAX_ROWS {
                out.push(Line::raw("  …"));
                break;
            }
            out.push(Line::raw(format!("  {}", clean(line))));
        }
    }

    out.push(Line::raw(""));
    let tally = ctx.data.tally(index);
    out.push(Line::styled(
        t.f(
            Msg::detail_services,
            &[("done", &tally.done), ("total", &tally.applicable)],
        ),
        theme.table_header,
    ));
    // A retired service is hidden here too.
    let cells: Vec<String> = services()
        .iter()
        .enumerate()
        .filter(|(_, service)| !service.retired)
        .map(|(s, service)| {
            let rollout = ctx.data.rollout_or_pending(index, s);
            format!(
                "{} {} {}/{}",
                glyph(rollout.status),
                service.name,
                rollout.steps_done(),
                rollout.steps.len()
            )
        })
        .collect();
    // Two columns where every service fits whole in its half; else one, a long
    // name wrapping under itself rather than cut.
    let half = (width as usize).saturating_sub(2) / 2;
    let two = width >= 50 && cells.iter().all(|c| crate::widgets::width(c) < half);
    for chunk in cells.chunks(if two { 2 } else { 1 }) {
        let text = match chunk {
            [left, right] => format!("  {left:<half$}{right}"),
            [one] => format!("  {one}"),
            _ => String::new(),
        };
        out.push(Line::raw(text));
    }

    out.push(Line::raw(""));
    out.push(heading(Msg::detail_certificates));
    let certs = ctx.data.certificates_of(index);
    if certs.is_empty() {
        out.push(Line::styled(
            format!("  {}", t.t(Msg::detail_no_certificates)),
            theme.dim,
        ));
    }
    for i in certs {
        out.push(request_line(ctx, i));
    }
    out
}

/// One request of the council: open ones with their countdown, issued ones
/// still to deliver marked so, closed ones with their reason, delivered ones
/// with their expiry (`#2 Maria Puig · T-CAT · rebutjada: falta DNI`).
fn request_line(ctx: &Ctx, i: usize) -> Line<'static> {
    let t = &ctx.t;
    let c = &ctx.data.certs.list[i];
    let type_name = crate::domain::catalog::cert_type_name(&c.cert_type);
    let mut status = t.t(crate::i18n::words::cert_status_msg(c.status)).to_string();
    if matches!(c.status, CertStatus::Rejected | CertStatus::Cancelled)
        && !c.status_reason().trim().is_empty()
    {
        status = format!("{status}: {}", clean(c.status_reason().trim()));
    }
    let mut spans = vec![Span::raw(format!(
        "  #{} {} · {type_name} · {status}",
        c.id,
        clean(&c.holder)
    ))];
    if c.status.is_open()
        && let Some(due) = ctx.data.certs.deadline(i)
    {
        let cd = crate::domain::countdown::Countdown::until(due, ctx.now());
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            crate::widgets::countdown::text(t, cd),
            crate::widgets::countdown::style(&ctx.theme, cd.band()),
        ));
    } else if ctx.data.certs.awaits_delivery(c) {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(t.t(Msg::to_deliver).to_string(), ctx.theme.warn));
    } else if let Some(expires) = c.expires_at() {
        spans.push(Span::raw(format!(
            " · {}",
            t.f(
                Msg::detail_expires,
                &[("date", &t.date(expires.with_timezone(&ctx.tz).date_naive()))]
            )
        )));
    }
    Line::from(spans)
}

/// Draws the detail in `area`; `beside` when it shares the screen with the
/// table. Lines are wrapped here, keeping their indent, so the scroll counts
/// the rows they take; while more is below, the last row says how much.
fn draw_detail(tab: &MunicipalitiesTab, frame: &mut Frame, ctx: &Ctx, area: Rect, beside: bool) {
    let block = if beside {
        // The border says which side has the keys.
        let style = if tab.page_focus {
            ctx.theme.key
        } else {
            ctx.theme.border
        };
        Block::default().borders(Borders::LEFT).border_style(style)
    } else {
        Block::default()
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = wrap_lines(detail_lines(tab, ctx, inner.width), inner.width as usize);
    let height = inner.height as usize;
    // A page taller than the window keeps its last row for the marker.
    let rows = if all.len() > height {
        height.saturating_sub(1)
    } else {
        height
    };
    let window = tab.detail_scroll.window(rows, all.len());
    let below = all.len() - window.end;
    let mut visible: Vec<Line> = all[window].to_vec();
    if below > 0 {
        let marker = ctx.t.f(Msg::more_below, &[("n", &below)]);
        visible.push(Line::styled(marker, ctx.theme.key).right_aligned());
    }
    frame.render_widget(Paragraph::new(visible), inner);
}
