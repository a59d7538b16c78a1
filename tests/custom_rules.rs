//! A custom rule reaches every analysis: the legalist honouring rule of `examples/custom_rule.rs`
//! changes a Monte Carlo run, a comparison and a sensitivity analysis exactly as running its
//! simulations by hand with that rule does, and the provenance names it.

#[path = "../examples/custom_rule.rs"]
mod custom_rule;

use casus::engine::{Outcome, Rules, Simulation, World};
use casus::model::Level;
use casus::monte_carlo::sensitivity::{Target, factors};

const RUNS: u64 = 300;

fn outcomes(world: &World, seed: u64, rules: &Rules) -> Vec<Outcome> {
    (0..RUNS)
        .map(|r| Simulation::with_rules(world, seed, r, rules.clone()).run_to_end(&mut ()))
        .collect()
}

/// Runs in which `clause` was honoured by `holder` at least once.
fn honoured(world: &World, outcomes: &[Outcome], clause: &str, holder: &str) -> u64 {
    outcomes
        .iter()
        .filter(|o| {
            o.triggers.iter().any(|t| {
                let ob = &world.obligations[t.obligation];
                t.honoured
                    && world.clause_name(ob.clause) == clause
                    && world.actors[ob.holder].id == holder
            })
        })
        .count() as u64
}

#[test]
fn a_custom_rule_reaches_run_compare_and_sensitivity() {
    let model = casus::compile("scenarios/northeast_asia_2024.json", &[]).unwrap();
    let without = model
        .with(&["without:treaties.rus_prk_2024".parse().unwrap()])
        .unwrap();
    let seed = model.scenario.monte_carlo.seed;
    let legalist = custom_rule::legalist();
    let by_hand = outcomes(&model.world, seed, &legalist);
    let by_default = outcomes(&model.world, seed, &Rules::default());
    let clause = ("us_rok_mdt/art3", "USA");
    let legalist_honoured = honoured(&model.world, &by_hand, clause.0, clause.1);
    let default_honoured = honoured(&model.world, &by_default, clause.0, clause.1);
    assert_ne!(legalist_honoured, default_honoured, "the rules differ here");

    // run
    let mc = model.monte_carlo().runs(RUNS).threads(2);
    let summary = mc
        .clone()
        .rules(legalist.clone())
        .run(&mut (), None)
        .unwrap();
    let art3 = summary
        .results
        .obligations
        .iter()
        .find(|o| o.clause == clause.0 && o.holder == clause.1)
        .unwrap();
    assert_eq!(art3.honoured_given_triggered.count, legalist_honoured);
    assert_eq!(
        summary.provenance.rules.as_deref(),
        Some(
            "escalation: casus::engine::rules::LogitEscalation, honouring: legalist (the treaty's reliability)"
        )
    );
    assert_eq!(mc.run(&mut (), None).unwrap().provenance.rules, None);

    // compare: arm A's honoured count is the rule's, in both arms' runs
    let comparison = mc
        .clone()
        .rules(legalist.clone())
        .compare(&without.world, &mut (), None)
        .unwrap();
    let paired = comparison.honoured["us_rok_mdt/art3 USA>ROK"];
    assert_eq!(paired.both + paired.only_a, legalist_honoured);
    let by_hand_b = outcomes(&without.world, seed, &legalist);
    assert_eq!(
        paired.both + paired.only_b,
        honoured(&without.world, &by_hand_b, clause.0, clause.1)
    );

    // sensitivity: the base probability is the rule's
    let plan: Vec<_> = factors(&model.scenario.parameters, 2.0)
        .into_iter()
        .filter(|f| f.parameter == "up_force")
        .collect();
    let target = Target::new(&model.world, Level::War, Some("USA")).unwrap();
    let usa = model.world.actor("USA").unwrap();
    let sensitivity = mc
        .clone()
        .rules(legalist)
        .sensitivity(&model.scenario, &plan, target, &mut (), None)
        .unwrap();
    let at_war = |os: &[Outcome]| {
        os.iter()
            .filter(|o| o.actor_highest[usa] >= Level::War)
            .count() as u64
    };
    assert_eq!(sensitivity.base.count, at_war(&by_hand));
    assert_ne!(
        at_war(&by_hand),
        at_war(&by_default),
        "the rules differ here too"
    );
}
