//! Measurements for `./build.sh bench`: the same Rust core timed natively (examples/bench_native)
//! and in the browser (through the main worker), so the two can be divided; and the failure
//! drills the robustness tests use. Built only with the cargo feature `drills`: the module
//! the page loads in production carries neither.
//!
//! Each function runs one measurement and returns milliseconds (or nanoseconds per operation);
//! repetition, medians and ratios are the bench script's job (tools/bench.mjs). In the browser
//! a measurement is named and its arguments are checked like a scenario's parameters
//! (`BENCHES`), so `bench('lock-mutex', { threads: 1e6 })` is refused, not run.

use std::time::Duration;

use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, clock};
use crate::scenarios::Module;
use crate::scenarios::tasks::{sum_of_squares_between, warm_up};
use crate::scenarios::threading_lock::{Variant, race};
use crate::scenarios::threading_speedup;

/// `compute_heavy_task(n)` on this thread: ms.
pub fn sum_ms(n: u64) -> f64 {
    warm_up();
    let started = clock::now_ms();
    std::hint::black_box(sum_of_squares_between(0, n));
    clock::now_ms() - started
}

/// `compute_heavy_task(n)` split in `workers` equal shares, one thread each (the speed-up
/// scenario's own split): ms.
pub fn split_ms(ctx: &Ctx, n: u64, workers: usize) -> Result<f64, RtError> {
    warm_up();
    threading_speedup::split_sum(ctx, n, workers).map(|(_, ms)| ms)
}

/// Nanoseconds per increment of the lock demo's `variant` with `threads` threads.
pub fn lock_ns(ctx: &Ctx, variant: &str, threads: usize, iterations: u64) -> Result<f64, RtError> {
    let variant = match variant {
        "no-lock" => Variant::NoLock,
        "mutex" => Variant::Mutex,
        "atomic" => Variant::Atomic,
        "plain-store" => Variant::PlainStore,
        other => return Err(RtError::Unsupported(format!("unknown lock variant {other:?}"))),
    };
    let outcome = race(ctx, variant, threads, iterations)?;
    Ok(outcome.ms * 1e6 / (threads as f64 * iterations as f64))
}

/// `compute_heavy_task(n)` the rayon way: `into_par_iter` over chunks of the range, on the
/// pool (one thread per core): ms.
#[cfg(feature = "rayon")]
pub async fn rayon_sum_ms(n: u64) -> Result<f64, RtError> {
    use rayon::prelude::*;
    const CHUNK: u64 = 1 << 18;
    crate::rt::pool::start().await?;
    warm_up();
    let started = clock::now_ms();
    let sum = crate::rt::pool::run(move || {
        (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| sum_of_squares_between(c * CHUNK, n.min((c + 1) * CHUNK)))
            .sum::<u128>()
    })?;
    std::hint::black_box(sum);
    Ok(clock::now_ms() - started)
}

/// `gather` of `tasks` tasks that each `await asyncio.sleep(0)`: ms for all.
pub async fn gather_ms(ctx: &Ctx, tasks: usize) -> f64 {
    let started = clock::now_ms();
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let task_ctx = ctx.clone();
            ctx.spawn_task(&format!("t{i}"), async move { task_ctx.sleep_async(Duration::ZERO).await })
        })
        .collect();
    futures::future::join_all(handles).await;
    clock::now_ms() - started
}

/// A measurement or drill the browser can run: its name, its arguments (checked by the one
/// validator), and the thread workers it needs started first.
pub struct Bench {
    pub name: &'static str,
    /// The module it runs in (see `Scenario::module()`): the rayon ones in the lessons module.
    pub module: Module,
    pub params: &'static [ParamSpec],
    pub threads_needed: fn(&Params) -> usize,
}

const fn int(name: &'static str, label: &'static str, min: u64, max: u64, default: &'static str) -> ParamSpec {
    ParamSpec { name, label, kind: ParamKind::Int { min, max }, default }
}

const N: ParamSpec = int("n", "squares summed", 1, 10_000_000_000, "100000000");
const THREADS: ParamSpec = int("threads", "threads", 1, 16, "2");
const ITERATIONS: ParamSpec = int("iterations", "increments per thread", 1, 10_000_000, "1000000");
const DRILL_THREADS: ParamSpec = int("threads", "thread workers started first", 0, 1, "1");

fn none(_: &Params) -> usize {
    0
}
fn threads(p: &Params) -> usize {
    p.int("threads") as usize
}

pub static BENCHES: &[Bench] = &[
    Bench { name: "sum", module: Module::Main, params: &[N], threads_needed: none },
    Bench {
        name: "split",
        module: Module::Main,
        params: &[N, int("workers", "threads the sum is split over", 1, 16, "2")],
        threads_needed: |p| p.int("workers") as usize,
    },
    Bench { name: "lock-no-lock", module: Module::Main, params: &[THREADS, ITERATIONS], threads_needed: threads },
    Bench { name: "lock-mutex", module: Module::Main, params: &[THREADS, ITERATIONS], threads_needed: threads },
    Bench { name: "lock-atomic", module: Module::Main, params: &[THREADS, ITERATIONS], threads_needed: threads },
    Bench { name: "lock-plain-store", module: Module::Main, params: &[THREADS, ITERATIONS], threads_needed: threads },
    Bench { name: "rayon-sum", module: Module::Lessons, params: &[N], threads_needed: none },
    Bench {
        name: "gather",
        module: Module::Main,
        params: &[int("tasks", "tasks gathered", 1, 100_000, "10000")],
        threads_needed: none,
    },
    // Failure drills for the robustness tests: a panic where a scenario could panic.
    Bench { name: "panic-main", module: Module::Main, params: &[DRILL_THREADS], threads_needed: threads },
    Bench { name: "panic-thread", module: Module::Main, params: &[DRILL_THREADS], threads_needed: threads },
    Bench { name: "panic-task", module: Module::Main, params: &[DRILL_THREADS], threads_needed: threads },
    Bench { name: "panic-process", module: Module::Main, params: &[DRILL_THREADS], threads_needed: threads },
    Bench { name: "panic-rayon", module: Module::Lessons, params: &[DRILL_THREADS], threads_needed: threads },
];

pub fn find(name: &str) -> Option<&'static Bench> {
    BENCHES.iter().find(|b| b.name == name)
}

/// Runs measurement `name` with checked `params`: ms, or ns per increment for the locks.
/// (The drills are run by `web.rs`, whose file name their panic locations show.)
pub async fn run(ctx: &Ctx, name: &str, params: &Params) -> Result<f64, RtError> {
    let lock = |variant| lock_ns(ctx, variant, params.int("threads") as usize, params.int("iterations"));
    match name {
        "sum" => Ok(sum_ms(params.int("n"))),
        "split" => split_ms(ctx, params.int("n"), params.int("workers") as usize),
        "lock-no-lock" => lock("no-lock"),
        "lock-mutex" => lock("mutex"),
        "lock-atomic" => lock("atomic"),
        "lock-plain-store" => lock("plain-store"),
        "gather" => Ok(gather_ms(ctx, params.int("tasks") as usize).await),
        #[cfg(feature = "rayon")]
        "rayon-sum" => rayon_sum_ms(params.int("n")).await,
        other => Err(RtError::Unsupported(format!("unknown bench {other:?}"))),
    }
}
