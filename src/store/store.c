/* store.c — writing the results file: creation (collective), per-replicate rows
 * and subjects (rank 0, independent I/O, buffered), summary and close (collective).
 *
 * Invariants: PATH is written only by the run holding its lock (store_lock.c; checked
 * here); the file lives at PATH.tmp until TTStoreClose(complete) renames it;
 * all metadata is flushed before the first replicate, so a killed run leaves a
 * reopenable PATH.tmp;
 * /replicates/done[r] is set only after replicate r's rows (the arms' and guided arms'
 * too) and subjects are written (all staged: rows TT_ROW_BUFFER replicates, subjects
 * TT_SUBJECT_BUFFER bytes, so rank 0 writes few large pieces instead of many small ones); the root
 * attribute `complete` is 1 only in a renamed, finished file.
 * Space: every dataset is allocated and filled at creation, so replicates need no new
 * space; what the close writes (summary, provenance, metadata) is reserved at the
 * start, past the end of the file. A disk that fills up mid-run therefore cannot stop
 * the run, and a collective close never meets a write error on one rank (HDF5's
 * close does not recover from that: the ranks part ways and wait for ever).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "storeimpl.h"

const char *const tt_store_columns[TT_NCOLUMN] = {"replicate",   "estimate", "std_error", "ci_lower",   "ci_upper",
                                                  "statistic",   "df",       "p_value",   "reject",     "n_analysed",
                                                  "true_effect", "ok",       "stage",     "information"};
const int         tt_store_column_is_int[TT_NCOLUMN] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0};

static PetscErrorCode WriteRootAttributes(TTStore st)
{
  unsigned long long seed = st->p->seed;
  hid_t              space, attr;

  PetscFunctionBeginUser;
  PetscCall(TTH5WriteStringAttr(st->file, "format", TT_FORMAT_NAME));
  PetscCall(TTH5WriteInt64Attr(st->file, "format_version", TT_FORMAT_VERSION));
  PetscCall(TTH5WriteStringAttr(st->file, "software_version", TT_VERSION));
  TTCallHDF5(space = H5Screate(H5S_SCALAR));
  TTCallHDF5(attr = H5Acreate2(st->file, "seed", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT));
  TTCallHDF5(H5Awrite(attr, H5T_NATIVE_ULLONG, &seed));
  TTCallHDF5(H5Aclose(attr));
  TTCallHDF5(H5Sclose(space));
  PetscCall(TTH5WriteInt64Attr(st->file, "replicates", st->p->replicates));
  PetscCall(TTH5WriteInt64Attr(st->file, "patients", st->p->patients));
  PetscCall(TTH5WriteInt64Attr(st->file, "complete", 0));
  PetscFunctionReturn(0);
}

/* Opens PATH.tmp for resuming, refusing a file made by another protocol or seed and
 * naming the first field that differs; the check reads the file without writing to it,
 * so a refused resume leaves it as it was, byte for byte. */
static PetscErrorCode Reopen(TTStore st, hid_t fapl)
{
  char *sha, *theirs = NULL, *ours = NULL, what[768] = "";
  hid_t f, g;
  int   ok;

  PetscFunctionBeginUser;
  f = H5Fopen(st->tmp, H5F_ACC_RDONLY, fapl);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "--resume: %s is not a readable results file", st->tmp);
  PetscCall(TTH5Group(f, "provenance", PETSC_FALSE, &g));
  PetscCall(TTH5ReadText(g, "resolved_sha256", &sha));
  ok = !strcmp(sha, st->resolved_sha);
  PetscCall(PetscFree(sha));
  if (!ok) {
    PetscCall(TTH5ReadText(g, "resolved_protocol", &theirs));
    PetscCall(TTStoreResolved(st->trial, &ours, NULL));
    TTStoreResolvedDifference(theirs, ours, what, sizeof(what));
    free(ours);
    PetscCall(PetscFree(theirs));
  }
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(H5Fclose(f));
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_USER,
             "--resume: %s was written for a different trial: %s; resume with the same protocol and options, or "
             "start over with --force instead of --resume",
             st->tmp, what);
  st->file = H5Fopen(st->tmp, H5F_ACC_RDWR, fapl);
  PetscCheck(st->file >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "--resume: %s is not a writable results file", st->tmp);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadDone(TTStore st)
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(st->p->replicates, &st->done_flags));
  if (st->rank == 0) TTCallHDF5(H5Dread(st->done, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, st->done_flags));
  PetscCallMPI(MPI_Bcast(st->done_flags, (PetscMPIInt) st->p->replicates, MPI_INT, 0, st->comm));
  st->ndone = 0;
  for (PetscInt r = 0; r < st->p->replicates; r++) {
    st->done_flags[r] = st->done_flags[r] == 1;
    st->ndone += st->done_flags[r];
  }
  PetscFunctionReturn(0);
}

/* Collective. Reserves TT_CLOSE_RESERVE bytes (+ per analysis) past the end of
 * the file; a full disk or quota is reported here, before any replicate runs. */
static PetscErrorCode ReserveCloseSpace(TTStore st)
{
  int         err  = 0, fd;
  off_t       want = 0;
  struct stat sb;

  PetscFunctionBeginUser;
  if (st->rank == 0) {
    fd = open(st->tmp, O_WRONLY);
    if (fd < 0 || fstat(fd, &sb))
      err = errno;
    else {
      want = sb.st_size + TT_CLOSE_RESERVE + (off_t) st->p->nanalysis * TT_CLOSE_RESERVE_ANALYSIS;
      err  = posix_fallocate(fd, 0, want);
      if (err == EINVAL || err == EOPNOTSUPP) err = 0; /* a file system that cannot reserve: go on without */
    }
    if (fd >= 0) close(fd);
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, st->comm));
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot reserve %lld bytes for the results (%s); is the disk full? Free space and rerun%s", st->tmp,
             (long long) want, strerror(err), st->ndone ? " with --resume" : "");
  PetscFunctionReturn(0);
}

/* After the close: give back what the reservation left unused (rank 0, the file closed). */
static PetscErrorCode TrimReserve(const char *path)
{
  hid_t   f;
  haddr_t eoa;

  PetscFunctionBeginUser;
  TTCallHDF5(f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT));
  TTCallHDF5(H5Fget_eoa(f, &eoa));
  TTCallHDF5(H5Fclose(f));
  PetscCheck(!truncate(path, (off_t) eoa), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot trim the file: %s", path,
             strerror(errno));
  PetscFunctionReturn(0);
}

static PetscErrorCode Open(TTStore st, MPI_Comm comm, const char *path, TTTrial trial, const TTProvenance *prov,
                           PetscBool resume)
{
  hid_t     fapl;
  PetscBool create;
  char     *resolved;
  int       held;

  PetscFunctionBeginUser;
  st->comm  = comm;
  st->trial = trial;
  PetscCallMPI(MPI_Comm_rank(comm, &st->rank));
  PetscCallMPI(MPI_Comm_size(comm, &st->size));
  PetscCall(TTTrialGetProtocol(trial, &st->p));
  PetscCall(TTTrialGetRecordLayout(trial, &st->L));
  PetscCall(TTStoreResolved(trial, &resolved, st->resolved_sha));
  free(resolved);
  held = st->rank == 0 ? (int) TTStoreHoldsLock(path) : 0;
  PetscCallMPI(MPI_Bcast(&held, 1, MPI_INT, 0, comm));
  PetscCheck(held, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s opened for writing without its lock (TTStoreLockOutput)", path);
  PetscCall(PetscStrallocpy(path, &st->path));
  PetscCall(PetscMalloc1(strlen(path) + 5, &st->tmp));
  sprintf(st->tmp, "%s.tmp", path);
  create = resume && access(st->tmp, F_OK) == 0 ? PETSC_FALSE : PETSC_TRUE;
  TTCallHDF5(fapl = H5Pcreate(H5P_FILE_ACCESS));
  TTCallHDF5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  if (create) {
    st->file = H5Fcreate(st->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    PetscCheck(st->file >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "cannot create %s: is the directory writable?", st->tmp);
  } else
    PetscCall(Reopen(st, fapl));
  TTCallHDF5(H5Pclose(fapl));
  if (create) {
    PetscCall(WriteRootAttributes(st));
    PetscCall(TTStoreWriteProvenance(st, prov));
    PetscCall(TTStoreWriteDesign(st));
  }
  PetscCall(TTStoreSetUpAnalyses(st, create));
  PetscCall(TTStoreSetUpArms(st, create));
  PetscCall(TTStoreSetUpValidation(st, create));
  PetscCall(TTStoreSetUpLooks(st, create));
  PetscCall(TTStoreSetUpGuided(st, create));
  st->nsubject_rows = st->p->output_subjects == TT_OUTPUT_ALL ? (PetscInt) st->p->replicates * st->p->patients
                      : st->p->output_subjects == TT_OUTPUT_FIRST_REPLICATE ? st->p->patients
                                                                            : 0;
  PetscCall(TTStoreCreateSubjects(st->file, trial, (hsize_t) st->nsubject_rows, create, st->sid, &st->prog, &st->cov,
                                  &st->out, &st->cf, &st->ep));
  /* Everything but raw data is on disk now: a killed run leaves a file that reopens. */
  TTCallHDF5(H5Fflush(st->file, H5F_SCOPE_GLOBAL));
  PetscCall(ReadDone(st));
  PetscCall(ReserveCloseSpace(st));
  if (st->rank == 0 && st->nsubject_rows > 0)
    PetscCall(TTStoreSubjectStages(trial, st->sid, st->prog, st->cov, st->out, st->cf, st->ep, TT_SUBJECT_BUFFER,
                                   &st->stage, &st->nstage));
  PetscCall(PetscMalloc4(
      st->p->nanalysis * TT_NCOLUMN * TT_ROW_BUFFER, &st->rowbuf, TT_ROW_BUFFER, &st->screenbuf, TT_ROW_BUFFER,
      &st->droppedbuf, (size_t) st->p->patients * PetscMax(st->L.narm * st->L.nvisit, st->L.nendpoint), &st->scratch));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeStore(TTStore *store)
{
  TTStore st = *store;
  PetscFunctionBeginUser;
  PetscCall(PetscFree(st->col));
  PetscCall(PetscFree(st->km));
  PetscCall(TTStoreReasonFree(st));
  PetscCall(PetscFree2(st->mmrmcov, st->mifmi)); /* only when the open failed: the close frees them */
  PetscCall(PetscFree(st->done_flags));
  PetscCall(TTStoreCloseArms(st));  /* after an error in TTStoreOpen: handles and buffers */
  PetscCall(PetscFree(st->looks));  /* only when the open failed: the close frees it */
  PetscCall(TTStoreFreeGuided(st)); /* likewise */
  for (PetscInt i = 0; i < st->nstage; i++) PetscCall(TTH5StageDestroy(&st->stage[i]));
  PetscCall(PetscFree(st->stage));
  PetscCall(PetscFree4(st->rowbuf, st->screenbuf, st->droppedbuf, st->scratch));
  PetscCall(PetscFree(st->path));
  PetscCall(PetscFree(st->tmp));
  PetscCall(PetscFree(st));
  *store = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreOpen(MPI_Comm comm, const char *path, TTTrial trial, const TTProvenance *prov, PetscBool resume,
                           TTStore *store)
{
  TTStore        st;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  *store = NULL;
  PetscCall(PetscCalloc1(1, &st));
  ierr = Open(st, comm, path, trial, prov, resume);
  if (ierr) PetscCall(FreeStore(&st)); /* the run ends with this error: HDF5 handles are left to the exit */
  PetscCall(ierr);
  *store = st;
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreGetDone(TTStore st, const int **done, PetscInt *ndone)
{
  PetscFunctionBeginUser;
  *done  = st->done_flags;
  *ndone = st->ndone;
  PetscFunctionReturn(0);
}

static PetscErrorCode FlushRows(TTStore st)
{
  int      ibuf[TT_ROW_BUFFER];
  PetscInt na = st->p->nanalysis;

  PetscFunctionBeginUser;
  /* the subjects and arm rows of the replicates about to be marked done go first */
  for (PetscInt i = 0; i < st->nstage; i++) PetscCall(TTH5StageFlush(&st->stage[i]));
  PetscCall(TTStoreFlushArms(st));
  PetscCall(TTStoreFlushGuided(st));
  if (!st->nbuf) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < na; k++)
    for (int c = 0; c < TT_NCOLUMN; c++) {
      const double *v = st->rowbuf + (k * TT_NCOLUMN + c) * TT_ROW_BUFFER;
      hid_t         d = st->col[k * TT_NCOLUMN + c];
      if (tt_store_column_is_int[c]) {
        for (PetscInt i = 0; i < st->nbuf; i++) ibuf[i] = (int) v[i];
        PetscCall(TTH5WriteRows(d, H5T_NATIVE_INT, (hsize_t) st->row0, (hsize_t) st->nbuf, ibuf));
      } else
        PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, (hsize_t) st->row0, (hsize_t) st->nbuf, v));
    }
  PetscCall(TTH5WriteRows(st->screen, H5T_NATIVE_DOUBLE, (hsize_t) st->row0, (hsize_t) st->nbuf, st->screenbuf));
  PetscCall(TTH5WriteRows(st->dropped, H5T_NATIVE_DOUBLE, (hsize_t) st->row0, (hsize_t) st->nbuf, st->droppedbuf));
  PetscCall(TTStoreReasonFlush(st));
  for (PetscInt i = 0; i < st->nbuf; i++) ibuf[i] = 1;
  PetscCall(TTH5WriteRows(st->done, H5T_NATIVE_INT, (hsize_t) st->row0, (hsize_t) st->nbuf, ibuf));
  st->nbuf = 0;
  PetscFunctionReturn(0);
}

static void BufferRow(TTStore st, const TTReplicateResult *res)
{
  PetscInt i = st->nbuf;
  for (PetscInt k = 0; k < st->p->nanalysis; k++) {
    const tt_stats_result *r             = &res->result[k];
    int                    ok            = res->ok[k];
    double                 v[TT_NCOLUMN] = {(double) res->replicate,
                                            r->estimate,
                                            r->std_error,
                                            r->ci_lower,
                                            r->ci_upper,
                                            r->statistic,
                                            r->df,
                                            r->p_value,
                                            (double) r->reject,
                                            (double) r->n_analysed,
                                            res->true_effect[k],
                                            (double) ok,
                                            (double) res->stage,
                                            res->information[k]};
    for (int c = 0; c < TT_NCOLUMN; c++) {
      double x = v[c];
      if (!ok && c >= 1 && c <= 9) x = (c == 8 || c == 9) ? 0.0 : NAN;
      st->rowbuf[(k * TT_NCOLUMN + c) * TT_ROW_BUFFER + i] = x;
    }
  }
  TTStoreReasonBuffer(st, i, res);
  st->screenbuf[i]  = (double) res->screen_failures;
  st->droppedbuf[i] = (double) res->dropped_twins;
  st->nbuf++;
}

PetscErrorCode TTStoreWriteReplicate(TTStore st, const TTReplicateResult *res, const double recs[])
{
  PetscFunctionBeginUser;
  if (st->nbuf && res->replicate != st->row0 + st->nbuf) PetscCall(FlushRows(st));
  if (!st->nbuf) st->row0 = res->replicate;
  /* subjects are staged before the row that marks the replicate done */
  if ((res->replicate + 1) * st->p->patients <= st->nsubject_rows || st->p->output_subjects == TT_OUTPUT_ALL)
    PetscCall(TTStoreWriteSubjects(
        st->trial, st->p->output_subjects == TT_OUTPUT_ALL ? (hsize_t) res->replicate * st->p->patients : 0, res, recs,
        st->scratch, st->stage));
  PetscCall(TTStoreWriteLooks(st, res));
  PetscCall(TTStoreMmrmWrite(st, res));
  BufferRow(st, res);
  PetscCall(TTStoreStageArms(st, res));
  PetscCall(TTStoreStageGuided(st, res));
  for (PetscInt k = 0; k < st->p->nanalysis; k++)
    if (st->km[k] >= 0)
      PetscCall(TTH5WriteRows(st->km[k], H5T_NATIVE_DOUBLE, (hsize_t) res->replicate, 1, res->km + 6 * k));
  if (st->figures >= 0)
    PetscCall(TTH5WriteRows(st->figures, H5T_NATIVE_DOUBLE, (hsize_t) res->replicate, 1, res->figure));
  if (st->nbuf == TT_ROW_BUFFER) PetscCall(FlushRows(st));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreClose(TTStore *store, PetscBool complete, TTSummary s[])
{
  TTStore st = *store;
  char    finished[32];
  hid_t   g;

  PetscFunctionBeginUser;
  if (!st) PetscFunctionReturn(0);
  if (st->rank == 0) PetscCall(FlushRows(st));
  if (complete) {
    if (st->rank == 0) PetscCall(TTStoreSummarize(st, s));
    PetscCallMPI(MPI_Bcast(s, (PetscMPIInt) (st->p->nanalysis * sizeof(*s)), MPI_BYTE, 0, st->comm));
    PetscCall(TTStoreWriteSummary(st, s));
    PetscCall(TTStoreStartedNow(st->comm, finished));
    TTCallHDF5(g = H5Gopen2(st->file, "provenance", H5P_DEFAULT));
    PetscCall(TTH5CreateText(g, "finished", finished, st->rank == 0 ? PETSC_TRUE : PETSC_FALSE));
    TTCallHDF5(H5Gclose(g));
    TTCallHDF5(H5Adelete(st->file, "complete"));
    PetscCall(TTH5WriteInt64Attr(st->file, "complete", 1));
  }
  PetscCall(TTStoreCloseLooks(st, complete));
  PetscCall(TTStoreCloseGuided(st, complete));
  for (PetscInt i = 0; i < st->p->nanalysis * TT_NCOLUMN; i++) TTCallHDF5(H5Dclose(st->col[i]));
  for (PetscInt k = 0; k < st->p->nanalysis; k++)
    if (st->km[k] >= 0) TTCallHDF5(H5Dclose(st->km[k]));
  PetscCall(TTStoreCloseArms(st));
  PetscCall(TTStoreReasonClose(st));
  PetscCall(TTStoreMmrmClose(st));
  TTCallHDF5(H5Dclose(st->done));
  TTCallHDF5(H5Dclose(st->screen));
  TTCallHDF5(H5Dclose(st->dropped));
  if (st->figures >= 0) TTCallHDF5(H5Dclose(st->figures));
  PetscCall(TTStoreCloseSubjects(st->trial, st->sid, st->prog, &st->cov, &st->out, &st->cf, &st->ep));
  TTCallHDF5(H5Fclose(st->file));
  PetscCallMPI(MPI_Barrier(st->comm));
  if (complete && st->rank == 0) PetscCall(TrimReserve(st->tmp));
  if (complete && st->rank == 0)
    PetscCheck(!rename(st->tmp, st->path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s", st->tmp,
               st->path);
  PetscCall(FreeStore(store));
  PetscFunctionReturn(0);
}
