/* sim.c — evaluates or integrates a model for one twin under one arm.
 *
 * Invariant: TTSimTrajectory is a pure function of (model, par, cov, eta, eff, t):
 * the reused TS is returned to the same initial time, time step and restarted
 * step history (TSRestartStep, so FSAL stages are not carried over) before every
 * twin. Outputs at t = 0 come from the initial state without a step.
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
 */
#include <math.h>
#include <petscts.h>
#include <twintrial/sim.h>

#define TT_SIM_MAX_RATE 1e150

struct _p_TTSim {
  const TTModelType *type;
  const double      *par;
  TS                 ts;
  Vec                u;
  double            *yout;    /* nvar scratch */
  double            *dose_t;  /* TT_MAX_DOSES dose times (model units), if the model doses */
  double            *dose_mg; /* TT_MAX_DOSES amounts added to state dose_state */
  PetscReal          now;     /* time the state u is at during an integration */
  /* the twin being integrated */
  const double *cov, *eta, *eff;
  PetscInt      nrhs;
  PetscBool     nonfinite; /* the right-hand side left the finite range in this integration */
};

static PetscErrorCode SimRHS(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  TTSim              sim = (TTSim) ctx;
  const PetscScalar *u;
  PetscScalar       *f;

  PetscFunctionBeginUser;
  (void) ts;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(F, &f));
  sim->type->rhs(sim->par, sim->cov, sim->eta, sim->eff, t, u, f);
  /* A right-hand side beyond TT_SIM_MAX_RATE (or Inf/NaN) would reach PETSc's error norm
   * as Inf, an error inside TSSolve that leaves the TS mid-step: flag it, coast to the
   * target with a zero derivative and let SimAdvance report it. */
  for (PetscInt i = 0; i < sim->type->nstate; i++)
    if (!(PetscAbsReal(f[i]) <= TT_SIM_MAX_RATE) || !isfinite(u[i])) sim->nonfinite = PETSC_TRUE;
  if (sim->nonfinite)
    for (PetscInt i = 0; i < sim->type->nstate; i++) f[i] = 0.0;
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(U, &u));
  sim->nrhs++;
  PetscFunctionReturn(0);
}

static PetscErrorCode SimSetUpTS(TTSim sim)
{
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, sim->type->nstate, &sim->u));
  PetscCall(TSCreate(PETSC_COMM_SELF, &sim->ts));
  PetscCall(TSSetProblemType(sim->ts, TS_NONLINEAR));
  PetscCall(TSSetType(sim->ts, TSRK));
  PetscCall(TSRKSetType(sim->ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(sim->ts, NULL, SimRHS, sim));
  PetscCall(TSSetTolerances(sim->ts, 1e-10, NULL, 1e-8, NULL));
  PetscCall(TSSetExactFinalTime(sim->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(sim->ts, 1000000));
  PetscCall(TSSetOptionsPrefix(sim->ts, "tt_sim_"));
  PetscCall(TSSetFromOptions(sim->ts));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimCreate(const TTModelType *type, const double *par, TTSim *sim)
{
  TTSim s;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(1, &s));
  s->type = type;
  s->par  = par;
  PetscCall(PetscMalloc1(type->nvar, &s->yout));
  if (type->doses) {
    PetscCheck(type->nstate > 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s: dosing needs an ODE model", type->name);
    PetscCheck(type->dose_state >= 0 && type->dose_state < type->nstate, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "model %s: dose_state %d not in [0, %d)", type->name, type->dose_state, type->nstate);
    PetscCall(PetscMalloc2(TT_MAX_DOSES, &s->dose_t, TT_MAX_DOSES, &s->dose_mg));
  }
  if (type->nstate > 0) PetscCall(SimSetUpTS(s));
  *sim = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimReset(TTSim sim)
{
  PetscFunctionBeginUser;
  if (!sim->ts) PetscFunctionReturn(0);
  PetscCall(TSDestroy(&sim->ts));
  PetscCall(VecDestroy(&sim->u));
  PetscCall(SimSetUpTS(sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimDestroy(TTSim *sim)
{
  PetscFunctionBeginUser;
  if (!sim || !*sim) PetscFunctionReturn(0);
  PetscCall(TSDestroy(&(*sim)->ts));
  PetscCall(VecDestroy(&(*sim)->u));
  PetscCall(PetscFree((*sim)->yout));
  PetscCall(PetscFree2((*sim)->dose_t, (*sim)->dose_mg));
  PetscCall(PetscFree(*sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimGetStats(TTSim sim, PetscInt *nrhs)
{
  PetscFunctionBeginUser;
  *nrhs = sim->nrhs;
  PetscFunctionReturn(0);
}

static PetscErrorCode SimOutput(TTSim sim, double t, double *y)
{
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(sim->u, &u));
  sim->type->output(sim->par, sim->cov, sim->eta, sim->eff, t, u, y);
  PetscCall(VecRestoreArrayRead(sim->u, &u));
  PetscFunctionReturn(0);
}

/* Integrates the state from sim->now to `target` (nothing to do if already there). */
static PetscErrorCode SimAdvance(TTSim sim, PetscReal target)
{
  TSConvergedReason reason;
  PetscReal         treached;

  PetscFunctionBeginUser;
  if (!(target > sim->now)) PetscFunctionReturn(0);
  PetscCall(TSSetMaxTime(sim->ts, target));
  sim->nonfinite = PETSC_FALSE;
  PetscCall(TSSolve(sim->ts, sim->u));
  PetscCall(TSGetConvergedReason(sim->ts, &reason));
  PetscCall(TSGetTime(sim->ts, &treached));
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

/* Applies every dose at time dose_t[*d] (advancing *d) and restarts the TS there with a
 * step of 1e-3 of the interval to the next event: the next dose before `visit`, or `visit`. */
static PetscErrorCode SimDose(TTSim sim, PetscInt *d, PetscInt nd, PetscReal visit)
{
  const PetscReal td = sim->dose_t[*d];
  PetscReal       next;
  PetscScalar    *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(sim->u, &u));
  for (; *d < nd && sim->dose_t[*d] == td; (*d)++) u[sim->type->dose_state] += sim->dose_mg[*d];
  PetscCall(VecRestoreArray(sim->u, &u));
  next = (*d < nd && sim->dose_t[*d] < visit) ? sim->dose_t[*d] : visit;
  PetscCall(TSSetTime(sim->ts, td));
  PetscCall(TSSetTimeStep(sim->ts, 1e-3 * (next - td)));
  PetscCall(TSRestartStep(sim->ts));
  PetscFunctionReturn(0);
}

/* The arm's doses before t_end, checked: 0 <= n <= TT_MAX_DOSES (a model returns more
 * when its regimen does not fit), finite times >= 0 in nondecreasing order, finite amounts. */
static PetscErrorCode SimGetDoses(TTSim sim, double t_end, PetscInt *nd)
{
  const TTModelType *m = sim->type;
  int n = m->doses ? m->doses(sim->par, sim->cov, sim->eta, sim->eff, t_end, sim->dose_t, sim->dose_mg) : 0;

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

/* Integrates from 0 through every visit and dose, resetting the TS first. */
static PetscErrorCode SimIntegrate(TTSim sim, PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m = sim->type;
  PetscScalar       *u;
  PetscInt           nd, d = 0;

  PetscFunctionBeginUser;
  PetscCall(SimGetDoses(sim, t[nt - 1], &nd));
  PetscCall(VecGetArray(sim->u, &u));
  m->initial(sim->par, sim->cov, sim->eta, sim->eff, u);
  PetscCall(VecRestoreArray(sim->u, &u));
  sim->now = 0.0;
  PetscCall(TSSetTime(sim->ts, 0.0));
  PetscCall(TSSetStepNumber(sim->ts, 0));
  PetscCall(TSSetTimeStep(sim->ts, t[nt - 1] > 0 ? 1e-3 * t[nt - 1] : 1e-3));
  PetscCall(TSRestartStep(sim->ts));
  for (PetscInt i = 0; i < nt; i++) {
    while (d < nd && sim->dose_t[d] < t[i]) { /* a dose at t[i] comes after its output */
      PetscCall(SimAdvance(sim, sim->dose_t[d]));
      PetscCall(SimDose(sim, &d, nd, t[i]));
    }
    PetscCall(SimAdvance(sim, t[i]));
    PetscCall(SimOutput(sim, t[i], ymean + i * m->nvar));
    for (PetscInt k = 0; k < m->nvar; k++)
      PetscCheck(isfinite(ymean[i * m->nvar + k]), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
                 "ODE solution is not finite at t = %g", t[i]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectory(TTSim sim, const double *cov, const double *eta, const double *eff, PetscInt nt,
                               const double t[], double ymean[])
{
  const TTModelType *m = sim->type;

  PetscFunctionBeginUser;
  sim->cov = cov;
  sim->eta = eta;
  sim->eff = eff;
  if (m->nstate == 0 && m->mean_times)
    m->mean_times(sim->par, cov, eta, eff, (int) nt, t, ymean);
  else if (m->nstate == 0) {
    for (PetscInt i = 0; i < nt; i++) m->mean(sim->par, cov, eta, eff, t[i], ymean + i * m->nvar);
  } else
    PetscCall(SimIntegrate(sim, nt, t, ymean));
  PetscFunctionReturn(0);
}
