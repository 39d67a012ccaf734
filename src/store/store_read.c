/* store_read.c — reading a results file back: the summary table and the CSV export.
 * Not collective; opens the file read-only with the default driver. A file that is
 * not a complete twintrial results file is a user error naming the file. An export
 * leaves in its directory no CSV of an earlier export that this file does not hold. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "storeimpl.h"

PetscErrorCode TTStoreOpenResults(const char *path, hid_t *file)
{
  char        fmt[64];
  double      complete = 0;
  struct stat st;

  PetscFunctionBeginUser;
  /* HDF5 would block opening a FIFO. */
  PetscCheck(stat(path, &st) || S_ISREG(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: expected a results file, found %s", path, S_ISDIR(st.st_mode) ? "a directory" : "a FIFO or device");
  *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(*file >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: cannot open as an HDF5 file (missing, unreadable or "
             "not HDF5)",
             path);
  PetscCheck(H5Aexists(*file, "format") > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: not a twintrial results file (no "
             "'format' attribute)",
             path);
  PetscCall(TTH5ReadStringAttr(*file, "format", fmt, sizeof(fmt)));
  for (char *c = fmt; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f) *c = '?'; /* echoed below: keep the message one line */
  PetscCheck(!strcmp(fmt, TT_FORMAT_NAME), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: format is '%s'; expected '%s'", path,
             fmt, TT_FORMAT_NAME);
  PetscCall(TTH5ReadDoubleAttr(*file, "complete", &complete));
  PetscCheck(complete == 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: the run that wrote this file did not finish "
             "(complete = 0)",
             path);
  PetscFunctionReturn(0);
}

/* Fixed-length string array dataset -> n strings of `width` bytes in *buf. A dataset of
 * another type or an implausible size (a damaged file) is a user error naming it. */
PetscErrorCode TTStoreReadStrings(hid_t loc, const char *name, PetscInt *n, size_t *width, char **buf)
{
  hid_t    d, type, space;
  hssize_t npoints;
  herr_t   status;

  PetscFunctionBeginUser;
  *buf = NULL;
  TTCallHDF5(d = H5Dopen2(loc, name, H5P_DEFAULT));
  TTCallHDF5(type = H5Dget_type(d));
  TTCallHDF5(space = H5Dget_space(d));
  TTCallHDF5(npoints = H5Sget_simple_extent_npoints(space));
  *width = H5Tget_size(type);
  *n     = (PetscInt) npoints;
  PetscCheck(H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0 && *width > 0 && *width <= 4096 &&
                 npoints <= 1000000,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "dataset '%s': expected at most 10^6 fixed-length strings",
             name);
  PetscCall(PetscCalloc1(*n * *width + 1, buf));
  status = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf);
  if (status < 0) PetscCall(PetscFree(*buf));
  TTCallHDF5(status);
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Tclose(type));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

/* Any numeric dataset as doubles; *n points, dims[] filled up to rank 3. */
PetscErrorCode TTStoreReadDoubles(hid_t loc, const char *name, PetscInt *n, hsize_t dims[3], double **buf)
{
  hid_t    d, space;
  hssize_t npoints;
  int      rank;
  herr_t   status = 0;

  PetscFunctionBeginUser;
  *buf = NULL;
  TTCallHDF5(d = H5Dopen2(loc, name, H5P_DEFAULT));
  TTCallHDF5(space = H5Dget_space(d));
  TTCallHDF5(npoints = H5Sget_simple_extent_npoints(space));
  TTCallHDF5(rank = H5Sget_simple_extent_ndims(space));
  PetscCheck(rank <= 3 && npoints <= ((hssize_t) 1 << 28), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "dataset '%s': expected at most 3 dimensions and 2^28 values", name);
  dims[0] = dims[1] = dims[2] = 1;
  TTCallHDF5(H5Sget_simple_extent_dims(space, dims, NULL));
  *n = (PetscInt) npoints;
  PetscCall(PetscMalloc1(*n + 1, buf));
  if (*n) status = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf);
  if (status < 0) PetscCall(PetscFree(*buf));
  TTCallHDF5(status);
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadSummary(hid_t file, const char *name, TTSummary *sum)
{
  hid_t                top, g;
  double               reps, failed;
  tt_stats_oc_summary *s = &sum->oc;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(sum, sizeof(*sum)));
  TTCallHDF5(top = H5Gopen2(file, "summary", H5P_DEFAULT));
  TTCallHDF5(g = H5Gopen2(top, name, H5P_DEFAULT));
  TTCallHDF5(H5Gclose(top));
  PetscCall(TTH5ReadDoubleAttr(g, "replicates", &reps));
  PetscCall(TTH5ReadDoubleAttr(g, "failed", &failed));
  PetscCheck(reps >= 0 && reps < 1e15 && failed >= 0 && failed < 1e15, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "summary/%s: replicates and failed must be counts", name);
  s->replicates = (long) reps;
  s->failed     = (long) failed;
  PetscCall(TTH5ReadDoubleAttr(g, "power", &s->power));
  PetscCall(TTH5ReadDoubleAttr(g, "power_mcse", &s->power_mcse));
  PetscCall(TTH5ReadDoubleAttr(g, "mean_estimate", &s->mean_estimate));
  PetscCall(TTH5ReadDoubleAttr(g, "true_effect", &s->true_effect));
  PetscCall(TTH5ReadDoubleAttr(g, "bias", &s->bias));
  PetscCall(TTH5ReadDoubleAttr(g, "bias_mcse", &s->bias_mcse));
  PetscCall(TTH5ReadDoubleAttr(g, "empirical_se", &s->empirical_se));
  PetscCall(TTH5ReadDoubleAttr(g, "mean_std_error", &s->mean_std_error));
  PetscCall(TTH5ReadDoubleAttr(g, "rmse", &s->rmse));
  PetscCall(TTH5ReadDoubleAttr(g, "coverage", &s->coverage));
  PetscCall(TTH5ReadDoubleAttr(g, "coverage_mcse", &s->coverage_mcse));
  PetscCall(TTH5ReadDoubleAttr(g, "expected_n", &s->expected_n));
  PetscCall(TTH5ReadDoubleAttr(g, "expected_information", &sum->expected_information));
  PetscCall(TTH5ReadDoubleAttr(g, "analytic_power", &sum->analytic_power));
  PetscCall(TTH5ReadStringAttr(g, "analytic_method", sum->analytic_method, sizeof(sum->analytic_method)));
  if (H5Aexists(g, "dropped_twins") > 0) PetscCall(TTH5ReadDoubleAttr(g, "dropped_twins", &sum->dropped_twins));
  if (H5Aexists(g, "failure_reasons") > 0)
    PetscCall(TTH5ReadStringAttr(g, "failure_reasons", sum->failure_reasons, sizeof(sum->failure_reasons)));
  if (H5Aexists(g, "covariance_fitted") > 0)
    PetscCall(TTH5ReadStringAttr(g, "covariance_fitted", sum->covariance_fitted, sizeof(sum->covariance_fitted)));
  if (H5Aexists(g, "estimand_strategy") > 0)
    PetscCall(TTH5ReadStringAttr(g, "estimand_strategy", sum->estimand_strategy, sizeof(sum->estimand_strategy)));
  if (H5Aexists(g, "stop_prob") > 0) {
    hid_t a, sp;
    TTCallHDF5(a = H5Aopen(g, "stop_prob", H5P_DEFAULT));
    TTCallHDF5(sp = H5Aget_space(a));
    sum->nlook = (int) H5Sget_simple_extent_npoints(sp);
    PetscCheck(sum->nlook > 0 && sum->nlook <= TT_MAX_LOOKS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: stop_prob has %d looks; expected 1..%d", name, sum->nlook, TT_MAX_LOOKS);
    TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, sum->stop_prob));
    TTCallHDF5(H5Sclose(sp));
    TTCallHDF5(H5Aclose(a));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* "%.4f", or "none" for NaN (a figure that does not apply). */
static void Fixed4(char *buf, size_t len, double x)
{
  if (isnan(x))
    snprintf(buf, len, "none");
  else
    snprintf(buf, len, "%.4f", x);
}

PetscErrorCode TTStorePrintSummary(FILE *out, PetscInt n, const char *const names[], const TTSummary s[])
{
  int masked = 0;

  PetscFunctionBeginUser;
  fprintf(out, "%-16s %6s  %-16s %9s %9s %9s %9s %9s %9s %9s  %-16s %9s\n", "analysis", "reps", "power (MC SE)",
          "analytic", "mean_est", "true_eff", "bias", "emp_SE", "mean_SE", "RMSE", "coverage (MC SE)", "mean_n");
  for (PetscInt k = 0; k < n; k++) {
    const tt_stats_oc_summary *o = &s[k].oc;
    char                       pw[32], cov[32] = "none", an[16] = "none", bias[16], rmse[16];
    snprintf(pw, sizeof(pw), "%.4f (%.4f)", o->power, o->power_mcse);
    if (!isnan(o->coverage)) snprintf(cov, sizeof(cov), "%.4f (%.4f)", o->coverage, o->coverage_mcse);
    if (!isnan(s[k].analytic_power)) snprintf(an, sizeof(an), "%.4f", s[k].analytic_power);
    Fixed4(bias, sizeof bias, o->bias);
    Fixed4(rmse, sizeof rmse, o->rmse);
    fprintf(out, "%-16s %6ld  %-16s %9s %9.4f %9.4f %9s %9.4f %9.4f %9s  %-16s %9.1f\n", names[k], o->replicates, pw,
            an, o->mean_estimate, o->true_effect, bias, o->empirical_se, o->mean_std_error, rmse, cov, o->expected_n);
    if (o->replicates > 0 && isnan(o->bias)) masked++;
    TTStorePrintArms(out, &s[k]);
    if (o->failed)
      fprintf(out,
              "%-16s %ld replicate(s) could not be analysed (%s): counted as not rejecting in power, left out of the "
              "other columns\n",
              "", o->failed, s[k].failure_reasons[0] ? s[k].failure_reasons : "reason not stored");
    if (s[k].covariance_fitted[0]) fprintf(out, "%-16s covariance fitted: %s\n", "", s[k].covariance_fitted);
    if (s[k].estimand_strategy[0])
      fprintf(out, "%-16s true value, bias and coverage: the %s estimand (treatment discontinuation)\n", "",
              s[k].estimand_strategy);
    if (s[k].nlook > 0) {
      fprintf(out, "%-16s stop at look:", "");
      for (int j = 0; j < s[k].nlook; j++) fprintf(out, " %d: %.4f", j + 1, s[k].stop_prob[j]);
      fprintf(out, "; expected information %.1f\n", s[k].expected_information);
    }
  }
  fprintf(out, "(analytic: the textbook power of the same design:");
  for (PetscInt k = 0; k < n; k++) fprintf(out, "%s %s %s", k ? ";" : "", names[k], s[k].analytic_method);
  fprintf(out, "; ratio methods report log ratios)\n");
  if (masked) {
    fprintf(out, "(bias, RMSE and coverage: none for");
    for (PetscInt k = 0, m = 0; k < n; k++)
      if (s[k].oc.replicates > 0 && isnan(s[k].oc.bias)) fprintf(out, "%s %s", m++ ? "," : "", names[k]);
    fprintf(out, ": a covariate-adjusted or stratified odds or hazard ratio is conditional, the true effect (every "
                 "twin under both arms) marginal, and the two differ (non-collapsibility))\n");
  }
  if (n > 0 && s[0].dropped_twins > 0)
    fprintf(out,
            "%.0f twin(s) dropped after a failed simulation (model.on_failure: drop); they have no endpoint in "
            "any analysis (replicates/dropped_twins)\n",
            s[0].dropped_twins);
  PetscFunctionReturn(0);
}

/* A damaged results file fails deep in HDF5 (PETSC_ERR_LIB) or on an unexpected type:
 * that is a bad input, so it becomes one user error naming the file. */
PetscErrorCode TTStoreDamaged(const char *path, PetscErrorCode ierr)
{
  char *msg = NULL, copy[512];

  PetscFunctionBeginUser;
  if (ierr != PETSC_ERR_LIB && ierr != PETSC_ERR_FILE_UNEXPECTED) PetscCall(ierr);
  PetscErrorMessage(ierr, NULL, &msg);
  snprintf(copy, sizeof(copy), "%s", msg ? msg : "");
  for (char *c = copy; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f) *c = '?'; /* names from the file: keep the message one line */
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a readable twintrial results file; it is damaged (%s)", path,
          copy);
}

static PetscErrorCode Summary(const char *path, FILE *out)
{
  hid_t          file, design;
  PetscInt       n;
  size_t         width;
  char          *names;
  const char   **list;
  TTSummary     *s;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenResults(path, &file));
  TTCallHDF5(design = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(design, "analyses", &n, &width, &names));
  PetscCall(PetscMalloc2(n, &s, n, &list));
  for (PetscInt k = 0; k < n && !ierr; k++) {
    list[k] = names + k * width;
    ierr    = ReadSummary(file, list[k], &s[k]);
    if (!ierr) ierr = TTStoreReadSummaryArms(file, list[k], &s[k]);
  }
  if (!ierr) ierr = TTStorePrintSummary(out, n, list, s);
  if (!ierr) ierr = TTStorePrintLooks(file, out);
  if (!ierr) ierr = TTStorePrintGuided(file, out);
  if (!ierr) ierr = TTStorePrintCalibration(file, out);
  PetscCall(PetscFree2(s, list));
  PetscCall(PetscFree(names));
  PetscCall(ierr);
  TTCallHDF5(H5Gclose(design));
  TTCallHDF5(H5Fclose(file));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSummary(const char *path, FILE *out)
{
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  ierr = Summary(path, out);
  if (ierr) PetscCall(TTStoreDamaged(path, ierr));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreOpenCSV(const char *dir, const char *name, FILE **f)
{
  char path[TT_PATH_MAX];

  PetscFunctionBeginUser;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  *f = fopen(path, "w");
  PetscCheck(*f, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot write (does the directory exist?)", path);
  PetscFunctionReturn(0);
}

void TTStorePutValue(FILE *f, double v)
{
  if (isnan(v))
    fputs(",NA", f);
  else
    fprintf(f, ",%.17g", v);
}

/* The rows of one analysis group; its columns must be equally long (a damaged file may
 * not have them so). Frees what it read, also on error. */
static PetscErrorCode ExportRows(hid_t g, const char *name, FILE *f, TTStoreExtraColumns *extra)
{
  double        *col[TT_NCOLUMN] = {NULL};
  char          *reason          = NULL, why[TT_REASON_WIDTH + 1];
  PetscInt       n = 0, m = 0;
  hsize_t        dims[3];
  PetscBool      ragged = PETSC_FALSE;
  PetscErrorCode ierr   = 0;

  PetscFunctionBeginUser;
  for (int c = 0; c < TT_NCOLUMN && !ierr && !ragged; c++) {
    ierr = TTStoreReadDoubles(g, tt_store_columns[c], &m, dims, &col[c]);
    if (!c) n = m;
    ragged = !ierr && m != n ? PETSC_TRUE : PETSC_FALSE;
  }
  if (!ierr && !ragged) ierr = TTStoreReadReasons(g, n, &reason);
  if (!ierr && !ragged) ierr = TTStoreExtraColumnsRead(g, n, extra);
  for (PetscInt r = 0; r < n && !ierr && !ragged; r++) {
    fprintf(f, "%s", name);
    for (int c = 0; c < TT_NCOLUMN; c++) {
      TTStorePutValue(f, col[c][r]);
      if (strcmp(tt_store_columns[c], "ok")) continue;
      TTStoreReasonAt(reason, r, why); /* the reason column follows ok */
      TTStorePutString(f, why);
    }
    TTStoreExtraColumnsPut(f, extra, r);
    fprintf(f, "\n");
  }
  PetscCall(PetscFree(reason));
  for (int c = 0; c < TT_NCOLUMN; c++) PetscCall(PetscFree(col[c]));
  PetscCall(ierr);
  PetscCheck(!ragged, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "analyses/%s: expected columns of equal length",
             name);
  PetscFunctionReturn(0);
}

/* analyses.csv: one row per (analysis, replicate): the known columns, then every further
 * per-replicate dataset of /analyses/<name> (km_median, ...; store_export.c). */
static PetscErrorCode ExportAnalyses(hid_t file, const char *dir)
{
  TTStoreExtraColumns extra;
  hid_t               design, top, g;
  PetscInt            na, k;
  size_t              width;
  char               *names;
  FILE               *f;
  PetscErrorCode      ierr = 0;

  PetscFunctionBeginUser;
  TTCallHDF5(design = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(design, "analyses", &na, &width, &names));
  ierr = TTStoreExtraColumnsCollect(file, na, names, width, &extra);
  if (!ierr) ierr = TTStoreOpenCSV(dir, "analyses.csv", &f);
  if (ierr) PetscCall(PetscFree(names));
  PetscCall(ierr);
  fprintf(f, "analysis");
  for (int c = 0; c < TT_NCOLUMN; c++)
    fprintf(f, ",%s%s", tt_store_columns[c], strcmp(tt_store_columns[c], "ok") ? "" : ",reason");
  TTStoreExtraColumnsHeader(f, &extra);
  fprintf(f, "\n");
  for (k = 0; k < na && !ierr; k++) {
    top = H5Gopen2(file, "analyses", H5P_DEFAULT);
    g   = top < 0 ? -1 : H5Gopen2(top, names + k * width, H5P_DEFAULT);
    if (top >= 0) H5Gclose(top);
    if (g < 0) break;
    ierr = ExportRows(g, names + k * width, f, &extra);
    H5Gclose(g);
  }
  fclose(f);
  PetscCall(TTStoreExtraColumnsFree(&extra));
  PetscCall(PetscFree(names));
  PetscCall(ierr);
  PetscCheck(k == na, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "expected a group in /analyses for analysis %d of /design/analyses", (int) k);
  TTCallHDF5(H5Gclose(design));
  PetscFunctionReturn(0);
}

/* The CSVs an export writes only when the results hold their part: an earlier export's
 * copy in the same directory would otherwise be read as this file's. */
static PetscErrorCode RemoveOptionalCSVs(const char *dir)
{
  static const char *const names[] = {"looks.csv",       "looks_replicates.csv", "guided.csv",
                                      "calibration.csv", "validation.csv",       "validation_values.csv"};
  char                     file[TT_PATH_MAX];

  PetscFunctionBeginUser;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(file, sizeof file, "%s/%s", dir, names[i]);
    PetscCheck(!unlink(file) || errno == ENOENT, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: cannot remove the earlier export's file (%s)", file, strerror(errno));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ExportCSV(const char *path, const char *dir)
{
  hid_t file;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenResults(path, &file));
  PetscCall(RemoveOptionalCSVs(dir));
  PetscCall(ExportAnalyses(file, dir));
  PetscCall(TTStoreExportLooks(file, dir));
  PetscCall(TTStoreExportGuided(file, dir));
  PetscCall(TTStoreExportSubjects(file, dir));
  PetscCall(TTStoreExportADaM(file, dir));
  PetscCall(TTStoreExportCalibration(file, dir));
  TTCallHDF5(H5Fclose(file));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportCSV(const char *path, const char *dir)
{
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  ierr = ExportCSV(path, dir);
  if (ierr) PetscCall(TTStoreDamaged(path, ierr));
  PetscCall(TTStoreExportValidation(path, dir));
  PetscFunctionReturn(0);
}
