/* mmrm_df.c — inference on a contrast c'beta of a REML fit.
 *
 * With u = Phi c, v = c' Phi c and g_k = dv/d theta_k = u' X'W V_k W X u:
 *   Satterthwaite: df = 2 v^2 / (g' A g), A = 2 H^-1 the inverse observed information
 *     of l_R (H the observed Hessian of -2 l_R, mmrm_reml.c), as
 *     R's mmrm and emmeans on nlme::gls fits; invariant to the parametrisation at the
 *     optimum.
 *   Kenward-Roger (1997) for one contrast: W = 2 F^-1 (F the expected Hessian of
 *     -2 l_R), v_A = v + 2 c' Lambda c with Lambda = Phi {sum_kl W_kl (Q_kl - P_k Phi P_l
 *     - R_kl / 4)} Phi; the standard error is sqrt(v_A) and df = 2 v^2 / (g' W g) (their
 *     F scale is 1 when l = 1; Theta taken with the unadjusted Phi, as pbkrtest's
 *     Lb_ddf and R's mmrm do).
 *     Q and P are tensors, taken in theta; R_kl = X'W d2 Sigma/d phi_k d phi_l W X in
 *     the natural parameters phi (zero for the linear structures, as pbkrtest and
 *     SAS's unstructured), with W mapped by the Jacobian d phi / d theta.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mmrmimpl.h"

/* g[k] = u' X'W V_k W X u = u' P_k u. */
static void ContrastGradient(const tt_mmrm_ws *ws, const double u[], double g[])
{
  int p = ws->p, p1 = ws->p1;
  for (int k = 0; k < ws->q; k++) {
    const double *Pk = ws->pk + k * p1 * p1;
    double        v  = 0;
    for (int a = 0; a < p; a++)
      for (int b = 0; b < p; b++) v += u[a] * Pk[a * p1 + b] * u[b];
    g[k] = v;
  }
}

/* With F_P = sum_s X_s u u' X_s' and z_s = W X_s u: ffull = sum_P scatter(W F_P W) (the
 * sum of z_s z_s' over the visits) and uqu[k*q + l] = sum_s z_s' V_k W V_l z_s. buf holds
 * 4 T*T + q T*T + p1*p1 doubles. */
static void ContrastPatterns(const tt_mmrm_ws *ws, const double u[], double ffull[], double uqu[], double *buf)
{
  int     q = ws->q, p = ws->p, p1 = ws->p1, T = ws->T, TT = T * T;
  double *F = buf, *tmp = F + TT, *U = tmp + TT, *V = U + TT, *B = V + TT, *bu = B + q * TT;
  memset(ffull, 0, sizeof(double) * (size_t) TT);
  memset(uqu, 0, sizeof(double) * (size_t) (q * q));
  memset(bu, 0, sizeof(double) * (size_t) (p1 * p1));
  for (int a = 0; a < p; a++)
    for (int b = 0; b < p; b++) bu[a * p1 + b] = u[a] * u[b];
  for (int k = 0; k < ws->npat; k++) {
    const tt_mmrm_pattern *P = ws->pat + k;
    int                    m = P->m;
    tt_mmrm_pattern_zbz(ws, P, bu, F);
    for (int a = 0; a < m; a++) /* U = W F W */
      for (int b = 0; b < m; b++) {
        double v = 0;
        for (int e = 0; e < m; e++) v += P->w[a * m + e] * F[e * m + b];
        tmp[a * m + b] = v;
      }
    for (int a = 0; a < m; a++)
      for (int b = 0; b < m; b++) {
        double v = 0;
        for (int e = 0; e < m; e++) v += tmp[a * m + e] * P->w[e * m + b];
        U[a * m + b] = v;
        ffull[P->vis[a] * T + P->vis[b]] += v;
      }
    for (int l = 0; l < q; l++) { /* B_l = W V_l */
      tt_mmrm_pattern_block(ws, P, ws->ds + l * TT, V);
      for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++) {
          double v = 0;
          for (int e = 0; e < m; e++) v += P->w[a * m + e] * V[e * m + b];
          B[l * TT + a * m + b] = v;
        }
    }
    for (int l = 0; l < q; l++) { /* tr(V_k W V_l U) = sum (W V_k) .* (V_l U) */
      tt_mmrm_pattern_block(ws, P, ws->ds + l * TT, V);
      for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++) {
          double v = 0;
          for (int e = 0; e < m; e++) v += V[a * m + e] * U[e * m + b];
          tmp[a * m + b] = v;
        }
      for (int k = 0; k < q; k++) {
        double v = 0;
        for (int i = 0; i < m * m; i++) v += B[k * TT + i] * tmp[i];
        uqu[k * q + l] += v;
      }
    }
  }
}

/* sum_kl W_kl (u'Q_kl u - (P_k u)' Phi (P_l u)) with W = 2 F^-1 in theta (winv). */
static double TensorTerm(const tt_mmrm_ws *ws, const double uqu[], const double u[], const double winv[], double *pu)
{
  int    q = ws->q, p = ws->p, p1 = ws->p1;
  double sum = 0;
  for (int k = 0; k < q; k++)
    for (int a = 0; a < p; a++) {
      double v = 0;
      for (int b = 0; b < p; b++) v += ws->pk[k * p1 * p1 + a * p1 + b] * u[b];
      pu[k * p + a] = v;
    }
  for (int k = 0; k < q; k++)
    for (int l = 0; l < q; l++) {
      double pp = 0;
      for (int a = 0; a < p; a++)
        for (int b = 0; b < p; b++) pp += pu[k * p + a] * ws->phi[a * p + b] * pu[l * p + b];
      sum += winv[k * q + l] * (uqu[k * q + l] - pp);
    }
  return sum;
}

/* sum_kl W^phi_kl u'R_kl u = sum_kl W^phi_kl <d2 Sigma/d phi_k d phi_l, ffull>,
 * W^phi = J W J' (zero for linear structures). */
static double SecondDerivativeTerm(const tt_mmrm_ws *ws, const double theta[], const double ffull[],
                                   const double winv[], double *buf)
{
  int     q = ws->q, T = ws->T, TT = T * T;
  double *jac = buf, *wphi = jac + q * q, *d2 = wphi + q * q, phi[TT_MMRM_MAXQ], sum = 0;
  if (tt_mmrm_cov_linear(ws->cov)) return 0;
  tt_mmrm_jacobian(ws->cov, T, theta, jac);
  tt_mmrm_theta_to_phi(ws->cov, T, theta, phi);
  tt_mmrm_d2sigma_phi(ws->cov, T, phi, d2);
  for (int k = 0; k < q; k++)
    for (int l = 0; l < q; l++) {
      double v = 0;
      for (int a = 0; a < q; a++)
        for (int b = 0; b < q; b++) v += jac[k * q + a] * winv[a * q + b] * jac[l * q + b];
      wphi[k * q + l] = v;
    }
  for (int k = 0; k < q; k++)
    for (int l = 0; l < q; l++) {
      double v = 0;
      if (wphi[k * q + l] == 0) continue;
      for (int i = 0; i < TT; i++) v += d2[(k * q + l) * TT + i] * ffull[i];
      sum += wphi[k * q + l] * v;
    }
  return sum;
}

/* Standard error and df of c'beta; ws evaluated at theta (level 2). */
static int Inference(tt_mmrm_ws *ws, const double theta[], const double c[], tt_mmrm_df method, double *se, double *df)
{
  int     q = ws->q, p = ws->p, T = ws->T, status = TT_STATS_OK;
  double  u[256], v = 0, gx = 0;
  int     p1   = ws->p1;
  size_t  nbuf = (size_t) (T * T + 2 * q * q + 4 * T * T + q * T * T + p1 * p1 + q * p + q * q * T * T);
  double *g = malloc(sizeof(double) * (size_t) (2 * q + q * q) + sizeof(double) * nbuf), *x = g + q, *m = x + q;
  if (!g) return TT_STATS_EDOMAIN;
  for (int a = 0; a < p; a++) {
    u[a] = 0;
    for (int b = 0; b < p; b++) u[a] += ws->phi[a * p + b] * c[b];
    v += c[a] * u[a];
  }
  ContrastGradient(ws, u, g);
  memcpy(x, g, sizeof(double) * (size_t) q);
  if (method == TT_MMRM_SATTERTHWAITE) { /* g' (2 H^-1) g */
    if (tt_mmrm_hessian(ws, theta, m) || tt_mmrm_spd_solve(q, m, x)) status = TT_STATS_ENOCONV;
    for (int k = 0; k < q; k++) gx += 2 * g[k] * x[k];
    *se = sqrt(v);
  } else { /* W = 2 F^-1 */
    double va, *ffull = m + q * q, *uqu = ffull + T * T, *buf = uqu + q * q;
    memcpy(m, ws->info, sizeof(double) * (size_t) (q * q));
    if (tt_mmrm_spd_inverse(q, m, NULL)) status = TT_STATS_ENOCONV;
    for (int k = 0; k < q * q; k++) m[k] *= 2;
    for (int k = 0; k < q; k++)
      for (int l = 0; l < q; l++) gx += g[k] * m[k * q + l] * g[l];
    ContrastPatterns(ws, u, ffull, uqu, buf);
    va  = v + 2 * (TensorTerm(ws, uqu, u, m, buf) - 0.25 * SecondDerivativeTerm(ws, theta, ffull, m, buf));
    *se = va > 0 ? sqrt(va) : NAN;
  }
  *df = 2 * v * v / gx;
  free(g);
  if (status == TT_STATS_OK && !(isfinite(*se) && *df > 0)) status = TT_STATS_EDOMAIN;
  return status;
}

int tt_mmrm_contrast(const tt_mmrm_data *d, const tt_mmrm_fit *f, const double c[], tt_mmrm_df method,
                     tt_stats_test_spec spec, tt_stats_result *res)
{
  tt_mmrm_ws ws;
  double     est = 0, se = NAN, df = NAN;
  int        status;

  *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  if (!f->converged) return TT_STATS_ENOCONV;
  if (d->p > 256) return TT_STATS_EDOMAIN;
  if (f->work && ((tt_mmrm_ws *) f->work)->d == d) { /* the fit's workspace (at f->theta when it ends) */
    tt_mmrm_ws *w     = f->work;
    int         level = method == TT_MMRM_SATTERTHWAITE ? 3 : 2; /* no work when w holds it */
    status = tt_mmrm_eval(w, f->theta, level) ? TT_STATS_ESINGULAR : Inference(w, f->theta, c, method, &se, &df);
  } else {
    status = tt_mmrm_ws_create(d, f->cov, &ws);
    if (status) return status;
    if (tt_mmrm_eval(&ws, f->theta, method == TT_MMRM_SATTERTHWAITE ? 3 : 2))
      status = TT_STATS_ESINGULAR;
    else
      status = Inference(&ws, f->theta, c, method, &se, &df);
    tt_mmrm_ws_destroy(&ws);
  }
  if (status) return status;
  for (int a = 0; a < d->p; a++) est += c[a] * f->beta[a];
  status          = tt_stats_t_result(est, se, df, spec, res);
  res->n_analysed = f->nsubject;
  return status;
}
