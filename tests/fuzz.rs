//! Hostile input: arbitrary bytes, arbitrary JSON, and structured mutations of every bundled
//! scenario. Every input must end in a scenario or a typed error with a path, never a panic, a stack
//! overflow or a hang; a scenario that loads must simulate without NaN or infinity in its outcome.
//!
//! 2,000 cases per property by default (`.ci/run`); `CASUS_FUZZ_CASES=1000000 cargo test --release
//! --test fuzz` is the long mode.

use casus::engine::{Simulation, World};
use casus::scenario::{self, ScenarioError};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn cases() -> u32 {
    // Unoptimised builds run a tenth as many, so that a plain `cargo test` stays quick.
    let default = if cfg!(debug_assertions) { 200 } else { 2_000 };
    std::env::var("CASUS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        ..ProptestConfig::default()
    }
}

/// Loads `text`; on success, simulates a few steps and checks the outcome's numbers.
fn exercise(text: &str) -> Result<(), TestCaseError> {
    match scenario::parse(text, "fuzz") {
        Ok(s) => {
            let world = World::new(&s)
                .map_err(|d| TestCaseError::fail(format!("loaded but invalid: {d:?}")))?;
            let mut sim = Simulation::new(&world, 1, 0);
            for _ in 0..6 {
                sim.step(&mut ());
            }
            let o = sim.finish();
            prop_assert!(
                o.final_pressure
                    .iter()
                    .all(|p| p.is_finite() && (0.0..=1.0).contains(p))
            );
            prop_assert!(
                o.final_stances
                    .iter()
                    .all(|s| s.is_finite() && (-1.0..=1.0).contains(s))
            );
            prop_assert!(
                o.triggers
                    .iter()
                    .all(|t| t.probability.is_finite() && (0.0..=1.0).contains(&t.probability))
            );
        }
        Err(ScenarioError::Invalid { diagnostics, .. }) => {
            prop_assert!(!diagnostics.is_empty());
            prop_assert!(diagnostics.iter().all(|d| !d.message.is_empty()));
        }
        Err(e) => prop_assert!(!e.to_string().is_empty()),
    }
    Ok(())
}

/// Keys the scenario format uses, so that generated objects reach past the top level.
const KEYS: [&str; 24] = [
    "casus",
    "name",
    "step",
    "steps",
    "actors",
    "id",
    "capability",
    "regions",
    "within",
    "stances",
    "from",
    "to",
    "value",
    "treaties",
    "members",
    "obligations",
    "kind",
    "trigger",
    "min_level",
    "events",
    "at",
    "by",
    "on",
    "sanctions",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| json!(x)),
        "[A-Za-z_]{0,8}".prop_map(Value::String),
        prop_oneof![
            Just("month"),
            Just("defense"),
            Just("attack"),
            Just("war"),
            Just("A"),
            Just("B")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(&KEYS[..]), inner), 0..8).prop_map(
                |pairs| {
                    Value::Object(
                        pairs
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect::<Map<_, _>>(),
                    )
                }
            ),
        ]
    })
}

/// A path to a value of the document, chosen by walking down from the root: at each container,
/// stop with probability 1/4 or go on into a child drawn from `seed`. Enumerating every path would
/// cost memory in proportion to the document, which a mutation may have made huge.
fn random_path(doc: &Value, mut seed: u64) -> Vec<PathStep> {
    let mut next = move || {
        // xorshift64: a few bits of choice per level, all determined by the generated seed.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut path = Vec::new();
    let mut node = doc;
    loop {
        let stop = next() % 4 == 0;
        match node {
            Value::Object(map) if !map.is_empty() && !stop => {
                let (k, v) = map
                    .iter()
                    .nth((next() % map.len() as u64) as usize)
                    .expect("index in range");
                path.push(PathStep::Key(k.clone()));
                node = v;
            }
            Value::Array(items) if !items.is_empty() && !stop => {
                let i = (next() % items.len() as u64) as usize;
                path.push(PathStep::Index(i));
                node = &items[i];
            }
            _ => return path,
        }
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'v>(value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// One structured mutation.
#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    SwapType(u8),
    Extreme(u8),
    EmptyString,
    HugeString,
    EmptyArray,
    HugeArray,
    DeepNesting,
    Dangling,
    SelfReference,
    Reverse,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Delete),
        (0u8..5).prop_map(Mutation::SwapType),
        (0u8..6).prop_map(Mutation::Extreme),
        Just(Mutation::EmptyString),
        Just(Mutation::HugeString),
        Just(Mutation::EmptyArray),
        Just(Mutation::HugeArray),
        Just(Mutation::DeepNesting),
        Just(Mutation::Dangling),
        Just(Mutation::SelfReference),
        Just(Mutation::Reverse),
    ]
}

fn mutate(doc: &mut Value, path: &[PathStep], m: &Mutation) {
    if let Mutation::Delete = m {
        if let Some((last, parent)) = path.split_last()
            && let Some(parent) = at(doc, parent)
        {
            match (parent, last) {
                (Value::Object(map), PathStep::Key(k)) => {
                    map.remove(k);
                }
                (Value::Array(items), PathStep::Index(i)) if *i < items.len() => {
                    items.remove(*i);
                }
                _ => {}
            }
        }
        return;
    }
    // The id of the nearest enclosing element that has one, for self-references.
    let own_id = (0..path.len())
        .rev()
        .find_map(|n| at(doc, &path[..n])?.get("id")?.as_str().map(str::to_owned))
        .unwrap_or_default();
    let Some(v) = at(doc, path) else { return };
    *v = match m {
        Mutation::Delete => unreachable!("handled above"),
        Mutation::SwapType(t) => match t {
            0 => Value::Null,
            1 => json!(true),
            2 => json!("text"),
            3 => json!([v.clone()]),
            _ => json!({"value": v.clone()}),
        },
        Mutation::Extreme(e) => match e {
            0 => json!(1e308),
            1 => json!(-1e308),
            2 => json!(-0.0),
            3 => serde_json::from_str("18446744073709551616").unwrap(),
            4 => json!(5e-324),
            _ => json!(u64::MAX),
        },
        Mutation::EmptyString => json!(""),
        Mutation::HugeString => Value::String("x".repeat(100_000)),
        Mutation::EmptyArray => json!([]),
        // Ten thousand copies of a small value; of a large one, as many as make a few megabytes
        // without the test itself needing gigabytes.
        Mutation::HugeArray => {
            let size = v.to_string().len().max(1);
            Value::Array(vec![v.clone(); (4_000_000 / size).clamp(2, 10_000)])
        }
        Mutation::DeepNesting => {
            let mut nested = v.clone();
            for _ in 0..200 {
                nested = json!([nested]);
            }
            nested
        }
        Mutation::Dangling => json!("NO_SUCH_ID"),
        Mutation::SelfReference => json!(own_id),
        Mutation::Reverse => match &*v {
            Value::Array(items) => Value::Array(items.iter().rev().cloned().collect()),
            other => other.clone(),
        },
    };
}

/// The bundled scenarios as JSON, read once.
fn bundled() -> Vec<Value> {
    static BUNDLED: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    BUNDLED
        .get_or_init(|| {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                // The hand-written scenarios; the generated world (a megabyte) would make each
                // case slow, and tests/import.rs covers it.
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && !p.ends_with("casus.schema.json")
                        && std::fs::metadata(p).unwrap().len() < 256 * 1024
                })
                .collect();
            files.sort();
            files
                .iter()
                .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
                .collect()
        })
        .clone()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn arbitrary_json(value in json_value()) {
        exercise(&value.to_string())?;
        // The same inside an otherwise valid scenario's top level.
        let mut doc = bundled().swap_remove(4);
        if let (Value::Object(d), Value::Object(v)) = (&mut doc, &value) {
            for (k, x) in v {
                d.insert(k.clone(), x.clone());
            }
        }
        exercise(&doc.to_string())?;
    }

    #[test]
    fn mutated_scenarios(which in 0usize..6, picks in proptest::collection::vec((1u64.., mutation()), 1..4), duplicate_key in any::<bool>()) {
        let scenarios = bundled();
        let mut doc = scenarios[which % scenarios.len()].clone();
        for (seed, m) in &picks {
            let path = random_path(&doc, *seed);
            mutate(&mut doc, &path, m);
        }
        let mut text = doc.to_string();
        if duplicate_key && text.starts_with('{') {
            // serde_json keeps the last of duplicate keys; the format must not care either way.
            text = format!("{{\"name\": \"duplicate\", {}", &text[1..]);
        }
        exercise(&text)?;
    }
}
