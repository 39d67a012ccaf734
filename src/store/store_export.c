/* store_export.c — per-twin CSVs: subjects.csv (one row per stored twin: ids, arm
 * name, stratum, dropout time, covariates, prognostic scores, observed endpoints)
 * and outcomes.csv (long form: replicate, subject, arm, visit, variable, value).
 * Values are written with 17 significant digits so they round-trip exactly;
 * missing values are NA, as R and pandas expect. Not collective. */
#include <string.h>
#include "storeimpl.h"

typedef struct {
  PetscInt n;
  size_t   width;
  char    *names;
} Names;

/* Names of the members of group `path`, in HDF5's name order. */
static PetscErrorCode MemberNames(hid_t file, const char *path, Names *nm)
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

static PetscErrorCode WriteSubjects(hid_t file, const char *dir, const Names *arms, const double *id[5], PetscInt rows)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  Names                    cov, ep, endpoints;
  double                 **cv, **ev, *prog;
  PetscInt                 n;
  hsize_t                  dims[3];
  hid_t                    g;
  FILE                    *f;

  PetscFunctionBeginUser;
  PetscCall(MemberNames(file, "subjects/covariates", &cov));
  PetscCall(MemberNames(file, "endpoints", &ep));
  PetscCall(ReadGroupColumns(file, "subjects/covariates", &cov, &cv));
  PetscCall(ReadGroupColumns(file, "endpoints", &ep, &ev));
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "endpoints", &endpoints.n, &endpoints.width, &endpoints.names));
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(g = H5Gopen2(file, "subjects", H5P_DEFAULT));
  PetscCall(TTStoreReadDoubles(g, "prognostic_score", &n, dims, &prog));
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTStoreOpenCSV(dir, "subjects.csv", &f));
  fprintf(f, "%s,%s,%s,%s,%s", ids[0], ids[1], ids[2], ids[3], ids[4]);
  for (PetscInt c = 0; c < cov.n; c++) fprintf(f, ",%s", cov.names + c * cov.width);
  for (PetscInt e = 0; e < endpoints.n; e++) fprintf(f, ",prognostic_score_%s", endpoints.names + e * endpoints.width);
  for (PetscInt e = 0; e < ep.n; e++) fprintf(f, ",%s", ep.names + e * ep.width);
  fprintf(f, "\n");
  for (PetscInt i = 0; i < rows; i++) {
    fprintf(f, "%d,%d,%s,%d", (int) id[0][i], (int) id[1][i], arms->names + (PetscInt) id[2][i] * arms->width,
            (int) id[3][i]);
    TTStorePutValue(f, id[4][i]);
    for (PetscInt c = 0; c < cov.n; c++) TTStorePutValue(f, cv[c][i]);
    for (PetscInt e = 0; e < endpoints.n; e++) TTStorePutValue(f, prog[i * endpoints.n + e]);
    for (PetscInt e = 0; e < ep.n; e++) TTStorePutValue(f, ev[e][i]);
    fprintf(f, "\n");
  }
  fclose(f);
  PetscCall(FreeColumns(cov.n, &cv));
  PetscCall(FreeColumns(ep.n, &ev));
  PetscCall(PetscFree(prog));
  PetscCall(PetscFree(cov.names));
  PetscCall(PetscFree(ep.names));
  PetscCall(PetscFree(endpoints.names));
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
  PetscCall(MemberNames(file, "outcomes", &var));
  PetscCall(ReadGroupColumns(file, "outcomes", &var, &val));
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadDoubles(g, "visits", &nv, dims, &visits));
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTStoreOpenCSV(dir, "outcomes.csv", &f));
  fprintf(f, "replicate,subject,arm,visit,variable,value\n");
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt k = 0; k < var.n; k++)
      for (PetscInt v = 0; v < nv; v++) {
        fprintf(f, "%d,%d,%s,%.17g,%s", (int) id[0][i], (int) id[1][i], arms->names + (PetscInt) id[2][i] * arms->width,
                visits[v], var.names + k * var.width);
        TTStorePutValue(f, val[k][i * nv + v]);
        fprintf(f, "\n");
      }
  fclose(f);
  PetscCall(FreeColumns(var.n, &val));
  PetscCall(PetscFree(visits));
  PetscCall(PetscFree(var.names));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExportSubjects(hid_t file, const char *dir)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  Names                    arms;
  double                  *id[5];
  PetscInt                 rows = 0;
  hsize_t                  dims[3];
  hid_t                    g;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "arms", &arms.n, &arms.width, &arms.names));
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(g = H5Gopen2(file, "subjects", H5P_DEFAULT));
  for (int k = 0; k < 5; k++) PetscCall(TTStoreReadDoubles(g, ids[k], &rows, dims, &id[k]));
  TTCallHDF5(H5Gclose(g));
  PetscCall(WriteSubjects(file, dir, &arms, (const double **) id, rows));
  PetscCall(WriteOutcomes(file, dir, &arms, (const double **) id, rows));
  for (int k = 0; k < 5; k++) PetscCall(PetscFree(id[k]));
  PetscCall(PetscFree(arms.names));
  PetscFunctionReturn(0);
}
