//! Interrupting `casus run` with SIGINT or SIGTERM keeps the completed runs, and `--resume`
//! finishes them into exactly the summary an uninterrupted run writes.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{casus, scratch_dir};

const SCENARIO: &str = "scenarios/northeast_asia_2024.json";
const RUNS: &str = "20000";

/// Starts a run, sends `signal` once the first rows are being written, and returns the exit
/// code and stderr.
fn interrupted_run(dir: &Path, signal: &str) -> (i32, String) {
    let out = common::signalled(
        &full_run(dir),
        || common::staged_bytes(dir, "runs.csv") >= 1_000,
        signal,
    );
    (out.code, out.stderr)
}

/// The arguments of the whole run into `dir`.
fn full_run(dir: &Path) -> [&str; 7] {
    [
        "run",
        SCENARIO,
        "--runs",
        RUNS,
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]
}

/// The temporary files in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| name.starts_with(".casus-"))
                .collect()
        })
        .unwrap_or_default()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn sigint_keeps_the_completed_runs_and_resume_finishes_them_exactly() {
    let root = scratch_dir("interrupt_int");
    let (dir, full) = (root.join("interrupted"), root.join("full"));
    let (code, stderr) = interrupted_run(&dir, "-INT");
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("interrupted after"), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    let partial = summary(&dir);
    let done = partial["counts"]["runs"].as_u64().unwrap();
    assert_eq!(partial["provenance"]["complete"], false);
    assert!(done > 0 && done < 20_000, "{done} runs done");
    let rows = fs::read_to_string(dir.join("runs.csv"))
        .unwrap()
        .lines()
        .count() as u64;
    assert_eq!(rows, done + 1, "one row per completed run");
    assert_eq!(temporaries(&dir), Vec::<String>::new(), "left behind");

    let out = casus(&[
        "run",
        SCENARIO,
        "--resume",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = casus(&full_run(&full));
    assert_eq!(out.code, 0, "{}", out.stderr);
    for file in common::OUTPUT_FILES {
        assert!(
            fs::read(dir.join(file)).unwrap() == fs::read(full.join(file)).unwrap(),
            "{file} differs after resuming"
        );
    }
    // Resuming a complete run changes nothing.
    let out = casus(&[
        "run",
        SCENARIO,
        "--resume",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.code, 0);
    assert!(
        fs::read(dir.join("summary.json")).unwrap() == fs::read(full.join("summary.json")).unwrap()
    );
}

#[test]
fn sigterm_exits_143_with_a_valid_incomplete_summary() {
    let root = scratch_dir("interrupt_term");
    let dir = root.join("out");
    let (code, stderr) = interrupted_run(&dir, "-TERM");
    assert_eq!(code, 143, "{stderr}");
    let partial = summary(&dir);
    assert_eq!(partial["provenance"]["complete"], false);
    assert_eq!(partial["results"]["runs"], partial["counts"]["runs"]);
}

#[test]
fn resume_refuses_another_scenario_or_new_settings() {
    let root = scratch_dir("interrupt_refusals");
    let dir = root.join("out");
    let (code, _) = interrupted_run(&dir, "-INT");
    assert_eq!(code, 130);
    let other = casus(&[
        "run",
        "scenarios/july_1914.json",
        "--resume",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(other.code, 1);
    assert!(
        other
            .stderr
            .contains("is not the scenario of the interrupted run"),
        "{}",
        other.stderr
    );
    let reseeded = casus(&[
        "run",
        SCENARIO,
        "--resume",
        dir.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    assert_eq!(reseeded.code, 1);
    assert!(
        reseeded
            .stderr
            .contains("leave out --runs, --seed, --shard, --precision, --set and --focus-*"),
        "{}",
        reseeded.stderr
    );
}

/// Interrupting `casus backtest` keeps the origins done: the files are written, marked incomplete,
/// and the exit code is 130.
#[test]
fn sigint_keeps_the_backtest_origins_done() {
    let dir = scratch_dir("interrupt_backtest");
    let out = dir.join("out");
    let args = [
        "backtest",
        "--data",
        "scenarios/data",
        "--runs",
        "100",
        "--out",
        out.to_str().unwrap(),
    ];
    // The output directory is prepared before the first origin; half a second after it appears,
    // the signal lands mid-run.
    let appeared = std::cell::Cell::new(None);
    let ready = || {
        if appeared.get().is_none() && out.exists() {
            appeared.set(Some(Instant::now()));
        }
        appeared
            .get()
            .is_some_and(|t| t.elapsed() >= Duration::from_millis(500))
    };
    let output = common::signalled(&args, ready, "-INT");
    assert_eq!(output.code, 130, "{}", output.stderr);
    assert!(
        output.stdout.contains("(interrupted: the origins done)"),
        "{}",
        output.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("backtest.json")).unwrap()).unwrap();
    assert_eq!(json["complete"], false);
    let done = json["totals"].as_array().unwrap().len();
    assert!(done < 28, "{done} of 28 origins");
    let csv = fs::read_to_string(out.join("backtest.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        json["forecasts"].as_array().unwrap().len() + 1
    );
}

/// `compare`, `sensitivity` and `sweep` stop at a first SIGINT too: the first two print (and
/// write) what the runs done give, saying how many, and a sweep says how many points were done;
/// each exits 130.
#[test]
fn sigint_stops_compare_sensitivity_and_sweep() {
    let dir = scratch_dir("interrupt_others");
    let out = dir.join("compare");
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "compare",
                SCENARIO,
                "--without",
                "treaty:rus_prk_2024",
                "--runs",
                "100000000",
                "--out",
                out.to_str().unwrap(),
            ],
            "of 100,000,000 runs: the results cover those",
        ),
        (
            &["sensitivity", SCENARIO, "--runs", "100000000"],
            "of 100,000,000 runs: the results cover those",
        ),
        (
            &[
                "sweep",
                SCENARIO,
                "--param",
                "parameters.escalation_nuclear",
                "--values",
                "1,2",
                "--runs",
                "100000000",
            ],
            "interrupted after 0 of 2 points; nothing written",
        ),
    ];
    for (args, message) in cases {
        let started = Instant::now();
        let output = common::signalled(args, || started.elapsed() > Duration::from_secs(1), "-INT");
        assert_eq!(output.code, 130, "{args:?}: {}", output.stderr);
        assert!(
            output.stderr.contains(message),
            "{args:?}: {}",
            output.stderr
        );
    }
    let compared: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(compared["provenance"][0]["complete"], false);
    assert!(compared["comparison"]["runs"].as_u64().unwrap() > 0);
}
