/* mmrm_fit.c — REML fit of the MMRM and its design matrix.
 *
 * Start: OLS residual variance of each visit, correlations 0; for unstructured the
 * OLS residuals' moments over pairs of visits when they are well conditioned (no start
 * when X is rank deficient: TT_STATS_ESINGULAR). Iterations: Fisher
 * scoring (expected information) while the Newton decrement g' F^-1 g exceeds 1e-2, then
 * Newton steps on the observed Hessian (analytic, mmrm_reml.c)
 * when it is positive definite. Steps are backtracked (Armijo) on -2 l_R, except Newton
 * steps moving no parameter by more than 1e-6, taken in full (quadratic convergence).
 * Converged after a Newton step of at most 1e-8 (the last iterate is then ~1e-16 from
 * the optimum). Otherwise (iteration limit, a step that cannot decrease the objective,
 * a Hessian that is not positive definite: a boundary or a saddle) the fit is reported
 * as not converged, never silently used.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmrmimpl.h"

int tt_mmrm_fit_alloc(tt_mmrm_fit *f, int p, tt_mmrm_cov cov, int T)
{
  int q = tt_mmrm_cov_nparam(cov, T);
  memset(f, 0, sizeof(*f));
  f->p = p, f->q = q, f->nvisit = T, f->cov = cov;
  f->beta = malloc(sizeof(double) * (size_t) (p + p * p + q + T * T));
  if (!f->beta) return TT_STATS_EDOMAIN;
  f->vcov  = f->beta + p;
  f->theta = f->vcov + p * p;
  f->sigma = f->theta + q;
  return TT_STATS_OK;
}

static void DropWork(tt_mmrm_fit *f)
{
  if (f->work) tt_mmrm_ws_destroy(f->work);
  free(f->work);
  f->work = NULL;
}

void tt_mmrm_fit_free(tt_mmrm_fit *f)
{
  DropWork(f);
  free(f->beta);
  f->beta = f->vcov = f->theta = f->sigma = NULL;
}

int tt_mmrm_design_columns(int T, int has_baseline, int ncov)
{
  return (2 + (has_baseline != 0)) * T + ncov;
}

void tt_mmrm_design(int n, int T, const int visit[], const int treat[], const double baseline[], int ncov,
                    const double cov[], double x[])
{
  int p = tt_mmrm_design_columns(T, baseline != NULL, ncov);
  memset(x, 0, sizeof(double) * (size_t) (n * p));
  for (int i = 0; i < n; i++) {
    x[visit[i] * n + i]       = 1;
    x[(T + visit[i]) * n + i] = treat[i];
    if (baseline) x[(2 * T + visit[i]) * n + i] = baseline[i];
  }
  for (int c = 0; c < ncov; c++) memcpy(x + (p - ncov + c) * n, cov + c * n, sizeof(double) * (size_t) n);
}

/* Each visit's OLS residual variance var and the residuals' second moments over the
 * pairs of visits observed together mom (T x T; the start of the covariance
 * parameters), from the patterns' statistics: the normal equations, Cholesky (LAPACK). X is rank deficient
 * (TT_STATS_ESINGULAR) when a column's norm after projecting out the preceding columns,
 * the factor's diagonal, is below RANK_TOL of its own norm: lm's criterion (QR, 1e-7),
 * with 1e-6 since X'X's rounding (~1e-16 relative) could hide an exact collinearity at
 * 1e-7 (1e-14 relative in X'X). */
static int StartMoments(const tt_mmrm_ws *ws, double var[], double mom[])
{
  const double RANK_TOL = 1e-6;
  int          p = ws->p, p1 = ws->p1, T = ws->T, status = TT_STATS_OK;
  double       cnt[TT_MMRM_MAX_VISITS] = {0}, rss = 0, eye[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  double       npair[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS] = {0};
  double      *zz = calloc((size_t) (2 * p1 * p1 + p * p + T * T + p), sizeof(double)), *gg = zz + p1 * p1;
  double      *a = gg + p1 * p1, *r = a + p * p, *beta = r + T * T;
  if (!zz) return TT_STATS_EDOMAIN;
  for (int k = 0; k < ws->npat; k++) {
    const tt_mmrm_pattern *P = ws->pat + k;
    for (int i = 0; i < P->m * P->m; i++) eye[i] = i % (P->m + 1) == 0;
    tt_mmrm_pattern_zaz(ws, P, eye, zz);
  }
  for (int i = 0; i < p; i++) {
    beta[i] = zz[i * p1 + p];
    for (int j = 0; j < p; j++) a[i * p + j] = zz[i * p1 + j];
  }
  if (tt_mmrm_spd_solve(p, a, beta)) status = TT_STATS_ESINGULAR;
  for (int j = 0; j < p && !status; j++)
    if (!(a[j * p + j] * a[j * p + j] > RANK_TOL * RANK_TOL * zz[j * p1 + j])) status = TT_STATS_ESINGULAR;
  for (int t = 0; t < T; t++) var[t] = 0;
  memset(mom, 0, sizeof(double) * (size_t) (T * T));
  if (!status) {
    for (int i = 0; i < p1; i++)
      for (int j = 0; j < p1; j++) gg[i * p1 + j] = (i < p ? -beta[i] : 1) * (j < p ? -beta[j] : 1);
    for (int k = 0; k < ws->npat; k++) {
      const tt_mmrm_pattern *P = ws->pat + k;
      tt_mmrm_pattern_zbz(ws, P, gg, r);
      for (int i = 0; i < P->m; i++) var[P->vis[i]] += r[i * P->m + i], cnt[P->vis[i]] += P->n, rss += r[i * P->m + i];
      for (int i = 0; i < P->m; i++)
        for (int j = 0; j < P->m; j++)
          mom[P->vis[i] * T + P->vis[j]] += r[i * P->m + j], npair[P->vis[i] * T + P->vis[j]] += P->n;
    }
    for (int i = 0; i < T * T; i++) mom[i] = npair[i] > 0 ? mom[i] / npair[i] : 0;
    rss = ws->d->n > p ? rss / (ws->d->n - p) : 1;
  }
  for (int t = 0; t < T; t++) var[t] = cnt[t] > 0 && var[t] > 0 ? var[t] / cnt[t] : (rss > 0 ? rss : 1);
  free(zz);
  return status;
}

/* Step direction: Newton on the observed Hessian near the optimum (*newton set), else
 * Fisher scoring. Returns 0, or 1 when neither matrix is positive definite. */
static int Direction(tt_mmrm_ws *ws, const double th[], int near, double h[], double step[], int *newton)
{
  int q   = ws->q;
  *newton = 0;
  if (near && !tt_mmrm_hessian(ws, th, h)) {
    for (int k = 0; k < q; k++) step[k] = -ws->grad[k];
    if (!tt_mmrm_spd_solve(q, h, step)) return *newton = 1, 0;
  }
  memcpy(h, ws->info, sizeof(double) * (size_t) (q * q));
  for (int k = 0; k < q; k++) step[k] = -ws->grad[k];
  return tt_mmrm_spd_solve(q, h, step);
}

/* Backtracks th + t step until -2 l_R decreases (Armijo); th moves. Returns 0; 1 when
 * no decrease is measurable (slope at rounding level: th is at the optimum), 2 when 40
 * halvings fail; th unchanged then. */
static int LineSearch(tt_mmrm_ws *ws, double th[], const double step[], double slope, double *t)
{
  int    q  = ws->q;
  double f0 = ws->f, trial[TT_MMRM_MAXQ];
  if (-slope < 1e-13 * fmax(1.0, fabs(f0))) return 1;
  *t = 1;
  for (int halving = 0; halving < 40; halving++, *t *= 0.5) {
    for (int k = 0; k < q; k++) trial[k] = th[k] + *t * step[k];
    if (!tt_mmrm_eval(ws, trial, 0) && ws->f <= f0 + 1e-4 * *t * slope) {
      memcpy(th, trial, sizeof(double) * (size_t) q);
      return 0;
    }
  }
  return 2;
}

static int Iterate(tt_mmrm_ws *ws, int max_iter, double th[], int *iterations, double h[])
{
  int    q = ws->q, near = 0, forced = 0, newton, ls;
  double step[TT_MMRM_MAXQ];
  if (tt_mmrm_eval(ws, th, 2)) return TT_STATS_ESINGULAR;
  for (*iterations = 0; *iterations < max_iter; ++*iterations) {
    double slope = 0, t = 1, move = 0;
    if (Direction(ws, th, near, h, step, &newton)) return TT_STATS_ENOCONV;
    for (int k = 0; k < q; k++) slope += ws->grad[k] * step[k], move = fmax(move, fabs(step[k]));
    near = -slope < 1e-2;
    if (newton && move <= 1e-6) { /* Hessian PD, quadratic convergence: the full step */
      for (int k = 0; k < q; k++) th[k] += step[k];
      if (tt_mmrm_eval(ws, th, 3)) return TT_STATS_ENOCONV;
      if (move <= 1e-8) return TT_STATS_OK;
      continue;
    }
    ls = LineSearch(ws, th, step, slope, &t);
    if (ls) {
      if (newton) return ls == 1 && !tt_mmrm_eval(ws, th, 2) ? TT_STATS_OK : TT_STATS_ENOCONV;
      if (forced) return TT_STATS_ENOCONV; /* the Hessian is not positive definite either */
      forced = near = 1;                   /* Fisher scoring stalls: try Newton */
      if (tt_mmrm_eval(ws, th, 3)) return TT_STATS_ENOCONV;
      continue;
    }
    forced = 0;
    if (tt_mmrm_eval(ws, th, near ? 3 : 2)) return TT_STATS_ENOCONV;
  }
  return TT_STATS_ENOCONV;
}

static int Optimise(tt_mmrm_ws *ws, int max_iter, double th[], int *iterations)
{
  int     q = ws->q, status;
  double *h = malloc(sizeof(double) * (size_t) (q * q));
  if (!h) return TT_STATS_EDOMAIN;
  status = Iterate(ws, max_iter, th, iterations, h);
  free(h);
  return status;
}

int tt_mmrm_fit_reml(const tt_mmrm_data *d, const tt_mmrm_options *o, tt_mmrm_fit *f)
{
  tt_mmrm_ws *ws;
  double      var[TT_MMRM_MAX_VISITS], mom[TT_MMRM_MAX_VISITS * TT_MMRM_MAX_VISITS];
  int         status;

  DropWork(f);
  f->converged  = 0;
  f->iterations = 0;
  if (d->n <= d->p) return TT_STATS_ETOOFEW;
  if (f->p != d->p || f->nvisit != d->nvisit || f->q != tt_mmrm_cov_nparam(o->cov, d->nvisit)) return TT_STATS_EDOMAIN;
  if (!(ws = malloc(sizeof(*ws)))) return TT_STATS_EDOMAIN;
  status = tt_mmrm_ws_create(d, o->cov, ws);
  if (status) {
    free(ws);
    return status;
  }
  f->work     = ws;
  f->nsubject = ws->nsub;
  status      = StartMoments(ws, var, mom);
  if (status == TT_STATS_OK) {
    tt_mmrm_theta_start(o->cov, d->nvisit, var, f->theta);
    if (o->cov == TT_MMRM_UNSTRUCTURED) tt_mmrm_theta_start_unstructured(d->nvisit, mom, f->theta);
    status = Optimise(ws, o->max_iter > 0 ? o->max_iter : 100, f->theta, &f->iterations);
  }
  if (status == TT_STATS_OK || status == TT_STATS_ENOCONV) {
    memcpy(f->beta, ws->beta, sizeof(double) * (size_t) d->p);
    memcpy(f->vcov, ws->phi, sizeof(double) * (size_t) (d->p * d->p));
    memcpy(f->sigma, ws->sigma, sizeof(double) * (size_t) (d->nvisit * d->nvisit));
    f->reml      = ws->f;
    f->converged = status == TT_STATS_OK;
  }
  if (!f->converged) DropWork(f);
  return status;
}
