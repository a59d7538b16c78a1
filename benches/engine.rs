//! The engine: one step, one run, and Monte Carlo throughput, on the bundled scenarios, synthetic
//! worlds of 10, 50 and 200 actors (`casus generate`, two treaties per actor) and the 2018 world.
//!
//! Run with `cargo bench --bench engine`. Report each figure as a ratio to the baseline measured in
//! the same run (drawing 10,000 uniforms from a ChaCha8 stream), since absolute times on a shared
//! machine are noisy. docs/BENCHMARKS.md holds the figures.

use std::hint::black_box;

use casus::engine::{Simulation, World};
use casus::monte_carlo::MonteCarlo;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The worlds benchmarked, by name.
fn worlds() -> Vec<(String, World)> {
    let mut worlds = Vec::new();
    for name in ["northeast_asia_2024", "july_1914", "world_2018"] {
        let file = format!("scenarios/{name}.json");
        let scenario = casus::scenario::load(&file).expect("bundled scenario loads");
        worlds.push((name.to_owned(), World::new(&scenario).expect("valid")));
    }
    for actors in [10, 50, 200] {
        let shape = casus::generate::Shape {
            actors,
            treaties: 2 * actors,
            seed: 1,
            steps: 120,
        };
        let scenario = casus::generate::world(&shape).expect("a valid shape");
        worlds.push((
            format!("synthetic_{actors}"),
            World::new(&scenario).expect("valid"),
        ));
    }
    worlds
}

fn engine(c: &mut Criterion) {
    let worlds = worlds();
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.bench_function("baseline: 10,000 ChaCha8 uniforms", |b| {
        b.iter(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            (0..10_000).map(|_| rng.random::<f64>()).sum::<f64>()
        })
    });
    for (name, w) in &worlds {
        group.bench_function(format!("{name}: one step (the 13th)"), |b| {
            b.iter_batched(
                || {
                    let mut sim = Simulation::new(w, 1, 0);
                    for _ in 0..12 {
                        sim.step(&mut ());
                    }
                    sim
                },
                |mut sim| {
                    sim.step(&mut ());
                    sim
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("{name}: one run"), |b| {
            let mut run = 0;
            b.iter(|| {
                run += 1;
                black_box(Simulation::new(w, 1, run).run_to_end(&mut ()))
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("monte_carlo");
    group.sample_size(10);
    for (name, w) in &worlds {
        let runs = match name.as_str() {
            "northeast_asia_2024" => 2_000,
            "synthetic_200" | "world_2018" => 40,
            _ => continue,
        };
        group.throughput(Throughput::Elements(runs));
        for threads in [1, 2] {
            group.bench_function(format!("{name}: {runs} runs, {threads} thread(s)"), |b| {
                b.iter(|| {
                    MonteCarlo::new(w)
                        .runs(runs)
                        .threads(threads)
                        .run(&mut (), None)
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
