//! `parlab-engine`: one engine of a [`parlab::cluster::Cluster`], serving the built-in kernels
//! on stdin/stdout until stdin closes. Started by the cluster, not by hand.

fn main() -> std::process::ExitCode {
    parlab::cluster::engine_main(parlab::cluster::KernelRegistry::builtin())
}
