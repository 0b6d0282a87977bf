//! `plain_maps!`: the inherent `map`, `map_with` and `starmap` every backend has, mapping a
//! plain function (`Fn(I) -> O`) with only the bounds that backend needs. Each backend holds a
//! private `exec(&self, job, inputs, options)` that runs any [`Job`](super::Job); the macro
//! wraps the function and its inputs as an [`Erased`](super::erased::Erased) job and calls it
//! through the backend's `map_erased`.
//!
//! `plain_maps!(Type, "constructor", in_process)` or `plain_maps!(Type, "constructor",
//! processes)`: the constructor is the doc examples' way to make one (`"Threads::new(2)?"`);
//! backends that ship results between processes need `serde` on the output.
//!
//! The maps are thin shells over one method that is not generic, `map_erased` (see
//! [`erased`](super::erased)): a notebook cell that maps its own function compiles the shell,
//! not the backend.

macro_rules! plain_maps {
    ($ty:ident, $new:literal, in_process) => {
        plain_maps!(@maps $ty, $new, {}, in_process);
        plain_maps!(@erased $ty, ());
    };
    ($ty:ident, $new:literal, processes) => {
        plain_maps!(@maps $ty, $new, { O: serde::Serialize + serde::de::DeserializeOwned, }, processes);
        plain_maps!(@erased $ty, Vec<u8>);
    };
    (@erased $ty:ident, $out:ty) => {
        impl $crate::backends::erased::MapErased<$out> for $ty {
            #[inline(never)]
            fn map_erased(
                &self,
                job: &$crate::backends::erased::Erased<$out>,
                n: usize,
                options: &$crate::backends::MapOptions,
            ) -> $crate::Result<$crate::backends::Mapped<$out>> {
                self.exec(job, &$crate::backends::erased::tasks(n), options)
            }
        }
    };
    (@maps $ty:ident, $new:literal, { $($bound:tt)* }, $via:ident) => {
        impl $ty {
            /// Python's `pool.map(f, inputs)`: `f` (a `fn` item or a closure) applied to every
            /// input, results in input order. Inputs are any iterable; each task gets its own
            /// clone of its input.
            ///
            /// # Errors
            ///
            /// [`Error::TaskFailed`](crate::Error::TaskFailed) naming the task and its worker when
            /// a task panics (or its worker dies); [`Error::Backend`](crate::Error::Backend) when
            /// the backend breaks.
            ///
            /// # Examples
            ///
            /// ```
            /// use parlab::prelude::*;
            ///
            #[doc = concat!("let pool = ", $new, ";")]
            /// assert_eq!(pool.map(random_square, 0..5)?, [25, 25, 64, 64, 49]);
            /// let offset = 10; // closures may capture
            /// assert_eq!(pool.map(move |x: u64| x + offset, vec![1, 2, 3])?, [11, 12, 13]);
            /// # Ok::<(), parlab::Error>(())
            /// ```
            pub fn map<F, I, O>(
                &self,
                f: F,
                inputs: impl IntoIterator<Item = I>,
            ) -> $crate::Result<Vec<O>>
            where
                F: Fn(I) -> O + Clone + Send + Sync + 'static,
                I: Clone + Send + Sync + 'static,
                O: Send + 'static,
                $($bound)*
            {
                Ok(self.map_with(f, inputs, &$crate::backends::MapOptions::default())?.results)
            }

            /// [`map`](Self::map) with [`MapOptions`](crate::backends::MapOptions) (trace,
            /// progress, timeout): the results with the wall time and, when traced, the task
            /// stream.
            ///
            /// # Errors
            ///
            /// As [`map`](Self::map), and [`Error::TimedOut`](crate::Error::TimedOut) past the
            /// options' timeout.
            ///
            /// # Examples
            ///
            /// ```
            /// use parlab::prelude::*;
            ///
            #[doc = concat!("let pool = ", $new, ";")]
            /// let mapped = pool.map_with(random_square, 0..3, &MapOptions::default().with_trace(true))?;
            /// assert_eq!(mapped.results, [25, 25, 64]);
            /// assert_eq!(mapped.trace.map(|t| t.spans.len()), Some(3));
            /// // A task that panics is named by its index (its input needs no Debug).
            /// let err = pool.map(|x: u32| 10 / x, [5, 0]).unwrap_err();
            /// assert!(matches!(err, Error::TaskFailed { task: 1, .. }), "{err}");
            /// # Ok::<(), parlab::Error>(())
            /// ```
            pub fn map_with<F, I, O>(
                &self,
                f: F,
                inputs: impl IntoIterator<Item = I>,
                options: &$crate::backends::MapOptions,
            ) -> $crate::Result<$crate::backends::Mapped<O>>
            where
                F: Fn(I) -> O + Clone + Send + Sync + 'static,
                I: Clone + Send + Sync + 'static,
                O: Send + 'static,
                $($bound)*
            {
                $crate::backends::erased::$via(self, f, inputs.into_iter().collect(), options)
            }

            /// Python's `pool.starmap(f, tuples)`: each tuple of 2, 3 or 4 items spread into
            /// `f`'s arguments (see [`StarFn`](crate::backends::StarFn)).
            ///
            /// # Errors
            ///
            /// As [`map`](Self::map).
            ///
            /// # Examples
            ///
            /// ```
            /// use parlab::prelude::*;
            ///
            /// #[allow(non_snake_case)]
            /// fn is_primeP(n: u64, a: u64, b: u64) -> bool {
            ///     (a..b).all(|x| n % x != 0)
            /// }
            #[doc = concat!("let pool = ", $new, ";")]
            /// let limits = vec![(91, 2, 5), (91, 5, 10)];
            /// assert_eq!(pool.starmap(is_primeP, limits)?, [true, false]); // 91 = 7 * 13
            /// # Ok::<(), parlab::Error>(())
            /// ```
            pub fn starmap<S, T, O>(
                &self,
                f: S,
                tuples: impl IntoIterator<Item = T>,
            ) -> $crate::Result<Vec<O>>
            where
                S: $crate::backends::StarFn<T, Output = O>,
                T: Clone + Send + Sync + 'static,
                O: Send + 'static,
                $($bound)*
            {
                self.map(move |t: T| f.call_star(t), tuples)
            }
        }
    };
}

/// `backend_impl!(Type, "name", |s| workers)`: the [`Backend`](super::Backend) impl of a backend
/// whose private `exec` runs any [`Job`](super::Job): its name, its worker count (an expression
/// of `s`, the backend), and `run_with` handing the kernel to `exec`.
macro_rules! backend_impl {
    ($ty:ty, $name:expr, |$s:ident| $workers:expr) => {
        impl $crate::backends::Backend for $ty {
            fn name(&self) -> &'static str {
                $name
            }

            fn workers(&self) -> usize {
                let $s = self;
                $workers
            }

            fn run_with<K: $crate::backends::Kernel>(
                &self,
                kernel: &K,
                inputs: &[K::Input],
                options: &$crate::backends::MapOptions,
            ) -> $crate::Result<$crate::backends::Mapped<K::Output>> {
                self.exec(kernel, inputs, options)
            }
        }
    };
}

pub(crate) use backend_impl;
pub(crate) use plain_maps;
