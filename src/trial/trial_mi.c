/* trial_mi.c — a multiple-imputation analysis of one replicate (method: mi).
 *
 * Twins of the analysis's treatment and control arms enter when their endpoint's visit
 * is due by the data cut (TTTrialFollowUp: not at an interim look before it, nor past a
 * calendar cut-off) and the model run did not fail: ITT, every randomized twin followed
 * to the endpoint's visit, whether or not it dropped out. Each enters with its baseline
 * (the endpoint's variable at the first visit) and the endpoint's measure at every
 * post-baseline visit up to the endpoint's, observed as in trial_mmrm.c (missing after
 * dropout or a terminal event: a monotone pattern); src/mi imputes the missing visits
 * per the analysis's imputation keys and pools the analyses of the completed data sets;
 * t->mi_fmi[k] gets the pooled estimate's fraction of missing information. The
 * analysis's covariates (cohort covariates, factor() as indicators of the levels seen
 * among the entered twins but the first, prognostic_score; trial_covariates.c) enter both
 * the imputation and the analysis models. With treatment discontinuation each twin's
 * intercurrent event is its first visit after stopping (src/mi anchors reference-based
 * imputation there and leaves its later visits out of the imputation model's fit); under
 * a treatment-policy estimand the visits it was seen off treatment are kept, under a
 * hypothetical or while-on-treatment one they are set aside and imputed, as R's rbmi
 * prescribes (Wolbers et al. 2022 Pharm Stat 21:1246). Without discontinuation no twin
 * has an event and every result is as before it existed.
 * Draws: imputation m of analysis k in replicate r uses the stream (seed, r, k << 32 | m,
 * TT_STREAM_IMPUTE), so the result is the same on any number of ranks. Buffers are
 * allocated per call and freed before it returns: memory does not grow with replicates.
 */
#include <math.h>
#include <stdlib.h>
#include "trialimpl.h"

/* The covariates' design columns of the n entered twins (t->y0[s]: twin of row s) into
 * t->xcov, column major; returns their number. */
static PetscInt Covariates(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], PetscInt n)
{
  const TTAnalysisSpec *an   = &t->p->analysis[k];
  PetscInt              ncol = 0;
  for (PetscInt c = 0; c < an->ncovariate; c++) {
    for (PetscInt s = 0; s < n; s++) {
      PetscInt i = (PetscInt) t->y0[s];
      t->y1[s]   = TTTrialCovariateValue(t, recs + i * t->L.size, arm[i], an->endpoint_index, &t->acov[k][c]);
    }
    ncol += TTTrialCovariateColumns(t, k, c, n, t->y1, t->xcov + ncol * n);
  }
  return ncol;
}

/* The first post-baseline visit (0-based) after the twin's first intercurrent event
 * (treatment discontinuation or rescue) under arm a (a visit on its day is before it), V
 * if none by visit V; under a hypothetical or while-on-treatment estimand the twin's
 * measures from it on are set aside (y[v] = NAN). */
static PetscInt Event(TTTrial t, const TTAnalysisSpec *an, const double *rec, PetscInt a, PetscInt V, double y[])
{
  double   td = TTRecordIntercurrent(&t->L, rec, a);
  PetscInt v  = 0;
  if (!t->p->has_discontinuation) return V;
  while (v < V && t->t_days[v + 1] <= td) v++;
  if (an->estimand != TT_ESTIMAND_TREATMENT_POLICY)
    for (PetscInt j = v; j < V; j++) y[j] = NAN;
  return v;
}

int TTTrialRunMi(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_test_spec spec,
                 tt_stats_result *res, double *information)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  PetscInt              e = an->endpoint_index, V = t->p->endpoint[e].visit_index, N = t->p->patients, n = 0, ncol;
  int                  *group = malloc(sizeof(int) * (size_t) (2 * N + 1)), *ice = group + N;
  double               *base = malloc(sizeof(double) * (size_t) (N * (V + 1) + 1)), *y = base + N;
  tt_mi_options         o;
  tt_mi_pooled          pool;
  int                   status = TT_STATS_EDOMAIN;

  *res         = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  *information = 0;
  if (!group || !base) goto done;
  for (PetscInt i = 0; i < N; i++) {
    const double *rec = recs + i * t->L.size;
    double        b;
    if (arm[i] != an->treatment_arm && arm[i] != an->control_arm) continue;
    if (rec[t->L.failed] != 0.0 || t->t_days[V] > TTTrialFollowUp(t, rec, t->calendar)) continue;
    b = TTRecordTraj(&t->L, rec, arm[i])[t->endpoint_var[e]];
    if (!isfinite(b)) continue;
    group[n] = arm[i] == an->treatment_arm;
    base[n]  = b;
    t->y0[n] = (double) i; /* the twin, for its covariates */
    for (PetscInt v = 1; v <= V; v++)
      y[n * V + v - 1] = TTTrialMeasureAtVisit(t, rec, arm[i], e, v, t->calendar - rec[t->L.entry], PETSC_TRUE);
    ice[n] = (int) Event(t, an, rec, arm[i], V, y + n * V);
    n++;
  }
  *information = (double) n;
  ncol         = Covariates(t, k, recs, arm, n);
  o            = (tt_mi_options){(tt_mi_method) an->mi_method,
                                 an->mi_reference_arm == an->treatment_arm,
                                 an->mi_delta,
                                 an->mi_imputations,
                                 (tt_mi_analysis) an->mi_analysis,
                                 an->mmrm_visit_index - 1,
                                 1 + an->nfallback,
                                 {(tt_mmrm_cov) an->mmrm_covariance},
                                 (tt_mmrm_df) an->mmrm_df,
                                 t->p->seed,
                                 (uint64_t) t->replicate,
                                 (uint64_t) k << 32};
  for (int j = 0; j < an->nfallback; j++) o.cov[1 + j] = (tt_mmrm_cov) an->fallback[j];
  {
    tt_mi_data d = {
        (int) n, (int) V, group, base, y, (int) ncol, ncol ? t->xcov : NULL, t->p->has_discontinuation ? ice : NULL};
    status = tt_mi_run(&d, &o, spec, res, &pool, NULL, NULL);
    if (status == TT_STATS_OK) t->mi_fmi[k] = pool.fmi;
  }
done:
  free(group), free(base);
  return status;
}
