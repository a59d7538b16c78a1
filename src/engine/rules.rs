//! The replaceable rules: how conflicts move on the ladder and how holders decide to honour.
//!
//! The defaults implement docs/MODEL.md §3.4 and §3.6; a researcher can supply their own through
//! [`Simulation::with_rules`](super::Simulation::with_rules).

use super::conflict::Side;
use crate::model::Level;
use crate::scenario::Parameters;

/// What the escalation rule sees of one conflict in one step.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EscalationContext<'a> {
    /// The ids of the two sides' founders: the actor that opened the conflict, then its target.
    pub founders: [&'a str; 2],
    /// The id of the region where it is fought.
    pub region: &'a str,
    /// The conflict's level (1–7).
    pub level: Level,
    /// Its highest level so far.
    pub peak: Level,
    /// Steps since it reached its current level (with those before the run, for a war under way).
    pub steps_at_level: u32,
    /// Hostility between the two sides' founders, in [0, 1].
    pub hostility: f64,
    /// Each side's effective capability: members' eroded capability plus weighted supporters.
    pub capability: [f64; 2],
    /// For each side, the expected reinforcement its opponent can count on from obligations not yet
    /// fired (reliability times capability), relative to the opponent's own capability.
    pub reinforcement: [f64; 2],
    /// Mean sanction pressure on each side's members.
    pub pressure: [f64; 2],
    /// Whether each side has a nuclear member.
    pub nuclear: [bool; 2],
    /// How much nuclear arms weigh for each side: 1 with a nuclear member, otherwise the support
    /// weight of its strongest-backing nuclear-armed supporter (docs/MODEL.md §3.4), else 0.
    pub nuclear_weight: [f64; 2],
    /// The states taking part at the use of force or above, on both sides (at least the two
    /// founders).
    pub belligerents: usize,
    /// The step's length in months.
    pub months_per_step: f64,
    /// The parameters.
    pub params: &'a Parameters,
}

/// Probabilities for one step; holding is the rest.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Transition {
    /// Up one level, by each side.
    pub up: [f64; 2],
    /// Down one level.
    pub down: f64,
    /// Back to peace at once.
    pub settle: f64,
}

impl Transition {
    /// Probability of any move.
    pub fn total(&self) -> f64 {
        self.up[0] + self.up[1] + self.down + self.settle
    }
}

/// How a conflict moves on the ladder.
pub trait EscalationRule: Send + Sync {
    /// The probabilities of each move in the coming step.
    fn transition(&self, ctx: &EscalationContext<'_>) -> Transition;

    /// The rule's name in the provenance of results: its type's path unless it says otherwise.
    fn name(&self) -> String {
        std::any::type_name::<Self>().to_owned()
    }
}

/// What the honouring rule sees when an obligation fires.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HonourContext<'a> {
    /// The holder's id.
    pub holder: &'a str,
    /// The partner's id.
    pub partner: &'a str,
    /// The treaty's id.
    pub treaty: &'a str,
    /// The obligation's id within the treaty.
    pub obligation: &'a str,
    /// The id of the region where the conflict is fought.
    pub region: &'a str,
    /// The obligation's prior reliability.
    pub reliability: f64,
    /// The holder's stance toward its partner.
    pub stance_partner: f64,
    /// The holder's mean stance toward the adversaries.
    pub stance_adversary: f64,
    /// The holder's effective capability.
    pub capability_holder: f64,
    /// The adversaries' effective capability.
    pub capability_adversary: f64,
    /// Whether what fired it is war-scale (an attack at war level or above) rather than limited;
    /// always true of kinds other than defense and offense.
    pub war: bool,
    /// The parameters.
    pub params: &'a Parameters,
}

/// How a holder decides whether to honour a triggered obligation.
pub trait HonouringRule: Send + Sync {
    /// The probability of honouring. The engine does not ask where the scenario says every
    /// obligation is honoured (`parameters.honour_all`).
    fn probability(&self, ctx: &HonourContext<'_>) -> f64;

    /// The rule's name in the provenance of results: its type's path unless it says otherwise.
    fn name(&self) -> String {
        std::any::type_name::<Self>().to_owned()
    }
}

/// The default escalation rule: a multinomial logit around calibrated monthly base rates
/// (docs/MODEL.md §3.4).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogitEscalation;

/// The default honouring rule: logit p = logit(reliability) + w_stance·gap − w_risk·ln(C_adv / C_holder),
/// plus `honour_limited` when what fired it is a limited attack.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogitHonouring;

/// The base monthly probabilities (up, down, settle) of a neutral, balanced, unsanctioned dyad.
fn base_rates(level: Level, past_peak: bool, p: &Parameters) -> (f64, f64, f64) {
    if past_peak {
        let up = match level {
            Level::Peace => 0.0,
            Level::Dispute | Level::Threat => p.up_threat,
            Level::Display => p.up_display,
            Level::Force => p.up_force,
            Level::War => p.up_war,
            Level::NuclearLimited => p.up_nuclear,
            Level::NuclearCentral => 0.0,
        } * p.reescalation;
        let settle = if level <= Level::Force {
            p.settle_past_peak
        } else {
            0.0
        };
        return (up, p.down_past_peak, settle);
    }
    match level {
        Level::Peace => (0.0, 0.0, 0.0),
        Level::Dispute | Level::Threat => (p.up_threat, 0.0, p.settle_threat),
        Level::Display => (p.up_display, 0.0, p.settle_display),
        Level::Force => (p.up_force, 0.0, p.settle_force),
        Level::War => (p.up_war, p.down_war, 0.0),
        Level::NuclearLimited => (p.up_nuclear, p.down_nuclear, 0.0),
        Level::NuclearCentral => (0.0, p.down_nuclear, 0.0),
    }
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl EscalationRule for LogitEscalation {
    fn transition(&self, c: &EscalationContext<'_>) -> Transition {
        let p = c.params;
        let past_peak = c.level < c.peak;
        let (up, down, settle) = base_rates(c.level, past_peak, p);
        // Multinomial logit with holding as the reference: each move's utility is the log-odds of
        // its base rate against holding, shifted by the covariates.
        let hold = (1.0 - up - down - settle).max(1e-9);
        let utility = |base: f64| {
            if base > 0.0 {
                (base / hold).ln()
            } else {
                f64::NEG_INFINITY
            }
        };
        let imbalance = (c.capability[0].max(1e-12) / c.capability[1].max(1e-12))
            .ln()
            .abs();
        let duration =
            p.escalation_duration * (1.0 + f64::from(c.steps_at_level) * c.months_per_step).ln();
        let mut u_up = [f64::NEG_INFINITY; 2];
        for side in Side::BOTH {
            let crosses_nuclear = c.level >= Level::War;
            if crosses_nuclear && !c.nuclear[side] {
                continue;
            }
            // Half the base rate each: a neutral pair's sides are equally likely to raise it.
            u_up[side] = utility(up / 2.0) + p.escalation_hostility * c.hostility
                - p.escalation_imbalance * imbalance
                - p.escalation_deterrence * (1.0 + c.reinforcement[side]).ln()
                - p.escalation_pressure * c.pressure[side]
                - if c.level >= Level::Force {
                    p.escalation_nuclear * c.nuclear_weight[side.other()]
                } else {
                    0.0
                };
        }
        // Wars that have lasted longer, wars more states fight and wars between sides of like
        // capability are likelier to go on (docs/MODEL.md §3.4, endurance).
        let endurance = if c.level >= Level::War {
            p.war_endurance * (1.0 + f64::from(c.steps_at_level) * c.months_per_step).ln()
                + p.war_belligerents * (c.belligerents.max(2) as f64 / 2.0).ln()
                - p.war_imbalance * imbalance
        } else {
            0.0
        };
        let u_down = utility(down) - p.escalation_hostility * c.hostility + duration - endurance;
        let u_settle = utility(settle) - p.escalation_hostility * c.hostility + duration;
        let exps = [u_up[0].exp(), u_up[1].exp(), u_down.exp(), u_settle.exp()];
        let total = 1.0 + exps.iter().sum::<f64>();
        let monthly = Transition {
            up: [exps[0] / total, exps[1] / total],
            down: exps[2] / total,
            settle: exps[3] / total,
        };
        to_step(monthly, c.months_per_step)
    }
}

/// Converts monthly move probabilities to a step of `months`, keeping their proportions and
/// treating the chance of any move as a constant hazard.
fn to_step(monthly: Transition, months: f64) -> Transition {
    let moved = monthly.total();
    if moved <= 0.0 || (months - 1.0).abs() < 1e-12 {
        return monthly;
    }
    let scale = super::world::per_step(moved, months) / moved;
    Transition {
        up: [monthly.up[0] * scale, monthly.up[1] * scale],
        down: monthly.down * scale,
        settle: monthly.settle * scale,
    }
}

impl HonouringRule for LogitHonouring {
    fn probability(&self, c: &HonourContext<'_>) -> f64 {
        let p = c.params;
        if c.reliability <= 0.0 || c.reliability >= 1.0 {
            return c.reliability.clamp(0.0, 1.0); // certain either way: covariates cannot move it
        }
        let ratio = (c.capability_adversary.max(1e-12) / c.capability_holder.max(1e-12)).ln();
        let x = logit(c.reliability) + p.honour_stance * (c.stance_partner - c.stance_adversary)
            - p.honour_risk * ratio
            + if c.war { 0.0 } else { p.honour_limited };
        logistic(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neutral(level: Level, peak: Level, params: &Parameters) -> EscalationContext<'_> {
        EscalationContext {
            founders: ["A", "B"],
            region: "a",
            level,
            peak,
            steps_at_level: 0,
            hostility: 0.0,
            capability: [1.0, 1.0],
            reinforcement: [0.0, 0.0],
            pressure: [0.0, 0.0],
            nuclear: [false, false],
            nuclear_weight: [0.0, 0.0],
            belligerents: 2,
            months_per_step: 1.0,
            params,
        }
    }

    #[test]
    fn a_neutral_balanced_dyad_moves_at_the_base_rates() {
        let p = Parameters::default();
        let t = LogitEscalation.transition(&neutral(Level::Force, Level::Force, &p));
        assert!((t.up[0] + t.up[1] - p.up_force).abs() < 1e-12);
        assert!((t.up[0] - t.up[1]).abs() < 1e-15);
        assert!((t.settle - p.settle_force).abs() < 1e-12);
        assert_eq!(t.down, 0.0);
    }

    #[test]
    fn hostility_raises_escalation_and_deterrence_lowers_it() {
        let p = Parameters::default();
        let base = LogitEscalation.transition(&neutral(Level::Force, Level::Force, &p));
        let hostile = LogitEscalation.transition(&EscalationContext {
            hostility: 0.9,
            ..neutral(Level::Force, Level::Force, &p)
        });
        assert!(hostile.up[0] > base.up[0] && hostile.settle < base.settle);
        let deterred = LogitEscalation.transition(&EscalationContext {
            reinforcement: [2.0, 0.0],
            ..neutral(Level::Force, Level::Force, &p)
        });
        assert!(deterred.up[0] < base.up[0] && deterred.up[1] > deterred.up[0]);
    }

    #[test]
    fn a_nuclear_opponent_deters_war() {
        let p = Parameters::default();
        let base = LogitEscalation.transition(&neutral(Level::Force, Level::Force, &p));
        let t = LogitEscalation.transition(&EscalationContext {
            nuclear: [false, true],
            nuclear_weight: [0.0, 1.0],
            ..neutral(Level::Force, Level::Force, &p)
        });
        assert!((t.up[0] / base.up[0] - (-p.escalation_nuclear).exp()).abs() < 0.01);
        assert!((t.up[1] - base.up[1]).abs() < 1e-4);
        // A nuclear-armed supporter of side B deters in proportion to its support weight.
        let backed = LogitEscalation.transition(&EscalationContext {
            nuclear_weight: [0.0, p.support_lethal_weight],
            ..neutral(Level::Force, Level::Force, &p)
        });
        let expected = (-p.escalation_nuclear * p.support_lethal_weight).exp();
        assert!((backed.up[0] / base.up[0] - expected).abs() < 0.01);
    }

    #[test]
    fn only_a_nuclear_side_crosses_the_threshold() {
        let p = Parameters::default();
        let t = LogitEscalation.transition(&EscalationContext {
            nuclear: [false, true],
            ..neutral(Level::War, Level::War, &p)
        });
        assert_eq!(t.up[0], 0.0);
        assert!(t.up[1] > 0.0);
    }

    #[test]
    fn daily_steps_keep_the_monthly_hazard() {
        let p = Parameters::default();
        let monthly = LogitEscalation.transition(&neutral(Level::Force, Level::Force, &p));
        let daily = LogitEscalation.transition(&EscalationContext {
            months_per_step: 12.0 / 365.25,
            ..neutral(Level::Force, Level::Force, &p)
        });
        let stay_a_month = (1.0 - daily.total()).powf(365.25 / 12.0);
        assert!((stay_a_month - (1.0 - monthly.total())).abs() < 1e-9);
    }

    #[test]
    fn extreme_parameters_and_covariates_give_finite_probabilities() {
        for base in [0.0, 1e-300, 0.5, 1.0] {
            let p = Parameters {
                up_threat: base,
                up_display: base,
                up_force: base,
                up_war: base,
                up_nuclear: base,
                settle_threat: base,
                settle_display: base,
                settle_force: base,
                down_war: base,
                down_nuclear: base,
                down_past_peak: base,
                settle_past_peak: base,
                escalation_hostility: 20.0,
                escalation_duration: 20.0,
                ..Parameters::default()
            };
            for level in Level::ALL {
                for (capability, hostility) in [
                    ([1e12, 1e-12], 1.0),
                    ([1e-12, 1e-12], 0.0),
                    ([1.0, 1e12], 1.0),
                ] {
                    let ctx = EscalationContext {
                        steps_at_level: 100_000,
                        capability,
                        hostility,
                        reinforcement: [1e12, 0.0],
                        pressure: [1.0, 0.0],
                        nuclear: [true, true],
                        nuclear_weight: [1.0, 1.0],
                        belligerents: 1_000_000,
                        months_per_step: 12.0,
                        ..neutral(level, Level::MAX, &p)
                    };
                    let t = LogitEscalation.transition(&ctx);
                    for x in [t.up[0], t.up[1], t.down, t.settle] {
                        assert!(
                            x.is_finite() && (0.0..=1.0).contains(&x),
                            "{level:?} {base}: {t:?}"
                        );
                    }
                    assert!(t.total() <= 1.0 + 1e-12, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn honouring_is_the_reliability_for_a_neutral_equal_holder() {
        let p = Parameters::default();
        let ctx = HonourContext {
            holder: "C",
            partner: "A",
            treaty: "pact",
            obligation: "defense",
            region: "a",
            reliability: 0.41,
            stance_partner: 0.0,
            stance_adversary: 0.0,
            capability_holder: 1.0,
            capability_adversary: 1.0,
            war: true,
            params: &p,
        };
        assert!((LogitHonouring.probability(&ctx) - 0.41).abs() < 1e-12);
        let limited = HonourContext {
            war: false,
            ..ctx.clone()
        };
        let odds = |p: f64| p / (1.0 - p);
        let ratio = odds(LogitHonouring.probability(&limited)) / odds(0.41);
        assert!((ratio.ln() - p.honour_limited).abs() < 1e-9, "{ratio}");
        let friendly = HonourContext {
            stance_partner: 0.8,
            stance_adversary: -0.8,
            ..ctx.clone()
        };
        assert!(LogitHonouring.probability(&friendly) > 0.41);
        let outmatched = HonourContext {
            capability_adversary: 10.0,
            ..ctx.clone()
        };
        assert!(LogitHonouring.probability(&outmatched) < 0.41);
        for certain in [0.0, 1.0] {
            let c = HonourContext {
                reliability: certain,
                stance_partner: 1.0,
                ..ctx.clone()
            };
            assert_eq!(LogitHonouring.probability(&c), certain);
        }
    }
}
