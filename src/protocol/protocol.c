/* protocol.c — TTProtocolLoad: a protocol YAML file into a TTProtocol.
 *
 * Owns the top level, the names of the protocol's enums and the sections trial,
 * cohort, model, arms, schedule, prognostic and output (trial.enrollment and
 * interim: protocol_design.c; dropout, the arms' own and extra dropout:
 * protocol_dropout.c; endpoints: protocol_endpoint.c; analyses:
 * protocol_analysis.c; calibrated arm effects and calibration:
 * protocol_calibrate.c; the choose criterion: protocol_choose.c; regimens and
 * the arms' regimen and switch keys: protocol_regimen.c; printing and overrides:
 * protocol_view.c).
 * Invariants of a loaded protocol: every count is within its TT_MAX_* array;
 * names (arms, endpoints, analyses) are unique identifiers; arm ratios are > 0
 * (integers for permuted blocks, whose block_size is a positive multiple of
 * their sum); visits are strictly increasing from >= 0; cohort_path is the
 * canonical absolute path of a readable regular file; durations (dropout
 * scales, enrollment) are in days. Checks that need the model or the cohort are left to the trial module;
 * the items they concern keep their source locations.
 */
#define _XOPEN_SOURCE 700 /* realpath, stat */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "protocol/protocolimpl.h"

const char *const TTEndpointTypeNames[TT_NENDPOINT_TYPE] = {"change_from_baseline",
                                                            "value_at_visit",
                                                            "percent_change",
                                                            "responder",
                                                            "best_response",
                                                            "time_to_event",
                                                            "progression_free",
                                                            "count",
                                                            "peak",
                                                            "time_of_peak",
                                                            "auc"};
const char *const TTMeasureNames[3]                      = {"value", "change", "percent_change"};
const char *const TTAnalysisMethodNames[TT_NMETHOD]      = {
         "ancova", "welch", "risk_difference", "odds_ratio", "cmh", "logrank", "cox", "negbin", "poisson", "mmrm", "mi"};
const char *const TTDropoutModelNames[4]         = {"none", "weibull", "exponential", "outcome_dependent"};
const char *const TTOnFailureNames[2]            = {"abort", "drop"};
const char *const TTSpendingNames[4]             = {"obrien_fleming", "pocock", "hsd", "none"};
const char *const TTTimeUnitNames[TT_NTIME_UNIT] = {"day", "week", "month", "year", "hour"};
const double      TTTimeUnitDays[TT_NTIME_UNIT]  = {1.0, 7.0, TT_DAYS_PER_MONTH, TT_DAYS_PER_YEAR, 1.0 / 24.0};

PetscErrorCode TTProtocolGetIntRange(TTYaml y, TTYamlNode n, const char *key, long lo, long hi, int *v)
{
  long x;
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetInt(y, n, key, &x));
  if (x < lo || x > hi) {
    if (hi == INT_MAX)
      PetscCall(TTYamlError(y, n, key, "expected an integer >= %ld, found %ld", lo, x));
    else
      PetscCall(TTYamlError(y, n, key, "expected an integer between %ld and %ld, found %ld", lo, hi, x));
  }
  *v = (int) x;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolGetNamedValues(TTYaml y, TTYamlNode map, const char *key, int max, int *n, TTNamedValue v[])
{
  int len = TTYamlLength(y, map);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of name: number"));
  for (int i = 0; i < len; i++) {
    TTYamlNode k, val;
    char       path[256];
    TTYamlPair(y, map, i, &k, &val);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    if (i >= max) PetscCall(TTYamlError(y, k, path, "expected at most %d entries in %s", max, key));
    PetscCall(TTYamlGetName(y, k, path, v[i].key));
    PetscCall(TTYamlGetReal(y, val, path, &v[i].value));
    v[i].loc = TTYamlLoc(y, k);
  }
  *n = len;
  PetscFunctionReturn(0);
}

int TTProtocolFindArm(const TTProtocol *p, const char *name)
{
  for (int i = 0; i < p->narm; i++)
    if (!strcmp(p->arm[i].name, name)) return i;
  return -1;
}

/* ---- arms ---- */

static PetscErrorCode ParseArm(TTYaml y, TTYamlNode item, const char *key, TTProtocol *p, int i)
{
  static const char *const keys[] = {"name",    "effect", "dose_mg", "dropout",         "extra_dropout",
                                     "regimen", "switch", "guided",  "discontinuation", "rescue"};
  TTArmSpec               *arm    = &p->arm[i];
  TTYamlNode               n;
  char                     path[256];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, item, key, "an arm {name: ..., effect: {...}}"));
  PetscCall(TTYamlCheckKeys(y, item, key, 10, keys));
  PetscCall(TTYamlRequire(y, item, key, "name", "the arm's name", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "name"));
  PetscCall(TTYamlGetName(y, n, path, arm->name));
  for (int j = 0; j < i; j++)
    if (!strcmp(p->arm[j].name, arm->name))
      PetscCall(TTYamlError(y, n, path, "expected unique arm names; '%s' is also arms[%d]", arm->name, j));
  arm->loc   = TTYamlLoc(y, item);
  arm->ratio = 1;
  if ((n = TTYamlFind(y, item, "effect"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "effect"));
    PetscCall(TTProtocolParseArmEffects(y, n, path, arm));
  }
  if ((n = TTYamlFind(y, item, "dose_mg"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "dose_mg"));
    PetscCall(TTYamlGetReal(y, n, path, &arm->dose_mg));
    if (arm->dose_mg < 0) PetscCall(TTYamlError(y, n, path, "expected a dose >= 0 mg"));
    arm->dose_loc = TTYamlLoc(y, n);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseArms(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  int len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, "arms", "a sequence of arms"));
  if (len < 2) PetscCall(TTYamlError(y, seq, "arms", "expected at least 2 arms, found %d", len));
  for (int i = 0; i < len; i++) {
    char path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, "arms", i));
    if (i >= TT_MAX_ARMS)
      PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected at most %d arms", TT_MAX_ARMS));
    PetscCall(ParseArm(y, TTYamlItem(y, seq, i), path, p, i));
    p->narm = i + 1;
  }
  PetscFunctionReturn(0);
}

/* ---- trial ---- */

static PetscErrorCode ArmList(const TTProtocol *p, char *buf, size_t len)
{
  PetscFunctionBeginUser;
  buf[0] = 0;
  for (int i = 0; i < p->narm; i++) {
    PetscCall(PetscStrlcat(buf, i ? ", " : "", len));
    PetscCall(PetscStrlcat(buf, p->arm[i].name, len));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseAllocation(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  const char *key = "trial.allocation";
  int         len = TTYamlLength(y, map);
  char        arms[512], path[256];
  PetscBool   seen[TT_MAX_ARMS] = {PETSC_FALSE};
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of arm name: ratio"));
  PetscCall(ArmList(p, arms, sizeof arms));
  for (int i = 0; i < len; i++) {
    TTYamlNode k, v;
    int        a;
    double     r;
    TTYamlPair(y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    a = TTProtocolFindArm(p, TTYamlScalar(y, k));
    if (a < 0)
      PetscCall(TTYamlError(y, k, path, "expected an arm name (one of %s), found '%s'", arms, TTYamlScalar(y, k)));
    PetscCall(TTYamlGetReal(y, v, path, &r));
    if (!(r > 0)) PetscCall(TTYamlError(y, v, path, "expected a ratio > 0, found %g", r));
    if (p->randomization == TT_RANDOMIZE_PERMUTED_BLOCK && (r != floor(r) || r > 1000))
      PetscCall(
          TTYamlError(y, v, path, "expected an integer ratio between 1 and 1000 for permuted blocks, found %g", r));
    p->arm[a].ratio = r;
    seen[a]         = PETSC_TRUE;
  }
  for (int a = 0; a < p->narm; a++)
    if (!seen[a]) PetscCall(TTYamlError(y, map, key, "expected a ratio for every arm; missing '%s'", p->arm[a].name));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseStrata(TTYaml y, TTYamlNode seq, TTProtocol *p)
{
  const char *key = "trial.randomization.strata";
  int         len = TTYamlLength(y, seq);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, key, "a sequence of covariate names"));
  for (int i = 0; i < len; i++) {
    TTYamlNode n = TTYamlItem(y, seq, i);
    char       path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    if (i >= TT_MAX_STRATA) PetscCall(TTYamlError(y, n, path, "expected at most %d strata", TT_MAX_STRATA));
    PetscCall(TTYamlGetName(y, n, path, p->strata[i]));
    for (int j = 0; j < i; j++)
      if (!strcmp(p->strata[i], p->strata[j]))
        PetscCall(TTYamlError(y, n, path, "expected each stratum once; '%s' is also strata[%d]", p->strata[i], j));
    p->strata_loc[i] = TTYamlLoc(y, n);
    p->nstrata       = i + 1;
  }
  PetscFunctionReturn(0);
}

/* Method first (allocation checks depend on it), block size last (it depends on the ratios). */
static PetscErrorCode ParseRandomization(TTYaml y, TTYamlNode map, TTYamlNode alloc, TTProtocol *p)
{
  static const char *const keys[] = {"method", "block_size", "strata"};
  static const char *const meth[] = {"permuted_block", "simple"};
  const char              *key    = "trial.randomization";
  TTYamlNode               n;
  int                      m = 0, sum = 0;
  PetscFunctionBeginUser;
  if (map) {
    PetscCall(TTYamlCheckMapping(y, map, key, "a mapping {method: ..., block_size: ..., strata: [...]}"));
    PetscCall(TTYamlCheckKeys(y, map, key, 3, keys));
    if ((n = TTYamlFind(y, map, "method"))) PetscCall(TTYamlGetChoice(y, n, "trial.randomization.method", 2, meth, &m));
  }
  p->randomization = (TTRandomization) m;
  if (alloc) PetscCall(ParseAllocation(y, alloc, p));
  if (p->randomization == TT_RANDOMIZE_SIMPLE) {
    if ((n = TTYamlFindKey(y, map, "block_size")))
      PetscCall(TTYamlError(y, n, "trial.randomization.block_size", "expected no block_size with method simple"));
    if ((n = TTYamlFindKey(y, map, "strata")))
      PetscCall(TTYamlError(y, n, "trial.randomization.strata",
                            "expected no strata with method simple (stratify with permuted_block)"));
    PetscFunctionReturn(0);
  }
  for (int a = 0; a < p->narm; a++) sum += (int) p->arm[a].ratio;
  p->block_size = 2 * sum;
  if ((n = TTYamlFind(y, map, "block_size"))) {
    PetscCall(TTProtocolGetIntRange(y, n, "trial.randomization.block_size", 1, INT_MAX, &p->block_size));
    if (p->block_size % sum)
      PetscCall(TTYamlError(y, n, "trial.randomization.block_size",
                            "expected a positive multiple of the sum of the allocation ratios (%d), found %d", sum,
                            p->block_size));
  }
  if ((n = TTYamlFind(y, map, "strata"))) PetscCall(ParseStrata(y, n, p));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseTrial(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"name",       "seed",          "replicates", "patients",
                                     "allocation", "randomization", "enrollment"};
  TTYamlNode               n;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "trial", "a mapping {name, seed, replicates, patients, ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "trial", 7, keys));
  PetscCall(TTYamlRequire(y, map, "trial", "name", "a string", &n));
  PetscCall(TTYamlGetString(y, n, "trial.name", p->name, sizeof p->name));
  PetscCall(TTYamlRequire(y, map, "trial", "seed", "an integer in 0..18446744073709551615", &n));
  PetscCall(TTYamlGetUInt64(y, n, "trial.seed", &p->seed));
  PetscCall(TTYamlRequire(y, map, "trial", "replicates", "an integer >= 1", &n));
  PetscCall(TTProtocolGetIntRange(y, n, "trial.replicates", 1, INT_MAX, &p->replicates));
  PetscCall(TTYamlRequire(y, map, "trial", "patients", "an integer >= 2", &n));
  PetscCall(TTProtocolGetIntRange(y, n, "trial.patients", 2, INT_MAX, &p->patients));
  PetscCall(ParseRandomization(y, TTYamlFind(y, map, "randomization"), TTYamlFind(y, map, "allocation"), p));
  if ((n = TTYamlFind(y, map, "enrollment"))) PetscCall(TTProtocolParseEnrollment(y, n, p));
  PetscFunctionReturn(0);
}

/* ---- cohort, model ---- */

static PetscErrorCode ParseCohortFile(TTYaml y, TTYamlNode n, const char *key, TTProtocol *p)
{
  char        joined[2 * TT_PATH_MAX], real[PATH_MAX];
  struct stat st;
  FILE       *fp;
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetPath(y, n, key, joined, sizeof joined));
  if (stat(joined, &st))
    PetscCall(TTYamlError(y, n, key, "expected a readable cohort file; '%s': %s", joined, strerror(errno)));
  if (!S_ISREG(st.st_mode))
    PetscCall(TTYamlError(y, n, key, "expected a readable cohort file; '%s' is not a regular file", joined));
  if (!(fp = fopen(joined, "r")))
    PetscCall(TTYamlError(y, n, key, "expected a readable cohort file; '%s': %s", joined, strerror(errno)));
  fclose(fp);
  if (!realpath(joined, real) || strlen(real) >= sizeof p->cohort_path)
    PetscCall(TTYamlError(y, n, key, "expected a cohort path shorter than %d characters", TT_PATH_MAX));
  PetscCall(PetscStrncpy(p->cohort_path, real, sizeof p->cohort_path));
  p->cohort_loc = TTYamlLoc(y, n);
  PetscFunctionReturn(0);
}

/* cohort.include / cohort.exclude: the text, checked by the trial against the cohort
 * and the model; where its first byte stands, for messages. */
static PetscErrorCode ParseCohortCriteria(TTYaml y, TTYamlNode map, const char *which, char *text, TTLoc *loc)
{
  TTYamlNode  n = TTYamlFind(y, map, which);
  char        key[32];
  const char *criteria;
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(key, sizeof key, "cohort", which));
  PetscCall(TTYamlGetCriteria(y, n, key, "hba1c >= 7", &criteria));
  if (strlen(criteria) >= TT_CRITERIA_MAX)
    PetscCall(TTYamlError(y, n, key, "expected at most %d characters (longer criteria belong in the cohort file)",
                          TT_CRITERIA_MAX - 1));
  PetscCall(PetscStrncpy(text, criteria, TT_CRITERIA_MAX));
  *loc = TTYamlLocInScalar(y, n, 0);
  PetscFunctionReturn(0);
}

/* cohort: PATH, or {file: PATH, include: "...", exclude: "..."}. */
static PetscErrorCode ParseCohort(TTYaml y, TTYamlNode n, TTProtocol *p)
{
  static const char *const keys[] = {"file", "include", "exclude"};
  TTYamlNode               f;
  PetscFunctionBeginUser;
  if (!TTYamlIsMapping(y, n)) {
    PetscCall(ParseCohortFile(y, n, "cohort", p));
    PetscFunctionReturn(0);
  }
  PetscCall(TTYamlCheckKeys(y, n, "cohort", 3, keys));
  PetscCall(TTYamlRequire(y, n, "cohort", "file", "the path of a cohort file", &f));
  PetscCall(ParseCohortFile(y, f, "cohort.file", p));
  PetscCall(ParseCohortCriteria(y, n, "include", p->cohort_include, &p->cohort_include_loc));
  PetscCall(ParseCohortCriteria(y, n, "exclude", p->cohort_exclude, &p->cohort_exclude_loc));
  PetscFunctionReturn(0);
}

/* model.file: the path, relative to the protocol's directory, of an existing file. */
static PetscErrorCode ParseModelFile(TTYaml y, TTYamlNode n, TTProtocol *p)
{
  char given[TT_PATH_MAX];
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetPath(y, n, "model.file", given, sizeof given));
  if (!realpath(given, p->model_file))
    PetscCall(TTYamlError(y, n, "model.file", "expected a model file (see README, Writing a model); cannot open %s: %s",
                          given, strerror(errno)));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseModel(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"name", "file", "parameters", "on_failure"};
  TTYamlNode               n, file;
  int                      f = 0;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "model", "a mapping {name: ..., parameters: {...}, on_failure: ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "model", 4, keys));
  n    = TTYamlFind(y, map, "name");
  file = TTYamlFind(y, map, "file");
  if (n && file)
    PetscCall(TTYamlError(y, TTYamlFindKey(y, map, "file"), "model.file", "expected either name or file, not both"));
  if (file) {
    PetscCall(ParseModelFile(y, file, p));
    p->model_loc = TTYamlLoc(y, file);
  } else {
    PetscCall(TTYamlRequire(y, map, "model", "name",
                            "a model name (see `twintrial models`) or a model file (file: PATH)", &n));
    PetscCall(TTYamlGetName(y, n, "model.name", p->model));
    p->model_loc = TTYamlLoc(y, n);
  }
  if ((n = TTYamlFind(y, map, "parameters")))
    PetscCall(TTProtocolGetNamedValues(y, n, "model.parameters", TT_MAX_PARAMS, &p->nparam, p->param));
  if ((n = TTYamlFind(y, map, "on_failure")))
    PetscCall(TTYamlGetChoice(y, n, "model.on_failure", 2, TTOnFailureNames, &f));
  p->on_failure = (TTOnFailure) f;
  PetscFunctionReturn(0);
}

/* ---- schedule ---- */

static PetscErrorCode ParseSchedule(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"unit", "visits"};
  TTYamlNode               n;
  int                      u, len;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "schedule", "a mapping {unit: ..., visits: [...]}"));
  PetscCall(TTYamlCheckKeys(y, map, "schedule", 2, keys));
  PetscCall(TTYamlRequire(y, map, "schedule", "unit", "hour, day, week, month or year", &n));
  PetscCall(TTYamlGetChoice(y, n, "schedule.unit", TT_NTIME_UNIT, TTTimeUnitNames, &u));
  PetscCall(PetscStrncpy(p->time_unit, TTTimeUnitNames[u], sizeof p->time_unit));
  p->unit_in_days = TTTimeUnitDays[u];
  PetscCall(TTYamlRequire(y, map, "schedule", "visits", "a sequence of visit times", &n));
  PetscCall(TTYamlCheckSequence(y, n, "schedule.visits", "a sequence of visit times"));
  len = TTYamlLength(y, n);
  if (len < 2)
    PetscCall(
        TTYamlError(y, n, "schedule.visits", "expected at least 2 visits (baseline and one more), found %d", len));
  for (int i = 0; i < len; i++) {
    TTYamlNode v = TTYamlItem(y, n, i);
    char       path[64];
    PetscCall(TTYamlKeyIndex(path, sizeof path, "schedule.visits", i));
    if (i >= TT_MAX_VISITS) PetscCall(TTYamlError(y, v, path, "expected at most %d visits", TT_MAX_VISITS));
    PetscCall(TTYamlGetReal(y, v, path, &p->visit[i]));
    if (i == 0 && p->visit[0] < 0)
      PetscCall(TTYamlError(y, v, path, "expected a first visit >= 0, found %g", p->visit[0]));
    if (i > 0 && !(p->visit[i] > p->visit[i - 1]))
      PetscCall(TTYamlError(y, v, path, "expected visits in strictly increasing order; %g does not follow %g",
                            p->visit[i], p->visit[i - 1]));
    p->nvisit = i + 1;
  }
  PetscFunctionReturn(0);
}

/* ---- prognostic, output ---- */

static PetscErrorCode ParsePrognostic(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[] = {"noise_sd"};
  TTYamlNode               n;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "prognostic", "a mapping {noise_sd: ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "prognostic", 1, keys));
  if ((n = TTYamlFind(y, map, "noise_sd"))) {
    PetscCall(TTYamlGetReal(y, n, "prognostic.noise_sd", &p->prognostic_noise_sd));
    if (p->prognostic_noise_sd < 0)
      PetscCall(
          TTYamlError(y, n, "prognostic.noise_sd", "expected a real number >= 0, found %g", p->prognostic_noise_sd));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseOutput(TTYaml y, TTYamlNode map, TTProtocol *p)
{
  static const char *const keys[]     = {"subjects"};
  static const char *const subjects[] = {"none", "first_replicate", "all"};
  TTYamlNode               n;
  int                      s = TT_OUTPUT_FIRST_REPLICATE;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, "output", "a mapping {subjects: ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "output", 1, keys));
  if ((n = TTYamlFind(y, map, "subjects"))) PetscCall(TTYamlGetChoice(y, n, "output.subjects", 3, subjects, &s));
  p->output_subjects = (TTOutputSubjects) s;
  PetscFunctionReturn(0);
}

/* ---- top level ---- */

static PetscErrorCode ParseRoot(TTYaml y, TTProtocol *p)
{
  enum {
    TRIAL,
    COHORT,
    MODEL,
    ARMS,
    SCHEDULE,
    DROPOUT,
    PROGNOSTIC,
    ENDPOINTS,
    ANALYSIS,
    OUTPUT,
    INTERIM,
    ER,
    VALIDATION,
    CALIBRATION,
    CHOOSE,
    REGIMENS,
    DISCONTINUATION,
    MISSED,
    RESCUE,
    NSECTION
  };
  static const char *const order[NSECTION] = {"trial",           "cohort",        "model",      "arms",
                                              "schedule",        "dropout",       "prognostic", "endpoints",
                                              "analysis",        "output",        "interim",    "exposure_response",
                                              "validation",      "calibration",   "choose",     "regimens",
                                              "discontinuation", "missed_visits", "rescue"};
  static const char *const what[NSECTION]  = {"a mapping {name, seed, replicates, patients, ...}",
                                              "the path of a cohort file",
                                              "a mapping {name: ..., parameters: {...}}",
                                              "a sequence of at least 2 arms",
                                              "a mapping {unit: ..., visits: [...]}",
                                              NULL,
                                              NULL,
                                              "a sequence of endpoints",
                                              "a sequence of analyses",
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL,
                                              NULL};
  TTYamlNode               root            = TTYamlRoot(y), sec[NSECTION];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, root, "document",
                               "a mapping with keys trial, cohort, model, arms, schedule, endpoints, analysis"));
  PetscCall(TTYamlCheckKeys(y, root, "", NSECTION, order));
  for (int i = 0; i < NSECTION; i++) {
    if (!what[i])
      sec[i] = TTYamlFind(y, root, order[i]); /* optional section */
    else
      PetscCall(TTYamlRequire(y, root, "", order[i], what[i], &sec[i]));
  }
  if (sec[REGIMENS]) PetscCall(TTProtocolParseRegimens(y, sec[REGIMENS], p));
  PetscCall(ParseArms(y, sec[ARMS], p));
  PetscCall(ParseTrial(y, sec[TRIAL], p));
  PetscCall(ParseCohort(y, sec[COHORT], p));
  PetscCall(ParseModel(y, sec[MODEL], p));
  PetscCall(ParseSchedule(y, sec[SCHEDULE], p));
  PetscCall(TTProtocolParseArmRegimens(y, sec[ARMS], p));
  PetscCall(TTProtocolParseArmGuided(y, sec[ARMS], p));
  if (sec[DROPOUT]) PetscCall(TTProtocolParseDropout(y, sec[DROPOUT], p));
  PetscCall(TTProtocolParseArmDropout(y, sec[ARMS], p));
  PetscCall(TTProtocolParseDiscontinuation(y, sec[DISCONTINUATION], sec[ARMS], p));
  PetscCall(TTProtocolParseRescue(y, sec[RESCUE], sec[ARMS], p));
  if (sec[MISSED]) PetscCall(TTProtocolParseMissedVisits(y, sec[MISSED], p));
  if (sec[PROGNOSTIC]) PetscCall(ParsePrognostic(y, sec[PROGNOSTIC], p));
  PetscCall(TTProtocolParseEndpoints(y, sec[ENDPOINTS], p));
  PetscCall(TTProtocolParseAnalyses(y, sec[ANALYSIS], p));
  PetscCall(TTProtocolParseCalibration(y, sec[ARMS], sec[CALIBRATION], p));
  p->spending      = TT_SPENDING_OBF; /* defaults of a design without interim looks (nlook = 0) */
  p->futility      = TT_SPENDING_NONE;
  p->futility_beta = 0.2;
  if (sec[INTERIM]) PetscCall(TTProtocolParseInterim(y, sec[INTERIM], p));
  PetscCall(TTProtocolParseExposureResponse(y, sec[ER], p));
  p->output_subjects = TT_OUTPUT_FIRST_REPLICATE;
  if (sec[OUTPUT]) PetscCall(ParseOutput(y, sec[OUTPUT], p));
  if (sec[VALIDATION]) PetscCall(TTProtocolParseValidation(y, sec[VALIDATION], p));
  if (sec[CHOOSE]) PetscCall(TTProtocolParseChoose(y, sec[CHOOSE], p));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolLoad(const char *path, TTProtocol **protocol)
{
  TTYaml         y = NULL;
  TTProtocol    *p = NULL;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  *protocol = NULL;
  PetscCall(TTYamlLoad(path, &y));
  ierr = PetscCalloc1(1, &p);
  if (!ierr) ierr = PetscStrncpy(p->path, path, sizeof p->path);
  if (!ierr) ierr = PetscStrallocpy(TTYamlText(y), &p->text);
  if (!ierr) ierr = ParseRoot(y, p);
  PetscCall(TTYamlDestroy(&y));
  if (ierr) PetscCall(TTProtocolDestroy(&p));
  PetscCall(ierr);
  *protocol = p;
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolDestroy(TTProtocol **protocol)
{
  PetscFunctionBeginUser;
  if (!protocol || !*protocol) PetscFunctionReturn(0);
  PetscCall(PetscFree((*protocol)->text));
  PetscCall(PetscFree(*protocol));
  PetscFunctionReturn(0);
}
