/* fuzz_protocol.c — libFuzzer target: a protocol file through the parser
 * (TTProtocolLoad) and, when it parses, the validator that binds it to its model
 * and cohort (TTTrialCreate), exactly as `twintrial validate` does.
 * Findings: crashes, sanitizer reports, leaks, timeouts, and any error that is not
 * a one-line user error (PETSC_ERR_USER), since a bad protocol must exit 1. */
#include "fuzz_common.h"
#include <twintrial/protocol.h>
#include <twintrial/trial.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc, (void) argv;
  TTFuzzSetUp();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char    *path  = TTFuzzWrite("protocol.yaml", data, size);
  TTProtocol    *p     = NULL;
  TTTrial        trial = NULL;
  PetscErrorCode ierr  = TTProtocolLoad(path, &p);
  if (!ierr) ierr = TTTrialCreate(p, &trial);
  TTFuzzCheckError(ierr, path, 0);
  if (TTTrialDestroy(&trial) || TTProtocolDestroy(&p)) abort();
  return 0;
}
