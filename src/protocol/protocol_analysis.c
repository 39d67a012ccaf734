/* protocol_analysis.c — the endpoints and analysis sections of a protocol.
 *
 * Runs after arms and schedule are parsed. Invariants on success: endpoint and
 * analysis names are unique identifiers; every endpoint's visit is one of the
 * schedule's visits (visit_index), after baseline for change_from_baseline;
 * every analysis names an existing endpoint (endpoint_index) and two different
 * arms; alpha is in (0, 0.5); sided is 1 or 2; direction is -1 unless a
 * one-sided analysis says "higher"; welch analyses have no covariates.
 */
#include <limits.h>
#include <string.h>
#include "protocol/protocolimpl.h"

/* ---- endpoints ---- */

static PetscErrorCode VisitList(const TTProtocol *p, char *buf, size_t len)
{
  PetscFunctionBeginUser;
  buf[0] = 0;
  for (int i = 0; i < p->nvisit; i++) {
    char v[32];
    snprintf(v, sizeof v, "%s%g", i ? ", " : "", p->visit[i]); /* PetscSNPrintf would print 12 as "12." */
    PetscCall(PetscStrlcat(buf, v, len));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEndpointVisit(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p,
                                         TTEndpointSpec *e)
{
  char path[128], list[512];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "visit"));
  PetscCall(TTYamlGetReal(y, n, path, &e->visit));
  e->visit_index = -1;
  for (int i = 0; i < p->nvisit; i++)
    if (p->visit[i] == e->visit) e->visit_index = i;
  if (e->visit_index < 0) {
    PetscCall(VisitList(p, list, sizeof list));
    PetscCall(TTYamlError(y, n, path, "expected one of the schedule's visits (%s), found %g", list, e->visit));
  }
  if (e->type == TT_ENDPOINT_CHANGE_FROM_BASELINE && e->visit_index == 0)
    PetscCall(TTYamlError(y, n, path, "expected a visit after baseline (%g) for change_from_baseline", p->visit[0]));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEndpoint(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[]  = {"name", "type", "variable", "visit"};
  static const char *const types[] = {"change_from_baseline", "value_at_visit"};
  TTEndpointSpec          *e       = &p->endpoint[i];
  TTYamlNode               n;
  char                     path[128];
  int                      t;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an endpoint {name, type, variable, visit}"));
  PetscCall(TTYamlCheckKeys(y, item, key, 4, keys));
  e->loc = TTYamlLoc(y, item);
  PetscCall(TTYamlRequire(y, item, key, "name", "the endpoint's name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, e->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->endpoint[j].name, e->name))
      PetscCall(TTYamlError(y, n, path, "expected unique endpoint names; '%s' is also endpoints[%d]", e->name, j));
  PetscCall(TTYamlRequire(y, item, key, "type", "change_from_baseline or value_at_visit", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "type"));
  PetscCall(TTYamlGetChoice(y, n, path, 2, types, &t));
  e->type = (TTEndpointType) t;
  PetscCall(TTYamlRequire(y, item, key, "variable", "a model output variable", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "variable"));
  PetscCall(TTYamlGetName(y, n, path, e->variable));
  e->variable_loc = TTYamlLoc(y, n);
  PetscCall(TTYamlRequire(y, item, key, "visit", "one of the schedule's visits", &n));
  PetscCall(ParseEndpointVisit(y, n, key, p, e));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseEndpoints(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  int len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, "endpoints", "a sequence of endpoints"));
  if (len < 1) PetscCall(TTYamlError(y, seq, "endpoints", "expected at least 1 endpoint"));
  for (int i = 0; i < len; i++) {
    char path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, "endpoints", i));
    if (i >= TT_MAX_ENDPOINTS)
      PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected at most %d endpoints", TT_MAX_ENDPOINTS));
    PetscCall(ParseEndpoint(y, TTYamlItem(y, seq, i), path, p, i));
    p->nendpoint = i + 1;
  }
  PetscFunctionReturn(0);
}

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

static PetscErrorCode ParseAnalysis(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[]    = {"name",  "endpoint",  "method",    "covariates", "alpha",
                                        "sided", "direction", "treatment", "control"};
  static const char *const methods[] = {"ancova", "welch"};
  TTAnalysisSpec          *a         = &p->analysis[i];
  TTYamlNode               n;
  char                     path[128];
  int                      m;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an analysis {name, endpoint, method, ...}"));
  PetscCall(TTYamlCheckKeys(y, item, key, 9, keys));
  a->loc = TTYamlLoc(y, item);
  PetscCall(TTYamlRequire(y, item, key, "name", "the analysis' name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, a->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->analysis[j].name, a->name))
      PetscCall(TTYamlError(y, n, path, "expected unique analysis names; '%s' is also analysis[%d]", a->name, j));
  PetscCall(TTYamlRequire(y, item, key, "endpoint", "the name of an endpoint", &n));
  PetscCall(ParseAnalysisEndpoint(y, n, key, p, a));
  PetscCall(TTYamlRequire(y, item, key, "method", "ancova or welch", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "method"));
  PetscCall(TTYamlGetChoice(y, n, path, 2, methods, &m));
  a->method = (TTAnalysisMethod) m;
  if ((n = TTYamlFind(y, item, "covariates"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "covariates"));
    PetscCall(ParseCovariates(y, n, path, a));
    if (a->method == TT_ANALYSIS_WELCH && a->ncovariate)
      PetscCall(TTYamlError(y, TTYamlFindKey(y, item, "covariates"), path,
                            "expected no covariates with method welch (use ancova)"));
  }
  PetscCall(ParseTest(y, item, key, a));
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
