// Random squaring, bit-identical to numpy's legacy `seed(s); randint(0, 10)`: MT19937's
// init_genrand(s), then 32-bit outputs masked with 15 until one is <= 9. One invocation draws
// for 8 consecutive seeds and packs the 8 draws (4 bits each) into one word: the host squares
// them, so only half a byte per seed crosses the bus.
//
// Short path: the k-th output (k < 227) needs only the init words k, k+1 and k+397, so three
// running values of the init chain replace the 624-word state. A seed that rejects `short_draws`
// draws in a row (never seen below 227; (6/16)^227 is about 1e-97) takes the full generator.

struct Params {
    start: u32,       // first seed of this dispatch
    count: u32,       // seeds in this dispatch
    short_draws: u32, // draws tried on the short path (at most 227; 0 = always the full generator)
    row: u32,         // invocations per row of the 2-D dispatch
    listed: u32,      // 1: seed i is seeds[i]; 0: seed i is start + i
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> packed: array<u32>;
@group(0) @binding(2) var<storage, read> seeds: array<u32>;

const UPPER: u32 = 0x80000000u;
const LOWER: u32 = 0x7fffffffu;
const MATRIX_A: u32 = 0x9908b0dfu;
const REJECTED: u32 = 16u;

// init_genrand: mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i (mod 2^32).
fn init_step(prev: u32, i: u32) -> u32 {
    return 1812433253u * (prev ^ (prev >> 30u)) + i;
}

// The new state word from mt[k], mt[k+1] and mt[k+397].
fn twist(a: u32, b: u32, c: u32) -> u32 {
    let y = (a & UPPER) | (b & LOWER);
    return c ^ (y >> 1u) ^ select(0u, MATRIX_A, (y & 1u) == 1u);
}

fn temper(word: u32) -> u32 {
    var y = word;
    y ^= y >> 11u;
    y ^= (y << 7u) & 0x9d2c5680u;
    y ^= (y << 15u) & 0xefc60000u;
    y ^= y >> 18u;
    return y;
}

// The draw from the first `short_draws` outputs, or REJECTED.
fn draw_short(seed: u32) -> u32 {
    var a = seed;               // mt[k]
    var b = init_step(a, 1u);   // mt[k + 1]
    var c = b;                  // mt[k + 397]
    for (var i = 2u; i <= 397u; i++) {
        c = init_step(c, i);
    }
    for (var k = 0u; k < params.short_draws; k++) {
        let v = temper(twist(a, b, c)) & 15u;
        if (v <= 9u) {
            return v;
        }
        a = b;
        b = init_step(b, k + 2u);
        c = init_step(c, k + 398u);
    }
    return REJECTED;
}

// The draw from the whole generator: the 624-word state, twisted in place as genrand does.
fn draw_full(seed: u32) -> u32 {
    var mt: array<u32, 624>;
    mt[0] = seed;
    for (var i = 1u; i < 624u; i++) {
        mt[i] = init_step(mt[i - 1u], i);
    }
    loop {
        for (var k = 0u; k < 624u; k++) {
            mt[k] = twist(mt[k], mt[(k + 1u) % 624u], mt[(k + 397u) % 624u]);
        }
        for (var k = 0u; k < 624u; k++) {
            let v = temper(mt[k]) & 15u;
            if (v <= 9u) {
                return v;
            }
        }
    }
    return REJECTED; // not reached: MT19937's outputs are not all >= 10 after masking
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let word = gid.x + gid.y * params.row;
    let first = word * 8u;
    if (first >= params.count) {
        return;
    }
    var bits = 0u;
    for (var j = 0u; j < 8u; j++) {
        if (first + j >= params.count) {
            break;
        }
        var seed = params.start + first + j; // wraps past 2^32 - 1, as the CPU kernel does
        if (params.listed == 1u) {
            seed = seeds[first + j];
        }
        var v = draw_short(seed);
        if (v == REJECTED) {
            v = draw_full(seed);
        }
        bits |= v << (4u * j);
    }
    packed[word] = bits;
}
