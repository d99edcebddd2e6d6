//! The platform layer: everything a scenario needs to run Python-shaped programs.
//!
//! Scenarios call only this module: spawn and join a thread, sleep, read the clock, print a
//! line, run an async task, start a process. There are two implementations behind it:
//!
//! * in the browser (`browser`): a thread is a Web Worker that shares the module's memory,
//!   a process is a Web Worker with its *own* instance of the module and its own memory, a
//!   task is a future on the worker's JS event loop, and printing posts a message to the page;
//! * on the host: std threads, a std thread standing in for a process, a small
//!   local executor, and printing into a `Vec`, so `cargo test` can check every scenario's
//!   logic without a browser.
//!
//! Only this module knows about Web Workers; the scenarios read the same on both.

pub mod clock;
pub mod process;
pub mod task;
pub mod thread;

#[cfg(target_arch = "wasm32")]
pub mod browser;

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One thing that happened during a run, stamped with the shared clock and the lane (thread,
/// process or task) it happened on. The page draws lines and the timeline from these.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Milliseconds on the shared clock (`performance.timeOrigin + performance.now()` in the
    /// browser), so events of different workers line up.
    pub t_ms: f64,
    pub lane: String,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A line the Python program prints.
    Line(String),
    /// A line the playground adds: a timing, lost updates, a result the seed only assigns.
    Note(String),
    /// A lane starts; `what` says what kind of lane ("thread", "process", "task") and on
    /// which worker it runs.
    LaneStart {
        what: String,
    },
    LaneEnd,
    /// A stretch of time in one state (e.g. "sleep"), reported when it ends at `t_ms`.
    Span {
        state: &'static str,
        start_ms: f64,
        label: String,
    },
}

/// Where a run's events go: posted to the page in the browser, collected in tests.
pub trait Sink: Send + Sync {
    fn emit(&self, event: Event);
}

/// A sink that keeps every event, for host tests and native benchmarks.
#[derive(Default)]
pub struct Collect(Mutex<Vec<Event>>);

impl Collect {
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// The printed lines (what Python would print), in order.
    pub fn lines(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Line(text) => Some(text),
                _ => None,
            })
            .collect()
    }
}

impl Sink for Collect {
    fn emit(&self, event: Event) {
        self.0.lock().unwrap().push(event);
    }
}

/// Why the platform could not do what a scenario asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RtError {
    /// Every thread worker is busy: the page starts as many as the scenario said it needs.
    NoFreeWorker,
    /// The thread (or task) panicked; the message is the panic's.
    Panicked { lane: String, message: String },
    /// A process could not be started or failed.
    Process(String),
    /// This browser context cannot do it (e.g. threads without cross-origin isolation).
    Unsupported(String),
    /// Threads waited for each other in a cycle; a watchdog stopped them.
    Deadlock(String),
}

impl fmt::Display for RtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RtError::NoFreeWorker => {
                f.write_str("no free thread worker: the scenario started more threads than it declared")
            }
            RtError::Panicked { lane, message } => write!(f, "{lane} panicked: {message}"),
            RtError::Process(message) => write!(f, "process failed: {message}"),
            RtError::Unsupported(message) => f.write_str(message),
            RtError::Deadlock(message) => write!(f, "deadlock, {message}"),
        }
    }
}

impl std::error::Error for RtError {}

thread_local! {
    /// The lane code on this thread is running for. Threads set it when they start; async
    /// tasks swap it in while they are polled.
    static LANE: RefCell<String> = RefCell::new("MainThread".to_string());
}

pub fn current_lane() -> String {
    LANE.with(|l| l.borrow().clone())
}

/// Sets this thread's lane and returns the previous one.
pub fn set_lane(lane: String) -> String {
    LANE.with(|l| l.replace(lane))
}

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

    pub fn emit(&self, kind: EventKind) {
        self.sink.emit(Event { t_ms: clock::now_ms(), lane: current_lane(), kind });
    }

    /// Python's `print`: a line of the program's own output.
    pub fn print(&self, text: impl Into<String>) {
        self.emit(EventKind::Line(text.into()));
    }

    /// A line the playground adds, shown apart from the program's output.
    pub fn note(&self, text: impl Into<String>) {
        self.emit(EventKind::Note(text.into()));
    }

    /// `time.sleep`: blocks this thread (never the page) and records the span.
    pub fn sleep(&self, duration: Duration) {
        let start_ms = clock::now_ms();
        thread::sleep(duration);
        self.span("sleep", start_ms, format!("sleep({:?})", duration));
    }

    /// `await asyncio.sleep`: suspends this task on a timer, leaving the thread free.
    pub async fn sleep_async(&self, duration: Duration) {
        let start_ms = clock::now_ms();
        task::sleep(duration).await;
        self.span("await", start_ms, format!("asyncio.sleep({:?})", duration));
    }

    /// `await task` or `await asyncio.gather(...)`: awaits `future`, and draws the time this
    /// coroutine was suspended waiting for it on the timeline.
    pub async fn await_task<T>(&self, label: &str, future: impl Future<Output = T>) -> T {
        let start_ms = clock::now_ms();
        let output = future.await;
        self.span("await-task", start_ms, label);
        output
    }

    /// `threading.Thread(target=f, name=name).start()`: runs `f` on its own thread now.
    pub fn spawn_thread<T, F>(&self, name: &str, f: F) -> Result<thread::JoinHandle<T>, RtError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let ctx = self.clone();
        let lane = name.to_string();
        let handle = thread::spawn(name, move || {
            set_lane(lane);
            ctx.emit(EventKind::LaneStart { what: format!("thread on {}", thread::worker_name()) });
            let result = f();
            ctx.emit(EventKind::LaneEnd);
            result
        })?;
        Ok(handle.reporting_to(self.clone()))
    }

    /// Records that this lane spent `start_ms` until now in `state` (e.g. "lock-wait").
    pub fn span(&self, state: &'static str, start_ms: f64, label: impl Into<String>) {
        self.emit(EventKind::Span { state, start_ms, label: label.into() });
    }

    /// `asyncio.create_task(coro)`: schedules the coroutine at once on this thread's loop.
    pub fn spawn_task<T, F>(&self, name: &str, fut: F) -> task::Task<T>
    where
        T: 'static,
        F: std::future::Future<Output = T> + 'static,
    {
        let ctx = self.clone();
        let lane = name.to_string();
        task::spawn(lane, async move {
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
    #[cfg(target_arch = "wasm32")]
    {
        browser::hardware_concurrency()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    }
}
