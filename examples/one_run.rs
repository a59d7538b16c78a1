//! Run one simulation of a scenario and print its outcome.
//!
//! `cargo run --example one_run -- scenarios/northeast_asia_2024.json 7`  (scenario, run index)

use std::process::ExitCode;

use casus::engine::{Simulation, World};
use casus::report::trace::outcome_block;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "scenarios/northeast_asia_2024.json".to_owned());
    let run: u64 = args.next().and_then(|r| r.parse().ok()).unwrap_or(0);
    let scenario = match casus::scenario::load(&path) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    // Validated by `load`, so compiling cannot fail.
    let world = World::new(&scenario).expect("a loaded scenario is valid");
    let mut sim = Simulation::new(&world, scenario.monte_carlo.seed, run);
    // Step by hand for a year, looking at the state as it goes...
    for _ in 0..12 {
        sim.step(&mut ());
    }
    let active = sim.conflicts().iter().filter(|c| c.is_active()).count();
    // The first actor listed, by its index; `World::actor` finds one by id.
    let first = world.actor_ixs().next().expect("a scenario has actors");
    println!(
        "after 12 steps: {active} active conflicts, sanction pressure on {} {:.2}",
        world.actors[first].id,
        sim.pressure(first)
    );
    // ...then run to the end.
    let outcome = sim.run_to_end(&mut ());
    print!("{}", outcome_block(&world, &outcome));
    ExitCode::SUCCESS
}
