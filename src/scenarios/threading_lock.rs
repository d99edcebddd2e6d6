//! A race condition, fixed by a lock: threads add one to a shared counter many times.
//!
//! ```python
//! counter = 0
//! lock = threading.Lock()                                 # creates a mutex lock
//!
//! def increment():
//!     global counter
//!     for _ in range(100000):
//!         with lock:                                      # ensures only one thread modifies at a time
//!             counter += 1                                # critical section
//!
//! threads = [threading.Thread(target=increment) for _ in range(2)]
//! for t in threads: t.start()
//! for t in threads: t.join()
//! print(f"Final counter: {counter}")                      # guaranteed 200000 with lock
//! ```
//!
//! Three variants run one after the other on real threads sharing one memory:
//! * no lock: `counter += 1` as Python runs it, a load and then a store. Two threads can load
//!   the same value and both store value + 1: one update is lost. (Atomic loads and stores keep
//!   this safe Rust; what is lost is the read-modify-write as a whole.) The store is a `swap`,
//!   which stores exactly as a store does and also says what it replaced: each store that
//!   replaced more than it read wiped out `overwrote - read` updates of other threads, and
//!   those add up to *exactly* the updates lost (the ledger; see `Ledger`).
//! * a mutex, as the seed does: exact, since one thread at a time holds the lock.
//! * an atomic add (`fetch_add`): exact without a lock; the hardware makes the
//!   read-modify-write one indivisible step.
//!
//! All threads wait at a start line and are released together, so they really overlap.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::rt::EventKind;
use std::sync::{Arc, Mutex};

use super::{Action, Scenario, TestParams};
use crate::params::group_prose as group; // notes are prose: 73,732
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, SpanState, clock};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "threading-lock",
    title: "A race, fixed by a lock",
    seed_section: "Threading: Race Conditions & Locks",
    from_seed: true,
    params: &[
        ParamSpec {
            name: "threads",
            label: "threads started together",
            kind: ParamKind::Int { min: 1, max: 16 },
            default: "2",
        },
        ParamSpec {
            name: "iterations",
            label: "increments per thread",
            kind: ParamKind::Int { min: 1, max: 1_000_000 },
            default: "100000",
        },
        ParamSpec {
            name: "rounds",
            label: "no-lock rounds at most, repeated until one loses an update",
            kind: ParamKind::Int { min: 1, max: 1_000 },
            // The seed's lesson must show on the first press: a round that happens to lose
            // nothing (another program had a core) is run again, a few ms each, up to this.
            default: "20",
        },
    ],
    check: None,
    needs_shared_memory: true,
    threads_needed: |p| p.int("threads") as usize,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params) }),
    source_file: "threading_lock.rs",
    more_source_files: &[],
    views: &["race-ledger"],
    actions: &[REPEAT],
    predict: true,
    test_params: TestParams {
        light: &[("threads", "2"), ("iterations", "20000")],
        busy: &[("threads", "4"), ("iterations", "1000000")],
    },
    python: include_str!("threading_lock.py"),
    notice: "Without a lock, both threads read the same value and both write value + 1: one of the two updates is lost, over and over. The mutex lets one thread at a time do read-add-write, so none is lost; the atomic add makes read-add-write one indivisible step. On the timeline, the orange bars are the time each thread waited for the lock.",
};

/// How the threads add one to the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    NoLock,
    Mutex,
    Atomic,
    /// The no-lock race with a plain store instead of the swap that keeps the ledger: what the
    /// ledger costs is measured against it (`./build.sh bench`).
    PlainStore,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::NoLock => "no lock",
            Variant::PlainStore => "no lock, plain store",
            Variant::Mutex => "mutex",
            Variant::Atomic => "atomic add",
        }
    }
}

/// The counter every thread adds to, in the form each variant needs.
struct Counter {
    plain: AtomicU64,
    locked: Mutex<u64>,
}

impl Counter {
    /// `counter += 1`: read, compute, write, the way Python runs it in every variant (the same
    /// work in each, so their times compare fairly). Time spent waiting for the mutex goes
    /// into `waits`.
    fn increment(&self, variant: Variant, waits: &mut LockWaits) {
        match variant {
            // Another thread may store between our load and our store: its update is lost.
            Variant::NoLock | Variant::PlainStore => {
                let seen = self.plain.load(Ordering::Relaxed);
                let next = bytecode_work(seen) + 1;
                self.plain.store(next, Ordering::Relaxed);
            }
            Variant::Mutex => {
                let mut counter = waits.lock(&self.locked); // py: with lock:
                *counter = bytecode_work(*counter) + 1; // py: counter += 1
            }
            Variant::Atomic => {
                let one = bytecode_work(1);
                self.plain.fetch_add(one, Ordering::Relaxed);
            }
        }
    }

    fn total(&self, variant: Variant) -> u64 {
        match variant {
            Variant::Mutex => *self.locked.lock().unwrap(),
            Variant::NoLock | Variant::PlainStore | Variant::Atomic => self.plain.load(Ordering::SeqCst),
        }
    }
}

/// A barrier the threads *spin* at, so they leave it within nanoseconds of each other.
///
/// A sleeping barrier wakes its workers one after another, a fraction of a millisecond apart:
/// long enough for one thread to finish 100000 increments before another begins. And a
/// thread that was just woken often lands on the core of a thread that is already spinning,
/// so the two take turns on one core for a while (seen in Chromium on 2 cores). Hence the
/// last thread to arrive spins a moment longer (`SETTLE_MS`) before it releases everyone.
struct StartLine {
    threads: usize,
    settle_ms: f64,
    arrived: AtomicUsize,
    go: AtomicBool,
    /// When the threads were released, on the shared clock (f64 bits): the race's time
    /// counts from here, not from the spawns.
    released_ms: AtomicU64,
}

const SETTLE_MS: f64 = 2.0;
/// The settle of "Run many times" for short loops: hundreds of runs of a few microseconds
/// cannot afford 2 ms each. Loops of `FULL_SETTLE_FROM` increments or more (a third of a
/// millisecond and up) get the full settle, so they race exactly as the scenario's own run.
const REPEAT_SETTLE_MS: f64 = 0.2;
const FULL_SETTLE_FROM: u64 = 10_000;

impl StartLine {
    fn new(threads: usize, settle_ms: f64) -> StartLine {
        StartLine {
            threads,
            settle_ms,
            arrived: AtomicUsize::new(0),
            go: AtomicBool::new(false),
            released_ms: AtomicU64::new(0),
        }
    }

    /// Releases whoever waits, e.g. when a later thread could not be started.
    fn release(&self) {
        self.released_ms.store(clock::now_ms().to_bits(), Ordering::SeqCst);
        self.go.store(true, Ordering::SeqCst);
    }

    fn released_ms(&self) -> f64 {
        f64::from_bits(self.released_ms.load(Ordering::SeqCst))
    }

    fn wait(&self) {
        if self.arrived.fetch_add(1, Ordering::SeqCst) + 1 == self.threads {
            let settled = clock::now_ms() + self.settle_ms;
            while clock::now_ms() < settled {
                std::hint::spin_loop();
            }
            self.release();
        }
        while !self.go.load(Ordering::SeqCst) {
            std::hint::spin_loop();
        }
    }
}

/// What CPython does between reading `counter` and writing it back: it runs a few bytecodes,
/// some tens of nanoseconds. Here a short chain of multiplications stands in for them; the
/// `black_box` makes the optimiser compute it. Without such a gap the read and the write sit
/// side by side, and since wasm's atomic store is a full barrier the other core then almost
/// never slips in between: the race would be real but rarely visible.
fn bytecode_work(value: u64) -> u64 {
    let mut scratch = value;
    for _ in 0..24 {
        // Multiply, then mix the high bits down: not affine, so it cannot be folded away.
        scratch = scratch.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        scratch ^= scratch >> 29;
    }
    std::hint::black_box(scratch);
    value
}

/// The stretches of time one thread waited for the mutex, measured, for the timeline.
/// An uncontended lock costs no clock reading: only a failed `try_lock` starts the clock.
/// Waits closer together than `MERGE_MS` are drawn as one stretch.
struct LockWaits {
    spans: Vec<(f64, f64)>,
}

const MERGE_MS: f64 = 0.25;

impl LockWaits {
    fn lock<'a>(&mut self, mutex: &'a Mutex<u64>) -> std::sync::MutexGuard<'a, u64> {
        if let Ok(guard) = mutex.try_lock() {
            return guard;
        }
        let start = clock::now_ms();
        let guard = mutex.lock().unwrap();
        let end = clock::now_ms();
        match self.spans.last_mut() {
            Some(last) if start - last.1 < MERGE_MS => last.1 = end,
            _ => self.spans.push((start, end)),
        }
        guard
    }

    fn report(self, ctx: &Ctx) {
        for (start, end) in self.spans {
            let label = format!("waiting for the lock, {} ms", decimal(end - start, 2));
            ctx.span_ended(SpanState::LockWait, start, end, label);
        }
    }
}

/// One store of the no-lock race that replaced something other than what its thread had read:
/// the thread read `read`, stored `read + 1`, and the swap says the counter held `overwrote`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wipe {
    pub read: u64,
    pub overwrote: u64,
    /// When, on the shared clock, and in which of the thread's increments (from 0).
    pub t_ms: f64,
    pub iteration: u64,
}

impl Wipe {
    /// Updates of other threads this store wiped out (negative: a stale store had lowered the
    /// counter, and this one raised it again).
    pub fn wiped(&self) -> i128 {
        i128::from(self.overwrote) - i128::from(self.read)
    }
}

/// Wipes recorded with their time per thread; the sums cover every store.
const CAUGHT_PER_THREAD: usize = 20;
/// Increments between two readings of the clock: where along time the wipes fell is known to
/// within one block (a few tens of microseconds), at the cost of one clock reading per block.
const BLOCK: u64 = 1024;

/// What one thread's no-lock stores did. Each thread keeps its own while it races, so the
/// accounting adds no sharing to the race it accounts for.
#[derive(Default)]
struct ThreadLedger {
    stores: u64,
    wiped: i128,
    wipes: u64,
    lowered: u64,
    largest: Option<Wipe>,
    caught: Vec<Wipe>,
}

impl ThreadLedger {
    /// Records a store whose swap replaced `overwrote` after the thread had read `read`.
    /// Called only when the two differ, so the common case costs one comparison.
    #[cold]
    fn record(&mut self, read: u64, overwrote: u64, iteration: u64) -> u64 {
        let wipe = Wipe { read, overwrote, t_ms: 0.0, iteration };
        self.wiped += wipe.wiped();
        if overwrote <= read {
            return 0;
        }
        self.wipes += 1;
        if overwrote - read >= 2 {
            self.lowered += 1; // it wrote read + 1 over more than that: the counter went down
        }
        if self.largest.is_none_or(|l| wipe.wiped() > l.wiped()) {
            self.largest = Some(wipe);
        }
        if self.caught.len() < CAUGHT_PER_THREAD {
            self.caught.push(Wipe { t_ms: clock::now_ms(), ..wipe });
        }
        1
    }
}

/// The no-lock race's books, for every store of every thread: `lost = expected - final`, and
/// `lost` equals the sum over all stores of `overwrote - read` (`wiped_sum`), exactly. The
/// swaps of all threads form one order, in which each store changes the counter from
/// `overwrote` to `read + 1`; adding that up from 0 gives the final counter.
#[derive(Clone, Debug, PartialEq)]
pub struct Ledger {
    pub expected: u64,
    pub final_count: u64,
    pub lost: u64,
    pub wiped_sum: i128,
    pub stores: u64,
    /// Stores that wiped at least one update; `lowered` of them wiped two or more, so the
    /// counter went down.
    pub wipes: u64,
    pub lowered: u64,
    pub largest: Option<(String, Wipe)>,
    /// The first wipes in time, with their thread (at most `CAUGHT_PER_THREAD` per thread).
    pub caught: Vec<(String, Wipe)>,
}

impl Ledger {
    fn new(expected: u64, final_count: u64, threads: Vec<(String, ThreadLedger)>) -> Ledger {
        let mut ledger = Ledger {
            expected,
            final_count,
            lost: expected - final_count,
            wiped_sum: 0,
            stores: 0,
            wipes: 0,
            lowered: 0,
            largest: None,
            caught: Vec::new(),
        };
        for (lane, t) in threads {
            ledger.wiped_sum += t.wiped;
            ledger.stores += t.stores;
            ledger.wipes += t.wipes;
            ledger.lowered += t.lowered;
            if let Some(w) = t.largest.filter(|w| ledger.largest.as_ref().is_none_or(|(_, l)| w.wiped() > l.wiped())) {
                ledger.largest = Some((lane.clone(), w));
            }
            ledger.caught.extend(t.caught.into_iter().map(|w| (lane.clone(), w)));
        }
        // In time order (at most 16 threads x 20).
        super::sort_short(&mut ledger.caught, |(_, wipe)| wipe.t_ms);
        ledger.caught.truncate(CAUGHT_PER_THREAD);
        ledger
    }

    /// The ledger as the JS API returns it (`value.ledger`, see the design's contract).
    fn value(&self, started_ms: f64) -> Value {
        let wipe = |lane: &str, w: &Wipe, with_time: bool| {
            let mut fields = vec![
                ("lane".to_string(), Value::Str(lane.to_string())),
                ("read".to_string(), Value::Int(w.read.into())),
                ("wrote".to_string(), Value::Int((w.read + 1).into())),
                ("overwrote".to_string(), Value::Int(w.overwrote.into())),
            ];
            if with_time {
                fields.push(("iteration".to_string(), Value::Int(w.iteration.into())));
                fields.push(("tMs".to_string(), Value::Float(w.t_ms - started_ms)));
            }
            Value::Dict(fields)
        };
        Value::Dict(vec![
            ("expected".into(), Value::Int(self.expected.into())),
            ("final".into(), Value::Int(self.final_count.into())),
            ("lost".into(), Value::Int(self.lost.into())),
            ("stores".into(), Value::Int(self.stores.into())),
            ("wipes".into(), Value::Int(self.wipes.into())),
            ("lowered".into(), Value::Int(self.lowered.into())),
            ("largest".into(), self.largest.as_ref().map_or(Value::None, |(lane, w)| wipe(lane, w, false))),
            ("caught".into(), Value::List(self.caught.iter().map(|(lane, w)| wipe(lane, w, true)).collect())),
        ])
    }

    /// The notes' account of every lost update.
    fn explained(&self) -> String {
        if self.lost == 0 && self.wipes == 0 {
            return "no store overwrote an update of another thread".to_string();
        }
        let single = self.wipes - self.lowered;
        let mut parts = Vec::new();
        if single > 0 {
            let each = if single == 1 { "store wiped" } else { "stores each wiped" };
            parts.push(format!("{} {each} out 1 update of another thread", group(single)));
        }
        if let Some((lane, w)) = self.largest.as_ref().filter(|_| self.lowered > 0) {
            let stores = if self.lowered == 1 { "store" } else { "stores" };
            parts.push(format!(
                "{} {stores} wiped out more and set the counter back, the largest {} at once ({lane} wrote {} over {})",
                group(self.lowered),
                group(w.overwrote - w.read),
                group(w.read + 1),
                group(w.overwrote)
            ));
        }
        format!("the ledger accounts for every one: {}", parts.join(", "))
    }
}

/// One variant's outcome: the final counter, the time from the start line to the last join,
/// and how long at least two threads were incrementing at the same time: updates can only be
/// lost while they overlap, and on a busy 2-core machine they sometimes barely do. The
/// no-lock variant also keeps its books.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub total: u64,
    pub ms: f64,
    pub overlap_ms: f64,
    pub ledger: Option<Ledger>,
    /// When the threads were released, on the shared clock.
    pub released_ms: f64,
}

/// How long at least two of the `(start, end)` stretches run at once.
fn overlap_ms(stretches: &[(f64, f64)]) -> f64 {
    let mut edges: Vec<(f64, i32)> = stretches.iter().flat_map(|&(start, end)| [(start, 1), (end, -1)]).collect();
    // Ends sort before starts at the same instant: touching stretches do not overlap.
    super::sort_short(&mut edges, |&edge| edge);
    let (mut running, mut since, mut overlap) = (0, 0.0, 0.0);
    for (t, change) in edges {
        if running >= 2 {
            overlap += t - since;
        }
        running += change;
        since = t;
    }
    overlap
}

/// `iterations` increments without a lock, keeping the books; where the wipes fell goes to the
/// timeline, one mark per block of increments that had any.
fn increment_without_lock(ctx: &Ctx, counter: &Counter, iterations: u64) -> ThreadLedger {
    let mut ledger = ThreadLedger { stores: iterations, ..ThreadLedger::default() };
    let mut block_start = 0;
    while block_start < iterations {
        let block_end = iterations.min(block_start + BLOCK);
        let started_ms = clock::now_ms();
        let mut wiped_here = 0;
        for i in block_start..block_end {
            // py: counter += 1   (LOAD counter, the bytecodes between, STORE counter)
            let read = counter.plain.load(Ordering::Relaxed);
            let next = bytecode_work(read) + 1;
            let overwrote = counter.plain.swap(next, Ordering::Relaxed);
            if overwrote != read {
                wiped_here += ledger.record(read, overwrote, i);
            }
        }
        if wiped_here > 0 {
            ctx.emit(EventKind::Marks { what: "lost-updates", start_ms: started_ms, count: wiped_here });
        }
        block_start = block_end;
    }
    ledger
}

/// Runs `threads` threads of `iterations` increments each, all released at once.
pub fn race(ctx: &Ctx, variant: Variant, threads: usize, iterations: u64) -> Result<Outcome, RtError> {
    race_settled(ctx, variant, threads, iterations, SETTLE_MS)
}

fn race_settled(
    ctx: &Ctx,
    variant: Variant,
    threads: usize,
    iterations: u64,
    settle_ms: f64,
) -> Result<Outcome, RtError> {
    let counter = Arc::new(Counter { plain: AtomicU64::new(0), locked: Mutex::new(0) });
    let start_line = Arc::new(StartLine::new(threads, settle_ms));
    let handles = (1..=threads)
        .map(|i| {
            let (counter, start_line) = (counter.clone(), start_line.clone());
            // The same lane names in every variant: the timeline shows Thread-1 and Thread-2
            // running the three variants one after the other.
            let lane = format!("Thread-{i} (increment)");
            ctx.spawn_thread(&lane.clone(), move |thread_ctx| {
                // py: threads = [threading.Thread(target=increment)
                let arrived_ms = clock::now_ms();
                start_line.wait();
                let start_ms = clock::now_ms();
                thread_ctx.span(SpanState::Wait, arrived_ms, "at the start line");
                let mut waits = LockWaits { spans: Vec::new() };
                let ledger = if variant == Variant::NoLock {
                    Some(increment_without_lock(thread_ctx, &counter, iterations))
                } else {
                    for _ in 0..iterations {
                        // py: for _ in range(100000):
                        counter.increment(variant, &mut waits);
                    }
                    None
                };
                thread_ctx.span(SpanState::Run, start_ms, format!("{}: {iterations} increments", variant.label()));
                let end_ms = clock::now_ms();
                waits.report(thread_ctx);
                ((start_ms, end_ms), ledger.map(|l| (lane, l)))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .inspect_err(|_| start_line.release())?; // the threads already started must not spin for ever
    let (stretches, books): (Vec<_>, Vec<_>) = handles
        .into_iter()
        .map(|handle| handle.join()) // py: for t in threads: t.join()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let released_ms = start_line.released_ms();
    let ms = clock::now_ms() - released_ms;
    let total = counter.total(variant);
    let books: Vec<_> = books.into_iter().flatten().collect();
    let ledger = (!books.is_empty()).then(|| Ledger::new(threads as u64 * iterations, total, books));
    Ok(Outcome { total, ms, overlap_ms: overlap_ms(&stretches), ledger, released_ms })
}

/// The no-lock round, repeated (at most `rounds` times) until one loses an update.
fn race_until_lost(ctx: &Ctx, threads: usize, iterations: u64, rounds: u64) -> Result<(Outcome, u64), RtError> {
    let mut round = 1;
    loop {
        let outcome = race(ctx, Variant::NoLock, threads, iterations)?;
        if outcome.ledger.as_ref().is_some_and(|l| l.lost > 0) || round >= rounds {
            return Ok((outcome, round));
        }
        round += 1;
    }
}

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let iterations = params.int("iterations");
    let rounds = params.int("rounds");
    let expected = threads as u64 * iterations;
    let mut totals = Vec::new();
    let mut ledger_value = None;
    for variant in [Variant::NoLock, Variant::Mutex, Variant::Atomic] {
        let (outcome, rounds_run) = match variant {
            Variant::NoLock => race_until_lost(ctx, threads, iterations, rounds)?,
            _ => (race(ctx, variant, threads, iterations)?, 1),
        };
        let Outcome { total, ms, overlap_ms, .. } = outcome;
        if variant == Variant::Mutex {
            ctx.print(format!("Final counter: {total}")); // py: print(f"Final counter: {counter}")
        }
        let verdict = if total == expected {
            "exact".to_string()
        } else {
            let lost = expected - total;
            format!("{} updates lost ({}%)", group(lost), decimal(lost as f64 * 100.0 / expected as f64, 1))
        };
        let mut note =
            format!("{}: Final counter: {total} of {expected}, {verdict}, in {} ms", variant.label(), decimal(ms, 1));
        if let Some(ledger) = &outcome.ledger {
            if ledger.lost > 0 {
                note += &format!("; {}", ledger.explained());
            }
            note += &race_explained(total == expected, threads, overlap_ms);
            if rounds > 1 {
                note += &match (rounds_run, ledger.lost > 0) {
                    (1, _) => "; the first round already lost updates".to_string(),
                    (n, true) => format!("; it took {n} rounds until one lost an update"),
                    (n, false) => format!("; none of {n} rounds lost an update"),
                };
            }
            ledger_value = Some(ledger.value(outcome.released_ms));
        }
        ctx.note(note);
        totals.push((variant.label().replace(' ', "_"), Value::Int(u128::from(total))));
    }
    totals.extend(ledger_value.map(|l| ("ledger".to_string(), l)));
    Ok(Value::Dict(totals))
}

/// "Run many times": the no-lock round, `runs` times for each loop length of `sweep`, on the
/// same warm threads. Each run's final counter goes out as it is measured (a `Sample`), so a
/// Stop keeps what was measured so far; a note per loop length says how many runs lost.
pub const REPEAT: Action = Action {
    name: "repeat",
    label: "Run many times",
    description: "The no-lock round alone, again and again on the same threads, for each loop length: \
                  how often does a run lose an update, and how many?",
    params: &[
        ParamSpec {
            name: "threads",
            label: "threads started together",
            kind: ParamKind::Int { min: 2, max: 16 },
            default: "2",
        },
        ParamSpec {
            name: "runs",
            label: "runs for each loop length",
            kind: ParamKind::Int { min: 1, max: 5_000 },
            default: "300",
        },
        ParamSpec {
            name: "sweep",
            label: "increments per thread, one loop length per item",
            kind: ParamKind::IntList { min: 1, max: 100_000, min_len: 1, max_len: 8 },
            default: "1, 10, 100, 1000, 10000",
        },
    ],
    check: None,
    threads_needed: |p| p.int("threads") as usize,
    run: |ctx, params| Box::pin(async move { repeat(&ctx, &params) }),
    views: &["race-histogram"],
};

fn repeat(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let runs = params.int("runs");
    // The runs' own threads report nothing: hundreds of runs would bury the timeline.
    let quiet = Ctx::discarding();
    let mut points = Vec::new();
    for &iterations in params.int_list("sweep") {
        let started_ms = clock::now_ms();
        let expected = threads as u64 * iterations;
        let mut runs_that_lost = 0;
        let settle_ms = if iterations >= FULL_SETTLE_FROM { SETTLE_MS } else { REPEAT_SETTLE_MS };
        for _ in 0..runs {
            let outcome = race_settled(&quiet, Variant::NoLock, threads, iterations, settle_ms)?;
            runs_that_lost += u64::from(outcome.total < expected);
            ctx.emit(EventKind::Sample { what: "final-counter", x: iterations, value: outcome.total });
        }
        let ms = clock::now_ms() - started_ms;
        ctx.span(SpanState::Run, started_ms, format!("{runs} runs of {threads} threads x {iterations} increments"));
        ctx.note(format!(
            "{} increment{} per thread: {runs_that_lost} of {runs} runs lost updates ({}%), {} ms for all",
            group(iterations),
            if iterations == 1 { "" } else { "s" },
            decimal(runs_that_lost as f64 * 100.0 / runs as f64, 0),
            decimal(ms, 0)
        ));
        points.push(Value::Dict(vec![
            ("increments".into(), Value::Int(iterations.into())),
            ("runs".into(), Value::Int(runs.into())),
            ("lost_runs".into(), Value::Int(runs_that_lost.into())),
            ("ms".into(), Value::Float(ms)),
        ]));
    }
    Ok(Value::Dict(vec![("points".into(), Value::List(points))]))
}

/// Why the no-lock count came out as it did: updates are lost only while threads overlap.
fn race_explained(exact: bool, threads: usize, overlap_ms: f64) -> String {
    let overlap = decimal(overlap_ms, 1);
    match (exact, threads) {
        (_, 1) => "; one thread alone has no one to race with".to_string(),
        // Seen in WebKit on 2 cores, whose page kept one core busy: one thread ran its whole
        // loop before the other was scheduled at all.
        (true, _) if overlap_ms < 0.05 => "; the threads never incremented at the same time: one finished \
             before the other began (another program, or the browser's own work, had the other core), \
             so nothing could be lost: run it again"
            .to_string(),
        (true, _) => format!(
            "; the threads incremented at the same time for only {overlap} ms, and no update \
             happened to be lost this time (they may have taken turns on one core while another \
             program, or the browser's own work, had the other): run it again"
        ),
        (false, _) => format!("; the threads incremented at the same time for {overlap} ms"),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn an_exact_count_says_whether_the_threads_ran_at_the_same_time_at_all() {
        assert!(race_explained(true, 2, 0.0).contains("never incremented at the same time"));
        assert!(race_explained(true, 2, 6.2).contains("for only 6.2 ms"));
        assert!(race_explained(false, 2, 0.0).ends_with("for 0.0 ms"));
    }

    #[test]
    fn the_mutex_and_the_atomic_are_exact() {
        let (ctx, _) = Ctx::collecting();
        for variant in [Variant::Mutex, Variant::Atomic] {
            assert_eq!(race(&ctx, variant, 4, 50_000).unwrap().total, 200_000, "{variant:?}");
        }
    }

    #[test]
    fn without_a_lock_the_total_never_exceeds_the_increments() {
        // It may fall far below: a thread that read long ago can overwrite many updates.
        let (ctx, _) = Ctx::collecting();
        let total = race(&ctx, Variant::NoLock, 2, 100_000).unwrap().total;
        assert!((1..=200_000).contains(&total), "{total}");
    }

    #[test]
    fn overlap_counts_the_time_two_or_more_threads_run_together() {
        assert_eq!(overlap_ms(&[(0.0, 10.0), (4.0, 12.0)]), 6.0);
        assert_eq!(overlap_ms(&[(0.0, 3.0), (5.0, 9.0)]), 0.0);
        assert_eq!(overlap_ms(&[(0.0, 10.0), (1.0, 2.0), (3.0, 4.0)]), 2.0);
        assert_eq!(overlap_ms(&[(0.0, 10.0), (2.0, 8.0), (4.0, 6.0)]), 6.0);
        assert_eq!(overlap_ms(&[(0.0, 5.0)]), 0.0);
    }

    #[test]
    fn the_ledger_accounts_for_every_lost_update_exactly() {
        let (ctx, _) = Ctx::collecting();
        for threads in 2..=8 {
            for _ in 0..4 {
                let outcome = race(&ctx, Variant::NoLock, threads, 20_000).unwrap();
                let l = outcome.ledger.expect("the no-lock race keeps books");
                assert_eq!(l.expected, threads as u64 * 20_000);
                assert_eq!(l.final_count, outcome.total);
                assert_eq!(l.expected - l.final_count, l.lost);
                assert_eq!(i128::from(l.lost), l.wiped_sum, "{threads} threads: {l:?}");
                assert_eq!(l.stores, l.expected);
                assert!(l.lowered <= l.wipes && l.caught.len() <= 20);
                assert!(l.caught.windows(2).all(|w| w[0].1.t_ms <= w[1].1.t_ms), "caught in time order");
                if l.lost > 0 {
                    let (_, largest) = l.largest.unwrap();
                    assert!(largest.overwrote > largest.read);
                }
            }
        }
    }

    #[test]
    fn a_round_that_loses_nothing_is_repeated_up_to_the_limit() {
        // One thread alone never loses an update: every one of the rounds runs.
        let (ctx, _) = Ctx::collecting();
        let (outcome, rounds) = race_until_lost(&ctx, 1, 1000, 3).unwrap();
        assert_eq!((outcome.total, rounds), (1000, 3));
    }

    #[test]
    fn many_runs_report_every_final_counter_and_a_note_per_loop_length() {
        let (ctx, out) = Ctx::collecting();
        let given = [("runs".to_string(), "20".to_string()), ("sweep".to_string(), "1, 1000".to_string())];
        let params = crate::params::validate(REPEAT.params, &given).unwrap();
        let value = repeat(&ctx, &params).unwrap();
        let samples: Vec<(u64, u64)> = out
            .events()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::Sample { what: "final-counter", x, value } => Some((x, value)),
                _ => None,
            })
            .collect();
        assert_eq!(samples.len(), 40);
        assert!(samples.iter().all(|&(x, v)| (1..=2 * x).contains(&v)), "{samples:?}");
        assert_eq!(out.notes().len(), 2);
        let Value::Dict(fields) = value else { panic!("a dict") };
        let Value::List(points) = &fields[0].1 else { panic!("points") };
        assert_eq!(points.len(), 2);
    }

    #[test]
    fn prints_the_seeds_line_and_one_note_per_variant() {
        let (ctx, out) = Ctx::collecting();
        let params = crate::params::validate(SCENARIO.params, &[]).unwrap();
        run(&ctx, &params).unwrap();
        assert_eq!(out.lines(), ["Final counter: 200000"]);
        let notes: Vec<String> = out
            .events()
            .into_iter()
            .filter_map(|e| match e.kind {
                crate::rt::EventKind::Note(n) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(notes.len(), 3);
        let no_lock = &notes[0];
        assert!(no_lock.starts_with("no lock: Final counter: "), "{no_lock}");
        if !no_lock.contains("exact") {
            assert!(no_lock.contains("the ledger accounts for every one: "), "{no_lock}");
        }
        assert!(notes[1].starts_with("mutex: Final counter: 200000 of 200000, exact"), "{}", notes[1]);
    }
}
