/* test_modellang.c — the model language end to end on one rank, each result checked
 * against an independent computation typed here:
 *   parse: the shipped example's tables, Omega and its Cholesky factor (closed form of a
 *     2 x 2 factor); nesting and size limits refused with a located user error;
 *   compile: operator precedence and every function of the grammar (the values C gives
 *     for the same formulas written by hand), an ODE model's initial, rhs and output;
 *   random effects: omega() is the declared Omega, draw_latent's sample covariance
 *     matches it; observe's draws have the residual's mean and sd, log_density is the
 *     normal density written out; condition is the MAP found by a golden-section search;
 *   loading: the same file gives the same model, a missing compiler one clear message.
 * Needs a C compiler (cc or TWINTRIAL_CC). TWINTRIAL_CACHE is set to a fresh directory. */
#define _XOPEN_SOURCE 700 /* setenv, mkdtemp */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <twintrial/modellang.h>
#include <twintrial/rng.h>
#include "modellang/mlimpl.h"
#include "tt_check.h"

static char dir[256];

static const char *Write(const char *name, const char *text)
{
  static char path[512];
  FILE       *fp;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  fp = fopen(path, "w");
  if (!fp) abort();
  fputs(text, fp);
  fclose(fp);
  return path;
}

/* The message of a failing parse (or "" when it parses). */
static const char *ParseError(const char *path)
{
  static char    msg[2048];
  TTModelLang    ml   = NULL;
  char          *text = NULL;
  PetscErrorCode ierr;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ierr = TTModelLangParse(path, &ml);
  PetscPopErrorHandler();
  msg[0] = 0;
  if (ierr) {
    PetscErrorMessage(ierr, NULL, &text);
    snprintf(msg, sizeof msg, "%d %s", (int) ierr, text ? text : "");
  }
  TTModelLangDestroy(&ml);
  return msg;
}

static void TestExample(void)
{
  TTModelLang ml;
  double      cov = 0.2 * sqrt(0.04 * 0.09);
  if (TTModelLangParse(TT_SOURCE_DIR "/protocols/models/indirect_response_fev1.yaml", &ml)) {
    TT_CHECK(0, "the shipped example parses");
    return;
  }
  TT_CHECK(ml->n[MS_PARAM] == 3 && ml->n[MS_EFFECT] == 1 && ml->n[MS_COV] == 2, "base, kout, ec50; emax; age, male");
  TT_CHECK(ml->n[MS_LATENT] == 2 && ml->n[MS_INDIV] == 2 && ml->n[MS_STATE] == 1 && ml->n[MS_OUTPUT] == 1 && ml->ode,
           "tables");
  TT_CHECK(!strcmp(ml->sym[MS_EFFECT][0].name, "emax") && ml->sym[MS_EFFECT][0].value == 0, "emax is the arm effect");
  TT_CHECK_CLOSE(ml->time_unit_days, 7.0, 0, "week");
  TT_CHECK_CLOSE(ml->omega[1], cov, 1e-17, "cov = r sqrt(v1 v2)");
  TT_CHECK_CLOSE(ml->chol[0], 0.2, 1e-16, "L11 = sqrt(0.04)");
  TT_CHECK_CLOSE(ml->chol[2], cov / 0.2, 1e-16, "L21 = cov / L11");
  TT_CHECK_CLOSE(ml->chol[3], sqrt(0.09 - (cov / 0.2) * (cov / 0.2)), 1e-16, "L22 = sqrt(v2 - L21^2)");
  TT_CHECK(ml->chol[1] == 0, "L is lower triangular");
  TTModelLangDestroy(&ml);
}

static void TestLimits(void)
{
  char *text = malloc(400000), *p;
  int   n;
  if (!text) abort();
  p = text + sprintf(text, "model:\n  name: deep\n  time_unit: day\n  outputs: |\n    y = ");
  for (n = 0; n < 300; n++) *p++ = '(';
  *p++ = '1';
  for (n = 0; n < 300; n++) *p++ = ')';
  strcpy(p, "\n");
  TT_CHECK(strstr(ParseError(Write("deep.yaml", text)),
                  "5:209: model.outputs: expected an expression nested at most 200 deep"),
           "300 parentheses refused at the 201st");
  p = text + sprintf(text, "model:\n  name: long\n  time_unit: day\n  outputs: |\n    y = 1");
  for (n = 0; n < 1500; n++) p += sprintf(p, " + 1");
  strcpy(p, "\n");
  TT_CHECK(strstr(ParseError(Write("long.yaml", text)),
                  "model.outputs: expected an expression of at most 1000 nested operations"),
           "a sum of 1501 terms refused");
  p = text + sprintf(text, "model:\n  name: fine\n  time_unit: day\n  outputs: |\n    y = 1");
  for (n = 0; n < 900; n++) p += sprintf(p, " + 1");
  strcpy(p, "\n");
  TT_CHECK(!ParseError(Write("fine.yaml", text))[0], "a sum of 901 terms parses");
  p = text + sprintf(text, "model:\n  name: tower\n  time_unit: day\n  outputs: |\n    y = 1");
  for (n = 0; n < 50000; n++) p += sprintf(p, "^-1");
  strcpy(p, "\n");
  TT_CHECK(
      strstr(ParseError(Write("tower.yaml", text)), "model.outputs: expected an expression nested at most 200 deep"),
      "a tower of 50000 powers refused");
  free(text);
}

static double expit_check(double x)
{
  return 1 / (1 + exp(-x));
}

/* Every operator and function against the same formulas in C. */
static const char Semantics[] =
    "model:\n  name: semantics\n  time_unit: day\n"
    "  parameters: {a: 2, b: 3}\n  covariates: [x]\n  effects: {e: 0.5}\n"
    "  random_effects: {variance: {eta: 0.1}}\n"
    "  individual: |\n    A = a * exp(eta)  # a comment\n    B = A + b; C = B / 2\n"
    "  outputs: |\n"
    "    y0 = -a^2\n    y1 = a^b^2\n    y2 = 1 - a - b\n    y3 = 8 / a / b\n    y4 = 1 / 2\n"
    "    y5 = if(t > 1 && !(t > 5), 1, 2)\n    y6 = min(3, b, a, 7) + max(1, x)\n"
    "    y7 = (a < b) + (b <= b) + (a == a) + (a != a) + (a > b) + (a >= b)\n"
    "    y8 = logit(expit(0.3)) + log10(1000) + sqrt(16) + abs(-2.5) + floor(2.7) + ceil(2.2)\n"
    "    y9 = sin(x) + cos(x) + tan(x) + tanh(x) + pow(x, 1.5) + log(x) + exp(x)\n"
    "    y10 = C * e + 2e-3 * t + .5 + a - -b\n    y11 = (t < 0 || t > 10) + y10\n"
    "  residual: {y10: {additive: 0.5, proportional: 0.1}, y11: {lognormal: 0.2}}\n";

static void TestSemantics(const TTModelType *m)
{
  double par[2] = {2, 3}, cov[1] = {0.7}, eta[1] = {0.05}, eff[1] = {0.25}, y[12], t = 3.5, x = 0.7;
  double A = 2 * exp(0.05), C = (A + 3) / 2;
  m->mean(par, cov, eta, eff, t, y);
  TT_CHECK(y[0] == -4, "-a^2 = -(a^2)");
  TT_CHECK(y[1] == pow(2, 9), "a^b^2 = a^(b^2)");
  TT_CHECK(y[2] == -4, "1 - a - b is left-associative");
  TT_CHECK(y[3] == 8.0 / 2 / 3, "8 / a / b is left-associative");
  TT_CHECK(y[4] == 0.5, "1 / 2 is real division");
  TT_CHECK(y[5] == 1, "if(t > 1 && !(t > 5), 1, 2) at t = 3.5");
  TT_CHECK(y[6] == 2 + 1, "min of four + max(1, x)");
  TT_CHECK(y[7] == 3, "comparisons give 1 or 0");
  TT_CHECK_CLOSE(y[8], log(expit_check(0.3) / (1 - expit_check(0.3))) + log10(1000) + 4 + 2.5 + 2 + 3, 1e-14,
                 "functions");
  TT_CHECK_CLOSE(y[9], sin(x) + cos(x) + tan(x) + tanh(x) + pow(x, 1.5) + log(x) + exp(x), 1e-14, "functions of x");
  TT_CHECK(y[10] == C * 0.25 + 2e-3 * t + 0.5 + 2 + 3, "individual variables in order, effects, numbers");
  TT_CHECK(y[11] == y[10], "an earlier output");
  m->mean(par, cov, eta, eff, 11, y);
  TT_CHECK(y[5] == 2 && y[11] == y[10] + 1, "at t = 11");
  TT_CHECK(m->nparam == 2 && m->neffect == 1 && m->nvar == 12 && m->nlatent == 1 && !strcmp(m->var[10].name, "y10"),
           "the tables");
}

/* The shipped ODE example: initial, rhs and output typed again. */
static void TestOde(const TTModelType *m)
{
  double par[3] = {2.1, 0.3, 5}, cov[2] = {70, 1}, eta[2] = {0.1, -0.2}, eff[1] = {0.1}, u0[1], f[1], y[1],
         u[1] = {2.5};
  double BASE = 2.1 * exp(0.1) * pow(70.0 / 60, -0.2), KOUT = 0.3 * exp(-0.2), t = 3;
  TT_CHECK(m->nstate == 1 && m->initial && m->rhs && m->output && !m->mean, "an ODE model");
  m->initial(par, cov, eta, eff, u0);
  TT_CHECK_CLOSE(u0[0], BASE, 1e-15, "R(0) = BASE");
  m->rhs(par, cov, eta, eff, t, u, f);
  TT_CHECK_CLOSE(f[0], KOUT * BASE * (1 + 0.1 * t / (5 + t)) - KOUT * 2.5, 1e-15, "d/dt(R)");
  m->output(par, cov, eta, eff, t, u, y);
  TT_CHECK(y[0] == 2.5, "fev1 = R");
  TT_CHECK(fabs(m->time_unit_days - 7) == 0 && !strcmp(m->latent[1], "eta_kout") && !strcmp(m->covariate[0], "age"),
           "names");
}

/* omega, draw_latent, observe and log_density of the example (Omega 2 x 2, fev1 with
 * sd = sqrt(0.02^2 + (0.05 m)^2)). */
static void TestRandom(const TTModelType *m)
{
  double    om[4], lo[2], hi[2], c = 0.2 * sqrt(0.04 * 0.09), s[3] = {0, 0, 0}, eta[2], mean = 2.0, yo, sy = 0, syy = 0;
  double    sd = sqrt(0.02 * 0.02 + 0.05 * 0.05 * 4), v;
  tt_pcg32  rng;
  const int n     = 40000;
  TTObservation o = {2.0, 2.1, NAN, NAN, 0};
  m->omega(NULL, NULL, om, lo, hi);
  TT_CHECK_CLOSE(om[0], 0.04, 1e-17, "omega 11");
  TT_CHECK_CLOSE(om[1], c, 1e-17, "omega 12");
  TT_CHECK_CLOSE(om[3], 0.09, 1e-16, "omega 22 (L L^T, to rounding)");
  TT_CHECK(isinf(lo[0]) && lo[0] < 0 && isinf(hi[1]), "no truncation");
  tt_rng_substream(&rng, 7, 1, 2, TT_STREAM_LATENT);
  for (int i = 0; i < n; i++) {
    m->draw_latent(NULL, &rng, eta);
    s[0] += eta[0] * eta[0], s[1] += eta[0] * eta[1], s[2] += eta[1] * eta[1];
  }
  /* sd of a sample variance ~ v sqrt(2/n); of a covariance ~ sqrt((v1 v2 + c^2)/n) */
  TT_CHECK_CLOSE(s[0] / n, 0.04, 4 * 0.04 * sqrt(2.0 / n), "var eta_base");
  TT_CHECK_CLOSE(s[1] / n, c, 4 * sqrt((0.04 * 0.09 + c * c) / n), "cov");
  TT_CHECK_CLOSE(s[2] / n, 0.09, 4 * 0.09 * sqrt(2.0 / n), "var eta_kout");
  for (int i = 0; i < n; i++) {
    m->observe(NULL, &mean, &rng, &yo);
    sy += yo, syy += yo * yo;
  }
  v = (syy - sy * sy / n) / (n - 1);
  TT_CHECK_CLOSE(sy / n, mean, 4 * sd / sqrt(n), "observe: mean");
  TT_CHECK_CLOSE(sqrt(v), sd, 4 * sd / sqrt(2.0 * n), "observe: sd = sqrt(a^2 + (b m)^2)");
  TT_CHECK_CLOSE(m->log_density(NULL, 0, &o), -0.5 * log(2 * 3.14159265358979323846 * sd * sd) - 0.01 / (2 * sd * sd),
                 1e-13, "normal log density");
  o.below = 1;
  TT_CHECK_CLOSE(exp(m->log_density(NULL, 0, &o)), 0.5 * erfc(-(0.1 / sd) / sqrt(2.0)), 1e-13,
                 "censored: Phi((v - m) / sd)");
  TT_CHECK(isnan(m->log_density(NULL, 1, &o)), "no variable 1");
}

/* The negative log posterior of eta_base given fev1 at baseline (eta_kout at its
 * conditional mean contributes nothing more), minimised by golden section. */
static double Posterior(double e, double B, double y)
{
  double mu = B * exp(e), sd = sqrt(0.02 * 0.02 + 0.05 * 0.05 * mu * mu);
  return e * e / (2 * 0.04) + log(sd) + (y - mu) * (y - mu) / (2 * sd * sd);
}

static void TestCondition(const TTModelType *m)
{
  double par[3] = {2.1, 0.3, 5}, cov[2] = {55, 0}, y0[1] = {2.6}, eta[2], B = 2.1 * pow(55.0 / 60, -0.2);
  double lo = -2, hi = 2, g = (sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200; i++) {
    double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (Posterior(a, B, y0[0]) < Posterior(b, B, y0[0]))
      hi = b;
    else
      lo = a;
  }
  m->condition(par, cov, y0, eta);
  TT_CHECK_CLOSE(eta[0], (lo + hi) / 2, 1e-5, "MAP of eta_base (golden section)");
  TT_CHECK_CLOSE(eta[1], (0.2 * sqrt(0.04 * 0.09) / 0.04) * eta[0], 1e-5,
                 "eta_kout at its conditional mean cov/var eta_base");
}

static void TestLoading(const TTModelType *m)
{
  const TTModelType *again = NULL;
  char              *text  = NULL;
  PetscErrorCode     ierr;
  TT_CHECK(!TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/protocols/models/indirect_response_fev1.yaml", &again) &&
               again == m,
           "loaded once");
  TT_CHECK(tt_model_find("indirect_response_fev1") == m && !tt_model_incomplete(m) && !tt_model_unpersonalisable(m),
           "registered, complete");
  TT_CHECK(TTModelLangSource(m) && strstr(TTModelLangSource(m), "d/dt(R)"), "the source is kept");
  setenv("TWINTRIAL_CC", "/nonexistent/cc", 1);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ierr = TTModelLangLoad(PETSC_COMM_SELF,
                         Write("semantics2.yaml", "model:\n  name: other\n  time_unit: day\n  outputs: 'y = t'\n"),
                         &again);
  PetscPopErrorHandler();
  PetscErrorMessage(ierr, NULL, &text);
  TT_CHECK(ierr == PETSC_ERR_USER && text && strstr(text, "C compiler '/nonexistent/cc' was not found") &&
               strstr(text, "TWINTRIAL_CC") && !strchr(text, '\n'),
           "a missing compiler: one message");
  setenv("TWINTRIAL_CC", "cc -DSYNTAX=error(", 1);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ierr = TTModelLangLoad(
      PETSC_COMM_SELF, Write("semantics3.yaml", "model:\n  name: other3\n  time_unit: day\n  outputs: 'y = SYNTAX'\n"),
      &again);
  PetscPopErrorHandler();
  PetscErrorMessage(ierr, NULL, &text);
  TT_CHECK(ierr == PETSC_ERR_USER && text && strstr(text, "unknown name 'SYNTAX'"),
           "names are resolved before any C is written");
  unsetenv("TWINTRIAL_CC");
}

int main(int argc, char **argv)
{
  const TTModelType *sem = NULL, *ode = NULL;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  snprintf(dir, sizeof dir, "%s/tt_modellang_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) abort();
  setenv("TWINTRIAL_CACHE", dir, 1);
  TestExample();
  TestLimits();
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, Write("semantics.yaml", Semantics), &sem));
  TestSemantics(sem);
  PetscCall(TTModelLangLoad(PETSC_COMM_SELF, TT_SOURCE_DIR "/protocols/models/indirect_response_fev1.yaml", &ode));
  TestOde(ode);
  TestRandom(ode);
  TestCondition(ode);
  TestLoading(ode);
  {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) printf("could not remove %s\n", dir);
  }
  PetscCall(PetscFinalize());
  printf("%s: %d failure(s)\n", argv[0], tt_failures);
  return tt_failures != 0;
}
