//! Results read back are checked before they are trusted: `merge`, `--resume` and `report` refuse
//! a summary that breaks an invariant, a per-run table that is not its summary's, and a summary of
//! another version, naming the file and what is wrong; nothing is written.

mod common;

use std::path::{Path, PathBuf};

use common::{casus, scratch_dir};
use serde_json::{Value, json};

const TOY: &str = "scenarios/two_actor_dispute.json";

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes an edited result and forges its manifest entry, so that what is tested is casus's check
/// of the content, not only of the manifest.
fn write(path: &Path, value: &Value) {
    let name = path.file_name().unwrap().to_str().unwrap();
    common::forge(
        path.parent().unwrap(),
        name,
        &serde_json::to_vec_pretty(value).unwrap(),
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// `casus merge` of shard `a` and the edited shard `bad` into `out`, which must fail and write
/// nothing: its standard error.
fn failed_merge(a: &Path, bad: &Path, out: &Path, name: &str) -> String {
    let result = casus(&[
        "merge",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        a.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(result.code, 1, "{name}: {}", result.stderr);
    assert!(!result.stderr.contains("panicked"), "{name}");
    assert!(!out.exists(), "{name}: nothing written");
    result.stderr
}

/// Two shards of 200 runs of the toy, each with its output directory.
fn shards(root: &Path) -> [PathBuf; 2] {
    [0, 1].map(|i| {
        let dir = root.join(format!("shard{i}"));
        let out = casus(&[
            "run",
            TOY,
            "--runs",
            "200",
            "--seed",
            "3",
            "--quiet",
            "--shard",
            &format!("{i}/2"),
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        dir
    })
}

#[test]
fn merge_refuses_tampered_shards() {
    let root = scratch_dir("tamper_merge");
    let [a, b] = shards(&root);
    let merged = root.join("merged");
    let ok = casus(&[
        "merge",
        "--quiet",
        "--out",
        merged.to_str().unwrap(),
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    type Edit = fn(&mut Value);
    let edits: [(&str, Edit, &str); 8] = [
        (
            "one count more",
            |s| {
                let n = s["counts"]["highest"][5].as_u64().unwrap();
                s["counts"]["highest"][5] = json!(n + 1);
            },
            "counts.highest sums to",
        ),
        (
            "a count of 2^64 - 1",
            |s| {
                s["counts"]["highest"][0] = json!(u64::MAX);
            },
            "a sum of counts overflows",
        ),
        (
            "a truncated array",
            |s| {
                s["counts"]["level_by_step"].as_array_mut().unwrap().pop();
            },
            "counts.level_by_step has",
        ),
        (
            "a short per-level array",
            |s| {
                s["counts"]["actors"][0]["highest"]
                    .as_array_mut()
                    .unwrap()
                    .truncate(3);
            },
            "at `counts.actors[0].highest`",
        ),
        (
            "a pathway counted twice",
            |s| {
                let block = &mut s["counts"]["pathways"]["blocks"][0]["counts"];
                let (_, n) = block.as_object_mut().unwrap().iter_mut().next().unwrap();
                *n = json!(n.as_u64().unwrap() + 1);
            },
            "is not well formed",
        ),
        (
            "a block of pathways that is not a power of two",
            |s| {
                s["counts"]["pathways"]["blocks"][0]["runs"] = json!(3);
            },
            "is not well formed",
        ),
        (
            "an edited result",
            |s| {
                s["results"]["highest_at_least"][5]["probability"]["p"] = json!(0.99);
            },
            "its results are not the ones its counts give",
        ),
        (
            "another version",
            |s| {
                s["provenance"]["casus_version"] = json!("0.0.1");
            },
            "made by casus 0.0.1",
        ),
    ];
    for (name, edit, message) in edits {
        let bad = root.join(format!("bad-{}", name.replace(' ', "-")));
        copy_dir(&b, &bad);
        let mut summary = read(&bad.join("summary.json"));
        edit(&mut summary);
        write(&bad.join("summary.json"), &summary);
        let out_dir = root.join(format!("out-{}", name.replace(' ', "-")));
        let stderr = failed_merge(&a, &bad, &out_dir, name);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(
            stderr.contains("summary.json"),
            "{name}: names the file: {stderr}"
        );
    }

    // An edit the manifest does not vouch for is refused before anything is read from the file.
    for file in ["summary.json", "runs.csv", "runs_by_actor.csv"] {
        let bad = root.join(format!("unvouched-{file}"));
        copy_dir(&b, &bad);
        let mut bytes = std::fs::read(bad.join(file)).unwrap();
        bytes.extend_from_slice(b"\n");
        std::fs::write(bad.join(file), bytes).unwrap();
        let out_dir = root.join(format!("unvouched-out-{file}"));
        let stderr = failed_merge(&a, &bad, &out_dir, file);
        assert!(
            stderr.contains(&format!("{file}: not the file casus wrote"))
                && stderr.contains("differs from its entry in manifest.json"),
            "{file}: {stderr}"
        );
    }

    // A shard's per-run table must be its summary's: every run once, and no other.
    type TableEdit = fn(&str) -> String;
    let table_edits: [(&str, TableEdit, &str); 3] = [
        (
            "a row removed",
            |t| {
                let mut lines: Vec<&str> = t.lines().collect();
                lines.pop();
                lines.join("\n") + "\n"
            },
            "rows for the 100 runs",
        ),
        (
            "a row repeated",
            |t| {
                let last = t.lines().last().unwrap().to_owned();
                format!("{t}{last}\n")
            },
            "appears twice",
        ),
        (
            "a run of another shard",
            |t| t.replacen("\n100,", "\n7,", 1),
            "outside the runs 100..200",
        ),
    ];
    for (name, edit, message) in table_edits {
        let bad = root.join(format!("table-{}", name.replace(' ', "-")));
        copy_dir(&b, &bad);
        let table = std::fs::read_to_string(bad.join("runs.csv")).unwrap();
        common::forge(&bad, "runs.csv", edit(&table).as_bytes());
        let out_dir = root.join(format!("table-out-{}", name.replace(' ', "-")));
        let stderr = failed_merge(&a, &bad, &out_dir, name);
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains("runs.csv"), "{name}: {stderr}");
    }
}

#[test]
fn resume_and_report_refuse_tampered_results() {
    let root = scratch_dir("tamper_resume");
    let [_, b] = shards(&root);
    // An interrupted run, as its summary would say: 100 runs asked, fewer done.
    type DirEdit = fn(&Path);
    let cases: [(&str, DirEdit, &str); 3] = [
        (
            "runs edited",
            |dir| {
                let path = dir.join("summary.json");
                let mut s = read(&path);
                s["counts"]["runs"] = json!(7);
                write(&path, &s);
            },
            "complete, but counts 7 runs of its 100..200",
        ),
        (
            "runs.csv deleted",
            |dir| {
                std::fs::remove_file(dir.join("runs.csv")).unwrap();
            },
            "runs.csv: cannot read",
        ),
        (
            "another version",
            |dir| {
                let path = dir.join("summary.json");
                let mut s = read(&path);
                s["provenance"]["casus_version"] = json!("0.0.1");
                s["provenance"]["complete"] = json!(false);
                write(&path, &s);
            },
            "made by casus 0.0.1",
        ),
    ];
    for (name, edit, message) in cases {
        let dir = root.join(format!("resume-{}", name.replace(' ', "-")));
        copy_dir(&b, &dir);
        edit(&dir);
        let before = std::fs::read(dir.join("summary.json")).unwrap();
        let out = casus(&["run", TOY, "--resume", dir.to_str().unwrap(), "--quiet"]);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{name}: {}", out.stderr);
        assert_eq!(
            std::fs::read(dir.join("summary.json")).unwrap(),
            before,
            "{name}: untouched"
        );
    }
    let dir = root.join("report");
    copy_dir(&b, &dir);
    let path = dir.join("summary.json");
    let mut s = read(&path);
    s["counts"]["actors"][0]["at_war"] = json!(999);
    write(&path, &s);
    let out = casus(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("at_war is not its runs at war"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("report.html").exists());
}
