/* t2d_trajectory.c — prints noise-free t2d_hba1c trajectories (PETSc TS through
 * TTSim, default parameters) for a fixed set of twins and arms as CSV, one row per
 * (scenario, visit): the inputs (etas, arm effects) then the outputs, so an
 * independent solver (t2d_vs_desolve.R) can integrate the same cases.
 * usage: t2d_trajectory [PETSc options] > trajectories.csv */
#include <petscsys.h>
#include <twintrial/sim.h>

#define NVISIT 6
#define NEFF   8

int main(int argc, char **argv)
{
  static const double visits[NVISIT] = {0.0, 28.0, 91.0, 182.0, 364.0, 728.0}; /* days */
  static const char  *effect[NEFF]   = {"sensitizer_fraction",     "sensitizer_onset_days",   "secretagogue_fraction",
                                        "secretagogue_onset_days", "protection_fraction",     "protection_onset_days",
                                        "weight_change_kg",        "weight_change_onset_days"};
  /* eta_is, eta_b, eta_rb, then the effects in the order above */
  static const double cases[][3 + NEFF] = {
      {0, 0, 0, 0, 77.9, 0, 7, 0, 0, 0, 0},
      {0.3, -1.2, 0.25, 0, 77.9, 0, 7, 0, 0, 0, 0},
      {0, 0, 0, 0.3, 77.9, 0, 7, 0, 0, 0, 0},
      {0, 0, 0, 0, 77.9, 0.25, 7, 0, 0, 0, 0},
      {0, 0, 0, 0, 77.9, 0, 7, 0.5, 28, 0, 0},
      {0, 0, 0, 0, 77.9, 0, 7, 0, 0, -5, 0},
      {-0.2, 0.8, -0.1, 0.2, 30, 0.15, 5, 0.4, 0, -3, 14},
  };
  const TTModelType *m = tt_model_find("t2d_hba1c");
  double             par[64], eff[16], y[NVISIT * 4];
  TTSim              sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(m && m->nvar == 4 && m->nparam <= 64 && m->neffect <= 16, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "t2d_hba1c is not registered as expected");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  printf("scenario,eta_is,eta_b,eta_rb");
  for (int e = 0; e < NEFF; e++) printf(",%s", effect[e]);
  printf(",time");
  for (int k = 0; k < m->nvar; k++) printf(",%s", m->var[k].name);
  printf("\n");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
    for (int e = 0; e < NEFF; e++) {
      int k = tt_model_param_index(m->neffect, m->effect, effect[e]);
      PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "no effect %s", effect[e]);
      eff[k] = cases[c][3 + e];
    }
    PetscCall(TTSimTrajectory(sim, NULL, cases[c], eff, NVISIT, visits, y));
    for (int v = 0; v < NVISIT; v++) {
      printf("%d", (int) c);
      for (int j = 0; j < 3 + NEFF; j++) printf(",%.17g", cases[c][j]);
      printf(",%.17g", visits[v]);
      for (int k = 0; k < m->nvar; k++) printf(",%.17g", y[v * m->nvar + k]);
      printf("\n");
    }
  }
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
