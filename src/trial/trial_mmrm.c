/* trial_mmrm.c — an mmrm analysis of one replicate (method: mmrm).
 *
 * Twins of the analysis's treatment and control arms enter with the endpoint's measure
 * (value, change or percent change from baseline of its variable) at every post-baseline
 * visit up to the endpoint's, each observed as the endpoint itself is (before the data
 * cut, dropout and terminal events; trial_endpoint.c), so dropout leaves a monotone
 * pattern; a twin with no such visit is not analysed. Fixed effects: visit, treatment x
 * visit, baseline x visit (the variable at the first visit) and the analysis's
 * covariates; the covariance is the analysis's structure, else its fallbacks in turn
 * while a fit does not converge (src/mmrm). The result is the treatment contrast at the
 * analysis's visit with the analysis's degrees of freedom. Buffers are allocated per
 * call and freed before it returns: memory does not grow with replicates.
 */
#include <math.h>
#include <stdlib.h>
#include "trialimpl.h"

typedef struct {
  PetscInt  n, nsub, p, ncol;             /* rows, twins, design columns, covariate columns */
  int      *id, *visit, *treat;           /* [n] */
  double   *y, *base, *x, *cov, *twincov; /* [n], [n], [n * p], [n * ncol], [nsub * ncol] */
  PetscInt *first;                        /* [nsub + 1] first row of each twin */
} MmrmData;

static void Free(MmrmData *m)
{
  free(m->id), free(m->y), free(m->x), free(m->first);
}

/* The rows of analysis k's twins at the current data cut; returns 0, or 1 when out of memory. */
static int Rows(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], MmrmData *m)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  PetscInt              e = an->endpoint_index, V = t->p->endpoint[e].visit_index, N = t->p->patients;
  PetscInt              maxcol = an->ncovariate * (TT_MAX_COVARIATES + 2);
  m->n = m->nsub = 0;
  m->id          = malloc(sizeof(int) * (size_t) (3 * N * V));
  m->y           = malloc(sizeof(double) * (size_t) (2 * N * V + N * V * maxcol + N * maxcol + N));
  m->first       = malloc(sizeof(PetscInt) * (size_t) (N + 1));
  m->x           = NULL;
  if (!m->id || !m->y || !m->first) return 1;
  m->visit   = m->id + N * V;
  m->treat   = m->visit + N * V;
  m->base    = m->y + N * V;
  m->cov     = m->base + N * V;
  m->twincov = m->cov + N * V * maxcol;
  for (PetscInt i = 0; i < N; i++) {
    const double *rec = recs + i * t->L.size;
    PetscInt      n0  = m->n;
    if (arm[i] != an->treatment_arm && arm[i] != an->control_arm) continue;
    for (PetscInt v = 1; v <= V; v++) {
      double y = TTTrialMeasureAtVisit(t, rec, arm[i], e, v, t->calendar - rec[t->L.entry], PETSC_TRUE);
      if (isnan(y)) continue;
      m->id[m->n]    = (int) m->nsub;
      m->visit[m->n] = (int) (v - 1);
      m->treat[m->n] = arm[i] == an->treatment_arm;
      m->y[m->n]     = y;
      m->base[m->n]  = TTRecordTraj(&t->L, rec, arm[i])[t->endpoint_var[e]];
      m->n++;
    }
    if (m->n == n0) continue;
    m->first[m->nsub] = n0;
    t->y0[m->nsub]    = (double) i; /* the twin, for its covariates */
    m->nsub++;
  }
  m->first[m->nsub] = m->n;
  return 0;
}

/* Covariate columns per twin (factors as indicators), then copied to each of its rows. */
static void Covariates(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], MmrmData *m)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  m->ncol                  = 0;
  for (PetscInt c = 0; c < an->ncovariate; c++) {
    for (PetscInt s = 0; s < m->nsub; s++) {
      PetscInt i = (PetscInt) t->y0[s];
      t->y1[s]   = TTTrialCovariateValue(t, recs + i * t->L.size, arm[i], an->endpoint_index, &t->acov[k][c]);
    }
    m->ncol += TTTrialCovariateColumns(t, k, c, m->nsub, t->y1, m->twincov + m->ncol * m->nsub);
  }
  for (PetscInt j = 0; j < m->ncol; j++)
    for (PetscInt s = 0; s < m->nsub; s++)
      for (PetscInt r = m->first[s]; r < m->first[s + 1]; r++) m->cov[j * m->n + r] = m->twincov[j * m->nsub + s];
}

/* Fits structure cov; on success the contrast at the analysis's visit into res. */
static int Fit(const TTAnalysisSpec *an, const tt_mmrm_data *d, tt_mmrm_cov cov, tt_stats_test_spec spec,
               tt_stats_result *res)
{
  tt_mmrm_options o = {cov, 0};
  tt_mmrm_fit     f;
  double         *c = calloc((size_t) d->p, sizeof(double));
  int             status;
  if (!c || tt_mmrm_fit_alloc(&f, d->p, cov, d->nvisit)) {
    free(c);
    return TT_STATS_EDOMAIN;
  }
  status = tt_mmrm_fit_reml(d, &o, &f);
  if (status == TT_STATS_OK) {
    c[d->nvisit + an->mmrm_visit_index - 1] = 1; /* treatment x the contrast's visit */
    status                                  = tt_mmrm_contrast(d, &f, c, (tt_mmrm_df) an->mmrm_df, spec, res);
  }
  tt_mmrm_fit_free(&f);
  free(c);
  return status;
}

int TTTrialRunMmrm(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_test_spec spec,
                   tt_stats_result *res, double *information)
{
  const TTAnalysisSpec *an = &t->p->analysis[k];
  PetscInt              V  = t->p->endpoint[an->endpoint_index].visit_index;
  MmrmData              m;
  int                   status = TT_STATS_EDOMAIN;

  *res         = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  *information = 0;
  if (Rows(t, k, recs, arm, &m)) {
    Free(&m);
    return TT_STATS_EDOMAIN;
  }
  *information = (double) m.nsub;
  Covariates(t, k, recs, arm, &m);
  m.p = tt_mmrm_design_columns((int) V, 1, (int) m.ncol);
  m.x = malloc(sizeof(double) * (size_t) (m.n * m.p + 1));
  if (m.x) {
    tt_mmrm_data d = {(int) m.n, (int) V, (int) m.p, m.id, m.visit, m.x, m.y};
    tt_mmrm_design((int) m.n, (int) V, m.visit, m.treat, m.base, (int) m.ncol, m.cov, m.x);
    for (int j = -1; j < an->nfallback; j++) { /* the structure, then each fallback while not converged */
      tt_mmrm_cov cov = (tt_mmrm_cov) (j < 0 ? an->mmrm_covariance : an->fallback[j]);
      status          = Fit(an, &d, cov, spec, res);
      if (status == TT_STATS_OK) t->mmrm_used[k] = cov;
      if (status != TT_STATS_ENOCONV) break;
    }
  }
  Free(&m);
  return status;
}
