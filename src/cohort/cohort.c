/* cohort.c — draws baseline covariates for twins (lifecycle, draw, levels, view).
 *
 * Every draw for twin `subject` of `replicate` comes from the substream
 * (seed, replicate, subject, TT_STREAM_COHORT), so a cohort is identical on any
 * rank count and in any order of work. A candidate takes exactly one
 * tt_rng_normal per drawn covariate (z ~ N(0, I)), correlated as y = L z (the
 * Gaussian copula: correlations are those of the latent normals), then
 * x_j = F_j^{-1}(Phi(y_j)) — monotone increasing in y_j for every marginal, so a
 * positive latent correlation stays positive. With a resampled CSV, one uniform more
 * picks the candidate's row (cohort_csv.c). Derived 0/1 covariates follow, then
 * exclude / include. Invariant: a twin is returned only if it meets the criteria;
 * each rejected candidate counts as one screen failure and the next candidate
 * continues the same stream; TT_COHORT_MAX_REJECTIONS in a row is a user error.
 * Criteria that read baseline measurements (a model's observed variables) are left
 * to the caller, which simulates each candidate's baseline and asks
 * TTCohortAcceptsMeasurements; the candidate count spans both kinds of rejection.
 */
#include <math.h>
#include <string.h>
#include <strings.h>
#include <twintrial/rng.h>
#include <twintrial/stats.h>
#include "cohort/cohortimpl.h"

/* ---- lifecycle ---- */

/* A CSV table as the whole cohort: every column resampled, named after the file. */
static PetscErrorCode CreateFromCSV(const char *path, TTCohort *cohort)
{
  TTCohort       c    = NULL;
  const char    *base = strrchr(path, '/');
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  ierr = PetscStrncpy(c->path, path, sizeof c->path);
  if (!ierr) ierr = PetscSNPrintf(c->name, sizeof c->name, "%s", base ? base + 1 : path);
  if (!ierr) ierr = TTCohortReadCSV(c, path);
  if (!ierr) ierr = PetscSNPrintf(c->criteria_key, sizeof c->criteria_key, "cohort");
  if (ierr) PetscCall(TTCohortDestroy(&c));
  PetscCall(ierr);
  *cohort = c;
  PetscFunctionReturn(0);
}

static PetscBool IsCSV(const char *path)
{
  size_t n = strlen(path);
  return n > 4 && !strcasecmp(path + n - 4, ".csv") ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode TTCohortCreateFromFile(const char *path, TTCohort *cohort)
{
  PetscFunctionBeginUser;
  PetscCall(TTCohortCreateForModel(path, NULL, 0, NULL, cohort));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortCreateForModel(const char *path, const char *model, int nvar, const char *const vars[],
                                      TTCohort *cohort)
{
  TTYaml         y = NULL;
  TTCohort       c = NULL;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  *cohort = NULL;
  PetscCheck(nvar >= 0 && nvar <= TT_COHORT_MAX_MEASURES, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model %s has %d observed variables; criteria can name at most %d", model ? model : "", nvar,
             TT_COHORT_MAX_MEASURES);
  if (IsCSV(path)) {
    PetscCall(CreateFromCSV(path, cohort));
    PetscFunctionReturn(0);
  }
  PetscCall(TTYamlLoad(path, &y));
  ierr = PetscNew(&c);
  if (!ierr) ierr = PetscStrncpy(c->path, path, sizeof c->path);
  if (!ierr && model) ierr = PetscStrncpy(c->model, model, sizeof c->model);
  if (!ierr) {
    c->nmeas = nvar;
    for (int k = 0; k < nvar; k++) c->meas[k] = vars[k];
  }
  if (!ierr) ierr = PetscStrallocpy(TTYamlText(y), &c->text);
  if (!ierr) ierr = TTCohortParse(y, c);
  PetscCall(TTYamlDestroy(&y));
  if (ierr) PetscCall(TTCohortDestroy(&c));
  PetscCall(ierr);
  *cohort = c;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortDestroy(TTCohort *cohort)
{
  TTCohort c;
  PetscFunctionBeginUser;
  if (!cohort || !*cohort) PetscFunctionReturn(0);
  c = *cohort;
  for (int i = 0; i < TT_COHORT_MAX_COVARIATES; i++) {
    PetscCall(PetscFree(c->cov[i].level));
    PetscCall(PetscFree(c->cov[i].prob));
    PetscCall(PetscFree(c->cov[i].cum));
    PetscCall(TTExprDestroy(&c->cov[i].expr));
  }
  PetscCall(TTExprDestroy(&c->include));
  PetscCall(TTExprDestroy(&c->exclude));
  PetscCall(TTExprDestroy(&c->narrow_include));
  PetscCall(TTExprDestroy(&c->narrow_exclude));
  PetscCall(PetscFree(c->corr));
  PetscCall(PetscFree(c->L));
  PetscCall(PetscFree(c->data));
  PetscCall(PetscFree(c->text));
  PetscCall(PetscFree(*cohort));
  PetscFunctionReturn(0);
}

/* ---- queries ---- */

PetscErrorCode TTCohortGetCovariates(TTCohort c, PetscInt *n, const char *const **names)
{
  PetscFunctionBeginUser;
  if (n) *n = c->n;
  if (names) *names = c->names;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortFindCovariate(TTCohort c, const char *name, PetscInt *index)
{
  PetscFunctionBeginUser;
  *index = -1;
  for (int i = 0; i < c->n; i++)
    if (!strcmp(c->cov[i].name, name)) *index = i;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortGetLevels(TTCohort c, PetscInt index, PetscInt *nlevels)
{
  PetscFunctionBeginUser;
  PetscCheck(index >= 0 && index < c->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "covariate index %" PetscInt_FMT " not in [0, %d)", index, c->n);
  switch (c->cov[index].dist) {
  case TT_DIST_BERNOULLI:
  case TT_DIST_DERIVED:
    *nlevels = 2;
    break;
  case TT_DIST_CATEGORICAL:
  case TT_DIST_BINOMIAL:
  case TT_DIST_EMPIRICAL: /* 0 for a continuous column */
    *nlevels = c->cov[index].nlevel;
    break;
  default:
    *nlevels = 0;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortLevelIndex(TTCohort c, PetscInt index, double value, PetscInt *level)
{
  const TTCovariate *cov;
  PetscInt           n = 0;
  PetscFunctionBeginUser;
  PetscCall(TTCohortGetLevels(c, index, &n));
  cov    = &c->cov[index];
  *level = -1;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "covariate '%s' is continuous: it has no levels", cov->name);
  if (cov->dist == TT_DIST_CATEGORICAL || cov->dist == TT_DIST_EMPIRICAL) {
    for (int k = 0; k < cov->nlevel; k++)
      if (cov->level[k] == value) *level = k;
  } else if (value >= 0 && value < n && value == floor(value))
    *level = (PetscInt) value;
  if (*level < 0) {
    char v[32];
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s is not a level of covariate '%s'",
            TTYamlFormatReal(value, v), cov->name);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortGetSource(TTCohort c, const char **path, const char **text)
{
  PetscFunctionBeginUser;
  if (path) *path = c->path;
  if (text) *text = c->text;
  PetscFunctionReturn(0);
}

/* ---- drawing ---- */

static double Pnorm(double z)
{
  return isinf(z) ? (z > 0 ? 1.0 : 0.0) : tt_stats_pnorm(z);
}

/* Standard normal truncated to [a, b] at latent z: qnorm(Phi(a) + Phi(z)(Phi(b) - Phi(a))),
 * computed in the lower tail (reflected when a >= 0) so far tails keep their precision. */
static double TruncStd(double z, double a, double b)
{
  PetscBool flip = a >= 0 ? PETSC_TRUE : PETSC_FALSE;
  double    lo = flip ? -b : a, hi = flip ? -a : b, u = flip ? Pnorm(-z) : Pnorm(z);
  double    pa = Pnorm(lo), pb = Pnorm(hi), q = pa + u * (pb - pa), t;
  if (q <= 0)
    t = lo;
  else if (q >= 1)
    t = hi;
  else
    t = tt_stats_qnorm(q);
  t = t < lo ? lo : (t > hi ? hi : t);
  return flip ? -t : t;
}

/* To the grid step*k, staying inside [lo, hi] (a grid point exists there: checked on input).
 * Steps 1/k (0.1, 0.5) divide by k so that 2.3 comes out as the double nearest 2.3. */
static double RoundToGrid(double x, double step, double lo, double hi)
{
  double k = 1.0 / step, r;
  if (k >= 1 && fabs(k - round(k)) < 1e-9 * k)
    r = round(x * round(k)) / round(k);
  else
    r = round(x / step) * step;
  if (r < lo) r += step;
  if (r > hi) r -= step;
  return r;
}

/* First k with u < cum[k]; u == 1 falls to the last level with positive probability. */
static int Invert(int n, const double cum[], double u)
{
  for (int k = 0; k < n; k++)
    if (u < cum[k]) return k;
  for (int k = n - 1; k > 0; k--)
    if (cum[k] > cum[k - 1]) return k;
  return 0;
}

double TTCohortMarginal(const TTCovariate *c, double z)
{
  double x, s;
  switch (c->dist) {
  case TT_DIST_NORMAL:
  case TT_DIST_LOGNORMAL:
    s = c->truncated ? TruncStd(z, c->za, c->zb) : z;
    x = c->mean + c->sd * s;
    if (c->dist == TT_DIST_LOGNORMAL) x = exp(x);
    if (c->truncated) x = x < c->lo ? c->lo : (x > c->hi ? c->hi : x); /* round-off at the bounds */
    break;
  case TT_DIST_UNIFORM:
    x = c->lo + (c->hi - c->lo) * Pnorm(z);
    break;
  case TT_DIST_BERNOULLI:
    return Pnorm(-z) < c->p ? 1.0 : 0.0; /* u > 1 - p: high latent values give 1 */
  case TT_DIST_CATEGORICAL:
    return c->level[Invert(c->nlevel, c->cum, Pnorm(z))];
  case TT_DIST_BINOMIAL:
    return (double) Invert(c->nlevel, c->cum, Pnorm(z));
  default:
    return NAN;
  }
  return c->step > 0 ? RoundToGrid(x, c->step, c->lo, c->hi) : x;
}

static void Candidate(TTCohort c, tt_pcg32 *g, double x[])
{
  double z[TT_COHORT_MAX_COVARIATES], y[TT_COHORT_MAX_COVARIATES];
  int    nd = c->ndraw;
  for (int j = 0; j < nd; j++) z[j] = tt_rng_normal(g);
  for (int i = 0; i < nd; i++) {
    if (!c->correlated)
      y[i] = z[i];
    else {
      y[i] = 0;
      for (int j = 0; j <= i; j++) y[i] += c->L[i * nd + j] * z[j];
    }
  }
  for (int j = 0; j < nd; j++) x[j] = TTCohortMarginal(&c->cov[j], y[j]);
  if (c->nemp) TTCohortResample(c, g, x);
  for (int j = nd + c->nemp; j < c->n; j++) x[j] = TTExprEval(c->cov[j].expr, x) ? 1.0 : 0.0;
}

static PetscBool Measured(TTCohort c, TTExpr e)
{
  return e && e->maxvar >= c->n ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode TTCohortScreenStart(TTCohort c, uint64_t seed, PetscInt replicate, PetscInt subject, TTCohortScreen *s)
{
  PetscFunctionBeginUser;
  PetscCheck(replicate >= 0 && subject >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "replicate %" PetscInt_FMT " and subject %" PetscInt_FMT " must be >= 0", replicate, subject);
  (void) c;
  tt_rng_substream(&s->g, seed, (uint64_t) replicate, (uint64_t) subject, TT_STREAM_COHORT);
  s->replicate = replicate;
  s->subject   = subject;
  s->candidate = -1;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortRestrict(TTCohort c, const char *include, const char *exclude, const char *file,
                                TTLoc include_loc, TTLoc exclude_loc)
{
  PetscFunctionBeginUser;
  PetscCheck(!c->narrow_include && !c->narrow_exclude, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE,
             "the cohort is already restricted");
  if (exclude && exclude[0])
    PetscCall(TTExprParseAt(exclude, c->n, c->names, c->model, c->nmeas, c->meas, file, exclude_loc, "cohort.exclude",
                            &c->narrow_exclude));
  if (include && include[0])
    PetscCall(TTExprParseAt(include, c->n, c->names, c->model, c->nmeas, c->meas, file, include_loc, "cohort.include",
                            &c->narrow_include));
  PetscFunctionReturn(0);
}

/* Whether x passes the criteria of one kind: those on covariates alone (measured =
 * false) or those that read measurements (x then holds them after the covariates). */
static PetscBool Passes(TTCohort c, PetscBool measured, const double x[])
{
  TTExpr excl[2] = {c->exclude, c->narrow_exclude}, incl[2] = {c->include, c->narrow_include};
  for (int k = 0; k < 2; k++) {
    if (excl[k] && Measured(c, excl[k]) == measured && TTExprEval(excl[k], x)) return PETSC_FALSE;
    if (incl[k] && Measured(c, incl[k]) == measured && !TTExprEval(incl[k], x)) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

PetscErrorCode TTCohortScreenNext(TTCohort c, TTCohortScreen *s, double x[], PetscInt *rejected)
{
  PetscInt nfail;
  PetscFunctionBeginUser;
  for (nfail = 0;; nfail++) {
    s->candidate++;
    PetscCheck(s->candidate < TT_COHORT_MAX_REJECTIONS, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: %s: expected criteria that admit some of the cohort; %d candidates in a row were rejected "
               "(replicate %" PetscInt_FMT ", subject %" PetscInt_FMT ")",
               c->path, c->criteria_loc.line, c->criteria_loc.column, c->criteria_key, TT_COHORT_MAX_REJECTIONS,
               s->replicate, s->subject);
    Candidate(c, &s->g, x);
    if (Passes(c, PETSC_FALSE, x)) break;
  }
  if (rejected) *rejected = nfail;
  PetscFunctionReturn(0);
}

PetscBool TTCohortScreensMeasurements(TTCohort c)
{
  return Measured(c, c->include) || Measured(c, c->exclude) || Measured(c, c->narrow_include) ||
                 Measured(c, c->narrow_exclude)
             ? PETSC_TRUE
             : PETSC_FALSE;
}

PetscBool TTCohortAcceptsMeasurements(TTCohort c, const double x[], const double y0[])
{
  double xy[TT_COHORT_MAX_COVARIATES + TT_COHORT_MAX_MEASURES];
  memcpy(xy, x, sizeof(double) * (size_t) c->n);
  memcpy(xy + c->n, y0, sizeof(double) * (size_t) c->nmeas);
  return Passes(c, PETSC_TRUE, xy);
}

PetscErrorCode TTCohortDraw(TTCohort c, uint64_t seed, PetscInt replicate, PetscInt subject, double x[],
                            PetscInt *screen_failures)
{
  TTCohortScreen s;
  PetscFunctionBeginUser;
  PetscCheck(!TTCohortScreensMeasurements(c), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "%s: the criteria read baseline measurements of model %s: screen through the trial", c->path, c->model);
  PetscCall(TTCohortScreenStart(c, seed, replicate, subject, &s));
  PetscCall(TTCohortScreenNext(c, &s, x, screen_failures));
  PetscFunctionReturn(0);
}

/* ---- view ---- */

#define P(...) PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, __VA_ARGS__))

static PetscErrorCode ViewReals(FILE *out, int n, const double v[])
{
  char buf[32];
  PetscFunctionBeginUser;
  P("[");
  for (int i = 0; i < n; i++) P("%s%s", i ? ", " : "", TTYamlFormatReal(v[i], buf));
  P("]");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewCovariate(FILE *out, const TTCovariate *c)
{
  static const char *const dist[] = {"normal", "lognormal", "uniform", "bernoulli", "categorical", "binomial"};
  char                     a[32], b[32];
  PetscFunctionBeginUser;
  P("{dist: %s", dist[c->dist]);
  if (c->dist == TT_DIST_NORMAL) P(", mean: %s, sd: %s", TTYamlFormatReal(c->mean, a), TTYamlFormatReal(c->sd, b));
  if (c->dist == TT_DIST_LOGNORMAL)
    P(", meanlog: %s, sdlog: %s", TTYamlFormatReal(c->mean, a), TTYamlFormatReal(c->sd, b));
  if (c->dist <= TT_DIST_UNIFORM) {
    if (isfinite(c->lo)) P(", min: %s", TTYamlFormatReal(c->lo, a));
    if (isfinite(c->hi)) P(", max: %s", TTYamlFormatReal(c->hi, a));
    if (c->step > 0) P(", round: %s", TTYamlFormatReal(c->step, a));
  }
  if (c->dist == TT_DIST_BINOMIAL) P(", size: %d", c->size);
  if (c->dist == TT_DIST_BERNOULLI || c->dist == TT_DIST_BINOMIAL) P(", p: %s", TTYamlFormatReal(c->p, a));
  if (c->dist == TT_DIST_CATEGORICAL) {
    P(", levels: ");
    PetscCall(ViewReals(out, c->nlevel, c->level));
    P(", p: ");
    PetscCall(ViewReals(out, c->nlevel, c->prob));
  }
  if (c->unit[0]) {
    P(", unit: ");
    PetscCall(TTYamlWriteString(out, c->unit));
  }
  P("}\n");
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortView(TTCohort c, FILE *out, int indent)
{
  char buf[32];
  int  w = indent;
  PetscFunctionBeginUser;
  P("%*scohort:\n%*sname: ", w, "", w + 2, "");
  PetscCall(TTYamlWriteString(out, c->name));
  P("\n%*scovariates:%s\n", w + 2, "", c->ndraw ? "" : " {}");
  for (int i = 0; i < c->ndraw; i++) {
    P("%*s", w + 4, "");
    PetscCall(TTYamlWriteName(out, c->cov[i].name));
    P(": ");
    PetscCall(ViewCovariate(out, &c->cov[i]));
  }
  P("%*scorrelation:%s\n", w + 2, "", c->ncorr ? "" : " []");
  for (int k = 0; k < c->ncorr; k++) {
    P("%*s- [", w + 4, "");
    PetscCall(TTYamlWriteName(out, c->cov[c->corr[k].i].name));
    P(", ");
    PetscCall(TTYamlWriteName(out, c->cov[c->corr[k].j].name));
    P(", %s]\n", TTYamlFormatReal(c->corr[k].r, buf));
  }
  if (c->nemp) {
    P("%*sresample: ", w + 2, "");
    PetscCall(TTYamlWriteString(out, c->csv_path));
    P("   # %ld rows of", c->nrow);
    for (int k = 0; k < c->nemp; k++) P(" %s", c->cov[c->ndraw + k].name);
    P(" (FNV-1a %016llx)\n", (unsigned long long) c->csv_hash);
  }
  P("%*sderived:%s\n", w + 2, "", c->n > c->ndraw + c->nemp ? "" : " {}");
  for (int i = c->ndraw + c->nemp; i < c->n; i++) {
    P("%*s", w + 4, "");
    PetscCall(TTYamlWriteName(out, c->cov[i].name));
    P(": ");
    PetscCall(TTYamlWriteString(out, c->cov[i].expr->text));
    P("\n");
  }
  if (c->include) {
    P("%*sinclude: ", w + 2, "");
    PetscCall(TTYamlWriteString(out, c->include->text));
    P("\n");
  }
  if (c->exclude) {
    P("%*sexclude: ", w + 2, "");
    PetscCall(TTYamlWriteString(out, c->exclude->text));
    P("\n");
  }
  PetscFunctionReturn(0);
}
