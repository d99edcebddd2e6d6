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
//! k workers is (time with 1) / (time with k); the ideal is k, up to the number of cores, and
//! the sweep goes on to twice that (at most 16) so the flattening beyond the cores is drawn.
//!
//! Beside the hand-split threads, the same k shares go to rayon (`into_par_iter` over the
//! shares, on its pool of one thread per core): what a Rust programmer would write.

use super::tasks::{sum_of_squares_between, warm_up};
use super::{Scenario, TestParams, lesson_program};
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
    run: lesson_program!(|ctx, params| Box::pin(async move { run(&ctx, &params).await })),
    source_file: "threading_speedup.rs",
    more_source_files: &[],
    views: &["speedup-chart"],
    actions: &[],
    predict: true,
    test_params: TestParams { light: &[("n", "10**5")], busy: &[("n", "10**9")] },
    python: "",
    notice: "The measured speed-up follows the ideal line up to the number of cores the browser offers, \
             then flattens: more workers than cores only take turns. A little is always lost to starting \
             and joining the workers, which is why the points usually sit a little below the line (on a busy \
             machine they wander). rayon's line \
             does the same with k shares on its pool of one thread per core.",
};

/// Twice as many workers as the browser reports hardware threads, at most 16: past the cores,
/// so the flattening is measured rather than told.
fn max_workers() -> usize {
    (2 * cpu_count()).clamp(1, 16)
}

/// The same `workers` shares on rayon's pool; the total and the wall time in ms.
#[cfg(feature = "rayon")]
fn rayon_sum(n: u64, workers: usize) -> Result<(u128, f64), RtError> {
    use rayon::prelude::*;
    let started = clock::now_ms();
    let step = n / workers as u64;
    let total = crate::rt::pool::run(move || {
        (0..workers)
            .into_par_iter()
            .map(|k| {
                let start = k as u64 * step;
                let end = if k + 1 == workers { n } else { start + step };
                sum_of_squares_between(start, end)
            })
            .sum::<u128>()
    })?;
    Ok((total, clock::now_ms() - started))
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

/// The best of three rounds of `round` (the machine's other work only ever adds time), and
/// the sum they all gave.
fn best_of_three(mut round: impl FnMut() -> Result<(u128, f64), RtError>) -> Result<(u128, f64), RtError> {
    let (mut total, mut ms) = (0, f64::INFINITY);
    for _ in 0..3 {
        let (sum, round_ms) = round()?;
        (total, ms) = (sum, ms.min(round_ms));
    }
    Ok((total, ms))
}

async fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let n = params.int("n");
    warm_up();
    #[cfg(feature = "rayon")]
    let pool_threads = crate::rt::pool::start().await?;
    let mut rows = Vec::new();
    let mut first_ms = None;
    #[cfg(feature = "rayon")]
    let mut first_rayon_ms = None;
    let mut expected = None;
    for workers in 1..=max_workers() {
        // py: for workers in range(1, os.cpu_count() + 1):
        let (total, ms) = best_of_three(|| split_sum(ctx, n, workers))?;
        if *expected.get_or_insert(total) != total {
            return Err(RtError::Unsupported(format!("{workers} workers summed {total}, not {expected:?}")));
        }
        let speedup = *first_ms.get_or_insert(ms) / ms;
        #[cfg_attr(not(feature = "rayon"), allow(unused_mut))] // rayon adds to it
        let mut note = format!(
            "{workers} worker(s): {} ms, speed-up {}× (ideal {}×)",
            decimal(ms, 0),
            decimal(speedup, 2),
            workers.min(cpu_count())
        );
        #[cfg_attr(not(feature = "rayon"), allow(unused_mut))]
        let mut row = vec![
            ("workers".into(), Value::Int(workers as u128)),
            ("ms".into(), Value::Int(ms.round() as u128)),
            ("speedup_x100".into(), Value::Int((speedup * 100.0).round() as u128)),
        ];
        #[cfg(feature = "rayon")]
        {
            let (rayon_total, rayon_ms) = best_of_three(|| rayon_sum(n, workers))?;
            if rayon_total != total {
                return Err(RtError::Unsupported(format!("rayon summed {rayon_total}, the threads {total}")));
            }
            let rayon_speedup = *first_rayon_ms.get_or_insert(rayon_ms) / rayon_ms;
            note += &format!(
                "; rayon, {workers} share{} on {pool_threads} threads: {} ms, {}×",
                if workers == 1 { "" } else { "s" },
                decimal(rayon_ms, 0),
                decimal(rayon_speedup, 2)
            );
            row.push(("rayon_ms".into(), Value::Int(rayon_ms.round() as u128)));
            row.push(("rayon_speedup_x100".into(), Value::Int((rayon_speedup * 100.0).round() as u128)));
        }
        ctx.note(note);
        rows.push(Value::Dict(row));
    }
    ctx.note(format!("sum = {} every time; the browser offers {} cores", expected.unwrap_or(0), cpu_count()));
    Ok(Value::List(rows))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[cfg(feature = "rayon")]
    #[test]
    fn the_sweep_goes_past_the_cores_with_a_rayon_series_of_the_same_sum() {
        let (ctx, out) = Ctx::collecting();
        let params = crate::params::validate(SCENARIO.params, &[("n".into(), "100000".into())]).unwrap();
        let Value::List(rows) = crate::rt::backend::block_on(run(&ctx, &params)).unwrap() else { panic!("rows") };
        assert_eq!(rows.len(), max_workers());
        assert!(max_workers() > cpu_count().min(8), "the sweep passes the core count");
        for row in rows {
            let Value::Dict(fields) = row else { panic!("a row") };
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["workers", "ms", "speedup_x100", "rayon_ms", "rayon_speedup_x100"]);
        }
        assert!(out.notes().last().unwrap().starts_with("sum = 333328333350000 every time"));
    }

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
