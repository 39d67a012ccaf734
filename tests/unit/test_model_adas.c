/* test_model_adas.c — the alzheimers_adas model against Conrado 2014's published typical patient and an
 * independent evaluation of the published closed form. */
#include <string.h>
#include <twintrial/model.h>
#include "tt_check.h"

/* Covariates at the model's centring: age 75, female, APOE4 0.72, on AChE-I. */
static const double typical_cov[4] = {75.0, 0.0, 0.72, 1.0};
static const double zero_eta[2]    = {0.0, 0.0};

static double Adas(const TTModelType *m, const double *par, const double *eff, double years)
{
  double y;
  m->mean(par, typical_cov, zero_eta, eff, years, &y);
  return y;
}

static void Defaults(const TTModelType *m, double *par, double *eff)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
}

static void typical_curve_matches_models_md(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  par[tt_model_param_index(m->nparam, m->param, "placebo_beta")] = 0.0; /* disease course alone */
  TT_CHECK_CLOSE(Adas(m, par, eff, 0.0), 22.2, 1e-9, "Conrado 2014 typical BL");
  TT_CHECK_CLOSE(Adas(m, par, eff, 1.0), 25.9, 0.05, "Conrado 2014 check: ~25.9 at 1 yr");
  TT_CHECK_CLOSE(Adas(m, par, eff, 1.5), 27.9, 0.05, "Conrado 2014 check: ~27.9 at 1.5 yr");
  TT_CHECK_CLOSE(Adas(m, par, eff, 2.0), 30.1, 0.05, "Conrado 2014 check: ~30.1 at 2 yr");
}

/* The Richards form typed independently: BL/70 / [b^s + (1-b^s) exp(-s SL t)]^(1/s). */
static void closed_form_agrees_with_independent_formula(const TTModelType *m)
{
  double par[32], eff[8];
  Defaults(m, par, eff);
  par[tt_model_param_index(m->nparam, m->param, "placebo_beta")] = 0.0;
  for (double t = 0.0; t <= 5.0; t += 0.25) {
    double b = 22.2 / 70.0, s = 6.91, sl = 0.153;
    double ref = 70.0 * b / pow(pow(b, s) + (1 - pow(b, s)) * exp(-s * sl * t), 1.0 / s);
    TT_CHECK_CLOSE(Adas(m, par, eff, t), ref, 1e-9 * ref, "Conrado 2014 closed form");
  }
}

static void placebo_peak_near_week_15(const TTModelType *m)
{
  double par[32], eff[8], best = 0.0, tbest = 0.0;
  Defaults(m, par, eff);
  for (double w = 0.5; w <= 52.0; w += 0.5) {
    double t = w * 7.0 / 365.25, d = Adas(m, par, eff, t);
    par[tt_model_param_index(m->nparam, m->param, "placebo_beta")] = 0.0;
    d -= Adas(m, par, eff, t);
    par[tt_model_param_index(m->nparam, m->param, "placebo_beta")] = 0.030;
    if (d < best) best = d, tbest = w;
  }
  TT_CHECK_CLOSE(best, -1.0, 0.1, "Ito 2010: placebo peak ~1 point improvement");
  TT_CHECK_CLOSE(tbest, 15.0, 2.0, "Ito 2010: peak near week 15");
}

static void donepezil_effect_matches_meta_analysis(const TTModelType *m)
{
  double par[32], eff[8], eff0[8];
  Defaults(m, par, eff);
  Defaults(m, par, eff0);
  eff[0] = 4.1;
  eff[1] = 7.6;
  /* IPD meta-analysis: -2.5 points at week 12, -3.1 at week 24. */
  TT_CHECK_CLOSE(Adas(m, par, eff, 12 * 7 / 365.25) - Adas(m, par, eff0, 12 * 7 / 365.25), -2.5, 0.05, "week 12");
  TT_CHECK_CLOSE(Adas(m, par, eff, 24 * 7 / 365.25) - Adas(m, par, eff0, 24 * 7 / 365.25), -3.1, 0.05, "week 24");
}

static void covariates_move_the_curve_as_published(const TTModelType *m)
{
  double par[32], eff[8], y0, y1, cov[4];
  Defaults(m, par, eff);
  memcpy(cov, typical_cov, sizeof(cov));
  cov[1] = 1.0; /* male: baseline x 0.953 */
  m->mean(par, cov, zero_eta, eff, 0.0, &y1);
  TT_CHECK_CLOSE(y1, 22.2 * 0.953, 1e-9, "Conrado 2014: male baseline x0.953");
  memcpy(cov, typical_cov, sizeof(cov));
  cov[3] = 0.0; /* not on AChE-I: slower decline */
  m->mean(par, cov, zero_eta, eff, 2.0, &y1);
  m->mean(par, typical_cov, zero_eta, eff, 2.0, &y0);
  TT_CHECK(y1 < y0, "slope x0.698 without background medication");
}

static void condition_recovers_baseline_random_effect(const TTModelType *m)
{
  double par[32], eff[8], eta[2] = {0.3, 0.0}, y0, cond[2];
  Defaults(m, par, eff);
  m->mean(par, typical_cov, eta, eff, 0.0, &y0);
  m->condition(par, typical_cov, &y0, cond);
  TT_CHECK_CLOSE(cond[0], 0.3, 1e-12, "eta_BL from the noise-free baseline");
  TT_CHECK_CLOSE(cond[1], 0.0224 / 0.156 * 0.3, 1e-12, "bivariate normal: E[eta_SL | eta_BL] = cov/var eta_BL");
}

/* The stated range is the scale's, and the Beta observation never leaves it, even for
 * means at the clamps of the 0-1 scale (10^5 draws each). */
static void observations_stay_in_the_stated_range(const TTModelType *m)
{
  double   par[32], eff[8], means[3] = {1e-4, 35.0, 70.0 - 1e-4};
  tt_pcg32 rng;
  Defaults(m, par, eff);
  TT_CHECK(m->range && m->range[0].lo == 0.0 && m->range[0].hi == 70.0, "range 0-70 (scale definition)");
  if (!m->range) return;
  tt_pcg32_seed(&rng, 2014u, 581u);
  for (int k = 0; k < 3; k++) {
    int out = 0;
    for (int i = 0; i < 100000; i++) {
      double y;
      m->observe(par, &means[k], &rng, &y);
      out += !(y >= m->range[0].lo && y <= m->range[0].hi);
    }
    TT_CHECK(out == 0, "Beta observations inside [0, 70]");
  }
}

int main(void)
{
  const TTModelType *m = tt_model_find("alzheimers_adas");
  if (!m) return printf("FAIL: alzheimers_adas not registered\n"), 1;
  typical_curve_matches_models_md(m);
  closed_form_agrees_with_independent_formula(m);
  placebo_peak_near_week_15(m);
  donepezil_effect_matches_meta_analysis(m);
  covariates_move_the_curve_as_published(m);
  condition_recovers_baseline_random_effect(m);
  observations_stay_in_the_stated_range(m);
  printf("%d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
