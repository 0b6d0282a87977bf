//! Empty: see Cargo.toml. statrs compiles this crate only with its `nalgebra` feature, which
//! parlab never enables.
