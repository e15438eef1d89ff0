//! The Certificats tab's actions: filing, editing, advancing, cancelling,
//! rejecting, opening a request; its rows as CSV and its selection in words.

use super::{CertView, CertificatesTab};
use crate::app::Ctx;
use crate::app::action::Action;
use crate::app::changes::advance_request;
use crate::app::ctx::StatusKind;
use crate::app::tab::Outcome;
use crate::domain::certificate::{CertStatus, CertificateRequest};
use crate::i18n::Msg;
use crate::i18n::words::{cert_status_msg, operation_msg, post_msg};
use crate::io::export::{CertificateOut, to_csv_headed};
use crate::ops;
use crate::popups::prompt::{Prompt, PromptKind};
use crate::popups::request_detail::RequestDetail;
use crate::popups::request_form::RequestForm;

pub fn update(tab: &mut CertificatesTab, action: Action, ctx: &mut Ctx) -> Outcome {
    match action {
        Action::NewRequest => new_request(tab, ctx),
        Action::Edit => edit_request(tab, ctx),
        Action::Advance if tab.view == CertView::Expiry && super::tcat::awaits_download(tab, ctx) => {
            super::tcat::ask_downloaded(tab, ctx)
        }
        Action::Advance => advance(tab, ctx),
        Action::CancelRequest => ask_close_request(tab, ctx, true),
        Action::RejectRequest => ask_close_request(tab, ctx, false),
        Action::Open => open_request(tab, ctx),
        Action::Revoke => super::tcat::revoke(tab, ctx),
        Action::MarkRow => super::tcat::toggle_mark(tab, ctx),
        Action::CheckAppointment => super::tcat::ask_appointment(tab, ctx),
        Action::Operators => Outcome::Open(Box::new(crate::popups::operators::Operators::new())),
        Action::ToggleView => {
            tab.view = tab.view.next();
            // The other view starts at its top, with nothing marked.
            tab.cursor = Default::default();
            tab.selected = None;
            tab.marked.clear();
            tab.refresh_rows(&ctx.data);
            Outcome::Changed
        }
        Action::Back if !tab.marked.is_empty() => {
            tab.marked.clear();
            Outcome::Changed
        }
        Action::Back => {
            if tab.filter.is_empty() {
                return Outcome::Ignored;
            }
            tab.filter.set("");
            tab.refresh_rows(&ctx.data);
            Outcome::Changed
        }
        _ => Outcome::Ignored,
    }
}

fn selected_cert(tab: &CertificatesTab, ctx: &Ctx) -> Option<CertificateRequest> {
    tab.selected().map(|i| ctx.data.certs.list[i].clone())
}

/// `n`: a new request, or in the expiry view a renewal of the selected certificate.
fn new_request(tab: &mut CertificatesTab, ctx: &mut Ctx) -> Outcome {
    if tab.view == CertView::Expiry && !tab.marked.is_empty() {
        return super::tcat::renew_marked(tab, ctx);
    }
    if tab.view == CertView::Expiry
        && let Some(id) = tab.selected_id(&ctx.data)
        && let Some(refused) = super::tcat::refuse_renewal_if_revoked(ctx, id)
    {
        return refused;
    }
    let form = match (tab.view, selected_cert(tab, ctx)) {
        (CertView::Expiry, Some(c)) if ctx.data.certs.renewed_by.contains_key(&c.id) => {
            let by = ctx.data.certs.renewed_by[&c.id];
            ctx.set_status(StatusKind::Info, ctx.t.f(Msg::renewal_exists, &[("id", &by)]));
            return Outcome::Changed;
        }
        // Not yet in its window: refused, as bulk renewal refuses it.
        (CertView::Expiry, Some(c)) if let Some(days) = super::tcat::not_yet_due(&c, ctx.now(), ctx.tz) => {
            let days = ctx.t.int(days as u64);
            ctx.set_status(
                StatusKind::Info,
                ctx.t.f(Msg::renewal_not_due, &[("id", &c.id), ("days", &days)]),
            );
            return Outcome::Changed;
        }
        // Expired: no renewal; a new request for the same holder, and why.
        (CertView::Expiry, Some(c))
            if !crate::app::cert_data::renewable(&c, ctx.now(), ctx.tz)
                && c.days_to_expiry(ctx.now(), ctx.tz).is_some_and(|d| d < 0) =>
        {
            let mut form = RequestForm::renewal(&ctx.data, &c, ctx.now(), ctx.tz);
            form.operation = crate::domain::certificate::Operation::New;
            form.renews = None;
            let expired = c
                .expires_at()
                .map(|e| ctx.t.date(e.with_timezone(&ctx.tz).date_naive()))
                .unwrap_or_default();
            ctx.set_status(
                StatusKind::Info,
                ctx.t
                    .f(Msg::renewal_expired, &[("id", &c.id), ("date", &expired)]),
            );
            form
        }
        (CertView::Expiry, Some(c)) => RequestForm::renewal(&ctx.data, &c, ctx.now(), ctx.tz),
        _ => RequestForm::new(&ctx.data, None, ctx.now(), ctx.tz),
    };
    Outcome::Open(Box::new(form.in_language(&ctx.t, ctx.tz)))
}

fn edit_request(tab: &CertificatesTab, ctx: &Ctx) -> Outcome {
    let Some(c) = selected_cert(tab, ctx) else {
        return Outcome::Ignored;
    };
    Outcome::Open(Box::new(
        RequestForm::edit(&ctx.data, &c, ctx.tz).in_language(&ctx.t, ctx.tz),
    ))
}

/// `a`: one step forward; issue and delivery ask for their date (now unless
/// typed otherwise).
fn advance(tab: &CertificatesTab, ctx: &mut Ctx) -> Outcome {
    let Some(c) = selected_cert(tab, ctx) else {
        return Outcome::Ignored;
    };
    match c.status.next() {
        Some(CertStatus::Issued | CertStatus::Delivered) => {
            let now = ctx.t.datetime(ctx.now(), ctx.tz);
            let kind = PromptKind::AdvanceOn { id: c.id };
            Outcome::Open(Box::new(Prompt::new(kind, &now, 25)))
        }
        Some(_) => {
            let now = ctx.now();
            if let Err(msg) = advance_request(ctx, c.id, now) {
                ctx.set_status(StatusKind::Error, ctx.t.t(msg).to_string());
            }
            Outcome::Changed
        }
        None => {
            ctx.set_status(StatusKind::Info, ctx.t.t(Msg::req_no_next).to_string());
            Outcome::Changed
        }
    }
}

/// `c` and `r`: ask for the holder's name, or for a reason.
fn ask_close_request(tab: &CertificatesTab, ctx: &mut Ctx, cancel: bool) -> Outcome {
    let Some(c) = selected_cert(tab, ctx) else {
        return Outcome::Ignored;
    };
    if let Err(rule) = ops::requests::ensure_open(&c) {
        ctx.set_status(StatusKind::Info, ctx.t.t(rule.msg()).to_string());
        return Outcome::Changed;
    }
    let kind = if cancel {
        PromptKind::CancelRequest { id: c.id }
    } else {
        PromptKind::RejectRequest { id: c.id }
    };
    Outcome::Open(Box::new(Prompt::new(kind, "", 300)))
}

/// Enter: the request with its history.
fn open_request(tab: &CertificatesTab, ctx: &mut Ctx) -> Outcome {
    let Some(c) = selected_cert(tab, ctx) else {
        return Outcome::Ignored;
    };
    match RequestDetail::open(ctx, c.id) {
        Ok(detail) => Outcome::Open(Box::new(detail)),
        Err(e) => {
            ctx.say_store_error(&e);
            Outcome::Changed
        }
    }
}

pub fn csv(tab: &CertificatesTab, ctx: &Ctx) -> Result<Vec<u8>, crate::io::IoError> {
    let certs = &ctx.data.certs;
    // The columns of `export certificates`, authors included, read from the store.
    let authors = ctx
        .store
        .authors(crate::store::Kind::Certificate)
        .map_err(crate::io::IoError::Store)?;
    to_csv_headed(tab.rows.iter().map(|&i| {
        let c = &certs.list[i];
        CertificateOut::from_request(
            c,
            ctx.data.council_name(c.ine),
            certs.deadline(i),
            &authors,
            ctx.tz,
        )
    }))
}

pub fn summary(tab: &CertificatesTab, ctx: &Ctx) -> Option<String> {
    let t = &ctx.t;
    let i = tab.selected()?;
    let c = &ctx.data.certs.list[i];
    let urgency = if c.urgent {
        format!(" · {}", t.t(Msg::req_urgent))
    } else {
        String::new()
    };
    Some(
        t.f(
            Msg::summary_certificate,
            &[
                ("id", &c.id),
                ("holder", &c.holder),
                ("post", &t.t(post_msg(c.role))),
                ("council", &ctx.data.council_name(c.ine)),
                ("type", &c.cert_type),
                ("operation", &t.t(operation_msg(c.operation))),
                ("urgent", &urgency),
                (
                    "due",
                    &ctx.data
                        .certs
                        .deadline(i)
                        .map_or_else(|| t.t(Msg::no_deadline).to_string(), |d| t.deadline(d, ctx.tz)),
                ),
                ("status", &t.t(cert_status_msg(c.status))),
            ],
        ),
    )
}
