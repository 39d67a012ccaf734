/* tt_modellang_load.h — the model-file unit tests' loader: FILE is a path relative to the
 * source tree when it holds a '/', else a name in tests/data/models/good/. Aborts on a
 * load error (the tests check loading elsewhere). Not collective (PETSC_COMM_SELF). */
#ifndef TT_MODELLANG_LOAD_H
#define TT_MODELLANG_LOAD_H
#include <stdio.h>
#include <string.h>
#include <twintrial/modellang.h>

static inline const TTModelType *tt_modellang_load(const char *file)
{
  const TTModelType *m;
  char               path[1024];
  snprintf(path, sizeof path, "%s/%s%s", TT_SOURCE_DIR, strchr(file, '/') ? "" : "tests/data/models/good/", file);
  PetscCallAbort(PETSC_COMM_SELF, TTModelLangLoad(PETSC_COMM_SELF, path, &m));
  return m;
}
#endif
