/* coord.c — the run loop: dynamic hand-out of twin blocks, in-order analysis.
 *
 * Work is the list of pending replicates (those not already stored). Messages: a
 * worker sends TAG_RESULT = doubles [pending index, first subject, count,
 * records...] (count 0 for a bare request), or TAG_ERROR = the error text; rank 0
 * answers every such message with exactly one TAG_ASSIGN = ints [replicate, first,
 * count, pending index] or TAG_STOP. Each worker keeps TT_PREFETCH messages
 * outstanding (it starts with that many bare requests), so its next assignment is
 * normally already there when it finishes a block, however long rank 0 (which answers
 * only between its own twins) takes to answer; results go out with MPI_Isend from
 * alternating buffers. Once rank 0 answers a worker with TAG_STOP it answers it only
 * with TAG_STOP (failed, stopping and "no blocks left" never revert). Invariants: blocks are handed
 * out in (pending index, subject) order and only for pending indices < next_analyse +
 * window; pending replicate i lives in slot i % window until analysed; analysis and
 * storage happen in replicate order only, so results are identical for any rank count
 * and arrival order.
 */
#include <string.h>
#include <twintrial/coord.h>

enum { TAG_RESULT = 11, TAG_ERROR = 12, TAG_ASSIGN = 13, TAG_STOP = 14 };

/* Messages each worker keeps outstanding at rank 0 (1 = plain request/reply). */
#define TT_PREFETCH 2

typedef struct {
  MPI_Comm          comm;
  PetscMPIInt       size;
  TTTrial           trial;
  TTStore           store;
  TTSim             sim;
  TTRecordLayout    L;
  const TTProtocol *p;
  TTCoordOptions    opt;
  PetscInt          N, R, B, bpr, nblock; /* patients, pending replicates, block size, blocks per replicate, blocks */
  PetscInt         *pending;              /* [R] replicate of each pending index */
  PetscInt          next_block, next_analyse, window;
  double           *slot;          /* [window][N * L.size] */
  PetscInt         *count;         /* [window] records received */
  double           *msg;           /* message buffers: rank 0 one, workers two, of 3 + B * L.size */
  PetscMPIInt      *idle;          /* [TT_PREFETCH * size] messages waiting for an answer, by sender */
  PetscInt          nidle, active; /* unanswered messages at rank 0; answers owed in all (each STOP retires one) */
  TTReplicateResult res;
  double            twins_done;
  PetscBool         stopping;
  PetscErrorCode    failed; /* first error seen; the loop then only drains */
  char              failmsg[1024];
} Coord;

static PetscBool CanHandOut(Coord *c)
{
  return !c->stopping && !c->failed && c->next_block < c->nblock && c->next_block / c->bpr < c->next_analyse + c->window
             ? PETSC_TRUE
             : PETSC_FALSE;
}

/* The next block: pending index *i (replicate pending[*i]), twins [*p0, *p0 + *n). */
static void NextBlock(Coord *c, PetscInt *i, PetscInt *p0, PetscInt *n)
{
  PetscInt b = c->next_block++;
  *i         = b / c->bpr;
  *p0        = (b % c->bpr) * c->B;
  *n         = PetscMin(c->B, c->N - *p0);
}

static double *SlotRecords(Coord *c, PetscInt i, PetscInt p0)
{
  return c->slot + ((i % c->window) * c->N + p0) * c->L.size;
}

static void Fail(Coord *c, PetscErrorCode ierr, const char *msg)
{
  if (c->failed) return;
  c->failed = ierr;
  snprintf(c->failmsg, sizeof(c->failmsg), "%.*s", (int) sizeof(c->failmsg) - 1, msg); /* a longer one is cut */
}

static void FailFromPetsc(Coord *c, PetscErrorCode ierr)
{
  char *specific = NULL;
  PetscErrorMessage(ierr, NULL, &specific);
  Fail(c, ierr, specific ? specific : "error");
}

/* Rank 0: analyse and store every complete replicate, in order. */
static PetscErrorCode AnalyseReady(Coord *c)
{
  PetscFunctionBeginUser;
  while (!c->failed && c->next_analyse < c->R && c->count[c->next_analyse % c->window] == c->N) {
    PetscInt      i = c->next_analyse, r = c->pending[i];
    const double *recs = SlotRecords(c, i, 0);
    PetscCall(TTTrialAnalyse(c->trial, r, recs, &c->res));
    if (c->store) PetscCall(TTStoreWriteReplicate(c->store, &c->res, recs));
    if (c->opt.result) c->opt.result(c->opt.result_ctx, &c->res);
    c->count[i % c->window] = 0;
    c->next_analyse++;
    if (c->opt.progress) c->opt.progress(c->opt.progress_ctx, c->next_analyse, c->R, c->twins_done);
  }
  PetscFunctionReturn(0);
}

/* Rank 0: give idle workers work, or stop them when none is left (or on failure/stop). */
static PetscErrorCode Dispatch(Coord *c)
{
  PetscFunctionBeginUser;
  while (c->nidle > 0) {
    PetscMPIInt w      = c->idle[c->nidle - 1];
    int         cmd[4] = {0, 0, 0, 0};
    PetscInt    i, p0, n;
    if (CanHandOut(c)) {
      NextBlock(c, &i, &p0, &n);
      cmd[0] = (int) c->pending[i], cmd[1] = (int) p0, cmd[2] = (int) n, cmd[3] = (int) i;
      PetscCallMPI(MPI_Send(cmd, 4, MPI_INT, w, TAG_ASSIGN, c->comm));
    } else if (c->failed || c->stopping || c->next_block == c->nblock) {
      PetscCallMPI(MPI_Send(cmd, 0, MPI_INT, w, TAG_STOP, c->comm));
      c->active--;
    } else
      break; /* window full: wait for analysis to free a slot */
    c->nidle--;
  }
  PetscFunctionReturn(0);
}

/* Rank 0: receive one probed message and park its sender as idle. */
static PetscErrorCode Receive(Coord *c, MPI_Status *st)
{
  PetscMPIInt n;

  PetscFunctionBeginUser;
  if (st->MPI_TAG == TAG_ERROR) {
    char text[1100] = {0}, *bar;
    long code;
    PetscCallMPI(MPI_Get_count(st, MPI_CHAR, &n));
    PetscCallMPI(MPI_Recv(text, PetscMin(n, 1099), MPI_CHAR, st->MPI_SOURCE, TAG_ERROR, c->comm, MPI_STATUS_IGNORE));
    code = strtol(text, &bar, 10); /* "CODE|message" */
    Fail(c, code > 0 ? (PetscErrorCode) code : PETSC_ERR_LIB, *bar == '|' ? bar + 1 : text);
  } else {
    PetscCallMPI(MPI_Get_count(st, MPI_DOUBLE, &n));
    PetscCallMPI(MPI_Recv(c->msg, n, MPI_DOUBLE, st->MPI_SOURCE, TAG_RESULT, c->comm, MPI_STATUS_IGNORE));
    PetscInt i = (PetscInt) c->msg[0], p0 = (PetscInt) c->msg[1], cnt = (PetscInt) c->msg[2];
    if (cnt > 0 && !c->failed) {
      PetscCall(PetscArraycpy(SlotRecords(c, i, p0), c->msg + 3, cnt * c->L.size));
      c->count[i % c->window] += cnt;
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
  PetscInt       i, p0, n;
  PetscErrorCode ierr = 0;
  double        *recs;
  MPI_Status     st;
  PetscMPIInt    flag;

  PetscFunctionBeginUser;
  NextBlock(c, &i, &p0, &n);
  recs = SlotRecords(c, i, p0);
  for (PetscInt k = 0; k < n && !ierr; k++) {
    ierr = TTTrialSimulateTwin(c->trial, c->sim, c->pending[i], p0 + k, recs + k * c->L.size);
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
    c->count[i % c->window] += n;
    c->twins_done += (double) n;
  }
  PetscFunctionReturn(0);
}

static void PollStop(Coord *c)
{
  if ((c->opt.stop && *c->opt.stop) || (c->opt.stop_after > 0 && c->next_analyse >= c->opt.stop_after))
    c->stopping = PETSC_TRUE;
}

static PetscErrorCode CoordinatorLoop(Coord *c)
{
  MPI_Status  st;
  PetscMPIInt flag;

  PetscFunctionBeginUser;
  while ((!c->failed && !c->stopping && c->next_analyse < c->R) || c->active > 0) {
    PollStop(c);
    PetscCallMPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm, &flag, &st));
    if (flag)
      PetscCall(Receive(c, &st));
    else if (CanHandOut(c) && (c->size == 1 || c->nidle == 0))
      PetscCall(ComputeOwnBlock(c));
    else if (c->active > 0 && c->nidle < c->active) {
      PetscCallMPI(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->comm, &st));
      PetscCall(Receive(c, &st));
    }
    if (!c->failed) {
      PetscErrorCode ierr = AnalyseReady(c);
      if (ierr) FailFromPetsc(c, ierr);
    }
    PollStop(c);
    PetscCall(Dispatch(c));
    PetscCheck(c->failed || c->stopping || c->next_analyse >= c->R || c->active > c->nidle || CanHandOut(c),
               PETSC_COMM_SELF, PETSC_ERR_PLIB, "coordinator stalled at pending replicate %d", (int) c->next_analyse);
  }
  PetscFunctionReturn(0);
}

/* Worker: simulates block `cmd` into buf[3...], keeping a pending send moving between
 * twins (transports without receiver-side RDMA need the sender to progress it). */
static PetscErrorCode WorkerBlock(Coord *c, const int cmd[4], double *buf, MPI_Request *send, PetscErrorCode *ierr)
{
  PetscMPIInt done;

  PetscFunctionBeginUser;
  buf[0] = cmd[3], buf[1] = cmd[1], buf[2] = cmd[2];
  *ierr = 0;
  for (PetscInt k = 0; k < cmd[2] && !*ierr; k++) {
    *ierr = TTTrialSimulateTwin(c->trial, c->sim, cmd[0], cmd[1] + k, buf + 3 + k * c->L.size);
    if (*send != MPI_REQUEST_NULL) PetscCallMPI(MPI_Test(send, &done, MPI_STATUS_IGNORE));
  }
  PetscFunctionReturn(0);
}

/* Worker: answers owed by rank 0 are counted in `owed`; the loop ends when none is
 * owed. An assignment that arrives after this worker failed is handed back as a bare
 * request (rank 0, failed by then, answers it with TAG_STOP). */
static PetscErrorCode WorkerLoop(Coord *c)
{
  const PetscInt msgsize = 3 + c->B * c->L.size;
  double        *buf[2] = {c->msg, c->msg + msgsize}, bare[3] = {0, 0, 0};
  int            cmd[2][4];
  MPI_Request    send[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL}, recv = MPI_REQUEST_NULL;
  MPI_Status     st;
  PetscInt       owed = 0, cur = 0, j = 0;
  PetscBool      have, failed = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (int k = 0; k < TT_PREFETCH; k++, owed++) PetscCallMPI(MPI_Send(bare, 3, MPI_DOUBLE, 0, TAG_RESULT, c->comm));
  PetscCallMPI(MPI_Recv(cmd[cur], 4, MPI_INT, 0, MPI_ANY_TAG, c->comm, &st));
  owed--;
  have = st.MPI_TAG == TAG_ASSIGN ? PETSC_TRUE : PETSC_FALSE;
  while (have) {
    PetscErrorCode ierr;
    if (owed > 0) PetscCallMPI(MPI_Irecv(cmd[1 - cur], 4, MPI_INT, 0, MPI_ANY_TAG, c->comm, &recv));
    PetscCallMPI(MPI_Wait(&send[j], MPI_STATUS_IGNORE));
    PetscCall(WorkerBlock(c, cmd[cur], buf[j], &send[1 - j], &ierr));
    if (ierr) {
      char *specific = NULL, text[1100];
      PetscErrorMessage(ierr, NULL, &specific);
      snprintf(text, sizeof(text), "%d|%s", (int) ierr, specific ? specific : "error");
      PetscCallMPI(MPI_Send(text, (PetscMPIInt) strlen(text) + 1, MPI_CHAR, 0, TAG_ERROR, c->comm));
      owed++;
      failed = PETSC_TRUE;
      break;
    }
    PetscCallMPI(
        MPI_Isend(buf[j], (PetscMPIInt) (3 + cmd[cur][2] * c->L.size), MPI_DOUBLE, 0, TAG_RESULT, c->comm, &send[j]));
    owed++;
    j = 1 - j;
    if (recv != MPI_REQUEST_NULL)
      PetscCallMPI(MPI_Wait(&recv, &st));
    else /* TT_PREFETCH 1 */
      PetscCallMPI(MPI_Recv(cmd[1 - cur], 4, MPI_INT, 0, MPI_ANY_TAG, c->comm, &st));
    owed--;
    cur  = 1 - cur;
    have = st.MPI_TAG == TAG_ASSIGN ? PETSC_TRUE : PETSC_FALSE;
  }
  /* drain: after a TAG_STOP every answer is TAG_STOP; after a failure, assignments may still come */
  while (owed > 0) {
    if (recv != MPI_REQUEST_NULL)
      PetscCallMPI(MPI_Wait(&recv, &st));
    else
      PetscCallMPI(MPI_Recv(cmd[0], 4, MPI_INT, 0, MPI_ANY_TAG, c->comm, &st));
    owed--;
    if (st.MPI_TAG == TAG_ASSIGN) {
      PetscCheck(failed, PETSC_COMM_SELF, PETSC_ERR_PLIB, "worker: assignment after a stop");
      PetscCallMPI(MPI_Send(bare, 3, MPI_DOUBLE, 0, TAG_RESULT, c->comm));
      owed++;
    }
  }
  PetscCallMPI(MPI_Waitall(2, send, MPI_STATUSES_IGNORE));
  PetscFunctionReturn(0);
}

static PetscErrorCode CoordSetUp(Coord *c, MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt)
{
  PetscMPIInt rank;
  PetscInt    nb;

  PetscFunctionBeginUser;
  c->comm  = comm;
  c->trial = trial;
  c->store = store;
  c->opt   = *opt;
  PetscCallMPI(MPI_Comm_size(comm, &c->size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(TTTrialGetProtocol(trial, &c->p));
  PetscCall(TTTrialGetRecordLayout(trial, &c->L));
  PetscCall(PetscMalloc1(c->p->replicates, &c->pending));
  for (PetscInt r = 0; r < c->p->replicates; r++)
    if (!opt->done || !opt->done[r]) c->pending[c->R++] = r;
  c->N      = c->p->patients;
  nb        = (c->N + 127) / 128;
  c->B      = opt->block > 0 ? PetscMin(opt->block, c->N) : (c->N + nb - 1) / nb;
  c->bpr    = (c->N + c->B - 1) / c->B;
  c->nblock = c->R * c->bpr;
  c->window = PetscMax(1, PetscMin(opt->window > 0 ? opt->window : 2 * c->size + 2, c->R));
  c->active = TT_PREFETCH * (c->size - 1);
  PetscCall(TTTrialCreateSim(trial, &c->sim));
  PetscCall(PetscMalloc1((rank == 0 ? 1 : 2) * (3 + c->B * c->L.size), &c->msg));
  if (rank == 0) {
    PetscCall(
        PetscMalloc3(c->window * c->N * c->L.size, &c->slot, c->window, &c->count, TT_PREFETCH * c->size, &c->idle));
    PetscCall(PetscArrayzero(c->count, c->window));
    PetscCall(TTReplicateResultCreate(trial, &c->res));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CoordTearDown(Coord *c, PetscMPIInt rank)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimDestroy(&c->sim));
  PetscCall(PetscFree(c->msg));
  PetscCall(PetscFree(c->pending));
  if (rank == 0) {
    PetscCall(PetscFree3(c->slot, c->count, c->idle));
    PetscCall(TTReplicateResultDestroy(&c->res));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCoordRun(MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt, PetscInt *analysed,
                          PetscBool *stopped)
{
  Coord       c;
  PetscMPIInt rank;
  int         state[3];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&c, sizeof(c)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(CoordSetUp(&c, comm, trial, store, opt));
  if (rank == 0)
    PetscCall(CoordinatorLoop(&c));
  else
    PetscCall(WorkerLoop(&c));
  state[0] = (int) c.failed, state[1] = (int) c.next_analyse, state[2] = c.next_analyse < c.R;
  PetscCallMPI(MPI_Bcast(state, 3, MPI_INT, 0, comm));
  *analysed = state[1];
  *stopped  = state[2] ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(CoordTearDown(&c, rank));
  PetscCheck(!state[0], comm, state[0] == PETSC_ERR_USER ? PETSC_ERR_USER : PETSC_ERR_LIB, "%s",
             rank == 0 ? c.failmsg : "run failed on another rank");
  PetscFunctionReturn(0);
}
