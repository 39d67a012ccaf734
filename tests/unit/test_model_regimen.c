/* test_model_regimen.c — each closed-form model's switch (mean_regimen, events_regimen)
 * against a computation written here independently of the model's code:
 *  - alzheimers_adas: the Richards ODE d mu/dt = SL(t) mu (1 - mu^s) integrated by
 *    classical RK4 with the piecewise slope SL (1 - f_j), plus the placebo term and the
 *    superposed symptomatic steps -sum (Emax_j - Emax_{j-1}) h_j(t - s_j) typed here;
 *  - oncology_tgi_os: d u/dt = -a u - m(t) KDE e^{-lambda t} (log size against the
 *    plateau) by RK4; death: the survival composed over the segments, checked on 40000
 *    normals against S(s_1) S_1(t) / S_1(s_1) with TTG of the regimen so far;
 *  - ms_relapse: the expected count sum_j rate_j (M(min(t, s_{j+1})) - M(s_j)) typed here,
 *    and the relapses after a switch a Poisson process of the new rate (40000 twins);
 * and for each: continuity at the switches (where the model says so), every value and
 * event before the first switch bit for bit the unswitched one, and a "switch" to the
 * same effects changing nothing (to rounding). */
#include <string.h>
#include <petscsys.h>
#include <twintrial/model.h>
#include <twintrial/rng.h>
#include <twintrial/stats.h>
#include "tt_check.h"

static void Defaults(const TTModelType *m, double *par, double *eff)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
}

static void SetEffect(const TTModelType *m, double *eff, const char *name, double v)
{
  int k = tt_model_param_index(m->neffect, m->effect, name);
  TT_CHECK(k >= 0, name);
  if (k >= 0) eff[k] = v;
}

static double Par(const TTModelType *m, const double *par, const char *name)
{
  return par[tt_model_param_index(m->nparam, m->param, name)];
}

/* ---- alzheimers_adas ---- */

/* Independent course: RK4 on mu for the disease-modifying part (step 1e-4 year), the
 * placebo and the superposed symptomatic steps typed from the model's source. */
static double AdasReference(const TTModelType *m, const double *par, const double *cov, const double *eta,
                            const TTRegimen *reg, double t)
{
  const int emax = 0, et50 = 1, dm = 2; /* effect order, checked below */
  double    bl = Par(m, par, "baseline") * (cov[1] > 0.5 ? Par(m, par, "male_on_baseline") : 1.0);
  double    sl, s = Par(m, par, "shape"), mu, h = 1e-4, tc = 0, drug = 0, before = 0, pbo;
  bl *= 1.0 + Par(m, par, "apoe4_on_baseline") * (cov[2] - 0.72);
  sl = Par(m, par, "slope") * (1.0 - Par(m, par, "age_on_slope") * (cov[0] - 75.0)) *
       (1.0 + Par(m, par, "apoe4_on_slope") * (cov[2] - 0.72));
  if (cov[3] < 0.5) sl *= Par(m, par, "no_ache_on_slope");
  sl += eta[1];
  mu = bl * exp(eta[0]) / 70.0;
  while (tc < t - 1e-12) {
    double step = fmin(h, t - tc), k1, k2, k3, k4, r;
    int    j    = tt_regimen_segment(reg, tc + 0.5 * step);
    r           = sl * (1.0 - reg->eff[j * m->neffect + dm]);
#define F(x) (r * (x) * (1.0 - pow((x), s)))
    k1 = F(mu), k2 = F(mu + 0.5 * step * k1), k3 = F(mu + 0.5 * step * k2), k4 = F(mu + step * k3);
#undef F
    mu += step / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
    tc += step;
  }
  for (int j = 0; j < reg->n && reg->start[j] < t; j++) {
    const double *e  = reg->eff + j * m->neffect;
    double        tw = (t - reg->start[j]) * 365.25 / 7.0;
    drug -= (e[emax] - before) * tw / (e[et50] + tw);
    before = e[emax];
  }
  pbo = -Par(m, par, "placebo_beta") * (exp(-Par(m, par, "placebo_kel") * t) - exp(-Par(m, par, "placebo_keq") * t));
  return 70.0 * (mu + pbo + drug / 70.0);
}

static PetscErrorCode TestAdas(void)
{
  const TTModelType *m = tt_model_find("alzheimers_adas");
  double    par[32], e[3], eff[4 * 3], cov[4] = {71, 1, 1, 0}, eta[2] = {0.1, 0.06}, start[4] = {0, 0.5, 1.0, 1.5};
  double    t[9] = {0, 0.25, 0.5, 0.5 + 1e-9, 0.75, 1.0, 1.0 + 1e-9, 1.25, 2.0}, y[9], y0[9], ysame[9];
  TTRegimen reg  = {4, start, eff};

  PetscFunctionBeginUser;
  TT_CHECK(!strcmp(m->effect[0].name, "symptomatic_emax") && !strcmp(m->effect[2].name, "disease_modifying_fraction"),
           "AD effect order");
  Defaults(m, par, e);
  /* 0: symptomatic 4.1; 0.5 y: escalate to 6 and add disease modification 0.4; 1 y: stop
   * the symptomatic drug (faster offset, ET50 3 weeks); 1.5 y: stop everything */
  for (int j = 0; j < 4; j++) memcpy(eff + 3 * j, e, sizeof e);
  SetEffect(m, eff, "symptomatic_emax", 4.1);
  SetEffect(m, eff + 3, "symptomatic_emax", 6.0);
  SetEffect(m, eff + 3, "disease_modifying_fraction", 0.4);
  SetEffect(m, eff + 6, "disease_modifying_fraction", 0.4);
  SetEffect(m, eff + 6, "symptomatic_et50_weeks", 3.0);
  m->mean_regimen(par, cov, eta, &reg, 9, t, y);
  for (int i = 0; i < 9; i++) {
    double ref = AdasReference(m, par, cov, eta, &reg, t[i]);
    TT_CHECK_CLOSE(y[i], ref, 1e-8, "ADAS-Cog under a switching regimen = RK4 of the Richards ODE + steps");
  }
  TT_CHECK_CLOSE(y[3], y[2], 1e-6, "continuous at the escalation");
  TT_CHECK_CLOSE(y[6], y[5], 1e-6, "continuous at the discontinuation");
  for (int i = 0; i < 3; i++) m->mean(par, cov, eta, eff, t[i], y0 + i);
  for (int i = 0; i < 3; i++) TT_CHECK(y[i] == y0[i], "before the first switch bitwise the first segment's mean");
  /* the same effects in every segment: the constant course */
  for (int j = 1; j < 4; j++) memcpy(eff + 3 * j, eff, 3 * sizeof(double));
  m->mean_regimen(par, cov, eta, &reg, 9, t, ysame);
  for (int i = 0; i < 9; i++) {
    m->mean(par, cov, eta, eff, t[i], y0 + i);
    TT_CHECK_CLOSE(ysame[i], y0[i], 1e-12 * y0[i], "a switch to the same effects changes nothing");
  }
  printf("alzheimers_adas: escalation then discontinuation, ADAS-Cog at 2 y %.4f\n", y[8]);
  PetscFunctionReturn(0);
}

/* ---- oncology_tgi_os ---- */

static PetscErrorCode TestOncology(void)
{
  const TTModelType *m = tt_model_find("oncology_tgi_os");
  double    par[32], eff[3] = {1.0, 1.6, 0.0}, start[3] = {0, 60, 200}, eta[4] = {0.2, -0.3, 0.1, 0.2}, cov[2] = {0, 1};
  double    t[7] = {0, 30, 60, 60 + 1e-7, 120, 200, 400}, y[7], y0[7];
  TTRegimen reg  = {3, start, eff};

  PetscFunctionBeginUser;
  Defaults(m, par, eff + 2); /* eff[2] = the default 1 is overwritten below */
  eff[2] = 0.0;              /* 0-60 d: carboplatin/paclitaxel; 60: add a drug (x1.6); 200: stop all */
  m->mean_regimen(par, cov, eta, &reg, 7, t, y);
  {
    double K = Par(m, par, "ts_max"), base = Par(m, par, "base") * exp(eta[0]);
    double kl = Par(m, par, "kl") * exp(eta[1]), kde = Par(m, par, "kde") * exp(eta[2]);
    double lam = Par(m, par, "lambda") * exp(eta[3]), u = log(base / K), a = kl / -u, tc = 0, h = 0.01;
    for (int i = 0; i < 7; i++) {
      while (tc < t[i] - 1e-12) {
        double step = fmin(h, t[i] - tc), k1, k2, k3, k4;
        double mm   = eff[tt_regimen_segment(&reg, tc + 0.5 * step)];
#define F(tt, x) (-a * (x) -mm * kde * exp(-lam * (tt)))
        k1 = F(tc, u), k2 = F(tc + 0.5 * step, u + 0.5 * step * k1), k3 = F(tc + 0.5 * step, u + 0.5 * step * k2);
        k4 = F(tc + step, u + step * k3);
#undef F
        u += step / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
        tc += step;
      }
      TT_CHECK_CLOSE(y[i], K * exp(u), 1e-8 * K * exp(u), "tumour size under a switching kill = RK4");
    }
  }
  TT_CHECK_CLOSE(y[3], y[2], 1e-6, "tumour size continuous at the switch");
  for (int i = 0; i < 3; i++) m->mean(par, cov, eta, eff, t[i], y0 + i);
  for (int i = 0; i < 3; i++) TT_CHECK(y[i] == y0[i], "before the first switch bitwise the first segment's mean");

  /* death: before the switch exactly events'; the same kill after a "switch": the same
   * time; the survival composed over the segments */
  {
    const int n = 40000;
    double    times[TT_MAX_EVENT_TIMES], t0[TT_MAX_EVENT_TIMES], s1 = 100, st[2] = {0, s1};
    double    e1[2] = {1.0, 3.0}, same[2] = {1.0, 1.0}, grid[3] = {60, 200, 500}, surv[3] = {0};
    TTRegimen r1 = {2, st, e1}, rs = {2, st, same};
    int       before = 0, mismatch = 0, later = 0, earlier = 0;
    double    worst_same = 0, sigma = exp(Par(m, par, "os_log_sigma"));
    for (int k = 0; k < n; k++) {
      tt_pcg32 g;
      tt_rng_substream(&g, 7, 0, (uint64_t) k, 1);
      m->events(par, cov, eta, e1, INFINITY, &g, t0);
      tt_rng_substream(&g, 7, 0, (uint64_t) k, 1);
      m->events_regimen(par, cov, eta, &r1, INFINITY, &g, times);
      if (t0[0] <= s1) before++, mismatch += times[0] != t0[0];
      later += times[0] > t0[0], earlier += times[0] < t0[0];
      for (int q = 0; q < 3; q++) surv[q] += times[0] > grid[q];
      tt_rng_substream(&g, 7, 0, (uint64_t) k, 1);
      m->events_regimen(par, cov, eta, &rs, INFINITY, &g, times);
      worst_same = fmax(worst_same, fabs(times[0] - t0[0]) / t0[0]);
    }
    TT_CHECK(before > 100 && mismatch == 0, "deaths before the switch are bitwise the unswitched ones");
    TT_CHECK(later > 1000 && earlier == 0, "a stronger kill from the switch on never brings death earlier");
    TT_CHECK(worst_same < 1e-10, "a switch to the same kill changes no death time");
    /* S(t) = S0(s1) S1(t) / S1(s1) for t > s1: mu_j from TTG typed here */
    {
      double base = Par(m, par, "base") * exp(eta[0]), kl = Par(m, par, "kl") * exp(eta[1]);
      double kde = Par(m, par, "kde") * exp(eta[2]), lam = Par(m, par, "lambda") * exp(eta[3]);
      double ttg0 = log(kde / kl) / lam, ttg1, mu0, mu1;
      double tau1 = log(3.0 * kde / kl) / lam; /* the stronger kill shrinks the tumour again until tau1 */
      ttg1        = fmax(fmin(ttg0, s1), tau1 > s1 ? tau1 : 0.0);
      mu0 = Par(m, par, "os_intercept") + Par(m, par, "os_base") * base + Par(m, par, "os_ttg") * log(ttg0 + 100) +
            Par(m, par, "os_smoker");
      mu1 = mu0 - Par(m, par, "os_ttg") * log(ttg0 + 100) + Par(m, par, "os_ttg") * log(ttg1 + 100);
      for (int q = 0; q < 3; q++) {
        double S0 = 1 - tt_stats_pnorm((log(fmin(grid[q], s1)) - mu0) / sigma), expect = S0, p = surv[q] / n;
        if (grid[q] > s1)
          expect =
              S0 * (1 - tt_stats_pnorm((log(grid[q]) - mu1) / sigma)) / (1 - tt_stats_pnorm((log(s1) - mu1) / sigma));
        TT_CHECK_CLOSE(p, expect, 4.5 * sqrt(expect * (1 - expect) / n) + 1e-12, "composed survival");
        printf("oncology: P(alive at day %g) %.4f, composed survival %.4f (TTG %.1f -> %.1f d)\n", grid[q], p, expect,
               ttg0, ttg1);
      }
    }
  }
  PetscFunctionReturn(0);
}

/* ---- ms_relapse ---- */

static double MsProfile(double r1, double t) /* M(t): year-1 rate r1 times the year-2 one, 2-year mean 1 */
{
  double c = 2.0 / (1.0 + r1);
  return t < 1.0 ? r1 * c * t : r1 * c + c * (t - 1.0);
}

static PetscErrorCode TestMs(void)
{
  const TTModelType *m = tt_model_find("ms_relapse");
  double             par[16], eff[3] = {1.0, 0.46, 0.0}, start[3] = {0, 0.5, 1.5}, cov[1] = {2}, eta[1] = {0.1};
  double             t[7] = {0, 0.25, 0.5, 0.75, 1.25, 1.5, 2.0}, y[7], y0[7];
  TTRegimen          reg  = {3, start, eff};
  double             r1, scale;

  PetscFunctionBeginUser;
  Defaults(m, par, eff + 2);
  eff[2] = 0.0; /* placebo; fingolimod-like 0.46 from 6 months; a rate ratio of 0 from 18 months */
  r1     = Par(m, par, "year1_ratio");
  scale  = Par(m, par, "arr") * exp(Par(m, par, "lrr_prior2")) / Par(m, par, "prior_rr_mean") * exp(eta[0]);
  m->mean_regimen(par, cov, eta, &reg, 7, t, y);
  for (int i = 0; i < 7; i++) {
    double ref = 0;
    for (int j = 0; j < 3 && start[j] < t[i]; j++) {
      double end = j < 2 && start[j + 1] < t[i] ? start[j + 1] : t[i];
      ref += scale * eff[j] * (MsProfile(r1, end) - MsProfile(r1, start[j]));
    }
    TT_CHECK_CLOSE(y[i], ref, 1e-13, "expected relapses under a switching rate = the piecewise sum");
  }
  TT_CHECK(y[6] == y[5], "no relapses expected after a rate ratio of 0");
  for (int i = 0; i < 3; i++) m->mean(par, cov, eta, eff, t[i], y0 + i);
  for (int i = 0; i < 3; i++) TT_CHECK(y[i] == y0[i], "before the first switch bitwise the first segment's mean");
  /* relapses: before the switch exactly events'; in (0.5, 1.5] Poisson with the new rate */
  {
    const int n = 40000;
    double    times[TT_MAX_EVENT_TIMES], t0[TT_MAX_EVENT_TIMES], count = 0, count2 = 0, mean_expected;
    int       mismatch = 0, after = 0;
    for (int k = 0; k < n; k++) {
      tt_pcg32 g;
      int      c = 0;
      tt_rng_substream(&g, 3, 0, (uint64_t) k, 2);
      m->events(par, cov, eta, eff, 3.0, &g, t0);
      tt_rng_substream(&g, 3, 0, (uint64_t) k, 2);
      m->events_regimen(par, cov, eta, &reg, 3.0, &g, times);
      for (int j = 0; j < TT_MAX_EVENT_TIMES; j++) {
        if (t0[j] <= 0.5 || times[j] <= 0.5) mismatch += t0[j] != times[j];
        if (times[j] > 0.5 && times[j] <= 1.5) c++;
        after += times[j] > 1.5 && isfinite(times[j]);
      }
      count += c, count2 += c * c;
    }
    mean_expected = scale * eff[1] * (MsProfile(r1, 1.5) - MsProfile(r1, 0.5));
    TT_CHECK(mismatch == 0, "relapses before the switch are bitwise the unswitched ones");
    TT_CHECK(after == 0, "no relapse under a rate ratio of 0");
    TT_CHECK_CLOSE(count / n, mean_expected, 4.5 * sqrt(mean_expected / n), "Poisson mean after the switch");
    TT_CHECK_CLOSE(count2 / n - (count / n) * (count / n), mean_expected, 0.05 * mean_expected, "Poisson variance");
    printf("ms_relapse: relapses in (0.5, 1.5] per twin %.4f, expected %.4f\n", count / n, mean_expected);
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  {
    const TTModelType *const *types;
    int                       n = tt_model_list(&types);
    for (int i = 0; i < n; i++) TT_CHECK(tt_model_unswitchable(types[i]) == NULL, "every shipped model can switch");
  }
  PetscCall(TestAdas());
  PetscCall(TestOncology());
  PetscCall(TestMs());
  PetscCall(PetscFinalize());
  if (tt_failures) printf("%d check(s) failed\n", tt_failures);
  return tt_failures != 0;
}
