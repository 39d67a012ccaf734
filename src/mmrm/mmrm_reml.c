/* mmrm_reml.c — the REML objective of the MMRM, its gradient and information.
 *
 * At theta, with V = blockdiag(Sigma_s) and W = V^-1 (per subject, from LAPACK's
 * Cholesky), Phi = (X'WX)^-1, beta = Phi X'Wy and r = y - X beta:
 *   -2 l_R = sum_s log|Sigma_s| + log|X'WX| + r'Wr + (n - p) log(2 pi),
 *   d(-2 l_R)/d theta_k = tr(P V_k) - r'W V_k W r,
 *   E d2(-2 l_R)/d theta_k d theta_l = tr(P V_k P V_l),
 *   d2(-2 l_R)/d theta_k d theta_l = tr(P V_kl) - tr(P V_k P V_l) - r'W V_kl W r
 *                                    + 2 r'W V_k P V_l W r (observed),
 * with P = W - W X Phi X' W, V_k = dV/d theta_k and V_kl its second derivatives (Harville
 * 1977 JASA 72:320). Only
 * the diagonal blocks of W X Phi X' W enter the traces, so every sum runs over
 * subjects. Invariant: after tt_mmrm_eval returns 0, ws holds W_s, G_s = W_s X_s, Phi
 * and beta at that theta.
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

int tt_mmrm_ws_create(const tt_mmrm_data *d, tt_mmrm_cov cov, tt_mmrm_ws *ws)
{
  int T = d->nvisit, p = d->p, q, nsub = 0;
  memset(ws, 0, sizeof(*ws));
  if (T < 1 || T > TT_MMRM_MAX_VISITS || cov < 0 || cov >= TT_MMRM_NCOV || p < 1) return TT_STATS_EDOMAIN;
  for (int i = 0; i < d->n; i++) {
    if (d->visit[i] < 0 || d->visit[i] >= T || !isfinite(d->y[i])) return TT_STATS_EDOMAIN;
    if (i == 0 || d->subject[i] != d->subject[i - 1])
      nsub++;
    else if (d->visit[i] <= d->visit[i - 1])
      return TT_STATS_EDOMAIN;
  }
  q         = tt_mmrm_cov_nparam(cov, T);
  ws->d     = d;
  ws->cov   = cov;
  ws->T     = T;
  ws->q     = q;
  ws->p     = p;
  ws->nsub  = nsub;
  ws->start = malloc(sizeof(int) * (size_t) (nsub + 1));
  size_t nd = (size_t) (T * T + q * T * T + nsub * T * T + nsub * T * p + 2 * p * p + 2 * p + q + q * q + q * p * p +
                        2 * q * T * T + 4 * T * T + 2 * p * p + 2 * T * p + 4 * T);
  ws->sigma = malloc(sizeof(double) * nd);
  if (!ws->start || !ws->sigma) {
    tt_mmrm_ws_destroy(ws);
    return TT_STATS_EDOMAIN;
  }
  ws->ds      = ws->sigma + T * T;
  ws->w       = ws->ds + q * T * T;
  ws->g       = ws->w + nsub * T * T;
  ws->xtwx    = ws->g + nsub * T * p;
  ws->phi     = ws->xtwx + p * p;
  ws->xtwy    = ws->phi + p * p;
  ws->beta    = ws->xtwy + p;
  ws->grad    = ws->beta + p;
  ws->info    = ws->grad + q;
  ws->pk      = ws->info + q * q;
  ws->scratch = ws->pk + q * p * p;
  nsub        = 0;
  for (int i = 0; i < d->n; i++)
    if (i == 0 || d->subject[i] != d->subject[i - 1]) ws->start[nsub++] = i;
  ws->start[nsub] = d->n;
  return TT_STATS_OK;
}

void tt_mmrm_ws_destroy(tt_mmrm_ws *ws)
{
  free(ws->start);
  free(ws->sigma);
  ws->start = NULL;
  ws->sigma = NULL;
}

/* Objective pass: W_s, G_s, X'WX, X'Wy, y'Wy, log dets; then Phi and beta. */
static int Objective(tt_mmrm_ws *ws)
{
  const tt_mmrm_data *d = ws->d;
  int                 T = ws->T, p = ws->p;
  double              logdet = 0, ywy = 0, ld, rwr;

  memset(ws->xtwx, 0, sizeof(double) * (size_t) (p * p));
  memset(ws->xtwy, 0, sizeof(double) * (size_t) p);
  for (int s = 0; s < ws->nsub; s++) {
    int     r0 = ws->start[s], m = ws->start[s + 1] - r0;
    double *W = ws->w + s * T * T, *G = ws->g + s * T * p;
    for (int a = 0; a < m; a++)
      for (int b = 0; b < m; b++) W[a * m + b] = ws->sigma[d->visit[r0 + a] * T + d->visit[r0 + b]];
    if (tt_mmrm_spd_inverse(m, W, &ld)) return 1;
    logdet += ld;
    for (int a = 0; a < m; a++) {
      double wy = 0;
      for (int b = 0; b < m; b++) wy += W[a * m + b] * d->y[r0 + b];
      ywy += d->y[r0 + a] * wy;
      for (int c = 0; c < p; c++) {
        double v = 0;
        for (int b = 0; b < m; b++) v += W[a * m + b] * d->x[c * d->n + r0 + b];
        G[a * p + c] = v;
      }
    }
    for (int a = 0; a < m; a++)
      for (int c = 0; c < p; c++) {
        double xa = d->x[c * d->n + r0 + a];
        ws->xtwy[c] += G[a * p + c] * d->y[r0 + a];
        for (int e = 0; e <= c; e++) ws->xtwx[c * p + e] += xa * G[a * p + e];
      }
  }
  for (int c = 0; c < p; c++)
    for (int e = 0; e < c; e++) ws->xtwx[e * p + c] = ws->xtwx[c * p + e];
  memcpy(ws->phi, ws->xtwx, sizeof(double) * (size_t) (p * p));
  if (tt_mmrm_spd_inverse(p, ws->phi, &ld)) return 2;
  rwr = ywy;
  for (int c = 0; c < p; c++) {
    double b = 0;
    for (int e = 0; e < p; e++) b += ws->phi[c * p + e] * ws->xtwy[e];
    ws->beta[c] = b;
    rwr -= b * ws->xtwy[c];
  }
  ws->f = logdet + ld + rwr + (d->n - p) * 1.8378770664093454836; /* log(2 pi) */
  return 0;
}

/* Subject s's block of V_k (m x m) into out. */
static void Block(const tt_mmrm_ws *ws, const double *full, int s, double *out)
{
  int r0 = ws->start[s], m = ws->start[s + 1] - r0, T = ws->T;
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) out[a * m + b] = full[ws->d->visit[r0 + a] * T + ws->d->visit[r0 + b]];
}

/* Subject s at the current beta: residual r, z = W_s r, H = G_s Phi G_s' (m x m); GP scratch (m x p). */
static void SubjectState(const tt_mmrm_ws *ws, int s, double r[], double z[], double H[], double GP[])
{
  const tt_mmrm_data *d = ws->d;
  int                 T = ws->T, p = ws->p, r0 = ws->start[s], m = ws->start[s + 1] - r0;
  const double       *W = ws->w + s * T * T, *G = ws->g + s * T * p;
  for (int a = 0; a < m; a++) {
    double v = d->y[r0 + a];
    for (int c = 0; c < p; c++) v -= d->x[c * d->n + r0 + a] * ws->beta[c];
    r[a] = v;
    for (int c = 0; c < p; c++) {
      double u = 0;
      for (int e = 0; e < p; e++) u += G[a * p + e] * ws->phi[e * p + c];
      GP[a * p + c] = u;
    }
  }
  for (int a = 0; a < m; a++) {
    double u = 0;
    for (int b = 0; b < m; b++) u += W[a * m + b] * r[b];
    z[a] = u;
    for (int b = 0; b < m; b++) {
      double h = 0;
      for (int c = 0; c < p; c++) h += GP[a * p + c] * G[b * p + c];
      H[a * m + b] = h;
    }
  }
}

/* Gradient (level 1) and information (level 2) pass. */
static void Derivatives(tt_mmrm_ws *ws, int level)
{
  int     T = ws->T, p = ws->p, q = ws->q, TT = T * T;
  double *A = ws->scratch, *B = A + q * TT, *V = B + q * TT, *H = V + TT, *z = H + TT, *r = z + T, *Vz = r + T,
         *GP = Vz + T;

  memset(ws->grad, 0, sizeof(double) * (size_t) q);
  if (level > 1) {
    memset(ws->info, 0, sizeof(double) * (size_t) (q * q));
    memset(ws->pk, 0, sizeof(double) * (size_t) (q * p * p));
  }
  for (int s = 0; s < ws->nsub; s++) {
    int           r0 = ws->start[s], m = ws->start[s + 1] - r0;
    const double *W = ws->w + s * TT, *G = ws->g + s * T * p;
    SubjectState(ws, s, r, z, H, GP);
    for (int k = 0; k < q; k++) {
      double tr = 0, zvz = 0;
      Block(ws, ws->ds + k * TT, s, V);
      for (int a = 0; a < m; a++) {
        double u = 0;
        for (int b = 0; b < m; b++) tr += (W[a * m + b] - H[a * m + b]) * V[b * m + a], u += V[a * m + b] * z[b];
        zvz += z[a] * u;
      }
      ws->grad[k] += tr - zvz;
      if (level < 2) continue;
      for (int a = 0; a < m; a++) /* A_k = (W - 2H) V_k, B_k = W V_k */
        for (int b = 0; b < m; b++) {
          double u = 0, w = 0;
          for (int e = 0; e < m; e++)
            u += (W[a * m + e] - 2 * H[a * m + e]) * V[e * m + b], w += W[a * m + e] * V[e * m + b];
          A[k * TT + a * m + b] = u;
          B[k * TT + a * m + b] = w;
        }
      for (int c = 0; c < p; c++) { /* pk += G' V_k G (lower triangle) */
        for (int a = 0; a < m; a++) {
          double u = 0;
          for (int b = 0; b < m; b++) u += V[a * m + b] * G[b * p + c];
          Vz[a] = u;
        }
        for (int e = 0; e <= c; e++) {
          double v = 0;
          for (int b = 0; b < m; b++) v += G[b * p + e] * Vz[b];
          ws->pk[k * p * p + c * p + e] += v;
        }
      }
    }
    if (level < 2) continue;
    for (int k = 0; k < q; k++)
      for (int l = 0; l <= k; l++) {
        double t = 0;
        for (int a = 0; a < m; a++)
          for (int b = 0; b < m; b++) t += A[k * TT + a * m + b] * B[l * TT + b * m + a];
        ws->info[k * q + l] += t;
      }
  }
  if (level < 2) return;
  for (int k = 0; k < q; k++) { /* symmetrise pk_k */
    double *P = ws->pk + k * p * p;
    for (int c = 0; c < p; c++)
      for (int e = 0; e < c; e++) P[e * p + c] = P[c * p + e];
  }
  for (int k = 0; k < q; k++) {
    const double *Pk = ws->pk + k * p * p;
    for (int l = 0; l <= k; l++) {
      const double *Pl = ws->pk + l * p * p;
      double        t  = 0;
      for (int a = 0; a < p; a++) /* tr(Phi Pk Phi Pl) = sum_ab (Phi Pk)_ab (Phi Pl)_ba */
        for (int b = 0; b < p; b++) {
          double u = 0, v = 0;
          for (int e = 0; e < p; e++) u += ws->phi[a * p + e] * Pk[e * p + b], v += ws->phi[b * p + e] * Pl[e * p + a];
          t += u * v;
        }
      ws->info[k * q + l] += t;
      ws->info[l * q + k] = ws->info[k * q + l];
    }
  }
}

int tt_mmrm_eval(tt_mmrm_ws *ws, const double theta[], int level)
{
  int status;
  tt_mmrm_theta_to_sigma(ws->cov, ws->T, theta, ws->sigma);
  status = Objective(ws);
  if (status) {
    ws->f = INFINITY;
    return status;
  }
  if (level < 1) return 0;
  tt_mmrm_dsigma_theta(ws->cov, ws->T, theta, ws->ds);
  Derivatives(ws, level);
  return 0;
}

int tt_mmrm_hessian(tt_mmrm_ws *ws, const double theta[], double h[])
{
  int     T = ws->T, p = ws->p, q = ws->q, TT = T * T, nkl = q * (q + 1) / 2;
  double *d2, *vz, *wvz, *pz, *r, *z, *H, *GP, *V;
  if (tt_mmrm_eval(ws, theta, 2)) return 1;
  d2 = malloc(sizeof(double) * (size_t) (nkl * TT + 2 * q * T + q * p + 3 * T + TT + T * p + TT));
  if (!d2) return 1;
  vz = d2 + nkl * TT, wvz = vz + q * T, pz = wvz + q * T, r = pz + q * p, z = r + T, H = z + T, GP = H + TT;
  V = GP + T * p;
  tt_mmrm_d2sigma_theta(ws->cov, T, theta, d2);
  memset(pz, 0, sizeof(double) * (size_t) (q * p));
  for (int k = 0; k < q * q; k++) h[k] = -ws->info[k]; /* - tr(P V_k P V_l) */
  for (int s = 0; s < ws->nsub; s++) {
    int           m = ws->start[s + 1] - ws->start[s];
    const double *W = ws->w + s * TT, *G = ws->g + s * T * p;
    SubjectState(ws, s, r, z, H, GP);
    for (int k = 0; k < q; k++) { /* V_k z, W V_k z, G' V_k z */
      Block(ws, ws->ds + k * TT, s, V);
      for (int a = 0; a < m; a++) {
        double u = 0;
        for (int b = 0; b < m; b++) u += V[a * m + b] * z[b];
        vz[k * T + a] = u;
      }
      for (int a = 0; a < m; a++) {
        double u = 0;
        for (int b = 0; b < m; b++) u += W[a * m + b] * vz[k * T + b];
        wvz[k * T + a] = u;
      }
      for (int c = 0; c < p; c++) {
        double u = 0;
        for (int a = 0; a < m; a++) u += G[a * p + c] * vz[k * T + a];
        pz[k * p + c] += u;
      }
    }
    for (int k = 0, kl = 0; k < q; k++)
      for (int l = 0; l <= k; l++, kl++) { /* tr(P V_kl) - z'V_kl z + 2 (V_k z)' W (V_l z) */
        double t = 0;
        Block(ws, d2 + kl * TT, s, V);
        for (int a = 0; a < m; a++) {
          double u = 0;
          for (int b = 0; b < m; b++) t += (W[a * m + b] - H[a * m + b]) * V[b * m + a], u += V[a * m + b] * z[b];
          t += 2 * vz[k * T + a] * wvz[l * T + a] - z[a] * u;
        }
        h[k * q + l] += t;
      }
  }
  for (int k = 0; k < q; k++) /* - 2 (G'V_k z)' Phi (G'V_l z), the projection's part */
    for (int l = 0; l <= k; l++) {
      double t = 0;
      for (int a = 0; a < p; a++)
        for (int b = 0; b < p; b++) t += pz[k * p + a] * ws->phi[a * p + b] * pz[l * p + b];
      h[k * q + l] -= 2 * t;
      h[l * q + k] = h[k * q + l];
    }
  free(d2);
  return 0;
}
