/* cohortimpl.h — private to the cohort module (cohort.c, cohort_yaml.c, cohort_csv.c,
 * cohort_support.c, expr.c).
 *
 * A cohort is an ordered list of covariates: first the `ndraw` drawn ones (each
 * with a marginal distribution, joined by a Gaussian copula whose Cholesky factor
 * is L), then the derived 0/1 ones (criteria expressions over earlier covariates).
 * Invariants once created: 1 <= ndraw <= n <= TT_COHORT_MAX_COVARIATES; names are
 * unique identifiers other than and/or/not; every parameter is valid for its
 * distribution (sd > 0, p in [0,1], categorical p sums to 1 with cum[nlevel-1]
 * == 1, truncation keeps positive probability, a rounding grid point lies in
 * [lo, hi]); L is the lower Cholesky factor of a positive definite matrix.
 */
#ifndef TWINTRIAL_COHORTIMPL_H
#define TWINTRIAL_COHORTIMPL_H

#include <twintrial/cohort.h>
#include <twintrial/protocol.h>
#include <twintrial/rng.h>

#define TT_COHORT_MAX_COVARIATES 64
#define TT_COHORT_MAX_LEVELS     1024   /* categorical levels; binomial size + 1 */
#define TT_COHORT_MAX_REJECTIONS 100000 /* consecutive screen failures before giving up */
#define TT_COHORT_MAX_MEASURES   32     /* observed variables criteria may name */

/* ---- criteria expressions (expr.c) ---- */
typedef enum { TT_EXPR_CMP, TT_EXPR_AND, TT_EXPR_OR, TT_EXPR_NOT } TTExprKind;
typedef enum { TT_OP_LT, TT_OP_LE, TT_OP_GT, TT_OP_GE, TT_OP_EQ, TT_OP_NE } TTExprOp;

typedef struct {
  TTExprKind kind;
  TTExprOp   op; /* TT_EXPR_CMP: x[var] op value */
  int        var;
  double     value;
  int        a, b; /* operand node indices (b unused for NOT) */
} TTExprNode;

typedef struct _p_TTExpr *TTExpr;
struct _p_TTExpr {
  char       *text;   /* as written */
  int         maxvar; /* largest name index it reads */
  int         n, cap, root;
  TTExprNode *node;
};

/* Parses `text` against names[nname] (the covariates it may use). Errors are located
 * inside scalar `node` of `y` and carry `key`; with y == NULL they read
 * "expression:1:COLUMN: key: ...". Grammar: or > and > not > (expr) | NAME OP NUMBER. */
PetscErrorCode TTExprParse(const char *text, int nname, const char *const names[], TTYaml y, TTYamlNode node,
                           const char *key, TTExpr *expr);
/* As TTExprParse, and names may also be the observed variables vars[nvar] of `model`
 * (index nname + k); a name that is both is an error. */
PetscErrorCode TTExprParseMeasured(const char *text, int nname, const char *const names[], const char *model, int nvar,
                                   const char *const vars[], TTYaml y, TTYamlNode node, const char *key, TTExpr *expr);
/* As TTExprParseMeasured for text that was read elsewhere: errors at file:loc, the
 * column of the text's first byte, plus the offset. */
PetscErrorCode TTExprParseAt(const char *text, int nname, const char *const names[], const char *model, int nvar,
                             const char *const vars[], const char *file, TTLoc loc, const char *key, TTExpr *expr);
PetscBool      TTExprEval(TTExpr expr, const double x[]);
PetscErrorCode TTExprDestroy(TTExpr *expr);

/* ---- covariates ---- */
typedef enum {
  TT_DIST_NORMAL,
  TT_DIST_LOGNORMAL,
  TT_DIST_UNIFORM,
  TT_DIST_BERNOULLI,
  TT_DIST_CATEGORICAL,
  TT_DIST_BINOMIAL,
  TT_DIST_DERIVED,
  TT_DIST_EMPIRICAL /* a column of the resampled CSV (cohort_csv.c) */
} TTDist;

typedef struct {
  char    name[TT_NAME_MAX];
  TTLoc   loc; /* of the name */
  TTDist  dist;
  double  mean, sd;  /* normal: mean, sd; lognormal: meanlog, sdlog */
  double  lo, hi;    /* natural-scale bounds (+-INFINITY when absent); uniform: min, max */
  double  za, zb;    /* truncation bounds of the standardized latent normal (normal, lognormal) */
  int     truncated; /* za > -inf or zb < inf */
  double  step;      /* rounding grid, 0 = none */
  double  p;         /* bernoulli, binomial */
  int     size;      /* binomial */
  int     nlevel;    /* categorical levels; binomial size + 1 */
  double *level;     /* categorical values [nlevel] */
  double *prob;      /* categorical probabilities as given [nlevel] */
  double *cum;       /* cumulative probabilities [nlevel], last == 1 (categorical, binomial) */
  char    unit[32];  /* "" when absent */
  TTExpr  expr;      /* derived */
} TTCovariate;

typedef struct {
  int    i, j; /* drawn covariate indices */
  double r;
} TTCorrelation;

struct _p_TTCohort {
  char           path[TT_PATH_MAX];
  char          *text; /* file bytes, for provenance */
  char           name[256];
  int            ndraw, nemp, n; /* drawn [0, ndraw), resampled [ndraw, ndraw + nemp), derived after */
  TTCovariate    cov[TT_COHORT_MAX_COVARIATES];
  const char    *names[TT_COHORT_MAX_COVARIATES];
  int            ncorr;
  TTCorrelation *corr;
  PetscBool      correlated; /* ncorr > 0: use L */
  double        *L;          /* ndraw * ndraw, row-major lower triangle */
  TTExpr         include, exclude;
  TTExpr         narrow_include, narrow_exclude; /* a protocol's own criteria (TTCohortRestrict) */
  /* screening on baseline measurements: the model's observed variables, x[n + k] */
  char        model[TT_NAME_MAX];
  int         nmeas;
  const char *meas[TT_COHORT_MAX_MEASURES];
  TTLoc       criteria_loc; /* where to point when the criteria reject everyone */
  char        criteria_key[32];
  /* resampled CSV (cohort_csv.c): data[nrow][nemp] */
  char     csv_path[TT_PATH_MAX];
  long     nrow;
  double  *data;
  uint64_t csv_hash;
};

/* cohort_csv.c: appends the columns of a CSV table as resampled covariates (after the
 * drawn ones; user errors name path:line:column); one row for a candidate from g. */
PetscErrorCode TTCohortReadCSV(TTCohort c, const char *path);
void           TTCohortResample(TTCohort c, tt_pcg32 *g, double x[]);
/* cohort_yaml.c: fills a zeroed cohort from its YAML file. */
PetscErrorCode TTCohortParse(TTYaml y, TTCohort c);
/* cohort.c: the inverse marginal CDF of a drawn covariate at latent standard normal z. */
double TTCohortMarginal(const TTCovariate *cov, double z);

#endif
