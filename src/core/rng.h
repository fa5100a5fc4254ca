/* rng.h: the random generator a run owns (xoshiro256**, seeded through splitmix64).
 * No global state: every draw names the generator it comes from, so one seed gives one
 * bit-identical run. Leaves out anything cryptographic. */
#ifndef RNNLAB_RNG_H
#define RNNLAB_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} Rng;

/* Seeds the generator; `stream` separates independent streams from one seed
 * (initialisation and data use different streams so they never share draws). */
void rng_seed(Rng *rng, uint64_t seed, uint64_t stream);
uint64_t rng_next(Rng *rng);
double rng_uniform(Rng *rng);                  /* [0, 1), 53 random bits */
double rng_uniform_range(Rng *rng, double lo, double hi);
double rng_normal(Rng *rng);                   /* N(0, 1), Box-Muller */
int rng_int(Rng *rng, int n);                  /* uniform on 0 .. n-1 */

#endif
