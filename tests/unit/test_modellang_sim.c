/* test_modellang_sim.c — model files through the sim (PETSc TS):
 *   an ODE model file (turnover_ode.yaml) integrated equals its closed form
 *   (turnover_closed.yaml, itself checked against the formula typed here) within the
 *   integration tolerance, for typical and extreme random effects and stimulations;
 *   the built-in pk_1cmt_oral re-expressed with a dosing section (pk_1cmt_oral.yaml)
 *   gives the C model's concentrations and Css,avg (its ODE integrated: the C model's exact
 *   solution between doses, propagate, is off here) within the integration tolerance under
 *   several regimens (repeated, counted, single, none), doses taken at the same times;
 *   the built-in t2d_hba1c re-expressed (t2d_hba1c.yaml) gives the C model's HbA1c, FPG,
 *   FSI and weight within the integration tolerance for the validation cases of
 *   tests/validation/t2d_trajectory.c (untreated, each arm effect, all of them);
 *   the shipped example's typical trajectory without arm effect stays at its baseline
 *   and its condition() recovers eta_base from a noise-free baseline exactly enough.
 * Needs a C compiler (cc or TWINTRIAL_CC); TWINTRIAL_CACHE comes from the test's
 * environment. */
#include <math.h>
#include <string.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include <twintrial/sim.h>
#include "tt_check.h"

#define NT 7

static void TestClosedForm(void)
{
  static const double t[NT]      = {0, 1, 7, 14, 28, 90, 365};
  static const double cases[][4] = {/* eta_base, eta_kout, stim, age */
                                    {0, 0, 0.5, 50},  {0.3, -0.5, 0.5, 70}, {-0.4, 1.2, 2.0, 30},
                                    {0, 0, -0.6, 50}, {0.2, 0.9, 0, 45},    {0.1, -1.5, 1.0, 80}};
  const TTModelType  *ode, *closed;
  double              par[2] = {40, 0.05}, yo[NT], yc[NT], worst = 0;
  TTSim               so, sc;
  PetscCallAbort(PETSC_COMM_SELF,
                 TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/tests/data/models/good/turnover_ode.yaml", &ode));
  PetscCallAbort(
      PETSC_COMM_SELF,
      TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/tests/data/models/good/turnover_closed.yaml", &closed));
  TT_CHECK(ode->nstate == 1 && closed->nstate == 0, "one ODE, one closed-form model");
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(ode, par, &so));
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(closed, par, &sc));
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const double *k      = cases[c];
    double        eta[2] = {k[0], k[1]}, eff[1] = {k[2]}, cov[1] = {k[3]};
    double        base = 40 * exp(k[0]) * pow(k[3] / 50, 0.3), kout = 0.05 * exp(k[1]);
    PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(so, cov, eta, eff, NT, t, yo));
    PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sc, cov, eta, eff, NT, t, yc));
    for (int i = 0; i < NT; i++) {
      double exact = base * (1 + k[2]) - base * k[2] * exp(-kout * t[i]);
      TT_CHECK_CLOSE(yc[i], exact, 1e-12 * fabs(exact), "the closed-form model file is the formula");
      TT_CHECK_CLOSE(yo[i], yc[i], 1e-6 * fabs(yc[i]),
                     "the ODE model file integrated (rtol 1e-8) equals its closed form");
      worst = fmax(worst, fabs(yo[i] - yc[i]) / fabs(yc[i]));
    }
  }
  printf("ODE vs closed form: largest relative difference %.3g over %d values\n", worst,
         (int) (NT * sizeof cases / sizeof cases[0]));
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&so));
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sc));
}

static void TestPk(void)
{
  static const double t[10]        = {0, 0.5, 1, 2, 6, 12, 12.1, 24, 48, 100}; /* hours */
  static const double regimen[][3] = {{500, 12, 0}, {1000, 24, 3}, {850, 0, 0}, {0, 24, 0}, {250, 8, 5}};
  const TTModelType  *builtin      = tt_model_find("pk_1cmt_oral"), *f;
  TTModelType         ode, *c = &ode; /* its ODE: the file has no exact solution */
  double              parc[16], parf[16], yc[20], yf[20], worst = 0;
  TTSim               sc, sf;
  tt_pcg32            rng;
  PetscCallAbort(PETSC_COMM_SELF,
                 TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/tests/data/models/good/pk_1cmt_oral.yaml", &f));
  TT_CHECK(builtin != NULL, "pk_1cmt_oral is registered");
  if (!builtin) return;
  ode           = *builtin;
  ode.propagate = NULL;
  TT_CHECK(f->doses && f->dose_state == 0 && f->nvar == 2 && fabs(f->time_unit_days - c->time_unit_days) == 0,
           "a dosing model in hours");
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) parf[i] = f->param[i].value;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(c, parc, &sc));
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(f, parf, &sf));
  tt_rng_substream(&rng, 3, 1, 2, TT_STREAM_LATENT);
  for (int twin = 0; twin < 10; twin++)
    for (size_t r = 0; r < sizeof regimen / sizeof regimen[0]; r++) {
      double cov[1] = {50 + 60 * tt_rng_uniform(&rng)}, eta[3];
      for (int k = 0; k < 3; k++) eta[k] = 0.4 * tt_rng_normal(&rng);
      PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sc, cov, eta, regimen[r], 10, t, yc));
      PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sf, cov, eta, regimen[r], 10, t, yf));
      for (int i = 0; i < 20; i++) {
        TT_CHECK_CLOSE(yf[i], yc[i], 1e-6 * fabs(yc[i]) + 1e-12, "model file concentration = C model's");
        if (yc[i] != 0) worst = fmax(worst, fabs(yf[i] - yc[i]) / fabs(yc[i]));
      }
    }
  printf("pk_1cmt_oral: model file vs C, largest relative difference %.3g over 500 values\n", worst);
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sc));
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sf));
}

static void TestT2d(void)
{
  static const double t[6]        = {0, 28, 91, 182, 364, 728}; /* days */
  static const double cases[][11] = {/* eta_is, eta_b, eta_rb, then the 8 effects in the models' order */
                                     {0, 0, 0, 0, 77.9, 0, 7, 0, 0, 0, 0},
                                     {0.3, -1.2, 0.25, 0, 77.9, 0, 7, 0, 0, 0, 0},
                                     {0, 0, 0, 0.3, 77.9, 0, 7, 0, 0, 0, 0},
                                     {0, 0, 0, 0, 77.9, 0.25, 7, 0, 0, 0, 0},
                                     {0, 0, 0, 0, 77.9, 0, 7, 0.5, 28, 0, 0},
                                     {0, 0, 0, 0, 77.9, 0, 7, 0, 0, -5, 0},
                                     {-0.2, 0.8, -0.1, 0.2, 30, 0.15, 5, 0.4, 0, -3, 14}};
  const TTModelType  *c           = tt_model_find("t2d_hba1c"), *f;
  double              parc[32], parf[32], yc[24], yf[24], worst = 0, cov[1] = {92};
  TTSim               sc, sf;
  PetscCallAbort(PETSC_COMM_SELF,
                 TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/tests/data/models/good/t2d_hba1c.yaml", &f));
  TT_CHECK(c && f->nvar == 4 && f->nstate == 5 && f->neffect == c->neffect && f->nlatent == 3, "shapes");
  for (int i = 0; i < f->neffect; i++)
    TT_CHECK(!strcmp(f->effect[i].name, c->effect[i].name) && f->effect[i].value == c->effect[i].value,
             "effects in the same order");
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) {
    int k = tt_model_param_index(c->nparam, c->param, f->param[i].name);
    TT_CHECK(k >= 0 && c->param[k].value == f->param[i].value, "the same parameter values");
    parf[i] = f->param[i].value;
  }
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(c, parc, &sc));
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(f, parf, &sf));
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sc, cov, cases[k], cases[k] + 3, 6, t, yc));
    PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sf, cov, cases[k], cases[k] + 3, 6, t, yf));
    for (int i = 0; i < 24; i++) {
      TT_CHECK_CLOSE(yf[i], yc[i], 1e-6 * fabs(yc[i]), "model file = C model (hba1c, fpg, fsi, weight)");
      worst = fmax(worst, fabs(yf[i] - yc[i]) / fabs(yc[i]));
    }
  }
  printf("t2d_hba1c: model file vs C, largest relative difference %.3g over %d values\n", worst,
         (int) (24 * sizeof cases / sizeof cases[0]));
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sc));
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sf));
}

static void TestExample(void)
{
  static const double t[4] = {0, 4, 12, 52};
  const TTModelType  *m;
  double              par[3] = {2.1, 0.3, 5}, cov[2] = {64, 1}, eta[2] = {0.15, -0.3}, eff[1] = {0}, y[4], est[2];
  double              base = 2.1 * exp(0.15) * pow(64.0 / 60, -0.2);
  TTSim               sim;
  PetscCallAbort(PETSC_COMM_SELF,
                 TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/protocols/models/indirect_response_fev1.yaml", &m));
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(m, par, &sim));
  PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectory(sim, cov, eta, eff, 4, t, y));
  for (int i = 0; i < 4; i++) TT_CHECK_CLOSE(y[i], base, 1e-9 * base, "no effect: FEV1 stays at BASE");
  /* a noise-free baseline: the MAP of eta_base is shrunk toward 0 by the prior only a little */
  m->condition(par, cov, y, est);
  TT_CHECK(est[0] > 0.12 && est[0] < 0.15, "MAP of eta_base below its true 0.15, shrunk by the prior");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TestClosedForm();
  TestPk();
  TestT2d();
  TestExample();
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
