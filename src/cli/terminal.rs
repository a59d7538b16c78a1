//! What the command line does at the terminal: standard output that tolerates a closed pipe, the
//! progress bar, the per-run table as runs complete, and the signals that stop a run.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use casus::monte_carlo::{RunRow, Sink};
use casus::report::files::RunsWriter;

/// Writes to standard output. A reader that has gone away (`casus run … | head`) ends the process
/// quietly with success instead of a panic: everything else has been written by then.
pub(crate) fn write_stdout(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {err}");
        std::process::exit(1);
    }
}

/// Progress on the terminal and, for `casus run --out`, the per-run table as the runs complete.
pub(crate) struct CliSink {
    pub(crate) bar: Option<indicatif::ProgressBar>,
    pub(crate) runs: Option<RunsWriter>,
}

impl CliSink {
    /// A progress bar on standard error if `wanted` and standard error is a terminal; no table.
    pub(crate) fn new(wanted: bool) -> CliSink {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} runs  {rate}  ETA {eta}",
                )
                .map(|style| {
                    style.with_key(
                        "rate",
                        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ =
                                w.write_str(&casus::report::text::runs_per_second(state.per_sec()));
                        },
                    )
                })
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        CliSink { bar, runs: None }
    }

    /// Clears the bar and hands back the table, to be committed with the summary.
    pub(crate) fn finish(self) -> Option<RunsWriter> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.runs
    }
}

impl Sink for CliSink {
    fn wants_rows(&self) -> bool {
        self.runs.is_some()
    }

    fn rows(&mut self, rows: &[RunRow]) -> std::io::Result<()> {
        match &mut self.runs {
            Some(w) => w.write(rows),
            None => Ok(()),
        }
    }

    fn progress(&mut self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    }
}

/// SIGINT and SIGTERM ask a run to stop: the runs in flight finish, the summary of the completed
/// runs is written, and the exit code is 130 or 143. A second signal ends the process at once.
pub(crate) struct Signals {
    pub(crate) stop: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
}

impl Signals {
    pub(crate) fn register() -> anyhow::Result<Signals> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let stop = Arc::new(AtomicBool::new(false));
        let interrupted = Arc::new(AtomicBool::new(false));
        for (signal, status) in [(SIGINT, 130), (SIGTERM, 143)] {
            // Registered first, so that it sees the flag as it was before this signal set it.
            signal_hook::flag::register_conditional_shutdown(signal, status, Arc::clone(&stop))
                .context("installing the signal handlers")?;
            signal_hook::flag::register(signal, Arc::clone(&stop))
                .context("installing the signal handlers")?;
        }
        signal_hook::flag::register(SIGINT, Arc::clone(&interrupted))
            .context("installing the signal handlers")?;
        Ok(Signals { stop, interrupted })
    }

    pub(crate) fn exit_code(&self) -> u8 {
        if self.interrupted.load(Ordering::SeqCst) {
            130
        } else {
            143
        }
    }
}
