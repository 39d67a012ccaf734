/* test_sim_ode.c — the sim module's PETSc TS path on a model with an exact solution:
 * logistic growth y' = r y (1 - y/K), y(t) = K / (1 + (K/y0 - 1) exp(-r t)).
 * Also checks that a reused TS gives bitwise the same trajectory whatever it
 * integrated before (the determinism contract for ODE models). */
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"
#include "tt_logistic.h"

int main(int argc, char **argv)
{
  double   par[2] = {0.05, 100.0}, t[6] = {0, 10, 30, 60, 120, 365}, y[6], y2[6], cov = 5.0, eta = 0.2, eff = 0.0;
  double   cov_b = 50.0, eta_b = -1.0, eff_b = 3.0;
  TTSim    sim;
  PetscInt nrhs;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TTSimCreate(&tt_logistic, par, &sim));
  PetscCall(TTSimTrajectory(sim, &cov, &eta, &eff, 6, t, y));
  for (int i = 0; i < 6; i++) {
    double exact;
    tt_logistic_exact(par, &cov, &eta, &eff, t[i], &exact);
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
