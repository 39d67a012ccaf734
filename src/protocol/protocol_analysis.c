/* protocol_analysis.c — the analysis section of a protocol.
 *
 * Runs after arms and endpoints are parsed. Invariants on success: analysis
 * names are unique identifiers; every analysis names an existing endpoint
 * (endpoint_index) whose kind the method fits (continuous: ancova, welch;
 * binary: risk_difference, odds_ratio, cmh; time to event: logrank, cox; count:
 * negbin, poisson) and two different arms; alpha is in (0, 0.5); sided is 1 or
 * 2; direction is -1 unless a one-sided analysis says "higher"; margin is finite
 * and nonzero only for one-sided (non-inferiority) tests; only ancova,
 * odds_ratio, cox, negbin and poisson have covariates; newcombe is 1 only for
 * risk_difference (unless ci: wald), breslow only for cox with ties: breslow,
 * stratified only for logrank/cox when asked and always for cmh. A key that
 * does not apply to the method is an error.
 */
#include <string.h>
#include "protocol/protocolimpl.h"

/* ---- analyses ---- */

static PetscErrorCode ParseCovariates(TTYaml y, TTYamlNode seq, const char *key, TTAnalysisSpec *a)
{
  int len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, key, "a sequence of covariate names"));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    char       path[128];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    if (i >= TT_MAX_COVARIATES) PetscCall(TTYamlError(y, n, path, "expected at most %d covariates", TT_MAX_COVARIATES));
    PetscCall(TTYamlGetName(y, n, path, a->covariate[i]));
    for (int j = 0; j < i; j++)
      if (!strcmp(a->covariate[i], a->covariate[j]))
        PetscCall(
            TTYamlError(y, n, path, "expected each covariate once; '%s' is also %s[%d]", a->covariate[i], key, j));
    a->covariate_loc[i] = TTYamlLoc(y, n);
    a->ncovariate       = i + 1;
  }
  PetscFunctionReturn(0);
}

/* treatment / control: an arm name, or the default index. */
static PetscErrorCode ParseArmRef(TTYaml y, TTYamlNode item, const char *key, const char *which, const TTProtocol *p,
                                  int def, int *arm)
{
  TTYamlNode n = TTYamlFind(y, item, which);
  char       path[128], name[TT_NAME_MAX], list[512] = "";
  PetscFunctionBeginUser;
  *arm = def;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, which));
  PetscCall(TTYamlGetName(y, n, path, name));
  *arm = TTProtocolFindArm(p, name);
  if (*arm < 0) {
    for (int i = 0; i < p->narm; i++) {
      PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof list));
      PetscCall(PetscStrlcat(list, p->arm[i].name, sizeof list));
    }
    PetscCall(TTYamlError(y, n, path, "expected an arm name (one of %s), found '%s'", list, name));
  }
  PetscFunctionReturn(0);
}

/* alpha, sided, direction. */
static PetscErrorCode ParseTest(TTYaml y, TTYamlNode item, const char *key, TTAnalysisSpec *a)
{
  static const char *const dirs[] = {"lower", "higher"};
  TTYamlNode               n;
  char                     path[128];
  int                      d;
  PetscFunctionBeginUser;
  a->alpha = 0.05;
  if ((n = TTYamlFind(y, item, "alpha"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "alpha"));
    PetscCall(TTYamlGetReal(y, n, path, &a->alpha));
    if (!(a->alpha > 0 && a->alpha < 0.5))
      PetscCall(TTYamlError(y, n, path, "expected a significance level in (0, 0.5), found %g", a->alpha));
  }
  a->sided = 2;
  if ((n = TTYamlFind(y, item, "sided"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "sided"));
    PetscCall(TTProtocolGetIntRange(y, n, path, 1, 2, &a->sided));
  }
  a->direction = -1;
  if ((n = TTYamlFind(y, item, "direction"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "direction"));
    if (a->sided != 1)
      PetscCall(TTYamlError(y, TTYamlFindKey(y, item, "direction"), path,
                            "expected no direction for a two-sided test (set sided: 1)"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, dirs, &d));
    a->direction = d ? 1 : -1;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAnalysisEndpoint(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p,
                                            TTAnalysisSpec *a)
{
  char path[128], list[512] = "";
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "endpoint"));
  PetscCall(TTYamlGetName(y, n, path, a->endpoint));
  a->endpoint_index = -1;
  for (int i = 0; i < p->nendpoint; i++)
    if (!strcmp(p->endpoint[i].name, a->endpoint)) a->endpoint_index = i;
  if (a->endpoint_index < 0) {
    for (int i = 0; i < p->nendpoint; i++) {
      PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof list));
      PetscCall(PetscStrlcat(list, p->endpoint[i].name, sizeof list));
    }
    PetscCall(TTYamlError(y, n, path, "expected an endpoint name (one of %s), found '%s'", list, a->endpoint));
  }
  PetscFunctionReturn(0);
}

/* The method must fit the kind of its endpoint: "expected logrank or cox for endpoint 'os' of type time_to_event". */
static PetscErrorCode CheckMethodFits(TTYaml y, TTYamlNode n, const char *path, const TTProtocol *p,
                                      const TTAnalysisSpec *a)
{
  static const int first[] = {TT_ANALYSIS_ANCOVA, TT_ANALYSIS_RISK_DIFFERENCE, TT_ANALYSIS_LOGRANK, TT_ANALYSIS_NEGBIN};
  static const int last[]  = {TT_ANALYSIS_WELCH, TT_ANALYSIS_CMH, TT_ANALYSIS_COX, TT_ANALYSIS_POISSON};
  const TTEndpointSpec *e  = &p->endpoint[a->endpoint_index];
  TTEndpointKind        k  = TTEndpointKindOf(e->type);
  char                  list[256] = "";
  PetscFunctionBeginUser;
  if ((int) a->method >= first[k] && (int) a->method <= last[k]) PetscFunctionReturn(0);
  for (int m = first[k]; m <= last[k]; m++) {
    PetscCall(PetscStrlcat(list, m == first[k] ? "" : (m == last[k] ? " or " : ", "), sizeof list));
    PetscCall(PetscStrlcat(list, TTAnalysisMethodNames[m], sizeof list));
  }
  PetscCall(TTYamlError(y, n, path, "expected %s for endpoint '%s' of type %s, found '%s'", list, e->name,
                        TTEndpointTypeNames[e->type], TTAnalysisMethodNames[a->method]));
  PetscFunctionReturn(0);
}

/* Key `name` is given although method a->method does not take it: "expected no ci with method cox (...)". */
static PetscErrorCode NotForMethod(TTYaml y, TTYamlNode item, const char *key, const char *name,
                                   const TTAnalysisSpec *a, const char *why)
{
  char path[128];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlError(y, TTYamlFindKey(y, item, name), path, "expected no %s with method %s (%s)", name,
                        TTAnalysisMethodNames[a->method], why));
  PetscFunctionReturn(0);
}

/* covariates, ci, ties, stratified: each only for the methods that use it. */
static PetscErrorCode ParseMethodOptions(TTYaml y, TTYamlNode item, const char *key, TTAnalysisSpec *a)
{
  static const char *const cis[]  = {"newcombe", "wald"};
  static const char *const ties[] = {"efron", "breslow"};
  const TTAnalysisMethod   m      = a->method;
  TTYamlNode               n;
  char                     path[128];
  int                      c;
  PetscBool                b;
  PetscFunctionBeginUser;
  if ((n = TTYamlFind(y, item, "covariates"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "covariates"));
    PetscCall(ParseCovariates(y, n, path, a));
    if (a->ncovariate && (m == TT_ANALYSIS_WELCH || m == TT_ANALYSIS_RISK_DIFFERENCE || m == TT_ANALYSIS_CMH ||
                          m == TT_ANALYSIS_LOGRANK))
      PetscCall(NotForMethod(y, item, key, "covariates", a,
                             "covariates apply to ancova, odds_ratio, cox, negbin and poisson"));
  }
  a->newcombe = m == TT_ANALYSIS_RISK_DIFFERENCE;
  if ((n = TTYamlFind(y, item, "ci"))) {
    if (m != TT_ANALYSIS_RISK_DIFFERENCE)
      PetscCall(NotForMethod(y, item, key, "ci", a, "ci applies to risk_difference"));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "ci"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, cis, &c));
    a->newcombe = c == 0;
  }
  if ((n = TTYamlFind(y, item, "ties"))) {
    if (m != TT_ANALYSIS_COX) PetscCall(NotForMethod(y, item, key, "ties", a, "ties applies to cox"));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "ties"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, ties, &c));
    a->breslow = c == 1;
  }
  a->stratified = m == TT_ANALYSIS_CMH;
  if ((n = TTYamlFind(y, item, "stratified"))) {
    if (m == TT_ANALYSIS_CMH)
      PetscCall(NotForMethod(y, item, key, "stratified", a, "cmh is always stratified by the randomization strata"));
    if (m != TT_ANALYSIS_LOGRANK && m != TT_ANALYSIS_COX)
      PetscCall(NotForMethod(y, item, key, "stratified", a, "stratified applies to logrank and cox"));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "stratified"));
    PetscCall(TTYamlGetBool(y, n, path, &b));
    a->stratified = b ? 1 : 0;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAnalysis(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[] = {"name",  "endpoint",   "method",    "covariates", "alpha",
                                     "sided", "direction",  "treatment", "control",    "margin",
                                     "ci",    "stratified", "ties"};
  TTAnalysisSpec          *a      = &p->analysis[i];
  TTYamlNode               n;
  char                     path[128], methods[256] = "";
  int                      m;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an analysis {name, endpoint, method, ...}"));
  PetscCall(TTYamlCheckKeys(y, item, key, 13, keys));
  a->loc = TTYamlLoc(y, item);
  PetscCall(TTYamlRequire(y, item, key, "name", "the analysis' name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, a->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->analysis[j].name, a->name))
      PetscCall(TTYamlError(y, n, path, "expected unique analysis names; '%s' is also analysis[%d]", a->name, j));
  PetscCall(TTYamlRequire(y, item, key, "endpoint", "the name of an endpoint", &n));
  PetscCall(ParseAnalysisEndpoint(y, n, key, p, a));
  for (int j = 0; j < 9; j++) {
    PetscCall(PetscStrlcat(methods, j ? (j == 8 ? " or " : ", ") : "", sizeof methods));
    PetscCall(PetscStrlcat(methods, TTAnalysisMethodNames[j], sizeof methods));
  }
  PetscCall(TTYamlRequire(y, item, key, "method", methods, &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "method"));
  PetscCall(TTYamlGetChoice(y, n, path, 9, TTAnalysisMethodNames, &m));
  a->method     = (TTAnalysisMethod) m;
  a->method_loc = TTYamlLoc(y, n);
  PetscCall(CheckMethodFits(y, n, path, p, a));
  PetscCall(ParseMethodOptions(y, item, key, a));
  PetscCall(ParseTest(y, item, key, a));
  if ((n = TTYamlFind(y, item, "margin"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "margin"));
    PetscCall(TTYamlGetReal(y, n, path, &a->margin));
    if (a->margin != 0 && a->sided != 1)
      PetscCall(
          TTYamlError(y, n, path, "expected margin 0 for a two-sided test; a non-inferiority margin needs sided: 1"));
  }
  PetscCall(ParseArmRef(y, item, key, "treatment", p, 1, &a->treatment_arm));
  PetscCall(ParseArmRef(y, item, key, "control", p, 0, &a->control_arm));
  if (a->treatment_arm == a->control_arm) {
    const char *which = TTYamlFind(y, item, "control") ? "control" : "treatment";
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, which));
    PetscCall(TTYamlError(y, TTYamlFind(y, item, which), path,
                          "expected different treatment and control arms; both are '%s'", p->arm[a->control_arm].name));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseAnalyses(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  int len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, "analysis", "a sequence of analyses"));
  if (len < 1) PetscCall(TTYamlError(y, seq, "analysis", "expected at least 1 analysis"));
  for (int i = 0; i < len; i++) {
    char path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, "analysis", i));
    if (i >= TT_MAX_ANALYSES)
      PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected at most %d analyses", TT_MAX_ANALYSES));
    PetscCall(ParseAnalysis(y, TTYamlItem(y, seq, i), path, p, i));
    p->nanalysis = i + 1;
  }
  PetscFunctionReturn(0);
}
