/* trial_sim.c — one twin under every arm, with common random numbers.
 *
 * Streams (determinism contract): covariates (seed, r, p, COHORT) inside the
 * cohort; random effects (seed, r, p, LATENT); dropout (seed, r, p, DROPOUT);
 * residual error at visit v (seed, r, p, RESIDUAL + v), re-seeded identically for
 * every arm so each arm sees the same noise draws; prognostic noise (seed, r, p,
 * PROGNOSIS). The record never depends on which rank made it or what it made before.
 */
#include <math.h>
#include "trialimpl.h"

#define TT_MAX_LATENT    32
#define TT_MAX_VARS      16
#define TT_MAX_MODEL_COV 32

static PetscInt Stratum(TTTrial t, const double *x)
{
  PetscInt s = 0, level;
  for (int k = 0; k < t->p->nstrata; k++) {
    if (TTCohortLevelIndex(t->cohort, t->strata_cov[k], x[t->strata_cov[k]], &level)) level = 0;
    s = s * t->strata_levels[k] + level;
  }
  return s;
}

static double DropoutDays(TTTrial t, PetscInt r, PetscInt p)
{
  const TTProtocol *pr = t->p;
  tt_pcg32          g;
  if (pr->dropout == TT_DROPOUT_NONE) return INFINITY;
  tt_rng_substream(&g, pr->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_DROPOUT);
  return tt_rng_weibull(&g, pr->dropout_shape, pr->dropout_scale_days);
}

/* Observed trajectory of one arm: mean from the sim, residual noise per visit. */
static PetscErrorCode SimulateArm(TTTrial t, TTSim sim, PetscInt r, PetscInt p, const double *cm, const double *eta,
                                  const double *eff, double *traj)
{
  const TTRecordLayout *L = &t->L;
  double                ymean[TT_MAX_VISITS * TT_MAX_VARS];
  tt_pcg32              g;

  PetscFunctionBeginUser;
  PetscCall(TTSimTrajectory(sim, cm, eta, eff, L->nvisit, t->t_model, ymean));
  for (PetscInt v = 0; v < L->nvisit; v++) {
    tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_RESIDUAL + (uint64_t) v);
    t->model->observe(t->par, ymean + v * L->nvar, &g, traj + v * L->nvar);
  }
  PetscFunctionReturn(0);
}

/* Prognostic score per endpoint: the control arm's predicted endpoint with random
 * effects at their conditional mean given covariates and the observed baseline. */
static PetscErrorCode Prognosis(TTTrial t, TTSim sim, PetscInt r, PetscInt p, const double *cm, const double *yobs0,
                                double *score)
{
  const TTRecordLayout *L = &t->L;
  double                eta[TT_MAX_LATENT], ypred[TT_MAX_VISITS * TT_MAX_VARS];
  tt_pcg32              g;

  PetscFunctionBeginUser;
  t->model->condition(t->par, cm, yobs0, eta);
  PetscCall(TTSimTrajectory(sim, cm, eta, t->eff, L->nvisit, t->t_model, ypred));
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_PROGNOSIS);
  for (PetscInt e = 0; e < L->nendpoint; e++) {
    const TTEndpointSpec *ep = &t->p->endpoint[e];
    PetscInt              k  = t->endpoint_var[e];
    double                y  = ypred[ep->visit_index * L->nvar + k];
    if (ep->type == TT_ENDPOINT_CHANGE_FROM_BASELINE) y -= yobs0[k];
    score[e] = y + t->p->prognostic_noise_sd * tt_rng_normal(&g);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialSimulateTwin(TTTrial t, TTSim sim, PetscInt r, PetscInt p, double rec[])
{
  const TTModelType    *m = t->model;
  const TTRecordLayout *L = &t->L;
  double                eta[TT_MAX_LATENT], cm[TT_MAX_MODEL_COV];
  PetscInt              screen = 0;
  tt_pcg32              g;

  PetscFunctionBeginUser;
  PetscCheck(m->nlatent <= TT_MAX_LATENT && m->nvar <= TT_MAX_VARS && m->ncovariate <= TT_MAX_MODEL_COV,
             PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s exceeds the compiled-in sizes", m->name);
  PetscCall(TTCohortDraw(t->cohort, t->p->seed, r, p, rec + L->cov, &screen));
  rec[L->stratum] = (double) Stratum(t, rec + L->cov);
  rec[L->dropout] = DropoutDays(t, r, p);
  rec[L->screen]  = (double) screen;
  for (int j = 0; j < m->ncovariate; j++) cm[j] = rec[L->cov + t->model_cov[j]];
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_LATENT);
  m->draw_latent(t->par, &g, eta);
  for (PetscInt a = 0; a < L->narm; a++) {
    PetscErrorCode ierr =
        SimulateArm(t, sim, r, p, cm, eta, t->eff + a * m->neffect, rec + L->traj + a * L->nvisit * L->nvar);
    if (ierr) {
      char *why = NULL;
      PetscErrorMessage(ierr, NULL, &why);
      SETERRQ(PETSC_COMM_SELF, ierr, "twin %d of replicate %d under arm %s: %s", (int) p, (int) r, t->p->arm[a].name,
              why ? why : "simulation failed");
    }
  }
  PetscCall(Prognosis(t, sim, r, p, cm, rec + L->traj, rec + L->prognostic));
  PetscFunctionReturn(0);
}
