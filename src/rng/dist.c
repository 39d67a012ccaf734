/* dist.c — the distributions twins are drawn from, plus Cholesky and MVN.
 *
 * Owns: tt_rng_normal, lognormal, gamma, beta, weibull, bernoulli, categorical,
 * truncnormal, tt_rng_cholesky, tt_rng_mvnormal.
 * Invariants: every inverse-CDF sampler (normal, lognormal, weibull, bernoulli,
 * categorical, truncnormal) consumes exactly one tt_rng_uniform (two outputs)
 * even for invalid parameters, and its result is non-decreasing in that uniform,
 * so common random numbers stay aligned and ordered across arms. Gamma and beta
 * use rejection and consume a variable number. Invalid parameters give NAN (or
 * -1 for categorical); nothing aborts or allocates.
 */
#include <math.h>

#include "twintrial/rng.h"
#include "twintrial/stats.h"

double tt_rng_normal(tt_pcg32 *rng)
{
  return tt_stats_qnorm(tt_rng_uniform(rng));
}

double tt_rng_lognormal(tt_pcg32 *rng, double meanlog, double sdlog)
{
  double z = tt_rng_normal(rng);
  if (!(sdlog >= 0.0)) return NAN;
  return exp(meanlog + sdlog * z);
}

/* log of a Gamma(shape, 1) draw, shape >= 1 (Marsaglia & Tsang 2000). */
static double log_gamma_mt(tt_pcg32 *rng, double shape)
{
  const double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x = tt_rng_normal(rng), v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v         = v * v * v;
    double u  = tt_rng_uniform(rng);
    double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return log(d * v);
    if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) return log(d * v);
  }
}

/* log of a Gamma(shape, 1) draw for any shape > 0. For shape < 1 the boost
 * G(shape) = G(shape + 1) U^(1/shape) is applied in log space (draw G first,
 * then U), so tiny shapes do not underflow before beta normalizes them. */
static double log_gamma_draw(tt_pcg32 *rng, double shape)
{
  if (shape >= 1.0) return log_gamma_mt(rng, shape);
  double lg = log_gamma_mt(rng, shape + 1.0);
  return lg + log(tt_rng_uniform(rng)) / shape;
}

double tt_rng_gamma(tt_pcg32 *rng, double shape, double scale)
{
  if (!(shape > 0.0 && scale > 0.0) || isinf(shape)) return NAN;
  return scale * exp(log_gamma_draw(rng, shape));
}

/* X/(X+Y) = 1/(1 + exp(log Y - log X)): stable even when both gammas underflow. */
double tt_rng_beta(tt_pcg32 *rng, double a, double b)
{
  if (!(a > 0.0 && b > 0.0) || isinf(a) || isinf(b)) return NAN;
  double lx = log_gamma_draw(rng, a);
  double ly = log_gamma_draw(rng, b);
  return 1.0 / (1.0 + exp(ly - lx));
}

/* F(t) = 1 - exp(-(t/scale)^shape) inverted at u; 1 - u is exact (see uniform). */
double tt_rng_weibull(tt_pcg32 *rng, double shape, double scale)
{
  double u = tt_rng_uniform(rng);
  if (!(shape > 0.0 && scale > 0.0)) return NAN;
  return scale * pow(-log1p(-u), 1.0 / shape);
}

int tt_rng_bernoulli(tt_pcg32 *rng, double p)
{
  return tt_rng_uniform(rng) < p;
}

/* Weights must be finite and >= 0 with a positive sum, else -1. Categories of
 * zero weight are never returned. */
int tt_rng_categorical(tt_pcg32 *rng, int n, const double p[])
{
  double u = tt_rng_uniform(rng), total = 0.0;
  for (int k = 0; k < n; k++) {
    if (!(p[k] >= 0.0) || isinf(p[k])) return -1;
    total += p[k];
  }
  if (!(total > 0.0)) return -1;
  double target = u * total, cum = 0.0;
  int    last = -1;
  for (int k = 0; k < n; k++) {
    if (p[k] == 0.0) continue;
    cum += p[k];
    last = k;
    if (target < cum) return k;
  }
  return last; /* rounding left target >= the summed total */
}

/* Mills ratio M(t) = Q(t)/phi(t) for t >= 30 by Laplace's continued fraction: 8 levels
 * already reach full double precision there; 12 for margin. */
static double mills(double t)
{
  double f = t;
  for (int k = 12; k >= 1; k--) f = t + k / f;
  return 1.0 / f;
}

/* Far lower tail, b <= TAIL_B: log Phi(b - y) - log Phi(b) for y >= 0. */
static double tail_logratio(double b, double y)
{
  if (isinf(y)) return -INFINITY;
  return b * y - 0.5 * y * y + log(mills(y - b) / mills(-b));
}

static const double TAIL_B = -30.0;

/* Standard normal truncated to [a, b] with b <= TAIL_B (Phi(b) < 5e-198, underflowing past -37.5):
 * solve Phi(x) = Phi(a) + v (Phi(b) - Phi(a)) for y = b - x by Newton on the
 * log ratio, whose derivative in y is -1/M(y - b). */
static double truncnorm_far(double v, double a, double b)
{
  double ymax = b - a, ra = exp(tail_logratio(b, ymax));
  double L = log(ra + v * (1.0 - ra));
  double y = fmin(L / b, ymax); /* log ratio ~ b y */
  for (int it = 0; it < 50; it++) {
    double step = (tail_logratio(b, y) - L) * mills(y - b);
    double ny   = fmin(fmax(y + step, 0.0), ymax);
    if (fabs(ny - y) <= 1e-16 * (y - b)) {
      y = ny;
      break;
    }
    y = ny;
  }
  return b - y;
}

/* Standard normal on [a, b] with v in (0,1), non-decreasing in v. Intervals in
 * the right half are reflected so Phi is only evaluated where its relative
 * precision is full (the lower tail). */
static double truncnorm_std(double v, double a, double b)
{
  if (a > -b) return -truncnorm_std(1.0 - v, -b, -a);
  if (b <= TAIL_B) return truncnorm_far(v, a, b);
  double pa = tt_stats_pnorm(a), pb = tt_stats_pnorm(b);
  return tt_stats_qnorm(pa + v * (pb - pa));
}

double tt_rng_truncnormal(tt_pcg32 *rng, double mean, double sd, double lo, double hi)
{
  double u = tt_rng_uniform(rng);
  if (isnan(mean) || isnan(lo) || isnan(hi) || !(sd >= 0.0) || isinf(sd) || isinf(mean) || lo > hi) return NAN;
  if (sd == 0.0 || lo == hi) return fmin(fmax(mean, lo), hi);
  double x = mean + sd * truncnorm_std(u, (lo - mean) / sd, (hi - mean) / sd);
  return fmin(fmax(x, lo), hi);
}

int tt_rng_cholesky(int n, const double a[], double L[])
{
  for (int i = 0; i < n; i++) {
    for (int j = 0; j <= i; j++) {
      double s = a[i * n + j];
      for (int k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (j < i) {
        L[i * n + j] = s / L[j * n + j];
      } else {
        if (!(s > 0.0)) return i + 1;
        L[i * n + i] = sqrt(s);
      }
    }
    for (int j = i + 1; j < n; j++) L[i * n + j] = 0.0;
  }
  return 0;
}

/* In place: z is drawn into x, then x_i = mean_i + sum_{k<=i} L_ik z_k from the
 * last row up, so each row reads only the z's not yet overwritten. mean may be
 * NULL (zero mean). Consumes n uniforms. */
void tt_rng_mvnormal(tt_pcg32 *rng, int n, const double mean[], const double L[], double x[])
{
  for (int i = 0; i < n; i++) x[i] = tt_rng_normal(rng);
  for (int i = n - 1; i >= 0; i--) {
    double s = mean ? mean[i] : 0.0;
    for (int k = 0; k <= i; k++) s += L[i * n + k] * x[k];
    x[i] = s;
  }
}
