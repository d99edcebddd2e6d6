//! The browser backend of the platform layer: the only code that knows about Web Workers.
//!
//! The page's JS (`www/playground.js`) starts every worker; Rust owns the state. A run lives
//! in one *world*: a main worker (the Python program's main thread) and thread workers, all
//! instances of the module on one shared memory. Processes are workers with instances of
//! their own. Every worker posts its run's events straight to the page, so lines appear while
//! the program still runs, even when its main thread is blocked. Every message is defined in
//! `www/protocol.js` (see `protocol`).
//!
//! It provides the functions the host backend provides (listed in `host/mod.rs`).

pub mod processes;
pub mod protocol;
pub mod threads;

use std::cell::{Cell, RefCell};
use std::time::Duration;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

pub use self::processes::ProcessHandle;
pub use self::threads::{report_panics_to, start_thread};
use super::core::{Event, EventKind, RtError, Sink, current_lane, panic_message};

/// Milliseconds since the Unix epoch on the clock every worker shares.
pub fn now_ms() -> f64 {
    #[wasm_bindgen]
    extern "C" {
        type Performance;
        #[wasm_bindgen(thread_local_v2, js_name = performance)]
        static PERFORMANCE: Performance;
        #[wasm_bindgen(method)]
        fn now(this: &Performance) -> f64;
        #[wasm_bindgen(method, getter, js_name = timeOrigin)]
        fn time_origin(this: &Performance) -> f64;
    }

    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

pub fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(fut);
}

thread_local! {
    /// The run this worker's main program is running: its process calls are tagged with it.
    static CURRENT_RUN: Cell<u32> = const { Cell::new(0) };
}

/// Called by the main worker as a run begins.
pub fn begin_run(run_id: u32) {
    CURRENT_RUN.with(|r| r.set(run_id));
    crate::rt::input::begin(run_id);
}

/// Starts wasm-bindgen-rayon's pool on this memory, once: one Web Worker per hardware thread,
/// each an instance of this module on this memory. Its workers are started from here, the main
/// worker, so rayon never runs on the page.
#[cfg(feature = "rayon")]
pub async fn start_pool() -> Result<usize, RtError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Per memory: a world replaced after a Stop or a panic has a fresh memory, so a fresh pool.
    static THREADS: AtomicUsize = AtomicUsize::new(0);
    if THREADS.load(Ordering::SeqCst) == 0 {
        let threads = cpu_count();
        wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads))
            .await
            .map_err(|e| RtError::Unsupported(format!("the rayon pool could not start: {e:?}")))?;
        THREADS.store(threads, Ordering::SeqCst);
    }
    Ok(THREADS.load(Ordering::SeqCst))
}

/// The message of a panic on a pool thread that had no job to hand it to, if one happened.
#[cfg(feature = "rayon")]
pub fn pool_panic() -> Option<String> {
    threads::take_pool_panic()
}

pub async fn start_process(name: &str) -> Result<(ProcessHandle, u32), RtError> {
    processes::start(name).await
}

/// Sends the encoded call to the process (the closure is for the host, which has no process).
pub async fn call_process(
    process: &ProcessHandle,
    encoded: String,
    _run_here: Box<dyn FnOnce() -> Result<u128, String> + Send>,
) -> Result<u128, RtError> {
    processes::call(process, CURRENT_RUN.with(Cell::get), &encoded).await
}

pub fn exit_process(process: &ProcessHandle) {
    processes::exit(process);
}

thread_local! {
    static WORKER_NAME: RefCell<String> = RefCell::new("page".to_string());
}

/// Names this worker (e.g. "thread worker 2") for the timeline, and routes panics to the page.
pub fn init_worker(name: &str) {
    WORKER_NAME.with(|w| *w.borrow_mut() = name.to_string());
    std::panic::set_hook(Box::new(|info| {
        let message = panic_message(info.payload());
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        // Panics abort in this build, so these are the last things the worker does. A thread
        // started by `spawn` has a joiner to tell, and the run goes on without it, as in
        // Python and in Rust (the joiner puts the panic in the run's output); a panic anywhere
        // else ends the run.
        flush_events();
        match threads::take_panic_report() {
            Some(tell_joiner) => {
                threads::count_lost_worker();
                post(&protocol::thread_panic());
                tell_joiner(format!("{message}{location}"));
            }
            // A rayon pool thread: its messages would reach the main worker's Worker object
            // inside wasm-bindgen-rayon, not the page; the job waiting for the pool reads it.
            #[cfg(feature = "rayon")]
            None if rayon::current_thread_index().is_some() => {
                threads::count_lost_worker();
                threads::note_pool_panic(format!("{message}{location}"));
            }
            None => post(&protocol::panic(&current_lane(), &worker_name(), &format!("{message}{location}"))),
        }
    }));
}

pub fn worker_name() -> String {
    WORKER_NAME.with(|w| w.borrow().clone())
}

/// Posts `message` to the page from the worker this code runs on. Posting never waits for
/// the page, so a thread can print while its run's main thread is blocked in `join`.
pub fn post(message: &JsValue) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.post_message(message).expect("postMessage of a plain object cannot fail");
}

/// A plain JS object from (key, value) pairs.
pub fn message_object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        Reflect::set(&object, &JsValue::from_str(key), value).expect("setting a field of a fresh object");
    }
    object.into()
}

/// Posts a run's events to the page, from whichever worker emits them.
///
/// Printed lines go out at once, so the page shows them as they happen. Other events (a lane
/// starting, a span of sleep) wait in a per-thread buffer for the next line or the lane's end:
/// fewer messages, and no wake-up of the page's thread at the moment threads start racing.
/// A step a learner granted is urgent too (the page shows its state at once), and a buffer
/// older than `FLUSH_AFTER_MS` or longer than `FLUSH_AT` goes out with the next event, so a
/// long stream of samples shows progress, and what a Stop cuts off is at most that much.
pub struct PostSink {
    pub run_id: u32,
}

/// This thread's events not posted yet, the run they belong to, and when the first came.
struct Pending {
    run_id: u32,
    events: Vec<JsValue>,
    since_ms: f64,
}

const FLUSH_AFTER_MS: f64 = 100.0;
const FLUSH_AT: usize = 500;

thread_local! {
    static PENDING_EVENTS: RefCell<Pending> =
        const { RefCell::new(Pending { run_id: 0, events: Vec::new(), since_ms: 0.0 }) };
}

impl Sink for PostSink {
    fn emit(&self, event: Event) {
        let urgent = matches!(
            event.kind,
            EventKind::Line(_)
                | EventKind::Note(_)
                | EventKind::LaneEnd
                | EventKind::View { urgent: true, .. }
                | EventKind::Refused(_)
                | EventKind::AwaitingInput
        );
        let due = PENDING_EVENTS.with(|p| {
            let mut pending = p.borrow_mut();
            if pending.run_id != self.run_id {
                pending.events.clear(); // left over from an ended run
                pending.run_id = self.run_id;
            }
            if pending.events.is_empty() {
                pending.since_ms = event.t_ms;
            }
            pending.events.push(event_to_js(&event));
            pending.events.len() >= FLUSH_AT || event.t_ms - pending.since_ms >= FLUSH_AFTER_MS
        });
        if urgent || due {
            flush_events();
        }
    }
}

/// Posts this thread's buffered events, if any, as one message.
pub fn flush_events() {
    let (run_id, events) = PENDING_EVENTS.with(|p| {
        let mut pending = p.borrow_mut();
        (pending.run_id, pending.events.drain(..).collect::<Array>())
    });
    if events.length() > 0 {
        post(&protocol::events(run_id, events));
    }
}

/// An event as the JS API hands it out: `{ t, lane, kind, text?, state?, start?, label?,
/// view?, data? }`.
pub fn event_to_js(event: &Event) -> JsValue {
    let mut fields: Vec<(&str, JsValue)> = vec![("t", event.t_ms.into()), ("lane", event.lane.as_str().into())];
    match &event.kind {
        EventKind::Line(text) => fields.extend([("kind", "line".into()), ("text", text.as_str().into())]),
        EventKind::Note(text) => fields.extend([("kind", "note".into()), ("text", text.as_str().into())]),
        EventKind::LaneStart { what } => fields.extend([("kind", "lane-start".into()), ("what", what.as_str().into())]),
        EventKind::LaneEnd => fields.push(("kind", "lane-end".into())),
        EventKind::Marks { what, start_ms, count } => fields.extend([
            ("kind", "marks".into()),
            ("what", (*what).into()),
            ("start", (*start_ms).into()),
            ("count", (*count as f64).into()),
        ]),
        EventKind::Sample { what, x, value } => fields.extend([
            ("kind", "sample".into()),
            ("what", (*what).into()),
            ("x", (*x as f64).into()),
            ("value", (*value as f64).into()),
        ]),
        EventKind::View { view, data, text, .. } => fields.extend([
            ("kind", "view".into()),
            ("view", (*view).into()),
            // Parsed from its JSON text: one call across the boundary, not one per field.
            ("data", js_sys::JSON::parse(&data.text()).expect("the JSON writer writes JSON")),
            ("text", text.as_str().into()),
        ]),
        EventKind::Refused(text) => fields.extend([("kind", "refused".into()), ("text", text.as_str().into())]),
        EventKind::AwaitingInput => fields.push(("kind", "awaiting-input".into())),
        EventKind::Span { state, start_ms, label } => fields.extend([
            ("kind", "span".into()),
            ("state", state.name().into()),
            ("start", (*start_ms).into()),
            ("label", label.as_str().into()),
        ]),
    }
    message_object(&fields)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: f64) -> JsValue;

    type Navigator;
    #[wasm_bindgen(thread_local_v2, js_name = navigator)]
    static NAVIGATOR: Navigator;
    #[wasm_bindgen(method, getter, js_name = hardwareConcurrency)]
    fn hardware_concurrency(this: &Navigator) -> f64;
}

/// `navigator.hardwareConcurrency`, at least 1.
pub fn cpu_count() -> usize {
    NAVIGATOR.with(|n| n.hardware_concurrency()).max(1.0) as usize
}

/// A promise that `setTimeout` resolves: the browser's event loop does the waiting.
pub async fn timer(duration: Duration) {
    let ms = duration.as_secs_f64() * 1000.0;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("a timer promise never rejects");
}
