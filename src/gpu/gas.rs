//! The gas on the GPU: `shaders/gas.wgsl`, every particle advanced and reflected in f32.

use super::device::{bytes, words};
use super::Gpu;
use crate::{Error, Result};

/// Particle-steps per dispatch at most, so that no dispatch runs long enough for a desktop
/// driver's watchdog (about 2 s on Windows) to reset the GPU.
const WORK_PER_DISPATCH: u64 = 1 << 28;

/// A run of the gas on the GPU: `steps` steps of `dt` seconds in the box `[0, side]²` (metres),
/// with the paths of the first `record` particles kept every `every` steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlightPlan {
    /// Time step, seconds.
    pub dt: f32,
    /// Box side, metres.
    pub side: f32,
    /// Number of steps.
    pub steps: u32,
    /// How many particles (the first ones) have their paths recorded.
    pub record: usize,
    /// Record the positions every this many steps (at least 1).
    pub every: u32,
}

/// What [`Gpu::fly`] reports besides the moved particles.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flight {
    /// Wall hits of each particle along x and along y.
    pub hits: Vec<[u32; 2]>,
    /// Paths of the recorded particles: `(x, y)` at steps `0, every, 2 every, …`.
    pub paths: Vec<Vec<[f32; 2]>>,
}

impl Gpu {
    /// Moves `particles` (`[x, y, vx, vy]` each, metres and m/s) by `plan.steps` steps on the GPU,
    /// one invocation per particle: free flight, reflected exactly at the walls as the CPU's
    /// `parlab::gas::step_axis` does, in f32. Positions stay inside the box and speeds change only
    /// sign, so the kinetic energy is conserved bit for bit; what f32 costs is the positions'
    /// rounding (about 6e-8 of the side per step).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a time step or side that is not a finite number > 0, or
    /// `every == 0`; [`Error::Gpu`] when the recorded paths do not fit in one GPU buffer (record
    /// fewer particles or frames) or the device fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::gpu::{FlightPlan, Gpu};
    ///
    /// let gpu = Gpu::new()?;
    /// // 0.25 m/ms to the right from the middle of a 1 m box, 3 steps of 1 ms: one bounce.
    /// let mut particles = [[0.5f32, 0.5, 250.0, 0.0]];
    /// let plan = FlightPlan { dt: 1e-3, side: 1.0, steps: 3, record: 1, every: 1 };
    /// let flight = gpu.fly(&mut particles, &plan)?;
    /// assert!((particles[0][0] - 0.75).abs() < 1e-6);
    /// assert_eq!(particles[0][2], -250.0);
    /// assert_eq!(flight.hits, [[1, 0]]);
    /// assert_eq!(flight.paths[0].len(), 4);
    /// # Ok::<(), parlab::Error>(())
    /// ```
    pub fn fly(&self, particles: &mut [[f32; 4]], plan: &FlightPlan) -> Result<Flight> {
        for (what, value) in [("time step", plan.dt), ("box side", plan.side)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::invalid(
                    what,
                    format!("got {value}; give a finite number > 0"),
                ));
            }
        }
        if plan.every == 0 {
            return Err(Error::invalid(
                "record interval",
                "got 0; record every 1 or more steps",
            ));
        }
        let chunk = ((self.max_binding() / 16) as usize).max(1);
        let mut flight = Flight::default();
        for (k, part) in particles.chunks_mut(chunk).enumerate() {
            let record = plan.record.saturating_sub(k * chunk).min(part.len());
            let done = self.fly_chunk(part, plan, record)?;
            flight.hits.extend(done.hits);
            flight.paths.extend(done.paths);
        }
        Ok(flight)
    }

    /// [`Gpu::fly`] for particles that fit in one buffer, the first `record` of them recorded.
    fn fly_chunk(
        &self,
        particles: &mut [[f32; 4]],
        plan: &FlightPlan,
        record: usize,
    ) -> Result<Flight> {
        let n = particles.len();
        let frames = (plan.steps / plan.every) as usize + 1;
        let frame_bytes = (record as u64) * (frames as u64) * 8;
        if frame_bytes > self.max_binding() {
            return Err(self.error(format!(
                "the recorded paths ({record} particles x {frames} frames, {frame_bytes} B) do not \
                 fit in one GPU buffer of {} B; record fewer particles or frames",
                self.max_binding()
            )));
        }
        let flat: Vec<u32> = particles.iter().flatten().map(|v| v.to_bits()).collect();
        let state = self.storage("particles", n as u64 * 16);
        self.write(&state, &bytes(&flat));
        let hits = self.storage("wall hits", n as u64 * 8);
        let recorded = self.storage("frames", frame_bytes);
        let (x, y, row) = self.grid(n as u64)?;
        let batch = (WORK_PER_DISPATCH / n as u64).clamp(1, u64::from(plan.steps.max(1))) as u32;
        let mut done = 0u32;
        loop {
            // At least one dispatch: the first writes frame 0.
            let steps = batch.min(plan.steps - done);
            let params = self.uniform(
                "gas params",
                &[
                    n as u32,
                    steps,
                    done,
                    record as u32,
                    plan.every,
                    row,
                    plan.dt.to_bits(),
                    plan.side.to_bits(),
                ],
            );
            self.dispatch(&self.gas, &[&params, &state, &hits, &recorded], (x, y))?;
            done += steps;
            if done >= plan.steps {
                break;
            }
        }
        let moved = words(&self.read(&state, n as u64 * 16)?);
        for (p, w) in particles.iter_mut().zip(moved.chunks_exact(4)) {
            *p = [0, 1, 2, 3].map(|i| f32::from_bits(w[i]));
        }
        let counts = words(&self.read(&hits, n as u64 * 8)?);
        let counts = counts.chunks_exact(2).map(|h| [h[0], h[1]]).collect();
        let mut paths = vec![Vec::with_capacity(frames); record];
        if record > 0 {
            let positions = words(&self.read(&recorded, frame_bytes)?);
            for (j, xy) in positions.chunks_exact(2).enumerate() {
                paths[j % record].push([f32::from_bits(xy[0]), f32::from_bits(xy[1])]);
            }
        }
        Ok(Flight {
            hits: counts,
            paths,
        })
    }
}
