//! Building scenarios from public data: the whole state system from the Correlates of War (COW)
//! and ATOP tables.
//!
//! [`Tables::read`] reads and checks the four tables; [`cow_atop`] turns them into a scenario by
//! the rules of docs/MODEL.md §8, which the scenario's own `source` notes repeat:
//!
//! ```
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data");
//! let tables = casus::import::Tables::read(dir.as_ref(), 2018).unwrap();
//! let world = casus::import::cow_atop(&tables);
//! assert_eq!(world.actors.len(), 195);
//! let nato = world.treaties.iter().find(|t| t.members.len() == 29).unwrap();
//! assert!(nato.members.iter().any(|m| m == "USA") && nato.members.iter().any(|m| m == "TUR"));
//! ```

mod cliques;
mod tables;
mod world;

use std::path::PathBuf;

pub use cliques::partition;
pub use tables::{Contiguity, Disputes, KINDS, State, Tables, Ties, file_names};
pub(crate) use world::{
    CONTINENTS, HIGH_SEAS, OBLIGATIONS, obligation, stances, treaty, world_regions,
};
pub use world::{NUCLEAR_2018, cow_atop};

/// Why the tables could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A table is missing or unreadable.
    #[error("{}: {why}", file.display())]
    Missing {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A row does not hold what the table should.
    #[error("{}:{line}: {why}", file.display())]
    Value {
        /// The file.
        file: PathBuf,
        /// The line, counting the header as line 1.
        line: usize,
        /// What is wrong and what was expected.
        why: String,
    },
}
