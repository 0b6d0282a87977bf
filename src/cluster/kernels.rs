//! The named kernels an engine can run.
//!
//! Besides the caller's plain functions (forked engines only), an engine serves kernels by
//! name: the cluster sends a kernel's **name** and its serde input, and the engine looks the
//! name up in its [`KernelRegistry`]. Forked engines serve the library's kernels
//! (`workloads::engine_kernels`, one layer up) or the registry given to
//! [`ClusterBuilder::kernels`](super::ClusterBuilder::kernels); an engine
//! program serves what its `main` registers (see [`engine_main`](super::engine_main) and
//! `examples/custom_engine.rs`).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::{de::DeserializeOwned, Serialize};

use super::protocol::{decode, encode, KernelInfo};
use crate::backends::{kernel, panic_message, Kernel};

pub(crate) type Erased = Box<dyn Fn(&[u8]) -> Result<Vec<u8>, String> + Send + Sync>;

/// Kernels by name, each taking and returning postcard bytes.
///
/// # Examples
///
/// ```
/// use parlab::cluster::KernelRegistry;
///
/// let registry = KernelRegistry::new().register("cube", |x: &u64| x.pow(3));
/// assert!(registry.names().any(|n| n == "cube"));
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

impl KernelRegistry {
    /// A registry with no kernels.
    pub fn new() -> Self {
        Self::default()
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

    /// Adds a [`Kernel`] under its [`remote_name`](Kernel::remote_name) (else its
    /// [`name`](Kernel::name)); `make` builds a fresh kernel for every task, so state a kernel
    /// keeps (such as trial division's best factor) never leaks from one map into the next.
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
        let first = make();
        let name = first.remote_name().unwrap_or(first.name());
        let info = KernelInfo::of::<K::Input, K::Output>(name);
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
    pub(crate) fn callables(&self) -> impl Iterator<Item = &Erased> {
        self.entries.values().map(|(_, f)| f)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn erased_kernels_decode_run_and_encode() {
        let reg = KernelRegistry::new()
            .register("add", |&(a, b): &(u32, u32)| a + b)
            .register("len", |s: &String| s.len());
        let names: Vec<String> = reg.names().map(String::from).collect();
        let calls: Vec<&Erased> = reg.callables().collect();
        let add = &calls[names.iter().position(|n| n == "add").unwrap()];
        let out = add(&encode(&(20u32, 22u32)).unwrap()).unwrap();
        assert_eq!(decode::<u32>(&out).unwrap(), 42);
        assert!(add(&[0xff]).unwrap_err().contains("bad input"));
    }

    #[test]
    fn panics_become_messages() {
        let reg = KernelRegistry::new().register("boom", |x: &u32| {
            assert!(*x < 3, "too big");
            *x
        });
        let calls: Vec<&Erased> = reg.callables().collect();
        assert!(calls[0](&encode(&5u32).unwrap())
            .unwrap_err()
            .contains("too big"));
    }
}
