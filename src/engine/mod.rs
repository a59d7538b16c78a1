//! The simulation engine: one run of the model of docs/MODEL.md, one step at a time.
//!
//! ```
//! use casus::engine::{Simulation, World};
//!
//! let scenario = casus::scenario::load("scenarios/northeast_asia_2024.json").unwrap();
//! let world = World::new(&scenario).unwrap();
//! let mut sim = Simulation::new(&world, 1, 0); // seed 1, run 0
//! sim.step(&mut ());                           // one step, observed by nobody
//! let outcome = sim.run_to_end(&mut ());       // the rest
//! assert!(outcome.highest >= casus::model::Level::War); // the war in Ukraine is under way
//! ```
//!
//! Each step runs the phases of docs/MODEL.md §1.3 in order, one file each: entries whose delay has
//! run out (`obligations.rs`), scripted events (`events.rs`), dispute onset (`onset.rs`), escalation (`escalation.rs`), obligation triggers and
//! entries (`obligations.rs`), support (`support.rs`), sanctions (`sanctions.rs`) and stances
//! (`stances.rs`), then recording.

mod alignment;
mod conflict;
mod derived;
mod draws;
mod escalation;
mod events;
mod membership;
mod obligations;
mod observe;
mod onset;
mod outcome;
mod rules;
mod sanctions;
mod stances;
mod support;
mod transfers;
pub mod triggers;
mod world;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

pub use alignment::{ALIGNED, AlignmentRecord, Blocs, OPPOSED};
pub use conflict::{Attack, Conflict, ConflictIx, Fired, Participant, Route, Side};
pub use observe::{Event, LiftReason, Observer};
pub use outcome::{Entry, Outcome, SanctionCourse, Trigger, Violation, route_name};
pub use rules::{
    EscalationContext, EscalationRule, HonourContext, HonouringRule, LogitEscalation,
    LogitHonouring, Transition,
};
pub use transfers::{KEPT_SHARE, TransferCourse};
pub use world::{
    Action, ActorInfo, ActorIx, AlignmentInfo, Clause, ClauseIx, Cond, DirectedObligation,
    EventInfo, FocusInfo, ObligationIx, RegionInfo, RegionIx, SanctionInfo, StanceChange, Timing,
    TransferInfo, TreatyInfo, TreatyIx, World, per_step,
};

use crate::model::{Level, Pathway};
use crate::scenario::{NuclearStatus, Step, Support};
use derived::{Change, Derived};
use draws::{Draws, Purpose};
pub(crate) use draws::{key_of, mix};
use membership::Membership;
use obligations::Decision;

/// An entry decided but not yet made: the holder joins after its delay.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    conflict: ConflictIx,
    actor: ActorIx,
    side: Side,
    at: Step,
    via: Route,
    cap: Level,
}

/// A pair's next candidate step for a dispute and the number of candidates before it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Candidate {
    step: Step,
    index: u32,
}

/// One side of a conflict as escalation and honouring read it ([`Simulation::side_view`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct SideView {
    /// Its effective capability: its members' capability eroded by sanctions, plus its
    /// supporters' times their support weight.
    capability: f64,
    /// The mean sanction pressure on its members.
    pressure: f64,
    /// Whether a member has nuclear arms.
    nuclear: bool,
    /// How much nuclear arms weigh for it against the other side: the heaviest of its members'
    /// arsenals and its supporters' arsenals times their support weight (docs/MODEL.md §3.4).
    nuclear_weight: f64,
}

/// A support posture held by a non-belligerent in a conflict.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Posture {
    conflict: ConflictIx,
    actor: ActorIx,
    side: Side,
    support: Support,
}

/// The rules a simulation uses.
#[derive(Clone)]
pub struct Rules {
    /// How conflicts move on the ladder.
    pub escalation: Arc<dyn EscalationRule>,
    /// How holders decide to honour.
    pub honouring: Arc<dyn HonouringRule>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            escalation: Arc::new(LogitEscalation),
            honouring: Arc::new(LogitHonouring),
        }
    }
}

impl Rules {
    /// How results name these rules: `None` for the documented defaults, else
    /// `escalation: NAME, honouring: NAME` with each rule's [`name`](EscalationRule::name).
    pub fn provenance(&self) -> Option<String> {
        let (escalation, honouring) = (self.escalation.name(), self.honouring.name());
        let default = Rules::default();
        (escalation != default.escalation.name() || honouring != default.honouring.name())
            .then(|| format!("escalation: {escalation}, honouring: {honouring}"))
    }
}

/// One run of a world: its state, its random stream and what it has recorded.
pub struct Simulation<'w> {
    world: &'w World,
    rules: Rules,
    draws: draws::Draws,
    step: Step,
    stances: Vec<f64>,
    pressure: Vec<f64>,
    /// Per actor: its capability now, which transfers move.
    capability: Vec<f64>,
    /// Per actor: munitions received, which count in its capability while it fights.
    war_stock: Vec<f64>,
    /// Per actor: its nuclear status now, and its progress toward the next.
    nuclear: Vec<NuclearStatus>,
    nuclear_progress: Vec<f64>,
    /// Per regime: its intensity now (detected breaches raise it).
    intensity: Vec<f64>,
    /// Per transfer: its rate and detection stream in this run.
    flows: Vec<transfers::Flow>,
    conflicts: Vec<Conflict>,
    /// Who takes part in which active conflict, against whom.
    membership: Membership,
    /// What is derived from the state to save work, with what makes it stale.
    derived: Derived,
    /// Per unordered pair `(i < j)`, row-major: its next candidate step for a dispute, once it is
    /// live (docs/MODEL.md §3.3).
    onset_next: Vec<Candidate>,
    /// The live pairs' next candidate steps within the horizon, earliest first, then in pair
    /// order.
    onset_queue: BinaryHeap<Reverse<(Step, ActorIx, ActorIx)>>,
    /// The pairs whose stances may differ from 0 or from their initial values, or that have their
    /// own onset rate: every other pair is indifferent both ways and has no disputes or pulls.
    live: LivePairs,
    pending: Vec<Pending>,
    postures: Vec<Posture>,
    /// Per treaty: the step a `sign` event brought it into force, if one did.
    signed: Vec<Option<Step>>,
    /// Per treaty: ended by a `withdraw` event without an actor.
    ended: Vec<bool>,
    /// Per treaty: members that withdrew.
    withdrawn: Vec<Vec<ActorIx>>,
    /// Per event: whether it has happened.
    event_done: Vec<bool>,
    /// Per event with a window: the step drawn for it, if it happens at all.
    event_step: Vec<Option<Step>>,
    /// Per regime: whether it is in force now.
    sanction_active: Vec<bool>,
    /// Per conflict, the neutrality obligations honoured in it, ordered by holder: the holder may
    /// not join against its partner.
    neutral: Vec<Vec<ObligationIx>>,
    /// Per conflict, the honouring draws made so far in it, one per clause and scale: the holders
    /// of one clause decide together (docs/MODEL.md §3.6).
    decisions: Vec<Vec<Decision>>,
    /// Per conflict, the states that have decided whether to join a coalition partner fighting in
    /// it (docs/MODEL.md §3.6): each decides once.
    coalition: Vec<Vec<ActorIx>>,
    /// Per treaty: in force at the current step (its range, signing and ending events).
    treaty_in_force: Vec<bool>,
    outcome: Outcome,
    scratch: Scratch<'w>,
}

/// Buffers reused from step to step, so that the hot loop does not allocate.
#[derive(Default)]
struct Scratch<'w> {
    pull: Vec<f64>,
    enemies: Vec<Vec<ActorIx>>,
    reinforcement: (Vec<ObligationIx>, Vec<(usize, bool)>),
    actors: Vec<ActorIx>,
    seen: Vec<bool>,
    conflicts: Vec<ConflictIx>,
    candidates: Vec<ObligationIx>,
    due: Vec<(ConflictIx, ObligationIx)>,
    members: [Vec<ActorIx>; 2],
    stale: derived::Stale,
    postures: Vec<Posture>,
    build: Vec<f64>,
    lethal: Vec<(ConflictIx, ActorIx, Side)>,
    keyed: Vec<(obligations::FiringKey<'w>, (ConflictIx, ObligationIx))>,
}

/// An actor's mean stance toward the members of a conflict's `side` minus its mean stance toward
/// the other side's: `row` holds its stances toward every actor, and `members` lists each side's
/// members in the conflict's order.
fn stance_gap<I: Iterator<Item = ActorIx>>(
    row: &[f64],
    members: impl Fn(Side) -> I,
    side: Side,
) -> f64 {
    let mean = |side: Side| {
        let (sum, count) = members(side).fold((0.0, 0usize), |(sum, count), m| {
            (sum + row[m.index()], count + 1)
        });
        sum / count as f64
    };
    // Each side has its founder, so neither count is 0.
    mean(side) - mean(side.other())
}

/// A set of unordered pairs `(i < j)`, in the order they were added.
#[derive(Debug, Clone)]
struct LivePairs {
    list: Vec<(ActorIx, ActorIx)>,
    member: Vec<bool>,
    /// The pairs added since the onset phase last took them into its schedule.
    fresh: Vec<(ActorIx, ActorIx)>,
    /// For each actor, the other end of each of its live pairs.
    neighbours: Vec<Vec<ActorIx>>,
    /// The pairs whose stances have been moved or pulled: the others are still at their initial
    /// stances, where reversion holds them, so stance dynamics leaves them be (docs/MODEL.md
    /// §3.9).
    moving: Vec<(ActorIx, ActorIx)>,
    is_moving: Vec<bool>,
}

impl LivePairs {
    fn new(n: usize, initial: &[(ActorIx, ActorIx)]) -> Self {
        let mut member = vec![false; n * n];
        let mut neighbours = vec![Vec::new(); n];
        for &(i, j) in initial {
            member[i.pair(j, n)] = true;
            neighbours[i].push(j);
            neighbours[j].push(i);
        }
        LivePairs {
            list: initial.to_vec(),
            member,
            fresh: initial.to_vec(),
            neighbours,
            moving: Vec::new(),
            is_moving: vec![false; n * n],
        }
    }

    /// Marks the pair of `a` and `b` (in either order) as one whose stances move: live, and
    /// visited by stance dynamics from now on.
    #[inline]
    fn touch(&mut self, n: usize, a: ActorIx, b: ActorIx) {
        let (i, j) = (a.min(b), a.max(b));
        if i != j && !self.is_moving[i.pair(j, n)] {
            self.start_moving(n, i, j);
        }
    }

    /// Marks the pair `(i < j)`, not yet moving, as moving.
    #[inline(never)]
    fn start_moving(&mut self, n: usize, i: ActorIx, j: ActorIx) {
        self.is_moving[i.pair(j, n)] = true;
        self.moving.push((i, j));
        if !self.member[i.pair(j, n)] {
            self.member[i.pair(j, n)] = true;
            self.list.push((i, j));
            self.fresh.push((i, j));
            self.neighbours[i].push(j);
            self.neighbours[j].push(i);
        }
    }
}

impl<'w> Simulation<'w> {
    /// Run `run` of `world` with `seed`: each random decision draws from a counter-based generator
    /// keyed by the seed, the run and the decision (docs/MODEL.md §5).
    pub fn new(world: &'w World, seed: u64, run: u64) -> Self {
        Simulation::with_rules(world, seed, run, Rules::default())
    }

    /// The same with researcher-supplied rules.
    pub fn with_rules(world: &'w World, seed: u64, run: u64, rules: Rules) -> Self {
        let draws = Draws::new(seed, run);
        let n = world.n();
        let t = world.treaties.len();
        // Windowed events draw whether and when they happen at the start of the run.
        let event_step = world
            .events
            .iter()
            .zip(&world.keys.events)
            .map(|(e, &key)| match e.timing {
                Timing::Window {
                    probability,
                    window: [a, b],
                } => {
                    let happens = draws.uniform(Purpose::EventHappens, 0, [key, 0]) < probability;
                    let at = draws.range(Purpose::EventStep, 0, [key, 0], a, b);
                    happens.then_some(at)
                }
                _ => None,
            })
            .collect();
        Simulation {
            world,
            rules,
            draws,
            step: 0,
            stances: world.initial_stances.clone(),
            membership: Membership::new(n),
            derived: Derived::new(n),
            live: LivePairs::new(n, &world.live_pairs),
            onset_next: vec![Candidate::default(); n * n],
            onset_queue: BinaryHeap::new(),
            pressure: vec![0.0; n],
            capability: world.actors.iter().map(|a| a.capability).collect(),
            war_stock: vec![0.0; n],
            nuclear: world.actors.iter().map(|a| a.nuclear).collect(),
            nuclear_progress: vec![0.0; n],
            intensity: world.sanctions.iter().map(|r| r.intensity).collect(),
            flows: world
                .transfers
                .iter()
                .zip(&world.keys.transfers)
                .map(|(t, &key)| transfers::Flow::new(t, key, &draws))
                .collect(),
            conflicts: Vec::new(),
            pending: Vec::new(),
            postures: Vec::new(),
            signed: vec![None; t],
            ended: vec![false; t],
            withdrawn: vec![Vec::new(); t],
            event_done: vec![false; world.events.len()],
            event_step,
            sanction_active: vec![false; world.sanctions.len()],
            neutral: Vec::new(),
            decisions: Vec::new(),
            coalition: Vec::new(),
            treaty_in_force: vec![false; t],
            scratch: Scratch::default(),
            outcome: Outcome {
                highest: Level::Peace,
                highest_begun: Level::Peace,
                highest_focus: Level::Peace,
                first_reached: [None; 8],
                actor_highest: vec![Level::Peace; n],
                actor_first_war: vec![None; n],
                actor_first_force: vec![None; n],
                entries: Vec::new(),
                triggers: Vec::new(),
                violations: Vec::new(),
                level_by_step: Vec::with_capacity(world.steps as usize),
                sanctions: vec![SanctionCourse::default(); world.sanctions.len()],
                final_pressure: Vec::new(),
                final_stances: Vec::new(),
                conflict_peaks: Vec::new(),
                pathway: Pathway::default(),
                final_nuclear: Vec::new(),
                transfers: vec![TransferCourse::default(); world.transfers.len()],
                alignment: None,
            },
        }
    }

    /// The world being simulated.
    pub fn world(&self) -> &'w World {
        self.world
    }

    /// The next step to run (the number of steps run so far).
    pub fn current_step(&self) -> Step {
        self.step
    }

    /// Whether every step of the horizon has run.
    pub fn is_finished(&self) -> bool {
        self.step >= self.world.steps
    }

    /// Every conflict so far, active or ended, in order of starting.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The current stance of `from` toward `to`.
    pub fn stance(&self, from: ActorIx, to: ActorIx) -> f64 {
        self.stances[from.pair(to, self.world.n())]
    }

    /// An actor's nuclear status now.
    pub fn nuclear_status(&self, actor: ActorIx) -> NuclearStatus {
        self.nuclear[actor]
    }

    /// An actor's capability now, before sanction pressure: its own after transfers, and munitions
    /// received while it fights.
    pub fn capability(&self, actor: ActorIx) -> f64 {
        let stock = self.war_stock[actor];
        if stock > 0.0 && self.actor_level(actor) >= Level::Force {
            self.capability[actor] + stock
        } else {
            self.capability[actor]
        }
    }

    /// The current sanction pressure on an actor.
    pub fn pressure(&self, actor: ActorIx) -> f64 {
        self.pressure[actor]
    }

    /// Whether a sanction regime is in force.
    pub fn sanction_active(&self, regime: usize) -> bool {
        self.sanction_active[regime]
    }

    /// What has been recorded so far.
    pub fn outcome_so_far(&self) -> &Outcome {
        &self.outcome
    }

    /// Runs one step; does nothing once the horizon is reached.
    pub fn step(&mut self, obs: &mut dyn Observer) {
        if self.is_finished() {
            return;
        }
        // The phases of docs/MODEL.md §1.3, in its order and with its numbers. Between the
        // boundaries of treaties' ranges, only events change which are in force, and they refresh
        // it themselves.
        if self.step == 0
            || self
                .world
                .treaty_boundaries
                .binary_search(&self.step)
                .is_ok()
        {
            self.refresh_treaties();
        }
        self.make_due_entries(obs); // 1. entries due
        self.scripted_events(obs); // 2. scripted events
        self.onset(obs); // 3. dispute onset
        self.escalation(obs); // 4. escalation
        self.obligations(obs); // 5. obligation triggers, then voluntary entry
        self.support(obs); // 6. support postures
        self.transfers(obs); // 7. transfers
        self.sanctions(obs); // 8. sanctions
        self.stance_dynamics(); // 9. stances
        self.record(); // 10. recording
        self.step += 1;
    }

    /// Runs the remaining steps and returns the outcome.
    pub fn run_to_end(mut self, obs: &mut dyn Observer) -> Outcome {
        while !self.is_finished() {
            self.step(obs);
        }
        self.finish()
    }

    /// Ends the run where it is and returns the outcome.
    pub fn finish(mut self) -> Outcome {
        let founders: Vec<[ActorIx; 2]> = self
            .conflicts
            .iter()
            .map(|c| [c.founder(Side::A), c.founder(Side::B)])
            .collect();
        self.outcome.conflict_peaks = self.conflicts.iter().map(|c| c.peak).collect();
        self.outcome.highest_begun = self
            .conflicts
            .iter()
            .filter(|c| !c.began_before_run())
            .map(|c| c.peak)
            .max()
            .unwrap_or(Level::Peace);
        self.outcome.highest_focus = self
            .conflicts
            .iter()
            .filter_map(|c| self.world.focus_level(c))
            .max()
            .unwrap_or(Level::Peace);
        self.outcome.pathway = outcome::pathway(
            self.world,
            &self.outcome.entries,
            &self.outcome.conflict_peaks,
            &founders,
        );
        self.outcome.final_pressure = self.pressure;
        self.outcome.final_stances = self.stances;
        self.outcome.final_nuclear = self.nuclear;
        self.outcome
    }

    // --- shared helpers ------------------------------------------------------------------------

    fn n(&self) -> usize {
        self.world.n()
    }

    fn stance_mut(&mut self, from: ActorIx, to: ActorIx) -> &mut f64 {
        let n = self.n();
        self.live.touch(n, from, to);
        &mut self.stances[from.pair(to, n)]
    }

    /// An actor's stances toward every actor, in index order.
    fn stances_of(&self, actor: ActorIx) -> &[f64] {
        let n = self.n();
        &self.stances[actor.index() * n..][..n]
    }

    /// Hostility of a pair: max(0, −(s_ij + s_ji)/2).
    fn hostility(&self, a: ActorIx, b: ActorIx) -> f64 {
        self.signed_hostility(a, b).max(0.0)
    }

    /// −(s_ij + s_ji)/2: above 0 hostile, below 0 friendly.
    fn signed_hostility(&self, a: ActorIx, b: ActorIx) -> f64 {
        -(self.stance(a, b) + self.stance(b, a)) / 2.0
    }

    /// How much more hostile a pair is now than at step 0 (negative if friendlier).
    fn hostility_change(&self, a: ActorIx, b: ActorIx) -> f64 {
        let n = self.n();
        let initial = &self.world.initial_stances;
        self.signed_hostility(a, b) + (initial[a.pair(b, n)] + initial[b.pair(a, n)]) / 2.0
    }

    /// An actor's capability eroded by sanction pressure.
    fn effective_capability(&self, actor: ActorIx) -> f64 {
        self.capability(actor) * (1.0 - self.world.params.sanction_erosion * self.pressure[actor])
    }

    /// The weight of a supporter's aid: the share of its capability (and of its nuclear deterrent)
    /// that counts for the side it supports.
    fn support_weight(&self, support: Support) -> f64 {
        let p = &self.world.params;
        match support {
            Support::Lethal => p.support_lethal_weight,
            Support::Material => p.support_material_weight,
            Support::Diplomatic | Support::None => 0.0,
        }
    }

    /// The postures of conflict `c`'s supporters of `side`.
    fn supporters(&self, c: ConflictIx, side: Side) -> impl Iterator<Item = &Posture> + '_ {
        // Postures are in (conflict, actor) order: this conflict's are one run.
        let from = self.postures.partition_point(|s| s.conflict < c);
        self.postures[from..]
            .iter()
            .take_while(move |s| s.conflict == c)
            .filter(move |s| s.side == side)
    }

    /// How much `holder`'s nuclear arms weigh against the members of conflict `c`'s side
    /// `against` (docs/MODEL.md §3.4): fully for a global arsenal or a regional one that reaches
    /// one of their home regions, `nuclear_limited_weight` for a few weapons or a regional arsenal
    /// out of reach, nothing without arms.
    fn arsenal_weight(&self, holder: ActorIx, c: ConflictIx, against: Side) -> f64 {
        let world = self.world;
        match self.nuclear[holder] {
            NuclearStatus::None => 0.0,
            NuclearStatus::Global => 1.0,
            NuclearStatus::Regional
                if self.conflicts[c]
                    .side(against)
                    .any(|x| world.reaches_home(holder, x)) =>
            {
                1.0
            }
            NuclearStatus::Few | NuclearStatus::Regional => world.params.nuclear_limited_weight,
        }
    }

    /// What escalation and honouring read of side `side` of conflict `c`, in one pass over its
    /// members and one over its supporters.
    fn side_view(&self, c: ConflictIx, side: Side) -> SideView {
        let against = side.other();
        // Sums start at −0, as `Iterator::sum` does.
        let (mut members, mut pressure, mut count) = (-0.0, 0.0, 0usize);
        let (mut nuclear, mut weight) = (false, 0.0f64);
        for m in self.conflicts[c].side(side) {
            members += self.effective_capability(m);
            pressure += self.pressure[m];
            count += 1;
            nuclear |= self.nuclear[m].is_armed();
            weight = weight.max(self.arsenal_weight(m, c, against));
        }
        // No supporter's arsenal weighs more than 1.
        let members_weight = weight;
        let mut supporters = -0.0;
        for s in self.supporters(c, side) {
            let share = self.support_weight(s.support);
            supporters += share * self.effective_capability(s.actor);
            if members_weight < 1.0 {
                weight = weight.max(share * self.arsenal_weight(s.actor, c, against));
            }
        }
        SideView {
            capability: members + supporters,
            pressure: pressure / count.max(1) as f64,
            nuclear,
            nuclear_weight: weight,
        }
    }

    /// Whether a treaty is in force at `step`: its range, or from a `sign` event, and not ended.
    fn treaty_in_force_at(&self, treaty: TreatyIx, step: Step) -> bool {
        let t = &self.world.treaties[treaty];
        let from = self.signed[treaty].map_or(t.from, |s| s.min(t.from));
        !self.ended[treaty] && step >= from && t.until.is_none_or(|u| step < u)
    }

    /// Recomputes which treaties are in force now; run at the start of each step and after signing
    /// and withdrawal events.
    fn refresh_treaties(&mut self) {
        for treaty in TreatyIx::all(self.treaty_in_force.len()) {
            let now = self.treaty_in_force_at(treaty, self.step);
            if now != self.treaty_in_force[treaty] {
                self.derived.invalidate(Change::Treaties);
            }
            self.treaty_in_force[treaty] = now;
        }
    }

    /// The neutrality obligations honoured in conflict `c`, ordered by holder.
    fn honoured_neutralities(&self, c: ConflictIx) -> &[ObligationIx] {
        self.neutral.get(c.index()).map_or(&[], Vec::as_slice)
    }

    /// Whether `actor` takes part in active conflict `c`.
    fn takes_part(&self, actor: ActorIx, c: ConflictIx) -> bool {
        self.membership.takes_part(actor, c)
    }

    /// Whether the treaty of an obligation is in force now for both its holder and its partner.
    pub fn obligation_in_force(&self, ob: ObligationIx) -> bool {
        let o = &self.world.obligations[ob];
        let withdrawn = &self.withdrawn[o.treaty];
        self.treaty_in_force[o.treaty]
            && (withdrawn.is_empty()
                || !withdrawn.contains(&o.holder) && !withdrawn.contains(&o.partner))
    }

    /// The active conflicts, in order of starting.
    pub fn active_conflicts(&self) -> impl Iterator<Item = &Conflict> + '_ {
        self.membership.active().iter().map(|&c| &self.conflicts[c])
    }

    /// The highest level between two actors over all active conflicts (0 if they are not opposed).
    pub fn dyadic_level(&self, a: ActorIx, b: ActorIx) -> Level {
        self.active_conflicts()
            .filter_map(|c| c.dyadic_level(a, b))
            .max()
            .unwrap_or(Level::Peace)
    }

    /// The highest level at which an actor takes part in any active conflict.
    pub fn actor_level(&self, actor: ActorIx) -> Level {
        self.membership
            .engaged(actor)
            .iter()
            .filter_map(|&c| self.conflicts[c].level_of(actor))
            .max()
            .unwrap_or(Level::Peace)
    }

    /// Whether two actors are on opposite sides of an active conflict.
    pub fn opposed(&self, a: ActorIx, b: ActorIx) -> bool {
        self.membership.opposed(a, b)
    }

    /// Whether a compiled condition holds now.
    pub fn holds(&self, cond: &Cond) -> bool {
        match cond {
            Cond::Level(a, b, level) => self.dyadic_level(*a, *b) >= *level,
            Cond::ActorLevel(a, level) => self.actor_level(*a) >= *level,
            Cond::Step(at_least) => self.step >= *at_least,
            Cond::InForce(treaty) => self.treaty_in_force[*treaty],
            Cond::All(list) => list.iter().all(|c| self.holds(c)),
            Cond::Any(list) => list.iter().any(|c| self.holds(c)),
            Cond::Not(inner) => !self.holds(inner),
        }
    }

    /// Records an actor joining a conflict.
    fn join(
        &mut self,
        c: ConflictIx,
        actor: ActorIx,
        side: Side,
        via: Route,
        cap: Level,
        obs: &mut dyn Observer,
    ) {
        let step = self.step;
        self.membership.join(&self.conflicts[c], actor, side);
        self.derived.invalidate(Change::Joined(c, actor));
        let conflict = &mut self.conflicts[c];
        conflict.participants.push(Participant {
            actor,
            side,
            joined: step,
            via,
            cap,
        });
        self.postures
            .retain(|p| !(p.conflict == c && p.actor == actor));
        self.outcome.entries.push(Entry {
            actor,
            conflict: c,
            step,
            side,
            via,
        });
        let with = self.conflicts[c].founder(side);
        obs.observe(
            step,
            &Event::Joined {
                conflict: c,
                actor,
                side,
                with,
                via,
                cap,
            },
        );
        self.check_neutrality(c, actor, side, obs);
        self.record_levels(c);
    }

    /// Records violations when `actor`, now on `side` of conflict `c`, stands against a partner of a
    /// neutrality it honoured in `c` or of any non-aggression obligation it holds.
    fn check_neutrality(
        &mut self,
        c: ConflictIx,
        actor: ActorIx,
        side: Side,
        obs: &mut dyn Observer,
    ) {
        let world = self.world;
        let against: Vec<ActorIx> = self.conflicts[c].side(side.other()).collect();
        for &ob in &world.constraints_by_holder[actor] {
            let o = &world.obligations[ob];
            if !against.contains(&o.partner) {
                continue;
            }
            let broken = match o.kind {
                crate::scenario::ObligationKind::NonAggression => self.obligation_in_force(ob),
                crate::scenario::ObligationKind::Neutrality => {
                    self.honoured_neutralities(c).contains(&ob)
                }
                _ => false,
            };
            if broken {
                self.record_violation(ob, c, obs);
            }
        }
    }

    /// Records that obligation `ob` was broken in conflict `c`, once per conflict.
    fn record_violation(&mut self, ob: ObligationIx, c: ConflictIx, obs: &mut dyn Observer) {
        let violations = &mut self.outcome.violations;
        if !violations
            .iter()
            .any(|v| v.obligation == ob && v.conflict == c)
        {
            violations.push(Violation {
                obligation: ob,
                conflict: c,
                step: self.step,
            });
            obs.observe(
                self.step,
                &Event::Violation {
                    obligation: ob,
                    conflict: c,
                },
            );
        }
    }

    /// Updates every participant's and the run's highest levels after a change in conflict `c`
    /// that may change anything its obligations read.
    fn note_levels(&mut self, c: ConflictIx) {
        self.derived.invalidate(Change::Moved(c));
        self.record_levels(c);
    }

    /// Updates every participant's and the run's highest levels.
    fn record_levels(&mut self, c: ConflictIx) {
        let conflict = &self.conflicts[c];
        for p in &conflict.participants {
            let level = p.cap.min(conflict.level);
            let highest = &mut self.outcome.actor_highest[p.actor];
            *highest = (*highest).max(level);
            let first_war = &mut self.outcome.actor_first_war[p.actor];
            if level >= Level::War && first_war.is_none() {
                *first_war = Some(self.step);
            }
            let first_force = &mut self.outcome.actor_first_force[p.actor];
            if level >= Level::Force && first_force.is_none() {
                *first_force = Some(self.step);
            }
        }
        let level = conflict.level;
        if level > self.outcome.highest {
            self.outcome.highest = level;
        }
        for l in Level::ALL.iter().filter(|l| **l <= level) {
            let first = &mut self.outcome.first_reached[l.number() as usize];
            if first.is_none() {
                *first = Some(self.step);
            }
        }
    }

    /// Sets a conflict's level, ending it at peace.
    fn set_level(
        &mut self,
        c: ConflictIx,
        level: Level,
        by_side: Option<Side>,
        obs: &mut dyn Observer,
    ) {
        let step = self.step;
        let from = self.conflicts[c].level;
        if from == level {
            return;
        }
        self.conflicts[c].set_level(level, step);
        obs.observe(
            step,
            &Event::LevelChanged {
                conflict: c,
                from,
                to: level,
                by_side,
            },
        );
        if level == Level::Peace {
            self.end_conflict(c, obs);
        } else {
            self.derived.invalidate(Change::Level(c, from));
            self.record_levels(c);
        }
    }

    fn end_conflict(&mut self, c: ConflictIx, obs: &mut dyn Observer) {
        let step = self.step;
        // An ending changes holders' levels, which mobilisation clauses read in other conflicts.
        self.derived.invalidate(Change::Moved(c));
        self.conflicts[c].level = Level::Peace;
        self.conflicts[c].ended = Some(step);
        self.membership.end(&self.conflicts[c]);
        self.pending.retain(|p| p.conflict != c);
        self.postures.retain(|p| p.conflict != c);
        obs.observe(step, &Event::ConflictEnded { conflict: c });
    }

    /// Records the step's end state.
    fn record(&mut self) {
        let level = self
            .active_conflicts()
            .map(|c| c.level)
            .max()
            .unwrap_or(Level::Peace);
        self.outcome.level_by_step.push(level);
        self.record_alignment();
    }
}
