/* test_model_ms.c — the ms_relapse model against closed forms typed again here:
 * the 24-month dispersion derived from FREEDOMS' relapse-free shares (Kappos 2010) and
 * the larger one FREEDOMS II's placebo share implies (Calabresi 2014),
 * the prior-relapse rate ratios (Held 2005) normalised so the FREEDOMS-like population
 * keeps ARR 0.40, negative binomial counts given the frailty, the year-1 rate 1.25 x
 * year 2 (Nicholas 2012), the rate ratio and coupling across arms. Counts come from
 * the event times, as the trial's count endpoints do. Twin i has prior_relapses from
 * i mod 100 in the proportions of cohorts/rrms.yaml (1..6: .32 .35 .19 .09 .03 .02). */
#include <string.h>
#include <twintrial/model.h>
#include "tt_check.h"

#define NTWIN 40000

static const double prior_p[6] = {0.32, 0.35, 0.19, 0.09, 0.03, 0.02};

/* Held 2005 log rate ratios vs one prior relapse: 2 -> 0.91 - 0.59, >= 3 -> 1.45 - 0.59. */
static double HeldRatio(int c)
{
  return c == 1 ? 1.0 : c == 2 ? exp(0.91 - 0.59) : exp(1.45 - 0.59);
}

static double HeldMean(void)
{
  double s = 0.0;
  for (int c = 1; c <= 6; c++) s += prior_p[c - 1] * HeldRatio(c);
  return s;
}

static double PriorOf(uint64_t i)
{
  int    r = (int) (i % 100), c = 1;
  double cum = 0.0;
  for (; c < 6; c++) {
    cum += 100.0 * prior_p[c - 1];
    if (r < (int) (cum + 0.5)) break;
  }
  return c;
}

static void Defaults(const TTModelType *m, double *par, double *eff)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
}

static void SetParam(const TTModelType *m, double *par, const char *name, double v)
{
  int k = tt_model_param_index(m->nparam, m->param, name);
  TT_CHECK(k >= 0, name);
  if (k >= 0) par[k] = v;
}

/* Relapses of twin i (seed 11, replicate 0, covariate c) in [0, 1) and [1, 2) under rate ratio rr. */
static void Counts(const TTModelType *m, const double *par, double c, double rr, uint64_t i, int *n1, int *n2)
{
  double   eta[1], eff[1] = {rr}, cov[1] = {c}, times[TT_MAX_EVENT_TIMES];
  tt_pcg32 g;
  tt_rng_substream(&g, 11, 0, i, TT_STREAM_LATENT);
  m->draw_latent(par, &g, eta);
  tt_rng_substream(&g, 11, 0, i, TT_STREAM_EVENTS);
  m->events(par, cov, eta, eff, 2.0, &g, times);
  *n1 = *n2 = 0;
  for (int j = 0; j < TT_MAX_EVENT_TIMES && times[j] < 2.0; j++) {
    if (j > 0) TT_CHECK(times[j] > times[j - 1], "event times increase");
    if (times[j] < 1.0)
      ++*n1;
    else
      ++*n2;
  }
}

/* Sample moments of x[i] and y[i] (means, variances, covariance) accumulated over twins. */
typedef struct {
  double sx, sy, sxx, syy, sxy, sx3, sx4;
} Moments;

static void Add(Moments *s, double x, double y)
{
  s->sx += x, s->sy += y, s->sxx += x * x, s->syy += y * y, s->sxy += x * y;
  s->sx3 += x * x * x, s->sx4 += x * x * x * x;
}

/* Delta-method SE of mean(x)/mean(y) for paired samples. */
static double RatioSE(const Moments *s, double n)
{
  double mx = s->sx / n, my = s->sy / n, vx = s->sxx / n - mx * mx, vy = s->syy / n - my * my;
  double cxy = s->sxy / n - mx * my, r = mx / my;
  return sqrt((vx - 2.0 * r * cxy + r * r * vy) / (my * my) / n);
}

/* Share relapse-free over [0, 2] years at 2-year mean count L in the FREEDOMS-like
 * population: sum_c p_c (1 + k L x_c/xbar)^(-1/k) (gamma mixture of Poisson; k = 0: Poisson). */
static double RelapseFree(double k, double L)
{
  double s = 0.0, xbar = HeldMean();
  for (int c = 1; c <= 6; c++) {
    double mu = L * HeldRatio(c) / xbar;
    s += prior_p[c - 1] * (k > 0.0 ? pow(1.0 + k * mu, -1.0 / k) : exp(-mu));
  }
  return s;
}

/* Chi-square of FREEDOMS' 24-month relapse-free shares (Kappos 2010: placebo 45.6% at ARR
 * 0.40, n 418; 0.5 mg 70.4% at 0.18, n 425; 1.25 mg 74.7% at 0.16, n 429; binomial SEs). */
static double FreedomsChi2(double k)
{
  const double arr[3] = {0.40, 0.18, 0.16}, pub[3] = {0.456, 0.704, 0.747}, n[3] = {418, 425, 429};
  double       x2 = 0.0;
  for (int a = 0; a < 3; a++) {
    double d = RelapseFree(k, 2.0 * arr[a]) - pub[a];
    x2 += d * d / (pub[a] * (1.0 - pub[a]) / n[a]);
  }
  return x2;
}

static void metadata_declares_recurrent_relapse_and_prior_relapses(const TTModelType *m)
{
  TT_CHECK(m->time_unit_days == 365.25, "time in years");
  TT_CHECK(m->nevent == 1 && m->event[0].recurrent && !m->event[0].terminal, "relapse is recurrent");
  TT_CHECK(m->ncovariate == 1 && !strcmp(m->covariate[0], "prior_relapses"), "reads prior_relapses");
  TT_CHECK(m->nvar == 1 && m->range && m->range[0].lo == 0.0 && m->range[0].hi >= 2.0 * 0.40 * 1.5,
           "range covers the largest class's 2-year expected count");
}

/* The 24-month dispersion: the chi-square rises with k from k = 0 (least squares on the
 * boundary); its 95% upper limit (rise 3.84) is 0.31; the default is the estimate. */
static void dispersion_is_derived_from_freedoms_relapse_free_shares(const TTModelType *m)
{
  double par[16], eff[1], lo = 0.0, hi = 2.0, x0 = FreedomsChi2(0.0);
  Defaults(m, par, eff);
  for (double k = 0.01; k <= 1.0; k += 0.01) TT_CHECK(FreedomsChi2(k) > FreedomsChi2(k - 0.01), "chi2 rises with k");
  for (int it = 0; it < 60; it++) {
    double mid = 0.5 * (lo + hi);
    if (FreedomsChi2(mid) - x0 < 3.84)
      lo = mid;
    else
      hi = mid;
  }
  printf("FREEDOMS 24-month relapse-free at k = 0: %.4f %.4f %.4f (published .456 .704 .747), chi2 %.3f; "
         "95%% upper k %.3f; at AFFIRM's k 0.69: placebo %.4f\n",
         RelapseFree(0, 0.8), RelapseFree(0, 0.36), RelapseFree(0, 0.32), x0, lo, RelapseFree(0.69, 0.8));
  TT_CHECK_CLOSE(lo, 0.314, 0.005, "95% upper limit of k");
  TT_CHECK(par[tt_model_param_index(m->nparam, m->param, "dispersion_k")] == 0.0, "default k = the estimate, 0");
  TT_CHECK(RelapseFree(0.69, 0.8) > 0.456 + 1.96 * sqrt(0.456 * 0.544 / 418), "AFFIRM's k is outside FREEDOMS' CI");
  TT_CHECK_CLOSE(par[tt_model_param_index(m->nparam, m->param, "prior_rr_mean")], HeldMean(), 1e-4,
                 "prior_rr_mean = mean Held ratio over the FREEDOMS-like relapse history");
}

/* Chi-square of the five 24-month relapse-free shares of the two fingolimod trials: FREEDOMS'
 * three arms and FREEDOMS II's placebo (52.7% at ARR 0.40, n 355) and 0.5 mg (71.5% at 0.21,
 * n 358) (Calabresi et al. 2014 Lancet Neurol 13:545; binomial SEs). */
static double BothTrialsChi2(double k)
{
  double d0 = RelapseFree(k, 0.8) - 0.527, d1 = RelapseFree(k, 0.42) - 0.715;
  return FreedomsChi2(k) + d0 * d0 / (0.527 * 0.473 / 355.0) + d1 * d1 / (0.715 * 0.285 / 358.0);
}

/* k at which the placebo share (ARR 0.40, same relapse history) reaches p (bisection; increasing in k). */
static double DispersionFor(double p)
{
  double lo = 0.0, hi = 5.0;
  for (int it = 0; it < 80; it++) {
    double mid = 0.5 * (lo + hi);
    if (RelapseFree(mid, 0.8) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Why FREEDOMS II's placebo relapse-free share is not reproduced (README, Credibility): at
 * FREEDOMS' ARR and relapse history its 52.7% needs k = 0.51 (95% 0.06-1.13 from its binomial
 * SE) where FREEDOMS gives k = 0 (upper 0.31): at k = 0 the share is 46.7%, below 52.7% -
 * 1.96 x 2.65%. A common k (least squares over the five arms) is 0.24, chi-square 6.9 on 4
 * df; the two trials' own minima add up to 1.6, so the difference between them is 5.3 on 1 df. */
static void freedoms2_relapse_free_share_needs_more_dispersion(void)
{
  double se = sqrt(0.527 * 0.473 / 355.0), k2 = DispersionFor(0.527), lo = DispersionFor(0.527 - 1.96 * se);
  double hi = DispersionFor(0.527 + 1.96 * se), kb = 0.0, xb = BothTrialsChi2(0.0), k2min = 0.0, x2min = 1e300;
  for (double k = 0.0; k <= 2.0; k += 1e-4) {
    double x = BothTrialsChi2(k), x2 = x - FreedomsChi2(k);
    if (x < xb) xb = x, kb = k;
    if (x2 < x2min) x2min = x2, k2min = k;
  }
  printf("FREEDOMS II placebo 52.7%% at ARR 0.40: k %.3f (95%% %.3f to %.3f); at k = 0 %.4f; common k %.3f, "
         "chi2 %.2f (4 df); FREEDOMS II alone k %.3f, chi2 %.2f; between trials %.2f (1 df)\n",
         k2, lo, hi, RelapseFree(0.0, 0.8), kb, xb, k2min, x2min, xb - FreedomsChi2(0.0) - x2min);
  TT_CHECK(RelapseFree(0.0, 0.8) < 0.527 - 1.96 * se, "FREEDOMS' k = 0 is outside FREEDOMS II's placebo CI");
  TT_CHECK_CLOSE(k2, 0.513, 0.005, "k implied by FREEDOMS II's placebo share");
  TT_CHECK_CLOSE(lo, 0.058, 0.005, "its 95% lower limit");
  TT_CHECK_CLOSE(hi, 1.13, 0.01, "its 95% upper limit");
  TT_CHECK(lo < 0.314, "the two trials' 95% ranges of k overlap (FREEDOMS: 0 to 0.31)");
  TT_CHECK_CLOSE(kb, 0.236, 0.005, "least-squares k over both trials");
  TT_CHECK_CLOSE(xb, 6.91, 0.05, "its chi-square, 4 df");
  TT_CHECK_CLOSE(xb - FreedomsChi2(0.0) - x2min, 5.34, 0.05, "between-trial chi-square, 1 df");
}

/* Default model, FREEDOMS-like population: mean 2-year count 0.8 (ARR 0.40), relapse-free
 * share equal to the closed form, and class rates in Held's ratios. */
static void population_mean_and_relapse_free_match_closed_form(const TTModelType *m)
{
  double  par[16], eff[1], n = NTWIN, free0 = 0.0, cls[3] = {0}, ncls[3] = {0};
  Moments s = {0};
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int n1, n2, c = (int) PriorOf(i), k = c >= 3 ? 2 : c - 1;
    Counts(m, par, c, 1.0, i, &n1, &n2);
    Add(&s, n1 + n2, 0.0);
    free0 += n1 + n2 == 0;
    cls[k] += n1 + n2, ncls[k] += 1;
  }
  double mu = s.sx / n, var = s.sxx / n - mu * mu, p0 = free0 / n, ref = RelapseFree(0.0, 0.8);
  printf("2-year count: mean %.4f (0.8), relapse-free %.4f (%.4f); class means %.4f %.4f %.4f\n", mu, p0, ref,
         cls[0] / ncls[0], cls[1] / ncls[1], cls[2] / ncls[2]);
  TT_CHECK_CLOSE(mu, 0.8, 4.0 * sqrt(var / n), "population ARR 0.40 over 2 years");
  TT_CHECK_CLOSE(p0, ref, 4.0 * sqrt(ref * (1.0 - ref) / n), "relapse-free share = closed form");
  for (int k = 0; k < 3; k++) {
    double want = 0.8 * HeldRatio(k + 1) / HeldMean();
    TT_CHECK_CLOSE(cls[k] / ncls[k], want, 4.0 * sqrt(want / ncls[k]), "class mean = 0.8 x Held ratio / mean");
  }
}

/* With a frailty (k = 0.69) in one class: variance mu + k mu^2 (negative binomial). */
static void frailty_gives_negative_binomial_counts(const TTModelType *m)
{
  double  par[16], eff[1], n = NTWIN;
  Moments s = {0};
  Defaults(m, par, eff);
  SetParam(m, par, "dispersion_k", 0.69);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int n1, n2;
    Counts(m, par, 2.0, 1.0, i, &n1, &n2);
    Add(&s, n1 + n2, 0.0);
  }
  double ref_mu = 0.8 * HeldRatio(2) / HeldMean(), ref_var = ref_mu + 0.69 * ref_mu * ref_mu;
  double mu = s.sx / n, var = (s.sxx - n * mu * mu) / (n - 1.0);
  double m4     = s.sx4 / n - 4.0 * mu * s.sx3 / n + 6.0 * mu * mu * s.sxx / n - 3.0 * mu * mu * mu * mu;
  double se_var = sqrt((m4 - var * var) / n);
  printf("2-year count, 2 prior relapses, k 0.69: mean %.4f (%.4f), variance %.4f (%.4f) +- %.4f\n", mu, ref_mu, var,
         ref_var, se_var);
  TT_CHECK_CLOSE(mu, ref_mu, 4.0 * sqrt(ref_var / n), "class mean");
  TT_CHECK_CLOSE(var, ref_var, 4.0 * se_var, "negative binomial variance mu + k mu^2");
}

static void year1_rate_is_125_percent_of_year2(const TTModelType *m)
{
  double  par[16], eff[1];
  Moments s = {0};
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int n1, n2;
    Counts(m, par, PriorOf(i), 1.0, i, &n1, &n2);
    Add(&s, n1, n2);
  }
  double r = s.sx / s.sy, se = RatioSE(&s, NTWIN);
  printf("year-1 / year-2 rate: %.4f +- %.4f (means %.4f, %.4f)\n", r, se, s.sx / NTWIN, s.sy / NTWIN);
  TT_CHECK_CLOSE(r, 1.25, 4.0 * se, "Nicholas 2012: year-1 ARR 25% above year 2");
  TT_CHECK_CLOSE(s.sx / NTWIN, 0.4 * 2.0 / 2.25 * 1.25, 4.0 * sqrt((s.sxx / NTWIN) / NTWIN), "year-1 rate 0.444");
}

static void rate_ratio_scales_mean_and_counts_are_coupled(const TTModelType *m)
{
  double  par[16], eff[1];
  Moments s      = {0};
  int     larger = 0;
  Defaults(m, par, eff);
  SetParam(m, par, "dispersion_k", 0.69); /* coupling must hold with a frailty too */
  for (uint64_t i = 0; i < NTWIN; i++) {
    int p1, p2, t1, t2;
    Counts(m, par, PriorOf(i), 1.0, i, &p1, &p2);
    Counts(m, par, PriorOf(i), 0.46, i, &t1, &t2);
    larger += t1 > p1 || t1 + t2 > p1 + p2;
    Add(&s, t1 + t2, p1 + p2);
  }
  double r = s.sx / s.sy, se = RatioSE(&s, NTWIN);
  printf("rate ratio 0.46: mean-count ratio %.4f +- %.4f\n", r, se);
  TT_CHECK_CLOSE(r, 0.46, 4.0 * se, "FREEDOMS fingolimod RR 0.46 scales the mean count");
  TT_CHECK(larger == 0, "coupling: a twin never relapses more on treatment than on placebo");
}

/* E[N(t) | g, c] = ARR RR g x(c)/xbar M(t), M(t) = 1.25 c0 t (t < 1), 1.25 c0 + c0 (t - 1), c0 = 2/2.25. */
static void expected_count_variable_is_the_cumulative_intensity(const TTModelType *m)
{
  double par[16], eff[1], eta[1] = {log(1.7)}, y, o, c0 = 2.0 / 2.25, cond[1] = {1.0};
  double cov1[1] = {1.0}, cov3[1] = {4.0}, cov0[1] = {0.0}, xbar = 1.5818;
  Defaults(m, par, eff);
  eff[0] = 0.45;
  m->mean(par, cov1, eta, eff, 0.5, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 1.7 / xbar * 1.25 * c0 * 0.5, 1e-12, "year 1 at 1.25 c0, one prior relapse");
  m->mean(par, cov3, eta, eff, 3.0, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 1.7 * exp(0.86) / xbar * (1.25 * c0 + 2.0 * c0), 1e-12, ">= 3 prior, after year 1");
  m->mean(par, cov0, eta, eff, 2.0, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 1.7 * exp(-0.59) / xbar * 2.0, 1e-12, "no prior relapse");
  m->observe(par, &y, NULL, &o);
  TT_CHECK(o == y, "observe adds no noise");
  m->condition(par, cov1, &y, cond);
  TT_CHECK(cond[0] == 0.0, "prognosis at the class rate (g = 1)");
}

static void later_slots_hold_infinity(const TTModelType *m)
{
  double   par[16], eff[1] = {1.0}, eta[1] = {log(5.0)}, cov[1] = {3.0}, times[TT_MAX_EVENT_TIMES];
  tt_pcg32 g;
  Defaults(m, par, eff);
  tt_rng_substream(&g, 11, 1, 0, TT_STREAM_EVENTS);
  m->events(par, cov, eta, eff, 2.0, &g, times);
  int j = 0;
  while (j < TT_MAX_EVENT_TIMES && times[j] < 2.0) j++;
  for (; j < TT_MAX_EVENT_TIMES; j++) TT_CHECK(isinf(times[j]), "INFINITY after t_end");
}

int main(void)
{
  const TTModelType *m = tt_model_find("ms_relapse");
  if (!m) return printf("FAIL: ms_relapse not registered\n"), 1;
  metadata_declares_recurrent_relapse_and_prior_relapses(m);
  dispersion_is_derived_from_freedoms_relapse_free_shares(m);
  freedoms2_relapse_free_share_needs_more_dispersion();
  population_mean_and_relapse_free_match_closed_form(m);
  frailty_gives_negative_binomial_counts(m);
  year1_rate_is_125_percent_of_year2(m);
  rate_ratio_scales_mean_and_counts_are_coupled(m);
  expected_count_variable_is_the_cumulative_intensity(m);
  later_slots_hold_infinity(m);
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
