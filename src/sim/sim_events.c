/* sim_events.c — TTSimEvents: the event times of a model that gives its hazards
 * (model.h `hazard`), by integrating its cumulative hazards with PETSc TS.
 *
 * The system: x = (u, Lambda), u the model's ODE states (none for a closed-form model),
 * u' = rhs, Lambda_k' = h_k(t, u), u(0) = initial, Lambda(0) = 0, integrated by a TS of
 * its own (RK 5(4) Dormand–Prince, relative and absolute tolerance 1e-12: an event time
 * is a root of an integrated quantity, and the embedded estimate can underrate a jump of
 * the hazard inside a step, so the tolerance is tight; options prefix tt_sim_events_).
 * After every accepted step (t0, t1] a crossing Lambda_k = target_k is located in time
 * on the step's continuous extension (TSInterpolate, the method's dense output of order
 * 4) to 2 eps (|t1| + h) (PETSc takes a time as theta = (t - t1) / h + 1, resolved to
 * about eps h); an occurrence draws its successor's gap then.
 * Draws (the order of the earlier hand-written integrator, so common random numbers
 * across arms and the event tests hold): the first gap of every type on entry, type 0
 * from the caller's generator, type k >= 1 from a generator seeded by SplitMix64 from
 * that generator's initial state and k; then each type's next gap when an occurrence is
 * found, in time order within the type.
 * Doses (models with `doses`): segment j's doses (its effects, on the clock of t = 0)
 * at times in [start[j], start[j + 1]), as the trajectories have them, are hard stops:
 * the TS stops there, the amount is added and the step history restarted, keeping the
 * step size the TS proposes. Switches are not stops: a step that passes a switch time s
 * is cut there on its continuous extension (the state at s interpolated, the crossings
 * up to s located) and the integration restarts at s with the new effects and doses, so
 * the steps before s are those of the course without the switch, and every event time
 * before the first switch is bit for bit that course's. The TS stops early when every
 * type is done (terminal types found, recurrent ones full).
 * Failures are loud: the step limit (10^6 steps), a step PETSc cannot take, a rate or
 * hazard that is not finite (or a negative hazard) end the call with an error that names
 * the time; never a silent "no event".
 * Invariant: a pure function of (model, par, case, t_end, rng state): the TS is returned
 * to t = 0, a fresh step history and the same first step before every call.
 */
#include <math.h>
#include "simimpl.h"

#define EV_TOL   1e-12
#define EV_STEPS 1000000

static uint64_t SplitMix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double Gap(tt_pcg32 *g)
{
  return -log(tt_rng_uniform(g));
}

static tt_pcg32 *Generator(SimEvents *e, PetscInt k)
{
  return k ? &e->sub[k] : e->rng;
}

/* The states' rates and the hazards of the single case in its segment under way. */
static PetscErrorCode EventsRHS(TS ts, PetscReal t, Vec X, Vec F, void *ctx)
{
  TTSim              sim = (TTSim) ctx;
  const TTModelType *m   = sim->type;
  const TTSimCase   *k   = &sim->cases[0];
  const PetscInt     ns = m->nstate, n = ns + m->nevent, seg = sim->seg[0];
  const PetscScalar *x;
  PetscScalar       *f;

  PetscFunctionBeginUser;
  (void) ts;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(F, &f));
  if (ns > 0 && k->reg && seg > 0 && m->rhs_regimen)
    m->rhs_regimen(sim->par, k->cov, k->eta, k->reg, (int) seg, t, x, f);
  else if (ns > 0)
    m->rhs(sim->par, k->cov, k->eta, TTSimCaseEffects(sim, 0), t, x, f);
  if (k->reg && seg > 0 && m->hazard_regimen)
    m->hazard_regimen(sim->par, k->cov, k->eta, k->reg, (int) seg, t, ns ? x : NULL, f + ns);
  else
    m->hazard(sim->par, k->cov, k->eta, TTSimCaseEffects(sim, 0), t, ns ? x : NULL, f + ns);
  /* As sim.c's right-hand side: a rate beyond TT_SIM_MAX_RATE, Inf or NaN (or a negative
   * hazard) is flagged, the TS coasts on a zero derivative and the caller reports it. */
  for (PetscInt i = 0; i < n; i++)
    if (!(PetscAbsReal(f[i]) <= TT_SIM_MAX_RATE) || !isfinite(x[i]) || (i >= ns && !(f[i] >= 0.0)))
      sim->ev.bad = PETSC_TRUE;
  if (sim->ev.bad)
    for (PetscInt i = 0; i < n; i++) f[i] = 0.0;
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* Cumulative hazard of type k at time s of the step just taken: the step's end, or its
 * continuous extension. */
static PetscErrorCode LambdaAt(TTSim sim, TS ts, Vec X, PetscReal t1, PetscReal s, PetscInt k, double *lam)
{
  SimEvents         *e = &sim->ev;
  const PetscScalar *x;

  PetscFunctionBeginUser;
  if (s == t1) {
    PetscCall(VecGetArrayRead(X, &x));
    *lam = x[sim->type->nstate + k];
    PetscCall(VecRestoreArrayRead(X, &x));
  } else {
    PetscCall(TSInterpolate(ts, s, e->w));
    PetscCall(VecGetArrayRead(e->w, &x));
    *lam = x[sim->type->nstate + k];
    PetscCall(VecRestoreArrayRead(e->w, &x));
  }
  PetscFunctionReturn(0);
}

/* Type k's cumulative hazard at c less its target, with (lo, hi] narrowed to the side of
 * the crossing: f(lo) < 0 <= f(hi). */
static PetscErrorCode Narrow(TTSim sim, TS ts, Vec X, PetscReal t1, PetscInt k, PetscReal c, PetscReal *lo, double *flo,
                             PetscReal *hi, double *fhi, int *side)
{
  double fc = 0.0;

  PetscFunctionBeginUser;
  PetscCall(LambdaAt(sim, ts, X, t1, c, k, &fc));
  fc -= sim->ev.target[k];
  if (fc >= 0.0) {
    *hi = c, *fhi = fc;
    if (*side == 1) *flo *= 0.5; /* Illinois: the end kept twice counts half */
    *side = 1;
  } else {
    *lo = c, *flo = fc;
    if (*side == -1) *fhi *= 0.5;
    *side = -1;
  }
  PetscFunctionReturn(0);
}

/* The time in (lo, hi] where type k's cumulative hazard reaches its target, within
 * tol = 2 eps (|t1| + t1 - t0) (about the resolution of a time, and of PETSc's continuous
 * extension, which takes a time as theta = (t - t1) / h + 1): f(lo) < 0 <= f(hi) for
 * f = Lambda_k - target, narrowed by regula falsi with the Illinois modification (Dowell M,
 * Jarratt P 1971 BIT 11:168-174), every fourth step a bisection, each new point followed
 * by one at tol on the far side of it, so a converged end closes the bracket. */
static PetscErrorCode Crossing(TTSim sim, TS ts, Vec X, PetscReal t0, PetscReal t1, PetscInt k, PetscReal lo,
                               double flo, PetscReal hi, double fhi, PetscReal *te)
{
  const PetscReal tol  = 2.0 * PETSC_MACHINE_EPSILON * (PetscAbsReal(t1) + t1 - t0);
  int             side = 0;

  PetscFunctionBeginUser;
  for (int it = 0; it < 200 && hi - lo > tol; it++) {
    PetscReal c = it % 4 == 3 || !(fhi > flo) ? 0.5 * (lo + hi) : lo + (hi - lo) * (-flo / (fhi - flo));
    c           = PetscMin(PetscMax(c, lo + 0.5 * tol), hi - 0.5 * tol);
    PetscCall(Narrow(sim, ts, X, t1, k, c, &lo, &flo, &hi, &fhi, &side));
    c = side == 1 ? hi - tol : lo + tol;
    if (c > lo && c < hi) PetscCall(Narrow(sim, ts, X, t1, k, c, &lo, &flo, &hi, &fhi, &side));
  }
  *te = hi;
  PetscFunctionReturn(0);
}

/* The occurrences of type k in (t0, lim] of the step just taken (lim < t1: a switch),
 * each searched for in the whole step (t0, t1], so the times before a switch are those of
 * the same step without it; one after lim is found again after the restart. */
static PetscErrorCode Locate(TTSim sim, TS ts, Vec X, PetscReal t0, PetscReal t1, PetscReal lim, PetscInt k)
{
  SimEvents *e      = &sim->ev;
  PetscReal  lo     = t0;
  double     lam_t1 = 0.0, lam_lo = 0.0;

  PetscFunctionBeginUser;
  PetscCall(LambdaAt(sim, ts, X, t1, t1, k, &lam_t1));
  if (!e->done[k] && lam_t1 >= e->target[k]) PetscCall(LambdaAt(sim, ts, X, t1, t0, k, &lam_lo));
  while (!e->done[k] && lam_t1 >= e->target[k]) {
    PetscReal te = t1;
    PetscCall(Crossing(sim, ts, X, t0, t1, k, lo, lam_lo - e->target[k], t1, lam_t1 - e->target[k], &te));
    if (te > lim) break;
    e->times[k * TT_MAX_EVENT_TIMES + e->count[k]++] = te;
    if (!sim->type->event[k].recurrent || e->count[k] == TT_MAX_EVENT_TIMES)
      e->done[k] = PETSC_TRUE;
    else
      e->target[k] += Gap(Generator(e, k));
    lo = te;
    PetscCall(LambdaAt(sim, ts, X, t1, te, k, &lam_lo));
  }
  PetscFunctionReturn(0);
}

/* After each accepted step: the crossings up to the next switch; a step that reaches the
 * switch leaves the state there in w and stops the TS; so does the last type's end. */
static PetscErrorCode EventsPostStep(TS ts)
{
  TTSim      sim;
  SimEvents *e;
  PetscReal  t0, t1, lim;
  Vec        X;
  PetscBool  all = PETSC_TRUE;

  PetscFunctionBeginUser;
  PetscCall(TSGetApplicationContext(ts, &sim));
  e = &sim->ev;
  if (e->bad) PetscFunctionReturn(0); /* the caller reports it */
  PetscCall(TSGetPrevTime(ts, &t0));
  PetscCall(TSGetTime(ts, &t1));
  PetscCall(TSGetSolution(ts, &X));
  lim = PetscMin(t1, e->sw);
  for (PetscInt k = 0; k < sim->type->nevent; k++) {
    PetscCall(Locate(sim, ts, X, t0, t1, lim, k));
    all = all && e->done[k];
  }
  if (t1 >= e->sw) {
    if (t1 > e->sw)
      PetscCall(TSInterpolate(ts, e->sw, e->w));
    else
      PetscCall(VecCopy(X, e->w));
    e->switched = PETSC_TRUE;
  }
  if (all || e->switched) PetscCall(TSSetConvergedReason(ts, TS_CONVERGED_USER));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimEventsDestroy_Private(SimEvents *e)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&e->ts));
  PetscCall(VecDestroy(&e->x));
  PetscCall(VecDestroy(&e->w));
  PetscCall(PetscFree4(e->sub, e->target, e->count, e->done));
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimEventsSetUp_Private(TTSim sim)
{
  const TTModelType *m = sim->type;
  SimEvents         *e = &sim->ev;

  PetscFunctionBeginUser;
  if (e->ts || !m->hazard || m->nevent < 1) PetscFunctionReturn(0);
  PetscCall(PetscMalloc4(m->nevent, &e->sub, m->nevent, &e->target, m->nevent, &e->count, m->nevent, &e->done));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, m->nstate + m->nevent, &e->x));
  PetscCall(VecDuplicate(e->x, &e->w));
  PetscCall(TSCreate(PETSC_COMM_SELF, &e->ts));
  PetscCall(TSSetProblemType(e->ts, TS_NONLINEAR));
  PetscCall(TSSetType(e->ts, TSRK));
  PetscCall(TSRKSetType(e->ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(e->ts, NULL, EventsRHS, sim));
  PetscCall(TSSetApplicationContext(e->ts, sim));
  PetscCall(TSSetPostStep(e->ts, EventsPostStep));
  PetscCall(TSSetTolerances(e->ts, EV_TOL, NULL, EV_TOL, NULL));
  PetscCall(TSSetExactFinalTime(e->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(e->ts, EV_STEPS));
  PetscCall(TSSetMaxStepRejections(e->ts, -1)); /* a jump of the hazard takes many; the step limit bounds them */
  PetscCall(TSSetOptionsPrefix(e->ts, "tt_sim_events_"));
  PetscCall(TSSetFromOptions(e->ts));
  PetscFunctionReturn(0);
}

/* The doses of segment seg (its effects) from its start on, into dose_t, dose_mg; *d the
 * first at or after the start. */
static PetscErrorCode SegmentDoses(TTSim sim, PetscInt seg, double t_end, PetscInt *nd, PetscInt *d)
{
  const TTSimCase *k    = &sim->cases[0];
  double           from = k->reg ? k->reg->start[seg] : 0.0;

  PetscFunctionBeginUser;
  *nd = 0, *d = 0;
  if (!sim->type->doses) PetscFunctionReturn(0);
  PetscCall(TTSimGetDoses_Private(sim, TTSimCaseEffects(sim, 0), t_end, nd));
  while (*d < *nd && sim->dose_t[*d] < from) (*d)++;
  PetscFunctionReturn(0);
}

/* Adds the doses at time t (advancing *d) to the state x. */
static PetscErrorCode ApplyDoses(TTSim sim, double t, PetscInt nd, PetscInt *d)
{
  PetscScalar *x;

  PetscFunctionBeginUser;
  if (!(*d < nd && sim->dose_t[*d] <= t)) PetscFunctionReturn(0);
  PetscCall(VecGetArray(sim->ev.x, &x));
  for (; *d < nd && sim->dose_t[*d] <= t; (*d)++) x[sim->type->dose_state] += sim->dose_mg[*d];
  PetscCall(VecRestoreArray(sim->ev.x, &x));
  PetscFunctionReturn(0);
}

/* Integrates from the TS's time to `stop` (or the next switch, or until every type is
 * done); reports a failure. */
static PetscErrorCode Run(TTSim sim, PetscReal stop, PetscBool *all)
{
  SimEvents        *e = &sim->ev;
  TSConvergedReason reason;
  PetscReal         treached;

  PetscFunctionBeginUser;
  e->switched = PETSC_FALSE;
  PetscCall(TSSetMaxTime(e->ts, stop));
  PetscCall(TSSolve(e->ts, e->x));
  PetscCall(TSGetConvergedReason(e->ts, &reason));
  PetscCall(TSGetTime(e->ts, &treached));
  PetscCheck(!e->bad, PETSC_COMM_SELF, PETSC_ERR_FP,
             "event hazard integration failed before t = %g: a hazard or rate left the valid range (a hazard "
             "negative, |rate| > %g, infinite or not-a-number)",
             (double) treached, TT_SIM_MAX_RATE);
  PetscCheck(reason >= 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
             "event hazard integration failed at t = %g (target %g, %s)", (double) treached, (double) stop,
             TSConvergedReasons[reason]);
  *all = PETSC_TRUE;
  for (PetscInt k = 0; k < sim->type->nevent; k++) *all = *all && e->done[k];
  PetscCheck(*all || e->switched || treached >= stop - 1e-9 * PetscMax(1.0, PetscAbsReal(stop)), PETSC_COMM_SELF,
             PETSC_ERR_NOT_CONVERGED, "event hazard integration stopped at t = %g before the target %g (%s)",
             (double) treached, (double) stop, TSConvergedReasons[reason]);
  PetscFunctionReturn(0);
}

/* Every type's first gap, in the order of the file comment. */
static void FirstGaps(TTSim sim, tt_pcg32 *rng)
{
  SimEvents     *e     = &sim->ev;
  const tt_pcg32 first = *rng;

  e->rng = rng;
  for (PetscInt k = 0; k < sim->type->nevent; k++) {
    if (k)
      tt_pcg32_seed(&e->sub[k], SplitMix(first.state ^ SplitMix((uint64_t) k)), SplitMix(first.inc + (uint64_t) k));
    e->target[k] = Gap(Generator(e, k));
    e->count[k]  = 0;
    e->done[k]   = PETSC_FALSE;
  }
}

/* The integration of a model with hazards, from t = 0 to t_end. */
static PetscErrorCode Integrate(TTSim sim, double t_end)
{
  const TTModelType *m   = sim->type;
  SimEvents         *e   = &sim->ev;
  const TTRegimen   *reg = sim->cases[0].reg;
  PetscInt           nd, d, nseg = reg ? reg->n : 1;
  PetscBool          all = PETSC_FALSE;
  PetscScalar       *x;
  PetscReal          now = 0.0;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(e->x, &x));
  if (m->nstate > 0) m->initial(sim->par, sim->cases[0].cov, sim->cases[0].eta, TTSimCaseEffects(sim, 0), x);
  for (PetscInt k = 0; k < m->nevent; k++) x[m->nstate + k] = 0.0;
  PetscCall(VecRestoreArray(e->x, &x));
  PetscCall(SegmentDoses(sim, 0, t_end, &nd, &d));
  PetscCall(ApplyDoses(sim, 0.0, nd, &d));
  e->bad = PETSC_FALSE;
  PetscCall(TSSetTime(e->ts, 0.0));
  PetscCall(TSSetStepNumber(e->ts, 0));
  PetscCall(TSSetTimeStep(e->ts, 1e-3 * t_end));
  PetscCall(TSRestartStep(e->ts));
  while (!all && now < t_end) {
    PetscReal stop = d < nd && sim->dose_t[d] < t_end ? sim->dose_t[d] : t_end;
    e->sw          = sim->seg[0] + 1 < nseg ? reg->start[sim->seg[0] + 1] : INFINITY;
    if (e->sw >= t_end) e->sw = INFINITY;
    PetscCall(Run(sim, stop, &all));
    if (all) break;
    if (e->switched) { /* restart at the switch with the next segment's effects and doses */
      now = e->sw;
      PetscCall(VecCopy(e->w, e->x));
      sim->seg[0]++;
      PetscCall(SegmentDoses(sim, sim->seg[0], t_end, &nd, &d));
    } else
      now = stop;
    if (!(now < t_end)) break;
    PetscCall(ApplyDoses(sim, now, nd, &d));
    PetscCall(TSSetTime(e->ts, now));
    PetscCall(TSRestartStep(e->ts));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTSimEvents(TTSim sim, const TTSimCase *k, double t_end, tt_pcg32 *rng, double times[])
{
  const TTModelType *m = sim->type;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < m->nevent * TT_MAX_EVENT_TIMES; i++) times[i] = INFINITY;
  if (m->nevent < 1) PetscFunctionReturn(0);
  if (k->reg) PetscCall(TTSimCheckRegimen_Private(k->reg));
  if (!m->hazard) {
    if (k->reg && k->reg->n > 1) {
      PetscCheck(m->events_regimen, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s cannot switch regimens: it lacks %s",
                 m->name, tt_model_unswitchable(m));
      m->events_regimen(sim->par, k->cov, k->eta, k->reg, t_end, rng, times);
    } else
      m->events(sim->par, k->cov, k->eta, k->reg ? k->reg->eff : k->eff, t_end, rng, times);
    PetscFunctionReturn(0);
  }
  PetscCheck(t_end > 0.0 && isfinite(t_end), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "model %s: events up to t = %g: expected a finite end > 0", m->name, t_end);
  PetscCall(TTSimEventsSetUp_Private(sim));
  sim->cases    = k;
  sim->ev.times = times;
  PetscCall(TTSimResetSegments_Private(sim, 1));
  FirstGaps(sim, rng);
  PetscCall(Integrate(sim, t_end));
  PetscFunctionReturn(0);
}
