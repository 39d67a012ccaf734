/* test_model_registry.c — a model type that lacks a callback is refused, never called.
 *
 * 1. Every shipped model is complete (tt_model_incomplete returns NULL).
 * 2. Copies of a shipped model with one required member removed are each reported
 *    incomplete, naming that member.
 * 3. Through a protocol: copies registered at run time (tt_model_register) without
 *    condition() or, as an ODE model, without rhs(); each fixture named on the command
 *    line (tests/data/bad_inputs/model/) must fail in TTTrialCreate with the located
 *    message on its first line. Before the check, TTTrialSimulateTwin called the NULL
 *    condition() for the prognostic score: SIGSEGV. Likewise a closed-form model without
 *    mean_regimen: complete, but an arm that switches regimens is refused at its switch.
 * Usage: test_model_registry [FIXTURE.yaml...] (default: every .yaml of TT_MODEL_FIXTURES) */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <twintrial/model.h>
#include <twintrial/trial.h>
#include "fixture_expect.h"

extern const TTModelType tt_model_alzheimers_adas;

static void Initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) cov, (void) eta, (void) eff;
  u0[0] = 1.0;
}

static void Output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  (void) par, (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[0];
}

static int CheckShipped(void)
{
  const TTModelType *const *types;
  int                       n = tt_model_list(&types), fail = 0;
  for (int i = 0; i < n; i++)
    if (tt_model_incomplete(types[i])) {
      fprintf(stderr, "FAIL: shipped model %s is incomplete: %s\n", types[i]->name, tt_model_incomplete(types[i]));
      fail = 1;
    }
  printf("%s: %d shipped models complete\n", fail ? "FAIL" : "ok", n);
  return fail;
}

/* Domains: the boundaries of each kind, and every shipped model's defaults (parameters and
 * arm effects), the ends of its calibration intervals and its parameters together
 * (check_params) are valid: the trial module refuses a protocol value outside them. */
static int CheckDomains(void)
{
  const struct {
    TTDomain d;
    double   v;
    int      in;
  } cases[] = {
      {TT_DOMAIN_REAL, -1e300, 1},         {TT_DOMAIN_REAL, NAN, 0},          {TT_DOMAIN_POSITIVE, 0.0, 0},
      {TT_DOMAIN_POSITIVE, 1e-300, 1},     {TT_DOMAIN_POSITIVE, INFINITY, 0}, {TT_DOMAIN_NONNEGATIVE, 0.0, 1},
      {TT_DOMAIN_NONNEGATIVE, -1e-300, 0}, {TT_DOMAIN_ABOVE_MINUS1, -1.0, 0}, {TT_DOMAIN_ABOVE_MINUS1, -0.999, 1},
      {TT_DOMAIN_COUNT, 3.0, 1},           {TT_DOMAIN_COUNT, 2.5, 0},         {TT_DOMAIN_COUNT, -1.0, 0}};
  const TTModelType *const *types;
  int                       n = tt_model_list(&types), fail = 0, nc = (int) (sizeof cases / sizeof cases[0]);

  for (int i = 0; i < nc; i++)
    if (tt_domain_contains(cases[i].d, cases[i].v) != cases[i].in) {
      fprintf(stderr, "FAIL: domain '%s' %s %g\n", tt_domain_symbol(cases[i].d), cases[i].in ? "excludes" : "contains",
              cases[i].v);
      fail = 1;
    }
  for (int i = 0; i < n; i++) {
    const TTModelType *m   = types[i];
    double            *par = malloc((size_t) (m->nparam + 1) * sizeof *par);
    for (int k = 0; k < m->nparam + m->neffect; k++) {
      const TTParamInfo *info = k < m->nparam ? &m->param[k] : &m->effect[k - m->nparam];
      if (!tt_domain_contains(info->domain, info->value)) {
        fprintf(stderr, "FAIL: %s: default of %s (%g) outside its domain\n", m->name, info->name, info->value);
        fail = 1;
      }
      if (k >= m->nparam && m->effect_range) {
        const TTRangeInfo *r = &m->effect_range[k - m->nparam];
        if (r->lo < r->hi && !(tt_domain_contains(info->domain, r->lo) && tt_domain_contains(info->domain, r->hi))) {
          fprintf(stderr, "FAIL: %s: calibration interval of %s leaves its domain\n", m->name, info->name);
          fail = 1;
        }
      }
      if (k < m->nparam) par[k] = info->value;
    }
    if (m->check_params && m->check_params(par)) {
      fprintf(stderr, "FAIL: %s: defaults refused together: %s\n", m->name, m->check_params(par));
      fail = 1;
    }
    free(par);
  }
  printf("%s: domain boundaries, and %d shipped models' defaults in their domains\n", fail ? "FAIL" : "ok", n);
  return fail;
}

/* Each removal must be reported, naming what is missing. */
static int CheckRemovals(void)
{
  const TTModelType *base = &tt_model_alzheimers_adas;
  struct {
    const char *what;
    TTModelType m;
  } cases[] = {{"condition()", *base}, {"observe()", *base}, {"draw_latent()", *base}, {"mean()", *base},
               {"var", *base},         {"rhs()", *base},     {"events()", *base}};
  int fail = 0, n = (int) (sizeof cases / sizeof cases[0]);
  cases[0].m.condition   = NULL;
  cases[1].m.observe     = NULL;
  cases[2].m.draw_latent = NULL;
  cases[3].m.mean = NULL, cases[3].m.mean_times = NULL;
  cases[4].m.var    = NULL;
  cases[5].m.nstate = 1, cases[5].m.initial = Initial, cases[5].m.output = Output, cases[5].m.rhs = NULL;
  cases[6].m.nevent = 1;
  for (int i = 0; i < n; i++) {
    const char *why = tt_model_incomplete(&cases[i].m);
    if (!why || !strstr(why, cases[i].what)) {
      fprintf(stderr, "FAIL: without %s: %s\n", cases[i].what, why ? why : "reported complete");
      fail = 1;
    }
  }
  printf("%s: %d incomplete variants reported\n", fail ? "FAIL" : "ok", n);
  return fail;
}

/* The fixture through protocol and trial: one located user error. */
static PetscErrorCode CheckFixture(const char *path, int *fail)
{
  TTProtocol    *p     = NULL;
  TTTrial        trial = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(path, &p));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTTrialCreate(p, &trial);
  PetscCall(PetscPopErrorHandler());
  if (!ierr) {
    fprintf(stderr, "FAIL: %s: the incomplete model was accepted\n", path);
    *fail = 1;
    PetscCall(TTTrialDestroy(&trial));
  } else
    *fail |= tt_fixture_check(path, ierr);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  static TTModelType no_condition, ode_no_rhs, no_mean_regimen;
  int                fail;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fail                   = CheckShipped() | CheckDomains() | CheckRemovals();
  no_condition           = tt_model_alzheimers_adas;
  no_condition.name      = "incomplete_no_condition";
  no_condition.condition = NULL;
  ode_no_rhs             = tt_model_alzheimers_adas;
  ode_no_rhs.name        = "incomplete_ode_no_rhs";
  ode_no_rhs.nstate = 1, ode_no_rhs.initial = Initial, ode_no_rhs.output = Output, ode_no_rhs.rhs = NULL;
  no_mean_regimen              = tt_model_alzheimers_adas; /* complete, but cannot switch regimens */
  no_mean_regimen.name         = "closed_form_no_mean_regimen";
  no_mean_regimen.mean_regimen = NULL;
  if (tt_model_incomplete(&no_mean_regimen) || !tt_model_unswitchable(&no_mean_regimen) ||
      !strstr(tt_model_unswitchable(&no_mean_regimen), "mean_regimen()")) {
    fprintf(stderr, "FAIL: a closed-form model without mean_regimen is complete but cannot switch\n");
    fail = 1;
  }
  if (tt_model_register(&no_condition) || tt_model_register(&ode_no_rhs) || tt_model_register(&no_mean_regimen) ||
      !tt_model_register(&no_condition)) {
    fprintf(stderr, "FAIL: tt_model_register (a new name is added once, a taken name refused)\n");
    fail = 1;
  }
  if (argc > 1)
    for (int i = 1; i < argc; i++) PetscCall(CheckFixture(argv[i], &fail));
  else {
    DIR           *d = opendir(TT_MODEL_FIXTURES);
    struct dirent *e;
    int            n = 0;
    char           path[4096];
    while (d && (e = readdir(d))) {
      size_t len = strlen(e->d_name);
      if (len < 5 || strcmp(e->d_name + len - 5, ".yaml")) continue;
      snprintf(path, sizeof path, "%s/%s", TT_MODEL_FIXTURES, e->d_name);
      PetscCall(CheckFixture(path, &fail));
      n++;
    }
    if (d) closedir(d);
    if (n < 2) fail = 1, fprintf(stderr, "FAIL: expected the fixtures of %s\n", TT_MODEL_FIXTURES);
  }
  PetscCall(PetscFinalize());
  return fail;
}
