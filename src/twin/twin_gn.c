/* twin_gn.c — Gauss-Newton steps for the MAP fit, and the Gauss-Newton Laplace Hessian.
 *
 * With sensitivity gradients (twin_sens.c) the same integration gives J_j = d mean_j / d eta
 * of every observation j, so the generalised Gauss-Newton matrix (Schraudolph 2002, Neural
 * Comput. 14:1723)
 *   G(eta) = sum_j c_j J_j J_j^T + the prior's Hessian,  c_j = max(0, -d^2 log p_j / d mean_j^2),
 * costs no integration more. For a density normal on some scale with a weight free of eta
 * (additive, or log-normal: additive on the log scale) it is the classical Gauss-Newton
 * matrix J^T W J + Omega^-1 up to the curvature of the scale; for any other density (Beta,
 * censored M3 terms, counts) it is the same construction on that density's own curvature in
 * the mean, clipped at 0 where the density is not log-concave there, so it stays positive
 * semi-definite and G is positive definite with a normal prior. What it leaves out is
 * sum_j (-d log p_j / d mean_j) d^2 mean_j / d eta^2, small when the residuals are. c_j is
 * a central second difference of the model's log_density in the mean (closed form: no
 * integration), the prior's Hessian Omega^-1, or second differences of log_prior.
 * A density with mean_prev (counts) adds its curvature in mean_prev along that
 * observation's J_prev the same way; the cross term is left out (G stays PSD).
 *
 * The fit takes Gauss-Newton steps (-tt_twin_method gauss_newton) by default for a model
 * that declares its observations normal on some scale with a constant variance
 * (TTModelType.gauss_newton: t2d_hba1c), when the gradient is by sensitivities that
 * follow the patient's regimen (TTTwinSensFollows); otherwise bounded quasi-Newton steps (TAOBQNLS,
 * -tt_twin_method quasi_newton). For other densities G can miss much of the curvature
 * (metformin PK, proportional errors: linear convergence at a rate of about 0.6 near some
 * modes, no fewer iterations than quasi-Newton), so there the option only forces it.
 * The Gauss-Newton fit is Tao's bounded Newton line search (TAOBNLS) on G, solved by
 * conjugate gradients without a preconditioner (exact for an nl x nl system, and BNK's
 * default BFGS preconditioner would carry state from one patient to the next). The
 * gradient is exact, so the mode is the same stationary point as the quasi-Newton fit's
 * to the fit's tolerance, and twin_stall.c's convergence test is the same; only the steps
 * differ (T2D: about 7 iterations instead of about 15: README, Performance 10).
 * -tt_twin_laplace gauss_newton (guided arms set it: TTTwinFitSetLaplace) takes G at the
 * mode as the Laplace Hessian of a Gauss-Newton fit instead of central differences of f
 * (2 nl^2 integrations). TTTwinFitSetStepStop adds a stopping rule on the Gauss-Newton
 * step (twin_stall.c). Not collective.
 */
#include <math.h>
#include <string.h>
#include "twinimpl.h"

#define D2_DELTA 1.220703125e-04 /* DBL_EPSILON^(1/4): second differences */

static PetscErrorCode Choice(const char *name, const char *a, const char *b, const char *what, int *which)
{
  char      value[64];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, name, value, sizeof value, &set));
  if (!set) PetscFunctionReturn(0);
  PetscCheck(!strcmp(value, a) || !strcmp(value, b), PETSC_COMM_SELF, PETSC_ERR_USER, "%s %s: expected %s", name,
             value[0] ? value : "(no value)", what);
  *which = strcmp(value, a) ? 1 : 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinMethodFromOptions(const TTModelType *model, TTTwinMethod *m, TTTwinLaplace *l)
{
  int method = model->gauss_newton ? 1 : 0, laplace = 0;

  PetscFunctionBeginUser;
  PetscCall(Choice("-tt_twin_method", "quasi_newton", "gauss_newton",
                   "quasi_newton (bounded BFGS steps) or gauss_newton (Newton steps on the Gauss-Newton Hessian)",
                   &method));
  PetscCall(Choice("-tt_twin_laplace", "exact", "gauss_newton",
                   "exact (differences of the objective at the mode) or gauss_newton (the Gauss-Newton Hessian)",
                   &laplace));
  *m = method ? TT_TWIN_METHOD_GAUSS_NEWTON : TT_TWIN_METHOD_QUASI_NEWTON;
  *l = laplace ? TT_TWIN_LAPLACE_GAUSS_NEWTON : TT_TWIN_LAPLACE_EXACT;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitSetLaplace(TTTwinFit fit, TTTwinLaplace laplace)
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-tt_twin_laplace", &set));
  if (!set) fit->laplace = laplace; /* the command line's choice stands */
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitSetStepStop(TTTwinFit fit, PetscReal step_sd, PetscReal decrease)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tt_twin_stop_step_sd", &step_sd, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tt_twin_stop_decrease", &decrease, NULL));
  PetscCheck(step_sd >= 0 && decrease >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "-tt_twin_stop_step_sd %g, -tt_twin_stop_decrease %g: expected values >= 0", (double) step_sd,
             (double) decrease);
  fit->stop_sd  = step_sd;
  fit->stop_dec = decrease;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitSetTolerances(TTTwinFit fit, PetscReal rtol, PetscReal atol)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimSetTolerances(fit->sim, rtol, atol));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinFitSetLean(TTTwinFit fit, PetscBool lean)
{
  PetscFunctionBeginUser;
  fit->lean = lean;
  PetscFunctionReturn(0);
}

PetscBool TTTwinUsesGN(TTTwinFit fit, const TTPatient *p)
{
  return fit->method == TT_TWIN_METHOD_GAUSS_NEWTON && fit->gradient == TT_TWIN_GRADIENT_SENSITIVITY &&
         TTTwinSensFollows(fit, TTTwinPatientRegimen(fit, p));
}

void TTTwinGNPrior(TTTwinFit fit, const TTPatient *p, const double eta[])
{
  const PetscInt n = fit->nl;
  double         e[TT_TWIN_MAX_LATENT], h[TT_TWIN_MAX_LATENT], f0;

  fit->gn_ok = PETSC_FALSE;
  if (!fit->m->log_prior) {
    PetscArraycpy(fit->gn_H, fit->omega_inv, n * n);
    return;
  }
  f0 = TTTwinNegLogPrior(fit, p, eta);
  PetscArraycpy(e, eta, n);
  for (PetscInt i = 0; i < n; i++) h[i] = D2_DELTA * fmax(1.0, fabs(eta[i]));
  for (PetscInt i = 0; i < n; i++) {
    double fp, fm;
    e[i] = eta[i] + h[i], fp = TTTwinNegLogPrior(fit, p, e);
    e[i] = eta[i] - h[i], fm = TTTwinNegLogPrior(fit, p, e);
    e[i]                 = eta[i];
    fit->gn_H[i * n + i] = (fp - 2.0 * f0 + fm) / (h[i] * h[i]);
    for (PetscInt j = 0; j < i; j++) {
      double fpp, fpm, fmp, fmm;
      e[i] = eta[i] + h[i], e[j] = eta[j] + h[j], fpp = TTTwinNegLogPrior(fit, p, e);
      e[j] = eta[j] - h[j], fpm = TTTwinNegLogPrior(fit, p, e);
      e[i] = eta[i] - h[i], fmm = TTTwinNegLogPrior(fit, p, e);
      e[j] = eta[j] + h[j], fmp = TTTwinNegLogPrior(fit, p, e);
      e[i] = eta[i], e[j] = eta[j];
      fit->gn_H[i * n + j] = fit->gn_H[j * n + i] = (fpp - fpm - fmp + fmm) / (4.0 * h[i] * h[j]);
    }
  }
}

void TTTwinGNAdd(TTTwinFit fit, double curvature, const double dm[])
{
  const PetscInt n = fit->nl;

  if (!(curvature > 0.0)) return; /* not log-concave there (or not finite): left out */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) fit->gn_H[i * n + j] += curvature * dm[i] * dm[j];
}

void TTTwinGNDone(TTTwinFit fit, const double eta[])
{
  PetscArraycpy(fit->gn_x, eta, fit->nl);
  fit->gn_ok = PETSC_TRUE;
}

double TTTwinD2LogDensity(TTTwinFit fit, int var, const TTObservation *o, double ld, PetscBool prev)
{
  TTObservation a = *o, b = *o;
  double       *xa = prev ? &a.mean_prev : &a.mean, *xb = prev ? &b.mean_prev : &b.mean, x = *xa;
  double        h = D2_DELTA * (x != 0.0 ? fabs(x) : 1.0), la, lb;

  *xa = x + h, *xb = x - h;
  la = fit->m->log_density(fit->par, var, &a);
  lb = fit->m->log_density(fit->par, var, &b);
  return isfinite(la) && isfinite(lb) && isfinite(ld) ? (la - 2.0 * ld + lb) / (h * h) : NAN;
}

PetscErrorCode TTTwinGNHessian(TTTwinFit fit, const TTPatient *p, const double eta[], double H[], PetscBool *ok)
{
  PetscBool same = fit->gn_ok;
  double    f, g[TT_TWIN_MAX_LATENT];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; same && i < fit->nl; i++) same = eta[i] == fit->gn_x[i];
  if (!same) PetscCall(TTTwinSensObjectiveGradient(fit, p, eta, &f, g));
  *ok = fit->gn_ok;
  for (PetscInt i = 0; *ok && i < fit->nl; i++) *ok = eta[i] == fit->gn_x[i];
  if (*ok) PetscArraycpy(H, fit->gn_H, fit->nl * fit->nl);
  PetscFunctionReturn(0);
}

/* Tao's Hessian: G at X (the prior's Hessian alone where f cannot be evaluated). */
static PetscErrorCode TaoHessian(Tao tao, Vec X, Mat H, Mat Hpre, void *ctx)
{
  TTTwinFit          fit = (TTTwinFit) ctx;
  const PetscInt     n   = fit->nl;
  const PetscScalar *x;
  double             G[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];
  PetscInt           idx[TT_TWIN_MAX_LATENT];
  PetscBool          ok;

  PetscFunctionBeginUser;
  (void) tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(TTTwinGNHessian(fit, fit->patient, x, G, &ok));
  if (!ok) {
    TTTwinGNPrior(fit, fit->patient, x);
    PetscArraycpy(G, fit->gn_H, n * n);
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  fit->ngn++;
  for (PetscInt i = 0; i < n; i++) idx[i] = i;
  PetscCall(MatSetValues(H, n, idx, n, idx, G, INSERT_VALUES)); /* row major */
  PetscCall(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  if (Hpre != H) {
    PetscCall(MatSetValues(Hpre, n, idx, n, idx, G, INSERT_VALUES));
    PetscCall(MatAssemblyBegin(Hpre, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(Hpre, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinGNCreate(TTTwinFit fit, PetscErrorCode (*objective)(Tao, Vec, PetscReal *, Vec, void *))
{
  KSP ksp;
  PC  pc;

  PetscFunctionBeginUser;
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, fit->nl, fit->nl, NULL, &fit->hgn));
  PetscCall(TaoCreate(PETSC_COMM_SELF, &fit->tao_gn));
  PetscCall(TaoSetType(fit->tao_gn, TAOBNLS));
  PetscCall(TaoSetObjectiveAndGradient(fit->tao_gn, NULL, objective, fit));
  PetscCall(TaoSetHessian(fit->tao_gn, fit->hgn, fit->hgn, TaoHessian, fit));
  PetscCall(TaoSetConvergenceTest(fit->tao_gn, TTTwinConvergenceTest, fit));
  PetscCall(TaoSetVariableBounds(fit->tao_gn, fit->xl, fit->xu));
  PetscCall(TaoSetTolerances(fit->tao_gn, 1e-8, 0.0, 0.0));
  PetscCall(TaoSetMaximumIterations(fit->tao_gn, 500));
  PetscCall(TaoSetOptionsPrefix(fit->tao_gn, "tt_twin_"));
  /* the Newton system is nl x nl: conjugate gradients solve it exactly in nl steps, and a
   * preconditioner would carry BFGS updates from one patient to the next */
  PetscCall(TaoGetKSP(fit->tao_gn, &ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(TaoSetFromOptions(fit->tao_gn));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinGNDestroy(TTTwinFit fit)
{
  PetscFunctionBeginUser;
  PetscCall(TaoDestroy(&fit->tao_gn));
  PetscCall(MatDestroy(&fit->hgn));
  PetscFunctionReturn(0);
}
