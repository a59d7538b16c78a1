//! The readable output of `casus compare`.

use std::fmt::Write;

use crate::monte_carlo::{Comparison, Difference};

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
    let mut appear: Vec<(&crate::model::Pathway, u64)> = c
        .pathways
        .iter()
        .filter(|(_, [a, b])| *a == 0 && *b > 0)
        .map(|(p, [_, b])| (p, *b))
        .collect();
    appear.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let mut vanish: Vec<(&crate::model::Pathway, u64)> = c
        .pathways
        .iter()
        .filter(|(_, [a, b])| *a > 0 && *b == 0)
        .map(|(p, [a, _])| (p, *a))
        .collect();
    vanish.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    for (title, list) in [
        ("Pathways only in B", appear),
        ("Pathways only in A", vanish),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} (most frequent, {} in all)", list.len());
        for (pathway, n) in list.iter().take(8) {
            let _ = writeln!(out, "  {:>6.1} %  {pathway}", share(*n));
        }
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
