/* test_modellang_truncate.c — truncated random effects of model files (truncated.yaml):
 *   omega reports the bounds (+-2 SD of eta_x, [-0.1, 0.3] of eta_z, none for eta_y);
 *   200000 draws all lie inside them and have the truncated normal's moments within 5
 *   Monte Carlo SE: Var(eta_x) = s^2 f(2), f(c) = 1 - 2 c phi(c) / (2 Phi(c) - 1);
 *   Var(eta_y) = s_y^2 (1 - rho^2 (1 - f(2))) (the correlated partner of a truncated
 *   effect: exact rejection of the joint normal, not a marginal truncation);
 *   eta_z's mean and variance on [a, b] = [-0.5, 1.5] SD:
 *   s (phi(a) - phi(b)) / Z and s^2 (1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2);
 *   condition() stays inside the bounds for an extreme baseline;
 *   the re-expressed pk_1cmt_oral (pk_1cmt_oral.yaml, truncate at 3 SD) reports the C
 *   model's bounds.
 * Needs a C compiler; TWINTRIAL_CACHE comes from the test's environment. */
#include <math.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include "tt_check.h"
#include "tt_modellang_load.h"

#define N 200000

static double Phi(double x)
{
  return 0.5 * erfc(-x / sqrt(2.0));
}

static double phi(double x)
{
  return exp(-0.5 * x * x) / sqrt(2.0 * 3.14159265358979323846);
}

static void TestTruncated(void)
{
  const TTModelType *m = tt_modellang_load("truncated.yaml");
  double om[9], lo[3], hi[3], par[1] = {1}, s1[3] = {0}, s2[3] = {0}, s4[3] = {0}, eta[3], f2, mu[3], var[3];
  int    inside = 1;
  m->omega(par, NULL, om, lo, hi);
  TT_CHECK_CLOSE(lo[0], -0.6, 1e-15, "eta_x at -2 SD");
  TT_CHECK_CLOSE(hi[0], 0.6, 1e-15, "eta_x at +2 SD");
  TT_CHECK(lo[1] == -INFINITY && hi[1] == INFINITY, "eta_y not truncated");
  TT_CHECK(lo[2] == -0.1 && hi[2] == 0.3, "eta_z on [-0.1, 0.3]");
  TT_CHECK_CLOSE(om[1], 0.6 * 0.3 * 0.5, 1e-15, "Omega: the untruncated covariance");
  f2    = 1 - 2 * 2 * phi(2) / (2 * Phi(2) - 1);
  mu[0] = 0, var[0] = 0.09 * f2;
  mu[1] = 0, var[1] = 0.25 * (1 - 0.36 * (1 - f2));
  {
    double a = -0.5, b = 1.5, Z = Phi(b) - Phi(a), d = (phi(a) - phi(b)) / Z;
    mu[2] = 0.2 * d, var[2] = 0.04 * (1 + (a * phi(a) - b * phi(b)) / Z - d * d);
  }
  for (int i = 0; i < N; i++) {
    tt_pcg32 g;
    tt_rng_substream(&g, 3, 0, (uint64_t) i, TT_STREAM_LATENT);
    m->draw_latent(par, &g, eta);
    for (int k = 0; k < 3; k++) {
      double d = eta[k] - mu[k];
      inside   = inside && eta[k] >= lo[k] && eta[k] <= hi[k];
      s1[k] += d, s2[k] += d * d, s4[k] += d * d * d * d;
    }
  }
  TT_CHECK(inside, "every draw inside its bounds");
  for (int k = 0; k < 3; k++) {
    double mean = mu[k] + s1[k] / N, v = s2[k] / N - (s1[k] / N) * (s1[k] / N);
    double se_v = sqrt(fmax(s4[k] / N - v * v, 0) / N);
    printf("%s: mean %.5f (closed form %.5f), variance %.6f (closed form %.6f, se %.2g)\n", m->latent[k], mean, mu[k],
           v, var[k], se_v);
    TT_CHECK_CLOSE(mean, mu[k], 5 * sqrt(var[k] / N), "the truncated normal's mean");
    TT_CHECK_CLOSE(v, var[k], 5 * se_v, "the truncated normal's variance");
  }
  {
    double y0 = 1e6, est[3];
    m->condition(par, NULL, &y0, est);
    printf("condition at an extreme baseline: %.4f %.4f %.4f\n", est[0], est[1], est[2]);
    for (int k = 0; k < 3; k++) TT_CHECK(est[k] >= lo[k] && est[k] <= hi[k], "condition inside the bounds");
  }
}

static void TestPk(void)
{
  const TTModelType *c = tt_model_find("pk_1cmt_oral"), *f = tt_modellang_load("pk_1cmt_oral.yaml");
  double             parc[16], parf[16], omc[9], omf[9], loc[3], hic[3], lof[3], hif[3];
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) parf[i] = f->param[i].value;
  c->omega(parc, NULL, omc, loc, hic);
  f->omega(parf, NULL, omf, lof, hif);
  for (int k = 0; k < 3; k++) {
    TT_CHECK_CLOSE(lof[k], loc[k], 1e-15 * fabs(loc[k]), "pk_1cmt_oral's lower bound (3 SD)");
    TT_CHECK_CLOSE(hif[k], hic[k], 1e-15 * fabs(hic[k]), "pk_1cmt_oral's upper bound (3 SD)");
    TT_CHECK_CLOSE(omf[k * 4], omc[k * 4], 1e-15 * omc[k * 4], "pk_1cmt_oral's variances");
  }
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TestTruncated();
  TestPk();
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
