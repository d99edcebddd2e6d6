//! One clock for every thread, process and task of a run.
//!
//! In the browser each worker has its own `performance.now()` that starts when *that* worker
//! started, so raw readings of two workers do not line up. Adding `performance.timeOrigin`
//! turns each into milliseconds since the Unix epoch, which all workers share.

/// Milliseconds since the Unix epoch, with sub-millisecond precision where available.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type Performance;
        #[wasm_bindgen(thread_local_v2, js_name = performance)]
        static PERFORMANCE: Performance;
        #[wasm_bindgen(method)]
        fn now(this: &Performance) -> f64;
        #[wasm_bindgen(method, getter, js_name = timeOrigin)]
        fn time_origin(this: &Performance) -> f64;
    }

    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    // Read the wall clock once and count from there with the monotonic clock, as the
    // browser does with timeOrigin + now().
    static ORIGIN: OnceLock<(Instant, f64)> = OnceLock::new();
    let (start, epoch_ms) = ORIGIN.get_or_init(|| {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        (Instant::now(), since_epoch.as_secs_f64() * 1000.0)
    });
    epoch_ms + start.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_clock_moves_forward() {
        let a = super::now_ms();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let b = super::now_ms();
        assert!(b - a >= 4.5, "{a} -> {b}");
    }
}
