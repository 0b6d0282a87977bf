//! Which implementation of a task kernel runs: the scalar reference, a portable lane-batched
//! version, the AVX2 one or the AVX-512 one, chosen at run time.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

crate::display::named_enum! {
    /// An implementation of the task kernels
    /// ([`squares_into_flavor`](super::squares::squares_into_flavor),
    /// [`smallest_factor_flavor`](super::primes::smallest_factor_flavor)). All flavors give
    /// bit-identical results; they differ only in speed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Flavor {
        /// The reference: one seed at a time through `rand_mt`, one `%` per odd candidate.
        Scalar => "scalar",
        /// Plain Rust over batches of lanes that the compiler vectorizes for the build target
        /// (SSE2 on x86-64, NEON on aarch64); the primes use a 2·3·5·7 wheel with integer `%`.
        Portable => "portable",
        /// AVX2 (and FMA for the primes: 4 f64 lanes over a 2·3·5 wheel), selected at run time on
        /// CPUs that have it.
        Avx2 => "avx2",
        /// AVX-512 F (16 u32 lanes for the squares, 8 f64 lanes and a 2·3·5·7 wheel for the
        /// primes), selected at run time on CPUs that have it.
        Avx512 => "avx512",
    }
    /// Every flavor, slowest first.
    const ALL;
    /// The name used on the command line and in JSON.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(parlab::tasks::Flavor::Avx2.name(), "avx2");
    /// assert_eq!(parlab::tasks::Flavor::Avx512.name(), "avx512");
    /// ```
    fn name;
    /// Parses a flavor's [`name`](Flavor::name).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::Flavor;
    ///
    /// assert_eq!("portable".parse::<Flavor>()?, Flavor::Portable);
    /// assert!("avx9".parse::<Flavor>().is_err());
    /// # Ok::<(), parlab::Error>(())
    /// ```
    impl FromStr<Err = Error> for "flavor";
}

impl Flavor {
    /// The fastest flavor this CPU runs: [`Flavor::Avx512`] where AVX-512 F is present, else
    /// [`Flavor::Avx2`] where AVX2 and FMA are present, [`Flavor::Portable`] elsewhere.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::Flavor;
    ///
    /// assert!(Flavor::best().is_available());
    /// assert_ne!(Flavor::best(), Flavor::Scalar);
    /// ```
    pub fn best() -> Flavor {
        if Flavor::Avx512.is_available() {
            Flavor::Avx512
        } else if Flavor::Avx2.is_available() {
            Flavor::Avx2
        } else {
            Flavor::Portable
        }
    }

    /// Whether this CPU can run the flavor (`is_x86_feature_detected!` caches its answer).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::Flavor;
    ///
    /// assert!(Flavor::Scalar.is_available() && Flavor::Portable.is_available());
    /// ```
    pub fn is_available(self) -> bool {
        match self {
            Flavor::Scalar | Flavor::Portable => true,
            Flavor::Avx2 => avx2_fma(),
            Flavor::Avx512 => avx2_fma() && avx512f(),
        }
    }

    /// The flavors this CPU can run, slowest first.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::Flavor;
    ///
    /// assert!(Flavor::available().contains(&Flavor::best()));
    /// ```
    pub fn available() -> Vec<Flavor> {
        Flavor::ALL
            .into_iter()
            .filter(|f| f.is_available())
            .collect()
    }

    /// `Ok(self)` when the CPU runs this flavor, an error naming the missing feature otherwise.
    pub(crate) fn check(self) -> Result<Flavor> {
        if self.is_available() {
            return Ok(self);
        }
        let needs = match self {
            Flavor::Avx512 => "AVX-512 F, AVX2 and FMA",
            _ => "AVX2 and FMA",
        };
        Err(Error::invalid(
            "kernel flavor",
            format!(
                "{} needs {needs}, which this CPU lacks; use {}",
                self.name(),
                Flavor::best().name()
            ),
        ))
    }
}

#[cfg(target_arch = "x86_64")]
fn avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2_fma() -> bool {
    false
}

#[cfg(target_arch = "x86_64")]
fn avx512f() -> bool {
    is_x86_feature_detected!("avx512f")
}

#[cfg(not(target_arch = "x86_64"))]
fn avx512f() -> bool {
    false
}
