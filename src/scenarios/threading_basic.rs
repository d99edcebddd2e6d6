//! Basic threading: one thread prints while the main thread waits for it.
//!
//! ```python
//! import threading
//! import time
//!
//! def print_numbers():
//!     for i in range(5):
//!         time.sleep(0.1)                                 # simulates I/O (waiting)
//!         print(f"Thread: {i}")
//!
//! t1 = threading.Thread(target=print_numbers)             # creates thread object
//! t1.start()                                              # launches the thread
//! t1.join()                                               # waits for thread to finish before continuing
//! ```
//!
//! In the browser `t1` is a Web Worker sharing the module's memory; its `sleep` blocks that
//! worker only, and `join` blocks the run's main thread, itself a worker, never the page.

use std::time::Duration;

use super::{Scenario, TestParams};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "threading-basic",
    title: "A thread that sleeps, and join",
    seed_section: "Threading: Basic Threading",
    from_seed: true,
    params: &[
        ParamSpec { name: "count", label: "numbers printed", kind: ParamKind::Int { min: 0, max: 50 }, default: "5" },
        ParamSpec {
            name: "delay_ms",
            label: "sleep before each (ms)",
            kind: ParamKind::Int { min: 0, max: 2_000 },
            default: "100",
        },
    ],
    check: None,
    needs_shared_memory: true,
    threads_needed: |_| 1,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params) }),
    source_file: "threading_basic.rs",
    more_source_files: &[],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams {
        light: &[("count", "3"), ("delay_ms", "10")],
        busy: &[("count", "10"), ("delay_ms", "50")],
    },
    python: include_str!("threading_basic.py"),
    notice: "The lines arrive one by one, delay_ms apart (100 ms with the seed's values), while the main \
             thread sits in join(): sleep blocks only the thread that calls it. The main thread waits the \
             whole time because join() waits for Thread-1 to finish.",
};

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let count = params.int("count");
    let delay = Duration::from_millis(params.int("delay_ms"));

    let print_numbers = move |ctx: &Ctx| {
        for i in 0..count {
            // py: for i in range(5):
            ctx.sleep(delay); // py: time.sleep(0.1)
            ctx.print(format!("Thread: {i}")); // py: print(f"Thread: {i}")
        }
    };
    let started = crate::rt::clock::now_ms();
    let t1 = ctx.spawn_thread("Thread-1 (print_numbers)", print_numbers)?; // py: t1.start()
    t1.join()?; // py: t1.join()
    ctx.note(format!(
        "t1.join() returned after {} ms: the main thread waited while Thread-1 slept {count} × {} ms",
        decimal(crate::rt::clock::now_ms() - started, 0),
        delay.as_millis()
    ));
    Ok(Value::None)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::params::validate;

    #[test]
    fn prints_the_seeds_lines_from_the_thread() {
        let (ctx, out) = Ctx::collecting();
        let params = validate(SCENARIO.params, &[("delay_ms".into(), "1".into())]).unwrap();
        run(&ctx, &params).unwrap();
        assert_eq!(out.lines(), ["Thread: 0", "Thread: 1", "Thread: 2", "Thread: 3", "Thread: 4"]);
        let lanes: Vec<String> = out
            .events()
            .into_iter()
            .filter(|e| matches!(e.kind, crate::rt::EventKind::Line(_)))
            .map(|e| e.lane)
            .collect();
        assert!(lanes.iter().all(|l| l == "Thread-1 (print_numbers)"), "{lanes:?}");
    }
}
