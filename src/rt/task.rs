//! Async tasks on one thread, for asyncio: `spawn` is `create_task`, `sleep` is
//! `asyncio.sleep`, and awaiting a `Task` is `await task`.
//!
//! In the browser the event loop is the worker's own JS event loop: tasks are futures driven
//! by `wasm-bindgen-futures`, and `sleep` awaits a promise resolved by `setTimeout`. On the
//! host `block_on` runs a single-threaded local executor, and a timer thread resolves sleeps.

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
    spawn_local(task);
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
    #[cfg(target_arch = "wasm32")]
    super::browser::timer(duration).await;
    #[cfg(not(target_arch = "wasm32"))]
    native_timer::sleep(duration).await;
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

#[cfg(target_arch = "wasm32")]
fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(fut);
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static SPAWNER: std::cell::RefCell<Option<futures::executor::LocalSpawner>> =
        const { std::cell::RefCell::new(None) };
}

#[cfg(not(target_arch = "wasm32"))]
fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    use futures::task::LocalSpawnExt;
    SPAWNER.with(|s| {
        s.borrow()
            .as_ref()
            .expect("spawn called outside block_on: there is no event loop on this thread")
            .spawn_local(fut)
            .expect("the local executor has shut down")
    });
}

/// Runs `fut` to completion on a local event loop on this thread, like `asyncio.run`,
/// and returns its output. Host only: the browser's worker has its own event loop.
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<T>(fut: impl Future<Output = T>) -> T {
    let mut pool = futures::executor::LocalPool::new();
    let previous = SPAWNER.with(|s| s.replace(Some(pool.spawner())));
    let out = pool.run_until(fut);
    SPAWNER.with(|s| *s.borrow_mut() = previous);
    out
}

#[cfg(not(target_arch = "wasm32"))]
mod native_timer {
    //! One thread that wakes sleeping tasks when their deadline passes.

    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use std::sync::{Arc, Condvar, Mutex, OnceLock};
    use std::time::{Duration, Instant};

    use futures::channel::oneshot;

    struct Due {
        at: Instant,
        seq: u64,
        wake: oneshot::Sender<()>,
    }

    impl PartialEq for Due {
        fn eq(&self, other: &Self) -> bool {
            (self.at, self.seq) == (other.at, other.seq)
        }
    }
    impl Eq for Due {}
    impl PartialOrd for Due {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Due {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            (self.at, self.seq).cmp(&(other.at, other.seq))
        }
    }

    #[derive(Default)]
    struct Timers {
        heap: Mutex<(BinaryHeap<Reverse<Due>>, u64)>,
        changed: Condvar,
    }

    fn timers() -> &'static Arc<Timers> {
        static TIMERS: OnceLock<Arc<Timers>> = OnceLock::new();
        TIMERS.get_or_init(|| {
            let timers = Arc::new(Timers::default());
            let worker = timers.clone();
            std::thread::Builder::new()
                .name("timer".into())
                .spawn(move || run(&worker))
                .expect("cannot start the timer thread");
            timers
        })
    }

    fn run(timers: &Timers) {
        let mut state = timers.heap.lock().unwrap();
        loop {
            let now = Instant::now();
            while state.0.peek().is_some_and(|Reverse(d)| d.at <= now) {
                let Reverse(due) = state.0.pop().unwrap();
                let _ = due.wake.send(());
            }
            state = match state.0.peek() {
                Some(Reverse(next)) => {
                    let wait = next.at - now;
                    timers.changed.wait_timeout(state, wait).unwrap().0
                }
                None => timers.changed.wait(state).unwrap(),
            };
        }
    }

    pub async fn sleep(duration: Duration) {
        let (wake, woken) = oneshot::channel();
        {
            let timers = timers();
            let mut state = timers.heap.lock().unwrap();
            state.1 += 1;
            let seq = state.1;
            state.0.push(Reverse(Due { at: Instant::now() + duration, seq, wake }));
            timers.changed.notify_one();
        }
        let _ = woken.await;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn tasks_run_concurrently_on_one_thread() {
        let start = Instant::now();
        let total = block_on(async {
            let a = spawn("a".into(), async {
                sleep(Duration::from_millis(200)).await;
                1
            });
            let b = spawn("b".into(), async {
                sleep(Duration::from_millis(200)).await;
                2
            });
            a.await + b.await
        });
        assert_eq!(total, 3);
        let elapsed = start.elapsed();
        // One after the other they would take at least 400 ms, whatever the machine's load.
        assert!(elapsed < Duration::from_millis(400), "the two sleeps did not overlap: {elapsed:?}");
    }

    #[test]
    fn a_task_prints_under_its_own_lane() {
        let lane = block_on(async { spawn("Task-7".into(), async { super::super::current_lane() }).await });
        assert_eq!(lane, "Task-7");
    }
}
