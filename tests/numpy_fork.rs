//! numpy's shared generator and forked workers: a thread that draws from it while the pool
//! forks never leaves a worker a lock it cannot take. In a file of its own: the thread below
//! races every other user of the shared generator in this process (that is the module's 15.2
//! race), so no other test may share the process with it.

use parlab::numpy::random::{randint, seed};
use parlab::prelude::*;

/// The module's function, on numpy's module-level (shared) generator.
fn random_square(myseed: u32) -> u32 {
    seed(myseed);
    let random_num = randint(0, 10);
    (random_num * random_num) as u32
}

#[test]
fn a_thread_drawing_from_the_shared_generator_never_locks_a_forked_worker() {
    // Another thread holds numpy's shared lock most of the time; every fork happens while it
    // runs. Without the fork handlers, a child could start with that lock taken and no thread
    // to release it (the watchdog would then report the worker stuck).
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let stop = Arc::new(AtomicBool::new(false));
    let hammer = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                seed(1);
                randint(0, 10);
            }
        })
    };
    let want: Vec<u32> = (0..200).map(parlab::tasks::random_square).collect();
    let pool = ProcessPool::new(2).unwrap();
    for _ in 0..30 {
        assert_eq!(pool.map(random_square, 0..200u32).unwrap(), want);
    }
    stop.store(true, Ordering::Relaxed);
    hammer.join().unwrap();
}
