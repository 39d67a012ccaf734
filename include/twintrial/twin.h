/* twin.h — personalised twins: a patient's random effects estimated from the patient's own
 * observations (Bayesian MAP, the empirical Bayes estimate of pharmacometrics), with their
 * uncertainty, and forecasts of that patient under every arm of a protocol.
 *
 * A patient is a covariate vector (the model's covariates, in model order) and a list of
 * observations (model time, variable, value, censored below a limit). Time 0 is
 * randomisation; observations before it (t < 0, the history) are of the untreated twin,
 * those after it of the twin on the patient's arm (`arm`, -1 when there are none).
 * The objective of patient i is
 *   f(eta) = - sum_j log p(y_ij | eta) - log p(eta),
 * log p(y | eta) the model's observation density at the twin's noise-free trajectory and
 * p(eta) the model's prior (normal with covariance omega unless the model gives log_prior),
 * minimised with PETSc Tao (bounded quasi-Newton) within the model's truncation bounds.
 * Everything here is per patient and per rank (not collective): the CLI distributes
 * patients over ranks, and every random draw is keyed by (seed, patient index), so results
 * do not depend on the rank count.
 */
#ifndef TWINTRIAL_TWIN_H
#define TWINTRIAL_TWIN_H

#include <petscsys.h>
#include <twintrial/trial.h>

#define TT_TWIN_ID_MAX 64

/* One observed patient (views into a TTPatients; valid until it is destroyed). */
typedef struct {
  const char   *id;    /* as in the files */
  const double *cov;   /* [model->ncovariate], model order */
  PetscInt      arm;   /* arm after randomisation, -1: no observation after it */
  PetscInt      nobs;  /* observations, in increasing time (ties: file order) */
  const double *t;     /* [nobs] model time units, relative to randomisation */
  const int    *var;   /* [nobs] model variable index */
  const double *value; /* [nobs] */
  const int    *below; /* [nobs] 1: censored, known only to lie below value (M3) */
  /* the regimen after randomisation when it is not the arm's (a guided twin's, at the
   * typical exposure-response clearance); NULL: the arm's */
  const TTRegimen *reg;
} TTPatient;

typedef struct _p_TTPatients *TTPatients;

/* Not collective. Reads OBS.csv (header id,time,variable,value[,arm]; time in the
 * protocol's schedule unit, value a number or "<LIMIT" for an observation below a limit
 * of quantification, arm required on rows after randomisation) and, when cov_csv is not
 * NULL, COV.csv (header id plus the model's covariates). Every mistake is one
 * PETSC_ERR_USER "FILE:LINE:COLUMN: what, expected what". Patients are in the order of
 * their first row in OBS.csv. */
PetscErrorCode TTPatientsRead(TTTrial trial, const char *obs_csv, const char *cov_csv, TTPatients *patients);
PetscErrorCode TTPatientsGetSize(TTPatients patients, PetscInt *n);
PetscErrorCode TTPatientsGet(TTPatients patients, PetscInt i, TTPatient *p);
PetscErrorCode TTPatientsDestroy(TTPatients *patients);

/* The MAP estimate of one patient. */
typedef struct {
  double   eta[8];      /* [nlatent] mode */
  double   cov[64];     /* [nlatent * nlatent] Laplace covariance: inverse Hessian of f at the mode */
  double   objective;   /* f at the mode (up to the constants of the densities) */
  PetscInt iterations;  /* Tao iterations */
  int      converged;   /* 1: Tao converged and the Hessian is positive definite */
  char     reason[128]; /* why not, "" when converged */
} TTTwinEstimate;

#define TT_TWIN_MAX_LATENT 8

typedef struct _p_TTTwinFit *TTTwinFit;

/* Not collective. A per-rank workspace (Tao solver, integrator) for the trial's model;
 * refuses a model that cannot be personalised (tt_model_unpersonalisable). */
PetscErrorCode TTTwinFitCreate(TTTrial trial, TTTwinFit *fit);
PetscErrorCode TTTwinFitDestroy(TTTwinFit *fit);
/* The Hessian whose inverse is an estimate's Laplace covariance: EXACT, central differences
 * of f at the mode (the default; -tt_twin_laplace exact), or GAUSS_NEWTON, the generalised
 * Gauss-Newton (Fisher-type) matrix sum_j c_j J_j J_j^T + the prior's Hessian, J_j the
 * sensitivities d mean_j / d eta and c_j = max(0, -d^2 log p_j / d mean_j^2), free after a
 * Gauss-Newton fit (-tt_twin_laplace gauss_newton; patients fitted by differences keep the
 * exact one). Guided arms use GAUSS_NEWTON (README, Performance 10). */
typedef enum { TT_TWIN_LAPLACE_EXACT, TT_TWIN_LAPLACE_GAUSS_NEWTON } TTTwinLaplace;
/* Not collective. Sets the kind unless -tt_twin_laplace gave one. */
PetscErrorCode TTTwinFitSetLaplace(TTTwinFit fit, TTTwinLaplace laplace);
/* Not collective. A Gauss-Newton fit's second stopping rule (twin_stall.c), off by default
 * (step_sd = 0): converged when the Gauss-Newton step from the current point, G^-1 g,
 * moves every random effect by less than step_sd of its posterior SD (sqrt diag G^-1)
 * and its predicted decrease 1/2 g^T G^-1 g is below `decrease`. Guided arms set 1e-3
 * and 1e-6 (README, Performance 10). -tt_twin_stop_step_sd S and -tt_twin_stop_decrease
 * D, when given, override the arguments (S = 0: off). */
PetscErrorCode TTTwinFitSetStepStop(TTTwinFit fit, PetscReal step_sd, PetscReal decrease);
/* Not collective. The relative and absolute tolerances of the fit's integrations (plain
 * and with sensitivities; by default the models' 1e-8 and 1e-10: TTSimSetTolerances). The
 * sensitivity gradient's error bound follows rtol (twin_sens.c). */
PetscErrorCode TTTwinFitSetTolerances(TTTwinFit fit, PetscReal rtol, PetscReal atol);
/* Not collective. A lean fit (for Gauss-Newton fits with the Gauss-Newton Laplace; others
 * are unaffected) integrates the plain trajectory neither to check the start nor to report
 * the objective at the mode: the objective is the one the fit evaluated there, from the
 * sensitivity run (equal to the plain one to the integration tolerance). Guided arms. */
PetscErrorCode TTTwinFitSetLean(TTTwinFit fit, PetscBool lean);
/* Not collective. f(eta) of patient p, and its gradient when grad is not NULL. */
PetscErrorCode TTTwinObjective(TTTwinFit fit, const TTPatient *p, const double eta[], double *f, double grad[]);
/* Not collective. The MAP estimate of patient p; a failure to converge is reported in
 * est (converged = 0 with a reason), not as an error. */
PetscErrorCode TTTwinFitPatient(TTTwinFit fit, const TTPatient *p, TTTwinEstimate *est);
/* Not collective. The same from eta0[nlatent] (clamped to the prior's bounds; NULL or a
 * start where the objective is not finite: eta = 0), e.g. a previous estimate of the same
 * patient before new observations. */
PetscErrorCode TTTwinFitPatientFrom(TTTwinFit fit, const TTPatient *p, const double eta0[], TTTwinEstimate *est);

/* Forecast of one patient: for every arm, visit of the protocol's schedule and model
 * variable, the mean of a new observation and its central `level` prediction interval,
 * over `draws` draws of eta from the Laplace posterior (truncated to the prior's bounds)
 * and of the residual error; and by the protocol's choose: criterion the best arm. */
typedef struct {
  PetscInt draws; /* default 1000 */
  double   level; /* default 0.90 */
  uint64_t seed;  /* draws of patient i use the substream (seed, i) */
} TTTwinForecastOptions;

typedef struct {
  double  *mean, *lower, *upper; /* [narm][nvisit][nvar] */
  PetscInt best;                 /* best arm by choose (-1 without a choose: criterion) */
  double   p_best;               /* probability the best arm is best (over eta draws) */
  double  *benefit;              /* [narm][3] criterion under arm - under control: mean, lower, upper */
} TTTwinForecast;

PetscErrorCode TTTwinForecastCreate(TTTwinFit fit, TTTwinForecast *fc);
PetscErrorCode TTTwinForecastDestroy(TTTwinForecast *fc);
/* Not collective. */
PetscErrorCode TTTwinPredict(TTTwinFit fit, const TTPatient *p, PetscInt index, const TTTwinEstimate *est,
                             const TTTwinForecastOptions *opt, TTTwinForecast *fc);

/* Not collective. n draws of eta from the Laplace posterior of est, N(mode, cov) truncated
 * to the prior's bounds (a draw outside is redrawn up to 100 times, then clamped), into
 * eta[n * nlatent], from g; *ok = PETSC_FALSE (nothing drawn) when est's covariance is not
 * positive definite. The draws TTTwinPredict makes. */
PetscErrorCode TTTwinDrawPosterior(TTTwinFit fit, const TTTwinEstimate *est, tt_pcg32 *g, PetscInt n, double eta[],
                                   PetscBool *ok);

/* ---- every patient over the ranks (twin_run.c) ---- */

/* Results of every patient, on rank 0 (empty elsewhere), in patient order. */
typedef struct _p_TTTwinResults *TTTwinResults;

typedef void (*TTTwinProgressFn)(void *ctx, PetscInt done, PetscInt total);

/* Collective on comm. Fits and forecasts every patient: rank 0 hands out blocks of
 * consecutive patients on demand and fits patients itself between requests; each
 * patient's result depends only on the patient and its index (keyed draws), so the
 * results are identical on any number of ranks. progress (rank 0, may be NULL) after
 * each patient. */
PetscErrorCode TTTwinRun(MPI_Comm comm, TTTwinFit fit, TTPatients patients, const TTTwinForecastOptions *opt,
                         TTTwinProgressFn progress, void *ctx, TTTwinResults *results);
/* Not collective (rank 0). Patient i's estimate and a view of its forecast (valid until the
 * results are destroyed). */
PetscErrorCode TTTwinResultsGet(TTTwinResults results, PetscInt i, TTTwinEstimate *est, TTTwinForecast *fc);
PetscErrorCode TTTwinResultsDestroy(TTTwinResults *results);

/* ---- outputs (twin_output.c), rank 0 ---- */

/* Not collective: rank 0 writes. The personalised twins to an HDF5 file at `path` (created;
 * the caller protects an existing file) and, with csv_dir, DIR/twins.csv, predictions.csv
 * and recommendations.csv. */
PetscErrorCode TTTwinWriteResults(TTTwinFit fit, TTPatients patients, TTTwinResults results,
                                  const TTTwinForecastOptions *opt, const char *path, const char *csv_dir,
                                  const char *command_line);

/* Not collective (rank 0). NONMEM's eta-shrinkage of each random effect,
 *   shrinkage[k] = 1 - SD(eta_k over the converged patients, divisor n - 1) / sqrt(omega[k][k]),
 * omega[nl * nl] the prior covariance averaged over the patients (the model's omega at each
 * patient's covariates; the population variance of eta when omega depends on them); NaN
 * with fewer than two converged patients. nconverged (may be NULL): their number. */
PetscErrorCode TTTwinShrinkage(TTTwinFit fit, TTPatients patients, TTTwinResults results, double omega[],
                               double shrinkage[], PetscInt *nconverged);

#endif
