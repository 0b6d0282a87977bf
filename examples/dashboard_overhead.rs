//! What the live dashboard costs the maps it watches: each map timed reporting to a dashboard
//! (with a browser tab's event stream open on it) and not reporting, interleaved, medians of
//! `REPEAT` runs; then the dashboard's own CPU while idle. The figures go to BENCHMARKS.md.
//!
//! `cargo run --release --example dashboard_overhead [REPEAT]`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parlab::backends::{feed_path, kernel, Backend, ProcessPool, RayonPool};
use parlab::gas::GasParams;
use parlab::prelude::*;

/// A tab's event stream on `dash`, read until `stop` is set; returns once the stream has begun
/// (its first bytes read).
fn open_tab(
    dash: &parlab::dashboard::Dashboard,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<usize> {
    let token = dash
        .url()
        .split("token=")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let port = dash.port();
    let (begun, begins) = std::sync::mpsc::channel();
    let mut begun = Some(begun);
    let tab = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        write!(stream, "GET /events?token={token} HTTP/1.1\r\n\r\n").expect("asks");
        let mut buf = vec![0; 1 << 16];
        let mut bytes = 0;
        while !stop.load(Ordering::Relaxed) {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes += n,
            }
            if let Some(begun) = begun.take() {
                let _ = begun.send(());
            }
        }
        bytes
    });
    // Also returns when the stream ended before its first bytes.
    let _ = begins.recv();
    tab
}

/// A map to time: its name and a run that returns the map's seconds.
type Case<'a> = (&'a str, Box<dyn Fn() -> parlab::Result<f64> + 'a>);

/// Wall seconds `run` took from call to return (the map's end report included), and the CPU
/// seconds this process (its dashboard threads included) and its workers used meanwhile: a
/// figure that other programs on a shared machine disturb far less than wall time.
fn timed(run: &dyn Fn() -> parlab::Result<f64>) -> parlab::Result<(f64, f64)> {
    let (t0, c0) = (
        std::time::Instant::now(),
        parlab::backends::process_cpu_seconds(),
    );
    run()?;
    Ok((
        t0.elapsed().as_secs_f64(),
        parlab::backends::process_cpu_seconds() - c0,
    ))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// This process's CPU seconds so far (all its threads).
fn cpu_seconds() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = &text[text.rfind(')').map_or(0, |i| i + 1)..];
    let f: Vec<f64> = rest
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // SAFETY: sysconf has no memory preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    f.get(10..12).map_or(0.0, |t| (t[0] + t[1]) / hz)
}

fn main() -> parlab::Result<()> {
    let repeat: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let rayon = RayonPool::new(2)?;
    let pool = ProcessPool::new(2)?;
    let gas = GasParams {
        particles: 300_000,
        steps: 1000,
        ..GasParams::default()
    };
    let noops: Vec<u64> = (0..10_000).collect();
    let cases: Vec<Case<'_>> = vec![
        (
            "gas 3e5 x 1000 steps (74 tasks), rayon 2",
            Box::new(|| Ok(simulate(&rayon, &gas)?.seconds)),
        ),
        (
            "10^6 squares (62 tasks), rayon 2",
            Box::new(|| Ok(squares(&rayon, 0..1_000_000)?.seconds)),
        ),
        (
            "10^6 squares (62 tasks), process-pool 2",
            Box::new(|| Ok(squares(&pool, 0..1_000_000)?.seconds)),
        ),
        (
            "10^4 no-op tasks, rayon 2",
            Box::new(|| Ok(rayon.run(&kernel("noop", |x: &u64| *x), &noops)?.seconds)),
        ),
        (
            "1 no-op task, sequential (the cost per map)",
            Box::new(|| {
                Ok(Sequential
                    .run(&kernel("noop", |x: &u64| *x), &noops[..1])?
                    .seconds)
            }),
        ),
        (
            "10^4 no-op tasks, rayon 2, traced",
            Box::new(|| {
                let traced = MapOptions::traced(true);
                Ok(rayon
                    .run_with(&kernel("noop", |x: &u64| *x), &noops, &traced)?
                    .seconds)
            }),
        ),
    ];

    // 1. What a reporting map pays: one dashboard with an open tab throughout; its feed is
    //    switched off and on between runs (its socket renamed away and back), so both series
    //    share the same background.
    let dash = parlab::dashboard::start()?;
    let (feed, off) = (feed_path(), feed_path().with_extension("off"));
    let stop = Arc::new(AtomicBool::new(false));
    let tab = open_tab(&dash, Arc::clone(&stop));
    println!(
        "| map | not reporting: wall, CPU | reporting, tab open: wall, CPU | wall ratio | CPU ratio |\n|:--|--:|--:|--:|--:|"
    );
    for (name, run) in &cases {
        run()?; // warm-up
        let (mut without, mut with) = (Vec::new(), Vec::new());
        for _ in 0..repeat {
            std::fs::rename(&feed, &off).expect("feed socket"); // maps find no feed
            without.push(timed(run)?);
            std::fs::rename(&off, &feed).expect("feed socket");
            with.push(timed(run)?);
        }
        let wall = |v: &[(f64, f64)]| median(v.iter().map(|x| x.0).collect());
        let cpu = |v: &[(f64, f64)]| median(v.iter().map(|x| x.1).collect());
        let (a, b) = (wall(&without), wall(&with));
        let (ca, cb) = (cpu(&without), cpu(&with));
        println!(
            "| {name} | {:.3} ms, {:.3} CPU ms | {:.3} ms, {:.3} CPU ms | {:.3} | {:.3} |",
            a * 1e3,
            ca * 1e3,
            b * 1e3,
            cb * 1e3,
            b / a,
            cb / ca
        );
    }

    // 2. What the dashboard costs in the background: its threads' CPU with no map running.
    let idle = std::time::Duration::from_secs(10);
    let c0 = cpu_seconds();
    std::thread::sleep(idle);
    let used = cpu_seconds() - c0;
    println!(
        "\nidle dashboard with a tab open: {:.3} CPU s in {} s = {:.2} % of one core",
        used,
        idle.as_secs(),
        100.0 * used / idle.as_secs_f64()
    );
    stop.store(true, Ordering::Relaxed);
    drop(dash);
    let _ = tab.join();
    Ok(())
}
