/* linreg.c — ordinary least squares (Householder QR) and the ANCOVA treatment test.
 *
 * Owns: tt_stats_ols, tt_stats_wls (the GLM's IRLS steps), tt_stats_ancova.
 * Invariants: x is column-major and never modified (QR works on a copy in work);
 * no pivoting, so coefficients keep the caller's column order; a column whose
 * norm after projecting out the preceding columns falls below RANK_TOL times
 * its original norm makes the design rank deficient (TT_STATS_ESINGULAR), the
 * same relative tolerance R's lm() (dqrdc2, tol = 1e-7) uses. Results are fully
 * written or, on error, left as documented in ancova_clear.
 */
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

static const double RANK_TOL = 1e-7;

/* Euclidean norm of v[0..m), scaled to avoid overflow and underflow. */
static double norm2(int m, const double v[])
{
  double scale = 0.0, ss = 0.0;
  for (int i = 0; i < m; i++) scale = fmax(scale, fabs(v[i]));
  if (scale == 0.0) return 0.0;
  for (int i = 0; i < m; i++) {
    double t = v[i] / scale;
    ss += t * t;
  }
  return scale * sqrt(ss);
}

/* Apply the reflector H = I - 2 v v' / (v'v), v = (v0, v[1..m)), to c[0..m).
 * With v0 = a_kk - alpha, v'v = -2 alpha v0, so H c = c + v (v'c) / (alpha v0). */
static void reflect(int m, double v0, const double v[], double alpha, double c[])
{
  double s = v0 * c[0];
  for (int i = 1; i < m; i++) s += v[i] * c[i];
  s /= alpha * v0;
  c[0] += s * v0;
  for (int i = 1; i < m; i++) c[i] += s * v[i];
}

/* Householder QR of a (n x p, column-major) in place, applied also to qy.
 * On return the strict upper triangle of a holds R, rdiag the diagonal of R. */
static int householder_qr(int n, int p, double a[], double qy[], double rdiag[], const double colnorm[], double tol)
{
  for (int k = 0; k < p; k++) {
    double *ak  = a + (size_t) k * n + k;
    int     m   = n - k;
    double  nrm = norm2(m, ak);
    if (!(nrm > tol * colnorm[k])) return TT_STATS_ESINGULAR;
    double alpha = ak[0] > 0.0 ? -nrm : nrm; /* sign opposite to a_kk: no cancellation in v0 */
    double v0    = ak[0] - alpha;
    for (int j = k + 1; j < p; j++) reflect(m, v0, ak, alpha, a + (size_t) j * n + k);
    reflect(m, v0, ak, alpha, qy + k);
    rdiag[k] = alpha;
  }
  return TT_STATS_OK;
}

/* Entry (i, j) of R for i <= j, from the factored a and rdiag. */
static double r_at(int n, const double a[], const double rdiag[], int i, int j)
{
  return i == j ? rdiag[i] : a[(size_t) j * n + i];
}

/* Solve R b = qy[0..p) by back substitution. */
static void back_solve(int n, int p, const double a[], const double rdiag[], const double qy[], double b[])
{
  for (int i = p - 1; i >= 0; i--) {
    double s = qy[i];
    for (int j = i + 1; j < p; j++) s -= r_at(n, a, rdiag, i, j) * b[j];
    b[i] = s / rdiag[i];
  }
}

/* [(R'R)^-1]_jj = || R^-T e_j ||^2, by forward substitution into z[0..p). */
static double inv_rtr_diag(int n, int p, const double a[], const double rdiag[], int j, double z[])
{
  double ss = 0.0;
  for (int k = j; k < p; k++) {
    double s = k == j ? 1.0 : 0.0;
    for (int i = j; i < k; i++) s -= r_at(n, a, rdiag, i, k) * z[i];
    z[k] = s / rdiag[k];
    ss += z[k] * z[k];
  }
  return ss;
}

static int all_finite(size_t m, const double v[])
{
  for (size_t i = 0; i < m; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

/* work layout: a[n*p] | qy[n] | z[n] (p <= n used) | rdiag[p] | colnorm[p]. */
static int ols_work(int n, int p, const double x[], const double y[], double beta[], double se[], double *sigma2,
                    double work[])
{
  double *a = work, *qy = a + (size_t) n * p, *z = qy + n, *rdiag = z + n, *colnorm = rdiag + p;
  for (size_t i = 0; i < (size_t) n * p; i++) a[i] = x[i];
  for (int i = 0; i < n; i++) qy[i] = y[i];
  for (int j = 0; j < p; j++) colnorm[j] = norm2(n, x + (size_t) j * n);
  int err = householder_qr(n, p, a, qy, rdiag, colnorm, RANK_TOL);
  if (err) return err;
  back_solve(n, p, a, rdiag, qy, beta);
  double rss = norm2(n - p, qy + p);
  double s2  = rss * rss / (n - p);
  for (int j = 0; j < p; j++) se[j] = sqrt(s2 * inv_rtr_diag(n, p, a, rdiag, j, z));
  *sigma2 = s2;
  return TT_STATS_OK;
}

int tt_stats_ols(int n, int p, const double x[], const double y[], double beta[], double se[], double *sigma2,
                 double work[])
{
  if (p < 1 || n < 0) return TT_STATS_EDOMAIN;
  if (n <= p) return TT_STATS_ETOOFEW; /* need n - p >= 1 residual df */
  if (!all_finite((size_t) n * p, x) || !all_finite((size_t) n, y)) return TT_STATS_EDOMAIN;
  double *own = NULL;
  if (!work) {
    own = malloc(((size_t) n * p + 2 * (size_t) n + 2 * (size_t) p) * sizeof(double));
    if (!own) return TT_STATS_EDOMAIN; /* no dedicated out-of-memory code in stats.h */
    work = own;
  }
  int err = ols_work(n, p, x, y, beta, se, sigma2, work);
  free(own);
  return err;
}

/* (R'R)^-1 = R^-1 R^-T into cov (p*p, p <= 64): row j of R^-1 is R^-T e_j (entries
 * j..p-1, by forward substitution into z), and cov[i][k] the product of rows i and k. */
static void inv_rtr(int n, int p, const double a[], const double rdiag[], double cov[], double z[])
{
  double rinv[64 * 64];
  for (int j = 0; j < p; j++) {
    inv_rtr_diag(n, p, a, rdiag, j, z);
    for (int k = 0; k < p; k++) rinv[j * p + k] = k < j ? 0.0 : z[k];
  }
  for (int i = 0; i < p; i++)
    for (int k = 0; k < p; k++) {
      double s = 0.0;
      for (int m = i > k ? i : k; m < p; m++) s += rinv[i * p + m] * rinv[k * p + m];
      cov[i * p + k] = s;
    }
}

int tt_stats_wls(int n, int p, const double x[], const double w[], const double z[], double tol, double beta[],
                 double cov[], double work[])
{
  if (p < 1 || p > 64 || n < p || !(tol > 0.0)) return TT_STATS_EDOMAIN;
  double *a = work, *qy = a + (size_t) n * p, *zz = qy + n, *rdiag = zz + n, *colnorm = rdiag + p;
  for (int i = 0; i < n; i++) {
    if (!(w[i] >= 0.0) || !isfinite(w[i])) return TT_STATS_EDOMAIN;
    double sw = sqrt(w[i]);
    qy[i]     = sw * z[i];
    for (int j = 0; j < p; j++) a[(size_t) j * n + i] = sw * x[(size_t) j * n + i];
  }
  if (!all_finite((size_t) n * p, a) || !all_finite((size_t) n, qy)) return TT_STATS_EDOMAIN;
  for (int j = 0; j < p; j++) colnorm[j] = norm2(n, a + (size_t) j * n);
  int err = householder_qr(n, p, a, qy, rdiag, colnorm, tol);
  if (err) return err;
  back_solve(n, p, a, rdiag, qy, beta);
  inv_rtr(n, p, a, rdiag, cov, zz);
  return TT_STATS_OK;
}

/* Result on error: NaN numbers, no rejection, n_analysed = 0. */
static void ancova_clear(tt_stats_result *res)
{
  res->estimate = res->std_error = res->ci_lower = res->ci_upper = NAN;
  res->statistic = res->df = res->p_value = NAN;
  res->reject                             = 0;
  res->n_analysed                         = 0;
}

/* Design [1, treat, cov...] column-major into x (n * (2 + ncov)). */
static int ancova_design(int n, const int treat[], int ncov, const double cov[], double x[])
{
  for (int i = 0; i < n; i++) {
    if (treat[i] != 0 && treat[i] != 1) return TT_STATS_EDOMAIN;
    x[i]     = 1.0;
    x[n + i] = treat[i];
  }
  for (size_t i = 0; i < (size_t) n * ncov; i++) x[2 * (size_t) n + i] = cov[i];
  return TT_STATS_OK;
}

int tt_stats_ancova(int n, const double y[], const int treat[], int ncov, const double cov[], tt_stats_test_spec spec,
                    tt_stats_result *res)
{
  ancova_clear(res);
  int p = 2 + ncov;
  if (ncov < 0 || (ncov > 0 && !cov) || n < 0) return TT_STATS_EDOMAIN;
  if (n <= p) return TT_STATS_ETOOFEW;
  double *buf = malloc(((size_t) n * p + (size_t) n * p + 2 * (size_t) n + 4 * (size_t) p) * sizeof(double));
  if (!buf) return TT_STATS_EDOMAIN;
  double *x = buf, *beta = x + (size_t) n * p, *se = beta + p, *work = se + p, s2;
  int     err = ancova_design(n, treat, ncov, cov, x);
  if (!err) err = tt_stats_ols(n, p, x, y, beta, se, &s2, work);
  if (!err) err = tt_stats_t_result(beta[1], se[1], n - p, spec, res);
  free(buf);
  if (err) {
    ancova_clear(res);
    return err;
  }
  res->n_analysed = n;
  return TT_STATS_OK;
}
