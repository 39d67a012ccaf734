/* mmrm_reml.c — the REML objective of the MMRM, its gradient, information and Hessian.
 *
 * At theta, with V = blockdiag(Sigma_s) and W = V^-1 (per pattern of visits, from
 * LAPACK's Cholesky), Phi = (X'WX)^-1, beta = Phi X'Wy and r = y - X beta:
 *   -2 l_R = sum_s log|Sigma_s| + log|X'WX| + r'Wr + (n - p) log(2 pi),
 *   d(-2 l_R)/d theta_k = tr(P V_k) - r'W V_k W r,
 *   E d2(-2 l_R)/d theta_k d theta_l = tr(P V_k P V_l),
 *   d2(-2 l_R)/d theta_k d theta_l = tr(P V_kl) - tr(P V_k P V_l) - r'W V_kl W r
 *                                    + 2 r'W V_k P V_l W r (observed),
 * with P = W - W X Phi X' W, V_k = dV/d theta_k and V_kl its second derivatives (Harville
 * 1977 JASA 72:320). Every sum over the subjects of a pattern is a contraction of its
 * sufficient statistics (mmrm_pattern.c) with E_P = sum_s X_s Phi X_s' and
 * R_P = sum_s r_s r_s' (both from Z_s B Z_s' with B = Phi, gamma gamma', gamma = (-beta, 1)):
 *   sum_s tr(P_s V_k) - r_s'W V_k W r_s = tr(V_k (n_P W - W (E_P + R_P) W)),
 *   sum_s tr((W - 2 H_s) V_k W V_l) = tr((n_P W - 2 W E_P W) V_k W V_l), H_s = W X_s Phi X_s' W,
 *   tr(H V_k H V_l) = tr(Phi P_k Phi P_l), P_k = X'W V_k W X (the off-diagonal blocks of H),
 *   sum_s z_s'V_k W V_l z_s = tr(V_k W V_l W R_P W), z_s = W r_s.
 * Invariant: after tt_mmrm_eval returns 0, ws holds every W_P, Z'WZ, Phi and beta at
 * that theta (and what the level asked for).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmrmimpl.h"

/* c = a b, m x m row major. */
static void Mul(int m, const double *restrict a, const double *restrict b, double *restrict c)
{
  for (int i = 0; i < m; i++) {
    double *ci = c + i * m;
    for (int j = 0; j < m; j++) ci[j] = 0;
    for (int e = 0; e < m; e++) {
      double aie = a[i * m + e];
      for (int j = 0; j < m; j++) ci[j] += aie * b[e * m + j];
    }
  }
}

static double Dot(int n, const double *restrict a, const double *restrict b)
{
  double v = 0;
  for (int i = 0; i < n; i++) v += a[i] * b[i];
  return v;
}

/* Objective pass: W_P, Z'WZ, log dets; then Phi and beta. */
static int Objective(tt_mmrm_ws *ws)
{
  int    p = ws->p, p1 = ws->p1;
  double logdet = 0, ld, rwr;

  memset(ws->zwz, 0, sizeof(double) * (size_t) (p1 * p1));
  for (int k = 0; k < ws->npat; k++) {
    tt_mmrm_pattern *P = ws->pat + k;
    tt_mmrm_pattern_block(ws, P, ws->sigma, P->w);
    if (tt_mmrm_spd_inverse(P->m, P->w, &P->logdet)) return 1;
    logdet += P->n * P->logdet;
    tt_mmrm_pattern_zaz(ws, P, P->w, ws->zwz);
  }
  for (int a = 0; a < p; a++) memcpy(ws->phi + a * p, ws->zwz + a * p1, sizeof(double) * (size_t) p);
  if (tt_mmrm_spd_inverse(p, ws->phi, &ld)) return 2;
  rwr = ws->zwz[p * p1 + p];
  for (int c = 0; c < p; c++) {
    double b = 0;
    for (int e = 0; e < p; e++) b += ws->phi[c * p + e] * ws->zwz[e * p1 + p];
    ws->beta[c] = b;
  }
  for (int c = 0; c < p; c++) rwr -= ws->beta[c] * ws->zwz[c * p1 + p];
  ws->f = logdet + ld + rwr + (ws->d->n - p) * 1.8378770664093454836; /* log(2 pi) */
  return 0;
}

typedef struct {
  double *V, *B, *Y, *Z;               /* [q*T*T]: V_k, W V_k, W V_k (n W - 2 W E W), W V_k W R W */
  double *E, *R, *WEW, *WRW, *M, *tmp; /* [T*T] */
  double *bphi, *bgg;                  /* [p1*p1]: Phi and gamma gamma' padded */
  double *mk;                          /* [q*p*p] Phi P_k */
  double *pz;                          /* [q*p1] P_k gamma (first p entries used) */
  double *at;                          /* [T*T*q] W V_k W, k innermost */
  double *pkt;                         /* [p1*p1*q] P_k, k innermost */
  double *yfull, *zfull;               /* [q*T*T] sum_P scatter(Y_k), scatter(Z_k) */
  double *hterm;                       /* [q*q], in ws->hess */
} Scratch;

static Scratch Carve(tt_mmrm_ws *ws)
{
  int     q = ws->q, TT = ws->T * ws->T, p1 = ws->p1, p = ws->p;
  double *s = ws->scratch;
  Scratch S;
  S.V = s, S.B = S.V + q * TT, S.Y = S.B + q * TT, S.Z = S.Y + q * TT;
  S.E = S.Z + q * TT, S.R = S.E + TT, S.WEW = S.R + TT, S.WRW = S.WEW + TT, S.M = S.WRW + TT, S.tmp = S.M + TT;
  S.bphi = S.tmp + TT, S.bgg = S.bphi + p1 * p1, S.mk = S.bgg + p1 * p1, S.pz = S.mk + q * p * p;
  S.at = S.pz + q * p1, S.pkt = S.at + q * TT, S.yfull = S.pkt + q * p1 * p1, S.zfull = S.yfull + q * TT;
  S.hterm = ws->hess;
  return S;
}

/* One pattern's share of the gradient (mfull), information and Hessian terms, P_k:
 * tr(M V_k W V_l) = <W V_k M, V_l> and tr(V_k W V_l U) = <W V_k U, V_l> (symmetric V, W),
 * V_l a block of d Sigma / d theta_l, so the first factors are summed over the patterns
 * in T x T (yfull, zfull) and the inner products taken once. */
static void PatternTerms(tt_mmrm_ws *ws, const tt_mmrm_pattern *P, int level, Scratch *S)
{
  int           m = P->m, mm = m * m, q = ws->q, TT = ws->T * ws->T, T = ws->T;
  const double *W = P->w;
  tt_mmrm_pattern_zbz(ws, P, S->bphi, S->E);
  tt_mmrm_pattern_zbz(ws, P, S->bgg, S->R);
  Mul(m, W, S->E, S->tmp), Mul(m, S->tmp, W, S->WEW);
  Mul(m, W, S->R, S->tmp), Mul(m, S->tmp, W, S->WRW);
  for (int a = 0; a < m; a++)
    for (int b = 0; b < m; b++) {
      int i   = a * m + b;
      S->M[i] = P->n * W[i] - S->WEW[i] - S->WRW[i];
      ws->mfull[P->vis[a] * T + P->vis[b]] += S->M[i];
    }
  if (level < 2) return;
  for (int i = 0; i < mm; i++) S->M[i] = P->n * W[i] - 2 * S->WEW[i];
  for (int k = 0; k < q; k++) {
    double *V = S->V + k * TT, *B = S->B + k * TT;
    tt_mmrm_pattern_block(ws, P, ws->ds + k * TT, V);
    Mul(m, W, V, B);
    Mul(m, B, S->M, S->Y + k * TT);
    Mul(m, B, W, S->tmp); /* W V_k W */
    for (int i = 0; i < mm; i++) S->at[i * q + k] = S->tmp[i];
    if (level > 2) Mul(m, B, S->WRW, S->Z + k * TT);
  }
  tt_mmrm_pattern_zaz_multi(ws, P, q, S->at, S->pkt);
  for (int k = 0; k < q; k++)
    for (int a = 0; a < m; a++)
      for (int b = 0; b < m; b++) {
        int i = P->vis[a] * T + P->vis[b];
        S->yfull[k * TT + i] += S->Y[k * TT + a * m + b];
        if (level > 2) S->zfull[k * TT + i] += S->Z[k * TT + a * m + b];
      }
}

/* tr(Phi P_k Phi P_l) into info; level 3: the Hessian from hterm. */
static void Finish(tt_mmrm_ws *ws, int level, Scratch *S)
{
  int     q = ws->q, p = ws->p, p1 = ws->p1, TT = ws->T * ws->T;
  double *mt = S->pkt, *phz = S->pkt + q * p * p; /* (Phi P_k)' and Phi P_k gamma: pkt is free now */
  for (int k = 0; k < q; k++) {
    const double *Pk = ws->pk + k * p1 * p1;
    double       *Mk = S->mk + k * p * p, *Mt = mt + k * p * p;
    for (int a = 0; a < p; a++) {
      double *row = Mk + a * p;
      for (int b = 0; b < p; b++) row[b] = 0;
      for (int e = 0; e < p; e++) {
        double f = ws->phi[a * p + e];
        for (int b = 0; b < p; b++) row[b] += f * Pk[e * p1 + b];
      }
    }
    for (int a = 0; a < p; a++)
      for (int b = 0; b < p; b++) Mt[b * p + a] = Mk[a * p + b];
    for (int a = 0; a < p; a++) {
      double v = Pk[a * p1 + p];
      for (int b = 0; b < p; b++) v -= Pk[a * p1 + b] * ws->beta[b];
      S->pz[k * p1 + a] = v;
    }
    for (int a = 0; a < p; a++) phz[k * p + a] = Dot(p, ws->phi + a * p, S->pz + k * p1);
  }
  for (int k = 0; k < q; k++) /* tr(Phi P_k Phi P_l) = <Phi P_k, (Phi P_l)'> */
    for (int l = 0; l <= k; l++) {
      ws->info[k * q + l] += Dot(p * p, S->mk + k * p * p, mt + l * p * p);
      ws->info[l * q + k] = ws->info[k * q + l];
    }
  if (level < 3) return;
  tt_mmrm_d2sigma_theta(ws->cov, ws->T, ws->theta_at, ws->d2);
  for (int k = 0, kl = 0; k < q; k++)
    for (int l = 0; l <= k; l++, kl++) {
      double t            = S->hterm[k * q + l] - ws->info[k * q + l] + Dot(TT, ws->d2 + kl * TT, ws->mfull);
      ws->hess[k * q + l] = ws->hess[l * q + k] = t - 2 * Dot(p, S->pz + k * p1, phz + l * p);
    }
}

/* Gradient (level 1), information (2) and Hessian (3). */
static void Derivatives(tt_mmrm_ws *ws, int level)
{
  int     q = ws->q, p = ws->p, p1 = ws->p1, TT = ws->T * ws->T;
  Scratch S = Carve(ws);

  memset(ws->mfull, 0, sizeof(double) * (size_t) TT);
  memset(ws->info, 0, sizeof(double) * (size_t) (q * q));
  memset(ws->hess, 0, sizeof(double) * (size_t) (q * q));
  memset(S.bphi, 0, sizeof(double) * (size_t) (2 * p1 * p1));
  for (int a = 0; a < p; a++) memcpy(S.bphi + a * p1, ws->phi + a * p, sizeof(double) * (size_t) p);
  for (int a = 0; a < p1; a++)
    for (int b = 0; b < p1; b++) S.bgg[a * p1 + b] = (a < p ? -ws->beta[a] : 1) * (b < p ? -ws->beta[b] : 1);
  if (level > 1) memset(S.pkt, 0, sizeof(double) * (size_t) (q * p1 * p1 + 2 * q * TT));
  for (int k = 0; k < ws->npat; k++) PatternTerms(ws, ws->pat + k, level, &S);
  if (level > 1) {
    for (int k = 0; k < q; k++)
      for (int i = 0; i < p1 * p1; i++) ws->pk[k * p1 * p1 + i] = S.pkt[i * q + k];
    for (int k = 0; k < q; k++)
      for (int l = 0; l <= k; l++) {
        ws->info[k * q + l] += Dot(TT, S.yfull + k * TT, ws->ds + l * TT);
        if (level > 2) S.hterm[k * q + l] += 2 * Dot(TT, S.zfull + k * TT, ws->ds + l * TT);
      }
  }
  for (int k = 0; k < q; k++) {
    double g = 0;
    for (int i = 0; i < TT; i++) g += ws->ds[k * TT + i] * ws->mfull[i];
    ws->grad[k] = g;
  }
  if (level > 1) Finish(ws, level, &S);
}

int tt_mmrm_eval(tt_mmrm_ws *ws, const double theta[], int level)
{
  int status, same = ws->level >= 0 && !memcmp(theta, ws->theta_at, sizeof(double) * (size_t) ws->q);
  if (same && ws->level >= level) return 0;
  if (!same) { /* else the objective at theta is there: the derivatives only */
    memcpy(ws->theta_at, theta, sizeof(double) * (size_t) ws->q);
    ws->level = -1;
    tt_mmrm_theta_to_sigma(ws->cov, ws->T, theta, ws->sigma);
    status = Objective(ws);
    if (status) {
      ws->f = INFINITY;
      return status;
    }
  }
  if (level > 0) {
    tt_mmrm_dsigma_theta(ws->cov, ws->T, theta, ws->ds);
    Derivatives(ws, level);
  }
  ws->level = level;
  return 0;
}

int tt_mmrm_hessian(tt_mmrm_ws *ws, const double theta[], double h[])
{
  if (tt_mmrm_eval(ws, theta, 3)) return 1;
  memcpy(h, ws->hess, sizeof(double) * (size_t) (ws->q * ws->q));
  return 0;
}
