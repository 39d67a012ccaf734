/* test_modellang_events.c — the events section of model files against closed forms and
 * the C model it re-expresses:
 *   constant hazard lambda hr (events_constant.yaml): each death time is -ln(U) / (lambda hr)
 *   with U the first uniform of the event stream (1e-12 relative, 2e-14 months absolute), and the median of 20000
 *   twins is ln 2 / (lambda hr) within 4 Monte Carlo standard errors; a recurrent event of
 *   constant rate r: counts over (0, T] have mean and variance r T (Poisson) within 4 SE;
 *   a hazard a t: the time is sqrt(2 E / a) (1e-9 relative), E from its own stream;
 *   a switch of hr at s (events_regimen): deaths before s bit for bit those of `events`,
 *   after it s + (E - lambda hr0 s) / (lambda hr1) (1e-10 relative);
 *   a hazard read from an ODE state (events_ode.yaml): -ln(1 - E k / h0) / k or none;
 *   ms_relapse re-expressed (protocols/models/ms_relapse_poisson.yaml, no frailty): the relapse times of the C model
 *   for the same streams, covariates and rate ratios to 1e-8 relative, the same counts.
 *   failures (events_undefined.yaml, the step limit) are errors, never "no event".
 * Needs a C compiler (cc or TWINTRIAL_CC); TWINTRIAL_CACHE comes from the test's
 * environment. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include <twintrial/sim.h>
#include "tt_check.h"
#include "tt_modellang_load.h"

#define NTWIN    TT_SAMPLES(20000)
#define NSWITCH  TT_SAMPLES(5000) /* the regimen and ODE-hazard twins */
#define EV(k, j) ((k) *TT_MAX_EVENT_TIMES + (j))

/* The event times of a model file: its hazards integrated by the sim (TTSimEvents). */
static void Events(TTSim sim, const double *cov, const double *eta, const double *eff, const TTRegimen *reg,
                   double t_end, tt_pcg32 *g, double *times)
{
  const TTSimCase k = {cov, eta, eff, reg};
  PetscCallAbort(PETSC_COMM_SELF, TTSimEvents(sim, &k, t_end, g, times));
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void TestConstant(void)
{
  const TTModelType *m      = tt_modellang_load("events_constant.yaml");
  double             par[3] = {0.1, 0.5, 0.02}, eff[1] = {1.3}, times[3 * TT_MAX_EVENT_TIMES], worst = 0, worst_w = 0;
  double            *death = malloc(sizeof(double) * NTWIN), sum = 0, sum2 = 0, lh = 0.1 * 1.3, T = 24;
  TTSim              sim;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(m, par, &sim));
  TT_CHECK(m->nevent == 3 && !strcmp(m->event[0].name, "death") && m->event[0].terminal && !m->event[0].recurrent &&
               m->event[1].recurrent && !m->event[1].terminal && m->event[2].terminal,
           "three event types: terminal, recurrent, terminal");
  for (int p = 0; p < NTWIN; p++) {
    tt_pcg32 g, copy;
    int      n = 0;
    tt_rng_substream(&g, 7, 1, (uint64_t) p, TT_STREAM_EVENTS);
    copy = g;
    Events(sim, NULL, NULL, eff, NULL, 1e4, &g, times);
    {
      double exact = -log(tt_rng_uniform(&copy)) / lh;
      /* 1e-12 relative, and 2e-14 months absolute: the crossing is located to 2 eps (|t1| + h)
       * in a step (t0, t1] of h = t1 - t0 (up to 1e-3 t_end = 10 months here: 9e-15 months),
       * on PETSc's continuous extension, which takes a time as theta = (t - t1) / h + 1,
       * resolved to about eps h (2e-15 months) */
      worst = fmax(worst, fabs(times[EV(0, 0)] - exact) / (exact + 2e-2));
    }
    TT_CHECK(times[EV(0, 1)] == INFINITY, "a terminal event happens once");
    death[p] = times[EV(0, 0)];
    while (n < TT_MAX_EVENT_TIMES && times[EV(1, n)] <= T) n++;
    for (int j = 1; j < TT_MAX_EVENT_TIMES && times[EV(1, j)] < INFINITY; j++)
      TT_CHECK(times[EV(1, j)] > times[EV(1, j - 1)], "recurrent times increase");
    sum += n, sum2 += (double) n * n;
    worst_w = fmax(worst_w, times[EV(2, 0)] < INFINITY ? 0 : 1);
  }
  TT_CHECK_CLOSE(worst, 0, 1e-12, "constant hazard: death = -ln(U) / (lambda hr), U the stream's first uniform");
  printf("constant hazard: largest relative error of the death time %.3g over %d twins\n", worst, NTWIN);
  qsort(death, NTWIN, sizeof(double), CompareDouble);
  {
    double median = 0.5 * (death[NTWIN / 2 - 1] + death[NTWIN / 2]), exact = log(2.0) / lh;
    double se = 1.0 / (lh * sqrt((double) NTWIN)); /* 1 / (2 f(median) sqrt(n)), f(median) = lh / 2 */
    printf("median death %.4f months, closed form ln2/lambda = %.4f (MC se %.4f)\n", median, exact, se);
    TT_CHECK_CLOSE(median, exact, 4 * se, "exponential median ln 2 / (lambda hr)");
  }
  {
    double mean = sum / NTWIN, var = (sum2 - sum * sum / NTWIN) / (NTWIN - 1), mu = 0.5 * T;
    printf("recurrent: mean count %.4f, variance %.4f over %g months, Poisson %.4f\n", mean, var, T, mu);
    TT_CHECK_CLOSE(mean, mu, 4 * sqrt(mu / NTWIN), "Poisson mean r T");
    TT_CHECK_CLOSE(var, mu, 4 * sqrt((2 * mu * mu + mu) / NTWIN), "Poisson variance r T");
  }
  TT_CHECK(worst_w == 0, "the Rayleigh event always happens before 10^4 months");
  /* the hazard a t draws from its own stream: Lambda(T) = a T^2 / 2 is Exp(1), P(> 1) = exp(-1) */
  {
    int above = 0;
    for (int p = 0; p < NTWIN; p++) {
      tt_pcg32 g;
      tt_rng_substream(&g, 7, 1, (uint64_t) p, TT_STREAM_EVENTS);
      Events(sim, NULL, NULL, eff, NULL, 1e4, &g, times);
      above += 0.02 * times[EV(2, 0)] * times[EV(2, 0)] / 2 > 1.0;
    }
    TT_CHECK_CLOSE((double) above / NTWIN, exp(-1.0), 4 * sqrt(exp(-1.0) * (1 - exp(-1.0)) / NTWIN),
                   "P(Lambda(T) > 1) = exp(-1) for the hazard a t");
  }
  free(death);
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

/* The hazard a t alone: a model file with one event, so its E is the stream's first. */
static void TestRayleigh(void)
{
  const TTModelType *m     = tt_modellang_load("events_constant.yaml");
  double             worst = 0, times[3 * TT_MAX_EVENT_TIMES], par[3] = {0, 0, 0.02}, eff[1] = {1};
  TTSim              sim;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(m, par, &sim));
  /* lambda = rate = 0: types 0 and 1 never happen. E = Lambda(T) of a twin's time under a;
   * under 4 a its time must be sqrt(2 E / (4 a)), the same E (the same stream) */
  for (int p = 0; p < TT_SAMPLES(2000); p++) {
    tt_pcg32 g;
    double   t, lam;
    tt_rng_substream(&g, 9, 2, (uint64_t) p, TT_STREAM_EVENTS);
    Events(sim, NULL, NULL, eff, NULL, 1e4, &g, times);
    TT_CHECK(times[EV(0, 0)] == INFINITY && times[EV(1, 0)] == INFINITY, "zero hazards: no event");
    t   = times[EV(2, 0)];
    lam = 0.02 * t * t / 2;
    /* the same twin with a = 0.08 (four times the hazard) must happen at t / 2 */
    par[2] = 0.08;
    tt_rng_substream(&g, 9, 2, (uint64_t) p, TT_STREAM_EVENTS);
    Events(sim, NULL, NULL, eff, NULL, 1e4, &g, times);
    par[2] = 0.02;
    worst  = fmax(worst, fabs(times[EV(2, 0)] - sqrt(2 * lam / 0.08)) / times[EV(2, 0)]);
  }
  printf("hazard a t: largest relative error of sqrt(2 E / a) %.3g\n", worst);
  TT_CHECK_CLOSE(worst, 0, 1e-9, "hazard a t: T = sqrt(2 E / a) for the same E");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

static void TestRegimen(void)
{
  const TTModelType *m      = tt_modellang_load("events_constant.yaml");
  double             par[3] = {0.1, 0, 0}, effs[2] = {1.0, 0.4}, start[2] = {0, 6}, a[96], b[96], worst = 0;
  TTRegimen          reg    = {2, start, effs};
  int                before = 0, same = 0;
  TTSim              sim;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(m, par, &sim));
  for (int p = 0; p < NSWITCH; p++) {
    tt_pcg32 g, copy;
    double   E, exact;
    tt_rng_substream(&g, 11, 3, (uint64_t) p, TT_STREAM_EVENTS);
    copy = g;
    Events(sim, NULL, NULL, effs, NULL, 200, &g, a);
    tt_rng_substream(&g, 11, 3, (uint64_t) p, TT_STREAM_EVENTS);
    Events(sim, NULL, NULL, NULL, &reg, 200, &g, b);
    E = -log(tt_rng_uniform(&copy));
    if (a[0] <= 6) {
      before++, same += memcmp(&a[0], &b[0], sizeof(double)) == 0;
      continue;
    }
    if (b[0] == INFINITY) continue; /* Lambda(200) = 8.36 < E, probability 2e-4 */
    exact = 6 + (E - 0.1 * 6) / (0.1 * 0.4);
    worst = fmax(worst, fabs(b[0] - exact) / exact);
  }
  printf("switch at 6 months: %d deaths before it (%d identical), after it largest relative error %.3g\n", before, same,
         worst);
  TT_CHECK(before > TT_SAMPLES(1000) && same == before, "deaths before the switch are bit for bit the unswitched ones");
  TT_CHECK_CLOSE(worst, 0, 1e-10, "after the switch s + (E - lambda s) / (lambda hr1)");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

static void TestOde(void)
{
  const TTModelType *m      = tt_modellang_load("events_ode.yaml");
  double             par[2] = {0.3, 0.2}, eff[1] = {1}, times[TT_MAX_EVENT_TIMES], worst = 0;
  int                never = 0, agree = 1;
  TTSim              sim;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(m, par, &sim));
  TT_CHECK(m->nstate == 1 && m->nevent == 1, "an ODE model with one event");
  for (int p = 0; p < NSWITCH; p++) {
    tt_pcg32 g, copy;
    double   E, kmax = 0.3 / 0.2;
    tt_rng_substream(&g, 13, 4, (uint64_t) p, TT_STREAM_EVENTS);
    copy = g;
    Events(sim, NULL, NULL, eff, NULL, 500, &g, times);
    E = -log(tt_rng_uniform(&copy));
    if (E >= kmax * (1 - 1e-9)) { /* Lambda(500) = 1.5 (1 - e^-100): never */
      never++;
      agree = agree && times[0] == INFINITY;
      continue;
    }
    if (E > kmax * 0.999) continue; /* past the horizon of 500 weeks or within its rounding */
    worst = fmax(worst, fabs(times[0] - (-log(1 - E * 0.2 / 0.3) / 0.2)) / times[0]);
  }
  printf("ODE hazard: largest relative error %.3g; %d twins never progress (expected %.0f)\n", worst, never,
         NSWITCH * exp(-1.5));
  TT_CHECK(agree, "no event when E >= h0 / k");
  TT_CHECK_CLOSE(worst, 0, 1e-8, "hazard h0 R(t): T = -ln(1 - E k / h0) / k");
  TT_CHECK_CLOSE(never, NSWITCH * exp(-1.5), 4 * sqrt(NSWITCH * exp(-1.5)), "P(never) = exp(-h0 / k)");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

static void TestMsRelapse(void)
{
  const TTModelType *c = tt_model_find("ms_relapse"),
                    *f = tt_modellang_load("protocols/models/ms_relapse_poisson.yaml");
  double parc[16], parf[16], tc[TT_MAX_EVENT_TIMES], tf[TT_MAX_EVENT_TIMES], worst = 0;
  long   nc = 0, nf = 0;
  TTSim  sim;
  TT_CHECK(c && f->nevent == 1 && f->event[0].recurrent && !strcmp(f->event[0].name, "relapse"), "the relapse event");
  for (int i = 0; i < c->nparam; i++) parc[i] = c->param[i].value;
  for (int i = 0; i < f->nparam; i++) parf[i] = f->param[i].value;
  TT_CHECK(c->param[1].value == 0.0, "the C model's default dispersion_k is 0 (no frailty)");
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(f, parf, &sim));
  for (int p = 0; p < TT_SAMPLES(4000); p++) {
    double   cov[1] = {(double) (p % 7)}, eff[1] = {p % 2 ? 0.46 : 1.0}, eta[1] = {0};
    tt_pcg32 g;
    tt_rng_substream(&g, 2010, 5, (uint64_t) p, TT_STREAM_EVENTS);
    c->events(parc, cov, eta, eff, 2.0, &g, tc);
    tt_rng_substream(&g, 2010, 5, (uint64_t) p, TT_STREAM_EVENTS);
    Events(sim, cov, NULL, eff, NULL, 2.0, &g, tf);
    for (int j = 0; j < TT_MAX_EVENT_TIMES; j++) {
      nc += tc[j] < INFINITY, nf += tf[j] < INFINITY;
      if (tc[j] < INFINITY && tf[j] < INFINITY) {
        worst = fmax(worst, fabs(tc[j] - tf[j]) / tc[j]);
      }
    }
  }
  printf("ms_relapse: %ld relapses (C) and %ld (model file), largest relative difference %.3g\n", nc, nf, worst);
  TT_CHECK(nc == nf && nc > TT_SAMPLES(1000), "the same relapses");
  TT_CHECK_CLOSE(worst, 0, 1e-8, "the C model's relapse times");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

/* Failures are loud: a hazard that is not a number past t = 2 (events_undefined.yaml), and
 * the step limit (-tt_sim_events_ts_max_steps 3 on an ODE model), end TTSimEvents with an
 * error, never with "no event"; before t = 2 the same hazard gives no event and no error. */
static void TestFailures(void)
{
  const TTModelType *u = tt_modellang_load("events_undefined.yaml"), *o = tt_modellang_load("events_ode.yaml");
  double             par[2] = {1e-6, 2}, paro[2] = {0.3, 0.2}, eff[1] = {1}, times[TT_MAX_EVENT_TIMES];
  const TTSimCase    k = {NULL, NULL, eff, NULL};
  PetscErrorCode     ierr;
  TTSim              sim;
  tt_pcg32           g;
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(u, par, &sim));
  tt_rng_substream(&g, 5, 0, 0, TT_STREAM_EVENTS);
  ierr = TTSimEvents(sim, &k, 1.5, &g, times);
  TT_CHECK(!ierr && times[0] == INFINITY, "a defined hazard up to t_end: no event, no error");
  PetscCallAbort(PETSC_COMM_SELF, PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  tt_rng_substream(&g, 5, 0, 0, TT_STREAM_EVENTS);
  ierr = TTSimEvents(sim, &k, 10, &g, times);
  TT_CHECK(ierr == PETSC_ERR_FP, "a hazard that is not a number: PETSC_ERR_FP, not 'no event'");
  PetscCallAbort(PETSC_COMM_SELF, TTSimReset(sim));
  tt_rng_substream(&g, 5, 0, 0, TT_STREAM_EVENTS);
  ierr = TTSimEvents(sim, &k, 1.5, &g, times);
  TT_CHECK(!ierr && times[0] == INFINITY, "after a reset the sim works again");
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
  PetscCallAbort(PETSC_COMM_SELF, PetscOptionsSetValue(NULL, "-tt_sim_events_ts_max_steps", "3"));
  PetscCallAbort(PETSC_COMM_SELF, TTSimCreate(o, paro, &sim));
  PetscCallAbort(PETSC_COMM_SELF, PetscOptionsClearValue(NULL, "-tt_sim_events_ts_max_steps"));
  tt_rng_substream(&g, 5, 0, 1, TT_STREAM_EVENTS); /* no event in the first 3 steps */
  ierr = TTSimEvents(sim, &k, 500, &g, times);
  TT_CHECK(ierr == PETSC_ERR_NOT_CONVERGED, "the step limit: PETSC_ERR_NOT_CONVERGED, not 'no event'");
  PetscCallAbort(PETSC_COMM_SELF, PetscPopErrorHandler());
  PetscCallAbort(PETSC_COMM_SELF, TTSimDestroy(&sim));
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TestConstant();
  TestRayleigh();
  TestRegimen();
  TestOde();
  TestMsRelapse();
  TestFailures();
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
