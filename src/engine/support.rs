//! Phase 6 (docs/MODEL.md §1.3, §3.7): support postures of non-belligerents.

use super::conflict::Side;
use super::observe::{Event, Observer};
use super::{Posture, Simulation, stance_gap};
use crate::scenario::Support;

impl Simulation<'_> {
    /// Every actor not taking part in an active conflict supports the side it favours, by its
    /// stance gap g between the sides: diplomatic from `support_diplomatic`, material from
    /// `support_material`, lethal from `support_lethal`, capped at its `max_support`. A posture
    /// toward a side whose opponent includes a partner of a neutrality the actor has honoured in
    /// that conflict is capped at diplomatic (ATOP neutrality: no aid to the partner's enemies).
    pub(super) fn support(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let p = &world.params;
        let mut next = std::mem::take(&mut self.scratch.postures);
        next.clear();
        let mut candidates = std::mem::take(&mut self.scratch.actors);
        let mut seen = std::mem::take(&mut self.scratch.seen);
        let mut members = std::mem::take(&mut self.scratch.members);
        for &c in self.membership.active() {
            let conflict = &self.conflicts[c];
            for side in Side::BOTH {
                members[side].clear();
                members[side].extend(conflict.side(side));
            }
            // An actor indifferent to every participant has a gap of 0, below any positive
            // threshold: only the participants' live neighbours can take a posture.
            candidates.clear();
            if p.support_diplomatic > 0.0 {
                seen.clear();
                seen.resize(world.n(), false);
                for q in &conflict.participants {
                    for &actor in &self.live.neighbours[q.actor] {
                        seen[actor] = true;
                    }
                }
                candidates.extend(world.actor_ixs().filter(|&actor| seen[actor]));
            } else {
                candidates.extend(world.actor_ixs());
            }
            for &actor in &candidates {
                if self.takes_part(actor, c) || world.actors[actor].max_support == Support::None {
                    continue;
                }
                let members = |side: Side| members[side].iter().copied();
                let gap_a = stance_gap(self.stances_of(actor), members, Side::A);
                let (side, gap) = if gap_a >= 0.0 {
                    (Side::A, gap_a)
                } else {
                    (Side::B, -gap_a)
                };
                let mut support = if gap >= p.support_lethal {
                    Support::Lethal
                } else if gap >= p.support_material {
                    Support::Material
                } else if gap >= p.support_diplomatic {
                    Support::Diplomatic
                } else {
                    continue;
                };
                support = support.min(world.actors[actor].max_support);
                let honoured = self.honoured_neutralities(c);
                let own = honoured.partition_point(|&ob| world.obligations[ob].holder < actor);
                let neutral_toward_other = honoured[own..]
                    .iter()
                    .map(|&ob| &world.obligations[ob])
                    .take_while(|o| o.holder == actor)
                    .any(|o| conflict.side_of(o.partner) == Some(side.other()));
                if neutral_toward_other {
                    support = support.min(Support::Diplomatic);
                }
                next.push(Posture {
                    conflict: c,
                    actor,
                    side,
                    support,
                });
            }
        }
        let t = self.step;
        // Both lists are in (conflict, actor) order: `active` is in order of starting.
        let key = |p: &Posture| (p.conflict, p.actor);
        debug_assert!(next.is_sorted_by_key(key) && self.postures.is_sorted_by_key(key));
        for posture in &next {
            let before = self.postures.binary_search_by_key(&key(posture), key);
            if before.map_or(true, |i| self.postures[i] != *posture) {
                obs.observe(
                    t,
                    &Event::SupportChanged {
                        conflict: posture.conflict,
                        actor: posture.actor,
                        side: posture.side,
                        with: self.conflicts[posture.conflict].founder(posture.side),
                        posture: posture.support,
                    },
                );
            }
        }
        self.scratch.postures = std::mem::replace(&mut self.postures, next);
        self.scratch.actors = candidates;
        self.scratch.seen = seen;
        self.scratch.members = members;
    }
}
