/* protocol_analysis.c — the analysis section of a protocol.
 *
 * Runs after arms and endpoints are parsed. Invariants on success: analysis
 * names are unique identifiers; every analysis names an existing endpoint
 * (endpoint_index) whose kind the method fits (continuous: ancova, welch, mmrm, mi;
 * binary: risk_difference, odds_ratio, cmh; time to event: logrank, cox; count:
 * negbin, poisson) and two different arms; alpha is in (0, 0.5); sided is 1 or
 * 2; direction is -1 unless a one-sided analysis says "higher"; margin is finite
 * and nonzero only for one-sided (non-inferiority) tests of a method with a textbook
 * test of a shifted null: ancova, welch, mmrm, mi (t), risk_difference (Farrington-Manning score
 * with ci: score, the default with a margin; Wald with ci: wald; never Newcombe, whose
 * interval has no matching test), and as margin_ratio (stored as its log) odds_ratio,
 * cox, negbin, poisson (Wald z on the log scale); cmh and logrank (score tests of a
 * ratio of 1) take none. Only ancova, mmrm, mi, odds_ratio, cox, negbin and poisson have
 * covariates, each NAME, factor(NAME) or numeric(NAME); newcombe is 1 only for
 * risk_difference with ci: newcombe (the default without a margin), score only with ci:
 * score, breslow only for cox with ties: breslow, stratified only for logrank/cox when
 * asked and always for cmh, strata (cohort covariates) only for logrank/cox and never
 * with stratified; covariance, fallback, df and visit only for mmrm and mi (protocol_mmrm.c);
 * imputation, reference, delta, imputations and analysis only for mi (protocol_mi.c). A
 * key that does not apply to the method is an error.
 */
#include <math.h>
#include <string.h>
#include "protocol/protocolimpl.h"

/* ---- analyses ---- */

/* NAME, factor(NAME) or numeric(NAME) (cohort covariates only). */
static PetscErrorCode ParseCovariate(TTYaml y, TTYamlNode n, const char *path, TTAnalysisSpec *a, int i)
{
  static const char *const fn[] = {"factor(", "numeric("};
  const char              *s    = TTYamlScalar(y, n);
  PetscFunctionBeginUser;
  a->coding[i] = TT_CODING_AS_GIVEN;
  for (int c = 0; s && c < 2; c++) {
    size_t m = strlen(fn[c]), len = strlen(s);
    if (strncmp(s, fn[c], m)) continue;
    if (len < m + 2 || s[len - 1] != ')' || len - m - 1 >= TT_NAME_MAX) break;
    memcpy(a->covariate[i], s + m, len - m - 1);
    a->covariate[i][len - m - 1] = 0;
    if (!TTIsName(a->covariate[i])) break;
    if (!strcmp(a->covariate[i], "baseline") || !strcmp(a->covariate[i], "prognostic_score"))
      PetscCall(TTYamlError(y, n, path, "expected factor() and numeric() around a cohort covariate; '%s' is a number",
                            a->covariate[i]));
    a->coding[i] = c ? TT_CODING_NUMERIC : TT_CODING_FACTOR;
    PetscFunctionReturn(0);
  }
  if (s && (!strncmp(s, fn[0], strlen(fn[0])) || !strncmp(s, fn[1], strlen(fn[1]))))
    PetscCall(TTYamlError(y, n, path, "expected factor(NAME) or numeric(NAME) with a covariate name, found '%s'", s));
  PetscCall(TTYamlGetName(y, n, path, a->covariate[i]));
  PetscFunctionReturn(0);
}

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
    PetscCall(ParseCovariate(y, n, path, a, i));
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
static TTEndpointKind MethodKind(TTAnalysisMethod m)
{
  return m <= TT_ANALYSIS_WELCH || m == TT_ANALYSIS_MMRM || m == TT_ANALYSIS_MI ? TT_KIND_CONTINUOUS
         : m <= TT_ANALYSIS_CMH                                                 ? TT_KIND_BINARY
         : m <= TT_ANALYSIS_COX                                                 ? TT_KIND_TIME_TO_EVENT
                                                                                : TT_KIND_COUNT;
}

static PetscErrorCode CheckMethodFits(TTYaml y, TTYamlNode n, const char *path, const TTProtocol *p,
                                      const TTAnalysisSpec *a)
{
  const TTEndpointSpec *e         = &p->endpoint[a->endpoint_index];
  TTEndpointKind        k         = TTEndpointKindOf(e->type);
  char                  list[256] = "";
  int                   nfit = 0, seen = 0;
  PetscFunctionBeginUser;
  if (MethodKind(a->method) == k) PetscFunctionReturn(0);
  for (int m = 0; m < TT_NMETHOD; m++) nfit += MethodKind((TTAnalysisMethod) m) == k;
  for (int m = 0; m < TT_NMETHOD; m++) {
    if (MethodKind((TTAnalysisMethod) m) != k) continue;
    PetscCall(PetscStrlcat(list, !seen ? "" : (seen == nfit - 1 ? " or " : ", "), sizeof list));
    PetscCall(PetscStrlcat(list, TTAnalysisMethodNames[m], sizeof list));
    seen++;
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

/* strata: [NAME, ...], stratification factors of logrank and cox (checked against the
 * cohort by the trial module). */
static PetscErrorCode ParseStrata(TTYaml y, TTYamlNode item, const char *key, TTAnalysisSpec *a)
{
  TTYamlNode seq = TTYamlFind(y, item, "strata");
  char       path[128], ipath[160];
  int        len;
  PetscFunctionBeginUser;
  if (!seq) PetscFunctionReturn(0);
  if (a->method == TT_ANALYSIS_CMH)
    PetscCall(NotForMethod(y, item, key, "strata", a, "cmh is always stratified by the randomization strata"));
  if (a->method != TT_ANALYSIS_LOGRANK && a->method != TT_ANALYSIS_COX)
    PetscCall(NotForMethod(y, item, key, "strata", a, "strata applies to logrank and cox"));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "strata"));
  if (TTYamlFind(y, item, "stratified"))
    PetscCall(TTYamlError(y, TTYamlFindKey(y, item, "strata"), path,
                          "expected either stratified: true (the randomization strata) or strata: [covariates], "
                          "not both"));
  PetscCall(TTYamlCheckSequence(y, seq, path, "a sequence of cohort covariates, e.g. [ecog]"));
  len = TTYamlLength(y, seq);
  if (len < 1 || len > TT_MAX_STRATA)
    PetscCall(TTYamlError(y, seq, path, "expected 1 to %d stratification covariates, found %d", TT_MAX_STRATA, len));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    PetscCall(TTYamlKeyIndex(ipath, sizeof ipath, path, i));
    PetscCall(TTYamlGetName(y, n, ipath, a->strata[i]));
    for (int j = 0; j < i; j++)
      if (!strcmp(a->strata[i], a->strata[j]))
        PetscCall(TTYamlError(y, n, ipath, "expected each covariate once; '%s' is also %s[%d]", a->strata[i], path, j));
    a->strata_loc[i] = TTYamlLoc(y, n);
  }
  a->nstrata = len;
  PetscFunctionReturn(0);
}

/* margin (difference methods) or margin_ratio (ratio methods), for one-sided tests of a
 * shifted null where a textbook test exists; after ParseTest and ParseMethodOptions. */
static PetscErrorCode ParseMargin(TTYaml y, TTYamlNode item, const char *key, TTAnalysisSpec *a)
{
  const TTAnalysisMethod m = a->method;
  const PetscBool        ratio =
      m == TT_ANALYSIS_ODDS_RATIO || m == TT_ANALYSIS_COX || m == TT_ANALYSIS_NEGBIN || m == TT_ANALYSIS_POISSON;
  const char *name = TTYamlFind(y, item, "margin") ? "margin" : "margin_ratio";
  TTYamlNode  n    = TTYamlFind(y, item, name);
  char        path[128];
  double      v;
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  if (m == TT_ANALYSIS_CMH || m == TT_ANALYSIS_LOGRANK)
    PetscCall(NotForMethod(y, item, key, name, a,
                           m == TT_ANALYSIS_CMH ? "the CMH test is a score test of a common odds ratio of 1; for a "
                                                  "non-inferiority margin use odds_ratio with margin_ratio"
                                                : "the log-rank test is a score test of a hazard ratio of 1; for a "
                                                  "non-inferiority margin use cox with margin_ratio"));
  if (ratio && name[6] != '_')
    PetscCall(TTYamlError(y, TTYamlFindKey(y, item, name), path,
                          "expected margin_ratio (the non-inferiority margin as a ratio, e.g. 1.3) with method %s; "
                          "margin is for difference methods",
                          TTAnalysisMethodNames[m]));
  if (!ratio && name[6] == '_')
    PetscCall(NotForMethod(y, item, key, name, a, "margin_ratio applies to odds_ratio, cox, negbin and poisson"));
  if (TTYamlFind(y, item, "margin") && TTYamlFind(y, item, "margin_ratio"))
    PetscCall(
        TTYamlError(y, TTYamlFindKey(y, item, "margin_ratio"), path, "expected margin or margin_ratio, not both"));
  PetscCall(TTYamlGetReal(y, n, path, &v));
  if (ratio && !(v > 0))
    PetscCall(TTYamlError(y, n, path, "expected a ratio > 0 (e.g. 1.3 for a hazard ratio margin), found %g", v));
  if (m == TT_ANALYSIS_RISK_DIFFERENCE && !(v > -1 && v < 1))
    PetscCall(TTYamlError(y, n, path, "expected a risk difference in (-1, 1), found %g", v));
  a->margin       = ratio ? log(v) : v;
  a->margin_ratio = ratio ? v : 0.0;
  if (a->margin != 0 && a->sided != 1)
    PetscCall(TTYamlError(y, n, path, "expected %s for a two-sided test; a non-inferiority margin needs sided: 1",
                          ratio ? "margin_ratio 1" : "margin 0"));
  if (a->margin != 0 && m == TT_ANALYSIS_RISK_DIFFERENCE) {
    TTYamlNode ci = TTYamlFind(y, item, "ci");
    if (ci && a->newcombe) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, "ci"));
      PetscCall(TTYamlError(y, ci, path,
                            "expected ci: score (the Farrington-Manning test with its score CI) or wald with a "
                            "non-inferiority margin; Newcombe's interval has no matching test of a shifted null"));
    }
    if (!ci) a->newcombe = 0, a->score = 1;
  }
  PetscFunctionReturn(0);
}

/* covariates, ci, ties, stratified: each only for the methods that use it. */
static PetscErrorCode ParseMethodOptions(TTYaml y, TTYamlNode item, const char *key, TTAnalysisSpec *a)
{
  static const char *const cis[]  = {"newcombe", "wald", "score"};
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
                             "covariates apply to ancova, mmrm, mi, odds_ratio, cox, negbin and poisson"));
  }
  a->newcombe = m == TT_ANALYSIS_RISK_DIFFERENCE;
  if ((n = TTYamlFind(y, item, "ci"))) {
    if (m != TT_ANALYSIS_RISK_DIFFERENCE)
      PetscCall(NotForMethod(y, item, key, "ci", a, "ci applies to risk_difference"));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "ci"));
    PetscCall(TTYamlGetChoice(y, n, path, 3, cis, &c));
    a->newcombe = c == 0;
    a->score    = c == 2;
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
  PetscCall(ParseStrata(y, item, key, a));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAnalysis(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[] = {"name",       "endpoint",   "method",      "covariates", "alpha",
                                     "sided",      "direction",  "treatment",   "control",    "margin",
                                     "ci",         "stratified", "ties",        "strata",     "margin_ratio",
                                     "covariance", "fallback",   "df",          "visit",      "imputation",
                                     "reference",  "delta",      "imputations", "analysis",   "estimand"};
  TTAnalysisSpec          *a      = &p->analysis[i];
  TTYamlNode               n;
  char                     path[128], methods[256] = "";
  int                      m;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an analysis {name, endpoint, method, ...}"));
  PetscCall(TTYamlCheckKeys(y, item, key, (int) (sizeof keys / sizeof keys[0]), keys));
  a->loc = TTYamlLoc(y, item);
  PetscCall(TTYamlRequire(y, item, key, "name", "the analysis' name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, a->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->analysis[j].name, a->name))
      PetscCall(TTYamlError(y, n, path, "expected unique analysis names; '%s' is also analysis[%d]", a->name, j));
  PetscCall(TTYamlRequire(y, item, key, "endpoint", "the name of an endpoint", &n));
  PetscCall(ParseAnalysisEndpoint(y, n, key, p, a));
  for (int j = 0; j < TT_NMETHOD; j++) {
    PetscCall(PetscStrlcat(methods, j ? (j == TT_NMETHOD - 1 ? " or " : ", ") : "", sizeof methods));
    PetscCall(PetscStrlcat(methods, TTAnalysisMethodNames[j], sizeof methods));
  }
  PetscCall(TTYamlRequire(y, item, key, "method", methods, &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "method"));
  PetscCall(TTYamlGetChoice(y, n, path, TT_NMETHOD, TTAnalysisMethodNames, &m));
  a->method     = (TTAnalysisMethod) m;
  a->method_loc = TTYamlLoc(y, n);
  PetscCall(CheckMethodFits(y, n, path, p, a));
  PetscCall(ParseMethodOptions(y, item, key, a));
  PetscCall(ParseArmRef(y, item, key, "treatment", p, 1, &a->treatment_arm));
  PetscCall(ParseArmRef(y, item, key, "control", p, 0, &a->control_arm));
  if (a->treatment_arm == a->control_arm) {
    const char *which = TTYamlFind(y, item, "control") ? "control" : "treatment";
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, which));
    PetscCall(TTYamlError(y, TTYamlFind(y, item, which), path,
                          "expected different treatment and control arms; both are '%s'", p->arm[a->control_arm].name));
  }
  PetscCall(TTProtocolParseMi(y, item, key, p, a));
  PetscCall(TTProtocolParseMmrm(y, item, key, p, a));
  PetscCall(TTProtocolParseEstimand(y, item, key, p, a));
  PetscCall(ParseTest(y, item, key, a));
  PetscCall(ParseMargin(y, item, key, a));
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
