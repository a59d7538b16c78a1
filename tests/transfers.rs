//! Transfers (docs/MODEL.md §3.8): properties that hold for any transfer, whatever it carries.
//!
//! - A transfer never raises its sender's capability.
//! - An undetected transfer never moves sanction pressure: pressures match those of the world
//!   without it at every step before its detection.
//! - With zero quantity, every output equals that of the scenario without the transfer, byte for
//!   byte.

use casus::engine::{Simulation, World};
use casus::monte_carlo::{MonteCarlo, RunRow, Sink};
use casus::scenario::{self, Scenario, Transfer, TransferKind, Uncertain};
use proptest::prelude::*;
use serde_json::Value;

const KINDS: [TransferKind; 5] = [
    TransferKind::Munitions,
    TransferKind::Platforms,
    TransferKind::MissileTechnology,
    TransferKind::NuclearTechnology,
    TransferKind::MoneyEnergy,
];

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    }
}

/// A transfer of `kind` between two of the bundled Northeast Asia scenario's actors.
fn transfer(kind: usize, from: usize, to: usize, rate: [f64; 2], detection: f64) -> Transfer {
    const ACTORS: [&str; 8] = ["RUS", "PRK", "CHN", "USA", "ROK", "JPN", "UKR", "NATO_EU"];
    let to = if to == from {
        (to + 1) % ACTORS.len()
    } else {
        to
    };
    Transfer {
        id: "probe".to_owned(),
        kind: KINDS[kind],
        from: ACTORS[from].to_owned(),
        to: ACTORS[to].to_owned(),
        rate: Uncertain::Range(rate),
        start: None,
        when: None,
        until: None,
        violates: if detection > 0.0 {
            vec!["un_1718".to_owned(), "west_on_russia".to_owned()]
        } else {
            Vec::new()
        },
        detection: (detection > 0.0).then_some(detection),
        source: None,
    }
}

/// Keeps every run's row.
#[derive(Default)]
struct Rows(Vec<RunRow>);

impl Sink for Rows {
    fn wants_rows(&self) -> bool {
        true
    }
    fn rows(&mut self, rows: &[RunRow]) -> std::io::Result<()> {
        self.0.extend_from_slice(rows);
        Ok(())
    }
}

fn northeast_asia() -> Scenario {
    scenario::load("scenarios/northeast_asia_2024.json").unwrap()
}

/// A summary as JSON without what names the scenario (its hash) and without the transfers' own
/// entries, which only a scenario with transfers has.
fn comparable(summary: &casus::monte_carlo::Summary) -> Value {
    let mut value = serde_json::to_value(summary).unwrap();
    value["provenance"]["scenario_sha256"] = Value::Null;
    for part in ["labels", "counts", "results"] {
        let map = value[part].as_object_mut().unwrap();
        map.remove("transfers");
        map.remove("nuclear");
    }
    value
}

proptest! {
    #![proptest_config(config())]

    /// Step by step, the sender's capability (with any munitions it holds) is never above its
    /// capability at the start.
    #[test]
    fn a_transfer_never_raises_the_senders_capability(
        kind in 0..5usize, from in 0..8usize, to in 0..8usize,
        lo in 0.0..0.05f64, width in 0.0..0.05f64, detection in 0.0..1.0f64, run in 0..1000u64,
    ) {
        let mut s = northeast_asia();
        s.transfers = vec![transfer(kind, from, to, [lo, lo + width], detection)];
        let world = World::new(&s).unwrap();
        let sender = world.transfers[0].from;
        let initial = world.actors[sender].capability;
        let mut sim = Simulation::new(&world, 1, run);
        while !sim.is_finished() {
            sim.step(&mut ());
            prop_assert!(sim.capability(sender) <= initial, "{} > {initial}", sim.capability(sender));
        }
    }

    /// In a world without conflicts (no onset, no events), pressures with the transfer equal those
    /// without it at every step until it is detected; a transfer nobody can detect never moves them.
    #[test]
    fn an_undetected_transfer_never_moves_sanction_pressure(
        kind in 0..5usize, from in 0..8usize, to in 0..8usize,
        lo in 0.0..0.05f64, width in 0.0..0.05f64, detection in 0.0..1.0f64, run in 0..1000u64,
    ) {
        let mut quiet = northeast_asia();
        quiet.events.clear();
        quiet.dyads.clear();
        quiet.parameters.onset_rate = 0.0;
        let mut with = quiet.clone();
        with.transfers = vec![transfer(kind, from, to, [lo, lo + width], detection)];
        let (w0, w1) = (World::new(&quiet).unwrap(), World::new(&with).unwrap());
        let (mut a, mut b) = (Simulation::new(&w0, 1, run), Simulation::new(&w1, 1, run));
        while !a.is_finished() {
            a.step(&mut ());
            b.step(&mut ());
            if b.outcome_so_far().transfers[0].detected.is_some() {
                break;
            }
            for actor in w0.actor_ixs() {
                prop_assert_eq!(a.pressure(actor), b.pressure(actor), "step {}", a.current_step());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A transfer of nothing, of any kind, condition and detection, changes no output: the
    /// summary (but for the scenario's hash and the transfer's own entries) and every run's row
    /// are the same, byte for byte.
    #[test]
    fn a_transfer_of_nothing_changes_no_output(
        kind in 0..5usize, from in 0..8usize, to in 0..8usize, detection in 0.0..1.0f64,
        in_force in any::<bool>(),
    ) {
        let base = northeast_asia();
        let mut with = base.clone();
        let mut t = transfer(kind, from, to, [0.0, 0.0], detection);
        if in_force {
            t.when = Some(scenario::Condition::InForce("rus_prk_2024".to_owned()));
        }
        with.transfers.push(t);
        let summarise = |s: &Scenario| {
            let world = World::new(s).unwrap();
            let mut rows = Rows::default();
            let summary = MonteCarlo::new(&world).runs(300).seed(11).run(&mut rows, None).unwrap();
            (summary, rows.0)
        };
        let (a, rows_a) = summarise(&base);
        let (b, rows_b) = summarise(&with);
        prop_assert_eq!(comparable(&a), comparable(&b));
        prop_assert_eq!(format!("{rows_a:?}"), format!("{rows_b:?}"));
    }
}

/// Nuclear technology raises the receiver a status for each whole unit of progress, and a
/// detected breach tightens the regime and turns its senders against both parties.
#[test]
fn technology_raises_status_and_detection_tightens_the_regime() {
    let mut s = northeast_asia();
    let nuclear = s
        .transfers
        .iter_mut()
        .find(|t| t.id == "rus_prk_nuclear_technology")
        .unwrap();
    // 1.5 statuses a year is 0.125 a month, exact in binary.
    nuclear.rate = Uncertain::Exact(1.5);
    nuclear.detection = Some(1.0);
    let world = World::new(&s).unwrap();
    let prk = world.actor("PRK").unwrap();
    let mut events = Vec::new();
    let mut sim = Simulation::new(&world, 1, 0);
    while !sim.is_finished() {
        sim.step(&mut events);
    }
    assert_eq!(sim.nuclear_status(prk), scenario::NuclearStatus::Global);
    let course = sim.outcome_so_far().transfers[5];
    let (started, detected) = (course.started.unwrap(), course.detected.unwrap());
    // The treaty is in force from December 2024 (step 5): the flow waits for it, and a sure
    // detection comes with its first step.
    assert_eq!((started, detected), (5, 5));
    assert!(events.iter().any(|(step, e)| *step == 5
        && matches!(e, casus::engine::Event::TransferDetected { transfer: 5 })));
    // An eighth of a status a month from regional: global eight months after it starts.
    let raised: Vec<_> = events
        .iter()
        .filter_map(|(step, e)| match e {
            casus::engine::Event::NuclearStatusChanged { actor, status } if *actor == prk => {
                Some((*step, *status))
            }
            _ => None,
        })
        .collect();
    assert_eq!(raised, vec![(12, scenario::NuclearStatus::Global)]);
}

/// `nuclear` reads `true` and `false` as before, and a status by name; anything else is an error
/// that names what is expected.
#[test]
fn nuclear_status_reads_booleans_and_names() {
    let actor = |nuclear: &str| {
        format!(
            r#"{{"casus": 1, "name": "n", "step": "month", "steps": 2,
                "actors": [{{"id": "A", "name": "A", "capability": 1, "nuclear": {nuclear}}}]}}"#
        )
    };
    for (text, status) in [
        ("true", scenario::NuclearStatus::Global),
        ("false", scenario::NuclearStatus::None),
        ("\"few\"", scenario::NuclearStatus::Few),
        ("\"regional\"", scenario::NuclearStatus::Regional),
    ] {
        let s = scenario::parse(&actor(text), "test").unwrap();
        assert_eq!(s.actors[0].nuclear.0, status);
    }
    let err = scenario::parse(&actor("\"many\""), "test")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"few\"") && err.contains("actors[0].nuclear"),
        "{err}"
    );
}

/// Bad transfers and alignments are refused with their paths.
#[test]
fn bad_transfers_and_alignments_are_refused_with_their_paths() {
    let mut s = northeast_asia();
    s.transfers[0].rate = Uncertain::Range([0.5, 0.1]);
    s.transfers[1].to = "RUS".to_owned();
    s.transfers[2].violates = vec!["un_1781".to_owned()];
    s.transfers[3].detection = Some(1.5);
    s.monte_carlo.alignment.blocs = vec![
        vec!["RUS".to_owned(), "CHN".to_owned()],
        vec!["CHN".to_owned(), "USA".to_owned()],
    ];
    s.monte_carlo
        .alignment
        .pairs
        .push(["USA".to_owned(), "USA".to_owned()]);
    let problems: Vec<String> = scenario::validate(&s)
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    let expected = [
        "transfers[0].rate: expected [low, high] with low ≤ high",
        "transfers[1]: expected two different actors",
        "transfers[2].violates[0]: unknown sanction regime `un_1781`",
        "transfers[3].detection",
        "monte_carlo.alignment.blocs[1][0]: `CHN` is already in bloc 0",
        "monte_carlo.alignment.pairs[6]: expected two different actors",
    ];
    for e in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(e)),
            "{e}\n{problems:#?}"
        );
    }
}
