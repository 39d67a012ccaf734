/* test_modellang_adas.c — the built-in alzheimers_adas model's mean re-expressed as a
 * model file (tests/data/models/good/alzheimers_adas_mean.yaml) equals the C model's to
 * 1e-12 relative (closed form: the same arithmetic, so in practice bit for bit) over 2000
 * random twins (covariates, random effects, arm effects) at times from -2 to 3 years,
 * including t < 0 (the untreated history) and the clamps. Prints the speed ratio of the
 * two means (C time / model file time) for information.
 * Needs a C compiler (cc or TWINTRIAL_CC). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <string.h>
#include <time.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include "tt_check.h"

static double Seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

int main(int argc, char **argv)
{
  const TTModelType *c = NULL, *f = NULL;
  double             parc[32], parf[32], worst = 0, sink = 0, tc, tf;
  int                bitwise = 0, n = 0;
  tt_pcg32           rng;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  c = tt_model_find("alzheimers_adas");
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/tests/data/models/good/alzheimers_adas_mean.yaml", &f));
  TT_CHECK(c && f->nvar == 1 && f->neffect == c->neffect && f->ncovariate == c->ncovariate, "same shapes");
  for (int i = 0; i < f->ncovariate; i++)
    TT_CHECK(!strcmp(f->covariate[i], c->covariate[i]), "covariates in the same order");
  for (int i = 0; i < f->neffect; i++)
    TT_CHECK(!strcmp(f->effect[i].name, c->effect[i].name) && f->effect[i].value == c->effect[i].value,
             "effects and their defaults");
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) {
    int k = tt_model_param_index(c->nparam, c->param, f->param[i].name);
    TT_CHECK(k >= 0 && c->param[k].value == f->param[i].value, "the same parameter values");
    parf[i] = f->param[i].value;
  }
  tt_rng_substream(&rng, 16, 1, 2, TT_STREAM_LATENT);
  for (int twin = 0; twin < 2000; twin++) {
    double cov[4] = {55 + 30 * tt_rng_uniform(&rng), tt_rng_uniform(&rng) < 0.5, floor(3 * tt_rng_uniform(&rng)),
                     tt_rng_uniform(&rng) < 0.6};
    double eta[2] = {0.6 * tt_rng_normal(&rng), 0.25 * tt_rng_normal(&rng)};
    double eff[3] = {twin % 3 ? 8 * tt_rng_uniform(&rng) : 0, 0.5 + 20 * tt_rng_uniform(&rng),
                     twin % 4 ? 2 * tt_rng_uniform(&rng) - 1 : 0};
    for (int k = 0; k < 12; k++) {
      double t = k == 0 ? 0 : -2 + 5 * tt_rng_uniform(&rng), yc, yf, rel;
      c->mean(parc, cov, eta, eff, t, &yc);
      f->mean(parf, cov, eta, eff, t, &yf);
      rel   = fabs(yf - yc) / fabs(yc);
      worst = fmax(worst, rel), bitwise += yf == yc, n++;
      TT_CHECK_CLOSE(yf, yc, 1e-12 * fabs(yc), "model file mean = C mean");
    }
  }
  {
    double cov[4] = {68, 0, 2, 0}, eta[2] = {-0.3, 0.1}, eff[3] = {3, 10, 0.3}, t[5] = {-1, 0, 0.3, 1, 2.5}, ym[5], y;
    TT_CHECK(f->mean_times != NULL, "mean_times is generated");
    f->mean_times(parf, cov, eta, eff, 5, t, ym);
    for (int i = 0; i < 5; i++) {
      f->mean(parf, cov, eta, eff, t[i], &y);
      TT_CHECK(ym[i] == y, "mean_times equals mean bit for bit");
    }
  }
  printf("alzheimers_adas: %d values, %d bit for bit, largest relative difference %.3g\n", n, bitwise, worst);
  {
    double cov[4] = {72, 1, 1, 1}, eta[2] = {0.1, 0.02}, eff[3] = {4.1, 7.6, 0.2}, y;
    tc = Seconds();
    for (int i = 0; i < 1000000; i++) c->mean(parc, cov, eta, eff, 1e-6 * i, &y), sink += y;
    tc = Seconds() - tc;
    tf = Seconds();
    for (int i = 0; i < 1000000; i++) f->mean(parf, cov, eta, eff, 1e-6 * i, &y), sink -= y;
    tf = Seconds() - tf;
    printf("speed (10^6 means): C %.3f s, model file %.3f s, ratio C/file %.2f (sum check %g)\n", tc, tf, tc / tf,
           sink);
  }
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
