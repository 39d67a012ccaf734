/* trial.c — binding a protocol to its model and cohort: name checks with source
 * locations, resolved parameters, the twin record layout, and the resolved view.
 *
 * Invariant: after TTTrialCreate every name in the protocol refers to something
 * that exists (model, parameters, effects, covariates, strata, the variables of
 * endpoints, dropout, figures and choose), so the simulation and analysis code never
 * meets an unknown name; and every value the protocol gives a model parameter or arm
 * effect (overrides, arms, regimens, calibration intervals, the exposure-response link's
 * ends) lies in its domain (TTDomain), the parameters valid together (check_params).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <twintrial/modellang.h>
#include "trialimpl.h"

const char *TTTrialNameList(int n, const TTParamInfo *info, char *buf, size_t len)
{
  buf[0] = 0;
  for (int i = 0; i < n; i++) {
    if (i) strncat(buf, ", ", len - strlen(buf) - 1);
    strncat(buf, info[i].name, len - strlen(buf) - 1);
  }
  return buf;
}

PetscErrorCode TTTrialCheckDomain(const TTProtocol *p, TTLoc loc, const char *key, const TTModelType *m,
                                  const TTParamInfo *info, double v)
{
  char value[32];

  PetscFunctionBeginUser;
  if (!tt_domain_contains(info->domain, v)) {
    snprintf(value, sizeof value, "%g", v); /* as written: PETSc's %g would print 0 as "0." */
    USER_ERROR(p, loc, "%s: %s is outside the domain of %s's %s (unit %s); expected %s", key, value, m->name,
               info->name, info->unit, tt_domain_text(info->domain));
  }
  PetscFunctionReturn(0);
}

/* The model the protocol names (built in or a model file), complete. */
static PetscErrorCode BindModel(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m;
  char               names[1024];

  PetscFunctionBeginUser;
  if (p->model_file[0])
    PetscCall(TTModelLangLoad(PETSC_COMM_SELF, p->model_file, &t->model)); /* loaded once */
  else
    t->model = tt_model_find(p->model);
  m = t->model;
  if (!m) {
    const TTModelType *const *types;
    int                       n = tt_model_list(&types);
    names[0]                    = 0;
    for (int i = 0; i < n; i++) {
      if (i) strncat(names, ", ", sizeof(names) - strlen(names) - 1);
      strncat(names, types[i]->name, sizeof(names) - strlen(names) - 1);
    }
    USER_ERROR(p, p->model_loc, "model.name: unknown model '%s'; expected one of: %s", p->model, names);
  }
  if (tt_model_incomplete(m))
    USER_ERROR(p, p->model_loc,
               "model.name: expected a complete model; '%s' defines no %s (src/model/README.md lists what a model "
               "must define)",
               m->name, tt_model_incomplete(m));
  PetscFunctionReturn(0);
}

/* The model's parameters: defaults, then the protocol's overrides, each in its domain. */
static PetscErrorCode BindParameters(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;
  char               names[1024], key[TT_NAME_MAX + 64];
  const char        *why;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(m->nparam, &t->par));
  for (int i = 0; i < m->nparam; i++) t->par[i] = m->param[i].value;
  for (int i = 0; i < p->nparam; i++) {
    int k = tt_model_param_index(m->nparam, m->param, p->param[i].key);
    if (k < 0)
      USER_ERROR(p, p->param[i].loc, "model.parameters.%s: not a parameter of %s; expected one of: %s", p->param[i].key,
                 m->name, TTTrialNameList(m->nparam, m->param, names, sizeof(names)));
    PetscCall(PetscSNPrintf(key, sizeof key, "model.parameters.%s", p->param[i].key));
    PetscCall(TTTrialCheckDomain(p, p->param[i].loc, key, m, &m->param[k], p->param[i].value));
    t->par[k] = p->param[i].value;
  }
  if (m->check_params && (why = m->check_params(t->par)))
    USER_ERROR(p, p->nparam ? p->param[0].loc : p->model_loc,
               "model.parameters: %s; expected parameters of %s that are valid together", why, m->name);
  PetscFunctionReturn(0);
}

/* Arm a's calibrated effect k (e, its i-th): an interval to search, inside the effect's domain. */
static PetscErrorCode BindCalibrated(TTTrial t, int a, const TTNamedValue *e, int k)
{
  const TTProtocol        *p = t->p;
  const TTModelType       *m = t->model;
  const TTCalibrationSpec *c = &p->arm[a].calibrate;
  const TTRangeInfo       *r = m->effect_range ? &m->effect_range[k] : NULL;
  char                     key[TT_NAME_MAX + 64];

  PetscFunctionBeginUser;
  if (!c->has_interval && !(r && r->lo < r->hi))
    USER_ERROR(p, e->loc,
               "arms[%d].effect.%s.calibrate: model %s gives no interval to search for %s; expected "
               "calibrate.interval: [lo, hi]",
               a, e->key, m->name, e->key);
  for (int b = 0; c->has_interval && b < 2; b++) {
    PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].effect.%s.calibrate.interval[%d]", a, e->key, b));
    PetscCall(TTTrialCheckDomain(p, c->interval_loc, key, m, &m->effect[k], c->interval[b]));
  }
  t->cal_effect[a] = k; /* no effect until calibrated (design module) */
  PetscFunctionReturn(0);
}

/* Each arm's effects (the model's defaults, then the arm's, each in its domain), the
 * untreated effects, and the arm effect the exposure-response link sets. */
static PetscErrorCode BindArmEffects(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;
  char               names[1024], key[TT_NAME_MAX + 64];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((p->narm + 1) * m->neffect + 1, &t->eff));
  t->eff_none = t->eff + p->narm * m->neffect; /* untreated: the screening baseline */
  for (int i = 0; i < m->neffect; i++) t->eff_none[i] = m->effect[i].value;
  for (int a = 0; a < p->narm; a++) {
    double *eff = t->eff + a * m->neffect;
    for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
    t->cal_effect[a] = -1;
    for (int i = 0; i < p->arm[a].neffect; i++) {
      const TTNamedValue *e = &p->arm[a].effect[i];
      int                 k = tt_model_param_index(m->neffect, m->effect, e->key);
      if (k < 0)
        USER_ERROR(p, e->loc, "arms[%d].effect.%s: not an arm effect of %s; expected one of: %s", a, e->key, m->name,
                   TTTrialNameList(m->neffect, m->effect, names, sizeof(names)));
      if (p->arm[a].calibrate.active && i == p->arm[a].calibrate.effect) {
        PetscCall(BindCalibrated(t, a, e, k));
        continue;
      }
      PetscCall(PetscSNPrintf(key, sizeof key, "arms[%d].effect.%s", a, e->key));
      PetscCall(TTTrialCheckDomain(p, e->loc, key, m, &m->effect[k], e->value));
      eff[k] = e->value;
    }
  }
  t->er_effect = -1;
  if (p->er) {
    t->er_effect = tt_model_param_index(m->neffect, m->effect, p->er_effect);
    if (t->er_effect < 0)
      USER_ERROR(p, p->er_effect_loc, "exposure_response.effect: '%s' is not an arm effect of %s; expected one of: %s",
                 p->er_effect, m->name, TTTrialNameList(m->neffect, m->effect, names, sizeof(names)));
    /* The link sets the effect between 0 (no exposure) and emax: both ends in its domain. */
    PetscCall(TTTrialCheckDomain(p, p->er_effect_loc, "exposure_response.effect (at no exposure)", m,
                                 &m->effect[t->er_effect], 0.0));
    PetscCall(TTTrialCheckDomain(p, p->er_emax_loc, "exposure_response.emax", m, &m->effect[t->er_effect], p->er_emax));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode BindCovariates(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(m->ncovariate + 1, &t->model_cov));
  for (int j = 0; j < m->ncovariate; j++) {
    PetscCall(TTCohortFindCovariate(t->cohort, m->covariate[j], &t->model_cov[j]));
    if (t->model_cov[j] < 0)
      USER_ERROR(p, p->cohort_loc, "cohort: model %s needs covariate '%s', which %s does not define", m->name,
                 m->covariate[j], p->cohort_path);
  }
  PetscCall(PetscMalloc2(p->nstrata + 1, &t->strata_cov, p->nstrata + 1, &t->strata_levels));
  t->nstratum = 1;
  for (int s = 0; s < p->nstrata; s++) {
    PetscCall(TTCohortFindCovariate(t->cohort, p->strata[s], &t->strata_cov[s]));
    if (t->strata_cov[s] < 0)
      USER_ERROR(p, p->strata_loc[s], "trial.randomization.strata[%d]: '%s' is not a covariate of the cohort", s,
                 p->strata[s]);
    PetscCall(TTCohortGetLevels(t->cohort, t->strata_cov[s], &t->strata_levels[s]));
    if (t->strata_levels[s] < 1)
      USER_ERROR(p, p->strata_loc[s],
                 "trial.randomization.strata[%d]: '%s' is continuous; expected a covariate "
                 "with finitely many levels (bernoulli, categorical, binomial or derived)",
                 s, p->strata[s]);
    t->nstratum *= t->strata_levels[s];
  }
  PetscFunctionReturn(0);
}

PetscInt TTTrialFindVariable(const TTModelType *m, const char *name, char names[TT_VARIABLE_NAMES])
{
  if (names) {
    names[0] = 0;
    for (int v = 0; v < m->nvar; v++) {
      if (v) strncat(names, ", ", TT_VARIABLE_NAMES - strlen(names) - 1);
      strncat(names, m->var[v].name, TT_VARIABLE_NAMES - strlen(names) - 1);
    }
  }
  for (int v = 0; v < m->nvar; v++)
    if (!strcmp(m->var[v].name, name)) return v;
  return -1;
}

static PetscInt FindEvent(const TTModelType *m, const char *name)
{
  for (int k = 0; k < m->nevent; k++)
    if (!strcmp(m->event[k].name, name)) return k;
  return -1;
}

static PetscErrorCode BindEndpoints(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;
  char               names[TT_VARIABLE_NAMES];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(p->nendpoint, &t->endpoint_var, p->nendpoint, &t->endpoint_event));
  for (int e = 0; e < p->nendpoint; e++) {
    const TTEndpointSpec *ep = &p->endpoint[e];
    t->endpoint_var[e]       = ep->variable[0] ? TTTrialFindVariable(m, ep->variable, NULL) : -1;
    t->endpoint_event[e]     = ep->event[0] ? FindEvent(m, ep->event) : -1;
    if (ep->variable[0] && t->endpoint_var[e] < 0)
      USER_ERROR(p, ep->variable_loc, "endpoints[%d].variable: '%s' is not a variable of model %s", e, ep->variable,
                 m->name);
    if (ep->event[0] && t->endpoint_event[e] < 0)
      USER_ERROR(p, ep->event_loc, "endpoints[%d].event: '%s' is not an event of model %s%s", e, ep->event, m->name,
                 m->nevent ? "" : " (it has none)");
  }
  PetscCall(TTTrialBindDropout(t));
  PetscCall(TTTrialBindDiscontinuation(t));
  PetscCall(TTTrialBindRescue(t));
  if (p->choose && TTTrialFindVariable(m, p->choose_variable, names) < 0)
    USER_ERROR(p, p->choose_variable_loc, "choose.variable: '%s' is not a variable of model %s; expected one of: %s",
               p->choose_variable, m->name, names);
  PetscFunctionReturn(0);
}

static PetscErrorCode BindAnalyses(TTTrial t)
{
  const TTProtocol *p = t->p;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(p->nanalysis, &t->acov));
  for (int a = 0; a < p->nanalysis; a++) {
    const TTAnalysisSpec *an = &p->analysis[a];
    const TTEndpointSpec *ep = &p->endpoint[an->endpoint_index];
    for (int c = 0; c < an->ncovariate; c++) {
      TTAnalysisCovariate *ac = &t->acov[a][c];
      if (!strcmp(an->covariate[c], "baseline")) {
        ac->kind = TT_COVARIATE_BASELINE;
        if (t->endpoint_var[an->endpoint_index] < 0)
          USER_ERROR(p, an->covariate_loc[c],
                     "analysis[%d].covariates[%d]: 'baseline' needs an endpoint with a "
                     "variable; endpoint '%s' has none",
                     a, c, ep->name);
      } else if (!strcmp(an->covariate[c], "prognostic_score")) {
        ac->kind = TT_COVARIATE_PROGNOSTIC;
        if (ep->visit_index < 0 || t->endpoint_var[an->endpoint_index] < 0 || TTEndpointIsWindow(ep->type))
          USER_ERROR(p, an->covariate_loc[c],
                     "analysis[%d].covariates[%d]: 'prognostic_score' is defined for "
                     "endpoints measured at a visit; '%s' is not",
                     a, c, ep->name);
      } else {
        ac->kind = TT_COVARIATE_COHORT;
        PetscCall(TTCohortFindCovariate(t->cohort, an->covariate[c], &ac->index));
        if (ac->index < 0)
          USER_ERROR(p, an->covariate_loc[c],
                     "analysis[%d].covariates[%d]: '%s' is neither baseline, "
                     "prognostic_score nor a cohort covariate",
                     a, c, an->covariate[c]);
      }
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode SetLayout(TTTrial t)
{
  const TTProtocol  *p = t->p;
  TTRecordLayout    *L = &t->L;
  PetscInt           ncov;
  const char *const *names;

  PetscFunctionBeginUser;
  PetscCall(TTCohortGetCovariates(t->cohort, &ncov, &names));
  L->ncov        = ncov;
  L->nendpoint   = p->nendpoint;
  L->narm        = p->narm;
  L->nvisit      = p->nvisit;
  L->nvar        = t->model->nvar;
  L->nevent      = t->model->nevent;
  L->stratum     = 0;
  L->screen      = 1;
  L->entry       = 2;
  L->cov         = 3;
  L->prognostic  = L->cov + ncov;
  L->arm0        = L->prognostic + L->nendpoint;
  L->arm_size    = 1 + L->nvisit * L->nvar + L->nevent * TT_MAX_EVENT_TIMES;
  L->failed      = L->arm0 + L->narm * L->arm_size;
  L->guided      = L->failed + 1;
  L->disc        = L->guided + L->narm * TT_GUIDED_SIZE;
  L->disc_size   = p->has_discontinuation ? 1 + L->nvisit * L->nvar : 0;
  L->rescue      = L->disc + L->narm * L->disc_size;
  L->rescue_size = p->has_rescue ? 1 : 0;
  L->missed      = L->rescue + L->narm * L->rescue_size;
  L->missed_size = p->missed_probability > 0 ? L->nvisit : 0;
  L->size        = L->missed + L->missed_size;
  PetscCall(PetscMalloc2(p->nvisit, &t->t_model, p->nvisit, &t->t_days));
  for (int v = 0; v < p->nvisit; v++) {
    t->t_days[v]  = p->visit[v] * p->unit_in_days;
    t->t_model[v] = t->t_days[v] / t->model->time_unit_days;
  }
  t->horizon_days = p->max_duration_days > 0 ? p->max_duration_days
                    : p->followup_days > 0   ? p->accrual_days + p->followup_days
                                             : t->t_days[p->nvisit - 1];
  PetscFunctionReturn(0);
}

static PetscErrorCode AllocScratch(TTTrial t)
{
  PetscInt n = t->p->patients, bs = t->p->block_size > 0 ? t->p->block_size : 1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(n, &t->y, (n + 1) * (TT_MAX_COVARIATES + 1), &t->xcov, 2 * n, &t->y0, 2 * n, &t->y1, 2 * n,
                         &t->expo, n, &t->cut));
  PetscCall(PetscMalloc4(2 * n, &t->treat, 2 * n, &t->iy, 2 * n, &t->status, 2 * n, &t->strata));
  PetscCall(PetscMalloc1(n * t->p->nendpoint, &t->pair));
  PetscCall(PetscMalloc1(t->p->nanalysis, &t->mmrm_used));
  PetscCall(PetscMalloc1(t->p->nanalysis, &t->mi_fmi));
  t->calendar = INFINITY;
  PetscCall(PetscMalloc3(t->nstratum, &t->stratum_count, t->nstratum, &t->block_id, t->nstratum * bs, &t->block_list));
  PetscFunctionReturn(0);
}

/* The cohort, whose criteria (and the protocol's own, cohort.include / exclude) may also
 * read the model's observed variables. */
static PetscErrorCode CreateCohort(TTTrial t)
{
  const TTModelType *m = t->model;
  const char        *vars[32];

  PetscFunctionBeginUser;
  PetscCheck(m->nvar <= 32, PETSC_COMM_SELF, PETSC_ERR_SUP, "model %s has too many variables", m->name);
  for (int k = 0; k < m->nvar; k++) vars[k] = m->var[k].name;
  PetscCall(TTCohortCreateForModel(t->p->cohort_path, m->name, m->nvar, vars, &t->cohort));
  PetscCall(TTCohortRestrict(t->cohort, t->p->cohort_include, t->p->cohort_exclude, t->p->path,
                             t->p->cohort_include_loc, t->p->cohort_exclude_loc));
  PetscFunctionReturn(0);
}

static PetscErrorCode Bind(TTTrial t)
{
  PetscFunctionBeginUser;
  PetscCall(BindModel(t));
  PetscCall(BindParameters(t));
  PetscCall(BindArmEffects(t));
  PetscCall(TTTrialBindRegimens(t));
  PetscCall(TTTrialBindGuided(t));
  PetscCall(CreateCohort(t));
  PetscCall(BindCovariates(t));
  PetscCall(BindEndpoints(t));
  PetscCall(BindAnalyses(t));
  PetscCall(TTTrialBindAnalysisTerms(t));
  PetscCall(SetLayout(t));
  PetscCall(AllocScratch(t));
  PetscCall(TTTrialSetUpLooks(t));
  PetscCall(TTTrialSetUpFigures(t));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialCreate(const TTProtocol *protocol, TTTrial *trial)
{
  TTTrial        t;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  *trial = NULL;
  PetscCall(PetscCalloc1(1, &t));
  t->p = protocol;
  ierr = Bind(t);
  if (ierr) PetscCall(TTTrialDestroy(&t)); /* a user error must not leak the half-bound trial */
  PetscCall(ierr);
  *trial = t;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialDestroy(TTTrial *trial)
{
  TTTrial t;

  PetscFunctionBeginUser;
  if (!trial || !*trial) PetscFunctionReturn(0);
  t = *trial;
  PetscCall(TTCohortDestroy(&t->cohort));
  PetscCall(PetscFree(t->par));
  PetscCall(PetscFree(t->eff));
  PetscCall(PetscFree(t->reg_eff));
  PetscCall(PetscFree(t->ybatch));
  if (t->guide_destroy) PetscCall(t->guide_destroy(t->guide_ctx));
  PetscCall(PetscFree(t->model_cov));
  PetscCall(PetscFree2(t->strata_cov, t->strata_levels));
  PetscCall(PetscFree2(t->endpoint_var, t->endpoint_event));
  PetscCall(PetscFree(t->acov));
  PetscCall(PetscFree(t->astrata));
  PetscCall(PetscFree(t->level));
  PetscCall(PetscFree2(t->t_model, t->t_days));
  PetscCall(PetscFree6(t->y, t->xcov, t->y0, t->y1, t->expo, t->cut));
  PetscCall(PetscFree4(t->treat, t->iy, t->status, t->strata));
  PetscCall(PetscFree(t->pair));
  PetscCall(PetscFree(t->mmrm_used));
  PetscCall(PetscFree(t->mi_fmi));
  PetscCall(PetscFree3(t->stratum_count, t->block_id, t->block_list));
  PetscCall(PetscFree3(t->figure_var, t->km_steps, t->traj));
  PetscCall(PetscFree(t));
  *trial = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetProtocol(TTTrial t, const TTProtocol **p)
{
  PetscFunctionBeginUser;
  *p = t->p;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetModel(TTTrial t, const TTModelType **m)
{
  PetscFunctionBeginUser;
  *m = t->model;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetCohort(TTTrial t, TTCohort *c)
{
  PetscFunctionBeginUser;
  *c = t->cohort;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetRecordLayout(TTTrial t, TTRecordLayout *L)
{
  PetscFunctionBeginUser;
  *L = t->L;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialCreateSim(TTTrial t, TTSim *sim)
{
  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(t->model, t->par, sim));
  PetscFunctionReturn(0);
}

static void ViewParams(FILE *out, const char *indent, int n, const TTParamInfo *info, const double *v)
{
  char num[32];
  for (int i = 0; i < n; i++) {
    TTYamlFormatReal(v[i], num);
    fprintf(out, "%s%s: %s   # %s\n", indent, info[i].name, num, info[i].unit);
  }
}

PetscErrorCode TTTrialView(TTTrial t, FILE *out)
{
  const TTModelType *m = t->model;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolView(t->p, out));
  fprintf(out, "resolved:\n  model: %s\n", m->name);
  if (TTModelLangResolved(m)) { /* a model file: its digest (a resume checks it) and the model as parsed */
    const char *s = TTModelLangResolved(m);
    fprintf(out, "  model_file_sha256: %s\n  model_file_resolved: |\n", TTModelLangSourceSha256(m));
    for (const char *e; *s; s = *e ? e + 1 : e) {
      e = strchr(s, '\n');
      if (!e) e = s + strlen(s);
      fprintf(out, "    %.*s\n", (int) (e - s), s);
    }
  }
  fprintf(out, "  parameters:\n");
  ViewParams(out, "    ", m->nparam, m->param, t->par);
  fprintf(out, "  arm_effects:\n");
  for (int a = 0; a < t->p->narm; a++) {
    fprintf(out, "    %s:%s\n", t->p->arm[a].name, m->neffect ? "" : " {}");
    if (t->cal_effect[a] >= 0)
      TTTrialViewCalibrated(t, out, a);
    else
      ViewParams(out, "      ", m->neffect, m->effect, t->eff + a * m->neffect);
  }
  TTTrialViewRegimens(t, out);
  TTTrialViewDropout(t, out);
  TTTrialViewDiscontinuation(t, out);
  TTTrialViewRescue(t, out);
  fprintf(out, "  strata_combinations: %d\n", (int) t->nstratum);
  if (t->p->nlook > 0) {
    char num[32];
    fprintf(out, "  group_sequential: # one-sided z boundaries in the direction of benefit\n");
    for (int j = 0; j < t->p->nlook; j++) {
      fprintf(out, "    - {look: %d", j + 1);
      if (t->p->event_driven) fprintf(out, ", events: %s", TTYamlFormatReal(t->p->events[j], num));
      fprintf(out, ", information: %s", TTYamlFormatReal(t->p->information[j], num));
      fprintf(out, ", efficacy_bound: %s", TTYamlFormatReal(t->upper[j], num));
      fprintf(out, ", futility_bound: %s", isfinite(t->lower[j]) ? TTYamlFormatReal(t->lower[j], num) : "none");
      fprintf(out, ", alpha_spent: %s}\n", TTYamlFormatReal(t->alpha_spent[j], num));
    }
  }
  PetscCall(TTCohortView(t->cohort, out, 2));
  PetscFunctionReturn(0);
}
