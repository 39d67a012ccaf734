/* test_model_oncology.c — the oncology_tgi_os model against MODELS.md §3 (Claret et al.
 * 2014 Clin Pharmacol Ther 95:446) and the closed forms typed independently here. */
#include <stdlib.h>
#include <twintrial/model.h>
#include "tt_check.h"

#define NTWIN 20000

static const double typical_cov[2] = {0.0, 0.0}; /* not Asian, never smoker */
static const double zero_eta[4]    = {0.0, 0.0, 0.0, 0.0};

static void Defaults(const TTModelType *m, double *par, double *eff)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
}

static double Size(const TTModelType *m, const double *par, const double *eta, const double *eff, double day)
{
  double y;
  m->mean(par, typical_cov, eta, eff, day, &y);
  return y;
}

/* Nadir of the mean trajectory on a 0.01-day grid: the time to tumour growth. */
static double NadirDay(const TTModelType *m, const double *par, const double *eff)
{
  double best = INFINITY, tbest = 0.0;
  for (double d = 0.0; d <= 400.0; d += 0.01) {
    double y = Size(m, par, zero_eta, eff, d);
    if (y < best) best = y, tbest = d;
  }
  return tbest;
}

/* Death time of twin (seed 7, 0, i) under arm effect eff, and the eps it used. */
static double Death(const TTModelType *m, const double *par, const double *cov, const double *eta, const double *eff,
                    uint64_t i, double *eps)
{
  double   times[TT_MAX_EVENT_TIMES];
  tt_pcg32 g;
  tt_rng_substream(&g, 7, 0, i, TT_STREAM_EVENTS);
  m->events(par, cov, eta, eff, 730.0, &g, times);
  tt_rng_substream(&g, 7, 0, i, TT_STREAM_EVENTS);
  if (eps) *eps = tt_rng_normal(&g); /* events consumes exactly this one normal */
  return times[0];
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void metadata_declares_death_and_covariates(const TTModelType *m)
{
  TT_CHECK(m->time_unit_days == 1.0, "Claret 2014: time in days");
  TT_CHECK(m->nevent == 1 && m->event[0].terminal && !m->event[0].recurrent, "death is terminal");
  TT_CHECK(m->ncovariate == 2, "asian, ever_smoker");
  TT_CHECK(tt_model_param_index(m->neffect, m->effect, "kill_multiplier") == 0, "arm effect on KDE");
}

/* TS(t) = 90 exp[0.00107 t - (0.0103/0.0193)(1 - exp(-0.0193 t))]. */
static void typical_trajectory_matches_claret_closed_form(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  for (double d = 0.0; d <= 730.0; d += 7.0) {
    double ref = 90.0 * exp(0.00107 * d - 0.0103 / 0.0193 * (1.0 - exp(-0.0193 * d)));
    TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, d), ref, 1e-12 * ref, "Claret 2014 TGI closed form");
  }
  eff[0] = 1.5;
  for (double d = 0.0; d <= 730.0; d += 7.0) {
    double ref = 90.0 * exp(0.00107 * d - 1.5 * 0.0103 / 0.0193 * (1.0 - exp(-0.0193 * d)));
    TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, d), ref, 1e-12 * ref, "kill_multiplier x KDE");
  }
}

static void typical_ttg_and_week8_ratio_match_models_md(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  TT_CHECK_CLOSE(NadirDay(m, par, eff), 117.0, 1.0, "MODELS.md §3: TTG ~ 117 days");
  TT_CHECK_CLOSE(NadirDay(m, par, eff), log(0.0103 / 0.00107) / 0.0193, 0.01, "TTG = ln(KDE/KL)/lambda");
  TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, 56.0) / 90.0, 0.746, 0.001, "MODELS.md §3: week-8 ratio ~ 0.746");
}

/* Every death time is exp(mu + sigma eps) with the eps the event stream gives. */
static void death_time_is_the_aft_formula(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < 200; i++) {
    double   eta[4], cov[2] = {(double) (i % 2), (double) ((i / 2) % 2)}, eps, t;
    tt_pcg32 g;
    tt_rng_substream(&g, 7, 0, i, TT_STREAM_LATENT);
    m->draw_latent(par, &g, eta);
    t         = Death(m, par, cov, eta, eff, i, &eps);
    double kl = 0.00107 * exp(eta[1]), kde = 0.0103 * exp(eta[2]), lam = 0.0193 * exp(eta[3]);
    double ttg = kde > kl ? log(kde / kl) / lam : 0.0;
    double mu  = 1.079 - 0.00197 * 90.0 * exp(eta[0]) + 0.977 * log(ttg + 100.0) + 0.319 * cov[0] - 0.264 * cov[1];
    double ref = exp(mu + exp(-0.24) * eps);
    TT_CHECK_CLOSE(t, ref, 1e-12 * ref, "Claret 2014 log-normal AFT");
  }
}

/* log T = 1.079 - 0.00197*90 + 0.977 ln(117.33 + 100) = 6.1593 => 473.1 days. */
static void typical_median_os_is_473_days(const TTModelType *m)
{
  double par[32], eff[8], t[NTWIN];
  double ttg = log(0.0103 / 0.00107) / 0.0193, mu = 1.079 - 0.00197 * 90.0 + 0.977 * log(ttg + 100.0);
  double se = sqrt(acos(-1.0) / 2.0) * exp(-0.24) / sqrt((double) NTWIN); /* SE of the median of log T */
  Defaults(m, par, eff);
  TT_CHECK_CLOSE(exp(mu), 473.0, 5.0, "MODELS.md §3: typical median OS ~ 473 days");
  for (int i = 0; i < NTWIN; i++) t[i] = Death(m, par, typical_cov, zero_eta, eff, (uint64_t) i, NULL);
  qsort(t, NTWIN, sizeof(double), CompareDouble);
  double med = 0.5 * (t[NTWIN / 2 - 1] + t[NTWIN / 2]);
  printf("typical OS: exp(mu) = %.2f days, empirical median over %d twins = %.2f days\n", exp(mu), NTWIN, med);
  TT_CHECK_CLOSE(log(med), mu, 4.0 * se, "empirical median = exp(mu) within 4 MC SE");
}

static void stronger_kill_lengthens_ttg_and_os(const TTModelType *m)
{
  double par[32], eff[8], eff15[8];
  Defaults(m, par, eff);
  Defaults(m, par, eff15);
  eff15[0] = 1.5;
  TT_CHECK_CLOSE(NadirDay(m, par, eff15), log(1.5 * 0.0103 / 0.00107) / 0.0193, 0.01, "TTG 138.3 days at x1.5");
  TT_CHECK(NadirDay(m, par, eff15) > NadirDay(m, par, eff) + 20.0, "TTG + ln(1.5)/lambda = +21 days");
  int longer = 0;
  for (uint64_t i = 0; i < 1000; i++) {
    double   eta[4];
    tt_pcg32 g;
    tt_rng_substream(&g, 7, 0, i, TT_STREAM_LATENT);
    m->draw_latent(par, &g, eta);
    double t1 = Death(m, par, typical_cov, eta, eff, i, NULL), t15 = Death(m, par, typical_cov, eta, eff15, i, NULL);
    TT_CHECK(t15 >= t1, "same eps: a stronger kill never shortens survival");
    longer += t15 > t1;
  }
  TT_CHECK(longer > 500, "most twins live longer under x1.5 (the rest already have TTG = 0)");
  /* Typical twin, same eps: OS ratio = ((138.34 + 100)/(117.33 + 100))^0.977. */
  double ratio =
      Death(m, par, typical_cov, zero_eta, eff15, 1, NULL) / Death(m, par, typical_cov, zero_eta, eff, 1, NULL);
  TT_CHECK_CLOSE(ratio,
                 pow((log(1.5 * 0.0103 / 0.00107) / 0.0193 + 100.0) / (log(0.0103 / 0.00107) / 0.0193 + 100.0), 0.977),
                 1e-12, "AFT: OS scales with (TTG + 100)^0.977");
}

static void observe_adds_residual_and_truncates_at_zero(const TTModelType *m)
{
  double par[32], eff[8], sum = 0.0, sum2 = 0.0, y = 90.0, small = 3.0;
  int    zeros = 0;
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    double   o;
    tt_pcg32 g;
    tt_rng_substream(&g, 7, 0, i, TT_STREAM_RESIDUAL);
    m->observe(par, &y, &g, &o);
    sum += o, sum2 += o * o;
    m->observe(par, &small, &g, &o);
    TT_CHECK(o >= 0.0, "observed size truncated at 0");
    zeros += o == 0.0;
  }
  double mean = sum / NTWIN, sd = sqrt(sum2 / NTWIN - mean * mean);
  TT_CHECK_CLOSE(mean, 90.0, 4.0 * 7.849 / sqrt((double) NTWIN), "unbiased residual");
  TT_CHECK_CLOSE(sd, 7.849, 0.1, "Claret 2014: residual SD 7.849 mm");
  TT_CHECK(zeros > NTWIN / 4 && zeros < NTWIN / 2, "P(y < 0) = Phi(-3/7.849) = 0.35 at 3 mm");
}

/* eta_BASE = w ln(y0/90), w = 0.683^2 / (0.683^2 + (7.849/y0)^2); others 0. */
static void condition_shrinks_baseline_random_effect(const TTModelType *m)
{
  double par[32], eff[8], eta[4] = {0.3, 0.5, -0.2, 0.1}, y0, cond[4];
  Defaults(m, par, eff);
  y0 = Size(m, par, eta, eff, 0.0);
  TT_CHECK_CLOSE(y0, 90.0 * exp(0.3), 1e-12, "BASE_i = BASE exp(eta_0)");
  m->condition(par, typical_cov, &y0, cond);
  double w = 0.683 * 0.683 / (0.683 * 0.683 + pow(7.849 / y0, 2.0));
  TT_CHECK_CLOSE(cond[0], w * 0.3, 1e-12, "linearized posterior mean of eta_BASE");
  TT_CHECK(cond[1] == 0.0 && cond[2] == 0.0 && cond[3] == 0.0, "no baseline information on KL, KDE, lambda");
  y0 = 0.0;
  m->condition(par, typical_cov, &y0, cond);
  TT_CHECK(isfinite(cond[0]) && cond[0] < 0.0, "a zero baseline gives a finite, small BASE");
}

int main(void)
{
  const TTModelType *m = tt_model_find("oncology_tgi_os");
  if (!m) return printf("FAIL: oncology_tgi_os not registered\n"), 1;
  metadata_declares_death_and_covariates(m);
  typical_trajectory_matches_claret_closed_form(m);
  typical_ttg_and_week8_ratio_match_models_md(m);
  death_time_is_the_aft_formula(m);
  typical_median_os_is_473_days(m);
  stronger_kill_lengthens_ttg_and_os(m);
  observe_adds_residual_and_truncates_at_zero(m);
  condition_shrinks_baseline_random_effect(m);
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
