/* sim_sens.c — a twin's trajectory with its forward sensitivities to the random effects,
 * d y(t_i) / d eta, for the gradient of personalisation's objective (src/twin).
 *
 * ODE models: the augmented system
 *   u'   = f(t, u, eta),                       u(t0)   = initial(eta),
 *   s_l' = (df/du) s_l + df/deta_l,            s_l(t0) = d initial / d eta_l,
 * l = 0 .. nlatent - 1, integrated as one ODE of nstate (1 + nlatent) unknowns (the
 * state, then each s_l) by a TS of its own, set up as the single-case TS (RK 5(4) DP,
 * prefix tt_sim_, the same tolerances and options) except that the step control takes
 * the infinity norm of the weighted error over every component: the state is at least
 * as accurate as TTSimTrajectoryHistory's and every sensitivity is within the same
 * tolerance. The outputs therefore equal TTSimTrajectoryHistory's to the integration
 * tolerance, not bit for bit (the steps also follow the sensitivities).
 * A model with rhs_sens (model.h) gives s_l' exactly, in one call per stage. Otherwise
 * (the models give no Jacobians) s_l' is the derivative of f along the direction
 * (s_l, e_l) of (u, eta), a central difference of f at (u +- h s_l, eta +- h e_l) with
 * h = cbrt(eps) scaled so that the state moves by at most cbrt(eps) of its largest
 * component (truncation and rounding ~1e-10 relative): 1 + 2 nlatent calls of `rhs` per
 * stage and no Jacobian matrix. At a loose tolerance (rtol >= 1e-6: TTSimSetTolerances,
 * guided arms' fits) a forward difference at (u + h s_l, eta + h e_l), h = sqrt(eps)
 * scaled the same way (~1e-8 relative, two orders below rtol), saves nlatent calls. The output sensitivities are the
 * same difference of `output`, the initial ones central differences of `initial` in each eta_l. Why not PETSc's
 * TSForwardSetSensitivities: in PETSc 3.18 TSForwardStep_RK runs after TSStep has moved ts->ptime and ts->time_step on,
 * so it advances the sensitivities with the NEXT step size at stage times shifted by one step. Measured with RK 5(4) DP
 * at rtol 1e-8: d y(20) / dk of y' = -k y is 0.76 % off with adaptive steps, and of y' = -k (1 + sin(t) / 2) y 25 % off
 * (0.07 % with fixed steps of 0.01). It also leaves the sensitivities out of the step control.
 *
 * Same events as TTSimTrajectoryHistory: from `initial` at t[0] < 0 under eff0, restart
 * at 0 under eff (state and sensitivities are continuous there; the right-hand side may
 * jump), or from 0 under eff when t[0] >= 0; doses of eff before the last time, visits
 * before doses at one time. A dose adds its amount a to state dose_state at a time tau
 * that may move with eta (a lag time with between-subject variability), so s_l jumps by
 * da/deta_l e_dose + (f(u-) - f(u+)) dtau/deta_l, the rate just before minus just after
 * the dose (the jump condition of sensitivities at an event: Galan S, Feehery WF, Barton
 * PI 1999 Appl Numer Math 31:17-47); da/deta and dtau/deta by central differences of
 * `doses` (one-sided for a dose that crosses the last time).
 * Regimens that switch (TTSimTrajectorySensitivityRegimen; ODE models without doses): as
 * sim_regimen.c, the case moves to its next segment at each switch time (rhs_regimen and
 * output_regimen after the first switch when the model has them) and the TS restarts
 * there; the switch times do not depend on eta, so the state and its sensitivities are
 * continuous through a switch and only the right-hand side, whose difference along
 * (s_l, e_l) gives s_l', jumps.
 * Closed-form models: the values of TTSimTrajectoryHistory (bitwise) and central
 * differences of `mean` in each eta_l (eff0 before 0, eff from 0).
 * Invariant: a pure function of (model, par, cov, eta, eff0, eff, t): the augmented TS
 * is made with the others (TTSimCreate, TTSimReset: it reads the same options) and
 * returned to the same time, step and restarted history before every call; nothing here
 * touches the TSs of sim.c, so their results do not depend on calls here.
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "simimpl.h"

/* Relative step of the central differences: cbrt(DBL_EPSILON) balances O(h^2)
 * truncation against O(eps / h) rounding. */
#define SENS_DELTA 6.0554544523933395e-06

PetscErrorCode TTSimSensDestroy_Private(SimSens *s)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimTSDestroy_Private(&s->s));
  PetscCall(PetscFree(s->work));
  PetscCall(PetscFree4(s->dose_t2, s->dose_mg2, s->dose_dmg, s->dose_dtd));
  PetscFunctionReturn(0);
}

/* Relative step of the forward differences of the right-hand side (at a loose rtol):
 * sqrt(DBL_EPSILON) balances O(h) truncation against O(eps / h) rounding. */
#define FWD_DELTA 1.4901161193847656e-08
/* The loosest rtol at which the right-hand side's directional differences stay central:
 * at FWD_RTOL and above forward differences (error ~1e-8 relative, 1 + nlatent calls of
 * `rhs` per stage instead of 1 + 2 nlatent) are two orders below the tolerance. */
#define FWD_RTOL 1e-6

/* Step along (s, e_l) for a state u: the state moves by at most delta of its largest
 * component (or absolutely when it is 0), eta_l by at most delta. */
static double DirStep(PetscInt ns, const double *u, const double *s, double delta)
{
  double un = 0.0, sn = 0.0;

  for (PetscInt k = 0; k < ns; k++) un = fmax(un, fabs(u[k])), sn = fmax(sn, fabs(s[k]));
  return delta / fmax(1.0, sn / (un > 0.0 ? un : 1.0));
}

/* u +- h s and eta +- h e_l into up, um, ep, em. */
static void Perturb(PetscInt ns, PetscInt nl, PetscInt l, double h, const double *u, const double *s, const double *eta,
                    double *up, double *um, double *ep, double *em)
{
  for (PetscInt k = 0; k < ns; k++) up[k] = u[k] + h * s[k], um[k] = u[k] - h * s[k];
  for (PetscInt j = 0; j < nl; j++) ep[j] = em[j] = eta[j];
  ep[l] += h, em[l] -= h;
}

/* The single case's right-hand side at (eta, u): the segment under way's (sim.c's CaseRHS). */
static void CaseRHS(TTSim sim, const double *eta, double t, const double *u, double *f)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *c = &sim->cases[0];

  if (c->reg && sim->seg[0] > 0 && m->rhs_regimen)
    m->rhs_regimen(sim->par, c->cov, eta, c->reg, (int) sim->seg[0], t, u, f);
  else
    m->rhs(sim->par, c->cov, eta, TTSimCaseEffects(sim, 0), t, u, f);
}

/* The single case's outputs at (eta, u): the segment under way's (sim.c's CaseOutput). */
static void CaseOutput(TTSim sim, const double *eta, double t, const double *u, double *y)
{
  const TTModelType *m = sim->type;
  const TTSimCase   *c = &sim->cases[0];

  if (c->reg && sim->seg[0] > 0 && m->output_regimen)
    m->output_regimen(sim->par, c->cov, eta, c->reg, (int) sim->seg[0], t, u, y);
  else
    m->output(sim->par, c->cov, eta, TTSimCaseEffects(sim, 0), t, u, y);
}

/* The single case's right-hand side and its sensitivities' from the model's exact
 * derivatives (rhs_sens), the segment under way's. */
static void CaseRHSSens(TTSim sim, double t, const double *u, double *f)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  const PetscInt     ns = m->nstate;

  if (c->reg && sim->seg[0] > 0 && m->rhs_regimen)
    m->rhs_sens_regimen(sim->par, c->cov, c->eta, c->reg, (int) sim->seg[0], t, u, u + ns, f, f + ns);
  else
    m->rhs_sens(sim->par, c->cov, c->eta, TTSimCaseEffects(sim, 0), t, u, u + ns, f, f + ns);
}

/* The sensitivities' right-hand side by differences of `rhs` along each direction. */
static void CaseRHSDiff(TTSim sim, double t, const double *u, double *f)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  const PetscInt     ns = m->nstate, nl = m->nlatent;
  double            *up = sim->sens.work, *um = up + ns, *fp = um + ns, *fm = fp + ns, *ep = fm + ns, *em = ep + nl;

  CaseRHS(sim, c->eta, t, u, f);
  for (PetscInt l = 0; l < nl; l++) {
    const double *s = u + ns * (1 + l);
    double        h = DirStep(ns, u, s, sim->sens.forward ? FWD_DELTA : SENS_DELTA);
    Perturb(ns, nl, l, h, u, s, c->eta, up, um, ep, em);
    CaseRHS(sim, ep, t, up, fp);
    if (sim->sens.forward)
      for (PetscInt k = 0; k < ns; k++) f[ns * (1 + l) + k] = (fp[k] - f[k]) / h;
    else {
      CaseRHS(sim, em, t, um, fm);
      for (PetscInt k = 0; k < ns; k++) f[ns * (1 + l) + k] = (fp[k] - fm[k]) / (2.0 * h);
    }
  }
  sim->nrhs += 1 + (sim->sens.forward ? 1 : 2) * nl;
}

static PetscErrorCode SensRHS(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  TTSim              sim = (TTSim) ctx;
  const PetscInt     n   = sim->type->nstate * (1 + sim->type->nlatent);
  const PetscScalar *u;
  PetscScalar       *f;

  PetscFunctionBeginUser;
  (void) ts;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(F, &f));
  if (sim->type->rhs_sens)
    CaseRHSSens(sim, t, u, f), sim->nrhs++;
  else
    CaseRHSDiff(sim, t, u, f);
  /* as SimRHS: flag a right-hand side out of the finite range, coast, report it after */
  for (PetscInt i = 0; i < n; i++)
    if (!(PetscAbsReal(f[i]) <= TT_SIM_MAX_RATE) || !isfinite(u[i])) sim->nonfinite = PETSC_TRUE;
  if (sim->nonfinite)
    for (PetscInt i = 0; i < n; i++) f[i] = 0.0;
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscFunctionReturn(0);
}

/* The augmented TS and the scratch (TTSimCreate, TTSimReset; idempotent). */
PetscErrorCode TTSimSensSetUp_Private(TTSim sim)
{
  const TTModelType *m  = sim->type;
  SimSens           *S  = &sim->sens;
  const PetscInt     ns = PetscMax(m->nstate, 1), nl = m->nlatent;
  PetscReal          rtol;

  PetscFunctionBeginUser;
  if (!S->work) PetscCall(PetscMalloc1(4 * ns + 2 * nl + 2 * m->nvar, &S->work));
  if (m->doses && !S->dose_t2)
    PetscCall(PetscMalloc4(TT_MAX_DOSES, &S->dose_t2, TT_MAX_DOSES, &S->dose_mg2, TT_MAX_DOSES * nl, &S->dose_dmg,
                           TT_MAX_DOSES * nl, &S->dose_dtd));
  if (S->s.ts || m->nstate == 0) PetscFunctionReturn(0);
  S->s.n = 1;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, m->nstate * (1 + nl), &S->s.u));
  PetscCall(TSCreate(PETSC_COMM_SELF, &S->s.ts));
  PetscCall(TSSetProblemType(S->s.ts, TS_NONLINEAR));
  PetscCall(TSSetType(S->s.ts, TSRK));
  PetscCall(TSRKSetType(S->s.ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(S->s.ts, NULL, SensRHS, sim));
  PetscCall(TSSetTolerances(S->s.ts, sim->atol, NULL, sim->rtol, NULL));
  PetscCall(TSSetExactFinalTime(S->s.ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(S->s.ts, 1000000));
  PetscCall(TSSetOptionsPrefix(S->s.ts, "tt_sim_"));
  PetscCall(TTSimTSOptions_Private(&S->s));
  PetscCall(TSSetFromOptions(S->s.ts));
  PetscCall(TSGetTolerances(S->s.ts, NULL, NULL, &rtol, NULL));
  S->forward = rtol >= FWD_RTOL;
  PetscFunctionReturn(0);
}

/* The state and its sensitivities at the start, from `initial` under eff. */
static void SensInitial(TTSim sim, const double *eff, double *u)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  const PetscInt     ns = m->nstate, nl = m->nlatent;
  double            *up = sim->sens.work, *um = up + ns, *ep = um + 3 * ns, *em = ep + nl;

  m->initial(sim->par, c->cov, c->eta, eff, u);
  for (PetscInt l = 0; l < nl; l++) {
    double h = SENS_DELTA * fmax(1.0, fabs(c->eta[l]));
    for (PetscInt j = 0; j < nl; j++) ep[j] = em[j] = c->eta[j];
    ep[l] += h, em[l] -= h;
    h = 0.5 * (ep[l] - em[l]); /* the step actually taken */
    m->initial(sim->par, c->cov, ep, eff, up);
    m->initial(sim->par, c->cov, em, eff, um);
    for (PetscInt k = 0; k < ns; k++) u[ns * (1 + l) + k] = (up[k] - um[k]) / (2.0 * h);
  }
}

/* y[nvar] and dy[nvar][nlatent] at time t from the current augmented state. */
static PetscErrorCode SensOutput(TTSim sim, double t, double *y, double *dy)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  const PetscInt     ns = m->nstate, nl = m->nlatent, nv = m->nvar;
  double            *up = sim->sens.work, *um = up + ns, *ep = um + 3 * ns, *em = ep + nl, *yp = em + nl, *ym = yp + nv;
  const PetscScalar *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(sim->cur->u, &u));
  CaseOutput(sim, c->eta, t, u, y);
  for (PetscInt l = 0; l < nl; l++) {
    const double *s = u + ns * (1 + l);
    double        h = DirStep(ns, u, s, SENS_DELTA);
    Perturb(ns, nl, l, h, u, s, c->eta, up, um, ep, em);
    CaseOutput(sim, ep, t, up, yp);
    CaseOutput(sim, em, t, um, ym);
    for (PetscInt k = 0; k < nv; k++) dy[k * nl + l] = (yp[k] - ym[k]) / (2.0 * h);
  }
  PetscCall(VecRestoreArrayRead(sim->cur->u, &u));
  for (PetscInt k = 0; k < nv; k++) {
    PetscCheck(isfinite(y[k]), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "ODE solution is not finite at t = %g", t);
    for (PetscInt l = 0; l < nl; l++)
      PetscCheck(isfinite(dy[k * nl + l]), PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
                 "ODE sensitivity is not finite at t = %g", t);
  }
  PetscFunctionReturn(0);
}

/* d x / d eta_l from x at eta (x0) and at eta +- h (xp, xm; NAN where that side has no
 * such dose: a dose crossing t_end), central where both exist. */
static double DoseDiff(double x0, double xp, double xm, double h)
{
  if (isfinite(xp) && isfinite(xm)) return (xp - xm) / (2.0 * h);
  if (isfinite(xp)) return (xp - x0) / h;
  if (isfinite(xm)) return (x0 - xm) / h;
  return 0.0;
}

/* The doses before t_end (TTSimGetDoses_Private) and the derivatives of their amounts and
 * times in eta, by central differences of `doses`. */
static PetscErrorCode SensGetDoses(TTSim sim, double t_end, PetscInt *nd)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  SimSens           *S  = &sim->sens;
  const PetscInt     nl = m->nlatent;
  double             e[TT_SIM_MAX_SENS_LATENT];

  PetscFunctionBeginUser;
  PetscCall(TTSimGetDoses_Private(sim, c->eff, t_end, nd));
  for (PetscInt l = 0; l < nl; l++) {
    double h = SENS_DELTA * fmax(1.0, fabs(c->eta[l]));
    for (int side = 0; side < 2; side++) {
      int n;
      for (PetscInt j = 0; j < nl; j++) e[j] = c->eta[j];
      e[l] += side ? -h : h;
      n = PetscMin(m->doses(sim->par, c->cov, e, c->eff, t_end, S->dose_t2, S->dose_mg2), TT_MAX_DOSES);
      for (PetscInt d = 0; d < *nd; d++) {
        double *dt = &S->dose_dtd[d * nl + l], *dm = &S->dose_dmg[d * nl + l];
        double  tt = d < n ? S->dose_t2[d] : NAN, mm = d < n ? S->dose_mg2[d] : NAN;
        if (!side)
          *dt = tt, *dm = mm; /* eta + h, kept until eta - h */
        else {
          *dt = DoseDiff(sim->dose_t[d], *dt, tt, h);
          *dm = DoseDiff(sim->dose_mg[d], *dm, mm, h);
        }
      }
    }
  }
  PetscFunctionReturn(0);
}

/* Before the doses at dose_t[d0] are added to the state: the sensitivities' jumps. Dose d
 * adds a_d to state dose_state at time tau_d(eta): s_l += da_d/deta_l e_dose
 * + (f(u before d) - f(u after d)) dtau_d/deta_l, one dose after the other. */
static PetscErrorCode SensDoseJump(TTSim sim, PetscInt d0, PetscInt nd)
{
  const TTModelType *m  = sim->type;
  const TTSimCase   *c  = &sim->cases[0];
  const SimSens     *S  = &sim->sens;
  const PetscInt     ns = m->nstate, nl = m->nlatent, ds = m->dose_state;
  const double       td = sim->dose_t[d0];
  double            *ua = S->work, *ub = ua + ns, *fa = ub + ns, *fb = fa + ns;
  PetscScalar       *u;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(sim->cur->u, &u));
  for (PetscInt k = 0; k < ns; k++) ua[k] = ub[k] = u[k];
  for (PetscInt d = d0; d < nd && sim->dose_t[d] == td; d++) {
    const double *dt = S->dose_dtd + d * nl, *dm = S->dose_dmg + d * nl;
    PetscBool     moves = PETSC_FALSE;
    for (PetscInt l = 0; l < nl; l++) moves = moves || dt[l] != 0.0;
    ub[ds] = ua[ds] + sim->dose_mg[d];
    if (moves) {
      m->rhs(sim->par, c->cov, c->eta, c->eff, td, ua, fa);
      m->rhs(sim->par, c->cov, c->eta, c->eff, td, ub, fb);
      sim->nrhs += 2;
    }
    for (PetscInt l = 0; l < nl; l++) {
      u[ns * (1 + l) + ds] += dm[l];
      if (moves)
        for (PetscInt k = 0; k < ns; k++) u[ns * (1 + l) + k] += (fa[k] - fb[k]) * dt[l];
    }
    ua[ds] = ub[ds];
  }
  PetscCall(VecRestoreArray(sim->cur->u, &u));
  PetscFunctionReturn(0);
}

/* As SimVisits, with the sensitivities' dose jumps and outputs. */
static PetscErrorCode SensVisits(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double y[], double dy[])
{
  const PetscInt nv = sim->type->nvar, nl = sim->type->nlatent;
  PetscInt       d = 0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nt; i++) {
    while (d < nd && sim->dose_t[d] < t[i]) {
      PetscCall(TTSimAdvance_Private(sim, sim->dose_t[d]));
      PetscCall(SensDoseJump(sim, d, nd));
      PetscCall(TTSimDose_Private(sim, &d, nd, t[i]));
    }
    PetscCall(TTSimAdvance_Private(sim, t[i]));
    PetscCall(SensOutput(sim, t[i], y + i * nv, dy + i * nv * nl));
  }
  PetscFunctionReturn(0);
}

/* As SensVisits for a regimen that switches (no doses): at each switch time before a
 * visit the case moves to its next segment and the TS restarts there (sim_regimen.c's
 * order: the visits at a switch time under the segment ending there). The state and its
 * sensitivities are continuous at a switch, whose time does not depend on eta. */
static PetscErrorCode SensVisitsSwitching(TTSim sim, PetscInt nt, const double t[], double y[], double dy[])
{
  const PetscInt nv = sim->type->nvar, nl = sim->type->nlatent, nb = TTSimBreakpoints_Private(sim);
  PetscInt       b = 0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nt; i++) {
    for (; b < nb && sim->brk[b] < t[i]; b++) {
      const double te = sim->brk[b], next = b + 1 < nb && sim->brk[b + 1] < t[i] ? sim->brk[b + 1] : t[i];
      PetscCall(TTSimAdvance_Private(sim, te));
      TTSimSwitch_Private(sim, te);
      PetscCall(TSSetTime(sim->cur->ts, te));
      PetscCall(TSSetTimeStep(sim->cur->ts, 1e-3 * (next - te)));
      PetscCall(TSRestartStep(sim->cur->ts));
      sim->now = te;
    }
    PetscCall(TTSimAdvance_Private(sim, t[i]));
    PetscCall(SensOutput(sim, t[i], y + i * nv, dy + i * nv * nl));
  }
  PetscFunctionReturn(0);
}

/* The ODE path: as SimIntegrateHistory (t[0] < 0) or SimIntegrate (t[0] >= 0); reg NULL
 * (constant effects eff after 0) or a regimen that switches (a model without doses). */
static PetscErrorCode SensIntegrate(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                    const double *eff, const TTRegimen *reg, PetscInt nt, const double t[], double y[],
                                    double dy[])
{
  const TTModelType *m  = sim->type;
  SimTS             *s  = &sim->sens.s;
  TTSimCase          c  = {cov, eta, t[0] < 0.0 ? eff0 : eff, t[0] < 0.0 ? NULL : reg};
  const PetscInt     nv = m->nvar, nl = m->nlatent;
  PetscInt           i = 0, nd = 0;
  PetscScalar       *u;

  PetscFunctionBeginUser;
  PetscCall(TTSimSensSetUp_Private(sim));
  sim->cur   = s;
  sim->cases = &c;
  PetscCall(TTSimResetSegments_Private(sim, 1));
  PetscCall(VecGetArray(s->u, &u));
  SensInitial(sim, c.eff, u);
  PetscCall(VecRestoreArray(s->u, &u));
  sim->now = PetscMin(t[0], 0.0);
  PetscCall(TSSetTime(s->ts, sim->now));
  PetscCall(TSSetStepNumber(s->ts, 0));
  if (t[0] < 0.0) {
    PetscCall(TSSetTimeStep(s->ts, -1e-3 * t[0]));
    PetscCall(TSRestartStep(s->ts));
    for (; i < nt && t[i] < 0.0; i++) {
      PetscCall(TTSimAdvance_Private(sim, t[i]));
      PetscCall(SensOutput(sim, t[i], y + i * nv, dy + i * nv * nl));
    }
    if (i == nt) PetscFunctionReturn(0);
    PetscCall(TTSimAdvance_Private(sim, 0.0));
    c.eff = eff, c.reg = reg;
  }
  if (m->doses) PetscCall(SensGetDoses(sim, t[nt - 1], &nd));
  PetscCall(TSSetTime(s->ts, 0.0));
  PetscCall(TSSetTimeStep(s->ts, t[nt - 1] > 0 ? 1e-3 * t[nt - 1] : 1e-3));
  PetscCall(TSRestartStep(s->ts));
  if (reg)
    PetscCall(SensVisitsSwitching(sim, nt - i, t + i, y + i * nv, dy + i * nv * nl));
  else
    PetscCall(SensVisits(sim, nd, nt - i, t + i, y + i * nv, dy + i * nv * nl));
  PetscFunctionReturn(0);
}

/* Closed form: the values of TTSimTrajectoryHistory and central differences of `mean`. */
static PetscErrorCode SensClosedForm(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                     const double *eff, PetscInt nt, const double t[], double y[], double dy[])
{
  const TTModelType *m  = sim->type;
  const PetscInt     nl = m->nlatent, nv = m->nvar;
  double            *ep, *em, *yp, *ym;

  PetscFunctionBeginUser;
  PetscCall(TTSimSensSetUp_Private(sim));
  ep = sim->sens.work, em = ep + nl, yp = em + nl, ym = yp + nv;
  PetscCall(TTSimTrajectoryHistory(sim, cov, eta, eff0, eff, nt, t, y));
  for (PetscInt i = 0; i < nt; i++) {
    const double *e = t[i] < 0.0 ? eff0 : eff;
    for (PetscInt l = 0; l < nl; l++) {
      double h = SENS_DELTA * fmax(1.0, fabs(eta[l]));
      for (PetscInt j = 0; j < nl; j++) ep[j] = em[j] = eta[j];
      ep[l] += h, em[l] -= h;
      h = 0.5 * (ep[l] - em[l]);
      m->mean(sim->par, cov, ep, e, t[i], yp);
      m->mean(sim->par, cov, em, e, t[i], ym);
      for (PetscInt k = 0; k < nv; k++) dy[(i * nv + k) * nl + l] = (yp[k] - ym[k]) / (2.0 * h);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectorySensitivity(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                          const double *eff, PetscInt nt, const double t[], double ymean[],
                                          double dydeta[])
{
  const TTModelType *m = sim->type;

  PetscFunctionBeginUser;
  PetscCheck(nt >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d times", (int) nt);
  PetscCheck(m->nlatent <= TT_SIM_MAX_SENS_LATENT, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: sensitivities to more than %d random effects", m->name, TT_SIM_MAX_SENS_LATENT);
  if (m->nstate == 0)
    PetscCall(SensClosedForm(sim, cov, eta, eff0, eff, nt, t, ymean, dydeta));
  else
    PetscCall(SensIntegrate(sim, cov, eta, eff0, eff, NULL, nt, t, ymean, dydeta));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimTrajectorySensitivityRegimen(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                                 const TTRegimen *reg, PetscInt nt, const double t[], double ymean[],
                                                 double dydeta[])
{
  const TTModelType *m = sim->type;

  PetscFunctionBeginUser;
  PetscCall(TTSimCheckRegimen_Private(reg));
  if (reg->n == 1) {
    PetscCall(TTSimTrajectorySensitivity(sim, cov, eta, eff0, reg->eff, nt, t, ymean, dydeta));
    PetscFunctionReturn(0);
  }
  PetscCheck(nt >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d times", (int) nt);
  PetscCheck(m->nstate > 0 && !m->doses, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: sensitivities through regimen switches are for ODE models without doses", m->name);
  PetscCheck(m->nlatent <= TT_SIM_MAX_SENS_LATENT, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: sensitivities to more than %d random effects", m->name, TT_SIM_MAX_SENS_LATENT);
  PetscCall(SensIntegrate(sim, cov, eta, eff0, reg->eff, reg, nt, t, ymean, dydeta));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimSensitivityAccuracy(TTSim sim, double *rel)
{
  PetscReal rtol;

  PetscFunctionBeginUser;
  *rel = SENS_DELTA * SENS_DELTA;
  if (!sim->sens.s.ts) PetscFunctionReturn(0);
  if (sim->sens.forward && !sim->type->rhs_sens) *rel = FWD_DELTA;
  PetscCall(TSGetTolerances(sim->sens.s.ts, NULL, NULL, &rtol, NULL));
  *rel = PetscMax(rtol, *rel);
  PetscFunctionReturn(0);
}
