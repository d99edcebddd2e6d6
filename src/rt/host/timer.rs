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
