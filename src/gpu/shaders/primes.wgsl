// Trial division of a 64-bit n by 32-bit candidates, with 32-bit arithmetic only (WGSL has no
// u64): n = n_hi * 2^32 + n_lo, and x | n is decided by two Montgomery reductions (REDC) with
// R = 2^32, which need a 32-bit inverse of x and the high halves of two 32 x 32-bit products.
// The smallest factor is exact: each invocation scans 16 increasing candidates, stops once they
// pass the best factor found before it started, and records a factor with atomicMin.

struct Params {
    n_lo: u32,
    n_hi: u32,
    lo: u32,    // first candidate of the scan (odd, >= 3)
    hi: u32,    // last candidate (< 2^32 - 1)
    base: u32,  // wheel: the first turn j0 (candidates 30 j + r); plain: unused
    first: u32, // index of this dispatch's first candidate
    count: u32, // candidates in this dispatch
    wheel: u32, // 1: only candidates prime to 30 (n is); 0: every odd candidate
    row: u32,   // invocations per row of the 2-D dispatch
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> best: atomic<u32>;

const PER_INVOCATION: u32 = 16u;
const LAST_TURN: u32 = 143165576u; // 30 * LAST_TURN + 29 < 2^32 + 29: the last turn that may fit

// The high 32 bits of a * b, from 16-bit halves.
fn mul_hi(a: u32, b: u32) -> u32 {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
    return a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}

// Whether the odd x divides n.
fn divides(x: u32) -> bool {
    // x * inv = 1 (mod 2^32) by Newton's iteration: 5, 10, 20, 40 correct bits.
    var inv = (3u * x) ^ 2u;
    inv *= 2u - x * inv;
    inv *= 2u - x * inv;
    inv *= 2u - x * inv;
    let neg = 0u - inv; // -1/x mod 2^32
    // REDC(n) = (n + q x) / 2^32 with q = n_lo * neg: t = n / 2^32 (mod x), 0 < t < 2^33.
    let q = params.n_lo * neg;
    let s = params.n_hi + mul_hi(q, x);
    let t_lo = s + select(0u, 1u, params.n_lo != 0u);
    let t_hi = select(0u, 1u, s < params.n_hi) + select(0u, 1u, t_lo < s);
    // REDC(t): 0 < t2 <= x + 1, and x | n exactly when t2 == x.
    let q2 = t_lo * neg;
    let t2 = t_hi + mul_hi(q2, x) + select(0u, 1u, t_lo != 0u);
    return t2 == x;
}

// Candidate `i` of the scan, or 0 where there is none (past 2^32).
fn candidate(i: u32) -> u32 {
    if (params.wheel == 0u) {
        return params.lo + 2u * i;
    }
    var residues = array<u32, 8>(1u, 7u, 11u, 13u, 17u, 19u, 23u, 29u);
    let turn = params.base + i / 8u;
    if (turn > LAST_TURN) {
        return 0u;
    }
    let b = 30u * turn;
    let x = b + residues[i % 8u];
    return select(x, 0u, x < b);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let start = (gid.x + gid.y * params.row) * PER_INVOCATION;
    // Read once: the best factor only falls, so a stale value costs at most 16 candidates.
    let known = atomicLoad(&best);
    for (var k = 0u; k < PER_INVOCATION; k++) {
        let i = start + k;
        if (i >= params.count) {
            return;
        }
        let x = candidate(params.first + i);
        if (x < params.lo || x > params.hi) {
            continue;
        }
        if (x >= known) {
            return;
        }
        if (divides(x)) {
            atomicMin(&best, x);
            return;
        }
    }
}
