/* store.c — writing the results file: creation (collective), per-replicate rows
 * and subjects (rank 0, independent I/O, buffered), summary and close (collective).
 *
 * Invariants: the file lives at PATH.tmp until TTStoreClose(complete) renames it;
 * /replicates/done[r] is set only after replicate r's rows are on disk; the root
 * attribute `complete` is 1 only in a renamed, finished file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "storeimpl.h"

#define TT_ROW_BUFFER 64

const char *const tt_store_columns[TT_NCOLUMN] = {"replicate", "estimate",   "std_error",   "ci_lower",
                                                  "ci_upper",  "statistic",  "df",          "p_value",
                                                  "reject",    "n_analysed", "true_effect", "ok"};
static const int  column_is_int[TT_NCOLUMN]    = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1};

struct _p_TTStore {
  MPI_Comm          comm;
  PetscMPIInt       rank, size;
  char             *path, *tmp;
  hid_t             file;
  TTTrial           trial;
  const TTProtocol *p;
  TTRecordLayout    L;
  hid_t            *col;                        /* [nanalysis * TT_NCOLUMN] */
  hid_t             done, screen;               /* /replicates */
  PetscInt          nbuf, row0;                 /* buffered replicates row0 .. row0 + nbuf - 1 */
  double           *rowbuf;                     /* [nanalysis * TT_NCOLUMN * TT_ROW_BUFFER] */
  double           *screenbuf;                  /* [TT_ROW_BUFFER] */
  PetscInt          nsubject_rows;              /* 0, patients, or replicates * patients */
  hid_t             sid[5];                     /* replicate, subject, arm, stratum, dropout_time */
  hid_t             prog, *cov, *out, *cf, *ep; /* [ncov], [nvar], [nvar], [nendpoint] */
  double           *scratch;                    /* subject-row buffer */
};

static PetscErrorCode NowISO(MPI_Comm comm, char buf[32])
{
  time_t    t = time(NULL);
  struct tm tm;

  PetscFunctionBeginUser;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  PetscCallMPI(MPI_Bcast(buf, 32, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

/* Distinct host names of all ranks, comma-separated, identical on every rank. */
static PetscErrorCode HostList(MPI_Comm comm, PetscMPIInt size, char **hosts)
{
  char        name[MPI_MAX_PROCESSOR_NAME] = {0}, *all;
  PetscMPIInt len;
  size_t      n = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Get_processor_name(name, &len));
  PetscCall(PetscMalloc1((size_t) size * MPI_MAX_PROCESSOR_NAME, &all));
  PetscCallMPI(MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, comm));
  PetscCall(PetscCalloc1((size_t) size * (MPI_MAX_PROCESSOR_NAME + 1) + 1, hosts));
  for (PetscMPIInt i = 0; i < size; i++) {
    const char *h    = all + (size_t) i * MPI_MAX_PROCESSOR_NAME;
    PetscBool   seen = PETSC_FALSE;
    for (PetscMPIInt j = 0; j < i; j++)
      if (!strcmp(h, all + (size_t) j * MPI_MAX_PROCESSOR_NAME)) seen = PETSC_TRUE;
    if (seen) continue;
    n += (size_t) sprintf(*hosts + n, "%s%s", n ? "," : "", h);
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteProvenance(TTStore st, const TTProvenance *prov)
{
  hid_t       g;
  char        sha[65], *resolved = NULL, *hosts;
  size_t      len = 0;
  const char *cpath, *ctext;
  FILE       *mem;
  TTCohort    cohort;
  PetscBool   w = st->rank == 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "provenance", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5CreateText(g, "protocol_yaml", st->p->text, w));
  tt_sha256_hex(st->p->text, strlen(st->p->text), sha);
  PetscCall(TTH5CreateText(g, "protocol_sha256", sha, w));
  PetscCall(TTTrialGetCohort(st->trial, &cohort));
  PetscCall(TTCohortGetSource(cohort, &cpath, &ctext));
  PetscCall(TTH5CreateText(g, "cohort_yaml", ctext, w));
  tt_sha256_hex(ctext, strlen(ctext), sha);
  PetscCall(TTH5CreateText(g, "cohort_sha256", sha, w));
  mem = open_memstream(&resolved, &len);
  PetscCheck(mem, PETSC_COMM_SELF, PETSC_ERR_MEM, "open_memstream failed");
  PetscCall(TTTrialView(st->trial, mem));
  fclose(mem);
  PetscCall(TTH5CreateText(g, "resolved_protocol", resolved, w));
  free(resolved);
  PetscCall(TTH5CreateText(g, "command_line", prov->command_line, w));
  PetscCall(TTH5CreateText(g, "started", prov->started, w));
  PetscCall(HostList(st->comm, st->size, &hosts));
  PetscCall(TTH5CreateText(g, "host", hosts, w));
  PetscCall(PetscFree(hosts));
  PetscCall(TTH5WriteInt64Attr(g, "ranks", st->size));
  PetscCall(TTH5WriteStringAttr(g, "software_version", TT_VERSION));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteDesign(TTStore st)
{
  const TTProtocol *p = st->p;
  const char       *names[TT_MAX_ANALYSES + TT_MAX_ARMS + TT_MAX_ENDPOINTS];
  double            ratio[TT_MAX_ARMS], days[TT_MAX_VISITS];
  hid_t             g, d;
  hsize_t           n;
  PetscBool         w = st->rank == 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "design", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int a = 0; a < p->narm; a++) names[a] = p->arm[a].name, ratio[a] = p->arm[a].ratio;
  PetscCall(TTH5CreateStrings(g, "arms", p->narm, names, w));
  n = (hsize_t) p->narm;
  PetscCall(TTH5CreateDataset(g, "allocation", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, ratio));
  TTCallHDF5(H5Dclose(d));
  n = (hsize_t) p->nvisit;
  PetscCall(TTH5CreateDataset(g, "visits", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, p->visit));
  PetscCall(TTH5WriteStringAttr(d, "unit", p->time_unit));
  TTCallHDF5(H5Dclose(d));
  for (int v = 0; v < p->nvisit; v++) days[v] = p->visit[v] * p->unit_in_days;
  PetscCall(TTH5CreateDataset(g, "visit_days", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, days));
  TTCallHDF5(H5Dclose(d));
  for (int e = 0; e < p->nendpoint; e++) names[e] = p->endpoint[e].name;
  PetscCall(TTH5CreateStrings(g, "endpoints", p->nendpoint, names, w));
  for (int k = 0; k < p->nanalysis; k++) names[k] = p->analysis[k].name;
  PetscCall(TTH5CreateStrings(g, "analyses", p->nanalysis, names, w));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateAnalyses(TTStore st)
{
  const TTProtocol *p = st->p;
  hsize_t           n = (hsize_t) p->replicates;
  hid_t             g, ga;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(p->nanalysis * TT_NCOLUMN, &st->col));
  TTCallHDF5(g = H5Gcreate2(st->file, "analyses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int k = 0; k < p->nanalysis; k++) {
    const TTAnalysisSpec *an = &p->analysis[k];
    TTCallHDF5(ga = H5Gcreate2(g, an->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (int c = 0; c < TT_NCOLUMN; c++)
      PetscCall(TTH5CreateDataset(ga, tt_store_columns[c], column_is_int[c] ? H5T_STD_I32LE : H5T_NATIVE_DOUBLE, 1, &n,
                                  &st->col[k * TT_NCOLUMN + c]));
    PetscCall(TTH5WriteStringAttr(ga, "endpoint", p->endpoint[an->endpoint_index].name));
    PetscCall(TTH5WriteStringAttr(ga, "method", an->method == TT_ANALYSIS_WELCH ? "welch" : "ancova"));
    PetscCall(TTH5WriteStringAttr(ga, "treatment", p->arm[an->treatment_arm].name));
    PetscCall(TTH5WriteStringAttr(ga, "control", p->arm[an->control_arm].name));
    PetscCall(TTH5WriteDoubleAttr(ga, "alpha", an->alpha));
    PetscCall(TTH5WriteInt64Attr(ga, "sided", an->sided));
    PetscCall(TTH5WriteStringAttr(ga, "estimand",
                                  "hypothetical (as if no dropout); completers analysis, valid "
                                  "under missingness at random given the covariates"));
    TTCallHDF5(H5Gclose(ga));
  }
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(g = H5Gcreate2(st->file, "replicates", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5CreateDataset(g, "done", H5T_STD_I32LE, 1, &n, &st->done));
  PetscCall(TTH5CreateDataset(g, "screen_failures", H5T_NATIVE_DOUBLE, 1, &n, &st->screen));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCreate(MPI_Comm comm, const char *path, TTTrial trial, const TTProvenance *prov, TTStore *store)
{
  TTStore st;
  hid_t   fapl;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(1, &st));
  st->comm  = comm;
  st->trial = trial;
  PetscCallMPI(MPI_Comm_rank(comm, &st->rank));
  PetscCallMPI(MPI_Comm_size(comm, &st->size));
  PetscCall(TTTrialGetProtocol(trial, &st->p));
  PetscCall(TTTrialGetRecordLayout(trial, &st->L));
  PetscCall(PetscStrallocpy(path, &st->path));
  PetscCall(PetscMalloc1(strlen(path) + 5, &st->tmp));
  sprintf(st->tmp, "%s.tmp", path);
  TTCallHDF5(fapl = H5Pcreate(H5P_FILE_ACCESS));
  TTCallHDF5(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  st->file = H5Fcreate(st->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  TTCallHDF5(H5Pclose(fapl));
  PetscCheck(st->file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "cannot create results file %s (is the directory "
             "writable?)",
             st->tmp);
  PetscCall(TTH5WriteStringAttr(st->file, "format", TT_FORMAT_NAME));
  PetscCall(TTH5WriteInt64Attr(st->file, "format_version", TT_FORMAT_VERSION));
  PetscCall(TTH5WriteStringAttr(st->file, "software_version", TT_VERSION));
  {
    unsigned long long seed = st->p->seed;
    hid_t              space, attr;
    TTCallHDF5(space = H5Screate(H5S_SCALAR));
    TTCallHDF5(attr = H5Acreate2(st->file, "seed", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT));
    TTCallHDF5(H5Awrite(attr, H5T_NATIVE_ULLONG, &seed));
    TTCallHDF5(H5Aclose(attr));
    TTCallHDF5(H5Sclose(space));
  }
  PetscCall(TTH5WriteInt64Attr(st->file, "replicates", st->p->replicates));
  PetscCall(TTH5WriteInt64Attr(st->file, "patients", st->p->patients));
  PetscCall(TTH5WriteInt64Attr(st->file, "complete", 0));
  PetscCall(WriteProvenance(st, prov));
  PetscCall(WriteDesign(st));
  PetscCall(CreateAnalyses(st));
  st->nsubject_rows = st->p->output_subjects == TT_OUTPUT_ALL ? (PetscInt) st->p->replicates * st->p->patients
                      : st->p->output_subjects == TT_OUTPUT_FIRST_REPLICATE ? st->p->patients
                                                                            : 0;
  PetscCall(TTStoreCreateSubjects(st->file, trial, (hsize_t) st->nsubject_rows, st->sid, &st->prog, &st->cov, &st->out,
                                  &st->cf, &st->ep));
  PetscCall(PetscMalloc3(st->p->nanalysis * TT_NCOLUMN * TT_ROW_BUFFER, &st->rowbuf, TT_ROW_BUFFER, &st->screenbuf,
                         (size_t) st->p->patients * PetscMax(st->L.narm * st->L.nvisit, st->L.nendpoint),
                         &st->scratch));
  *store = st;
  PetscFunctionReturn(0);
}

static PetscErrorCode FlushRows(TTStore st)
{
  int      ibuf[TT_ROW_BUFFER];
  PetscInt na = st->p->nanalysis;

  PetscFunctionBeginUser;
  if (!st->nbuf) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < na; k++)
    for (int c = 0; c < TT_NCOLUMN; c++) {
      const double *v = st->rowbuf + (k * TT_NCOLUMN + c) * TT_ROW_BUFFER;
      hid_t         d = st->col[k * TT_NCOLUMN + c];
      if (column_is_int[c]) {
        for (PetscInt i = 0; i < st->nbuf; i++) ibuf[i] = (int) v[i];
        PetscCall(TTH5WriteRows(d, H5T_NATIVE_INT, (hsize_t) st->row0, (hsize_t) st->nbuf, ibuf));
      } else
        PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, (hsize_t) st->row0, (hsize_t) st->nbuf, v));
    }
  PetscCall(TTH5WriteRows(st->screen, H5T_NATIVE_DOUBLE, (hsize_t) st->row0, (hsize_t) st->nbuf, st->screenbuf));
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
                                            (double) ok};
    for (int c = 0; c < TT_NCOLUMN; c++) {
      double x = v[c];
      if (!ok && c != 0 && c != 10 && c != 11) x = (c == 8 || c == 9) ? 0.0 : NAN;
      st->rowbuf[(k * TT_NCOLUMN + c) * TT_ROW_BUFFER + i] = x;
    }
  }
  st->screenbuf[i] = (double) res->screen_failures;
  st->nbuf++;
}

PetscErrorCode TTStoreWriteReplicate(TTStore st, const TTReplicateResult *res, const double recs[])
{
  PetscFunctionBeginUser;
  if (st->nbuf && res->replicate != st->row0 + st->nbuf) PetscCall(FlushRows(st));
  if (!st->nbuf) st->row0 = res->replicate;
  BufferRow(st, res);
  if (st->nbuf == TT_ROW_BUFFER) PetscCall(FlushRows(st));
  if ((res->replicate + 1) * st->p->patients <= st->nsubject_rows || st->p->output_subjects == TT_OUTPUT_ALL)
    PetscCall(TTStoreWriteSubjects(
        st->trial, st->p->output_subjects == TT_OUTPUT_ALL ? (hsize_t) res->replicate * st->p->patients : 0, res, recs,
        st->scratch, st->sid, st->prog, st->cov, st->out, st->cf, st->ep));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSummary(TTStore st, const tt_stats_oc_summary *s)
{
  hid_t g, ga;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int k = 0; k < st->p->nanalysis; k++) {
    const tt_stats_oc_summary *o = &s[k];
    TTCallHDF5(ga = H5Gcreate2(g, st->p->analysis[k].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(TTH5WriteInt64Attr(ga, "replicates", o->replicates));
    PetscCall(TTH5WriteInt64Attr(ga, "failed", o->failed));
    PetscCall(TTH5WriteDoubleAttr(ga, "power", o->power));
    PetscCall(TTH5WriteDoubleAttr(ga, "power_mcse", o->power_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "mean_estimate", o->mean_estimate));
    PetscCall(TTH5WriteDoubleAttr(ga, "true_effect", o->true_effect));
    PetscCall(TTH5WriteDoubleAttr(ga, "bias", o->bias));
    PetscCall(TTH5WriteDoubleAttr(ga, "bias_mcse", o->bias_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "empirical_se", o->empirical_se));
    PetscCall(TTH5WriteDoubleAttr(ga, "mean_std_error", o->mean_std_error));
    PetscCall(TTH5WriteDoubleAttr(ga, "rmse", o->rmse));
    PetscCall(TTH5WriteDoubleAttr(ga, "coverage", o->coverage));
    PetscCall(TTH5WriteDoubleAttr(ga, "coverage_mcse", o->coverage_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "expected_n", o->expected_n));
    TTCallHDF5(H5Gclose(ga));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreClose(TTStore *store, const tt_stats_oc_summary s[], PetscBool complete)
{
  TTStore              st = *store;
  tt_stats_oc_summary *all;
  char                 finished[32];
  hid_t                g;

  PetscFunctionBeginUser;
  if (!st) PetscFunctionReturn(0);
  if (st->rank == 0) PetscCall(FlushRows(st));
  if (complete) {
    PetscCall(PetscMalloc1(st->p->nanalysis, &all));
    if (st->rank == 0) PetscCall(PetscArraycpy(all, s, st->p->nanalysis));
    PetscCallMPI(MPI_Bcast(all, (PetscMPIInt) (st->p->nanalysis * sizeof(*all)), MPI_BYTE, 0, st->comm));
    PetscCall(WriteSummary(st, all));
    PetscCall(PetscFree(all));
    PetscCall(NowISO(st->comm, finished));
    TTCallHDF5(g = H5Gopen2(st->file, "provenance", H5P_DEFAULT));
    PetscCall(TTH5CreateText(g, "finished", finished, st->rank == 0 ? PETSC_TRUE : PETSC_FALSE));
    TTCallHDF5(H5Gclose(g));
    TTCallHDF5(H5Adelete(st->file, "complete"));
    PetscCall(TTH5WriteInt64Attr(st->file, "complete", 1));
  }
  for (PetscInt i = 0; i < st->p->nanalysis * TT_NCOLUMN; i++) TTCallHDF5(H5Dclose(st->col[i]));
  TTCallHDF5(H5Dclose(st->done));
  TTCallHDF5(H5Dclose(st->screen));
  PetscCall(TTStoreCloseSubjects(st->trial, st->sid, st->prog, &st->cov, &st->out, &st->cf, &st->ep));
  TTCallHDF5(H5Fclose(st->file));
  PetscCallMPI(MPI_Barrier(st->comm));
  if (complete && st->rank == 0)
    PetscCheck(!rename(st->tmp, st->path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s", st->tmp,
               st->path);
  PetscCall(PetscFree(st->col));
  PetscCall(PetscFree3(st->rowbuf, st->screenbuf, st->scratch));
  PetscCall(PetscFree(st->path));
  PetscCall(PetscFree(st->tmp));
  PetscCall(PetscFree(st));
  *store = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreStartedNow(MPI_Comm comm, char buf[32])
{
  PetscFunctionBeginUser;
  PetscCall(NowISO(comm, buf));
  PetscFunctionReturn(0);
}
