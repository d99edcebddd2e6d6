//! You schedule real threads: `counter += 1` in two or three threads, one bytecode at a time.
//!
//! ```python
//! import threading
//!
//! counter = 0
//!
//! def increment(k):
//!     global counter
//!     for _ in range(k):
//!         counter += 1        # LOAD counter / ADD 1 / STORE counter
//!
//! threads = [threading.Thread(target=increment, args=(2,)) for _ in range(2)]
//! for t in threads: t.start()
//! for t in threads: t.join()
//! print(f"Final counter: {counter}")
//! ```
//!
//! CPython runs `counter += 1` as three steps (`dis` shows LOAD_GLOBAL, BINARY_OP +=,
//! STORE_GLOBAL): LOAD reads the shared counter into the thread's own register (its value
//! stack), ADD adds 1 there, STORE writes the register back. A thread switch can fall between
//! any two of them.
//!
//! Here each thread is a real thread (a Web Worker on the shared memory). Before each step it
//! parks at a turnstile (a `Mutex` and a `Condvar` in shared memory: `memory.atomic.wait` in
//! its own worker) until the learner grants it one step; then the step really runs on that
//! worker, and the thread reports what it did. The main thread waits for the learner's input
//! (`rt::input`), grants the step, waits the moment it takes, and shows the state after it.
//! "Explore every order" runs every order of the shared-memory steps the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use super::{Action, Scenario, TestParams, lesson_program};
use crate::json::Json;
use crate::params::{ParamError, ParamKind, ParamSpec, Params};
use crate::rt::input::{self, Inputs};
use crate::rt::thread::JoinHandle;
use crate::rt::{Ctx, EventKind, RtError, SpanState, clock};
use crate::value::{Value, decimal};

/// The most increments per thread in step mode, and so the longest schedule (3 threads ×
/// `MAX_K` increments × 3 steps).
const MAX_K: u64 = 5;
const MAX_THREADS: u64 = 3;
const MAX_SCHEDULE: usize = (MAX_THREADS * MAX_K * 3) as usize;

pub static SCENARIO: Scenario = Scenario {
    id: "threading-interleave",
    title: "You schedule real threads",
    seed_section: "Threading: Race Conditions & Locks (counter += 1, one bytecode at a time)",
    from_seed: false,
    params: &[
        ParamSpec {
            name: "threads",
            label: "threads running counter += 1",
            kind: ParamKind::Int { min: 2, max: MAX_THREADS },
            default: "2",
        },
        ParamSpec {
            name: "k",
            label: "increments per thread",
            kind: ParamKind::Int { min: 1, max: MAX_K },
            default: "2",
        },
        ParamSpec {
            name: "schedule",
            label: "steps to replay first, one thread number per step (may be empty)",
            kind: ParamKind::IntList { min: 1, max: MAX_THREADS, min_len: 0, max_len: MAX_SCHEDULE },
            default: "",
        },
    ],
    check: Some(check_schedule),
    needs_shared_memory: true,
    threads_needed: |p| p.int("threads") as usize,
    run: lesson_program!(|ctx, params| {
        Box::pin(async move {
            let mut inputs = input::for_this_run();
            interleave(&ctx, &params, &mut inputs).await
        })
    }),
    source_file: "threading_interleave.rs",
    more_source_files: &[],
    views: &["interleave"],
    actions: &[EXPLORE],
    predict: true,
    test_params: TestParams { light: &[("schedule", "1,1,1,1,1,1,2,2,2,2,2,2")], busy: &[] },
    python: "",
    notice: "counter += 1 is three steps: LOAD the shared counter into the thread's register, ADD 1 there, STORE it back. \
             If another thread STOREs between your LOAD and your STORE, your STORE writes over its update: the update is lost. \
             The threads are real; only the order is yours. A lock would make LOAD-ADD-STORE one step nobody can cut into.",
};

fn lane(thread: usize) -> String {
    format!("Thread-{}", thread + 1)
}

/// A schedule names, for each step, a thread that exists and still has a step left; the
/// message says which step is wrong. Run by the one validator (`web.rs`), so the page, the
/// URL and the API refuse a bad schedule alike, before anything runs.
fn check_schedule(params: &Params) -> Result<(), ParamError> {
    let threads = params.int("threads") as usize;
    let k = params.int("k");
    let steps_each = 3 * k as usize;
    let schedule = params.int_list("schedule");
    let mut taken = vec![0; threads];
    for (i, &thread) in schedule.iter().enumerate() {
        let step = i + 1;
        let why = if thread as usize > threads {
            format!("step {step} grants Thread-{thread}, but there are {threads} threads")
        } else if taken[thread as usize - 1] == steps_each {
            let total = threads * steps_each;
            let too_long = if schedule.len() > total {
                format!(" (the schedule has {} steps; {threads} threads × {k} increments have {total})", schedule.len())
            } else {
                String::new()
            };
            format!(
                "step {step} grants Thread-{thread}, which has finished: its {k} increment{} are {steps_each} steps{too_long}",
                if k == 1 { "" } else { "s" }
            )
        } else {
            taken[thread as usize - 1] += 1;
            continue;
        };
        return Err(ParamError {
            param: "schedule".into(),
            message: format!("schedule must grant each step to a thread that has one left; {why}"),
        });
    }
    Ok(())
}

/// The steps CPython runs for `counter += 1` (LOAD_GLOBAL, BINARY_OP +=, STORE_GLOBAL): read
/// the shared counter into the thread's own register, add 1 there, write the register back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOp {
    Load,
    Add,
    Store,
}

impl StepOp {
    /// The three, in the order one increment runs them.
    pub const INCREMENT: [StepOp; 3] = [StepOp::Load, StepOp::Add, StepOp::Store];

    /// The name in events and on the page.
    pub fn name(self) -> &'static str {
        match self {
            StepOp::Load => "load",
            StepOp::Add => "add",
            StepOp::Store => "store",
        }
    }

    /// Whether the step touches shared memory (LOAD reads it, STORE writes it); ADD works on
    /// the thread's own register only.
    pub fn is_shared(self) -> bool {
        self != StepOp::Add
    }
}

/// What a thread reports after a step: which step it did, its register and the shared
/// counter right after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepReport {
    pub thread: usize,
    pub op: StepOp,
    pub register: u64,
    pub counter: u64,
}

/// Where threads park between steps. A thread `park`s until it is granted a step (or every
/// thread is released), takes it, and `report`s it; the main thread `grant`s one step and
/// waits for its report. One mutex and one condvar in shared memory: in the browser a parked
/// thread waits in `memory.atomic.wait` on its own worker, never on the page.
pub struct Turnstile {
    turns: Mutex<Turns>,
    changed: Condvar,
}

struct Turns {
    /// Steps granted to each thread and not taken yet.
    granted: Vec<u32>,
    /// Released: every thread runs its remaining steps without waiting.
    free: bool,
    /// Every step done, in the order the threads reported them.
    reports: Vec<StepReport>,
}

impl Turnstile {
    pub fn new(threads: usize) -> Turnstile {
        Turnstile {
            turns: Mutex::new(Turns { granted: vec![0; threads], free: false, reports: Vec::new() }),
            changed: Condvar::new(),
        }
    }

    /// A thread's side: waits until `thread` may take one step.
    pub fn park(&self, thread: usize) {
        let mut turns = self.turns.lock().unwrap();
        while !turns.free && turns.granted[thread] == 0 {
            turns = self.changed.wait(turns).unwrap();
        }
        if !turns.free {
            turns.granted[thread] -= 1;
        }
    }

    /// A thread's side: the step is done; this is what it did.
    pub fn report(&self, report: StepReport) {
        self.turns.lock().unwrap().reports.push(report);
        self.changed.notify_all();
    }

    /// The main thread's side: grants `thread` one step and waits until it reports it. Only
    /// that thread can move meanwhile, so the next report is its own.
    pub fn grant(&self, thread: usize) -> StepReport {
        let mut turns = self.turns.lock().unwrap();
        let before = turns.reports.len();
        turns.granted[thread] += 1;
        self.changed.notify_all();
        while turns.reports.len() == before {
            turns = self.changed.wait(turns).unwrap();
        }
        turns.reports[before]
    }

    /// Lets every thread run the rest of its steps freely, as the OS (here the browser) would.
    pub fn release(&self) {
        self.turns.lock().unwrap().free = true;
        self.changed.notify_all();
    }

    /// The steps reported from the `from`-th on.
    pub fn reports_from(&self, from: usize) -> Vec<StepReport> {
        self.turns.lock().unwrap().reports.get(from..).unwrap_or_default().to_vec()
    }
}

/// What the threads share: the counter and the turnstile.
struct Shared {
    counter: AtomicU64,
    turnstile: Turnstile,
}

/// How a thread parks. In step mode before every step; when exploring every order, ADD rides
/// with its LOAD (it touches only the thread's register, so where it falls changes nothing).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Granularity {
    EveryStep,
    SharedMemoryOnly,
}

/// One thread's `for _ in range(k): counter += 1`, a step at a time.
fn increment(ctx: &Ctx, shared: &Shared, thread: usize, k: u64, granularity: Granularity) {
    let rides = |op| granularity == Granularity::SharedMemoryOnly && op == StepOp::Add;
    let mut register = 0; // this thread's own register: CPython's value stack
    for _ in 0..k {
        // py: for _ in range(k):
        for op in StepOp::INCREMENT {
            if !rides(op) {
                let parked_ms = clock::now_ms();
                shared.turnstile.park(thread);
                if granularity == Granularity::EveryStep {
                    ctx.span(SpanState::Parked, parked_ms, format!("parked before its {}", op.name().to_uppercase()));
                }
            }
            match op {
                // py: counter += 1        # LOAD counter / ADD 1 / STORE counter
                StepOp::Load => register = shared.counter.load(Ordering::SeqCst),
                StepOp::Add => register += 1,
                StepOp::Store => shared.counter.store(register, Ordering::SeqCst),
            }
            // A LOAD whose ADD rides with it is reported once the ADD is done too.
            if !(granularity == Granularity::SharedMemoryOnly && op == StepOp::Load) {
                let counter = shared.counter.load(Ordering::SeqCst);
                shared.turnstile.report(StepReport { thread, op, register, counter });
            }
        }
    }
}

/// Starts `threads` threads, each parked before its first step.
fn start_threads(
    ctx: &Ctx,
    shared: &Arc<Shared>,
    threads: usize,
    k: u64,
    granularity: Granularity,
) -> Result<Vec<JoinHandle<()>>, RtError> {
    (0..threads)
        .map(|thread| {
            let shared = shared.clone();
            // py: threads = [threading.Thread(target=increment, args=(2,)) for _ in range(2)]
            ctx.spawn_thread(&lane(thread), move |ctx| increment(ctx, &shared, thread, k, granularity))
        })
        .collect::<Result<Vec<_>, _>>()
        .inspect_err(|_| shared.turnstile.release()) // the threads already started must not park for ever
}

/// The steps each thread has taken, and what each does next.
struct Progress {
    k: u64,
    taken: Vec<u64>,
}

impl Progress {
    fn next(&self, thread: usize) -> Option<StepOp> {
        let taken = self.taken[thread];
        (taken < 3 * self.k).then(|| StepOp::INCREMENT[(taken % 3) as usize])
    }

    fn all_done(&self) -> bool {
        (0..self.taken.len()).all(|t| self.next(t).is_none())
    }

    fn steps(&self) -> u64 {
        self.taken.iter().sum()
    }
}

/// Shows one step the learner's schedule granted: the thread's register, the shared counter,
/// and its next step, on the thread's lane.
fn show_step(ctx: &Ctx, progress: &mut Progress, report: StepReport) {
    progress.taken[report.thread] += 1;
    let step = progress.steps() as u32;
    let StepReport { thread, op, register, counter } = report;
    let next = progress.next(thread).map_or("done", StepOp::name);
    let lane = lane(thread);
    // The step view (www/lessons/threading-interleave/interleave.js) redraws the shared panel from it.
    let data = Json::Object(vec![
        ("step", Some(u64::from(step).into())),
        ("op", Some(op.name().into())),
        ("register", Some(register.into())),
        ("counter", Some(counter.into())),
        ("next", Some(next.into())),
    ]);
    let text = format!("step {step}: {lane} {}, register {register}, counter {counter}", op.name().to_uppercase());
    ctx.emit_on(&lane, EventKind::View { view: "interleave-step", data, text, urgent: true });
}

/// What the learner sent: a thread to grant a step to, or "free".
enum Input {
    Grant(usize),
    Free,
}

/// Reads one input, or says why it is refused.
fn read_input(text: &str, progress: &Progress) -> Result<Input, String> {
    let text = text.trim();
    let threads = progress.taken.len();
    if text.eq_ignore_ascii_case("free") {
        return Ok(Input::Free);
    }
    let shown: String = text.chars().take(20).collect();
    let number: usize =
        text.parse().map_err(|_| format!("{shown:?} is not a step: send a thread number (1 to {threads}) or free"))?;
    if number == 0 || number > threads {
        return Err(format!("There is no Thread-{number}: this run has {threads} threads (1 to {threads})"));
    }
    if progress.next(number - 1).is_none() {
        return Err(format!(
            "Thread-{number} has finished: it took all its {} steps. Grant another thread a step.",
            3 * progress.k
        ));
    }
    Ok(Input::Grant(number - 1))
}

/// Step mode: replays `schedule`, then grants the steps the learner sends (`inputs`) until
/// every thread is done, or lets the threads run freely on "free" (or when the inputs end).
pub async fn interleave(ctx: &Ctx, params: &Params, inputs: &mut Inputs) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let k = params.int("k");
    let shared = Arc::new(Shared { counter: AtomicU64::new(0), turnstile: Turnstile::new(threads) });
    let handles = start_threads(ctx, &shared, threads, k, Granularity::EveryStep)?; // py: for t in threads: t.start()
    let mut progress = Progress { k, taken: vec![0; threads] };
    let mut schedule: Vec<usize> = Vec::new();
    let schedule_given = params.int_list("schedule");
    ctx.note(format!(
        "{threads} real threads, each parked before its first LOAD, on {} steps in all; {}",
        3 * k * threads as u64,
        if schedule_given.is_empty() {
            "grant them steps".to_string()
        } else {
            format!("replaying the {} steps of the schedule", schedule_given.len())
        }
    ));
    // Checked by `check_schedule`: each names a thread with a step left.
    for &thread in schedule_given {
        let thread = thread as usize - 1;
        show_step(ctx, &mut progress, shared.turnstile.grant(thread));
        schedule.push(thread);
    }
    let mut freed = false;
    while !progress.all_done() {
        let sent = inputs.next_from_learner(ctx).await;
        // No more input (a host run without a page) is "free" too: the threads finish alone.
        let Some(text) = sent else {
            freed = true;
            break;
        };
        match read_input(&text, &progress) {
            Ok(Input::Grant(thread)) => {
                show_step(ctx, &mut progress, shared.turnstile.grant(thread));
                schedule.push(thread);
            }
            Ok(Input::Free) => {
                freed = true;
                break;
            }
            Err(why) => ctx.emit(EventKind::Refused(why)),
        }
    }
    if freed {
        let from = progress.steps() as usize;
        shared.turnstile.release();
        for handle in handles {
            handle.join()?;
        }
        let free_steps = shared.turnstile.reports_from(from);
        ctx.note(format!(
            "The browser scheduled the last {} steps: the threads ran freely on their workers, in the order below",
            free_steps.len()
        ));
        for report in free_steps {
            schedule.push(report.thread);
            show_step(ctx, &mut progress, report);
        }
    } else {
        for handle in handles {
            handle.join()?; // py: for t in threads: t.join()
        }
    }
    let final_count = shared.counter.load(Ordering::SeqCst);
    ctx.print(format!("Final counter: {final_count}")); // py: print(f"Final counter: {counter}")
    Ok(finish(ctx, threads as u64, k, final_count, &schedule))
}

/// The least final counter any order can give: 1 with one increment per thread, else 2.
pub fn smallest_final(threads: u64, k: u64) -> u64 {
    if threads == 1 { k } else { k.min(2) }
}

/// Why no order ends lower than `smallest_final`, for a learner.
fn why_smallest(k: u64) -> &'static str {
    if k == 1 {
        "1 is the least: every STORE writes what its thread LOADed plus 1, and the counter never holds less than 0."
    } else {
        "2 is the least: every STORE writes at least 1, and the thread that STOREs last had already STOREd once \
         before its last LOAD, so that LOAD read at least 1 and its STORE writes at least 2. To get there: \
         Thread-1 LOADs 0 and waits; Thread-2 does all but its last increment; Thread-1 STOREs 1 over them; \
         Thread-2 LOADs that 1; Thread-1 finishes; Thread-2 STOREs 2."
    }
}

/// The challenges, checked when the threads finish, and the run's value.
fn finish(ctx: &Ctx, threads: u64, k: u64, final_count: u64, schedule: &[usize]) -> Value {
    let expected = threads * k;
    let smallest = smallest_final(threads, k);
    let challenges = [
        ("lose-an-update", "lose an update".to_string(), final_count < expected),
        ("smallest", format!("end at the smallest value possible ({smallest})"), final_count == smallest),
        ("lose-nothing", "lose nothing".to_string(), final_count == expected),
    ];
    let lost = expected - final_count;
    ctx.note(format!(
        "{expected} increments, final counter {final_count}: {}",
        if lost == 0 {
            "no update lost".to_string()
        } else {
            format!("{lost} update{} lost", if lost == 1 { "" } else { "s" })
        }
    ));
    let met: Vec<String> =
        challenges.iter().map(|(_, label, met)| format!("{label}: {}", if *met { "met" } else { "not met" })).collect();
    // Why the smallest is the least goes with the challenges' panel (the value's
    // `why_smallest`), not into a note that would repeat it.
    ctx.note(format!("Challenges: {}.", met.join("; ")));
    let schedule_text = schedule.iter().map(|t| (t + 1).to_string()).collect::<Vec<_>>().join(",");
    Value::Dict(vec![
        ("final".into(), Value::Int(final_count.into())),
        ("expected".into(), Value::Int(expected.into())),
        ("smallest".into(), Value::Int(smallest.into())),
        ("why_smallest".into(), Value::Str(why_smallest(k).into())),
        ("schedule".into(), Value::Str(schedule_text)),
        (
            "challenges".into(),
            Value::List(
                challenges
                    .into_iter()
                    .map(|(name, label, met)| {
                        Value::Dict(vec![
                            ("name".into(), Value::Str(name.into())),
                            ("label".into(), Value::Str(label)),
                            ("met".into(), Value::Int(u128::from(met))),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

/// "Explore every order": every order of the shared-memory steps, each run on real threads.
pub const EXPLORE: Action = Action {
    name: "explore",
    label: "Explore every order",
    description: "Runs every order of the threads' shared-memory steps on the real threads, one order after \
                  another, and counts where the counter ends. Only LOAD and STORE touch shared memory; each ADD \
                  rides with its LOAD (it changes only the thread's own register, so where it falls changes nothing).",
    params: &[
        ParamSpec {
            name: "threads",
            label: "threads (3 threads: 1 increment each)",
            kind: ParamKind::Int { min: 2, max: 3 },
            default: "2",
        },
        ParamSpec { name: "k", label: "increments per thread", kind: ParamKind::Int { min: 1, max: 3 }, default: "1" },
    ],
    check: Some(|params| {
        let (threads, k) = (params.int("threads"), params.int("k"));
        if threads == 3 && k > 1 {
            return Err(ParamError {
                param: "k".into(),
                message: format!(
                    "k must be 1 with 3 threads (2 threads take 1 to 3); 3 threads × {k} increments have {} orders",
                    orders(3, 2 * k)
                ),
            });
        }
        Ok(())
    }),
    threads_needed: |p| p.int("threads") as usize,
    run: lesson_program!(|ctx, params| Box::pin(async move { explore(&ctx, &params) })),
    views: &["interleave-outcomes"],
};

/// The number of orders of `threads` threads with `steps` steps each: the multinomial
/// (threads·steps)! / (steps!)^threads, computed as a product of binomials.
pub fn orders(threads: u64, steps: u64) -> u64 {
    let mut total: u64 = 1;
    let mut placed = 0;
    for _ in 0..threads {
        // choose where this thread's `steps` go among the `placed + steps` positions so far
        let mut binomial: u64 = 1;
        for i in 1..=steps {
            binomial = binomial * (placed + i) / i;
        }
        total *= binomial;
        placed += steps;
    }
    total
}

/// The next order in lexicographic order (the order as thread indices); false after the last.
fn next_order(order: &mut [usize]) -> bool {
    let Some(i) = (1..order.len()).rev().find(|&i| order[i - 1] < order[i]) else { return false };
    let j = (i..order.len()).rev().find(|&j| order[j] > order[i - 1]).expect("order[i] itself qualifies");
    order.swap(i - 1, j);
    order[i..].reverse();
    true
}

/// An order of shared-memory steps as the step-mode schedule that replays it: a LOAD is
/// granted with its ADD (the thread number twice), a STORE once.
pub fn as_schedule(order: &[usize], threads: usize) -> String {
    let mut taken = vec![0; threads];
    let mut steps = Vec::with_capacity(order.len() * 3 / 2);
    for &thread in order {
        let repeat = if taken[thread] % 2 == 0 { 2 } else { 1 };
        taken[thread] += 1;
        steps.extend(std::iter::repeat_n((thread + 1).to_string(), repeat));
    }
    steps.join(",")
}

/// Runs one order on real threads (fresh memory: a new counter and turnstile) and returns
/// the final counter.
fn run_order(quiet: &Ctx, order: &[usize], threads: usize, k: u64) -> Result<u64, RtError> {
    let shared = Arc::new(Shared { counter: AtomicU64::new(0), turnstile: Turnstile::new(threads) });
    let handles = start_threads(quiet, &shared, threads, k, Granularity::SharedMemoryOnly)?;
    for &thread in order {
        shared.turnstile.grant(thread);
    }
    for handle in handles {
        handle.join()?;
    }
    Ok(shared.counter.load(Ordering::SeqCst))
}

/// One class of outcomes: how many orders end at a counter, and the first of them.
struct Class {
    orders: u64,
    example: String,
}

/// One order run for real and the counter it ended at, for the outcomes view
/// (www/lessons/threading-interleave/interleave-outcomes.js), which counts them as they come: a Stop keeps
/// what was explored so far. Not urgent: thousands come in a second, in batches.
fn explored_event(schedule: String, counter: u64) -> EventKind {
    let text = format!("order {schedule} ended at {counter}");
    let data = Json::Object(vec![("schedule", Some(schedule.into())), ("counter", Some(counter.into()))]);
    EventKind::View { view: "explored", data, text, urgent: false }
}

fn explore(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let k = params.int("k");
    let shared_steps = 2 * k; // per thread: LOAD (with its ADD) and STORE, k times
    let total = orders(threads as u64, shared_steps);
    ctx.note(format!(
        "{threads} threads × {k} increment{}: {} shared-memory steps each, {total} orders in all; running each on the real threads",
        if k == 1 { "" } else { "s" },
        shared_steps
    ));
    // The orders' own threads report nothing: hundreds of runs would bury the timeline.
    let quiet = Ctx::discarding();
    let mut order: Vec<usize> = (0..threads).flat_map(|t| std::iter::repeat_n(t, shared_steps as usize)).collect();
    // By final counter, which is at most threads x k: a slot per possible value.
    let mut classes: Vec<Option<Class>> = (0..=threads as u64 * k).map(|_| None).collect();
    let started_ms = clock::now_ms();
    let mut explored: u64 = 0;
    loop {
        let counter = run_order(&quiet, &order, threads, k)?;
        let schedule = as_schedule(&order, threads);
        explored += 1;
        classes[counter as usize].get_or_insert_with(|| Class { orders: 0, example: schedule.clone() }).orders += 1;
        ctx.emit(explored_event(schedule, counter));
        if !next_order(&mut order) {
            break;
        }
    }
    let ms = clock::now_ms() - started_ms;
    ctx.span(SpanState::Run, started_ms, format!("{explored} orders on {threads} real threads"));
    let expected = threads as u64 * k;
    let classes: Vec<(u64, Class)> =
        classes.into_iter().enumerate().filter_map(|(counter, class)| Some((counter as u64, class?))).collect();
    let lost_orders: u64 = classes.iter().filter(|&&(c, _)| c < expected).map(|(_, class)| class.orders).sum();
    ctx.note(format!(
        "{explored} orders in {} ms ({} orders/s): {lost_orders} of them lose an update; {}",
        decimal(ms, 0),
        decimal(explored as f64 * 1000.0 / ms.max(0.001), 0),
        classes
            .iter()
            .map(|(counter, class)| format!("{} end at {counter}", class.orders))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(Value::Dict(vec![
        ("orders".into(), Value::Int(explored.into())),
        ("lost_orders".into(), Value::Int(lost_orders.into())),
        ("expected".into(), Value::Int(expected.into())),
        ("ms".into(), Value::Float(ms)),
        (
            "outcomes".into(),
            Value::List(
                classes
                    .into_iter()
                    .map(|(counter, class)| {
                        Value::Dict(vec![
                            ("counter".into(), Value::Int(counter.into())),
                            ("orders".into(), Value::Int(class.orders.into())),
                            ("example".into(), Value::Str(class.example)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ]))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::rt::backend::block_on;

    fn params(pairs: &[(&str, &str)]) -> Result<Params, ParamError> {
        let given: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        let params = crate::params::validate(SCENARIO.params, &given).map_err(|e| e[0].clone())?;
        check_schedule(&params).map(|()| params)
    }

    fn steps_of(events: &[crate::rt::Event]) -> Vec<(String, &'static str, u64, u64, &'static str)> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::View { view: "interleave-step", data, .. } => {
                    let field = |name| data.field(name).and_then(Json::as_text).unwrap();
                    let whole = |name| field(name).parse::<u64>().unwrap();
                    let op = StepOp::INCREMENT.into_iter().find(|op| op.name() == field("op")).unwrap();
                    let next = ["load", "add", "store", "done"].into_iter().find(|n| *n == field("next")).unwrap();
                    Some((e.lane.clone(), op.name(), whole("register"), whole("counter"), next))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_turnstile_lets_a_thread_take_exactly_the_steps_it_is_granted() {
        let turnstile = Arc::new(Turnstile::new(2));
        let taken = Arc::new(AtomicU64::new(0));
        let worker = {
            let (turnstile, taken) = (turnstile.clone(), taken.clone());
            std::thread::spawn(move || {
                for step in 0..3 {
                    turnstile.park(1);
                    taken.fetch_add(1, Ordering::SeqCst);
                    turnstile.report(StepReport {
                        thread: 1,
                        op: StepOp::INCREMENT[step],
                        register: step as u64,
                        counter: 0,
                    });
                }
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert_eq!(taken.load(Ordering::SeqCst), 0, "parked until granted");
        assert_eq!(turnstile.grant(1).op, StepOp::Load);
        assert_eq!(taken.load(Ordering::SeqCst), 1, "one grant, one step");
        std::thread::sleep(std::time::Duration::from_millis(30));
        assert_eq!(taken.load(Ordering::SeqCst), 1, "and no more");
        turnstile.release();
        worker.join().unwrap();
        assert_eq!(turnstile.reports_from(1).len(), 2, "released: the rest ran freely");
    }

    #[test]
    fn stepping_through_a_lost_update_with_inputs_from_a_channel() {
        let (ctx, out) = Ctx::collecting();
        let p = params(&[("k", "1")]).unwrap();
        let (send, mut inputs) = input::channel();
        // Thread-1 LOADs and ADDs; Thread-2 does a whole increment; Thread-1 STOREs over it.
        for text in ["1", "1", "3", "2", "2", "2", "2", "banana", "1"] {
            send.send(text);
        }
        let value = block_on(interleave(&ctx, &p, &mut inputs)).unwrap();
        assert_eq!(
            steps_of(&out.events()),
            [
                ("Thread-1".to_string(), "load", 0, 0, "add"),
                ("Thread-1".to_string(), "add", 1, 0, "store"),
                ("Thread-2".to_string(), "load", 0, 0, "add"),
                ("Thread-2".to_string(), "add", 1, 0, "store"),
                ("Thread-2".to_string(), "store", 1, 1, "done"),
                ("Thread-1".to_string(), "store", 1, 1, "done"),
            ]
        );
        let refused: Vec<String> = out
            .events()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Refused(why) => Some(why),
                _ => None,
            })
            .collect();
        assert_eq!(
            refused,
            [
                "There is no Thread-3: this run has 2 threads (1 to 2)",
                "Thread-2 has finished: it took all its 3 steps. Grant another thread a step.",
                "\"banana\" is not a step: send a thread number (1 to 2) or free",
            ]
        );
        assert_eq!(out.lines(), ["Final counter: 1"]);
        let Value::Dict(fields) = value else { panic!("a dict") };
        assert_eq!(fields[4], ("schedule".to_string(), Value::Str("1,1,2,2,2,1".into())));
        assert!(out.notes().iter().any(|n| {
            n.contains("lose an update: met; end at the smallest value possible (1): met; lose nothing: not met")
        }));
    }

    #[test]
    fn a_schedule_replays_first_and_free_lets_the_threads_finish_alone() {
        let (ctx, out) = Ctx::collecting();
        let p = params(&[("schedule", "1,1,2,2,2")]).unwrap();
        let (send, mut inputs) = input::channel();
        send.send("free");
        block_on(interleave(&ctx, &p, &mut inputs)).unwrap();
        let steps = steps_of(&out.events());
        assert_eq!(steps.len(), 12, "every step shown, the free ones too");
        assert_eq!(steps[4], ("Thread-2".to_string(), "store", 1, 1, "load"));
        let last = out.lines();
        assert_eq!(last.len(), 1);
        // Thread-1 still holds its stale 1: the free run loses that update whatever the order.
        assert!(["Final counter: 2", "Final counter: 3"].contains(&last[0].as_str()), "{last:?}");
    }

    #[test]
    fn without_any_input_the_threads_run_freely_and_nothing_is_lost() {
        let (ctx, out) = Ctx::collecting();
        let (_, mut inputs) = input::channel();
        block_on(interleave(&ctx, &params(&[("threads", "3"), ("k", "5")]).unwrap(), &mut inputs)).unwrap();
        assert_eq!(steps_of(&out.events()).len(), 45);
        assert_eq!(out.lines().len(), 1);
    }

    #[test]
    fn bad_schedules_name_the_step_that_is_wrong() {
        let err = |pairs: &[(&str, &str)]| params(pairs).unwrap_err().message;
        let prefix = "schedule must grant each step to a thread that has one left; ";
        assert_eq!(
            err(&[("schedule", "1,1,2,1,3")]),
            format!("{prefix}step 5 grants Thread-3, but there are 2 threads")
        );
        assert_eq!(
            err(&[("k", "1"), ("schedule", "1,1,1,1")]),
            format!("{prefix}step 4 grants Thread-1, which has finished: its 1 increment are 3 steps")
        );
        assert_eq!(
            err(&[("k", "1"), ("schedule", "1,1,1,2,2,2,2")]),
            format!(
                "{prefix}step 7 grants Thread-2, which has finished: its 1 increment are 3 steps (the schedule has 7 steps; 2 threads × 1 increments have 6)"
            )
        );
        assert!(
            err(&[("schedule", "1,0")])
                .starts_with("schedule must be a list of 0 to 45 whole numbers, each from 1 to 3")
        );
        assert!(params(&[("schedule", "")]).is_ok());
        assert!(params(&[("threads", "3"), ("schedule", "3,3,3")]).is_ok());
    }

    /// The pure model: run an order (thread indices, one per shared-memory step) on plain
    /// numbers. LOAD (with its ADD) sets the register to counter + 1; STORE writes it.
    fn model(order: &[usize], threads: usize) -> u64 {
        let (mut counter, mut register, mut taken) = (0, vec![0; threads], vec![0; threads]);
        for &t in order {
            if taken[t] % 2 == 0 {
                register[t] = counter + 1;
            } else {
                counter = register[t];
            }
            taken[t] += 1;
        }
        counter
    }

    /// Every order, by brute force: all sequences of thread indices with `steps` of each.
    fn every_order(threads: usize, steps: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut partial = Vec::new();
        fn extend(partial: &mut Vec<usize>, left: &mut [usize], out: &mut Vec<Vec<usize>>) {
            if left.iter().all(|&l| l == 0) {
                out.push(partial.clone());
                return;
            }
            for t in 0..left.len() {
                if left[t] > 0 {
                    left[t] -= 1;
                    partial.push(t);
                    extend(partial, left, out);
                    partial.pop();
                    left[t] += 1;
                }
            }
        }
        extend(&mut partial, &mut vec![steps; threads], &mut out);
        out
    }

    fn factorial(n: u64) -> u64 {
        (1..=n).product()
    }

    #[test]
    fn the_explorer_on_real_threads_finds_what_the_model_and_the_combinatorics_say() {
        for (threads, k, total) in [(2, 1, 6), (2, 2, 70), (2, 3, 924), (3, 1, 90)] {
            let steps = 2 * k;
            // The multinomial: (threads * 2k)! / ((2k)!)^threads.
            assert_eq!(factorial(threads * steps) / factorial(steps).pow(threads as u32), total);
            assert_eq!(orders(threads, steps), total);
            let orders_all = every_order(threads as usize, steps as usize);
            assert_eq!(orders_all.len() as u64, total);
            let mut model_classes: BTreeMap<u64, u64> = BTreeMap::new();
            for order in &orders_all {
                *model_classes.entry(model(order, threads as usize)).or_default() += 1;
            }

            let (ctx, out) = Ctx::collecting();
            let given = [("threads".to_string(), threads.to_string()), ("k".to_string(), k.to_string())];
            let p = crate::params::validate(EXPLORE.params, &given).unwrap();
            (EXPLORE.check.unwrap())(&p).unwrap();
            let Value::Dict(value) = explore(&ctx, &p).unwrap() else { panic!("a dict") };
            let explored: Vec<(String, u64)> = out
                .events()
                .into_iter()
                .filter_map(|e| match e.kind {
                    EventKind::View { view: "explored", data, .. } => {
                        let field = |name| data.field(name).and_then(Json::as_text).unwrap();
                        Some((field("schedule"), field("counter").parse().unwrap()))
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(explored.len() as u64, total, "{threads}x{k}");
            let mut measured: BTreeMap<u64, u64> = BTreeMap::new();
            for (_, counter) in &explored {
                *measured.entry(*counter).or_default() += 1;
            }
            assert_eq!(measured, model_classes, "{threads}x{k}: the real threads against the model");
            assert_eq!(value[0], ("orders".to_string(), Value::Int(total.into())));
            // Each example replays, in step mode, to its class's counter.
            let Value::List(outcomes) = &value[4].1 else { panic!("outcomes") };
            assert_eq!(outcomes.len(), model_classes.len());
            for outcome in outcomes {
                let Value::Dict(o) = outcome else { panic!() };
                let (Value::Int(counter), Value::Str(example)) = (&o[0].1, &o[2].1) else { panic!() };
                let (ctx, out) = Ctx::collecting();
                let p =
                    params(&[("threads", &threads.to_string()), ("k", &k.to_string()), ("schedule", example)]).unwrap();
                block_on(interleave(&ctx, &p, &mut input::channel().1)).unwrap();
                assert_eq!(out.lines(), [format!("Final counter: {counter}")], "{example}");
            }
            if (threads, k) == (2, 1) {
                let lost = value.iter().find(|(n, _)| n == "lost_orders").unwrap();
                assert_eq!(lost.1, Value::Int(4));
            }
        }
    }

    #[test]
    fn three_threads_explore_only_one_increment_each() {
        let given = [("threads".to_string(), "3".to_string()), ("k".to_string(), "2".to_string())];
        let p = crate::params::validate(EXPLORE.params, &given).unwrap();
        let err = (EXPLORE.check.unwrap())(&p).unwrap_err();
        assert_eq!(err.param, "k");
        assert!(err.message.starts_with("k must be 1 with 3 threads"), "{}", err.message);
    }

    #[test]
    fn the_smallest_final_counter_is_2_from_two_increments_on() {
        for threads in 2..=3 {
            for k in 1..=3 {
                if threads == 3 && k > 1 {
                    continue;
                }
                let least = every_order(threads, 2 * k).iter().map(|o| model(o, threads)).min().unwrap();
                assert_eq!(least, smallest_final(threads as u64, k as u64), "{threads}x{k}");
            }
        }
    }
}
