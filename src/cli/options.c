/* options.c — twintrial's own single-dash options (-tt_*), read through PETSc's
 * options database, and the check that refuses a misspelt one before anything runs.
 *
 * Invariant: every -tt_ option in the database is one of tt_cli_options, or a PETSc
 * option under the ODE integrator's prefix -tt_sim_ that a TS configured like the
 * models' (src/sim: TSRK, nonlinear) reads in TSSetFromOptions — or a viewer option
 * (-tt_sim_..._view...), which PETSc reads only when it solves; likewise a Tao option
 * under the personalisation optimiser's prefix -tt_twin_ (src/twin: TAOBQNLS, TAOBNLS). Options for PETSc
 * itself (-ts_*, -log_view, -help, ...) are PETSc's business and not checked here.
 */
#define _POSIX_C_SOURCE 200809L
#include <petsctao.h>
#include <petscts.h>
#include <string.h>
#include "cli.h"

const TTCliOption tt_cli_options[] = {
    {"-tt_block", "N", "twins per block of work handed to a rank (default: about 128)"},
    {"-tt_window", "N", "replicates in flight at once (default: 2 x ranks + 2)"},
    {"-tt_stop_after", "N", "stop resumably after N replicates, as SIGTERM does (tests)"},
    {"-tt_sim_<TS option>", "...", "PETSc TS options for the ODE models, e.g. -tt_sim_ts_rtol 1e-8"},
    {"-tt_twin_<Tao option>", "...", "PETSc Tao options for personalise's MAP fits, e.g. -tt_twin_tao_gatol 1e-9"},
    {"-tt_twin_gradient", "fd|sensitivity",
     "personalise's gradients: central differences of the objective (closed-form models' default), or the ODE's "
     "forward sensitivities (ODE models' default)"},
    {"-tt_twin_method", "quasi_newton|gauss_newton",
     "personalise's steps with sensitivity gradients: bounded BFGS, or Newton steps on the Gauss-Newton Hessian (the "
     "default for models with normal observations on some scale)"},
    {"-tt_twin_laplace", "exact|gauss_newton",
     "the Hessian of the Laplace covariance: differences of the objective (personalise's default), or the Gauss-Newton "
     "one of a Gauss-Newton fit (guided arms' default)"},
    {"-tt_twin_stop_step_sd", "S",
     "guided arms' Gauss-Newton fits also stop when the next step moves every random effect by less than S "
     "posterior SDs (default 1e-3; 0: off) ..."},
    {"-tt_twin_stop_decrease", "D", "... and predicts a decrease of the objective below D (default 1e-6)"},
    {"-tt_guided_fit_rtol", "R",
     "relative tolerance of the guided arms' personalisation fits' integrations (default 1e-6)"},
    {"-tt_guided_forecast_rtol", "R",
     "relative tolerance of the guided arms' forecast integrations (default 1e-6; the twins' own courses keep the "
     "models' 1e-8)"},
};
const int tt_cli_noptions = (int) (sizeof(tt_cli_options) / sizeof(tt_cli_options[0]));

#define TT_SIM_PREFIX  "tt_sim_"
#define TT_TWIN_PREFIX "tt_twin_"

static PetscBool Known(const char *name)
{
  for (int i = 0; i < tt_cli_noptions; i++)
    if (!strcmp(name, tt_cli_options[i].name + 1)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* A TS set up from the options as the models' are: marks the -tt_sim_ options it reads. */
static PetscErrorCode ProbeSimOptions(void)
{
  TS ts;

  PetscFunctionBeginUser;
  PetscCall(TSCreate(PETSC_COMM_SELF, &ts));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSSetOptionsPrefix(ts, TT_SIM_PREFIX));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(TSDestroy(&ts));
  PetscFunctionReturn(0);
}

/* Taos set up as personalise's (src/twin/twin_fit.c, twin_gn.c: quasi-Newton and
 * Gauss-Newton): mark the -tt_twin_ options they read. */
static PetscErrorCode ProbeTwinOptions(void)
{
  const TaoType types[] = {TAOBQNLS, TAOBNLS};

  PetscFunctionBeginUser;
  for (int i = 0; i < 2; i++) {
    Tao tao;
    PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
    PetscCall(TaoSetType(tao, types[i]));
    PetscCall(TaoSetOptionsPrefix(tao, TT_TWIN_PREFIX));
    PetscCall(TaoSetFromOptions(tao));
    PetscCall(TaoDestroy(&tao));
  }
  PetscFunctionReturn(0);
}

static void KnownList(char *list, size_t len)
{
  list[0] = 0;
  for (int i = 0; i < tt_cli_noptions; i++) {
    const TTCliOption *o = &tt_cli_options[i];
    size_t             n = strlen(list);
    snprintf(list + n, len - n, "%s%s%s%s", i ? ", " : "", o->name, strcmp(o->value, "...") ? " " : "",
             strcmp(o->value, "...") ? o->value : "");
  }
}

PetscErrorCode TTCliCheckOptions(void)
{
  char     *all, *tok, *save = NULL, bad[256] = "", list[512];
  PetscBool probed = PETSC_FALSE, used, sim = PETSC_FALSE, twin = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  for (tok = strtok_r(all, " ", &save); tok && !bad[0]; tok = strtok_r(NULL, " ", &save)) {
    const char *name = tok + 1;
    if (tok[0] != '-' || strncmp(name, "tt_", 3) || Known(name)) continue;
    sim  = strncmp(name, TT_SIM_PREFIX, strlen(TT_SIM_PREFIX)) ? PETSC_FALSE : PETSC_TRUE;
    twin = strncmp(name, TT_TWIN_PREFIX, strlen(TT_TWIN_PREFIX)) ? PETSC_FALSE : PETSC_TRUE;
    if ((sim || twin) && strstr(name, "view")) continue; /* read by PETSc at solve time */
    if ((sim || twin) && !probed) PetscCall(ProbeSimOptions());
    if ((sim || twin) && !probed) PetscCall(ProbeTwinOptions());
    probed = probed || sim || twin;
    used   = PETSC_FALSE;
    if (sim || twin) PetscCall(PetscOptionsUsed(NULL, name, &used));
    if (!used) snprintf(bad, sizeof(bad), "%s", tok);
  }
  PetscCall(PetscFree(all));
  KnownList(list, sizeof(list));
  PetscCheck(!bad[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "unknown option %s%s; twintrial's options are %s (see twintrial --help)", bad,
             sim    ? " (not an option of PETSc's TS under -tt_sim_)"
             : twin ? " (not a Tao option under -tt_twin_)"
                    : "",
             list);
  PetscFunctionReturn(0);
}
