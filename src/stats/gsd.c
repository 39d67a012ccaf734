/* gsd.c — group-sequential boundaries and crossing probabilities.
 *
 * Owns: tt_stats_spending, tt_stats_gsd_bounds, tt_stats_gsd_classical,
 * tt_stats_gsd_crossing, tt_stats_gsd_final_bound, tt_stats_gsd_futility.
 * Method: Armitage, McPherson and Rowe's recursion for the sub-density of Z_k on
 * the continuation region, integrated on Jennison and Turnbull's (2000, s. 19.2)
 * grid: 6r - 1 points centred at theta sqrt(t_k), spaced 3/(2r) within +-3 and
 * logarithmically in the tails out to +-(3 + 4 log r), cut at the boundaries
 * (which become nodes), with midpoints added for composite Simpson. GRID_R = 64,
 * so boundaries agree with the published 6- to 8-digit values.
 * Invariants: each look's exit probability is an O(m) integral against the
 * previous look's density, so boundary searches (bisection to BOUND_TOL) never
 * redo the O(m^2) propagation; a look with nothing to spend gets +infinity;
 * no function allocates (two stages, about 37 kB, live on the stack).
 */
#include <math.h>
#include <stddef.h>

#include "twintrial/stats.h"

enum { GRID_R = 64, GRID_MAX = 12 * GRID_R + 3, BISECT_MAXIT = 200 };
static const double BOUND_TOL = 1e-12;
static const double Z_MAX     = 40.0; /* search range of boundaries: |z| <= Z_MAX */

/* Simpson nodes z[m], weights w[m] and the sub-density g[m] of Z at one look. */
typedef struct {
  int    m;
  double t, mu; /* information fraction, drift mean theta sqrt(t) */
  double z[GRID_MAX], w[GRID_MAX], g[GRID_MAX];
} gsd_stage;

static double dnorm(double x)
{
  return 0.3989422804014327 * exp(-0.5 * x * x);
}

/* ------------------------------------------------------------ spending */

double tt_stats_spending(int family, double alpha, double gamma, double t)
{
  if (!(alpha > 0.0 && alpha < 1.0) || isnan(t)) return NAN;
  if (t <= 0.0) return 0.0;
  if (t >= 1.0) return alpha; /* exactly: everything is spent at full information */
  switch (family) {
  case TT_STATS_SPEND_OBF:
    return 2.0 * tt_stats_pnorm(tt_stats_qnorm(0.5 * alpha) / sqrt(t));
  case TT_STATS_SPEND_POCOCK:
    return alpha * log1p((exp(1.0) - 1.0) * t);
  case TT_STATS_SPEND_HSD:
    return gamma == 0.0 ? alpha * t : alpha * expm1(-gamma * t) / expm1(-gamma);
  default:
    return NAN;
  }
}

/* ---------------------------------------------------------------- grid */

/* J&T's 6r - 1 points about mu, kept inside (a, b), with a and b added when finite. */
static int base_points(double mu, double a, double b, double x[])
{
  int n = 0;
  if (isfinite(a)) x[n++] = a;
  for (int i = 1; i < 6 * GRID_R; i++) {
    double xi = i < GRID_R        ? -3.0 - 4.0 * log((double) GRID_R / i)
                : i <= 5 * GRID_R ? -3.0 + 3.0 * (i - GRID_R) / (2.0 * GRID_R)
                                  : 3.0 + 4.0 * log((double) GRID_R / (6 * GRID_R - i));
    xi += mu;
    if (xi > a && xi < b) x[n++] = xi;
  }
  if (isfinite(b)) x[n++] = b;
  return n;
}

/* Simpson nodes and weights over the continuation region (a, b) of stage s. */
static void make_grid(gsd_stage *s, double a, double b)
{
  double x[6 * GRID_R + 2];
  s->m = 0;
  if (!(a < b)) return;
  int n = base_points(s->mu, a, b, x);
  if (n < 2) return;
  for (int i = 0; i < 2 * n - 1; i++) s->w[i] = 0.0;
  for (int i = 0; i + 1 < n; i++) {
    double h        = x[i + 1] - x[i];
    s->z[2 * i]     = x[i];
    s->z[2 * i + 1] = 0.5 * (x[i] + x[i + 1]);
    s->z[2 * i + 2] = x[i + 1];
    s->w[2 * i] += h / 6.0;
    s->w[2 * i + 1] += 4.0 * h / 6.0;
    s->w[2 * i + 2] += h / 6.0;
  }
  s->m = 2 * n - 1;
}

/* Stage for look at fraction t with region (a, b), from prev (NULL at the first look). */
static void stage_next(const gsd_stage *prev, double t, double theta, double a, double b, gsd_stage *s)
{
  s->t  = t;
  s->mu = theta * sqrt(t);
  make_grid(s, a, b);
  if (!prev) {
    for (int i = 0; i < s->m; i++) s->g[i] = dnorm(s->z[i] - s->mu);
    return;
  }
  double dt = t - prev->t, sd = sqrt(dt), st = sqrt(t), sp = sqrt(prev->t);
  for (int i = 0; i < s->m; i++) {
    double acc = 0.0;
    for (int j = 0; j < prev->m; j++)
      acc += prev->w[j] * prev->g[j] * dnorm((s->z[i] * st - prev->z[j] * sp - theta * dt) / sd);
    s->g[i] = acc * st / sd;
  }
}

/* P(continue to this look and Z > b) (upper != 0) or Z < b (upper == 0). */
static double exit_prob(const gsd_stage *prev, double t, double theta, double b, int upper)
{
  if (!prev) return upper ? tt_stats_pnorm(theta * sqrt(t) - b) : tt_stats_pnorm(b - theta * sqrt(t));
  double dt = t - prev->t, sd = sqrt(dt), st = sqrt(t), sp = sqrt(prev->t), p = 0.0;
  for (int j = 0; j < prev->m; j++) {
    double x = (prev->z[j] * sp + theta * dt - b * st) / sd; /* standardized margin above b */
    p += prev->w[j] * prev->g[j] * tt_stats_pnorm(upper ? x : -x);
  }
  return p;
}

/* b with exit_prob(b) = target, by bisection in [-Z_MAX, Z_MAX]: +-INFINITY when
 * the target is not positive (upper: never cross; lower: never stop). */
static double solve_bound(const gsd_stage *prev, double t, double theta, double target, int upper)
{
  if (!(target > 0.0)) return upper ? INFINITY : -INFINITY;
  double lo = -Z_MAX, hi = Z_MAX;
  for (int it = 0; it < BISECT_MAXIT && hi - lo > BOUND_TOL; it++) {
    double mid = 0.5 * (lo + hi), p = exit_prob(prev, t, theta, mid, upper);
    if ((p > target) == (upper != 0))
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

static int fractions_valid(int k, const double t[])
{
  if (k < 1) return 0;
  for (int j = 0; j < k; j++)
    if (!(t[j] > (j ? t[j - 1] : 0.0)) || !isfinite(t[j])) return 0;
  return 1;
}

/* ---------------------------------------------------------- boundaries */

int tt_stats_gsd_bounds(int k, const double t[], int family, double alpha, double gamma, double upper[],
                        double cum_alpha[])
{
  if (!fractions_valid(k, t) || isnan(tt_stats_spending(family, alpha, gamma, 0.5))) return TT_STATS_EDOMAIN;
  gsd_stage st[2];
  double    spent = 0.0;
  for (int j = 0; j < k; j++) {
    const gsd_stage *prev = j ? &st[(j - 1) & 1] : NULL;
    double           f    = tt_stats_spending(family, alpha, gamma, t[j]);
    upper[j]              = solve_bound(prev, t[j], 0.0, f - spent, 1);
    if (cum_alpha) cum_alpha[j] = f;
    spent = f;
    if (j + 1 < k) stage_next(prev, t[j], 0.0, -INFINITY, upper[j], &st[j & 1]);
  }
  return TT_STATS_OK;
}

int tt_stats_gsd_crossing(int k, const double t[], const double upper[], const double lower[], double theta,
                          double p_upper[], double p_lower[])
{
  if (!fractions_valid(k, t) || !isfinite(theta)) return TT_STATS_EDOMAIN;
  gsd_stage st[2];
  for (int j = 0; j < k; j++) {
    const gsd_stage *prev = j ? &st[(j - 1) & 1] : NULL;
    double           a    = lower ? lower[j] : -INFINITY;
    if (isnan(upper[j]) || isnan(a)) return TT_STATS_EDOMAIN;
    if (j && prev->m == 0) { /* nothing continues */
      p_upper[j] = 0.0;
      if (p_lower) p_lower[j] = 0.0;
      st[j & 1].m = 0, st[j & 1].t = t[j];
      continue;
    }
    p_upper[j] = isinf(upper[j]) ? 0.0 : exit_prob(prev, t[j], theta, upper[j], 1);
    if (p_lower) p_lower[j] = isinf(a) ? 0.0 : exit_prob(prev, t[j], theta, fmin(a, upper[j]), 0);
    if (j + 1 < k) stage_next(prev, t[j], theta, a, upper[j], &st[j & 1]);
  }
  return TT_STATS_OK;
}

/* Total P_0(crossing) of the boundaries c w_j. */
static double classical_alpha(int k, const double t[], int shape, double c, double b[])
{
  double p[64], total = 0.0;
  for (int j = 0; j < k; j++) b[j] = shape == TT_STATS_GSD_OBF ? c / sqrt(t[j]) : c;
  tt_stats_gsd_crossing(k, t, b, NULL, 0.0, p, NULL);
  for (int j = 0; j < k; j++) total += p[j];
  return total;
}

int tt_stats_gsd_classical(int k, const double t[], int shape, double alpha, double upper[], double *c)
{
  if (!fractions_valid(k, t) || k > 64 || !(alpha > 0.0 && alpha < 0.5)) return TT_STATS_EDOMAIN;
  if (shape != TT_STATS_GSD_OBF && shape != TT_STATS_GSD_POCOCK) return TT_STATS_EDOMAIN;
  double lo = 0.0, hi = Z_MAX;
  while (hi - lo > BOUND_TOL * hi) {
    double mid = 0.5 * (lo + hi);
    if (classical_alpha(k, t, shape, mid, upper) > alpha)
      lo = mid;
    else
      hi = mid;
  }
  classical_alpha(k, t, shape, 0.5 * (lo + hi), upper);
  if (c) *c = 0.5 * (lo + hi);
  return TT_STATS_OK;
}

int tt_stats_gsd_final_bound(int m, const double t[], const double upper[], double alpha, double *c)
{
  gsd_stage st[2];
  double    spent = 0.0;
  if (m < 0 || !(alpha > 0.0 && alpha < 1.0) || (m > 0 && (!fractions_valid(m, t) || !(t[m - 1] < 1.0))))
    return TT_STATS_EDOMAIN;
  for (int j = 0; j < m; j++) {
    const gsd_stage *prev = j ? &st[(j - 1) & 1] : NULL;
    if (isnan(upper[j])) return TT_STATS_EDOMAIN;
    if (prev && prev->m == 0) return TT_STATS_EDOMAIN; /* nothing continues: no final look */
    spent += isinf(upper[j]) ? 0.0 : exit_prob(prev, t[j], 0.0, upper[j], 1);
    stage_next(prev, t[j], 0.0, -INFINITY, upper[j], &st[j & 1]);
  }
  *c = solve_bound(m ? &st[(m - 1) & 1] : NULL, 1.0, 0.0, alpha - spent, 1);
  return TT_STATS_OK;
}

/* ------------------------------------------------------------ futility */

/* For drift theta: lower bounds spending beta by looks 1..k-1, and the beta still
 * unspent at the last look, P_theta(reach look k, Z_k < upper[k-1]) minus its share. */
static double futility_excess(int k, const double t[], const double upper[], int family, double beta, double gamma,
                              double theta, double lower[])
{
  gsd_stage st[2];
  double    spent = 0.0;
  for (int j = 0; j < k; j++) {
    const gsd_stage *prev = j ? &st[(j - 1) & 1] : NULL;
    double           g    = tt_stats_spending(family, beta, gamma, t[j]);
    if (j == k - 1) {
      lower[j] = upper[j];
      double p = (prev && prev->m == 0) ? 0.0 : exit_prob(prev, t[j], theta, upper[j], 0);
      return p - (g - spent);
    }
    if (prev && prev->m == 0)
      lower[j] = upper[j];
    else
      lower[j] = fmin(solve_bound(prev, t[j], theta, g - spent, 0), upper[j]);
    spent = g;
    stage_next(prev, t[j], theta, lower[j], upper[j], &st[j & 1]);
  }
  return 0.0;
}

int tt_stats_gsd_futility(int k, const double t[], const double upper[], int family, double beta, double gamma,
                          double lower[], double *theta)
{
  if (!fractions_valid(k, t) || isnan(tt_stats_spending(family, beta, gamma, 0.5))) return TT_STATS_EDOMAIN;
  for (int j = 0; j < k; j++)
    if (isnan(upper[j])) return TT_STATS_EDOMAIN;
  double lo = 0.0, hi = 2.0 * Z_MAX; /* the excess falls as theta grows */
  if (futility_excess(k, t, upper, family, beta, gamma, lo, lower) < 0.0) return TT_STATS_EDOMAIN;
  for (int it = 0; it < BISECT_MAXIT && hi - lo > BOUND_TOL; it++) {
    double mid = 0.5 * (lo + hi);
    if (futility_excess(k, t, upper, family, beta, gamma, mid, lower) > 0.0)
      lo = mid;
    else
      hi = mid;
  }
  *theta = 0.5 * (lo + hi);
  futility_excess(k, t, upper, family, beta, gamma, *theta, lower);
  return TT_STATS_OK;
}
