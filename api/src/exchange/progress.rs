//! The import's progress on a terminal: one line per file with its rows and rows per second,
//! kept on screen when the file is done. Nothing is drawn when standard error is not a
//! terminal.

use super::import::Progress;
use emis_oneroster::FileKind;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;

/// Progress lines drawn with indicatif.
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
    target: fn() -> ProgressDrawTarget,
}

impl Bars {
    /// Lines on standard error when it is a terminal.
    pub fn on_terminal() -> Self {
        let target: fn() -> ProgressDrawTarget = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            ProgressDrawTarget::stderr
        } else {
            ProgressDrawTarget::hidden
        };
        Self { current: Mutex::new(None), target }
    }
}

impl Progress for Bars {
    fn start(&self, file: FileKind) {
        let style =
            ProgressStyle::with_template("{prefix:>22} {spinner} {pos:>9} dòng / rows  {per_sec:>14}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::with_draw_target(None, (self.target)()).with_style(style).with_prefix(file.file_name());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        if let Ok(mut current) = self.current.lock() {
            *current = Some(bar);
        }
    }

    fn advance(&self, rows: u64) {
        if let Ok(current) = self.current.lock()
            && let Some(bar) = current.as_ref()
        {
            bar.inc(rows);
        }
    }

    fn finish(&self) {
        if let Ok(mut current) = self.current.lock()
            && let Some(bar) = current.take()
        {
            bar.finish();
        }
    }
}
