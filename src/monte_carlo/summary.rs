//! The Monte Carlo summary: integer counts and fixed-point sums only, so that merging summaries in
//! any grouping (threads, shards) gives exactly the same result, and the derived probabilities are
//! computed from the merged counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::alignment::{
    AlignmentCounts, AlignmentLabels, AlignmentResult, NuclearResult, TransferCounts,
    TransferLabel, TransferResult,
};
use super::pathways::PathwayCounts;
use super::wilson::Proportion;
use crate::engine::{LiftReason, ObligationIx, Outcome, World};
use crate::model::{Level, Pathway};
use crate::scenario::{NuclearStatus, Parameters, Step, StepUnit};

/// Fixed-point scale for sums of values in [−1, 1]: 10⁻⁹ resolution, exact integer addition.
const FIXED: f64 = 1e9;

/// `x` in units of 10⁻⁹. The values summed lie in [−1, 1], or are a run's delivery, far below 2⁶³
/// units: the conversion goes through `i64`, one instruction where `i128` takes a call.
pub(super) fn fixed(x: f64) -> i128 {
    i128::from((x * FIXED).round() as i64)
}

/// The mean per run of a fixed-point sum over `runs` runs (0 without runs).
pub(super) fn mean_of(sum: i128, runs: u64) -> f64 {
    sum as f64 / FIXED / runs.max(1) as f64
}

/// Where a summary comes from: enough to reproduce it and to refuse merging unlike summaries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The crate version that produced it.
    pub casus_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes (hex).
    pub scenario_sha256: String,
    /// The seed of the run streams.
    pub seed: u64,
    /// The total number of runs requested (across all shards).
    pub runs_requested: u64,
    /// This shard, `[index, count]`, if the runs were split.
    pub shard: Option<[u64; 2]>,
    /// The runs this summary is responsible for: `[first, end)`.
    pub run_range: [u64; 2],
    /// The overrides applied to the scenario, as given (`PATH=VALUE`).
    pub overrides: Vec<String>,
    /// The parameters in effect; absent where there is no one set (a backtest's worlds each take
    /// the record's rates of their own years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Parameters>,
    /// Whether every run of `run_range` is counted.
    pub complete: bool,
    /// The precision target, if the runs stopped once the Wilson half-width of P(highest ≥ war)
    /// reached it: `run_range` then ends where they stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    /// The rules, where they are not the documented defaults: the escalation and honouring rules'
    /// names ([`Rules::provenance`](crate::engine::Rules::provenance)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<String>,
}

impl Provenance {
    /// What two results disagree on, for a reader who would set them side by side: the crate
    /// version, the scenario (by its SHA-256), the seed, the overrides and the rules. Empty when
    /// they agree on all of them.
    pub fn differences(&self, other: &Provenance) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{what}: {a} against {b}"));
            }
        };
        check(
            "casus version",
            self.casus_version.clone(),
            other.casus_version.clone(),
        );
        check(
            "scenario",
            format!("{} ({})", self.scenario, short(&self.scenario_sha256)),
            format!("{} ({})", other.scenario, short(&other.scenario_sha256)),
        );
        check("seed", self.seed.to_string(), other.seed.to_string());
        let overrides = |p: &Provenance| {
            if p.overrides.is_empty() {
                "none".to_owned()
            } else {
                p.overrides.join(", ")
            }
        };
        check("overrides", overrides(self), overrides(other));
        let rules = |p: &Provenance| p.rules.clone().unwrap_or_else(|| "default".to_owned());
        check("rules", rules(self), rules(other));
        out
    }
}

fn all_zero(counts: &[u64; 8]) -> bool {
    counts.iter().all(|&n| n == 0)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The first 12 hex digits of a SHA-256, enough to tell files apart in a message.
fn short(sha256: &str) -> &str {
    &sha256[..sha256.len().min(12)]
}

/// Names for the indices in the counts, so that reports need nothing but the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    /// The step unit (`month`, `day`, ...).
    pub step_unit: String,
    /// The date of step 0 (`YYYY-MM` or `YYYY-MM-DD`), if the scenario gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Steps per run.
    pub steps: Step,
    /// Display names of levels 0–7.
    pub levels: Vec<String>,
    /// Actor ids.
    pub actors: Vec<String>,
    /// Each directed obligation: `treaty/clause`, holder and partner.
    pub obligations: Vec<ObligationLabel>,
    /// Each sanction regime: id and target.
    pub regimes: Vec<RegimeLabel>,
    /// The conflicts under way when the runs begin (an `attack` or `declare` event at step 0 with
    /// `under_way`), in words: every figure counts them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub under_way: Vec<String>,
    /// The conflicts the scenario's question is about (`monte_carlo.focus`), in words, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// Each transfer: id, kind, sender and receiver.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<TransferLabel>,
    /// Each actor's nuclear status at the start, where the scenario has transfers (which may move
    /// it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nuclear: Vec<NuclearStatus>,
    /// What the alignment counts follow, if the scenario asks for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<AlignmentLabels>,
}

impl Labels {
    /// The label of `step` in outputs: its date if the scenario had a `start`, else `m8` and the
    /// like.
    pub fn step_label(&self, step: Step) -> String {
        let unit = StepUnit::from_name(&self.step_unit).unwrap_or(StepUnit::Year);
        let start = self
            .start
            .as_deref()
            .and_then(crate::model::calendar::Date::parse);
        crate::model::calendar::step_label(unit, start, step)
    }
}

/// A directed obligation's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObligationLabel {
    /// `treaty/clause`.
    pub clause: String,
    /// Holder id.
    pub holder: String,
    /// Partner id.
    pub partner: String,
}

/// A sanction regime's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeLabel {
    /// Regime id.
    pub id: String,
    /// Target id.
    pub target: String,
}

/// The conflicts a world's runs begin with already under way, in words: `RUS against UKR at war,
/// under way 29 months`.
fn under_way(world: &World) -> Vec<String> {
    use crate::engine::{Action, Timing};
    world
        .events
        .iter()
        .filter(|e| matches!(e.timing, Timing::At(0)))
        .filter_map(|e| {
            let (by, on, level, steps) = match e.action {
                Action::Confront {
                    by,
                    on,
                    level: Some(level),
                    under_way,
                    ..
                } => (by, on, level, under_way),
                Action::Declare(by, on, under_way) => (by, on, crate::model::Level::War, under_way),
                _ => return None,
            };
            (steps > 0).then(|| {
                format!(
                    "{} against {} at {}, under way {steps} {}{}",
                    world.actors[by].id,
                    world.actors[on].id,
                    world.level_label(level),
                    world.step_unit.name(),
                    if steps == 1 { "" } else { "s" }
                )
            })
        })
        .collect()
}

impl Labels {
    /// The labels of a world.
    pub fn of(world: &World) -> Self {
        Labels {
            step_unit: world.step_unit.name().to_owned(),
            start: world.start.map(|d| d.to_string()),
            steps: world.steps,
            levels: world.level_labels.clone(),
            actors: world.actors.iter().map(|a| a.id.clone()).collect(),
            obligations: world
                .obligations
                .iter()
                .map(|o| ObligationLabel {
                    clause: world.clause_name(o.clause),
                    holder: world.actors[o.holder].id.clone(),
                    partner: world.actors[o.partner].id.clone(),
                })
                .collect(),
            regimes: world
                .sanctions
                .iter()
                .map(|r| RegimeLabel {
                    id: r.id.clone(),
                    target: world.actors[r.target].id.clone(),
                })
                .collect(),
            under_way: under_way(world),
            focus: world.focus.as_ref().map(|f| f.label.clone()),
            transfers: world
                .transfers
                .iter()
                .map(|t| TransferLabel {
                    id: t.id.clone(),
                    kind: t.kind.name().to_owned(),
                    from: world.actors[t.from].id.clone(),
                    to: world.actors[t.to].id.clone(),
                })
                .collect(),
            nuclear: if world.transfers.is_empty() {
                Vec::new()
            } else {
                world.actors.iter().map(|a| a.nuclear).collect()
            },
            alignment: AlignmentLabels::of(world),
        }
    }
}

/// Counts for one actor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActorCounts {
    /// Runs in which it took part at force or above.
    pub belligerent: u64,
    /// Runs in which it took part at war or above.
    pub at_war: u64,
    /// Runs by its highest level of participation (0–7).
    pub highest: [u64; 8],
    /// Runs by its route into its first conflict that reached force.
    pub routes: BTreeMap<String, u64>,
    /// Runs by the first step it was at war (length `steps`).
    pub first_war: Vec<u64>,
}

/// Counts for one directed obligation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ObligationCounts {
    /// Runs in which it fired at least once.
    pub runs_triggered: u64,
    /// Runs in which it fired and was honoured at least once.
    pub runs_honoured: u64,
    /// Firings, over all runs and conflicts.
    pub firings: u64,
    /// Firings whose holder already fought on that side.
    pub engaged: u64,
    /// Firings the holder decided (not engaged).
    pub decisions: u64,
    /// Decisions to honour.
    pub honoured: u64,
    /// Runs in which it was violated.
    pub violated: u64,
    /// Runs by the step it first fired (length `steps`, allocated on first use).
    pub first_fired: Vec<u64>,
}

/// Counts for one sanction regime.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RegimeCounts {
    /// Runs in which it was imposed.
    pub imposed: u64,
    /// Runs in which the target complied.
    pub complied: u64,
    /// Runs in which the objective was met otherwise.
    pub objective_met: u64,
    /// Runs in which it expired or was lifted by an event.
    pub ended_otherwise: u64,
}

/// Everything counted over runs. Every field is an integer or a fixed-point integer sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Runs counted.
    pub runs: u64,
    /// Runs by highest level (0–7).
    pub highest: [u64; 8],
    /// Runs by the highest level of the conflicts begun in the run (0–7): those under way when it
    /// began left out.
    #[serde(default)]
    pub highest_begun: [u64; 8],
    /// Runs by the highest level of the conflicts in the scenario's focus (0–7); all zero
    /// without a focus.
    #[serde(default, skip_serializing_if = "all_zero")]
    pub highest_focus: [u64; 8],
    /// For each level, runs by the first step it was reached (8 × `steps`).
    pub first_reached: Vec<Vec<u64>>,
    /// For each step, runs by the highest active level at its end (`steps` × 8).
    pub level_by_step: Vec<[u64; 8]>,
    /// Per actor.
    pub actors: Vec<ActorCounts>,
    /// Per directed obligation.
    pub obligations: Vec<ObligationCounts>,
    /// Per sanction regime.
    pub regimes: Vec<RegimeCounts>,
    /// Per actor, the sum of final pressures in units of 10⁻⁹.
    pub pressure_sum: Vec<i128>,
    /// Per directed pair (`from * n + to`), the sum of final stances in units of 10⁻⁹.
    pub stance_sum: Vec<i128>,
    /// Runs by pathway, in bounded memory: exact up to [`CAPACITY`](super::pathways::CAPACITY) distinct pathways
    /// per block of runs, within a stated shortfall beyond (docs/MODEL.md §3.10).
    pub pathways: PathwayCounts,
    /// Per transfer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<TransferCounts>,
    /// Per actor, runs by its final nuclear status (none, few, regional, global), where the
    /// scenario has transfers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nuclear: Vec<[u64; 4]>,
    /// Alignment, if the scenario asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<AlignmentCounts>,
}

impl Counts {
    /// P(highest level ≥ war) with its Wilson 95 % interval: what a precision target reads.
    pub fn war(&self) -> Proportion {
        let at_war: u64 = self.highest[Level::War.number() as usize..].iter().sum();
        Proportion::new(at_war, self.runs)
    }

    /// Half the width of [`Counts::war`]'s interval.
    pub fn war_half_width(&self) -> f64 {
        self.war().half_width()
    }

    /// Empty counts for a world.
    pub fn new(world: &World) -> Self {
        let steps = world.steps as usize;
        let n = world.n();
        Counts {
            runs: 0,
            highest: [0; 8],
            highest_begun: [0; 8],
            highest_focus: [0; 8],
            first_reached: vec![vec![0; steps]; 8],
            level_by_step: vec![[0; 8]; steps],
            actors: vec![
                ActorCounts {
                    first_war: vec![0; steps],
                    ..ActorCounts::default()
                };
                n
            ],
            obligations: vec![ObligationCounts::default(); world.obligations.len()],
            regimes: vec![RegimeCounts::default(); world.sanctions.len()],
            pressure_sum: vec![0; n],
            stance_sum: vec![0; n * n],
            pathways: PathwayCounts::default(),
            transfers: vec![TransferCounts::default(); world.transfers.len()],
            nuclear: if world.transfers.is_empty() {
                Vec::new()
            } else {
                vec![[0; 4]; n]
            },
            alignment: world
                .alignment
                .as_ref()
                .map(|info| AlignmentCounts::new(info, steps, n)),
        }
    }

    /// Counts run `run`.
    pub fn add(&mut self, world: &World, run: u64, o: &Outcome) {
        let steps = world.steps as usize;
        self.runs += 1;
        self.highest[o.highest.number() as usize] += 1;
        self.highest_begun[o.highest_begun.number() as usize] += 1;
        if world.focus.is_some() {
            self.highest_focus[o.highest_focus.number() as usize] += 1;
        }
        for (level, first) in o.first_reached.iter().enumerate() {
            if let Some(step) = first {
                self.first_reached[level][*step as usize] += 1;
            }
        }
        for (step, level) in o.level_by_step.iter().enumerate() {
            self.level_by_step[step][level.number() as usize] += 1;
        }
        for (a, counts) in world.actor_ixs().zip(&mut self.actors) {
            let highest = o.actor_highest[a];
            counts.highest[highest.number() as usize] += 1;
            counts.belligerent += u64::from(highest >= Level::Force);
            counts.at_war += u64::from(highest >= Level::War);
            if let Some(step) = o.actor_first_war[a] {
                counts.first_war[step as usize] += 1;
            }
            if let Some(route) = o.route(world, a) {
                *counts.routes.entry(route).or_default() += 1;
            }
        }
        let mut triggered: Vec<u8> = Vec::new();
        for t in &o.triggers {
            let counts = &mut self.obligations[t.obligation];
            counts.firings += 1;
            counts.engaged += u64::from(t.engaged);
            if !t.engaged {
                counts.decisions += 1;
                counts.honoured += u64::from(t.honoured);
            }
            if counts.first_fired.is_empty() {
                counts.first_fired = vec![0; steps];
            }
            if triggered.is_empty() {
                triggered = vec![0u8; self.obligations.len()];
            }
            let flags = &mut triggered[t.obligation];
            if *flags & 1 == 0 {
                *flags |= 1;
                let counts = &mut self.obligations[t.obligation];
                counts.runs_triggered += 1;
                counts.first_fired[t.step as usize] += 1;
            }
            if t.honoured && *flags & 2 == 0 {
                *flags |= 2;
                self.obligations[t.obligation].runs_honoured += 1;
            }
        }
        let mut violated: Vec<ObligationIx> = o.violations.iter().map(|v| v.obligation).collect();
        violated.sort_unstable();
        violated.dedup();
        for ob in violated {
            self.obligations[ob].violated += 1;
        }
        for (r, course) in o.sanctions.iter().enumerate() {
            let counts = &mut self.regimes[r];
            counts.imposed += u64::from(course.imposed.is_some());
            match course.lifted {
                Some((_, LiftReason::Compliance)) => counts.complied += 1,
                Some((_, LiftReason::ObjectiveMet)) => counts.objective_met += 1,
                Some((_, LiftReason::Expired | LiftReason::Event)) => counts.ended_otherwise += 1,
                None => {}
            }
        }
        for (sum, p) in self.pressure_sum.iter_mut().zip(&o.final_pressure) {
            *sum += fixed(*p);
        }
        for (sum, s) in self.stance_sum.iter_mut().zip(&o.final_stances) {
            *sum += fixed(*s);
        }
        self.pathways.add(run, &o.pathway);
        for (counts, course) in self.transfers.iter_mut().zip(&o.transfers) {
            counts.add(course);
        }
        for (counts, status) in self.nuclear.iter_mut().zip(&o.final_nuclear) {
            counts[status.index()] += 1;
        }
        if let (Some(counts), Some(info)) = (&mut self.alignment, &world.alignment) {
            counts.add(info, steps, o);
        }
    }

    /// Adds another summary's counts to these: exact and associative.
    pub fn merge(&mut self, other: &Counts) {
        fn add(a: &mut [u64], b: &[u64]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        fn add_grown(a: &mut Vec<u64>, b: &[u64]) {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            add(a, b);
        }
        self.runs += other.runs;
        add(&mut self.highest, &other.highest);
        add(&mut self.highest_begun, &other.highest_begun);
        add(&mut self.highest_focus, &other.highest_focus);
        for (a, b) in self.first_reached.iter_mut().zip(&other.first_reached) {
            add(a, b);
        }
        for (a, b) in self.level_by_step.iter_mut().zip(&other.level_by_step) {
            add(a, b);
        }
        for (a, b) in self.actors.iter_mut().zip(&other.actors) {
            a.belligerent += b.belligerent;
            a.at_war += b.at_war;
            add(&mut a.highest, &b.highest);
            for (route, n) in &b.routes {
                *a.routes.entry(route.clone()).or_default() += n;
            }
            add(&mut a.first_war, &b.first_war);
        }
        for (a, b) in self.obligations.iter_mut().zip(&other.obligations) {
            a.runs_triggered += b.runs_triggered;
            a.runs_honoured += b.runs_honoured;
            a.firings += b.firings;
            a.engaged += b.engaged;
            a.decisions += b.decisions;
            a.honoured += b.honoured;
            a.violated += b.violated;
            add_grown(&mut a.first_fired, &b.first_fired);
        }
        for (a, b) in self.regimes.iter_mut().zip(&other.regimes) {
            a.imposed += b.imposed;
            a.complied += b.complied;
            a.objective_met += b.objective_met;
            a.ended_otherwise += b.ended_otherwise;
        }
        for (a, b) in self.pressure_sum.iter_mut().zip(&other.pressure_sum) {
            *a += b;
        }
        for (a, b) in self.stance_sum.iter_mut().zip(&other.stance_sum) {
            *a += b;
        }
        self.pathways.merge(&other.pathways);
        for (a, b) in self.transfers.iter_mut().zip(&other.transfers) {
            a.merge(b);
        }
        for (a, b) in self.nuclear.iter_mut().zip(&other.nuclear) {
            add(a, b);
        }
        if let (Some(a), Some(b)) = (&mut self.alignment, &other.alignment) {
            a.merge(b);
        }
    }
}

/// A Monte Carlo summary: provenance, labels, raw counts, and the results derived from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Where it comes from.
    pub provenance: Provenance,
    /// Names for the indices in the counts.
    pub labels: Labels,
    /// Probabilities and means derived from the counts (recomputed on merging).
    pub results: Results,
    /// The raw counts.
    pub counts: Counts,
}

/// The derived results of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Runs counted.
    pub runs: u64,
    /// P(highest level ≥ k) for k = 0…7 at entry k, with Wilson 95 % intervals (k = 0 counts
    /// every run); [`Results::at_least`] finds one by level.
    pub highest_at_least: Vec<LevelResult>,
    /// The same for the conflicts begun in the run, when some conflict is under way as the runs
    /// begin ([`Labels::under_way`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highest_at_least_begun: Vec<LevelResult>,
    /// The same for the conflicts in the scenario's focus ([`Labels::focus`]); empty without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highest_at_least_focus: Vec<LevelResult>,
    /// The median first step at which some conflict was at war, among runs with a war.
    pub median_first_war: Option<Step>,
    /// Per actor.
    pub actors: Vec<ActorResult>,
    /// Per directed obligation that fired in some run.
    pub obligations: Vec<ObligationResult>,
    /// Per sanction regime.
    pub regimes: Vec<RegimeResult>,
    /// The most frequent pathways (at most 20), most frequent first.
    pub top_pathways: Vec<PathwayResult>,
    /// Distinct pathways: exact when `pathway_shortfall` is 0, else estimated (±1.6 %).
    pub distinct_pathways: u64,
    /// The most a pathway's count can fall short of the true one (0: every count exact): the
    /// price of counting pathways in bounded memory (docs/MODEL.md §3.10).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pathway_shortfall: u64,
    /// Per transfer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<TransferResult>,
    /// The final nuclear status of each actor that receives missile or nuclear technology.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nuclear: Vec<NuclearResult>,
    /// Who stands with whom, at each checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<AlignmentResult>,
}

/// P(highest ≥ level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelResult {
    /// The level number.
    pub level: u8,
    /// Its label.
    pub name: String,
    /// The probability.
    pub probability: Proportion,
}

/// An actor's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorResult {
    /// Actor id.
    pub actor: String,
    /// P(takes part at force or above).
    pub belligerent: Proportion,
    /// P(takes part at war or above).
    pub at_war: Proportion,
    /// Routes into its first conflict that reached force, with the runs taking each, most first.
    pub routes: Vec<(String, u64)>,
    /// Mean final sanction pressure.
    pub mean_final_pressure: f64,
}

/// An obligation's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObligationResult {
    /// `treaty/clause`.
    pub clause: String,
    /// Holder id.
    pub holder: String,
    /// Partner id.
    pub partner: String,
    /// P(fires at least once in a run).
    pub triggered: Proportion,
    /// P(honoured | triggered), over runs.
    pub honoured_given_triggered: Proportion,
    /// The median step of its first firing, among runs where it fired.
    pub median_first_step: Option<Step>,
    /// P(violated in a run) (neutrality and non-aggression).
    pub violated: Proportion,
}

/// A sanction regime's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegimeResult {
    /// Regime id.
    pub regime: String,
    /// Target id.
    pub target: String,
    /// P(imposed).
    pub imposed: Proportion,
    /// P(target complies | imposed).
    pub compliance: Proportion,
    /// P(objective met otherwise | imposed).
    pub objective_met: Proportion,
    /// Mean final pressure on the target.
    pub mean_final_pressure: f64,
}

/// A pathway and how often it occurred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayResult {
    /// The canonical pathway (empty: no conflict drew in a third party or reached war).
    pub pathway: Pathway,
    /// Its share of runs.
    pub share: Proportion,
}

/// The median of a histogram over steps.
fn median_step(histogram: &[u64]) -> Option<Step> {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    let mut seen = 0;
    for (step, n) in histogram.iter().enumerate() {
        seen += n;
        if 2 * seen >= total {
            return Some(step as Step);
        }
    }
    None
}

impl Summary {
    /// One actor's results, by id.
    pub fn actor(&self, id: &str) -> Option<&ActorResult> {
        self.results.actors.iter().find(|a| a.actor == id)
    }

    /// One directed obligation's results, by `treaty/clause` and holder.
    pub fn obligation(&self, clause: &str, holder: &str) -> Option<&ObligationResult> {
        self.results
            .obligations
            .iter()
            .find(|o| o.clause == clause && o.holder == holder)
    }

    /// Checks a summary read back from a file (by `merge`, `--resume` and `report`) before any of
    /// it is used: its arrays have the lengths its labels give, its counts the relations every run
    /// keeps (level counts sum to the runs; no count exceeds the runs, or the count it is part
    /// of; a pathway per run), its runs fit the range it claims, and its results are the ones its
    /// counts give. The error names the broken invariant.
    pub fn check(&self) -> Result<(), String> {
        let c = &self.counts;
        let l = &self.labels;
        let runs = c.runs;
        let steps = l.steps as usize;
        let sum = |xs: &[u64]| -> Result<u64, String> {
            xs.iter()
                .try_fold(0u64, |a, &x| a.checked_add(x))
                .ok_or_else(|| "a sum of counts overflows".to_owned())
        };
        let require = |ok: bool, what: String| if ok { Ok(()) } else { Err(what) };
        let [start, end] = self.provenance.run_range;
        require(
            start <= end && end <= self.provenance.runs_requested && runs <= end - start,
            format!(
                "counts.runs is {runs}, more than its runs {start}..{end} of {}",
                self.provenance.runs_requested
            ),
        )?;
        require(
            !self.provenance.complete || runs == end - start,
            format!("complete, but counts {runs} runs of its {start}..{end}"),
        )?;
        require(
            l.levels.len() == 8,
            format!("{} level labels, not 8", l.levels.len()),
        )?;
        for (name, counts) in [("highest", &c.highest), ("highest_begun", &c.highest_begun)] {
            let total = sum(counts)?;
            require(
                total == runs,
                format!("counts.{name} sums to {total}, not to the {runs} runs"),
            )?;
        }
        let focus = sum(&c.highest_focus)?;
        require(
            focus == runs || (focus == 0 && l.focus.is_none()),
            format!("counts.highest_focus sums to {focus}, not to the {runs} runs"),
        )?;
        require(
            c.first_reached.len() == 8 && c.first_reached.iter().all(|r| r.len() == steps),
            format!("counts.first_reached is not 8 rows of {steps} steps"),
        )?;
        for (k, row) in c.first_reached.iter().enumerate() {
            require(
                sum(row)? <= runs,
                format!("counts.first_reached[{k}] counts more than {runs} runs"),
            )?;
        }
        require(
            c.level_by_step.len() == steps,
            format!(
                "counts.level_by_step has {} steps, not {steps}",
                c.level_by_step.len()
            ),
        )?;
        for (t, row) in c.level_by_step.iter().enumerate() {
            let total = sum(row)?;
            require(
                total == runs,
                format!("counts.level_by_step[{t}] sums to {total}, not to the {runs} runs"),
            )?;
        }
        let lengths = [
            ("actors", c.actors.len(), l.actors.len()),
            ("obligations", c.obligations.len(), l.obligations.len()),
            ("regimes", c.regimes.len(), l.regimes.len()),
            ("pressure_sum", c.pressure_sum.len(), l.actors.len()),
            (
                "stance_sum",
                c.stance_sum.len(),
                l.actors.len() * l.actors.len(),
            ),
        ];
        for (name, found, expected) in lengths {
            require(
                found == expected,
                format!("counts.{name} has {found} entries; its labels name {expected}"),
            )?;
        }
        for (a, id) in c.actors.iter().zip(&l.actors) {
            let at = |k: usize| sum(&a.highest[k..]);
            require(
                sum(&a.highest)? == runs,
                format!("actor {id}: its levels do not sum to the {runs} runs"),
            )?;
            require(
                a.belligerent == at(4)?,
                format!("actor {id}: belligerent is not its runs at force or above"),
            )?;
            require(
                a.at_war == at(5)?,
                format!("actor {id}: at_war is not its runs at war or above"),
            )?;
            require(
                a.first_war.len() == steps && sum(&a.first_war)? == a.at_war,
                format!("actor {id}: first_war does not count its runs at war over {steps} steps"),
            )?;
            let routes = a.routes.values().try_fold(0u64, |t, &n| t.checked_add(n));
            require(
                routes == Some(a.belligerent),
                format!("actor {id}: its routes do not count its runs at force"),
            )?;
        }
        for (o, label) in c.obligations.iter().zip(&l.obligations) {
            let name = format!(
                "obligation {} {}>{}",
                label.clause, label.holder, label.partner
            );
            require(
                o.runs_honoured <= o.runs_triggered
                    && o.runs_triggered <= runs
                    && o.violated <= runs
                    && o.honoured <= o.decisions
                    && o.decisions.checked_add(o.engaged) == Some(o.firings)
                    && o.first_fired.len() <= steps
                    && sum(&o.first_fired)? == o.runs_triggered,
                format!("{name}: its counts are not those of any runs"),
            )?;
        }
        for (g, label) in c.regimes.iter().zip(&l.regimes) {
            let lifted = [g.complied, g.objective_met, g.ended_otherwise]
                .iter()
                .try_fold(0u64, |t, &n| t.checked_add(n));
            require(
                g.imposed <= runs && lifted.is_some_and(|n| n <= g.imposed),
                format!(
                    "sanction regime {}: its counts are not those of any runs",
                    label.id
                ),
            )?;
        }
        let scale = i128::from(runs) * 1_000_000_000;
        require(
            c.pressure_sum.iter().all(|x| (0..=scale).contains(x))
                && c.stance_sum.iter().all(|x| x.abs() <= scale),
            "a sum of final pressures or stances is out of its range".to_owned(),
        )?;
        require(
            c.transfers.len() == l.transfers.len()
                && c.transfers
                    .iter()
                    .all(|t| t.detected <= t.started && t.started <= runs && t.delivered_sum >= 0),
            "counts.transfers are not those of any runs".to_owned(),
        )?;
        require(
            c.nuclear.len() == l.nuclear.len()
                && (c.nuclear.is_empty() || c.nuclear.len() == l.actors.len()),
            "counts.nuclear does not match its labels".to_owned(),
        )?;
        for (finals, id) in c.nuclear.iter().zip(&l.actors) {
            require(
                sum(finals)? == runs,
                format!("actor {id}: its final nuclear statuses do not sum to the {runs} runs"),
            )?;
        }
        match (&c.alignment, &l.alignment) {
            (None, None) => {}
            (Some(counts), Some(labels)) => counts.check(labels, l.actors.len(), steps, runs)?,
            _ => return Err("counts.alignment does not match its labels".to_owned()),
        }
        c.pathways.check(runs)?;
        require(
            Results::derive(l, c) == self.results,
            "its results are not the ones its counts give".to_owned(),
        )
    }

    /// A summary of `counts`, deriving its results.
    pub fn new(provenance: Provenance, labels: Labels, counts: Counts) -> Self {
        let results = Results::derive(&labels, &counts);
        Summary {
            provenance,
            labels,
            results,
            counts,
        }
    }

    /// Mean final stance of `from` toward `to`, by actor index.
    pub fn mean_final_stance(&self, from: usize, to: usize) -> f64 {
        let n = self.labels.actors.len();
        mean_of(self.counts.stance_sum[from * n + to], self.counts.runs)
    }

    /// P(some conflict at war or above by the end of each step): the cumulative incidence of war.
    pub fn war_by_step(&self) -> Vec<f64> {
        let runs = self.counts.runs.max(1) as f64;
        // A run's first step at level ≥ 5 is recorded under level 5 (every lower level is recorded
        // when a higher one is reached).
        let mut cumulative = 0;
        self.counts.first_reached[Level::War.number() as usize]
            .iter()
            .map(|n| {
                cumulative += n;
                cumulative as f64 / runs
            })
            .collect()
    }
}

impl Results {
    /// P(highest level ≥ `level`), with its interval.
    pub fn at_least(&self, level: Level) -> &LevelResult {
        &self.highest_at_least[usize::from(level.number())]
    }
}

impl Results {
    fn derive(labels: &Labels, c: &Counts) -> Self {
        let runs = c.runs;
        let at_least = |highest: &[u64; 8]| -> Vec<LevelResult> {
            (0..8)
                .map(|k| LevelResult {
                    level: k as u8,
                    name: labels.levels[k].clone(),
                    probability: Proportion::new(highest[k..].iter().sum(), runs),
                })
                .collect()
        };
        let highest_at_least = at_least(&c.highest);
        let highest_at_least_begun = if labels.under_way.is_empty() {
            Vec::new()
        } else {
            at_least(&c.highest_begun)
        };
        let highest_at_least_focus = if labels.focus.is_none() {
            Vec::new()
        } else {
            at_least(&c.highest_focus)
        };
        let per_run_mean = |sum: i128| mean_of(sum, runs);
        let actors = c
            .actors
            .iter()
            .enumerate()
            .map(|(a, counts)| {
                let mut routes: Vec<(String, u64)> =
                    counts.routes.iter().map(|(r, n)| (r.clone(), *n)).collect();
                routes.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
                ActorResult {
                    actor: labels.actors[a].clone(),
                    belligerent: Proportion::new(counts.belligerent, runs),
                    at_war: Proportion::new(counts.at_war, runs),
                    routes,
                    mean_final_pressure: per_run_mean(c.pressure_sum[a]),
                }
            })
            .collect();
        let obligations = c
            .obligations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.runs_triggered > 0 || o.violated > 0)
            .map(|(i, o)| {
                let label = &labels.obligations[i];
                ObligationResult {
                    clause: label.clause.clone(),
                    holder: label.holder.clone(),
                    partner: label.partner.clone(),
                    triggered: Proportion::new(o.runs_triggered, runs),
                    honoured_given_triggered: Proportion::new(o.runs_honoured, o.runs_triggered),
                    median_first_step: median_step(&o.first_fired),
                    violated: Proportion::new(o.violated, runs),
                }
            })
            .collect();
        let regimes = c
            .regimes
            .iter()
            .enumerate()
            .map(|(r, counts)| {
                let label = &labels.regimes[r];
                let target = labels
                    .actors
                    .iter()
                    .position(|a| *a == label.target)
                    .unwrap_or(0);
                RegimeResult {
                    regime: label.id.clone(),
                    target: label.target.clone(),
                    imposed: Proportion::new(counts.imposed, runs),
                    compliance: Proportion::new(counts.complied, counts.imposed),
                    objective_met: Proportion::new(counts.objective_met, counts.imposed),
                    mean_final_pressure: per_run_mean(c.pressure_sum[target]),
                }
            })
            .collect();
        let pathways = c.pathways.ranked();
        let top_pathways = pathways
            .iter()
            .take(20)
            .map(|&(p, n)| PathwayResult {
                pathway: p.clone(),
                share: Proportion::new(n, runs),
            })
            .collect();
        Results {
            runs,
            highest_at_least,
            highest_at_least_begun,
            highest_at_least_focus,
            median_first_war: median_step(&c.first_reached[Level::War.number() as usize]),
            actors,
            obligations,
            regimes,
            top_pathways,
            distinct_pathways: c
                .pathways
                .estimated_distinct()
                .unwrap_or(pathways.len() as u64),
            pathway_shortfall: c.pathways.shortfall(),
            transfers: labels
                .transfers
                .iter()
                .zip(&c.transfers)
                .map(|(label, counts)| TransferResult::derive(label, counts, runs))
                .collect(),
            nuclear: labels
                .actors
                .iter()
                .enumerate()
                .filter(|(_, id)| {
                    labels.transfers.iter().any(|t| {
                        &t.to == *id
                            && matches!(
                                t.kind.as_str(),
                                "missile_technology" | "nuclear_technology"
                            )
                    })
                })
                .filter_map(|(a, id)| {
                    let initial = *labels.nuclear.get(a)?;
                    Some(NuclearResult::derive(id, initial, c.nuclear.get(a)?, runs))
                })
                .collect(),
            alignment: labels
                .alignment
                .as_ref()
                .zip(c.alignment.as_ref())
                .map(|(l, counts)| {
                    AlignmentResult::derive(l, &labels.actors, labels.steps as usize, counts, runs)
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums of final pressures and stances stay exact far past 2^63 units of 10⁻⁹: ten billion
    /// runs each ending at full pressure and full hostility.
    #[test]
    fn fixed_point_sums_do_not_overflow_at_ten_billion_runs() {
        let scenario = crate::scenario::load("scenarios/two_actor_dispute.json").unwrap();
        let world = World::new(&scenario).unwrap();
        let runs: u64 = 10_000_000_000;
        let mut counts = Counts::new(&world);
        let mut half = Counts::new(&world);
        half.runs = runs / 2;
        half.highest[0] = runs / 2;
        half.highest_begun[0] = runs / 2;
        half.level_by_step.iter_mut().for_each(|l| l[0] = runs / 2);
        half.actors.iter_mut().for_each(|a| a.highest[0] = runs / 2);
        half.pressure_sum[0] = i128::from(runs / 2) * fixed(1.0);
        half.stance_sum[1] = -i128::from(runs / 2) * fixed(1.0);
        for range in [[0, runs / 2], [runs / 2, runs]] {
            half.pathways = PathwayCounts::same(range, &Pathway::default());
            counts.merge(&half);
        }
        assert!(counts.pressure_sum[0] > i128::from(i64::MAX));
        let mc = crate::MonteCarlo::new(&world).runs(runs);
        let summary = Summary::new(
            mc.provenance_of(&world, [0, runs], true),
            Labels::of(&world),
            counts,
        );
        assert_eq!(summary.check(), Ok(()));
        assert_eq!(summary.results.actors[0].mean_final_pressure, 1.0);
    }
}
