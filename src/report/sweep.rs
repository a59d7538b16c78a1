//! The table of a parameter sweep: one row per point, its parameter values and the probabilities
//! of the highest level reached, with Wilson 95 % intervals.

use std::fmt::Write as _;
use std::io;

use crate::monte_carlo::{Proportion, Summary};

/// The levels the table reports: P(highest ≥ level) for force, war and the two nuclear levels.
const LEVELS: [u8; 4] = [4, 5, 6, 7];

pub use crate::monte_carlo::sweep::Table;

impl Table {
    fn probability(summary: &Summary, level: u8) -> &Proportion {
        &summary
            .results
            .highest_at_least
            .iter()
            .find(|l| l.level == level)
            .expect("levels 1-7 are summarised")
            .probability
    }

    /// The table as CSV: `point`, each path, `runs`, then for each level `ge_NAME` (the count),
    /// `p_ge_NAME`, `lo_ge_NAME` and `hi_ge_NAME`.
    pub fn write_csv(&self, w: &mut impl io::Write) -> io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        let names: Vec<String> = self
            .level_names()
            .iter()
            .map(|n| super::column_name(n))
            .collect();
        let mut header = vec!["point".to_owned()];
        header.extend(self.paths.iter().cloned());
        header.push("runs".into());
        for name in &names {
            for prefix in ["ge", "p_ge", "lo_ge", "hi_ge"] {
                header.push(format!("{prefix}_{name}"));
            }
        }
        csv.write_record(&header)?;
        for (i, (point, summary)) in self.points.iter().zip(&self.summaries).enumerate() {
            let mut row = vec![(i + 1).to_string()];
            row.extend(point.iter().map(f64::to_string));
            row.push(summary.results.runs.to_string());
            for &level in &LEVELS {
                let p = Self::probability(summary, level);
                row.push(p.count.to_string());
                row.extend([p.p, p.lo, p.hi].map(|x| format!("{x:.6}")));
            }
            csv.write_record(&row)?;
        }
        csv.flush()
    }

    fn level_names(&self) -> Vec<String> {
        let labels = self.summaries.first().map(|s| &s.labels.levels);
        LEVELS
            .iter()
            .map(|&l| {
                let label = labels
                    .and_then(|names| names.get(usize::from(l)))
                    .cloned()
                    .unwrap_or_else(|| l.to_string());
                label.replace(' ', "_")
            })
            .collect()
    }

    /// The table for a terminal.
    pub fn render(&self, file: &str, runs: u64, seed: u64, design: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Sweep of {file}: {} points ({design}) × {runs} runs, seed {seed}",
            self.points.len()
        );
        let short: Vec<&str> = self
            .paths
            .iter()
            .map(|p| p.rsplit('.').next().unwrap_or(p))
            .collect();
        let width = short.iter().map(|s| s.len().max(8)).collect::<Vec<_>>();
        let mut header = String::from("point");
        for (name, w) in short.iter().zip(&width) {
            let _ = write!(header, "  {name:>w$}");
        }
        for name in self.level_names() {
            let _ = write!(header, "  {:<22}", format!("P(≥ {name})"));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (i, (point, summary)) in self.points.iter().zip(&self.summaries).enumerate() {
            let mut line = format!("{:>5}", i + 1);
            for (value, w) in point.iter().zip(&width) {
                let _ = write!(line, "  {:>w$}", format_value(*value));
            }
            for &level in &LEVELS {
                let p = Self::probability(summary, level);
                let cell = format!(
                    "{:.1} % [{:.1}, {:.1}]",
                    100.0 * p.p,
                    100.0 * p.lo,
                    100.0 * p.hi
                );
                let _ = write!(line, "  {cell:<22}");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out
    }
}

/// A parameter value as short as it reads back exactly, at most six decimals.
pub(crate) fn format_value(x: f64) -> String {
    let text = format!("{x:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
