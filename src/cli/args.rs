//! The command line's arguments: what each subcommand takes, and the parsers of their values.

use std::path::PathBuf;

use casus::monte_carlo::MonteCarlo;
use casus::monte_carlo::sweep::{Axis, Levels};
use casus::scenario::Override;
use clap::{Parser, Subcommand};

/// Simulate alliance dynamics: escalation, treaty cascades and sanctions.
#[derive(Parser)]
#[command(name = "casus", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check scenario files and report every problem with its JSON path, line and column.
    Validate {
        /// The scenario files to check (`-` reads standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema (draft 2020-12) of the scenario format.
    Schema,
    /// Print a completion script for a shell, e.g. `casus completions bash > ~/.local/share/bash-completion/completions/casus`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of casus or of one command, e.g. `casus man run > casus-run.1
    /// && man ./casus-run.1`.
    Man {
        /// The command whose page to print (`run`, `import cow-atop`, ...). Default: casus's own
        /// page, which lists the commands.
        command: Vec<String>,
    },
    /// Tell the story of one run: one line per event, then its outcome.
    Trace {
        /// The scenario file (`-` reads standard input).
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
        /// Also write trace.csv (each actor's level, at war and pressure at every step) and the
        /// chart trace.svg to this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite the files of a non-empty output directory.
        #[arg(long)]
        force: bool,
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
        /// Leave an element out of arm B: `treaty:ID`, `sanction:ID`, `transfer:ID` or `event:ID`;
        /// repeatable.
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
        /// The scenario file (`-` reads standard input).
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
        /// The level the chart and the report lead with, by name or number (the table shows
        /// force, war and the nuclear levels).
        #[arg(long, default_value = "war", value_parser = parse_level)]
        level: casus::model::Level,
        /// Follow this actor's level instead: P(ACTOR ≥ level). Default: the conflicts of the
        /// scenario's focus if it has one, else every conflict of the run.
        #[arg(long, value_name = "ID")]
        actor: Option<String>,
        /// Also write sweep.json, sweep.csv, sweep.txt and the chart sweep.svg to this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite the files of a non-empty output directory.
        #[arg(long)]
        force: bool,
    },
    /// Rank the model parameters by how far lowering and raising each moves P(≥ war).
    Sensitivity {
        /// The scenario file (`-` reads standard input).
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
        /// Follow this actor's level: P(ACTOR ≥ level). Default: the conflicts of the scenario's
        /// focus if it has one, else every conflict of the run.
        #[arg(long, value_name = "ID")]
        actor: Option<String>,
        /// Runs per variant, each paired with the same run of the base.
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        /// Seed of the run streams. Default: the scenario's `monte_carlo.seed`.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads; 0 for one per core.
        #[arg(long, default_value_t = 0, value_parser = parse_threads)]
        threads: usize,
        /// Start even if the experiment's estimated memory or summary is beyond casus's bounds.
        #[arg(long)]
        allow_large: bool,
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
    /// Score the model against history: worlds built from the records before each origin year,
    /// simulated over a horizon, against what happened (and against climatology).
    Backtest(BacktestArgs),
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
pub(crate) enum Design {
    /// Every combination of the values.
    Grid,
    /// A Latin hypercube of --points points over the ranges.
    Lhs,
}

/// The data an `import` reads.
#[derive(Subcommand)]
pub(crate) enum Import {
    /// Every state and its alliance obligations, from the COW and ATOP tables (docs/MODEL.md §8).
    CowAtop {
        /// The directory holding the tables (scenarios/data).
        #[arg(long)]
        data: PathBuf,
        /// The year: 2018 builds the world from the 2018 snapshot tables; 1946 to 2015 the world
        /// as it stood on 1 January of that year, from the records before it.
        #[arg(long, default_value_t = 2018)]
        year: u32,
        /// The scenario file to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Parses `--without KIND:ID` into the removal of that element ([`Override::without`]).
pub(crate) fn parse_without(text: &str) -> Result<Override, String> {
    Override::without(text)
}

/// Parses a sensitivity factor: a number above 1.
pub(crate) fn parse_factor(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if f > 1.0 && f.is_finite() => Ok(f),
        _ => Err(format!(
            "expected a factor above 1, such as 2, found `{text}`"
        )),
    }
}

/// Worker threads beyond this many per core only add contention: the runs are compute-bound.
const THREADS_PER_CORE: usize = 4;

/// Parses `--threads`: 0 (one per core) up to [`THREADS_PER_CORE`] per core of this machine.
pub(crate) fn parse_threads(text: &str) -> Result<usize, String> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let limit = THREADS_PER_CORE * cores;
    match text.trim().parse::<usize>() {
        Ok(n) if n <= limit => Ok(n),
        _ => Err(format!(
            "expected a number of worker threads from 0 (one per core) to {limit} ({THREADS_PER_CORE} \
             for each of this machine's {cores} cores), found `{text}`"
        )),
    }
}

/// Parses a level by name (`war`) or number (`5`).
pub(crate) fn parse_level(text: &str) -> Result<casus::model::Level, String> {
    casus::model::Level::parse_above_peace(text)
}

/// Parses a precision target: a half-width in (0, 0.5].
pub(crate) fn parse_precision(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(h) if h > 0.0 && h <= 0.5 => Ok(h),
        _ => Err(format!(
            "expected a half-width above 0 and at most 0.5, such as 0.005, found `{text}`"
        )),
    }
}

/// Parses `I/N` with I < N.
pub(crate) fn parse_shard(text: &str) -> Result<[u64; 2], String> {
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

/// How many runs, from which seed, on how many threads: shared by `run` and `compare`.
#[derive(clap::Args)]
pub(crate) struct Experiment {
    /// Number of runs (for `run`, across all shards). Default: the scenario's `monte_carlo.runs`.
    #[arg(long)]
    pub(crate) runs: Option<u64>,
    /// Seed of the run streams. Default: the scenario's `monte_carlo.seed`.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Worker threads; 0 for one per core.
    #[arg(long, default_value_t = 0, value_parser = parse_threads)]
    pub(crate) threads: usize,
    /// Start even if the experiment's estimated memory (over 16 GiB) or summary (over 512 MiB)
    /// is beyond casus's bounds.
    #[arg(long)]
    pub(crate) allow_large: bool,
}

/// The arguments of `casus run`.
#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The scenario file (`-` reads standard input).
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) experiment: Experiment,
    /// Write summary.json, runs.csv, runs_by_actor.csv, levels_by_step.csv and pathways.csv to this
    /// directory.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Run only shard I of N (0-based), e.g. `--shard 3/64`; combine shards with `casus merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub(crate) shard: Option<[u64; 2]>,
    /// Override a scenario value by path, e.g. `parameters.onset_rate=0.03`; repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) set: Vec<Override>,
    /// Headline the conflicts in which this actor takes part (repeatable): the scenario's
    /// `monte_carlo.focus.actors`, replaced.
    #[arg(long = "focus-actor", value_name = "ID")]
    pub(crate) focus_actors: Vec<String>,
    /// Headline the conflicts fought in this region or one within it (repeatable): the
    /// scenario's `monte_carlo.focus.regions`, replaced.
    #[arg(long = "focus-region", value_name = "ID")]
    pub(crate) focus_regions: Vec<String>,
    /// No progress bar and no summary on stdout.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Run until the 95 % interval of P(highest ≥ war) is at most this wide either side, checked
    /// every 1,000 runs; --runs is then the limit (default 10,000,000).
    #[arg(long, value_name = "HALF_WIDTH", value_parser = parse_precision)]
    pub(crate) precision: Option<f64>,
    /// Rows shown in the summary's actor and obligation tables, most frequent first.
    #[arg(long, default_value_t = casus::report::text::DEFAULT_ROWS)]
    pub(crate) rows: usize,
    /// Overwrite the files of a non-empty output directory.
    #[arg(long)]
    pub(crate) force: bool,
    /// Continue an interrupted run in its output directory, to its requested number of runs.
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub(crate) resume: Option<PathBuf>,
}

/// Pairs each `--param` of `casus sweep` with the `--values` or `--range` that follows it.
pub(crate) fn sweep_axes(m: &clap::ArgMatches) -> Result<Vec<Axis>, String> {
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
    for (i, (path, _)) in axes.iter().enumerate() {
        if axes[..i].iter().any(|(earlier, _)| earlier == path) {
            return Err(format!(
                "--param {path} is given twice; give each value to vary once, with all its levels"
            ));
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

impl Experiment {
    /// The runs, seed and threads given on the command line, over the experiment's defaults (the
    /// scenario's own runs and seed).
    /// Refused if the experiment is beyond casus's bounds on memory and summary size, unless
    /// `--allow-large`.
    pub(crate) fn apply<'w>(&self, mc: MonteCarlo<'w>) -> anyhow::Result<MonteCarlo<'w>> {
        let runs = self.runs.unwrap_or(mc.total_runs());
        let seed = self.seed.unwrap_or(mc.seed_value());
        let mc = mc.runs(runs).seed(seed).threads(self.threads);
        self.check(&mc)?;
        Ok(mc)
    }

    /// Refuses an experiment beyond casus's bounds ([`MonteCarlo::check_footprint`]), unless
    /// `--allow-large`.
    pub(crate) fn check(&self, mc: &MonteCarlo<'_>) -> anyhow::Result<()> {
        if !self.allow_large {
            mc.check_footprint()?;
        }
        Ok(())
    }
}

impl RunArgs {
    /// The combinations of arguments `casus run` refuses, before anything is read.
    pub(crate) fn check(&self) -> anyhow::Result<()> {
        if self.precision.is_some() && self.shard.is_some() {
            anyhow::bail!(
                "--precision reads every run to decide when to stop: it cannot be combined with --shard"
            );
        }
        let defined = !self.overrides().is_empty()
            || self.experiment.runs.is_some()
            || self.experiment.seed.is_some()
            || self.shard.is_some()
            || self.precision.is_some();
        if self.resume.is_some() && defined {
            anyhow::bail!(
                "--resume continues the interrupted run with its own runs, seed, shard, precision and \
                 overrides; leave out --runs, --seed, --shard, --precision, --set and --focus-*"
            );
        }
        Ok(())
    }

    /// The overrides: `--set`'s, then the focus flags' as overrides of `monte_carlo.focus`, so that
    /// the provenance records them like any other.
    pub(crate) fn overrides(&self) -> Vec<Override> {
        let mut all = self.set.clone();
        for (key, ids) in [
            ("actors", &self.focus_actors),
            ("regions", &self.focus_regions),
        ] {
            if !ids.is_empty() {
                all.push(Override {
                    path: format!("monte_carlo.focus.{key}"),
                    value: Some(serde_json::json!(ids)),
                });
            }
        }
        all
    }
}

/// The arguments of `casus backtest`.
#[derive(clap::Args)]
pub(crate) struct BacktestArgs {
    /// The directory holding the year-by-year tables (scenarios/data).
    #[arg(long)]
    pub(crate) data: PathBuf,
    /// The first origin year (1946 or later).
    #[arg(long, default_value_t = 1950)]
    pub(crate) from: u32,
    /// The last origin year.
    #[arg(long, default_value_t = 2004)]
    pub(crate) to: u32,
    /// Years between origins.
    #[arg(long, default_value_t = 2)]
    pub(crate) every: u32,
    /// Years simulated from each origin and scored against the record (which ends with 2014).
    #[arg(long, default_value_t = 10)]
    pub(crate) horizon_years: u32,
    /// Override a value of every origin's world, e.g. `parameters.deterrence=0.5`; repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) set: Vec<Override>,
    /// Runs per origin.
    #[arg(long, default_value_t = 200)]
    pub(crate) runs: u64,
    /// Seed of the run streams.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Worker threads; 0 for one per core.
    #[arg(long, default_value_t = 0, value_parser = parse_threads)]
    pub(crate) threads: usize,
    /// Also write backtest.json and backtest.csv (every forecast) to this directory.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Overwrite the files of a non-empty output directory.
    #[arg(long)]
    pub(crate) force: bool,
}
