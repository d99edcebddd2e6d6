//! Runs every scenario natively on the host with its default parameters and prints each one's
//! wall time: the "native Rust" reference for the same core the browser runs.
//!
//! `cargo run --release --example native_run` (`-- --list`: the scenarios as JSON lines,
//! `{"id", "fromSeed", "seedSection"}`, for tools that walk the registry)

#[cfg(target_arch = "wasm32")]
fn main() {} // wasm-pack test builds every example; this one means nothing in a browser

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::time::Instant;

    use concurrency_playground::params::validate;
    use concurrency_playground::rt::{Ctx, backend::block_on};
    use concurrency_playground::scenarios::ALL;

    if std::env::args().any(|a| a == "--list") {
        for s in ALL {
            // Ids and headings are plain ASCII without quotes: Debug formatting is valid JSON here.
            println!(r#"{{"id": {:?}, "fromSeed": {}, "seedSection": {:?}}}"#, s.id, s.from_seed, s.seed_section);
        }
        return;
    }
    for scenario in ALL {
        let params = validate(scenario.params, &[]).expect("defaults are valid");
        let (ctx, out) = Ctx::collecting();
        let started = Instant::now();
        let outcome = block_on(scenario.start(ctx, params));
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Ok(value) => println!("{:<24} {ms:>9.1} ms  {} lines  {}", scenario.id, out.lines().len(), value.py_repr()),
            Err(e) => println!("{:<24} {ms:>9.1} ms  error: {e}", scenario.id),
        }
    }
}
