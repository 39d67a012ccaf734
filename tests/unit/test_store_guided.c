/* test_store_guided.c — the guided arms' summary (src/store/store_guided.c) from a synthetic
 * /guided/<arm> group: each mean over replicates and its Monte-Carlo SE (sd / sqrt(n), sd
 * with n - 1) against a direct two-pass computation and, for figures chosen so, against the
 * closed form (x_r = r: sums of r and r^2 over 0..R-1 less the replicates left out); the share
 * of replicates in which each candidate was the best single against counts; replicates
 * with no twins (NaN figures, best single -1) left out; more replicates than one read
 * chunk; the summary attributes as written and read back. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include "store/storeimpl.h"
#include "tt_check.h"

#define R  1300 /* more than one chunk of 512 */
#define NC 3

/* Replicate r's figures: every 7th has no twins (all NaN, best single -1). */
static int Empty(int r)
{
  return r % 7 == 3;
}

static double Figure(int c, int r)
{
  if (Empty(r)) return NAN;
  switch (c) {
  case TT_GF_AGREEMENT:
    return 0.5 + 0.4 * sin(0.37 * r);
  case TT_GF_REGRET:
    return r; /* closed form over the non-empty replicates below */
  case TT_GF_TWINS:
    return 200.0;
  default:
    return 1.0 + c + 0.01 * ((r * 7919) % 101) + 1e6; /* offset: a naive sum of squares would lose digits */
  }
}

static double Share(int k, int r)
{
  double w[NC] = {1.0 + (r % 5), 2.0 + cos(r), 0.5 + (r % 3)}, t = w[0] + w[1] + w[2];
  return Empty(r) ? NAN : w[k] / t;
}

static int Best(int r)
{
  return Empty(r) ? -1 : (r * r) % NC;
}

/* Direct two-pass mean and sd / sqrt(n) of finite values. */
static void Direct(const double *x, int n, double *mean, double *mcse, double *count)
{
  double s = 0, ss = 0, m = 0;
  int    k = 0;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i])) s += x[i], k++;
  m = s / k;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i])) ss += (x[i] - m) * (x[i] - m);
  *mean  = m;
  *mcse  = sqrt(ss / (k - 1) / k);
  *count = k;
}

static PetscErrorCode MakeGroup(hid_t file, hid_t *g)
{
  hsize_t dims[2] = {R, NC};
  hid_t   d;
  double *x;
  int    *best;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(R * NC, &x, R, &best));
  TTCallHDF5(*g = H5Gcreate2(file, "arm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int c = 0; c < TT_GF_N; c++) {
    for (int r = 0; r < R; r++) x[r] = Figure(c, r);
    PetscCall(TTH5CreateDataset(*g, tt_store_guided_figures[c], H5T_NATIVE_DOUBLE, 1, dims, &d));
    PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, R, x));
    TTCallHDF5(H5Dclose(d));
  }
  for (int r = 0; r < R; r++) {
    best[r] = Best(r);
    for (int k = 0; k < NC; k++) x[r * NC + k] = Share(k, r);
  }
  PetscCall(TTH5CreateDataset(*g, "best_single", H5T_STD_I32LE, 1, dims, &d));
  PetscCall(TTH5WriteRows(d, H5T_NATIVE_INT, 0, R, best));
  TTCallHDF5(H5Dclose(d));
  PetscCall(TTH5CreateDataset(*g, "share", H5T_NATIVE_DOUBLE, 2, dims, &d));
  PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, R, x));
  TTCallHDF5(H5Dclose(d));
  PetscCall(PetscFree2(x, best));
  PetscFunctionReturn(0);
}

/* TTStoreGuidedSummarize on the arm's datasets opened by name. */
static PetscErrorCode Summarize(hid_t g, PetscInt nrep, TTGuidedSummary *s)
{
  hid_t d[TT_GD_N];

  PetscFunctionBeginUser;
  for (int c = 0; c < TT_GF_N; c++) TTCallHDF5(d[c] = H5Dopen2(g, tt_store_guided_figures[c], H5P_DEFAULT));
  TTCallHDF5(d[TT_GD_BEST] = H5Dopen2(g, "best_single", H5P_DEFAULT));
  TTCallHDF5(d[TT_GD_SHARE] = H5Dopen2(g, "share", H5P_DEFAULT));
  PetscCall(TTStoreGuidedSummarize(d, nrep, NC, s));
  for (int c = 0; c < TT_GD_N; c++) TTCallHDF5(H5Dclose(d[c]));
  PetscFunctionReturn(0);
}

static void CheckAgainstDirect(const TTGuidedSummary *s)
{
  double x[R], m, se, n, nonempty = 0, count[NC] = {0};

  for (int r = 0; r < R; r++) nonempty += !Empty(r);
  TT_CHECK_CLOSE(s->replicates, nonempty, 0, "replicates with twins");
  for (int c = 0; c < TT_GF_N; c++) {
    for (int r = 0; r < R; r++) x[r] = Figure(c, r);
    Direct(x, R, &m, &se, &n);
    TT_CHECK_CLOSE(s->mean[c], m, 1e-12 * fabs(m), "two-pass mean");
    if (c == TT_GF_TWINS)
      TT_CHECK_CLOSE(s->mcse[c], 0.0, 1e-12, "a constant: MC SE 0");
    else
      TT_CHECK_CLOSE(s->mcse[c], se, 1e-9 * se, "two-pass sd / sqrt(n)");
  }
  for (int k = 0; k < NC; k++) {
    for (int r = 0; r < R; r++) x[r] = Share(k, r);
    Direct(x, R, &m, &se, &n);
    TT_CHECK_CLOSE(s->share[k], m, 1e-12, "two-pass mean share");
    TT_CHECK_CLOSE(s->share_mcse[k], se, 1e-9 * se, "two-pass share MC SE");
  }
  for (int r = 0; r < R; r++)
    if (Best(r) >= 0) count[Best(r)] += 1;
  for (int k = 0; k < NC; k++) {
    double q = count[k] / nonempty;
    TT_CHECK_CLOSE(s->best_single_share[k], q, 1e-15, "share of replicates with this best single");
    TT_CHECK_CLOSE(s->best_single_share_mcse[k], sqrt(q * (1 - q) / nonempty), 1e-15, "binomial MC SE");
  }
}

/* x_r = r over the non-empty replicates: mean and variance from the closed-form sums over
 * 0..R-1 less the empty ones (r = 7j + 3), all exact in doubles. */
static void CheckClosedForm(const TTGuidedSummary *s)
{
  double n = 0, sum = 0, sumsq = 0, mean, var;
  for (int r = 0; r < R; r++)
    if (!Empty(r)) n += 1, sum += r;
  mean = sum / n;
  /* sum of r^2 over 0..R-1 minus the empty ones: (R-1)R(2R-1)/6 - sum (7j+3)^2 */
  sumsq = (R - 1.0) * R * (2.0 * R - 1.0) / 6.0;
  for (int r = 3; r < R; r += 7) sumsq -= (double) r * r;
  var = (sumsq - n * mean * mean) / (n - 1);
  TT_CHECK_CLOSE(s->mean[TT_GF_REGRET], mean, 1e-10, "closed form mean");
  TT_CHECK_CLOSE(s->mcse[TT_GF_REGRET], sqrt(var / n), 1e-10, "closed form sd / sqrt(n)");
}

static PetscErrorCode CheckWritten(hid_t g, const TTGuidedSummary *s)
{
  hid_t  sg, a;
  double v[NC];
  char   name[64];

  PetscFunctionBeginUser;
  PetscCall(TTStoreGuidedWriteSummary(g, s));
  TTCallHDF5(sg = H5Gopen2(g, "summary", H5P_DEFAULT));
  for (int c = 0; c < TT_GF_N; c++) {
    PetscCall(TTH5ReadDoubleAttr(sg, tt_store_guided_figures[c], v));
    TT_CHECK(v[0] == s->mean[c], tt_store_guided_figures[c]);
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_mcse", tt_store_guided_figures[c]));
    PetscCall(TTH5ReadDoubleAttr(sg, name, v));
    TT_CHECK(v[0] == s->mcse[c], "the _mcse attribute");
  }
  PetscCall(TTH5ReadDoubleAttr(sg, "replicates", v));
  TT_CHECK(v[0] == s->replicates, "replicates");
  TTCallHDF5(a = H5Aopen(sg, "best_single_share", H5P_DEFAULT));
  TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, v));
  TTCallHDF5(H5Aclose(a));
  for (int k = 0; k < NC; k++) TT_CHECK(v[k] == s->best_single_share[k], "best_single_share[k]");
  TTCallHDF5(a = H5Aopen(sg, "share_mcse", H5P_DEFAULT));
  TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, v));
  TTCallHDF5(H5Aclose(a));
  for (int k = 0; k < NC; k++) TT_CHECK(v[k] == s->share_mcse[k], "share_mcse[k]");
  TTCallHDF5(H5Gclose(sg));
  PetscFunctionReturn(0);
}

/* One replicate: means as they are, MC SEs NaN (no spread to estimate). */
static PetscErrorCode CheckOneReplicate(hid_t file)
{
  TTGuidedSummary s;
  hsize_t         dims[2] = {1, NC};
  double          x = 0.25, sh[NC] = {0.5, 0.25, 0.25};
  int             best = 2;
  hid_t           g, d;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(file, "one", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int c = 0; c < TT_GF_N; c++) {
    PetscCall(TTH5CreateDataset(g, tt_store_guided_figures[c], H5T_NATIVE_DOUBLE, 1, dims, &d));
    PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, 1, &x));
    TTCallHDF5(H5Dclose(d));
  }
  PetscCall(TTH5CreateDataset(g, "best_single", H5T_STD_I32LE, 1, dims, &d));
  PetscCall(TTH5WriteRows(d, H5T_NATIVE_INT, 0, 1, &best));
  TTCallHDF5(H5Dclose(d));
  PetscCall(TTH5CreateDataset(g, "share", H5T_NATIVE_DOUBLE, 2, dims, &d));
  PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, 1, sh));
  TTCallHDF5(H5Dclose(d));
  PetscCall(Summarize(g, 1, &s));
  TT_CHECK(s.mean[TT_GF_AGREEMENT] == 0.25 && isnan(s.mcse[TT_GF_AGREEMENT]), "one replicate: mean, no MC SE");
  TT_CHECK(s.share[0] == 0.5 && isnan(s.share_mcse[0]), "one replicate: share");
  TT_CHECK(s.best_single_share[2] == 1 && s.best_single_share_mcse[2] == 0, "one replicate: best single");
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  TTGuidedSummary s;
  char            path[] = "/tmp/test_store_guided_XXXXXX";
  int             fd;
  hid_t           file, g = -1;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fd = mkstemp(path);
  TT_CHECK(fd >= 0, "a temporary file");
  close(fd);
  TTCallHDF5(file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(MakeGroup(file, &g));
  PetscCall(Summarize(g, R, &s));
  CheckAgainstDirect(&s);
  CheckClosedForm(&s);
  PetscCall(CheckWritten(g, &s));
  TTCallHDF5(H5Gclose(g));
  PetscCall(CheckOneReplicate(file));
  TTCallHDF5(H5Fclose(file));
  unlink(path);
  printf("%d failure(s)\n", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
