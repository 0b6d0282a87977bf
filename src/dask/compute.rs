//! Computing a task graph: a ready queue on the client's workers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Instant;

use super::delayed::{Node, Value};
use super::Client;
use crate::backends::fifo::Submitter;
use crate::backends::{run_task, Span};
use crate::{Error, Result};

/// The shared state of one `compute`.
struct Run {
    nodes: Vec<Arc<Node>>,
    dependents: Vec<Vec<usize>>,
    pending: Vec<AtomicUsize>,
    values: Vec<OnceLock<Value>>,
    spans: Mutex<Vec<Span>>,
    /// Needed nodes not yet done, and the first error.
    progress: Mutex<(usize, Option<Error>)>,
    finished: Condvar,
    origin: Instant,
    trace: bool,
}

/// Runs `target` and its ancestors on the client's workers from a ready queue: a node is
/// submitted as soon as its last dependency is done.
pub(super) fn run_graph(
    nodes: Vec<Arc<Node>>,
    target: usize,
    client: &Client,
    trace: bool,
) -> Result<(Value, Vec<Span>)> {
    // The ancestors of `target`, and for each node its needed dependents.
    let mut needed = vec![false; nodes.len()];
    let mut stack = vec![target];
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut needed[i], true) {
            stack.extend(&nodes[i].deps);
        }
    }
    let mut dependents = vec![Vec::new(); nodes.len()];
    for (i, node) in nodes.iter().enumerate().filter(|(i, _)| needed[*i]) {
        for &d in &node.deps {
            dependents[d].push(i);
        }
    }
    let roots: Vec<usize> = (0..nodes.len())
        .filter(|&i| needed[i] && nodes[i].deps.is_empty())
        .collect();
    let run = Arc::new(Run {
        pending: nodes
            .iter()
            .map(|n| AtomicUsize::new(n.deps.len()))
            .collect(),
        values: nodes.iter().map(|_| OnceLock::new()).collect(),
        nodes,
        dependents,
        spans: Mutex::new(Vec::new()),
        progress: Mutex::new((needed.iter().filter(|&&n| n).count(), None)),
        finished: Condvar::new(),
        origin: Instant::now(),
        trace,
    });
    let submitter = client.submitter();
    for i in roots {
        submit(&run, submitter, i);
    }
    let mut progress = run.progress.lock().unwrap_or_else(|p| p.into_inner());
    while progress.0 > 0 && progress.1.is_none() {
        progress = run
            .finished
            .wait(progress)
            .unwrap_or_else(|p| p.into_inner());
    }
    if let Some(e) = progress.1.take() {
        return Err(e);
    }
    drop(progress);
    let value = run.values[target]
        .get()
        .cloned()
        .ok_or_else(|| Error::Backend {
            backend: "dask",
            message: "the target node produced no value".into(),
        })?;
    let mut spans = std::mem::take(&mut *run.spans.lock().unwrap_or_else(|p| p.into_inner()));
    spans.sort_by_key(|s| s.task);
    Ok((value, spans))
}

fn submit(run: &Arc<Run>, submitter: &Arc<Submitter>, i: usize) {
    let (run, next) = (Arc::clone(run), Arc::clone(submitter));
    submitter.submit(Box::new(move |worker| run_node(&run, &next, i, worker)));
}

fn run_node(run: &Arc<Run>, submitter: &Arc<Submitter>, i: usize, worker: usize) {
    let node = &run.nodes[i];
    let args: Vec<&Value> = node
        .deps
        .iter()
        .filter_map(|&d| run.values[d].get())
        .collect();
    // A node is not a kernel task, so it runs through the runner's core rather than a `Runner`.
    let outcome = run_task(
        "dask",
        i,
        worker,
        run.trace.then_some(run.origin),
        || (node.run)(&args, worker),
        || format!("node {}-{i}", node.name),
    );
    drop(args);
    let (value, span) = match outcome {
        Ok(done) => done,
        Err(e) => {
            let mut progress = run.progress.lock().unwrap_or_else(|p| p.into_inner());
            progress.1.get_or_insert(e);
            run.finished.notify_all();
            return; // its dependents never become ready
        }
    };
    let _ = run.values[i].set(value);
    if let Some(span) = span {
        run.spans
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(span);
    }
    for &d in &run.dependents[i] {
        if run.pending[d].fetch_sub(1, Ordering::AcqRel) == 1 {
            submit(run, submitter, d);
        }
    }
    let mut progress = run.progress.lock().unwrap_or_else(|p| p.into_inner());
    progress.0 -= 1;
    if progress.0 == 0 {
        run.finished.notify_all();
    }
}
