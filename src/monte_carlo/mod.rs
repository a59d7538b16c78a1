//! Monte Carlo: many seeded runs, in parallel or in shards, summarised exactly.
//!
//! ```
//! use casus::engine::World;
//! use casus::monte_carlo::MonteCarlo;
//!
//! let scenario = casus::scenario::load("scenarios/two_actor_dispute.json").unwrap();
//! let world = World::new(&scenario).unwrap();
//! let summary = MonteCarlo::new(&world).runs(1_000).seed(7).threads(2).run(&mut (), None).unwrap();
//! let war = summary.results.at_least(casus::Level::War); // P(highest level ≥ war), entry 5
//! assert_eq!(war.level, 5);
//! assert!(war.probability.p < 0.05 && war.probability.lo <= war.probability.p);
//! ```

pub mod alignment;
mod compare;
pub mod footprint;
mod merge;
pub mod pathways;
mod runner;
pub mod sensitivity;
mod summary;
pub mod sweep;
mod wilson;

pub use compare::{Comparison, Difference, Paired};
pub use footprint::Footprint;
pub use merge::{MergeError, merge};
pub use runner::{ActorRow, MonteCarlo, PRECISION_BATCH, ResumeError, RunRow, Sink, shard_range};
pub use sensitivity::Sensitivity;
pub use summary::{
    ActorCounts, ActorResult, Counts, Labels, LevelResult, ObligationCounts, ObligationLabel,
    ObligationResult, PathwayResult, Provenance, RegimeCounts, RegimeLabel, RegimeResult, Results,
    Summary,
};
pub use wilson::{Proportion, Z95, wilson};

/// SHA-256 of some bytes, as lowercase hex: the scenario hash in every summary's provenance.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hex (a digest as results record it).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
