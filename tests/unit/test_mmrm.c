/* test_mmrm.c — the MMRM engine on cases with known answers.
 * 1. Complete data, unstructured covariance, visit-specific intercept, treatment and
 *    baseline: the REML fit is the multivariate linear model, so each visit's treatment
 *    effect and SE equal that visit's own OLS ANCOVA (tt_stats_ancova, Householder QR)
 *    and the Satterthwaite and Kenward-Roger df are its n - 3 residual df exactly.
 * 2. A visit that repeats another exactly (singular covariance): not converged, reported.
 * 3. Bad input: unsorted visits, too few rows, a visit without treated subjects.
 * 4. The analytic observed Hessian of every structure equals central differences of the
 *    analytic gradient (at the start and at the REML fit, visits missing).
 * 5. A contrast from the fit's kept workspace equals one from a rebuilt workspace. */
#include <math.h>
#include <stdlib.h>
#include "mmrm/mmrmimpl.h"
#include "tt_check.h"

#define N 120
#define T 4

static double Normal(unsigned long long *s)
{
  double u[2];
  for (int i = 0; i < 2; i++) {
    *s   = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u[i] = ((*s >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static int    id[N * T], vis[N * T], treat[N * T];
static double base[N * T], y[N * T], x[N * T * 3 * T];

/* Complete data; when dup, visit 2 repeats visit 1. */
static void Simulate(int dup)
{
  unsigned long long s = 42;
  for (int i = 0; i < N; i++) {
    double b = 20 + 4 * Normal(&s), shared = 1.5 * Normal(&s);
    for (int t = 0; t < T; t++) {
      int r    = i * T + t;
      id[r]    = i;
      vis[r]   = t;
      treat[r] = i % 2;
      base[r]  = b;
      y[r]     = 0.5 * t - 0.8 * t * treat[r] + 0.1 * b + shared + (1 + 0.3 * t) * Normal(&s);
      if (dup && t == 2) y[r] = y[r - 1];
    }
  }
}

static void CompleteData(void)
{
  int                p    = tt_mmrm_design_columns(T, 1, 0);
  tt_mmrm_data       d    = {N * T, T, p, id, vis, x, y};
  tt_mmrm_options    o    = {TT_MMRM_UNSTRUCTURED, 0};
  tt_stats_test_spec spec = {0.05, 2, 0};
  tt_mmrm_fit        f;
  Simulate(0);
  tt_mmrm_design(N * T, T, vis, treat, base, 0, NULL, x);
  tt_mmrm_fit_alloc(&f, p, o.cov, T);
  TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_OK && f.converged, "unstructured fit converges");
  for (int t = 0; t < T; t++) {
    double          yt[N], bt[N], c[3 * T] = {0};
    int             tr[N];
    tt_stats_result ols, sat, kr;
    for (int i = 0; i < N; i++) yt[i] = y[i * T + t], bt[i] = base[i * T + t], tr[i] = treat[i * T];
    tt_stats_ancova(N, yt, tr, 1, bt, spec, &ols);
    c[T + t] = 1;
    TT_CHECK(tt_mmrm_contrast(&d, &f, c, TT_MMRM_SATTERTHWAITE, spec, &sat) == TT_STATS_OK, "Satterthwaite");
    TT_CHECK(tt_mmrm_contrast(&d, &f, c, TT_MMRM_KENWARD_ROGER, spec, &kr) == TT_STATS_OK, "Kenward-Roger");
    TT_CHECK_CLOSE(sat.estimate, ols.estimate, 1e-8, "per-visit OLS ANCOVA");
    TT_CHECK_CLOSE(sat.std_error, ols.std_error, 1e-8 * ols.std_error, "per-visit OLS ANCOVA");
    TT_CHECK_CLOSE(sat.df, N - 3, 1e-5, "multivariate linear model: n - 3");
    TT_CHECK_CLOSE(kr.df, N - 3, 1e-5, "multivariate linear model: n - 3");
    TT_CHECK_CLOSE(sat.p_value, ols.p_value, 1e-8, "per-visit OLS ANCOVA");
  }
  tt_mmrm_fit_free(&f);
}

static void Singular(void)
{
  int                p    = tt_mmrm_design_columns(T, 1, 0), status;
  tt_mmrm_data       d    = {N * T, T, p, id, vis, x, y};
  tt_mmrm_options    o    = {TT_MMRM_UNSTRUCTURED, 0};
  tt_stats_test_spec spec = {0.05, 2, 0};
  tt_stats_result    res;
  double             c[3 * T] = {0};
  tt_mmrm_fit        f;
  Simulate(1);
  tt_mmrm_design(N * T, T, vis, treat, base, 0, NULL, x);
  tt_mmrm_fit_alloc(&f, p, o.cov, T);
  status = tt_mmrm_fit_reml(&d, &o, &f);
  TT_CHECK(status != TT_STATS_OK && !f.converged, "a singular covariance is reported, not used");
  c[2 * T - 1] = 1;
  TT_CHECK(tt_mmrm_contrast(&d, &f, c, TT_MMRM_SATTERTHWAITE, spec, &res) == TT_STATS_ENOCONV && isnan(res.estimate),
           "no inference from a fit that did not converge");
  tt_mmrm_fit_free(&f);
}

static void BadInput(void)
{
  int             p = tt_mmrm_design_columns(T, 1, 0);
  tt_mmrm_data    d = {N * T, T, p, id, vis, x, y};
  tt_mmrm_options o = {TT_MMRM_AR1, 0};
  tt_mmrm_fit     f;
  Simulate(0);
  tt_mmrm_design(N * T, T, vis, treat, base, 0, NULL, x);
  tt_mmrm_fit_alloc(&f, p, o.cov, T);
  vis[1] = 3;
  TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_EDOMAIN, "unsorted visits");
  vis[1] = 1;
  d.n    = p;
  TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_ETOOFEW, "n <= p");
  d.n = N * T;
  for (int r = 0; r < N * T; r++) treat[r] = vis[r] == 3 ? 0 : treat[r];
  tt_mmrm_design(N * T, T, vis, treat, base, 0, NULL, x);
  TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_ESINGULAR, "no treated twin at the last visit");
  tt_mmrm_fit_free(&f);
}

static void Hessians(void)
{
  int          p = tt_mmrm_design_columns(T, 1, 0), n = 0;
  tt_mmrm_data d;
  Simulate(0);
  for (int r = 0; r < N * T; r++) /* monotone dropout: every fifth twin leaves after visit 1 */
    if (!(id[r] % 5 == 0 && vis[r] > 1))
      id[n] = id[r], vis[n] = vis[r], treat[n] = treat[r], base[n] = base[r], y[n++] = y[r];
  tt_mmrm_design(n, T, vis, treat, base, 0, NULL, x);
  d = (tt_mmrm_data){n, T, p, id, vis, x, y};
  for (int cov = 0; cov < TT_MMRM_NCOV; cov++) {
    tt_mmrm_ws      ws;
    tt_mmrm_fit     f;
    tt_mmrm_options o = {(tt_mmrm_cov) cov, 0};
    int             q = tt_mmrm_cov_nparam((tt_mmrm_cov) cov, T);
    double          h[TT_MMRM_MAXQ * TT_MMRM_MAXQ], th[TT_MMRM_MAXQ], gp[TT_MMRM_MAXQ], scale = 0;
    tt_mmrm_fit_alloc(&f, p, o.cov, T);
    TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_OK, tt_mmrm_cov_name(o.cov));
    tt_mmrm_ws_create(&d, o.cov, &ws);
    for (int k = 0; k < q; k++) th[k] = f.theta[k] + 0.05 * (k % 3 - 1); /* off the optimum too */
    TT_CHECK(!tt_mmrm_hessian(&ws, th, h), "Hessian");
    for (int k = 0; k < q * q; k++) scale = fmax(scale, fabs(h[k]));
    for (int l = 0; l < q; l++) {
      double t[TT_MMRM_MAXQ], step = 1e-5;
      for (int k = 0; k < q; k++) t[k] = th[k];
      t[l] += step;
      tt_mmrm_eval(&ws, t, 1);
      for (int k = 0; k < q; k++) gp[k] = ws.grad[k];
      t[l] -= 2 * step;
      tt_mmrm_eval(&ws, t, 1);
      for (int k = 0; k < q; k++)
        TT_CHECK_CLOSE(h[k * q + l], (gp[k] - ws.grad[k]) / (2 * step), 1e-6 * scale, "differences of the gradient");
    }
    tt_mmrm_ws_destroy(&ws);
    tt_mmrm_fit_free(&f);
  }
}

/* The contrast from the fit's own workspace (same data object) equals, bit for bit, the
 * contrast from a workspace rebuilt for a copy of the data object, in any order of df
 * methods; a refit on the same fit replaces its workspace. */
static void Reuse(void)
{
  int                p = tt_mmrm_design_columns(T, 1, 0), n = 0;
  tt_stats_test_spec spec = {0.05, 2, 0};
  tt_mmrm_data       d, copy;
  Simulate(0);
  for (int r = 0; r < N * T; r++) /* monotone dropout and a missed visit */
    if (!(id[r] % 4 == 0 && vis[r] > 1) && !(id[r] % 7 == 1 && vis[r] == 1))
      id[n] = id[r], vis[n] = vis[r], treat[n] = treat[r], base[n] = base[r], y[n++] = y[r];
  tt_mmrm_design(n, T, vis, treat, base, 0, NULL, x);
  d    = (tt_mmrm_data){n, T, p, id, vis, x, y};
  copy = d;
  for (int cov = 0; cov < TT_MMRM_NCOV; cov++) {
    tt_mmrm_fit     f;
    tt_mmrm_options o        = {(tt_mmrm_cov) cov, 0};
    double          c[3 * T] = {0};
    c[2 * T - 1]             = 1;
    tt_mmrm_fit_alloc(&f, p, o.cov, T);
    TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_OK, tt_mmrm_cov_name(o.cov));
    TT_CHECK(tt_mmrm_fit_reml(&d, &o, &f) == TT_STATS_OK, "refit");
    for (int k = 0; k < 3; k++) {
      tt_mmrm_df      m = k == 1 ? TT_MMRM_SATTERTHWAITE : TT_MMRM_KENWARD_ROGER;
      tt_stats_result a, b;
      TT_CHECK(tt_mmrm_contrast(&d, &f, c, m, spec, &a) == TT_STATS_OK, "contrast, the fit's workspace");
      TT_CHECK(tt_mmrm_contrast(&copy, &f, c, m, spec, &b) == TT_STATS_OK, "contrast, a new workspace");
      TT_CHECK(a.estimate == b.estimate && a.std_error == b.std_error && a.df == b.df && a.p_value == b.p_value,
               "the fit's workspace gives the same bits");
    }
    tt_mmrm_fit_free(&f);
  }
}

int main(void)
{
  CompleteData();
  Singular();
  BadInput();
  Hessians();
  Reuse();
  if (!tt_failures) printf("test_mmrm: all checks passed\n");
  return tt_failures;
}
