//! Phase 7 (docs/MODEL.md §1.3, §3.12): transfers of arms, technology, money and energy, and the
//! detection of those that breach sanctions.
//!
//! A transfer's draws are keyed by its id (docs/MODEL.md §5): a transfer changes nothing but what
//! it moves, and two arms of a comparison that share a transfer make the same draws for it.

use super::Simulation;
use super::draws::{Draws, Purpose};
use super::observe::{Event, Observer};
use super::world::{ActorIx, TransferInfo};
use crate::scenario::{NuclearStatus, Step, TransferKind};

/// The share of its initial capability a sender always keeps: it never gives away more than half,
/// as capability also counts population and personnel, which no transfer moves.
pub const KEPT_SHARE: f64 = 0.5;

/// A transfer's course in one run.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct TransferCourse {
    /// The first step it moved something.
    pub started: Option<Step>,
    /// The step it was detected.
    pub detected: Option<Step>,
    /// How much it delivered, in its kind's unit.
    pub delivered: f64,
}

/// A transfer in one run: its rate, drawn at the start, and its key in the draws.
pub(super) struct Flow {
    rate: f64,
    key: u64,
}

impl Flow {
    /// Draws the rate of transfer `t`, whose key in the draws is `key`.
    pub(super) fn new(t: &TransferInfo, key: u64, draws: &Draws) -> Flow {
        let [lo, hi] = t.rate;
        let u = draws.uniform(Purpose::TransferRate, 0, [key, 0]);
        Flow {
            rate: lo + (hi - lo) * u,
            key,
        }
    }
}

impl Simulation<'_> {
    /// Moves every transfer that flows this step (within its steps, and where its `when` holds),
    /// and draws the detection of those that breach a
    /// regime in force.
    pub(super) fn transfers(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        for (k, t) in world.transfers.iter().enumerate() {
            let step = self.step;
            if step < t.start || t.until.is_some_and(|u| step >= u) {
                continue;
            }
            if !t.when.as_ref().is_none_or(|c| self.holds(c)) {
                continue;
            }
            let quantity = self.flows[k].rate * world.step_years;
            if quantity <= 0.0 {
                continue;
            }
            if self.outcome.transfers[k].started.is_none() {
                self.outcome.transfers[k].started = Some(step);
                obs.observe(step, &Event::TransferStarted { transfer: k });
            }
            let delivered = self.deliver(t, quantity, obs);
            self.outcome.transfers[k].delivered += delivered;
            let breaches = t.violates.iter().any(|&r| self.sanction_active[r]);
            if delivered > 0.0
                && breaches
                && t.detection > 0.0
                && self.outcome.transfers[k].detected.is_none()
                && self
                    .draws
                    .uniform(Purpose::TransferDetection, step, [self.flows[k].key, 0])
                    < t.detection
            {
                self.detect(k, obs);
            }
        }
    }

    /// Delivers `quantity` of transfer `t`: what the receiver gains, in the kind's unit.
    fn deliver(&mut self, t: &TransferInfo, quantity: f64, obs: &mut dyn Observer) -> f64 {
        match t.kind {
            TransferKind::Munitions | TransferKind::Platforms => {
                let kept = KEPT_SHARE * self.world.actors[t.from].capability;
                let sent = quantity.min((self.capability[t.from] - kept).max(0.0));
                self.capability[t.from] -= sent;
                if t.kind == TransferKind::Munitions {
                    self.war_stock[t.to] += sent;
                } else {
                    self.capability[t.to] += sent;
                }
                sent
            }
            TransferKind::MoneyEnergy => {
                self.capability[t.to] += quantity;
                quantity
            }
            TransferKind::MissileTechnology if !self.nuclear[t.to].is_armed() => 0.0,
            TransferKind::MissileTechnology | TransferKind::NuclearTechnology => {
                self.advance(t.to, quantity, obs)
            }
        }
    }

    /// Adds `progress` toward `actor`'s next nuclear status, raising it a status for each whole
    /// unit; returns the progress used (none once it is global).
    fn advance(&mut self, actor: ActorIx, progress: f64, obs: &mut dyn Observer) -> f64 {
        if self.nuclear[actor] == NuclearStatus::Global {
            return 0.0;
        }
        self.nuclear_progress[actor] += progress;
        while self.nuclear_progress[actor] >= 1.0 {
            let Some(next) = self.nuclear[actor].next() else {
                break;
            };
            self.nuclear_progress[actor] -= 1.0;
            self.nuclear[actor] = next;
            obs.observe(
                self.step,
                &Event::NuclearStatusChanged {
                    actor,
                    status: next,
                },
            );
        }
        if self.nuclear[actor] == NuclearStatus::Global {
            self.nuclear_progress[actor] = 0.0;
        }
        progress
    }

    /// Transfer `k` comes to light: each breached regime in force tightens, and its senders turn
    /// against both parties once.
    fn detect(&mut self, k: usize, obs: &mut dyn Observer) {
        let world = self.world;
        let t = &world.transfers[k];
        let p = &world.params;
        self.outcome.transfers[k].detected = Some(self.step);
        let mut senders: Vec<ActorIx> = Vec::new();
        for &r in &t.violates {
            if !self.sanction_active[r] {
                continue;
            }
            self.intensity[r] = (self.intensity[r] + p.transfer_detection_intensity).min(1.0);
            senders.extend(&world.sanctions[r].senders);
        }
        senders.sort_unstable();
        senders.dedup();
        for sender in senders {
            for party in [t.from, t.to] {
                if sender != party {
                    let stance = self.stance_mut(sender, party);
                    *stance = (*stance - p.transfer_detection_shock).clamp(-1.0, 1.0);
                }
            }
        }
        obs.observe(self.step, &Event::TransferDetected { transfer: k });
    }
}
