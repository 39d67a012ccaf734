/* store_export.c — tidy CSVs of the per-twin data and of the summary:
 *   subjects.csv   one row per stored twin: ids, arm name, stratum, dropout time (then the
 *                  discontinuation time when the file has one),
 *                  covariates, prognostic scores, observed endpoints
 *   outcomes.csv   long form: replicate, subject, arm, visit, variable, value
 *   endpoints.csv  one row per stored twin: replicate, subject, arm, one column per endpoint
 *   summary.csv    one row per analysis: its description and its /summary attributes
 * Values are written with 17 significant digits so they round-trip exactly; missing
 * values are NA, as R and pandas expect. Endpoints come in /design/endpoints
 * (protocol) order; an endpoint stored as a group (time and status for time to
 * event, count and exposure for counts) gives one column <name>_<member> per member.
 * Not collective. */
#include <string.h>
#include "storeimpl.h"

#define TT_MAX_MEMBERS 8

typedef struct {
  char      name[256];
  PetscBool group;                      /* a group (time + status, count + exposure, ...) */
  PetscInt  n;                          /* values per twin: 1 for a dataset, else members */
  char      member[TT_MAX_MEMBERS][64]; /* group member names, in column order */
  double   *value[TT_MAX_MEMBERS];      /* [n][rows] */
} Endpoint;

/* Names of the members of group `path`, in HDF5's name order. */
PetscErrorCode TTStoreMemberNames(hid_t file, const char *path, Names *nm)
{
  hid_t      g;
  H5G_info_t info;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  TTCallHDF5(H5Gget_info(g, &info));
  nm->n     = (PetscInt) info.nlinks;
  nm->width = 256;
  PetscCall(PetscCalloc1(nm->n * nm->width + 1, &nm->names));
  for (PetscInt i = 0; i < nm->n; i++)
    TTCallHDF5(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, (hsize_t) i, nm->names + i * nm->width, nm->width,
                                  H5P_DEFAULT));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadGroupColumns(hid_t file, const char *path, const Names *nm, double ***cols)
{
  hid_t    g;
  PetscInt n;
  hsize_t  dims[3];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nm->n + 1, cols));
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  for (PetscInt i = 0; i < nm->n; i++)
    PetscCall(TTStoreReadDoubles(g, nm->names + i * nm->width, &n, dims, &(*cols)[i]));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeColumns(PetscInt n, double ***cols)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFree((*cols)[i]));
  PetscCall(PetscFree(*cols));
  PetscFunctionReturn(0);
}

static herr_t AddMember(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
  Endpoint *ep = (Endpoint *) ctx;
  (void) g;
  (void) info;
  for (PetscInt k = 0; k < ep->n; k++)
    if (!strcmp(ep->member[k], name)) return 0;
  if (ep->n == TT_MAX_MEMBERS || strlen(name) >= sizeof(ep->member[0])) return -1;
  strcpy(ep->member[ep->n++], name);
  return 0;
}

/* The endpoints of /design/endpoints with their per-twin values from /endpoints. A
 * group's members come in the order time, status, count, exposure, then any others
 * by name. */
static PetscErrorCode ReadEndpoints(hid_t file, PetscInt *nep, Endpoint **eps)
{
  static const char *const first[] = {"time", "status", "count", "exposure"};
  hid_t                    g, obj;
  Names                    nm;
  PetscInt                 n;
  hsize_t                  dims[3];

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "endpoints", &nm.n, &nm.width, &nm.names));
  TTCallHDF5(H5Gclose(g));
  PetscCall(PetscCalloc1(nm.n + 1, eps));
  TTCallHDF5(g = H5Gopen2(file, "endpoints", H5P_DEFAULT));
  for (PetscInt e = 0; e < nm.n; e++) {
    Endpoint *ep = &(*eps)[e];
    PetscCall(PetscStrncpy(ep->name, nm.names + e * nm.width, PetscMin(sizeof(ep->name), nm.width + 1)));
    obj = H5Oopen(g, ep->name, H5P_DEFAULT);
    PetscCheck(obj >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "the results file has no /endpoints/%s", ep->name);
    ep->group = H5Iget_type(obj) == H5I_GROUP ? PETSC_TRUE : PETSC_FALSE;
    if (ep->group) {
      for (int k = 0; k < 4; k++)
        if (H5Lexists(obj, first[k], H5P_DEFAULT) > 0) strcpy(ep->member[ep->n++], first[k]);
      TTCallHDF5(H5Literate(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, AddMember, ep));
      for (PetscInt k = 0; k < ep->n; k++) PetscCall(TTStoreReadDoubles(obj, ep->member[k], &n, dims, &ep->value[k]));
    } else {
      ep->n = 1;
      PetscCall(TTStoreReadDoubles(g, ep->name, &n, dims, &ep->value[0]));
    }
    TTCallHDF5(H5Oclose(obj));
  }
  TTCallHDF5(H5Gclose(g));
  PetscCall(PetscFree(nm.names));
  *nep = nm.n;
  PetscFunctionReturn(0);
}

static PetscErrorCode FreeEndpoints(PetscInt nep, Endpoint **eps)
{
  PetscFunctionBeginUser;
  for (PetscInt e = 0; e < nep; e++)
    for (PetscInt k = 0; k < (*eps)[e].n; k++) PetscCall(PetscFree((*eps)[e].value[k]));
  PetscCall(PetscFree(*eps));
  PetscFunctionReturn(0);
}

static void PutEndpointHeader(FILE *f, PetscInt nep, const Endpoint *eps)
{
  for (PetscInt e = 0; e < nep; e++)
    if (!eps[e].group)
      fprintf(f, ",%s", eps[e].name);
    else
      for (PetscInt k = 0; k < eps[e].n; k++) fprintf(f, ",%s_%s", eps[e].name, eps[e].member[k]);
}

static void PutEndpointValues(FILE *f, PetscInt nep, const Endpoint *eps, PetscInt i)
{
  for (PetscInt e = 0; e < nep; e++)
    for (PetscInt k = 0; k < eps[e].n; k++) TTStorePutValue(f, eps[e].value[k][i]);
}

/* "replicate,subject,arm-name" of row i. */
static void PutIds(FILE *f, const Names *arms, const double *id[5], PetscInt i)
{
  fprintf(f, "%d,%d,%s", (int) id[0][i], (int) id[1][i], arms->names + (PetscInt) id[2][i] * arms->width);
}

static PetscErrorCode WriteSubjects(hid_t file, const char *dir, const Names *arms, const double *id[5], PetscInt rows,
                                    PetscInt nep, const Endpoint *eps)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  Names                    cov;
  double                 **cv, *prog, *disc = NULL, *resc = NULL; /* discontinuation_time, rescue_time: when stored */
  PetscInt                 n;
  hsize_t                  dims[3];
  hid_t                    g;
  FILE                    *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreMemberNames(file, "subjects/covariates", &cov));
  PetscCall(ReadGroupColumns(file, "subjects/covariates", &cov, &cv));
  TTCallHDF5(g = H5Gopen2(file, "subjects", H5P_DEFAULT));
  PetscCall(TTStoreReadDoubles(g, "prognostic_score", &n, dims, &prog));
  if (H5Lexists(g, "discontinuation_time", H5P_DEFAULT) > 0)
    PetscCall(TTStoreReadDoubles(g, "discontinuation_time", &n, dims, &disc));
  if (H5Lexists(g, "rescue_time", H5P_DEFAULT) > 0) PetscCall(TTStoreReadDoubles(g, "rescue_time", &n, dims, &resc));
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTStoreOpenCSV(dir, "subjects.csv", &f));
  fprintf(f, "%s,%s,%s,%s,%s", ids[0], ids[1], ids[2], ids[3], ids[4]);
  if (disc) fprintf(f, ",discontinuation_time");
  if (resc) fprintf(f, ",rescue_time");
  for (PetscInt c = 0; c < cov.n; c++) fprintf(f, ",%s", cov.names + c * cov.width);
  for (PetscInt e = 0; e < nep; e++) fprintf(f, ",prognostic_score_%s", eps[e].name);
  PutEndpointHeader(f, nep, eps);
  fprintf(f, "\n");
  for (PetscInt i = 0; i < rows; i++) {
    PutIds(f, arms, id, i);
    fprintf(f, ",%d", (int) id[3][i]);
    TTStorePutValue(f, id[4][i]);
    if (disc) TTStorePutValue(f, disc[i]);
    if (resc) TTStorePutValue(f, resc[i]);
    for (PetscInt c = 0; c < cov.n; c++) TTStorePutValue(f, cv[c][i]);
    for (PetscInt e = 0; e < nep; e++) TTStorePutValue(f, prog[i * nep + e]);
    PutEndpointValues(f, nep, eps, i);
    fprintf(f, "\n");
  }
  fclose(f);
  PetscCall(FreeColumns(cov.n, &cv));
  PetscCall(PetscFree(prog));
  PetscCall(PetscFree(disc));
  PetscCall(PetscFree(resc));
  PetscCall(PetscFree(cov.names));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteEndpoints(const char *dir, const Names *arms, const double *id[5], PetscInt rows,
                                     PetscInt nep, const Endpoint *eps)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "endpoints.csv", &f));
  fprintf(f, "replicate,subject,arm");
  PutEndpointHeader(f, nep, eps);
  fprintf(f, "\n");
  for (PetscInt i = 0; i < rows; i++) {
    PutIds(f, arms, id, i);
    PutEndpointValues(f, nep, eps, i);
    fprintf(f, "\n");
  }
  fclose(f);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteOutcomes(hid_t file, const char *dir, const Names *arms, const double *id[5], PetscInt rows)
{
  Names    var;
  double **val, *visits;
  PetscInt nv;
  hsize_t  dims[3];
  hid_t    g;
  FILE    *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreMemberNames(file, "outcomes", &var));
  PetscCall(ReadGroupColumns(file, "outcomes", &var, &val));
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadDoubles(g, "visits", &nv, dims, &visits));
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTStoreOpenCSV(dir, "outcomes.csv", &f));
  fprintf(f, "replicate,subject,arm,visit,variable,value\n");
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt k = 0; k < var.n; k++)
      for (PetscInt v = 0; v < nv; v++) {
        PutIds(f, arms, id, i);
        fprintf(f, ",%.17g,%s", visits[v], var.names + k * var.width);
        TTStorePutValue(f, val[k][i * nv + v]);
        fprintf(f, "\n");
      }
  fclose(f);
  PetscCall(FreeColumns(var.n, &val));
  PetscCall(PetscFree(visits));
  PetscCall(PetscFree(var.names));
  PetscFunctionReturn(0);
}

/* A CSV field: quoted (with doubled quotes) when it holds a comma, quote or newline. */
void TTStorePutString(FILE *f, const char *s)
{
  fputc(',', f);
  TTStorePutField(f, s);
}

void TTStorePutField(FILE *f, const char *s)
{
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* Points of attribute `name` of obj (0 when absent). */
static PetscErrorCode AttrCount(hid_t obj, const char *name, hssize_t *n)
{
  hid_t attr, space;

  PetscFunctionBeginUser;
  *n = 0;
  if (H5Aexists(obj, name) <= 0) PetscFunctionReturn(0);
  TTCallHDF5(attr = H5Aopen(obj, name, H5P_DEFAULT));
  TTCallHDF5(space = H5Aget_space(attr));
  TTCallHDF5(*n = H5Sget_simple_extent_npoints(space));
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Aclose(attr));
  PetscFunctionReturn(0);
}

/* Writes `ncol` cells of attribute `name`: its values (numbers, or one fixed-length
 * string), NA for points it does not have. */
static PetscErrorCode PutAttr(FILE *f, hid_t obj, const char *name, hssize_t ncol)
{
  hid_t    attr, type;
  hssize_t n;
  double   v[64];

  PetscFunctionBeginUser;
  PetscCall(AttrCount(obj, name, &n));
  if (n > 0) {
    TTCallHDF5(attr = H5Aopen(obj, name, H5P_DEFAULT));
    TTCallHDF5(type = H5Aget_type(attr));
    if (H5Tget_class(type) == H5T_STRING) {
      char buf[4096];
      PetscCall(TTH5ReadStringAttr(obj, name, buf, sizeof(buf)));
      TTStorePutString(f, buf);
      n = 1;
    } else {
      PetscCheck(n <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "attribute %s has more than 64 values", name);
      TTCallHDF5(H5Aread(attr, H5T_NATIVE_DOUBLE, v));
      for (hssize_t k = 0; k < n && k < ncol; k++) TTStorePutValue(f, v[k]);
    }
    TTCallHDF5(H5Tclose(type));
    TTCallHDF5(H5Aclose(attr));
  }
  for (hssize_t k = PetscMax(n, 0); k < ncol; k++) fputs(",NA", f);
  PetscFunctionReturn(0);
}

typedef struct {
  Names     col;  /* column attribute names */
  hssize_t *ncol; /* [capacity] values per attribute */
  PetscInt  cap;
} SummaryColumns;

static PetscErrorCode AddColumn(hid_t s, const char *name, SummaryColumns *sc)
{
  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < sc->col.n; c++)
    if (!strcmp(name, sc->col.names + sc->col.width * c)) PetscFunctionReturn(0);
  PetscCheck(sc->col.n < sc->cap, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than %d summary attributes", (int) sc->cap);
  PetscCall(AttrCount(s, name, &sc->ncol[sc->col.n]));
  if (sc->ncol[sc->col.n] > 0)
    PetscCall(PetscStrncpy(sc->col.names + sc->col.width * sc->col.n++, name, sc->col.width));
  PetscFunctionReturn(0);
}

static herr_t AddOtherColumn(hid_t s, const char *name, const H5A_info_t *info, void *ctx)
{
  (void) info;
  return AddColumn(s, name, (SummaryColumns *) ctx) ? -1 : 0;
}

static PetscErrorCode SummaryTable(hid_t file, const char *dir, const Names *an, SummaryColumns *sc)
{
  static const char *const desc[]  = {"endpoint", "method", "treatment", "control", "alpha", "sided", "estimand"};
  static const char *const known[] = {"replicates",  "failed",   "power",         "power_mcse",   "mean_estimate",
                                      "true_effect", "bias",     "bias_mcse",     "empirical_se", "mean_std_error",
                                      "rmse",        "coverage", "coverage_mcse", "expected_n"};
  const PetscInt           ndesc = sizeof(desc) / sizeof(desc[0]), nknown = sizeof(known) / sizeof(known[0]);
  hid_t                    g, s;
  char                     path[600];
  FILE                    *f;

  PetscFunctionBeginUser;
  if (an->n) {
    snprintf(path, sizeof(path), "summary/%s", an->names);
    TTCallHDF5(s = H5Gopen2(file, path, H5P_DEFAULT));
    for (PetscInt c = 0; c < nknown; c++) PetscCall(AddColumn(s, known[c], sc));
    TTCallHDF5(H5Aiterate2(s, H5_INDEX_NAME, H5_ITER_INC, NULL, AddOtherColumn, sc));
    TTCallHDF5(H5Gclose(s));
  }
  PetscCall(TTStoreOpenCSV(dir, "summary.csv", &f));
  fprintf(f, "analysis");
  for (PetscInt c = 0; c < ndesc; c++) fprintf(f, ",%s", desc[c]);
  for (PetscInt c = 0; c < sc->col.n; c++)
    if (sc->ncol[c] == 1)
      fprintf(f, ",%s", sc->col.names + sc->col.width * c);
    else
      for (hssize_t k = 0; k < sc->ncol[c]; k++) fprintf(f, ",%s_%d", sc->col.names + sc->col.width * c, (int) k + 1);
  fprintf(f, "\n");
  for (PetscInt k = 0; k < an->n; k++) {
    const char *name = an->names + k * an->width;
    fprintf(f, "%s", name);
    snprintf(path, sizeof(path), "analyses/%s", name);
    TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
    for (PetscInt c = 0; c < ndesc; c++) PetscCall(PutAttr(f, g, desc[c], 1));
    TTCallHDF5(H5Gclose(g));
    snprintf(path, sizeof(path), "summary/%s", name);
    TTCallHDF5(s = H5Gopen2(file, path, H5P_DEFAULT));
    for (PetscInt c = 0; c < sc->col.n; c++) PetscCall(PutAttr(f, s, sc->col.names + sc->col.width * c, sc->ncol[c]));
    TTCallHDF5(H5Gclose(s));
    fprintf(f, "\n");
  }
  fclose(f);
  PetscFunctionReturn(0);
}

/* summary.csv: one row per analysis. Columns: analysis, the analysis description
 * (attributes of /analyses/<name>), then the /summary/<name> attributes: the known
 * ones in documented order, then any others in name order; an attribute with k > 1
 * values (e.g. per stage) gives columns <name>_1 .. <name>_k. The columns are those
 * of the first analysis; another analysis lacking one has NA there. */
static PetscErrorCode WriteSummary(hid_t file, const char *dir)
{
  Names          an;
  SummaryColumns sc = {{0, 256, NULL}, NULL, 256};
  hid_t          g;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "analyses", &an.n, &an.width, &an.names));
  TTCallHDF5(H5Gclose(g));
  PetscCall(PetscCalloc2(sc.cap * sc.col.width, &sc.col.names, sc.cap, &sc.ncol));
  ierr = SummaryTable(file, dir, &an, &sc); /* a damaged file fails here: free first */
  PetscCall(PetscFree2(sc.col.names, sc.ncol));
  PetscCall(PetscFree(an.names));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The tables after the identifiers are read; a damaged file fails in here. */
static PetscErrorCode WriteTables(hid_t file, const char *dir, const Names *arms, const double *id[5], PetscInt rows)
{
  Endpoint      *eps = NULL;
  PetscInt       nep = 0;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(ReadEndpoints(file, &nep, &eps));
  ierr = WriteSubjects(file, dir, arms, id, rows, nep, eps);
  if (!ierr) ierr = WriteOutcomes(file, dir, arms, id, rows);
  if (!ierr) ierr = WriteEndpoints(dir, arms, id, rows, nep, eps);
  if (!ierr) ierr = WriteSummary(file, dir);
  PetscCall(FreeEndpoints(nep, &eps));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadArms(hid_t file, Names *arms)
{
  hid_t g;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "arms", &arms->n, &arms->width, &arms->names));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportSubjects(hid_t file, const char *dir)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  Names                    arms   = {0, 0, NULL};
  double                  *id[5]  = {NULL, NULL, NULL, NULL, NULL};
  PetscInt                 rows   = 0;
  hsize_t                  dims[3];
  hid_t                    g;
  PetscErrorCode           ierr = 0;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "subjects", H5P_DEFAULT));
  for (int k = 0; k < 5 && !ierr; k++) ierr = TTStoreReadDoubles(g, ids[k], &rows, dims, &id[k]);
  TTCallHDF5(H5Gclose(g));
  if (!ierr) ierr = ReadArms(file, &arms);
  if (!ierr) ierr = WriteTables(file, dir, &arms, (const double **) id, rows);
  for (int k = 0; k < 5; k++) PetscCall(PetscFree(id[k])); /* a damaged file fails above: free first */
  PetscCall(PetscFree(arms.names));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
