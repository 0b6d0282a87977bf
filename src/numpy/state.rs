//! [`RandomState`]: numpy's legacy MT19937 generator, seeded and twisted lazily.

/// MT19937's state length.
const N: usize = 624;
/// MT19937's middle word offset.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER: u32 = 0x8000_0000;
const LOWER: u32 = 0x7fff_ffff;

/// numpy's legacy generator, `numpy.random.RandomState`: MT19937 seeded with `init_genrand`,
/// drawing integers the way numpy's legacy `randint` does, bit for bit.
///
/// **Lazy.** Seeding stores the seed and nothing else. MT19937's `init_genrand` is a serial
/// chain of 623 dependent steps, and the first twist of the whole state follows; but output `k`
/// of the first twist needs only the initial words `k`, `k + 1` and `k + 397`. So a draw
/// computes the chain only as far as it needs: `seed(s)` and one `randint(0, 10)` cost about 400
/// steps (about half a microsecond) instead of 624 plus a twist of 624 words. Later draws extend
/// the chain and the twist word by word; past the first 624 outputs the state twists whole,
/// as MT19937 always does. The outputs are those of the plain generator either way.
///
/// # Examples
///
/// ```
/// use parlab::numpy::RandomState;
///
/// // numpy: rng = np.random.RandomState(0); rng.randint(0, 10) -> 5
/// let mut rng = RandomState::new(0);
/// assert_eq!(rng.randint(0, 10), 5);
/// // rng.seed(42); [rng.randint(0, 100) for _ in range(5)]
/// rng.seed(42);
/// let draws: Vec<i64> = (0..5).map(|_| rng.randint(0, 100)).collect();
/// assert_eq!(draws, [51, 92, 14, 71, 60]);
/// ```
#[derive(Clone)]
pub struct RandomState {
    /// The state words: initial words `init..` not computed yet, words `..twisted` of the
    /// current generation twisted, the rest still the initial words.
    pub(super) mt: [u32; N],
    /// How many initial (`init_genrand`) words are computed, 1..=624.
    pub(super) init: usize,
    /// How many words of the current generation are twisted, 0..=624.
    pub(super) twisted: usize,
    /// The next output's index in the current generation, 0..=624.
    pub(super) pos: usize,
}

impl RandomState {
    /// A generator seeded with `seed`: numpy's `RandomState(seed)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::numpy::RandomState;
    ///
    /// assert_eq!(RandomState::new(1).randint(0, 10), 5);
    /// ```
    pub const fn new(seed: u32) -> Self {
        let mut mt = [0; N];
        mt[0] = seed;
        RandomState {
            mt,
            init: 1,
            twisted: 0,
            pos: 0,
        }
    }

    /// Reseeds with `seed`: numpy's `rng.seed(seed)` (`init_genrand(seed)`). Costs nothing
    /// until the next draw.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::numpy::RandomState;
    ///
    /// let mut rng = RandomState::new(5);
    /// let first = rng.randint(0, 1000);
    /// rng.randint(0, 1000);
    /// rng.seed(5);
    /// assert_eq!(rng.randint(0, 1000), first);
    /// ```
    pub fn seed(&mut self, seed: u32) {
        self.mt[0] = seed;
        self.init = 1;
        self.twisted = 0;
        self.pos = 0;
    }

    /// The next raw 32-bit output of MT19937 (`genrand_int32`), tempered.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::numpy::RandomState;
    ///
    /// // The reference value of MT19937 seeded with 5489 (its default seed).
    /// assert_eq!(RandomState::new(5489).next_u32(), 3_499_211_612);
    /// ```
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            // A generation used up: the next one twists whole (every word is computed by now).
            for k in 0..N {
                self.twist_word(k);
            }
            self.pos = 0;
        }
        while self.twisted <= self.pos {
            let k = self.twisted;
            self.extend_init((k + M + 1).min(N));
            self.twist_word(k);
            self.twisted += 1;
        }
        let mut y = self.mt[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// numpy's `next_uint64` for MT19937: two 32-bit outputs, the first one high.
    fn next_u64(&mut self) -> u64 {
        let high = u64::from(self.next_u32());
        (high << 32) | u64::from(self.next_u32())
    }

    /// Computes the initial words up to (not including) `upto`: `init_genrand`'s chain.
    fn extend_init(&mut self, upto: usize) {
        if self.init >= upto {
            return;
        }
        // The chain's previous word stays in a register (a store-then-load per step would add
        // the store-forwarding latency to every one of the ~400 dependent steps).
        let mut prev = self.mt[self.init - 1];
        for (i, word) in self.mt.iter_mut().enumerate().take(upto).skip(self.init) {
            prev = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
            *word = prev;
        }
        self.init = upto;
    }

    /// Twists word `k` in place, as MT19937's generation loop does: the words before `k` are
    /// already twisted, `k + 1` (but the last word's `0`) and `k + 397` (mod 624) not yet, or
    /// twisted for `k >= 227` (the loop reads new words there).
    fn twist_word(&mut self, k: usize) {
        let next = self.mt[(k + 1) % N];
        let y = (self.mt[k] & UPPER) | (next & LOWER);
        let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
        self.mt[k] = self.mt[(k + M) % N] ^ (y >> 1) ^ mag;
    }

    /// A random integer in `low..high`: numpy's legacy `rng.randint(low, high)` (`dtype=int`),
    /// bit-identical. numpy draws `v = output & mask` (the smallest all-ones mask covering
    /// `high - 1 - low`) until `v <= high - 1 - low`, with 32-bit outputs when the range fits in
    /// 32 bits and 64-bit ones (two outputs, high word first) beyond.
    ///
    /// # Panics
    ///
    /// When `low >= high`, as numpy raises `ValueError: low >= high`.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::numpy::RandomState;
    ///
    /// // np.random.RandomState(7): randint(0, 2**40) three times
    /// let mut rng = RandomState::new(7);
    /// let draws: Vec<i64> = (0..3).map(|_| rng.randint(0, 1 << 40)).collect();
    /// assert_eq!(draws, [752_595_690_692, 108_744_157_686, 291_964_244_179]);
    /// assert_eq!(RandomState::new(4_294_967_295).randint(-1000, 1000), -581);
    /// ```
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "randint: low >= high ({low} >= {high}): numpy's ValueError; the high end is excluded, so pass high > low");
        let range = (high as i128 - 1 - low as i128) as u64;
        low.wrapping_add(self.bounded(range) as i64)
    }

    /// A value in `0..=range` by numpy's masked rejection (`random_bounded_uint64_fill` with
    /// `use_masked`); `range == 0` takes no draw.
    fn bounded(&mut self, range: u64) -> u64 {
        if range == 0 {
            return 0;
        }
        let mask = u64::MAX >> range.leading_zeros();
        if let Ok(range) = u32::try_from(range) {
            let mask = mask as u32;
            loop {
                let v = self.next_u32() & mask;
                if v <= range {
                    return u64::from(v);
                }
            }
        }
        loop {
            let v = self.next_u64() & mask;
            if v <= range {
                return v;
            }
        }
    }
}

impl std::fmt::Debug for RandomState {
    /// Shows where the generator stands, not its 624 words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomState")
            .field("init_words", &self.init)
            .field("twisted", &self.twisted)
            .field("pos", &self.pos)
            .finish()
    }
}
