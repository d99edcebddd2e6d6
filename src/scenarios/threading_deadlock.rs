//! Deadlock: two threads take two locks in opposite order, and each waits for the other.
//!
//! ```python
//! import threading, time
//!
//! lock1, lock2 = threading.Lock(), threading.Lock()
//!
//! def a():
//!     with lock1:
//!         time.sleep(0.05)
//!         with lock2:               # held by b, which waits for lock1: neither moves again
//!             print("A has both locks")
//!
//! def b():
//!     with lock2:                   # with ordered locks: `with lock1:` first, like a()
//!         time.sleep(0.05)
//!         with lock1:
//!             print("B has both locks")
//!
//! threads = [threading.Thread(target=a), threading.Thread(target=b)]
//! for t in threads: t.start()
//! for t in threads: t.join()        # hangs for ever in Python
//! ```
//!
//! The locks here record who holds them and who waits for what. A watchdog on the main thread
//! looks at that record: when the waits form a cycle and nothing has changed for
//! `watchdog_ms`, it names the cycle and stops the run by waking the waiting threads with an
//! error (Python cannot do that; its program just hangs). With `ordered` on, both threads
//! take lock1 before lock2: no cycle can form, and the run completes.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::Scenario;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, SpanState, clock, current_lane};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "threading-deadlock",
    title: "Deadlock, caught by a watchdog",
    seed_section: "Threading: Race Conditions & Locks (what locks can do wrong)",
    from_seed: false,
    params: &[
        ParamSpec { name: "ordered", label: "both threads take lock1 first", kind: ParamKind::Bool, default: "false" },
        ParamSpec {
            name: "watchdog_ms",
            label: "watchdog: stop after no progress for (ms)",
            kind: ParamKind::Int { min: 100, max: 10_000 },
            default: "500",
        },
    ],
    check: None,
    needs_shared_memory: true,
    needs_rayon: false,
    threads_needed: |_| 2,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params) }),
    source_file: "threading_deadlock.rs",
    more_source_files: &[],
    views: &[],
    actions: &[],
    notice: "Each thread holds one lock and waits for the other's: a cycle, so neither can ever move. \
             Taking the locks in one agreed order (lock1, then lock2, everywhere) makes a cycle impossible. \
             Python has no watchdog: its program would simply hang at join().",
};

/// Who holds which lock and who waits for which, shared by the locks and the watchdog.
#[derive(Default)]
struct Record {
    holder: HashMap<&'static str, String>,
    waiting_for: HashMap<String, &'static str>,
    /// Bumped on every acquire and release: unchanged means nobody moved.
    progress: u64,
    /// Set by the watchdog: waiting threads give up with this message.
    stopped: Option<String>,
    /// Threads that have left `take_both`, either way.
    finished: usize,
}

#[derive(Default)]
struct Locks {
    record: Mutex<Record>,
    changed: Condvar,
}

impl Locks {
    /// `with lock:` entry: waits until `lock` is free (or the watchdog stops the run).
    fn acquire(&self, ctx: &Ctx, lock: &'static str) -> Result<(), String> {
        let me = current_lane();
        let start_ms = clock::now_ms();
        let mut record = self.record.lock().unwrap();
        let mut waited = false;
        let outcome = loop {
            // Once the watchdog has stopped the run, nobody takes a lock any more, even one
            // that has just been freed by a thread giving up.
            if let Some(why) = &record.stopped {
                break Err(why.clone());
            }
            if !record.holder.contains_key(lock) {
                record.holder.insert(lock, me.clone());
                record.progress += 1;
                break Ok(());
            }
            record.waiting_for.insert(me.clone(), lock);
            waited = true;
            record = self.changed.wait(record).unwrap();
        };
        record.waiting_for.remove(&me);
        drop(record);
        if waited {
            ctx.span(SpanState::LockWait, start_ms, format!("waiting for {lock}"));
        }
        outcome
    }

    fn release(&self, lock: &'static str) {
        let mut record = self.record.lock().unwrap();
        record.holder.remove(lock);
        record.progress += 1;
        self.changed.notify_all();
    }

    /// A cycle of waits, if there is one: "Thread-A holds lock1 and waits for lock2; ...".
    fn cycle(record: &Record) -> Option<String> {
        // Follow "waits for a lock held by" from each waiting thread; a walk that comes back to
        // where it started is a cycle. A walk that ends (a lock just freed) or loops elsewhere
        // proves nothing about its start: try the next one.
        'starts: for start in record.waiting_for.keys() {
            let mut thread = start.clone();
            let mut steps = Vec::new();
            while let Some(&lock) = record.waiting_for.get(&thread) {
                let Some(holder) = record.holder.get(lock).cloned() else { continue 'starts };
                let held: Vec<&str> = record.holder.iter().filter(|(_, h)| **h == thread).map(|(l, _)| *l).collect();
                steps.push(format!("{thread} holds {} and waits for {lock}", held.join(", ")));
                if holder == *start {
                    return Some(steps.join("; "));
                }
                if steps.len() > record.waiting_for.len() {
                    continue 'starts;
                }
                thread = holder;
            }
        }
        None
    }

    fn finish(&self) {
        self.record.lock().unwrap().finished += 1;
        self.changed.notify_all();
    }
}

/// One thread: take `first`, sleep so the other thread takes its first lock, take `second`.
fn take_both(ctx: &Ctx, locks: &Locks, first: &'static str, second: &'static str) -> Result<(), String> {
    locks.acquire(ctx, first)?; // py: with lock1:
    ctx.sleep(Duration::from_millis(50)); // py: time.sleep(0.05)
    let outcome = locks.acquire(ctx, second).map(|()| {
        // py: with lock2:
        ctx.print(format!("{} has both locks", current_lane().trim_start_matches("Thread-")));
        locks.release(second);
    });
    locks.release(first);
    outcome
}

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let ordered = params.flag("ordered");
    let watchdog_ms = params.int("watchdog_ms") as f64;
    let locks = Arc::new(Locks::default());
    let order_b = if ordered { ("lock1", "lock2") } else { ("lock2", "lock1") };
    let handles = [("Thread-A", ("lock1", "lock2")), ("Thread-B", order_b)]
        .into_iter()
        .map(|(name, (first, second))| {
            let locks = locks.clone();
            ctx.spawn_thread(name, move |ctx| {
                let outcome = take_both(ctx, &locks, first, second);
                locks.finish();
                outcome
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    // The watchdog: wake on every change, or every 50 ms, and look for a cycle that has not
    // moved for `watchdog_ms`.
    let watching_since = clock::now_ms();
    let mut last_progress = (u64::MAX, clock::now_ms());
    let mut record = locks.record.lock().unwrap();
    loop {
        if record.finished == 2 || record.stopped.is_some() {
            break;
        }
        if record.progress != last_progress.0 {
            last_progress = (record.progress, clock::now_ms());
        } else if clock::now_ms() - last_progress.1 >= watchdog_ms
            && let Some(cycle) = Locks::cycle(&record)
        {
            ctx.note(format!("watchdog: no thread moved for {} ms. Deadlock: {cycle}", decimal(watchdog_ms, 0)));
            record.stopped = Some(format!("stopped by the watchdog: {cycle}"));
            locks.changed.notify_all();
            break;
        }
        record = locks.changed.wait_timeout(record, Duration::from_millis(50)).unwrap().0;
    }
    drop(record);
    ctx.span(SpanState::Wait, watching_since, "the watchdog watches the locks");

    let outcomes: Vec<Result<(), String>> = handles.into_iter().map(|h| h.join()).collect::<Result<_, _>>()?; // py: for t in threads: t.join()
    match outcomes.iter().find_map(|o| o.as_ref().err()) {
        Some(why) => Err(RtError::Deadlock(why.clone())),
        None => {
            ctx.note("both threads took both locks, in one order: no cycle could form");
            Ok(Value::None)
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn params(ordered: &str) -> Params {
        let given = [("ordered".to_string(), ordered.to_string()), ("watchdog_ms".to_string(), "200".to_string())];
        crate::params::validate(SCENARIO.params, &given).unwrap()
    }

    #[test]
    fn opposite_order_deadlocks_and_the_watchdog_names_the_cycle() {
        let (ctx, _) = Ctx::collecting();
        let Err(RtError::Deadlock(why)) = run(&ctx, &params("false")) else { panic!("expected a deadlock") };
        assert!(why.contains("holds lock1 and waits for lock2"), "{why}");
        assert!(why.contains("holds lock2 and waits for lock1"), "{why}");
    }

    #[test]
    fn ordered_locks_complete() {
        let (ctx, out) = Ctx::collecting();
        run(&ctx, &params("true")).unwrap();
        let mut lines = out.lines();
        lines.sort();
        assert_eq!(lines, ["A has both locks", "B has both locks"]);
    }
}
