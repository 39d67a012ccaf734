/* trial_sim.c — one twin under every arm, with common random numbers.
 *
 * Streams (determinism contract): covariates (seed, r, p, COHORT) inside the
 * cohort; random effects (seed, r, p, LATENT); enrolment time (seed, r, p, ENTRY);
 * dropout (seed, r, p, DROPOUT) and, when an arm has an extra_dropout, (seed, r, p,
 * DROPOUT_EXTRA): one uniform each, shared by every arm (trial_dropout.c); residual error at
 * visit v (seed, r, p, RESIDUAL + v) and model events (seed, r, p, EVENTS), re-seeded
 * identically for every arm so each arm sees the same draws; prognostic noise
 * (seed, r, p, PROGNOSIS); treatment discontinuation (seed, r, p, DISCONTINUE), two uniforms
 * shared by every arm, drawn only when some arm can discontinue (trial_discontinuation.c:
 * the arm's actual course replaces its on-treatment one before it is observed). The record never depends on which rank
 * made it or what it made before. Screening on baseline measurements may reject candidates: candidate c takes its
 * random effects and residuals from the purposes above plus c << 32 (c = 0, the only candidate without such screening,
 * keeps them unchanged). Integration: the twin's arms (and, for ODE models without doses whose first visit is at t = 0,
 * its prognostic prediction) are one TTSimTrajectories call, so what shares the integrator's steps is fixed by the twin
 * alone. An arm with switches is a case with its regimen (trial_regimen.c): its effects, exposure-response included,
 * change at each switch, and its events come from TTSimEvents under the regimen; the
 * prognostic prediction follows the first arm's regimen (typical, as its effects).
 */
#include <math.h>
#include <stdio.h>
#include "trialimpl.h"

#define TT_MAX_LATENT    32
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

/* Purpose key of a stream that differs between a twin's screening candidates (their
 * random effects and residuals): the first candidate keeps the plain purpose. */
static uint64_t CandidateKey(uint64_t purpose, PetscInt candidate)
{
  return purpose + ((uint64_t) candidate << 32);
}

void TTTrialObserveDraw(TTTrial t, PetscInt r, PetscInt p, PetscInt cand, uint64_t purpose, const double *ymean,
                        double *yobs)
{
  tt_pcg32 g;
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, CandidateKey(purpose, cand));
  t->model->observe(t->par, ymean, &g, yobs);
}

/* Observed values at visit v from the noise-free ymean[nvar] of that visit. */
static void Observe(TTTrial t, PetscInt r, PetscInt p, PetscInt cand, PetscInt v, const double *ymean, double *yobs)
{
  TTTrialObserveDraw(t, r, p, cand, TT_STREAM_RESIDUAL + (uint64_t) v, ymean, yobs);
}

/* Observed trajectory and events of one arm from its noise-free trajectory ymean. */
static PetscErrorCode ObserveArm(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, const TTSimCase *k,
                                 PetscInt a, const double u_dropout[2], const double *ymean, double *block)
{
  const TTRecordLayout *L    = &t->L;
  const TTModelType    *m    = t->model;
  double               *traj = block + 1, *ev = block + 1 + L->nvisit * L->nvar;
  tt_pcg32              g;

  PetscFunctionBeginUser;
  for (PetscInt v = 0; v < L->nvisit; v++) Observe(t, r, p, cand, v, ymean + v * L->nvar, traj + v * L->nvar);
  for (PetscInt i = 0; i < L->nvisit * L->nvar; i++) /* a NaN would pass as a missing value */
    PetscCheck(isfinite(traj[i]), PETSC_COMM_SELF, PETSC_ERR_FP, "the model gave %s = %g at visit %d (day %g)",
               m->var[i % L->nvar].name, traj[i], (int) (i / L->nvar), t->t_days[i / L->nvar]);
  if (m->nevent > 0) {
    tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_EVENTS);
    PetscCall(TTSimEvents(sim, k, t->horizon_days / m->time_unit_days, &g, ev)); /* a failure fails the twin */
    for (PetscInt i = 0; i < m->nevent * TT_MAX_EVENT_TIMES; i++) ev[i] *= m->time_unit_days;
  }
  block[0] = TTTrialDropoutDays(t, a, u_dropout[0], u_dropout[1], traj);
  PetscFunctionReturn(0);
}

/* Prognostic score per endpoint measured at a visit: the first arm's predicted
 * measure ypred (random effects at their conditional mean given covariates and the
 * observed baseline yobs0) plus noise; NaN for endpoints without a visit. */
static void PrognosticScore(TTTrial t, PetscInt r, PetscInt p, const double *ypred, const double *yobs0, double *score)
{
  const TTRecordLayout *L = &t->L;
  tt_pcg32              g;

  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_PROGNOSIS);
  for (PetscInt e = 0; e < L->nendpoint; e++) {
    const TTEndpointSpec *ep = &t->p->endpoint[e];
    PetscInt              k  = t->endpoint_var[e];
    double                y, noise = tt_rng_normal(&g);
    if (ep->visit_index < 0 || k < 0 || TTEndpointIsWindow(ep->type)) {
      score[e] = NAN;
      continue;
    }
    y = ypred[ep->visit_index * L->nvar + k];
    if (ep->type == TT_ENDPOINT_CHANGE_FROM_BASELINE ||
        (ep->type == TT_ENDPOINT_RESPONDER && ep->measure == TT_MEASURE_CHANGE))
      y -= yobs0[k];
    else if (ep->type == TT_ENDPOINT_PERCENT_CHANGE ||
             (ep->type == TT_ENDPOINT_RESPONDER && ep->measure == TT_MEASURE_PERCENT_CHANGE))
      y = 100.0 * (y - yobs0[k]) / yobs0[k];
    score[e] = y + t->p->prognostic_noise_sd * noise;
  }
}

/* The first arm's typical regimen (its effects as resolved, no exposure-response) for the
 * prognostic prediction: NULL when it does not switch. */
typedef struct {
  double    start[TT_MAX_SEGMENTS], eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS];
  TTRegimen reg;
} FirstArm;

static const TTRegimen *FirstArmRegimen(TTTrial t, FirstArm *f)
{
  if (!t->p->arm[0].nswitch) return NULL;
  TTTrialSwitchingRegimen(t, 0, t->eff, 0.0, PETSC_FALSE, f->start, f->eff, &f->reg);
  return &f->reg;
}

/* The prognostic score with its own trajectory. */
static PetscErrorCode Prognosis(TTTrial t, TTSim sim, PetscInt r, PetscInt p, const double *cm, const double *yobs0,
                                double *score)
{
  const TTRecordLayout *L = &t->L;
  double                eta[TT_MAX_LATENT], ypred[TT_MAX_VISITS * TT_MAX_VARS];
  FirstArm              first;
  TTSimCase             k = {cm, eta, t->eff, FirstArmRegimen(t, &first)};

  PetscFunctionBeginUser;
  t->model->condition(t->par, cm, yobs0, eta);
  PetscCall(TTSimTrajectories(sim, 1, &k, L->nvisit, t->t_model, ypred));
  PrognosticScore(t, r, p, ypred, yobs0, score);
  PetscFunctionReturn(0);
}

/* For an ODE model without doses whose first visit is at t = 0, the prognostic
 * trajectory can join the arms' integration: the observed baseline it is conditioned
 * on is the first arm's output at t = 0, which needs no step. Sets that observation
 * yobs0[nvar] and the prognostic case (random effects eta_c); returns whether it applies. */
static PetscBool PrognosticCase(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, const TTSimCase *arm0,
                                double *yobs0, double *eta_c, FirstArm *first, TTSimCase *c)
{
  const TTModelType *m = t->model;
  double             y0[TT_MAX_VARS];

  if (m->nstate == 0 || m->doses || t->t_model[0] != 0.0) return PETSC_FALSE;
  if (TTSimTrajectories(sim, 1, arm0, 1, t->t_model, y0)) return PETSC_FALSE; /* the arms report it */
  Observe(t, r, p, cand, 0, y0, yobs0);
  m->condition(t->par, arm0->cov, yobs0, eta_c);
  *c = (TTSimCase){arm0->cov, eta_c, t->eff, FirstArmRegimen(t, first)};
  return PETSC_TRUE;
}

void TTTrialDosed(TTTrial t, double dose_mg, double z, double *eff)
{
  const TTProtocol *pr = t->p;
  double            css, cl, w;

  if (t->er_effect < 0) return;
  w   = sqrt(log(1.0 + pr->er_clearance_cv * pr->er_clearance_cv));
  cl  = pr->er_clearance * exp(w * z); /* median CL is the typical value */
  css = dose_mg / (cl * pr->er_interval_h);
  eff[t->er_effect] =
      css > 0 ? pr->er_emax * pow(css, pr->er_hill) / (pow(pr->er_ec50, pr->er_hill) + pow(css, pr->er_hill)) : 0.0;
}

/* Arm effects of this twin: the arm's, with the exposure-response effect set from the
 * twin's average steady-state concentration Css = dose / (CL_i tau), CL_i log-normal. */
static void EffectsAt(TTTrial t, PetscInt a, double z, double *eff)
{
  PetscInt ne = t->model->neffect;

  PetscArraycpy(eff, t->eff + a * ne, ne);
  if (t->er_effect < 0 || a >= t->p->narm) return;
  TTTrialDosed(t, t->p->arm[a].dose_mg, z, eff);
}

/* The twin's exposure-response clearance, in standard deviations from the typical (0
 * without exposure_response). */
static double TwinClearance(TTTrial t, PetscInt r, PetscInt p)
{
  tt_pcg32 g;

  if (t->er_effect < 0) return 0.0;
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_EXPOSURE);
  return tt_rng_normal(&g);
}

PetscErrorCode TTTrialArmEffects(TTTrial t, PetscInt arm, double z, double eff[])
{
  PetscFunctionBeginUser;
  PetscCheck(arm >= 0 && arm <= t->p->narm, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "arm %d not in [0, %d]",
             (int) arm, t->p->narm);
  EffectsAt(t, arm, z, eff);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetParameters(TTTrial t, const double **par)
{
  PetscFunctionBeginUser;
  *par = t->par;
  PetscFunctionReturn(0);
}

/* A twin's simulation failed under `where`: with model.on_failure abort, the error
 * names the twin, its replicate and the arm; with drop, the twin keeps its baseline
 * data, loses every outcome (NaN, no endpoint) and is counted, and the integrator is
 * rebuilt, so the twins after it are computed exactly as on a fresh rank. */
static PetscErrorCode SimulationFailed(TTTrial t, TTSim sim, PetscInt r, PetscInt p, const char *where,
                                       PetscErrorCode ierr, double rec[])
{
  const TTRecordLayout *L   = &t->L;
  char                 *why = NULL;

  PetscFunctionBeginUser;
  PetscErrorMessage(ierr, NULL, &why);
  if (t->p->on_failure == TT_ON_FAILURE_ABORT)
    SETERRQ(PETSC_COMM_SELF, ierr,
            "twin %d of replicate %d under %s: %s (model.on_failure: abort; 'drop' would exclude such twins and count "
            "them)",
            (int) p, (int) r, where, why ? why : "simulation failed");
  for (PetscInt i = L->prognostic; i < L->failed; i++) rec[i] = NAN;
  for (PetscInt i = L->guided; i < L->size; i++) rec[i] = NAN;
  rec[L->failed] = 1.0;
  PetscCall(TTSimReset(sim));
  PetscFunctionReturn(0);
}

/* After a failed integration of the arms together: each integrated arm (batch[nb]) alone
 * on a rebuilt integrator, so a failure names its arm (*arm); 0 if every arm succeeds
 * alone (its trajectories are then the twin's, a function of the twin only). */
static PetscErrorCode ArmByArm(TTTrial t, TTSim sim, const TTSimCase cases[], PetscInt nb, const PetscInt batch[],
                               double ymean[], PetscInt *arm)
{
  const TTRecordLayout *L = &t->L;
  PetscErrorCode        ierr;

  PetscFunctionBeginUser;
  PetscCall(TTSimReset(sim));
  for (PetscInt b = 0; b < nb; b++) {
    *arm = batch[b];
    ierr = TTSimTrajectories(sim, 1, &cases[*arm], L->nvisit, t->t_model, ymean + *arm * L->nvisit * L->nvar);
    if (ierr) PetscFunctionReturn(ierr);
  }
  PetscFunctionReturn(0);
}

/* The arms integrated together (every arm not guided, then the prognostic case when
 * joint), their trajectories in ymean by arm (the prognostic one at narm); without guided
 * arms straight into ymean, as before guided arms existed. */
static PetscErrorCode Integrate(TTTrial t, TTSim sim, const TTSimCase cases[], PetscBool *joint, double ymean[],
                                PetscInt *arm)
{
  const TTRecordLayout *L  = &t->L;
  const PetscInt        nt = L->nvisit * L->nvar;
  TTSimCase             batch_cases[TT_MAX_ARMS + 1];
  PetscInt              batch[TT_MAX_ARMS + 1], nb = 0, narm = 0;
  PetscErrorCode        ierr;

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a <= L->narm; a++)
    if (a < L->narm ? !t->p->arm[a].guided : *joint) batch[nb] = a, batch_cases[nb++] = cases[a];
  narm = nb - (*joint ? 1 : 0);
  if (narm == L->narm)
    ierr = TTSimTrajectories(sim, nb, cases, L->nvisit, t->t_model, ymean);
  else {
    ierr = TTSimTrajectories(sim, nb, batch_cases, L->nvisit, t->t_model, t->ybatch);
    for (PetscInt b = 0; !ierr && b < nb; b++) PetscCall(PetscArraycpy(ymean + batch[b] * nt, t->ybatch + b * nt, nt));
  }
  if (!ierr) PetscFunctionReturn(0);
  *joint = PETSC_FALSE;
  PetscFunctionReturn(ArmByArm(t, sim, cases, narm, batch, ymean, arm));
}

/* Guided arm a: the chooser's regimen (into start, eff, *reg), trajectory (ymean's slot
 * of arm a) and block; the case the arm's events and observations see. */
static PetscErrorCode GuidedArm(TTTrial t, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, double z, double start[],
                                double eff[], TTRegimen *reg, TTSimCase *k, double ymean[], double rec[])
{
  const TTRecordLayout *L = &t->L;
  TTGuidedTwin          w = {a, r, p, cand, k->cov, k->eta, z};
  PetscErrorCode        ierr;

  PetscFunctionBeginUser;
  PetscCheck(t->guide, PETSC_COMM_SELF, PETSC_ERR_ORDER, "arm %s is guided but the trial has no chooser",
             t->p->arm[a].name);
  ierr = t->guide(t->guide_ctx, t, &w, start, eff, reg, ymean + a * L->nvisit * L->nvar,
                  rec + L->guided + a * TT_GUIDED_SIZE);
  if (ierr) PetscFunctionReturn(ierr);
  k->eff = reg->eff;
  k->reg = reg->n > 1 ? reg : NULL;
  PetscFunctionReturn(0);
}

/* missed_visits: twin p of replicate r misses post-baseline visit v when the v-th uniform
 * of its own stream (seed, r, p, MISSED) is below the probability; the same visits under
 * every arm, and no other draw moves. */
static void MissedVisits(TTTrial t, PetscInt r, PetscInt p, double rec[])
{
  const TTRecordLayout *L = &t->L;
  tt_pcg32              g;
  if (!L->missed_size) return;
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_MISSED);
  rec[L->missed] = 0.0; /* the baseline visit is never missed */
  for (PetscInt v = 1; v < L->nvisit; v++) rec[L->missed + v] = tt_rng_uniform(&g) < t->p->missed_probability;
}

/* The twin's covariates x (into rec) and random effects eta: candidates in turn until
 * one meets the cohort's criteria; those on baseline measurements read the candidate's
 * observed values at the first visit, untreated (its residuals keyed as the arms'
 * visit-0 residuals, so an arm without an effect at that visit stores the screened
 * value). Every rejected candidate is a screen failure. */
static PetscErrorCode Enrol(TTTrial t, TTSim sim, PetscInt r, PetscInt p, double rec[], double *cm, double *eta,
                            PetscInt *cand)
{
  const TTModelType    *m = t->model;
  const TTRecordLayout *L = &t->L;
  double                y[TT_MAX_VARS], y0[TT_MAX_VARS];
  PetscInt              screen = 0, rejected;
  TTCohortScreen        s;
  tt_pcg32              g;
  PetscErrorCode        ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(TTCohortScreenStart(t->cohort, t->p->seed, r, p, &s));
  for (;; screen++) {
    PetscCall(TTCohortScreenNext(t->cohort, &s, rec + L->cov, &rejected));
    screen += rejected;
    *cand          = s.candidate;
    rec[L->screen] = (double) screen;
    for (int j = 0; j < m->ncovariate; j++) cm[j] = rec[L->cov + t->model_cov[j]];
    tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, CandidateKey(TT_STREAM_LATENT, *cand));
    m->draw_latent(t->par, &g, eta);
    if (!TTCohortScreensMeasurements(t->cohort)) break;
    ierr = TTSimTrajectory(sim, cm, eta, t->eff_none, 1, t->t_model, y);
    if (ierr) break;
    Observe(t, r, p, *cand, 0, y, y0);
    for (PetscInt k = 0; k < m->nvar; k++) /* a NaN would pass as a screen failure */
      PetscCheck(isfinite(y0[k]), PETSC_COMM_SELF, PETSC_ERR_FP, "the model gave %s = %g at the screening visit",
                 m->var[k].name, y0[k]);
    if (TTCohortAcceptsMeasurements(t->cohort, rec + L->cov, y0)) break;
  }
  PetscFunctionReturn(ierr);
}

PetscErrorCode TTTrialSimulateTwin(TTTrial t, TTSim sim, PetscInt r, PetscInt p, double rec[])
{
  const TTModelType    *m = t->model;
  const TTRecordLayout *L = &t->L;
  double                eta[TT_MAX_LATENT], cm[TT_MAX_MODEL_COV], u_dropout[2], eff[TT_MAX_ARMS * TT_MAX_EFFECTS];
  double                ymean[(TT_MAX_ARMS + 1) * TT_MAX_VISITS * TT_MAX_VARS], eta_c[TT_MAX_LATENT];
  double                yobs0[TT_MAX_VARS], z, u_disc[2] = {0.5, 1.0}, yoff[TT_MAX_VISITS * TT_MAX_VARS];
  TTTrialCourse         course[TT_MAX_ARMS];  /* the arms' courses after a switching discontinuation */
  TTTrialCourse         rescued[TT_MAX_ARMS]; /* and after a rescue */
  PetscBool             have_off = PETSC_FALSE;
  double                rstart[TT_MAX_ARMS][TT_MAX_SEGMENTS], reff[TT_MAX_ARMS][TT_MAX_SEGMENTS * TT_MAX_EFFECTS];
  TTRegimen             reg[TT_MAX_ARMS];       /* of the arms that switch */
  FirstArm              first;                  /* the prognostic prediction's regimen */
  TTSimCase             cases[TT_MAX_ARMS + 1]; /* the arms, and the prognostic prediction */
  PetscBool             joint;
  PetscInt              cand = 0, arm = 0;
  tt_pcg32              g;
  PetscErrorCode        ierr, ierr_prognosis;

  PetscFunctionBeginUser;
  PetscCheck(m->nlatent <= TT_MAX_LATENT && m->nvar <= TT_MAX_VARS && m->ncovariate <= TT_MAX_MODEL_COV &&
                 m->neffect <= TT_MAX_EFFECTS && L->narm <= TT_MAX_ARMS,
             PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s exceeds the compiled-in sizes", m->name);
  rec[L->failed] = 0.0;
  MissedVisits(t, r, p, rec);
  ierr = Enrol(t, sim, r, p, rec, cm, eta, &cand);
  if (ierr == PETSC_ERR_USER) PetscCall(ierr);
  rec[L->stratum] = (double) Stratum(t, rec + L->cov);
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_ENTRY);
  rec[L->entry] = t->p->accrual_days * tt_rng_uniform(&g);
  if (ierr) {
    PetscCall(SimulationFailed(t, sim, r, p, "its screening baseline", ierr, rec));
    PetscFunctionReturn(0);
  }
  tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_DROPOUT);
  u_dropout[0] = tt_rng_uniform(&g);
  u_dropout[1] = 0.5; /* unused without an extra_dropout */
  if (t->extra_dropout) {
    tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_DROPOUT_EXTRA);
    u_dropout[1] = tt_rng_uniform(&g);
  }
  if (L->disc_size) {
    tt_rng_substream(&g, t->p->seed, (uint64_t) r, (uint64_t) p, TT_STREAM_DISCONTINUE);
    u_disc[0] = tt_rng_uniform(&g);
    u_disc[1] = tt_rng_uniform(&g);
  }
  z = TwinClearance(t, r, p);
  for (PetscInt i = 0; i < L->narm * TT_GUIDED_SIZE; i++) rec[L->guided + i] = NAN;
  for (PetscInt a = 0; a < PetscMin(L->narm, TT_MAX_ARMS); a++) {
    EffectsAt(t, a, z, eff + a * TT_MAX_EFFECTS);
    cases[a] = (TTSimCase){cm, eta, eff + a * TT_MAX_EFFECTS, NULL};
    if (!t->p->arm[a].nswitch) continue;
    TTTrialSwitchingRegimen(t, a, eff + a * TT_MAX_EFFECTS, z, PETSC_TRUE, rstart[a], reff[a], &reg[a]);
    cases[a].reg = &reg[a];
  }
  for (PetscInt a = 0; a < L->narm; a++) {
    if (!t->p->arm[a].guided) continue;
    ierr = GuidedArm(t, r, p, cand, a, z, rstart[a], reff[a], &reg[a], &cases[a], ymean, rec);
    if (ierr == PETSC_ERR_NOT_CONVERGED || ierr == PETSC_ERR_FP) {
      char where[TT_NAME_MAX + 8];
      snprintf(where, sizeof(where), "arm %s", t->p->arm[a].name);
      PetscCall(SimulationFailed(t, sim, r, p, where, ierr, rec));
      PetscFunctionReturn(0);
    }
    PetscCall(ierr);
  }
  joint = PrognosticCase(t, sim, r, p, cand, &cases[0], yobs0, eta_c, &first, &cases[L->narm]);
  ierr  = Integrate(t, sim, cases, &joint, ymean, &arm);
  for (PetscInt a = 0; !ierr && a < L->narm; a++) {
    if (L->disc_size)
      ierr = TTTrialDiscontinue(t, sim, r, p, cand, a, u_disc[0], z, &cases[a], ymean + a * L->nvisit * L->nvar, yoff,
                                &have_off, &course[a], rec);
    if (!ierr && L->rescue_size)
      ierr = TTTrialRescue(t, sim, r, p, cand, a, z, &cases[a], ymean + a * L->nvisit * L->nvar, &rescued[a], rec);
    if (!ierr)
      ierr = ObserveArm(t, sim, r, p, cand, &cases[a], a, u_dropout, ymean + a * L->nvisit * L->nvar,
                        rec + L->arm0 + a * L->arm_size);
    if (!ierr && L->disc_size && u_disc[1] < t->p->arm[a].discontinuation.withdraw) /* withdraws when it stops */
      rec[L->arm0 + a * L->arm_size] = PetscMin(rec[L->arm0 + a * L->arm_size], TTRecordDiscontinuation(L, rec, a));
    if (ierr) arm = a;
  }
  if (ierr) {
    char where[TT_NAME_MAX + 8];
    snprintf(where, sizeof(where), "arm %s", t->p->arm[arm].name);
    PetscCall(SimulationFailed(t, sim, r, p, where, ierr, rec));
    PetscFunctionReturn(0);
  }
  if (joint) {
    for (PetscInt k = 0; k < L->nvar; k++) /* the baseline the score was conditioned on is the observed one */
      PetscCheck(yobs0[k] == TTRecordTraj(L, rec, 0)[k], PETSC_COMM_SELF, PETSC_ERR_PLIB,
                 "twin %d of replicate %d: baseline at t = 0 differs between the arms' integration and its own",
                 (int) p, (int) r);
    PrognosticScore(t, r, p, ymean + L->narm * L->nvisit * L->nvar, TTRecordTraj(L, rec, 0), rec + L->prognostic);
    PetscFunctionReturn(0);
  }
  ierr_prognosis = Prognosis(t, sim, r, p, cm, TTRecordTraj(L, rec, 0), rec + L->prognostic);
  if (ierr_prognosis) PetscCall(SimulationFailed(t, sim, r, p, "the prognostic model", ierr_prognosis, rec));
  PetscFunctionReturn(0);
}
