/* parlab's C reference kernels, compiled and run by `parlab bench --c` (src/bench/c_reference.rs).
 *
 *   c_reference squares COUNT   per seed s in 0..COUNT: numpy's legacy seed(s); randint(0, 10)**2
 *                               (MT19937 init_genrand, the first full twist, masked rejection);
 *                               prints "SECONDS SUM" (the sum of the squares)
 *   c_reference prime N         plain trial division of N by 3, 5, 7, ... <= isqrt(N) (one `%`
 *                               each); prints "SECONDS FACTOR" (0 when N is prime)
 *
 * One core, no SIMD intrinsics: what numpy's C and a textbook loop do, timed with CLOCK_MONOTONIC.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MT_N 624
#define MT_M 397

static uint32_t mt[MT_N];
static int mti;

static void init_genrand(uint32_t s) {
    mt[0] = s;
    for (int i = 1; i < MT_N; i++)
        mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint32_t)i;
    mti = MT_N;
}

static uint32_t genrand_int32(void) {
    static const uint32_t mag01[2] = {0u, 0x9908b0dfu};
    uint32_t y;
    if (mti >= MT_N) {
        int k;
        for (k = 0; k < MT_N - MT_M; k++) {
            y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
            mt[k] = mt[k + MT_M] ^ (y >> 1) ^ mag01[y & 1];
        }
        for (; k < MT_N - 1; k++) {
            y = (mt[k] & 0x80000000u) | (mt[k + 1] & 0x7fffffffu);
            mt[k] = mt[k + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1];
        }
        y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
        mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
        mti = 0;
    }
    y = mt[mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s squares COUNT | prime N\n", argv[0]);
        return 2;
    }
    uint64_t arg = strtoull(argv[2], NULL, 10);
    double t0 = now();
    uint64_t answer = 0;
    if (strcmp(argv[1], "squares") == 0) {
        for (uint64_t s = 0; s < arg; s++) {
            init_genrand((uint32_t)s);
            uint32_t v;
            do {
                v = genrand_int32() & 15u; /* numpy's masked rejection for randint(0, 10) */
            } while (v > 9);
            answer += v * v;
        }
    } else if (strcmp(argv[1], "prime") == 0) {
        uint64_t n = arg;
        for (uint64_t x = 3; x <= n / x; x += 2) {
            if (n % x == 0) {
                answer = x;
                break;
            }
        }
    } else {
        fprintf(stderr, "unknown kernel %s\n", argv[1]);
        return 2;
    }
    printf("%.9f %" PRIu64 "\n", now() - t0, answer);
    return 0;
}
