//! Value stability: a handful of engine outcomes for fixed seeds, pinned in
//! `tests/snapshots/value_stability.txt`.
//!
//! Any change to the numbers the engine gives (a rule, a parameter, the order of draws, a dependency
//! that changes a stream) fails here first, in one small and clearly named place, before the larger
//! figures of README.md and docs/VALIDATION.md. A deliberate change re-blesses every pinned figure
//! at once: `CASUS_BLESS=1 cargo test --release`, then review `git diff`.

mod common;

use casus::engine::{Simulation, World};

const PINNED: &str = "tests/snapshots/value_stability.txt";

/// One line per run: scenario, seed, run, highest level, first step at war, triggers fired and
/// honoured, and the pathway (cut after about 300 characters: the whole world's run thousands).
fn outcomes() -> String {
    let mut text = String::new();
    for path in common::bundled_scenarios() {
        let scenario = casus::scenario::load(&path).unwrap();
        let world = World::new(&scenario).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy();
        // The whole world costs more per run: two runs of it are enough to pin it.
        let runs = if name == "world_2018" { 2 } else { 5 };
        for seed in [1, 2024] {
            for run in 0..runs {
                let o = Simulation::new(&world, seed, run).run_to_end(&mut ());
                let honoured = o.triggers.iter().filter(|t| t.honoured).count();
                text.push_str(&format!(
                    "{name} seed {seed} run {run}: highest {}, first war {}, {} fired, {honoured} honoured | {}\n",
                    o.highest.number(),
                    o.first_war().map_or("-".to_owned(), |s| s.to_string()),
                    o.triggers.len(),
                    match o.pathway.shortened(300) {
                        p if p.is_empty() => "(none)".to_owned(),
                        p => p,
                    },
                ));
            }
        }
    }
    text
}

#[test]
fn engine_outcomes_for_fixed_seeds_are_pinned() {
    let now = outcomes();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PINNED);
    if common::blessing() {
        std::fs::write(&path, &now).unwrap();
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_default();
    if now != pinned {
        let first = now
            .lines()
            .zip(pinned.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("pinned: {b}\nnow:    {a}"))
            .unwrap_or_else(|| "the number of lines differs".to_owned());
        panic!(
            "the engine's outcomes for fixed seeds changed ({PINNED}); if the change is intended, \
             re-bless every pinned figure with CASUS_BLESS=1 cargo test --release and review the diff.\n{first}"
        );
    }
}
