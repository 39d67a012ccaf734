/* ml_events.c — the events section of a model file:
 *   events:
 *     NAME: {hazard: EXPRESSION, type: terminal | recurrent}
 * The hazard (events per time unit of the model) may read t, parameters, arm effects,
 * covariates, random effects, individual variables, states and outputs. Checks: every
 * name a new event name (at most ML_MAX_EVENTS), both keys given, the hazard an
 * expression, the type one of the two. A model with dosing may have events: the sim
 * integrates the hazards with the states and stops at the doses (src/sim/sim_events.c).
 * Generation: tt_ml_hazard, the model's hazards (model.h `hazard`): every hazard at t from
 * the ODE model's states u (or a closed-form model's outputs at t), a negative hazard
 * counting as zero and a hazard that is not a number left so (the sim fails the twin with
 * its reason); a closed-form model also gets tt_ml_hazard_regimen, the hazards in segment
 * seg of a regimen with the outputs' t_switch and before() of that segment, as
 * mean_regimen has them (segment 0: exactly tt_ml_hazard).
 */
#include <string.h>
#include "modellang/mlimpl.h"

static const char *const MLEventTypes[2] = {"terminal", "recurrent"};

static PetscErrorCode Event(TTModelLang ml, TTYamlNode k, TTYamlNode v, const MLScope *scope)
{
  static const char *const keys[] = {"hazard", "type"};
  char                     path[256], sub[300], buf[64];
  MLEvent                 *e = &ml->event[ml->nevent];
  TTYamlNode               n;
  int                      type;
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(path, sizeof path, "model.events", TTYamlScalar(ml->y, k)));
  PetscCall(TTYamlGetName(ml->y, k, path, e->name));
  e->loc = TTYamlLoc(ml->y, k);
  for (int i = 0; i < ml->nevent; i++)
    if (!strcmp(ml->event[i].name, e->name))
      PetscCall(TTYamlError(ml->y, k, path, "event '%s' is given twice (first at line %d); expected each event once",
                            e->name, ml->event[i].loc.line));
  if (ml->nevent == ML_MAX_EVENTS)
    PetscCall(TTYamlError(ml->y, k, path, "expected at most %d event types", ML_MAX_EVENTS));
  PetscCall(TTYamlCheckMapping(ml->y, v, path, "a mapping {hazard: EXPRESSION, type: terminal or recurrent}"));
  PetscCall(TTYamlCheckKeys(ml->y, v, path, 2, keys));
  PetscCall(TTYamlRequire(ml->y, v, path, "hazard", "the hazard, an expression (events per time unit)", &n));
  PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "hazard"));
  if (!TTYamlIsScalar(ml->y, n))
    PetscCall(TTYamlError(ml->y, n, sub, "expected the hazard, an expression (events per time unit), found %s",
                          TTYamlDescribe(ml->y, n, buf, sizeof buf)));
  PetscCall(MLParseExpression(ml, n, sub, scope, &e->hazard));
  PetscCall(TTYamlRequire(ml->y, v, path, "type", "terminal (death: once, ends observation) or recurrent", &n));
  PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "type"));
  PetscCall(TTYamlGetChoice(ml->y, n, sub, 2, MLEventTypes, &type));
  e->recurrent = type == 1;
  ml->nevent++;
  PetscFunctionReturn(0);
}

PetscErrorCode MLParseEvents(TTModelLang ml, TTYamlNode map, MLScope *scope)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.events",
                               "a mapping NAME: {hazard: EXPRESSION, type: terminal or recurrent}"));
  scope->where = "events";
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    TTYamlNode k, v;
    TTYamlPair(ml->y, map, i, &k, &v);
    PetscCall(Event(ml, k, v, scope));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MLGenEvents(TTModelLang ml, FILE *out)
{
  PetscFunctionBeginUser;
  fprintf(out,
          "#define NE %d\n"
          "static void hz_body(const double *par, const double *cov, const double *eta, const double *eff, "
          "double t, const double *u, double tsw, const double *yb, double *hz)\n{\n  double h, o[NO];\n",
          ml->nevent);
  PetscCall(MLGenIndividual(ml, out));
  fprintf(out, "  UNUSED(t), UNUSED(u), UNUSED(o), UNUSED(h), UNUSED(tsw), UNUSED(yb);\n");
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) {
    fprintf(out, "  o[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->expr[MS_OUTPUT][i], out));
    fprintf(out, ";\n");
  }
  for (int k = 0; k < ml->nevent; k++) {
    fprintf(out, "  h = ");
    PetscCall(MLGenExpr(ml, ml->event[k].hazard, out));
    fprintf(out, ";\n  hz[%d] = h < 0.0 ? 0.0 : h;\n", k);
  }
  fprintf(out, "}\nvoid tt_ml_hazard(const double *par, const double *cov, const double *eta, const double *eff, "
               "double t, const double *u, double *hz)\n{\n  hz_body(par, cov, eta, eff, t, u, 0.0, YB0, hz);\n}\n");
  if (!ml->ode)
    fprintf(out, "void tt_ml_hazard_regimen(const double *par, const double *cov, const double *eta, "
                 "const TTRegimen *reg, int seg, double t, const double *u, double *hz)\n{\n"
                 "  double yb[TT_MAX_SEGMENTS * NO];\n  seg_starts(par, cov, eta, reg, yb);\n"
                 "  hz_body(par, cov, eta, reg->eff + seg * NEFF, t, u, reg->start[seg], yb + seg * NO, hz);\n}\n");
  PetscFunctionReturn(0);
}
