/* trial_analyse.c — randomization, observed endpoints and the analysis plan of one
 * replicate, from its twins' records in subject order.
 *
 * Randomization: permuted blocks within strata. Subject p is the k-th of its
 * stratum s; its arm is entry k % B of block k / B, a list holding every arm
 * ratio_a * B / sum(ratio) times, shuffled with the stream (seed, r, s, block).
 * Simple randomization draws each arm with probability ratio_a / sum(ratio) from
 * (seed, r, p). Then the group-sequential looks (trial_gsd.c) decide the data cut,
 * the endpoints are observed at that cut (trial_endpoint.c) and every analysis of the
 * plan runs on them (trial_methods.c), next to the replicate's true effect.
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

PetscErrorCode TTTrialAnalyse(TTTrial t, PetscInt r, const double recs[], TTReplicateResult *res)
{
  const TTProtocol *p = t->p;
  double            final_cut;

  PetscBool pending;

  PetscFunctionBeginUser;
  PetscCall(TTTrialCalibrationPending(t, &pending));
  PetscCheck(!pending, PETSC_COMM_SELF, PETSC_ERR_ORDER, "the protocol's calibrated arm effects are not solved yet");
  res->replicate       = r;
  t->replicate         = r;
  res->screen_failures = 0;
  res->dropped_twins   = 0;
  for (PetscInt i = 0; i < p->patients; i++) {
    res->screen_failures += (PetscInt) recs[i * t->L.size + t->L.screen];
    res->dropped_twins += recs[i * t->L.size + t->L.failed] != 0.0;
  }
  PetscCall(TTTrialRandomize(t, r, recs, res->arm));
  PetscCall(TTTrialLooks(t, recs, res->arm, res, &final_cut));
  TTTrialCutAll(t, recs, res->arm, final_cut);
  for (PetscInt i = 0; i < p->patients * p->nendpoint; i++) {
    res->endpoint[2 * i]     = t->pair[i].value;
    res->endpoint[2 * i + 1] = t->pair[i].aux;
  }
  for (PetscInt k = 0; k < p->nanalysis; k++) {
    res->reason[k]     = TTTrialRunMethod(t, k, recs, res->arm, &res->result[k], &res->information[k], res->km + 6 * k);
    res->ok[k]         = res->reason[k] == TT_STATS_OK;
    res->covariance[k] = t->mmrm_used[k];
    res->fmi[k]        = t->mi_fmi[k];
    res->true_effect[k] = TTTrialTrueEffect(t, k, recs);
  }
  /* per-arm figures at the data cut the analyses used (the stopping look's, trial_gsd.c) */
  TTTrialArmFigures(t, recs, res->arm, final_cut, res->arm_figures);
  TTTrialFinalLook(t, res);
  TTTrialFigures(t, recs, res);
  TTTrialGuidedFigures(t, recs, res);
  PetscFunctionReturn(0);
}

PetscErrorCode TTReplicateResultCreate(TTTrial t, TTReplicateResult *res)
{
  PetscInt n = t->p->patients, na = t->p->nanalysis;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(n, &res->arm, 2 * n * t->p->nendpoint, &res->endpoint, na, &res->ok, na, &res->result, na,
                         &res->true_effect));
  PetscCall(PetscMalloc4(na, &res->information, TT_MAX_LOOKS, &res->look_z, 6 * na, &res->km, t->p->nfigure + 1,
                         &res->figure));
  PetscCall(PetscMalloc2(2 * TT_ARM_FIGURES * na, &res->arm_figures, t->p->narm * TT_GUIDED_FIGURES, &res->guided));
  PetscCall(PetscMalloc4(TT_MAX_LOOKS, &res->look_time, TT_MAX_LOOKS, &res->look_information, TT_MAX_LOOKS,
                         &res->look_subjects, TT_MAX_LOOKS, &res->look_bound));
  PetscCall(PetscCalloc3(na, &res->reason, na, &res->covariance, na, &res->fmi));
  PetscFunctionReturn(0);
}

PetscErrorCode TTReplicateResultDestroy(TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(res->arm, res->endpoint, res->ok, res->result, res->true_effect));
  PetscCall(PetscFree4(res->information, res->look_z, res->km, res->figure));
  PetscCall(PetscFree2(res->arm_figures, res->guided));
  PetscCall(PetscFree4(res->look_time, res->look_information, res->look_subjects, res->look_bound));
  PetscCall(PetscFree3(res->reason, res->covariance, res->fmi));
  PetscFunctionReturn(0);
}
