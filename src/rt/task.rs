//! Async tasks on one thread, for asyncio: `spawn` is `create_task`, `sleep` is
//! `asyncio.sleep`, and awaiting a `Task` is `await task`.
//!
//! The event loop is the backend's: in the browser the worker's own JS event loop (futures
//! driven by `wasm-bindgen-futures`, `sleep` on a promise that `setTimeout` resolves); on the
//! host a single-threaded local executor (`backend::block_on`) and a timer thread.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::channel::oneshot;

/// A scheduled task; awaiting it gives its result, as `await task` does in Python.
pub struct Task<T> {
    result: oneshot::Receiver<T>,
}

impl<T> Future for Task<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.result)
            .poll(cx)
            .map(|r| r.expect("a task was dropped before it finished: its executor stopped"))
    }
}

/// Runs `fut` as its own task on this thread's event loop, starting at the loop's next turn
/// (as `asyncio.create_task` does), with `lane` as the lane of everything it prints.
pub fn spawn<T: 'static>(lane: String, fut: impl Future<Output = T> + 'static) -> Task<T> {
    let (send, result) = oneshot::channel();
    let task = WithLane {
        lane,
        fut: Box::pin(async move {
            // The receiver may be gone if nobody awaits the task; that is not an error.
            let _ = send.send(fut.await);
        }),
    };
    super::backend::spawn_local(task);
    Task { result }
}

/// Polls the inner future with its lane set, so prints inside a task name that task even
/// though every task shares one thread.
struct WithLane {
    lane: String,
    fut: Pin<Box<dyn Future<Output = ()>>>,
}

impl Future for WithLane {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let outer = super::set_lane(self.lane.clone());
        let poll = self.fut.as_mut().poll(cx);
        super::set_lane(outer);
        poll
    }
}

/// Waits `duration` without blocking the thread: other tasks run meanwhile. A zero duration
/// only lets the other ready tasks run first, as `asyncio.sleep(0)` does: no timer.
pub async fn sleep(duration: Duration) {
    if duration.is_zero() {
        return yield_now().await;
    }
    super::backend::timer(duration).await;
}

/// Gives way once: pending the first time it is polled (after asking to be polled again).
async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}
