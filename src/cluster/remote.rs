//! [`Remote`]: the name of a kernel compiled into the engines, with its input and output types.

use std::fmt::Debug;
use std::marker::PhantomData;

use crate::backends::Kernel;

/// A kernel as the cluster knows it: the **name** of one of the engines' kernels
/// ([`KernelRegistry`](super::KernelRegistry)), with its input and output types. It holds no
/// code, so it cannot be run in this process. To run a function of your own, map it directly
/// (`view.map_sync(f, inputs)`); named kernels are what engine programs of their own serve.
///
/// The engines check the name and both type names when a map starts; an unknown name is an
/// error that lists the kernels they have.
///
/// # Examples
///
/// ```
/// use parlab::cluster::{Cluster, Remote};
///
/// let cluster = Cluster::start(1)?;
/// let square = Remote::<u32, u32>::named("random-square");
/// assert_eq!(cluster.engine(0).run(&square, &4)?, 49);
/// let cube = Remote::<u64, u64>::named("cube");
/// let err = cluster.load_balanced().run(&cube, &[2]).unwrap_err();
/// assert!(err.to_string().contains("no kernel named \"cube\""));
/// # Ok::<(), parlab::Error>(())
/// ```
pub struct Remote<I, O> {
    name: &'static str,
    _types: PhantomData<fn(&I) -> O>,
}

impl<I, O> Remote<I, O> {
    /// The engines' kernel called `name`, mapping `I` to `O`.
    pub const fn named(name: &'static str) -> Self {
        Remote {
            name,
            _types: PhantomData,
        }
    }

    /// The kernel's name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<I, O> Remote<I, O> {
    /// The remote counterpart of `kernel`, when its code is compiled into the engines
    /// ([`Kernel::remote_name`]); `None` for a closure.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::cluster::Remote;
    /// use parlab::prelude::*;
    ///
    /// assert_eq!(Remote::of(&RandomSquare).map(|r| r.name()), Some("random-square"));
    /// assert!(Remote::of(&kernel("random-square", |s: &u32| s * 2)).is_none());
    /// ```
    pub fn of<K: Kernel<Input = I, Output = O>>(kernel: &K) -> Option<Self> {
        kernel.remote_name().map(Remote::named)
    }
}

impl<I, O> Clone for Remote<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for Remote<I, O> {}

impl<I, O> Debug for Remote<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Remote({:?}: {} -> {})",
            self.name,
            std::any::type_name::<I>(),
            std::any::type_name::<O>()
        )
    }
}
