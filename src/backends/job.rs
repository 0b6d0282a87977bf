//! What the backends' machinery runs per task: a [`Kernel`], or a plain function.
//!
//! [`Job`] is [`Kernel`] without the bounds only some backends need: the process backends ask
//! for `serde` on the output (they ship it), nobody asks for `Debug` on the input (a job
//! describes its own input for errors). Every kernel is a job; [`Plain`] makes one from a plain
//! function, `Fn(I) -> O`, for the backends' `map`, and [`StarFn`] spreads a tuple into a
//! function of several arguments, for `starmap`.

use std::marker::PhantomData;

use super::Kernel;

/// One task's code, as the runner and the forked workers call it.
pub(crate) trait Job: Clone + Send + Sync + 'static {
    /// One task's input.
    type In: Clone + Send + Sync + 'static;
    /// One task's output.
    type Out: Send + 'static;

    /// Runs one task.
    fn apply(&self, input: &Self::In) -> Self::Out;

    /// The input, for the error of a task that failed.
    fn describe(&self, input: &Self::In) -> String;
}

impl<K: Kernel> Job for K {
    type In = K::Input;
    type Out = K::Output;

    fn apply(&self, input: &K::Input) -> K::Output {
        self.call(input)
    }

    fn describe(&self, input: &K::Input) -> String {
        format!("{input:?}")
    }
}

/// What a failed task's error says of an input that has no `Debug` to print it with.
pub(super) const NOT_SHOWN: &str = "not shown";

/// A plain function as a [`Job`]: each task gets its own clone of the input (from the
/// backend's copy of the inputs), the function takes it by value.
pub(crate) struct Plain<F, I> {
    f: F,
    _input: PhantomData<fn(I)>,
}

impl<F: Clone, I> Clone for Plain<F, I> {
    fn clone(&self) -> Self {
        Plain::new(self.f.clone())
    }
}

impl<F, I> Plain<F, I> {
    pub(crate) fn new(f: F) -> Self {
        Plain {
            f,
            _input: PhantomData,
        }
    }
}

impl<F, I, O> Job for Plain<F, I>
where
    F: Fn(I) -> O + Clone + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
    O: Send + 'static,
{
    type In = I;
    type Out = O;

    fn apply(&self, input: &I) -> O {
        (self.f)(input.clone())
    }

    fn describe(&self, _: &I) -> String {
        NOT_SHOWN.to_string()
    }
}

/// A function of several arguments called with one tuple: what `starmap` maps, Python's
/// `f(*args)`. Implemented for every `Fn(A, B) -> O`, `Fn(A, B, C) -> O` and
/// `Fn(A, B, C, D) -> O` (clonable, `Send + Sync + 'static`, as every mapped function is), and
/// for `Fn(A) -> O` with a one-item tuple (what joblib's [`delayed`](super::delayed) holds).
///
/// # Examples
///
/// ```
/// use parlab::backends::StarFn;
///
/// fn between(n: u64, lo: u64, hi: u64) -> bool {
///     (lo..hi).contains(&n)
/// }
/// assert!(between.call_star((5, 1, 10)));
/// assert_eq!((|a: i32, b: i32| a - b).call_star((7, 2)), 5);
/// ```
pub trait StarFn<Args>: Clone + Send + Sync + 'static {
    /// What the function returns.
    type Output;

    /// Calls the function with the tuple's items as its arguments.
    fn call_star(&self, args: Args) -> Self::Output;
}

macro_rules! star_fn {
    ($($arg:ident),+) => {
        impl<F, O, $($arg),+> StarFn<($($arg,)+)> for F
        where
            F: Fn($($arg),+) -> O + Clone + Send + Sync + 'static,
        {
            type Output = O;

            #[allow(non_snake_case)]
            fn call_star(&self, ($($arg,)+): ($($arg,)+)) -> O {
                self($($arg),+)
            }
        }
    };
}

star_fn!(A);
star_fn!(A, B);
star_fn!(A, B, C);
star_fn!(A, B, C, D);
