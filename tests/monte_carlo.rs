//! `casus run` and `casus merge`: determinism at any thread count and sharding, and refusals.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{casus, scratch_dir};

const SCENARIO: &str = "scenarios/northeast_asia_2024.json";
const RUNS: &str = "300";

fn run_into(dir: &Path, extra: &[&str]) {
    run_file_into(SCENARIO, dir, extra);
}

fn run_file_into(file: &str, dir: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        file,
        "--runs",
        RUNS,
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = casus(&args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let root = scratch_dir("mc_threads");
    for (runs, name) in [("1", "one"), (RUNS, "many")] {
        let one = root.join(format!("{name}_1"));
        let two = root.join(format!("{name}_2"));
        for (dir, threads) in [(&one, "1"), (&two, "2")] {
            let out = casus(&[
                "run",
                SCENARIO,
                "--runs",
                runs,
                "--threads",
                threads,
                "--quiet",
                "--out",
                dir.to_str().unwrap(),
            ]);
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
        for file in common::OUTPUT_FILES {
            assert_eq!(
                read(&one, file),
                read(&two, file),
                "{file} differs between 1 and 2 threads ({runs} runs)"
            );
        }
    }
}

#[test]
fn any_split_into_shards_merges_to_the_same_bytes() {
    let root = scratch_dir("mc_shards");
    let whole = root.join("whole");
    run_into(&whole, &[]);
    for count in [1u32, 2, 3, 7] {
        let mut shard_dirs: Vec<PathBuf> = Vec::new();
        // Shards run in reverse order, to show that order does not matter.
        for index in (0..count).rev() {
            let dir = root.join(format!("of{count}_{index}"));
            run_into(
                &dir,
                &["--shard", &format!("{index}/{count}"), "--threads", "1"],
            );
            shard_dirs.push(dir);
        }
        let merged = root.join(format!("merged{count}"));
        let mut args = vec!["merge", "--quiet", "--out", merged.to_str().unwrap()];
        args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap()));
        let out = casus(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        for file in common::OUTPUT_FILES {
            assert_eq!(
                read(&whole, file),
                read(&merged, file),
                "{file} differs after merging {count} shards"
            );
        }
    }
}

#[test]
fn two_seeds_differ() {
    let root = scratch_dir("mc_seeds");
    let (a, b) = (root.join("a"), root.join("b"));
    run_into(&a, &["--seed", "1"]);
    run_into(&b, &["--seed", "2"]);
    let counts = |d: &Path| {
        let s: serde_json::Value = serde_json::from_str(&read(d, "summary.json")).unwrap();
        s["counts"].clone()
    };
    assert_ne!(counts(&a), counts(&b));
}

#[test]
fn summary_json_carries_provenance_and_derived_results() {
    let root = scratch_dir("mc_provenance");
    let dir = root.join("out");
    run_into(
        &dir,
        &["--set", "parameters.onset_rate=0.03", "--seed", "5"],
    );
    let s: serde_json::Value = serde_json::from_str(&read(&dir, "summary.json")).unwrap();
    let p = &s["provenance"];
    assert_eq!(p["casus_version"], casus::VERSION);
    assert_eq!(p["seed"], 5);
    assert_eq!(p["runs_requested"], 300);
    assert_eq!(p["complete"], true);
    assert_eq!(p["overrides"][0], "parameters.onset_rate=0.03");
    assert_eq!(p["parameters"]["onset_rate"], 0.03);
    let bytes = fs::read(SCENARIO).unwrap();
    assert_eq!(p["scenario_sha256"], casus::monte_carlo::sha256_hex(&bytes));
    assert_eq!(p["scenario_sha256"].as_str().unwrap().len(), 64);
    // The Ukraine war is under way from step 0 in every run.
    let war = &s["results"]["highest_at_least"][5];
    assert_eq!(war["level"], 5);
    assert_eq!(war["probability"]["count"], 300);
    let runs_csv = read(&dir, "runs.csv");
    assert_eq!(runs_csv.lines().count(), 301);
    assert!(runs_csv.lines().nth(1).unwrap().starts_with("0,"));
}

#[test]
fn a_non_empty_output_directory_is_refused_without_force() {
    let root = scratch_dir("mc_force");
    let dir = root.join("out");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = casus(&[
        "run",
        SCENARIO,
        "--runs",
        "10",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("not empty; use --force"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "nothing written");
    let out = casus(&[
        "run",
        SCENARIO,
        "--runs",
        "10",
        "--quiet",
        "--force",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.join("summary.json").exists() && dir.join("notes.txt").exists());
}

#[test]
fn bad_overrides_and_shards_fail_before_any_run() {
    let root = scratch_dir("mc_bad");
    let dir = root.join("out");
    let out = casus(&[
        "run",
        SCENARIO,
        "--set",
        "parameters.onset_rate=-1",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("parameters.onset_rate: expected a number from 0 to 1000, found -1"),
        "{}",
        out.stderr
    );
    assert!(!dir.exists(), "nothing created for an invalid scenario");
    for shard in ["3/3", "x/2", "1", "1/0"] {
        let out = casus(&["run", SCENARIO, "--shard", shard]);
        assert_eq!(out.code, 2, "{shard}: {}", out.stderr);
    }
}

#[test]
fn merge_refuses_missing_overlapping_and_unlike_shards() {
    let root = scratch_dir("mc_merge_refusals");
    let a = root.join("a");
    let b = root.join("b");
    let c = root.join("c");
    run_into(&a, &["--shard", "0/3"]);
    run_into(&b, &["--shard", "2/3"]);
    run_into(&c, &["--shard", "2/3", "--seed", "9"]);
    let merge = |dirs: &[&Path]| {
        let out_dir = root.join("merged");
        let _ = fs::remove_dir_all(&out_dir);
        let mut args = vec!["merge", "--quiet", "--out", out_dir.to_str().unwrap()];
        args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
        casus(&args)
    };
    let missing = merge(&[&a, &b]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains("runs 100..200 of 300 are in none of the shards given"),
        "{}",
        missing.stderr
    );
    let overlap = merge(&[&a, &a, &b]);
    assert!(
        overlap.stderr.contains("overlap: both count runs 0..100"),
        "{}",
        overlap.stderr
    );
    let unlike = merge(&[&a, &c]);
    assert!(
        unlike.stderr.contains("differ in seed: 1 against 9"),
        "{}",
        unlike.stderr
    );
}

/// An output directory that cannot be created or written is reported before any run.
#[test]
fn an_unwritable_output_directory_fails_before_any_run() {
    let root = scratch_dir("mc_unwritable");
    let file = root.join("a_file");
    fs::write(&file, "not a directory").unwrap();
    let inside = file.join("out");
    let started = std::time::Instant::now();
    let out = casus(&[
        "run",
        SCENARIO,
        "--runs",
        "100000000",
        "--out",
        inside.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("cannot create the output directory"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(started.elapsed().as_secs() < 30, "it ran before failing");
}

#[test]
fn precision_stops_at_a_batch_boundary_like_a_plain_run_of_that_length() {
    let root = scratch_dir("mc_precision");
    let summary = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&read(dir, "summary.json")).unwrap()
    };
    let run = |name: &str, extra: &[&str]| {
        let dir = root.join(name);
        let mut args = vec![
            "run",
            "scenarios/two_actor_dispute.json",
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = casus(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        summary(&dir)
    };
    let half_width = |s: &serde_json::Value| {
        let war = &s["results"]["highest_at_least"][5]["probability"];
        assert_eq!(s["results"]["highest_at_least"][5]["level"], 5);
        (war["hi"].as_f64().unwrap() - war["lo"].as_f64().unwrap()) / 2.0
    };
    let target = 0.004;
    let one = run("one", &["--precision", "0.004", "--threads", "1"]);
    let two = run("two", &["--precision", "0.004", "--threads", "2"]);
    assert_eq!(one, two, "the stopping point does not depend on threads");
    let runs = one["results"]["runs"].as_u64().unwrap();
    assert_eq!(runs % 1_000, 0);
    assert!(runs > 1_000, "the target needs more than one batch here");
    assert!(half_width(&one) <= target);
    assert_eq!(one["provenance"]["precision"], target);
    assert_eq!(one["provenance"]["run_range"][1], runs);

    // The results are exactly those of a plain run of that many runs...
    let plain = run("plain", &["--runs", &runs.to_string()]);
    assert_eq!(plain["results"], one["results"]);
    assert_eq!(plain["counts"], one["counts"]);
    // ...and one batch fewer would not have met the target.
    let shorter = run("shorter", &["--runs", &(runs - 1_000).to_string()]);
    assert!(half_width(&shorter) > target);

    // A limit below the need stops there, short of the target, and says so.
    let out = casus(&[
        "run",
        "scenarios/two_actor_dispute.json",
        "--precision",
        "0.001",
        "--runs",
        "2000",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("short of the target ± 0.001 (stopped at the limit of 2,000 runs)"),
        "{}",
        out.stdout
    );
}

#[test]
fn precision_refuses_shards_and_bad_targets() {
    let with_shard = casus(&["run", SCENARIO, "--precision", "0.01", "--shard", "0/2"]);
    assert_eq!(with_shard.code, 1);
    assert!(
        with_shard
            .stderr
            .contains("cannot be combined with --shard")
    );
    for bad in ["0", "-0.1", "0.7", "x"] {
        let out = casus(&["run", SCENARIO, &format!("--precision={bad}")]);
        assert_eq!(out.code, 2, "{bad}");
        assert!(
            out.stderr.contains("expected a half-width"),
            "{}",
            out.stderr
        );
    }
}

/// `runs_by_actor.csv` answers per-actor and conditional questions: its rows give back the
/// summary's counts of runs with each actor at war, at force, and by each route in, and each of its
/// runs is a run of `runs.csv`.
#[test]
fn the_per_actor_table_agrees_with_the_summary() {
    let root = scratch_dir("mc_by_actor");
    let dir = root.join("out");
    run_into(&dir, &[]);
    let s: serde_json::Value = serde_json::from_str(&read(&dir, "summary.json")).unwrap();
    let mut table = csv::Reader::from_path(dir.join("runs_by_actor.csv")).unwrap();
    assert_eq!(
        table.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "run",
            "actor",
            "highest_level",
            "at_war",
            "first_force_step",
            "first_force_date",
            "first_war_step",
            "first_war_date",
            "route"
        ]
    );
    let mut at_war: std::collections::BTreeMap<String, u64> = Default::default();
    let mut at_force: std::collections::BTreeMap<String, u64> = Default::default();
    let mut routes: std::collections::BTreeMap<(String, String), u64> = Default::default();
    let mut runs = std::collections::BTreeSet::new();
    for row in table.records().map(|r| r.unwrap()) {
        runs.insert(row[0].parse::<u64>().unwrap());
        let actor = row[1].to_owned();
        let highest: u8 = row[2].parse().unwrap();
        assert_eq!(&row[3] == "1", highest >= 5, "{row:?}");
        assert_eq!(!row[4].is_empty(), highest >= 4, "{row:?}");
        assert_eq!(
            row[5].len(),
            if highest >= 4 { 7 } else { 0 },
            "a date: {row:?}"
        );
        *at_war.entry(actor.clone()).or_default() += u64::from(highest >= 5);
        if highest >= 4 {
            *at_force.entry(actor.clone()).or_default() += 1;
            *routes.entry((actor, row[8].to_owned())).or_default() += 1;
        }
    }
    assert!(runs.iter().all(|&r| r < 300));
    for a in s["results"]["actors"].as_array().unwrap() {
        let id = a["actor"].as_str().unwrap().to_owned();
        let count = |k: &str| a[k]["count"].as_u64().unwrap();
        assert_eq!(
            at_war.get(&id).copied().unwrap_or(0),
            count("at_war"),
            "{id}"
        );
        assert_eq!(
            at_force.get(&id).copied().unwrap_or(0),
            count("belligerent"),
            "{id}"
        );
        for route in a["routes"].as_array().unwrap() {
            let key = (id.clone(), route[0].as_str().unwrap().to_owned());
            assert_eq!(routes.get(&key).copied(), route[1].as_u64(), "{key:?}");
        }
    }
}

/// With a conflict under way when the runs begin, the summary gives P(highest ≥ k) also for the
/// conflicts begun in the run, counted as the runs' own conflicts say; without one it gives none.
#[test]
fn the_conflicts_begun_in_the_run_have_their_own_levels() {
    use casus::engine::{Simulation, World};
    use casus::model::Level;
    let root = scratch_dir("mc_begun");
    let dir = root.join("out");
    run_into(&dir, &[]);
    let s: serde_json::Value = serde_json::from_str(&read(&dir, "summary.json")).unwrap();
    let begun = &s["results"]["highest_at_least_begun"];
    let world = World::new(&casus::scenario::load(SCENARIO).unwrap()).unwrap();
    for (k, level) in [
        (4, Level::Force),
        (5, Level::War),
        (6, Level::NuclearLimited),
    ] {
        let expected = (0..300)
            .filter(|&r| {
                let mut sim = Simulation::new(&world, 1, r);
                while !sim.is_finished() {
                    sim.step(&mut ());
                }
                sim.conflicts()
                    .iter()
                    .any(|c| !c.began_before_run() && c.peak >= level)
            })
            .count();
        assert_eq!(
            begun[k]["probability"]["count"], expected as u64,
            "{level:?}"
        );
    }
    // Every run has the Ukraine war, not every run a new one.
    assert_eq!(
        s["results"]["highest_at_least"][5]["probability"]["count"],
        300
    );
    assert!(begun[5]["probability"]["count"].as_u64().unwrap() < 300);

    let plain = root.join("plain");
    let out = casus(&[
        "run",
        "scenarios/two_actor_dispute.json",
        "--runs",
        "20",
        "--quiet",
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s: serde_json::Value = serde_json::from_str(&read(&plain, "summary.json")).unwrap();
    assert!(s["results"].get("highest_at_least_begun").is_none());
}

/// A focus (`--focus-actor`, `--focus-region`, or the scenario's `monte_carlo.focus`) adds
/// P(highest ≥ k) over the conflicts it names, counted as the runs' own conflicts say: begun in
/// the run, fought in the region or one within it, at the highest level at which a named actor
/// took part. The flags are recorded as overrides; without a focus nothing is added.
#[test]
fn a_focus_counts_only_the_conflicts_it_names() {
    use casus::engine::{Simulation, World};
    use casus::model::Level;
    let root = scratch_dir("mc_focus");
    let dir = root.join("out");
    run_into(
        &dir,
        &[
            "--focus-actor",
            "USA",
            "--focus-actor",
            "JPN",
            "--focus-region",
            "east_asia",
        ],
    );
    let s: serde_json::Value = serde_json::from_str(&read(&dir, "summary.json")).unwrap();
    assert_eq!(
        s["provenance"]["overrides"],
        serde_json::json!([
            "monte_carlo.focus.actors=[\"USA\",\"JPN\"]",
            "monte_carlo.focus.regions=[\"east_asia\"]"
        ])
    );
    assert_eq!(
        s["labels"]["focus"],
        "conflicts begun in the run involving USA or JPN in east_asia"
    );
    let focus = &s["results"]["highest_at_least_focus"];
    let scenario = casus::scenario::load(SCENARIO).unwrap();
    let world = World::new(&scenario).unwrap();
    let [usa, jpn] = ["USA", "JPN"].map(|id| world.actor(id).unwrap());
    let east_asia = world
        .regions
        .iter()
        .position(|r| r.id == "east_asia")
        .unwrap();
    let highest: Vec<Level> = (0..300)
        .map(|r| {
            let mut sim = Simulation::new(&world, 1, r);
            while !sim.is_finished() {
                sim.step(&mut ());
            }
            sim.conflicts()
                .iter()
                .filter(|c| !c.began_before_run())
                .filter(|c| world.within(c.region, casus::engine::RegionIx::new(east_asia)))
                .flat_map(|c| {
                    c.participants
                        .iter()
                        .filter(|p| p.actor == usa || p.actor == jpn)
                        .map(|p| p.cap.min(c.peak))
                })
                .max()
                .unwrap_or(Level::Peace)
        })
        .collect();
    for level in Level::ALL {
        let k = usize::from(level.number());
        let expected = highest.iter().filter(|&&h| h >= level).count() as u64;
        assert_eq!(focus[k]["probability"]["count"], expected, "{level:?}");
    }
    // The figure differs from the overall one (the Ukraine war is in every run, not in focus).
    let war = |key: &str| {
        s["results"][key][5]["probability"]["count"]
            .as_u64()
            .unwrap()
    };
    assert!(war("highest_at_least_focus") < war("highest_at_least"));

    // The same focus from the scenario file, and an unknown actor named in a flag.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SCENARIO).unwrap()).unwrap();
    value["monte_carlo"]["focus"] =
        serde_json::json!({"actors": ["USA", "JPN"], "regions": ["east_asia"]});
    let file = root.join("focused.json");
    std::fs::write(&file, serde_json::to_string(&value).unwrap()).unwrap();
    let from_file = root.join("from_file");
    run_file_into(file.to_str().unwrap(), &from_file, &[]);
    let t: serde_json::Value = serde_json::from_str(&read(&from_file, "summary.json")).unwrap();
    assert_eq!(t["results"]["highest_at_least_focus"], *focus);
    let bad = casus(&["run", SCENARIO, "--runs", "10", "--focus-actor", "USB"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains(
            "--set monte_carlo.focus.actors=[\"USB\"]: monte_carlo.focus.actors[0]: unknown actor \
             `USB`; did you mean `USA`?"
        ),
        "{}",
        bad.stderr
    );
}

/// A scenario without a start has no dates: the per-run tables leave out their date columns, which
/// would be empty in every row.
#[test]
fn undated_tables_have_no_date_columns() {
    let root = scratch_dir("mc_undated");
    let dir = root.join("out");
    let out = casus(&[
        "run",
        "scenarios/two_actor_dispute.json",
        "--runs",
        "50",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let header = |file: &str| read(&dir, file).lines().next().unwrap().to_owned();
    assert_eq!(
        header("runs.csv"),
        "run,highest_level,first_war_step,belligerents,pathway"
    );
    assert_eq!(
        header("runs_by_actor.csv"),
        "run,actor,highest_level,at_war,first_force_step,first_war_step,route"
    );
    assert!(!header("levels_by_step.csv").contains("date"));
}
