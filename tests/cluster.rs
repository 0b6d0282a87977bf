//! The engine cluster: right answers on both views, reruns when an engine dies, no leftovers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parlab::backends::MapOptions;
use parlab::cluster::{Cluster, Remote};
use parlab::prelude::*;
use parlab::tasks::is_prime_miller_rabin;
use parlab::tasks::primes::TrialKernel;
use parlab::tasks::squares::{blocks, Block};
use parlab::tasks::Subinterval;
use parlab::workloads::engine_kernels;
use parlab::workloads::AnyBackend;

mod procs;
use procs::reaped as gone;

/// The engines' kernels used below, by name and types (`parlab::workloads::kernels`): `noop`
/// returns its input; `sleep` sleeps the second number of µs and returns the first.
const NOOP: Remote<u64, u64> = Remote::named("noop");
const SLEEP: Remote<(u64, u64), u64> = Remote::named("sleep");
const RANDOM_SQUARE: Remote<u32, u32> = Remote::named("random-square");

fn start(engines: usize) -> Cluster {
    Cluster::builder()
        .engines(engines)
        .engine(env!("CARGO_BIN_EXE_parlab-engine"))
        .start()
        .expect("cluster starts")
}

#[test]
fn squares_are_bit_identical_on_both_views() {
    let cluster = start(2);
    let reference = squares(&Sequential, 0..1_000_000).unwrap().results;
    let run = squares(&cluster, 0..1_000_000).unwrap();
    assert_eq!(run.first5(), [25, 25, 64, 64, 49]);
    assert_eq!(run.last5(), [81, 36, 1, 1, 1]);
    assert!(run.results == reference);

    // The engines' block kernel: `tasks::squares::square_block`, compiled into parlab-engine.
    let k = Remote::<Block, Vec<u32>>::named("squares");
    let direct = cluster
        .direct()
        .run_with(
            &k,
            &blocks(0, 1_000_000).unwrap(),
            &MapOptions::traced(true),
        )
        .unwrap();
    assert!(direct.results.concat() == reference);
    let trace = direct.trace.unwrap();
    // Contiguous shares: the first half of the blocks on engine 0, the rest on engine 1.
    let workers: Vec<usize> = trace.spans.iter().map(|s| s.worker).collect();
    assert_eq!(workers.iter().filter(|&&w| w == 0).count(), 31);
    assert!(workers.windows(2).all(|w| w[0] <= w[1]));

    let seeds: Vec<u32> = (999_990..1_000_000).collect();
    let tail = cluster.load_balanced().run(&RANDOM_SQUARE, &seeds).unwrap();
    assert_eq!(tail.results, reference[999_990..]);
}

#[test]
fn prime_verdicts_are_right_and_kernel_state_does_not_leak() {
    let cluster = start(2);
    let check = |n| check_prime(&cluster, n).unwrap();
    // 91 = 7 * 13 leaves "best factor 7" behind in a shared kernel; the next number must not
    // be cut short by it.
    assert_eq!(check(91).factor, Some(7));
    let composite = check(1_000_003 * 999_983);
    assert!(!composite.is_prime);
    assert_eq!(composite.factor, Some(999_983));
    for n in [2, 3, 9, 25, 97, 1_000_003] {
        assert_eq!(check(n).is_prime, is_prime_miller_rabin(n), "{n}");
    }
    assert!(check(parlab::table::MODULE_PRIME).is_prime);
}

#[test]
fn killing_an_engine_mid_map_still_returns_every_result_once() {
    let cluster = start(2);
    let pids = cluster.pids();
    let victim = pids[1];
    // 10^4 tasks of 200 µs each (the engines' `sleep` kernel: sleep 200 µs, return the first
    // number); the kill comes once 100 of them are done, from the progress callback, so the
    // map is surely under way and far from its end.
    let inputs: Vec<(u64, u64)> = (0..10_000).map(|i| (i, 200)).collect();
    let killed = Arc::new(AtomicBool::new(false));
    let kill = {
        let killed = Arc::clone(&killed);
        Progress::new(move |u| {
            if u.done >= 100 && !killed.swap(true, Ordering::SeqCst) {
                // SAFETY: plain kill(2) of a child process we started.
                unsafe { libc::kill(victim as libc::pid_t, libc::SIGKILL) };
            }
        })
    };
    let mapped = cluster
        .load_balanced()
        .run_with(
            &SLEEP,
            &inputs,
            &MapOptions::traced(true).with_progress(kill),
        )
        .unwrap();
    assert!(
        killed.load(Ordering::SeqCst),
        "the kill came during the map"
    );
    let expected: Vec<u64> = (0..10_000).collect();
    assert_eq!(mapped.results, expected);
    let spans = mapped.trace.unwrap().spans;
    let tasks: Vec<usize> = spans.iter().map(|s| s.task).collect();
    assert_eq!(tasks, (0..10_000).collect::<Vec<_>>(), "one span per task");
    assert!(spans.iter().all(|s| s.start <= s.end));
    let on_victim = spans.iter().filter(|s| s.worker == 1).count();
    eprintln!("engine 1 returned {on_victim} results before it was killed");
    assert_eq!(cluster.running(), 1);

    // The survivor keeps serving both views.
    assert_eq!(
        cluster.load_balanced().run(&NOOP, &[4, 5]).unwrap().results,
        [4, 5]
    );
    assert_eq!(
        cluster.direct().run(&NOOP, &[6, 7]).unwrap().results,
        [6, 7]
    );
    assert!(
        cluster.engine(1).run(&NOOP, &1).is_err(),
        "engine 1 is dead"
    );

    cluster.shutdown().unwrap();
    assert!(pids.iter().all(|&p| gone(p)), "no engine outlives shutdown");
}

#[test]
fn a_dead_engine_fails_a_direct_map() {
    let cluster = start(2);
    let victim = cluster.pids()[0];
    // SAFETY: plain kill(2) of a child process we started.
    unsafe { libc::kill(victim as libc::pid_t, libc::SIGKILL) };
    let inputs: Vec<u64> = (0..100).collect();
    let err = cluster.direct().run(&NOOP, &inputs).unwrap_err();
    assert!(err.to_string().contains("died"), "{err}");
    // The load-balanced view routes around it.
    assert_eq!(
        cluster.load_balanced().run(&NOOP, &inputs).unwrap().results,
        inputs
    );
}

#[test]
fn unknown_kernels_wrong_types_and_panics_are_clear_errors() {
    let cluster = start(2);
    let err = cluster
        .load_balanced()
        .run(&Remote::<u64, u64>::named("cube"), &[1, 2])
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("no kernel named \"cube\"") && text.contains("KernelRegistry"),
        "{text}"
    );

    // The engines' `noop` maps u64 -> u64, not u32 -> u32.
    let err = cluster
        .load_balanced()
        .run(&Remote::<u32, u32>::named("noop"), &[1])
        .unwrap_err();
    assert!(err.to_string().contains("u64"), "{err}");

    // A divisor of zero panics in the engine; the panic comes back as the task's error.
    let bad = Subinterval {
        n: 10,
        lo: 0,
        hi: 0,
    };
    let trial =
        Remote::of(&TrialKernel::new()).expect("trial division is compiled into the engines");
    let err = cluster.engine(1).run(&trial, &bad).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TaskFailed {
                worker: 1,
                task: 0,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("remainder"), "{err}");
    // ... and the cluster is still usable.
    assert_eq!(
        cluster.load_balanced().run(&NOOP, &[9]).unwrap().results,
        [9]
    );
}

#[test]
fn a_closure_is_refused_and_never_swapped_for_an_engine_kernel() {
    let cluster = start(2);
    // Same name and types as the engines' `random-square`, other code: the cluster must not run
    // the engines' kernel in its place (that would give [25, 64], not [2, 4]).
    let err = cluster
        .run(&kernel("random-square", |s: &u32| s * 2), &[1, 2])
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Backend {
                backend: "cluster",
                ..
            }
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("engines run only code they have"), "{text}");
    // It names the closure as one made with kernel(), and lists the kernels the engines have.
    assert!(
        text.contains("\"random-square\"") && text.contains("kernel()"),
        "{text}"
    );
    for name in engine_kernels().names() {
        assert!(text.contains(name), "{name} not listed: {text}");
    }
    // The engines' own kernel, as a type with a remote name, runs.
    assert_eq!(
        cluster.run(&RandomSquare, &[1, 2]).unwrap().results,
        [25, 64]
    );
}

#[test]
fn list_shows_running_clusters_and_drop_removes_them() {
    let cluster = start(2);
    let pids = cluster.pids();
    let listed = parlab::cluster::list().unwrap();
    let me = listed
        .iter()
        .find(|c| c.id == cluster.id())
        .expect("the cluster is listed");
    assert_eq!(me.engines.iter().map(|e| e.pid).collect::<Vec<_>>(), pids);
    assert_eq!(me.running(), 2);
    assert_eq!(me.owner, std::process::id());
    let id = cluster.id().to_string();
    drop(cluster);
    assert!(pids.iter().all(|&p| gone(p)), "no engine outlives drop");
    assert!(parlab::cluster::list().unwrap().iter().all(|c| c.id != id));
}

#[test]
fn backend_kind_builds_a_cluster_that_lives_in_the_value() {
    let backend = BackendKind::Cluster.build(2).unwrap();
    assert_eq!(backend.workers(), 2);
    let mapped = backend.run(&RandomSquare, &[0, 1, 2]).unwrap();
    assert_eq!(mapped.results, [25, 25, 64]);
    let AnyBackend::Cluster(cluster) = &backend else {
        panic!("not a cluster")
    };
    let pids = cluster.pids();
    drop(backend);
    assert!(pids.iter().all(|&p| gone(p)));
}

/// `examples/custom_engine.rs`, built by `cargo test` next to this test's folder.
fn custom_engine() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let path = dir.join("examples").join("custom_engine");
    assert!(path.is_file(), "{} not built", path.display());
    path
}

#[test]
fn a_program_of_your_own_can_serve_more_kernels() {
    let cluster = Cluster::builder()
        .engines(2)
        .engine(custom_engine())
        .start()
        .unwrap();
    assert!(cluster.kernels().iter().any(|k| k.name == "cube"));
    let cube = Remote::<u64, u64>::named("cube");
    let inputs: Vec<u64> = (0..100).collect();
    let cubes = cluster.load_balanced().run(&cube, &inputs).unwrap();
    assert_eq!(cubes.results[7], 343);
    // The built-in kernels are still there.
    assert_eq!(
        squares(&cluster, 0..5).unwrap().results,
        [25, 25, 64, 64, 49]
    );
    let served: Vec<String> = cluster.kernels().into_iter().map(|k| k.name).collect();
    for name in engine_kernels().names() {
        assert!(
            served.iter().any(|s| s == name),
            "{name} missing: {served:?}"
        );
    }
}

#[test]
fn the_gas_exercise_runs_on_the_engines_bit_identically() {
    let cluster = start(2);
    let params = GasParams {
        particles: 300,
        steps: 100,
        ..GasParams::default()
    };
    let on_engines = simulate(&cluster, &params).unwrap();
    let here = simulate(&Sequential, &params).unwrap();
    assert_eq!(on_engines.paths, here.paths);
    assert_eq!(on_engines.speeds, here.speeds);
    assert_eq!(on_engines.pressure, here.pressure);
}

#[test]
fn a_few_long_tasks_are_spread_over_the_engines() {
    // Two 50 ms tasks on two engines (the engines' `sleep` kernel sleeps 50_000 µs and returns
    // the first number): the load-balanced view must not queue both on one engine before it
    // knows how long tasks take (the prime check is two such tasks).
    let cluster = start(2);
    let mapped = cluster
        .load_balanced()
        .run_with(
            &SLEEP,
            &[(1, 50_000), (2, 50_000)],
            &MapOptions::traced(true),
        )
        .unwrap();
    assert_eq!(mapped.results, [1, 2]);
    let spans = mapped.trace.unwrap().spans;
    assert_ne!(spans[0].worker, spans[1].worker, "{spans:?}");
    cluster.shutdown().unwrap();
}
