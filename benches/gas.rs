//! Particle-steps per second of the gas's hot loop, without recording: sequential and on a
//! rayon pool. Run with `cargo bench --bench gas`; the machine is shared, so compare medians.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parlab::backends::{cpu_count, RayonPool};
use parlab::gas::{advance, GasParams, Particles};
use parlab::workloads::advance_on;

const PARTICLES: usize = 1 << 16;
const STEPS: usize = 200;

fn gas(c: &mut Criterion) {
    let params = GasParams {
        particles: PARTICLES,
        ..GasParams::default()
    };
    let start = Particles::sample(&params, 0, PARTICLES);
    let dt = params.time_step();
    let mut group = c.benchmark_group("gas particle-steps");
    group.throughput(Throughput::Elements((PARTICLES * STEPS) as u64));
    group.sample_size(10);
    group.bench_function("sequential", |b| {
        let mut p = start.clone();
        b.iter(|| advance(&mut p, dt, 1.0, STEPS, |_, _| {}))
    });
    let workers = cpu_count();
    let pool = RayonPool::new(workers).expect("a rayon pool starts");
    group.bench_function(format!("rayon x{workers}"), |b| {
        let mut p = start.clone();
        b.iter(|| advance_on(&pool, &mut p, dt, 1.0, STEPS).expect("pool starts"))
    });
    group.finish();
}

criterion_group!(benches, gas);
criterion_main!(benches);
