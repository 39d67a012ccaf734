/* binary.c — analyses of a binary (responder) endpoint.
 *
 * Owns: tt_stats_risk_diff (Wald and Newcombe hybrid score CIs), tt_stats_logistic_or
 * (logistic regression on tt_stats_glm, counts.c), tt_stats_cmh (stratified
 * Cochran-Mantel-Haenszel test with the Mantel-Haenszel odds ratio).
 * Invariants: estimate = treatment - control on the risk scale, or the log odds
 * ratio treatment : control; CIs use z = Phi^-1(1 - alpha/2) (sided 2) or
 * Phi^-1(1 - alpha) (sided 1) like every result in stats; a test statistic that is
 * not estimate/SE (score z, CMH z) sets statistic and p_value itself, and reject is
 * always p_value < alpha. On error res holds NaNs, no rejection, n_analysed 0.
 */
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

static void result_clear(tt_stats_result *res)
{
  *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
}

/* Upper normal quantile used for the CI: level 1 - alpha (sided 2) or 1 - 2 alpha (sided 1). */
static double ci_z(tt_stats_test_spec spec)
{
  return -tt_stats_qnorm(spec.sided == 2 ? 0.5 * spec.alpha : spec.alpha);
}

/* Replace res's Wald statistic by z (a score or CMH statistic) and its p per spec. */
static void set_z_test(double z, tt_stats_test_spec spec, tt_stats_result *res)
{
  if (spec.sided == 2)
    res->p_value = fmin(1.0, 2.0 * tt_stats_pnorm(-fabs(z)));
  else
    res->p_value = spec.direction < 0 ? tt_stats_pnorm(z) : tt_stats_pnorm(-z);
  res->statistic = z;
  res->reject    = res->p_value < spec.alpha;
}

/* ------------------------------------------------------------ risk difference */

/* Wilson score interval for x/n at normal quantile z (prop.test, correct = FALSE). */
static void wilson(int x, int n, double z, double *lo, double *hi)
{
  double p = (double) x / n, z22n = z * z / (2.0 * n);
  double h = z * sqrt(p * (1.0 - p) / n + z22n / (2.0 * n));
  *lo      = x == 0 ? 0.0 : (p + z22n - h) / (1.0 + 2.0 * z22n);
  *hi      = x == n ? 1.0 : (p + z22n + h) / (1.0 + 2.0 * z22n);
}

/* Newcombe (1998) method 10 limits for p1 - p0 from the arms' Wilson intervals. */
static void newcombe(int x0, int n0, int x1, int n1, double z, double *lo, double *hi)
{
  double p0 = (double) x0 / n0, p1 = (double) x1 / n1, l0, u0, l1, u1;
  wilson(x0, n0, z, &l0, &u0);
  wilson(x1, n1, z, &l1, &u1);
  *lo = (p1 - p0) - sqrt((p1 - l1) * (p1 - l1) + (u0 - p0) * (u0 - p0));
  *hi = (p1 - p0) + sqrt((u1 - p1) * (u1 - p1) + (p0 - l0) * (p0 - l0));
}

int tt_stats_risk_diff(int x0, int n0, int x1, int n1, int method, tt_stats_test_spec spec, tt_stats_result *res)
{
  result_clear(res);
  if (n0 < 1 || n1 < 1) return TT_STATS_ETOOFEW;
  if (x0 < 0 || x0 > n0 || x1 < 0 || x1 > n1) return TT_STATS_EDOMAIN;
  if (method != TT_STATS_RD_WALD && method != TT_STATS_RD_NEWCOMBE) return TT_STATS_EDOMAIN;
  double p0 = (double) x0 / n0, p1 = (double) x1 / n1, d = p1 - p0;
  double se = sqrt(p0 * (1.0 - p0) / n0 + p1 * (1.0 - p1) / n1);
  if (method == TT_STATS_RD_WALD) {
    int err = tt_stats_t_result(d, se, INFINITY, spec, res);
    if (err) return err;
  } else {
    double pbar = (double) (x0 + x1) / (n0 + n1), se0 = sqrt(pbar * (1.0 - pbar) * (1.0 / n0 + 1.0 / n1));
    int    err = tt_stats_t_result(d, se0, INFINITY, spec, res); /* validates spec, se0 > 0 */
    if (err) return err;
    newcombe(x0, n0, x1, n1, ci_z(spec), &res->ci_lower, &res->ci_upper);
    res->std_error = se;
    set_z_test(d / se0, spec, res);
  }
  res->n_analysed = n0 + n1;
  return TT_STATS_OK;
}

/* ------------------------------------------------------ logistic regression */

int tt_stats_logistic_or(int n, const int y[], const int treat[], int ncov, const double cov[], tt_stats_test_spec spec,
                         tt_stats_result *res)
{
  result_clear(res);
  int p = 2 + ncov;
  if (n < 0 || ncov < 0 || (ncov > 0 && !cov)) return TT_STATS_EDOMAIN;
  if (n <= p) return TT_STATS_ETOOFEW;
  double *buf = malloc(((size_t) n * (p + 1) + 2 * (size_t) p) * sizeof(double));
  if (!buf) return TT_STATS_EDOMAIN;
  double *x = buf, *yd = x + (size_t) n * p, *beta = yd + n, *se = beta + p;
  int     err = TT_STATS_OK;
  for (int i = 0; i < n && !err; i++) {
    if ((treat[i] != 0 && treat[i] != 1) || (y[i] != 0 && y[i] != 1)) err = TT_STATS_EDOMAIN;
    x[i]     = 1.0;
    x[n + i] = treat[i];
    yd[i]    = y[i];
  }
  for (size_t i = 0; i < (size_t) n * ncov; i++) x[2 * (size_t) n + i] = cov[i];
  if (!err) err = tt_stats_glm(n, p, x, yd, NULL, TT_STATS_BINOMIAL, 0.0, beta, se, NULL);
  if (!err) err = tt_stats_t_result(beta[1], se[1], INFINITY, spec, res);
  free(buf);
  if (err) {
    result_clear(res);
    return err;
  }
  res->n_analysed = n;
  return TT_STATS_OK;
}

/* ------------------------------------------------------- Cochran-Mantel-Haenszel */

/* Sums over strata of the 2x2 tables a b / c d (rows treatment, control; columns
 * event, no event), N = a + b + c + d, as mantelhaen.test forms them. */
typedef struct {
  double delta, var;          /* sum(a - E a), sum of hypergeometric variances */
  double diag, offd;          /* sum(a d / N), sum(b c / N) */
  double rbg_p, rbg_q, rbg_r; /* the three Robins-Breslow-Greenland sums */
  int    n;
} cmh_sums;

static void cmh_add(cmh_sums *s, double a, double b, double c, double d)
{
  double N = a + b + c + d, n1 = a + b, n0 = c + d, m1 = a + c, m0 = b + d;
  s->delta += a - n1 * m1 / N;
  s->var += n1 * n0 * m1 * m0 / (N * N * (N - 1.0));
  s->diag += a * d / N;
  s->offd += b * c / N;
  s->rbg_p += (a + d) * a * d / (N * N);
  s->rbg_q += ((a + d) * b * c + (b + c) * a * d) / (N * N);
  s->rbg_r += (b + c) * b * c / (N * N);
}

int tt_stats_cmh(int nstrata, const int x1[], const int n1[], const int x0[], const int n0[], int correct,
                 tt_stats_test_spec spec, tt_stats_result *res)
{
  result_clear(res);
  if (nstrata < 1) return TT_STATS_ETOOFEW;
  cmh_sums s = {0};
  for (int k = 0; k < nstrata; k++) {
    if (n1[k] < 0 || n0[k] < 0 || x1[k] < 0 || x1[k] > n1[k] || x0[k] < 0 || x0[k] > n0[k]) return TT_STATS_EDOMAIN;
    s.n += n1[k] + n0[k];
    if (n1[k] + n0[k] < 2) continue; /* no information */
    cmh_add(&s, x1[k], n1[k] - x1[k], x0[k], n0[k] - x0[k]);
  }
  if (!(s.var > 0.0)) return TT_STATS_ENOVAR;                         /* no events, or only events */
  if (!(s.diag > 0.0) || !(s.offd > 0.0)) return TT_STATS_ESEPARATED; /* MH odds ratio 0 or infinite */
  double sd =
      sqrt(s.rbg_p / (2.0 * s.diag * s.diag) + s.rbg_q / (2.0 * s.diag * s.offd) + s.rbg_r / (2.0 * s.offd * s.offd));
  int err = tt_stats_t_result(log(s.diag / s.offd), sd, INFINITY, spec, res);
  if (err) return err;
  double yates = correct && fabs(s.delta) >= 0.5 ? 0.5 : 0.0;
  double chisq = (fabs(s.delta) - yates) * (fabs(s.delta) - yates) / s.var;
  set_z_test((s.delta < 0.0 ? -1.0 : 1.0) * sqrt(chisq), spec, res);
  res->n_analysed = s.n;
  return TT_STATS_OK;
}
