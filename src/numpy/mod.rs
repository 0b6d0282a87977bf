//! numpy's legacy random generator, for the module's own `random_square`.
//!
//! The module seeds numpy and draws one integer per task:
//!
//! ```python
//! def random_square(seed):
//!     np.random.seed(seed)
//!     random_num = np.random.randint(0, 10)
//!     return random_num**2
//! ```
//!
//! [`RandomState`] is numpy's `np.random.RandomState`, bit-identical for every `u32` seed, and
//! [`random::seed`] / [`random::randint`] are numpy's module-level functions over one shared
//! generator, so the same function reads the same in Rust:
//!
//! ```
//! use parlab::numpy::random::{randint, seed};
//!
//! fn random_square(myseed: u32) -> u32 {
//!     seed(myseed);                    // set the seed to be the argument to the function
//!     let random_num = randint(0, 10); // a random number between 0 and 10 based on the seed
//!     (random_num * random_num) as u32
//! }
//!
//! assert_eq!(random_square(0), 25);
//! assert!((0..1000).all(|s| random_square(s) == parlab::tasks::random_square(s)));
//! ```
//!
//! The generator is built lazily (see [`RandomState`]): a seed and one draw cost about 400
//! steps of MT19937's seeding chain, not a full state, so the module's function stays fast.
//! A kernel-layer module: it imports nothing of parlab's.

pub mod random;
mod state;

pub use state::RandomState;

#[cfg(test)]
mod test;
