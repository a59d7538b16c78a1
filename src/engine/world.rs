//! The compiled world: a validated scenario with every id resolved to an index, shared read-only by
//! all runs.

use std::collections::BTreeMap;

use super::draws::key_of;
use crate::model::{AttackCondition, ForceAction, Level, Severity};
use crate::scenario::{
    self, Commitment, Condition, EventKind, NuclearStatus, Objective, ObligationKind, Parameters,
    Reach, Role, Scenario, Step, StepUnit, Support, Territory, TransferKind,
};

crate::index_type! {
    /// Index of an actor in [`World::actors`].
    ActorIx
}

impl ActorIx {
    /// The position of the ordered pair (`self`, `to`) in a row-major n × n table.
    pub(crate) fn pair(self, to: ActorIx, n: usize) -> usize {
        self.index() * n + to.index()
    }
}
crate::index_type! {
    /// Index of a region in [`World::regions`].
    RegionIx
}
crate::index_type! {
    /// Index of a treaty in [`World::treaties`].
    TreatyIx
}
crate::index_type! {
    /// Index of a clause (a treaty's obligation as written, before expansion) in [`World::clauses`].
    ClauseIx
}
crate::index_type! {
    /// Index of a directed obligation in [`World::obligations`].
    ObligationIx
}

/// An actor with its regions resolved.
#[derive(Debug, Clone)]
pub struct ActorInfo {
    /// Short code.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Material power.
    pub capability: f64,
    /// Economic weight.
    pub economy: f64,
    /// Nuclear status at the start of a run.
    pub nuclear: NuclearStatus,
    /// Territory.
    pub regions: Vec<RegionIx>,
    /// Highest support posture short of fighting.
    pub max_support: Support,
    /// Where it can start a dispute with an actor it has no dyad rate with.
    pub reach: Reach,
    /// Its multiple of `voluntary_entry_rate`.
    pub voluntary_entry: f64,
}

/// A region and its parent.
#[derive(Debug, Clone)]
pub struct RegionInfo {
    /// Region id.
    pub id: String,
    /// The region it lies within.
    pub parent: Option<RegionIx>,
}

/// A treaty's identity and the steps it is in force.
#[derive(Debug, Clone)]
pub struct TreatyInfo {
    /// Treaty id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Members.
    pub members: Vec<ActorIx>,
    /// First step in force.
    pub from: Step,
    /// First step no longer in force.
    pub until: Option<Step>,
}

/// A clause as written: `treaty/obligation`.
#[derive(Debug, Clone)]
pub struct Clause {
    /// The treaty.
    pub treaty: TreatyIx,
    /// The obligation's id within the treaty.
    pub id: String,
}

/// A directed obligation with every condition resolved and every default applied.
#[derive(Debug, Clone)]
pub struct DirectedObligation {
    /// The clause it expands.
    pub clause: ClauseIx,
    /// The treaty.
    pub treaty: TreatyIx,
    /// Who owes.
    pub holder: ActorIx,
    /// To whom.
    pub partner: ActorIx,
    /// What.
    pub kind: ObligationKind,
    /// Which of the partner's roles triggers it.
    pub role: Role,
    /// Least conflict level.
    pub min_level: Level,
    /// Only an armed attack counts (a lethal attack or clash, or war), not any use of force.
    pub armed: bool,
    /// The partner must not have used force first.
    pub unprovoked: bool,
    /// The attack must fall on the partner's territory.
    pub territory: Territory,
    /// Only these adversaries count (sorted), if given.
    pub adversaries: Option<Vec<ActorIx>>,
    /// These adversaries never count (sorted).
    pub adversaries_exclude: Vec<ActorIx>,
    /// Distinct adversaries needed.
    pub min_adversaries: usize,
    /// The attack must take place within one of these regions, if given.
    pub regions: Option<Vec<RegionIx>>,
    /// A clause that must have fired first in the same conflict.
    pub after: Option<ClauseIx>,
    /// Highest level at which the holder takes part once it joins.
    pub response_level: Level,
    /// Delay range in steps.
    pub delay: [Step; 2],
    /// Commitment.
    pub commitment: Commitment,
    /// Prior probability of honouring.
    pub reliability: f64,
    /// Written or informal.
    pub formal: bool,
}

/// A sanction regime with its parties resolved.
#[derive(Debug, Clone)]
pub struct SanctionInfo {
    /// Regime id.
    pub id: String,
    /// Senders.
    pub senders: Vec<ActorIx>,
    /// Target.
    pub target: ActorIx,
    /// Intensity.
    pub intensity: f64,
    /// First step it may be imposed.
    pub from: Step,
    /// Imposed once this holds.
    pub when: Option<Cond>,
    /// Lifted at this step.
    pub until: Option<Step>,
    /// Imposed only by events.
    pub dormant: bool,
    /// What lifts it.
    pub objective: Objective,
    /// The senders' summed economic weight.
    pub(crate) senders_economy: f64,
    /// The other regimes with the same senders (ascending): their targets are this one's fellow
    /// targets while both are in force.
    pub(crate) kindred: Vec<usize>,
}

/// A condition with actors resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Cond {
    /// Dyadic level at least `level`.
    Level(ActorIx, ActorIx, Level),
    /// The actor's level at least `level`.
    ActorLevel(ActorIx, Level),
    /// The step at least this.
    Step(Step),
    /// The treaty is in force.
    InForce(TreatyIx),
    /// All hold.
    All(Vec<Cond>),
    /// Any holds.
    Any(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
}

/// When a scripted event happens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Timing {
    /// At a fixed step.
    At(Step),
    /// With this probability, at a uniformly drawn step of the window.
    Window {
        /// Probability that it happens at all.
        probability: f64,
        /// First and last step.
        window: [Step; 2],
    },
    /// With this probability each step of the window.
    Hazard {
        /// Probability per step.
        hazard: f64,
        /// First and last step.
        window: [Step; 2],
    },
    /// The first step its condition holds.
    WhenOnly,
}

/// What a scripted event does.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Action {
    /// Use of force (level ≥ 4) or a dispute (level 1–3, or drawn when `None`).
    Confront {
        /// The acting actor.
        by: ActorIx,
        /// The actor acted upon.
        on: ActorIx,
        /// The level; `None` draws a starting level.
        level: Option<Level>,
        /// Where; `None` for the target's first region.
        region: Option<RegionIx>,
        /// What the use of force is (at level 4); `None` draws it from the pair's mix.
        severity: Option<Severity>,
        /// Steps a conflict it opens has already lasted at its level.
        under_way: Step,
    },
    /// `by` declares war on `on`: joins a war `on` fights, or opens one, without an attack; a war
    /// it opens has already lasted the given steps.
    Declare(ActorIx, ActorIx, Step),
    /// Impose a regime.
    Sanction(usize),
    /// Lift a regime.
    Lift(usize),
    /// Bring a treaty into force.
    Sign(TreatyIx),
    /// A member leaves a treaty, or the treaty ends.
    Withdraw(TreatyIx, Option<ActorIx>),
    /// Set or shift stances.
    Stance {
        /// Directed pairs changed.
        pairs: Vec<(ActorIx, ActorIx)>,
        /// New value, or shift.
        change: StanceChange,
    },
    /// Conflicts between the two end.
    Ceasefire(ActorIx, ActorIx),
    /// The first actor joins the conflict of the second, on the side facing it, up to the level.
    Join(ActorIx, ActorIx, Level),
}

/// A stance event's change.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum StanceChange {
    /// Set to this value.
    Set(f64),
    /// Add this shift.
    Shift(f64),
}

/// A scripted event, compiled.
#[derive(Debug, Clone)]
pub struct EventInfo {
    /// Event id.
    pub id: String,
    /// When.
    pub timing: Timing,
    /// Gate.
    pub when: Option<Cond>,
    /// What.
    pub action: Action,
}

/// A transfer with its parties and regimes resolved (docs/MODEL.md §3.8).
#[derive(Debug, Clone)]
pub struct TransferInfo {
    /// Transfer id.
    pub id: String,
    /// What flows.
    pub kind: TransferKind,
    /// Sender.
    pub from: ActorIx,
    /// Receiver.
    pub to: ActorIx,
    /// The rate per year, drawn uniformly per run between these (equal when known).
    pub rate: [f64; 2],
    /// First step it may flow.
    pub start: Step,
    /// It flows only at steps at which this holds.
    pub when: Option<Cond>,
    /// First step it no longer flows.
    pub until: Option<Step>,
    /// The regimes it breaches (ascending).
    pub violates: Vec<usize>,
    /// Probability per step of detection while it flows and breaches a regime in force.
    pub detection: f64,
}

/// The draws' keys of named elements, parallel to the world's lists (docs/MODEL.md §5).
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    /// Per clause: its `treaty/clause` name's.
    pub(crate) clauses: Vec<u64>,
    /// Per directed obligation: `treaty/clause holder>partner`'s.
    pub(crate) obligations: Vec<u64>,
    /// Per event: its id's.
    pub(crate) events: Vec<u64>,
    /// Per regime: its id's.
    pub(crate) regimes: Vec<u64>,
    /// Per transfer: its id's.
    pub(crate) transfers: Vec<u64>,
}

/// What the alignment outputs follow (`monte_carlo.alignment`), resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentInfo {
    /// Directed pairs whose stances are kept at every step.
    pub pairs: Vec<(ActorIx, ActorIx)>,
    /// Candidate blocs, each a list of actors (as listed).
    pub blocs: Vec<Vec<ActorIx>>,
    /// The steps at which the distributions and the blocs are reported, ascending and distinct,
    /// the last step of the run last (the end).
    pub checkpoints: Vec<Step>,
    /// The ordered pairs of distinct members of one bloc, bloc by bloc.
    pub(crate) within: Vec<(ActorIx, ActorIx)>,
    /// The ordered pairs of members of two different blocs.
    pub(crate) between: Vec<(ActorIx, ActorIx)>,
}

/// The compiled scenario.
#[derive(Debug, Clone)]
pub struct World {
    /// Scenario name.
    pub name: String,
    /// Step unit.
    pub step_unit: StepUnit,
    /// The date of step 0, if the scenario gives one.
    pub start: Option<crate::model::calendar::Date>,
    /// Number of steps.
    pub steps: Step,
    /// Level labels for display.
    pub level_labels: Vec<String>,
    /// Actors.
    pub actors: Vec<ActorInfo>,
    /// Regions (declared, then implicit actor regions).
    pub regions: Vec<RegionInfo>,
    /// Treaties.
    pub treaties: Vec<TreatyInfo>,
    /// Clauses as written.
    pub clauses: Vec<Clause>,
    /// Directed obligations, treaty by treaty, clause by clause, in [`scenario::Treaty::directed`] order.
    pub obligations: Vec<DirectedObligation>,
    /// For each actor, the obligations whose partner it is and that can fire: all but
    /// non-aggression and mobilisation (ascending).
    pub(crate) obligations_by_partner: Vec<Vec<ObligationIx>>,
    /// For each actor, the defense obligations whose partner it is (ascending).
    pub(crate) defenses_by_partner: Vec<Vec<ObligationIx>>,
    /// For each actor, the neutrality and non-aggression obligations it holds (ascending): the
    /// constraints on whom it may fight.
    pub(crate) constraints_by_holder: Vec<Vec<ObligationIx>>,
    /// Mobilisation obligations, which read every conflict (ascending).
    pub(crate) mobilize_obligations: Vec<ObligationIx>,
    /// The unordered pairs `(i < j)`, ascending, with their own onset rate or a non-zero initial
    /// stance either way: the only pairs that can have disputes or stance pulls until something
    /// changes a stance (docs/MODEL.md §3.3, §3.9).
    pub(crate) live_pairs: Vec<(ActorIx, ActorIx)>,
    /// The steps at which a treaty's range begins or ends, ascending: only there (and where an
    /// event signs or ends one) can which treaties are in force change.
    pub(crate) treaty_boundaries: Vec<Step>,
    /// Initial stances, row-major `from * n + to`.
    pub initial_stances: Vec<f64>,
    /// Onset rate per year for each unordered pair `(i < j)` with its own rate, row-major `i * n + j`;
    /// `None` where the default applies.
    pub(crate) dyad_rates: Vec<Option<f64>>,
    /// Where each unordered pair's spontaneous disputes take place, row-major `i * n + j` (`i < j`);
    /// `None` for the target's first region.
    pub(crate) dyad_regions: Vec<Option<RegionIx>>,
    /// Each unordered pair's own mix of uses of force, `[seizure share, lethal share]`, row-major
    /// `i * n + j` (`i < j`); `None` where the parameters' mix applies.
    pub(crate) dyad_severity: Vec<Option<[f64; 2]>>,
    /// Each unordered pair's own share of disputes reaching force, row-major `i * n + j` (`i < j`);
    /// `None` where the starting levels apply unchanged.
    pub(crate) dyad_force_share: Vec<Option<f64>>,
    /// For each ordered pair, row-major `from * n + to`: whether `from` can start a dispute with
    /// `to` without a rate of their own (its reach is global, or their territories share a
    /// top-level region; docs/MODEL.md §3.3).
    pub(crate) reaches: Vec<bool>,
    /// For each unordered pair `(i < j)`, row-major `i * n + j`: a bound on its probability of a
    /// dispute in any one step, whatever the stances, from which its candidate steps are drawn
    /// (docs/MODEL.md §3.3).
    pub(crate) onset_bounds: Vec<OnsetBound>,
    /// Sanction regimes.
    pub sanctions: Vec<SanctionInfo>,
    /// Transfers.
    pub transfers: Vec<TransferInfo>,
    /// The draws' keys of named elements (docs/MODEL.md §5), parallel to their lists: a hash of
    /// each name, so that a decision about an element does not depend on its place in its list.
    pub(crate) keys: Keys,
    /// Per actor, the top-level regions of its territory.
    pub(crate) top_regions: Vec<Vec<RegionIx>>,
    /// Events.
    pub events: Vec<EventInfo>,
    /// Parameters.
    pub params: Parameters,
    /// The step's length in years.
    pub(crate) step_years: f64,
    /// The whole world's economic weight.
    pub(crate) total_economy: f64,
    /// The share of sanction pressure that decays in one step: 1 − 2^(−Δt / half-life).
    pub(crate) pressure_decay: f64,
    /// The conflicts the scenario's question is about, if it names some.
    pub focus: Option<FocusInfo>,
    /// What the alignment outputs follow, if the scenario asks for them.
    pub alignment: Option<AlignmentInfo>,
}

/// A bound `q` on a pair's probability of a dispute in one step, whatever its stances: the pair's
/// candidate steps are Bernoulli(`q`) trials, and a candidate becomes a dispute with probability
/// p(t)/`q` (docs/MODEL.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OnsetBound {
    /// The bound; 0 where no dispute can start.
    pub(crate) q: f64,
    /// ln(1 − `q`), for the gaps between candidates (−∞ when `q` is 1).
    pub(crate) ln_miss: f64,
}

impl OnsetBound {
    /// The bound of a pair with its own rate `dyad_rate` (if any) and signed hostility `hostility`
    /// at step 0, either of which can reach the other (`reach`) or not. A pair's signed hostility
    /// stays within [−1, 1], so its rate is at most `rate`·exp(`onset_memory`·(1 − h⁰)) with a
    /// record of its own, else `onset_rate`; deterrence multiplies it by at most
    /// max(1, `deterrence`). The rate is raised by 10⁻⁹ of itself so that rounding in the per-step
    /// probability never carries it past the bound.
    pub(super) fn new(
        p: &Parameters,
        dyad_rate: Option<f64>,
        hostility: f64,
        reach: bool,
        step_years: f64,
    ) -> Self {
        let rate = match dyad_rate {
            Some(rate) => {
                let memory =
                    (p.onset_memory * (1.0 - hostility)).max(p.onset_memory * (-1.0 - hostility));
                rate * memory.exp()
            }
            None if reach => p.onset_rate,
            None => 0.0,
        } * p.deterrence.max(1.0)
            * (1.0 + 1e-9);
        let q = -(-rate * step_years).exp_m1();
        OnsetBound {
            q,
            ln_miss: (-q).ln_1p(),
        }
    }
}

/// The conflicts a scenario's question is about (`monte_carlo.focus`), resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusInfo {
    /// Conflicts in which one of these takes part (any, if empty).
    pub actors: Vec<ActorIx>,
    /// Conflicts fought in one of these or a region within one (anywhere, if empty).
    pub regions: Vec<RegionIx>,
    /// Whether conflicts under way when the run begins count too.
    pub include_under_way: bool,
    /// In words: `conflicts begun in the run involving USA or CHN, in korea`.
    pub label: String,
}

impl World {
    /// The level at which a conflict counts for the focus, if it is in it: its peak or, with
    /// actors named, the highest level at which one of them took part in it.
    pub fn focus_level(&self, conflict: &super::Conflict) -> Option<Level> {
        let focus = self.focus.as_ref()?;
        if conflict.began_before_run() && !focus.include_under_way {
            return None;
        }
        if !focus.regions.is_empty() && !self.within_any(conflict.region, &focus.regions) {
            return None;
        }
        if focus.actors.is_empty() {
            return Some(conflict.peak);
        }
        conflict
            .participants
            .iter()
            .filter(|p| focus.actors.contains(&p.actor))
            .map(|p| p.cap.min(conflict.peak))
            .max()
    }
}

impl World {
    /// The label of `step` in outputs: its date if the scenario has a `start`, else `m8` and the
    /// like.
    pub fn step_label(&self, step: Step) -> String {
        crate::model::calendar::step_label(self.step_unit, self.start, step)
    }

    /// The defense obligations owed to `actor` (whose partner it is), ascending.
    pub fn defenses_owed_to(&self, actor: ActorIx) -> &[ObligationIx] {
        &self.defenses_by_partner[actor]
    }

    /// The neutrality and non-aggression obligations `actor` holds, ascending: whom it may not fight.
    pub fn constraints_on(&self, actor: ActorIx) -> &[ObligationIx] {
        &self.constraints_by_holder[actor]
    }

    /// The pair's own onset rate of disputes per year at its initial hostility, if the scenario
    /// gives one (either order); without one the rate is `onset_rate` times the pair's hostility
    /// (docs/MODEL.md §3.3).
    pub fn dyad_onset_rate(&self, a: ActorIx, b: ActorIx) -> Option<f64> {
        self.dyad_rates[self.pair(a, b)]
    }

    /// The index of the unordered pair {a, b} in the per-pair tables (`dyad_rates` and its
    /// siblings): row-major with the lower index first.
    pub(crate) fn pair(&self, a: ActorIx, b: ActorIx) -> usize {
        a.min(b).pair(a.max(b), self.n())
    }

    /// Whether a regional arsenal of `holder` reaches `target`'s home: the top-level region of
    /// `target`'s first region is one of `holder`'s.
    pub fn reaches_home(&self, holder: ActorIx, target: ActorIx) -> bool {
        self.top_regions[target]
            .first()
            .is_some_and(|home| self.top_regions[holder].contains(home))
    }

    /// The step's length in years.
    pub fn step_years(&self) -> f64 {
        self.step_years
    }

    /// Compiles a scenario. The scenario must be valid ([`scenario::validate`] returns no
    /// diagnostics); an invalid one is refused with its diagnostics.
    pub fn new(s: &Scenario) -> Result<World, Vec<scenario::Diagnostic>> {
        let diagnostics = scenario::validate(s);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        Ok(Compiler::new(s).compile())
    }

    /// Every actor's index, in order.
    pub fn actor_ixs(&self) -> impl DoubleEndedIterator<Item = ActorIx> + ExactSizeIterator {
        ActorIx::all(self.n())
    }

    /// Number of actors.
    pub fn n(&self) -> usize {
        self.actors.len()
    }

    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<ActorIx> {
        self.actors
            .iter()
            .position(|a| a.id == id)
            .map(ActorIx::new)
    }

    /// Whether region `r` is `ancestor` or lies within it.
    pub fn within(&self, mut r: RegionIx, ancestor: RegionIx) -> bool {
        // Validation guarantees the parent chain has no cycle, so this ends.
        loop {
            if r == ancestor {
                return true;
            }
            match self.regions[r].parent {
                Some(parent) => r = parent,
                None => return false,
            }
        }
    }

    /// Whether region `r` lies within one of `regions`.
    pub fn within_any(&self, r: RegionIx, regions: &[RegionIx]) -> bool {
        regions.iter().any(|&a| self.within(r, a))
    }

    /// `treaty/obligation` of an obligation, for display.
    pub fn clause_name(&self, clause: ClauseIx) -> String {
        let c = &self.clauses[clause];
        format!("{}/{}", self.treaties[c.treaty].id, c.id)
    }

    /// The display label of a level.
    pub fn level_label(&self, level: Level) -> &str {
        &self.level_labels[level.number() as usize]
    }

    /// Converts a probability per month to a probability per step of this world.
    pub fn per_step_from_monthly(&self, p: f64) -> f64 {
        per_step(p, self.step_years * 12.0)
    }

    /// Converts a rate per year to a probability per step: 1 − exp(−rate·Δt).
    pub fn per_step_from_yearly_rate(&self, rate: f64) -> f64 {
        -(-rate * self.step_years).exp_m1()
    }
}

/// A probability per unit of time converted to a period of `units` such units, assuming a constant
/// hazard: 1 − (1 − p)^units.
pub fn per_step(p: f64, units: f64) -> f64 {
    if p >= 1.0 {
        return 1.0;
    }
    -((1.0 - p).ln() * units).exp_m1()
}

/// Resolves ids to indices through ordered maps, so compiling is O(n log n) in the scenario's size.
struct Compiler<'a> {
    s: &'a Scenario,
    regions: Vec<RegionInfo>,
    actor_ix: BTreeMap<&'a str, ActorIx>,
    region_ix: BTreeMap<String, RegionIx>,
    treaty_ix: BTreeMap<&'a str, TreatyIx>,
}

impl<'a> Compiler<'a> {
    fn new(s: &'a Scenario) -> Self {
        let mut regions: Vec<RegionInfo> = s
            .regions
            .iter()
            .map(|r| RegionInfo {
                id: r.id.clone(),
                parent: None,
            })
            .collect();
        for actor in &s.actors {
            if actor.regions.is_none() && !regions.iter().any(|r| r.id == actor.id) {
                regions.push(RegionInfo {
                    id: actor.id.clone(),
                    parent: None,
                });
            }
        }
        let mut compiler = Compiler {
            s,
            actor_ix: s
                .actors
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), ActorIx::new(i)))
                .collect(),
            region_ix: regions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), RegionIx::new(i)))
                .collect(),
            treaty_ix: s
                .treaties
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), TreatyIx::new(i)))
                .collect(),
            regions,
        };
        for (i, r) in s.regions.iter().enumerate() {
            compiler.regions[i].parent = r.within.as_deref().map(|p| compiler.region(p));
        }
        compiler
    }

    // Validation has resolved every reference, so lookups below cannot fail.
    fn actor(&self, id: &str) -> ActorIx {
        self.actor_ix[id]
    }

    fn region(&self, id: &str) -> RegionIx {
        self.region_ix[id]
    }

    fn treaty(&self, id: &str) -> TreatyIx {
        self.treaty_ix[id]
    }

    fn actors(&self, ids: &[String]) -> Vec<ActorIx> {
        let mut out: Vec<ActorIx> = ids.iter().map(|id| self.actor(id)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The focus resolved, with its label; none where it names neither actors nor regions.
    fn focus(&self, focus: &scenario::Focus) -> Option<FocusInfo> {
        if focus.is_empty() {
            return None;
        }
        let mut regions: Vec<RegionIx> = focus.regions.iter().map(|r| self.region(r)).collect();
        regions.sort_unstable();
        regions.dedup();
        let mut label = if focus.include_under_way {
            "conflicts".to_owned()
        } else {
            "conflicts begun in the run".to_owned()
        };
        if !focus.actors.is_empty() {
            label += &format!(" involving {}", focus.actors.join(" or "));
        }
        if !focus.regions.is_empty() {
            label += &format!(" in {}", focus.regions.join(" or "));
        }
        Some(FocusInfo {
            actors: self.actors(&focus.actors),
            regions,
            include_under_way: focus.include_under_way,
            label,
        })
    }

    fn alignment(&self, a: &scenario::Alignment, steps: Step) -> Option<AlignmentInfo> {
        if a.is_empty() {
            return None;
        }
        let mut checkpoints: Vec<Step> = a.steps.iter().copied().filter(|&t| t < steps).collect();
        checkpoints.push(steps - 1);
        checkpoints.sort_unstable();
        checkpoints.dedup();
        let blocs: Vec<Vec<ActorIx>> = a
            .blocs
            .iter()
            .map(|b| b.iter().map(|x| self.actor(x)).collect())
            .collect();
        let (mut within, mut between) = (Vec::new(), Vec::new());
        for (b, bloc) in blocs.iter().enumerate() {
            for &x in bloc {
                for (c, other) in blocs.iter().enumerate() {
                    let into = if b == c { &mut within } else { &mut between };
                    into.extend(other.iter().filter(|&&y| y != x).map(|&y| (x, y)));
                }
            }
        }
        Some(AlignmentInfo {
            pairs: a
                .pairs
                .iter()
                .map(|[x, y]| (self.actor(x), self.actor(y)))
                .collect(),
            blocs,
            checkpoints,
            within,
            between,
        })
    }

    fn cond(&self, c: &Condition) -> Cond {
        match c {
            Condition::AtWar([a, b]) => Cond::Level(self.actor(a), self.actor(b), Level::War),
            Condition::Level {
                between: [a, b],
                at_least,
            } => Cond::Level(self.actor(a), self.actor(b), *at_least),
            Condition::ActorLevel { actor, at_least } => {
                Cond::ActorLevel(self.actor(actor), *at_least)
            }
            Condition::Step { at_least } => Cond::Step(*at_least),
            Condition::InForce(treaty) => Cond::InForce(self.treaty(treaty)),
            Condition::All(list) => Cond::All(list.iter().map(|c| self.cond(c)).collect()),
            Condition::Any(list) => Cond::Any(list.iter().map(|c| self.cond(c)).collect()),
            Condition::Not(inner) => Cond::Not(Box::new(self.cond(inner))),
        }
    }

    fn compile(self) -> World {
        let s = self.s;
        let n = s.actors.len();
        let p = s.parameters.clone();
        let actors: Vec<ActorInfo> = s
            .actors
            .iter()
            .map(|a| ActorInfo {
                id: a.id.clone(),
                name: a.name.clone(),
                capability: a.capability,
                economy: a.economy.unwrap_or(a.capability),
                nuclear: a.nuclear.0,
                regions: match &a.regions {
                    Some(list) => list.iter().map(|r| self.region(r)).collect(),
                    None => vec![self.region(&a.id)],
                },
                max_support: a.max_support,
                reach: a.reach,
                voluntary_entry: a.voluntary_entry.unwrap_or(1.0),
            })
            .collect();

        let treaties: Vec<TreatyInfo> = s
            .treaties
            .iter()
            .map(|t| TreatyInfo {
                id: t.id.clone(),
                name: t.name.clone().unwrap_or_else(|| t.id.clone()),
                members: t.members.iter().map(|m| self.actor(m)).collect(),
                from: t.in_force.from,
                until: t.in_force.until,
            })
            .collect();
        let mut clauses = Vec::new();
        for (ti, t) in TreatyIx::all(s.treaties.len()).zip(&s.treaties) {
            for o in &t.obligations {
                clauses.push(Clause {
                    treaty: ti,
                    id: o.id.clone(),
                });
            }
        }
        let clause_ix: BTreeMap<(TreatyIx, &str), ClauseIx> = clauses
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.treaty, c.id.as_str()), ClauseIx::new(i)))
            .collect();
        let clause_of = |treaty: TreatyIx, id: &str| clause_ix[&(treaty, id)];

        let mut obligations = Vec::new();
        for (ti, t) in TreatyIx::all(s.treaties.len()).zip(&s.treaties) {
            for (holder, partner, o) in t.directed() {
                let kind = o.kind;
                let role = o.role.unwrap_or(match kind {
                    ObligationKind::Offense => Role::Initiator,
                    ObligationKind::Mobilize => Role::Any,
                    _ => Role::Target,
                });
                let min_level = o.trigger.min_level.unwrap_or(match kind {
                    ObligationKind::Consultation => Level::Threat,
                    ObligationKind::Mobilize => Level::Display,
                    _ => Level::Force,
                });
                let after = o.trigger.after.as_deref().map(|a| {
                    let (treaty, id) = scenario::split_after(a, &t.id);
                    clause_of(self.treaty(treaty), id)
                });
                obligations.push(DirectedObligation {
                    clause: clause_of(ti, &o.id),
                    treaty: ti,
                    holder: self.actor(holder),
                    partner: self.actor(partner),
                    kind,
                    role,
                    min_level,
                    armed: o.trigger.attack.unwrap_or(match kind {
                        ObligationKind::Defense => AttackCondition::Armed,
                        _ => AttackCondition::Any,
                    }) == AttackCondition::Armed,
                    unprovoked: o.trigger.unprovoked,
                    territory: o.trigger.territory,
                    adversaries: o.trigger.adversaries.as_deref().map(|a| {
                        let listed = self.actors(a);
                        if o.trigger.adversaries_allies {
                            allied_with(s, ti, &listed, |id| self.actor(id))
                        } else {
                            listed
                        }
                    }),
                    adversaries_exclude: self.actors(&o.trigger.adversaries_exclude),
                    min_adversaries: o.trigger.min_adversaries.unwrap_or(1) as usize,
                    regions: o
                        .trigger
                        .regions
                        .as_ref()
                        .map(|r| r.iter().map(|id| self.region(id)).collect()),
                    after,
                    response_level: o.response.level.unwrap_or(Level::War),
                    delay: o.response.delay.unwrap_or([0, 0]),
                    commitment: o.response.commitment,
                    reliability: p.reliability_of(o),
                    formal: o.formal.unwrap_or(t.formal),
                });
            }
        }
        let mut obligations_by_partner = vec![Vec::new(); n];
        let mut mobilize_obligations = Vec::new();
        let mut defenses_by_partner = vec![Vec::new(); n];
        let mut constraints_by_holder = vec![Vec::new(); n];
        for (i, o) in obligations.iter().enumerate() {
            let i = ObligationIx::new(i);
            if matches!(
                o.kind,
                ObligationKind::Neutrality | ObligationKind::NonAggression
            ) {
                constraints_by_holder[o.holder].push(i);
            }
            if o.kind == ObligationKind::Mobilize {
                mobilize_obligations.push(i);
            } else if o.kind != ObligationKind::NonAggression {
                // Non-aggression never fires (a constraint, `constraints_by_holder`).
                obligations_by_partner[o.partner].push(i);
            }
            if o.kind == ObligationKind::Defense {
                defenses_by_partner[o.partner].push(i);
            }
        }

        let mut initial_stances = vec![0.0; n * n];
        for st in &s.stances {
            let pairs = match (&st.from, &st.to, &st.between) {
                (Some(f), Some(t), _) => vec![(self.actor(f), self.actor(t))],
                (_, _, Some([a, b])) => {
                    let (a, b) = (self.actor(a), self.actor(b));
                    vec![(a, b), (b, a)]
                }
                _ => Vec::new(), // excluded by validation
            };
            for (f, t) in pairs {
                initial_stances[f.pair(t, n)] = st.value;
            }
        }
        let mut dyad_rates = vec![None; n * n];
        let mut dyad_regions = vec![None; n * n];
        let mut dyad_severity = vec![None; n * n];
        let mut dyad_force_share = vec![None; n * n];
        for d in &s.dyads {
            let (a, b) = (self.actor(&d.between[0]), self.actor(&d.between[1]));
            let k = a.min(b).pair(a.max(b), n);
            dyad_rates[k] = d.onset_rate;
            dyad_regions[k] = d.region.as_deref().map(|r| self.region(r));
            dyad_force_share[k] = d.force_share;
            if d.seizure_share.is_some() || d.lethal_share.is_some() {
                dyad_severity[k] = Some([
                    d.seizure_share.unwrap_or(p.seizure_share),
                    d.lethal_share.unwrap_or(p.lethal_share),
                ]);
            }
        }
        // The top-level regions of each actor's territory.
        let top = |mut r: RegionIx| {
            while let Some(parent) = self.regions[r].parent {
                r = parent;
            }
            r
        };
        let tops: Vec<Vec<RegionIx>> = actors
            .iter()
            .map(|a| a.regions.iter().map(|&r| top(r)).collect())
            .collect();
        let reaches: Vec<bool> = (0..n * n)
            .map(|k| {
                let (from, to) = (k / n, k % n);
                actors[from].reach == Reach::Global
                    || tops[from].iter().any(|r| tops[to].contains(r))
            })
            .collect();
        let onset_bounds = (0..n * n)
            .map(|k| {
                let (i, j) = (k / n, k % n);
                let hostility = -(initial_stances[k] + initial_stances[j * n + i]) / 2.0;
                OnsetBound::new(
                    &p,
                    dyad_rates[k],
                    hostility,
                    reaches[k] || reaches[j * n + i],
                    s.step.years(),
                )
            })
            .collect();
        let live_pairs = ActorIx::all(n)
            .flat_map(|i| ActorIx::all(n).skip(i.index() + 1).map(move |j| (i, j)))
            .filter(|&(i, j)| {
                dyad_rates[i.pair(j, n)].is_some()
                    || initial_stances[i.pair(j, n)] != 0.0
                    || initial_stances[j.pair(i, n)] != 0.0
            })
            .collect();

        let mut sanctions: Vec<SanctionInfo> = s
            .sanctions
            .iter()
            .map(|r| {
                let senders = self.actors(&r.senders);
                SanctionInfo {
                    id: r.id.clone(),
                    senders_economy: senders.iter().map(|&a| actors[a].economy).sum(),
                    senders,
                    target: self.actor(&r.target),
                    intensity: r.intensity,
                    from: r.from.unwrap_or(0),
                    when: r.when.as_ref().map(|c| self.cond(c)),
                    until: r.until,
                    dormant: r.dormant,
                    objective: r.objective,
                    kindred: Vec::new(),
                }
            })
            .collect();
        for r in 0..sanctions.len() {
            sanctions[r].kindred = (0..sanctions.len())
                .filter(|&r2| r2 != r && sanctions[r2].senders == sanctions[r].senders)
                .collect();
        }
        let regime_ix: BTreeMap<&str, usize> = s
            .sanctions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let regime = |id: &str| regime_ix[id];
        let transfers = s
            .transfers
            .iter()
            .map(|t| {
                let mut violates: Vec<usize> = t.violates.iter().map(|r| regime(r)).collect();
                violates.sort_unstable();
                violates.dedup();
                TransferInfo {
                    id: t.id.clone(),
                    kind: t.kind,
                    from: self.actor(&t.from),
                    to: self.actor(&t.to),
                    rate: t.rate.bounds(),
                    start: t.start.unwrap_or(0),
                    when: t.when.as_ref().map(|c| self.cond(c)),
                    until: t.until,
                    violates,
                    detection: per_step(t.detection.unwrap_or(0.0), s.step.years()),
                }
            })
            .collect();

        let last = s.steps.saturating_sub(1);
        let events: Vec<EventInfo> = s
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let timing = match (e.at, e.probability, e.hazard) {
                    (Some(at), _, _) => Timing::At(at),
                    (None, Some(probability), _) => Timing::Window {
                        probability,
                        window: e.window.unwrap_or([0, last]),
                    },
                    (None, None, Some(hazard)) => Timing::Hazard {
                        hazard,
                        window: e.window.unwrap_or([0, last]),
                    },
                    (None, None, None) => Timing::WhenOnly,
                };
                let pair = |p: &Option<[String; 2]>| {
                    let [a, b] = p.as_ref().expect("validated: the kind requires `between`");
                    (self.actor(a), self.actor(b))
                };
                let one = |x: &Option<String>| {
                    self.actor(x.as_deref().expect("validated: required field"))
                };
                let action = match e.kind {
                    EventKind::Attack | EventKind::Dispute => Action::Confront {
                        by: one(&e.by),
                        on: one(&e.on),
                        level: e
                            .level
                            .or((e.kind == EventKind::Attack).then_some(Level::Force)),
                        region: e.region.as_deref().map(|r| self.region(r)),
                        severity: (e.kind == EventKind::Attack).then(|| {
                            let action = e.action.unwrap_or(ForceAction::Attack);
                            Severity {
                                action,
                                lethal: e.lethal.unwrap_or(action == ForceAction::Attack),
                            }
                        }),
                        under_way: e.under_way.unwrap_or(0),
                    },
                    EventKind::Sanction => {
                        Action::Sanction(regime(e.regime.as_deref().unwrap_or_default()))
                    }
                    EventKind::Lift => {
                        Action::Lift(regime(e.regime.as_deref().unwrap_or_default()))
                    }
                    EventKind::Sign => {
                        Action::Sign(self.treaty(e.treaty.as_deref().unwrap_or_default()))
                    }
                    EventKind::Withdraw => Action::Withdraw(
                        self.treaty(e.treaty.as_deref().unwrap_or_default()),
                        e.actor.as_deref().map(|a| self.actor(a)),
                    ),
                    EventKind::Stance => {
                        let pairs = if e.between.is_some() {
                            let (a, b) = pair(&e.between);
                            vec![(a, b), (b, a)]
                        } else {
                            vec![(one(&e.from), one(&e.to))]
                        };
                        let change = match (e.value, e.delta) {
                            (Some(v), _) => StanceChange::Set(v),
                            (None, d) => StanceChange::Shift(d.unwrap_or(0.0)),
                        };
                        Action::Stance { pairs, change }
                    }
                    EventKind::Ceasefire => {
                        let (a, b) = pair(&e.between);
                        Action::Ceasefire(a, b)
                    }
                    EventKind::Declare => {
                        Action::Declare(one(&e.by), one(&e.on), e.under_way.unwrap_or(0))
                    }
                    EventKind::Join => {
                        Action::Join(one(&e.by), one(&e.on), e.level.unwrap_or(Level::War))
                    }
                };
                EventInfo {
                    id: scenario::event_id(e, i),
                    timing,
                    when: e.when.as_ref().map(|c| self.cond(c)),
                    action,
                }
            })
            .collect();

        let level_labels = match &s.level_labels {
            Some(labels) => labels.clone(),
            None => crate::model::LEVEL_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        let focus = self.focus(&s.monte_carlo.focus);
        let alignment = self.alignment(&s.monte_carlo.alignment, s.steps);
        let clause_name = |c: &Clause| format!("{}/{}", treaties[c.treaty].id, c.id);
        let keys = Keys {
            clauses: clauses.iter().map(|c| key_of(&clause_name(c))).collect(),
            obligations: obligations
                .iter()
                .map(|o| {
                    key_of(&format!(
                        "{} {}>{}",
                        clause_name(&clauses[o.clause]),
                        actors[o.holder].id,
                        actors[o.partner].id
                    ))
                })
                .collect(),
            events: events.iter().map(|e| key_of(&e.id)).collect(),
            regimes: sanctions.iter().map(|r| key_of(&r.id)).collect(),
            transfers: s.transfers.iter().map(|t| key_of(&t.id)).collect(),
        };
        let mut treaty_boundaries: Vec<Step> = treaties
            .iter()
            .flat_map(|t| std::iter::once(t.from).chain(t.until))
            .collect();
        treaty_boundaries.sort_unstable();
        treaty_boundaries.dedup();
        World {
            keys,
            focus,
            alignment,
            transfers,
            top_regions: tops,
            name: s.name.clone(),
            step_unit: s.step,
            start: s
                .start
                .as_deref()
                .and_then(crate::model::calendar::Date::parse),
            steps: s.steps,
            level_labels,
            regions: self.regions,
            treaties,
            clauses,
            obligations,
            obligations_by_partner,
            defenses_by_partner,
            constraints_by_holder,
            mobilize_obligations,
            live_pairs,
            treaty_boundaries,
            initial_stances,
            dyad_rates,
            dyad_regions,
            dyad_severity,
            dyad_force_share,
            reaches,
            onset_bounds,
            sanctions,
            events,
            step_years: s.step.years(),
            total_economy: actors.iter().map(|a| a.economy).sum(),
            pressure_decay: 1.0 - 0.5f64.powf(s.step.years() / p.sanction_half_life_years),
            actors,
            params: p,
        }
    }
}

/// `listed` with every state allied with one of them: a fellow member of a treaty of the scenario,
/// other than treaty `own`, that holds a defense or offense obligation. Ascending, without repeats.
fn allied_with(
    s: &Scenario,
    own: TreatyIx,
    listed: &[ActorIx],
    actor: impl Fn(&str) -> ActorIx,
) -> Vec<ActorIx> {
    let mut out = listed.to_vec();
    for (ti, t) in TreatyIx::all(s.treaties.len()).zip(&s.treaties) {
        let binds = t
            .obligations
            .iter()
            .any(|o| matches!(o.kind, ObligationKind::Defense | ObligationKind::Offense));
        if ti == own || !binds {
            continue;
        }
        let members: Vec<ActorIx> = t.members.iter().map(|m| actor(m)).collect();
        if members.iter().any(|m| listed.contains(m)) {
            out.extend(members);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
