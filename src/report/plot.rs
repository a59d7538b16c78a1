//! SVG charts of results, drawn with plotters' SVG backend. Text is written as SVG `<text>` in the
//! viewer's sans-serif font, so no font library is linked and the files are the same on every
//! machine.
//!
//! ```
//! use casus::engine::World;
//! use casus::monte_carlo::MonteCarlo;
//!
//! let scenario = casus::scenario::load("scenarios/two_actor_dispute.json").unwrap();
//! let world = World::new(&scenario).unwrap();
//! let summary = MonteCarlo::new(&world).runs(200).seed(7).run(&mut (), None).unwrap();
//! let charts = casus::report::plot::summary_charts(&summary).unwrap();
//! assert_eq!(charts.len(), 3);
//! assert!(charts.iter().all(|c| c.svg.starts_with("<svg")));
//! ```

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::backtest::{Backtest, Target};
use crate::monte_carlo::{Comparison, Proportion, Sensitivity, Summary};

/// One chart: its file name in an output directory, its title and its SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name, such as `highest.svg`.
    pub file: &'static str,
    /// The title drawn above it.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// A chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("drawing {file}: {message}")]
pub struct PlotError {
    file: &'static str,
    message: String,
}

const WIDTH: u32 = 800;
const HEIGHT: u32 = 440;
const FONT: &str = "sans-serif";
/// Font sizes as given to plotters, whose SVG backend writes them at 0.8 times: labels at 11.3 px,
/// captions at 17.7 px.
const LABEL: f64 = 14.0;
const CAPTION: f64 = 22.0;

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];
const INK: RGBColor = RGBColor(40, 40, 40);
const BAR: RGBColor = RGBColor(0, 114, 178);
const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(213, 94, 0);
/// [`LOW`] half mixed with white: intervals behind a line.
const PALE: RGBColor = RGBColor(128, 185, 217);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Draws on a blank canvas of the given height and returns the SVG, with `title` and `desc` (what
/// the chart shows, in a sentence) as its `<title>` and `<desc>` for screen readers and search.
fn draw(
    file: &'static str,
    title: String,
    desc: &str,
    height: u32,
    paint: impl FnOnce(&Area, &str) -> Drawn,
) -> Result<Chart, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let result = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| paint(&root, &title))
            .and_then(|()| root.present().map_err(Into::into));
        result.map_err(|e| PlotError {
            file,
            message: e.to_string(),
        })?;
    }
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    if let Some(end) = svg.find('>') {
        svg.insert_str(
            end + 1,
            &format!(
                "\n<title>{}</title>\n<desc>{}</desc>",
                escape(&title),
                escape(desc)
            ),
        );
    }
    Ok(Chart { file, title, svg })
}

/// The top of a y axis of shares: a little above the largest value, at most 1.
fn share_axis(largest: f64) -> f64 {
    (largest * 1.15).clamp(0.01, 1.0)
}

fn percent(y: &f64) -> String {
    let p = y * 100.0;
    if p != 0.0 && p.abs() < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// A chart over the steps of a run, with shares of runs up the y axis from 0 to `top`.
fn over_steps<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
    summary: &Summary,
    top: f64,
    y_desc: &str,
) -> Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    let steps = summary.labels.steps.max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, CAPTION))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..f64::from(steps), 0.0..top)?;
    // With a start, the axis reads in dates; fewer labels, as a date is wider than a number.
    let labels = &summary.labels;
    let dated = labels.start.is_some();
    chart
        .configure_mesh()
        .label_style((FONT, LABEL))
        .axis_desc_style((FONT, LABEL))
        .x_desc(if dated {
            "date".to_owned()
        } else {
            format!("{}s", labels.step_unit)
        })
        .x_labels(if dated { 6 } else { 10 })
        .x_label_formatter(&|x| {
            if dated {
                labels.step_label(x.round().max(0.0) as crate::scenario::Step)
            } else {
                format!("{x:.0}")
            }
        })
        .light_line_style(WHITE)
        .y_desc(y_desc)
        .y_label_formatter(&percent)
        .draw()?;
    Ok(chart)
}

/// Draws the legend of a chart's labelled series at `position`.
fn draw_legend<'a, 'b: 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(INK.mix(0.4))
        .label_font((FONT, LABEL))
        .draw()?;
    Ok(())
}

/// A legend key: a filled square of `colour`.
fn swatch(colour: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
}

/// The three charts of a run's summary: `highest.svg`, `at_war_by_step.svg`, `escalation.svg`.
pub fn summary_charts(summary: &Summary) -> Result<Vec<Chart>, PlotError> {
    Ok(vec![
        highest_levels(summary)?,
        at_war_by_step(summary)?,
        escalation(summary)?,
    ])
}

/// The distribution of the highest level a run reached: the share of runs at each level, with its
/// Wilson 95 % interval.
pub fn highest_levels(summary: &Summary) -> Result<Chart, PlotError> {
    let runs = summary.counts.runs;
    let shares: Vec<Proportion> = summary
        .counts
        .highest
        .iter()
        .map(|&n| Proportion::new(n, runs))
        .collect();
    let names = &summary.labels.levels;
    let title = format!("Highest level reached, share of {runs} runs (95 % interval)");
    let desc = "Bars: the share of runs whose highest level reached each rung of the ladder, with \
                95 % Wilson intervals.";
    draw("highest.svg", title, desc, HEIGHT, |root, title| {
        let top = share_axis(shares.iter().map(|p| p.hi).fold(0.0, f64::max));
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, CAPTION))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d((0..shares.len() as i32 - 1).into_segmented(), 0.0..top)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .disable_x_mesh()
            .x_labels(shares.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(k) => names.get(*k as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_style((FONT, LABEL))
            .y_label_formatter(&percent)
            .light_line_style(WHITE)
            .y_desc("share of runs")
            .draw()?;
        chart.draw_series(shares.iter().enumerate().map(|(k, p)| {
            let k = k as i32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(k), 0.0),
                    (SegmentValue::Exact(k + 1), p.p),
                ],
                BAR.mix(0.8).filled(),
            );
            bar.set_margin(0, 0, 14, 14);
            bar
        }))?;
        chart.draw_series(shares.iter().enumerate().filter(|(_, p)| p.hi > 0.0).map(
            |(k, p)| {
                PathElement::new(
                    vec![
                        (SegmentValue::CenterOf(k as i32), p.lo),
                        (SegmentValue::CenterOf(k as i32), p.hi),
                    ],
                    INK.stroke_width(2),
                )
            },
        ))?;
        Ok(())
    })
}

/// Cumulative P(at war by the end of step t) for each actor that was at war in any run, the eight
/// most often at war.
pub fn at_war_by_step(summary: &Summary) -> Result<Chart, PlotError> {
    let runs = summary.counts.runs.max(1) as f64;
    let mut curves: Vec<(&str, Vec<f64>)> = summary
        .counts
        .actors
        .iter()
        .zip(&summary.labels.actors)
        .filter(|(a, _)| a.at_war > 0)
        .map(|(a, id)| {
            let cumulative = a
                .first_war
                .iter()
                .scan(0u64, |total, &n| {
                    *total += n;
                    Some(*total as f64 / runs)
                })
                .collect();
            (id.as_str(), cumulative)
        })
        .collect();
    let last = |c: &[f64]| c.last().copied().unwrap_or(0.0);
    curves.sort_by(|x, y| last(&y.1).total_cmp(&last(&x.1)).then(x.0.cmp(y.0)));
    curves.truncate(PALETTE.len());
    let title = "P(at war) by the end of each step, by actor".to_owned();
    let desc = "Lines: for each actor most often at war, the share of runs in which it has been at \
                war by the end of each step.";
    draw("at_war_by_step.svg", title, desc, HEIGHT, |root, title| {
        let top = share_axis(curves.iter().map(|c| last(&c.1)).fold(0.0, f64::max));
        let mut chart = over_steps(root, title, summary, top, "runs at war")?;
        if curves.is_empty() {
            root.draw_text(
                "no actor was at war in any run",
                &(FONT, CAPTION).into_text_style(root),
                (WIDTH as i32 / 2 - 110, HEIGHT as i32 / 2),
            )?;
        }
        for ((id, curve), colour) in curves.iter().zip(PALETTE) {
            let points = curve.iter().enumerate().map(|(t, &p)| (t as f64 + 1.0, p));
            chart
                .draw_series(LineSeries::new(
                    std::iter::once((0.0, 0.0)).chain(points),
                    colour.stroke_width(2),
                ))?
                .label(*id)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
        }
        if !curves.is_empty() {
            draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        Ok(())
    })
}

/// A fan of escalation over time: for each level from dispute up, the share of runs whose highest
/// active level at the end of each step is at or above it, one band per level.
pub fn escalation(summary: &Summary) -> Result<Chart, PlotError> {
    let runs = summary.counts.runs.max(1) as f64;
    let by_step = &summary.counts.level_by_step;
    // at_least[k][t]: share of runs at level ≥ k at the end of step t.
    let at_least: Vec<Vec<f64>> = (0..8)
        .map(|k| {
            by_step
                .iter()
                .map(|counts| counts[k..].iter().sum::<u64>() as f64 / runs)
                .collect()
        })
        .collect();
    let names = &summary.labels.levels;
    let title = "Escalation over time: share of runs at or above each level".to_owned();
    let desc = "Bands: for each level from dispute up, the share of runs whose most intense \
                conflict under way at the end of each step is at that level or above.";
    draw("escalation.svg", title, desc, HEIGHT, |root, title| {
        let top = share_axis(at_least[1].iter().copied().fold(0.0, f64::max));
        let mut chart = over_steps(root, title, summary, top, "runs")?;
        for (k, shares) in at_least.iter().enumerate().skip(1) {
            // Darker for higher levels; each band is drawn over the one below it.
            let colour = RGBColor(
                (250.0 - 30.0 * k as f64) as u8,
                (200.0 - 26.0 * k as f64) as u8,
                (120.0 - 15.0 * k as f64) as u8,
            );
            let points: Vec<(f64, f64)> = shares
                .iter()
                .enumerate()
                .flat_map(|(t, &p)| [(t as f64, p), (t as f64 + 1.0, p)])
                .collect();
            chart
                .draw_series(AreaSeries::new(points, 0.0, colour.filled()))?
                .label(format!("≥ {}", names.get(k).map_or("", String::as_str)))
                .legend(swatch(colour));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}

/// One row of a horizontal chart: a label, bars from one x to another (each with its 95 %
/// interval, drawn as a whisker), and an optional point estimate with its interval.
struct Row {
    label: String,
    bars: Vec<(f64, f64, RGBColor, [f64; 2])>,
    point: Option<[f64; 3]>,
}

/// Rows one under another against a shared x axis, with a vertical reference line: the shape of
/// both the tornado and the comparison chart.
fn horizontal(
    file: &'static str,
    title: String,
    desc: &str,
    x_desc: &str,
    rows: &[Row],
    reference: f64,
    legend: &[(&str, RGBColor)],
) -> Result<Chart, PlotError> {
    let n = rows.len().max(1) as i32;
    let height = (110 + 26 * n as u32).max(200);
    let xs = rows
        .iter()
        .flat_map(|r| {
            r.bars
                .iter()
                .flat_map(|&(a, b, _, [lo, hi])| [a, b, lo, hi])
                .chain(r.point.into_iter().flatten())
        })
        .chain([reference]);
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let pad = ((hi - lo) * 0.08).max(1e-3);
    let longest = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as u32 * 8 + 16).clamp(60, 400);
    draw(file, title, desc, height, |root, title| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, CAPTION))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d((lo - pad)..(hi + pad), (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .disable_y_mesh()
            .y_labels(rows.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(j) => rows
                    .get((n - 1 - j) as usize)
                    .map(|r| r.label.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_style((FONT, LABEL))
            .x_desc(x_desc)
            .x_label_formatter(&|x| {
                let points = x * 100.0;
                if points.abs() < 0.05 {
                    "0".to_owned()
                } else {
                    format!("{points:+.1}")
                }
            })
            .light_line_style(WHITE)
            .draw()?;
        let y = |i: usize| n - 1 - i as i32;
        for (i, row) in rows.iter().enumerate() {
            for &(a, b, colour, _) in &row.bars {
                let mut bar = Rectangle::new(
                    [
                        (a.min(b), SegmentValue::Exact(y(i))),
                        (a.max(b), SegmentValue::Exact(y(i) + 1)),
                    ],
                    colour.mix(0.8).filled(),
                );
                bar.set_margin(5, 5, 0, 0);
                chart.draw_series(std::iter::once(bar))?;
            }
            // The bars' intervals over them, as thin whiskers across the row's middle.
            for &(_, _, _, [lo, hi]) in &row.bars {
                let at = SegmentValue::CenterOf(y(i));
                chart.draw_series([PathElement::new(
                    vec![(lo, at.clone()), (hi, at)],
                    INK.stroke_width(1),
                )])?;
            }
            if let Some([p, lo, hi]) = row.point {
                let at = SegmentValue::CenterOf(y(i));
                chart.draw_series([PathElement::new(
                    vec![(lo, at.clone()), (hi, at.clone())],
                    INK.stroke_width(2),
                )])?;
                chart.draw_series([Circle::new((p, at), 4, INK.filled())])?;
            }
        }
        chart.draw_series([PathElement::new(
            vec![
                (reference, SegmentValue::Exact(0)),
                (reference, SegmentValue::Exact(n)),
            ],
            INK.mix(0.6).stroke_width(1),
        )])?;
        for &(name, colour) in legend {
            chart
                .draw_series(std::iter::empty::<Rectangle<(f64, SegmentValue<i32>)>>())?
                .label(name)
                .legend(swatch(colour));
        }
        if !legend.is_empty() {
            draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    })
}

/// The parameters a tornado chart shows.
pub const TORNADO_ROWS: usize = 25;

/// The tornado chart of a sensitivity analysis: for the [`TORNADO_ROWS`] parameters of largest
/// swing, most influential first, the
/// change in the outcome's probability from the base when it is lowered and when it is raised.
pub fn tornado(s: &Sensitivity) -> Result<Chart, PlotError> {
    let rows: Vec<Row> = s
        .effects
        .iter()
        .take(TORNADO_ROWS)
        .map(|e| Row {
            label: e.parameter.clone(),
            bars: [(&e.at_low, LOW), (&e.at_high, HIGH)]
                .map(|(d, colour)| (0.0, d.delta, colour, [d.lo, d.hi]))
                .to_vec(),
            point: None,
        })
        .collect();
    let mut title = String::new();
    let _ = write!(
        title,
        "Sensitivity of {}, base {:.1} %",
        s.outcome(),
        s.base.p * 100.0
    );
    if s.effects.len() > TORNADO_ROWS {
        let _ = write!(
            title,
            ": the {TORNADO_ROWS} largest swings of {}",
            s.effects.len()
        );
    }
    horizontal(
        "tornado.svg",
        title,
        "Bars: for each parameter, the change from the base in percentage points when it is \
         lowered and when it is raised, with paired 95 % intervals; largest swing first.",
        "change from the base, percentage points",
        &rows,
        0.0,
        &[("lowered", LOW), ("raised", HIGH)],
    )
}

/// Whether a difference is worth a row: not an outcome certain, or impossible, in both arms.
fn varies(d: &crate::monte_carlo::Difference) -> bool {
    !(d.a == d.b && (d.a == 0.0 || d.a == 1.0))
}

/// The comparison chart: each paired difference B − A with its 95 % interval, for P(highest ≥ k)
/// and for each actor's P(at war), leaving out outcomes certain or impossible in both arms.
pub fn comparison(c: &Comparison, levels: &[String]) -> Result<Chart, PlotError> {
    let mut rows = Vec::new();
    for (k, paired) in c.highest_at_least.iter().enumerate().skip(1) {
        let d = paired.difference(c.runs);
        if varies(&d) {
            let name = levels.get(k).map_or("", String::as_str);
            rows.push(Row {
                label: format!("highest ≥ {name}"),
                bars: Vec::new(),
                point: Some([d.delta, d.lo, d.hi]),
            });
        }
    }
    for (actor, paired) in &c.at_war {
        let d = paired.difference(c.runs);
        if varies(&d) {
            rows.push(Row {
                label: format!("{actor} at war"),
                bars: Vec::new(),
                point: Some([d.delta, d.lo, d.hi]),
            });
        }
    }
    let title = format!("B − A over {} paired runs (95 % interval)", c.runs);
    horizontal(
        "compare.svg",
        title,
        "Points: each paired difference B − A in percentage points with its 95 % interval, for \
         the highest level reached and for each actor at war.",
        "difference, percentage points",
        &rows,
        0.0,
        &[],
    )
}

/// A backtest's reliability diagram: for each kind of forecast, the observed share of each bin of
/// forecasts against the bin's mean forecast; the diagonal is perfect calibration.
pub fn reliability(b: &Backtest) -> Result<Chart, PlotError> {
    let title = "Reliability: observed share against forecast probability".to_owned();
    let desc = "Points: for each kind of forecast, the observed share in each bin of forecasts \
                against the bin's mean forecast; the diagonal is perfect calibration.";
    draw("reliability.svg", title, desc, HEIGHT, |root, title| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, CAPTION))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .x_desc("forecast probability (bin mean)")
            .y_desc("observed share")
            .x_label_formatter(&percent)
            .y_label_formatter(&percent)
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            INK.mix(0.4).stroke_width(1),
        ))?;
        for (k, (target, scores)) in b.scores.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let points: Vec<(f64, f64)> = scores
                .reliability
                .iter()
                .map(|bin| (bin.mean_forecast, bin.observed))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
                .label(format!("{} ({} forecasts)", target.name(), scores.n))
                .legend(swatch(colour));
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// A backtest's totals for one kind of forecast, origin by origin: the model's expected number
/// with its 95 % predictive interval, and the record's number.
pub fn backtest_counts(b: &Backtest, target: Target) -> Result<Chart, PlotError> {
    let file = match target {
        Target::StateWar => "counts_state_war.svg",
        Target::StateForce => "counts_state_force.svg",
        _ => "counts_dyad_force.svg",
    };
    let what = match target {
        Target::StateWar => "States at war",
        Target::StateForce => "States in a use of force",
        _ => "Pairs with a force-level dispute begun",
    };
    let rows: Vec<(f64, [f64; 4])> = b
        .totals
        .iter()
        .filter_map(|t| Some((f64::from(t.origin), *t.counts.get(&target)?)))
        .collect();
    let title = format!(
        "{what} within {} years of each origin: model (95 % interval) and record",
        b.plan.horizon_years
    );
    let desc = "For each origin year: the model's expected number with its 95 % predictive \
                interval, and the number the record holds.";
    draw(file, title, desc, HEIGHT, |root, title| {
        let top = rows.iter().map(|(_, c)| c[2].max(c[3])).fold(1.0, f64::max) * 1.1;
        let (lo, hi) = rows.iter().fold((f64::MAX, f64::MIN), |(a, b), (x, _)| {
            (a.min(*x), b.max(*x))
        });
        let (lo, hi) = if rows.is_empty() {
            (0.0, 1.0)
        } else {
            (lo - 1.0, hi + 1.0)
        };
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, CAPTION))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(lo..hi, 0.0..top)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .x_desc("origin year")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .light_line_style(WHITE)
            .draw()?;
        chart
            .draw_series(
                rows.iter().map(|&(x, c)| {
                    PathElement::new(vec![(x, c[1]), (x, c[2])], PALE.stroke_width(6))
                }),
            )?
            .label("model, 95 % of runs")
            .legend(swatch(PALE));
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|&(x, c)| (x, c[0])),
                LOW.stroke_width(2),
            ))?
            .label("model, mean")
            .legend(swatch(LOW));
        chart
            .draw_series(
                rows.iter()
                    .map(|&(x, c)| Circle::new((x, c[3]), 4, HIGH.filled())),
            )?
            .label("record")
            .legend(swatch(HIGH));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Every chart of a backtest: the reliability diagram and one chart of totals per kind of forecast.
pub fn backtest_charts(b: &Backtest) -> Result<Vec<Chart>, PlotError> {
    let mut charts = vec![reliability(b)?];
    for target in Target::ALL {
        charts.push(backtest_counts(b, target)?);
    }
    Ok(charts)
}
