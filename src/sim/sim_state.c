/* sim_state.c — integrating ODE models in two pieces: the cases' states at a time t0
 * (TTSimStates), and their trajectories onward from given states at t0
 * (TTSimTrajectoriesFrom), so cases that share their course up to t0 (guided forecasts:
 * the posterior's points under the policy so far, then under each candidate from the
 * decision) integrate that part once.
 *
 * Both reset the TS they use as SimIntegrate does (time, step number, step 1e-3 of the
 * interval, restarted history) and run the same steps: TTSimStates from `initial` at 0
 * through the switches before t0 (the segment ending at t0 is the one in effect there);
 * TTSimTrajectoriesFrom from the given states at t0 with each case in the segment in
 * effect just after t0 (switches at t0 applied), through the later switches and the visits
 * (sim_regimen.c's order). So a trajectory in two pieces equals the one piece of
 * TTSimTrajectories to the integration tolerance, not bit for bit (the steps restart at
 * t0). Models without doses only (PETSC_ERR_SUP otherwise). Invariant: pure functions of
 * (model, par, cases, t0, states, t), like the rest of the sim. Not collective.
 */
#include <math.h>
#include "simimpl.h"

/* Each case's segment in effect just after t0 (the last j with start[j] <= t0). */
static void SegmentsAfter(TTSim sim, double t0)
{
  for (PetscInt c = 0; c < sim->cur->n; c++) {
    const TTRegimen *r = sim->cases[c].reg;
    while (r && sim->seg[c] + 1 < r->n && r->start[sim->seg[c] + 1] <= t0) sim->seg[c]++;
  }
}

/* TS s reset at time t0 for the interval to t1, the n cases current. */
static PetscErrorCode Reset(TTSim sim, SimTS *s, PetscInt n, const TTSimCase cases[], double t0, double t1)
{
  PetscFunctionBeginUser;
  PetscCheck(sim->type->nstate > 0 && !sim->type->doses, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: integrating in pieces is for ODE models without doses", sim->type->name);
  for (PetscInt c = 0; c < n; c++)
    if (cases[c].reg) PetscCall(TTSimCheckRegimen_Private(cases[c].reg));
  sim->cur   = s;
  sim->cases = cases;
  PetscCall(TTSimResetSegments_Private(sim, n));
  sim->now = t0;
  PetscCall(TSSetTime(s->ts, t0));
  PetscCall(TSSetStepNumber(s->ts, 0));
  PetscCall(TSSetTimeStep(s->ts, t1 > t0 ? 1e-3 * (t1 - t0) : 1e-3));
  PetscCall(TSRestartStep(s->ts));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimStates(TTSim sim, PetscInt n, const TTSimCase cases[], double t0, double u[])
{
  const TTModelType *m = sim->type;
  SimTS             *s;
  PetscScalar       *v;
  PetscInt           nb;

  PetscFunctionBeginUser;
  PetscCheck(n >= 1 && t0 >= 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d cases, t0 = %g", (int) n, t0);
  PetscCall(TTSimBatchTS_Private(sim, n, &s));
  PetscCall(Reset(sim, s, n, cases, 0.0, t0));
  PetscCall(VecGetArray(s->u, &v));
  for (PetscInt c = 0; c < n; c++)
    m->initial(sim->par, cases[c].cov, cases[c].eta, TTSimCaseEffects(sim, c), v + c * m->nstate);
  PetscCall(VecRestoreArray(s->u, &v));
  nb = TTSimBreakpoints_Private(sim);
  for (PetscInt b = 0; b < nb && sim->brk[b] < t0; b++) {
    const double te = sim->brk[b], next = b + 1 < nb && sim->brk[b + 1] < t0 ? sim->brk[b + 1] : t0;
    PetscCall(TTSimAdvance_Private(sim, te));
    TTSimSwitch_Private(sim, te);
    PetscCall(TSSetTime(s->ts, te));
    PetscCall(TSSetTimeStep(s->ts, 1e-3 * (next - te)));
    PetscCall(TSRestartStep(s->ts));
    sim->now = te;
  }
  PetscCall(TTSimAdvance_Private(sim, t0));
  PetscCall(VecGetArray(s->u, &v));
  PetscCall(PetscArraycpy(u, v, n * m->nstate));
  PetscCall(VecRestoreArray(s->u, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectoriesFrom(TTSim sim, PetscInt n, const TTSimCase cases[], double t0, const double u[],
                                     PetscInt nt, const double t[], double ymean[])
{
  const TTModelType *m = sim->type;
  SimTS             *s;
  PetscScalar       *v;

  PetscFunctionBeginUser;
  PetscCheck(n >= 1 && nt >= 1 && t0 >= 0.0 && t[0] >= t0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%d cases, %d times from %g, t0 = %g", (int) n, (int) nt, nt >= 1 ? t[0] : NAN, t0);
  PetscCall(TTSimBatchTS_Private(sim, n, &s));
  PetscCall(Reset(sim, s, n, cases, t0, t[nt - 1]));
  SegmentsAfter(sim, t0);
  PetscCall(VecGetArray(s->u, &v));
  PetscCall(PetscArraycpy(v, u, n * m->nstate));
  PetscCall(VecRestoreArray(s->u, &v));
  if (TTSimSwitching_Private(n, cases))
    PetscCall(TTSimVisitsSwitching_Private(sim, 0, nt, t, ymean, nt * m->nvar));
  else
    PetscCall(TTSimVisits_Private(sim, 0, nt, t, ymean, nt * m->nvar));
  PetscFunctionReturn(0);
}
