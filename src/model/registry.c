/* registry.c — the list of models twintrial knows. Adding a model is one line here
 * plus its file in src/model/. Order is the order `twintrial models` prints, then the
 * models added at run time (tt_model_register), in the order they were added.
 * tt_model_incomplete says what a model type lacks; a trial refuses such a model with
 * a located error instead of calling a NULL callback; tt_model_unpersonalisable what it
 * lacks for personalisation, tt_model_unswitchable what it lacks for regimen switches. */
#include <math.h>
#include <string.h>
#include <twintrial/model.h>

extern const TTModelType tt_model_alzheimers_adas;
extern const TTModelType tt_model_t2d_hba1c;
extern const TTModelType tt_model_oncology_tgi_os;
extern const TTModelType tt_model_ms_relapse;
extern const TTModelType tt_model_pk_1cmt_oral;
extern const TTModelType tt_model_pk_2cmt_oral;

#define TT_NSHIPPED 6
static const TTModelType *registry[TT_NSHIPPED + TT_MAX_REGISTERED] = {
    &tt_model_alzheimers_adas, &tt_model_t2d_hba1c,    &tt_model_oncology_tgi_os,
    &tt_model_pk_1cmt_oral,    &tt_model_pk_2cmt_oral, &tt_model_ms_relapse};
static int nregistry = TT_NSHIPPED;

int tt_model_list(const TTModelType *const **types)
{
  *types = registry;
  return nregistry;
}

int tt_model_register(const TTModelType *m)
{
  if (!m || !m->name || tt_model_find(m->name) || nregistry == TT_NSHIPPED + TT_MAX_REGISTERED) return 1;
  registry[nregistry++] = m;
  return 0;
}

const char *tt_model_incomplete(const TTModelType *m)
{
  if (!m->name || !m->name[0]) return "a name";
  if (!(m->time_unit_days > 0) || !isfinite(m->time_unit_days)) return "time_unit_days > 0";
  if (m->nparam < 0 || (m->nparam > 0 && !m->param)) return "its parameter table (param)";
  if (m->neffect < 0 || (m->neffect > 0 && !m->effect)) return "its arm-effect table (effect)";
  if (m->ncovariate < 0 || (m->ncovariate > 0 && !m->covariate)) return "its covariate names (covariate)";
  if (m->nvar < 1 || !m->var) return "its output variables (nvar >= 1, var)";
  if (m->nlatent < 0) return "nlatent >= 0";
  if (!m->draw_latent) return "draw_latent() (the twin's random effects)";
  if (m->nstate == 0 && !m->mean) return "mean() (a closed-form model's noise-free outputs)";
  if (m->nstate < 0) return "nstate >= 0";
  if (m->nstate > 0 && !m->initial) return "initial() (an ODE model's initial state)";
  if (m->nstate > 0 && !m->rhs) return "rhs() (an ODE model's right-hand side)";
  if (m->nstate > 0 && !m->output) return "output() (an ODE model's outputs from its state)";
  if (!m->observe) return "observe() (the observation model: residual error)";
  if (!m->condition) return "condition() (the random effects given the observed baseline, for the prognostic score)";
  if (m->nevent < 0 || (m->nevent > 0 && (!m->event || (!m->events && !m->hazard))))
    return "events() or hazard(), and its event table (nevent > 0)";
  if (m->rhs_sens && (m->nstate == 0 || (m->rhs_regimen && !m->rhs_sens_regimen)))
    return "an ODE model's rhs_sens_regimen() with rhs_sens() and rhs_regimen() (exact sensitivities)";
  if (m->doses && (m->nstate == 0 || m->dose_state < 0 || m->dose_state >= m->nstate))
    return "a dose_state among its ODE states (doses() is set)";
  return NULL;
}

const TTModelType *tt_model_find(const char *name)
{
  const TTModelType *const *types;
  int                       n = tt_model_list(&types);
  for (int i = 0; i < n; i++)
    if (!strcmp(types[i]->name, name)) return types[i];
  return NULL;
}

int tt_model_param_index(int n, const TTParamInfo *info, const char *name)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(info[i].name, name)) return i;
  return -1;
}

int tt_domain_contains(TTDomain d, double v)
{
  if (!isfinite(v)) return 0;
  switch (d) {
  case TT_DOMAIN_POSITIVE:
    return v > 0.0;
  case TT_DOMAIN_NONNEGATIVE:
    return v >= 0.0;
  case TT_DOMAIN_ABOVE_MINUS1:
    return v > -1.0;
  case TT_DOMAIN_COUNT:
    return v >= 0.0 && v == floor(v);
  default:
    return 1;
  }
}

/* Each domain in words (messages) and in symbols (listings), indexed by TTDomain. */
static const struct {
  const char *text, *symbol;
} domains[] = {
    [TT_DOMAIN_REAL]         = {"a finite number", ""},
    [TT_DOMAIN_POSITIVE]     = {"a positive number", "> 0"},
    [TT_DOMAIN_NONNEGATIVE]  = {"a number >= 0", ">= 0"},
    [TT_DOMAIN_ABOVE_MINUS1] = {"a fractional change above -1 (1 + f > 0)", "> -1"},
    [TT_DOMAIN_COUNT]        = {"a whole number >= 0", "integer >= 0"},
};

const char *tt_domain_text(TTDomain d)
{
  return domains[d].text;
}

const char *tt_domain_symbol(TTDomain d)
{
  return domains[d].symbol;
}

const char *tt_model_unpersonalisable(const TTModelType *m)
{
  if (m->nlatent < 1) return "random effects (nlatent >= 1): there is nothing to personalise";
  if (!m->log_density) return "log_density() (the density of an observation given the model value)";
  if (!m->omega) return "omega() (the covariance and bounds of the random effects' prior)";
  return NULL;
}

const char *tt_model_unswitchable(const TTModelType *m)
{
  if (m->nstate == 0 && !m->mean_regimen)
    return "mean_regimen() (a closed-form model's outputs under a regimen that switches, defined by the model)";
  if (m->nevent > 0 && !m->hazard && !m->events_regimen)
    return "events_regimen() (its event times under a regimen that switches, defined by the model)";
  if (m->nstate > 0 && !m->rhs_regimen != !m->output_regimen)
    return "rhs_regimen() and output_regimen() together (an ODE model sets both or neither)";
  return NULL;
}
