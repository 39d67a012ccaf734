/* test_model_density.c — the personalisation interface of every shipped model against its
 * own simulation: observe()'s draws follow log_density (randomised PIT uniform by a KS test
 * at alpha 0.001 over 10^5 draws, atoms at clipping bounds included, so the censored value
 * exp(log_density(below)) is the CDF of what observe draws), the density is the derivative
 * of that CDF, the mean log density equals its closed form; MS relapse counts from events()
 * have the Poisson increments log_density states. The values themselves are checked
 * against R in tests/validation/density_vs_r.sh. */
#include <stdlib.h>
#include <string.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>
#include "tt_check.h"

#define NDRAW   100000
#define KS_CRIT 1.95 /* sqrt(n) D_n above this: reject uniformity at alpha = 0.001 */

static const TTModelType *Model(const char *name, double *par, double *eff)
{
  const TTModelType *m = tt_model_find(name);
  TT_CHECK(m != NULL, name);
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
  TT_CHECK(tt_model_unpersonalisable(m) == NULL, "every shipped model can be personalised");
  return m;
}

static double LogDensity(const TTModelType *m, const double *par, int k, double mean, double value, int below)
{
  TTObservation o = {.mean = mean, .value = value, .mean_prev = NAN, .value_prev = NAN, .below = below};
  return m->log_density(par, k, &o);
}

static int CmpDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* sqrt(n) x the Kolmogorov-Smirnov distance of u[n] (sorted here) from U(0, 1). */
static double KsUniform(double *u, int n)
{
  double d = 0.0;
  qsort(u, (size_t) n, sizeof *u, CmpDouble);
  for (int i = 0; i < n; i++) d = fmax(d, fmax((i + 1.0) / n - u[i], u[i] - (double) i / n));
  return sqrt((double) n) * d;
}

/* NDRAW observations of variable k from observe() at the model values ymean[]: the
 * randomised PIT P(Y < y) + V P(Y = y) (P(Y = y) = exp(log_density) at an atom lo_atom or
 * hi_atom, NAN for none) must be uniform; the mean log density must equal `expect` within
 * 5 Monte Carlo SE (skipped when expect is NAN). */
static void ObserveFollowsDensity(const TTModelType *m, const double *par, const double *ymean, int k, double lo_atom,
                                  double hi_atom, double expect, const char *what)
{
  double  *u = malloc(NDRAW * sizeof *u), y[8], s = 0.0, ss = 0.0, ks;
  tt_pcg32 g, v;
  int      natom = 0, bad = 0;
  tt_rng_substream(&g, 3, 1, (uint64_t) k, TT_STREAM_RESIDUAL);
  tt_rng_substream(&v, 3, 2, (uint64_t) k, TT_STREAM_RESIDUAL);
  for (int i = 0; i < NDRAW; i++) {
    double l, cdf;
    m->observe(par, ymean, &g, y);
    l   = LogDensity(m, par, k, ymean[k], y[k], 0);
    cdf = exp(LogDensity(m, par, k, ymean[k], y[k], 1));
    if (y[k] == lo_atom || y[k] == hi_atom) {
      cdf += tt_rng_uniform(&v) * exp(l);
      natom++;
    } else {
      s += l, ss += l * l;
    }
    if (!isfinite(l) || !(cdf >= 0.0 && cdf <= 1.0)) bad++;
    u[i] = cdf;
  }
  TT_CHECK(bad == 0, what);
  ks = KsUniform(u, NDRAW);
  if (ks > KS_CRIT) printf("  %s: sqrt(n) KS = %.3f, %d draws at an atom\n", what, ks, natom);
  TT_CHECK(ks <= KS_CRIT, what);
  if (!isnan(expect)) {
    double mean = s / NDRAW, se = sqrt((ss / NDRAW - mean * mean) / NDRAW);
    TT_CHECK_CLOSE(mean, expect, 5.0 * se, what);
  }
  free(u);
}

/* The density at y is the derivative of the censored log density (the CDF) there. */
static void DensityIsCdfSlope(const TTModelType *m, const double *par, int k, double mean, double y, double h,
                              const char *what)
{
  double f  = exp(LogDensity(m, par, k, mean, y, 0));
  double df = (exp(LogDensity(m, par, k, mean, y + h, 1)) - exp(LogDensity(m, par, k, mean, y - h, 1))) / (2.0 * h);
  TT_CHECK_CLOSE(df, f, 1e-6 * f, what);
}

/* E[log f(Y)] of a normal N(mu, sd^2): -log(sd sqrt(2 pi)) - 1/2. */
static double NormalNegEntropy(double sd)
{
  return -log(sd) - 0.9189385332046727418 - 0.5; /* log sqrt(2 pi) */
}

static void Adas(void)
{
  double             par[64], eff[8];
  const TTModelType *m     = Model("alzheimers_adas", par, eff);
  double             y1[1] = {22.2}, y2[1] = {61.0}, y3[1] = {3.0};
  ObserveFollowsDensity(m, par, y1, 0, NAN, NAN, NAN, "ADAS-Cog Beta draws, mean 22.2");
  ObserveFollowsDensity(m, par, y2, 0, NAN, NAN, NAN, "ADAS-Cog Beta draws, mean 61");
  ObserveFollowsDensity(m, par, y3, 0, NAN, NAN, NAN, "ADAS-Cog Beta draws, mean 3");
  for (double y = 8.0; y < 40.0; y += 7.5) DensityIsCdfSlope(m, par, 0, 22.2, y, 1e-4, "ADAS-Cog density = CDF'");
  TT_CHECK(LogDensity(m, par, 0, 22.2, -0.5, 0) == -INFINITY, "a score below 0 is impossible");
  TT_CHECK(LogDensity(m, par, 0, 22.2, 70.5, 0) == -INFINITY, "a score above 70 is impossible");
  TT_CHECK(LogDensity(m, par, 0, 22.2, 70.5, 1) == 0.0, "every score lies below 70.5");
}

static void T2d(void)
{
  static const char *rv[4] = {"resvar_hba1c", "resvar_fpg", "resvar_fsi", "resvar_weight"};
  double             par[64], eff[16], y[4] = {7.6, 9.8, 12.0, 95.0};
  const TTModelType *m = Model("t2d_hba1c", par, eff);
  for (int k = 0; k < 4; k++) {
    double sd = sqrt(par[tt_model_param_index(m->nparam, m->param, rv[k])]);
    /* E[log f(Y)] of a log-normal: the normal's on log Y minus E[log Y] = log(mean) */
    ObserveFollowsDensity(m, par, y, k, NAN, NAN, NormalNegEntropy(sd) - log(y[k]), m->var[k].name);
    DensityIsCdfSlope(m, par, k, y[k], y[k] * exp(1.3 * sd), 1e-5 * y[k], m->var[k].name);
    TT_CHECK(LogDensity(m, par, k, y[k], 0.0, 0) == -INFINITY, "log-normal: a value <= 0 is impossible");
  }
}

static void Tumour(void)
{
  double             par[64], eff[8];
  const TTModelType *m     = Model("oncology_tgi_os", par, eff);
  double             K     = par[tt_model_param_index(m->nparam, m->param, "ts_max")];
  double             sd    = par[tt_model_param_index(m->nparam, m->param, "sd_residual")];
  double             y1[1] = {90.0}, y2[1] = {4.0}, y3[1] = {K - 3.0};
  ObserveFollowsDensity(m, par, y1, 0, 0.0, K, NormalNegEntropy(sd), "tumour size, mean 90 mm");
  ObserveFollowsDensity(m, par, y2, 0, 0.0, K, NAN, "tumour size near 0 (a third of readings at 0)");
  ObserveFollowsDensity(m, par, y3, 0, 0.0, K, NAN, "tumour size near ts_max (a third of readings at K)");
  DensityIsCdfSlope(m, par, 0, 4.0, 2.0, 1e-4, "tumour size density = CDF' near 0");
  DensityIsCdfSlope(m, par, 0, 90.0, 97.0, 1e-4, "tumour size density = CDF'");
  /* the masses: P(Y = 0) = Phi(-mean/sd); with P(0 < Y < K) and P(Y = K) they sum to 1 */
  TT_CHECK_CLOSE(exp(LogDensity(m, par, 0, 4.0, 0.0, 0)), tt_stats_pnorm(-4.0 / sd), 1e-15, "mass at 0");
  TT_CHECK_CLOSE(exp(LogDensity(m, par, 0, K - 3.0, K, 1)) + exp(LogDensity(m, par, 0, K - 3.0, K, 0)), 1.0, 1e-14,
                 "P(Y < K) + P(Y = K) = 1");
  TT_CHECK(LogDensity(m, par, 0, 90.0, -1.0, 0) == -INFINITY, "a negative reading is impossible");
}

static void Pk(const char *name, double c1, double c2)
{
  double             par[64], eff[8], y[2] = {c1, 0.0};
  const TTModelType *m     = Model(name, par, eff);
  double             sigma = par[tt_model_param_index(m->nparam, m->param, "sigma_prop")];
  ObserveFollowsDensity(m, par, y, 0, NAN, NAN, NormalNegEntropy(sigma * c1), name);
  y[0] = c2;
  ObserveFollowsDensity(m, par, y, 0, NAN, NAN, NormalNegEntropy(sigma * c2), name);
  DensityIsCdfSlope(m, par, 0, c1, 0.8 * c1, 1e-6 * c1, name);
  TT_CHECK(LogDensity(m, par, 0, 0.0, 0.0, 0) == 0.0, "before the first dose the reading is exactly 0");
  TT_CHECK(LogDensity(m, par, 0, 0.0, 1e-3, 0) == -INFINITY, "no concentration before the first dose");
  TT_CHECK(LogDensity(m, par, 0, 0.0, 1e-3, 1) == 0.0, "before the first dose the reading is below any LOQ");
  TT_CHECK(isnan(LogDensity(m, par, 1, 1.0, 1.0, 0)), "css_avg has no error model: not observable");
}

/* The empirical share of observe()'s concentrations below a limit of quantification is the
 * M3 censored probability. */
static void CensoredIsCdf(void)
{
  double             par[64], eff[8], y[2] = {0.3, 0.0}, yo[2], loq = 0.25, n = 0.0, p;
  const TTModelType *m = Model("pk_1cmt_oral", par, eff);
  tt_pcg32           g;
  tt_rng_substream(&g, 9, 0, 0, TT_STREAM_RESIDUAL);
  for (int i = 0; i < NDRAW; i++) {
    m->observe(par, y, &g, yo);
    n += yo[0] < loq;
  }
  p = exp(LogDensity(m, par, 0, 0.3, loq, 1));
  TT_CHECK_CLOSE(n / NDRAW, p, 5.0 * sqrt(p * (1.0 - p) / NDRAW), "share below the LOQ = exp(M3 log density)");
}

/* Relapse counts from events() at visits: their increments are Poisson(mean - mean_prev)
 * given the frailty, as log_density says (randomised PIT of every increment, pooled). */
static void MsCounts(void)
{
  static const double t[4] = {0.25, 1.0, 1.5, 3.0};
  double              par[64], eff[8], cov[1] = {2.0}, eta[1] = {0.4}, mean[4], times[TT_MAX_EVENT_TIMES];
  const TTModelType  *m = Model("ms_relapse", par, eff);
  double             *u = malloc(4 * NDRAW * sizeof *u), total = 0.0;
  tt_pcg32            g, v;
  eff[0] = 0.6;
  for (int j = 0; j < 4; j++) m->mean(par, cov, eta, eff, t[j], &mean[j]);
  tt_rng_substream(&v, 5, 1, 0, TT_STREAM_RESIDUAL);
  for (int i = 0; i < NDRAW; i++) {
    int n[4] = {0, 0, 0, 0};
    tt_rng_substream(&g, 5, 0, (uint64_t) i, TT_STREAM_EVENTS);
    m->events(par, cov, eta, eff, t[3], &g, times);
    for (int e = 0; e < TT_MAX_EVENT_TIMES; e++)
      for (int j = 0; j < 4; j++) n[j] += times[e] < t[j];
    for (int j = 0; j < 4; j++) {
      TTObservation o   = {.mean = mean[j], .mean_prev = j ? mean[j - 1] : NAN, .value_prev = j ? n[j - 1] : NAN};
      double        cdf = 0.0, base = j ? n[j - 1] : 0.0;
      for (int d = 0; base + d < n[j]; d++) {
        o.value = base + d;
        cdf += exp(m->log_density(par, 0, &o));
      }
      o.value      = n[j];
      u[4 * i + j] = cdf + tt_rng_uniform(&v) * exp(m->log_density(par, 0, &o));
    }
  }
  TT_CHECK(KsUniform(u, 4 * NDRAW) <= KS_CRIT, "relapse count increments are Poisson given the frailty");
  for (int d = 0; d < 60; d++) {
    TTObservation o = {.mean = mean[3], .value = 5 + d, .mean_prev = mean[1], .value_prev = 5};
    total += exp(m->log_density(par, 0, &o));
  }
  TT_CHECK_CLOSE(total, 1.0, 1e-14, "the increment probabilities sum to 1");
  free(u);
}

int main(void)
{
  Adas();
  T2d();
  Tumour();
  Pk("pk_1cmt_oral", 1.2, 0.05);
  Pk("pk_2cmt_oral", 0.03, 0.002);
  CensoredIsCdf();
  MsCounts();
  printf("test_model_density: %d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
