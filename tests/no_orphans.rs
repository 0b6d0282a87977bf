//! No child process outlives its pool. One test in its own binary, so that no other test's
//! children are counted (`busy_parent` is that test's helper: it does nothing unless started
//! by it).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use parlab::cluster::Cluster;
use parlab::prelude::*;

mod procs;
use procs::gone;

/// Set for the copy of this test binary that plays a parent killed with its engines busy.
const BUSY_PARENT: &str = "PARLAB_TEST_BUSY_PARENT";

/// Waits until every pid is gone, at most `limit`.
fn all_gone_within(pids: &[u32], limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if pids.iter().all(|&p| gone(p)) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn nap(seconds: u64) -> u64 {
    std::thread::sleep(Duration::from_secs(seconds));
    seconds
}

/// The parent `no_child_outlives_its_pool` kills: forks two engines, keeps them busy with
/// ten-minute tasks, prints their pids and waits.
#[test]
fn busy_parent() {
    if std::env::var_os(BUSY_PARENT).is_none() {
        return;
    }
    let cluster = Cluster::start(2).unwrap();
    // The pids first: the cluster's methods wait for a map running in the background.
    let pids: Vec<String> = cluster.pids().iter().map(u32::to_string).collect();
    let _pending = cluster.direct().map(nap, [600, 600]).unwrap();
    println!("ENGINES {}", pids.join(" "));
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(600));
}

/// Starts [`busy_parent`] in a copy of this binary, SIGKILLs it once its engines are busy, and
/// says whether the engines died with it (within 10 s; they should take milliseconds).
fn engines_die_with_a_killed_parent() -> bool {
    let mut parent = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "busy_parent", "--nocapture", "--test-threads=1"])
        .env(BUSY_PARENT, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pids = Vec::new();
    for line in BufReader::new(parent.stdout.take().unwrap()).lines() {
        // libtest prints "test busy_parent ... " on the same line first.
        let line = line.unwrap();
        if let Some((_, rest)) = line.split_once("ENGINES ") {
            pids = rest
                .split_whitespace()
                .map(|p| p.parse::<u32>().unwrap())
                .collect();
            break;
        }
    }
    assert_eq!(pids.len(), 2, "the parent printed its engines");
    assert!(
        pids.iter().all(|&p| !gone(p)),
        "engines run before the kill"
    );
    parent.kill().unwrap();
    parent.wait().unwrap();
    all_gone_within(&pids, Duration::from_secs(10))
}

/// Processes whose parent is this process (zombies included), from `/proc/*/stat`.
fn children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let mut kids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<i32>().ok());
        if ppid == Some(me) {
            kids.extend(
                head.split_whitespace()
                    .next()
                    .and_then(|p| p.parse::<i32>().ok()),
            );
        }
    }
    kids
}

fn faulty(x: &u32) -> u32 {
    match *x {
        3 => panic!("three"),
        4 => {
            // SAFETY: raise has no preconditions.
            unsafe {
                libc::raise(libc::SIGKILL);
            }
            0
        }
        x => x,
    }
}

#[test]
fn no_child_outlives_its_pool() {
    assert_eq!(children(), Vec::<i32>::new(), "children before the test");
    let k = kernel("faulty", faulty);
    let pool = ProcessPool::new(3).unwrap();
    assert!(pool.run(&k, &(5..500).collect::<Vec<_>>()).is_ok());
    assert!(pool.run(&k, &[1, 2, 3, 5, 6, 7]).is_err());
    assert!(pool.run(&k, &[1, 2, 4, 5, 6, 7]).is_err());
    // A long task in one worker while another fails: the long one is killed, not waited for.
    let slow = kernel("slow", |x: &u32| {
        if *x == 0 {
            std::thread::sleep(std::time::Duration::from_secs(30));
        }
        faulty(x)
    });
    let t0 = std::time::Instant::now();
    assert!(pool.chunksize(1).run(&slow, &[0, 3]).is_err());
    assert!(
        t0.elapsed().as_secs() < 20,
        "the sleeping worker was not killed"
    );
    assert_eq!(children(), Vec::<i32>::new(), "after the process pool");

    {
        let executor = ProcessExecutor::new(2).unwrap();
        let _forgotten: Vec<_> = (0..5u32)
            .map(|x| executor.submit(move || faulty(&x)).unwrap())
            .collect();
        let h = executor.submit(|| 42u8).unwrap();
        assert_eq!(h.result().unwrap(), 42);
        assert!(executor.run(&k, &[1, 2, 3]).is_err());
    }
    assert_eq!(children(), Vec::<i32>::new(), "after the executor");

    let joblib = Parallel::new(2).unwrap();
    assert!(joblib.run(&k, &[4, 5]).is_err());
    assert_eq!(children(), Vec::<i32>::new(), "after joblib");

    {
        let cluster = Cluster::start(2).unwrap();
        assert_eq!(cluster.direct().map_sync(nap, [0, 0]).unwrap(), [0, 0]);
        assert_eq!(children().len(), 2);
        // A map still in the background when the cluster goes: it finishes first, or finds
        // no engine; either way nothing is left behind.
        let _pending = cluster.load_balanced().map(nap, [1]).unwrap();
    }
    assert_eq!(children(), Vec::<i32>::new(), "after a forked cluster");

    assert!(
        engines_die_with_a_killed_parent(),
        "busy engines outlived their SIGKILLed parent"
    );
    assert_eq!(children(), Vec::<i32>::new(), "after the killed parent");
}
