/* test_modellang_family.c — observation families of model files (families.yaml):
 *   observe's draws over 200000 twins have the closed-form mean and variance of each
 *   family within 5 Monte Carlo SE: Beta on [lo, hi]: lo + (hi - lo) mu and
 *   (hi - lo)^2 mu (1 - mu) / (1 + tau); Poisson: m and m (also m = 250, far from the
 *   start of the search); negative binomial: m and m + k m^2; counts are whole numbers;
 *   a count's draw consumes the same random numbers whatever its model value (one
 *   uniform: arms keep common random numbers);
 *   the built-in alzheimers_adas's Beta observation model re-expressed
 *   (alzheimers_adas_mean.yaml, family beta, precision 87.5 on [0, 70]) gives the C
 *   model's draws and log densities bit for bit.
 * (The log densities against R's dbeta, dpois, dnbinom and their distribution functions:
 * tests/validation/modellang_family_vs_r.R.) Needs a C compiler; TWINTRIAL_CACHE comes
 * from the test's environment. */
#include <math.h>
#include <string.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include "tt_check.h"
#include "tt_modellang_load.h"

#define N TT_SAMPLES(200000)

static void TestMoments(void)
{
  const TTModelType *m        = tt_modellang_load("families.yaml");
  double             ymean[6] = {30, 0.4, 4.5, 250, 4.5, 4.5}, yobs[6], s1[6] = {0}, s2[6] = {0}, s4[6] = {0};
  double             mu[6], var[6];
  int                whole = 1, same = 1;
  double             m1 = 30.0 / 70, m2 = 1.4 / 4;
  TT_CHECK(m->nvar == 6, "six outputs");
  mu[0] = 30, var[0] = 70 * 70 * m1 * (1 - m1) / 21;
  mu[1] = 0.4, var[1] = 16 * m2 * (1 - m2) / 4.5;
  mu[2] = 4.5, var[2] = 4.5;
  mu[3] = 250, var[3] = 250;
  mu[4] = 4.5, var[4] = 4.5 + 0.4 * 4.5 * 4.5;
  mu[5] = 4.5, var[5] = 4.5 + 2.5 * 4.5 * 4.5;
  for (int i = 0; i < N; i++) {
    tt_pcg32 g, h;
    tt_rng_substream(&g, 5, 0, (uint64_t) i, TT_STREAM_RESIDUAL);
    h = g;
    m->observe(NULL, ymean, &g, yobs);
    for (int k = 0; k < 6; k++) {
      double d = yobs[k] - mu[k];
      s1[k] += d, s2[k] += d * d, s4[k] += d * d * d * d;
      if (k >= 2) whole = whole && yobs[k] == floor(yobs[k]) && yobs[k] >= 0;
    }
    /* the counts' consumption does not depend on their model values (the Beta's, by
     * rejection, depends on its shapes: kept equal here) */
    if (i < 1000) {
      double   other[6] = {30, 0.4, 40, 3, 0.2, 90}, y2[6];
      tt_pcg32 a = h, b = h;
      m->observe(NULL, ymean, &a, yobs);
      m->observe(NULL, other, &b, y2);
      same = same && a.state == b.state;
    }
  }
  for (int k = 0; k < 6; k++) {
    double mean = mu[k] + s1[k] / N, v = s2[k] / N - (s1[k] / N) * (s1[k] / N), m4 = s4[k] / N;
    double se_v = sqrt(fmax(m4 - v * v, 0) / N);
    printf("%-14s mean %.5g (closed form %.5g, se %.2g), variance %.5g (closed form %.5g, se %.2g)\n", m->var[k].name,
           mean, mu[k], sqrt(var[k] / N), v, var[k], se_v);
    TT_CHECK_CLOSE(mean, mu[k], 5 * sqrt(var[k] / N), "the family's mean");
    TT_CHECK_CLOSE(v, var[k], 5 * se_v, "the family's variance");
  }
  TT_CHECK(whole, "counts are whole numbers >= 0");
  TT_CHECK(same, "a draw consumes the same random numbers whatever the model value");
}

static void TestAdas(void)
{
  const TTModelType *c = tt_model_find("alzheimers_adas"), *f = tt_modellang_load("alzheimers_adas_mean.yaml");
  double             par[32];
  int                same = 1, dens = 1;
  for (int i = 0; i < c->nparam; i++) par[i] = c->param[i].value;
  TT_CHECK(tt_model_param_index(c->nparam, c->param, "beta_precision") >= 0 &&
               par[tt_model_param_index(c->nparam, c->param, "beta_precision")] == 87.5,
           "the C model's default precision is the file's");
  for (int i = 0; i < TT_SAMPLES(20000); i++) {
    tt_pcg32      g, h;
    double        ymean = 0.5 + 69.0 * (i % 997) / 997.0, yc, yf;
    TTObservation o     = {ymean, 0, NAN, NAN, i % 5 == 0};
    tt_rng_substream(&g, 8, 1, (uint64_t) i, TT_STREAM_RESIDUAL);
    h = g;
    c->observe(par, &ymean, &g, &yc);
    f->observe(NULL, &ymean, &h, &yf);
    same    = same && memcmp(&yc, &yf, sizeof yc) == 0;
    o.value = yc;
    {
      double lc = c->log_density(par, 0, &o), lf = f->log_density(NULL, 0, &o);
      dens = dens && memcmp(&lc, &lf, sizeof lc) == 0;
    }
  }
  TT_CHECK(same, "ADAS-Cog Beta draws bit for bit the C model's");
  TT_CHECK(dens, "ADAS-Cog Beta log densities (and censored ones) bit for bit the C model's");
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TestMoments();
  TestAdas();
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
