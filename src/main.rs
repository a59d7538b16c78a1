//! The `casus` command: argument parsing and calls into the library, nothing more.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use casus::engine::{Simulation, World};
use casus::monte_carlo::sweep::{Axis, Levels};
use casus::monte_carlo::{MonteCarlo, RunRow, Sink, sha256_hex};
use casus::report::files::{self, OutputDir, RunsWriter};
use casus::report::trace::{TraceFormat, TraceWriter};
use casus::scenario::Override;
use clap::{Parser, Subcommand};

/// Writes to standard output. A reader that has gone away (`casus run … | head`) ends the process
/// quietly with success instead of a panic: everything else has been written by then.
fn write_stdout(text: std::fmt::Arguments<'_>) {
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

/// `print!` through [`write_stdout`].
macro_rules! say {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}

/// `println!` through [`write_stdout`].
macro_rules! sayln {
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Simulate alliance dynamics: escalation, treaty cascades and sanctions.
#[derive(Parser)]
#[command(name = "casus", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check scenario files and report every problem with its JSON path, line and column.
    Validate {
        /// The scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of the scenario format.
    Schema,
    /// Tell the story of one run: one line per event, then its outcome.
    Trace {
        /// The scenario file.
        file: PathBuf,
        /// Seed of the random streams. Default: the scenario's `monte_carlo.seed`.
        #[arg(long)]
        seed: Option<u64>,
        /// Which run (the random stream within the seed).
        #[arg(long, default_value_t = 0)]
        run: u64,
        /// One JSON object per event instead of text.
        #[arg(long)]
        json: bool,
        /// Override a scenario value by path, e.g. `parameters.honour_all=true`; repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<Override>,
    },
    /// Run many seeded simulations and summarise them.
    Run(RunArgs),
    /// Compare two variants of a scenario, paired run by run with common random numbers.
    Compare {
        /// Arm A's scenario file.
        a: PathBuf,
        /// Arm B's scenario file. Default: arm A's, changed by `--set-b` and `--without`.
        b: Option<PathBuf>,
        #[command(flatten)]
        experiment: Experiment,
        /// Override a value in both arms, e.g. `parameters.onset_rate=0.03`; repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<Override>,
        /// Override a value in arm B only; repeatable.
        #[arg(long = "set-b", value_name = "PATH=VALUE")]
        set_b: Vec<Override>,
        /// Leave an element out of arm B: `treaty:ID`, `sanction:ID` or `event:ID`; repeatable.
        #[arg(long, value_name = "KIND:ID", value_parser = parse_without)]
        without: Vec<Override>,
        /// Print the paired counts as JSON instead of the table.
        #[arg(long)]
        json: bool,
        /// Also write compare.json and the chart compare.svg to this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite the files of a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// Write a synthetic world shaped like the international system (docs/MODEL.md §9).
    Generate {
        /// Number of states.
        #[arg(long)]
        actors: usize,
        /// Number of treaties.
        #[arg(long)]
        treaties: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Steps (months) a run lasts.
        #[arg(long, default_value_t = 120)]
        steps: u32,
        /// The scenario file to write (replaced if it exists). Default: standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build a scenario from public data tables.
    #[command(subcommand)]
    Import(Import),
    /// Run a scenario at each point of a parameter design and tabulate the outcome probabilities.
    Sweep {
        /// The scenario file.
        file: PathBuf,
        /// A value to vary, by override path (`parameters.onset_rate`); follow each with --values
        /// or --range. Repeatable.
        #[arg(long = "param", value_name = "PATH", required = true)]
        params: Vec<String>,
        /// The values of the --param before it: `a,b,c`.
        #[arg(long, value_name = "A,B,C")]
        values: Vec<String>,
        /// The range of the --param before it: `LO:HI:N`, N evenly spaced values on a grid, the
        /// interval for a Latin hypercube.
        #[arg(long, value_name = "LO:HI:N")]
        range: Vec<String>,
        /// How the points are chosen.
        #[arg(long, value_enum, default_value_t = Design::Grid)]
        design: Design,
        /// Points of a Latin hypercube, drawn from the seed.
        #[arg(long, default_value_t = 10)]
        points: usize,
        #[command(flatten)]
        experiment: Experiment,
        /// Override a value at every point, e.g. `parameters.honour_all=true`; repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<Override>,
        /// Also write the table as CSV to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rank the model parameters by how far lowering and raising each moves P(highest ≥ war).
    Sensitivity {
        /// The scenario file.
        file: PathBuf,
        /// Each parameter is divided and multiplied by this, within its valid range.
        #[arg(long, default_value_t = 2.0, value_parser = parse_factor)]
        factor: f64,
        /// Vary only these parameters (names in `parameters`); repeatable. Default: every numeric
        /// parameter whose value is not 0.
        #[arg(long = "param", value_name = "NAME")]
        params: Vec<String>,
        /// The outcome: P(highest ≥ this level), by name or number.
        #[arg(long, default_value = "war", value_parser = parse_level)]
        level: casus::model::Level,
        /// Follow this actor's level instead of the run's highest: P(ACTOR ≥ level).
        #[arg(long, value_name = "ID")]
        actor: Option<String>,
        /// Runs per variant, each paired with the same run of the base.
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        /// Seed of the run streams. Default: the scenario's `monte_carlo.seed`.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads; 0 for one per core.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Override a scenario value first, e.g. `parameters.honour_all=true`; repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<Override>,
        /// Parameters shown, largest swing first.
        #[arg(long, default_value_t = casus::report::text::DEFAULT_ROWS)]
        rows: usize,
        /// Also write sensitivity.json, sensitivity.csv and the chart tornado.svg to this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite the files of a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// Write report.html in an output directory: one self-contained page of its results and charts.
    Report {
        /// An output directory of `run`, `merge`, `compare` or `sensitivity`.
        dir: PathBuf,
    },
    /// Combine the output directories of shards into the output of the whole experiment.
    Merge {
        /// Where to write the merged outputs.
        #[arg(long)]
        out: PathBuf,
        /// The shards' output directories.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Overwrite the files of a non-empty output directory.
        #[arg(long)]
        force: bool,
        /// No summary on stdout.
        #[arg(long)]
        quiet: bool,
    },
}

/// The designs of `casus sweep`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Design {
    /// Every combination of the values.
    Grid,
    /// A Latin hypercube of --points points over the ranges.
    Lhs,
}

/// The data an `import` reads.
#[derive(Subcommand)]
enum Import {
    /// Every state and its alliance obligations, from the COW and ATOP tables (docs/MODEL.md §8).
    CowAtop {
        /// The directory holding the four tables (scenarios/data).
        #[arg(long)]
        data: PathBuf,
        /// The year of the ATOP table, read from `atop_YEAR_directed_dyads.csv`.
        #[arg(long, default_value_t = 2018)]
        year: u32,
        /// The scenario file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Parses `--without KIND:ID` into the removal of that element.
fn parse_without(text: &str) -> Result<Override, String> {
    let (kind, id) = text
        .split_once(':')
        .ok_or_else(|| format!("expected KIND:ID, such as treaty:nato, found `{text}`"))?;
    let list = match kind {
        "treaty" => "treaties",
        "sanction" => "sanctions",
        "event" => "events",
        other => {
            return Err(format!(
                "cannot leave out a `{other}`: expected treaty, sanction or event"
            ));
        }
    };
    format!("without:{list}.{id}")
        .parse()
        .map_err(|e: casus::scenario::OverrideError| e.to_string())
}

/// Parses a sensitivity factor: a number above 1.
fn parse_factor(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if f > 1.0 && f.is_finite() => Ok(f),
        _ => Err(format!(
            "expected a factor above 1, such as 2, found `{text}`"
        )),
    }
}

/// Parses a level by name (`war`) or number (`5`).
fn parse_level(text: &str) -> Result<casus::model::Level, String> {
    let text = text.trim();
    casus::model::Level::from_name(text)
        .or_else(|| text.parse().ok().and_then(casus::model::Level::from_number))
        .filter(|&l| l > casus::model::Level::Peace)
        .ok_or_else(|| {
            format!("expected a level from dispute (1) to nuclear-central (7), found `{text}`")
        })
}

/// Parses a precision target: a half-width in (0, 0.5].
fn parse_precision(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(h) if h > 0.0 && h <= 0.5 => Ok(h),
        _ => Err(format!(
            "expected a half-width above 0 and at most 0.5, such as 0.005, found `{text}`"
        )),
    }
}

/// Parses `I/N` with I < N.
fn parse_shard(text: &str) -> Result<[u64; 2], String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("expected I/N, such as 3/64, found `{text}`"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a shard number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number of shards"))?;
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i} of {n} does not exist: expected 0 ≤ I < N"
        ));
    }
    Ok([i, n])
}

fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    // `--values` and `--range` belong to the `--param` before them: only the positions tell.
    let axes = match matches.subcommand_matches("sweep").map(sweep_axes) {
        Some(Ok(axes)) => axes,
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
        None => Vec::new(),
    };
    match run(cli, &axes) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, axes: &[Axis]) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { files } => Ok(validate(&files)),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&casus::scenario::json_schema())
                .context("rendering the schema")?;
            sayln!("{schema}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Trace {
            file,
            seed,
            run,
            json,
            set,
        } => trace(&file, seed, run, json, &set),
        Command::Run(args) => run_many(&args),
        Command::Compare {
            a,
            b,
            experiment:
                Experiment {
                    runs,
                    seed,
                    threads,
                },
            set,
            set_b,
            without,
            json,
            out,
            force,
        } => {
            let arm_b: Vec<Override> = set.iter().chain(&set_b).chain(&without).cloned().collect();
            let load =
                |file: &Path, changes: &[Override]| casus::scenario::load_with(file, changes);
            let scenario_a = match load(&a, &set) {
                Ok(s) => s,
                Err(err) => return Ok(report_invalid(&err)),
            };
            let scenario_b = match load(b.as_deref().unwrap_or(&a), &arm_b) {
                Ok(s) => s,
                Err(err) => return Ok(report_invalid(&err)),
            };
            let invalid = |_| anyhow::anyhow!("the scenario did not validate");
            let (world_a, world_b) = (
                World::new(&scenario_a).map_err(invalid)?,
                World::new(&scenario_b).map_err(invalid)?,
            );
            let runs = runs.unwrap_or(scenario_a.monte_carlo.runs);
            let seed = seed.unwrap_or(scenario_a.monte_carlo.seed);
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            let comparison = casus::monte_carlo::compare(&world_a, &world_b, runs, seed, threads)?;
            if json {
                sayln!("{}", serde_json::to_string_pretty(&comparison)?);
            } else {
                let describe = |file: &Path, changes: &[Override]| {
                    let changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
                    if changes.is_empty() {
                        file.display().to_string()
                    } else {
                        format!("{} with {}", file.display(), changes.join(", "))
                    }
                };
                let arms = [
                    describe(&a, &set),
                    describe(b.as_deref().unwrap_or(&a), &arm_b),
                ];
                let text = casus::report::compare::render(
                    &comparison,
                    &arms[0],
                    &arms[1],
                    seed,
                    &world_a.level_labels,
                );
                if let Some(out) = &out {
                    let compared = files::Compared {
                        arms,
                        seed,
                        levels: world_a.level_labels.clone(),
                        comparison,
                    };
                    out.write_comparison(&compared, &text)?;
                }
                say!("{text}");
            }
            Ok(ExitCode::SUCCESS)
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
            let scenario = casus::generate::world(&shape)?;
            write_scenario(&scenario, out.as_deref())
        }
        Command::Import(Import::CowAtop { data, year, out }) => {
            let tables = casus::import::Tables::read(&data, year)?;
            write_scenario(&casus::import::cow_atop(&tables), Some(&out))
        }
        Command::Merge {
            out,
            shards,
            force,
            quiet,
        } => merge(&out, &shards, force, quiet),
        Command::Sensitivity {
            file,
            factor,
            params,
            level,
            actor,
            runs,
            seed,
            threads,
            set,
            rows,
            out,
            force,
        } => {
            let scenario = match casus::scenario::load_with(&file, &set) {
                Ok(s) => s,
                Err(err) => return Ok(report_invalid(&err)),
            };
            let mut plan = casus::monte_carlo::sensitivity::factors(&scenario.parameters, factor);
            if !params.is_empty() {
                let known: Vec<&str> = scenario.parameters.ranges().iter().map(|r| r.0).collect();
                for name in &params {
                    if !known.contains(&name.as_str()) {
                        let hint = casus::scenario::did_you_mean(name, known.iter().copied())
                            .map(|h| format!("; {h}"))
                            .unwrap_or_default();
                        anyhow::bail!("--param {name}: not a numeric model parameter{hint}");
                    }
                }
                plan.retain(|f| params.contains(&f.parameter));
            }
            let out = out.map(|dir| OutputDir::prepare(&dir, force)).transpose()?;
            let seed = seed.unwrap_or(scenario.monte_carlo.seed);
            let actor = match actor {
                None => None,
                Some(id) => match scenario.actors.iter().position(|a| a.id == id) {
                    Some(i) => Some(i),
                    None => {
                        let hint = casus::scenario::did_you_mean(
                            &id,
                            scenario.actors.iter().map(|a| a.id.as_str()),
                        )
                        .map(|h| format!("; {h}"))
                        .unwrap_or_default();
                        anyhow::bail!("--actor {id}: no such actor in {}{hint}", file.display());
                    }
                },
            };
            let target = casus::monte_carlo::sensitivity::Target { level, actor };
            let bar = progress_bar(true);
            let arms = 1 + 2 * plan.len() as u64;
            if let Some(bar) = &bar {
                bar.set_length(runs * arms);
            }
            let result = casus::monte_carlo::sensitivity::sensitivity_with_progress(
                &scenario,
                &plan,
                target,
                runs,
                seed,
                threads,
                &|done| {
                    if let Some(bar) = &bar {
                        bar.set_position(done * arms);
                    }
                },
            )?;
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            let text =
                casus::report::sensitivity::render(&result, &file.display().to_string(), rows);
            if let Some(out) = &out {
                out.write_sensitivity(&result, &text)?;
            }
            say!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { dir } => {
            let path = casus::report::html::write(&dir)?;
            sayln!("wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep {
            file,
            design,
            points,
            experiment,
            set,
            out,
            ..
        } => sweep(
            &file,
            axes,
            design,
            points,
            &experiment,
            &set,
            out.as_deref(),
        ),
    }
}

/// How many runs, from which seed, on how many threads: shared by `run` and `compare`.
#[derive(clap::Args)]
struct Experiment {
    /// Number of runs (for `run`, across all shards). Default: the scenario's `monte_carlo.runs`.
    #[arg(long)]
    runs: Option<u64>,
    /// Seed of the run streams. Default: the scenario's `monte_carlo.seed`.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads; 0 for one per core.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// The arguments of `casus run`.
#[derive(clap::Args)]
struct RunArgs {
    /// The scenario file.
    file: PathBuf,
    #[command(flatten)]
    experiment: Experiment,
    /// Write summary.json, runs.csv, levels_by_step.csv and pathways.csv to this directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only shard I of N (0-based), e.g. `--shard 3/64`; combine shards with `casus merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<[u64; 2]>,
    /// Override a scenario value by path, e.g. `parameters.onset_rate=0.03`; repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<Override>,
    /// No progress bar and no summary on stdout.
    #[arg(long)]
    quiet: bool,
    /// Run until the 95 % interval of P(highest ≥ war) is at most this wide either side, checked
    /// every 1,000 runs; --runs is then the limit (default 10,000,000).
    #[arg(long, value_name = "HALF_WIDTH", value_parser = parse_precision)]
    precision: Option<f64>,
    /// Rows shown in the summary's actor and obligation tables, most frequent first.
    #[arg(long, default_value_t = casus::report::text::DEFAULT_ROWS)]
    rows: usize,
    /// Overwrite the files of a non-empty output directory.
    #[arg(long)]
    force: bool,
    /// Continue an interrupted run in its output directory, to its requested number of runs.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    resume: Option<PathBuf>,
}

/// Progress on the terminal and the per-run table, as the runs complete.
struct CliSink {
    bar: Option<indicatif::ProgressBar>,
    runs: Option<RunsWriter>,
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

/// A progress bar on standard error, if `wanted` and standard error is a terminal.
fn progress_bar(wanted: bool) -> Option<indicatif::ProgressBar> {
    (wanted && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// The most runs `--precision` makes unless `--runs` says otherwise.
const PRECISION_RUN_LIMIT: u64 = 10_000_000;

/// `casus run`: many runs, a summary on stdout and, with `--out`, the output files.
fn run_many(args: &RunArgs) -> anyhow::Result<ExitCode> {
    if args.precision.is_some() && args.shard.is_some() {
        anyhow::bail!(
            "--precision reads every run to decide when to stop: it cannot be combined with --shard"
        );
    }
    // Resuming takes everything that defines the experiment from the interrupted run's summary.
    let previous = match &args.resume {
        Some(dir) => {
            if !args.set.is_empty()
                || args.experiment.runs.is_some()
                || args.experiment.seed.is_some()
                || args.shard.is_some()
                || args.precision.is_some()
            {
                anyhow::bail!(
                    "--resume continues the interrupted run with its own runs, seed, shard, precision and \
                     overrides; leave out --runs, --seed, --shard, --precision and --set"
                );
            }
            Some(files::read_summary(dir)?)
        }
        None => None,
    };
    let set: Vec<Override> = match &previous {
        Some(p) => p
            .provenance
            .overrides
            .iter()
            .map(|o| o.parse())
            .collect::<Result<_, _>>()?,
        None => args.set.clone(),
    };
    let bytes = std::fs::read(&args.file).unwrap_or_default();
    let scenario = match casus::scenario::load_with(&args.file, &set) {
        Ok(scenario) => scenario,
        Err(err) => return Ok(report_invalid(&err)),
    };
    let world =
        World::new(&scenario).map_err(|_| anyhow::anyhow!("the scenario did not validate"))?;
    let sha256 = sha256_hex(&bytes);
    // Everything that can be checked is checked before the first run.
    let out_dir = args.resume.as_ref().or(args.out.as_ref());
    let out = match out_dir {
        Some(dir) => Some(OutputDir::prepare(
            dir,
            args.force || args.resume.is_some(),
        )?),
        None => None,
    };
    let mut experiment = MonteCarlo::new(&world).threads(args.experiment.threads);
    match &previous {
        Some(p) => {
            let p = &p.provenance;
            if p.scenario_sha256 != sha256 {
                anyhow::bail!(
                    "{} is not the scenario of the interrupted run (its SHA-256 differs)",
                    args.file.display()
                );
            }
            experiment = experiment.runs(p.runs_requested).seed(p.seed);
            if let Some([index, count]) = p.shard {
                experiment = experiment.shard(index, count);
            }
            if let Some(target) = p.precision {
                experiment = experiment.precision(target);
            }
        }
        None => {
            let default_runs = match args.precision {
                Some(_) => PRECISION_RUN_LIMIT,
                None => scenario.monte_carlo.runs,
            };
            experiment = experiment
                .runs(args.experiment.runs.unwrap_or(default_runs))
                .seed(args.experiment.seed.unwrap_or(scenario.monte_carlo.seed));
            if let Some(target) = args.precision {
                experiment = experiment.precision(target);
            }
            if let Some([index, count]) = args.shard {
                experiment = experiment.shard(index, count);
            }
        }
    }
    experiment = experiment.source(sha256, set.iter().map(|o| o.to_string()).collect());
    if let Some(p) = &previous {
        if p.provenance.complete {
            if !args.quiet {
                say!("{}", casus::report::text::render(p, args.rows));
            }
            return Ok(ExitCode::SUCCESS);
        }
        experiment = experiment.continue_from(p);
    }

    let signals = Signals::register()?;
    let bar = progress_bar(!args.quiet);
    let mut runs_writer = out.as_ref().map(OutputDir::runs_writer).transpose()?;
    if let (Some(writer), Some(dir)) = (&mut runs_writer, &args.resume) {
        let done = dir.join(files::RUNS);
        if done.exists() {
            writer.append_file(&done)?;
        }
    }
    let mut sink = CliSink {
        bar,
        runs: runs_writer,
    };
    let summary = experiment.run(&mut sink, Some(&signals.stop))?;
    if let Some(bar) = &sink.bar {
        bar.finish_and_clear();
    }
    if let Some(out) = &out {
        if let Some(runs) = sink.runs.take() {
            runs.finish()?;
        }
        out.write_summary(&summary)?;
    }
    if !args.quiet {
        say!("{}", casus::report::text::render(&summary, args.rows));
    }
    if summary.provenance.complete {
        return Ok(ExitCode::SUCCESS);
    }
    let [first, end] = summary.provenance.run_range;
    eprintln!(
        "interrupted after {} of {} runs{}",
        summary.counts.runs,
        end - first,
        match out_dir {
            Some(dir) => format!(
                "; the summary of those is in {}; continue with `casus run {} --resume {}`",
                dir.display(),
                args.file.display(),
                dir.display()
            ),
            None => String::new(),
        }
    );
    Ok(ExitCode::from(signals.exit_code()))
}

/// SIGINT and SIGTERM ask a run to stop: the runs in flight finish, the summary of the completed
/// runs is written, and the exit code is 130 or 143. A second signal ends the process at once.
struct Signals {
    stop: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
}

impl Signals {
    fn register() -> anyhow::Result<Signals> {
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

    fn exit_code(&self) -> u8 {
        if self.interrupted.load(Ordering::SeqCst) {
            130
        } else {
            143
        }
    }
}

/// `casus merge`: the shards' summaries and per-run tables combined.
fn merge(out: &Path, shards: &[PathBuf], force: bool, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut parts = Vec::new();
    for dir in shards {
        parts.push((dir.display().to_string(), files::read_summary(dir)?));
    }
    let merged = casus::monte_carlo::merge(&parts)?;
    let out = OutputDir::prepare(out, force)?;
    let mut order: Vec<(&PathBuf, [u64; 2])> = shards
        .iter()
        .zip(&parts)
        .map(|(dir, (_, s))| (dir, s.provenance.run_range))
        .collect();
    order.sort_by_key(|(_, range)| *range);
    let mut runs = out.runs_writer()?;
    for (dir, _) in order {
        runs.append_file(&dir.join(files::RUNS))?;
    }
    runs.finish()?;
    out.write_summary(&merged)?;
    if !quiet {
        say!(
            "{}",
            casus::report::text::render(&merged, casus::report::text::DEFAULT_ROWS)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `casus trace`: the story of one run on stdout.
fn trace(
    file: &Path,
    seed: Option<u64>,
    run: u64,
    json: bool,
    set: &[Override],
) -> anyhow::Result<ExitCode> {
    let scenario = match casus::scenario::load_with(file, set) {
        Ok(scenario) => scenario,
        Err(err) => return Ok(report_invalid(&err)),
    };
    let world =
        World::new(&scenario).map_err(|_| anyhow::anyhow!("the scenario did not validate"))?;
    let seed = seed.unwrap_or(scenario.monte_carlo.seed);
    let format = if json {
        TraceFormat::Json
    } else {
        TraceFormat::Text
    };
    let stdout = std::io::stdout().lock();
    let mut writer = TraceWriter::new(&world, std::io::BufWriter::new(stdout), format);
    let outcome = Simulation::new(&world, seed, run).run_to_end(&mut writer);
    match writer.finish(&outcome) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`casus trace ... | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e).context("writing the trace"),
    }
}

/// Prints every problem of an invalid scenario on stderr; exit code 1.
fn report_invalid(err: &casus::scenario::ScenarioError) -> ExitCode {
    for line in err.to_string().lines() {
        eprintln!("error: {line}");
    }
    ExitCode::from(1)
}

/// `casus validate`: one `ok` line per valid file on stdout, every error on stderr.
/// Writes a built scenario to `out` (atomically) or to standard output, after checking that it
/// validates: nothing is written if it does not.
fn write_scenario(
    scenario: &casus::scenario::Scenario,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let text = casus::scenario::to_json(scenario);
    let origin = out.map_or("the generated scenario".into(), |p| p.display().to_string());
    if let Err(err) = casus::scenario::parse(&text, &origin) {
        report_invalid(&err);
        return Ok(ExitCode::from(1));
    }
    match out {
        Some(out) => {
            files::write_atomic(out, |w| std::io::Write::write_all(w, text.as_bytes()))?;
            sayln!("wrote {}: {}", out.display(), summary(scenario));
        }
        None => say!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Pairs each `--param` of `casus sweep` with the `--values` or `--range` that follows it.
fn sweep_axes(m: &clap::ArgMatches) -> Result<Vec<Axis>, String> {
    let occurrences = |id: &str| -> Vec<(usize, String)> {
        match (m.indices_of(id), m.get_many::<String>(id)) {
            (Some(indices), Some(values)) => indices.zip(values.cloned()).collect(),
            _ => Vec::new(),
        }
    };
    let mut items: Vec<(usize, &str, String)> = Vec::new();
    for (id, kind) in [
        ("params", "param"),
        ("values", "values"),
        ("range", "range"),
    ] {
        items.extend(occurrences(id).into_iter().map(|(i, text)| (i, kind, text)));
    }
    items.sort_by_key(|item| item.0);
    let mut axes: Vec<(String, Option<Levels>)> = Vec::new();
    for (_, kind, text) in items {
        match kind {
            "param" => axes.push((text, None)),
            _ => {
                let levels = if kind == "values" {
                    Levels::parse_values(&text)
                } else {
                    Levels::parse_range(&text)
                }
                .map_err(|e| format!("--{kind} {e}"))?;
                match axes.last_mut() {
                    Some((_, slot @ None)) => *slot = Some(levels),
                    Some((path, Some(_))) => {
                        return Err(format!(
                            "--param {path} has two sets of levels; give one --values or --range"
                        ));
                    }
                    None => return Err(format!("--{kind} {text} comes before any --param")),
                }
            }
        }
    }
    axes.into_iter()
        .map(|(path, levels)| {
            levels
                .map(|levels| Axis {
                    path: path.clone(),
                    levels,
                })
                .ok_or_else(|| {
                    format!("--param {path} needs --values A,B,C or --range LO:HI:N after it")
                })
        })
        .collect()
}

/// `casus sweep`: every point's scenario is loaded and validated before the first run; each point
/// then runs with the same runs and seed (common random numbers across points).
fn sweep(
    file: &Path,
    axes: &[Axis],
    design: Design,
    points: usize,
    experiment: &Experiment,
    set: &[Override],
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let base = match casus::scenario::load_with(file, set) {
        Ok(s) => s,
        Err(err) => return Ok(report_invalid(&err)),
    };
    let runs = experiment.runs.unwrap_or(base.monte_carlo.runs);
    let seed = experiment.seed.unwrap_or(base.monte_carlo.seed);
    let design_points = match design {
        Design::Grid => casus::monte_carlo::sweep::grid(axes),
        Design::Lhs => casus::monte_carlo::sweep::latin_hypercube(axes, points, seed)
            .map_err(anyhow::Error::msg)?,
    };
    let mut worlds = Vec::with_capacity(design_points.len());
    for point in &design_points {
        let mut changes = set.to_vec();
        for (axis, value) in axes.iter().zip(point) {
            changes.push(format!("{}={value}", axis.path).parse()?);
        }
        let scenario = match casus::scenario::load_with(file, &changes) {
            Ok(s) => s,
            Err(err) => return Ok(report_invalid(&err)),
        };
        worlds.push(World::new(&scenario).map_err(|_| anyhow::anyhow!("invalid scenario"))?);
    }
    let summaries = worlds
        .iter()
        .map(|world| {
            MonteCarlo::new(world)
                .runs(runs)
                .seed(seed)
                .threads(experiment.threads)
                .run(&mut (), None)
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    let table = casus::report::sweep::Table {
        paths: axes.iter().map(|a| a.path.clone()).collect(),
        points: design_points,
        summaries,
    };
    if let Some(out) = out {
        files::write_atomic(out, |w| table.write_csv(w))?;
    }
    say!(
        "{}",
        table.render(
            &file.display().to_string(),
            runs,
            seed,
            match design {
                Design::Grid => "grid",
                Design::Lhs => "Latin hypercube",
            }
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_valid = true;
    for file in files {
        match casus::scenario::load(file) {
            Ok(scenario) => sayln!("ok {}: {}", file.display(), summary(&scenario)),
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

fn summary(s: &casus::scenario::Scenario) -> String {
    let obligations: usize = s.treaties.iter().map(|t| t.obligations.len()).sum();
    format!(
        "{}, {} ({}), {}, {}, {} of a {}",
        count(s.actors.len(), "actor"),
        count(s.treaties.len(), "treaty"),
        count(obligations, "obligation"),
        count(s.sanctions.len(), "sanction regime"),
        count(s.events.len(), "event"),
        count(s.steps as usize, "step"),
        s.step.name(),
    )
}

/// "1 event", "2 events", "3 treaties".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}
