/* survival.c — Kaplan-Meier estimation and the (stratified) log-rank test.
 *
 * Owns: tt_stats_km, tt_stats_logrank.
 * Invariants: subjects censored at an event time are still at risk at that time
 * (R's survival convention); data are copied and sorted (stratum, time), the
 * caller's arrays are never modified; every sum runs over distinct times in
 * increasing order, so results do not depend on the input order. KM follows
 * survfit's defaults (Greenwood variance, conf.type "log", the upper limit capped
 * at 1, limits NaN where S = 0) and the median its print method (survmean's
 * minmin, tolerance sqrt(DBL_EPSILON)). The log-rank test is survdiff's for two
 * groups: hypergeometric variance per distinct time, summed over strata.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

typedef struct {
  double time;
  int    status, treat, stratum;
} obs;

static int obs_cmp(const void *pa, const void *pb)
{
  const obs *a = pa, *b = pb;
  if (a->stratum != b->stratum) return a->stratum < b->stratum ? -1 : 1;
  return a->time < b->time ? -1 : a->time > b->time ? 1 : 0;
}

/* Copy into a sorted array; TT_STATS_EDOMAIN on invalid data. treat/strata may be NULL. */
static int obs_sorted(int n, const double time[], const int status[], const int treat[], const int strata[], obs **out)
{
  *out   = NULL;
  obs *o = malloc((size_t) (n > 0 ? n : 1) * sizeof *o);
  if (!o) return TT_STATS_EDOMAIN;
  for (int i = 0; i < n; i++) {
    o[i] = (obs){time[i], status[i], treat ? treat[i] : 0, strata ? strata[i] : 0};
    if (!(time[i] >= 0.0) || !isfinite(time[i]) || (status[i] != 0 && status[i] != 1) ||
        (o[i].treat != 0 && o[i].treat != 1)) {
      free(o);
      return TT_STATS_EDOMAIN;
    }
  }
  qsort(o, (size_t) n, sizeof *o, obs_cmp);
  *out = o;
  return TT_STATS_OK;
}

/* End (exclusive) of the run of equal times starting at i within [i, end). */
static int tie_end(const obs o[], int i, int end)
{
  int j = i + 1;
  while (j < end && o[j].time == o[i].time) j++;
  return j;
}

/* ------------------------------------------------------------ Kaplan-Meier */

/* survmean's minmin: first x with y < 0.5 + tol; if that y is 0.5 (within tol) and
 * the curve drops below it later, the average of x and the time of that drop.
 * NaN entries of y are skipped, as R's NA. */
static double km_curve(const tt_stats_km_step *s, int which)
{
  return which == 0 ? s->surv : which < 0 ? s->lower : s->upper;
}

static double km_minmin(int m, const tt_stats_km_step s[], int which)
{
  const double tol   = sqrt(DBL_EPSILON);
  int          first = -1;
  for (int i = 0; i < m; i++) {
    double y = km_curve(&s[i], which);
    if (isnan(y) || !(y < 0.5 + tol)) continue;
    if (first < 0) {
      first = i;
      if (!(fabs(y - 0.5) < tol)) return s[i].time;
    } else if (y < km_curve(&s[first], which)) {
      return 0.5 * (s[first].time + s[i].time);
    }
  }
  return first < 0 ? NAN : s[first].time;
}

/* KM steps of the sorted o[0..n); returns the number of steps. */
static int km_steps(int n, const obs o[], double z, tt_stats_km_step s[])
{
  double surv = 1.0, gw = 0.0; /* Greenwood sum d / (n (n - d)) */
  int    m = 0, at_risk = n;
  for (int i = 0; i < n;) {
    int j = tie_end(o, i, n), d = 0;
    for (int k = i; k < j; k++) d += o[k].status;
    if (d > 0) {
      surv *= 1.0 - (double) d / at_risk;
      gw += at_risk > d ? (double) d / ((double) at_risk * (at_risk - d)) : INFINITY;
      double se_log = sqrt(gw), ok = surv > 0.0 && isfinite(se_log);
      s[m] = (tt_stats_km_step){o[i].time,
                                at_risk,
                                d,
                                surv,
                                surv * se_log,
                                ok ? surv * exp(-z * se_log) : NAN,
                                ok ? fmin(1.0, surv * exp(z * se_log)) : NAN};
      if (surv == 0.0) s[m].std_err = NAN;
      m++;
    }
    at_risk -= j - i;
    i = j;
  }
  return m;
}

int tt_stats_km(int n, const double time[], const int status[], double conf_level, tt_stats_km_step steps[],
                tt_stats_km_summary *sum)
{
  *sum = (tt_stats_km_summary){n, 0, 0, NAN, NAN, NAN};
  if (n < 1) return TT_STATS_ETOOFEW;
  if (!(conf_level > 0.0 && conf_level < 1.0)) return TT_STATS_EDOMAIN;
  obs *o;
  int  err = obs_sorted(n, time, status, NULL, NULL, &o);
  if (err) return err;
  tt_stats_km_step *s = steps ? steps : malloc((size_t) n * sizeof *s);
  if (!s) {
    free(o);
    return TT_STATS_EDOMAIN;
  }
  int m = km_steps(n, o, -tt_stats_qnorm(0.5 * (1.0 - conf_level)), s);
  for (int i = 0; i < n; i++) sum->n_events += o[i].status;
  sum->n_steps      = m;
  sum->median       = km_minmin(m, s, 0);
  sum->median_lower = km_minmin(m, s, -1);
  sum->median_upper = km_minmin(m, s, 1);
  if (!steps) free(s);
  free(o);
  return TT_STATS_OK;
}

/* ---------------------------------------------------------------- log-rank */

/* Add stratum o[0..m) to the observed, expected and variance sums. */
static void logrank_stratum(int m, const obs o[], tt_stats_logrank_result *lr)
{
  int at_risk = m, at_risk1 = 0;
  for (int i = 0; i < m; i++) at_risk1 += o[i].treat;
  for (int i = 0; i < m;) {
    int j = tie_end(o, i, m), d = 0, d1 = 0, leave1 = 0;
    for (int k = i; k < j; k++) {
      d += o[k].status;
      d1 += o[k].status && o[k].treat;
      leave1 += o[k].treat;
    }
    if (d > 0) {
      double f = (double) at_risk1 / at_risk;
      lr->observed[1] += d1;
      lr->observed[0] += d - d1;
      lr->expected[1] += d * f;
      lr->expected[0] += d * (1.0 - f);
      if (at_risk > 1) lr->variance += d * f * (1.0 - f) * (at_risk - d) / (at_risk - 1.0);
    }
    at_risk -= j - i;
    at_risk1 -= leave1;
    i = j;
  }
}

int tt_stats_logrank(const tt_stats_surv_data *d, tt_stats_test_spec spec, tt_stats_logrank_result *lr,
                     tt_stats_result *res)
{
  tt_stats_logrank_result acc = {{0.0, 0.0}, {0.0, 0.0}, 0.0, NAN, NAN};
  if (lr) *lr = acc;
  if (res) *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  if (d->n < 2) return TT_STATS_ETOOFEW;
  if (!d->treat) return TT_STATS_EDOMAIN;
  obs *o;
  int  err = obs_sorted(d->n, d->time, d->status, d->treat, d->strata, &o);
  if (err) return err;
  for (int i = 0; i < d->n;) {
    int j = i + 1;
    while (j < d->n && o[j].stratum == o[i].stratum) j++;
    logrank_stratum(j - i, o + i, &acc);
    i = j;
  }
  free(o);
  if (!(acc.variance > 0.0)) /* no events, or none while both arms were at risk */
    return acc.observed[0] + acc.observed[1] > 0.0 ? TT_STATS_ENOVAR : TT_STATS_ENOEVENTS;
  double oe   = acc.observed[1] - acc.expected[1];
  acc.chisq   = oe * oe / acc.variance;
  acc.p_value = fmin(1.0, 2.0 * tt_stats_pnorm(-sqrt(acc.chisq))); /* = P(chi2_1 > chisq), precise tail */
  if (lr) *lr = acc;
  if (res) {
    err = tt_stats_t_result(oe / acc.variance, 1.0 / sqrt(acc.variance), INFINITY, spec, res);
    if (err) return err;
    res->n_analysed = d->n;
  }
  return TT_STATS_OK;
}
