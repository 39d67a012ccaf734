/* ml_parse.c — TTModelLangParse: the sections of a model file into a TTModelLang, with
 * the checks of mlimpl.h. Sections are read in dependency order (parameters, effects,
 * covariates, random effects, individual, states, odes, outputs, residual, events), so a name is
 * visible only after its definition; every name is new (distinct across kinds, not a
 * function, not t), and nothing is assigned twice or to a declared name.
 */
#include <math.h>
#include <string.h>
#include "modellang/mlimpl.h"

static const char *const MLTimeUnits[5]    = {"hour", "day", "week", "month", "year"};
static const double      MLTimeUnitDays[5] = {1.0 / 24.0, 1.0, 7.0, 365.25 / 12.0, 365.25};

int MLFind(TTModelLang ml, MLKind kind, const char *name)
{
  for (int i = 0; i < ml->n[kind]; i++)
    if (!strcmp(ml->sym[kind][i].name, name)) return i;
  return -1;
}

MLKind MLLookup(TTModelLang ml, const char *name, int *index)
{
  if (!strcmp(name, "t")) return *index = 0, MS_TIME;
  if (!strcmp(name, "t_switch")) return *index = 1, MS_TIME;
  for (int k = 0; k < MS_TIME; k++)
    if ((*index = MLFind(ml, (MLKind) k, name)) >= 0) return (MLKind) k;
  return MS_NKIND;
}

const char *TTModelLangName(TTModelLang ml)
{
  return ml->name;
}

const char *TTModelLangText(TTModelLang ml)
{
  return TTYamlText(ml->y);
}

/* A new name of `kind` declared at loc (key path `key`): checked and added, *i its index. */
static PetscErrorCode Declare(TTModelLang ml, MLKind kind, const char *name, TTLoc loc, const char *key, int *i)
{
  int    j;
  MLKind k = MLLookup(ml, name, &j);
  PetscFunctionBeginUser;
  if (k == MS_TIME)
    PetscCall(TTYamlErrorAt(ml->y, loc, key, "'%s' is %s; expected another name for a %s", name,
                            j ? "the start of the regimen segment under way" : "the time", MLKindNames[kind]));
  if (!strcmp(name, "before"))
    PetscCall(
        TTYamlErrorAt(ml->y, loc, key, "'before' is a function; expected another name for a %s", MLKindNames[kind]));
  for (int f = 0; f < MF_NFUNC; f++)
    if (!strcmp(MLFuncs[f].name, name))
      PetscCall(TTYamlErrorAt(ml->y, loc, key, "'%s' is a function; expected another name for a %s", name,
                              MLKindNames[kind]));
  if (k != MS_NKIND) {
    TTLoc first = ml->sym[k][j].loc;
    if (k == kind && (kind == MS_INDIV || kind == MS_OUTPUT))
      PetscCall(TTYamlErrorAt(ml->y, loc, key,
                              "'%s' is assigned twice (first at line %d); expected each %s assigned once", name,
                              first.line, MLKindNames[kind]));
    if (kind == MS_INDIV || kind == MS_OUTPUT)
      PetscCall(TTYamlErrorAt(ml->y, loc, key, "cannot assign to '%s', a %s (line %d); expected a new name for an %s",
                              name, MLKindNames[k], first.line, MLKindNames[kind]));
    PetscCall(TTYamlErrorAt(ml->y, loc, key, "'%s' is already a %s (line %d); expected a new name for a %s", name,
                            MLKindNames[k], first.line, MLKindNames[kind]));
  }
  if (ml->n[kind] == ML_MAX_NAMES)
    PetscCall(TTYamlErrorAt(ml->y, loc, key, "expected at most %d %ss", ML_MAX_NAMES, MLKindNames[kind]));
  *i = ml->n[kind]++;
  PetscCall(PetscStrncpy(ml->sym[kind][*i].name, name, TT_NAME_MAX));
  ml->sym[kind][*i].loc = loc;
  PetscFunctionReturn(0);
}

/* Key i of mapping map: its name (checked), location and value node. */
static PetscErrorCode Entry(TTModelLang ml, TTYamlNode map, int i, const char *key, char name[TT_NAME_MAX], TTLoc *loc,
                            TTYamlNode *v, char *path, size_t len)
{
  TTYamlNode k;
  PetscFunctionBeginUser;
  TTYamlPair(ml->y, map, i, &k, v);
  PetscCall(TTYamlKeyJoin(path, len, key, TTYamlScalar(ml->y, k)));
  PetscCall(TTYamlGetName(ml->y, k, path, name));
  *loc = TTYamlLoc(ml->y, k);
  PetscFunctionReturn(0);
}

/* domain: NAME (optional): the values a protocol may give the parameter (TTDomain). */
static PetscErrorCode Domain(TTModelLang ml, TTYamlNode v, const char *path, MLName *sym)
{
  static const char *const names[] = {"real", "positive", "nonnegative", "above_minus_1", "count"};
  TTYamlNode               n       = TTYamlFind(ml->y, v, "domain");
  char                     sub[300];
  int                      d = 0;

  PetscFunctionBeginUser;
  if (n) {
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "domain"));
    PetscCall(TTYamlGetChoice(ml->y, n, sub, 5, names, &d));
  }
  sym->domain = d;
  if (!tt_domain_contains((TTDomain) d, sym->value))
    PetscCall(TTYamlError(ml->y, TTYamlFind(ml->y, v, "value"), path,
                          "the value %g is outside the parameter's domain; expected %s", sym->value,
                          tt_domain_text((TTDomain) d)));
  PetscFunctionReturn(0);
}

static PetscErrorCode Parameters(TTModelLang ml, TTYamlNode map)
{
  static const char *const keys[] = {"value", "unit", "description", "domain"};
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.parameters", "a mapping NAME: {value: NUMBER, unit: TEXT}"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256], sub[300];
    TTLoc      loc;
    TTYamlNode v, n;
    int        j = 0;
    PetscCall(Entry(ml, map, i, "model.parameters", name, &loc, &v, path, sizeof path));
    PetscCall(Declare(ml, MS_PARAM, name, loc, path, &j));
    PetscCall(PetscStrncpy(ml->sym[MS_PARAM][j].unit, "1", ML_UNIT_MAX));
    if (TTYamlIsScalar(ml->y, v)) {
      PetscCall(TTYamlGetReal(ml->y, v, path, &ml->sym[MS_PARAM][j].value));
      continue;
    }
    PetscCall(TTYamlCheckMapping(ml->y, v, path, "a number or {value: NUMBER, unit: TEXT, domain: positive, ...}"));
    PetscCall(TTYamlCheckKeys(ml->y, v, path, 4, keys));
    PetscCall(TTYamlRequire(ml->y, v, path, "value", "the parameter's value (a number)", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "value"));
    PetscCall(TTYamlGetReal(ml->y, n, sub, &ml->sym[MS_PARAM][j].value));
    if ((n = TTYamlFind(ml->y, v, "unit"))) {
      PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "unit"));
      PetscCall(TTYamlGetString(ml->y, n, sub, ml->sym[MS_PARAM][j].unit, ML_UNIT_MAX));
    }
    if ((n = TTYamlFind(ml->y, v, "description"))) {
      PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "description"));
      PetscCall(
          TTYamlGetString(ml->y, n, sub, ml->sym[MS_PARAM][j].description, sizeof ml->sym[MS_PARAM][j].description));
    }
    PetscCall(Domain(ml, v, path, &ml->sym[MS_PARAM][j]));
  }
  PetscFunctionReturn(0);
}

/* effects: NAME: default. A name that is also a parameter takes its unit and domain, and
 * the parameter becomes the effect (an arm sets it; the protocol's model.parameters
 * cannot); the default must lie in that domain. */
static PetscErrorCode Effects(TTModelLang ml, TTYamlNode map)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.effects", "a mapping NAME: VALUE WITHOUT EFFECT"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256], unit[ML_UNIT_MAX] = "1", desc[128] = "";
    TTLoc      loc;
    TTYamlNode v;
    int        j = 0, p, domain = 0;
    PetscCall(Entry(ml, map, i, "model.effects", name, &loc, &v, path, sizeof path));
    if ((p = MLFind(ml, MS_PARAM, name)) >= 0) {
      domain = ml->sym[MS_PARAM][p].domain;
      PetscCall(PetscStrncpy(unit, ml->sym[MS_PARAM][p].unit, sizeof unit));
      PetscCall(PetscStrncpy(desc, ml->sym[MS_PARAM][p].description, sizeof desc));
      for (int q = p; q + 1 < ml->n[MS_PARAM]; q++) ml->sym[MS_PARAM][q] = ml->sym[MS_PARAM][q + 1];
      ml->n[MS_PARAM]--;
    }
    PetscCall(Declare(ml, MS_EFFECT, name, loc, path, &j));
    PetscCall(PetscStrncpy(ml->sym[MS_EFFECT][j].unit, unit, ML_UNIT_MAX));
    PetscCall(PetscStrncpy(ml->sym[MS_EFFECT][j].description, desc, sizeof desc));
    PetscCall(TTYamlGetReal(ml->y, v, path, &ml->sym[MS_EFFECT][j].value));
    ml->sym[MS_EFFECT][j].domain = domain;
    if (!tt_domain_contains((TTDomain) domain, ml->sym[MS_EFFECT][j].value))
      PetscCall(TTYamlError(ml->y, v, path, "the default %g is outside the domain of parameter '%s'; expected %s",
                            ml->sym[MS_EFFECT][j].value, name, tt_domain_text((TTDomain) domain)));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Covariates(TTModelLang ml, TTYamlNode seq)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(ml->y, seq, "model.covariates", "a list of cohort covariate names [age, male, ...]"));
  for (int i = 0; i < TTYamlLength(ml->y, seq); i++) {
    char       name[TT_NAME_MAX], path[256];
    TTYamlNode n = TTYamlItem(ml->y, seq, i);
    int        j = 0;
    PetscCall(TTYamlKeyIndex(path, sizeof path, "model.covariates", i));
    PetscCall(TTYamlGetName(ml->y, n, path, name));
    PetscCall(Declare(ml, MS_COV, name, TTYamlLoc(ml->y, n), path, &j));
  }
  PetscFunctionReturn(0);
}

/* correlation key "a, b": the two random effects. */
static PetscErrorCode Pair(TTModelLang ml, TTYamlNode k, const char *path, int *a, int *b)
{
  const char *s = TTYamlScalar(ml->y, k), *comma = strchr(s, ',');
  char        na[TT_NAME_MAX] = "", nb[TT_NAME_MAX] = "";
  PetscFunctionBeginUser;
  if (comma && comma - s < TT_NAME_MAX && strlen(comma + 1) < TT_NAME_MAX) {
    sscanf(s, " %63[A-Za-z0-9_] ", na);
    sscanf(comma + 1, " %63[A-Za-z0-9_] ", nb);
  }
  *a = MLFind(ml, MS_LATENT, na), *b = MLFind(ml, MS_LATENT, nb);
  if (!comma || *a < 0 || *b < 0 || *a == *b)
    PetscCall(TTYamlError(ml->y, k, path,
                          "expected two different random effects declared under variance, written \"eta_a, eta_b\""));
  PetscFunctionReturn(0);
}

/* truncate: {eta_a: C (+-C standard deviations) or [LO, HI] (eta's own scale)}, with
 * LO < 0 < HI: draw_latent redraws until every truncated eta is inside. */
static PetscErrorCode Truncate(TTModelLang ml, TTYamlNode map)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.random_effects.truncate",
                               "a mapping NAME: SDS (+-SDS standard deviations) or NAME: [LO, HI]"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256], sub[300];
    TTLoc      loc;
    TTYamlNode v;
    int        j;
    double     sd, lo, hi;
    PetscCall(Entry(ml, map, i, "model.random_effects.truncate", name, &loc, &v, path, sizeof path));
    if ((j = MLFind(ml, MS_LATENT, name)) < 0)
      PetscCall(
          TTYamlErrorAt(ml->y, loc, path, "'%s' is not a random effect; expected one declared under variance", name));
    if (isfinite(ml->tlo[j]) || isfinite(ml->thi[j]))
      PetscCall(TTYamlErrorAt(ml->y, loc, path, "'%s' is truncated twice; expected it once", name));
    sd = sqrt(ml->sym[MS_LATENT][j].value);
    if (TTYamlIsScalar(ml->y, v)) {
      double c;
      PetscCall(TTYamlGetReal(ml->y, v, path, &c));
      if (!(c > 0)) PetscCall(TTYamlError(ml->y, v, path, "expected a number of standard deviations > 0, found %g", c));
      lo = -c * sd, hi = c * sd;
    } else {
      if (!TTYamlIsSequence(ml->y, v) || TTYamlLength(ml->y, v) != 2)
        PetscCall(TTYamlError(ml->y, v, path, "expected SDS (a number of standard deviations) or [LO, HI]"));
      PetscCall(TTYamlKeyIndex(sub, sizeof sub, path, 0));
      PetscCall(TTYamlGetReal(ml->y, TTYamlItem(ml->y, v, 0), sub, &lo));
      PetscCall(TTYamlKeyIndex(sub, sizeof sub, path, 1));
      PetscCall(TTYamlGetReal(ml->y, TTYamlItem(ml->y, v, 1), sub, &hi));
      if (!(lo < 0 && hi > 0))
        PetscCall(TTYamlError(ml->y, v, path, "expected LO < 0 < HI (the mean 0 inside), found [%g, %g]", lo, hi));
    }
    ml->tlo[j] = lo, ml->thi[j] = hi;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode RandomEffects(TTModelLang ml, TTYamlNode map)
{
  static const char *const keys[] = {"variance", "correlation", "truncate"};
  TTYamlNode               var, cor, tr;
  int                      n;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.random_effects",
                               "a mapping {variance: {...}, correlation: {...}, truncate: {...}}"));
  PetscCall(TTYamlCheckKeys(ml->y, map, "model.random_effects", 3, keys));
  PetscCall(TTYamlRequire(ml->y, map, "model.random_effects", "variance", "the variances {eta_a: NUMBER, ...}", &var));
  PetscCall(TTYamlCheckMapping(ml->y, var, "model.random_effects.variance", "a mapping NAME: VARIANCE"));
  for (int i = 0; i < TTYamlLength(ml->y, var); i++) {
    char       name[TT_NAME_MAX], path[256];
    TTLoc      loc;
    TTYamlNode v;
    int        j = 0;
    double     x;
    PetscCall(Entry(ml, var, i, "model.random_effects.variance", name, &loc, &v, path, sizeof path));
    PetscCall(Declare(ml, MS_LATENT, name, loc, path, &j));
    PetscCall(TTYamlGetReal(ml->y, v, path, &x));
    if (!(x > 0)) PetscCall(TTYamlError(ml->y, v, path, "expected a variance > 0, found %g", x));
    ml->sym[MS_LATENT][j].value = x;
  }
  n = ml->n[MS_LATENT];
  for (int i = 0; i < n; i++) ml->omega[i * n + i] = ml->sym[MS_LATENT][i].value;
  if ((cor = TTYamlFind(ml->y, map, "correlation"))) {
    PetscCall(
        TTYamlCheckMapping(ml->y, cor, "model.random_effects.correlation", "a mapping \"eta_a, eta_b\": CORRELATION"));
    for (int i = 0; i < TTYamlLength(ml->y, cor); i++) {
      TTYamlNode k, v;
      char       path[256];
      int        a, b;
      double     r;
      TTYamlPair(ml->y, cor, i, &k, &v);
      PetscCall(TTYamlKeyJoin(path, sizeof path, "model.random_effects.correlation", TTYamlScalar(ml->y, k)));
      PetscCall(Pair(ml, k, path, &a, &b));
      if (ml->omega[a * n + b] != 0) PetscCall(TTYamlError(ml->y, k, path, "expected each pair once"));
      PetscCall(TTYamlGetReal(ml->y, v, path, &r));
      if (!(r > -1 && r < 1) || r == 0)
        PetscCall(TTYamlError(ml->y, v, path, "expected a correlation in (-1, 1), not 0, found %g", r));
      ml->omega[a * n + b] = ml->omega[b * n + a] = r * sqrt(ml->omega[a * n + a] * ml->omega[b * n + b]);
    }
  }
  if (n && MLCholesky(n, ml->omega, ml->chol))
    PetscCall(TTYamlError(ml->y, cor ? cor : var,
                          cor ? "model.random_effects.correlation" : "model.random_effects.variance",
                          "expected correlations making a positive-definite covariance Omega; these do not"));
  for (int i = 0; i < ML_MAX_NAMES; i++) ml->tlo[i] = -INFINITY, ml->thi[i] = INFINITY;
  if ((tr = TTYamlFind(ml->y, map, "truncate"))) PetscCall(Truncate(ml, tr));
  PetscFunctionReturn(0);
}

typedef struct {
  MLKind   kind;
  MLScope *scope;
} AssignCtx;

/* NAME = expr in individual or outputs: a new name, visible to the statements below. */
static PetscErrorCode AssignNew(TTModelLang ml, const char *key, const char *name, TTLoc loc, int expr, void *ctx)
{
  AssignCtx *a = (AssignCtx *) ctx;
  int        i = 0;
  PetscFunctionBeginUser;
  PetscCall(Declare(ml, a->kind, name, loc, key, &i));
  ml->expr[a->kind][i] = expr;
  if (a->kind == MS_INDIV)
    a->scope->nindiv = i + 1;
  else
    a->scope->noutput = i + 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode AssignDeriv(TTModelLang ml, const char *key, const char *name, TTLoc loc, int expr, void *ctx)
{
  int  i         = MLFind(ml, MS_STATE, name);
  char list[512] = "";
  PetscFunctionBeginUser;
  (void) ctx;
  for (int k = 0; k < ml->n[MS_STATE]; k++) {
    if (k) PetscCall(PetscStrlcat(list, ", ", sizeof list));
    PetscCall(PetscStrlcat(list, ml->sym[MS_STATE][k].name, sizeof list));
  }
  if (i < 0)
    PetscCall(TTYamlErrorAt(ml->y, loc, key, "d/dt(%s): '%s' is not a state; expected one of %s", name, name, list));
  if (ml->deriv[i] >= 0)
    PetscCall(TTYamlErrorAt(ml->y, loc, key, "d/dt(%s) is given twice; expected one derivative per state", name));
  ml->deriv[i] = expr;
  PetscFunctionReturn(0);
}

#define KINDS(...) MLKindsOf((const MLKind[]){__VA_ARGS__, MS_NKIND})
static unsigned MLKindsOf(const MLKind *k)
{
  unsigned m = 0;
  for (; *k != MS_NKIND; k++) m |= 1u << *k;
  return m;
}

/* The names of states: NAME: initial value (before individual, so that reading a state
 * there is refused as such). */
static PetscErrorCode DeclareStates(TTModelLang ml, TTYamlNode states)
{
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, states, "model.states", "a mapping STATE: INITIAL VALUE"));
  if (!TTYamlLength(ml->y, states))
    PetscCall(TTYamlError(ml->y, states, "model.states",
                          "expected at least one state (omit states and odes for a closed-form model)"));
  for (int i = 0; i < TTYamlLength(ml->y, states); i++) {
    char       name[TT_NAME_MAX], path[256];
    TTLoc      loc;
    TTYamlNode v;
    int        j = 0;
    PetscCall(Entry(ml, states, i, "model.states", name, &loc, &v, path, sizeof path));
    PetscCall(Declare(ml, MS_STATE, name, loc, path, &j));
    ml->deriv[j] = -1;
  }
  PetscFunctionReturn(0);
}

/* states' initial values (expressions); odes: d/dt(NAME) = ... for each. */
static PetscErrorCode States(TTModelLang ml, TTYamlNode states, TTYamlNode odes, MLScope *scope)
{
  PetscFunctionBeginUser;
  scope->where = "states (initial values)";
  for (int i = 0; i < ml->n[MS_STATE]; i++) {
    char       path[256];
    TTYamlNode k, v;
    TTYamlPair(ml->y, states, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, "model.states", ml->sym[MS_STATE][i].name));
    PetscCall(MLParseExpression(ml, v, path, scope, &ml->expr[MS_STATE][i]));
  }
  if (!odes)
    PetscCall(
        TTYamlError(ml->y, states, "model", "missing required key odes; expected d/dt(STATE) = ... for each state"));
  scope->kinds |= KINDS(MS_STATE, MS_TIME);
  scope->where = "odes";
  PetscCall(MLParseStatements(ml, odes, "model.odes", PETSC_TRUE, scope, AssignDeriv, NULL));
  for (int i = 0; i < ml->n[MS_STATE]; i++)
    if (ml->deriv[i] < 0)
      PetscCall(TTYamlErrorAt(ml->y, ml->sym[MS_STATE][i].loc, "model.states",
                              "state '%s' has no derivative; expected d/dt(%s) = ... in odes",
                              ml->sym[MS_STATE][i].name, ml->sym[MS_STATE][i].name));
  ml->ode = 1;
  PetscFunctionReturn(0);
}

/* dosing: {state: STATE, amount: EXPR, first: EXPR, interval: EXPR, count: EXPR}: amount
 * every interval from first on (interval <= 0: one dose), count doses (count < 1 or none:
 * as many as start before the last visit); amount 0: none. The expressions read what
 * individual reads (a dose regimen is fixed per twin and arm). */
static PetscErrorCode Dosing(TTModelLang ml, TTYamlNode map, TTYamlNode states, MLScope *scope)
{
  static const char *const keys[] = {"state", "amount", "first", "interval", "count"};
  TTYamlNode               n;
  char                     name[TT_NAME_MAX], list[512] = "";
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.dosing", "a mapping {state: STATE, amount: ..., interval: ...}"));
  PetscCall(TTYamlCheckKeys(ml->y, map, "model.dosing", 5, keys));
  if (!states) PetscCall(TTYamlError(ml->y, map, "model.dosing", "expected states and odes: doses enter an ODE state"));
  PetscCall(TTYamlRequire(ml->y, map, "model.dosing", "state", "the state each dose is added to", &n));
  PetscCall(TTYamlGetName(ml->y, n, "model.dosing.state", name));
  for (int k = 0; k < ml->n[MS_STATE]; k++) {
    if (k) PetscCall(PetscStrlcat(list, ", ", sizeof list));
    PetscCall(PetscStrlcat(list, ml->sym[MS_STATE][k].name, sizeof list));
  }
  if ((ml->dose_state = MLFind(ml, MS_STATE, name)) < 0)
    PetscCall(TTYamlError(ml->y, n, "model.dosing.state", "'%s' is not a state; expected one of %s", name, list));
  PetscCall(TTYamlRequire(ml->y, map, "model.dosing", "amount", "the amount of each dose (an expression)", &n));
  scope->where = "dosing";
  for (int k = 1; k < 5; k++) {
    char path[64];
    ml->dose_expr[k - 1] = -1;
    if (!(n = TTYamlFind(ml->y, map, keys[k]))) continue;
    PetscCall(PetscSNPrintf(path, sizeof path, "model.dosing.%s", keys[k]));
    PetscCall(MLParseExpression(ml, n, path, scope, &ml->dose_expr[k - 1]));
  }
  ml->dosing = 1;
  PetscFunctionReturn(0);
}

/* units: OUTPUT: unit (default "1"). */
static PetscErrorCode Units(TTModelLang ml, TTYamlNode map)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) PetscCall(PetscStrncpy(ml->sym[MS_OUTPUT][i].unit, "1", ML_UNIT_MAX));
  if (!map) PetscFunctionReturn(0);
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.units", "a mapping OUTPUT: UNIT"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256];
    TTLoc      loc;
    TTYamlNode v;
    int        o;
    PetscCall(Entry(ml, map, i, "model.units", name, &loc, &v, path, sizeof path));
    if ((o = MLFind(ml, MS_OUTPUT, name)) < 0)
      PetscCall(TTYamlErrorAt(ml->y, loc, path, "'%s' is not an output; expected an output's name", name));
    PetscCall(TTYamlGetString(ml->y, v, path, ml->sym[MS_OUTPUT][o].unit, ML_UNIT_MAX));
  }
  PetscFunctionReturn(0);
}

/* ranges: OUTPUT: {lo, hi, source}: what a clinician accepts for every simulated value
 * (TTRangeInfo); given for one output, required for all. */
static PetscErrorCode Ranges(TTModelLang ml, TTYamlNode map)
{
  static const char *const keys[] = {"lo", "hi", "source"};
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model.ranges", "a mapping OUTPUT: {lo: NUMBER, hi: NUMBER, source: TEXT}"));
  for (int i = 0; i < TTYamlLength(ml->y, map); i++) {
    char       name[TT_NAME_MAX], path[256], sub[300];
    TTLoc      loc;
    TTYamlNode v, n;
    int        o;
    MLName    *out;
    PetscCall(Entry(ml, map, i, "model.ranges", name, &loc, &v, path, sizeof path));
    if ((o = MLFind(ml, MS_OUTPUT, name)) < 0)
      PetscCall(TTYamlErrorAt(ml->y, loc, path, "'%s' is not an output; expected an output's name", name));
    out = &ml->sym[MS_OUTPUT][o];
    PetscCall(TTYamlCheckMapping(ml->y, v, path, "a mapping {lo: NUMBER, hi: NUMBER, source: TEXT}"));
    PetscCall(TTYamlCheckKeys(ml->y, v, path, 3, keys));
    PetscCall(TTYamlRequire(ml->y, v, path, "lo", "the lowest plausible value", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "lo"));
    PetscCall(TTYamlGetReal(ml->y, n, sub, &out->lo));
    PetscCall(TTYamlRequire(ml->y, v, path, "hi", "the highest plausible value", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "hi"));
    PetscCall(TTYamlGetReal(ml->y, n, sub, &out->hi));
    if (!(out->lo < out->hi))
      PetscCall(TTYamlError(ml->y, n, sub, "expected hi > lo (%g), found %g", out->lo, out->hi));
    PetscCall(TTYamlRequire(ml->y, v, path, "source", "where the limits come from", &n));
    PetscCall(TTYamlKeyJoin(sub, sizeof sub, path, "source"));
    PetscCall(TTYamlGetString(ml->y, n, sub, out->description, sizeof out->description));
    out->value = 1; /* marks the range given */
  }
  for (int o = 0; o < ml->n[MS_OUTPUT]; o++)
    if (ml->sym[MS_OUTPUT][o].value != 1)
      PetscCall(TTYamlError(ml->y, map, "model.ranges", "expected a range for every output; %s has none",
                            ml->sym[MS_OUTPUT][o].name));
  ml->ranges = 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode Sections(TTModelLang ml, TTYamlNode map)
{
  static const char *const keys[] = {"name",           "time_unit",  "description", "reference",  "parameters",
                                     "random_effects", "covariates", "effects",     "individual", "states",
                                     "odes",           "outputs",    "units",       "residual",   "events",
                                     "dosing",         "ranges"};
  TTYamlNode               n, states, odes;
  int                      u;
  MLScope                  scope = {0, 0, 0, "individual", 0};
  AssignCtx                a     = {MS_INDIV, &scope};
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(ml->y, map, "model", "a mapping {name: ..., parameters: ..., outputs: ...}"));
  PetscCall(TTYamlCheckKeys(ml->y, map, "model", 17, keys));
  PetscCall(TTYamlRequire(ml->y, map, "model", "name", "the model's name", &n));
  PetscCall(TTYamlGetName(ml->y, n, "model.name", ml->name));
  ml->name_loc = TTYamlLoc(ml->y, n);
  PetscCall(TTYamlRequire(ml->y, map, "model", "time_unit", "day, week, month or year", &n));
  PetscCall(TTYamlGetChoice(ml->y, n, "model.time_unit", 5, MLTimeUnits, &u));
  PetscCall(PetscStrncpy(ml->time_unit, MLTimeUnits[u], sizeof ml->time_unit));
  ml->time_unit_days = MLTimeUnitDays[u];
  PetscCall(PetscStrncpy(ml->description, "model file", sizeof ml->description));
  if ((n = TTYamlFind(ml->y, map, "description")))
    PetscCall(TTYamlGetString(ml->y, n, "model.description", ml->description, sizeof ml->description));
  if ((n = TTYamlFind(ml->y, map, "reference")))
    PetscCall(TTYamlGetString(ml->y, n, "model.reference", ml->reference, sizeof ml->reference));
  if ((n = TTYamlFind(ml->y, map, "parameters"))) PetscCall(Parameters(ml, n));
  if ((n = TTYamlFind(ml->y, map, "effects"))) PetscCall(Effects(ml, n));
  if ((n = TTYamlFind(ml->y, map, "covariates"))) PetscCall(Covariates(ml, n));
  if ((n = TTYamlFind(ml->y, map, "random_effects"))) PetscCall(RandomEffects(ml, n));
  states = TTYamlFind(ml->y, map, "states");
  odes   = TTYamlFind(ml->y, map, "odes");
  if (odes && !states)
    PetscCall(TTYamlError(ml->y, map, "model",
                          "missing required key states; expected STATE: INITIAL VALUE for the states odes integrates"));
  if (states) PetscCall(DeclareStates(ml, states));
  scope.kinds = KINDS(MS_PARAM, MS_EFFECT, MS_COV, MS_LATENT, MS_INDIV);
  if ((n = TTYamlFind(ml->y, map, "individual")))
    PetscCall(MLParseStatements(ml, n, "model.individual", PETSC_FALSE, &scope, AssignNew, &a));
  if ((n = TTYamlFind(ml->y, map, "dosing"))) PetscCall(Dosing(ml, n, states, &scope));
  if (states) PetscCall(States(ml, states, odes, &scope));
  scope.kinds |= KINDS(MS_TIME, MS_OUTPUT);
  scope.where     = "outputs";
  scope.switching = !ml->ode;
  a.kind          = MS_OUTPUT;
  PetscCall(TTYamlRequire(ml->y, map, "model", "outputs", "NAME = expression for each output", &n));
  PetscCall(MLParseStatements(ml, n, "model.outputs", PETSC_FALSE, &scope, AssignNew, &a));
  scope.switching = 0;
  if (!ml->n[MS_OUTPUT])
    PetscCall(TTYamlError(ml->y, n, "model.outputs", "expected at least one output NAME = expression"));
  PetscCall(Units(ml, TTYamlFind(ml->y, map, "units")));
  if ((n = TTYamlFind(ml->y, map, "ranges"))) PetscCall(Ranges(ml, n));
  if ((n = TTYamlFind(ml->y, map, "residual"))) PetscCall(MLParseResidual(ml, n));
  if ((n = TTYamlFind(ml->y, map, "events"))) PetscCall(MLParseEvents(ml, n, &scope));
  PetscFunctionReturn(0);
}

PetscErrorCode TTModelLangParse(const char *path, TTModelLang *out)
{
  TTModelLang    ml;
  TTYamlNode     root, model;
  PetscErrorCode ierr;
  char           buf[64];
  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(PetscNew(&ml));
  for (int i = 0; i < ML_MAX_NAMES; i++) ml->tlo[i] = -INFINITY, ml->thi[i] = INFINITY;
  ierr = TTYamlLoad(path, &ml->y);
  if (!ierr) {
    root  = TTYamlRoot(ml->y);
    model = TTYamlFind(ml->y, root, "model");
    if (!TTYamlIsMapping(ml->y, root) || TTYamlLength(ml->y, root) != 1 || !model)
      ierr = TTYamlError(ml->y, root, "document", "expected one key, model: {name: ..., outputs: ...}, found %s",
                         TTYamlDescribe(ml->y, root, buf, sizeof buf));
    else
      ierr = Sections(ml, model);
  }
  if (ierr) PetscCall(TTModelLangDestroy(&ml));
  PetscCall(ierr);
  *out = ml;
  PetscFunctionReturn(0);
}

PetscErrorCode TTModelLangDestroy(TTModelLang *ml)
{
  PetscFunctionBeginUser;
  if (!ml || !*ml) PetscFunctionReturn(0);
  PetscCall(TTYamlDestroy(&(*ml)->y));
  PetscCall(PetscFree((*ml)->node));
  PetscCall(PetscFree(*ml));
  PetscFunctionReturn(0);
}
