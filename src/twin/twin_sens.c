/* twin_sens.c — the gradient of personalisation's objective from the twin's forward
 * sensitivities, the alternative to twin_fit.c's central differences of f.
 *
 * With m_j the noise-free value of observation j (mean_prev_j that of the previous
 * observation of its variable, for densities that depend on it),
 *   f(eta)    = -sum_j log p(y_j | m_j, m_prev_j) - log p(eta),
 *   grad f    = -sum_j [dlog p_j/dm_j dm_j/deta + dlog p_j/dm_prev_j dm_prev_j/deta]
 *               + grad(-log p(eta)),
 * dm/deta from TTSimTrajectorySensitivity (one integration of the state with its
 * sensitivities instead of 2 nlatent + 1 trajectories), dlog p/dm by central differences
 * of the model's log_density in m (relative step cbrt(eps), one-sided at the edge of its
 * domain), the prior's gradient Omega^-1 eta (or central differences of log_prior). f and
 * the gradient come from the same integration, so Tao sees a consistent pair; f there
 * equals twin_fit.c's f to the integration tolerance (the augmented system's steps also
 * follow the sensitivities), and the reported objective is always twin_fit.c's.
 * Convergence: such a gradient is accurate to about the sensitivities' relative accuracy
 * (the integration's rtol) times the magnitude of its terms (fit->gerr); twin_stall.c's
 * convergence test accepts a gradient within that bound of zero (TAO_CONVERGED_GATOL).
 * -tt_twin_gradient fd|sensitivity chooses; the default is sensitivity for ODE models
 * (tests/bench/bench_twin_gradient.c: faster on T2D and metformin PK, the MAP as close or
 * closer to a tight reference; with twin_stall.c's test no fit stalls), fd for closed
 * forms (whose f costs no integration). A patient whose regimen switches gets them
 * through the switches (TTSimTrajectorySensitivityRegimen) for an ODE model without doses,
 * differences otherwise (twin_fit.c; TTTwinSensFollows). Should the sim refuse
 * sensitivities (PETSC_ERR_SUP), the fit switches to fd for good (PetscInfo says so).
 * Not collective.
 */
#include <math.h>
#include <string.h>
#include "twinimpl.h"

#define SENS_DELTA 6.0554544523933395e-06 /* cbrt(DBL_EPSILON) */

PetscErrorCode TTTwinGradientFromOptions(const TTModelType *m, TTTwinGradient *gradient)
{
  char      value[64];
  PetscBool set;

  PetscFunctionBeginUser;
  /* README, Performance 6: differences of an exact (closed-form or propagated) objective cost no integration */
  *gradient = m->nstate > 0 && !m->propagate ? TT_TWIN_GRADIENT_SENSITIVITY : TT_TWIN_GRADIENT_FD;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-tt_twin_gradient", value, sizeof value, &set));
  if (!set) PetscFunctionReturn(0);
  PetscCheck(!strcmp(value, "fd") || !strcmp(value, "sensitivity"), PETSC_COMM_SELF, PETSC_ERR_USER,
             "-tt_twin_gradient %s: expected fd (central differences of the objective) or sensitivity (the "
             "trajectory's forward sensitivities)",
             value[0] ? value : "(no value)");
  *gradient = strcmp(value, "fd") ? TT_TWIN_GRADIENT_SENSITIVITY : TT_TWIN_GRADIENT_FD;
  PetscFunctionReturn(0);
}

const TTRegimen *TTTwinPatientRegimen(TTTwinFit fit, const TTPatient *p)
{
  return p->reg ? p->reg : &fit->reg[p->arm >= 0 ? p->arm : fit->narm];
}

PetscBool TTTwinSensFollows(TTTwinFit fit, const TTRegimen *reg)
{
  return reg->n == 1 || (fit->m->nstate > 0 && !fit->m->doses) ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode TTTwinSensDestroy(TTTwinFit fit)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(fit->dymean));
  fit->dcap = 0;
  PetscFunctionReturn(0);
}

/* d log p(o) / d (o->mean), or d / d (o->mean_prev) when prev: a central difference with
 * a step relative to the value, one-sided where one side is outside the density's domain. */
static double DLogDensity(TTTwinFit fit, int var, const TTObservation *o, double ld, PetscBool prev)
{
  TTObservation a = *o, b = *o;
  double       *xa = prev ? &a.mean_prev : &a.mean, *xb = prev ? &b.mean_prev : &b.mean, x = *xa;
  double        h = SENS_DELTA * (x != 0.0 ? fabs(x) : 1.0), la, lb;

  *xa = x + h, *xb = x - h;
  la = fit->m->log_density(fit->par, var, &a);
  lb = fit->m->log_density(fit->par, var, &b);
  if (isfinite(la) && isfinite(lb)) return (la - lb) / (*xa - *xb);
  if (isfinite(la)) return (la - ld) / (*xa - x);
  if (isfinite(lb)) return (ld - lb) / (x - *xb);
  return NAN;
}

/* grad(-log p(eta)) into g. */
static void PriorGradient(TTTwinFit fit, const TTPatient *p, const double eta[], double g[])
{
  const PetscInt n = fit->nl;

  if (!fit->m->log_prior) {
    for (PetscInt i = 0; i < n; i++) {
      g[i] = 0.0;
      for (PetscInt j = 0; j < n; j++) g[i] += fit->omega_inv[i * n + j] * eta[j];
    }
    return;
  }
  for (PetscInt i = 0; i < n; i++) {
    double e[TT_TWIN_MAX_LATENT], h = SENS_DELTA * fmax(1.0, fabs(eta[i])), fp, fm;
    PetscArraycpy(e, eta, n);
    e[i] = eta[i] + h, fp = TTTwinNegLogPrior(fit, p, e);
    e[i] = eta[i] - h, fm = TTTwinNegLogPrior(fit, p, e);
    g[i] = (fp - fm) / (2.0 * h);
  }
}

static PetscErrorCode Reserve(TTTwinFit fit, PetscInt n)
{
  PetscFunctionBeginUser;
  if (n <= fit->dcap) PetscFunctionReturn(0);
  PetscCall(PetscFree(fit->dymean));
  fit->dcap = PetscMax(n, 2 * fit->dcap);
  PetscCall(PetscMalloc1(fit->dcap * fit->nvar * fit->nl, &fit->dymean));
  PetscFunctionReturn(0);
}

/* The trajectory and its sensitivities at fit->times[nt]; *ok = FALSE when the model
 * cannot be integrated there (the sim is rebuilt), or when the sim refuses sensitivities
 * (fit->gradient becomes FD). */
static PetscErrorCode Trajectory(TTTwinFit fit, const TTPatient *p, const double eta[], PetscInt nt, PetscBool *ok)
{
  const double    *none = fit->eff + fit->narm * fit->m->neffect;
  const double    *eff  = p->reg ? p->reg->eff : fit->eff + (p->arm >= 0 ? p->arm : fit->narm) * fit->m->neffect;
  const TTRegimen *reg  = TTTwinPatientRegimen(fit, p);
  PetscErrorCode   ierr;

  PetscFunctionBeginUser;
  PetscCall(Reserve(fit, nt));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  if (reg->n > 1) /* TTTwinSensFollows */
    ierr = TTSimTrajectorySensitivityRegimen(fit->sim, p->cov, eta, none, reg, nt, fit->times, fit->ymean, fit->dymean);
  else
    ierr = TTSimTrajectorySensitivity(fit->sim, p->cov, eta, none, eff, nt, fit->times, fit->ymean, fit->dymean);
  PetscCall(PetscPopErrorHandler());
  *ok = ierr ? PETSC_FALSE : PETSC_TRUE;
  if (ierr == PETSC_ERR_SUP) {
    fit->gradient = TT_TWIN_GRADIENT_FD;
    PetscCall(PetscInfo(NULL, "model %s: no sensitivities: gradients by differences from now on\n", fit->m->name));
  } else if (ierr == PETSC_ERR_NOT_CONVERGED || ierr == PETSC_ERR_FP) {
    PetscCall(TTSimReset(fit->sim));
  } else
    PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Adds -dlog p_j/dm dm/deta of observation j's value m (time index i, variable var) to
 * grad, and its magnitude to scale; and -d2log p_j/dm2 dm/deta dm/deta^T (d2ld) to the
 * Gauss-Newton Hessian (twin_gn.c). */
static void AddTerm(TTTwinFit fit, PetscInt i, int var, double dld, double d2ld, double grad[], double scale[])
{
  const double *dm = fit->dymean + (i * fit->nvar + var) * fit->nl;

  for (PetscInt l = 0; l < fit->nl; l++) grad[l] -= dld * dm[l], scale[l] += fabs(dld * dm[l]);
  TTTwinGNAdd(fit, -d2ld, dm);
}

/* The error bound of a gradient whose terms have magnitudes scale[]: each term is as
 * accurate as the sensitivities (relative accuracy rel). */
static PetscErrorCode GradientError(TTTwinFit fit, const double scale[])
{
  double rel, s = 0.0;

  PetscFunctionBeginUser;
  PetscCall(TTSimSensitivityAccuracy(fit->sim, &rel));
  for (PetscInt l = 0; l < fit->nl; l++) s += scale[l] * scale[l];
  fit->gerr = rel * sqrt(s);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinSensObjectiveGradient(TTTwinFit fit, const TTPatient *p, const double eta[], double *f,
                                           double grad[])
{
  const TTModelType *m = fit->m;
  double             prev_mean[64], prev_value[64], sum = 0.0, scale[TT_TWIN_MAX_LATENT];
  PetscInt           prev_i[64], nt = 0;
  PetscBool          ok = PETSC_FALSE;

  PetscFunctionBeginUser;
  fit->nfun++;
  fit->gn_ok = PETSC_FALSE;
  *f         = INFINITY;
  for (PetscInt l = 0; l < fit->nl; l++) grad[l] = NAN;
  for (PetscInt i = 0; i < fit->nl; i++)
    if (!(eta[i] >= fit->lo[i] && eta[i] <= fit->hi[i])) PetscFunctionReturn(0);
  for (PetscInt j = 0; j < p->nobs; j++)
    if (nt == 0 || p->t[j] != fit->times[nt - 1]) fit->times[nt++] = p->t[j];
  PetscCall(Trajectory(fit, p, eta, nt, &ok));
  if (!ok) PetscFunctionReturn(0);
  PriorGradient(fit, p, eta, grad);
  TTTwinGNPrior(fit, p, eta);
  for (PetscInt l = 0; l < fit->nl; l++) scale[l] = fabs(grad[l]);
  for (PetscInt k = 0; k < fit->nvar; k++) prev_mean[k] = prev_value[k] = NAN, prev_i[k] = -1;
  for (PetscInt j = 0, i = -1; j < p->nobs; j++) {
    const int     v = p->var[j];
    TTObservation o;
    double        ld;
    if (i < 0 || p->t[j] != fit->times[i]) i++;
    o.mean       = fit->ymean[i * fit->nvar + v];
    o.value      = p->value[j];
    o.below      = p->below[j];
    o.mean_prev  = prev_mean[v];
    o.value_prev = prev_value[v];
    ld           = m->log_density(fit->par, v, &o);
    sum -= ld;
    AddTerm(fit, i, v, DLogDensity(fit, v, &o, ld, PETSC_FALSE), TTTwinD2LogDensity(fit, v, &o, ld, PETSC_FALSE), grad,
            scale);
    if (prev_i[v] >= 0)
      AddTerm(fit, prev_i[v], v, DLogDensity(fit, v, &o, ld, PETSC_TRUE),
              TTTwinD2LogDensity(fit, v, &o, ld, PETSC_TRUE), grad, scale);
    prev_mean[v]  = o.mean;
    prev_value[v] = o.value;
    prev_i[v]     = i;
  }
  sum += TTTwinNegLogPrior(fit, p, eta);
  *f = isfinite(sum) ? sum : INFINITY;
  if (isfinite(sum)) TTTwinGNDone(fit, eta);
  PetscCall(GradientError(fit, scale));
  PetscFunctionReturn(0);
}
