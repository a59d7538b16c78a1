//! Helpers shared by the integration tests: run the real binary, write scratch files.

#![allow(dead_code)] // each test crate uses a different subset

use std::path::PathBuf;
use std::process::Command;

/// What a run of the `casus` binary produced.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `casus` with these arguments from the package root.
pub fn casus(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the casus binary runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh scratch directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory can be created");
    dir
}

/// The bundled scenario files (every `.json` in `scenarios/` but the schema), sorted.
pub fn bundled_scenarios() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.ends_with("casus.schema.json"))
        .collect();
    files.sort();
    files
}

/// The files `casus run --out` and `casus merge --out` write.
pub const OUTPUT_FILES: [&str; 5] = [
    "summary.json",
    "runs.csv",
    "runs_by_actor.csv",
    "levels_by_step.csv",
    "pathways.csv",
];

/// Whether this test run re-blesses pinned figures (`CASUS_BLESS=1 cargo test --release`): each
/// test that pins a figure then writes what the code gives now, and `git diff` shows the change.
pub fn blessing() -> bool {
    std::env::var_os("CASUS_BLESS").is_some_and(|v| v != "0")
}
