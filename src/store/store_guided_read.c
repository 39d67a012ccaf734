/* store_guided_read.c — the guided arms of a results file, read back: one block per
 * guided arm in `twintrial summary` (from /guided/<arm>/summary: the share given each
 * candidate, the share of replicates in which it was the best single, oracle agreement,
 * mean regret, value vs the best single candidate, each mean over replicates with its
 * Monte-Carlo SE) and guided.csv (one row per replicate, guided arm and candidate:
 * replicate,arm,candidate,share,oracle_agreement,mean_regret,value_vs_best_single, the
 * last three repeated over the arm's candidates).
 * Guided arms come in /design/arms order. A file without /guided gives nothing (no CSV);
 * a damaged one fails with PETSC_ERR_LIB or PETSC_ERR_FILE_UNEXPECTED naming the object,
 * for the caller to report as one user error (TTStoreDamaged), with everything read
 * freed first. Not collective.
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

#define CANDIDATE_WIDTH 256 /* bytes a stored candidate name may take */

typedef struct {
  char     arm[TT_NAME_MAX];
  PetscInt nc;
  char     candidate[TT_MAX_CANDIDATES][TT_NAME_MAX];
} GuidedNames;

/* Names from the file are echoed: keep lines whole. */
static void Printable(char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s < 0x20 || *s == 0x7f) *s = '?';
}

/* The candidates attribute of group g: 1..TT_MAX_CANDIDATES fixed-length strings. */
static PetscErrorCode ReadCandidates(hid_t g, GuidedNames *gn)
{
  char     buf[TT_MAX_CANDIDATES * CANDIDATE_WIDTH + 1] = "";
  hid_t    a, type, space;
  hssize_t n;
  size_t   width;
  int      ok;

  PetscFunctionBeginUser;
  PetscCheck(H5Aexists(g, "candidates") > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "guided/%s: no candidates attribute", gn->arm);
  TTCallHDF5(a = H5Aopen(g, "candidates", H5P_DEFAULT));
  TTCallHDF5(type = H5Aget_type(a));
  TTCallHDF5(space = H5Aget_space(a));
  n     = H5Sget_simple_extent_npoints(space);
  width = H5Tget_size(type);
  ok    = H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0 && width > 0 && width <= CANDIDATE_WIDTH &&
       n >= 1 && n <= TT_MAX_CANDIDATES && H5Sget_simple_extent_ndims(space) <= 1;
  if (ok) TTCallHDF5(H5Aread(a, type, buf));
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Tclose(type));
  TTCallHDF5(H5Aclose(a));
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "guided/%s: candidates: expected 1..%d names (fixed-length strings of at most %d bytes)", gn->arm,
             TT_MAX_CANDIDATES, CANDIDATE_WIDTH);
  gn->nc = (PetscInt) n;
  for (PetscInt c = 0; c < gn->nc; c++) {
    snprintf(gn->candidate[c], TT_NAME_MAX, "%.*s", (int) width, buf + c * width);
    Printable(gn->candidate[c]);
  }
  PetscFunctionReturn(0);
}

/* The guided arms of the file, in /design/arms order: *n of them (0 without /guided). */
static PetscErrorCode ReadGuidedArms(hid_t file, PetscInt *n, GuidedNames **gn)
{
  Names          arms = {0, 0, NULL};
  hid_t          d, top, g;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  *n  = 0;
  *gn = NULL;
  if (H5Lexists(file, "guided", H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  TTCallHDF5(d = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(d, "arms", &arms.n, &arms.width, &arms.names));
  H5Gclose(d);
  PetscCall(PetscCalloc1(arms.n + 1, gn));
  top = H5Gopen2(file, "guided", H5P_DEFAULT);
  if (top < 0) ierr = PETSC_ERR_LIB;
  for (PetscInt a = 0; a < arms.n && !ierr; a++) {
    GuidedNames *x = &(*gn)[*n];
    snprintf(x->arm, sizeof x->arm, "%.*s", (int) arms.width, arms.names + a * arms.width);
    Printable(x->arm);
    if (!x->arm[0] || H5Lexists(top, x->arm, H5P_DEFAULT) <= 0) continue;
    g = H5Gopen2(top, x->arm, H5P_DEFAULT);
    if (g < 0) ierr = PETSC_ERR_LIB;
    if (!ierr) ierr = ReadCandidates(g, x);
    if (g >= 0) H5Gclose(g);
    if (!ierr) (*n)++;
  }
  if (top >= 0) H5Gclose(top);
  PetscCall(PetscFree(arms.names));
  if (ierr) PetscCall(PetscFree(*gn));
  PetscCall(ierr);
  if (*n == 0) PetscCall(PetscFree(*gn)); /* a /guided group naming no arm: as none */
  PetscFunctionReturn(0);
}

/* Attribute `name` of g: exactly n doubles. */
static PetscErrorCode ReadValues(hid_t g, const GuidedNames *gn, const char *name, PetscInt n, double *v)
{
  hid_t    a, space;
  hssize_t have;

  PetscFunctionBeginUser;
  PetscCheck(H5Aexists(g, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "guided/%s/summary: no %s", gn->arm,
             name);
  TTCallHDF5(a = H5Aopen(g, name, H5P_DEFAULT));
  TTCallHDF5(space = H5Aget_space(a));
  have = H5Sget_simple_extent_npoints(space);
  TTCallHDF5(H5Sclose(space));
  if (have == n) TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, v));
  TTCallHDF5(H5Aclose(a));
  PetscCheck(have == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "guided/%s/summary: %s: expected %d value(s)%s, found %lld", gn->arm, name, (int) n,
             n > 1 ? " (one per candidate)" : "", (long long) have);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadSummary(hid_t file, const GuidedNames *gn, TTGuidedSummary *s)
{
  char  path[TT_NAME_MAX + 32], name[64];
  hid_t g;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  s->ncandidate = gn->nc;
  snprintf(path, sizeof path, "guided/%s/summary", gn->arm);
  PetscCheck(H5Lexists(file, path, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "no /%s", path);
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  PetscCall(ReadValues(g, gn, "replicates", 1, &s->replicates));
  for (int c = 0; c < TT_GF_N; c++) {
    PetscCall(ReadValues(g, gn, tt_store_guided_figures[c], 1, &s->mean[c]));
    snprintf(name, sizeof name, "%s_mcse", tt_store_guided_figures[c]);
    PetscCall(ReadValues(g, gn, name, 1, &s->mcse[c]));
  }
  PetscCall(ReadValues(g, gn, "share", gn->nc, s->share));
  PetscCall(ReadValues(g, gn, "share_mcse", gn->nc, s->share_mcse));
  PetscCall(ReadValues(g, gn, "best_single_share", gn->nc, s->best_single_share));
  PetscCall(ReadValues(g, gn, "best_single_share_mcse", gn->nc, s->best_single_share_mcse));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* A mean and its MC SE: shares "0.8123 (0.0045)", other figures "6.512 (0.013)"; "-" for
 * NaN, the mean alone without an SE. */
static void WithSE(char *buf, size_t len, double m, double se, PetscBool share)
{
  if (isnan(m))
    snprintf(buf, len, "-");
  else if (isnan(se))
    snprintf(buf, len, share ? "%.4f" : "%.4g", m);
  else
    snprintf(buf, len, share ? "%.4f (%.4f)" : "%.4g (%.2g)", m, se);
}

/* The choose rule of arm group g, "hba1c at visit 52, minimize" (read for printing). */
static PetscErrorCode ReadRule(hid_t file, const GuidedNames *gn, char *rule, size_t len)
{
  char   path[TT_NAME_MAX + 16], variable[TT_NAME_MAX] = "?", goal[16] = "?";
  double visit = NAN, target = NAN;
  hid_t  g;

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "guided/%s", gn->arm);
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  PetscCall(TTH5ReadStringAttr(g, "variable", variable, sizeof variable));
  PetscCall(TTH5ReadStringAttr(g, "goal", goal, sizeof goal));
  PetscCall(TTH5ReadDoubleAttr(g, "visit", &visit));
  PetscCall(TTH5ReadDoubleAttr(g, "target", &target));
  TTCallHDF5(H5Gclose(g));
  Printable(variable);
  Printable(goal);
  if (!strcmp(goal, "below") || !strcmp(goal, "above"))
    snprintf(rule, len, "P(%s %s %g) at visit %g", variable, goal[0] == 'b' ? "<" : ">", target, visit);
  else
    snprintf(rule, len, "%s at visit %g, %s", variable, visit, goal);
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintArm(hid_t file, const GuidedNames *gn, FILE *out)
{
  TTGuidedSummary s;
  char            rule[192], a[48], b[48], c[48];

  PetscFunctionBeginUser;
  PetscCall(ReadSummary(file, gn, &s));
  PetscCall(ReadRule(file, gn, rule, sizeof rule));
  fprintf(out, "guided arm %s: %s (%d candidates; means over %.0f replicates, Monte-Carlo SE in parentheses):\n",
          gn->arm, rule, (int) gn->nc, s.replicates);
  fprintf(out, "  %-24s %-20s %s\n", "candidate", "share given", "best single (share of replicates)");
  for (PetscInt k = 0; k < gn->nc; k++) {
    WithSE(a, sizeof a, s.share[k], s.share_mcse[k], PETSC_TRUE);
    WithSE(b, sizeof b, s.best_single_share[k], s.best_single_share_mcse[k], PETSC_TRUE);
    fprintf(out, "  %-24s %-20s %s\n", gn->candidate[k], a, b);
  }
  WithSE(a, sizeof a, s.mean[TT_GF_AGREEMENT], s.mcse[TT_GF_AGREEMENT], PETSC_TRUE);
  WithSE(b, sizeof b, s.mean[TT_GF_REGRET], s.mcse[TT_GF_REGRET], PETSC_FALSE);
  WithSE(c, sizeof c, s.mean[TT_GF_VALUE], s.mcse[TT_GF_VALUE], PETSC_FALSE);
  fprintf(out, "  oracle agreement %s, mean regret %s, value vs best single %s (> 0: the guided arm does better)\n", a,
          b, c);
  WithSE(a, sizeof a, s.mean[TT_GF_POLICY], s.mcse[TT_GF_POLICY], PETSC_FALSE);
  WithSE(b, sizeof b, s.mean[TT_GF_BEST_MEAN], s.mcse[TT_GF_BEST_MEAN], PETSC_FALSE);
  WithSE(c, sizeof c, s.mean[TT_GF_SWITCHES], s.mcse[TT_GF_SWITCHES], PETSC_FALSE);
  fprintf(out, "  true score: guided policy %s, best single candidate %s (smaller is better); switches per twin %s\n",
          a, b, c);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStorePrintGuided(hid_t file, FILE *out)
{
  GuidedNames   *gn;
  PetscInt       n;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(ReadGuidedArms(file, &n, &gn));
  for (PetscInt i = 0; i < n && !ierr; i++) ierr = PrintArm(file, &gn[i], out);
  PetscCall(PetscFree(gn));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSummaryGuided(const char *path, FILE *out)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenResults(path, &file));
  ierr = TTStorePrintGuided(file, out);
  H5Fclose(file);
  if (ierr) PetscCall(TTStoreDamaged(path, ierr));
  PetscFunctionReturn(0);
}

/* One arm's per-replicate columns for guided.csv. */
enum { C_AGREEMENT, C_REGRET, C_VALUE, NC };
static const char *const csv_columns[NC] = {"oracle_agreement", "mean_regret", "value_vs_best_single"};
typedef struct {
  double *share, *col[NC];
} GuidedRows;

static PetscErrorCode ReadRows(hid_t file, const GuidedNames *gn, PetscInt R, GuidedRows *r)
{
  char     path[TT_NAME_MAX + 16];
  PetscInt n;
  hsize_t  dims[3];
  hid_t    g;

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "guided/%s", gn->arm);
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  PetscCall(TTStoreReadDoubles(g, "share", &n, dims, &r->share));
  PetscCheck(n == R * gn->nc && dims[0] == (hsize_t) R, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "guided/%s/share: expected [replicate x candidate] = [%d x %d] values", gn->arm, (int) R, (int) gn->nc);
  for (int c = 0; c < NC; c++) {
    PetscCall(TTStoreReadDoubles(g, csv_columns[c], &n, dims, &r->col[c]));
    PetscCheck(n == R, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "guided/%s/%s: expected one value per replicate (%d), found %d", gn->arm, csv_columns[c], (int) R,
               (int) n);
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCSV(const char *dir, PetscInt n, const GuidedNames *gn, PetscInt R, const GuidedRows *rows)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "guided.csv", &f));
  fputs("replicate,arm,candidate,share,oracle_agreement,mean_regret,value_vs_best_single\n", f);
  for (PetscInt r = 0; r < R; r++)
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = 0; k < gn[i].nc; k++) {
        fprintf(f, "%d", (int) r);
        TTStorePutString(f, gn[i].arm);
        TTStorePutString(f, gn[i].candidate[k]);
        TTStorePutValue(f, rows[i].share[r * gn[i].nc + k]);
        for (int c = 0; c < NC; c++) TTStorePutValue(f, rows[i].col[c][r]);
        fputc('\n', f);
      }
  PetscCheck(!fclose(f), PETSC_COMM_SELF, PETSC_ERR_USER, "%s/guided.csv: cannot write", dir);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportGuided(hid_t file, const char *dir)
{
  GuidedNames   *gn;
  GuidedRows    *rows = NULL;
  PetscInt       n, R = 0;
  double         reps = NAN;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(ReadGuidedArms(file, &n, &gn));
  if (!n) PetscFunctionReturn(0);
  ierr = TTH5ReadDoubleAttr(file, "replicates", &reps);
  if (!ierr && reps >= 0 && reps < 1e9) R = (PetscInt) reps;
  if (!ierr) ierr = PetscCalloc1(n, &rows);
  for (PetscInt i = 0; i < n && !ierr && R == reps; i++) ierr = ReadRows(file, &gn[i], R, &rows[i]);
  if (!ierr && R == reps) ierr = WriteCSV(dir, n, gn, R, rows);
  for (PetscInt i = 0; rows && i < n; i++) {
    PetscCall(PetscFree(rows[i].share));
    for (int c = 0; c < NC; c++) PetscCall(PetscFree(rows[i].col[c]));
  }
  PetscCall(PetscFree(rows));
  PetscCall(PetscFree(gn));
  PetscCall(ierr);
  PetscCheck(R == reps, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "the replicates attribute (%g) is not a count",
             reps);
  PetscFunctionReturn(0);
}
