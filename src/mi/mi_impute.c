/* mi_impute.c — one imputation: a posterior draw of the imputation model's parameters,
 * then every subject's missing visits drawn given its observed ones (tt_mi_impute).
 *
 * Invariants: the model and the methods are those of mi.h (the fit leaves out, for
 * reference-based methods, each subject's visits from its intercurrent event on; the
 * profile switches there; intermittent gaps are imputed under the profile before the
 * anchor and handled in the fit by monotone data augmentation); a subject's predictors
 * are (1, g, b, x_1..x_q) in that order, so a data set without covariates is fitted
 * exactly as before they existed, and data without gaps draw exactly as before gaps were
 * handled. Draws come from the stream of (seed, key_a, key_b + m) in a fixed order (each
 * visit's chi-square then its p normals; with gaps, then TT_MI_AUGMENT rounds of each
 * gapped subject's gap in data order and the regressions again; then the subjects in data
 * order, one normal per missing visit), so a data set and its keys give bitwise-identical
 * imputations wherever they run. Work arrays are allocated per call and freed before it
 * returns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "twintrial/mi.h"
#include "twintrial/rng.h"

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
                    const int *ldb, int *info);
extern void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
                    const double *a, const int *lda, double *b, const int *ldb, int *info);
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info);

enum { XMAX = 3 + TT_MI_MAX_COVARIATES, VMAX = TT_MMRM_MAX_VISITS, PMAX = XMAX + VMAX };

/* A draw of the joint model: mean sum_j B[v][j] z_j over the predictors z = (1, g, b, x),
 * covariance sigma (row major). */
typedef struct {
  double B[VMAX][XMAX], sigma[VMAX * VMAX];
} Joint;

/* Subject i's predictors (1, g, b, x_1..x_q) into z; returns their number 3 + q. */
static int Predictors(const tt_mi_data *d, int i, double z[])
{
  z[0] = 1, z[1] = d->group[i], z[2] = d->baseline[i];
  for (int j = 0; j < d->ncov; j++) z[3 + j] = d->cov[(size_t) j * d->n + i];
  return 3 + d->ncov;
}

/* Reference-based methods: the post-ICE data set aside from the imputation model's fit. */
static int ReferenceBased(tt_mi_method m)
{
  return m == TT_MI_JUMP_TO_REFERENCE || m == TT_MI_COPY_REFERENCE || m == TT_MI_COPY_INCREMENTS;
}

/* Leading observed visits of subject i. */
static int Observed(const tt_mi_data *d, int i)
{
  int k = 0;
  while (k < d->nvisit && !isnan(d->y[(size_t) i * d->nvisit + k])) k++;
  return k;
}

/* One past subject i's last observed visit (0: none): where its trailing missing visits start. */
static int Last(const tt_mi_data *d, int i)
{
  int k = d->nvisit;
  while (k > 0 && isnan(d->y[(size_t) i * d->nvisit + k - 1])) k--;
  return k;
}

/* Subject i's observed visits before lim into obs[] and its missing ones into mis[] (*nm). */
static int Pattern(const double yi[], int lim, int obs[], int mis[], int *nm)
{
  int no = 0;
  *nm    = 0;
  for (int v = 0; v < lim; v++) {
    if (isnan(yi[v]))
      mis[(*nm)++] = v;
    else
      obs[no++] = v;
  }
  return no;
}

/* The regression of visit v on (1, g, b, x, y_1..y_v-1) among the subjects observed at
 * v, its parameters drawn from their posterior into coef[p] and *s2. */
static int DrawRegression(const tt_mi_data *d, const int last[], int v, tt_pcg32 *g, double coef[], double *s2)
{
  int    nx = 3 + d->ncov, p = nx + v, nv = 0, ng[2] = {0, 0}, one = 1, info;
  double zz[PMAX * PMAX] = {0}, zy[PMAX] = {0}, z[PMAX], rss = 0, chi2;
  for (int i = 0; i < d->n; i++) {
    const double *yi = d->y + (size_t) i * d->nvisit;
    if (last[i] <= v) continue;
    Predictors(d, i, z);
    for (int j = 0; j < v; j++) z[nx + j] = yi[j];
    for (int r = 0; r < p; r++) {
      zy[r] += z[r] * yi[v];
      for (int c = 0; c <= r; c++) zz[r + c * p] += z[r] * z[c];
    }
    nv++, ng[d->group[i] != 0]++;
  }
  if (nv <= p || !ng[0] || !ng[1]) return TT_STATS_ETOOFEW;
  dpotrf_("L", &p, zz, &p, &info);
  if (info) return TT_STATS_ESINGULAR;
  memcpy(coef, zy, sizeof(double) * (size_t) p);
  dpotrs_("L", &p, &one, zz, &p, coef, &p, &info);
  for (int i = 0; i < d->n; i++) {
    const double *yi = d->y + (size_t) i * d->nvisit;
    double        r  = yi[v];
    if (last[i] <= v) continue;
    Predictors(d, i, z);
    for (int j = 0; j < nx; j++) r -= coef[j] * z[j];
    for (int j = 0; j < v; j++) r -= coef[nx + j] * yi[j];
    rss += r * r;
  }
  chi2 = tt_rng_gamma(g, 0.5 * (nv - p), 2.0);
  *s2  = rss / chi2;
  for (int r = 0; r < p; r++) z[r] = tt_rng_normal(g);
  dtrtrs_("L", "T", "N", &p, &one, zz, &p, z, &p, &info); /* z <- L^-T z: covariance (Z'Z)^-1 */
  for (int r = 0; r < p; r++) coef[r] += sqrt(*s2) * z[r];
  return TT_STATS_OK;
}

/* The joint model of the drawn regressions: (I - G) y = Gamma x + e, e ~ N(0, S), so
 * y = M Gamma x + M e with M = (I - G)^-1 and Sigma = M S M'. */
static int DrawJoint(const tt_mi_data *d, const int last[], tt_pcg32 *g, Joint *J)
{
  int    V = d->nvisit, nx = 3 + d->ncov;
  double M[VMAX * VMAX] = {0}, coef[VMAX][PMAX], s2[VMAX];
  for (int v = 0; v < V; v++) {
    int status = DrawRegression(d, last, v, g, coef[v], &s2[v]);
    if (status) return status;
  }
  for (int v = 0; v < V; v++) { /* row v of M: e_v + sum_k<v G[v][k] M[k] */
    M[v * V + v] = 1;
    for (int k = 0; k < v; k++)
      for (int j = 0; j <= k; j++) M[v * V + j] += coef[v][nx + k] * M[k * V + j];
  }
  for (int v = 0; v < V; v++) {
    for (int x = 0; x < nx; x++) {
      J->B[v][x] = 0;
      for (int j = 0; j <= v; j++) J->B[v][x] += M[v * V + j] * coef[j][x];
    }
    for (int w = 0; w <= v; w++) {
      double s = 0;
      for (int j = 0; j <= w; j++) s += M[v * V + j] * s2[j] * M[w * V + j];
      J->sigma[v * V + w] = J->sigma[w * V + v] = s;
    }
  }
  return TT_STATS_OK;
}

/* For k observed visits: K (V-k by k, row major) = Sigma_mo Sigma_oo^-1 and the lower
 * Cholesky factor L (V-k square, row major) of Sigma_mm - K Sigma_om. */
static int Conditional(const Joint *J, int V, int k, double K[], double L[])
{
  int    m = V - k, info;
  double soo[VMAX * VMAX], x[VMAX * VMAX], c[VMAX * VMAX];
  for (int r = 0; r < k; r++)
    for (int s = 0; s < k; s++) soo[r + s * k] = J->sigma[r * V + s];
  for (int r = 0; r < k; r++)
    for (int s = 0; s < m; s++) x[r + s * k] = J->sigma[r * V + k + s]; /* Sigma_om, column major */
  if (k) {
    dposv_("L", &k, &m, soo, &k, x, &k, &info);
    if (info) return TT_STATS_ESINGULAR;
  }
  for (int s = 0; s < m; s++)
    for (int r = 0; r < k; r++) K[s * k + r] = x[r + s * k];
  for (int r = 0; r < m; r++)
    for (int s = 0; s < m; s++) {
      double v = J->sigma[(k + r) * V + k + s];
      for (int j = 0; j < k; j++) v -= K[r * k + j] * J->sigma[j * V + k + s];
      c[r * m + s] = v;
    }
  for (int r = 0; r < m; r++) /* symmetric up to rounding: take the mean of both halves */
    for (int s = 0; s < r; s++) c[r * m + s] = c[s * m + r] = 0.5 * (c[r * m + s] + c[s * m + r]);
  return tt_rng_cholesky(m, c, L) ? TT_STATS_ESINGULAR : TT_STATS_OK;
}

/* Draws out[mis] from the normal with mean `mean` and covariance J->sigma conditional on
 * yi[obs] (any pattern): mean_m + S_mo S_oo^-1 (y_o - mean_o), S_mm - S_mo S_oo^-1 S_om. */
static int DrawGiven(tt_pcg32 *g, const Joint *J, int V, const double mean[], const double yi[], const int obs[],
                     int no, const int mis[], int nm, double out[])
{
  int    info;
  double soo[VMAX * VMAX], x[VMAX * VMAX], c[VMAX * VMAX], L[VMAX * VMAX], mu[VMAX], z[VMAX];
  for (int r = 0; r < no; r++)
    for (int s = 0; s < no; s++) soo[r + s * no] = J->sigma[obs[r] * V + obs[s]];
  for (int r = 0; r < no; r++)
    for (int s = 0; s < nm; s++) x[r + s * no] = J->sigma[obs[r] * V + mis[s]];
  if (no) {
    dposv_("L", &no, &nm, soo, &no, x, &no, &info);
    if (info) return TT_STATS_ESINGULAR;
  }
  for (int r = 0; r < nm; r++) {
    mu[r] = mean[mis[r]];
    for (int j = 0; j < no; j++) mu[r] += x[j + r * no] * (yi[obs[j]] - mean[obs[j]]);
    for (int s = 0; s < nm; s++) {
      double v = J->sigma[mis[r] * V + mis[s]];
      for (int j = 0; j < no; j++) v -= x[j + r * no] * J->sigma[obs[j] * V + mis[s]];
      c[r * nm + s] = v;
    }
  }
  for (int r = 0; r < nm; r++)
    for (int s = 0; s < r; s++) c[r * nm + s] = c[s * nm + r] = 0.5 * (c[r * nm + s] + c[s * nm + r]);
  if (tt_rng_cholesky(nm, c, L)) return TT_STATS_ESINGULAR;
  tt_rng_mvnormal(g, nm, mu, L, z);
  for (int r = 0; r < nm; r++) out[mis[r]] = z[r];
  return TT_STATS_OK;
}

/* The mean profile subject i is imputed about, anchored at visit k (its first visit
 * affected by the intercurrent event): its own group's and the reference group's at its
 * own baseline and covariates. */
static void Profile(const Joint *J, const tt_mi_options *o, const tt_mi_data *d, int i, int k, double mean[])
{
  double own[VMAX], ref[VMAX], z[XMAX];
  int    V = d->nvisit, gi = d->group[i], r = o->reference, nx = Predictors(d, i, z);
  for (int v = 0; v < V; v++) {
    own[v] = J->B[v][0] + gi * J->B[v][1], ref[v] = J->B[v][0] + r * J->B[v][1];
    for (int x = 2; x < nx; x++) own[v] += z[x] * J->B[v][x], ref[v] += z[x] * J->B[v][x];
  }
  for (int v = 0; v < V; v++) {
    switch (gi == r || k >= V ? TT_MI_MAR : o->method) { /* no event: mar (an intermittent gap's) */
    case TT_MI_JUMP_TO_REFERENCE:
      mean[v] = v < k ? own[v] : ref[v];
      break;
    case TT_MI_COPY_REFERENCE:
      mean[v] = ref[v];
      break;
    case TT_MI_COPY_INCREMENTS:
      mean[v] = v < k ? own[v] : k ? own[k - 1] + ref[v] - ref[k - 1] : ref[v];
      break;
    default:
      mean[v] = own[v];
    }
  }
}

/* Intermittent gaps (missing visits before fit[i], observed ones after): monotone data
 * augmentation (Schafer 1997, Analysis of Incomplete Multivariate Data, sec. 6.5; SAS PROC
 * MI's MCMC IMPUTE=MONOTONE). From a draw fitted on each subject's visits before its
 * first gap (first[i]), TT_MI_AUGMENT times: the gaps drawn into yc under the subject's
 * own arm (MAR) given its observed visits before fit[i], then the parameters from the
 * completed monotone data. */
static int Augment(const tt_mi_data *d, const tt_mi_options *o, const int fit[], const int first[], double yc[],
                   tt_pcg32 *g, Joint *J)
{
  tt_mi_data    dc  = *d;
  tt_mi_options mar = *o;
  int           V   = d->nvisit, status, obs[VMAX], mis[VMAX], no, nm;
  double        mean[VMAX];
  dc.y = yc, mar.method = TT_MI_MAR;
  if ((status = DrawJoint(d, first, g, J))) return status;
  for (int it = 0; it < TT_MI_AUGMENT; it++) {
    for (int i = 0; i < d->n; i++) {
      const double *yi = d->y + (size_t) i * V;
      if (first[i] == fit[i]) continue;
      no = Pattern(yi, fit[i], obs, mis, &nm);
      Profile(J, &mar, d, i, V, mean);
      if ((status = DrawGiven(g, J, V, mean, yi, obs, no, mis, nm, yc + (size_t) i * V))) return status;
    }
    if ((status = DrawJoint(&dc, fit, g, J))) return status;
  }
  return TT_STATS_OK;
}

/* Subject i's missing visits drawn given all its observed ones (some after a gap). */
static int ImputeGaps(const tt_mi_data *d, const tt_mi_options *o, const Joint *J, int i, int a, tt_pcg32 *g,
                      double out[])
{
  const double *yi = d->y + (size_t) i * d->nvisit;
  int           V = d->nvisit, obs[VMAX], mis[VMAX], nm, no = Pattern(yi, V, obs, mis, &nm), status;
  double        mean[VMAX];
  memcpy(out, yi, sizeof(double) * (size_t) V);
  Profile(J, o, d, i, a, mean);
  if ((status = DrawGiven(g, J, V, mean, yi, obs, no, mis, nm, out))) return status;
  if (o->method == TT_MI_DELTA && d->group[i] == 1)
    for (int r = 0; r < nm; r++)
      if (mis[r] >= a) out[mis[r]] += o->delta;
  return TT_STATS_OK;
}

int tt_mi_impute(const tt_mi_data *d, const tt_mi_options *o, int m, double y_out[])
{
  int     V = d->nvisit, status, gaps = 0, *last = malloc(sizeof(int) * (size_t) (3 * d->n + 1));
  int    *fit = last + d->n, *first = fit + d->n;
  double *K = malloc(sizeof(double) * (size_t) (2 * V * V * V + (size_t) d->n * V + 1)), *L = K + V * V * V,
         *yc     = L + V * V * V;
  int     *ready = calloc((size_t) V + 1, sizeof(int));
  Joint    J;
  tt_pcg32 g;
  if (!last || !K || !ready) {
    status = TT_STATS_EDOMAIN;
    goto done;
  }
  if (V < 1 || V > VMAX || o->reference < 0 || o->reference > 1 || d->ncov < 0 || d->ncov > TT_MI_MAX_COVARIATES ||
      (d->ncov && !d->cov)) {
    status = TT_STATS_EDOMAIN;
    goto done;
  }
  for (int i = 0; d->ice && i < d->n; i++)
    if (d->ice[i] < 0 || d->ice[i] > V) {
      status = TT_STATS_EDOMAIN;
      goto done;
    }
  for (int i = 0; i < d->n; i++) {
    last[i]  = Last(d, i);
    fit[i]   = d->ice && ReferenceBased(o->method) && d->ice[i] < last[i] ? d->ice[i] : last[i];
    first[i] = Observed(d, i) < fit[i] ? Observed(d, i) : fit[i];
    gaps += first[i] < fit[i];
  }
  tt_rng_substream(&g, o->seed, o->key_a, o->key_b + (uint64_t) m, TT_STREAM_IMPUTE);
  if (gaps) {
    memcpy(yc, d->y, sizeof(double) * (size_t) d->n * V);
    status = Augment(d, o, fit, first, yc, &g, &J);
  } else
    status = DrawJoint(d, fit, &g, &J);
  if (status) goto done;
  for (int i = 0; i < d->n; i++) {
    const double *yi  = d->y + (size_t) i * V;
    double       *out = y_out + (size_t) i * V, mean[VMAX], mu[VMAX];
    int           k = last[i], a = d->ice && d->ice[i] < k ? d->ice[i] : k;
    if (Observed(d, i) < k) { /* an intermittent gap: its profile before the anchor, later visits kept */
      if ((status = ImputeGaps(d, o, &J, i, a, &g, out))) goto done;
      continue;
    }
    memcpy(out, yi, sizeof(double) * (size_t) k);
    if (k == V) continue;
    if (!ready[k]) { /* the conditional of pattern k, computed once per imputation */
      if ((status = Conditional(&J, V, k, K + k * V * V, L + k * V * V))) goto done;
      ready[k] = 1;
    }
    Profile(&J, o, d, i, a, mean);
    for (int r = 0; r < V - k; r++) {
      mu[r] = mean[k + r];
      for (int j = 0; j < k; j++) mu[r] += K[k * V * V + r * k + j] * (yi[j] - mean[j]);
    }
    tt_rng_mvnormal(&g, V - k, mu, L + k * V * V, out + k);
    if (o->method == TT_MI_DELTA && d->group[i] == 1)
      for (int v = k; v < V; v++) out[v] += o->delta;
  }
  status = TT_STATS_OK;
done:
  free(last), free(K), free(ready);
  return status;
}
