/* mmrm_pattern.c — the REML workspace: patterns of observed visits and their
 * sufficient statistics, and LAPACK's symmetric positive definite kernels.
 *
 * Subjects are grouped by their set of observed visits (a pattern; visits increase
 * within a subject, so the set fixes the order). For each pattern, with Z_s = [X_s y_s]
 * (m x (p+1)) per subject, C_P = sum_s vec(Z_s) vec(Z_s)' is kept over the entries of Z
 * that are nonzero for some subject of the pattern (a column active at a position), so
 * any sum over the pattern's subjects of Z_s' A Z_s or Z_s B Z_s' costs K^2 whatever the
 * number of subjects (K: the active entries of one subject, 3 + ncov + 1 per visit for
 * the MMRM design). Invariants: patterns are numbered in order of first appearance,
 * columns within a position in increasing order, so the statistics, and every sum
 * taken from them, depend on the data alone (bitwise reproducible).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmrmimpl.h"

int tt_mmrm_spd_inverse(int n, double a[], double *logdet)
{
  int info;
  dpotrf_("L", &n, a, &n, &info);
  if (info) return 1;
  if (logdet) {
    *logdet = 0;
    for (int i = 0; i < n; i++) *logdet += 2 * log(a[i * n + i]);
  }
  dpotri_("L", &n, a, &n, &info);
  if (info) return 1;
  for (int j = 0; j < n; j++) /* column-major lower -> full */
    for (int i = j + 1; i < n; i++) a[i * n + j] = a[j * n + i];
  return 0;
}

int tt_mmrm_spd_solve(int n, double a[], double b[])
{
  int info, one = 1;
  dposv_("L", &n, &one, a, &n, b, &n, &info);
  return info != 0;
}

/* Entry (row r of d, column j of Z = [X y]). */
static double Zval(const tt_mmrm_data *d, int r, int j)
{
  return j < d->p ? d->x[(size_t) j * d->n + r] : d->y[r];
}

/* Checks the rows, counts subjects and patterns; pat_of[s] the pattern of subject s,
 * first[s] its first row. Returns 0 or TT_STATS_EDOMAIN. */
static int Scan(const tt_mmrm_data *d, tt_mmrm_ws *ws, int first[], int pat_of[], int mask_of_pat[])
{
  int T = ws->T, nsub = 0, npat = 0;
  for (int i = 0; i < d->n; i++) {
    if (d->visit[i] < 0 || d->visit[i] >= T || !isfinite(d->y[i])) return TT_STATS_EDOMAIN;
    if (i == 0 || d->subject[i] != d->subject[i - 1])
      first[nsub++] = i;
    else if (d->visit[i] <= d->visit[i - 1])
      return TT_STATS_EDOMAIN;
  }
  first[nsub] = d->n;
  for (int s = 0; s < nsub; s++) {
    int mask = 0, k;
    for (int r = first[s]; r < first[s + 1]; r++) mask |= 1 << d->visit[r];
    for (k = 0; k < npat && mask_of_pat[k] != mask; k++) continue;
    if (k == npat) mask_of_pat[npat++] = mask;
    pat_of[s] = k;
  }
  ws->nsub = nsub, ws->npat = npat;
  return 0;
}

/* Active columns per pattern position (act[k*T*p1 + a*p1 + j]), K per pattern. */
static void Active(const tt_mmrm_data *d, tt_mmrm_ws *ws, const int first[], const int pat_of[], char act[])
{
  int T = ws->T, p1 = ws->p1;
  for (int s = 0; s < ws->nsub; s++)
    for (int r = first[s], a = 0; r < first[s + 1]; r++, a++)
      for (int j = 0; j < p1; j++)
        if (Zval(d, r, j) != 0) act[((size_t) pat_of[s] * T + a) * p1 + j] = 1;
  for (int k = 0; k < ws->npat; k++) {
    tt_mmrm_pattern *P = ws->pat + k;
    P->K               = 0;
    for (int a = 0; a < P->m; a++)
      for (int j = 0; j < p1; j++) P->K += act[((size_t) k * T + a) * p1 + j];
  }
}

static int Layout(tt_mmrm_ws *ws, const char act[])
{
  int    T = ws->T, p1 = ws->p1, nidx = 0;
  size_t nc = 0;
  for (int k = 0; k < ws->npat; k++)
    nidx += ws->pat[k].K, nc += (size_t) ws->pat[k].K * ws->pat[k].K + (size_t) (T * T);
  ws->ibuf = malloc(sizeof(int) * (size_t) (2 * nidx + 1));
  ws->cbuf = calloc(nc + 1, sizeof(double));
  if (!ws->ibuf || !ws->cbuf) return TT_STATS_EDOMAIN;
  nidx = 0, nc = 0;
  for (int k = 0; k < ws->npat; k++) {
    tt_mmrm_pattern *P = ws->pat + k;
    P->idx = ws->ibuf + 2 * nidx, P->pos = P->idx + P->K, nidx += P->K;
    P->c = ws->cbuf + nc, P->w = P->c + (size_t) P->K * P->K, nc += (size_t) P->K * P->K + (size_t) (T * T);
    for (int a = 0, r = 0; a < P->m; a++)
      for (int j = 0; j < p1; j++)
        if (act[((size_t) k * T + a) * p1 + j]) P->idx[r] = j, P->pos[r++] = a;
  }
  return 0;
}

static void Accumulate(const tt_mmrm_data *d, tt_mmrm_ws *ws, const int first[], const int pat_of[], double z[])
{
  for (int s = 0; s < ws->nsub; s++) {
    tt_mmrm_pattern *P = ws->pat + pat_of[s];
    int              K = P->K;
    for (int r = 0; r < K; r++) z[r] = Zval(d, first[s] + P->pos[r], P->idx[r]);
    for (int r = 0; r < K; r++)
      for (int c = 0; c <= r; c++) P->c[r * K + c] += z[r] * z[c];
  }
  for (int k = 0; k < ws->npat; k++) {
    tt_mmrm_pattern *P = ws->pat + k;
    for (int r = 0; r < P->K; r++)
      for (int c = 0; c < r; c++) P->c[c * P->K + r] = P->c[r * P->K + c];
  }
}

static int Patterns(const tt_mmrm_data *d, tt_mmrm_ws *ws)
{
  int   T     = ws->T, status;
  int  *first = malloc(sizeof(int) * (size_t) (3 * d->n + 2)), *pat_of = first ? first + d->n + 1 : NULL;
  int  *mask = pat_of ? pat_of + d->n : NULL;
  char *act  = NULL;
  if (!first) return TT_STATS_EDOMAIN;
  status = Scan(d, ws, first, pat_of, mask);
  if (!status) {
    ws->pat = calloc((size_t) ws->npat, sizeof(tt_mmrm_pattern));
    act     = calloc((size_t) ws->npat * (size_t) (T * ws->p1), 1);
    status  = ws->pat && act ? 0 : TT_STATS_EDOMAIN;
  }
  for (int k = 0; !status && k < ws->npat; k++) {
    tt_mmrm_pattern *P = ws->pat + k;
    for (int t = 0; t < T; t++)
      if (mask[k] >> t & 1) P->vis[P->m++] = t;
  }
  for (int s = 0; !status && s < ws->nsub; s++) ws->pat[pat_of[s]].n++;
  if (!status) {
    Active(d, ws, first, pat_of, act);
    status = Layout(ws, act);
  }
  if (!status) {
    double *z = malloc(sizeof(double) * (size_t) (T * ws->p1));
    if (z) Accumulate(d, ws, first, pat_of, z);
    status = z ? 0 : TT_STATS_EDOMAIN;
    free(z);
  }
  free(act);
  free(first);
  return status;
}

int tt_mmrm_ws_create(const tt_mmrm_data *d, tt_mmrm_cov cov, tt_mmrm_ws *ws)
{
  int T = d->nvisit, p = d->p, q, status;
  memset(ws, 0, sizeof(*ws));
  if (T < 1 || T > TT_MMRM_MAX_VISITS || cov < 0 || cov >= TT_MMRM_NCOV || p < 1) return TT_STATS_EDOMAIN;
  q       = tt_mmrm_cov_nparam(cov, T);
  ws->d   = d;
  ws->cov = cov;
  ws->T   = T;
  ws->q   = q;
  ws->p   = p;
  ws->p1  = p + 1;
  status  = Patterns(d, ws);
  if (!status) {
    int    p1 = p + 1, TT = T * T, nkl = q * (q + 1) / 2;
    size_t nd = (size_t) (TT + q * TT + nkl * TT + p1 * p1 + p * p + p + TT + q + 2 * q * q + q * p1 * p1 + 5 * q * TT +
                          6 * TT + 2 * p1 * p1 + q * p * p + q * p1 + q * TT + q * p1 * p1 + 2 * q * TT);
    ws->sigma = malloc(sizeof(double) * nd);
    if (!ws->sigma) status = TT_STATS_EDOMAIN;
  }
  if (status) {
    tt_mmrm_ws_destroy(ws);
    return status;
  }
  ws->ds      = ws->sigma + T * T;
  ws->d2      = ws->ds + q * T * T;
  ws->zwz     = ws->d2 + q * (q + 1) / 2 * T * T;
  ws->phi     = ws->zwz + ws->p1 * ws->p1;
  ws->beta    = ws->phi + p * p;
  ws->mfull   = ws->beta + p;
  ws->grad    = ws->mfull + T * T;
  ws->info    = ws->grad + q;
  ws->hess    = ws->info + q * q;
  ws->pk      = ws->hess + q * q;
  ws->scratch = ws->pk + q * ws->p1 * ws->p1;
  ws->level   = -1; /* nothing evaluated */
  return TT_STATS_OK;
}

void tt_mmrm_ws_destroy(tt_mmrm_ws *ws)
{
  free(ws->pat);
  free(ws->ibuf);
  free(ws->cbuf);
  free(ws->sigma);
  ws->pat   = NULL;
  ws->ibuf  = NULL;
  ws->cbuf  = NULL;
  ws->sigma = NULL;
}

void tt_mmrm_pattern_zaz(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double A[], double out[])
{
  int K = P->K, m = P->m, p1 = ws->p1;
  for (int r = 0; r < K; r++) {
    const double *Ar = A + P->pos[r] * m, *Cr = P->c + (size_t) r * K;
    double       *o = out + P->idx[r] * p1;
    for (int c = 0; c < K; c++) o[P->idx[c]] += Ar[P->pos[c]] * Cr[c];
  }
}

void tt_mmrm_pattern_zaz_multi(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, int na, const double at[], double out[])
{
  int K = P->K, m = P->m, p1 = ws->p1;
  for (int r = 0; r < K; r++) {
    const double *Cr = P->c + (size_t) r * K;
    for (int c = 0; c <= r; c++) {
      const double *a = at + (P->pos[r] * m + P->pos[c]) * na;
      double       *o = out + (P->idx[r] * p1 + P->idx[c]) * na, *ot = out + (P->idx[c] * p1 + P->idx[r]) * na;
      double        v = Cr[c];
      for (int k = 0; k < na; k++) o[k] += a[k] * v;
      if (c < r)
        for (int k = 0; k < na; k++) ot[k] += a[k] * v;
    }
  }
}

void tt_mmrm_pattern_zbz(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double B[], double out[])
{
  int K = P->K, m = P->m, p1 = ws->p1;
  memset(out, 0, sizeof(double) * (size_t) (m * m));
  for (int r = 0; r < K; r++) {
    const double *Br = B + P->idx[r] * p1, *Cr = P->c + (size_t) r * K;
    double       *o = out + P->pos[r] * m;
    for (int c = 0; c < K; c++) o[P->pos[c]] += Br[P->idx[c]] * Cr[c];
  }
}

void tt_mmrm_pattern_block(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double full[], double out[])
{
  int m = P->m, T = ws->T;
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) out[a * m + b] = full[P->vis[a] * T + P->vis[b]];
}
