/* store_meta.c — the descriptive parts of the results file: provenance, design,
 * the per-replicate analysis datasets (created, or reopened on resume) and the
 * operating-characteristics summary, which is always recomputed from the stored
 * rows in replicate order so a resumed run summarises exactly like an uninterrupted one.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <twintrial/modellang.h>
#include "storeimpl.h"

/* The resolved protocol text (malloc'd) and its SHA-256; identical on every rank. */
PetscErrorCode TTStoreResolved(TTTrial trial, char **text, char sha[65])
{
  size_t len = 0;
  FILE  *mem = open_memstream(text, &len);

  PetscFunctionBeginUser;
  PetscCheck(mem, PETSC_COMM_SELF, PETSC_ERR_MEM, "open_memstream failed");
  PetscCall(TTTrialView(trial, mem));
  fclose(mem);
  if (sha) tt_sha256_hex(*text, strlen(*text), sha);
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreStartedNow(MPI_Comm comm, char buf[32])
{
  time_t    t = time(NULL);
  struct tm tm;

  PetscFunctionBeginUser;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  PetscCallMPI(MPI_Bcast(buf, 32, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

/* Distinct host names of all ranks, comma-separated, identical on every rank. */
static PetscErrorCode HostList(MPI_Comm comm, PetscMPIInt size, char **hosts)
{
  char        name[MPI_MAX_PROCESSOR_NAME] = {0}, *all;
  PetscMPIInt len;
  size_t      n = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Get_processor_name(name, &len));
  PetscCall(PetscMalloc1((size_t) size * MPI_MAX_PROCESSOR_NAME, &all));
  PetscCallMPI(MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, comm));
  PetscCall(PetscCalloc1((size_t) size * (MPI_MAX_PROCESSOR_NAME + 1) + 1, hosts));
  for (PetscMPIInt i = 0; i < size; i++) {
    const char *h    = all + (size_t) i * MPI_MAX_PROCESSOR_NAME;
    PetscBool   seen = PETSC_FALSE;
    for (PetscMPIInt j = 0; j < i; j++)
      if (!strcmp(h, all + (size_t) j * MPI_MAX_PROCESSOR_NAME)) seen = PETSC_TRUE;
    if (seen) continue;
    n += (size_t) sprintf(*hosts + n, "%s%s", n ? "," : "", h);
  }
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreWriteProvenance(TTStore st, const TTProvenance *prov)
{
  hid_t              g;
  char               sha[65], *resolved = NULL, *hosts;
  const char        *cpath, *ctext;
  TTCohort           cohort;
  const TTModelType *model;
  PetscBool          w = st->rank == 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "provenance", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(TTH5CreateText(g, "protocol_yaml", st->p->text, w));
  tt_sha256_hex(st->p->text, strlen(st->p->text), sha);
  PetscCall(TTH5CreateText(g, "protocol_sha256", sha, w));
  PetscCall(TTTrialGetCohort(st->trial, &cohort));
  PetscCall(TTCohortGetSource(cohort, &cpath, &ctext));
  PetscCall(TTH5CreateText(g, "cohort_yaml", ctext, w));
  tt_sha256_hex(ctext, strlen(ctext), sha);
  PetscCall(TTH5CreateText(g, "cohort_sha256", sha, w));
  PetscCall(TTTrialGetModel(st->trial, &model));
  if (TTModelLangSource(model)) { /* a model file: its text, as the protocol's and the cohort's */
    PetscCall(TTH5CreateText(g, "model_yaml", TTModelLangSource(model), w));
    PetscCall(TTH5CreateText(g, "model_sha256", TTModelLangSourceSha256(model), w));
  }
  PetscCall(TTStoreResolved(st->trial, &resolved, NULL));
  PetscCall(TTH5CreateText(g, "resolved_protocol", resolved, w));
  PetscCall(TTH5CreateText(g, "resolved_sha256", st->resolved_sha, w));
  free(resolved);
  PetscCall(TTH5CreateText(g, "command_line", prov->command_line, w));
  PetscCall(TTH5CreateText(g, "started", prov->started, w));
  PetscCall(HostList(st->comm, st->size, &hosts));
  PetscCall(TTH5CreateText(g, "host", hosts, w));
  PetscCall(PetscFree(hosts));
  PetscCall(TTH5WriteInt64Attr(g, "ranks", st->size));
  PetscCall(TTH5WriteStringAttr(g, "software_version", TT_VERSION));
  PetscCall(TTStoreWriteCalibration(st, g));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* Group-sequential design: information fractions, boundaries (z, benefit direction)
 * and cumulative alpha spent, per look. */
static PetscErrorCode WriteLooks(TTStore st, hid_t g)
{
  PetscInt      nlook;
  const double *info, *upper, *lower, *spent, *col[4];
  const char   *names[4] = {"information", "efficacy_bound", "futility_bound", "alpha_spent"};
  hsize_t       n;
  hid_t         d;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetDesign(st->trial, &nlook, &info, &upper, &lower, &spent));
  if (!nlook) PetscFunctionReturn(0);
  col[0] = info, col[1] = upper, col[2] = lower, col[3] = spent;
  n = (hsize_t) nlook;
  for (int c = 0; c < 4; c++) {
    PetscCall(TTH5CreateDataset(g, names[c], H5T_NATIVE_DOUBLE, 1, &n, &d));
    if (st->rank == 0) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, col[c]));
    TTCallHDF5(H5Dclose(d));
  }
  PetscCall(TTH5WriteStringAttr(g, "deciding_analysis", st->p->analysis[st->p->interim_analysis].name));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreWriteDesign(TTStore st)
{
  const TTProtocol *p = st->p;
  const char       *names[TT_MAX_ANALYSES + TT_MAX_ARMS + TT_MAX_ENDPOINTS];
  double            ratio[TT_MAX_ARMS], days[TT_MAX_VISITS];
  hid_t             g, d;
  hsize_t           n;
  PetscBool         w = st->rank == 0 ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "design", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int a = 0; a < p->narm; a++) names[a] = p->arm[a].name, ratio[a] = p->arm[a].ratio;
  PetscCall(TTH5CreateStrings(g, "arms", p->narm, names, w));
  n = (hsize_t) p->narm;
  PetscCall(TTH5CreateDataset(g, "allocation", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, ratio));
  TTCallHDF5(H5Dclose(d));
  n = (hsize_t) p->nvisit;
  PetscCall(TTH5CreateDataset(g, "visits", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, p->visit));
  PetscCall(TTH5WriteStringAttr(d, "unit", p->time_unit));
  TTCallHDF5(H5Dclose(d));
  for (int v = 0; v < p->nvisit; v++) days[v] = p->visit[v] * p->unit_in_days;
  PetscCall(TTH5CreateDataset(g, "visit_days", H5T_NATIVE_DOUBLE, 1, &n, &d));
  if (w) PetscCall(TTH5WriteRows(d, H5T_NATIVE_DOUBLE, 0, n, days));
  TTCallHDF5(H5Dclose(d));
  for (int e = 0; e < p->nendpoint; e++) names[e] = p->endpoint[e].name;
  PetscCall(TTH5CreateStrings(g, "endpoints", p->nendpoint, names, w));
  for (int k = 0; k < p->nanalysis; k++) names[k] = p->analysis[k].name;
  PetscCall(TTH5CreateStrings(g, "analyses", p->nanalysis, names, w));
  PetscCall(WriteLooks(st, g));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

static const char *const method_names[] = {"ancova", "welch",  "risk_difference", "odds_ratio", "cmh", "logrank",
                                           "cox",    "negbin", "poisson",         "mmrm",       "mi"};

/* What the analysis uses of the data, and how it treats withdrawal (dropout). */
static void MethodText(const TTAnalysisSpec *an, const char **withdrawal, const char **use)
{
  *withdrawal = "hypothetical for withdrawal (as if no dropout)";
  *use        = "completers analysis, valid under missingness at random given the covariates";
  if (an->method == TT_ANALYSIS_MMRM)
    *use = "every observed post-baseline visit, valid under missingness at random given the covariates and earlier "
           "visits";
  else if (an->method == TT_ANALYSIS_MI && an->mi_method == TT_MI_MAR)
    *use = "multiple imputation under missingness at random given baseline and earlier visits";
  else if (an->method == TT_ANALYSIS_MI && an->mi_method == TT_MI_DELTA)
    *use = "sensitivity (tipping point): multiple imputation under missingness at random, the treatment arm's "
           "imputed values shifted by delta";
  else if (an->method == TT_ANALYSIS_MI) {
    *withdrawal = "treatment policy for withdrawal under a reference-based assumption";
    *use        = "after dropout a twin's profile follows the reference arm (multiple imputation, Carpenter, Roger & "
                  "Kenward 2013)";
  }
}

/* The estimand in words: for treatment discontinuation (only when the protocol has some,
 * or the analysis names its strategy) the strategy, then how withdrawal is treated, then
 * what the analysis uses. */
static const char *EstimandText(const TTProtocol *p, const TTAnalysisSpec *an, char *buf, size_t len)
{
  static const char *const words[TT_NESTIMAND] = {
      "treatment policy for treatment discontinuation (the actual course, off treatment after it)",
      "hypothetical for treatment discontinuation (as if every twin stayed on treatment)",
      "while on treatment (the endpoint at its visit or at the last visit on treatment, whichever comes first)"};
  const char *withdrawal, *use;

  MethodText(an, &withdrawal, &use);
  if (!p->has_discontinuation && an->estimand == TT_ESTIMAND_TREATMENT_POLICY)
    snprintf(buf, len, "%s; %s", withdrawal, use);
  else
    snprintf(buf, len, "%s; %s; %s", words[an->estimand], withdrawal, use);
  return buf;
}

PetscErrorCode TTStoreSetUpAnalyses(TTStore st, PetscBool create)
{
  const TTProtocol *p = st->p;
  hsize_t           n = (hsize_t) p->replicates;
  hid_t             g, ga;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(p->nanalysis * TT_NCOLUMN, &st->col));
  PetscCall(PetscMalloc1(p->nanalysis, &st->km));
  PetscCall(TTH5Group(st->file, "analyses", create, &g));
  for (int k = 0; k < p->nanalysis; k++) {
    const TTAnalysisSpec *an = &p->analysis[k];
    char                  text[512];
    PetscCall(TTH5Group(g, an->name, create, &ga));
    for (int c = 0; c < TT_NCOLUMN; c++)
      PetscCall(TTH5Dataset(ga, tt_store_columns[c], tt_store_column_is_int[c] ? H5T_STD_I32LE : H5T_NATIVE_DOUBLE, 1,
                            &n, create, &st->col[k * TT_NCOLUMN + c]));
    PetscCall(TTStoreReasonSetUp(st, k, ga, create));
    PetscCall(TTStoreMmrmSetUp(st, k, ga, create));
    st->km[k] = -1;
    if (TTEndpointKindOf(p->endpoint[an->endpoint_index].type) == TT_KIND_TIME_TO_EVENT) {
      hsize_t dims[3] = {n, 2, 3};
      PetscCall(TTH5Dataset(ga, "km_median", H5T_NATIVE_DOUBLE, 3, dims, create, &st->km[k]));
      if (create)
        PetscCall(TTH5WriteStringAttr(st->km[k], "layout",
                                      "[replicate][control, treatment][median, lower 95%, upper 95%] "
                                      "in days, as print.survfit; NaN = not reached"));
    }
    if (!create) {
      TTCallHDF5(H5Gclose(ga));
      continue;
    }
    PetscCall(TTH5WriteStringAttr(ga, "endpoint", p->endpoint[an->endpoint_index].name));
    PetscCall(TTH5WriteStringAttr(ga, "method", method_names[an->method]));
    PetscCall(TTH5WriteStringAttr(ga, "treatment", p->arm[an->treatment_arm].name));
    PetscCall(TTH5WriteStringAttr(ga, "control", p->arm[an->control_arm].name));
    PetscCall(TTH5WriteDoubleAttr(ga, "alpha", an->alpha));
    PetscCall(TTH5WriteInt64Attr(ga, "sided", an->sided));
    PetscCall(TTH5WriteStringAttr(ga, "estimand", EstimandText(p, an, text, sizeof text)));
    if (an->method == TT_ANALYSIS_MI) {
      PetscCall(TTH5WriteStringAttr(ga, "imputation", tt_mi_method_name((tt_mi_method) an->mi_method)));
      PetscCall(TTH5WriteInt64Attr(ga, "imputations", an->mi_imputations));
      PetscCall(TTH5WriteStringAttr(ga, "imputation_reference", p->arm[an->mi_reference_arm].name));
      PetscCall(TTH5WriteDoubleAttr(ga, "imputation_delta", an->mi_delta));
      PetscCall(TTH5WriteStringAttr(ga, "imputation_analysis", an->mi_analysis == TT_MI_MMRM ? "mmrm" : "ancova"));
    }
    TTCallHDF5(H5Gclose(ga));
  }
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTH5Group(st->file, "replicates", create, &g));
  PetscCall(TTH5Dataset(g, "done", H5T_STD_I32LE, 1, &n, create, &st->done));
  PetscCall(TTH5Dataset(g, "screen_failures", H5T_NATIVE_DOUBLE, 1, &n, create, &st->screen));
  PetscCall(TTH5Dataset(g, "dropped_twins", H5T_NATIVE_DOUBLE, 1, &n, create, &st->dropped));
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreWriteSummary(TTStore st, const TTSummary *s)
{
  hid_t g, ga;

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gcreate2(st->file, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int k = 0; k < st->p->nanalysis; k++) {
    const tt_stats_oc_summary *o = &s[k].oc;
    TTCallHDF5(ga = H5Gcreate2(g, st->p->analysis[k].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    PetscCall(TTH5WriteInt64Attr(ga, "replicates", o->replicates));
    PetscCall(TTH5WriteInt64Attr(ga, "failed", o->failed));
    PetscCall(TTH5WriteDoubleAttr(ga, "power", o->power));
    PetscCall(TTH5WriteDoubleAttr(ga, "power_mcse", o->power_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "mean_estimate", o->mean_estimate));
    PetscCall(TTH5WriteDoubleAttr(ga, "true_effect", o->true_effect));
    PetscCall(TTH5WriteDoubleAttr(ga, "bias", o->bias));
    PetscCall(TTH5WriteDoubleAttr(ga, "bias_mcse", o->bias_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "empirical_se", o->empirical_se));
    PetscCall(TTH5WriteDoubleAttr(ga, "mean_std_error", o->mean_std_error));
    PetscCall(TTH5WriteDoubleAttr(ga, "rmse", o->rmse));
    PetscCall(TTH5WriteDoubleAttr(ga, "coverage", o->coverage));
    PetscCall(TTH5WriteDoubleAttr(ga, "coverage_mcse", o->coverage_mcse));
    PetscCall(TTH5WriteDoubleAttr(ga, "expected_n", o->expected_n));
    PetscCall(TTH5WriteDoubleAttr(ga, "expected_information", s[k].expected_information));
    PetscCall(TTH5WriteDoubleAttr(ga, "analytic_power", s[k].analytic_power));
    PetscCall(TTH5WriteStringAttr(ga, "analytic_method", s[k].analytic_method));
    PetscCall(TTH5WriteStringAttr(ga, "failure_reasons", s[k].failure_reasons));
    if (s[k].covariance_fitted[0]) PetscCall(TTH5WriteStringAttr(ga, "covariance_fitted", s[k].covariance_fitted));
    if (st->p->has_discontinuation || st->p->analysis[k].estimand != TT_ESTIMAND_TREATMENT_POLICY)
      PetscCall(TTH5WriteStringAttr(ga, "estimand_strategy", TTEstimandNames[st->p->analysis[k].estimand]));
    if (s[k].nlook > 0) PetscCall(TTH5WriteDoubleArrayAttr(ga, "stop_prob", s[k].nlook, s[k].stop_prob));
    PetscCall(TTH5WriteDoubleAttr(ga, "dropped_twins", s[k].dropped_twins));
    PetscCall(TTStoreWriteSummaryArms(ga, &s[k]));
    TTCallHDF5(H5Gclose(ga));
  }
  TTCallHDF5(H5Gclose(g));
  PetscFunctionReturn(0);
}

/* Rank 0: the number of twins dropped after a failed simulation, from the stored rows. */
static PetscErrorCode DroppedTwins(TTStore st, double *buf, PetscInt chunk, double *total)
{
  PetscFunctionBeginUser;
  *total = 0.0;
  for (PetscInt r0 = 0; r0 < st->p->replicates; r0 += chunk) {
    hsize_t start = (hsize_t) r0, count = (hsize_t) PetscMin(chunk, st->p->replicates - r0);
    hid_t   fspace, mspace;
    TTCallHDF5(fspace = H5Dget_space(st->dropped));
    TTCallHDF5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL));
    TTCallHDF5(mspace = H5Screate_simple(1, &count, NULL));
    TTCallHDF5(H5Dread(st->dropped, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf));
    TTCallHDF5(H5Sclose(mspace));
    TTCallHDF5(H5Sclose(fspace));
    for (hsize_t i = 0; i < count; i++) *total += buf[i];
  }
  PetscFunctionReturn(0);
}

/* Rank 0: operating characteristics from the stored rows, in replicate order. */
PetscErrorCode TTStoreSummarize(TTStore st, TTSummary *s)
{
  const PetscInt chunk = 1024;
  PetscInt       R = st->p->replicates, na = st->p->nanalysis;
  double        *col, dropped;
  hid_t          fspace, mspace;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(TT_NCOLUMN * chunk, &col));
  PetscCall(DroppedTwins(st, col, chunk, &dropped));
  for (PetscInt k = 0; k < na; k++) {
    tt_stats_oc oc;
    double      info  = 0.0;
    long        ninfo = 0;
    PetscCall(PetscMemzero(&s[k], sizeof(s[k])));
    s[k].nlook = st->p->nlook;
    tt_stats_oc_init(&oc);
    for (PetscInt r0 = 0; r0 < R; r0 += chunk) {
      hsize_t start = (hsize_t) r0, count = (hsize_t) PetscMin(chunk, R - r0);
      for (int c = 0; c < TT_NCOLUMN; c++) {
        hid_t d = st->col[k * TT_NCOLUMN + c];
        TTCallHDF5(fspace = H5Dget_space(d));
        TTCallHDF5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL));
        TTCallHDF5(mspace = H5Screate_simple(1, &count, NULL));
        TTCallHDF5(H5Dread(d, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, col + c * chunk));
        TTCallHDF5(H5Sclose(mspace));
        TTCallHDF5(H5Sclose(fspace));
      }
      for (hsize_t i = 0; i < count; i++) {
        const double   *v = col + i;
        tt_stats_result res;
        int             stage = (int) v[12 * chunk];
        res.estimate          = v[1 * chunk];
        res.std_error         = v[2 * chunk];
        res.ci_lower          = v[3 * chunk];
        res.ci_upper          = v[4 * chunk];
        res.statistic         = v[5 * chunk];
        res.df                = v[6 * chunk];
        res.p_value           = v[7 * chunk];
        res.reject            = (int) v[8 * chunk];
        res.n_analysed        = (int) v[9 * chunk];
        tt_stats_oc_add(&oc, v[11 * chunk] == 1.0, &res, v[10 * chunk]);
        if (v[11 * chunk] == 1.0) info += v[13 * chunk], ninfo++;
        if (s[k].nlook > 0 && stage >= 1 && stage <= s[k].nlook) s[k].stop_prob[stage - 1] += 1.0 / (double) R;
      }
    }
    tt_stats_oc_summarize(&oc, &s[k].oc);
    s[k].expected_information = ninfo ? info / (double) ninfo : NAN;
    s[k].dropped_twins        = dropped;
    PetscCall(TTStoreReasonCount(st, k, s[k].failure_reasons, sizeof(s[k].failure_reasons)));
    PetscCall(TTStoreMmrmCount(st, k, s[k].covariance_fitted, sizeof(s[k].covariance_fitted)));
    TTStoreAnalyticPower(st->p, k, &s[k]);
    TTStoreMaskConditional(st->p, k, &s[k]);
    PetscCall(TTStoreSummarizeArmsAndTest(st, k, &s[k]));
  }
  PetscCall(PetscFree(col));
  PetscFunctionReturn(0);
}
