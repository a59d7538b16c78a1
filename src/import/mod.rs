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
mod history;
mod tables;
mod world;

use std::path::PathBuf;

pub use cliques::partition;
pub use history::{
    FIRST_YEAR, HISTORY_FILES, History, Honouring, LAST_YEAR, RATE_HALF_LIFE_YEARS, Record, Tally,
    nuclear_at,
};
pub use tables::{Contiguity, Disputes, ForceMix, KINDS, Origin, State, Tables, Ties, file_names};
pub(crate) use world::{
    CONTINENTS, HIGH_SEAS, OBLIGATIONS, obligation, stances, treaty, world_regions,
};
pub use world::{NUCLEAR_2018, RECORD_COALITION_ENTRY, cow_atop};

/// The tables of the world of `year` from the data directory `dir`: the snapshot tables where `dir`
/// has an ATOP table of that year (`atop_2018_directed_dyads.csv` for 2018), else the world as it
/// stood on 1 January of `year`, from the year-by-year tables ([`History`]).
///
/// ```
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data");
/// let tables = casus::import::tables_for(dir.as_ref(), 1990).unwrap();
/// let world = casus::import::cow_atop(&tables);
/// // Both German states, and the Soviet Union, on 1 January 1990.
/// for id in ["GFR", "GDR", "RUS"] {
///     assert!(world.actors.iter().any(|a| a.id == id), "{id}");
/// }
/// ```
pub fn tables_for(dir: &std::path::Path, year: u32) -> Result<Tables, ImportError> {
    let snapshot = dir.join(file_names(year)[1].as_str()).exists();
    // Without the year-by-year tables, the snapshot's reader says which years the directory holds.
    if snapshot || !dir.join(HISTORY_FILES[0]).exists() {
        let mut tables = Tables::read(dir, year)?;
        // A present-day world takes its pairs' rates and shares from the year-by-year dispute table
        // where the directory has it, weighted toward recent years as any year's world is
        // (docs/MODEL.md §8): the same pairs, disputes and years as the snapshot's table; and the
        // record of honouring to 2014.
        if snapshot && HISTORY_FILES.iter().all(|f| dir.join(f).exists()) {
            let present: std::collections::BTreeSet<u32> =
                tables.states.iter().map(|s| s.ccode).collect();
            let history = History::read(dir)?.tables(LAST_YEAR)?;
            tables.honouring = history.honouring;
            tables.coalition = history.coalition;
            tables.disputes = history
                .disputes
                .into_iter()
                .filter(|d| present.contains(&d.lo) && present.contains(&d.hi))
                .collect();
        }
        Ok(tables)
    } else {
        History::read(dir)?.tables(year)
    }
}

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
    /// No world can be built for the year asked.
    #[error("year {year}: {why}")]
    Year {
        /// The year asked for.
        year: u32,
        /// Why not, and which years can be.
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
