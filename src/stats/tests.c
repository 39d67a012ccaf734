/* tests.c — two-sample tests and the shared t-based result (p-value, CI, decision).
 *
 * Owns: tt_stats_t_result, tt_stats_welch.
 * Invariants (stats.h conventions): estimate = treatment - control; p-values are
 * two-sided 2 P(T <= -|t|), or one-sided P(T <= t) (direction -1) / P(T >= t)
 * (direction +1), each computed as a lower tail so small p keep full precision;
 * the CI is two-sided at level 1 - alpha (sided 2) or 1 - 2 alpha (sided 1);
 * reject = p < alpha. On error res holds NaNs, reject 0 and n_analysed 0.
 */
#include <math.h>

#include "twintrial/stats.h"

static void result_clear(tt_stats_result *res)
{
  res->estimate = res->std_error = res->ci_lower = res->ci_upper = NAN;
  res->statistic = res->df = res->p_value = NAN;
  res->reject                             = 0;
  res->n_analysed                         = 0;
}

static int spec_valid(tt_stats_test_spec spec)
{
  if (!(spec.alpha > 0.0 && spec.alpha < (spec.sided == 1 ? 0.5 : 1.0))) return 0;
  if (spec.sided == 2) return 1;
  return spec.sided == 1 && (spec.direction == -1 || spec.direction == 1);
}

static double p_value(double t, double df, tt_stats_test_spec spec)
{
  if (spec.sided == 2) return fmin(1.0, 2.0 * tt_stats_pt(-fabs(t), df));
  return spec.direction < 0 ? tt_stats_pt(t, df) : tt_stats_pt(-t, df);
}

int tt_stats_t_result(double estimate, double std_error, double df, tt_stats_test_spec spec, tt_stats_result *res)
{
  result_clear(res);
  if (!spec_valid(spec) || !isfinite(estimate) || !(std_error >= 0.0) || !(df > 0.0)) return TT_STATS_EDOMAIN;
  if (std_error == 0.0) return TT_STATS_ENOVAR;
  double t       = estimate / std_error;
  double tail    = spec.sided == 2 ? 0.5 * spec.alpha : spec.alpha; /* CI level 1 - 2 tail */
  double q       = -tt_stats_qt(tail, df);                          /* upper quantile, via the lower tail */
  res->estimate  = estimate;
  res->std_error = std_error;
  res->statistic = t;
  res->df        = df;
  res->p_value   = p_value(t, df, spec);
  res->ci_lower  = estimate - q * std_error;
  res->ci_upper  = estimate + q * std_error;
  res->reject    = res->p_value < spec.alpha;
  return TT_STATS_OK;
}

/* Sample mean and variance (two-pass, n - 1 denominator); n >= 2. */
static void mean_var(int n, const double y[], double *mean, double *var)
{
  double s = 0.0;
  for (int i = 0; i < n; i++) s += y[i];
  double m = s / n, ss = 0.0, c = 0.0;
  for (int i = 0; i < n; i++) {
    double d = y[i] - m;
    ss += d * d;
    c += d;
  }
  *mean = m + c / n; /* first-order correction of the rounding in m */
  *var  = (ss - c * c / n) / (n - 1);
}

static int finite_all(int n, const double y[])
{
  for (int i = 0; i < n; i++)
    if (!isfinite(y[i])) return 0;
  return 1;
}

int tt_stats_welch(int n0, const double y0[], int n1, const double y1[], tt_stats_test_spec spec, tt_stats_result *res)
{
  result_clear(res);
  if (n0 < 2 || n1 < 2) return TT_STATS_ETOOFEW;
  if (!finite_all(n0, y0) || !finite_all(n1, y1)) return TT_STATS_EDOMAIN;
  double m0, v0, m1, v1;
  mean_var(n0, y0, &m0, &v0);
  mean_var(n1, y1, &m1, &v1);
  double w0 = v0 / n0, w1 = v1 / n1, w = w0 + w1;
  double df  = w * w / (w0 * w0 / (n0 - 1) + w1 * w1 / (n1 - 1)); /* Welch-Satterthwaite */
  int    err = tt_stats_t_result(m1 - m0, sqrt(w), w > 0.0 ? df : 1.0, spec, res);
  if (err) return err;
  res->n_analysed = n0 + n1;
  return TT_STATS_OK;
}
