/* test_model_oncology.c — the oncology_tgi_os model (Claret et al. 2014 Clin Pharmacol Ther
 * 95:446, with a Gompertz plateau and a truncated baseline, see the model's header) against
 * answers computed independently: the tumour trajectory by R's integrate() of the
 * variation-of-constants integral of d ln TS/dt = a (ln K - ln TS) - m KDE e^{-lambda t}
 * (values below, R 4.2: K = 575.9, a = KL / ln(K / BASE)), the death time by the published AFT
 * typed again, and the truncated-normal moments by their closed form. */
#include <stdlib.h>
#include <twintrial/model.h>
#include "tt_check.h"

#define NTWIN 20000
#define K     575.9 /* ts_max, mm */

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

static void metadata_declares_death_covariates_and_range(const TTModelType *m)
{
  TT_CHECK(m->time_unit_days == 1.0, "Claret 2014: time in days");
  TT_CHECK(m->nevent == 1 && m->event[0].terminal && !m->event[0].recurrent, "death is terminal");
  TT_CHECK(m->ncovariate == 2, "asian, ever_smoker");
  TT_CHECK(tt_model_param_index(m->neffect, m->effect, "kill_multiplier") == 0, "arm effect on KDE");
  TT_CHECK(m->range && m->range[0].lo == 0.0 && m->range[0].hi == 600.0, "tumour_size range [0, 600] mm");
  TT_CHECK(m->range && m->range[0].source && m->range[0].source[0], "the range cites its source");
}

/* K: 10 spheres sharing 1000 cm^3, SLD = 10^(2/3) (6000/pi)^(1/3) cm = 575.88 mm. */
static void plateau_is_ten_lesions_sharing_one_kilogram(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  TT_CHECK_CLOSE(par[tt_model_param_index(m->nparam, m->param, "ts_max")],
                 10.0 * pow(10.0, 2.0 / 3.0) * cbrt(6000.0 / acos(-1.0)), 0.05, "RECIST 1.0 x lethal burden");
  TT_CHECK_CLOSE(par[tt_model_param_index(m->nparam, m->param, "kde")], 0.0103 * 0.612, 1e-5,
                 "Claret KDE x 0.612 (MONET1 control ORR)");
}

/* Reference sizes from R: K exp(u(t)), u(t) = u0 e^{-at} - int_0^t e^{-a(t-s)} m KDE e^{-lambda s} ds. */
static void trajectory_matches_numerical_quadrature(const TTModelType *m)
{
  static const double typical[][2] = {{56, 77.258780552},  {84, 76.209521851},   {168, 79.747773566},
                                      {365, 97.482442060}, {840, 149.145653636}, {5000, 509.353301760}};
  static const double boosted[][2] = {{56, 69.208397555}, {168, 68.503725159}, {840, 133.902808276}};
  static const double large[][2]   = {{56, 367.012908187}, {168, 481.083886935}, {840, 575.747838052}};
  static const double equal[][2]   = {{56, 272.160802325}, {168, 513.917900211}, {840, 575.899625237}};
  double              par[32], eff[8];
  /* BASE 300, KL 0.01, lambda 0.01 (a = 0.01534 != lambda); and KL = lambda ln(K/90): a = lambda */
  double eta_large[4] = {log(300.0 / 90.0), log(0.01 / 0.00107), 0.0, log(0.01 / 0.0193)};
  double eta_equal[4] = {0.0, log(0.0193 * log(K / 90.0) / 0.00107), 0.0, 0.0};
  Defaults(m, par, eff);
  for (int i = 0; i < 6; i++)
    TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, typical[i][0]), typical[i][1], 1e-7 * typical[i][1], "typical");
  for (int i = 0; i < 3; i++)
    TT_CHECK_CLOSE(Size(m, par, eta_large, eff, large[i][0]), large[i][1], 1e-7 * large[i][1], "a != lambda");
  for (int i = 0; i < 3; i++)
    TT_CHECK_CLOSE(Size(m, par, eta_equal, eff, equal[i][0]), equal[i][1], 1e-7 * equal[i][1], "a = lambda limit");
  eff[0] = 1.52;
  for (int i = 0; i < 3; i++)
    TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, boosted[i][0]), boosted[i][1], 1e-7 * boosted[i][1], "x1.52 KDE");
}

/* Early on the plateau is invisible: d ln TS/dt at 0 = KL - KDE, as in Claret's exponential model. */
static void initial_slope_is_claret(const TTModelType *m)
{
  double par[32], eff[8], h = 1e-4;
  Defaults(m, par, eff);
  double slope = (log(Size(m, par, zero_eta, eff, h)) - log(Size(m, par, zero_eta, eff, 0.0))) / h;
  TT_CHECK_CLOSE(Size(m, par, zero_eta, eff, 0.0), 90.0, 1e-9, "TS(0) = BASE");
  TT_CHECK_CLOSE(slope, 0.00107 - 0.0063, 1e-7, "d ln TS/dt (0) = KL - KDE");
}

/* 10^5 twins, arms x0.5..x3, days 0..840 and far beyond: 0 <= TS < K, readings in [0, K]. */
static void sizes_stay_in_range_and_baselines_truncated(const TTModelType *m)
{
  static const double mult[] = {0.5, 1.0, 1.52, 3.0}, days[] = {0, 42, 84, 168, 336, 504, 672, 840, 1e4, 1e6};
  double              par[32], eff[8], lo = INFINITY, hi = 0.0, s = 0.0, s2 = 0.0, base_lo = INFINITY, base_hi = 0.0;
  int                 bad = 0;
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < 100000; i++) {
    double   eta[4], y, o;
    tt_pcg32 g, r;
    tt_rng_substream(&g, 7, 0, i, TT_STREAM_LATENT);
    tt_rng_substream(&r, 7, 0, i, TT_STREAM_RESIDUAL);
    m->draw_latent(par, &g, eta);
    s += eta[0], s2 += eta[0] * eta[0];
    for (int a = 0; a < 4; a++)
      for (int d = 0; d < 10; d++) {
        eff[0] = mult[a];
        y      = Size(m, par, eta, eff, days[d]);
        m->observe(par, &y, &r, &o);
        bad += !(isfinite(y) && y >= 0.0 && y <= K && o >= 0.0 && o <= K);
        lo = fmin(lo, fmin(y, o)), hi = fmax(hi, fmax(y, o));
        if (d == 0) base_lo = fmin(base_lo, y), base_hi = fmax(base_hi, y);
      }
  }
  double sd = sqrt(s2 / 1e5 - (s / 1e5) * (s / 1e5));
  printf("10^5 twins x 4 arms: sizes in [%g, %g] mm, baselines in [%g, %g] mm, SD(eta_BASE) = %.4f\n", lo, hi, base_lo,
         base_hi, sd);
  TT_CHECK(bad == 0, "every size and reading finite, in [0, K] (K only by rounding, at t -> inf)");
  TT_CHECK(base_lo >= 90.0 * exp(-2 * 0.683) - 1e-9 && base_hi <= 90.0 * exp(2 * 0.683) + 1e-9,
           "BASE_i in [22.96, 352.77] mm (+-2 SD)");
  /* SD of N(0, 0.683) truncated at +-2 SD: 0.683 sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)) = 0.60078 (R). */
  TT_CHECK_CLOSE(sd, 0.60078, 4.0 * 0.60078 / sqrt(2e5), "truncated-normal SD within 4 MC SE");
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
    double kl = 0.00107 * exp(eta[1]), kde = 0.0063 * exp(eta[2]), lam = 0.0193 * exp(eta[3]);
    double ttg = kde > kl ? log(kde / kl) / lam : 0.0;
    double mu  = 1.079 - 0.00197 * 90.0 * exp(eta[0]) + 0.977 * log(ttg + 100.0) + 0.319 * cov[0] - 0.264 * cov[1];
    double ref = exp(mu + exp(-0.24) * eps);
    TT_CHECK_CLOSE(t, ref, 1e-12 * ref, "Claret 2014 log-normal AFT");
  }
}

/* TTG = ln(0.0063/0.00107)/0.0193 = 91.860 days; log T = 1.079 - 0.00197*90 + 0.977 ln(191.860)
 * = 6.03756 => 418.87 days (R). The published KDE 0.0103 gave TTG 117.3 days and 473.1 days. */
static void typical_median_os_is_419_days(const TTModelType *m)
{
  double par[32], eff[8], t[NTWIN];
  double ttg = log(0.0063 / 0.00107) / 0.0193, mu = 1.079 - 0.00197 * 90.0 + 0.977 * log(ttg + 100.0);
  double se = sqrt(acos(-1.0) / 2.0) * exp(-0.24) / sqrt((double) NTWIN); /* SE of the median of log T */
  Defaults(m, par, eff);
  TT_CHECK_CLOSE(ttg, 91.8596, 1e-4, "R: typical TTG");
  TT_CHECK_CLOSE(exp(mu), 418.869, 1e-3, "R: typical median OS in days");
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
  eff15[0]   = 1.5;
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
                 pow((log(1.5 * 0.0063 / 0.00107) / 0.0193 + 100.0) / (log(0.0063 / 0.00107) / 0.0193 + 100.0), 0.977),
                 1e-12, "AFT: OS scales with (TTG + 100)^0.977");
}

static void observe_adds_residual_and_clips_to_the_physical_range(const TTModelType *m)
{
  double par[32], eff[8], sum = 0.0, sum2 = 0.0, y = 90.0, small = 3.0, big = 570.0;
  int    zeros = 0, tops = 0;
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    double   o;
    tt_pcg32 g;
    tt_rng_substream(&g, 7, 0, i, TT_STREAM_RESIDUAL);
    m->observe(par, &y, &g, &o);
    sum += o, sum2 += o * o;
    m->observe(par, &small, &g, &o);
    TT_CHECK(o >= 0.0, "observed size clipped at 0");
    zeros += o == 0.0;
    m->observe(par, &big, &g, &o);
    TT_CHECK(o <= K, "observed size clipped at K");
    tops += o == K;
  }
  double mean = sum / NTWIN, sd = sqrt(sum2 / NTWIN - mean * mean);
  TT_CHECK_CLOSE(mean, 90.0, 4.0 * 7.849 / sqrt((double) NTWIN), "unbiased residual");
  TT_CHECK_CLOSE(sd, 7.849, 0.1, "Claret 2014: residual SD 7.849 mm");
  TT_CHECK(zeros > NTWIN / 4 && zeros < NTWIN / 2, "P(y < 0) = Phi(-3/7.849) = 0.35 at 3 mm");
  TT_CHECK_CLOSE(tops / (double) NTWIN, 0.22612, 4.0 * sqrt(0.22612 * 0.77388 / NTWIN),
                 "P(y > K) = 1 - pnorm(5.9/7.849) = 0.22612 at 570 mm (R)");
}

/* eta_BASE = w ln(y0/90), w = 0.683^2 / (0.683^2 + (7.849/y0)^2), within +-2 SD; others 0. */
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
  TT_CHECK_CLOSE(cond[0], 0.683 * 0.683 / (0.683 * 0.683 + 7.849 * 7.849) * log(1.0 / 90.0), 1e-12,
                 "a zero baseline is read as 1 mm: finite, small");
  y0 = 575.0;
  m->condition(par, typical_cov, &y0, cond);
  TT_CHECK_CLOSE(cond[0], 2.0 * 0.683, 1e-12, "a huge baseline: the upper truncation bound");
}

int main(void)
{
  const TTModelType *m = tt_model_find("oncology_tgi_os");
  if (!m) return printf("FAIL: oncology_tgi_os not registered\n"), 1;
  metadata_declares_death_covariates_and_range(m);
  plateau_is_ten_lesions_sharing_one_kilogram(m);
  trajectory_matches_numerical_quadrature(m);
  initial_slope_is_claret(m);
  sizes_stay_in_range_and_baselines_truncated(m);
  death_time_is_the_aft_formula(m);
  typical_median_os_is_419_days(m);
  stronger_kill_lengthens_ttg_and_os(m);
  observe_adds_residual_and_clips_to_the_physical_range(m);
  condition_shrinks_baseline_random_effect(m);
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
