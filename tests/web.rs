//! The wasm side in a real browser (`wasm-pack test --headless --chrome`): threads on shared
//! memory, and processes on separate instances.
//!
//! The tests run in a dedicated worker, which may block (a page may not). Thread workers are
//! started from this worker before anything blocks, as `www/playground.js` does for a run.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use concurrency_playground::rt::{Ctx, RtError, thread};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(inline_js = r#"
// Starts `count` thread workers on this module's shared memory; resolves once each waits for
// a job. The worker is a blob module that imports this test's own glue (found next to this
// snippet) and enters `thread_worker_main`, as www/worker.js does on the page.
const glue = new URL('../../wasm-bindgen-test.js', import.meta.url).href;
const kept = []; // Firefox collects unreferenced workers that share memory
export function start_thread_workers(count, module, memory) {
  const source = `import init, * as wasm from ${JSON.stringify(glue)};
    self.onmessage = async ({ data }) => {
      await init({ module_or_path: data.module, memory: data.memory });
      wasm.thread_worker_main(data.index);
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: 'module' });
    kept.push(worker);
    worker.onmessage = ({ data }) => { if (data.type === 'pg:thread-ready') resolve(); };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ module, memory, index: 100 + kept.length });
  })));
}
// A process: a worker with its own instance and a fresh memory of its own (none is passed).
// Resolves to what `process_call` returned for each call, in order.
export function run_in_process(pid, calls) {
  const source = `import init, * as wasm from ${JSON.stringify(glue)};
    self.onmessage = async ({ data }) => {
      await init({ module_or_path: data.module });
      wasm.process_init(data.pid);
      postMessage({ answers: data.calls.map((call) => wasm.process_call(0, data.pid, 'child', call)) });
    };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: 'module' });
    kept.push(worker);
    worker.onmessage = ({ data }) => { if (data.answers) { worker.terminate(); resolve(data.answers); } };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ module: wasm_module(), pid, calls });
  });
}
let moduleForProcesses;
export function set_module(module) { moduleForProcesses = module; }
function wasm_module() { return moduleForProcesses; }
export function glue_url() { return glue; }
"#)]
extern "C" {
    fn start_thread_workers(count: u32, module: JsValue, memory: JsValue) -> js_sys::Promise;
    fn glue_url() -> String;
    fn run_in_process(pid: u32, calls: js_sys::Array) -> js_sys::Promise;
    fn set_module(module: JsValue);
}

async fn with_thread_workers(count: u32) {
    let started = start_thread_workers(count, wasm_bindgen::module(), wasm_bindgen::memory());
    JsFuture::from(started).await.unwrap_or_else(|e| panic!("thread workers did not start ({}): {e:?}", glue_url()));
}

/// Two threads add into one counter that only the main thread reads afterwards: the total
/// can only be 2 × 100000 if all three see the same memory.
#[wasm_bindgen_test]
async fn two_threads_on_shared_memory_add_into_one_counter() {
    with_thread_workers(2).await;
    let counter = Arc::new(AtomicU64::new(0));
    let (ctx, out) = Ctx::collecting();
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let counter = counter.clone();
            ctx.spawn_thread(&format!("adder-{i}"), move |ctx| {
                for _ in 0..100_000 {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                ctx.print(format!("adder-{i} done on {}", thread::worker_name()));
            })
            .expect("a waiting thread worker")
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(counter.load(Ordering::SeqCst), 200_000);
    let workers: std::collections::HashSet<String> =
        out.lines().iter().map(|l| l.split(" on ").nth(1).unwrap().to_string()).collect();
    assert_eq!(workers.len(), 2, "the two threads ran on two different workers: {workers:?}");
}

/// Panics abort in this build, so nothing unwinds; still `join` on a thread that panicked
/// returns the panic as an error, as on the host, and the joining thread goes on.
#[wasm_bindgen_test]
async fn join_on_a_panicked_thread_returns_the_panic_as_an_error() {
    with_thread_workers(1).await;
    let (ctx, _) = Ctx::collecting();
    let handle =
        ctx.spawn_thread("doomed", |_| -> u32 { panic!("boom in a worker") }).expect("a waiting thread worker");
    match handle.join() {
        Err(RtError::Panicked { lane, message }) => {
            assert_eq!(lane, "doomed");
            assert!(message.starts_with("boom in a worker at tests/web.rs:"), "{message}");
        }
        other => panic!("join should return the panic, got {other:?}"),
    }
}

/// The mutex and the atomic variants of the lock scenario are exact on real threads.
#[wasm_bindgen_test]
async fn the_lock_scenarios_mutex_and_atomic_are_exact_on_web_workers() {
    use concurrency_playground::scenarios::threading_lock::{Variant, race};
    with_thread_workers(2).await;
    let (ctx, _) = Ctx::collecting();
    for variant in [Variant::Mutex, Variant::Atomic] {
        assert_eq!(race(&ctx, variant, 2, 50_000).unwrap().total, 100_000, "{variant:?}");
    }
}

/// The no-lock race's ledger on Web Workers: expected - final == lost == the sum over every
/// store of (overwrote - read), whatever the threads did, for 2 to 4 threads.
#[wasm_bindgen_test]
async fn the_no_lock_ledger_accounts_for_every_lost_update_on_web_workers() {
    use concurrency_playground::scenarios::threading_lock::{Variant, race};
    with_thread_workers(4).await;
    let (ctx, _) = Ctx::collecting();
    for threads in [2, 3, 4, 2, 3, 4] {
        let outcome = race(&ctx, Variant::NoLock, threads, 50_000).unwrap();
        let ledger = outcome.ledger.expect("the no-lock race keeps books");
        assert_eq!(ledger.final_count, outcome.total);
        assert_eq!(ledger.expected - ledger.final_count, ledger.lost);
        assert_eq!(i128::from(ledger.lost), ledger.wiped_sum, "{threads} threads: {ledger:?}");
        assert_eq!(ledger.stores, threads as u64 * 50_000);
    }
}

/// A process is a separate instance: the global it bumps is its own, ours stays untouched,
/// and compute_heavy_task is exact there too.
#[wasm_bindgen_test]
async fn a_process_has_its_own_memory() {
    use concurrency_playground::scenarios::tasks::GLOBAL_COUNTER;
    GLOBAL_COUNTER.store(0, Ordering::SeqCst);
    set_module(wasm_bindgen::module());
    let calls: js_sys::Array =
        ["bump_global", "bump_global", "compute_heavy_task 1000000"].iter().map(|c| JsValue::from_str(c)).collect();
    let answers = JsFuture::from(run_in_process(4242, calls)).await.expect("the process ran");
    let answers: Vec<String> = js_sys::Array::from(&answers).iter().map(|v| v.as_string().unwrap()).collect();
    assert_eq!(answers, ["1", "2", "333332833333500000"]);
    assert_eq!(GLOBAL_COUNTER.load(Ordering::SeqCst), 0, "the parent's copy did not move");
}

/// rayon on Web Workers (wasm-bindgen-rayon's pool on this module and memory): the exact sum of
/// squares, split by work stealing, from this worker, which may block (the page may not).
#[cfg(feature = "rayon")]
#[wasm_bindgen_test]
async fn a_rayon_pool_on_web_workers_sums_exactly() {
    use concurrency_playground::rt::pool;
    use rayon::prelude::*;
    let threads = pool::start().await.expect("the pool starts");
    assert!(threads >= 1);
    let sum = pool::run(|| (0..1_000_000u64).into_par_iter().map(|i| u128::from(i) * u128::from(i)).sum::<u128>())
        .expect("no panic");
    assert_eq!(sum, 333_332_833_333_500_000);
    let workers =
        pool::run(|| (0..64).into_par_iter().map(|_| pool::worker_index().unwrap_or(usize::MAX)).collect::<Vec<_>>())
            .unwrap();
    assert!(workers.iter().all(|&w| w < threads), "every task ran on a pool thread: {workers:?}");
}

/// threading-interleave on two real thread workers: the learner's steps (here sent into the
/// run's input channel) drive a lost update, LOAD by LOAD and STORE by STORE, and each step
/// reports the register and the shared counter it left.
#[wasm_bindgen_test]
async fn stepping_two_thread_workers_through_a_lost_update() {
    use concurrency_playground::json::Json;
    use concurrency_playground::rt::{EventKind, input};
    use concurrency_playground::scenarios::threading_interleave::{SCENARIO, interleave};
    with_thread_workers(2).await;
    let given = [("k".to_string(), "1".to_string())];
    let params = concurrency_playground::params::validate(SCENARIO.params, &given).unwrap();
    let (send, mut inputs) = input::channel();
    // Both LOAD 0 before either STOREs: each STOREs 1.
    for step in ["1", "2", "1", "2", "1", "2"] {
        send.send(step);
    }
    let (ctx, out) = Ctx::collecting();
    interleave(&ctx, &params, &mut inputs).await.unwrap();
    let steps: Vec<String> = out
        .events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::View { view: "interleave-step", data, .. } => {
                let field = |name| data.field(name).and_then(Json::as_text).unwrap();
                Some(format!("{} {} r={} c={}", e.lane, field("op"), field("register"), field("counter")))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            "Thread-1 load r=0 c=0",
            "Thread-2 load r=0 c=0",
            "Thread-1 add r=1 c=0",
            "Thread-2 add r=1 c=0",
            "Thread-1 store r=1 c=1",
            "Thread-2 store r=1 c=1",
        ]
    );
    assert_eq!(out.lines(), ["Final counter: 1"]);
    // The threads ran on two different workers, not on this one.
    let workers: std::collections::HashSet<String> = out
        .events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::LaneStart { what } if e.lane.starts_with("Thread-") => Some(what),
            _ => None,
        })
        .collect();
    assert_eq!(workers.len(), 2, "{workers:?}");
}
