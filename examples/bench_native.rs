//! The native side of `./build.sh bench`: the same measurements as the browser's, on the host.
//! Prints `{ "figure": [samples...] }` as JSON; tools/bench.mjs computes medians and ratios.
//!
//! `cargo run --release --example bench_native -- --n 100000000 --reps 5 --workers 2 --iterations 1000000 --tasks 10000`

#[cfg(target_arch = "wasm32")]
fn main() {} // wasm-pack test builds every example; this one is for the host

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use concurrency_playground::bench;
    use concurrency_playground::rt::{Ctx, backend::block_on};

    let mut args = std::env::args().skip(1);
    let (mut n, mut reps, mut workers, mut iterations, mut tasks) =
        (100_000_000u64, 5usize, 2usize, 1_000_000u64, 10_000usize);
    while let Some(flag) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{flag} needs a number"));
        match flag.as_str() {
            "--n" => n = value,
            "--reps" => reps = value as usize,
            "--workers" => workers = value as usize,
            "--iterations" => iterations = value,
            "--tasks" => tasks = value as usize,
            other => panic!("unknown option {other}"),
        }
    }
    let (ctx, _) = Ctx::collecting();
    let mut figures: Vec<(String, Vec<f64>)> = Vec::new();
    let mut measure = |key: String, mut one: Box<dyn FnMut() -> f64 + '_>| {
        figures.push((key, (0..reps).map(|_| one()).collect()));
    };
    measure("sum".into(), Box::new(|| bench::sum_ms(n)));
    for k in 1..=workers {
        measure(format!("split:{k}"), Box::new(|| bench::split_ms(&ctx, n, k).unwrap()));
    }
    for (variant, threads) in [("no-lock", 2), ("plain-store", 2), ("mutex", 2), ("mutex", 4), ("atomic", 2)] {
        measure(
            format!("lock:{variant}:{threads}"),
            Box::new(|| bench::lock_ns(&ctx, variant, threads, iterations).unwrap()),
        );
    }
    measure("gather".into(), Box::new(|| block_on(bench::gather_ms(&ctx, tasks))));
    measure("rayon-sum".into(), Box::new(|| block_on(bench::rayon_sum_ms(n)).unwrap()));
    let body: Vec<String> = figures
        .iter()
        .map(|(k, v)| format!("\"{k}\": [{}]", v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ")))
        .collect();
    println!("{{{}}}", body.join(", "));
}
