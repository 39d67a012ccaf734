/* test_store_guided_write.c — the guided arms through the store as a run writes them
 * (TTStoreOpen, TTStoreWriteReplicate, TTStoreClose), with synthetic per-replicate figures
 * (the simulation is not involved): tests/data/protocols/switch/t2d_escalation.yaml with
 * its placebo arm made guided among the three regimens, 150 replicates (several row
 * buffers), written out of order.
 *  - a.h5, written in one go: /guided/placebo holds exactly the figures given, its
 *    summary the means and MC SEs of a direct two-pass computation, the other arms none;
 *  - b.h5, stopped after some replicates (the file left as b.h5.tmp), resumed and
 *    finished: /guided equal to a.h5's bit for bit (figures and summary);
 *  - `twintrial summary` prints the block and the export writes guided.csv (rank 0).
 * usage: test_store_guided_write PROTOCOL DIR (run on 1 and on 2 ranks; the test compares
 * the two DIRs with h5diff). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <twintrial/h5.h>
#include <twintrial/store.h>
#include "tt_check.h"

#define R    150
#define ARM  0 /* placebo */
#define STOP 70

static double Value(PetscInt r, int f, int nc)
{
  double x = sin(0.7 * r + f) * 0.5 + 0.5;
  if (r % 11 == 5) return NAN; /* a replicate without twins */
  if (f >= TT_GUIDED_SHARE) {
    double t = 0;
    for (int k = 0; k < nc; k++) t += 1.0 + ((r + k) % 4);
    return (1.0 + ((r + f - TT_GUIDED_SHARE) % 4)) / t;
  }
  if (f == TT_GUIDED_BEST_SINGLE) return (double) ((r * 7) % nc);
  if (f == TT_GUIDED_TWINS) return 250.0;
  return f == TT_GUIDED_POLICY_MEAN || f == TT_GUIDED_BEST_SINGLE_MEAN ? 7.0 + x : x;
}

static PetscErrorCode Fill(const TTProtocol *p, PetscInt r, TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  res->replicate       = r;
  res->screen_failures = 0;
  res->dropped_twins   = 0;
  res->stage           = 1;
  res->decision        = 0;
  for (PetscInt k = 0; k < p->nanalysis; k++) {
    PetscCall(PetscMemzero(&res->result[k], sizeof(res->result[k])));
    res->ok[k]          = 1;
    res->reason[k]      = 0;
    res->true_effect[k] = 0;
    res->information[k] = 1;
    for (int j = 0; j < 6; j++) res->km[6 * k + j] = NAN;
    for (int j = 0; j < 2 * TT_ARM_FIGURES; j++) res->arm_figures[2 * TT_ARM_FIGURES * k + j] = NAN;
  }
  for (PetscInt j = 0; j < p->nfigure; j++) res->figure[j] = NAN;
  for (PetscInt a = 0; a < p->narm; a++)
    for (int f = 0; f < TT_GUIDED_FIGURES; f++)
      res->guided[a * TT_GUIDED_FIGURES + f] = a == ARM && f < TT_GUIDED_SHARE + p->arm[ARM].guide.ncandidate
                                                   ? Value(r, f, p->arm[ARM].guide.ncandidate)
                                                   : NAN;
  PetscFunctionReturn(0);
}

/* Writes replicates [from, to), skipping those done: the first 40 swapped in pairs (rows
 * not in order), the others in order (rows staged up to a full buffer). */
static PetscErrorCode Write(const char *path, TTTrial trial, const TTProtocol *p, PetscBool resume, PetscInt from,
                            PetscInt to, PetscBool complete)
{
  TTOutputLock      lock;
  TTStore           st;
  TTProvenance      prov = {"test_store_guided_write", "2026-01-01T00:00:00Z"};
  TTReplicateResult res;
  TTSummary        *s;
  const int        *done;
  PetscInt          ndone;
  PetscBool         finished;
  PetscMPIInt       rank;
  double           *own = NULL; /* res.guided, unless TTReplicateResultCreate allocates it */

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TTStoreLockOutput(PETSC_COMM_WORLD, path, "test", resume, PETSC_FALSE, &lock, &finished));
  PetscCall(TTStoreOpen(PETSC_COMM_WORLD, path, trial, &prov, resume, &st));
  PetscCall(TTStoreGetDone(st, &done, &ndone));
  TT_CHECK(ndone == (resume ? STOP : 0), "replicates done before this run");
  PetscCall(PetscMemzero(&res, sizeof(res)));
  PetscCall(TTReplicateResultCreate(trial, &res));
  if (!res.guided) PetscCall(PetscMalloc1(p->narm * TT_GUIDED_FIGURES, &own));
  if (own) res.guided = own;
  if (rank == 0)
    for (PetscInt i = from; i < to; i++) {
      PetscInt r = i >= 40 ? i : i % 2 == 0 ? i + 1 : i - 1;
      if (done[r]) continue;
      PetscCall(Fill(p, r, &res));
      PetscCall(TTStoreWriteReplicate(st, &res, NULL));
    }
  if (own) res.guided = NULL;
  PetscCall(PetscCalloc1(p->nanalysis, &s));
  PetscCall(TTStoreClose(&st, complete, s));
  PetscCall(PetscFree(s));
  PetscCall(PetscFree(own));
  PetscCall(TTReplicateResultDestroy(&res));
  PetscCall(TTStoreUnlockOutput(&lock));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadAll(hid_t f, const char *name, hid_t type, void *buf)
{
  hid_t d;
  PetscFunctionBeginUser;
  TTCallHDF5(d = H5Dopen2(f, name, H5P_DEFAULT));
  TTCallHDF5(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

static PetscErrorCode Attr(hid_t g, const char *name, double *v)
{
  hid_t a;
  PetscFunctionBeginUser;
  TTCallHDF5(a = H5Aopen(g, name, H5P_DEFAULT));
  TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, v));
  TTCallHDF5(H5Aclose(a));
  PetscFunctionReturn(0);
}

static void Direct(const double *x, int n, int stride, double *mean, double *mcse)
{
  double s = 0, ss = 0;
  int    k = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i * stride])) s += x[i * stride], k++;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i * stride])) ss += (x[i * stride] - s / k) * (x[i * stride] - s / k);
  *mean = s / k;
  *mcse = sqrt(ss / (k - 1) / k);
}

/* a.h5 against the figures given and a direct computation of the summary. */
static PetscErrorCode CheckFile(const char *path, int nc)
{
  static const char *const names[] = {
      "oracle_agreement", "mean_regret", "value_vs_best_single", "policy_mean", "best_single_mean",
      "mean_switches",    "twins"};
  static const int index[] = {TT_GUIDED_AGREEMENT,   TT_GUIDED_REGRET,           TT_GUIDED_VALUE,
                              TT_GUIDED_POLICY_MEAN, TT_GUIDED_BEST_SINGLE_MEAN, TT_GUIDED_MEAN_SWITCHES,
                              TT_GUIDED_TWINS};
  double           x[R], share[R * 8], m, se, v[8], count[8] = {0}, n = 0;
  int              best[R], bad = 0;
  char             name[64];
  hid_t            f, g, sg;

  PetscFunctionBeginUser;
  TTCallHDF5(f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT));
  TT_CHECK(H5Lexists(f, "guided/sensitizer", H5P_DEFAULT) == 0, "no group for an arm that is not guided");
  TTCallHDF5(g = H5Gopen2(f, "guided/placebo", H5P_DEFAULT));
  TTCallHDF5(sg = H5Gopen2(g, "summary", H5P_DEFAULT));
  for (int c = 0; c < 7; c++) {
    PetscCall(ReadAll(g, names[c], H5T_NATIVE_DOUBLE, x));
    for (PetscInt r = 0; r < R; r++) {
      double want = Value(r, index[c], nc);
      bad += !(x[r] == want || (isnan(x[r]) && isnan(want)));
    }
    Direct(x, R, 1, &m, &se);
    PetscCall(Attr(sg, names[c], v));
    TT_CHECK_CLOSE(v[0], m, 1e-12 * fabs(m), names[c]);
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_mcse", names[c]));
    PetscCall(Attr(sg, name, v));
    TT_CHECK_CLOSE(v[0], c == 6 ? 0.0 : se, 1e-9 * se, name);
  }
  TT_CHECK(bad == 0, "the stored figures are those given");
  PetscCall(ReadAll(g, "share", H5T_NATIVE_DOUBLE, share));
  PetscCall(ReadAll(g, "best_single", H5T_NATIVE_INT, best));
  PetscCall(Attr(sg, "share", v));
  for (int k = 0; k < nc; k++) {
    for (PetscInt r = 0; r < R; r++) {
      double want = Value(r, TT_GUIDED_SHARE + k, nc);
      bad += !(share[r * nc + k] == want || (isnan(share[r * nc + k]) && isnan(want)));
    }
    Direct(share + k, R, nc, &m, &se);
    TT_CHECK_CLOSE(v[k], m, 1e-12, "share");
  }
  for (PetscInt r = 0; r < R; r++) {
    int want = r % 11 == 5 ? -1 : (int) ((r * 7) % nc);
    bad += best[r] != want;
    if (want >= 0) count[want] += 1, n += 1;
  }
  TT_CHECK(bad == 0, "the stored shares and best singles are those given");
  PetscCall(Attr(sg, "best_single_share", v));
  for (int k = 0; k < nc; k++) TT_CHECK_CLOSE(v[k], count[k] / n, 1e-15, "best_single_share");
  TTCallHDF5(H5Gclose(sg));
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(H5Fclose(f));
  PetscFunctionReturn(0);
}

/* /guided of two files, bit for bit: datasets and summary attributes. */
static PetscErrorCode CheckSame(const char *a, const char *b, int nc)
{
  static const char *const sets[]  = {"oracle_agreement",
                                      "mean_regret",
                                      "value_vs_best_single",
                                      "policy_mean",
                                      "best_single_mean",
                                      "mean_switches",
                                      "twins",
                                      "share"};
  static const char *const attrs[] = {"oracle_agreement_mcse",     "mean_regret", "mean_regret_mcse",
                                      "value_vs_best_single_mcse", "share_mcse",  "best_single_share"};
  double                   x[R * 8], y[R * 8], u[8], w[8];
  hid_t                    fa, fb, ga, gb;
  int                      same = 1;

  PetscFunctionBeginUser;
  TTCallHDF5(fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT));
  TTCallHDF5(fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT));
  TTCallHDF5(ga = H5Gopen2(fa, "guided/placebo", H5P_DEFAULT));
  TTCallHDF5(gb = H5Gopen2(fb, "guided/placebo", H5P_DEFAULT));
  for (size_t c = 0; c < sizeof sets / sizeof *sets; c++) {
    PetscCall(ReadAll(ga, sets[c], H5T_NATIVE_DOUBLE, x));
    PetscCall(ReadAll(gb, sets[c], H5T_NATIVE_DOUBLE, y));
    same &= !memcmp(x, y, sizeof(double) * (c == 7 ? R * nc : R));
  }
  TTCallHDF5(H5Gclose(ga));
  TTCallHDF5(H5Gclose(gb));
  TTCallHDF5(ga = H5Gopen2(fa, "guided/placebo/summary", H5P_DEFAULT));
  TTCallHDF5(gb = H5Gopen2(fb, "guided/placebo/summary", H5P_DEFAULT));
  for (size_t c = 0; c < sizeof attrs / sizeof *attrs; c++) {
    PetscCall(Attr(ga, attrs[c], u));
    PetscCall(Attr(gb, attrs[c], w));
    same &= !memcmp(u, w, sizeof(double) * (c >= 4 ? nc : 1));
  }
  TT_CHECK(same, "resumed = uninterrupted, bit for bit (/guided)");
  TTCallHDF5(H5Gclose(ga));
  TTCallHDF5(H5Gclose(gb));
  TTCallHDF5(H5Fclose(fa));
  TTCallHDF5(H5Fclose(fb));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckReadBack(const char *path, const char *dir, int nc)
{
  char  *text = NULL, line[512];
  size_t len  = 0;
  FILE  *out  = open_memstream(&text, &len), *csv;
  int    rows = -1;

  PetscFunctionBeginUser;
  PetscCall(TTStoreSummary(path, out));
  fclose(out);
  TT_CHECK(strstr(text, "guided arm placebo: hba1c at visit 52, minimize (3 candidates; means over") != NULL,
           "summary prints the guided block");
  TT_CHECK(strstr(text, "  add_su ") != NULL && strstr(text, "oracle agreement ") != NULL, "summary: its lines");
  free(text);
  TT_CHECK(!mkdir(dir, 0777), "the CSV directory");
  PetscCall(TTStoreExportCSV(path, dir));
  PetscCall(PetscSNPrintf(line, sizeof line, "%s/guided.csv", dir));
  csv = fopen(line, "r");
  TT_CHECK(csv != NULL, "guided.csv written");
  if (csv) {
    TT_CHECK(fgets(line, sizeof line, csv) &&
                 !strcmp(line, "replicate,arm,candidate,share,oracle_agreement,mean_regret,value_vs_best_single\n"),
             "guided.csv header");
    for (rows = 0; fgets(line, sizeof line, csv); rows++) {
    }
    fclose(csv);
  }
  TT_CHECK(rows == R * nc, "guided.csv: one row per replicate and candidate");
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  TTProtocol *p;
  TTTrial     trial;
  TTArmSpec  *arm;
  char        a[PETSC_MAX_PATH_LEN], b[PETSC_MAX_PATH_LEN], csv[PETSC_MAX_PATH_LEN];
  PetscMPIInt rank;
  int         total = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 3, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: test_store_guided_write PROTOCOL DIR");
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscSNPrintf(a, sizeof a, "%s/a.h5", argv[2]));
  PetscCall(PetscSNPrintf(b, sizeof b, "%s/b.h5", argv[2]));
  PetscCall(PetscSNPrintf(csv, sizeof csv, "%s/csv", argv[2]));
  PetscCall(TTProtocolLoad(argv[1], &p));
  p->replicates      = R;
  p->output_subjects = TT_OUTPUT_NONE;
  arm                = &p->arm[ARM];
  arm->guided        = 1;
  PetscCall(PetscMemzero(&arm->guide, sizeof(arm->guide)));
  arm->guide.ncandidate = (int) p->nregimen;
  for (int k = 0; k < arm->guide.ncandidate; k++) arm->guide.candidate[k] = k;
  arm->guide.nrun_in   = 2;
  arm->guide.run_in[0] = -12;
  arm->guide.run_in[1] = 0;
  arm->guide.visit     = 52;
  arm->guide.goal      = TT_CHOOSE_MINIMIZE;
  arm->guide.target    = NAN;
  PetscCall(PetscStrncpy(arm->guide.variable, "hba1c", sizeof arm->guide.variable));
  PetscCall(TTTrialCreate(p, &trial));
  PetscCall(Write(a, trial, p, PETSC_FALSE, 0, R, PETSC_TRUE));
  PetscCall(Write(b, trial, p, PETSC_FALSE, 0, STOP, PETSC_FALSE));
  PetscCall(Write(b, trial, p, PETSC_TRUE, 0, R, PETSC_TRUE));
  if (rank == 0) {
    PetscCall(CheckFile(a, arm->guide.ncandidate));
    PetscCall(CheckSame(a, b, arm->guide.ncandidate));
    PetscCall(CheckReadBack(a, csv, arm->guide.ncandidate));
    printf("%d failure(s)\n", tt_failures);
  }
  PetscCallMPI(MPI_Allreduce(&tt_failures, &total, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(PetscFinalize());
  return total != 0;
}
