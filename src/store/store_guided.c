/* store_guided.c — the guided arms in the results file, written: for each arm whose regimen
 * each twin's own forecast chooses (arms[i].guided), group /guided/<arm> with attributes
 * candidates (names, in the arm's order), variable, visit, goal and target (NaN unless the
 * goal is below or above), and per replicate [replicate] datasets oracle_agreement,
 * mean_regret, value_vs_best_single, policy_mean, best_single_mean, mean_switches, twins
 * (doubles), best_single (int32 candidate index, -1 when none) and share [replicate x
 * candidate] (the figures of TTReplicateResult.guided, over every twin of the replicate).
 * At the close, /guided/<arm>/summary holds as attributes the mean over replicates of each
 * figure with its Monte-Carlo SE (<figure>_mcse = sd / sqrt(n), n the replicates where the
 * figure is finite), share[candidate] and share_mcse, best_single_share[candidate] (the
 * share of replicates in which each candidate was the best single) with its binomial
 * MC SE, and replicates (those with a finite oracle agreement).
 * Invariants: rows are staged by rank 0 and flushed before the replicates are marked done
 * (store.c's flush); the summary is recomputed from the stored rows in replicate order, in
 * chunks (memory does not grow with replicates), so it is the same on any number of ranks
 * and after --resume. A protocol without guided arms has no /guided group.
 */
#include <math.h>
#include <string.h>
#include "storeimpl.h"

const char *const tt_store_guided_figures[TT_GF_N] = {
    "oracle_agreement", "mean_regret", "value_vs_best_single", "policy_mean", "best_single_mean",
    "mean_switches",    "twins"};
const char *const tt_store_guided_goals[4] = {"minimize", "maximize", "below", "above"};
/* where each stored figure is in TTReplicateResult.guided */
static const int figure_index[TT_GF_N] = {TT_GUIDED_AGREEMENT,   TT_GUIDED_REGRET,           TT_GUIDED_VALUE,
                                          TT_GUIDED_POLICY_MEAN, TT_GUIDED_BEST_SINGLE_MEAN, TT_GUIDED_MEAN_SWITCHES,
                                          TT_GUIDED_TWINS};

typedef struct {
  PetscInt  arm, ncandidate;
  hid_t     d[TT_GD_N];
  TTH5Stage stage[TT_GD_N];
} GuidedArm;

struct _TTStoreGuided {
  PetscInt   n;
  GuidedArm *a;
};

/* The arm's description (create only; collective). */
static PetscErrorCode WriteArmAttributes(hid_t g, const TTProtocol *p, const TTArmSpec *arm)
{
  const TTGuidedSpec *gs = &arm->guide;
  const char         *names[TT_MAX_CANDIDATES];
  int                 goal = gs->goal >= 0 && gs->goal < 4 ? gs->goal : 0;

  PetscFunctionBeginUser;
  for (int c = 0; c < gs->ncandidate; c++) names[c] = p->regimen[gs->candidate[c]].name;
  PetscCall(TTH5WriteStringArrayAttr(g, "candidates", gs->ncandidate, names));
  PetscCall(TTH5WriteStringAttr(g, "variable", gs->variable));
  PetscCall(TTH5WriteDoubleAttr(g, "visit", gs->visit));
  PetscCall(TTH5WriteStringAttr(g, "goal", tt_store_guided_goals[goal]));
  PetscCall(TTH5WriteDoubleAttr(g, "target", goal == TT_CHOOSE_BELOW || goal == TT_CHOOSE_ABOVE ? gs->target : NAN));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpArm(TTStore st, hid_t top, GuidedArm *ga, PetscBool create)
{
  const TTArmSpec *arm     = &st->p->arm[ga->arm];
  hsize_t          dims[2] = {(hsize_t) st->p->replicates, (hsize_t) arm->guide.ncandidate};
  hid_t            g;

  PetscFunctionBeginUser;
  ga->ncandidate = arm->guide.ncandidate;
  PetscCall(TTH5Group(top, arm->name, create, &g));
  if (create) PetscCall(WriteArmAttributes(g, st->p, arm));
  for (int c = 0; c < TT_GF_N; c++) {
    PetscCall(TTH5Dataset(g, tt_store_guided_figures[c], H5T_NATIVE_DOUBLE, 1, dims, create, &ga->d[c]));
    PetscCall(TTH5StageSetUp(&ga->stage[c], ga->d[c], H5T_NATIVE_DOUBLE));
  }
  PetscCall(TTH5Dataset(g, "best_single", H5T_STD_I32LE, 1, dims, create, &ga->d[TT_GD_BEST]));
  PetscCall(TTH5StageSetUp(&ga->stage[TT_GD_BEST], ga->d[TT_GD_BEST], H5T_NATIVE_INT));
  PetscCall(TTH5Dataset(g, "share", H5T_NATIVE_DOUBLE, 2, dims, create, &ga->d[TT_GD_SHARE]));
  PetscCall(TTH5StageSetUp(&ga->stage[TT_GD_SHARE], ga->d[TT_GD_SHARE], H5T_NATIVE_DOUBLE));
  if (create) {
    PetscCall(TTH5WriteStringAttr(ga->d[TT_GD_SHARE], "layout", "[replicate][candidate]"));
    PetscCall(TTH5WriteStringAttr(ga->d[TT_GD_BEST], "layout", "[replicate]: index into candidates, -1: none"));
  }
  if (st->rank == 0)
    for (int c = 0; c < TT_GD_N; c++) PetscCall(TTH5StageAllocate(&ga->stage[c], TT_ROW_BUFFER));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSetUpGuided(TTStore st, PetscBool create)
{
  const TTProtocol *p = st->p;
  PetscInt          n = 0;
  hid_t             top;

  PetscFunctionBeginUser;
  st->guided = NULL;
  for (PetscInt a = 0; a < p->narm; a++) n += p->arm[a].guided ? 1 : 0;
  if (!n) PetscFunctionReturn(0);
  PetscCall(PetscNew(&st->guided));
  PetscCall(PetscCalloc1(n, &st->guided->a));
  for (PetscInt a = 0; a < p->narm; a++)
    if (p->arm[a].guided) {
      GuidedArm *ga = &st->guided->a[st->guided->n++];
      ga->arm       = a;
      for (int c = 0; c < TT_GD_N; c++) ga->d[c] = ga->stage[c].d = -1;
    }
  PetscCall(TTH5Group(st->file, "guided", create, &top));
  for (PetscInt i = 0; i < n; i++) PetscCall(SetUpArm(st, top, &st->guided->a[i], create));
  TTCallHDF5(H5Gclose(top));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreStageGuided(TTStore st, const TTReplicateResult *res)
{
  hsize_t r = (hsize_t) res->replicate;

  PetscFunctionBeginUser;
  if (!st->guided) PetscFunctionReturn(0);
  PetscCheck(res->guided, PETSC_COMM_SELF, PETSC_ERR_PLIB, "replicate %d: no guided figures for the guided arms",
             (int) res->replicate);
  for (PetscInt i = 0; i < st->guided->n; i++) {
    GuidedArm    *ga   = &st->guided->a[i];
    const double *f    = res->guided + ga->arm * TT_GUIDED_FIGURES;
    double        b    = f[TT_GUIDED_BEST_SINGLE];
    int           best = isfinite(b) && b >= 0 && b < ga->ncandidate ? (int) b : -1;
    for (int c = 0; c < TT_GF_N; c++) PetscCall(TTH5StageRows(&ga->stage[c], r, 1, &f[figure_index[c]]));
    PetscCall(TTH5StageRows(&ga->stage[TT_GD_BEST], r, 1, &best));
    PetscCall(TTH5StageRows(&ga->stage[TT_GD_SHARE], r, 1, &f[TT_GUIDED_SHARE]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreFlushGuided(TTStore st)
{
  PetscFunctionBeginUser;
  if (!st->guided) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < st->guided->n; i++)
    for (int c = 0; c < TT_GD_N; c++) PetscCall(TTH5StageFlush(&st->guided->a[i].stage[c]));
  PetscFunctionReturn(0);
}

/* Running mean and sum of squared deviations (Welford), finite values only. */
typedef struct {
  double n, mean, m2;
} Moments;

static void Add(Moments *m, double x)
{
  double d;
  if (!isfinite(x)) return;
  m->n += 1.0;
  d = x - m->mean;
  m->mean += d / m->n;
  m->m2 += d * (x - m->mean);
}

static void Finish(const Moments *m, double *mean, double *mcse)
{
  *mean = m->n > 0 ? m->mean : NAN;
  *mcse = m->n > 1 ? sqrt(m->m2 / (m->n - 1.0) / m->n) : NAN;
}

PetscErrorCode TTStoreGuidedSummarize(const hid_t d[TT_GD_N], PetscInt R, PetscInt nc, TTGuidedSummary *s)
{
  const PetscInt chunk        = 512;
  Moments        fig[TT_GF_N] = {{0}}, share[TT_MAX_CANDIDATES] = {{0}};
  double        *buf, *sh, best_count[TT_MAX_CANDIDATES] = {0}, nbest = 0;
  int           *best;

  PetscFunctionBeginUser;
  PetscCheck(nc >= 1 && nc <= TT_MAX_CANDIDATES, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "expected 1..%d candidates, found %d", TT_MAX_CANDIDATES, (int) nc);
  PetscCall(PetscMemzero(s, sizeof(*s)));
  s->ncandidate = nc;
  PetscCall(PetscMalloc3(TT_GF_N * chunk, &buf, chunk * nc, &sh, chunk, &best));
  for (PetscInt r0 = 0; r0 < R; r0 += chunk) {
    PetscInt count = PetscMin(chunk, R - r0);
    for (int c = 0; c < TT_GF_N; c++)
      PetscCall(TTH5ReadRows(d[c], H5T_NATIVE_DOUBLE, (hsize_t) r0, (hsize_t) count, buf + c * chunk));
    PetscCall(TTH5ReadRows(d[TT_GD_BEST], H5T_NATIVE_INT, (hsize_t) r0, (hsize_t) count, best));
    PetscCall(TTH5ReadRows(d[TT_GD_SHARE], H5T_NATIVE_DOUBLE, (hsize_t) r0, (hsize_t) count, sh));
    for (PetscInt i = 0; i < count; i++) {
      for (int c = 0; c < TT_GF_N; c++) Add(&fig[c], buf[c * chunk + i]);
      for (PetscInt k = 0; k < nc; k++) Add(&share[k], sh[i * nc + k]);
      if (best[i] >= 0 && best[i] < nc) best_count[best[i]] += 1.0, nbest += 1.0;
      if (isfinite(buf[TT_GF_AGREEMENT * chunk + i])) s->replicates += 1.0;
    }
  }
  for (int c = 0; c < TT_GF_N; c++) Finish(&fig[c], &s->mean[c], &s->mcse[c]);
  for (PetscInt k = 0; k < nc; k++) {
    double q = nbest > 0 ? best_count[k] / nbest : NAN;
    Finish(&share[k], &s->share[k], &s->share_mcse[k]);
    s->best_single_share[k]      = q;
    s->best_single_share_mcse[k] = nbest > 0 ? sqrt(q * (1.0 - q) / nbest) : NAN;
  }
  PetscCall(PetscFree3(buf, sh, best));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreGuidedWriteSummary(hid_t g, const TTGuidedSummary *s)
{
  hid_t sg;
  char  name[64];
  int   nc = (int) s->ncandidate;

  PetscFunctionBeginUser;
  TTCallHDF5(sg = H5Gcreate2(g, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5WriteInt64Attr(sg, "replicates", (long long) s->replicates));
  for (int c = 0; c < TT_GF_N; c++) {
    PetscCall(TTH5WriteDoubleAttr(sg, tt_store_guided_figures[c], s->mean[c]));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_mcse", tt_store_guided_figures[c]));
    PetscCall(TTH5WriteDoubleAttr(sg, name, s->mcse[c]));
  }
  PetscCall(TTH5WriteDoubleArrayAttr(sg, "share", nc, s->share));
  PetscCall(TTH5WriteDoubleArrayAttr(sg, "share_mcse", nc, s->share_mcse));
  PetscCall(TTH5WriteDoubleArrayAttr(sg, "best_single_share", nc, s->best_single_share));
  PetscCall(TTH5WriteDoubleArrayAttr(sg, "best_single_share_mcse", nc, s->best_single_share_mcse));
  TTCallHDF5(H5Gclose(sg));
  PetscFunctionReturn(0);
}

/* Collective: every guided arm's summary, computed by rank 0 from the stored rows. */
static PetscErrorCode WriteSummaries(TTStore st)
{
  TTGuidedSummary s;
  hid_t           top, g;

  PetscFunctionBeginUser;
  TTCallHDF5(top = H5Gopen2(st->file, "guided", H5P_DEFAULT));
  for (PetscInt i = 0; i < st->guided->n; i++) {
    const GuidedArm *ga = &st->guided->a[i];
    TTCallHDF5(g = H5Gopen2(top, st->p->arm[ga->arm].name, H5P_DEFAULT));
    if (st->rank == 0) PetscCall(TTStoreGuidedSummarize(ga->d, st->p->replicates, ga->ncandidate, &s));
    PetscCallMPI(MPI_Bcast(&s, (PetscMPIInt) sizeof(s), MPI_BYTE, 0, st->comm));
    PetscCall(TTStoreGuidedWriteSummary(g, &s));
    TTCallHDF5(H5Gclose(g));
  }
  TTCallHDF5(H5Gclose(top));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreFreeGuided(TTStore st)
{
  PetscFunctionBeginUser;
  if (!st->guided) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < st->guided->n; i++)
    for (int c = 0; c < TT_GD_N; c++) {
      GuidedArm *ga = &st->guided->a[i];
      PetscCall(TTH5StageDestroy(&ga->stage[c]));
      if (ga->d[c] >= 0) TTCallHDF5(H5Dclose(ga->d[c]));
      ga->d[c] = -1;
    }
  PetscCall(PetscFree(st->guided->a));
  PetscCall(PetscFree(st->guided));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCloseGuided(TTStore st, PetscBool complete)
{
  PetscFunctionBeginUser;
  if (!st->guided) PetscFunctionReturn(0);
  if (complete) PetscCall(WriteSummaries(st));
  PetscCall(TTStoreFreeGuided(st));
  PetscFunctionReturn(0);
}
