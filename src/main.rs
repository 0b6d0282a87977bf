//! The `parlab` command line; everything it does lives in the library.

fn main() -> std::process::ExitCode {
    parlab::cli::main()
}
