/* sim.c — evaluates or integrates a model for one twin under one arm.
 *
 * Invariant: TTSimTrajectories is a pure function of (model, par, the n cases, t):
 * the reused TS for n systems is returned to the same initial time, time step and
 * restarted step history (TSRestartStep, so FSAL stages are not carried over) before
 * every call. Outputs at t = 0 come from the initial state without a step.
 *
 * Batching: n > 1 cases of a model without doses are integrated as one ODE system
 * of n * nstate unknowns (case-major) by one TS: the cases share their steps and the
 * step control takes the worst component (infinity norm of the weighted error; the
 * scalar TS uses PETSc's default root-mean-square), so each case's error estimate
 * is at most the tolerance, as tight as alone. One call per twin with its arms as the
 * cases amortizes PETSc's per-step overhead; a case's result depends on the other
 * cases of its call, which the caller fixes (a twin's arms), never on the rank.
 * Two TSs are kept: one for single cases (and every dosing model), one for the last
 * batch size.
 *
 * Dosing (models with `doses`): the arm's dose list up to the last visit is merged
 * with the visits and the ODE is integrated piecewise between consecutive event
 * times. At a dose time the amount is added to state dose_state, the TS time is set
 * to the dose time, the step history is restarted (the right-hand side jumps, so the
 * FSAL stage and the step-size history are invalid) and the step is reset to 1e-3 of
 * the interval to the next event. Ordering at one time: visits first, then doses, so
 * a visit at a dose time reports the pre-dose (trough) state; doses at t = 0 are
 * applied after the t = 0 output and before any step. Doses at or after the last
 * visit cannot affect an output and are not applied. Without doses the TS calls
 * are exactly those of the undosed path.
 *
 * A model with propagate (a linear ODE with constant coefficients: the PK models) has its
 * forward trajectories moved between events by that exact solution instead of the TS; the
 * order of visits, doses and switches is the same. The sensitivities integrate rhs.
 *
 * Regimens that switch (cases with a TTRegimen of several segments) are integrated in
 * sim_regimen.c, with the right-hand side and outputs here: each case sees the effects
 * of its segment under way (sim->seg), or the model's rhs_regimen / output_regimen after
 * its first switch when the model defines them. Cases without switches take exactly the
 * calls they took before regimens existed.
 *
 * A model with rhs_many gets a batch's right-hand sides in one call (bit for bit those of
 * rhs and rhs_regimen case by case: model.h), so it can compute what the cases share once.
 *
 * The state is private to the module (simimpl.h); sim_sens.c integrates the same
 * trajectories with their sensitivities on a TS of its own, never touching these.
 */
#include <math.h>
#include "simimpl.h"

static void CaseRHS(TTSim sim, PetscInt c, PetscReal t, const PetscScalar *u, PetscScalar *f)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *k = &sim->cases[c];

  if (k->reg && sim->seg[c] > 0 && m->rhs_regimen)
    m->rhs_regimen(sim->par, k->cov, k->eta, k->reg, (int) sim->seg[c], t, u, f);
  else
    m->rhs(sim->par, k->cov, k->eta, TTSimCaseEffects(sim, c), t, u, f);
}

static void CaseOutput(TTSim sim, PetscInt c, double t, const PetscScalar *u, double *y)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *k = &sim->cases[c];

  if (k->reg && sim->seg[c] > 0 && m->output_regimen)
    m->output_regimen(sim->par, k->cov, k->eta, k->reg, (int) sim->seg[c], t, u, y);
  else
    m->output(sim->par, k->cov, k->eta, TTSimCaseEffects(sim, c), t, u, y);
}

/* The batch's right-hand sides in one call of the model's rhs_many: each case's arguments
 * as CaseRHS gives them. */
static void ManyRHS(TTSim sim, PetscReal t, const PetscScalar *u, PetscScalar *f)
{
  const TTModelType *m = sim->type;

  for (PetscInt c = 0; c < sim->cur->n; c++) {
    const TTSimCase *k = &sim->cases[c];
    PetscBool        r = k->reg && sim->seg[c] > 0 && m->rhs_regimen;
    sim->many_cov[c] = k->cov, sim->many_eta[c] = k->eta;
    sim->many_eff[c] = r ? NULL : TTSimCaseEffects(sim, c);
    sim->many_reg[c] = r ? k->reg : NULL;
    sim->many_seg[c] = r ? (int) sim->seg[c] : 0;
  }
  m->rhs_many(sim->par, (int) sim->cur->n, sim->many_cov, sim->many_eta, sim->many_eff, sim->many_reg, sim->many_seg, t,
              u, f);
}

static PetscErrorCode SimRHS(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  TTSim              sim = (TTSim) ctx;
  const PetscInt     ns = sim->type->nstate, n = ns * sim->cur->n;
  const PetscScalar *u;
  PetscScalar       *f;

  PetscFunctionBeginUser;
  (void) ts;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(F, &f));
  if (sim->type->rhs_many && sim->cur->n > 1)
    ManyRHS(sim, t, u, f);
  else
    for (PetscInt c = 0; c < sim->cur->n; c++) CaseRHS(sim, c, t, u + c * ns, f + c * ns);
  /* A right-hand side beyond TT_SIM_MAX_RATE (or Inf/NaN) would reach PETSc's error norm
   * as Inf, an error inside TSSolve that leaves the TS mid-step: flag it, coast to the
   * target with a zero derivative and let TTSimAdvance_Private report it. */
  for (PetscInt i = 0; i < n; i++)
    if (!(PetscAbsReal(f[i]) <= TT_SIM_MAX_RATE) || !isfinite(u[i])) sim->nonfinite = PETSC_TRUE;
  if (sim->nonfinite)
    for (PetscInt i = 0; i < n; i++) f[i] = 0.0;
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(U, &u));
  sim->nrhs++;
  PetscFunctionReturn(0);
}

/* Options of a batch TS: the infinity norm for the step control, then the user's
 * options (prefix tt_sim_) over it. */
PetscErrorCode TTSimTSOptions_Private(SimTS *s)
{
  char *all;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&s->opts));
  PetscCall(PetscOptionsInsertString(s->opts, "-tt_sim_ts_adapt_wnormtype infinity"));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscOptionsInsertString(s->opts, all));
  PetscCall(PetscFree(all));
  PetscCall(PetscObjectSetOptions((PetscObject) s->ts, s->opts));
  PetscFunctionReturn(0);
}

static PetscErrorCode SimTSCreate(TTSim sim, PetscInt n, SimTS *s)
{
  PetscFunctionBeginUser;
  s->n = n;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n * sim->type->nstate, &s->u));
  PetscCall(TSCreate(PETSC_COMM_SELF, &s->ts));
  PetscCall(TSSetProblemType(s->ts, TS_NONLINEAR));
  PetscCall(TSSetType(s->ts, TSRK));
  PetscCall(TSRKSetType(s->ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(s->ts, NULL, SimRHS, sim));
  PetscCall(TSSetTolerances(s->ts, sim->atol, NULL, sim->rtol, NULL));
  PetscCall(TSSetExactFinalTime(s->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(s->ts, 1000000));
  PetscCall(TSSetOptionsPrefix(s->ts, "tt_sim_"));
  if (n > 1) PetscCall(TTSimTSOptions_Private(s));
  PetscCall(TSSetFromOptions(s->ts));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimBatchTS_Private(TTSim sim, PetscInt n, SimTS **s)
{
  PetscFunctionBeginUser;
  if (n == 1) {
    *s = &sim->one;
    PetscFunctionReturn(0);
  }
  if (sim->many.n != n) {
    PetscCall(TTSimTSDestroy_Private(&sim->many));
    PetscCall(SimTSCreate(sim, n, &sim->many));
  }
  *s = &sim->many;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTSDestroy_Private(SimTS *s)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&s->ts));
  PetscCall(VecDestroy(&s->u));
  PetscCall(PetscOptionsDestroy(&s->opts));
  s->n = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimCreate(const TTModelType *type, const double *par, TTSim *sim)
{
  TTSim s;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(1, &s));
  s->type = type;
  s->par  = par;
  s->rtol = 1e-8, s->atol = 1e-10;
  if (type->doses) {
    PetscCheck(type->nstate > 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s: dosing needs an ODE model", type->name);
    PetscCheck(type->dose_state >= 0 && type->dose_state < type->nstate, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "model %s: dose_state %d not in [0, %d)", type->name, type->dose_state, type->nstate);
    PetscCall(PetscMalloc2(TT_MAX_DOSES, &s->dose_t, TT_MAX_DOSES, &s->dose_mg));
  }
  PetscCheck(!type->propagate || (type->nstate > 0 && !type->rhs_regimen), PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: propagate needs an ODE model without rhs_regimen", type->name);
  if (type->nstate > 0) PetscCall(SimTSCreate(s, 1, &s->one));
  PetscCall(TTSimSensSetUp_Private(s)); /* now, so it reads the options the other TSs read */
  PetscCall(TTSimEventsSetUp_Private(s));
  *sim = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimReset(TTSim sim)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimEventsDestroy_Private(&sim->ev));
  PetscCall(TTSimEventsSetUp_Private(sim));
  if (!sim->one.ts) PetscFunctionReturn(0);
  PetscCall(TTSimTSDestroy_Private(&sim->one));
  PetscCall(TTSimTSDestroy_Private(&sim->many));
  PetscCall(TTSimTSDestroy_Private(&sim->sens.s));
  PetscCall(SimTSCreate(sim, 1, &sim->one));
  PetscCall(TTSimSensSetUp_Private(sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimSetTolerances(TTSim sim, PetscReal rtol, PetscReal atol)
{
  PetscFunctionBeginUser;
  PetscCheck(rtol > 0 && atol > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "tolerances rtol %g, atol %g: not positive", (double) rtol, (double) atol);
  sim->rtol = rtol, sim->atol = atol;
  PetscCall(TTSimReset(sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimDestroy(TTSim *sim)
{
  PetscFunctionBeginUser;
  if (!sim || !*sim) PetscFunctionReturn(0);
  PetscCall(TTSimTSDestroy_Private(&(*sim)->one));
  PetscCall(TTSimTSDestroy_Private(&(*sim)->many));
  PetscCall(TTSimSensDestroy_Private(&(*sim)->sens));
  PetscCall(TTSimEventsDestroy_Private(&(*sim)->ev));
  PetscCall(PetscFree2((*sim)->dose_t, (*sim)->dose_mg));
  PetscCall(PetscFree2((*sim)->seg_t, (*sim)->seg_mg));
  PetscCall(PetscFree2((*sim)->seg, (*sim)->brk));
  PetscCall(PetscFree5((*sim)->many_cov, (*sim)->many_eta, (*sim)->many_eff, (*sim)->many_reg, (*sim)->many_seg));
  PetscCall(PetscFree(*sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimGetStats(TTSim sim, PetscInt *nrhs)
{
  PetscFunctionBeginUser;
  *nrhs = sim->nrhs;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimResetSegments_Private(TTSim sim, PetscInt n)
{
  PetscFunctionBeginUser;
  if (n > sim->nseg_cap) {
    PetscCall(PetscFree2(sim->seg, sim->brk));
    PetscCall(PetscFree5(sim->many_cov, sim->many_eta, sim->many_eff, sim->many_reg, sim->many_seg));
    sim->nseg_cap = PetscMax(n, 2 * sim->nseg_cap);
    PetscCall(PetscMalloc2(sim->nseg_cap, &sim->seg, sim->nseg_cap * TT_MAX_SEGMENTS, &sim->brk));
    PetscCall(PetscMalloc5(sim->nseg_cap, &sim->many_cov, sim->nseg_cap, &sim->many_eta, sim->nseg_cap, &sim->many_eff,
                           sim->nseg_cap, &sim->many_reg, sim->nseg_cap, &sim->many_seg));
  }
  for (PetscInt c = 0; c < n; c++) sim->seg[c] = 0;
  PetscFunctionReturn(0);
}

/* Outputs of every case at time t: y[c * ystride + k]. */
PetscErrorCode TTSimOutput_Private(TTSim sim, double t, double *y, PetscInt ystride)
{
  const PetscInt     ns = sim->type->nstate;
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(sim->cur->u, &u));
  for (PetscInt c = 0; c < sim->cur->n; c++) CaseOutput(sim, c, t, u + c * ns, y + c * ystride);
  PetscCall(VecRestoreArrayRead(sim->cur->u, &u));
  for (PetscInt c = 0; c < sim->cur->n; c++)
    for (PetscInt k = 0; k < sim->type->nvar; k++)
      PetscCheck(isfinite(y[c * ystride + k]), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
                 "ODE solution is not finite at t = %g", t);
  PetscFunctionReturn(0);
}

/* Moves the cases' states from sim->now to target by the model's exact solution. */
static PetscErrorCode SimPropagate(TTSim sim, PetscReal target)
{
  const TTModelType *m  = sim->type;
  const PetscInt     ns = m->nstate;
  PetscScalar       *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(sim->cur->u, &u));
  for (PetscInt c = 0; c < sim->cur->n; c++) {
    const TTSimCase *k = &sim->cases[c];
    m->propagate(sim->par, k->cov, k->eta, TTSimCaseEffects(sim, c), target - sim->now, u + c * ns);
    for (PetscInt i = 0; i < ns; i++)
      if (!isfinite(u[c * ns + i])) sim->nonfinite = PETSC_TRUE;
  }
  PetscCall(VecRestoreArray(sim->cur->u, &u));
  PetscCheck(!sim->nonfinite, PETSC_COMM_SELF, PETSC_ERR_FP, "model %s: the state is not finite at t = %g", m->name,
             (double) target);
  sim->now = target;
  PetscFunctionReturn(0);
}

/* Integrates the state from sim->now to `target` (nothing to do if already there); a model
 * with propagate moves the forward trajectories (not the sensitivities' system) exactly. */
PetscErrorCode TTSimAdvance_Private(TTSim sim, PetscReal target)
{
  TS                ts = sim->cur->ts;
  TSConvergedReason reason;
  PetscReal         treached;

  PetscFunctionBeginUser;
  if (!(target > sim->now)) PetscFunctionReturn(0);
  sim->nonfinite = PETSC_FALSE;
  if (sim->type->propagate && sim->cur != &sim->sens.s) {
    PetscCall(SimPropagate(sim, target));
    PetscFunctionReturn(0);
  }
  PetscCall(TSSetMaxTime(ts, target));
  PetscCall(TSSolve(ts, sim->cur->u));
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCall(TSGetTime(ts, &treached));
  PetscCheck(!sim->nonfinite, PETSC_COMM_SELF, PETSC_ERR_FP,
             "ODE integration failed before t = %g: the right-hand side left the finite range (|dy/dt| > %g or "
             "infinite or not-a-number)",
             (double) target, TT_SIM_MAX_RATE);
  PetscCheck(reason >= 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "ODE integration failed at t = %g (target %g, %s)",
             (double) treached, (double) target, TSConvergedReasons[reason]);
  /* A "converged" stop short of the target (the step limit, TS_CONVERGED_ITS) is a failure too. */
  PetscCheck(treached >= target - 1e-9 * PetscMax(1.0, PetscAbsReal(target)), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
             "ODE integration stopped at t = %g before the target %g (%s)", (double) treached, (double) target,
             TSConvergedReasons[reason]);
  sim->now = target;
  PetscFunctionReturn(0);
}

/* Applies every dose at time dose_t[*d] (advancing *d) to the single case and restarts
 * the TS there with a step of 1e-3 of the interval to the next event: the next dose
 * before `visit`, or `visit`. */
PetscErrorCode TTSimDose_Private(TTSim sim, PetscInt *d, PetscInt nd, PetscReal visit)
{
  const PetscReal td = sim->dose_t[*d];
  PetscReal       next;
  PetscScalar    *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(sim->cur->u, &u));
  for (; *d < nd && sim->dose_t[*d] == td; (*d)++) u[sim->type->dose_state] += sim->dose_mg[*d];
  PetscCall(VecRestoreArray(sim->cur->u, &u));
  next = (*d < nd && sim->dose_t[*d] < visit) ? sim->dose_t[*d] : visit;
  PetscCall(TSSetTime(sim->cur->ts, td));
  PetscCall(TSSetTimeStep(sim->cur->ts, 1e-3 * (next - td)));
  PetscCall(TSRestartStep(sim->cur->ts));
  PetscFunctionReturn(0);
}

/* The single case's doses before t_end under effects eff, checked: 0 <= n <= TT_MAX_DOSES
 * (a model returns more when its regimen does not fit), finite times >= 0 in nondecreasing
 * order, finite amounts. */
PetscErrorCode TTSimGetDoses_Private(TTSim sim, const double *eff, double t_end, PetscInt *nd)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *k = &sim->cases[0];
  int                n = m->doses ? m->doses(sim->par, k->cov, k->eta, eff, t_end, sim->dose_t, sim->dose_mg) : 0;

  PetscFunctionBeginUser;
  PetscCheck(n <= TT_MAX_DOSES, PETSC_COMM_SELF, PETSC_ERR_USER,
             "model %s: more than %d doses (TT_MAX_DOSES) before t = %g; shorten the schedule or use a "
             "steady-state exposure",
             m->name, TT_MAX_DOSES, t_end);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "model %s: %d doses", m->name, n);
  for (int k = 0; k < n; k++)
    PetscCheck(isfinite(sim->dose_t[k]) && isfinite(sim->dose_mg[k]) &&
                   sim->dose_t[k] >= (k ? sim->dose_t[k - 1] : 0.0),
               PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "model %s: dose %d (t = %g, amount %g) is not finite, negative or out of order", m->name, k,
               sim->dose_t[k], sim->dose_mg[k]);
  *nd = n;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimVisits_Private(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double ymean[],
                                   PetscInt ystride)
{
  const PetscInt nvar = sim->type->nvar;
  PetscInt       d    = 0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nt; i++) {
    while (d < nd && sim->dose_t[d] < t[i]) { /* a dose at t[i] comes after its output */
      PetscCall(TTSimAdvance_Private(sim, sim->dose_t[d]));
      PetscCall(TTSimDose_Private(sim, &d, nd, t[i]));
    }
    PetscCall(TTSimAdvance_Private(sim, t[i]));
    PetscCall(TTSimOutput_Private(sim, t[i], ymean + i * nvar, ystride));
  }
  PetscFunctionReturn(0);
}

/* Integrates the cases on TS s from 0 through every visit (and the single case's doses),
 * resetting the TS first; ymean[c][nt][nvar]. */
static PetscErrorCode SimIntegrate(TTSim sim, SimTS *s, const TTSimCase cases[], PetscInt nt, const double t[],
                                   double ymean[])
{
  const TTModelType *m  = sim->type;
  const PetscInt     ns = m->nstate, ystride = nt * m->nvar;
  const PetscBool    sw = TTSimSwitching_Private(s->n, cases);
  PetscScalar       *u;
  PetscInt           nd = 0;

  PetscFunctionBeginUser;
  sim->cur   = s;
  sim->cases = cases;
  PetscCall(TTSimResetSegments_Private(sim, s->n));
  if (m->doses && sw)
    PetscCall(TTSimGetRegimenDoses_Private(sim, cases[0].reg, t[nt - 1], &nd));
  else if (m->doses)
    PetscCall(TTSimGetDoses_Private(sim, TTSimCaseEffects(sim, 0), t[nt - 1], &nd));
  PetscCall(VecGetArray(s->u, &u));
  for (PetscInt c = 0; c < s->n; c++)
    m->initial(sim->par, cases[c].cov, cases[c].eta, TTSimCaseEffects(sim, c), u + c * ns);
  PetscCall(VecRestoreArray(s->u, &u));
  sim->now = 0.0;
  PetscCall(TSSetTime(s->ts, 0.0));
  PetscCall(TSSetStepNumber(s->ts, 0));
  PetscCall(TSSetTimeStep(s->ts, t[nt - 1] > 0 ? 1e-3 * t[nt - 1] : 1e-3));
  PetscCall(TSRestartStep(s->ts));
  if (sw)
    PetscCall(TTSimVisitsSwitching_Private(sim, nd, nt, t, ymean, ystride));
  else
    PetscCall(TTSimVisits_Private(sim, nd, nt, t, ymean, ystride));
  PetscFunctionReturn(0);
}

/* A single case from `initial` at t[0] < 0 under eff0 (untreated) up to 0, then under the
 * regimen reg with its doses: the TS restarts at 0 (the right-hand side may jump there). */
static PetscErrorCode SimIntegrateHistory(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                          const TTRegimen *reg, PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m  = sim->type;
  SimTS             *s  = &sim->one;
  TTSimCase          k  = {cov, eta, eff0, NULL};
  const PetscBool    sw = reg->n > 1;
  PetscScalar       *u;
  PetscInt           nd = 0, i = 0;

  PetscFunctionBeginUser;
  sim->cur   = s;
  sim->cases = &k;
  PetscCall(TTSimResetSegments_Private(sim, 1));
  PetscCall(VecGetArray(s->u, &u));
  m->initial(sim->par, cov, eta, eff0, u);
  PetscCall(VecRestoreArray(s->u, &u));
  sim->now = t[0];
  PetscCall(TSSetTime(s->ts, t[0]));
  PetscCall(TSSetStepNumber(s->ts, 0));
  PetscCall(TSSetTimeStep(s->ts, -1e-3 * t[0]));
  PetscCall(TSRestartStep(s->ts));
  for (; i < nt && t[i] < 0.0; i++) {
    PetscCall(TTSimAdvance_Private(sim, t[i]));
    PetscCall(TTSimOutput_Private(sim, t[i], ymean + i * m->nvar, nt * m->nvar));
  }
  PetscCall(TTSimAdvance_Private(sim, 0.0));
  if (sw)
    k.reg = reg;
  else
    k.eff = reg->eff;
  if (i == nt) PetscFunctionReturn(0);
  if (m->doses && sw)
    PetscCall(TTSimGetRegimenDoses_Private(sim, reg, t[nt - 1], &nd));
  else if (m->doses)
    PetscCall(TTSimGetDoses_Private(sim, k.eff, t[nt - 1], &nd));
  PetscCall(TSSetTime(s->ts, 0.0));
  PetscCall(TSSetTimeStep(s->ts, t[nt - 1] > 0 ? 1e-3 * t[nt - 1] : 1e-3));
  PetscCall(TSRestartStep(s->ts));
  if (sw)
    PetscCall(TTSimVisitsSwitching_Private(sim, nd, nt - i, t + i, ymean + i * m->nvar, nt * m->nvar));
  else
    PetscCall(TTSimVisits_Private(sim, nd, nt - i, t + i, ymean + i * m->nvar, nt * m->nvar));
  PetscFunctionReturn(0);
}

/* Closed form: a case at every time; a regimen that switches through the model's mean_regimen. */
static PetscErrorCode SimClosedForm(TTSim sim, const TTSimCase *k, PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m   = sim->type;
  const double      *eff = k->reg ? k->reg->eff : k->eff;

  PetscFunctionBeginUser;
  if (k->reg && k->reg->n > 1) {
    PetscCheck(m->mean_regimen, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s cannot switch regimens: it lacks %s", m->name,
               tt_model_unswitchable(m));
    m->mean_regimen(sim->par, k->cov, k->eta, k->reg, (int) nt, t, ymean);
  } else if (m->mean_times)
    m->mean_times(sim->par, k->cov, k->eta, eff, (int) nt, t, ymean);
  else
    for (PetscInt i = 0; i < nt; i++) m->mean(sim->par, k->cov, k->eta, eff, t[i], ymean + i * m->nvar);
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectories(TTSim sim, PetscInt n, const TTSimCase cases[], PetscInt nt, const double t[],
                                 double ymean[])
{
  const TTModelType *m       = sim->type;
  const PetscInt     ystride = nt * m->nvar;

  PetscFunctionBeginUser;
  PetscCheck(n >= 1 && nt >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d cases, %d times", (int) n, (int) nt);
  for (PetscInt c = 0; c < n; c++)
    if (cases[c].reg) PetscCall(TTSimCheckRegimen_Private(cases[c].reg));
  if (m->nstate == 0) {
    for (PetscInt c = 0; c < n; c++) PetscCall(SimClosedForm(sim, &cases[c], nt, t, ymean + c * ystride));
  } else if (n == 1 || m->doses) { /* each case has its own dose events */
    for (PetscInt c = 0; c < n; c++) PetscCall(SimIntegrate(sim, &sim->one, &cases[c], nt, t, ymean + c * ystride));
  } else {
    SimTS *s;
    PetscCall(TTSimBatchTS_Private(sim, n, &s));
    PetscCall(SimIntegrate(sim, s, cases, nt, t, ymean));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectory(TTSim sim, const double *cov, const double *eta, const double *eff, PetscInt nt,
                               const double t[], double ymean[])
{
  const TTSimCase k = {cov, eta, eff, NULL};

  PetscFunctionBeginUser;
  PetscCall(TTSimTrajectories(sim, 1, &k, nt, t, ymean));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectoryRegimen(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                      const TTRegimen *reg, PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m = sim->type;
  const TTSimCase    k = {cov, eta, NULL, reg};
  PetscInt           i = 0;

  PetscFunctionBeginUser;
  PetscCheck(nt >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d times", (int) nt);
  PetscCall(TTSimCheckRegimen_Private(reg));
  if (!(t[0] < 0.0)) {
    PetscCall(TTSimTrajectories(sim, 1, &k, nt, t, ymean));
  } else if (m->nstate == 0) {
    for (; i < nt && t[i] < 0.0; i++) m->mean(sim->par, cov, eta, eff0, t[i], ymean + i * m->nvar);
    if (i < nt) PetscCall(SimClosedForm(sim, &k, nt - i, t + i, ymean + i * m->nvar));
  } else {
    PetscCall(SimIntegrateHistory(sim, cov, eta, eff0, reg, nt, t, ymean));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectoryHistory(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                      const double *eff, PetscInt nt, const double t[], double ymean[])
{
  const double    start = 0.0;
  const TTRegimen reg   = {1, &start, eff};

  PetscFunctionBeginUser;
  PetscCall(TTSimTrajectoryRegimen(sim, cov, eta, eff0, &reg, nt, t, ymean));
  PetscFunctionReturn(0);
}
