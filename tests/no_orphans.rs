//! No child process outlives its pool. One test in its own binary, so that no other test's
//! children are counted.

use parlab::prelude::*;

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
}
