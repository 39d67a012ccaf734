/* bench_twin_gradient.c — personalisation's two gradients, measured in one run: central
 * differences of the objective (-tt_twin_gradient fd: 2 nlatent + 1 trajectories) against
 * the trajectory's forward sensitivities (sensitivity: one augmented integration), on the
 * same synthetic patients of an ODE model without doses (t2d_hba1c: 6 states, 3 random
 * effects, history before 0 and a secretagogue arm; HbA1c, FPG, FSI at weeks -26, -12, 0,
 * 4, 12, 26) and one with doses (pk_1cmt_oral: 500 mg every 12 h, 3 random effects, 9
 * concentrations over 36 h), with the models' own observation densities; synthetic
 * patients of tests/unit/tt_twin_synthetic.h.
 * For each model and method: CPU seconds per patient of TTTwinFitPatient (Tao BQNLS, then
 * the Laplace Hessian, which is central differences of f in both) and per evaluation of f
 * and its gradient as Tao's callback makes it (TTTwinObjective with the gradient minus
 * without: TTTwinObjective's f is always the plain trajectory's); fits interleaved patient
 * by patient (fd, then sensitivity), the best of `rounds` rounds counts. Accuracy: each
 * method's MAP against a reference fit (sensitivities at rtol 1e-12, atol 1e-14, Tao gatol
 * 1e-10), in prior SDs, the largest over the patients whose reference fit converged; the
 * two methods' MAP difference; converged fits and Tao iterations.
 * Output: "key value" lines (tests/bench/run.sh prints the table).
 * usage: tt_bench_twin_gradient T2D_PROTOCOL PK_PROTOCOL [-patients N] [-rounds K]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <twintrial/twin.h>
#include "tt_twin_synthetic.h"

#define MAXP 1000

static double CpuNow(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* A fit with `gradient`, and optionally reference tolerances (options read at creation). */
static PetscErrorCode CreateFit(TTTrial trial, const char *gradient, PetscBool reference, TTTwinFit *fit)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_gradient", gradient));
  if (reference) {
    PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_rtol", "1e-12"));
    PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_atol", "1e-14"));
    PetscCall(PetscOptionsSetValue(NULL, "-tt_twin_tao_gatol", "1e-10"));
  }
  PetscCall(TTTwinFitCreate(trial, fit));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_gradient"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_rtol"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_atol"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_twin_tao_gatol"));
  PetscFunctionReturn(0);
}

typedef struct {
  const char *key, *protocol;
  PetscInt    arm;
  int         nt;
  double      t[16];
  int         nv, var[4];
} Bench;

static double MaxDiff(PetscInt n, const double *a, const double *b, const double *sd)
{
  double d = 0.0;
  for (PetscInt i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i]) / sd[i]);
  return d;
}

static PetscErrorCode Run(const Bench *B, PetscInt np, PetscInt rounds)
{
  TTProtocol         *pr;
  TTTrial             trial;
  TTSim               sim;
  TTTwinFit           fit[3]; /* fd, sensitivity, reference */
  const TTModelType  *m;
  const double       *par;
  TTSyntheticPatient *pts;
  TTTwinEstimate      est[3];
  double              om[64], lo[8], hi[8], sd[8], best[2] = {INFINITY, INFINITY}, geval[2];
  double              err[2] = {0, 0}, diff = 0.0, dobj = 0.0;
  PetscInt            conv[3] = {0, 0, 0}, iters[2] = {0, 0};
  const char         *name[2] = {"fd", "sensitivity"};

  PetscFunctionBeginUser;
  PetscCall(tt_twin_model_trial(B->protocol, &pr, &trial));
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTrialGetParameters(trial, &par));
  PetscCall(TTTrialCreateSim(trial, &sim));
  m->omega(par, NULL, om, lo, hi);
  for (int i = 0; i < m->nlatent; i++) sd[i] = sqrt(om[i * m->nlatent + i]);
  PetscCall(PetscMalloc1(np, &pts));
  for (PetscInt i = 0; i < np; i++)
    PetscCall(tt_twin_synthetic(trial, sim, 14, i, B->arm, B->nt, B->t, B->nv, B->var, &pts[i]));
  PetscCall(CreateFit(trial, "fd", PETSC_FALSE, &fit[0]));
  PetscCall(CreateFit(trial, "sensitivity", PETSC_FALSE, &fit[1]));
  PetscCall(CreateFit(trial, "sensitivity", PETSC_TRUE, &fit[2]));
  for (PetscInt r = 0; r < rounds; r++) { /* whole fits, interleaved */
    double tot[2] = {0, 0};
    for (PetscInt i = 0; i < np; i++)
      for (int k = 0; k < 2; k++) {
        double t0 = CpuNow();
        PetscCall(TTTwinFitPatient(fit[k], &pts[i].p, &est[k]));
        tot[k] += CpuNow() - t0;
      }
    for (int k = 0; k < 2; k++) best[k] = fmin(best[k], tot[k] / np);
  }
  for (int k = 0; k < 2; k++) geval[k] = INFINITY;
  for (PetscInt r = 0; r < rounds; r++) { /* f and gradient at the true eta, as Tao calls them: */
    double tot[2] = {0, 0}, f, g[8];      /* TTTwinObjective with the gradient minus without */
    for (PetscInt i = 0; i < np; i++)
      for (int k = 0; k < 2; k++) {
        double t0 = CpuNow(), t1;
        PetscCall(TTTwinObjective(fit[k], &pts[i].p, pts[i].eta, &f, g));
        t1 = CpuNow();
        PetscCall(TTTwinObjective(fit[k], &pts[i].p, pts[i].eta, &f, NULL));
        tot[k] += (t1 - t0) - (CpuNow() - t1);
      }
    for (int k = 0; k < 2; k++) geval[k] = fmin(geval[k], tot[k] / np);
  }
  for (PetscInt i = 0; i < np; i++) {
    for (int k = 0; k < 3; k++) {
      PetscCall(TTTwinFitPatient(fit[k], &pts[i].p, &est[k]));
      conv[k] += est[k].converged;
      if (k < 2) iters[k] += est[k].iterations;
    }
    for (int k = 0; k < 2 && est[2].converged; k++)
      err[k] = fmax(err[k], MaxDiff(m->nlatent, est[k].eta, est[2].eta, sd));
    diff = fmax(diff, MaxDiff(m->nlatent, est[0].eta, est[1].eta, sd));
    dobj = fmax(dobj, fabs(est[0].objective - est[1].objective));
  }
  printf("%s_model %s\n%s_patients %d\n%s_reference_converged %d\n", B->key, m->name, B->key, (int) np, B->key,
         (int) conv[2]);
  for (int k = 0; k < 2; k++) {
    printf("%s_%s_ms_per_patient %.6g\n", B->key, name[k], 1e3 * best[k]);
    printf("%s_%s_ms_per_gradient %.6g\n", B->key, name[k], 1e3 * geval[k]);
    printf("%s_%s_converged %d\n", B->key, name[k], (int) conv[k]);
    printf("%s_%s_mean_iterations %.3g\n", B->key, name[k], (double) iters[k] / np);
    printf("%s_%s_map_err_sd %.3g\n", B->key, name[k], err[k]);
  }
  printf("%s_map_diff_sd %.3g\n%s_objective_diff %.3g\n", B->key, diff, B->key, dobj);
  for (int k = 0; k < 3; k++) PetscCall(TTTwinFitDestroy(&fit[k]));
  PetscCall(PetscFree(pts));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt np = 40, rounds = 3;
  Bench    t2d = {"t2d", NULL, 1, 6, {-182, -84, 0, 28, 84, 182}, 3, {0, 1, 2}};
  Bench    pk  = {"pk", NULL, 0, 9, {0.5, 1, 2, 4, 8, 11.9, 24.5, 26, 36}, 1, {0}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 3 && argv[1][0] != '-' && argv[2][0] != '-', PETSC_COMM_SELF, PETSC_ERR_USER,
             "usage: tt_bench_twin_gradient T2D_PROTOCOL PK_PROTOCOL [-patients N] [-rounds K]");
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-patients", &np, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-rounds", &rounds, NULL));
  PetscCheck(np >= 1 && np <= MAXP && rounds >= 1, PETSC_COMM_SELF, PETSC_ERR_USER, "-patients 1..%d, -rounds >= 1",
             MAXP);
  t2d.protocol = argv[1], pk.protocol = argv[2];
  PetscCall(Run(&t2d, np, rounds));
  PetscCall(Run(&pk, np, rounds));
  PetscCall(PetscFinalize());
  return 0;
}
