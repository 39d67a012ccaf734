/* probit.c — the power curve of the sample-size search: P(reject | n) = Phi(a + b sqrt(n)),
 * the form of the power of a z test whose standard error falls as 1/sqrt(n), fitted by
 * maximum likelihood to the rejections counted at each simulated size (binomial
 * likelihood, Fisher scoring / IRLS as R's glm(cbind(k, r - k) ~ sqrt(n),
 * family = binomial(link = "probit"))).
 * Plain arithmetic on the caller's arrays; deterministic (fixed iteration order).
 */
#include <math.h>
#include "designimpl.h"

static double Dnorm(double x)
{
  return exp(-0.5 * x * x) / sqrt(2.0 * PETSC_PI);
}

/* Weighted least squares of z on (1, x) with weights w: ab and the inverse of X'WX. */
static int WLS(int m, const double x[], const double z[], const double w[], double ab[2], double cov[3])
{
  double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, det;
  for (int i = 0; i < m; i++) {
    s0 += w[i], s1 += w[i] * x[i], s2 += w[i] * x[i] * x[i];
    t0 += w[i] * z[i], t1 += w[i] * x[i] * z[i];
  }
  det = s0 * s2 - s1 * s1;
  if (!(det > 1e-12 * s0 * s2)) return 1;
  ab[0]  = (s2 * t0 - s1 * t1) / det;
  ab[1]  = (s0 * t1 - s1 * t0) / det;
  cov[0] = s2 / det, cov[1] = -s1 / det, cov[2] = s0 / det;
  return 0;
}

int TTProbitFit(int m, const double n[], const double k[], const double r[], double ab[2], double cov[3])
{
  double x[64], z[64], w[64], prev[2];
  long   nk = 0, nr = 0;

  if (m < 2 || m > 64) return 1;
  for (int i = 0; i < m; i++) {
    double p = (k[i] + 0.5) / (r[i] + 1.0); /* empirical probits to start */
    x[i]     = sqrt(n[i]);
    z[i]     = tt_stats_qnorm(p);
    w[i]     = r[i];
    nk += (long) k[i], nr += (long) r[i];
  }
  if (nk == 0 || nk == nr || WLS(m, x, z, w, ab, cov)) return 1;
  for (int it = 0; it < 100; it++) {
    prev[0] = ab[0], prev[1] = ab[1];
    for (int i = 0; i < m; i++) {
      double eta = PetscMax(-30.0, PetscMin(30.0, ab[0] + ab[1] * x[i]));
      double P = tt_stats_pnorm(eta), Q = tt_stats_pnorm(-eta), d = Dnorm(eta);
      w[i] = r[i] * d * d / (P * Q);
      z[i] = eta + (k[i] / r[i] - P) / d;
    }
    if (WLS(m, x, z, w, ab, cov)) return 1;
    if (fabs(ab[0] - prev[0]) + fabs(ab[1] - prev[1]) < 1e-12 * (1.0 + fabs(ab[0]) + fabs(ab[1]))) return 0;
  }
  return 0; /* Fisher scoring converges in a few steps; the last iterate is kept otherwise */
}
