//! Threads on Web Workers that share the module's memory.
//!
//! A browser cannot start a worker synchronously: `new Worker()` only begins to load once the
//! creating thread returns to its event loop, which a blocked Python main thread never does.
//! So the page starts thread workers *before* a run, as many as the scenario declares it
//! needs; each enters `worker_loop` and waits here, in shared memory, for a job. `start_thread`
//! hands a job to a waiting worker at once, or fails at once if none waits: it never queues,
//! because a Python thread that waited for another to finish would not be a thread.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};

use crate::rt::core::{Job, PanicReport, RtError};

struct Pool {
    jobs: VecDeque<Job>,
    /// Workers waiting for a job, counting those woken but not yet holding one.
    waiting: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool { jobs: VecDeque::new(), waiting: 0 });
static JOB_READY: Condvar = Condvar::new();

/// Starts `job` on a waiting thread worker now, or says that every worker is busy.
pub fn start_thread(_name: &str, job: Job) -> Result<(), RtError> {
    let mut pool = POOL.lock().unwrap();
    if pool.waiting <= pool.jobs.len() {
        return Err(RtError::NoFreeWorker);
    }
    pool.jobs.push_back(job);
    JOB_READY.notify_one();
    Ok(())
}

/// The body of a thread worker: waits for jobs and runs them, forever. `ready` runs once the
/// worker counts as waiting, so the page never sends a run before its threads can start.
pub fn worker_loop(ready: impl FnOnce()) -> ! {
    let mut pool = POOL.lock().unwrap();
    pool.waiting += 1;
    drop(pool);
    ready();
    pool = POOL.lock().unwrap();
    loop {
        let Some(job) = pool.jobs.pop_front() else {
            pool = JOB_READY.wait(pool).unwrap();
            continue;
        };
        pool.waiting -= 1;
        drop(pool);
        let publish = job();
        POOL.lock().unwrap().waiting += 1;
        // Hand the result over only now that this worker counts as free again.
        publish();
        pool = POOL.lock().unwrap();
    }
}

thread_local! {
    static ON_PANIC: RefCell<Option<PanicReport>> = const { RefCell::new(None) };
}

/// While a thread's job runs, where a panic of it is reported: to the thread's `join`. This
/// build aborts on panic, so the worker's panic hook takes the report (`take_panic_report`)
/// just before the worker dies. Dropping the guard (the job returned) forgets it.
pub struct PanicGuard(());

pub fn report_panics_to(report: PanicReport) -> PanicGuard {
    ON_PANIC.with(|r| *r.borrow_mut() = Some(report));
    PanicGuard(())
}

impl Drop for PanicGuard {
    fn drop(&mut self) {
        ON_PANIC.with(|r| r.borrow_mut().take());
    }
}

/// For the panic hook: the report of the job this worker is running, if it runs one.
pub(super) fn take_panic_report() -> Option<PanicReport> {
    ON_PANIC.with(|r| r.borrow_mut().take())
}

/// A panic on a rayon pool thread outside any job's report (see `crate::rt::pool`).
#[cfg(feature = "rayon")]
static POOL_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[cfg(feature = "rayon")]
pub(super) fn note_pool_panic(message: String) {
    *POOL_PANIC.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(message);
}

#[cfg(feature = "rayon")]
pub(super) fn take_pool_panic() -> Option<String> {
    POOL_PANIC.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
}

/// Thread workers of this memory that died (of a panic) since it was created. The main worker
/// reports the count with each run's end, so the page replaces a world with dead workers
/// before the next run, whatever order the workers' messages reach it in.
static LOST_WORKERS: AtomicU32 = AtomicU32::new(0);

pub(super) fn count_lost_worker() {
    LOST_WORKERS.fetch_add(1, Ordering::SeqCst);
}

pub fn lost_workers() -> u32 {
    LOST_WORKERS.load(Ordering::SeqCst)
}
