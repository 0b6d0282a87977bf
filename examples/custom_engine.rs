//! A program of your own as the cluster's engine: it adds a `cube` kernel to the built-in ones.
//!
//! One program plays both parts: started by a cluster it serves kernels (`engine_main`),
//! started by you it starts a cluster of copies of itself and maps `cube` on it, by name
//! ([`Remote`]): the engines run the code compiled into them, never a closure of the client's.
//!
//! ```sh
//! cargo run --release --example custom_engine
//! ```

use std::process::ExitCode;

use parlab::cluster::{engine_main, is_engine, Cluster, Remote};
use parlab::prelude::*;
use parlab::workloads::engine_kernels;

/// The new kernel, registered in the engine under the name `"cube"`.
fn cube(x: &u64) -> u64 {
    x.pow(3)
}

/// The client's handle on it: the name and the types, no code.
const CUBE: Remote<u64, u64> = Remote::named("cube");

fn main() -> ExitCode {
    if is_engine() {
        return engine_main(engine_kernels().register("cube", cube));
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
    let cubes = cluster.load_balanced().run(&CUBE, &inputs)?;
    println!(
        "cubes of 0..10 on engines {:?}: {:?}",
        cluster.pids(),
        cubes.results
    );
    assert_eq!(cubes.results[3], 27);
    cluster.shutdown()
}
