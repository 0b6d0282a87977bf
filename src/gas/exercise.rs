//! Everything Exercise 1's cells use, in one `use parlab::gas::exercise::*;`: the particle, the
//! parameters and constants, the graders, the library's reference answers, and the random
//! number tools the module takes from NumPy and SciPy (rand's seeded [`StdRng`], statrs'
//! [`Chi`], the module's `scipy.stats.chi`).
//!
//! ```
//! use parlab::gas::exercise::*;
//!
//! let mut rng = StdRng::seed_from_u64(1);
//! let x: f64 = rng.sample(Chi::new(2).unwrap()); // one chi(2) value, as chi.rvs(2)
//! assert!(x > 0.0);
//! let u: f64 = rng.random(); // uniform in [0, 1), as numpy's random()
//! assert!((0.0..1.0).contains(&u));
//! assert!(check_step(step_particle).passed());
//! ```

pub use rand::rngs::StdRng;
pub use rand::{RngExt, SeedableRng};
pub use statrs::distribution::Chi;

pub use super::{
    check_gas, check_speeds, check_start, check_step, reference, step_particle, GasParams,
    Particle, Report, ATOMIC_MASS_UNIT, BOLTZMANN, NITROGEN_AMU,
};
