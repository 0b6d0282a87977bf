//! Every backend gives bit-identical squares and the right prime verdicts.

use parlab::prelude::*;

fn backends() -> Vec<AnyBackendOf> {
    BackendKind::CPU
        .iter()
        .map(|&kind| (kind, kind.build(2).expect("2 workers always start")))
        .collect()
}

type AnyBackendOf = (BackendKind, parlab::workloads::AnyBackend);

#[test]
fn every_backend_squares_a_million_seeds_like_numpy() {
    let reference = squares(&Sequential, 0..1_000_000).unwrap().results;
    assert_eq!(reference.len(), 1_000_000);
    for (kind, backend) in backends() {
        let run = squares(&backend, 0..1_000_000).unwrap();
        assert_eq!(run.first5(), [25, 25, 64, 64, 49], "{kind}");
        assert_eq!(run.last5(), [81, 36, 1, 1, 1], "{kind}");
        assert!(
            run.results == reference,
            "{kind}: squares differ from sequential"
        );
        assert_eq!(run.backend, kind.name());
    }
}

#[test]
fn every_backend_gives_the_right_prime_verdicts() {
    for (kind, backend) in backends() {
        let prime = check_prime(&backend, 999_999_999_989).unwrap();
        assert!(prime.is_prime, "{kind}");
        let composite = check_prime(&backend, 1_000_003 * 999_983).unwrap();
        assert!(!composite.is_prime, "{kind}");
        assert_eq!(composite.factor, Some(999_983), "{kind}");
        let square = check_prime(&backend, 1_000_003 * 1_000_003).unwrap();
        assert_eq!(square.factor, Some(1_000_003), "{kind}");
    }
}

/// The module's prime by trial division: about a second of a core per backend in release.
#[cfg(not(debug_assertions))]
#[test]
fn every_backend_finds_the_module_prime_prime() {
    for (kind, backend) in backends() {
        let answer = check_prime(&backend, 489_133_282_872_437_279).unwrap();
        assert!(answer.is_prime, "{kind}");
    }
}

#[test]
fn every_backend_records_each_task_once_in_its_task_stream() {
    for (kind, backend) in backends() {
        let run = squares_with(&backend, 0..200_000, &MapOptions::traced(true)).unwrap();
        let trace = run.trace.expect("traced");
        assert_eq!(trace.backend, kind.name());
        let tasks: Vec<usize> = trace.spans.iter().map(|s| s.task).collect();
        assert_eq!(tasks, (0..13).collect::<Vec<_>>(), "{kind}");
        for s in &trace.spans {
            assert!(s.worker < backend.workers(), "{kind}: worker {}", s.worker);
            assert!(0.0 <= s.start && s.start <= s.end, "{kind}: {s:?}");
            assert!(
                s.end <= run.seconds + 1e-3,
                "{kind}: {s:?} after the map ended"
            );
        }
        let answer = check_prime_with(
            &backend,
            999_999_999_989,
            Method::Trial,
            &MapOptions::traced(true),
        )
        .unwrap();
        assert_eq!(
            answer.trace.map(|t| t.spans.len()),
            Some(backend.workers()),
            "{kind}"
        );
    }
}

#[test]
fn every_backend_reports_progress_up_to_the_total() {
    use std::sync::{Arc, Mutex};
    for (kind, backend) in backends() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let options = MapOptions::default().with_progress(Progress::new(move |u| {
            log.lock().unwrap().push((u.done, u.total))
        }));
        let inputs: Vec<u32> = (0..40).collect();
        let mapped = backend.run_with(&RandomSquare, &inputs, &options).unwrap();
        assert_eq!(mapped.results[..3], [25, 25, 64], "{kind}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.last(), Some(&(40, 40)), "{kind}");
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{kind}: {seen:?}");
    }
}
