//! Measurements for `./build.sh bench`: the same Rust core timed natively (examples/bench_native)
//! and in the browser (through the coordinator worker), so the two can be divided.
//!
//! Each function runs one measurement and returns milliseconds (or nanoseconds per operation);
//! repetition, medians and ratios are the bench script's job (tools/bench.mjs).

use std::time::Duration;

use crate::rt::{Ctx, RtError, clock};
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
        other => return Err(RtError::Unsupported(format!("unknown lock variant {other:?}"))),
    };
    let outcome = race(ctx, variant, threads, iterations)?;
    Ok(outcome.ms * 1e6 / (threads as f64 * iterations as f64))
}

/// `gather` of `tasks` tasks that each `await asyncio.sleep(0)`: ms for all.
pub async fn gather_ms(ctx: &Ctx, tasks: usize) -> f64 {
    let started = clock::now_ms();
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let ctx = ctx.clone();
            ctx.clone().spawn_task(&format!("t{i}"), async move { ctx.sleep_async(Duration::ZERO).await })
        })
        .collect();
    futures::future::join_all(handles).await;
    clock::now_ms() - started
}
