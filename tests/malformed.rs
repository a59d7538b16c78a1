//! Malformed scenarios, table-driven: each must fail `casus validate` with exit code 1, naming the
//! file, the line and column, the JSON path and what was expected.

mod common;

use serde_json::{Value, json};

/// A small valid scenario that the cases below break one way each.
const BASE: &str = r#"{
  "casus": 1, "name": "base", "step": "month", "steps": 24,
  "regions": [{"id": "east"}, {"id": "north", "within": "east"}, {"id": "south", "within": "east"}],
  "actors": [
    {"id": "PRK", "name": "North", "capability": 1.0, "regions": ["north"]},
    {"id": "ROK", "name": "South", "capability": 1.0, "regions": ["south"]},
    {"id": "USA", "name": "United States", "capability": 2.0}
  ],
  "stances": [{"from": "PRK", "to": "ROK", "value": -0.9}],
  "treaties": [
    {"id": "mdt", "members": ["USA", "ROK"], "obligations": [
      {"id": "art3", "kind": "defense", "trigger": {"regions": ["east"]}},
      {"id": "art2", "kind": "consultation", "trigger": {"min_level": 2}}
    ]},
    {"id": "pact", "members": ["PRK", "USA"], "obligations": [
      {"id": "calm", "kind": "non_aggression"}
    ]}
  ],
  "sanctions": [{"id": "s1", "senders": ["USA"], "target": "PRK", "intensity": 0.5}],
  "events": [{"id": "clash", "kind": "attack", "by": "PRK", "on": "ROK", "hazard": 0.01}]
}"#;

enum Input {
    /// The file's exact bytes.
    Bytes(Vec<u8>),
    /// The base scenario with the value at a JSON pointer replaced.
    Set(&'static str, Value),
    /// The base scenario with a member added to the object at a JSON pointer.
    Add(&'static str, &'static str, Value),
    /// The base scenario with a member removed from the object at a JSON pointer.
    Remove(&'static str, &'static str),
}

struct Case {
    name: &'static str,
    input: Input,
    /// The JSON path the error must name.
    path: &'static str,
    /// A fragment of the message.
    message: &'static str,
}

fn case(name: &'static str, input: Input, path: &'static str, message: &'static str) -> Case {
    Case {
        name,
        input,
        path,
        message,
    }
}

fn text(s: &str) -> Input {
    Input::Bytes(s.as_bytes().to_vec())
}

fn nested_conditions(depth: usize) -> Value {
    let mut condition = json!({"at_war": ["PRK", "ROK"]});
    for _ in 0..depth {
        condition = json!({"all": [condition]});
    }
    condition
}

fn cases() -> Vec<Case> {
    use Input::*;
    vec![
        // Syntax and shape.
        case("empty file", text(""), "(top level)", "the file is empty"),
        case(
            "whitespace only",
            text("  \n\t "),
            "(top level)",
            "the file is empty",
        ),
        case(
            "truncated JSON",
            text(&BASE[..BASE.len() / 2]),
            "",
            "invalid JSON: EOF while parsing",
        ),
        case(
            "missing comma",
            text(r#"{"casus": 1 "name": "x"}"#),
            "",
            "invalid JSON: expected `,` or `}`",
        ),
        case(
            "trailing characters",
            text(&format!("{BASE} x")),
            "(top level)",
            "trailing characters",
        ),
        case(
            "array at top level",
            text("[1, 2]"),
            "(top level)",
            "expected a JSON object describing a scenario, found an array",
        ),
        case(
            "string at top level",
            text("\"scenario\""),
            "(top level)",
            "found a string",
        ),
        case(
            "10,000-deep nesting",
            text(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
            "(top level)",
            "nests more than 128 levels",
        ),
        case(
            "50 MB array",
            text(&format!("[{}0]", "0,".repeat(25_000_000))),
            "",
            "more than the 33554432-byte limit",
        ),
        case(
            "invalid UTF-8",
            Bytes(b"{\"casus\": 1, \"name\": \"\xff\xfe\"}".to_vec()),
            "(top level)",
            "not valid UTF-8",
        ),
        case(
            "number out of range",
            text(&BASE.replace("\"capability\": 2.0", "\"capability\": 1e999")),
            "",
            "number out of range",
        ),
        // Types and fields.
        case(
            "NaN as a string",
            Set("/actors/0/capability", json!("NaN")),
            "actors[0].capability",
            "invalid type: string \"NaN\", expected f64",
        ),
        case(
            "Infinity as a string",
            Set("/stances/0/value", json!("Infinity")),
            "stances[0].value",
            "expected f64",
        ),
        case(
            "members is a string",
            Set("/treaties/0/members", json!("USA,ROK")),
            "treaties[0].members",
            "invalid type: string",
        ),
        case(
            "negative step count",
            Set("/steps", json!(-5)),
            "steps",
            "invalid value: integer `-5`, expected u32",
        ),
        case(
            "2^64 runs",
            Add("", "monte_carlo", json!({"runs": 18446744073709551616.0})),
            "monte_carlo.runs",
            "expected u64",
        ),
        case(
            "unknown top-level field",
            Add("", "actorz", json!([])),
            "actorz",
            "unknown field `actorz`",
        ),
        case(
            "misspelt trigger field",
            Add("/treaties/0/obligations/0/trigger", "min_levl", json!(4)),
            "treaties[0].obligations[0].trigger.min_levl",
            "did you mean `min_level`?",
        ),
        case(
            "missing name",
            Remove("", "name"),
            "(top level)",
            "missing field `name`",
        ),
        case(
            "missing capability",
            Remove("/actors/1", "capability"),
            "actors[1]",
            "missing field `capability`",
        ),
        case(
            "unknown obligation kind",
            Set("/treaties/0/obligations/0/kind", json!("alliance")),
            "treaties[0].obligations[0].kind",
            "unknown variant `alliance`",
        ),
        case(
            "level out of the ladder",
            Set("/treaties/0/obligations/1/trigger/min_level", json!(9)),
            "treaties[0].obligations[1].trigger.min_level",
            "expected a level from 0 to 7",
        ),
        case(
            "unknown level name",
            Add("/events/0", "level", json!("armageddon")),
            "events[0].level",
            "one of the names peace",
        ),
        // Values and ranges.
        case(
            "format version 2",
            Set("/casus", json!(2)),
            "casus",
            "unsupported format version 2",
        ),
        case(
            "zero steps",
            Set("/steps", json!(0)),
            "steps",
            "expected a number of steps from 1 to 100000",
        ),
        case(
            "a million steps",
            Set("/steps", json!(1_000_000)),
            "steps",
            "from 1 to 100000",
        ),
        case(
            "empty name",
            Set("/name", json!("  ")),
            "name",
            "must not be empty",
        ),
        case(
            "zero capability",
            Set("/actors/0/capability", json!(0.0)),
            "actors[0].capability",
            "greater than 0",
        ),
        case(
            "capability past 1e12",
            Set("/actors/0/capability", json!(1e300)),
            "actors[0].capability",
            "at most 1e12",
        ),
        case(
            "negative economy",
            Add("/actors/1", "economy", json!(-1.0)),
            "actors[1].economy",
            "greater than 0",
        ),
        case(
            "stance above 1",
            Set("/stances/0/value", json!(1.5)),
            "stances[0].value",
            "expected a number from -1 to 1",
        ),
        case(
            "reliability above 1",
            Add("/treaties/0/obligations/0", "reliability", json!(1.2)),
            "treaties[0].obligations[0].reliability",
            "from 0 to 1",
        ),
        case(
            "negative hazard",
            Set("/events/0/hazard", json!(-0.1)),
            "events[0].hazard",
            "from 0 to 1",
        ),
        case(
            "intensity above 1",
            Set("/sanctions/0/intensity", json!(3)),
            "sanctions[0].intensity",
            "from 0 to 1",
        ),
        case(
            "window past the horizon",
            Add("/events/0", "window", json!([0, 500])),
            "events[0].window[1]",
            "outside the horizon",
        ),
        case(
            "window backwards",
            Add("/events/0", "window", json!([9, 3])),
            "events[0].window",
            "first ≤ last",
        ),
        case(
            "in-force range past the horizon",
            Add("/treaties/0", "in_force", json!({"from": 2, "until": 99})),
            "treaties[0].in_force.until",
            "past the horizon",
        ),
        case(
            "in-force range empty",
            Add("/treaties/0", "in_force", json!({"from": 5, "until": 5})),
            "treaties[0].in_force",
            "must come after",
        ),
        case(
            "delay min above max",
            Add(
                "/treaties/0/obligations/0",
                "response",
                json!({"delay": [3, 1]}),
            ),
            "treaties[0].obligations[0].response.delay",
            "min ≤ max",
        ),
        case(
            "zero min_adversaries",
            Add(
                "/treaties/0/obligations/0/trigger",
                "min_adversaries",
                json!(0),
            ),
            "treaties[0].obligations[0].trigger.min_adversaries",
            "expected from 1 to 3",
        ),
        case(
            "peace as a trigger level",
            Set(
                "/treaties/0/obligations/1/trigger/min_level",
                json!("peace"),
            ),
            "treaties[0].obligations[1].trigger.min_level",
            "level 0 is peace",
        ),
        case(
            "huge id",
            Set("/actors/2/id", json!("U".repeat(100_000))),
            "actors[2].id",
            "expected 1 to 64 characters",
        ),
        case(
            "parameter out of range",
            Add("", "parameters", json!({"deterrence": 1.5})),
            "parameters.deterrence",
            "from 0 to 1",
        ),
        // Duplicate ids.
        case(
            "duplicate actor",
            Set("/actors/1/id", json!("PRK")),
            "actors[1].id",
            "duplicate actor id `PRK`",
        ),
        case(
            "duplicate region",
            Set("/regions/1/id", json!("east")),
            "regions[1].id",
            "duplicate region id `east`",
        ),
        case(
            "duplicate treaty",
            Set("/treaties/1/id", json!("mdt")),
            "treaties[1].id",
            "duplicate treaty id `mdt`",
        ),
        case(
            "duplicate obligation",
            Set("/treaties/0/obligations/1/id", json!("art3")),
            "treaties[0].obligations[1].id",
            "duplicate obligation id `art3`",
        ),
        case(
            "duplicate sanction regime",
            Set(
                "/sanctions",
                json!([{"id": "s1", "senders": ["USA"], "target": "PRK", "intensity": 0.5}, {"id": "s1", "senders": ["ROK"], "target": "PRK", "intensity": 0.5}]),
            ),
            "sanctions[1].id",
            "duplicate sanction regime id `s1`",
        ),
        case(
            "duplicate event",
            Set(
                "/events",
                json!([{"id": "e", "kind": "ceasefire", "between": ["PRK", "ROK"], "at": 1}, {"id": "e", "kind": "ceasefire", "between": ["PRK", "ROK"], "at": 2}]),
            ),
            "events[1].id",
            "duplicate event id `e`",
        ),
        case(
            "duplicate stance",
            Set(
                "/stances",
                json!([{"from": "PRK", "to": "ROK", "value": -0.9}, {"between": ["ROK", "PRK"], "value": -0.5}]),
            ),
            "stances[1]",
            "given twice",
        ),
        // Dangling references.
        case(
            "unknown actor in a stance",
            Set("/stances/0/to", json!("ROKK")),
            "stances[0].to",
            "unknown actor `ROKK`; did you mean `ROK`?",
        ),
        case(
            "unknown treaty member",
            Set("/treaties/0/members/1", json!("PRKK")),
            "treaties[0].members[1]",
            "did you mean `PRK`?",
        ),
        case(
            "unknown region of an actor",
            Set("/actors/0/regions/0", json!("nroth")),
            "actors[0].regions[0]",
            "unknown region `nroth`; did you mean `north`?",
        ),
        case(
            "unknown region in a trigger",
            Set(
                "/treaties/0/obligations/0/trigger/regions",
                json!(["east", "west_pacific"]),
            ),
            "treaties[0].obligations[0].trigger.regions[1]",
            "unknown region `west_pacific`",
        ),
        case(
            "unknown region parent",
            Set("/regions/1/within", json!("eats")),
            "regions[1].within",
            "did you mean `east`?",
        ),
        case(
            "unknown adversary",
            Add(
                "/treaties/0/obligations/0/trigger",
                "adversaries",
                json!(["CHN"]),
            ),
            "treaties[0].obligations[0].trigger.adversaries[0]",
            "unknown actor `CHN`",
        ),
        case(
            "unknown treaty in after",
            Add(
                "/treaties/0/obligations/0/trigger",
                "after",
                json!("nato/art5"),
            ),
            "treaties[0].obligations[0].trigger.after",
            "unknown treaty `nato`",
        ),
        case(
            "unknown obligation in after",
            Add(
                "/treaties/0/obligations/0/trigger",
                "after",
                json!("pact/clam"),
            ),
            "treaties[0].obligations[0].trigger.after",
            "treaty `pact` has no obligation `clam`; did you mean `calm`?",
        ),
        case(
            "unknown regime in an event",
            Set(
                "/events/0",
                json!({"kind": "lift", "regime": "s2", "at": 3}),
            ),
            "events[0].regime",
            "unknown sanction regime `s2`",
        ),
        case(
            "unknown actor in a condition",
            Add("/events/0", "when", json!({"at_war": ["PRK", "JPN"]})),
            "events[0].when.at_war[1]",
            "unknown actor `JPN`",
        ),
        case(
            "holder outside the treaty",
            Add("/treaties/0/obligations/0", "holder", json!("PRK")),
            "treaties[0].obligations[0].holder",
            "`PRK` is not a member of treaty `mdt`",
        ),
        case(
            "self-sanction",
            Set("/sanctions/0/senders", json!(["PRK"])),
            "sanctions[0].senders[0]",
            "cannot sanction itself",
        ),
        case(
            "attack on oneself",
            Set("/events/0/on", json!("PRK")),
            "events[0].on",
            "cannot act against itself",
        ),
        // Cycles and self-references.
        case(
            "region within itself",
            Add("/regions/0", "within", json!("east")),
            "regions[0].within",
            "cannot lie within itself",
        ),
        case(
            "region cycle",
            Add("/regions/0", "within", json!("north")),
            "regions[0].within",
            "form a cycle",
        ),
        case(
            "after refers to itself",
            Add("/treaties/0/obligations/0/trigger", "after", json!("art3")),
            "treaties[0].obligations[0].trigger.after",
            "cannot wait for itself",
        ),
        case(
            "after cycle",
            Set(
                "/treaties/0/obligations",
                json!([
                    {"id": "a", "kind": "defense", "trigger": {"after": "b"}},
                    {"id": "b", "kind": "defense", "trigger": {"after": "a"}}
                ]),
            ),
            "treaties[0].obligations[0].trigger.after",
            "form a cycle",
        ),
        // Structure of treaties and events.
        case(
            "one-member treaty",
            Set("/treaties/0/members", json!(["USA"])),
            "treaties[0].members",
            "at least two members",
        ),
        case(
            "treaty without obligations",
            Set("/treaties/0/obligations", json!([])),
            "treaties[0].obligations",
            "at least one obligation",
        ),
        case(
            "event without a time",
            Remove("/events/0", "hazard"),
            "events[0]",
            "an event needs a time",
        ),
        case(
            "probability without window",
            Set(
                "/events/0",
                json!({"kind": "attack", "by": "PRK", "on": "ROK", "probability": 0.2}),
            ),
            "events[0].probability",
            "needs a `window`",
        ),
        case(
            "attack below force",
            Add("/events/0", "level", json!(2)),
            "events[0].level",
            "use a `dispute` event",
        ),
        case(
            "field of another kind",
            Add("/events/0", "regime", json!("s1")),
            "events[0].regime",
            "does not apply to a `attack` event",
        ),
        case(
            "stance event with both forms",
            Set(
                "/events/0",
                json!({"kind": "stance", "from": "PRK", "to": "ROK", "between": ["PRK", "USA"], "value": 0.1, "at": 2}),
            ),
            "events[0]",
            "either `from` and `to` or `between`",
        ),
        case(
            "conditions nested 40 deep",
            Add("/events/0", "when", nested_conditions(40)),
            "events[0].when",
            "nest deeper than 32",
        ),
        case(
            "adversary both named and excluded",
            Set(
                "/treaties/0/obligations/0/trigger",
                json!({"adversaries": ["PRK"], "adversaries_exclude": ["PRK"]}),
            ),
            "treaties[0].obligations[0].trigger.adversaries_exclude[0]",
            "both a named adversary and excluded",
        ),
        case(
            "attack condition misspelt",
            Add(
                "/treaties/0/obligations/0/trigger",
                "attack",
                json!("lethal"),
            ),
            "treaties[0].obligations[0].trigger.attack",
            "unknown variant `lethal`, expected `armed` or `any`",
        ),
        case(
            "use of force of an unknown kind",
            Add("/events/0", "action", json!("raid")),
            "events[0].action",
            "unknown variant `raid`, expected `seizure` or `attack`",
        ),
        case(
            "lethality on a dispute event",
            Set(
                "/events/0",
                json!({"kind": "dispute", "by": "PRK", "on": "ROK", "lethal": true, "at": 1}),
            ),
            "events[0].lethal",
            "`lethal` does not apply to a `dispute` event",
        ),
        case(
            "a join event without the actor it fights",
            Set("/events/0", json!({"kind": "join", "by": "USA", "at": 1})),
            "events[0]",
            "a `join` event needs `on`",
        ),
        case(
            "a start that is no date",
            Add("", "start", json!("2024-02-30")),
            "start",
            "expected a date, YYYY-MM or YYYY-MM-DD, found \"2024-02-30\"",
        ),
        case(
            "a declaration of war at a level",
            Set(
                "/events/0",
                json!({"kind": "declare", "by": "USA", "on": "PRK", "level": "war", "at": 1}),
            ),
            "events[0].level",
            "`level` does not apply to a `declare` event, which takes `by`, `on`",
        ),
        case(
            "a join event against itself",
            Set(
                "/events/0",
                json!({"kind": "join", "by": "USA", "on": "USA", "at": 1}),
            ),
            "events[0].on",
            "`USA` cannot act against itself",
        ),
        case(
            "a join event at peace",
            Set(
                "/events/0",
                json!({"kind": "join", "by": "USA", "on": "PRK", "level": 0, "at": 1}),
            ),
            "events[0].level",
            "takes a level from 1 to 7",
        ),
        case(
            "a share above one",
            Add(
                "",
                "dyads",
                json!([{"between": ["PRK", "ROK"], "onset_rate": 0.4, "lethal_share": 1.5}]),
            ),
            "dyads[0].lethal_share",
            "expected a number from 0 to 1, found 1.5",
        ),
        case(
            "an unknown reach",
            Add("/actors/0", "reach", json!("continental")),
            "actors[0].reach",
            "unknown variant `continental`, expected `global` or `regional`",
        ),
        case(
            "allies of adversaries without adversaries",
            Add(
                "/treaties/0/obligations/0/trigger",
                "adversaries_allies",
                json!(true),
            ),
            "treaties[0].obligations[0].trigger.adversaries_allies",
            "expected `adversaries` beside it: the states whose allies count too",
        ),
        case(
            "a negative propensity for voluntary entry",
            Add("/actors/0", "voluntary_entry", json!(-1)),
            "actors[0].voluntary_entry",
            "expected a number from 0 to 1000, found -1",
        ),
    ]
}

fn bytes_of(input: &Input) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(BASE).unwrap();
    match input {
        Input::Bytes(bytes) => return bytes.clone(),
        Input::Set(pointer, new) => {
            *value
                .pointer_mut(pointer)
                .unwrap_or_else(|| panic!("no {pointer} in BASE")) = new.clone();
        }
        Input::Add(pointer, key, new) => {
            let object = value.pointer_mut(pointer).and_then(Value::as_object_mut);
            object
                .unwrap_or_else(|| panic!("no object {pointer}"))
                .insert((*key).into(), new.clone());
        }
        Input::Remove(pointer, key) => {
            let object = value.pointer_mut(pointer).and_then(Value::as_object_mut);
            object
                .unwrap_or_else(|| panic!("no object {pointer}"))
                .remove(*key)
                .expect("key exists");
        }
    }
    serde_json::to_vec_pretty(&value).unwrap()
}

#[test]
fn the_base_scenario_is_valid() {
    let dir = common::scratch_dir("malformed_base");
    let file = dir.join("base.json");
    std::fs::write(&file, BASE).unwrap();
    let out = common::casus(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn every_malformed_scenario_is_rejected_with_its_path_and_position() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let dir = common::scratch_dir("malformed");
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let file = dir.join(format!("case{i:02}.json"));
        std::fs::write(&file, bytes_of(&c.input)).unwrap();
        let file = file.to_str().unwrap();
        let out = common::casus(&["validate", file]);
        let first_error = out
            .stderr
            .lines()
            .find(|l| l.contains(c.message))
            .unwrap_or("");
        let expected_position = !c.message.contains("byte limit");
        let problems = [
            (out.code != 1, format!("exit code {}", out.code)),
            (!out.stdout.is_empty(), "printed on stdout".to_owned()),
            (out.stderr.contains("panicked"), "panicked".to_owned()),
            (
                first_error.is_empty(),
                format!("no line containing {:?}", c.message),
            ),
            (
                !first_error.starts_with(&format!("error: {file}:")),
                "file not named first".to_owned(),
            ),
            (
                !first_error.contains(&format!(": {}: ", c.path)) && !c.path.is_empty(),
                format!("path {:?} not named", c.path),
            ),
            (
                expected_position && !has_line_and_column(first_error, file),
                "no line:column".to_owned(),
            ),
        ];
        for (failed, why) in problems {
            if failed {
                failures.push(format!(
                    "{} ({}): {why}\n  stderr: {}",
                    c.name,
                    i,
                    out.stderr.trim()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn has_line_and_column(line: &str, file: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("error: {file}:")) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let numeric =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    numeric(parts.next()) && numeric(parts.next())
}

#[test]
fn every_problem_in_a_file_is_reported_not_only_the_first() {
    let mut value: Value = serde_json::from_str(BASE).unwrap();
    value["stances"][0]["to"] = json!("ROKK");
    value["treaties"][0]["members"][0] = json!("USAA");
    value["sanctions"][0]["intensity"] = json!(2.0);
    value["regions"][1]["within"] = json!("nowhere");
    let dir = common::scratch_dir("malformed_many");
    let file = dir.join("many.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let out = common::casus(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{}", out.stderr);
    for path in [
        "regions[1].within",
        "stances[0].to",
        "treaties[0].members[0]",
        "sanctions[0].intensity",
    ] {
        assert!(
            out.stderr.contains(&format!(": {path}: ")),
            "{path} missing from\n{}",
            out.stderr
        );
    }
    // In document order: by line number.
    let line_of = |l: &str| -> usize {
        let rest = l.split(".json:").nth(1).unwrap();
        rest.split(':').next().unwrap().parse().unwrap()
    };
    let numbers: Vec<usize> = lines.iter().map(|l| line_of(l)).collect();
    assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "{}", out.stderr);
}

#[test]
fn type_errors_in_several_elements_are_all_reported() {
    let mut value: Value = serde_json::from_str(BASE).unwrap();
    value["actors"][0]["capability"] = json!("big");
    value["actors"][2]["nuclear"] = json!("yes");
    value["events"][0]["kind"] = json!("invade");
    let dir = common::scratch_dir("malformed_types");
    let file = dir.join("types.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let out = common::casus(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    for path in [
        "actors[0].capability",
        "actors[2].nuclear",
        "events[0].kind",
    ] {
        assert!(
            out.stderr.contains(&format!(": {path}: ")),
            "{path} missing from\n{}",
            out.stderr
        );
    }
}

/// Type errors and semantic problems are reported together, in one pass: what could be read is
/// checked with the unreadable elements left out, problems after a left-out element keep the
/// file's own indices, and a reference to a left-out element is not reported as unknown.
#[test]
fn type_errors_and_semantic_problems_are_reported_together() {
    let mut value: Value = serde_json::from_str(BASE).unwrap();
    value["actors"][0]["capability"] = json!("big"); // PRK cannot be read
    value["actors"][2]["capability"] = json!(-1.0); // USA reads, but is invalid
    value["treaties"][0]["obligations"][0]["kind"] = json!("defence"); // mdt cannot be read
    value["treaties"][1]["members"] = json!(["PRK", "USA", "FRA"]); // FRA is unknown
    value["events"][0]["hazard"] = json!(2.0); // PRK's event: refers to PRK, out of range
    let dir = common::scratch_dir("malformed_together");
    let file = dir.join("together.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let out = common::casus(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    for (path, message) in [
        ("actors[0].capability", "invalid type"),
        ("actors[2].capability", "greater than 0"),
        (
            "treaties[0].obligations[0].kind",
            "unknown variant `defence`",
        ),
        ("treaties[1].members[2]", "unknown actor `FRA`"),
        ("events[0].hazard", "from 0 to 1"),
    ] {
        let line = out
            .stderr
            .lines()
            .find(|l| l.contains(&format!(": {path}: ")))
            .unwrap_or_else(|| panic!("{path} missing from\n{}", out.stderr));
        assert!(line.contains(message), "{line}");
        assert!(has_line_and_column(line, file.to_str().unwrap()), "{line}");
    }
    assert!(
        out.stderr.contains("did you mean `defense`?"),
        "{}",
        out.stderr
    );
    // PRK and the treaty mdt are in the file: references to them are not problems.
    assert!(
        !out.stderr.contains("unknown actor `PRK`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("unknown treaty"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 5, "{}", out.stderr);
}
