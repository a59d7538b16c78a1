//! What the engine derives from a run's state to save work, and the one place that says when it
//! no longer holds.

use super::conflict::ConflictIx;
use super::world::{ActorIx, DirectedObligation};
use crate::model::Level;

/// Who would defend an actor under in-force defense obligations: up to two distinct holders of
/// obligations without adversary filters (enough to know whether one is not a given challenger),
/// and whether any obligation with filters is in force.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cover {
    pub(super) holders: [Option<ActorIx>; 2],
    pub(super) filtered: bool,
}

/// The holders of defense obligations toward a conflict's sides that are not in it, each once at
/// its most reliable obligation: `(reliability, holder)` per side, in the order their capability is
/// summed. Their capability moves with sanction pressure every step; who they are moves only when
/// someone joins or treaty status changes, so only the list is kept.
#[derive(Debug, Clone, Default)]
pub(super) struct Reinforcers {
    pub(super) valid: bool,
    pub(super) sides: [Vec<(f64, ActorIx)>; 2],
}

/// A change to the state that derived values may depend on.
#[derive(Debug, Clone, Copy)]
pub(super) enum Change {
    /// A treaty came into or went out of force: every obligation may read differently.
    Treaties,
    /// A member withdrew from a treaty: its obligations no longer bind, none can newly fire.
    Withdrawal,
    /// An actor joined conflict `c`.
    Joined(ConflictIx, ActorIx),
    /// Conflict `c` changed in a way not listed below: it began or widened (a confrontation),
    /// ended, or a scripted event moved it.
    Moved(ConflictIx),
    /// Conflict `c` moved on the ladder from level `from`.
    Level(ConflictIx, Level),
    /// An attack in conflict `c`, by the first actor on the second.
    Attacked(ConflictIx, [ActorIx; 2]),
    /// An obligation fired in conflict `c`.
    Fired(ConflictIx),
}

/// What changed in a conflict since its obligations were last checked, and so which verdicts may
/// read differently (docs/MODEL.md §3.5). Every verdict failed at the last check, or it would have
/// fired, and a verdict reads only its partner's and holder's sides, the level, the initiator, the
/// attacks naming its partner, and the obligations fired. So:
///
/// - a new participant or attack can change only the verdicts owed to the actors it names: once
///   there is an attack, only attacks naming the partner qualify, a holder joining can only make
///   its own verdicts fail (against its partner) or find it engaged, and the initiator that the
///   first attack fixes can only make verdicts fail (`unprovoked`);
/// - a move on the ladder from `from` can only pass an obligation whose `min_level` lies above
///   `from` and at or below the level now;
/// - a firing can only satisfy an obligation that waits on another (`after`).
///
/// Mobilisation reads levels and caps across conflicts; where there is any, every change has every
/// obligation checked (`Derived::check_all`).
#[derive(Debug, Clone, Default)]
pub(super) struct Stale {
    /// Anything else changed: every verdict may read differently.
    everything: bool,
    /// The level at the last check, if the level has moved since.
    level_from: Option<Level>,
    /// An obligation has fired since.
    fired: bool,
    /// The actors that joined or were named by an attack since.
    named: Vec<ActorIx>,
}

impl Stale {
    /// Whether nothing changed.
    pub(super) fn is_fresh(&self) -> bool {
        !self.everything && self.level_from.is_none() && !self.fired && self.named.is_empty()
    }

    /// Whether obligation `o`'s verdict may read differently now, at `level`.
    pub(super) fn affects(&self, o: &DirectedObligation, level: Level) -> bool {
        self.everything
            || self.named.contains(&o.partner)
            || (self.fired && o.after.is_some())
            || self
                .level_from
                .is_some_and(|from| from < o.min_level && o.min_level <= level)
    }

    fn clear(&mut self) {
        self.everything = false;
        self.level_from = None;
        self.fired = false;
        self.named.clear();
    }
}

/// Values derived from the state, each with what makes it stale.
#[derive(Debug, Clone, Default)]
pub(super) struct Derived {
    /// For each actor, who defends it against any challenger; stale while `cover_stale`.
    pub(super) cover: Vec<Cover>,
    pub(super) cover_stale: bool,
    /// For each conflict, who can be expected to reinforce its two sides.
    pub(super) reinforcers: Vec<Reinforcers>,
    /// Per conflict: what changed since its obligations were last checked. An obligation's
    /// verdict reads only its conflict, the treaty statuses and (for mobilisation) the holder's
    /// level elsewhere, so unchanged conflicts need no new check.
    moved: Vec<Stale>,
    /// A treaty came into or went out of force since the obligations were last checked.
    treaties_changed: bool,
}

impl Derived {
    /// Everything stale, for `n` actors.
    pub(super) fn new(n: usize) -> Self {
        Derived {
            cover: vec![Cover::default(); n],
            cover_stale: true,
            treaties_changed: true,
            ..Derived::default()
        }
    }

    /// The one entry point for staleness: what `change` makes stale.
    pub(super) fn invalidate(&mut self, change: Change) {
        match change {
            Change::Treaties | Change::Withdrawal => {
                self.cover_stale = true;
                self.reinforcers.iter_mut().for_each(|r| r.valid = false);
                if let Change::Treaties = change {
                    self.treaties_changed = true;
                }
            }
            Change::Joined(c, actor) => {
                if let Some(cached) = self.reinforcers.get_mut(c.index()) {
                    cached.valid = false;
                }
                crate::index::slot(&mut self.moved, c).named.push(actor);
            }
            Change::Moved(c) => crate::index::slot(&mut self.moved, c).everything = true,
            Change::Level(c, from) => {
                let stale = crate::index::slot(&mut self.moved, c);
                stale.level_from.get_or_insert(from);
            }
            Change::Attacked(c, actors) => {
                crate::index::slot(&mut self.moved, c)
                    .named
                    .extend_from_slice(&actors);
            }
            Change::Fired(c) => crate::index::slot(&mut self.moved, c).fired = true,
        }
    }

    /// Whether the obligations must all be checked again: treaties changed, or (where mobilisation
    /// clauses read levels across conflicts) any conflict moved.
    pub(super) fn check_all(&self, mobilisation: bool) -> bool {
        self.treaties_changed || (mobilisation && self.any_moved())
    }

    /// What changed in conflict `c` since its obligations were checked, into `out`; it counts as
    /// checked now.
    pub(super) fn take_moved(&mut self, c: ConflictIx, out: &mut Stale) {
        out.clear();
        if let Some(stale) = self.moved.get_mut(c.index()) {
            std::mem::swap(stale, out);
        }
    }

    /// Whether any conflict moved since the last check.
    pub(super) fn any_moved(&self) -> bool {
        self.moved.iter().any(|d| !d.is_fresh())
    }

    /// Every obligation has been checked against the present state.
    pub(super) fn checked(&mut self) {
        self.treaties_changed = false;
        self.moved.iter_mut().for_each(Stale::clear);
    }
}
