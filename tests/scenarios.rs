//! The bundled scenarios and the committed JSON Schema.

mod common;

use casus::scenario;

#[test]
fn every_bundled_scenario_is_valid() {
    let files = common::bundled_scenarios();
    assert!(
        files.len() >= 3,
        "expected the bundled scenarios, found {files:?}"
    );
    for file in files {
        let loaded = scenario::load(&file);
        assert!(
            loaded.is_ok(),
            "{}: {}",
            file.display(),
            loaded.unwrap_err()
        );
    }
}

#[test]
fn every_bundled_scenario_names_the_schema_and_sources_its_elements() {
    for file in common::bundled_scenarios() {
        let s = scenario::load(&file).unwrap();
        assert_eq!(
            s.schema.as_deref(),
            Some("casus.schema.json"),
            "{}",
            file.display()
        );
        assert!(
            s.source.is_some(),
            "{}: the scenario has no source",
            file.display()
        );
        let unsourced: Vec<&str> = s
            .actors
            .iter()
            .filter(|a| a.source.is_none())
            .map(|a| a.id.as_str())
            .chain(
                s.treaties
                    .iter()
                    .filter(|t| t.source.is_none())
                    .map(|t| t.id.as_str()),
            )
            .chain(
                s.treaties
                    .iter()
                    .flat_map(|t| &t.obligations)
                    .filter(|o| o.source.is_none())
                    .map(|o| o.id.as_str()),
            )
            .chain(
                s.sanctions
                    .iter()
                    .filter(|r| r.source.is_none())
                    .map(|r| r.id.as_str()),
            )
            .chain(
                s.events
                    .iter()
                    .filter(|e| e.source.is_none())
                    .filter_map(|e| e.id.as_deref()),
            )
            .chain(
                s.stances
                    .iter()
                    .filter(|x| x.source.is_none())
                    .map(|_| "a stance"),
            )
            .chain(
                s.dyads
                    .iter()
                    .filter(|d| d.source.is_none())
                    .map(|_| "a dyad"),
            )
            .collect();
        assert!(
            unsourced.is_empty(),
            "{}: no source for {unsourced:?}",
            file.display()
        );
    }
}

#[test]
fn committed_schema_matches_the_types() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/casus.schema.json");
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        committed,
        scenario::json_schema(),
        "scenarios/casus.schema.json is stale: run `cargo run -- schema > scenarios/casus.schema.json`"
    );
    assert_eq!(
        committed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn a_scenario_survives_a_round_trip_through_json() {
    for file in common::bundled_scenarios() {
        let s = scenario::load(&file).unwrap();
        let text = serde_json::to_string_pretty(&s).unwrap();
        let again = scenario::parse(&text, "round-trip").unwrap();
        assert_eq!(s, again, "{}", file.display());
    }
}

#[test]
fn northeast_asia_encodes_the_treaty_clauses_it_cites() {
    use casus::model::Level;
    use scenario::{Commitment, Territory};
    let s = scenario::load("scenarios/northeast_asia_2024.json").unwrap();
    let obligation = |treaty: &str, id: &str| {
        s.treaties
            .iter()
            .find(|t| t.id == treaty)
            .and_then(|t| t.obligations.iter().find(|o| o.id == id))
            .unwrap_or_else(|| panic!("{treaty}/{id} is missing"))
            .clone()
    };
    // "armed attack ... and thus in a state of war"
    assert_eq!(
        obligation("rus_prk_2024", "art4_rus").trigger.min_level,
        Some(Level::War)
    );
    assert_eq!(
        obligation("cn_prk_1961", "art2").trigger.min_level,
        Some(Level::War)
    );
    // "in the Pacific area", on territory under a party's administration, constitutional processes
    let mdt = obligation("us_rok_mdt", "art3");
    assert_eq!(mdt.trigger.regions, Some(vec!["pacific".to_owned()]));
    assert_eq!(mdt.trigger.territory, Territory::Partner);
    assert_eq!(mdt.response.commitment, Commitment::Constitutional);
    // territories under the administration of Japan, the Senkakus among them
    assert_eq!(
        obligation("us_japan_1960", "art5").trigger.regions,
        Some(vec!["japan".to_owned()])
    );
    let senkaku = s.regions.iter().find(|r| r.id == "senkaku").unwrap();
    assert_eq!(senkaku.within.as_deref(), Some("japan"));
}

/// The schema carries the valid range of every bounded number, and its bounds are validation's:
/// each inclusive bound is accepted, an exclusive one refused, and a value past either refused, on
/// the Northeast Asia scenario.
#[test]
fn the_schema_bounds_are_the_validation_bounds() {
    let schema = scenario::json_schema();
    let defs = &schema["$defs"];
    // The bounds, and whether the lower one is exclusive.
    let bounds = |def: &str, field: &str| -> ([f64; 2], bool) {
        let property = &defs[def]["properties"][field];
        let bound = |key: &str| property[key].as_f64();
        let hi = bound("maximum").unwrap_or_else(|| panic!("{def}.{field} has no maximum"));
        match (bound("minimum"), bound("exclusiveMinimum")) {
            (Some(lo), None) => ([lo, hi], false),
            (None, Some(lo)) => ([lo, hi], true),
            other => panic!("{def}.{field}: expected one lower bound, found {other:?}"),
        }
    };
    for (name, _, lo, hi) in scenario::Parameters::default().ranges() {
        assert_eq!(
            bounds("Parameters", name),
            ([lo, hi], false),
            "parameters.{name}"
        );
    }
    let cases = [
        (
            "Obligation",
            "reliability",
            "treaties.rus_prk_2024.obligations.art4_rus.reliability",
        ),
        ("Actor", "capability", "actors.#0.capability"),
        ("Actor", "economy", "actors.#0.economy"),
        ("Actor", "voluntary_entry", "actors.#0.voluntary_entry"),
        ("Stance", "value", "stances.0.value"),
        ("Dyad", "onset_rate", "dyads.0.onset_rate"),
        ("Dyad", "force_share", "dyads.0.force_share"),
        ("SanctionRegime", "intensity", "sanctions.#0.intensity"),
        ("Parameters", "up_force", "parameters.up_force"),
        (
            "Parameters",
            "escalation_nuclear",
            "parameters.escalation_nuclear",
        ),
    ];
    let compiles = |path: &str, value: f64| {
        let change: scenario::Override = format!("{path}={value}").parse().unwrap();
        casus::compile("scenarios/northeast_asia_2024.json", &[change]).is_ok()
    };
    for (def, field, path) in cases {
        let ([lo, hi], exclusive) = bounds(def, field);
        assert!(
            compiles(path, hi),
            "{path} = {hi}, the schema's maximum, is refused"
        );
        let past = hi + 0.5 * hi.abs().max(1.0);
        assert!(!compiles(path, past), "{path} = {past} is accepted");
        assert_eq!(
            compiles(path, lo),
            !exclusive,
            "{path} = {lo}, the schema's minimum (exclusive: {exclusive})"
        );
        let below = lo - 0.5 * lo.abs().max(1.0);
        assert!(!compiles(path, below), "{path} = {below} is accepted");
    }
}
