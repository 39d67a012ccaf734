/* tt_twin_synthetic.h — synthetic patients of a personalisable model, for the gradient test
 * (test_twin_sens.c) and benchmark (tests/bench/bench_twin_gradient.c).
 *
 * tt_twin_model_trial loads a protocol and makes its trial (refusing a model without an
 * observation density). tt_twin_synthetic draws a patient: covariates (weight ~ N(85, 15)
 * in [50, 150] kg, other covariates 0), eta from the model's draw_latent, the noise-free
 * trajectory at the given times on `arm` (untreated before 0) and observe()'s noise, all
 * from one generator keyed by (seed, i).
 */
#ifndef TT_TWIN_SYNTHETIC_H
#define TT_TWIN_SYNTHETIC_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <twintrial/twin.h>

/* The protocol at `path` and its trial; its model must be personalisable. */
static PetscErrorCode tt_twin_model_trial(const char *path, TTProtocol **pr, TTTrial *trial)
{
  const TTModelType *m;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(path, pr));
  PetscCall(TTTrialCreate(*pr, trial));
  PetscCall(TTTrialGetModel(*trial, &m));
  PetscCheck(!tt_model_unpersonalisable(m), PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: model %s cannot be personalised", path,
             m->name);
  PetscFunctionReturn(0);
}

/* A synthetic patient's storage. */
typedef struct {
  char      id[16];
  double    cov[8], eta[8], t[64], value[64];
  int       var[64], below[64];
  TTPatient p;
} TTSyntheticPatient;

/* Patient i: observations of variables var[nv] at times t[nt] (model units, increasing)
 * on arm `arm` of the trial (untreated before 0). */
static PetscErrorCode tt_twin_synthetic(TTTrial trial, TTSim sim, uint64_t seed, PetscInt i, PetscInt arm, int nt,
                                        const double *t, int nv, const int *var, TTSyntheticPatient *s)
{
  const TTModelType *m;
  const TTProtocol  *pr;
  const double      *par;
  double             eff0[64], eff[64], y[64 * 8], yo[8];
  tt_pcg32           rng;
  int                n = 0;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTrialGetProtocol(trial, &pr));
  PetscCall(TTTrialGetParameters(trial, &par));
  PetscCall(TTTrialArmEffects(trial, pr->narm, 0.0, eff0));
  PetscCall(TTTrialArmEffects(trial, arm, 0.0, eff));
  tt_rng_substream(&rng, seed, (uint64_t) i, 0, 7);
  for (int k = 0; k < m->ncovariate; k++)
    s->cov[k] = !strcmp(m->covariate[k], "weight") ? tt_rng_truncnormal(&rng, 85.0, 15.0, 50.0, 150.0) : 0.0;
  m->draw_latent(par, &rng, s->eta);
  PetscCall(TTSimTrajectoryHistory(sim, s->cov, s->eta, eff0, eff, nt, t, y));
  for (int j = 0; j < nt; j++) {
    m->observe(par, y + j * m->nvar, &rng, yo);
    for (int k = 0; k < nv; k++) s->t[n] = t[j], s->var[n] = var[k], s->value[n] = yo[var[k]], s->below[n++] = 0;
  }
  snprintf(s->id, sizeof s->id, "P%d", (int) i);
  s->p = (TTPatient){s->id, s->cov, t[nt - 1] >= 0.0 ? arm : -1, n, s->t, s->var, s->value, s->below, NULL};
  PetscFunctionReturn(0);
}

/* The error code TTTwinFitCreate returns for the trial of protocol `path` with option
 * `name` set to `value` (the option cleared and everything destroyed afterwards; unused
 * by the benchmark that includes this header, hence PETSC_UNUSED). */
static PETSC_UNUSED PetscErrorCode tt_twin_fit_create_code(const char *path, const char *name, const char *value,
                                                           PetscErrorCode *code)
{
  TTProtocol *pr;
  TTTrial     trial;
  TTTwinFit   fit = NULL;

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(path, &pr, &trial));
  PetscCall(PetscOptionsSetValue(NULL, name, value));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  *code = TTTwinFitCreate(trial, &fit);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscOptionsClearValue(NULL, name));
  PetscCall(TTTwinFitDestroy(&fit));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

#endif
