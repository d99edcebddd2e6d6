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
//!
//! "Step the threads yourself" (`STEP`) runs the same two threads, but each parks before each
//! of its four steps (acquire, acquire, release, release) until the learner grants it one. A
//! granted acquire of a held lock really waits; after every grant the main thread looks for
//! the cycle and names it the moment it closes.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::{Action, Scenario, TestParams, lesson_program};
use crate::json::Json;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::input::{self, Inputs};
use crate::rt::thread::JoinHandle;
use crate::rt::{Ctx, EventKind, RtError, SpanState, clock, current_lane};
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
    threads_needed: |_| 2,
    run: lesson_program!(|ctx, params| Box::pin(async move { run(&ctx, &params) })),
    source_file: "threading_deadlock.rs",
    more_source_files: &[],
    views: &[],
    actions: &[STEP],
    predict: false,
    test_params: TestParams { light: &[("ordered", "1")], busy: &[("ordered", "0")] },
    python: "",
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
    /// Step mode only: who may take a step, who is parked, and what each step did.
    steps: Option<Steps>,
}

/// The learner's grants and the threads' reports, in step mode. Kept in the locks' own record
/// (one mutex, one condvar) so the main thread can see at one glance when every thread has
/// stopped moving: parked, waiting for a held lock, or finished.
#[derive(Default)]
struct Steps {
    /// Steps granted to each thread and not taken yet.
    granted: HashMap<String, u32>,
    /// Threads parked before their next step.
    parked: HashSet<String>,
    /// Threads that have taken all their steps (or given up).
    done: HashSet<String>,
    /// Every step done, in order: (thread, op, lock, outcome).
    reports: Vec<(String, &'static str, &'static str, &'static str)>,
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
                let outcome = if waited { "took-after-waiting" } else { "took" };
                if let Some(steps) = &mut record.steps {
                    steps.reports.push((me.clone(), "acquire", lock, outcome));
                    self.changed.notify_all();
                }
                break Ok(());
            }
            if !waited && let Some(steps) = &mut record.steps {
                steps.reports.push((me.clone(), "acquire", lock, "waiting"));
                self.changed.notify_all();
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
        let me = current_lane();
        if let Some(steps) = &mut record.steps {
            steps.reports.push((me, "release", lock, "released"));
        }
        self.changed.notify_all();
    }

    /// A cycle of waits, if there is one: "Thread-A holds lock1 and waits for lock2; ...".
    fn cycle(record: &Record) -> Option<String> {
        // Follow "waits for a lock held by" from each waiting thread; a walk that comes back to
        // where it started is a cycle. A walk that ends (a lock just freed) or loops elsewhere
        // proves nothing about its start: try the next one.
        // By name, so the same cycle is always named from the same thread (Thread-A first).
        let mut starts: Vec<&String> = record.waiting_for.keys().collect();
        super::sort_short(&mut starts, |&name| name);
        'starts: for start in starts {
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
        let mut record = self.record.lock().unwrap();
        record.finished += 1;
        let me = current_lane();
        if let Some(steps) = &mut record.steps {
            steps.parked.remove(&me);
            steps.done.insert(me);
        }
        self.changed.notify_all();
    }

    /// Step mode, a thread's side: parks until the learner grants this thread a step (or the
    /// run is stopped: then the thread gives up with the reason).
    fn park(&self, ctx: &Ctx, next: &str) -> Result<(), String> {
        let me = current_lane();
        let parked_ms = clock::now_ms();
        let mut record = self.record.lock().unwrap();
        record.steps.as_mut().expect("step mode").parked.insert(me.clone());
        self.changed.notify_all();
        let outcome = loop {
            if let Some(why) = &record.stopped {
                break Err(why.clone());
            }
            let steps = record.steps.as_mut().expect("step mode");
            let granted = steps.granted.entry(me.clone()).or_default();
            if *granted > 0 {
                *granted -= 1;
                break Ok(());
            }
            record = self.changed.wait(record).unwrap();
        };
        record.steps.as_mut().expect("step mode").parked.remove(&me);
        drop(record);
        ctx.span(SpanState::Parked, parked_ms, format!("parked before: {next}"));
        outcome
    }

    /// Step mode, the main thread's side: grants `thread` one step and waits until every
    /// thread has stopped moving again (parked, waiting for a held lock, or finished); returns
    /// the steps reported meanwhile (the granted one, and a waiter's take of a lock it freed).
    fn grant(&self, thread: &str, threads: &[&str]) -> Vec<(String, &'static str, &'static str, &'static str)> {
        let mut record = self.record.lock().unwrap();
        let steps = record.steps.as_mut().expect("step mode");
        let before = steps.reports.len();
        *steps.granted.entry(thread.to_string()).or_default() += 1;
        self.changed.notify_all();
        loop {
            let steps = record.steps.as_ref().expect("step mode");
            let still = |t: &str| {
                steps.done.contains(t)
                    || (steps.parked.contains(t) && steps.granted.get(t).copied().unwrap_or(0) == 0)
                    || record.waiting_for.get(t).is_some_and(|lock| record.holder.get(lock).is_some_and(|h| h != t))
            };
            if steps.reports.len() > before && threads.iter().all(|t| still(t)) {
                return steps.reports[before..].to_vec();
            }
            record = self.changed.wait(record).unwrap();
        }
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

/// "Step the threads yourself": the learner grants each thread its steps.
pub const STEP: Action = Action {
    name: "step",
    label: "Step the threads yourself",
    description: "Starts Thread-A and Thread-B as real threads, each parked before each of its steps: acquire its \
                  first lock, acquire its second, release the second, release the first. You grant them one step \
                  at a time. An acquire of a lock the other thread holds makes the thread really wait for it; \
                  the moment the waits form a cycle, it is named and the run ends.",
    params: &[
        ParamSpec { name: "ordered", label: "both threads take lock1 first", kind: ParamKind::Bool, default: "false" },
        ParamSpec {
            name: "schedule",
            label: "steps to replay first, 1 for Thread-A and 2 for Thread-B (may be empty)",
            kind: ParamKind::IntList { min: 1, max: 2, min_len: 0, max_len: 8 },
            default: "",
        },
    ],
    check: None,
    threads_needed: |_| 2,
    run: lesson_program!(|ctx, params| {
        Box::pin(async move {
            let mut inputs = input::for_this_run();
            step_mode(&ctx, &params, &mut inputs).await
        })
    }),
    views: &["deadlock-steps"],
};

const THREADS: [&str; 2] = ["Thread-A", "Thread-B"];

/// A thread's four steps in its own order: (op, lock).
fn plan(first: &'static str, second: &'static str) -> [(&'static str, &'static str); 4] {
    [("acquire", first), ("acquire", second), ("release", second), ("release", first)]
}

fn step_name((op, lock): (&str, &str)) -> String {
    format!("{op} {lock}")
}

/// One thread in step mode: `with first: with second: print(...)`, parked before each step.
fn take_both_stepping(ctx: &Ctx, locks: &Locks, first: &'static str, second: &'static str) -> Result<(), String> {
    let [a1, a2, r2, r1] = plan(first, second);
    locks.park(ctx, &step_name(a1))?;
    locks.acquire(ctx, first)?; // py: with lock1:
    let inner = (|| {
        locks.park(ctx, &step_name(a2))?;
        locks.acquire(ctx, second)?; // py: with lock2:
        ctx.print(format!("{} has both locks", current_lane().trim_start_matches("Thread-")));
        let parked = locks.park(ctx, &step_name(r2));
        locks.release(second);
        parked
    })();
    // A thread that gave up still lets go of what it holds (`with` does), without a step.
    let parked = inner.and_then(|()| locks.park(ctx, &step_name(r1)));
    locks.release(first);
    parked
}

/// Which thread an input names: "A", "B", "1", "2" or "Thread-A"; or why it is refused.
fn read_grant(
    text: &str,
    taken: &HashMap<&str, usize>,
    waiting: &HashMap<String, &'static str>,
) -> Result<usize, String> {
    let text = text.trim();
    let shown: String = text.chars().take(20).collect();
    let name = text.strip_prefix("Thread-").unwrap_or(text);
    let thread = match name.to_ascii_uppercase().as_str() {
        "A" | "1" => 0,
        "B" | "2" => 1,
        _ => return Err(format!("{shown:?} is not a step: send a thread, A or B (or 1 or 2)")),
    };
    let lane = THREADS[thread];
    if let Some(lock) = waiting.get(lane) {
        return Err(format!("{lane} is waiting for {lock}: it can take no step until it holds it"));
    }
    if taken[lane] == 4 {
        return Err(format!("{lane} has finished: it took all its 4 steps. Grant the other thread a step."));
    }
    Ok(thread)
}

/// One lock step a thread took: `op` "acquire" or "release"; `outcome` what came of it
/// ("took": the lock was free; "waiting": it is held, the thread now waits for it;
/// "took-after-waiting": the lock was freed and the waiting thread took it; "released");
/// `next` the thread's next step (`None`: it has finished). `step` counts the run's granted
/// steps from 1; a "took-after-waiting" shares the number of the step that freed the lock.
struct LockStep<'a> {
    step: u32,
    lane: &'a str,
    op: &'static str,
    lock: &'static str,
    outcome: &'static str,
    next: Option<String>,
}

/// The event the steps view (www/lessons/threading-deadlock/deadlock-steps.js) redraws its
/// locks and threads from.
fn lock_step_event(s: LockStep) -> EventKind {
    let text = format!("step {}: {} {} {}: {}", s.step, s.lane, s.op, s.lock, s.outcome.replace('-', " "));
    let data = Json::Object(vec![
        ("step", Some(u64::from(s.step).into())),
        ("op", Some(s.op.into())),
        ("lock", Some(s.lock.into())),
        ("outcome", Some(s.outcome.into())),
        ("next", Some(s.next.unwrap_or_else(|| "done".into()).into())),
    ]);
    EventKind::View { view: "lock-step", data, text, urgent: true }
}

/// Step mode: grants the steps the learner sends until both threads finish or their waits
/// form a cycle (named; the run ends done, with the cycle in its value: reaching it is the
/// exercise). A `schedule` is replayed first. Inputs that end (a host
/// run without a page) stop the threads.
pub async fn step_mode(ctx: &Ctx, params: &Params, inputs: &mut Inputs) -> Result<Value, RtError> {
    let ordered = params.flag("ordered");
    let locks = Arc::new(Locks::default());
    locks.record.lock().unwrap().steps = Some(Steps::default());
    let order_b = if ordered { ("lock1", "lock2") } else { ("lock2", "lock1") };
    let orders = [("lock1", "lock2"), order_b];
    let handles = spawn_stepping_threads(ctx, &locks, orders)?;
    ctx.note(format!(
        "Thread-A and Thread-B are real threads, each parked before its first step. Thread-A: {}. Thread-B: {}. Grant them steps.",
        plan(orders[0].0, orders[0].1).map(step_name).join(", "),
        plan(orders[1].0, orders[1].1).map(step_name).join(", "),
    ));
    let mut taken: HashMap<&str, usize> = THREADS.iter().map(|t| (*t, 0)).collect();
    let mut step: u32 = 0;
    let mut schedule = String::new();
    let mut deadlock = None;
    // The steps of the schedule first (Undo replays all but the last step), then the learner's.
    let mut replay: VecDeque<String> = params.int_list("schedule").iter().map(u64::to_string).collect();
    while taken.values().any(|&n| n < 4) {
        let sent = match replay.pop_front() {
            Some(step) => Some(step),
            None => inputs.next_from_learner(ctx).await,
        };
        let Some(text) = sent else {
            stop(&locks, "no more steps were granted");
            ctx.note("No more steps were granted: the threads were stopped where they stood.");
            break;
        };
        let waiting = locks.record.lock().unwrap().waiting_for.clone();
        let thread = match read_grant(&text, &taken, &waiting) {
            Ok(thread) => thread,
            Err(why) => {
                ctx.emit(EventKind::Refused(why));
                continue;
            }
        };
        step += 1;
        schedule.push(if thread == 0 { 'A' } else { 'B' });
        grant_step(ctx, &locks, THREADS[thread], step, &mut taken, &orders);
        let record = locks.record.lock().unwrap();
        if let Some(cycle) = Locks::cycle(&record) {
            drop(record);
            ctx.note(format!("Deadlock after step {step}: {cycle}. Neither thread can ever move again."));
            stop(&locks, &format!("the waits formed a cycle: {cycle}"));
            deadlock = Some(cycle);
            break;
        }
    }
    let outcomes: Vec<Result<(), String>> = handles.into_iter().map(|h| h.join()).collect::<Result<_, _>>()?; // py: for t in threads: t.join()
    if let Some(cycle) = deadlock {
        // The exercise's goal, reached: the run ends done, with the cycle in its value (the
        // watchdog's deadlock in the plain run is an error: nobody was trying for it there).
        return Ok(Value::Dict(vec![
            ("schedule".into(), Value::Str(schedule)),
            ("deadlock".into(), Value::Str(cycle)),
        ]));
    }
    if outcomes.iter().all(Result::is_ok) {
        ctx.note(if ordered {
            "Both threads took both locks, in one order: no schedule can make a cycle".to_string()
        } else {
            format!("Both threads took both locks: the schedule {schedule} let one thread take both before the other took its first")
        });
    }
    Ok(Value::Dict(vec![("schedule".into(), Value::Str(schedule))]))
}

/// Thread-A and Thread-B, each taking its two locks in its `orders` one step at a time.
fn spawn_stepping_threads(
    ctx: &Ctx,
    locks: &Arc<Locks>,
    orders: [(&'static str, &'static str); 2],
) -> Result<Vec<JoinHandle<Result<(), String>>>, RtError> {
    let mut handles = Vec::new();
    for (name, (first, second)) in THREADS.into_iter().zip(orders) {
        let spawned = {
            let locks = locks.clone();
            // py: threads = [threading.Thread(target=a), threading.Thread(target=b)]
            ctx.spawn_thread(name, move |ctx| {
                let outcome = take_both_stepping(ctx, &locks, first, second);
                locks.finish();
                outcome
            })
        };
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                stop(locks, "the run could not start its threads");
                return Err(e);
            }
        }
    }
    Ok(handles)
}

/// Grants `thread` its next step (numbered `step`) and shows what came of it: its own step,
/// and a waiting thread's that took the lock this step freed.
fn grant_step(
    ctx: &Ctx,
    locks: &Locks,
    thread: &str,
    step: u32,
    taken: &mut HashMap<&str, usize>,
    orders: &[(&'static str, &'static str); 2],
) {
    for (lane, op, lock, outcome) in locks.grant(thread, &THREADS) {
        // A thread that is now waiting has not finished its step: it takes the lock later.
        if outcome != "waiting" {
            *taken.get_mut(lane.as_str()).unwrap() += 1;
        }
        let i = THREADS.iter().position(|t| *t == lane).unwrap();
        let [first, second] = [orders[i].0, orders[i].1];
        let next = plan(first, second).get(taken[lane.as_str()]).map(|&s| step_name(s));
        let next = if outcome == "waiting" { Some(format!("acquire {lock}")) } else { next };
        ctx.emit_on(&lane, lock_step_event(LockStep { step, lane: &lane, op, lock, outcome, next }));
    }
}

/// Ends a step-mode run: waiting and parked threads give up with `why` and end.
fn stop(locks: &Locks, why: &str) {
    locks.record.lock().unwrap().stopped = Some(why.to_string());
    locks.changed.notify_all();
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

    fn step_params(ordered: &str) -> Params {
        crate::params::validate(STEP.params, &[("ordered".to_string(), ordered.to_string())]).unwrap()
    }

    /// Runs step mode with `grants` sent, and then no more input.
    fn stepped(ordered: &str, grants: &[&str]) -> (Result<Value, RtError>, Arc<crate::rt::core::Collect>) {
        let (ctx, out) = Ctx::collecting();
        let (send, mut inputs) = input::channel();
        for g in grants {
            send.send(*g);
        }
        drop(send);
        (crate::rt::backend::block_on(step_mode(&ctx, &step_params(ordered), &mut inputs)), out)
    }

    /// The schedule and the cycle of a step-mode run that reached the deadlock, its goal.
    fn deadlock_of(result: Result<Value, RtError>) -> (String, String) {
        let Ok(Value::Dict(fields)) = &result else { panic!("expected a value: {result:?}") };
        let text = |name: &str| match fields.iter().find(|(n, _)| n == name) {
            Some((_, Value::Str(s))) => s.clone(),
            _ => panic!("no {name} in {result:?}"),
        };
        (text("schedule"), text("deadlock"))
    }

    fn is_deadlock(result: &Result<Value, RtError>) -> bool {
        matches!(result, Ok(Value::Dict(fields)) if fields.iter().any(|(n, _)| n == "deadlock"))
    }

    #[test]
    fn a_schedule_is_replayed_before_the_learner_steps() {
        let (ctx, out) = Ctx::collecting();
        let given = [("schedule".to_string(), "1, 2, 1".to_string())];
        let params = crate::params::validate(STEP.params, &given).unwrap();
        let (send, mut inputs) = input::channel();
        send.send("B");
        drop(send);
        let (schedule, _) = deadlock_of(crate::rt::backend::block_on(step_mode(&ctx, &params, &mut inputs)));
        assert_eq!(schedule, "ABAB");
        assert_eq!(lock_steps(&out).len(), 4);
    }

    fn lock_steps(out: &crate::rt::core::Collect) -> Vec<String> {
        out.events()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::View { view: "lock-step", data, .. } => {
                    let field = |name| data.field(name).and_then(Json::as_text).unwrap();
                    let [step, op, lock, outcome, next] = ["step", "op", "lock", "outcome", "next"].map(field);
                    Some(format!("{step} {} {op} {lock} {outcome}, next {next}", e.lane))
                }
                EventKind::Refused(why) => Some(format!("refused: {why}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn stepping_into_the_cycle_names_it_the_moment_it_closes() {
        let (result, out) = stepped("false", &["A", "B", "A", "1", "2", "1"]);
        let (schedule, why) = deadlock_of(result);
        assert_eq!(schedule, "ABAB");
        assert!(why.starts_with("Thread-A holds lock1 and waits for lock2"), "{why}");
        assert_eq!(
            lock_steps(&out),
            [
                "1 Thread-A acquire lock1 took, next acquire lock2",
                "2 Thread-B acquire lock2 took, next acquire lock1",
                "3 Thread-A acquire lock2 waiting, next acquire lock2",
                "refused: Thread-A is waiting for lock2: it can take no step until it holds it",
                "4 Thread-B acquire lock1 waiting, next acquire lock1",
            ]
        );
        let notes = out.notes();
        assert_eq!(
            notes.last().unwrap(),
            "Deadlock after step 4: Thread-A holds lock1 and waits for lock2; Thread-B holds lock2 and waits for lock1. \
             Neither thread can ever move again."
        );
        assert!(out.lines().is_empty(), "nobody got both locks");
    }

    #[test]
    fn a_freed_lock_goes_to_the_thread_waiting_for_it_within_the_same_step() {
        // A takes both locks; B asks for lock2 and waits; A's release of lock2 hands it to B.
        let (result, out) = stepped("false", &["A", "A", "B", "A", "A", "B", "B", "B"]);
        result.unwrap();
        let steps = lock_steps(&out);
        assert_eq!(steps[2], "3 Thread-B acquire lock2 waiting, next acquire lock2");
        assert_eq!(steps[3], "4 Thread-A release lock2 released, next release lock1");
        assert_eq!(steps[4], "4 Thread-B acquire lock2 took-after-waiting, next acquire lock1");
        assert_eq!(out.lines(), ["A has both locks", "B has both locks"]);
    }

    /// Every sequence of 4 A's and 4 B's (70), the learner's grants in that order.
    fn every_schedule() -> Vec<String> {
        (0u32..256)
            .filter(|m| m.count_ones() == 4)
            .map(|m| (0..8).map(|i| if m >> i & 1 == 1 { 'A' } else { 'B' }).collect())
            .collect()
    }

    #[test]
    fn with_ordered_locks_no_schedule_deadlocks() {
        let schedules = every_schedule();
        assert_eq!(schedules.len(), 70);
        for schedule in schedules {
            let grants: Vec<String> = schedule.chars().map(String::from).collect();
            // A waiting thread's grants are refused: grant more until both finish.
            let mut all: Vec<&str> = grants.iter().map(String::as_str).collect();
            all.extend(["A", "B"].repeat(4));
            let (result, out) = stepped("true", &all);
            assert!(result.is_ok() && !is_deadlock(&result), "{schedule}: {result:?}");
            let mut lines = out.lines();
            lines.sort();
            assert_eq!(lines, ["A has both locks", "B has both locks"], "{schedule}");
        }
    }

    #[test]
    fn in_opposite_order_exactly_the_schedules_where_both_take_their_first_lock_deadlock() {
        let mut deadlocked = 0;
        for schedule in every_schedule() {
            let mut all: Vec<String> = schedule.chars().map(String::from).collect();
            all.extend(["A", "B"].repeat(4).into_iter().map(String::from));
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            let (result, out) = stepped("false", &all);
            // Each takes its first lock before either asks for its second: the first two grants differ.
            let both_first = schedule[0..1] != schedule[1..2];
            match result {
                Ok(_) if is_deadlock(&result) => {
                    let (_, why) = deadlock_of(result);
                    assert!(both_first, "{schedule} deadlocked: {why}");
                    assert!(
                        why.contains("holds lock1 and waits for lock2")
                            && why.contains("holds lock2 and waits for lock1")
                    );
                    deadlocked += 1;
                }
                Ok(_) => {
                    assert!(!both_first, "{schedule} should deadlock");
                    assert_eq!(out.lines().len(), 2, "{schedule}");
                }
                Err(e) => panic!("{schedule}: {e}"),
            }
        }
        assert_eq!(deadlocked, 40, "AB… and BA…: 2 × C(6,3)");
    }

    #[test]
    fn without_more_input_the_threads_are_stopped() {
        let (result, out) = stepped("false", &["A", "x"]);
        assert!(result.is_ok());
        assert!(
            lock_steps(&out).contains(&"refused: \"x\" is not a step: send a thread, A or B (or 1 or 2)".to_string())
        );
        assert!(out.notes().iter().any(|n| n.starts_with("No more steps were granted")));
    }
}
