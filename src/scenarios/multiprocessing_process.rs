//! A process: a separate instance with memory of its own, started, then joined.
//!
//! ```python
//! import multiprocessing
//! import os
//!
//! # Bypasses the Global Interpreter Lock (GIL) by using separate memory spaces
//! def compute_heavy_task(n):
//!     print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
//!     return sum(i * i for i in range(n))
//!
//! if __name__ == "__main__":                              # required on Windows for multiprocessing
//!     p1 = multiprocessing.Process(target=compute_heavy_task, args=(10**6,))
//!     p1.start()                                          # starts a new Python instance
//!     p1.join()                                           # joins main process
//! ```
//!
//! In the browser `p1` is a Web Worker with its own instance of the compiled module and its
//! own memory. The call goes to it as a message, and so does the result. To show that the
//! memories really are separate, the child also adds one to a global counter; the parent's
//! copy of that global does not move.

use std::sync::atomic::Ordering;

use super::tasks::{Call, GLOBAL_COUNTER};
use super::{Scenario, TestParams};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, SpanState, clock};
use crate::value::Value;

pub static SCENARIO: Scenario = Scenario {
    id: "multiprocessing-process",
    title: "A process with memory of its own",
    seed_section: "Multiprocessing: Parallel Execution",
    from_seed: true,
    params: &[ParamSpec {
        name: "n",
        label: "compute_heavy_task(n)",
        kind: ParamKind::Int { min: 0, max: 1_000_000_000 },
        default: "10**6",
    }],
    check: None,
    needs_shared_memory: false,
    threads_needed: |_| 0,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params).await }),
    source_file: "multiprocessing_process.rs",
    more_source_files: &["tasks.rs"],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams { light: &[("n", "100000")], busy: &[("n", "10**9")] },
    python: include_str!("multiprocessing_process.py"),
    notice: "The child prints its own pid, and the global it changes is its own copy: the parent still reads 0, because processes share no memory. The result comes back as a message, not through a shared variable. The tan bar is the process starting: a worker with a fresh instance of the module. The first start on a page is the slowest (tens of ms, more than this small task); after it the playground keeps a spare worker warm, so later starts take a few ms.",
};

async fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let n = params.int("n");
    let waiting_since = clock::now_ms();
    let p1 = ctx.start_process("Process-1").await?; // py: p1.start()
    let result = p1.call(Call::ComputeHeavy(n)).await?; // py: p1 = multiprocessing.Process(target=compute_heavy_task
    let child_counter = p1.call(Call::BumpGlobal).await?;
    let pid = p1.pid();
    p1.exit(); // py: p1.join()
    ctx.span(SpanState::Join, waiting_since, "p1.start() to p1.join(): the parent waits for its child");
    let parent_counter = GLOBAL_COUNTER.load(Ordering::SeqCst);

    ctx.note(format!(
        "compute_heavy_task({n}) returned {result} in process {pid} (Process discards it; the playground shows it)"
    ));
    ctx.note(format!(
        "GLOBAL_COUNTER: the child added one and saw {child_counter}; in the parent it is {parent_counter}{}",
        if parent_counter == 0 { ": the child changed its own copy" } else { "" }
    ));
    Ok(Value::Int(result))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rt::backend::block_on;

    #[test]
    fn the_child_prints_its_pid_and_returns_the_exact_sum() {
        let (ctx, out) = Ctx::collecting();
        let params = crate::params::validate(SCENARIO.params, &[]).unwrap();
        let value = block_on(run(&ctx, &params)).unwrap();
        assert_eq!(value, Value::Int(333_332_833_333_500_000));
        let lines = out.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("Process ") && lines[0].ends_with(" calculating..."), "{lines:?}");
        // On the host a process is a thread, so the global is shared: isolation is checked in
        // the browser tests, where a process is a separate instance.
    }
}
