/* bench_modellang.c — twin-arm trajectories per CPU second of the shipped models written
 * in C against the same models written as model files (compiled at run time), through
 * the same code path (TTSimTrajectory, the sim's reused PETSc TS for ODE models) over the
 * same twins: alzheimers_adas (closed form), t2d_hba1c (ODE), pk_1cmt_oral (ODE with
 * doses, integrated: its exact solution, propagate, is off, as the file has none), the
 * model files of tests/data/models/good/. The trajectories are also compared (largest
 * relative difference; 0: bit for bit). tests/bench/run.sh prints the ratios (part "lang";
 * README "Performance").
 * Times are CPU seconds of this thread; each kernel runs `rounds` rounds of at least
 * `seconds` and the best round counts. Output: "key value" lines.
 * usage: tt_bench_modellang SOURCE_DIR [-seconds S] [-rounds K] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include <twintrial/sim.h>

#define NTWIN 64
#define MAXT  16

typedef struct {
  const char *key, *builtin, *file;
  int         nt;
  double      t[MAXT];
} Case;

static double Cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* The twins' inputs: covariates and random effects drawn once, arm effects per case. */
static void Twin(const Case *c, int i, double *cov, double *eta, double *eff)
{
  tt_pcg32 rng;
  tt_rng_substream(&rng, 20261206, (uint64_t) i, 0, TT_STREAM_LATENT);
  if (!strcmp(c->key, "ad")) {
    double v[] = {60 + 25 * tt_rng_uniform(&rng),
                  tt_rng_uniform(&rng) < 0.5,
                  floor(3 * tt_rng_uniform(&rng)),
                  1,
                  0.4 * tt_rng_normal(&rng),
                  0.2 * tt_rng_normal(&rng),
                  i % 2 ? 4.1 : 0,
                  7.6,
                  0};
    memcpy(cov, v, 4 * sizeof(double)), memcpy(eta, v + 4, 2 * sizeof(double)), memcpy(eff, v + 6, 3 * sizeof(double));
  } else if (!strcmp(c->key, "t2d")) {
    double e[8] = {i % 2 ? 0.3 : 0, 77.9, i % 3 ? 0.2 : 0, 7, 0, 0, i % 4 ? -3 : 0, 0};
    cov[0]      = 70 + 30 * tt_rng_uniform(&rng);
    for (int k = 0; k < 3; k++) eta[k] = (k == 1 ? 1.0 : 0.3) * tt_rng_normal(&rng);
    memcpy(eff, e, sizeof e);
  } else {
    double e[3] = {i % 2 ? 500 : 1000, i % 2 ? 12 : 24, 0};
    cov[0]      = 50 + 60 * tt_rng_uniform(&rng);
    for (int k = 0; k < 3; k++) eta[k] = 0.3 * tt_rng_normal(&rng);
    memcpy(eff, e, sizeof e);
  }
}

/* Best rate (twin-arms per CPU second) of NTWIN trajectories, and the outputs. */
static PetscErrorCode Rate(const Case *c, const TTModelType *m, double seconds, int rounds, double *rate, double *y)
{
  double par[64], cov[8], eta[8], eff[16];
  TTSim  sim;
  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  *rate = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = Cpu(), dt;
    long   n  = 0;
    do {
      for (int i = 0; i < NTWIN; i++, n++) {
        Twin(c, i, cov, eta, eff);
        PetscCall(TTSimTrajectory(sim, cov, eta, eff, c->nt, c->t, y + (size_t) i * c->nt * m->nvar));
      }
    } while ((dt = Cpu() - t0) < seconds);
    *rate = fmax(*rate, n / dt);
  }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  static Case cases[] = {
      {"ad", "alzheimers_adas", "alzheimers_adas_mean.yaml", 7, {0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5}},
      {"t2d", "t2d_hba1c", "t2d_hba1c.yaml", 6, {0, 28, 91, 182, 364, 728}},
      {"pk", "pk_1cmt_oral", "pk_1cmt_oral.yaml", 8, {0, 1, 2, 6, 12, 24, 48, 96}}};
  static double yc[NTWIN * MAXT * 8], yf[NTWIN * MAXT * 8];
  PetscReal     seconds = 0.3;
  PetscInt      rounds  = 3;
  char          path[4096];
  TTModelType   ode;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc > 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "usage: tt_bench_modellang SOURCE_DIR [-seconds S] [-rounds K]");
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-seconds", &seconds, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-rounds", &rounds, NULL));
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const Case        *c       = &cases[k];
    const TTModelType *builtin = tt_model_find(c->builtin), *mc = &ode, *mf;
    double             rc, rf, worst = 0;
    PetscCheck(builtin, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: no model %s", c->key, c->builtin);
    ode           = *builtin;
    ode.propagate = NULL; /* the same path as the file's: the ODE integrated */
    PetscCall(PetscSNPrintf(path, sizeof path, "%s/tests/data/models/good/%s", argv[1], c->file));
    PetscCall(TTModelLangLoad(PETSC_COMM_SELF, path, &mf));
    PetscCheck(mc->nvar >= mf->nvar, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: shapes differ", c->key);
    PetscCall(Rate(c, mc, seconds, (int) rounds, &rc, yc));
    PetscCall(Rate(c, mf, seconds, (int) rounds, &rf, yf));
    for (int i = 0; i < NTWIN * c->nt; i++)
      for (int v = 0; v < mf->nvar; v++) {
        double a = yc[i * mc->nvar + v], b = yf[i * mf->nvar + v];
        if (a != b) worst = fmax(worst, fabs(a - b) / fmax(fabs(a), 1e-300));
      }
    printf("lang_%s_c_per_core_s %.6g\nlang_%s_file_per_core_s %.6g\nlang_%s_max_rel_diff %.3g\n", c->key, rc, c->key,
           rf, c->key, worst);
  }
  PetscCall(PetscFinalize());
  return 0;
}
