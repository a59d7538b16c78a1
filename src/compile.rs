//! A scenario file compiled into a runnable world, in one call.
//!
//! [`compile`] reads the file once, hashes the bytes it read, applies the overrides, validates, and
//! compiles the world; every problem is in one [`ScenarioError`]. The result knows where it came
//! from, so the experiments it starts carry their provenance, and variants of it (a comparison's
//! second arm, a sweep's points) are compiled from the same bytes.

use std::path::Path;

use crate::engine::World;
use crate::monte_carlo::{MonteCarlo, ResumeError, Summary};
use crate::scenario::{self, Override, Scenario, ScenarioError};

/// A scenario and its compiled world, with where they came from.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The scenario, overrides applied.
    pub scenario: Scenario,
    /// The compiled world.
    pub world: World,
    /// The file's name, as given.
    pub origin: String,
    /// SHA-256 of the file's bytes, as read (hex).
    pub sha256: String,
    /// The overrides applied, in order.
    pub overrides: Vec<Override>,
    /// The file's text, kept so that variants compile from the same bytes.
    text: String,
}

/// Reads a scenario file, applies `overrides` in order, validates it and compiles its world.
///
/// ```
/// let set = ["parameters.onset_rate=0.03".parse().unwrap()];
/// let model = casus::compile("scenarios/two_actor_dispute.json", &set).unwrap();
/// assert_eq!(model.world.n(), 2);
/// assert_eq!(model.sha256.len(), 64);
///
/// let err = casus::compile("tests/data/typo.json", &[]).unwrap_err();
/// assert!(err.to_string().contains("typo.json:4:23: stances[0].from: unknown actor `PRKK`"));
/// ```
pub fn compile(path: impl AsRef<Path>, overrides: &[Override]) -> Result<Compiled, ScenarioError> {
    let path = path.as_ref();
    let text = scenario::read_text(path)?;
    compile_text(text, &path.display().to_string(), overrides)
}

/// [`compile`] of scenario text; `origin` names it in errors and results.
pub fn compile_text(
    text: String,
    origin: &str,
    overrides: &[Override],
) -> Result<Compiled, ScenarioError> {
    let scenario = scenario::parse_with(&text, origin, overrides)?;
    let world = World::new(&scenario).map_err(|diagnostics| ScenarioError::Invalid {
        file: origin.to_owned(),
        diagnostics,
    })?;
    Ok(Compiled {
        scenario,
        world,
        origin: origin.to_owned(),
        sha256: crate::monte_carlo::sha256_hex(text.as_bytes()),
        overrides: overrides.to_vec(),
        text,
    })
}

impl Compiled {
    /// The same file with more overrides, applied after this one's.
    pub fn with(&self, more: &[Override]) -> Result<Compiled, ScenarioError> {
        let all: Vec<Override> = self.overrides.iter().chain(more).cloned().collect();
        compile_text(self.text.clone(), &self.origin, &all)
    }

    /// The overrides as results record them (`PATH=VALUE`).
    pub fn override_texts(&self) -> Vec<String> {
        self.overrides.iter().map(ToString::to_string).collect()
    }

    /// The file and its overrides in words: `FILE`, or `FILE with PATH=VALUE, ...`.
    pub fn describe(&self) -> String {
        match self.override_texts() {
            changes if changes.is_empty() => self.origin.clone(),
            changes => format!("{} with {}", self.origin, changes.join(", ")),
        }
    }

    /// A Monte Carlo experiment over this world with the scenario's own runs and seed, its
    /// provenance (SHA-256 and overrides) filled in. Change anything with the builder's methods.
    pub fn monte_carlo(&self) -> MonteCarlo<'_> {
        MonteCarlo::new(&self.world)
            .runs(self.scenario.monte_carlo.runs)
            .seed(self.scenario.monte_carlo.seed)
            .source(self.sha256.clone(), self.override_texts())
    }

    /// Compiles the scenario file of an interrupted run with that run's overrides and checks that
    /// it is the file the run was made from; its [`monte_carlo`](Self::monte_carlo) experiment then
    /// continues the run with [`MonteCarlo::continue_from`].
    pub fn resume(path: impl AsRef<Path>, previous: &Summary) -> Result<Compiled, ResumeFailure> {
        let overrides = previous
            .provenance
            .overrides
            .iter()
            .map(|o| o.parse())
            .collect::<Result<Vec<Override>, _>>()
            .map_err(|e| ResumeFailure::Summary(e.to_string()))?;
        let model = compile(path, &overrides).map_err(ResumeFailure::Scenario)?;
        if model.sha256 != previous.provenance.scenario_sha256 {
            return Err(ResumeFailure::Resume(ResumeError::OtherScenario));
        }
        Ok(model)
    }
}

/// Why an interrupted run cannot be continued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResumeFailure {
    /// The scenario file does not compile with the run's overrides.
    #[error(transparent)]
    Scenario(ScenarioError),
    /// The summary's overrides cannot be read back.
    #[error("the interrupted run's summary has an override casus cannot read: {0}")]
    Summary(String),
    /// The file or the summary is not the run's.
    #[error(transparent)]
    Resume(#[from] ResumeError),
}
