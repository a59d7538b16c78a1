//! Synthetic worlds shaped like the real international system, for benchmarks and for studying
//! how results depend on the shape of the alliance network (docs/MODEL.md §9).
//!
//! ```
//! let shape = casus::generate::Shape { actors: 50, treaties: 100, seed: 7, steps: 120 };
//! let world = casus::generate::world(&shape).unwrap();
//! assert_eq!((world.actors.len(), world.treaties.len()), (50, 100));
//! assert_eq!(world, casus::generate::world(&shape).unwrap(), "deterministic for a seed");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::import::{
    CONTINENTS, HIGH_SEAS, OBLIGATIONS, obligation, stances, treaty, world_regions,
};
use crate::scenario::{
    Actor, Dyad, MonteCarloDefaults, Objective, Parameters, Reach, SanctionRegime, Scenario,
    StepUnit, Support,
};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of states, at least 2.
    pub actors: usize,
    /// Number of treaties.
    pub treaties: usize,
    /// Seed of the generator's ChaCha8 stream.
    pub seed: u64,
    /// Steps (months) a run lasts.
    pub steps: u32,
}

/// Why a shape cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// Fewer than two actors.
    #[error("--actors {0}: a world needs at least 2 actors")]
    TooFewActors(usize),
    /// More actors or treaties than a scenario may hold.
    #[error("{what} {value}: at most {limit}")]
    TooLarge {
        /// The option.
        what: &'static str,
        /// Its value.
        value: usize,
        /// The largest allowed.
        limit: usize,
    },
}

/// The largest world `generate` builds (the engine's stance matrix is actors²).
pub const MAX_ACTORS: usize = 5_000;
/// The most treaties `generate` builds.
pub const MAX_TREATIES: usize = 50_000;

/// States per COW region in 2016 (Americas, Europe, Africa, Middle East, Asia and Oceania), from
/// scenarios/data/cow_states_2016.csv.
const CONTINENT_STATES: [usize; 5] = [35, 48, 53, 15, 44];

/// Zipf exponent of capability by rank: 1.2 gives the top five 53 % of the total and the top one
/// 26 %, against 52 % and 23 % in COW CINC (latest year, 195 states).
const CAPABILITY_EXPONENT: f64 = 1.2;

/// The share of nuclear states: 9 of 195 in 2018 (SIPRI Yearbook 2018).
const NUCLEAR_SHARE: f64 = 9.0 / 195.0;

/// Treaty obligation types, as indices of `OBLIGATIONS` (defense, offense, neutrality,
/// non-aggression, consultation), with how often each combination occurs among the bilateral and
/// the multilateral treaties of scenarios/world_2018.json (624 and 53 treaties).
const BILATERAL_KINDS: [(&[usize], u32); 10] = [
    (&[3], 297),
    (&[0, 4], 127),
    (&[0], 82),
    (&[4], 39),
    (&[3, 4], 23),
    (&[2], 23),
    (&[0, 3], 21),
    (&[2, 4], 7),
    (&[0, 3, 4], 4),
    (&[2, 3, 4], 1),
];
const MULTILATERAL_KINDS: [(&[usize], u32); 6] = [
    (&[3], 15),
    (&[4], 15),
    (&[0], 11),
    (&[2], 7),
    (&[0, 4], 4),
    (&[0, 3, 4], 1),
];

/// The share of multilateral treaties (53 of 677 in scenarios/world_2018.json) and their sizes
/// there, for 195 states; they scale with the number of actors.
const MULTILATERAL_SHARE: f64 = 53.0 / 677.0;
const MULTILATERAL_SIZES: [usize; 18] =
    [3, 3, 3, 3, 3, 3, 3, 4, 6, 7, 8, 12, 17, 20, 26, 29, 33, 53];

/// The largest multilateral bloc: the scaled sizes stop growing here, as real blocs do.
const MAX_BLOC: usize = 100;

/// MID dyads per state (646 among 195 states, 1946–2014) and their mean onset rate per year.
const RIVALRIES_PER_STATE: f64 = 646.0 / 195.0;
const MEAN_ONSET_RATE: f64 = 0.065;

/// Builds a world of `shape.actors` states and `shape.treaties` treaties, the same for the same
/// shape (docs/MODEL.md §9):
///
/// - states spread over the five COW regions in their 2016 proportions, each with its own territory
///   region; capability by a Zipf law fitted to CINC; the most capable 4.6 % nuclear;
/// - treaties bilateral or, 7.8 % of them, multilateral blocs of one region with, half the time, a
///   great power from outside as patron; obligation types drawn from the combinations in the ATOP
///   2018 network; bilateral partners in the same region two times in three;
/// - rivalries, 3.3 per state as in the MID record, half within a region and half involving one of
///   the ten most capable states, with onset rates drawn from an exponential law of mean 0.065 a
///   year; disputes between regions take place on the high seas;
/// - stances by the importer's rule (§8); one sanction regime per 40 states, by the three most
///   capable states against a rival of the first.
pub fn world(shape: &Shape) -> Result<Scenario, GenerateError> {
    let n = shape.actors;
    if n < 2 {
        return Err(GenerateError::TooFewActors(n));
    }
    for (what, value, limit) in [
        ("--actors", n, MAX_ACTORS),
        ("--treaties", shape.treaties, MAX_TREATIES),
    ] {
        if value > limit {
            return Err(GenerateError::TooLarge { what, value, limit });
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(shape.seed);
    let command = format!(
        "casus generate --actors {n} --treaties {} --seed {} --steps {}",
        shape.treaties, shape.seed, shape.steps
    );

    // Regions, by largest remainder of the 2016 proportions.
    let total: usize = CONTINENT_STATES.iter().sum();
    let mut counts: Vec<usize> = CONTINENT_STATES.iter().map(|&c| c * n / total).collect();
    let mut remainders: Vec<(usize, usize)> = CONTINENT_STATES
        .iter()
        .enumerate()
        .map(|(k, &c)| (c * n % total, k))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, k) in remainders.iter().take(n - counts.iter().sum::<usize>()) {
        counts[k] += 1;
    }
    let continent: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(k, &c)| std::iter::repeat_n(k, c))
        .collect();
    let members_of: Vec<Vec<usize>> = (0..CONTINENTS.len())
        .map(|k| (0..n).filter(|&i| continent[i] == k).collect())
        .collect();

    // Capability ranks, shuffled over the states.
    let mut rank: Vec<usize> = (0..n).collect();
    rank.shuffle(&mut rng);
    let weight = |r: usize| (r as f64 + 1.0).powf(-CAPABILITY_EXPONENT);
    let sum: f64 = (0..n).map(weight).sum();
    let capability: Vec<f64> = rank.iter().map(|&r| round6(weight(r) / sum)).collect();
    let mut by_rank: Vec<usize> = (0..n).collect();
    by_rank.sort_by_key(|&i| rank[i]);
    let nuclear_count = ((n as f64 * NUCLEAR_SHARE).round() as usize).max(1);
    let great = &by_rank[..n.min(10)];

    let width = n.to_string().len().max(3);
    let ids: Vec<String> = (0..n).map(|i| format!("S{:0width$}", i + 1)).collect();
    let regions = world_regions((0..n).map(|i| (ids[i].to_ascii_lowercase(), None, continent[i])));
    let actors: Vec<Actor> = (0..n)
        .map(|i| Actor {
            reach: Reach::Global,
            voluntary_entry: None,
            id: ids[i].clone(),
            name: format!("State {}", i + 1),
            capability: capability[i],
            economy: None,
            nuclear: (rank[i] < nuclear_count).into(),
            regions: Some(vec![ids[i].to_ascii_lowercase()]),
            max_support: Support::Lethal,
            source: Some(format!(
                "Synthetic: capability rank {} of {n} (Zipf exponent {CAPABILITY_EXPONENT}).",
                rank[i] + 1
            )),
        })
        .collect();

    // Treaties.
    let mut treaties = Vec::with_capacity(shape.treaties);
    let mut held: Vec<BTreeSet<(usize, usize)>> = vec![BTreeSet::new(); OBLIGATIONS.len()];
    for t in 0..shape.treaties {
        let multilateral = n >= 3 && rng.random::<f64>() < MULTILATERAL_SHARE;
        let (members, kinds) = if multilateral {
            let size = MULTILATERAL_SIZES[rng.random_range(0..MULTILATERAL_SIZES.len())];
            let size = ((size * n).div_ceil(195)).clamp(3, n).min(MAX_BLOC);
            let home = members_of
                .choose_weighted(&mut rng, Vec::len)
                .expect("some region has states");
            let mut members = sample(home, size.min(home.len()), &mut rng);
            if rng.random::<f64>() < 0.5 {
                let patron = great[rng.random_range(0..great.len())];
                if !members.contains(&patron) {
                    members.push(patron);
                }
            }
            while members.len() < 2 {
                let other = rng.random_range(0..n);
                if !members.contains(&other) {
                    members.push(other);
                }
            }
            (members, draw_kinds(&MULTILATERAL_KINDS, &mut rng))
        } else {
            let a = rng.random_range(0..n);
            let local = &members_of[continent[a]];
            let b = loop {
                let b = if local.len() > 1 && rng.random::<f64>() < 2.0 / 3.0 {
                    local[rng.random_range(0..local.len())]
                } else {
                    rng.random_range(0..n)
                };
                if b != a {
                    break b;
                }
            };
            (vec![a, b], draw_kinds(&BILATERAL_KINDS, &mut rng))
        };
        let mut members = members;
        members.sort_unstable();
        for &k in kinds {
            for &a in &members {
                for &b in &members {
                    if a != b {
                        held[k].insert((a, b));
                    }
                }
            }
        }
        let names: Vec<&str> = kinds.iter().map(|&k| OBLIGATIONS[k].1).collect();
        treaties.push(treaty(
            format!("t{:0w$}", t + 1, w = shape.treaties.to_string().len()),
            format!("{} pact of {} states", names.join(", "), members.len()),
            members.iter().map(|&i| ids[i].clone()).collect(),
            kinds
                .iter()
                .map(|&k| {
                    obligation(
                        k,
                        None,
                        "Synthetic: type drawn from the ATOP 2018 combinations.".into(),
                    )
                })
                .collect(),
            format!("Synthetic: {command}."),
        ));
    }

    // Rivalries.
    let wanted = ((n as f64 * RIVALRIES_PER_STATE).round() as usize).min(n * (n - 1) / 2);
    let mut dispute_rate: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut attempts = 0;
    while dispute_rate.len() < wanted && attempts < 100 * wanted {
        attempts += 1;
        let a = if rng.random::<f64>() < 0.5 {
            great[rng.random_range(0..great.len())]
        } else {
            rng.random_range(0..n)
        };
        let local = &members_of[continent[a]];
        let b = if local.len() > 1 && rng.random::<f64>() < 0.5 {
            local[rng.random_range(0..local.len())]
        } else {
            rng.random_range(0..n)
        };
        if a == b || dispute_rate.contains_key(&(a.min(b), a.max(b))) {
            continue;
        }
        let rate = -MEAN_ONSET_RATE * (1.0 - rng.random::<f64>()).ln();
        dispute_rate.insert((a.min(b), a.max(b)), round6(rate));
    }
    let dyads: Vec<Dyad> = dispute_rate
        .iter()
        .map(|(&(a, b), &rate)| Dyad {
            between: [ids[a].clone(), ids[b].clone()],
            onset_rate: Some(rate),
            force_share: None,
            seizure_share: None,
            lethal_share: None,
            region: (continent[a] != continent[b]).then(|| HIGH_SEAS.to_owned()),
            source: Some(format!(
                "Synthetic: exponential onset rate, mean {MEAN_ONSET_RATE}/yr (COW MID mean)."
            )),
        })
        .collect();

    let stances = stances(
        &ids,
        &held,
        &dispute_rate,
        &BTreeSet::new(),
        "synthetic ties",
        "synthetic disputes",
    );

    // Sanctions: the three most capable against rivals of the first.
    let leader = by_rank[0];
    let senders: Vec<usize> = by_rank.iter().copied().take(3.min(n - 1)).collect();
    let rivals: Vec<usize> = dispute_rate
        .keys()
        .filter_map(|&(a, b)| match (a == leader, b == leader) {
            (true, _) => Some(b),
            (_, true) => Some(a),
            _ => None,
        })
        .filter(|r| !senders.contains(r))
        .collect();
    let regimes = (n / 40).min(rivals.len());
    let sanctions: Vec<SanctionRegime> = sample(&rivals, regimes, &mut rng)
        .into_iter()
        .enumerate()
        .map(|(r, target)| SanctionRegime {
            id: format!("s{}", r + 1),
            name: None,
            senders: senders.iter().map(|&i| ids[i].clone()).collect(),
            target: ids[target].clone(),
            intensity: round6(0.3 + 0.4 * rng.random::<f64>()),
            from: None,
            when: None,
            until: None,
            dormant: false,
            objective: Objective::PolicyChange,
            source: Some(format!(
                "Synthetic: the three most capable states against a rival of the first ({command})."
            )),
        })
        .collect();

    Ok(Scenario {
        schema: Some("casus.schema.json".into()),
        casus: crate::scenario::FORMAT_VERSION,
        name: format!("Synthetic world of {n} states"),
        description: Some(format!(
            "A synthetic international system of {n} states and {} treaties, shaped like the \
             real one (docs/MODEL.md §9). Built by `{command}`.",
            shape.treaties
        )),
        source: Some(format!(
            "Synthetic ({command}). Shape: COW 2016 regional proportions, a Zipf law fitted to \
             COW CINC, SIPRI 2018 nuclear share, ATOP 2018 treaty types and sizes (through \
             scenarios/world_2018.json), COW MID 1946-2014 dyads per state and mean rate."
        )),
        step: StepUnit::Month,
        start: None,
        steps: shape.steps,
        level_labels: None,
        regions,
        actors,
        stances,
        dyads,
        treaties,
        sanctions,
        transfers: Vec::new(),
        events: Vec::new(),
        parameters: Parameters::default(),
        monte_carlo: MonteCarloDefaults::default(),
    })
}

/// Rounds to six decimals, so that generated files stay short and read back exactly.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `k` distinct elements of `from`, in the order drawn.
fn sample(from: &[usize], k: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut pool = from.to_vec();
    let k = k.min(pool.len());
    pool.partial_shuffle(rng, k).0.to_vec()
}

/// A combination of obligation types, drawn by its weight in `table`.
fn draw_kinds(table: &[(&'static [usize], u32)], rng: &mut ChaCha8Rng) -> &'static [usize] {
    table
        .choose_weighted(rng, |&(_, weight)| weight)
        .expect("the tables have positive weights")
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worlds_validate_at_every_size_and_differ_by_seed() {
        for (actors, treaties) in [(2, 1), (3, 0), (10, 20), (50, 100), (200, 400)] {
            let shape = Shape {
                actors,
                treaties,
                seed: 1,
                steps: 120,
            };
            let s = world(&shape).unwrap();
            let text = crate::scenario::to_json(&s);
            let back = crate::scenario::parse(&text, "generated").unwrap();
            assert_eq!(back, s);
            assert_eq!((s.actors.len(), s.treaties.len()), (actors, treaties));
            let other = world(&Shape { seed: 2, ..shape }).unwrap();
            if actors >= 10 {
                assert_ne!(other, s);
            }
        }
    }

    #[test]
    fn the_shape_is_like_the_real_system() {
        let s = world(&Shape {
            actors: 195,
            treaties: 677,
            seed: 3,
            steps: 120,
        })
        .unwrap();
        let mut caps: Vec<f64> = s.actors.iter().map(|a| a.capability).collect();
        caps.sort_by(|a, b| b.total_cmp(a));
        let top5: f64 = caps[..5].iter().sum::<f64>() / caps.iter().sum::<f64>();
        assert!((0.5..0.56).contains(&top5), "{top5}");
        assert_eq!(
            s.actors.iter().filter(|a| a.nuclear.0.is_armed()).count(),
            9
        );
        assert_eq!(s.dyads.len(), 646);
        let multilateral = s.treaties.iter().filter(|t| t.members.len() > 2).count();
        assert!((30..80).contains(&multilateral), "{multilateral}");
        assert_eq!(s.sanctions.len(), 4);
    }

    #[test]
    fn bad_shapes_are_refused() {
        let shape = |actors, treaties| Shape {
            actors,
            treaties,
            seed: 0,
            steps: 12,
        };
        assert_eq!(world(&shape(1, 0)), Err(GenerateError::TooFewActors(1)));
        assert!(world(&shape(MAX_ACTORS + 1, 0)).is_err());
        assert!(world(&shape(10, MAX_TREATIES + 1)).is_err());
    }
}
