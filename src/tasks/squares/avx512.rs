//! The squares in AVX-512 registers: [`LANES`] seeds per batch, eight 512-bit vectors of 16 u32.
//!
//! The same algorithm as [`lanes`](super::lanes) (the init chain up to word `M + DRAWS - 1`, then
//! the first twist's outputs `k` from init words `k`, `k + 1`, `k + M`), written in intrinsics:
//! eight independent chains hide the multiply's latency, `vpternlogd` merges the twist's and the
//! tempering's and-xor pairs, the rejection loop runs on a lane mask and stops as soon as every lane
//! of a vector has a value `<= 9`, and a 16-entry `vpermd` table squares it. A lane whose
//! [`DRAWS`] draws are all rejected (probability (6/16)^12 ≈ 8e-6) falls back to the `rand_mt`
//! reference, as in the other flavors.

use std::arch::x86_64::*;

use super::lanes::{LOWER, M, MATRIX_A, MULT, UPPER};
use super::random_square;

/// Seeds per batch: eight vectors of 16 lanes, enough independent chains to cover the latency of
/// `vpmulld` plus the shift and the xor.
pub(crate) const LANES: usize = 128;
const V: usize = LANES / 16;
/// Draws formed per lane before falling back to the reference: with 12, a fallback (≈ 2 µs of
/// `rand_mt`) is needed with probability (6/16)^12 ≈ 8e-6, 0.02 ns per seed on average; with
/// the other flavors' 8 it cost ≈ 0.8 ns per seed, more than the four extra chain steps.
const DRAWS: usize = 12;
/// Draws formed before the first look at whether a vector's lanes are all done (measured here:
/// 9.5 ns per seed with 6, 9.6 with 4, 9.8 with 8, 10.2 looking after every draw).
const FIRST: usize = 6;

// `vpternlogd` truth tables, built from the operands' canonical patterns.
const A: i32 = 0xf0;
const B: i32 = 0xcc;
const C: i32 = 0xaa;
/// `c ? a : b`, bit by bit.
const SELECT: i32 = (C & A) | (!C & B & 0xff);
/// `a ^ (b & c)`.
const XOR_AND: i32 = A ^ (B & C);
/// `(a ^ b) & c`.
const AND_XOR: i32 = (A ^ B) & C;

/// The squares of seeds `start, start + 1, ..., start + LANES - 1` (wrapping).
///
/// # Safety
///
/// The CPU must support AVX-512 F.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn batch(start: u32, out: &mut [u32; LANES]) {
    let mult = _mm512_set1_epi32(MULT as i32);
    let first = _mm512_add_epi32(
        _mm512_set1_epi32(start as i32),
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    );
    let mut x: [__m512i; V] =
        std::array::from_fn(|v| _mm512_add_epi32(first, _mm512_set1_epi32(16 * v as i32)));
    let step = |x: &mut [__m512i; V], i: usize| {
        let vi = _mm512_set1_epi32(i as i32);
        for v in x.iter_mut() {
            let t = _mm512_xor_si512(*v, _mm512_srli_epi32::<30>(*v));
            *v = _mm512_add_epi32(_mm512_mullo_epi32(t, mult), vi);
        }
    };
    let zero = _mm512_setzero_si512();
    let mut head = [[zero; V]; DRAWS + 1];
    let mut tail = [[zero; V]; DRAWS];
    head[0] = x;
    for (i, h) in head.iter_mut().enumerate().skip(1) {
        step(&mut x, i);
        *h = x;
    }
    for i in DRAWS + 1..M {
        step(&mut x, i);
    }
    for (k, t) in tail.iter_mut().enumerate() {
        step(&mut x, M + k);
        *t = x;
    }
    let upper = _mm512_set1_epi32(UPPER as i32);
    let matrix = _mm512_set1_epi32(MATRIX_A as i32);
    let one = _mm512_set1_epi32(1);
    let nine = _mm512_set1_epi32(9);
    let fifteen = _mm512_set1_epi32(15);
    let mask1 = _mm512_set1_epi32(0x9d2c_5680_u32 as i32);
    let mask2 = _mm512_set1_epi32(0xefc6_0000_u32 as i32);
    let squares = _mm512_setr_epi32(0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 0, 0, 0, 0, 0, 0);
    debug_assert_eq!(UPPER, !LOWER);
    for v in 0..V {
        let mut pending: __mmask16 = 0xffff;
        let mut pick = zero;
        for k in 0..DRAWS {
            // y = (w[k] & UPPER) | (w[k + 1] & LOWER); out = w[k + M] ^ (y >> 1) ^ (y odd ? A : 0).
            let y = _mm512_ternarylogic_epi32::<SELECT>(head[k][v], head[k + 1][v], upper);
            let mut o = _mm512_xor_si512(tail[k][v], _mm512_srli_epi32::<1>(y));
            o = _mm512_mask_xor_epi32(o, _mm512_test_epi32_mask(y, one), o, matrix);
            // Tempering; only the low four bits of the last step are needed.
            o = _mm512_xor_si512(o, _mm512_srli_epi32::<11>(o));
            o = _mm512_ternarylogic_epi32::<XOR_AND>(o, _mm512_slli_epi32::<7>(o), mask1);
            o = _mm512_ternarylogic_epi32::<XOR_AND>(o, _mm512_slli_epi32::<15>(o), mask2);
            let d = _mm512_ternarylogic_epi32::<AND_XOR>(o, _mm512_srli_epi32::<18>(o), fifteen);
            let accept = _mm512_mask_cmple_epu32_mask(pending, d, nine);
            pick = _mm512_mask_mov_epi32(pick, accept, d);
            pending &= !accept;
            // Branch-free for the first draws (all 16 lanes are done after them with
            // probability (1 - (3/8)^FIRST)^16, 0.96 for 6), then one test per draw.
            if k + 1 >= FIRST && pending == 0 {
                break;
            }
        }
        let sq = _mm512_permutexvar_epi32(pick, squares);
        let dst = &mut out[16 * v..16 * v + 16];
        _mm512_storeu_si512(dst.as_mut_ptr().cast(), sq);
        while pending != 0 {
            let j = pending.trailing_zeros() as usize;
            dst[j] = random_square(start.wrapping_add((16 * v + j) as u32));
            pending &= pending - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ternary_tables_match_their_formulas() {
        for (imm, f) in [
            (
                SELECT,
                (|a, b, c| (c & a) | (!c & b)) as fn(u8, u8, u8) -> u8,
            ),
            (XOR_AND, |a, b, c| a ^ (b & c)),
            (AND_XOR, |a, b, c| (a ^ b) & c),
        ] {
            assert_eq!(imm, i32::from(f(0xf0, 0xcc, 0xaa)));
        }
    }

    #[test]
    fn a_batch_matches_the_reference_where_the_cpu_runs_it() {
        if !crate::tasks::Flavor::Avx512.is_available() {
            return;
        }
        let mut out = [0; LANES];
        for start in [0, 12_345, u32::MAX - 60] {
            // SAFETY: checked above.
            unsafe { batch(start, &mut out) };
            for (j, &o) in out.iter().enumerate() {
                assert_eq!(
                    o,
                    random_square(start.wrapping_add(j as u32)),
                    "{start} + {j}"
                );
            }
        }
    }
}
