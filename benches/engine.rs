//! The engine: one step, one run, and Monte Carlo throughput on the bundled scenarios.
//!
//! Run with `cargo bench --bench engine`. Report each figure as a ratio to the baseline measured in
//! the same run (drawing 10,000 uniforms from a ChaCha8 stream), since absolute times on a shared
//! machine are noisy.

use std::hint::black_box;

use casus::engine::{Simulation, World};
use casus::monte_carlo::MonteCarlo;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn world(file: &str) -> World {
    World::new(&casus::scenario::load(file).expect("bundled scenario loads")).expect("valid")
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.bench_function("baseline: 10,000 ChaCha8 uniforms", |b| {
        b.iter(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            (0..10_000).map(|_| rng.random::<f64>()).sum::<f64>()
        })
    });
    for file in [
        "scenarios/northeast_asia_2024.json",
        "scenarios/july_1914.json",
    ] {
        let w = world(file);
        let name = file
            .trim_start_matches("scenarios/")
            .trim_end_matches(".json");
        group.bench_function(format!("{name}: one step (the 13th)"), |b| {
            b.iter_batched(
                || {
                    let mut sim = Simulation::new(&w, 1, 0);
                    for _ in 0..12 {
                        sim.step(&mut ());
                    }
                    sim
                },
                |mut sim| {
                    sim.step(&mut ());
                    sim
                },
                criterion::BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("{name}: one run"), |b| {
            let mut run = 0;
            b.iter(|| {
                run += 1;
                black_box(Simulation::new(&w, 1, run).run_to_end(&mut ()))
            })
        });
    }
    group.finish();

    let w = world("scenarios/northeast_asia_2024.json");
    let mut group = c.benchmark_group("monte_carlo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(2_000));
    for threads in [1, 2] {
        group.bench_function(
            format!("northeast_asia_2024: 2,000 runs, {threads} thread(s)"),
            |b| {
                b.iter(|| {
                    MonteCarlo::new(&w)
                        .runs(2_000)
                        .threads(threads)
                        .run(&mut (), None)
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
