/* h5.h — thin, checked wrappers over the HDF5 calls twintrial repeats (src/store/h5util.c),
 * shared by the modules that write results files (store, twin). Plain HDF5 handles; every
 * failure is PETSC_ERR_LIB naming the call. */
#ifndef TWINTRIAL_H5_H
#define TWINTRIAL_H5_H

#include <hdf5.h>
#include <petscsys.h>

/* HDF5 calls return a negative value on failure. */
#define TTCallHDF5(call)                                                                                               \
  do {                                                                                                                 \
    if ((call) < 0) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call failed: %s", #call);                            \
  } while (0)

/* Small typed helpers (h5util.c). All create/write calls are collective when the
 * file is parallel unless stated; *_raw writes are independent. */
PetscErrorCode TTH5WriteStringAttr(hid_t obj, const char *name, const char *value);
PetscErrorCode TTH5WriteDoubleAttr(hid_t obj, const char *name, double value);
PetscErrorCode TTH5WriteInt64Attr(hid_t obj, const char *name, long long value);
PetscErrorCode TTH5WriteDoubleArrayAttr(hid_t obj, const char *name, int n, const double *v);
/* n fixed-length strings (the width of the longest) as one attribute. */
PetscErrorCode TTH5WriteStringArrayAttr(hid_t obj, const char *name, int n, const char *const s[]);
PetscErrorCode TTH5ReadDoubleAttr(hid_t obj, const char *name, double *value);
PetscErrorCode TTH5ReadStringAttr(hid_t obj, const char *name, char *buf, size_t len);
/* Creates a dataset of `type`, rank 1–3, contiguous, filled with NaN / -1. */
PetscErrorCode TTH5CreateDataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t dims[], hid_t *dset);
/* Creates a scalar fixed-length string dataset; its bytes are written by rank 0 only. */
PetscErrorCode TTH5CreateText(hid_t loc, const char *name, const char *text, PetscBool writer);
/* Creates a 1-D fixed-length string array dataset; written by rank 0 only. */
PetscErrorCode TTH5CreateStrings(hid_t loc, const char *name, int n, const char *const s[], PetscBool writer);
/* Create (collective) or open an existing group / dataset; opening checks the extent. */
PetscErrorCode TTH5Group(hid_t loc, const char *name, PetscBool create, hid_t *g);
PetscErrorCode TTH5Dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t dims[], PetscBool create,
                           hid_t *dset);
/* A scalar fixed-length string dataset, allocated with PetscMalloc. */
PetscErrorCode TTH5ReadText(hid_t loc, const char *name, char **text);
/* Independent write of rows [row0, row0+nrow) of a dataset whose other dims are full. */
PetscErrorCode TTH5WriteRows(hid_t dset, hid_t memtype, hsize_t row0, hsize_t nrow, const void *buf);
PetscErrorCode TTH5ReadRows(hid_t dset, hid_t memtype, hsize_t row0, hsize_t nrow, void *buf);

#endif
