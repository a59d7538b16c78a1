//! The outcome of one run (docs/MODEL.md §4): what the Monte Carlo summary and the trace read.

use super::conflict::Side;
use serde::Serialize;

use super::alignment::AlignmentRecord;
use super::conflict::{ConflictIx, Route};
use super::observe::LiftReason;
use super::transfers::TransferCourse;
use super::world::{ActorIx, ObligationIx, World};
use crate::model::{Level, Pathway, PathwayStep};
use crate::scenario::{NuclearStatus, Step};

/// An actor's entry into a conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Who.
    pub actor: ActorIx,
    /// Which conflict.
    pub conflict: ConflictIx,
    /// When.
    pub step: Step,
    /// Which side (0 opened the conflict).
    pub side: Side,
    /// How.
    pub via: Route,
}

/// An obligation that fired, and what its holder did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trigger {
    /// The obligation.
    pub obligation: ObligationIx,
    /// The conflict.
    pub conflict: ConflictIx,
    /// When.
    pub step: Step,
    /// The adversaries that met its conditions.
    pub adversaries: Vec<ActorIx>,
    /// The holder already took part on that side.
    pub engaged: bool,
    /// What fired it was war-scale ([`Firing::war`](super::triggers::Firing::war)).
    pub war: bool,
    /// Whether it honoured.
    pub honoured: bool,
    /// With what probability.
    pub probability: f64,
}

/// A broken neutrality or non-aggression obligation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The obligation.
    pub obligation: ObligationIx,
    /// The conflict.
    pub conflict: ConflictIx,
    /// When.
    pub step: Step,
}

/// A sanction regime's course in the run.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SanctionCourse {
    /// The step it was imposed.
    pub imposed: Option<Step>,
    /// The step it was lifted, and why.
    pub lifted: Option<(Step, LiftReason)>,
}

/// Everything recorded of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The highest level any conflict reached.
    pub highest: Level,
    /// The highest level reached by a conflict begun in the run (not one under way when it began);
    /// set when the run finishes.
    pub highest_begun: Level,
    /// The highest level of the conflicts in the scenario's focus ([`World::focus_level`]);
    /// `Peace` where none was, or no focus is set.
    pub highest_focus: Level,
    /// The first step each level (0–7) was reached by some conflict.
    pub first_reached: [Option<Step>; 8],
    /// Each actor's highest level of participation.
    pub actor_highest: Vec<Level>,
    /// The first step each actor took part in a conflict at war or above.
    pub actor_first_war: Vec<Option<Step>>,
    /// Per actor, the first step it took part at the use of force or above.
    pub actor_first_force: Vec<Option<Step>>,
    /// Every entry into a conflict, in order.
    pub entries: Vec<Entry>,
    /// Every obligation that fired, in order.
    pub triggers: Vec<Trigger>,
    /// Every violation, in order.
    pub violations: Vec<Violation>,
    /// The highest active level at the end of each step.
    pub level_by_step: Vec<Level>,
    /// Each regime's course.
    pub sanctions: Vec<SanctionCourse>,
    /// Sanction pressure on each actor at the end.
    pub final_pressure: Vec<f64>,
    /// Stances at the end, row-major `from * n + to`.
    pub final_stances: Vec<f64>,
    /// The peak of each conflict, in order of starting.
    pub conflict_peaks: Vec<Level>,
    /// The canonical pathway: entries into conflicts that reached force, in order.
    pub pathway: Pathway,
    /// Each actor's nuclear status at the end.
    pub final_nuclear: Vec<NuclearStatus>,
    /// Each transfer's course.
    pub transfers: Vec<TransferCourse>,
    /// Stances of the named pairs, polarisation and blocs, where the scenario asks for them.
    pub alignment: Option<AlignmentRecord>,
}

impl Outcome {
    /// The first step at which some conflict was at war or above.
    pub fn first_war(&self) -> Option<Step> {
        self.first_reached[Level::War.number() as usize..]
            .iter()
            .flatten()
            .min()
            .copied()
    }

    /// Whether nuclear weapons were used.
    pub fn nuclear_use(&self) -> bool {
        self.highest.is_nuclear()
    }

    /// Whether an actor took part in a conflict at force or above.
    pub fn belligerent(&self, actor: ActorIx) -> bool {
        self.actor_highest[actor] >= Level::Force
    }

    /// How an actor first entered a conflict that reached force: `initiator`, `target`, the
    /// obligation's `treaty/clause`, or `voluntary`.
    pub fn route(&self, world: &World, actor: ActorIx) -> Option<String> {
        self.entries
            .iter()
            .filter(|e| e.actor == actor && self.conflict_peaks[e.conflict] >= Level::Force)
            .map(|e| route_name(world, e.via, e.side))
            .next()
    }
}

/// A route's name: `initiator` or `target` for founders (by side), the obligation's
/// `treaty/clause`, or `voluntary`.
pub fn route_name(world: &World, route: Route, side: Side) -> String {
    match route {
        Route::Founder if side == Side::A => "initiator".to_owned(),
        Route::Founder => "target".to_owned(),
        Route::Obligation(o) => world.clause_name(world.obligations[o].clause),
        Route::Voluntary => "voluntary".to_owned(),
    }
}

/// Builds the canonical pathway ([`Pathway`]). It lists the conflicts that drew in a third party or
/// reached war, in order of starting, each followed by its entries in order. A conflict whose part
/// repeats an earlier one's is listed once, and bilateral incidents below war are left out, so that
/// runs with the same course of escalation share a pathway.
pub fn pathway(
    world: &World,
    entries: &[Entry],
    peaks: &[Level],
    founders: &[[ActorIx; 2]],
) -> Pathway {
    let id = |a: ActorIx| world.actors[a].id.as_str();
    // Each conflict's entries; a conflict without any that stayed short of war is left out, so
    // only the conflicts named are written out.
    let mut joined: Vec<Vec<PathwayStep<'_>>> = vec![Vec::new(); peaks.len()];
    for e in entries {
        let step = match e.via {
            Route::Founder => continue, // named in the conflict's own part
            Route::Obligation(o) => {
                let ob = &world.obligations[o];
                PathwayStep::Treaty {
                    joiner: id(e.actor),
                    partner: id(ob.partner),
                    treaty: &world.treaties[ob.treaty].id,
                }
            }
            Route::Voluntary => PathwayStep::Voluntary {
                joiner: id(e.actor),
                side_of: id(founders[e.conflict][e.side]),
            },
        };
        joined[e.conflict].push(step);
    }
    let mut listed: Vec<Pathway> = Vec::new();
    for (c, steps) in joined.into_iter().enumerate() {
        if steps.is_empty() && peaks[c] < Level::War {
            continue;
        }
        let [opener, target] = founders[c];
        let mut part = Pathway::default();
        part.push(PathwayStep::Conflict {
            opener: id(opener),
            target: id(target),
            peak: peaks[c].number(),
        });
        for step in steps {
            part.push(step);
        }
        if !listed.contains(&part) {
            listed.push(part);
        }
    }
    let mut pathway = Pathway::default();
    for part in &listed {
        pathway.extend(part);
    }
    pathway
}
