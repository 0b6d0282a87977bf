//! Criterion benchmark of every backend's per-task overhead: a no-op kernel over 10^4 tasks.
//!
//! `cargo bench --bench backends`; `parlab bench` reports the same figure per task.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parlab::prelude::*;
use parlab::workloads::kernels::Noop;

fn overhead(c: &mut Criterion) {
    let inputs: Vec<u64> = (0..10_000).collect();
    // A kernel type compiled into the cluster's engines too, so every backend runs it.
    let noop = Noop;
    let mut group = c.benchmark_group("noop_10k_tasks");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.sample_size(10);
    for kind in BackendKind::CPU {
        let backend = kind.build(2).expect("backend starts");
        group.bench_function(BenchmarkId::from_parameter(kind.name()), |b| {
            b.iter(|| {
                backend
                    .run(&noop, black_box(&inputs))
                    .unwrap()
                    .results
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
