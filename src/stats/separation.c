/* separation.c — does a maximum-likelihood estimate exist? A linear-programming test.
 *
 * Owns: tt_stats_direction_lp (the LP), tt_stats_glm_separated (binomial, Poisson and
 * negative-binomial designs), tt_stats_reason (names of the TT_STATS_E* codes).
 * The MLE of a binomial GLM is infinite exactly when the data are (quasi-)completely
 * separated: some b != 0 has x_i'b >= 0 where y_i = 1, x_i'b <= 0 where y_i = 0
 * (Albert and Anderson 1984, Biometrika 71:1). Konis (2007, DPhil thesis, Oxford;
 * R packages safeBinaryRegression and detectseparation) decides this by the LP
 *   maximise sum_i a_i'b  subject to  a_i'b >= 0 (all i),  -1 <= b_j <= 1,
 * with a_i = x_i (y_i = 1) or -x_i (y_i = 0): the optimum is 0 without separation and
 * positive with it. For a log-linear count model (Poisson, negative binomial) the MLE
 * is infinite when some b has x_i'b <= 0 where y_i = 0, x_i'b = 0 where y_i > 0 and
 * x_i'b < 0 somewhere (Haberman 1974; Santos Silva and Tenreyro 2010, Econ Lett
 * 107:310): the same LP with equality rows. Cox's monotone likelihood (cox.c) is one
 * more instance. Small fitted probabilities alone never make a separation.
 * Method: the primal simplex on a dictionary (Chvatal 1983, Linear Programming, ch. 2)
 * with b = b+ - b-, started at b = 0 (feasible: every right-hand side is 0 or 1) and
 * Bland's rule against cycling on the degenerate rows. Columns are scaled to unit
 * maximum first (the answer does not depend on the scale of a covariate).
 * Invariants: plain C, no allocation beyond one block per call, inputs unmodified.
 */
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

static const double LP_EPS = 1e-11; /* pivot and reduced-cost tolerance on the scaled problem */
static const double LP_GAP = 1e-8;  /* an optimum above this (scaled units) is a separating direction */

typedef struct {
  int     m, nn;   /* rows (basic variables), nonbasic columns (2p) */
  double *d, *r;   /* d[m][nn] coefficients, r[m] values of the basic variables */
  double *c, z;    /* reduced costs, objective */
  int    *bl, *nl; /* labels of the basic and nonbasic variables (Bland's order) */
} lp_dict;

/* Entering column by Bland's rule: the smallest label with a positive reduced cost. */
static int lp_entering(const lp_dict *L)
{
  int best = -1;
  for (int j = 0; j < L->nn; j++)
    if (L->c[j] > LP_EPS && (best < 0 || L->nl[j] < L->nl[best])) best = j;
  return best;
}

/* Leaving row: minimum ratio, ties to the smallest label; -1 when unbounded. */
static int lp_leaving(const lp_dict *L, int j)
{
  int    best = -1;
  double br   = INFINITY;
  for (int k = 0; k < L->m; k++) {
    double a = L->d[(size_t) k * L->nn + j];
    if (!(a < -LP_EPS)) continue;
    double ratio = L->r[k] / -a;
    if (best < 0 || ratio < br - 1e-14 || (ratio <= br + 1e-14 && L->bl[k] < L->bl[best]))
      best = k, br = fmin(br, ratio);
  }
  return best;
}

/* Exchange basic row k and nonbasic column j. */
static void lp_pivot(lp_dict *L, int k, int j)
{
  int     nn = L->nn;
  double *dk = L->d + (size_t) k * nn, piv = dk[j];
  L->r[k] = -L->r[k] / piv;
  for (int l = 0; l < nn; l++) dk[l] = l == j ? 1.0 / piv : -dk[l] / piv;
  for (int i = 0; i < L->m; i++) {
    double *di = L->d + (size_t) i * nn, f = di[j];
    if (i == k || f == 0.0) continue;
    L->r[i] += f * L->r[k];
    if (L->r[i] < 0.0 && L->r[i] > -1e-12) L->r[i] = 0.0; /* rounding below a zero bound */
    for (int l = 0; l < nn; l++) di[l] = l == j ? f * dk[j] : di[l] + f * dk[l];
  }
  double f = L->c[j];
  L->z += f * L->r[k];
  for (int l = 0; l < nn; l++) L->c[l] = l == j ? f * dk[j] : L->c[l] + f * dk[l];
  int t    = L->bl[k];
  L->bl[k] = L->nl[j], L->nl[j] = t;
}

/* Dictionary of the scaled problem: rows a_i'b >= 0 (twice, +/-, for equality rows),
 * then b+_j <= 1 and b-_j <= 1. */
static void lp_build(lp_dict *L, int m, int p, const double a[], const int eq[], const double scale[])
{
  int nn = 2 * p, row = 0;
  for (int j = 0; j < nn; j++) L->c[j] = 0.0, L->nl[j] = j;
  for (int i = 0; i < m; i++)
    for (int sgn = 1; sgn >= (eq && eq[i] ? -1 : 1); sgn -= 2, row++) {
      double *d = L->d + (size_t) row * nn;
      for (int j = 0; j < p; j++) {
        double v = sgn * a[(size_t) i * p + j] / scale[j];
        d[j] = v, d[p + j] = -v;
        if (!(eq && eq[i])) L->c[j] += v, L->c[p + j] -= v;
      }
      L->r[row] = 0.0, L->bl[row] = nn + row;
    }
  for (int j = 0; j < nn; j++, row++) {
    double *d = L->d + (size_t) row * nn;
    for (int l = 0; l < nn; l++) d[l] = l == j ? -1.0 : 0.0;
    L->r[row] = 1.0, L->bl[row] = nn + row;
  }
  L->z = 0.0;
}

int tt_stats_direction_lp(int m, int p, const double a[], const int eq[], int *exists)
{
  *exists = 0;
  if (m < 0 || p < 1 || p > 64) return TT_STATS_EDOMAIN;
  double scale[64];
  for (int j = 0; j < p; j++) {
    scale[j] = 0.0;
    for (int i = 0; i < m; i++) scale[j] = fmax(scale[j], fabs(a[(size_t) i * p + j]));
    if (!isfinite(scale[j])) return TT_STATS_EDOMAIN;
    if (scale[j] == 0.0) scale[j] = 1.0;
  }
  int rows = 2 * p;
  for (int i = 0; i < m; i++) rows += eq && eq[i] ? 2 : 1;
  int     nn  = 2 * p;
  lp_dict L   = {rows, nn, NULL, NULL, NULL, 0.0, NULL, NULL};
  double *buf = malloc(((size_t) rows * nn + rows + nn) * sizeof(double) + ((size_t) rows + nn) * sizeof(int));
  if (!buf) return TT_STATS_EDOMAIN;
  L.d = buf, L.r = L.d + (size_t) rows * nn, L.c = L.r + rows;
  L.bl = (int *) (L.c + nn), L.nl = L.bl + rows;
  lp_build(&L, m, p, a, eq, scale);
  int  err = TT_STATS_ENOCONV;
  long cap = 50L * (rows + nn) + 1000;
  for (long it = 0; it < cap; it++) {
    int j = lp_entering(&L);
    if (j < 0) {
      err = TT_STATS_OK;
      break;
    }
    int k = lp_leaving(&L, j);
    if (k < 0) break; /* unbounded: impossible with the box, so a numerical failure */
    lp_pivot(&L, k, j);
  }
  if (!err) *exists = L.z > LP_GAP;
  free(buf);
  return err;
}

int tt_stats_glm_separated(int n, int p, const double x[], const double y[], int family, int *separated)
{
  *separated = 0;
  if (n < 0 || p < 1 || p > 64) return TT_STATS_EDOMAIN;
  double *a   = malloc(((size_t) n * p + 1) * sizeof(double));
  int    *eq  = malloc(((size_t) n + 1) * sizeof(int));
  int     err = a && eq ? TT_STATS_OK : TT_STATS_EDOMAIN;
  for (int i = 0; i < n && !err; i++) {
    /* binomial: the direction raises eta where y = 1 and lowers it where y = 0;
     * counts: lowers it where y = 0 and leaves it where y > 0 */
    double sgn = family == TT_STATS_BINOMIAL ? (y[i] > 0.5 ? 1.0 : -1.0) : (y[i] > 0.0 ? 1.0 : -1.0);
    eq[i]      = family != TT_STATS_BINOMIAL && y[i] > 0.0;
    for (int j = 0; j < p; j++) a[(size_t) i * p + j] = sgn * x[(size_t) j * n + i];
  }
  if (!err) err = tt_stats_direction_lp(n, p, a, eq, separated);
  free(a);
  free(eq);
  return err;
}

const char *tt_stats_reason(int code)
{
  switch (code) {
  case TT_STATS_OK:
    return "";
  case TT_STATS_ETOOFEW:
    return "too few observations";
  case TT_STATS_ESINGULAR:
    return "rank deficient";
  case TT_STATS_EDOMAIN:
    return "invalid data";
  case TT_STATS_ENOCONV:
    return "not converged";
  case TT_STATS_ESEPARATED:
    return "separation";
  case TT_STATS_ENOVAR:
    return "no variability";
  case TT_STATS_ENOEVENTS:
    return "too few events";
  case TT_STATS_EMONOTONE:
    return "monotone likelihood";
  default:
    return "failed";
  }
}
