/* twin_stall.c — Tao's convergence test for the MAP fit, and what "converged" means when f
 * can no longer be decreased measurably.
 *
 * f is not a smooth function of eta to the last bit: it is rounded, and for ODE models its
 * trajectory comes from an adaptive integration whose step sequence moves with eta (noise
 * of 1e-13 to 1e-10 relative for T2D, largest with sensitivities, whose step control also
 * follows the derivatives). Near the mode the decrease still available, about the Newton
 * decrement 1/2 g^T H^-1 g, falls below that noise before |g| reaches Tao's absolute gatol
 * (1e-8): with H ~ 30 and |g| = 4e-7 it is 3e-15. The line search then finds no lower f:
 * Tao stops with DIVERGED_LS_FAILURE, or takes steps that change nothing until
 * DIVERGED_MAXITS. With central differences the gradient itself is noise there (error
 * about sigma / h).
 *
 * So after STALLS iterations in a row that do not decrease f, a line search failure or the
 * iteration limit, TTTwinConvergenceTest checks whether x is the mode as far as f can tell:
 *   - sigma, the noise level of f (as Tao sees it) at x, by More and Wild's ECnoise (SIAM
 *     J. Sci. Comput. 33(3), 2011, 1292-1314) on 9 values along x + i s, s = +-h (the
 *     finite-difference steps);
 *   - e, a bound on the gradient's error: sigma / h_i per component for central
 *     differences (each value within sigma), the sensitivities' bound (twin_sens.c) else;
 *   - H, the finite-difference Hessian at x (the Laplace one, reused), positive definite;
 *   - converged when 1/2 r^2 <= sigma, r = sqrt(g^T H^-1 g) + |e| sqrt(trace H^-1), a bound
 *     on the true gradient's H^-1-norm: no step can lower f by more than its noise, and x
 *     is within sqrt(2 sigma) posterior SDs of the quadratic model's mode.
 * The verdict is TAO_CONVERGED_USER; otherwise Tao's own reason stands (a point checked
 * once keeps its verdict). A fit that meets gatol never reaches the check. With
 * sensitivity gradients a gradient within its error bound of zero is also accepted
 * (TAO_CONVERGED_GATOL). With TTTwinFitSetStepStop (guided arms), a Gauss-Newton fit
 * also stops (TAO_CONVERGED_STEPTOL) when the Gauss-Newton step from x, d = G^-1 g (G the
 * Gauss-Newton Hessian at x, free with the gradient), moves every eta_l by less than
 * stop_sd posterior SDs, |d_l| < stop_sd sqrt((G^-1)_ll), and predicts a decrease
 * 1/2 g^T G^-1 g below stop_dec: the next iterations would move the mode by less than
 * that, while |g| <= 1e-8 alone takes the last one or two iterations to move it by less
 * than 1e-5 SD (README, Performance 10). Everything depends only on the patient:
 * deterministic on any rank count. Not collective.
 */
#include <float.h>
#include <math.h>
#include "twinimpl.h"

/* Iterations in a row without a decrease before the check (cost only: Tao often recovers
 * from one; a line search failure or the iteration limit is checked at once). */
#define STALLS       2
#define NOISE_VALUES 9 /* ECnoise: a few more than the orders of differences used */

/* ECnoise on fv[nf] (values of f at equally spaced points; overwritten by its difference
 * table): 1 and *sigma the noise level, 2 when f is constant there (*sigma = 0), 3 when no
 * order of differences shows noise (spacing too small or too large). */
static int ECNoise(PetscInt nf, double fv[], double *sigma)
{
  double levels[NOISE_VALUES], gamma = 1.0, fmin = fv[0], fmax = fv[0];
  int    sign_change[NOISE_VALUES];

  for (PetscInt i = 1; i < nf; i++) fmin = PetscMin(fmin, fv[i]), fmax = PetscMax(fmax, fv[i]);
  *sigma = NAN;
  if (!(fmax - fmin <= 0.1 * PetscMax(fabs(fmin), fabs(fmax)))) return 3;
  for (PetscInt j = 1; j < nf; j++) {
    double s = 0.0, emin, emax;
    for (PetscInt i = 0; i < nf - j; i++) fv[i] = fv[i + 1] - fv[i];
    if (j == 1) {
      PetscInt zero = 0;
      for (PetscInt i = 0; i < nf - 1; i++) zero += fv[i] == 0.0;
      if (zero == nf - 1) {
        *sigma = 0.0;
        return 2;
      }
    }
    gamma *= 0.5 * j / (2.0 * j - 1.0); /* (j!)^2 / (2j)! */
    emin = emax = fv[0];
    for (PetscInt i = 0; i < nf - j; i++)
      s += fv[i] * fv[i], emin = PetscMin(emin, fv[i]), emax = PetscMax(emax, fv[i]);
    levels[j]      = sqrt(gamma * s / (nf - j));
    sign_change[j] = emin * emax < 0.0;
  }
  for (PetscInt k = 1; k <= nf - 3; k++) {
    double lmin = PetscMin(levels[k], PetscMin(levels[k + 1], levels[k + 2]));
    double lmax = PetscMax(levels[k], PetscMax(levels[k + 1], levels[k + 2]));
    if (lmax <= 4.0 * lmin && sign_change[k]) {
      *sigma = levels[k];
      return 1;
    }
  }
  return 3;
}

/* The noise level of f (as Tao sees it) at the finite-difference steps around x: ECnoise on
 * the values at x + i s, i = 0..8, s_l = +-h_l (away from an upper bound). *sigma = NAN when
 * it cannot be estimated. With sensitivities x comes last, so fit->gerr is x's. */
static PetscErrorCode Noise(TTTwinFit fit, const TTPatient *p, const double x[], double *sigma)
{
  double fv[NOISE_VALUES], e[TT_TWIN_MAX_LATENT], s[TT_TWIN_MAX_LATENT];
  int    inform;

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < fit->nl; l++)
    s[l] = x[l] + (NOISE_VALUES - 1) * fit->h[l] <= fit->hi[l] ? fit->h[l] : -fit->h[l];
  for (PetscInt i = NOISE_VALUES - 1; i >= 0; i--) {
    for (PetscInt l = 0; l < fit->nl; l++) e[l] = x[l] + i * s[l];
    PetscCall(TTTwinValue(fit, p, e, &fv[i]));
    if (!isfinite(fv[i])) {
      *sigma = NAN;
      PetscFunctionReturn(0);
    }
  }
  inform = ECNoise(NOISE_VALUES, fv, sigma);
  if (inform == 2) *sigma = DBL_EPSILON * fabs(fv[0]); /* constant there: noise below f's last bit */
  if (inform == 3) *sigma = NAN;
  PetscFunctionReturn(0);
}

/* Whether x (gradient g, projected on the bounds, as Tao has it) is the mode as far as f can
 * tell (see the head of the file). */
static PetscErrorCode Resolved(TTTwinFit fit, const TTPatient *p, const double x[], const double g[], PetscBool *ok)
{
  const PetscInt n = fit->nl;
  double         sigma, f0, a = 0.0, tr = 0.0, enorm = 0.0, r, H[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];
  PetscBool      pd;

  PetscFunctionBeginUser;
  *ok = PETSC_FALSE;
  PetscCall(TTTwinPlainValue(fit, p, x, &f0));
  PetscCall(TTTwinHessian(fit, p, x, f0, H));
  for (PetscInt i = 0; i < n * n; i++)
    if (!isfinite(H[i])) PetscFunctionReturn(0);
  PetscArraycpy(fit->checked_H, H, n * n);
  PetscCall(TTTwinSPDInverse(n, H, &pd));
  if (!pd) PetscFunctionReturn(0);
  PetscCall(Noise(fit, p, x, &sigma));
  if (!isfinite(sigma)) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++) {
    tr += H[i * n + i];
    for (PetscInt j = 0; j < n; j++) a += g[i] * H[i * n + j] * g[j];
    if (!fit->sens_used) enorm += (sigma / fit->h[i]) * (sigma / fit->h[i]);
  }
  enorm = fit->sens_used ? fit->gerr : sqrt(enorm);
  r     = sqrt(PetscMax(a, 0.0)) + enorm * sqrt(tr);
  *ok   = 0.5 * r * r <= sigma ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscInfo(NULL, "stall: noise of f %g, gradient error bound %g, f - f(mode) <= %g: %s\n", sigma, enorm,
                      0.5 * r * r, *ok ? "converged" : "not converged"));
  PetscFunctionReturn(0);
}

/* Whether the Gauss-Newton step from x (gradient g) is below the stopping rule's
 * thresholds; FALSE when G at x is not at hand or not positive definite. */
static PetscErrorCode SmallStep(TTTwinFit fit, const double x[], const double g[], PetscBool *ok)
{
  const PetscInt n = fit->nl;
  double         Gi[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT], dec = 0.0;
  PetscBool      pd, at                                           = fit->gn_ok;

  PetscFunctionBeginUser;
  *ok = PETSC_FALSE;
  for (PetscInt i = 0; at && i < n; i++) at = x[i] == fit->gn_x[i];
  if (!at) PetscFunctionReturn(0);
  PetscArraycpy(Gi, fit->gn_H, n * n);
  PetscCall(TTTwinSPDInverse(n, Gi, &pd));
  if (!pd) PetscFunctionReturn(0);
  *ok = PETSC_TRUE;
  for (PetscInt i = 0; i < n; i++) {
    double d = 0.0;
    for (PetscInt j = 0; j < n; j++) d += Gi[i * n + j] * g[j];
    dec += 0.5 * g[i] * d;
    if (!(fabs(d) < fit->stop_sd * sqrt(Gi[i * n + i]))) *ok = PETSC_FALSE;
  }
  if (!(dec < fit->stop_dec)) *ok = PETSC_FALSE;
  PetscFunctionReturn(0);
}

void TTTwinStallReset(TTTwinFit fit)
{
  fit->fprev   = PETSC_INFINITY;
  fit->nstall  = 0;
  fit->checked = PETSC_FALSE;
}

PetscErrorCode TTTwinConvergenceTest(Tao tao, void *ctx)
{
  TTTwinFit          fit = (TTTwinFit) ctx;
  TaoConvergedReason reason;
  PetscReal          f, gnorm, fprev = fit->fprev;
  const PetscScalar *x, *g;
  Vec                X, G;
  PetscBool          same = fit->checked, ok;

  PetscFunctionBeginUser;
  PetscCall(TaoDefaultConvergenceTest(tao, NULL));
  PetscCall(TaoGetConvergedReason(tao, &reason));
  PetscCall(TaoGetSolutionStatus(tao, NULL, &f, &gnorm, NULL, NULL, NULL));
  fit->fprev  = f;
  fit->nstall = f >= fprev ? fit->nstall + 1 : 0;
  if (reason > 0) PetscFunctionReturn(0);
  if (reason == TAO_CONTINUE_ITERATING && fit->sens_used && gnorm <= fit->gerr) {
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_GATOL));
    PetscFunctionReturn(0);
  }
  if (reason == TAO_CONTINUE_ITERATING && fit->stop_sd > 0 && fit->sens_used && tao == fit->tao_gn) {
    PetscCall(TaoGetSolution(tao, &X));
    PetscCall(TaoGetGradient(tao, &G, NULL, NULL));
    PetscCall(VecGetArrayRead(X, &x));
    PetscCall(VecGetArrayRead(G, &g));
    PetscCall(SmallStep(fit, x, g, &ok));
    PetscCall(VecRestoreArrayRead(G, &g));
    PetscCall(VecRestoreArrayRead(X, &x));
    if (ok) PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_STEPTOL));
    if (ok) PetscFunctionReturn(0);
  }
  /* an iteration that did not decrease f: the line search failed or its step changed nothing */
  if (!(fit->nstall >= STALLS || reason == TAO_DIVERGED_LS_FAILURE || reason == TAO_DIVERGED_MAXITS))
    PetscFunctionReturn(0);
  PetscCall(TaoGetSolution(tao, &X));
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt l = 0; same && l < fit->nl; l++) same = x[l] == fit->checked_x[l];
  if (same)
    ok = fit->checked_ok; /* the same point as last time: the same verdict */
  else {
    PetscCall(TaoGetGradient(tao, &G, NULL, NULL));
    PetscCall(VecGetArrayRead(G, &g));
    PetscCall(Resolved(fit, fit->patient, x, g, &ok));
    PetscCall(VecRestoreArrayRead(G, &g));
    PetscArraycpy(fit->checked_x, x, fit->nl);
    fit->checked    = PETSC_TRUE;
    fit->checked_ok = ok;
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  if (ok) PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  PetscFunctionReturn(0);
}
