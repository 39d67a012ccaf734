/* test_sim_ode.c — the sim module's PETSc TS path on a model with an exact solution:
 * logistic growth y' = r y (1 - y/K), y(t) = K / (1 + (K/y0 - 1) exp(-r t)).
 * Also checks that a reused TS gives bitwise the same trajectory whatever it
 * integrated before (the determinism contract for ODE models). */
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"

static const TTParamInfo    par_info[2] = {{"r", "1/day", 0.05, "growth rate"}, {"K", "mm", 100.0, "capacity"}};
static const TTVariableInfo var_info[1] = {{"size", "mm"}};

static void Initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) eta, (void) eff;
  u0[0] = cov[0];
}

static void Rhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                double *f)
{
  (void) cov, (void) t;
  f[0] = par[0] * exp(eta[0]) * (1.0 + eff[0]) * u[0] * (1.0 - u[0] / par[1]);
}

static void Output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  (void) par, (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[0];
}

static const TTModelType logistic = {.name           = "logistic_test",
                                     .time_unit_days = 1.0,
                                     .nparam         = 2,
                                     .param          = par_info,
                                     .nvar           = 1,
                                     .var            = var_info,
                                     .nlatent        = 1,
                                     .nstate         = 1,
                                     .initial        = Initial,
                                     .rhs            = Rhs,
                                     .output         = Output};

int main(int argc, char **argv)
{
  double   par[2] = {0.05, 100.0}, t[6] = {0, 10, 30, 60, 120, 365}, y[6], y2[6], cov = 5.0, eta = 0.2, eff = 0.0;
  double   cov_b = 50.0, eta_b = -1.0, eff_b = 3.0;
  TTSim    sim;
  PetscInt nrhs;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TTSimCreate(&logistic, par, &sim));
  PetscCall(TTSimTrajectory(sim, &cov, &eta, &eff, 6, t, y));
  for (int i = 0; i < 6; i++) {
    double r = 0.05 * exp(0.2), exact = 100.0 / (1.0 + (100.0 / 5.0 - 1.0) * exp(-r * t[i]));
    TT_CHECK_CLOSE(y[i], exact, 1e-6 * exact, "logistic exact solution");
  }
  /* a different twin in between, then the first again: bitwise identical */
  PetscCall(TTSimTrajectory(sim, &cov_b, &eta_b, &eff_b, 6, t, y2));
  PetscCall(TTSimTrajectory(sim, &cov, &eta, &eff, 6, t, y2));
  for (int i = 0; i < 6; i++) TT_CHECK(y[i] == y2[i], "reused TS reproduces a twin bitwise");
  PetscCall(TTSimGetStats(sim, &nrhs));
  TT_CHECK(nrhs > 0, "the TS path was used");
  PetscCall(TTSimDestroy(&sim));
  printf("%d failure(s), %d RHS evaluations\n", tt_failures, (int) nrhs);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
