//! The COW/ATOP importer and the world scenario it builds: counts against the tables, known facts,
//! byte-identical rebuilds, and clear errors for bad tables.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use casus::engine::World;
use casus::import::cow_atop;
use casus::scenario::{self, ObligationKind};
use common::{casus, scratch_dir};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data");
const WORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/world_2018.json");

/// The rows of a CSV table as maps from column name to text, read without the importer's code.
fn rows(file: &str) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(Path::new(DATA).join(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            header
                .iter()
                .zip(line.split(','))
                .map(|(k, v)| ((*k).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// Every directed obligation of the world scenario as (holder, partner, kind).
fn directed(s: &scenario::Scenario) -> Vec<(String, String, ObligationKind)> {
    s.treaties
        .iter()
        .flat_map(|t| t.directed())
        .map(|(h, p, o)| (h.to_owned(), p.to_owned(), o.kind))
        .collect()
}

#[test]
fn counts_match_the_tables() {
    let world = scenario::load(WORLD).unwrap();
    let states = rows("cow_states_2016.csv");
    assert_eq!(world.actors.len(), states.len());
    assert_eq!(world.actors.len(), 195);

    // Each flagged directed dyad holds exactly one obligation of each flagged type.
    let obligations = directed(&world);
    let ties = rows("atop_2018_directed_dyads.csv");
    for (column, kind) in [
        ("defense", ObligationKind::Defense),
        ("offense", ObligationKind::Offense),
        ("neutral", ObligationKind::Neutrality),
        ("nonagg", ObligationKind::NonAggression),
        ("consul", ObligationKind::Consultation),
    ] {
        let mut expected: Vec<(String, String)> = ties
            .iter()
            .filter(|r| r[column] == "1")
            .map(|r| (r["abb1"].clone(), r["abb2"].clone()))
            .collect();
        let mut found: Vec<(String, String)> = obligations
            .iter()
            .filter(|o| o.2 == kind)
            .map(|o| (o.0.clone(), o.1.clone()))
            .collect();
        expected.sort();
        found.sort();
        assert_eq!(found.len(), expected.len(), "{column}");
        assert_eq!(found, expected, "{column}");
    }
    assert_eq!(
        obligations
            .iter()
            .filter(|o| o.2 == ObligationKind::Defense)
            .count(),
        3412
    );

    // Every MID dyad of two states in the 2016 system, with the snapshot's count of onsets and the
    // rate of the world of 2015 (recent years weighted; docs/MODEL.md §8.1).
    let codes: BTreeSet<String> = states.iter().map(|r| r["ccode"].clone()).collect();
    let mids: Vec<_> = rows("mid_dyad_onsets_1946_2014.csv")
        .into_iter()
        .filter(|r| codes.contains(&r["ccode_lo"]) && codes.contains(&r["ccode_hi"]))
        .collect();
    assert_eq!(world.dyads.len(), mids.len());
    assert_eq!(world.dyads.len(), 646);
    let of_2015: std::collections::BTreeMap<(u32, u32), f64> =
        casus::import::History::read(Path::new(DATA))
            .unwrap()
            .tables(2015)
            .unwrap()
            .disputes
            .iter()
            .map(|d| ((d.lo, d.hi), d.onsets_per_year))
            .collect();
    for (dyad, row) in world.dyads.iter().zip(&mids) {
        assert_eq!(dyad.between, [row["abb_lo"].clone(), row["abb_hi"].clone()]);
        let pair: (u32, u32) = (
            row["ccode_lo"].parse().unwrap(),
            row["ccode_hi"].parse().unwrap(),
        );
        assert_eq!(
            dyad.onset_rate,
            Some((of_2015[&pair] * 1e4).round() / 1e4),
            "{pair:?}"
        );
        let onsets = format!("COW MID 5: {} onset", row["onsets"]);
        assert!(
            dyad.source.as_deref().unwrap().starts_with(&onsets),
            "{:?}",
            dyad.source
        );
    }

    // Every actor's capability is its latest CINC, and its territory lies in its COW continent.
    for (actor, row) in world.actors.iter().zip(&states) {
        assert_eq!(actor.id, row["abb"]);
        assert_eq!(actor.capability, row["cinc_latest"].parse::<f64>().unwrap());
        let region = &actor.regions.as_ref().unwrap()[0];
        let within = world
            .regions
            .iter()
            .find(|r| &r.id == region)
            .and_then(|r| r.within.clone())
            .unwrap();
        let code: u32 = row["ccode"].parse().unwrap();
        let continent = match code {
            2..=165 => "americas",
            200..=395 => "europe",
            402..=626 => "africa",
            630..=698 => "middle_east",
            _ => "asia_oceania",
        };
        assert_eq!(within, continent, "{}", actor.id);
    }
    let nuclear: Vec<&str> = world
        .actors
        .iter()
        .filter(|a| a.nuclear.0.is_armed())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(
        nuclear,
        [
            "USA", "UKG", "FRN", "RUS", "ISR", "CHN", "PRK", "IND", "PAK"
        ]
    );
}

#[test]
fn known_alliances_are_where_they_should_be() {
    let world = scenario::load(WORLD).unwrap();
    let obligations = directed(&world);
    let defends = |holder: &str| -> BTreeSet<&str> {
        obligations
            .iter()
            .filter(|o| o.0 == holder && o.2 == ObligationKind::Defense)
            .map(|o| o.1.as_str())
            .collect()
    };
    // NATO in 2018: the 28 allies of the United States (nato.int, member countries).
    let nato = [
        "CAN", "UKG", "NTH", "BEL", "LUX", "FRN", "SPN", "POR", "GMY", "POL", "HUN", "CZR", "SLO",
        "ITA", "ALB", "MNG", "CRO", "SLV", "GRC", "BUL", "ROM", "EST", "LAT", "LIT", "NOR", "DEN",
        "ICE", "TUR",
    ];
    let us = defends("USA");
    for ally in nato.iter().chain(&["JPN", "ROK"]) {
        assert!(us.contains(ally), "the United States defends {ally}");
    }
    assert_eq!(defends("CHN"), BTreeSet::from(["PRK"]));
    assert!(defends("PRK").contains("CHN"));
    // The NATO membership comes back whole as one treaty.
    let bloc = world
        .treaties
        .iter()
        .find(|t| t.members.len() == 29 && t.members.contains(&"USA".to_owned()))
        .unwrap();
    let mut members: BTreeSet<&str> = bloc.members.iter().map(String::as_str).collect();
    assert!(members.remove("USA"));
    assert_eq!(members, BTreeSet::from(nato));
    assert!(
        bloc.obligations
            .iter()
            .any(|o| o.kind == ObligationKind::Defense)
    );
}

#[test]
fn rebuilding_gives_the_same_bytes() {
    // The project's copy of the tables is the shared data, byte for byte, where that is present.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if shared.is_dir() {
        for file in casus::import::file_names(2018) {
            assert_eq!(
                fs::read(shared.join(&file)).unwrap(),
                fs::read(Path::new(DATA).join(&file)).unwrap(),
                "{file} differs from the shared data"
            );
        }
    }
    let dir = scratch_dir("import_rebuild");
    let out = dir.join("world.json");
    let run = casus(&[
        "import",
        "cow-atop",
        "--data",
        "scenarios/data",
        "--year",
        "2018",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("wrote "), "{}", run.stdout);
    assert!(
        fs::read(&out).unwrap() == fs::read(WORLD).unwrap(),
        "scenarios/world_2018.json is stale: run `cargo run --release -- import cow-atop --data \
         scenarios/data --out scenarios/world_2018.json`"
    );
    // The library gives the same scenario.
    let tables = casus::import::tables_for(Path::new(DATA), 2018).unwrap();
    assert_eq!(cow_atop(&tables), scenario::load(WORLD).unwrap());
}

#[test]
fn the_world_compiles_and_runs() {
    let s = scenario::load(WORLD).unwrap();
    let world = World::new(&s).unwrap();
    assert_eq!(world.n(), 195);
    let run = casus(&["run", "scenarios/world_2018.json", "--runs", "4", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn bad_tables_get_clear_errors() {
    let dir = scratch_dir("import_bad_tables");
    for file in casus::import::file_names(2018) {
        fs::copy(Path::new(DATA).join(&file), dir.join(&file)).unwrap();
    }
    let out = dir.join("world.json");
    let import = |year: &str| {
        casus(&[
            "import",
            "cow-atop",
            "--data",
            dir.to_str().unwrap(),
            "--year",
            year,
            "--out",
            out.to_str().unwrap(),
        ])
    };

    let missing = import("1999");
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("atop_1999_directed_dyads.csv")
            && missing.stderr.contains("the years 2018"),
        "{}",
        missing.stderr
    );

    let ties = dir.join("atop_2018_directed_dyads.csv");
    let text = fs::read_to_string(&ties).unwrap();
    fs::write(
        &ties,
        text.replacen("2,USA,20,CAN,1,0,0,1,1", "2,USA,20,CAN,2,0,0,1,1", 1),
    )
    .unwrap();
    let flag = import("2018");
    assert_eq!(flag.code, 1);
    assert!(
        flag.stderr.contains("atop_2018_directed_dyads.csv:2:")
            && flag.stderr.contains("defense")
            && flag.stderr.contains("expected a flag, 0 or 1, found 2"),
        "{}",
        flag.stderr
    );

    fs::write(&ties, text.replacen("2,USA,20,CAN,", "2,USA,21,XXX,", 1)).unwrap();
    let unknown = import("2018");
    assert!(
        unknown
            .stderr
            .contains("atop_2018_directed_dyads.csv:2: COW code 21 is not a state"),
        "{}",
        unknown.stderr
    );
    assert!(!out.exists(), "nothing is written when the tables are bad");
}
