//! The module's tasks as [`Kernel`]s, and [`engine_kernels`]: the same code compiled into the
//! cluster's stock engine, `parlab-engine`.
//!
//! Each kernel here is a type whose [`remote_name`](Kernel::remote_name) is the name it has in
//! [`engine_kernels`], so a map of it on the [`Cluster`](crate::cluster::Cluster) runs the
//! engines' compiled copy of exactly this code; every other backend calls it in process.
//!
//! | kernel | name | input → output | what |
//! |---|---|---|---|
//! | [`SquareBlocks`] | `squares` | [`Block`] → `Vec<u32>` | the squares of a block of seeds ([`square_block`]) |
//! | [`RandomSquare`] | `random-square` | `u32` → `u32` | one seed's square ([`random_square`]) |
//! | [`RandomSquareIo`] | `squares-io` | `(u32, Duration)` → `u32` | [`random_square_io`], the 15.2 I/O-bound task |
//! | [`TrialKernel`] | `trial-division` | [`Subinterval`] → `Option<u64>` | trial division with early exit |
//! | [`ModuleScan`] | `module-is-primeP` | [`Subinterval`] → `Option<u64>` | [`smallest_factor_in`], no early exit (Breakpoint 1) |
//! | [`GasBlocks`] | `gas` | [`GasBlock`] → [`BlockOutcome`] | [`run_block`] (Exercise 1) |
//! | [`Noop`] | `noop` | `u64` → `u64` | returns its input: the per-task overhead |
//! | [`Sleep`] | `sleep` | `(u64, u64)` → `u64` | sleeps the second number of µs, returns the first |

use std::time::Duration;

use crate::backends::Kernel;
use crate::cluster::KernelRegistry;
use crate::gas::{run_block, BlockOutcome, GasBlock};
use crate::tasks::primes::TrialKernel;
use crate::tasks::squares::{square_block, Block};
use crate::tasks::{random_square, random_square_io, smallest_factor_in, Subinterval};

/// A kernel type with no state whose code is also compiled into `parlab-engine`.
macro_rules! engine_kernel {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $input:ty => $output:ty, $f:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $ty;

        impl Kernel for $ty {
            type Input = $input;
            type Output = $output;

            fn call(&self, input: &$input) -> $output {
                let f: fn(&$input) -> $output = $f;
                f(input)
            }

            fn name(&self) -> &str {
                $name
            }

            fn remote_name(&self) -> Option<&'static str> {
                Some($name)
            }
        }
    };
}

engine_kernel!(
    /// The squares of a [`Block`] of seeds ([`square_block`]): what [`squares`](super::squares)
    /// maps.
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::tasks::squares::Block;
    /// use parlab::workloads::kernels::SquareBlocks;
    ///
    /// let out = Sequential.run(&SquareBlocks, &[Block { start: 0, len: 3 }])?;
    /// assert_eq!(out.results, [vec![25, 25, 64]]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    SquareBlocks, "squares", Block => Vec<u32>, square_block
);

engine_kernel!(
    /// One seed's square ([`random_square`]): the module's `random_square` as a kernel.
    ///
    /// ```
    /// use parlab::prelude::*;
    ///
    /// assert_eq!(Sequential.run(&RandomSquare, &[0, 1, 2])?.results, [25, 25, 64]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    RandomSquare, "random-square", u32 => u32, |s| random_square(*s)
);

engine_kernel!(
    /// One seed's square after sleeping the given time ([`random_square_io`], 15.2).
    ///
    /// ```
    /// use std::time::Duration;
    /// use parlab::prelude::*;
    /// use parlab::workloads::kernels::RandomSquareIo;
    ///
    /// assert_eq!(RandomSquareIo.call(&(4, Duration::from_millis(1))), 49);
    /// ```
    RandomSquareIo, "squares-io", (u32, Duration) => u32, |&(s, pause)| random_square_io(s, pause)
);

engine_kernel!(
    /// The module's `is_primeP` on one subinterval: [`smallest_factor_in`], no early exit.
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::tasks::Subinterval;
    /// use parlab::workloads::kernels::ModuleScan;
    ///
    /// assert_eq!(ModuleScan.call(&Subinterval { n: 91, lo: 3, hi: 9 }), Some(7));
    /// ```
    ModuleScan, "module-is-primeP", Subinterval => Option<u64>, smallest_factor_in
);

engine_kernel!(
    /// One block of gas particles sampled and moved ([`run_block`], Exercise 1).
    GasBlocks, "gas", GasBlock => BlockOutcome, run_block
);

engine_kernel!(
    /// Returns its input: measures a backend's per-task overhead.
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::workloads::kernels::Noop;
    ///
    /// assert_eq!(Sequential.run(&Noop, &[3, 4])?.results, [3, 4]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    Noop, "noop", u64 => u64, |x| *x
);

engine_kernel!(
    /// Sleeps `micros` µs and returns `value`, for `(value, micros)`: a task of known length.
    ///
    /// ```
    /// use parlab::prelude::*;
    /// use parlab::workloads::kernels::Sleep;
    ///
    /// assert_eq!(Sleep.call(&(7, 100)), 7);
    /// ```
    Sleep, "sleep", (u64, u64) => u64, |&(value, micros)| {
        std::thread::sleep(Duration::from_micros(micros));
        value
    }
);

/// Trial division of one subinterval with early exit ([`TrialKernel::scan`]); all copies share
/// the best factor found so far.
impl Kernel for TrialKernel {
    type Input = Subinterval;
    type Output = Option<u64>;

    fn call(&self, sub: &Subinterval) -> Option<u64> {
        self.scan(sub)
    }

    fn name(&self) -> &str {
        "trial-division"
    }

    /// The engines run the fastest flavor; a kernel of another flavor exists only here.
    fn remote_name(&self) -> Option<&'static str> {
        (self.flavor() == crate::tasks::Flavor::best()).then_some("trial-division")
    }
}

/// The kernels the stock `parlab-engine` and forked engines
/// ([`Cluster::start`](crate::cluster::Cluster::start)) serve: every kernel of this module, by
/// its [`remote_name`](Kernel::remote_name). A program of your own can serve more:
/// `engine_main(engine_kernels().register("cube", cube))` (see `examples/custom_engine.rs`).
///
/// When a workload gains a kernel, add it here, or the cluster refuses to run it.
///
/// | name | input → output |
/// |---|---|
/// | `squares` | `Block` → `Vec<u32>` |
/// | `random-square` | `u32` → `u32` |
/// | `squares-io` | `(u32, Duration)` → `u32` |
/// | `trial-division` | `Subinterval` → `Option<u64>` (a fresh kernel per task) |
/// | `module-is-primeP` | `Subinterval` → `Option<u64>` |
/// | `gas` | `GasBlock` → `BlockOutcome` |
/// | `noop` | `u64` → `u64` |
/// | `sleep` | `(u64, u64)` → `u64`: sleeps the second number of µs, returns the first |
///
/// # Examples
///
/// ```
/// let names: Vec<String> = parlab::workloads::engine_kernels().names().map(String::from).collect();
/// assert_eq!(
///     names,
///     ["gas", "module-is-primeP", "noop", "random-square", "sleep", "squares", "squares-io", "trial-division"]
/// );
/// ```
pub fn engine_kernels() -> KernelRegistry {
    KernelRegistry::new()
        .register_kernel(|| SquareBlocks)
        .register_kernel(|| RandomSquare)
        .register_kernel(|| RandomSquareIo)
        .register_kernel(TrialKernel::new)
        .register_kernel(|| ModuleScan)
        .register_kernel(|| GasBlocks)
        .register_kernel(|| Noop)
        .register_kernel(|| Sleep)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn every_kernel_is_served_under_its_remote_name() {
        let registry = engine_kernels();
        let names: Vec<&str> = registry.names().collect();
        let remote = [
            SquareBlocks.remote_name(),
            RandomSquare.remote_name(),
            RandomSquareIo.remote_name(),
            TrialKernel::new().remote_name(),
            ModuleScan.remote_name(),
            GasBlocks.remote_name(),
            Noop.remote_name(),
            Sleep.remote_name(),
        ];
        for name in remote {
            let name = name.expect("every engine kernel has a remote name");
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert_eq!(names.len(), remote.len());
    }
}
