/* protocol_mmrm.c — the keys of an mmrm analysis: covariance, fallback, df and visit.
 *
 * Runs inside the analysis parser, after its method, endpoint and covariates (and for
 * method mi after its keys: an mi analysis has mmrm's visits and visit key, and with
 * analysis: mmrm its covariance, fallback and df too). Invariants on success for method
 * mmrm (and mi): the endpoint is measured at a visit after baseline, with at
 * most TT_MMRM_MAX_VISITS post-baseline visits up to it (the model's visits);
 * mmrm_covariance is a structure (default unstructured) and fallback lists other,
 * distinct structures; mmrm_df is satterthwaite (default) or kenward_roger; mmrm_visit is
 * one of the model's visits (default the endpoint's: the last) and mmrm_visit_index its
 * schedule index; no covariate is baseline (it always enters as baseline x visit). Any
 * of these keys with another method (or covariance, fallback, df with mi's analysis
 * ancova) is an error.
 */
#include <math.h>
#include <string.h>
#include "protocol/protocolimpl.h"

static const char *const MmrmKeys[] = {"covariance", "fallback", "df", "visit"};
static const char *const DfNames[]  = {"satterthwaite", "kenward_roger"};

/* A covariance structure's name at node n. */
static PetscErrorCode GetStructure(TTYaml y, TTYamlNode n, const char *path, int *cov)
{
  const char *names[TT_MMRM_NCOV];
  PetscFunctionBeginUser;
  for (int c = 0; c < TT_MMRM_NCOV; c++) names[c] = tt_mmrm_cov_name((tt_mmrm_cov) c);
  PetscCall(TTYamlGetChoice(y, n, path, TT_MMRM_NCOV, names, cov));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseFallback(TTYaml y, TTYamlNode seq, const char *path, TTAnalysisSpec *a)
{
  int  len = TTYamlLength(y, seq);
  char ipath[160];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, path, "a sequence of covariance structures, e.g. [toeplitz, ar1]"));
  if (len > TT_MMRM_NCOV - 1)
    PetscCall(TTYamlError(y, seq, path, "expected at most %d fallback structures, found %d", TT_MMRM_NCOV - 1, len));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    PetscCall(TTYamlKeyIndex(ipath, sizeof ipath, path, i));
    PetscCall(GetStructure(y, n, ipath, &a->fallback[i]));
    if (a->fallback[i] == a->mmrm_covariance)
      PetscCall(TTYamlError(y, n, ipath, "expected a structure other than the analysis's covariance (%s)",
                            tt_mmrm_cov_name((tt_mmrm_cov) a->mmrm_covariance)));
    for (int j = 0; j < i; j++)
      if (a->fallback[j] == a->fallback[i])
        PetscCall(TTYamlError(y, n, ipath, "expected each structure once; %s is also %s[%d]",
                              tt_mmrm_cov_name((tt_mmrm_cov) a->fallback[i]), path, j));
  }
  a->nfallback = len;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseVisit(TTYaml y, TTYamlNode n, const char *path, const TTProtocol *p, const TTEndpointSpec *e,
                                 TTAnalysisSpec *a)
{
  char list[512] = "";
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetReal(y, n, path, &a->mmrm_visit));
  a->mmrm_visit_index = -1;
  for (int i = 1; i <= e->visit_index; i++)
    if (p->visit[i] == a->mmrm_visit) a->mmrm_visit_index = i;
  if (a->mmrm_visit_index > 0) PetscFunctionReturn(0);
  for (int i = 1; i <= e->visit_index; i++) {
    char v[32];
    snprintf(v, sizeof v, "%s%g", i > 1 ? ", " : "", p->visit[i]); /* PetscSNPrintf would print 12 as "12." */
    PetscCall(PetscStrlcat(list, v, sizeof list));
  }
  PetscCall(TTYamlError(y, n, path,
                        "expected one of the model's visits, after baseline up to endpoint '%s' (%s), found %g",
                        e->name, list, a->mmrm_visit));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseMmrm(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p, TTAnalysisSpec *a)
{
  const TTEndpointSpec *e = &p->endpoint[a->endpoint_index];
  TTYamlNode            n;
  char                  path[128];
  PetscFunctionBeginUser;
  a->mmrm_covariance  = TT_MMRM_UNSTRUCTURED;
  a->mmrm_df          = TT_MMRM_SATTERTHWAITE;
  a->nfallback        = 0;
  a->mmrm_visit_index = -1;
  a->mmrm_visit       = NAN;
  if (a->method == TT_ANALYSIS_MI && a->mi_analysis == TT_MI_ANCOVA) {
    for (int k = 0; k < 3; k++)
      if (TTYamlFind(y, item, MmrmKeys[k])) {
        PetscCall(TTYamlKeyJoin(path, sizeof path, key, MmrmKeys[k]));
        PetscCall(TTYamlError(y, TTYamlFindKey(y, item, MmrmKeys[k]), path,
                              "expected no %s with method mi and analysis ancova (it applies to analysis: mmrm)",
                              MmrmKeys[k]));
      }
  } else if (a->method != TT_ANALYSIS_MMRM && a->method != TT_ANALYSIS_MI) {
    for (int k = 0; k < 4; k++)
      if (TTYamlFind(y, item, MmrmKeys[k])) {
        PetscCall(TTYamlKeyJoin(path, sizeof path, key, MmrmKeys[k]));
        PetscCall(TTYamlError(y, TTYamlFindKey(y, item, MmrmKeys[k]), path, "expected no %s with method %s (%s)",
                              MmrmKeys[k], TTAnalysisMethodNames[a->method], "it applies to mmrm and mi"));
      }
    PetscFunctionReturn(0);
  }
  if (TTEndpointIsWindow(e->type)) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "endpoint"));
    PetscCall(TTYamlError(y, TTYamlFind(y, item, "endpoint"), path,
                          "expected an endpoint measured at a visit for method %s; '%s' (%s) summarises a window of "
                          "visits (analyse it with ancova or welch)",
                          TTAnalysisMethodNames[a->method], e->name, TTEndpointTypeNames[e->type]));
  }
  if (e->visit_index < 1) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "endpoint"));
    PetscCall(TTYamlError(y, TTYamlFind(y, item, "endpoint"), path,
                          "expected an endpoint measured after baseline for method %s; '%s' is at the first visit",
                          TTAnalysisMethodNames[a->method], e->name));
  }
  if (e->visit_index > TT_MMRM_MAX_VISITS) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "endpoint"));
    PetscCall(TTYamlError(y, TTYamlFind(y, item, "endpoint"), path,
                          "expected at most %d post-baseline visits up to the endpoint for method %s, found %d",
                          TT_MMRM_MAX_VISITS, TTAnalysisMethodNames[a->method], e->visit_index));
  }
  for (int i = 0; i < a->ncovariate; i++)
    if (!strcmp(a->covariate[i], "baseline")) {
      char cpath[128];
      PetscCall(TTYamlKeyJoin(cpath, sizeof cpath, key, "covariates"));
      PetscCall(TTYamlKeyIndex(path, sizeof path, cpath, i));
      PetscCall(TTYamlErrorAt(y, a->covariate_loc[i], path,
                              a->method == TT_ANALYSIS_MI
                                  ? "expected no baseline among an mi analysis's covariates: baseline always enters "
                                    "both the imputation model (as baseline x visit) and the analysis; list only "
                                    "further covariates"
                                  : "expected no baseline among an mmrm's covariates: baseline always enters as "
                                    "baseline x visit; list only further covariates"));
    }
  if ((n = TTYamlFind(y, item, "covariance"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "covariance"));
    PetscCall(GetStructure(y, n, path, &a->mmrm_covariance));
  }
  if ((n = TTYamlFind(y, item, "fallback"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "fallback"));
    PetscCall(ParseFallback(y, n, path, a));
  }
  if ((n = TTYamlFind(y, item, "df"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "df"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, DfNames, &a->mmrm_df));
  }
  a->mmrm_visit       = p->visit[e->visit_index];
  a->mmrm_visit_index = e->visit_index;
  if ((n = TTYamlFind(y, item, "visit"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "visit"));
    PetscCall(ParseVisit(y, n, path, p, e, a));
  }
  PetscFunctionReturn(0);
}
