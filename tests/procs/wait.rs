//! Waiting for a fact: a test polls the condition it needs, with a generous limit that only
//! guards against a hang. How long the wait took is never the claim.

use std::time::{Duration, Instant};

/// The longest pause between two looks at the condition.
const MAX_PAUSE: Duration = Duration::from_millis(20);

/// Calls `f` until it returns `Some`, for at most `limit`; `None` when the limit passed first.
pub fn poll<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(value) = f() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        // Polling, not waiting for time: the next look comes soon, a little later each time.
        std::thread::sleep(pause);
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Whether `condition` held within `limit` (looked at until it does).
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    poll(limit, || condition().then_some(())).is_some()
}

/// Runs `f` on a thread of its own and returns its value; panics, saying `what` hung, when it has
/// not returned within `limit` (the thread is left behind, as a hung call would be). A panic in
/// `f` is passed on.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match thread.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends its value before it ends"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {limit:?}")
        }
    }
}
