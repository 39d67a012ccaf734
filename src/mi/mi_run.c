/* mi_run.c — a multiple-imputation analysis: o->imputations completed data sets, each
 * analysed by ANCOVA at the visit or by an MMRM, pooled by Rubin's rules (tt_mi_run).
 *
 * Invariants: imputation m's analysis sees only its completed data (every subject at
 * every visit) and adjusts for the covariates the imputation model used (ANCOVA on group,
 * baseline, x; MMRM with x as main effects, as method mmrm); the complete-data degrees of
 * freedom for Barnard-Rubin are the ANCOVA's residual df (n - 3 - q) or the mean of the
 * MMRM contrasts' df. Buffers are allocated per call and freed before it returns.
 */
#include <math.h>
#include <stdlib.h>
#include "twintrial/mi.h"

typedef struct {
  int    *id, *visit, *treat;
  double *x, *base, *col, *cov; /* cov: ANCOVA's [n * (1 + q)] baseline then x; MMRM's [n V * q] */
} Long;

/* The contrast at o->visit of an MMRM over completed data yc, the structures in turn. */
static int Mmrm(const tt_mi_data *d, const tt_mi_options *o, const double yc[], Long *w, tt_stats_test_spec spec,
                tt_stats_result *r)
{
  int          V = d->nvisit, n = d->n * V, p = tt_mmrm_design_columns(V, 1, d->ncov), status = TT_STATS_EDOMAIN;
  tt_mmrm_data md                                               = {n, V, p, w->id, w->visit, w->x, yc};
  double       c[3 * TT_MMRM_MAX_VISITS + TT_MI_MAX_COVARIATES] = {0};
  c[V + o->visit]                                               = 1;
  for (int j = 0; j < o->ncov; j++) {
    tt_mmrm_options mo = {o->cov[j], 0};
    tt_mmrm_fit     f;
    if (tt_mmrm_fit_alloc(&f, p, o->cov[j], V)) return TT_STATS_EDOMAIN;
    status = tt_mmrm_fit_reml(&md, &mo, &f);
    if (status == TT_STATS_OK) status = tt_mmrm_contrast(&md, &f, c, o->df, spec, r);
    tt_mmrm_fit_free(&f);
    if (status != TT_STATS_ENOCONV) break;
  }
  return status;
}

static int Analyse(const tt_mi_data *d, const tt_mi_options *o, const double yc[], Long *w, tt_stats_test_spec spec,
                   tt_stats_result *r)
{
  if (o->analysis == TT_MI_MMRM) return Mmrm(d, o, yc, w, spec, r);
  for (int i = 0; i < d->n; i++) w->col[i] = yc[(size_t) i * d->nvisit + o->visit];
  return tt_stats_ancova(d->n, w->col, d->group, 1 + d->ncov, d->ncov ? w->cov : d->baseline, spec, r);
}

/* The long layout of a complete data set (row i * V + v) and its MMRM design; for
 * ANCOVA the column of the contrast's visit and the covariates (baseline, then x). */
static int LongLayout(const tt_mi_data *d, const tt_mi_options *o, Long *w)
{
  int V = d->nvisit, n = d->n * V, q = d->ncov, p = tt_mmrm_design_columns(V, 1, q);
  if (o->analysis != TT_MI_MMRM) {
    w->x   = malloc(sizeof(double) * (size_t) ((size_t) d->n * (2 + q) + 1));
    w->col = w->x, w->cov = w->x + d->n;
    if (!w->x) return TT_STATS_EDOMAIN;
    for (int i = 0; i < d->n; i++) w->cov[i] = d->baseline[i];
    for (int j = 0; j < q; j++)
      for (int i = 0; i < d->n; i++) w->cov[(size_t) (1 + j) * d->n + i] = d->cov[(size_t) j * d->n + i];
    return TT_STATS_OK;
  }
  w->id = malloc(sizeof(int) * (size_t) (3 * n + 1));
  w->x  = malloc(sizeof(double) * (size_t) ((size_t) n * (p + 1 + q) + d->n + 1));
  if (!w->id || !w->x) return TT_STATS_EDOMAIN;
  w->visit = w->id + n, w->treat = w->visit + n, w->base = w->x + (size_t) n * p, w->col = w->base + n;
  w->cov = w->col + d->n;
  for (int i = 0; i < d->n; i++)
    for (int v = 0; v < V; v++) {
      int r    = i * V + v;
      w->id[r] = i, w->visit[r] = v, w->treat[r] = d->group[i] != 0;
      w->base[r] = d->baseline[i];
      for (int j = 0; j < q; j++) w->cov[(size_t) j * n + r] = d->cov[(size_t) j * d->n + i];
    }
  if (d->n) tt_mmrm_design(n, V, w->visit, w->treat, w->base, q, q ? w->cov : NULL, w->x);
  return TT_STATS_OK;
}

int tt_mi_run(const tt_mi_data *d, const tt_mi_options *o, tt_stats_test_spec spec, tt_stats_result *res,
              tt_mi_pooled *pool, double q[], double u[])
{
  int     M  = o->imputations, status;
  double *yc = malloc(sizeof(double) * (size_t) (d->n * d->nvisit + 2 * M + 1)), *qq = yc + d->n * d->nvisit,
         *uu = qq + M, dfcom = 0;
  Long w = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};

  *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  if (!yc || (status = LongLayout(d, o, &w))) {
    status = TT_STATS_EDOMAIN;
    goto done;
  }
  if (o->visit < 0 || o->visit >= d->nvisit || (o->analysis == TT_MI_MMRM && o->ncov < 1)) {
    status = TT_STATS_EDOMAIN;
    goto done;
  }
  for (int m = 0; m < M; m++) {
    tt_stats_result r;
    if ((status = tt_mi_impute(d, o, m, yc)) || (status = Analyse(d, o, yc, &w, spec, &r))) goto done;
    qq[m] = r.estimate, uu[m] = r.std_error * r.std_error, dfcom += r.df / M;
    if (q) q[m] = qq[m];
    if (u) u[m] = uu[m];
  }
  if ((status = tt_mi_pool(M, qq, uu, dfcom, pool))) goto done;
  status = tt_stats_t_result(pool->estimate, pool->std_error, pool->df, spec, res);
  if (status == TT_STATS_OK) res->n_analysed = d->n;
done:
  free(yc), free(w.id), free(w.x);
  return status;
}
