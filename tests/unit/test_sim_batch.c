/* test_sim_batch.c — TTSimTrajectories: several cases integrated together in one TS.
 *
 * Logistic growth with an exact solution, four cases with growth rates 60-fold apart:
 *  - every case of a batch is within the tolerance of its exact solution, and at least
 *    as close as the same case integrated alone (the batch's step control takes the
 *    worst component);
 *  - a batch is a pure function of its cases: repeated, or after other batches and
 *    single cases, bitwise the same; the cases share their steps (one call of the
 *    right-hand side per stage for all);
 *  - the user's options (prefix tt_sim_) reach the batch TS: a looser rtol gives fewer
 *    steps and a larger error; -tt_sim_ts_adapt_wnormtype 2 replaces the infinity norm;
 *  - models with doses are integrated case by case: bitwise equal to single calls;
 *  - closed-form models: bitwise equal to single calls. */
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"
#include "tt_logistic.h"

#define NC 4
#define NT 6

/* a dose of eff[1] every 7 days into the (logistic) state */
static int Doses(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                 double *times, double *amounts)
{
  int n = 0;
  (void) par, (void) cov, (void) eta;
  for (double t = 0; t < t_end && n < TT_MAX_DOSES; t += 7.0, n++) times[n] = t, amounts[n] = eff[1];
  return n;
}

static double par[2] = {0.05, 100.0}, t[NT] = {0, 10, 30, 60, 120, 365};
static double cov[NC] = {5.0, 50.0, 1.0, 20.0}, eta[NC] = {0.2, -1.0, 1.5, 0.0},
              eff[NC][2] = {
                  {0.0, 1.0},
                  {3.0, 2.0},
                  {0.0, 0.5},
                  {-0.5, 4.0},
};

static void Cases(TTSimCase c[NC])
{
  for (int k = 0; k < NC; k++) c[k] = (TTSimCase){&cov[k], &eta[k], eff[k], NULL};
}

/* worst relative error of y[NC][NT] against the exact logistic solution */
static double WorstError(const double *y, const double worst_alone[NC])
{
  double w = 0;
  for (int k = 0; k < NC; k++)
    for (int i = 0; i < NT; i++) {
      double exact = 0, e;
      tt_logistic_exact(par, &cov[k], &eta[k], eff[k], t[i], &exact);
      e = fabs(y[k * NT + i] - exact) / exact;
      if (worst_alone) TT_CHECK(e <= PetscMax(worst_alone[k], 1e-12), "a batched case is as accurate as alone");
      w = PetscMax(w, e);
    }
  return w;
}

/* The batch of cases c on a new sim with `options` as the options database (pushed,
 * then popped): trajectories y[NC][NT] and the right-hand-side calls. */
static PetscErrorCode BatchWithOptions(const TTSimCase c[NC], const char *options, double *y, PetscInt *nrhs)
{
  TTSim        sim;
  PetscOptions db;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&db));
  PetscCall(PetscOptionsInsertString(db, options));
  PetscCall(PetscOptionsPush(db));
  PetscCall(TTSimCreate(&tt_logistic, par, &sim));
  PetscCall(TTSimTrajectories(sim, NC, c, NT, t, y));
  PetscCall(TTSimGetStats(sim, nrhs));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestODE(void)
{
  TTSim     sim;
  TTSimCase c[NC];
  double    y[NC * NT], y2[NC * NT], alone[NC * NT], worst[NC] = {0}, err_batch;
  PetscInt  nrhs0, nrhs1;

  PetscFunctionBeginUser;
  Cases(c);
  PetscCall(TTSimCreate(&tt_logistic, par, &sim));
  for (int k = 0; k < NC; k++) {
    PetscCall(TTSimTrajectory(sim, &cov[k], &eta[k], eff[k], NT, t, alone + k * NT));
    for (int i = 0; i < NT; i++) {
      double exact;
      tt_logistic_exact(par, &cov[k], &eta[k], eff[k], t[i], &exact);
      worst[k] = PetscMax(worst[k], fabs(alone[k * NT + i] - exact) / exact);
    }
  }
  PetscCall(TTSimGetStats(sim, &nrhs0));
  PetscCall(TTSimTrajectories(sim, NC, c, NT, t, y));
  PetscCall(TTSimGetStats(sim, &nrhs1));
  err_batch = WorstError(y, worst);
  TT_CHECK(err_batch < 1e-7, "the batch is within the tolerance of the exact solutions");
  TT_CHECK(nrhs1 - nrhs0 > 0, "the batch used the TS");
  /* other work in between, then the same batch: bitwise */
  PetscCall(TTSimTrajectories(sim, 2, c + 2, NT, t, y2));
  PetscCall(TTSimTrajectory(sim, &cov[1], &eta[1], eff[1], NT, t, y2));
  PetscCall(TTSimTrajectories(sim, NC, c, NT, t, y2));
  for (int i = 0; i < NC * NT; i++) TT_CHECK(y[i] == y2[i], "a batch is reproduced bitwise");
  /* the cases are coupled only through the steps: not bitwise the single case's */
  {
    int differs = 0;
    for (int i = 0; i < NC * NT; i++) differs |= y[i] != alone[i];
    TT_CHECK(differs, "a batch shares its steps (differs from single cases in the last bits)");
  }
  PetscCall(TTSimReset(sim));
  PetscCall(TTSimTrajectories(sim, NC, c, NT, t, y2));
  for (int i = 0; i < NC * NT; i++) TT_CHECK(y[i] == y2[i], "a batch after TTSimReset is bitwise the same");
  PetscCall(TTSimDestroy(&sim));

  /* the user's options reach the batch TS */
  {
    PetscInt n_loose, n_rms;
    double   y_loose[NC * NT], y_rms[NC * NT];
    PetscCall(BatchWithOptions(c, "-tt_sim_ts_rtol 1e-4 -tt_sim_ts_atol 1e-6", y_loose, &n_loose));
    PetscCall(BatchWithOptions(c, "-tt_sim_ts_adapt_wnormtype 2", y_rms, &n_rms));
    TT_CHECK(n_loose < nrhs1 - nrhs0, "-tt_sim_ts_rtol 1e-4: fewer steps than 1e-8");
    TT_CHECK(WorstError(y_loose, NULL) > err_batch, "-tt_sim_ts_rtol 1e-4: a larger error");
    TT_CHECK(WorstError(y_loose, NULL) < 1e-2, "-tt_sim_ts_rtol 1e-4: still an approximation");
    TT_CHECK(n_rms < nrhs1 - nrhs0,
             "-tt_sim_ts_adapt_wnormtype 2: the RMS norm takes fewer steps than the infinity norm");
    TT_CHECK(WorstError(y_rms, NULL) > err_batch, "-tt_sim_ts_adapt_wnormtype 2: a larger error");
  }
  printf("batch of %d: worst relative error %.3g, %d right-hand sides\n", NC, err_batch, (int) (nrhs1 - nrhs0));
  PetscFunctionReturn(0);
}

/* Models with doses, and closed-form models: case by case, bitwise the single calls. */
static PetscErrorCode TestCaseByCase(const TTModelType *m)
{
  TTSim     sim;
  TTSimCase c[NC];
  double    y[NC * NT], y1[NT];

  PetscFunctionBeginUser;
  Cases(c);
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(TTSimTrajectories(sim, NC, c, NT, t, y));
  for (int k = 0; k < NC; k++) {
    PetscCall(TTSimTrajectory(sim, &cov[k], &eta[k], eff[k], NT, t, y1));
    for (int i = 0; i < NT; i++) TT_CHECK(y[k * NT + i] == y1[i], m->name);
  }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  TTModelType dosed = tt_logistic, closed = tt_logistic;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TestODE());
  dosed.name  = "logistic_dosed";
  dosed.doses = Doses;
  PetscCall(TestCaseByCase(&dosed));
  closed.name   = "logistic_closed_form";
  closed.nstate = 0;
  closed.mean   = tt_logistic_exact;
  PetscCall(TestCaseByCase(&closed));
  printf("%d failure(s)\n", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
