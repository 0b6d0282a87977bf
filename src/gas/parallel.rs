//! Moving particles that are already sampled, in parallel on a rayon pool held in a value.

use rayon::prelude::*;

use super::motion::advance_slices;
use super::{Particles, WallHits, BLOCK};
use crate::backends::RayonPool;

/// [`advance`](super::advance) on `pool`: the particles are cut into fixed blocks of [`BLOCK`], the blocks are
/// moved in parallel, and the wall hits are summed in block order. Positions, velocities and
/// the returned [`WallHits`] are bit-identical to `advance` block by block, whatever the number
/// of workers. No recording: this is the loop the benchmark times.
///
/// # Examples
///
/// ```
/// use parlab::gas::{advance, advance_on, GasParams, Particles, BLOCK};
/// use parlab::prelude::*;
///
/// let params = GasParams::default();
/// let start = Particles::sample(&params, 0, BLOCK + 100);
/// let dt = params.time_step();
/// let (mut a, mut b) = (start.clone(), start);
/// let walls = advance_on(&RayonPool::new(2)?, &mut a, dt, 1.0, 300)?;
/// let mut first = Particles {
///     x: b.x[..BLOCK].to_vec(), y: b.y[..BLOCK].to_vec(),
///     vx: b.vx[..BLOCK].to_vec(), vy: b.vy[..BLOCK].to_vec(),
/// };
/// advance(&mut first, dt, 1.0, 300, |_, _| {});
/// assert_eq!(a.x[..BLOCK], first.x[..]);
/// assert!(walls.hits > 0.0);
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn advance_on(
    pool: &RayonPool,
    particles: &mut Particles,
    dt: f64,
    side: f64,
    steps: usize,
) -> crate::Result<WallHits> {
    let Particles { x, y, vx, vy } = particles;
    let parts: Vec<WallHits> = pool.install(|| {
        x.par_chunks_mut(BLOCK)
            .zip(y.par_chunks_mut(BLOCK))
            .zip(vx.par_chunks_mut(BLOCK))
            .zip(vy.par_chunks_mut(BLOCK))
            .map(|(((x, y), vx), vy)| advance_slices([x, y, vx, vy], dt, side, steps, |_, _| {}))
            .collect()
    })?;
    let mut total = WallHits::default();
    for part in parts {
        total += part;
    }
    Ok(total)
}
