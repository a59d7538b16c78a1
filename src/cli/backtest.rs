//! `casus backtest`: the plan from the arguments, a progress bar over the origins, the table on
//! standard output and, with `--out`, the files.

use std::process::ExitCode;

use casus::backtest::{self, Plan};
use casus::import::History;
use casus::report::files::OutputDir;

use super::args::BacktestArgs;
use super::terminal::{CliSink, Signals, write_stdout};

pub(crate) fn run(args: &BacktestArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan {
        from: args.from,
        to: args.to,
        every: args.every,
        horizon_years: args.horizon_years,
        runs: args.runs,
        seed: args.seed,
        overrides: args.set.iter().map(ToString::to_string).collect(),
    };
    // Everything that can be checked is checked before the first run.
    plan.check()?;
    let history = History::read(&args.data)?;
    // Registered before the output directory exists, which is what a caller may wait for.
    let signals = Signals::register()?;
    let out = args
        .out
        .as_ref()
        .map(|dir| OutputDir::prepare(dir, args.force))
        .transpose()?;
    let sink = CliSink::new(true);
    let threads = args.threads;
    let result = backtest::run(
        &history,
        &plan,
        &|mc| mc.threads(threads),
        &mut |_, done, total| {
            if let Some(bar) = &sink.bar {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        },
        Some(&signals.stop),
    )?;
    sink.finish();
    let text = casus::report::backtest::render(&result);
    if let Some(out) = &out {
        out.write_backtest(&result)?;
    }
    write_stdout(format_args!("{text}"));
    Ok(if result.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(signals.exit_code())
    })
}
