//! Historical cases where a trigger condition decided the outcome, run with every obligation
//! honoured (so the treaty logic alone decides) and with the default reliabilities.

use casus::engine::{Conflict, ConflictIx, Outcome, Side, Simulation, World};
use casus::scenario::Override;

fn world(file: &str, set: &[&str]) -> World {
    let set: Vec<Override> = set.iter().map(|s| s.parse().unwrap()).collect();
    World::new(&casus::scenario::load_with(file, &set).unwrap()).unwrap()
}

fn run(w: &World, run: u64) -> (Outcome, Vec<Conflict>) {
    let mut sim = Simulation::new(w, 1, run);
    while !sim.is_finished() {
        sim.step(&mut ());
    }
    let conflicts = sim.conflicts().to_vec();
    (sim.finish(), conflicts)
}

fn fired(w: &World, o: &Outcome, clause: &str, holder: &str) -> Vec<ConflictIx> {
    o.triggers
        .iter()
        .filter(|t| {
            let ob = &w.obligations[t.obligation];
            w.clause_name(ob.clause) == clause && w.actors[ob.holder].id == holder
        })
        .map(|t| t.conflict)
        .collect()
}

/// July 1914 with the default reliabilities, over many runs: Italy never fights beside its allies
/// (in some runs a dispute of its own with Austria-Hungary arises, as one did in 1915), its Triple
/// Alliance duties of defense never arise in the war Austria-Hungary began (it struck first),
/// Japan's 1911 clause never fires for that war in Europe, and the Ottoman duty arises only after a Dual Alliance duty has in the
/// same conflict.
#[test]
fn july_1914_with_default_reliabilities() {
    let w = world("scenarios/july_1914.json", &[]);
    let italy = w.actor("ITA").unwrap();
    let allies = [w.actor("AUH").unwrap(), w.actor("GMY").unwrap()];
    let (mut guarantee, mut ottoman) = (0, 0);
    let runs = 2_000;
    for r in 0..runs {
        let (o, conflicts) = run(&w, r);
        for c in &conflicts {
            if let Some(side) = c.side_of(italy) {
                assert!(
                    allies.iter().all(|&a| c.side_of(a) != Some(side)),
                    "run {r}: Italy fought beside its allies"
                );
            }
        }
        // Conflict 0 is the war Austria-Hungary began; other disputes may arise on their own.
        for clause in ["triple_alliance/art2_by_italy", "triple_alliance/art3"] {
            assert!(
                !fired(&w, &o, clause, "ITA").contains(&ConflictIx::new(0)),
                "run {r}: {clause} fired for Italy"
            );
        }
        for holder in ["UKG", "JPN"] {
            assert!(
                !fired(&w, &o, "anglo_japanese_1911/art2", holder).contains(&ConflictIx::new(0)),
                "run {r}"
            );
        }
        for (i, t) in o.triggers.iter().enumerate() {
            if w.clause_name(w.obligations[t.obligation].clause) == "german_ottoman/art2" {
                ottoman += 1;
                assert!(
                    o.triggers[..i].iter().any(|e| e.conflict == t.conflict
                        && w.clause_name(w.obligations[e.obligation].clause)
                            == "dual_alliance/art1"),
                    "run {r}: the Ottoman duty arose before Germany's"
                );
            }
        }
        guarantee += usize::from(!fired(&w, &o, "london_1839/guarantee", "UKG").is_empty());
    }
    assert!(
        guarantee as f64 / runs as f64 > 0.9,
        "Belgium invaded in most runs: {guarantee}"
    );
    assert!(ottoman > 0);
}

/// September 1939: Britain's duty to Poland named Germany only (the secret protocol, clause 1(a)),
/// so Britain goes to war with Germany and not with the Soviet Union, for whose invasion it owes
/// consultation (clause 1(b)); France goes to war with Britain under its alliance with Poland;
/// without the protocol Britain would have been bound against both.
#[test]
fn september_1939_the_secret_protocol_decides() {
    let w = world(
        "scenarios/september_1939.json",
        &["parameters.honour_all=true"],
    );
    let (o, conflicts) = run(&w, 0);
    let britain = w.actor("UKG").unwrap();
    let founders = |c: ConflictIx| {
        (
            w.actors[conflicts[c].founder(Side::A)].id.as_str(),
            conflicts[c].started,
        )
    };
    let duties: Vec<_> = fired(&w, &o, "anglo_polish_1939/art1", "UKG")
        .into_iter()
        .map(founders)
        .collect();
    assert_eq!(duties, [("GMY", 0)], "only the German war");
    let entry = o.entries.iter().find(|e| e.actor == britain).unwrap();
    assert_eq!(
        (entry.step, founders(entry.conflict).0),
        (2, "GMY"),
        "at war on 3 September"
    );
    assert!(
        conflicts
            .iter()
            .any(|c| c.founder(Side::A) == w.actor("SOV").unwrap()),
        "the Soviet invasion happened"
    );
    assert!(
        conflicts
            .iter()
            .all(|c| !c.opposed(britain, w.actor("SOV").unwrap())),
        "Britain and the Soviet Union never opposed"
    );
    // France declared war with Britain on 3 September, under its 1921 alliance, against Germany
    // only.
    let france = w.actor("FRN").unwrap();
    let entry = o.entries.iter().find(|e| e.actor == france).unwrap();
    assert_eq!(
        (entry.step, founders(entry.conflict).0),
        (2, "GMY"),
        "France at war on 3 September"
    );
    assert!(
        conflicts
            .iter()
            .all(|c| !c.opposed(france, w.actor("SOV").unwrap())),
        "France and the Soviet Union never opposed"
    );
    // Clause 1(b) of the secret protocol: for the Soviet invasion Britain owed consultation, and
    // consulting brings no one in.
    let consult: Vec<_> = fired(&w, &o, "anglo_polish_1939/protocol_1b", "UKG")
        .into_iter()
        .map(founders)
        .collect();
    assert_eq!(
        consult,
        [("SOV", 16)],
        "consultation for the Soviet invasion only"
    );

    let without = world(
        "scenarios/september_1939.json",
        &[
            "parameters.honour_all=true",
            "treaties.anglo_polish_1939.obligations.art1.trigger.adversaries=null",
        ],
    );
    let (o, conflicts) = run(&without, 0);
    let duties: Vec<&str> = fired(&without, &o, "anglo_polish_1939/art1", "UKG")
        .into_iter()
        .map(|c| without.actors[conflicts[c].founder(Side::A)].id.as_str())
        .collect();
    assert_eq!(
        duties,
        ["GMY", "SOV"],
        "without the protocol the Soviet invasion binds Britain too"
    );
}

/// With the default reliabilities Britain and France honour their duties only some of the time, but
/// never owe the Soviet invasion more than Britain's consultation.
#[test]
fn september_1939_with_default_reliabilities() {
    let w = world("scenarios/september_1939.json", &[]);
    let mut honoured = 0;
    for r in 0..500 {
        let (o, conflicts) = run(&w, r);
        for t in &o.triggers {
            let clause = w.clause_name(w.obligations[t.obligation].clause);
            let founder = w.actors[conflicts[t.conflict].founder(Side::A)].id.as_str();
            if founder == "SOV" {
                assert_eq!(clause, "anglo_polish_1939/protocol_1b", "run {r}");
            } else {
                assert_eq!(founder, "GMY", "run {r}");
                honoured += usize::from(t.honoured);
            }
        }
    }
    assert!(honoured > 0 && honoured < 1000, "{honoured} of 1000");
}
