//! How the cost of a run grows with actors, steps and runs: the tables of docs/BENCHMARKS.md.
//!
//! `cargo run --release --example scaling` (add `full` to include 10^6 runs). Every figure is
//! measured with both threads and also given in units of a baseline measured in the same process
//! (the time to draw one ChaCha8 uniform), so that tables from different machines compare.

use std::time::Instant;

use casus::engine::World;
use casus::monte_carlo::MonteCarlo;
use casus::report::text::thousands;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Draws `n` ChaCha8 uniforms from the generator of `seed`: the unit of the baseline.
fn draw_uniforms(seed: u64, n: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sum: f64 = (0..n).map(|_| rng.random::<f64>()).sum();
    std::hint::black_box(sum);
}

/// Seconds per ChaCha8 uniform, the best of five rounds of ten million.
fn baseline() -> f64 {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            draw_uniforms(1, 10_000_000);
            start.elapsed().as_secs_f64() / 1e7
        })
        .fold(f64::INFINITY, f64::min)
}

/// Runs per second of `runs` runs on two threads.
fn speed(world: &World, runs: u64) -> f64 {
    speed_on(world, runs, 2)
}

/// Runs per second of `runs` runs on `threads` threads.
fn speed_on(world: &World, runs: u64, threads: usize) -> f64 {
    let start = Instant::now();
    MonteCarlo::new(world)
        .runs(runs)
        .threads(threads)
        .run(&mut (), None)
        .expect("no output to fail");
    runs as f64 / start.elapsed().as_secs_f64()
}

/// How much more work two threads do than one on this machine, with no shared state at all: each
/// draws 10^8 ChaCha8 uniforms from its own generator. The ceiling for the runs' own speed-up.
fn machine_speedup() -> f64 {
    const N: u64 = 100_000_000;
    let start = Instant::now();
    draw_uniforms(1, N);
    let one = start.elapsed().as_secs_f64();
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| draw_uniforms(2, N));
        draw_uniforms(3, N);
    });
    2.0 * one / start.elapsed().as_secs_f64()
}

fn synthetic(actors: usize, steps: u32) -> World {
    let shape = casus::generate::Shape {
        actors,
        treaties: 2 * actors,
        seed: 1,
        steps,
    };
    World::new(&casus::generate::world(&shape).expect("valid shape")).expect("valid world")
}

fn main() {
    let full = std::env::args().any(|a| a == "full");
    let unit = baseline();
    println!("baseline: {:.2} ns per ChaCha8 uniform\n", unit * 1e9);

    println!(
        "| world | actors | pairs | directed obligations | runs | runs/s | µs per step | step in uniforms | ns per (pair + obligation) per step |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows: Vec<(String, World, u64)> = [10, 50, 100, 200]
        .into_iter()
        .map(|n| {
            (
                format!("synthetic {n}"),
                synthetic(n, 120),
                (40_000 / n as u64).max(100),
            )
        })
        .collect();
    let real = casus::scenario::load("scenarios/world_2018.json").expect("bundled");
    rows.push(("world_2018".into(), World::new(&real).expect("valid"), 100));
    for (name, world, runs) in &rows {
        let n = world.n();
        let pairs = n * (n - 1) / 2;
        let obligations = world.obligations.len();
        let rate = speed(world, *runs);
        let step = 1.0 / rate / f64::from(world.steps);
        println!(
            "| {name} | {n} | {pairs} | {obligations} | {runs} | {} | {:.1} | {:.0} | {:.2} |",
            thousands(rate.round() as u64),
            step * 1e6,
            step / unit,
            step * 1e9 / (pairs + obligations) as f64,
        );
    }

    println!("\n| steps (synthetic 50) | runs | runs/s | µs per step |");
    println!("|---:|---:|---:|---:|");
    for steps in [60, 120, 240] {
        let world = synthetic(50, steps);
        let rate = speed(&world, 1_000);
        println!(
            "| {steps} | 1000 | {} | {:.1} |",
            thousands(rate.round() as u64),
            1e6 / rate / f64::from(steps)
        );
    }

    let scenario = casus::scenario::load("scenarios/northeast_asia_2024.json").expect("bundled");
    let world = World::new(&scenario).expect("valid");
    println!("\n| threads 1 → 2 | speed-up |");
    println!("|---|---:|");
    println!(
        "| ChaCha8 uniforms, no shared state (the machine's ceiling) | {:.2}× |",
        machine_speedup()
    );
    for (name, world, runs) in [
        ("northeast_asia_2024", &world, 20_000),
        (
            "world_2018",
            &rows.last().expect("world_2018 is the last row").1,
            400,
        ),
    ] {
        let one = speed_on(world, runs, 1);
        let two = speed_on(world, runs, 2);
        println!("| {name}, {} runs | {:.2}× |", thousands(runs), two / one);
    }
    println!("\n| runs (northeast_asia_2024) | runs/s | run in uniforms |");
    println!("|---:|---:|---:|");
    let mut runs = 1_000;
    while runs <= if full { 1_000_000 } else { 100_000 } {
        let rate = speed(&world, runs);
        println!(
            "| {} | {} | {:.0} |",
            thousands(runs),
            thousands(rate.round() as u64),
            1.0 / rate / unit
        );
        runs *= 10;
    }
}
