//! A pool of processes maps a function over a list.
//!
//! ```python
//! def compute_heavy_task(n):
//!     print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
//!     return sum(i * i for i in range(n))
//!
//! if __name__ == "__main__":
//!     with multiprocessing.Pool(processes=4) as pool:     # creates a pool of 4 workers
//!         results = pool.map(compute_heavy_task, [10**6, 10**7, 10**8]) # distributes tasks
//! ```
//!
//! Each pool worker is a process: a Web Worker with its own instance and memory. A worker
//! takes the next input as soon as it is free, so a fourth worker may get nothing to do;
//! the results come back in the order of the inputs however the tasks finish. The sums are
//! exact (u128), as Python's ints are: 333333328333333350000000 does not fit in 64 bits.

use super::tasks::Call;
use super::{Scenario, TestParams};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::process::pool_map;
use crate::rt::{Ctx, RtError};
use crate::value::Value;

/// The pool's parameters; `rayon-pool`, which answers this program, takes the same.
pub const POOL_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "processes",
        label: "worker processes in the pool",
        kind: ParamKind::Int { min: 1, max: 16 },
        default: "4",
    },
    ParamSpec {
        name: "inputs",
        label: "n of each compute_heavy_task",
        kind: ParamKind::IntList { min: 0, max: 1_000_000_000, min_len: 1, max_len: 16 },
        default: "10**6, 10**7, 10**8",
    },
];

pub static SCENARIO: Scenario = Scenario {
    id: "multiprocessing-pool",
    title: "A pool of processes",
    seed_section: "Multiprocessing: Using a Pool",
    from_seed: true,
    params: POOL_PARAMS,
    check: None,
    needs_shared_memory: false,
    threads_needed: |_| 0,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params).await }),
    source_file: "multiprocessing_pool.rs",
    more_source_files: &["tasks.rs"],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams {
        light: &[("processes", "2"), ("inputs", "10**5, 10**6, 10**6")],
        busy: &[("processes", "2"), ("inputs", "10**9, 10**9")],
    },
    python: include_str!("multiprocessing_pool.py"),
    notice: "Each task runs in one of the pool's processes, in parallel; results come back in the order of the inputs however they finish. A pool of 4 with 3 tasks leaves one worker idle. The pool's processes start first (tan bars), and the main thread waits in map() until the last result is back. The sums are exact: Python's ints, like Rust's u128 here, do not overflow.",
};

async fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let processes = params.int("processes") as usize;
    let calls: Vec<Call> = params.int_list("inputs").iter().map(|&n| Call::ComputeHeavy(n)).collect();
    let results = pool_map(ctx, "PoolWorker", processes, &calls).await?; // py: results = pool.map(compute_heavy_task
    for (call, mapped) in calls.iter().zip(&results) {
        let Call::ComputeHeavy(n) = call else { unreachable!("only compute_heavy_task is mapped") };
        ctx.note(format!("compute_heavy_task({n}) = {} in process {}, {} ms", mapped.value, mapped.pid, mapped.ms));
    }
    let value = Value::list_of_ints(results.iter().map(|m| m.value));
    ctx.note(format!("results = {}", value.py_repr()));
    Ok(value)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rt::backend::block_on;

    #[test]
    fn results_are_exact_and_in_input_order() {
        let (ctx, out) = Ctx::collecting();
        let given = [("inputs".to_string(), "10**7, 10**6, 3".to_string())];
        let params = crate::params::validate(SCENARIO.params, &given).unwrap();
        let value = block_on(run(&ctx, &params)).unwrap();
        assert_eq!(value, Value::list_of_ints([333_333_283_333_335_000_000, 333_332_833_333_500_000, 5]));
        assert_eq!(out.lines().len(), 3, "one line per task");
        assert!(out.lines().iter().all(|l| l.ends_with(" calculating...")));
    }
}
