//! The `casus` command: parse the arguments, call the library, render what it returns.

mod cli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casus::monte_carlo::sweep::Axis;
use casus::monte_carlo::{self, Summary, sensitivity};
use casus::report::files::{self, OutputDir};
use casus::report::trace::{Timeline, TraceFormat, TraceWriter};
use casus::scenario::{Override, ScenarioError};
use casus::{Compiled, report};
use cli::args::{Cli, Command, Design, Experiment, Import, RunArgs};
use cli::terminal::{CliSink, Signals, write_stdout};

/// `print!` through [`write_stdout`].
macro_rules! say {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}

/// `println!` through [`write_stdout`].
macro_rules! sayln {
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// A scenario that does not compile: its problems have been printed, and the exit code is 1.
#[derive(Debug, thiserror::Error)]
#[error("the scenario is not valid")]
struct Invalid;

/// Compiles a scenario file with overrides; on failure, prints every problem.
fn compile(file: &Path, set: &[Override]) -> anyhow::Result<Compiled> {
    casus::compile(file, set).map_err(|err| invalid(&err))
}

/// Prints every problem of an invalid scenario on stderr, and says so to `main`.
fn invalid(err: &ScenarioError) -> anyhow::Error {
    report_invalid(err);
    Invalid.into()
}

/// Prints every problem of an invalid scenario on stderr.
fn report_invalid(err: &ScenarioError) {
    for line in err.to_string().lines() {
        eprintln!("error: {line}");
    }
}

fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    // `--values` and `--range` belong to the `--param` before them: only the positions tell.
    let axes = match matches
        .subcommand_matches("sweep")
        .map(cli::args::sweep_axes)
    {
        Some(Ok(axes)) => axes,
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
        None => Vec::new(),
    };
    match run(cli, &axes) {
        Ok(code) => code,
        Err(err) if err.is::<Invalid>() => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, axes: &[Axis]) -> anyhow::Result<ExitCode> {
    let done = Ok(ExitCode::SUCCESS);
    match cli.command {
        Command::Validate { files } => Ok(validate(&files)),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&casus::scenario::json_schema())
                .context("rendering the schema")?;
            sayln!("{schema}");
            done
        }
        Command::Trace {
            file,
            seed,
            run,
            json,
            set,
            out,
            force,
        } => {
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            trace(&file, seed, run, json, &set, out.as_ref())
        }
        Command::Run(args) => run_many(&args),
        Command::Backtest(args) => cli::backtest::run(&args),
        Command::Compare {
            a,
            b,
            experiment,
            set,
            set_b,
            without,
            json,
            out,
            force,
        } => {
            let arm_b: Vec<Override> = set.iter().chain(&set_b).chain(&without).cloned().collect();
            let model_a = compile(&a, &set)?;
            let model_b = compile(b.as_deref().unwrap_or(&a), &arm_b)?;
            let mc = experiment.apply(model_a.monte_carlo())?;
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            let signals = Signals::register()?;
            let comparison = mc.compare(&model_b.world, &mut (), Some(&signals.stop))?;
            let runs = comparison.runs;
            if json {
                sayln!("{}", serde_json::to_string_pretty(&comparison)?);
            } else {
                let compared = files::Compared::new(&model_a, &model_b, &mc, comparison);
                let text = compared.render();
                if let Some(out) = &out {
                    out.write_comparison(&compared, &text)?;
                }
                say!("{text}");
            }
            Ok(interrupted(&signals, runs, mc.total_runs(), "runs"))
        }
        Command::Generate {
            actors,
            treaties,
            seed,
            steps,
            out,
        } => {
            let shape = casus::generate::Shape {
                actors,
                treaties,
                seed,
                steps,
            };
            write_scenario(&casus::generate::world(&shape)?, out.as_deref())
        }
        Command::Import(Import::CowAtop { data, year, out }) => {
            let tables = casus::import::tables_for(&data, year)?;
            write_scenario(&casus::import::cow_atop(&tables), Some(&out))
        }
        Command::Merge {
            out,
            shards,
            force,
            quiet,
        } => {
            let merged = files::merge_dirs(&out, force, &shards)?;
            if !quiet {
                say!(
                    "{}",
                    report::text::render(&merged, report::text::DEFAULT_ROWS)
                );
            }
            done
        }
        Command::Sensitivity {
            file,
            factor,
            params,
            level,
            actor,
            runs,
            seed,
            threads,
            allow_large,
            set,
            rows,
            out,
            force,
        } => {
            let model = compile(&file, &set)?;
            let parameters = &model.scenario.parameters;
            let plan = sensitivity::select(
                sensitivity::factors(parameters, factor),
                parameters,
                &params,
            )?;
            let target = sensitivity::Target::new(&model.world, level, actor.as_deref())?;
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            let experiment = Experiment {
                runs: Some(runs),
                seed,
                threads,
                allow_large,
            };
            let mc = experiment.apply(model.monte_carlo())?;
            let mut sink = CliSink::new(true);
            let signals = Signals::register()?;
            let result = mc.sensitivity(
                &model.scenario,
                &plan,
                target,
                &mut sink,
                Some(&signals.stop),
            )?;
            sink.finish();
            let text = report::sensitivity::render(&result, &file.display().to_string(), rows);
            if let Some(out) = &out {
                out.write_sensitivity(&result, &text)?;
            }
            say!("{text}");
            Ok(interrupted(&signals, result.runs, mc.total_runs(), "runs"))
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "casus", &mut script);
            say!("{}", String::from_utf8_lossy(&script));
            done
        }
        Command::Man { command } => {
            let mut page_of = <Cli as clap::CommandFactory>::command();
            let mut name = "casus".to_owned();
            for word in &command {
                let known: Vec<String> = page_of
                    .get_subcommands()
                    .map(|c| c.get_name().to_owned())
                    .collect();
                page_of = page_of.find_subcommand(word).cloned().ok_or_else(|| {
                    anyhow::anyhow!(
                        "man {}: no such command; expected one of {}",
                        command.join(" "),
                        known.join(", ")
                    )
                })?;
                name = format!("{name} {word}");
            }
            let mut page = Vec::new();
            clap_mangen::Man::new(page_of.bin_name(name.clone()))
                .title(name.replace(' ', "-"))
                .source(format!("casus {}", casus::VERSION))
                .render(&mut page)?;
            say!("{}", String::from_utf8_lossy(&page));
            done
        }
        Command::Report { dir } => {
            let path = report::html::write(&dir)?;
            sayln!("wrote {}", path.display());
            done
        }
        Command::Sweep {
            file,
            design,
            points,
            experiment,
            set,
            level,
            actor,
            out,
            force,
            ..
        } => {
            let base = compile(&file, &set)?;
            let design = match design {
                Design::Grid => monte_carlo::sweep::Design::Grid,
                Design::Lhs => monte_carlo::sweep::Design::LatinHypercube { points },
            };
            let target = sensitivity::Target::new(&base.world, level, actor.as_deref())?;
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            let mc = experiment.apply(base.monte_carlo())?;
            let signals = Signals::register()?;
            let table =
                match monte_carlo::sweep::sweep(&base, axes, design, &mc, Some(&signals.stop)) {
                    Err(monte_carlo::sweep::SweepError::Scenario(err)) => {
                        return Err(invalid(&err));
                    }
                    Err(monte_carlo::sweep::SweepError::Stopped { done, points }) => {
                        eprintln!("interrupted after {done} of {points} points; nothing written");
                        return Ok(ExitCode::from(signals.exit_code()));
                    }
                    other => other?,
                };
            let swept = table.swept(target, &base.world);
            let text = swept.render(&file.display().to_string());
            if let Some(out) = &out {
                out.write_sweep(&swept, &text)?;
            }
            say!("{text}");
            done
        }
    }
}

/// The most runs `--precision` makes unless `--runs` says otherwise.
const PRECISION_RUN_LIMIT: u64 = 10_000_000;

/// `casus run`: many runs, a summary on stdout and, with `--out`, the output files. With
/// `--resume`, everything that defines the experiment comes from the interrupted run's summary.
fn run_many(args: &RunArgs) -> anyhow::Result<ExitCode> {
    args.check()?;
    // A resumed directory is locked (and what an interrupted commit left completed) before its
    // summary is read, and the summary and the rows of the runs it counts, which the resumed run
    // keeps, are checked against the manifest and each other.
    let resumed = args
        .resume
        .as_ref()
        .map(|dir| {
            let out = OutputDir::existing(dir)?;
            let previous = files::read_summary(dir)?;
            files::check_runs_table(dir, &previous)?;
            Ok::<_, std::io::Error>((out, previous))
        })
        .transpose()?;
    let (resumed_out, previous) = resumed.unzip();
    let model = match &previous {
        Some(p) => match Compiled::resume(&args.file, p) {
            Ok(model) => model,
            Err(casus::ResumeFailure::Scenario(err)) => return Err(invalid(&err)),
            Err(err) => anyhow::bail!("{}: {err}", args.file.display()),
        },
        None => compile(&args.file, &args.overrides())?,
    };
    // Everything that can be checked is checked before the first run.
    let out_dir = args.resume.as_ref().or(args.out.as_ref());
    let out = match resumed_out {
        Some(out) => Some(out),
        None => args
            .out
            .as_ref()
            .map(|dir| OutputDir::prepare(dir, args.force))
            .transpose()?,
    };
    let mut mc = model.monte_carlo().threads(args.experiment.threads);
    if let Some(p) = &previous {
        if p.provenance.complete {
            render_summary(p, args);
            return Ok(ExitCode::SUCCESS);
        }
        mc = mc.continue_from(p)?;
        args.experiment.check(&mc)?;
    } else {
        let runs = match args.precision {
            Some(_) => PRECISION_RUN_LIMIT,
            None => mc.total_runs(),
        };
        mc = args.experiment.apply(mc.runs(runs))?;
        if let Some(target) = args.precision {
            mc = mc.precision(target);
        }
        if let Some([index, count]) = args.shard {
            mc = mc.shard(index, count);
        }
    }

    let signals = Signals::register()?;
    let mut sink = CliSink::new(!args.quiet);
    let dated = model.world.start.is_some();
    sink.runs = out.as_ref().map(|out| out.runs_writer(dated)).transpose()?;
    if let (Some(writer), Some(dir)) = (&mut sink.runs, &args.resume) {
        writer.append_dir(dir)?;
    }
    let summary = mc.run(&mut sink, Some(&signals.stop))?;
    if let (Some(out), Some(runs)) = (&out, sink.finish()) {
        out.write_run(&summary, runs)?;
    }
    render_summary(&summary, args);
    if summary.provenance.complete {
        return Ok(ExitCode::SUCCESS);
    }
    let [first, end] = mc.run_range();
    let resume = out_dir.map(|dir| {
        format!(
            "; the summary of those is in {}; continue with `casus run {} --resume {}`",
            dir.display(),
            args.file.display(),
            dir.display()
        )
    });
    eprintln!(
        "interrupted after {} of {} runs{}",
        summary.counts.runs,
        end - first,
        resume.unwrap_or_default()
    );
    Ok(ExitCode::from(signals.exit_code()))
}

/// Success, or after a first SIGINT or SIGTERM the signal's exit code, with a line on stderr saying
/// how much of the work the results printed and written cover.
fn interrupted(signals: &Signals, done: u64, asked: u64, what: &str) -> ExitCode {
    if done >= asked {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "interrupted after {} of {} {what}: the results cover those",
        report::text::thousands(done),
        report::text::thousands(asked)
    );
    ExitCode::from(signals.exit_code())
}

/// The text summary on stdout, unless `--quiet`.
fn render_summary(summary: &Summary, args: &RunArgs) {
    if !args.quiet {
        say!("{}", report::text::render(summary, args.rows));
    }
}

/// `casus trace`: the story of one run on stdout.
fn trace(
    file: &Path,
    seed: Option<u64>,
    run: u64,
    json: bool,
    set: &[Override],
    out: Option<&OutputDir>,
) -> anyhow::Result<ExitCode> {
    let model = compile(file, set)?;
    let mc = model.monte_carlo();
    let seed = seed.unwrap_or(mc.seed_value());
    let mc = mc.seed(seed);
    let format = if json {
        TraceFormat::Json
    } else {
        TraceFormat::Text
    };
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut writer = TraceWriter::new(&model.world, stdout, format);
    let (timeline, outcome) = Timeline::record(mc.simulation(&model.world, run), &mut writer);
    if let Some(out) = out {
        out.write_trace(&model.world, &timeline, run, seed)?;
    }
    match writer.finish(&outcome) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`casus trace ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e).context("writing the trace"),
    }
}

/// Writes a built scenario to `out` (atomically) or to standard output, after checking that it
/// validates: nothing is written if it does not.
fn write_scenario(
    scenario: &casus::scenario::Scenario,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let text = casus::scenario::to_json(scenario);
    let origin = out.map_or("the generated scenario".into(), |p| p.display().to_string());
    if let Err(err) = casus::scenario::parse(&text, &origin) {
        return Err(invalid(&err));
    }
    match out {
        Some(out) => {
            files::write_atomic(out, |w| std::io::Write::write_all(w, text.as_bytes()))?;
            sayln!("wrote {}: {}", out.display(), scenario.outline());
        }
        None => say!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `casus validate`: one `ok` line per valid file on stdout, every error on stderr.
fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_valid = true;
    for file in files {
        match casus::scenario::load(file) {
            Ok(scenario) => sayln!("ok {}: {}", file.display(), scenario.outline()),
            Err(err) => {
                all_valid = false;
                report_invalid(&err);
            }
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
