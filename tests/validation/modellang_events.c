/* modellang_events.c — prints the death times of the model file
 * tests/data/models/good/tgi_os_hazard.yaml (compiled at run time; a hazard read from an
 * ODE state, integrated with the state by TTSimEvents) for fixed twins, kill multipliers and event streams as CSV, with
 * the unit exponential E = -ln U of each twin's stream (U its first uniform: the first event type draws from the stream
 * itself), so that R's deSolve can solve Lambda(T) = E from the equations typed there (modellang_events_vs_desolve.R).
 * usage: modellang_events MODEL_FILE > deaths.csv */
#include <math.h>
#include <petscsys.h>
#include <twintrial/modellang.h>
#include <twintrial/sim.h>

int main(int argc, char **argv)
{
  static const double cases[][3] = {/* eta_base, eta_kd, kill */
                                    {0, 0, 1},     {0, 0, 0},       {0.6, -0.5, 1}, {-0.8, 0.9, 1},
                                    {0.3, 1.2, 2}, {-0.2, -1, 0.5}, {1.2, 0.4, 1},  {0, 0, 3}};
  const TTModelType  *m;
  double              par[16], times[TT_MAX_EVENT_TIMES];
  TTSim               sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: modellang_events MODEL_FILE");
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, argv[1], &m));
  PetscCheck(m->nparam == 6 && m->neffect == 1 && m->nlatent == 2 && m->nevent == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "not the tgi_os_hazard model");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  printf("case,draw,eta_base,eta_kd,kill,E,death\n");
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (int d = 0; d < 8; d++) {
      tt_pcg32 g, copy;
      double   eta[2] = {cases[c][0], cases[c][1]}, eff[1] = {cases[c][2]};
      tt_rng_substream(&g, 42, c, (uint64_t) d, TT_STREAM_EVENTS);
      copy        = g;
      TTSimCase k = {NULL, eta, eff, NULL};
      PetscCall(TTSimEvents(sim, &k, 3000, &g, times));
      printf("%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g\n", (int) c, d, eta[0], eta[1], eff[0], -log(tt_rng_uniform(&copy)),
             times[0]);
    }
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscFinalize());
  return 0;
}
