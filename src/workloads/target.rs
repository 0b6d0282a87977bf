//! [`Target`]: what the workloads run on — every [`Backend`], and the GPU.

use crate::backends::{Backend, MapOptions};
use crate::gas::GasParams;
use crate::Result;

use super::{GasRun, Method, PrimeAnswer, SquaresRun};

/// What [`squares`](super::squares), [`check_prime`](super::check_prime) and
/// [`simulate`](super::simulate) run on: every [`Backend`], which maps the workloads' kernels
/// over its workers, and (cargo feature `gpu`) the `Gpu` (`parlab::gpu`), which runs their
/// WGSL ports; an [`AnyBackend`](super::AnyBackend) holds either.
///
/// A GPU runs shaders, not Rust closures, so it is no [`Backend`]: `gpu.map(f, xs)` does not
/// compile, and an `AnyBackend` that holds the GPU refuses kernels with an error. The trait is
/// sealed: its methods are the workloads' own and are called through the functions above.
///
/// # Examples
///
/// ```
/// use parlab::prelude::*;
/// use parlab::workloads::Target;
///
/// fn first_squares<T: Target + ?Sized>(target: &T) -> Result<Vec<u32>> {
///     Ok(squares(target, 0..5)?.results)
/// }
/// assert_eq!(first_squares(&Sequential)?, [25, 25, 64, 64, 49]);
/// assert_eq!(first_squares(&BackendKind::Dask.build(2)?)?, [25, 25, 64, 64, 49]);
/// # Ok::<(), parlab::Error>(())
/// ```
pub trait Target: sealed::Sealed {
    /// [`squares_with`](super::squares_with) on this target, for a checked seed range.
    #[doc(hidden)]
    fn squares_on(&self, start: u32, count: u64, options: &MapOptions) -> Result<SquaresRun>;

    /// [`check_prime_with`](super::check_prime_with) on this target, for `n > 0`.
    #[doc(hidden)]
    fn check_prime_on(&self, n: u64, method: Method, options: &MapOptions) -> Result<PrimeAnswer>;

    /// [`simulate`](super::simulate) on this target, for checked parameters.
    #[doc(hidden)]
    fn simulate_on(&self, params: &GasParams) -> Result<GasRun>;
}

mod sealed {
    pub trait Sealed {}
    impl<B: crate::backends::Backend + ?Sized> Sealed for B {}
    #[cfg(feature = "gpu")]
    impl Sealed for crate::gpu::Gpu {}
}

/// The GPU inside `backend`, when it is an [`AnyBackend`](super::AnyBackend) that holds one.
#[cfg(feature = "gpu")]
fn gpu_in<B: Backend + ?Sized>(backend: &B) -> Option<&crate::gpu::Gpu> {
    backend.device()?.downcast_ref()
}

/// A backend maps the kernels over its workers; an `AnyBackend` holding the GPU hands the
/// workload to it.
impl<B: Backend + ?Sized> Target for B {
    fn squares_on(&self, start: u32, count: u64, options: &MapOptions) -> Result<SquaresRun> {
        #[cfg(feature = "gpu")]
        if let Some(gpu) = gpu_in(self) {
            return gpu.squares_on(start, count, options);
        }
        super::squares::on_backend(self, start, count, options)
    }

    fn check_prime_on(&self, n: u64, method: Method, options: &MapOptions) -> Result<PrimeAnswer> {
        #[cfg(feature = "gpu")]
        if let Some(gpu) = gpu_in(self) {
            return gpu.check_prime_on(n, method, options);
        }
        super::primes::on_backend(self, n, method, options)
    }

    fn simulate_on(&self, params: &GasParams) -> Result<GasRun> {
        #[cfg(feature = "gpu")]
        if let Some(gpu) = gpu_in(self) {
            return gpu.simulate_on(params);
        }
        super::gas::on_backend(self, params)
    }
}
