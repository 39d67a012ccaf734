/* tt_twin_models.h — personalisable ODE models and synthetic patients for the gradient
 * test (test_twin_sens.c) and benchmark (tests/bench/bench_twin_gradient.c).
 *
 * tt_twin_model_trial loads a protocol and makes its trial. When the protocol's model has
 * no observation density yet (log_density, omega), a copy of the model is registered under
 * "<name>_twin" with the density its observe() draws from, and the trial uses that copy:
 *   t2d_hba1c:    log y ~ N(log m, resvar_<variable>) (M3: log Phi), omega
 *                 diag(sd_is0^2, sd_b0^2, sd_rb^2), unbounded;
 *   pk_1cmt_oral: y ~ N(m, (sigma_prop m)^2) (M3: log Phi), omega diag(omega2_cl,
 *                 omega2_v, omega2_ka) truncated at +-3 SD as draw_latent.
 * A shipped model that has its own density is used as it is.
 * tt_twin_synthetic draws a patient: covariates (weight ~ N(85, 15) in [50, 150] kg), eta
 * from the model's draw_latent, the noise-free trajectory at the given times on `arm`
 * (untreated before 0) and observe()'s noise, all from one generator keyed by (seed, i).
 */
#ifndef TT_TWIN_MODELS_H
#define TT_TWIN_MODELS_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <twintrial/twin.h>

static int tt_tm_rv[4], tt_tm_t2d_sd[3], tt_tm_pk_om[3], tt_tm_sigma; /* parameter indices of the copies */

static int tt_tm_param(const TTModelType *m, const char *name)
{
  return tt_model_param_index(m->nparam, m->param, name);
}

static double tt_tm_t2d_log_density(const double *par, int k, const TTObservation *o)
{
  double sd = sqrt(par[tt_tm_rv[k]]), z;
  if (!(o->mean > 0.0) || !(o->value > 0.0)) return -INFINITY;
  z = (log(o->value) - log(o->mean)) / sd;
  if (o->below) return log(0.5 * erfc(-z / sqrt(2.0)));
  return -0.5 * z * z - log(sd) - 0.9189385332046727 - log(o->value);
}

static void tt_tm_t2d_omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  (void) cov;
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) om[i * 3 + j] = i == j ? par[tt_tm_t2d_sd[i]] * par[tt_tm_t2d_sd[i]] : 0.0;
    lo[i] = -INFINITY, hi[i] = INFINITY;
  }
}

static double tt_tm_pk_log_density(const double *par, int k, const TTObservation *o)
{
  double sd = par[tt_tm_sigma] * o->mean, z;
  (void) k;
  if (!(sd > 0.0)) return -INFINITY;
  z = (o->value - o->mean) / sd;
  if (o->below) return log(0.5 * erfc(-z / sqrt(2.0)));
  return -0.5 * z * z - log(sd) - 0.9189385332046727;
}

static void tt_tm_pk_omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  (void) cov;
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) om[i * 3 + j] = i == j ? par[tt_tm_pk_om[i]] : 0.0;
    lo[i] = -3.0 * sqrt(par[tt_tm_pk_om[i]]), hi[i] = -lo[i];
  }
}

/* The personalisable model called `name` (the shipped one, or its registered copy). */
static const TTModelType *tt_twin_model(const char *name)
{
  static TTModelType t2d, pk;
  const TTModelType *m = tt_model_find(name);
  TTModelType       *c = NULL;

  if (!m || !tt_model_unpersonalisable(m)) return m;
  if (!strcmp(name, "t2d_hba1c")) {
    const char *rv[4] = {"resvar_hba1c", "resvar_fpg", "resvar_fsi", "resvar_weight"};
    const char *sd[3] = {"sd_is0", "sd_b0", "sd_rb"};
    c = &t2d, *c = *m, c->log_density = tt_tm_t2d_log_density, c->omega = tt_tm_t2d_omega;
    for (int i = 0; i < 4; i++) tt_tm_rv[i] = tt_tm_param(m, rv[i]);
    for (int i = 0; i < 3; i++) tt_tm_t2d_sd[i] = tt_tm_param(m, sd[i]);
    c->name = "t2d_hba1c_twin";
  } else if (!strcmp(name, "pk_1cmt_oral")) {
    const char *om[3] = {"omega2_cl", "omega2_v", "omega2_ka"};
    c = &pk, *c = *m, c->log_density = tt_tm_pk_log_density, c->omega = tt_tm_pk_omega;
    for (int i = 0; i < 3; i++) tt_tm_pk_om[i] = tt_tm_param(m, om[i]);
    tt_tm_sigma = tt_tm_param(m, "sigma_prop");
    c->name     = "pk_1cmt_oral_twin";
  } else
    return NULL;
  if (!tt_model_find(c->name)) tt_model_register(c);
  return c;
}

/* The protocol at `path` and its trial, on a personalisable model. */
static PetscErrorCode tt_twin_model_trial(const char *path, TTProtocol **pr, TTTrial *trial)
{
  const TTModelType *m;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(path, pr));
  m = tt_twin_model((*pr)->model);
  PetscCheck(m, PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: model %s: no density for this test", path, (*pr)->model);
  PetscCall(PetscStrncpy((*pr)->model, m->name, sizeof((*pr)->model)));
  PetscCall(TTTrialCreate(*pr, trial));
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
  s->p = (TTPatient){s->id, s->cov, t[nt - 1] >= 0.0 ? arm : -1, n, s->t, s->var, s->value, s->below};
  PetscFunctionReturn(0);
}

#endif
