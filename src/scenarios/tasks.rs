//! The functions the seed sends to other processes, and their encoding as messages.
//!
//! ```python
//! def compute_heavy_task(n):
//!     print(f"Process {os.getpid()} calculating...")      # shows unique OS process ID
//!     return sum(i * i for i in range(n))
//!
//! def task(n):
//!     return n * 2
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use crate::rt::Ctx;
use crate::rt::process::ProcessTask;

/// A call that can run in another process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `compute_heavy_task(n)`.
    ComputeHeavy(u64),
    /// `task(n)` of the executors section.
    Double(u64),
    /// Adds one to this process's `GLOBAL_COUNTER` and returns it: shows that a child's
    /// globals are its own.
    BumpGlobal,
    /// Panics in the process: a failure drill for the robustness tests (feature `drills`).
    #[cfg(feature = "drills")]
    Panic,
}

/// A global of the module. Every process has its own copy; threads share one.
pub static GLOBAL_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `sum(i * i for i in range(n))`, exactly, by really looping (see `sum_of_squares_chunk`).
pub fn sum_of_squares(n: u64) -> u128 {
    sum_of_squares_between(0, n)
}

/// `sum(i * i for i in range(start, end))`: one worker's share when the sum is split.
///
/// It works in chunks, one call each. The browser first runs wasm in a quick baseline tier
/// and swaps in optimised code only for *later calls* of a function: one long call would run
/// unoptimised to its end, many short ones get the optimised code after a few milliseconds.
pub fn sum_of_squares_between(start: u64, end: u64) -> u128 {
    const CHUNK: u64 = 1 << 16;
    let mut sum = 0;
    let mut i = start;
    while i < end {
        let stop = end.min(i.saturating_add(CHUNK));
        sum += sum_of_squares_chunk(i, stop);
        i = stop;
    }
    sum
}

/// The loop really runs: every square is computed. Each `i` is XORed with a zero that the
/// optimiser cannot see (it comes through `black_box` once per call): that costs one cheap
/// instruction, and without it the optimiser would replace the loop, or each block of it, by
/// n(n-1)(2n-1)/6 (seen on the host: 10^9 squares "summed" in 0.04 ns each). `black_box` on
/// every `i` would work too, but in wasm it is a store and a load per square.
///
/// Squares are added in u64 blocks of 16 and each block into the u128 sum: wasm has no
/// add-with-carry, so a u128 add per square would cost about as much as the square itself.
/// A block cannot overflow for any n the page accepts: i < 10^9, so i * i < 10^18, and
/// 16 * 10^18 < 2^64.
#[inline(never)]
fn sum_of_squares_chunk(start: u64, end: u64) -> u128 {
    const BLOCK: u64 = 16;
    let hidden_zero = std::hint::black_box(0u64);
    let mut sum: u128 = 0;
    let mut i = start;
    while i + BLOCK <= end {
        let mut block: u64 = 0;
        for k in 0..BLOCK {
            let j = (i + k) ^ hidden_zero;
            block += j * j;
        }
        sum += u128::from(block);
        i += BLOCK;
    }
    for j in i..end {
        let j = j ^ hidden_zero;
        sum += u128::from(j * j);
    }
    sum
}

/// Runs the hot loop, untimed, until the browser has swapped in its optimised code (a call
/// stops getting faster), so that timed runs measure that code and not the quick first
/// compilation. 40 to 300 ms.
pub fn warm_up() {
    // The optimised code is compiled in the background, which takes a moment: keep calling for
    // at least 40 ms, then until ten calls in a row are no faster.
    let (mut best, mut calls_since_best, started) = (f64::INFINITY, 0, crate::rt::clock::now_ms());
    let elapsed = || crate::rt::clock::now_ms() - started;
    while (calls_since_best < 10 || elapsed() < 40.0) && elapsed() < 300.0 {
        let t = crate::rt::clock::now_ms();
        std::hint::black_box(sum_of_squares_between(0, 1 << 18));
        let ms = crate::rt::clock::now_ms() - t;
        if ms < best * 0.95 {
            (best, calls_since_best) = (ms, 0);
        } else {
            calls_since_best += 1;
        }
    }
}

impl Call {
    pub fn decode(text: &str) -> Result<Call, String> {
        let (name, arg) = text.split_once(' ').unwrap_or((text, ""));
        let arg = || arg.parse::<u64>().map_err(|_| format!("bad argument in call {text:?}"));
        match name {
            "compute_heavy_task" => Ok(Call::ComputeHeavy(arg()?)),
            "task" => Ok(Call::Double(arg()?)),
            "bump_global" => Ok(Call::BumpGlobal),
            #[cfg(feature = "drills")]
            "panic" => Ok(Call::Panic),
            _ => Err(format!("unknown call {text:?}")),
        }
    }
}

impl ProcessTask for Call {
    fn encode(&self) -> String {
        match self {
            Call::ComputeHeavy(n) => format!("compute_heavy_task {n}"),
            Call::Double(n) => format!("task {n}"),
            Call::BumpGlobal => "bump_global".to_string(),
            #[cfg(feature = "drills")]
            Call::Panic => "panic".to_string(),
        }
    }

    fn label(&self) -> String {
        match self {
            Call::ComputeHeavy(n) => format!("compute_heavy_task({n})"),
            Call::Double(n) => format!("task({n})"),
            Call::BumpGlobal => "GLOBAL_COUNTER += 1".to_string(),
            #[cfg(feature = "drills")]
            Call::Panic => "panic()".to_string(),
        }
    }

    fn run(&self, ctx: &Ctx, pid: u32) -> Result<u128, String> {
        match *self {
            Call::ComputeHeavy(n) => {
                ctx.print(format!("Process {pid} calculating...")); // py: print(f"Process {os.getpid()} calculating...")
                Ok(sum_of_squares(n)) // py: return sum(i * i for i in range(n))
            }
            Call::Double(n) => Ok(u128::from(n) * 2),
            Call::BumpGlobal => Ok(u128::from(GLOBAL_COUNTER.fetch_add(1, Ordering::SeqCst) + 1)),
            #[cfg(feature = "drills")]
            Call::Panic => panic!("a deliberate panic in process {pid}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_where_u64_would_overflow() {
        assert_eq!(sum_of_squares(0), 0);
        assert_eq!(sum_of_squares(4), 14);
        assert_eq!(sum_of_squares(1_000_000), 333_332_833_333_500_000);
        assert_eq!(sum_of_squares(10_000_000), 333_333_283_333_335_000_000);
    }

    #[test]
    fn calls_round_trip_through_text() {
        for call in [Call::ComputeHeavy(10), Call::Double(7), Call::BumpGlobal] {
            assert_eq!(Call::decode(&call.encode()), Ok(call));
        }
        assert!(Call::decode("rm -rf /").is_err());
    }
}
