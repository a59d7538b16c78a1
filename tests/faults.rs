//! Fault injection: a real `casus` process stopped at every step of committing its results (the
//! test hook `CASUS_FAULT=crash:N` ends it there as a kill would), a disk that fills at every step
//! (`CASUS_FAULT=full:N` fails it with ENOSPC), planted symlinks, partial directories and a second
//! command on a directory in use. Each time the directory holds, once any casus command has opened
//! it again, exactly the previous results or exactly the new ones, byte for byte, and no
//! temporary file; and the error says what happened.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{casus, scratch_dir};

const TOY: &str = "scenarios/two_actor_dispute.json";
/// The exit status of an injected crash.
const CRASHED: i32 = 86;

/// Runs `casus` with an injected fault.
fn casus_with_fault(fault: &str, args: &[&str]) -> common::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .env("CASUS_FAULT", fault)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    common::Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every file in `dir` by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).unwrap();
    for (name, bytes) in snapshot(from) {
        fs::write(to.join(name), bytes).unwrap();
    }
}

/// The temporary files and journal in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|n| n.starts_with(".casus-"))
        .collect()
}

/// Opens `dir` as every reader does (here `casus merge` of it alone), which completes an
/// interrupted commit, and checks what it then holds is `old` or `new`: which one.
fn settled(dir: &Path, old: &BTreeMap<String, Vec<u8>>, new: &BTreeMap<String, Vec<u8>>) -> bool {
    let merged = dir.with_extension("merged");
    let _ = fs::remove_dir_all(&merged);
    let out = casus(&[
        "merge",
        "--quiet",
        "--out",
        merged.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}: {}", dir.display(), out.stderr);
    let now = snapshot(dir);
    assert!(
        &now == old || &now == new,
        "{}: a mixture of the old and new results: {:?}",
        dir.display(),
        now.keys().collect::<Vec<_>>()
    );
    &now == new
}

/// The arguments of `casus run` of the toy with seed 2 (the new results) into `dir`, over what it
/// holds.
fn new_run(dir: &Path) -> [&str; 10] {
    [
        "run",
        TOY,
        "--runs",
        "300",
        "--seed",
        "2",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--force",
    ]
}

/// That run, with an injected fault.
fn new_results(dir: &Path, fault: &str) -> common::Output {
    casus_with_fault(fault, &new_run(dir))
}

/// Reference output directories of the toy with seeds 1 (the old results) and 2 (the new).
fn references(root: &Path) -> [PathBuf; 2] {
    [1, 2].map(|seed| {
        let dir = root.join(format!("seed{seed}"));
        let out = casus(&[
            "run",
            TOY,
            "--runs",
            "300",
            "--seed",
            &seed.to_string(),
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        dir
    })
}

/// Runs `command` (the arguments that write the new results into a directory) crashed at every
/// step in turn, each time over a copy of the old results, and checks what each crash leaves.
fn crash_at_every_step(
    root: &Path,
    old_dir: &Path,
    new_dir: &Path,
    command: impl Fn(&Path) -> Vec<String>,
) {
    let (old, new) = (snapshot(old_dir), snapshot(new_dir));
    let mut outcomes = Vec::new();
    for step in 1.. {
        let dir = root.join(format!("crash{step}"));
        copy_dir(old_dir, &dir);
        let args = command(&dir);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = casus_with_fault(&format!("crash:{step}"), &args);
        if out.code != CRASHED {
            // Past the last step: the command ran to its end.
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert_eq!(snapshot(&dir), new);
            break;
        }
        outcomes.push(settled(&dir, &old, &new));
        assert_eq!(leftovers(&dir), Vec::<String>::new(), "step {step}");
    }
    // Every step was tried: the probe, the staged files, the commit point, the renames, the
    // manifest and the journal's removal. Before the commit point the old results stand, after
    // it the new, and the switch happens once.
    assert!(outcomes.len() > 15, "{} steps", outcomes.len());
    let switch = outcomes.iter().position(|&new| new).unwrap();
    assert!(outcomes[switch..].iter().all(|&new| new), "{outcomes:?}");
    assert!(switch > 5, "{outcomes:?}");
}

#[test]
fn a_crash_at_any_step_leaves_the_old_results_or_the_new() {
    let root = scratch_dir("faults_crash");
    let [old_dir, new_dir] = references(&root);
    crash_at_every_step(&root, &old_dir, &new_dir, |dir| {
        new_run(dir).iter().map(|a| a.to_string()).collect()
    });
}

/// The same of `casus merge`, whose shards of the new results merge into exactly them.
#[test]
fn a_merge_crashed_at_any_step_leaves_the_old_results_or_the_new() {
    let root = scratch_dir("faults_merge");
    let [old_dir, new_dir] = references(&root);
    let shards: Vec<String> = (0..2)
        .map(|i| {
            let shard = root.join(format!("shard{i}"));
            let out = casus(&[
                "run",
                TOY,
                "--runs",
                "300",
                "--seed",
                "2",
                "--quiet",
                "--shard",
                &format!("{i}/2"),
                "--out",
                shard.to_str().unwrap(),
            ]);
            assert_eq!(out.code, 0, "{}", out.stderr);
            shard.display().to_string()
        })
        .collect();
    crash_at_every_step(&root, &old_dir, &new_dir, |dir| {
        ["merge", "--quiet", "--force", "--out"]
            .iter()
            .map(|a| a.to_string())
            .chain([dir.display().to_string()])
            .chain(shards.iter().cloned())
            .collect()
    });
}

#[test]
fn a_full_disk_at_any_step_is_a_clear_error_and_loses_nothing() {
    let root = scratch_dir("faults_full");
    let [old_dir, new_dir] = references(&root);
    let (old, new) = (snapshot(&old_dir), snapshot(&new_dir));
    for step in 1.. {
        let dir = root.join(format!("full{step}"));
        copy_dir(&old_dir, &dir);
        let out = new_results(&dir, &format!("full:{step}"));
        if out.code == 0 {
            assert_eq!(snapshot(&dir), new);
            assert!(step > 15, "{step} steps");
            break;
        }
        assert_eq!(out.code, 1, "step {step}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(
            out.stderr.contains("No space left on device")
                && out.stderr.contains(dir.to_str().unwrap()),
            "step {step}: {}",
            out.stderr
        );
        let left = leftovers(&dir);
        if left.is_empty() {
            // Failed before its commit point: the previous results, untouched, and no temporary
            // file.
            assert_eq!(snapshot(&dir), old, "step {step}");
        } else {
            // Failed after it: the journal stands for the new results, which the next command
            // completes.
            assert!(left.contains(&".casus-journal.json".to_owned()), "{left:?}");
            assert!(settled(&dir, &old, &new), "step {step}");
            assert_eq!(leftovers(&dir), Vec::<String>::new());
        }
    }
}

/// An interrupted run (SIGINT) of the North-East Asia scenario on one thread, in `dir`.
fn interrupted(dir: &Path) {
    let args = [
        "run",
        "scenarios/northeast_asia_2024.json",
        "--runs",
        "3000",
        "--threads",
        "1",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ];
    let out = common::signalled(
        &args,
        || common::staged_bytes(dir, "runs.csv") > 1000,
        "-INT",
    );
    assert_eq!(out.code, 130, "{}", out.stderr);
}

/// The crash window of resuming: a resumed run killed at any step of its commit, then resumed
/// again, ends with exactly the files of an uninterrupted run (before, a kill between the renames
/// of `runs.csv` and `summary.json` made the next resume count thousands of runs twice).
#[test]
fn a_resume_crashed_at_any_step_resumes_to_the_uninterrupted_results() {
    let root = scratch_dir("faults_resume");
    let (partial, full) = (root.join("partial"), root.join("full"));
    interrupted(&partial);
    let out = casus(&[
        "run",
        "scenarios/northeast_asia_2024.json",
        "--runs",
        "3000",
        "--quiet",
        "--out",
        full.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let expected = snapshot(&full);
    let resume = |dir: &Path, fault: &str| {
        casus_with_fault(
            fault,
            &[
                "run",
                "scenarios/northeast_asia_2024.json",
                "--resume",
                dir.to_str().unwrap(),
                "--quiet",
            ],
        )
    };
    // Every other step, to keep the test short: both sides of the commit point are covered.
    for step in (1..).step_by(2) {
        let dir = root.join(format!("resume{step}"));
        copy_dir(&partial, &dir);
        let out = resume(&dir, &format!("crash:{step}"));
        if out.code != CRASHED {
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert!(step > 15, "{step} steps");
            break;
        }
        let out = resume(&dir, "none");
        assert_eq!(out.code, 0, "step {step}: {}", out.stderr);
        assert_eq!(snapshot(&dir), expected, "step {step}");
    }
}

#[test]
fn planted_symlinks_are_never_followed() {
    let root = scratch_dir("faults_symlink");
    let [old_dir, _] = references(&root);
    let victim = root.join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    let dir = root.join("planted");
    copy_dir(&old_dir, &dir);
    // At the final names, at the temporary names casus used to use, and at its probe's old name.
    for name in [
        "summary.json",
        "runs.csv",
        ".summary.json.tmp",
        ".runs.csv.tmp",
        ".casus-write-test",
        "report.html",
        ".report.html.tmp",
    ] {
        let _ = fs::remove_file(dir.join(name));
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let out = casus(&new_run(&dir));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = casus(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    for name in ["summary.json", "runs.csv", "report.html"] {
        assert!(
            fs::symlink_metadata(dir.join(name)).unwrap().is_file(),
            "{name}"
        );
    }

    // A planted journal is refused, not read through.
    std::os::unix::fs::symlink(&victim, dir.join(".casus-journal.json")).unwrap();
    let out = casus(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(".casus-journal.json: not a regular file"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
}

/// Runs `casus` with `args`, which must fail with `message` and write nothing to `out`.
fn refused(args: &[&str], message: &str, out: &Path) {
    let result = casus(args);
    assert_eq!(result.code, 1, "{args:?}: {}", result.stderr);
    assert!(
        result.stderr.contains(message),
        "{args:?}: {}",
        result.stderr
    );
    assert!(!out.exists(), "{args:?}: wrote {}", out.display());
}

#[test]
fn partial_directories_and_busy_ones_are_refused_clearly() {
    let root = scratch_dir("faults_partial");
    let [old_dir, _] = references(&root);

    // Files without the manifest that vouches for them (a copy that left it out, or a run killed
    // before its first commit).
    let bare = root.join("bare");
    copy_dir(&old_dir, &bare);
    fs::remove_file(bare.join("manifest.json")).unwrap();
    let merged = root.join("merged");
    for args in [
        vec![
            "merge",
            "--quiet",
            "--out",
            merged.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
        vec!["run", TOY, "--resume", bare.to_str().unwrap(), "--quiet"],
        vec!["report", bare.to_str().unwrap()],
    ] {
        refused(&args, "no manifest.json", &merged);
    }

    // A file the manifest vouches for, gone.
    let gone = root.join("gone");
    copy_dir(&old_dir, &gone);
    fs::remove_file(gone.join("runs_by_actor.csv")).unwrap();
    refused(
        &[
            "merge",
            "--quiet",
            "--out",
            merged.to_str().unwrap(),
            gone.to_str().unwrap(),
        ],
        "runs_by_actor.csv: cannot read",
        &merged,
    );

    // A directory another casus command is writing to.
    let busy = root.join("busy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args([
            "run",
            "scenarios/northeast_asia_2024.json",
            "--runs",
            "1000000",
            "--quiet",
            "--out",
            busy.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a staged runs table: the write probe before it is removed again at once, so
    // "any temporary file" would race with it.
    let staged = |dir: &Path| leftovers(dir).iter().any(|n| n.ends_with("-runs.csv.tmp"));
    let started = Instant::now();
    while !staged(&busy) && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = casus(&[
        "run",
        TOY,
        "--quiet",
        "--out",
        busy.to_str().unwrap(),
        "--force",
    ]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("another casus command is using this directory"),
        "{}",
        out.stderr
    );
    // The killed run left its temporary tables; the next command on the directory clears them.
    assert!(staged(&busy), "{:?}", leftovers(&busy));
    let out = casus(&[
        "run",
        TOY,
        "--runs",
        "100",
        "--quiet",
        "--out",
        busy.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(leftovers(&busy), Vec::<String>::new());
}

/// A small tmpfs mounted for one test, unmounted when dropped; `None` where the machine does not
/// permit mounting (not root, or no such capability in a container).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Tmpfs(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A real full disk, where the machine permits a small tmpfs (the injected faults above cover
/// every step everywhere): a run too large for the space left fails naming its file, and the
/// previous results stay, with no temporary file.
#[test]
fn a_real_full_disk_keeps_the_previous_results() {
    let root = scratch_dir("faults_tmpfs");
    let Some(disk) = Tmpfs::mount(&root.join("disk"), "400k") else {
        eprintln!("no tmpfs could be mounted here; the injected full disk covers this");
        return;
    };
    let dir = disk.0.join("out");
    let out = casus(&[
        "run",
        TOY,
        "--runs",
        "300",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let before = snapshot(&dir);
    let out = casus(&[
        "run",
        TOY,
        "--runs",
        "20000",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("No space left on device")
            && out.stderr.contains(dir.to_str().unwrap()),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(&dir), before);
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}
