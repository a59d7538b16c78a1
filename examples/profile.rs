//! Runs a scenario's Monte Carlo on one thread, for profilers: the instruction counts of
//! docs/BENCHMARKS.md come from
//!
//! ```text
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile scenarios/northeast_asia_2024.json 200
//! valgrind --tool=callgrind target/release/examples/profile scenarios/northeast_asia_2024.json 0
//! ```
//!
//! the second giving the cost of loading the scenario, to subtract.

use std::process::ExitCode;
use std::time::Instant;

use casus::engine::World;
use casus::monte_carlo::MonteCarlo;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(Ok(runs))) = (args.first(), args.get(1).map(|r| r.parse::<u64>())) else {
        eprintln!("usage: profile SCENARIO RUNS");
        return ExitCode::from(2);
    };
    let world = match casus::scenario::load(file).map(|s| World::new(&s)) {
        Ok(Ok(world)) => world,
        Ok(Err(diagnostics)) => {
            eprintln!("{file}: {} problems", diagnostics.len());
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let summary = MonteCarlo::new(&world)
        .runs(runs)
        .threads(1)
        .run(&mut (), None)
        .expect("no output to fail");
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{} runs in {seconds:.2} s ({} on one thread)",
        casus::report::text::thousands(summary.counts.runs),
        casus::report::text::runs_per_second(summary.counts.runs as f64 / seconds)
    );
    ExitCode::SUCCESS
}
