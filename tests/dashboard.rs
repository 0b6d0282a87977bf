//! The live dashboard: its snapshot while maps run on every kind of worker (threads, forked
//! processes, cluster engines), the token on every path, and nothing left when it is dropped.
//!
//! One dashboard (one map feed) per process at a time: the tests take a lock.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use parlab::backends::{Backend, FEED_VAR};
use parlab::cluster::{Cluster, Remote};
use parlab::dashboard::{self, Dashboard, Snapshot};
use parlab::prelude::*;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// Status line and body of `GET target`.
fn get(port: u16, target: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("reads");
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

fn token(dash: &Dashboard) -> String {
    dash.url().split("token=").nth(1).unwrap().to_string()
}

/// Polls the snapshot until `until` holds (or 60 s pass) and returns it.
fn wait_for(dash: &Dashboard, what: &str, until: impl Fn(&Snapshot) -> bool) -> Snapshot {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let snap = dash.snapshot();
        if until(&snap) {
            return snap;
        }
        assert!(Instant::now() < deadline, "never saw {what}: {snap:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Busy-waits `ms` milliseconds (wall time): a task that keeps its core busy.
fn spin(ms: &u64) -> u64 {
    let end = Instant::now() + Duration::from_millis(*ms);
    let mut n = 0u64;
    while Instant::now() < end {
        n = n.wrapping_add(1);
    }
    n
}

#[test]
fn without_the_token_every_path_answers_403() {
    let _one = lock();
    let dash = dashboard::start().unwrap();
    let port = dash.port();
    for target in [
        "/",
        "/api/snapshot",
        "/events",
        "/nothing",
        "/?token=wrong",
        "/?tok=x",
    ] {
        let (status, _) = get(port, target);
        assert!(status.contains(" 403 "), "{target}: {status}");
    }
    let t = token(&dash);
    let (status, page) = get(port, &format!("/?token={t}"));
    assert!(status.contains(" 200 "), "{status}");
    assert!(page.contains("<canvas") && !page.contains("http://") && !page.contains("https://"));
    let (status, body) = get(port, &format!("/api/snapshot?token={t}"));
    assert!(status.contains(" 200 "), "{status}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    for key in [
        "cpu",
        "tasks_done",
        "tasks_total",
        "workers",
        "spans",
        "memory_bytes",
    ] {
        assert!(json.get(key).is_some(), "no {key} in {body}");
    }
    assert!(get(port, &format!("/nothing?token={t}"))
        .0
        .contains(" 404 "));
}

#[test]
fn spans_arrive_while_a_two_worker_map_runs_and_both_cores_are_busy() {
    let _one = lock();
    let dash = dashboard::start().unwrap();
    let pool = RayonPool::new(2).unwrap();
    let inputs = vec![20u64; 200]; // 2 s of busy cores with 2 workers
    std::thread::scope(|s| {
        let map = s.spawn(|| pool.run(&kernel("spin", spin), &inputs));
        let early = wait_for(&dash, "spans of the running map", |s| {
            s.backend == "rayon" && !s.spans.is_empty()
        });
        assert!(
            early.running && early.tasks_done < early.tasks_total,
            "{early:?}"
        );
        assert_eq!((early.tasks_total, early.workers), (200, 2));
        // A full second of readings inside the map.
        std::thread::sleep(Duration::from_millis(1100));
        let busy = dash.snapshot();
        assert!(busy.running, "the map ended too soon to measure: {busy:?}");
        // Every program's use of the cores: our two spinning workers keep both busy whatever
        // else runs (other programs can only add to it).
        assert!(busy.busy_cores() >= 1.4, "{:?}", busy.cpu);
        // Our own share, which other programs cannot inflate (but may shrink: shared machine).
        assert!(busy.process_cores > 0.2, "{}", busy.process_cores);
        assert!(busy.tasks_done > early.tasks_done);
        assert!(map.join().unwrap().is_ok());
    });
    let end = wait_for(&dash, "the end of the map", |s| !s.running);
    assert_eq!((end.tasks_done, end.ok), (200, Some(true)));
    // The last map stays on screen, spans included.
    assert_eq!(end.span_offset + end.spans.len(), 200);
    let workers: std::collections::BTreeSet<usize> = end.spans.iter().map(|s| s.worker).collect();
    assert_eq!(workers.len(), 2);
}

#[test]
fn forked_workers_report_their_tasks_and_memory() {
    let _one = lock();
    let dash = dashboard::start().unwrap();
    let pool = ProcessExecutor::new(2).unwrap();
    // About 3 s of work: the meter looks for new child processes once a second.
    let inputs = vec![30u64; 200];
    std::thread::scope(|s| {
        let map = s.spawn(|| pool.run(&kernel("spin", spin), &inputs));
        let snap = wait_for(&dash, "forked workers' spans and memory", |s| {
            s.backend == "process-executor" && !s.spans.is_empty() && s.children >= 2
        });
        assert!(snap.running, "{snap:?}");
        assert!(snap.memory_bytes > snap.own_memory_bytes);
        assert!(map.join().unwrap().is_ok());
    });
    let end = wait_for(&dash, "the end", |s| !s.running);
    assert_eq!(end.tasks_done, 200);
}

#[test]
fn cluster_engines_report_their_tasks() {
    let _one = lock();
    let cluster = Cluster::builder()
        .engines(2)
        .engine(env!("CARGO_BIN_EXE_parlab-engine"))
        .start()
        .unwrap();
    let dash = dashboard::start().unwrap();
    // The engines' `sleep` kernel: returns the first number after sleeping the second (µs).
    const SLEEP: Remote<(u64, u64), u64> = Remote::named("sleep");
    let inputs: Vec<(u64, u64)> = (0..40).map(|i| (i, 50_000)).collect();
    std::thread::scope(|s| {
        let map = s.spawn(|| cluster.load_balanced().run(&SLEEP, &inputs));
        let snap = wait_for(&dash, "engines' spans", |s| {
            s.backend == "cluster" && !s.spans.is_empty()
        });
        assert!(snap.running && snap.workers == 2, "{snap:?}");
        assert!(map.join().unwrap().is_ok());
    });
    let end = wait_for(&dash, "the end", |s| !s.running);
    assert_eq!((end.tasks_done, end.ok), (40, Some(true)));
}

#[test]
fn dropped_it_closes_its_port_and_maps_stop_reporting() {
    let _one = lock();
    let dash = dashboard::start().unwrap();
    let port = dash.port();
    assert!(std::env::var(FEED_VAR).is_ok());
    assert!(parlab::backends::watched_at().is_some_and(|u| u == dash.url()));
    drop(dash);
    assert!(std::env::var(FEED_VAR).is_err());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    // A map with no dashboard still runs.
    assert_eq!(
        Sequential
            .run(&kernel("spin", spin), &[1])
            .unwrap()
            .results
            .len(),
        1
    );
}

/// This process's dashboard threads (their names, cut by Linux to 15 bytes, start so).
fn dashboard_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|name| name.starts_with("parlab-dashboa"))
        })
        .count()
}

#[test]
fn a_closed_tab_ends_its_stream() {
    let _one = lock();
    let dash = dashboard::start().unwrap();
    // Its watcher and its server (a thread takes its name once it runs).
    wait_for(&dash, "two threads", |_| dashboard_threads() == 2);
    let before = 2;
    let mut tab = TcpStream::connect(("127.0.0.1", dash.port())).unwrap();
    write!(tab, "GET /events?token={} HTTP/1.1\r\n\r\n", token(&dash)).unwrap();
    let mut first = [0u8; 512];
    let n = tab.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).contains("text/event-stream"));
    wait_for(&dash, "the stream's thread", |_| {
        dashboard_threads() == before + 1
    });
    drop(tab);
    wait_for(&dash, "the stream's thread to end", |_| {
        dashboard_threads() == before
    });
}
