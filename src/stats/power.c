/* power.c — analytical power and sample size for the trial's standard tests.
 *
 * Owns: tt_stats_pnt, tt_stats_power_t, tt_stats_n_t, tt_stats_power_prop,
 * tt_stats_n_prop, tt_stats_schoenfeld_events, tt_stats_schoenfeld_power,
 * tt_stats_power_z (both tails for two-sided tests).
 * Invariants: the formulas are R's power.t.test / power.prop.test (stats 4.x),
 * including their one-tail default for two-sided tests (strict = 0); the effect
 * is oriented by spec (sided 2: |effect|; sided 1: direction * effect, so an effect
 * in the wrong direction has power below alpha). Sample sizes are per group and
 * solved to BISECT_RTOL relative (R's uniroot stops at about 1e-4: compare with R
 * run at tol = 1e-12). The noncentral t is Lenth's AS 243 series, as R's pnt.
 */
#include <math.h>

#include "twintrial/stats.h"

static const double BISECT_RTOL = 1e-13;
static const double PNT_ERRMAX  = 1e-12;
enum { PNT_ITRMAX = 1000 };

static int spec_ok(tt_stats_test_spec spec)
{
  if (spec.sided == 2) return spec.alpha > 0.0 && spec.alpha < 1.0;
  return spec.sided == 1 && spec.alpha > 0.0 && spec.alpha < 0.5 && (spec.direction == 1 || spec.direction == -1);
}

/* Effect in the direction the test rewards. */
static double oriented(double effect, tt_stats_test_spec spec)
{
  return spec.sided == 2 ? fabs(effect) : spec.direction * effect;
}

/* ------------------------------------------------------------ noncentral t */

/* AS 243 series for P(T <= t) with t >= 0 and noncentrality del:
 * Phi(-del) + sum_j p_j I_x(j + 1/2, df/2) + q_j I_x(j + 1, df/2), x = t^2/(t^2 + df),
 * p_j, q_j the Poisson-type weights of del^2/2, incomplete betas by recurrence. */
static double pnt_series(double t, double df, double del)
{
  double x = t * t / (t * t + df), tnc = 0.0;
  if (x > 0.0) {
    double lambda = del * del, p = 0.5 * exp(-0.5 * lambda);
    double q = sqrt(2.0 / acos(-1.0)) * p * del, s = 0.5 - p;
    if (s < 1e-7) s = -0.5 * expm1(-0.5 * lambda);
    double a = 0.5, b = 0.5 * df, rxb = pow(1.0 - x, b);
    double albeta = 0.5 * log(acos(-1.0)) + tt_stats_lgamma(b) - tt_stats_lgamma(0.5 + b);
    double xodd = tt_stats_pbeta(x, a, b), godd = 2.0 * rxb * exp(a * log(x) - albeta);
    double tb = b * x, xeven = tb < 2.220446049250313e-16 ? tb : 1.0 - rxb, geven = tb * rxb;
    tnc = p * xodd + q * xeven;
    for (int it = 1; it <= PNT_ITRMAX; it++) {
      a += 1.0;
      xodd -= godd;
      xeven -= geven;
      godd *= x * (a + b - 1.0) / a;
      geven *= x * (a + b - 0.5) / (a + 0.5);
      p *= lambda / (2 * it);
      q *= lambda / (2 * it + 1);
      tnc += p * xodd + q * xeven;
      s -= p;
      if (s < -1e-10 || (s <= 0.0 && it > 1)) break;
      if (fabs(2.0 * s * (xodd - godd)) < PNT_ERRMAX) break;
    }
  }
  return fmin(tnc + tt_stats_pnorm(-del), 1.0);
}

double tt_stats_pnt(double t, double df, double ncp)
{
  if (isnan(t) || isnan(ncp) || !(df > 0.0)) return NAN;
  if (ncp == 0.0) return tt_stats_pt(t, df);
  if (isinf(t)) return t < 0.0 ? 0.0 : 1.0;
  int    neg = t < 0.0;
  double tt = neg ? -t : t, del = neg ? -ncp : ncp;
  if (neg && ncp > 40.0) return 0.0;
  if (df > 4e5 || del * del > 2.0 * log(2.0) * 1021.0) { /* Abramowitz & Stegun 26.7.10 */
    double s = 1.0 / (4.0 * df), z = (tt * (1.0 - s) - del) / sqrt(1.0 + tt * tt * 2.0 * s);
    return neg ? tt_stats_pnorm(-z) : tt_stats_pnorm(z);
  }
  double lower = pnt_series(tt, df, del);
  return neg ? 1.0 - lower : lower; /* P(T <= t) = 1 - P(T' <= -t), T' with -ncp */
}

/* Upper tail P(T > t), computed as R does (1 - lower). */
static double pnt_upper(double t, double df, double ncp)
{
  return 1.0 - tt_stats_pnt(t, df, ncp);
}

/* ---------------------------------------------------------------- t test */

double tt_stats_power_t(double n, double delta, double sd, tt_stats_test_spec spec, int strict)
{
  if (!spec_ok(spec) || !(n >= 1.0) || !(sd > 0.0) || !isfinite(delta)) return NAN;
  double nu = fmax(1e-7, n - 1.0) * 2.0, ncp = sqrt(n / 2.0) * oriented(delta, spec) / sd;
  double qu = -tt_stats_qt(spec.alpha / spec.sided, nu); /* upper quantile via the lower tail */
  double pw = pnt_upper(qu, nu, ncp);
  if (strict && spec.sided == 2) pw += tt_stats_pnt(-qu, nu, ncp);
  return pw;
}

/* Smallest x in [lo, hi] with f(x) >= target for increasing f, by bisection. */
static int bisect_increasing(double (*f)(double, const void *), const void *ctx, double target, double lo, double hi,
                             double *x)
{
  if (!(f(hi, ctx) >= target)) return TT_STATS_EDOMAIN;
  if (f(lo, ctx) >= target) {
    *x = lo;
    return TT_STATS_OK;
  }
  while (hi - lo > BISECT_RTOL * hi) {
    double mid = 0.5 * (lo + hi);
    if (f(mid, ctx) >= target)
      hi = mid;
    else
      lo = mid;
  }
  *x = 0.5 * (lo + hi);
  return TT_STATS_OK;
}

typedef struct {
  double             a, b, c;
  tt_stats_test_spec spec;
  int                strict;
} power_args;

static double power_t_of_n(double n, const void *ctx)
{
  const power_args *p = ctx;
  return tt_stats_power_t(n, p->a, p->b, p->spec, p->strict);
}

int tt_stats_n_t(double power, double delta, double sd, tt_stats_test_spec spec, int strict, double *n)
{
  *n = NAN;
  if (!spec_ok(spec) || !(power > 0.0 && power < 1.0) || !(sd > 0.0) || !isfinite(delta)) return TT_STATS_EDOMAIN;
  power_args args = {delta, sd, 0.0, spec, strict};
  return bisect_increasing(power_t_of_n, &args, power, 2.0, 1e7, n); /* R's uniroot interval */
}

/* ------------------------------------------------------- two proportions */

double tt_stats_power_prop(double n, double p0, double p1, tt_stats_test_spec spec, int strict)
{
  if (!spec_ok(spec) || !(n > 0.0) || !(p0 > 0.0 && p0 < 1.0) || !(p1 > 0.0 && p1 < 1.0)) return NAN;
  double qu = -tt_stats_qnorm(spec.alpha / spec.sided), d = oriented(p1 - p0, spec);
  double pbar = 0.5 * (p0 + p1), s0 = qu * sqrt(2.0 * pbar * (1.0 - pbar)), s1 = sqrt(p0 * (1 - p0) + p1 * (1 - p1));
  double pw = tt_stats_pnorm((sqrt(n) * d - s0) / s1);
  if (strict && spec.sided == 2) pw += tt_stats_pnorm(-(sqrt(n) * d + s0) / s1);
  return pw;
}

static double power_prop_of_n(double n, const void *ctx)
{
  const power_args *p = ctx;
  return tt_stats_power_prop(n, p->a, p->b, p->spec, p->strict);
}

int tt_stats_n_prop(double power, double p0, double p1, tt_stats_test_spec spec, int strict, double *n)
{
  *n = NAN;
  if (!spec_ok(spec) || !(power > 0.0 && power < 1.0) || isnan(tt_stats_power_prop(1.0, p0, p1, spec, 0)))
    return TT_STATS_EDOMAIN;
  double d = oriented(p1 - p0, spec);
  if (!(d > 0.0)) return TT_STATS_EDOMAIN;
  double pbar = 0.5 * (p0 + p1), qu = -tt_stats_qnorm(spec.alpha / spec.sided);
  double s0 = qu * sqrt(2.0 * pbar * (1.0 - pbar)), s1 = sqrt(p0 * (1 - p0) + p1 * (1 - p1));
  double r = (s0 + tt_stats_qnorm(power) * s1) / d; /* closed form of the one-tail equation */
  if (!(strict && spec.sided == 2)) {
    *n = r * r;
    return TT_STATS_OK;
  }
  power_args args = {p0, p1, 0.0, spec, strict};
  return bisect_increasing(power_prop_of_n, &args, power, 1.0, 1e7, n); /* the other tail only lowers n */
}

/* ------------------------------------------------------------- Schoenfeld */

int tt_stats_schoenfeld_events(double hr, double power, double alloc, tt_stats_test_spec spec, double *events)
{
  *events = NAN;
  if (!spec_ok(spec) || !(hr > 0.0) || hr == 1.0 || !(power > 0.0 && power < 1.0) || !(alloc > 0.0 && alloc < 1.0))
    return TT_STATS_EDOMAIN;
  double lh = log(hr), za = -tt_stats_qnorm(spec.alpha / spec.sided), zb = tt_stats_qnorm(power);
  if (!(oriented(lh, spec) > 0.0)) return TT_STATS_EDOMAIN; /* one-sided: hr on the wrong side */
  *events = (za + zb) * (za + zb) / (alloc * (1.0 - alloc) * lh * lh);
  return TT_STATS_OK;
}

double tt_stats_power_z(double effect, double std_error, tt_stats_test_spec spec)
{
  if (!spec_ok(spec) || !isfinite(effect) || !(std_error > 0.0)) return NAN;
  double za = -tt_stats_qnorm(spec.alpha / spec.sided), shift = oriented(effect, spec) / std_error;
  return tt_stats_pnorm(shift - za) + (spec.sided == 2 ? tt_stats_pnorm(-shift - za) : 0.0);
}

double tt_stats_schoenfeld_power(double events, double hr, double alloc, tt_stats_test_spec spec)
{
  if (!spec_ok(spec) || !(events > 0.0) || !(hr > 0.0) || !(alloc > 0.0 && alloc < 1.0)) return NAN;
  double za = -tt_stats_qnorm(spec.alpha / spec.sided);
  return tt_stats_pnorm(sqrt(events * alloc * (1.0 - alloc)) * oriented(log(hr), spec) - za);
}
