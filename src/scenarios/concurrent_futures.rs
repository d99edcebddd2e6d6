//! concurrent.futures: one interface over a pool of threads and a pool of processes.
//!
//! ```python
//! from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor
//!
//! def task(n):
//!     return n * 2
//!
//! # Use ThreadPoolExecutor for I/O tasks
//! with ThreadPoolExecutor(max_workers=3) as executor:
//!     futures = [executor.submit(task, i) for i in range(5)] # submits tasks to threads
//!     results = [f.result() for f in futures]             # retrieves results as they complete
//!
//! # Use ProcessPoolExecutor for CPU tasks
//! with ProcessPoolExecutor() as executor:
//!     results = list(executor.map(task, range(10)))       # easy mapping of function to data
//! ```
//!
//! `ThreadPoolExecutor` below is a small executor of our own: `max_workers` threads (Web
//! Workers on shared memory) take submitted calls from one queue; `submit` returns a future
//! whose `result()` blocks until a worker has run the call. Leaving the `with` block shuts the
//! executor down: the queue closes and the workers are joined. `ProcessPoolExecutor()` has as
//! many processes as the machine has CPUs (`os.cpu_count()`), each its own wasm instance.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

use super::tasks::Call;
use super::{Scenario, TestParams};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::process::pool_map;
use crate::rt::thread::JoinHandle;
use crate::rt::{Ctx, RtError, cpu_count, current_lane};
use crate::value::Value;

pub static SCENARIO: Scenario = Scenario {
    id: "concurrent-futures",
    title: "Thread and process executors",
    seed_section: "Concurrent Futures: Unified Interface for Pools",
    from_seed: true,
    params: &[
        ParamSpec {
            name: "max_workers",
            label: "ThreadPoolExecutor max_workers",
            kind: ParamKind::Int { min: 1, max: 16 },
            default: "3",
        },
        ParamSpec {
            name: "submitted",
            label: "submit(task, i) for i in range(…)",
            kind: ParamKind::Int { min: 0, max: 100 },
            default: "5",
        },
        ParamSpec {
            name: "mapped",
            label: "map(task, range(…))",
            kind: ParamKind::Int { min: 0, max: 100 },
            default: "10",
        },
    ],
    check: None,
    needs_shared_memory: true,
    threads_needed: |p| p.int("max_workers") as usize,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params).await }),
    source_file: "concurrent_futures.rs",
    more_source_files: &["tasks.rs"],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams { light: &[], busy: &[("max_workers", "16"), ("submitted", "100"), ("mapped", "100")] },
    python: include_str!("concurrent_futures.py"),
    notice: "submit returns a future at once; result() waits for it. Trivial tasks often all run on the first thread, because it is free again before the others wake. map returns results in input order, whichever process ran them.",
};

/// `task(n)`, the function both executors run.
fn task(n: u64) -> u128 {
    // py: def task(n):
    u128::from(n) * 2 // py: return n * 2
}

/// What `Future.result()` waits for: the value, and which worker thread produced it.
struct FutureSlot {
    done: Mutex<Option<(u128, String)>>,
    finished: Condvar,
}

pub struct Future(Arc<FutureSlot>);

impl Future {
    /// Blocks until a worker has run the call; returns its value and the worker's name.
    pub fn result(&self) -> (u128, String) {
        let mut done = self.0.done.lock().unwrap();
        loop {
            if let Some(result) = done.clone() {
                return result;
            }
            done = self.0.finished.wait(done).unwrap();
        }
    }
}

/// The calls waiting for a worker, and whether `shutdown` has closed the queue.
struct Queue {
    calls: Mutex<Pending>,
    changed: Condvar,
}

/// Submitted calls (`task(n)` and where its result goes), and "closed".
type Pending = (VecDeque<(u64, Arc<FutureSlot>)>, bool);

pub struct ThreadPoolExecutor {
    queue: Arc<Queue>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPoolExecutor {
    pub fn new(ctx: &Ctx, max_workers: usize) -> Result<ThreadPoolExecutor, RtError> {
        let queue = Arc::new(Queue { calls: Mutex::new((VecDeque::new(), false)), changed: Condvar::new() });
        let workers = (0..max_workers)
            .map(|i| {
                let queue = queue.clone();
                // Python names these threads ThreadPoolExecutor-<executor>_<worker>.
                ctx.spawn_thread(&format!("ThreadPoolExecutor-0_{i}"), move |_| worker(&queue))
            })
            .collect::<Result<_, _>>()?;
        Ok(ThreadPoolExecutor { queue, workers })
    }

    /// `executor.submit(task, n)`: queues the call and returns its future at once.
    pub fn submit(&self, n: u64) -> Future {
        let slot = Arc::new(FutureSlot { done: Mutex::new(None), finished: Condvar::new() });
        self.queue.calls.lock().unwrap().0.push_back((n, slot.clone()));
        self.queue.changed.notify_one();
        Future(slot)
    }

    /// Leaving the `with` block: no more calls, and wait for the workers to finish.
    pub fn shutdown(self) -> Result<(), RtError> {
        self.queue.calls.lock().unwrap().1 = true;
        self.queue.changed.notify_all();
        self.workers.into_iter().try_for_each(JoinHandle::join)
    }
}

fn worker(queue: &Queue) {
    let me = current_lane();
    loop {
        let mut calls = queue.calls.lock().unwrap();
        let (n, slot) = loop {
            if let Some(call) = calls.0.pop_front() {
                break call;
            }
            if calls.1 {
                return;
            }
            calls = queue.changed.wait(calls).unwrap();
        };
        drop(calls);
        *slot.done.lock().unwrap() = Some((task(n), me.clone()));
        slot.finished.notify_all();
    }
}

async fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let max_workers = params.int("max_workers") as usize;

    let executor = ThreadPoolExecutor::new(ctx, max_workers)?; // py: with ThreadPoolExecutor(max_workers=3) as executor:
    let futures: Vec<Future> = (0..params.int("submitted")).map(|i| executor.submit(i)).collect(); // py: futures = [executor.submit(task, i) for i in range(5)]
    let ran: Vec<(u128, String)> = futures.iter().map(Future::result).collect(); // py: results = [f.result() for f in futures]
    executor.shutdown()?;
    let thread_results = Value::list_of_ints(ran.iter().map(|(v, _)| *v));
    ctx.note(format!("ThreadPoolExecutor results = {}", thread_results.py_repr()));
    for (i, (value, worker)) in ran.iter().enumerate() {
        ctx.note(format!("task({i}) = {value} ran on {worker}"));
    }

    let calls: Vec<Call> = (0..params.int("mapped")).map(Call::Double).collect();
    // os.cpu_count() processes, as Python's default, but never more than there are calls
    // (nor than 16): each is a wasm instance of its own.
    let processes = cpu_count().min(calls.len()).clamp(1, 16);
    let mapped = pool_map(ctx, "ProcessPoolExecutor", processes, &calls).await?; // py: results = list(executor.map(task, range(10)))
    let process_results = Value::list_of_ints(mapped.iter().map(|m| m.value));
    ctx.note(format!(
        "ProcessPoolExecutor() ({processes} processes, os.cpu_count()) results = {}",
        process_results.py_repr()
    ));
    let pids: Vec<String> = mapped.iter().enumerate().map(|(i, m)| format!("task({i}) in {}", m.pid)).collect();
    ctx.note(pids.join(", "));

    Ok(Value::Dict(vec![("thread_results".into(), thread_results), ("process_results".into(), process_results)]))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rt::backend::block_on;

    #[test]
    fn both_executors_give_the_seeds_results() {
        let (ctx, out) = Ctx::collecting();
        let params = crate::params::validate(SCENARIO.params, &[]).unwrap();
        let value = block_on(run(&ctx, &params)).unwrap();
        assert_eq!(
            value,
            Value::Dict(vec![
                ("thread_results".into(), Value::list_of_ints([0, 2, 4, 6, 8])),
                ("process_results".into(), Value::list_of_ints((0..10).map(|i| i * 2))),
            ])
        );
        assert!(out.lines().is_empty(), "the seed prints nothing here");
    }

    #[test]
    fn at_most_max_workers_threads_run_the_calls() {
        let (ctx, _) = Ctx::collecting();
        let executor = ThreadPoolExecutor::new(&ctx, 2).unwrap();
        let futures: Vec<Future> = (0..20).map(|i| executor.submit(i)).collect();
        let workers: std::collections::HashSet<String> = futures.iter().map(|f| f.result().1).collect();
        executor.shutdown().unwrap();
        assert!(!workers.is_empty() && workers.len() <= 2, "{workers:?}");
    }
}
