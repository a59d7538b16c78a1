//! `casus sweep`: each point is exactly a plain run with the same overrides and seed; its output
//! directory, chart and report section.

mod common;

use common::{casus, check_chart, scratch_dir};

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_sweep_point_equals_a_plain_run_with_the_same_set_and_seed() {
    let dir = scratch_dir("sweep_point");
    let out_dir = dir.join("out");
    let csv_path = out_dir.join("sweep.csv");
    let sweep = casus(&[
        "sweep",
        "scenarios/two_actor_dispute.json",
        "--param",
        "parameters.up_force",
        "--values",
        "0.004,0.02",
        "--param",
        "parameters.settle_force",
        "--range",
        "0.2:0.5:2",
        "--runs",
        "400",
        "--seed",
        "9",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(sweep.code, 0, "{}", sweep.stderr);
    assert!(
        sweep.stdout.contains("4 points (grid) × 400 runs, seed 9"),
        "{}",
        sweep.stdout
    );
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4);
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();

    // Point 4 is up_force 0.02, settle_force 0.5.
    let row = &rows[3];
    assert_eq!(row[column("parameters.up_force")], "0.02");
    assert_eq!(row[column("parameters.settle_force")], "0.5");
    let plain_dir = dir.join("plain");
    let plain = casus(&[
        "run",
        "scenarios/two_actor_dispute.json",
        "--set",
        "parameters.up_force=0.02",
        "--set",
        "parameters.settle_force=0.5",
        "--runs",
        "400",
        "--seed",
        "9",
        "--quiet",
        "--out",
        plain_dir.to_str().unwrap(),
    ]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plain_dir.join("summary.json")).unwrap())
            .unwrap();
    for (k, name) in [(4, "force"), (5, "war"), (6, "nuclear_limited")] {
        let p = &summary["results"]["highest_at_least"][k]["probability"];
        assert_eq!(row[column(&format!("ge_{name}"))], p["count"].to_string());
        assert_eq!(
            row[column(&format!("p_ge_{name}"))],
            format!("{:.6}", p["p"].as_f64().unwrap())
        );
    }
    // Raising the chance of war from force raises P(≥ war), all else equal (common random numbers).
    let war = |r: &Vec<&str>| r[column("ge_war")].parse::<u64>().unwrap();
    assert!(war(&rows[2]) > war(&rows[0]), "{text}");

    // sweep.json records the base's provenance as a run does, and the same counts.
    let swept = json(&out_dir.join("sweep.json"));
    let plain_provenance = &summary["provenance"];
    for field in ["casus_version", "scenario", "scenario_sha256", "seed"] {
        assert_eq!(
            swept["provenance"][field], plain_provenance[field],
            "{field}"
        );
    }
    assert_eq!(swept["subject"], "highest");
    assert_eq!(
        swept["points"][3]["at_least"][5],
        summary["results"]["highest_at_least"][5]["probability"]
    );
    check_chart(
        "sweep",
        &std::fs::read_to_string(out_dir.join("sweep.svg")).unwrap(),
    );
    let report = casus(&["report", out_dir.to_str().unwrap()]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let page = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    for id in ["sweep", "sweep-provenance", "sweep-table", "chart-sweep"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
}

/// `--actor` follows one actor: each point's figures are the actor's highest level in a plain run;
/// a scenario with a focus is swept over its focus unless an actor is named.
#[test]
fn a_sweep_follows_an_actor_or_the_focus() {
    let dir = scratch_dir("sweep_actor");
    let file = "scenarios/northeast_asia_2024.json";
    let sweep = |extra: &[&str], out: &str| {
        let out = dir.join(out);
        let mut args = vec![
            "sweep",
            file,
            "--param",
            "parameters.escalation_nuclear",
            "--values",
            "1.5,3.5",
            "--runs",
            "300",
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = casus(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        (r.stdout, json(&out.join("sweep.json")))
    };
    let (text, usa) = sweep(&["--actor", "USA"], "usa");
    assert!(text.contains("P(USA ≥ war)"), "{text}");
    let (text, focus) = sweep(&[], "focus");
    assert!(text.contains("focus: conflicts begun in the run"), "{text}");
    assert_eq!(focus["subject"], "focus");
    let plain_dir = dir.join("plain");
    let plain = casus(&[
        "run",
        file,
        "--set",
        "parameters.escalation_nuclear=3.5",
        "--runs",
        "300",
        "--seed",
        "5",
        "--quiet",
        "--out",
        plain_dir.to_str().unwrap(),
    ]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let summary = json(&plain_dir.join("summary.json"));
    let actors = summary["labels"]["actors"].as_array().unwrap();
    let usa_ix = actors.iter().position(|a| a == "USA").unwrap();
    let highest = summary["counts"]["actors"][usa_ix]["highest"]
        .as_array()
        .unwrap();
    let at_least_war: u64 = highest[5..].iter().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(usa["points"][1]["at_least"][5]["count"], at_least_war);
    assert_eq!(
        focus["points"][1]["at_least"][5],
        summary["results"]["highest_at_least_focus"][5]["probability"]
    );
    // An unknown actor is refused before any run, with the nearest id.
    let r = casus(&[
        "sweep",
        file,
        "--param",
        "parameters.escalation_nuclear",
        "--values",
        "2",
        "--actor",
        "USB",
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("did you mean `USA`"), "{}", r.stderr);
}

#[test]
fn sweep_arguments_are_checked() {
    for (args, message) in [
        (
            vec!["--values", "0.1", "--param", "parameters.up_force"],
            "comes before any --param",
        ),
        (vec!["--param", "parameters.up_force"], "needs --values"),
        (
            vec!["--param", "parameters.up_force", "--range", "1:0:3"],
            "LO ≤ HI",
        ),
        (
            vec![
                "--param",
                "parameters.up_force",
                "--values",
                "0.1",
                "--design",
                "lhs",
            ],
            "a Latin hypercube samples ranges",
        ),
        (
            vec![
                "--param",
                "parameters.up_force",
                "--values",
                "0.1",
                "--param",
                "parameters.up_force",
                "--values",
                "0.2",
            ],
            "--param parameters.up_force is given twice",
        ),
    ] {
        let mut all = vec!["sweep", "scenarios/two_actor_dispute.json"];
        all.extend(args);
        let out = casus(&all);
        assert_ne!(out.code, 0, "{all:?}");
        assert!(out.stderr.contains(message), "{all:?}: {}", out.stderr);
    }
    // A point that does not validate stops the sweep before any run, naming the problem.
    let out = casus(&[
        "sweep",
        "scenarios/two_actor_dispute.json",
        "--param",
        "parameters.up_force",
        "--values",
        "0.1,7",
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("up_force"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}
