//! Fast trial division: a 2·3·5 wheel, and an exact f64 remainder test in AVX2 lanes.
//!
//! For an odd candidate `x` and `n = nh + nl` (`nh = n as f64`, `nl` the small exact rest), the
//! AVX2 path computes `q = floor(nh / x)` and `r = fma(-q, x, nh) + nl`. Both steps are exact
//! (every value is an integer below 2^53), so `r = n - q·x` exactly, and `q` is within one of
//! `n / x` when `x >= SIMD_MIN`: then `x | n` if and only if `r` is `0` or `x`. A lane flagged
//! that way makes the scalar wheel re-scan its block with integer `%`, which also keeps the
//! smallest-divisor order. The wheel skips multiples of 3 and 5 only when they cannot divide `n`.

use super::smallest_factor_reference;

/// Numbers per SIMD block: four turns of the wheel (32 candidates when 3 and 5 do not divide n).
pub(crate) const SPAN: u64 = 4 * 30;
/// The f64 test's bounds: below, `q` may be off by more than one; above, products leave 2^53.
const SIMD_MIN: u64 = 1 << 13;
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

    /// The first block `b` (a multiple of `SPAN` in `block..end`) where some lane's remainder
    /// test flags a possible divisor, or `None`.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2 and FMA; `block` and `end` are multiples of `SPAN` in
    /// `SIMD_MIN..=SIMD_MAX`.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn first_flagged(
        n: u64,
        wheel: &Wheel,
        mut block: u64,
        end: u64,
    ) -> Option<u64> {
        let nh = n as f64;
        let nl = (i128::from(n) - nh as i128) as f64;
        let vnh = _mm256_set1_pd(nh);
        let vnl = _mm256_set1_pd(nl);
        let res = wheel.residues();
        let vecs = res.len() / 4;
        // Lane offsets from the block start: turn t, residue group v.
        let mut offsets = [_mm256_setzero_pd(); 16];
        for t in 0..4 {
            for v in 0..vecs {
                let r = &res[4 * v..4 * v + 4];
                let base = (30 * t) as f64;
                offsets[t * vecs + v] = _mm256_setr_pd(
                    base + r[0] as f64,
                    base + r[1] as f64,
                    base + r[2] as f64,
                    base + r[3] as f64,
                );
            }
        }
        let count = 4 * vecs;
        while block < end {
            let vb = _mm256_set1_pd(block as f64);
            let mut hit = _mm256_setzero_pd();
            for off in &offsets[..count] {
                let x = _mm256_add_pd(vb, *off);
                let q = _mm256_floor_pd(_mm256_div_pd(vnh, x));
                let r = _mm256_add_pd(_mm256_fnmadd_pd(q, x, vnh), vnl);
                let zero = _mm256_cmp_pd::<_CMP_EQ_OQ>(r, _mm256_setzero_pd());
                let full = _mm256_cmp_pd::<_CMP_EQ_OQ>(r, x);
                hit = _mm256_or_pd(hit, _mm256_or_pd(zero, full));
            }
            if _mm256_movemask_pd(hit) != 0 {
                return Some(block);
            }
            block += SPAN;
        }
        None
    }
}
