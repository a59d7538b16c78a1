//! One test (or a few) per phase of the step: scripted events, onset, escalation, support,
//! sanctions and stances, each in a small world built for it.

use casus::engine::{ActorIx, Event, Side, Simulation, World};
use casus::model::Level;
use casus::scenario::Support;
use serde_json::{Value, json};

/// A world of the given actors (id, capability, economy, max support) with the rest of the scenario
/// merged in; every dynamic is off unless `extra` turns it on.
fn world(actors: &[(&str, f64, f64, &str)], extra: Value) -> World {
    let actors: Vec<Value> = actors
        .iter()
        .map(|(id, c, e, s)| json!({"id": id, "name": id, "capability": c, "economy": e, "max_support": s}))
        .collect();
    let mut scenario = json!({
        "casus": 1, "name": "phase test", "step": "month", "steps": 24, "actors": actors,
        "parameters": {
            "onset_rate": 0.0, "voluntary_entry_rate": 0.0,
            "up_threat": 0.0, "up_display": 0.0, "up_force": 0.0, "up_war": 0.0, "up_nuclear": 0.0,
            "settle_threat": 0.0, "settle_display": 0.0, "settle_force": 0.0,
            "down_war": 0.0, "down_nuclear": 0.0, "down_past_peak": 0.0, "settle_past_peak": 0.0,
            "stance_reversion": 0.0, "stance_cobelligerent": 0.0, "stance_opposed": 0.0,
            "stance_balance": 0.0, "stance_sanctions": 0.0, "sanction_compliance_slope": 0.0,
            "sanction_stake": 10.0
        }
    });
    merge(&mut scenario, extra);
    let scenario = casus::scenario::from_value(&scenario, "test").unwrap_or_else(|e| panic!("{e}"));
    World::new(&scenario).unwrap()
}

/// Merges `extra` into `base`, objects key by key.
fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e,
    }
}

fn two() -> [(&'static str, f64, f64, &'static str); 2] {
    [("A", 1.0, 1.0, "lethal"), ("B", 1.0, 1.0, "lethal")]
}

fn start_step(w: &World, seed_run: u64) -> Option<u32> {
    let o = Simulation::new(w, 1, seed_run).run_to_end(&mut ());
    o.entries.first().map(|e| e.step)
}

#[test]
fn scripted_event_timings() {
    let attack = |timing: Value| {
        let mut e = json!({"kind": "attack", "by": "A", "on": "B"});
        merge(&mut e, timing);
        world(&two(), json!({"events": [e]}))
    };
    assert_eq!(start_step(&attack(json!({"at": 3})), 0), Some(3));
    assert_eq!(
        start_step(&attack(json!({"when": {"step": {"at_least": 5}}})), 0),
        Some(5)
    );
    assert_eq!(
        start_step(&attack(json!({"hazard": 1.0, "window": [6, 8]})), 0),
        Some(6)
    );
    assert_eq!(
        start_step(
            &attack(json!({"at": 2, "when": {"step": {"at_least": 5}}})),
            0
        ),
        None
    );
    let windowed = attack(json!({"probability": 1.0, "window": [2, 4]}));
    let steps: std::collections::BTreeSet<u32> =
        (0..40).filter_map(|r| start_step(&windowed, r)).collect();
    assert_eq!(steps, [2, 3, 4].into(), "uniform over the window");
    let never = attack(json!({"probability": 0.0, "window": [2, 4]}));
    assert!((0..40).all(|r| start_step(&never, r).is_none()));
}

#[test]
fn conditional_events_wait_for_their_condition() {
    // B strikes back only once A and B are at war.
    let w = world(
        &two(),
        json!({"events": [
            {"id": "first", "kind": "attack", "by": "A", "on": "B", "level": 4, "at": 1},
            {"id": "war", "kind": "attack", "by": "A", "on": "B", "level": 5, "at": 4},
            {"id": "answer", "kind": "attack", "by": "B", "on": "A", "level": 5, "when": {"at_war": ["A", "B"]}}
        ]}),
    );
    let mut events = Vec::new();
    let o = Simulation::new(&w, 1, 0).run_to_end(&mut events);
    let answer = events
        .iter()
        .find(|(_, e)| matches!(e, Event::Attack { attacker, .. } if *attacker == ix(1)))
        .map(|(s, _)| *s);
    assert_eq!(answer, Some(4), "the same step the war began, after it");
    assert_eq!(
        o.conflict_peaks,
        [Level::War],
        "the answer widens the same conflict"
    );
}

/// Onset at a dyad's rate: p = 1 − exp(−λΔt) per free step; each dispute (settled in the step after
/// it began) blocks the pair for one step, so a run of S steps expects S·p/(1 + p) disputes.
#[test]
fn onset_follows_the_dyad_rate_and_deterrence() {
    let rate = 1.2;
    let scenario = |defended: bool| {
        let mut extra = json!({
            "steps": 120,
            "stances": [{"between": ["A", "B"], "value": -0.5}],
            "dyads": [{"between": ["A", "B"], "onset_rate": rate}],
            "parameters": {"settle_threat": 1.0, "settle_display": 1.0, "settle_force": 1.0}
        });
        if defended {
            extra["treaties"] = json!([{"id": "pact", "members": ["A", "B", "C"], "obligations": [
                {"id": "d", "kind": "defense", "holder": "C"}]}]);
        }
        world(
            &[
                ("A", 1.0, 1.0, "none"),
                ("B", 1.0, 1.0, "none"),
                ("C", 1.0, 1.0, "none"),
            ],
            extra,
        )
    };
    let mean_disputes = |w: &World| {
        let runs = 2_000;
        let total: usize = (0..runs)
            .map(|r| {
                Simulation::new(w, 1, r)
                    .run_to_end(&mut ())
                    .conflict_peaks
                    .len()
            })
            .sum();
        total as f64 / runs as f64
    };
    let expected = |factor: f64| {
        let p = 1.0 - (-rate * factor / 12.0_f64).exp();
        120.0 * p / (1.0 + p)
    };
    let free = mean_disputes(&scenario(false));
    assert!(
        (free - expected(1.0)).abs() < 0.15,
        "{free} against {}",
        expected(1.0)
    );
    // Both A and B are defended by C, so either initiator faces deterrence 0.82.
    let deterred = mean_disputes(&scenario(true));
    assert!(
        (deterred - expected(0.82)).abs() < 0.15,
        "{deterred} against {}",
        expected(0.82)
    );
}

/// Onset draws only at candidate steps drawn at a bound on the pair's probability and accepts each
/// with the probability now over the bound (docs/MODEL.md §3.3): exact when the probability moves
/// during the run. Here a pair starts indifferent (not even live), turns wholly hostile at step 40
/// and half as hostile at step 80; the disputes of each stretch follow its own rate.
#[test]
fn onset_by_thinning_follows_a_rate_that_moves() {
    let w = world(
        &two(),
        json!({
            "steps": 120,
            "events": [
                {"kind": "stance", "between": ["A", "B"], "value": -1.0, "at": 40},
                {"kind": "stance", "between": ["A", "B"], "value": -0.5, "at": 80}
            ],
            "parameters": {
                "onset_rate": 1.8,
                "settle_threat": 1.0, "settle_display": 1.0, "settle_force": 1.0
            }
        }),
    );
    let runs = 4_000;
    let mut counts = [0usize; 3];
    for r in 0..runs {
        let mut events = Vec::new();
        Simulation::new(&w, 7, r).run_to_end(&mut events);
        for (step, e) in &events {
            if matches!(e, Event::ConflictStarted { .. }) {
                counts[*step as usize / 40] += 1;
            }
        }
    }
    // Forty steps at p per free step, each dispute blocking the pair for the step after it.
    let expected = |h: f64| {
        let p = 1.0 - (-1.8 * h / 12.0_f64).exp();
        40.0 * p / (1.0 + p)
    };
    let mean = counts.map(|c| c as f64 / runs as f64);
    assert_eq!(counts[0], 0, "indifferent pairs have no disputes");
    for (got, h) in [(mean[1], 1.0), (mean[2], 0.5)] {
        // The standard error of a mean of about 5 disputes a run over 4,000 runs is about 0.035.
        assert!(
            (got - expected(h)).abs() < 0.15,
            "{got} against {} at hostility {h}",
            expected(h)
        );
    }
}

#[test]
fn escalation_records_the_side_that_raised_the_conflict() {
    let w = world(
        &two(),
        json!({
            "events": [{"kind": "dispute", "by": "A", "on": "B", "level": 3, "at": 0}],
            "parameters": {"up_display": 1.0, "up_force": 1.0}
        }),
    );
    let mut events = Vec::new();
    let mut sim = Simulation::new(&w, 1, 0);
    while !sim.is_finished() {
        sim.step(&mut events);
    }
    let conflict = sim.conflicts()[0].clone();
    let o = sim.finish();
    assert_eq!(o.highest, Level::War);
    let attacks: Vec<(u32, ActorIx, Level)> = events
        .iter()
        .filter_map(|(s, e)| match e {
            Event::Attack {
                attacker, level, ..
            } => Some((*s, *attacker, *level)),
            _ => None,
        })
        .collect();
    assert_eq!(attacks.len(), 2, "{attacks:?}");
    assert_eq!((attacks[0].0, attacks[0].2), (1, Level::Force));
    assert_eq!((attacks[1].0, attacks[1].2), (2, Level::War));
    // The side whose founder attacked first is the conflict's initiator, whichever opened it.
    let side = if attacks[0].1 == conflict.founder(casus::engine::Side::A) {
        casus::engine::Side::A
    } else {
        casus::engine::Side::B
    };
    assert_eq!(conflict.initiator, Some(side));
}

#[test]
fn support_follows_stances_up_to_the_actors_cap() {
    let w = world(
        &[
            ("A", 1.0, 1.0, "lethal"),
            ("B", 1.0, 1.0, "lethal"),
            ("C", 1.0, 1.0, "material"),
            ("D", 1.0, 1.0, "lethal"),
            ("E", 1.0, 1.0, "lethal"),
        ],
        json!({
            "stances": [
                {"from": "C", "to": "A", "value": 0.9}, {"from": "C", "to": "B", "value": -0.9},
                {"from": "D", "to": "A", "value": 0.9}, {"from": "D", "to": "B", "value": -0.9},
                {"from": "E", "to": "B", "value": 0.3}
            ],
            "events": [{"kind": "attack", "by": "A", "on": "B", "at": 0}]
        }),
    );
    let mut events = Vec::new();
    Simulation::new(&w, 1, 0).run_to_end(&mut events);
    let posture = |actor: usize| {
        let actor = ix(actor);
        events.iter().find_map(|(_, e)| match e {
            Event::SupportChanged {
                actor: a,
                side,
                posture,
                ..
            } if *a == actor => Some((*side, *posture)),
            _ => None,
        })
    };
    assert_eq!(
        posture(2),
        Some((Side::A, Support::Material)),
        "China's line: material at most"
    );
    assert_eq!(posture(3), Some((Side::A, Support::Lethal)));
    assert_eq!(
        posture(4),
        Some((Side::B, Support::Diplomatic)),
        "a gap of 0.3 toward B"
    );
}

/// P' = (1 − δ)P + (1 − exp(−α·I·w·(1 − b)·Δt))(1 − P), with w the senders' share of the world's
/// economy and b = B / (B + W) the busters' share.
#[test]
fn sanction_pressure_builds_as_the_equation_says_and_busting_slows_it() {
    let one_step = |actors: &[(&str, f64, f64, &str)], stances: Value| {
        let w = world(
            actors,
            json!({"stances": stances,
                   "sanctions": [{"id": "r", "senders": ["S"], "target": "T", "intensity": 0.5, "objective": "policy_change"}]}),
        );
        let mut sim = Simulation::new(&w, 1, 0);
        sim.step(&mut ());
        let after_one = sim.pressure(w.actor("T").unwrap());
        sim.step(&mut ());
        (
            after_one,
            sim.pressure(w.actor("T").unwrap()),
            w.params.sanction_half_life_years,
        )
    };
    let dt = 1.0 / 12.0;
    let (p1, p2, half_life) = one_step(
        &[("S", 1.0, 1.0, "none"), ("T", 1.0, 1.0, "none")],
        json!([]),
    );
    let alpha = 1.0f64; // sanction_build_rate
    let build = 1.0 - (-(alpha * 0.5 * 0.5 * dt)).exp();
    assert!((p1 - build).abs() < 1e-15, "{p1} against {build}");
    let decay = 1.0 - 0.5f64.powf(dt / half_life);
    assert!((p2 - ((1.0 - decay) * p1 + build * (1.0 - p1))).abs() < 1e-15);

    // Z, as heavy as S and fully aligned with T, busts: w = 1/3, b = 1/2.
    let (busted, _, _) = one_step(
        &[
            ("S", 1.0, 1.0, "none"),
            ("T", 1.0, 1.0, "none"),
            ("Z", 1.0, 1.0, "none"),
        ],
        json!([{"from": "Z", "to": "T", "value": 1.0}]),
    );
    let expected = 1.0 - (-(alpha * 0.5 * (1.0 / 3.0) * 0.5 * dt)).exp();
    assert!(
        (busted - expected).abs() < 1e-15,
        "{busted} against {expected}"
    );
}

#[test]
fn stances_revert_and_draw_together() {
    // Reversion: a shock of +0.5 decays toward the initial 0 at 0.2 a year, step by step.
    let w = world(
        &two(),
        json!({"events": [{"kind": "stance", "from": "A", "to": "B", "value": 0.5, "at": 0}],
               "parameters": {"stance_reversion": 0.2}}),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    for _ in 0..12 {
        sim.step(&mut ());
    }
    let expected = 0.5 * (1.0 - 0.2 / 12.0f64).powi(12);
    assert!((sim.stance(ix(0), ix(1)) - expected).abs() < 1e-12);
    assert_eq!(sim.stance(ix(1), ix(0)), 0.0);

    // Balance: A and B, both hostile to C, draw together; co-belligerents too.
    let w = world(
        &[
            ("A", 1.0, 1.0, "none"),
            ("B", 1.0, 1.0, "none"),
            ("C", 1.0, 1.0, "none"),
        ],
        json!({"stances": [{"from": "A", "to": "C", "value": -0.8}, {"from": "B", "to": "C", "value": -0.8}],
               "parameters": {"stance_balance": 0.1}}),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    sim.step(&mut ());
    assert!((sim.stance(ix(0), ix(1)) - 0.1 / 12.0).abs() < 1e-12);
    assert_eq!(sim.stance(ix(0), ix(2)), -0.8, "no other pull is on");

    let w = world(
        &[
            ("A", 1.0, 1.0, "none"),
            ("B", 1.0, 1.0, "none"),
            ("C", 1.0, 1.0, "none"),
        ],
        json!({"treaties": [{"id": "t", "members": ["B", "C"], "obligations": [{"id": "d", "kind": "defense"}]}],
               "events": [{"kind": "attack", "by": "A", "on": "B", "level": 5, "at": 0}],
               "parameters": {"stance_cobelligerent": 0.5, "stance_opposed": 0.5, "honour_all": true}}),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    sim.step(&mut ());
    assert!(
        sim.stance(ix(1), ix(2)) > 0.0 && sim.stance(ix(2), ix(1)) > 0.0,
        "B and C fight side by side"
    );
    assert!(
        sim.stance(ix(0), ix(1)) < 0.0 && sim.stance(ix(2), ix(0)) < 0.0,
        "and against A"
    );
}

/// Voluntary entry reads each actor's own propensity: a lethal supporter with the default joins the
/// war it arms, one with `voluntary_entry` 0 arms it and never fights (the Soviet Union in Korea,
/// 1950), and one with 2 joins sooner.
#[test]
fn voluntary_entry_is_each_actors_own() {
    let build = |propensity: Option<f64>| {
        let mut c = json!({"id": "C", "name": "C", "capability": 1.0, "max_support": "lethal"});
        if let Some(v) = propensity {
            c["voluntary_entry"] = json!(v);
        }
        let s = json!({
            "casus": 1, "name": "entry", "step": "month", "steps": 24,
            "actors": [
                {"id": "A", "name": "A", "capability": 1.0},
                {"id": "B", "name": "B", "capability": 1.0},
                c
            ],
            "stances": [
                {"from": "C", "to": "B", "value": 1.0},
                {"from": "C", "to": "A", "value": -1.0}
            ],
            "events": [{"kind": "attack", "by": "A", "on": "B", "level": "war", "at": 0}],
            "parameters": {"onset_rate": 0.0, "voluntary_entry_rate": 0.5, "down_war": 0.0,
                           "up_war": 0.0, "stance_reversion": 0.0}
        });
        World::new(&casus::scenario::from_value(&s, "entry").unwrap()).unwrap()
    };
    let entries = |w: &World| {
        (0..400)
            .filter(|&r| {
                let o = Simulation::new(w, 1, r).run_to_end(&mut ());
                o.entries.iter().any(|e| e.actor == ix(2))
            })
            .count()
    };
    let (default, never, keen) = (
        entries(&build(None)),
        entries(&build(Some(0.0))),
        entries(&build(Some(2.0))),
    );
    assert_eq!(never, 0);
    assert!(default > 100 && keen > default, "{default} {keen}");
}

/// The actor listed at position `i` of the scenario.
fn ix(i: usize) -> ActorIx {
    ActorIx::new(i)
}
