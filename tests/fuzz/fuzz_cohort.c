/* fuzz_cohort.c — libFuzzer target: a cohort spec through TTCohortCreateFromFile
 * and, when it parses, one draw of twin (0, 0) (criteria evaluation, copula,
 * screening). Built twice: as fuzz_cohort on YAML specs and, with
 * TT_FUZZ_COHORT_FILE "cohort.csv", as fuzz_cohort_csv on CSV tables (cohort_csv.c).
 * Findings as for fuzz_protocol: crashes, leaks, timeouts and any error that is not
 * a one-line user error. */
#include "fuzz_common.h"
#include <twintrial/cohort.h>

#ifndef TT_FUZZ_COHORT_FILE
#define TT_FUZZ_COHORT_FILE "cohort.yaml"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc, (void) argv;
  TTFuzzSetUp();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char    *path   = TTFuzzWrite(TT_FUZZ_COHORT_FILE, data, size);
  TTCohort       cohort = NULL;
  PetscErrorCode ierr   = TTCohortCreateFromFile(path, &cohort);
  if (!ierr) {
    double   x[64];
    PetscInt n, screen;
    ierr = TTCohortGetCovariates(cohort, &n, NULL);
    if (!ierr && n <= 64) ierr = TTCohortDraw(cohort, 20261124, 0, 0, x, &screen);
  }
  TTFuzzCheckError(ierr, path, 0);
  if (TTCohortDestroy(&cohort)) abort();
  return 0;
}
