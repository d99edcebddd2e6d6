//! Speed-up, measured: `compute_heavy_task(n)` split over 1, 2, … workers.
//!
//! ```python
//! from concurrent.futures import ProcessPoolExecutor
//!
//! def partial_sum(bounds):
//!     start, end = bounds
//!     return sum(i * i for i in range(start, end))
//!
//! for workers in range(1, os.cpu_count() + 1):
//!     step = n // workers
//!     bounds = [(k * step, n if k == workers - 1 else (k + 1) * step) for k in range(workers)]
//!     with ProcessPoolExecutor(workers) as pool:
//!         total = sum(pool.map(partial_sum, bounds))   # the same total every time
//! ```
//!
//! Here the workers are threads on shared memory (Web Workers), started once and reused for
//! every round, so the rounds measure the computation and not the start-up. The speed-up of
//! k workers is (time with 1) / (time with k); the ideal is k, up to the number of cores.

use super::Scenario;
use super::tasks::{sum_of_squares_between, warm_up};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, SpanState, clock, cpu_count};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "threading-speedup",
    title: "Speed-up: the same sum on 1, 2, … workers",
    seed_section: "Multiprocessing: Parallel Execution (how much faster?)",
    from_seed: false,
    params: &[ParamSpec {
        name: "n",
        label: "compute_heavy_task(n), split",
        kind: ParamKind::Int { min: 1_000, max: 1_000_000_000 },
        default: "10**8",
    }],
    check: None,
    needs_shared_memory: true,
    threads_needed: |_| max_workers(),
    run: |ctx, params| Box::pin(async move { run(&ctx, &params) }),
    source_file: "threading_speedup.rs",
    more_source_files: &[],
    views: &["speedup-chart"],
    actions: &[],
    notice: "The measured speed-up follows the ideal line up to the number of cores the browser offers, \
             then flattens: more workers than cores only take turns. A little is always lost to starting \
             and joining the workers, which is why the points sit just below the line.",
};

/// As many workers as the browser reports hardware threads, at most 16.
fn max_workers() -> usize {
    cpu_count().clamp(1, 16)
}

/// Sums `0..n` split into `workers` contiguous shares, each on its own thread; returns
/// the total and the wall time in ms.
pub fn split_sum(ctx: &Ctx, n: u64, workers: usize) -> Result<(u128, f64), RtError> {
    let started = clock::now_ms();
    let step = n / workers as u64;
    let handles = (0..workers)
        .map(|k| {
            let start = k as u64 * step;
            let end = if k + 1 == workers { n } else { start + step };
            ctx.spawn_thread(&format!("Worker-{}", k + 1), move |ctx| {
                let start_ms = clock::now_ms();
                let part = sum_of_squares_between(start, end); // py: return sum(i * i for i in range(start, end))
                ctx.span(
                    SpanState::Run,
                    start_ms,
                    format!("sum of i*i for i in range({start}, {end}), {workers} workers"),
                );
                part
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut total = 0;
    for handle in handles {
        total += handle.join()?;
    }
    Ok((total, clock::now_ms() - started))
}

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let n = params.int("n");
    warm_up();
    let mut rows = Vec::new();
    let mut first_ms = None;
    let mut expected = None;
    for workers in 1..=max_workers() {
        // py: for workers in range(1, os.cpu_count() + 1):
        // The best of three rounds: the machine's other work only ever adds time.
        let (mut total, mut ms) = (0, f64::INFINITY);
        for _ in 0..3 {
            let (sum, round_ms) = split_sum(ctx, n, workers)?;
            (total, ms) = (sum, ms.min(round_ms));
        }
        assert_eq!(*expected.get_or_insert(total), total, "every split gives the same sum");
        let base = *first_ms.get_or_insert(ms);
        let speedup = base / ms;
        ctx.note(format!(
            "{workers} worker(s): {} ms, speed-up {}× (ideal {workers}×)",
            decimal(ms, 0),
            decimal(speedup, 2)
        ));
        rows.push(Value::Dict(vec![
            ("workers".into(), Value::Int(workers as u128)),
            ("ms".into(), Value::Int(ms.round() as u128)),
            ("speedup_x100".into(), Value::Int((speedup * 100.0).round() as u128)),
        ]));
    }
    ctx.note(format!("sum = {} every time", expected.unwrap_or(0)));
    Ok(Value::List(rows))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_split_gives_the_exact_sum() {
        let (ctx, _) = Ctx::collecting();
        for workers in 1..=5 {
            assert_eq!(
                split_sum(&ctx, 1_000_003, workers).unwrap().0,
                crate::scenarios::tasks::sum_of_squares(1_000_003)
            );
        }
    }
}
