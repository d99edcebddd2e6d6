//! Threads: `spawn` runs a closure on a thread of its own, `JoinHandle::join` waits for it.
//!
//! On the host a thread is a std thread. In the browser it is a Web Worker that shares the
//! module's memory (see `browser::threads`); `std::thread::spawn` cannot do that there.
//! Both hand a finished result to the joiner through the same slot.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::core::Publish;
use super::{Ctx, EventKind, RtError, SpanState, backend, panic_message};

/// Which worker (browser) or OS thread (host) the caller runs on, for the timeline.
pub use super::backend::worker_name;

/// Where a thread (or a rayon job, `super::pool`) leaves its result or its panic message for
/// the one waiting for it.
pub(super) struct Slot<T> {
    pub(super) result: Mutex<Option<Result<T, String>>>,
    pub(super) finished: Condvar,
}

impl<T> Slot<T> {
    pub(super) fn new() -> Slot<T> {
        Slot { result: Mutex::new(None), finished: Condvar::new() }
    }

    pub(super) fn fill(&self, result: Result<T, String>) {
        *self.result.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
        self.finished.notify_all();
    }
}

/// A started thread; `join` waits for it like Python's `Thread.join`.
pub struct JoinHandle<T> {
    name: String,
    slot: Arc<Slot<T>>,
    /// Where to report the time `join` waited, for the timeline.
    ctx: Option<Ctx>,
}

impl<T> JoinHandle<T> {
    /// Waits until the thread has finished and returns what it returned, or why it failed.
    /// Blocks the calling thread: in the browser that is always a worker, never the page.
    pub fn join(self) -> Result<T, RtError> {
        let start_ms = super::clock::now_ms();
        let mut result = self.slot.result.lock().unwrap();
        let mut waited = false;
        let done = loop {
            if let Some(done) = result.take() {
                break done;
            }
            waited = true;
            result = self.slot.finished.wait(result).unwrap();
        };
        drop(result);
        if let Some(ctx) = &self.ctx {
            if waited {
                ctx.span(SpanState::Join, start_ms, format!("{}.join()", self.name));
            }
            if let Err(message) = &done {
                // What Rust's default hook prints to stderr, in the run's output; and the
                // thread's lane ends here, since its worker died before it could say so.
                ctx.note(format!("thread '{}' panicked: {message}", self.name));
                ctx.emit_on(&self.name, EventKind::LaneEnd);
            }
        }
        done.map_err(|message| RtError::Panicked { lane: self.name, message })
    }

    /// Reports the time `join` waits to `ctx`'s timeline.
    pub(crate) fn reporting_to(mut self, ctx: Ctx) -> Self {
        self.ctx = Some(ctx);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Starts `f` on a thread of its own, now. Fails at once (never waits) if no thread can be had.
pub fn spawn<T, F>(name: &str, f: F) -> Result<JoinHandle<T>, RtError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Slot::new());
    let filled = slot.clone();
    // The job runs `f` and returns how to hand its result over (see `Job`).
    let job = move || -> Publish {
        // In the browser a panic aborts (that build has no unwinding), so `catch_unwind` below
        // never returns an error there. Instead the worker's panic hook hands the message to
        // the joiner just before the worker dies; on the host the guard does nothing.
        let _panics_go_to_join = {
            let slot = filled.clone();
            backend::report_panics_to(Box::new(move |message| slot.fill(Err(message))))
        };
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| panic_message(&*payload));
        Box::new(move || filled.fill(result))
    };
    backend::start_thread(name, Box::new(job))?;
    Ok(JoinHandle { name: name.to_string(), slot, ctx: None })
}

/// `time.sleep`: blocks the calling thread. In the browser that works only in a worker,
/// which is where every scenario's threads and main program run.
pub fn sleep(duration: Duration) {
    std::thread::sleep(duration);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_returns_the_threads_result() {
        let h = spawn("adder", || 40 + 2).unwrap();
        assert_eq!(h.join(), Ok(42));
    }

    #[test]
    fn join_on_a_panicked_thread_is_an_error_with_the_message() {
        let h = spawn("doomed", || -> u32 { panic!("boom at step 3") }).unwrap();
        assert_eq!(h.join(), Err(RtError::Panicked { lane: "doomed".into(), message: "boom at step 3".into() }));
    }

    #[test]
    fn threads_share_memory() {
        let counter = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let c = counter.clone();
                spawn(&format!("t{i}"), move || {
                    c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                })
                .unwrap()
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(counter.load(std::sync::atomic::Ordering::SeqCst), 4);
    }
}
