//! The calibration targets of docs/MODEL.md §4 with the default parameters. Each runs enough runs
//! for its tolerance to be several standard errors wide, and no more.

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

/// MID median duration 40 days (at most 3 monthly steps); disputes that reach war, 284 days
/// (6–12 steps).
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
        (6..=12).contains(&war),
        "median duration of wars {war} steps"
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
