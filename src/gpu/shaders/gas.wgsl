// The 2-D gas in f32: every invocation moves one particle by `steps` steps of dt between elastic
// walls at 0 and side, counts its wall hits per axis, and writes the positions of recorded
// particles every `every` steps. The arithmetic is the CPU's (src/gas/motion.rs) in f32: the
// single-bounce step when |v| dt < side, where -p and 2 side - p are exact, so positions stay
// in [0, side]; the triangle-wave fold otherwise. Speeds only change sign: the energy is exact.

struct Params {
    n: u32,          // particles
    steps: u32,      // steps in this dispatch
    first_step: u32, // steps taken before this dispatch
    record: u32,     // the first `record` particles have their paths recorded
    every: u32,      // record every this many steps
    row: u32,        // invocations per row of the 2-D dispatch
    dt: f32,
    side: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state: array<vec4<f32>>; // x, y, vx, vy
@group(0) @binding(2) var<storage, read_write> hits: array<vec2<u32>>;  // wall hits along x, y
@group(0) @binding(3) var<storage, read_write> frames: array<vec2<f32>>; // frame f of particle i at f * record + i

struct Axis {
    x: f32,
    v: f32,
    hits: u32,
}

// One step of one axis: the new position and velocity, and the wall hits on the way.
fn step_axis(p: f32, v: f32) -> Axis {
    let dt = params.dt;
    let side = params.side;
    let q = p + v * dt;
    if (abs(v) * dt < side) {
        let low = q < 0.0;
        let high = q >= side;
        let hit = low || high;
        return Axis(select(select(q, 2.0 * side - q, high), -q, low), select(v, -v, hit), select(0u, 1u, hit));
    }
    let k = floor(q / side);
    let reversed = k - 2.0 * floor(0.5 * k) != 0.0;
    let x = clamp(select(q - k * side, (k + 1.0) * side - q, reversed), 0.0, side);
    return Axis(x, select(v, -v, reversed), u32(abs(k)));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * params.row;
    if (i >= params.n) {
        return;
    }
    var s = state[i];
    var h = hits[i];
    let recorded = i < params.record;
    if (recorded && params.first_step == 0u) {
        frames[i] = s.xy;
    }
    for (var k = 1u; k <= params.steps; k++) {
        let ax = step_axis(s.x, s.z);
        let ay = step_axis(s.y, s.w);
        s = vec4<f32>(ax.x, ay.x, ax.v, ay.v);
        h += vec2<u32>(ax.hits, ay.hits);
        let step = params.first_step + k;
        if (recorded && step % params.every == 0u) {
            frames[(step / params.every) * params.record + i] = s.xy;
        }
    }
    state[i] = s;
    hits[i] = h;
}
