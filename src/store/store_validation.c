/* store_validation.c — /validation of a results file: the protocol's published figures
 * (names, statistics, descriptions, sources, published values, their standard errors
 * on the comparison scale, log_scale and fitted flags, and for a plot over time the
 * arm, variable, visit_days and scale of each, all [nfigure]) and values
 * [replicate][figure], one row per replicate written with its analysis rows.
 * Invariant: the group exists exactly when the protocol has a validation section;
 * rows of replicates not yet stored read as NaN and are never reported (done = 0).
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

/* "median of os (month), arm control" */
static void Describe(const TTProtocol *p, const TTFigureSpec *f, char *buf, size_t len)
{
  const char *unit                  = TTTimeUnitName(f->unit_days);
  char        arm[TT_NAME_MAX + 16] = "";

  if (f->arm >= 0) snprintf(arm, sizeof arm, ", arm %s", p->arm[f->arm].name);
  switch (f->statistic) {
  case TT_FIGURE_EFFECT:
    snprintf(buf, len, "estimate of analysis %s%s", p->analysis[f->analysis].name, f->log_scale ? " (ratio)" : "");
    break;
  case TT_FIGURE_BASELINE_MEAN:
  case TT_FIGURE_BASELINE_SD:
    snprintf(buf, len, "%s baseline %s%s", f->statistic == TT_FIGURE_BASELINE_SD ? "SD of" : "mean", f->variable,
             f->arm >= 0 ? arm : ", all twins");
    break;
  case TT_FIGURE_SD:
    snprintf(buf, len, "SD of %s%s", p->endpoint[f->endpoint].name, arm);
    break;
  case TT_FIGURE_COMPLETION:
    snprintf(buf, len, "share observed at the last visit%s", arm);
    break;
  case TT_FIGURE_MEDIAN:
    snprintf(buf, len, "KM median of %s (%ss)%s", p->endpoint[f->endpoint].name, unit, arm);
    break;
  case TT_FIGURE_SURVIVAL:
    snprintf(buf, len, "KM event-free share of %s at %g %ss%s", p->endpoint[f->endpoint].name,
             f->time_days / f->unit_days, unit, arm);
    break;
  default:
    snprintf(buf, len, "%s of %s%s",
             f->statistic == TT_FIGURE_RATE ? "rate" : (f->statistic == TT_FIGURE_MEAN ? "mean" : "proportion"),
             p->endpoint[f->endpoint].name, arm);
  }
}

static PetscErrorCode WriteColumn(TTStore st, hid_t g, const char *name, const double *v)
{
  hsize_t n = (hsize_t) st->p->nfigure;
  hid_t   d;
  PetscFunctionBeginUser;
  PetscCall(TTH5CreateDataset(g, name, H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (st->rank == 0) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, v));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

/* Where a figure sits on a plot of a variable over time (the report's visual predictive
 * check): its variable, visit (days) and scale: value, change or percent_change of the
 * variable; "" / NaN for figures that are not a summary of one variable at one visit. */
static void Placement(const TTProtocol *p, const TTFigureSpec *f, const char **var, double *day, const char **scale)
{
  const TTEndpointSpec *e = f->endpoint >= 0 ? &p->endpoint[f->endpoint] : NULL;
  *var = "", *day = NAN, *scale = "";
  if (f->statistic == TT_FIGURE_BASELINE_MEAN)
    *var = f->variable, *day = p->visit[0] * p->unit_in_days, *scale = "value";
  if (f->statistic != TT_FIGURE_MEAN || !e || e->visit_index < 0 || TTEndpointIsWindow(e->type)) return;
  *var   = e->variable;
  *day   = p->visit[e->visit_index] * p->unit_in_days;
  *scale = e->type == TT_ENDPOINT_CHANGE_FROM_BASELINE ? "change"
           : e->type == TT_ENDPOINT_PERCENT_CHANGE     ? "percent_change"
                                                       : "value";
}

static PetscErrorCode WriteFigures(TTStore st, hid_t g)
{
  const TTProtocol *p = st->p;
  const char       *name[TT_MAX_FIGURES], *stat[TT_MAX_FIGURES], *src[TT_MAX_FIGURES], *what[TT_MAX_FIGURES];
  const char       *arm[TT_MAX_FIGURES], *var[TT_MAX_FIGURES], *scale[TT_MAX_FIGURES];
  char              desc[TT_MAX_FIGURES][160];
  double            col[5][TT_MAX_FIGURES];
  PetscBool         w = st->rank == 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  for (int i = 0; i < p->nfigure; i++) {
    const TTFigureSpec *f = &p->figure[i];
    Describe(p, f, desc[i], sizeof desc[i]);
    name[i] = f->name, stat[i] = TTFigureStatisticName(f->statistic), src[i] = f->source, what[i] = desc[i];
    col[0][i] = f->published, col[1][i] = f->se, col[2][i] = f->log_scale, col[3][i] = f->fitted;
    arm[i] = f->arm >= 0 ? p->arm[f->arm].name : "";
    Placement(p, f, &var[i], &col[4][i], &scale[i]);
  }
  PetscCall(TTH5CreateStrings(g, "arm", p->nfigure, arm, w));
  PetscCall(TTH5CreateStrings(g, "variable", p->nfigure, var, w));
  PetscCall(TTH5CreateStrings(g, "scale", p->nfigure, scale, w));
  PetscCall(WriteColumn(st, g, "visit_days", col[4]));
  PetscCall(TTH5CreateStrings(g, "names", p->nfigure, name, w));
  PetscCall(TTH5CreateStrings(g, "statistics", p->nfigure, stat, w));
  PetscCall(TTH5CreateStrings(g, "what", p->nfigure, what, w));
  PetscCall(TTH5CreateStrings(g, "sources", p->nfigure, src, w));
  PetscCall(WriteColumn(st, g, "published", col[0]));
  PetscCall(WriteColumn(st, g, "se", col[1]));
  PetscCall(WriteColumn(st, g, "log_scale", col[2]));
  PetscCall(WriteColumn(st, g, "fitted", col[3]));
  PetscCall(TTH5WriteStringAttr(g, "verdict",
                                "a figure passes when |mean simulated - published| <= 1.96 sqrt(se^2 + mcse^2) on the "
                                "comparison scale (log for medians and ratios)"));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSetUpValidation(TTStore st, PetscBool create)
{
  hsize_t dims[2] = {(hsize_t) st->p->replicates, (hsize_t) st->p->nfigure};
  hid_t   g;

  PetscFunctionBeginUser;
  st->figures = -1;
  if (!st->p->nfigure) PetscFunctionReturn(0);
  PetscCall(TTH5Group(st->file, "validation", create, &g));
  PetscCall(TTH5Dataset(g, "values", H5T_NATIVE_DOUBLE, 2, dims, create, &st->figures));
  if (create) PetscCall(WriteFigures(st, g));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* Reads every column; the caller frees the table on error too. */
static PetscErrorCode ReadFigures(hid_t file, TTFigureTable *t)
{
  static const char *const strs[TT_FIGURE_NSTR] = {"names", "statistics", "what", "sources"};
  double                  *done = NULL, *all = NULL, **col[4] = {&t->published, &t->se, &t->log_scale, &t->fitted};
  const char              *cols[4] = {"published", "se", "log_scale", "fitted"};
  PetscInt                 n, m, nrep;
  hsize_t                  dims[3], ddone[3];
  hid_t                    g;
  PetscErrorCode           ierr = 0;

  PetscFunctionBeginUser;
  if (H5Lexists(file, "validation", H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  TTCallHDF5(g = H5Gopen2(file, "validation", H5P_DEFAULT));
  for (int k = 0; k < TT_FIGURE_NSTR && !ierr; k++) ierr = TTStoreReadStrings(g, strs[k], &n, &t->width[k], &t->str[k]);
  for (int k = 0; k < 4 && !ierr; k++) ierr = TTStoreReadDoubles(g, cols[k], &m, dims, col[k]);
  if (!ierr) ierr = TTStoreReadDoubles(g, "values", &m, dims, &all);
  if (!ierr) ierr = TTStoreReadDoubles(file, "replicates/done", &nrep, ddone, &done);
  if (!ierr && !(dims[1] == (hsize_t) n && dims[0] == (hsize_t) nrep && m == nrep * n))
    ierr = PETSC_ERR_FILE_UNEXPECTED;
  if (!ierr) ierr = PetscMalloc1(m + 1, &t->value);
  for (PetscInt r = 0; !ierr && r < nrep; r++)
    if (done[r] == 1) PetscCall(PetscArraycpy(t->value + n * t->nreplicate++, all + n * r, n));
  if (!ierr) t->nfigure = n;
  PetscCall(PetscFree(all));
  PetscCall(PetscFree(done));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(ierr);
}

PetscErrorCode TTStoreReadFigures(const char *path, TTFigureTable *t)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(t, sizeof *t));
  PetscCall(TTStoreOpenResults(path, &file));
  ierr = ReadFigures(file, t);
  TTCallHDF5(H5Fclose(file));
  if (ierr) {
    PetscCall(TTFigureTableDestroy(t));
    PetscCall(TTStoreDamaged(path, ierr));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTFigureTableDestroy(TTFigureTable *t)
{
  PetscFunctionBeginUser;
  for (int k = 0; k < TT_FIGURE_NSTR; k++) PetscCall(PetscFree(t->str[k]));
  PetscCall(PetscFree(t->published));
  PetscCall(PetscFree(t->se));
  PetscCall(PetscFree(t->log_scale));
  PetscCall(PetscFree(t->fitted));
  PetscCall(PetscFree(t->value));
  t->nfigure = t->nreplicate = 0;
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteValidationCSV(const TTFigureTable *t, const char *dir)
{
  static const char *const num[] = {"published", "se", "log_scale", "fitted"};
  const double            *col[] = {t->published, t->se, t->log_scale, t->fitted};
  FILE                    *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "validation.csv", &f));
  fprintf(f, "figure,statistic,what,source");
  for (int k = 0; k < 4; k++) fprintf(f, ",%s", num[k]);
  fprintf(f, "\n");
  for (PetscInt i = 0; i < t->nfigure; i++) {
    fprintf(f, "%s", TTFigureString(t, TT_FIGURE_NAME, i));
    for (int k = TT_FIGURE_STAT; k < TT_FIGURE_NSTR; k++) TTStorePutString(f, TTFigureString(t, k, i));
    for (int k = 0; k < 4; k++) TTStorePutValue(f, col[k][i]);
    fprintf(f, "\n");
  }
  PetscCheck(!fclose(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s/validation.csv: write failed", dir);
  PetscCall(TTStoreOpenCSV(dir, "validation_values.csv", &f));
  fprintf(f, "replicate,figure,value\n");
  for (PetscInt r = 0; r < t->nreplicate; r++)
    for (PetscInt i = 0; i < t->nfigure; i++) {
      fprintf(f, "%d,%s", (int) r, TTFigureString(t, TT_FIGURE_NAME, i));
      TTStorePutValue(f, t->value[r * t->nfigure + i]);
      fprintf(f, "\n");
    }
  PetscCheck(!fclose(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s/validation_values.csv: write failed", dir);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportValidation(const char *path, const char *dir)
{
  TTFigureTable  t;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(TTStoreReadFigures(path, &t));
  if (t.nfigure) ierr = WriteValidationCSV(&t, dir);
  PetscCall(TTFigureTableDestroy(&t));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
