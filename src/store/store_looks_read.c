/* store_looks_read.c — the group-sequential looks of a results file, read back: the
 * looks table of `twintrial summary` and the CSVs looks.csv (one row per look: the
 * design, then the operating characteristics as rpact's getSimulation* reports them,
 * the expected values repeated on every row as in rpact's as.data.frame) and
 * looks_replicates.csv (one row per replicate x look).
 * Not collective. A file without /looks (a design without interim looks) gives nothing;
 * a damaged one fails with PETSC_ERR_LIB or PETSC_ERR_FILE_UNEXPECTED for the caller to
 * report (TTStoreDamaged). Times are stored in days and printed in months.
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

enum { D_INFO, D_EVENTS, D_EFF, D_FUT, D_SPENT, ND };
static const char *const design_names[ND] = {"information", "events", "efficacy_bound", "futility_bound",
                                             "alpha_spent"};
enum { O_REACHED, O_TIME, O_INFO, O_SUBJECTS, O_EFF, O_EFF_SE, O_FUT, O_FUT_SE, O_CUM, O_CUM_SE, NO };
static const char *const oc_names[NO] = {
    "reached",          "analysis_time",        "mean_information", "mean_subjects",
    "stop_efficacy",    "stop_efficacy_mcse",   "stop_futility",    "stop_futility_mcse",
    "cumulative_power", "cumulative_power_mcse"};
static const char *const ex_names[6] = {"expected_subjects",    "expected_subjects_mcse",
                                        "expected_information", "expected_information_mcse",
                                        "expected_duration",    "expected_duration_mcse"};

typedef struct {
  PetscInt K;
  double  *design[ND]; /* [K]; events NULL unless event-driven */
  double  *oc[NO];     /* [K] */
  double   ex[6], final_short, replicates;
  char     deciding[TT_NAME_MAX], unit[16];
} Looks;

static PetscErrorCode FreeLooks(Looks *l)
{
  PetscFunctionBeginUser;
  for (int c = 0; c < ND; c++) PetscCall(PetscFree(l->design[c]));
  for (int c = 0; c < NO; c++) PetscCall(PetscFree(l->oc[c]));
  PetscFunctionReturn(0);
}

/* A [look] dataset of K values (K set by the first one read). */
static PetscErrorCode ReadLookColumn(hid_t g, const char *name, PetscInt *K, double **v)
{
  PetscInt n;
  hsize_t  dims[3];

  PetscFunctionBeginUser;
  PetscCall(TTStoreReadDoubles(g, name, &n, dims, v));
  if (*K < 0) *K = n;
  PetscCheck(n == *K && n >= 1 && n <= TT_MAX_LOOKS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s': expected one value per look (1..%d), found %d", name, TT_MAX_LOOKS, (int) n);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadLooksInto(hid_t file, Looks *l)
{
  hid_t d, g;

  PetscFunctionBeginUser;
  TTCallHDF5(d = H5Gopen2(file, "design", H5P_DEFAULT));
  for (int c = 0; c < ND; c++)
    if (c != D_EVENTS || H5Lexists(d, design_names[c], H5P_DEFAULT) > 0)
      PetscCall(ReadLookColumn(d, design_names[c], &l->K, &l->design[c]));
  TTCallHDF5(H5Gclose(d));
  TTCallHDF5(g = H5Gopen2(file, "looks", H5P_DEFAULT));
  for (int c = 0; c < NO; c++) PetscCall(ReadLookColumn(g, oc_names[c], &l->K, &l->oc[c]));
  for (int e = 0; e < 6; e++) PetscCall(TTH5ReadDoubleAttr(g, ex_names[e], &l->ex[e]));
  PetscCall(TTH5ReadDoubleAttr(g, "final_short", &l->final_short));
  PetscCall(TTH5ReadDoubleAttr(g, "replicates", &l->replicates));
  PetscCall(TTH5ReadStringAttr(g, "deciding_analysis", l->deciding, sizeof l->deciding));
  PetscCall(TTH5ReadStringAttr(g, "information_unit", l->unit, sizeof l->unit));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* *found = PETSC_FALSE when the file has no /looks; otherwise the looks, which the caller frees. */
static PetscErrorCode ReadLooks(hid_t file, Looks *l, PetscBool *found)
{
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(l, sizeof(*l)));
  l->K   = -1;
  *found = H5Lexists(file, "looks", H5P_DEFAULT) > 0 ? PETSC_TRUE : PETSC_FALSE;
  if (!*found) PetscFunctionReturn(0);
  ierr = ReadLooksInto(file, l);
  if (ierr) PetscCall(FreeLooks(l)); /* a damaged file: free what was read first */
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static void PutBound(FILE *out, double b)
{
  if (isfinite(b))
    fprintf(out, " %9.4f", b);
  else
    fprintf(out, " %9s", "-");
}

PetscErrorCode TTStorePrintLooks(hid_t file, FILE *out)
{
  const double month = 365.25 / 12.0; /* days, the protocol's month */
  Looks        l;
  PetscBool    found, ev;

  PetscFunctionBeginUser;
  PetscCall(ReadLooks(file, &l, &found));
  if (!found) PetscFunctionReturn(0);
  ev = l.design[D_EVENTS] ? PETSC_TRUE : PETSC_FALSE;
  fprintf(out, "group-sequential looks, deciding analysis %s (%.0f replicates; Monte-Carlo SE in parentheses):\n",
          l.deciding, l.replicates);
  fprintf(out, "%4s %9s %9s %9s %8s %9s %7s %9s  %-16s %-16s %-16s\n", "look", ev ? "events" : "info", "eff_bound",
          "fut_bound", "reached", ev ? "mean_evts" : "mean_info", "months", "subjects", "P(efficacy stop)",
          "P(futility stop)", "cumulative power");
  for (PetscInt j = 0; j < l.K; j++) {
    char fut[32];
    if (j + 1 < l.K)
      snprintf(fut, sizeof fut, "%.4f (%.4f)", l.oc[O_FUT][j], l.oc[O_FUT_SE][j]);
    else
      snprintf(fut, sizeof fut, "-");
    fprintf(out, "%4d", (int) j + 1);
    if (ev)
      fprintf(out, " %9.0f", l.design[D_EVENTS][j]);
    else
      fprintf(out, " %9.3f", l.design[D_INFO][j]);
    PutBound(out, l.design[D_EFF][j]);
    PutBound(out, j + 1 < l.K ? l.design[D_FUT][j] : NAN);
    fprintf(out, " %8.4f %9.1f %7.1f %9.1f  %.4f (%.4f)  %-16s %.4f (%.4f)\n", l.oc[O_REACHED][j], l.oc[O_INFO][j],
            l.oc[O_TIME][j] / month, l.oc[O_SUBJECTS][j], l.oc[O_EFF][j], l.oc[O_EFF_SE][j], fut, l.oc[O_CUM][j],
            l.oc[O_CUM_SE][j]);
  }
  fprintf(out, "expected at the stopping look: %s %.1f (%.1f), subjects %.1f (%.1f), duration %.1f months (%.1f)\n",
          l.unit, l.ex[2], l.ex[3], l.ex[0], l.ex[1], l.ex[4] / month, l.ex[5] / month);
  if (l.final_short > 0)
    fprintf(out,
            "%.0f replicate(s) reached the end of follow-up before the final look's %.0f events: analysed there with "
            "the events observed, the final boundary spending the alpha left\n",
            l.final_short, ev ? l.design[D_EVENTS][l.K - 1] : NAN);
  PetscCall(FreeLooks(&l));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSummaryLooks(const char *path, FILE *out)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenResults(path, &file));
  ierr = TTStorePrintLooks(file, out);
  H5Fclose(file);
  if (ierr) PetscCall(TTStoreDamaged(path, ierr));
  PetscFunctionReturn(0);
}

/* looks.csv: one row per look. */
static PetscErrorCode WriteLooksCSV(const Looks *l, const char *dir)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "looks.csv", &f));
  fprintf(f, "look");
  for (int c = 0; c < ND; c++) fprintf(f, ",%s", design_names[c]);
  for (int c = 0; c < NO; c++) fprintf(f, ",%s", oc_names[c]);
  for (int e = 0; e < 6; e++) fprintf(f, ",%s", ex_names[e]);
  fprintf(f, "\n");
  for (PetscInt j = 0; j < l->K; j++) {
    fprintf(f, "%d", (int) j + 1);
    for (int c = 0; c < ND; c++) TTStorePutValue(f, l->design[c] ? l->design[c][j] : NAN);
    for (int c = 0; c < NO; c++) TTStorePutValue(f, l->oc[c][j]);
    for (int e = 0; e < 6; e++) TTStorePutValue(f, l->ex[e]);
    fprintf(f, "\n");
  }
  PetscCheck(!fclose(f), PETSC_COMM_SELF, PETSC_ERR_USER, "%s/looks.csv: cannot write", dir);
  PetscFunctionReturn(0);
}

/* looks_replicates.csv: one row per replicate x look, from the per-replicate datasets. */
static PetscErrorCode WriteReplicatesCSV(hid_t file, PetscInt K, const char *dir)
{
  static const char *const cols[7] = {"stage", "decision", "time", "information", "subjects", "z", "efficacy_bound"};
  double                  *v[7]    = {NULL};
  PetscInt                 n[7] = {0}, R = 0;
  hsize_t                  dims[3];
  hid_t                    g;
  FILE                    *f    = NULL;
  PetscErrorCode           ierr = 0;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "looks", H5P_DEFAULT));
  for (int c = 0; c < 7 && !ierr; c++) ierr = TTStoreReadDoubles(g, cols[c], &n[c], dims, &v[c]);
  H5Gclose(g);
  R = n[0];
  for (int c = 0; c < 7 && !ierr; c++)
    if (n[c] != (c < 2 ? R : R * K)) ierr = PETSC_ERR_FILE_UNEXPECTED;
  if (!ierr) ierr = TTStoreOpenCSV(dir, "looks_replicates.csv", &f);
  if (!ierr) {
    fprintf(f, "replicate,look");
    for (int c = 0; c < 7; c++) fprintf(f, ",%s", cols[c]);
    fprintf(f, "\n");
    for (PetscInt r = 0; r < R; r++)
      for (PetscInt j = 0; j < K; j++) {
        fprintf(f, "%d,%d", (int) r, (int) j + 1);
        for (int c = 0; c < 7; c++) TTStorePutValue(f, c < 2 ? v[c][r] : v[c][r * K + j]);
        fprintf(f, "\n");
      }
    if (fclose(f)) ierr = PETSC_ERR_FILE_WRITE;
  }
  for (int c = 0; c < 7; c++) PetscCall(PetscFree(v[c]));
  PetscCheck(ierr != PETSC_ERR_FILE_UNEXPECTED, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "/looks: expected [replicate] and [replicate x look] datasets");
  PetscCheck(ierr != PETSC_ERR_FILE_WRITE, PETSC_COMM_SELF, PETSC_ERR_USER, "%s/looks_replicates.csv: cannot write",
             dir);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportLooks(hid_t file, const char *dir)
{
  Looks          l;
  PetscBool      found;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(ReadLooks(file, &l, &found));
  if (!found) PetscFunctionReturn(0);
  ierr = WriteLooksCSV(&l, dir);
  if (!ierr) ierr = WriteReplicatesCSV(file, l.K, dir);
  PetscCall(FreeLooks(&l));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
