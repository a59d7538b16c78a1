//! The output directory of `casus run` and `casus merge`: `summary.json`, `runs.csv`,
//! `runs_by_actor.csv`, `levels_by_step.csv`, `pathways.csv` and the summary's charts. Every file is written under a temporary name and
//! renamed into place, so a reader never sees a half-written file and an error leaves the previous
//! files intact.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::monte_carlo::sweep::Swept;
use crate::monte_carlo::{Comparison, Provenance, RunRow, Sensitivity, Summary};

/// File names in an output directory.
pub const SUMMARY: &str = "summary.json";
/// The per-run table.
pub const RUNS: &str = "runs.csv";
/// The per-run, per-actor table: one row per run and actor that took part in a conflict.
pub const RUNS_BY_ACTOR: &str = "runs_by_actor.csv";
/// Runs at each level at each step.
pub const LEVELS_BY_STEP: &str = "levels_by_step.csv";
/// Pathways with their counts.
pub const PATHWAYS: &str = "pathways.csv";
/// A comparison's paired counts, with the level labels (`casus compare --out`).
pub const COMPARE: &str = "compare.json";
/// A comparison's table as printed.
pub const COMPARE_TEXT: &str = "compare.txt";
/// A backtest (`casus backtest --out`).
pub const BACKTEST: &str = "backtest.json";
/// Its forecasts as CSV.
pub const BACKTEST_CSV: &str = "backtest.csv";
/// A sensitivity analysis (`casus sensitivity --out`).
pub const SENSITIVITY: &str = "sensitivity.json";
/// Its ranking as CSV.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";
/// Its ranking as printed.
pub const SENSITIVITY_TEXT: &str = "sensitivity.txt";

/// The chart of the highest level reached (`casus run`).
pub const HIGHEST_SVG: &str = "highest.svg";
/// The chart of each actor's P(at war) by step.
pub const AT_WAR_SVG: &str = "at_war_by_step.svg";
/// The chart of escalation over time.
pub const ESCALATION_SVG: &str = "escalation.svg";
/// The chart of a comparison's paired differences.
pub const COMPARE_SVG: &str = "compare.svg";
/// The tornado chart of a sensitivity analysis.
pub const TORNADO_SVG: &str = "tornado.svg";
/// A backtest's reliability diagram.
pub const RELIABILITY_SVG: &str = "reliability.svg";
/// A backtest's states at war, origin by origin.
pub const COUNTS_STATE_WAR_SVG: &str = "counts_state_war.svg";
/// A backtest's states in a use of force, origin by origin.
pub const COUNTS_STATE_FORCE_SVG: &str = "counts_state_force.svg";
/// A backtest's pairs with a force-level dispute begun, origin by origin.
pub const COUNTS_DYAD_FORCE_SVG: &str = "counts_dyad_force.svg";

/// The chart of one run (`casus trace --out`).
pub const TRACE_SVG: &str = "trace.svg";
/// The per-step, per-actor table of one run (`casus trace --out`).
pub const TRACE_CSV: &str = "trace.csv";
/// A sweep's chart.
pub const SWEEP_SVG: &str = "sweep.svg";
/// A sweep (`casus sweep --out`): its outcome at every point, with its provenance.
pub const SWEEP: &str = "sweep.json";
/// Its table as CSV.
pub const SWEEP_CSV: &str = "sweep.csv";
/// Its table as printed.
pub const SWEEP_TEXT: &str = "sweep.txt";

/// The page `casus report` writes.
pub const REPORT: &str = "report.html";

/// The kinds of results an output directory can hold, each with its files and the file that
/// records its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Compare,
    Sensitivity,
    Sweep,
    Backtest,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Run,
        Kind::Compare,
        Kind::Sensitivity,
        Kind::Sweep,
        Kind::Backtest,
    ];

    /// Every file of the kind, the one recording its provenance first.
    fn files(self) -> &'static [&'static str] {
        match self {
            Kind::Run => &[
                SUMMARY,
                RUNS,
                RUNS_BY_ACTOR,
                LEVELS_BY_STEP,
                PATHWAYS,
                HIGHEST_SVG,
                AT_WAR_SVG,
                ESCALATION_SVG,
            ],
            Kind::Compare => &[COMPARE, COMPARE_TEXT, COMPARE_SVG],
            Kind::Sensitivity => &[SENSITIVITY, SENSITIVITY_CSV, SENSITIVITY_TEXT, TORNADO_SVG],
            Kind::Sweep => &[SWEEP, SWEEP_CSV, SWEEP_TEXT, SWEEP_SVG],
            Kind::Backtest => &[
                BACKTEST,
                BACKTEST_CSV,
                RELIABILITY_SVG,
                COUNTS_STATE_WAR_SVG,
                COUNTS_STATE_FORCE_SVG,
                COUNTS_DYAD_FORCE_SVG,
            ],
        }
    }

    /// The provenance recorded in the kind's first file (a comparison's: arm A's).
    fn provenance(self, value: &serde_json::Value) -> Option<Provenance> {
        let p = value.get("provenance")?;
        let p = if self == Kind::Compare { p.get(0)? } else { p };
        serde_json::from_value(p.clone()).ok()
    }
}

/// What `compare.json` holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Compared {
    /// The two arms: each a file and its changes.
    pub arms: [String; 2],
    /// The seed of both arms.
    pub seed: u64,
    /// The level labels of arm A.
    pub levels: Vec<String>,
    /// The paired counts.
    pub comparison: Comparison,
    /// Where each arm comes from, as in a summary (absent from files written before provenance
    /// was recorded here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<[Provenance; 2]>,
}

/// An output directory, checked before any simulation starts.
#[derive(Debug, Clone)]
pub struct OutputDir {
    dir: PathBuf,
}

fn error(path: &Path, what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{}: {what}: {e}", path.display()))
}

impl OutputDir {
    /// Creates `dir` if needed, refuses a non-empty one unless `force`, and checks that it can be
    /// written.
    pub fn prepare(dir: &Path, force: bool) -> io::Result<OutputDir> {
        fs::create_dir_all(dir).map_err(|e| error(dir, "cannot create the output directory", e))?;
        let mut entries =
            fs::read_dir(dir).map_err(|e| error(dir, "cannot read the output directory", e))?;
        if entries.next().is_some() && !force {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{}: the output directory is not empty; use --force to overwrite its files",
                    dir.display()
                ),
            ));
        }
        // A probe of 64 KiB, synced to disk: a read-only directory or a full disk fails here,
        // before any run, rather than after hours of them.
        let probe = dir.join(".casus-write-test");
        let written = File::create(&probe)
            .and_then(|mut f| f.write_all(&[0u8; 64 * 1024]).and_then(|()| f.sync_all()));
        if let Err(e) = written {
            let _ = fs::remove_file(&probe); // best effort; the error below is what matters
            return Err(error(dir, "cannot write in the output directory", e));
        }
        fs::remove_file(&probe).map_err(|e| error(&probe, "cannot remove", e))?;
        Ok(OutputDir {
            dir: dir.to_owned(),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// After results of kind `written` made from `provenance` are in place: removes the results
    /// of other kinds made from another scenario (by SHA-256) or another version of casus, or that
    /// do not record what they were made from, and `report.html`, which no longer describes the
    /// directory. Results of the same scenario stay, for `casus report` to set side by side.
    fn retire_stale(&self, written: Kind, provenance: Option<&Provenance>) -> io::Result<()> {
        let remove = |file: &str| {
            let path = self.dir.join(file);
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    Err(error(&path, "cannot remove", e))
                }
                _ => Ok(()),
            }
        };
        remove(REPORT)?;
        let Some(provenance) = provenance else {
            return Ok(());
        };
        for kind in Kind::ALL.into_iter().filter(|&k| k != written) {
            let record = self.dir.join(kind.files()[0]);
            if !record.exists() {
                continue;
            }
            let recorded = read_json::<serde_json::Value>(&record)
                .ok()
                .flatten()
                .and_then(|v| kind.provenance(&v));
            let stale = recorded.is_none_or(|p| {
                p.scenario_sha256 != provenance.scenario_sha256
                    || p.casus_version != provenance.casus_version
            });
            if stale {
                for file in kind.files() {
                    remove(file)?;
                }
            }
        }
        Ok(())
    }

    /// Writes `backtest.json`, `backtest.csv` and, with the `plots` feature, its charts.
    pub fn write_backtest(&self, backtest: &crate::backtest::Backtest) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&super::plot::backtest_charts(backtest).map_err(io::Error::other)?)?;
        self.write_json(BACKTEST, backtest)?;
        write_atomic(&self.dir.join(BACKTEST_CSV), |w| {
            super::backtest::write_csv(backtest, w)
        })?;
        self.retire_stale(Kind::Backtest, backtest.provenance.as_ref())
    }

    /// Starts the per-run tables, written under temporary names until [`RunsWriter::finish`];
    /// `dated` (the scenario has a start) adds the date columns.
    pub fn runs_writer(&self, dated: bool) -> io::Result<RunsWriter> {
        RunsWriter::create(&self.dir, dated)
    }

    /// Writes charts, each atomically, under their file names.
    #[cfg(feature = "plots")]
    pub fn write_charts(&self, charts: &[super::plot::Chart]) -> io::Result<()> {
        for chart in charts {
            write_atomic(&self.dir.join(chart.file), |w| {
                w.write_all(chart.svg.as_bytes())
            })?;
        }
        Ok(())
    }

    /// Writes `compare.json`, the table as `compare.txt` and, with the `plots` feature, the chart
    /// `compare.svg`.
    pub fn write_comparison(&self, compared: &Compared, text: &str) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&[super::plot::comparison(
            &compared.comparison,
            &compared.levels,
            &compared.arms,
        )
        .map_err(io::Error::other)?])?;
        self.write_json(COMPARE, compared)?;
        write_atomic(&self.dir.join(COMPARE_TEXT), |w| {
            w.write_all(text.as_bytes())
        })?;
        self.retire_stale(Kind::Compare, compared.provenance.as_ref().map(|[a, _]| a))
    }

    /// Writes `sensitivity.json`, `sensitivity.csv`, the table as `sensitivity.txt` and, with the
    /// `plots` feature, the chart `tornado.svg`.
    pub fn write_sensitivity(&self, sensitivity: &Sensitivity, text: &str) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&[super::plot::tornado(sensitivity).map_err(io::Error::other)?])?;
        self.write_json(SENSITIVITY, sensitivity)?;
        write_atomic(&self.dir.join(SENSITIVITY_CSV), |w| {
            super::sensitivity::write_csv(sensitivity, w)
        })?;
        write_atomic(&self.dir.join(SENSITIVITY_TEXT), |w| {
            w.write_all(text.as_bytes())
        })?;
        self.retire_stale(Kind::Sensitivity, sensitivity.provenance.as_ref())
    }

    /// Writes `sweep.json`, `sweep.csv`, the table as `sweep.txt` and, with the `plots` feature,
    /// the chart `sweep.svg`.
    pub fn write_sweep(&self, swept: &Swept, text: &str) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&[super::plot::sweep(swept).map_err(io::Error::other)?])?;
        self.write_json(SWEEP, swept)?;
        write_atomic(&self.dir.join(SWEEP_CSV), |w| swept.write_csv(w))?;
        write_atomic(&self.dir.join(SWEEP_TEXT), |w| w.write_all(text.as_bytes()))?;
        self.retire_stale(Kind::Sweep, Some(&swept.provenance))
    }

    /// Writes `trace.csv`, each actor's state at every step of one run, and with the `plots`
    /// feature its chart `trace.svg`.
    pub fn write_trace(
        &self,
        world: &crate::engine::World,
        timeline: &super::trace::Timeline,
        run: u64,
        seed: u64,
    ) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&[
            super::plot::trace(world, timeline, run, seed).map_err(io::Error::other)?
        ])?;
        #[cfg(not(feature = "plots"))]
        let _ = (run, seed);
        write_atomic(&self.dir.join(TRACE_CSV), |w| timeline.write_csv(world, w))
    }

    fn write_json(&self, file: &str, value: &impl serde::Serialize) -> io::Result<()> {
        write_atomic(&self.dir.join(file), |w| {
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
            w.write_all(b"\n")
        })
    }

    /// Writes `summary.json`, `levels_by_step.csv` and `pathways.csv`, and with the `plots`
    /// feature the summary's charts (`highest.svg`, `at_war_by_step.svg`, `escalation.svg`), each
    /// atomically.
    pub fn write_summary(&self, summary: &Summary) -> io::Result<()> {
        #[cfg(feature = "plots")]
        self.write_charts(&super::plot::summary_charts(summary).map_err(io::Error::other)?)?;
        self.write_json(SUMMARY, summary)?;
        write_atomic(&self.dir.join(LEVELS_BY_STEP), |w| {
            let mut csv = csv::Writer::from_writer(w);
            // With a start date, each step's date beside its number.
            let dated = summary.labels.start.is_some();
            let mut header = vec!["step".to_owned()];
            if dated {
                header.push("date".to_owned());
            }
            // Per level, the runs at it, then per level their share of the runs.
            let names: Vec<String> = summary
                .labels
                .levels
                .iter()
                .map(|l| super::column_name(l))
                .collect();
            header.extend(names.iter().cloned());
            header.extend(names.iter().map(|n| format!("{n}_share")));
            csv.write_record(&header)?;
            let runs = summary.counts.runs.max(1) as f64;
            for (step, counts) in summary.counts.level_by_step.iter().enumerate() {
                let mut row = vec![step.to_string()];
                if dated {
                    row.push(summary.labels.step_label(step as crate::scenario::Step));
                }
                row.extend(counts.iter().map(u64::to_string));
                row.extend(counts.iter().map(|&n| format!("{:.6}", n as f64 / runs)));
                csv.write_record(&row)?;
            }
            csv.flush()
        })?;
        write_atomic(&self.dir.join(PATHWAYS), |w| {
            let mut csv = csv::Writer::from_writer(w);
            csv.write_record(["pathway", "runs", "share"])?;
            let mut pathways: Vec<(&crate::model::Pathway, &u64)> =
                summary.counts.pathways.iter().collect();
            pathways.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
            let runs = summary.counts.runs.max(1) as f64;
            for (pathway, n) in pathways {
                csv.write_record([
                    pathway.as_str(),
                    &n.to_string(),
                    &format!("{:.6}", *n as f64 / runs),
                ])?;
            }
            csv.flush()
        })?;
        self.retire_stale(Kind::Run, Some(&summary.provenance))
    }
}

/// Writes a file under a temporary name in the same directory, then renames it into place.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let temp = temporary(path);
    let result = File::create(&temp).and_then(|file| {
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    });
    match result.and_then(|()| fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&temp); // best effort: the error below is what matters
            Err(error(path, "cannot write", e))
        }
    }
}

fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// `casus merge`: reads the summaries of the shards' output directories, merges them
/// ([`merge`](crate::monte_carlo::merge)), and only then prepares `out` (as [`OutputDir::prepare`])
/// and writes into it the merged summary with its files and the shards' per-run tables joined in
/// run order: the files one run of all the runs writes.
pub fn merge_dirs(out: &Path, force: bool, shards: &[PathBuf]) -> io::Result<Summary> {
    let mut parts = Vec::new();
    for dir in shards {
        let summary = read_summary(dir)?;
        if summary.provenance.casus_version != crate::VERSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: made by casus {}, this is casus {}: merge with the version that made it",
                    dir.join(SUMMARY).display(),
                    summary.provenance.casus_version,
                    crate::VERSION
                ),
            ));
        }
        check_runs_table(dir, &summary)?;
        parts.push((dir.display().to_string(), summary));
    }
    let merged = crate::monte_carlo::merge(&parts).map_err(io::Error::other)?;
    let out = OutputDir::prepare(out, force)?;
    let mut order: Vec<(&PathBuf, [u64; 2])> = shards
        .iter()
        .zip(&parts)
        .map(|(dir, (_, s))| (dir, s.provenance.run_range))
        .collect();
    order.sort_by_key(|(_, range)| *range);
    let mut runs = out.runs_writer(merged.labels.start.is_some())?;
    for (dir, _) in order {
        runs.append_dir(dir)?;
    }
    runs.finish()?;
    out.write_summary(&merged)?;
    Ok(merged)
}

/// Reads a `summary.json` and checks it ([`Summary::check`]): a summary that breaks an invariant
/// (edited, or damaged) is an error naming the file and the invariant, never a wrong figure.
pub fn read_summary(dir: &Path) -> io::Result<Summary> {
    let path = dir.join(SUMMARY);
    let summary: Summary =
        read_json(&path)?.ok_or_else(|| error(&path, "cannot read", "no such file"))?;
    summary.check().map_err(|broken| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: not a summary casus wrote: {broken}; it was edited or damaged",
                path.display()
            ),
        )
    })?;
    Ok(summary)
}

/// Checks that the per-run table `runs.csv` beside a summary is that summary's: one row for each
/// run it counts, each run of its range once. Merging and resuming join these rows, so a table
/// that is missing, short, long or from other runs is an error naming it.
pub fn check_runs_table(dir: &Path, summary: &Summary) -> io::Result<()> {
    let path = dir.join(RUNS);
    let bad = |what: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{}: {what}; it does not belong to the summary beside it",
                path.display()
            ),
        )
    };
    let mut reader = csv::Reader::from_path(&path).map_err(|e| error(&path, "cannot read", e))?;
    let [start, end] = summary.provenance.run_range;
    let mut seen = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| error(&path, "cannot read", e))?;
        let run: u64 = record
            .get(0)
            .and_then(|r| r.parse().ok())
            .ok_or_else(|| bad(format!("a row without a run number: {record:?}")))?;
        if !(start..end).contains(&run) {
            return Err(bad(format!("run {run} is outside the runs {start}..{end}")));
        }
        if !seen.insert(run) {
            return Err(bad(format!("run {run} appears twice")));
        }
    }
    let counted = summary.counts.runs;
    if seen.len() as u64 != counted {
        return Err(bad(format!(
            "{} rows for the {counted} runs the summary counts",
            seen.len()
        )));
    }
    Ok(())
}

/// Reads one of casus's own JSON files, or `None` if there is none. A file that does not parse
/// is an error naming the file, the JSON path, and the line and column.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> io::Result<Option<T>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error(path, "cannot read", e)),
    };
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut deserializer)
        .map(Some)
        .map_err(|e| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: not a casus {name}: at `{}`: {}",
                    path.display(),
                    e.path(),
                    e.inner()
                ),
            )
        })
}

/// A CSV table written under a temporary name and renamed into place when finished.
struct Table {
    csv: csv::Writer<BufWriter<File>>,
    temp: PathBuf,
    path: PathBuf,
}

impl Table {
    fn create(path: &Path, header: &[&str]) -> io::Result<Table> {
        let temp = temporary(path);
        let file = File::create(&temp).map_err(|e| error(&temp, "cannot create", e))?;
        let mut csv = csv::Writer::from_writer(BufWriter::new(file));
        csv.write_record(header)?;
        Ok(Table {
            csv,
            temp,
            path: path.to_owned(),
        })
    }

    /// Appends the data rows of another table of the same kind, skipping its header.
    fn append_file(&mut self, path: &Path) -> io::Result<()> {
        let mut reader = csv::Reader::from_path(path).map_err(|e| error(path, "cannot read", e))?;
        for record in reader.records() {
            let record = record.map_err(|e| error(path, "cannot read", e))?;
            self.csv.write_record(&record)?;
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        let file = self
            .csv
            .into_inner()
            .map_err(|e| error(&self.temp, "cannot write", e))?
            .into_inner()
            .map_err(|e| error(&self.temp, "cannot write", e.into_error()))?;
        file.sync_all()
            .map_err(|e| error(&self.temp, "cannot write", e))?;
        fs::rename(&self.temp, &self.path).map_err(|e| error(&self.path, "cannot write", e))
    }
}

/// The per-run tables, `runs.csv` (one row per run) and `runs_by_actor.csv` (one row per run and
/// actor that took part in a conflict), written as runs complete and renamed into place when
/// finished. The date columns are there when the scenario has a start (they would be empty in
/// every row otherwise).
pub struct RunsWriter {
    runs: Table,
    actors: Table,
    dated: bool,
}

/// The columns of `runs.csv`.
const RUN_COLUMNS: [&str; 6] = [
    "run",
    "highest_level",
    "first_war_step",
    "first_war_date",
    "belligerents",
    "pathway",
];

/// The columns of `runs_by_actor.csv`.
const ACTOR_COLUMNS: [&str; 9] = [
    "run",
    "actor",
    "highest_level",
    "at_war",
    "first_force_step",
    "first_force_date",
    "first_war_step",
    "first_war_date",
    "route",
];

/// Whether a table keeps a column: the date columns only in a dated table.
fn keeps(column: &str, dated: bool) -> bool {
    dated || !column.ends_with("_date")
}

/// The cells of a row whose columns the table keeps.
fn kept<const N: usize>(
    columns: &[&'static str; N],
    cells: [String; N],
    dated: bool,
) -> Vec<String> {
    columns
        .iter()
        .zip(cells)
        .filter(|(c, _)| keeps(c, dated))
        .map(|(_, cell)| cell)
        .collect()
}

impl RunsWriter {
    fn create(dir: &Path, dated: bool) -> io::Result<RunsWriter> {
        let header = |columns: &[&'static str]| -> Vec<&'static str> {
            columns
                .iter()
                .copied()
                .filter(|c| keeps(c, dated))
                .collect()
        };
        Ok(RunsWriter {
            runs: Table::create(&dir.join(RUNS), &header(&RUN_COLUMNS))?,
            actors: Table::create(&dir.join(RUNS_BY_ACTOR), &header(&ACTOR_COLUMNS))?,
            dated,
        })
    }

    /// Appends rows.
    pub fn write(&mut self, rows: &[RunRow]) -> io::Result<()> {
        let step = |s: Option<u32>| s.map(|s| s.to_string()).unwrap_or_default();
        for row in rows {
            let cells = [
                row.run.to_string(),
                row.highest.to_string(),
                step(row.first_war),
                row.first_war_date.clone(),
                row.belligerents.clone(),
                row.pathway.to_string(),
            ];
            self.runs
                .csv
                .write_record(kept(&RUN_COLUMNS, cells, self.dated))?;
            for a in &row.actors {
                let cells = [
                    row.run.to_string(),
                    a.actor.clone(),
                    a.highest.to_string(),
                    u8::from(a.first_war.is_some()).to_string(),
                    step(a.first_force),
                    a.first_force_date.clone(),
                    step(a.first_war),
                    a.first_war_date.clone(),
                    a.route.clone(),
                ];
                self.actors
                    .csv
                    .write_record(kept(&ACTOR_COLUMNS, cells, self.dated))?;
            }
        }
        Ok(())
    }

    /// Appends the rows of another output directory's tables (a shard's, or the runs a resumed run
    /// has already made), skipping their headers.
    pub fn append_dir(&mut self, dir: &Path) -> io::Result<()> {
        self.runs.append_file(&dir.join(RUNS))?;
        self.actors.append_file(&dir.join(RUNS_BY_ACTOR))
    }

    /// Flushes the tables and renames them into place.
    pub fn finish(self) -> io::Result<()> {
        self.runs.finish()?;
        self.actors.finish()
    }
}
