//! Scoring the model against what happened: for each origin year, the world as it stood then (from
//! the records before it only), simulated over a horizon, and its forecasts set against the record of
//! the horizon and against climatology, each state's and pair's own frequency before the origin.
//!
//! Three kinds of forecast are scored ([`Target`]): per state, P(at war) and P(in a dispute at the use
//! of force) within the horizon, against MID hostility level 5 and 4–5 participation; per pair of
//! states, P(a dispute begins between them that reaches the use of force). docs/VALIDATION.md gives
//! the figures and the command behind them; docs/MODEL.md §8.1 how each world is built.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::engine::{ActorIx, Route, Side, World};
use crate::import::{History, Honouring, ImportError, Record, cow_atop};
use crate::model::Level;
use crate::monte_carlo::{MonteCarlo, Provenance};
use crate::scenario::ObligationKind;

/// What a backtest forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Target {
    /// A state fights at war level (MID hostility 5) within the horizon.
    StateWar,
    /// A state takes part in a dispute at the use of force or war (MID hostility 4–5).
    StateForce,
    /// A dispute begins between two states and reaches the use of force.
    DyadForce,
}

impl Target {
    /// Every target, in report order.
    pub const ALL: [Target; 3] = [Target::StateWar, Target::StateForce, Target::DyadForce];

    /// Its name in files.
    pub fn name(self) -> &'static str {
        match self {
            Target::StateWar => "state_war",
            Target::StateForce => "state_force",
            Target::DyadForce => "dyad_force",
        }
    }
}

/// The origins, horizon and runs of a backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The first origin year.
    pub from: u32,
    /// The last origin year (inclusive, if the step lands on it).
    pub to: u32,
    /// Years between origins.
    pub every: u32,
    /// Years simulated from each origin, scored against the record of the same years.
    pub horizon_years: u32,
    /// Runs per origin.
    pub runs: u64,
    /// The seed of every origin's runs.
    pub seed: u64,
    /// Changes applied to every origin's world (`parameters.deterrence=0.5`), as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

impl Plan {
    /// The origin years.
    pub fn origins(&self) -> Vec<u32> {
        (self.from..=self.to)
            .step_by(self.every.max(1) as usize)
            .collect()
    }

    /// Checks that every origin has a world and a full horizon of record.
    pub fn check(&self) -> Result<(), ImportError> {
        let last_record = crate::import::LAST_YEAR - 1;
        for year in [self.from, self.to] {
            if !(crate::import::FIRST_YEAR..=crate::import::LAST_YEAR).contains(&year) {
                return Err(ImportError::Year {
                    year,
                    why: format!(
                        "origins run from {} to {}",
                        crate::import::FIRST_YEAR,
                        crate::import::LAST_YEAR
                    ),
                });
            }
        }
        let end = self.to + self.horizon_years.saturating_sub(1);
        if self.horizon_years == 0 || end > last_record || self.to < self.from {
            return Err(ImportError::Year {
                year: self.to,
                why: format!(
                    "a horizon of {} years from {} runs to {end}, past the record's last year \
                     {last_record} (or the range is empty)",
                    self.horizon_years, self.to
                ),
            });
        }
        Ok(())
    }
}

/// One forecast and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The origin year.
    pub origin: u32,
    /// What is forecast.
    pub target: Target,
    /// The state (`USA`) or pair (`IND-PAK`).
    pub unit: String,
    /// Runs in which it happened.
    pub count: u64,
    /// The model's probability: `count / runs`.
    pub p: f64,
    /// Climatology: the probability of at least one such year in the horizon at the unit's own
    /// yearly frequency before the origin.
    pub climatology: f64,
    /// Whether it happened.
    pub observed: bool,
}

/// Scores of a set of forecasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Forecasts scored.
    pub n: usize,
    /// How many happened.
    pub events: usize,
    /// Mean squared error of the model's probabilities.
    pub brier: f64,
    /// The same of climatology.
    pub brier_climatology: f64,
    /// 1 − brier / brier_climatology: above 0, better than history repeating itself.
    pub brier_skill: f64,
    /// Mean log-likelihood of the outcomes under the model, probabilities kept in
    /// [1/(2R), 1 − 1/(2R)] for R runs (a Monte Carlo zero is not a certainty).
    pub log_score: f64,
    /// The same under climatology, kept in the same range.
    pub log_score_climatology: f64,
    /// Area under the ROC curve: the chance that an event's forecast exceeds a non-event's (ties
    /// count half); `None` without both.
    pub auc: Option<f64>,
    /// Reliability: forecasts binned by probability (`[lo, hi)` in tenths), each bin's count,
    /// mean forecast and observed frequency.
    pub reliability: Vec<Bin>,
    /// Of the `n` forecasts, those not listed: pairs that neither the model nor history gave any
    /// chance and that saw nothing (certain non-events for both, which every score counts).
    #[serde(default)]
    pub omitted: usize,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// The bin's lower bound.
    pub lo: f64,
    /// Its upper bound.
    pub hi: f64,
    /// Forecasts in it.
    pub n: usize,
    /// Their mean probability.
    pub mean_forecast: f64,
    /// The share that happened.
    pub observed: f64,
}

/// One origin's totals: the expected and observed numbers of states and pairs with each event,
/// with the 95 % predictive interval of the simulated number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// The origin year.
    pub origin: u32,
    /// States in the system.
    pub states: usize,
    /// Per target: expected (mean over runs), the 2.5 % and 97.5 % quantiles of the runs'
    /// numbers, and the record's number.
    pub counts: BTreeMap<Target, [f64; 4]>,
}

/// Alliance entry at one origin: of the states owed defense that took part in a use of force,
/// how often a holder of that obligation joined on their side (not as an originator), in the model
/// (summed over runs) and in the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The origin year.
    pub origin: u32,
    /// Directed defense obligations in force (ATOP, the year before the origin).
    pub obligations: usize,
    /// Model: (holder, partner) cases where the partner used force or was attacked, over all runs.
    pub model_cases: u64,
    /// Model: of those, the cases where the holder joined the partner's side at force.
    pub model_joined: u64,
    /// Record: the same cases in the horizon.
    pub record_cases: u64,
    /// Record: of those, the holder joined (MID: on the partner's side, not an originator).
    pub record_joined: u64,
    /// Model: entries into conflicts at force by states that did not found them, whatever the
    /// route, summed over runs.
    #[serde(default)]
    pub model_entries: u64,
    /// Record: entries into disputes at force (MID hostility 4–5) by states that were not their
    /// originators, in the horizon.
    #[serde(default)]
    pub record_entries: u64,
}

impl Entry {
    /// The sum of several origins' entries (origin 0, obligations summed): the pooled rates.
    pub fn pooled(entries: &[Entry]) -> Entry {
        let sum = |f: fn(&Entry) -> u64| entries.iter().map(f).sum();
        Entry {
            origin: 0,
            obligations: entries.iter().map(|e| e.obligations).sum(),
            model_cases: sum(|e| e.model_cases),
            model_joined: sum(|e| e.model_joined),
            record_cases: sum(|e| e.record_cases),
            record_joined: sum(|e| e.record_joined),
            model_entries: sum(|e| e.model_entries),
            record_entries: sum(|e| e.record_entries),
        }
    }

    /// The model's rate of joining, and the record's.
    pub fn rates(&self) -> [Option<f64>; 2] {
        [
            share(self.model_joined, self.model_cases),
            share(self.record_joined, self.record_cases),
        ]
    }
}

/// How often the pairs that began a dispute reaching force (its two founders; MID originators) had
/// an armed attack between them (a lethal attack or clash, or war; docs/MODEL.md §3.3), at one
/// origin, in the model (summed over runs) and in the record: the severity draw, apart from who
/// joins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lethality {
    /// The origin year.
    pub origin: u32,
    /// Model: founder pairs of conflicts at force, over all runs.
    pub model_pairs: u64,
    /// Model: of those, the pairs whose conflict had an armed attack.
    pub model_armed: u64,
    /// Record: originator pairs at force whose fatality is known (an attack or clash of unknown
    /// fatality and no armed attack leaves the pair out).
    pub record_pairs: u64,
    /// Record: of those, the pairs with an armed attack.
    pub record_armed: u64,
}

impl Lethality {
    /// The sum over several origins (origin 0).
    pub fn pooled(all: &[Lethality]) -> Lethality {
        let sum = |f: fn(&Lethality) -> u64| all.iter().map(f).sum();
        Lethality {
            origin: 0,
            model_pairs: sum(|l| l.model_pairs),
            model_armed: sum(|l| l.model_armed),
            record_pairs: sum(|l| l.record_pairs),
            record_armed: sum(|l| l.record_armed),
        }
    }

    /// The model's armed share, and the record's.
    pub fn rates(&self) -> [Option<f64>; 2] {
        [
            share(self.model_armed, self.model_pairs),
            share(self.record_armed, self.record_pairs),
        ]
    }
}

/// Honouring at one origin: of the holders of a defense tie whose partner was attacked at war scale
/// or in a limited armed attack, how many joined its side, in the model (the defense obligations
/// fired for a holder not yet in the conflict, summed over runs) and in the record
/// ([`History::honouring`] of the disputes begun in the horizon). The decision itself, apart from
/// how often partners are attacked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Honour {
    /// The origin year.
    pub origin: u32,
    /// The model's.
    pub model: Honouring,
    /// The record's.
    pub record: Honouring,
}

impl Honour {
    /// The sum over several origins (origin 0).
    pub fn pooled(all: &[Honour]) -> Honour {
        let mut sum = Honour {
            origin: 0,
            model: Honouring::default(),
            record: Honouring::default(),
        };
        for h in all {
            sum.model += h.model;
            sum.record += h.record;
        }
        sum
    }
}

impl Backtest {
    /// Per decade of origin, the mean per origin of the entries into uses of force by states that
    /// did not start them: the model's (per run) and the record's.
    pub fn entries_by_decade(&self) -> Vec<(u32, [f64; 2])> {
        let runs = self.plan.runs.max(1) as f64;
        by_decade(self.entry.iter().map(|e| {
            (
                e.origin,
                [e.model_entries as f64 / runs, e.record_entries as f64],
            )
        }))
    }

    /// Per decade of origin, the mean per origin of the states at war in the horizon: the model's
    /// expected number and the record's.
    pub fn at_war_by_decade(&self) -> Vec<(u32, [f64; 2])> {
        by_decade(self.totals.iter().filter_map(|t| {
            let c = t.counts.get(&Target::StateWar)?;
            Some((t.origin, [c[0], c[3]]))
        }))
    }
}

/// The means of (origin, [model, record]) rows over the origins of each decade, by decade.
fn by_decade(rows: impl Iterator<Item = (u32, [f64; 2])>) -> Vec<(u32, [f64; 2])> {
    let mut sums: BTreeMap<u32, [f64; 3]> = BTreeMap::new();
    for (origin, [model, record]) in rows {
        let d = sums.entry(origin / 10 * 10).or_default();
        d[0] += model;
        d[1] += record;
        d[2] += 1.0;
    }
    sums.into_iter()
        .map(|(decade, [model, record, n])| (decade, [model / n, record / n]))
        .collect()
}

/// `part / whole`, if there is a whole.
fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A backtest's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// The crate version.
    pub casus_version: String,
    /// What was run.
    pub plan: Plan,
    /// Where it comes from, as in a summary: the scenario is the tables (their SHA-256), the runs
    /// those of each origin. Absent from files written before provenance was recorded here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Whether every origin was run (an interrupted backtest keeps the origins done).
    pub complete: bool,
    /// Per target, the scores over every origin's forecasts.
    pub scores: BTreeMap<Target, Scores>,
    /// Per origin, the totals.
    pub totals: Vec<Totals>,
    /// Per origin, alliance entry.
    pub entry: Vec<Entry>,
    /// Per origin, the armed share of the pairs at force.
    #[serde(default)]
    pub lethality: Vec<Lethality>,
    /// Per origin, how often holders of a defense tie joined a partner attacked, by scale.
    #[serde(default)]
    pub honouring: Vec<Honour>,
    /// Every forecast, origin by origin.
    pub forecasts: Vec<Forecast>,
}

/// What one run says: the states at war, the states at force, the pairs with a force-level dispute
/// begun, as indices of the world's actors.
#[derive(Debug, Default)]
struct RunEvents {
    war: Vec<ActorIx>,
    force: Vec<ActorIx>,
    dyads: Vec<(ActorIx, ActorIx)>,
    /// Of the defense pairs (holder, partner), those where the holder joined the partner's side
    /// at force, by index into the list of pairs.
    joined: Vec<usize>,
    /// The founder pairs of conflicts that reached force, and how many of them saw an armed attack.
    founders: [usize; 2],
    /// The defense obligations fired for a holder not yet in the conflict, and their honouring.
    honouring: Honouring,
    /// Entries at force by states that did not found the conflict.
    entries: u64,
}

/// Runs the backtest: for each origin, the world of that year (docs/MODEL.md §8.1) simulated
/// `plan.runs` times over the horizon with `configure`'s settings (threads, rules), then scored.
/// `progress` hears of each origin done; `stop` ends it after the origin under way.
pub fn run(
    history: &History,
    plan: &Plan,
    configure: &dyn Fn(MonteCarlo<'_>) -> MonteCarlo<'_>,
    progress: &mut dyn FnMut(u32, usize, usize),
    stop: Option<&AtomicBool>,
) -> Result<Backtest, BacktestError> {
    plan.check()?;
    let overrides = plan
        .overrides
        .iter()
        .map(|text| text.parse::<crate::scenario::Override>())
        .collect::<Result<Vec<_>, _>>()?;
    let first_entry = history.first_entry();
    let yearly: BTreeMap<u32, Record> = (crate::import::FIRST_YEAR..crate::import::LAST_YEAR)
        .map(|y| (y, history.record(y, y)))
        .collect();
    let origins = plan.origins();
    let mut forecasts = Vec::new();
    let mut omitted: BTreeMap<Target, usize> = BTreeMap::new();
    let mut totals = Vec::new();
    let mut entries = Vec::new();
    let mut lethality = Vec::new();
    let mut honouring = Vec::new();
    let mut complete = true;
    let mut rules = None;
    for (done, &origin) in origins.iter().enumerate() {
        if stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed)) {
            complete = false;
            break;
        }
        let tables = history.tables(origin)?;
        let mut scenario = cow_atop(&tables);
        scenario.steps = plan.horizon_years * 12;
        if !overrides.is_empty() {
            scenario = crate::scenario::parse_with(
                &crate::scenario::to_json(&scenario),
                &format!("the world of {origin}"),
                &overrides,
            )?;
        }
        let world = World::new(&scenario).map_err(|diagnostics| {
            crate::scenario::ScenarioError::Invalid {
                file: format!("the world of {origin}"),
                diagnostics,
            }
        })?;
        let world = &world;
        let index: BTreeMap<u32, ActorIx> = tables
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.ccode, ActorIx::new(i)))
            .collect();
        let defense: Vec<(ActorIx, ActorIx)> = tables
            .ties
            .iter()
            .filter(|t| t.flags[0] && t.holder != t.partner)
            .filter_map(|t| Some((*index.get(&t.holder)?, *index.get(&t.partner)?)))
            .collect();
        let mc = configure(MonteCarlo::new(world))
            .runs(plan.runs)
            .seed(plan.seed);
        rules = mc.rules_name();
        let runs = mc.map_runs(
            |_, mut sim| {
                while !sim.is_finished() {
                    sim.step(&mut ());
                }
                let o = sim.outcome_so_far();
                let mut events = RunEvents::default();
                for a in world.actor_ixs() {
                    if o.actor_highest[a] >= Level::War {
                        events.war.push(a);
                    }
                    if o.actor_highest[a] >= Level::Force {
                        events.force.push(a);
                    }
                }
                // One pass over each conflict's participants at force: the pairs on opposite sides,
                // and the (joiner, partner) pairs on the same side where the joiner is no founder.
                let mut dyads = BTreeSet::new();
                let mut founders = BTreeSet::new();
                let mut armed = BTreeSet::new();
                let mut beside = BTreeSet::new();
                for c in sim.conflicts() {
                    let (f0, f1) = (c.founder(Side::A), c.founder(Side::B));
                    // A war under way at the origin began before it: its founders, and the pairs
                    // fighting in it from the first day, began no dispute in the horizon.
                    let before = c.began_before_run();
                    if c.peak >= Level::Force && !before {
                        founders.insert((f0.min(f1), f0.max(f1)));
                        if c.attacks.iter().any(|a| a.is_armed()) {
                            armed.insert((f0.min(f1), f0.max(f1)));
                        }
                    }
                    let at_force: Vec<_> = c
                        .participants
                        .iter()
                        .filter(|p| p.cap.min(c.peak) >= Level::Force)
                        .collect();
                    for p in &at_force {
                        for q in &at_force {
                            let new = !before || p.joined.max(q.joined) > 0;
                            if q.side != p.side && p.actor < q.actor && new {
                                dyads.insert((p.actor, q.actor));
                            } else if q.side == p.side && p.via != Route::Founder {
                                beside.insert((p.actor, q.actor));
                            }
                        }
                    }
                }
                events.founders = [founders.len(), armed.len()];
                for t in o.triggers.iter().filter(|t| !t.engaged) {
                    if world.obligations[t.obligation].kind == ObligationKind::Defense {
                        let tally = if t.war {
                            &mut events.honouring.war
                        } else {
                            &mut events.honouring.limited
                        };
                        tally.add(t.honoured);
                    }
                }
                // Coalitions, as the record counts them: in each conflict that reached war, the
                // holders of defense obligations toward a state of global reach fighting it (not
                // one that was fighting it when the run began), neither founders nor on the other
                // side; joined if on its side at force.
                for c in sim.conflicts().iter().filter(|c| c.peak >= Level::War) {
                    for side in Side::BOTH {
                        let leaders: BTreeSet<ActorIx> = c
                            .coalition_leaders(world)
                            .filter(|p| p.side == side)
                            .map(|p| p.actor)
                            .collect();
                        let holders: BTreeSet<ActorIx> = leaders
                            .iter()
                            .flat_map(|&l| world.defenses_owed_to(l))
                            .map(|&ob| world.obligations[ob].holder)
                            .filter(|h| !leaders.contains(h))
                            .collect();
                        for h in holders {
                            let part = c.participant(h);
                            if part.is_some_and(|p| p.via == Route::Founder || p.side != side) {
                                continue;
                            }
                            events
                                .honouring
                                .coalition
                                .add(part.is_some_and(|p| p.cap.min(c.peak) >= Level::Force));
                        }
                    }
                }
                events.dyads = dyads.into_iter().collect();
                events.entries = sim
                    .conflicts()
                    .iter()
                    .flat_map(|c| {
                        c.participants.iter().filter(move |p| {
                            p.via != Route::Founder && p.cap.min(c.peak) >= Level::Force
                        })
                    })
                    .count() as u64;
                events.joined = (0..defense.len())
                    .filter(|&k| beside.contains(&defense[k]))
                    .collect();
                events
            },
            &mut (),
            None,
        )?;
        let ccode: Vec<u32> = tables.states.iter().map(|s| s.ccode).collect();
        let ids: Vec<&str> = world.actors.iter().map(|a| a.id.as_str()).collect();
        let record = history.record(origin, origin + plan.horizon_years - 1);
        let climate = Climate {
            yearly: &yearly,
            first_entry: &first_entry,
            origin,
            horizon: plan.horizon_years,
        };
        let n_runs = runs.len() as u64;
        let mut count = |target: Target, tally: BTreeMap<(ActorIx, ActorIx), u64>| {
            let units: Vec<(ActorIx, ActorIx)> = match target {
                Target::DyadForce => world
                    .actor_ixs()
                    .flat_map(|a| world.actor_ixs().skip(a.index() + 1).map(move |b| (a, b)))
                    .collect(),
                _ => world.actor_ixs().map(|a| (a, a)).collect(),
            };
            for (a, b) in units {
                let c = tally.get(&(a, b)).copied().unwrap_or(0);
                let (observed, clim) = match target {
                    Target::StateWar => (
                        record.war_states.contains(&ccode[a]),
                        climate.state(ccode[a], |r| &r.war_states),
                    ),
                    Target::StateForce => (
                        record.force_states.contains(&ccode[a]),
                        climate.state(ccode[a], |r| &r.force_states),
                    ),
                    _ => (
                        record
                            .force_dyads
                            .contains(&(ccode[a].min(ccode[b]), ccode[a].max(ccode[b]))),
                        climate.dyad(ccode[a], ccode[b]),
                    ),
                };
                // Pairs that neither the model nor history give any chance and that saw nothing are
                // scored but not listed: they would swamp the list with certain non-events.
                if target == Target::DyadForce && c == 0 && clim == 0.0 && !observed {
                    *omitted.entry(target).or_default() += 1;
                    continue;
                }
                forecasts.push(Forecast {
                    origin,
                    target,
                    unit: if a == b {
                        ids[a].to_owned()
                    } else {
                        format!("{}-{}", ids[a], ids[b])
                    },
                    count: c,
                    p: c as f64 / n_runs.max(1) as f64,
                    climatology: clim,
                    observed,
                });
            }
        };
        let mut per_run: BTreeMap<Target, Vec<f64>> = BTreeMap::new();
        for target in Target::ALL {
            let mut tally: BTreeMap<(ActorIx, ActorIx), u64> = BTreeMap::new();
            let numbers = per_run.entry(target).or_default();
            for r in &runs {
                let units: Vec<(ActorIx, ActorIx)> = match target {
                    Target::StateWar => r.war.iter().map(|&a| (a, a)).collect(),
                    Target::StateForce => r.force.iter().map(|&a| (a, a)).collect(),
                    _ => r.dyads.clone(),
                };
                numbers.push(units.len() as f64);
                for u in units {
                    *tally.entry(u).or_default() += 1;
                }
            }
            count(target, tally);
        }
        let observed_count = |target: Target| match target {
            Target::StateWar => record
                .war_states
                .iter()
                .filter(|c| ccode.contains(c))
                .count(),
            Target::StateForce => record
                .force_states
                .iter()
                .filter(|c| ccode.contains(c))
                .count(),
            _ => record
                .force_dyads
                .iter()
                .filter(|(a, b)| ccode.contains(a) && ccode.contains(b))
                .count(),
        };
        totals.push(Totals {
            origin,
            states: ids.len(),
            counts: per_run
                .into_iter()
                .map(|(target, mut numbers)| {
                    numbers.sort_by(f64::total_cmp);
                    let mean = numbers.iter().sum::<f64>() / numbers.len().max(1) as f64;
                    let q = |p: f64| numbers[((numbers.len() - 1) as f64 * p).round() as usize];
                    (
                        target,
                        [mean, q(0.025), q(0.975), observed_count(target) as f64],
                    )
                })
                .collect(),
        });
        let mut entry = Entry {
            origin,
            obligations: defense.len(),
            model_cases: 0,
            model_joined: 0,
            model_entries: runs.iter().map(|r| r.entries).sum(),
            record_entries: record
                .force_sides
                .values()
                .map(|states| {
                    states
                        .iter()
                        .filter(|&&(state, _, originator)| !originator && ccode.contains(&state))
                        .count() as u64
                })
                .sum(),
            record_cases: 0,
            record_joined: 0,
        };
        for r in &runs {
            let force: BTreeSet<ActorIx> = r.force.iter().copied().collect();
            entry.model_cases += defense.iter().filter(|(_, p)| force.contains(p)).count() as u64;
            entry.model_joined += r.joined.len() as u64;
        }
        for &(holder, partner) in &defense {
            if record.force_states.contains(&ccode[partner]) {
                entry.record_cases += 1;
                entry.record_joined += u64::from(record.joined(ccode[holder], ccode[partner]));
            }
        }
        entries.push(entry);
        let in_system = |(a, b): &&(u32, u32)| ccode.contains(a) && ccode.contains(b);
        let record_armed = record.armed_dyads.iter().filter(in_system).count() as u64;
        let mut model = Honouring::default();
        for r in &runs {
            model += r.honouring;
        }
        honouring.push(Honour {
            origin,
            model,
            record: history.honouring(origin, origin + plan.horizon_years - 1),
        });
        lethality.push(Lethality {
            origin,
            model_pairs: runs.iter().map(|r| r.founders[0] as u64).sum(),
            model_armed: runs.iter().map(|r| r.founders[1] as u64).sum(),
            record_pairs: record.originator_dyads.iter().filter(in_system).count() as u64
                - record.unknown_dyads.iter().filter(in_system).count() as u64,
            record_armed,
        });
        progress(origin, done + 1, origins.len());
    }
    let scores = Target::ALL
        .iter()
        .map(|&t| {
            let of: Vec<&Forecast> = forecasts.iter().filter(|f| f.target == t).collect();
            (
                t,
                score(&of, omitted.get(&t).copied().unwrap_or(0), plan.runs),
            )
        })
        .collect();
    let [first, last] = [origins[0], origins[origins.len() - 1]];
    let provenance = Provenance {
        casus_version: crate::VERSION.to_owned(),
        scenario: format!("worlds of 1 January {first}–{last} from the COW, ATOP and MID tables"),
        scenario_sha256: history.sha256.clone(),
        seed: plan.seed,
        runs_requested: plan.runs,
        shard: None,
        run_range: [0, plan.runs],
        overrides: plan.overrides.clone(),
        parameters: None,
        complete,
        precision: None,
        rules,
    };
    Ok(Backtest {
        casus_version: crate::VERSION.to_owned(),
        plan: plan.clone(),
        provenance: Some(provenance),
        complete,
        scores,
        totals,
        entry: entries,
        lethality,
        honouring,
        forecasts,
    })
}

/// Climatology: each unit's yearly frequency of the event over the years before the origin since
/// 1946 (or its first entry), carried over the horizon as 1 − (1 − f)^H.
struct Climate<'a> {
    yearly: &'a BTreeMap<u32, Record>,
    first_entry: &'a BTreeMap<u32, u32>,
    origin: u32,
    horizon: u32,
}

impl Climate<'_> {
    fn over(&self, since: u32, happened: impl Fn(&Record) -> bool) -> f64 {
        let years: Vec<&Record> = self
            .yearly
            .range(since.max(crate::import::FIRST_YEAR)..self.origin)
            .map(|(_, r)| r)
            .collect();
        if years.is_empty() {
            return 0.0;
        }
        let f = years.iter().filter(|r| happened(r)).count() as f64 / years.len() as f64;
        1.0 - (1.0 - f).powi(self.horizon as i32)
    }

    fn entry(&self, c: u32) -> u32 {
        self.first_entry.get(&c).copied().unwrap_or(self.origin)
    }

    fn state(&self, c: u32, set: impl Fn(&Record) -> &BTreeSet<u32>) -> f64 {
        self.over(self.entry(c), |r| set(r).contains(&c))
    }

    fn dyad(&self, a: u32, b: u32) -> f64 {
        let pair = (a.min(b), a.max(b));
        self.over(self.entry(a).max(self.entry(b)), |r| {
            r.force_dyads.contains(&pair)
        })
    }
}

/// The scores of a set of forecasts made from `runs` runs each, and of `omitted` more units that
/// both the model and climatology gave no chance and that saw nothing (scored, not listed), so that
/// which units are scored does not depend on the model.
pub fn score(forecasts: &[&Forecast], omitted: usize, runs: u64) -> Scores {
    let n = forecasts.len() + omitted;
    let events = forecasts.iter().filter(|f| f.observed).count();
    let o = |f: &Forecast| f64::from(u8::from(f.observed));
    let mean = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
    let brier = mean(forecasts.iter().map(|f| (f.p - o(f)).powi(2)).sum());
    let brier_climatology = mean(
        forecasts
            .iter()
            .map(|f| (f.climatology - o(f)).powi(2))
            .sum(),
    );
    let floor = 1.0 / (2.0 * runs.max(1) as f64);
    let log = |p: f64, happened: bool| {
        let p = p.clamp(floor, 1.0 - floor);
        if happened { p.ln() } else { (1.0 - p).ln() }
    };
    let certain = omitted as f64 * log(0.0, false);
    let log_score = mean(forecasts.iter().map(|f| log(f.p, f.observed)).sum::<f64>() + certain);
    let log_score_climatology = mean(
        forecasts
            .iter()
            .map(|f| log(f.climatology, f.observed))
            .sum::<f64>()
            + certain,
    );
    let reliability = (0..10)
        .filter_map(|k| {
            let (lo, hi) = (f64::from(k) / 10.0, f64::from(k + 1) / 10.0);
            let bin: Vec<&&Forecast> = forecasts
                .iter()
                .filter(|f| f.p >= lo && (f.p < hi || (k == 9 && f.p <= hi)))
                .collect();
            let size = bin.len() + if k == 0 { omitted } else { 0 };
            (size > 0).then(|| Bin {
                lo,
                hi,
                n: size,
                mean_forecast: bin.iter().map(|f| f.p).sum::<f64>() / size as f64,
                observed: bin.iter().filter(|f| f.observed).count() as f64 / size as f64,
            })
        })
        .collect();
    Scores {
        n,
        events,
        brier,
        brier_climatology,
        brier_skill: if brier_climatology > 0.0 {
            1.0 - brier / brier_climatology
        } else {
            0.0
        },
        log_score,
        log_score_climatology,
        auc: auc(forecasts, omitted),
        reliability,
        omitted,
    }
}

/// The area under the ROC curve (Mann–Whitney), ties counting half, with `omitted` more
/// non-events forecast at 0.
fn auc(forecasts: &[&Forecast], omitted: usize) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = forecasts.iter().map(|f| (f.p, f.observed)).collect();
    sorted.extend(std::iter::repeat_n((0.0, false), omitted));
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|x| x.1).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Ranks with ties averaged.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let rank = (i + j + 1) as f64 / 2.0; // mean of ranks i+1..=j
        rank_sum += rank * sorted[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// Why a backtest cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// The tables, or an origin or horizon outside them.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A built world did not validate (a defect of the importer).
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// The runs could not be made.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An override could not be read.
    #[error(transparent)]
    Override(#[from] crate::scenario::OverrideError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: f64, observed: bool) -> Forecast {
        Forecast {
            origin: 1990,
            target: Target::StateWar,
            unit: "X".into(),
            count: 0,
            p,
            climatology: 0.5,
            observed,
        }
    }

    #[test]
    fn scores_match_hand_computed_values() {
        let fs = [f(0.9, true), f(0.2, false), f(0.2, true), f(0.0, false)];
        let refs: Vec<&Forecast> = fs.iter().collect();
        let s = score(&refs, 0, 100);
        // (0.01 + 0.04 + 0.64 + 0) / 4
        assert!((s.brier - 0.1725).abs() < 1e-12);
        assert!((s.brier_climatology - 0.25).abs() < 1e-12);
        assert!((s.brier_skill - (1.0 - 0.1725 / 0.25)).abs() < 1e-12);
        // Events at 0.9 and 0.2; non-events at 0.2 and 0.0: pairs won 1 + 1 + 0.5 + 1 of 4.
        assert_eq!(s.auc, Some(0.875));
        let floor: f64 = 1.0 / 200.0;
        let expected = (0.9f64.ln() + 0.8f64.ln() + 0.2f64.ln() + (1.0 - floor).ln()) / 4.0;
        assert!((s.log_score - expected).abs() < 1e-12);
        assert_eq!(s.reliability.iter().map(|b| b.n).sum::<usize>(), 4);
        assert_eq!(auc(&refs[..1], 0), None);
    }

    /// A unit left off the list scores exactly as the same unit listed: forecast 0 by both, not
    /// observed.
    #[test]
    fn omitted_units_score_as_listed_certain_non_events() {
        let mut fs = vec![f(0.9, true), f(0.2, false), f(0.4, true)];
        let refs: Vec<&Forecast> = fs.iter().collect();
        let omitted = score(&refs, 2, 100);
        let mut nothing = f(0.0, false);
        nothing.climatology = 0.0;
        fs.extend([nothing.clone(), nothing]);
        let refs: Vec<&Forecast> = fs.iter().collect();
        let listed = score(&refs, 0, 100);
        assert_eq!(omitted.n, listed.n);
        assert_eq!(omitted.auc, listed.auc);
        assert_eq!(omitted.reliability, listed.reliability);
        for (a, b) in [
            (omitted.brier, listed.brier),
            (omitted.brier_climatology, listed.brier_climatology),
            (omitted.brier_skill, listed.brier_skill),
            (omitted.log_score, listed.log_score),
            (omitted.log_score_climatology, listed.log_score_climatology),
        ] {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!((omitted.omitted, listed.omitted), (2, 0));
    }
}
