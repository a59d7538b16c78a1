//! Loading and validating the bundled scenarios.
//!
//! Run with `cargo bench --bench scenario`. Figures are reported relative to parsing the same text
//! as a plain `serde_json::Value`, measured in the same run, since absolute times on a shared
//! machine are noisy.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const SCENARIOS: [&str; 3] = [
    "scenarios/northeast_asia_2024.json",
    "scenarios/july_1914.json",
    "scenarios/two_actor_dispute.json",
];

fn load(c: &mut Criterion) {
    for file in SCENARIOS {
        let text = std::fs::read_to_string(file).expect("bundled scenario is readable");
        let name = file
            .trim_start_matches("scenarios/")
            .trim_end_matches(".json");
        let mut group = c.benchmark_group(name);
        group.bench_function("baseline: serde_json::Value", |b| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)))
        });
        group.bench_function("parse and validate", |b| {
            b.iter(|| casus::scenario::parse(black_box(&text), file))
        });
        group.finish();
    }
}

criterion_group!(benches, load);
criterion_main!(benches);
