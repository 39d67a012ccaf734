/* protocol_choose.c — the choose section: the criterion by which a personalised twin's
 * forecast picks an arm (`twintrial personalise`).
 *
 *   choose: {variable: hba1c, visit: 52, goal: below, target: 7, control: placebo}
 *
 * Invariants when p->choose is 1: choose_variable is a name (the trial module checks it
 * against the model at choose_variable_loc); choose_visit is one of the schedule's
 * visits (default: the last); choose_goal is a TT_CHOOSE_*; choose_target is given
 * exactly for below / above (0 otherwise); choose_control indexes an arm (default 0,
 * the first). Runs after the arms and the schedule.
 */
#include <string.h>
#include "protocolimpl.h"

const char *const TTChooseGoalNames[4] = {"minimize", "maximize", "below", "above"};

static PetscErrorCode ParseVisit(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  TTYamlNode n = TTYamlFind(y, map, "visit");
  char       list[TT_MAX_VISITS * 24], buf[32];
  PetscFunctionBeginUser;
  p->choose_visit     = p->visit[p->nvisit - 1];
  p->choose_visit_loc = TTYamlLoc(y, map);
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlGetReal(y, n, "choose.visit", &p->choose_visit));
  p->choose_visit_loc = TTYamlLoc(y, n);
  for (int v = 0; v < p->nvisit; v++)
    if (p->visit[v] == p->choose_visit) PetscFunctionReturn(0);
  list[0] = 0;
  for (int v = 0; v < p->nvisit; v++) {
    PetscCall(PetscStrlcat(list, v ? ", " : "", sizeof list));
    PetscCall(PetscStrlcat(list, TTYamlFormatReal(p->visit[v], buf), sizeof list));
  }
  PetscCall(TTYamlError(y, n, "choose.visit", "expected one of the schedule's visits (%s), found %s", list,
                        TTYamlFormatReal(p->choose_visit, buf)));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseControl(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  TTYamlNode n = TTYamlFind(y, map, "control");
  char       name[TT_NAME_MAX], arms[TT_MAX_ARMS * (TT_NAME_MAX + 2)] = "";
  PetscFunctionBeginUser;
  p->choose_control = 0;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlGetName(y, n, "choose.control", name));
  p->choose_control = TTProtocolFindArm(p, name);
  if (p->choose_control >= 0) PetscFunctionReturn(0);
  for (int a = 0; a < p->narm; a++) {
    PetscCall(PetscStrlcat(arms, a ? ", " : "", sizeof arms));
    PetscCall(PetscStrlcat(arms, p->arm[a].name, sizeof arms));
  }
  PetscCall(TTYamlError(y, n, "choose.control", "expected an arm name (one of %s), found '%s'", arms, name));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseChoose(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"variable", "visit", "goal", "target", "control"};
  TTYamlNode               n;
  int                      goal;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(
      y, map, "choose", "a mapping {variable: ..., visit: ..., goal: minimize | maximize | below | above, ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "choose", 5, keys));
  p->choose     = 1;
  p->choose_loc = TTYamlLoc(y, map);
  PetscCall(TTYamlRequire(y, map, "choose", "variable", "the name of a model variable", &n));
  PetscCall(TTYamlGetName(y, n, "choose.variable", p->choose_variable));
  p->choose_variable_loc = TTYamlLoc(y, n);
  PetscCall(ParseVisit(y, map, p));
  PetscCall(TTYamlRequire(y, map, "choose", "goal", "minimize, maximize, below or above", &n));
  PetscCall(TTYamlGetChoice(y, n, "choose.goal", 4, TTChooseGoalNames, &goal));
  p->choose_goal = goal;
  if (goal == TT_CHOOSE_BELOW || goal == TT_CHOOSE_ABOVE) {
    char what[64];
    PetscCall(PetscSNPrintf(what, sizeof what, "the threshold the variable should lie %s", TTChooseGoalNames[goal]));
    PetscCall(TTYamlRequire(y, map, "choose", "target", what, &n));
    PetscCall(TTYamlGetReal(y, n, "choose.target", &p->choose_target));
  } else if ((n = TTYamlFindKey(y, map, "target")))
    PetscCall(TTYamlError(y, n, "choose.target",
                          "expected no target with goal %s (a target goes with goal below or above)",
                          TTChooseGoalNames[goal]));
  PetscCall(ParseControl(y, map, p));
  PetscFunctionReturn(0);
}
