/* test_modellang_switch.c — closed-form model files whose arms switch (mean_regimen from
 * t_switch and before(OUTPUT)):
 *   turnover_switch.yaml under stim 0.5 -> 2 at day 10 -> 0 at day 30 equals the
 *   piecewise closed form derived by hand (each segment approaching BASE (1 + stim) from
 *   the value at its start, rate KOUT) to 1e-12 relative, equals its first segment's
 *   `mean` bit for bit up to the first switch, and equals the ODE model file
 *   turnover_ode.yaml integrated by PETSc TS under the same regimen to 1e-6 relative;
 *   the re-expressed ms_relapse (protocols/models/ms_relapse_poisson.yaml) under a rate
 *   ratio 1 -> 0.46 at 0.5 years -> 0.8 at 1.5 years gives the C model's mean_regimen
 *   (1e-12 relative) and events_regimen (the file's hazards integrated by TTSimEvents: 1e-8
 *   relative, the same relapses). (A trial
 *   with a switching arm on it: tests/mpi/model_file_events.sh.)
 * Needs a C compiler (cc or TWINTRIAL_CC); TWINTRIAL_CACHE comes from the test's
 * environment. */
#include <math.h>
#include <string.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include <twintrial/sim.h>
#include "tt_check.h"
#include "tt_modellang_load.h"

#define NT 10

/* The hand-derived turnover response under stim s[j] from start[j] on. */
static double Turnover(double base, double kout, int n, const double *start, const double *s, double t)
{
  double r = base, from = 0;
  for (int j = 0; j < n && start[j] < t; j++) {
    double end = j + 1 < n && start[j + 1] < t ? start[j + 1] : t, ss = base * (1 + s[j]);
    r    = ss + (r - ss) * exp(-kout * (end - from));
    from = end;
  }
  return r;
}

static void TestTurnover(void)
{
  static const double t[NT]      = {0, 5, 10, 10.5, 20, 30, 31, 60, 120, 400};
  static const double cases[][3] = {{0, 0, 50}, {0.3, -0.5, 70}, {-0.4, 1.2, 30}, {0.2, 0.9, 45}};
  const TTModelType  *f          = tt_modellang_load("tests/data/models/good/turnover_switch.yaml"), *o;
  double              par[2] = {40, 0.05}, start[3] = {0, 10, 30}, stim[3] = {0.5, 2.0, 0.0}, y[NT], yo[NT], y1[NT];
  double              worst = 0, worst_ode = 0, eff0[1] = {0};
  TTRegimen           reg = {3, start, stim};
  TTSim               sim;
  o = tt_modellang_load("tests/data/models/good/turnover_ode.yaml");
  TT_CHECK(f->mean_regimen && !tt_model_unswitchable(f), "a closed-form model file can switch");
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(o, par, &sim));
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double eta[2] = {cases[c][0], cases[c][1]}, cov[1] = {cases[c][2]};
    double base = 40 * exp(eta[0]) * pow(cov[0] / 50, 0.3), kout = 0.05 * exp(eta[1]);
    f->mean_regimen(par, cov, eta, &reg, NT, t, y);
    f->mean_times(par, cov, eta, stim, NT, t, y1);
    PetscCallAbort(PETSC_COMM_SELF, TTSimTrajectoryRegimen(sim, cov, eta, eff0, &reg, NT, t, yo));
    for (int i = 0; i < NT; i++) {
      double exact = Turnover(base, kout, 3, start, stim, t[i]);
      worst        = fmax(worst, fabs(y[i] - exact) / exact);
      worst_ode    = fmax(worst_ode, fabs(yo[i] - y[i]) / y[i]);
      if (t[i] <= 10) TT_CHECK(memcmp(&y[i], &y1[i], sizeof(double)) == 0, "before the switch: mean bit for bit");
    }
  }
  printf("turnover under a regimen: largest relative error %.3g (closed form by hand), %.3g (ODE model file)\n", worst,
         worst_ode);
  TT_CHECK_CLOSE(worst, 0, 1e-12, "the hand-derived piecewise turnover");
  TT_CHECK_CLOSE(worst_ode, 0, 1e-6, "the ODE model file under the same regimen");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

static void TestMsRelapse(void)
{
  static const double t[NT] = {0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 3};
  const TTModelType  *c     = tt_model_find("ms_relapse"),
                    *f      = tt_modellang_load("protocols/models/ms_relapse_poisson.yaml");
  double    parc[16], parf[16], start[3] = {0, 0.5, 1.5}, rr[3] = {1, 0.46, 0.8}, yc[NT], yf[NT];
  double    tc[TT_MAX_EVENT_TIMES], tf[TT_MAX_EVENT_TIMES], worst = 0, worst_ev = 0;
  TTRegimen reg = {3, start, rr};
  long      nc = 0, nf = 0;
  TTSim     sim;
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) parf[i] = f->param[i].value;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(f, parf, &sim));
  for (int p = 0; p < TT_SAMPLES(4000); p++) {
    double   cov[1] = {(double) (p % 7)}, eta[1] = {0};
    tt_pcg32 g;
    c->mean_regimen(parc, cov, eta, &reg, NT, t, yc);
    f->mean_regimen(parf, cov, NULL, &reg, NT, t, yf);
    for (int i = 1; i < NT; i++) worst = fmax(worst, fabs(yf[i] - yc[i]) / yc[i]);
    tt_rng_substream(&g, 2010, 6, (uint64_t) p, TT_STREAM_EVENTS);
    c->events_regimen(parc, cov, eta, &reg, 2.5, &g, tc);
    tt_rng_substream(&g, 2010, 6, (uint64_t) p, TT_STREAM_EVENTS);
    {
      const TTSimCase k = {cov, NULL, NULL, &reg}; /* the file's hazards integrated by the sim */
      PetscCallAbort(PETSC_COMM_SELF, TTSimEvents(sim, &k, 2.5, &g, tf));
    }
    for (int j = 0; j < TT_MAX_EVENT_TIMES; j++) {
      nc += tc[j] < INFINITY, nf += tf[j] < INFINITY;
      if (tc[j] < INFINITY && tf[j] < INFINITY) worst_ev = fmax(worst_ev, fabs(tc[j] - tf[j]) / tc[j]);
    }
  }
  printf("ms_relapse under a regimen: mean largest relative difference %.3g; %ld relapses (C), %ld (file), times "
         "%.3g\n",
         worst, nc, nf, worst_ev);
  TT_CHECK_CLOSE(worst, 0, 1e-12, "the C model's mean_regimen");
  TT_CHECK(nc == nf && nc > TT_SAMPLES(1000), "the same relapses under the regimen");
  TT_CHECK_CLOSE(worst_ev, 0, 1e-8, "the C model's events_regimen");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TestTurnover();
  TestMsRelapse();
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
