/* store_mmrm.c — the covariance structure each mmrm analysis fitted, per replicate and
 * counted, and each mi analysis's fraction of missing information per replicate.
 *
 * Owns /analyses/<name>/covariance for method mmrm only: [replicate] int, the structure
 * fitted after any fallback (tt_mmrm_cov: the dataset's attribute `codes` names them) or
 * -1 where no structure converged; and the /summary/<name> attribute covariance_fitted
 * that counts them ("unstructured 38; toeplitz 2"). A row is written as its replicate is
 * stored (rank 0) before the replicate is marked done; the counts are read back from the
 * stored rows, so a resumed run counts like an uninterrupted one. For method mi only:
 * /analyses/<name>/fmi, [replicate] double, NaN where the analysis failed.
 */
#include <string.h>
#include "storeimpl.h"

PetscErrorCode TTStoreMmrmSetUp(TTStore st, PetscInt k, hid_t ga, PetscBool create)
{
  hsize_t n          = (hsize_t) st->p->replicates;
  char    codes[512] = "-1 none converged";

  PetscFunctionBeginUser;
  if (k == 0) PetscCall(PetscMalloc2(st->p->nanalysis, &st->mmrmcov, st->p->nanalysis, &st->mifmi));
  st->mmrmcov[k] = st->mifmi[k] = -1;
  if (st->p->analysis[k].method == TT_ANALYSIS_MI) {
    PetscCall(TTH5Dataset(ga, "fmi", H5T_NATIVE_DOUBLE, 1, &n, create, &st->mifmi[k]));
    if (create)
      PetscCall(TTH5WriteStringAttr(st->mifmi[k], "meaning",
                                    "fraction of missing information of the pooled estimate, (r + 2 / (df + 3)) / (r "
                                    "+ 1) with r the relative increase in variance (Rubin 1987; mice::pool)"));
  }
  if (st->p->analysis[k].method != TT_ANALYSIS_MMRM) PetscFunctionReturn(0);
  PetscCall(TTH5Dataset(ga, "covariance", H5T_STD_I32LE, 1, &n, create, &st->mmrmcov[k]));
  if (!create) PetscFunctionReturn(0);
  for (int c = 0; c < TT_MMRM_NCOV; c++) {
    char one[64];
    snprintf(one, sizeof one, "; %d %s", c, tt_mmrm_cov_name((tt_mmrm_cov) c));
    PetscCall(PetscStrlcat(codes, one, sizeof codes));
  }
  PetscCall(TTH5WriteStringAttr(st->mmrmcov[k], "codes", codes));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreMmrmWrite(TTStore st, const TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < st->p->nanalysis; k++) {
    if (st->mmrmcov[k] >= 0)
      PetscCall(TTH5WriteRows(st->mmrmcov[k], H5T_NATIVE_INT, (hsize_t) res->replicate, 1, &res->covariance[k]));
    if (st->mifmi[k] >= 0)
      PetscCall(TTH5WriteRows(st->mifmi[k], H5T_NATIVE_DOUBLE, (hsize_t) res->replicate, 1, &res->fmi[k]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreMmrmCount(TTStore st, PetscInt k, char *out, size_t len)
{
  PetscInt R                       = st->p->replicates;
  long     count[TT_MMRM_NCOV + 1] = {0};
  int     *v;

  PetscFunctionBeginUser;
  out[0] = 0;
  if (st->mmrmcov[k] < 0) PetscFunctionReturn(0);
  PetscCall(PetscMalloc1(R, &v));
  TTCallHDF5(H5Dread(st->mmrmcov[k], H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
  for (PetscInt r = 0; r < R; r++) count[v[r] >= 0 && v[r] < TT_MMRM_NCOV ? v[r] : TT_MMRM_NCOV]++;
  PetscCall(PetscFree(v));
  for (int c = 0; c <= TT_MMRM_NCOV; c++) {
    char one[64];
    if (!count[c]) continue;
    snprintf(one, sizeof one, "%s%s %ld", out[0] ? "; " : "",
             c < TT_MMRM_NCOV ? tt_mmrm_cov_name((tt_mmrm_cov) c) : "none", count[c]);
    PetscCall(PetscStrlcat(out, one, len));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreMmrmClose(TTStore st)
{
  PetscFunctionBeginUser;
  if (st->mmrmcov)
    for (PetscInt k = 0; k < st->p->nanalysis; k++) {
      if (st->mmrmcov[k] >= 0) TTCallHDF5(H5Dclose(st->mmrmcov[k]));
      if (st->mifmi[k] >= 0) TTCallHDF5(H5Dclose(st->mifmi[k]));
    }
  PetscCall(PetscFree2(st->mmrmcov, st->mifmi));
  PetscFunctionReturn(0);
}
