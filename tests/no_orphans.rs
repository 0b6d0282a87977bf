//! No child process outlives its pool. One test in its own binary, so that no other test's
//! children are counted (`busy_parent` is that test's helper: it does nothing unless started
//! by it).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use parlab::cluster::Cluster;
use parlab::prelude::*;

mod procs;
use procs::{children_and_zombies as children, gone, wait_until};

/// Set for the copy of this test binary that plays a parent killed with its engines busy.
const BUSY_PARENT: &str = "PARLAB_TEST_BUSY_PARENT";

/// The engines' work: a nap of `seconds`.
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
    // Waits to be killed (ten minutes at most, should the test that kills it die first).
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
    wait_until(Duration::from_secs(10), || pids.iter().all(|&p| gone(p)))
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
    assert_eq!(children(), Vec::<u32>::new(), "children before the test");
    let k = kernel("faulty", faulty);
    let pool = ProcessPool::new(3).unwrap();
    assert!(pool.run(&k, &(5..500).collect::<Vec<_>>()).is_ok());
    assert!(pool.run(&k, &[1, 2, 3, 5, 6, 7]).is_err());
    assert!(pool.run(&k, &[1, 2, 4, 5, 6, 7]).is_err());
    // A long task in one worker while another fails: the long one is killed, not waited for.
    let slow = kernel("slow", |x: &u32| {
        if *x == 0 {
            // The long task: half a minute of sleep.
            std::thread::sleep(std::time::Duration::from_secs(30));
        }
        faulty(x)
    });
    let t0 = Instant::now();
    assert!(pool.chunksize(1).run(&slow, &[0, 3]).is_err());
    assert!(
        t0.elapsed() < Duration::from_secs(30),
        "the sleeping worker was waited for, not killed"
    );
    assert_eq!(children(), Vec::<u32>::new(), "after the process pool");

    {
        let executor = ProcessExecutor::new(2).unwrap();
        let _forgotten: Vec<_> = (0..5u32)
            .map(|x| executor.submit(move || faulty(&x)).unwrap())
            .collect();
        let h = executor.submit(|| 42u8).unwrap();
        assert_eq!(h.result().unwrap(), 42);
        assert!(executor.run(&k, &[1, 2, 3]).is_err());
    }
    assert_eq!(children(), Vec::<u32>::new(), "after the executor");

    let joblib = Parallel::new(2).unwrap();
    assert!(joblib.run(&k, &[4, 5]).is_err());
    assert_eq!(children(), Vec::<u32>::new(), "after joblib");

    {
        let cluster = Cluster::start(2).unwrap();
        assert_eq!(cluster.direct().map_sync(nap, [0, 0]).unwrap(), [0, 0]);
        assert_eq!(children().len(), 2);
        // A map still in the background when the cluster goes: it finishes first, or finds
        // no engine; either way nothing is left behind.
        let _pending = cluster.load_balanced().map(nap, [1]).unwrap();
    }
    assert_eq!(children(), Vec::<u32>::new(), "after a forked cluster");

    assert!(
        engines_die_with_a_killed_parent(),
        "busy engines outlived their SIGKILLed parent"
    );
    assert_eq!(children(), Vec::<u32>::new(), "after the killed parent");
}
