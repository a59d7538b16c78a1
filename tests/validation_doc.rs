//! The figures in docs/VALIDATION.md are what the commands it names print: each is recomputed here
//! and looked for in the document.

use casus::engine::World;
use casus::monte_carlo::{MonteCarlo, Proportion, Summary, Z95, wilson};
use casus::scenario::Override;

fn summary(file: &str, runs: u64, set: &[&str]) -> Summary {
    let set: Vec<Override> = set.iter().map(|s| s.parse().unwrap()).collect();
    let scenario = casus::scenario::load_with(file, &set).unwrap();
    let world = World::new(&scenario).unwrap();
    MonteCarlo::new(&world)
        .runs(runs)
        .seed(scenario.monte_carlo.seed)
        .run(&mut (), None)
        .unwrap()
}

fn pct(p: &Proportion) -> String {
    format!(
        "{:.1} % [{:.1}, {:.1}]",
        100.0 * p.p,
        100.0 * p.lo,
        100.0 * p.hi
    )
}

fn at_war(s: &Summary, actor: &str) -> String {
    pct(&s
        .results
        .actors
        .iter()
        .find(|a| a.actor == actor)
        .unwrap()
        .at_war)
}

#[test]
fn validation_figures_are_reproduced() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/VALIDATION.md"))
        .unwrap();
    let mut expected = Vec::new();

    let dispute = summary("scenarios/two_actor_dispute.json", 20_000, &[]);
    let runs = dispute.counts.runs;
    for level in 2..=5 {
        let x = dispute.counts.highest[level];
        let (lo, hi) = wilson(x, runs, Z95);
        expected.push(format!(
            "{:.1} % [{:.1}, {:.1}]",
            100.0 * x as f64 / runs as f64,
            100.0 * lo,
            100.0 * hi
        ));
    }
    let honour = summary("scenarios/honouring_calibration.json", 20_000, &[]);
    expected.push(pct(&honour.results.obligations[0].honoured_given_triggered));
    for set in [&[][..], &["sanctions.episode.intensity=1"][..]] {
        let s = summary("scenarios/sanctions_episode.json", 20_000, set);
        expected.push(pct(&s.results.regimes[0].compliance));
    }
    let all = ["parameters.honour_all=true"];
    let j_all = summary("scenarios/july_1914.json", 2_000, &all);
    let j = summary("scenarios/july_1914.json", 2_000, &[]);
    expected.extend([
        at_war(&j_all, "UKG"),
        at_war(&j, "UKG"),
        at_war(&j, "FRN"),
        at_war(&j_all, "TUR"),
        at_war(&j, "TUR"),
    ]);
    let s_all = summary("scenarios/september_1939.json", 2_000, &all);
    let s = summary("scenarios/september_1939.json", 2_000, &[]);
    expected.extend([at_war(&s_all, "UKG"), at_war(&s, "UKG")]);

    let missing: Vec<&String> = expected
        .iter()
        .filter(|e| !doc.contains(e.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/VALIDATION.md lacks these figures: {missing:?}"
    );
}
