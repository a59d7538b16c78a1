//! The readable summary `casus run` prints.

use std::fmt::Write;

use crate::monte_carlo::{ActorResult, ObligationResult, Proportion, Results, Summary};

/// The longest pathway shown in full, in characters (then cut at a step); in a world of many states each run's
/// pathway is long and its own, and summary.json and pathways.csv keep every one they count whole.
const PATHWAY_CHARS: usize = 300;

/// How many distinct pathways the runs had, and how exact their counts are: "2,420 distinct", or,
/// where more pathways were seen than memory keeps (docs/MODEL.md §3.10), "about 9,431 distinct;
/// each count up to 48 runs short".
pub(crate) fn distinct_pathways(r: &Results) -> String {
    if r.pathway_shortfall == 0 {
        format!("{} distinct", thousands(r.distinct_pathways))
    } else {
        format!(
            "about {} distinct; each count up to {} short",
            thousands(r.distinct_pathways),
            runs(r.pathway_shortfall)
        )
    }
}

/// "1 run", "2 runs", "1,024 runs".
pub(crate) fn runs(n: u64) -> String {
    format!("{} {}", thousands(n), if n == 1 { "run" } else { "runs" })
}

/// The line after a table cut to `rows` of `total` rows, all of which `file` holds.
pub(crate) fn more(out: &mut String, total: usize, rows: usize, what: &str, file: &str) {
    if total > rows {
        let _ = writeln!(
            out,
            "  ... {} more {what} (--rows to show more; --out writes every one to {file})",
            thousands((total - rows) as u64)
        );
    }
}

pub(crate) fn pct(p: f64) -> String {
    format!("{:.1} %", 100.0 * p)
}

pub(crate) fn interval(p: &Proportion) -> String {
    format!("[{:.1}, {:.1}]", 100.0 * p.lo, 100.0 * p.hi)
}

/// A count with a comma between thousands: `1,271`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate of runs, rounded, with thousands separated: `1,271 runs/s`.
pub fn runs_per_second(rate: f64) -> String {
    let rounded = if rate.is_finite() && rate > 0.0 {
        rate.round() as u64
    } else {
        0
    };
    format!("{} runs/s", thousands(rounded))
}

/// The actors that took part at force or above in some run, most often at war first.
pub(crate) fn fighting(r: &Results) -> Vec<&ActorResult> {
    let mut actors: Vec<&ActorResult> = r
        .actors
        .iter()
        .filter(|a| a.belligerent.count > 0)
        .collect();
    actors.sort_by(|a, b| {
        b.at_war
            .count
            .cmp(&a.at_war.count)
            .then(b.belligerent.count.cmp(&a.belligerent.count))
    });
    actors
}

/// Every obligation, most often triggered first (ties by clause).
pub(crate) fn obligations(r: &Results) -> Vec<&ObligationResult> {
    let mut obligations: Vec<&ObligationResult> = r.obligations.iter().collect();
    obligations.sort_by(|a, b| {
        b.triggered
            .count
            .cmp(&a.triggered.count)
            .then(a.clause.cmp(&b.clause))
    });
    obligations
}

/// The rows `casus run` shows in each long table unless told otherwise.
pub const DEFAULT_ROWS: usize = 25;

/// Renders a summary for an analyst: escalation, who fights and how, which obligations fire and are
/// honoured, the most frequent pathways, sanctions. The actor and obligation tables show at most
/// `rows` rows, the most frequent first, and say how many more there are.
pub fn render(s: &Summary, rows: usize) -> String {
    let mut out = String::new();
    let p = &s.provenance;
    let r = &s.results;
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{}: {} runs of {} {}s, seed {}{}",
        p.scenario,
        thousands(r.runs),
        s.labels.steps,
        s.labels.step_unit,
        p.seed,
        if p.complete {
            String::new()
        } else {
            " (incomplete)".to_owned()
        }
    );
    let _ = writeln!(
        out,
        "casus {}, scenario sha256 {}{}",
        p.casus_version,
        &p.scenario_sha256[..p.scenario_sha256.len().min(16)],
        if p.overrides.is_empty() {
            String::new()
        } else {
            format!(", overrides: {}", p.overrides.join(" "))
        }
    );
    for conflict in &s.labels.under_way {
        let _ = writeln!(
            out,
            "under way when the runs begin: {conflict}; only the figures for conflicts begun in \
             the run leave it out"
        );
    }

    if let Some(target) = p.precision {
        let war = s.counts.war();
        let reached = war.half_width() <= target;
        let _ = writeln!(
            out,
            "precision: P(≥ war) ± {:.4} after {} runs, {} the target ± {target}{}",
            war.half_width(),
            thousands(r.runs),
            if reached { "within" } else { "short of" },
            if reached || !p.complete {
                String::new()
            } else {
                format!(
                    " (stopped at the limit of {} runs)",
                    thousands(p.runs_requested)
                )
            }
        );
    }

    // The scenario's question first, where it names one.
    if let Some(focus) = &s.labels.focus {
        let _ = writeln!(
            out,
            "\nIn focus: {focus}\nHighest level reached          P       95 % interval"
        );
        for level in r.highest_at_least_focus.iter().skip(1) {
            let _ = writeln!(
                out,
                "  ≥ {:<22} {:>8}   {}",
                format!("{} ({})", level.name, level.level),
                pct(level.probability.p),
                interval(&level.probability)
            );
        }
    }

    // With conflicts under way at the start, the same for the conflicts begun in the run beside.
    let begun = &r.highest_at_least_begun;
    let _ = writeln!(
        out,
        "\n{}Highest level reached          P       95 % interval{}",
        if s.labels.focus.is_some() {
            "Any conflict\n"
        } else {
            ""
        },
        if begun.is_empty() {
            ""
        } else {
            "   begun in the run   95 % interval"
        }
    );
    for (k, level) in r.highest_at_least.iter().enumerate().skip(1) {
        let mut line = format!(
            "  ≥ {:<22} {:>8}   {}",
            format!("{} ({})", level.name, level.level),
            pct(level.probability.p),
            interval(&level.probability)
        );
        if let Some(b) = begun.get(k) {
            line = format!(
                "{line:<52}{:>9}          {}",
                pct(b.probability.p),
                interval(&b.probability)
            );
        }
        let _ = writeln!(out, "{line}");
    }
    match r.median_first_war {
        Some(step) => {
            let _ = writeln!(
                out,
                "  median first step at war: {}",
                s.labels.step_label(step)
            );
        }
        None => {
            let _ = writeln!(out, "  no run reached war");
        }
    }

    let _ = writeln!(
        out,
        "\nActors                P(war)   95 % interval    P(≥ force)   routes into the fighting"
    );
    let fighting = fighting(r);
    for a in fighting.iter().take(rows) {
        let routes: Vec<String> = a
            .routes
            .iter()
            .take(3)
            .map(|(route, n)| format!("{route} {}", pct(*n as f64 / r.runs.max(1) as f64)))
            .collect();
        let _ = writeln!(
            out,
            "  {:<18} {:>8}   {:<15}  {:>8}     {}",
            a.actor,
            pct(a.at_war.p),
            interval(&a.at_war),
            pct(a.belligerent.p),
            routes.join(", ")
        );
    }

    more(&mut out, fighting.len(), rows, "actors", "summary.json");

    if !r.obligations.is_empty() {
        let _ = writeln!(
            out,
            "\nObligations (holder > partner)            P(triggered)   P(honoured | triggered)   first fired"
        );
        let obligations = obligations(r);
        let total = obligations.len();
        for o in obligations.into_iter().take(rows) {
            let name = format!("{} {}>{}", o.clause, o.holder, o.partner);
            let first = o
                .median_first_step
                .map(|step| s.labels.step_label(step))
                .unwrap_or_default();
            let violated = if o.violated.count > 0 {
                format!("   violated {}", pct(o.violated.p))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {:<40} {:>8}       {:>8} {:<15} {first}{violated}",
                name,
                pct(o.triggered.p),
                pct(o.honoured_given_triggered.p),
                interval(&o.honoured_given_triggered),
            );
        }
        more(&mut out, total, rows, "obligations", "summary.json");
    }

    let _ = writeln!(out, "\nMost frequent pathways ({})", distinct_pathways(r));
    for pathway in r.top_pathways.iter().take(10) {
        let text = if pathway.pathway.is_empty() {
            "(no conflict drew in a third party or reached war)".to_owned()
        } else {
            pathway.pathway.shortened(PATHWAY_CHARS)
        };
        let _ = writeln!(out, "  {:>7}  {text}", pct(pathway.share.p));
    }

    if !r.regimes.is_empty() {
        let _ = writeln!(
            out,
            "\nSanctions                 P(imposed)   P(complied | imposed)   mean final pressure"
        );
        for regime in &r.regimes {
            let _ = writeln!(
                out,
                "  {:<24} {:>8}        {:>8}              {:.2}",
                format!("{} on {}", regime.regime, regime.target),
                pct(regime.imposed.p),
                pct(regime.compliance.p),
                regime.mean_final_pressure
            );
        }
    }
    transfers(&mut out, s);
    alignment(&mut out, s);
    out
}

/// Transfers, and the nuclear statuses of those that receive technology.
fn transfers(out: &mut String, s: &Summary) {
    let r = &s.results;
    if !r.transfers.is_empty() {
        let _ = writeln!(
            out,
            "\nTransfers                                                 P(flowed)   P(detected)   mean delivered"
        );
        for (t, label) in r.transfers.iter().zip(&s.labels.transfers) {
            let _ = writeln!(
                out,
                "  {:<56} {:>8}      {:>8}     {:.4}",
                format!("{} {} {}>{}", t.transfer, label.kind, label.from, label.to),
                pct(t.started.p),
                pct(t.detected.p),
                t.mean_delivered
            );
        }
    }
    for n in &r.nuclear {
        if let Some(gains) = nuclear_gains(n) {
            let _ = writeln!(
                out,
                "  {} nuclear status at the end, from {}: {gains}",
                n.actor,
                n.initial.name(),
            );
        }
    }
}

/// The shares of runs in which an actor ended at each nuclear status above its initial one, with
/// their intervals (`≥ global 98.9 % [98.7, 99.1]`); `None` if it started global.
pub(crate) fn nuclear_gains(n: &crate::monte_carlo::alignment::NuclearResult) -> Option<String> {
    let shares: Vec<String> = n
        .at_least
        .iter()
        .filter(|(status, _)| *status > n.initial)
        .map(|(status, p)| format!("≥ {} {} {}", status.name(), pct(p.p), interval(p)))
        .collect();
    (!shares.is_empty()).then(|| shares.join(", "))
}

/// The named pairs' stances, the blocs and the polarisation index at each checkpoint.
fn alignment(out: &mut String, s: &Summary) {
    let (Some(result), Some(labels)) = (&s.results.alignment, &s.labels.alignment) else {
        return;
    };
    let last = labels.checkpoints.last().copied();
    for c in &result.checkpoints {
        let when = if Some(c.step) == last {
            format!("at the end ({})", s.labels.step_label(c.step))
        } else {
            format!("at {}", s.labels.step_label(c.step))
        };
        let _ = writeln!(
            out,
            "\nAlignment {when}: stance from → to, mean [5 %, median, 95 %], share ≥ 0.5 and < −0.5"
        );
        for p in &c.pairs {
            let q = &p.stance.quantiles;
            let _ = writeln!(
                out,
                "  {:<22} {:>+6.2} [{:+.2}, {:+.2}, {:+.2}]   {:>7} {:>7}",
                format!("{} → {}", p.from, p.to),
                p.stance.mean,
                q[0],
                q[2],
                q[4],
                pct(p.bands[4].p),
                pct(p.bands[0].p)
            );
        }
        if let Some(formed) = &c.formed {
            let blocs: Vec<String> = (0..labels.blocs.len())
                .map(|b| labels.bloc_name(b))
                .collect();
            let _ = writeln!(
                out,
                "  blocs {} formed {} {}",
                blocs.join(" vs "),
                pct(formed.p),
                interval(formed)
            );
        }
        for (b, cohesive) in c.cohesive.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {} cohesive {} {}",
                labels.bloc_name(b),
                pct(cohesive.p),
                interval(cohesive)
            );
        }
        // Actors outside every bloc: with which they lean.
        for l in c.leaning.iter().filter(|l| {
            !labels.blocs.iter().any(|b| b.contains(&l.actor))
                && (l.aligned.count > 0 || l.opposed.count > 0)
        }) {
            let _ = writeln!(
                out,
                "  {} toward {}: aligned {}, opposed {}",
                l.actor,
                labels.bloc_name(l.bloc),
                pct(l.aligned.p),
                pct(l.opposed.p)
            );
        }
        if let Some(polarisation) = &c.polarisation {
            let q = &polarisation.quantiles;
            let _ = writeln!(
                out,
                "  polarisation {:+.2} [{:+.2}, {:+.2}, {:+.2}]",
                polarisation.mean, q[0], q[2], q[4]
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rates_are_written_with_thousands_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_271), "1,271");
        assert_eq!(thousands(20_000_000), "20,000,000");
        assert_eq!(runs_per_second(1_271.4), "1,271 runs/s");
        assert_eq!(runs_per_second(f64::NAN), "0 runs/s");
    }
}
