//! Process backends turn a panicking or killed worker into an error naming the task, never a hang.

use parlab::prelude::*;
use parlab::Error;

/// Panics for input 7, kills its own process for input 5.
fn faulty(x: &u32) -> u32 {
    match *x {
        7 => panic!("seven is unlucky"),
        5 => {
            // SAFETY: raise has no preconditions; SIGKILL ends this (forked) process.
            unsafe {
                libc::raise(libc::SIGKILL);
            }
            unreachable!("SIGKILL cannot be caught")
        }
        x => x * 10,
    }
}

fn process_backends() -> Vec<parlab::workloads::AnyBackend> {
    [
        BackendKind::ProcessPool,
        BackendKind::ProcessExecutor,
        BackendKind::Joblib,
    ]
    .iter()
    .map(|k| k.build(2).unwrap())
    .collect()
}

#[test]
fn a_panicking_task_is_an_error_naming_it() {
    for backend in process_backends() {
        let inputs: Vec<u32> = (6..20).collect();
        let err = backend.run(&kernel("faulty", faulty), &inputs).unwrap_err();
        match err {
            Error::TaskFailed {
                task,
                input,
                message,
                backend: name,
                ..
            } => {
                assert_eq!(name, backend.name());
                assert_eq!((task, input.as_str()), (1, "7"));
                assert!(message.contains("seven is unlucky"), "{message}");
            }
            other => panic!("expected TaskFailed, got {other}"),
        }
    }
}

#[test]
fn a_killed_worker_is_an_error_naming_its_task() {
    for backend in process_backends() {
        let inputs: Vec<u32> = [1, 2, 3, 4, 5, 6].into();
        let err = backend.run(&kernel("faulty", faulty), &inputs).unwrap_err();
        match err {
            Error::TaskFailed {
                task,
                input,
                message,
                ..
            } => {
                assert_eq!((task, input.as_str()), (4, "5"));
                assert!(message.contains("SIGKILL"), "{message}");
            }
            other => panic!("expected TaskFailed, got {other}"),
        }
    }
}

#[test]
fn the_pool_works_again_after_a_failure() {
    let pool = ProcessPool::new(2).unwrap();
    assert!(pool.run(&kernel("faulty", faulty), &[7]).is_err());
    let ok = pool.run(&kernel("faulty", faulty), &[1, 2, 3]).unwrap();
    assert_eq!(ok.results, [10, 20, 30]);
    let empty = pool.run(&kernel("faulty", faulty), &[]).unwrap();
    assert!(empty.results.is_empty());
}

#[test]
fn executor_handles_give_values_and_errors() {
    let pool = ProcessExecutor::new(2).unwrap();
    let handles: Vec<_> = (0..6u32)
        .map(|x| pool.submit(move || faulty(&x)).unwrap())
        .collect();
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.result()).collect();
    assert_eq!(outcomes[0].as_ref().unwrap(), &0);
    assert_eq!(outcomes[4].as_ref().unwrap(), &40);
    let killed = outcomes[5].as_ref().unwrap_err().to_string();
    assert!(killed.contains("SIGKILL"), "{killed}");
    let panicked = pool.submit(|| faulty(&7)).unwrap().result().unwrap_err();
    assert!(panicked.to_string().contains("seven is unlucky"));
    let text = pool.submit(|| format!("{}-{}", "a", 1)).unwrap();
    assert_eq!(text.result().unwrap(), "a-1");
}

#[test]
fn chunksize_follows_python_and_can_be_fixed() {
    let pool = ProcessPool::new(2).unwrap();
    assert_eq!(pool.chunksize_for(62), 8);
    assert_eq!(pool.chunksize_for(1_000_000), 125_000);
    let one = pool.chunksize(1);
    let run = one
        .run_with(
            &kernel("id", |x: &u32| *x),
            &(0..10).collect::<Vec<_>>(),
            &MapOptions::traced(true),
        )
        .unwrap();
    assert_eq!(run.results, (0..10).collect::<Vec<_>>());
    assert_eq!(run.trace.unwrap().spans.len(), 10);
}

#[test]
fn joblib_runs_on_threads_and_processes_alike() {
    let calls = || (0..100u32).map(|s| delayed(random_square, s));
    let threads = Parallel::new(2).unwrap().verbose(5).prefer(Prefer::Threads);
    let processes = Parallel::new(2).unwrap().verbose(5);
    let a = threads.call(calls()).unwrap();
    let b = processes.call(calls()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a[..5], [25, 25, 64, 64, 49]);
}
