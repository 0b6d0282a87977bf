//! The parameters of a gas run, their defaults (nitrogen at 300 K in a 1 m box) and their checks.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Boltzmann's constant, J/K (exact in the 2019 SI).
pub const BOLTZMANN: f64 = 1.380_649e-23;

/// The unified atomic mass unit, kg (CODATA 2018).
pub const ATOMIC_MASS_UNIT: f64 = 1.660_539_066_60e-27;

/// Mass of a nitrogen molecule N₂, in atomic mass units.
pub const NITROGEN_AMU: f64 = 28.0134;

/// Everything that defines a run of the collisionless 2-D gas.
///
/// Build one with struct-update syntax from the defaults; [`GasParams::check`] (called by every
/// function that takes parameters) rejects values that make no physical sense.
///
/// # Examples
///
/// ```
/// use parlab::gas::GasParams;
///
/// let params = GasParams { particles: 1000, temperature: 600.0, ..GasParams::default() };
/// params.check()?;
/// // kT/m for N2 at 600 K is about (422 m/s)^2.
/// assert!((params.speed_scale() - 422.0).abs() < 1.0);
/// # Ok::<(), parlab::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GasParams {
    /// Number of particles N.
    pub particles: usize,
    /// Number of time steps.
    pub steps: usize,
    /// Time step in seconds; `None` picks [`GasParams::default_dt`].
    pub dt: Option<f64>,
    /// Side L of the square box, metres.
    pub box_side: f64,
    /// Temperature T of the speed distribution, kelvin.
    pub temperature: f64,
    /// Mass m of one particle, atomic mass units.
    pub mass_amu: f64,
    /// Seed: particle `i` draws its initial state from a generator made of `(seed, i)` alone.
    pub seed: u64,
    /// How many particles (the first ones) have their paths recorded for plotting.
    pub record: usize,
    /// Record the positions every this many steps (1 = every step); `None` picks
    /// [`GasParams::default_record_every`].
    pub record_every: Option<usize>,
}

impl Default for GasParams {
    /// 100 N₂ molecules at 300 K in a 1 m box, 1000 steps of the default time step, seed 0,
    /// all 100 paths recorded.
    fn default() -> Self {
        GasParams {
            particles: 100,
            steps: 1000,
            dt: None,
            box_side: 1.0,
            temperature: 300.0,
            mass_amu: NITROGEN_AMU,
            seed: 0,
            record: 100,
            record_every: None,
        }
    }
}

impl GasParams {
    /// Checks every parameter; the error names the offending setting (and its CLI flag).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] when the run's [`memory_estimate`](Self::memory_estimate) is more
    /// than the free memory; [`Error::InvalidInput`] for N = 0, steps = 0, more particle-steps than
    /// [`max_particle_steps`](crate::limits::max_particle_steps), a box side, temperature, mass or time step
    /// that is not a finite number > 0, or `record_every` = 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::gas::GasParams;
    ///
    /// let err = GasParams { box_side: -1.0, ..GasParams::default() }.check().unwrap_err();
    /// assert!(err.to_string().contains("box side"), "{err}");
    /// ```
    pub fn check(&self) -> Result<()> {
        if self.particles == 0 {
            return Err(Error::invalid(
                "particles",
                "got 0; a gas needs at least 1 particle, e.g. 100",
            ));
        }
        if self.steps == 0 {
            return Err(Error::invalid(
                "steps",
                "got 0; take at least 1 time step, e.g. 1000",
            ));
        }
        positive("box side", self.box_side, "metres, e.g. 1")?;
        positive("temperature", self.temperature, "kelvin, e.g. 300")?;
        positive(
            "mass",
            self.mass_amu,
            "atomic mass units, e.g. 28.0134 for N2",
        )?;
        if let Some(dt) = self.dt {
            positive(
                "time step",
                dt,
                "seconds, e.g. 1e-6, or leave it out for the default",
            )?;
        }
        if self.record_every == Some(0) {
            return Err(Error::invalid(
                "record interval",
                "got 0; record every 1 or more steps",
            ));
        }
        let frames = self.steps / self.recording_interval() + 1;
        crate::limits::check_memory(
            "this gas run",
            self.memory_estimate(),
            format!(
                "it keeps 24 B per particle ({} particles) and {frames} frames for each of the {} \
                 recorded paths; ask for fewer particles, or record fewer paths or frames",
                self.particles,
                self.record.min(self.particles)
            ),
        )?;
        let work = (self.particles as u64).saturating_mul(self.steps as u64);
        let max = crate::limits::max_particle_steps()?;
        if work > max {
            return Err(Error::invalid(
                "run length",
                format!(
                    "{} particles × {} steps = {work:.1e} particle-steps is more than the {max:.1e} \
                     one run may take (at about 10^9 per second on two cores); take fewer steps or \
                     particles, or set {} to raise the bound",
                    self.particles,
                    self.steps,
                    crate::limits::MAX_PARTICLE_STEPS_VAR
                ),
            ));
        }
        Ok(())
    }

    /// Mass of one particle, kg.
    pub fn mass(&self) -> f64 {
        self.mass_amu * ATOMIC_MASS_UNIT
    }

    /// kT, joules.
    pub fn kt(&self) -> f64 {
        BOLTZMANN * self.temperature
    }

    /// The speed scale `sqrt(kT/m)`, m/s: the factor that turns a chi(2) sample into a speed
    /// (see [`sample`](super::sample)) and the most probable speed of the 2-D distribution.
    pub fn speed_scale(&self) -> f64 {
        (self.kt() / self.mass()).sqrt()
    }

    /// The mean speed of the 2-D Maxwell–Boltzmann distribution, `sqrt(pi kT / 2m)`, m/s.
    ///
    /// # Examples
    ///
    /// ```
    /// // N2 at 300 K: about 374 m/s.
    /// let v = parlab::gas::GasParams::default().mean_speed_theory();
    /// assert!((v - 374.0).abs() < 1.0);
    /// ```
    pub fn mean_speed_theory(&self) -> f64 {
        (std::f64::consts::PI * self.kt() / (2.0 * self.mass())).sqrt()
    }

    /// The default time step: a particle at the mean speed crosses 1/1000 of the box per step,
    /// so the default 1000 steps span about one box crossing (≈ 2.7 µs for N₂ at 300 K in 1 m).
    pub fn default_dt(&self) -> f64 {
        self.box_side / (1000.0 * self.mean_speed_theory())
    }

    /// The time step in use: `dt`, or [`GasParams::default_dt`].
    pub fn time_step(&self) -> f64 {
        self.dt.unwrap_or_else(|| self.default_dt())
    }

    /// The default recording interval: every step, or fewer so that at most about 1000 frames
    /// per recorded particle are kept.
    pub fn default_record_every(&self) -> usize {
        self.steps.div_ceil(1000).max(1)
    }

    /// The recording interval in use.
    pub fn recording_interval(&self) -> usize {
        self.record_every
            .unwrap_or_else(|| self.default_record_every())
    }

    /// About how many bytes a run of these parameters holds at its peak: every particle's
    /// initial speed (kept for the fit and the histogram, twice while the blocks' results are
    /// combined), one task and one outcome per block, and the recorded paths (16 B per frame and
    /// particle). What `workloads::simulate` checks against the free memory
    /// before it allocates anything.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::gas::GasParams;
    ///
    /// let small = GasParams::default().memory_estimate();
    /// assert!(small < 10 << 20, "{small}"); // the exercise's 100 particles: well under 10 MiB
    /// let huge = GasParams { particles: 1_000_000_000_000, ..GasParams::default() };
    /// assert!(huge.memory_estimate() > 16_000_000_000_000); // 16 B of speeds per particle at least
    /// ```
    pub fn memory_estimate(&self) -> u64 {
        let n = self.particles as u64;
        let len = super::block_len(self.particles) as u64;
        let blocks = n.div_ceil(len.max(1));
        let per_block = (std::mem::size_of::<super::GasBlock>()
            + std::mem::size_of::<super::BlockOutcome>()) as u64;
        let every = self.recording_interval().max(1) as u64;
        let frames = (self.steps as u64 / every).saturating_add(2);
        let recorded = (self.record as u64).min(n);
        n.saturating_mul(3 * 8)
            .saturating_add(blocks.saturating_mul(per_block))
            .saturating_add(recorded.saturating_mul(frames).saturating_mul(16))
    }

    /// The pressure of the 2-D ideal gas at the nominal temperature, `N k T / L²` (N/m).
    pub fn pressure_ideal_nominal(&self) -> f64 {
        self.particles as f64 * self.kt() / (self.box_side * self.box_side)
    }
}

fn positive(what: &'static str, value: f64, unit: &str) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            what,
            format!("got {value}; give a finite number > 0 in {unit}"),
        ))
    }
}
