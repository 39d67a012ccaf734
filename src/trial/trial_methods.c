/* trial_methods.c — one analysis of the plan on the endpoint pairs of the current
 * data cut (t->pair, twins under their randomized arm), dispatched by method.
 *
 * Only twins of the analysis's treatment and control arms with an observed endpoint
 * enter (completers for continuous and responder endpoints). Ratio methods report
 * log ratios (odds, hazard, rate). A non-inferiority margin shifts the null: the
 * test is of (estimate - margin) with the method's t or Wald z (the protocol allows a
 * margin only where that is the textbook test, or Farrington-Manning's score test for a
 * risk difference with ci: score); the estimate and CI are unchanged, so the test
 * rejects exactly when the CI excludes the margin on the tested side.
 */
#include <math.h>
#include <stdlib.h>
#include "trialimpl.h"

double TTTrialCovariateValue(TTTrial t, const double *rec, PetscInt arm, PetscInt e, const TTAnalysisCovariate *c)
{
  const TTRecordLayout *L = &t->L;
  switch (c->kind) {
  case TT_COVARIATE_BASELINE:
    return TTRecordTraj(L, rec, arm)[t->endpoint_var[e]];
  case TT_COVARIATE_PROGNOSTIC:
    return rec[L->prognostic + e];
  default:
    return rec[L->cov + c->index];
  }
}

/* Gathers the analysed twins: y/aux into t->y/t->expo, treat, strata, the covariates'
 * design columns (column-major, leading dimension n; *ncol of them: a factor gives one
 * per level but the first). Returns n. */
static PetscInt Gather(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], PetscInt *ncol)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  PetscInt              e = an->endpoint_index, n = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    TTPair q = t->pair[i * t->p->nendpoint + e];
    if ((arm[i] != an->treatment_arm && arm[i] != an->control_arm) || isnan(q.value)) continue;
    t->y[n]      = q.value;
    t->expo[n]   = q.aux;
    t->treat[n]  = arm[i] == an->treatment_arm;
    t->iy[n]     = (int) q.value;
    t->status[n] = (int) q.aux;
    t->strata[n] = TTTrialStratumLabel(t, k, recs + i * t->L.size);
    n++;
  }
  *ncol = 0;
  for (PetscInt c = 0; c < an->ncovariate; c++) {
    PetscInt j = 0;
    for (PetscInt i = 0; i < t->p->patients; i++) {
      TTPair q = t->pair[i * t->p->nendpoint + e];
      if ((arm[i] != an->treatment_arm && arm[i] != an->control_arm) || isnan(q.value)) continue;
      t->y0[j++] = TTTrialCovariateValue(t, recs + i * t->L.size, arm[i], e, &t->acov[k][c]);
    }
    *ncol += TTTrialCovariateColumns(t, k, c, n, t->y0, t->xcov + *ncol * n);
  }
  return n;
}

static int Welch(TTTrial t, PetscInt n, tt_stats_test_spec spec, tt_stats_result *res)
{
  PetscInt n0 = 0, n1 = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (t->treat[i])
      t->y1[n1++] = t->y[i];
    else
      t->y0[n0++] = t->y[i];
  }
  return tt_stats_welch((int) n0, t->y0, (int) n1, t->y1, spec, res);
}

/* ci: score tests the margin itself (Farrington-Manning) and inverts the same statistic. */
static int RiskDifference(TTTrial t, PetscInt n, const TTAnalysisSpec *an, tt_stats_test_spec spec,
                          tt_stats_result *res)
{
  int x[2] = {0, 0}, m[2] = {0, 0};
  for (PetscInt i = 0; i < n; i++) x[t->treat[i]] += t->iy[i], m[t->treat[i]]++;
  if (an->score) return tt_stats_risk_diff_score(x[0], m[0], x[1], m[1], an->margin, spec, res);
  return tt_stats_risk_diff(x[0], m[0], x[1], m[1], an->newcombe ? TT_STATS_RD_NEWCOMBE : TT_STATS_RD_WALD, spec, res);
}

static int CMH(TTTrial t, PetscInt n, tt_stats_test_spec spec, tt_stats_result *res)
{
  PetscInt ns = t->nstratum;
  int      status, *buf = (int *) calloc((size_t) (4 * ns), sizeof(int));
  if (!buf) return TT_STATS_EDOMAIN;
  for (PetscInt i = 0; i < n; i++) {
    int s = t->strata[i];
    if (t->treat[i])
      buf[s] += t->iy[i], buf[ns + s]++;
    else
      buf[2 * ns + s] += t->iy[i], buf[3 * ns + s]++;
  }
  status = tt_stats_cmh((int) ns, buf, buf + ns, buf + 2 * ns, buf + 3 * ns, 0, spec, res);
  free(buf);
  return status;
}

static int Survival(TTTrial t, PetscInt n, PetscInt ncol, const TTAnalysisSpec *an, tt_stats_test_spec spec,
                    tt_stats_result *res)
{
  tt_stats_surv_data d = {(int) n,
                          t->y,
                          t->status,
                          t->treat,
                          (int) ncol,
                          ncol ? t->xcov : NULL,
                          an->stratified || an->nstrata ? t->strata : NULL};
  if (an->method == TT_ANALYSIS_LOGRANK) return tt_stats_logrank(&d, spec, NULL, res);
  return tt_stats_cox(&d, an->breslow ? TT_STATS_TIES_BRESLOW : TT_STATS_TIES_EFRON, spec, res, NULL, NULL, NULL);
}

/* Kaplan-Meier median and 95% CI per arm of the gathered time-to-event data. */
static void Medians(TTTrial t, PetscInt n, double km[6])
{
  for (int arm = 0; arm < 2; arm++) {
    PetscInt            m = 0;
    tt_stats_km_summary sum;
    for (PetscInt i = 0; i < n; i++)
      if (t->treat[i] == arm) t->y0[m] = t->y[i], t->iy[n + m] = t->status[i], m++;
    if (tt_stats_km((int) m, t->y0, t->iy + n, 0.95, NULL, &sum) != TT_STATS_OK)
      sum.median = sum.median_lower = sum.median_upper = NAN;
    km[3 * arm] = sum.median, km[3 * arm + 1] = sum.median_lower, km[3 * arm + 2] = sum.median_upper;
  }
}

/* Information carried by the analysed data: events for time to event, else twins. */
static double Information(TTTrial t, PetscInt n, TTEndpointKind kind)
{
  double info = 0;
  if (kind != TT_KIND_TIME_TO_EVENT) return (double) n;
  for (PetscInt i = 0; i < n; i++) info += t->status[i];
  return info;
}

/* Both compared arms have an analysed twin (else: too few observations, whatever the method). */
static PetscBool BothArms(TTTrial t, PetscInt n)
{
  PetscInt n1 = 0;
  for (PetscInt i = 0; i < n; i++) n1 += t->treat[i];
  return n1 > 0 && n1 < n ? PETSC_TRUE : PETSC_FALSE;
}

/* A non-inferiority margin: the t or Wald test of estimate - margin (estimate and CI unchanged). */
static int Margin(const TTAnalysisSpec *an, tt_stats_test_spec spec, int status, tt_stats_result *res)
{
  if (status == TT_STATS_OK && an->margin != 0.0 && !an->score) {
    tt_stats_result shifted;
    if (tt_stats_t_result(res->estimate - an->margin, res->std_error, res->df, spec, &shifted) == TT_STATS_OK) {
      res->statistic = shifted.statistic;
      res->p_value   = shifted.p_value;
      res->reject    = shifted.reject;
    }
  }
  return status;
}

int TTTrialRunMethod(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_result *res,
                     double *information, double km[6])
{
  const TTAnalysisSpec *an   = &t->p->analysis[k];
  TTEndpointKind        kind = TTEndpointKindOf(t->p->endpoint[an->endpoint_index].type);
  tt_stats_test_spec    spec = {an->alpha, an->sided, an->direction};
  PetscInt              ncol, n = Gather(t, k, recs, arm, &ncol);
  const double         *cov = ncol ? t->xcov : NULL;
  int                   status;

  *information = Information(t, n, kind);
  for (int j = 0; j < 6; j++) km[j] = NAN;
  if (kind == TT_KIND_TIME_TO_EVENT) Medians(t, n, km);
  t->mmrm_used[k] = -1;
  t->mi_fmi[k]    = NAN;
  if (an->method == TT_ANALYSIS_MMRM) { /* every post-baseline visit, not only the completers */
    status = TTTrialRunMmrm(t, k, recs, arm, spec, res, information);
    return Margin(an, spec, status, res);
  }
  if (an->method == TT_ANALYSIS_MI) { /* every twin followed to the endpoint's visit, dropouts imputed */
    status = TTTrialRunMi(t, k, recs, arm, spec, res, information);
    return Margin(an, spec, status, res);
  }
  if (!BothArms(t, n)) {
    *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
    return TT_STATS_ETOOFEW;
  }
  switch (an->method) {
  case TT_ANALYSIS_WELCH:
    status = Welch(t, n, spec, res);
    break;
  case TT_ANALYSIS_RISK_DIFFERENCE:
    status = RiskDifference(t, n, an, spec, res);
    break;
  case TT_ANALYSIS_ODDS_RATIO:
    status = tt_stats_logistic_or((int) n, t->iy, t->treat, (int) ncol, cov, spec, res);
    break;
  case TT_ANALYSIS_CMH:
    status = CMH(t, n, spec, res);
    break;
  case TT_ANALYSIS_LOGRANK:
  case TT_ANALYSIS_COX:
    status = Survival(t, n, ncol, an, spec, res);
    break;
  case TT_ANALYSIS_NEGBIN:
    status = tt_stats_negbin_rr((int) n, t->y, t->expo, t->treat, (int) ncol, cov, spec, res, NULL);
    break;
  case TT_ANALYSIS_POISSON:
    status = tt_stats_poisson_rr((int) n, t->y, t->expo, t->treat, (int) ncol, cov, spec, res);
    break;
  default:
    status = tt_stats_ancova((int) n, t->y, t->treat, (int) ncol, cov, spec, res);
  }
  if (status == TT_STATS_OK) res->n_analysed = (int) n;
  return Margin(an, spec, status, res);
}
