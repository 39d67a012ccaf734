/* store_reason.c — why an analysis could not be computed, per replicate and counted.
 *
 * Owns /analyses/<name>/reason: [replicate] fixed-length strings of TT_REASON_WIDTH
 * bytes, tt_stats_reason() of the analysis's status ("" when ok = 1; "separation",
 * "rank deficient", "too few events", "no variability", "not converged", ...), and the
 * /summary/<name> attribute failure_reasons that counts them ("separation 3; not
 * converged 1"; "" without failures). Rows are staged with the other analysis columns
 * (store.c, rank 0) and written at the same flush, before the replicate is marked done.
 * Invariants: a stored reason is non-empty exactly where ok = 0; the counts are read
 * back from the stored rows in replicate order, so a resumed run counts like an
 * uninterrupted one.
 */
#include <string.h>
#include "storeimpl.h"

static PetscErrorCode ReasonType(hid_t *type)
{
  PetscFunctionBeginUser;
  TTCallHDF5(*type = H5Tcopy(H5T_C_S1));
  TTCallHDF5(H5Tset_size(*type, TT_REASON_WIDTH));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreReasonSetUp(TTStore st, PetscInt k, hid_t ga, PetscBool create)
{
  hsize_t n = (hsize_t) st->p->replicates;
  hid_t   type;

  PetscFunctionBeginUser;
  if (k == 0) {
    PetscCall(PetscMalloc1(st->p->nanalysis, &st->reason));
    PetscCall(PetscCalloc1(st->p->nanalysis * TT_ROW_BUFFER, &st->reasonbuf));
  }
  PetscCall(ReasonType(&type));
  PetscCall(TTH5Dataset(ga, "reason", type, 1, &n, create, &st->reason[k]));
  TTCallHDF5(H5Tclose(type));
  PetscFunctionReturn(0);
}

void TTStoreReasonBuffer(TTStore st, PetscInt i, const TTReplicateResult *res)
{
  for (PetscInt k = 0; k < st->p->nanalysis; k++)
    st->reasonbuf[k * TT_ROW_BUFFER + i] = res->ok[k] ? 0 : res->reason[k];
}

PetscErrorCode TTStoreReasonFlush(TTStore st)
{
  char  rows[TT_ROW_BUFFER * TT_REASON_WIDTH];
  hid_t type;

  PetscFunctionBeginUser;
  PetscCall(ReasonType(&type));
  for (PetscInt k = 0; k < st->p->nanalysis; k++) {
    memset(rows, 0, sizeof(rows));
    for (PetscInt i = 0; i < st->nbuf; i++) {
      int         code = st->reasonbuf[k * TT_ROW_BUFFER + i];
      const char *why  = code ? tt_stats_reason(code) : "";
      strncpy(rows + i * TT_REASON_WIDTH, why, TT_REASON_WIDTH - 1);
    }
    PetscCall(TTH5WriteRows(st->reason[k], type, (hsize_t) st->row0, (hsize_t) st->nbuf, rows));
  }
  TTCallHDF5(H5Tclose(type));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreReasonClose(TTStore st)
{
  PetscFunctionBeginUser;
  if (st->reason)
    for (PetscInt k = 0; k < st->p->nanalysis; k++) TTCallHDF5(H5Dclose(st->reason[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreReasonFree(TTStore st)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(st->reason));
  PetscCall(PetscFree(st->reasonbuf));
  PetscFunctionReturn(0);
}

/* Index of a stored reason among the codes (TT_STATS_NCODES: unknown text). */
static int ReasonCode(const char *why)
{
  for (int c = 1; c < TT_STATS_NCODES; c++)
    if (!strcmp(why, tt_stats_reason(c))) return c;
  return TT_STATS_NCODES;
}

/* "separation 3; not converged 1" from counts per code (the last: other text). */
static void FormatCounts(const long count[TT_STATS_NCODES + 1], char *out, size_t len)
{
  size_t used = 0;
  out[0]      = 0;
  for (int c = 1; c <= TT_STATS_NCODES && used < len; c++) {
    if (!count[c]) continue;
    int w = snprintf(out + used, len - used, "%s%s %ld", used ? "; " : "",
                     c < TT_STATS_NCODES ? tt_stats_reason(c) : "other", count[c]);
    used += w > 0 ? (size_t) w : 0;
  }
}

PetscErrorCode TTStoreReasonCount(TTStore st, PetscInt k, char *out, size_t len)
{
  const PetscInt chunk                      = 1024;
  PetscInt       R                          = st->p->replicates;
  long           count[TT_STATS_NCODES + 1] = {0};
  char          *buf, why[TT_REASON_WIDTH + 1] = {0};
  hid_t          type, fspace, mspace;

  PetscFunctionBeginUser;
  PetscCall(ReasonType(&type));
  PetscCall(PetscMalloc1(chunk * TT_REASON_WIDTH, &buf));
  for (PetscInt r0 = 0; r0 < R; r0 += chunk) {
    hsize_t start = (hsize_t) r0, cnt = (hsize_t) PetscMin(chunk, R - r0);
    TTCallHDF5(fspace = H5Dget_space(st->reason[k]));
    TTCallHDF5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &cnt, NULL));
    TTCallHDF5(mspace = H5Screate_simple(1, &cnt, NULL));
    TTCallHDF5(H5Dread(st->reason[k], type, mspace, fspace, H5P_DEFAULT, buf));
    TTCallHDF5(H5Sclose(mspace));
    TTCallHDF5(H5Sclose(fspace));
    for (hsize_t i = 0; i < cnt; i++) {
      memcpy(why, buf + i * TT_REASON_WIDTH, TT_REASON_WIDTH);
      if (why[0]) count[ReasonCode(why)]++;
    }
  }
  PetscCall(PetscFree(buf));
  TTCallHDF5(H5Tclose(type));
  FormatCounts(count, out, len);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreReadReasons(hid_t g, PetscInt n, char **buf)
{
  PetscInt m;
  size_t   width;

  PetscFunctionBeginUser;
  *buf = NULL;
  if (H5Lexists(g, "reason", H5P_DEFAULT) <= 0) { /* a file written before reasons were stored */
    PetscCall(PetscCalloc1((size_t) n * TT_REASON_WIDTH + 1, buf));
    PetscFunctionReturn(0);
  }
  PetscCall(TTStoreReadStrings(g, "reason", &m, &width, buf));
  PetscCheck(m == n && width == TT_REASON_WIDTH, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "dataset 'reason': expected %d strings of %d bytes", (int) n, TT_REASON_WIDTH);
  PetscFunctionReturn(0);
}

void TTStoreReasonAt(const char *buf, PetscInt r, char why[TT_REASON_WIDTH + 1])
{
  memcpy(why, buf + (size_t) r * TT_REASON_WIDTH, TT_REASON_WIDTH);
  why[TT_REASON_WIDTH] = 0;
}
