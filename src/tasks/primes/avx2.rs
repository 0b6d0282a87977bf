//! The wheel's remainder test in AVX2 lanes: four f64 candidates per vector, a 2·3·5 wheel.

use std::arch::x86_64::*;

use super::wheel::Wheel;

/// Numbers per block: four turns of the 2·3·5 wheel (32 candidates when 3 and 5 do not divide n).
pub(super) const SPAN: u64 = 4 * 30;

/// First candidate from which the reciprocal may be carried from block to block with one
/// Newton step: the step leaves a relative error `(SPAN / x)^2`, so `nh · r` stays within
/// 1/8 of `n / x` while `(n / x) · (SPAN / x)^2 <= 1/8`, i.e. `x^3 >= 8 · SPAN^2 · n` (with a
/// 25 % margin for the rounding of `cbrt`; the f64 steps' own rounding adds less than
/// `(n / x) · 2^-50`, negligible there).
fn newton_min(n: u64) -> u64 {
    let span = SPAN as f64;
    ((8.0 * span * span * n as f64).cbrt() * 1.25) as u64 + SPAN
}

/// The first block `b` (a multiple of `SPAN` in `block..end`) where some lane's remainder
/// test flags a possible divisor, or `None`.
///
/// # Safety
///
/// The CPU must support AVX2 and FMA; `block` and `end` are multiples of `SPAN` in
/// `SIMD_MIN..=SIMD_MAX`.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn first_flagged(n: u64, wheel: &Wheel, block: u64, end: u64) -> Option<u64> {
    match wheel.residues().len() / 4 {
        2 => scan::<8>(n, wheel, block, end),
        3 => scan::<12>(n, wheel, block, end),
        _ => scan::<16>(n, wheel, block, end),
    }
}

/// [`first_flagged`] with `N` lane vectors per block (four wheel turns).
///
/// With `p ≈ n / x` within 1/2 whenever `x | n`, `q = round(p)` is exactly `n / x` for a
/// divisor, so `t = fma(-q, x, nh)` equals `-nl` exactly; for a non-divisor `n - q·x` is a
/// non-zero integer below 2^53 and `t` cannot equal `-nl`. Below [`newton_min`] each block
/// divides (`p = nh / x`); above, each lane carries its reciprocal `r ≈ 1/x` from the
/// previous block with one Newton step (two FMAs) and multiplies, keeping the divider out.
///
/// # Safety
///
/// As [`first_flagged`], and `N / 4` residue vectors in `wheel`.
#[target_feature(enable = "avx2,fma")]
unsafe fn scan<const N: usize>(n: u64, wheel: &Wheel, mut block: u64, end: u64) -> Option<u64> {
    const NEAREST: i32 = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    let nh = n as f64;
    let nl = (i128::from(n) - nh as i128) as f64;
    let vnh = _mm256_set1_pd(nh);
    let neg_nl = _mm256_set1_pd(-nl);
    let res = wheel.residues();
    let vecs = N / 4;
    // Lane offsets from the block start: turn t, residue group v.
    let offsets: [__m256d; N] = std::array::from_fn(|i| {
        let (t, v) = (i / vecs, i % vecs);
        let r = |k: usize| (30 * t as u64 + res[4 * v + k]) as f64;
        _mm256_setr_pd(r(0), r(1), r(2), r(3))
    });
    let newton_from = newton_min(n).next_multiple_of(SPAN).max(block);
    while block < end.min(newton_from) {
        let vb = _mm256_set1_pd(block as f64);
        let mut hit = _mm256_setzero_pd();
        for off in &offsets {
            let x = _mm256_add_pd(vb, *off);
            let q = _mm256_round_pd::<NEAREST>(_mm256_div_pd(vnh, x));
            let t = _mm256_fnmadd_pd(q, x, vnh);
            hit = _mm256_or_pd(hit, _mm256_cmp_pd::<_CMP_EQ_OQ>(t, neg_nl));
        }
        if _mm256_movemask_pd(hit) != 0 {
            return Some(block);
        }
        block += SPAN;
    }
    if block >= end {
        return None;
    }
    let one = _mm256_set1_pd(1.0);
    let vb = _mm256_set1_pd(block as f64);
    let mut recip: [__m256d; N] =
        std::array::from_fn(|i| _mm256_div_pd(one, _mm256_add_pd(vb, offsets[i])));
    while block < end {
        let vb = _mm256_set1_pd(block as f64);
        let mut hit = _mm256_setzero_pd();
        for (r, off) in recip.iter_mut().zip(&offsets) {
            let x = _mm256_add_pd(vb, *off);
            *r = _mm256_fmadd_pd(*r, _mm256_fnmadd_pd(x, *r, one), *r);
            let q = _mm256_round_pd::<NEAREST>(_mm256_mul_pd(vnh, *r));
            let t = _mm256_fnmadd_pd(q, x, vnh);
            hit = _mm256_or_pd(hit, _mm256_cmp_pd::<_CMP_EQ_OQ>(t, neg_nl));
        }
        if _mm256_movemask_pd(hit) != 0 {
            return Some(block);
        }
        block += SPAN;
    }
    None
}
