//! Load a scenario and list the directed obligations its treaties create, with the reliability
//! each holder would start from.
//!
//! `cargo run --example inspect -- scenarios/northeast_asia_2024.json`

use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/northeast_asia_2024.json".to_owned());
    let scenario = match casus::scenario::load(&path) {
        Ok(scenario) => scenario,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} ({} steps of a {})",
        scenario.name,
        scenario.steps,
        scenario.step.name()
    );
    let p = &scenario.parameters;
    for treaty in &scenario.treaties {
        for (holder, partner, obligation) in treaty.directed() {
            let reliability = p.reliability_of(obligation);
            println!(
                "{:<14} {:<12} {holder:>7} -> {partner:<7} {:?}, reliability {reliability:.2}",
                treaty.id, obligation.id, obligation.kind
            );
        }
    }
    ExitCode::SUCCESS
}
