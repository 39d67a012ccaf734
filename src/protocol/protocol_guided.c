/* protocol_guided.c — guided arms: each twin's own personalised forecast chooses its
 * regimen among candidates (arms[i].guided; TTGuidedSpec in protocol.h):
 *
 *   arms:
 *     - {name: standard_of_care, regimen: metformin_max}
 *     - name: twin_guided
 *       guided:
 *         candidates: [metformin_max, add_sglt2, add_sulfonylurea]
 *         run_in: {visits: [-12, -4, 0]}
 *         choose: {variable: hba1c, visit: 52, goal: below, target: 6.5, cost: {add_sglt2: 0.05}}
 *         reassess: [12, 26]
 *         draws: 100
 *         forecast: delta_method
 *
 * Invariants when arm->guided: no effect, dose_mg, regimen or switch of the arm's own; 2..
 * TT_MAX_CANDIDATES distinct candidates naming declared regimens; 1..TT_MAX_RUN_IN run-in
 * times <= 0, strictly increasing; choose.visit a scheduled visit > 0 (default: the last);
 * target exactly with below / above; costs finite and named after candidates; reassess
 * visits scheduled, strictly increasing in (0, choose.visit), at most TT_MAX_SWITCHES;
 * 0 <= draws <= 100000; forecast draws (default) or delta_method. The variable is checked against the model by the
 * trial module. Runs after the schedule and the arms' regimens.
 */
#include <math.h>
#include <string.h>
#include "protocolimpl.h"

const char *const TTGuidedForecastNames[2] = {"draws", "delta_method"};

static PetscErrorCode Candidates(TTYaml y, TTYamlNode g, const char *key, const TTProtocol *p, TTGuidedSpec *s)
{
  TTYamlNode seq;
  char       ckey[128];
  int        len;

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(ckey, sizeof ckey, key, "candidates"));
  PetscCall(TTYamlRequire(y, g, key, "candidates", "a list of the regimens the twins choose among", &seq));
  PetscCall(TTYamlCheckSequence(y, seq, ckey, "a list of regimen names declared under regimens:"));
  len = TTYamlLength(y, seq);
  if (len < 2 || len > TT_MAX_CANDIDATES)
    PetscCall(TTYamlError(y, seq, ckey, "expected 2 to %d candidate regimens, found %d", TT_MAX_CANDIDATES, len));
  for (int i = 0; i < len; i++) {
    char path[160];
    PetscCall(TTYamlKeyIndex(path, sizeof path, ckey, i));
    PetscCall(TTProtocolRegimenRef(y, TTYamlItem(y, seq, i), path, p, &s->candidate[i]));
    for (int j = 0; j < i; j++)
      if (s->candidate[j] == s->candidate[i])
        PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected distinct candidates; '%s' is also %s[%d]",
                              p->regimen[s->candidate[i]].name, ckey, j));
    s->ncandidate = i + 1;
  }
  PetscFunctionReturn(0);
}

/* A sequence of times at node n, strictly increasing, at most max. */
static PetscErrorCode Times(TTYaml y, TTYamlNode n, const char *key, const char *what, int max, double t[], int *nt)
{
  int len;

  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, n, key, what));
  len = TTYamlLength(y, n);
  if (len < 1 || len > max) PetscCall(TTYamlError(y, n, key, "expected 1 to %d times, found %d", max, len));
  for (int i = 0; i < len; i++) {
    char path[160];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, n, i), path, &t[i]));
    if (i > 0 && !(t[i] > t[i - 1]))
      PetscCall(TTYamlError(y, TTYamlItem(y, n, i), path, "expected increasing times; %g does not follow %g", t[i],
                            t[i - 1]));
  }
  *nt = len;
  PetscFunctionReturn(0);
}

static PetscErrorCode RunIn(TTYaml y, TTYamlNode g, const char *key, const TTProtocol *p, TTGuidedSpec *s)
{
  static const char *const keys[] = {"visits"};
  TTYamlNode               r, n;
  char                     rkey[128], vkey[160];

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(rkey, sizeof rkey, key, "run_in"));
  PetscCall(TTYamlRequire(y, g, key, "run_in", "{visits: [...]}: the untreated visits the twins are observed at", &r));
  PetscCall(TTYamlCheckMapping(y, r, rkey, "a mapping {visits: [TIME, ...]} (times <= 0)"));
  PetscCall(TTYamlCheckKeys(y, r, rkey, 1, keys));
  PetscCall(TTYamlKeyJoin(vkey, sizeof vkey, rkey, "visits"));
  PetscCall(TTYamlRequire(y, r, rkey, "visits", "the run-in times, <= 0", &n));
  PetscCall(Times(y, n, vkey, "a list of times <= 0 in the schedule's unit", TT_MAX_RUN_IN, s->run_in, &s->nrun_in));
  for (int i = 0; i < s->nrun_in; i++)
    if (!(s->run_in[i] <= 0)) {
      char path[192];
      PetscCall(TTYamlKeyIndex(path, sizeof path, vkey, i));
      PetscCall(TTYamlError(y, TTYamlItem(y, n, i), path,
                            "expected a run-in time at or before randomisation (<= 0 %ss), found %g", p->time_unit,
                            s->run_in[i]));
    }
  PetscFunctionReturn(0);
}

static PetscBool Scheduled(const TTProtocol *p, double t)
{
  for (int v = 0; v < p->nvisit; v++)
    if (p->visit[v] == t) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode Costs(TTYaml y, TTYamlNode map, const char *key, const TTProtocol *p, TTGuidedSpec *s)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of candidate name: cost (in the criterion's units)"));
  for (int i = 0; i < TTYamlLength(y, map); i++) {
    TTYamlNode k, v;
    char       path[192];
    int        r, c = -1;
    TTYamlPair(y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k) ? TTYamlScalar(y, k) : "?"));
    PetscCall(TTProtocolRegimenRef(y, k, path, p, &r));
    for (int j = 0; j < s->ncandidate; j++)
      if (s->candidate[j] == r) c = j;
    if (c < 0)
      PetscCall(TTYamlError(y, k, path, "expected one of the arm's candidates, found '%s'", p->regimen[r].name));
    PetscCall(TTYamlGetReal(y, v, path, &s->cost[c]));
    if (!isfinite(s->cost[c])) PetscCall(TTYamlError(y, v, path, "expected a finite cost, found %g", s->cost[c]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Choose(TTYaml y, TTYamlNode g, const char *key, const TTProtocol *p, TTGuidedSpec *s)
{
  static const char *const keys[] = {"variable", "visit", "goal", "target", "cost"};
  TTYamlNode               c, n;
  char                     ckey[128], path[160];
  int                      goal = TT_CHOOSE_MINIMIZE;

  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(ckey, sizeof ckey, key, "choose"));
  PetscCall(
      TTYamlRequire(y, g, key, "choose", "{variable: ..., visit: ..., goal: ...}: what the forecast optimises", &c));
  PetscCall(TTYamlCheckMapping(y, c, ckey,
                               "a mapping {variable: ..., visit: ..., goal: minimize | maximize | below | above}"));
  PetscCall(TTYamlCheckKeys(y, c, ckey, 5, keys));
  PetscCall(TTYamlKeyJoin(path, sizeof path, ckey, "variable"));
  PetscCall(TTYamlRequire(y, c, ckey, "variable", "the name of a model variable", &n));
  PetscCall(TTYamlGetName(y, n, path, s->variable));
  s->variable_loc = TTYamlLoc(y, n);
  s->visit        = p->visit[p->nvisit - 1];
  if ((n = TTYamlFind(y, c, "visit"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, ckey, "visit"));
    PetscCall(TTYamlGetReal(y, n, path, &s->visit));
    if (!(s->visit > 0) || !Scheduled(p, s->visit))
      PetscCall(TTYamlError(y, n, path, "expected a scheduled visit after randomisation (> 0), found %g", s->visit));
  }
  if ((n = TTYamlFind(y, c, "goal"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, ckey, "goal"));
    PetscCall(TTYamlGetChoice(y, n, path, 4, TTChooseGoalNames, &goal));
  }
  s->goal = goal;
  PetscCall(TTYamlKeyJoin(path, sizeof path, ckey, "target"));
  if (goal == TT_CHOOSE_BELOW || goal == TT_CHOOSE_ABOVE) {
    PetscCall(TTYamlRequire(y, c, ckey, "target", "the threshold the variable should reach", &n));
    PetscCall(TTYamlGetReal(y, n, path, &s->target));
  } else if ((n = TTYamlFindKey(y, c, "target")))
    PetscCall(TTYamlError(y, n, path, "expected no target with goal %s (a target goes with goal below or above)",
                          TTChooseGoalNames[goal]));
  if ((n = TTYamlFind(y, c, "cost"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, ckey, "cost"));
    PetscCall(Costs(y, n, path, p, s));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Reassess(TTYaml y, TTYamlNode g, const char *key, const TTProtocol *p, TTGuidedSpec *s)
{
  TTYamlNode n = TTYamlFind(y, g, "reassess");
  char       rkey[128];

  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(rkey, sizeof rkey, key, "reassess"));
  PetscCall(Times(y, n, rkey, "a list of scheduled visits after 0 and before the choose visit", TT_MAX_SWITCHES,
                  s->reassess, &s->nreassess));
  for (int i = 0; i < s->nreassess; i++)
    if (!(s->reassess[i] > 0 && s->reassess[i] < s->visit) || !Scheduled(p, s->reassess[i])) {
      char path[160];
      PetscCall(TTYamlKeyIndex(path, sizeof path, rkey, i));
      PetscCall(TTYamlError(y, TTYamlItem(y, n, i), path,
                            "expected a scheduled visit after 0 and before the choose visit (%g), found %g", s->visit,
                            s->reassess[i]));
    }
  PetscFunctionReturn(0);
}

static PetscErrorCode Guided(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p, TTArmSpec *arm)
{
  static const char *const keys[]  = {"candidates", "run_in", "choose", "reassess", "draws", "forecast"};
  static const char *const other[] = {"effect", "dose_mg", "regimen", "switch"};
  TTYamlNode               g       = TTYamlFind(y, item, "guided"), n;
  TTGuidedSpec            *s       = &arm->guide;
  char                     gkey[96], path[128];

  PetscFunctionBeginUser;
  if (!g) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(gkey, sizeof gkey, key, "guided"));
  for (int k = 0; k < 4; k++)
    if ((n = TTYamlFindKey(y, item, other[k]))) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, other[k]));
      PetscCall(TTYamlError(y, n, path,
                            "expected no %s beside guided: a guided arm's regimens are its candidates (declare them "
                            "under regimens:)",
                            other[k]));
    }
  PetscCall(TTYamlCheckMapping(y, g, gkey, "a mapping {candidates: [...], run_in: {visits: [...]}, choose: {...}}"));
  PetscCall(TTYamlCheckKeys(y, g, gkey, 6, keys));
  memset(s, 0, sizeof *s);
  arm->guided = 1;
  s->loc      = TTYamlLoc(y, TTYamlFindKey(y, item, "guided"));
  s->draws    = 100;
  PetscCall(Candidates(y, g, gkey, p, s));
  PetscCall(RunIn(y, g, gkey, p, s));
  PetscCall(Choose(y, g, gkey, p, s));
  PetscCall(Reassess(y, g, gkey, p, s));
  if ((n = TTYamlFind(y, g, "draws"))) {
    long d;
    PetscCall(TTYamlKeyJoin(path, sizeof path, gkey, "draws"));
    PetscCall(TTYamlGetInt(y, n, path, &d));
    if (d < 0 || d > 100000)
      PetscCall(
          TTYamlError(y, n, path, "expected 0 (the forecast at the mode) to 100000 posterior draws, found %ld", d));
    s->draws = (int) d;
  }
  if ((n = TTYamlFind(y, g, "forecast"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, gkey, "forecast"));
    PetscCall(TTYamlGetChoice(y, n, path, 2, TTGuidedForecastNames, &s->forecast));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseArmGuided(TTYaml y, TTYamlNode arms, TTProtocol *p)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < p->narm; i++) {
    char key[32];
    PetscCall(TTYamlKeyIndex(key, sizeof key, "arms", i));
    PetscCall(Guided(y, TTYamlItem(y, arms, i), key, p, &p->arm[i]));
  }
  PetscFunctionReturn(0);
}
