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
}

/// A global of the module. Every process has its own copy; threads share one.
pub static GLOBAL_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `sum(i * i for i in range(n))`, exactly. The loop really runs: `black_box` hides `i`
/// from the optimiser, which would otherwise replace the loop with n(n-1)(2n-1)/6.
/// Each square fits in u64 for every n the page accepts (n <= 10^9), and wasm has no
/// 64x64->128 multiply, so squares are u64 and only the running sum is u128.
pub fn sum_of_squares(n: u64) -> u128 {
    let mut sum: u128 = 0;
    for i in 0..n {
        let i = std::hint::black_box(i);
        sum += u128::from(i * i);
    }
    sum
}

impl Call {
    pub fn decode(text: &str) -> Result<Call, String> {
        let (name, arg) = text.split_once(' ').unwrap_or((text, ""));
        let arg = || arg.parse::<u64>().map_err(|_| format!("bad argument in call {text:?}"));
        match name {
            "compute_heavy_task" => Ok(Call::ComputeHeavy(arg()?)),
            "task" => Ok(Call::Double(arg()?)),
            "bump_global" => Ok(Call::BumpGlobal),
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
        }
    }

    fn run(&self, ctx: &Ctx, pid: u32) -> Result<u128, String> {
        match *self {
            Call::ComputeHeavy(n) => {
                ctx.print(format!("Process {pid} calculating..."));
                Ok(sum_of_squares(n))
            }
            Call::Double(n) => Ok(u128::from(n) * 2),
            Call::BumpGlobal => Ok(u128::from(GLOBAL_COUNTER.fetch_add(1, Ordering::SeqCst) + 1)),
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
