//! A rayon pool: what Rust writes where Python needs a process pool. Rust's threads share one
//! memory and hold no global lock, so CPU-bound work goes to threads, and rayon's work
//! stealing spreads it over every core.
//!
//! In the browser the pool is wasm-bindgen-rayon's: Web Workers on the main worker's own module
//! and memory, started the first time a run asks for it (`start`), and gone with the world
//! after a Stop. On the host it is rayon's global pool.
//!
//! `run` hands a job to the pool and waits for it on this thread (never the page: runs have a
//! main worker for that). A panic in the job, or in any pool thread while it runs, comes back
//! as an error with its message and location: the browser build aborts on panic, so the panic
//! hook hands the message over before the pool thread dies, and the world that lost a thread
//! is replaced after the run.

use std::sync::Arc;
use std::time::Duration;

use super::backend;
use super::core::{RtError, panic_message};
use super::thread::Slot;

/// Starts the pool if this memory has none yet; returns how many threads it has.
pub async fn start() -> Result<usize, RtError> {
    backend::start_pool().await
}

/// Runs `job` on the pool (it may use `par_iter` and friends inside) and waits for its result.
pub fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Result<T, RtError> {
    let slot = Arc::new(Slot::new());
    let filled = slot.clone();
    rayon::spawn(move || {
        let on_panic = filled.clone();
        let _panics_go_here = backend::report_panics_to(Box::new(move |message| on_panic.fill(Err(message))));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).map_err(|p| panic_message(&*p));
        filled.fill(result);
    });
    let mut result = slot.result.lock().unwrap();
    loop {
        if let Some(done) = result.take() {
            return done.map_err(|message| RtError::Panicked { lane: "the rayon pool".into(), message });
        }
        // A pool thread other than the job's own may have died of a panic (a task that
        // `par_iter` split off): nobody would ever fill the slot, so look now and then.
        if let Some(message) = backend::pool_panic() {
            return Err(RtError::Panicked { lane: "a rayon worker".into(), message });
        }
        result = slot.finished.wait_timeout(result, Duration::from_millis(20)).unwrap().0;
    }
}

/// Which pool thread runs the caller (0-based), if any: the lane its work is drawn on.
pub fn worker_index() -> Option<usize> {
    rayon::current_thread_index()
}
