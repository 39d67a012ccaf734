/* protocol_endpoint.c — the endpoints section of a protocol.
 *
 * Runs after the schedule is parsed. Each endpoint type takes a fixed set of
 * keys (KeysOf); any other known key is an error naming the type. Invariants on
 * success: names are unique identifiers; variable is set exactly for the types
 * that read a model variable, event for time_to_event and count (optional for
 * progression_free); visit_index indexes the schedule's visits for continuous
 * and responder endpoints (after baseline for change_from_baseline,
 * percent_change and a responder on a change) and is -1 for the other types;
 * thresholds are finite; progression_percent > 0 and progression_absolute >= 0
 * for progression_free; per_days is the length of a day, week, month or year for
 * count; confirm_days >= 0 for best_response (confirm_weeks, default 0: no confirmation);
 * peak, time_of_peak and auc have a window of visits, from_index < visit_index (keys
 * from and to), and from_index is -1 for the other types.
 * Fields that do not apply to a type stay 0 (measure: value).
 */
#include <string.h>
#include "protocol/protocolimpl.h"

enum {
  K_NAME,
  K_TYPE,
  K_VARIABLE,
  K_VISIT,
  K_EVENT,
  K_THRESHOLD,
  K_DIRECTION,
  K_MEASURE,
  K_PCT,
  K_ABS,
  K_PER,
  K_CONFIRM,
  K_FROM,
  K_TO,
  K_INTERPOLATION,
  NKEY
};
static const char *const endpoint_keys[NKEY] = {"name",
                                                "type",
                                                "variable",
                                                "visit",
                                                "event",
                                                "threshold",
                                                "direction",
                                                "measure",
                                                "progression_percent",
                                                "progression_absolute",
                                                "per",
                                                "confirm_weeks",
                                                "from",
                                                "to",
                                                "interpolation"};
#define B(k) (1u << (k))

/* The keys an endpoint type takes (bit k for endpoint_keys[k]). */
static unsigned KeysOf(TTEndpointType t)
{
  const unsigned base = B(K_NAME) | B(K_TYPE);
  switch (t) {
  case TT_ENDPOINT_CHANGE_FROM_BASELINE:
  case TT_ENDPOINT_VALUE_AT_VISIT:
  case TT_ENDPOINT_PERCENT_CHANGE:
    return base | B(K_VARIABLE) | B(K_VISIT);
  case TT_ENDPOINT_RESPONDER:
    return base | B(K_VARIABLE) | B(K_VISIT) | B(K_THRESHOLD) | B(K_DIRECTION) | B(K_MEASURE);
  case TT_ENDPOINT_BEST_RESPONSE:
    return base | B(K_VARIABLE) | B(K_THRESHOLD) | B(K_CONFIRM);
  case TT_ENDPOINT_TIME_TO_EVENT:
    return base | B(K_EVENT);
  case TT_ENDPOINT_PROGRESSION_FREE:
    return base | B(K_VARIABLE) | B(K_EVENT) | B(K_PCT) | B(K_ABS);
  case TT_ENDPOINT_COUNT:
    return base | B(K_EVENT) | B(K_PER);
  case TT_ENDPOINT_PEAK:
  case TT_ENDPOINT_TIME_OF_PEAK:
    return base | B(K_VARIABLE) | B(K_FROM) | B(K_TO);
  case TT_ENDPOINT_AUC:
    return base | B(K_VARIABLE) | B(K_FROM) | B(K_TO) | B(K_INTERPOLATION);
  }
  return base;
}

/* Every key of the item must be one the type takes: "expected no visit for type count (its keys: ...)". */
static PetscErrorCode CheckTypeKeys(TTYaml y, TTYamlNode item, const char *key, TTEndpointType t)
{
  unsigned mask = KeysOf(t);
  PetscFunctionBeginUser;
  for (int i = 0; i < TTYamlLength(y, item); i++) {
    TTYamlNode k, v;
    char       list[256] = "", path[128];
    int        j;
    TTYamlPair(y, item, i, &k, &v);
    for (j = 0; j < NKEY && strcmp(TTYamlScalar(y, k), endpoint_keys[j]); j++) {
    }
    if (j == NKEY || (mask & B(j))) continue; /* unknown keys are reported by TTYamlCheckKeys */
    for (int m = 0; m < NKEY; m++) {
      if (!(mask & B(m))) continue;
      PetscCall(PetscStrlcat(list, list[0] ? ", " : "", sizeof list));
      PetscCall(PetscStrlcat(list, endpoint_keys[m], sizeof list));
    }
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, endpoint_keys[j]));
    PetscCall(TTYamlError(y, k, path, "expected no %s for type %s (its keys are %s)", endpoint_keys[j],
                          TTEndpointTypeNames[t], list));
  }
  PetscFunctionReturn(0);
}

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

/* The visit at key `name` of the item: its time and index in the schedule. */
static PetscErrorCode FindVisit(TTYaml y, TTYamlNode n, const char *key, const char *name, const TTProtocol *p,
                                double *visit, int *index)
{
  char path[128], list[512];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlGetReal(y, n, path, visit));
  *index = -1;
  for (int i = 0; i < p->nvisit; i++)
    if (p->visit[i] == *visit) *index = i;
  if (*index < 0) {
    PetscCall(VisitList(p, list, sizeof list));
    PetscCall(TTYamlError(y, n, path, "expected one of the schedule's visits (%s), found %g", list, *visit));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEndpointVisit(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p,
                                         TTEndpointSpec *e)
{
  char path[128];
  PetscFunctionBeginUser;
  PetscCall(FindVisit(y, n, key, "visit", p, &e->visit, &e->visit_index));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "visit"));
  if (e->visit_index > 0) PetscFunctionReturn(0);
  if (e->type == TT_ENDPOINT_CHANGE_FROM_BASELINE || e->type == TT_ENDPOINT_PERCENT_CHANGE)
    PetscCall(TTYamlError(y, n, path, "expected a visit after baseline (%g) for %s", p->visit[0],
                          TTEndpointTypeNames[e->type]));
  if (e->type == TT_ENDPOINT_RESPONDER && e->measure != TT_MEASURE_VALUE)
    PetscCall(TTYamlError(y, n, path, "expected a visit after baseline (%g) for a responder on measure %s", p->visit[0],
                          TTMeasureNames[e->measure]));
  PetscFunctionReturn(0);
}

/* from, to (a window of the schedule's visits, from before to) and interpolation (auc). */
static PetscErrorCode ParseEndpointWindow(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p,
                                          TTEndpointSpec *e)
{
  static const char *const how[] = {"linear", "linear_up_log_down"};
  TTYamlNode               n;
  char                     path[128];
  int                      c = 0;
  PetscFunctionBeginUser;
  PetscCall(TTYamlRequire(y, item, key, "from", "the window's first visit (one of the schedule's visits)", &n));
  PetscCall(FindVisit(y, n, key, "from", p, &e->from, &e->from_index));
  PetscCall(TTYamlRequire(y, item, key, "to", "the window's last visit (one of the schedule's visits)", &n));
  PetscCall(FindVisit(y, n, key, "to", p, &e->visit, &e->visit_index));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "to"));
  if (e->visit_index <= e->from_index)
    PetscCall(
        TTYamlError(y, n, path, "expected a visit after the window's first (from: %g), found %g", e->from, e->visit));
  if ((n = TTYamlFind(y, item, "interpolation"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "interpolation"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, how, &c));
  }
  e->log_down = c;
  PetscFunctionReturn(0);
}

/* A real at key `name` of the item (absent: *v unchanged). */
static PetscErrorCode GetReal(TTYaml y, TTYamlNode item, const char *key, const char *name, double *v, TTYamlNode *n)
{
  char path[128];
  PetscFunctionBeginUser;
  if (!(*n = TTYamlFind(y, item, name))) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlGetReal(y, *n, path, v));
  PetscFunctionReturn(0);
}

/* threshold, direction, measure (responder, best_response); progression_* (progression_free); per (count). */
static PetscErrorCode ParseEndpointDetails(TTYaml y, TTYamlNode item, const char *key, TTEndpointSpec *e)
{
  static const char *const dirs[] = {"below", "above"};
  TTYamlNode               n;
  char                     path[128];
  int                      c;
  PetscFunctionBeginUser;
  if (e->type == TT_ENDPOINT_RESPONDER) {
    PetscCall(TTYamlRequire(y, item, key, "threshold", "the responder threshold (a real number)", &n));
    PetscCall(GetReal(y, item, key, "threshold", &e->threshold, &n));
    PetscCall(
        TTYamlRequire(y, item, key, "direction", "below or above (a responder is below/above the threshold)", &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "direction"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, dirs, &c));
    e->below = c == 0;
  } else if (e->type == TT_ENDPOINT_BEST_RESPONSE) {
    double weeks = 0;
    e->threshold = -30;
    PetscCall(GetReal(y, item, key, "threshold", &e->threshold, &n));
    PetscCall(GetReal(y, item, key, "confirm_weeks", &weeks, &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "confirm_weeks"));
    if (!(weeks >= 0)) PetscCall(TTYamlError(y, n, path, "expected a number of weeks >= 0, found %g", weeks));
    e->confirm_days = 7.0 * weeks;
  } else if (e->type == TT_ENDPOINT_PROGRESSION_FREE) {
    e->progression_percent  = 20;
    e->progression_absolute = 5;
    PetscCall(GetReal(y, item, key, "progression_percent", &e->progression_percent, &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "progression_percent"));
    if (!(e->progression_percent > 0))
      PetscCall(TTYamlError(y, n, path, "expected a growth in percent > 0, found %g", e->progression_percent));
    PetscCall(GetReal(y, item, key, "progression_absolute", &e->progression_absolute, &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "progression_absolute"));
    if (!(e->progression_absolute >= 0))
      PetscCall(TTYamlError(y, n, path, "expected a growth >= 0 (in the variable's unit), found %g",
                            e->progression_absolute));
  } else if (e->type == TT_ENDPOINT_COUNT) {
    c = 3; /* year */
    if ((n = TTYamlFind(y, item, "per"))) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, "per"));
      PetscCall(TTYamlGetChoice(y, n, path, TT_NTIME_UNIT, TTTimeUnitNames, &c));
    }
    e->per_days = TTTimeUnitDays[c];
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEndpoint(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  TTEndpointSpec *e = &p->endpoint[i];
  TTYamlNode      n;
  char            path[128], types[256] = "";
  unsigned        mask;
  int             t;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an endpoint {name, type, ...}"));
  PetscCall(TTYamlCheckKeys(y, item, key, NKEY, endpoint_keys));
  e->loc = TTYamlLoc(y, item);
  PetscCall(TTYamlRequire(y, item, key, "name", "the endpoint's name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, e->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->endpoint[j].name, e->name))
      PetscCall(TTYamlError(y, n, path, "expected unique endpoint names; '%s' is also endpoints[%d]", e->name, j));
  for (int j = 0; j < TT_NENDPOINT_TYPE; j++) {
    PetscCall(PetscStrlcat(types, j ? (j == TT_NENDPOINT_TYPE - 1 ? " or " : ", ") : "", sizeof types));
    PetscCall(PetscStrlcat(types, TTEndpointTypeNames[j], sizeof types));
  }
  PetscCall(TTYamlRequire(y, item, key, "type", types, &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "type"));
  PetscCall(TTYamlGetChoice(y, n, path, TT_NENDPOINT_TYPE, TTEndpointTypeNames, &t));
  e->type = (TTEndpointType) t;
  PetscCall(CheckTypeKeys(y, item, key, e->type));
  mask = KeysOf(e->type);
  if (mask & B(K_VARIABLE)) {
    PetscCall(TTYamlRequire(y, item, key, "variable", "a model output variable", &n));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "variable"));
    PetscCall(TTYamlGetName(y, n, path, e->variable));
    e->variable_loc = TTYamlLoc(y, n);
  }
  if ((n = TTYamlFind(y, item, "measure"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "measure"));
    PetscCall(TTYamlGetChoice(y, n, path, 3, TTMeasureNames, &t));
    e->measure = (TTMeasure) t;
  }
  e->visit_index = e->from_index = -1;
  if (mask & B(K_VISIT)) {
    PetscCall(TTYamlRequire(y, item, key, "visit", "one of the schedule's visits", &n));
    PetscCall(ParseEndpointVisit(y, n, key, p, e));
  }
  if (mask & B(K_FROM)) PetscCall(ParseEndpointWindow(y, item, key, p, e));
  if ((mask & B(K_EVENT)) && e->type != TT_ENDPOINT_PROGRESSION_FREE)
    PetscCall(TTYamlRequire(y, item, key, "event", "a model event", &n));
  if ((n = TTYamlFind(y, item, "event"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "event"));
    PetscCall(TTYamlGetName(y, n, path, e->event));
    e->event_loc = TTYamlLoc(y, n);
  }
  PetscCall(ParseEndpointDetails(y, item, key, e));
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
