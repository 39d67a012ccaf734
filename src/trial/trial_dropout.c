/* trial_dropout.c — a twin's dropout time under each arm, the arms' hazards bound to
 * the model, and their view.
 *
 * Under arm a the twin drops out at min(T_a, E_a): T_a inverts the arm's all-cause
 * hazard (its own `dropout`, else the protocol's) at the twin's dropout uniform u
 * (stream DROPOUT), E_a the arm's `extra_dropout` hazard at a second uniform v (stream
 * DROPOUT_EXTRA; E_a = INFINITY without one). Both uniforms belong to the twin and are
 * shared by every arm (common random numbers): arms with the same hazards give the same
 * time, and under Weibull or exponential hazards a twin sits at the same quantile of
 * every arm's distribution, so it never drops out earlier under the arm whose survivor
 * function is higher at every time. The extra cause is independent of the other
 * (independent competing risks): S_a(t) = S_T(t) S_E(t). An arm that states neither
 * gets exactly the protocol's time, computed as before arms could state their own.
 */
#include <math.h>
#include <stdio.h>
#include "trialimpl.h"

PetscErrorCode TTTrialBindHazard(TTTrial t, const TTDropoutSpec *d, const char *key, PetscInt *var)
{
  PetscFunctionBeginUser;
  *var = -1;
  if (d->model != TT_DROPOUT_OUTCOME_DEPENDENT) PetscFunctionReturn(0);
  *var = TTTrialFindVariable(t->model, d->variable, NULL);
  if (*var < 0)
    USER_ERROR(t->p, d->variable_loc, "%s.variable: '%s' is not a variable of model %s", key, d->variable,
               t->model->name);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialBindDropout(TTTrial t)
{
  const TTProtocol *p = t->p;
  PetscInt          var;
  char              key[64];

  PetscFunctionBeginUser;
  PetscCall(TTTrialBindHazard(t, &p->dropout, "dropout", &var));
  t->extra_dropout = PETSC_FALSE;
  for (int a = 0; a < p->narm; a++) {
    PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].dropout", a));
    if (p->arm[a].own_dropout)
      PetscCall(TTTrialBindHazard(t, &p->arm[a].dropout, key, &t->dropout_var[a]));
    else
      t->dropout_var[a] = var;
    PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].extra_dropout", a));
    PetscCall(TTTrialBindHazard(t, &p->arm[a].extra_dropout, key, &t->extra_var[a]));
    if (p->arm[a].extra_dropout.model != TT_DROPOUT_NONE) t->extra_dropout = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

/* Outcome-dependent (MNAR) dropout: piecewise-constant hazard rate exp(gamma (y_v - y_0))
 * / scale after visit v, y = variable `var` observed; the twin drops out when the
 * cumulative hazard reaches -log u. */
static double OutcomeDays(TTTrial t, const TTDropoutSpec *d, PetscInt var, double u, const double *traj)
{
  const TTRecordLayout *L      = &t->L;
  double                target = -log(u), cum = 0.0, rate0 = 1.0 / d->scale_days, y0 = traj[var];
  for (PetscInt v = 0; v < L->nvisit; v++) {
    double h   = rate0 * exp(d->gamma * (traj[v * L->nvar + var] - y0));
    double end = v + 1 < L->nvisit ? t->t_days[v + 1] : INFINITY;
    if (cum + h * (end - t->t_days[v]) >= target) return t->t_days[v] + (target - cum) / h;
    cum += h * (end - t->t_days[v]);
  }
  return INFINITY;
}

double TTTrialHazardDays(TTTrial t, const TTDropoutSpec *d, PetscInt var, double u, const double *traj)
{
  if (d->model == TT_DROPOUT_NONE) return INFINITY;
  if (d->model == TT_DROPOUT_OUTCOME_DEPENDENT) return OutcomeDays(t, d, var, u, traj);
  return d->scale_days * pow(-log(u), 1.0 / d->shape); /* inverse of the Weibull/exponential survivor function */
}

double TTTrialDropoutDays(TTTrial t, PetscInt a, double u, double v, const double *traj)
{
  const TTArmSpec *arm  = &t->p->arm[a];
  double           days = TTTrialHazardDays(t, &arm->dropout, t->dropout_var[a], u, traj);
  if (arm->extra_dropout.model != TT_DROPOUT_NONE)
    days = PetscMin(days, TTTrialHazardDays(t, &arm->extra_dropout, t->extra_var[a], v, traj));
  return days;
}

/* Survivor function of a Weibull/exponential hazard at `days` (NaN for outcome_dependent). */
static double Survival(const TTDropoutSpec *d, double days)
{
  if (d->model == TT_DROPOUT_NONE) return 1.0;
  if (d->model == TT_DROPOUT_OUTCOME_DEPENDENT) return NAN;
  return exp(-pow(days / d->scale_days, d->shape));
}

void TTTrialViewDropout(TTTrial t, FILE *out)
{
  const TTProtocol *p    = t->p;
  double            last = t->t_days[t->L.nvisit - 1];
  char              num[32];

  fprintf(out, "  arm_dropout_by_last_visit: # share dropped out by day %g, from the arm's hazards\n", last);
  for (int a = 0; a < p->narm; a++) {
    const TTArmSpec *arm = &p->arm[a];
    double           s   = Survival(&arm->dropout, last) * Survival(&arm->extra_dropout, last);
    if (!isnan(s)) snprintf(num, sizeof num, "%.4g", 1.0 - s);
    fprintf(out, "    %s: %s # %s%s%s\n", arm->name, isnan(s) ? "null" : num,
            arm->own_dropout ? "the arm's own dropout" : "the protocol's dropout",
            arm->extra_dropout.model != TT_DROPOUT_NONE ? " and its extra_dropout" : "",
            isnan(s) ? " (outcome_dependent: it depends on each twin's course)" : "");
  }
}
