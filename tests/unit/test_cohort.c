/* test_cohort.c — cohort specs and twin draws: determinism, marginal moments,
 * copula correlation, criteria, screen failures, expression precedence, tails,
 * View round trip, the support of each kind of covariate. Monte Carlo checks use
 * N = 20000 twins and a tolerance of 4 Monte Carlo standard errors; the expected
 * values are written beside them.
 * Bad specs are covered one fixture per CTest test by test_cohort_bad.c.
 * Usage: test_cohort [case]. */
#include <math.h>
#include <string.h>
#include <twintrial/cohort.h>
#include <twintrial/stats.h>
#include "cohort/cohortimpl.h"

#define DATA TT_TEST_DATA_DIR
#define N    20000
#define SEED 20261124u

static int nfail;

#define CHECK(cond)                                                                                                    \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      nfail++;                                                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                         \
    }                                                                                                                  \
  } while (0)

/* |got - want| within k standard errors, reported on failure. */
#define CHECK_NEAR(got, want, se)                                                                                      \
  do {                                                                                                                 \
    double g_ = (got), w_ = (want), s_ = (se);                                                                         \
    if (!(fabs(g_ - w_) <= 4 * s_)) {                                                                                  \
      nfail++;                                                                                                         \
      fprintf(stderr, "%s:%d: %s = %.6g, expected %.6g +- 4 x %.3g\n", __FILE__, __LINE__, #got, g_, w_, s_);          \
    }                                                                                                                  \
  } while (0)

static double Dnorm(double x)
{
  return exp(-0.5 * x * x) / sqrt(2 * PETSC_PI);
}

/* Draws N twins of replicate 0 into x[N * n] (n = covariates); total screen failures. */
static PetscErrorCode DrawMany(TTCohort c, double **x, PetscInt *n, PetscInt *failures)
{
  PetscFunctionBeginUser;
  PetscCall(TTCohortGetCovariates(c, n, NULL));
  PetscCall(PetscMalloc1(N * *n, x));
  if (failures) *failures = 0;
  for (PetscInt p = 0; p < N; p++) {
    PetscInt f;
    PetscCall(TTCohortDraw(c, SEED, 0, p, *x + p * *n, &f));
    if (failures) *failures += f;
  }
  PetscFunctionReturn(0);
}

static void Moments(const double *x, PetscInt n, PetscInt j, double *mean, double *sd)
{
  double s = 0, ss = 0;
  for (int p = 0; p < N; p++) s += x[p * n + j];
  s /= N;
  for (int p = 0; p < N; p++) ss += (x[p * n + j] - s) * (x[p * n + j] - s);
  *mean = s;
  *sd   = sqrt(ss / (N - 1));
}

/* ---- spec ---- */

static PetscErrorCode ad_cohort_covariates_and_levels(void)
{
  TTCohort           c;
  PetscInt           n, idx, lv;
  const char *const *names;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(TT_COHORTS_DIR "/ad_mild_moderate.yaml", &c));
  PetscCall(TTCohortGetCovariates(c, &n, &names));
  CHECK(n == 6); /* age, male, apoe4, mmse, on_ache; then derived apoe4_carrier */
  CHECK(!strcmp(names[0], "age") && !strcmp(names[2], "apoe4") && !strcmp(names[5], "apoe4_carrier"));
  PetscCall(TTCohortFindCovariate(c, "mmse", &idx));
  CHECK(idx == 3);
  PetscCall(TTCohortFindCovariate(c, "weight", &idx));
  CHECK(idx == -1);
  PetscCall(TTCohortGetLevels(c, 0, &lv));
  CHECK(lv == 0); /* age: continuous */
  PetscCall(TTCohortGetLevels(c, 1, &lv));
  CHECK(lv == 2); /* male: bernoulli */
  PetscCall(TTCohortGetLevels(c, 2, &lv));
  CHECK(lv == 3); /* apoe4: 3 levels */
  PetscCall(TTCohortGetLevels(c, 5, &lv));
  CHECK(lv == 2); /* derived */
  PetscCall(TTCohortLevelIndex(c, 2, 2.0, &lv));
  CHECK(lv == 2);
  PetscCall(TTCohortLevelIndex(c, 5, 1.0, &lv));
  CHECK(lv == 1);
  PetscCall(TTCohortDestroy(&c));
  CHECK(c == NULL);
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

static PetscErrorCode binomial_levels_are_counts(void)
{
  TTCohort c;
  PetscInt lv;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/moments.yaml", &c));
  PetscCall(TTCohortGetLevels(c, 6, &lv));
  CHECK(lv == 11); /* size 10: 0..10 */
  PetscCall(TTCohortLevelIndex(c, 6, 7.0, &lv));
  CHECK(lv == 7);
  PetscCall(TTCohortLevelIndex(c, 5, 10.0, &lv));
  CHECK(lv == 2); /* categorical levels [1, 5, 10] */
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* ---- determinism ---- */

static PetscErrorCode draws_depend_only_on_key(void)
{
  TTCohort c;
  double   a[8], b[8], other[8];
  PetscInt fa, fb;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(TT_COHORTS_DIR "/ad_mild_moderate.yaml", &c));
  PetscCall(TTCohortDraw(c, SEED, 3, 7, a, &fa));
  for (int p = 100; p > 0; p--) PetscCall(TTCohortDraw(c, SEED, 3, p, other, NULL)); /* other work, reverse order */
  PetscCall(TTCohortDraw(c, SEED, 3, 7, b, &fb));
  CHECK(!memcmp(a, b, 6 * sizeof(double)) && fa == fb);
  PetscCall(TTCohortDraw(c, SEED, 3, 8, other, NULL)); /* neighbouring keys differ */
  CHECK(memcmp(a, other, 6 * sizeof(double)));
  PetscCall(TTCohortDraw(c, SEED, 4, 7, other, NULL));
  CHECK(memcmp(a, other, 6 * sizeof(double)));
  PetscCall(TTCohortDraw(c, SEED + 1, 3, 7, other, NULL));
  CHECK(memcmp(a, other, 6 * sizeof(double)));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* ---- marginals, copula ---- */

static PetscErrorCode marginal_moments_match(void)
{
  TTCohort c;
  double  *x, m, s;
  PetscInt n, count[3] = {0, 0, 0};
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/moments.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, NULL));
  Moments(x, n, 0, &m, &s); /* normal(10, 2) */
  CHECK_NEAR(m, 10, 2 / sqrt(N));
  CHECK_NEAR(s, 2, 2 / sqrt(2.0 * N));
  { /* normal(0,1) on [-1, 2]: mean (phi(-1) - phi(2)) / (Phi(2) - Phi(-1)) = 0.22964 */
    double mass = tt_stats_pnorm(2) - tt_stats_pnorm(-1);
    Moments(x, n, 1, &m, &s);
    CHECK_NEAR(m, (Dnorm(-1) - Dnorm(2)) / mass, 1 / sqrt(N));
    for (int p = 0; p < N; p++) CHECK(x[p * n + 1] >= -1 && x[p * n + 1] <= 2);
  }
  Moments(x, n, 2, &m, &s); /* lognormal(1, 0.5): mean exp(1.125) = 3.0802, sd 1.6416 */
  CHECK_NEAR(m, exp(1.125), sqrt((exp(0.25) - 1) * exp(2.25)) / sqrt(N));
  Moments(x, n, 3, &m, &s); /* uniform(2, 5): mean 3.5, sd 3/sqrt(12) */
  CHECK_NEAR(m, 3.5, 3 / sqrt(12.0 * N));
  CHECK_NEAR(s, 3 / sqrt(12.0), 0.01);
  Moments(x, n, 4, &m, &s); /* bernoulli(0.3) */
  CHECK_NEAR(m, 0.3, sqrt(0.21 / N));
  for (int p = 0; p < N; p++) { /* categorical levels [1, 5, 10], p [0.2, 0.5, 0.3] */
    double v = x[p * n + 5];
    count[0] += v == 1;
    count[1] += v == 5;
    count[2] += v == 10;
  }
  CHECK(count[0] + count[1] + count[2] == N);
  CHECK_NEAR(count[0] / (double) N, 0.2, sqrt(0.16 / N));
  CHECK_NEAR(count[1] / (double) N, 0.5, sqrt(0.25 / N));
  Moments(x, n, 6, &m, &s); /* binomial(10, 0.35): mean 3.5, variance 2.275 */
  CHECK_NEAR(m, 3.5, sqrt(2.275 / N));
  CHECK_NEAR(s * s, 2.275, 2.275 * sqrt(2.0 / N));
  for (int p = 0; p < N; p++) CHECK(x[p * n + 6] == floor(x[p * n + 6]) && x[p * n + 6] >= 0 && x[p * n + 6] <= 10);
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* n1 ~ normal(10, 2) and un ~ uniform(2, 5) with latent correlation 0.6: the Pearson
 * correlation of their latent normals (x - 10)/2 and qnorm((x - 2)/3) is 0.6,
 * with standard error (1 - r^2)/sqrt(N). Uncorrelated pairs stay near 0. */
static PetscErrorCode copula_correlation_reproduced(void)
{
  TTCohort c;
  double  *x, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0, r, s0 = 0, s1 = 0, s01 = 0, s00 = 0, s11 = 0, r0;
  PetscInt n;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/moments.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, NULL));
  for (int p = 0; p < N; p++) {
    double a = (x[p * n + 0] - 10) / 2, b = tt_stats_qnorm((x[p * n + 3] - 2) / 3), z2 = log(x[p * n + 2]) - 1;
    sa += a, sb += b, sab += a * b, saa += a * a, sbb += b * b;
    s0 += a, s1 += z2, s01 += a * z2, s00 += a * a, s11 += z2 * z2;
  }
  r  = (sab - sa * sb / N) / sqrt((saa - sa * sa / N) * (sbb - sb * sb / N));
  r0 = (s01 - s0 * s1 / N) / sqrt((s00 - s0 * s0 / N) * (s11 - s1 * s1 / N));
  CHECK_NEAR(r, 0.6, (1 - 0.36) / sqrt(N));
  CHECK_NEAR(r0, 0.0, 1 / sqrt(N)); /* n1 and ln are not correlated */
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* ---- criteria ---- */

static PetscErrorCode inclusion_criteria_honoured(void)
{
  TTCohort c;
  double  *x, m, s;
  PetscInt n, failures;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(TT_COHORTS_DIR "/ad_mild_moderate.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, &failures));
  for (int p = 0; p < N; p++) {
    const double *t = x + p * n; /* age, male, apoe4, mmse, on_ache, apoe4_carrier */
    CHECK(t[3] >= 16 && t[3] <= 26 && t[3] == floor(t[3]) && t[0] >= 55 && t[0] <= 90);
    CHECK(t[5] == (t[2] >= 1 ? 1.0 : 0.0));
  }
  Moments(x, n, 5, &m, &s); /* 62% APOE4 carriers (Schneider & Sano 2009: 58-67%) */
  CHECK_NEAR(m, 0.62, sqrt(0.62 * 0.38 / N));
  CHECK(failures > 0); /* MMSE 21 +- 3 outside 16..26 is screened out */
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* x ~ N(0,1), include x > 0: each candidate fails with probability 1/2, so the failure
 * fraction among all candidates is 0.5 +- 4 sqrt(0.25 / candidates). */
static PetscErrorCode screen_failure_rate_matches(void)
{
  TTCohort c;
  double  *x, rate;
  PetscInt n, failures;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/screen_half.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, &failures));
  rate = failures / (double) (failures + N);
  CHECK_NEAR(rate, 0.5, sqrt(0.25 / (failures + N)));
  for (int p = 0; p < N; p++) CHECK(x[p] > 0);
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

static PetscErrorCode impossible_criteria_are_a_user_error(void)
{
  TTCohort       c;
  double         x[1];
  PetscErrorCode ierr;
  char          *msg = NULL;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/reject_all.yaml", &c));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTCohortDraw(c, SEED, 0, 0, x, NULL);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr == PETSC_ERR_USER);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(msg && strstr(msg, "reject_all.yaml:6:12: cohort.include: expected criteria that admit"));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* ---- expressions ---- */

static PetscErrorCode expression_precedence(void)
{
  TTCohort c;
  double  *x;
  PetscInt n, failures;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/precedence.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, &failures));
  for (int p = 0; p < N; p++) {
    const double *t = x + p * n;
    int           a = t[0] == 1, b = t[1] == 1, cc = t[2] == 1;
    CHECK(t[3] == (a || (b && cc))); /* a or b and c == a or (b and c) */
    CHECK(t[4] == ((a || b) && cc)); /* parentheses */
    CHECK(t[5] == (!a && b));        /* not binds tighter than and */
    CHECK(t[6] == (a && b && !cc));  /* not (b < 1 or c >= 1) */
    CHECK(t[7] == (a && !cc));       /* derived from derived */
    CHECK(a || b || cc);             /* exclude: all zero */
  }
  CHECK_NEAR(failures / (double) (failures + N), 0.125, sqrt(0.125 * 0.875 / (failures + N)));
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* Direct parser checks (no YAML): evaluation and located errors. */
static PetscErrorCode expression_parse_and_errors(void)
{
  const char *const names[] = {"age", "mmse"};
  const double      x[]     = {70, 20};
  TTExpr            e;
  PetscErrorCode    ierr;
  char             *msg = NULL;
  PetscFunctionBeginUser;
  PetscCall(TTExprParse("age>=55 and(mmse<=26)or not mmse==20", 2, names, NULL, 0, "t", &e));
  CHECK(TTExprEval(e, x));
  PetscCall(TTExprDestroy(&e));
  PetscCall(TTExprParse("age < -1e1 or mmse != 20.0", 2, names, NULL, 0, "t", &e));
  CHECK(!TTExprEval(e, x));
  PetscCall(TTExprDestroy(&e));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTExprParse("age >= 55 and mmsee < 3", 2, names, NULL, 0, "t", &e);
  CHECK(ierr == PETSC_ERR_USER && e == NULL);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(msg && !strncmp(msg, "expression:1:15: t: expected a covariate name (one of age, mmse), found 'mmsee'", 80));
  ierr = TTExprParse("(age >= 55", 2, names, NULL, 0, "t", &e);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(ierr == PETSC_ERR_USER && msg && !strncmp(msg, "expression:1:11: t: expected ')'", 31));
  ierr = TTExprParse("age >= inf", 2, names, NULL, 0, "t", &e);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(ierr == PETSC_ERR_USER && msg && !strncmp(msg, "expression:1:8: t: expected a number", 36));
  ierr = TTExprParse("", 2, names, NULL, 0, "t", &e);
  CHECK(ierr == PETSC_ERR_USER);
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

/* ---- tails, rounding ---- */

static PetscErrorCode truncated_normal_tails(void)
{
  TTCohort c;
  double  *x, m, s;
  PetscInt n;
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateFromFile(DATA "/cohorts/tails.yaml", &c));
  PetscCall(DrawMany(c, &x, &n, NULL));
  for (int p = 0; p < N; p++) {
    const double *t = x + p * n;
    CHECK(t[0] >= 5 && t[0] <= 6);
    CHECK(t[1] <= -8 && t[1] > -12);
    CHECK(t[2] >= 100);
    CHECK(t[3] >= 10.5 && t[3] <= 29.5 && t[3] * 2 == floor(t[3] * 2));
    CHECK(t[4] >= 0.5 && t[4] <= 4);
    CHECK(t[5] >= 0 && t[5] <= 1 && t[5] == round(t[5] * 10) / 10);
  }
  Moments(x, n, 0, &m, &s); /* Z | 5 <= Z <= 6: (phi(5) - phi(6)) / (Q(5) - Q(6)) = 5.1831 */
  CHECK_NEAR(m, (Dnorm(5) - Dnorm(6)) / (tt_stats_pnorm(-5) - tt_stats_pnorm(-6)), 0.2 / sqrt(N));
  Moments(x, n, 1, &m, &s); /* Z | Z <= -8: -phi(8)/Phi(-8) = -8.1211 */
  CHECK_NEAR(m, -Dnorm(8) / tt_stats_pnorm(-8), 0.2 / sqrt(N));
  Moments(x, n, 2, &m, &s); /* half-normal above the mean: 100 + 15 sqrt(2/pi) = 111.968 */
  CHECK_NEAR(m, 100 + 15 * sqrt(2 / PETSC_PI), 15 * 0.61 / sqrt(N));
  PetscCall(PetscFree(x));
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

/* ---- view ---- */

/* View → file → load gives the same twins, bit for bit. */
static PetscErrorCode view_roundtrip_same_draws(void)
{
  const char *const files[] = {TT_COHORTS_DIR "/ad_mild_moderate.yaml", DATA "/cohorts/moments.yaml",
                               DATA "/cohorts/precedence.yaml", DATA "/cohorts/tails.yaml"};
  PetscFunctionBeginUser;
  for (int f = 0; f < 4; f++) {
    TTCohort c, d;
    char     out[4096];
    FILE    *fp;
    PetscInt n, m;
    PetscCall(PetscSNPrintf(out, sizeof out, "%s/cohort_view_%d.yaml", TT_TEST_OUT_DIR, f));
    PetscCall(TTCohortCreateFromFile(files[f], &c));
    fp = fopen(out, "w");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", out);
    PetscCall(TTCohortView(c, fp, 0));
    fclose(fp);
    PetscCall(TTCohortCreateFromFile(out, &d));
    PetscCall(TTCohortGetCovariates(c, &n, NULL));
    PetscCall(TTCohortGetCovariates(d, &m, NULL));
    CHECK(n == m);
    for (int p = 0; p < 500 && n == m; p++) {
      double   a[TT_COHORT_MAX_COVARIATES], b[TT_COHORT_MAX_COVARIATES];
      PetscInt fa, fb;
      PetscCall(TTCohortDraw(c, SEED, 1, p, a, &fa));
      PetscCall(TTCohortDraw(d, SEED, 1, p, b, &fb));
      CHECK(!memcmp(a, b, n * sizeof(double)) && fa == fb);
    }
    PetscCall(TTCohortDestroy(&c));
    PetscCall(TTCohortDestroy(&d));
  }
  PetscFunctionReturn(0);
}

/* ---- support: the values a covariate can take ---- */

static PetscErrorCode WriteFile(const char *name, const char *text, char path[4096])
{
  FILE *fp;
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, 4096, "%s/%s", TT_TEST_OUT_DIR, name));
  fp = fopen(path, "wb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  fputs(text, fp);
  fclose(fp);
  PetscFunctionReturn(0);
}

/* The values a covariate of each kind can take, and their description. */
static PetscErrorCode cohort_support(void)
{
  static const char yaml[] = "cohort:\n  name: every kind\n  covariates:\n"
                             "    a: {dist: normal, mean: 0, sd: 1}\n"
                             "    b: {dist: normal, mean: 0, sd: 1, min: -1}\n"
                             "    c: {dist: lognormal, meanlog: 0, sdlog: 1}\n"
                             "    d: {dist: lognormal, meanlog: 0, sdlog: 1, min: 0.5, max: 4, round: 0.5}\n"
                             "    e: {dist: uniform, min: 2, max: 3}\n"
                             "    f: {dist: bernoulli, p: 0.3}\n"
                             "    g: {dist: categorical, levels: [5, -1, 2.5], p: [0.2, 0.3, 0.5]}\n"
                             "    h: {dist: binomial, size: 4, p: 0.5}\n"
                             "    k: {dist: normal, mean: 0, sd: 1, max: 3}\n"
                             "  resample: cohort_support.csv\n"
                             "  derived:\n    z: \"a > 0\"\n";
  static const struct {
    const char *name;
    double      lo, hi, in, out;
    const char *words;
  } want[] = {
      {"a", -INFINITY, INFINITY, -1e300, INFINITY, "a finite number"},
      {"b", -1, INFINITY, -1, -1.0000001, "a number >= -1"},
      {"c", 0, INFINITY, 1e-300, 0, "a number > 0"},
      {"d", 0.5, 4, 0.7, 4.1, "a number in [0.5, 4]"}, /* off the rounding grid: accepted */
      {"e", 2, 3, 3, 1.9, "a number in [2, 3]"},
      {"f", 0, 1, 1, 0.5, "0 or 1"},
      {"g", -1, 5, 2.5, 2, "one of 5, -1, 2.5"},
      {"h", 0, 4, 4, 3.5, "an integer in [0, 4]"},
      {"k", -INFINITY, 3, -50, 3.5, "a number <= 3"},
      {"n", 1, 4, 3, 3.5, "an integer in [1, 4]"}, /* resampled integers: between rows too */
      {"x", -0.5, 2.25, 2.25, 2.5, "a number in [-0.5, 2.25]"},
      {"z", 0, 1, 0, -1, "0 or 1"},
  };
  char      path[4096], words[256];
  TTCohort  c;
  PetscInt  k;
  PetscBool in, out;
  double    lo, hi;
  PetscFunctionBeginUser;
  PetscCall(WriteFile("cohort_support.csv", "n,x\n1,0.5\n4,2.25\n2,-0.5\n", path));
  PetscCall(WriteFile("cohort_support.yaml", yaml, path));
  PetscCall(TTCohortCreateFromFile(path, &c));
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    PetscCall(TTCohortFindCovariate(c, want[i].name, &k));
    CHECK(k >= 0);
    if (k < 0) continue;
    PetscCall(TTCohortGetSupport(c, k, &lo, &hi));
    PetscCall(TTCohortInSupport(c, k, want[i].in, &in));
    PetscCall(TTCohortInSupport(c, k, want[i].out, &out));
    PetscCall(TTCohortDescribeSupport(c, k, words, sizeof words));
    if (!(lo == want[i].lo && hi == want[i].hi && in && !out && !strcmp(words, want[i].words))) {
      nfail++;
      fprintf(stderr, "covariate %s: [%g, %g] %d %d '%s'\n", want[i].name, lo, hi, (int) in, (int) out, words);
    }
    PetscCall(TTCohortInSupport(c, k, NAN, &in));
    CHECK(!in);
  }
  PetscCall(TTCohortDestroy(&c));
  PetscFunctionReturn(0);
}

typedef struct {
  const char *name;
  PetscErrorCode (*run)(void);
} Case;

int main(int argc, char **argv)
{
  const Case cases[] = {
      {"ad_cohort_covariates_and_levels", ad_cohort_covariates_and_levels},
      {"binomial_levels_are_counts", binomial_levels_are_counts},
      {"draws_depend_only_on_key", draws_depend_only_on_key},
      {"marginal_moments_match", marginal_moments_match},
      {"copula_correlation_reproduced", copula_correlation_reproduced},
      {"inclusion_criteria_honoured", inclusion_criteria_honoured},
      {"screen_failure_rate_matches", screen_failure_rate_matches},
      {"impossible_criteria_are_a_user_error", impossible_criteria_are_a_user_error},
      {"expression_precedence", expression_precedence},
      {"expression_parse_and_errors", expression_parse_and_errors},
      {"truncated_normal_tails", truncated_normal_tails},
      {"view_roundtrip_same_draws", view_roundtrip_same_draws},
      {"cohort_support", cohort_support},
  };
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int before = nfail;
    if (argc > 1 && argv[1][0] != '-' && strcmp(argv[1], cases[i].name)) continue; /* [case] [PETSc options] */
    PetscCall(cases[i].run());
    printf("%s %s\n", nfail == before ? "ok  " : "FAIL", cases[i].name);
  }
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
