//! Phase 4 (docs/MODEL.md §1.3, §3.4): escalation. Each active conflict goes up a level (by one side), holds, goes down a
//! level, or settles, with the probabilities of the escalation rule.

use super::Simulation;
use super::conflict::{ConflictIx, Side};
use super::draws::Purpose;
use super::observe::Observer;
use super::rules::EscalationContext;
use super::world::{ActorIx, ObligationIx};
use crate::model::Level;

impl Simulation<'_> {
    pub(super) fn escalation(&mut self, obs: &mut dyn Observer) {
        let mut conflicts = std::mem::take(&mut self.scratch.conflicts);
        conflicts.clear();
        conflicts.extend_from_slice(self.membership.active());
        for &c in &conflicts {
            // A conflict begun this step has already moved.
            if !self.conflicts[c].is_active() || self.conflicts[c].started == self.step {
                continue;
            }
            if !self
                .derived
                .reinforcers
                .get(c.index())
                .is_some_and(|r| r.valid)
            {
                let mut cached =
                    std::mem::take(crate::index::slot(&mut self.derived.reinforcers, c));
                let mut buffers = std::mem::take(&mut self.scratch.reinforcement);
                for side in Side::BOTH {
                    self.reinforcers_of(c, side, &mut buffers, &mut cached.sides[side]);
                }
                cached.valid = true;
                self.scratch.reinforcement = buffers;
                self.derived.reinforcers[c] = cached;
            }
            let ctx = self.escalation_context(c);
            let t = self.rules.escalation.transition(&ctx);
            let x =
                self.draws
                    .uniform(Purpose::Escalation, self.step, [self.conflicts[c].key(), 0]);
            let level = self.conflicts[c].level;
            if x < t.up[0] + t.up[1] {
                let side = if x < t.up[0] { Side::A } else { Side::B };
                self.raise(c, side, obs);
            } else if x < t.up[0] + t.up[1] + t.down {
                let down =
                    Level::from_number(u64::from(level.number()) - 1).unwrap_or(Level::Peace);
                self.set_level(c, down, None, obs);
            } else if x < t.total() {
                self.set_level(c, Level::Peace, None, obs);
            }
        }
        self.scratch.conflicts = conflicts;
    }

    /// `side` raises conflict `c` one level. The first side to reach force is the initiator, and
    /// every rise to force or above is an attack by that side's founder on the other's, in the
    /// conflict's region.
    fn raise(&mut self, c: ConflictIx, side: Side, obs: &mut dyn Observer) {
        let conflict = &self.conflicts[c];
        let Some(up) = Level::from_number(u64::from(conflict.level.number()) + 1) else {
            return;
        };
        let (attacker, attacked, region) = (
            conflict.founder(side),
            conflict.founder(side.other()),
            conflict.region,
        );
        self.set_level(c, up, Some(side), obs);
        if up.is_armed() && self.conflicts[c].peak == up {
            self.record_attack(c, attacker, attacked, region, up, None, obs);
        }
    }

    fn escalation_context(&self, c: ConflictIx) -> EscalationContext<'_> {
        let world = self.world;
        let conflict = &self.conflicts[c];
        let (f0, f1) = (conflict.founder(Side::A), conflict.founder(Side::B));
        let sides = Side::BOTH.map(|side| self.side_view(c, side));
        let capability = sides.map(|s| s.capability);
        EscalationContext {
            founders: [world.actors[f0].id.as_str(), world.actors[f1].id.as_str()],
            region: world.regions[conflict.region].id.as_str(),
            level: conflict.level,
            peak: conflict.peak,
            steps_at_level: conflict.steps_at_level(self.step),
            hostility: self.hostility(f0, f1),
            capability,
            reinforcement: {
                let expected = Side::BOTH.map(|side| self.expected_reinforcement(c, side));
                [
                    expected[1] / capability[1].max(1e-12),
                    expected[0] / capability[0].max(1e-12),
                ]
            },
            pressure: sides.map(|s| s.pressure),
            nuclear: sides.map(|s| s.nuclear),
            nuclear_weight: sides.map(|s| s.nuclear_weight),
            belligerents: conflict
                .participants
                .iter()
                .filter(|p| p.cap >= Level::Force)
                .count(),
            months_per_step: world.step_years * 12.0,
            params: &world.params,
        }
    }

    /// The capability a side can expect from defense obligations toward its members held by actors
    /// not yet in the conflict: Σ reliability × effective capability, each holder counted once at its
    /// most reliable obligation (`reinforcers_of`, cached by `escalation`).
    fn expected_reinforcement(&self, c: ConflictIx, side: Side) -> f64 {
        self.derived.reinforcers[c].sides[side]
            .iter()
            .map(|&(reliability, holder)| reliability * self.effective_capability(holder))
            .sum()
    }

    /// The reinforcers of a side, into `out`: the holders of in-force defense obligations toward its
    /// members that take no part in the conflict, each once at its most reliable obligation (the
    /// first of equals), as `(reliability, holder)` in the order of the members and their
    /// obligations, so that the sum does not depend on how the best are found.
    fn reinforcers_of(
        &self,
        c: ConflictIx,
        side: Side,
        (eligible, order): &mut (Vec<ObligationIx>, Vec<(usize, bool)>),
        out: &mut Vec<(f64, ActorIx)>,
    ) {
        let world = self.world;
        let conflict = &self.conflicts[c];
        eligible.clear();
        eligible.extend(
            conflict
                .side(side)
                .flat_map(|member| world.defenses_by_partner[member].iter().copied())
                .filter(|&ob| {
                    !self.takes_part(world.obligations[ob].holder, c)
                        && self.obligation_in_force(ob)
                }),
        );
        let holder = |i: usize| world.obligations[eligible[i]].holder;
        let reliability = |i: usize| world.obligations[eligible[i]].reliability;
        order.clear();
        order.extend((0..eligible.len()).map(|i| (i, false)));
        order.sort_unstable_by(|&(a, _), &(b, _)| {
            holder(a)
                .cmp(&holder(b))
                .then(reliability(b).total_cmp(&reliability(a)))
                .then(eligible[a].cmp(&eligible[b]))
        });
        for k in 0..order.len() {
            order[k].1 = k == 0 || holder(order[k - 1].0) != holder(order[k].0);
        }
        // Back to the order of `eligible`, each marked whether it is its holder's best.
        order.sort_unstable_by_key(|&(i, _)| i);
        out.clear();
        out.extend(
            eligible
                .iter()
                .zip(order.iter())
                .filter(|&(_, &(_, best))| best)
                .map(|(&ob, _)| {
                    let o = &world.obligations[ob];
                    (o.reliability, o.holder)
                }),
        );
    }
}
