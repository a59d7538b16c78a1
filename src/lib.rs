//! # casus
//!
//! Seeded Monte Carlo simulation of alliance dynamics: disputes that escalate on a ladder from peace
//! to nuclear war, treaty obligations whose trigger conditions pull allies in (or do not), support
//! postures short of war, and sanction pressure that reshapes who stands with whom.
//!
//! ## Quick start
//!
//! Compile a scenario file with an override, run 500 seeded runs and read how likely the United
//! States is to end up at war:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let set = ["treaties.rus_prk_2024.obligations.art4_rus.reliability=0.9".parse()?];
//! let model = casus::compile("scenarios/northeast_asia_2024.json", &set)?;
//! let summary = model.monte_carlo().runs(500).seed(7).run(&mut (), None)?;
//!
//! let usa = summary.actor("USA").expect("the scenario has the United States");
//! println!("P(USA at war) = {:.3}, 95 % interval [{:.3}, {:.3}]", usa.at_war.p, usa.at_war.lo, usa.at_war.hi);
//! assert!(usa.at_war.lo <= usa.at_war.p && usa.at_war.p <= usa.at_war.hi);
//! assert_eq!(summary.counts.runs, 500);
//! # Ok(()) }
//! ```
//!
//! [`compile`] reads the file once and reports every problem with its JSON path, line and column
//! ([`ScenarioError`]); [`MonteCarlo`] is the experiment (runs, seed, threads, shards, rules, a
//! precision target) whose plans are [`run`](MonteCarlo::run), [`compare`](MonteCarlo::compare),
//! [`sensitivity`](MonteCarlo::sensitivity), [`continue_from`](MonteCarlo::continue_from) and
//! [`monte_carlo::sweep::sweep`]; [`Rules`] replaces the escalation or honouring rule in every one
//! of them; [`Simulation`] steps one run by hand. The model is described in `docs/MODEL.md`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod backtest;
mod bounded;
mod compile;
pub mod engine;
pub mod generate;
pub mod import;
mod index;
pub mod model;
pub mod monte_carlo;
pub mod report;
pub mod scenario;

pub use compile::{Compiled, ResumeFailure, compile, compile_text};
pub use engine::{Outcome, Rules, Simulation, World};
pub use model::Level;
pub use monte_carlo::{MonteCarlo, Proportion, Sink, Summary};
pub use scenario::{Override, Scenario, ScenarioError};

/// This crate's version, written into every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
