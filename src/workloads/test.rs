use super::*;
use crate::backends::{chunk_lengths, kernel, Backend, MapOptions, ThreadExecutor};
use crate::Error;

/// Backends that run closures; the cluster's engines run only their compiled kernels
/// (tested in `tests/cluster.rs`).
fn backends() -> Vec<AnyBackend> {
    BackendKind::CPU
        .iter()
        .filter(|k| k.runs_closures())
        .map(|k| k.build(3).expect("backend starts"))
        .collect()
}

#[test]
fn results_come_back_in_input_order_with_uneven_tasks() {
    let inputs: Vec<u64> = (0..200).rev().collect();
    let slow_small = kernel("uneven", |x: &u64| {
        if x.is_multiple_of(7) {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        x * 3
    });
    for b in backends() {
        let mapped = b.run(&slow_small, &inputs).unwrap();
        let want: Vec<u64> = inputs.iter().map(|x| x * 3).collect();
        assert_eq!(mapped.results, want, "{}", b.name());
        assert!(mapped.trace.is_none());
    }
}

#[test]
fn a_panicking_task_is_an_error_naming_task_and_input() {
    let k = kernel("boom", |x: &u32| {
        assert!(*x != 13, "unlucky {x}");
        *x
    });
    let inputs: Vec<u32> = (0..40).collect();
    for b in backends() {
        let err = b.run(&k, &inputs).unwrap_err();
        match &err {
            Error::TaskFailed {
                task,
                input,
                message,
                ..
            } => {
                assert_eq!(*task, 13, "{}", b.name());
                assert_eq!(input, "13");
                assert!(message.contains("unlucky 13"), "{message}");
            }
            other => panic!("{}: unexpected {other:?}", b.name()),
        }
    }
}

#[test]
fn traces_have_one_span_per_task_on_known_workers() {
    let inputs: Vec<u32> = (0..50).collect();
    for b in backends() {
        let mapped = b
            .run_with(
                &kernel("id", |x: &u32| *x),
                &inputs,
                &MapOptions::traced(true),
            )
            .unwrap();
        let trace = mapped.trace.expect("trace recorded");
        assert_eq!(trace.spans.len(), 50, "{}", b.name());
        assert_eq!(trace.backend, b.name());
        for (i, s) in trace.spans.iter().enumerate() {
            assert_eq!(s.task, i);
            assert!(s.worker < b.workers());
            assert!(s.start <= s.end && s.end <= mapped.seconds);
        }
    }
}

#[test]
fn zero_workers_is_an_error_for_every_backend() {
    for kind in BackendKind::ALL {
        assert!(matches!(kind.build(0), Err(Error::ZeroWorkers)));
    }
}

#[test]
fn empty_input_gives_empty_output() {
    for b in backends() {
        let mapped = b.run(&kernel("id", |x: &u8| *x), &[]).unwrap();
        assert!(mapped.results.is_empty());
    }
}

#[test]
fn chunk_lengths_cover_everything_and_differ_by_at_most_one() {
    for len in 0..40 {
        for parts in 1..9 {
            let v: Vec<usize> = chunk_lengths(len, parts).collect();
            assert_eq!(v.len(), parts);
            assert_eq!(v.iter().sum::<usize>(), len);
            assert!(v.iter().max().unwrap() - v.iter().min().unwrap() <= 1);
        }
    }
}

#[test]
fn executor_handles_report_panics() {
    let pool = ThreadExecutor::new(2).unwrap();
    let ok = pool.submit(|| 7);
    let bad = pool.submit(|| -> u32 { panic!("no value") });
    assert_eq!(ok.result().unwrap(), 7);
    assert!(bad.result().unwrap_err().to_string().contains("no value"));
    // The pool survives a panicking job.
    assert_eq!(pool.submit(|| 8).result().unwrap(), 8);
}
