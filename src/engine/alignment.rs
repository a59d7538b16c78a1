//! Recording who stands with whom (docs/MODEL.md §3.10): the stances of the pairs a scenario names
//! at every step, the polarisation of its candidate blocs, and at each checkpoint which blocs hold.

use serde::Serialize;

use super::Simulation;
use super::world::{ActorIx, AlignmentInfo};

/// An actor's mean stance toward a bloc at or above this is alignment with it.
pub const ALIGNED: f64 = 0.5;
/// At or below this, opposition to it (the balance rule's threshold of hostility, §3.9).
pub const OPPOSED: f64 = -0.5;

/// What one run recorded of alignment.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AlignmentRecord {
    /// The stance of each named pair at the end of each step, step-major (`step * pairs + pair`).
    pub stances: Vec<f64>,
    /// The polarisation index at the end of each step (empty with fewer than two blocs).
    pub polarisation: Vec<f64>,
    /// The blocs at each checkpoint.
    pub checkpoints: Vec<Blocs>,
}

/// The blocs at one checkpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Blocs {
    /// Every bloc is cohesive and every member of each opposes every other bloc.
    pub formed: bool,
    /// Per bloc: every member is aligned with it.
    pub cohesive: Vec<bool>,
    /// Per actor and bloc (`actor * blocs + bloc`): +1 aligned with it, −1 opposed, 0 neither.
    pub leaning: Vec<i8>,
}

impl AlignmentInfo {
    /// The mean stance of `actor` toward the members of `bloc` other than itself; `None` if it is
    /// the bloc's only member.
    pub fn leaning(
        &self,
        stance: impl Fn(ActorIx, ActorIx) -> f64,
        actor: ActorIx,
        bloc: usize,
    ) -> Option<f64> {
        let (sum, count) = self.blocs[bloc]
            .iter()
            .filter(|&&other| other != actor)
            .fold((0.0, 0usize), |(s, n), &other| {
                (s + stance(actor, other), n + 1)
            });
        (count > 0).then(|| sum / count as f64)
    }

    /// The polarisation index: (mean stance within blocs − mean stance between them) / 2, over
    /// ordered pairs of distinct members; 1 for cohesive blocs in complete enmity, 0 where blocs
    /// mean nothing. A term without pairs counts as 0.
    pub fn polarisation(&self, stance: impl Fn(ActorIx, ActorIx) -> f64) -> f64 {
        let mean = |pairs: &[(ActorIx, ActorIx)]| {
            if pairs.is_empty() {
                0.0
            } else {
                pairs.iter().map(|&(x, y)| stance(x, y)).sum::<f64>() / pairs.len() as f64
            }
        };
        (mean(&self.within) - mean(&self.between)) / 2.0
    }
}

impl Simulation<'_> {
    /// Records the step's alignment, if the scenario asks for it.
    pub(super) fn record_alignment(&mut self) {
        let Some(info) = &self.world.alignment else {
            return;
        };
        let mut record = self.outcome.alignment.take().unwrap_or_else(|| {
            // Room for every step at once, rather than growing step by step.
            let steps = self.world.steps as usize;
            AlignmentRecord {
                stances: Vec::with_capacity(steps * info.pairs.len()),
                polarisation: Vec::with_capacity(steps),
                checkpoints: Vec::with_capacity(info.checkpoints.len()),
            }
        });
        let (stances, n) = (&self.stances, self.world.n());
        let stance = |a: ActorIx, b: ActorIx| stances[a.pair(b, n)];
        record
            .stances
            .extend(info.pairs.iter().map(|&(a, b)| stance(a, b)));
        if info.blocs.len() >= 2 {
            record.polarisation.push(info.polarisation(stance));
        }
        if info.checkpoints.binary_search(&self.step).is_ok() {
            let blocs = info.blocs.len();
            let mut leaning = Vec::with_capacity(self.world.n() * blocs);
            for actor in self.world.actor_ixs() {
                for b in 0..blocs {
                    leaning.push(match info.leaning(stance, actor, b) {
                        Some(x) if x >= ALIGNED => 1,
                        Some(x) if x <= OPPOSED => -1,
                        _ => 0,
                    });
                }
            }
            let lean = |actor: ActorIx, b: usize| leaning[actor.index() * blocs + b];
            let cohesive: Vec<bool> = info
                .blocs
                .iter()
                .enumerate()
                .map(|(b, bloc)| bloc.len() < 2 || bloc.iter().all(|&x| lean(x, b) == 1))
                .collect();
            let opposed = info.blocs.iter().enumerate().all(|(b, bloc)| {
                bloc.iter()
                    .all(|&x| (0..blocs).filter(|&c| c != b).all(|c| lean(x, c) == -1))
            });
            record.checkpoints.push(Blocs {
                formed: cohesive.iter().all(|&c| c) && opposed,
                cohesive,
                leaning,
            });
        }
        self.outcome.alignment = Some(record);
    }
}
