/* size.c — the smallest number of patients whose simulated power reaches a target.
 *
 * Each size n is evaluated by R simulated trials of the protocol with n patients, run by
 * the coordinator without a results file (rank 0 counts the chosen analysis's
 * rejections; a replicate whose analysis fails counts as not rejecting). Every size uses
 * the same seed and replicates 0..R-1, and twin i of a replicate is the same twin at
 * every size (common random numbers), so the estimated power curve is smooth in n.
 * Search:
 *   1. pilot at the protocol's size n0: the normal approximation of the sample size,
 *      n1 = n0 ((z_{1-alpha/sided} + z_power) / |mean z|)^2, from the pilot's mean test
 *      statistic (the textbook formula with the simulated effect and standard error);
 *   2. at each step the probit curve P(reject | n) = Phi(a + b sqrt(n)) is fitted by
 *      maximum likelihood to every size simulated so far (probit.c) and the next size
 *      is where it reaches the target; it stops when that size is within 1% (or one
 *      allocation block) of one already simulated, after at most MAX_EVAL sizes;
 *   3. the chosen size, rounded up to a whole allocation block (permuted blocks), is
 *      simulated again with `confirm` replicates: its power and MC SE are the result,
 *      and the fitted curve gives an approximate 95% interval of the size (delta method).
 * Memory does not grow with replicates (the coordinator streams them); every rank takes
 * the same steps from counts broadcast by rank 0.
 */
#include <math.h>
#include <string.h>
#include "designimpl.h"

#define MAX_EVAL 12

typedef struct {
  PetscInt k; /* analysis */
  long     reject, ok, total;
  double   zsum; /* test statistics of analysed replicates */
} Tally;

typedef struct {
  MPI_Comm             comm;
  PetscMPIInt          rank;
  TTProtocol          *p;
  const TTSizeOptions *opt;
  TTTrial              cal; /* holds the calibrated effects (NULL: none) */
  PetscInt             m, nmin, nmax, block;
  double               n[MAX_EVAL + 2], k[MAX_EVAL + 2], r[MAX_EVAL + 2];
} Search;

static void Count(void *ctx, const TTReplicateResult *res)
{
  Tally   *t = (Tally *) ctx;
  PetscInt k = t->k;
  t->total++;
  if (!res->ok[k]) return;
  t->ok++;
  t->reject += res->result[k].reject != 0;
  if (isfinite(res->result[k].statistic)) t->zsum += res->result[k].statistic;
}

/* R simulated trials with n patients: rejections (and the tally) on every rank. */
static PetscErrorCode Simulate(Search *s, PetscInt n, PetscInt R, Tally *t)
{
  TTTrial        trial;
  TTCoordOptions co = {0};
  PetscInt       analysed;
  PetscBool      stopped;
  PetscErrorCode ierr;
  double         buf[4];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  t->k = s->opt->analysis;
  PetscCall(TTProtocolOverride(s->p, R, n, PETSC_FALSE, 0));
  PetscCall(TTTrialCreate(s->p, &trial));
  ierr            = s->cal ? TTDesignCopyCalibration(s->cal, trial) : 0;
  co.result       = Count;
  co.result_ctx   = t;
  co.progress     = s->rank == 0 ? s->opt->progress : NULL;
  co.progress_ctx = s->opt->progress_ctx;
  if (!ierr) ierr = TTCoordRun(s->comm, trial, NULL, &co, &analysed, &stopped);
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(ierr);
  buf[0] = (double) t->reject, buf[1] = (double) t->ok, buf[2] = (double) t->total, buf[3] = t->zsum;
  PetscCallMPI(MPI_Bcast(buf, 4, MPI_DOUBLE, 0, s->comm));
  t->reject = (long) buf[0], t->ok = (long) buf[1], t->total = (long) buf[2], t->zsum = buf[3];
  PetscFunctionReturn(0);
}

static PetscErrorCode Evaluate(Search *s, PetscInt n, PetscInt R, const char *note, Tally *t)
{
  double pw, se;

  PetscFunctionBeginUser;
  PetscCall(Simulate(s, n, R, t));
  pw = (double) t->reject / (double) R, se = sqrt(pw * (1.0 - pw) / (double) R);
  if (s->m < MAX_EVAL + 2) s->n[s->m] = (double) n, s->k[s->m] = (double) t->reject, s->r[s->m] = (double) R, s->m++;
  if (s->opt->log && s->rank == 0) {
    fprintf(s->opt->log, "  %9d  %8d  %6.4f  %6.4f%s\n", (int) n, (int) R, pw, se, note);
    fflush(s->opt->log);
  }
  PetscFunctionReturn(0);
}

/* n rounded up to a whole allocation block, within [nmin, nmax]. */
static PetscInt Round(Search *s, double n)
{
  double b = (double) s->block;
  n        = PetscMax((double) s->nmin, PetscMin((double) s->nmax, n));
  return (PetscInt) PetscMin((double) s->nmax, b * ceil(n / b - 1e-9));
}

/* The first step from the pilot: the normal approximation, kept within 16x of n0. */
static PetscInt FirstGuess(Search *s, PetscInt n0, const Tally *t)
{
  const TTAnalysisSpec *an = &s->p->analysis[s->opt->analysis];
  double                zc = tt_stats_qnorm(1.0 - an->alpha / an->sided), zp = tt_stats_qnorm(s->opt->power);
  double                zbar = t->ok ? t->zsum / (double) t->ok : 0.0, guess;
  if (an->sided == 1)
    zbar *= an->direction;
  else
    zbar = fabs(zbar);
  guess = zbar > 0.05 ? (double) n0 * pow((zc + zp) / zbar, 2) : 16.0 * n0;
  return Round(s, PetscMax(n0 / 16.0, PetscMin(16.0 * n0, guess)));
}

/* The size where the fitted curve reaches the target, and its 95% half-width. */
static PetscBool FitTarget(Search *s, double *nstar, double *half)
{
  double ab[2], cov[3], zp = tt_stats_qnorm(s->opt->power), u, g0, g1, var;
  if (TTProbitFit((int) s->m, s->n, s->k, s->r, ab, cov) || !(ab[1] > 0)) return PETSC_FALSE;
  u      = (zp - ab[0]) / ab[1];
  *nstar = u > 0 ? u * u : 0.0;
  g0 = -2.0 * u / ab[1], g1 = -2.0 * u * u / ab[1]; /* d n / d a, d n / d b */
  var   = g0 * g0 * cov[0] + 2.0 * g0 * g1 * cov[1] + g1 * g1 * cov[2];
  *half = 1.96 * sqrt(PetscMax(var, 0.0));
  return PETSC_TRUE;
}

static PetscBool Simulated(Search *s, PetscInt n, PetscInt *j)
{
  for (*j = 0; *j < s->m; (*j)++)
    if (fabs(s->n[*j] - (double) n) <= PetscMax((double) s->block, 0.01 * (double) n)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The next size to simulate when the curve cannot be fitted yet (every size so far on
 * one side of the target): double or halve beyond the sizes tried. */
static PetscInt Bracket(Search *s)
{
  double lo = s->n[0], hi = s->n[0];
  int    above = 1;
  for (PetscInt i = 0; i < s->m; i++) {
    lo = PetscMin(lo, s->n[i]), hi = PetscMax(hi, s->n[i]);
    if (s->k[i] < s->opt->power * s->r[i]) above = 0;
  }
  return Round(s, above ? lo / 2.0 : hi * 2.0);
}

/* Every size simulated so far reaches the target (1), none does (0), or some do (-1). */
static int AllReach(Search *s)
{
  int above = 0;
  for (PetscInt i = 0; i < s->m; i++) above += s->k[i] >= s->opt->power * s->r[i];
  return above == s->m ? 1 : above == 0 ? 0 : -1;
}

static PetscErrorCode Unreachable(Search *s)
{
  PetscInt j;
  PetscFunctionBeginUser;
  (void) Simulated(s, s->nmax, &j);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
          "size: the target power %g of analysis %s is not reached with up to %d patients (simulated power %.4f at "
          "%d); the effect may be too small to detect, or raise --max-patients",
          s->opt->power, s->p->analysis[s->opt->analysis].name, (int) s->nmax, j < s->m ? s->k[j] / s->r[j] : NAN,
          (int) (j < s->m ? s->n[j] : s->nmax));
}

/* Steps 1 and 2 of the search: *nstar is where the fitted curve reaches the target. */
static PetscErrorCode Locate(Search *s, PetscInt n0, double *nstar, double *half)
{
  Tally     t;
  PetscInt  next, j;
  PetscBool fitted = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(Evaluate(s, n0, s->opt->replicates, "   (the protocol's size)", &t));
  next = FirstGuess(s, n0, &t);
  while (s->m < MAX_EVAL) {
    PetscBool again = Simulated(s, next, &j);
    if (!again) PetscCall(Evaluate(s, next, s->opt->replicates, "", &t));
    fitted = FitTarget(s, nstar, half);
    if (!fitted) {
      if (again) break; /* bracketing cannot move beyond nmin or nmax */
      next = Bracket(s);
      continue;
    }
    PetscCheck(*nstar <= 2.0 * s->nmax, PETSC_COMM_SELF, PETSC_ERR_USER,
               "size: the fitted power curve of analysis %s reaches %g only at about %.3g patients, beyond "
               "--max-patients %d; the effect may be too small to detect",
               s->p->analysis[s->opt->analysis].name, s->opt->power, *nstar, (int) s->nmax);
    if (*nstar > (double) s->nmax) { /* the curve says just beyond the largest size: simulate it */
      if (!Simulated(s, s->nmax, &j)) PetscCall(Evaluate(s, s->nmax, s->opt->replicates, "   (the largest size)", &t));
      (void) Simulated(s, s->nmax, &j);
      if (s->k[j] < s->opt->power * s->r[j]) PetscCall(Unreachable(s));
      *nstar = (double) s->nmax;
    }
    next = Round(s, *nstar);
    if (Simulated(s, next, &j)) break;
  }
  if (!fitted && AllReach(s) == 1) { /* even the smallest size simulated has the power */
    *nstar = (double) s->nmin, *half = 0.0;
    for (PetscInt i = 0; i < s->m; i++) *nstar = PetscMin(*nstar, s->n[i]);
  } else if (!fitted)
    PetscCall(Unreachable(s));
  PetscFunctionReturn(0);
}

static PetscErrorCode Search_(Search *s, PetscInt n0, TTSizeResult *res)
{
  Tally  t;
  double nstar = NAN, half = NAN;

  PetscFunctionBeginUser;
  PetscCall(Locate(s, n0, &nstar, &half));
  res->patients = Round(s, nstar);
  res->fit_lo = PetscMax(0.0, nstar - half), res->fit_hi = nstar + half;
  PetscCall(Evaluate(s, res->patients, s->opt->confirm, "   (confirmation)", &t));
  res->replicates  = s->opt->confirm;
  res->power       = (double) t.reject / (double) s->opt->confirm;
  res->mcse        = sqrt(res->power * (1.0 - res->power) / (double) s->opt->confirm);
  res->evaluations = s->m;
  res->reached     = res->power >= s->opt->power ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

static PetscInt AllocationBlock(const TTProtocol *p)
{
  PetscInt sum = 0;
  if (p->randomization == TT_RANDOMIZE_SIMPLE) return 1;
  for (int a = 0; a < p->narm; a++) sum += (PetscInt) p->arm[a].ratio;
  return PetscMax(1, sum);
}

PetscErrorCode TTDesignSize(MPI_Comm comm, TTProtocol *p, const TTSizeOptions *opt_in, TTSizeResult *res)
{
  Search         s;
  TTSizeOptions  opt = *opt_in;
  PetscInt       n0 = p->patients, r0 = p->replicates;
  PetscBool      pending;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  PetscCall(PetscMemzero(res, sizeof(*res)));
  PetscCheck(opt.power > 0 && opt.power < 1, PETSC_COMM_SELF, PETSC_ERR_USER, "--power: expected a power in (0, 1)");
  PetscCheck(opt.analysis >= 0 && opt.analysis < p->nanalysis, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "analysis");
  if (opt.replicates <= 0) opt.replicates = 1000;
  if (opt.confirm <= 0) opt.confirm = 2 * opt.replicates;
  if (opt.max_patients <= 0) opt.max_patients = 100000;
  s.comm = comm, s.p = p, s.opt = &opt;
  PetscCallMPI(MPI_Comm_rank(comm, &s.rank));
  s.block = AllocationBlock(p);
  s.nmin  = PetscMax(2 * s.block, 4);
  s.nmax  = PetscMax(s.nmin, opt.max_patients);
  PetscCheck(n0 <= s.nmax, PETSC_COMM_SELF, PETSC_ERR_USER, "size: the first size %d exceeds --max-patients %d",
             (int) n0, (int) s.nmax);
  for (int a = 0; a < p->narm; a++)
    PetscCheck(!p->arm[a].guided, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: arms[%d].guided: twintrial size does not search sizes for guided arms (run the trial at "
               "chosen sizes with --patients instead)",
               p->path, p->arm[a].guide.loc.line, p->arm[a].guide.loc.column, a);
  PetscCall(TTTrialCreate(p, &s.cal)); /* calibrated effects are solved once, for every size */
  PetscCall(TTTrialCalibrationPending(s.cal, &pending));
  ierr = pending ? TTDesignCalibrate(comm, s.cal, opt.log) : 0;
  if (!ierr && !pending) ierr = TTTrialDestroy(&s.cal);
  if (!ierr && opt.log && s.rank == 0) {
    fprintf(opt.log, "size: %s, target power %g; %d replicates per size\n  %9s  %8s  %6s  %6s\n",
            p->analysis[opt.analysis].name, opt.power, (int) opt.replicates, "patients", "reps", "power", "MC SE");
    fflush(opt.log);
  }
  if (!ierr) ierr = Search_(&s, n0, res);
  PetscCall(TTTrialDestroy(&s.cal));
  p->patients = (int) n0, p->replicates = (int) r0;
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
