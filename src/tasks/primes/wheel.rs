//! Fast trial division: a 2·3·5 wheel, and an exact f64 remainder test in AVX2 lanes.
//!
//! For an odd candidate `x >= SIMD_MIN` and `n = nh + nl` (`nh = n as f64`, `nl` the small exact
//! rest), the AVX2 path forms `p ≈ n / x` (by division, or far enough up by a reciprocal carried
//! from block to block with a Newton step), `q = round(p)` and `t = fma(-q, x, nh)`. When
//! `x | n`, `p` lies within 1/2 of the integer `n / x`, so `q = n / x` and `t = -nl` exactly;
//! otherwise `n - q·x` is a non-zero integer below 2^53, computed exactly, and `t != -nl`. So a
//! lane is flagged exactly when `x | n`; the scalar wheel then re-scans the flagged block with
//! integer `%`, which confirms the hit and keeps the smallest divisor first. The wheel skips
//! multiples of 3 and 5 only when they cannot divide `n`.

use super::smallest_factor_reference;

/// Numbers per SIMD block: four turns of the wheel (32 candidates when 3 and 5 do not divide n).
pub(crate) const SPAN: u64 = 4 * 30;
/// The f64 test's bounds: from `SIMD_MIN` on, `|nl| / x <= 1/8` and `nh / x` rounds by at most
/// 1/16, so `p` is within 1/2 of `n / x`; up to `SIMD_MAX`, every product stays below 2^53.
const SIMD_MIN: u64 = 1 << 14;
const SIMD_MAX: u64 = 1 << 50;
/// Beyond this the wheel's block arithmetic could overflow; the reference takes over.
const WHEEL_MAX: u64 = (1 << 62) - 1;

/// The odd residues mod 30 that may divide `n`, padded with repeats to a multiple of 4 lanes.
pub(crate) struct Wheel {
    residues: [u64; 16],
    len: usize,
}

impl Wheel {
    pub(crate) fn new(n: u64) -> Wheel {
        let (by3, by5) = (n % 3 == 0, n % 5 == 0);
        let mut residues = [0; 16];
        let mut len = 0;
        for r in (1..30).step_by(2) {
            if (r % 3 != 0 || by3) && (r % 5 != 0 || by5) {
                residues[len] = r;
                len += 1;
            }
        }
        let padded = len.next_multiple_of(4);
        for i in len..padded {
            residues[i] = residues[len - 1];
        }
        Wheel {
            residues,
            len: padded,
        }
    }

    fn residues(&self) -> &[u64] {
        &self.residues[..self.len]
    }
}

/// Smallest wheel candidate in `lo..=hi` dividing `n`, by integer `%` (`hi <= WHEEL_MAX`).
pub(crate) fn wheel_scan(n: u64, wheel: &Wheel, lo: u64, hi: u64) -> Option<u64> {
    let mut base = lo - lo % 30;
    while base <= hi {
        for &r in wheel.residues() {
            let x = base + r;
            if x >= lo && x <= hi && n % x == 0 {
                return Some(x);
            }
        }
        base += 30;
    }
    None
}

/// Smallest odd `x` in `lo..=hi` (odd `lo >= 3`) dividing `n`, by the wheel and, when `simd`,
/// the AVX2 remainder test.
pub(crate) fn scan(n: u64, lo: u64, hi: u64, simd: bool) -> Option<u64> {
    debug_assert!(lo >= 3 && lo % 2 == 1 && n > 0);
    if lo > WHEEL_MAX {
        return smallest_factor_reference(n, lo, hi);
    }
    let top = hi.min(WHEEL_MAX);
    let wheel = Wheel::new(n);
    let found = if simd {
        simd_scan(n, &wheel, lo, top)
    } else {
        wheel_scan(n, &wheel, lo, top)
    };
    match found {
        Some(x) => Some(x),
        None if hi > top => smallest_factor_reference(n, top + 2, hi),
        None => None,
    }
}

#[cfg(target_arch = "x86_64")]
fn simd_scan(n: u64, wheel: &Wheel, lo: u64, hi: u64) -> Option<u64> {
    let first = lo.max(SIMD_MIN).next_multiple_of(SPAN);
    let end = (hi.min(SIMD_MAX) + 1) / SPAN * SPAN;
    if first >= end {
        return wheel_scan(n, wheel, lo, hi);
    }
    if let Some(x) = wheel_scan(n, wheel, lo, first - 1) {
        return Some(x);
    }
    let mut block = first;
    while block < end {
        // SAFETY: `simd_scan` only runs when `Flavor::Avx2` was checked available (AVX2 + FMA).
        let flagged = unsafe { avx2::first_flagged(n, wheel, block, end) };
        match flagged {
            Some(b) => {
                if let Some(x) = wheel_scan(n, wheel, b, b + SPAN - 1) {
                    return Some(x);
                }
                block = b + SPAN;
            }
            None => break,
        }
    }
    if end <= hi {
        wheel_scan(n, wheel, end, hi)
    } else {
        None
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn simd_scan(n: u64, wheel: &Wheel, lo: u64, hi: u64) -> Option<u64> {
    wheel_scan(n, wheel, lo, hi)
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Wheel, SPAN};

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
}
