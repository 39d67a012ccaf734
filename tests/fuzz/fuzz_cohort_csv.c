/* fuzz_cohort_csv.c — libFuzzer target: a CSV table as a whole cohort through
 * TTCohortCreateFromFile (cohort_csv.c) and, when it parses, one draw of twin (0, 0)
 * (resampling a row). Findings as for fuzz_protocol: crashes, leaks, timeouts and
 * any error that is not a one-line user error. */
#include "fuzz_common.h"
#include <twintrial/cohort.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc, (void) argv;
  TTFuzzSetUp();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char    *path   = TTFuzzWrite("cohort.csv", data, size);
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
