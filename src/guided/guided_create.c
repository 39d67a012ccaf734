/* guided_create.c — the chooser's per-rank state: its personalisation workspace, three
 * integrators (the twin's own course, the forecasts' batches and their shared course up to
 * a reassessment) and scratch sized for
 * the protocol's largest guided arm; set as the trial's chooser. The fits stop on the
 * Gauss-Newton step rule and integrate, like the forecasts, at FIT_RTOL / FORECAST_RTOL
 * (-tt_guided_fit_rtol, -tt_guided_forecast_rtol). Not collective.
 */
#include <math.h>
#include <string.h>
#include "guidedimpl.h"

/* The relative tolerances of the forecasts' and the fits' integrations (README,
 * Performance 10; the twin's own course and the oracle's truths keep the models' 1e-8): a
 * forecast compares candidates' values at one visit over a posterior whose spread is of
 * the order of the residual error (T2D: 15 % CV), and a fit's mode moves by about the
 * integration error relative to that error, so 1e-6 is far below what decides: on the
 * validation trials every twin gets the policy of the full computation
 * (tests/validation/guided_fast.sh). */
#define FORECAST_RTOL 1e-6
#define FIT_RTOL      1e-6

/* Variables the model can observe (an observation density: not derived). */
static void Observable(TTGuide g)
{
  for (PetscInt k = 0; k < g->m->nvar; k++) {
    TTObservation o  = {1.0, 1.0, NAN, NAN, 0};
    g->observable[k] = !isnan(g->m->log_density(g->par, (int) k, &o));
  }
}

static PetscErrorCode Scratch(TTGuide g)
{
  const TTProtocol *p  = g->p;
  PetscInt          ne = PetscMax(g->m->neffect, 1), nl = g->m->nlatent, ns = PetscMax(g->m->nstate, 1), nc = 0, S = 1;

  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < p->narm; a++) {
    if (!p->arm[a].guided) continue;
    nc = PetscMax(nc, p->arm[a].guide.ncandidate);
    S  = PetscMax(S, p->arm[a].guide.draws);
    for (PetscInt k = 0; k < g->m->nvar; k++)
      if (!strcmp(g->m->var[k].name, p->arm[a].guide.variable)) g->var[a] = k;
    for (PetscInt v = 0; v < p->nvisit; v++)
      if (p->visit[v] == p->arm[a].guide.visit) g->visit[a] = v;
  }
  g->fc_cap = nc * PetscMax(S, 2 * nl + 1); /* draws, or a delta-method forecast's points */
  g->cap    = (TT_MAX_RUN_IN + p->nvisit) * g->m->nvar;
  PetscCall(PetscMalloc5(S * nl, &g->eta, g->fc_cap * g->m->nvar, &g->y, g->fc_cap, &g->cases, p->nvisit * g->m->nvar,
                         &g->ymean, 2 * g->fc_cap, &g->ycrit));
  PetscCall(PetscMalloc4(TT_MAX_CANDIDATES * TT_MAX_SEGMENTS * ne, &g->reg_eff, TT_MAX_CANDIDATES * ne, &g->cand_eff,
                         p->nvisit, &g->t_model, ne, &g->eff_none));
  PetscCall(PetscMalloc4(g->cap, &g->t, g->cap, &g->value, g->cap, &g->var_obs, g->cap, &g->below));
  PetscCall(PetscMalloc5(g->fc_cap / PetscMax(nc, 1), &g->pre, g->fc_cap / PetscMax(nc, 1) * ns, &g->u_pre,
                         g->fc_cap * ns, &g->u_from, TT_MAX_SEGMENTS * ne, &g->pre_eff, nc * p->nvisit * g->m->nvar,
                         &g->ytruth));
  for (PetscInt v = 0; v < p->nvisit; v++) PetscCall(TTTrialModelTime(g->trial, p->visit[v], &g->t_model[v]));
  PetscFunctionReturn(0);
}

/* A relative tolerance: def, or option `name` (in (0, 1)). */
static PetscErrorCode Tolerance(const char *name, PetscReal def, PetscReal *rtol)
{
  PetscFunctionBeginUser;
  *rtol = def;
  PetscCall(PetscOptionsGetReal(NULL, NULL, name, rtol, NULL));
  PetscCheck(*rtol > 0 && *rtol < 1, PETSC_COMM_SELF, PETSC_ERR_USER, "%s %g: expected a relative tolerance in (0, 1)",
             name, (double) *rtol);
  PetscFunctionReturn(0);
}

/* The forecasts' and the fits' integration tolerances (atol 1e-2 rtol). */
static PetscErrorCode Tolerances(TTGuide g)
{
  PetscReal rtol;

  PetscFunctionBeginUser;
  PetscCall(Tolerance("-tt_guided_forecast_rtol", FORECAST_RTOL, &rtol));
  PetscCall(TTSimSetTolerances(g->sim_fc, rtol, 1e-2 * rtol));
  PetscCall(TTSimSetTolerances(g->sim_pre, rtol, 1e-2 * rtol));
  PetscCall(Tolerance("-tt_guided_fit_rtol", FIT_RTOL, &rtol));
  PetscCall(TTTwinFitSetTolerances(g->fit, rtol, 1e-2 * rtol));
  PetscFunctionReturn(0);
}

static PetscErrorCode GuideDestroy(void *ctx)
{
  TTGuide g = ctx;

  PetscFunctionBeginUser;
  PetscCall(TTTwinFitDestroy(&g->fit));
  PetscCall(TTSimDestroy(&g->sim));
  PetscCall(TTSimDestroy(&g->sim_fc));
  PetscCall(PetscFree5(g->eta, g->y, g->cases, g->ymean, g->ycrit));
  PetscCall(PetscFree4(g->reg_eff, g->cand_eff, g->t_model, g->eff_none));
  PetscCall(PetscFree4(g->t, g->value, g->var_obs, g->below));
  PetscCall(PetscFree5(g->pre, g->u_pre, g->u_from, g->pre_eff, g->ytruth));
  PetscCall(TTSimDestroy(&g->sim_pre));
  PetscCall(PetscFree(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTGuideSetUp(TTTrial trial)
{
  const TTProtocol *p;
  TTGuide           g;
  PetscBool         any = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  for (PetscInt a = 0; a < p->narm; a++) any = any || p->arm[a].guided;
  if (!any) PetscFunctionReturn(0);
  PetscCall(PetscNew(&g));
  g->trial = trial;
  g->p     = p;
  PetscCall(TTTrialGetModel(trial, &g->m));
  PetscCall(TTTrialGetParameters(trial, &g->par));
  PetscCheck(g->m->nvar <= TT_GUIDE_MAX_VARS && g->m->neffect <= TT_MAX_EFFECTS, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s exceeds the guided arms' compiled-in sizes", g->m->name);
  PetscCall(TTTwinFitCreate(trial, &g->fit));
  PetscCall(TTTwinFitSetLaplace(g->fit, TT_TWIN_LAPLACE_GAUSS_NEWTON)); /* README, Performance 10 */
  PetscCall(TTTwinFitSetStepStop(g->fit, 1e-3, 1e-6));
  PetscCall(TTTwinFitSetLean(g->fit, PETSC_TRUE));
  PetscCall(TTTrialCreateSim(trial, &g->sim));
  PetscCall(TTTrialCreateSim(trial, &g->sim_fc));
  PetscCall(TTTrialCreateSim(trial, &g->sim_pre));
  PetscCall(Tolerances(g));
  PetscCall(Scratch(g));
  PetscCall(TTTrialArmEffects(trial, p->narm, 0.0, g->eff_none));
  Observable(g);
  PetscCall(TTTrialSetGuide(trial, TTGuideChoose_Private, g, GuideDestroy));
  PetscFunctionReturn(0);
}
