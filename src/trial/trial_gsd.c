/* trial_gsd.c — group-sequential looks of one replicate.
 *
 * Looks happen in calendar time: look j is at the calendar time when the deciding
 * analysis's information (events for time to event, observed endpoints otherwise)
 * reaches fraction information[j] of what the final analysis will have. At a look
 * every twin's data are cut at that calendar time (twins not yet enrolled are
 * absent; visits and events after the cut unseen). The deciding statistic in the
 * benefit direction, z = direction * statistic, stops the trial for efficacy when
 * z >= upper[j] (Lan-DeMets spending of alpha/sided) and for futility when
 * z < lower[j] (non-binding beta spending, if requested). All analyses are then done
 * on the data of the stopping look; only the deciding one is group-sequentially
 * adjusted. t statistics are compared with the normal-theory boundaries (df are large).
 */
#include <math.h>
#include <stdlib.h>
#include "trialimpl.h"

static int Family(TTSpending s)
{
  return s == TT_SPENDING_POCOCK ? TT_STATS_SPEND_POCOCK
         : s == TT_SPENDING_HSD  ? TT_STATS_SPEND_HSD
                                 : TT_STATS_SPEND_OBF;
}

PetscErrorCode TTTrialSetUpLooks(TTTrial t)
{
  const TTProtocol     *p = t->p;
  const TTAnalysisSpec *an;
  double                theta;
  int                   K = p->nlook;

  PetscFunctionBeginUser;
  if (K == 0) PetscFunctionReturn(0);
  an = &p->analysis[p->interim_analysis];
  PetscCheck(!tt_stats_gsd_bounds(K, p->information, Family(p->spending), an->alpha / an->sided, p->spending_gamma,
                                  t->upper, t->alpha_spent),
             PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: interim: cannot compute efficacy boundaries for these looks",
             p->path, p->interim_loc.line, p->interim_loc.column);
  for (int j = 0; j < K; j++) t->lower[j] = -INFINITY;
  if (p->futility != TT_SPENDING_NONE)
    PetscCheck(!tt_stats_gsd_futility(K, p->information, t->upper, Family(p->futility), p->futility_beta,
                                      p->futility_gamma, t->lower, &theta),
               PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: interim: cannot compute futility boundaries for these looks",
               p->path, p->interim_loc.line, p->interim_loc.column);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetDesign(TTTrial t, PetscInt *nlook, const double **information, const double **upper,
                                const double **lower, const double **alpha_spent)
{
  PetscFunctionBeginUser;
  *nlook       = t->p->nlook;
  *information = t->p->information;
  *upper       = t->upper;
  *lower       = t->lower;
  *alpha_spent = t->alpha_spent;
  PetscFunctionReturn(0);
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Calendar time at which each analysed twin contributes its information, sorted. */
static PetscInt InformationTimes(TTTrial t, PetscInt e, const double recs[], const PetscInt arm[],
                                 const TTAnalysisSpec *an)
{
  const TTEndpointSpec *ep = &t->p->endpoint[e];
  PetscInt              n  = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    TTPair        q;
    if (arm[i] != an->treatment_arm && arm[i] != an->control_arm) continue;
    q = TTTrialEndpoint(t, rec, arm[i], e, INFINITY, PETSC_TRUE);
    if (isnan(q.value)) continue;
    if (TTEndpointKindOf(ep->type) == TT_KIND_TIME_TO_EVENT) {
      if (q.aux == 1.0) t->cut[n++] = rec[t->L.entry] + q.value;
    } else {
      double when = ep->visit_index >= 0 ? t->t_days[ep->visit_index] : TTTrialFollowUp(t, rec, INFINITY);
      t->cut[n++] = rec[t->L.entry] + when;
    }
  }
  qsort(t->cut, (size_t) n, sizeof(double), CompareDouble);
  return n;
}

void TTTrialCutAll(TTTrial t, const double recs[], const PetscInt arm[], double calendar)
{
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    for (PetscInt e = 0; e < t->p->nendpoint; e++)
      t->pair[i * t->p->nendpoint + e] = TTTrialEndpoint(t, rec, arm[i], e, calendar - rec[t->L.entry], PETSC_TRUE);
  }
}

PetscErrorCode TTTrialLooks(TTTrial t, const double recs[], const PetscInt arm[], TTReplicateResult *res,
                            double *final_cut)
{
  const TTProtocol     *p = t->p;
  const TTAnalysisSpec *an;
  PetscInt              K = p->nlook, k0 = p->interim_analysis, ninfo;

  PetscFunctionBeginUser;
  *final_cut = INFINITY;
  res->stage = 1;
  if (K == 0) PetscFunctionReturn(0);
  an    = &p->analysis[k0];
  ninfo = InformationTimes(t, an->endpoint_index, recs, arm, an);
  for (PetscInt j = 0; j < K; j++) res->look_z[j] = NAN;
  for (PetscInt j = 0; j < K - 1; j++) {
    PetscInt        need = (PetscInt) ceil(p->information[j] * (double) ninfo);
    double          calendar, info, z, km[6];
    tt_stats_result r;
    if (need < 1 || need > ninfo) continue;
    calendar = t->cut[need - 1] * (1.0 + 1e-12) + 1e-9; /* include the twin that completes the information */
    TTTrialCutAll(t, recs, arm, calendar);
    if (TTTrialRunMethod(t, k0, recs, arm, &r, &info, km) != TT_STATS_OK) continue;
    z              = an->direction * r.statistic;
    res->look_z[j] = z;
    res->stage     = j + 1;
    if (z >= t->upper[j] || z < t->lower[j]) {
      *final_cut = calendar;
      PetscFunctionReturn(0);
    }
  }
  res->stage = K;
  PetscFunctionReturn(0);
}
