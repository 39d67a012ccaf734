/* fuzz_common.h — what every libFuzzer target here shares: PETSc (and so MPI)
 * initialized once with errors returned silently, HDF5 error printing off, and a
 * private scratch directory where each input is written as a file, because the
 * readers under test take paths.
 *
 * Layout of the scratch directory D (made once per process):
 *   D/cohorts/NAME  symlinks to every cohorts/ and tests/data/cohorts/ file, so a
 *                   protocol's "cohort: ../cohorts/NAME" resolves from D/p/
 *   D/p/            where inputs are written
 * Invariant: an input file is unlinked before it is rewritten, so HDF5 never sees
 * an inode it may still hold open from the previous input. */
#ifndef TT_FUZZ_COMMON_H
#define TT_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <hdf5.h>
#include <petscsys.h>
#include <sanitizer/lsan_interface.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TT_SOURCE_DIR
#error "TT_SOURCE_DIR must name the repository"
#endif

static char tt_fuzz_dir[4096];

/* Symlinks every regular file of src into dst (existing names are kept). */
static inline void TTFuzzLinkAll(const char *src, const char *dst)
{
  DIR           *d = opendir(src);
  struct dirent *e;
  char           from[8192], to[8192];
  if (!d) return;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(from, sizeof from, "%s/%s", src, e->d_name);
    snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
    if (symlink(from, to)) continue;
  }
  closedir(d);
}

static inline void TTFuzzSetUp(void)
{
  char        path[8192];
  const char *tmp = getenv("TMPDIR");
  /* Crashes must reach libFuzzer's handlers, not Open MPI's or PETSc's. */
  setenv("OMPI_MCA_opal_signal", "", 0);
  if (PetscOptionsSetValue(NULL, "-no_signal_handler", NULL)) abort();
  __lsan_disable(); /* what MPI allocates at start-up and never frees is not ours */
  if (PetscInitializeNoArguments()) abort();
  __lsan_enable();
  if (PetscPushErrorHandler(PetscReturnErrorHandler, NULL)) abort();
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  snprintf(tt_fuzz_dir, sizeof tt_fuzz_dir, "%s/tt_fuzz_XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(tt_fuzz_dir)) abort();
  snprintf(path, sizeof path, "%s/cohorts", tt_fuzz_dir);
  if (mkdir(path, 0700)) abort();
  TTFuzzLinkAll(TT_SOURCE_DIR "/cohorts", path);
  TTFuzzLinkAll(TT_SOURCE_DIR "/tests/data/cohorts", path);
  snprintf(path, sizeof path, "%s/p", tt_fuzz_dir);
  if (mkdir(path, 0700)) abort();
}

/* Writes data[size] to D/p/name; returns the path (static storage). */
static inline const char *TTFuzzWrite(const char *name, const uint8_t *data, size_t size)
{
  static char path[8192];
  FILE       *fp;
  snprintf(path, sizeof path, "%s/p/%s", tt_fuzz_dir, name);
  unlink(path);
  fp = fopen(path, "wb");
  if (!fp) abort();
  if (size && fwrite(data, 1, size, fp) != size) abort();
  if (fclose(fp)) abort();
  return path;
}

/* A user error must be one line naming the input file; anything else (an internal
 * error code, a message without the path) is a finding. PETSC_ERR_LIB from HDF5 on
 * a damaged file is accepted only for the results reader (allow_lib). */
static inline void TTFuzzCheckError(PetscErrorCode ierr, const char *path, int allow_lib)
{
  char       *msg = NULL;
  const char *txt = NULL;
  if (!ierr) return;
  PetscErrorMessage(ierr, &txt, &msg);
  if (ierr == PETSC_ERR_USER || (allow_lib && ierr == PETSC_ERR_LIB)) {
    if (msg && strchr(msg, '\n')) {
      fprintf(stderr, "fuzz: multi-line message: %s\n", msg);
      abort();
    }
    (void) path;
    return;
  }
  fprintf(stderr, "fuzz: error code %d (%s) is not a user error: %s\n", (int) ierr, txt ? txt : "?", msg ? msg : "");
  abort();
}

#endif
