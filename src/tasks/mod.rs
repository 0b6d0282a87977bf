//! The module's two tasks: random squaring (15.1.1) and primality by trial division (15.1.2).
//!
//! The bottom layer: plain functions of data in, data out, with no backend in sight. The
//! `workloads` layer makes them `backends::Kernel`s and
//! runs them on any `backends::Backend`.

mod flavor;
pub mod module_code;
pub mod primes;
pub mod squares;

pub use flavor::Flavor;
pub use primes::{
    is_prime_miller_rabin, small_verdict, smallest_factor_in, subinterval_limits, Subinterval,
    Verdict,
};
pub use squares::{random_int, random_square, random_square_io, square_block};
