//! `dask.delayed`: a typed task graph, computed in parallel from a ready queue.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Arc;

use super::compute::run_graph;
use super::Client;
use crate::backends::{MapOptions, TaskStream};
use crate::{Error, Result};

/// A computed node's value.
pub(super) type Value = Arc<dyn Any + Send + Sync>;
/// A node's computation: its dependencies' values and the index of the worker running it.
type Thunk = Box<dyn Fn(&[&Value], usize) -> Value + Send + Sync>;

/// One node: its name, the nodes it needs, and its computation.
pub(super) struct Node {
    pub(super) name: String,
    pub(super) deps: Vec<usize>,
    pub(super) run: Thunk,
}

/// A task graph under construction: every [`delayed`](Graph::delayed) call adds a node and
/// returns its [`Delayed`] handle; nothing runs until [`Delayed::compute`].
///
/// A `Graph` is a cheap handle (cloning it shares the graph). It is meant for one thread (a
/// notebook cell); computing it uses the [`Client`]'s workers.
///
/// # Examples
///
/// ```
/// use parlab::dask::{Client, Graph};
///
/// fn inc(x: i64) -> i64 { x + 1 }
/// fn add(x: &i64, y: &i64) -> i64 { x + y } // computed values come by reference
///
/// let g = Graph::new();
/// let x = g.delayed(inc, 1);
/// let y = g.delayed(inc, 2);
/// let z = g.delayed2(add, &x, &y);
/// assert_eq!(g.len(), 5); // two literals, two incs, one add
/// assert_eq!(z.compute(&Client::new(2)?)?, 5);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Graph {
    nodes: Rc<RefCell<Vec<Arc<Node>>>>,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph").field("nodes", &self.len()).finish()
    }
}

/// The future value of one node of a [`Graph`], of type `T`.
pub struct Delayed<T> {
    graph: Graph,
    node: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Delayed<T> {
    fn clone(&self) -> Self {
        Delayed {
            graph: self.graph.clone(),
            node: self.node,
            _type: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Delayed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Delayed({})", self.graph.name(self.node))
    }
}

/// The last path segment of a function's type name: `random_square`, `{{closure}}`.
fn short_name<F>() -> String {
    let full = std::any::type_name::<F>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base).to_string()
}

fn get<T: 'static>(v: &Value) -> &T {
    v.downcast_ref::<T>()
        .expect("a Delayed<T> node always holds a T")
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// True when the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn name(&self, node: usize) -> String {
        self.nodes
            .borrow()
            .get(node)
            .map_or_else(String::new, |n| format!("{}-{node}", n.name))
    }

    fn push<T>(&self, name: String, deps: Vec<usize>, run: Thunk) -> Delayed<T> {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Arc::new(Node { name, deps, run }));
        Delayed {
            graph: self.clone(),
            node: nodes.len() - 1,
            _type: PhantomData,
        }
    }

    fn check<T>(&self, d: &Delayed<T>) {
        assert!(
            Rc::ptr_eq(&self.nodes, &d.graph.nodes),
            "a Delayed value was used in a graph it does not belong to"
        );
    }

    /// A literal value as a node.
    pub fn value<T: Send + Sync + 'static>(&self, x: T) -> Delayed<T> {
        let x: Value = Arc::new(x);
        self.push(
            "value".into(),
            Vec::new(),
            Box::new(move |_, _| Arc::clone(&x)),
        )
    }

    /// `dask.delayed(f)(x)` with a literal `x`: a node for `f(x)`, the function taking its
    /// input by value as the module's functions do (the node calls it with a clone of `x`, so
    /// the graph can be computed again). Nodes over computed values,
    /// [`delayed1`](Self::delayed1) and [`delayed2`](Self::delayed2), take them by reference.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::{Client, Graph};
    /// use parlab::numpy::random::{randint, seed};
    ///
    /// fn random_square(myseed: u32) -> u32 {
    ///     seed(myseed);
    ///     let random_num = randint(0, 10);
    ///     (random_num * random_num) as u32
    /// }
    /// let g = Graph::new();
    /// let out: Vec<_> = (0..4).map(|s| g.delayed(random_square, s)).collect();
    /// let client = Client::new(1)?; // one worker: numpy's shared generator is not raced
    /// let squares: Vec<u32> = out.iter().map(|d| d.compute(&client)).collect::<Result<_, _>>()?;
    /// assert_eq!(squares, [25, 25, 64, 64]);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn delayed<A, R, F>(&self, f: F, x: A) -> Delayed<R>
    where
        A: Clone + Send + Sync + 'static,
        R: Send + Sync + 'static,
        F: Fn(A) -> R + Send + Sync + 'static,
    {
        let x = self.value(x);
        self.check(&x);
        let run: Thunk = Box::new(move |args, _| Arc::new(f(get::<A>(args[0]).clone())));
        self.push(short_name::<F>(), vec![x.node], run)
    }

    /// [`delayed`](Self::delayed) for `f(&x, worker)`, where `worker` is the index of the worker
    /// that runs the node (for backends that record their own task streams).
    pub(crate) fn delayed_on_worker<A, R, F>(&self, f: F, x: A) -> Delayed<R>
    where
        A: Send + Sync + 'static,
        R: Send + Sync + 'static,
        F: Fn(&A, usize) -> R + Send + Sync + 'static,
    {
        let x = self.value(x);
        let run: Thunk = Box::new(move |args, worker| Arc::new(f(get::<A>(args[0]), worker)));
        self.push(short_name::<F>(), vec![x.node], run)
    }

    /// A node for `f(&a)` once `a` is computed.
    ///
    /// # Panics
    ///
    /// When `a` belongs to another graph.
    pub fn delayed1<A, R, F>(&self, f: F, a: &Delayed<A>) -> Delayed<R>
    where
        A: Send + Sync + 'static,
        R: Send + Sync + 'static,
        F: Fn(&A) -> R + Send + Sync + 'static,
    {
        self.check(a);
        let run: Thunk = Box::new(move |args, _| Arc::new(f(get::<A>(args[0]))));
        self.push(short_name::<F>(), vec![a.node], run)
    }

    /// A node for `f(&a, &b)` once both are computed.
    ///
    /// # Panics
    ///
    /// When `a` or `b` belongs to another graph.
    pub fn delayed2<A, B, R, F>(&self, f: F, a: &Delayed<A>, b: &Delayed<B>) -> Delayed<R>
    where
        A: Send + Sync + 'static,
        B: Send + Sync + 'static,
        R: Send + Sync + 'static,
        F: Fn(&A, &B) -> R + Send + Sync + 'static,
    {
        self.check(a);
        self.check(b);
        let run: Thunk = Box::new(move |args, _| Arc::new(f(get::<A>(args[0]), get::<B>(args[1]))));
        self.push(short_name::<F>(), vec![a.node, b.node], run)
    }

    /// A node for `f(&[&part0, &part1, ...])` once all parts are computed: `sum(results)`
    /// over a list of delayed values.
    ///
    /// # Panics
    ///
    /// When a part belongs to another graph.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::dask::{Client, Graph};
    /// use parlab::tasks::random_square;
    ///
    /// let g = Graph::new();
    /// let squares: Vec<_> = (0..10).map(|s| g.delayed(random_square, s)).collect();
    /// let total = g.reduce(|xs: &[&u32]| xs.iter().copied().sum::<u32>(), &squares);
    /// assert_eq!(total.compute(&Client::new(2)?)?, 25 + 25 + 64 + 64 + 49 + 9 + 81 + 16 + 9 + 25);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn reduce<T, R, F>(&self, f: F, parts: &[Delayed<T>]) -> Delayed<R>
    where
        T: Send + Sync + 'static,
        R: Send + Sync + 'static,
        F: Fn(&[&T]) -> R + Send + Sync + 'static,
    {
        parts.iter().for_each(|p| self.check(p));
        let run: Thunk = Box::new(move |args, _| {
            let parts: Vec<&T> = args.iter().map(|a| get::<T>(a)).collect();
            Arc::new(f(&parts))
        });
        self.push(
            short_name::<F>(),
            parts.iter().map(|p| p.node).collect(),
            run,
        )
    }
}

impl<T: Clone + Send + Sync + 'static> Delayed<T> {
    /// Computes this node and everything it depends on with the client's workers: a node runs
    /// as soon as its last dependency is done (a ready queue, not level by level).
    ///
    /// # Errors
    ///
    /// [`Error::TaskFailed`] naming the first node that panicked.
    pub fn compute(&self, client: &Client) -> Result<T> {
        self.compute_with(client, &MapOptions::default())
            .map(|(value, _)| value)
    }

    /// [`compute`](Self::compute) with [`MapOptions`], also returning the task stream (one span
    /// per node that ran, `task` = node index) when [`trace`](MapOptions::trace) is set.
    ///
    /// # Errors
    ///
    /// As [`compute`](Self::compute).
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::backends::MapOptions;
    /// use parlab::dask::{Client, Graph};
    ///
    /// let g = Graph::new();
    /// let parts: Vec<_> = (0..4u64).map(|i| g.delayed(|x: u64| x * x, i)).collect();
    /// let sum = g.reduce(|xs: &[&u64]| xs.iter().copied().sum::<u64>(), &parts);
    /// let (value, stream) = sum.compute_with(&Client::new(2)?, &MapOptions::traced(true))?;
    /// assert_eq!(value, 14);
    /// assert_eq!(stream.unwrap().spans.len(), g.len());
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn compute_with(
        &self,
        client: &Client,
        options: &MapOptions,
    ) -> Result<(T, Option<TaskStream>)> {
        let trace = options.trace;
        let nodes: Vec<Arc<Node>> = self.graph.nodes.borrow().clone();
        let (value, spans) = run_graph(nodes, self.node, client, trace)?;
        let value = value.downcast::<T>().map_err(|_| Error::Backend {
            backend: "dask",
            message: "the target node holds a value of another type".into(),
        })?;
        let value = Arc::try_unwrap(value).unwrap_or_else(|shared| (*shared).clone());
        let stream = trace.then(|| TaskStream {
            backend: "dask".into(),
            workers: client.workers(),
            spans,
        });
        Ok((value, stream))
    }
}
