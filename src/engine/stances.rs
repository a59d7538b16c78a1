//! Phase 9 (docs/MODEL.md §1.3, §3.9): stance dynamics.

use super::Simulation;
use super::world::ActorIx;
use crate::model::Level;

impl Simulation<'_> {
    /// Each stance moves by the sum of these pulls, converted to the step (k·Δt for a rate k per
    /// year), then is clamped to [−1, 1] (docs/MODEL.md §3.9):
    ///
    /// - reversion toward the initial stance: k_rev·(s⁰ − s);
    /// - co-belligerents (same side, both at force or above) toward +1: k_co·(1 − s);
    /// - opposing belligerents toward −1: k_opp·(−1 − s);
    /// - balance: actors both hostile (≤ −0.5) to a common third toward +1: k_bal·(1 − s), counted
    ///   once per common enemy, computed from each actor's list of enemies (cost Σ enemies², not n³);
    /// - sanctions: a target under pressure P away from its senders, k_sanc·P·(−1 − s), and toward
    ///   aligned busters and fellow targets of the same senders, k_sanc·P·(1 − s).
    ///
    /// Only live pairs (§3.9) can have a pull, and of those only pairs whose stances have moved
    /// or are pulled now: a pair still at its initial stances has no reversion pull and keeps
    /// them exactly, so it is not visited.
    pub(super) fn stance_dynamics(&mut self) {
        let world = self.world;
        let p = &world.params;
        let n = world.n();
        let dt = world.step_years;
        let mut pull = std::mem::take(&mut self.scratch.pull);
        // Zero everywhere between calls: each pass resets what it used.
        pull.resize(n * n, 0.0);
        let mut enemies = std::mem::take(&mut self.scratch.enemies);
        enemies.resize_with(n, Vec::new);
        let live = &mut self.live;

        if p.stance_reversion > 0.0 {
            for &(i, j) in &live.moving {
                for k in [i.pair(j, n), j.pair(i, n)] {
                    pull[k] += p.stance_reversion * (world.initial_stances[k] - self.stances[k]);
                }
            }
        }

        for &c in self.membership.active() {
            let conflict = &self.conflicts[c];
            if conflict.level < Level::Force {
                continue;
            }
            let fighting = || {
                conflict
                    .participants
                    .iter()
                    .filter(|q| q.cap.min(conflict.level) >= Level::Force)
                    .map(|q| (q.actor, q.side))
            };
            for (a, sa) in fighting() {
                for (b, sb) in fighting() {
                    if a == b {
                        continue;
                    }
                    live.touch(n, a, b);
                    let k = a.pair(b, n);
                    let s = self.stances[k];
                    pull[k] += if sa == sb {
                        p.stance_cobelligerent * (1.0 - s)
                    } else {
                        p.stance_opposed * (-1.0 - s)
                    };
                }
            }
        }

        if p.stance_balance > 0.0 {
            // For each third party, the actors hostile to it: hostility is a live pair.
            for &(i, j) in &live.list {
                if self.stances[i.pair(j, n)] <= -0.5 {
                    enemies[j].push(i);
                }
                if self.stances[j.pair(i, n)] <= -0.5 {
                    enemies[i].push(j);
                }
            }
            for group in &mut enemies {
                for &a in group.iter() {
                    for &b in group.iter() {
                        if a != b {
                            let k = a.pair(b, n);
                            pull[k] += p.stance_balance * (1.0 - self.stances[k]);
                        }
                    }
                }
                for (x, &a) in group.iter().enumerate() {
                    for &b in &group[x + 1..] {
                        live.touch(n, a, b);
                    }
                }
                group.clear();
            }
        }

        if p.stance_sanctions > 0.0 {
            for (r, regime) in world.sanctions.iter().enumerate() {
                if !self.sanction_active[r] {
                    continue;
                }
                let target = regime.target;
                let pressure = self.pressure[target];
                for j in ActorIx::all(n) {
                    if j == target {
                        continue;
                    }
                    let k = target.pair(j, n);
                    let s = self.stances[k];
                    let is_sender = regime.senders.binary_search(&j).is_ok();
                    let fellow_target = regime
                        .kindred
                        .iter()
                        .any(|&r2| self.sanction_active[r2] && world.sanctions[r2].target == j);
                    let busting = !is_sender && self.stances[j.pair(target, n)] > 0.0;
                    if is_sender {
                        pull[k] += p.stance_sanctions * pressure * (-1.0 - s);
                    } else if busting || fellow_target {
                        pull[k] += p.stance_sanctions * pressure * (1.0 - s);
                    } else {
                        continue;
                    }
                    live.touch(n, target, j);
                }
            }
        }

        for &(i, j) in &live.moving {
            for k in [i.pair(j, n), j.pair(i, n)] {
                self.stances[k] = (self.stances[k] + pull[k] * dt).clamp(-1.0, 1.0);
                pull[k] = 0.0;
            }
        }
        self.scratch.pull = pull;
        self.scratch.enemies = enemies;
    }
}
