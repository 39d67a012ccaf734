/* store_columns.c — the further columns of analyses.csv: every per-replicate dataset of
 * /analyses/<name> beyond the known columns (km_median, ...), so the CSV holds all that
 * the file holds per replicate, as the readers do. A dataset is per replicate when it is
 * numeric and its first dimension is the number of replicates; its trailing dimensions
 * are flattened last-fastest into <name>_1 ... <name>_k. Columns are the union over
 * analyses in name order; an analysis without a dataset has NA there. Not collective.
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

static herr_t AddAnalysisDataset(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
  Names *nm = (Names *) ctx;
  (void) info;
  for (int c = 0; c < TT_NCOLUMN; c++)
    if (!strcmp(name, tt_store_columns[c])) return 0;
  if (!strcmp(name, "reason")) return 0; /* a string, written after ok (store_reason.c) */
  if (H5Oexists_by_name(g, name, H5P_DEFAULT) <= 0 || strlen(name) >= nm->width) return 0;
  if (nm->n == TT_MAX_EXTRA_COLUMNS) return -1;
  strcpy(nm->names + nm->n++ * nm->width, name);
  return 0;
}

/* A numeric dataset whose first dimension is the replicate: *width values per
 * replicate (the product of the other dimensions); 0 for anything else. */
static PetscErrorCode PerReplicateWidth(hid_t g, const char *name, hsize_t rows, PetscInt *width)
{
  hid_t       d, type, space;
  H5T_class_t cls;
  int         rank;
  hsize_t     dims[3] = {0, 1, 1};

  PetscFunctionBeginUser;
  *width = 0;
  if (H5Oexists_by_name(g, name, H5P_DEFAULT) <= 0) PetscFunctionReturn(0);
  {
    H5O_info_t oi;
    TTCallHDF5(H5Oget_info_by_name(g, name, &oi, H5P_DEFAULT));
    if (oi.type != H5O_TYPE_DATASET) PetscFunctionReturn(0);
  }
  TTCallHDF5(d = H5Dopen2(g, name, H5P_DEFAULT));
  TTCallHDF5(type = H5Dget_type(d));
  TTCallHDF5(space = H5Dget_space(d));
  cls  = H5Tget_class(type);
  rank = H5Sget_simple_extent_ndims(space);
  if (rank >= 1 && rank <= 3) TTCallHDF5(H5Sget_simple_extent_dims(space, dims, NULL));
  if ((cls == H5T_INTEGER || cls == H5T_FLOAT) && rank >= 1 && rank <= 3 && dims[0] == rows)
    *width = (PetscInt) (dims[1] * dims[2]);
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Tclose(type));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreExtraColumnsCollect(hid_t file, PetscInt na, const char *names, size_t width,
                                          TTStoreExtraColumns *x)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(x, sizeof(*x)));
  for (PetscInt k = 0; k < na; k++) {
    Names    nm = {0, sizeof(x->name[0]), NULL};
    hid_t    g;
    PetscInt rows, w;
    hsize_t  dims[3];
    double  *rep;
    char     path[320];

    snprintf(path, sizeof path, "analyses/%s", names + k * width);
    if (H5Lexists(file, "analyses", H5P_DEFAULT) <= 0 || H5Lexists(file, path, H5P_DEFAULT) <= 0) continue;
    TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
    PetscCall(TTStoreReadDoubles(g, "replicate", &rows, dims, &rep));
    PetscCall(PetscFree(rep));
    PetscCall(PetscCalloc1(TT_MAX_EXTRA_COLUMNS * nm.width, &nm.names));
    TTCallHDF5(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, AddAnalysisDataset, &nm));
    for (PetscInt i = 0; i < nm.n; i++) {
      const char *name = nm.names + i * nm.width;
      PetscInt    j    = 0;
      PetscCall(PerReplicateWidth(g, name, (hsize_t) rows, &w));
      if (!w) continue;
      while (j < x->n && strcmp(x->name[j], name) < 0) j++;
      if (j < x->n && !strcmp(x->name[j], name)) {
        PetscCheck(x->width[j] == w, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                   "analyses/*/%s: expected the same shape in every analysis", name);
        continue;
      }
      PetscCheck(x->n < TT_MAX_EXTRA_COLUMNS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "expected at most %d further datasets in /analyses/<name>", TT_MAX_EXTRA_COLUMNS);
      for (PetscInt m = x->n; m > j; m--) {
        PetscCall(PetscStrncpy(x->name[m], x->name[m - 1], sizeof x->name[m]));
        x->width[m] = x->width[m - 1];
      }
      PetscCall(PetscStrncpy(x->name[j], name, sizeof x->name[j]));
      x->width[j] = w;
      x->n++;
    }
    PetscCall(PetscFree(nm.names));
    TTCallHDF5(H5Gclose(g));
  }
  PetscFunctionReturn(0);
}

void TTStoreExtraColumnsHeader(FILE *f, const TTStoreExtraColumns *x)
{
  for (PetscInt j = 0; j < x->n; j++)
    if (x->width[j] == 1)
      fprintf(f, ",%s", x->name[j]);
    else
      for (PetscInt c = 0; c < x->width[j]; c++) fprintf(f, ",%s_%d", x->name[j], (int) c + 1);
}

PetscErrorCode TTStoreExtraColumnsRead(hid_t g, PetscInt rows, TTStoreExtraColumns *x)
{
  PetscFunctionBeginUser;
  PetscCall(TTStoreExtraColumnsFree(x));
  for (PetscInt j = 0; j < x->n; j++) {
    PetscInt w, n;
    hsize_t  dims[3];
    PetscCall(PerReplicateWidth(g, x->name[j], (hsize_t) rows, &w));
    if (w != x->width[j]) continue; /* this analysis has none: NA */
    PetscCall(TTStoreReadDoubles(g, x->name[j], &n, dims, &x->value[j]));
  }
  PetscFunctionReturn(0);
}

void TTStoreExtraColumnsPut(FILE *f, const TTStoreExtraColumns *x, PetscInt r)
{
  for (PetscInt j = 0; j < x->n; j++)
    for (PetscInt c = 0; c < x->width[j]; c++) TTStorePutValue(f, x->value[j] ? x->value[j][r * x->width[j] + c] : NAN);
}

PetscErrorCode TTStoreExtraColumnsFree(TTStoreExtraColumns *x)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < x->n; j++) PetscCall(PetscFree(x->value[j]));
  PetscFunctionReturn(0);
}
