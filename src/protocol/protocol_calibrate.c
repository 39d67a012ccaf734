/* protocol_calibrate.c — arm effects given on the statistical scale and the
 * `calibration:` section:
 *   arms: [..., {name: drug, effect: {kill_multiplier: {calibrate: {hazard_ratio: 0.7}}}}]
 *   calibration: {twins: 20000, bootstrap: 200}
 * Arms are read before endpoints and analyses, so a calibrated effect is only marked
 * there (TTProtocolParseArmEffects: value NaN, calibrate.active); its target, endpoint,
 * control arm and interval are read once the analyses are known
 * (TTProtocolParseCalibration).
 * Invariants: at most one calibrated effect per arm; the target suits the endpoint's
 * kind (hazard_ratio: time to event, mean_difference: continuous, odds_ratio and
 * risk_difference: binary, rate_ratio: count); the control arm differs from the arm;
 * an interval is finite with lo < hi; ratios are > 0 and a risk difference in (-1, 1).
 * Whether the effect exists in the model, and the model's default interval, are
 * checked by the trial and design modules.
 */
#include <math.h>
#include <string.h>
#include "protocol/protocolimpl.h"

const char *const TTCalibrationTargetNames[TT_NTARGET] = {"hazard_ratio", "mean_difference", "odds_ratio",
                                                          "risk_difference", "rate_ratio"};

const char *TTCalibrationTargetName(TTCalibrationTarget t)
{
  return t >= 0 && t < TT_NTARGET ? TTCalibrationTargetNames[t] : "unknown";
}

/* The endpoint kind each target needs, and what to suggest for each kind. */
static const TTEndpointKind TargetKind[TT_NTARGET] = {TT_KIND_TIME_TO_EVENT, TT_KIND_CONTINUOUS, TT_KIND_BINARY,
                                                      TT_KIND_BINARY, TT_KIND_COUNT};
static const char *const    KindTargets[4] = {"mean_difference", "odds_ratio or risk_difference", "hazard_ratio",
                                              "rate_ratio"};
static const char *const    KindNames[4]   = {"continuous", "binary", "time to event", "count"};

PetscErrorCode TTProtocolParseArmEffects(TTYaml y, TTYamlNode map, const char *key, TTArmSpec *arm)
{
  int len = TTYamlLength(y, map);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of name: number or name: {calibrate: {...}}"));
  for (int i = 0; i < len; i++) {
    TTYamlNode    k, val;
    TTNamedValue *v = &arm->effect[i];
    char          path[256];
    TTYamlPair(y, map, i, &k, &val);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    if (i >= TT_MAX_EFFECTS)
      PetscCall(TTYamlError(y, k, path, "expected at most %d entries in %s", TT_MAX_EFFECTS, key));
    PetscCall(TTYamlGetName(y, k, path, v->key));
    v->loc = TTYamlLoc(y, k);
    if (!TTYamlIsMapping(y, val)) {
      PetscCall(TTYamlGetReal(y, val, path, &v->value));
      continue;
    }
    if (arm->calibrate.active)
      PetscCall(TTYamlError(y, k, path, "expected at most one calibrated effect per arm; %s is calibrated already",
                            arm->effect[arm->calibrate.effect].key));
    if (!TTYamlFind(y, val, "calibrate"))
      PetscCall(TTYamlError(y, val, path, "expected a number or {calibrate: {hazard_ratio: ...}} (a target effect)"));
    v->value                = NAN; /* solved before the trial runs */
    arm->calibrate.active   = 1;
    arm->calibrate.effect   = i;
    arm->calibrate.endpoint = -1;
  }
  arm->neffect = len;
  PetscFunctionReturn(0);
}

/* The one target key of calibrate: {...} and its value. */
static PetscErrorCode ParseTarget(TTYaml y, TTYamlNode map, const char *key, TTCalibrationSpec *c)
{
  TTYamlNode found = 0;
  char       path[320];
  PetscFunctionBeginUser;
  for (int t = 0; t < TT_NTARGET; t++) {
    TTYamlNode n = TTYamlFind(y, map, TTCalibrationTargetNames[t]);
    if (!n) continue;
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTCalibrationTargetNames[t]));
    if (found)
      PetscCall(TTYamlError(y, TTYamlFindKey(y, map, TTCalibrationTargetNames[t]), path,
                            "expected one target; %s is given too", TTCalibrationTargetName(c->target)));
    found     = n;
    c->target = (TTCalibrationTarget) t;
    c->loc    = TTYamlLoc(y, TTYamlFindKey(y, map, TTCalibrationTargetNames[t]));
    PetscCall(TTYamlGetReal(y, n, path, &c->value));
    if (t == TT_TARGET_RISK_DIFFERENCE && !(fabs(c->value) < 1))
      PetscCall(TTYamlError(y, n, path, "expected a risk difference between -1 and 1 (exclusive), found %g", c->value));
    if ((t == TT_TARGET_HAZARD_RATIO || t == TT_TARGET_ODDS_RATIO || t == TT_TARGET_RATE_RATIO) && !(c->value > 0))
      PetscCall(TTYamlError(y, n, path, "expected a ratio > 0, found %g", c->value));
  }
  if (!found)
    PetscCall(TTYamlError(y, map, key,
                          "expected a target: one of hazard_ratio, mean_difference, odds_ratio, risk_difference, "
                          "rate_ratio (e.g. {hazard_ratio: 0.7})"));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEndpointRef(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p,
                                       TTCalibrationSpec *c)
{
  TTYamlNode n = TTYamlFind(y, map, "endpoint");
  char       path[320], name[TT_NAME_MAX], list[512] = "";
  PetscFunctionBeginUser;
  c->endpoint = p->analysis[0].endpoint_index; /* the first analysis's endpoint */
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "endpoint"));
  PetscCall(TTYamlGetName(y, n, path, name));
  for (c->endpoint = 0; c->endpoint < p->nendpoint; c->endpoint++)
    if (!strcmp(p->endpoint[c->endpoint].name, name)) PetscFunctionReturn(0);
  for (int e = 0; e < p->nendpoint; e++) {
    PetscCall(PetscStrlcat(list, e ? ", " : "", sizeof list));
    PetscCall(PetscStrlcat(list, p->endpoint[e].name, sizeof list));
  }
  PetscCall(TTYamlError(y, n, path, "expected an endpoint name (one of %s), found '%s'", list, name));
  PetscFunctionReturn(0);
}

/* Default control: that of the first analysis of the endpoint comparing this arm,
 * else of the first analysis of the endpoint, else the first arm. */
static int DefaultControl(const TTProtocol *p, int arm, int endpoint)
{
  for (int k = 0; k < p->nanalysis; k++)
    if (p->analysis[k].endpoint_index == endpoint && p->analysis[k].treatment_arm == arm)
      return p->analysis[k].control_arm;
  for (int k = 0; k < p->nanalysis; k++)
    if (p->analysis[k].endpoint_index == endpoint && p->analysis[k].control_arm != arm)
      return p->analysis[k].control_arm;
  return 0;
}

static PetscErrorCode ParseControl(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, int arm,
                                   TTCalibrationSpec *c)
{
  TTYamlNode n = TTYamlFind(y, map, "control");
  char       path[320], name[TT_NAME_MAX];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "control"));
  c->control = DefaultControl(p, arm, c->endpoint);
  if (n) {
    PetscCall(TTYamlGetName(y, n, path, name));
    c->control = TTProtocolFindArm(p, name);
    if (c->control < 0) PetscCall(TTYamlError(y, n, path, "expected an arm name, found '%s'", name));
  }
  if (c->control == arm)
    PetscCall(TTYamlError(y, n ? n : map, path,
                          "expected a control arm other than '%s' itself (the effect is relative to the control)",
                          p->arm[arm].name));
  if (p->arm[c->control].calibrate.active)
    PetscCall(TTYamlError(y, n ? n : map, path, "expected a control arm without a calibrated effect; '%s' has one",
                          p->arm[c->control].name));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseInterval(TTYaml y, TTYamlNode map, const char *key, TTCalibrationSpec *c)
{
  TTYamlNode n = TTYamlFind(y, map, "interval");
  char       path[320], item[340];
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "interval"));
  PetscCall(TTYamlCheckSequence(y, n, path, "an interval [lo, hi] of the effect"));
  if (TTYamlLength(y, n) != 2)
    PetscCall(TTYamlError(y, n, path, "expected an interval [lo, hi] of two numbers, found %d", TTYamlLength(y, n)));
  for (int i = 0; i < 2; i++) {
    PetscCall(TTYamlKeyIndex(item, sizeof item, path, i));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, n, i), item, &c->interval[i]));
  }
  if (!(c->interval[0] < c->interval[1]))
    PetscCall(TTYamlError(y, n, path, "expected lo < hi, found [%g, %g]", c->interval[0], c->interval[1]));
  c->has_interval = 1;
  c->interval_loc = TTYamlLoc(y, n);
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOne(TTYaml y, TTYamlNode effects, int a, TTProtocol *p)
{
  static const char *const outer[] = {"calibrate"};
  static const char *const keys[]  = {"hazard_ratio", "mean_difference", "odds_ratio", "risk_difference",
                                      "rate_ratio",   "endpoint",        "control",    "interval"};
  TTCalibrationSpec       *c       = &p->arm[a].calibrate;
  TTYamlNode               k, v, m;
  char                     base[256], key[280];
  const TTEndpointSpec    *ep;
  TTEndpointKind           kind;
  PetscFunctionBeginUser;
  TTYamlPair(y, effects, c->effect, &k, &v);
  PetscCall(PetscSNPrintf(base, sizeof base, "arms[%d].effect.%s", a, p->arm[a].effect[c->effect].key));
  PetscCall(TTYamlCheckKeys(y, v, base, 1, outer));
  PetscCall(TTYamlKeyJoin(key, sizeof key, base, "calibrate"));
  m = TTYamlFind(y, v, "calibrate");
  PetscCall(TTYamlCheckMapping(y, m, key, "a mapping {hazard_ratio: ..., endpoint: ..., interval: [lo, hi]}"));
  PetscCall(TTYamlCheckKeys(y, m, key, 8, keys));
  PetscCall(ParseTarget(y, m, key, c));
  PetscCall(ParseEndpointRef(y, m, key, p, c));
  ep   = &p->endpoint[c->endpoint];
  kind = TTEndpointKindOf(ep->type);
  PetscCall(TTYamlKeyJoin(base, sizeof base, key, TTCalibrationTargetName(c->target)));
  if (TargetKind[c->target] != kind)
    PetscCall(TTYamlErrorAt(y, c->loc, base, "%s does not apply to endpoint '%s' (%s); expected %s",
                            TTCalibrationTargetName(c->target), ep->name, KindNames[kind], KindTargets[kind]));
  PetscCall(ParseControl(y, m, key, p, a, c));
  PetscCall(ParseInterval(y, m, key, c));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseCalibration(TTYaml y, TTYamlNode arms, TTYamlNode section, TTProtocol *p)
{
  static const char *const keys[] = {"twins", "bootstrap"};
  TTYamlNode               n;
  int                      any = 0;
  PetscFunctionBeginUser;
  for (int a = 0; a < p->narm; a++) {
    if (!p->arm[a].calibrate.active) continue;
    PetscCall(ParseOne(y, TTYamlFind(y, TTYamlItem(y, arms, a), "effect"), a, p));
    any = 1;
  }
  p->calibration_twins     = 20000;
  p->calibration_bootstrap = 200;
  if (!section) PetscFunctionReturn(0);
  PetscCall(TTYamlCheckMapping(y, section, "calibration", "a mapping {twins: ..., bootstrap: ...}"));
  PetscCall(TTYamlCheckKeys(y, section, "calibration", 2, keys));
  if (!any)
    PetscCall(TTYamlError(y, section, "calibration",
                          "expected only with a calibrated arm effect (effect: {NAME: {calibrate: {...}}})"));
  p->calibration_loc = TTYamlLoc(y, section);
  if ((n = TTYamlFind(y, section, "twins")))
    PetscCall(TTProtocolGetIntRange(y, n, "calibration.twins", 100, 100000000, &p->calibration_twins));
  if ((n = TTYamlFind(y, section, "bootstrap")))
    PetscCall(TTProtocolGetIntRange(y, n, "calibration.bootstrap", 20, 100000, &p->calibration_bootstrap));
  PetscFunctionReturn(0);
}
