/* protocol_view.c — TTProtocolView (the resolved protocol as YAML) and
 * TTProtocolOverride (command-line values).
 *
 * Invariant: TTProtocolView prints every field with its default filled in, in
 * a form TTProtocolLoad reads back to the same struct (apart from path, text
 * and source locations): reals use the shortest exact decimal, strings are
 * quoted, durations (dropout scale, enrollment) are printed in days, the cohort
 * path is absolute. Only the keys that apply are printed: per endpoint type, per
 * analysis method (margin with one-sided tests), dropout model and spending
 * function; trial.enrollment only when nonzero, interim only with looks, calibration
 * only with a calibrated arm effect, an arm's dropout only when it states its own and
 * its extra_dropout only when it has one, choose only when given, regimens only when
 * declared, an arm's regimen (instead of its effects) and switches only when it has them,
 * discontinuation and rescue (the protocol's, an arm's own) only when given, missed_visits only when
 * its probability is not 0, an analysis's estimand only when not the default
 * treatment_policy.
 */
#include <inttypes.h>
#include <limits.h>
#include "protocol/protocolimpl.h"

#define P(...) PetscCall(PetscFPrintf(PETSC_COMM_SELF, out, __VA_ARGS__))

static PetscErrorCode ViewNamedValues(FILE *out, int n, const TTNamedValue v[])
{
  char buf[32];
  PetscFunctionBeginUser;
  P("{");
  for (int i = 0; i < n; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, v[i].key));
    P(": %s", TTYamlFormatReal(v[i].value, buf));
  }
  P("}");
  PetscFunctionReturn(0);
}

/* An arm's effects; a calibrated one as {calibrate: {...}} with its defaults filled in. */
static PetscErrorCode ViewArmEffects(const TTProtocol *p, FILE *out, const TTArmSpec *arm)
{
  const TTCalibrationSpec *c = &arm->calibrate;
  char                     buf[32];
  PetscFunctionBeginUser;
  P("{");
  for (int i = 0; i < arm->neffect; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, arm->effect[i].key));
    if (!c->active || i != c->effect) {
      P(": %s", TTYamlFormatReal(arm->effect[i].value, buf));
      continue;
    }
    P(": {calibrate: {%s: %s, endpoint: ", TTCalibrationTargetName(c->target), TTYamlFormatReal(c->value, buf));
    PetscCall(TTYamlWriteName(out, p->endpoint[c->endpoint].name));
    P(", control: ");
    PetscCall(TTYamlWriteName(out, p->arm[c->control].name));
    if (c->has_interval) {
      P(", interval: [%s", TTYamlFormatReal(c->interval[0], buf));
      P(", %s]", TTYamlFormatReal(c->interval[1], buf));
    }
    P("}}");
  }
  P("}");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewTrial(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("trial:\n  name: ");
  PetscCall(TTYamlWriteString(out, p->name));
  P("\n  seed: %" PRIu64 "\n  replicates: %d\n  patients: %d\n  allocation: {", p->seed, p->replicates, p->patients);
  for (int i = 0; i < p->narm; i++) {
    P("%s", i ? ", " : "");
    PetscCall(TTYamlWriteName(out, p->arm[i].name));
    P(": %s", TTYamlFormatReal(p->arm[i].ratio, buf));
  }
  P("}\n");
  if (p->randomization == TT_RANDOMIZE_SIMPLE)
    P("  randomization: {method: simple}\n");
  else {
    P("  randomization: {method: permuted_block, block_size: %d, strata: [", p->block_size);
    for (int i = 0; i < p->nstrata; i++) {
      P("%s", i ? ", " : "");
      PetscCall(TTYamlWriteName(out, p->strata[i]));
    }
    P("]}\n");
  }
  if (p->accrual_days != 0 || p->followup_days != 0) {
    P("  enrollment: {accrual_days: %s", TTYamlFormatReal(p->accrual_days, buf));
    P(", followup_days: %s}\n", TTYamlFormatReal(p->followup_days, buf));
  }
  PetscFunctionReturn(0);
}

/* A dropout hazard as a flow mapping, its scale in days. */
/* A hazard's keys without the closing brace. */
static PetscErrorCode ViewHazard(FILE *out, const TTDropoutSpec *d)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("{model: %s", TTDropoutModelNames[d->model]);
  if (d->model == TT_DROPOUT_WEIBULL) P(", shape: %s", TTYamlFormatReal(d->shape, buf));
  if (d->model != TT_DROPOUT_NONE) P(", scale_days: %s", TTYamlFormatReal(d->scale_days, buf));
  if (d->model == TT_DROPOUT_OUTCOME_DEPENDENT) {
    P(", variable: ");
    PetscCall(TTYamlWriteName(out, d->variable));
    P(", log_hazard_per_unit: %s", TTYamlFormatReal(d->gamma, buf));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewDropout(FILE *out, const TTDropoutSpec *d)
{
  PetscFunctionBeginUser;
  PetscCall(ViewHazard(out, d));
  P("}");
  PetscFunctionReturn(0);
}

/* A rescue: none, or its variable, limits (one per visit), visits and regimen. */
static PetscErrorCode ViewRescue(const TTProtocol *p, FILE *out, const TTRescueSpec *r)
{
  char buf[32];
  PetscFunctionBeginUser;
  if (!r->active) {
    P("none");
    PetscFunctionReturn(0);
  }
  P("{variable: ");
  PetscCall(TTYamlWriteName(out, r->variable));
  P(", %s: [", r->above ? "above" : "below");
  for (int i = 0; i < r->nvisit; i++) P("%s%s", i ? ", " : "", TTYamlFormatReal(r->limit[i], buf));
  P("], visits: [");
  for (int i = 0; i < r->nvisit; i++) P("%s%s", i ? ", " : "", TTYamlFormatReal(r->visit[i], buf));
  P("], then: {switch: ");
  PetscCall(TTYamlWriteName(out, p->regimen[r->regimen].name));
  P("}}");
  PetscFunctionReturn(0);
}

/* A discontinuation: its hazard, then (the washout's half-life in days) and withdraw. */
static PetscErrorCode ViewDiscontinuation(const TTProtocol *p, FILE *out, const TTDiscontinuationSpec *d)
{
  char buf[32];
  PetscFunctionBeginUser;
  PetscCall(ViewHazard(out, &d->hazard));
  if (d->hazard.model != TT_DROPOUT_NONE) {
    if (d->then == TT_THEN_WASHOUT)
      P(", then: {washout: {half_life: %s, unit: day}}", TTYamlFormatReal(d->half_life_days, buf));
    else {
      P(", then: {switch: ");
      PetscCall(TTYamlWriteName(out, p->regimen[d->regimen].name));
      P("}");
    }
    P(", withdraw: {proportion: %s}", TTYamlFormatReal(d->withdraw, buf));
  }
  P("}");
  PetscFunctionReturn(0);
}

/* regimens: only when declared. */
/* A guided arm's guided key, as read (every default written out). */
static PetscErrorCode ViewGuided(const TTProtocol *p, FILE *out, const TTGuidedSpec *s)
{
  char buf[32];
  int  ncost = 0;

  PetscFunctionBeginUser;
  P(", guided: {candidates: [");
  for (int c = 0; c < s->ncandidate; c++) {
    if (c) P(", ");
    PetscCall(TTYamlWriteName(out, p->regimen[s->candidate[c]].name));
  }
  P("], run_in: {visits: [");
  for (int k = 0; k < s->nrun_in; k++) P("%s%s", k ? ", " : "", TTYamlFormatReal(s->run_in[k], buf));
  P("]}, choose: {variable: ");
  PetscCall(TTYamlWriteName(out, s->variable));
  P(", visit: %s, goal: %s", TTYamlFormatReal(s->visit, buf), TTChooseGoalNames[s->goal]);
  if (s->goal == TT_CHOOSE_BELOW || s->goal == TT_CHOOSE_ABOVE) P(", target: %s", TTYamlFormatReal(s->target, buf));
  for (int c = 0; c < s->ncandidate; c++) {
    if (s->cost[c] == 0) continue;
    P("%s", ncost++ ? ", " : ", cost: {");
    PetscCall(TTYamlWriteName(out, p->regimen[s->candidate[c]].name));
    P(": %s", TTYamlFormatReal(s->cost[c], buf));
  }
  if (ncost) P("}");
  P("}");
  if (s->nreassess) {
    P(", reassess: [");
    for (int k = 0; k < s->nreassess; k++) P("%s%s", k ? ", " : "", TTYamlFormatReal(s->reassess[k], buf));
    P("]");
  }
  P(", draws: %d", s->draws);
  if (s->forecast) P(", forecast: %s", TTGuidedForecastNames[s->forecast]);
  P("}");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewRegimens(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  if (!p->nregimen) PetscFunctionReturn(0);
  P("regimens:\n");
  for (int r = 0; r < p->nregimen; r++) {
    P("  - {name: ");
    PetscCall(TTYamlWriteName(out, p->regimen[r].name));
    P(", effect: ");
    PetscCall(ViewNamedValues(out, p->regimen[r].neffect, p->regimen[r].effect));
    if (p->regimen[r].dose_mg > 0) P(", dose_mg: %s", TTYamlFormatReal(p->regimen[r].dose_mg, buf));
    P("}\n");
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewModelArms(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("cohort: ");
  if (p->cohort_include[0] || p->cohort_exclude[0]) P("{file: ");
  PetscCall(TTYamlWriteString(out, p->cohort_path));
  for (int k = 0; k < 2; k++) {
    const char *text = k ? p->cohort_exclude : p->cohort_include;
    if (!text[0]) continue;
    P(k ? ", exclude: " : ", include: ");
    PetscCall(TTYamlWriteString(out, text));
  }
  if (p->cohort_include[0] || p->cohort_exclude[0]) P("}");
  if (p->model_file[0]) {
    P("\nmodel: {file: ");
    PetscCall(TTYamlWriteString(out, p->model_file));
  } else {
    P("\nmodel: {name: ");
    PetscCall(TTYamlWriteName(out, p->model));
  }
  P(", parameters: ");
  PetscCall(ViewNamedValues(out, p->nparam, p->param));
  P(", on_failure: %s}\n", TTOnFailureNames[p->on_failure]);
  PetscCall(ViewRegimens(p, out));
  P("arms:\n");
  for (int i = 0; i < p->narm; i++) {
    P("  - {name: ");
    PetscCall(TTYamlWriteName(out, p->arm[i].name));
    if (p->arm[i].guided)
      PetscCall(ViewGuided(p, out, &p->arm[i].guide));
    else if (p->arm[i].regimen >= 0) {
      P(", regimen: ");
      PetscCall(TTYamlWriteName(out, p->regimen[p->arm[i].regimen].name));
    } else {
      P(", effect: ");
      PetscCall(ViewArmEffects(p, out, &p->arm[i]));
      if (p->arm[i].dose_mg > 0) P(", dose_mg: %s", TTYamlFormatReal(p->arm[i].dose_mg, buf));
    }
    if (p->arm[i].nswitch) {
      P(", switch: [");
      for (int k = 0; k < p->arm[i].nswitch; k++) {
        P("%s{at: %s, regimen: ", k ? ", " : "", TTYamlFormatReal(p->arm[i].switch_at[k], buf));
        PetscCall(TTYamlWriteName(out, p->regimen[p->arm[i].switch_regimen[k]].name));
        P("}");
      }
      P("]");
    }
    if (p->arm[i].own_dropout) {
      P(", dropout: ");
      PetscCall(ViewDropout(out, &p->arm[i].dropout));
    }
    if (p->arm[i].extra_dropout.model != TT_DROPOUT_NONE) {
      P(", extra_dropout: ");
      PetscCall(ViewDropout(out, &p->arm[i].extra_dropout));
    }
    if (p->arm[i].own_discontinuation) {
      P(", discontinuation: ");
      PetscCall(ViewDiscontinuation(p, out, &p->arm[i].discontinuation));
    }
    if (p->arm[i].own_rescue) {
      P(", rescue: ");
      PetscCall(ViewRescue(p, out, &p->arm[i].rescue));
    }
    P("}\n");
  }
  if (p->er) {
    P("exposure_response: {effect: ");
    PetscCall(TTYamlWriteName(out, p->er_effect));
    P(", emax: %s", TTYamlFormatReal(p->er_emax, buf));
    P(", ec50: %s", TTYamlFormatReal(p->er_ec50, buf));
    P(", hill: %s", TTYamlFormatReal(p->er_hill, buf));
    P(", clearance_l_per_h: %s", TTYamlFormatReal(p->er_clearance, buf));
    P(", clearance_cv: %s", TTYamlFormatReal(p->er_clearance_cv, buf));
    P(", interval_h: %s}\n", TTYamlFormatReal(p->er_interval_h, buf));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewSchedule(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("schedule: {unit: %s, visits: [", p->time_unit);
  for (int i = 0; i < p->nvisit; i++) P("%s%s", i ? ", " : "", TTYamlFormatReal(p->visit[i], buf));
  P("]}\ndropout: ");
  PetscCall(ViewDropout(out, &p->dropout));
  if (p->discontinuation.hazard.model != TT_DROPOUT_NONE) {
    P("\ndiscontinuation: ");
    PetscCall(ViewDiscontinuation(p, out, &p->discontinuation));
  }
  if (p->rescue.active) {
    P("\nrescue: ");
    PetscCall(ViewRescue(p, out, &p->rescue));
  }
  if (p->missed_probability > 0) P("\nmissed_visits: {probability: %s}", TTYamlFormatReal(p->missed_probability, buf));
  P("\nprognostic: {noise_sd: %s}\n", TTYamlFormatReal(p->prognostic_noise_sd, buf));
  PetscFunctionReturn(0);
}

/* The keys of one endpoint that apply to its type (see protocol_endpoint.c). */
static PetscErrorCode ViewEndpoint(const TTEndpointSpec *e, FILE *out)
{
  const TTEndpointType t = e->type;
  char                 buf[32];
  int                  u;
  PetscFunctionBeginUser;
  P("  - {name: ");
  PetscCall(TTYamlWriteName(out, e->name));
  P(", type: %s", TTEndpointTypeNames[t]);
  if (t != TT_ENDPOINT_TIME_TO_EVENT && t != TT_ENDPOINT_COUNT) {
    P(", variable: ");
    PetscCall(TTYamlWriteName(out, e->variable));
  }
  if (TTEndpointIsWindow(t)) {
    P(", from: %s", TTYamlFormatReal(e->from, buf));
    P(", to: %s", TTYamlFormatReal(e->visit, buf));
  } else if (e->visit_index >= 0)
    P(", visit: %s", TTYamlFormatReal(e->visit, buf));
  if (t == TT_ENDPOINT_AUC) P(", interpolation: %s", e->log_down ? "linear_up_log_down" : "linear");
  if (e->event[0]) {
    P(", event: ");
    PetscCall(TTYamlWriteName(out, e->event));
  }
  if (t == TT_ENDPOINT_RESPONDER) P(", measure: %s", TTMeasureNames[e->measure]);
  if (t == TT_ENDPOINT_RESPONDER || t == TT_ENDPOINT_BEST_RESPONSE)
    P(", threshold: %s", TTYamlFormatReal(e->threshold, buf));
  if (t == TT_ENDPOINT_RESPONDER) P(", direction: %s", e->below ? "below" : "above");
  if (t == TT_ENDPOINT_BEST_RESPONSE) P(", confirm_weeks: %s", TTYamlFormatReal(e->confirm_days / 7.0, buf));
  if (t == TT_ENDPOINT_PROGRESSION_FREE) {
    P(", progression_percent: %s", TTYamlFormatReal(e->progression_percent, buf));
    P(", progression_absolute: %s", TTYamlFormatReal(e->progression_absolute, buf));
  }
  if (t == TT_ENDPOINT_COUNT) {
    for (u = TT_NTIME_UNIT - 1; u > 0 && TTTimeUnitDays[u] != e->per_days; u--) {
    }
    P(", per: %s", TTTimeUnitNames[u]);
  }
  P("}\n");
  PetscFunctionReturn(0);
}

/* The keys of one analysis that apply to its method (see protocol_analysis.c). */
static PetscErrorCode ViewAnalysis(const TTProtocol *p, const TTAnalysisSpec *a, FILE *out)
{
  const TTAnalysisMethod m = a->method;
  char                   buf[32];
  PetscFunctionBeginUser;
  P("  - {name: ");
  PetscCall(TTYamlWriteName(out, a->name));
  P(", endpoint: ");
  PetscCall(TTYamlWriteName(out, a->endpoint));
  P(", method: %s", TTAnalysisMethodNames[m]);
  if (m == TT_ANALYSIS_ANCOVA || m == TT_ANALYSIS_ODDS_RATIO || m == TT_ANALYSIS_COX || m == TT_ANALYSIS_NEGBIN ||
      m == TT_ANALYSIS_POISSON || m == TT_ANALYSIS_MMRM || (m == TT_ANALYSIS_MI && a->ncovariate)) {
    P(", covariates: [");
    for (int j = 0; j < a->ncovariate; j++) {
      P("%s%s", j ? ", " : "", a->coding[j] == TT_CODING_FACTOR ? "factor(" : a->coding[j] ? "numeric(" : "");
      PetscCall(TTYamlWriteName(out, a->covariate[j]));
      P("%s", a->coding[j] ? ")" : "");
    }
    P("]");
  }
  if (m == TT_ANALYSIS_MI) {
    P(", imputation: %s", tt_mi_method_name((tt_mi_method) a->mi_method));
    if (a->mi_method != TT_MI_MAR && a->mi_method != TT_MI_DELTA) {
      P(", reference: ");
      PetscCall(TTYamlWriteName(out, p->arm[a->mi_reference_arm].name));
    }
    if (a->mi_method == TT_MI_DELTA) P(", delta: %s", TTYamlFormatReal(a->mi_delta, buf));
    P(", imputations: %d, analysis: %s", a->mi_imputations, a->mi_analysis == TT_MI_MMRM ? "mmrm" : "ancova");
  }
  if (m == TT_ANALYSIS_MMRM || (m == TT_ANALYSIS_MI && a->mi_analysis == TT_MI_MMRM)) {
    P(", covariance: %s, fallback: [", tt_mmrm_cov_name((tt_mmrm_cov) a->mmrm_covariance));
    for (int j = 0; j < a->nfallback; j++) P("%s%s", j ? ", " : "", tt_mmrm_cov_name((tt_mmrm_cov) a->fallback[j]));
    P("], df: %s", a->mmrm_df == TT_MMRM_KENWARD_ROGER ? "kenward_roger" : "satterthwaite");
  }
  if (m == TT_ANALYSIS_MMRM || m == TT_ANALYSIS_MI) P(", visit: %s", TTYamlFormatReal(a->mmrm_visit, buf));
  if (a->estimand != TT_ESTIMAND_TREATMENT_POLICY) P(", estimand: %s", TTEstimandNames[a->estimand]);
  if (m == TT_ANALYSIS_RISK_DIFFERENCE) P(", ci: %s", a->newcombe ? "newcombe" : a->score ? "score" : "wald");
  if (m == TT_ANALYSIS_COX) P(", ties: %s", a->breslow ? "breslow" : "efron");
  if ((m == TT_ANALYSIS_LOGRANK || m == TT_ANALYSIS_COX) && !a->nstrata)
    P(", stratified: %s", a->stratified ? "true" : "false");
  if (a->nstrata) {
    P(", strata: [");
    for (int j = 0; j < a->nstrata; j++) {
      P("%s", j ? ", " : "");
      PetscCall(TTYamlWriteName(out, a->strata[j]));
    }
    P("]");
  }
  P(", alpha: %s, sided: %d", TTYamlFormatReal(a->alpha, buf), a->sided);
  if (a->sided == 1) P(", direction: %s", a->direction > 0 ? "higher" : "lower");
  if (a->sided == 1 && (m == TT_ANALYSIS_ANCOVA || m == TT_ANALYSIS_WELCH || m == TT_ANALYSIS_RISK_DIFFERENCE ||
                        m == TT_ANALYSIS_MMRM || m == TT_ANALYSIS_MI))
    P(", margin: %s", TTYamlFormatReal(a->margin, buf));
  if (a->sided == 1 &&
      (m == TT_ANALYSIS_ODDS_RATIO || m == TT_ANALYSIS_COX || m == TT_ANALYSIS_NEGBIN || m == TT_ANALYSIS_POISSON))
    P(", margin_ratio: %s", TTYamlFormatReal(a->margin_ratio > 0 ? a->margin_ratio : 1.0, buf));
  P(", treatment: ");
  PetscCall(TTYamlWriteName(out, p->arm[a->treatment_arm].name));
  P(", control: ");
  PetscCall(TTYamlWriteName(out, p->arm[a->control_arm].name));
  P("}\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode ViewInterim(const TTProtocol *p, FILE *out)
{
  static const char *const futility[] = {"obrien_fleming", "pocock", "hsd", "none"};
  char                     buf[32];
  PetscFunctionBeginUser;
  if (!p->nlook) PetscFunctionReturn(0);
  P("interim: {%s: [", p->event_driven ? "events" : "information");
  for (int i = 0; i < p->nlook; i++)
    P("%s%s", i ? ", " : "", TTYamlFormatReal(p->event_driven ? p->events[i] : p->information[i], buf));
  P("]");
  if (p->max_duration_days > 0) P(", max_duration_days: %s", TTYamlFormatReal(p->max_duration_days, buf));
  P(", spending: %s", TTSpendingNames[p->spending]);
  if (p->spending == TT_SPENDING_HSD) P(", gamma: %s", TTYamlFormatReal(p->spending_gamma, buf));
  P(", futility: %s", futility[p->futility]);
  if (p->futility == TT_SPENDING_HSD) P(", futility_gamma: %s", TTYamlFormatReal(p->futility_gamma, buf));
  if (p->futility != TT_SPENDING_NONE) P(", beta: %s", TTYamlFormatReal(p->futility_beta, buf));
  P(", analysis: ");
  PetscCall(TTYamlWriteName(out, p->analysis[p->interim_analysis].name));
  P("}\n");
  PetscFunctionReturn(0);
}

/* ", key: name" when name is not NULL. */
static PetscErrorCode ViewKey(FILE *out, const char *key, const char *name)
{
  PetscFunctionBeginUser;
  if (!name) PetscFunctionReturn(0);
  P("%s", key);
  PetscCall(TTYamlWriteName(out, name));
  PetscFunctionReturn(0);
}

/* One published figure; its uncertainty as the standard error it resolves to. */
static PetscErrorCode ViewFigure(const TTProtocol *p, const TTFigureSpec *f, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  P("  - {name: ");
  PetscCall(TTYamlWriteName(out, f->name));
  P(", statistic: %s", TTFigureStatisticNames[f->statistic]);
  PetscCall(ViewKey(out, ", endpoint: ", f->endpoint >= 0 ? p->endpoint[f->endpoint].name : NULL));
  PetscCall(ViewKey(out, ", analysis: ", f->analysis >= 0 ? p->analysis[f->analysis].name : NULL));
  PetscCall(ViewKey(out, ", arm: ", f->arm >= 0 ? p->arm[f->arm].name : NULL));
  PetscCall(ViewKey(out, ", variable: ", f->variable[0] ? f->variable : NULL));
  if (f->statistic == TT_FIGURE_SURVIVAL) P(", time: %s", TTYamlFormatReal(f->time_days / f->unit_days, buf));
  if (f->statistic == TT_FIGURE_SURVIVAL || f->statistic == TT_FIGURE_MEDIAN)
    P(", unit: %s", TTTimeUnitName(f->unit_days));
  P(", published: %s", TTYamlFormatReal(f->published, buf));
  P(", se: %s, fitted: %s, source: ", TTYamlFormatReal(f->se, buf), f->fitted ? "true" : "false");
  PetscCall(TTYamlWriteString(out, f->source));
  P("}\n");
  PetscFunctionReturn(0);
}

/* choose: with its defaults (visit, control) filled in; target only for below / above. */
static PetscErrorCode ViewChoose(const TTProtocol *p, FILE *out)
{
  char buf[32];
  PetscFunctionBeginUser;
  if (!p->choose) PetscFunctionReturn(0);
  P("choose: {variable: ");
  PetscCall(TTYamlWriteName(out, p->choose_variable));
  P(", visit: %s, goal: %s", TTYamlFormatReal(p->choose_visit, buf), TTChooseGoalNames[p->choose_goal]);
  if (p->choose_goal == TT_CHOOSE_BELOW || p->choose_goal == TT_CHOOSE_ABOVE)
    P(", target: %s", TTYamlFormatReal(p->choose_target, buf));
  P(", control: ");
  PetscCall(TTYamlWriteName(out, p->arm[p->choose_control].name));
  P("}\n");
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolView(const TTProtocol *p, FILE *out)
{
  static const char *const subjects[] = {"none", "first_replicate", "all"};
  PetscFunctionBeginUser;
  P("# resolved protocol: every default filled in; durations in days; cohort path absolute\n");
  PetscCall(ViewTrial(p, out));
  PetscCall(ViewModelArms(p, out));
  PetscCall(ViewSchedule(p, out));
  P("endpoints:\n");
  for (int i = 0; i < p->nendpoint; i++) PetscCall(ViewEndpoint(&p->endpoint[i], out));
  P("analysis:\n");
  for (int i = 0; i < p->nanalysis; i++) PetscCall(ViewAnalysis(p, &p->analysis[i], out));
  PetscCall(ViewInterim(p, out));
  P("output: {subjects: %s}\n", subjects[p->output_subjects]);
  for (int a = 0; a < p->narm; a++)
    if (p->arm[a].calibrate.active) {
      P("calibration: {twins: %d, bootstrap: %d}\n", p->calibration_twins, p->calibration_bootstrap);
      break;
    }
  if (p->nfigure) P("validation:\n");
  for (int i = 0; i < p->nfigure; i++) PetscCall(ViewFigure(p, &p->figure[i], out));
  PetscCall(ViewChoose(p, out));
  PetscFunctionReturn(0);
}

PetscErrorCode TTProtocolOverride(TTProtocol *p, PetscInt replicates, PetscInt patients, PetscBool seed_set,
                                  uint64_t seed)
{
  PetscFunctionBeginUser;
  if (replicates >= 0) {
    PetscCheck(replicates >= 1 && replicates <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "command line: --replicates: expected an integer >= 1, found %" PetscInt_FMT, replicates);
    p->replicates = (int) replicates;
  }
  if (patients >= 0) {
    PetscCheck(patients >= 2 && patients <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "command line: --patients: expected an integer >= 2, found %" PetscInt_FMT, patients);
    p->patients = (int) patients;
  }
  if (seed_set) p->seed = seed;
  PetscFunctionReturn(0);
}
