//! The readable output of `casus compare`.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::monte_carlo::{Comparison, Difference};
use crate::report::text::runs;

fn row(out: &mut String, name: &str, d: &Difference) {
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "  {name:<44} {:>7.1} % {:>7.1} %  {:>+7.1} pts  [{:+.1}, {:+.1}]",
        100.0 * d.a,
        100.0 * d.b,
        100.0 * d.delta,
        100.0 * d.lo,
        100.0 * d.hi
    );
}

/// Renders a comparison of arm A (`name_a`) and arm B (`name_b`).
pub fn render(c: &Comparison, name_a: &str, name_b: &str, seed: u64, levels: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "A: {name_a}\nB: {name_b}\n{} paired runs (both arms make the same draw for each decision, from seed {seed})",
        c.runs
    );
    let header = "                                                      A         B       B − A   95 % interval (paired)";
    let _ = writeln!(out, "\nHighest level reached\n{header}");
    for (k, paired) in c.highest_at_least.iter().enumerate().skip(1) {
        let name = format!(
            "≥ {} ({k})",
            levels.get(k).map(String::as_str).unwrap_or("?")
        );
        row(&mut out, &name, &paired.difference(c.runs));
    }
    let _ = writeln!(out, "\nAt war (level ≥ 5)\n{header}");
    for (actor, paired) in &c.at_war {
        if paired.both + paired.only_a + paired.only_b > 0 {
            row(&mut out, actor, &paired.difference(c.runs));
        }
    }
    let standing: Vec<(&String, Difference)> = c
        .standing
        .iter()
        .filter(|(_, p)| {
            // Rows that say something: the arms differ in some run, or the outcome is uncertain.
            p.only_a + p.only_b > 0 || (p.both > 0 && p.both < c.runs)
        })
        .map(|(name, p)| (name, p.difference(c.runs)))
        .collect();
    if !standing.is_empty() {
        let _ = writeln!(out, "\nNuclear status and alignment at the end\n{header}");
        for (name, d) in &standing {
            row(&mut out, name, d);
        }
    }
    let mut changed: Vec<(&String, Difference)> = c
        .triggered
        .iter()
        .map(|(name, p)| (name, p.difference(c.runs)))
        .filter(|(_, d)| d.delta != 0.0 || (d.a > 0.0 && d.b == 0.0) || (d.b > 0.0 && d.a == 0.0))
        .collect();
    changed.sort_by(|x, y| {
        y.1.delta
            .abs()
            .total_cmp(&x.1.delta.abs())
            .then(x.0.cmp(y.0))
    });
    if !changed.is_empty() {
        let _ = writeln!(
            out,
            "\nObligations triggered, where the arms differ\n{header}"
        );
        for (name, d) in changed.iter().take(20) {
            row(&mut out, name, d);
        }
    }
    let mut honoured: Vec<(&String, Difference)> = c
        .honoured
        .iter()
        .map(|(name, p)| (name, p.difference(c.runs)))
        .filter(|(_, d)| d.delta != 0.0)
        .collect();
    honoured.sort_by(|x, y| {
        y.1.delta
            .abs()
            .total_cmp(&x.1.delta.abs())
            .then(x.0.cmp(y.0))
    });
    if !honoured.is_empty() {
        let _ = writeln!(
            out,
            "\nObligations honoured, where the arms differ\n{header}"
        );
        for (name, d) in honoured.iter().take(20) {
            row(&mut out, name, d);
        }
    }
    let share = |n: u64| 100.0 * n as f64 / c.runs.max(1) as f64;
    // Each arm's pathways, most frequent first, and those the other arm never counted.
    let ranked = c.pathways.each_ref().map(|p| p.ranked());
    let counted = ranked
        .each_ref()
        .map(|r| r.iter().map(|&(p, _)| p).collect::<BTreeSet<_>>());
    let mut listed = false;
    for (title, arm) in [("Pathways only in B", 1), ("Pathways only in A", 0)] {
        let only: Vec<_> = ranked[arm]
            .iter()
            .filter(|(p, _)| !counted[1 - arm].contains(p))
            .collect();
        if only.is_empty() {
            continue;
        }
        listed = true;
        let _ = writeln!(out, "\n{title} (most frequent, {} in all)", only.len());
        for (pathway, n) in only.iter().take(8) {
            let _ = writeln!(out, "  {:>6.1} %  {pathway}", share(*n));
        }
    }
    let shortfall = c.pathways.each_ref().map(|p| p.shortfall());
    if listed && shortfall != [0, 0] {
        let _ = writeln!(
            out,
            "  (counted in bounded memory: each count up to {} short in A and {} in B, so a \
             pathway listed for one arm may have as many runs in the other)",
            runs(shortfall[0]),
            runs(shortfall[1])
        );
    }
    match c.narrowing() {
        Some(ratio) => {
            let _ = writeln!(
                out,
                "\nThe paired intervals are on average {ratio:.1} times narrower than those of two independent samples of the same size."
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\nThe arms agree in every run on every headline outcome."
            );
        }
    }
    out
}
