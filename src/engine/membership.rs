//! Who takes part in which active conflict, and who is opposed to whom: the bookkeeping that
//! starting, joining and ending a conflict keep, apart from the rest of the run's state.

use super::conflict::{Conflict, ConflictIx, Side};
use super::world::ActorIx;

/// The active conflicts and their membership.
#[derive(Debug, Clone)]
pub(super) struct Membership {
    n: usize,
    /// For each ordered pair, row-major, the number of active conflicts in which they are on
    /// opposite sides.
    opposition: Vec<u16>,
    /// For each actor, the active conflicts it takes part in, in order of joining.
    engaged: Vec<Vec<ConflictIx>>,
    /// The active conflicts, in order of starting.
    active: Vec<ConflictIx>,
}

impl Membership {
    /// No conflict among `n` actors.
    pub(super) fn new(n: usize) -> Self {
        Membership {
            n,
            opposition: vec![0; n * n],
            engaged: vec![Vec::new(); n],
            active: Vec::new(),
        }
    }

    /// The active conflicts, in order of starting.
    pub(super) fn active(&self) -> &[ConflictIx] {
        &self.active
    }

    /// Whether two actors are on opposite sides of an active conflict.
    pub(super) fn opposed(&self, a: ActorIx, b: ActorIx) -> bool {
        self.opposition[a.pair(b, self.n)] > 0
    }

    /// The active conflicts `actor` takes part in, in order of joining.
    pub(super) fn engaged(&self, actor: ActorIx) -> &[ConflictIx] {
        &self.engaged[actor]
    }

    /// Whether `actor` takes part in active conflict `c`.
    pub(super) fn takes_part(&self, actor: ActorIx, c: ConflictIx) -> bool {
        self.engaged[actor].contains(&c)
    }

    /// A conflict has begun between its two founders.
    pub(super) fn start(&mut self, conflict: &Conflict) {
        let c = conflict.id;
        let [by, on] = [conflict.founder(Side::A), conflict.founder(Side::B)];
        self.active.push(c);
        self.count(conflict, by, Side::A, 1);
        self.engaged[by].push(c);
        self.engaged[on].push(c);
    }

    /// `actor` joins `side` of `conflict` (before it is listed among the participants).
    pub(super) fn join(&mut self, conflict: &Conflict, actor: ActorIx, side: Side) {
        self.count(conflict, actor, side, 1);
        self.engaged[actor].push(conflict.id);
    }

    /// `conflict` has ended: nobody is opposed or engaged through it any more.
    pub(super) fn end(&mut self, conflict: &Conflict) {
        let c = conflict.id;
        for actor in conflict.side(Side::A) {
            self.count(conflict, actor, Side::A, -1);
        }
        for p in &conflict.participants {
            self.engaged[p.actor].retain(|&e| e != c);
        }
        self.active.retain(|&a| a != c);
    }

    /// Counts `actor`, on `side` of `conflict`, as opposed to each member of the other side
    /// (`delta` 1), or no longer (`delta` −1).
    fn count(&mut self, conflict: &Conflict, actor: ActorIx, side: Side, delta: i32) {
        let n = self.n;
        for other in conflict.side(side.other()) {
            for k in [actor.pair(other, n), other.pair(actor, n)] {
                let count = &mut self.opposition[k];
                *count = u16::try_from(i32::from(*count) + delta)
                    .expect("opposition counts stay within the active conflicts");
            }
        }
    }
}
