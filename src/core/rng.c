/* rng.c: xoshiro256** (Blackman & Vigna 2018) with splitmix64 seeding.
 * Box-Muller for normals: slower than a ziggurat, but short and exact enough here. */
#include "rng.h"
#include "vmath.h"

#include <assert.h>
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void rng_seed(Rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_next(Rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(Rng *rng) { return (double)(rng_next(rng) >> 11) * 0x1.0p-53; }

double rng_uniform_range(Rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(rng);
}

double rng_normal(Rng *rng)
{
    double u1 = 1.0 - rng_uniform(rng); /* (0, 1]: log never sees zero */
    double u2 = rng_uniform(rng);
    return sqrt(-2.0 * rl_log(u1)) * rl_cos(2.0 * M_PI * u2);
}

int rng_int(Rng *rng, int n)
{
    assert(n > 0);
    /* Lemire's multiply-shift; the bias for n < 2^16 is below 2^-48. */
    return (int)(((rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}
