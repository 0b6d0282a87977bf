//! The module's two tasks: random squaring (15.1.1) and primality by trial division (15.1.2).
//!
//! Every task is a plain function of its input plus a [`Kernel`](crate::backends::Kernel) that
//! runs it on any [`Backend`](crate::backends::Backend).

mod flavor;
pub mod module_code;
pub mod primes;
pub mod squares;

pub use flavor::Flavor;
pub use primes::{
    check_prime, check_prime_with, is_prime_miller_rabin, smallest_factor_in, subinterval_limits,
    Method, PrimeAnswer, Subinterval,
};
pub use squares::{random_int, random_square, random_square_io, squares, squares_with, SquaresRun};
