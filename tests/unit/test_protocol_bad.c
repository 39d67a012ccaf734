/* test_protocol_bad.c — one bad protocol fixture per run: TTProtocolLoad must fail
 * with PETSC_ERR_USER and the located message written on the fixture's first line
 * ("# expect: LINE:COL: KEY: TEXT"). Usage: test_protocol_bad FIXTURE.yaml */
#include <twintrial/protocol.h>
#include "fixture_expect.h"

int main(int argc, char **argv)
{
  TTProtocol    *p = NULL;
  PetscErrorCode ierr;
  int            fail;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc < 2) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "usage: test_protocol_bad FIXTURE.yaml");
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTProtocolLoad(argv[1], &p);
  PetscCall(PetscPopErrorHandler());
  fail = tt_fixture_check(argv[1], ierr);
  if (!fail && p) fail = 1, fprintf(stderr, "protocol not NULL after an error\n");
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(PetscFinalize());
  return fail;
}
