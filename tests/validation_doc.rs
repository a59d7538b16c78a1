//! The figures in docs/VALIDATION.md are what the commands it names give.
//!
//! Each figure in the document stands between markers, `<!--v:NAME-->2.1 % [1.9, 2.3]<!--/v-->`
//! (invisible once rendered); this test computes every NAME below and compares. With
//! `CASUS_BLESS=1 cargo test --release` it writes the computed figures into the document instead.
//! A figure the document shows without a marker, or a marker this test does not compute, fails.

mod common;

use std::collections::BTreeMap;

use casus::engine::{ActorIx, Outcome, Route, Simulation, World};
use casus::model::Level;
use casus::monte_carlo::{MonteCarlo, ObligationResult, Proportion, Summary};
use casus::scenario::Override;

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/VALIDATION.md");

/// A scenario's world and its own seed.
fn world(file: &str, set: &[&str]) -> (World, u64) {
    let set: Vec<Override> = set.iter().map(|s| s.parse().unwrap()).collect();
    let scenario = casus::scenario::load_with(file, &set).unwrap();
    (World::new(&scenario).unwrap(), scenario.monte_carlo.seed)
}

/// `cargo run --release -- run FILE --runs RUNS [--set ...]`, as a summary.
fn summary(file: &str, runs: u64, set: &[&str]) -> Summary {
    let (world, seed) = world(file, set);
    MonteCarlo::new(&world)
        .runs(runs)
        .seed(seed)
        .run(&mut (), None)
        .unwrap()
}

/// "12.3 % [11.0, 13.7]", as the summary prints a probability.
fn pct(p: &Proportion) -> String {
    format!(
        "{:.1} % [{:.1}, {:.1}]",
        100.0 * p.p,
        100.0 * p.lo,
        100.0 * p.hi
    )
}

fn at_war(s: &Summary, actor: &str) -> String {
    pct(&s
        .results
        .actors
        .iter()
        .find(|a| a.actor == actor)
        .unwrap()
        .at_war)
}

fn obligation<'s>(s: &'s Summary, clause: &str, holder: &str) -> &'s ObligationResult {
    s.results
        .obligations
        .iter()
        .find(|o| o.clause == clause && o.holder == holder)
        .unwrap()
}

/// The median number of steps a run spends in dispute, over runs, as
/// `cargo test --release --test calibration dispute_durations` reads them.
fn median_steps(outcomes: &[&Outcome]) -> String {
    let mut steps: Vec<usize> = outcomes
        .iter()
        .map(|o| {
            o.level_by_step
                .iter()
                .filter(|l| **l > Level::Peace)
                .count()
        })
        .collect();
    steps.sort_unstable();
    format!("{} steps", steps[steps.len() / 2])
}

/// Every figure of the document, by name.
fn figures() -> BTreeMap<&'static str, String> {
    let mut f = BTreeMap::new();

    let dispute = summary("scenarios/two_actor_dispute.json", 20_000, &[]);
    let runs = dispute.counts.runs;
    for (name, level) in [
        ("dispute.threat", 2),
        ("dispute.display", 3),
        ("dispute.force", 4),
        ("dispute.war", 5),
    ] {
        f.insert(
            name,
            pct(&Proportion::new(dispute.counts.highest[level], runs)),
        );
    }
    let (w, seed) = world("scenarios/two_actor_dispute.json", &[]);
    let outcomes: Vec<Outcome> = (0..20_000)
        .map(|r| Simulation::new(&w, seed, r).run_to_end(&mut ()))
        .collect();
    f.insert(
        "duration.all",
        median_steps(&outcomes.iter().collect::<Vec<_>>()),
    );
    let wars: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.highest >= Level::War)
        .collect();
    f.insert("duration.war", median_steps(&wars));

    let honour = summary("scenarios/honouring_calibration.json", 20_000, &[]);
    f.insert(
        "honour.defense",
        pct(&honour.results.obligations[0].honoured_given_triggered),
    );
    for (name, set) in [
        ("sanctions.half", &[][..]),
        ("sanctions.full", &["sanctions.episode.intensity=1"][..]),
    ] {
        let s = summary("scenarios/sanctions_episode.json", 20_000, set);
        f.insert(name, pct(&s.results.regimes[0].compliance));
    }

    let all = ["parameters.honour_all=true"];
    let j_all = summary("scenarios/july_1914.json", 2_000, &all);
    let j = summary("scenarios/july_1914.json", 2_000, &[]);
    let one = |p: &Proportion| format!("{:.1} %", 100.0 * p.p);
    let guarantee_all = obligation(&j_all, "london_1839/guarantee", "UKG");
    let guarantee = obligation(&j, "london_1839/guarantee", "UKG");
    f.insert("1914.all.guarantee_fires", one(&guarantee_all.triggered));
    f.insert("1914.all.ukg", at_war(&j_all, "UKG"));
    f.insert("1914.guarantee_fires", one(&guarantee.triggered));
    f.insert(
        "1914.guarantee_honoured",
        one(&guarantee.honoured_given_triggered),
    );
    f.insert("1914.ukg", at_war(&j, "UKG"));
    f.insert("1914.all.frn", at_war(&j_all, "FRN"));
    f.insert("1914.frn", at_war(&j, "FRN"));
    f.insert("1914.all.tur", at_war(&j_all, "TUR"));
    f.insert("1914.tur", at_war(&j, "TUR"));

    backtest_figures(&mut f);
    us_incidents(&mut f);
    consistent_with_2025(&mut f);

    let s_all = summary("scenarios/september_1939.json", 2_000, &all);
    let s = summary("scenarios/september_1939.json", 2_000, &[]);
    f.insert("1939.all.ukg", at_war(&s_all, "UKG"));
    f.insert("1939.ukg", at_war(&s, "UKG"));
    f.insert("1939.all.frn", at_war(&s_all, "FRN"));
    f.insert("1939.frn", at_war(&s, "FRN"));
    f
}

/// Northeast Asia: the share of runs (4,000, the scenario's seed) in which a conflict at force
/// sets the United States against China, Russia or North Korea (both at force, on opposite sides),
/// beside the post-Cold-War record: P(at least one in ten years) at each pair's rate of force-level
/// MID onsets 1992-2014, read from the raw table (a dispute whose highest level, either side, is 4
/// or 5, counted once per pair).
/// The share of Northeast Asia runs consistent with what happened from July 2024 (step 0) to
/// November 2025 (step 16): the Ukraine war still at war; no conflict in which the United States and
/// China, Russia or North Korea were on opposite sides at force; no treaty bringing the United
/// States into a conflict. Each condition's share too.
fn consistent_with_2025(f: &mut BTreeMap<&'static str, String>) {
    let model = casus::compile("scenarios/northeast_asia_2024.json", &[]).unwrap();
    let world = &model.world;
    let index = |id: &str| world.actor(id).unwrap();
    let usa = index("USA");
    let rivals = [index("CHN"), index("RUS"), index("PRK")];
    let runs = model
        .monte_carlo()
        .runs(4_000)
        .map_runs(
            |_, mut sim| {
                while sim.current_step() <= 16 {
                    sim.step(&mut ());
                }
                let ukraine = &sim.conflicts()[0];
                let war = ukraine.is_active() && ukraine.level >= Level::War;
                let incident = sim.conflicts().iter().any(|c| {
                    let at_force = |a: ActorIx| {
                        c.participant(a)
                            .filter(|p| p.cap.min(c.peak) >= Level::Force)
                            .map(|p| p.side)
                    };
                    rivals.iter().any(
                        |&x| matches!((at_force(usa), at_force(x)), (Some(s), Some(t)) if s != t),
                    )
                });
                let treaty = sim
                    .outcome_so_far()
                    .entries
                    .iter()
                    .any(|e| e.actor == usa && matches!(e.via, Route::Obligation(_)));
                [war, !incident, !treaty]
            },
            &mut (),
            None,
        )
        .unwrap();
    let share = |hit: &dyn Fn(&[bool; 3]) -> bool| {
        format!(
            "{:.0} %",
            100.0 * runs.iter().filter(|r| hit(r)).count() as f64 / runs.len() as f64
        )
    };
    f.insert("ne.2025.ukraine", share(&|r| r[0]));
    f.insert("ne.2025.no_incident", share(&|r| r[1]));
    f.insert("ne.2025.no_treaty", share(&|r| r[2]));
    f.insert("ne.2025.all", share(&|r| r.iter().all(|&x| x)));
}

fn us_incidents(f: &mut BTreeMap<&'static str, String>) {
    let model = casus::compile("scenarios/northeast_asia_2024.json", &[]).unwrap();
    let world = &model.world;
    let index = |id: &str| world.actor(id).unwrap();
    let usa = index("USA");
    // Each adversary: its id, its COW code, and the names of its two figures.
    let rivals = [
        ("CHN", 710u32, "ne.us.chn.model", "ne.us.chn.record"),
        ("RUS", 365, "ne.us.rus.model", "ne.us.rus.record"),
        ("PRK", 731, "ne.us.prk.model", "ne.us.prk.record"),
    ];
    let rival_ix: Vec<ActorIx> = rivals.iter().map(|r| index(r.0)).collect();
    let runs = model
        .monte_carlo()
        .runs(4_000)
        .map_runs(
            |_, mut sim| {
                while !sim.is_finished() {
                    sim.step(&mut ());
                }
                rival_ix
                    .iter()
                    .map(|&x| {
                        sim.conflicts().iter().any(|c| {
                            let at_force = |a: ActorIx| {
                                c.participant(a)
                                    .filter(|p| p.cap.min(c.peak) >= Level::Force)
                                    .map(|p| p.side)
                            };
                            matches!((at_force(usa), at_force(x)), (Some(s), Some(t)) if s != t)
                        })
                    })
                    .collect::<Vec<bool>>()
            },
            &mut (),
            None,
        )
        .unwrap();
    let share = |hit: &dyn Fn(&Vec<bool>) -> bool| {
        format!(
            "{:.0} %",
            100.0 * runs.iter().filter(|r| hit(r)).count() as f64 / runs.len() as f64
        )
    };
    // The record: force-level disputes begun 1992-2014 between the United States (2) and each.
    let mut reader = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/data/mid_directed_dispute_years_1816_2014.csv"
    ))
    .unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let [dispnum, ccode1, ccode2, year, hostlev1, hostlev2] = [
        "dispnum", "ccode1", "ccode2", "year", "hostlev1", "hostlev2",
    ]
    .map(col);
    let mut disputes: BTreeMap<(u32, String), (u32, u32)> = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let number = |i: usize| row[i].parse::<u32>().unwrap();
        let b = number(ccode2);
        if number(ccode1) != 2 || !rivals.iter().any(|r| r.1 == b) {
            continue;
        }
        let (year, level) = (number(year), number(hostlev1).max(number(hostlev2)));
        let e = disputes
            .entry((b, row[dispnum].to_owned()))
            .or_insert((year, 0));
        e.0 = e.0.min(year);
        e.1 = e.1.max(level);
    }
    let rate = |code: u32| {
        disputes
            .iter()
            .filter(|((b, _), (onset, level))| {
                *b == code && (1992..=2014).contains(onset) && *level >= 4
            })
            .count() as f64
            / 23.0
    };
    let within_ten = |r: f64| format!("{:.0} %", 100.0 * (1.0 - (-10.0 * r).exp()));
    for (k, &(_, code, model, record)) in rivals.iter().enumerate() {
        f.insert(model, share(&|hits: &Vec<bool>| hits[k]));
        f.insert(record, within_ten(rate(code)));
    }
    f.insert(
        "ne.us.any.model",
        share(&|hits: &Vec<bool>| hits.iter().any(|&h| h)),
    );
    f.insert(
        "ne.us.any.record",
        within_ten(rivals.iter().map(|r| rate(r.1)).sum()),
    );
}

/// `cargo run --release -- backtest --data scenarios/data`: the default plan.
fn backtest_figures(f: &mut BTreeMap<&'static str, String>) {
    use casus::backtest::{self, Plan, Target};
    let history = casus::import::History::read(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data").as_ref(),
    )
    .unwrap();
    let plan = Plan {
        from: 1950,
        to: 2004,
        every: 2,
        horizon_years: 10,
        runs: 200,
        seed: 1,
        overrides: Vec::new(),
    };
    let b = backtest::run(&history, &plan, &|mc| mc, &mut |_, _, _| {}, None).unwrap();
    for (t, name) in [
        (Target::StateWar, "war"),
        (Target::StateForce, "force"),
        (Target::DyadForce, "dyad"),
    ] {
        let s = &b.scores[&t];
        let key = |what: &str| -> &'static str { format!("bt.{name}.{what}").leak() };
        f.insert(key("n"), s.n.to_string());
        f.insert(key("brier"), format!("{:.4}", s.brier));
        f.insert(key("clim"), format!("{:.4}", s.brier_climatology));
        f.insert(key("skill"), format!("{:+.3}", s.brier_skill));
        f.insert(key("auc"), s.auc.map_or("-".into(), |a| format!("{a:.3}")));
    }
    let [model, record] = backtest::Entry::pooled(&b.entry).rates();
    let rate = |r: Option<f64>| format!("{:.1} %", 100.0 * r.unwrap());
    f.insert("bt.entry.model", rate(model));
    f.insert("bt.entry.record", rate(record));
    let [model, record] = backtest::Lethality::pooled(&b.lethality).rates();
    f.insert("bt.armed.model", rate(model));
    f.insert("bt.armed.record", rate(record));
    for (decade, [model, record]) in b.at_war_by_decade() {
        let key = |what: &str| -> &'static str { format!("bt.war.{decade}s.{what}").leak() };
        f.insert(key("model"), format!("{model:.1}"));
        f.insert(key("record"), format!("{record:.1}"));
        f.insert(key("ratio"), format!("{:.2}", model / record));
    }
    let last = b.totals.iter().find(|t| t.origin == 2004).unwrap();
    f.insert(
        "bt.2004.force.model",
        format!("{:.1}", last.counts[&Target::StateForce][0]),
    );
    f.insert(
        "bt.2004.force.record",
        format!("{:.0}", last.counts[&Target::StateForce][3]),
    );
    f.insert(
        "bt.2004.dyad.model",
        format!("{:.1}", last.counts[&Target::DyadForce][0]),
    );
    f.insert(
        "bt.2004.dyad.record",
        format!("{:.0}", last.counts[&Target::DyadForce][3]),
    );
}

const OPEN: &str = "<!--v:";
const CLOSE: &str = "<!--/v-->";

/// The document with each marked figure checked against, or (blessing) replaced by, the computed
/// one; and the problems found.
fn check(doc: &str, figures: &BTreeMap<&str, String>, bless: bool) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut rest = doc;
    while let Some(at) = rest.find(OPEN) {
        let name_end = at + rest[at..].find("-->").expect("a marker closes");
        let name = &rest[at + OPEN.len()..name_end];
        let value_start = name_end + 3;
        let value_end = value_start + rest[value_start..].find(CLOSE).expect("a figure closes");
        let shown = &rest[value_start..value_end];
        out.push_str(&rest[..value_start]);
        match figures.get(name) {
            None => problems.push(format!("`{name}`: no test computes this figure")),
            Some(value) if bless => out.push_str(value),
            Some(value) if value != shown => {
                problems.push(format!(
                    "`{name}`: the document shows {shown}, the model gives {value}"
                ));
            }
            Some(_) => {}
        }
        if !bless || !figures.contains_key(name) {
            out.push_str(shown);
        }
        seen.push(name.to_owned());
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    for name in figures.keys() {
        if !seen.iter().any(|s| s == name) {
            problems.push(format!(
                "`{name}`: computed, but the document does not show it"
            ));
        }
    }
    (out, problems)
}

#[test]
fn markers_are_checked_and_blessed() {
    let figures = BTreeMap::from([("a", "1.0 %".to_owned())]);
    let (_, problems) = check("x <!--v:a-->1.0 %<!--/v--> y", &figures, false);
    assert!(problems.is_empty(), "{problems:?}");
    let (_, problems) = check("x <!--v:a-->2.0 %<!--/v--> y", &figures, false);
    assert_eq!(problems.len(), 1);
    let (blessed, _) = check("x <!--v:a-->2.0 %<!--/v--> y", &figures, true);
    assert_eq!(blessed, "x <!--v:a-->1.0 %<!--/v--> y");
    let (_, problems) = check("x <!--v:b-->2.0 %<!--/v--> y", &figures, false);
    assert_eq!(
        problems.len(),
        2,
        "an unknown marker and a figure not shown"
    );
}

#[test]
fn validation_figures_are_reproduced() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let bless = common::blessing();
    let (new_doc, problems) = check(&doc, &figures(), bless);
    if bless && new_doc != doc {
        std::fs::write(DOC, &new_doc).unwrap();
    }
    assert!(
        problems.is_empty(),
        "docs/VALIDATION.md is out of step with the model (CASUS_BLESS=1 rewrites its figures):\n{}",
        problems.join("\n")
    );
}
