/* protocol_rescue.c — rescue on an observed value (TTRescueSpec in protocol.h):
 *
 *   rescue:                     # the protocol's (every arm) or arms[i].rescue (`none`: never)
 *     variable: hba1c           # a model variable, observed at the listed visits
 *     above: 10                 # or below: ...; one limit, or one per listed visit
 *     visits: [0, 13, 26, 39]   # scheduled visits, increasing (at the first: from randomisation)
 *     then: {switch: REGIMEN}   # the twin's regimen from the rescue visit on
 *
 * Invariants on success: every arm's rescue is its own (own_rescue 1) or a copy of the
 * protocol's; an active rescue has a variable name, exactly one of above / below with
 * finite limits (a single number repeated, or a list as long as visits), 1..nvisit - 1
 * scheduled visits, strictly increasing, and a
 * declared regimen; an arm with a rescue does not also discontinue with a washout (whose
 * measured course a switch would not carry). has_rescue is set, and with it
 * has_discontinuation. The variable is checked against the model by the trial module.
 * Runs after the regimens, the schedule and the discontinuation.
 */
#include <math.h>
#include <string.h>
#include "protocolimpl.h"

static int VisitIndex(const TTProtocol *p, double t)
{
  for (int v = 0; v < p->nvisit; v++)
    if (p->visit[v] == t) return v;
  return -1;
}

static PetscErrorCode Visits(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, TTRescueSpec *r)
{
  TTYamlNode n;
  char       vkey[160], path[192];

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(vkey, sizeof vkey, key, "visits"));
  PetscCall(TTYamlRequire(y, map, key, "visits", "the scheduled visits at which the rescue criterion is read", &n));
  PetscCall(TTYamlCheckSequence(y, n, vkey, "a list of scheduled visits"));
  r->nvisit = TTYamlLength(y, n);
  if (r->nvisit < 1 || r->nvisit > p->nvisit - 1)
    PetscCall(TTYamlError(y, n, vkey, "expected 1 to %d scheduled visits (not the last), found %d", p->nvisit - 1,
                          r->nvisit));
  for (int i = 0; i < r->nvisit; i++) {
    TTYamlNode item = TTYamlItem(y, n, i);
    PetscCall(TTYamlKeyIndex(path, sizeof path, vkey, i));
    PetscCall(TTYamlGetReal(y, item, path, &r->visit[i]));
    if (VisitIndex(p, r->visit[i]) < 0 || VisitIndex(p, r->visit[i]) == p->nvisit - 1)
      PetscCall(TTYamlError(y, item, path,
                            "expected a scheduled visit before the last (%g %ss: a rescue there changes nothing), "
                            "found %g",
                            p->visit[p->nvisit - 1], p->time_unit, r->visit[i]));
    if (i > 0 && !(r->visit[i] > r->visit[i - 1]))
      PetscCall(TTYamlError(y, item, path, "expected increasing visits; %g does not follow %g", r->visit[i],
                            r->visit[i - 1]));
  }
  PetscFunctionReturn(0);
}

/* above: L | below: L, L a number or a list of one limit per listed visit. */
static PetscErrorCode Limits(TTYaml y, TTYamlNode map, const char *key, TTRescueSpec *r)
{
  TTYamlNode a = TTYamlFind(y, map, "above"), b = TTYamlFind(y, map, "below"), n = a ? a : b;
  char       lkey[160], path[192];

  PetscFunctionBeginUser;
  if (!a == !b)
    PetscCall(TTYamlError(y, a ? TTYamlFindKey(y, map, "below") : map, key,
                          "expected exactly one of above: LIMIT or below: LIMIT (a number, or one per visit)"));
  r->above = a ? 1 : 0;
  PetscCall(TTYamlKeyJoin(lkey, sizeof lkey, key, a ? "above" : "below"));
  if (TTYamlScalar(y, n)) {
    PetscCall(TTYamlGetReal(y, n, lkey, &r->limit[0]));
    for (int i = 1; i < r->nvisit; i++) r->limit[i] = r->limit[0];
    PetscFunctionReturn(0);
  }
  PetscCall(TTYamlCheckSequence(y, n, lkey, "a number, or a list of one limit per listed visit"));
  if (TTYamlLength(y, n) != r->nvisit)
    PetscCall(
        TTYamlError(y, n, lkey, "expected one limit per listed visit (%d), found %d", r->nvisit, TTYamlLength(y, n)));
  for (int i = 0; i < r->nvisit; i++) {
    PetscCall(TTYamlKeyIndex(path, sizeof path, lkey, i));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, n, i), path, &r->limit[i]));
  }
  PetscFunctionReturn(0);
}

/* then: {switch: REGIMEN} */
static PetscErrorCode Then(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, TTRescueSpec *r)
{
  static const char *const keys[] = {"switch"};
  TTYamlNode               n, s;
  char                     tkey[160], path[192];

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(tkey, sizeof tkey, key, "then"));
  PetscCall(TTYamlRequire(y, map, key, "then", "{switch: REGIMEN}: the twin's regimen once rescued", &n));
  PetscCall(TTYamlCheckMapping(y, n, tkey, "a mapping {switch: REGIMEN}"));
  PetscCall(TTYamlCheckKeys(y, n, tkey, 1, keys));
  PetscCall(TTYamlRequire(y, n, tkey, "switch", "the regimen a rescued twin takes", &s));
  PetscCall(TTYamlKeyJoin(path, sizeof path, tkey, "switch"));
  PetscCall(TTProtocolRegimenRef(y, s, path, p, &r->regimen));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOne(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, TTRescueSpec *r)
{
  static const char *const keys[] = {"variable", "above", "below", "visits", "then"};
  TTYamlNode               n;
  char                     path[160];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(r, sizeof *r));
  r->loc = TTYamlLoc(y, map);
  if (TTYamlScalar(y, map) && !strcmp(TTYamlScalar(y, map), "none")) PetscFunctionReturn(0);
  PetscCall(TTYamlCheckMapping(y, map, key,
                               "none, or a mapping {variable: ..., above: LIMIT, visits: [...], then: {switch: ...}}"));
  PetscCall(TTYamlCheckKeys(y, map, key, 5, keys));
  PetscCall(TTYamlRequire(y, map, key, "variable", "the model variable the rescue criterion reads", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "variable"));
  PetscCall(TTYamlGetName(y, n, path, r->variable));
  r->variable_loc = TTYamlLoc(y, n);
  PetscCall(Visits(y, map, key, p, r));
  PetscCall(Limits(y, map, key, r));
  PetscCall(Then(y, map, key, p, r));
  r->active = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseRescue(TTYaml y, TTYamlNode map, TTYamlNode arms, TTProtocol *p)
{
  PetscFunctionBeginUser;
  if (map) PetscCall(ParseOne(y, map, "rescue", p, &p->rescue));
  p->has_rescue = 0;
  for (int i = 0; i < p->narm; i++) {
    TTYamlNode item = TTYamlItem(y, arms, i), n = TTYamlFind(y, item, "rescue");
    TTArmSpec *arm = &p->arm[i];
    char       key[64], path[96];
    PetscCall(TTYamlKeyIndex(key, sizeof key, "arms", i));
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "rescue"));
    arm->rescue     = p->rescue;
    arm->own_rescue = n ? 1 : 0;
    if (n) PetscCall(ParseOne(y, n, path, p, &arm->rescue));
    if (!arm->rescue.active) continue;
    if (arm->discontinuation.hazard.model != TT_DROPOUT_NONE && arm->discontinuation.then == TT_THEN_WASHOUT)
      PetscCall(TTYamlErrorAt(y, arm->rescue.loc, n ? path : "rescue",
                              "arm %s discontinues with a washout, whose course a rescue's switch would not carry; "
                              "expected its discontinuation to switch (then: {switch: REGIMEN}) or no rescue for it "
                              "(arms[%d].rescue: none)",
                              arm->name, i));
    p->has_rescue = p->has_discontinuation = 1;
  }
  PetscFunctionReturn(0);
}
