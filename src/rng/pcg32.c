/* pcg32.c — the PCG32 generator, keyed substreams, uniforms and shuffles.
 *
 * Owns: tt_pcg32_seed/next/advance (O'Neill's pcg32_srandom_r, pcg32_random_r,
 * pcg32_advance_r: XSH-RR output of a 64-bit LCG, output taken from the old
 * state), tt_rng_substream, tt_rng_uniform, tt_rng_shuffle.
 * Invariants: bit-identical to the reference pcg32 for every (initstate,
 * initseq); the substream key mixing and the uniform's bit layout are part of
 * the determinism contract and must never change; tt_rng_uniform consumes
 * exactly two outputs and never returns 0 or 1.
 */
#include "twintrial/rng.h"

static const uint64_t PCG_MULT = 6364136223846793005ULL;

static void pcg_step(tt_pcg32 *rng)
{
  rng->state = rng->state * PCG_MULT + rng->inc;
}

void tt_pcg32_seed(tt_pcg32 *rng, uint64_t initstate, uint64_t initseq)
{
  rng->state = 0U;
  rng->inc   = (initseq << 1u) | 1u;
  pcg_step(rng);
  rng->state += initstate;
  pcg_step(rng);
}

uint32_t tt_pcg32_next(tt_pcg32 *rng)
{
  uint64_t old = rng->state;
  pcg_step(rng);
  uint32_t xorshifted = (uint32_t) (((old >> 18u) ^ old) >> 27u);
  uint32_t rot        = (uint32_t) (old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* Brown's jump-ahead for an LCG: (mult, plus)^delta by repeated squaring. */
void tt_pcg32_advance(tt_pcg32 *rng, uint64_t delta)
{
  uint64_t cur_mult = PCG_MULT, cur_plus = rng->inc;
  uint64_t acc_mult = 1u, acc_plus = 0u;
  while (delta > 0) {
    if (delta & 1u) {
      acc_mult *= cur_mult;
      acc_plus = acc_plus * cur_mult + cur_plus;
    }
    cur_plus = (cur_mult + 1u) * cur_plus;
    cur_mult *= cur_mult;
    delta >>= 1u;
  }
  rng->state = acc_mult * rng->state + acc_plus;
}

/* SplitMix64 finalizer (Stafford's variant 13). A bijection of 64-bit words. */
static uint64_t mix_splitmix(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* MurmurHash3 fmix64: a second, unrelated bijection for the stream selector. */
static uint64_t mix_murmur(uint64_t z)
{
  z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
  z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
  return z ^ (z >> 33);
}

/* Two independent chains over the keys: h <- mix(h + key + gamma_i). Each step is
 * a bijection in the key for a fixed prefix, so keys differing in one position
 * always give a different chain value. */
void tt_rng_substream(tt_pcg32 *rng, uint64_t seed, uint64_t a, uint64_t b, uint64_t purpose)
{
  static const uint64_t GOLDEN = 0x9e3779b97f4a7c15ULL;
  const uint64_t        key[4] = {seed, a, b, purpose};
  uint64_t              hs = 0x243f6a8885a308d3ULL, hq = 0x13198a2e03707344ULL; /* digits of pi */
  for (int i = 0; i < 4; i++) {
    hs = mix_splitmix(hs + key[i] + GOLDEN * (uint64_t) (i + 1));
    hq = mix_murmur(hq ^ (key[i] + GOLDEN * (uint64_t) (i + 5)));
  }
  tt_pcg32_seed(rng, hs, hq);
}

/* u = (j + 1/2) 2^-52 with j the top 26 bits of two outputs: the odd multiples of
 * 2^-53 in (0,1), all exact, so 1 - u is exact and lies on the same grid (inversion
 * samplers can reflect u without rounding). Smallest value 2^-53, largest 1 - 2^-53. */
double tt_rng_uniform(tt_pcg32 *rng)
{
  uint64_t hi = tt_pcg32_next(rng) >> 6;
  uint64_t lo = tt_pcg32_next(rng) >> 6;
  uint64_t j  = (hi << 26) | lo;
  return ((double) j + 0.5) * 0x1p-52;
}

/* Lemire's nearly divisionless bounded integer in [0, range), range >= 1: exact
 * (unbiased) by rejection of the short final interval. */
static uint32_t bounded(tt_pcg32 *rng, uint32_t range)
{
  uint64_t m = (uint64_t) tt_pcg32_next(rng) * range;
  uint32_t l = (uint32_t) m;
  if (l < range) {
    uint32_t t = (uint32_t) (-range) % range;
    while (l < t) {
      m = (uint64_t) tt_pcg32_next(rng) * range;
      l = (uint32_t) m;
    }
  }
  return (uint32_t) (m >> 32);
}

/* Fisher–Yates (Durstenfeld): position i swaps with a uniform j in [0, i]. */
void tt_rng_shuffle(tt_pcg32 *rng, int n, int perm[])
{
  for (int i = n - 1; i > 0; i--) {
    int j   = (int) bounded(rng, (uint32_t) i + 1u);
    int t   = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}
