/* test_modellang_bad.c — one bad model file per run: TTModelLangParse must fail with
 * PETSC_ERR_USER and the located message on the fixture's first line ("# expect:
 * LINE:COL: KEY: TEXT"). Usage: test_modellang_bad FIXTURE.yaml */
#include <twintrial/modellang.h>
#include "fixture_expect.h"

int main(int argc, char **argv)
{
  TTModelLang    ml = NULL;
  PetscErrorCode ierr;
  int            fail;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc < 2) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "usage: test_modellang_bad FIXTURE.yaml");
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTModelLangParse(argv[1], &ml);
  PetscCall(PetscPopErrorHandler());
  fail = tt_fixture_check(argv[1], ierr);
  if (!fail && ml) fail = 1, fprintf(stderr, "model not NULL after an error\n");
  PetscCall(TTModelLangDestroy(&ml));
  PetscCall(PetscFinalize());
  return fail;
}
