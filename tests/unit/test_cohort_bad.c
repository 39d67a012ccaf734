/* test_cohort_bad.c — one bad cohort fixture per run: TTCohortCreateFromFile must
 * fail with PETSC_ERR_USER and the located message written on the fixture's first
 * line ("# expect: LINE:COL: KEY: TEXT"). Usage: test_cohort_bad FIXTURE.yaml */
#include <twintrial/cohort.h>
#include "fixture_expect.h"

int main(int argc, char **argv)
{
  TTCohort       c = NULL;
  PetscErrorCode ierr;
  int            fail;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc < 2) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "usage: test_cohort_bad FIXTURE.yaml");
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTCohortCreateFromFile(argv[1], &c);
  PetscCall(PetscPopErrorHandler());
  fail = tt_fixture_check(argv[1], ierr);
  if (!fail && c) fail = 1, fprintf(stderr, "cohort not NULL after an error\n");
  PetscCall(TTCohortDestroy(&c));
  PetscCall(PetscFinalize());
  return fail;
}
