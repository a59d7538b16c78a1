//! Merging shard summaries into one.

use super::summary::Summary;

/// Why summaries cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no summaries to merge")]
    Empty,
    /// Two summaries differ in something that must be the same.
    #[error("{first} and {second} differ in {what}: {a} against {b}")]
    Mismatch {
        /// Name of the first summary (as given).
        first: String,
        /// Name of the second.
        second: String,
        /// The field.
        what: &'static str,
        /// The first's value.
        a: String,
        /// The second's value.
        b: String,
    },
    /// A summary was interrupted before all its runs were done.
    #[error(
        "{name} is incomplete ({done} of its runs {start}..{end} done); finish it with `casus run --resume` first"
    )]
    Incomplete {
        /// Name of the summary.
        name: String,
        /// Runs done.
        done: u64,
        /// First run.
        start: u64,
        /// End of its runs.
        end: u64,
    },
    /// Two summaries count the same runs.
    #[error("{first} and {second} overlap: both count runs {start}..{end}")]
    Overlap {
        /// First summary.
        first: String,
        /// Second summary.
        second: String,
        /// First run counted twice.
        start: u64,
        /// End of the runs counted twice.
        end: u64,
    },
    /// Some runs are in no summary.
    #[error("runs {start}..{end} of {runs} are in none of the shards given")]
    Missing {
        /// First missing run.
        start: u64,
        /// End of the missing runs.
        end: u64,
        /// Runs requested.
        runs: u64,
    },
}

/// Merges the summaries of shards (each named, for messages) into the summary of all their runs.
/// They must come from the same crate version, scenario, seed, overrides and number of runs, be
/// complete, and cover every run exactly once. The result is identical to the summary of the same
/// runs made in one go.
pub fn merge(parts: &[(String, Summary)]) -> Result<Summary, MergeError> {
    let (first_name, first) = parts.first().ok_or(MergeError::Empty)?;
    for (name, s) in parts {
        let p = &s.provenance;
        let q = &first.provenance;
        let checks: [(&'static str, String, String); 7] = [
            (
                "casus version",
                q.casus_version.clone(),
                p.casus_version.clone(),
            ),
            (
                "scenario (SHA-256)",
                q.scenario_sha256.clone(),
                p.scenario_sha256.clone(),
            ),
            ("seed", q.seed.to_string(), p.seed.to_string()),
            (
                "runs requested",
                q.runs_requested.to_string(),
                p.runs_requested.to_string(),
            ),
            ("overrides", q.overrides.join(" "), p.overrides.join(" ")),
            (
                "rules",
                q.rules.clone().unwrap_or_default(),
                p.rules.clone().unwrap_or_default(),
            ),
            (
                "parameters",
                serde_json::to_string(&q.parameters).unwrap_or_default(),
                serde_json::to_string(&p.parameters).unwrap_or_default(),
            ),
        ];
        for (what, a, b) in checks {
            if a != b {
                return Err(MergeError::Mismatch {
                    first: first_name.clone(),
                    second: name.clone(),
                    what,
                    a,
                    b,
                });
            }
        }
        if s.labels != first.labels {
            return Err(MergeError::Mismatch {
                first: first_name.clone(),
                second: name.clone(),
                what: "labels",
                a: "one scenario".into(),
                b: "another".into(),
            });
        }
        let [start, end] = p.run_range;
        if !p.complete || s.counts.runs != end - start {
            return Err(MergeError::Incomplete {
                name: name.clone(),
                done: s.counts.runs,
                start,
                end,
            });
        }
    }
    let mut order: Vec<&(String, Summary)> = parts.iter().collect();
    order.sort_by_key(|(_, s)| s.provenance.run_range);
    let runs = first.provenance.runs_requested;
    let mut covered = 0;
    let mut previous = &order[0].0;
    for (name, s) in &order {
        let [start, end] = s.provenance.run_range;
        if start < covered {
            return Err(MergeError::Overlap {
                first: previous.clone(),
                second: name.clone(),
                start,
                end: end.min(covered),
            });
        }
        if start > covered {
            return Err(MergeError::Missing {
                start: covered,
                end: start,
                runs,
            });
        }
        covered = end;
        previous = name;
    }
    if covered < runs {
        return Err(MergeError::Missing {
            start: covered,
            end: runs,
            runs,
        });
    }
    let mut counts = order[0].1.counts.clone();
    for (_, s) in &order[1..] {
        counts.merge(&s.counts);
    }
    let mut provenance = first.provenance.clone();
    provenance.shard = None;
    provenance.run_range = [0, runs];
    provenance.complete = true;
    Ok(Summary::new(provenance, first.labels.clone(), counts))
}
