/* mmrm_cov.c — the covariance structures of the MMRM over T visits.
 *
 * Each structure has q parameters in two parametrisations of the same length:
 * theta, unconstrained, which the optimiser moves (log standard deviations, Fisher-z
 * correlations, a log-Cholesky factor for unstructured), and phi, natural, in which
 * Kenward-Roger's second-derivative term is taken (Sigma's entries for unstructured,
 * Toeplitz and compound symmetry, linear in them; variances and correlations for AR(1)
 * and the heterogeneous structures). Toeplitz correlations come from partial
 * autocorrelations tanh(theta) by Durbin-Levinson, so every theta gives a positive
 * definite Sigma (as an AR(T-1) process, nlme's corARMA); compound symmetry's rho =
 * tanh(theta) is positive definite only above -1/(T-1), which the fit checks. Sigma is
 * row major T x T. Derivatives of unstructured's Sigma in theta are analytic; the
 * others are finite differences of these maps (fourth order for first derivatives,
 * accurate to ~1e-11 relative at the steps used).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmrmimpl.h"

static const char *const Names[TT_MMRM_NCOV] = {
    "unstructured",      "toeplitz",          "toeplitz_heterogeneous",         "ar1",
    "ar1_heterogeneous", "compound_symmetry", "compound_symmetry_heterogeneous"};

const char *tt_mmrm_cov_name(tt_mmrm_cov cov)
{
  return cov >= 0 && cov < TT_MMRM_NCOV ? Names[cov] : "?";
}

int tt_mmrm_cov_from_name(const char *name)
{
  for (int c = 0; c < TT_MMRM_NCOV; c++)
    if (!strcmp(name, Names[c])) return c;
  return -1;
}

int tt_mmrm_cov_nparam(tt_mmrm_cov cov, int T)
{
  switch (cov) {
  case TT_MMRM_UNSTRUCTURED:
    return T * (T + 1) / 2;
  case TT_MMRM_TOEPLITZ:
    return T;
  case TT_MMRM_TOEPLITZ_HETEROGENEOUS:
    return 2 * T - 1;
  case TT_MMRM_AR1_HETEROGENEOUS:
  case TT_MMRM_COMPOUND_SYMMETRY_HETEROGENEOUS:
    return T + 1;
  default:
    return 2;
  }
}

int tt_mmrm_cov_linear(tt_mmrm_cov cov)
{
  return cov == TT_MMRM_UNSTRUCTURED || cov == TT_MMRM_TOEPLITZ || cov == TT_MMRM_COMPOUND_SYMMETRY;
}

/* Autocorrelations rho[0..T-1] (rho[0] = 1) from partial autocorrelations pacf[T-1]. */
static void DurbinLevinson(int T, const double pacf[], double rho[])
{
  double a[TT_MMRM_MAX_VISITS],
      b[TT_MMRM_MAX_VISITS]; /* AR coefficients of order k-1 and k (T <= TT_MMRM_MAX_VISITS) */
  rho[0] = 1;
  for (int k = 1; k < T; k++) {
    double num = 0, den = 1, pk = pacf[k - 1];
    for (int j = 1; j < k; j++) num += a[j] * rho[k - j], den -= a[j] * rho[j];
    rho[k] = num + pk * den;
    for (int j = 1; j < k; j++) b[j] = a[j] - pk * a[k - j];
    b[k] = pk;
    for (int j = 1; j <= k; j++) a[j] = b[j];
  }
}

void tt_mmrm_theta_to_phi(tt_mmrm_cov cov, int T, const double th[], double phi[])
{
  double rho[TT_MMRM_MAX_VISITS];
  switch (cov) {
  case TT_MMRM_UNSTRUCTURED: { /* L: diag exp(th[0..T-1]), strict lower row-wise after; phi = entries of LL' */
    double L[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
    int    k = T;
    memset(L, 0, sizeof(double) * (size_t) (T * T));
    for (int i = 0; i < T; i++) L[i * T + i] = exp(th[i]);
    for (int i = 1; i < T; i++)
      for (int j = 0; j < i; j++) L[i * T + j] = th[k++];
    k = T;
    for (int i = 0; i < T; i++) {
      double s = 0;
      for (int l = 0; l <= i; l++) s += L[i * T + l] * L[i * T + l];
      phi[i] = s;
    }
    for (int i = 1; i < T; i++)
      for (int j = 0; j < i; j++) {
        double s = 0;
        for (int l = 0; l <= j; l++) s += L[i * T + l] * L[j * T + l];
        phi[k++] = s;
      }
    return;
  }
  case TT_MMRM_TOEPLITZ: {
    double pacf[TT_MMRM_MAX_VISITS] = {0};
    for (int k = 0; k < T - 1; k++) pacf[k] = tanh(th[1 + k]);
    DurbinLevinson(T, pacf, rho);
    phi[0] = exp(2 * th[0]);
    for (int k = 1; k < T; k++) phi[k] = phi[0] * rho[k];
    return;
  }
  case TT_MMRM_TOEPLITZ_HETEROGENEOUS: {
    double pacf[TT_MMRM_MAX_VISITS] = {0};
    for (int k = 0; k < T - 1; k++) pacf[k] = tanh(th[T + k]);
    DurbinLevinson(T, pacf, rho);
    for (int t = 0; t < T; t++) phi[t] = exp(2 * th[t]);
    for (int k = 1; k < T; k++) phi[T + k - 1] = rho[k];
    return;
  }
  case TT_MMRM_AR1:
  case TT_MMRM_COMPOUND_SYMMETRY:
    phi[0] = exp(2 * th[0]);
    phi[1] = cov == TT_MMRM_AR1 ? tanh(th[1]) : phi[0] * tanh(th[1]);
    return;
  default: /* heterogeneous AR(1), compound symmetry */
    for (int t = 0; t < T; t++) phi[t] = exp(2 * th[t]);
    phi[T] = tanh(th[T]);
  }
}

void tt_mmrm_phi_to_sigma(tt_mmrm_cov cov, int T, const double phi[], double S[])
{
  for (int i = 0; i < T; i++)
    for (int j = 0; j <= i; j++) {
      int    d = i - j;
      double v;
      switch (cov) {
      case TT_MMRM_UNSTRUCTURED:
        v = d == 0 ? phi[i] : phi[T + i * (i - 1) / 2 + j];
        break;
      case TT_MMRM_TOEPLITZ:
        v = phi[d];
        break;
      case TT_MMRM_TOEPLITZ_HETEROGENEOUS:
        v = d == 0 ? phi[i] : sqrt(phi[i] * phi[j]) * phi[T + d - 1];
        break;
      case TT_MMRM_AR1:
        v = phi[0] * pow(phi[1], d);
        break;
      case TT_MMRM_COMPOUND_SYMMETRY:
        v = d == 0 ? phi[0] : phi[1];
        break;
      case TT_MMRM_AR1_HETEROGENEOUS:
        v = sqrt(phi[i] * phi[j]) * pow(phi[T], d);
        break;
      default:
        v = d == 0 ? phi[i] : sqrt(phi[i] * phi[j]) * phi[T];
      }
      S[i * T + j] = S[j * T + i] = v;
    }
}

void tt_mmrm_theta_to_sigma(tt_mmrm_cov cov, int T, const double theta[], double S[])
{
  double phi[TT_MMRM_MAXQ];
  tt_mmrm_theta_to_phi(cov, T, theta, phi);
  tt_mmrm_phi_to_sigma(cov, T, phi, S);
}

void tt_mmrm_theta_start(tt_mmrm_cov cov, int T, const double var[], double th[])
{
  int    q    = tt_mmrm_cov_nparam(cov, T);
  double mean = 0;
  for (int t = 0; t < T; t++) mean += var[t] / T;
  for (int k = 0; k < q; k++) th[k] = 0;
  switch (cov) {
  case TT_MMRM_UNSTRUCTURED:
  case TT_MMRM_TOEPLITZ_HETEROGENEOUS:
  case TT_MMRM_AR1_HETEROGENEOUS:
  case TT_MMRM_COMPOUND_SYMMETRY_HETEROGENEOUS:
    for (int t = 0; t < T; t++) th[t] = 0.5 * log(var[t]);
    break;
  default:
    th[0] = 0.5 * log(mean);
  }
}

void tt_mmrm_theta_start_unstructured(int T, const double S[], double th[])
{
  double L[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  int    info, k = T;
  memcpy(L, S, sizeof(double) * (size_t) (T * T));
  dpotrf_("U", &T, L, &T, &info); /* column-major upper = row-major lower */
  if (info) return;
  for (int i = 0; i < T; i++)
    if (!(L[i * T + i] * L[i * T + i] >= 1e-6 * S[i * T + i])) return;
  for (int i = 0; i < T; i++) th[i] = log(L[i * T + i]);
  for (int i = 1; i < T; i++)
    for (int j = 0; j < i; j++) th[k++] = L[i * T + j];
}

/* Fourth-order central differences of a map R^q -> R^m at x, column k of out (m per k). */
static void Diff4(tt_mmrm_cov cov, int T, int to_phi, const double x[], double out[])
{
  int    q = tt_mmrm_cov_nparam(cov, T), m = to_phi ? q : T * T;
  double xx[TT_MMRM_MAXQ], f[4][TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  for (int k = 0; k < q; k++) {
    double h = 1e-3 * fmax(1.0, fabs(x[k])), off[4] = {-2 * h, -h, h, 2 * h};
    for (int s = 0; s < 4; s++) {
      memcpy(xx, x, sizeof(double) * (size_t) q);
      xx[k] += off[s];
      if (to_phi)
        tt_mmrm_theta_to_phi(cov, T, xx, f[s]);
      else
        tt_mmrm_theta_to_sigma(cov, T, xx, f[s]);
    }
    for (int i = 0; i < m; i++) out[k * m + i] = (f[0][i] - 8 * f[1][i] + 8 * f[2][i] - f[3][i]) / (12 * h);
  }
}

/* Unstructured: Sigma = L L', L lower with diagonal exp(theta[0..T-1]) and the strict
 * lower triangle theta[T..] row-wise; dL/d theta_k = c_k E_(i_k j_k). */
static void CholeskyIndex(int T, int k, int *i, int *j)
{
  if (k < T) {
    *i = *j = k;
    return;
  }
  k -= T;
  for (*i = 1; k >= *i; k -= *i, ++*i) continue;
  *j = k;
}

static void CholeskyFactor(int T, const double th[], double L[])
{
  memset(L, 0, sizeof(double) * (size_t) (T * T));
  for (int k = 0; k < tt_mmrm_cov_nparam(TT_MMRM_UNSTRUCTURED, T); k++) {
    int i, j;
    CholeskyIndex(T, k, &i, &j);
    L[i * T + j] = k < T ? exp(th[k]) : th[k];
  }
}

/* d Sigma / d theta_k = c (E_ij L' + L E_ji), c = L_ii (diagonal) or 1. */
static void UnstructuredFirst(int T, const double th[], double ds[])
{
  double L[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  int    q = tt_mmrm_cov_nparam(TT_MMRM_UNSTRUCTURED, T);
  CholeskyFactor(T, th, L);
  memset(ds, 0, sizeof(double) * (size_t) (q * T * T));
  for (int k = 0; k < q; k++) {
    int     i, j;
    double *D = ds + k * T * T, c;
    CholeskyIndex(T, k, &i, &j);
    c = k < T ? L[i * T + i] : 1;
    for (int b = 0; b < T; b++) D[i * T + b] += c * L[b * T + j], D[b * T + i] += c * L[b * T + j];
  }
}

/* d2 Sigma / d theta_k d theta_l = c_k c_l [j_k = j_l] (E_(i_k i_l) + E_(i_l i_k)),
 * plus d Sigma / d theta_k when k = l is a diagonal parameter. */
static void UnstructuredSecond(int T, const double th[], double d2[])
{
  double L[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS], *ds;
  int    q = tt_mmrm_cov_nparam(TT_MMRM_UNSTRUCTURED, T), TT = T * T;
  CholeskyFactor(T, th, L);
  memset(d2, 0, sizeof(double) * (size_t) (q * (q + 1) / 2 * TT));
  for (int k = 0; k < q; k++)
    for (int l = 0; l <= k; l++) {
      int     ik, jk, il, jl;
      double *D = d2 + (k * (k + 1) / 2 + l) * TT, c;
      CholeskyIndex(T, k, &ik, &jk);
      CholeskyIndex(T, l, &il, &jl);
      if (jk != jl) continue;
      c = (k < T ? L[ik * T + ik] : 1) * (l < T ? L[il * T + il] : 1);
      D[ik * T + il] += c, D[il * T + ik] += c;
    }
  ds = malloc(sizeof(double) * (size_t) (q * TT));
  if (!ds) return;
  UnstructuredFirst(T, th, ds);
  for (int k = 0; k < T; k++)
    for (int i = 0; i < TT; i++) d2[(k * (k + 1) / 2 + k) * TT + i] += ds[k * TT + i];
  free(ds);
}

void tt_mmrm_dsigma_theta(tt_mmrm_cov cov, int T, const double theta[], double ds[])
{
  if (cov == TT_MMRM_UNSTRUCTURED)
    UnstructuredFirst(T, theta, ds);
  else
    Diff4(cov, T, 0, theta, ds);
}

void tt_mmrm_d2sigma_theta(tt_mmrm_cov cov, int T, const double theta[], double d2[])
{
  int    q = tt_mmrm_cov_nparam(cov, T), m = T * T, kl0;
  double th[TT_MMRM_MAXQ], *f;
  if (cov == TT_MMRM_UNSTRUCTURED) {
    UnstructuredSecond(T, theta, d2);
    return;
  }
  f = malloc(sizeof(double) * (size_t) (4 * q * m));
  if (!f) return;
  for (int l = 0; l < q; l++) {
    double h = 1e-3 * fmax(1.0, fabs(theta[l])), off[4] = {-2 * h, -h, h, 2 * h};
    for (int s = 0; s < 4; s++) {
      memcpy(th, theta, sizeof(double) * (size_t) q);
      th[l] += off[s];
      Diff4(cov, T, 0, th, f + s * q * m);
    }
    for (int k = l; k < q; k++) {
      kl0 = k * (k + 1) / 2 + l;
      for (int i = 0; i < m; i++)
        d2[kl0 * m + i] =
            (f[k * m + i] - 8 * f[q * m + k * m + i] + 8 * f[2 * q * m + k * m + i] - f[3 * q * m + k * m + i]) /
            (12 * h);
    }
  }
  free(f);
}

void tt_mmrm_jacobian(tt_mmrm_cov cov, int T, const double theta[], double jac[])
{
  int q = tt_mmrm_cov_nparam(cov, T);
  Diff4(cov, T, 1, theta, jac); /* jac[l*q + k] = d phi_k / d theta_l: transpose */
  for (int k = 0; k < q; k++)
    for (int l = 0; l < k; l++) {
      double a       = jac[k * q + l];
      jac[k * q + l] = jac[l * q + k];
      jac[l * q + k] = a;
    }
}

void tt_mmrm_d2sigma_phi(tt_mmrm_cov cov, int T, const double phi[], double d2[])
{
  int    q = tt_mmrm_cov_nparam(cov, T), m = T * T;
  double x[TT_MMRM_MAXQ], f[4][TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  memset(d2, 0, sizeof(double) * (size_t) (q * q * m));
  if (tt_mmrm_cov_linear(cov)) return;
  for (int k = 0; k < q; k++)
    for (int l = 0; l <= k; l++) {
      double hk = 1e-4 * fmax(1e-2, fabs(phi[k])), hl = 1e-4 * fmax(1e-2, fabs(phi[l]));
      double sk[4] = {1, 1, -1, -1}, sl[4] = {1, -1, 1, -1};
      for (int s = 0; s < 4; s++) {
        memcpy(x, phi, sizeof(double) * (size_t) q);
        x[k] += sk[s] * hk;
        x[l] += sl[s] * hl;
        tt_mmrm_phi_to_sigma(cov, T, x, f[s]);
      }
      for (int i = 0; i < m; i++) {
        double v                = (f[0][i] - f[1][i] - f[2][i] + f[3][i]) / (4 * hk * hl);
        d2[(k * q + l) * m + i] = d2[(l * q + k) * m + i] = v;
      }
    }
}
