/* coord.c — the run loop: dynamic hand-out of twin blocks, in-order analysis.
 *
 * Messages (MPI_COMM of the run): a worker sends TAG_RESULT = doubles
 * [replicate, first subject, count, records...] (count 0 for its first request),
 * or TAG_ERROR = the error text; rank 0 answers TAG_ASSIGN = ints
 * [replicate, first, count] or TAG_STOP. Invariants: blocks are handed out in
 * (replicate, subject) order and only for replicates < next_analyse + window;
 * replicate r lives in slot r % window until analysed; analysis, storage and the
 * operating-characteristics updates happen in replicate order only, so results
 * are identical for any rank count and arrival order.
 */
#include <string.h>
#include <twintrial/coord.h>

enum { TAG_RESULT = 11, TAG_ERROR = 12, TAG_ASSIGN = 13, TAG_STOP = 14 };

typedef struct {
  MPI_Comm          comm;
  PetscMPIInt       size;
  TTTrial           trial;
  TTStore           store;
  TTSim             sim;
  TTRecordLayout    L;
  const TTProtocol *p;
  TTCoordOptions    opt;
  PetscInt          N, R, B, bpr, nblock; /* patients, replicates, block size, blocks per replicate, all blocks */
  PetscInt          next_block, next_analyse, window;
  double           *slot;  /* [window][N * L.size] */
  PetscInt         *count; /* [window] records received */
  double           *msg;   /* receive buffer: 3 + B * L.size */
  PetscMPIInt      *idle;  /* workers waiting for work */
  PetscInt          nidle, active;
  tt_stats_oc      *oc;
  TTReplicateResult res;
  double            twins_done;
  PetscErrorCode    failed; /* first error seen; the loop then only drains */
  char              failmsg[1024];
} Coord;

static PetscBool CanHandOut(Coord *c)
{
  return c->next_block < c->nblock && c->next_block / c->bpr < c->next_analyse + c->window ? PETSC_TRUE : PETSC_FALSE;
}

static void NextBlock(Coord *c, PetscInt *r, PetscInt *p0, PetscInt *n)
{
  PetscInt b = c->next_block++;
  *r         = b / c->bpr;
  *p0        = (b % c->bpr) * c->B;
  *n         = PetscMin(c->B, c->N - *p0);
}

static PetscErrorCode SimulateBlock(Coord *c, PetscInt r, PetscInt p0, PetscInt n, double *recs)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) PetscCall(TTTrialSimulateTwin(c->trial, c->sim, r, p0 + i, recs + i * c->L.size));
  PetscFunctionReturn(0);
}

static double *SlotRecords(Coord *c, PetscInt r, PetscInt p0)
{
  return c->slot + ((r % c->window) * c->N + p0) * c->L.size;
}

static void Fail(Coord *c, PetscErrorCode ierr, const char *msg)
{
  if (c->failed) return;
  c->failed = ierr;
  snprintf(c->failmsg, sizeof(c->failmsg), "%s", msg);
}

static void FailFromPetsc(Coord *c, PetscErrorCode ierr)
{
  char *specific = NULL;
  PetscErrorMessage(ierr, NULL, &specific);
  Fail(c, ierr, specific ? specific : "error");
}

/* Rank 0: analyse, store and summarize every complete replicate, in order. */
static PetscErrorCode AnalyseReady(Coord *c)
{
  PetscFunctionBeginUser;
  while (!c->failed && c->next_analyse < c->R && c->count[c->next_analyse % c->window] == c->N) {
    PetscInt      r    = c->next_analyse;
    const double *recs = SlotRecords(c, r, 0);
    PetscCall(TTTrialAnalyse(c->trial, r, recs, &c->res));
    if (c->store) PetscCall(TTStoreWriteReplicate(c->store, &c->res, recs));
    for (PetscInt k = 0; k < c->p->nanalysis; k++)
      tt_stats_oc_add(&c->oc[k], c->res.ok[k], &c->res.result[k], c->res.true_effect[k]);
    c->count[r % c->window] = 0;
    c->next_analyse++;
    if (c->opt.progress) c->opt.progress(c->opt.progress_ctx, c->next_analyse, c->R, c->twins_done);
  }
  PetscFunctionReturn(0);
}

/* Rank 0: give idle workers work, or stop them when no work is left (or on failure). */
static PetscErrorCode Dispatch(Coord *c)
{
  PetscFunctionBeginUser;
  while (c->nidle > 0) {
    PetscMPIInt w = c->idle[c->nidle - 1];
    int         cmd[3];
    PetscInt    r, p0, n;
    if (!c->failed && CanHandOut(c)) {
      NextBlock(c, &r, &p0, &n);
      cmd[0] = (int) r, cmd[1] = (int) p0, cmd[2] = (int) n;
      PetscCallMPI(MPI_Send(cmd, 3, MPI_INT, w, TAG_ASSIGN, c->comm));
    } else if (c->failed || c->next_block == c->nblock) {
      PetscCallMPI(MPI_Send(cmd, 0, MPI_INT, w, TAG_STOP, c->comm));
      c->active--;
    } else
      break; /* window full: wait for analysis to free a slot */
    c->nidle--;
  }
  PetscFunctionReturn(0);
}

/* Rank 0: receive one message (already probed) and park its sender as idle. */
static PetscErrorCode Receive(Coord *c, MPI_Status *st)
{
  PetscMPIInt n;

  PetscFunctionBeginUser;
  if (st->MPI_TAG == TAG_ERROR) {
    char text[1024] = {0};
    PetscCallMPI(MPI_Get_count(st, MPI_CHAR, &n));
    PetscCallMPI(MPI_Recv(text, PetscMin(n, 1023), MPI_CHAR, st->MPI_SOURCE, TAG_ERROR, c->comm, MPI_STATUS_IGNORE));
    Fail(c, PETSC_ERR_LIB, text);
  } else {
    PetscCallMPI(MPI_Get_count(st, MPI_DOUBLE, &n));
    PetscCallMPI(MPI_Recv(c->msg, n, MPI_DOUBLE, st->MPI_SOURCE, TAG_RESULT, c->comm, MPI_STATUS_IGNORE));
    PetscInt r = (PetscInt) c->msg[0], p0 = (PetscInt) c->msg[1], cnt = (PetscInt) c->msg[2];
    if (cnt > 0 && !c->failed) {
      PetscCall(PetscArraycpy(SlotRecords(c, r, p0), c->msg + 3, cnt * c->L.size));
      c->count[r % c->window] += cnt;
      c->twins_done += (double) cnt;
    }
  }
  c->idle[c->nidle++] = st->MPI_SOURCE;
  PetscFunctionReturn(0);
}

/* Rank 0 computes a block itself when no message is waiting, answering workers
 * between twins so that none waits longer than one twin's simulation. */
static PetscErrorCode ComputeOwnBlock(Coord *c)
{
  PetscInt       r, p0, n;
  PetscErrorCode ierr = 0;
  double        *recs;
  MPI_Status     st;
  PetscMPIInt    flag;

  PetscFunctionBeginUser;
  NextBlock(c, &r, &p0, &n);
  recs = SlotRecords(c, r, p0);
  for (PetscInt i = 0; i < n && !ierr; i++) {
    ierr = TTTrialSimulateTwin(c->trial, c->sim, r, p0 + i, recs + i * c->L.size);
    if (c->size == 1) continue;
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm, &flag, &st));
    if (flag) {
      PetscCall(Receive(c, &st));
      PetscCall(Dispatch(c));
    }
  }
  if (ierr)
    FailFromPetsc(c, ierr);
  else {
    c->count[r % c->window] += n;
    c->twins_done += (double) n;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CoordinatorLoop(Coord *c)
{
  MPI_Status  st;
  PetscMPIInt flag;

  PetscFunctionBeginUser;
  while ((!c->failed && c->next_analyse < c->R) || c->active > 0) {
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm, &flag, &st));
    if (flag)
      PetscCall(Receive(c, &st));
    else if (!c->failed && CanHandOut(c) && (c->size == 1 || c->nidle == 0))
      PetscCall(ComputeOwnBlock(c));
    else if (c->active > 0 && c->nidle < c->active) {
      PetscCallMPI(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm, &st));
      PetscCall(Receive(c, &st));
    }
    if (!c->failed) {
      PetscErrorCode ierr = AnalyseReady(c);
      if (ierr) FailFromPetsc(c, ierr);
    }
    PetscCall(Dispatch(c));
    PetscCheck(c->failed || c->next_analyse >= c->R || c->active > c->nidle || CanHandOut(c), PETSC_COMM_SELF,
               PETSC_ERR_PLIB, "coordinator stalled at replicate %d", (int) c->next_analyse);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WorkerLoop(Coord *c)
{
  int        cmd[3];
  MPI_Status st;
  PetscInt   n = 0;

  PetscFunctionBeginUser;
  c->msg[0] = c->msg[1] = c->msg[2] = 0;
  for (;;) {
    PetscCallMPI(MPI_Send(c->msg, (PetscMPIInt) (3 + n * c->L.size), MPI_DOUBLE, 0, TAG_RESULT, c->comm));
    PetscCallMPI(MPI_Recv(cmd, 3, MPI_INT, 0, MPI_ANY_TAG, c->comm, &st));
    if (st.MPI_TAG == TAG_STOP) break;
    c->msg[0] = cmd[0], c->msg[1] = cmd[1], c->msg[2] = cmd[2];
    n                   = cmd[2];
    PetscErrorCode ierr = SimulateBlock(c, cmd[0], cmd[1], n, c->msg + 3);
    if (ierr) {
      char *specific = NULL;
      PetscErrorMessage(ierr, NULL, &specific);
      specific = specific ? specific : (char *) "error";
      PetscCallMPI(MPI_Send(specific, (PetscMPIInt) strlen(specific) + 1, MPI_CHAR, 0, TAG_ERROR, c->comm));
      PetscCallMPI(MPI_Recv(cmd, 3, MPI_INT, 0, MPI_ANY_TAG, c->comm, &st)); /* STOP */
      break;
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CoordSetUp(Coord *c, MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  c->comm  = comm;
  c->trial = trial;
  c->store = store;
  c->opt   = *opt;
  PetscCallMPI(MPI_Comm_size(comm, &c->size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TTTrialGetProtocol(trial, &c->p));
  PetscCall(TTTrialGetRecordLayout(trial, &c->L));
  c->N      = c->p->patients;
  c->R      = c->p->replicates;
  c->B      = opt->block > 0 ? PetscMin(opt->block, c->N) : (c->N + (c->N + 127) / 128 - 1) / ((c->N + 127) / 128);
  c->bpr    = (c->N + c->B - 1) / c->B;
  c->nblock = c->R * c->bpr;
  c->window = PetscMin(opt->window > 0 ? opt->window : 2 * c->size + 2, c->R);
  c->active = c->size - 1;
  PetscCall(TTTrialCreateSim(trial, &c->sim));
  PetscCall(PetscMalloc1(3 + c->B * c->L.size, &c->msg));
  if (rank == 0) {
    PetscCall(PetscMalloc3(c->window * c->N * c->L.size, &c->slot, c->window, &c->count, c->size, &c->idle));
    PetscCall(PetscArrayzero(c->count, c->window));
    PetscCall(PetscMalloc1(c->p->nanalysis, &c->oc));
    for (PetscInt k = 0; k < c->p->nanalysis; k++) tt_stats_oc_init(&c->oc[k]);
    PetscCall(TTReplicateResultCreate(trial, &c->res));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CoordTearDown(Coord *c, PetscMPIInt rank)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimDestroy(&c->sim));
  PetscCall(PetscFree(c->msg));
  if (rank == 0) {
    PetscCall(PetscFree3(c->slot, c->count, c->idle));
    PetscCall(PetscFree(c->oc));
    PetscCall(TTReplicateResultDestroy(&c->res));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCoordRun(MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt,
                          tt_stats_oc_summary summary[])
{
  Coord          c;
  PetscMPIInt    rank;
  PetscErrorCode failed;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&c, sizeof(c)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(CoordSetUp(&c, comm, trial, store, opt));
  if (rank == 0) {
    PetscCall(CoordinatorLoop(&c));
    if (!c.failed)
      for (PetscInt k = 0; k < c.p->nanalysis; k++) tt_stats_oc_summarize(&c.oc[k], &summary[k]);
  } else
    PetscCall(WorkerLoop(&c));
  failed = c.failed;
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  PetscCall(CoordTearDown(&c, rank));
  PetscCheck(!failed, comm, failed == PETSC_ERR_USER ? PETSC_ERR_USER : PETSC_ERR_LIB, "%s",
             rank == 0 ? c.failmsg : "run failed on another rank");
  PetscFunctionReturn(0);
}
