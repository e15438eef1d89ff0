//! Taking what is on screen elsewhere: `E` writes the table to a CSV file,
//! `y` copies the selected row's summary to the clipboard (OSC 52, over SSH too).
//! Each tab says what its rows and its selection are; this writes and copies them.

use super::App;
use super::ctx::StatusKind;
use crate::i18n::Msg;
use crate::io::output::write_output;

impl App {
    /// `E`: the rows of the current table, as shown (filter and order), to a CSV file.
    pub(super) fn export_view(&mut self) -> bool {
        let Some(export) = self.tabs[self.active].export(&self.ctx) else {
            return false;
        };
        let ctx = &mut self.ctx;
        let stamp = ctx.now().with_timezone(&ctx.tz).format("%Y%m%d-%H%M%S");
        // Never over an earlier export (nor a link in its place): two in the same second get -2, -3…
        let file = (1..)
            .map(|n| match n {
                1 => format!("ocsae-{}-{stamp}.csv", export.name),
                n => format!("ocsae-{}-{stamp}-{n}.csv", export.name),
            })
            .find(|f| ctx.export_dir.join(f).symlink_metadata().is_err())
            .expect("some number is free");
        let result = export
            .csv
            .and_then(|b| write_output(Some(&ctx.export_dir.join(&file)), &b, ctx.store_dir.as_deref()));
        match result {
            Ok(()) => ctx.set_status(
                StatusKind::Saved,
                ctx.t.nf(Msg::exported_view, export.rows, &[("file", &file)]),
            ),
            Err(e) => ctx.set_status(StatusKind::Error, e.localize(&ctx.t)),
        }
        true
    }

    /// `y`: the selected row in words, to the terminal's clipboard.
    pub(super) fn copy_row(&mut self) -> bool {
        let Some(text) = self.tabs[self.active].row_summary(&self.ctx) else {
            return false;
        };
        let shown = crate::widgets::ellipsize(&text, 50);
        self.ctx.clipboard = Some(text);
        let text = self.ctx.t.f(Msg::copied, &[("text", &shown)]);
        self.ctx.set_status(StatusKind::Info, text);
        true
    }
}
