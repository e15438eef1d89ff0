//! The T-CAT P clocks in the expiry view: what the first column says and in
//! which style, with a sign so that colour is never alone.

use crate::app::Ctx;
use crate::domain::certificate::CertificateRequest;
use crate::domain::tcat_p::{self, Clock};
use crate::i18n::{I18n, Msg};
use ratatui::style::Style;

/// The cell for a T-CAT P between issue and download, if it is one.
pub fn cell(ctx: &Ctx, c: &CertificateRequest) -> Option<(String, Style)> {
    // A revocation filed for it: no clock runs for a certificate on its way out.
    if ctx.data.certs.revoked_by.contains_key(&c.id) {
        return None;
    }
    let now = ctx.now();
    let clock = tcat_p::clock(c, now, ctx.tz)?;
    let theme = &ctx.theme;
    Some(match clock {
        Clock::ToDeliver { due } => (
            ctx.t
                .f(Msg::tcatp_deliver, &[("n", &tcat_p::days_left(due, now, ctx.tz))]),
            theme.deliver,
        ),
        Clock::ToDownload { due } => (
            ctx.t.f(
                Msg::tcatp_download,
                &[("n", &tcat_p::days_left(due, now, ctx.tz))],
            ),
            theme.download,
        ),
        Clock::LostUndelivered { .. } | Clock::LostNotDownloaded { .. } => {
            (ctx.t.t(Msg::tcatp_lost).to_string(), theme.error)
        }
    })
}

/// The widest the cell gets in this language.
pub fn widths(t: &I18n) -> [String; 3] {
    [
        t.f(Msg::tcatp_deliver, &[("n", &30)]),
        t.f(Msg::tcatp_download, &[("n", &10)]),
        t.t(Msg::tcatp_lost).to_string(),
    ]
}
