/* calibrate.c — solving calibrated arm effects before the trial runs (see design.h for
 * the estimand, the algorithm and its precision).
 *
 * Collective structure: every rank runs the same root finder in lock step; at each
 * evaluation it simulates its contiguous block of the calibration cohort, rank 0
 * gathers the endpoint pairs in twin order, computes the effect and broadcasts it, so
 * every rank takes the same next step and the result does not depend on the rank count.
 * A simulation error on any rank is raised on every rank with the first failing rank's
 * message (no rank is left waiting in a collective).
 */
#include <math.h>
#include <string.h>
#include "designimpl.h"

#define USER_ERROR(p, loc, fmt, ...)                                                                                   \
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: " fmt, (p)->path, (loc).line, (loc).column, __VA_ARGS__)

/* Relative tolerance of the root finder on the interval's width. */
static const double XTOL = 1e-6;

typedef struct {
  MPI_Comm                 comm;
  PetscMPIInt              rank, size;
  TTTrial                  trial;
  const TTProtocol        *p;
  const TTModelType       *m;
  const TTCalibrationSpec *spec;
  TTRecordLayout           L;
  TTSim                    sim;
  PetscInt                 arm, effect, n, first, count; /* this rank's twins [first, first + count) */
  double                  *rec, *local;                  /* [L.size], [4 count] */
  PetscMPIInt             *counts, *displs;              /* rank 0: gather layout */
  TTMarginal               mg;                           /* rank 0: all pairs */
  char                     key[256];                     /* arms[i].effect.NAME.calibrate.TARGET */
  PetscInt                 evaluations;
} Calib;

/* Raises on every rank the error of the lowest rank that has one. */
static PetscErrorCode Agree(Calib *c, PetscErrorCode ierr)
{
  PetscMPIInt mine      = ierr ? c->rank : c->size, first;
  int         code      = (int) ierr;
  char        msg[1024] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, c->comm));
  if (first == c->size) PetscFunctionReturn(0);
  if (c->rank == first) {
    char *specific = NULL;
    PetscErrorMessage(ierr, NULL, &specific);
    snprintf(msg, sizeof(msg), "%s", specific ? specific : "error");
  }
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, first, c->comm));
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, first, c->comm));
  SETERRQ(PETSC_COMM_SELF, code == PETSC_ERR_USER ? PETSC_ERR_USER : PETSC_ERR_LIB, "%s: on the calibration cohort: %s",
          c->key, msg);
}

static PetscErrorCode SimulateLocal(Calib *c)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < c->count; j++) {
    PetscCall(TTTrialSimulateTwin(c->trial, c->sim, TT_CALIBRATION_REPLICATE, c->first + j, c->rec));
    TTTrialCounterfactualEndpoint(c->trial, c->rec, c->spec->control, c->spec->endpoint, c->local + 4 * j);
    TTTrialCounterfactualEndpoint(c->trial, c->rec, c->arm, c->spec->endpoint, c->local + 4 * j + 2);
  }
  PetscFunctionReturn(0);
}

/* The marginal effect at theta, on the solving scale, identical on every rank. */
static PetscErrorCode Evaluate(Calib *c, double theta, double *f)
{
  PetscFunctionBeginUser;
  PetscCall(TTTrialSetArmEffect(c->trial, c->arm, c->effect, theta));
  PetscCall(Agree(c, SimulateLocal(c)));
  PetscCallMPI(MPI_Gatherv(c->local, (PetscMPIInt) (4 * c->count), MPI_DOUBLE, c->rank ? NULL : c->mg.pairs, c->counts,
                           c->displs, MPI_DOUBLE, 0, c->comm));
  if (c->rank == 0) *f = TTMarginalEffect(&c->mg, c->spec->target, NULL);
  PetscCallMPI(MPI_Bcast(f, 1, MPI_DOUBLE, 0, c->comm));
  c->evaluations++;
  if (isnan(*f)) {
    char at[64];
    snprintf(at, sizeof(at), "%g", theta);
    USER_ERROR(
        c->p, c->spec->loc,
        "%s: the %s cannot be computed on the calibration cohort at %s = %s (no twin with the endpoint under both "
        "arms, or no event); narrow calibrate.interval",
        c->key, TTCalibrationTargetName(c->spec->target), c->m->effect[c->effect].name, at);
  }
  PetscFunctionReturn(0);
}

static PetscBool SameSign(double a, double b)
{
  return (a > 0 && b > 0) || (a < 0 && b < 0) ? PETSC_TRUE : PETSC_FALSE;
}

/* Brent's root finder (Brent 1973, ch. 4: the zeroin algorithm) for g(theta) = f -
 * target on [a, b] with g(a) g(b) <= 0; interpolation only with finite values. */
static PetscErrorCode Brent(Calib *c, double target, double a, double b, double fa, double fb, double tol, double *root,
                            double *halfwidth)
{
  double cc = b, fc = fb, d = b - a, e = d;

  PetscFunctionBeginUser;
  for (int it = 0; it < 200; it++) {
    double tol1, xm;
    if (SameSign(fb, fc)) cc = a, fc = fa, e = d = b - a;
    if (fabs(fc) < fabs(fb)) {
      a = b, b = cc, cc = a;
      fa = fb, fb = fc, fc = fa;
    }
    tol1 = 2.0 * PETSC_MACHINE_EPSILON * fabs(b) + 0.5 * tol;
    xm   = 0.5 * (cc - b);
    if (fabs(xm) <= tol1 || fb == 0.0) {
      *root      = b;
      *halfwidth = fb == 0.0 ? 0.0 : fabs(xm);
      PetscFunctionReturn(0);
    }
    if (fabs(e) >= tol1 && fabs(fa) > fabs(fb) && isfinite(fa) && isfinite(fb) && isfinite(fc)) {
      double s = fb / fa, pp, q, r;
      if (a == cc)
        pp = 2.0 * xm * s, q = 1.0 - s;
      else {
        q = fa / fc, r = fb / fc;
        pp = s * (2.0 * xm * q * (q - r) - (b - a) * (r - 1.0));
        q  = (q - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (pp > 0) q = -q;
      pp = fabs(pp);
      if (2.0 * pp < PetscMin(3.0 * xm * q - fabs(tol1 * q), fabs(e * q)))
        e = d, d = pp / q;
      else
        d = xm, e = d;
    } else
      d = xm, e = d;
    a = b, fa = fb;
    b += fabs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
    PetscCall(Evaluate(c, b, &fb));
    fb -= target;
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "%s: the root finder did not converge", c->key);
}

/* The interval: the protocol's, or the model's range of the effect. */
static PetscErrorCode Interval(Calib *c, double *lo, double *hi)
{
  const TTRangeInfo *r = c->m->effect_range ? &c->m->effect_range[c->effect] : NULL;

  PetscFunctionBeginUser;
  if (c->spec->has_interval) {
    *lo = c->spec->interval[0], *hi = c->spec->interval[1];
    PetscFunctionReturn(0);
  }
  if (!r || !(r->lo < r->hi))
    USER_ERROR(c->p, c->spec->loc,
               "%s: model %s gives no interval to search for %s; expected calibrate.interval: [lo, hi]", c->key,
               c->m->name, c->m->effect[c->effect].name);
  *lo = r->lo, *hi = r->hi;
  PetscFunctionReturn(0);
}

/* Precision at the root: the bootstrap SE of the achieved effect and, through the slope
 * of the effect in theta (central difference over +-5% of theta, within 0.1% to 1% of
 * the interval), the SE of theta. */
static PetscErrorCode Precision(Calib *c, TTCalibrationResult *r)
{
  double w = r->hi - r->lo, h = PetscMax(1e-3 * w, PetscMin(0.01 * w, 0.05 * fabs(r->value)));
  double t0 = PetscMax(r->lo, r->value - h), t1 = PetscMin(r->hi, r->value + h);
  double f0, f1, f, se = NAN;

  PetscFunctionBeginUser;
  PetscCall(Evaluate(c, t0, &f0));
  PetscCall(Evaluate(c, t1, &f1));
  PetscCall(Evaluate(c, r->value, &f)); /* last: rank 0 keeps the pairs at the root */
  if (c->rank == 0) PetscCall(TTMarginalBootstrapSE(&c->mg, c->spec->target, c->p->seed, c->arm, r->bootstrap, &se));
  PetscCallMPI(MPI_Bcast(&se, 1, MPI_DOUBLE, 0, c->comm));
  r->achieved = TTTargetFromScale(r->target, f);
  r->achieved_mc_se =
      r->target == TT_TARGET_MEAN_DIFFERENCE || r->target == TT_TARGET_RISK_DIFFERENCE ? se : r->achieved * se;
  r->value_mc_se = f1 != f0 ? se / fabs((f1 - f0) / (t1 - t0)) : NAN;
  PetscFunctionReturn(0);
}

static PetscErrorCode Solve(Calib *c, TTCalibrationResult *r)
{
  double target = TTTargetToScale(c->spec->target, c->spec->value), flo, fhi;

  PetscFunctionBeginUser;
  PetscCall(Interval(c, &r->lo, &r->hi));
  PetscCall(Evaluate(c, r->lo, &flo));
  PetscCall(Evaluate(c, r->hi, &fhi));
  if (SameSign(flo - target, fhi - target)) {
    char what[320]; /* PETSc's printf would write 0 as "0." */
    snprintf(what, sizeof(what),
             "%g is not reachable with %s in [%g, %g]: the calibration cohort gives a %s of %.4g at %g and %.4g at %g",
             c->spec->value, c->m->effect[c->effect].name, r->lo, r->hi, TTCalibrationTargetName(c->spec->target),
             TTTargetFromScale(c->spec->target, flo), r->lo, TTTargetFromScale(c->spec->target, fhi), r->hi);
    USER_ERROR(c->p, c->spec->loc, "%s: %s; choose a target in between or widen calibrate.interval", c->key, what);
  }
  PetscCall(
      Brent(c, target, r->lo, r->hi, flo - target, fhi - target, XTOL * (r->hi - r->lo), &r->value, &r->tolerance));
  PetscCall(Precision(c, r));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUp(Calib *c, MPI_Comm comm, TTTrial trial, PetscInt arm, PetscInt effect)
{
  PetscFunctionBeginUser;
  c->comm  = comm;
  c->trial = trial;
  c->arm   = arm;
  PetscCallMPI(MPI_Comm_rank(comm, &c->rank));
  PetscCallMPI(MPI_Comm_size(comm, &c->size));
  PetscCall(TTTrialGetProtocol(trial, &c->p));
  PetscCall(TTTrialGetModel(trial, &c->m));
  PetscCall(TTTrialGetRecordLayout(trial, &c->L));
  c->spec   = &c->p->arm[arm].calibrate;
  c->effect = effect;
  c->n      = c->p->calibration_twins;
  c->first  = (PetscInt) ((int64_t) c->n * c->rank / c->size);
  c->count  = (PetscInt) ((int64_t) c->n * (c->rank + 1) / c->size) - c->first;
  PetscCall(PetscSNPrintf(c->key, sizeof(c->key), "arms[%d].effect.%s.calibrate.%s", (int) arm,
                          c->p->arm[arm].effect[c->spec->effect].key, TTCalibrationTargetName(c->spec->target)));
  PetscCall(TTTrialCreateSim(trial, &c->sim));
  PetscCall(PetscMalloc2(c->L.size, &c->rec, 4 * c->count + 1, &c->local));
  if (c->rank == 0) {
    PetscCall(TTMarginalCreate(c->n, &c->mg));
    PetscCall(PetscMalloc2(c->size, &c->counts, c->size, &c->displs));
    for (PetscMPIInt q = 0; q < c->size; q++) {
      int64_t f0 = (int64_t) c->n * q / c->size, f1 = (int64_t) c->n * (q + 1) / c->size;
      c->counts[q] = (PetscMPIInt) (4 * (f1 - f0));
      c->displs[q] = (PetscMPIInt) (4 * f0);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TearDown(Calib *c)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimDestroy(&c->sim));
  PetscCall(PetscFree2(c->rec, c->local));
  if (c->rank == 0) {
    PetscCall(TTMarginalDestroy(&c->mg));
    PetscCall(PetscFree2(c->counts, c->displs));
  }
  PetscFunctionReturn(0);
}

/* The model index of the arm's calibrated effect. */
static PetscInt ModelEffect(const TTProtocol *p, const TTModelType *m, PetscInt arm)
{
  const TTArmSpec *a = &p->arm[arm];
  return tt_model_param_index(m->neffect, m->effect, a->effect[a->calibrate.effect].key);
}

static PetscErrorCode CalibrateArm(MPI_Comm comm, TTTrial trial, PetscInt arm, FILE *log)
{
  Calib               c;
  TTCalibrationResult r;
  PetscErrorCode      ierr;
  const TTModelType  *m;
  const TTProtocol   *p;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&c, sizeof(c)));
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(SetUp(&c, comm, trial, arm, ModelEffect(p, m, arm)));
  r.arm = arm, r.effect = c.effect, r.endpoint = c.spec->endpoint, r.control = c.spec->control;
  r.target = c.spec->target, r.target_value = c.spec->value;
  r.twins = c.n, r.bootstrap = p->calibration_bootstrap;
  ierr          = Solve(&c, &r);
  r.evaluations = c.evaluations;
  PetscCall(TearDown(&c));
  PetscCall(ierr);
  PetscCall(TTTrialSetCalibration(trial, &r));
  if (log && c.rank == 0) {
    char line[512];
    TTTrialFormatCalibration(trial, &r, line, sizeof(line));
    fprintf(log, "%s\n", line);
    fflush(log);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTDesignCalibrate(MPI_Comm comm, TTTrial trial, FILE *log)
{
  const TTProtocol  *p;
  const TTModelType *m;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetModel(trial, &m));
  /* while one arm is solved, the others' calibrated effects hold their no-effect value */
  for (PetscInt a = 0; a < p->narm; a++)
    if (p->arm[a].calibrate.active) PetscCall(CalibrateArm(comm, trial, a, log));
  PetscFunctionReturn(0);
}

PetscErrorCode TTDesignCopyCalibration(TTTrial from, TTTrial to)
{
  const TTCalibrationResult *r;
  PetscInt                   n;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetCalibrations(from, &n, &r));
  for (PetscInt i = 0; i < n; i++) PetscCall(TTTrialSetCalibration(to, &r[i]));
  PetscFunctionReturn(0);
}
