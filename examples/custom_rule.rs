//! Replace the honouring rule with one of your own and compare how often obligations are honoured.
//!
//! This rule makes every holder honour exactly at its treaty's reliability, ignoring stances and the
//! balance of power: the "legalist" baseline against which casus's default rule can be compared.
//!
//! `cargo run --release --example custom_rule -- scenarios/northeast_asia_2024.json`

use std::sync::Arc;

use casus::engine::{HonourContext, HonouringRule, Rules, Simulation, World};

/// Honour at the prior reliability, whatever the circumstances.
struct Legalist;

impl HonouringRule for Legalist {
    fn probability(&self, ctx: &HonourContext<'_>) -> f64 {
        ctx.reliability
    }
}

/// Share of the decisions (holders not already fighting) that were honoured over `runs` runs.
fn honoured_share(world: &World, rules: &Rules, runs: u64) -> (usize, f64) {
    let (mut decided, mut honoured) = (0, 0);
    for run in 0..runs {
        let outcome = Simulation::with_rules(world, 1, run, rules.clone()).run_to_end(&mut ());
        for t in outcome.triggers.iter().filter(|t| !t.engaged) {
            decided += 1;
            honoured += usize::from(t.honoured);
        }
    }
    (decided, honoured as f64 / decided.max(1) as f64)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/northeast_asia_2024.json".to_owned());
    let scenario = casus::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let world = World::new(&scenario).expect("a loaded scenario is valid");
    let default_rules = Rules::default();
    let legalist = Rules {
        honouring: Arc::new(Legalist),
        ..Rules::default()
    };
    for (name, rules) in [("default (logit)", &default_rules), ("legalist", &legalist)] {
        let (decided, share) = honoured_share(&world, rules, 500);
        println!(
            "{name:<16} {decided:>6} decisions, {:.1} % honoured",
            100.0 * share
        );
    }
}
