/* trial_regimen.c — the protocol's regimens bound to the model, and the regimen each arm
 * follows: its own effects from randomisation, then at each switch the effects of the
 * regimen switched to (TTRegimen, model.h).
 *
 * Invariants after TTTrialBindRegimens: every regimen effect names an effect of the model
 * (reg_eff holds each regimen's effects over the model's defaults); a protocol with
 * switches names a model that can switch (tt_model_unswitchable), else a located error at
 * the first arm's switch key. Switch times are converted to model time with the visits'
 * own arithmetic (schedule unit -> days -> model unit), so a switch at a visit falls on
 * exactly that visit's model time (the visit then reports the course before the switch).
 * With exposure_response a regimen's effect is set from its own dose and the twin's
 * clearance, as an arm's.
 */
#include "trialimpl.h"

PetscErrorCode TTTrialBindRegimens(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;
  char               names[1024], key[TT_NAME_MAX + 64];
  const char        *why = tt_model_unswitchable(m);

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(p->nregimen * m->neffect + 1, &t->reg_eff));
  for (int r = 0; r < p->nregimen; r++) {
    double *eff = t->reg_eff + r * m->neffect;
    for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
    for (int i = 0; i < p->regimen[r].neffect; i++) {
      const TTNamedValue *e = &p->regimen[r].effect[i];
      int                 k = tt_model_param_index(m->neffect, m->effect, e->key);
      if (k < 0)
        USER_ERROR(p, e->loc, "regimens[%d].effect.%s: not an arm effect of %s; expected one of: %s", r, e->key,
                   m->name, TTTrialNameList(m->neffect, m->effect, names, sizeof names));
      PetscCall(PetscSNPrintf(key, sizeof key, "regimens[%d].effect.%s", r, e->key));
      PetscCall(TTTrialCheckDomain(p, e->loc, key, m, &m->effect[k], e->value));
      eff[k] = e->value;
    }
  }
  for (int a = 0; a < p->narm; a++)
    if (p->arm[a].nswitch && why)
      USER_ERROR(p, p->arm[a].switch_loc,
                 "arms[%d].switch: model %s cannot switch regimens during a twin's course: it defines no %s; an arm "
                 "may still start on a regimen",
                 a, m->name, why);
  PetscFunctionReturn(0);
}

double TTTrialModelTimeOf(TTTrial t, double schedule_time)
{
  double days = schedule_time * t->p->unit_in_days;
  return days / t->model->time_unit_days;
}

PetscErrorCode TTTrialModelTime(TTTrial t, double schedule_time, double *model_time)
{
  PetscFunctionBeginUser;
  *model_time = TTTrialModelTimeOf(t, schedule_time);
  PetscFunctionReturn(0);
}

/* Regimen r's effects, with the exposure-response effect from its dose at clearance z
 * when dosed. */
static void RegimenEffectsAt(TTTrial t, PetscInt r, double z, PetscBool dosed, double *eff)
{
  PetscArraycpy(eff, t->reg_eff + r * t->model->neffect, t->model->neffect);
  if (dosed) TTTrialDosed(t, t->p->regimen[r].dose_mg, z, eff);
}

void TTTrialSwitchingRegimen(TTTrial t, PetscInt a, const double *first, double z, PetscBool dosed, double start[],
                             double eff[], TTRegimen *reg)
{
  const TTArmSpec *arm = &t->p->arm[a];
  const PetscInt   ne  = t->model->neffect;

  start[0] = 0.0;
  if (eff != first) PetscArraycpy(eff, first, ne);
  for (int k = 0; k < arm->nswitch; k++) {
    start[k + 1] = TTTrialModelTimeOf(t, arm->switch_at[k]);
    RegimenEffectsAt(t, arm->switch_regimen[k], z, dosed, eff + (k + 1) * ne);
  }
  reg->n     = arm->nswitch + 1;
  reg->start = start;
  reg->eff   = eff;
}

PetscErrorCode TTTrialRegimenEffects(TTTrial t, PetscInt regimen, double z, double eff[])
{
  PetscFunctionBeginUser;
  PetscCheck(regimen >= 0 && regimen < t->p->nregimen, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "regimen %d not in [0, %d)", (int) regimen, t->p->nregimen);
  RegimenEffectsAt(t, regimen, z, PETSC_TRUE, eff);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialArmRegimen(TTTrial t, PetscInt arm, double z, double start[], double eff[], TTRegimen *reg)
{
  PetscFunctionBeginUser;
  PetscCheck(arm >= 0 && arm < t->p->narm, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "arm %d not in [0, %d)",
             (int) arm, t->p->narm);
  PetscCall(TTTrialArmEffects(t, arm, z, eff));
  TTTrialSwitchingRegimen(t, arm, eff, z, PETSC_TRUE, start, eff, reg);
  PetscFunctionReturn(0);
}

void TTTrialViewRegimens(TTTrial t, FILE *out)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;
  char               num[32];

  if (p->nregimen) fprintf(out, "  regimen_effects:\n");
  for (int r = 0; r < p->nregimen; r++) {
    fprintf(out, "    %s:%s\n", p->regimen[r].name, m->neffect ? "" : " {}");
    for (int i = 0; i < m->neffect; i++)
      fprintf(out, "      %s: %s   # %s\n", m->effect[i].name, TTYamlFormatReal(t->reg_eff[r * m->neffect + i], num),
              m->effect[i].unit);
  }
  for (int a = 0, header = 0; a < p->narm; a++) {
    if (!p->arm[a].nswitch) continue;
    if (!header++)
      fprintf(out, "  arm_switches: # from each time on (schedule unit; model_time), the regimen's effects\n");
    fprintf(out, "    %s: [", p->arm[a].name);
    for (int k = 0; k < p->arm[a].nswitch; k++) {
      fprintf(out, "%s{at: %s", k ? ", " : "", TTYamlFormatReal(p->arm[a].switch_at[k], num));
      fprintf(out, ", model_time: %s", TTYamlFormatReal(TTTrialModelTimeOf(t, p->arm[a].switch_at[k]), num));
      fprintf(out, ", regimen: %s}", p->regimen[p->arm[a].switch_regimen[k]].name);
    }
    fprintf(out, "]\n");
  }
}
