//! The table of a parameter sweep: one row per point, its parameter values and the probability
//! that the sweep's subject (the run's highest level, the scenario's focus or one actor) reached
//! each level, with Wilson 95 % intervals.

use std::fmt::Write as _;
use std::io;

use super::text::thousands;
pub use crate::monte_carlo::sweep::{Swept, Table};

/// The levels the table reports: P(≥ level) for force, war and the two nuclear levels.
pub const LEVELS: [u8; 4] = [4, 5, 6, 7];

impl Swept {
    /// The name of level `k`.
    fn level_name(&self, k: u8) -> String {
        self.levels
            .get(usize::from(k))
            .cloned()
            .unwrap_or_else(|| k.to_string())
    }

    /// The table as CSV: `point`, each path, `runs`, then for each level `ge_NAME` (the count),
    /// `p_ge_NAME`, `lo_ge_NAME` and `hi_ge_NAME`, of the sweep's subject (`sweep.json` says
    /// which, with the provenance).
    pub fn write_csv(&self, w: &mut impl io::Write) -> io::Result<()> {
        let mut csv = csv::Writer::from_writer(w);
        let mut header = vec!["point".to_owned()];
        header.extend(self.paths.iter().cloned());
        header.push("runs".into());
        for &k in &LEVELS {
            let name = super::column_name(&self.level_name(k));
            for prefix in ["ge", "p_ge", "lo_ge", "hi_ge"] {
                header.push(format!("{prefix}_{name}"));
            }
        }
        csv.write_record(&header)?;
        for (i, point) in self.points.iter().enumerate() {
            let mut row = vec![(i + 1).to_string()];
            row.extend(point.values.iter().map(f64::to_string));
            row.push(point.at_least[0].of.to_string());
            for &k in &LEVELS {
                let p = &point.at_least[usize::from(k)];
                row.push(p.count.to_string());
                row.extend([p.p, p.lo, p.hi].map(|x| format!("{x:.6}")));
            }
            csv.write_record(&row)?;
        }
        csv.flush()
    }

    /// The table for a terminal.
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        let p = &self.provenance;
        let _ = writeln!(
            out,
            "Sweep of {file}: {} points ({}) × {} runs, seed {}",
            self.points.len(),
            self.design,
            thousands(p.runs_requested),
            p.seed
        );
        if let Some(focus) = &self.focus {
            let _ = writeln!(out, "focus: {focus}");
        }
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
        for &k in &LEVELS {
            let _ = write!(header, "  {:<24}", self.outcome(k));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (i, point) in self.points.iter().enumerate() {
            let mut line = format!("{:>5}", i + 1);
            for (value, w) in point.values.iter().zip(&width) {
                let _ = write!(line, "  {:>w$}", format_value(*value));
            }
            for &k in &LEVELS {
                let p = &point.at_least[usize::from(k)];
                let cell = format!(
                    "{:.1} % [{:.1}, {:.1}]",
                    100.0 * p.p,
                    100.0 * p.lo,
                    100.0 * p.hi
                );
                let _ = write!(line, "  {cell:<24}");
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
