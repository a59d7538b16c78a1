//! Parameter sweeps: the points of a design, each a set of overrides of the scenario.
//!
//! ```
//! use casus::monte_carlo::sweep::{Axis, Levels, grid, latin_hypercube};
//!
//! let axes = [
//!     Axis { path: "parameters.onset_rate".into(), levels: Levels::Range { lo: 0.03, hi: 0.09, n: 3 } },
//!     Axis { path: "parameters.deterrence".into(), levels: Levels::Values(vec![0.7, 0.9]) },
//! ];
//! let points = grid(&axes);
//! assert_eq!(points.len(), 6);
//! assert_eq!(points[1], [0.03, 0.9]);
//! // A Latin hypercube samples ranges only.
//! assert!(latin_hypercube(&axes, 4, 1).is_err());
//! let lhs = latin_hypercube(&axes[..1], 4, 1).unwrap();
//! assert_eq!(lhs.len(), 4);
//! assert!(lhs.iter().all(|p| (0.03..=0.09).contains(&p[0])));
//! ```

use rand::seq::SliceRandom;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::sensitivity::{Subject, Target};
use super::{MonteCarlo, Proportion, Provenance, Summary};
use crate::Compiled;
use crate::engine::World;
use crate::scenario::{Override, ScenarioError};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One swept value: where it is in the scenario and what it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The override path (`parameters.onset_rate`).
    pub path: String,
    /// Its levels.
    pub levels: Levels,
}

/// The values an axis takes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Levels {
    /// These values.
    Values(Vec<f64>),
    /// `n` evenly spaced values from `lo` to `hi` inclusive (a grid); for a Latin hypercube, the
    /// interval `[lo, hi]`.
    Range {
        /// Lowest value.
        lo: f64,
        /// Highest value.
        hi: f64,
        /// How many values on a grid.
        n: usize,
    },
}

impl Levels {
    /// Reads `a,b,c` (values) or `LO:HI:N` (a range).
    pub fn parse_values(text: &str) -> Result<Levels, String> {
        let values = text
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| {
                        format!("`{v}` is not a number; expected values like 0.1,0.2,0.3")
                    })
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(Levels::Values(values))
    }

    /// Reads `LO:HI:N`.
    pub fn parse_range(text: &str) -> Result<Levels, String> {
        let parts: Vec<&str> = text.split(':').collect();
        let error = || format!("expected LO:HI:N, such as 0.02:0.1:5, found `{text}`");
        let [lo, hi, n] = parts.as_slice() else {
            return Err(error());
        };
        let (lo, hi): (f64, f64) = (
            lo.trim().parse().map_err(|_| error())?,
            hi.trim().parse().map_err(|_| error())?,
        );
        let n: usize = n.trim().parse().map_err(|_| error())?;
        if !(lo.is_finite() && hi.is_finite() && lo <= hi && n >= 1 && (n > 1 || lo == hi)) {
            return Err(format!(
                "{text}: expected LO ≤ HI and N ≥ 2 (or N = 1 with LO = HI)"
            ));
        }
        Ok(Levels::Range { lo, hi, n })
    }

    /// The values on a grid.
    pub fn grid_values(&self) -> Vec<f64> {
        match self {
            Levels::Values(values) => values.clone(),
            Levels::Range { lo, n: 1, .. } => vec![*lo],
            Levels::Range { lo, hi, n } => (0..*n)
                .map(|i| lo + (hi - lo) * i as f64 / (*n - 1) as f64)
                .collect(),
        }
    }
}

/// Every combination of the axes' values, the last axis varying fastest.
pub fn grid(axes: &[Axis]) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for axis in axes {
        let values = axis.levels.grid_values();
        points = points
            .into_iter()
            .flat_map(|point| {
                values.iter().map(move |&v| {
                    let mut next = point.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    points
}

/// A Latin hypercube of `points` points over the axes' ranges (McKay, Beckman & Conover 1979):
/// each range is cut into `points` equal strata, each stratum is used by exactly one point, at a
/// uniform position within it, and the strata are paired across axes by independent random
/// permutations, drawn from ChaCha8 stream 0 of `seed`. Every axis must be a range.
pub fn latin_hypercube(axes: &[Axis], points: usize, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns = Vec::with_capacity(axes.len());
    for axis in axes {
        let Levels::Range { lo, hi, .. } = axis.levels else {
            return Err(format!(
                "--param {}: a Latin hypercube samples ranges; give --range LO:HI:N",
                axis.path
            ));
        };
        let mut strata: Vec<usize> = (0..points).collect();
        strata.shuffle(&mut rng);
        columns.push(
            strata
                .into_iter()
                .map(|k| lo + (hi - lo) * (k as f64 + rng.random::<f64>()) / points as f64)
                .collect::<Vec<f64>>(),
        );
    }
    Ok((0..points)
        .map(|p| columns.iter().map(|c| c[p]).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(path: &str, lo: f64, hi: f64, n: usize) -> Axis {
        Axis {
            path: path.into(),
            levels: Levels::Range { lo, hi, n },
        }
    }

    #[test]
    fn a_grid_is_every_combination() {
        let axes = [range("a", 0.0, 1.0, 3), range("b", 10.0, 20.0, 2)];
        let points = grid(&axes);
        assert_eq!(
            points,
            [
                [0.0, 10.0],
                [0.0, 20.0],
                [0.5, 10.0],
                [0.5, 20.0],
                [1.0, 10.0],
                [1.0, 20.0]
            ]
        );
    }

    #[test]
    fn a_latin_hypercube_uses_each_stratum_once_per_axis() {
        let axes = [range("a", 0.0, 1.0, 0), range("b", -5.0, 5.0, 0)];
        let points = latin_hypercube(&axes, 20, 3).unwrap();
        for (d, axis) in axes.iter().enumerate() {
            let Levels::Range { lo, hi, .. } = axis.levels else {
                unreachable!()
            };
            let mut strata: Vec<usize> = points
                .iter()
                .map(|p| ((p[d] - lo) / (hi - lo) * 20.0).floor() as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..20).collect::<Vec<_>>());
        }
        assert_eq!(points, latin_hypercube(&axes, 20, 3).unwrap());
        assert_ne!(points, latin_hypercube(&axes, 20, 4).unwrap());
    }

    #[test]
    fn levels_are_read_with_clear_errors() {
        assert_eq!(
            Levels::parse_values("0.1, 0.2").unwrap(),
            Levels::Values(vec![0.1, 0.2])
        );
        assert!(Levels::parse_values("0.1,x").unwrap_err().contains("`x`"));
        assert!(
            Levels::parse_range("1:0:3")
                .unwrap_err()
                .contains("LO ≤ HI")
        );
        assert!(Levels::parse_range("0:1").unwrap_err().contains("LO:HI:N"));
        assert_eq!(
            range("a", 0.0, 1.0, 5).levels.grid_values(),
            [0.0, 0.25, 0.5, 0.75, 1.0]
        );
    }
}

/// The most points a sweep runs: each point is a full experiment, so a design beyond this is
/// almost certainly a typo in a range (`0.1:0.2:1000000`).
pub const MAX_POINTS: usize = 10_000;

/// How a sweep's points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Design {
    /// Every combination of the axes' values ([`grid`]).
    Grid,
    /// A Latin hypercube of this many points over the axes' ranges ([`latin_hypercube`]).
    LatinHypercube {
        /// The number of points.
        points: usize,
    },
}

impl Design {
    /// The design's points over `axes`; a Latin hypercube draws from `seed`. A design of more
    /// than [`MAX_POINTS`] points is refused before any is built.
    pub fn points(&self, axes: &[Axis], seed: u64) -> Result<Vec<Vec<f64>>, String> {
        let count = match *self {
            Design::Grid => axes.iter().try_fold(1usize, |n, axis| {
                let levels = match &axis.levels {
                    Levels::Values(values) => values.len(),
                    Levels::Range { n, .. } => *n,
                };
                n.checked_mul(levels)
            }),
            Design::LatinHypercube { points } => Some(points),
        };
        if count.is_none_or(|n| n > MAX_POINTS) {
            let count = count.map_or("more than 2^64".to_owned(), |n| n.to_string());
            return Err(format!(
                "the {} has {count} points, more than the {MAX_POINTS} a sweep runs; use fewer \
                 levels, or split the sweep into several",
                self.name()
            ));
        }
        match *self {
            Design::Grid => Ok(grid(axes)),
            Design::LatinHypercube { points } => latin_hypercube(axes, points, seed),
        }
    }

    /// Its name in reports: `grid`, `Latin hypercube`.
    pub fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::LatinHypercube { .. } => "Latin hypercube",
        }
    }
}

/// A sweep's points and their summaries, in design order.
#[derive(Debug, Clone)]
pub struct Table {
    /// The override path of each axis.
    pub paths: Vec<String>,
    /// How the points were chosen.
    pub design: Design,
    /// Each point's values, one per axis.
    pub points: Vec<Vec<f64>>,
    /// Each point's summary.
    pub summaries: Vec<Summary>,
    /// Where the base comes from: its scenario, overrides, seed, runs and rules (each point adds
    /// its values as overrides).
    pub provenance: Provenance,
}

/// One point of a sweep in `sweep.json`: its values and the probability of each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweptPoint {
    /// One value per axis.
    pub values: Vec<f64>,
    /// P(subject ≥ level k) with its Wilson 95 % interval, at index k (k = 0 is every run).
    pub at_least: Vec<Proportion>,
}

/// What `sweep.json` holds: a sweep's outcome at every point, for one subject (the run's highest
/// level, the scenario's focus or one actor), with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Swept {
    /// The scenario's name.
    pub scenario: String,
    /// How the points were chosen: `grid` or `Latin hypercube`.
    pub design: String,
    /// The override path of each axis.
    pub paths: Vec<String>,
    /// Whose level: `highest`, `focus` or an actor's id.
    pub subject: String,
    /// The focus in words, when the subject is the focus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    /// The level the chart and the report lead with.
    pub level: u8,
    /// The level labels, 0–7.
    pub levels: Vec<String>,
    /// The points in design order.
    pub points: Vec<SweptPoint>,
    /// Where the base comes from (each point adds its values as overrides).
    pub provenance: Provenance,
}

impl Swept {
    /// The outcome at `level` in words: `P(focus ≥ war)`.
    pub fn outcome(&self, level: u8) -> String {
        let name = self
            .levels
            .get(usize::from(level))
            .map_or_else(|| level.to_string(), Clone::clone);
        format!("P({} ≥ {name})", self.subject)
    }
}

impl Table {
    /// The sweep's outcome for `target` (whose level, and the level to lead with) at every point;
    /// `world` is the base the points vary.
    pub fn swept(&self, target: Target, world: &World) -> Swept {
        let points = self
            .points
            .iter()
            .zip(&self.summaries)
            .map(|(values, summary)| {
                let counts = target.counts(&summary.counts);
                let runs = summary.counts.runs;
                SweptPoint {
                    values: values.clone(),
                    at_least: (0..counts.len())
                        .map(|k| Proportion::new(counts[k..].iter().sum(), runs))
                        .collect(),
                }
            })
            .collect();
        Swept {
            scenario: world.name.clone(),
            design: self.design.name().to_owned(),
            paths: self.paths.clone(),
            subject: target.subject_name(world),
            focus: match target.subject {
                Subject::Focus => world.focus.as_ref().map(|f| f.label.clone()),
                _ => None,
            },
            level: target.level.number(),
            levels: world.level_labels.clone(),
            points,
            provenance: self.provenance.clone(),
        }
    }
}

/// Why a sweep cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The design cannot be drawn over these axes.
    #[error("{0}")]
    Design(String),
    /// A point's scenario does not validate.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The runs could not be made.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The stop flag was set: the sweep ended after a point, with no result.
    #[error("the sweep was stopped after {done} of {points} points")]
    Stopped {
        /// Points done.
        done: usize,
        /// Points in the design.
        points: usize,
    },
}

/// Runs `experiment` (its runs, seed, threads and rules) at every point of `design` over `base`:
/// each point is `base` with the axes' values as further overrides, and every point is compiled
/// and validated before the first run. All points share the runs and seed (common random numbers),
/// so each point's summary is exactly `casus run` with the same overrides and seed. Setting `stop`
/// ends the sweep within a chunk of runs, with [`SweepError::Stopped`].
pub fn sweep(
    base: &Compiled,
    axes: &[Axis],
    design: Design,
    experiment: &MonteCarlo<'_>,
    stop: Option<&AtomicBool>,
) -> Result<Table, SweepError> {
    let points = design
        .points(axes, experiment.seed_value())
        .map_err(SweepError::Design)?;
    let compile = |point: &Vec<f64>| -> Result<Compiled, SweepError> {
        let changes: Vec<Override> = axes
            .iter()
            .zip(point)
            .map(|(axis, value)| {
                format!("{}={value}", axis.path)
                    .parse()
                    .map_err(|e: crate::scenario::OverrideError| SweepError::Design(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok(base.with(&changes)?)
    };
    // Every point is validated before the first run, and compiled again when its turn comes, so
    // that only one point's world is held at a time.
    for point in &points {
        compile(point)?;
    }
    let mut summaries = Vec::with_capacity(points.len());
    for point in &points {
        let model = compile(point)?;
        let summary = experiment.with_world(&model.world).run(&mut (), stop)?;
        if !summary.provenance.complete {
            return Err(SweepError::Stopped {
                done: summaries.len(),
                points: points.len(),
            });
        }
        summaries.push(summary);
    }
    Ok(Table {
        paths: axes.iter().map(|a| a.path.clone()).collect(),
        design,
        points,
        summaries,
        provenance: experiment.provenance_of(&base.world, [0, experiment.total_runs()], true),
    })
}
