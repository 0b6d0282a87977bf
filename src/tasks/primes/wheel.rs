//! Fast trial division: wheels of 2·3·5 and 2·3·5·7, and exact f64 remainder tests in SIMD lanes.
//!
//! For an odd candidate `x >= SIMD_MIN` and `n = nh + nl` (`nh = n as f64`, `nl` the small exact
//! rest), the SIMD paths form `p ≈ n / x` (by division, or far enough up by a reciprocal carried
//! from block to block with Newton steps), `q = round(p)` and `t = fma(-q, x, nh)`. When
//! `x | n`, `p` lies within 1/2 of the integer `n / x`, so `q = n / x` and `t = -nl` exactly;
//! otherwise `n - q·x` is a non-zero integer below 2^53, computed exactly, and `t != -nl`. So a
//! lane is flagged exactly when `x | n`; the scalar wheel then re-scans the flagged block with
//! integer `%`, which confirms the hit and keeps the smallest divisor first. A wheel skips
//! multiples of 3, 5 (and 7) only when they cannot divide `n`.

use super::smallest_factor_reference;
use crate::tasks::Flavor;

/// Chunk ends that are multiples of this are block ends for every SIMD flavor (lcm of 120, 210).
pub(crate) const ALIGN: u64 = 840;
/// The f64 test's bounds: from `SIMD_MIN` on, `|nl| / x <= 1/8` and `nh / x` rounds by at most
/// 1/16, so `p` is within 1/2 of `n / x`; up to `SIMD_MAX`, every product stays below 2^53.
pub(super) const SIMD_MIN: u64 = 1 << 14;
pub(super) const SIMD_MAX: u64 = 1 << 50;
/// Beyond this the wheel's block arithmetic could overflow; the reference takes over.
const WHEEL_MAX: u64 = (1 << 62) - 1;

/// The odd residues mod `modulus` (30 or 210) that may divide `n`, padded with repeats to a
/// multiple of the lane count.
pub(crate) struct Wheel {
    residues: [u64; 112],
    len: usize,
    modulus: u64,
}

impl Wheel {
    /// The wheel of `modulus` (30 or 210) for `n`, padded to a multiple of `pad` residues.
    pub(crate) fn new(n: u64, modulus: u64, pad: usize) -> Wheel {
        debug_assert!(modulus == 30 || modulus == 210);
        let may_divide = |r: u64, p: u64| {
            !r.is_multiple_of(p) || n.is_multiple_of(p) || !modulus.is_multiple_of(p)
        };
        let mut residues = [0; 112];
        let mut len = 0;
        for r in (1..modulus).step_by(2) {
            if may_divide(r, 3) && may_divide(r, 5) && may_divide(r, 7) {
                residues[len] = r;
                len += 1;
            }
        }
        let padded = len.next_multiple_of(pad);
        for i in len..padded {
            residues[i] = residues[len - 1];
        }
        Wheel {
            residues,
            len: padded,
            modulus,
        }
    }

    pub(super) fn residues(&self) -> &[u64] {
        &self.residues[..self.len]
    }
}

/// Smallest wheel candidate in `lo..=hi` dividing `n`, by integer `%` (`hi <= WHEEL_MAX`).
pub(crate) fn wheel_scan(n: u64, wheel: &Wheel, lo: u64, hi: u64) -> Option<u64> {
    let m = wheel.modulus;
    let mut base = lo - lo % m;
    while base <= hi {
        for &r in wheel.residues() {
            let x = base + r;
            if x >= lo && x <= hi && n.is_multiple_of(x) {
                return Some(x);
            }
        }
        base += m;
    }
    None
}

/// Smallest odd `x` in `lo..=hi` (odd `lo >= 3`) dividing `n`, by the wheel of `flavor`:
/// integer `%` over a 2·3·5·7 wheel ([`Flavor::Portable`]), the AVX2 remainder test over a
/// 2·3·5 wheel, or the AVX-512 one over a 2·3·5·7 wheel (AVX2's when 3, 5 or 7 divides `n`).
pub(crate) fn scan(n: u64, lo: u64, hi: u64, flavor: Flavor) -> Option<u64> {
    debug_assert!(lo >= 3 && lo % 2 == 1 && n > 0);
    if lo > WHEEL_MAX {
        return smallest_factor_reference(n, lo, hi);
    }
    let top = hi.min(WHEEL_MAX);
    let found = match flavor {
        Flavor::Avx512 if !n.is_multiple_of(3) && !n.is_multiple_of(5) && !n.is_multiple_of(7) => {
            avx512_scan(n, lo, top)
        }
        Flavor::Avx2 | Flavor::Avx512 => avx2_scan(n, lo, top),
        _ => wheel_scan(n, &Wheel::new(n, 210, 1), lo, top),
    };
    match found {
        Some(x) => Some(x),
        None if hi > top => smallest_factor_reference(n, top + 2, hi),
        None => None,
    }
}

/// The SIMD scan's frame: `wheel`'s integer scan before and after the whole blocks of `span`
/// numbers in `SIMD_MIN..=SIMD_MAX`, and `first_flagged(block, end)` (the first flagged block
/// from `block` on) over them, each flagged block confirmed by integer `%`.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn simd_frame(
    n: u64,
    wheel: &Wheel,
    span: u64,
    lo: u64,
    hi: u64,
    mut first_flagged: impl FnMut(u64, u64) -> Option<u64>,
) -> Option<u64> {
    // Block `b` holds the candidates `b + 1 ..= b + span - 1`: a chunk from `k·ALIGN + 1` starts
    // with a whole block.
    let first = (lo - 1).max(SIMD_MIN - 1).next_multiple_of(span);
    let end = (hi.min(SIMD_MAX) + 1) / span * span;
    if first >= end {
        return wheel_scan(n, wheel, lo, hi);
    }
    if let Some(x) = wheel_scan(n, wheel, lo, first - 1) {
        return Some(x);
    }
    let mut block = first;
    while block < end {
        match first_flagged(block, end) {
            Some(b) => {
                if let Some(x) = wheel_scan(n, wheel, b, b + span - 1) {
                    return Some(x);
                }
                block = b + span;
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

#[cfg(target_arch = "x86_64")]
fn avx2_scan(n: u64, lo: u64, hi: u64) -> Option<u64> {
    let wheel = Wheel::new(n, 30, 4);
    let span = super::avx2::SPAN;
    // SAFETY: reached only with `Flavor::Avx2` or `Flavor::Avx512` checked available (both
    // include AVX2 and FMA).
    simd_frame(n, &wheel, span, lo, hi, |b, e| unsafe {
        super::avx2::first_flagged(n, &wheel, b, e)
    })
}

#[cfg(target_arch = "x86_64")]
fn avx512_scan(n: u64, lo: u64, hi: u64) -> Option<u64> {
    let wheel = Wheel::new(n, 210, 8);
    let span = super::avx512::SPAN;
    // SAFETY: reached only with `Flavor::Avx512` checked available (AVX-512 F).
    simd_frame(n, &wheel, span, lo, hi, |b, e| unsafe {
        super::avx512::first_flagged(n, b, e)
    })
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2_scan(n: u64, lo: u64, hi: u64) -> Option<u64> {
    wheel_scan(n, &Wheel::new(n, 210, 1), lo, hi)
}

#[cfg(not(target_arch = "x86_64"))]
fn avx512_scan(n: u64, lo: u64, hi: u64) -> Option<u64> {
    avx2_scan(n, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheels_hold_the_residues_that_may_divide() {
        assert_eq!(
            Wheel::new(1, 30, 1).residues(),
            [1, 7, 11, 13, 17, 19, 23, 29]
        );
        assert_eq!(Wheel::new(1, 210, 1).residues().len(), 48);
        assert_eq!(Wheel::new(7, 210, 1).residues().len(), 56);
        assert_eq!(Wheel::new(105, 210, 8).residues().len(), 112);
        // Padding repeats the last residue.
        assert_eq!(Wheel::new(5, 30, 4).residues()[8..], [25, 29, 29, 29]);
    }
}
