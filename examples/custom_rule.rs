//! Replace the honouring rule with one of your own and see what it changes.
//!
//! This rule makes every holder honour exactly at its treaty's reliability, ignoring stances and the
//! balance of power: the "legalist" baseline against which casus's default rule can be compared.
//! The rules reach every analysis: here a Monte Carlo run, and the US–ROK treaty's share of runs in
//! which the United States joins South Korea's fights under each rule.
//!
//! `cargo run --release --example custom_rule -- scenarios/northeast_asia_2024.json`

use std::sync::Arc;

use casus::engine::{HonourContext, HonouringRule, Rules};

/// Honour at the prior reliability, whatever the circumstances.
pub struct Legalist;

impl HonouringRule for Legalist {
    fn probability(&self, ctx: &HonourContext<'_>) -> f64 {
        ctx.reliability
    }

    fn name(&self) -> String {
        "legalist (the treaty's reliability)".to_owned()
    }
}

/// The default rules with the legalist honouring rule.
pub fn legalist() -> Rules {
    Rules {
        honouring: Arc::new(Legalist),
        ..Rules::default()
    }
}

#[allow(dead_code)] // a test includes this file for its rule, not for `main`
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/northeast_asia_2024.json".to_owned());
    let model = casus::compile(&path, &[])?;
    for (name, rules) in [
        ("default (logit)", Rules::default()),
        ("legalist", legalist()),
    ] {
        let summary = model
            .monte_carlo()
            .runs(2_000)
            .rules(rules)
            .run(&mut (), None)?;
        println!("{name}:");
        for o in summary
            .results
            .obligations
            .iter()
            .filter(|o| o.triggered.count > 0)
        {
            println!(
                "  {:<28} {:>7} > {:<7} honoured in {:5.1} % of the runs it fired",
                o.clause,
                o.holder,
                o.partner,
                100.0 * o.honoured_given_triggered.p
            );
        }
    }
    Ok(())
}
