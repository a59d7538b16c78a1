//! One-at-a-time sensitivity: each model parameter is lowered and raised by a factor, within its
//! valid range, while every other stays at the scenario's value; each variant is paired run by run
//! with the base (common random numbers, as in [`MonteCarlo::compare`]), and the parameters are
//! ranked by how far they move the probability of an outcome: the run, the conflicts of the
//! scenario's focus, or one actor, reaching a level. docs/MODEL.md §10 gives the method.
//!
//! ```
//! use casus::model::Level;
//! use casus::monte_carlo::sensitivity::{Subject, Target, factors};
//!
//! let model = casus::compile("scenarios/two_actor_dispute.json", &[]).unwrap();
//! let plan: Vec<_> = factors(&model.scenario.parameters, 2.0)
//!     .into_iter()
//!     .filter(|f| f.parameter == "up_force" || f.parameter == "settle_force")
//!     .collect();
//! let war = Target { level: Level::War, subject: Subject::Highest };
//! let experiment = model.monte_carlo().runs(400).seed(7).threads(1);
//! let s = experiment.sensitivity(&model.scenario, &plan, war, &mut (), None).unwrap();
//! assert_eq!(s.effects.len(), 2);
//! // Doubling the chance that a use of force becomes a war cannot make war rarer in paired runs.
//! let up_force = s.effects.iter().find(|e| e.parameter == "up_force").unwrap();
//! assert!(up_force.at_high.delta >= 0.0 && up_force.at_low.delta <= 0.0);
//! ```

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::{Difference, MonteCarlo, Proportion, Provenance, Sink};
use crate::engine::{ActorIx, World};
use crate::model::Level;
use crate::scenario::{Parameters, Scenario};

/// A parameter and the two values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Its name in `parameters`.
    pub parameter: String,
    /// The scenario's value.
    pub value: f64,
    /// The lowered value: value ÷ factor, at least the range's floor.
    pub low: f64,
    /// The raised value: value × factor, at most the range's ceiling.
    pub high: f64,
}

/// Every numeric parameter divided and multiplied by `factor` (> 1), kept within its valid range
/// ([`Parameters::ranges`]). A parameter whose value is 0 has no relative neighbourhood and is
/// left out.
pub fn factors(parameters: &Parameters, factor: f64) -> Vec<Factor> {
    parameters
        .ranges()
        .into_iter()
        .filter(|&(_, value, _, _)| value != 0.0)
        .map(|(name, value, lo, hi)| {
            let (a, b) = (value / factor, value * factor);
            Factor {
                parameter: name.to_owned(),
                value,
                low: a.min(b).clamp(lo, hi),
                high: a.max(b).clamp(lo, hi),
            }
        })
        .collect()
}

/// The factors of the parameters named (every one of `plan` if `names` is empty); a name that is
/// not a numeric parameter is an error that suggests the nearest one.
pub fn select(
    plan: Vec<Factor>,
    parameters: &Parameters,
    names: &[String],
) -> Result<Vec<Factor>, SensitivityError> {
    if names.is_empty() {
        return Ok(plan);
    }
    let known: Vec<&str> = parameters.ranges().iter().map(|r| r.0).collect();
    if let Some(name) = names.iter().find(|n| !known.contains(&n.as_str())) {
        return Err(SensitivityError::NoSuchParameter {
            name: name.clone(),
            hint: hint(name, known.iter().copied()),
        });
    }
    Ok(plan
        .into_iter()
        .filter(|f| names.contains(&f.parameter))
        .collect())
}

/// `; did you mean X?` for the nearest of `known`, or nothing.
fn hint<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    crate::scenario::did_you_mean(name, known)
        .map(|h| format!("; {h}"))
        .unwrap_or_default()
}

/// What lowering and raising one parameter does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// The parameter.
    pub parameter: String,
    /// The scenario's value.
    pub value: f64,
    /// The lowered value.
    pub low: f64,
    /// The raised value.
    pub high: f64,
    /// P(outcome) with the lowered value minus the base, paired.
    pub at_low: Difference,
    /// The same with the raised value.
    pub at_high: Difference,
}

impl Effect {
    /// The distance between the two variants' probabilities: the ranking key.
    pub fn swing(&self) -> f64 {
        (self.at_high.delta - self.at_low.delta).abs()
    }
}

/// Whose level an outcome follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The highest level any conflict of the run reached.
    Highest,
    /// The highest level a conflict in the scenario's focus reached (`monte_carlo.focus`,
    /// docs/MODEL.md §3.10).
    Focus,
    /// One actor's highest level of participation (by index in the world).
    Actor(ActorIx),
}

/// The outcome whose probability a sensitivity analysis or a sweep follows: that the highest level
/// of its [`Subject`] is at least `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The level.
    pub level: Level,
    /// Whose level.
    pub subject: Subject,
}

impl Target {
    /// P(`actor` ≥ `level`) in `world`; without an actor, P(≥ `level`) over the conflicts of the
    /// scenario's focus if it has one, else over every conflict of the run. An unknown actor id is
    /// an error that suggests the nearest one.
    pub fn new(
        world: &World,
        level: Level,
        actor: Option<&str>,
    ) -> Result<Target, SensitivityError> {
        let subject =
            match actor {
                None if world.focus.is_some() => Subject::Focus,
                None => Subject::Highest,
                Some(id) => Subject::Actor(world.actor(id).ok_or_else(|| {
                    SensitivityError::NoSuchActor {
                        id: id.to_owned(),
                        hint: hint(id, world.actors.iter().map(|a| a.id.as_str())),
                    }
                })?),
            };
        Ok(Target { level, subject })
    }

    fn reached(&self, o: &crate::engine::Outcome) -> bool {
        match self.subject {
            Subject::Actor(a) => o.actor_highest[a] >= self.level,
            Subject::Focus => o.highest_focus >= self.level,
            Subject::Highest => o.highest >= self.level,
        }
    }

    /// Runs by the highest level of the subject (index k = level k), from a summary's counts.
    pub fn counts<'a>(&self, counts: &'a super::Counts) -> &'a [u64; 8] {
        match self.subject {
            Subject::Actor(a) => &counts.actors[a.index()].highest,
            Subject::Focus => &counts.highest_focus,
            Subject::Highest => &counts.highest,
        }
    }

    /// The subject in words, as outcomes name it: `highest`, `focus` or the actor's id.
    pub fn subject_name(&self, world: &World) -> String {
        match self.subject {
            Subject::Actor(a) => world.actors[a].id.clone(),
            Subject::Focus => "focus".to_owned(),
            Subject::Highest => "highest".to_owned(),
        }
    }
}

/// A sensitivity analysis: the base probability and each parameter's effect, largest swing first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The scenario's name.
    pub scenario: String,
    /// Paired runs per variant.
    pub runs: u64,
    /// The seed of every arm.
    pub seed: u64,
    /// The actor whose level is followed (its id), or none for the run's highest level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The conflicts followed, in words, when the outcome is over the scenario's focus
    /// (`monte_carlo.focus`) rather than over every conflict of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// The outcome: P(highest ≥ this level).
    pub level: u8,
    /// The level's label.
    pub level_name: String,
    /// The outcome in the base scenario.
    pub base: Proportion,
    /// Per parameter, largest swing first (ties by name).
    pub effects: Vec<Effect>,
    /// Where the base arm comes from, as in a summary (absent from files of casus 0.1 before
    /// provenance was recorded here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// An error building a variant.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SensitivityError {
    /// The parameter does not exist or does not take a number.
    #[error("`{0}` is not a numeric model parameter")]
    UnknownParameter(String),
    /// A parameter asked for by name is not a numeric model parameter.
    #[error("--param {name}: not a numeric model parameter{hint}")]
    NoSuchParameter {
        /// The name asked for.
        name: String,
        /// `; did you mean ...?`, or nothing.
        hint: String,
    },
    /// The actor to follow is not in the scenario.
    #[error("--actor {id}: no such actor in the scenario{hint}")]
    NoSuchActor {
        /// The id asked for.
        id: String,
        /// `; did you mean ...?`, or nothing.
        hint: String,
    },
    /// The base or a variant failed validation.
    #[error("{arm}: {message}")]
    Invalid {
        /// Which: `the scenario`, or `parameters.NAME = VALUE`.
        arm: String,
        /// The first problem validation found.
        message: String,
    },
    /// The worker threads could not start.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// `scenario` with one parameter set to `value`.
fn variant(scenario: &Scenario, parameter: &str, value: f64) -> Result<World, SensitivityError> {
    let unknown = || SensitivityError::UnknownParameter(parameter.to_owned());
    let mut json = serde_json::to_value(&scenario.parameters).map_err(|_| unknown())?;
    let slot = json
        .get_mut(parameter)
        .filter(|v| v.is_number())
        .ok_or_else(unknown)?;
    *slot = serde_json::json!(value);
    let mut s = scenario.clone();
    s.parameters = serde_json::from_value(json).map_err(|_| unknown())?;
    compile(&s, || format!("parameters.{parameter} = {value}"))
}

/// Compiles one arm; a validation failure names the arm and its first problem.
fn compile(scenario: &Scenario, arm: impl FnOnce() -> String) -> Result<World, SensitivityError> {
    World::new(scenario).map_err(|diagnostics| SensitivityError::Invalid {
        arm: arm(),
        message: diagnostics
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
    })
}

impl MonteCarlo<'_> {
    /// A one-at-a-time sensitivity analysis of this experiment's world, which must be `scenario`
    /// compiled: the base and both variants of every factor of `plan`, each paired run by run with
    /// the base (every run of the base is simulated once), under this experiment's runs, seed,
    /// threads and rules, following the probability of `target`. `sink` sees the paired runs done.
    /// Stopped early, the analysis covers the runs paired so far.
    pub fn sensitivity(
        &self,
        scenario: &Scenario,
        plan: &[Factor],
        target: Target,
        sink: &mut dyn Sink,
        stop: Option<&AtomicBool>,
    ) -> Result<Sensitivity, SensitivityError> {
        let base = self.world();
        let mut variants = Vec::with_capacity(plan.len() * 2);
        for f in plan {
            variants.push(variant(scenario, &f.parameter, f.low)?);
            variants.push(variant(scenario, &f.parameter, f.high)?);
        }
        let (runs, base_count, tallies) =
            self.paired_counts(&variants, |o| target.reached(o), sink, stop)?;
        let mut effects: Vec<Effect> = plan
            .iter()
            .zip(tallies.chunks(2))
            .map(|(f, pair)| Effect {
                parameter: f.parameter.clone(),
                value: f.value,
                low: f.low,
                high: f.high,
                at_low: pair[0].difference(runs),
                at_high: pair[1].difference(runs),
            })
            .collect();
        effects.sort_by(|a, b| {
            b.swing()
                .total_cmp(&a.swing())
                .then_with(|| a.parameter.cmp(&b.parameter))
        });
        let level = target.level.number();
        Ok(Sensitivity {
            scenario: scenario.name.clone(),
            runs,
            seed: self.seed_value(),
            actor: match target.subject {
                Subject::Actor(a) => Some(base.actors[a].id.clone()),
                _ => None,
            },
            focus: match target.subject {
                Subject::Focus => base.focus.as_ref().map(|f| f.label.clone()),
                _ => None,
            },
            level,
            level_name: base.level_labels[usize::from(level)].clone(),
            base: Proportion::new(base_count, runs),
            effects,
            provenance: Some(self.provenance_of(base, [0, runs], runs == self.total_runs())),
        })
    }
}

impl Sensitivity {
    /// The outcome in words: `P(highest ≥ war)`, `P(focus ≥ war)` or `P(USA ≥ war)`.
    pub fn outcome(&self) -> String {
        let subject = match (&self.actor, &self.focus) {
            (Some(actor), _) => actor.as_str(),
            (None, Some(_)) => "focus",
            (None, None) => "highest",
        };
        format!("P({subject} ≥ {})", self.level_name)
    }
}
