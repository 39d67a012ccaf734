/* test_trial_regimen.c — regimens and switches through the protocol and the trial:
 *  - the protocol's regimens and the arms' regimen / switch keys are read as written (an
 *    arm given by a regimen carries its effects; switch times in the schedule unit);
 *  - TTTrialModelTime converts a switch at a visit to exactly that visit's model time;
 *  - TTTrialArmRegimen: one segment without switches (TTTrialArmEffects), the regimens
 *    switched to after; with exposure_response each regimen's effect comes from its own
 *    dose at the twin's clearance, bitwise an arm's with that dose;
 *  - a twin's record: arms that share their regimen up to a switch have bitwise the same
 *    observed values at the visits up to it, and differ after it.
 * Usage: test_trial_regimen (the protocols of TT_SWITCH_DIR). */
#include <math.h>
#include <string.h>
#include <twintrial/trial.h>
#include "tt_check.h"

static PetscErrorCode Load(const char *name, TTProtocol **p, TTTrial *t)
{
  char path[4096];

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s/%s", TT_SWITCH_DIR, name);
  PetscCall(TTProtocolLoad(path, p));
  PetscCall(TTTrialCreate(*p, t));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestT2d(void)
{
  TTProtocol        *p;
  TTTrial            t;
  const TTModelType *m;
  double             start[TT_MAX_SEGMENTS], eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS], e1[TT_MAX_EFFECTS], t26;
  double            *rec;
  TTRegimen          reg;
  TTRecordLayout     L;
  TTSim              sim;

  PetscFunctionBeginUser;
  PetscCall(Load("t2d_escalation.yaml", &p, &t));
  PetscCall(TTTrialGetModel(t, &m));
  TT_CHECK(p->nregimen == 3 && !strcmp(p->regimen[1].name, "add_su") && p->regimen[2].neffect == 0, "regimens read");
  TT_CHECK(p->arm[0].regimen == -1 && p->arm[1].regimen == 0 && p->arm[1].neffect == 1 &&
               !strcmp(p->arm[1].effect[0].key, "sensitizer_fraction") && p->arm[1].effect[0].value == 0.775,
           "an arm given by a regimen carries its effects");
  TT_CHECK(p->arm[2].nswitch == 1 && p->arm[2].switch_at[0] == 26 && p->arm[2].switch_regimen[0] == 1, "switch read");
  PetscCall(TTTrialModelTime(t, 26.0, &t26));
  TT_CHECK(t26 == 182.0, "week 26 is day 182 in model time");
  PetscCall(TTTrialArmRegimen(t, 1, 0.0, start, eff, &reg));
  TT_CHECK(reg.n == 1 && reg.start[0] == 0.0, "an arm without switches: one segment");
  PetscCall(TTTrialArmRegimen(t, 2, 0.0, start, eff, &reg));
  PetscCall(TTTrialRegimenEffects(t, 1, 0.0, e1));
  TT_CHECK(reg.n == 2 && reg.start[1] == t26, "the escalation arm switches at the week-26 visit's model time");
  TT_CHECK(!memcmp(reg.eff + m->neffect, e1, m->neffect * sizeof(double)), "its second segment is add_su");
  TT_CHECK(eff[tt_model_param_index(m->neffect, m->effect, "secretagogue_fraction")] == 0.0 &&
               e1[tt_model_param_index(m->neffect, m->effect, "secretagogue_fraction")] == 0.89,
           "the secretagogue is added at the switch");
  /* one twin: sensitizer (1), escalate (2) and stop (4) agree up to week 26, not after */
  PetscCall(TTTrialGetRecordLayout(t, &L));
  PetscCall(TTTrialCreateSim(t, &sim));
  PetscCall(PetscMalloc1(L.size, &rec));
  for (int twin = 0; twin < 5; twin++) {
    PetscCall(TTTrialSimulateTwin(t, sim, 0, twin, rec));
    for (int v = 0; v < L.nvisit; v++)
      for (int k = 0; k < L.nvar; k++) {
        double s = TTRecordTraj(&L, rec, 1)[v * L.nvar + k], e = TTRecordTraj(&L, rec, 2)[v * L.nvar + k];
        double o = TTRecordTraj(&L, rec, 4)[v * L.nvar + k];
        if (p->visit[v] <= 26)
          TT_CHECK(s == e && s == o, "bitwise the same observations up to the switch");
        else if (k == 0)
          TT_CHECK(e < s && o > s, "HbA1c lower after escalation, higher after stopping");
      }
  }
  PetscCall(PetscFree(rec));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&t));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestDoses(void)
{
  TTProtocol        *p;
  TTTrial            t;
  const TTModelType *m;
  double             start[TT_MAX_SEGMENTS], eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS], arm10[TT_MAX_EFFECTS];
  double             reg10[TT_MAX_EFFECTS], z[4] = {-1.5, 0.0, 0.3, 2.0};
  TTRegimen          reg;
  int                emax;

  PetscFunctionBeginUser;
  PetscCall(Load("ad_titration.yaml", &p, &t));
  PetscCall(TTTrialGetModel(t, &m));
  emax = tt_model_param_index(m->neffect, m->effect, "symptomatic_emax");
  TT_CHECK(p->arm[1].regimen == 0 && p->arm[1].dose_mg == 10, "an arm given by a dosed regimen carries its dose");
  for (int i = 0; i < 4; i++) {
    PetscCall(TTTrialArmEffects(t, 1, z[i], arm10));
    PetscCall(TTTrialRegimenEffects(t, 0, z[i], reg10));
    PetscCall(TTTrialArmRegimen(t, 2, z[i], start, eff, &reg));
    TT_CHECK(reg.n == 2 && !memcmp(reg.eff + m->neffect, arm10, m->neffect * sizeof(double)),
             "the regimen switched to has the 10 mg arm's effects at the twin's clearance");
    TT_CHECK(!memcmp(reg10, arm10, m->neffect * sizeof(double)), "TTTrialRegimenEffects: dosed as an arm");
    TT_CHECK(eff[emax] < arm10[emax] && eff[emax] > 0, "5 mg first: a smaller effect");
  }
  PetscCall(TTTrialArmEffects(t, 1, 0.0, arm10));
  PetscCall(TTTrialArmEffects(t, 1, 2.0, reg10));
  TT_CHECK(reg10[emax] < arm10[emax], "a faster clearance, a smaller exposure-driven effect");
  PetscCall(TTTrialDestroy(&t));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TestT2d());
  PetscCall(TestDoses());
  PetscCall(PetscFinalize());
  if (tt_failures)
    printf("%d check(s) failed\n", tt_failures);
  else
    printf("ok: regimens through the protocol and the trial\n");
  return tt_failures != 0;
}
