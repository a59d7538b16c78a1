//! Each trigger condition, both ways (fires / does not fire), in hand-made worlds where only scripted
//! attacks happen: no spontaneous disputes, no escalation, every triggered obligation honoured.

use casus::engine::{Outcome, Route, Side, Simulation, World};
use serde_json::{Value, json};

/// Five actors A–E, each with a home region; A's home has an island; homes of A and B lie in the
/// west, of C, D and E in the east.
fn world(treaties: Value, events: Value) -> World {
    let actors: Vec<Value> = ["A", "B", "C", "D", "E"]
        .iter()
        .map(|id| {
            json!({"id": id, "name": id, "capability": 1.0,
                   "regions": [format!("{}_home", id.to_lowercase())], "max_support": "none"})
        })
        .collect();
    let scenario = json!({
        "casus": 1, "name": "trigger test", "step": "month", "steps": 12,
        "regions": [
            {"id": "west"}, {"id": "east"},
            {"id": "a_home", "within": "west"}, {"id": "a_island", "within": "a_home"},
            {"id": "b_home", "within": "west"},
            {"id": "c_home", "within": "east"}, {"id": "d_home", "within": "east"}, {"id": "e_home", "within": "east"}
        ],
        "actors": actors,
        "treaties": treaties,
        "events": events,
        "parameters": {
            "onset_rate": 0.0, "honour_all": true, "voluntary_entry_rate": 0.0,
            "up_threat": 0.0, "up_display": 0.0, "up_force": 0.0, "up_war": 0.0, "up_nuclear": 0.0,
            "settle_threat": 0.0, "settle_display": 0.0, "settle_force": 0.0,
            "down_war": 0.0, "down_nuclear": 0.0, "down_past_peak": 0.0, "settle_past_peak": 0.0
        }
    });
    let scenario = casus::scenario::from_value(&scenario, "test").unwrap_or_else(|e| panic!("{e}"));
    World::new(&scenario).unwrap()
}

fn attack(by: &str, on: &str, level: u8, region: &str, at: u32) -> Value {
    json!({"kind": "attack", "by": by, "on": on, "level": level, "region": region, "at": at})
}

fn treaty(id: &str, members: &[&str], obligations: Value) -> Value {
    json!({"id": id, "members": members, "obligations": obligations})
}

fn run(world: &World) -> Outcome {
    Simulation::new(world, 1, 0).run_to_end(&mut ())
}

/// The `treaty/clause holder>partner` of every obligation that fired, in order.
fn fired(world: &World, o: &Outcome) -> Vec<String> {
    o.triggers
        .iter()
        .map(|t| {
            let ob = &world.obligations[t.obligation];
            format!(
                "{} {}>{}",
                world.clause_name(ob.clause),
                world.actors[ob.holder].id,
                world.actors[ob.partner].id
            )
        })
        .collect()
}

/// Actors that joined a conflict by an obligation or voluntarily, with the step.
fn joined(world: &World, o: &Outcome) -> Vec<String> {
    o.entries
        .iter()
        .filter(|e| e.via != Route::Founder)
        .map(|e| format!("{}@{}", world.actors[e.actor].id, e.step))
        .collect()
}

/// C owes A defense with this trigger.
fn c_defends_a(trigger: Value) -> Value {
    json!([treaty(
        "pact",
        &["A", "C"],
        json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A", "trigger": trigger}])
    )])
}

fn fires_for(trigger: Value, events: Value) -> bool {
    let w = world(c_defends_a(trigger), events);
    let o = run(&w);
    fired(&w, &o).contains(&"pact/def C>A".to_owned())
}

#[test]
fn min_level() {
    let t = json!({"min_level": "war"});
    assert!(!fires_for(
        t.clone(),
        json!([attack("B", "A", 4, "a_home", 1)])
    ));
    assert!(fires_for(t, json!([attack("B", "A", 5, "a_home", 1)])));
}

/// Defense answers an armed attack by default: a lethal attack or clash, or war; not a seizure or
/// a clash without deaths. `attack: any` answers every use of force.
#[test]
fn armed_attack() {
    let with = |action: &str, lethal: bool, level: u8| {
        let mut e = attack("B", "A", level, "a_home", 1);
        e["action"] = json!(action);
        e["lethal"] = json!(lethal);
        json!([e])
    };
    // The scripted default is a lethal attack.
    assert!(fires_for(
        json!({}),
        json!([attack("B", "A", 4, "a_home", 1)])
    ));
    assert!(fires_for(json!({}), with("attack", true, 4)));
    assert!(!fires_for(json!({}), with("attack", false, 4)));
    assert!(!fires_for(json!({}), with("seizure", false, 4)));
    // At war, whatever the event says, the use of force is an armed attack.
    assert!(fires_for(json!({}), with("seizure", false, 5)));
    let any = json!({"attack": "any"});
    assert!(fires_for(any.clone(), with("seizure", false, 4)));
    assert!(fires_for(any, with("attack", false, 4)));
    assert!(fires_for(
        json!({"attack": "armed"}),
        with("attack", true, 4)
    ));
    // A seizure is never armed, so it does not fire defense; the reason says why.
    let w = world(c_defends_a(json!({})), with("seizure", false, 4));
    let mut sim = Simulation::new(&w, 1, 0);
    sim.step(&mut ());
    sim.step(&mut ());
    let c = &sim.conflicts()[0];
    let ctx = casus::engine::triggers::Context {
        step: 1,
        in_force: true,
        holder_level: casus::model::Level::Peace,
    };
    assert_eq!(
        casus::engine::triggers::check(&w, casus::engine::ObligationIx::new(0), c, &ctx),
        Err(casus::engine::triggers::Reason::NotArmedAttack)
    );
}

#[test]
fn adversaries() {
    let t = json!({"adversaries": ["B"]});
    assert!(fires_for(
        t.clone(),
        json!([attack("B", "A", 4, "a_home", 1)])
    ));
    assert!(!fires_for(t, json!([attack("D", "A", 4, "a_home", 1)])));
}

/// "B or any state allied with B" (the 1950 Sino-Soviet treaty's "Japan or any state allied with
/// it"): D, B's ally in another treaty, counts; E, allied with no one, does not.
#[test]
fn adversaries_allies() {
    let world_with = |attacker: &str| {
        world(
            json!([
                {"id": "pact", "members": ["A", "C"], "obligations": [
                    {"id": "def", "kind": "defense", "holder": "C", "partner": "A",
                     "trigger": {"adversaries": ["B"], "adversaries_allies": true}}
                ]},
                {"id": "bd", "members": ["B", "D"], "obligations": [{"id": "def", "kind": "defense"}]}
            ]),
            json!([attack(attacker, "A", 4, "a_home", 1)]),
        )
    };
    for (attacker, fires) in [("B", true), ("D", true), ("E", false)] {
        let w = world_with(attacker);
        let got = fired(&w, &run(&w)).contains(&"pact/def C>A".to_owned());
        assert_eq!(got, fires, "attack by {attacker}");
    }
}

#[test]
fn adversaries_exclude() {
    let t = json!({"adversaries_exclude": ["B"]});
    assert!(!fires_for(
        t.clone(),
        json!([attack("B", "A", 4, "a_home", 1)])
    ));
    assert!(fires_for(t, json!([attack("D", "A", 4, "a_home", 1)])));
}

#[test]
fn min_adversaries() {
    let t = json!({"min_adversaries": 2});
    assert!(!fires_for(
        t.clone(),
        json!([attack("B", "A", 4, "a_home", 1)])
    ));
    // D attacking A while not on B's side opens a second conflict: one attacker in each, which do
    // not add up.
    let two = json!([
        attack("B", "A", 4, "a_home", 1),
        attack("D", "A", 4, "a_home", 1)
    ]);
    assert!(!fires_for(t.clone(), two));
    // D first joins B's war (offense), then attacks A within it: two attackers in one conflict.
    let w = world(
        json!([
            treaty(
                "pact",
                &["A", "C"],
                json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A", "trigger": {"min_adversaries": 2}}])
            ),
            treaty(
                "axis",
                &["B", "D"],
                json!([{"id": "off", "kind": "offense", "holder": "D", "partner": "B"}])
            )
        ]),
        json!([
            attack("B", "A", 4, "a_home", 1),
            attack("D", "A", 4, "a_home", 3)
        ]),
    );
    let o = run(&w);
    let f = fired(&w, &o);
    assert_eq!(
        f,
        ["axis/off D>B", "pact/def C>A"],
        "D joins B, then attacks A in the same conflict"
    );
    assert_eq!(o.triggers[1].adversaries.len(), 2);
    assert_eq!(o.triggers[1].step, 3);
}

#[test]
fn regions_include_sub_regions() {
    let t = json!({"regions": ["west"]});
    assert!(
        fires_for(t.clone(), json!([attack("B", "A", 4, "a_island", 1)])),
        "a_island lies within west"
    );
    assert!(!fires_for(t, json!([attack("B", "A", 4, "c_home", 1)])));
}

#[test]
fn territory_partner() {
    let t = json!({"territory": "partner"});
    assert!(fires_for(
        t.clone(),
        json!([attack("B", "A", 4, "a_island", 1)])
    ));
    assert!(
        !fires_for(t, json!([attack("B", "A", 4, "b_home", 1)])),
        "A attacked abroad"
    );
}

#[test]
fn after() {
    let treaties = json!([
        treaty(
            "first",
            &["A", "D"],
            json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "A", "trigger": {"adversaries": ["B"]}}])
        ),
        treaty(
            "second",
            &["A", "C"],
            json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A", "trigger": {"after": "first/def"}}])
        )
    ]);
    let w = world(treaties.clone(), json!([attack("B", "A", 4, "a_home", 1)]));
    let o = run(&w);
    assert_eq!(
        fired(&w, &o),
        ["first/def D>A", "second/def C>A"],
        "fires in the same step, after"
    );
    let w = world(treaties, json!([attack("E", "A", 4, "a_home", 1)]));
    assert!(
        fired(&w, &run(&w)).is_empty(),
        "first/def does not fire for E, so second/def waits"
    );
}

#[test]
fn roles_target_initiator_any() {
    let roles = |role: &str, by: &str, on: &str| {
        let w = world(
            json!([treaty(
                "pact",
                &["A", "C"],
                json!([{"id": "o", "kind": "defense", "holder": "C", "partner": "A", "role": role}])
            )]),
            json!([attack(by, on, 4, "b_home", 1)]),
        );
        !fired(&w, &run(&w)).is_empty()
    };
    assert!(roles("target", "B", "A") && !roles("target", "A", "B"));
    assert!(roles("initiator", "A", "B") && !roles("initiator", "B", "A"));
    assert!(roles("any", "A", "B") && roles("any", "B", "A"));
}

#[test]
fn in_force_range() {
    let run_with = |in_force: Value, at: u32| {
        let w = world(
            json!([{"id": "pact", "members": ["A", "C"], "in_force": in_force,
                    "obligations": [{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}]}]),
            json!([attack("B", "A", 4, "a_home", at)]),
        );
        run(&w).triggers.first().map(|t| t.step)
    };
    assert_eq!(
        run_with(json!({"from": 5}), 2),
        Some(5),
        "an attack before entry into force counts once in force"
    );
    assert_eq!(run_with(json!({"from": 0, "until": 3}), 4), None, "expired");
    assert_eq!(run_with(json!({"from": 0, "until": 3}), 2), Some(2));
}

#[test]
fn delay() {
    let w = world(
        json!([treaty(
            "pact",
            &["A", "C"],
            json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A", "response": {"delay": [3, 3]}}])
        )]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    assert_eq!(joined(&w, &run(&w)), ["C@4"]);
}

#[test]
fn neutrality_and_non_aggression_record_violations() {
    // C owes B neutrality in any of B's conflicts, and A defense. When B attacks A, both fire (the
    // duty to abstain first), and C's entry on A's side breaks the neutrality it honoured.
    let w = world(
        json!([
            treaty(
                "neutral",
                &["B", "C"],
                json!([{"id": "n", "kind": "neutrality", "holder": "C", "partner": "B", "role": "any"}])
            ),
            treaty(
                "pact",
                &["A", "C"],
                json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}])
            )
        ]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    let o = run(&w);
    assert_eq!(fired(&w, &o), ["neutral/n C>B", "pact/def C>A"]);
    assert_eq!(
        o.violations.len(),
        1,
        "joining against B breaks the honoured neutrality"
    );
    assert_eq!(
        w.clause_name(w.obligations[o.violations[0].obligation].clause),
        "neutral/n"
    );

    let w = world(
        json!([treaty(
            "calm",
            &["A", "B"],
            json!([{"id": "na", "kind": "non_aggression", "holder": "B", "partner": "A"}])
        )]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    let o = run(&w);
    assert!(o.triggers.is_empty(), "non-aggression never fires");
    assert_eq!(
        o.violations.len(),
        1,
        "but attacking the partner violates it"
    );

    let w = world(
        json!([treaty(
            "calm",
            &["A", "B"],
            json!([{"id": "na", "kind": "non_aggression", "holder": "B", "partner": "A"}])
        )]),
        json!([attack("A", "B", 4, "b_home", 1)]),
    );
    assert!(
        run(&w).violations.is_empty(),
        "being attacked by the partner violates nothing"
    );
}

#[test]
fn no_chaining() {
    // B attacks A; C defends A; D owes C defense. C joins but is not attacked, so D owes nothing.
    let w = world(
        json!([
            treaty(
                "ac",
                &["A", "C"],
                json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}])
            ),
            treaty(
                "cd",
                &["C", "D"],
                json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "C"}])
            )
        ]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    let o = run(&w);
    assert_eq!(fired(&w, &o), ["ac/def C>A"]);
    // Once C is itself attacked, D's duty arises.
    let w = world(
        json!([
            treaty(
                "ac",
                &["A", "C"],
                json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}])
            ),
            treaty(
                "cd",
                &["C", "D"],
                json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "C"}])
            )
        ]),
        json!([
            attack("B", "A", 4, "a_home", 1),
            attack("B", "C", 4, "c_home", 2)
        ]),
    );
    assert_eq!(fired(&w, &run(&w)), ["ac/def C>A", "cd/def D>C"]);
}

#[test]
fn collective_self_defence_keeps_the_aggressor_as_initiator() {
    // B attacks A; C defends A. E owes B unprovoked defense, D owes A unprovoked defense.
    let w = world(
        json!([
            treaty(
                "ac",
                &["A", "C"],
                json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}])
            ),
            treaty(
                "be",
                &["B", "E"],
                json!([{"id": "def", "kind": "defense", "holder": "E", "partner": "B"}])
            ),
            treaty(
                "ad",
                &["A", "D"],
                json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "A", "trigger": {"unprovoked": true}}])
            )
        ]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    let o = run(&w);
    assert_eq!(
        fired(&w, &o),
        ["ac/def C>A", "ad/def D>A"],
        "E owes nothing: B was not attacked"
    );
    assert_eq!(
        o.route(&w, w.actor("B").unwrap()).as_deref(),
        Some("initiator")
    );
}

#[test]
fn unprovoked_never_fires_for_the_side_that_struck_first() {
    // B attacks A, A strikes back on B's soil (Kursk). E owes B defense; D owes B unprovoked defense.
    let w = world(
        json!([
            treaty(
                "be",
                &["B", "E"],
                json!([{"id": "def", "kind": "defense", "holder": "E", "partner": "B"}])
            ),
            treaty(
                "bd",
                &["B", "D"],
                json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "B", "trigger": {"unprovoked": true}}])
            )
        ]),
        json!([
            attack("B", "A", 5, "a_home", 1),
            attack("A", "B", 5, "b_home", 2)
        ]),
    );
    assert_eq!(
        fired(&w, &run(&w)),
        ["be/def E>B"],
        "the initiator, attacked at home, is attacked all the same"
    );
}

#[test]
fn firing_does_not_depend_on_the_order_of_treaties() {
    let a = json!(treaty(
        "ac",
        &["A", "C"],
        json!([{"id": "def", "kind": "defense", "holder": "C", "partner": "A"}])
    ));
    let b = json!(treaty(
        "ad",
        &["A", "D"],
        json!([{"id": "def", "kind": "defense", "holder": "D", "partner": "A", "trigger": {"after": "ac/def"}}])
    ));
    let events = json!([attack("B", "A", 4, "a_home", 1)]);
    let w1 = world(json!([a.clone(), b.clone()]), events.clone());
    let w2 = world(json!([b, a]), events);
    let mut f1 = fired(&w1, &run(&w1));
    let mut f2 = fired(&w2, &run(&w2));
    f1.sort();
    f2.sort();
    assert_eq!(f1, f2);
    assert_eq!(f1.len(), 2);
}

#[test]
fn a_holder_never_defends_against_itself() {
    let w = world(
        json!([treaty(
            "guarantee",
            &["A", "B"],
            json!([{"id": "def", "kind": "defense", "holder": "B", "partner": "A"}])
        )]),
        json!([attack("B", "A", 4, "a_home", 1)]),
    );
    assert!(fired(&w, &run(&w)).is_empty());
}

/// A `declare` event: against a state at war the declarer joins the side facing it, by the
/// voluntary route and without an attack; against a state at peace it opens a war with no attack,
/// which no defense clause (armed attacks only) reads.
#[test]
fn declare_event() {
    let declare =
        |by: &str, on: &str, at: u32| json!({"kind": "declare", "by": by, "on": on, "at": at});
    let w = world(
        json!([]),
        json!([attack("A", "B", 5, "b_home", 0), declare("C", "A", 1)]),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    for _ in 0..2 {
        sim.step(&mut ());
    }
    let c = &sim.conflicts()[0];
    let declarer = c.participant(w.actor("C").unwrap()).expect("C at war");
    assert_eq!(declarer.side, c.side_of(w.actor("B").unwrap()).unwrap());
    assert_eq!(declarer.via, Route::Voluntary);
    assert!(
        c.attacks.iter().all(|a| w.actors[a.attacker].id != "C"),
        "no attack by C"
    );

    let w = world(
        json!([treaty(
            "pact",
            &["A", "E"],
            json!([{"id": "def", "kind": "defense", "holder": "E", "partner": "A"}])
        )]),
        json!([declare("D", "A", 1)]),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    for _ in 0..3 {
        sim.step(&mut ());
    }
    let c = &sim.conflicts()[0];
    assert_eq!(
        (
            w.actors[c.founder(Side::A)].id.as_str(),
            w.actors[c.founder(Side::B)].id.as_str(),
            c.level
        ),
        ("D", "A", casus::model::Level::War)
    );
    assert!(c.attacks.is_empty() && c.initiator.is_none());
    assert!(fired(&w, &sim.finish()).is_empty(), "no defense duty");
}

/// A `join` event puts its actor into the conflict of the one it fights, on the other side, by the
/// voluntary route and without an attack; with no such conflict it does nothing.
#[test]
fn join_event() {
    let join =
        |on: &str, at: u32| json!({"kind": "join", "by": "C", "on": on, "level": "war", "at": at});
    let w = world(
        json!([]),
        json!([attack("A", "B", 5, "b_home", 0), join("B", 2)]),
    );
    let mut sim = Simulation::new(&w, 1, 0);
    for _ in 0..3 {
        sim.step(&mut ());
    }
    let c = &sim.conflicts()[0];
    let b_side = c.side_of(w.actor("B").unwrap()).unwrap();
    let joiner = c.participant(w.actor("C").unwrap()).expect("C joined");
    assert_eq!(joiner.side, b_side.other());
    assert_eq!(joiner.via, Route::Voluntary);
    assert_eq!(joiner.joined, 2);
    assert!(
        c.attacks.iter().all(|a| w.actors[a.attacker].id != "C"),
        "no attack by C"
    );
    let o = sim.finish();
    assert_eq!(joined(&w, &o), ["C@2"]);
    // Nobody fights D: the event finds no conflict.
    let w = world(
        json!([]),
        json!([attack("A", "B", 5, "b_home", 0), join("D", 2)]),
    );
    assert!(joined(&w, &run(&w)).is_empty());
}
