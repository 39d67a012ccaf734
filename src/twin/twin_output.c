/* twin_output.c — the personalised twins' results file (HDF5) and CSV files.
 *
 * twins.h5 (written whole by rank 0 to PATH.tmp, renamed to PATH when complete):
 *   attributes  format "twintrial-twins", version, command_line, seed, draws, level
 *   /protocol   the protocol text
 *   /twins      id[n], estimate[n][nl], se[n][nl], covariance[n][nl][nl], objective[n],
 *               iterations[n], converged[n], reason[n]; random_effect[nl] names, omega[nl][nl]
 *               (prior covariance: the model's omega averaged over the patients' covariates),
 *               shrinkage[nl] (NONMEM's eta-shrinkage, TTTwinShrinkage)
 *   /predictions mean, lower, upper [n][narm][nvisit][nvar]; arm[narm], visit[nvisit],
 *               variable[nvar]
 *   /recommendations (with a choose: criterion) best[n] (arm index, -1: none), p_best[n],
 *               benefit[n][narm][3] (mean, lower, upper of arm minus control)
 * CSV (csv_dir): twins.csv, predictions.csv (id,arm,time,variable,mean,lower,upper; time in
 * the schedule's unit), recommendations.csv (with a choose: criterion).
 */
#include <math.h>
#include <stdio.h>
#include <twintrial/h5.h>
#include <twintrial/store.h>
#include "twinimpl.h"

typedef struct {
  PetscInt     n, nl, narm, nv, nvar;
  const char **id;
  char         latent[TT_TWIN_MAX_LATENT][32];
  double       omega[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT], shrinkage[TT_TWIN_MAX_LATENT];
} Out;

PetscErrorCode TTTwinShrinkage(TTTwinFit fit, TTPatients pts, TTTwinResults res, double omega[], double shrinkage[],
                               PetscInt *nconverged)
{
  const PetscInt nl                    = fit->nl;
  double         s[TT_TWIN_MAX_LATENT] = {0}, s2[TT_TWIN_MAX_LATENT] = {0};
  PetscInt       n, nc                                               = 0;

  PetscFunctionBeginUser;
  PetscCall(TTPatientsGetSize(pts, &n));
  for (PetscInt k = 0; k < nl * nl; k++) omega[k] = 0.0;
  for (PetscInt i = 0; i < n; i++) {
    double         om[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT], lo[TT_TWIN_MAX_LATENT], hi[TT_TWIN_MAX_LATENT];
    TTPatient      p;
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTPatientsGet(pts, i, &p));
    fit->m->omega(fit->par, p.cov, om, lo, hi); /* the prior of this patient's covariates */
    for (PetscInt k = 0; k < nl * nl; k++) omega[k] += om[k] / n;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    if (!e.converged) continue;
    nc++;
    for (PetscInt k = 0; k < nl; k++) s[k] += e.eta[k], s2[k] += e.eta[k] * e.eta[k];
  }
  for (PetscInt k = 0; k < nl; k++) {
    double var   = nc > 1 ? (s2[k] - s[k] * s[k] / nc) / (nc - 1) : NAN;
    shrinkage[k] = 1.0 - sqrt(var) / sqrt(omega[k * nl + k]);
  }
  if (nconverged) *nconverged = nc;
  PetscFunctionReturn(0);
}

static PetscErrorCode OutSetUp(TTTwinFit fit, TTPatients pts, TTTwinResults res, Out *o)
{
  PetscFunctionBeginUser;
  PetscCall(TTPatientsGetSize(pts, &o->n));
  o->nl = fit->nl, o->narm = fit->narm, o->nv = fit->protocol->nvisit, o->nvar = fit->nvar;
  PetscCall(PetscMalloc1(o->n, &o->id));
  for (PetscInt i = 0; i < o->n; i++) {
    TTPatient p;
    PetscCall(TTPatientsGet(pts, i, &p));
    o->id[i] = p.id;
  }
  PetscCall(TTTwinShrinkage(fit, pts, res, o->omega, o->shrinkage, NULL));
  for (PetscInt k = 0; k < o->nl; k++) {
    if (fit->m->latent)
      PetscCall(PetscSNPrintf(o->latent[k], sizeof o->latent[k], "%s", fit->m->latent[k]));
    else
      PetscCall(PetscSNPrintf(o->latent[k], sizeof o->latent[k], "eta%d", (int) k + 1));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteDoubles(hid_t g, const char *name, int rank, const hsize_t *dims, const double *v)
{
  hid_t d;

  PetscFunctionBeginUser;
  PetscCall(TTH5CreateDataset(g, name, H5T_NATIVE_DOUBLE, rank, dims, &d));
  if (dims[0] > 0) TTCallHDF5(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
  TTCallHDF5(H5Dclose(d));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteTwins(hid_t f, TTTwinResults res, const Out *o)
{
  const PetscInt nl = o->nl;
  double        *eta, *se, *cov, *obj, *its, *conv;
  const char   **why, *names[TT_TWIN_MAX_LATENT];
  char          *reasons;
  hid_t          g;
  hsize_t        d1[1] = {(hsize_t) o->n}, d2[2] = {(hsize_t) o->n, (hsize_t) nl},
          d3[3] = {(hsize_t) o->n, (hsize_t) nl, (hsize_t) nl}, dn[1] = {(hsize_t) nl},
          dom[2] = {(hsize_t) nl, (hsize_t) nl};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(o->n * nl, &eta, o->n * nl, &se, o->n * nl * nl, &cov, o->n, &obj, o->n, &its, o->n, &conv));
  PetscCall(PetscMalloc2(o->n, &why, o->n * 128, &reasons));
  for (PetscInt i = 0; i < o->n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    for (PetscInt k = 0; k < nl; k++) eta[i * nl + k] = e.eta[k], se[i * nl + k] = sqrt(e.cov[k * nl + k]);
    PetscArraycpy(cov + i * nl * nl, e.cov, nl * nl);
    obj[i] = e.objective, its[i] = (double) e.iterations, conv[i] = e.converged;
    PetscCall(PetscStrncpy(reasons + i * 128, e.reason, 128));
    why[i] = reasons + i * 128;
  }
  for (PetscInt k = 0; k < nl; k++) names[k] = o->latent[k];
  TTCallHDF5(g = H5Gcreate2(f, "twins", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5CreateStrings(g, "id", (int) o->n, o->id, PETSC_TRUE));
  PetscCall(WriteDoubles(g, "estimate", 2, d2, eta));
  PetscCall(WriteDoubles(g, "se", 2, d2, se));
  PetscCall(WriteDoubles(g, "covariance", 3, d3, cov));
  PetscCall(WriteDoubles(g, "objective", 1, d1, obj));
  PetscCall(WriteDoubles(g, "iterations", 1, d1, its));
  PetscCall(WriteDoubles(g, "converged", 1, d1, conv));
  PetscCall(TTH5CreateStrings(g, "reason", (int) o->n, why, PETSC_TRUE));
  PetscCall(TTH5CreateStrings(g, "random_effect", (int) nl, names, PETSC_TRUE));
  PetscCall(WriteDoubles(g, "omega", 2, dom, o->omega));
  PetscCall(WriteDoubles(g, "shrinkage", 1, dn, o->shrinkage));
  TTCallHDF5(H5Gclose(g));
  PetscCall(PetscFree6(eta, se, cov, obj, its, conv));
  PetscCall(PetscFree2(why, reasons));
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePredictions(hid_t f, TTTwinFit fit, TTTwinResults res, const Out *o)
{
  const PetscInt cells = o->narm * o->nv * o->nvar;
  double        *m, *lo, *hi, *best, *pb, *ben;
  const char    *arms[TT_MAX_ARMS], *vars[64];
  hid_t          g;
  hsize_t d4[4] = {(hsize_t) o->n, (hsize_t) o->narm, (hsize_t) o->nv, (hsize_t) o->nvar}, d1[1] = {(hsize_t) o->n},
          d3[3] = {(hsize_t) o->n, (hsize_t) o->narm, 3}, dv[1] = {(hsize_t) o->nv};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(o->n * cells, &m, o->n * cells, &lo, o->n * cells, &hi, o->n, &best, o->n, &pb,
                         o->n * 3 * o->narm, &ben));
  for (PetscInt i = 0; i < o->n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    PetscArraycpy(m + i * cells, fc.mean, cells);
    PetscArraycpy(lo + i * cells, fc.lower, cells);
    PetscArraycpy(hi + i * cells, fc.upper, cells);
    best[i] = (double) fc.best, pb[i] = fc.p_best;
    PetscArraycpy(ben + i * 3 * o->narm, fc.benefit, 3 * o->narm);
  }
  for (PetscInt a = 0; a < o->narm; a++) arms[a] = fit->protocol->arm[a].name;
  for (PetscInt k = 0; k < o->nvar; k++) vars[k] = fit->m->var[k].name;
  TTCallHDF5(g = H5Gcreate2(f, "predictions", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(WriteDoubles(g, "mean", 4, d4, m));
  PetscCall(WriteDoubles(g, "lower", 4, d4, lo));
  PetscCall(WriteDoubles(g, "upper", 4, d4, hi));
  PetscCall(TTH5CreateStrings(g, "arm", (int) o->narm, arms, PETSC_TRUE));
  PetscCall(TTH5CreateStrings(g, "variable", (int) o->nvar, vars, PETSC_TRUE));
  PetscCall(WriteDoubles(g, "visit", 1, dv, fit->protocol->visit));
  PetscCall(TTH5WriteStringAttr(g, "time_unit", fit->protocol->time_unit));
  TTCallHDF5(H5Gclose(g));
  if (fit->protocol->choose) {
    TTCallHDF5(g = H5Gcreate2(f, "recommendations", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(WriteDoubles(g, "best", 1, d1, best));
    PetscCall(WriteDoubles(g, "p_best", 1, d1, pb));
    PetscCall(WriteDoubles(g, "benefit", 3, d3, ben));
    PetscCall(TTH5WriteStringAttr(g, "control", fit->protocol->arm[fit->protocol->choose_control].name));
    TTCallHDF5(H5Gclose(g));
  }
  PetscCall(PetscFree6(m, lo, hi, best, pb, ben));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteH5(TTTwinFit fit, TTTwinResults res, const Out *o, const TTTwinForecastOptions *opt,
                              const char *path, const char *command_line)
{
  char  tmp[PETSC_MAX_PATH_LEN];
  hid_t f;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, sizeof tmp, "%s.tmp", path));
  TTCallHDF5(f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5WriteStringAttr(f, "format", "twintrial-twins"));
  PetscCall(TTH5WriteInt64Attr(f, "version", 1));
  PetscCall(TTH5WriteStringAttr(f, "command_line", command_line ? command_line : ""));
  PetscCall(TTH5WriteStringAttr(f, "model", fit->m->name));
  PetscCall(TTH5WriteDoubleAttr(f, "seed", (double) opt->seed));
  PetscCall(TTH5WriteInt64Attr(f, "draws", (long long) opt->draws));
  PetscCall(TTH5WriteDoubleAttr(f, "level", opt->level));
  PetscCall(TTH5CreateText(f, "protocol", fit->protocol->text, PETSC_TRUE));
  PetscCall(WriteTwins(f, res, o));
  PetscCall(WritePredictions(f, fit, res, o));
  TTCallHDF5(H5Fclose(f));
  PetscCheck(!rename(tmp, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s", tmp, path);
  PetscFunctionReturn(0);
}

static PetscErrorCode OpenCsv(const char *dir, const char *name, FILE **f)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof path, "%s/%s", dir, name));
  *f = fopen(path, "w");
  PetscCheck(*f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode CloseCsv(const char *dir, const char *name, FILE *f)
{
  PetscFunctionBeginUser;
  PetscCheck(!ferror(f) && !fclose(f), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s/%s (disk full?)", dir,
             name);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteTwinsCsv(const char *dir, TTTwinResults res, const Out *o)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(OpenCsv(dir, "twins.csv", &f));
  fprintf(f, "id");
  for (PetscInt k = 0; k < o->nl; k++) fprintf(f, ",%s,%s_se", o->latent[k], o->latent[k]);
  fprintf(f, ",objective,iterations,converged,reason\n");
  for (PetscInt i = 0; i < o->n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    TTStorePutField(f, o->id[i]);
    for (PetscInt k = 0; k < o->nl; k++) fprintf(f, ",%.17g,%.17g", e.eta[k], sqrt(e.cov[k * o->nl + k]));
    fprintf(f, ",%.17g,%d,%d", e.objective, (int) e.iterations, e.converged);
    TTStorePutString(f, e.reason);
    fputc('\n', f);
  }
  PetscCall(CloseCsv(dir, "twins.csv", f));
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePredictionsCsv(const char *dir, TTTwinFit fit, TTTwinResults res, const Out *o)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(OpenCsv(dir, "predictions.csv", &f));
  fprintf(f, "id,arm,time,variable,mean,lower,upper\n");
  for (PetscInt i = 0; i < o->n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    for (PetscInt a = 0; a < o->narm; a++)
      for (PetscInt v = 0; v < o->nv; v++)
        for (PetscInt k = 0; k < o->nvar; k++) {
          PetscInt c = (a * o->nv + v) * o->nvar + k;
          TTStorePutField(f, o->id[i]);
          TTStorePutString(f, fit->protocol->arm[a].name);
          fprintf(f, ",%.17g,%s,%.17g,%.17g,%.17g\n", fit->protocol->visit[v], fit->m->var[k].name, fc.mean[c],
                  fc.lower[c], fc.upper[c]);
        }
  }
  PetscCall(CloseCsv(dir, "predictions.csv", f));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteRecommendationsCsv(const char *dir, TTTwinFit fit, TTTwinResults res, const Out *o)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(OpenCsv(dir, "recommendations.csv", &f));
  fprintf(f, "id,arm,probability_best,benefit,benefit_lower,benefit_upper\n");
  for (PetscInt i = 0; i < o->n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    TTStorePutField(f, o->id[i]);
    if (fc.best < 0) {
      fprintf(f, ",,NA,NA,NA,NA\n");
      continue;
    }
    TTStorePutString(f, fit->protocol->arm[fc.best].name);
    fprintf(f, ",%.17g,%.17g,%.17g,%.17g\n", fc.p_best, fc.benefit[3 * fc.best], fc.benefit[3 * fc.best + 1],
            fc.benefit[3 * fc.best + 2]);
  }
  PetscCall(CloseCsv(dir, "recommendations.csv", f));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinWriteResults(TTTwinFit fit, TTPatients pts, TTTwinResults res, const TTTwinForecastOptions *opt,
                                  const char *path, const char *csv_dir, const char *command_line)
{
  Out o;

  PetscFunctionBeginUser;
  PetscCall(OutSetUp(fit, pts, res, &o));
  PetscCall(WriteH5(fit, res, &o, opt, path, command_line));
  if (csv_dir) {
    PetscCall(WriteTwinsCsv(csv_dir, res, &o));
    PetscCall(WritePredictionsCsv(csv_dir, fit, res, &o));
    if (fit->protocol->choose) PetscCall(WriteRecommendationsCsv(csv_dir, fit, res, &o));
  }
  PetscCall(PetscFree(o.id));
  PetscFunctionReturn(0);
}
