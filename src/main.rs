//! The `casus` command: argument parsing and calls into the library, nothing more.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casus::engine::{Simulation, World};
use casus::report::trace::{TraceFormat, TraceWriter};
use casus::scenario::Override;
use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { files } => Ok(validate(&files)),
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&casus::scenario::json_schema())
                .context("rendering the schema")?;
            println!("{schema}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Trace {
            file,
            seed,
            run,
            json,
            set,
        } => trace(&file, seed, run, json, &set),
    }
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
fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_valid = true;
    for file in files {
        match casus::scenario::load(file) {
            Ok(scenario) => println!("ok {}: {}", file.display(), summary(&scenario)),
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
