/* binary_score.c — the risk difference with the Farrington-Manning score test and the
 * score confidence interval that inverts it.
 *
 * Owns: tt_stats_risk_diff_score. Farrington & Manning (1990, Stat Med 9:1447) test
 * H0: p1 - p0 = delta with z(delta) = (p1^ - p0^ - delta) / sqrt(p1~ q1~ / n1 + p0~ q0~ / n0),
 * where p0~, p1~ = p0~ + delta maximise the binomial likelihood under H0 (found here by
 * bisection on its derivative, which decreases in p0: the log-likelihood is concave).
 * The CI is {delta : |z(delta)| < z_crit} (the Miettinen & Nurminen 1985 interval
 * without their N/(N - 1) variance factor), so the test at a non-inferiority margin and
 * the CI always agree: reject exactly when the margin lies outside the interval (on
 * the side the test looks at). At delta = 0 the statistic is the pooled score z of
 * prop.test. Invariants as binary.c: NaNs and no rejection on error.
 */
#include <math.h>

#include "twintrial/stats.h"

/* Derivative of the log-likelihood in p0 along p1 = p0 + delta (terms of zero counts vanish). */
static double score_p0(int x0, int n0, int x1, int n1, double delta, double p0)
{
  double p1 = p0 + delta, g = 0.0;
  if (x0 > 0) g += x0 / p0;
  if (n0 - x0 > 0) g -= (n0 - x0) / (1.0 - p0);
  if (x1 > 0) g += x1 / p1;
  if (n1 - x1 > 0) g -= (n1 - x1) / (1.0 - p1);
  return g;
}

/* The restricted MLE p0~ under p1 - p0 = delta, delta in (-1, 1). */
static double restricted_p0(int x0, int n0, int x1, int n1, double delta)
{
  double lo = fmax(0.0, -delta), hi = fmin(1.0, 1.0 - delta);
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (score_p0(x0, n0, x1, n1, delta, mid) > 0.0)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* The Farrington-Manning statistic at delta; NaN when its variance is 0. */
static double fm_z(int x0, int n0, int x1, int n1, double delta)
{
  double p0 = restricted_p0(x0, n0, x1, n1, delta), p1 = p0 + delta;
  double v = p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0, d = (double) x1 / n1 - (double) x0 / n0;
  return v > 0.0 ? (d - delta) / sqrt(v) : NAN;
}

/* delta in (-1, 1) with z(delta) = target: z decreases from +inf to -inf over (-1, 1). */
static double invert(int x0, int n0, int x1, int n1, double target)
{
  double lo = -1.0, hi = 1.0;
  for (int it = 0; it < 200; it++) {
    double mid = 0.5 * (lo + hi), z;
    if (mid <= lo || mid >= hi) break;
    z = fm_z(x0, n0, x1, n1, mid);
    if (z > target)
      lo = mid;
    else
      hi = mid; /* also where z is NaN: only at the ends of a degenerate table */
  }
  return 0.5 * (lo + hi);
}

int tt_stats_risk_diff_score(int x0, int n0, int x1, int n1, double margin, tt_stats_test_spec spec,
                             tt_stats_result *res)
{
  double p0, p1, d, z, q;
  int    err;
  *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  if (n0 < 1 || n1 < 1) return TT_STATS_ETOOFEW;
  if (x0 < 0 || x0 > n0 || x1 < 0 || x1 > n1 || !(margin > -1.0 && margin < 1.0)) return TT_STATS_EDOMAIN;
  p0 = (double) x0 / n0, p1 = (double) x1 / n1, d = p1 - p0;
  z   = fm_z(x0, n0, x1, n1, margin);
  err = tt_stats_t_result(d - margin, 1.0, INFINITY, spec, res); /* validates spec */
  if (err) return err;
  if (!isfinite(z) || (margin == 0.0 && (x0 + x1 == 0 || x0 + x1 == n0 + n1))) {
    *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
    return TT_STATS_ESINGULAR; /* no events or only events, at margin 0 */
  }
  q              = -tt_stats_qnorm(spec.sided == 2 ? 0.5 * spec.alpha : spec.alpha);
  res->estimate  = d;
  res->std_error = sqrt(p0 * (1.0 - p0) / n0 + p1 * (1.0 - p1) / n1);
  res->statistic = z;
  res->df        = INFINITY;
  if (spec.sided == 2)
    res->p_value = fmin(1.0, 2.0 * tt_stats_pnorm(-fabs(z)));
  else
    res->p_value = spec.direction < 0 ? tt_stats_pnorm(z) : tt_stats_pnorm(-z);
  res->reject     = res->p_value < spec.alpha;
  res->ci_lower   = invert(x0, n0, x1, n1, q);
  res->ci_upper   = invert(x0, n0, x1, n1, -q);
  res->n_analysed = n0 + n1;
  return TT_STATS_OK;
}
