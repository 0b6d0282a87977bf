//! A program of your own as the cluster's engine: it adds a `cube` kernel to the built-in ones.
//!
//! One program plays both parts: started by a cluster it serves kernels (`engine_main`),
//! started by you it starts a cluster of copies of itself and maps `cube` on it.
//!
//! ```sh
//! cargo run --release --example custom_engine
//! ```

use std::process::ExitCode;

use parlab::cluster::{engine_main, is_engine, Cluster, KernelRegistry};
use parlab::prelude::*;

/// The new kernel; the same function is named on the client side and registered in the engine.
fn cube(x: &u64) -> u64 {
    x.pow(3)
}

fn main() -> ExitCode {
    if is_engine() {
        return engine_main(KernelRegistry::builtin().register("cube", cube));
    }
    match client() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn client() -> Result<()> {
    let me = std::env::current_exe().map_err(|e| Error::Backend {
        backend: "cluster",
        message: e.to_string(),
    })?;
    let cluster = Cluster::builder().engines(2).engine(me).start()?;
    let inputs: Vec<u64> = (0..10).collect();
    let cubes = cluster
        .load_balanced()
        .map(&kernel("cube", cube), &inputs)?;
    println!(
        "cubes of 0..10 on engines {:?}: {:?}",
        cluster.pids(),
        cubes.results
    );
    assert_eq!(cubes.results[3], 27);
    cluster.shutdown()
}
