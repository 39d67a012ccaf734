/* twin_fit.c — the MAP estimate of one patient's random effects (empirical Bayes) with PETSc
 * Tao, and its Laplace covariance.
 *
 * f(eta) = -sum_j log p(y_j | mean_j(eta)) - log p(eta), p(eta) normal N(0, omega) unless the
 * model gives log_prior; mean_j the twin's noise-free value of observation j's variable at its
 * time, untreated before randomisation and on the patient's arm after it (its regimen,
 * switches included, at the typical exposure-response clearance). Minimised by bounded
 * quasi-Newton line search (TAOBQNLS) from eta = 0 (the population's typical twin) within
 * the prior's truncation bounds, with central finite-difference gradients on the prior-SD
 * scale (closed-form models' default) or, with -tt_twin_gradient sensitivity (ODE models'
 * default), gradients from the trajectory's forward sensitivities (twin_sens.c; a patient
 * whose regimen switches keeps the differences unless the model is an ODE model without
 * doses). A trajectory that cannot be computed
 * (integration failure) makes f = +inf at that eta, so the line search backs off.
 * The Laplace covariance is the inverse of the finite-difference Hessian of f at the mode
 * (LAPACK potrf/potri); the start is checked and the objective at the mode reported from
 * plain integrations of the trajectory. converged = 1 only when Tao converged (|g| <= gatol, or where f can
 * no longer be decreased measurably: twin_stall.c) and that Hessian is positive definite.
 * A lean fit (TTTwinFitSetLean: guided arms; Gauss-Newton steps and Laplace) skips those two
 * plain integrations: the solve itself finds a start it cannot evaluate (f = +inf stops it
 * at once; then it restarts from the typical twin), and the objective reported is the one
 * Tao evaluated at the mode (from the sensitivity run, equal to the plain one to the
 * integration tolerance).
 * Options: prefix tt_twin_ (e.g. -tt_twin_tao_gatol). Not collective: one TTTwinFit per
 * rank, reused for every patient; a patient's result depends on nothing else.
 */
#include <math.h>
#include "twinimpl.h"
#include <petscblaslapack.h>

PetscErrorCode TTTwinReserve(TTTwinFit fit, PetscInt n)
{
  PetscFunctionBeginUser;
  if (n <= fit->cap) PetscFunctionReturn(0);
  PetscCall(PetscFree2(fit->times, fit->ymean));
  fit->cap = PetscMax(n, 2 * fit->cap);
  PetscCall(PetscMalloc2(fit->cap, &fit->times, fit->cap * fit->nvar, &fit->ymean));
  PetscFunctionReturn(0);
}

/* The twin's noise-free trajectory at t[nt] (increasing, may start before 0) under the
 * regimen reg after randomisation (untreated before); *ok = FALSE when the model cannot be
 * integrated there (the sim is rebuilt for the next call). */
PetscErrorCode TTTwinTrajectory(TTTwinFit fit, const TTPatient *p, const double eta[], const TTRegimen *reg,
                                PetscInt nt, const double t[], double ymean[], PetscBool *ok)
{
  const double  *none = fit->eff + fit->narm * fit->m->neffect;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectoryRegimen(fit->sim, p->cov, eta, none, reg, nt, t, ymean);
  PetscCall(PetscPopErrorHandler());
  *ok = ierr ? PETSC_FALSE : PETSC_TRUE;
  if (ierr == PETSC_ERR_NOT_CONVERGED || ierr == PETSC_ERR_FP)
    PetscCall(TTSimReset(fit->sim));
  else
    PetscCall(ierr);
  for (PetscInt i = 0; *ok && i < nt * fit->nvar; i++)
    if (!isfinite(ymean[i])) *ok = PETSC_FALSE;
  PetscFunctionReturn(0);
}

double TTTwinNegLogPrior(TTTwinFit fit, const TTPatient *p, const double eta[])
{
  double q = 0.0;

  if (fit->m->log_prior) return -fit->m->log_prior(fit->par, p->cov, eta);
  for (PetscInt i = 0; i < fit->nl; i++)
    for (PetscInt j = 0; j < fit->nl; j++) q += eta[i] * fit->omega_inv[i * fit->nl + j] * eta[j];
  return 0.5 * q;
}

/* f(eta) without the gradient; +inf where the trajectory or a density cannot be computed. */
static PetscErrorCode Objective(TTTwinFit fit, const TTPatient *p, const double eta[], double *f)
{
  const TTModelType *m   = fit->m;
  const TTRegimen   *reg = p->reg ? p->reg : &fit->reg[p->arm >= 0 ? p->arm : fit->narm];
  double             prev_mean[64], prev_value[64], sum = 0.0;
  PetscInt           nt = 0;
  PetscBool          ok;

  PetscFunctionBeginUser;
  fit->nfun++;
  for (PetscInt i = 0; i < fit->nl; i++)
    if (!(eta[i] >= fit->lo[i] && eta[i] <= fit->hi[i])) {
      *f = INFINITY;
      PetscFunctionReturn(0);
    }
  for (PetscInt j = 0; j < p->nobs; j++)
    if (nt == 0 || p->t[j] != fit->times[nt - 1]) fit->times[nt++] = p->t[j];
  PetscCall(TTTwinTrajectory(fit, p, eta, reg, nt, fit->times, fit->ymean, &ok));
  if (!ok) {
    *f = INFINITY;
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < fit->nvar; k++) prev_mean[k] = prev_value[k] = NAN;
  for (PetscInt j = 0, i = -1; j < p->nobs; j++) {
    TTObservation o;
    if (i < 0 || p->t[j] != fit->times[i]) i++;
    o.mean       = fit->ymean[i * fit->nvar + p->var[j]];
    o.value      = p->value[j];
    o.below      = p->below[j];
    o.mean_prev  = prev_mean[p->var[j]];
    o.value_prev = prev_value[p->var[j]];
    sum -= m->log_density(fit->par, p->var[j], &o);
    prev_mean[p->var[j]]  = o.mean;
    prev_value[p->var[j]] = o.value;
  }
  sum += TTTwinNegLogPrior(fit, p, eta);
  *f = isfinite(sum) ? sum : INFINITY;
  PetscFunctionReturn(0);
}

/* The prior of patient p (its covariates may enter omega): covariance, its inverse, bounds
 * and finite-difference steps, and Tao's bounds. */
static PetscErrorCode SetPatient(TTTwinFit fit, const TTPatient *p)
{
  PetscBool pd;

  PetscFunctionBeginUser;
  PetscCall(TTTwinReserve(fit, p->nobs));
  if (fit->patient == p) PetscFunctionReturn(0);
  fit->patient = p;
  fit->m->omega(fit->par, p->cov, fit->omega, fit->lo, fit->hi);
  PetscArraycpy(fit->omega_inv, fit->omega, fit->nl * fit->nl);
  PetscCall(TTTwinSPDInverse(fit->nl, fit->omega_inv, &pd));
  PetscCheck(pd || fit->m->log_prior, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: model %s: the random effects' covariance (omega) is not positive definite with these parameters",
             fit->protocol->path, fit->m->name);
  for (PetscInt i = 0; i < fit->nl; i++) {
    fit->h[i] = 1e-4 * PetscMax(sqrt(fit->omega[i * fit->nl + i]), 1e-3);
    PetscCall(VecSetValue(fit->xl, i, isfinite(fit->lo[i]) ? fit->lo[i] : PETSC_NINFINITY, INSERT_VALUES));
    PetscCall(VecSetValue(fit->xu, i, isfinite(fit->hi[i]) ? fit->hi[i] : PETSC_INFINITY, INSERT_VALUES));
  }
  PetscCall(VecAssemblyBegin(fit->xl));
  PetscCall(VecAssemblyEnd(fit->xl));
  PetscCall(VecAssemblyBegin(fit->xu));
  PetscCall(VecAssemblyEnd(fit->xu));
  PetscCall(TaoSetVariableBounds(fit->tao, fit->xl, fit->xu));
  PetscCall(TaoSetVariableBounds(fit->tao_gn, fit->xl, fit->xu));
  PetscFunctionReturn(0);
}

/* f and its central-difference gradient (one-sided at a bound; NaN where f is not finite). */
static PetscErrorCode ObjectiveGradient(TTTwinFit fit, const TTPatient *p, const double eta[], double *f, double grad[])
{
  double e[TT_TWIN_MAX_LATENT], fp, fm;

  PetscFunctionBeginUser;
  PetscCall(Objective(fit, p, eta, f));
  if (!grad) PetscFunctionReturn(0);
  PetscArraycpy(e, eta, fit->nl);
  for (PetscInt i = 0; i < fit->nl; i++) {
    double h = fit->h[i];
    /* one-sided at a bound: the objective is not defined beyond it */
    double up = PetscMin(eta[i] + h, fit->hi[i]), dn = PetscMax(eta[i] - h, fit->lo[i]);
    e[i] = up;
    PetscCall(Objective(fit, p, e, &fp));
    e[i] = dn;
    PetscCall(Objective(fit, p, e, &fm));
    e[i]    = eta[i];
    grad[i] = (up > dn && isfinite(fp) && isfinite(fm)) ? (fp - fm) / (up - dn) : NAN;
  }
  PetscFunctionReturn(0);
}

/* f and its gradient as -tt_twin_gradient says (twin_sens.c may fall back to differences). */
static PetscErrorCode Gradient(TTTwinFit fit, const TTPatient *p, const double eta[], double *f, double grad[])
{
  /* a switching regimen the sensitivities cannot follow (doses, closed form) keeps the differences */
  PetscBool sens =
      fit->gradient == TT_TWIN_GRADIENT_SENSITIVITY && TTTwinSensFollows(fit, TTTwinPatientRegimen(fit, p));

  PetscFunctionBeginUser;
  if (sens) PetscCall(TTTwinSensObjectiveGradient(fit, p, eta, f, grad));
  if (!sens || fit->gradient == TT_TWIN_GRADIENT_FD) PetscCall(ObjectiveGradient(fit, p, eta, f, grad));
  fit->sens_used = fit->gradient == TT_TWIN_GRADIENT_SENSITIVITY && sens;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinValue(TTTwinFit fit, const TTPatient *p, const double eta[], double *f)
{
  double g[TT_TWIN_MAX_LATENT];

  PetscFunctionBeginUser;
  PetscCall(Gradient(fit, p, eta, f, g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinPlainValue(TTTwinFit fit, const TTPatient *p, const double eta[], double *f)
{
  PetscFunctionBeginUser;
  PetscCall(Objective(fit, p, eta, f));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinObjective(TTTwinFit fit, const TTPatient *p, const double eta[], double *f, double grad[])
{
  double fs;

  PetscFunctionBeginUser;
  fit->patient = NULL;
  PetscCall(SetPatient(fit, p));
  PetscCall(ObjectiveGradient(fit, p, eta, f, NULL));
  if (grad) PetscCall(Gradient(fit, p, eta, &fs, grad));
  PetscFunctionReturn(0);
}

static PetscErrorCode TaoObjective(Tao tao, Vec X, PetscReal *f, Vec G, void *ctx)
{
  TTTwinFit          fit = (TTTwinFit) ctx;
  const PetscScalar *x;
  PetscScalar       *g;

  PetscFunctionBeginUser;
  (void) tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(G, &g));
  PetscCall(Gradient(fit, fit->patient, x, f, g));
  if (!isfinite(*f)) *f = PETSC_INFINITY;
  for (PetscInt i = 0; i < fit->nl; i++)
    if (!isfinite(g[i])) g[i] = 0.0;
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinSPDInverse(PetscInt n, double a[], PetscBool *pd)
{
  PetscBLASInt bn, info;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  /* row-major symmetric = column-major symmetric: "L" here is the upper triangle in C */
  LAPACKpotrf_("L", &bn, a, &bn, &info);
  *pd = info == 0 ? PETSC_TRUE : PETSC_FALSE;
  if (!*pd) PetscFunctionReturn(0);
  LAPACKpotri_("L", &bn, a, &bn, &info);
  *pd = info == 0 ? PETSC_TRUE : PETSC_FALSE;
  for (PetscInt i = 0; i < n; i++) /* the inverse is in the lower column-major triangle */
    for (PetscInt j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinCholesky(PetscInt n, const double a[], double L[], PetscBool *pd)
{
  PetscBLASInt bn, info;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscArraycpy(L, a, n * n);
  /* column-major "U" of the symmetric matrix is the row-major lower factor: a = L L^T */
  LAPACKpotrf_("U", &bn, L, &bn, &info);
  *pd = info == 0 ? PETSC_TRUE : PETSC_FALSE;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = i + 1; j < n; j++) L[i * n + j] = 0.0;
  PetscFunctionReturn(0);
}

/* Finite-difference Hessian of f at the mode eta (f0 = f there), on the steps 10 h. */
PetscErrorCode TTTwinHessian(TTTwinFit fit, const TTPatient *p, const double eta[], double f0, double H[])
{
  const PetscInt n = fit->nl;
  double         e[TT_TWIN_MAX_LATENT], fpp, fpm, fmp, fmm;

  PetscFunctionBeginUser;
  PetscArraycpy(e, eta, n);
  for (PetscInt i = 0; i < n; i++) {
    double hi = 10.0 * fit->h[i]; /* rounding error of a second difference ~ eps f / h^2 */
    e[i]      = eta[i] + hi;
    PetscCall(Objective(fit, p, e, &fpp));
    e[i] = eta[i] - hi;
    PetscCall(Objective(fit, p, e, &fmm));
    e[i]         = eta[i];
    H[i * n + i] = (fpp - 2.0 * f0 + fmm) / (hi * hi);
    for (PetscInt j = 0; j < i; j++) {
      double hj = 10.0 * fit->h[j];
      e[i] = eta[i] + hi, e[j] = eta[j] + hj;
      PetscCall(Objective(fit, p, e, &fpp));
      e[j] = eta[j] - hj;
      PetscCall(Objective(fit, p, e, &fpm));
      e[i] = eta[i] - hi;
      PetscCall(Objective(fit, p, e, &fmm));
      e[j] = eta[j] + hj;
      PetscCall(Objective(fit, p, e, &fmp));
      e[i] = eta[i], e[j] = eta[j];
      H[i * n + j] = H[j * n + i] = (fpp - fpm - fmp + fmm) / (4.0 * hi * hj);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Laplace(TTTwinFit fit, const TTPatient *p, TTTwinEstimate *est)
{
  const PetscInt n = fit->nl;
  PetscBool      pd, same = fit->checked && fit->checked_ok;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; same && i < n; i++) same = est->eta[i] == fit->checked_x[i];
  if (fit->laplace == TT_TWIN_LAPLACE_GAUSS_NEWTON && TTTwinUsesGN(fit, p)) {
    PetscCall(TTTwinGNHessian(fit, p, est->eta, est->cov, &pd));
    if (!pd) est->cov[0] = NAN; /* f not finite there: reported below */
  } else if (same)
    PetscArraycpy(est->cov, fit->checked_H, n * n); /* twin_stall.c's, at this very point */
  else
    PetscCall(TTTwinHessian(fit, p, est->eta, est->objective, est->cov));
  for (PetscInt i = 0; i < n * n; i++)
    if (!isfinite(est->cov[i])) {
      est->converged = 0;
      PetscCall(PetscSNPrintf(est->reason, sizeof est->reason,
                              "Hessian not finite at the mode (a bound or an "
                              "integration failure next to it)"));
      PetscFunctionReturn(0);
    }
  PetscCall(TTTwinSPDInverse(n, est->cov, &pd));
  if (!pd) {
    est->converged = 0;
    for (PetscInt i = 0; i < n * n; i++) est->cov[i] = NAN;
    PetscCall(PetscSNPrintf(est->reason, sizeof est->reason, "Hessian not positive definite at the mode"));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitPatient(TTTwinFit fit, const TTPatient *p, TTTwinEstimate *est)
{
  PetscFunctionBeginUser;
  PetscCall(TTTwinFitPatientFrom(fit, p, NULL, est));
  PetscFunctionReturn(0);
}

/* fit->x = eta0 (or the typical twin, eta = 0, without one) within the bounds. */
static PetscErrorCode Start(TTTwinFit fit, const double eta0[])
{
  PetscScalar *x;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(fit->x, &x));
  for (PetscInt i = 0; i < fit->nl; i++) x[i] = PetscMin(PetscMax(eta0 ? eta0[i] : 0.0, fit->lo[i]), fit->hi[i]);
  PetscCall(VecRestoreArray(fit->x, &x));
  PetscFunctionReturn(0);
}

/* Tao's solve from fit->x; *f the objective where it stopped (as Tao evaluated it). */
static PetscErrorCode Solve(TTTwinFit fit, Tao tao, double *f)
{
  PetscReal fc;

  PetscFunctionBeginUser;
  PetscCall(TaoSetSolution(tao, fit->x));
  TTTwinStallReset(fit);
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetSolutionStatus(tao, NULL, &fc, NULL, NULL, NULL, NULL));
  *f = fc;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitPatientFrom(TTTwinFit fit, const TTPatient *p, const double eta0[], TTTwinEstimate *est)
{
  const PetscScalar *xr;
  TaoConvergedReason reason;
  PetscInt           its;
  double             f = INFINITY;
  Tao                tao;
  PetscBool          lean;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(est, sizeof *est));
  fit->patient = NULL; /* the same address may hold another patient */
  fit->gn_ok   = PETSC_FALSE;
  PetscCall(SetPatient(fit, p));
  tao  = TTTwinUsesGN(fit, p) ? fit->tao_gn : fit->tao;
  lean = fit->lean && tao == fit->tao_gn && fit->laplace == TT_TWIN_LAPLACE_GAUSS_NEWTON;
  PetscCall(Start(fit, eta0));
  if (lean) { /* the start is checked by the solve itself: f = +inf there stops it at once */
    PetscCall(Solve(fit, tao, &f));
    if (!isfinite(f) && eta0) PetscCall(Start(fit, NULL));
  } else {
    PetscCall(VecGetArrayRead(fit->x, &xr));
    PetscCall(Objective(fit, p, xr, &f));
    PetscCall(VecRestoreArrayRead(fit->x, &xr));
    if (!isfinite(f) && eta0) { /* a start the objective cannot evaluate: the typical twin's */
      PetscCall(Start(fit, NULL));
      PetscCall(VecGetArrayRead(fit->x, &xr));
      PetscCall(Objective(fit, p, xr, &f));
      PetscCall(VecRestoreArrayRead(fit->x, &xr));
    }
  }
  if (lean && !isfinite(f) && eta0) PetscCall(Solve(fit, tao, &f));
  if (!isfinite(f)) {
    PetscCall(PetscSNPrintf(est->reason, sizeof est->reason,
                            "objective not finite at the population's typical twin (an observation the model "
                            "cannot produce, or the model cannot be integrated)"));
    est->objective = NAN;
    for (PetscInt i = 0; i < fit->nl; i++) est->eta[i] = NAN;
    for (PetscInt i = 0; i < fit->nl * fit->nl; i++) est->cov[i] = NAN;
    PetscFunctionReturn(0);
  }
  if (!lean) PetscCall(Solve(fit, tao, &f));
  PetscCall(TaoGetConvergedReason(tao, &reason));
  PetscCall(TaoGetIterationNumber(tao, &its));
  PetscCall(VecGetArrayRead(fit->x, &xr));
  PetscArraycpy(est->eta, xr, fit->nl);
  PetscCall(VecRestoreArrayRead(fit->x, &xr));
  if (lean)
    est->objective = f;
  else
    PetscCall(Objective(fit, p, est->eta, &est->objective));
  est->iterations = its;
  est->converged  = reason > 0 && isfinite(est->objective);
  if (!est->converged)
    PetscCall(PetscSNPrintf(est->reason, sizeof est->reason, "not converged (%s after %d iterations)",
                            TaoConvergedReasons[reason], (int) its));
  PetscCall(Laplace(fit, p, est));
  PetscFunctionReturn(0);
}

static PetscErrorCode FitTao(TTTwinFit fit)
{
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, fit->nl, &fit->x));
  PetscCall(VecDuplicate(fit->x, &fit->xl));
  PetscCall(VecDuplicate(fit->x, &fit->xu));
  PetscCall(VecSet(fit->xl, PETSC_NINFINITY));
  PetscCall(VecSet(fit->xu, PETSC_INFINITY));
  PetscCall(TaoCreate(PETSC_COMM_SELF, &fit->tao));
  PetscCall(TaoSetType(fit->tao, TAOBQNLS));
  PetscCall(TaoSetObjectiveAndGradient(fit->tao, NULL, TaoObjective, fit));
  PetscCall(TaoSetConvergenceTest(fit->tao, TTTwinConvergenceTest, fit));
  PetscCall(TaoSetVariableBounds(fit->tao, fit->xl, fit->xu));
  PetscCall(TaoSetTolerances(fit->tao, 1e-8, 0.0, 0.0));
  PetscCall(TaoSetMaximumIterations(fit->tao, 500));
  PetscCall(TaoSetOptionsPrefix(fit->tao, "tt_twin_"));
  PetscCall(TaoSetFromOptions(fit->tao));
  PetscCall(TTTwinGNCreate(fit, TaoObjective));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitCreate(TTTrial trial, TTTwinFit *out)
{
  TTTwinFit          fit;
  const char        *why;
  const TTModelType *m;
  TTTwinGradient     gradient;
  TTTwinMethod       method;
  TTTwinLaplace      laplace;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTwinGradientFromOptions(m, &gradient)); /* before anything is allocated */
  PetscCall(TTTwinMethodFromOptions(m, &method, &laplace));
  PetscCall(PetscCalloc1(1, &fit));
  fit->gradient = gradient;
  fit->method   = method;
  fit->laplace  = laplace;
  fit->trial    = trial;
  PetscCall(TTTrialGetProtocol(trial, &fit->protocol));
  PetscCall(TTTrialGetModel(trial, &fit->m));
  PetscCall(TTTrialGetParameters(trial, &fit->par));
  why = tt_model_unpersonalisable(fit->m);
  if (why) {
    const TTProtocol *p = fit->protocol;
    PetscCall(PetscFree(fit)); /* nothing else is allocated yet */
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: model.name: model %s cannot be personalised: it lacks %s",
            p->path, p->model_loc.line, p->model_loc.column, m->name, why);
  }
  PetscCheck(fit->m->nlatent <= TT_TWIN_MAX_LATENT && fit->m->nvar <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s: more than %d random effects or 64 variables", fit->m->name, TT_TWIN_MAX_LATENT);
  fit->nl   = fit->m->nlatent;
  fit->nvar = fit->m->nvar;
  fit->narm = fit->protocol->narm;
  PetscCall(PetscMalloc1((fit->narm + 1) * PetscMax(fit->m->neffect, 1), &fit->eff));
  for (PetscInt a = 0; a <= fit->narm; a++) PetscCall(TTTrialArmEffects(trial, a, 0.0, fit->eff + a * fit->m->neffect));
  PetscCall(PetscMalloc3((fit->narm + 1) * TT_MAX_SEGMENTS, &fit->reg_start,
                         (fit->narm + 1) * TT_MAX_SEGMENTS * PetscMax(fit->m->neffect, 1), &fit->reg_eff, fit->narm + 1,
                         &fit->reg));
  for (PetscInt a = 0; a <= fit->narm; a++) {
    double *start = fit->reg_start + a * TT_MAX_SEGMENTS, *eff = fit->reg_eff + a * TT_MAX_SEGMENTS * fit->m->neffect;
    if (a < fit->narm)
      PetscCall(TTTrialArmRegimen(trial, a, 0.0, start, eff, &fit->reg[a]));
    else { /* untreated: the model's defaults throughout */
      start[0] = 0.0;
      PetscCall(PetscArraycpy(eff, fit->eff + a * fit->m->neffect, fit->m->neffect));
      fit->reg[a] = (TTRegimen){1, start, eff};
    }
  }
  PetscCall(TTTrialCreateSim(trial, &fit->sim));
  PetscCall(FitTao(fit));
  *out = fit;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitDestroy(TTTwinFit *fit)
{
  PetscFunctionBeginUser;
  if (!fit || !*fit) PetscFunctionReturn(0);
  PetscCall(TaoDestroy(&(*fit)->tao));
  PetscCall(TTTwinGNDestroy(*fit));
  PetscCall(VecDestroy(&(*fit)->x));
  PetscCall(VecDestroy(&(*fit)->xl));
  PetscCall(VecDestroy(&(*fit)->xu));
  PetscCall(TTSimDestroy(&(*fit)->sim));
  PetscCall(PetscFree((*fit)->eff));
  PetscCall(PetscFree3((*fit)->reg_start, (*fit)->reg_eff, (*fit)->reg));
  PetscCall(PetscFree2((*fit)->times, (*fit)->ymean));
  PetscCall(TTTwinSensDestroy(*fit));
  PetscCall(PetscFree(*fit));
  PetscFunctionReturn(0);
}
