//! The readable output of `casus sensitivity`, and its CSV.

use std::fmt::Write;
use std::io;

use super::sweep::format_value;
use super::text::{interval, more, pct, thousands};
use crate::monte_carlo::{Difference, Sensitivity};

fn delta(d: &Difference) -> String {
    format!(
        "{:+6.1} [{:+.1}, {:+.1}]",
        100.0 * d.delta,
        100.0 * d.lo,
        100.0 * d.hi
    )
}

/// Renders the ranking: at most `rows` parameters, largest swing first.
pub fn render(s: &Sensitivity, file: &str, rows: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Sensitivity of {} in {file}", s.outcome());
    if let Some(focus) = &s.focus {
        let _ = writeln!(out, "focus: {focus}");
    }
    let _ = writeln!(
        out,
        "each parameter lowered and raised within its valid range, the others as the scenario has them;\n\
         {} runs per variant, paired run by run with the base (seed {})\n\n\
         base: {} {}\n",
        thousands(s.runs),
        s.seed,
        pct(s.base.p),
        interval(&s.base)
    );
    let _ = writeln!(
        out,
        "  rank  {:<28} {:>9}  {:>9}  {:<22}  {:>9}  {:<22}  {:>6}",
        "parameter", "value", "lowered", "Δ pts [95 %]", "raised", "Δ pts [95 %]", "swing"
    );
    for (i, e) in s.effects.iter().take(rows).enumerate() {
        let _ = writeln!(
            out,
            "  {:>4}  {:<28} {:>9}  {:>9}  {:<22}  {:>9}  {:<22}  {:>6.1}",
            i + 1,
            e.parameter,
            format_value(e.value),
            format_value(e.low),
            delta(&e.at_low),
            format_value(e.high),
            delta(&e.at_high),
            100.0 * e.swing()
        );
    }
    more(
        &mut out,
        s.effects.len(),
        rows,
        "parameters",
        "sensitivity.json",
    );
    let _ = writeln!(
        out,
        "\nswing: the distance in points between the lowered and raised variants; a swing inside the\n\
         paired intervals is not told apart from none at this number of runs"
    );
    out
}

/// One row per parameter, in rank order.
pub fn write_csv(s: &Sensitivity, w: &mut impl io::Write) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "rank",
        "parameter",
        "value",
        "low",
        "delta_low",
        "delta_low_lo",
        "delta_low_hi",
        "high",
        "delta_high",
        "delta_high_lo",
        "delta_high_hi",
        "swing",
    ])?;
    for (i, e) in s.effects.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            e.parameter.clone(),
            format_value(e.value),
        ];
        for (x, d) in [(e.low, &e.at_low), (e.high, &e.at_high)] {
            row.push(format_value(x));
            row.extend([d.delta, d.lo, d.hi].map(|v| format!("{v:.6}")));
        }
        row.push(format!("{:.6}", e.swing()));
        csv.write_record(&row)?;
    }
    csv.flush()
}
