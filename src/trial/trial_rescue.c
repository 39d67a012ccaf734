/* trial_rescue.c — rescue on an observed value (TTRescueSpec, protocol.h): an intercurrent
 * event decided by what the trial sees, as glycaemic rescue is in diabetes trials.
 *
 * Under arm a, at each of the rescue's visits in turn that the twin does not miss
 * (missed_visits), its actual course (after discontinuation, trial_discontinuation.c) is
 * observed with that visit's residual draws, the same the trial's observation uses, so the
 * value read is the value recorded; at the first visit where it is strictly above (or
 * below) the visit's limit the twin is rescued at that visit's time tr: the course under
 * its regimen up to tr (the arm's switches, a guided arm's choices and a discontinuation's
 * switch before tr included) and the rescue regimen from tr, integrated by the model's
 * regimen callbacks (an ODE restarts at tr); a visit on that day shows the course before
 * it, later switches of the arm or its chooser and a later discontinuation are dropped, and
 * the arm's events follow the rescue regimen. Withdrawal does not stop the rescue: the
 * course after it is the one the estimands' true values follow (withdrawal handled
 * hypothetically, as everywhere). The rescue time is the twin's, per arm, in the record.
 * Invariants after TTTrialBindRescue: every active rescue reads a model variable, names a
 * model that can switch regimens, and rescue_visit holds its visits' indices.
 */
#include <math.h>
#include <stdio.h>
#include "trialimpl.h"

PetscErrorCode TTTrialBindRescue(TTTrial t)
{
  const TTProtocol  *p   = t->p;
  const TTModelType *m   = t->model;
  const char        *why = tt_model_unswitchable(m);
  char               names[TT_VARIABLE_NAMES], key[64];

  PetscFunctionBeginUser;
  for (int a = 0; a < p->narm; a++) {
    const TTRescueSpec *s = &p->arm[a].rescue;
    t->rescue_var[a]      = -1;
    if (!s->active) continue;
    if (p->arm[a].own_rescue)
      PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].rescue", a));
    else
      PetscCall(PetscStrncpy(key, "rescue", sizeof key));
    if (why)
      USER_ERROR(p, s->loc, "%s: model %s cannot switch regimens during a twin's course: it defines no %s", key,
                 m->name, why);
    t->rescue_var[a] = TTTrialFindVariable(m, s->variable, names);
    if (t->rescue_var[a] < 0)
      USER_ERROR(p, s->variable_loc, "%s.variable: '%s' is not a variable of model %s; expected one of: %s", key,
                 s->variable, m->name, names);
    for (int i = 0; i < s->nvisit; i++)
      for (int v = 0; v < p->nvisit; v++)
        if (p->visit[v] == s->visit[i]) t->rescue_visit[a][i] = v;
  }
  PetscFunctionReturn(0);
}

/* The day of the first rescue visit at which the observed course crosses its limit. */
static double RescueDays(TTTrial t, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, const double *ymean,
                         const double rec[])
{
  const TTRescueSpec *s  = &t->p->arm[a].rescue;
  const PetscInt      nv = t->L.nvar;
  double              yobs[TT_MAX_VARS];

  for (int i = 0; i < s->nvisit; i++) {
    PetscInt v = t->rescue_visit[a][i];
    double   x;
    if (TTRecordMissed(&t->L, rec, v)) continue;
    TTTrialObserveDraw(t, r, p, cand, TT_STREAM_RESIDUAL + (uint64_t) v, ymean + v * nv, yobs);
    x = yobs[t->rescue_var[a]];
    if (s->above ? x > s->limit[i] : x < s->limit[i]) return t->t_days[v];
  }
  return INFINITY;
}

PetscErrorCode TTTrialRescue(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, double z,
                             TTSimCase *k, double *ymean, TTTrialCourse *course, double rec[])
{
  double tr;

  PetscFunctionBeginUser;
  rec[t->L.rescue + a] = INFINITY;
  if (!t->p->arm[a].rescue.active) PetscFunctionReturn(0);
  tr = RescueDays(t, r, p, cand, a, ymean, rec);
  if (!(tr < INFINITY)) PetscFunctionReturn(0);
  rec[t->L.rescue + a] = tr;
  return TTTrialSwitchAt(t, sim, tr / t->model->time_unit_days, t->p->arm[a].rescue.regimen, z, k, ymean, course);
}

void TTTrialViewRescue(TTTrial t, FILE *out)
{
  const TTProtocol *p = t->p;
  char              lim[32], at[32];

  if (!p->has_rescue) return;
  fprintf(out, "  arm_rescue: # the first listed visit at which the observed value crosses its limit, then\n");
  for (int a = 0; a < p->narm; a++) {
    const TTRescueSpec *s = &p->arm[a].rescue;
    fprintf(out, "    %s: ", p->arm[a].name);
    if (!s->active) {
      fprintf(out, "none\n");
      continue;
    }
    fprintf(out, "\"%s %s", s->variable, s->above ? ">" : "<");
    for (int i = 0; i < s->nvisit; i++)
      fprintf(out, "%s %s at %s", i ? "," : "", TTYamlFormatReal(s->limit[i], lim), TTYamlFormatReal(s->visit[i], at));
    fprintf(out, " %ss: switch to %s\"\n", p->time_unit, p->regimen[s->regimen].name);
  }
}
