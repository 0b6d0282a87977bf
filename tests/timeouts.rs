//! Timeouts (`MapOptions::with_timeout`, `Future::result_timeout`) on every backend, and the
//! watchdog that kills a forked worker stuck on a lock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use parlab::prelude::*;
use parlab::workloads::kernels::Sleep;

mod procs;
use procs::{children, wait_until, within};

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
        let before = children().len();
        let started = Instant::now();
        let err = backend
            .run_with(&Sleep, &naps(6, 3, 60_000_000), &options)
            .unwrap_err();
        // Task 3 sleeps a minute: a map that returned sooner did not wait for it.
        let took = started.elapsed();
        assert!(took < Duration::from_secs(60), "{}: {took:?}", kind.name());
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
        assert!(
            children().len() <= before,
            "{}: a worker was left",
            kind.name()
        );
        // The backend goes on, with the same numbers.
        let again = backend.run_with(&Sleep, &naps(6, 9, 0), &options).unwrap();
        assert_eq!(again.results, [0, 1, 2, 3, 4, 5], "{}", kind.name());
    }
}

#[test]
fn thread_backends_start_nothing_after_the_deadline() {
    let _serial = serial();
    let options = MapOptions::default().with_timeout(Duration::from_millis(250));
    // Tasks started, and tasks running now.
    let started = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicUsize::new(0));
    let slow = {
        let (started, running) = (Arc::clone(&started), Arc::clone(&running));
        kernel("nap", move |ms: &u64| {
            started.fetch_add(1, Ordering::SeqCst);
            running.fetch_add(1, Ordering::SeqCst);
            // The work: a nap of `ms`.
            std::thread::sleep(Duration::from_millis(*ms));
            running.fetch_sub(1, Ordering::SeqCst);
            *ms
        })
    };
    let inputs = vec![100u64; 40]; // 4 s of work on one thread, 2 s on two
    for kind in [
        BackendKind::Sequential,
        BackendKind::Threads,
        BackendKind::Rayon,
        BackendKind::ThreadExecutor,
        BackendKind::Dask,
    ] {
        let backend = kind.build(2).unwrap();
        started.store(0, Ordering::SeqCst);
        let err = backend.run_with(&slow, &inputs, &options).unwrap_err();
        assert!(
            matches!(err, Error::TimedOut { .. }),
            "{}: {err}",
            kind.name()
        );
        // The map stopped early, and once the tasks running at the deadline have ended, no
        // other has started.
        let at_return = started.load(Ordering::SeqCst);
        assert!(
            wait_until(Duration::from_secs(60), || running.load(Ordering::SeqCst)
                == 0),
            "{}: tasks still running a minute after the map returned",
            kind.name()
        );
        let after = started.load(Ordering::SeqCst);
        assert!(
            at_return < inputs.len() && after == at_return,
            "{}: {at_return} tasks started by the return, {after} once they ended",
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
    // A task that cannot end before the test lets it (a minute at most, should the test fail).
    let (release, released) = mpsc::channel::<()>();
    let slow = pool.submit(move || released.recv_timeout(Duration::from_secs(60)).is_ok());
    let err = slow.result_timeout(Duration::from_millis(100)).unwrap_err();
    assert!(
        matches!(err, Error::TimedOut { ref running, .. } if running == &[0]),
        "{err}"
    );
    release.send(()).unwrap();
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
    let before = children().len();
    for backend in [BackendKind::ProcessPool, BackendKind::ProcessExecutor] {
        let pool = backend.build(2).unwrap();
        let stuck = stuck.clone();
        // Without the watchdog the map would wait forever: a generous limit guards the test.
        let err = within(
            Duration::from_secs(120),
            "a map with a stuck worker",
            move || pool.run(&stuck, &[0, 1, 2, 3]).unwrap_err(),
        );
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
    assert!(children().len() <= before, "a stuck worker was left");
}
