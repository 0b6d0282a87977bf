//! The fixed cases [`check_step`](super::check_step) tries: ordinary steps of sampled gas
//! particles, steps with several bounces, and particles at rest or on a wall.

use crate::gas::{GasParams, Particle, Particles};

/// One starting state, moved `steps` times by `dt` in a box of side `side`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Case {
    pub(super) start: Particle,
    pub(super) dt: f64,
    pub(super) side: f64,
    pub(super) steps: usize,
}

/// Sampled gas particles in boxes of two sizes, with steps of at most half a box side.
pub(super) fn ordinary_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for side in [1.0, 2.5] {
        let params = GasParams {
            box_side: side,
            ..GasParams::default()
        };
        let sample = Particles::sample(&params, 0, 1000);
        // The fastest of these N2 molecules at 300 K is below 1300 m/s: |v| dt < L/3.
        let dt = 2.5e-4 * side;
        debug_assert!(sample.speeds().iter().all(|v| v * dt < side / 3.0));
        cases.extend((0..sample.len()).map(|i| Case {
            start: Particle::of(&sample, i),
            dt,
            side,
            steps: 40,
        }));
    }
    cases
}

/// Particles that cross the box between 1.5 and 10 times in one step, in every direction.
pub(super) fn bounce_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for side in [1.0, 2.5] {
        for crossings in [1.5, 2.3, 5.7, 10.1] {
            for angle in [0.3f64, 1.9, 3.7, 5.1] {
                let (sin, cos) = angle.sin_cos();
                let (dt, speed) = (1e-3, crossings * side / 1e-3);
                cases.push(Case {
                    start: Particle {
                        x: 0.37 * side,
                        y: 0.61 * side,
                        vx: speed * cos,
                        vy: speed * sin,
                    },
                    dt,
                    side,
                    steps: 3,
                });
            }
        }
    }
    cases
}

/// At rest anywhere (walls and corners too); on a wall moving in, out and along it; into a
/// corner; landing exactly on a wall.
pub(super) fn edge_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for side in [1.0, 2.5] {
        let (l, v) = (side, 300.0);
        let states = [
            (0.3 * l, 0.7 * l, 0.0, 0.0),
            (0.0, 0.5 * l, 0.0, 0.0),
            (l, 0.5 * l, 0.0, 0.0),
            (0.5 * l, 0.0, 0.0, 0.0),
            (0.5 * l, l, 0.0, 0.0),
            (0.0, 0.0, 0.0, 0.0),
            (l, l, 0.0, 0.0),
            (0.0, 0.5 * l, v, 0.0),
            (0.0, 0.5 * l, -v, 0.0),
            (l, 0.5 * l, v, 0.0),
            (l, 0.5 * l, -v, 0.0),
            (0.5 * l, 0.0, 0.0, -v),
            (0.5 * l, l, 0.0, v),
            (0.0, 0.5 * l, 0.0, v),
            (0.0, 0.0, -v, -v),
            (l, l, v, v),
            (0.5 * l, 0.5 * l, 0.5 * l / 1e-4, 0.0),
        ];
        cases.extend(states.map(|(x, y, vx, vy)| Case {
            start: Particle { x, y, vx, vy },
            dt: 1e-4,
            side,
            steps: 3,
        }));
    }
    cases
}
