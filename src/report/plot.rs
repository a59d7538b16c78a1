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
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::files;
use super::trace::Timeline;
use crate::backtest::{Backtest, Target};
use crate::engine::World;
use crate::monte_carlo::sweep::{Design, Swept};
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
/// The escalation bands, dispute to central nuclear war: ColorBrewer's sequential YlOrRd scheme
/// (Brewer, colorbrewer2.org, nine classes, the palest two left out so every band shows on
/// white), ordered light to dark as the levels rise.
const BANDS: [RGBColor; 7] = [
    RGBColor(0xfe, 0xd9, 0x76),
    RGBColor(0xfe, 0xb2, 0x4c),
    RGBColor(0xfd, 0x8d, 0x3c),
    RGBColor(0xfc, 0x4e, 0x2a),
    RGBColor(0xe3, 0x1a, 0x1c),
    RGBColor(0xbd, 0x00, 0x26),
    RGBColor(0x80, 0x00, 0x26),
];
const INK: RGBColor = RGBColor(40, 40, 40);
const BAR: RGBColor = RGBColor(0, 114, 178);
const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(213, 94, 0);
/// [`LOW`] half mixed with white: intervals behind a line.
const PALE: RGBColor = RGBColor(128, 185, 217);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// How a legend shows one series.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// A line of the colour.
    Line(RGBColor),
    /// A filled square of the colour.
    Swatch(RGBColor),
    /// A dot of the colour.
    Dot(RGBColor),
}

/// A chart's legend: each series' label and key, drawn in a column right of the plot, so that no
/// entry hides a data mark.
type Legend = [(String, Key)];

/// The legend's text size in pixels, as written.
const LEGEND_FONT: f64 = 12.0;
/// The height of one legend entry in pixels.
const LEGEND_ROW: i32 = 20;

/// The width of the legend's column: its longest label at an average glyph width of 0.6 em, with
/// the key and padding; none without a legend.
fn legend_width(legend: &Legend) -> u32 {
    let longest = legend.iter().map(|(l, _)| l.chars().count()).max();
    longest.map_or(0, |n| {
        ((n as f64 * LEGEND_FONT * 0.6) as u32 + 48).clamp(110, 320)
    })
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The legend as an SVG group, `class="legend"`, its box's top-left corner at (`x`, `y`).
fn legend_svg(legend: &Legend, x: i32, y: i32, width: u32) -> String {
    let height = LEGEND_ROW * legend.len() as i32 + 10;
    let mut svg = format!(
        "<g class=\"legend\">\n<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" \
         fill=\"#FFFFFF\" stroke=\"{}\" stroke-opacity=\"0.4\"/>\n",
        hex(INK)
    );
    for (i, (label, key)) in legend.iter().enumerate() {
        let cy = y + 5 + LEGEND_ROW / 2 + LEGEND_ROW * i as i32;
        let kx = x + 10;
        let _ = match *key {
            Key::Line(c) => writeln!(
                svg,
                "<line x1=\"{kx}\" y1=\"{cy}\" x2=\"{}\" y2=\"{cy}\" stroke=\"{}\" stroke-width=\"2\"/>",
                kx + 18,
                hex(c)
            ),
            Key::Swatch(c) => writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/>",
                kx + 2,
                cy - 5,
                hex(c)
            ),
            Key::Dot(c) => writeln!(
                svg,
                "<circle cx=\"{}\" cy=\"{cy}\" r=\"4\" fill=\"{}\"/>",
                kx + 9,
                hex(c)
            ),
        };
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{cy}\" dy=\"0.35em\" font-family=\"{FONT}\" font-size=\"{LEGEND_FONT}\" \
             fill=\"#000000\">{}</text>",
            kx + 26,
            escape(label)
        );
    }
    svg.push_str("</g>\n");
    svg
}

/// What a chart is and shows: its file, title, any lines under the title, a sentence of
/// what it shows (its `<title>` and `<desc>` for screen readers and search), its height and its
/// legend.
struct Frame<'a> {
    file: &'static str,
    title: String,
    subtitle: Vec<String>,
    desc: &'a str,
    height: u32,
    legend: Vec<(String, Key)>,
}

impl Frame<'_> {
    /// Draws the frame on a blank canvas: the title (and the lines under it) across the top, `paint` on the
    /// plotting area under it, and the legend in a column to the plot's right.
    fn draw(self, paint: impl FnOnce(&Area) -> Drawn) -> Result<Chart, PlotError> {
        let Frame {
            file,
            title,
            subtitle,
            desc,
            height,
            legend,
        } = self;
        let lw = legend_width(&legend);
        let mut svg = String::new();
        let mut legend_top = 0;
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
            let result = (|| -> Drawn {
                root.fill(&WHITE)?;
                let mut body = root.titled(&title, (FONT, CAPTION))?;
                for line in &subtitle {
                    body = body.titled(line, (FONT, LABEL))?;
                }
                legend_top = body.get_base_pixel().1 + 12;
                let (plot, _) = body.split_horizontally(WIDTH - lw);
                paint(&plot)?;
                root.present()?;
                Ok(())
            })();
            result.map_err(|e| PlotError {
                file,
                message: e.to_string(),
            })?;
        }
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
        if !legend.is_empty()
            && let Some(end) = svg.rfind("</svg>")
        {
            let x = (WIDTH - lw) as i32;
            svg.insert_str(end, &legend_svg(&legend, x, legend_top, lw - 12));
        }
        Ok(Chart { file, title, svg })
    }
}

/// The top of a y axis of shares: a little above the largest value, at most 1.
fn share_axis(largest: f64) -> f64 {
    (largest * 1.15).clamp(0.01, 1.0)
}

/// The most labels on an axis.
const TICKS: usize = 10;

/// The fewest decimals (at most 4) that write every label plotters puts on an axis from `lo` to
/// `hi` with at most `ticks` labels exactly, once multiplied by `scale` (100 for percentages).
/// Labels that are merely different are not enough: −0.5, 0 and 0.5 at no decimals read −0, 0, +0.
fn decimals(lo: f64, hi: f64, ticks: usize, scale: f64) -> usize {
    let points = RangedCoordf64::from(lo..hi).key_points(ticks);
    (0..4)
        .find(|&d| {
            points.iter().all(|&x| {
                let shifted = x * scale * 10f64.powi(d as i32);
                (shifted - shifted.round()).abs() < 1e-6
            })
        })
        .unwrap_or(4)
}

/// Shares as percentages, with as many decimals as the axis from `lo` to `hi` needs.
fn percent_axis(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let d = decimals(lo, hi, TICKS, 100.0);
    move |&y: &f64| {
        if y == 0.0 {
            "0 %".to_owned()
        } else {
            format!("{:.d$} %", y * 100.0)
        }
    }
}

/// Numbers with as many decimals as the axis from `lo` to `hi` needs; `signed` writes a `+` on
/// positive numbers; `scale` multiplies them first.
fn number_axis(lo: f64, hi: f64, scale: f64, signed: bool) -> impl Fn(&f64) -> String {
    let d = decimals(lo, hi, TICKS, scale);
    move |&x: &f64| {
        let x = x * scale;
        if x.abs() < 0.5 * 10f64.powi(-(d as i32)) {
            "0".to_owned()
        } else if signed {
            format!("{x:+.d$}")
        } else {
            format!("{x:.d$}")
        }
    }
}

/// Whole numbers only: the label of a whole `x`, or nothing between them (steps and years).
fn whole(x: f64, label: impl Fn(i64) -> String) -> String {
    if (x - x.round()).abs() < 1e-9 {
        label(x.round() as i64)
    } else {
        String::new()
    }
}

/// Says, in the middle of an empty plot, why it is empty.
fn empty(plot: &Area, why: &str) -> Drawn {
    let (w, h) = plot.dim_in_pixel();
    plot.draw_text(
        why,
        &(FONT, CAPTION)
            .into_text_style(plot)
            .pos(Pos::new(HPos::Center, VPos::Center)),
        (w as i32 / 2, h as i32 / 2),
    )?;
    Ok(())
}

/// A chart of two numeric axes on `plot`, with the margins every chart here has and `y_area`
/// pixels for the y axis's labels.
fn cartesian<'a, 'b>(
    plot: &'a Area<'b>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_area: u32,
) -> Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    Ok(ChartBuilder::on(plot)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x, y)?)
}

/// The x axis of a chart over the steps of a run: how many, their unit (`month`), and each
/// step's label (its date when the scenario has a start, else its number).
struct Steps<'a> {
    count: u32,
    unit: &'a str,
    dated: bool,
    label: &'a dyn Fn(crate::scenario::Step) -> String,
}

/// A chart over the steps of a run, with `y` up the y axis, its labels written by `y_format` in
/// a margin `y_area` pixels wide.
fn over_steps<'a, 'b>(
    plot: &'a Area<'b>,
    steps: &Steps,
    (y, y_area): (std::ops::Range<f64>, u32),
    y_desc: &str,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    Box<dyn std::error::Error>,
> {
    let mut chart = cartesian(plot, 0.0..f64::from(steps.count.max(1)), y, y_area)?;
    // With a start, the axis reads in dates; fewer labels, as a date is wider than a number.
    chart
        .configure_mesh()
        .label_style((FONT, LABEL))
        .axis_desc_style((FONT, LABEL))
        .x_desc(if steps.dated {
            "date".to_owned()
        } else {
            format!("{}s", steps.unit)
        })
        .x_labels(if steps.dated { 8 } else { TICKS })
        .x_label_formatter(&|&x| {
            whole(x, |t| {
                if steps.dated {
                    (steps.label)(t.max(0) as crate::scenario::Step)
                } else {
                    t.to_string()
                }
            })
        })
        .light_line_style(WHITE)
        .y_desc(y_desc)
        .y_labels(TICKS)
        .y_label_formatter(y_format)
        .draw()?;
    Ok(chart)
}

/// The step axis of a summary's charts.
fn summary_steps<'a>(
    summary: &'a Summary,
    label: &'a dyn Fn(crate::scenario::Step) -> String,
) -> Steps<'a> {
    Steps {
        count: summary.labels.steps,
        unit: &summary.labels.step_unit,
        dated: summary.labels.start.is_some(),
        label,
    }
}

/// The charts of a run's summary: `highest.svg`, `at_war_by_step.svg`, `escalation.svg`, and
/// `alignment.svg` where the scenario asks for alignment.
pub fn summary_charts(summary: &Summary) -> Result<Vec<Chart>, PlotError> {
    let mut charts = vec![
        highest_levels(summary)?,
        at_war_by_step(summary)?,
        escalation(summary)?,
    ];
    if let Some(chart) = alignment(summary)? {
        charts.push(chart);
    }
    Ok(charts)
}

/// The stances of the named pairs over time, each as its median with the band from its 25th to
/// its 75th percentile, and the polarisation index's median as a black line; `None` without
/// alignment in the scenario.
pub fn alignment(summary: &Summary) -> Result<Option<Chart>, PlotError> {
    use crate::monte_carlo::alignment::quantile;
    let (Some(labels), Some(counts)) = (&summary.labels.alignment, &summary.counts.alignment)
    else {
        return Ok(None);
    };
    let steps = summary.labels.steps as usize;
    let series = |histogram: &dyn Fn(usize) -> Vec<u64>| -> [Vec<f64>; 3] {
        [0.25, 0.5, 0.75].map(|q| (0..steps).map(|t| quantile(&histogram(t), q)).collect())
    };
    let mut pairs: Vec<(String, [Vec<f64>; 3])> = labels
        .pairs
        .iter()
        .enumerate()
        .map(|(p, [from, to])| {
            let histogram = |t| counts.stance_histogram(steps, p, t).to_vec();
            (format!("{from} → {to}"), series(&histogram))
        })
        .collect();
    pairs.truncate(PALETTE.len() - 1);
    let polarisation = (!counts.polarisation_sum.is_empty()).then(|| {
        let histogram = |t| counts.polarisation_histogram(t).to_vec();
        series(&histogram)
    });
    let mut legend: Vec<(String, Key)> = pairs
        .iter()
        .zip(PALETTE)
        .map(|((name, _), colour)| (name.clone(), Key::Line(colour)))
        .collect();
    if polarisation.is_some() {
        let blocs: Vec<String> = (0..labels.blocs.len())
            .map(|b| labels.bloc_name(b))
            .collect();
        legend.push((
            format!("polarisation, {}", blocs.join(" vs ")),
            Key::Line(INK),
        ));
    }
    let frame = Frame {
        file: files::ALIGNMENT_SVG,
        title: "Stances over time: median and middle half of the runs".to_owned(),
        subtitle: Vec::new(),
        desc: "Lines: for each named pair, the median over runs of how the first regards the                second at the end of each step (−1 hostile, +1 aligned), in a band from the 25th to                the 75th percentile; the black line, the median polarisation index of the blocs.",
        height: HEIGHT,
        legend,
    };
    frame
        .draw(|plot| {
            let label = |t| summary.labels.step_label(t);
            let axis = summary_steps(summary, &label);
            let mut chart = over_steps(
                plot,
                &axis,
                (-1.0..1.0, 56),
                "stance",
                &number_axis(-1.0, 1.0, 1.0, true),
            )?;
            let at = |t: usize| t as f64 + 1.0;
            for ((_, [lo, mid, hi]), colour) in pairs.iter().zip(PALETTE) {
                let band: Vec<(f64, f64)> = hi
                    .iter()
                    .enumerate()
                    .map(|(t, &y)| (at(t), y))
                    .chain(lo.iter().enumerate().rev().map(|(t, &y)| (at(t), y)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.2).filled(),
                )))?;
                chart.draw_series(LineSeries::new(
                    mid.iter().enumerate().map(|(t, &y)| (at(t), y)),
                    colour.stroke_width(2),
                ))?;
            }
            if let Some([_, mid, _]) = &polarisation {
                chart.draw_series(LineSeries::new(
                    mid.iter().enumerate().map(|(t, &y)| (at(t), y)),
                    INK.stroke_width(2),
                ))?;
            }
            Ok(())
        })
        .map(Some)
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
    let frame = Frame {
        file: files::HIGHEST_SVG,
        title: format!("Highest level reached, share of {runs} runs"),
        subtitle: Vec::new(),
        desc: "Bars: the share of runs whose highest level reached each rung of the ladder, with \
               95 % Wilson intervals.",
        height: HEIGHT,
        legend: vec![
            ("share of runs".to_owned(), Key::Swatch(BAR)),
            ("95 % interval".to_owned(), Key::Line(INK)),
        ],
    };
    frame.draw(|plot| {
        let top = share_axis(shares.iter().map(|p| p.hi).fold(0.0, f64::max));
        let mut chart = ChartBuilder::on(plot)
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
            .y_labels(TICKS)
            .y_label_formatter(&percent_axis(0.0, top))
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
    let frame = Frame {
        file: files::AT_WAR_SVG,
        title: "P(at war) by the end of each step, by actor".to_owned(),
        subtitle: Vec::new(),
        desc: "Lines: for each actor most often at war, the share of runs in which it has been at \
               war by the end of each step.",
        height: HEIGHT,
        legend: curves
            .iter()
            .zip(PALETTE)
            .map(|((id, _), colour)| ((*id).to_owned(), Key::Line(colour)))
            .collect(),
    };
    frame.draw(|plot| {
        let top = share_axis(curves.iter().map(|c| last(&c.1)).fold(0.0, f64::max));
        let label = |t| summary.labels.step_label(t);
        let steps = summary_steps(summary, &label);
        let mut chart = over_steps(
            plot,
            &steps,
            (0.0..top, 64),
            "runs at war",
            &percent_axis(0.0, top),
        )?;
        if curves.is_empty() {
            empty(plot, "no actor was at war in any run")?;
        }
        for ((_, curve), colour) in curves.iter().zip(PALETTE) {
            let points = curve.iter().enumerate().map(|(t, &p)| (t as f64 + 1.0, p));
            chart.draw_series(LineSeries::new(
                std::iter::once((0.0, 0.0)).chain(points),
                colour.stroke_width(2),
            ))?;
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
    let frame = Frame {
        file: files::ESCALATION_SVG,
        title: "Escalation over time: share of runs at or above each level".to_owned(),
        subtitle: Vec::new(),
        desc: "Bands: for each level from dispute up, the share of runs whose most intense \
               conflict under way at the end of each step is at that level or above.",
        height: HEIGHT,
        legend: (1..8)
            .map(|k| {
                let name = names.get(k).map_or("", String::as_str);
                (format!("≥ {name}"), Key::Swatch(BANDS[k - 1]))
            })
            .collect(),
    };
    frame.draw(|plot| {
        let top = share_axis(at_least[1].iter().copied().fold(0.0, f64::max));
        let label = |t| summary.labels.step_label(t);
        let steps = summary_steps(summary, &label);
        let mut chart = over_steps(
            plot,
            &steps,
            (0.0..top, 64),
            "runs",
            &percent_axis(0.0, top),
        )?;
        // Each band is drawn over the one below it.
        for (shares, colour) in at_least.iter().skip(1).zip(BANDS) {
            let points: Vec<(f64, f64)> = shares
                .iter()
                .enumerate()
                .flat_map(|(t, &p)| [(t as f64, p), (t as f64 + 1.0, p)])
                .collect();
            chart.draw_series(AreaSeries::new(points, 0.0, colour.filled()))?;
        }
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
/// both the tornado and the comparison chart. The frame's height is set from the rows.
fn horizontal(
    mut frame: Frame,
    x_desc: &str,
    rows: &[Row],
    reference: f64,
) -> Result<Chart, PlotError> {
    let n = rows.len().max(1) as i32;
    let subtitle = 22 * frame.subtitle.len() as u32;
    frame.height = (110 + subtitle + 26 * n as u32).max(200);
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
    frame.draw(|plot| {
        let (x0, x1) = (lo - pad, hi + pad);
        let mut chart = ChartBuilder::on(plot)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(x0..x1, (0..n - 1).into_segmented())?;
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
            .x_labels(TICKS)
            .x_label_formatter(&number_axis(x0, x1, 100.0, true))
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
    let frame = Frame {
        file: files::TORNADO_SVG,
        title,
        subtitle: Vec::new(),
        desc: "Bars: for each parameter, the change from the base in percentage points when it is \
               lowered and when it is raised, with paired 95 % intervals; largest swing first.",
        height: 0,
        legend: vec![
            ("lowered".to_owned(), Key::Swatch(LOW)),
            ("raised".to_owned(), Key::Swatch(HIGH)),
            ("95 % interval".to_owned(), Key::Line(INK)),
        ],
    };
    horizontal(frame, "change from the base, percentage points", &rows, 0.0)
}

/// Whether a difference is worth a row: not an outcome certain, or impossible, in both arms.
fn varies(d: &crate::monte_carlo::Difference) -> bool {
    !(d.a == d.b && (d.a == 0.0 || d.a == 1.0))
}

/// At most `n` characters of `text`, with an ellipsis where it was cut.
fn shorten(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(n.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The comparison chart: each paired difference B − A with its 95 % interval, for P(highest ≥ k)
/// and for each actor's P(at war), leaving out outcomes certain or impossible in both arms. The
/// line under the title names the arms.
pub fn comparison(
    c: &Comparison,
    levels: &[String],
    arms: &[String; 2],
) -> Result<Chart, PlotError> {
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
    let frame = Frame {
        file: files::COMPARE_SVG,
        title: format!("B − A over {} paired runs", c.runs),
        subtitle: arms
            .iter()
            .zip(["A", "B"])
            .map(|(arm, name)| shorten(&format!("{name}: {arm}"), 100))
            .collect(),
        desc: "Points: each paired difference B − A in percentage points with its 95 % interval, \
               for the highest level reached and for each actor at war.",
        height: 0,
        legend: vec![
            ("B − A".to_owned(), Key::Dot(INK)),
            ("95 % interval".to_owned(), Key::Line(INK)),
        ],
    };
    horizontal(frame, "difference, percentage points", &rows, 0.0)
}

/// A backtest's reliability diagram: for each kind of forecast, the observed share of each bin of
/// forecasts against the bin's mean forecast; the diagonal is perfect calibration.
pub fn reliability(b: &Backtest) -> Result<Chart, PlotError> {
    let mut legend: Vec<(String, Key)> = b
        .scores
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|((target, scores), &colour)| {
            (
                format!("{} ({} forecasts)", target.name(), scores.n),
                Key::Line(colour),
            )
        })
        .collect();
    legend.push(("perfect calibration".to_owned(), Key::Line(INK)));
    let frame = Frame {
        file: files::RELIABILITY_SVG,
        title: "Reliability: observed share against forecast probability".to_owned(),
        subtitle: Vec::new(),
        desc: "Points: for each kind of forecast, the observed share in each bin of forecasts \
               against the bin's mean forecast; the diagonal is perfect calibration.",
        height: HEIGHT,
        legend,
    };
    frame.draw(|plot| {
        let mut chart = cartesian(plot, 0.0..1.0, 0.0..1.0, 64)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .x_desc("forecast probability (bin mean)")
            .y_desc("observed share")
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_label_formatter(&percent_axis(0.0, 1.0))
            .y_label_formatter(&percent_axis(0.0, 1.0))
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            INK.mix(0.4).stroke_width(1),
        ))?;
        for ((_, scores), &colour) in b.scores.iter().zip(PALETTE.iter().cycle()) {
            let points: Vec<(f64, f64)> = scores
                .reliability
                .iter()
                .map(|bin| (bin.mean_forecast, bin.observed))
                .collect();
            chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
        }
        Ok(())
    })
}

/// A backtest's totals for one kind of forecast, origin by origin: the model's expected number
/// with its 95 % predictive interval, and the record's number.
pub fn backtest_counts(b: &Backtest, target: Target) -> Result<Chart, PlotError> {
    let file = match target {
        Target::StateWar => files::COUNTS_STATE_WAR_SVG,
        Target::StateForce => files::COUNTS_STATE_FORCE_SVG,
        _ => files::COUNTS_DYAD_FORCE_SVG,
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
    let frame = Frame {
        file,
        title: format!(
            "{what} within {} years of each origin",
            b.plan.horizon_years
        ),
        subtitle: Vec::new(),
        desc: "For each origin year: the model's expected number with its 95 % predictive \
               interval, and the number the record holds.",
        height: HEIGHT,
        legend: vec![
            ("model, 95 % of runs".to_owned(), Key::Swatch(PALE)),
            ("model, mean".to_owned(), Key::Line(LOW)),
            ("record".to_owned(), Key::Dot(HIGH)),
        ],
    };
    frame.draw(|plot| {
        let top = rows.iter().map(|(_, c)| c[2].max(c[3])).fold(1.0, f64::max) * 1.1;
        let (lo, hi) = rows.iter().fold((f64::MAX, f64::MIN), |(a, b), (x, _)| {
            (a.min(*x), b.max(*x))
        });
        let (lo, hi) = if rows.is_empty() {
            (0.0, 1.0)
        } else {
            (lo - 1.0, hi + 1.0)
        };
        let mut chart = cartesian(plot, lo..hi, 0.0..top, 64)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .x_desc("origin year")
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_label_formatter(&|&x| whole(x, |year| year.to_string()))
            .y_label_formatter(&number_axis(0.0, top, 1.0, false))
            .light_line_style(WHITE)
            .draw()?;
        chart
            .draw_series(rows.iter().map(|&(x, c)| {
                PathElement::new(vec![(x, c[1]), (x, c[2])], PALE.stroke_width(6))
            }))?;
        chart.draw_series(LineSeries::new(
            rows.iter().map(|&(x, c)| (x, c[0])),
            LOW.stroke_width(2),
        ))?;
        chart.draw_series(
            rows.iter()
                .map(|&(x, c)| Circle::new((x, c[3]), 4, HIGH.filled())),
        )?;
        Ok(())
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

/// A sweep's chart: P(subject ≥ the sweep's level) with its 95 % interval (a whisker of the line's
/// colour) against the first axis.
/// On a grid of several axes, one line per combination of the other axes' values (up to eight);
/// otherwise (a Latin hypercube, or more combinations) each point alone.
pub fn sweep(s: &Swept) -> Result<Chart, PlotError> {
    let k = usize::from(s.level);
    let short = |path: &str| path.rsplit('.').next().unwrap_or(path).to_owned();
    // The points that share the values of the other axes, each at its first value.
    type Group = (Vec<f64>, Vec<(f64, Proportion)>);
    let mut groups: Vec<Group> = Vec::new();
    for point in &s.points {
        let (x, rest) = point
            .values
            .split_first()
            .map_or((0.0, &[][..]), |(x, r)| (*x, r));
        let p = point
            .at_least
            .get(k)
            .copied()
            .unwrap_or(Proportion::new(0, 0));
        match groups.iter_mut().find(|(key, _)| key == rest) {
            Some((_, members)) => members.push((x, p)),
            None => groups.push((rest.to_vec(), vec![(x, p)])),
        }
    }
    let lines = s.design == Design::Grid.name() && groups.len() <= PALETTE.len();
    if !lines {
        let all = groups.drain(..).flat_map(|(_, m)| m).collect();
        groups.push((Vec::new(), all));
    }
    for (_, members) in &mut groups {
        members.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let legend: Vec<(String, Key)> = if lines && groups.len() > 1 {
        groups
            .iter()
            .zip(PALETTE)
            .map(|((rest, _), colour)| {
                let words: Vec<String> = s.paths[1..]
                    .iter()
                    .zip(rest)
                    .map(|(path, v)| {
                        format!("{} = {}", short(path), super::sweep::format_value(*v))
                    })
                    .collect();
                (words.join(", "), Key::Line(colour))
            })
            .collect()
    } else {
        vec![
            ("point".to_owned(), Key::Dot(PALETTE[0])),
            ("95 % interval".to_owned(), Key::Line(PALETTE[0])),
        ]
    };
    let outcome = s.outcome(s.level);
    let first = s.paths.first().map_or_else(String::new, |p| short(p));
    let frame = Frame {
        file: files::SWEEP_SVG,
        title: format!("{outcome} against {first}"),
        subtitle: s
            .focus
            .iter()
            .map(|f| shorten(&format!("focus: {f}"), 100))
            .collect(),
        desc: "Points: the probability at each point of the sweep with its 95 % Wilson interval, \
               against the first swept value; lines join the points that share the other values.",
        height: HEIGHT,
        legend,
    };
    let xs = s.points.iter().filter_map(|p| p.values.first().copied());
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.06).max(lo.abs().max(1e-3) * 0.05);
    let (x0, x1) = (lo - pad, hi + pad);
    let top = share_axis(
        groups
            .iter()
            .flat_map(|(_, m)| m.iter().map(|(_, p)| p.hi))
            .fold(0.0, f64::max),
    );
    frame.draw(|plot| {
        let mut chart = cartesian(plot, x0..x1, 0.0..top, 64)?;
        chart
            .configure_mesh()
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .x_desc(first.as_str())
            .y_desc(outcome.as_str())
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_label_formatter(&number_axis(x0, x1, 1.0, false))
            .y_label_formatter(&percent_axis(0.0, top))
            .light_line_style(WHITE)
            .draw()?;
        // Lines that share an x are set a little apart, so that their intervals do not overlap.
        let dodge = (x1 - x0) * 0.012;
        let middle = (groups.len() as f64 - 1.0) / 2.0;
        for (g, ((_, members), colour)) in groups.iter().zip(PALETTE.iter().cycle()).enumerate() {
            let shift = dodge * (g as f64 - middle);
            if lines {
                chart.draw_series(LineSeries::new(
                    members.iter().map(|&(x, p)| (x + shift, p.p)),
                    colour.stroke_width(2),
                ))?;
            }
            chart.draw_series(members.iter().map(|&(x, p)| {
                PathElement::new(
                    vec![(x + shift, p.lo), (x + shift, p.hi)],
                    colour.stroke_width(1),
                )
            }))?;
            chart.draw_series(
                members
                    .iter()
                    .map(|&(x, p)| Circle::new((x + shift, p.p), 4, colour.filled())),
            )?;
        }
        Ok(())
    })
}

/// The chart of one run (`casus trace --out`): the level of each actor that fought at force or
/// above, step by step, at most eight, highest level first. Lines at the same level are set a
/// little apart so that none hides another.
pub fn trace(world: &World, timeline: &Timeline, run: u64, seed: u64) -> Result<Chart, PlotError> {
    let lines = timeline.lines(world, PALETTE.len());
    let frame = Frame {
        file: files::TRACE_SVG,
        title: format!("Run {run} of seed {seed}: each actor's level, step by step"),
        subtitle: vec![shorten(&world.name, 100)],
        desc: "Lines: for each actor that fought at force or above, the highest level at which it \
               took part in a conflict under way at the end of each step.",
        height: HEIGHT,
        legend: lines
            .iter()
            .zip(PALETTE)
            .map(|((id, _), colour)| (id.clone(), Key::Line(colour)))
            .collect(),
    };
    frame.draw(|plot| {
        let label = |t| world.step_label(t);
        let steps = Steps {
            count: world.steps,
            unit: world.step_unit.name(),
            dated: world.start.is_some(),
            label: &label,
        };
        let names = |y: &f64| {
            whole(*y, |k| {
                u64::try_from(k)
                    .ok()
                    .and_then(crate::model::Level::from_number)
                    .map(|l| world.level_label(l).to_owned())
                    .unwrap_or_default()
            })
        };
        let mut chart = over_steps(plot, &steps, (-0.5..7.5, 130), "level", &names)?;
        if lines.is_empty() {
            empty(plot, "no actor fought at force or above in this run")?;
        }
        let spread = 0.08;
        for (i, ((_, levels), colour)) in lines.iter().zip(PALETTE).enumerate() {
            let offset = spread * (i as f64 - (lines.len() as f64 - 1.0) / 2.0);
            let points: Vec<(f64, f64)> = levels
                .iter()
                .enumerate()
                .flat_map(|(t, l)| {
                    let y = f64::from(l.number()) + offset;
                    [(t as f64, y), (t as f64 + 1.0, y)]
                })
                .collect();
            chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;
        }
        Ok(())
    })
}
