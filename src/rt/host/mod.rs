//! The host backend: std threads for threads, a std thread standing in for a process, a
//! single-threaded local executor for asyncio, and the monotonic clock. `cargo test` and the
//! native benchmarks run every scenario on it.
//!
//! The functions both backends provide (the browser's are in `browser/mod.rs`):
//! `now_ms`, `worker_name`, `cpu_count`, `start_thread`, `report_panics_to`, `spawn_local`,
//! `timer`, `ProcessHandle`, `start_process`, `call_process`, `exit_process`.

mod timer;

use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::task::LocalSpawnExt;

use super::core::{Job, PanicReport, RtError};

/// Milliseconds since the Unix epoch: the wall clock read once, then counted with the
/// monotonic clock, as the browser does with `timeOrigin + now()`.
pub fn now_ms() -> f64 {
    static ORIGIN: OnceLock<(Instant, f64)> = OnceLock::new();
    let (start, epoch_ms) = ORIGIN.get_or_init(|| {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        (Instant::now(), since_epoch.as_secs_f64() * 1000.0)
    });
    epoch_ms + start.elapsed().as_secs_f64() * 1000.0
}

/// The OS thread the caller runs on, for the timeline.
pub fn worker_name() -> String {
    format!("{:?}", std::thread::current().id())
}

pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Runs `job` on a new std thread.
pub fn start_thread(name: &str, job: Job) -> Result<(), RtError> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || job()())
        .map(drop)
        .map_err(|e| RtError::Unsupported(format!("cannot start thread {name}: {e}")))
}

/// The host unwinds, so `catch_unwind` hands a panic to `join`: nothing to arrange while the
/// job runs, hence a guard that does nothing.
pub struct PanicGuard;

pub fn report_panics_to(_report: PanicReport) -> PanicGuard {
    PanicGuard
}

thread_local! {
    static SPAWNER: RefCell<Option<futures::executor::LocalSpawner>> = const { RefCell::new(None) };
}

pub fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    SPAWNER.with(|s| {
        s.borrow()
            .as_ref()
            .expect("spawn called outside block_on: there is no event loop on this thread")
            .spawn_local(fut)
            .expect("the local executor has shut down")
    });
}

/// Runs `fut` to completion on a local event loop on this thread, like `asyncio.run`,
/// and returns its output. Host only: a browser worker has its own event loop.
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    let mut pool = futures::executor::LocalPool::new();
    let previous = SPAWNER.with(|s| s.replace(Some(pool.spawner())));
    let out = pool.run_until(fut);
    SPAWNER.with(|s| *s.borrow_mut() = previous);
    out
}

pub async fn timer(duration: Duration) {
    timer::sleep(duration).await;
}

/// rayon's global pool, started by rayon itself on first use.
#[cfg(feature = "rayon")]
pub async fn start_pool() -> Result<usize, RtError> {
    Ok(rayon::current_num_threads())
}

/// The host unwinds: a panic in the pool comes back through `catch_unwind`.
#[cfg(feature = "rayon")]
pub fn pool_panic() -> Option<String> {
    None
}

/// A host process is only its pid: each call runs on a thread of its own.
pub struct ProcessHandle;

pub async fn start_process(_name: &str) -> Result<(ProcessHandle, u32), RtError> {
    static NEXT_PID: AtomicU32 = AtomicU32::new(1000);
    Ok((ProcessHandle, NEXT_PID.fetch_add(1, Ordering::Relaxed)))
}

/// Runs the call on a thread standing in for the process (`encoded` is what a browser process
/// would be sent; here the closure runs directly).
pub async fn call_process(
    _process: &ProcessHandle,
    _encoded: String,
    run_here: Box<dyn FnOnce() -> Result<u128, String> + Send>,
) -> Result<u128, RtError> {
    let (send, result) = futures::channel::oneshot::channel();
    std::thread::spawn(move || {
        let _ = send.send(run_here());
    });
    result.await.map_err(|_| RtError::Process("the process ended without a result".into()))?.map_err(RtError::Process)
}

pub fn exit_process(_process: &ProcessHandle) {}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::block_on;
    use crate::rt::task::{sleep, spawn};

    #[test]
    fn tasks_run_concurrently_on_one_thread() {
        let start = Instant::now();
        let total = block_on(async {
            let a = spawn("a".into(), async {
                sleep(Duration::from_millis(200)).await;
                1
            });
            let b = spawn("b".into(), async {
                sleep(Duration::from_millis(200)).await;
                2
            });
            a.await + b.await
        });
        assert_eq!(total, 3);
        let elapsed = start.elapsed();
        // One after the other they would take at least 400 ms, whatever the machine's load.
        assert!(elapsed < Duration::from_millis(400), "the two sleeps did not overlap: {elapsed:?}");
    }

    #[test]
    fn a_task_prints_under_its_own_lane() {
        let lane = block_on(async { spawn("Task-7".into(), async { crate::rt::current_lane() }).await });
        assert_eq!(lane, "Task-7");
    }
}
