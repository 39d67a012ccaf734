/* fuzz_twin.c — libFuzzer target: personalisation inputs through TTPatientsRead for the
 * protocol tests/data/twin/ad.yaml (bound once). The input is OBS.csv up to its first form
 * feed and COV.csv after it; without a form feed COV.csv is tests/data/twin/ad_cov.csv.
 * On success every patient is visited through TTPatientsGet and its invariants checked
 * (observations sorted by time, covariates finite, an arm index in range).
 * Findings as for fuzz_protocol: crashes, leaks, timeouts, a broken invariant and any
 * error that is not a one-line user error. */
#include "fuzz_common.h"
#include <math.h>
#include <twintrial/twin.h>

static TTProtocol *protocol;
static TTTrial     trial;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void) argc, (void) argv;
  TTFuzzSetUp();
  if (TTProtocolLoad(TT_SOURCE_DIR "/tests/data/twin/ad.yaml", &protocol)) abort();
  if (TTTrialCreate(protocol, &trial)) abort();
  return 0;
}

static void Check(TTPatients P)
{
  PetscInt n;
  if (TTPatientsGetSize(P, &n) || n < 1) abort();
  for (PetscInt i = 0; i < n; i++) {
    TTPatient p;
    if (TTPatientsGet(P, i, &p) || p.nobs < 1 || p.arm < -1 || p.arm >= protocol->narm) abort();
    for (int j = 0; j < 4; j++)
      if (!isfinite(p.cov[j])) abort();
    for (PetscInt k = 0; k < p.nobs; k++)
      if (!isfinite(p.t[k]) || !isfinite(p.value[k]) || p.var[k] != 0 || (k && p.t[k] < p.t[k - 1])) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *ff   = memchr(data, '\f', size);
  size_t         nobs = ff ? (size_t) (ff - data) : size;
  char           obs[8192], cov[8192];
  TTPatients     P = NULL;
  PetscErrorCode ierr;
  snprintf(obs, sizeof obs, "%s", TTFuzzWrite("obs.csv", data, nobs));
  if (ff)
    snprintf(cov, sizeof cov, "%s", TTFuzzWrite("cov.csv", ff + 1, size - nobs - 1));
  else
    snprintf(cov, sizeof cov, "%s", TT_SOURCE_DIR "/tests/data/twin/ad_cov.csv");
  ierr = TTPatientsRead(trial, obs, cov, &P);
  if (!ierr) Check(P);
  TTFuzzCheckError(ierr, obs, 0);
  if (TTPatientsDestroy(&P)) abort();
  return 0;
}
