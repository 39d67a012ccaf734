/* t2d_switch_trajectory.c — prints noise-free t2d_hba1c trajectories under regimens that
 * switch (TTSimTrajectoryRegimen: the TS restarted at each switch, the model's
 * rhs_regimen after it), default parameters, for a fixed set of twins and regimens:
 * OUTDIR/regimens.csv (scenario, segment, start day, the 8 effects) and
 * OUTDIR/trajectories.csv (scenario, etas, time, outputs), so an independent solver
 * (t2d_switch_vs_desolve.R) can integrate the same cases.
 * usage: t2d_switch_trajectory OUTDIR [PETSc options] */
#include <petscsys.h>
#include <twintrial/sim.h>

#define NVISIT 9
#define NEFF   8
#define NSEG   3

typedef struct {
  double eta[3];
  int    nseg;
  double start[NSEG];
  double eff[NSEG][NEFF]; /* in the order of `effect` below */
} Scenario;

int main(int argc, char **argv)
{
  /* the visits include the switch times (a visit there reports the course before it) */
  static const double   visits[NVISIT] = {0.0, 28.0, 84.0, 91.0, 120.0, 182.0, 240.0, 300.0, 364.0};
  static const char    *effect[NEFF]   = {"sensitizer_fraction",     "sensitizer_onset_days",   "secretagogue_fraction",
                                          "secretagogue_onset_days", "protection_fraction",     "protection_onset_days",
                                          "weight_change_kg",        "weight_change_onset_days"};
  static const Scenario sc[]           = {
                /* add-on: a sensitizer, a secretagogue added at day 84 */
      {{0, 0, 0}, 2, {0, 84}, {{0.3, 77.9, 0, 7, 0, 0, 0, 0}, {0.3, 77.9, 0.4, 7, 0, 0, 0, 0}}},
      /* escalation at day 91 (a faster onset for the increment), then discontinuation at 240 */
      {{0.3, -1.2, 0.25},
                 3,
                 {0, 91, 240},
                 {{0.2, 77.9, 0, 7, 0, 0, 0, 0}, {0.5, 40, 0, 7, 0, 0, 0, 0}, {0, 40, 0, 7, 0, 0, 0, 0}}},
      /* immediate protection and a lifestyle target switched on at 84, off at 182 */
      {{-0.2, 0.8, -0.1},
                 3,
                 {0, 84, 182},
                 {{0.1, 30, 0.15, 5, 0, 0, 0, 0}, {0.1, 30, 0.15, 5, 0.5, 0, -4, 14}, {0.1, 30, 0, 5, 0, 0, 0, 0}}},
  };
  const TTModelType *m = tt_model_find("t2d_hba1c");
  double             par[64], eff[NSEG * 16], start[NSEG], eff0[16], y[NVISIT * 4];
  char               path[4096];
  FILE              *fr, *ft;
  TTSim              sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "usage: t2d_switch_trajectory OUTDIR");
  PetscCheck(m && m->nvar == 4 && m->nparam <= 64 && m->neffect <= 16, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "t2d_hba1c is not registered as expected");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff0[i] = m->effect[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  snprintf(path, sizeof path, "%s/regimens.csv", argv[1]);
  fr = fopen(path, "w");
  snprintf(path, sizeof path, "%s/trajectories.csv", argv[1]);
  ft = fopen(path, "w");
  PetscCheck(fr && ft, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write into %s", argv[1]);
  fprintf(fr, "scenario,segment,start");
  for (int e = 0; e < NEFF; e++) fprintf(fr, ",%s", effect[e]);
  fprintf(fr, "\n");
  fprintf(ft, "scenario,eta_is,eta_b,eta_rb,time");
  for (int k = 0; k < m->nvar; k++) fprintf(ft, ",%s", m->var[k].name);
  fprintf(ft, "\n");
  for (size_t c = 0; c < sizeof sc / sizeof sc[0]; c++) {
    TTRegimen reg = {sc[c].nseg, start, eff};
    for (int j = 0; j < sc[c].nseg; j++) {
      start[j] = sc[c].start[j];
      for (int i = 0; i < m->neffect; i++) eff[j * m->neffect + i] = m->effect[i].value;
      fprintf(fr, "%d,%d,%.17g", (int) c, j, start[j]);
      for (int e = 0; e < NEFF; e++) {
        int k = tt_model_param_index(m->neffect, m->effect, effect[e]);
        PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "no effect %s", effect[e]);
        eff[j * m->neffect + k] = sc[c].eff[j][e];
        fprintf(fr, ",%.17g", sc[c].eff[j][e]);
      }
      fprintf(fr, "\n");
    }
    PetscCall(TTSimTrajectoryRegimen(sim, NULL, sc[c].eta, eff0, &reg, NVISIT, visits, y));
    for (int v = 0; v < NVISIT; v++) {
      fprintf(ft, "%d,%.17g,%.17g,%.17g,%.17g", (int) c, sc[c].eta[0], sc[c].eta[1], sc[c].eta[2], visits[v]);
      for (int k = 0; k < m->nvar; k++) fprintf(ft, ",%.17g", y[v * m->nvar + k]);
      fprintf(ft, "\n");
    }
  }
  fclose(fr);
  fclose(ft);
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
