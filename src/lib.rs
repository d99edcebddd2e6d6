//! # Concurrency Playground
//!
//! Every program of a Python cheat sheet on threads, locks, processes, pools, asyncio and
//! executors, ported to Rust and run *for real* in the browser: Web Workers on shared memory
//! as threads, separate wasm instances as processes, JS promises and timers for asyncio.
//!
//! | scenario id | Python (seed section) | Rust |
//! | --- | --- | --- |
//! | `threading-basic` | Basic Threading | [`scenarios::threading_basic`] |
//! | `threading-lock` | Race Conditions & Locks | [`scenarios::threading_lock`] |
//! | `multiprocessing-process` | Parallel Execution | [`scenarios::multiprocessing_process`] |
//! | `multiprocessing-pool` | Using a Pool | [`scenarios::multiprocessing_pool`] |
//! | `asyncio-gather` | Async/Await Basics, Running Tasks Concurrently | [`scenarios::asyncio_gather`] |
//! | `concurrent-futures` | Concurrent Futures | [`scenarios::concurrent_futures`] |
//! | `threading-gil` | (beyond the seed) why CPU-bound work uses processes | [`scenarios::threading_gil`] |
//! | `threading-speedup` | (beyond the seed) speed-up on 1…n workers | [`scenarios::threading_speedup`] |
//! | `threading-deadlock` | (beyond the seed) two locks, opposite order | [`scenarios::threading_deadlock`] |
//! | `threading-interleave` | (beyond the seed) the learner schedules `counter += 1`'s steps | [`scenarios::threading_interleave`] |
//! | `rayon-pool` | (beyond the seed) what Rust writes instead of a process pool | [`scenarios::rayon_pool`] |
//!
//! The functions the seed sends to processes (`compute_heavy_task`, `task`) are in
//! [`scenarios::tasks`].
//!
//! Layout: [`scenarios`] holds one file per program, each opening with the Python it ports;
//! [`rt`] is the platform layer they run on (threads, processes, tasks, clock, printing) with a
//! browser and a host implementation; [`params`] validates parameters for the page and the JS
//! API alike; `web` is the thin `#[wasm_bindgen]` surface that `www/` calls.

#[cfg(feature = "drills")]
pub mod bench;
pub mod json;
pub mod params;
pub mod rt;
pub mod scenarios;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod web;
