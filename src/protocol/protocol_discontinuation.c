/* protocol_discontinuation.c — treatment discontinuation (distinct from withdrawal) and
 * the estimand an analysis targets:
 *
 *   discontinuation:            # the protocol's (every arm) or arms[i].discontinuation
 *     model: exponential        # the dropout forms: none | weibull | exponential |
 *     proportion: 0.2           #   outcome_dependent, with a scale, a rate or a
 *     by: 78                    #   proportion by a time
 *     then: {washout: {half_life: 4, unit: week}}   # or {switch: REGIMEN}
 *     withdraw: {proportion: 0.3}                   # of those who stop, optional
 *   analysis:
 *     - {..., estimand: treatment_policy | hypothetical | while_on_treatment}
 *
 * Invariants on success: every arm's discontinuation is its own (own_discontinuation 1)
 * or a copy of the protocol's; with hazard model none no other key is given (then and
 * withdraw included); otherwise `then` is given: a washout with half_life_days > 0
 * (unit defaults to the schedule's) or a switch to a declared regimen; withdraw is in
 * [0, 1]. A guided arm cannot discontinue (its course is its chooser's). An estimand other
 * than treatment_policy needs an endpoint measured at a visit (continuous or responder).
 */
#include <string.h>
#include "protocol/protocolimpl.h"

const char *const TTEstimandNames[TT_NESTIMAND] = {"treatment_policy", "hypothetical", "while_on_treatment"};

/* then: {washout: {half_life: H, unit: U}} | {switch: REGIMEN} */
static PetscErrorCode ParseThen(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p, TTDiscontinuationSpec *d)
{
  static const char *const keys[] = {"washout", "switch"}, *const wkeys[] = {"half_life", "unit"};
  TTYamlNode w, s, h, u;
  char       path[160], wpath[176], sub[192];
  int        unit;
  double     half_life;

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "then"));
  PetscCall(TTYamlCheckMapping(y, n, path, "{washout: {half_life: 4, unit: week}} or {switch: REGIMEN}"));
  PetscCall(TTYamlCheckKeys(y, n, path, 2, keys));
  w = TTYamlFind(y, n, "washout");
  s = TTYamlFind(y, n, "switch");
  if (!w == !s)
    PetscCall(TTYamlError(y, w ? TTYamlFindKey(y, n, "switch") : n, path,
                          "expected exactly one of washout: {half_life: ..., unit: ...} or switch: REGIMEN"));
  d->then_loc = TTYamlLoc(y, s ? s : w);
  if (s) {
    d->then = TT_THEN_SWITCH;
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "switch"));
    PetscCall(TTProtocolRegimenRef(y, s, sub, p, &d->regimen));
    PetscFunctionReturn(0);
  }
  d->then = TT_THEN_WASHOUT;
  PetscCall(TTYamlKeyJoin(wpath, sizeof wpath, path, "washout"));
  PetscCall(TTYamlCheckMapping(y, w, wpath, "a mapping {half_life: 4, unit: week}"));
  PetscCall(TTYamlCheckKeys(y, w, wpath, 2, wkeys));
  PetscCall(TTYamlRequire(y, w, wpath, "half_life", "the half-life of the drug effect after discontinuation", &h));
  PetscCall(TTYamlKeyJoin(sub, sizeof sub, wpath, "half_life"));
  PetscCall(TTYamlGetReal(y, h, sub, &half_life));
  if (!(half_life > 0)) PetscCall(TTYamlError(y, h, sub, "expected a time > 0, found %g", half_life));
  d->half_life_days = half_life * p->unit_in_days;
  if ((u = TTYamlFind(y, w, "unit"))) {
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, wpath, "unit"));
    PetscCall(TTYamlGetChoice(y, u, sub, TT_NTIME_UNIT, TTTimeUnitNames, &unit));
    d->half_life_days = half_life * TTTimeUnitDays[unit];
  }
  PetscFunctionReturn(0);
}

/* withdraw: {proportion: P}: the share of twins who stop treatment and withdraw then. */
static PetscErrorCode ParseWithdraw(TTYaml y, TTYamlNode n, const char *key, TTDiscontinuationSpec *d)
{
  static const char *const keys[] = {"proportion"};
  TTYamlNode               v;
  char                     path[160], sub[192];

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "withdraw"));
  PetscCall(TTYamlCheckMapping(y, n, path, "a mapping {proportion: P}"));
  PetscCall(TTYamlCheckKeys(y, n, path, 1, keys));
  PetscCall(TTYamlRequire(y, n, path, "proportion", "the share of discontinued twins who withdraw then", &v));
  PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "proportion"));
  PetscCall(TTYamlGetReal(y, v, sub, &d->withdraw));
  if (!(d->withdraw >= 0 && d->withdraw <= 1))
    PetscCall(TTYamlError(y, v, sub, "expected a share in [0, 1], found %g", d->withdraw));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOne(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, TTDiscontinuationSpec *d)
{
  static const char *const extra[] = {"then", "withdraw"};
  TTYamlNode               n;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(d, sizeof *d));
  PetscCall(TTProtocolParseHazard(y, map, key, p->unit_in_days, 2, extra, &d->hazard));
  d->loc = TTYamlLoc(y, map);
  if (d->hazard.model == TT_DROPOUT_NONE) PetscFunctionReturn(0);
  PetscCall(TTYamlRequire(y, map, key, "then",
                          "what follows discontinuation: {washout: {half_life: 4, unit: week}} or {switch: REGIMEN}",
                          &n));
  PetscCall(ParseThen(y, n, key, p, d));
  if ((n = TTYamlFind(y, map, "withdraw"))) PetscCall(ParseWithdraw(y, n, key, d));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseDiscontinuation(TTYaml y, TTYamlNode map, TTYamlNode arms, TTProtocol *p)
{
  PetscFunctionBeginUser;
  if (map) PetscCall(ParseOne(y, map, "discontinuation", p, &p->discontinuation));
  p->has_discontinuation = 0;
  for (int i = 0; i < p->narm; i++) {
    TTYamlNode item = TTYamlItem(y, arms, i), n = TTYamlFind(y, item, "discontinuation");
    TTArmSpec *arm = &p->arm[i];
    char       key[64], path[96];
    PetscCall(TTYamlKeyIndex(key, sizeof key, "arms", i));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "discontinuation"));
    arm->discontinuation     = p->discontinuation;
    arm->own_discontinuation = n ? 1 : 0;
    if (n) PetscCall(ParseOne(y, n, path, p, &arm->discontinuation));
    if (arm->discontinuation.hazard.model == TT_DROPOUT_NONE) continue;
    if (arm->guided)
      PetscCall(TTYamlErrorAt(y, arm->discontinuation.loc, n ? path : "discontinuation",
                              "arm %s is guided: its course is its chooser's and cannot discontinue%s", arm->name,
                              n ? "" : " (give that arm discontinuation: {model: none})"));
    p->has_discontinuation = 1;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseEstimand(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p,
                                       TTAnalysisSpec *a)
{
  TTYamlNode            n = TTYamlFind(y, item, "estimand");
  const TTEndpointSpec *ep;
  char                  path[128];
  int                   e;

  PetscFunctionBeginUser;
  a->estimand = TT_ESTIMAND_TREATMENT_POLICY;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "estimand"));
  PetscCall(TTYamlGetChoice(y, n, path, TT_NESTIMAND, TTEstimandNames, &e));
  a->estimand     = e;
  a->estimand_loc = TTYamlLoc(y, n);
  ep              = &p->endpoint[a->endpoint_index];
  if (e != TT_ESTIMAND_TREATMENT_POLICY && (ep->visit_index < 0 || TTEndpointIsWindow(ep->type)))
    PetscCall(TTYamlError(y, n, path,
                          "expected treatment_policy for endpoint %s (%s): the %s estimand's true value is defined for "
                          "endpoints measured at a visit",
                          ep->name, TTEndpointTypeNames[ep->type], TTEstimandNames[e]));
  PetscFunctionReturn(0);
}
