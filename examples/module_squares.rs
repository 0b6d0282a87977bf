//! The module's 15.1 In[17] and In[18]: the student's `random_square` over 10^6 seeds, as a
//! list comprehension and on a process pool of 2, each timed as the module prints it.
//!
//! `cargo run --release --example module_squares [N] [REPEATS]` (N = 1000000, REPEATS = 3):
//! prints each run's `Execution time = X.XX sec.`, the medians, the speed-up and the cost per
//! seed, and checks the pool's results against the comprehension's.

use std::time::Instant;

use parlab::backends::process_cpu_seconds;
use parlab::numpy::random::{randint, seed};
use parlab::prelude::*;

/// The module's function, as a student writes it.
fn random_square(myseed: u32) -> u32 {
    seed(myseed); // set the seed to be the argument to the function
    let random_num = randint(0, 10); // a random number between 0 and 10 based on the seed
    (random_num * random_num) as u32
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> parlab::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u32 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let pool = ProcessPool::new(2)?;
    let (mut seq, mut par) = (Vec::new(), Vec::new());
    let (mut seq_cpu, mut par_cpu) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        // In[17]: [random_square(i) for i in range(N)]
        let (start, cpu) = (Instant::now(), process_cpu_seconds());
        let comprehension: Vec<u32> = (0..n).map(random_square).collect();
        let t = start.elapsed().as_secs_f64();
        seq_cpu.push(process_cpu_seconds() - cpu);
        println!("list comprehension: Execution time = {t:.2} sec.");
        seq.push(t);
        // In[18]: pool.map(random_square, range(N))
        let (start, cpu) = (Instant::now(), process_cpu_seconds());
        let mapped = pool.map(random_square, 0..n)?;
        let t = start.elapsed().as_secs_f64();
        par_cpu.push(process_cpu_seconds() - cpu); // the reaped workers' CPU included
        println!("ProcessPool(2).map: Execution time = {t:.2} sec.");
        par.push(t);
        assert_eq!(
            mapped, comprehension,
            "the pool must give the comprehension's results"
        );
    }
    let (s, p) = (median(seq), median(par));
    println!(
        "medians of {repeats}: comprehension {s:.3} s, pool {p:.3} s, speed-up {:.2}x; {:.0} ns per seed sequentially",
        s / p,
        s / f64::from(n) * 1e9
    );
    // On a shared machine the wall times depend on what else runs; CPU time does much less.
    let (sc, pc) = (median(seq_cpu), median(par_cpu));
    println!(
        "CPU time: comprehension {sc:.3} s ({:.0} ns per seed), pool {pc:.3} s in all; \
         on 2 idle cores the pool would take about {:.3} s, {:.2}x",
        sc / f64::from(n) * 1e9,
        pc / 2.0,
        sc / (pc / 2.0)
    );
    Ok(())
}
