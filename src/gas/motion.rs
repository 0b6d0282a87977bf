//! Free flight between elastic walls: the exact reflection map, the closed form, and the
//! vectorizable stepping loop.
//!
//! A particle in free flight along one axis would be at `p = x + v t`. Reflecting walls at 0 and
//! L fold that line into the box with a triangle wave of period 2L: with `k = floor(p/L)`, the
//! particle is at `p - kL` when `k` is even and at `(k+1)L - p` when `k` is odd, it has hit a wall
//! `|k|` times, and its velocity is reversed when `k` is odd ([`fold`]). Stepping applies the fold
//! to every step's displacement, so any number of bounces in one step is exact, and the stepped
//! path agrees with the closed form [`free_flight`] to rounding. Speeds only change sign, so the
//! kinetic energy is conserved bit for bit.

use super::Particles;

/// Particles per inner chunk: four coordinate arrays and two hit counters stay in L1 cache.
pub(crate) const CHUNK: usize = 256;

/// Where a free-flight coordinate lands after folding into the box: see [`fold`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Folded {
    /// Position in `[0, L]`.
    pub x: f64,
    /// Whether the velocity is reversed (an odd number of wall hits).
    pub reversed: bool,
    /// Number of wall hits.
    pub hits: f64,
}

/// Folds the free-flight coordinate `p` into `[0, side]` by the triangle-wave map.
///
/// # Examples
///
/// ```
/// use parlab::gas::fold;
///
/// // 2.25 box lengths from the left wall: hit the right wall, the left wall, now at 0.25
/// // heading right again.
/// let f = fold(2.25, 1.0);
/// assert_eq!((f.x, f.reversed, f.hits), (0.25, false, 2.0));
/// let f = fold(-0.5, 1.0);
/// assert_eq!((f.x, f.reversed, f.hits), (0.5, true, 1.0));
/// ```
pub fn fold(p: f64, side: f64) -> Folded {
    let k = (p / side).floor();
    let reversed = k - 2.0 * (0.5 * k).floor() != 0.0;
    let x = if reversed {
        (k + 1.0) * side - p
    } else {
        p - k * side
    };
    Folded {
        x: x.clamp(0.0, side),
        reversed,
        hits: k.abs(),
    }
}

/// The closed-form position and velocity at time `t` of a particle that starts at `x0` with
/// velocity `v0` between walls at 0 and `side`: `fold(x0 + v0 t)`.
///
/// # Examples
///
/// ```
/// use parlab::gas::free_flight;
///
/// // 400 m/s for 4 ms from 0.1 m in a 1 m box: 1.6 m of flight, one bounce off the right
/// // wall, ends at 0.3 m heading back.
/// let (x, v) = free_flight(0.1, 400.0, 4e-3, 1.0);
/// assert!((x - 0.3).abs() < 1e-12);
/// assert_eq!(v, -400.0);
/// ```
pub fn free_flight(x0: f64, v0: f64, t: f64, side: f64) -> (f64, f64) {
    let f = fold(x0 + v0 * t, side);
    (f.x, if f.reversed { -v0 } else { v0 })
}

/// Whether every particle of `v` moves less than one box side per step, so that at most one
/// wall is hit per step and [`step_axis`] can take its branch-free single-bounce path.
fn single_bounce(v: &[f64], dt: f64, side: f64) -> bool {
    v.iter().all(|v| v.abs() * dt < side)
}

/// One step of `dt` along one axis for every particle: `x += v dt`, reflected exactly at the
/// walls 0 and `side`; `hits[i]` counts particle i's wall hits.
///
/// When every `|v| dt < side` the loop is branch-free (compare and select) and vectorizes; it
/// gives the same bits as [`fold`]. Otherwise each particle goes through [`fold`].
///
/// # Examples
///
/// ```
/// use parlab::gas::step_axis;
///
/// let (mut x, mut v, mut hits) = (vec![0.95, 0.5], vec![100.0, -100.0], vec![0.0; 2]);
/// step_axis(&mut x, &mut v, &mut hits, 1e-3, 1.0);
/// assert!((x[0] - 0.95).abs() < 1e-12 && (x[1] - 0.4).abs() < 1e-12);
/// assert_eq!(v, [-100.0, -100.0]);
/// assert_eq!(hits, [1.0, 0.0]);
/// ```
pub fn step_axis(x: &mut [f64], v: &mut [f64], hits: &mut [f64], dt: f64, side: f64) {
    if single_bounce(v, dt, side) {
        step_single(x, v, hits, dt, side);
    } else {
        step_fold(x, v, hits, dt, side);
    }
}

/// The branch-free step, exact when `|v| dt < side` for every particle. Written with indices,
/// two selects and a multiplication by ±1 so that LLVM vectorizes it (SSE2: two particles per
/// instruction).
#[inline]
fn step_single(x: &mut [f64], v: &mut [f64], hits: &mut [f64], dt: f64, side: f64) {
    let two = side + side;
    let n = x.len().min(v.len()).min(hits.len());
    let (x, v, hits) = (&mut x[..n], &mut v[..n], &mut hits[..n]);
    for i in 0..n {
        let p = x[i] + v[i] * dt;
        let low = p < 0.0;
        let high = p >= side;
        // -p and 2L - p are exact (Sterbenz), so the result lies in [0, L] with no clamp.
        let folded = if high { two - p } else { p };
        x[i] = if low { -p } else { folded };
        let hit = low | high;
        v[i] *= if hit { -1.0 } else { 1.0 };
        hits[i] += if hit { 1.0 } else { 0.0 };
    }
}

/// The general step: any number of bounces per step.
fn step_fold(x: &mut [f64], v: &mut [f64], hits: &mut [f64], dt: f64, side: f64) {
    for ((x, v), h) in x.iter_mut().zip(v.iter_mut()).zip(hits.iter_mut()) {
        let f = fold(*x + *v * dt, side);
        *x = f.x;
        if f.reversed {
            *v = -*v;
        }
        *h += f.hits;
    }
}

/// Wall hits of a set of particles over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WallHits {
    /// Number of wall hits.
    pub hits: f64,
    /// `Σ |v⊥|` over the hits, m/s: the momentum given to the walls is `2m` times this.
    pub impulse: f64,
}

impl std::ops::AddAssign for WallHits {
    fn add_assign(&mut self, other: WallHits) {
        self.hits += other.hits;
        self.impulse += other.impulse;
    }
}

/// Moves `particles` by `steps` steps of `dt` in a box of side `side`, with no recording: the
/// hot loop, chunk by chunk, one axis at a time.
///
/// # Examples
///
/// ```
/// use parlab::gas::{advance, free_flight, GasParams, Particles};
///
/// let params = GasParams::default();
/// let start = Particles::sample(&params, 0, 1000);
/// let mut p = start.clone();
/// let dt = params.time_step();
/// let walls = advance(&mut p, dt, 1.0, 1000, |_, _| {});
/// assert!(walls.hits > 0.0);
/// let (x, _) = free_flight(start.x[7], start.vx[7], 1000.0 * dt, 1.0);
/// assert!((p.x[7] - x).abs() < 1e-9);
/// assert_eq!(p.kinetic_energy(1.0), start.kinetic_energy(1.0));
/// ```
///
/// `on_step(step, chunk)` is called after every step (1-based) of every chunk with the chunk's
/// first particle index and its state; pass `|_, _| {}` to record nothing.
pub fn advance<F>(
    particles: &mut Particles,
    dt: f64,
    side: f64,
    steps: usize,
    on_step: F,
) -> WallHits
where
    F: FnMut(usize, ChunkState<'_>),
{
    let Particles { x, y, vx, vy } = particles;
    advance_slices([x, y, vx, vy], dt, side, steps, on_step)
}

/// [`advance`] on slices `[x, y, vx, vy]` of equal length.
pub(crate) fn advance_slices<F>(
    [x, y, vx, vy]: [&mut [f64]; 4],
    dt: f64,
    side: f64,
    steps: usize,
    mut on_step: F,
) -> WallHits
where
    F: FnMut(usize, ChunkState<'_>),
{
    let mut walls = WallHits::default();
    let n = x.len().min(y.len()).min(vx.len()).min(vy.len());
    let mut hx = [0.0; CHUNK];
    let mut hy = [0.0; CHUNK];
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let len = end - start;
        let (x, y) = (&mut x[start..end], &mut y[start..end]);
        let (vx, vy) = (&mut vx[start..end], &mut vy[start..end]);
        let (hx, hy) = (&mut hx[..len], &mut hy[..len]);
        hx.fill(0.0);
        hy.fill(0.0);
        let (fast_x, fast_y) = (single_bounce(vx, dt, side), single_bounce(vy, dt, side));
        for step in 1..=steps {
            if fast_x {
                step_single(x, vx, hx, dt, side);
            } else {
                step_fold(x, vx, hx, dt, side);
            }
            if fast_y {
                step_single(y, vy, hy, dt, side);
            } else {
                step_fold(y, vy, hy, dt, side);
            }
            on_step(step, ChunkState { first: start, x, y });
        }
        for i in 0..len {
            walls.hits += hx[i] + hy[i];
            walls.impulse += hx[i] * vx[i].abs() + hy[i] * vy[i].abs();
        }
        start = end;
    }
    walls
}

/// The positions of one chunk of particles after a step, passed to [`advance`]'s callback.
#[derive(Clone, Copy, Debug)]
pub struct ChunkState<'a> {
    /// Index (within the particles passed to [`advance`]) of the chunk's first particle.
    pub first: usize,
    /// x positions of the chunk.
    pub x: &'a [f64],
    /// y positions of the chunk.
    pub y: &'a [f64],
}
