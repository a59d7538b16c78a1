//! Phase 2 (docs/MODEL.md §1.3, §3.3): scripted events, and the confrontation rule shared with dispute onset.

use super::conflict::Side;

use super::Simulation;
use super::conflict::{Attack, Conflict, ConflictIx};
use super::draws::{Purpose, pair_key};
use super::observe::{Event, LiftReason, Observer};
use super::world::{Action, ActorIx, RegionIx, StanceChange, Timing};
use crate::model::{ForceAction, Level, Severity};
use crate::scenario::ObligationKind;

/// The share of MID disputes 1946–2014 that reached force or war (69.2 % + 1.7 %): the share the
/// default starting levels are calibrated to give (docs/MODEL.md §4), from which the share of
/// disputes started below force that escalate to force is read.
pub const RECORD_FORCE_SHARE: f64 = 0.709;

impl Simulation<'_> {
    /// Runs every scripted event due this step, in the order the scenario lists them.
    pub(super) fn scripted_events(&mut self, obs: &mut dyn Observer) {
        let world = self.world;
        let t = self.step;
        for (i, event) in world.events.iter().enumerate() {
            if self.event_done[i] {
                continue;
            }
            let gate = |sim: &Self| event.when.as_ref().is_none_or(|c| sim.holds(c));
            let due = match event.timing {
                Timing::At(at) => {
                    if t == at {
                        // A fixed-step event whose condition fails then never happens.
                        self.event_done[i] = true;
                        gate(self)
                    } else {
                        false
                    }
                }
                Timing::Window { .. } => {
                    if self.event_step[i] == Some(t) {
                        self.event_done[i] = true;
                        gate(self)
                    } else {
                        false
                    }
                }
                Timing::Hazard {
                    hazard,
                    window: [a, b],
                } => {
                    // The draw is made every step of the window, whether or not the gate holds, so
                    // the stream's use does not depend on the gate.
                    (a..=b).contains(&t)
                        && self
                            .draws
                            .uniform(Purpose::Hazard, t, [self.world.keys.events[i], 0])
                            < hazard
                        && gate(self)
                }
                Timing::WhenOnly => gate(self),
            };
            if due {
                self.event_done[i] = true;
                obs.observe(t, &Event::Scripted { index: i });
                self.act(&event.action, obs);
            }
        }
    }

    fn act(&mut self, action: &Action, obs: &mut dyn Observer) {
        let t = self.step;
        match *action {
            Action::Confront {
                by,
                on,
                level,
                region,
                severity,
                under_way,
            } => {
                let level = level.unwrap_or_else(|| self.draw_start_level(by, on));
                let region = region.unwrap_or(self.world.actors[on].regions[0]);
                let c = self.confront(by, on, level, region, severity, obs);
                let conflict = &mut self.conflicts[c];
                if conflict.started == t && conflict.level == level {
                    conflict.set_under_way(under_way);
                }
            }
            Action::Sanction(r) => self.impose(r, obs),
            Action::Lift(r) => self.lift(r, LiftReason::Event, obs),
            Action::Sign(treaty) => {
                self.ended[treaty] = false;
                self.signed[treaty] = Some(self.signed[treaty].map_or(t, |s| s.min(t)));
                self.refresh_treaties();
            }
            Action::Withdraw(treaty, actor) => {
                match actor {
                    Some(actor) => {
                        self.withdrawn[treaty].push(actor);
                        self.derived.invalidate(super::derived::Change::Withdrawal);
                    }
                    None => self.ended[treaty] = true,
                }
                self.refresh_treaties();
            }
            Action::Stance { ref pairs, change } => {
                for &(from, to) in pairs {
                    let s = self.stance_mut(from, to);
                    *s = match change {
                        StanceChange::Set(v) => v,
                        StanceChange::Shift(d) => *s + d,
                    }
                    .clamp(-1.0, 1.0);
                }
            }
            Action::Ceasefire(a, b) => {
                for c in self.membership.active().to_vec() {
                    if self.conflicts[c].opposed(a, b) {
                        self.set_level(c, Level::Peace, None, obs);
                    }
                }
            }
            Action::Declare(by, on, under_way) => {
                // A declaration of war is no attack: it joins `by` to the earliest war `on` fights
                // that `by` is not in, or opens one at war, and no defense clause reads it
                // (docs/MODEL.md §1.3). Between states already at odds it changes nothing.
                if self.opposed_in_any(by, on) {
                    return;
                }
                if let Some(c) = self.conflict_to_join(by, on)
                    && let Some(side) = self.conflicts[c].side_of(on)
                {
                    self.join(
                        c,
                        by,
                        side.other(),
                        super::Route::Voluntary,
                        Level::War,
                        obs,
                    );
                } else {
                    let region = self.world.actors[on].regions[0];
                    let c = self.open(by, on, Level::War, region, obs);
                    self.conflicts[c].set_under_way(under_way);
                    self.note_levels(c);
                }
            }
            Action::Join(by, on, cap) => {
                if let Some(c) = self.conflict_to_join(by, on)
                    && let Some(side) = self.conflicts[c].side_of(on)
                {
                    self.join(c, by, side.other(), super::Route::Voluntary, cap, obs);
                }
            }
        }
    }

    /// Whether `a` and `b` are on opposite sides of an active conflict.
    fn opposed_in_any(&self, a: ActorIx, b: ActorIx) -> bool {
        self.membership
            .active()
            .iter()
            .any(|&c| self.conflicts[c].opposed(a, b))
    }

    /// The earliest active conflict `on` takes part in and `by` does not: the one a `join` or
    /// `declare` event by `by` against `on` enters.
    fn conflict_to_join(&self, by: ActorIx, on: ActorIx) -> Option<ConflictIx> {
        self.membership
            .active()
            .iter()
            .copied()
            .find(|&c| self.conflicts[c].participant(on).is_some() && !self.takes_part(by, c))
    }

    /// Draws a starting level for a new dispute between `a` and `b` from the onset distribution
    /// (threat, display or force, weighted by `start_*`). For a pair with its own `force_share`
    /// f, the weight of force is set so that a dispute starts at force with the probability q′
    /// that, with the share c of disputes started below force that the escalation rule takes to
    /// force, gives f: q′ + (1 − q′)·c = f, where c is what the calibration implies
    /// ([`RECORD_FORCE_SHARE`] reached with the parameters' weights), and q′ = 0 if f < c
    /// (docs/MODEL.md §3.3).
    pub(super) fn draw_start_level(&mut self, a: ActorIx, b: ActorIx) -> Level {
        let world = self.world;
        let p = &world.params;
        let mut weights = [p.start_threat, p.start_display, p.start_force];
        let below = weights[0] + weights[1];
        if let Some(share) = world.dyad_force_share[world.pair(a, b)]
            && below > 0.0
        {
            let q = p.start_force / (below + p.start_force);
            let c = ((RECORD_FORCE_SHARE - q) / (1.0 - q)).clamp(0.0, 1.0);
            let start = if c < 1.0 {
                ((share - c) / (1.0 - c)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            if start >= 1.0 {
                return Level::Force;
            }
            weights[2] = below * start / (1.0 - start);
        }
        let total: f64 = weights.iter().sum();
        let mut x = self
            .draws
            .uniform(Purpose::StartLevel, self.step, [pair_key(a, b), 0])
            * total;
        for (weight, level) in
            weights
                .into_iter()
                .zip([Level::Threat, Level::Display, Level::Force])
        {
            if x < weight {
                return level;
            }
            x -= weight;
        }
        Level::Force
    }

    /// Draws what a use of force at level 4 between `a` and `b` is, from the pair's own mix or the
    /// parameters' (docs/MODEL.md §3.3): a seizure (never lethal) with the seizure share, otherwise
    /// an attack or clash, lethal with the lethal share. One uniform decides both.
    pub(super) fn draw_severity(&mut self, a: ActorIx, b: ActorIx) -> Severity {
        let world = self.world;
        let p = &world.params;
        let [seizure, lethal] =
            world.dyad_severity[world.pair(a, b)].unwrap_or([p.seizure_share, p.lethal_share]);
        let x = self
            .draws
            .uniform(Purpose::Severity, self.step, [pair_key(a, b), 0]);
        if x < seizure {
            Severity {
                action: ForceAction::Seizure,
                lethal: false,
            }
        } else {
            Severity {
                action: ForceAction::Attack,
                lethal: (x - seizure) < lethal * (1.0 - seizure),
            }
        }
    }

    /// `by` confronts `on` at `level` in `region`. If they are already on opposite sides of an
    /// active conflict, that conflict widens: its level rises to `level` if lower, and both take part
    /// up to it. Otherwise a new conflict begins (MODEL.md §1: a new attack between actors not
    /// opposed anywhere is a new conflict). At force or above the confrontation records an attack,
    /// of `severity` if given, drawn otherwise.
    pub(super) fn confront(
        &mut self,
        by: ActorIx,
        on: ActorIx,
        level: Level,
        region: RegionIx,
        severity: Option<Severity>,
        obs: &mut dyn Observer,
    ) -> ConflictIx {
        let existing = self
            .membership
            .active()
            .iter()
            .copied()
            .find(|&c| self.conflicts[c].opposed(by, on));
        let c = match existing {
            Some(c) => {
                let conflict = &mut self.conflicts[c];
                conflict.raise_cap(by, level);
                conflict.raise_cap(on, level);
                if level > conflict.level {
                    let side = conflict.side_of(by);
                    self.set_level(c, level, side, obs);
                }
                c
            }
            None => self.open(by, on, level, region, obs),
        };
        if level.is_armed() {
            self.record_attack(c, by, on, region, level, severity, obs);
        }
        self.note_levels(c);
        c
    }

    /// Opens a new conflict of `by` (side A) against `on` (side B) at `level` in `region`, without
    /// recording an attack.
    fn open(
        &mut self,
        by: ActorIx,
        on: ActorIx,
        level: Level,
        region: RegionIx,
        obs: &mut dyn Observer,
    ) -> ConflictIx {
        let t = self.step;
        let c = ConflictIx::new(self.conflicts.len());
        self.conflicts
            .push(Conflict::new(c, by, on, region, level, t));
        self.membership.start(&self.conflicts[c]);
        for (actor, side) in [(by, Side::A), (on, Side::B)] {
            self.postures
                .retain(|p| !(p.conflict == c && p.actor == actor));
            self.outcome.entries.push(super::Entry {
                actor,
                conflict: c,
                step: t,
                side,
                via: super::Route::Founder,
            });
        }
        obs.observe(
            t,
            &Event::ConflictStarted {
                conflict: c,
                by,
                on,
                region,
                level,
            },
        );
        c
    }

    /// Records a use of force, of `severity` at level 4 if given (drawn otherwise; at war level
    /// and above a lethal attack); the first side to use force is the conflict's initiator. An
    /// attack on a partner of a non-aggression obligation the attacker holds is a violation.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_attack(
        &mut self,
        c: ConflictIx,
        attacker: ActorIx,
        attacked: ActorIx,
        region: RegionIx,
        level: Level,
        severity: Option<Severity>,
        obs: &mut dyn Observer,
    ) {
        let severity = if level >= Level::War {
            Severity::LETHAL_ATTACK
        } else {
            severity.unwrap_or_else(|| self.draw_severity(attacker, attacked))
        };
        let t = self.step;
        self.derived
            .invalidate(super::derived::Change::Attacked(c, [attacker, attacked]));
        let conflict = &mut self.conflicts[c];
        if conflict.initiator.is_none() {
            conflict.initiator = conflict.side_of(attacker);
        }
        conflict.attacks.push(Attack {
            attacker,
            attacked,
            region,
            step: t,
            level,
            severity,
        });
        obs.observe(
            t,
            &Event::Attack {
                conflict: c,
                attacker,
                attacked,
                region,
                level,
                severity,
            },
        );
        let world = self.world;
        for &ob in &world.constraints_by_holder[attacker] {
            let o = &world.obligations[ob];
            if o.kind == ObligationKind::NonAggression
                && o.partner == attacked
                && self.obligation_in_force(ob)
            {
                self.record_violation(ob, c, obs);
            }
        }
    }
}
