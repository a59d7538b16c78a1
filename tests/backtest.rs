//! `casus backtest`: its structure, its record against an independent reading of the MID table, its
//! determinism across threads, and clear errors before any run.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use casus::backtest::{self, Plan, Target};
use casus::import::History;
use common::{casus, scratch_dir};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data");

fn plan(runs: u64) -> Plan {
    Plan {
        from: 1980,
        to: 1990,
        every: 10,
        horizon_years: 10,
        runs,
        seed: 3,
        overrides: Vec::new(),
    }
}

fn run(threads: usize, runs: u64) -> backtest::Backtest {
    let history = History::read(Path::new(DATA)).unwrap();
    backtest::run(
        &history,
        &plan(runs),
        &|mc| mc.threads(threads),
        &mut |_, _, _| {},
        None,
    )
    .unwrap()
}

/// The states at war in 1990-1999, read from the table without the importer: hostility 5 of
/// their own, or, between two originators, of either (the target of an invasion is at war).
fn war_states_1990s() -> BTreeSet<String> {
    let mut reader =
        csv::Reader::from_path(Path::new(DATA).join("mid_directed_dispute_years_1816_2014.csv"))
            .unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (year, ccode) = (col("year"), col("ccode1"));
    let (hostlev1, hostlev2, orig1, orig2) =
        (col("hostlev1"), col("hostlev2"), col("orig1"), col("orig2"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| {
            let originators = &r[orig1] == "1" && &r[orig2] == "1";
            let at_war = &r[hostlev1] == "5" || originators && &r[hostlev2] == "5";
            (1990..=1999).contains(&r[year].parse::<u32>().unwrap()) && at_war
        })
        .map(|r| r[ccode].to_owned())
        .collect()
}

#[test]
fn a_small_backtest_is_whole_consistent_and_the_same_at_any_thread_count() {
    let one = run(1, 40);
    let two = run(2, 40);
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap(),
        "the same bytes at 1 and 2 threads"
    );
    assert!(one.complete);
    assert_eq!(
        one.totals.iter().map(|t| t.origin).collect::<Vec<_>>(),
        [1980, 1990]
    );
    for target in Target::ALL {
        let forecasts: Vec<_> = one
            .forecasts
            .iter()
            .filter(|f| f.target == target)
            .collect();
        let scores = &one.scores[&target];
        assert_eq!(scores.n, forecasts.len() + scores.omitted);
        assert_eq!(
            scores.events,
            forecasts.iter().filter(|f| f.observed).count()
        );
        assert!(forecasts.iter().all(|f| f.p == f.count as f64 / 40.0));
        assert!(
            forecasts
                .iter()
                .all(|f| (0.0..=1.0).contains(&f.climatology))
        );
        assert_eq!(
            scores.reliability.iter().map(|b| b.n).sum::<usize>(),
            scores.n
        );
    }
    // Alliance entry: one line per origin, joins among the cases, in the model and the record.
    assert_eq!(one.entry.len(), 2);
    for e in &one.entry {
        assert!(e.obligations > 0);
        assert!(e.model_joined <= e.model_cases && e.record_joined <= e.record_cases);
        assert!(
            e.record_cases > 0,
            "allies of states that used force, {}",
            e.origin
        );
    }
    // Every state of 1990 has one war forecast; the record's count is the states at war.
    let t1990 = &one.totals[1];
    let war: Vec<_> = one
        .forecasts
        .iter()
        .filter(|f| f.origin == 1990 && f.target == Target::StateWar)
        .collect();
    assert_eq!(war.len(), t1990.states);
    let observed = war.iter().filter(|f| f.observed).count();
    assert_eq!(t1990.counts[&Target::StateWar][3], observed as f64);
    // ... and they are the states the MID table puts at war in the 1990s, among those present.
    let ccodes: std::collections::BTreeMap<String, u32> = History::read(Path::new(DATA))
        .unwrap()
        .tables(1990)
        .unwrap()
        .states
        .iter()
        .map(|s| (s.abb.clone(), s.ccode))
        .collect();
    let at_war: BTreeSet<String> = war
        .iter()
        .filter(|f| f.observed)
        .map(|f| ccodes[&f.unit].to_string())
        .collect();
    let present: BTreeSet<String> = ccodes.values().map(u32::to_string).collect();
    let expected: BTreeSet<String> = war_states_1990s().intersection(&present).cloned().collect();
    assert_eq!(at_war, expected);
    assert!(at_war.contains("2"), "the United States, Gulf War");
}

#[test]
fn the_cli_writes_its_files_and_refuses_a_horizon_past_the_record() {
    let dir = scratch_dir("backtest_cli");
    let out = dir.join("out");
    let args = |to: &str, horizon: &str| {
        casus(&[
            "backtest",
            "--data",
            "scenarios/data",
            "--from",
            "1990",
            "--to",
            to,
            "--every",
            "5",
            "--horizon-years",
            horizon,
            "--runs",
            "20",
            "--set",
            "parameters.reliability_defense=0.2",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let bad = args("2010", "10");
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("past the record's last year 2014"),
        "{}",
        bad.stderr
    );
    assert!(!out.exists(), "nothing is written");
    let good = args("1995", "5");
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert!(
        good.stdout
            .contains("Backtest: 2 origins from 1990 to 1995"),
        "{}",
        good.stdout
    );
    let json: backtest::Backtest =
        serde_json::from_str(&std::fs::read_to_string(out.join("backtest.json")).unwrap()).unwrap();
    let csv = std::fs::read_to_string(out.join("backtest.csv")).unwrap();
    assert_eq!(csv.lines().count(), json.forecasts.len() + 1);
    assert!(csv.starts_with("origin,target,unit,count,p,climatology,observed\n"));
    for chart in [
        "reliability.svg",
        "counts_state_war.svg",
        "counts_state_force.svg",
        "counts_dyad_force.svg",
    ] {
        let svg = std::fs::read_to_string(out.join(chart)).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<text"), "{chart}");
        common::check_chart(chart, &svg);
    }
    let report = casus(&["report", out.to_str().unwrap()]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<h2 id=\"backtest\">Against history</h2>"));
    // The override is recorded and shown; the entry and armed shares stand beside the record's.
    assert_eq!(json.plan.overrides, ["parameters.reliability_defense=0.2"]);
    assert!(
        page.contains("Every world changed by <code>parameters.reliability_defense=0.2</code>")
    );
    assert!(page.contains("<table id=\"backtest-shares\">"));
    let entry = backtest::Entry::pooled(&json.entry);
    assert!(entry.model_entries > 0 && entry.record_entries > 0);
    let honour = backtest::Honour::pooled(&json.honouring);
    assert!(honour.model.limited.cases > 0 && honour.record.limited.cases > 0);
    for [model, record] in [
        backtest::Entry::pooled(&json.entry).rates(),
        backtest::Lethality::pooled(&json.lethality).rates(),
        [honour.model.limited.share(), honour.record.limited.share()],
    ] {
        for share in [model, record] {
            let shown = format!("{:.1}&nbsp;%", 100.0 * share.unwrap());
            assert!(page.contains(&shown), "{shown}");
        }
    }
    assert_eq!(page.matches("<figure").count(), 4);
    assert!(page.contains("state_war") && page.contains("dyad_force"));
}
