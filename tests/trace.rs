//! `casus trace`: the story of one run, pinned so that any change to the model's numbers is a
//! deliberate, reviewed change. Set CASUS_BLESS=1 to rewrite the pinned file after such a change.

mod common;

use common::casus;

const PINNED: &str = "tests/snapshots/trace_northeast_asia_2024_seed1_run0.txt";

#[test]
fn the_trace_of_one_seed_is_pinned() {
    let out = casus(&[
        "trace",
        "scenarios/northeast_asia_2024.json",
        "--seed",
        "1",
        "--run",
        "0",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PINNED);
    if std::env::var_os("CASUS_BLESS").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let pinned = std::fs::read_to_string(&path).unwrap();
    assert!(
        out.stdout == pinned,
        "the trace differs from {PINNED}; if the change is intended, rerun with CASUS_BLESS=1 and review the diff"
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes_and_other_runs_differ() {
    let args = [
        "trace",
        "scenarios/northeast_asia_2024.json",
        "--seed",
        "3",
        "--run",
        "5",
    ];
    let a = casus(&args);
    let b = casus(&args);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
    let other = casus(&[
        "trace",
        "scenarios/northeast_asia_2024.json",
        "--seed",
        "3",
        "--run",
        "6",
    ]);
    assert_ne!(a.stdout, other.stdout);
}

#[test]
fn json_trace_has_one_object_per_event_with_ids() {
    let out = casus(&["trace", "scenarios/northeast_asia_2024.json", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(
        events[0],
        serde_json::json!({"event": "scripted", "index": "ukraine_war", "step": 0, "date": "2024-07"})
    );
    assert_eq!(events[2]["event"], "attack");
    assert_eq!(events[2]["attacker"], "RUS");
    assert_eq!(events[2]["region"], "ukraine");
    assert_eq!(events.last().unwrap()["event"], "outcome");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "obligation_fired" && e["obligation"]["clause"].is_string())
    );
}

/// With every triggered obligation honoured, the treaty logic alone decides 1914: Germany and the
/// Ottoman Empire join Austria-Hungary; Russia, France and Britain (through Belgium) stand with
/// Serbia; Italy stays out because Austria-Hungary struck first; Japan's 1911 clause does not
/// reach Europe. Run 0, the README's.
#[test]
fn july_1914_with_every_obligation_honoured() {
    let out = casus(&[
        "trace",
        "scenarios/july_1914.json",
        "--set",
        "parameters.honour_all=true",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = &out.stdout;
    for line in [
        "GMY joins AUH's side in conflict #0 via blank_cheque/backing",
        "london_1839/guarantee fires for UKG (partner BEL, adversary GMY): honoured",
        "UKG joins BEL's side in conflict #1 via london_1839/guarantee",
        "TUR joins AUH's side in conflict #0 via german_ottoman/art2",
        "GMY violates london_1839/respect toward BEL",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    let fired_for_italy_or_japan = t.lines().any(|l| {
        (l.contains("fires for ITA") || l.contains("fires for JPN")) && l.contains("art2")
            || l.contains("ITA joins")
    });
    assert!(!fired_for_italy_or_japan, "{t}");
    // The Ottoman duty arises only after Germany's Dual Alliance duty.
    let dual = t
        .find("dual_alliance/art1 fires")
        .expect("dual alliance fires");
    let ottoman = t
        .find("german_ottoman/art2 fires")
        .expect("german-ottoman fires");
    assert!(dual < ottoman);
    let belligerents = t
        .lines()
        .find(|l| l.trim_start().starts_with("belligerents"))
        .unwrap();
    // The Ottoman Empire joins late (its duty has a delay), when the war may have eased in a run.
    for actor in [
        "AUH (war", "SRB (war", "RUS (war", "GMY (war", "FRN (war", "UKG (war", "TUR (",
    ] {
        assert!(
            belligerents.contains(actor),
            "{actor} missing: {belligerents}"
        );
    }
    for absent in ["ITA", "JPN", "ROM"] {
        assert!(
            !belligerents.contains(absent),
            "{absent} fought: {belligerents}"
        );
    }
}

#[test]
fn trace_rejects_a_bad_override_with_exit_1() {
    let out = casus(&[
        "trace",
        "scenarios/july_1914.json",
        "--set",
        "treaties.triple.obligations=[]",
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("no element with id `triple` in `treaties`; did you mean `triple_alliance`?"),
        "{}",
        out.stderr
    );
}

/// `--out` writes the run step by step: one row per step and actor whose levels agree with the
/// story's outcome, the same story on stdout, and a chart that passes the chart check.
#[test]
fn trace_out_writes_each_step_of_the_run() {
    let dir = common::scratch_dir("trace_out");
    let d = dir.join("out");
    let args = [
        "trace",
        "scenarios/july_1914.json",
        "--set",
        "parameters.honour_all=true",
        "--json",
    ];
    let plain = casus(&args);
    let mut with_out = args.to_vec();
    with_out.extend(["--out", d.to_str().unwrap()]);
    let out = casus(&with_out);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, plain.stdout, "the story is the same with --out");
    let outcome: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().unwrap()).unwrap();

    let mut reader = csv::Reader::from_path(d.join("trace.csv")).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "step",
            "date",
            "actor",
            "level",
            "level_name",
            "at_war",
            "pressure"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("scenarios/july_1914.json").unwrap())
            .unwrap();
    let actors = scenario["actors"].as_array().unwrap().len();
    let steps = scenario["steps"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), steps * actors);
    assert_eq!(&rows[0][1], "1914-07-28");
    // Each belligerent's highest level in the table is its level in the outcome; the run's
    // highest level is the table's.
    let highest = |id: &str| {
        rows.iter()
            .filter(|r| &r[2] == id)
            .map(|r| r[3].parse::<u8>().unwrap())
            .max()
            .unwrap()
    };
    let belligerents = outcome["belligerents"].as_array().unwrap();
    assert!(!belligerents.is_empty());
    for b in belligerents {
        let id = b["actor"].as_str().unwrap();
        assert_eq!(
            u64::from(highest(id)),
            b["highest"].as_u64().unwrap(),
            "{id}"
        );
    }
    let top = rows.iter().map(|r| r[3].parse::<u64>().unwrap()).max();
    assert_eq!(top, outcome["highest"].as_u64());
    for r in &rows {
        assert_eq!(&r[5] == "1", r[3].parse::<u8>().unwrap() >= 5);
    }
    let svg = std::fs::read_to_string(d.join("trace.svg")).unwrap();
    common::check_chart("trace", &svg);
    assert!(
        svg.contains(">\nAUH\n<") || svg.contains(">AUH<"),
        "AUH in the legend"
    );
}
