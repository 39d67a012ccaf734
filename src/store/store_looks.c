/* store_looks.c — the group-sequential looks in the results file (/looks), written.
 *
 * Per replicate: `stage` (the look at which it stopped, from 1) and `decision` (1
 * efficacy, -1 futility, 0 neither), and per look held [replicate x look]: `time`
 * (calendar day since the first randomization), `information` (events or endpoints of
 * the deciding analysis), `subjects` (twins randomized by then), `z` (the deciding
 * statistic in the benefit direction) and `efficacy_bound` (the boundary applied); NaN at
 * looks not held. At the close, the operating characteristics as rpact's getSimulation*
 * reports them: per look the share of replicates reaching it, their mean time,
 * information and subjects, the probabilities to stop for efficacy and for futility and
 * the cumulative power, each with its Monte-Carlo SE; and the expected subjects,
 * information and duration at the stopping look (attributes, with MC SEs). An
 * event-driven design also gets /design/events and /design@max_duration_days.
 * Invariants: rows are written by rank 0 before the replicate is marked done; the
 * operating characteristics are computed from the stored rows in replicate order,
 * in chunks (memory does not grow with replicates), so they do not depend on ranks.
 */
#include <math.h>
#include "storeimpl.h"

enum { LOOK_TIME, LOOK_INFO, LOOK_SUBJECTS, LOOK_Z, LOOK_BOUND, NLOOKCOL };
static const char *const look_columns[NLOOKCOL] = {"time", "information", "subjects", "z", "efficacy_bound"};

struct _TTStoreLooks {
  hid_t stage, decision, col[NLOOKCOL];
};

/* Per-look operating characteristics (Monte-Carlo SEs in *_se). */
enum { OC_REACHED, OC_TIME, OC_INFO, OC_SUBJECTS, OC_EFF, OC_EFF_SE, OC_FUT, OC_FUT_SE, OC_CUM, OC_CUM_SE, NOC };
static const char *const oc_names[NOC] = {
    "reached",          "analysis_time",        "mean_information", "mean_subjects",
    "stop_efficacy",    "stop_efficacy_mcse",   "stop_futility",    "stop_futility_mcse",
    "cumulative_power", "cumulative_power_mcse"};
enum { EX_SUBJECTS, EX_INFO, EX_TIME, NEX };
static const char *const ex_names[NEX] = {"expected_subjects", "expected_information", "expected_duration"};

typedef struct {
  double oc[NOC][TT_MAX_LOOKS];
  double ex[NEX], ex_se[NEX];
  double final_short; /* replicates whose final look had fewer events than planned */
} LooksSummary;

/* The event-driven design in /design (create only). */
static PetscErrorCode WriteEventDesign(TTStore st)
{
  hid_t   g, d;
  hsize_t n = (hsize_t) st->p->nlook;

  PetscFunctionBeginUser;
  if (!st->p->event_driven) PetscFunctionReturn(0);
  TTCallHDF5(g = H5Gopen2(st->file, "design", H5P_DEFAULT));
  PetscCall(TTH5CreateDataset(g, "events", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (st->rank == 0) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, st->p->events));
  TTCallHDF5(H5Dclose(d));
  PetscCall(TTH5WriteDoubleAttr(g, "max_duration_days", st->p->max_duration_days > 0 ? st->p->max_duration_days : NAN));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSetUpLooks(TTStore st, PetscBool create)
{
  const TTProtocol *p       = st->p;
  hsize_t           dims[2] = {(hsize_t) p->replicates, (hsize_t) p->nlook};
  hid_t             g;
  TTEndpointKind    kind;

  PetscFunctionBeginUser;
  st->looks = NULL;
  if (!p->nlook) PetscFunctionReturn(0);
  PetscCall(PetscNew(&st->looks));
  if (create) PetscCall(WriteEventDesign(st));
  PetscCall(TTH5Group(st->file, "looks", create, &g));
  PetscCall(TTH5Dataset(g, "stage", H5T_STD_I32LE, 1, dims, create, &st->looks->stage));
  PetscCall(TTH5Dataset(g, "decision", H5T_STD_I32LE, 1, dims, create, &st->looks->decision));
  for (int c = 0; c < NLOOKCOL; c++)
    PetscCall(TTH5Dataset(g, look_columns[c], H5T_NATIVE_DOUBLE, 2, dims, create, &st->looks->col[c]));
  if (create) {
    kind = TTEndpointKindOf(p->endpoint[p->analysis[p->interim_analysis].endpoint_index].type);
    PetscCall(TTH5WriteStringAttr(g, "deciding_analysis", p->analysis[p->interim_analysis].name));
    PetscCall(TTH5WriteStringAttr(g, "information_unit", kind == TT_KIND_TIME_TO_EVENT ? "events" : "endpoints"));
    PetscCall(TTH5WriteStringAttr(g, "time_unit", "day"));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreWriteLooks(TTStore st, const TTReplicateResult *res)
{
  const double *col[NLOOKCOL] = {res->look_time, res->look_information, res->look_subjects, res->look_z,
                                 res->look_bound};
  int           stage = (int) res->stage, decision = (int) res->decision;
  hsize_t       r = (hsize_t) res->replicate;

  PetscFunctionBeginUser;
  if (!st->looks) PetscFunctionReturn(0);
  PetscCall(TTH5WriteRows(st->looks->stage, H5T_NATIVE_INT, r, 1, &stage));
  PetscCall(TTH5WriteRows(st->looks->decision, H5T_NATIVE_INT, r, 1, &decision));
  for (int c = 0; c < NLOOKCOL; c++) PetscCall(TTH5WriteRows(st->looks->col[c], H5T_NATIVE_DOUBLE, r, 1, col[c]));
  PetscFunctionReturn(0);
}

/* Running mean and sum of squared deviations (Welford). */
typedef struct {
  double n, mean, m2;
} Moments;

static void Add(Moments *m, double x)
{
  double d;
  if (isnan(x)) return;
  m->n += 1.0;
  d = x - m->mean;
  m->mean += d / m->n;
  m->m2 += d * (x - m->mean);
}

/* Accumulates one chunk of n replicates (columns of K looks) into the running sums. */
static void AccumulateChunk(const TTProtocol *p, PetscInt n, const double *stage, const double *decision,
                            double *const col[NLOOKCOL], Moments per[3][TT_MAX_LOOKS], Moments ex[NEX],
                            double count[3][TT_MAX_LOOKS], double *short_final)
{
  PetscInt K = p->nlook;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt s = (PetscInt) stage[i] - 1;
    if (s < 0 || s >= K) continue; /* not written: cannot happen in a complete file */
    for (PetscInt j = 0; j < K; j++) {
      if (isnan(col[LOOK_TIME][i * K + j])) continue;
      count[0][j] += 1.0;
      Add(&per[0][j], col[LOOK_TIME][i * K + j]);
      Add(&per[1][j], col[LOOK_INFO][i * K + j]);
      Add(&per[2][j], col[LOOK_SUBJECTS][i * K + j]);
    }
    if (decision[i] == 1) count[1][s] += 1.0;
    if (decision[i] == -1) count[2][s] += 1.0;
    Add(&ex[EX_SUBJECTS], col[LOOK_SUBJECTS][i * K + s]);
    Add(&ex[EX_INFO], col[LOOK_INFO][i * K + s]);
    Add(&ex[EX_TIME], col[LOOK_TIME][i * K + s]);
    if (p->event_driven && s == K - 1 && col[LOOK_INFO][i * K + s] < p->events[K - 1]) *short_final += 1.0;
  }
}

static double McSE(double prob, double R)
{
  return sqrt(prob * (1.0 - prob) / R);
}

/* Rank 0: the operating characteristics from the stored rows, in replicate order. */
static PetscErrorCode Summarize(TTStore st, LooksSummary *s)
{
  const PetscInt chunk = 1024;
  PetscInt       R = st->p->replicates, K = st->p->nlook;
  double        *stage, *decision, *col[NLOOKCOL], count[3][TT_MAX_LOOKS] = {{0}}, cum = 0.0;
  Moments        per[3][TT_MAX_LOOKS] = {{{0}}}, ex[NEX] = {{0}};

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscMalloc2(chunk, &stage, chunk, &decision));
  for (int c = 0; c < NLOOKCOL; c++) PetscCall(PetscMalloc1(chunk * K, &col[c]));
  for (PetscInt r0 = 0; r0 < R; r0 += chunk) {
    PetscInt n = PetscMin(chunk, R - r0);
    PetscCall(TTH5ReadRows(st->looks->stage, H5T_NATIVE_DOUBLE, r0, n, stage));
    PetscCall(TTH5ReadRows(st->looks->decision, H5T_NATIVE_DOUBLE, r0, n, decision));
    for (int c = 0; c < NLOOKCOL; c++) PetscCall(TTH5ReadRows(st->looks->col[c], H5T_NATIVE_DOUBLE, r0, n, col[c]));
    AccumulateChunk(st->p, n, stage, decision, col, per, ex, count, &s->final_short);
  }
  for (PetscInt j = 0; j < K; j++) {
    s->oc[OC_REACHED][j]  = count[0][j] / R;
    s->oc[OC_TIME][j]     = per[0][j].n ? per[0][j].mean : NAN;
    s->oc[OC_INFO][j]     = per[1][j].n ? per[1][j].mean : NAN;
    s->oc[OC_SUBJECTS][j] = per[2][j].n ? per[2][j].mean : NAN;
    s->oc[OC_EFF][j]      = count[1][j] / R;
    s->oc[OC_EFF_SE][j]   = McSE(s->oc[OC_EFF][j], R);
    s->oc[OC_FUT][j]      = count[2][j] / R;
    s->oc[OC_FUT_SE][j]   = McSE(s->oc[OC_FUT][j], R);
    cum += count[1][j];
    s->oc[OC_CUM][j]    = cum / R;
    s->oc[OC_CUM_SE][j] = McSE(s->oc[OC_CUM][j], R);
  }
  for (int e = 0; e < NEX; e++) {
    s->ex[e]    = ex[e].n ? ex[e].mean : NAN;
    s->ex_se[e] = ex[e].n > 1 ? sqrt(ex[e].m2 / (ex[e].n - 1.0) / ex[e].n) : NAN;
  }
  for (int c = 0; c < NLOOKCOL; c++) PetscCall(PetscFree(col[c]));
  PetscCall(PetscFree2(stage, decision));
  PetscFunctionReturn(0);
}

/* Collective: the summary datasets and attributes of /looks. */
static PetscErrorCode WriteLooksSummary(TTStore st, const LooksSummary *s)
{
  hsize_t n = (hsize_t) st->p->nlook;
  hid_t   g, d;
  char    name[64];

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(st->file, "looks", H5P_DEFAULT));
  for (int c = 0; c < NOC; c++) {
    PetscCall(TTH5CreateDataset(g, oc_names[c], H5T_NATIVE_DOUBLE, 1, &n, &d));
    if (st->rank == 0) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, s->oc[c]));
    TTCallHDF5(H5Dclose(d));
  }
  for (int e = 0; e < NEX; e++) {
    PetscCall(TTH5WriteDoubleAttr(g, ex_names[e], s->ex[e]));
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_mcse", ex_names[e]));
    PetscCall(TTH5WriteDoubleAttr(g, name, s->ex_se[e]));
  }
  PetscCall(TTH5WriteInt64Attr(g, "replicates", st->p->replicates));
  PetscCall(TTH5WriteInt64Attr(g, "final_short", (long long) s->final_short));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCloseLooks(TTStore st, PetscBool complete)
{
  LooksSummary s;

  PetscFunctionBeginUser;
  if (!st->looks) PetscFunctionReturn(0);
  if (complete) {
    if (st->rank == 0) PetscCall(Summarize(st, &s));
    PetscCallMPI(MPI_Bcast(&s, (PetscMPIInt) sizeof(s), MPI_BYTE, 0, st->comm));
    PetscCall(WriteLooksSummary(st, &s));
  }
  TTCallHDF5(H5Dclose(st->looks->stage));
  TTCallHDF5(H5Dclose(st->looks->decision));
  for (int c = 0; c < NLOOKCOL; c++) TTCallHDF5(H5Dclose(st->looks->col[c]));
  PetscCall(PetscFree(st->looks));
  PetscFunctionReturn(0);
}
