//! The output directory of `casus run` and `casus merge`: `summary.json`, `runs.csv`,
//! `runs_by_actor.csv`, `levels_by_step.csv`, `pathways.csv` and the summary's charts, and the
//! other commands' results beside them. Every command's files are committed together
//! ([`commit`]): a crash or an error at any instant leaves the previous files, and
//! `manifest.json` vouches for each file's size and SHA-256.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::commit::{self, Commit, DirLock, MANIFEST, Manifest, Staged, Staging, Vouched};

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
/// The named pairs' stances and the polarisation index at each step, where the scenario asks for
/// alignment.
pub const ALIGNMENT: &str = "alignment.csv";
/// The blocs and each actor's leaning at each checkpoint.
pub const BLOCS: &str = "blocs.csv";
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
/// The chart of stances over time (with alignment).
pub const ALIGNMENT_SVG: &str = "alignment.svg";
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
                ALIGNMENT,
                BLOCS,
                ALIGNMENT_SVG,
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

impl Compared {
    /// A comparison of arm `a` (run by `mc`) with arm `b`, over the same runs and seed, with
    /// both arms' provenance.
    pub fn new(
        a: &crate::Compiled,
        b: &crate::Compiled,
        mc: &crate::MonteCarlo<'_>,
        comparison: Comparison,
    ) -> Compared {
        let range = [0, comparison.runs];
        let complete = comparison.runs == mc.total_runs();
        let mc_b = b
            .monte_carlo()
            .runs(mc.total_runs())
            .seed(mc.seed_value())
            .rules(mc.rule_set().clone());
        Compared {
            arms: [a.describe(), b.describe()],
            seed: mc.seed_value(),
            levels: a.world.level_labels.clone(),
            comparison,
            provenance: Some([
                mc.provenance_of(&a.world, range, complete),
                mc_b.provenance_of(&b.world, range, complete),
            ]),
        }
    }

    /// The table `casus compare` prints.
    pub fn render(&self) -> String {
        super::compare::render(
            &self.comparison,
            &self.arms[0],
            &self.arms[1],
            self.seed,
            &self.levels,
        )
    }
}

/// An output directory, checked before any simulation starts, and locked against any other casus
/// command for as long as this value lives. Every `write_*` is one commit ([`commit`]):
/// its files become current together, or (on any error or crash) the previous ones stay.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    _lock: DirLock,
}

fn error(path: &Path, what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("{}: {what}: {e}", path.display()))
}

impl OutputDir {
    /// Creates `dir` if needed, locks it, completes or clears what an interrupted command left,
    /// refuses a non-empty directory unless `force`, and checks that it can be written.
    pub fn prepare(dir: &Path, force: bool) -> io::Result<OutputDir> {
        fs::create_dir_all(dir).map_err(|e| error(dir, "cannot create the output directory", e))?;
        let out = Self::lock(dir)?;
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
        out.probe()?;
        Ok(out)
    }

    /// An existing directory of results to add to (`casus report`, `casus run --resume`): locked,
    /// recovered and checked as [`prepare`](Self::prepare) does, whatever it holds.
    pub fn existing(dir: &Path) -> io::Result<OutputDir> {
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such directory", dir.display()),
            ));
        }
        let out = Self::lock(dir)?;
        out.probe()?;
        Ok(out)
    }

    fn lock(dir: &Path) -> io::Result<OutputDir> {
        let lock = DirLock::exclusive(dir)?;
        commit::recover(dir)?;
        Ok(OutputDir {
            dir: dir.to_owned(),
            _lock: lock,
        })
    }

    /// A probe of 64 KiB, synced to disk: a read-only directory or a full disk fails here, before
    /// any run, rather than after hours of them. It is removed when dropped.
    fn probe(&self) -> io::Result<()> {
        let mut probe = Staging::create(&self.dir, "write-test")?;
        probe
            .write_all(&[0u8; 64 * 1024])
            .and_then(|()| probe.finish().map(drop))
            .map_err(|e| error(&self.dir, "cannot write in the output directory", e))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Adds to a commit of results of kind `written` made from `provenance` the retirement of
    /// the results of other kinds made from another scenario (by SHA-256) or another version of
    /// casus, or that do not record what they were made from, and of `report.html`, which no
    /// longer describes the directory. Results of the same scenario stay, for `casus report` to
    /// set side by side.
    fn retire_stale(&self, commit: &mut Commit, written: Kind, provenance: Option<&Provenance>) {
        commit.remove(REPORT);
        let Some(provenance) = provenance else {
            return;
        };
        let manifest = commit::read_manifest(&self.dir).ok().flatten();
        for kind in Kind::ALL.into_iter().filter(|&k| k != written) {
            let record = kind.files()[0];
            if !self.dir.join(record).exists() {
                continue;
            }
            let recorded = manifest
                .as_ref()
                .and_then(|m| read_result::<serde_json::Value>(&self.dir, m, record).ok())
                .flatten()
                .and_then(|v| kind.provenance(&v));
            let stale = recorded.is_none_or(|p| {
                p.scenario_sha256 != provenance.scenario_sha256
                    || p.casus_version != provenance.casus_version
            });
            if stale {
                for file in kind.files() {
                    commit.remove(file);
                }
            }
        }
    }

    /// Writes `backtest.json`, `backtest.csv` and, with the `plots` feature, its charts.
    pub fn write_backtest(&self, backtest: &crate::backtest::Backtest) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &super::plot::backtest_charts(backtest).map_err(io::Error::other)?,
        )?;
        stage_json(&mut commit, BACKTEST, backtest)?;
        commit.write(BACKTEST_CSV, |w| super::backtest::write_csv(backtest, w))?;
        self.retire_stale(&mut commit, Kind::Backtest, backtest.provenance.as_ref());
        commit.apply()
    }

    /// Starts the per-run tables, written under temporary names and committed with the summary
    /// ([`write_run`](Self::write_run)); `dated` (the scenario has a start) adds the date columns.
    pub fn runs_writer(&self, dated: bool) -> io::Result<RunsWriter> {
        RunsWriter::create(&self.dir, dated)
    }

    /// Writes `compare.json`, the table as `compare.txt` and, with the `plots` feature, the chart
    /// `compare.svg`.
    pub fn write_comparison(&self, compared: &Compared, text: &str) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &[
                super::plot::comparison(&compared.comparison, &compared.levels, &compared.arms)
                    .map_err(io::Error::other)?,
            ],
        )?;
        stage_json(&mut commit, COMPARE, compared)?;
        commit.write(COMPARE_TEXT, |w| w.write_all(text.as_bytes()))?;
        let provenance = compared.provenance.as_ref().map(|[a, _]| a);
        self.retire_stale(&mut commit, Kind::Compare, provenance);
        commit.apply()
    }

    /// Writes `sensitivity.json`, `sensitivity.csv`, the table as `sensitivity.txt` and, with the
    /// `plots` feature, the chart `tornado.svg`.
    pub fn write_sensitivity(&self, sensitivity: &Sensitivity, text: &str) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &[super::plot::tornado(sensitivity).map_err(io::Error::other)?],
        )?;
        stage_json(&mut commit, SENSITIVITY, sensitivity)?;
        commit.write(SENSITIVITY_CSV, |w| {
            super::sensitivity::write_csv(sensitivity, w)
        })?;
        commit.write(SENSITIVITY_TEXT, |w| w.write_all(text.as_bytes()))?;
        self.retire_stale(
            &mut commit,
            Kind::Sensitivity,
            sensitivity.provenance.as_ref(),
        );
        commit.apply()
    }

    /// Writes `sweep.json`, `sweep.csv`, the table as `sweep.txt` and, with the `plots` feature,
    /// the chart `sweep.svg`.
    pub fn write_sweep(&self, swept: &Swept, text: &str) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &[super::plot::sweep(swept).map_err(io::Error::other)?],
        )?;
        stage_json(&mut commit, SWEEP, swept)?;
        commit.write(SWEEP_CSV, |w| swept.write_csv(w))?;
        commit.write(SWEEP_TEXT, |w| w.write_all(text.as_bytes()))?;
        self.retire_stale(&mut commit, Kind::Sweep, Some(&swept.provenance));
        commit.apply()
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
        let mut commit = Commit::new(&self.dir);
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &[super::plot::trace(world, timeline, run, seed).map_err(io::Error::other)?],
        )?;
        #[cfg(not(feature = "plots"))]
        let _ = (run, seed);
        commit.write(TRACE_CSV, |w| timeline.write_csv(world, w))?;
        commit.apply()
    }

    /// Writes `report.html`.
    pub fn write_report(&self, page: &str) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        commit.write(REPORT, |w| w.write_all(page.as_bytes()))?;
        commit.apply()
    }

    /// Commits a run's results: the per-run tables `runs` has written, `summary.json`,
    /// `levels_by_step.csv` and `pathways.csv`, and with the `plots` feature the summary's charts
    /// (`highest.svg`, `at_war_by_step.svg`, `escalation.svg`).
    pub fn write_run(&self, summary: &Summary, runs: RunsWriter) -> io::Result<()> {
        let mut commit = Commit::new(&self.dir);
        for staged in runs.finish()? {
            commit.add(staged);
        }
        #[cfg(feature = "plots")]
        stage_charts(
            &mut commit,
            &super::plot::summary_charts(summary).map_err(io::Error::other)?,
        )?;
        stage_json(&mut commit, SUMMARY, summary)?;
        commit.write(LEVELS_BY_STEP, |w| write_levels_by_step(summary, w))?;
        commit.write(PATHWAYS, |w| write_pathways(summary, w))?;
        if summary.labels.alignment.is_some() {
            commit.write(ALIGNMENT, |w| write_alignment(summary, w))?;
            commit.write(BLOCS, |w| write_blocs(summary, w))?;
        } else {
            // Files of an earlier run that asked for alignment no longer describe the directory.
            for file in [ALIGNMENT, BLOCS, ALIGNMENT_SVG] {
                commit.remove(file);
            }
        }
        self.retire_stale(&mut commit, Kind::Run, Some(&summary.provenance));
        commit.apply()
    }
}

/// Writes `levels_by_step.csv`: at each step (with its date if the scenario has a start) the runs
/// whose most intense conflict under way is at each level, then each level's share of the runs.
pub fn write_levels_by_step(summary: &Summary, w: impl Write) -> io::Result<()> {
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
}

/// Writes `alignment.csv`: for each named pair's stance (`series` `stance`, with `from` and `to`)
/// and the polarisation index (`series` `polarisation`), at each step, the mean and the 5th, 25th,
/// 50th, 75th and 95th percentiles over runs (to within 0.02). Nothing without alignment.
pub fn write_alignment(summary: &Summary, w: impl Write) -> io::Result<()> {
    use crate::monte_carlo::alignment::{QUANTILES, quantile};
    let (Some(labels), Some(counts)) = (&summary.labels.alignment, &summary.counts.alignment)
    else {
        return Ok(());
    };
    let mut csv = csv::Writer::from_writer(w);
    let dated = summary.labels.start.is_some();
    let mut header = vec!["series", "from", "to", "step"];
    if dated {
        header.push("date");
    }
    header.extend(["mean", "p05", "p25", "p50", "p75", "p95"]);
    csv.write_record(&header)?;
    let steps = summary.labels.steps as usize;
    let runs = summary.counts.runs.max(1) as f64;
    let mut row = |series: &str, from: &str, to: &str, t: usize, bins: &[u64], sum: i128| {
        let mut record = vec![
            series.to_owned(),
            from.to_owned(),
            to.to_owned(),
            t.to_string(),
        ];
        if dated {
            record.push(summary.labels.step_label(t as crate::scenario::Step));
        }
        record.push(format!("{:.6}", sum as f64 / 1e9 / runs));
        record.extend(
            QUANTILES
                .iter()
                .map(|&q| format!("{:.4}", quantile(bins, q))),
        );
        csv.write_record(&record)
    };
    for (p, [from, to]) in labels.pairs.iter().enumerate() {
        for t in 0..steps {
            let bins = counts.stance_histogram(steps, p, t);
            row(
                "stance",
                from,
                to,
                t,
                bins,
                counts.stance_sum[p * steps + t],
            )?;
        }
    }
    if !counts.polarisation_sum.is_empty() {
        for t in 0..steps {
            let bins = counts.polarisation_histogram(t);
            row("polarisation", "", "", t, bins, counts.polarisation_sum[t])?;
        }
    }
    csv.flush()
}

/// Writes `blocs.csv`: at each checkpoint, the share of runs in which the blocs formed, each bloc
/// was cohesive, and each actor was aligned with or opposed to each bloc, with Wilson 95 %
/// intervals. Nothing without alignment.
pub fn write_blocs(summary: &Summary, w: impl Write) -> io::Result<()> {
    let (Some(labels), Some(results)) = (&summary.labels.alignment, &summary.results.alignment)
    else {
        return Ok(());
    };
    let mut csv = csv::Writer::from_writer(w);
    let dated = summary.labels.start.is_some();
    let mut header = vec!["step"];
    if dated {
        header.push("date");
    }
    header.extend(["what", "actor", "bloc", "runs", "share", "lo", "hi"]);
    csv.write_record(&header)?;
    for c in &results.checkpoints {
        let mut row = |what: &str, actor: &str, bloc: &str, p: &crate::monte_carlo::Proportion| {
            let mut record = vec![c.step.to_string()];
            if dated {
                record.push(summary.labels.step_label(c.step));
            }
            record.extend([
                what.to_owned(),
                actor.to_owned(),
                bloc.to_owned(),
                p.count.to_string(),
            ]);
            record.extend([p.p, p.lo, p.hi].map(|x| format!("{x:.6}")));
            csv.write_record(&record)
        };
        if let Some(formed) = &c.formed {
            row("formed", "", "", formed)?;
        }
        for (b, cohesive) in c.cohesive.iter().enumerate() {
            row("cohesive", "", &labels.bloc_name(b), cohesive)?;
        }
        for l in &c.leaning {
            let bloc = labels.bloc_name(l.bloc);
            row("aligned", &l.actor, &bloc, &l.aligned)?;
            row("opposed", &l.actor, &bloc, &l.opposed)?;
        }
    }
    csv.flush()
}

/// Writes `pathways.csv`: each pathway with its runs and share, most frequent first, and the most
/// runs it can have: `runs` plus the counts' shortfall, equal to `runs` while every count is exact
/// (docs/MODEL.md §3.10).
pub fn write_pathways(summary: &Summary, w: impl Write) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(["pathway", "runs", "share", "runs_at_most"])?;
    let shortfall = summary.counts.pathways.shortfall();
    let runs = summary.counts.runs.max(1) as f64;
    for (pathway, n) in summary.counts.pathways.ranked() {
        csv.write_record([
            pathway.as_str(),
            &n.to_string(),
            &format!("{:.6}", n as f64 / runs),
            &(n + shortfall).to_string(),
        ])?;
    }
    csv.flush()
}

/// Stages charts under their file names.
#[cfg(feature = "plots")]
fn stage_charts(commit: &mut Commit, charts: &[super::plot::Chart]) -> io::Result<()> {
    for chart in charts {
        commit.write(chart.file, |w| w.write_all(chart.svg.as_bytes()))?;
    }
    Ok(())
}

/// Stages a value as pretty JSON.
fn stage_json(commit: &mut Commit, file: &str, value: &impl serde::Serialize) -> io::Result<()> {
    commit.write(file, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// Writes one file on its own (`casus generate --out`, `casus import --out`): under a fresh
/// temporary name created exclusively in the same directory (never through a planted symlink),
/// synced, then renamed into place; on any error the temporary file is removed and `path` is as
/// it was.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut Staging) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| error(path, "cannot write", "not a file name"))?;
    let mut staging = Staging::create(dir, &name)?;
    write(&mut staging).map_err(|e| error(path, "cannot write", e))?;
    staging.finish()?.rename_to(path)
}

/// The largest result file casus reads back: the bound on the summaries it writes
/// ([`footprint`](crate::monte_carlo::footprint)).
pub const MAX_RESULT_BYTES: u64 = crate::monte_carlo::footprint::MAX_SUMMARY_BYTES;

/// `casus merge`: reads the summaries of the shards' output directories, merges them
/// ([`merge`](crate::monte_carlo::merge)), and only then prepares `out` (as [`OutputDir::prepare`])
/// and commits into it the merged summary with its files and the shards' per-run tables joined in
/// run order: the files one run of all the runs writes. The shards are locked (shared) while
/// they are read.
pub fn merge_dirs(out: &Path, force: bool, shards: &[PathBuf]) -> io::Result<Summary> {
    let mut parts = Vec::new();
    let mut locks = Vec::new();
    for dir in shards {
        locks.push(commit::open_for_reading(dir)?);
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
    out.write_run(&merged, runs)?;
    Ok(merged)
}

/// Reads a `summary.json` its directory's manifest vouches for and checks it
/// ([`Summary::check`]): a summary that breaks an invariant (edited, or damaged) is an error naming
/// the file and the invariant, never a wrong figure.
pub fn read_summary(dir: &Path) -> io::Result<Summary> {
    let path = dir.join(SUMMARY);
    let manifest = commit::manifest_of(dir)?;
    let summary: Summary = read_result(dir, &manifest, SUMMARY)?
        .ok_or_else(|| error(&path, "cannot read", format!("not listed in {MANIFEST}")))?;
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

/// Checks that the per-run table `runs.csv` beside a summary is that summary's: vouched for by the
/// manifest (as `runs_by_actor.csv` must be), one row for each run it counts, each run of its
/// range once. Merging and resuming join
/// these rows, so a table that is missing, short, long or from other runs is an error naming it.
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
    let manifest = commit::manifest_of(dir)?;
    let mut vouched = Vouched::open(dir, &manifest, RUNS)?;
    let mut reader = csv::Reader::from_reader(&mut vouched);
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
    drop(reader);
    vouched.finish()?;
    // The per-actor table is joined too: it must be the one committed with them.
    Vouched::open(dir, &manifest, RUNS_BY_ACTOR)?.finish()?;
    let counted = summary.counts.runs;
    if seen.len() as u64 != counted {
        return Err(bad(format!(
            "{} rows for the {counted} runs the summary counts",
            seen.len()
        )));
    }
    Ok(())
}

/// Reads one of casus's own JSON results that `manifest` vouches for, or `None` if it lists none
/// of that name. A file that differs from its entry, is larger than [`MAX_RESULT_BYTES`] or does
/// not parse is an error naming the file (with the JSON path, line and column).
pub fn read_result<T: serde::de::DeserializeOwned>(
    dir: &Path,
    manifest: &Manifest,
    name: &str,
) -> io::Result<Option<T>> {
    let path = dir.join(name);
    let Some(bytes) = commit::read_vouched(dir, manifest, name, MAX_RESULT_BYTES)? else {
        return Ok(None);
    };
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(&mut deserializer)
        .map(Some)
        .map_err(|e| {
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

/// A CSV table staged under a temporary name, committed with its run's summary.
struct Table {
    csv: csv::Writer<Staging>,
    /// Its name once committed, for errors.
    path: PathBuf,
}

impl Table {
    fn create(dir: &Path, name: &str, header: &[&str]) -> io::Result<Table> {
        let mut table = Table {
            csv: csv::Writer::from_writer(Staging::create(dir, name)?),
            path: dir.join(name),
        };
        table.write_record(header)?;
        Ok(table)
    }

    /// Writes a row; an error (a full disk) names the table.
    fn write_record<I: AsRef<[u8]>>(
        &mut self,
        record: impl IntoIterator<Item = I>,
    ) -> io::Result<()> {
        self.csv
            .write_record(record)
            .map_err(|e| error(&self.path, "cannot write", e))
    }

    /// Appends the data rows of another directory's table of the same kind, which its manifest
    /// must vouch for, skipping its header.
    fn append_file(&mut self, dir: &Path, name: &str) -> io::Result<()> {
        let path = dir.join(name);
        let manifest = commit::manifest_of(dir)?;
        let mut vouched = Vouched::open(dir, &manifest, name)?;
        let mut reader = csv::Reader::from_reader(&mut vouched);
        for record in reader.records() {
            let record = record.map_err(|e| error(&path, "cannot read", e))?;
            self.write_record(&record)?;
        }
        drop(reader);
        vouched.finish()
    }

    fn finish(self) -> io::Result<Staged> {
        self.csv
            .into_inner()
            .map_err(|e| error(&self.path, "cannot write", e.error()))?
            .finish()
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

/// A table's columns: the date columns only in a dated table.
fn header(columns: &[&'static str], dated: bool) -> Vec<&'static str> {
    columns
        .iter()
        .copied()
        .filter(|c| keeps(c, dated))
        .collect()
}

/// A run's row of `runs.csv`.
fn run_record(row: &RunRow, dated: bool) -> Vec<String> {
    let cells = [
        row.run.to_string(),
        row.highest.to_string(),
        step_cell(row.first_war),
        row.first_war_date.clone(),
        row.belligerents.clone(),
        row.pathway.to_string(),
    ];
    kept(&RUN_COLUMNS, cells, dated)
}

/// A run's rows of `runs_by_actor.csv`.
fn actor_records(row: &RunRow, dated: bool) -> impl Iterator<Item = Vec<String>> + '_ {
    row.actors.iter().map(move |a| {
        let cells = [
            row.run.to_string(),
            a.actor.clone(),
            a.highest.to_string(),
            u8::from(a.first_war.is_some()).to_string(),
            step_cell(a.first_force),
            a.first_force_date.clone(),
            step_cell(a.first_war),
            a.first_war_date.clone(),
            a.route.clone(),
        ];
        kept(&ACTOR_COLUMNS, cells, dated)
    })
}

fn step_cell(step: Option<u32>) -> String {
    step.map(|s| s.to_string()).unwrap_or_default()
}

/// Writes `runs.csv` and `runs_by_actor.csv` of these rows to any writers, as `casus run --out`
/// writes them (the Python package's tables come from here).
pub fn write_run_tables(
    rows: &[RunRow],
    dated: bool,
    runs: impl Write,
    actors: impl Write,
) -> io::Result<()> {
    let mut runs = csv::Writer::from_writer(runs);
    let mut actors = csv::Writer::from_writer(actors);
    runs.write_record(header(&RUN_COLUMNS, dated))?;
    actors.write_record(header(&ACTOR_COLUMNS, dated))?;
    for row in rows {
        runs.write_record(run_record(row, dated))?;
        for record in actor_records(row, dated) {
            actors.write_record(record)?;
        }
    }
    runs.flush()?;
    actors.flush()
}

impl RunsWriter {
    fn create(dir: &Path, dated: bool) -> io::Result<RunsWriter> {
        let header = |columns: &[&'static str]| header(columns, dated);
        Ok(RunsWriter {
            runs: Table::create(dir, RUNS, &header(&RUN_COLUMNS))?,
            actors: Table::create(dir, RUNS_BY_ACTOR, &header(&ACTOR_COLUMNS))?,
            dated,
        })
    }

    /// Appends rows.
    pub fn write(&mut self, rows: &[RunRow]) -> io::Result<()> {
        for row in rows {
            self.runs.write_record(run_record(row, self.dated))?;
            for record in actor_records(row, self.dated) {
                self.actors.write_record(record)?;
            }
        }
        Ok(())
    }

    /// Appends the rows of another output directory's tables (a shard's, or the runs a resumed run
    /// has already made), skipping their headers.
    pub fn append_dir(&mut self, dir: &Path) -> io::Result<()> {
        self.runs.append_file(dir, RUNS)?;
        self.actors.append_file(dir, RUNS_BY_ACTOR)
    }

    /// The path `runs.csv` is written to until it is committed.
    pub fn runs_path(&self) -> &Path {
        self.runs.csv.get_ref().temp_path()
    }

    /// Flushes and syncs the tables, ready to commit.
    fn finish(self) -> io::Result<[Staged; 2]> {
        Ok([self.runs.finish()?, self.actors.finish()?])
    }
}
