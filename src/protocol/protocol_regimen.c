/* protocol_regimen.c — named regimens and the arms' regimens and switches:
 *
 *   regimens:
 *     - {name: metformin, effect: {sensitizer_fraction: 0.25}}
 *     - {name: add_sglt2, effect: {sensitizer_fraction: 0.25, weight_change_kg: -2.5}}
 *   arms:
 *     - {name: standard, regimen: metformin}
 *     - {name: escalate, regimen: metformin, switch: [{at: 26, regimen: add_sglt2}]}
 *
 * A regimen is a complete set of arm effects (the model's defaults for those it does not
 * name), and a dose for exposure_response, that is not itself a randomised arm: a
 * candidate an arm can start on (`regimen: NAME`, instead of its own effect and dose_mg)
 * or switch to (`switch:`, at a time in the schedule's unit after randomisation and
 * before the last visit: the effects of the regimen switched to replace the arm's from
 * that time on).
 * Invariants: regimen names are unique identifiers; a regimen's effects are numbers (no
 * calibrate) and its dose >= 0; an arm given by a regimen carries a copy of the
 * regimen's effects and dose (arm->regimen its index, -1 otherwise), so every later
 * reader sees them as the arm's; switch times are strictly increasing in (0, last visit)
 * and name declared regimens. Effect names are checked against the model by the trial
 * module at each effect's location.
 */
#include <string.h>
#include "protocol/protocolimpl.h"

/* Comma-separated regimen names, for messages. */
static void RegimenList(const TTProtocol *p, char *buf, size_t len)
{
  buf[0] = 0;
  for (int r = 0; r < p->nregimen; r++) {
    if (r) strncat(buf, ", ", len - strlen(buf) - 1);
    strncat(buf, p->regimen[r].name, len - strlen(buf) - 1);
  }
}

int TTProtocolFindRegimen(const TTProtocol *p, const char *name)
{
  for (int r = 0; r < p->nregimen; r++)
    if (!strcmp(p->regimen[r].name, name)) return r;
  return -1;
}

PetscErrorCode TTProtocolRegimenRef(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p, int *index)
{
  char name[TT_NAME_MAX], list[TT_MAX_REGIMENS * (TT_NAME_MAX + 2)];

  PetscFunctionBeginUser;
  PetscCall(TTYamlGetName(y, n, key, name));
  *index = TTProtocolFindRegimen(p, name);
  if (*index >= 0) PetscFunctionReturn(0);
  if (!p->nregimen)
    PetscCall(TTYamlError(y, n, key, "expected a regimen declared under regimens:, found '%s' (the protocol has none)",
                          name));
  RegimenList(p, list, sizeof list);
  PetscCall(TTYamlError(y, n, key, "expected a regimen name (one of %s), found '%s'", list, name));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseEffects(TTYaml y, TTYamlNode map, const char *key, TTRegimenSpec *r)
{
  int len = TTYamlLength(y, map);

  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of effect name: number"));
  for (int i = 0; i < len; i++) {
    TTYamlNode k, v;
    char       path[256];
    TTYamlPair(y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    if (i >= TT_MAX_EFFECTS) PetscCall(TTYamlError(y, k, path, "expected at most %d effects", TT_MAX_EFFECTS));
    PetscCall(TTYamlGetName(y, k, path, r->effect[i].key));
    if (TTYamlIsMapping(y, v))
      PetscCall(TTYamlError(y, v, path,
                            "expected a number: a regimen's effects are fixed (an arm's own effect can be "
                            "calibrated)"));
    PetscCall(TTYamlGetReal(y, v, path, &r->effect[i].value));
    r->effect[i].loc = TTYamlLoc(y, k);
    r->neffect       = i + 1;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseRegimen(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[] = {"name", "effect", "dose_mg"};
  TTRegimenSpec           *r      = &p->regimen[i];
  TTYamlNode               n;
  char                     path[128];

  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "a regimen {name: ..., effect: {...}}"));
  PetscCall(TTYamlCheckKeys(y, item, key, 3, keys));
  PetscCall(TTYamlRequire(y, item, key, "name", "the regimen's name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, r->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->regimen[j].name, r->name))
      PetscCall(TTYamlError(y, n, path, "expected unique regimen names; '%s' is also regimens[%d]", r->name, j));
  r->loc = TTYamlLoc(y, item);
  if ((n = TTYamlFind(y, item, "effect"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "effect"));
    PetscCall(ParseEffects(y, n, path, r));
  }
  if ((n = TTYamlFind(y, item, "dose_mg"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "dose_mg"));
    PetscCall(TTYamlGetReal(y, n, path, &r->dose_mg));
    if (r->dose_mg < 0) PetscCall(TTYamlError(y, n, path, "expected a dose >= 0 mg, found %g", r->dose_mg));
    r->dose_loc = TTYamlLoc(y, n);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseRegimens(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  int len = TTYamlLength(y, seq);

  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, "regimens", "a sequence of regimens {name: ..., effect: {...}}"));
  if (len < 1) PetscCall(TTYamlError(y, seq, "regimens", "expected at least one regimen (or no regimens: key)"));
  for (int i = 0; i < len; i++) {
    char path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, "regimens", i));
    if (i >= TT_MAX_REGIMENS)
      PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected at most %d regimens", TT_MAX_REGIMENS));
    PetscCall(ParseRegimen(y, TTYamlItem(y, seq, i), path, p, i));
    p->nregimen = i + 1;
  }
  PetscFunctionReturn(0);
}

/* arms[i].regimen: the arm starts on a declared regimen (its effects and dose copied). */
static PetscErrorCode ArmRegimen(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, TTArmSpec *arm)
{
  TTYamlNode           n = TTYamlFind(y, item, "regimen"), other;
  const TTRegimenSpec *r;
  char                 path[96];

  PetscFunctionBeginUser;
  arm->regimen = -1;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "regimen"));
  for (int k = 0; k < 2; k++)
    if ((other = TTYamlFindKey(y, item, k ? "dose_mg" : "effect"))) {
      char okey[96];
      PetscCall(TTYamlKeyJoin(okey, sizeof okey, key, k ? "dose_mg" : "effect"));
      PetscCall(TTYamlError(y, other, okey,
                            "expected no %s beside regimen: the arm starts on regimen '%s', whose effects and dose "
                            "are its own",
                            k ? "dose_mg" : "effect", TTYamlScalar(y, n) ? TTYamlScalar(y, n) : "?"));
    }
  PetscCall(TTProtocolRegimenRef(y, n, path, p, &arm->regimen));
  r             = &p->regimen[arm->regimen];
  arm->neffect  = r->neffect;
  arm->dose_mg  = r->dose_mg;
  arm->dose_loc = r->dose_loc;
  memcpy(arm->effect, r->effect, sizeof arm->effect);
  arm->regimen_loc = TTYamlLoc(y, n);
  PetscFunctionReturn(0);
}

/* arms[i].switch: [{at: T, regimen: NAME}, ...], T in (0, last visit), increasing. */
static PetscErrorCode ArmSwitches(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, TTArmSpec *arm)
{
  static const char *const keys[] = {"at", "regimen"};
  TTYamlNode               seq    = TTYamlFind(y, item, "switch");
  const double             last   = p->visit[p->nvisit - 1];
  char                     skey[96];
  int                      len;

  PetscFunctionBeginUser;
  if (!seq) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(skey, sizeof skey, key, "switch"));
  PetscCall(TTYamlCheckSequence(y, seq, skey, "a sequence of switches [{at: TIME, regimen: NAME}, ...]"));
  len = TTYamlLength(y, seq);
  if (len < 1) PetscCall(TTYamlError(y, seq, skey, "expected at least one switch {at: TIME, regimen: NAME}"));
  arm->switch_loc = TTYamlLoc(y, TTYamlFindKey(y, item, "switch"));
  for (int i = 0; i < len; i++) {
    TTYamlNode s = TTYamlItem(y, seq, i), n;
    char       path[128], sub[160];
    double     at;
    PetscCall(TTYamlKeyIndex(path, sizeof path, skey, i));
    if (i >= TT_MAX_SWITCHES) PetscCall(TTYamlError(y, s, path, "expected at most %d switches", TT_MAX_SWITCHES));
    PetscCall(TTYamlCheckMapping(y, s, path, "a switch {at: TIME, regimen: NAME}"));
    PetscCall(TTYamlCheckKeys(y, s, path, 2, keys));
    PetscCall(TTYamlRequire(y, s, path, "at", "the time of the switch, in the schedule's unit", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "at"));
    PetscCall(TTYamlGetReal(y, n, sub, &at));
    if (!(at > 0))
      PetscCall(TTYamlError(y, n, sub,
                            "expected a time after randomisation (> 0, in %ss), found %g; an arm that starts on a "
                            "regimen says regimen: NAME",
                            p->time_unit, at));
    if (i > 0 && !(at > arm->switch_at[i - 1]))
      PetscCall(TTYamlError(y, n, sub, "expected switch times in increasing order; %g does not follow %g", at,
                            arm->switch_at[i - 1]));
    if (!(at < last))
      PetscCall(
          TTYamlError(y, n, sub, "expected a time before the last visit (%s %g), found %g", p->time_unit, last, at));
    arm->switch_at[i] = at;
    PetscCall(TTYamlRequire(y, s, path, "regimen", "the name of the regimen switched to", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "regimen"));
    PetscCall(TTProtocolRegimenRef(y, n, sub, p, &arm->switch_regimen[i]));
    arm->nswitch = i + 1;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseArmRegimens(TTYaml y, TTYamlNode arms, TTProtocol *p)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < p->narm; i++) {
    TTYamlNode item = TTYamlItem(y, arms, i);
    char       key[32];
    PetscCall(TTYamlKeyIndex(key, sizeof key, "arms", i));
    PetscCall(ArmRegimen(y, item, key, p, &p->arm[i]));
    PetscCall(ArmSwitches(y, item, key, p, &p->arm[i]));
  }
  PetscFunctionReturn(0);
}
