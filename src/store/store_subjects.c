/* store_subjects.c — per-twin datasets: /subjects, /outcomes, /counterfactual,
 * /endpoints. Rows are twins in (replicate, subject) order. Outcomes are what the
 * trial observed (randomized arm, NaN after dropout); the counterfactual holds the
 * twin under every arm with no dropout (its actual course: off treatment after a
 * discontinuation, or a rescue). /subjects/discontinuation_time (the randomized arm's;
 * Inf: never) exists only when some arm can discontinue treatment or be rescued, and
 * /subjects/rescue_time (the same) only when some arm can be rescued, so other files are
 * as before.
 * Created collectively, written by rank 0.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "storeimpl.h"

/* An endpoint is one dataset (continuous, binary) or a group of two: time and status
 * (time to event, time in days) or count and exposure (count). */
static PetscErrorCode EndpointDatasets(hid_t ge, const TTEndpointSpec *ep, hsize_t rows, PetscBool create, hid_t d[2])
{
  TTEndpointKind kind = TTEndpointKindOf(ep->type);
  hid_t          g;

  PetscFunctionBeginUser;
  d[1] = -1;
  if (kind == TT_KIND_CONTINUOUS || kind == TT_KIND_BINARY) {
    PetscCall(TTH5Dataset(ge, ep->name, H5T_NATIVE_DOUBLE, 1, &rows, create, &d[0]));
    PetscFunctionReturn(0);
  }
  PetscCall(TTH5Group(ge, ep->name, create, &g));
  PetscCall(TTH5Dataset(g, kind == TT_KIND_COUNT ? "count" : "time", H5T_NATIVE_DOUBLE, 1, &rows, create, &d[0]));
  PetscCall(TTH5Dataset(g, kind == TT_KIND_COUNT ? "exposure" : "status", H5T_NATIVE_DOUBLE, 1, &rows, create, &d[1]));
  if (create) {
    PetscCall(TTH5WriteStringAttr(d[0], "unit", kind == TT_KIND_COUNT ? "events" : "day"));
    if (kind == TT_KIND_COUNT) {
      char unit[64];
      snprintf(unit, sizeof(unit), "%g days", ep->per_days);
      PetscCall(TTH5WriteStringAttr(d[1], "unit", unit));
    } else
      PetscCall(TTH5WriteStringAttr(d[1], "meaning", "1 = event, 0 = censored"));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCreateSubjects(hid_t file, TTTrial trial, hsize_t rows, PetscBool create, hid_t sid[7],
                                     hid_t *prog, hid_t **cov, hid_t **out, hid_t **cf, hid_t **ep)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  const TTProtocol        *p;
  const TTModelType       *m;
  TTCohort                 cohort;
  TTRecordLayout           L;
  const char *const       *names;
  PetscInt                 ncov;
  hid_t                    gs, gc, go, gf, ge;
  hsize_t                  d2[2], d3[3];

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTrialGetCohort(trial, &cohort));
  PetscCall(TTTrialGetRecordLayout(trial, &L));
  PetscCall(TTCohortGetCovariates(cohort, &ncov, &names));
  PetscCall(TTH5Group(file, "subjects", create, &gs));
  for (int i = 0; i < 5; i++)
    PetscCall(TTH5Dataset(gs, ids[i], i < 4 ? H5T_STD_I32LE : H5T_NATIVE_DOUBLE, 1, &rows, create, &sid[i]));
  if (create) PetscCall(TTH5WriteStringAttr(sid[4], "unit", "day"));
  sid[5] = -1;
  if (L.disc_size) {
    PetscCall(TTH5Dataset(gs, "discontinuation_time", H5T_NATIVE_DOUBLE, 1, &rows, create, &sid[5]));
    if (create) PetscCall(TTH5WriteStringAttr(sid[5], "unit", "day"));
  }
  sid[6] = -1;
  if (L.rescue_size) {
    PetscCall(TTH5Dataset(gs, "rescue_time", H5T_NATIVE_DOUBLE, 1, &rows, create, &sid[6]));
    if (create) PetscCall(TTH5WriteStringAttr(sid[6], "unit", "day"));
  }
  d2[0] = rows;
  d2[1] = (hsize_t) L.nendpoint;
  PetscCall(TTH5Dataset(gs, "prognostic_score", H5T_NATIVE_DOUBLE, 2, d2, create, prog));
  PetscCall(TTH5Group(gs, "covariates", create, &gc));
  PetscCall(PetscMalloc4(ncov + 1, cov, m->nvar, out, m->nvar, cf, 2 * L.nendpoint, ep));
  for (PetscInt c = 0; c < ncov; c++)
    PetscCall(TTH5Dataset(gc, names[c], H5T_NATIVE_DOUBLE, 1, &rows, create, &(*cov)[c]));
  PetscCall(TTH5Group(file, "outcomes", create, &go));
  PetscCall(TTH5Group(file, "counterfactual", create, &gf));
  d2[1] = (hsize_t) L.nvisit;
  d3[0] = rows;
  d3[1] = (hsize_t) L.narm;
  d3[2] = (hsize_t) L.nvisit;
  for (int v = 0; v < m->nvar; v++) {
    PetscCall(TTH5Dataset(go, m->var[v].name, H5T_NATIVE_DOUBLE, 2, d2, create, &(*out)[v]));
    if (create) PetscCall(TTH5WriteStringAttr((*out)[v], "unit", m->var[v].unit));
    PetscCall(TTH5Dataset(gf, m->var[v].name, H5T_NATIVE_DOUBLE, 3, d3, create, &(*cf)[v]));
    if (create) PetscCall(TTH5WriteStringAttr((*cf)[v], "unit", m->var[v].unit));
  }
  PetscCall(TTH5Group(file, "endpoints", create, &ge));
  for (int e = 0; e < L.nendpoint; e++) PetscCall(EndpointDatasets(ge, &p->endpoint[e], rows, create, *ep + 2 * e));
  TTCallHDF5(H5Gclose(gc));
  TTCallHDF5(H5Gclose(gs));
  TTCallHDF5(H5Gclose(go));
  TTCallHDF5(H5Gclose(gf));
  TTCallHDF5(H5Gclose(ge));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteIds(TTTrial trial, hsize_t row0, const TTReplicateResult *res, const double recs[],
                               double *scratch, TTH5Stage sid[5], TTH5Stage *disc)
{
  const TTProtocol *p;
  TTRecordLayout    L;
  int              *ibuf;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetRecordLayout(trial, &L));
  PetscCall(PetscMalloc1(p->patients, &ibuf));
  for (int k = 0; k < 4; k++) {
    for (PetscInt i = 0; i < p->patients; i++)
      ibuf[i] = k == 0   ? (int) res->replicate
                : k == 1 ? (int) i
                : k == 2 ? (int) res->arm[i]
                         : (int) recs[i * L.size + L.stratum];
    PetscCall(TTH5StageRows(&sid[k], row0, (hsize_t) p->patients, ibuf));
  }
  for (PetscInt i = 0; i < p->patients; i++) scratch[i] = TTRecordDropout(&L, recs + i * L.size, res->arm[i]);
  PetscCall(TTH5StageRows(&sid[4], row0, (hsize_t) p->patients, scratch));
  if (L.disc_size) { /* the datasets exist only with discontinuation, rescue */
    for (PetscInt i = 0; i < p->patients; i++) scratch[i] = TTRecordDiscontinuation(&L, recs + i * L.size, res->arm[i]);
    PetscCall(TTH5StageRows(&disc[0], row0, (hsize_t) p->patients, scratch));
  }
  if (L.rescue_size) {
    for (PetscInt i = 0; i < p->patients; i++) scratch[i] = TTRecordRescue(&L, recs + i * L.size, res->arm[i]);
    PetscCall(TTH5StageRows(&disc[1], row0, (hsize_t) p->patients, scratch));
  }
  PetscCall(PetscFree(ibuf));
  PetscFunctionReturn(0);
}

/* Copies column block [off, off + w) of every record into scratch (n x w) and stages it. */
static PetscErrorCode WriteRecordColumns(TTH5Stage *d, hsize_t row0, PetscInt n, const double recs[], PetscInt size,
                                         PetscInt off, PetscInt w, double *scratch)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscArraycpy(scratch + i * w, recs + i * size + off, w));
  PetscCall(TTH5StageRows(d, row0, (hsize_t) n, scratch));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreSubjectStages(TTTrial trial, hid_t sid[7], hid_t prog, hid_t *cov, hid_t *out, hid_t *cf,
                                    hid_t *ep, size_t budget, TTH5Stage **stage, PetscInt *nstage)
{
  const TTProtocol *p;
  TTRecordLayout    L;
  TTH5Stage        *s;
  PetscInt          n;
  size_t            per_twin = 0;
  hsize_t           reps;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetRecordLayout(trial, &L));
  n = 8 + L.ncov + 2 * L.nvar + 2 * L.nendpoint; /* the last two: discontinuation_time, rescue_time */
  PetscCall(PetscCalloc1(n, &s));
  PetscCall(TTH5StageSetUp(&s[n - 2], sid[5], H5T_NATIVE_DOUBLE));
  PetscCall(TTH5StageSetUp(&s[n - 1], sid[6], H5T_NATIVE_DOUBLE));
  for (int i = 0; i < 5; i++) PetscCall(TTH5StageSetUp(&s[i], sid[i], i < 4 ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE));
  PetscCall(TTH5StageSetUp(&s[5], prog, H5T_NATIVE_DOUBLE));
  for (PetscInt c = 0; c < L.ncov; c++) PetscCall(TTH5StageSetUp(&s[6 + c], cov[c], H5T_NATIVE_DOUBLE));
  for (PetscInt v = 0; v < L.nvar; v++) {
    PetscCall(TTH5StageSetUp(&s[6 + L.ncov + 2 * v], cf[v], H5T_NATIVE_DOUBLE));
    PetscCall(TTH5StageSetUp(&s[7 + L.ncov + 2 * v], out[v], H5T_NATIVE_DOUBLE));
  }
  for (PetscInt e = 0; e < 2 * L.nendpoint; e++)
    PetscCall(TTH5StageSetUp(&s[6 + L.ncov + 2 * L.nvar + e], ep[e], H5T_NATIVE_DOUBLE));
  for (PetscInt i = 0; i < n; i++)
    if (s[i].d >= 0) per_twin += s[i].rowbytes;
  reps = (hsize_t) PetscMax(1, (PetscInt) (budget / (per_twin * (size_t) p->patients)));
  for (PetscInt i = 0; i < n; i++) PetscCall(TTH5StageAllocate(&s[i], reps * (hsize_t) p->patients));
  *stage  = s;
  *nstage = n;
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreWriteSubjects(TTTrial trial, hsize_t row0, const TTReplicateResult *res, const double recs[],
                                    double *scratch, TTH5Stage *stage)
{
  const TTProtocol *p;
  TTRecordLayout    L;
  PetscInt          n, nv;
  double           *obs;
  TTH5Stage        *cov = stage + 6, *cf, *ep;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetProtocol(trial, &p));
  PetscCall(TTTrialGetRecordLayout(trial, &L));
  n  = p->patients;
  nv = L.nvisit;
  cf = cov + L.ncov;
  ep = cf + 2 * L.nvar;
  PetscCall(WriteIds(trial, row0, res, recs, scratch, stage, ep + 2 * L.nendpoint));
  PetscCall(WriteRecordColumns(&stage[5], row0, n, recs, L.size, L.prognostic, L.nendpoint, scratch));
  for (PetscInt c = 0; c < L.ncov; c++)
    PetscCall(WriteRecordColumns(&cov[c], row0, n, recs, L.size, L.cov + c, 1, scratch));
  PetscCall(PetscMalloc1(nv * L.nvar, &obs));
  for (PetscInt k = 0; k < L.nvar; k++) {
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt a = 0; a < L.narm; a++)
        for (PetscInt v = 0; v < nv; v++)
          scratch[(i * L.narm + a) * nv + v] = TTRecordTraj(&L, recs + i * L.size, a)[v * L.nvar + k];
    PetscCall(TTH5StageRows(&cf[2 * k], row0, (hsize_t) n, scratch));
    for (PetscInt i = 0; i < n; i++) {
      TTTrialObservedTrajectory(trial, recs + i * L.size, res->arm[i], obs);
      for (PetscInt v = 0; v < nv; v++) scratch[i * nv + v] = obs[v * L.nvar + k];
    }
    PetscCall(TTH5StageRows(&cf[2 * k + 1], row0, (hsize_t) n, scratch));
  }
  PetscCall(PetscFree(obs));
  for (PetscInt e = 0; e < L.nendpoint; e++)
    for (int j = 0; j < 2; j++) {
      for (PetscInt i = 0; i < n; i++) scratch[i] = res->endpoint[2 * (i * L.nendpoint + e) + j];
      PetscCall(TTH5StageRows(&ep[2 * e + j], row0, (hsize_t) n, scratch));
    }
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreCloseSubjects(TTTrial trial, hid_t sid[7], hid_t prog, hid_t **cov, hid_t **out, hid_t **cf,
                                    hid_t **ep)
{
  const TTModelType *m;
  TTRecordLayout     L;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTrialGetRecordLayout(trial, &L));
  for (int i = 0; i < 5; i++) TTCallHDF5(H5Dclose(sid[i]));
  for (int i = 5; i < 7; i++)
    if (sid[i] >= 0) TTCallHDF5(H5Dclose(sid[i]));
  TTCallHDF5(H5Dclose(prog));
  for (PetscInt c = 0; c < L.ncov; c++) TTCallHDF5(H5Dclose((*cov)[c]));
  for (int v = 0; v < m->nvar; v++) {
    TTCallHDF5(H5Dclose((*out)[v]));
    TTCallHDF5(H5Dclose((*cf)[v]));
  }
  for (PetscInt e = 0; e < 2 * L.nendpoint; e++)
    if ((*ep)[e] >= 0) TTCallHDF5(H5Dclose((*ep)[e]));
  PetscCall(PetscFree4(*cov, *out, *cf, *ep));
  PetscFunctionReturn(0);
}
