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

/// Starts `casus` with these arguments (stdout and stderr piped), waits until `ready` holds (at
/// most a minute), sends `signal` (`-INT`, `-TERM`), and returns what the process then did.
pub fn signalled(args: &[&str], ready: impl Fn() -> bool, signal: &str) -> Output {
    use std::time::{Duration, Instant};
    let child = Command::new(env!("CARGO_BIN_EXE_casus"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the casus binary runs");
    let started = Instant::now();
    while !ready() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = child.wait_with_output().expect("the casus binary ends");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The bytes written so far of the file `name` that a casus command is staging in `dir` under a
/// temporary name (`.casus-PID-N-NAME.tmp`).
pub fn staged_bytes(dir: &std::path::Path, name: &str) -> u64 {
    let suffix = format!("-{name}.tmp");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(&suffix))
                .map(|e| e.metadata().map_or(0, |m| m.len()))
                .sum()
        })
        .unwrap_or(0)
}

/// Rewrites `file` in the output directory `dir` and forges its entry in `manifest.json` to match,
/// as a tamperer who knows the format would: what casus must then catch is the content itself.
pub fn forge(dir: &std::path::Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join(file), bytes).unwrap();
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value = std::fs::read(&path)
        .ok()
        .and_then(|m| serde_json::from_slice(&m).ok())
        .unwrap_or_else(|| serde_json::json!({"casus_version": casus::VERSION, "files": {}}));
    manifest["files"][file] = serde_json::json!({
        "bytes": bytes.len(),
        "sha256": casus::monte_carlo::sha256_hex(bytes),
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

/// Whether this test run re-blesses pinned figures (`CASUS_BLESS=1 cargo test --release`): each
/// test that pins a figure then writes what the code gives now, and `git diff` shows the change.
pub fn blessing() -> bool {
    std::env::var_os("CASUS_BLESS").is_some_and(|v| v != "0")
}

/// One element of an SVG document: its name, attributes, text, and whether it is in the legend.
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    in_legend: bool,
}

impl Element {
    fn number(&self, key: &str) -> f64 {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0.0)
    }

    fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Its bounding box `[x0, y0, x1, y1]`, for the shapes plotters and the legend draw.
    fn bounds(&self) -> Option<[f64; 4]> {
        let n = |k: &str| self.number(k);
        match self.name.as_str() {
            "rect" => Some([n("x"), n("y"), n("x") + n("width"), n("y") + n("height")]),
            "line" => Some([
                n("x1").min(n("x2")),
                n("y1").min(n("y2")),
                n("x1").max(n("x2")),
                n("y1").max(n("y2")),
            ]),
            "circle" => Some([
                n("cx") - n("r"),
                n("cy") - n("r"),
                n("cx") + n("r"),
                n("cy") + n("r"),
            ]),
            "polyline" | "polygon" => {
                let points: Vec<f64> = self
                    .attribute("points")?
                    .split([' ', ','])
                    .filter_map(|v| v.parse().ok())
                    .collect();
                let (xs, ys): (Vec<f64>, Vec<f64>) = points
                    .chunks(2)
                    .filter(|p| p.len() == 2)
                    .map(|p| (p[0], p[1]))
                    .unzip();
                let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
                let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (!xs.is_empty()).then(|| [min(&xs), min(&ys), max(&xs), max(&ys)])
            }
            _ => None,
        }
    }
}

/// The elements of an SVG document, in order (a scanner for the flat SVG casus writes).
fn elements(svg: &str) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    let mut in_legend = false;
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a closed tag") + start;
        let tag = &rest[start + 1..end];
        let after = &rest[end + 1..];
        rest = after;
        if let Some(closing) = tag.strip_prefix('/') {
            if closing == "g" {
                in_legend = false;
            }
            continue;
        }
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap_or("").to_owned();
        let mut attributes = Vec::new();
        for part in tag.split('"').collect::<Vec<_>>().chunks(2) {
            if let [key, value] = part {
                let key = key.trim().trim_end_matches('=').to_owned();
                let key = key.rsplit(' ').next().unwrap_or("").to_owned();
                attributes.push((key, (*value).to_owned()));
            }
        }
        if name == "g" {
            in_legend = attributes
                .iter()
                .any(|(k, v)| k == "class" && v == "legend");
            continue;
        }
        let text = if name == "text" || name == "title" || name == "desc" {
            after[..after.find('<').unwrap_or(0)].trim().to_owned()
        } else {
            String::new()
        };
        out.push(Element {
            name,
            attributes,
            text,
            in_legend,
        });
    }
    out
}

/// Checks a chart as a reader would meet it: a `<title>` and `<desc>`; no text under 11 px; no
/// label twice on one axis (two labels in a row or a column with the same text); and a legend, if any, inside the canvas and
/// clear of every mark, line and bar of the plot.
pub fn check_chart(name: &str, svg: &str) {
    let all = elements(svg);
    let root = all.iter().find(|e| e.name == "svg").expect("an <svg>");
    let (width, height) = (root.number("width"), root.number("height"));
    for tag in ["title", "desc"] {
        assert!(
            all.iter().any(|e| e.name == tag && !e.text.is_empty()),
            "{name}: no <{tag}>"
        );
    }
    for e in &all {
        if let Some(size) = e.attribute("font-size") {
            let px: f64 = size.parse().unwrap();
            assert!(px >= 11.0, "{name}: text at {px} px: {:?}", e.text);
        }
    }
    // The labels along one axis share a row (x axis) or a column (y axis).
    let texts: Vec<&Element> = all
        .iter()
        .filter(|e| e.name == "text" && !e.in_legend && !e.text.is_empty())
        .collect();
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            let aligned =
                a.attribute("x") == b.attribute("x") || a.attribute("y") == b.attribute("y");
            assert!(
                !(aligned && a.text == b.text),
                "{name}: the label {:?} twice on one axis",
                a.text
            );
        }
    }
    let Some(legend) = all
        .iter()
        .find(|e| e.in_legend && e.name == "rect")
        .and_then(Element::bounds)
    else {
        return;
    };
    assert!(
        legend[0] >= 0.0 && legend[1] >= 0.0 && legend[2] <= width && legend[3] <= height,
        "{name}: the legend {legend:?} leaves the {width} x {height} canvas"
    );
    let canvas = |b: &[f64; 4]| b[0] <= 0.0 && b[1] <= 0.0 && b[2] >= width && b[3] >= height;
    for e in all.iter().filter(|e| !e.in_legend) {
        let Some(b) = e.bounds() else { continue };
        if canvas(&b) {
            continue; // the white background
        }
        let overlap = b[0] < legend[2] && legend[0] < b[2] && b[1] < legend[3] && legend[1] < b[3];
        assert!(
            !overlap,
            "{name}: the legend {legend:?} covers a <{}> at {b:?}",
            e.name
        );
    }
}
