/* trial_calibrate.c — the trial's side of calibrated arm effects: the value the next
 * twins are simulated with, the record of each solved effect, and the counterfactual
 * endpoints the calibration measures the marginal effect on.
 *
 * Invariants: a calibrated effect holds the model's no-effect default until the design
 * module sets it (TTTrialSetArmEffect while it searches, TTTrialSetCalibration once
 * solved); TTTrialAnalyse refuses to run while any is not solved, so no trial result
 * ever comes from a placeholder value.
 */
#include <math.h>
#include "trialimpl.h"

PetscErrorCode TTTrialCalibrationPending(TTTrial t, PetscBool *pending)
{
  PetscFunctionBeginUser;
  *pending = PETSC_FALSE;
  for (PetscInt a = 0; a < t->p->narm; a++)
    if (t->cal_effect[a] >= 0 && !t->cal_set[a]) *pending = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialSetArmEffect(TTTrial t, PetscInt arm, PetscInt effect, double value)
{
  PetscFunctionBeginUser;
  PetscCheck(arm >= 0 && arm < t->p->narm && effect >= 0 && effect < t->model->neffect, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "arm %d effect %d: out of range", (int) arm, (int) effect);
  t->eff[arm * t->model->neffect + effect] = value;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialSetCalibration(TTTrial t, const TTCalibrationResult *r)
{
  PetscFunctionBeginUser;
  PetscCheck(r->arm >= 0 && r->arm < t->p->narm && t->cal_effect[r->arm] == r->effect && !t->cal_set[r->arm],
             PETSC_COMM_SELF, PETSC_ERR_PLIB, "arm %d effect %d is not a calibrated effect awaiting its value",
             (int) r->arm, (int) r->effect);
  PetscCall(TTTrialSetArmEffect(t, r->arm, r->effect, r->value));
  t->cal_set[r->arm] = PETSC_TRUE;
  t->cal[t->ncal++]  = *r;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetCalibrations(TTTrial t, PetscInt *n, const TTCalibrationResult **r)
{
  PetscFunctionBeginUser;
  *n = t->ncal;
  *r = t->cal;
  PetscFunctionReturn(0);
}

void TTTrialCounterfactualEndpoint(TTTrial t, const double rec[], PetscInt arm, PetscInt e, double pair[2])
{
  TTPair q = TTTrialEndpoint(t, rec, arm, e, INFINITY, PETSC_FALSE);
  pair[0]  = q.value;
  pair[1]  = q.aux;
}

void TTTrialViewCalibrated(TTTrial t, FILE *out, PetscInt a)
{
  const TTModelType       *m = t->model;
  const TTCalibrationSpec *c = &t->p->arm[a].calibrate;
  const double            *v = t->eff + a * m->neffect;
  char                     num[32];

  for (PetscInt i = 0; i < m->neffect; i++) {
    const TTCalibrationResult *r = NULL;
    for (PetscInt j = 0; j < t->ncal; j++)
      if (t->cal[j].arm == a) r = &t->cal[j];
    if (i != t->cal_effect[a]) {
      fprintf(out, "      %s: %s   # %s\n", m->effect[i].name, TTYamlFormatReal(v[i], num), m->effect[i].unit);
      continue;
    }
    if (!r) {
      fprintf(out, "      %s: calibrated at run   # %s; to %s %s on %s vs %s\n", m->effect[i].name, m->effect[i].unit,
              TTCalibrationTargetName(c->target), TTYamlFormatReal(c->value, num), t->p->endpoint[c->endpoint].name,
              t->p->arm[c->control].name);
      continue;
    }
    fprintf(out, "      %s: %s", m->effect[i].name, TTYamlFormatReal(r->value, num));
    fprintf(out, "   # %s; calibrated to %s %s on %s vs %s:", m->effect[i].unit, TTCalibrationTargetName(r->target),
            TTYamlFormatReal(r->target_value, num), t->p->endpoint[r->endpoint].name, t->p->arm[r->control].name);
    fprintf(out, " achieved %.6g (MC SE %.2g), value MC SE %.2g, %d twins\n", r->achieved, r->achieved_mc_se,
            r->value_mc_se, (int) r->twins);
  }
}

void TTTrialFormatCalibration(TTTrial t, const TTCalibrationResult *r, char *buf, size_t len)
{
  const TTProtocol *p = t->p;
  snprintf(buf, len,
           "calibrated %s.%s = %.6g (MC SE %.2g, solver tolerance %.2g): %s %.4f (MC SE %.4f; target %g) on %s vs %s, "
           "%d twins, %d evaluations",
           p->arm[r->arm].name, t->model->effect[r->effect].name, r->value, r->value_mc_se, r->tolerance,
           TTCalibrationTargetName(r->target), r->achieved, r->achieved_mc_se, r->target_value,
           p->endpoint[r->endpoint].name, p->arm[r->control].name, (int) r->twins, (int) r->evaluations);
}
