//! Phase 8 (docs/MODEL.md §1.3, §3.8): sanction regimes and the pressure they build.

use super::Simulation;
use super::draws::Purpose;
use super::observe::{Event, LiftReason, Observer};
use crate::scenario::Objective;

impl Simulation<'_> {
    /// Imposes regimes that are due, updates pressure, draws compliance, and lifts regimes that
    /// expire, are complied with or whose objective is met (docs/MODEL.md §3.8):
    ///
    /// P' = (1 − δ)·P + (1 − exp(−α·I·w·(1 − b)·Δt))·(1 − P) for each regime on the target, with
    /// δ = 1 − 2^(−Δt / half-life), w the senders' share of the world's economic weight and b the
    /// busting share B / (B + W), B = Σ e_j·s_jT over aligned non-senders, W the senders' weight.
    pub(super) fn sanctions(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let p = &world.params;
        let t = self.step;
        for (r, regime) in world.sanctions.iter().enumerate() {
            let course = self.outcome.sanctions[r];
            if let Some(until) = regime.until
                && t >= until
                && self.sanction_active[r]
            {
                self.lift(r, LiftReason::Expired, obs);
                continue;
            }
            let imposable = !regime.dormant
                && course.imposed.is_none()
                && t >= regime.from
                && regime.until.is_none_or(|u| t < u)
                && regime.when.as_ref().is_none_or(|c| self.holds(c));
            if imposable {
                self.impose(r, obs);
            }
        }

        let decay = world.pressure_decay;
        let mut build = std::mem::take(&mut self.scratch.build);
        build.clear();
        build.resize(world.n(), 0.0);
        for (r, regime) in world.sanctions.iter().enumerate() {
            if !self.sanction_active[r] {
                continue;
            }
            let target = regime.target;
            let senders = regime.senders_economy;
            let busting: f64 = world
                .actor_ixs()
                .filter(|&j| j != target && regime.senders.binary_search(&j).is_err())
                .map(|j| world.actors[j].economy * self.stance(j, target).max(0.0))
                .sum();
            let share = senders / world.total_economy;
            let unbusted = 1.0 - busting / (busting + senders);
            let rate = p.sanction_build_rate * self.intensity[r] * share * unbusted;
            // Several regimes on one target combine as independent hazards.
            build[target] = 1.0 - (1.0 - build[target]) * (-rate * world.step_years).exp();
        }
        for (a, pressure) in self.pressure.iter_mut().enumerate() {
            *pressure = ((1.0 - decay) * *pressure + build[a] * (1.0 - *pressure)).clamp(0.0, 1.0);
        }
        self.scratch.build = build;

        for (r, regime) in world.sanctions.iter().enumerate() {
            if !self.sanction_active[r] {
                continue;
            }
            let target = regime.target;
            let fighting = |initiated_only: bool| {
                self.active_conflicts().any(|c| {
                    c.level_of(target)
                        .is_some_and(|l| l >= crate::model::Level::Force)
                        && (!initiated_only
                            || c.initiator.is_some_and(|side| c.founder(side) == target))
                })
            };
            let objective_met = self.outcome.sanctions[r].imposed.is_some_and(|i| i < t)
                && match regime.objective {
                    Objective::EndInitiatedConflicts => !fighting(true),
                    Objective::EndConflicts => !fighting(false),
                    Objective::PolicyChange => false,
                };
            let x = p.sanction_compliance_slope * (self.pressure[target] - p.sanction_stake);
            let yearly = 1.0 / (1.0 + (-x).exp());
            let draw = self
                .draws
                .uniform(Purpose::Compliance, t, [world.keys.regimes[r], 0]);
            let complies = draw < world.per_step_from_yearly_rate(-(1.0 - yearly).ln());
            if complies {
                self.lift(r, LiftReason::Compliance, obs);
            } else if objective_met {
                self.lift(r, LiftReason::ObjectiveMet, obs);
            }
        }
    }

    /// Imposes regime `r` now (once per run).
    pub(super) fn impose(&mut self, r: usize, obs: &mut dyn Observer) {
        let course = &mut self.outcome.sanctions[r];
        if self.sanction_active[r] || course.imposed.is_some() {
            return;
        }
        course.imposed = Some(self.step);
        self.sanction_active[r] = true;
        obs.observe(self.step, &Event::SanctionImposed { regime: r });
    }

    /// Lifts regime `r` now.
    pub(super) fn lift(&mut self, r: usize, reason: LiftReason, obs: &mut dyn Observer) {
        if !self.sanction_active[r] {
            return;
        }
        self.sanction_active[r] = false;
        self.outcome.sanctions[r].lifted = Some((self.step, reason));
        obs.observe(self.step, &Event::SanctionLifted { regime: r, reason });
    }
}
