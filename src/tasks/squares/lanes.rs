//! Many seeds side by side: MT19937's first outputs for [`LANES`] consecutive seeds at once.
//!
//! `init_genrand(s)` is a serial chain `w[i] = 1812433253 * (w[i-1] ^ (w[i-1] >> 30)) + i`, and the
//! k-th output of the first twist needs only the init words `k`, `k + 1` and `k + 397`. So a batch
//! runs the chain up to word `397 + DRAWS - 1` in every lane (keeping words `0..=DRAWS` and
//! `397..397 + DRAWS`), forms the first [`DRAWS`] outputs, and keeps the first masked value `<= 9`
//! (numpy's legacy `randint(0, 10)` rejection loop). A lane whose [`DRAWS`] draws are all rejected
//! (probability (6/16)^8 ≈ 4e-4) falls back to the `rand_mt` reference.
//!
//! The same plain-Rust code is compiled twice: for the build target (the compiler vectorizes it
//! for SSE2 or NEON) and inside an `avx2` `#[target_feature]` function chosen at run time.

use super::random_square;

/// Seeds per batch: 64 lanes are eight 256-bit vectors, enough independent chains to hide the
/// multiply latency.
pub(crate) const LANES: usize = 64;

/// Draws formed per lane before falling back to the reference.
pub(super) const DRAWS: usize = 8;

pub(super) const MULT: u32 = 1_812_433_253;
pub(super) const MATRIX_A: u32 = 0x9908_b0df;
pub(super) const UPPER: u32 = 0x8000_0000;
pub(super) const LOWER: u32 = 0x7fff_ffff;
/// Distance of the third init word an output depends on (MT19937's `M`).
pub(super) const M: usize = 397;

type Lanes = [u32; LANES];

#[inline(always)]
fn step(x: &mut Lanes, i: u32) {
    for v in x.iter_mut() {
        *v = MULT.wrapping_mul(*v ^ (*v >> 30)).wrapping_add(i);
    }
}

#[inline(always)]
fn temper(mut y: u32) -> u32 {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^ (y >> 18)
}

/// Init words `0..=DRAWS` and `M..M + DRAWS` of every lane.
struct Words {
    head: [Lanes; DRAWS + 1],
    tail: [Lanes; DRAWS],
}

/// The init chain of seeds `start, start + 1, ..., start + LANES - 1` (wrapping), in plain Rust.
#[inline(always)]
fn chain(start: u32) -> Words {
    let mut x: Lanes = std::array::from_fn(|j| start.wrapping_add(j as u32));
    let mut w = Words {
        head: [[0; LANES]; DRAWS + 1],
        tail: [[0; LANES]; DRAWS],
    };
    w.head[0] = x;
    for (i, h) in w.head.iter_mut().enumerate().skip(1) {
        step(&mut x, i as u32);
        *h = x;
    }
    for i in DRAWS + 1..M {
        step(&mut x, i as u32);
    }
    for (k, t) in w.tail.iter_mut().enumerate() {
        step(&mut x, (M + k) as u32);
        *t = x;
    }
    w
}

/// The squares from the init words: first accepted draw per lane, reference on exhaustion.
#[inline(always)]
fn finish(start: u32, w: &Words, out: &mut Lanes) {
    // First accepted draw per lane; 16 marks "all DRAWS rejected".
    let mut pick = [16u32; LANES];
    for k in (0..DRAWS).rev() {
        let (a, b, t) = (&w.head[k], &w.head[k + 1], &w.tail[k]);
        for (j, p) in pick.iter_mut().enumerate() {
            let y = (a[j] & UPPER) | (b[j] & LOWER);
            let v = t[j] ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & MATRIX_A);
            let d = temper(v) & 15;
            if d <= 9 {
                *p = d;
            }
        }
    }
    for (o, p) in out.iter_mut().zip(&pick) {
        *o = p * p;
    }
    for (j, (o, p)) in out.iter_mut().zip(&pick).enumerate() {
        if *p == 16 {
            *o = random_square(start.wrapping_add(j as u32));
        }
    }
}

/// The lane-batched kernel compiled for the build target.
pub(crate) fn batch_portable(start: u32, out: &mut Lanes) {
    finish(start, &chain(start), out);
}

/// The lane-batched kernel with the init chain in AVX2 registers (eight vectors of eight lanes).
///
/// # Safety
///
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn batch_avx2(start: u32, out: &mut Lanes) {
    use std::arch::x86_64::*;
    const V: usize = LANES / 8;
    let mult = _mm256_set1_epi32(MULT as i32);
    let first = _mm256_add_epi32(
        _mm256_set1_epi32(start as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
    );
    let mut x: [__m256i; V] =
        std::array::from_fn(|v| _mm256_add_epi32(first, _mm256_set1_epi32(8 * v as i32)));
    let step = |x: &mut [__m256i; V], i: usize| {
        let vi = _mm256_set1_epi32(i as i32);
        for v in x.iter_mut() {
            let t = _mm256_xor_si256(*v, _mm256_srli_epi32::<30>(*v));
            *v = _mm256_add_epi32(_mm256_mullo_epi32(t, mult), vi);
        }
    };
    let store = |x: &[__m256i; V], dst: &mut Lanes| {
        for (v, chunk) in x.iter().zip(dst.chunks_exact_mut(8)) {
            _mm256_storeu_si256(chunk.as_mut_ptr().cast(), *v);
        }
    };
    let mut w = Words {
        head: [[0; LANES]; DRAWS + 1],
        tail: [[0; LANES]; DRAWS],
    };
    store(&x, &mut w.head[0]);
    for i in 1..=DRAWS {
        step(&mut x, i);
        store(&x, &mut w.head[i]);
    }
    for i in DRAWS + 1..M {
        step(&mut x, i);
    }
    for k in 0..DRAWS {
        step(&mut x, M + k);
        store(&x, &mut w.tail[k]);
    }
    finish(start, &w, out);
}

/// Fills `out` with the squares of seeds `start..`, in batches of `L` seeds through `kernel`.
#[inline(always)]
pub(crate) fn fill<const L: usize>(
    start: u32,
    out: &mut [u32],
    mut kernel: impl FnMut(u32, &mut [u32; L]),
) {
    let mut chunks = out.chunks_exact_mut(L);
    let mut seed = start;
    for chunk in &mut chunks {
        let lanes: &mut [u32; L] = chunk.try_into().expect("chunks_exact_mut gives L items");
        kernel(seed, lanes);
        seed = seed.wrapping_add(L as u32);
    }
    let rest = chunks.into_remainder();
    if !rest.is_empty() {
        let mut lanes = [0; L];
        kernel(seed, &mut lanes);
        rest.copy_from_slice(&lanes[..rest.len()]);
    }
}
