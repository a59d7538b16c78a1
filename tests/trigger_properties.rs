//! Properties of the treaty-trigger logic over generated worlds: random actors, region hierarchies,
//! treaties with random obligations and conditions, and conflicts with random sides, levels, attacks
//! and regions.
//!
//! Each property runs 2,000 generated cases (`CASUS_PROPTEST_CASES` sets another number; the long
//! mode is `CASUS_PROPTEST_CASES=100000 cargo test --release --test trigger_properties`). A failing
//! case is shrunk and saved under `proptest-regressions/`, which is committed so that it is replayed
//! first on every later run.

use std::collections::{BTreeMap, BTreeSet};

use casus::engine::triggers::{self, Context};
use casus::engine::{
    ActorIx, Conflict, ConflictIx, Event, Fired, ObligationIx, Outcome, Participant, RegionIx,
    Route, Side, Simulation, World,
};
use casus::model::{ForceAction, Level, Severity};
use casus::scenario::{ObligationKind, Role, Territory};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases() -> u32 {
    std::env::var("CASUS_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

// ---------------------------------------------------------------------------------------------
// Generated worlds
// ---------------------------------------------------------------------------------------------

const KINDS: [&str; 6] = [
    "defense",
    "offense",
    "neutrality",
    "non_aggression",
    "consultation",
    "mobilize",
];
const ROLES: [&str; 3] = ["target", "initiator", "any"];

/// One obligation as generated: indices are reduced modulo what they index when the scenario is built.
#[derive(Debug, Clone)]
struct ObligationSpec {
    kind: usize,
    holder: Option<usize>,
    partner: Option<usize>,
    role: Option<usize>,
    min_level: Option<u8>,
    unprovoked: bool,
    territory_partner: bool,
    adversaries: Option<u8>,
    exclude: u8,
    min_adversaries: Option<u32>,
    regions: Option<u16>,
    after: Option<(usize, usize)>,
    /// `Some(true)`: `attack: armed`; `Some(false)`: `attack: any`; `None`: the kind's default.
    armed: Option<bool>,
}

#[derive(Debug, Clone)]
struct TreatySpec {
    members: u8,
    from: u32,
    until: Option<u32>,
    obligations: Vec<ObligationSpec>,
}

/// A scripted confrontation: `by` confronts `on` at `level` in region `region` at step `at`.
#[derive(Debug, Clone)]
struct Strike {
    by: usize,
    on: usize,
    level: u8,
    region: usize,
    at: u32,
}

#[derive(Debug, Clone)]
struct WorldSpec {
    actors: usize,
    /// Parent of each region, as an index into the regions before it.
    parents: Vec<Option<usize>>,
    treaties: Vec<TreatySpec>,
    strikes: Vec<Strike>,
}

fn obligation_spec() -> impl Strategy<Value = ObligationSpec> {
    (
        (
            0..KINDS.len(),
            proptest::option::of(0..6usize),
            proptest::option::of(0..6usize),
        ),
        (
            proptest::option::of(0..3usize),
            proptest::option::of(1u8..=6),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            proptest::option::of(any::<u8>()),
            any::<u8>(),
            proptest::option::of(1u32..=3),
        ),
        (
            proptest::option::weighted(0.4, any::<u16>()),
            proptest::option::weighted(0.3, (0..4usize, 0..3usize)),
            proptest::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (kind, holder, partner),
                (role, min_level, unprovoked, territory_partner),
                (adversaries, exclude, min_adversaries),
                (regions, after, armed),
            )| {
                ObligationSpec {
                    kind,
                    holder,
                    partner,
                    role,
                    min_level,
                    unprovoked,
                    territory_partner,
                    adversaries,
                    exclude,
                    min_adversaries,
                    regions,
                    after,
                    armed,
                }
            },
        )
}

fn world_spec() -> impl Strategy<Value = WorldSpec> {
    (2usize..=6).prop_flat_map(|actors| {
        let regions = actors + 3;
        let parents = (0..regions)
            .map(|i| {
                proptest::option::weighted(0.6, 0..i.max(1)).prop_map(move |p| p.filter(|_| i > 0))
            })
            .collect::<Vec<_>>();
        let treaty = (
            any::<u8>(),
            0u32..4,
            proptest::option::of(1u32..8),
            proptest::collection::vec(obligation_spec(), 1..4),
        )
            .prop_map(|(members, from, until, obligations)| TreatySpec {
                members,
                from,
                until,
                obligations,
            });
        let strike = (0..actors, 0..actors, 2u8..=5, 0..regions, 0u32..6).prop_map(
            |(by, on, level, region, at)| Strike {
                by,
                on,
                level,
                region,
                at,
            },
        );
        (
            Just(actors),
            parents,
            proptest::collection::vec(treaty, 1..5),
            proptest::collection::vec(strike, 1..6),
        )
            .prop_map(|(actors, parents, treaties, strikes)| WorldSpec {
                actors,
                parents,
                treaties,
                strikes,
            })
    })
}

fn actor_id(i: usize) -> String {
    format!("X{i}")
}

fn region_id(i: usize) -> String {
    format!("r{i}")
}

/// The actors whose bits are set in `mask`, among `n`.
fn subset(mask: u64, n: usize) -> Vec<usize> {
    (0..n).filter(|i| mask >> i & 1 == 1).collect()
}

/// Builds a valid scenario from a spec, repairing what validation would reject (holders outside the
/// treaty, empty lists, `after` links that are not to an earlier clause).
fn scenario(spec: &WorldSpec, honour_all: bool) -> Value {
    let n = spec.actors;
    let regions: Vec<Value> = spec
        .parents
        .iter()
        .enumerate()
        .map(|(i, parent)| match parent {
            Some(p) => json!({"id": region_id(i), "within": region_id(*p)}),
            None => json!({"id": region_id(i)}),
        })
        .collect();
    // Actor i administers region i + 3 (regions 0–2 are areas, possibly above homes).
    let actors: Vec<Value> = (0..n)
        .map(|i| json!({"id": actor_id(i), "name": actor_id(i), "capability": 1.0 + i as f64, "regions": [region_id(i + 3)], "max_support": "none"}))
        .collect();
    let mut clauses: Vec<(String, String)> = Vec::new();
    let mut treaties = Vec::new();
    for (t, treaty) in spec.treaties.iter().enumerate() {
        let mut members = subset(u64::from(treaty.members), n);
        for extra in 0..n {
            if members.len() >= 2 {
                break;
            }
            if !members.contains(&extra) {
                members.push(extra);
            }
        }
        members.sort_unstable();
        let tid = format!("t{t}");
        let mut obligations = Vec::new();
        for (k, o) in treaty.obligations.iter().enumerate() {
            let oid = format!("o{k}");
            let mut ob = json!({"id": oid, "kind": KINDS[o.kind]});
            let holder = o.holder.map(|h| members[h % members.len()]);
            let partner = o
                .partner
                .map(|p| members[p % members.len()])
                .filter(|p| Some(*p) != holder);
            if let Some(h) = holder {
                ob["holder"] = json!(actor_id(h));
            }
            if let Some(p) = partner {
                ob["partner"] = json!(actor_id(p));
            }
            if let Some(r) = o.role {
                ob["role"] = json!(ROLES[r]);
            }
            let mut trigger = json!({"unprovoked": o.unprovoked});
            if let Some(l) = o.min_level {
                trigger["min_level"] = json!(l);
            }
            if o.territory_partner {
                trigger["territory"] = json!("partner");
            }
            if let Some(armed) = o.armed {
                trigger["attack"] = json!(if armed { "armed" } else { "any" });
            }
            let adversaries = o
                .adversaries
                .map(|m| subset(u64::from(m), n))
                .filter(|a| !a.is_empty());
            if let Some(a) = &adversaries {
                trigger["adversaries"] = json!(a.iter().map(|&i| actor_id(i)).collect::<Vec<_>>());
            }
            let exclude: Vec<usize> = subset(u64::from(o.exclude), n)
                .into_iter()
                .filter(|i| adversaries.as_ref().is_none_or(|a| !a.contains(i)))
                .collect();
            trigger["adversaries_exclude"] =
                json!(exclude.iter().map(|&i| actor_id(i)).collect::<Vec<_>>());
            if let Some(m) = o.min_adversaries {
                trigger["min_adversaries"] = json!(m.min(n as u32));
            }
            if let Some(mask) = o.regions {
                let r = subset(u64::from(mask), spec.parents.len());
                if !r.is_empty() {
                    trigger["regions"] = json!(r.iter().map(|&i| region_id(i)).collect::<Vec<_>>());
                }
            }
            if let Some((a, b)) = o.after
                && !clauses.is_empty()
            {
                let (t2, o2) = &clauses[(a * 3 + b) % clauses.len()];
                trigger["after"] = json!(format!("{t2}/{o2}"));
            }
            ob["trigger"] = trigger;
            obligations.push(ob);
            clauses.push((tid.clone(), oid));
        }
        let mut in_force = json!({"from": treaty.from});
        if let Some(until) = treaty.until {
            in_force["until"] = json!((treaty.from + until).min(12));
        }
        treaties.push(json!({
            "id": tid,
            "members": members.iter().map(|&i| actor_id(i)).collect::<Vec<_>>(),
            "in_force": in_force,
            "obligations": obligations,
        }));
    }
    let events: Vec<Value> = spec
        .strikes
        .iter()
        .filter(|s| s.by % n != s.on % n)
        .enumerate()
        .map(|(i, s)| {
            let kind = if s.level >= 4 { "attack" } else { "dispute" };
            json!({"id": format!("e{i}"), "kind": kind, "by": actor_id(s.by % n), "on": actor_id(s.on % n),
                   "level": s.level, "region": region_id(s.region), "at": s.at})
        })
        .collect();
    json!({
        "casus": 1, "name": "generated", "step": "month", "steps": 12,
        "regions": regions, "actors": actors, "treaties": treaties, "events": events,
        "parameters": {
            "onset_rate": 0.0, "voluntary_entry_rate": 0.0, "honour_all": honour_all,
            "up_threat": 0.0, "up_display": 0.0, "up_force": 0.0, "up_war": 0.0, "up_nuclear": 0.0,
            "settle_threat": 0.0, "settle_display": 0.0, "settle_force": 0.0,
            "down_war": 0.0, "down_nuclear": 0.0, "down_past_peak": 0.0, "settle_past_peak": 0.0
        }
    })
}

fn world(value: &Value) -> World {
    let s = casus::scenario::from_value(value, "generated")
        .unwrap_or_else(|e| panic!("{e}\n{value:#}"));
    World::new(&s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The oracle: the conditions of docs/MODEL.md §3.5, written out plainly
// ---------------------------------------------------------------------------------------------

/// Region `r` is `ancestor` or lies below it, following parents by id.
fn lies_within(w: &World, r: RegionIx, ancestor: RegionIx) -> bool {
    let mut seen = 0;
    let mut current = Some(r);
    while let Some(x) = current {
        if x == ancestor {
            return true;
        }
        current = w.regions[x].parent;
        seen += 1;
        assert!(seen <= w.regions.len(), "region cycle");
    }
    false
}

fn oracle(w: &World, ob: ObligationIx, c: &Conflict, ctx: &Context) -> bool {
    let o = &w.obligations[ob];
    if o.kind == ObligationKind::NonAggression
        || !ctx.in_force
        || c.fired.iter().any(|f| f.obligation == ob && f.war)
    {
        return false;
    }
    let fired_limited = c.fired.iter().any(|f| f.obligation == ob);
    if let Some(after) = o.after
        && !c
            .fired
            .iter()
            .any(|f| w.obligations[f.obligation].clause == after)
    {
        return false;
    }
    let admitted = |a: ActorIx| {
        a != o.holder
            && match &o.adversaries {
                Some(list) => list.contains(&a),
                None => true,
            }
            && !o.adversaries_exclude.contains(&a)
    };
    let side_of = |a: ActorIx| c.participants.iter().find(|p| p.actor == a).map(|p| p.side);
    let level_of = |p: &Participant| if p.cap < c.level { p.cap } else { c.level };
    if o.kind == ObligationKind::Mobilize {
        let threshold = if o.min_level < Level::Dispute {
            Level::Dispute
        } else {
            o.min_level
        };
        let mobilisers: Vec<&Participant> = c
            .participants
            .iter()
            .filter(|p| p.actor != o.partner && admitted(p.actor) && level_of(p) >= threshold)
            .collect();
        // The earliest mobiliser, founders before entrants of the same step, then side A.
        let Some(first) = mobilisers
            .iter()
            .min_by_key(|p| (p.joined, p.via != Route::Founder, p.side))
        else {
            return false;
        };
        let bound_side = first.side.other();
        match side_of(o.holder) {
            Some(s) if s != bound_side => return false,
            Some(_) => {}
            None if ctx.holder_level >= o.min_level => return false,
            None => {}
        }
        let distinct: BTreeSet<ActorIx> = mobilisers
            .iter()
            .filter(|p| p.side == first.side)
            .map(|p| p.actor)
            .collect();
        return distinct.len() >= o.min_adversaries;
    }
    let Some(partner_side) = side_of(o.partner) else {
        return false;
    };
    if side_of(o.holder).is_some_and(|s| s != partner_side) {
        return false;
    }
    if c.level < o.min_level {
        return false;
    }
    if o.unprovoked && c.initiator == Some(partner_side) {
        return false;
    }
    let place = |region: RegionIx| {
        let in_listed = match &o.regions {
            Some(list) => list.iter().any(|&r| lies_within(w, region, r)),
            None => true,
        };
        let on_partner = o.territory == Territory::Any
            || w.actors[o.partner]
                .regions
                .iter()
                .any(|&r| lies_within(w, region, r));
        in_listed && on_partner
    };
    // An armed attack: a lethal attack or clash, or anything at war level or above.
    let armed = |a: &casus::engine::Attack| {
        a.level >= Level::War || (a.severity.action == ForceAction::Attack && a.severity.lethal)
    };
    let mut adversaries = BTreeSet::new();
    // Whether some qualifying attack is at war level: a defense or offense obligation fired by a
    // limited attack decides again only then.
    let mut war = !matches!(o.kind, ObligationKind::Defense | ObligationKind::Offense);
    if c.attacks.is_empty() && !o.armed {
        let role_fits = match o.role {
            Role::Target => partner_side == Side::B,
            Role::Initiator => partner_side == Side::A,
            Role::Any => true,
            other => panic!("the oracle does not know the role {other:?}"),
        };
        if role_fits && place(c.region) {
            for p in &c.participants {
                if p.side != partner_side && admitted(p.actor) {
                    adversaries.insert(p.actor);
                }
            }
        }
    } else {
        for a in c.attacks.iter().filter(|a| !o.armed || armed(a)) {
            let as_target = matches!(o.role, Role::Target | Role::Any) && a.attacked == o.partner;
            let as_initiator =
                matches!(o.role, Role::Initiator | Role::Any) && a.attacker == o.partner;
            let adversary = if as_target {
                a.attacker
            } else if as_initiator {
                a.attacked
            } else {
                continue;
            };
            if admitted(adversary) && place(a.region) {
                adversaries.insert(adversary);
                war |= a.level >= Level::War;
            }
        }
    }
    (war || !fired_limited) && !adversaries.is_empty() && adversaries.len() >= o.min_adversaries
}

// ---------------------------------------------------------------------------------------------
// Generated conflicts for the pure check
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct ConflictSpec {
    founders: (usize, usize),
    entrants: Vec<(usize, usize, u8)>,
    attacks: Vec<(usize, usize, usize, u8, u8)>,
    level: u8,
    region: usize,
    fired: u64,
    fired_war: u64,
    holder_level: u8,
    in_force: bool,
}

fn conflict_spec() -> impl Strategy<Value = ConflictSpec> {
    (
        (0..6usize, 0..6usize),
        proptest::collection::vec((0..6usize, 0..2usize, 1u8..=7), 0..4),
        proptest::collection::vec((0..8usize, 0..8usize, 0..9usize, 4u8..=7, 0u8..4), 0..5),
        (
            1u8..=7,
            0..9usize,
            (any::<u64>(), any::<u64>()),
            0u8..=7,
            proptest::bool::weighted(0.85),
        ),
    )
        .prop_map(
            |(
                founders,
                entrants,
                attacks,
                (level, region, (fired, fired_war), holder_level, in_force),
            )| {
                ConflictSpec {
                    founders,
                    entrants,
                    attacks,
                    level,
                    region,
                    fired,
                    fired_war,
                    holder_level,
                    in_force,
                }
            },
        )
}

/// Builds a conflict as the engine could have made it: founders on sides A and B, distinct
/// entrants, attacks only between participants on opposite sides, the initiator the side of the
/// first attacker.
fn build_conflict(w: &World, spec: &ConflictSpec) -> Conflict {
    let n = w.n();
    let level = |l: u8| Level::from_number(u64::from(l)).unwrap();
    let (a, mut b) = (spec.founders.0 % n, spec.founders.1 % n);
    if a == b {
        b = (a + 1) % n;
    }
    let regions = w.regions.len();
    let mut c = Conflict::new(
        ConflictIx::new(0),
        ActorIx::new(a),
        ActorIx::new(b),
        RegionIx::new(spec.region % regions),
        level(spec.level),
        0,
    );
    for &(actor, side, cap) in &spec.entrants {
        let actor = ActorIx::new(actor % n);
        if c.participant(actor).is_none() {
            c.participants.push(Participant {
                actor,
                side: Side::BOTH[side],
                joined: 0,
                via: Route::Voluntary,
                cap: level(cap),
            });
        }
    }
    let count = c.participants.len();
    for &(x, y, region, l, kind) in &spec.attacks {
        let (p, q) = (&c.participants[x % count], &c.participants[y % count]);
        if p.side != q.side {
            let attack = casus::engine::Attack {
                attacker: p.actor,
                attacked: q.actor,
                region: RegionIx::new(region % regions),
                step: 0,
                level: level(l),
                // Below war any mix of action and deaths; at war and above, as the engine records it.
                severity: if l >= 5 {
                    Severity::LETHAL_ATTACK
                } else {
                    Severity {
                        action: if kind < 2 {
                            ForceAction::Seizure
                        } else {
                            ForceAction::Attack
                        },
                        lethal: kind % 2 == 1,
                    }
                },
            };
            if c.initiator.is_none() {
                c.initiator = Some(p.side);
            }
            c.attacks.push(attack);
        }
    }
    c.fired = subset(spec.fired, w.obligations.len().min(64))
        .into_iter()
        .map(|ob| Fired {
            obligation: ObligationIx::new(ob),
            // Only defense and offense duties read the scale: the others' firings are final.
            war: spec.fired_war >> ob & 1 == 1
                || !matches!(
                    w.obligations[ob].kind,
                    ObligationKind::Defense | ObligationKind::Offense
                ),
        })
        .collect();
    c
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Soundness and completeness: the engine's check fires exactly when the oracle says the
    /// obligation's conditions hold, and a firing names the partner's side and the adversaries.
    #[test]
    fn the_check_agrees_with_the_oracle(spec in world_spec(), conflicts in proptest::collection::vec(conflict_spec(), 1..4)) {
        let w = world(&scenario(&spec, true));
        for cs in &conflicts {
            let c = build_conflict(&w, cs);
            let ctx = Context {
                step: 0,
                in_force: cs.in_force,
                holder_level: Level::from_number(u64::from(cs.holder_level)).unwrap(),
            };
            for ob in ObligationIx::all(w.obligations.len()) {
                let verdict = triggers::check(&w, ob, &c, &ctx);
                let expected = oracle(&w, ob, &c, &ctx);
                prop_assert_eq!(verdict.is_ok(), expected, "obligation {} ({:?}) on {:?}: {:?}", ob, w.obligations[ob], c, verdict);
                if let Ok(firing) = verdict {
                    let o = &w.obligations[ob];
                    if o.kind != ObligationKind::Mobilize {
                        prop_assert_eq!(Some(firing.side), c.side_of(o.partner));
                    }
                    prop_assert!(!firing.adversaries.contains(&o.holder), "a holder never defends against itself");
                    prop_assert!(firing.adversaries.windows(2).all(|p| p[0] < p[1]));
                    prop_assert_eq!(firing.engaged, c.participant(o.holder).is_some());
                }
            }
        }
    }

    /// A defense obligation never fires for an initiator: with attacks, only an attack on the
    /// partner can fire it.
    #[test]
    fn defense_fires_only_for_attacks_on_the_partner(spec in world_spec(), cs in conflict_spec()) {
        let w = world(&scenario(&spec, true));
        let c = build_conflict(&w, &cs);
        let ctx = Context { step: 0, in_force: true, holder_level: Level::Peace };
        for ob in ObligationIx::all(w.obligations.len()) {
            let o = &w.obligations[ob];
            if o.kind == ObligationKind::Defense && o.role == Role::Target && !c.attacks.is_empty()
                && triggers::check(&w, ob, &c, &ctx).is_ok()
            {
                prop_assert!(c.attacks.iter().any(|a| a.attacked == o.partner));
            }
        }
    }

    /// In whole runs: the cascade ends, each obligation fires at most once per conflict, entries
    /// join the side their obligation says, nothing fires outside its treaty's range or before its
    /// `after` clause, and every entry against a neutrality or non-aggression partner is a recorded
    /// violation.
    #[test]
    fn runs_respect_the_trigger_rules(spec in world_spec(), honour_all in any::<bool>()) {
        let value = scenario(&spec, honour_all);
        let w = world(&value);
        let mut events = Vec::new();
        let mut sim = Simulation::new(&w, 7, 0);
        while !sim.is_finished() {
            sim.step(&mut events);
        }
        let conflicts = sim.conflicts().to_vec();
        let o = sim.finish();
        check_run(&w, &o, &conflicts, &events)?;
    }

    /// Relabelling actors and permuting the order of actors, treaties and obligations changes nothing
    /// but the labels. (Events due in the same step happen in the order listed, by design, so their
    /// order is not permuted: it decides which side opens a conflict.)
    #[test]
    fn order_and_labels_do_not_matter(spec in world_spec(), rotate in 1usize..5) {
        let original = firings(&scenario(&spec, true));
        // `after` links name their clause, so reversing treaties and obligations keeps them.
        let mut value = scenario(&spec, true);
        value["actors"].as_array_mut().unwrap().reverse();
        let treaties = value["treaties"].as_array_mut().unwrap();
        treaties.reverse();
        for t in treaties.iter_mut() {
            t["obligations"].as_array_mut().unwrap().reverse();
        }

        // Relabel: rotate actor ids.
        let n = spec.actors;
        let relabel = |id: &str| -> String {
            let i: usize = id[1..].parse().unwrap();
            actor_id((i + rotate) % n + 100)
        };
        let text = relabel_ids(&value.to_string(), n, &relabel);
        let value: Value = serde_json::from_str(&text).unwrap();
        let mut got = firings(&value);
        let mut expected: Vec<String> = original.iter().map(|f| relabel_ids(f, n, &relabel)).collect();
        got.sort();
        expected.sort();
        prop_assert_eq!(got, expected);
    }

    /// No chaining: removing a treaty that involves neither an actor of any conflict nor a holder
    /// that fired changes no firing outside it.
    #[test]
    fn removing_an_uninvolved_treaty_changes_no_other_firing(spec in world_spec()) {
        let value = scenario(&spec, true);
        let w = world(&value);
        let o = Simulation::new(&w, 7, 0).run_to_end(&mut ());
        let involved: BTreeSet<ActorIx> = o.entries.iter().map(|e| e.actor)
            .chain(o.triggers.iter().map(|t| w.obligations[t.obligation].holder))
            .collect();
        for (t, treaty) in w.treaties.iter().enumerate() {
            if treaty.members.iter().any(|m| involved.contains(m)) {
                continue;
            }
            // No obligation of another treaty may wait for one of this treaty's clauses.
            if w.obligations.iter().any(|ob| ob.after.is_some_and(|a| w.clauses[a].treaty.index() == t)) {
                continue;
            }
            let mut without = value.clone();
            without["treaties"].as_array_mut().unwrap().remove(t);
            let mut before: Vec<String> = firings(&value).into_iter().filter(|f| !f.starts_with(&format!("{}/", treaty.id))).collect();
            let mut after = firings(&without);
            before.sort();
            after.sort();
            prop_assert_eq!(before, after, "removing {}", treaty.id);
        }
    }
}

/// `clause holder>partner @step in conflict A>B` for every firing of a run, by name.
fn firings(value: &Value) -> Vec<String> {
    let w = world(value);
    let mut sim = Simulation::new(&w, 7, 0);
    while !sim.is_finished() {
        sim.step(&mut ());
    }
    let conflicts = sim.conflicts().to_vec();
    let o = sim.finish();
    o.triggers
        .iter()
        .map(|t| {
            let ob = &w.obligations[t.obligation];
            let c = &conflicts[t.conflict];
            format!(
                "{} {}>{} @{} in {}>{}@{}",
                w.clause_name(ob.clause),
                w.actors[ob.holder].id,
                w.actors[ob.partner].id,
                t.step,
                w.actors[c.founder(Side::A)].id,
                w.actors[c.founder(Side::B)].id,
                c.started
            )
        })
        .collect()
}

/// Replaces every actor id `X<i>` (i < n) in `text` by its new label.
fn relabel_ids(text: &str, n: usize, relabel: &dyn Fn(&str) -> String) -> String {
    let mut out = text.to_owned();
    // Longest ids first would matter past 10 actors; there are at most 6.
    for i in 0..n {
        out = out.replace(
            &format!("\"{}\"", actor_id(i)),
            &format!("\"#{}\"", relabel(&actor_id(i))),
        );
        out = out.replace(
            &format!("{}>", actor_id(i)),
            &format!("#{}>", relabel(&actor_id(i))),
        );
        out = out.replace(
            &format!(">{}", actor_id(i)),
            &format!(">#{}", relabel(&actor_id(i))),
        );
        out = out.replace(
            &format!(" {}>", actor_id(i)),
            &format!(" #{}>", relabel(&actor_id(i))),
        );
    }
    out.replace('#', "")
}

fn check_run(
    w: &World,
    o: &Outcome,
    conflicts: &[Conflict],
    events: &[(u32, Event)],
) -> Result<(), TestCaseError> {
    // Each obligation fires at most once per conflict, or twice if a defense or offense duty fired
    // by a limited attack fires again at war scale.
    let mut seen = BTreeMap::new();
    for t in &o.triggers {
        let kind = w.obligations[t.obligation].kind;
        let before = seen.insert((t.obligation, t.conflict), t.war);
        prop_assert!(
            before.is_none()
                || before == Some(false)
                    && t.war
                    && matches!(kind, ObligationKind::Defense | ObligationKind::Offense),
            "{:?} fired twice",
            t
        );
        // Never outside its treaty's in-force range.
        let treaty = &w.treaties[w.obligations[t.obligation].treaty];
        prop_assert!(
            t.step >= treaty.from && treaty.until.is_none_or(|u| t.step < u),
            "{:?} outside {:?}",
            t,
            treaty
        );
    }
    // Never before its `after` clause: an earlier firing of that clause in the same conflict.
    for (i, t) in o.triggers.iter().enumerate() {
        if let Some(after) = w.obligations[t.obligation].after {
            prop_assert!(
                o.triggers[..i].iter().any(
                    |e| e.conflict == t.conflict && w.obligations[e.obligation].clause == after
                ),
                "{:?} fired before its after clause",
                t
            );
        }
    }
    // Entries join the side the obligation says: the partner's side (or, for mobilisation, the side
    // facing the mobiliser, which is never the mobiliser's).
    for e in &o.entries {
        if let Route::Obligation(ob) = e.via {
            let ob = &w.obligations[ob];
            let c = &conflicts[e.conflict];
            if ob.kind != ObligationKind::Mobilize {
                prop_assert_eq!(
                    c.side_of(ob.partner),
                    Some(e.side),
                    "{:?} joined the wrong side",
                    e
                );
            }
        }
    }
    // Entries against a partner of an honoured neutrality (in that conflict) or of an in-force
    // non-aggression obligation are recorded violations.
    let honoured_neutral: BTreeSet<(ObligationIx, ConflictIx)> = o
        .triggers
        .iter()
        .filter(|t| t.honoured && w.obligations[t.obligation].kind == ObligationKind::Neutrality)
        .map(|t| (t.obligation, t.conflict))
        .collect();
    // Who is on which side when each entry is made, replayed from the events.
    let mut sides: Vec<Vec<(ActorIx, Side)>> = vec![Vec::new(); conflicts.len()];
    for (step, event) in events {
        let (conflict, actor, side) = match event {
            Event::ConflictStarted {
                conflict, by, on, ..
            } => {
                sides[*conflict].extend([(*by, Side::A), (*on, Side::B)]);
                continue;
            }
            Event::Joined {
                conflict,
                actor,
                side,
                ..
            } => (*conflict, *actor, *side),
            _ => continue,
        };
        let opposed: Vec<ActorIx> = sides[conflict]
            .iter()
            .filter(|(_, s)| *s != side)
            .map(|(a, _)| *a)
            .collect();
        sides[conflict].push((actor, side));
        let (conflict, actor, step) = (&conflict, &actor, step);
        for (ob, obl) in w.obligations.iter().enumerate() {
            let ob = ObligationIx::new(ob);
            if obl.holder != *actor || !opposed.contains(&obl.partner) {
                continue;
            }
            let bound = match obl.kind {
                ObligationKind::Neutrality => {
                    honoured_neutral.contains(&(ob, *conflict))
                        && o.triggers.iter().any(|t| {
                            t.obligation == ob && t.conflict == *conflict && t.step <= *step
                        })
                }
                ObligationKind::NonAggression => {
                    let t = &w.treaties[obl.treaty];
                    *step >= t.from && t.until.is_none_or(|u| *step < u)
                }
                _ => false,
            };
            if bound {
                prop_assert!(
                    o.violations
                        .iter()
                        .any(|v| v.obligation == ob && v.conflict == *conflict),
                    "{} joined against the partner of {} without a recorded violation",
                    w.actors[*actor].id,
                    w.clause_name(obl.clause)
                );
            }
        }
    }
    Ok(())
}
