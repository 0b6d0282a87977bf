//! Plain functions on the engines: `map_sync`, `map` (an [`AsyncResult`]) and `apply`, as in
//! ipyparallel. See the [module docs](super) for how a function reaches forked engines.

use std::thread::JoinHandle;

use serde::{de::DeserializeOwned, Serialize};

use super::code::Shipped;
use super::fork::fail;
use super::schedule::Inputs;
use super::views::{run_one, run_plain, single, Spread};
use super::{Cluster, DirectView, LoadBalancedView, Remote, RemoteInput, RemoteOutput};
use crate::backends::{MapOptions, Mapped};
use crate::{Error, Result};

/// A map or an `apply` running on the engines in the background (ipyparallel's
/// `AsyncResult`): [`result`](Self::result) waits for it. Until it is done, other maps on the
/// same cluster wait for it too, and so does dropping the cluster.
///
/// # Examples
///
/// ```
/// use parlab::cluster::Cluster;
///
/// fn square(x: u64) -> u64 {
///     x * x
/// }
///
/// let cluster = Cluster::start(2)?;
/// let pending = cluster.direct().map(square, 0..5)?;
/// assert_eq!(pending.result()?, [0, 1, 4, 9, 16]);
/// let one = cluster.engine(1).apply(square, 7)?;
/// assert_eq!(one.result()?, 49);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Debug)]
pub struct AsyncResult<T> {
    handle: JoinHandle<Result<T>>,
}

impl<T: Send + 'static> AsyncResult<T> {
    fn spawn(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<Self> {
        std::thread::Builder::new()
            .name("parlab-cluster-map".into())
            .spawn(work)
            .map(|handle| AsyncResult { handle })
            .map_err(|e| fail(format!("could not start a thread for the map: {e}")))
    }

    /// Whether the work is done (`ar.ready()`), without waiting.
    pub fn ready(&self) -> bool {
        self.handle.is_finished()
    }

    /// Waits for the work and returns its result (`ar.get()`).
    ///
    /// # Errors
    ///
    /// Those of the map: [`Error::TaskFailed`] when a task panicked, [`Error::Backend`] when
    /// the function could not reach the engines.
    pub fn result(self) -> Result<T> {
        self.handle
            .join()
            .unwrap_or_else(|_| Err(fail("the thread running the map panicked")))
    }
}

/// One engine (`rc[i]`), made by [`Cluster::engine`].
#[derive(Clone, Copy, Debug)]
pub struct EngineView<'a> {
    cluster: &'a Cluster,
    engine: usize,
}

/// Runs `f` over `inputs` now, spread as `spread`.
fn map_now<I, O>(
    cluster: &Cluster,
    f: fn(I) -> O,
    inputs: &[I],
    options: &MapOptions,
    spread: Spread,
) -> Result<Mapped<O>>
where
    I: Serialize + DeserializeOwned + Sync,
    O: Serialize + DeserializeOwned + Send,
{
    let tasks = Inputs::json(inputs);
    run_plain(cluster.pool(), Shipped::pointer(f), &tasks, options, spread)
}

/// Runs `f` over `inputs` in the background.
fn map_later<I, O>(
    cluster: &Cluster,
    f: fn(I) -> O,
    inputs: Vec<I>,
    spread: Spread,
) -> Result<AsyncResult<Vec<O>>>
where
    I: Serialize + DeserializeOwned + Send + Sync + 'static,
    O: Serialize + DeserializeOwned + Send + 'static,
{
    let pool = cluster.pool().clone();
    let shipped = Shipped::pointer(f);
    AsyncResult::spawn(move || {
        let tasks = Inputs::json(&inputs);
        run_plain(&pool, shipped, &tasks, &MapOptions::default(), spread).map(|m| m.results)
    })
}

/// The plain-function methods, the same on both views.
macro_rules! plain_maps {
    ($view:ident, $method:literal, $how:literal) => {
        impl $view<'_> {
            /// Calls `f` on every input on the engines and waits for the results, in input
            /// order (`view.map_sync(f, inputs)`). Tasks are spread
            #[doc = $how]
            /// `f` is a `fn` or a closure that captures nothing (one that captures does not
            /// compile); inputs and outputs travel with serde.
            ///
            /// # Errors
            ///
            /// [`Error::Backend`] when the engines cannot run `f` (exec'd engine programs, or
            /// an object an engine cannot open); [`Error::TaskFailed`] when `f` panicked.
            ///
            /// # Examples
            ///
            /// ```
            /// fn random_square(seed: u32) -> u32 {
            ///     parlab::tasks::random_square(seed)
            /// }
            ///
            /// let cluster = parlab::cluster::Cluster::start(2)?;
            #[doc = concat!("let view = cluster.", $method, "();")]
            /// assert_eq!(view.map_sync(random_square, 0..5)?, [25, 25, 64, 64, 49]);
            /// assert_eq!(view.map_sync(|x: u32| x + 1, vec![1, 2])?, [2, 3]);
            /// # Ok::<(), parlab::Error>(())
            /// ```
            pub fn map_sync<I, O>(
                &self,
                f: fn(I) -> O,
                inputs: impl IntoIterator<Item = I>,
            ) -> Result<Vec<O>>
            where
                I: Serialize + DeserializeOwned + Sync,
                O: Serialize + DeserializeOwned + Send,
            {
                let inputs: Vec<I> = inputs.into_iter().collect();
                self.map_with(f, &inputs, &MapOptions::default())
                    .map(|m| m.results)
            }

            /// [`map_sync`](Self::map_sync) with options, returning the [`Mapped`] run
            /// (results, seconds, and a task stream per engine when `trace`).
            ///
            /// # Errors
            ///
            /// As [`map_sync`](Self::map_sync).
            pub fn map_with<I, O>(
                &self,
                f: fn(I) -> O,
                inputs: &[I],
                options: &MapOptions,
            ) -> Result<Mapped<O>>
            where
                I: Serialize + DeserializeOwned + Sync,
                O: Serialize + DeserializeOwned + Send,
            {
                map_now(self.cluster(), f, inputs, options, self.plain_spread())
            }

            /// Starts [`map_sync`](Self::map_sync) in the background and returns at once
            /// (`view.map(f, inputs)`); [`AsyncResult::result`] waits for the results.
            ///
            /// # Errors
            ///
            /// [`Error::Backend`] when no thread can be started; the map's own errors come
            /// from [`AsyncResult::result`].
            pub fn map<I, O>(
                &self,
                f: fn(I) -> O,
                inputs: impl IntoIterator<Item = I>,
            ) -> Result<AsyncResult<Vec<O>>>
            where
                I: Serialize + DeserializeOwned + Send + Sync + 'static,
                O: Serialize + DeserializeOwned + Send + 'static,
            {
                let inputs: Vec<I> = inputs.into_iter().collect();
                map_later(self.cluster(), f, inputs, self.plain_spread())
            }
        }
    };
}

plain_maps!(
    LoadBalancedView,
    "load_balanced",
    " to whichever engine is free."
);
plain_maps!(DirectView, "direct", " in one contiguous share per engine.");

impl LoadBalancedView<'_> {
    fn plain_spread(&self) -> Spread {
        self.spread()
    }
}

impl DirectView<'_> {
    fn plain_spread(&self) -> Spread {
        Spread::Direct
    }
}

impl LoadBalancedView<'_> {
    /// Calls `f(input)` on whichever engine is free, in the background (`lview.apply(f, x)`).
    ///
    /// # Errors
    ///
    /// As [`map`](Self::map).
    ///
    /// # Examples
    ///
    /// ```
    /// let cluster = parlab::cluster::Cluster::start(1)?;
    /// let pending = cluster.load_balanced().apply(|x: u64| x.pow(3), 4)?;
    /// assert_eq!(pending.result()?, 64);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn apply<I, O>(&self, f: fn(I) -> O, input: I) -> Result<AsyncResult<O>>
    where
        I: Serialize + DeserializeOwned + Send + Sync + 'static,
        O: Serialize + DeserializeOwned + Send + 'static,
    {
        let pending = map_later(self.cluster(), f, vec![input], self.spread())?;
        AsyncResult::spawn(move || single_of(pending.result()?))
    }
}

fn single_of<O>(results: Vec<O>) -> Result<O> {
    results
        .into_iter()
        .next()
        .ok_or_else(|| fail("no result came back"))
}

impl<'a> EngineView<'a> {
    pub(crate) fn new(cluster: &'a Cluster, engine: usize) -> Self {
        EngineView { cluster, engine }
    }

    /// Calls `f(input)` on this engine, in the background (`rc[i].apply(f, x)`);
    /// [`AsyncResult::result`] waits for the value.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when no thread can be started; the call's own errors (no running
    /// engine with this number, `f` panicked, the engine cannot run `f`) come from
    /// [`AsyncResult::result`].
    ///
    /// # Examples
    ///
    /// ```
    /// fn is_even(x: u64) -> bool {
    ///     x % 2 == 0
    /// }
    ///
    /// let cluster = parlab::cluster::Cluster::start(2)?;
    /// assert!(cluster.engine(1).apply(is_even, 10)?.result()?);
    /// assert!(cluster.engine(5).apply(is_even, 10)?.result().is_err());
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn apply<I, O>(&self, f: fn(I) -> O, input: I) -> Result<AsyncResult<O>>
    where
        I: Serialize + DeserializeOwned + Send + Sync + 'static,
        O: Serialize + DeserializeOwned + Send + 'static,
    {
        let pending = map_later(self.cluster, f, vec![input], Spread::One(self.engine))?;
        AsyncResult::spawn(move || single_of(pending.result()?))
    }

    /// [`apply`](Self::apply) and wait (`rc[i].apply_sync(f, x)`).
    ///
    /// # Errors
    ///
    /// As [`AsyncResult::result`].
    pub fn apply_sync<I, O>(&self, f: fn(I) -> O, input: I) -> Result<O>
    where
        I: Serialize + DeserializeOwned + Sync,
        O: Serialize + DeserializeOwned + Send,
    {
        let inputs = [input];
        let mapped = map_now(
            self.cluster,
            f,
            &inputs,
            &MapOptions::default(),
            Spread::One(self.engine),
        )?;
        single(mapped)
    }

    /// Runs the engines' kernel `kernel` (by name) on `input` on this engine.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when there is no running engine with this number;
    /// [`Error::Backend`] when the engines lack the kernel; [`Error::TaskFailed`] when it
    /// panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::cluster::{Cluster, Remote};
    ///
    /// let cluster = Cluster::start(2)?;
    /// assert_eq!(cluster.engine(1).run(&Remote::<u32, u32>::named("random-square"), &4)?, 49);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn run<I: RemoteInput, O: RemoteOutput>(
        &self,
        kernel: &Remote<I, O>,
        input: &I,
    ) -> Result<O> {
        run_one(self.cluster, self.engine, kernel, input)
    }
}

impl Cluster {
    /// Maps a plain function given as a type, `F` (what `Backend::map` takes), on the
    /// load-balanced view: when `F` is zero-sized (a `fn` item, a closure that captures
    /// nothing) its code is shipped like a `fn` pointer's; a closure that captures data is
    /// refused.
    pub(crate) fn map_fn_with<F, I, O>(
        &self,
        f: &F,
        inputs: &[I],
        options: &MapOptions,
    ) -> Result<Mapped<O>>
    where
        F: Fn(I) -> O,
        I: Serialize + DeserializeOwned + Sync,
        O: Serialize + DeserializeOwned + Send,
    {
        let _ = f;
        let Some(shipped) = Shipped::zero_sized::<F, I, O>() else {
            return Err(Error::Backend {
                backend: "cluster",
                message: format!(
                    "{} captures variables, and the engines are other processes that cannot \
                     see them: write a `fn` (or a closure that captures nothing) and pass what \
                     it needs in its input",
                    std::any::type_name::<F>()
                ),
            });
        };
        let tasks = Inputs::json(inputs);
        run_plain(
            self.pool(),
            shipped,
            &tasks,
            options,
            self.load_balanced().spread(),
        )
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn zero_sized_functions_run_and_capturing_closures_are_refused() {
        let cluster = Cluster::start(1).unwrap();
        let options = MapOptions::default();
        let doubled = cluster.map_fn_with(&|x: u32| x * 2, &[1, 2], &options);
        assert_eq!(doubled.unwrap().results, [2, 4]);
        let base = 3u32;
        let err = cluster
            .map_fn_with(&move |x: u32| x + base, &[1], &options)
            .unwrap_err();
        assert!(err.to_string().contains("write a `fn`"), "{err}");
    }
}
