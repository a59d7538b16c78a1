//! # casus
//!
//! Seeded Monte Carlo simulation of alliance dynamics: disputes that escalate on a ladder from peace
//! to nuclear war, treaty obligations whose trigger conditions pull allies in (or do not), support
//! postures short of war, and sanction pressure that reshapes who stands with whom.
//!
//! A scenario is a JSON file ([`scenario::Scenario`]); [`scenario::load`] reads it and reports every
//! problem with its JSON path, line and column:
//!
//! ```
//! let scenario = casus::scenario::load("scenarios/two_actor_dispute.json").unwrap();
//! assert_eq!(scenario.actors.len(), 2);
//! ```
//!
//! The model is described in `docs/MODEL.md`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod engine;
pub mod generate;
pub mod import;
pub mod model;
pub mod monte_carlo;
pub mod report;
pub mod scenario;

/// This crate's version, written into every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
