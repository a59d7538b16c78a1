//! `casus sweep`: each point is exactly a plain run with the same overrides and seed.

mod common;

use common::{casus, scratch_dir};

#[test]
fn a_sweep_point_equals_a_plain_run_with_the_same_set_and_seed() {
    let dir = scratch_dir("sweep_point");
    let csv_path = dir.join("sweep.csv");
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
        csv_path.to_str().unwrap(),
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
