/* test_model_ms.c — the ms_relapse model against MODELS.md §4: negative binomial
 * counts (FREEDOMS placebo ARR 0.40 over 2 years, AFFIRM-derived k = 0.69), year-1
 * rate 1.25 x year 2 (Nicholas 2012), rate ratio and coupling across arms. Counts
 * are taken from the event times, as the trial's count endpoints do. */
#include <twintrial/model.h>
#include "tt_check.h"

#define NTWIN 40000

static void Defaults(const TTModelType *m, double *par, double *eff)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
}

/* Relapses of twin i (seed 11, replicate 0) in [0, 1) and [1, 2) under rate ratio rr. */
static void Counts(const TTModelType *m, const double *par, double rr, uint64_t i, int *n1, int *n2)
{
  double   eta[1], eff[1] = {rr}, times[TT_MAX_EVENT_TIMES];
  tt_pcg32 g;
  tt_rng_substream(&g, 11, 0, i, TT_STREAM_LATENT);
  m->draw_latent(par, &g, eta);
  tt_rng_substream(&g, 11, 0, i, TT_STREAM_EVENTS);
  m->events(par, NULL, eta, eff, 2.0, &g, times);
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

static void metadata_declares_recurrent_relapse(const TTModelType *m)
{
  TT_CHECK(m->time_unit_days == 365.25, "time in years");
  TT_CHECK(m->nevent == 1 && m->event[0].recurrent && !m->event[0].terminal, "relapse is recurrent");
  TT_CHECK(m->ncovariate == 0 && m->nvar == 1, "no covariates, one output");
}

/* mu = 0.40 * 2 = 0.8; variance mu + k mu^2 = 0.8 + 0.69 * 0.64 = 1.2416. */
static void two_year_count_is_negative_binomial(const TTModelType *m)
{
  double  par[8], eff[1], n = NTWIN;
  Moments s = {0};
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int n1, n2;
    Counts(m, par, 1.0, i, &n1, &n2);
    Add(&s, n1 + n2, 0.0);
  }
  double mu = s.sx / n, var = (s.sxx - n * mu * mu) / (n - 1.0);
  double m4     = s.sx4 / n - 4.0 * mu * s.sx3 / n + 6.0 * mu * mu * s.sxx / n - 3.0 * mu * mu * mu * mu;
  double se_var = sqrt((m4 - var * var) / n), ref_var = 0.8 + 0.69 * 0.8 * 0.8;
  printf("2-year count: mean %.4f (0.8), variance %.4f (%.4f) +- %.4f\n", mu, var, ref_var, se_var);
  TT_CHECK_CLOSE(mu, 0.8, 4.0 * sqrt(ref_var / n), "FREEDOMS placebo ARR 0.40 x 2 years");
  TT_CHECK_CLOSE(var, ref_var, 4.0 * se_var, "negative binomial variance mu + k mu^2, k = 0.69");
}

static void year1_rate_is_125_percent_of_year2(const TTModelType *m)
{
  double  par[8], eff[1];
  Moments s = {0};
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int n1, n2;
    Counts(m, par, 1.0, i, &n1, &n2);
    Add(&s, n1, n2);
  }
  double r = s.sx / s.sy, se = RatioSE(&s, NTWIN);
  printf("year-1 / year-2 rate: %.4f +- %.4f (means %.4f, %.4f)\n", r, se, s.sx / NTWIN, s.sy / NTWIN);
  TT_CHECK_CLOSE(r, 1.25, 4.0 * se, "Nicholas 2012: year-1 ARR 25% above year 2");
  TT_CHECK_CLOSE(s.sx / NTWIN, 0.4 * 2.0 / 2.25 * 1.25, 4.0 * sqrt((s.sxx / NTWIN) / NTWIN), "year-1 rate 0.444");
}

static void rate_ratio_scales_mean_and_counts_are_coupled(const TTModelType *m)
{
  double  par[8], eff[1];
  Moments s      = {0};
  int     larger = 0;
  Defaults(m, par, eff);
  for (uint64_t i = 0; i < NTWIN; i++) {
    int p1, p2, t1, t2;
    Counts(m, par, 1.0, i, &p1, &p2);
    Counts(m, par, 0.45, i, &t1, &t2);
    larger += t1 > p1 || t1 + t2 > p1 + p2;
    Add(&s, t1 + t2, p1 + p2);
  }
  double r = s.sx / s.sy, se = RatioSE(&s, NTWIN);
  printf("rate ratio 0.45: mean-count ratio %.4f +- %.4f\n", r, se);
  TT_CHECK_CLOSE(r, 0.45, 4.0 * se, "FREEDOMS fingolimod RR ~ 0.45 scales the mean count");
  TT_CHECK(larger == 0, "coupling: a twin never relapses more on treatment than on placebo");
}

/* E[N(t) | g] = ARR RR g M(t), M(t) = 1.25 c t (t < 1), 1.25 c + c (t - 1), c = 2/2.25. */
static void expected_count_variable_is_the_cumulative_intensity(const TTModelType *m)
{
  double par[8], eff[1] = {0.45}, eta[1] = {log(1.7)}, y, o, c = 2.0 / 2.25, cond[1] = {1.0};
  Defaults(m, par, eff);
  eff[0] = 0.45;
  m->mean(par, NULL, eta, eff, 0.5, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 1.7 * 1.25 * c * 0.5, 1e-12, "year 1 at 1.25 c");
  m->mean(par, NULL, eta, eff, 3.0, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 1.7 * (1.25 * c + 2.0 * c), 1e-12, "after year 1 at c");
  m->observe(par, &y, NULL, &o);
  TT_CHECK(o == y, "observe adds no noise");
  eta[0] = 0.0;
  m->mean(par, NULL, eta, eff, 2.0, &y);
  TT_CHECK_CLOSE(y, 0.40 * 0.45 * 2.0, 1e-12, "2-year mean ARR equals arr");
  m->condition(par, NULL, &y, cond);
  TT_CHECK(cond[0] == 0.0, "prognosis at the population-mean rate (g = 1)");
}

static void later_slots_hold_infinity(const TTModelType *m)
{
  double   par[8], eff[1] = {1.0}, eta[1] = {log(5.0)}, times[TT_MAX_EVENT_TIMES];
  tt_pcg32 g;
  Defaults(m, par, eff);
  tt_rng_substream(&g, 11, 1, 0, TT_STREAM_EVENTS);
  m->events(par, NULL, eta, eff, 2.0, &g, times);
  int j = 0;
  while (j < TT_MAX_EVENT_TIMES && times[j] < 2.0) j++;
  for (; j < TT_MAX_EVENT_TIMES; j++) TT_CHECK(isinf(times[j]), "INFINITY after t_end");
}

int main(void)
{
  const TTModelType *m = tt_model_find("ms_relapse");
  if (!m) return printf("FAIL: ms_relapse not registered\n"), 1;
  metadata_declares_recurrent_relapse(m);
  two_year_count_is_negative_binomial(m);
  year1_rate_is_125_percent_of_year2(m);
  rate_ratio_scales_mean_and_counts_are_coupled(m);
  expected_count_variable_is_the_cumulative_intensity(m);
  later_slots_hold_infinity(m);
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
