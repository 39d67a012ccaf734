/* trial_analyse.c — randomization, observed endpoints and the analysis plan of one
 * replicate, from its twins' records in subject order.
 *
 * Randomization: permuted blocks within strata. Subject p is the k-th of its
 * stratum s; its arm is entry k % B of block k / B, a list holding every arm
 * ratio_a * B / sum(ratio) times, shuffled with the stream (seed, r, s, block).
 * Simple randomization draws each arm with probability ratio_a / sum(ratio) from
 * (seed, r, p). Missing data: an endpoint is observed only if the twin has not
 * dropped out by its visit; analyses use completers (observed endpoint), which
 * targets the hypothetical estimand only under missingness at random given the
 * covariates. The true effect is the mean over ALL randomized twins of
 * Y(treatment) - Y(control) at the endpoint, as if nobody dropped out.
 */
#include <math.h>
#include "trialimpl.h"

static void BlockList(TTTrial t, PetscInt r, PetscInt s, PetscInt block, PetscInt *list)
{
  const TTProtocol *p = t->p;
  int               perm[4096], sum = 0, n = 0;
  PetscInt          base[4096];
  tt_pcg32          g;

  for (int a = 0; a < p->narm; a++) sum += (int) p->arm[a].ratio;
  for (int a = 0; a < p->narm; a++)
    for (int k = 0; k < (int) p->arm[a].ratio * (p->block_size / sum); k++) base[n++] = a;
  tt_rng_substream(&g, p->seed, (uint64_t) r, ((uint64_t) s << 32) | (uint64_t) block, TT_STREAM_RANDOMIZE);
  for (int i = 0; i < n; i++) perm[i] = i;
  tt_rng_shuffle(&g, n, perm);
  for (int i = 0; i < n; i++) list[i] = base[perm[i]];
}

PetscErrorCode TTTrialRandomize(TTTrial t, PetscInt r, const double recs[], PetscInt arm[])
{
  const TTProtocol *p  = t->p;
  PetscInt          bs = p->block_size;
  double            ratio[TT_MAX_ARMS];
  tt_pcg32          g;

  PetscFunctionBeginUser;
  if (p->randomization == TT_RANDOMIZE_SIMPLE) {
    for (int a = 0; a < p->narm; a++) ratio[a] = p->arm[a].ratio;
    for (PetscInt i = 0; i < p->patients; i++) {
      tt_rng_substream(&g, p->seed, (uint64_t) r, (uint64_t) i, TT_STREAM_RANDOMIZE);
      arm[i] = tt_rng_categorical(&g, p->narm, ratio);
    }
    PetscFunctionReturn(0);
  }
  PetscCheck(bs > 0 && bs <= 4096, PETSC_COMM_SELF, PETSC_ERR_USER, "trial.randomization.block_size: expected 1..4096");
  for (PetscInt s = 0; s < t->nstratum; s++) {
    t->stratum_count[s] = 0;
    t->block_id[s]      = -1;
  }
  for (PetscInt i = 0; i < p->patients; i++) {
    PetscInt s = (PetscInt) recs[i * t->L.size + t->L.stratum], k = t->stratum_count[s]++;
    if (k / bs != t->block_id[s]) {
      t->block_id[s] = k / bs;
      BlockList(t, r, s, k / bs, t->block_list + s * bs);
    }
    arm[i] = t->block_list[s * bs + k % bs];
  }
  PetscFunctionReturn(0);
}

/* Endpoint e of twin rec under arm a, ignoring dropout. */
static double EndpointValue(TTTrial t, const double *rec, PetscInt a, PetscInt e)
{
  const TTRecordLayout *L  = &t->L;
  const TTEndpointSpec *ep = &t->p->endpoint[e];
  const double         *tr = rec + L->traj + a * L->nvisit * L->nvar;
  PetscInt              k  = t->endpoint_var[e];
  double                y  = tr[ep->visit_index * L->nvar + k];
  return ep->type == TT_ENDPOINT_CHANGE_FROM_BASELINE ? y - tr[k] : y;
}

static void ObservedEndpoints(TTTrial t, const double recs[], const PetscInt arm[], double *endpoint)
{
  const TTRecordLayout *L = &t->L;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * L->size;
    for (PetscInt e = 0; e < L->nendpoint; e++) {
      double visit_day               = t->t_days[t->p->endpoint[e].visit_index];
      endpoint[i * L->nendpoint + e] = rec[L->dropout] > visit_day ? EndpointValue(t, rec, arm[i], e) : NAN;
    }
  }
}

static double CovariateValue(TTTrial t, const double *rec, PetscInt arm, PetscInt e, const TTAnalysisCovariate *c)
{
  const TTRecordLayout *L = &t->L;
  switch (c->kind) {
  case TT_COVARIATE_BASELINE:
    return rec[L->traj + arm * L->nvisit * L->nvar + t->endpoint_var[e]];
  case TT_COVARIATE_PROGNOSTIC:
    return rec[L->prognostic + e];
  default:
    return rec[L->cov + c->index];
  }
}

/* One analysis on the completers of its two arms. Returns the stats status. */
static int AnalyseOne(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], const double *endpoint,
                      tt_stats_result *res)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  const TTRecordLayout *L  = &t->L;
  PetscInt              e = an->endpoint_index, n = 0, n0 = 0, n1 = 0;
  tt_stats_test_spec    spec = {an->alpha, an->sided, an->direction};

  for (PetscInt i = 0; i < t->p->patients; i++) {
    double y = endpoint[i * L->nendpoint + e];
    if ((arm[i] != an->treatment_arm && arm[i] != an->control_arm) || isnan(y)) continue;
    t->y[n]     = y;
    t->treat[n] = arm[i] == an->treatment_arm;
    if (t->treat[n])
      t->y1[n1++] = y;
    else
      t->y0[n0++] = y;
    n++;
  }
  if (an->method == TT_ANALYSIS_WELCH) return tt_stats_welch((int) n0, t->y0, (int) n1, t->y1, spec, res);
  for (PetscInt c = 0; c < an->ncovariate; c++) {
    PetscInt j = 0;
    for (PetscInt i = 0; i < t->p->patients; i++) {
      double y = endpoint[i * L->nendpoint + e];
      if ((arm[i] != an->treatment_arm && arm[i] != an->control_arm) || isnan(y)) continue;
      t->xcov[c * n + j++] = CovariateValue(t, recs + i * L->size, arm[i], e, &t->acov[k][c]);
    }
  }
  return tt_stats_ancova((int) n, t->y, t->treat, an->ncovariate, t->xcov, spec, res);
}

static double TrueEffect(TTTrial t, PetscInt k, const double recs[])
{
  const TTAnalysisSpec *an  = &t->p->analysis[k];
  double                sum = 0.0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    sum += EndpointValue(t, rec, an->treatment_arm, an->endpoint_index) -
           EndpointValue(t, rec, an->control_arm, an->endpoint_index);
  }
  return sum / (double) t->p->patients;
}

PetscErrorCode TTTrialAnalyse(TTTrial t, PetscInt r, const double recs[], TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  res->replicate       = r;
  res->screen_failures = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) res->screen_failures += (PetscInt) recs[i * t->L.size + t->L.screen];
  PetscCall(TTTrialRandomize(t, r, recs, res->arm));
  ObservedEndpoints(t, recs, res->arm, res->endpoint);
  for (PetscInt k = 0; k < t->p->nanalysis; k++) {
    res->ok[k]          = AnalyseOne(t, k, recs, res->arm, res->endpoint, &res->result[k]) == TT_STATS_OK;
    res->true_effect[k] = TrueEffect(t, k, recs);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTReplicateResultCreate(TTTrial t, TTReplicateResult *res)
{
  PetscInt n = t->p->patients, na = t->p->nanalysis;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(n, &res->arm, n * t->p->nendpoint, &res->endpoint, na, &res->ok, na, &res->result, na,
                         &res->true_effect));
  PetscFunctionReturn(0);
}

PetscErrorCode TTReplicateResultDestroy(TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(res->arm, res->endpoint, res->ok, res->result, res->true_effect));
  PetscFunctionReturn(0);
}
