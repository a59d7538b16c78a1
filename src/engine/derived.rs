//! What the engine derives from a run's state to save work, and the one place that says when it
//! no longer holds.

use super::conflict::ConflictIx;
use super::world::ActorIx;

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
    /// Someone joined conflict `c`.
    Joined(ConflictIx),
    /// Conflict `c` changed otherwise: its level, its end, an obligation fired in it.
    Moved(ConflictIx),
}

/// Values derived from the state, each with what makes it stale.
#[derive(Debug, Clone, Default)]
pub(super) struct Derived {
    /// For each actor, who defends it against any challenger; stale while `cover_stale`.
    pub(super) cover: Vec<Cover>,
    pub(super) cover_stale: bool,
    /// For each conflict, who can be expected to reinforce its two sides.
    pub(super) reinforcers: Vec<Reinforcers>,
    /// Per conflict: changed since its obligations were last checked. An obligation's verdict
    /// reads only its conflict, the treaty statuses and (for mobilisation) the holder's level
    /// elsewhere, so unchanged conflicts need no new check.
    moved: Vec<bool>,
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
            Change::Joined(c) => {
                if let Some(cached) = self.reinforcers.get_mut(c.index()) {
                    cached.valid = false;
                }
                self.moved(c);
            }
            Change::Moved(c) => self.moved(c),
        }
    }

    fn moved(&mut self, c: ConflictIx) {
        *crate::index::slot(&mut self.moved, c) = true;
    }

    /// Whether the obligations must all be checked again: treaties changed, or (where mobilisation
    /// clauses read levels across conflicts) any conflict moved.
    pub(super) fn check_all(&self, mobilisation: bool) -> bool {
        self.treaties_changed || (mobilisation && self.moved.iter().any(|&d| d))
    }

    /// Whether conflict `c` moved since its obligations were checked; it counts as checked now.
    pub(super) fn take_moved(&mut self, c: ConflictIx) -> bool {
        self.moved
            .get_mut(c.index())
            .is_some_and(|moved| std::mem::replace(moved, false))
    }

    /// Whether any conflict moved since the last check.
    pub(super) fn any_moved(&self) -> bool {
        self.moved.iter().any(|&d| d)
    }

    /// Every obligation has been checked against the present state.
    pub(super) fn checked(&mut self) {
        self.treaties_changed = false;
        self.moved.iter_mut().for_each(|d| *d = false);
    }
}
