/* sim.c — evaluates or integrates a model for one twin under one arm.
 *
 * Invariant: TTSimTrajectory is a pure function of (model, par, cov, eta, eff, t):
 * the reused TS is returned to the same initial time, time step and restarted
 * step history (TSRestartStep, so FSAL stages are not carried over) before every
 * twin. Outputs at t = 0 come from the initial state without a step.
 */
#include <petscts.h>
#include <twintrial/sim.h>

struct _p_TTSim {
  const TTModelType *type;
  const double      *par;
  TS                 ts;
  Vec                u;
  double            *yout; /* nvar scratch */
  /* the twin being integrated */
  const double *cov, *eta, *eff;
  PetscInt      nrhs;
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
  if (type->nstate > 0) PetscCall(SimSetUpTS(s));
  *sim = s;
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimDestroy(TTSim *sim)
{
  PetscFunctionBeginUser;
  if (!sim || !*sim) PetscFunctionReturn(0);
  PetscCall(TSDestroy(&(*sim)->ts));
  PetscCall(VecDestroy(&(*sim)->u));
  PetscCall(PetscFree((*sim)->yout));
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

/* Integrates from 0 through every visit, resetting the TS first. */
static PetscErrorCode SimIntegrate(TTSim sim, PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m = sim->type;
  PetscScalar       *u;
  TSConvergedReason  reason;
  PetscReal          treached;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(sim->u, &u));
  m->initial(sim->par, sim->cov, sim->eta, sim->eff, u);
  PetscCall(VecRestoreArray(sim->u, &u));
  PetscCall(TSSetTime(sim->ts, 0.0));
  PetscCall(TSSetStepNumber(sim->ts, 0));
  PetscCall(TSSetTimeStep(sim->ts, t[nt - 1] > 0 ? 1e-3 * t[nt - 1] : 1e-3));
  PetscCall(TSRestartStep(sim->ts));
  for (PetscInt i = 0; i < nt; i++) {
    if (t[i] > 0.0) {
      PetscCall(TSSetMaxTime(sim->ts, t[i]));
      PetscCall(TSSolve(sim->ts, sim->u));
      PetscCall(TSGetConvergedReason(sim->ts, &reason));
      PetscCall(TSGetTime(sim->ts, &treached));
      PetscCheck(reason >= 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
                 "ODE integration failed at t = %g (target %g, %s)", (double) treached, t[i],
                 TSConvergedReasons[reason]);
    }
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
  if (m->nstate == 0) {
    for (PetscInt i = 0; i < nt; i++) m->mean(sim->par, cov, eta, eff, t[i], ymean + i * m->nvar);
  } else
    PetscCall(SimIntegrate(sim, nt, t, ymean));
  PetscFunctionReturn(0);
}
