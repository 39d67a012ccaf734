/* ml_family.c — the observation families of model files beyond the normal ones: the draw
 * a generated `observe` makes and the log density a generated `log_density` returns, from
 * one definition (MLFamily, mlimpl.h), for a model value m:
 *   beta (q = {tau, lo, hi}): mu = (m - lo) / (hi - lo) clamped to [1e-6, 1 - 1e-6];
 *     y = lo + (hi - lo) X, X ~ Beta(mu tau, (1 - mu) tau) (tt_rng_beta), as
 *     src/model/alzheimers_adas.c draws its 0-70 score (bit for bit with lo 0, hi 70);
 *     density dbeta((y - lo) / (hi - lo)) / (hi - lo).
 *   poisson: y ~ Poisson(max(m, 0)); negative_binomial (q[0] = k): y ~ NB with mean
 *     max(m, 0), size 1/k, variance m + k m^2 (R's dnbinom(y, size = 1/k, mu = m)).
 *     Drawn by inversion of the distribution function with one uniform (so arms keep
 *     common random numbers), searching from floor(m) with the distribution function
 *     there (Poisson: sums of ratios of probabilities, no cancellation; negative
 *     binomial: tt_stats_pbeta, P(N <= x) = I_p(1/k, x + 1), p = 1 / (1 + k m)) and the
 *     probabilities step by step.
 * Censored (below): log P(Y < value). Counts that are not whole numbers >= 0 are
 * impossible (-INFINITY). NaN in gives NaN. Plain C: no allocation, no I/O.
 */
#include <math.h>
#include <twintrial/stats.h>
#include "modellang/mlimpl.h"
#include "modellang/mlload.h"
#include <twintrial/rng.h>

static double Clamp(double x, double lo, double hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

/* log P(N = x) of the negative binomial of mean mu, size r (x whole, >= 0). */
static double LdNegbin(double x, double mu, double r)
{
  if (mu == 0.0) return x == 0.0 ? 0.0 : -INFINITY;
  return tt_stats_lgamma(x + r) - tt_stats_lgamma(r) - tt_stats_lgamma(x + 1.0) - r * log1p(mu / r) +
         x * (log(mu) - log(r + mu));
}

/* log P(N <= x) of the Poisson of mean mu > 0, x whole >= 0, without cancellation: below
 * the mean P(N = x) times the sum of the ratios P(N = j) / P(N = x), j <= x (decreasing
 * once j < mu); above it log(1 - P(N > x)), the upper tail's terms decreasing. */
static double LogPoissonCdf(double x, double mu)
{
  double rel = 1.0, sum = 1.0;
  if (x >= mu) {
    double term = exp(tt_stats_ldpois(x + 1.0, mu)), up = term;
    for (double j = x + 2.0; term > 1e-17 * up; j += 1.0) term *= mu / j, up += term;
    return log1p(-up);
  }
  for (double j = x; j >= 1.0; j -= 1.0) {
    rel *= j / mu, sum += rel;
    if (rel < 1e-17 * sum) break;
  }
  return tt_stats_ldpois(x, mu) + log(sum);
}

/* P(N <= x), x whole >= 0. */
static double Cdf(MLFamily f, double x, double mu, double r)
{
  if (mu == 0.0) return 1.0;
  return f == MR_POISSON ? exp(LogPoissonCdf(x, mu)) : tt_stats_pbeta(r / (r + mu), r, x + 1.0);
}

static double Pmf(MLFamily f, double x, double mu, double r)
{
  return exp(f == MR_POISSON ? tt_stats_ldpois(x, mu) : LdNegbin(x, mu, r));
}

/* The smallest whole x with P(N <= x) >= u, searching from floor(mu). */
static double Invert(MLFamily f, double u, double mu, double r)
{
  double x = floor(mu), F = Cdf(f, x, mu, r), p = Pmf(f, x, mu, r);
  if (u <= F) {
    while (x > 0.0 && u <= F - p && p > 0.0) F -= p, x -= 1.0, p = Pmf(f, x, mu, r);
    return x;
  }
  while (u > F) {
    x += 1.0, p = Pmf(f, x, mu, r);
    if (!(p > 0.0)) break; /* the rest of the tail underflows */
    F += p;
  }
  return x;
}

double MLFamilyDraw(int family, const double *q, double m, tt_pcg32 *rng)
{
  MLFamily f = (MLFamily) family;
  if (isnan(m)) return NAN;
  if (f == MR_BETA) {
    double mu = Clamp((m - q[1]) / (q[2] - q[1]), 1e-6, 1.0 - 1e-6);
    return q[1] + (q[2] - q[1]) * tt_rng_beta(rng, mu * q[0], (1.0 - mu) * q[0]);
  }
  return Invert(f, tt_rng_uniform(rng), fmax(m, 0.0), f == MR_NEGBIN ? 1.0 / q[0] : 0.0);
}

double MLFamilyLogDensity(int family, const double *q, const void *obs)
{
  const TTObservation *o = (const TTObservation *) obs;
  MLFamily             f = (MLFamily) family;
  double               v = o->value, m;
  if (isnan(o->mean) || isnan(v)) return NAN;
  if (f == MR_BETA) {
    double mu = Clamp((o->mean - q[1]) / (q[2] - q[1]), 1e-6, 1.0 - 1e-6), x = (v - q[1]) / (q[2] - q[1]);
    if (o->below) return log(tt_stats_pbeta(Clamp(x, 0.0, 1.0), mu * q[0], (1.0 - mu) * q[0]));
    return tt_stats_ldbeta(x, mu * q[0], (1.0 - mu) * q[0]) - log(q[2] - q[1]);
  }
  m = fmax(o->mean, 0.0);
  if (o->below) { /* P(N < v) = P(N <= ceil(v) - 1) */
    double c = ceil(v) - 1.0;
    if (c < 0.0) return -INFINITY;
    if (isinf(c) || m == 0.0) return 0.0;
    return f == MR_POISSON ? LogPoissonCdf(c, m) : log(Cdf(f, c, m, 1.0 / q[0]));
  }
  if (v < 0.0 || v != floor(v) || isinf(v)) return -INFINITY;
  return f == MR_POISSON ? tt_stats_ldpois(v, m) : LdNegbin(v, m, 1.0 / q[0]);
}
