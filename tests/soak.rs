//! Soak and chaos: the process backends under a busy parent and under random kills. Both are
//! `#[ignore]`d in the quick suite (they take a minute); `scripts/test.sh` runs them explicitly
//! and prints their figures:
//!
//! ```sh
//! cargo test --release --test soak -- --ignored --nocapture --test-threads 1 >/dev/null
//! ```

mod procs;
use procs::children;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parlab::cluster::Cluster;
use parlab::prelude::*;
use parlab::workloads::kernels::Sleep;
use parlab::workloads::AnyBackend;

/// A small xorshift generator: the test needs no reproducible stream, only variety.
struct Dice(u64);

impl Dice {
    fn new() -> Self {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Dice(t | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
#[ignore = "a minute long; scripts/test.sh runs it"]
fn soak_500_process_maps_beside_4_threads_that_print_and_allocate() {
    let stop = Arc::new(AtomicBool::new(false));
    let noise: Vec<_> = (0..4)
        .map(|t| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let v: Vec<u64> = (0..1000 + n % 5000).collect();
                    println!("noise thread {t}: line {n}, {} numbers", v.len());
                    n += 1;
                }
                n
            })
        })
        .collect();
    let seeds: Vec<u32> = (0..64).collect();
    let square = kernel("square", |s: &u32| random_square(*s));
    let expected: Vec<u32> = seeds.iter().map(|&s| random_square(s)).collect();
    let started = Instant::now();
    let (mut maps, mut lost, mut hangs, mut slowest) = (0, 0, 0, Duration::ZERO);
    let options = MapOptions::default().with_timeout(Duration::from_secs(10));
    for i in 0..500 {
        let pool: AnyBackend = if i % 2 == 0 {
            BackendKind::ProcessPool.build(2).unwrap()
        } else {
            BackendKind::ProcessExecutor.build(2).unwrap()
        };
        let t = Instant::now();
        match pool.run_with(&square, &seeds, &options) {
            Ok(m) if m.results == expected => {}
            Ok(_) => lost += 1,
            Err(Error::TimedOut { .. }) => hangs += 1,
            Err(e) => panic!("map {i}: {e}"),
        }
        slowest = slowest.max(t.elapsed());
        maps += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let lines: u64 = noise.into_iter().map(|h| h.join().unwrap()).sum();
    eprintln!(
        "soak: {maps} maps in {:.1} s (slowest {:.3} s) beside 4 threads that printed {lines} lines; lost results = {lost}, hangs = {hangs}, children left = {}",
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64(),
        children().len()
    );
    assert_eq!((lost, hangs), (0, 0));
    assert!(children().is_empty());
}

#[test]
#[ignore = "a minute long; scripts/test.sh runs it"]
fn chaos_200_maps_with_a_random_worker_or_engine_killed() {
    let inputs: Vec<(u64, u64)> = (0..120).map(|i| (i, 300)).collect();
    let expected: Vec<u64> = (0..120).collect();
    let mut dice = Dice::new();
    let (mut complete, mut failed, mut kills) = (0, 0, 0);
    let mut slowest = Duration::ZERO;
    let mut cluster: Option<Cluster> = None;
    for i in 0..200 {
        let backend: AnyBackend = match i % 3 {
            0 => BackendKind::ProcessPool.build(2).unwrap(),
            1 => BackendKind::ProcessExecutor.build(2).unwrap(),
            _ => {
                if cluster.as_ref().is_none_or(|c| c.running() < 2) {
                    cluster = Some(Cluster::start(2).unwrap());
                }
                AnyBackend::Cluster(cluster.take().unwrap())
            }
        };
        let delay = Duration::from_micros(dice.below(40_000));
        let pick = dice.below(1000) as usize;
        let killer = std::thread::spawn(move || {
            // The chaos itself: a kill at a random moment of the map (or after it).
            std::thread::sleep(delay);
            let kids = children();
            if kids.is_empty() {
                return false;
            }
            // SAFETY: kill has no memory preconditions; the pid is a child of this process.
            unsafe { libc::kill(kids[pick % kids.len()] as libc::pid_t, libc::SIGKILL) == 0 }
        });
        let t = Instant::now();
        let outcome = backend.run(&Sleep, &inputs);
        let took = t.elapsed();
        kills += usize::from(killer.join().unwrap());
        slowest = slowest.max(took);
        assert!(took < Duration::from_secs(5), "map {i} took {took:?}");
        match outcome {
            Ok(m) => {
                assert_eq!(m.results, expected, "map {i}: every result exactly once");
                complete += 1;
            }
            Err(e @ Error::TaskFailed { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("worker") && (text.contains("signal 9") || text.contains("died")),
                    "{text}"
                );
                failed += 1;
            }
            Err(e) => panic!("map {i}: {e}"),
        }
        if let AnyBackend::Cluster(c) = backend {
            cluster = Some(c);
        }
    }
    drop(cluster);
    let left = children();
    eprintln!(
        "chaos: 200 maps, {kills} kills; {complete} returned every result exactly once, {failed} failed naming the worker; slowest {:.3} s; hangs = 0; children left = {}",
        slowest.as_secs_f64(),
        left.len()
    );
    assert!(left.is_empty(), "{left:?}");
}
