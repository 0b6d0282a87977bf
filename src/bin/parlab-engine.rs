//! `parlab-engine`: one engine of a [`parlab::cluster::Cluster`], serving the workloads' kernels
//! ([`parlab::workloads::engine_kernels`]) on stdin/stdout until stdin closes. Started by the
//! cluster, not by hand.

fn main() -> std::process::ExitCode {
    parlab::cluster::engine_main(parlab::workloads::engine_kernels())
}
