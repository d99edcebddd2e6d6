//! The vocabulary every part of the runtime shares: events, span states, sinks, errors, the
//! job a thread runs, and the lane code runs for. It depends on nothing else in the crate but
//! the JSON a lesson's view data is written in, so the two backends (`host`, `browser`) and
//! the portable API above them can all use it without depending on each other. It knows no
//! lesson: what one lesson alone shows travels as a `View` event.

use std::cell::RefCell;
use std::fmt;
use std::sync::Mutex;

use crate::json::Json;

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
    /// A stretch of time in one state, reported when it ends at `t_ms`.
    Span {
        state: SpanState,
        start_ms: f64,
        label: String,
    },
    /// `count` things of one kind (`what`, e.g. "lost-updates") happened on this lane between
    /// `start_ms` and `t_ms`: where along time they fell, which a bar alone cannot show.
    Marks {
        what: &'static str,
        start_ms: f64,
        count: u64,
    },
    /// One measured value of a series (`what`, e.g. a repeated run's final counter), sent as
    /// it is measured, so what was measured before a Stop is kept.
    Sample {
        what: &'static str,
        x: u64,
        value: u64,
    },
    /// Live data for a lesson's own view, carried by the runtime without being read: `view`
    /// names the kind of data (e.g. "interleave-step"), which the lesson's views in
    /// `www/lessons/` pick out; `data` holds its fields; `text` says in one line what happened
    /// (the replay reads it out). `urgent`: the learner is waiting for it (a step they
    /// granted), so it is posted at once rather than with the next batch.
    View {
        view: &'static str,
        data: Json,
        text: String,
        urgent: bool,
    },
    /// The program refused an input the learner sent it, and says why; nothing else happened.
    Refused(String),
    /// The program waits for the learner's next input from now on: the learner's time, not the
    /// program's. The wait ends with the `Input` span this lane reports when the input comes;
    /// the page stops the run's clock in between and cuts the wait out of the timeline.
    AwaitingInput,
}

/// The states a lane can spend time in. The names reach the page (`spanStates()` of the JS
/// API), which colours bars by them and shows the labels in the legend: this enum is their one
/// source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanState {
    Run,
    Sleep,
    Await,
    AwaitTask,
    Join,
    MapWait,
    Start,
    Wait,
    LockWait,
    GilWait,
    /// A thread parked at a turnstile until it is granted a step (threading-interleave).
    Parked,
    /// A main thread waiting for the learner's next input.
    Input,
}

impl SpanState {
    pub const ALL: [SpanState; 12] = [
        SpanState::Run,
        SpanState::Sleep,
        SpanState::Await,
        SpanState::AwaitTask,
        SpanState::Join,
        SpanState::MapWait,
        SpanState::Start,
        SpanState::Wait,
        SpanState::LockWait,
        SpanState::GilWait,
        SpanState::Parked,
        SpanState::Input,
    ];

    /// The name in events, CSS classes (`state-lock-wait`) and the JS API.
    pub fn name(self) -> &'static str {
        match self {
            SpanState::Run => "run",
            SpanState::Sleep => "sleep",
            SpanState::Await => "await",
            SpanState::AwaitTask => "await-task",
            SpanState::Join => "join",
            SpanState::MapWait => "map-wait",
            SpanState::Start => "start",
            SpanState::Wait => "wait",
            SpanState::LockWait => "lock-wait",
            SpanState::GilWait => "gil-wait",
            SpanState::Parked => "parked",
            SpanState::Input => "input",
        }
    }

    /// What a learner reads in the legend and in a bar's details.
    pub fn label(self) -> &'static str {
        match self {
            SpanState::Run => "running",
            SpanState::Sleep => "sleeping (time.sleep)",
            SpanState::Await => "awaiting (asyncio.sleep)",
            SpanState::AwaitTask => "awaiting a task (await, gather)",
            SpanState::Join => "waiting in join()",
            SpanState::MapWait => "waiting for the pool (map)",
            SpanState::Start => "starting a process or the interpreter",
            SpanState::Wait => "at the start line",
            SpanState::LockWait => "waiting for a lock",
            SpanState::GilWait => "waiting for the GIL",
            SpanState::Parked => "parked until granted a step",
            SpanState::Input => "waiting for your step (cut out: not to scale)",
        }
    }

    /// A wait that happens *inside* a running stretch (a lock or the GIL): drawn as a thinner
    /// bar over the running bar rather than beside it.
    pub fn is_overlay(self) -> bool {
        matches!(self, SpanState::LockWait | SpanState::GilWait)
    }
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
        self.texts(|kind| matches!(kind, EventKind::Line(_)))
    }

    /// The lines the playground added, in order.
    pub fn notes(&self) -> Vec<String> {
        self.texts(|kind| matches!(kind, EventKind::Note(_)))
    }

    fn texts(&self, wanted: impl Fn(&EventKind) -> bool) -> Vec<String> {
        self.events()
            .into_iter()
            .filter(|e| wanted(&e.kind))
            .filter_map(|e| match e.kind {
                EventKind::Line(text) | EventKind::Note(text) => Some(text),
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

/// Work for a thread: runs the thread's body and returns the step that publishes its result.
/// A browser thread worker counts itself free again *before* publishing, so a thread spawned
/// right after `join` returns always finds a free worker.
pub type Job = Box<dyn FnOnce() -> Publish + Send>;
pub type Publish = Box<dyn FnOnce() + Send>;

/// Where a thread's panic message goes when the thread cannot return it (the browser build
/// aborts on panic): to the thread's `join`.
pub type PanicReport = Box<dyn FnOnce(String) + Send>;

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-text payload".to_string())
}

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
