//! Trial division on the GPU: `shaders/primes.wgsl`, 64-bit remainders from 32-bit parts.

use super::device::{bytes, words};
use super::Gpu;
use crate::{Error, Result};

/// Candidates the shader tests per invocation (`PER_INVOCATION` in the shader).
const PER_INVOCATION: u64 = 16;

/// Candidates per dispatch: the host reads the best factor after each, and stops once one is
/// found (every later dispatch has larger candidates).
const PER_DISPATCH: u64 = 1 << 24;

/// The largest candidate the shader takes; `u32::MAX` itself is tested on the host.
const GPU_LAST: u64 = u32::MAX as u64 - 2;

impl Gpu {
    /// The smallest divisor of `n` among the odd candidates `lo, lo + 2, …, hi`, if any: the
    /// same answer as `parlab::tasks::smallest_factor_in` on that subinterval, found on the GPU.
    ///
    /// WGSL has no 64-bit integers, so the shader holds `n` as two 32-bit halves and decides
    /// `x | n` with two Montgomery reductions modulo 2^32 (about 30 32-bit operations, against
    /// one 64-bit `div` on a CPU). When 3 and 5 do not divide `n`, no divisor of `n` is a
    /// multiple of 3 or 5, and only the 8 residues prime to 30 of every 30 are tried.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an even `lo` or one below 3, or `hi >= 2^32` (every factor up
    /// to `sqrt(n)` of a 64-bit `n` is below 2^32); [`Error::Gpu`] when the device fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let gpu = parlab::gpu::Gpu::new()?;
    /// assert_eq!(gpu.smallest_factor_in(91, 3, 9)?, Some(7));
    /// assert_eq!(gpu.smallest_factor_in(97, 3, 9)?, None);
    /// // Largest primes below 2^32 and 2^31: a divisor above 2^31.
    /// assert_eq!(gpu.smallest_factor_in(4_294_967_291 * 2_147_483_647, 4_294_967_201, 4_294_967_291)?, Some(4_294_967_291));
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn smallest_factor_in(&self, n: u64, lo: u64, hi: u64) -> Result<Option<u64>> {
        if lo < 3 || lo.is_multiple_of(2) {
            return Err(Error::invalid(
                "first candidate",
                format!("{lo} is not an odd number >= 3; trial division starts at 3"),
            ));
        }
        if hi > u64::from(u32::MAX) {
            return Err(Error::invalid(
                "last candidate",
                format!(
                    "{hi} is past 2^32 - 1; the GPU tries candidates below 2^32, which hold every \
                     factor up to sqrt(n) of a 64-bit n"
                ),
            ));
        }
        if hi < lo {
            return Ok(None);
        }
        let last = hi.min(GPU_LAST);
        let found = if last >= lo {
            self.scan(n, lo, last)?
        } else {
            None
        };
        // u32::MAX = 3 * 5 * 17 * 257 * 65537 is odd: the one candidate the shader leaves out.
        let tail = (hi == u64::from(u32::MAX) && n.is_multiple_of(hi)).then_some(hi);
        Ok(found.or(tail))
    }

    /// The shader's scan of `lo..=last` (odd `lo`, `last <= GPU_LAST`), dispatch by dispatch.
    fn scan(&self, n: u64, lo: u64, last: u64) -> Result<Option<u64>> {
        let wheel = !n.is_multiple_of(3) && !n.is_multiple_of(5);
        let (base, count) = if wheel {
            let base = lo / 30;
            (base, (last / 30 - base + 1) * 8)
        } else {
            (0, (last - lo) / 2 + 1)
        };
        let none = u32::MAX;
        let best = self.storage("best factor", 4);
        self.write(&best, &bytes(&[none]));
        let mut first = 0u64;
        while first < count {
            let chunk = PER_DISPATCH.min(count - first);
            let (x, y, row) = self.grid(chunk.div_ceil(PER_INVOCATION))?;
            let params = self.uniform(
                "primes params",
                &[
                    n as u32,
                    (n >> 32) as u32,
                    lo as u32,
                    last as u32,
                    base as u32,
                    first as u32,
                    chunk as u32,
                    u32::from(wheel),
                    row,
                ],
            );
            self.dispatch(&self.primes, &[&params, &best], (x, y))?;
            let found = words(&self.read(&best, 4)?)[0];
            if found != none {
                return Ok(Some(u64::from(found)));
            }
            first += chunk;
        }
        Ok(None)
    }
}

/// The shader's divisibility test, in Rust: the same 32-bit steps, so that a unit test can run
/// it on every edge case against `n % x`.
#[cfg(test)]
fn divides(n: u64, x: u32) -> bool {
    let (n_lo, n_hi) = (n as u32, (n >> 32) as u32);
    let mul_hi = |a: u32, b: u32| ((u64::from(a) * u64::from(b)) >> 32) as u32;
    let mut inv = x.wrapping_mul(3) ^ 2;
    for _ in 0..3 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(x.wrapping_mul(inv)));
    }
    let neg = 0u32.wrapping_sub(inv);
    let q = n_lo.wrapping_mul(neg);
    let s = n_hi.wrapping_add(mul_hi(q, x));
    let t_lo = s.wrapping_add(u32::from(n_lo != 0));
    let t_hi = u32::from(s < n_hi) + u32::from(t_lo < s);
    let q2 = t_lo.wrapping_mul(neg);
    let t2 = t_hi
        .wrapping_add(mul_hi(q2, x))
        .wrapping_add(u32::from(t_lo != 0));
    t2 == x
}

#[cfg(test)]
mod tests {
    use super::divides;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn the_shaders_test_is_n_mod_x() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(15);
        let edges = [
            3u32,
            5,
            7,
            0x7fff_ffff,
            0x8000_0001,
            0xffff_fffb,
            0xffff_ffff,
        ];
        for _ in 0..200_000 {
            let x = if rng.random_bool(0.1) {
                edges[rng.random_range(0..edges.len())]
            } else {
                rng.random::<u32>() | 1
            };
            let n = match rng.random_range(0..4) {
                0 => rng.random::<u64>(),
                1 => u64::from(x) * rng.random_range(1..=u64::MAX / u64::from(x)),
                2 => u64::from(x) * rng.random_range(1..=u64::MAX / u64::from(x)) - 1,
                _ => rng.random_range(1..=u64::from(u32::MAX)),
            };
            assert_eq!(divides(n, x), n % u64::from(x) == 0, "n = {n}, x = {x}");
        }
        assert!(divides(u64::MAX, 0xffff_ffff) && divides(9, 3) && !divides(10, 3));
    }
}
