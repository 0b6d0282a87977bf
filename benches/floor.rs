//! How far each kernel is from this CPU's floor: the kernels' best time per seed and per
//! candidate (min of many runs, robust to a shared machine), beside the throughput of the
//! instruction mix that bounds each one, measured alone.
//!
//! `cargo bench --bench floor` prints, per flavor, ns per seed (squares, 16384 seeds from 500000)
//! and ns per odd number and per wheel candidate (trial division just below isqrt of the module's
//! prime), then the floors (x86-64 with AVX-512 only):
//! - squares: MT19937's init chain, `w = 1812433253 * (w ^ (w >> 30)) + i`, four vector ops per
//!   step, eight independent vectors: 408 steps per seed in zmm (16 seeds each, 12 draws), 404 in
//!   ymm (8 seeds each, AVX2's 8 draws);
//! - primes: per vector of eight candidates the one-Newton loop issues four FMAs (Newton step
//!   twice, quotient, residual), two adds (candidate, rounding) and a compare: the floor is four
//!   to seven times the best time per zmm FP op (twelve independent FMA chains), depending on
//!   whether adds and compares overlap the FMAs.

use std::hint::black_box;
use std::time::Instant;

use parlab::tasks::primes::smallest_factor_flavor;
use parlab::tasks::squares::squares_into_flavor;
use parlab::tasks::{Flavor, Subinterval};

/// The fastest of `reps` runs of `f`, in seconds.
fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benches; nothing to list here.
    }
    let mut out = vec![0u32; 16384];
    let n: u64 = 489_133_282_872_437_279;
    let hi = n.isqrt() | 1;
    let sub = Subinterval {
        n,
        lo: hi - 4_000_000,
        hi,
    };
    // Wheel candidates among the 2M odd numbers: 48 of 105 (2·3·5·7) or 8 of 15 (2·3·5).
    for flavor in Flavor::available() {
        let reps = if flavor == Flavor::Scalar { 3 } else { 60 };
        let t = best(reps, || {
            squares_into_flavor(flavor, 500_000, &mut out).unwrap();
            black_box(out[0]);
        });
        let per_seed = t * 1e9 / out.len() as f64;
        let t = best(reps / 2, || {
            black_box(smallest_factor_flavor(flavor, &sub).unwrap());
        });
        let odd = sub.len() as f64;
        let share = match flavor {
            Flavor::Scalar => 1.0,
            Flavor::Avx2 => 8.0 / 15.0,
            _ => 48.0 / 105.0,
        };
        println!(
            "{flavor:<9} squares {per_seed:7.2} ns/seed   primes {:6.3} ns/odd {:6.3} ns/candidate",
            t * 1e9 / odd,
            t * 1e9 / (odd * share)
        );
    }
    #[cfg(target_arch = "x86_64")]
    if Flavor::Avx512.is_available() {
        floors::print();
    }
}

#[cfg(target_arch = "x86_64")]
mod floors {
    use std::arch::x86_64::*;
    use std::hint::black_box;

    use super::best;

    const STEPS: u64 = 1 << 20;

    #[target_feature(enable = "avx512f")]
    unsafe fn chain_zmm(steps: u64) -> u32 {
        let m = _mm512_set1_epi32(1_812_433_253);
        let mut x = [_mm512_set1_epi32(3); 8];
        for i in 0..steps {
            let vi = _mm512_set1_epi32(i as i32);
            for v in x.iter_mut() {
                let t = _mm512_xor_si512(*v, _mm512_srli_epi32::<30>(*v));
                *v = _mm512_add_epi32(_mm512_mullo_epi32(t, m), vi);
            }
        }
        x.iter().map(|v| _mm512_reduce_add_epi32(*v) as u32).sum()
    }

    #[target_feature(enable = "avx2")]
    unsafe fn chain_ymm(steps: u64) -> u32 {
        let m = _mm256_set1_epi32(1_812_433_253);
        let mut x = [_mm256_set1_epi32(3); 8];
        for i in 0..steps {
            let vi = _mm256_set1_epi32(i as i32);
            for v in x.iter_mut() {
                let t = _mm256_xor_si256(*v, _mm256_srli_epi32::<30>(*v));
                *v = _mm256_add_epi32(_mm256_mullo_epi32(t, m), vi);
            }
        }
        x.iter().map(|v| _mm256_extract_epi32::<0>(*v) as u32).sum()
    }

    #[target_feature(enable = "avx512f,fma")]
    unsafe fn fmas(rounds: u64) -> f64 {
        let (a, b) = (_mm512_set1_pd(0.999_999_9), _mm512_set1_pd(1e-9));
        let mut x = [_mm512_set1_pd(1.0); 12];
        for _ in 0..rounds {
            for v in x.iter_mut() {
                *v = _mm512_fmadd_pd(*v, a, b);
            }
        }
        x.iter().map(|v| _mm512_reduce_add_pd(*v)).sum()
    }

    pub(super) fn print() {
        // SAFETY: `print` runs only where `Flavor::Avx512` (AVX-512 F, AVX2, FMA) is available.
        let z = best(15, || {
            black_box(unsafe { chain_zmm(black_box(STEPS)) });
        });
        let y = best(15, || {
            black_box(unsafe { chain_ymm(black_box(STEPS)) });
        });
        let f = best(15, || {
            black_box(unsafe { fmas(black_box(STEPS)) });
        });
        let vector_step = z * 1e9 / (8 * STEPS) as f64;
        println!(
            "floor squares: init chain alone {:.2} ns/seed in zmm ({:.3} ns per 4-op vector step), \
             {:.2} ns/seed in ymm",
            vector_step * 408.0 / 16.0,
            vector_step,
            y * 1e9 / (8 * STEPS) as f64 * 404.0 / 8.0
        );
        let fma = f * 1e9 / (12 * STEPS) as f64;
        println!(
            "floor primes: {fma:.3} ns per zmm FMA; 4 FMAs per 8 candidates = {:.3} ns/candidate, \
             7 FP ops = {:.3} ns/candidate",
            fma * 4.0 / 8.0,
            fma * 7.0 / 8.0
        );
    }
}
