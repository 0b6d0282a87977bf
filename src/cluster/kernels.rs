//! The named kernels an engine can run.
//!
//! An engine is a separate, already-running program: it cannot run a closure written later in a
//! notebook. So the cluster sends a kernel's **name** and its serde input, and the engine looks
//! the name up in its [`KernelRegistry`]. The stock `parlab-engine` serves
//! [`KernelRegistry::builtin`]; a program of your own can serve more (see
//! [`engine_main`](super::engine_main) and `examples/custom_engine.rs`).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::{de::DeserializeOwned, Serialize};

use super::protocol::{decode, encode, KernelInfo};
use crate::backends::{kernel, panic_message, Kernel};
use crate::tasks::primes::TrialKernel;
use crate::tasks::squares::{squares_into, Block};
use crate::tasks::{random_square, smallest_factor_in};

type Erased = Box<dyn Fn(&[u8]) -> Result<Vec<u8>, String> + Send + Sync>;

/// Kernels by name, each taking and returning postcard bytes.
///
/// # Examples
///
/// ```
/// use parlab::cluster::KernelRegistry;
///
/// let registry = KernelRegistry::builtin().register("cube", |x: &u64| x.pow(3));
/// assert!(registry.names().any(|n| n == "cube"));
/// assert!(registry.names().any(|n| n == "squares"));
/// ```
#[derive(Default)]
pub struct KernelRegistry {
    entries: BTreeMap<String, (KernelInfo, Erased)>,
}

impl Debug for KernelRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries.keys()).finish()
    }
}

/// The input and output type names of a kernel, as engines report them.
pub(crate) fn info<K: Kernel>(k: &K) -> KernelInfo {
    KernelInfo {
        name: k.name().to_string(),
        input: std::any::type_name::<K::Input>().to_string(),
        output: std::any::type_name::<K::Output>().to_string(),
    }
}

impl KernelRegistry {
    /// A registry with no kernels.
    pub fn new() -> Self {
        Self::default()
    }

    /// The kernels of the module's tasks, which the stock `parlab-engine` serves:
    ///
    /// | name | input → output | what |
    /// |---|---|---|
    /// | `squares` | [`Block`] → `Vec<u32>` | the squares of a block of seeds ([`squares`](crate::tasks::squares())) |
    /// | `random-square` | `u32` → `u32` | one seed's square ([`random_square`]) |
    /// | `trial-division` | [`Subinterval`](crate::tasks::Subinterval) → `Option<u64>` | [`TrialKernel`] |
    /// | `module-is-primeP` | [`Subinterval`](crate::tasks::Subinterval) → `Option<u64>` | [`smallest_factor_in`], no early exit (breakpoint 1) |
    /// | `noop` | `u64` → `u64` | returns its input: measures the per-task overhead |
    /// | `sleep` | `(u64, u64)` → `u64` | sleeps the second number of µs, returns the first |
    ///
    /// | `gas` | [`GasBlock`](crate::gas::GasBlock) → [`BlockOutcome`](crate::gas::BlockOutcome) | [`run_block`](crate::gas::run_block) (Exercise 1) |
    ///
    /// Extension point: when a module gains a kernel, add one `.register(...)` line here so that
    /// the cluster backend can run it.
    ///
    /// # Examples
    ///
    /// ```
    /// let registry = parlab::cluster::KernelRegistry::builtin();
    /// let names: Vec<_> = registry.names().collect();
    /// assert_eq!(
    ///     names,
    ///     ["gas", "module-is-primeP", "noop", "random-square", "sleep", "squares", "trial-division"]
    /// );
    /// ```
    pub fn builtin() -> Self {
        KernelRegistry::new()
            .register("squares", |b: &Block| {
                let mut out = vec![0; b.len as usize];
                squares_into(b.start, &mut out);
                out
            })
            .register("random-square", |s: &u32| random_square(*s))
            .register_kernel(TrialKernel::new)
            .register("module-is-primeP", smallest_factor_in)
            .register("gas", crate::gas::run_block)
            .register("noop", |x: &u64| *x)
            .register("sleep", |&(value, micros): &(u64, u64)| {
                std::thread::sleep(std::time::Duration::from_micros(micros));
                value
            })
    }

    /// Adds the function `f` under `name` (replacing any kernel of that name).
    ///
    /// # Examples
    ///
    /// ```
    /// let registry = parlab::cluster::KernelRegistry::new().register("inc", |x: &i32| x + 1);
    /// assert_eq!(registry.names().collect::<Vec<_>>(), ["inc"]);
    /// ```
    pub fn register<I, O, F>(self, name: &'static str, f: F) -> Self
    where
        I: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static,
        O: Send + Serialize + DeserializeOwned + 'static,
        F: Fn(&I) -> O + Clone + Send + Sync + 'static,
    {
        let k = kernel(name, f);
        self.register_kernel(move || k.clone())
    }

    /// Adds a [`Kernel`] under its [`name`](Kernel::name); `make` builds a fresh kernel for every
    /// task, so state a kernel keeps (such as [`TrialKernel`]'s best factor) never leaks from
    /// one map into the next.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::tasks::primes::TrialKernel;
    ///
    /// let registry = parlab::cluster::KernelRegistry::new().register_kernel(TrialKernel::new);
    /// assert_eq!(registry.names().collect::<Vec<_>>(), ["trial-division"]);
    /// ```
    pub fn register_kernel<K: Kernel>(
        mut self,
        make: impl Fn() -> K + Send + Sync + 'static,
    ) -> Self {
        let info = info(&make());
        let erased: Erased = Box::new(move |bytes| {
            let input: K::Input = decode(bytes).map_err(|e| format!("bad input: {e}"))?;
            let k = make();
            let out = catch_unwind(AssertUnwindSafe(|| k.call(&input)))
                .map_err(|p| panic_message(p.as_ref()))?;
            encode(&out).map_err(|e| format!("could not encode the output: {e}"))
        });
        self.entries.insert(info.name.clone(), (info, erased));
        self
    }

    /// The kernel names, in alphabetical order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The kernel table, in the order of [`names`](Self::names).
    pub(crate) fn infos(&self) -> Vec<KernelInfo> {
        self.entries.values().map(|(i, _)| i.clone()).collect()
    }

    /// The callables, in the order of [`names`](Self::names).
    pub(crate) fn into_callables(self) -> Vec<Erased> {
        self.entries.into_values().map(|(_, f)| f).collect()
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn erased_kernels_decode_run_and_encode() {
        let reg = KernelRegistry::builtin();
        let names: Vec<String> = reg.names().map(String::from).collect();
        let calls = reg.into_callables();
        let squares = &calls[names.iter().position(|n| n == "squares").unwrap()];
        let out = squares(&encode(&Block { start: 0, len: 5 }).unwrap()).unwrap();
        assert_eq!(decode::<Vec<u32>>(&out).unwrap(), [25, 25, 64, 64, 49]);
        assert!(squares(&[0xff]).unwrap_err().contains("bad input"));
    }

    #[test]
    fn panics_become_messages() {
        let reg = KernelRegistry::new().register("boom", |x: &u32| {
            assert!(*x < 3, "too big");
            *x
        });
        let calls = reg.into_callables();
        assert!(calls[0](&encode(&5u32).unwrap())
            .unwrap_err()
            .contains("too big"));
    }
}
