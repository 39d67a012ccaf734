/* fuzz_model.c — libFuzzer target: a model file through the model-language parser and
 * checker (TTModelLangParse) and, when it parses, the code generator and the viewer
 * (TTModelLangGenerate, TTModelLangView into /dev/null). Nothing is compiled.
 * Findings: crashes, sanitizer reports, leaks, timeouts, and any error that is not a
 * one-line user error (PETSC_ERR_USER). */
#include "fuzz_common.h"
#include <twintrial/modellang.h>

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc, (void) argv;
  TTFuzzSetUp();
  devnull = fopen("/dev/null", "w");
  if (!devnull) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char    *path = TTFuzzWrite("model.yaml", data, size);
  TTModelLang    ml   = NULL;
  PetscErrorCode ierr = TTModelLangParse(path, &ml);
  if (!ierr) ierr = TTModelLangGenerate(ml, devnull);
  if (!ierr) ierr = TTModelLangView(ml, devnull);
  TTFuzzCheckError(ierr, path, 0);
  if (TTModelLangDestroy(&ml)) abort();
  return 0;
}
