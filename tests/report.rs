//! `casus sensitivity`, the charts and `casus report`: numbers checked against plain runs, and the
//! HTML report rendered in headless Chromium.

mod common;

use std::path::Path;
use std::process::Command;

use common::{casus, check_chart, scratch_dir};
use serde_json::Value;

const TOY: &str = "scenarios/two_actor_dispute.json";

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// P(highest ≥ war) as a count, from a plain `casus run --out`.
fn war_runs(dir: &Path, extra: &[&str]) -> u64 {
    let d = dir.to_str().unwrap();
    let mut args = vec![
        "run", TOY, "--runs", "600", "--seed", "11", "--quiet", "--force", "--out", d,
    ];
    args.extend_from_slice(extra);
    let out = casus(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    json(&dir.join("summary.json"))["results"]["highest_at_least"][5]["probability"]["count"]
        .as_u64()
        .unwrap()
}

#[test]
fn sensitivity_variants_equal_plain_runs_with_the_same_seed() {
    let dir = scratch_dir("sensitivity-numbers");
    let out_dir = dir.join("s");
    let out = casus(&[
        "sensitivity",
        TOY,
        "--param",
        "up_force",
        "--param",
        "settle_force",
        "--runs",
        "600",
        "--seed",
        "11",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("Sensitivity of P(highest ≥ war)"),
        "{}",
        out.stdout
    );
    let s = json(&out_dir.join("sensitivity.json"));
    let base = s["base"]["count"].as_u64().unwrap();
    assert_eq!(base, war_runs(&dir.join("base"), &[]));
    let effects = s["effects"].as_array().unwrap();
    assert_eq!(effects.len(), 2);
    let swing = |e: &Value| {
        (e["at_high"]["delta"].as_f64().unwrap() - e["at_low"]["delta"].as_f64().unwrap()).abs()
    };
    assert!(swing(&effects[0]) >= swing(&effects[1]), "ranked by swing");
    for e in effects {
        let name = e["parameter"].as_str().unwrap();
        let value = e["value"].as_f64().unwrap();
        assert_eq!(e["low"].as_f64().unwrap(), value / 2.0);
        assert_eq!(e["high"].as_f64().unwrap(), (value * 2.0).min(1.0));
        for side in ["low", "high"] {
            let set = format!("parameters.{name}={}", e[side].as_f64().unwrap());
            let plain = war_runs(&dir.join(format!("{name}-{side}")), &["--set", &set]);
            let b = e[format!("at_{side}")]["b"].as_f64().unwrap();
            assert_eq!((b * 600.0).round() as u64, plain, "{set}");
        }
    }
    // The CSV has the same ranking, and the chart names every parameter.
    let csv = std::fs::read_to_string(out_dir.join("sensitivity.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(first.starts_with(&format!("1,{},", effects[0]["parameter"].as_str().unwrap())));
    let svg = std::fs::read_to_string(out_dir.join("tornado.svg")).unwrap();
    assert!(svg.contains("up_force") && svg.contains("settle_force"));
}

#[test]
fn sensitivity_of_one_actor_and_bad_arguments() {
    let out = casus(&["sensitivity", TOY, "--param", "up_forse"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("did you mean `up_force`?"),
        "{}",
        out.stderr
    );
    let out = casus(&["sensitivity", TOY, "--actor", "NOBODY"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("--actor NOBODY: no such actor"),
        "{}",
        out.stderr
    );
    let out = casus(&["sensitivity", TOY, "--factor", "0.5"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("expected a factor above 1"),
        "{}",
        out.stderr
    );
    let out = casus(&["report", "/nonexistent/casus-report"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no such directory"), "{}", out.stderr);
    // A directory casus did not complete (no manifest) is refused.
    let dir = scratch_dir("report-damaged");
    let damaged = "{\n  \"provenance\": {\n    \"seed\": \"one\"";
    std::fs::write(dir.join("summary.json"), damaged).unwrap();
    let out = casus(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no manifest.json"), "{}", out.stderr);
    // A damaged summary (its manifest entry forged to match) is named with the place it breaks,
    // and no report is written.
    common::forge(&dir, "summary.json", damaged.as_bytes());
    let out = casus(&["report", dir.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("summary.json: not a casus summary.json")
            && out.stderr.contains("line 3"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("report.html").exists());
}

/// The browser to render with: `$CASUS_CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> Option<String> {
    let candidate = std::env::var("CASUS_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    Command::new(&candidate)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| candidate)
}

/// Loads a page in headless Chromium: the DOM it built, and the console messages it logged.
fn render(browser: &str, page: &Path, profile: &Path) -> (String, Vec<String>) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {output:?}");
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

/// A screenshot of a page at 1280 x 900 pixels, as PNG bytes, kept beside the page.
fn screenshot(browser: &str, page: &Path, profile: &Path) -> Vec<u8> {
    let png = page.with_extension("png");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {output:?}");
    std::fs::read(&png).expect("chromium wrote the screenshot")
}

/// The width of a PNG image, from its header.
fn png_width(png: &[u8]) -> u32 {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    u32::from_be_bytes(png[16..20].try_into().unwrap())
}

/// The chart check finds what it looks for: a legend over a bar, and a tick label written twice.
#[test]
fn the_chart_check_sees_overlaps_and_repeated_labels() {
    let svg = |body: &str| {
        format!(
            "<svg width=\"800\" height=\"440\"><title>t</title><desc>d</desc>\
             <rect x=\"0\" y=\"0\" width=\"800\" height=\"440\"/>{body}</svg>"
        )
    };
    let legend = "<g class=\"legend\"><rect x=\"600\" y=\"40\" width=\"150\" height=\"50\"/>\
                  <text x=\"610\" y=\"50\" font-size=\"12\">a</text></g>";
    let clear = svg(&format!(
        "<rect x=\"80\" y=\"40\" width=\"400\" height=\"300\"/>{legend}"
    ));
    check_chart("clear", &clear);
    let covered = svg(&format!(
        "<rect x=\"80\" y=\"40\" width=\"600\" height=\"300\"/>{legend}"
    ));
    let caught = std::panic::catch_unwind(|| check_chart("covered", &covered));
    assert!(caught.is_err(), "a legend over a bar is caught");
    let twice = svg("<text x=\"1\" y=\"1\" font-size=\"12\">2 %</text>\
                     <text x=\"1\" y=\"9\" font-size=\"12\">2 %</text>");
    let caught = std::panic::catch_unwind(|| check_chart("twice", &twice));
    assert!(caught.is_err(), "a label written twice is caught");
}

#[test]
fn the_report_is_self_contained_and_renders_in_chromium() {
    let dir = scratch_dir("report");
    let out = dir.join("ne-asia");
    let d = out.to_str().unwrap();
    let file = "scenarios/northeast_asia_2024.json";
    for args in [
        vec!["run", file, "--runs", "300", "--quiet", "--out", d],
        vec![
            "compare",
            file,
            "--without",
            "treaty:rus_prk_2024",
            "--runs",
            "300",
            "--out",
            d,
            "--force",
        ],
        vec![
            "sensitivity",
            file,
            "--actor",
            "USA",
            "--param",
            "up_force",
            "--param",
            "escalation_nuclear",
            "--runs",
            "200",
            "--out",
            d,
            "--force",
        ],
        vec![
            "sweep",
            file,
            "--param",
            "parameters.escalation_nuclear",
            "--values",
            "1.5,2.5,3.5",
            "--param",
            "parameters.up_force",
            "--values",
            "0.004,0.008",
            "--runs",
            "200",
            "--out",
            d,
            "--force",
        ],
        vec!["report", d],
    ] {
        let r = casus(&args);
        assert_eq!(r.code, 0, "casus {args:?}: {}", r.stderr);
    }
    let charts = [
        "highest",
        "escalation",
        "at-war-by-step",
        "alignment",
        "tornado",
        "compare",
        "sweep",
    ];
    for chart in charts {
        let file = format!("{}.svg", chart.replace('-', "_"));
        assert!(out.join(&file).is_file(), "{file} written");
    }
    for chart in charts {
        let file = format!("{}.svg", chart.replace('-', "_"));
        check_chart(chart, &std::fs::read_to_string(out.join(&file)).unwrap());
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Nothing to fetch: no scripts, styles, images or frames from elsewhere.
    for tag in [
        "<script", "<link", "<img", "<iframe", "src=", "href=", "url(",
    ] {
        assert!(!html.contains(tag), "report.html contains {tag}");
    }

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must render the report: install Debian's chromium (.ci/run does)"
        );
        eprintln!("chromium not found: the report was checked but not rendered");
        return;
    };
    // First, show that a broken page is caught: an uncaught error must reach the console log.
    let broken = dir.join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><body><script>throw new Error('casus-broken')</script></body></html>",
    )
    .unwrap();
    let (_, console) = render(&browser, &broken, &dir.join("profile-broken"));
    assert!(
        console.iter().any(|l| l.contains("casus-broken")),
        "the console check sees errors: {console:?}"
    );

    let (dom, console) = render(&browser, &out.join("report.html"), &dir.join("profile"));
    assert!(console.is_empty(), "the report logged: {console:?}");
    for chart in charts {
        let start = dom
            .find(&format!("<figure id=\"chart-{chart}\">"))
            .unwrap_or_else(|| panic!("chart {chart} is in the page"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        assert!(
            figure.contains("<svg") && figure.contains("<text"),
            "{chart} has a drawing"
        );
    }
    for table in [
        "provenance-table",
        "levels-table",
        "actors-table",
        "obligations-table",
        "sanctions-table",
        "transfers-table",
        "alignment-table-119",
        "blocs-table-119",
        "sensitivity-table",
        "compare-table",
        "sweep-table",
    ] {
        let start = dom
            .find(&format!("<table id=\"{table}\">"))
            .unwrap_or_else(|| panic!("table {table} is in the page"));
        assert!(dom[start..].contains("<td"), "{table} has rows");
    }
    // Each chart's section of the page, alone, as a reader at 1280 px sees it: a PNG 1280 pixels
    // wide, with more drawn in it than in a screenshot of the page's empty frame.
    let head = &html[..html.find("<body>").unwrap() + "<body>".len()];
    let blank = dir.join("section-blank.html");
    std::fs::write(&blank, format!("{head}</body></html>")).unwrap();
    let empty = screenshot(&browser, &blank, &dir.join("profile-shot"));
    for chart in charts {
        let start = html
            .find(&format!("<figure id=\"chart-{chart}\">"))
            .unwrap();
        let end = start + html[start..].find("</figure>").unwrap() + "</figure>".len();
        let page = dir.join(format!("section-{chart}.html"));
        std::fs::write(&page, format!("{head}{}</body></html>", &html[start..end])).unwrap();
        let png = screenshot(&browser, &page, &dir.join("profile-shot"));
        assert_eq!(png_width(&png), 1280, "{chart}");
        assert!(
            png.len() > 3 * empty.len(),
            "{chart}: a screenshot of {} bytes, the empty page's {}",
            png.len(),
            empty.len()
        );
    }
    // The numbers are the summary's: P(highest ≥ war) as the levels table shows it.
    let summary = json(&out.join("summary.json"));
    let war = summary["results"]["highest_at_least"][5]["probability"]["p"]
        .as_f64()
        .unwrap();
    assert!(dom.contains(&format!("{:.1}", 100.0 * war)));
    assert!(dom.contains("Most frequent pathways") && dom.contains("opened a conflict with"));
}

/// Every result file records the same provenance; `casus report` warns at the top when the
/// sections of a directory were made differently; `--force` removes the results of another
/// scenario (and the page that described them) once the new ones are in place.
#[test]
fn results_carry_their_provenance_and_stale_ones_do_not_survive() {
    let dir = scratch_dir("provenance");
    let d = dir.join("out");
    let ds = d.to_str().unwrap();
    let ok = |args: &[&str]| {
        let out = casus(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    };
    ok(&[
        "run", TOY, "--runs", "200", "--seed", "3", "--quiet", "--out", ds,
    ]);
    ok(&[
        "sensitivity",
        TOY,
        "--param",
        "up_force",
        "--runs",
        "100",
        "--seed",
        "3",
        "--out",
        ds,
        "--force",
    ]);
    ok(&[
        "compare",
        TOY,
        "--set-b",
        "parameters.up_force=0.2",
        "--runs",
        "100",
        "--seed",
        "4",
        "--out",
        ds,
        "--force",
    ]);
    let summary = json(&d.join("summary.json"))["provenance"].clone();
    let sensitivity = json(&d.join("sensitivity.json"))["provenance"].clone();
    let compare = json(&d.join("compare.json"))["provenance"].clone();
    for p in [&sensitivity, &compare[0], &compare[1]] {
        for field in ["casus_version", "scenario", "scenario_sha256"] {
            assert_eq!(p[field], summary[field], "{field}");
        }
    }
    assert_eq!(sensitivity["seed"], 3);
    assert_eq!(compare[1]["overrides"][0], "parameters.up_force=0.2");

    // The comparison's seed differs from the run's: the report says so before anything else.
    ok(&["report", ds]);
    let page = std::fs::read_to_string(d.join("report.html")).unwrap();
    let warning = page.find("id=\"disagreement\"").expect("a warning");
    assert!(warning < page.find("id=\"provenance\"").unwrap());
    assert!(
        page.contains("the comparison (arm A) against the run: seed: 4 against 3"),
        "{}",
        &page[warning..warning + 600]
    );
    assert!(
        !page.contains("the sensitivity analysis against the run"),
        "same seed, scenario and overrides: no warning"
    );
    for id in [
        "sensitivity-provenance",
        "compare-provenance-a",
        "compare-provenance-b",
    ] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // Every chart says what it is to a screen reader, its text is at least 11 px, no label is
    // written twice, and no legend hides a mark.
    for chart in [
        "highest",
        "at_war_by_step",
        "escalation",
        "tornado",
        "compare",
    ] {
        let svg = std::fs::read_to_string(d.join(format!("{chart}.svg"))).unwrap();
        check_chart(chart, &svg);
    }

    // A run that follows alignment writes its tables and chart; a later run without them
    // removes them with the rest of what was made from the old scenario.
    let run = |scenario: &str| {
        ok(&[
            "run", scenario, "--runs", "50", "--quiet", "--out", ds, "--force",
        ])
    };
    run("scenarios/northeast_asia_2024.json");
    for made in ["alignment.csv", "blocs.csv", "alignment.svg"] {
        assert!(d.join(made).is_file(), "{made} written");
    }
    // A run of another scenario replaces the run and removes what was made from the old one.
    run("scenarios/sanctions_episode.json");
    for gone in [
        "sensitivity.json",
        "tornado.svg",
        "compare.json",
        "compare.txt",
        "report.html",
        "alignment.csv",
        "blocs.csv",
        "alignment.svg",
    ] {
        assert!(!d.join(gone).exists(), "{gone} survived");
    }
    ok(&["report", ds]);
    let page = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(!page.contains("id=\"disagreement\"") && !page.contains("id=\"sensitivity\""));
}
