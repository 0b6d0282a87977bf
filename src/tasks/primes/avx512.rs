//! The wheel's remainder test in AVX-512 lanes: eight f64 candidates per vector over one turn of
//! the 2·3·5·7 wheel (48 candidates in 210 numbers, six vectors), for `n` coprime to 210.
//!
//! Per candidate vector and block, with the reciprocal `r ≈ 1/x` carried from the block before:
//! `s` Newton steps `r += r·(1 - x·r)` (two FMAs each), `q = fma(nh, r, 1.5·2^52) - 1.5·2^52`
//! (round to nearest without `vrndscalepd`: `p < 2^51`) and `t = fma(-q, x, nh)` compared with
//! `-nl` into a mask. Each Newton step squares the relative error left by the block step
//! `SPAN / x`; the number of steps (0 = divide, 1 or 2) is the least that keeps `nh·r` within 1/8
//! of `n / x` (see [`newton_min`]).

use std::arch::x86_64::*;

/// The wheel's modulus and the turns per block. A 2·3·5 wheel (`WHEEL = 30` with 4 or 7 turns,
/// multiples of 7 then tested too) measured 12–20 % slower here (BENCHMARKS.md); change the two
/// constants to compare (`ALIGN` in `wheel` must stay a multiple of `SPAN`).
const WHEEL: u64 = 210;
const TURNS: usize = 1;
/// Numbers per block.
pub(super) const SPAN: u64 = WHEEL * TURNS as u64;
/// Candidates per turn: the residues mod `WHEEL` coprime to it (48).
const PER_TURN: usize = coprime_count(WHEEL);
/// Candidate vectors per block.
const N: usize = PER_TURN * TURNS / 8;

const fn coprime(x: u64) -> bool {
    !x.is_multiple_of(2)
        && !x.is_multiple_of(3)
        && !x.is_multiple_of(5)
        && (!WHEEL.is_multiple_of(7) || !x.is_multiple_of(7))
}

const fn coprime_count(m: u64) -> usize {
    let (mut c, mut x) = (0, 1);
    while x < m {
        if coprime(x) {
            c += 1;
        }
        x += 1;
    }
    c
}

/// The block's candidate offsets: the residues coprime to `WHEEL`, turn after turn.
const OFFSETS: [u64; PER_TURN * TURNS] = {
    let mut r = [0; PER_TURN * TURNS];
    let (mut i, mut x) = (0, 1);
    while x < SPAN {
        if coprime(x % WHEEL) {
            r[i] = x;
            i += 1;
        }
        x += 1;
    }
    r
};

/// First candidate from which `steps` Newton steps per block suffice: they leave a relative
/// error `(SPAN / x)^(2^steps)`, so `nh · r` stays within 1/8 of `n / x` while
/// `(n / x) · (SPAN / x)^(2^steps) <= 1/8`, i.e. `x^(2^steps + 1) >= 8 · SPAN^(2^steps) · n`
/// (with a 25 % margin for the rounding of the root; the f64 steps' own rounding adds less than
/// `(n / x) · 2^-50`, under 1/32 there for every `u64`).
pub(super) fn newton_min(n: u64, steps: u32) -> u64 {
    let e = 1 << steps;
    let bound = 8.0 * (SPAN as f64).powi(e) * n as f64;
    (bound.powf(1.0 / f64::from(e + 1)) * 1.25) as u64 + SPAN
}

/// The first block `b` (a multiple of [`SPAN`] in `block..end`) where some lane's remainder test
/// flags a possible divisor of `n`, or `None`.
///
/// # Safety
///
/// The CPU must support AVX-512 F; `block` and `end` are multiples of `SPAN` in
/// `SIMD_MIN..=SIMD_MAX`, and `n` is coprime to 210.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) unsafe fn first_flagged(n: u64, mut block: u64, end: u64) -> Option<u64> {
    let offsets: [__m512d; N] = std::array::from_fn(|v| {
        let r = |k: usize| OFFSETS[8 * v + k] as f64;
        _mm512_setr_pd(r(0), r(1), r(2), r(3), r(4), r(5), r(6), r(7))
    });
    let nh = n as f64;
    let nl = (i128::from(n) - nh as i128) as f64;
    let c = Consts {
        nh: _mm512_set1_pd(nh),
        // 0 - nl: +0.0 when nl is 0, the value an exact `t` takes.
        neg_nl: _mm512_set1_pd(0.0 - nl),
        one: _mm512_set1_pd(1.0),
        magic: _mm512_set1_pd(1.5 * (1u64 << 52) as f64),
    };
    let x_at = |b: u64| {
        let vb = _mm512_set1_pd(b as f64);
        offsets.map(|o| _mm512_add_pd(vb, o))
    };
    // Dividing blocks below the first Newton regime.
    let two_from = newton_min(n, 2).next_multiple_of(SPAN).max(block);
    while block < end.min(two_from) {
        let x = x_at(block);
        let mut hit = 0;
        for x in x {
            hit |= test(&c, x, _mm512_div_pd(c.nh, x));
        }
        if hit != 0 {
            return Some(block);
        }
        block += SPAN;
    }
    if block >= end {
        return None;
    }
    let x = x_at(block);
    let mut recip = x.map(|x| _mm512_div_pd(c.one, x));
    let one_from = newton_min(n, 1).next_multiple_of(SPAN).max(block);
    if let Some(b) = run::<2>(&c, &offsets, &mut recip, &mut block, end.min(one_from)) {
        return Some(b);
    }
    run::<1>(&c, &offsets, &mut recip, &mut block, end)
}

/// The broadcast constants of one scan.
struct Consts {
    nh: __m512d,
    neg_nl: __m512d,
    one: __m512d,
    magic: __m512d,
}

/// The lanes of `x` whose quotient estimate `p ≈ nh / x` gives `fma(-round(p), x, nh) == -nl`.
#[inline(always)]
unsafe fn test(c: &Consts, x: __m512d, p: __m512d) -> __mmask8 {
    let q = _mm512_sub_pd(_mm512_add_pd(p, c.magic), c.magic);
    let t = _mm512_fnmadd_pd(q, x, c.nh);
    _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(t, c.neg_nl)
}

/// Blocks from `*block` to `end` with `STEPS` Newton steps on the carried reciprocals; the first
/// flagged block, or `None` with `*block` at `end`.
#[inline(always)]
unsafe fn run<const STEPS: usize>(
    c: &Consts,
    offsets: &[__m512d; N],
    recip: &mut [__m512d; N],
    block: &mut u64,
    end: u64,
) -> Option<u64> {
    while *block < end {
        let vb = _mm512_set1_pd(*block as f64);
        let mut hit = 0;
        for (r, off) in recip.iter_mut().zip(offsets) {
            let x = _mm512_add_pd(vb, *off);
            for _ in 0..STEPS {
                *r = _mm512_fmadd_pd(*r, _mm512_fnmadd_pd(x, *r, c.one), *r);
            }
            let q = _mm512_sub_pd(_mm512_fmadd_pd(c.nh, *r, c.magic), c.magic);
            let t = _mm512_fnmadd_pd(q, x, c.nh);
            hit |= _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(t, c.neg_nl);
        }
        if hit != 0 {
            return Some(*block);
        }
        *block += SPAN;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wheel_has_48_residues_and_regimes_grow() {
        assert_eq!((OFFSETS[0], OFFSETS[1], OFFSETS[47]), (1, 11, 209));
        assert_eq!(N * 8, OFFSETS.len());
        let n = 489_133_282_872_437_279;
        assert!(newton_min(n, 2) < newton_min(n, 1));
        assert!(newton_min(u64::MAX, 2) > super::super::wheel::SIMD_MIN);
    }
}
