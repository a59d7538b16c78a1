//! The calibration targets of docs/MODEL.md §4 with the default parameters. Each runs enough runs
//! for its tolerance to be several standard errors wide, and no more.

use std::collections::{BTreeMap, BTreeSet};

use casus::engine::{LiftReason, Outcome, Simulation, World};
use casus::model::Level;

fn outcomes(file: &str, runs: u64) -> (World, Vec<Outcome>) {
    let scenario = casus::scenario::load(file).unwrap();
    let world = World::new(&scenario).unwrap();
    let outcomes = (0..runs)
        .map(|r| Simulation::new(&world, 1, r).run_to_end(&mut ()))
        .collect();
    (world, outcomes)
}

fn median(mut values: Vec<usize>) -> usize {
    values.sort_unstable();
    values[values.len() / 2]
}

/// COW MID v5.0, 1946–2014: highest level threat 2.1 %, display 27.1 %, force 69.2 %, war 1.7 %,
/// each within ±3 points; 20,000 runs give a standard error under 0.33 points.
#[test]
fn a_generic_dispute_reproduces_the_mid_highest_level_distribution() {
    let runs = 20_000;
    let (_, outcomes) = outcomes("scenarios/two_actor_dispute.json", runs);
    let share =
        |level: Level| outcomes.iter().filter(|o| o.highest == level).count() as f64 / runs as f64;
    for (level, target) in [
        (Level::Threat, 0.021),
        (Level::Display, 0.271),
        (Level::Force, 0.692),
        (Level::War, 0.017),
    ] {
        let got = share(level);
        assert!(
            (got - target).abs() <= 0.03,
            "{level}: {got:.4} against {target}"
        );
    }
    assert_eq!(
        share(Level::NuclearLimited) + share(Level::NuclearCentral),
        0.0,
        "no nuclear member"
    );
}

/// MID median duration 40 days (at most 3 monthly steps). Disputes between two equal states that
/// reach war: the record's comparable wars, the 36 MID wars of two states whose sides' capabilities
/// were more even than the median war's, lasted a median of 11.8 months, with a 95 % interval for
/// the median of 6.7 to 20.2 (order statistics); the model's must lie within 7–20 steps
/// (docs/MODEL.md §3.4).
#[test]
fn dispute_durations_match_the_mid_medians() {
    let (_, outcomes) = outcomes("scenarios/two_actor_dispute.json", 20_000);
    let steps = |o: &Outcome| {
        o.level_by_step
            .iter()
            .filter(|l| **l > Level::Peace)
            .count()
    };
    let all = median(outcomes.iter().map(steps).collect());
    assert!(all <= 3, "median duration {all} steps");
    let wars: Vec<usize> = outcomes
        .iter()
        .filter(|o| o.highest >= Level::War)
        .map(steps)
        .collect();
    assert!(wars.len() > 200, "{} wars", wars.len());
    let war = median(wars);
    assert!(
        (7..=20).contains(&war),
        "median duration of wars {war} steps"
    );
}

/// The months each MID dispute that reached war lasted (the midpoint of its shortest and longest
/// duration in days, over 30.44), from the bundled COW MID 5 dispute table.
fn mid_war_months() -> Vec<f64> {
    let mut rows = csv::Reader::from_path("scenarios/data/mid_disputes_1816_2014.csv").unwrap();
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (hostlev, mindur, maxdur) = (col("hostlev"), col("mindur"), col("maxdur"));
    rows.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[hostlev] == "5")
        .filter_map(|r| {
            let (lo, hi): (f64, f64) = (r[mindur].parse().ok()?, r[maxdur].parse().ok()?);
            (lo >= 0.0 && hi >= 0.0).then(|| (lo + hi) / 2.0 / 30.44)
        })
        .collect()
}

/// Each MID dispute that reached war: the months it lasted (as `mid_war_months`), the states that
/// fought in it at the use of force or above (MID hostility 4–5), and the balance of the two sides'
/// capabilities, the weaker side's CINC over the stronger's in its first year (each at least 10⁻⁴).
fn mid_wars() -> Vec<(f64, usize, f64)> {
    fn table(name: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut rows = csv::Reader::from_path(format!("scenarios/data/{name}")).unwrap();
        let header = rows.headers().unwrap().clone();
        (header, rows.records().map(|r| r.unwrap()).collect())
    }
    let col = |h: &csv::StringRecord, name: &str| h.iter().position(|x| x == name).unwrap();
    let (h, rows) = table("cow_nmc_1816_2022.csv");
    let cinc: BTreeMap<(&str, &str), f64> = rows
        .iter()
        .map(|r| {
            let c = |n| &r[col(&h, n)];
            ((c("ccode"), c("year")), c("cinc").parse().unwrap_or(0.0))
        })
        .collect();
    let (h, rows) = table("mid_directed_dispute_years_1816_2014.csv");
    let mut sides: BTreeMap<&str, [BTreeSet<&str>; 2]> = BTreeMap::new();
    for r in &rows {
        let c = |n| &r[col(&h, n)];
        if c("hostlev1").parse::<i32>().unwrap() >= 4 {
            let side = usize::from(c("sidea1") != "1");
            sides.entry(c("dispnum")).or_default()[side].insert(c("ccode1"));
        }
    }
    let (h, disputes) = table("mid_disputes_1816_2014.csv");
    disputes
        .iter()
        .filter(|r| &r[col(&h, "hostlev")] == "5")
        .map(|r| {
            let c = |n| &r[col(&h, n)];
            let days = |n| c(n).parse::<f64>().unwrap();
            let sides = sides.get(c("dispnum")).cloned().unwrap_or_default();
            let capability = |s: &BTreeSet<&str>| {
                s.iter()
                    .map(|&state| cinc.get(&(state, c("styear"))).copied().unwrap_or(0.0))
                    .sum::<f64>()
                    .max(1e-4)
            };
            let (a, b) = (capability(&sides[0]), capability(&sides[1]));
            (
                (days("mindur") + days("maxdur")) / 2.0 / 30.44,
                sides[0].len() + sides[1].len(),
                a.min(b) / a.max(b),
            )
        })
        .collect()
}

/// The months a war among `k` states (at least two) lasts, one per run: two begin it at war at step
/// 0 and the others declare war at once, on alternate sides; side A holds capability 1 and side B
/// `balance`, shared equally among each side's states; no other disputes.
fn simulated_war_months(k: usize, balance: f64, runs: u64, set: &[&str]) -> Vec<f64> {
    let k = k.max(2);
    let side = |i: usize| if i < 2 { i } else { 1 - i % 2 };
    let members = [0, 1].map(|s| (0..k).filter(|&i| side(i) == s).count() as f64);
    let actors: Vec<_> = (0..k)
        .map(|i| {
            let total = [1.0, balance][side(i)];
            serde_json::json!({"id": format!("S{i}"), "name": format!("S{i}"),
                               "capability": total / members[side(i)]})
        })
        .collect();
    let mut events =
        vec![serde_json::json!({"kind": "attack", "by": "S0", "on": "S1", "at": 0, "level": 5})];
    for i in 2..k {
        let on = ["S1", "S0"][i % 2];
        events
            .push(serde_json::json!({"kind": "declare", "by": format!("S{i}"), "on": on, "at": 0}));
    }
    let text = serde_json::json!({
        "casus": 1, "name": "war", "step": "month", "steps": 120,
        "actors": actors, "events": events, "parameters": {"onset_rate": 0.0}
    })
    .to_string();
    let set: Vec<casus::scenario::Override> = set.iter().map(|s| s.parse().unwrap()).collect();
    let world = World::new(&casus::scenario::parse_with(&text, "war", &set).unwrap()).unwrap();
    (0..runs)
        .map(|r| {
            let mut sim = Simulation::new(&world, 1, r);
            while !sim.is_finished() {
                sim.step(&mut ());
            }
            let war = &sim.conflicts()[0];
            f64::from(war.ended.unwrap_or(120) - war.started) + 1.0
        })
        .collect()
}

/// Wars endure as the record's did (docs/MODEL.md §3.4): each of the 106 MID disputes that reached
/// war (1816–2014) is simulated 200 times, begun at war with its own number of states and balance
/// of capabilities. Grouped by the states that fought (two or fewer, three to five, six or more)
/// and by balance (above or below the median), each group's share lasting at least 12, 24, 36 and
/// 48 months is within twice the record's standard error, and so is the share of the wars that
/// lasted 29 months that lasted 16 more. Without the terms for the states fighting and their
/// balance (`war_belligerents`, `war_imbalance` 0), some group fails.
#[test]
fn wars_endure_as_mid_wars_did() {
    let record = mid_wars();
    assert_eq!(record.len(), 106);
    let mut balances: Vec<f64> = record.iter().map(|w| w.2).collect();
    balances.sort_by(f64::total_cmp);
    let median = balances[balances.len() / 2];
    let groups = |n: usize, balance: f64| {
        let size = match n {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        [size, if balance >= median { 3 } else { 4 }]
    };
    const NAMES: [&str; 5] = ["2 states", "3-5", "6+", "even", "uneven"];
    let share =
        |xs: &[f64], t: f64| xs.iter().filter(|&&m| m >= t).count() as f64 / xs.len() as f64;
    let misses = |set: &[&str]| {
        let mut model: [Vec<f64>; 5] = Default::default();
        let mut mid: [Vec<f64>; 5] = Default::default();
        for &(months, n, balance) in &record {
            let simulated = simulated_war_months(n, balance, 200, set);
            for g in groups(n, balance) {
                model[g].extend(&simulated);
                mid[g].push(months);
            }
        }
        let mut misses = Vec::new();
        let mut check = |what: String, p: f64, q: f64, cases: f64| {
            let tolerance = 2.0 * (q * (1.0 - q) / cases).sqrt();
            eprintln!("{set:?} {what}: model {p:.3}, MID {q:.3} ± {tolerance:.3}");
            if (p - q).abs() > tolerance {
                misses.push(what);
            }
        };
        for g in 0..5 {
            for t in [12.0, 24.0, 36.0, 48.0] {
                let what = format!("{} ({} wars) lasting {t} months", NAMES[g], mid[g].len());
                check(
                    what,
                    share(&model[g], t),
                    share(&mid[g], t),
                    mid[g].len() as f64,
                );
            }
        }
        let median = |xs: &[f64]| {
            let mut xs = xs.to_vec();
            xs.sort_by(f64::total_cmp);
            (xs[(xs.len() - 1) / 2] + xs[xs.len() / 2]) / 2.0
        };
        for g in 0..5 {
            eprintln!(
                "{set:?} {}: median months, model {:.1}, MID {:.1}",
                NAMES[g],
                median(&model[g]),
                median(&mid[g])
            );
        }
        let all: Vec<f64> = model[3].iter().chain(&model[4]).copied().collect();
        let months: Vec<f64> = record.iter().map(|w| w.0).collect();
        let conditional = |xs: &[f64]| share(xs, 45.0) / share(xs, 29.0);
        check(
            "of wars that lasted 29 months, lasting 16 more".into(),
            conditional(&all),
            conditional(&months),
            share(&months, 29.0) * months.len() as f64,
        );
        misses
    };
    assert_eq!(misses(&[]), Vec::<String>::new());
    assert!(
        !misses(&[
            "parameters.war_belligerents=0",
            "parameters.war_imbalance=0"
        ])
        .is_empty()
    );
}

/// The Ukraine war, 29 months old when `northeast_asia_2024` begins (July 2024), is still at war 16
/// months later (November 2025) in a share of runs within the record's sampling error of the share
/// of MID wars that, having lasted 29 months, lasted 16 more (12 of 20): two standard errors of the
/// difference, the record's and the model's sampling errors both counted. The model sits near the
/// band's upper edge (about 0.816 over five seeds of 4,000 runs, against 0.819).
#[test]
fn the_ukraine_war_goes_on_as_long_wars_did() {
    let record = mid_war_months();
    let lasted = |t: f64| record.iter().filter(|&&m| m >= t).count() as f64;
    let (cases, mid) = (lasted(29.0), lasted(45.0) / lasted(29.0));
    let world =
        World::new(&casus::scenario::load("scenarios/northeast_asia_2024.json").unwrap()).unwrap();
    let runs = 20_000;
    let mut at_war = 0;
    for r in 0..runs {
        let mut sim = Simulation::new(&world, 1, r);
        while sim.current_step() <= 16 {
            sim.step(&mut ());
        }
        let ukraine = &sim.conflicts()[0];
        at_war += usize::from(ukraine.is_active() && ukraine.level >= Level::War);
    }
    let model = at_war as f64 / runs as f64;
    let tolerance = 2.0 * (mid * (1.0 - mid) / cases + model * (1.0 - model) / runs as f64).sqrt();
    eprintln!(
        "Ukraine war at war in November 2025: model {model:.3}, MID {mid:.3} ± {tolerance:.3}"
    );
    assert!(
        (model - mid).abs() <= tolerance,
        "{model:.3} against {mid:.3} ± {tolerance:.3}"
    );
}

/// Defense obligations honoured 41 % of the time (Berkemeier & Fuhrmann 2018), with neutral stances
/// and equal capabilities; 20,000 runs give a standard error of 0.35 points.
#[test]
fn a_neutral_equal_holder_honours_defense_at_the_published_rate() {
    let runs = 20_000;
    let (_, outcomes) = outcomes("scenarios/honouring_calibration.json", runs);
    let mut decided = 0;
    let mut honoured = 0;
    for o in &outcomes {
        assert_eq!(o.triggers.len(), 1);
        decided += 1;
        honoured += usize::from(o.triggers[0].honoured);
        assert!((o.triggers[0].probability - 0.41).abs() < 1e-12);
    }
    let rate = honoured as f64 / decided as f64;
    assert!((rate - 0.41).abs() < 0.015, "honoured {rate:.4}");
}

/// Sanctions episodes succeed between 5 % (Pape 1997) and 34 % (Hufbauer, Schott & Elliott 2007).
#[test]
fn sanctions_episodes_succeed_between_pape_and_hse() {
    let runs = 20_000;
    let (_, outcomes) = outcomes("scenarios/sanctions_episode.json", runs);
    let complied = |o: &Outcome| matches!(o.sanctions[0].lifted, Some((_, LiftReason::Compliance)));
    let rate = outcomes.iter().filter(|o| complied(o)).count() as f64 / runs as f64;
    assert!(
        (0.05..=0.34).contains(&rate),
        "standard episode success {rate:.4}"
    );

    let set = ["sanctions.episode.intensity=1".parse().unwrap()];
    let scenario = casus::scenario::load_with("scenarios/sanctions_episode.json", &set).unwrap();
    let world = World::new(&scenario).unwrap();
    let full = (0..runs)
        .filter(|&r| complied(&Simulation::new(&world, 1, r).run_to_end(&mut ())))
        .count() as f64
        / runs as f64;
    assert!(
        full > rate && full <= 0.34,
        "full-intensity success {full:.4}"
    );
}
