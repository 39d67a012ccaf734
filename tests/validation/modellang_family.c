/* modellang_family.c — prints the log densities (and censored log probabilities) of the
 * observation families of tests/data/models/good/families.yaml (compiled at run time)
 * over a grid of model values and observations as CSV, for R's dbeta, dpois, dnbinom,
 * pbeta, ppois and pnbinom to check (modellang_family_vs_r.R).
 * usage: modellang_family MODEL_FILE > densities.csv */
#include <math.h>
#include <petscsys.h>
#include <twintrial/modellang.h>

int main(int argc, char **argv)
{
  /* output k: family and parameters as in families.yaml */
  static const char  *family[6]    = {"beta", "beta", "poisson", "poisson", "negbin", "negbin"};
  static const double q[6][3]      = {{20, 0, 70}, {3.5, -1, 3}, {0}, {0}, {0.4}, {2.5}};
  static const double means[6][4]  = {{30, 2, 69, 0.001},    {0.4, -0.9, 2.95, 1}, {4.5, 0.3, 30, 0},
                                      {250, 3000, 1e-3, 60}, {4.5, 0.3, 30, 250},  {4.5, 0.05, 80, 1000}};
  static const double values[6][6] = {{30, 0.5, 69.9, 12, 55, 0.01}, {0.4, -0.99, 2.9, 1.7, 0, 2},
                                      {0, 1, 4, 9, 25, 60},          {0, 250, 300, 2900, 3100, 1},
                                      {0, 1, 4, 12, 80, 400},        {0, 1, 3, 20, 200, 5000}};
  const TTModelType  *m;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: modellang_family MODEL_FILE");
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, argv[1], &m));
  PetscCheck(m->nvar == 6, PETSC_COMM_SELF, PETSC_ERR_PLIB, "not the families model");
  printf("output,family,q0,q1,q2,mean,value,below,logd\n");
  for (int k = 0; k < 6; k++)
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 6; j++)
        for (int below = 0; below < 2; below++) {
          TTObservation o = {means[k][i], values[k][j], NAN, NAN, below};
          printf("%d,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g\n", k, family[k], q[k][0], q[k][1], q[k][2], o.mean,
                 o.value, below, m->log_density(NULL, k, &o));
        }
  PetscCall(PetscFinalize());
  return 0;
}
