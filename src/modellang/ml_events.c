/* ml_events.c — the events section of a model file:
 *   events:
 *     NAME: {hazard: EXPRESSION, type: terminal | recurrent}
 * The hazard (events per time unit of the model) may read t, parameters, arm effects,
 * covariates, random effects, individual variables, states and outputs. Checks: every
 * name a new event name (at most ML_MAX_EVENTS), both keys given, the hazard an
 * expression, the type one of the two; events need no dosing (doses would have to enter
 * the hazard's integration too). Generation: tt_ml_events and tt_ml_events_regimen call
 * the host's MLHazardTimes (ml_hazard.c) with the generated right-hand side hz_rhs: the
 * ODE model's derivatives and every hazard, a negative (or undefined) hazard counting as
 * zero, in segment j of a regimen under its effects (a closed-form model's outputs with
 * t_switch and before() of that segment, as mean_regimen has them).
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

PetscErrorCode MLParseEvents(TTModelLang ml, TTYamlNode map, TTYamlNode dosing, MLScope *scope)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.events",
                               "a mapping NAME: {hazard: EXPRESSION, type: terminal or recurrent}"));
  if (TTYamlLength(ml->y, map) && dosing)
    PetscCall(TTYamlError(ml->y, map, "model.events",
                          "expected no events in a model with dosing (events with doses are not supported; write the "
                          "model in C)"));
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
  int ns = ml->ode ? ml->n[MS_STATE] : 0;
  PetscFunctionBeginUser;
  fprintf(out, "#define NE %d\n#define NSE %d\nstatic const int EREC[NE] = {", ml->nevent, ns);
  for (int k = 0; k < ml->nevent; k++) fprintf(out, "%d, ", ml->event[k].recurrent);
  fprintf(out, "};\ntypedef struct {\n  const double *par, *cov, *eta;\n  const TTRegimen *reg;\n"
               "  double yb[TT_MAX_SEGMENTS * NO];\n} HzCtx;\n"
               "static void hz_rhs(int seg, double t, const double *x, double *dx, void *ctx)\n{\n"
               "  const HzCtx *c = (const HzCtx *) ctx;\n"
               "  const double *par = c->par, *cov = c->cov, *eta = c->eta, *u = x, *eff = c->reg->eff + seg * NEFF;\n"
               "  const double tsw = c->reg->start[seg], *yb = c->yb + seg * NO;\n  double h, o[NO];\n");
  PetscCall(MLGenIndividual(ml, out));
  fprintf(out, "  UNUSED(t), UNUSED(u), UNUSED(o), UNUSED(h), UNUSED(tsw), UNUSED(yb);\n");
  for (int i = 0; i < ns; i++) {
    fprintf(out, "  dx[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->deriv[i], out));
    fprintf(out, ";\n");
  }
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) {
    fprintf(out, "  o[%d] = ", i);
    PetscCall(MLGenExpr(ml, ml->expr[MS_OUTPUT][i], out));
    fprintf(out, ";\n");
  }
  for (int k = 0; k < ml->nevent; k++) {
    fprintf(out, "  h = ");
    PetscCall(MLGenExpr(ml, ml->event[k].hazard, out));
    fprintf(out, ";\n  dx[NSE + %d] = h > 0.0 ? h : 0.0;\n", k);
  }
  fprintf(out, "}\nstatic void hz_run(const double *par, const double *cov, const double *eta, const TTRegimen *reg, "
               "double t_end, tt_pcg32 *rng, double *times)\n{\n"
               "  HzCtx c = {par, cov, eta, reg, {0.0}};\n  double x0[NSE > 0 ? NSE : 1] = {0.0};\n"
               "  int n = reg->n < TT_MAX_SEGMENTS ? reg->n : TT_MAX_SEGMENTS;\n");
  fprintf(out, ns ? "  tt_ml_initial(par, cov, eta, reg->eff, x0);\n" : "  seg_starts(par, cov, eta, reg, c.yb);\n");
  fprintf(out, "  H->hazard(NSE, NE, EREC, hz_rhs, &c, x0, n, reg->start, t_end, rng, times);\n}\n"
               "void tt_ml_events(const double *par, const double *cov, const double *eta, const double *eff, "
               "double t_end, tt_pcg32 *rng, double *times)\n{\n"
               "  static const double s0[1] = {0.0};\n  const TTRegimen one = {1, s0, eff};\n"
               "  hz_run(par, cov, eta, &one, t_end, rng, times);\n}\n"
               "void tt_ml_events_regimen(const double *par, const double *cov, const double *eta, "
               "const TTRegimen *reg, double t_end, tt_pcg32 *rng, double *times)\n{\n"
               "  hz_run(par, cov, eta, reg, t_end, rng, times);\n}\n");
  PetscFunctionReturn(0);
}
