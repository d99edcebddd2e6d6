//! The GIL, made visible: the pool's CPU-bound work on threads, with and without a global
//! interpreter lock.
//!
//! ```python
//! import threading
//!
//! def compute_heavy_task(n):
//!     return sum(i * i for i in range(n))
//!
//! threads = [threading.Thread(target=compute_heavy_task, args=(10**7,)) for _ in range(4)]
//! for t in threads: t.start()
//! for t in threads: t.join()      # in CPython: no faster than one thread doing all four
//! ```
//!
//! The seed uses processes for CPU-bound work, and this is why. CPython threads must hold the
//! GIL to run Python code; a thread keeps it for a switch interval (5 ms) and then hands it
//! over. So CPU-bound threads take turns instead of running side by side. Rust threads have
//! no such lock. This scenario runs the same work twice on the same Web Workers: once free,
//! once under a GIL of our own (a fair lock handed over every `SWITCH_INTERVAL_MS`), and
//! times both against one thread doing one share (each the best of three rounds).

use std::sync::{Arc, Condvar, Mutex};

use super::tasks::{sum_of_squares_between, warm_up};
use super::{Scenario, TestParams, lesson_program};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rt::{Ctx, RtError, SpanState, clock};
use crate::value::{Value, decimal};

pub static SCENARIO: Scenario = Scenario {
    id: "threading-gil",
    title: "The GIL, made visible",
    seed_section: "Multiprocessing: why the seed uses processes for CPU-bound work",
    from_seed: false,
    params: &[
        ParamSpec {
            name: "threads",
            label: "threads computing at once",
            kind: ParamKind::Int { min: 1, max: 16 },
            default: "4",
        },
        ParamSpec {
            name: "n",
            label: "compute_heavy_task(n) on each thread",
            kind: ParamKind::Int { min: 1, max: 100_000_000 },
            default: "10**7",
        },
    ],
    check: None,
    needs_shared_memory: true,
    threads_needed: |p| p.int("threads") as usize,
    run: lesson_program!(|ctx, params| Box::pin(async move { run(&ctx, &params) })),
    source_file: "threading_gil.rs",
    more_source_files: &[],
    views: &[],
    actions: &[],
    predict: false,
    test_params: TestParams { light: &[("threads", "2"), ("n", "10**5")], busy: &[("threads", "4"), ("n", "10**8")] },
    python: "",
    notice: "Without a GIL, threads compute at the same time on different cores: the speed-up grows with \
             the cores the browser offers. With the GIL they take turns (the red waits on the timeline) and \
             need about as long as one thread doing all the work. That is why the seed's CPU-bound work uses processes: each has its \
             own interpreter and its own GIL.",
};

/// Python's default `sys.getswitchinterval()`.
const SWITCH_INTERVAL_MS: f64 = 5.0;

/// A global interpreter lock: one holder at a time, handed over in arrival order (CPython's
/// GIL also makes a waiting thread's request force a hand-over).
struct Gil {
    state: Mutex<Tickets>,
    handed_over: Condvar,
}

struct Tickets {
    next: u64,
    serving: u64,
}

impl Gil {
    fn new() -> Gil {
        Gil { state: Mutex::new(Tickets { next: 0, serving: 0 }), handed_over: Condvar::new() }
    }

    /// Waits for the GIL; reports the wait on the caller's lane.
    fn acquire(&self, ctx: &Ctx) {
        let start_ms = clock::now_ms();
        let mut tickets = self.state.lock().unwrap();
        let mine = tickets.next;
        tickets.next += 1;
        while tickets.serving != mine {
            tickets = self.handed_over.wait(tickets).unwrap();
        }
        if clock::now_ms() - start_ms > 0.05 {
            ctx.span(SpanState::GilWait, start_ms, "waiting for the GIL");
        }
    }

    fn release(&self) {
        self.state.lock().unwrap().serving += 1;
        self.handed_over.notify_all();
    }
}

/// `compute_heavy_task(n)` in slices of the switch interval, holding the GIL for each slice.
fn compute_under_gil(ctx: &Ctx, gil: &Gil, n: u64) -> u128 {
    const SLICE: u64 = 100_000; // iterations between clock readings
    let mut sum = 0;
    let mut i = 0;
    while i < n {
        gil.acquire(ctx);
        let held_from = clock::now_ms();
        while i < n && clock::now_ms() - held_from < SWITCH_INTERVAL_MS {
            let end = (i + SLICE).min(n);
            sum += sum_of_squares_between(i, end);
            i = end;
        }
        ctx.span(SpanState::Run, held_from, "computing, holding the GIL");
        gil.release();
    }
    sum
}

/// Runs `threads` threads of `compute_heavy_task(n)`, with or without the GIL; returns ms.
fn round(ctx: &Ctx, threads: usize, n: u64, gil: Option<Arc<Gil>>) -> Result<f64, RtError> {
    let started = clock::now_ms();
    let handles = (1..=threads)
        .map(|i| {
            let gil = gil.clone();
            ctx.spawn_thread(&format!("Thread-{i} (compute_heavy_task)"), move |ctx| match gil {
                Some(gil) => compute_under_gil(ctx, &gil, n), // py: threads = [threading.Thread(target=compute_heavy_task, args=(10**7,))
                None => {
                    let start_ms = clock::now_ms();
                    let sum = sum_of_squares_between(0, n);
                    ctx.span(SpanState::Run, start_ms, format!("compute_heavy_task({n}), no GIL"));
                    sum
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    for handle in handles {
        handle.join()?; // py: for t in threads: t.join()
    }
    Ok(clock::now_ms() - started)
}

fn run(ctx: &Ctx, params: &Params) -> Result<Value, RtError> {
    let threads = params.int("threads") as usize;
    let n = params.int("n");
    warm_up();
    // Each figure is the best of three rounds: this machine's other work only ever adds time.
    let best_of_3 = |gil: Option<Arc<Gil>>, threads: usize| -> Result<f64, RtError> {
        (0..3).try_fold(f64::INFINITY, |best, _| Ok(best.min(round(ctx, threads, n, gil.clone())?)))
    };
    let one = best_of_3(None, 1)?;
    ctx.note(format!("one thread, one share: {} ms", decimal(one, 0)));
    let free = best_of_3(None, threads)?;
    let with_gil = best_of_3(Some(Arc::new(Gil::new())), threads)?;
    let speedup = |ms: f64| threads as f64 * one / ms;
    ctx.note(format!(
        "{threads} threads without a GIL: {} ms, speed-up {}× (Rust, as it runs)",
        decimal(free, 0),
        decimal(speedup(free), 2)
    ));
    ctx.note(format!(
        "{threads} threads under a GIL: {} ms, speed-up {}× (as CPython would)",
        decimal(with_gil, 0),
        decimal(speedup(with_gil), 2)
    ));
    Ok(Value::Dict(vec![
        ("one_thread_ms".into(), Value::Int(one.round() as u128)),
        ("free_ms".into(), Value::Int(free.round() as u128)),
        ("gil_ms".into(), Value::Int(with_gil.round() as u128)),
    ]))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_gil_computes_the_same_sum_in_slices() {
        let (ctx, out) = Ctx::collecting();
        let gil = Gil::new();
        assert_eq!(compute_under_gil(&ctx, &gil, 1_000_000), 333_332_833_333_500_000);
        assert!(
            out.events().iter().any(|e| matches!(e.kind, crate::rt::EventKind::Span { state: SpanState::Run, .. }))
        );
    }

    #[test]
    fn under_the_gil_only_one_thread_computes_at_a_time() {
        let (ctx, out) = Ctx::collecting();
        round(&ctx, 3, 3_000_000, Some(Arc::new(Gil::new()))).unwrap();
        let mut runs: Vec<(f64, f64)> = out
            .events()
            .into_iter()
            .filter_map(|e| match e.kind {
                crate::rt::EventKind::Span { state: SpanState::Run, start_ms, .. } => Some((start_ms, e.t_ms)),
                _ => None,
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in runs.windows(2) {
            assert!(pair[1].0 >= pair[0].1 - 0.01, "slices overlap: {pair:?}");
        }
    }
}
