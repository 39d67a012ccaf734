/* sim_regimen.c — integrating ODE models under regimens that switch (TTRegimen).
 *
 * The switch times of the cases of one integration are its breakpoints (merged, each
 * once). The integration stops at each, every case whose regimen switches there moves to
 * its next segment, and the TS restarts as at a dose: time set to the breakpoint, step
 * history dropped (the right-hand side jumps), step 1e-3 of the interval to the next
 * event. Order at one time t: the visits at t are output first (under the segment ending
 * at t: segment j holds on (start[j], start[j + 1]]), then the switches at t, then the
 * doses at t (those of the new segment). Before the first breakpoint the calls are those
 * of the same cases without switches, so a switch cannot change the outputs at or
 * before its time: the visits up to a switch are bit for bit those of the regimen without
 * it, computed with the same cases.
 * Doses under a regimen: segment j's effects give their doses (`doses`, on the clock of
 * t = 0) and those in [start[j], start[j + 1]) are applied.
 * Invariant: a pure function of (model, par, cases, t), like the rest of the sim.
 */
#include <math.h>
#include "simimpl.h"

PetscErrorCode TTSimCheckRegimen_Private(const TTRegimen *reg)
{
  PetscFunctionBeginUser;
  PetscCheck(reg && reg->n >= 1 && reg->n <= TT_MAX_SEGMENTS && reg->start && reg->eff, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "a regimen has 1 to %d segments (TT_MAX_SEGMENTS), start times and effects",
             TT_MAX_SEGMENTS);
  PetscCheck(reg->start[0] == 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "a regimen starts at t = 0 (randomisation), not %g", reg->start[0]);
  for (int j = 1; j < reg->n; j++)
    PetscCheck(isfinite(reg->start[j]) && reg->start[j] > reg->start[j - 1], PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "regimen segment %d starts at %g, not after segment %d (%g)", j, reg->start[j], j - 1,
               reg->start[j - 1]);
  PetscFunctionReturn(0);
}

PetscBool TTSimSwitching_Private(PetscInt n, const TTSimCase cases[])
{
  for (PetscInt c = 0; c < n; c++)
    if (cases[c].reg && cases[c].reg->n > 1) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscInt TTSimBreakpoints_Private(TTSim sim)
{
  PetscInt nb = 0;

  for (PetscInt c = 0; c < sim->cur->n; c++) {
    const TTRegimen *r = sim->cases[c].reg;
    for (int j = 1; r && j < r->n; j++) {
      double   b = r->start[j];
      PetscInt i = nb;
      if (!(b > sim->now)) continue;
      while (i > 0 && sim->brk[i - 1] > b) i--;
      if (i > 0 && sim->brk[i - 1] == b) continue;
      for (PetscInt k = nb; k > i; k--) sim->brk[k] = sim->brk[k - 1];
      sim->brk[i] = b;
      nb++;
    }
  }
  return nb;
}

void TTSimSwitch_Private(TTSim sim, double b)
{
  for (PetscInt c = 0; c < sim->cur->n; c++) {
    const TTRegimen *r = sim->cases[c].reg;
    while (r && sim->seg[c] + 1 < r->n && r->start[sim->seg[c] + 1] <= b) sim->seg[c]++;
  }
}

PetscErrorCode TTSimVisitsSwitching_Private(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double ymean[],
                                            PetscInt ystride)
{
  const PetscInt nvar = sim->type->nvar, nb = TTSimBreakpoints_Private(sim);
  PetscInt       d = 0, b = 0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nt; i++) {
    for (;;) { /* the switches and doses before visit i, in time order */
      double       td = d < nd && sim->dose_t[d] < t[i] ? sim->dose_t[d] : INFINITY;
      double       tb = b < nb && sim->brk[b] < t[i] ? sim->brk[b] : INFINITY;
      double       te = PetscMin(td, tb), next;
      PetscScalar *u;
      if (te == INFINITY) break;
      PetscCall(TTSimAdvance_Private(sim, te));
      if (tb == te) TTSimSwitch_Private(sim, sim->brk[b++]);
      PetscCall(VecGetArray(sim->cur->u, &u));
      for (; d < nd && sim->dose_t[d] == te; d++) u[sim->type->dose_state] += sim->dose_mg[d];
      PetscCall(VecRestoreArray(sim->cur->u, &u));
      next = t[i];
      if (d < nd && sim->dose_t[d] < next) next = sim->dose_t[d];
      if (b < nb && sim->brk[b] < next) next = sim->brk[b];
      PetscCall(TSSetTime(sim->cur->ts, te));
      PetscCall(TSSetTimeStep(sim->cur->ts, 1e-3 * (next - te)));
      PetscCall(TSRestartStep(sim->cur->ts));
      sim->now = te;
    }
    PetscCall(TTSimAdvance_Private(sim, t[i]));
    PetscCall(TTSimOutput_Private(sim, t[i], ymean + i * nvar, ystride));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimGetRegimenDoses_Private(TTSim sim, const TTRegimen *reg, double t_end, PetscInt *nd)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *k = &sim->cases[0];
  PetscInt           n = 0;

  PetscFunctionBeginUser;
  if (!sim->seg_t) PetscCall(PetscMalloc2(TT_MAX_DOSES, &sim->seg_t, TT_MAX_DOSES, &sim->seg_mg));
  for (int j = 0; j < reg->n && reg->start[j] < t_end; j++) {
    const double *eff = reg->eff + j * m->neffect;
    double        lo = reg->start[j], hi = j + 1 < reg->n ? PetscMin(reg->start[j + 1], t_end) : t_end;
    int           nj = m->doses(sim->par, k->cov, k->eta, eff, hi, sim->seg_t, sim->seg_mg);
    PetscCheck(nj <= TT_MAX_DOSES, PETSC_COMM_SELF, PETSC_ERR_USER,
               "model %s: more than %d doses (TT_MAX_DOSES) before t = %g; shorten the schedule or use a "
               "steady-state exposure",
               m->name, TT_MAX_DOSES, hi);
    PetscCheck(nj >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "model %s: %d doses", m->name, nj);
    for (int i = 0; i < nj; i++) {
      PetscCheck(isfinite(sim->seg_t[i]) && isfinite(sim->seg_mg[i]) && sim->seg_t[i] >= (i ? sim->seg_t[i - 1] : 0.0),
                 PETSC_COMM_SELF, PETSC_ERR_PLIB,
                 "model %s: dose %d (t = %g, amount %g) is not finite, negative or out of order", m->name, i,
                 sim->seg_t[i], sim->seg_mg[i]);
      if (sim->seg_t[i] < lo || sim->seg_t[i] >= hi) continue;
      PetscCheck(n < TT_MAX_DOSES, PETSC_COMM_SELF, PETSC_ERR_USER,
                 "model %s: more than %d doses (TT_MAX_DOSES) before t = %g under the regimen; shorten the schedule "
                 "or use a steady-state exposure",
                 m->name, TT_MAX_DOSES, t_end);
      sim->dose_t[n]  = sim->seg_t[i];
      sim->dose_mg[n] = sim->seg_mg[i];
      n++;
    }
  }
  *nd = n;
  PetscFunctionReturn(0);
}
