/* protocol_dropout.c — dropout (withdrawal) hazards: the protocol's `dropout:`, and
 * each arm's own `dropout:` (replacing the protocol's for that arm) and
 * `extra_dropout:` (an additional, independent cause of withdrawal in that arm, such
 * as adverse events: the arm's hazard is the sum, its survivor function the product).
 * All three take the same forms: {model: none | weibull | exponential |
 * outcome_dependent, ...} with a scale, a rate or a cumulative proportion by a time.
 *
 * Invariants on success, for every TTDropoutSpec: model none leaves every other field
 * 0; otherwise scale_days is > 0 (a scale, a rate, or a cumulative proportion by a
 * time, whose unit defaults to the schedule's), shape is 1 except for weibull,
 * outcome_dependent names a variable (checked against the model by the trial module)
 * and has a finite gamma. After TTProtocolParseArmDropout every arm's `dropout` is its
 * own (own_dropout 1) or a copy of the protocol's; `extra_dropout` is model none when
 * the arm has none. Keys that do not apply to the chosen model are errors, never
 * silently ignored. `missed_visits: {probability: p}` (intermittent missed visits, the
 * twin staying in the study): 0 <= p < 1 (0 without the key).
 */
#include <math.h>
#include <string.h>
#include "protocol/protocolimpl.h"

typedef struct {
  const char *key;
  double      days;    /* length of the unit */
  PetscBool   is_rate; /* rate per unit, else scale in units */
} DropoutKey;

static const DropoutKey dropout_keys[] = {
    {"scale_days", 1.0, PETSC_FALSE},
    {"scale_weeks", 7.0, PETSC_FALSE},
    {"scale_months", TT_DAYS_PER_MONTH, PETSC_FALSE},
    {"scale_years", TT_DAYS_PER_YEAR, PETSC_FALSE},
    {"rate_per_day", 1.0, PETSC_TRUE},
    {"rate_per_week", 7.0, PETSC_TRUE},
    {"rate_per_month", TT_DAYS_PER_MONTH, PETSC_TRUE},
    {"rate_per_year", TT_DAYS_PER_YEAR, PETSC_TRUE},
};
#define NDROPOUT_KEYS ((int) (sizeof dropout_keys / sizeof dropout_keys[0]))

/* Exactly one scale (weibull) or one scale/rate (exponential, outcome_dependent) key of
 * the hazard at `key` (e.g. "dropout", "arms[2].extra_dropout"): its value in days. */
static PetscErrorCode DropoutScale(TTYaml y, TTYamlNode map, const char *key, PetscBool rates_ok, double *scale_days)
{
  const char *expect = rates_ok
                           ? "one of rate_per_day, rate_per_week, rate_per_month, rate_per_year (or scale_days, ..., "
                             "or proportion with by)"
                           : "one of scale_days, scale_weeks, scale_months, scale_years (or proportion with by)";
  const char *found  = NULL;
  PetscFunctionBeginUser;
  for (int i = 0; i < NDROPOUT_KEYS; i++) {
    TTYamlNode n = TTYamlFind(y, map, dropout_keys[i].key), k = TTYamlFindKey(y, map, dropout_keys[i].key);
    char       path[128];
    double     v;
    if (!n) continue;
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, dropout_keys[i].key));
    if (dropout_keys[i].is_rate && !rates_ok)
      PetscCall(TTYamlError(y, k, path, "expected %s for model weibull", expect));
    if (found) PetscCall(TTYamlError(y, k, path, "expected exactly %s; %s is given too", expect, found));
    PetscCall(TTYamlGetReal(y, n, path, &v));
    if (!(v > 0)) PetscCall(TTYamlError(y, n, path, "expected a real number > 0, found %g", v));
    *scale_days = dropout_keys[i].is_rate ? 1.0 / (v / dropout_keys[i].days) : v * dropout_keys[i].days;
    found       = dropout_keys[i].key;
  }
  if (!found) PetscCall(TTYamlError(y, map, key, "expected exactly %s", expect));
  PetscFunctionReturn(0);
}

/* Dropout stated as a cumulative proportion by a time: {proportion: p, by: t, unit: u}
 * (unit defaults to the schedule's, unit_days). S(t) = 1 - p gives the scale:
 * exponential (and the baseline hazard of outcome_dependent) 1/rate = t / -ln(1 - p);
 * Weibull lambda = t / (-ln(1 - p))^(1/shape). For an extra_dropout, p is the share
 * withdrawn for that cause alone (its net probability, other causes absent). Returns
 * whether the form is used. */
static PetscErrorCode DropoutProportion(TTYaml y, TTYamlNode map, const char *key, double unit_days, TTDropoutSpec *d,
                                        PetscBool *used)
{
  TTYamlNode n = TTYamlFind(y, map, "proportion"), nb = TTYamlFind(y, map, "by"), nu = TTYamlFind(y, map, "unit");
  double     prop, by, unit                                                          = unit_days;
  char       path[128];
  int        u;
  PetscFunctionBeginUser;
  *used = n ? PETSC_TRUE : PETSC_FALSE;
  if (!n) {
    const char *which = nb ? "by" : nu ? "unit" : NULL;
    if (which) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, which));
      PetscCall(TTYamlError(y, TTYamlFindKey(y, map, which), path,
                            "expected %s only with proportion (dropout: {proportion: 0.2, by: 52, unit: week})",
                            which));
    }
    PetscFunctionReturn(0);
  }
  for (int i = 0; i < NDROPOUT_KEYS; i++)
    if (TTYamlFind(y, map, dropout_keys[i].key)) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, dropout_keys[i].key));
      PetscCall(TTYamlError(y, TTYamlFindKey(y, map, dropout_keys[i].key), path,
                            "expected either proportion (with by) or %s; both are given", dropout_keys[i].key));
    }
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "proportion"));
  PetscCall(TTYamlGetReal(y, n, path, &prop));
  if (!(prop > 0 && prop < 1))
    PetscCall(
        TTYamlError(y, n, path, "expected the share that has dropped out by the time `by`, in (0, 1), found %g", prop));
  PetscCall(TTYamlRequire(y, map, key, "by", "the time by which `proportion` has dropped out", &nb));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "by"));
  PetscCall(TTYamlGetReal(y, nb, path, &by));
  if (!(by > 0) || !PetscIsNormalReal(by)) PetscCall(TTYamlError(y, nb, path, "expected a time > 0, found %g", by));
  if (nu) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "unit"));
    PetscCall(TTYamlGetChoice(y, nu, path, TT_NTIME_UNIT, TTTimeUnitNames, &u));
    unit = TTTimeUnitDays[u];
  }
  d->scale_days = by * unit / pow(-log1p(-prop), 1.0 / d->shape);
  PetscFunctionReturn(0);
}

/* variable and log_hazard_per_unit of outcome-dependent (MNAR) dropout. */
static PetscErrorCode DropoutOutcome(TTYaml y, TTYamlNode map, const char *key, TTDropoutSpec *d)
{
  TTYamlNode n;
  char       path[128];
  PetscFunctionBeginUser;
  if (d->model != TT_DROPOUT_OUTCOME_DEPENDENT) {
    const char *which = TTYamlFindKey(y, map, "variable") ? "variable" : "log_hazard_per_unit";
    if (!(n = TTYamlFindKey(y, map, which))) PetscFunctionReturn(0);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, which));
    PetscCall(TTYamlError(y, n, path, "expected no %s with model %s (only with model outcome_dependent)", which,
                          TTDropoutModelNames[d->model]));
  }
  PetscCall(TTYamlRequire(y, map, key, "variable", "the model variable whose worsening drives dropout", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "variable"));
  PetscCall(TTYamlGetName(y, n, path, d->variable));
  d->variable_loc = TTYamlLoc(y, n);
  if ((n = TTYamlFind(y, map, "log_hazard_per_unit"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "log_hazard_per_unit"));
    PetscCall(TTYamlGetReal(y, n, path, &d->gamma));
  }
  PetscFunctionReturn(0);
}

/* Model none: no other key. */
static PetscErrorCode DropoutNone(TTYaml y, TTYamlNode map, const char *key)
{
  TTYamlNode k, v;
  char       path[128];
  PetscFunctionBeginUser;
  if (TTYamlLength(y, map) <= 1) PetscFunctionReturn(0);
  for (int i = 0; i < TTYamlLength(y, map); i++) {
    TTYamlPair(y, map, i, &k, &v);
    if (strcmp(TTYamlScalar(y, k), "model")) break;
  }
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
  PetscCall(TTYamlError(y, k, path, "expected no parameters with model none"));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseHazard(TTYaml y, TTYamlNode map, const char *key, double unit_days, int nextra,
                                     const char *const extra[], TTDropoutSpec *d)
{
  const char *keys[NDROPOUT_KEYS + 7 + 4] = {"model", "shape"};
  char        path[128];
  TTYamlNode  n;
  int         m;
  PetscBool   proportion;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(d, sizeof *d));
  for (int i = 0; i < NDROPOUT_KEYS; i++) keys[i + 2] = dropout_keys[i].key;
  keys[NDROPOUT_KEYS + 2] = "variable";
  keys[NDROPOUT_KEYS + 3] = "log_hazard_per_unit";
  keys[NDROPOUT_KEYS + 4] = "proportion";
  keys[NDROPOUT_KEYS + 5] = "by";
  keys[NDROPOUT_KEYS + 6] = "unit";
  for (int i = 0; i < nextra && i < 4; i++) keys[NDROPOUT_KEYS + 7 + i] = extra[i];
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping {model: ..., ...}"));
  PetscCall(TTYamlCheckKeys(y, map, key, NDROPOUT_KEYS + 7 + PetscMin(nextra, 4), keys));
  PetscCall(TTYamlRequire(y, map, key, "model", "none, weibull, exponential or outcome_dependent", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "model"));
  PetscCall(TTYamlGetChoice(y, n, path, 4, TTDropoutModelNames, &m));
  d->model = (TTDropoutModel) m;
  if (d->model == TT_DROPOUT_NONE) PetscCall(DropoutNone(y, map, key));
  if (d->model == TT_DROPOUT_NONE) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "shape"));
  if (d->model == TT_DROPOUT_WEIBULL) {
    PetscCall(TTYamlRequire(y, map, key, "shape", "a Weibull shape > 0", &n));
    PetscCall(TTYamlGetReal(y, n, path, &d->shape));
    if (!(d->shape > 0)) PetscCall(TTYamlError(y, n, path, "expected a real number > 0, found %g", d->shape));
  } else {
    if ((n = TTYamlFindKey(y, map, "shape")))
      PetscCall(
          TTYamlError(y, n, path, "expected no shape with model %s (its shape is 1)", TTDropoutModelNames[d->model]));
    d->shape = 1;
  }
  PetscCall(DropoutProportion(y, map, key, unit_days, d, &proportion));
  if (!proportion)
    PetscCall(DropoutScale(y, map, key, d->model != TT_DROPOUT_WEIBULL ? PETSC_TRUE : PETSC_FALSE, &d->scale_days));
  PetscCall(DropoutOutcome(y, map, key, d));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseDropout(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  PetscFunctionBeginUser;
  PetscCall(TTProtocolParseHazard(y, map, "dropout", p->unit_in_days, 0, NULL, &p->dropout));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseMissedVisits(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"probability"};
  TTYamlNode               n;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "missed_visits", "a mapping {probability: p}"));
  PetscCall(TTYamlCheckKeys(y, map, "missed_visits", 1, keys));
  PetscCall(TTYamlRequire(y, map, "missed_visits", "probability",
                          "the probability that a twin misses a scheduled post-baseline visit, e.g. 0.03", &n));
  PetscCall(TTYamlGetReal(y, n, "missed_visits.probability", &p->missed_probability));
  if (!(p->missed_probability >= 0 && p->missed_probability < 1))
    PetscCall(TTYamlError(y, n, "missed_visits.probability", "expected a probability in [0, 1), found %g",
                          p->missed_probability));
  p->missed_loc = TTYamlLoc(y, n);
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseArmDropout(TTYaml y, TTYamlNode arms, TTProtocol *p)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < p->narm; i++) {
    TTYamlNode item = TTYamlItem(y, arms, i), n;
    TTArmSpec *arm  = &p->arm[i];
    char       key[64], path[96];
    PetscCall(TTYamlKeyIndex(key, sizeof key, "arms", i));
    arm->dropout     = p->dropout;
    arm->own_dropout = 0;
    if ((n = TTYamlFind(y, item, "dropout"))) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, "dropout"));
      PetscCall(TTProtocolParseHazard(y, n, path, p->unit_in_days, 0, NULL, &arm->dropout));
      arm->own_dropout = 1;
      arm->dropout_loc = TTYamlLoc(y, n);
    }
    if ((n = TTYamlFind(y, item, "extra_dropout"))) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, "extra_dropout"));
      PetscCall(TTProtocolParseHazard(y, n, path, p->unit_in_days, 0, NULL, &arm->extra_dropout));
    }
  }
  PetscFunctionReturn(0);
}
