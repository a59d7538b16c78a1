//! What happens during a run, as it happens: the events an [`Observer`] sees.

use super::conflict::Side;
use serde::Serialize;

use super::conflict::{ConflictIx, Route};
use super::world::{ActorIx, ObligationIx, RegionIx};
use crate::model::{Level, Severity};
use crate::scenario::{NuclearStatus, Step, Support};

/// Why a sanction regime was lifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LiftReason {
    /// Its `until` step came.
    Expired,
    /// A `lift` event.
    Event,
    /// The target complied.
    Compliance,
    /// The target ended every conflict it initiated.
    ObjectiveMet,
}

/// Something that happened in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A scripted event took place.
    Scripted {
        /// Index in the world's events.
        index: usize,
    },
    /// A new conflict began.
    ConflictStarted {
        /// The conflict.
        conflict: ConflictIx,
        /// Who opened it.
        by: ActorIx,
        /// Against whom.
        on: ActorIx,
        /// Where.
        region: RegionIx,
        /// At what level.
        level: Level,
    },
    /// Force was used: an attack the treaty triggers read.
    Attack {
        /// The conflict.
        conflict: ConflictIx,
        /// Who.
        attacker: ActorIx,
        /// Against whom.
        attacked: ActorIx,
        /// Where.
        region: RegionIx,
        /// At what level.
        level: Level,
        /// What it was: a seizure or an attack, lethal or not (at war level, a lethal attack).
        severity: Severity,
    },
    /// A conflict changed level.
    LevelChanged {
        /// The conflict.
        conflict: ConflictIx,
        /// From.
        from: Level,
        /// To.
        to: Level,
        /// The side that raised it, if it went up.
        by_side: Option<Side>,
    },
    /// A conflict ended.
    ConflictEnded {
        /// The conflict.
        conflict: ConflictIx,
    },
    /// An obligation fired and its holder decided.
    ObligationFired {
        /// The obligation.
        obligation: ObligationIx,
        /// The conflict.
        conflict: ConflictIx,
        /// The adversaries that met its conditions.
        adversaries: Vec<ActorIx>,
        /// The holder already took part on that side.
        engaged: bool,
        /// Whether the holder honours it.
        honoured: bool,
        /// The probability it honoured with.
        probability: f64,
        /// The step at which the holder joins, for an honoured defense, offense or mobilisation.
        joins_at: Option<Step>,
    },
    /// An actor joined a conflict.
    Joined {
        /// The conflict.
        conflict: ConflictIx,
        /// Who.
        actor: ActorIx,
        /// Which side.
        side: Side,
        /// The founder of that side.
        with: ActorIx,
        /// How.
        via: Route,
        /// Up to which level it takes part.
        cap: Level,
    },
    /// A holder acted against a neutrality or non-aggression obligation.
    Violation {
        /// The obligation broken.
        obligation: ObligationIx,
        /// The conflict in which it was broken.
        conflict: ConflictIx,
    },
    /// A non-belligerent changed its support posture in a conflict.
    SupportChanged {
        /// The conflict.
        conflict: ConflictIx,
        /// The supporter.
        actor: ActorIx,
        /// The side it supports.
        side: Side,
        /// The founder of that side.
        with: ActorIx,
        /// Its posture now.
        posture: Support,
    },
    /// A sanction regime was imposed.
    SanctionImposed {
        /// Index in the world's regimes.
        regime: usize,
    },
    /// A sanction regime was lifted.
    SanctionLifted {
        /// Index in the world's regimes.
        regime: usize,
        /// Why.
        reason: LiftReason,
    },
    /// A transfer began to flow.
    TransferStarted {
        /// Index in the world's transfers.
        transfer: usize,
    },
    /// A transfer that breaches sanctions was detected.
    TransferDetected {
        /// Index in the world's transfers.
        transfer: usize,
    },
    /// An actor's nuclear status rose.
    NuclearStatusChanged {
        /// The actor.
        actor: ActorIx,
        /// Its status now.
        status: NuclearStatus,
    },
}

/// Watches a run as it happens (the engine never prints: reporting reads these).
pub trait Observer {
    /// Called for each event, in the order the engine produces them.
    fn observe(&mut self, step: Step, event: &Event);
}

/// An observer that ignores everything.
impl Observer for () {
    fn observe(&mut self, _: Step, _: &Event) {}
}

/// Collects every event with its step.
impl Observer for Vec<(Step, Event)> {
    fn observe(&mut self, step: Step, event: &Event) {
        self.push((step, event.clone()));
    }
}
