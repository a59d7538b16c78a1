//! `casus compare`: paired runs of two variants with common random numbers.

mod common;

use common::casus;

fn comparison(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = casus(&all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// The arms of a comparison agree in every run: on every level, actor, obligation and standing,
/// and on every pathway.
fn assert_identical(c: &serde_json::Value) {
    let levels = c["highest_at_least"].as_array().unwrap();
    let named = ["at_war", "triggered", "honoured", "standing"]
        .iter()
        .filter_map(|s| c[*s].as_object())
        .flat_map(|m| m.iter().map(|(name, p)| (name.as_str(), p)));
    for (name, p) in levels.iter().map(|p| ("a level", p)).chain(named) {
        assert_eq!(
            (p["only_a"].as_u64(), p["only_b"].as_u64()),
            (Some(0), Some(0)),
            "{name}"
        );
    }
    let pathways = c["pathways"].as_array().unwrap();
    assert!(
        pathways[0]["blocks"]
            .as_array()
            .is_some_and(|b| !b.is_empty())
    );
    assert_eq!(pathways[0], pathways[1], "pathways");
}

#[test]
fn a_scenario_compared_with_itself_differs_nowhere() {
    let c = comparison(&[
        "scenarios/northeast_asia_2024.json",
        "scenarios/northeast_asia_2024.json",
        "--runs",
        "300",
    ]);
    assert_eq!(c["runs"], 300);
    assert_identical(&c);
    let text = casus(&[
        "compare",
        "scenarios/northeast_asia_2024.json",
        "--runs",
        "300",
    ]);
    assert!(
        text.stdout
            .contains("The arms agree in every run on every headline outcome."),
        "{}",
        text.stdout
    );
}

/// North Korea's part in the Ukraine war is a scripted fact (`dprk_troops`), so the treaty's duties
/// fire only in arm A while North Korea is at war about as often in both.
#[test]
fn leaving_out_the_russia_dprk_treaty_removes_its_duties_not_north_koreas_war() {
    let c = comparison(&[
        "scenarios/northeast_asia_2024.json",
        "--without",
        "treaty:rus_prk_2024",
        "--runs",
        "1000",
    ]);
    let prk = &c["at_war"]["PRK"];
    let (only_a, only_b) = (
        prk["only_a"].as_u64().unwrap(),
        prk["only_b"].as_u64().unwrap(),
    );
    assert!(prk["both"].as_u64().unwrap() > 600, "{prk}");
    assert!(only_a < 100 && only_b < 100, "{prk}");
    assert!(
        c["triggered"]["rus_prk_2024/art4_prk PRK>RUS"]["only_a"]
            .as_u64()
            .unwrap()
            > 500
    );
    assert_eq!(c["triggered"]["rus_prk_2024/art4_prk PRK>RUS"]["only_b"], 0);
    let text = casus(&[
        "compare",
        "scenarios/northeast_asia_2024.json",
        "--without",
        "treaty:rus_prk_2024",
        "--runs",
        "1000",
    ]);
    let line = text
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("rus_prk_2024/art4_prk PRK>RUS"))
        .unwrap();
    assert!(line.contains(" 0.0 %"), "never in arm B: {line}");
}

/// A treaty left out is never in force: a condition naming it never holds, and `not` of it always
/// does, instead of the variant being refused for naming a treaty it no longer has. Here Western
/// sanctions on Russia wait for the Russia–DPRK treaty (in force from step 5) and the 2001
/// Sino-Russian treaty, and Russian fuel flows to North Korea only while the first is not in force.
#[test]
fn a_treaty_left_out_is_never_in_force() {
    let sanctions = r#"sanctions.west_on_russia.when={"all": [{"in_force": "rus_prk_2024"}, {"in_force": "cn_rus_2001"}]}"#;
    let fuel = r#"transfers.rus_prk_fuel.when={"not": {"in_force": "rus_prk_2024"}}"#;
    let results = |without: &[&str]| {
        let dir = common::scratch_dir(&format!("never_in_force_{}", without.len()));
        let dir_text = dir.display().to_string();
        let mut args = vec![
            "run",
            "scenarios/northeast_asia_2024.json",
            "--runs",
            "200",
            "--quiet",
            "--force",
            "--out",
            &dir_text,
            "--set",
            sanctions,
            "--set",
            fuel,
        ];
        args.extend_from_slice(without);
        let out = casus(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap())
                .unwrap();
        let find = |list: &str, key: &str, id: &str| {
            summary["results"][list]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r[key] == id)
                .cloned()
                .unwrap()
        };
        (
            find("regimes", "regime", "west_on_russia")["imposed"]["count"]
                .as_u64()
                .unwrap(),
            find("transfers", "transfer", "rus_prk_fuel")["mean_delivered"]
                .as_f64()
                .unwrap(),
        )
    };
    let (imposed, fuel_with) = results(&[]);
    assert_eq!(imposed, 200, "imposed once both treaties are in force");
    let (imposed, fuel_without) = results(&["--set", "without:treaties.rus_prk_2024"]);
    assert_eq!(imposed, 0, "never imposed without the treaty");
    assert!(
        fuel_without > 5.0 * fuel_with,
        "fuel flows throughout without the treaty, for 5 steps with it: {fuel_without} against {fuel_with}"
    );
    // The comparison the condition used to make impossible.
    let c = comparison(&[
        "scenarios/northeast_asia_2024.json",
        "--runs",
        "200",
        "--set",
        sanctions,
        "--without",
        "treaty:rus_prk_2024",
    ]);
    assert_eq!(c["triggered"]["rus_prk_2024/art4_prk PRK>RUS"]["only_b"], 0);
}

#[test]
fn bad_variants_are_refused() {
    let out = casus(&[
        "compare",
        "scenarios/northeast_asia_2024.json",
        "--without",
        "alliance:nato",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("expected treaty, sanction, transfer or event"),
        "{}",
        out.stderr
    );
    let out = casus(&[
        "compare",
        "scenarios/northeast_asia_2024.json",
        "--without",
        "treaty:natoo",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("did you mean `nato`?"),
        "{}",
        out.stderr
    );
}

/// Keyed draws (docs/MODEL.md §5): an arm that differs only by an event that never happens, yet
/// draws at month 1 every run, is the same as the other, run for run; and leaving out the
/// Russia–DPRK treaty, the arms stay in step where the treaty does not matter, so the paired
/// intervals are at least three times narrower than independent samples' would be.
#[test]
fn keyed_draws_keep_the_arms_in_step() {
    let dir = common::scratch_dir("compare_probe");
    let mut scenario: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("scenarios/northeast_asia_2024.json").unwrap(),
    )
    .unwrap();
    scenario["events"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "probe", "kind": "stance", "from": "USA", "to": "CHN", "delta": 0.5,
            "hazard": 0.5, "window": [1, 1], "when": {"not": {"step": {"at_least": 0}}}
        }));
    let probe = dir.join("probe.json");
    std::fs::write(&probe, scenario.to_string()).unwrap();
    let c = comparison(&[
        "scenarios/northeast_asia_2024.json",
        probe.to_str().unwrap(),
        "--runs",
        "500",
    ]);
    assert_identical(&c);

    let c = comparison(&[
        "scenarios/northeast_asia_2024.json",
        "--without",
        "treaty:rus_prk_2024",
        "--runs",
        "2000",
    ]);
    let c: casus::monte_carlo::Comparison = serde_json::from_value(c).unwrap();
    let narrowing = c.narrowing().unwrap();
    assert!(narrowing >= 3.0, "{narrowing}");
}

/// Each arm's pathways are counted in bounded memory, as `casus run` counts them (docs/MODEL.md
/// §3.10): past 2,048 pathways in a block of runs the counts are cut, the table says by how much,
/// and the counts, cut or not, are the same at any thread count.
#[test]
fn pathways_in_bounded_memory_are_the_same_at_any_thread_count() {
    let args = |threads| {
        [
            "scenarios/northeast_asia_2024.json",
            "--set-b",
            "transfers.rus_prk_aircraft.rate=[0.0007,0.0021]",
            "--runs",
            "10000",
            "--threads",
            threads,
        ]
    };
    let one = comparison(&args("1"));
    assert_eq!(one, comparison(&args("2")));
    for arm in one["pathways"].as_array().unwrap() {
        let cut = arm["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["shortfall"].as_u64().unwrap_or(0) > 0);
        assert!(cut, "no count cut: the bound is not exercised");
    }
    let mut all = vec!["compare"];
    all.extend_from_slice(&args("2"));
    let text = casus(&all).stdout;
    assert!(
        text.contains(
            "(counted in bounded memory: each count up to 1 run short in A and 1 run in B"
        ),
        "{text}"
    );
}
