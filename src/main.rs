//! The `casus` command: argument parsing and calls into the library, nothing more.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
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
    }
}

/// `casus validate`: one `ok` line per valid file on stdout, every error on stderr.
fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_valid = true;
    for file in files {
        match casus::scenario::load(file) {
            Ok(scenario) => println!("ok {}: {}", file.display(), summary(&scenario)),
            Err(err) => {
                all_valid = false;
                for line in err.to_string().lines() {
                    eprintln!("error: {line}");
                }
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
