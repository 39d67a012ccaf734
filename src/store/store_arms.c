/* store_arms.c — the arms of each analysis, per replicate and summarised:
 * /analyses/<name>/arm_randomised, arm_analysed, arm_dropped_out, arm_events,
 * arm_responders, each [replicate x 2] double (control, treatment; NaN where the figure
 * does not apply to the endpoint), and in /summary/<name> the means over replicates:
 * arm_randomised, arm_events (mean per replicate), arm_dropout (mean share of the
 * randomised that dropped out), arm_responder_rate (mean share of the analysed that
 * responded), each [2].
 * Rows are staged like the other per-replicate rows and flushed before the replicates
 * are marked done (store.c calls TTStoreFlushArms first in its flush). The summary is
 * recomputed from the stored rows in replicate order, so it is the same after a resume.
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

static const char *const arm_dataset[TT_ARM_FIGURES] = {"arm_randomised", "arm_analysed", "arm_dropped_out",
                                                        "arm_events", "arm_responders"};

PetscErrorCode TTStoreSetUpArms(TTStore st, PetscBool create)
{
  const TTProtocol *p       = st->p;
  hsize_t           dims[2] = {(hsize_t) p->replicates, 2};
  hid_t             g, ga;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc2(p->nanalysis * TT_ARM_FIGURES, &st->arms, p->nanalysis * TT_ARM_FIGURES, &st->arm_stage));
  for (PetscInt i = 0; i < p->nanalysis * TT_ARM_FIGURES; i++) st->arms[i] = -1;
  PetscCall(TTH5Group(st->file, "analyses", PETSC_FALSE, &g));
  for (PetscInt k = 0; k < p->nanalysis; k++) {
    PetscCall(TTH5Group(g, p->analysis[k].name, PETSC_FALSE, &ga));
    for (int c = 0; c < TT_ARM_FIGURES; c++) {
      PetscInt i = k * TT_ARM_FIGURES + c;
      PetscCall(TTH5Dataset(ga, arm_dataset[c], H5T_NATIVE_DOUBLE, 2, dims, create, &st->arms[i]));
      if (create) PetscCall(TTH5WriteStringAttr(st->arms[i], "layout", "[replicate][control, treatment]"));
      PetscCall(TTH5StageSetUp(&st->arm_stage[i], st->arms[i], H5T_NATIVE_DOUBLE));
      if (st->rank == 0) PetscCall(TTH5StageAllocate(&st->arm_stage[i], TT_ROW_BUFFER));
    }
    TTCallHDF5(H5Gclose(ga));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreStageArms(TTStore st, const TTReplicateResult *res)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < st->p->nanalysis; k++)
    for (int c = 0; c < TT_ARM_FIGURES; c++) {
      const double *f      = res->arm_figures + 2 * k * TT_ARM_FIGURES;
      double        row[2] = {f[c], f[TT_ARM_FIGURES + c]};
      PetscCall(TTH5StageRows(&st->arm_stage[k * TT_ARM_FIGURES + c], (hsize_t) res->replicate, 1, row));
    }
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreFlushArms(TTStore st)
{
  PetscFunctionBeginUser;
  if (!st->arm_stage) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < st->p->nanalysis * TT_ARM_FIGURES; i++) PetscCall(TTH5StageFlush(&st->arm_stage[i]));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCloseArms(TTStore st)
{
  PetscFunctionBeginUser;
  if (!st->arms) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < st->p->nanalysis * TT_ARM_FIGURES; i++) {
    PetscCall(TTH5StageDestroy(&st->arm_stage[i]));
    if (st->arms[i] >= 0) TTCallHDF5(H5Dclose(st->arms[i]));
  }
  PetscCall(PetscFree2(st->arms, st->arm_stage));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSummarizeArms(TTStore st, PetscInt k, TTSummary *s)
{
  const PetscInt chunk = 512;
  PetscInt       R     = st->p->replicates;
  double        *buf, sum[TT_SUMMARY_ARM][2] = {{0}}, n[TT_SUMMARY_ARM][2] = {{0}};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(TT_ARM_FIGURES * 2 * chunk, &buf));
  for (PetscInt r0 = 0; r0 < R; r0 += chunk) {
    PetscInt count = PetscMin(chunk, R - r0);
    for (int c = 0; c < TT_ARM_FIGURES; c++)
      PetscCall(TTH5ReadRows(st->arms[k * TT_ARM_FIGURES + c], H5T_NATIVE_DOUBLE, r0, count, buf + c * 2 * chunk));
    for (PetscInt i = 0; i < count; i++)
      for (int j = 0; j < 2; j++) {
        const double *v   = buf + 2 * i + j;
        double        rnd = v[TT_ARM_RANDOMISED * 2 * chunk], ana = v[TT_ARM_ANALYSED * 2 * chunk];
        double        x[TT_SUMMARY_ARM] = {rnd, v[TT_ARM_DROPPED_OUT * 2 * chunk] / rnd, v[TT_ARM_EVENTS * 2 * chunk],
                                           v[TT_ARM_RESPONDERS * 2 * chunk] / ana};
        for (int c = 0; c < TT_SUMMARY_ARM; c++)
          if (isfinite(x[c])) sum[c][j] += x[c], n[c][j] += 1.0;
      }
  }
  for (int c = 0; c < TT_SUMMARY_ARM; c++)
    for (int j = 0; j < 2; j++) s->arm[c][j] = n[c][j] > 0 ? sum[c][j] / n[c][j] : NAN;
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

const char *const tt_store_summary_arm[TT_SUMMARY_ARM] = {"arm_randomised", "arm_dropout", "arm_events",
                                                          "arm_responder_rate"};

PetscErrorCode TTStoreWriteSummaryArms(hid_t g, const TTSummary *s)
{
  PetscFunctionBeginUser;
  for (int c = 0; c < TT_SUMMARY_ARM; c++)
    if (isfinite(s->arm[c][0]) || isfinite(s->arm[c][1]))
      PetscCall(TTH5WriteDoubleArrayAttr(g, tt_store_summary_arm[c], 2, s->arm[c]));
  PetscFunctionReturn(0);
}

/* Rank 0, with the summary: the analysis's test and arm names, for printing. */
static void Describe(const TTProtocol *p, PetscInt k, TTSummary *s)
{
  const TTAnalysisSpec *an = &p->analysis[k];
  s->alpha                 = an->alpha;
  s->sided                 = an->sided;
  snprintf(s->arm_name[0], sizeof s->arm_name[0], "%s", p->arm[an->control_arm].name);
  snprintf(s->arm_name[1], sizeof s->arm_name[1], "%s", p->arm[an->treatment_arm].name);
}

PetscErrorCode TTStoreSummarizeArmsAndTest(TTStore st, PetscInt k, TTSummary *s)
{
  PetscFunctionBeginUser;
  Describe(st->p, k, s);
  PetscCall(TTStoreSummarizeArms(st, k, s));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreReadSummaryArms(hid_t file, const char *name, TTSummary *s)
{
  char  path[320];
  hid_t g;

  PetscFunctionBeginUser;
  for (int c = 0; c < TT_SUMMARY_ARM; c++) s->arm[c][0] = s->arm[c][1] = NAN;
  s->alpha = NAN, s->sided = 0, s->arm_name[0][0] = s->arm_name[1][0] = 0;
  snprintf(path, sizeof path, "summary/%s", name);
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  for (int c = 0; c < TT_SUMMARY_ARM; c++) {
    hid_t a, sp;
    if (H5Aexists(g, tt_store_summary_arm[c]) <= 0) continue;
    TTCallHDF5(a = H5Aopen(g, tt_store_summary_arm[c], H5P_DEFAULT));
    TTCallHDF5(sp = H5Aget_space(a));
    PetscCheck(H5Sget_simple_extent_npoints(sp) == 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "summary/%s: %s: expected 2 values (control, treatment)", name, tt_store_summary_arm[c]);
    TTCallHDF5(H5Aread(a, H5T_NATIVE_DOUBLE, s->arm[c]));
    TTCallHDF5(H5Sclose(sp));
    TTCallHDF5(H5Aclose(a));
  }
  TTCallHDF5(H5Gclose(g));
  snprintf(path, sizeof path, "analyses/%s", name);
  TTCallHDF5(g = H5Gopen2(file, path, H5P_DEFAULT));
  if (H5Aexists(g, "alpha") > 0) PetscCall(TTH5ReadDoubleAttr(g, "alpha", &s->alpha));
  if (H5Aexists(g, "sided") > 0) {
    double v;
    PetscCall(TTH5ReadDoubleAttr(g, "sided", &v));
    s->sided = v == 1 || v == 2 ? (int) v : 0;
  }
  if (H5Aexists(g, "control") > 0) PetscCall(TTH5ReadStringAttr(g, "control", s->arm_name[0], sizeof s->arm_name[0]));
  if (H5Aexists(g, "treatment") > 0)
    PetscCall(TTH5ReadStringAttr(g, "treatment", s->arm_name[1], sizeof s->arm_name[1]));
  for (int j = 0; j < 2; j++)
    for (char *c = s->arm_name[j]; *c; c++)
      if ((unsigned char) *c < 0x20 || *c == 0x7f) *c = '?'; /* from the file: keep lines whole */
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* "alpha 0.05 two-sided; placebo: N 200.0, dropout 18.0%, events 140.1; drug: ..." */
void TTStorePrintArms(FILE *out, const TTSummary *s)
{
  static const char *const what[TT_SUMMARY_ARM] = {"N", "dropout", "events", "responders"};
  int                      any[2]               = {0, 0};
  for (int j = 0; j < 2; j++)
    for (int c = 0; c < TT_SUMMARY_ARM; c++) any[j] |= isfinite(s->arm[c][j]);
  if (!s->sided && !any[0] && !any[1]) return; /* a file written before these were stored */
  fprintf(out, "%-16s", "");
  if (s->sided) fprintf(out, " alpha %g %s%s", s->alpha, s->sided == 1 ? "one-sided" : "two-sided", any[0] ? ";" : "");
  for (int j = 0; j < 2; j++) {
    int first = 1;
    if (!any[j]) continue;
    fprintf(out, "%s %s:", j ? ";" : "", s->arm_name[j][0] ? s->arm_name[j] : (j ? "treatment" : "control"));
    for (int c = 0; c < TT_SUMMARY_ARM; c++) {
      double v = s->arm[c][j];
      if (!isfinite(v)) continue;
      if (c == TT_SUMMARY_ARM_DROPOUT || c == TT_SUMMARY_ARM_RESPONDERS)
        fprintf(out, "%s %s %.1f%%", first ? "" : ",", what[c], 100.0 * v);
      else
        fprintf(out, "%s %s %.1f", first ? "" : ",", what[c], v);
      first = 0;
    }
  }
  fprintf(out, "%s\n", any[0] || any[1] ? " (means over replicates)" : "");
}
