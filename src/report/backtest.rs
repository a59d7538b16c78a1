//! A backtest in words and as a table: the scores of each kind of forecast against climatology,
//! and the origins' totals with their predictive intervals.

use std::fmt::Write as _;
use std::io;

use super::text::thousands;
use crate::backtest::{Backtest, Target};

/// What each target forecasts, in words.
fn describe(t: Target) -> &'static str {
    match t {
        Target::StateWar => "state at war (MID hostility 5)",
        Target::StateForce => "state in a use of force (4-5)",
        Target::DyadForce => "pair: a dispute begins, reaches force",
    }
}

/// The text `casus backtest` prints.
pub fn render(b: &Backtest) -> String {
    let p = &b.plan;
    let mut out = String::new();
    let origins = b.totals.len();
    let _ = writeln!(
        out,
        "Backtest: {origins} origin{} from {} to {} every {} year{}, {}-year horizon, {} runs each, seed {}{}",
        if origins == 1 { "" } else { "s" },
        p.from,
        p.to,
        p.every,
        if p.every == 1 { "" } else { "s" },
        p.horizon_years,
        p.runs,
        p.seed,
        if b.complete {
            ""
        } else {
            " (interrupted: the origins done)"
        }
    );
    let _ = writeln!(out, "casus {}\n", b.casus_version);
    let _ = writeln!(
        out,
        "{:<40} {:>6} {:>6}  {:>7} {:>7} {:>7}  {:>6} {:>6}  {:>5}",
        "forecast", "n", "events", "Brier", "clim.", "skill", "log", "clim.", "AUC"
    );
    for (t, s) in &b.scores {
        let _ = writeln!(
            out,
            "{:<40} {:>6} {:>6}  {:>7.4} {:>7.4} {:>+7.3}  {:>6.3} {:>6.3}  {:>5}",
            describe(*t),
            s.n,
            s.events,
            s.brier,
            s.brier_climatology,
            s.brier_skill,
            s.log_score,
            s.log_score_climatology,
            s.auc.map_or("-".to_owned(), |a| format!("{a:.3}"))
        );
    }
    let _ = writeln!(
        out,
        "\nskill: 1 - Brier / Brier of climatology (each state's or pair's own yearly frequency \
         before the origin); above 0 beats history repeating itself\n"
    );
    let pooled = crate::backtest::Entry::pooled(&b.entry);
    let rate = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{:.1} %", 100.0 * r));
    let [model, record] = pooled.rates();
    let _ = writeln!(
        out,
        "alliance entry: a state owed defense uses force or is attacked; its ally joins its side\n  \
         model {} of {} cases ({}), record {} of {} ({})\n",
        thousands(pooled.model_joined),
        thousands(pooled.model_cases),
        rate(model),
        thousands(pooled.record_joined),
        thousands(pooled.record_cases),
        rate(record)
    );
    for (what, rows) in [
        (
            "entries: states joining a use of force they did not start",
            b.entries_by_decade(),
        ),
        ("states at war (MID hostility 5)", b.at_war_by_decade()),
    ] {
        let _ = writeln!(
            out,
            "{what}, per origin's horizon, mean by decade of origin"
        );
        for (decade, [model, record]) in rows {
            let ratio = if model > 0.0 && record > 0.0 {
                format!(" (×{:.2})", model / record)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {decade}s  model {model:.1}, record {record:.1}{ratio}"
            );
        }
    }
    let _ = writeln!(out);
    let honour = crate::backtest::Honour::pooled(&b.honouring);
    let tally = |t: crate::import::Tally| {
        format!(
            "{} of {} ({})",
            thousands(t.hits),
            thousands(t.cases),
            rate(t.share())
        )
    };
    let _ = writeln!(
        out,
        "honouring: a state attacked, an ally owing it defense not yet in the conflict joins
           war-scale attack  model {}, record {}
           limited attack    model {}, record {}
coalitions: a major power fights a war; a state owing it defense joins its side
                             model {}, record {}
",
        tally(honour.model.war),
        tally(honour.record.war),
        tally(honour.model.limited),
        tally(honour.record.limited),
        tally(honour.model.coalition),
        tally(honour.record.coalition),
    );
    let armed = crate::backtest::Lethality::pooled(&b.lethality);
    let [model, record] = armed.rates();
    let _ = writeln!(
        out,
        "armed attacks: of the pairs that began a dispute reaching force, those with a lethal \
         attack or clash, or war, between them\n  \
         model {} of {} ({}), record {} of {} of known fatality ({})\n",
        thousands(armed.model_armed),
        thousands(armed.model_pairs),
        rate(model),
        thousands(armed.record_armed),
        thousands(armed.record_pairs),
        rate(record)
    );
    let _ = writeln!(
        out,
        "{:>6}  {:>6}  {:<28} {:<28} {:<28}",
        "origin", "states", "states at war", "states at force", "pairs at force"
    );
    let _ = writeln!(
        out,
        "{:>6}  {:>6}  {:<28} {:<28} {:<28}",
        "", "", "model [95 %] | record", "model [95 %] | record", "model [95 %] | record"
    );
    for t in &b.totals {
        let cell = |target: Target| {
            t.counts.get(&target).map_or(String::new(), |c| {
                format!("{:.1} [{:.0}, {:.0}] | {:.0}", c[0], c[1], c[2], c[3])
            })
        };
        let _ = writeln!(
            out,
            "{:>6}  {:>6}  {:<28} {:<28} {:<28}",
            t.origin,
            t.states,
            cell(Target::StateWar),
            cell(Target::StateForce),
            cell(Target::DyadForce)
        );
    }
    out
}

/// Every forecast as CSV: origin, target, unit, runs in which it happened, the model's probability,
/// climatology's, and whether it happened (0 or 1).
pub fn write_csv(b: &Backtest, w: &mut impl io::Write) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "origin",
        "target",
        "unit",
        "count",
        "p",
        "climatology",
        "observed",
    ])?;
    for f in &b.forecasts {
        csv.write_record([
            f.origin.to_string(),
            f.target.name().to_owned(),
            f.unit.clone(),
            f.count.to_string(),
            f.p.to_string(),
            f.climatology.to_string(),
            u8::from(f.observed).to_string(),
        ])?;
    }
    csv.flush()
}
