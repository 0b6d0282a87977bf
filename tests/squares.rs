//! Random squaring: the module's numbers on every backend.

use parlab::prelude::*;
use parlab::tasks::squares::blocks;
use parlab::workloads::squares_io_with;

#[test]
fn seeds_0_to_10_match_the_module() {
    let v: Vec<u32> = (0..10).map(random_square).collect();
    assert_eq!(v, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
}

#[test]
fn a_million_seeds_on_every_backend_are_bit_identical() {
    let reference = squares(&Sequential, 0..1_000_000).unwrap();
    assert_eq!(reference.first5(), [25, 25, 64, 64, 49]);
    assert_eq!(reference.last5(), [81, 36, 1, 1, 1]);
    for kind in BackendKind::CPU {
        for workers in [1, 2, 3] {
            let run = squares(&kind.build(workers).unwrap(), 0..1_000_000).unwrap();
            assert!(
                run.results == reference.results,
                "{kind} with {workers} workers"
            );
        }
    }
}

#[test]
fn squares_are_squares_of_digits() {
    let run = squares(&RayonPool::new(2).unwrap(), 4_000_000_000..4_000_100_000).unwrap();
    assert!(run
        .results
        .iter()
        .all(|s| [0, 1, 4, 9, 16, 25, 36, 49, 64, 81].contains(s)));
}

#[test]
fn the_io_variant_gives_the_module_output() {
    // 15.2's random_squareT over 100 seeds: [25, 25, 64, 64, 49] ... [36, 16, 9, 16, 1].
    let pool = BackendKind::ThreadExecutor.build(25).unwrap();
    let run = squares_io_with(
        &pool,
        0..100,
        std::time::Duration::from_millis(1),
        &MapOptions::traced(true),
    )
    .unwrap();
    assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
    assert_eq!(run.last5(), [36, 16, 9, 16, 1]);
    let trace = run.trace.unwrap();
    assert_eq!(trace.spans.len(), 100);
    let used: std::collections::BTreeSet<_> = trace.spans.iter().map(|s| s.worker).collect();
    assert!(
        used.len() > 1,
        "the executor spreads tasks over its threads"
    );
}

#[test]
fn seed_ranges_past_u32_are_rejected() {
    assert!(blocks(u32::MAX, 1).is_ok());
    let err = blocks(u32::MAX, 2).unwrap_err().to_string();
    assert!(err.contains("32-bit"), "{err}");
    assert!(squares(&Sequential, 10..10 + (1 << 32)).is_err());
}

#[test]
fn the_last_seed_is_reachable() {
    let run = squares(
        &Sequential,
        u64::from(u32::MAX - 4)..u64::from(u32::MAX) + 1,
    )
    .unwrap();
    assert_eq!(run.results.len(), 5);
    assert_eq!(run.results[4], random_square(u32::MAX));
}
