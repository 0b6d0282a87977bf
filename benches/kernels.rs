//! Criterion benchmarks of the task kernels, flavor by flavor, on one core.
//!
//! `cargo bench --bench kernels` (add `-- squares`, `-- numpy` or `-- prime` to pick a group).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parlab::tasks::primes::smallest_factor_flavor;
use parlab::tasks::squares::{squares_into_flavor, BLOCK};
use parlab::tasks::{Flavor, Subinterval};

/// The module's function as a student writes it, on numpy's shared generator.
fn module_random_square(myseed: u32) -> u32 {
    parlab::numpy::random::seed(myseed);
    let random_num = parlab::numpy::random::randint(0, 10);
    (random_num * random_num) as u32
}

/// One seed at a time: the student's function, a `RandomState` per seed, and `rand_mt`'s
/// full seeding (the tasks' scalar reference).
fn numpy(c: &mut Criterion) {
    let mut group = c.benchmark_group("numpy_random_square_1000_seeds");
    group.throughput(Throughput::Elements(1000));
    group.bench_function("module_fn_seed_randint", |b| {
        b.iter(|| {
            (0..1000u32)
                .map(|s| module_random_square(black_box(s)))
                .sum::<u32>()
        })
    });
    group.bench_function("random_state_new", |b| {
        b.iter(|| {
            (0..1000u32)
                .map(|s| parlab::numpy::RandomState::new(black_box(s)).randint(0, 10) as u32)
                .sum::<u32>()
        })
    });
    group.bench_function("rand_mt_full_seeding", |b| {
        b.iter(|| {
            (0..1000u32)
                .map(|s| parlab::tasks::random_square(black_box(s)))
                .sum::<u32>()
        })
    });
    group.finish();
}

fn squares(c: &mut Criterion) {
    let mut group = c.benchmark_group("squares_block");
    group.throughput(Throughput::Elements(u64::from(BLOCK)));
    let mut out = vec![0; BLOCK as usize];
    for flavor in Flavor::available() {
        group.bench_function(BenchmarkId::from_parameter(flavor), |b| {
            b.iter(|| {
                squares_into_flavor(flavor, black_box(500_000), &mut out).unwrap();
                black_box(out[0])
            })
        });
    }
    group.finish();
}

fn prime(c: &mut Criterion) {
    // Two million odd candidates just below isqrt of the module's prime (no factor there).
    let n: u64 = 489_133_282_872_437_279;
    let hi = n.isqrt() | 1;
    let sub = Subinterval {
        n,
        lo: hi - 4_000_000,
        hi,
    };
    let mut group = c.benchmark_group("trial_division_2M_odd");
    group.throughput(Throughput::Elements(sub.len()));
    group.sample_size(10);
    for flavor in Flavor::available() {
        group.bench_function(BenchmarkId::from_parameter(flavor), |b| {
            b.iter(|| smallest_factor_flavor(flavor, black_box(&sub)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, squares, numpy, prime);
criterion_main!(benches);
