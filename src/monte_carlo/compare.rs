//! Paired comparison of two variants of a scenario with common random numbers: run r of each arm
//! has the same seed and run number, and every random decision draws from a generator keyed by the
//! decision (docs/MODEL.md §5), so the two arms make the same draw for the same decision and differ
//! only where the variants make them differ; the paired differences have far narrower intervals than
//! independent runs would give. [`MonteCarlo::compare`](super::MonteCarlo::compare) runs one.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::pathways::PathwayCounts;
use super::wilson::{Z95, wilson};
use crate::engine::{Outcome, World};
use crate::model::Level;

/// How two arms agree on one yes/no outcome over paired runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Paired {
    /// Runs where it holds in both arms.
    pub both: u64,
    /// Runs where it holds only in arm A.
    pub only_a: u64,
    /// Runs where it holds only in arm B.
    pub only_b: u64,
}

impl Paired {
    /// Counts one paired run.
    pub fn add(&mut self, a: bool, b: bool) {
        match (a, b) {
            (true, true) => self.both += 1,
            (true, false) => self.only_a += 1,
            (false, true) => self.only_b += 1,
            (false, false) => {}
        }
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &Paired) {
        self.both += other.both;
        self.only_a += other.only_a;
        self.only_b += other.only_b;
    }

    /// The difference P(B) − P(A) over `runs` paired runs, with its 95 % interval, and the
    /// half-width independent samples of the same size would have given.
    ///
    /// The interval is Newcombe's hybrid score interval for paired proportions (Newcombe 1998,
    /// method 10): each arm's Wilson interval, combined with the correlation φ of the paired
    /// outcomes (corrected towards 0 by n/2 in the cross-product, as Newcombe does). Unlike the
    /// Wald interval of the paired differences it stays within [−1, 1], and it does not collapse
    /// to a point where an outcome holds in every run of both arms or in none.
    pub fn difference(&self, runs: u64) -> Difference {
        let n = runs.max(1) as f64;
        let (yes_a, yes_b) = (self.both + self.only_a, self.both + self.only_b);
        let (pa, pb) = (yes_a as f64 / n, yes_b as f64 / n);
        let delta = pb - pa;
        let (la, ua) = wilson(yes_a, runs, Z95);
        let (lb, ub) = wilson(yes_b, runs, Z95);
        let neither = runs.saturating_sub(self.both + self.only_a + self.only_b);
        let margins = [yes_b, runs - yes_b.min(runs), yes_a, runs - yes_a.min(runs)]
            .iter()
            .map(|&m| m as f64)
            .product::<f64>();
        let cross = self.both as f64 * neither as f64 - self.only_b as f64 * self.only_a as f64;
        let corrected = if cross > n / 2.0 {
            cross - n / 2.0
        } else {
            cross.min(0.0)
        };
        let phi = if margins > 0.0 {
            corrected / margins.sqrt()
        } else {
            0.0
        };
        let spread = |x: f64, y: f64| (x * x - 2.0 * phi * x * y + y * y).max(0.0).sqrt();
        let independent = Z95 * ((pa * (1.0 - pa) + pb * (1.0 - pb)) / n).sqrt();
        Difference {
            a: pa,
            b: pb,
            delta,
            lo: (delta - spread(pb - lb, ua - pa)).max(-1.0),
            hi: (delta + spread(pa - la, ub - pb)).min(1.0),
            independent_half_width: independent,
        }
    }
}

/// A paired difference of proportions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// P in arm A.
    pub a: f64,
    /// P in arm B.
    pub b: f64,
    /// P(B) − P(A).
    pub delta: f64,
    /// Lower bound of the paired 95 % interval.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Half the width of the 95 % interval two independent samples of the same size would give.
    pub independent_half_width: f64,
}

/// The paired counts of a comparison, keyed by names so that the arms may differ in their actors
/// and obligations (a treaty left out of arm B).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Comparison {
    /// Paired runs.
    pub runs: u64,
    /// Highest level ≥ k, for k = 0…7 at entry k (k = 0 holds in every run).
    pub highest_at_least: Vec<Paired>,
    /// Per actor id: at war (level ≥ 5).
    pub at_war: BTreeMap<String, Paired>,
    /// Per obligation (`treaty/clause holder>partner`): fired at least once.
    pub triggered: BTreeMap<String, Paired>,
    /// Per obligation: honoured at least once.
    pub honoured: BTreeMap<String, Paired>,
    /// Runs by pathway in arm A and in arm B, each in bounded memory (docs/MODEL.md §3.10).
    pub pathways: [PathwayCounts; 2],
    /// Standing at the end of the run, by name: each nuclear status an actor armed or receiving
    /// technology reaches (`PRK nuclear ≥ global`), and, where the scenario names blocs, each
    /// actor's leaning toward each (`CHN aligned with RUS–CHN–PRK`) and whether the blocs formed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub standing: BTreeMap<String, Paired>,
}

impl Comparison {
    /// The mean ratio of independent to paired interval widths over the headline outcomes on
    /// which the arms differ in some run: how much the common random numbers narrow the intervals.
    pub fn narrowing(&self) -> Option<f64> {
        let ratios: Vec<f64> = self
            .highest_at_least
            .iter()
            .chain(self.at_war.values())
            .filter(|p| p.only_a + p.only_b > 0)
            .map(|p| p.difference(self.runs))
            .map(|d| d.independent_half_width / ((d.hi - d.lo) / 2.0))
            .collect();
        (!ratios.is_empty()).then(|| ratios.iter().sum::<f64>() / ratios.len() as f64)
    }
}

/// The names two arms are compared on that every run has (actors at war, obligations triggered
/// and honoured), each with its position in the union of both arms' names, sorted: built once per
/// comparison, so that each run is tallied by position rather than by building maps of names
/// (15,000 obligations a run in `world_2018`).
pub(crate) struct Names {
    /// Actor ids, then for each arm each actor's position among them.
    actors: (Vec<String>, [Vec<usize>; 2]),
    /// Obligation labels, then for each arm each directed obligation's position among them.
    obligations: (Vec<String>, [Vec<usize>; 2]),
}

impl Names {
    pub(crate) fn new(a: &World, b: &World) -> Self {
        let actors = |w: &World| w.actors.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        let obligations = |w: &World| {
            w.obligations
                .iter()
                .map(|ob| label(w, ob))
                .collect::<Vec<_>>()
        };
        Names {
            actors: positions([actors(a), actors(b)]),
            obligations: positions([obligations(a), obligations(b)]),
        }
    }
}

/// The sorted union of two arms' lists of names, and each arm's names' positions in it.
fn positions(arms: [Vec<String>; 2]) -> (Vec<String>, [Vec<usize>; 2]) {
    let union: Vec<String> = arms
        .iter()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let at = arms.map(|names| {
        names
            .iter()
            .map(|n| union.binary_search(n).expect("in the union"))
            .collect()
    });
    (union, at)
}

/// The counts of a set of paired runs, by position in [`Names`]: what each chunk of runs tallies,
/// turned into a [`Comparison`] at the end.
pub(crate) struct Tally<'n> {
    names: &'n Names,
    runs: u64,
    highest_at_least: Vec<Paired>,
    at_war: Vec<Paired>,
    triggered: Vec<Paired>,
    honoured: Vec<Paired>,
    standing: BTreeMap<String, Paired>,
    pathways: [PathwayCounts; 2],
    /// Per arm, whether each name holds in the run being counted (reused from run to run).
    flags: [Vec<bool>; 2],
}

impl<'n> Tally<'n> {
    pub(crate) fn new(names: &'n Names) -> Self {
        Tally {
            names,
            runs: 0,
            highest_at_least: vec![Paired::default(); Level::ALL.len()],
            at_war: vec![Paired::default(); names.actors.0.len()],
            triggered: vec![Paired::default(); names.obligations.0.len()],
            honoured: vec![Paired::default(); names.obligations.0.len()],
            standing: BTreeMap::new(),
            pathways: Default::default(),
            flags: Default::default(),
        }
    }

    /// Counts run `run` of arm A (`a` in world `wa`) and arm B.
    pub(crate) fn add(&mut self, run: u64, wa: &World, a: &Outcome, wb: &World, b: &Outcome) {
        self.runs += 1;
        for (k, paired) in self.highest_at_least.iter_mut().enumerate() {
            let level = Level::ALL[k];
            paired.add(a.highest >= level, b.highest >= level);
        }
        let (names, flags) = (self.names, &mut self.flags);
        fn at_war<'o>(o: &'o Outcome, at: &'o [usize]) -> impl Iterator<Item = usize> + 'o {
            (o.actor_highest.iter().enumerate())
                .filter(|(_, highest)| **highest >= Level::War)
                .map(|(i, _)| at[i])
        }
        fn fired<'o>(
            o: &'o Outcome,
            at: &'o [usize],
            honoured: bool,
        ) -> impl Iterator<Item = usize> + 'o {
            (o.triggers.iter())
                .filter(move |t| !honoured || t.honoured)
                .map(|t| at[t.obligation.index()])
        }
        let [at_a, at_b] = &names.actors.1;
        tally(&mut self.at_war, flags, at_war(a, at_a), at_war(b, at_b));
        let [at_a, at_b] = &names.obligations.1;
        for (into, honoured) in [(&mut self.triggered, false), (&mut self.honoured, true)] {
            tally(
                into,
                flags,
                fired(a, at_a, honoured),
                fired(b, at_b, honoured),
            );
        }
        pair_maps(&mut self.standing, standing(wa, a), standing(wb, b));
        self.pathways[0].add(run, &a.pathway);
        self.pathways[1].add(run, &b.pathway);
    }

    /// Adds another tally's counts, of other runs: the same in any grouping.
    pub(crate) fn merge(&mut self, other: &Tally<'_>) {
        self.runs += other.runs;
        for (mine, theirs) in [
            (&mut self.highest_at_least, &other.highest_at_least),
            (&mut self.at_war, &other.at_war),
            (&mut self.triggered, &other.triggered),
            (&mut self.honoured, &other.honoured),
        ] {
            mine.iter_mut().zip(theirs).for_each(|(m, t)| m.merge(t));
        }
        for (k, v) in &other.standing {
            self.standing.entry(k.clone()).or_default().merge(v);
        }
        for (mine, theirs) in self.pathways.iter_mut().zip(&other.pathways) {
            mine.merge(theirs);
        }
    }

    /// The counts by name (none before the first run).
    pub(crate) fn into_comparison(self) -> Comparison {
        if self.runs == 0 {
            return Comparison::default();
        }
        let named = |names: &[String], counts: Vec<Paired>| -> BTreeMap<String, Paired> {
            names.iter().cloned().zip(counts).collect()
        };
        Comparison {
            runs: self.runs,
            highest_at_least: self.highest_at_least,
            at_war: named(&self.names.actors.0, self.at_war),
            triggered: named(&self.names.obligations.0, self.triggered),
            honoured: named(&self.names.obligations.0, self.honoured),
            pathways: self.pathways,
            standing: self.standing,
        }
    }
}

/// Counts one paired run of yes/no outcomes by position: `a` and `b` give the positions at which
/// each arm's outcome holds; `flags` is room for each arm's, reused.
fn tally(
    into: &mut [Paired],
    flags: &mut [Vec<bool>; 2],
    a: impl Iterator<Item = usize>,
    b: impl Iterator<Item = usize>,
) {
    for flags in flags.iter_mut() {
        flags.clear();
        flags.resize(into.len(), false);
    }
    a.for_each(|k| flags[0][k] = true);
    b.for_each(|k| flags[1][k] = true);
    for (k, paired) in into.iter_mut().enumerate() {
        paired.add(flags[0][k], flags[1][k]);
    }
}

/// A run's standing at its end, by name ([`Comparison::standing`]).
fn standing(w: &World, o: &Outcome) -> BTreeMap<String, bool> {
    use crate::scenario::{NuclearStatus, TransferKind};
    let mut m = BTreeMap::new();
    for a in w.actor_ixs() {
        let receives = w.transfers.iter().any(|t| {
            t.to == a
                && matches!(
                    t.kind,
                    TransferKind::MissileTechnology | TransferKind::NuclearTechnology
                )
        });
        if !receives && !w.actors[a].nuclear.is_armed() {
            continue;
        }
        let last = o.final_nuclear.get(a.index()).copied().unwrap_or_default();
        for status in &NuclearStatus::ALL[1..] {
            let name = format!("{} nuclear ≥ {}", w.actors[a].id, status.name());
            m.insert(name, last >= *status);
        }
    }
    if let (Some(info), Some(end)) = (
        &w.alignment,
        o.alignment.as_ref().and_then(|r| r.checkpoints.last()),
    ) {
        let blocs = info.blocs.len();
        let name = |b: usize| {
            info.blocs[b]
                .iter()
                .map(|&x| w.actors[x].id.as_str())
                .collect::<Vec<_>>()
                .join("–")
        };
        for a in w.actor_ixs() {
            for b in 0..blocs {
                let lean = end.leaning[a.index() * blocs + b];
                let id = &w.actors[a].id;
                m.insert(format!("{id} aligned with {}", name(b)), lean > 0);
                m.insert(format!("{id} opposed to {}", name(b)), lean < 0);
            }
        }
        if blocs >= 2 {
            m.insert("blocs formed".to_owned(), end.formed);
        }
    }
    m
}

/// An obligation's name across arms: `treaty/clause holder>partner`.
fn label(w: &World, ob: &crate::engine::DirectedObligation) -> String {
    format!(
        "{} {}>{}",
        w.clause_name(ob.clause),
        w.actors[ob.holder].id,
        w.actors[ob.partner].id
    )
}

/// Pairs two name → flag maps; a name absent from one arm counts as false there.
fn pair_maps(
    into: &mut BTreeMap<String, Paired>,
    a: BTreeMap<String, bool>,
    b: BTreeMap<String, bool>,
) {
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        let flag = |m: &BTreeMap<String, bool>| m.get(name).copied().unwrap_or(false);
        into.entry(name.clone())
            .or_default()
            .add(flag(&a), flag(&b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn paired(both: u64, only_a: u64, only_b: u64) -> Paired {
        Paired {
            both,
            only_a,
            only_b,
        }
    }

    /// The 95 % interval covers the true difference in about 95 % of samples, for paired
    /// outcomes that are strongly correlated (as common random numbers make them), weakly so,
    /// and rare.
    #[test]
    fn the_interval_covers_the_true_difference_95_times_in_100() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        // (both, only A, only B) probabilities of each run.
        for (p_both, p_a, p_b) in [(0.3, 0.02, 0.05), (0.2, 0.15, 0.1), (0.0, 0.01, 0.02)] {
            let truth = p_b - p_a;
            let samples = 4_000;
            let covered = (0..samples)
                .filter(|_| {
                    let mut p = Paired::default();
                    for _ in 0..300 {
                        let x: f64 = rng.random();
                        p.add(
                            x < p_both + p_a,
                            x < p_both || (p_both + p_a..p_both + p_a + p_b).contains(&x),
                        );
                    }
                    let d = p.difference(300);
                    d.lo <= truth && truth <= d.hi
                })
                .count() as f64
                / samples as f64;
            assert!(
                (0.93..=0.975).contains(&covered),
                "({p_both}, {p_a}, {p_b}): coverage {covered}"
            );
        }
    }

    #[test]
    fn certain_and_impossible_outcomes_keep_an_interval_inside_the_bounds() {
        let d = paired(4_000, 0, 0).difference(4_000);
        assert_eq!(d.delta, 0.0);
        assert!(d.lo < 0.0 && d.hi > 0.0 && d.hi < 0.002, "{d:?}");
        let d = paired(0, 4_000, 0).difference(4_000);
        assert_eq!((d.delta, d.lo), (-1.0, -1.0));
        assert!(d.hi > -1.0 && d.hi < -0.99, "{d:?}");
        let d = paired(0, 0, 0).difference(10);
        assert!(
            d.lo < 0.0 && d.hi > 0.0 && d.lo >= -1.0 && d.hi <= 1.0,
            "{d:?}"
        );
    }
}
