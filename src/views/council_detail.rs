//! Everything about one council: codes, contacts, fitxa, notes, services, certificates.

use crate::app::App;
use crate::domain::catalog::services;
use crate::domain::municipality::{ContactRole, FORM_MIN_PER_ROLE};
use crate::domain::text::clean;
use crate::i18n::Msg;
use crate::i18n::words::{form_status_msg, role_msg};
use crate::views::rollout::glyph;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// The detail as lines; `width` decides how many service columns fit.
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let Some(index) = app.municipalities.selected_index() else {
        return Vec::new();
    };
    let t = &app.t;
    let theme = &app.theme;
    let m = &app.data.municipalities[index];
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
        let mut text = clean(&c.name).into_owned();
        for extra in [&c.phone, &c.email] {
            if !extra.is_empty() {
                text.push_str(" · ");
                text.push_str(&clean(extra));
            }
        }
        out.push(Line::from(vec![
            Span::styled(format!("  {}: ", t.t(role_msg(c.role))), theme.dim),
            Span::raw(text),
        ]));
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

    out.push(Line::raw(""));
    out.push(heading(Msg::detail_form));
    let (msg, days) = form_status_msg(m.form_status(app.today()));
    let mut status = match days {
        Some(n) => t.f(msg, &[("n", &n)]),
        None => t.t(msg).to_string(),
    };
    // Valid for a while yet: the countdown all the same ("vigent (412 d)").
    if let (crate::domain::municipality::FormStatus::Valid, Some(due)) =
        (m.form_status(app.today()), m.form_due_on())
    {
        let left = (due - app.today()).num_days();
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
        for line in m.notes.lines() {
            out.push(Line::raw(format!("  {}", clean(line))));
        }
    }

    out.push(Line::raw(""));
    let tally = app.data.tally(index);
    out.push(Line::styled(
        t.f(
            Msg::detail_services,
            &[("done", &tally.done), ("total", &tally.applicable)],
        ),
        theme.table_header,
    ));
    let columns = if width >= 50 { 2 } else { 1 };
    let cell_width = (width as usize).saturating_sub(2) / columns;
    for chunk in services().iter().enumerate().collect::<Vec<_>>().chunks(columns) {
        let mut text = String::from("  ");
        for (s, service) in chunk {
            let rollout = app.data.rollout_or_pending(index, *s);
            let cell = format!(
                "{} {} {}/{}",
                glyph(rollout.status),
                service.name,
                rollout.steps_done(),
                rollout.steps.len()
            );
            text.push_str(&format!(
                "{:<w$}",
                crate::widgets::ellipsize(&cell, cell_width),
                w = cell_width
            ));
        }
        out.push(Line::raw(text.trim_end().to_string()));
    }

    out.push(Line::raw(""));
    out.push(heading(Msg::detail_certificates));
    let certs = app.data.certificates_of(index);
    if certs.is_empty() {
        out.push(Line::styled(
            format!("  {}", t.t(Msg::detail_no_certificates)),
            theme.dim,
        ));
    }
    for i in certs {
        let c = &app.data.certs.list[i];
        let type_name = crate::domain::catalog::cert_type(&c.cert_type)
            .map_or(c.cert_type.as_str(), |ty| ty.name.as_str());
        let mut spans = vec![Span::raw(format!(
            "  #{} {} · {type_name} · {}",
            c.id,
            clean(&c.holder),
            t.t(crate::i18n::words::cert_status_msg(c.status)),
        ))];
        if c.status.is_open()
            && let Some(due) = app.data.certs.deadline(i)
        {
            let cd = crate::domain::countdown::Countdown::until(due, app.now());
            spans.push(Span::raw(" · "));
            spans.push(Span::styled(
                crate::widgets::countdown::text(t, cd),
                crate::widgets::countdown::style(theme, cd.band()),
            ));
        } else if let Some(expires) = c.expires_at() {
            spans.push(Span::raw(format!(
                " · {}",
                t.f(
                    Msg::detail_expires,
                    &[("date", &t.date(expires.with_timezone(&app.tz).date_naive()))]
                )
            )));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Draws the detail in `area`; `beside` when it shares the screen with the table.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, beside: bool) {
    let block = if beside {
        Block::default()
            .borders(Borders::LEFT)
            .border_style(app.theme.border)
    } else {
        Block::default()
    };
    let inner = block.inner(area);
    let all = lines(app, inner.width);
    let window = app
        .municipalities
        .detail_scroll
        .window(inner.height as usize, all.len());
    let visible: Vec<Line> = all[window].to_vec();
    frame.render_widget(
        Paragraph::new(visible).block(block).wrap(Wrap { trim: false }),
        area,
    );
}
