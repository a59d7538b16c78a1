//! Seeded, parallel, shardable Monte Carlo runs with a streaming, exactly mergeable summary.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::summary::{Counts, Labels, Provenance, Summary};
use crate::engine::{Outcome, Rules, Simulation, World};

/// Runs per unit of parallel work. Each chunk builds its own counts, merged exactly afterwards.
const CHUNK: u64 = 16;

/// With a precision target, the stopping rule is checked after every this many runs, whatever the
/// number of threads, so that where it stops depends only on the seed.
pub const PRECISION_BATCH: u64 = 1_000;

/// One run's row of the per-run table.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// The run index.
    pub run: u64,
    /// Its highest level (0–7).
    pub highest: u8,
    /// The first step at war, if any.
    pub first_war: Option<u32>,
    /// Actors that took part at force or above, space-separated.
    pub belligerents: String,
    /// The pathway.
    pub pathway: String,
}

impl RunRow {
    /// The row of run `run`.
    pub fn of(world: &World, run: u64, o: &Outcome) -> Self {
        let belligerents: Vec<&str> = (0..world.n())
            .filter(|&a| o.belligerent(a))
            .map(|a| world.actors[a].id.as_str())
            .collect();
        RunRow {
            run,
            highest: o.highest.number(),
            first_war: o.first_war(),
            belligerents: belligerents.join(" "),
            pathway: o.pathway.clone(),
        }
    }
}

/// What watches a Monte Carlo run as it goes: progress, and the per-run rows in run order.
pub trait Sink {
    /// Whether per-run rows are wanted (building them costs a little).
    fn wants_rows(&self) -> bool {
        false
    }
    /// Rows of completed runs, in run order.
    fn rows(&mut self, _rows: &[RunRow]) -> std::io::Result<()> {
        Ok(())
    }
    /// `done` of `total` runs are complete.
    fn progress(&mut self, _done: u64, _total: u64) {}
}

/// A sink that wants nothing.
impl Sink for () {}

/// Which runs a shard is responsible for: shard `index` of `count` takes runs
/// ⌊index·R/count⌋ up to ⌊(index+1)·R/count⌋ of R. This arithmetic is the whole contract between
/// shards: any split of R runs into shards covers each run exactly once.
pub fn shard_range(runs: u64, index: u64, count: u64) -> [u64; 2] {
    let at = |i: u64| (u128::from(runs) * u128::from(i) / u128::from(count.max(1))) as u64;
    [at(index), at(index + 1)]
}

/// A Monte Carlo experiment over a world.
pub struct MonteCarlo<'w> {
    world: &'w World,
    runs: u64,
    seed: u64,
    threads: usize,
    shard: Option<[u64; 2]>,
    rules: Rules,
    scenario_sha256: String,
    overrides: Vec<String>,
    previous: Option<Counts>,
    precision: Option<f64>,
}

impl<'w> MonteCarlo<'w> {
    /// An experiment of 10,000 runs with seed 1, on all available cores.
    pub fn new(world: &'w World) -> Self {
        MonteCarlo {
            world,
            runs: 10_000,
            seed: 1,
            threads: 0,
            shard: None,
            rules: Rules::default(),
            scenario_sha256: String::new(),
            overrides: Vec::new(),
            previous: None,
            precision: None,
        }
    }

    /// Stops at the first multiple of [`PRECISION_BATCH`] runs at which the Wilson 95 % interval of
    /// P(highest level ≥ war) is at most `half_width` either side; the number of runs is then the
    /// most to make. Not with shards: the rule reads every run.
    pub fn precision(mut self, half_width: f64) -> Self {
        self.precision = Some(half_width);
        self
    }

    /// Continues an interrupted experiment: the runs `previous` counted (the first ones of the
    /// range) are kept, and the rest are run. The result is the same as an uninterrupted run's.
    pub fn continue_from(mut self, previous: &Summary) -> Self {
        self.previous = Some(previous.counts.clone());
        self
    }

    /// The total number of runs (across all shards).
    pub fn runs(mut self, runs: u64) -> Self {
        self.runs = runs;
        self
    }

    /// The seed; run r draws from ChaCha8 stream r of it.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Worker threads; 0 for one per core.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Run only shard `index` of `count` (see [`shard_range`]).
    pub fn shard(mut self, index: u64, count: u64) -> Self {
        self.shard = Some([index, count]);
        self
    }

    /// The rules (default: the documented ones).
    pub fn rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// The scenario file's SHA-256 and the overrides applied, for the provenance.
    pub fn source(mut self, scenario_sha256: impl Into<String>, overrides: Vec<String>) -> Self {
        self.scenario_sha256 = scenario_sha256.into();
        self.overrides = overrides;
        self
    }

    /// The runs this experiment is responsible for.
    pub fn run_range(&self) -> [u64; 2] {
        match self.shard {
            Some([index, count]) => shard_range(self.runs, index, count),
            None => [0, self.runs],
        }
    }

    /// Runs every run of the range, or until `stop` is set (checked between batches), and returns
    /// the summary (marked incomplete if stopped early).
    pub fn run(&self, sink: &mut dyn Sink, stop: Option<&AtomicBool>) -> std::io::Result<Summary> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .map_err(std::io::Error::other)?;
        let world = self.world;
        let [first, end] = self.run_range();
        let total = end - first;
        let rows_wanted = sink.wants_rows();
        let (mut counts, mut next) = match &self.previous {
            Some(previous) => (previous.clone(), (first + previous.runs).min(end)),
            None => (Counts::new(world), first),
        };
        let chunks_per_batch = (pool.current_num_threads() as u64 * 16).max(1);
        if self.precision.is_some() && self.shard.is_some() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a precision target reads every run: it cannot be combined with shards",
            ));
        }
        let mut stopped = false;
        let mut end = end;
        sink.progress(next - first, total);
        while next < end {
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                stopped = true;
                break;
            }
            let mut batch_end = (next + chunks_per_batch * CHUNK).min(end);
            if self.precision.is_some() {
                // Never past the next check.
                let check = first + ((next - first) / PRECISION_BATCH + 1) * PRECISION_BATCH;
                batch_end = batch_end.min(check);
            }
            let chunks: Vec<[u64; 2]> = (next..batch_end)
                .step_by(CHUNK as usize)
                .map(|a| [a, (a + CHUNK).min(batch_end)])
                .collect();
            let results: Vec<(Counts, Vec<RunRow>)> = pool.install(|| {
                chunks
                    .par_iter()
                    .map(|&[a, b]| {
                        let mut partial = Counts::new(world);
                        let mut rows = Vec::new();
                        for run in a..b {
                            let sim =
                                Simulation::with_rules(world, self.seed, run, self.rules.clone());
                            let outcome = sim.run_to_end(&mut ());
                            partial.add(world, &outcome);
                            if rows_wanted {
                                rows.push(RunRow::of(world, run, &outcome));
                            }
                        }
                        (partial, rows)
                    })
                    .collect()
            });
            for (partial, rows) in &results {
                counts.merge(partial);
                if rows_wanted {
                    sink.rows(rows)?;
                }
            }
            next = batch_end;
            sink.progress(next - first, total);
            let at_check = (next - first) % PRECISION_BATCH == 0;
            if self
                .precision
                .is_some_and(|target| at_check && counts.war_half_width() <= target)
            {
                end = next;
            }
        }
        let provenance = Provenance {
            casus_version: crate::VERSION.to_owned(),
            scenario: world.name.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            seed: self.seed,
            runs_requested: self.runs,
            shard: self.shard,
            run_range: [first, end],
            precision: self.precision,
            overrides: self.overrides.clone(),
            parameters: world.params.clone(),
            complete: !stopped,
        };
        Ok(Summary::new(provenance, Labels::of(world), counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_run_once() {
        for runs in [0u64, 1, 7, 100, 1_000_003] {
            for count in [1u64, 2, 3, 7, 64] {
                let mut expected = 0;
                for index in 0..count {
                    let [a, b] = shard_range(runs, index, count);
                    assert_eq!(a, expected);
                    assert!(b >= a);
                    expected = b;
                }
                assert_eq!(expected, runs);
            }
        }
        assert_eq!(shard_range(u64::MAX, 1, 2)[1], u64::MAX);
    }
}
