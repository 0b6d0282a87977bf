//! `parlab cluster ...`: list, start, and time the engine cluster against dask and sequential.

use std::io::BufRead;
use std::time::Instant;

use clap::Subcommand;

use crate::backends::{cpu_count, kernel, Sequential};
use crate::cluster::{self, Cluster};
use crate::dask::{Bag, Client, Dask, Graph};
use crate::tasks::squares::blocks;
use crate::tasks::{check_prime, random_square, squares, Method};
use crate::{table, Error, Result};

/// The `cluster` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ClusterCommand {
    /// List the running clusters of this user (like `ipcluster list`).
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Start a cluster and keep it up until Enter or end of input (like `ipcluster start`).
    Start {
        /// Number of engines (default: all cores).
        #[arg(long, short = 'n')]
        engines: Option<usize>,
    },
    /// Time both tasks on the cluster's two views and on dask's three styles, with the
    /// per-task overhead of each.
    Bench {
        /// Seeds squared by the block-wise runs.
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        /// Seeds squared by the one-task-per-seed runs (their time is also given per 10^6).
        #[arg(long, default_value_t = 100_000)]
        per_task: u32,
        /// Number checked for primality.
        #[arg(long, default_value_t = table::MODULE_PRIME)]
        prime: u64,
        /// Engines and dask workers (default: all cores).
        #[arg(long)]
        workers: Option<usize>,
    },
}

pub(crate) fn run(command: ClusterCommand) -> Result<()> {
    match command {
        ClusterCommand::List { json } => {
            let clusters = cluster::list()?;
            if json {
                let text = serde_json::to_string_pretty(&clusters).map_err(|e| Error::Backend {
                    backend: "json",
                    message: e.to_string(),
                })?;
                println!("{text}");
            } else if clusters.is_empty() {
                println!(
                    "no running clusters (in {})",
                    cluster::runtime_dir().display()
                );
            } else {
                for c in clusters {
                    println!("{c}");
                }
            }
            Ok(())
        }
        ClusterCommand::Start { engines } => {
            let cluster = Cluster::start(engines.unwrap_or_else(cpu_count))?;
            println!(
                "cluster {} started: engines {:?} ({})",
                cluster.id(),
                cluster.pids(),
                cluster.program().display()
            );
            println!("press Enter (or close stdin) to shut it down");
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            cluster.shutdown()
        }
        ClusterCommand::Bench {
            count,
            per_task,
            prime,
            workers,
        } => bench(count, per_task, prime, workers.unwrap_or_else(cpu_count)),
    }
}

fn row(what: &str, tasks: usize, seconds: f64, per_million: Option<f64>) {
    let per_task_us = seconds / tasks.max(1) as f64 * 1e6;
    match per_million {
        Some(pm) => println!("| {what} | {tasks} | {seconds:.4} | {pm:.3} | {per_task_us:.2} |"),
        None => println!("| {what} | {tasks} | {seconds:.4} | | {per_task_us:.2} |"),
    }
}

fn check(ok: bool, what: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::Backend {
            backend: "bench",
            message: format!("{what}: wrong results"),
        })
    }
}

fn bench(count: u64, per_task: u32, prime: u64, workers: usize) -> Result<()> {
    let t0 = Instant::now();
    let cluster = Cluster::start(workers)?;
    let started = t0.elapsed().as_secs_f64();
    let client = Client::new(workers)?;
    let dask = Dask::new(workers)?;
    let scale = |n: u64| 1e6 / n.max(1) as f64;
    println!("cluster of {workers} engines started in {started:.3} s\n");
    println!("| run | tasks | seconds | s per 10^6 squares | wall per task (µs) |");
    println!("|:--|--:|--:|--:|--:|");

    let reference = squares(&Sequential, 0, count, false)?;
    let nblocks = blocks(0, count)?.len();
    row(
        "squares, sequential (blocks)",
        nblocks,
        reference.seconds,
        Some(reference.seconds * scale(count)),
    );
    let lb = squares(&cluster, 0, count, false)?;
    check(lb.results == reference.results, "cluster load-balanced")?;
    row(
        "squares, cluster load-balanced (blocks)",
        nblocks,
        lb.seconds,
        Some(lb.seconds * scale(count)),
    );
    let k = kernel("squares", |b: &crate::tasks::squares::Block| {
        let mut out = vec![0; b.len as usize];
        crate::tasks::squares::squares_into(b.start, &mut out);
        out
    });
    let direct = cluster.direct().map(&k, &blocks(0, count)?)?;
    check(
        direct.results.concat() == reference.results,
        "cluster direct",
    )?;
    row(
        "squares, cluster direct (blocks)",
        nblocks,
        direct.seconds,
        Some(direct.seconds * scale(count)),
    );
    let d = squares(&dask, 0, count, false)?;
    check(d.results == reference.results, "dask")?;
    row(
        "squares, dask backend (bag of blocks)",
        nblocks,
        d.seconds,
        Some(d.seconds * scale(count)),
    );
    let t = Instant::now();
    let bag = Bag::from_sequence(0..count as u32, workers)?.map(|s: &u32| random_square(*s));
    let bagged = bag.compute(&client)?;
    let secs = t.elapsed().as_secs_f64();
    check(bagged == reference.results, "dask bag")?;
    row(
        &format!("squares, dask bag of seeds (npartitions={workers})"),
        workers,
        secs,
        Some(secs * scale(count)),
    );

    // One task per seed: the per-task overhead dominates.
    let seeds: Vec<u32> = (0..per_task).collect();
    let want = &reference.results[..per_task as usize];
    let one = kernel("random-square", |s: &u32| random_square(*s));
    let n = u64::from(per_task);
    let t = Instant::now();
    let seq: Vec<u32> = seeds.iter().map(|&s| random_square(s)).collect();
    let secs = t.elapsed().as_secs_f64();
    check(seq == want, "sequential per seed")?;
    row(
        "squares, sequential per seed",
        seeds.len(),
        secs,
        Some(secs * scale(n)),
    );
    let m = cluster.load_balanced().map(&one, &seeds)?;
    check(m.results == want, "cluster load-balanced per seed")?;
    row(
        "squares, cluster load-balanced per seed",
        seeds.len(),
        m.seconds,
        Some(m.seconds * scale(n)),
    );
    for prefetch in [1, 2] {
        let m = cluster
            .load_balanced()
            .prefetch(prefetch)
            .map(&one, &seeds)?;
        check(
            m.results == want,
            "cluster load-balanced per seed, fixed prefetch",
        )?;
        let what = format!("squares, cluster load-balanced per seed (prefetch {prefetch})");
        row(&what, seeds.len(), m.seconds, Some(m.seconds * scale(n)));
    }
    let m = cluster.direct().map(&one, &seeds)?;
    check(m.results == want, "cluster direct per seed")?;
    row(
        "squares, cluster direct per seed",
        seeds.len(),
        m.seconds,
        Some(m.seconds * scale(n)),
    );
    let t = Instant::now();
    let futures = client.map(&one, &seeds);
    let gathered = client.gather(futures)?;
    let secs = t.elapsed().as_secs_f64();
    check(gathered == want, "dask map/gather")?;
    row(
        "squares, dask client.map + gather per seed",
        seeds.len(),
        secs,
        Some(secs * scale(n)),
    );
    let t = Instant::now();
    let g = Graph::new();
    let parts: Vec<_> = seeds
        .iter()
        .map(|&s| g.delayed(|s: &u32| random_square(*s), s))
        .collect();
    let all = g.reduce(
        |xs: &[&u32]| xs.iter().map(|x| **x).collect::<Vec<u32>>(),
        &parts,
    );
    let delayed = all.compute(&client)?;
    let secs = t.elapsed().as_secs_f64();
    check(delayed == want, "dask delayed")?;
    row(
        "squares, dask delayed per seed (build + compute)",
        g.len(),
        secs,
        Some(secs * scale(n)),
    );

    // Empty tasks: pure overhead.
    let inputs: Vec<u64> = (0..10_000).collect();
    let noop = kernel("noop", |x: &u64| *x);
    let m = cluster.load_balanced().map(&noop, &inputs)?;
    check(m.results == inputs, "noop")?;
    row("noop, cluster load-balanced", inputs.len(), m.seconds, None);
    let m = cluster.load_balanced().prefetch(1).map(&noop, &inputs)?;
    check(m.results == inputs, "noop")?;
    row(
        "noop, cluster load-balanced (prefetch 1: round trips)",
        inputs.len(),
        m.seconds,
        None,
    );
    let m = cluster.direct().map(&noop, &inputs)?;
    check(m.results == inputs, "noop")?;
    row("noop, cluster direct", inputs.len(), m.seconds, None);
    let t = Instant::now();
    let out = client.gather(client.map(&noop, &inputs))?;
    check(out == inputs, "noop")?;
    row(
        "noop, dask client.map + gather",
        inputs.len(),
        t.elapsed().as_secs_f64(),
        None,
    );

    // The prime: two long tasks, so every style halves the time.
    for (name, answer) in [
        (
            "prime, sequential",
            check_prime(&Sequential, prime, Method::Trial, false)?,
        ),
        (
            "prime, cluster load-balanced",
            check_prime(&cluster, prime, Method::Trial, false)?,
        ),
        (
            "prime, dask backend",
            check_prime(&dask, prime, Method::Trial, false)?,
        ),
    ] {
        check(
            answer.is_prime == crate::tasks::is_prime_miller_rabin(prime),
            name,
        )?;
        row(name, answer.workers, answer.seconds, None);
    }
    let subs = crate::tasks::subinterval_limits(prime, workers)?;
    let m = cluster
        .direct()
        .map(&crate::tasks::primes::TrialKernel::new(), &subs)?;
    let is_prime = m.results.iter().all(Option::is_none);
    check(
        is_prime == crate::tasks::is_prime_miller_rabin(prime),
        "prime, cluster direct",
    )?;
    row("prime, cluster direct", subs.len(), m.seconds, None);
    let t = Instant::now();
    cluster.shutdown()?;
    println!("\ncluster shut down in {:.3} s", t.elapsed().as_secs_f64());
    Ok(())
}
