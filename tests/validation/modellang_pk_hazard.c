/* modellang_pk_hazard.c — prints, for fixed twins and dosing regimens of the model file
 * tests/data/models/good/pk_exposure_hazard.yaml (an exposure-driven hazard
 * h0 exp(beta C(t)) of a dosed one-compartment PK model), as CSV:
 *   kind "surv": the survival exp(-CH(t)) at fixed times (CH the cumulative hazard as an
 *     ODE state of the trajectory, doses applied by the sim);
 *   kind "event": the adverse event's time from the events section (TTSimEvents: the
 *     hazard integrated with the states and doses by PETSc TS) and the unit exponential
 *     E = -ln U it inverts (U the first uniform of the stream), INFINITY past t_end;
 * so that R's deSolve, with the doses as events, checks both
 * (modellang_pk_hazard_vs_desolve.R).
 * usage: modellang_pk_hazard MODEL_FILE > out.csv */
#include <math.h>
#include <petscsys.h>
#include <twintrial/modellang.h>
#include <twintrial/sim.h>

#define T_END 336.0 /* hours */

int main(int argc, char **argv)
{
  static const double cases[][4] = {/* eta_cl, eta_v, dose_mg, n_doses */
                                    {0, 0, 100, 20},      {0, 0, 0, 0},         {0.3, -0.2, 200, 10},
                                    {-0.4, 0.25, 50, 28}, {-0.6, -0.3, 150, 6}, {0.2, 0.1, 300, 1}};
  static const double t[]        = {0, 3.5, 11.9, 30, 100.5, 150.25, 230, 335};
  const int           nt         = (int) (sizeof t / sizeof t[0]);
  const TTModelType  *m;
  double              par[8], y[2 * 8], times[TT_MAX_EVENT_TIMES];
  TTSim               sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: modellang_pk_hazard MODEL_FILE");
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, argv[1], &m));
  PetscCheck(m->nparam == 5 && m->neffect == 3 && m->nlatent == 2 && m->nevent == 1 && m->nvar == 2 && m->doses,
             PETSC_COMM_SELF, PETSC_ERR_PLIB, "not the pk_exposure_hazard model");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  printf("kind,case,eta_cl,eta_v,dose,n_doses,time,value\n");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double          eta[2] = {cases[c][0], cases[c][1]}, eff[3] = {cases[c][2], 12, cases[c][3]};
    const TTSimCase k = {NULL, eta, eff, NULL};
    PetscCall(TTSimTrajectory(sim, NULL, eta, eff, nt, t, y));
    for (int i = 0; i < nt; i++)
      printf("surv,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", (int) c, eta[0], eta[1], eff[0], eff[2], t[i],
             y[2 * i + 1]);
    for (int d = 0; d < 8; d++) {
      tt_pcg32 g, copy;
      tt_rng_substream(&g, 77, c, (uint64_t) d, TT_STREAM_EVENTS);
      copy = g;
      PetscCall(TTSimEvents(sim, &k, T_END, &g, times));
      printf("event,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", (int) c, eta[0], eta[1], eff[0], eff[2], times[0],
             -log(tt_rng_uniform(&copy)));
    }
  }
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
