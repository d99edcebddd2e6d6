//! What Rust writes instead of a process pool: rayon, on threads sharing one memory.
//!
//! ```python
//! def compute_heavy_task(n):
//!     print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
//!     return sum(i * i for i in range(n))
//!
//! if __name__ == "__main__":
//!     with multiprocessing.Pool(processes=4) as pool:     # creates a pool of 4 workers
//!         results = pool.map(compute_heavy_task, [10**6, 10**7, 10**8]) # distributes tasks
//! ```
//!
//! Python needs *processes* for CPU-bound work: one interpreter runs one thread of Python at a
//! time (the GIL). Rust has no such lock, so the same job goes to *threads*, and the idiom
//! every Rust programmer reaches for is rayon. This lesson runs the seed's pool, then two rayon
//! versions, on the same inputs, and compares them:
//! * `inputs.par_iter().map(compute_heavy_task).collect()`: the same exact sums, on threads, with
//!   no process to start. Like `Pool.map`, it is only as fast as its largest input: one task
//!   per input, and 10**8 is a hundred times 10**6.
//! * `into_par_iter` over each input's range, in chunks: rayon's work stealing spreads even the
//!   largest input over every core.
//!
//! Each rayon chunk is timed on the shared clock and drawn on the lane of the pool thread that
//! ran it (`rayon-worker-0`, ...): the stealing is seen, not told.

#[cfg(feature = "rayon")]
use std::sync::{Arc, Mutex};

#[cfg(feature = "rayon")]
use rayon::prelude::*;

#[cfg(feature = "rayon")]
use super::tasks::{Call, sum_of_squares_between, warm_up};
use super::{Scenario, TestParams, lesson_program};
use crate::params::Params;
#[cfg(feature = "rayon")]
use crate::rt::process::pool_map;
use crate::rt::{Ctx, RtError};
#[cfg(feature = "rayon")]
use crate::rt::{EventKind, SpanState, clock, pool};
use crate::value::Value;
#[cfg(feature = "rayon")]
use crate::value::decimal;

pub static SCENARIO: Scenario = Scenario {
    id: "rayon-pool",
    title: "What Rust writes instead of a process pool",
    seed_section: "Multiprocessing: Using a Pool (the Rust way: rayon on threads)",
    from_seed: false,
    params: super::multiprocessing_pool::POOL_PARAMS, // the seed pool's own
    check: None,
    needs_shared_memory: true,
    // rayon's own pool threads: started by the pool itself, not from the world's thread workers.
    threads_needed: |_| 0,
    run: lesson_program!(|ctx, params| Box::pin(async move { run(&ctx, &params).await })),
    source_file: "rayon_pool.rs",
    more_source_files: &["tasks.rs"],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams { light: &[], busy: &[] },
    python: "",
    notice: "Three ways to compute the same sums. Python's pool needs processes (tan: each starts first) and is only as fast as its largest input. rayon's par_iter runs the same tasks on threads that share memory, with nothing to start, but one task per input still waits for the largest. into_par_iter splits each range into chunks that idle threads steal: every rayon-worker lane stays busy until the end. The sums are exact in all three.",
};

/// Without rayon there is no program here: the main module, built without it, puts
/// `lesson_program!`'s stand-in in the scenario's place, and this only lets it type-check.
#[cfg(not(feature = "rayon"))]
async fn run(_: &Ctx, _: &Params) -> Result<Value, RtError> {
    unreachable!("rayon-pool's program is built into the lessons module only")
}

/// Squares summed per chunk: small enough for many chunks per input, large enough that a
/// chunk's clock readings cost nothing next to it.
#[cfg(feature = "rayon")]
const CHUNK: u64 = 1 << 18;

/// The stretches each pool thread spent on chunks, for the timeline.
#[cfg(feature = "rayon")]
#[derive(Default)]
struct ChunkLog(Mutex<Vec<(usize, f64, f64, String)>>);

#[cfg(feature = "rayon")]
impl ChunkLog {
    /// Runs `work`, timed, and logs it on the pool thread that ran it.
    fn time<T>(&self, label: impl FnOnce() -> String, work: impl FnOnce() -> T) -> T {
        let start = clock::now_ms();
        let out = work();
        let end = clock::now_ms();
        if let Some(worker) = pool::worker_index() {
            self.0.lock().unwrap().push((worker, start, end, label()));
        }
        out
    }

    /// Draws the logged stretches, one lane per pool thread, alive from its first chunk to its
    /// last; a thread's back-to-back chunks (closer than 0.05 ms) are drawn as one bar.
    fn report(&self, ctx: &Ctx, what: &str) {
        let mut chunks = std::mem::take(&mut *self.0.lock().unwrap());
        chunks.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap_or(std::cmp::Ordering::Equal));
        let mut merged: Vec<(usize, f64, f64, usize)> = Vec::new();
        for (worker, start, end, _) in &chunks {
            match merged.last_mut() {
                Some(last) if last.0 == *worker && start - last.2 < 0.05 => (last.2, last.3) = (*end, last.3 + 1),
                _ => merged.push((*worker, *start, *end, 1)),
            }
        }
        for (i, &(worker, start, end, count)) in merged.iter().enumerate() {
            let lane = format!("rayon-worker-{worker}");
            if i == 0 || merged[i - 1].0 != worker {
                ctx.emit_at(&lane, start, EventKind::LaneStart { what: "rayon pool thread".into() });
            }
            let label = format!("{what}: {count} chunk{}", if count == 1 { "" } else { "s" });
            ctx.emit_at(&lane, end, EventKind::Span { state: SpanState::Run, start_ms: start, label });
            if merged.get(i + 1).is_none_or(|next| next.0 != worker) {
                ctx.emit_at(&lane, end, EventKind::LaneEnd);
            }
        }
    }
}

#[cfg(feature = "rayon")]
async fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let processes = params.int("processes") as usize;
    let inputs = params.int_list("inputs").to_vec();

    // Python's way: the seed's pool of processes.
    let started = clock::now_ms();
    let calls: Vec<Call> = inputs.iter().map(|&n| Call::ComputeHeavy(n)).collect();
    let mapped = pool_map(ctx, "PoolWorker", processes, &calls).await?;
    let pool_ms = clock::now_ms() - started;
    let by_processes: Vec<u128> = mapped.iter().map(|m| m.value).collect();

    let threads = pool::start().await?; // the pool's Web Workers start the first time only
    let log = Arc::new(ChunkLog::default());

    // One task per input, as Pool.map does, but on threads.
    let (task_log, task_inputs) = (log.clone(), inputs.clone());
    let started = clock::now_ms();
    let by_tasks: Vec<u128> = pool::run(move || {
        warm_up();
        task_inputs
            .par_iter()
            .map(|&n| task_log.time(|| format!("compute_heavy_task({n})"), || sum_of_squares_between(0, n)))
            .collect() // py: results = pool.map(compute_heavy_task, [10**6, 10**7, 10**8])
    })?;
    let par_iter_ms = clock::now_ms() - started;
    ctx.span(SpanState::MapWait, started, "waiting for inputs.par_iter().map(compute_heavy_task).collect()");
    log.report(ctx, "par_iter");

    // Each range in chunks that idle threads steal.
    let (chunk_log, chunk_inputs) = (log.clone(), inputs.clone());
    let started = clock::now_ms();
    let by_chunks: Vec<u128> = pool::run(move || {
        chunk_inputs
            .iter()
            .map(|&n| {
                (0..n.div_ceil(CHUNK))
                    .into_par_iter()
                    .map(|c| {
                        let (from, to) = (c * CHUNK, n.min((c + 1) * CHUNK));
                        chunk_log.time(|| format!("range({from}, {to})"), || sum_of_squares_between(from, to))
                    })
                    .sum::<u128>()
            })
            .collect()
    })?;
    let into_par_iter_ms = clock::now_ms() - started;
    ctx.span(SpanState::MapWait, started, "waiting for (0..n).into_par_iter() over each input, in chunks");
    log.report(ctx, "into_par_iter");

    if by_tasks != by_processes || by_chunks != by_processes {
        return Err(RtError::Unsupported(format!(
            "the three ways disagree: {by_processes:?}, {by_tasks:?}, {by_chunks:?}"
        )));
    }
    let results = Value::list_of_ints(by_tasks);
    ctx.print(results.py_repr()); // py: print(results)
    ctx.note(format!(
        "Pool({processes}).map on processes: {} ms · par_iter on {threads} threads: {} ms · \
         into_par_iter in chunks: {} ms; the same exact sums all three ways",
        decimal(pool_ms, 1),
        decimal(par_iter_ms, 1),
        decimal(into_par_iter_ms, 1)
    ));
    Ok(Value::Dict(vec![
        ("results".into(), results),
        ("threads".into(), Value::Int(threads as u128)),
        ("process_pool_ms".into(), Value::Float(pool_ms)),
        ("par_iter_ms".into(), Value::Float(par_iter_ms)),
        ("into_par_iter_ms".into(), Value::Float(into_par_iter_ms)),
    ]))
}

#[cfg(all(test, feature = "rayon", not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rt::backend::block_on;

    #[test]
    fn three_ways_give_the_seeds_exact_sums_and_a_lane_per_pool_thread() {
        let (ctx, out) = Ctx::collecting();
        let given = [("inputs".to_string(), "10**5, 10**6, 3_000_001".to_string())];
        let params = crate::params::validate(SCENARIO.params, &given).unwrap();
        let value = block_on(run(&ctx, &params)).unwrap();
        let Value::Dict(fields) = value else { panic!("a dict") };
        let want = [100_000u64, 1_000_000, 3_000_001].map(|n| (0..u128::from(n)).map(|i| i * i).sum::<u128>());
        assert_eq!(fields[0].1, Value::list_of_ints(want));
        assert_eq!(out.lines().last().unwrap(), &Value::list_of_ints(want).py_repr());
        let lanes: std::collections::BTreeSet<String> = out
            .events()
            .into_iter()
            .filter(|e| matches!(e.kind, crate::rt::EventKind::Span { .. }))
            .map(|e| e.lane)
            .filter(|l| l.starts_with("rayon-worker-"))
            .collect();
        assert!(!lanes.is_empty(), "chunks are drawn on the pool threads' lanes");
    }
}
