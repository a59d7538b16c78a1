//! Conflicts: two sides, their participants, the attacks made, and the level.

use serde::Serialize;

use super::world::{ActorIx, ObligationIx, RegionIx};
use crate::model::{Level, Severity};
use crate::scenario::Step;

crate::index_type! {
    /// Index of a conflict in the run's list of conflicts (its id).
    ConflictIx
}

/// One of a conflict's two sides: `A` opened it, `B` is its first target (the MID data's side A
/// and side B). Serialized as 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The side that opened the conflict.
    A,
    /// The side it was opened against.
    B,
}

impl Side {
    /// Both sides, A first.
    pub const BOTH: [Side; 2] = [Side::A, Side::B];

    /// The side facing this one.
    pub fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    /// 0 for A, 1 for B: the position of this side's entry in a per-side array.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl<T> std::ops::Index<Side> for [T; 2] {
    type Output = T;
    fn index(&self, side: Side) -> &T {
        &self[side.index()]
    }
}

impl<T> std::ops::IndexMut<Side> for [T; 2] {
    fn index_mut(&mut self, side: Side) -> &mut T {
        &mut self[side.index()]
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::A => "A",
            Side::B => "B",
        })
    }
}

impl Serialize for Side {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(*self as u8)
    }
}

/// How an actor came to take part in a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Route {
    /// It began the conflict or was its first target.
    Founder,
    /// It honoured this obligation.
    Obligation(ObligationIx),
    /// It joined without a treaty (a lethal supporter entering the war).
    Voluntary,
}

/// An actor's part in a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// Who.
    pub actor: ActorIx,
    /// Which side.
    pub side: Side,
    /// The step it joined.
    pub joined: Step,
    /// How.
    pub via: Route,
    /// The highest level at which it takes part: founders follow the conflict all the way, entrants
    /// up to their response level, raised when they attack or are attacked.
    pub cap: Level,
}

/// A use of force: `attacker` attacked `attacked` in `region` at `step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attack {
    /// Who used force.
    pub attacker: ActorIx,
    /// Against whom.
    pub attacked: ActorIx,
    /// Where.
    pub region: RegionIx,
    /// When.
    pub step: Step,
    /// At what level.
    pub level: Level,
    /// What it was: a seizure or an attack, lethal or not (at war level, a lethal attack).
    pub severity: Severity,
}

impl Attack {
    /// Whether it is an armed attack: a lethal attack or clash, or any use of force at war level
    /// or above (docs/MODEL.md §3.3).
    pub fn is_armed(&self) -> bool {
        self.level >= Level::War || self.severity.is_armed_attack()
    }
}

/// A crisis or war with two sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Its index in the run.
    pub id: ConflictIx,
    /// Where it is fought.
    pub region: RegionIx,
    /// The current level; 0 once it has ended.
    pub level: Level,
    /// The highest level it has reached.
    pub peak: Level,
    /// The step it began.
    pub started: Step,
    /// The step it reached its current level.
    pub level_since: Step,
    /// The step it ended, if it has.
    pub ended: Option<Step>,
    /// Steps it had already spent at its current level before `level_since` (a war under way when
    /// the scenario begins: the event's `under_way`); 0 once the level changes.
    pub prior: Step,
    /// Steps it had lasted when the run began, for a conflict under way then (an `attack` or
    /// `declare` event's `under_way`); 0 for one begun in the run.
    pub under_way: Step,
    /// The side that used force first, if any has.
    pub initiator: Option<Side>,
    /// Everyone taking part, in order of joining.
    pub participants: Vec<Participant>,
    /// Every use of force, in order.
    pub attacks: Vec<Attack>,
    /// Obligations that have fired in this conflict, in order of firing. A defense or offense
    /// obligation fired by a limited attack may fire once more for a war-scale one.
    pub fired: Vec<Fired>,
}

/// An obligation's firing in a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    /// The obligation.
    pub obligation: ObligationIx,
    /// Whether what fired it was war-scale: an attack at war level or above meeting its conditions
    /// (docs/MODEL.md §3.6). Always true of kinds whose decision does not depend on the scale.
    pub war: bool,
}

impl Conflict {
    /// The conflict's key in the draws (docs/MODEL.md §5): its founders and the step it began,
    /// which name it whatever conflicts came before it.
    pub(crate) fn key(&self) -> u64 {
        let (a, b) = (self.founder(Side::A), self.founder(Side::B));
        ((a.index() as u64) << 40) ^ ((b.index() as u64) << 20) ^ u64::from(self.started)
    }
}

impl Conflict {
    /// A new conflict opened by `by` against `on`.
    pub fn new(
        id: ConflictIx,
        by: ActorIx,
        on: ActorIx,
        region: RegionIx,
        level: Level,
        step: Step,
    ) -> Self {
        let founder = |actor, side| Participant {
            actor,
            side,
            joined: step,
            via: Route::Founder,
            cap: Level::MAX,
        };
        Conflict {
            id,
            region,
            level,
            peak: level,
            started: step,
            level_since: step,
            ended: None,
            prior: 0,
            under_way: 0,
            initiator: None,
            participants: vec![founder(by, Side::A), founder(on, Side::B)],
            attacks: Vec::new(),
            fired: Vec::new(),
        }
    }

    /// Steps at the current level by `step`, counting those spent there before the run.
    pub fn steps_at_level(&self, step: Step) -> Step {
        step - self.level_since + self.prior
    }

    /// Marks the conflict as under way when the run began, `steps` old at its level (an `attack` or
    /// `declare` event's `under_way`).
    pub(super) fn set_under_way(&mut self, steps: Step) {
        self.prior = steps;
        self.under_way = steps;
    }

    /// The participants around whom a coalition forms (docs/MODEL.md §3.6): states of global reach
    /// fighting at war level, except, in a conflict under way when the run began, those fighting
    /// it from the start (their allies decided before the run).
    pub fn coalition_leaders<'a>(
        &'a self,
        world: &'a super::World,
    ) -> impl Iterator<Item = &'a Participant> + 'a {
        self.participants.iter().filter(move |p| {
            world.actors[p.actor].reach == crate::scenario::Reach::Global
                && p.cap >= Level::War
                && !(self.began_before_run() && p.joined == self.started)
        })
    }

    /// Whether the conflict was under way when the run began rather than begun in it.
    pub fn began_before_run(&self) -> bool {
        self.under_way > 0
    }

    /// Whether the conflict is still going on.
    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }

    /// The participant record of an actor.
    pub fn participant(&self, actor: ActorIx) -> Option<&Participant> {
        self.participants.iter().find(|p| p.actor == actor)
    }

    /// The side an actor is on.
    pub fn side_of(&self, actor: ActorIx) -> Option<Side> {
        self.participant(actor).map(|p| p.side)
    }

    /// The level at which an actor takes part: the conflict's level up to its cap.
    pub fn level_of(&self, actor: ActorIx) -> Option<Level> {
        self.participant(actor).map(|p| p.cap.min(self.level))
    }

    /// The actors on a side.
    pub fn side(&self, side: Side) -> impl Iterator<Item = ActorIx> + '_ {
        self.participants
            .iter()
            .filter(move |p| p.side == side)
            .map(|p| p.actor)
    }

    /// The founders of a side (its first member).
    pub fn founder(&self, side: Side) -> ActorIx {
        // The constructor puts a founder on each side first.
        self.participants[side.index()].actor
    }

    /// Whether two actors are on opposite sides.
    pub fn opposed(&self, a: ActorIx, b: ActorIx) -> bool {
        matches!((self.side_of(a), self.side_of(b)), (Some(x), Some(y)) if x != y)
    }

    /// The level between two actors in this conflict: the lower of their levels, if they are on
    /// opposite sides.
    pub fn dyadic_level(&self, a: ActorIx, b: ActorIx) -> Option<Level> {
        let (pa, pb) = (self.participant(a)?, self.participant(b)?);
        (pa.side != pb.side).then(|| pa.cap.min(pb.cap).min(self.level))
    }

    /// Whether an obligation has fired in this conflict.
    pub fn has_fired(&self, obligation: ObligationIx) -> bool {
        self.fired.iter().any(|f| f.obligation == obligation)
    }

    /// Whether an obligation has fired in this conflict for a war-scale attack (or, for kinds that
    /// do not read the scale, at all): it cannot fire again.
    pub fn has_fired_at_war(&self, obligation: ObligationIx) -> bool {
        self.fired
            .iter()
            .any(|f| f.obligation == obligation && f.war)
    }

    /// Sets the level, tracking the peak and the step it was reached.
    pub fn set_level(&mut self, level: Level, step: Step) {
        if level != self.level {
            self.level = level;
            self.level_since = step;
            self.prior = 0;
        }
        self.peak = self.peak.max(level);
    }

    /// Raises an actor's cap to at least `level`.
    pub fn raise_cap(&mut self, actor: ActorIx, level: Level) {
        if let Some(p) = self.participants.iter_mut().find(|p| p.actor == actor) {
            p.cap = p.cap.max(level);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ObligationIx, RegionIx};

    #[test]
    fn entrants_take_part_up_to_their_cap() {
        let [a, b, e] = [0, 1, 2].map(ActorIx::new);
        let mut c = Conflict::new(ConflictIx::new(0), a, b, RegionIx::new(0), Level::War, 3);
        c.participants.push(Participant {
            actor: e,
            side: Side::B,
            joined: 4,
            via: Route::Obligation(ObligationIx::new(0)),
            cap: Level::Display,
        });
        assert_eq!(c.level_of(a), Some(Level::War));
        assert_eq!(c.level_of(e), Some(Level::Display));
        assert_eq!(c.dyadic_level(a, e), Some(Level::Display));
        assert_eq!(c.dyadic_level(b, e), None, "same side");
        c.raise_cap(e, Level::War);
        assert_eq!(c.dyadic_level(a, e), Some(Level::War));
        assert!(c.opposed(a, e) && !c.opposed(b, e));
    }
}
