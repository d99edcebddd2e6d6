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
//!   this safe Rust; what is lost is the read-modify-write as a whole.)
//! * a mutex, as the seed does: exact, since one thread at a time holds the lock.
//! * an atomic add (`fetch_add`): exact without a lock; the hardware makes the
//!   read-modify-write one indivisible step.
//!
//! All threads wait at a start line and are released together, so they really overlap.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::Scenario;
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
    ],
    needs_shared_memory: true,
    threads_needed: |p| p.int("threads") as usize,
    run: |ctx, params| Box::pin(async move { run(&ctx, &params) }),
    source_file: "threading_lock.rs",
    more_source_files: &[],
    views: &[],
    notice: "Without a lock, both threads read the same value and both write value + 1: one of the two updates is lost, over and over. The mutex lets one thread at a time do read-add-write, so none is lost; the atomic add makes read-add-write one indivisible step. On the timeline, the orange bars are the time each thread waited for the lock.",
};

/// How the threads add one to the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    NoLock,
    Mutex,
    Atomic,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::NoLock => "no lock",
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
            Variant::NoLock => {
                let seen = self.plain.load(Ordering::Relaxed);
                let next = bytecode_work(seen) + 1;
                // Another thread may have stored since our load: its update is overwritten.
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
            Variant::NoLock | Variant::Atomic => self.plain.load(Ordering::SeqCst),
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
    arrived: AtomicUsize,
    go: AtomicBool,
    /// When the threads were released, on the shared clock (f64 bits): the race's time
    /// counts from here, not from the spawns.
    released_ms: AtomicU64,
}

const SETTLE_MS: f64 = 2.0;

impl StartLine {
    fn new(threads: usize) -> StartLine {
        StartLine { threads, arrived: AtomicUsize::new(0), go: AtomicBool::new(false), released_ms: AtomicU64::new(0) }
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
            let settled = clock::now_ms() + SETTLE_MS;
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
            ctx.span(SpanState::LockWait, start, format!("waiting for the lock, {} ms", decimal(end - start, 2)));
        }
    }
}

/// One variant's outcome: the final counter, the time from the start line to the last join,
/// and how long at least two threads were incrementing at the same time: updates can only be
/// lost while they overlap, and on a busy 2-core machine they sometimes barely do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub total: u64,
    pub ms: f64,
    pub overlap_ms: f64,
}

/// How long at least two of the `(start, end)` stretches run at once.
fn overlap_ms(stretches: &[(f64, f64)]) -> f64 {
    let mut edges: Vec<(f64, i32)> = stretches.iter().flat_map(|&(start, end)| [(start, 1), (end, -1)]).collect();
    // At most 32 edges: an insertion sort. (`slice::sort_by` would add ~10 KB to the wasm.)
    // Ends sort before starts at the same instant: touching stretches do not overlap.
    for i in 1..edges.len() {
        let mut j = i;
        while j > 0 && (edges[j - 1].0, edges[j - 1].1) > (edges[j].0, edges[j].1) {
            edges.swap(j - 1, j);
            j -= 1;
        }
    }
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

/// Runs `threads` threads of `iterations` increments each, all released at once.
pub fn race(ctx: &Ctx, variant: Variant, threads: usize, iterations: u64) -> Result<Outcome, RtError> {
    let counter = Arc::new(Counter { plain: AtomicU64::new(0), locked: Mutex::new(0) });
    let start_line = Arc::new(StartLine::new(threads));
    let handles = (1..=threads)
        .map(|i| {
            let (counter, start_line) = (counter.clone(), start_line.clone());
            // The same lane names in every variant: the timeline shows Thread-1 and Thread-2
            // running the three variants one after the other.
            ctx.spawn_thread(&format!("Thread-{i} (increment)"), move |thread_ctx| {
                // py: threads = [threading.Thread(target=increment)
                let arrived_ms = clock::now_ms();
                start_line.wait();
                let start_ms = clock::now_ms();
                thread_ctx.span(SpanState::Wait, arrived_ms, "at the start line");
                let mut waits = LockWaits { spans: Vec::new() };
                for _ in 0..iterations {
                    // py: for _ in range(100000):
                    counter.increment(variant, &mut waits);
                }
                thread_ctx.span(SpanState::Run, start_ms, format!("{}: {iterations} increments", variant.label()));
                let end_ms = clock::now_ms();
                waits.report(thread_ctx);
                (start_ms, end_ms)
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .inspect_err(|_| start_line.release())?; // the threads already started must not spin for ever
    let stretches = handles
        .into_iter()
        .map(|handle| handle.join()) // py: for t in threads: t.join()
        .collect::<Result<Vec<_>, _>>()?;
    let ms = clock::now_ms() - start_line.released_ms();
    Ok(Outcome { total: counter.total(variant), ms, overlap_ms: overlap_ms(&stretches) })
}

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let iterations = params.int("iterations");
    let expected = threads as u64 * iterations;
    let mut totals = Vec::new();
    for variant in [Variant::NoLock, Variant::Mutex, Variant::Atomic] {
        let Outcome { total, ms, overlap_ms } = race(ctx, variant, threads, iterations)?;
        if variant == Variant::Mutex {
            ctx.print(format!("Final counter: {total}")); // py: print(f"Final counter: {counter}")
        }
        let verdict = if total == expected {
            "exact".to_string()
        } else {
            let lost = expected - total;
            format!("{lost} updates lost ({}%)", decimal(lost as f64 * 100.0 / expected as f64, 1))
        };
        let mut note =
            format!("{}: Final counter: {total} of {expected}, {verdict}, in {} ms", variant.label(), decimal(ms, 1));
        if variant == Variant::NoLock {
            note += &race_explained(total == expected, threads, overlap_ms);
        }
        ctx.note(note);
        totals.push((variant.label().replace(' ', "_"), Value::Int(u128::from(total))));
    }
    Ok(Value::Dict(totals))
}

/// Why the no-lock count came out as it did: updates are lost only while threads overlap.
fn race_explained(exact: bool, threads: usize, overlap_ms: f64) -> String {
    let overlap = decimal(overlap_ms, 1);
    match (exact, threads) {
        (_, 1) => "; one thread alone has no one to race with".to_string(),
        (true, _) => format!(
            "; the threads incremented at the same time for only {overlap} ms, and no update \
             happened to be lost this time (another program may have had a core): run it again"
        ),
        (false, _) => format!("; the threads incremented at the same time for {overlap} ms"),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

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
        assert!(notes[1].starts_with("mutex: Final counter: 200000 of 200000, exact"), "{}", notes[1]);
    }
}
