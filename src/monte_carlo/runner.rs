//! Seeded, parallel, shardable Monte Carlo runs with a streaming, exactly mergeable summary.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use super::compare::{Comparison, Names, Paired, Tally};
use super::summary::{Counts, Labels, Provenance, Summary};
use crate::engine::{Outcome, Rules, Simulation, World};
use crate::model::Pathway;

/// Runs per unit of parallel work. Each chunk builds its own counts, merged exactly afterwards in
/// run order.
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
    /// Its date, if the scenario has a start (`2025-03`); otherwise empty.
    pub first_war_date: String,
    /// Actors that took part at force or above, space-separated.
    pub belligerents: String,
    /// The pathway.
    pub pathway: Pathway,
    /// The actors that took part in a conflict, in the world's order: the per-actor table's rows.
    pub actors: Vec<ActorRow>,
}

/// One actor's row of the per-run, per-actor table (`runs_by_actor.csv`): an actor that took part
/// in some conflict of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRow {
    /// The actor's id.
    pub actor: String,
    /// The highest level at which it took part (1–7).
    pub highest: u8,
    /// The first step it took part at the use of force or above, if it did.
    pub first_force: Option<u32>,
    /// Its date, if the scenario has a start; otherwise empty.
    pub first_force_date: String,
    /// The first step it took part at war or above, if it did.
    pub first_war: Option<u32>,
    /// Its date, if the scenario has a start; otherwise empty.
    pub first_war_date: String,
    /// How it entered: into the first conflict it fought at force, else its first conflict
    /// (`initiator`, `target`, `treaty/clause` or `voluntary`).
    pub route: String,
}

impl RunRow {
    /// The row of run `run`.
    pub fn of(world: &World, run: u64, o: &Outcome) -> Self {
        let belligerents: Vec<&str> = world
            .actor_ixs()
            .filter(|&a| o.belligerent(a))
            .map(|a| world.actors[a].id.as_str())
            .collect();
        // A step's date, if the scenario has a start.
        let date = |step: Option<u32>| match (step, world.start) {
            (Some(step), Some(_)) => world.step_label(step),
            _ => String::new(),
        };
        RunRow {
            run,
            highest: o.highest.number(),
            first_war: o.first_war(),
            first_war_date: date(o.first_war()),
            belligerents: belligerents.join(" "),
            pathway: o.pathway.clone(),
            actors: world
                .actor_ixs()
                .filter(|&a| o.actor_highest[a] > crate::model::Level::Peace)
                .map(|a| ActorRow {
                    actor: world.actors[a].id.clone(),
                    highest: o.actor_highest[a].number(),
                    first_force: o.actor_first_force[a],
                    first_force_date: date(o.actor_first_force[a]),
                    first_war: o.actor_first_war[a],
                    first_war_date: date(o.actor_first_war[a]),
                    route: o
                        .route(world, a)
                        .or_else(|| {
                            let e = o.entries.iter().find(|e| e.actor == a)?;
                            Some(crate::engine::route_name(world, e.via, e.side))
                        })
                        .unwrap_or_default(),
                })
                .collect(),
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

/// A Monte Carlo experiment over a world: how many runs, from which seed, on how many threads, with
/// which rules, optionally one shard of the runs or a precision target. Every analysis is a plan over
/// its one chunked parallel loop: [`run`](Self::run) summarises the world,
/// [`compare`](Self::compare) pairs it run by run with another world,
/// [`sensitivity`](Self::sensitivity) with variants of its parameters, and
/// [`continue_from`](Self::continue_from) resumes an interrupted run. The rules reach every plan.
#[derive(Clone)]
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

/// What the loop does after a chunk of runs.
enum Next {
    Continue,
    /// Stop here: the runs so far are the result (a precision target was met).
    Finish,
}

/// Hands out the chunks of a loop to its workers in run order, never more than `window` past the
/// first chunk not yet absorbed.
struct Dispatch {
    window: u64,
    claims: Mutex<Claims>,
    /// Signalled when a chunk is absorbed or the loop ends.
    room: Condvar,
}

struct Claims {
    /// The first run not yet handed out.
    cursor: u64,
    /// Chunks handed out.
    claimed: u64,
    /// Chunks absorbed.
    absorbed: u64,
    /// The loop has ended: hand out nothing more.
    quit: bool,
}

impl Dispatch {
    fn new(cursor: u64, window: u64) -> Self {
        Dispatch {
            window: window.max(1),
            claims: Mutex::new(Claims {
                cursor,
                claimed: 0,
                absorbed: 0,
                quit: false,
            }),
            room: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Claims> {
        // The claims are consistent at every unlock, so a worker's panic leaves them usable.
        self.claims
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next chunk, as its number and runs `a..b` with `b = chunk_end(a)`, once the window has
    /// room for it; `None` when the runs up to `end` are all handed out or the loop has ended.
    fn claim(&self, end: u64, chunk_end: impl Fn(u64) -> u64) -> Option<(u64, u64, u64)> {
        let mut claims = self.lock();
        loop {
            if claims.quit || claims.cursor >= end {
                return None;
            }
            if claims.claimed < claims.absorbed + self.window {
                let (j, a) = (claims.claimed, claims.cursor);
                let b = chunk_end(a);
                claims.cursor = b;
                claims.claimed += 1;
                return Some((j, a, b));
            }
            claims = self
                .room
                .wait(claims)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Counts one more chunk absorbed and returns the number of the next one to absorb.
    fn absorb_one(&self) -> u64 {
        let mut claims = self.lock();
        claims.absorbed += 1;
        self.room.notify_all();
        claims.absorbed
    }

    /// Ends the loop: workers waiting for room stop, and no chunk is handed out again.
    fn quit(&self) {
        self.lock().quit = true;
        self.room.notify_all();
    }

    /// A guard that ends the loop if the thread holding it panics.
    fn release_on_panic(&self) -> impl Drop + '_ {
        struct Release<'a>(&'a Dispatch);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.quit();
                }
            }
        }
        Release(self)
    }
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

    /// The same experiment over another world (a sweep's next point): runs, seed, threads, shard,
    /// rules and precision carry over; the provenance of the source does not.
    pub fn with_world<'v>(&self, world: &'v World) -> MonteCarlo<'v> {
        MonteCarlo {
            world,
            rules: self.rules.clone(),
            scenario_sha256: String::new(),
            overrides: Vec::new(),
            previous: None,
            ..*self
        }
    }

    /// Stops at the first multiple of [`PRECISION_BATCH`] runs at which the Wilson 95 % interval of
    /// P(highest level ≥ war) is at most `half_width` either side; the number of runs is then the
    /// most to make. Not with shards: the rule reads every run.
    pub fn precision(mut self, half_width: f64) -> Self {
        self.precision = Some(half_width);
        self
    }

    /// Continues an interrupted experiment from its summary: the runs, seed, shard and precision
    /// target are the summary's, the runs it counted (the first ones of the range) are kept, and the
    /// rest are run. The result is the same as an uninterrupted run's.
    ///
    /// The world must be the summary's scenario with its overrides. Call it after
    /// [`source`](Self::source): a scenario whose SHA-256 or overrides differ from the summary's is
    /// refused ([`Compiled::resume`](crate::Compiled::resume) does both).
    pub fn continue_from(mut self, previous: &Summary) -> Result<Self, ResumeError> {
        let p = &previous.provenance;
        if p.casus_version != crate::VERSION {
            return Err(ResumeError::OtherVersion(p.casus_version.clone()));
        }
        if !self.scenario_sha256.is_empty() && p.scenario_sha256 != self.scenario_sha256 {
            return Err(ResumeError::OtherScenario);
        }
        if p.overrides != self.overrides {
            return Err(ResumeError::OtherOverrides {
                summary: p.overrides.join(" "),
                given: self.overrides.join(" "),
            });
        }
        self.runs = p.runs_requested;
        self.seed = p.seed;
        self.shard = p.shard;
        self.precision = p.precision;
        self.previous = Some(previous.counts.clone());
        Ok(self)
    }

    /// The total number of runs (across all shards).
    pub fn runs(mut self, runs: u64) -> Self {
        self.runs = runs;
        self
    }

    /// The seed of the runs' keyed draws (docs/MODEL.md §5).
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

    /// The rules (default: the documented ones). Every plan uses them, in every arm.
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

    /// Its estimated peak memory and summary size ([`Footprint`](super::Footprint)).
    pub fn footprint(&self) -> super::Footprint {
        super::Footprint::of(self.world, self.threads)
    }

    /// Refuses an experiment whose [`footprint`](Self::footprint) is beyond casus's bounds.
    pub fn check_footprint(&self) -> Result<(), super::footprint::TooLarge> {
        self.footprint().check(self.world, self.threads)
    }

    /// The number of runs (across all shards).
    pub fn total_runs(&self) -> u64 {
        self.runs
    }

    /// The seed.
    pub fn seed_value(&self) -> u64 {
        self.seed
    }

    /// The rules every run follows.
    pub fn rule_set(&self) -> &Rules {
        &self.rules
    }

    /// The rules' names for the provenance, where they are not the documented defaults.
    pub fn rules_name(&self) -> Option<String> {
        self.rules.provenance()
    }

    /// The world this experiment runs.
    pub fn world(&self) -> &'w World {
        self.world
    }

    /// The runs this experiment is responsible for.
    pub fn run_range(&self) -> [u64; 2] {
        match self.shard {
            Some([index, count]) => shard_range(self.runs, index, count),
            None => [0, self.runs],
        }
    }

    /// A simulation of run `run` of `world` under this experiment's seed and rules.
    pub fn simulation<'v>(&self, world: &'v World, run: u64) -> Simulation<'v> {
        Simulation::with_rules(world, self.seed, run, self.rules.clone())
    }

    /// The one loop every plan runs on: runs `next..end` in chunks of [`CHUNK`] runs on worker
    /// threads, each chunk cut at the precision checks if there is a target. `part` computes one
    /// chunk's partial result on a worker; `absorb` takes the partials one at a time in run order,
    /// on the calling thread while the workers go on, and says whether to go on; the sink is told
    /// the progress after each. No worker starts a chunk more than
    /// [`chunks_in_flight`](super::footprint::chunks_in_flight) chunks past the first one not yet
    /// absorbed, which bounds the partials held at once. Before each chunk the stop flag is read;
    /// the chunks done before the first one skipped are kept, so the runs counted are always a
    /// prefix of the range. Returns where it ended and whether it was stopped.
    fn drive<T: Send>(
        &self,
        [first, end]: [u64; 2],
        mut next: u64,
        sink: &mut dyn Sink,
        stop: Option<&AtomicBool>,
        part: impl Fn(u64, u64) -> T + Sync,
        mut absorb: impl FnMut(T, u64, &mut dyn Sink) -> std::io::Result<Next>,
    ) -> std::io::Result<(u64, bool)> {
        let threads = super::footprint::resolve(self.threads);
        let dispatch = Dispatch::new(
            next,
            super::footprint::chunks_in_flight(self.world, threads),
        );
        // The end of the chunk that begins at `a`: CHUNK runs, never past the range's end or,
        // with a precision target, past the next check.
        let chunk_end = |a: u64| {
            let b = (a + CHUNK).min(end);
            match self.precision {
                Some(_) => b.min(first + ((a - first) / PRECISION_BATCH + 1) * PRECISION_BATCH),
                None => b,
            }
        };
        let stopped = || stop.is_some_and(|s| s.load(Ordering::Relaxed));
        let total = end - first;
        sink.progress(next - first, total);
        std::thread::scope(|scope| {
            let (done, results) = mpsc::channel::<(u64, u64, Option<T>)>();
            for _ in 0..threads {
                let done = done.clone();
                let (dispatch, part, stopped) = (&dispatch, &part, &stopped);
                let chunk_end = &chunk_end;
                scope.spawn(move || {
                    // A worker that panics lets the others go, so that the panic is not a hang.
                    let _release = dispatch.release_on_panic();
                    while let Some((j, a, b)) = dispatch.claim(end, chunk_end) {
                        let result = (!stopped()).then(|| part(a, b));
                        if done.send((j, b, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done);
            // Partials that came in before those of earlier chunks, by chunk number.
            let mut early = BTreeMap::new();
            let mut absorbed = 0u64;
            // How the loop ended, if not by running out of chunks: stopped, or an error.
            let mut ended: Option<std::io::Result<bool>> = None;
            for (j, b, result) in results {
                early.insert(j, (b, result));
                while let Some((b, result)) = early.remove(&absorbed) {
                    let Some(t) = result else {
                        ended = Some(Ok(true));
                        break;
                    };
                    let outcome = absorb(t, b, sink);
                    next = b;
                    sink.progress(next - first, total);
                    match outcome {
                        Ok(Next::Continue) => absorbed = dispatch.absorb_one(),
                        Ok(Next::Finish) => ended = Some(Ok(false)),
                        Err(error) => ended = Some(Err(error)),
                    }
                    if ended.is_some() {
                        break;
                    }
                }
                if ended.is_some() {
                    break;
                }
            }
            dispatch.quit();
            ended.unwrap_or(Ok(false)).map(|stopped| (next, stopped))
        })
    }

    /// Runs every run of the range, or until `stop` is set (checked before each chunk), and returns
    /// the summary (marked incomplete if stopped early).
    pub fn run(&self, sink: &mut dyn Sink, stop: Option<&AtomicBool>) -> std::io::Result<Summary> {
        if self.precision.is_some() && self.shard.is_some() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a precision target reads every run: it cannot be combined with shards",
            ));
        }
        let world = self.world;
        let [first, end] = self.run_range();
        let rows_wanted = sink.wants_rows();
        let (mut counts, next) = match &self.previous {
            Some(previous) => (previous.clone(), (first + previous.runs).min(end)),
            None => (Counts::new(world), first),
        };
        let (end, stopped) = self.drive(
            [first, end],
            next,
            sink,
            stop,
            |a, b| {
                let mut partial = Counts::new(world);
                let mut rows = Vec::new();
                for run in a..b {
                    let outcome = self.simulation(world, run).run_to_end(&mut ());
                    partial.add(world, run, &outcome);
                    if rows_wanted {
                        rows.push(RunRow::of(world, run, &outcome));
                    }
                }
                (partial, rows)
            },
            |(partial, rows), next, sink| {
                counts.merge(&partial);
                if rows_wanted {
                    sink.rows(&rows)?;
                }
                let at_check = (next - first) % PRECISION_BATCH == 0;
                let precise = self
                    .precision
                    .is_some_and(|target| at_check && counts.war_half_width() <= target);
                Ok(if precise {
                    Next::Finish
                } else {
                    Next::Continue
                })
            },
        )?;
        let provenance = self.provenance_of(world, [first, end], !stopped);
        Ok(Summary::new(provenance, Labels::of(world), counts))
    }

    /// The provenance of results made from `world` under this configuration: its runs
    /// `run_range`, all of them counted if `complete`.
    pub fn provenance_of(&self, world: &World, run_range: [u64; 2], complete: bool) -> Provenance {
        Provenance {
            casus_version: crate::VERSION.to_owned(),
            scenario: world.name.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            seed: self.seed,
            runs_requested: self.runs,
            shard: self.shard,
            run_range,
            precision: self.precision,
            overrides: self.overrides.clone(),
            parameters: Some(world.params.clone()),
            complete,
            rules: self.rules_name(),
        }
    }

    /// Runs every run of `0..runs` and keeps what `f` makes of each simulation (handed over before
    /// its first step), in run order: the plan for analyses that read more of a run than the
    /// summary counts. Stopped early, the runs made so far.
    pub fn map_runs<T: Send>(
        &self,
        f: impl Fn(u64, Simulation<'w>) -> T + Sync,
        sink: &mut dyn Sink,
        stop: Option<&AtomicBool>,
    ) -> std::io::Result<Vec<T>> {
        let world = self.world;
        let mut all = Vec::new();
        self.drive(
            [0, self.runs],
            0,
            sink,
            stop,
            |first, end| {
                (first..end)
                    .map(|run| f(run, self.simulation(world, run)))
                    .collect::<Vec<T>>()
            },
            |part, _, _| {
                all.extend(part);
                Ok(Next::Continue)
            },
        )?;
        Ok(all)
    }

    /// Pairs this experiment's world (arm A) with `b` run by run: run r of each arm draws from
    /// the same seed, making the same draw for each decision, under the same rules. Not sharded:
    /// every run of `0..runs` is paired.
    /// Stopped early, the comparison counts the runs paired so far.
    pub fn compare(
        &self,
        b: &World,
        sink: &mut dyn Sink,
        stop: Option<&AtomicBool>,
    ) -> std::io::Result<Comparison> {
        let a = self.world;
        let names = Names::new(a, b);
        let mut total = Tally::new(&names);
        self.drive(
            [0, self.runs],
            0,
            sink,
            stop,
            |first, end| {
                let mut part = Tally::new(&names);
                for run in first..end {
                    let oa = self.simulation(a, run).run_to_end(&mut ());
                    let ob = self.simulation(b, run).run_to_end(&mut ());
                    part.add(run, a, &oa, b, &ob);
                }
                part
            },
            |part, _, _| {
                total.merge(&part);
                Ok(Next::Continue)
            },
        )?;
        Ok(total.into_comparison())
    }

    /// Pairs this experiment's world with each of `variants` run by run, following whether
    /// `reached` holds of an outcome: the base's count and, per variant, how it and the base agree.
    /// Each run of the base is simulated once. The plan behind
    /// [`sensitivity`](super::sensitivity).
    pub(crate) fn paired_counts(
        &self,
        variants: &[World],
        reached: impl Fn(&Outcome) -> bool + Sync,
        sink: &mut dyn Sink,
        stop: Option<&AtomicBool>,
    ) -> std::io::Result<(u64, u64, Vec<Paired>)> {
        let base = self.world;
        let mut base_count = 0u64;
        let mut tallies = vec![Paired::default(); variants.len()];
        let (end, _) = self.drive(
            [0, self.runs],
            0,
            sink,
            stop,
            |first, end| {
                let mut count = 0u64;
                let mut part = vec![Paired::default(); variants.len()];
                for run in first..end {
                    let b = reached(&self.simulation(base, run).run_to_end(&mut ()));
                    count += u64::from(b);
                    for (w, tally) in variants.iter().zip(&mut part) {
                        tally.add(b, reached(&self.simulation(w, run).run_to_end(&mut ())));
                    }
                }
                (count, part)
            },
            |(count, part), _, _| {
                base_count += count;
                for (t, p) in tallies.iter_mut().zip(&part) {
                    t.merge(p);
                }
                Ok(Next::Continue)
            },
        )?;
        Ok((end, base_count, tallies))
    }
}

/// Why an interrupted run cannot be continued as asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResumeError {
    /// The scenario file is not the one the summary was made from.
    #[error("the file is not the scenario of the interrupted run (its SHA-256 differs)")]
    OtherScenario,
    /// The overrides differ from the summary's.
    #[error("the interrupted run had the overrides `{summary}`, not `{given}`")]
    OtherOverrides {
        /// The summary's.
        summary: String,
        /// The experiment's.
        given: String,
    },
    /// Another version of casus made the summary: its runs may differ from this version's.
    #[error(
        "the interrupted run was made by casus {0}, this is casus {v}: its runs may not be this \
         version's; start it again",
        v = crate::VERSION
    )]
    OtherVersion(String),
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

    /// A stop asked for while a chunk is running takes effect at the next chunk: the runs counted
    /// are the chunks up to the one it came in, a prefix of the range ending on a chunk's end, not
    /// the chunks workers may have run ahead to.
    #[test]
    fn a_stop_is_honoured_at_the_next_chunk() {
        let scenario = crate::scenario::load("scenarios/two_actor_dispute.json").unwrap();
        let world = World::new(&scenario).unwrap();
        let mc = MonteCarlo::new(&world).runs(10_000).threads(1);
        let stop = AtomicBool::new(false);
        let seen = std::sync::Mutex::new(Vec::new());
        let (end, stopped) = mc
            .drive(
                [0, 10_000],
                0,
                &mut (),
                Some(&stop),
                |a, b| {
                    if (a..b).contains(&40) {
                        stop.store(true, Ordering::Relaxed);
                    }
                    [a, b]
                },
                |part, _, _| {
                    seen.lock().unwrap().push(part);
                    Ok(Next::Continue)
                },
            )
            .unwrap();
        assert!(stopped);
        // One thread takes the chunks in order: 0..16, 16..32 and 32..48, in which the stop came.
        assert_eq!(end, 48);
        assert_eq!(*seen.lock().unwrap(), [[0, 16], [16, 32], [32, 48]]);
    }

    /// Chunks that finish out of order are absorbed in run order, each told where the runs
    /// counted now end, and no worker starts a chunk more than the window past the first one not
    /// yet absorbed.
    #[test]
    fn chunks_are_absorbed_in_run_order_within_the_window() {
        use std::sync::atomic::AtomicU64;
        let scenario = crate::scenario::load("scenarios/two_actor_dispute.json").unwrap();
        let world = World::new(&scenario).unwrap();
        let mc = MonteCarlo::new(&world).runs(2_000).threads(2);
        let window = super::super::footprint::chunks_in_flight(&world, 2);
        let (absorbed, ahead) = (AtomicU64::new(0), AtomicU64::new(0));
        let mut seen = Vec::new();
        let (end, stopped) = mc
            .drive(
                [0, 2_000],
                0,
                &mut (),
                None,
                |a, b| {
                    let j = a / CHUNK;
                    ahead.fetch_max(j + 1 - absorbed.load(Ordering::SeqCst), Ordering::SeqCst);
                    // Every fifth chunk is slow, so that later ones finish first.
                    if j.is_multiple_of(5) {
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                    [a, b]
                },
                |part, next, _| {
                    assert_eq!(part[1], next);
                    seen.push(part);
                    absorbed.fetch_add(1, Ordering::SeqCst);
                    Ok(Next::Continue)
                },
            )
            .unwrap();
        assert_eq!((end, stopped), (2_000, false));
        let expected: Vec<[u64; 2]> = (0..2_000)
            .step_by(CHUNK as usize)
            .map(|a| [a, (a + CHUNK).min(2_000)])
            .collect();
        assert_eq!(seen, expected);
        let ahead = ahead.load(Ordering::SeqCst);
        assert!(ahead <= window, "{ahead} chunks ahead, window {window}");
        assert!(
            ahead > 1,
            "the workers never ran ahead: the test shows nothing"
        );
    }

    /// A worker's panic ends the loop and reaches the caller; the other workers do not wait for
    /// room forever.
    #[test]
    fn a_panic_in_a_chunk_is_not_a_hang() {
        let scenario = crate::scenario::load("scenarios/two_actor_dispute.json").unwrap();
        let world = World::new(&scenario).unwrap();
        let mc = MonteCarlo::new(&world).runs(10_000).threads(2);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            mc.drive(
                [0, 10_000],
                0,
                &mut (),
                None,
                |a, _| assert!(a != 0, "the first chunk fails"),
                |(), _, _| Ok(Next::Continue),
            )
        }));
        assert!(outcome.is_err());
    }
}
