//! What an experiment will hold in memory and write, estimated from the world's size before the
//! first run, so that an experiment far beyond the machine (or beyond what casus can read back) is
//! refused at once rather than failing hours later.
//!
//! Both figures are upper bounds. The counts of an experiment grow with actors × steps (each
//! actor's first war by step), actors² (stance sums), and obligations × steps (each obligation's
//! first firing by step, allocated when it first fires: bounded here as if every obligation fires).
//! The workers hold one partial count per chunk in flight until it is merged in run order (4
//! chunks per worker thread, fewer where their counts could pass [`IN_FLIGHT_BYTES`]), and the
//! summary holds one more. `summary.json` writes each by-step
//! entry in about [`BYTES_PER_ENTRY`] bytes and each obligation's fixed counts and results in about
//! [`BYTES_PER_OBLIGATION`].
//!
//! Measured on the 2018 world (195 actors, 14,954 obligations; `casus run
//! scenarios/world_2018.json --runs 20 --set steps=120`, then `steps=240`): `summary.json` grew
//! from 16.9 MB to 26.3 MB, 15 bytes for each by-step entry added (195 actors, 16 level entries and
//! about 5,000 obligations that had fired, per step), and the rest came to about 520 bytes per
//! obligation. Peak memory (GNU time, 2 threads, `--runs 200`) was 50 MiB at 120 steps and 117 MiB
//! at 480 steps, with 8 chunks in flight at each (when a whole batch's partials were held until
//! it was merged, 32 chunks at 120 steps and 8 at 480: 183 MiB and 244 MiB), against bounds of
//! 0.5 GiB each.

use crate::engine::World;

/// The largest `summary.json` casus writes, and reads back in `merge`, `--resume` and `report`.
pub const MAX_SUMMARY_BYTES: u64 = 512 * 1024 * 1024;
/// The largest bound on peak memory with which casus starts an experiment without being told to.
pub const MAX_MEMORY_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// Bytes per by-step entry of a pretty-printed summary (15 measured; rounded up).
pub const BYTES_PER_ENTRY: u64 = 16;
/// Bytes per obligation of a summary, besides its by-step entries (520 measured; rounded up).
pub const BYTES_PER_OBLIGATION: u64 = 600;
/// Bytes per actor of a summary, besides its by-step entries and stance sums.
const BYTES_PER_ACTOR: u64 = 2048;
/// Partial counts in flight per worker thread, where they fit [`IN_FLIGHT_BYTES`].
const CHUNKS_PER_THREAD: u64 = 4;
/// The most the partial counts in flight may take, at their upper bound, before fewer chunks are
/// run at once.
pub const IN_FLIGHT_BYTES: u64 = 512 * 1024 * 1024;

/// An experiment's estimated peak memory and summary size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Peak memory of the counts, in bytes, if every obligation fires in every chunk of runs.
    pub memory: u64,
    /// Size of `summary.json`, in bytes, if every obligation fires in some run.
    pub summary: u64,
}

/// Why an experiment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooLarge {
    /// The counts would not fit in the memory bound.
    #[error(
        "this experiment would hold about {} of counts at once ({actors} actors × {steps} steps, \
         {obligations} obligations, {threads} threads), more than the {} casus starts without \
         --allow-large; use fewer steps or threads, or split the world"
    , gib(*memory), gib(MAX_MEMORY_BYTES))]
    Memory {
        /// The estimate.
        memory: u64,
        /// The world's actors.
        actors: usize,
        /// Its steps.
        steps: u32,
        /// Its obligations.
        obligations: usize,
        /// Worker threads.
        threads: usize,
    },
    /// The summary could not be read back.
    #[error(
        "this experiment's summary.json could reach about {} ({actors} actors × {steps} steps, \
         {obligations} obligations × {steps} steps), more than the {} casus reads back in merge, \
         --resume and report; use fewer steps, or split the world (--allow-large writes it \
         anyway, for other tools to read)"
    , gib(*summary), gib(MAX_SUMMARY_BYTES))]
    Summary {
        /// The estimate.
        summary: u64,
        /// The world's actors.
        actors: usize,
        /// Its steps.
        steps: u32,
        /// Its obligations.
        obligations: usize,
    },
}

fn gib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib < 1024.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{:.1} GiB", mib / 1024.0)
    }
}

impl Footprint {
    /// The estimate for `world` on `threads` worker threads (0: one per core).
    pub fn of(world: &World, threads: usize) -> Footprint {
        let (n, steps) = (world.n() as u64, u64::from(world.steps));
        let obligations = world.obligations.len() as u64;
        let levels = 8;
        let partial = partial_words(world);
        let in_flight = chunks_in_flight(world, resolve(threads)) + 1;
        let memory = in_flight.saturating_mul(partial).saturating_mul(8);
        let entries = steps
            .saturating_mul(n + 2 * levels)
            .saturating_add(obligations.saturating_mul(steps))
            .saturating_add(n.saturating_mul(n))
            .saturating_add(alignment_words(world));
        let summary = entries
            .saturating_mul(BYTES_PER_ENTRY)
            .saturating_add(obligations.saturating_mul(BYTES_PER_OBLIGATION))
            .saturating_add(n.saturating_mul(BYTES_PER_ACTOR));
        Footprint { memory, summary }
    }

    /// Refuses an estimate beyond [`MAX_MEMORY_BYTES`] or [`MAX_SUMMARY_BYTES`].
    pub fn check(&self, world: &World, threads: usize) -> Result<(), TooLarge> {
        let (actors, steps, obligations) = (world.n(), world.steps, world.obligations.len());
        if self.memory > MAX_MEMORY_BYTES {
            return Err(TooLarge::Memory {
                memory: self.memory,
                actors,
                steps,
                obligations,
                threads: resolve(threads),
            });
        }
        if self.summary > MAX_SUMMARY_BYTES {
            return Err(TooLarge::Summary {
                summary: self.summary,
                actors,
                steps,
                obligations,
            });
        }
        Ok(())
    }
}

/// The 8-byte words of one partial count, at most: what every count allocates up front, and
/// each obligation's first firings by step as if every one fires.
fn partial_words(world: &World) -> u64 {
    let (n, steps) = (world.n() as u64, u64::from(world.steps));
    let obligations = world.obligations.len() as u64;
    let levels = 8;
    (2 * levels * steps)
        .saturating_add(n.saturating_mul(steps))
        // Stance sums are 128-bit: two words each.
        .saturating_add(n.saturating_mul(n).saturating_mul(2))
        .saturating_add(n.saturating_mul(levels + 4))
        .saturating_add(obligations.saturating_mul(8 + steps))
        .saturating_add(world.sanctions.len() as u64 * 4)
        .saturating_add(world.transfers.len() as u64 * 4 + n * 4)
        .saturating_add(alignment_words(world))
}

/// The 8-byte words of the alignment counts (docs/MODEL.md §3.10): a histogram and a 128-bit sum
/// per named pair (and the polarisation index) per step, and at each checkpoint a count per bloc
/// and two per actor and bloc.
fn alignment_words(world: &World) -> u64 {
    let Some(info) = &world.alignment else {
        return 0;
    };
    let (n, steps) = (world.n() as u64, u64::from(world.steps));
    let series = info.pairs.len() as u64 + 1;
    let blocs = info.blocs.len() as u64;
    series
        .saturating_mul(steps)
        .saturating_mul(super::alignment::BINS as u64 + 2)
        .saturating_add((info.checkpoints.len() as u64).saturating_mul(1 + blocs + 2 * n * blocs))
}

/// The chunks of runs whose partial counts may exist at once, being computed or waiting to be
/// merged: 4 per worker thread, so that a worker can run ahead of a slow chunk, unless their
/// counts could exceed [`IN_FLIGHT_BYTES`]; never fewer than one per thread. The merged counts
/// are the same whatever the window (they are added in run order), so this bounds memory without
/// changing any result.
pub fn chunks_in_flight(world: &World, threads: usize) -> u64 {
    let threads = threads.max(1) as u64;
    let fit = IN_FLIGHT_BYTES / partial_words(world).saturating_mul(8).max(1);
    fit.clamp(threads, threads.saturating_mul(CHUNKS_PER_THREAD))
}

/// Worker threads as the loop will have them: 0 is one per core.
pub(super) fn resolve(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(file: &str, set: &[&str]) -> World {
        let set: Vec<crate::Override> = set.iter().map(|s| s.parse().unwrap()).collect();
        crate::compile(file, &set).unwrap().world
    }

    /// Small worlds keep 4 chunks per thread in flight; a world whose partial counts are large
    /// keeps fewer, never fewer than one per thread.
    #[test]
    fn chunks_in_flight_shrink_only_where_their_counts_are_large() {
        let small = world("scenarios/northeast_asia_2024.json", &[]);
        assert_eq!(chunks_in_flight(&small, 2), 8);
        let year = world("scenarios/world_2018.json", &["steps=480"]);
        assert_eq!(chunks_in_flight(&year, 2), 8);
        let long = world("scenarios/world_2018.json", &["steps=960"]);
        assert_eq!(chunks_in_flight(&long, 2), 4);
        let longest = world("scenarios/world_2018.json", &["steps=12000"]);
        assert_eq!(chunks_in_flight(&longest, 2), 2);
        let bound = |w: &World| IN_FLIGHT_BYTES + 8 * partial_words(w);
        assert!(Footprint::of(&long, 2).memory <= bound(&long));
        assert!(Footprint::of(&longest, 2).memory > bound(&longest));
    }
}
