//! Timeouts (`MapOptions::with_timeout`, `Future::result_timeout`) on every backend, and the
//! watchdog that kills a forked worker stuck on a lock.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parlab::prelude::*;
use parlab::workloads::kernels::Sleep;

/// `(value, micros)` inputs: task `slow` sleeps `long` µs, the others 1 ms.
fn naps(n: u64, slow: u64, long: u64) -> Vec<(u64, u64)> {
    (0..n)
        .map(|i| (i, if i == slow { long } else { 1_000 }))
        .collect()
}

/// The tests fork and count children: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Live child processes of this test process (zombies are not counted).
fn children() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|s| {
            s.rsplit_once(')').is_some_and(|(_, r)| {
                let mut f = r.split_whitespace();
                f.next() != Some("Z") && f.next() == Some(me.as_str())
            })
        })
        .count()
}

#[test]
fn process_backends_and_the_cluster_stop_at_the_deadline_and_go_on() {
    let _serial = serial();
    let options = MapOptions::default().with_timeout(Duration::from_millis(400));
    for kind in [
        BackendKind::ProcessPool,
        BackendKind::ProcessExecutor,
        BackendKind::Joblib,
        BackendKind::Cluster,
    ] {
        let backend = kind.build(2).unwrap();
        let before = children();
        let started = Instant::now();
        let err = backend
            .run_with(&Sleep, &naps(6, 3, 60_000_000), &options)
            .unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "{}: {took:?}", kind.name());
        match &err {
            Error::TimedOut {
                running, seconds, ..
            } => {
                assert!(running.contains(&3), "{}: {err}", kind.name());
                assert_eq!(*seconds, 0.4);
                assert!(err.to_string().contains("task"), "{err}");
            }
            other => panic!("{}: {other}", kind.name()),
        }
        assert!(children() <= before, "{}: a worker was left", kind.name());
        // The backend goes on, with the same numbers.
        let again = backend.run_with(&Sleep, &naps(6, 9, 0), &options).unwrap();
        assert_eq!(again.results, [0, 1, 2, 3, 4, 5], "{}", kind.name());
    }
}

#[test]
fn thread_backends_start_nothing_after_the_deadline() {
    let _serial = serial();
    let options = MapOptions::default().with_timeout(Duration::from_millis(250));
    let slow = kernel("nap", |ms: &u64| {
        std::thread::sleep(Duration::from_millis(*ms));
        *ms
    });
    let inputs = vec![100u64; 40]; // 4 s of work on one thread, 2 s on two
    for kind in [
        BackendKind::Sequential,
        BackendKind::Threads,
        BackendKind::Rayon,
        BackendKind::ThreadExecutor,
        BackendKind::Dask,
    ] {
        let backend = kind.build(2).unwrap();
        let started = Instant::now();
        let err = backend.run_with(&slow, &inputs, &options).unwrap_err();
        let took = started.elapsed();
        assert!(
            matches!(err, Error::TimedOut { .. }),
            "{}: {err}",
            kind.name()
        );
        assert!(
            took < Duration::from_millis(900),
            "{}: {took:?}",
            kind.name()
        );
        let ok = backend.run_with(&slow, &[1, 2], &options).unwrap();
        assert_eq!(ok.results, [1, 2], "{}", kind.name());
    }
}

#[test]
fn thread_futures_time_out_and_the_executor_goes_on() {
    let _serial = serial();
    let pool = ThreadExecutor::new(2).unwrap();
    let slow = pool.submit(|| std::thread::sleep(Duration::from_secs(1)));
    let started = Instant::now();
    let err = slow.result_timeout(Duration::from_millis(100)).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(
        matches!(err, Error::TimedOut { ref running, .. } if running == &[0]),
        "{err}"
    );
    assert_eq!(
        pool.submit(|| 7)
            .result_timeout(Duration::from_secs(5))
            .unwrap(),
        7
    );
}

#[test]
fn the_watchdog_kills_a_worker_stuck_on_a_lock_held_at_the_fork() {
    let _serial = serial();
    // This thread holds the lock while the pool forks, so every child starts with it locked
    // and no thread of its own to release it: the classic deadlock of fork in a busy process.
    let lock = Arc::new(Mutex::new(0u32));
    let held = lock.lock().unwrap();
    let inner = Arc::clone(&lock);
    let stuck = kernel("stuck", move |x: &u32| {
        if *x == 2 {
            *inner.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        }
        *x
    });
    let before = children();
    for backend in [BackendKind::ProcessPool, BackendKind::ProcessExecutor] {
        let pool = backend.build(2).unwrap();
        let started = Instant::now();
        let err = pool.run(&stuck, &[0, 1, 2, 3]).unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{took:?}");
        match &err {
            Error::TaskFailed { task, message, .. } => {
                assert_eq!(*task, 2, "{err}");
                assert!(
                    message.contains("stuck") && message.contains("lock"),
                    "{err}"
                );
            }
            other => panic!("{other}"),
        }
    }
    let executor = ProcessExecutor::new(1).unwrap();
    let inner = Arc::clone(&lock);
    let job = executor
        .submit(move || *inner.lock().unwrap_or_else(|p| p.into_inner()))
        .unwrap();
    let err = job.result().unwrap_err();
    assert!(err.to_string().contains("stuck"), "{err}");
    drop(held);
    assert!(children() <= before, "a stuck worker was left");
}
