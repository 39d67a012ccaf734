/* trial_discontinuation.c — treatment discontinuation: a twin stops its arm's treatment
 * and goes on being observed off treatment (distinct from withdrawal, trial_dropout.c).
 *
 * Under arm a the twin stops at td = the time the arm's discontinuation hazard reaches
 * -log u, u the twin's uniform of stream (seed, r, p, DISCONTINUE), shared by every arm
 * (common random numbers, as dropout); an outcome-dependent hazard reads the on-treatment
 * course observed. A second uniform w of that stream decides whether it withdraws then (w
 * < withdraw). Before and at td the actual course is the on-treatment one, bit for bit;
 * at a visit after td:
 * - washout: y(t) = y0(t) + (y1(t) - y0(t)) 2^(-(t - td) / h), y1 the on-treatment and y0
 *   the untreated noise-free course (the model's default effects) of the same twin: the
 *   arm's effect on every measured variable decays with half-life h;
 * - switch: the course under the arm's regimen up to td (its own switches before td
 *   included) and regimen R from td, integrated by the model's regimen callbacks (an ODE
 *   restarts at td); the arm's events follow that regimen.
 * Each course is observed with the visit's residual draws, the same for every course of
 * the twin, so the on-treatment and actual observations agree before td.
 * Invariants after TTTrialBindDiscontinuation: a switching discontinuation names a model
 * that can switch; a washout names a model without events (which the washout of measured
 * values would leave on treatment); outcome-dependent variables exist.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "trialimpl.h"

PetscErrorCode TTTrialBindDiscontinuation(TTTrial t)
{
  const TTProtocol  *p   = t->p;
  const TTModelType *m   = t->model;
  const char        *why = tt_model_unswitchable(m);
  char               key[64];

  PetscFunctionBeginUser;
  for (int a = 0; a < p->narm; a++) {
    const TTDiscontinuationSpec *d = &p->arm[a].discontinuation;
    t->disc_var[a]                 = -1;
    if (d->hazard.model == TT_DROPOUT_NONE) continue;
    if (p->arm[a].own_discontinuation)
      PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].discontinuation", a));
    else
      PetscCall(PetscStrncpy(key, "discontinuation", sizeof key));
    PetscCall(TTTrialBindHazard(t, &d->hazard, key, &t->disc_var[a]));
    if (d->then == TT_THEN_SWITCH && why)
      USER_ERROR(p, d->then_loc,
                 "%s.then.switch: model %s cannot switch regimens during a twin's course: it defines no %s", key,
                 m->name, why);
    if (d->then == TT_THEN_WASHOUT && m->nevent > 0)
      USER_ERROR(p, d->then_loc,
                 "%s.then.washout: model %s has events (%s%s), which a washout of the measured course would leave on "
                 "treatment; expected then: {switch: REGIMEN}, under which the model's events follow the regimen",
                 key, m->name, m->event[0].name, m->nevent > 1 ? ", ..." : "");
  }
  PetscFunctionReturn(0);
}

/* Case k's regimen up to model time tdm (the segments starting before it; its constant
 * effects when it has no regimen), then regimen R from tdm. course must not hold k->reg. */
static void SwitchCourse(TTTrial t, const TTSimCase *k, double tdm, PetscInt R, double z, TTTrialCourse *c)
{
  const PetscInt   ne  = t->model->neffect;
  const TTRegimen *arm = k->reg;
  int              n   = 0;

  if (arm)
    for (; n < arm->n && arm->start[n] < tdm; n++) {
      c->start[n] = arm->start[n];
      PetscArraycpy(c->eff + n * ne, arm->eff + n * ne, ne);
    }
  else if (tdm > 0) {
    c->start[0] = 0.0;
    PetscArraycpy(c->eff, k->eff, ne);
    n = 1;
  }
  c->start[n] = n ? tdm : 0.0;
  (void) TTTrialRegimenEffects(t, R, z, c->eff + n * ne);
  c->reg.n     = n + 1;
  c->reg.start = c->start;
  c->reg.eff   = c->eff;
}

PetscErrorCode TTTrialSwitchAt(TTTrial t, TTSim sim, double tm, PetscInt R, double z, TTSimCase *k, double *ymean,
                               TTTrialCourse *course)
{
  const TTRecordLayout *L  = &t->L;
  const PetscInt        nv = L->nvar;
  double                ynew[TT_MAX_VISITS * TT_MAX_VARS];
  PetscErrorCode        ierr;

  PetscFunctionBeginUser;
  PetscCheck(L->nvisit <= TT_MAX_VISITS && nv <= TT_MAX_VARS, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s exceeds the compiled-in sizes", t->model->name);
  SwitchCourse(t, k, tm, R, z, course);
  {
    TTSimCase sw = {k->cov, k->eta, k->eff, &course->reg};
    ierr         = TTSimTrajectories(sim, 1, &sw, L->nvisit, t->t_model, ynew);
    if (ierr) PetscFunctionReturn(ierr);
  }
  for (PetscInt v = 0; v < L->nvisit; v++)
    if (t->t_model[v] > tm) PetscCall(PetscArraycpy(ymean + v * nv, ynew + v * nv, nv));
  k->reg = &course->reg;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialDiscontinue(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, double u,
                                  double z, TTSimCase *k, double *ymean, double *yoff, PetscBool *have_off,
                                  TTTrialCourse *course, double rec[])
{
  const TTRecordLayout        *L     = &t->L;
  const TTDiscontinuationSpec *d     = &t->p->arm[a].discontinuation;
  const PetscInt               nv    = L->nvar;
  double                      *block = rec + L->disc + a * L->disc_size, *on = block + 1, td, tdm;
  PetscErrorCode               ierr;

  PetscFunctionBeginUser;
  for (PetscInt v = 0; v < L->nvisit; v++)
    TTTrialObserveDraw(t, r, p, cand, TT_STREAM_RESIDUAL + (uint64_t) v, ymean + v * nv, on + v * nv);
  td       = TTTrialHazardDays(t, &d->hazard, t->disc_var[a], u, on);
  block[0] = td;
  if (!(td < t->t_days[L->nvisit - 1])) PetscFunctionReturn(0); /* on treatment at every visit */
  tdm = td / t->model->time_unit_days;
  if (d->then == TT_THEN_WASHOUT) {
    if (!*have_off) {
      TTSimCase off = {k->cov, k->eta, t->eff_none, NULL};
      ierr          = TTSimTrajectories(sim, 1, &off, L->nvisit, t->t_model, yoff);
      if (ierr) PetscFunctionReturn(ierr);
      *have_off = PETSC_TRUE;
    }
    for (PetscInt v = 0; v < L->nvisit; v++) {
      double f = exp2(-(t->t_days[v] - td) / d->half_life_days);
      if (!(t->t_days[v] > td)) continue;
      for (PetscInt i = v * nv; i < (v + 1) * nv; i++) ymean[i] = yoff[i] + (ymean[i] - yoff[i]) * f;
    }
    PetscFunctionReturn(0);
  }
  return TTTrialSwitchAt(t, sim, tdm, d->regimen, z, k, ymean, course);
}

void TTTrialViewDiscontinuation(TTTrial t, FILE *out)
{
  const TTProtocol *p    = t->p;
  double            last = t->t_days[t->L.nvisit - 1];
  char              num[32];

  if (!p->has_discontinuation) return;
  fprintf(out, "  arm_discontinuation_by_last_visit: # share stopping treatment by day %g, then\n", last);
  for (int a = 0; a < p->narm; a++) {
    const TTDiscontinuationSpec *d = &p->arm[a].discontinuation;
    const TTDropoutSpec         *h = &d->hazard;
    double                       s = h->model == TT_DROPOUT_NONE                ? 1.0
                                     : h->model == TT_DROPOUT_OUTCOME_DEPENDENT ? NAN
                                                                                : exp(-pow(last / h->scale_days, h->shape));
    if (!isnan(s)) snprintf(num, sizeof num, "%.4g", 1.0 - s);
    fprintf(out, "    %s: %s # ", p->arm[a].name, isnan(s) ? "null" : num);
    if (h->model == TT_DROPOUT_NONE) {
      fprintf(out, "never stops\n");
      continue;
    }
    if (d->then == TT_THEN_WASHOUT)
      fprintf(out, "washout, half-life %s days", TTYamlFormatReal(d->half_life_days, num));
    else
      fprintf(out, "switch to %s", p->regimen[d->regimen].name);
    fprintf(out, "; %s of those stopping withdraw%s\n", TTYamlFormatReal(d->withdraw, num),
            h->model == TT_DROPOUT_OUTCOME_DEPENDENT ? " (outcome_dependent: the share depends on each twin's course)"
                                                     : "");
  }
}
