/* ml_omega.c — numerical pieces the generated code relies on: the Cholesky factor of
 * Omega (LAPACK dpotrf, at parse time) and MLMinimise, the routine the generated
 * `condition` calls to find the MAP of the random effects given the baseline.
 * MLMinimise is plain C (no allocation, no MPI), deterministic: the same input gives
 * the same bits on every rank.
 */
#include <math.h>
#include <string.h>
#include "modellang/mlimpl.h"
#include <petscblaslapack.h>
#include "modellang/mlload.h"

int MLCholesky(int n, const double *a, double *l)
{
  PetscBLASInt nn = (PetscBLASInt) n, info = 0;
  double       f[ML_MAX_NAMES * ML_MAX_NAMES];
  if (n < 1 || n > ML_MAX_NAMES) return 1;
  memcpy(f, a, sizeof(double) * (size_t) (n * n));
  /* row-major a is symmetric; LAPACK's column-major upper factor U of it is L^T row-major */
  LAPACKpotrf_("U", &nn, f, &nn, &info);
  if (info) return 1;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) l[i * n + j] = j <= i ? f[i * n + j] : 0.0;
  return 0;
}

/* Central-difference gradient of f at x. */
static void Gradient(int n, double (*f)(const double *, void *), void *ctx, double *x, double *g)
{
  for (int i = 0; i < n; i++) {
    double xi = x[i], h = 1e-6 * fmax(1.0, fabs(xi)), fp, fm;
    x[i] = xi + h, fp = f(x, ctx);
    x[i] = xi - h, fm = f(x, ctx);
    x[i] = xi;
    g[i] = (fp - fm) / (2 * h);
    if (!isfinite(g[i])) g[i] = 0.0;
  }
}

/* BFGS with an Armijo backtracking line search from x (in/out): at most 200 iterations,
 * stopping when the gradient's largest component is below 1e-8 or no step decreases f.
 * A non-finite f counts as +infinity (the step is shortened). */
void MLMinimise(int n, double (*f)(const double *, void *), void *ctx, double *x)
{
  double H[ML_MAX_NAMES * ML_MAX_NAMES], g[ML_MAX_NAMES], gn[ML_MAX_NAMES], d[ML_MAX_NAMES], xn[ML_MAX_NAMES];
  double s[ML_MAX_NAMES], yv[ML_MAX_NAMES], fx = f(x, ctx);
  if (n < 1 || n > ML_MAX_NAMES || !isfinite(fx)) return;
  for (int i = 0; i < n * n; i++) H[i] = i % (n + 1) ? 0.0 : 1.0;
  Gradient(n, f, ctx, x, g);
  for (int it = 0; it < 200; it++) {
    double gmax = 0, slope = 0, step = 1, fn = INFINITY, sy = 0;
    for (int i = 0; i < n; i++) gmax = fmax(gmax, fabs(g[i]));
    if (gmax < 1e-8) break;
    for (int i = 0; i < n; i++) {
      d[i] = 0;
      for (int j = 0; j < n; j++) d[i] -= H[i * n + j] * g[j];
      slope += d[i] * g[i];
    }
    if (!(slope < 0)) { /* not a descent direction: restart from steepest descent */
      for (int i = 0; i < n * n; i++) H[i] = i % (n + 1) ? 0.0 : 1.0;
      for (int i = 0; i < n; i++) d[i] = -g[i];
      slope = 0;
      for (int i = 0; i < n; i++) slope -= g[i] * g[i];
    }
    for (int ls = 0; ls < 60; ls++, step *= 0.5) {
      for (int i = 0; i < n; i++) xn[i] = x[i] + step * d[i];
      fn = f(xn, ctx);
      if (isfinite(fn) && fn <= fx + 1e-4 * step * slope) break;
    }
    if (!(isfinite(fn) && fn <= fx + 1e-4 * step * slope)) break;
    Gradient(n, f, ctx, xn, gn);
    for (int i = 0; i < n; i++) s[i] = xn[i] - x[i], yv[i] = gn[i] - g[i], sy += s[i] * yv[i];
    memcpy(x, xn, sizeof(double) * (size_t) n);
    memcpy(g, gn, sizeof(double) * (size_t) n);
    if (fx - fn <= 1e-15 * fmax(1.0, fabs(fx))) {
      fx = fn;
      break;
    }
    fx = fn;
    if (sy > 1e-12) { /* H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T */
      double rho = 1 / sy, Hy[ML_MAX_NAMES], yHy = 0;
      for (int i = 0; i < n; i++) {
        Hy[i] = 0;
        for (int j = 0; j < n; j++) Hy[i] += H[i * n + j] * yv[j];
        yHy += yv[i] * Hy[i];
      }
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
          H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
  }
}
