/* twin_run.c — every patient's fit and forecast over the MPI ranks.
 *
 * Rank 0 owns the queue: a worker sends its finished block (packed records) with a request
 * and gets the next block of consecutive patients, or a block of 0 to stop; rank 0 fits one
 * patient at a time itself and answers requests in between (MPI_Iprobe), so no rank idles
 * while patients remain. A record is R doubles (see Pack); rank 0 keeps every patient's
 * record, in patient order (memory proportional to the patients, not to anything else).
 * Any rank's error aborts the run (PetscCall inside a collective loop cannot be recovered
 * from without a protocol for it; user errors are caught before this point).
 */
#include <string.h>
#include "twinimpl.h"

#define TAG_DONE 401 /* worker -> 0: [start, count, records...] */
#define TAG_WORK 402 /* 0 -> worker: [start, count] (count 0: stop) */

struct _p_TTTwinResults {
  PetscInt n, R, nl, narm, ncell;
  double  *rec; /* [n][R] (rank 0) */
};

/* Record layout: converged, iterations, objective, eta[nl], cov[nl^2], best, p_best,
 * benefit[3 narm], mean[ncell], lower[ncell], upper[ncell], reason (128 bytes). */
static PetscInt RecordSize(PetscInt nl, PetscInt narm, PetscInt ncell)
{
  return 3 + nl + nl * nl + 2 + 3 * narm + 3 * ncell + 128 / sizeof(double);
}

static void Pack(const TTTwinResults r, const TTTwinEstimate *e, const TTTwinForecast *fc, double *x)
{
  x[0] = e->converged, x[1] = (double) e->iterations, x[2] = e->objective, x += 3;
  PetscArraycpy(x, e->eta, r->nl), x += r->nl;
  PetscArraycpy(x, e->cov, r->nl * r->nl), x += r->nl * r->nl;
  x[0] = (double) fc->best, x[1] = fc->p_best, x += 2;
  PetscArraycpy(x, fc->benefit, 3 * r->narm), x += 3 * r->narm;
  PetscArraycpy(x, fc->mean, r->ncell), x += r->ncell;
  PetscArraycpy(x, fc->lower, r->ncell), x += r->ncell;
  PetscArraycpy(x, fc->upper, r->ncell), x += r->ncell;
  memcpy(x, e->reason, 128);
}

PetscErrorCode TTTwinResultsGet(TTTwinResults r, PetscInt i, TTTwinEstimate *e, TTTwinForecast *fc)
{
  double *x;

  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < r->n && r->rec, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "patient %d of %d", (int) i,
             (int) r->n);
  x = r->rec + i * r->R;
  PetscCall(PetscMemzero(e, sizeof *e));
  e->converged = (int) x[0], e->iterations = (PetscInt) x[1], e->objective = x[2], x += 3;
  PetscArraycpy(e->eta, x, r->nl), x += r->nl;
  PetscArraycpy(e->cov, x, r->nl * r->nl), x += r->nl * r->nl;
  fc->best = (PetscInt) x[0], fc->p_best = x[1], x += 2;
  fc->benefit = x, x += 3 * r->narm;
  fc->mean    = x, x += r->ncell;
  fc->lower   = x, x += r->ncell;
  fc->upper   = x, x += r->ncell;
  memcpy(e->reason, x, 128);
  e->reason[127] = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinResultsDestroy(TTTwinResults *r)
{
  PetscFunctionBeginUser;
  if (!r || !*r) PetscFunctionReturn(0);
  PetscCall(PetscFree((*r)->rec));
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(0);
}

/* Fits and forecasts patients [start, start + count) into x[count][R]. */
static PetscErrorCode DoBlock(TTTwinFit fit, TTPatients pts, const TTTwinForecastOptions *opt, TTTwinResults r,
                              TTTwinForecast *fc, PetscInt start, PetscInt count, double *x)
{
  PetscFunctionBeginUser;
  for (PetscInt i = start; i < start + count; i++) {
    TTPatient      p;
    TTTwinEstimate e;
    PetscCall(TTPatientsGet(pts, i, &p));
    PetscCall(TTTwinFitPatient(fit, &p, &e));
    PetscCall(TTTwinPredict(fit, &p, i, &e, opt, fc));
    Pack(r, &e, fc, x + (i - start) * r->R);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Worker(MPI_Comm comm, TTTwinFit fit, TTPatients pts, const TTTwinForecastOptions *opt,
                             TTTwinResults r, TTTwinForecast *fc, PetscInt block)
{
  double  *buf;
  PetscInt work[2] = {0, 0};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(2 + block * r->R, &buf));
  for (;;) {
    buf[0] = (double) work[0], buf[1] = (double) work[1];
    PetscCallMPI(MPI_Send(buf, (int) (2 + work[1] * r->R), MPI_DOUBLE, 0, TAG_DONE, comm));
    PetscCallMPI(MPI_Recv(work, 2, MPIU_INT, 0, TAG_WORK, comm, MPI_STATUS_IGNORE));
    if (work[1] == 0) break;
    PetscCall(DoBlock(fit, pts, opt, r, fc, work[0], work[1], buf + 2));
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

/* Rank 0: receives one worker's finished block and hands it the next (or stop). */
static PetscErrorCode Serve(MPI_Comm comm, TTTwinResults r, const MPI_Status *st, double *buf, PetscInt block,
                            PetscInt *next, PetscInt *active, PetscInt *done, TTTwinProgressFn progress, void *ctx)
{
  PetscInt work[2], start, count;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Recv(buf, (int) (2 + block * r->R), MPI_DOUBLE, st->MPI_SOURCE, TAG_DONE, comm, MPI_STATUS_IGNORE));
  start = (PetscInt) buf[0], count = (PetscInt) buf[1];
  PetscArraycpy(r->rec + start * r->R, buf + 2, count * r->R);
  *done += count;
  if (count && progress) progress(ctx, *done, r->n);
  work[0] = *next, work[1] = PetscMin(block, r->n - *next);
  *next += work[1];
  if (work[1] == 0) (*active)--;
  PetscCallMPI(MPI_Send(work, 2, MPIU_INT, st->MPI_SOURCE, TAG_WORK, comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode Leader(MPI_Comm comm, TTTwinFit fit, TTPatients pts, const TTTwinForecastOptions *opt,
                             TTTwinResults r, TTTwinForecast *fc, PetscInt block, TTTwinProgressFn progress, void *ctx)
{
  PetscMPIInt size;
  PetscInt    next = 0, done = 0, active;
  double     *buf;
  MPI_Status  st;
  int         flag;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  active = size - 1;
  PetscCall(PetscMalloc1(2 + block * r->R, &buf));
  while (active > 0 || next < r->n) {
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, TAG_DONE, comm, &flag, &st));
    if (flag || (next == r->n && active > 0)) {
      if (!flag) PetscCallMPI(MPI_Probe(MPI_ANY_SOURCE, TAG_DONE, comm, &st));
      PetscCall(Serve(comm, r, &st, buf, block, &next, &active, &done, progress, ctx));
      continue;
    }
    PetscCall(DoBlock(fit, pts, opt, r, fc, next, 1, r->rec + next * r->R));
    next++, done++;
    if (progress) progress(ctx, done, r->n);
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinRun(MPI_Comm comm, TTTwinFit fit, TTPatients pts, const TTTwinForecastOptions *opt,
                         TTTwinProgressFn progress, void *ctx, TTTwinResults *out)
{
  TTTwinResults  r;
  TTTwinForecast fc;
  PetscMPIInt    rank, size;
  PetscInt       block;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscCalloc1(1, &r));
  PetscCall(TTPatientsGetSize(pts, &r->n));
  r->nl    = fit->nl;
  r->narm  = fit->narm;
  r->ncell = fit->narm * fit->protocol->nvisit * fit->nvar;
  r->R     = RecordSize(r->nl, r->narm, r->ncell);
  block    = PetscMax(1, PetscMin(16, r->n / (4 * size)));
  PetscCall(TTTwinForecastCreate(fit, &fc));
  if (rank == 0) {
    PetscCall(PetscMalloc1(PetscMax(r->n, 1) * r->R, &r->rec));
    PetscCall(Leader(comm, fit, pts, opt, r, &fc, block, progress, ctx));
  } else {
    PetscCall(Worker(comm, fit, pts, opt, r, &fc, block));
  }
  PetscCall(TTTwinForecastDestroy(&fc));
  *out = r;
  PetscFunctionReturn(0);
}
