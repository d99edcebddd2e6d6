//! One clock for every thread, process and task of a run.
//!
//! In the browser each worker has its own `performance.now()` that starts when *that* worker
//! started, so raw readings of two workers do not line up. Adding `performance.timeOrigin`
//! turns each into milliseconds since the Unix epoch, which all workers share; the host
//! backend counts the same way from one reading of the wall clock.

/// Milliseconds since the Unix epoch, with sub-millisecond precision where available.
pub fn now_ms() -> f64 {
    super::backend::now_ms()
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
