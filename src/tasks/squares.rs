//! Random squaring, bit-identical to numpy's legacy `seed(i); randint(0, 10) ** 2`.
//!
//! numpy's `RandomState.seed(i)` is MT19937's `init_genrand(i)`; the legacy `randint(0, 10)`
//! draws 32-bit outputs, masks them with 15 (the smallest all-ones mask covering 9) and accepts the
//! first value `<= 9`. [`rand_mt::Mt`] is exactly that generator.

use std::time::Duration;

use rand_mt::Mt;

use serde::{Deserialize, Serialize};

use crate::tasks::Flavor;
use crate::{Error, Result};

#[cfg(target_arch = "x86_64")]
mod avx512;
mod lanes;

/// The number numpy's `seed(seed); randint(0, 10)` returns.
///
/// # Examples
///
/// ```
/// assert_eq!(parlab::tasks::random_int(0), 5);
/// ```
pub fn random_int(seed: u32) -> u32 {
    let mut mt = Mt::new(seed);
    loop {
        let v = mt.next_u32() & 15;
        if v <= 9 {
            return v;
        }
    }
}

/// The module's `random_square(seed)`: the square of [`random_int`].
///
/// # Examples
///
/// ```
/// use parlab::tasks::random_square;
///
/// let first: Vec<u32> = (0..10).map(random_square).collect();
/// assert_eq!(first, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
/// ```
pub fn random_square(seed: u32) -> u32 {
    let r = random_int(seed);
    r * r
}

/// The I/O-bound variant of 15.2 (`random_squareT`): [`random_square`] after sleeping `pause`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// assert_eq!(parlab::tasks::random_square_io(0, Duration::from_millis(1)), 25);
/// ```
pub fn random_square_io(seed: u32, pause: Duration) -> u32 {
    std::thread::sleep(pause);
    random_square(seed)
}

/// Fills `out` with the squares of seeds `start, start + 1, ...` (wrapping past `u32::MAX`),
/// with the fastest [`Flavor`] this CPU runs: the block kernel every backend maps over.
///
/// # Examples
///
/// ```
/// let mut out = [0; 3];
/// parlab::tasks::squares::squares_into(2, &mut out);
/// assert_eq!(out, [64, 64, 49]);
/// ```
pub fn squares_into(start: u32, out: &mut [u32]) {
    fill(Flavor::best(), start, out);
}

/// The squares of one [`Block`] of seeds, with the fastest [`Flavor`]: the one block kernel
/// that every backend, the cluster's engines and the MPI ranks run.
///
/// # Examples
///
/// ```
/// use parlab::tasks::squares::{square_block, Block};
///
/// assert_eq!(square_block(&Block { start: 0, len: 5 }), [25, 25, 64, 64, 49]);
/// ```
pub fn square_block(block: &Block) -> Vec<u32> {
    let mut out = vec![0; block.len as usize];
    squares_into(block.start, &mut out);
    out
}

/// [`squares_into`] with a chosen [`Flavor`]: [`Flavor::Scalar`] is the `rand_mt` reference
/// ([`random_square`] seed by seed), the others run 64 seeds side by side (128 with
/// [`Flavor::Avx512`]).
///
/// # Errors
///
/// [`Error::InvalidInput`] when the CPU cannot run `flavor`.
///
/// # Examples
///
/// ```
/// use parlab::tasks::{squares::squares_into_flavor, Flavor};
///
/// for flavor in Flavor::available() {
///     let mut out = [0; 100];
///     squares_into_flavor(flavor, 0, &mut out)?;
///     assert_eq!(out[..5], [25, 25, 64, 64, 49]);
/// }
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn squares_into_flavor(flavor: Flavor, start: u32, out: &mut [u32]) -> Result<()> {
    fill(flavor.check()?, start, out);
    Ok(())
}

fn fill(flavor: Flavor, start: u32, out: &mut [u32]) {
    match flavor {
        Flavor::Scalar => {
            for (i, slot) in out.iter_mut().enumerate() {
                *slot = random_square(start.wrapping_add(i as u32));
            }
        }
        Flavor::Portable => lanes::fill(start, out, lanes::batch_portable),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `fill` is only reached with `Flavor::Avx2` after `Flavor::best` or
        // `Flavor::check` found AVX2 on this CPU.
        Flavor::Avx2 => lanes::fill(start, out, |s, o| unsafe { lanes::batch_avx2(s, o) }),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, with AVX-512 F found by `Flavor::Avx512`'s check.
        Flavor::Avx512 => lanes::fill(start, out, |s, o| unsafe { avx512::batch(s, o) }),
        #[cfg(not(target_arch = "x86_64"))]
        Flavor::Avx2 | Flavor::Avx512 => lanes::fill(start, out, lanes::batch_portable),
    }
}

/// A block of consecutive seeds: the unit of work the backends map over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// First seed.
    pub start: u32,
    /// Number of seeds.
    pub len: u32,
}

/// Seeds per block when the squares are mapped over a backend.
pub const BLOCK: u32 = 1 << 14;

/// Splits `start..start + count` into [`Block`]s of at most [`BLOCK`] seeds.
///
/// # Errors
///
/// [`Error::InvalidInput`] when the range runs past `u32::MAX` (numpy's seeds are 32-bit).
///
/// # Examples
///
/// ```
/// let blocks = parlab::tasks::squares::blocks(0, 40_000).unwrap();
/// assert_eq!(blocks.len(), 3);
/// assert_eq!(blocks.iter().map(|b| b.len).sum::<u32>(), 40_000);
/// ```
pub fn blocks(start: u32, count: u64) -> Result<Vec<Block>> {
    let end = u64::from(start).saturating_add(count);
    if end > 1 << 32 {
        return Err(Error::invalid(
            "seed range",
            format!(
                "seeds {start}..{end} run past {} (numpy seeds are 32-bit); start lower or ask for fewer seeds",
                u32::MAX
            ),
        ));
    }
    let mut out = Vec::with_capacity(count.div_ceil(u64::from(BLOCK)) as usize);
    let mut s = u64::from(start);
    while s < end {
        let len = (end - s).min(u64::from(BLOCK));
        out.push(Block {
            start: s as u32,
            len: len as u32,
        });
        s += len;
    }
    Ok(out)
}
