//! The platform layer: everything a scenario needs to run Python-shaped programs.
//!
//! Scenarios call only this module: spawn and join a thread, sleep, read the clock, print a
//! line, run an async task, start a process. Three layers, each depending only on those
//! before it:
//!
//! * [`core`]: the shared vocabulary (events, span states, errors, a thread's job); depends
//!   on nothing;
//! * a backend, chosen once, below: `browser` (a thread is a Web Worker sharing the module's
//!   memory, a process a Web Worker with its *own* instance and memory, a task a future on the
//!   worker's JS event loop, printing a message to the page) or `host` (std threads, a std
//!   thread standing in for a process, a small local executor, printing into a `Vec`, so
//!   `cargo test` checks every scenario's logic without a browser);
//! * the portable API: [`Ctx`], [`thread`], [`process`], [`task`], [`clock`].
//!
//! Only the browser backend knows about Web Workers; the scenarios read the same on both.

pub mod clock;
pub mod core;
pub mod input;
#[cfg(feature = "rayon")]
pub mod pool;
pub mod process;
pub mod task;
pub mod thread;

// The one place the target picks the backend. Both expose the same functions (see
// `host/mod.rs` for the list); nothing else in `rt` names a target.
#[cfg(target_arch = "wasm32")]
#[path = "browser/mod.rs"]
pub mod backend;
#[cfg(not(target_arch = "wasm32"))]
#[path = "host/mod.rs"]
pub mod backend;

use std::sync::Arc;
use std::time::Duration;

pub use self::core::{Collect, Event, EventKind, Job, RtError, Sink, SpanState, current_lane, panic_message, set_lane};

/// A run's handle to the platform: printing, threads, sleeping, tasks and processes.
/// Cheap to clone; clones go into the threads and tasks the run starts.
#[derive(Clone)]
pub struct Ctx {
    sink: Arc<dyn Sink>,
}

impl Ctx {
    pub fn new(sink: Arc<dyn Sink>) -> Ctx {
        Ctx { sink }
    }

    /// A context that collects its events, and the collector to read them back.
    pub fn collecting() -> (Ctx, Arc<Collect>) {
        let collect = Arc::new(Collect::default());
        (Ctx::new(collect.clone()), collect)
    }

    /// Records `kind` on the lane this code runs for.
    pub fn emit(&self, kind: EventKind) {
        self.sink.emit(Event { t_ms: clock::now_ms(), lane: current_lane(), kind });
    }

    /// Records `kind` on another lane, e.g. a process's start seen from its parent.
    pub fn emit_on(&self, lane: &str, kind: EventKind) {
        self.sink.emit(Event { t_ms: clock::now_ms(), lane: lane.to_string(), kind });
    }

    /// Python's `print`: a line of the program's own output.
    pub fn print(&self, text: impl Into<String>) {
        self.emit(EventKind::Line(text.into()));
    }

    /// A line the playground adds, shown apart from the program's output.
    pub fn note(&self, text: impl Into<String>) {
        self.emit(EventKind::Note(text.into()));
    }

    /// Records that this lane spent `start_ms` until now in `state`.
    pub fn span(&self, state: SpanState, start_ms: f64, label: impl Into<String>) {
        self.emit(EventKind::Span { state, start_ms, label: label.into() });
    }

    /// Records a stretch that ended at `end_ms`, reported later (e.g. lock waits, gathered
    /// while a thread races and reported once it is done).
    pub fn span_ended(&self, state: SpanState, start_ms: f64, end_ms: f64, label: impl Into<String>) {
        let kind = EventKind::Span { state, start_ms, label: label.into() };
        self.sink.emit(Event { t_ms: end_ms, lane: current_lane(), kind });
    }

    /// Records what happened on another lane at `t_ms`, measured elsewhere (e.g. by a rayon
    /// pool thread, whose own events could not reach the page) and reported now.
    pub fn emit_at(&self, lane: &str, t_ms: f64, kind: EventKind) {
        self.sink.emit(Event { t_ms, lane: lane.to_string(), kind });
    }

    /// A context whose events go nowhere: for runs repeated hundreds of times, where only
    /// their results count.
    pub fn discarding() -> Ctx {
        struct Discard;
        impl Sink for Discard {
            fn emit(&self, _: Event) {}
        }
        Ctx::new(Arc::new(Discard))
    }

    /// `time.sleep`: blocks this thread (never the page) and records the span.
    pub fn sleep(&self, duration: Duration) {
        let start_ms = clock::now_ms();
        thread::sleep(duration);
        self.span(SpanState::Sleep, start_ms, format!("time.sleep({})", python_seconds(duration)));
    }

    /// `await asyncio.sleep`: suspends this task on a timer, leaving the thread free.
    pub async fn sleep_async(&self, duration: Duration) {
        let start_ms = clock::now_ms();
        task::sleep(duration).await;
        self.span(SpanState::Await, start_ms, format!("asyncio.sleep({})", python_seconds(duration)));
    }

    /// `await task` or `await asyncio.gather(...)`: awaits `future`, and draws the time this
    /// coroutine was suspended waiting for it on the timeline.
    pub async fn await_task<T>(&self, label: &str, future: impl Future<Output = T>) -> T {
        let start_ms = clock::now_ms();
        let output = future.await;
        self.span(SpanState::AwaitTask, start_ms, label);
        output
    }

    /// `threading.Thread(target=f, name=name).start()`: runs `f` on its own thread now. `f`
    /// gets the thread's own handle to the platform, so a scenario never clones one by hand.
    pub fn spawn_thread<T, F>(&self, name: &str, f: F) -> Result<thread::JoinHandle<T>, RtError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> T + Send + 'static,
    {
        let ctx = self.clone();
        let lane = name.to_string();
        let handle = thread::spawn(name, move || {
            set_lane(lane);
            ctx.emit(EventKind::LaneStart { what: format!("thread on {}", backend::worker_name()) });
            let result = f(&ctx);
            ctx.emit(EventKind::LaneEnd);
            result
        })?;
        Ok(handle.reporting_to(self.clone()))
    }

    /// `asyncio.create_task(coro)`: schedules the coroutine at once on this thread's loop.
    pub fn spawn_task<T, F>(&self, name: &str, fut: F) -> task::Task<T>
    where
        T: 'static,
        F: std::future::Future<Output = T> + 'static,
    {
        let ctx = self.clone();
        task::spawn(name.to_string(), async move {
            ctx.emit(EventKind::LaneStart { what: "task".to_string() });
            let result = fut.await;
            ctx.emit(EventKind::LaneEnd);
            result
        })
    }

    /// `multiprocessing.Process(...)`: a new process with its own memory, ready for calls.
    pub async fn start_process(&self, name: &str) -> Result<process::Process, RtError> {
        process::Process::start(self.clone(), name).await
    }
}

/// Python's `os.cpu_count()`: the hardware threads the browser (or host) offers.
pub fn cpu_count() -> usize {
    backend::cpu_count()
}

/// A duration in seconds as the Python it ports writes it (`0.1`, `1`, `0.0005`), for the
/// timeline's labels. Integers only: formatting a float, or a `Duration` with `{:?}`, adds
/// kilobytes to the module every page loads first.
pub fn python_seconds(duration: Duration) -> String {
    let micros = duration.as_micros();
    let (whole, fraction) = (micros / 1_000_000, micros % 1_000_000);
    if fraction == 0 {
        return whole.to_string();
    }
    let digits = format!("{fraction:06}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_reads_as_the_seconds_python_writes() {
        let cases = [(100_000, "0.1"), (1_000_000, "1"), (2_500_000, "2.5"), (500, "0.0005"), (0, "0")];
        for (micros, python) in cases {
            assert_eq!(python_seconds(Duration::from_micros(micros)), python);
        }
    }
}
