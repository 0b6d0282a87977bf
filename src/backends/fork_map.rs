//! The forked map both process backends run ([`ProcessPool`](super::ProcessPool) with chunks,
//! [`ProcessExecutor`](super::ProcessExecutor) with `chunksize = 1`): fork the workers, let them
//! pull chunks over their sockets, collect the results in input order, and reap every child.
//! See [`ProcessPool`](super::ProcessPool) for the wire format and the failure rules.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::fork;
use super::frame::{self, FrameError};
use super::shared_slots::SharedSlots;
use super::{Job, MapOptions, Mapped, Runner, Span};
use crate::{Error, Result};

/// What a worker sends back for one chunk.
#[derive(Serialize, Deserialize)]
enum Reply<O> {
    /// The chunk's results, and `(start, end)` per task when tracing.
    Done {
        results: Vec<O>,
        times: Vec<(f64, f64)>,
    },
    /// A task panicked (or its output could not be serialized).
    Failed { task: usize, message: String },
}

/// One chunk's results as the parent received them.
struct ChunkDone<O> {
    chunk: usize,
    results: Vec<O>,
    times: Vec<(f64, f64)>,
}

/// How one worker's share of the map went, seen from the parent.
enum Outcome<O> {
    Ok(Vec<ChunkDone<O>>),
    Failed {
        task: usize,
        message: String,
    },
    Died,
    Io(String),
    /// The map's deadline passed while this worker ran a chunk.
    TimedOut,
    /// The watchdog found the worker stuck; how.
    Stuck(String),
}

/// Maps `job` over `inputs` on `workers` forked processes pulling chunks of `chunksize`.
pub(crate) fn fork_map<J>(
    backend: &'static str,
    workers: usize,
    chunksize: usize,
    job: &J,
    inputs: &[J::In],
    options: &MapOptions,
) -> Result<Mapped<J::Out>>
where
    J: Job,
    J::Out: Serialize + DeserializeOwned,
{
    let runner = Runner::new_on(backend, options, inputs.len(), workers);
    // The children run their tasks through the same runner, minus the progress callback: the
    // parent reports each chunk as its reply arrives.
    let quiet = runner.quiet();
    let n_chunks = inputs.len().div_ceil(chunksize);
    let n_procs = workers.min(n_chunks);
    let broken = |e: std::io::Error| Error::Backend {
        backend,
        message: format!("could not start worker processes: {e}"),
    };
    let slots = SharedSlots::new(n_procs).map_err(broken)?;
    let children = fork::fork_children(n_procs, |w, mut stream| {
        worker_main(w, &mut stream, &quiet, job, inputs, chunksize, &slots)
    })
    .map_err(broken)?;
    let pids: Vec<_> = children.iter().map(|c| c.pid).collect();
    let next = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let stop = |first: bool| {
        // Only the first failure is reported; its siblings are then killed (still unreaped).
        let won = first
            && stopped
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
        stopped.store(true, Ordering::SeqCst);
        pids.iter().for_each(|&pid| fork::kill(pid));
        won
    };
    let outcomes: Vec<(bool, Outcome<J::Out>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = children
            .iter()
            .enumerate()
            .map(|(w, child)| {
                let (next, stopped, runner, stop) = (&next, &stopped, &runner, &stop);
                let mut stream = &child.stream;
                let pid = child.pid;
                scope.spawn(move || {
                    let outcome = drive(
                        &mut stream,
                        pid,
                        next,
                        stopped,
                        n_chunks,
                        runner,
                        w,
                        chunksize,
                    );
                    let primary = match outcome {
                        Outcome::Ok(_) => false,
                        _ => stop(true),
                    };
                    (primary, outcome)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or((false, Outcome::Io("driver panicked".into())))
            })
            .collect()
    });
    drop(children);
    let endings: Vec<String> = pids.iter().map(|&pid| fork::reap(pid)).collect();
    if outcomes
        .iter()
        .any(|(primary, o)| *primary && matches!(o, Outcome::TimedOut))
    {
        // Every worker that had not finished its share was running a task.
        let mut running: Vec<usize> = (0..n_procs)
            .filter(|&w| !matches!(outcomes[w].1, Outcome::Ok(_)))
            .filter_map(|w| slots.get(w).map(|t| t as usize))
            .collect();
        running.sort_unstable();
        return Err(runner.timed_out_with(running));
    }
    let mut chunks: Vec<Option<(ChunkDone<J::Out>, usize)>> = (0..n_chunks).map(|_| None).collect();
    for (w, (primary, outcome)) in outcomes.into_iter().enumerate() {
        let fail = |task: usize, message: String| Error::TaskFailed {
            backend,
            worker: w,
            task,
            input: inputs
                .get(task)
                .map_or_else(String::new, |x| job.describe(x)),
            message,
        };
        match outcome {
            Outcome::Ok(done) => {
                for d in done {
                    let c = d.chunk;
                    chunks[c] = Some((d, w));
                }
            }
            _ if !primary => {}
            Outcome::Failed { task, message } => return Err(fail(task, message)),
            Outcome::Died => {
                let task = slots.get(w).map_or(0, |t| t as usize);
                let message = format!("worker process {} {}", pids[w], endings[w]);
                return Err(fail(task, message));
            }
            Outcome::Stuck(how) => {
                let task = slots.get(w).map_or(0, |t| t as usize);
                return Err(fail(task, format!("worker process {} {how}", pids[w])));
            }
            Outcome::TimedOut => return Err(runner.timed_out_with(Vec::new())),
            Outcome::Io(e) => {
                return Err(Error::Backend {
                    backend,
                    message: format!("lost worker {w} (process {}): {e}", pids[w]),
                })
            }
        }
    }
    let mut results = Vec::with_capacity(inputs.len());
    let mut spans = Vec::new();
    for (c, chunk) in chunks.into_iter().enumerate() {
        let (
            ChunkDone {
                results: r, times, ..
            },
            worker,
        ) = chunk.ok_or_else(|| Error::Backend {
            backend,
            message: format!("chunk {c} of {n_chunks} came back from no worker"),
        })?;
        results.extend(r);
        spans.extend(times.into_iter().enumerate().map(|(i, (start, end))| Span {
            task: c * chunksize + i,
            worker,
            start,
            end,
        }));
    }
    Ok(runner.finish(results, spans, workers))
}

/// The parent's side of worker `w`: hand out chunk numbers until none are left, collect replies.
#[allow(clippy::too_many_arguments)]
fn drive<O: serde::de::DeserializeOwned>(
    stream: &mut &UnixStream,
    pid: libc::pid_t,
    next: &AtomicUsize,
    stopped: &AtomicBool,
    n_chunks: usize,
    runner: &Runner,
    w: usize,
    chunksize: usize,
) -> Outcome<O> {
    let mut done = Vec::new();
    loop {
        if stopped.load(Ordering::SeqCst) {
            return Outcome::Ok(done);
        }
        let c = next.fetch_add(1, Ordering::SeqCst);
        if c >= n_chunks {
            // Closing our side ends the worker's loop; it exits and is reaped by the caller.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            return Outcome::Ok(done);
        }
        if stream.write_all(&(c as u64).to_le_bytes()).is_err() {
            return Outcome::Died;
        }
        match fork::wait_for(stream, pid, runner.deadline()) {
            fork::Wait::Ready => {}
            fork::Wait::TimedOut => return Outcome::TimedOut,
            fork::Wait::Stuck(how) => return Outcome::Stuck(how),
        }
        let bytes = match frame::read_frame_bytes(stream) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Outcome::Died,
            // A killed worker ends its socket with an EOF, or a reset when it had unread data.
            Err(FrameError::Truncated { .. }) => return Outcome::Died,
            Err(FrameError::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset
                ) =>
            {
                return Outcome::Died
            }
            Err(e) => return Outcome::Io(e.to_string()),
        };
        match frame::decode::<Reply<O>>(&bytes) {
            Ok(Reply::Done { results, times }) => {
                runner.chunk_done(c * chunksize, results.len(), w, &times);
                done.push(ChunkDone {
                    chunk: c,
                    results,
                    times,
                });
            }
            Ok(Reply::Failed { task, message }) => return Outcome::Failed { task, message },
            Err(e) => return Outcome::Io(format!("unreadable reply: {e}")),
        }
    }
}

/// The worker process's loop: read a chunk number, run its tasks through `runner`, send the
/// results (and each task's times when tracing).
fn worker_main<J>(
    w: usize,
    stream: &mut UnixStream,
    runner: &Runner,
    job: &J,
    inputs: &[J::In],
    chunksize: usize,
    slots: &SharedSlots,
) -> i32
where
    J: Job,
    J::Out: Serialize,
{
    let mut request = [0u8; 8];
    loop {
        if std::io::Read::read_exact(stream, &mut request).is_err() {
            return 0;
        }
        let first = (u64::from_le_bytes(request) as usize).saturating_mul(chunksize);
        let last = first.saturating_add(chunksize).min(inputs.len());
        let mut results = Vec::with_capacity(last.saturating_sub(first));
        let mut times = Vec::new();
        for (task, input) in inputs.iter().enumerate().take(last).skip(first) {
            slots.set(w, task as u64);
            match runner.run_one(job, task, w, input) {
                Ok((out, span)) => {
                    results.push(out);
                    times.extend(span.map(|s| (s.start, s.end)));
                }
                Err(e) => {
                    let message = match e {
                        Error::TaskFailed { message, .. } => message,
                        other => other.to_string(),
                    };
                    let _ = frame::write_frame(stream, &Reply::<J::Out>::Failed { task, message });
                    return 1;
                }
            }
        }
        if let Err(e) = frame::write_frame(stream, &Reply::Done { results, times }) {
            let message = format!("could not send the results: {e}");
            let _ = frame::write_frame(
                stream,
                &Reply::<J::Out>::Failed {
                    task: first,
                    message,
                },
            );
            return 2;
        }
    }
}
