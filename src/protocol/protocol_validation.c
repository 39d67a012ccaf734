/* protocol_validation.c — the validation section: published figures a simulated trial
 * should reproduce, each with its uncertainty and source.
 *
 *   validation:
 *     - {name: placebo_arr, statistic: rate, endpoint: arr, arm: placebo, published: 0.40,
 *        ci: [0.34, 0.47], source: "Kappos et al. 2010 N Engl J Med 362:387, Table 2", fitted: true}
 *
 * statistic and the keys it needs (besides name, published, source and one of ci / se / n):
 *   mean (endpoint, arm)            continuous endpoint        proportion (endpoint, arm)  binary endpoint
 *   median (endpoint, arm, unit)    time-to-event endpoint     survival (endpoint, arm, time, unit)
 *   rate (endpoint, arm)            count endpoint             effect (analysis)
 *   baseline_mean (variable, [arm])                            completion (arm)
 *   sd (endpoint, arm)              continuous endpoint        baseline_sd (variable, [arm])
 * Uncertainty of the published figure: a 95% `ci` (on the log scale for medians, ratio
 * effects and standard deviations), or `se` on the comparison scale, or for a proportion
 * the arm's `n` (binomial SE), for a standard deviation the patients' `n` (normal theory:
 * SE of log SD 1/sqrt(2(n - 1))). `fitted: true` marks a figure the model was fitted to (default false).
 * Invariants once parsed: names are unique; every index refers to an existing endpoint,
 * analysis or arm of the right kind; se > 0 and finite; log-scale figures are > 0.
 * Model variable names are checked by the trial module.
 */
#include <math.h>
#include <string.h>
#include "protocolimpl.h"

const char *const TTFigureStatisticNames[TT_NFIGURE_STATISTIC] = {
    "mean", "baseline_mean", "proportion", "median", "survival", "rate", "effect", "completion", "sd", "baseline_sd"};

#define Z975 1.959963984540054

const char *TTFigureStatisticName(TTFigureStatistic s)
{
  return s >= 0 && s < TT_NFIGURE_STATISTIC ? TTFigureStatisticNames[s] : "unknown";
}

const char *TTTimeUnitName(double days)
{
  for (int u = 0; u < TT_NTIME_UNIT; u++)
    if (TTTimeUnitDays[u] == days) return TTTimeUnitNames[u];
  return "day";
}

static PetscBool IsRatio(TTAnalysisMethod m)
{
  return m == TT_ANALYSIS_ODDS_RATIO || m == TT_ANALYSIS_CMH || m == TT_ANALYSIS_LOGRANK || m == TT_ANALYSIS_COX ||
                 m == TT_ANALYSIS_NEGBIN || m == TT_ANALYSIS_POISSON
             ? PETSC_TRUE
             : PETSC_FALSE;
}

static PetscBool IsSD(TTFigureStatistic s)
{
  return s == TT_FIGURE_SD || s == TT_FIGURE_BASELINE_SD ? PETSC_TRUE : PETSC_FALSE;
}

static PetscBool IsBaseline(TTFigureStatistic s)
{
  return s == TT_FIGURE_BASELINE_MEAN || s == TT_FIGURE_BASELINE_SD ? PETSC_TRUE : PETSC_FALSE;
}

/* The endpoint named at `key`, which must be of `kind`. */
static PetscErrorCode GetEndpoint(TTYaml y, TTYamlNode map, const char *path, const TTProtocol *p, TTEndpointKind kind,
                                  const char *what, int *index)
{
  TTYamlNode n;
  char       name[TT_NAME_MAX], key[160];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "endpoint"));
  PetscCall(TTYamlRequire(y, map, path, "endpoint", what, &n));
  PetscCall(TTYamlGetName(y, n, key, name));
  *index = -1;
  for (int i = 0; i < p->nendpoint; i++)
    if (!strcmp(p->endpoint[i].name, name)) *index = i;
  if (*index < 0) PetscCall(TTYamlError(y, n, key, "expected the name of an endpoint (%s), found '%s'", what, name));
  if (TTEndpointKindOf(p->endpoint[*index].type) != kind)
    PetscCall(TTYamlError(y, n, key, "expected %s; '%s' is of type %s", what, name,
                          TTEndpointTypeNames[p->endpoint[*index].type]));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetArm(TTYaml y, TTYamlNode map, const char *path, const TTProtocol *p, PetscBool required,
                             int *arm)
{
  TTYamlNode n = TTYamlFind(y, map, "arm");
  char       name[TT_NAME_MAX], key[160];
  PetscFunctionBeginUser;
  *arm = -1;
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "arm"));
  if (!n && required) PetscCall(TTYamlRequire(y, map, path, "arm", "the name of an arm", &n));
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlGetName(y, n, key, name));
  *arm = TTProtocolFindArm(p, name);
  if (*arm < 0) PetscCall(TTYamlError(y, n, key, "expected the name of an arm, found '%s'", name));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetUnit(TTYaml y, TTYamlNode map, const char *path, double *days)
{
  TTYamlNode n;
  char       key[160];
  int        u;
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "unit"));
  PetscCall(
      TTYamlRequire(y, map, path, "unit", "the published figure's time unit: hour, day, week, month or year", &n));
  PetscCall(TTYamlGetChoice(y, n, key, TT_NTIME_UNIT, TTTimeUnitNames, &u));
  *days = TTTimeUnitDays[u];
  PetscFunctionReturn(0);
}

static PetscErrorCode GetPositive(TTYaml y, TTYamlNode map, const char *path, const char *name, const char *what,
                                  double *v)
{
  TTYamlNode n;
  char       key[160];
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, name));
  PetscCall(TTYamlRequire(y, map, path, name, what, &n));
  PetscCall(TTYamlGetReal(y, n, key, v));
  if (!(*v > 0)) PetscCall(TTYamlError(y, n, key, "expected %s (a number > 0)", what));
  PetscFunctionReturn(0);
}

/* What the statistic reads: endpoint, analysis, arm, variable, time. */
static PetscErrorCode ParseTarget(TTYaml y, TTYamlNode map, const char *path, const TTProtocol *p, TTFigureSpec *f)
{
  TTYamlNode n;
  char       key[160], name[TT_NAME_MAX];
  PetscFunctionBeginUser;
  f->endpoint = f->analysis = f->arm = -1;
  switch (f->statistic) {
  case TT_FIGURE_MEAN:
  case TT_FIGURE_SD:
    PetscCall(GetEndpoint(y, map, path, p, TT_KIND_CONTINUOUS, "a continuous endpoint", &f->endpoint));
    f->log_scale = f->statistic == TT_FIGURE_SD;
    break;
  case TT_FIGURE_PROPORTION:
    PetscCall(GetEndpoint(y, map, path, p, TT_KIND_BINARY, "a binary endpoint", &f->endpoint));
    break;
  case TT_FIGURE_MEDIAN:
  case TT_FIGURE_SURVIVAL:
    PetscCall(GetEndpoint(y, map, path, p, TT_KIND_TIME_TO_EVENT, "a time-to-event endpoint", &f->endpoint));
    PetscCall(GetUnit(y, map, path, &f->unit_days));
    f->log_scale = f->statistic == TT_FIGURE_MEDIAN;
    if (f->statistic == TT_FIGURE_SURVIVAL) {
      PetscCall(GetPositive(y, map, path, "time", "the time of the event-free probability, in `unit`", &f->time_days));
      f->time_days *= f->unit_days;
    }
    break;
  case TT_FIGURE_RATE:
    PetscCall(GetEndpoint(y, map, path, p, TT_KIND_COUNT, "a count endpoint", &f->endpoint));
    break;
  case TT_FIGURE_EFFECT:
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "analysis"));
    PetscCall(TTYamlRequire(y, map, path, "analysis", "the name of an analysis", &n));
    PetscCall(TTYamlGetName(y, n, key, name));
    for (int k = 0; k < p->nanalysis; k++)
      if (!strcmp(p->analysis[k].name, name)) f->analysis = k;
    if (f->analysis < 0) PetscCall(TTYamlError(y, n, key, "expected the name of an analysis, found '%s'", name));
    f->log_scale = IsRatio(p->analysis[f->analysis].method);
    break;
  case TT_FIGURE_BASELINE_MEAN:
  case TT_FIGURE_BASELINE_SD:
    f->log_scale = f->statistic == TT_FIGURE_BASELINE_SD;
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "variable"));
    PetscCall(TTYamlRequire(y, map, path, "variable", "an observed variable of the model", &n));
    PetscCall(TTYamlGetName(y, n, key, f->variable));
    f->variable_loc = TTYamlLoc(y, n);
    break;
  case TT_FIGURE_COMPLETION:
    break;
  }
  if (f->statistic != TT_FIGURE_EFFECT)
    PetscCall(GetArm(y, map, path, p, IsBaseline(f->statistic) ? PETSC_FALSE : PETSC_TRUE, &f->arm));
  PetscFunctionReturn(0);
}

/* published and its standard error on the comparison scale, from ci, se or n. */
static PetscErrorCode ParseUncertainty(TTYaml y, TTYamlNode map, const char *path, TTFigureSpec *f)
{
  TTYamlNode n, ci = TTYamlFind(y, map, "ci"), se = TTYamlFind(y, map, "se"), nn = TTYamlFind(y, map, "n");
  char       key[160];
  double     lo, hi;
  long       count;
  PetscFunctionBeginUser;
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "published"));
  PetscCall(TTYamlRequire(y, map, path, "published", "the published value", &n));
  PetscCall(TTYamlGetReal(y, n, key, &f->published));
  if (f->log_scale && !(f->published > 0))
    PetscCall(
        TTYamlError(y, n, key, "expected a %s > 0", IsSD(f->statistic) ? "standard deviation" : "ratio or a time"));
  if ((ci != 0) + (se != 0) + (nn != 0) != 1)
    PetscCall(TTYamlError(y, map, path,
                          "expected exactly one of ci: [lower, upper] (95%%), se or n (a proportion's denominator, "
                          "or the number of patients of a standard deviation): the published figure's uncertainty"));
  if (ci) {
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "ci"));
    if (!TTYamlIsSequence(y, ci) || TTYamlLength(y, ci) != 2)
      PetscCall(TTYamlError(y, ci, key, "expected [lower, upper], the published 95%% confidence interval"));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, ci, 0), key, &lo));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, ci, 1), key, &hi));
    if (!(lo < hi && lo <= f->published && f->published <= hi) || (f->log_scale && !(lo > 0)))
      PetscCall(TTYamlError(y, ci, key, "expected lower < upper around the published value%s",
                            f->log_scale ? ", both > 0 (compared on the log scale)" : ""));
    f->se = f->log_scale ? (log(hi) - log(lo)) / (2 * Z975) : (hi - lo) / (2 * Z975);
  } else if (se) {
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "se"));
    PetscCall(TTYamlGetReal(y, se, key, &f->se));
    if (!(f->se > 0)) PetscCall(TTYamlError(y, se, key, "expected a standard error > 0"));
  } else {
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "n"));
    if (f->statistic != TT_FIGURE_PROPORTION && f->statistic != TT_FIGURE_COMPLETION && !IsSD(f->statistic))
      PetscCall(TTYamlError(
          y, nn, key, "expected ci or se: n gives a standard error only for a proportion or a standard deviation"));
    PetscCall(TTYamlGetInt(y, nn, key, &count));
    if (IsSD(f->statistic)) { /* normal theory: var(log s) = 1 / (2 (n - 1)) */
      if (count < 2) PetscCall(TTYamlError(y, nn, key, "expected n >= 2 patients for a standard deviation"));
      f->se = 1.0 / sqrt(2.0 * (double) (count - 1));
      PetscFunctionReturn(0);
    }
    if (count < 1 || !(f->published > 0 && f->published < 1))
      PetscCall(TTYamlError(y, nn, key, "expected n >= 1 and a published proportion strictly between 0 and 1"));
    f->se = sqrt(f->published * (1 - f->published) / (double) count);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseFigure(TTYaml y, TTYamlNode map, const char *path, TTProtocol *p, TTFigureSpec *f)
{
  static const char *const keys[] = {"name", "statistic", "endpoint", "analysis", "arm", "variable", "time",
                                     "unit", "published", "ci",       "se",       "n",   "source",   "fitted"};
  TTYamlNode               n;
  char                     key[160];
  int                      s;
  PetscBool                fitted = PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, path, "a mapping {name, statistic, ..., published, ci, source}"));
  PetscCall(TTYamlCheckKeys(y, map, path, (int) (sizeof keys / sizeof *keys), keys));
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "name"));
  PetscCall(TTYamlRequire(y, map, path, "name", "a name for the figure", &n));
  PetscCall(TTYamlGetName(y, n, key, f->name));
  f->loc = TTYamlLoc(y, n);
  for (int i = 0; i < p->nfigure; i++)
    if (!strcmp(p->figure[i].name, f->name)) PetscCall(TTYamlError(y, n, key, "expected a unique name"));
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "statistic"));
  PetscCall(TTYamlRequire(y, map, path, "statistic", "what is computed", &n));
  PetscCall(TTYamlGetChoice(y, n, key, TT_NFIGURE_STATISTIC, TTFigureStatisticNames, &s));
  f->statistic = (TTFigureStatistic) s;
  PetscCall(ParseTarget(y, map, path, p, f));
  PetscCall(ParseUncertainty(y, map, path, f));
  PetscCall(TTYamlKeyJoin(key, sizeof key, path, "source"));
  PetscCall(TTYamlRequire(y, map, path, "source", "the publication (authors, year, journal, table)", &n));
  PetscCall(TTYamlGetString(y, n, key, f->source, sizeof f->source));
  if ((n = TTYamlFind(y, map, "fitted"))) {
    PetscCall(TTYamlKeyJoin(key, sizeof key, path, "fitted"));
    PetscCall(TTYamlGetBool(y, n, key, &fitted));
  }
  f->fitted = fitted ? 1 : 0;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolParseValidation(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  int  len;
  char path[64];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, "validation", "a sequence of published figures"));
  len = TTYamlLength(y, seq);
  if (len > TT_MAX_FIGURES)
    PetscCall(TTYamlError(y, TTYamlItem(y, seq, TT_MAX_FIGURES), "validation", "expected at most %d figures",
                          TT_MAX_FIGURES));
  for (int i = 0; i < len; i++) {
    PetscCall(TTYamlKeyIndex(path, sizeof path, "validation", i));
    PetscCall(ParseFigure(y, TTYamlItem(y, seq, i), path, p, &p->figure[i]));
    p->nfigure = i + 1;
  }
  PetscFunctionReturn(0);
}
