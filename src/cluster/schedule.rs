//! One map over engines: a writer and a reader thread per engine, one shared state.
//!
//! Writers send tasks while their engine has fewer than `window` tasks in flight; readers take
//! the replies (an engine answers in the order it was sent) and wake the writers. In the
//! load-balanced plan all writers draw from one queue, and when an engine dies (its stdout ends)
//! its reader puts the engine's unanswered tasks back at the front of that queue for the others:
//! each task's first result is kept, so every result arrives exactly once. In the direct plan
//! every engine has its own queue, and a dead engine fails the map.

use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::sync::{Condvar, Mutex, MutexGuard};

use serde::de::DeserializeOwned;

use super::protocol::{decode, monotonic_ns, read_frame, write_frame, Reply, Request};
use super::Engine;
use crate::backends::{MapOptions, Mapped, Report, Span};
use crate::{Error, Result};

/// How tasks are given to engines.
pub(crate) enum Plan {
    /// One shared queue; `window` tasks in flight per engine at most, or, when `None`, as many
    /// as the engine runs in about [`QUEUED_NS`] (2 to 256).
    Balanced {
        /// Tasks in flight per engine.
        window: Option<usize>,
    },
    /// `queues[e]` are the tasks of engine `e` (indices into the engines slice).
    Direct {
        /// Per-engine task lists.
        queues: Vec<VecDeque<usize>>,
    },
}

/// Tasks in flight per engine in a direct map: enough to hide the pipe's round trip, small
/// enough that a failed map stops soon.
const DIRECT_WINDOW: usize = 64;

/// Work to keep queued per engine in an adaptive load-balanced map: enough tiny tasks to hide
/// the round trip, never more than a millisecond of imbalance at the end.
const QUEUED_NS: u64 = 1_000_000;

pub(crate) use super::inputs::{Inputs, Tasks};

/// An answer: the engine that gave it and its output bytes.
type Answer = (usize, Vec<u8>);

struct State {
    shared: VecDeque<usize>,
    own: Vec<VecDeque<usize>>,
    in_flight: Vec<VecDeque<usize>>,
    results: Vec<Option<Answer>>,
    spans: Vec<Span>,
    done: usize,
    error: Option<Error>,
    dead: Vec<bool>,
    /// Per engine: tasks answered and nanoseconds spent in them, for the adaptive window.
    answered: Vec<(u64, u64)>,
}

impl State {
    fn window(&self, e: usize, fixed: Option<usize>) -> usize {
        match (fixed, self.answered[e]) {
            (Some(w), _) => w,
            // One task each until an answer shows how long tasks take: a map of a few long tasks
            // (the prime's subintervals) must not queue them all on the first engine.
            (None, (0, _)) => 1,
            (None, (count, busy)) => (QUEUED_NS * count / busy.max(1)).clamp(1, 256) as usize,
        }
    }

    fn finished(&self) -> bool {
        self.done == self.results.len() || self.error.is_some()
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.wake.wait(guard).unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs `kernel` over `inputs` on `engines` (all alive), whose kernel tables hold `kernel` at
/// `index[e]`. Engines found dead are marked so in `engines`. `workers` is the cluster's
/// engine count, for the task stream (engine ids stay those of the cluster).
pub(crate) fn run<O: DeserializeOwned + Send>(
    engines: &mut [&mut Engine],
    index: &[u32],
    inputs: &dyn Tasks,
    plan: Plan,
    options: &MapOptions,
    workers: usize,
) -> Result<Mapped<O>> {
    let origin = std::time::Instant::now();
    let report = Report::start("cluster", inputs.len(), workers, origin);
    let (answers, spans) = run_tasks(
        engines,
        index,
        inputs,
        plan,
        options,
        origin,
        report.as_ref(),
    )?;
    let results = answers
        .into_iter()
        .map(|(engine, bytes)| {
            decode::<O>(&bytes).map_err(|err| broken(engine, &format!("bad output: {err}")))
        })
        .collect::<Result<Vec<O>>>()?;
    if let Some(report) = &report {
        report.succeeded();
    }
    Ok(Mapped::finish(
        results,
        spans,
        "cluster",
        workers,
        options.trace,
        origin,
    ))
}

/// [`run`] on bytes: every answer in input order, and the spans.
fn run_tasks(
    engines: &mut [&mut Engine],
    index: &[u32],
    inputs: &dyn Tasks,
    plan: Plan,
    options: &MapOptions,
    origin: std::time::Instant,
    report: Option<&Report>,
) -> Result<(Vec<Answer>, Vec<Span>)> {
    let origin_ns = monotonic_ns();
    let ticker = crate::backends::Ticker::new(options, inputs.len(), origin);
    let ticker = &ticker;
    let n = engines.len();
    let (shared, own, window, balanced) = match plan {
        Plan::Balanced { window } => (
            (0..inputs.len()).collect(),
            vec![VecDeque::new(); n],
            window.map(|w| w.max(1)),
            true,
        ),
        Plan::Direct { queues } => (VecDeque::new(), queues, Some(DIRECT_WINDOW), false),
    };
    let shared = Shared {
        state: Mutex::new(State {
            shared,
            own,
            in_flight: vec![VecDeque::new(); n],
            results: std::iter::repeat_with(|| None).take(inputs.len()).collect(),
            spans: Vec::new(),
            done: 0,
            error: None,
            dead: vec![false; n],
            answered: vec![(0, 0); n],
        }),
        wake: Condvar::new(),
    };
    let shared = &shared;
    let pids: Vec<u32> = engines.iter().map(|e| e.pid).collect();
    std::thread::scope(|scope| {
        if let Some(timeout) = options.timeout {
            let pids = &pids;
            scope.spawn(move || watch(shared, origin + timeout, timeout, pids));
        }
        for (e, engine) in engines.iter_mut().enumerate() {
            let (id, pid) = (engine.id, engine.pid);
            let kernel = index[e];
            let (stdin, stdout) = (&mut engine.stdin, &mut engine.stdout);
            scope.spawn(move || writer(shared, e, kernel, window, inputs, stdin));
            scope.spawn(move || {
                let seen = Seen {
                    options,
                    origin_ns,
                    ticker,
                    report,
                };
                reader(shared, e, id, pid, balanced, inputs, stdout, &seen)
            });
        }
    });
    let mut st = shared.lock();
    let (results, spans, error) = (
        std::mem::take(&mut st.results),
        std::mem::take(&mut st.spans),
        st.error.take(),
    );
    for (engine, &dead) in engines.iter_mut().zip(&st.dead) {
        engine.alive &= !dead;
    }
    drop(st);
    if let Some(error) = error {
        return Err(error);
    }
    Ok((results.into_iter().flatten().collect(), spans))
}

/// Ends the map at `deadline`: fails it with [`Error::TimedOut`] naming the tasks in flight, and
/// kills the engines running them (their readers see the end of their stdout; the caller reaps
/// and replaces them).
fn watch(
    shared: &Shared,
    deadline: std::time::Instant,
    timeout: std::time::Duration,
    pids: &[u32],
) {
    let mut st = shared.lock();
    while !st.finished() {
        let now = std::time::Instant::now();
        if now >= deadline {
            let mut running: Vec<usize> = st.in_flight.iter().flatten().copied().collect();
            running.sort_unstable();
            st.fail(Error::TimedOut {
                backend: "cluster",
                seconds: timeout.as_secs_f64(),
                running,
            });
            for (e, &pid) in pids.iter().enumerate() {
                if !st.in_flight[e].is_empty() {
                    st.dead[e] = true;
                    // SAFETY: kill has no memory preconditions; the engine is our unreaped child.
                    unsafe {
                        libc::kill(pid as libc::pid_t, libc::SIGKILL);
                    }
                }
            }
            drop(st);
            shared.wake.notify_all();
            return;
        }
        st = shared
            .wake
            .wait_timeout(st, deadline - now)
            .map_or_else(|p| p.into_inner().0, |(g, _)| g);
    }
}

fn writer(
    shared: &Shared,
    e: usize,
    kernel: u32,
    window: Option<usize>,
    inputs: &dyn Tasks,
    stdin: &mut impl Write,
) {
    loop {
        let batch: Vec<usize> = {
            let mut st = shared.lock();
            loop {
                if st.finished() || st.dead[e] {
                    return;
                }
                let room = st.window(e, window).saturating_sub(st.in_flight[e].len());
                let st_ref = &mut *st;
                let queue = if st_ref.own[e].is_empty() {
                    &mut st_ref.shared
                } else {
                    &mut st_ref.own[e]
                };
                let take = room.min(queue.len());
                if take > 0 {
                    let batch: Vec<usize> = queue.drain(..take).collect();
                    st_ref.in_flight[e].extend(&batch);
                    break batch;
                }
                st = shared.wait(st);
            }
        };
        shared.wake.notify_all();
        let sent = batch.iter().try_for_each(|&task| {
            let input = inputs.encode(task)?;
            let id = task as u64;
            write_frame(stdin, &Request::Task { id, kernel, input })
        });
        if sent.is_err() || stdin.flush().is_err() {
            // The engine is gone; its reader sees the end of its stdout and requeues the tasks.
            return;
        }
    }
}

/// Who hears of an answered task: the trace, the progress callback, the map feed.
struct Seen<'a> {
    options: &'a MapOptions,
    origin_ns: u64,
    ticker: &'a crate::backends::Ticker,
    report: Option<&'a Report>,
}

#[allow(clippy::too_many_arguments)]
fn reader(
    shared: &Shared,
    e: usize,
    engine_id: usize,
    pid: u32,
    balanced: bool,
    inputs: &dyn Tasks,
    stdout: &mut impl BufRead,
    seen: &Seen<'_>,
) {
    let seconds = |t: u64| t.saturating_sub(seen.origin_ns) as f64 * 1e-9;
    loop {
        {
            let mut st = shared.lock();
            while st.in_flight[e].is_empty() {
                if st.finished() || st.dead[e] {
                    return;
                }
                st = shared.wait(st);
            }
        }
        let reply = read_frame::<Reply>(stdout);
        let mut st = shared.lock();
        match reply {
            Ok(Some(Reply::Done {
                id,
                start,
                end,
                output,
            })) => {
                let task = id as usize;
                let (count, busy) = st.answered[e];
                st.answered[e] = (count + 1, busy + end.saturating_sub(start));
                if st.in_flight[e].pop_front() != Some(task) {
                    st.fail(broken(engine_id, "answered a task it was not sent"));
                } else if st.results[task].is_none() {
                    st.results[task] = Some((engine_id, output));
                    st.done += 1;
                    seen.ticker.add(1);
                    let span = Span {
                        task,
                        worker: engine_id,
                        start: seconds(start),
                        end: seconds(end),
                    };
                    if seen.options.trace {
                        st.spans.push(span);
                    }
                    if let Some(report) = seen.report {
                        report.spans(e, [span]);
                    }
                }
            }
            Ok(Some(Reply::Failed { id, message })) => {
                st.in_flight[e].pop_front();
                let task = id as usize;
                st.fail(Error::TaskFailed {
                    backend: "cluster",
                    worker: engine_id,
                    task,
                    input: inputs.describe(task),
                    message,
                });
            }
            Ok(Some(Reply::Hello { .. } | Reply::Defined { .. } | Reply::Refused { .. })) => {
                st.fail(broken(engine_id, "answered a task with something else"))
            }
            Ok(None) | Err(_) => {
                st.dead[e] = true;
                let lost: Vec<usize> = st.in_flight[e].drain(..).collect();
                let alive = st.dead.iter().any(|d| !d);
                if balanced && alive {
                    for &task in lost.iter().rev() {
                        st.shared.push_front(task);
                    }
                } else if let Some(&task) = lost.first() {
                    st.fail(Error::TaskFailed {
                        backend: "cluster",
                        worker: engine_id,
                        task,
                        input: inputs.describe(task),
                        message: format!("engine {engine_id} (pid {pid}) died"),
                    });
                } else if !alive {
                    st.fail(broken(engine_id, "died, and no engine is left"));
                }
                drop(st);
                shared.wake.notify_all();
                return;
            }
        }
        drop(st);
        shared.wake.notify_all();
    }
}

fn broken(engine: usize, what: &str) -> Error {
    Error::Backend {
        backend: "cluster",
        message: format!("engine {engine} {what}"),
    }
}
