/* marginal.c — the marginal effect of an arm on the calibration cohort, and its
 * bootstrap standard error (see design.h for the estimands).
 *
 * Invariants: a twin enters only with both of its values (one twin, both arms: a paired
 * comparison); the result depends only on the pairs and idx, in their order, never on
 * which rank simulated them. Time to event: 2 rows per twin for the Cox fit, whose sums
 * run over sorted times, so row order does not matter either.
 */
#include <math.h>
#include "designimpl.h"

PetscErrorCode TTMarginalCreate(PetscInt n, TTMarginal *m)
{
  PetscFunctionBeginUser;
  m->n = n;
  PetscCall(PetscMalloc4(4 * n, &m->pairs, 2 * n, &m->time, 2 * n, &m->status, 2 * n, &m->treat));
  PetscFunctionReturn(0);
}

PetscErrorCode TTMarginalDestroy(TTMarginal *m)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(m->pairs, m->time, m->status, m->treat));
  PetscFunctionReturn(0);
}

double TTTargetToScale(TTCalibrationTarget t, double v)
{
  return t == TT_TARGET_MEAN_DIFFERENCE || t == TT_TARGET_RISK_DIFFERENCE ? v : log(v);
}

double TTTargetFromScale(TTCalibrationTarget t, double s)
{
  return t == TT_TARGET_MEAN_DIFFERENCE || t == TT_TARGET_RISK_DIFFERENCE ? s : exp(s);
}

static double LogHazardRatio(TTMarginal *m, const PetscInt idx[])
{
  int                rows = 0;
  tt_stats_result    res;
  tt_stats_test_spec spec = {0.05, 2, -1};
  for (PetscInt j = 0; j < m->n; j++) {
    const double *q = m->pairs + 4 * (idx ? idx[j] : j);
    if (isnan(q[0]) || isnan(q[2])) continue;
    for (int a = 0; a < 2; a++) {
      m->time[rows] = q[2 * a], m->status[rows] = (int) q[2 * a + 1], m->treat[rows] = a;
      rows++;
    }
  }
  tt_stats_surv_data d = {rows, m->time, m->status, m->treat, 0, NULL, NULL};
  if (tt_stats_cox(&d, TT_STATS_TIES_EFRON, spec, &res, NULL, NULL, NULL)) return NAN;
  return res.estimate;
}

static double Logit(double p)
{
  return log(p) - log1p(-p);
}

double TTMarginalEffect(TTMarginal *m, TTCalibrationTarget target, const PetscInt idx[])
{
  double   s[2] = {0, 0}, x[2] = {0, 0};
  PetscInt n = 0;

  if (target == TT_TARGET_HAZARD_RATIO) return LogHazardRatio(m, idx);
  for (PetscInt j = 0; j < m->n; j++) {
    const double *q = m->pairs + 4 * (idx ? idx[j] : j);
    if (isnan(q[0]) || isnan(q[2])) continue;
    s[0] += q[0], s[1] += q[2], n++;
    if (target == TT_TARGET_RATE_RATIO) x[0] += q[1], x[1] += q[3];
  }
  if (!n) return NAN;
  switch (target) {
  case TT_TARGET_RATE_RATIO:
    return s[0] > 0 || s[1] > 0 ? log(s[1] / x[1]) - log(s[0] / x[0]) : NAN;
  case TT_TARGET_ODDS_RATIO:
    return Logit(s[1] / n) - Logit(s[0] / n);
  default: /* mean and risk difference */
    return (s[1] - s[0]) / (double) n;
  }
}

PetscErrorCode TTMarginalBootstrapSE(TTMarginal *m, TTCalibrationTarget target, uint64_t seed, PetscInt arm, PetscInt B,
                                     double *se)
{
  PetscInt *idx;
  double    mean = 0, m2 = 0;
  PetscInt  ok = 0;
  tt_pcg32  g;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(m->n, &idx));
  tt_rng_substream(&g, seed, (uint64_t) TT_CALIBRATION_REPLICATE, (uint64_t) arm, TT_STREAM_CALIBRATION);
  for (PetscInt b = 0; b < B; b++) {
    double e;
    for (PetscInt j = 0; j < m->n; j++) idx[j] = PetscMin(m->n - 1, (PetscInt) (tt_rng_uniform(&g) * (double) m->n));
    e = TTMarginalEffect(m, target, idx);
    if (!isfinite(e)) continue;
    ok++; /* Welford */
    m2 += (e - mean) * (e - mean) * (double) (ok - 1) / (double) ok;
    mean += (e - mean) / (double) ok;
  }
  *se = ok > 1 ? sqrt(m2 / (double) (ok - 1)) : NAN;
  PetscCall(PetscFree(idx));
  PetscFunctionReturn(0);
}
