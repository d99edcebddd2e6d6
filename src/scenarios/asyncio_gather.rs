//! asyncio: coroutines that wait without blocking, run as tasks and gathered.
//!
//! ```python
//! import asyncio
//!
//! async def fetch_data(id):                               # defines a coroutine
//!     print(f"Task {id} starting...")
//!     await asyncio.sleep(1)                              # non-blocking wait (yields control to loop)
//!     print(f"Task {id} finished.")
//!     return {"id": id, "data": "success"}
//!
//! async def main():
//!     # schedule multiple coroutines at once
//!     task1 = asyncio.create_task(fetch_data(1))          # schedules execution
//!     task2 = asyncio.create_task(fetch_data(2))
//!
//!     res1 = await task1                                  # waits for specific task result
//!     res2 = await task2
//!
//!     # OR use gather for many tasks
//!     results = await asyncio.gather(fetch_data(3), fetch_data(4))
//!     print(results)
//!
//! asyncio.run(main())                                     # the seed leaves this commented out
//! ```
//!
//! Everything runs on one thread. `fetch_data` is an `async fn`; `create_task` schedules it
//! on the worker's JS event loop at once; `asyncio.sleep` awaits a `setTimeout` promise, so
//! while one task waits the others run. Two tasks that each wait 1 s take 1 s together.

use std::time::Duration;

use futures::future::join_all;

use super::{Scenario, TestParams};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, clock};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "asyncio-gather",
    title: "asyncio: tasks and gather",
    seed_section: "Asyncio: Async/Await Basics, Running Tasks Concurrently",
    from_seed: true,
    params: &[ParamSpec {
        name: "delay_ms",
        label: "asyncio.sleep in each task (ms)",
        kind: ParamKind::Int { min: 0, max: 10_000 },
        default: "1000",
    }],
    check: None,
    needs_shared_memory: false,
    threads_needed: |_| 0,
    run: |ctx, params| Box::pin(async move { main(ctx, &params).await }),
    source_file: "asyncio_gather.rs",
    more_source_files: &[],
    views: &[],
    actions: &[],
    predict: true,
    test_params: TestParams { light: &[("delay_ms", "50")], busy: &[("delay_ms", "300")] },
    python: include_str!("asyncio_gather.py"),
    notice: "gather takes one delay, not two (1 s, not 2 s, with the seed's numbers): while one task waits in asyncio.sleep the event loop runs the other, on the same single thread. Awaiting task1 and then task2 also takes one delay in all, because both were already running; on the timeline the main thread is suspended in await meanwhile.",
};

async fn fetch_data(ctx: Ctx, id: u128, delay: Duration) -> Value {
    // py: async def fetch_data(id):
    ctx.print(format!("Task {id} starting...")); // py: print(f"Task {id} starting...")
    ctx.sleep_async(delay).await; // py: await asyncio.sleep(1)
    ctx.print(format!("Task {id} finished.")); // py: print(f"Task {id} finished.")
    Value::Dict(vec![("id".into(), Value::Int(id)), ("data".into(), Value::Str("success".into()))])
}

async fn main(ctx: Ctx, params: &Params) -> Result<Value, RtError> {
    let delay = Duration::from_millis(params.int("delay_ms"));
    let started = clock::now_ms();

    let task1 = ctx.spawn_task("task1: fetch_data(1)", fetch_data(ctx.clone(), 1, delay)); // py: task1 = asyncio.create_task(fetch_data(1))
    let task2 = ctx.spawn_task("task2: fetch_data(2)", fetch_data(ctx.clone(), 2, delay)); // py: task2 = asyncio.create_task(fetch_data(2))
    let res1 = ctx.await_task("await task1", task1).await; // py: res1 = await task1
    let res2 = ctx.await_task("await task2", task2).await; // py: res2 = await task2
    let both_tasks_ms = clock::now_ms() - started;

    // gather wraps each coroutine in a task of its own, then waits for all of them.
    let gather = join_all([
        // py: results = await asyncio.gather(fetch_data(3), fetch_data(4))
        ctx.spawn_task("gather: fetch_data(3)", fetch_data(ctx.clone(), 3, delay)),
        ctx.spawn_task("gather: fetch_data(4)", fetch_data(ctx.clone(), 4, delay)),
    ]);
    let gathered = ctx.await_task("await asyncio.gather(...)", gather).await;
    let results = Value::List(gathered);
    ctx.print(results.py_repr()); // py: print(results)

    let total_ms = clock::now_ms() - started;
    ctx.note(format!("res1 = {}, res2 = {}", res1.py_repr(), res2.py_repr()));
    ctx.note(format!(
        "task1 and task2 took {} ms together, not 2 × {} ms: they waited at the same time",
        decimal(both_tasks_ms, 0),
        delay.as_millis()
    ));
    ctx.note(format!("main() took {} ms on one thread: two rounds of waits that overlap", decimal(total_ms, 0)));
    Ok(results)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rt::backend::block_on;

    #[test]
    fn prints_what_cpython_prints_in_the_same_order() {
        let (ctx, out) = Ctx::collecting();
        let params = crate::params::validate(SCENARIO.params, &[("delay_ms".into(), "20".into())]).unwrap();
        block_on(main(ctx, &params)).unwrap();
        assert_eq!(
            out.lines(),
            [
                "Task 1 starting...",
                "Task 2 starting...",
                "Task 1 finished.",
                "Task 2 finished.",
                "Task 3 starting...",
                "Task 4 starting...",
                "Task 3 finished.",
                "Task 4 finished.",
                "[{'id': 3, 'data': 'success'}, {'id': 4, 'data': 'success'}]",
            ]
        );
    }
}
