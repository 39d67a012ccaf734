/* modellang_trajectory.c — prints noise-free trajectories of the shipped model file
 * protocols/models/indirect_response_fev1.yaml (compiled at run time, integrated by
 * PETSc TS through TTSim, default parameters) for a fixed set of twins and arm effects
 * as CSV, one row per (scenario, visit), so that R's deSolve can integrate the same
 * cases from the equations typed there (modellang_vs_desolve.R).
 * usage: modellang_trajectory MODEL_FILE [PETSc options] > trajectories.csv */
#include <petscsys.h>
#include <twintrial/modellang.h>
#include <twintrial/sim.h>

#define NVISIT 7

int main(int argc, char **argv)
{
  static const double visits[NVISIT] = {0, 1, 4, 8, 12, 24, 52}; /* weeks */
  /* eta_base, eta_kout, emax, age */
  static const double cases[][4] = {{0, 0, 0, 60},        {0, 0, 0.1, 60},      {0.2, -0.3, 0.1, 45},
                                    {-0.3, 0.5, 0.3, 80}, {0.1, 0.8, -0.2, 70}, {0, -1, 1, 55}};
  const TTModelType  *m;
  double              par[16], y[NVISIT];
  TTSim               sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: modellang_trajectory MODEL_FILE");
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, argv[1], &m));
  PetscCheck(m->nparam == 3 && m->neffect == 1 && m->nvar == 1 && m->nlatent == 2, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "not the indirect_response_fev1 model");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  printf("scenario,eta_base,eta_kout,emax,age,time,fev1\n");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double cov[2] = {cases[c][3], 0}, eff[1] = {cases[c][2]};
    PetscCall(TTSimTrajectory(sim, cov, cases[c], eff, NVISIT, visits, y));
    for (int v = 0; v < NVISIT; v++)
      printf("%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", (int) c, cases[c][0], cases[c][1], cases[c][2], cases[c][3],
             visits[v], y[v]);
  }
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
