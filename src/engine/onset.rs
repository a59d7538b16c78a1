//! Phase 3 (docs/MODEL.md §1.3, §3.3): dispute onset between pairs not already opposed.

use std::cmp::Reverse;

use super::derived::Cover;
use super::draws::{Purpose, pair_key};
use super::observe::Observer;
use super::world::ActorIx;
use super::world::OnsetBound;
use super::{Candidate, Simulation};
use crate::scenario::Step;

impl Simulation<'_> {
    /// For each unordered pair not on opposite sides of an active conflict, a dispute starts with
    /// probability 1 − exp(−λ·Δt), where λ = rate·exp(`onset_memory`·(h(t) − h(0))) for a pair
    /// with its own rate (h signed: friendlier than at step 0 lowers it) and λ = `onset_rate`·h(t)
    /// otherwise, where only a side whose reach takes in the other can start it, times
    /// `deterrence` when the would-be
    /// target is the partner of an applicable defense obligation. The initiator is drawn in
    /// proportion to each side's own hostility (even odds when both are indifferent); the dispute
    /// takes place in the pair's `region`, or else in the target's first region.
    pub(super) fn onset(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let n = world.n();
        let p = &world.params;
        if self.derived.cover_stale {
            self.refresh_cover();
        }
        // Pairs not live are indifferent both ways and have no rate of their own: no disputes.
        // Those that became live since the last onset phase join the schedule at their first
        // candidate step from this one on (docs/MODEL.md §3.3).
        let mut fresh = std::mem::take(&mut self.live.fresh);
        for &(i, j) in &fresh {
            let k = i.pair(j, n);
            let bound = world.onset_bounds[k];
            if bound.q > 0.0 {
                let mut next = Candidate {
                    step: self.gap(i, j, bound, 0),
                    index: 0,
                };
                while next.step < self.step {
                    next = self.after(i, j, bound, next);
                }
                self.schedule(i, j, next);
            }
        }
        fresh.clear();
        self.live.fresh = fresh;
        // Thinning: only the pairs whose candidate step this is are visited, in pair order; each
        // is scheduled at its next candidate, and the probability is computed only now and the
        // candidate accepted in proportion.
        while let Some(&Reverse((step, i, j))) = self.onset_queue.peek() {
            if step > self.step {
                break;
            }
            self.onset_queue.pop();
            let k = i.pair(j, n);
            let bound = world.onset_bounds[k];
            let next = self.after(i, j, bound, self.onset_next[k]);
            self.schedule(i, j, next);
            // Who can start it: either side of a pair with its own record; otherwise only a side
            // whose reach takes in the other (docs/MODEL.md §3.3).
            let (mut rate, can) = match world.dyad_rates[k] {
                Some(rate) => (
                    rate * (p.onset_memory * self.hostility_change(i, j)).exp(),
                    [true, true],
                ),
                None => (
                    p.onset_rate * self.hostility(i, j),
                    [world.reaches[k], world.reaches[j.pair(i, n)]],
                ),
            };
            if rate <= 0.0 || can == [false, false] || self.opposed(i, j) {
                continue;
            }
            // The candidate is accepted with probability p(t)/q: the draw scaled by q is compared
            // with p(t).
            let draw = self
                .draws
                .uniform(Purpose::Onset, self.step, [pair_key(i, j), 0])
                * bound.q;
            // 1 − exp(−x) < x, and the deterrence factor lies between 1 and `deterrence`: a draw
            // above rate·max(1, deterrence)·Δt (with room for rounding) starts no dispute whatever
            // the deterrence, so most pairs need neither the factor nor the exponential.
            if draw >= rate * p.deterrence.max(1.0) * world.step_years * (1.0 + 1e-9) {
                continue;
            }
            // Initiator in proportion to own hostility, −s, floored at 0; where only one side can
            // start it, only that side's part of the rate remains, and it is the initiator.
            let (hi, hj) = ((-self.stance(i, j)).max(0.0), (-self.stance(j, i)).max(0.0));
            let mut share_i = if hi + hj > 0.0 { hi / (hi + hj) } else { 0.5 };
            match can {
                [true, false] => (rate, share_i) = (rate * share_i, 1.0),
                [false, true] => (rate, share_i) = (rate * (1.0 - share_i), 0.0),
                _ => {}
            }
            if rate <= 0.0 {
                continue;
            }
            // Deterrence depends on who would be the target: average it over the two directions.
            let deter = share_i * self.deterrence_factor(i, j)
                + (1.0 - share_i) * self.deterrence_factor(j, i);
            let probability = world.per_step_from_yearly_rate(rate * deter);
            if draw >= probability {
                continue;
            }
            let initiator = self
                .draws
                .uniform(Purpose::Initiator, self.step, [pair_key(i, j), 0]);
            let (by, on) = if initiator < share_i { (i, j) } else { (j, i) };
            let level = self.draw_start_level(i, j);
            let region = world.dyad_regions[i.pair(j, n)].unwrap_or(world.actors[on].regions[0]);
            self.confront(by, on, level, region, None, obs);
        }
    }

    /// The `index`-th gap of pair (`i`, `j`)'s candidate steps: the failures before the next
    /// success of Bernoulli(q) trials, 0 when q is 1. The schedule is a function of the pair and
    /// its bound alone, so a pair that becomes live late, or in one arm of a comparison and not the
    /// other, has the same candidates.
    fn gap(&self, i: ActorIx, j: ActorIx, bound: OnsetBound, index: u32) -> Step {
        let u = self
            .draws
            .uniform(Purpose::OnsetCandidate, index, [pair_key(i, j), 0]);
        let gap = ((-u).ln_1p() / bound.ln_miss).floor();
        if gap < f64::from(Step::MAX) {
            gap as Step
        } else {
            Step::MAX
        }
    }

    /// The candidate after `candidate`.
    fn after(&self, i: ActorIx, j: ActorIx, bound: OnsetBound, candidate: Candidate) -> Candidate {
        let index = candidate.index + 1;
        Candidate {
            step: (candidate.step.saturating_add(1)).saturating_add(self.gap(i, j, bound, index)),
            index,
        }
    }

    /// Records pair (`i`, `j`)'s next candidate and queues it if it falls within the horizon.
    fn schedule(&mut self, i: ActorIx, j: ActorIx, next: Candidate) {
        let k = i.pair(j, self.n());
        self.onset_next[k] = next;
        if next.step < self.world.steps {
            self.onset_queue.push(Reverse((next.step, i, j)));
        }
    }

    /// `deterrence` if `target` is the partner of an in-force defense obligation whose holder is not
    /// the challenger and whose adversary filters admit the challenger; 1 otherwise.
    fn deterrence_factor(&self, challenger: ActorIx, target: ActorIx) -> f64 {
        let world = self.world;
        let cover = &self.derived.cover[target];
        let defended = cover.holders.iter().flatten().any(|&h| h != challenger)
            || cover.filtered
                && world.defenses_by_partner[target].iter().any(|&ob| {
                    let o = &world.obligations[ob];
                    o.holder != challenger
                        && o.adversaries
                            .as_ref()
                            .is_none_or(|a| a.binary_search(&challenger).is_ok())
                        && o.adversaries_exclude.binary_search(&challenger).is_err()
                        && self.obligation_in_force(ob)
                });
        if defended {
            world.params.deterrence
        } else {
            1.0
        }
    }

    /// Recomputes who defends whom (`Cover`) from the defense obligations in force now.
    fn refresh_cover(&mut self) {
        let world = self.world;
        for target in world.actor_ixs() {
            let mut cover = Cover::default();
            for &ob in &world.defenses_by_partner[target] {
                if !self.obligation_in_force(ob) {
                    continue;
                }
                let o = &world.obligations[ob];
                if o.adversaries.is_some() || !o.adversaries_exclude.is_empty() {
                    cover.filtered = true;
                } else if cover.holders[0].is_none() {
                    cover.holders[0] = Some(o.holder);
                } else if cover.holders[1].is_none() && cover.holders[0] != Some(o.holder) {
                    cover.holders[1] = Some(o.holder);
                }
            }
            self.derived.cover[target] = cover;
        }
        self.derived.cover_stale = false;
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::world::OnsetBound;
    use crate::scenario::Parameters;

    /// The thinning bound is at least the per-step probability of onset at any stances the pair can
    /// reach, for a pair with its own rate and for one without, whatever its stances at step 0, at
    /// any `onset_memory` and `deterrence` (docs/MODEL.md §3.3).
    #[test]
    fn the_thinning_bound_holds_at_every_stance() {
        let grid: Vec<f64> = (0..=40).map(|k| -1.0 + f64::from(k) / 20.0).collect();
        for (memory, deterrence) in [(1.5, 0.82), (0.0, 1.0), (20.0, 1.0), (4.0, 1.0)] {
            let p = Parameters {
                onset_memory: memory,
                deterrence,
                ..Parameters::default()
            };
            for rate in [1e-4, 0.065, 1.2, 40.0] {
                for &start in &grid {
                    let dyad = OnsetBound::new(&p, Some(rate), start, false, 1.0 / 12.0);
                    let plain = OnsetBound::new(&p, None, start, true, 1.0 / 12.0);
                    for &now in &grid {
                        let per_step = |lambda: f64| -(-lambda / 12.0).exp_m1();
                        let own = rate * (memory * (now - start)).exp() * deterrence.max(1.0);
                        assert!(per_step(own) <= dyad.q, "{memory} {rate} {start} {now}");
                        let other = p.onset_rate * now.max(0.0) * deterrence.max(1.0);
                        assert!(per_step(other) <= plain.q, "{start} {now}");
                    }
                }
            }
        }
        let p = Parameters::default();
        assert_eq!(
            OnsetBound::new(&p, None, 0.5, false, 1.0).q,
            0.0,
            "no reach, no rate"
        );
    }

    /// `onset` skips the exponential when the draw is at or above rate·Δt·(1 + 1e-9): sound only if
    /// the computed per-step probability never exceeds that bound, at any magnitude.
    #[test]
    fn the_per_step_probability_never_exceeds_the_rate_bound() {
        let mut x = f64::MIN_POSITIVE;
        while x < 1e6 {
            for k in 0..200 {
                let rate = x * (1.0 + f64::from(k) / 200.0);
                let probability = -(-rate).exp_m1();
                assert!(probability <= rate * (1.0 + 1e-9), "{rate}: {probability}");
                // The factor between 1 and `deterrence` can round a little above 1.
                let deterred = 0.3 * rate + 0.7 * rate;
                assert!(-(-deterred).exp_m1() <= rate * (1.0 + 1e-9), "{rate}");
            }
            x *= 1.7;
        }
    }
}
