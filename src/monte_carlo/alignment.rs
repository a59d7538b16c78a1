//! Counts and results of who stands with whom (docs/MODEL.md §3.10), and of transfers and the
//! nuclear statuses they move: integers and fixed-point sums only, merged exactly in any grouping,
//! like the rest of the summary.

use serde::{Deserialize, Serialize};

use super::summary::{fixed, mean_of};
use super::wilson::Proportion;
use crate::engine::{AlignmentInfo, Outcome, World};
use crate::scenario::{NuclearStatus, Step};

/// Bins of a stance or polarisation histogram over [−1, 1]: 100, each 0.02 wide. Quantiles read
/// from them are exact to within a bin.
pub const BINS: usize = 100;
/// Bins per unit.
const PER_UNIT: f64 = BINS as f64 / 2.0;

/// The bin of a value in [−1, 1]: ⌊(x + 1)·50⌋, the last bin closed at 1.
pub fn bin(x: f64) -> usize {
    (((x + 1.0) * PER_UNIT).floor().max(0.0) as usize).min(BINS - 1)
}

/// The value at the lower edge of bin `k`.
fn edge(k: usize) -> f64 {
    -1.0 + k as f64 / PER_UNIT
}

/// The quantiles the results give: 5 %, 25 %, 50 %, 75 %, 95 %.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The `q` quantile of a histogram of [`BINS`] bins, interpolated linearly within its bin.
pub fn quantile(bins: &[u64], q: f64) -> f64 {
    let total: u64 = bins.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let target = q * total as f64;
    let mut below = 0u64;
    for (k, &n) in bins.iter().enumerate() {
        if n > 0 && (below + n) as f64 >= target {
            let within = ((target - below as f64) / n as f64).clamp(0.0, 1.0);
            return edge(k) + within / PER_UNIT;
        }
        below += n;
    }
    1.0
}

/// The bands in which results give a pair's stances, by lower edge: hostile below −0.5, cool,
/// indifferent from −0.1 to 0.1, warm, aligned from 0.5 ([`crate::engine::ALIGNED`]).
pub const BANDS: [(&str, usize); 5] = [
    ("below -0.5", 0),
    ("-0.5 to -0.1", 25),
    ("-0.1 to 0.1", 45),
    ("0.1 to 0.5", 55),
    ("0.5 and above", 75),
];

/// Counts at one checkpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CheckpointCounts {
    /// Runs in which every bloc was cohesive and opposed every other.
    pub formed: u64,
    /// Per bloc: runs in which it was cohesive.
    pub cohesive: Vec<u64>,
    /// Per actor and bloc (`actor * blocs + bloc`): runs in which the actor was aligned with it.
    pub aligned: Vec<u64>,
    /// The same, opposed to it.
    pub opposed: Vec<u64>,
}

/// What the runs recorded of alignment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlignmentCounts {
    /// Per named pair, step and bin (`(pair * steps + step) * BINS + bin`): runs whose stance fell
    /// in that bin at the end of that step.
    pub stance_bins: Vec<u64>,
    /// Per named pair and step (`pair * steps + step`): the sum of stances in units of 10⁻⁹.
    pub stance_sum: Vec<i128>,
    /// Per step and bin: runs whose polarisation index fell in that bin (empty with fewer than two
    /// blocs).
    pub polarisation_bins: Vec<u64>,
    /// Per step: the sum of polarisation indices in units of 10⁻⁹.
    pub polarisation_sum: Vec<i128>,
    /// Per checkpoint.
    pub checkpoints: Vec<CheckpointCounts>,
}

impl AlignmentCounts {
    /// Empty counts for what `info` follows over `steps` steps of `n` actors.
    pub fn new(info: &AlignmentInfo, steps: usize, n: usize) -> Self {
        let pairs = info.pairs.len();
        let polarised = if info.blocs.len() >= 2 { steps } else { 0 };
        let blocs = info.blocs.len();
        AlignmentCounts {
            stance_bins: vec![0; pairs * steps * BINS],
            stance_sum: vec![0; pairs * steps],
            polarisation_bins: vec![0; polarised * BINS],
            polarisation_sum: vec![0; polarised],
            checkpoints: vec![
                CheckpointCounts {
                    formed: 0,
                    cohesive: vec![0; blocs],
                    aligned: vec![0; n * blocs],
                    opposed: vec![0; n * blocs],
                };
                info.checkpoints.len()
            ],
        }
    }

    /// Counts one run's record.
    pub fn add(&mut self, info: &AlignmentInfo, steps: usize, o: &Outcome) {
        let Some(record) = &o.alignment else {
            return;
        };
        let pairs = info.pairs.len().max(1);
        for (step, row) in record.stances.chunks(pairs).enumerate() {
            for (pair, &x) in row.iter().enumerate() {
                let at = pair * steps + step;
                self.stance_bins[at * BINS + bin(x)] += 1;
                self.stance_sum[at] += fixed(x);
            }
        }
        for (step, &x) in record.polarisation.iter().enumerate() {
            self.polarisation_bins[step * BINS + bin(x)] += 1;
            self.polarisation_sum[step] += fixed(x);
        }
        for (counts, blocs) in self.checkpoints.iter_mut().zip(&record.checkpoints) {
            counts.formed += u64::from(blocs.formed);
            for (n, &c) in counts.cohesive.iter_mut().zip(&blocs.cohesive) {
                *n += u64::from(c);
            }
            for (k, &lean) in blocs.leaning.iter().enumerate() {
                counts.aligned[k] += u64::from(lean > 0);
                counts.opposed[k] += u64::from(lean < 0);
            }
        }
    }

    /// Adds another's counts: exact and associative.
    pub fn merge(&mut self, other: &AlignmentCounts) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            for (x, &y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.stance_bins, &other.stance_bins);
        add(&mut self.stance_sum, &other.stance_sum);
        add(&mut self.polarisation_bins, &other.polarisation_bins);
        add(&mut self.polarisation_sum, &other.polarisation_sum);
        for (a, b) in self.checkpoints.iter_mut().zip(&other.checkpoints) {
            a.formed += b.formed;
            add(&mut a.cohesive, &b.cohesive);
            add(&mut a.aligned, &b.aligned);
            add(&mut a.opposed, &b.opposed);
        }
    }

    /// The histogram of named pair `pair` at `step`.
    pub fn stance_histogram(&self, steps: usize, pair: usize, step: usize) -> &[u64] {
        let at = (pair * steps + step) * BINS;
        &self.stance_bins[at..at + BINS]
    }

    /// The histogram of the polarisation index at `step`.
    pub fn polarisation_histogram(&self, step: usize) -> &[u64] {
        &self.polarisation_bins[step * BINS..(step + 1) * BINS]
    }

    /// Checks these counts against their labels and `runs`: every length, every histogram summing
    /// to the runs, every count at most the runs, every sum within its range.
    pub fn check(
        &self,
        labels: &AlignmentLabels,
        actors: usize,
        steps: usize,
        runs: u64,
    ) -> Result<(), String> {
        let pairs = labels.pairs.len();
        let blocs = labels.blocs.len();
        let polarised = if blocs >= 2 { steps } else { 0 };
        let lengths = self.stance_bins.len() == pairs * steps * BINS
            && self.stance_sum.len() == pairs * steps
            && self.polarisation_bins.len() == polarised * BINS
            && self.polarisation_sum.len() == polarised
            && self.checkpoints.len() == labels.checkpoints.len()
            && self.checkpoints.iter().all(|c| {
                c.cohesive.len() == blocs
                    && c.aligned.len() == actors * blocs
                    && c.opposed.len() == actors * blocs
            });
        if !lengths {
            return Err("counts.alignment: its lengths do not match its labels".to_owned());
        }
        let histograms = self
            .stance_bins
            .chunks(BINS)
            .chain(self.polarisation_bins.chunks(BINS));
        for h in histograms {
            let total = h.iter().try_fold(0u64, |t, &n| t.checked_add(n));
            if total != Some(runs) {
                return Err(format!(
                    "counts.alignment: a histogram does not count the {runs} runs"
                ));
            }
        }
        let scale = i128::from(runs) * 1_000_000_000;
        if self
            .stance_sum
            .iter()
            .chain(&self.polarisation_sum)
            .any(|x| x.abs() > scale)
        {
            return Err("counts.alignment: a sum of stances is out of its range".to_owned());
        }
        for c in &self.checkpoints {
            let within = c.formed <= runs
                && c.cohesive.iter().all(|&n| n <= runs)
                && c.aligned
                    .iter()
                    .zip(&c.opposed)
                    .all(|(&a, &o)| a.checked_add(o).is_some_and(|t| t <= runs));
            if !within {
                return Err(format!(
                    "counts.alignment: a checkpoint counts more than the {runs} runs"
                ));
            }
        }
        Ok(())
    }
}

/// Names for the alignment counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentLabels {
    /// The named pairs, `[from, to]`.
    pub pairs: Vec<[String; 2]>,
    /// The candidate blocs.
    pub blocs: Vec<Vec<String>>,
    /// The checkpoint steps, the last step of the run last.
    pub checkpoints: Vec<Step>,
}

impl AlignmentLabels {
    /// The labels of a world's alignment, if it asks for one.
    pub fn of(world: &World) -> Option<Self> {
        let info = world.alignment.as_ref()?;
        let id = |a: crate::engine::ActorIx| world.actors[a].id.clone();
        Some(AlignmentLabels {
            pairs: info.pairs.iter().map(|&(a, b)| [id(a), id(b)]).collect(),
            blocs: info
                .blocs
                .iter()
                .map(|b| b.iter().map(|&a| id(a)).collect())
                .collect(),
            checkpoints: info.checkpoints.clone(),
        })
    }

    /// A bloc in words: `RUS–CHN–PRK`.
    pub fn bloc_name(&self, bloc: usize) -> String {
        self.blocs[bloc].join("–")
    }
}

/// A distribution read from a histogram and a sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The mean.
    pub mean: f64,
    /// The 5 %, 25 %, 50 %, 75 % and 95 % quantiles, to within a bin (0.02).
    pub quantiles: [f64; 5],
}

impl Distribution {
    fn of(bins: &[u64], sum: i128, runs: u64) -> Self {
        Distribution {
            mean: mean_of(sum, runs),
            quantiles: QUANTILES.map(|q| quantile(bins, q)),
        }
    }
}

/// A named pair's stances at a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairResult {
    /// Who regards.
    pub from: String,
    /// Whom.
    pub to: String,
    /// Mean and quantiles.
    pub stance: Distribution,
    /// The share of runs in each of [`BANDS`], in order.
    pub bands: Vec<Proportion>,
}

/// An actor's leaning toward a bloc at a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaningResult {
    /// The actor.
    pub actor: String,
    /// The bloc's index in the labels.
    pub bloc: usize,
    /// P(its mean stance toward the bloc's other members ≥ 0.5).
    pub aligned: Proportion,
    /// P(≤ −0.5).
    pub opposed: Proportion,
}

/// Alignment at one checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointResult {
    /// The step.
    pub step: Step,
    /// The named pairs' stances.
    pub pairs: Vec<PairResult>,
    /// The polarisation index (with two or more blocs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polarisation: Option<Distribution>,
    /// P(the blocs formed: each cohesive, each opposed to every other), with two or more blocs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formed: Option<Proportion>,
    /// Per bloc, P(cohesive).
    pub cohesive: Vec<Proportion>,
    /// Per actor and bloc, its leaning.
    pub leaning: Vec<LeaningResult>,
}

/// Alignment results, one per checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentResult {
    /// At each checkpoint, the last the end of the run.
    pub checkpoints: Vec<CheckpointResult>,
}

impl AlignmentResult {
    /// The results of `counts` over `runs` runs.
    pub fn derive(
        labels: &AlignmentLabels,
        actors: &[String],
        steps: usize,
        counts: &AlignmentCounts,
        runs: u64,
    ) -> Self {
        let blocs = labels.blocs.len();
        let checkpoints = labels
            .checkpoints
            .iter()
            .zip(&counts.checkpoints)
            .map(|(&step, c)| {
                let t = step as usize;
                let pairs = labels
                    .pairs
                    .iter()
                    .enumerate()
                    .map(|(p, [from, to])| {
                        let bins = counts.stance_histogram(steps, p, t);
                        let bands = BANDS
                            .iter()
                            .enumerate()
                            .map(|(b, &(_, from_bin))| {
                                let to_bin = BANDS.get(b + 1).map_or(BINS, |&(_, k)| k);
                                Proportion::new(bins[from_bin..to_bin].iter().sum(), runs)
                            })
                            .collect();
                        PairResult {
                            from: from.clone(),
                            to: to.clone(),
                            stance: Distribution::of(bins, counts.stance_sum[p * steps + t], runs),
                            bands,
                        }
                    })
                    .collect();
                let polarised = blocs >= 2;
                CheckpointResult {
                    step,
                    pairs,
                    polarisation: polarised.then(|| {
                        Distribution::of(
                            counts.polarisation_histogram(t),
                            counts.polarisation_sum[t],
                            runs,
                        )
                    }),
                    formed: polarised.then(|| Proportion::new(c.formed, runs)),
                    cohesive: c
                        .cohesive
                        .iter()
                        .map(|&n| Proportion::new(n, runs))
                        .collect(),
                    leaning: actors
                        .iter()
                        .enumerate()
                        .flat_map(|(a, actor)| {
                            (0..blocs).map(move |b| LeaningResult {
                                actor: actor.clone(),
                                bloc: b,
                                aligned: Proportion::new(c.aligned[a * blocs + b], runs),
                                opposed: Proportion::new(c.opposed[a * blocs + b], runs),
                            })
                        })
                        .collect(),
                }
            })
            .collect();
        AlignmentResult { checkpoints }
    }
}

/// Counts of one transfer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TransferCounts {
    /// Runs in which it began to flow.
    pub started: u64,
    /// Runs in which it was detected.
    pub detected: u64,
    /// The sum over runs of what it delivered, in units of 10⁻⁹ of its kind's unit.
    pub delivered_sum: i128,
}

impl TransferCounts {
    /// Counts one run's course.
    pub fn add(&mut self, course: &crate::engine::TransferCourse) {
        self.started += u64::from(course.started.is_some());
        self.detected += u64::from(course.detected.is_some());
        self.delivered_sum += fixed(course.delivered);
    }

    /// Adds another's counts.
    pub fn merge(&mut self, other: &TransferCounts) {
        self.started += other.started;
        self.detected += other.detected;
        self.delivered_sum += other.delivered_sum;
    }
}

/// A transfer's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferLabel {
    /// Transfer id.
    pub id: String,
    /// Its kind, as in scenario files.
    pub kind: String,
    /// Sender id.
    pub from: String,
    /// Receiver id.
    pub to: String,
}

/// A transfer's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferResult {
    /// Transfer id.
    pub transfer: String,
    /// P(it began to flow).
    pub started: Proportion,
    /// P(detected).
    pub detected: Proportion,
    /// Mean delivered per run, in its kind's unit.
    pub mean_delivered: f64,
}

impl TransferResult {
    /// The results of a transfer's counts.
    pub fn derive(label: &TransferLabel, c: &TransferCounts, runs: u64) -> Self {
        TransferResult {
            transfer: label.id.clone(),
            started: Proportion::new(c.started, runs),
            detected: Proportion::new(c.detected, runs),
            mean_delivered: mean_of(c.delivered_sum, runs),
        }
    }
}

/// An actor's nuclear status at the end of the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NuclearResult {
    /// The actor.
    pub actor: String,
    /// Its status at the start.
    pub initial: NuclearStatus,
    /// P(its final status is at least each status above none), none first excluded.
    pub at_least: Vec<(NuclearStatus, Proportion)>,
}

impl NuclearResult {
    /// The results of an actor's counts of final statuses.
    pub fn derive(actor: &str, initial: NuclearStatus, finals: &[u64; 4], runs: u64) -> Self {
        NuclearResult {
            actor: actor.to_owned(),
            initial,
            at_least: NuclearStatus::ALL[1..]
                .iter()
                .map(|&s| (s, Proportion::new(finals[s.index()..].iter().sum(), runs)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Band edges fall on bin edges, values at ±1 land in the end bins, and quantiles read from a
    /// histogram are within a bin of the true ones.
    #[test]
    fn bins_bands_and_quantiles() {
        assert_eq!((bin(-1.0), bin(1.0)), (0, BINS - 1));
        for (x, k) in [(-0.5, 25), (-0.1, 45), (0.1, 55), (0.5, 75)] {
            assert_eq!(bin(x), k, "{x}");
        }
        let values: Vec<f64> = (0..1000).map(|i| -0.9 + 1.7 * i as f64 / 999.0).collect();
        let mut bins = vec![0u64; BINS];
        for &x in &values {
            bins[bin(x)] += 1;
        }
        for q in QUANTILES {
            let exact = values[((q * 1000.0) as usize).min(999)];
            assert!((quantile(&bins, q) - exact).abs() <= 0.02, "{q}");
        }
        assert_eq!(quantile(&[0; BINS], 0.5), 0.0);
    }
}
