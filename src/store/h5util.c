/* h5util.c — thin, checked wrappers over the HDF5 calls the store repeats.
 * Invariant: every hid_t opened here is closed here, also on error paths that
 * return through TTCallHDF5 (leaks on error are acceptable: the run is ending). */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

static PetscErrorCode WriteAttr(hid_t obj, const char *name, hid_t type, const void *v)
{
  hid_t space, attr;

  PetscFunctionBeginUser;
  TTCallHDF5(space = H5Screate(H5S_SCALAR));
  TTCallHDF5(attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  TTCallHDF5(H5Awrite(attr, type, v));
  TTCallHDF5(H5Aclose(attr));
  TTCallHDF5(H5Sclose(space));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteStringAttr(hid_t obj, const char *name, const char *value)
{
  hid_t type;

  PetscFunctionBeginUser;
  TTCallHDF5(type = H5Tcopy(H5T_C_S1));
  TTCallHDF5(H5Tset_size(type, strlen(value) + 1));
  PetscCall(WriteAttr(obj, name, type, value));
  TTCallHDF5(H5Tclose(type));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteDoubleAttr(hid_t obj, const char *name, double value)
{
  PetscFunctionBeginUser;
  PetscCall(WriteAttr(obj, name, H5T_NATIVE_DOUBLE, &value));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteInt64Attr(hid_t obj, const char *name, long long value)
{
  PetscFunctionBeginUser;
  PetscCall(WriteAttr(obj, name, H5T_NATIVE_LLONG, &value));
  PetscFunctionReturn(0);
}

/* An attribute read into one value must hold exactly one (a damaged file may hold an array). */
static PetscErrorCode CheckScalarAttr(hid_t attr, const char *name)
{
  hid_t    space;
  hssize_t npoints;

  PetscFunctionBeginUser;
  TTCallHDF5(space = H5Aget_space(attr));
  TTCallHDF5(npoints = H5Sget_simple_extent_npoints(space));
  TTCallHDF5(H5Sclose(space));
  PetscCheck(npoints == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "attribute %s: expected one value, found %lld",
             name, (long long) npoints);
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5ReadDoubleAttr(hid_t obj, const char *name, double *value)
{
  hid_t attr;

  PetscFunctionBeginUser;
  TTCallHDF5(attr = H5Aopen(obj, name, H5P_DEFAULT));
  PetscCall(CheckScalarAttr(attr, name));
  TTCallHDF5(H5Aread(attr, H5T_NATIVE_DOUBLE, value));
  TTCallHDF5(H5Aclose(attr));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5ReadStringAttr(hid_t obj, const char *name, char *buf, size_t len)
{
  hid_t attr, ftype, mtype;

  PetscFunctionBeginUser;
  TTCallHDF5(attr = H5Aopen(obj, name, H5P_DEFAULT));
  PetscCall(CheckScalarAttr(attr, name));
  TTCallHDF5(ftype = H5Aget_type(attr));
  PetscCheck(H5Tget_class(ftype) == H5T_STRING && !H5Tis_variable_str(ftype) && H5Tget_size(ftype) <= len,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "attribute %s is not a string of at most %zu bytes", name,
             len);
  TTCallHDF5(mtype = H5Tcopy(H5T_C_S1));
  TTCallHDF5(H5Tset_size(mtype, len));
  memset(buf, 0, len);
  TTCallHDF5(H5Aread(attr, mtype, buf));
  buf[len - 1] = 0;
  TTCallHDF5(H5Tclose(mtype));
  TTCallHDF5(H5Tclose(ftype));
  TTCallHDF5(H5Aclose(attr));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t dims[], hid_t *dset)
{
  hid_t     space, dcpl;
  double    nan    = NAN;
  long long minus1 = -1;

  PetscFunctionBeginUser;
  TTCallHDF5(space = H5Screate_simple(rank, dims, NULL));
  TTCallHDF5(dcpl = H5Pcreate(H5P_DATASET_CREATE));
  if (H5Tequal(type, H5T_NATIVE_DOUBLE) > 0)
    TTCallHDF5(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan));
  else if (H5Tget_class(type) == H5T_INTEGER)
    TTCallHDF5(H5Pset_fill_value(dcpl, H5T_NATIVE_LLONG, &minus1));
  TTCallHDF5(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
  TTCallHDF5(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC));
  TTCallHDF5(*dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  TTCallHDF5(H5Pclose(dcpl));
  TTCallHDF5(H5Sclose(space));
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateFixedStrings(hid_t loc, const char *name, int rank, hsize_t n, size_t width,
                                         const void *data, PetscBool writer)
{
  hid_t type, space, dset;

  PetscFunctionBeginUser;
  TTCallHDF5(type = H5Tcopy(H5T_C_S1));
  TTCallHDF5(H5Tset_size(type, width));
  TTCallHDF5(space = rank ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR));
  TTCallHDF5(dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (writer) TTCallHDF5(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  TTCallHDF5(H5Dclose(dset));
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Tclose(type));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5CreateText(hid_t loc, const char *name, const char *text, PetscBool writer)
{
  PetscFunctionBeginUser;
  PetscCall(CreateFixedStrings(loc, name, 0, 1, strlen(text) + 1, text, writer));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5CreateStrings(hid_t loc, const char *name, int n, const char *const s[], PetscBool writer)
{
  size_t width = 1;
  char  *buf;

  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) width = PetscMax(width, strlen(s[i]) + 1);
  PetscCall(PetscCalloc1(n * width + 1, &buf));
  for (int i = 0; i < n; i++) memcpy(buf + i * width, s[i], strlen(s[i]));
  PetscCall(CreateFixedStrings(loc, name, 1, (hsize_t) n, width, buf, writer));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

/* Rows [row0, row0 + nrow) of dset, every trailing dimension whole, written from or
 * read into buf. */
static PetscErrorCode TransferRows(hid_t dset, hid_t memtype, hsize_t row0, hsize_t nrow, void *buf, PetscBool write)
{
  hid_t   fspace, mspace;
  hsize_t dims[3], start[3] = {0, 0, 0}, count[3];
  int     rank;

  PetscFunctionBeginUser;
  if (nrow == 0) PetscFunctionReturn(0);
  TTCallHDF5(fspace = H5Dget_space(dset));
  TTCallHDF5(rank = H5Sget_simple_extent_ndims(fspace));
  TTCallHDF5(H5Sget_simple_extent_dims(fspace, dims, NULL));
  for (int i = 0; i < rank; i++) count[i] = dims[i];
  start[0] = row0;
  count[0] = nrow;
  TTCallHDF5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL));
  TTCallHDF5(mspace = H5Screate_simple(rank, count, NULL));
  if (write)
    TTCallHDF5(H5Dwrite(dset, memtype, mspace, fspace, H5P_DEFAULT, buf));
  else
    TTCallHDF5(H5Dread(dset, memtype, mspace, fspace, H5P_DEFAULT, buf));
  TTCallHDF5(H5Sclose(mspace));
  TTCallHDF5(H5Sclose(fspace));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteRows(hid_t dset, hid_t memtype, hsize_t row0, hsize_t nrow, const void *buf)
{
  PetscFunctionBeginUser;
  PetscCall(TransferRows(dset, memtype, row0, nrow, (void *) buf, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5ReadRows(hid_t dset, hid_t memtype, hsize_t row0, hsize_t nrow, void *buf)
{
  PetscFunctionBeginUser;
  PetscCall(TransferRows(dset, memtype, row0, nrow, buf, PETSC_FALSE));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5StageSetUp(TTH5Stage *s, hid_t dset, hid_t memtype)
{
  hid_t   fspace;
  hsize_t dims[3];
  int     rank;
  size_t  size;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  s->d = dset;
  if (dset < 0) PetscFunctionReturn(0);
  TTCallHDF5(fspace = H5Dget_space(dset));
  TTCallHDF5(rank = H5Sget_simple_extent_ndims(fspace));
  TTCallHDF5(H5Sget_simple_extent_dims(fspace, dims, NULL));
  TTCallHDF5(H5Sclose(fspace));
  size = H5Tget_size(memtype);
  PetscCheck(size > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call failed: H5Tget_size");
  s->memtype  = memtype;
  s->rowbytes = size;
  for (int i = 1; i < rank; i++) s->rowbytes *= (size_t) dims[i];
  s->rows = dims[0];
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5StageAllocate(TTH5Stage *s, hsize_t cap)
{
  PetscFunctionBeginUser;
  if (s->d < 0) PetscFunctionReturn(0);
  s->cap = PetscMin(cap, s->rows);
  PetscCall(PetscFree(s->buf));
  PetscCall(PetscMalloc1(s->cap * s->rowbytes, &s->buf));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5StageFlush(TTH5Stage *s)
{
  PetscFunctionBeginUser;
  if (s->d < 0 || !s->nrow) PetscFunctionReturn(0);
  PetscCall(TTH5WriteRows(s->d, s->memtype, s->row0, s->nrow, s->buf));
  s->nrow = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5StageRows(TTH5Stage *s, hsize_t row0, hsize_t nrow, const void *rows)
{
  PetscFunctionBeginUser;
  if (s->d < 0 || !nrow) PetscFunctionReturn(0);
  if (s->nrow && (row0 != s->row0 + s->nrow || s->nrow + nrow > s->cap)) PetscCall(TTH5StageFlush(s));
  if (nrow > s->cap) {
    PetscCall(TTH5WriteRows(s->d, s->memtype, row0, nrow, rows));
    PetscFunctionReturn(0);
  }
  if (!s->nrow) s->row0 = row0;
  PetscCall(PetscMemcpy(s->buf + s->nrow * s->rowbytes, rows, nrow * s->rowbytes));
  s->nrow += nrow;
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5StageDestroy(TTH5Stage *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->buf));
  s->nrow = s->cap = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5Group(hid_t loc, const char *name, PetscBool create, hid_t *g)
{
  PetscFunctionBeginUser;
  if (create)
    TTCallHDF5(*g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  else {
    *g = H5Gopen2(loc, name, H5P_DEFAULT);
    PetscCheck(*g >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "the results file has no group '%s'", name);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5Dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t dims[], PetscBool create,
                           hid_t *dset)
{
  hid_t   space;
  hsize_t have[3];
  int     r;

  PetscFunctionBeginUser;
  if (create) {
    PetscCall(TTH5CreateDataset(loc, name, type, rank, dims, dset));
    PetscFunctionReturn(0);
  }
  *dset = H5Dopen2(loc, name, H5P_DEFAULT);
  PetscCheck(*dset >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "the results file has no dataset '%s'", name);
  TTCallHDF5(space = H5Dget_space(*dset));
  TTCallHDF5(r = H5Sget_simple_extent_ndims(space));
  PetscCheck(r == rank && r <= 3, PETSC_COMM_SELF, PETSC_ERR_USER, "dataset '%s' has rank %d; expected %d", name, r,
             rank);
  TTCallHDF5(H5Sget_simple_extent_dims(space, have, NULL));
  for (int i = 0; i < rank; i++)
    PetscCheck(have[i] == dims[i], PETSC_COMM_SELF, PETSC_ERR_USER,
               "dataset '%s' has extent %llu in dimension %d; "
               "expected %llu",
               name, (unsigned long long) have[i], i, (unsigned long long) dims[i]);
  TTCallHDF5(H5Sclose(space));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5ReadText(hid_t loc, const char *name, char **text)
{
  hid_t  d, type;
  size_t n;

  PetscFunctionBeginUser;
  *text = NULL;
  d     = H5Dopen2(loc, name, H5P_DEFAULT);
  PetscCheck(d >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "the results file has no text '%s'", name);
  TTCallHDF5(type = H5Dget_type(d));
  PetscCheck(H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type), PETSC_COMM_SELF, PETSC_ERR_USER,
             "'%s' is not a fixed-length string", name);
  n = H5Tget_size(type);
  PetscCall(PetscCalloc1(n + 1, text));
  TTCallHDF5(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *text));
  TTCallHDF5(H5Tclose(type));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteDoubleArrayAttr(hid_t obj, const char *name, int n, const double *v)
{
  hid_t   space, attr;
  hsize_t dim = (hsize_t) n;

  PetscFunctionBeginUser;
  TTCallHDF5(space = H5Screate_simple(1, &dim, NULL));
  TTCallHDF5(attr = H5Acreate2(obj, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT));
  TTCallHDF5(H5Awrite(attr, H5T_NATIVE_DOUBLE, v));
  TTCallHDF5(H5Aclose(attr));
  TTCallHDF5(H5Sclose(space));
  PetscFunctionReturn(0);
}

PetscErrorCode TTH5WriteStringArrayAttr(hid_t obj, const char *name, int n, const char *const s[])
{
  hid_t   type, space, attr;
  hsize_t dim   = (hsize_t) n;
  size_t  width = 1;
  char   *buf;

  PetscFunctionBeginUser;
  for (int i = 0; i < n; i++) width = PetscMax(width, strlen(s[i]) + 1);
  PetscCall(PetscCalloc1(n * width + 1, &buf));
  for (int i = 0; i < n; i++) memcpy(buf + i * width, s[i], strlen(s[i]));
  TTCallHDF5(type = H5Tcopy(H5T_C_S1));
  TTCallHDF5(H5Tset_size(type, width));
  TTCallHDF5(space = H5Screate_simple(1, &dim, NULL));
  TTCallHDF5(attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  TTCallHDF5(H5Awrite(attr, type, buf));
  TTCallHDF5(H5Aclose(attr));
  TTCallHDF5(H5Sclose(space));
  TTCallHDF5(H5Tclose(type));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}
