/* cohort_yaml.c — reading a cohort spec (YAML) into a TTCohort; io kept apart
 * from the algorithm in cohort.c.
 *
 *   cohort:
 *     name: ...                       required
 *     covariates: {NAME: {dist: ...}} required, ordered: the order is the index
 *     correlation: [[a, b, r], ...]   optional, latent (copula) correlations
 *     derived: {NAME: "expr"}         optional 0/1 covariates, in order
 *     include: "expr"   exclude: "expr"   optional criteria: on covariates and, when
 *                                     the cohort is read for a model, on its observed
 *                                     variables at the first visit (screening)
 * Distributions and their keys (plus `unit` everywhere):
 *   normal      mean, sd > 0, [min], [max], [round]   min/max truncate
 *   lognormal   meanlog, sdlog > 0, [min > 0], [max], [round]   (log-scale parameters)
 *   uniform     min < max, [round]
 *   bernoulli   p in [0, 1]                         values 0/1
 *   categorical levels (distinct numbers), p (>= 0, sum 1 within 1e-9)
 *   binomial    size >= 1, p in [0, 1]              values 0..size
 * Every user mistake is a located error; on success the invariants of
 * cohortimpl.h hold.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <twintrial/rng.h>
#include <twintrial/stats.h>
#include "cohort/cohortimpl.h"

static const char *const dist_names[] = {"normal", "lognormal", "uniform", "bernoulli", "categorical", "binomial"};

/* Allowed keys per distribution (NULL-terminated). */
static const char *const dist_keys[6][8] = {
    {"dist", "unit", "mean", "sd", "min", "max", "round", NULL},
    {"dist", "unit", "meanlog", "sdlog", "min", "max", "round", NULL},
    {"dist", "unit", "min", "max", "round", NULL},
    {"dist", "unit", "p", NULL},
    {"dist", "unit", "levels", "p", NULL},
    {"dist", "unit", "size", "p", NULL},
};

static PetscErrorCode GetKeyReal(TTYaml y, TTYamlNode map, const char *key, const char *name, PetscBool required,
                                 const char *what, double *v, TTYamlNode *node)
{
  TTYamlNode n;
  char       path[256];
  PetscFunctionBeginUser;
  if (required)
    PetscCall(TTYamlRequire(y, map, key, name, what, &n));
  else
    n = TTYamlFind(y, map, name);
  if (node) *node = n;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlGetReal(y, n, path, v));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetProbability(TTYaml y, TTYamlNode map, const char *key, double *p)
{
  TTYamlNode n = 0;
  char       path[256];
  PetscFunctionBeginUser;
  PetscCall(GetKeyReal(y, map, key, "p", PETSC_TRUE, "a probability in [0, 1]", p, &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "p"));
  if (!(*p >= 0 && *p <= 1)) PetscCall(TTYamlError(y, n, path, "expected a probability in [0, 1], found %g", *p));
  PetscFunctionReturn(0);
}

/* P(za <= Z <= zb) computed in the tail where it is accurate. */
static double TruncMass(double za, double zb)
{
  if (za >= 0) return tt_stats_pnorm(-za) - (isinf(zb) ? 0.0 : tt_stats_pnorm(-zb));
  return (isinf(zb) ? 1.0 : tt_stats_pnorm(zb)) - (isinf(za) ? 0.0 : tt_stats_pnorm(za));
}

/* min, max, round for normal / lognormal / uniform; sets lo, hi, za, zb. */
static PetscErrorCode ParseBounds(TTYaml y, TTYamlNode map, const char *key, TTCovariate *c)
{
  TTYamlNode nmin = 0, nmax = 0, nround = 0;
  char       path[256];
  PetscBool  uniform = c->dist == TT_DIST_UNIFORM ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionBeginUser;
  c->lo = -INFINITY;
  c->hi = INFINITY;
  PetscCall(GetKeyReal(y, map, key, "min", uniform, "a real number", &c->lo, &nmin));
  PetscCall(GetKeyReal(y, map, key, "max", uniform, "a real number", &c->hi, &nmax));
  if (nmax && !(c->hi > c->lo)) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "max"));
    PetscCall(TTYamlError(y, nmax, path, "expected max > min (%g), found %g", c->lo, c->hi));
  }
  if (c->dist == TT_DIST_LOGNORMAL && nmin && !(c->lo > 0)) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "min"));
    PetscCall(TTYamlError(y, nmin, path, "expected min > 0 for a lognormal, found %g", c->lo));
  }
  if (!uniform) {
    double lo    = c->dist == TT_DIST_LOGNORMAL ? log(c->lo) : c->lo,
           hi    = c->dist == TT_DIST_LOGNORMAL ? log(c->hi) : c->hi;
    c->za        = nmin ? (lo - c->mean) / c->sd : -INFINITY;
    c->zb        = nmax ? (hi - c->mean) / c->sd : INFINITY;
    c->truncated = (nmin || nmax) ? 1 : 0;
    if (!(TruncMass(c->za, c->zb) > 0)) {
      PetscCall(TTYamlKeyJoin(path, sizeof path, key, nmin ? "min" : "max"));
      PetscCall(TTYamlError(y, nmin ? nmin : nmax, path,
                            "expected bounds that keep some probability; [%g, %g] is too far in the tail", c->lo,
                            c->hi));
    }
  }
  PetscCall(GetKeyReal(y, map, key, "round", PETSC_FALSE, "", &c->step, &nround));
  if (nround) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "round"));
    if (!(c->step > 0)) PetscCall(TTYamlError(y, nround, path, "expected a rounding step > 0, found %g", c->step));
    if (nmin && nmax && ceil(c->lo / c->step) * c->step > c->hi)
      PetscCall(TTYamlError(y, nround, path, "expected a step with a multiple in [min, max] = [%g, %g], found %g",
                            c->lo, c->hi, c->step));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseLocationScale(TTYaml y, TTYamlNode map, const char *key, const char *m, const char *s,
                                         TTCovariate *c)
{
  TTYamlNode n = 0;
  char       path[256];
  PetscFunctionBeginUser;
  PetscCall(GetKeyReal(y, map, key, m, PETSC_TRUE, "a real number", &c->mean, NULL));
  PetscCall(GetKeyReal(y, map, key, s, PETSC_TRUE, "a real number > 0", &c->sd, &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, s));
  if (!(c->sd > 0)) PetscCall(TTYamlError(y, n, path, "expected a real number > 0, found %g", c->sd));
  PetscFunctionReturn(0);
}

static PetscErrorCode GetRealList(TTYaml y, TTYamlNode map, const char *key, const char *name, int *n, double **v,
                                  TTYamlNode *node)
{
  char path[256], item[256];
  PetscFunctionBeginUser;
  PetscCall(TTYamlRequire(y, map, key, name, "a sequence of numbers", node));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, name));
  PetscCall(TTYamlCheckSequence(y, *node, path, "a sequence of numbers"));
  *n = TTYamlLength(y, *node);
  if (*n < 1 || *n > TT_COHORT_MAX_LEVELS)
    PetscCall(TTYamlError(y, *node, path, "expected 1 to %d numbers, found %d", TT_COHORT_MAX_LEVELS, *n));
  PetscCall(PetscMalloc1(*n, v));
  for (int i = 0; i < *n; i++) {
    PetscCall(TTYamlKeyIndex(item, sizeof item, path, i));
    PetscCall(TTYamlGetReal(y, TTYamlItem(y, *node, i), item, &(*v)[i]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseCategorical(TTYaml y, TTYamlNode map, const char *key, TTCovariate *c)
{
  TTYamlNode nl, np;
  int        n;
  double     sum = 0;
  char       path[256];
  PetscFunctionBeginUser;
  PetscCall(GetRealList(y, map, key, "levels", &c->nlevel, &c->level, &nl));
  for (int i = 0; i < c->nlevel; i++)
    for (int j = 0; j < i; j++)
      if (c->level[i] == c->level[j]) {
        char item[256];
        PetscCall(TTYamlKeyJoin(path, sizeof path, key, "levels"));
        PetscCall(TTYamlKeyIndex(item, sizeof item, path, i));
        PetscCall(TTYamlError(y, TTYamlItem(y, nl, i), item, "expected distinct levels; %g is also levels[%d]",
                              c->level[i], j));
      }
  PetscCall(GetRealList(y, map, key, "p", &n, &c->prob, &np));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "p"));
  if (n != c->nlevel)
    PetscCall(TTYamlError(y, np, path, "expected one probability per level (%d), found %d", c->nlevel, n));
  PetscCall(PetscMalloc1(n, &c->cum));
  for (int i = 0; i < n; i++) {
    char item[256];
    PetscCall(TTYamlKeyIndex(item, sizeof item, path, i));
    if (!(c->prob[i] >= 0))
      PetscCall(TTYamlError(y, TTYamlItem(y, np, i), item, "expected a probability >= 0, found %g", c->prob[i]));
    sum += c->prob[i];
    c->cum[i] = sum;
  }
  if (fabs(sum - 1) > 1e-9)
    PetscCall(TTYamlError(y, np, path, "expected probabilities summing to 1, found a sum of %.12g", sum));
  c->cum[n - 1] = 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseBinomial(TTYaml y, TTYamlNode map, const char *key, TTCovariate *c)
{
  TTYamlNode n;
  long       size;
  char       path[256];
  double     sum = 0;
  PetscFunctionBeginUser;
  PetscCall(TTYamlRequire(y, map, key, "size", "an integer >= 1", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "size"));
  PetscCall(TTYamlGetInt(y, n, path, &size));
  if (size < 1 || size >= TT_COHORT_MAX_LEVELS)
    PetscCall(
        TTYamlError(y, n, path, "expected an integer between 1 and %d, found %ld", TT_COHORT_MAX_LEVELS - 1, size));
  PetscCall(GetProbability(y, map, key, &c->p));
  c->size   = (int) size;
  c->nlevel = c->size + 1;
  PetscCall(PetscMalloc1(c->nlevel, &c->cum));
  for (int k = 0; k <= c->size; k++) {
    double logpmf;
    if (c->p == 0 || c->p == 1)
      logpmf = (k == (c->p == 0 ? 0 : c->size)) ? 0 : -INFINITY;
    else
      logpmf = tt_stats_lgamma(size + 1.0) - tt_stats_lgamma(k + 1.0) - tt_stats_lgamma(size - k + 1.0) +
               k * log(c->p) + (size - k) * log1p(-c->p);
    sum += exp(logpmf);
    c->cum[k] = sum;
  }
  c->cum[c->size] = 1;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseDistribution(TTYaml y, TTYamlNode map, const char *key, TTCovariate *c)
{
  TTYamlNode n;
  int        d, nkey = 0;
  char       path[256];
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping {dist: ..., ...}"));
  PetscCall(TTYamlRequire(y, map, key, "dist", "normal, lognormal, uniform, bernoulli, categorical or binomial", &n));
  PetscCall(TTYamlKeyJoin(path, sizeof path, key, "dist"));
  PetscCall(TTYamlGetChoice(y, n, path, 6, dist_names, &d));
  c->dist = (TTDist) d;
  while (dist_keys[d][nkey]) nkey++;
  PetscCall(TTYamlCheckKeys(y, map, key, nkey, dist_keys[d]));
  if ((n = TTYamlFind(y, map, "unit"))) {
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, "unit"));
    PetscCall(TTYamlGetString(y, n, path, c->unit, sizeof c->unit));
  }
  switch (c->dist) {
  case TT_DIST_NORMAL:
    PetscCall(ParseLocationScale(y, map, key, "mean", "sd", c));
    PetscCall(ParseBounds(y, map, key, c));
    break;
  case TT_DIST_LOGNORMAL:
    PetscCall(ParseLocationScale(y, map, key, "meanlog", "sdlog", c));
    PetscCall(ParseBounds(y, map, key, c));
    break;
  case TT_DIST_UNIFORM:
    PetscCall(ParseBounds(y, map, key, c));
    break;
  case TT_DIST_BERNOULLI:
    PetscCall(GetProbability(y, map, key, &c->p));
    break;
  case TT_DIST_CATEGORICAL:
    PetscCall(ParseCategorical(y, map, key, c));
    break;
  case TT_DIST_BINOMIAL:
    PetscCall(ParseBinomial(y, map, key, c));
    break;
  case TT_DIST_DERIVED:
  case TT_DIST_EMPIRICAL:
    break;
  }
  PetscFunctionReturn(0);
}

/* A new covariate name at key node k: an identifier, not a keyword, not taken. */
static PetscErrorCode AddName(TTYaml y, TTYamlNode k, const char *path, TTCohort c)
{
  TTCovariate *cov = &c->cov[c->n];
  PetscFunctionBeginUser;
  if (c->n >= TT_COHORT_MAX_COVARIATES)
    PetscCall(TTYamlError(y, k, path, "expected at most %d covariates in all", TT_COHORT_MAX_COVARIATES));
  PetscCall(TTYamlGetName(y, k, path, cov->name));
  if (!strcmp(cov->name, "and") || !strcmp(cov->name, "or") || !strcmp(cov->name, "not"))
    PetscCall(TTYamlError(y, k, path, "expected a covariate name other than and, or, not"));
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->cov[i].name, cov->name))
      PetscCall(
          TTYamlError(y, k, path, "expected unique covariate names; '%s' is already a covariate", c->cov[i].name));
  cov->loc       = TTYamlLoc(y, k);
  c->names[c->n] = cov->name;
  c->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseCovariates(TTYaml y, TTYamlNode map, TTCohort c)
{
  const char *key = "cohort.covariates";
  int         len = TTYamlLength(y, map);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of name: {dist: ...}"));
  if (len < 1) PetscCall(TTYamlError(y, map, key, "expected at least 1 covariate"));
  for (int i = 0; i < len; i++) {
    TTYamlNode k, v;
    char       path[256];
    TTYamlPair(y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    PetscCall(AddName(y, k, path, c));
    PetscCall(ParseDistribution(y, v, path, &c->cov[c->n - 1]));
  }
  c->ndraw = c->n;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseCorrelationItem(TTYaml y, TTYamlNode item, const char *path, TTCohort c, TTCorrelation *r)
{
  int  idx[2];
  char name[TT_NAME_MAX], sub[256];
  PetscFunctionBeginUser;
  if (!TTYamlIsSequence(y, item) || TTYamlLength(y, item) != 3)
    PetscCall(TTYamlError(y, item, path, "expected [name, name, r]"));
  for (int k = 0; k < 2; k++) {
    TTYamlNode n = TTYamlItem(y, item, k);
    PetscCall(TTYamlKeyIndex(sub, sizeof sub, path, k));
    PetscCall(TTYamlGetName(y, n, sub, name));
    idx[k] = -1;
    for (int j = 0; j < c->ndraw; j++)
      if (!strcmp(c->cov[j].name, name)) idx[k] = j;
    if (idx[k] < 0)
      PetscCall(TTYamlError(y, n, sub, "expected the name of a covariate under cohort.covariates, found '%s'", name));
  }
  PetscCall(TTYamlKeyIndex(sub, sizeof sub, path, 1));
  if (idx[0] == idx[1]) PetscCall(TTYamlError(y, TTYamlItem(y, item, 1), sub, "expected two different covariates"));
  PetscCall(TTYamlKeyIndex(sub, sizeof sub, path, 2));
  PetscCall(TTYamlGetReal(y, TTYamlItem(y, item, 2), sub, &r->r));
  if (!(fabs(r->r) < 1))
    PetscCall(TTYamlError(y, TTYamlItem(y, item, 2), sub, "expected a correlation in (-1, 1), found %g", r->r));
  r->i = idx[0];
  r->j = idx[1];
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseCorrelation(TTYaml y, TTYamlNode seq, TTCohort c)
{
  const char *key = "cohort.correlation";
  int         len = TTYamlLength(y, seq), nd = c->ndraw, fail;
  double     *a;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckSequence(y, seq, key, "a sequence of [name, name, r]"));
  PetscCall(PetscCalloc1(len ? len : 1, &c->corr));
  PetscCall(PetscCalloc1(nd * nd, &c->L));
  for (int i = 0; i < len; i++) {
    char path[256];
    PetscCall(TTYamlKeyIndex(path, sizeof path, key, i));
    PetscCall(ParseCorrelationItem(y, TTYamlItem(y, seq, i), path, c, &c->corr[i]));
    for (int j = 0; j < i; j++) {
      const TTCorrelation *p = &c->corr[j], *q = &c->corr[i];
      if ((p->i == q->i && p->j == q->j) || (p->i == q->j && p->j == q->i))
        PetscCall(TTYamlError(y, TTYamlItem(y, seq, i), path, "expected each pair once; (%s, %s) is also %s[%d]",
                              c->cov[q->i].name, c->cov[q->j].name, key, j));
    }
    c->ncorr = i + 1;
  }
  c->correlated = len > 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscCalloc1(nd * nd, &a));
  for (int i = 0; i < nd; i++) a[i * nd + i] = 1;
  for (int k = 0; k < c->ncorr; k++)
    a[c->corr[k].i * nd + c->corr[k].j] = a[c->corr[k].j * nd + c->corr[k].i] = c->corr[k].r;
  fail = tt_rng_cholesky(nd, a, c->L);
  PetscCall(PetscFree(a));
  if (fail)
    PetscCall(TTYamlError(y, seq, key, "expected a positive definite correlation matrix; it is not (at covariate '%s')",
                          c->cov[fail - 1].name));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseDerived(TTYaml y, TTYamlNode map, TTCohort c)
{
  const char *key = "cohort.derived";
  int         len = TTYamlLength(y, map);
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, map, key, "a mapping of name: \"criteria expression\""));
  for (int i = 0; i < len; i++) {
    TTYamlNode   k, v;
    TTCovariate *cov;
    char         path[256];
    const char  *text;
    TTYamlPair(y, map, i, &k, &v);
    PetscCall(TTYamlKeyJoin(path, sizeof path, key, TTYamlScalar(y, k)));
    PetscCall(AddName(y, k, path, c));
    cov       = &c->cov[c->n - 1];
    cov->dist = TT_DIST_DERIVED;
    PetscCall(TTYamlGetCriteria(y, v, path, "apoe4 >= 1", &text));
    /* a derived covariate may use the drawn ones and the derived ones before it */
    PetscCall(TTExprParse(text, c->n - 1, c->names, y, v, path, &cov->expr));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseCriteria(TTYaml y, TTYamlNode map, const char *which, TTExpr *e, TTCohort c)
{
  TTYamlNode  n = TTYamlFind(y, map, which);
  char        path[64];
  const char *text;
  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(0);
  PetscCall(TTYamlKeyJoin(path, sizeof path, "cohort", which));
  PetscCall(TTYamlGetCriteria(y, n, path, "mmse >= 16", &text));
  PetscCall(TTExprParseMeasured(text, c->n, c->names, c->model, c->nmeas, c->meas, y, n, path, e));
  c->criteria_loc = TTYamlLoc(y, n);
  PetscCall(PetscStrncpy(c->criteria_key, path, sizeof c->criteria_key));
  PetscFunctionReturn(0);
}

/* resample: FILE.csv, relative to the cohort file's directory. */
static PetscErrorCode ParseResample(TTYaml y, TTYamlNode n, TTCohort c)
{
  char        joined[2 * TT_PATH_MAX];
  struct stat st;
  PetscFunctionBeginUser;
  PetscCall(TTYamlGetPath(y, n, "cohort.resample", joined, sizeof joined));
  if (stat(joined, &st) || !S_ISREG(st.st_mode))
    PetscCall(TTYamlError(y, n, "cohort.resample", "expected a readable CSV file; '%s' %s", joined,
                          stat(joined, &st) ? strerror(errno) : "is not a regular file"));
  if (strlen(joined) >= TT_PATH_MAX)
    PetscCall(TTYamlError(y, n, "cohort.resample", "expected a path shorter than %d characters", TT_PATH_MAX));
  PetscCall(TTCohortReadCSV(c, joined));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortParse(TTYaml y, TTCohort c)
{
  static const char *const top[]  = {"cohort"};
  static const char *const keys[] = {"name", "covariates", "correlation", "resample", "derived", "include", "exclude"};
  TTYamlNode               root   = TTYamlRoot(y), map, n;
  PetscFunctionBeginUser;
  PetscCall(TTYamlCheckMapping(y, root, "document", "a mapping with the key cohort"));
  PetscCall(TTYamlCheckKeys(y, root, "", 1, top));
  PetscCall(TTYamlRequire(y, root, "", "cohort", "a mapping {name, covariates, ...}", &map));
  PetscCall(TTYamlCheckMapping(y, map, "cohort", "a mapping {name, covariates, ...}"));
  PetscCall(TTYamlCheckKeys(y, map, "cohort", 7, keys));
  PetscCall(TTYamlRequire(y, map, "cohort", "name", "a string", &n));
  PetscCall(TTYamlGetString(y, n, "cohort.name", c->name, sizeof c->name));
  if (!TTYamlFind(y, map, "resample") || TTYamlFind(y, map, "covariates")) {
    PetscCall(
        TTYamlRequire(y, map, "cohort", "covariates", "a mapping of name: {dist: ...} (or resample: FILE.csv)", &n));
    PetscCall(ParseCovariates(y, n, c));
  }
  if ((n = TTYamlFind(y, map, "correlation"))) PetscCall(ParseCorrelation(y, n, c));
  if ((n = TTYamlFind(y, map, "resample"))) PetscCall(ParseResample(y, n, c));
  if ((n = TTYamlFind(y, map, "derived"))) PetscCall(ParseDerived(y, n, c));
  PetscCall(ParseCriteria(y, map, "exclude", &c->exclude, c));
  PetscCall(ParseCriteria(y, map, "include", &c->include, c));
  PetscFunctionReturn(0);
}
