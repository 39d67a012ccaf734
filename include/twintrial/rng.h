/* rng.h — PCG32 streams, keyed substreams and the distributions twins are drawn from.
 *
 * Plain C (no MPI, no PETSc): every function is pure apart from advancing the
 * generator it is given, so it is thread-safe per generator and never collective.
 * Determinism contract: a draw depends only on the generator's state, never on
 * time, rank or call order elsewhere. Every sampler consumes a documented number
 * of 32-bit outputs where it can (inverse-CDF methods), so common random numbers
 * survive a change of parameters between arms.
 */
#ifndef TWINTRIAL_RNG_H
#define TWINTRIAL_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PCG32 (XSH-RR 64/32) by O'Neill: 64-bit LCG state, odd increment picks the stream. */
typedef struct {
  uint64_t state;
  uint64_t inc;
} tt_pcg32;

/* Purposes of keyed substreams (the last key of tt_rng_substream). Values are
 * part of the determinism contract: never renumber, only append. */
enum {
  TT_STREAM_COHORT        = 1,   /* baseline covariates and screening */
  TT_STREAM_LATENT        = 2,   /* random effects (between-subject variability) */
  TT_STREAM_DROPOUT       = 3,   /* dropout time */
  TT_STREAM_PROGNOSIS     = 4,   /* noise added to the prognostic score */
  TT_STREAM_RANDOMIZE     = 5,   /* randomization lists: keyed (seed, replicate, stratum, block) */
  TT_STREAM_ENTRY         = 6,   /* calendar time of enrolment */
  TT_STREAM_EVENTS        = 7,   /* model events (death, relapses), re-seeded identically for every arm */
  TT_STREAM_EXPOSURE      = 8,   /* individual clearance of the exposure-response link */
  TT_STREAM_CALIBRATION   = 9,   /* bootstrap resamples of a calibration cohort: keyed (seed, replicate, arm) */
  TT_STREAM_DROPOUT_EXTRA = 10,  /* an arm's extra_dropout (an additional cause of withdrawal) */
  TT_STREAM_FORECAST      = 11,  /* a personalised twin's posterior and residual draws: keyed (seed, patient, 0) */
  TT_STREAM_GUIDE         = 12,  /* a guided arm's forecast draws: + 256 decision + 4096 arm */
  TT_STREAM_IMPUTE        = 13,  /* multiple imputation: keyed (seed, replicate, analysis << 32 | imputation) */
  TT_STREAM_DISCONTINUE   = 14,  /* treatment discontinuation: its time, then whether the twin withdraws then */
  TT_STREAM_MISSED        = 15,  /* missed visits: one uniform per post-baseline visit, in visit order */
  TT_STREAM_RUN_IN        = 128, /* a guided arm's run-in residuals: TT_STREAM_RUN_IN + run-in visit index */
  TT_STREAM_RESIDUAL      = 64   /* residual error: TT_STREAM_RESIDUAL + visit index */
};

/* pcg32_srandom_r: identical to the reference (initstate, initseq). */
void tt_pcg32_seed(tt_pcg32 *rng, uint64_t initstate, uint64_t initseq);
/* pcg32_random_r: next 32-bit output. */
uint32_t tt_pcg32_next(tt_pcg32 *rng);
/* Advance by delta steps in O(log delta) (pcg32_advance_r). */
void tt_pcg32_advance(tt_pcg32 *rng, uint64_t delta);

/* Seeds rng with a stream keyed by (seed, a, b, purpose): the four keys are mixed
 * (SplitMix64 finalizer chain) into both the initial state and the stream selector,
 * so distinct keys give statistically independent streams. */
void tt_rng_substream(tt_pcg32 *rng, uint64_t seed, uint64_t a, uint64_t b, uint64_t purpose);

/* Uniform on the open interval (0,1): (j + 1/2) 2^-52 with j 52 random bits, i.e. an
 * odd multiple of 2^-53 (53-bit resolution, symmetric: 1 - u is exact and equally
 * likely; extremes 2^-53 and 1 - 2^-53). Consumes two outputs. */
double tt_rng_uniform(tt_pcg32 *rng);
/* Standard normal by inversion (tt_stats_qnorm): consumes one uniform. */
double tt_rng_normal(tt_pcg32 *rng);
double tt_rng_lognormal(tt_pcg32 *rng, double meanlog, double sdlog);
/* Gamma(shape, scale) by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)). */
double tt_rng_gamma(tt_pcg32 *rng, double shape, double scale);
/* Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
double tt_rng_beta(tt_pcg32 *rng, double a, double b);
/* Weibull with S(t) = exp(-(t/scale)^shape), by inversion: one uniform. */
double tt_rng_weibull(tt_pcg32 *rng, double shape, double scale);
/* 1 with probability p, else 0: one uniform. */
int tt_rng_bernoulli(tt_pcg32 *rng, double p);
/* Index k in [0,n) with probability p[k] / sum(p): one uniform. */
int tt_rng_categorical(tt_pcg32 *rng, int n, const double p[]);
/* Normal(mean, sd) truncated to [lo, hi] (either may be +-INFINITY), by inversion: one uniform. */
double tt_rng_truncnormal(tt_pcg32 *rng, double mean, double sd, double lo, double hi);
/* Shuffles perm[0..n) in place into a uniform permutation of its contents (Fisher–Yates,
 * unbiased bounded integers by Lemire's method; consumes at least n - 1 outputs). */
void tt_rng_shuffle(tt_pcg32 *rng, int n, int perm[]);

/* Lower Cholesky factor L (row-major n*n) of the symmetric matrix a. Returns 0, or
 * 1 + the failing row when a is not positive definite. */
int tt_rng_cholesky(int n, const double a[], double L[]);
/* x = mean + L z with z standard normal (n draws). L from tt_rng_cholesky. */
void tt_rng_mvnormal(tt_pcg32 *rng, int n, const double mean[], const double L[], double x[]);

#ifdef __cplusplus
}
#endif
#endif
