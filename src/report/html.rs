//! `report.html`: one self-contained page of an output directory's results — provenance, the
//! summary tables, the charts as inline SVG and the top pathways in words — with its CSS inline and
//! nothing to fetch, so it reads the same offline, attached to an email or archived.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use super::files::{
    BACKTEST, COMPARE, Compared, OutputDir, SENSITIVITY, SUMMARY, SWEEP, read_result,
};
use super::plot::{self, Chart, PlotError};
use super::text::{fighting, obligations, thousands};
use crate::backtest::Backtest;
use crate::monte_carlo::sweep::Swept;
use crate::monte_carlo::{Difference, Proportion, Provenance, Sensitivity, Summary};

pub use super::files::REPORT;

/// What an output directory holds that a report can show.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    /// `summary.json` of `casus run` or `casus merge`.
    pub summary: Option<Summary>,
    /// `compare.json` of `casus compare --out`.
    pub compared: Option<Compared>,
    /// `sensitivity.json` of `casus sensitivity --out`.
    pub sensitivity: Option<Sensitivity>,
    /// `sweep.json` of `casus sweep --out`.
    pub sweep: Option<Swept>,
    /// `backtest.json` of `casus backtest --out`.
    pub backtest: Option<Backtest>,
}

impl Contents {
    /// Reads whichever of `summary.json`, `compare.json`, `sensitivity.json`, `sweep.json` and
    /// `backtest.json` the manifest of `dir` vouches for; an error if it vouches for none.
    pub fn read(dir: &Path) -> io::Result<Contents> {
        let manifest = super::commit::manifest_of(dir)?;
        let contents = Contents {
            // A summary is checked as merge and resume check it; the other files hold no counts
            // that the report sums.
            summary: if manifest.files.contains_key(SUMMARY) {
                Some(super::files::read_summary(dir)?)
            } else {
                None
            },
            compared: read_result(dir, &manifest, COMPARE)?,
            sensitivity: read_result(dir, &manifest, SENSITIVITY)?,
            sweep: read_result(dir, &manifest, SWEEP)?,
            backtest: read_result(dir, &manifest, BACKTEST)?,
        };
        if contents.summary.is_none()
            && contents.compared.is_none()
            && contents.sensitivity.is_none()
            && contents.sweep.is_none()
            && contents.backtest.is_none()
        {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{}: no {SUMMARY}, {COMPARE}, {SENSITIVITY}, {SWEEP} or {BACKTEST} to report \
                     on; write one with `casus run --out`, `casus compare --out`, `casus \
                     sensitivity --out`, `casus sweep --out` or `casus backtest --out`",
                    dir.display()
                ),
            ));
        }
        Ok(contents)
    }
}

/// Reads `dir` and commits `dir/report.html`; returns its path.
pub fn write(dir: &Path) -> io::Result<PathBuf> {
    let out = OutputDir::existing(dir)?;
    let contents = Contents::read(dir)?;
    let page = page(&contents).map_err(io::Error::other)?;
    out.write_report(&page)?;
    Ok(dir.join(REPORT))
}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(p: f64) -> String {
    format!("{:.1}&nbsp;%", 100.0 * p)
}

fn interval(p: &Proportion) -> String {
    format!("{:.1}–{:.1}", 100.0 * p.lo, 100.0 * p.hi)
}

fn points(d: &Difference) -> [String; 2] {
    [
        format!("{:+.1}", 100.0 * d.delta),
        format!("{:+.1} to {:+.1}", 100.0 * d.lo, 100.0 * d.hi),
    ]
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 64rem;
       padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem;
       border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
p.lead { color: #555; margin-top: 0; }
div.warning { background: #fff4e5; border-left: 4px solid #d97706; padding: .5rem 1rem; margin: 1rem 0; }
details.provenance { color: #555; font-size: .9rem; } details.provenance summary { cursor: pointer; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .92rem; }
th, td { padding: .25rem .7rem; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9rem; }
ol.pathways li { margin-bottom: .6rem; } code { font-size: .85rem; color: #555; }
";

/// Says how many of `total` rows a table of the first [`ROWS`] left out, if any.
fn more(out: &mut String, total: usize, what: &str) {
    if total > ROWS {
        let _ = writeln!(
            out,
            "<p>… and {} more {what} (summary.json has every one).</p>",
            total - ROWS
        );
    }
}

/// A table from a header and rows of cells (already escaped); numeric columns are those whose
/// header starts with `#`, and a header of empty labels is left out.
fn table(out: &mut String, id: &str, header: &[&str], rows: &[Vec<String>]) {
    let _ = write!(out, "<table id=\"{id}\">");
    let numeric: Vec<bool> = header.iter().map(|h| h.starts_with('#')).collect();
    let labelled = header.iter().any(|h| !h.is_empty());
    if labelled {
        out.push_str("<thead><tr>");
    }
    for h in header.iter().filter(|_| labelled) {
        match h.strip_prefix('#') {
            Some(h) => {
                let _ = write!(out, "<th class=\"n\">{h}</th>");
            }
            None => {
                let _ = write!(out, "<th>{h}</th>");
            }
        }
    }
    if labelled {
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (cell, &n) in row.iter().zip(&numeric) {
            let class = if n { " class=\"n\"" } else { "" };
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

fn figure(out: &mut String, chart: &Chart, caption: &str) {
    let id = chart.file.trim_end_matches(".svg").replace('_', "-");
    let _ = writeln!(
        out,
        "<figure id=\"chart-{id}\">{}<figcaption>{}</figcaption></figure>",
        chart.svg,
        esc(caption)
    );
}

/// The rows of the long tables the report shows.
const ROWS: usize = 40;

/// The rows of a provenance table: version, scenario and its SHA-256, seed, runs (`counted` of
/// them, where known), shard, overrides and rules.
fn provenance_rows(p: &Provenance, counted: Option<u64>) -> Vec<Vec<String>> {
    let mut rows = vec![
        vec!["casus version".into(), esc(&p.casus_version)],
        vec!["scenario".into(), esc(&p.scenario)],
        vec![
            "scenario SHA-256".into(),
            format!("<code>{}</code>", esc(&p.scenario_sha256)),
        ],
        vec!["seed".into(), p.seed.to_string()],
        vec![
            "runs".into(),
            format!(
                "{}{} requested (runs {}–{}){}",
                counted.map_or(String::new(), |n| format!("{} of ", thousands(n))),
                thousands(p.runs_requested),
                p.run_range[0],
                p.run_range[1].saturating_sub(1),
                if p.complete { "" } else { ", interrupted" }
            ),
        ],
    ];
    if let Some([i, n]) = p.shard {
        rows.push(vec!["shard".into(), format!("{i} of {n}")]);
    }
    let overrides = if p.overrides.is_empty() {
        "none".to_owned()
    } else {
        esc(&p.overrides.join(", "))
    };
    rows.push(vec!["overrides".into(), overrides]);
    let rules = p.rules.as_deref().unwrap_or("default (docs/MODEL.md)");
    rows.push(vec!["rules".into(), esc(rules)]);
    rows
}

/// A section's provenance, folded under its heading.
fn provenance_details(out: &mut String, id: &str, what: &str, p: Option<&Provenance>) {
    let Some(p) = p else {
        let _ = writeln!(
            out,
            "<p class=\"lead\">This file was written without its provenance (by an older casus): \
             rerun it to know what it was made from.</p>"
        );
        return;
    };
    let _ = writeln!(
        out,
        "<details class=\"provenance\"><summary>Provenance of {what}</summary>"
    );
    table(out, id, &["", ""], &provenance_rows(p, None));
    out.push_str("</details>\n");
}

/// The sections' provenance, named, for the check that they agree.
fn provenances(c: &Contents) -> Vec<(&'static str, Option<&Provenance>)> {
    let mut all = Vec::new();
    if let Some(s) = &c.summary {
        all.push(("the run", Some(&s.provenance)));
    }
    if let Some(s) = &c.sensitivity {
        all.push(("the sensitivity analysis", s.provenance.as_ref()));
    }
    if let Some(compared) = &c.compared {
        all.push((
            "the comparison (arm A)",
            compared.provenance.as_ref().map(|[a, _]| a),
        ));
    }
    if let Some(s) = &c.sweep {
        all.push(("the sweep", Some(&s.provenance)));
    }
    all
}

/// A warning, at the top of the page, where the sections were made from different scenarios,
/// seeds, overrides, rules or versions of casus, or one does not say what it was made from.
fn disagreements(out: &mut String, c: &Contents) {
    let sections = provenances(c);
    let Some(&(first_name, first)) = sections.first() else {
        return;
    };
    let mut lines = Vec::new();
    for &(name, p) in &sections[1..] {
        match (first, p) {
            (Some(a), Some(b)) => {
                for d in b.differences(a) {
                    lines.push(format!("{name} against {first_name}: {d}"));
                }
            }
            _ => lines.push(format!(
                "{} does not record its provenance",
                if p.is_none() { name } else { first_name }
            )),
        }
    }
    if let (Some(b), Some((_, Some(a)))) = (&c.backtest, sections.first())
        && let Some(p) = &b.provenance
        && p.casus_version != a.casus_version
    {
        lines.push(format!(
            "the backtest against {first_name}: casus version {} against {}",
            p.casus_version, a.casus_version
        ));
    }
    if lines.is_empty() {
        return;
    }
    out.push_str(
        "<div class=\"warning\" id=\"disagreement\"><p><strong>These results were not all made \
         the same way.</strong> Figures from different sections are not comparable where they \
         differ in:</p><ul>",
    );
    for line in lines {
        let _ = write!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul></div>\n");
}

/// The whole page.
pub fn page(c: &Contents) -> Result<String, PlotError> {
    let title = match (&c.summary, &c.sensitivity, &c.compared, &c.sweep) {
        (Some(s), ..) => s.provenance.scenario.clone(),
        (None, Some(s), ..) => s.scenario.clone(),
        (None, None, Some(compared), _) => compared.arms[0].clone(),
        (None, None, None, Some(s)) => s.scenario.clone(),
        (None, None, None, None) if c.backtest.is_some() => "backtest against history".to_owned(),
        (None, None, None, None) => String::new(),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>casus report: {}</title><style>{STYLE}</style></head><body>\n\
         <h1>casus report: {}</h1>\n",
        esc(&title),
        esc(&title)
    );
    disagreements(&mut out, c);
    if let Some(s) = &c.summary {
        summary_sections(&mut out, s)?;
    }
    if let Some(s) = &c.sensitivity {
        sensitivity_section(&mut out, s)?;
    }
    if let Some(compared) = &c.compared {
        compare_section(&mut out, compared)?;
    }
    if let Some(s) = &c.sweep {
        sweep_section(&mut out, s)?;
    }
    if let Some(b) = &c.backtest {
        backtest_section(&mut out, b)?;
    }
    out.push_str(
        "<footer><p class=\"lead\">Probabilities are shares of seeded runs with Wilson 95&nbsp;% \
         intervals; the model is documented in docs/MODEL.md.</p></footer>\n</body></html>\n",
    );
    Ok(out)
}

fn summary_sections(out: &mut String, s: &Summary) -> Result<(), PlotError> {
    let p = &s.provenance;
    let r = &s.results;
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} runs of {} {}s from seed {}{}.</p>",
        thousands(r.runs),
        s.labels.steps,
        esc(&s.labels.step_unit),
        p.seed,
        if p.complete {
            ""
        } else {
            " — incomplete: the run was interrupted"
        }
    );
    for conflict in &s.labels.under_way {
        let _ = writeln!(
            out,
            "<p class=\"lead\">Under way when the runs begin: {}; only the figures for \
             conflicts begun in the run leave it out.</p>",
            esc(conflict)
        );
    }
    if let Some(focus) = &s.labels.focus {
        let _ = writeln!(
            out,
            "<h2 id=\"focus\">In focus</h2>\n<p>The scenario's question: {}.</p>",
            esc(focus)
        );
        let rows: Vec<Vec<String>> = r
            .highest_at_least_focus
            .iter()
            .skip(1)
            .map(|l| {
                vec![
                    format!("≥ {} ({})", esc(&l.name), l.level),
                    pct(l.probability.p),
                    interval(&l.probability),
                ]
            })
            .collect();
        table(
            out,
            "focus-table",
            &["highest level reached", "#P", "#95&nbsp;% interval"],
            &rows,
        );
    }
    out.push_str("<h2 id=\"provenance\">Provenance</h2>\n");
    let mut rows = provenance_rows(p, Some(r.runs));
    if let Some(h) = p.precision {
        rows.push(vec![
            "precision target".into(),
            format!(
                "P(≥ war) ± {h}; reached ± {:.4}",
                s.counts.war().half_width()
            ),
        ]);
    }
    table(out, "provenance-table", &["", ""], &rows);

    out.push_str("<h2 id=\"escalation\">Escalation</h2>\n");
    // With conflicts under way at the start, the conflicts begun in the run beside.
    let begun = &r.highest_at_least_begun;
    let rows: Vec<Vec<String>> = r
        .highest_at_least
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, l)| {
            let mut row = vec![
                format!("≥ {} ({})", esc(&l.name), l.level),
                pct(l.probability.p),
                interval(&l.probability),
            ];
            if let Some(b) = begun.get(k) {
                row.extend([pct(b.probability.p), interval(&b.probability)]);
            }
            row
        })
        .collect();
    let mut header = vec!["highest level reached", "#P", "#95&nbsp;% interval"];
    if !begun.is_empty() {
        header.extend(["#P, conflicts begun in the run", "#95&nbsp;% interval"]);
    }
    table(out, "levels-table", &header, &rows);
    let _ = writeln!(
        out,
        "<p>{}</p>",
        match r.median_first_war {
            Some(step) => format!(
                "Among runs that reached war, the median first step at war is {}.",
                s.labels.step_label(step)
            ),
            None => "No run reached war.".to_owned(),
        }
    );
    let [highest, at_war, escalation] = [
        plot::highest_levels(s)?,
        plot::at_war_by_step(s)?,
        plot::escalation(s)?,
    ];
    figure(
        out,
        &highest,
        "The highest level each run reached; the whiskers are 95 % intervals.",
    );
    figure(
        out,
        &escalation,
        "For each level, the share of runs whose most intense active conflict is at or above it at the end of each step.",
    );

    out.push_str("<h2 id=\"actors\">Who fights</h2>\n");
    figure(
        out,
        &at_war,
        "Cumulative probability of having been at war by each step, for the actors most often at war.",
    );
    let fighting = fighting(r);
    let rows: Vec<Vec<String>> = fighting
        .iter()
        .take(ROWS)
        .map(|a| {
            let routes: Vec<String> = a
                .routes
                .iter()
                .take(3)
                .map(|(route, n)| {
                    format!("{} {}", esc(route), pct(*n as f64 / r.runs.max(1) as f64))
                })
                .collect();
            vec![
                esc(&a.actor),
                pct(a.at_war.p),
                interval(&a.at_war),
                pct(a.belligerent.p),
                routes.join(", "),
            ]
        })
        .collect();
    table(
        out,
        "actors-table",
        &[
            "actor",
            "#P(at war)",
            "#95&nbsp;% interval",
            "#P(≥ force)",
            "routes into the fighting",
        ],
        &rows,
    );
    more(out, fighting.len(), "actors");

    let obligations = obligations(r);
    if !obligations.is_empty() {
        out.push_str("<h2 id=\"obligations\">Treaty obligations</h2>\n");
        let rows: Vec<Vec<String>> = obligations
            .iter()
            .take(ROWS)
            .map(|o| {
                vec![
                    format!(
                        "{} {}&gt;{}",
                        esc(&o.clause),
                        esc(&o.holder),
                        esc(&o.partner)
                    ),
                    pct(o.triggered.p),
                    pct(o.honoured_given_triggered.p),
                    interval(&o.honoured_given_triggered),
                    o.median_first_step
                        .map(|t| s.labels.step_label(t))
                        .unwrap_or_default(),
                    if o.violated.count > 0 {
                        pct(o.violated.p)
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        table(
            out,
            "obligations-table",
            &[
                "clause holder&gt;partner",
                "#P(triggered)",
                "#P(honoured | triggered)",
                "#95&nbsp;% interval",
                "#median first firing",
                "#P(violated)",
            ],
            &rows,
        );
        more(out, obligations.len(), "obligations");
    }

    if !r.regimes.is_empty() {
        out.push_str(
            "<h2 id=\"sanctions\">Sanctions</h2>\n<p>Of the runs in which a regime was imposed: \
             <em>complied</em>, the target gave in under the pressure and the regime was lifted; \
             <em>objective met otherwise</em>, the target stopped doing what the regime demanded \
             (ended the conflicts it began, or all its conflicts, as the regime's objective says) \
             without giving in, and the regime was lifted for that. Pressure runs from 0 to 1 \
             (docs/MODEL.md §3.8).</p>\n",
        );
        let rows: Vec<Vec<String>> = r
            .regimes
            .iter()
            .map(|g| {
                vec![
                    format!("{} on {}", esc(&g.regime), esc(&g.target)),
                    pct(g.imposed.p),
                    pct(g.compliance.p),
                    pct(g.objective_met.p),
                    format!("{:.2}", g.mean_final_pressure),
                ]
            })
            .collect();
        table(
            out,
            "sanctions-table",
            &[
                "regime",
                "#P(imposed)",
                "#P(complied | imposed)",
                "#P(objective met otherwise | imposed)",
                "#mean final pressure",
            ],
            &rows,
        );
    }

    transfers_and_alignment(out, s)?;

    let _ = writeln!(
        out,
        "<h2 id=\"pathways\">Most frequent pathways</h2>\n<p>Pathways: {}. Each lists the \
         conflicts that drew in a third party or reached war, in the order they began, with who \
         joined them and how.</p>\n<ol class=\"pathways\">",
        super::text::distinct_pathways(r)
    );
    for pathway in r.top_pathways.iter().take(10) {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> of runs: {}<br><code>{}</code></li>",
            pct(pathway.share.p),
            esc(&pathway.pathway.explain(&s.labels.levels)),
            esc(pathway.pathway.as_str())
        );
    }
    out.push_str("</ol>\n");
    Ok(())
}

fn backtest_section(out: &mut String, b: &Backtest) -> Result<(), PlotError> {
    let p = &b.plan;
    let _ = writeln!(
        out,
        "<h2 id=\"backtest\">Against history</h2>\n<p>For each origin year from {} to {} (every \
         {}), the world as it stood on 1&nbsp;January, built from the records before that day \
         only, run {} times over {} years (seed {}), its forecasts set against the MID record of \
         those years and against climatology, each state's or pair's own yearly frequency before \
         the origin. Skill is 1&nbsp;−&nbsp;Brier&nbsp;/&nbsp;Brier of climatology: above 0, \
         better than history repeating itself.{}{}</p>",
        p.from,
        p.to,
        p.every,
        thousands(p.runs),
        p.horizon_years,
        p.seed,
        if p.overrides.is_empty() {
            String::new()
        } else {
            format!(
                " Every world changed by <code>{}</code>.",
                esc(&p.overrides.join(", "))
            )
        },
        if b.complete {
            ""
        } else {
            " <strong>Interrupted: only the origins done are shown.</strong>"
        }
    );
    provenance_details(
        out,
        "backtest-provenance",
        "the backtest",
        b.provenance.as_ref(),
    );
    let rows: Vec<Vec<String>> = b
        .scores
        .iter()
        .map(|(t, s)| {
            vec![
                esc(t.name()),
                thousands(s.n as u64),
                thousands(s.events as u64),
                format!("{:.4}", s.brier),
                format!("{:.4}", s.brier_climatology),
                format!("{:+.3}", s.brier_skill),
                s.auc.map_or("–".into(), |a| format!("{a:.3}")),
            ]
        })
        .collect();
    table(
        out,
        "backtest-table",
        &[
            "forecast",
            "#forecasts",
            "#events",
            "#Brier",
            "#climatology",
            "#skill",
            "#AUC",
        ],
        &rows,
    );
    // The shares that say how the model's conflicts unfold, against the record's.
    let entry = crate::backtest::Entry::pooled(&b.entry);
    let armed = crate::backtest::Lethality::pooled(&b.lethality);
    let honour = crate::backtest::Honour::pooled(&b.honouring);
    let share = |r: Option<f64>| r.map_or("–".to_owned(), pct);
    let tally = |t: crate::import::Tally| t.share();
    let shares = [
        (
            "alliance entry: a state owed defense uses force or is attacked, and its ally joins \
             its side (MID: a joiner on the partner's side, not an originator)",
            entry.rates(),
            [entry.model_cases, entry.record_cases],
        ),
        (
            "honouring, war-scale attack: a state attacked at war level, an ally owing it defense \
             not yet in the conflict joins its side",
            [tally(honour.model.war), tally(honour.record.war)],
            [honour.model.war.cases, honour.record.war.cases],
        ),
        (
            "honouring, limited attack: a state suffers a lethal attack or clash below war, an ally \
             owing it defense not yet in the conflict joins its side",
            [tally(honour.model.limited), tally(honour.record.limited)],
            [honour.model.limited.cases, honour.record.limited.cases],
        ),
        (
            "coalitions: a major power fights a war, a state owing it defense joins its side \
             (model: a state of global reach)",
            [
                tally(honour.model.coalition),
                tally(honour.record.coalition),
            ],
            [honour.model.coalition.cases, honour.record.coalition.cases],
        ),
        (
            "armed attacks: of the pairs that began a dispute reaching force, those with a lethal \
             attack or clash, or war, between them (MID: fatality known)",
            armed.rates(),
            [armed.model_pairs, armed.record_pairs],
        ),
    ];
    let rows: Vec<Vec<String>> = shares
        .iter()
        .map(|(what, [model, record], [model_cases, record_cases])| {
            vec![
                esc(what),
                share(*model),
                thousands(*model_cases),
                share(*record),
                thousands(*record_cases),
            ]
        })
        .collect();
    table(
        out,
        "backtest-shares",
        &["share", "#model", "#cases (all runs)", "#record", "#cases"],
        &rows,
    );
    let charts = plot::backtest_charts(b)?;
    let captions = [
        "Each kind of forecast binned by probability: the share that happened against the bin's \
         mean forecast; points on the diagonal are well calibrated.",
        "States at war within the horizon: the model's mean and 95 % of runs, and the record.",
        "States in a use of force within the horizon: the model's mean and 95 % of runs, and the \
         record.",
        "Pairs between whom a dispute began and reached force: the model's mean and 95 % of runs, \
         and the record.",
    ];
    for (chart, caption) in charts.iter().zip(captions) {
        figure(out, chart, caption);
    }
    Ok(())
}

fn sensitivity_section(out: &mut String, s: &Sensitivity) -> Result<(), PlotError> {
    let _ = writeln!(
        out,
        "<h2 id=\"sensitivity\">Sensitivity of {}</h2>\n<p>Each parameter lowered and \
         raised within its valid range with the others unchanged; {} runs per variant, paired run \
         by run with the base (seed {}). Base: {} ({}).</p>",
        esc(&s.outcome()),
        thousands(s.runs),
        s.seed,
        pct(s.base.p),
        interval(&s.base)
    );
    if let Some(focus) = &s.focus {
        let _ = writeln!(out, "<p>Focus: {}.</p>", esc(focus));
    }
    provenance_details(
        out,
        "sensitivity-provenance",
        "the base",
        s.provenance.as_ref(),
    );
    figure(
        out,
        &plot::tornado(s)?,
        "Change in the probability from the base when each parameter is lowered and raised, with 95 % intervals, largest swing first.",
    );
    let rows: Vec<Vec<String>> = s
        .effects
        .iter()
        .map(|e| {
            let [dl, il] = points(&e.at_low);
            let [dh, ih] = points(&e.at_high);
            vec![
                esc(&e.parameter),
                super::sweep::format_value(e.value),
                super::sweep::format_value(e.low),
                dl,
                il,
                super::sweep::format_value(e.high),
                dh,
                ih,
                format!("{:.1}", 100.0 * e.swing()),
            ]
        })
        .collect();
    table(
        out,
        "sensitivity-table",
        &[
            "parameter",
            "#value",
            "#lowered",
            "#Δ pts",
            "#95&nbsp;%",
            "#raised",
            "#Δ pts",
            "#95&nbsp;%",
            "#swing",
        ],
        &rows,
    );
    Ok(())
}

fn sweep_section(out: &mut String, s: &Swept) -> Result<(), PlotError> {
    let p = &s.provenance;
    let _ = writeln!(
        out,
        "<h2 id=\"sweep\">Sweep of {}</h2>\n<p>{} points ({}) of {}, each {} runs from seed {}: \
         every point draws the same random streams, so points differ by their values alone.</p>",
        esc(&s.outcome(s.level)),
        s.points.len(),
        esc(&s.design),
        esc(&s.paths.join(", ")),
        thousands(p.runs_requested),
        p.seed
    );
    if let Some(focus) = &s.focus {
        let _ = writeln!(out, "<p>Focus: {}.</p>", esc(focus));
    }
    provenance_details(out, "sweep-provenance", "the sweep's base", Some(p));
    figure(
        out,
        &plot::sweep(s)?,
        "The probability at each point of the sweep with its 95 % interval, against the first \
         swept value.",
    );
    let mut header: Vec<String> = vec!["#point".into()];
    header.extend(s.paths.iter().map(|p| format!("#{}", esc(p))));
    header.extend(
        super::sweep::LEVELS
            .iter()
            .map(|&k| format!("#{}", esc(&s.outcome(k)))),
    );
    let rows: Vec<Vec<String>> = s
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut row = vec![(i + 1).to_string()];
            row.extend(point.values.iter().map(|&v| super::sweep::format_value(v)));
            row.extend(super::sweep::LEVELS.iter().map(|&k| {
                let q = &point.at_least[usize::from(k)];
                format!("{} ({})", pct(q.p), interval(q))
            }));
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(out, "sweep-table", &header, &rows);
    Ok(())
}

fn compare_section(out: &mut String, compared: &Compared) -> Result<(), PlotError> {
    let c = &compared.comparison;
    let _ = writeln!(
        out,
        "<h2 id=\"compare\">Comparison of two arms</h2>\n<p>A: {}<br>B: {}</p>\n<p>{} paired runs \
         from seed {}: run r of each arm draws from the same random stream, so the differences \
         come from the arms alone.</p>",
        esc(&compared.arms[0]),
        esc(&compared.arms[1]),
        thousands(c.runs),
        compared.seed
    );
    match &compared.provenance {
        Some([a, b]) => {
            provenance_details(out, "compare-provenance-a", "arm A", Some(a));
            provenance_details(out, "compare-provenance-b", "arm B", Some(b));
        }
        None => provenance_details(out, "compare-provenance", "the arms", None),
    }
    figure(
        out,
        &plot::comparison(c, &compared.levels, &compared.arms)?,
        "Paired differences B − A with 95 % intervals.",
    );
    let mut rows = Vec::new();
    for (k, paired) in c.highest_at_least.iter().enumerate().skip(1) {
        let d = paired.difference(c.runs);
        let name = compared.levels.get(k).map_or("?", String::as_str);
        let [delta, range] = points(&d);
        rows.push(vec![
            format!("highest ≥ {}", esc(name)),
            pct(d.a),
            pct(d.b),
            delta,
            range,
        ]);
    }
    for (actor, paired) in &c.at_war {
        let d = paired.difference(c.runs);
        if d.a > 0.0 || d.b > 0.0 {
            let [delta, range] = points(&d);
            rows.push(vec![
                format!("{} at war", esc(actor)),
                pct(d.a),
                pct(d.b),
                delta,
                range,
            ]);
        }
    }
    table(
        out,
        "compare-table",
        &["outcome", "#A", "#B", "#B − A, pts", "#95&nbsp;% interval"],
        &rows,
    );
    Ok(())
}

/// Transfers, nuclear statuses and who stands with whom, where the scenario has them.
fn transfers_and_alignment(out: &mut String, s: &Summary) -> Result<(), PlotError> {
    let r = &s.results;
    if !r.transfers.is_empty() {
        out.push_str(
            "<h2 id=\"transfers\">Transfers</h2>\n<p>Flows of arms, technology, money or energy \
             (docs/MODEL.md §3.12): how often each moved something, how often a breach of \
             sanctions was detected, and the mean delivered per run, in capability or, for \
             technology, in nuclear statuses.</p>\n",
        );
        let rows: Vec<Vec<String>> = r
            .transfers
            .iter()
            .zip(&s.labels.transfers)
            .map(|(t, l)| {
                vec![
                    format!(
                        "{} ({}, {}&gt;{})",
                        esc(&t.transfer),
                        esc(&l.kind),
                        esc(&l.from),
                        esc(&l.to)
                    ),
                    pct(t.started.p),
                    pct(t.detected.p),
                    format!("{:.4}", t.mean_delivered),
                ]
            })
            .collect();
        table(
            out,
            "transfers-table",
            &["transfer", "#P(flowed)", "#P(detected)", "#mean delivered"],
            &rows,
        );
        for n in &r.nuclear {
            if let Some(gains) = super::text::nuclear_gains(n) {
                let _ = writeln!(
                    out,
                    "<p>{}'s nuclear status at the end, from {}: {}.</p>",
                    esc(&n.actor),
                    n.initial.name(),
                    esc(&gains)
                );
            }
        }
    }
    let (Some(result), Some(labels)) = (&r.alignment, &s.labels.alignment) else {
        return Ok(());
    };
    out.push_str(
        "<h2 id=\"alignment\">Who stands with whom</h2>\n<p>Stances run from −1 (hostile) to +1 \
         (aligned). An actor is aligned with a bloc when its mean stance toward the bloc's other \
         members is 0.5 or more, opposed at −0.5 or less; the blocs have formed when each holds \
         together and every member of each opposes the other. The polarisation index is half the \
         gap between the mean stance within the blocs and between them (docs/MODEL.md \
         §3.10).</p>\n",
    );
    if let Some(chart) = plot::alignment(s)? {
        figure(
            out,
            &chart,
            "For each named pair, the median stance over runs at the end of each step, in a band from the 25th to the 75th percentile; in black, the median polarisation index.",
        );
    }
    for c in &result.checkpoints {
        let last = labels.checkpoints.last() == Some(&c.step);
        let _ = writeln!(
            out,
            "<h3>{} {}</h3>",
            if last { "At the end," } else { "At" },
            s.labels.step_label(c.step)
        );
        let rows: Vec<Vec<String>> = c
            .pairs
            .iter()
            .map(|p| {
                let q = &p.stance.quantiles;
                vec![
                    format!("{} → {}", esc(&p.from), esc(&p.to)),
                    format!("{:+.2}", p.stance.mean),
                    format!("{:+.2}", q[0]),
                    format!("{:+.2}", q[2]),
                    format!("{:+.2}", q[4]),
                    pct(p.bands[4].p),
                    pct(p.bands[0].p),
                ]
            })
            .collect();
        table(
            out,
            &format!("alignment-table-{}", c.step),
            &[
                "stance",
                "#mean",
                "#5th percentile",
                "#median",
                "#95th percentile",
                "#P(≥ 0.5)",
                "#P(&lt; −0.5)",
            ],
            &rows,
        );
        let mut rows: Vec<Vec<String>> = Vec::new();
        if let Some(formed) = &c.formed {
            let blocs: Vec<String> = (0..labels.blocs.len())
                .map(|b| esc(&labels.bloc_name(b)))
                .collect();
            rows.push(vec![
                format!("blocs formed: {}", blocs.join(" vs ")),
                pct(formed.p),
                interval(formed),
            ]);
        }
        for (b, cohesive) in c.cohesive.iter().enumerate() {
            rows.push(vec![
                format!("{} holds together", esc(&labels.bloc_name(b))),
                pct(cohesive.p),
                interval(cohesive),
            ]);
        }
        if let Some(p) = &c.polarisation {
            rows.push(vec![
                "polarisation index: mean (5th–95th percentile)".to_owned(),
                format!("{:+.2}", p.mean),
                format!("[{:+.2}, {:+.2}]", p.quantiles[0], p.quantiles[4]),
            ]);
        }
        table(
            out,
            &format!("blocs-table-{}", c.step),
            &["", "#P", "#95&nbsp;% interval"],
            &rows,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }

    #[test]
    fn a_directory_without_results_is_an_error() {
        let dir = std::env::temp_dir().join(format!("casus-html-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = Contents::read(&dir).unwrap_err();
        assert!(err.to_string().contains("no manifest.json"), "{err}");
        // A manifest that vouches for no results (a trace's directory, say).
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"casus_version": "0.1.0", "files": {}}"#,
        )
        .unwrap();
        let err = Contents::read(&dir).unwrap_err();
        assert!(err.to_string().contains("no summary.json"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
