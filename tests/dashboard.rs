//! The live dashboard: its snapshot while maps run on every kind of worker (threads, forked
//! processes, cluster engines), the token on every path, and nothing left when it is dropped.
//!
//! One dashboard (one map feed) per process at a time: the tests take a lock.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use parlab::backends::{feed_path, Backend};
use parlab::cluster::{Cluster, Remote};
use parlab::dashboard::{self, Dashboard, Snapshot};
use parlab::prelude::*;

mod procs;

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

/// Polls the snapshot until `until` holds (for a minute at most) and returns it.
fn wait_for(dash: &Dashboard, what: &str, until: impl Fn(&Snapshot) -> bool) -> Snapshot {
    procs::poll(Duration::from_secs(60), || {
        let snap = dash.snapshot();
        until(&snap).then_some(snap)
    })
    .unwrap_or_else(|| panic!("never saw {what}: {:?}", dash.snapshot()))
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
                                   // The first 100 tasks spin their 20 ms; the later ones go on spinning until the test has
                                   // seen the busy cores (two minutes at most, should it fail), so the map is surely running
                                   // while it looks.
    let seen = Arc::new(AtomicBool::new(false));
    let (begun, looked) = (Arc::new(AtomicUsize::new(0)), Arc::clone(&seen));
    let limit = Instant::now() + Duration::from_secs(120);
    let held = kernel("spin", move |ms: &u64| {
        let hold = begun.fetch_add(1, Ordering::SeqCst) >= 100;
        let n = spin(ms);
        while hold && !looked.load(Ordering::SeqCst) && Instant::now() < limit {
            std::hint::spin_loop();
        }
        n
    });
    std::thread::scope(|s| {
        let map = s.spawn(|| pool.run(&held, &inputs));
        let early = wait_for(&dash, "spans of the running map", |s| {
            s.backend == "rayon" && !s.spans.is_empty()
        });
        assert!(
            early.running && early.tasks_done < early.tasks_total,
            "{early:?}"
        );
        assert_eq!((early.tasks_total, early.workers), (200, 2));
        // Every program's use of the cores: our two spinning workers keep both busy whatever
        // else runs (other programs can only add to it). Our own share, which other programs
        // cannot inflate (but may shrink: shared machine).
        let busy = wait_for(&dash, "both cores busy", |s| {
            s.busy_cores() >= 1.4 && s.process_cores > 0.2 && s.tasks_done > early.tasks_done
        });
        seen.store(true, Ordering::SeqCst);
        assert!(busy.running, "the map ended too soon to measure: {busy:?}");
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
    assert!(feed_path().exists());
    assert!(parlab::backends::watched_at().is_some_and(|u| u == dash.url()));
    assert!(
        listening(port),
        "the check below sees the dashboard's socket"
    );
    drop(dash);
    assert!(!feed_path().exists());
    // Nothing of this process listens on the port any more (another program may take it).
    assert!(!listening(port), "port {port} still open");
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

/// Whether a socket of this process listens on TCP `port` of 127.0.0.1 (`/proc/net/tcp`
/// names the listening sockets and their inodes, `/proc/self/fd` the sockets this process
/// holds).
fn listening(port: u16) -> bool {
    let ours: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|link| {
            let link = link.to_string_lossy().into_owned();
            Some(
                link.strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_string(),
            )
        })
        .collect();
    let local = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .any(|f| f.len() > 9 && f[1] == local && f[3] == "0A" && ours.iter().any(|i| i == f[9]))
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
