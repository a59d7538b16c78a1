//! The `casus` binary as a user runs it: exit codes, stdout and stderr.

mod common;

use common::casus;

#[test]
fn validate_accepts_every_bundled_scenario() {
    let files: Vec<String> = common::bundled_scenarios()
        .iter()
        .map(|p| {
            p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .display()
                .to_string()
        })
        .map(|p| p.trim_start_matches('/').to_owned())
        .collect();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = casus(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), files.len());
    assert!(out.stdout.contains(
        "ok scenarios/northeast_asia_2024.json: 8 actors, 6 treaties (11 obligations), \
         3 sanction regimes, 5 events, 120 steps of a month"
    ));
}

#[test]
fn validate_reports_valid_and_invalid_files_and_exits_1() {
    let dir = common::scratch_dir("cli_mixed");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"casus": 1, "name": "x", "step": "fortnight", "steps": 3, "actors": []}"#,
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let out = casus(&[
        "validate",
        "scenarios/two_actor_dispute.json",
        bad,
        "no/such/file.json",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with("ok scenarios/two_actor_dispute.json: 2 actors")
    );
    assert!(
        out.stderr.contains(&format!(
            "error: {bad}:1:35: step: unknown variant `fortnight`, expected one of `day`, `week`, `month`, `quarter`, `year`"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("error: no/such/file.json: cannot read the file"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["validate"][..],
        &["frobnicate"][..],
        &[][..],
        &["validate", "--bogus", "x.json"][..],
    ] {
        let out = casus(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("Usage:"), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

#[test]
fn schema_prints_the_committed_schema() {
    let out = casus(&["schema"]);
    assert_eq!(out.code, 0);
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/casus.schema.json"
    ))
    .unwrap();
    assert_eq!(out.stdout, committed);
}

#[test]
fn version_names_the_crate_version() {
    let out = casus(&["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout.trim(), format!("casus {}", casus::VERSION));
}

/// Every mistake of a file is reported at once, with its line, column and JSON path.
#[test]
fn every_error_of_a_file_is_named_with_its_place() {
    let out = casus(&["validate", "tests/data/typo.json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: tests/data/typo.json:4:23: stances[0].from: unknown actor `PRKK`; did you mean `PRK`?\n\
         error: tests/data/typo.json:4:53: stances[0].value: expected a number from -1 to 1, found -1.5\n"
    );
}

#[test]
fn generate_writes_the_same_valid_world_for_a_seed() {
    let dir = common::scratch_dir("generate");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    for (name, seed) in [("a.json", "5"), ("b.json", "5"), ("c.json", "6")] {
        let out = casus(&[
            "generate",
            "--actors",
            "40",
            "--treaties",
            "80",
            "--seed",
            seed,
            "--out",
            &path(name),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains("40 actors, 80 treaties"),
            "{}",
            out.stdout
        );
    }
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    assert_eq!(read("a.json"), read("b.json"));
    assert_ne!(read("a.json"), read("c.json"));
    let valid = casus(&["validate", &path("a.json")]);
    assert_eq!(valid.code, 0, "{}", valid.stderr);
    // Without --out the scenario goes to standard output, byte for byte the same.
    let stdout = casus(&[
        "generate",
        "--actors",
        "40",
        "--treaties",
        "80",
        "--seed",
        "5",
    ]);
    assert_eq!(stdout.stdout.as_bytes(), read("a.json"));

    let bad = casus(&["generate", "--actors", "1", "--treaties", "0"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("at least 2 actors"), "{}", bad.stderr);
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(["generate", "--actors", "300", "--treaties", "600"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe long before the world (megabytes, far more than a pipe
    // holds) is written.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(first, *b"{");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `casus run FILE --runs 20 --out DIR --force`, which must succeed.
fn run_20_into(file: &str, dir: &std::path::Path) -> common::Output {
    let out = casus(&[
        "run",
        file,
        "--runs",
        "20",
        "--out",
        dir.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(out.code, 0, "{file}: {}", out.stderr);
    out
}

/// `levels_by_step.csv` dates each step when the scenario has a `start`, and has no date column
/// otherwise.
#[test]
fn levels_by_step_carries_dates_when_the_scenario_has_a_start() {
    for (file, header, first) in [
        (
            "scenarios/northeast_asia_2024.json",
            "step,date,peace",
            "0,2024-07,",
        ),
        ("scenarios/two_actor_dispute.json", "step,peace", "0,"),
    ] {
        let dir = common::scratch_dir(&format!("dates_{}", file.len()));
        run_20_into(file, &dir);
        let csv = std::fs::read_to_string(dir.join("levels_by_step.csv")).unwrap();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with(header), "{file}");
        assert!(lines.next().unwrap().starts_with(first), "{file}");
    }
}

/// A scenario that begins with a conflict under way says so at the top of its summary and report,
/// since every figure counts it; one without says nothing of the kind.
#[test]
fn conflicts_under_way_at_the_start_are_named_at_the_top() {
    for (file, named) in [
        ("scenarios/northeast_asia_2024.json", true),
        ("scenarios/two_actor_dispute.json", false),
    ] {
        let dir = common::scratch_dir(&format!("under_way_{named}"));
        let out = run_20_into(file, &dir);
        let line = "under way when the runs begin: RUS against UKR at war, under way 29 months; \
                    only the figures for conflicts begun in the run leave it out";
        assert_eq!(out.stdout.lines().nth(2) == Some(line), named, "{file}");
        assert_eq!(out.stdout.contains("under way when the runs begin"), named);
        let report = casus(&["report", dir.to_str().unwrap()]);
        assert_eq!(report.code, 0, "{}", report.stderr);
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert_eq!(
            html.contains("Under way when the runs begin"),
            named,
            "{file}"
        );
    }
}

/// A misspelt level name, in a file or an argument, gets the nearest name; an error in a value
/// that `--set` put there names the override, not a line of the file.
#[test]
fn misspelt_levels_and_bad_overrides_are_named_as_such() {
    let dir = common::scratch_dir("level_typo");
    let file = dir.join("level.json");
    std::fs::write(
        &file,
        r#"{"casus": 1, "name": "t", "step": "month", "steps": 12,
 "actors": [{"id": "A", "name": "A", "capability": 1}, {"id": "B", "name": "B", "capability": 1}],
 "treaties": [{"id": "t", "members": ["A", "B"],
               "obligations": [{"id": "o", "kind": "defense", "trigger": {"min_level": "warr"}}]}]}"#,
    )
    .unwrap();
    let out = casus(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "level.json:4:88: treaties[0].obligations[0].trigger.min_level: invalid value: \
             string \"warr\""
        ) && out.stderr.ends_with("; did you mean `war`?\n"),
        "{}",
        out.stderr
    );
    let out = casus(&[
        "sensitivity",
        "scenarios/two_actor_dispute.json",
        "--level",
        "forse",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("found `forse`; did you mean `force`?"),
        "{}",
        out.stderr
    );
    let out = casus(&[
        "run",
        "tests/data/typo.json",
        "--set",
        "stances.0.from=PRK",
        "--set",
        "actors.ROK.capability=-2",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: tests/data/typo.json: --set actors.ROK.capability=-2: actors[1].capability: \
         expected a number greater than 0 and at most 1e12, found -2\n\
         error: tests/data/typo.json:4:53: stances[0].value: expected a number from -1 to 1, found -1.5\n"
    );
}

/// `casus completions SHELL` prints a script the shell accepts, knowing every command and option;
/// `casus man [COMMAND]` prints a roff page for casus and for each command.
#[test]
fn completions_and_manual_pages() {
    let bash = casus(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    for word in ["sweep", "--focus-actor", "--without", "cow-atop"] {
        assert!(bash.stdout.contains(word), "bash completion knows {word}");
    }
    let dir = common::scratch_dir("completions");
    let script = dir.join("casus.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(syntax.status.success(), "{syntax:?}");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = casus(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("sensitivity"), "{shell}");
    }
    let bad = casus(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);

    let main = casus(&["man"]);
    assert_eq!(main.code, 0, "{}", main.stderr);
    assert!(main.stdout.contains(".TH casus 1"), "{}", main.stdout);
    for command in [
        vec!["validate"],
        vec!["schema"],
        vec!["trace"],
        vec!["run"],
        vec!["compare"],
        vec!["generate"],
        vec!["import", "cow-atop"],
        vec!["sweep"],
        vec!["sensitivity"],
        vec!["report"],
        vec!["backtest"],
        vec!["merge"],
    ] {
        let mut args = vec!["man"];
        args.extend(&command);
        let page = casus(&args);
        assert_eq!(page.code, 0, "{command:?}: {}", page.stderr);
        let title = format!(".TH casus-{} 1", command.join("-"));
        assert!(page.stdout.contains(&title), "{command:?}: {}", page.stdout);
        assert!(page.stdout.contains(".SH OPTIONS"), "{command:?}");
    }
    let run = casus(&["man", "run"]).stdout;
    assert!(
        run.contains("focus\\-actor"),
        "the run page lists its options"
    );
    let unknown = casus(&["man", "rnu"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("no such command; expected one of validate"),
        "{}",
        unknown.stderr
    );
}

/// A number of worker threads far past the cores is refused before anything starts.
#[test]
fn too_many_threads_are_refused() {
    for command in ["run", "sensitivity", "compare"] {
        let out = casus(&[
            command,
            "scenarios/two_actor_dispute.json",
            "--threads",
            "100000",
        ]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("expected a number of worker threads from 0 (one per core)"),
            "{command}: {}",
            out.stderr
        );
    }
}

/// Runs `casus` with `input` on standard input.
fn casus_with_input(args: &[&str], input: &[u8]) -> common::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    common::Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_scenario_can_come_from_standard_input() {
    let text = std::fs::read("scenarios/two_actor_dispute.json").unwrap();
    let out = casus_with_input(&["validate", "-"], &text);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("ok -: 2 actors"), "{}", out.stdout);
    // The same runs, and the same SHA-256 in the provenance, as from the file: it is read once and
    // hashed from the bytes parsed.
    let from_file = casus(&["run", "scenarios/two_actor_dispute.json", "--runs", "200"]);
    for path in ["-", "/dev/stdin"] {
        let out = casus_with_input(&["run", path, "--runs", "200"], &text);
        assert_eq!(out.code, 0, "{path}: {}", out.stderr);
        assert_eq!(out.stdout, from_file.stdout, "{path}");
    }
    let out = casus_with_input(&["validate", "-"], b"{\"casus\": 1,");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("-:1:"), "{}", out.stderr);
}

#[test]
fn limits_are_decided_before_anything_runs() {
    // A device that never ends is read no further than the limit.
    let out = casus(&["validate", "/dev/zero"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("more than the 33554432-byte limit"),
        "{}",
        out.stderr
    );
    // A sweep of a million points is refused before one is built.
    let out = casus(&[
        "sweep",
        "scenarios/two_actor_dispute.json",
        "--param",
        "parameters.escalation_nuclear",
        "--range",
        "1:3:1000000",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the grid has 1000000 points, more than the 10000 a sweep runs"),
        "{}",
        out.stderr
    );
    // A world whose summary could not be read back is refused, with the way past the bound.
    let out = casus(&[
        "run",
        "scenarios/world_2018.json",
        "--set",
        "steps=12000",
        "--runs",
        "1",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("14954 obligations") && out.stderr.contains("--allow-large"),
        "{}",
        out.stderr
    );
}
