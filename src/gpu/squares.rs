//! Random squaring on the GPU: `shaders/squares.wgsl`, numpy's `seed(s); randint(0, 10)`.

use super::device::{bytes, words};
use super::Gpu;
use crate::{Error, Result};

/// The most draws the shader's short path can take (output 227 needs init word 624).
pub const SHORT_DRAWS: u32 = 227;

/// Seeds per dispatch at most: 2^27 seeds are 2^24 words (64 MiB) of packed draws.
const SEEDS_PER_DISPATCH: u64 = 1 << 27;

impl Gpu {
    /// The module's `random_square(seed)` for seeds `start, start + 1, …` (`count` of them,
    /// wrapping past `u32::MAX` as the CPU kernel does), computed on the GPU: MT19937's
    /// `init_genrand` and numpy's masked draw `randint(0, 10)` in the shader, so the results
    /// are bit-identical to numpy's (and to `parlab::tasks::random_square`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `count` is over 2^32 (there are no more 32-bit seeds);
    /// [`Error::Gpu`] when the device fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let gpu = parlab::gpu::Gpu::new()?;
    /// assert_eq!(gpu.squares(0, 10)?, [25, 25, 64, 64, 49, 9, 81, 16, 9, 25]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn squares(&self, start: u32, count: u64) -> Result<Vec<u32>> {
        self.squares_with_short_path(start, count, SHORT_DRAWS)
    }

    /// [`Gpu::squares`] with the shader's short path limited to `short_draws` draws
    /// (at most [`SHORT_DRAWS`]); a seed that needs more runs the full 624-word generator. Both
    /// paths give the same numbers: `short_draws = 0` runs every seed through the full
    /// generator, which is how the tests check it.
    ///
    /// # Errors
    ///
    /// As [`Gpu::squares`], and [`Error::InvalidInput`] for `short_draws` over [`SHORT_DRAWS`].
    ///
    /// # Examples
    ///
    /// ```
    /// let gpu = parlab::gpu::Gpu::new()?;
    /// assert_eq!(gpu.squares_with_short_path(0, 100, 0)?, gpu.squares(0, 100)?);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn squares_with_short_path(
        &self,
        start: u32,
        count: u64,
        short_draws: u32,
    ) -> Result<Vec<u32>> {
        if count > 1 << 32 {
            return Err(Error::invalid(
                "seed count",
                format!("{count} is more than the 2^32 seeds numpy has; ask for fewer"),
            ));
        }
        if short_draws > SHORT_DRAWS {
            return Err(Error::invalid(
                "short_draws",
                format!("{short_draws} is over {SHORT_DRAWS}, the most the short path can take"),
            ));
        }
        self.draw(Seeds::Range(start), count, short_draws)
    }

    /// [`Gpu::squares`] for any list of seeds, in one go: `squares_of(&seeds)[i]` is the square
    /// for `seeds[i]`.
    ///
    /// # Errors
    ///
    /// [`Error::Gpu`] when the device fails.
    ///
    /// # Examples
    ///
    /// ```
    /// let gpu = parlab::gpu::Gpu::new()?;
    /// assert_eq!(gpu.squares_of(&[4, 0, u32::MAX])?, [49, 25, gpu.squares(u32::MAX, 1)?[0]]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn squares_of(&self, seeds: &[u32]) -> Result<Vec<u32>> {
        self.draw(Seeds::List(seeds), seeds.len() as u64, SHORT_DRAWS)
    }

    /// The shader over `count` seeds, dispatch by dispatch.
    fn draw(&self, seeds: Seeds<'_>, count: u64, short_draws: u32) -> Result<Vec<u32>> {
        let per_dispatch = SEEDS_PER_DISPATCH.min(self.max_binding() / 4 * 8);
        let capacity = per_dispatch.min(count).div_ceil(8) * 4;
        let out = self.storage("packed draws", capacity);
        let list = self.storage(
            "seeds",
            match seeds {
                Seeds::List(_) => per_dispatch.min(count) * 4,
                Seeds::Range(_) => 4,
            },
        );
        let mut results = Vec::with_capacity(count as usize);
        let mut done = 0u64;
        while done < count {
            let n = per_dispatch.min(count - done);
            let word_count = n.div_ceil(8);
            let (x, y, row) = self.grid(word_count)?;
            let (first, listed) = match seeds {
                Seeds::Range(start) => (start.wrapping_add(done as u32), 0),
                Seeds::List(all) => {
                    self.write(&list, &bytes(&all[done as usize..(done + n) as usize]));
                    (0, 1)
                }
            };
            let params = self.uniform(
                "squares params",
                &[first, n as u32, short_draws, row, listed],
            );
            self.dispatch(&self.squares, &[&params, &out, &list], (x, y))?;
            let packed = words(&self.read(&out, word_count * 4)?);
            results.extend(unpack(&packed, n as usize));
            done += n;
        }
        Ok(results)
    }
}

/// Which seeds the shader draws for.
#[derive(Clone, Copy)]
enum Seeds<'a> {
    /// `start, start + 1, …`
    Range(u32),
    /// These.
    List(&'a [u32]),
}

/// The squares of the first `count` 4-bit draws packed 8 to a word (lowest bits first).
fn unpack(packed: &[u32], count: usize) -> impl Iterator<Item = u32> + '_ {
    packed
        .iter()
        .flat_map(|w| (0..8).map(move |j| (w >> (4 * j)) & 15))
        .take(count)
        .map(|v| v * v)
}

#[cfg(test)]
mod tests {
    use super::{bytes, unpack};

    #[test]
    fn unpack_takes_the_low_nibbles_first() {
        let packed = [0x9876_5432u32, 0x0000_0001];
        let got: Vec<u32> = unpack(&packed, 9).collect();
        assert_eq!(got, [4, 9, 16, 25, 36, 49, 64, 81, 1]);
        assert_eq!(bytes(&[1]).len(), 16);
    }
}
