/* test_protocol.c — protocol loading (every endpoint type, analysis method, dropout
 * model, enrollment and interim design), defaults, View → Load round trip, overrides,
 * cohort path resolution, and the TTYaml conversions. Bad inputs are covered one
 * fixture per CTest test by test_protocol_bad.c. Usage: test_protocol [case]. */
#define _XOPEN_SOURCE 700 /* realpath, chdir, getcwd */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <twintrial/protocol.h>

#define DATA TT_TEST_DATA_DIR

static int nfail;

#define CHECK(cond)                                                                                                    \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      nfail++;                                                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                         \
    }                                                                                                                  \
  } while (0)

/* Clears what legitimately differs between two loads of the same protocol:
 * path, text and source locations. */
static void Normalize(TTProtocol *p)
{
  memset(p->path, 0, sizeof p->path);
  p->text = NULL;
  memset(p->strata_loc, 0, sizeof p->strata_loc);
  memset(&p->cohort_loc, 0, sizeof p->cohort_loc);
  memset(&p->model_loc, 0, sizeof p->model_loc);
  memset(&p->dropout.variable_loc, 0, sizeof p->dropout.variable_loc);
  memset(&p->interim_loc, 0, sizeof p->interim_loc);
  memset(&p->events_loc, 0, sizeof p->events_loc);
  memset(&p->choose_loc, 0, sizeof p->choose_loc);
  memset(&p->choose_variable_loc, 0, sizeof p->choose_variable_loc);
  memset(&p->choose_visit_loc, 0, sizeof p->choose_visit_loc);
  for (int i = 0; i < TT_MAX_PARAMS; i++) memset(&p->param[i].loc, 0, sizeof(TTLoc));
  for (int i = 0; i < TT_MAX_ARMS; i++) {
    memset(&p->arm[i].loc, 0, sizeof(TTLoc));
    for (int j = 0; j < TT_MAX_EFFECTS; j++) memset(&p->arm[i].effect[j].loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].calibrate.loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].calibrate.interval_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].dropout.variable_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].dropout_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].extra_dropout.variable_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].dose_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].regimen_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].switch_loc, 0, sizeof(TTLoc));
  }
  for (int i = 0; i < TT_MAX_REGIMENS; i++) {
    memset(&p->regimen[i].loc, 0, sizeof(TTLoc));
    memset(&p->regimen[i].dose_loc, 0, sizeof(TTLoc));
    for (int j = 0; j < TT_MAX_EFFECTS; j++) memset(&p->regimen[i].effect[j].loc, 0, sizeof(TTLoc));
  }
  memset(&p->calibration_loc, 0, sizeof p->calibration_loc);
  for (int i = 0; i < TT_MAX_ENDPOINTS; i++) {
    memset(&p->endpoint[i].loc, 0, sizeof(TTLoc));
    memset(&p->endpoint[i].variable_loc, 0, sizeof(TTLoc));
    memset(&p->endpoint[i].event_loc, 0, sizeof(TTLoc));
  }
  for (int i = 0; i < TT_MAX_ANALYSES; i++) {
    memset(&p->analysis[i].loc, 0, sizeof(TTLoc));
    memset(&p->analysis[i].method_loc, 0, sizeof(TTLoc));
    memset(p->analysis[i].covariate_loc, 0, sizeof p->analysis[i].covariate_loc);
    memset(&p->analysis[i].estimand_loc, 0, sizeof(TTLoc));
  }
  memset(&p->discontinuation.loc, 0, sizeof(TTLoc));
  memset(&p->missed_loc, 0, sizeof(TTLoc));
  memset(&p->discontinuation.then_loc, 0, sizeof(TTLoc));
  memset(&p->discontinuation.hazard.variable_loc, 0, sizeof(TTLoc));
  for (int i = 0; i < TT_MAX_ARMS; i++) {
    memset(&p->arm[i].discontinuation.loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].discontinuation.then_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].discontinuation.hazard.variable_loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].rescue.loc, 0, sizeof(TTLoc));
    memset(&p->arm[i].rescue.variable_loc, 0, sizeof(TTLoc));
  }
  memset(&p->rescue.loc, 0, sizeof(TTLoc));
  memset(&p->rescue.variable_loc, 0, sizeof(TTLoc));
}

/* View(p) to a file, Load it back, and compare the structs (normalized, bytewise:
 * both are zero-initialised by the loader, so padding and unused slots agree). */
static PetscErrorCode RoundTrip(const char *path)
{
  TTProtocol *p, *q, a, b;
  char        out[PATH_MAX];
  FILE       *fp;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(path, &p));
  PetscCall(PetscSNPrintf(out, sizeof out, "%s/roundtrip_%s", TT_TEST_OUT_DIR, strrchr(path, '/') + 1));
  fp = fopen(out, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", out);
  PetscCall(TTProtocolView(p, fp));
  fclose(fp);
  PetscCall(TTProtocolLoad(out, &q));
  a = *p;
  b = *q;
  Normalize(&a);
  Normalize(&b);
  CHECK(!strcmp(a.name, b.name));
  CHECK(a.seed == b.seed && a.block_size == b.block_size && a.dropout.scale_days == b.dropout.scale_days);
  CHECK(!memcmp(&a, &b, sizeof a));
  if (memcmp(&a, &b, sizeof a)) PetscCall(TTProtocolView(q, stderr));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolDestroy(&q));
  PetscFunctionReturn(0);
}

static PetscErrorCode view_roundtrip_is_identical(void)
{
  PetscFunctionBeginUser;
  PetscCall(RoundTrip(DATA "/protocols/good.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/minimal.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/exponential.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/everything.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/defaults.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/gsd_events_exponential.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/calibrate.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/arm_dropout.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/switch/t2d_escalation.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/discontinuation/washout.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/ad_mi.yaml"));     /* mi with covariates */
  PetscCall(RoundTrip(DATA "/protocols/ad_mi_ice.yaml")); /* mi with estimands */
  PetscCall(RoundTrip(DATA "/protocols/ad_missed.yaml")); /* missed_visits */
  PetscCall(RoundTrip(DATA "/protocols/discontinuation/mixed.yaml"));
  PetscCall(RoundTrip(DATA "/protocols/discontinuation/rescue.yaml")); /* rescue: protocol, own, none */
  PetscCall(RoundTrip(DATA "/protocols/switch/ad_switch.yaml"));
  PetscFunctionReturn(0);
}

/* interim.events: the counts, information = events / the last count, the calendar
 * cut-off in days; an information design is not event-driven. */
static PetscErrorCode event_driven_interim_values(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/gsd_events_exponential.yaml", &p));
  CHECK(p->nlook == 2 && p->event_driven == 1);
  CHECK(p->events[0] == 125 && p->events[1] == 250);
  CHECK(p->information[0] == 0.5 && p->information[1] == 1.0);
  CHECK(p->max_duration_days == 120 * 365.25 / 12.0);
  CHECK(p->events_loc.line == 33 && p->events_loc.column == 19);
  CHECK(p->futility == TT_SPENDING_OBF && p->futility_beta == 0.2);
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolLoad(DATA "/protocols/ad_gsd_null.yaml", &p));
  CHECK(p->nlook == 3 && p->event_driven == 0 && p->max_duration_days == 0 && p->information[1] == 0.75);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* Every value of good.yaml as written there. */
static PetscErrorCode good_protocol_values(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  CHECK(!strcmp(p->name, "Symptomatic AChE inhibitor, 78 weeks"));
  CHECK(p->seed == 20261124 && p->replicates == 1000 && p->patients == 400);
  CHECK(p->narm == 2 && !strcmp(p->arm[1].name, "donepezil_10mg"));
  CHECK(p->arm[0].ratio == 1 && p->arm[1].ratio == 2);
  CHECK(p->randomization == TT_RANDOMIZE_PERMUTED_BLOCK && p->block_size == 6);
  CHECK(p->nstrata == 1 && !strcmp(p->strata[0], "apoe4_carrier"));
  CHECK(p->strata_loc[0].line == 8 && p->strata_loc[0].column == 67); /* for later checks against the cohort */
  CHECK(!strcmp(p->model, "alzheimers_adas") && p->nparam == 2 && p->param[1].value == 0.153);
  CHECK(!strcmp(p->param[0].key, "bl") && p->param[0].loc.line == 10 && p->param[0].loc.column == 45);
  CHECK(p->arm[1].neffect == 2 && p->arm[1].effect[1].value == 7.6);
  CHECK(!strcmp(p->time_unit, "week") && p->unit_in_days == 7 && p->nvisit == 7 && p->visit[5] == 65);
  CHECK(p->dropout.model == TT_DROPOUT_WEIBULL && p->dropout.shape == 0.62);
  CHECK(fabs(p->dropout.scale_days - 124 * 365.25 / 12) < 1e-9); /* 3774.25 days */
  CHECK(p->prognostic_noise_sd == 0.5);
  CHECK(p->nendpoint == 2 && p->endpoint[0].type == TT_ENDPOINT_CHANGE_FROM_BASELINE &&
        p->endpoint[0].visit_index == 6);
  CHECK(p->endpoint[1].type == TT_ENDPOINT_VALUE_AT_VISIT && p->endpoint[1].visit_index == 2);
  CHECK(p->nanalysis == 3 && p->analysis[1].ncovariate == 2 &&
        !strcmp(p->analysis[1].covariate[1], "prognostic_score"));
  CHECK(p->analysis[0].treatment_arm == 1 && p->analysis[0].control_arm == 0);
  CHECK(p->analysis[2].method == TT_ANALYSIS_WELCH && p->analysis[2].sided == 1 && p->analysis[2].direction == 1);
  CHECK(p->analysis[2].alpha == 0.025 && p->analysis[2].treatment_arm == 0 && p->analysis[2].control_arm == 1);
  CHECK(p->analysis[2].endpoint_index == 1);
  CHECK(p->output_subjects == TT_OUTPUT_ALL);
  CHECK(p->accrual_days == 0 && p->followup_days == 0 && p->nlook == 0); /* no enrollment, no interim */
  CHECK(p->futility == TT_SPENDING_NONE && p->futility_beta == 0.2 && p->interim_analysis == 0);
  CHECK(p->endpoint[0].event[0] == 0 && p->endpoint[0].measure == TT_MEASURE_VALUE && p->endpoint[0].threshold == 0);
  CHECK(p->analysis[0].margin == 0 && p->analysis[0].stratified == 0 && p->analysis[0].newcombe == 0);
  CHECK(p->analysis[0].method_loc.line == 21 && p->analysis[0].method_loc.column == 53);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* minimal.yaml gives only required keys: the defaults of the schema. */
static PetscErrorCode minimal_protocol_gets_defaults(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/minimal.yaml", &p));
  CHECK(p->seed == UINT64_MAX);                                                 /* 18446744073709551615 */
  CHECK(p->arm[0].ratio == 1 && p->arm[1].ratio == 1);                          /* no allocation: 1:1 */
  CHECK(p->randomization == TT_RANDOMIZE_PERMUTED_BLOCK && p->block_size == 4); /* 2 * sum of ratios */
  CHECK(p->nstrata == 0 && p->nparam == 0 && p->arm[0].neffect == 0);
  CHECK(p->unit_in_days == 365.25 / 12 && p->visit[1] == 6.5);
  CHECK(p->dropout.model == TT_DROPOUT_NONE && p->prognostic_noise_sd == 0);
  CHECK(p->analysis[0].alpha == 0.05 && p->analysis[0].sided == 2 && p->analysis[0].direction == -1);
  CHECK(p->analysis[0].treatment_arm == 1 && p->analysis[0].control_arm == 0 && p->analysis[0].ncovariate == 0);
  CHECK(p->output_subjects == TT_OUTPUT_FIRST_REPLICATE);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* Every new feature with non-default values, as written in everything.yaml. */
static PetscErrorCode everything_protocol_values(void)
{
  TTProtocol           *p;
  const TTEndpointSpec *e;
  const TTAnalysisSpec *a;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/everything.yaml", &p));
  e = p->endpoint;
  a = p->analysis;
  CHECK(p->accrual_days == 18 * (365.25 / 12) && p->followup_days == 26 * 7.0);
  CHECK(p->dropout.model == TT_DROPOUT_OUTCOME_DEPENDENT && p->dropout.shape == 1);
  CHECK(fabs(p->dropout.scale_days - 100 * 365.25 / 12) < 1e-9); /* rate 0.01 per month */
  CHECK(!strcmp(p->dropout.variable, "adas_cog") && p->dropout.gamma == -0.125);
  CHECK(p->dropout.variable_loc.line == 19 && p->dropout.variable_loc.column == 69);
  CHECK(p->choose == 1 && !strcmp(p->choose_variable, "adas_cog") && p->choose_visit == 26);
  CHECK(p->choose_goal == TT_CHOOSE_ABOVE && p->choose_target == 20 && p->choose_control == 1);
  CHECK(p->choose_variable_loc.line == 45 && p->choose_variable_loc.column == 20);
  CHECK(p->choose_visit_loc.line == 45 && p->choose_visit_loc.column == 37);
  CHECK(p->nendpoint == 8);
  CHECK(e[0].type == TT_ENDPOINT_CHANGE_FROM_BASELINE && e[0].visit_index == 3);
  CHECK(e[1].type == TT_ENDPOINT_VALUE_AT_VISIT && e[1].visit_index == 1);
  CHECK(e[2].type == TT_ENDPOINT_PERCENT_CHANGE && e[2].visit == 26 && e[2].visit_index == 2);
  CHECK(!strcmp(e[2].variable, "tumour_size") && TTEndpointKindOf(e[2].type) == TT_KIND_CONTINUOUS);
  CHECK(e[3].type == TT_ENDPOINT_RESPONDER && e[3].visit_index == 3 && e[3].threshold == -4 && e[3].below == 1);
  CHECK(e[3].measure == TT_MEASURE_CHANGE && TTEndpointKindOf(e[3].type) == TT_KIND_BINARY);
  CHECK(e[4].type == TT_ENDPOINT_BEST_RESPONSE && e[4].threshold == -50 && e[4].visit_index == -1);
  CHECK(TTEndpointKindOf(e[4].type) == TT_KIND_BINARY && !strcmp(e[4].variable, "tumour_size"));
  CHECK(e[5].type == TT_ENDPOINT_TIME_TO_EVENT && !strcmp(e[5].event, "death") && e[5].variable[0] == 0);
  CHECK(e[5].visit_index == -1 && e[5].event_loc.line == 27 && e[5].event_loc.column == 44);
  CHECK(TTEndpointKindOf(e[5].type) == TT_KIND_TIME_TO_EVENT && TTEndpointKindOf(e[6].type) == TT_KIND_TIME_TO_EVENT);
  CHECK(e[6].type == TT_ENDPOINT_PROGRESSION_FREE && !strcmp(e[6].event, "death") && e[6].visit_index == -1);
  CHECK(e[6].progression_percent == 25 && e[6].progression_absolute == 0 && !strcmp(e[6].variable, "tumour_size"));
  CHECK(e[7].type == TT_ENDPOINT_COUNT && !strcmp(e[7].event, "relapse") && e[7].per_days == 365.25 / 12);
  CHECK(TTEndpointKindOf(e[7].type) == TT_KIND_COUNT && e[7].visit_index == -1);
  CHECK(p->nanalysis == 9);
  CHECK(a[0].method == TT_ANALYSIS_ANCOVA && a[0].margin == 0.3 && a[0].sided == 1 && a[0].direction == -1);
  CHECK(a[0].alpha == 0.025 && a[0].ncovariate == 2 && a[0].method_loc.line == 32 && a[0].method_loc.column == 43);
  CHECK(a[1].method == TT_ANALYSIS_WELCH && a[1].ncovariate == 0 && a[1].endpoint_index == 2);
  CHECK(a[2].method == TT_ANALYSIS_RISK_DIFFERENCE && a[2].newcombe == 0 && a[2].direction == 1);
  CHECK(a[3].method == TT_ANALYSIS_ODDS_RATIO && a[3].ncovariate == 2 && !strcmp(a[3].covariate[1], "age"));
  CHECK(a[4].method == TT_ANALYSIS_CMH && a[4].stratified == 1 && a[4].treatment_arm == 0 && a[4].control_arm == 1);
  CHECK(a[5].method == TT_ANALYSIS_LOGRANK && a[5].stratified == 1 && a[5].endpoint_index == 5);
  CHECK(a[6].method == TT_ANALYSIS_COX && a[6].breslow == 1 && a[6].stratified == 1 && a[6].ncovariate == 1);
  CHECK(a[6].endpoint_index == 6);
  CHECK(a[7].method == TT_ANALYSIS_NEGBIN && a[7].ncovariate == 1 && a[7].endpoint_index == 7);
  CHECK(a[8].method == TT_ANALYSIS_POISSON && a[8].margin == log(0.9) && a[8].margin_ratio == 0.9 && a[8].sided == 1);
  CHECK(p->nlook == 4 && p->information[0] == 0.25 && p->information[3] == 1);
  CHECK(p->spending == TT_SPENDING_HSD && p->spending_gamma == -4);
  CHECK(p->futility == TT_SPENDING_HSD && p->futility_gamma == -2.5 && p->futility_beta == 0.1);
  CHECK(p->interim_analysis == 6 && p->interim_loc.line == 43 && p->interim_loc.column == 32);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* defaults.yaml: the new types, methods, dropout and interim with only required keys. */
static PetscErrorCode new_features_get_defaults(void)
{
  TTProtocol           *p;
  const TTEndpointSpec *e;
  const TTAnalysisSpec *a;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/defaults.yaml", &p));
  e = p->endpoint;
  a = p->analysis;
  CHECK(p->accrual_days == 0 && p->followup_days == 0);
  CHECK(p->dropout.model == TT_DROPOUT_OUTCOME_DEPENDENT && p->dropout.gamma == 0 && p->dropout.shape == 1);
  CHECK(p->dropout.scale_days == 2 * 365.25);
  CHECK(e[0].measure == TT_MEASURE_VALUE && e[0].below == 0 && e[0].visit_index == 0); /* baseline ok on values */
  CHECK(e[1].threshold == -30 && e[1].below == 0 && e[1].measure == TT_MEASURE_VALUE);
  CHECK(e[2].visit == 0 && e[2].threshold == 0 && e[2].per_days == 0);
  CHECK(e[3].event[0] == 0 && e[3].progression_percent == 20 && e[3].progression_absolute == 5);
  CHECK(e[4].per_days == 365.25 && e[4].event_loc.line == 14 && e[4].event_loc.column == 37);
  CHECK(e[5].type == TT_ENDPOINT_PERCENT_CHANGE && e[5].visit_index == 1);
  CHECK(a[0].newcombe == 1 && a[0].margin == 0 && a[0].ncovariate == 0 && a[0].stratified == 0);
  CHECK(a[1].stratified == 1 && a[1].newcombe == 0);
  CHECK(a[2].stratified == 0 && a[2].breslow == 0);
  CHECK(a[3].stratified == 0 && a[3].breslow == 0 && a[3].alpha == 0.05 && a[3].sided == 2);
  CHECK(a[4].method == TT_ANALYSIS_POISSON && a[4].endpoint_index == 4);
  CHECK(p->nlook == 2 && p->information[0] == 0.5 && p->spending == TT_SPENDING_OBF && p->spending_gamma == 0);
  CHECK(p->futility == TT_SPENDING_NONE && p->futility_gamma == 0 && p->futility_beta == 0.2);
  CHECK(p->interim_analysis == 0 && p->interim_loc.line == 22 && p->interim_loc.column == 10);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* Reads the whole of `path` into buf. */
static void Slurp(const char *path, char *buf, size_t len)
{
  FILE  *fp = fopen(path, "rb");
  size_t n  = fp ? fread(buf, 1, len - 1, fp) : 0;
  buf[n]    = 0;
  if (fp) fclose(fp);
}

/* View prints only the keys that apply to each type and method, enrollment and interim only when set. */
static PetscErrorCode view_prints_applicable_keys(void)
{
  TTProtocol *p;
  char        path[PATH_MAX], text[16384];
  FILE       *fp;
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof path, "%s/view_defaults.yaml", TT_TEST_OUT_DIR));
  PetscCall(TTProtocolLoad(DATA "/protocols/defaults.yaml", &p));
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  PetscCall(TTProtocolView(p, fp));
  fclose(fp);
  PetscCall(TTProtocolDestroy(&p));
  Slurp(path, text, sizeof text);
  CHECK(strstr(text, "dropout: {model: outcome_dependent, scale_days: 730.5, variable: adas_cog, "
                     "log_hazard_per_unit: 0}\n"));
  CHECK(strstr(text, "  - {name: resp, type: responder, variable: adas_cog, visit: 0, measure: value, threshold: 20, "
                     "direction: above}\n"));
  CHECK(
      strstr(text, "  - {name: orr, type: best_response, variable: tumour_size, threshold: -30, confirm_weeks: 0}\n"));
  CHECK(strstr(text, "  - {name: os, type: time_to_event, event: death}\n"));
  CHECK(strstr(text, "  - {name: pfs, type: progression_free, variable: tumour_size, progression_percent: 20, "
                     "progression_absolute: 5}\n"));
  CHECK(strstr(text, "  - {name: arr, type: count, event: relapse, per: year}\n"));
  CHECK(strstr(text, "  - {name: rd, endpoint: resp, method: risk_difference, ci: newcombe, alpha: 0.05, sided: 2, "
                     "treatment: active, control: control}\n"));
  CHECK(strstr(text, "  - {name: cmh, endpoint: orr, method: cmh, alpha: 0.05, sided: 2, "));
  CHECK(strstr(text, "  - {name: lr, endpoint: os, method: logrank, stratified: false, alpha: 0.05, "));
  CHECK(strstr(text, "  - {name: cox, endpoint: pfs, method: cox, covariates: [], ties: efron, stratified: false, "));
  CHECK(strstr(text, "  - {name: pois, endpoint: arr, method: poisson, covariates: [], alpha: 0.05, "));
  CHECK(strstr(text, "interim: {information: [0.5, 1], spending: obrien_fleming, futility: none, analysis: rd}\n"));
  CHECK(!strstr(text, "enrollment") && !strstr(text, "margin"));
  CHECK(strstr(text, "choose: {variable: adas_cog, visit: 30, goal: minimize, control: control}\n"));
  PetscCall(TTProtocolLoad(DATA "/protocols/everything.yaml", &p));
  fp = fopen(path, "w");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  PetscCall(TTProtocolView(p, fp));
  fclose(fp);
  PetscCall(TTProtocolDestroy(&p));
  Slurp(path, text, sizeof text);
  CHECK(strstr(text, "  enrollment: {accrual_days: 547.875, followup_days: 182}\n"));
  CHECK(strstr(text, "sided: 1, direction: lower, margin: 0.3, treatment: drug, control: placebo}\n"));
  CHECK(strstr(text, "interim: {information: [0.25, 0.5, 0.75, 1], spending: hsd, gamma: -4, futility: hsd, "
                     "futility_gamma: -2.5, beta: 0.1, analysis: cox}\n"));
  CHECK(strstr(text, "choose: {variable: adas_cog, visit: 26, goal: above, target: 20, control: drug}\n"));
  PetscFunctionReturn(0);
}

/* rate_per_year 0.25 → mean 4 years = 1461 days, shape 1; simple randomization keeps fractional ratios. */
static PetscErrorCode exponential_dropout_in_days(void)
{
  TTProtocol *p;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/exponential.yaml", &p));
  CHECK(p->dropout.model == TT_DROPOUT_EXPONENTIAL && p->dropout.shape == 1 &&
        fabs(p->dropout.scale_days - 1461) < 1e-9);
  CHECK(p->randomization == TT_RANDOMIZE_SIMPLE && p->block_size == 0 && p->arm[0].ratio == 1.5);
  CHECK(!strcmp(p->name, "quoted: name with \"escapes\"\tand a tab"));
  CHECK(p->visit[2] == 100 && p->analysis[0].treatment_arm == 2 && p->analysis[0].control_arm == 1);
  CHECK(p->output_subjects == TT_OUTPUT_NONE);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

static PetscErrorCode overrides_replace_file_values(void)
{
  TTProtocol    *p;
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  PetscCall(TTProtocolOverride(p, -1, -1, PETSC_FALSE, 99)); /* nothing given: file values stay */
  CHECK(p->replicates == 1000 && p->patients == 400 && p->seed == 20261124);
  PetscCall(TTProtocolOverride(p, 5, 60, PETSC_TRUE, 42));
  CHECK(p->replicates == 5 && p->patients == 60 && p->seed == 42);
  PetscCall(TTProtocolOverride(p, -1, -1, PETSC_TRUE, 0)); /* seed 0 is a valid seed */
  CHECK(p->seed == 0 && p->replicates == 5);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTProtocolOverride(p, 0, -1, PETSC_FALSE, 0); /* --replicates 0 is a user error */
  CHECK(ierr == PETSC_ERR_USER);
  ierr = TTProtocolOverride(p, -1, 1, PETSC_FALSE, 0); /* --patients 1 too */
  CHECK(ierr == PETSC_ERR_USER);
  PetscCall(PetscPopErrorHandler());
  CHECK(p->replicates == 5 && p->patients == 60);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* The cohort path resolves against the protocol's directory whatever the working directory. */
static PetscErrorCode cohort_path_relative_to_protocol(void)
{
  TTProtocol *p;
  char        want[PATH_MAX], cwd[PATH_MAX];
  PetscFunctionBeginUser;
  CHECK(realpath(DATA "/cohorts/good.yaml", want) != NULL);
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  PetscCall(TTProtocolLoad(DATA "/protocols/sub/dir/nested.yaml", &p));
  CHECK(!strcmp(p->cohort_path, want));
  CHECK(p->cohort_loc.line == 3 && p->cohort_loc.column == 9);
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(DATA "/protocols/sub") == 0);
  PetscCall(TTProtocolLoad("dir/nested.yaml", &p)); /* relative protocol path too */
  CHECK(!strcmp(p->cohort_path, want) && !strcmp(p->path, "dir/nested.yaml"));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(DATA "/protocols/sub/dir") == 0);
  PetscCall(TTProtocolLoad("nested.yaml", &p)); /* no directory part */
  CHECK(!strcmp(p->cohort_path, want));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(chdir(cwd) == 0);
  PetscFunctionReturn(0);
}

/* text keeps the file's bytes as given (provenance). */
static PetscErrorCode text_is_the_file(void)
{
  TTProtocol *p;
  char        buf[8192];
  size_t      n;
  FILE       *fp = fopen(DATA "/protocols/good.yaml", "rb");
  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "good.yaml");
  n      = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = 0;
  fclose(fp);
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p));
  CHECK(!strcmp(p->text, buf));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* Reals print as the shortest decimal that reads back exactly. */
static PetscErrorCode format_real_is_shortest_exact(void)
{
  const double v[] = {0.05, 0.1 + 0.2, 1.0 / 3.0, 3774.25, 1e-300, -2.5, 0.0, 65, 1e22};
  char         buf[32];
  PetscFunctionBeginUser;
  CHECK(!strcmp(TTYamlFormatReal(0.05, buf), "0.05"));
  CHECK(!strcmp(TTYamlFormatReal(65, buf), "65"));
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) CHECK(strtod(TTYamlFormatReal(v[i], buf), NULL) == v[i]);
  PetscFunctionReturn(0);
}

/* Destroy accepts NULL and nulls the pointer. */
static PetscErrorCode destroy_accepts_null(void)
{
  TTProtocol *p = NULL;
  TTYaml      y = NULL;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolDestroy(NULL));
  PetscCall(TTYamlDestroy(&y));
  PetscCall(TTProtocolLoad(DATA "/protocols/minimal.yaml", &p));
  PetscCall(TTProtocolDestroy(&p));
  CHECK(p == NULL);
  PetscFunctionReturn(0);
}

/* A missing protocol file is a user error naming the file. */
static PetscErrorCode missing_protocol_file(void)
{
  TTProtocol    *p = NULL;
  PetscErrorCode ierr;
  char          *msg = NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTProtocolLoad(DATA "/protocols/no_such_protocol.yaml", &p);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr == PETSC_ERR_USER && p == NULL);
  PetscCall(PetscErrorMessage(ierr, NULL, &msg));
  CHECK(msg && strstr(msg, "no_such_protocol.yaml: cannot open file: No such file or directory"));
  PetscFunctionReturn(0);
}

/* Calibrated effects as written in calibrate.yaml, with the defaults filled in: the
 * first analysis's endpoint and the control of the analysis comparing the arm. */
static PetscErrorCode calibrated_effects_values(void)
{
  TTProtocol              *p;
  const TTCalibrationSpec *lo, *hi;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/calibrate.yaml", &p));
  lo = &p->arm[1].calibrate, hi = &p->arm[2].calibrate;
  CHECK(!p->arm[0].calibrate.active && lo->active && hi->active);
  CHECK(lo->effect == 0 && isnan(p->arm[1].effect[0].value) && p->arm[1].effect[1].value == 7.6);
  CHECK(lo->target == TT_TARGET_MEAN_DIFFERENCE && lo->value == -1.5 && lo->endpoint == 0 && lo->control == 0);
  CHECK(!lo->has_interval && lo->loc.line == 12 && lo->loc.column == 57);
  CHECK(hi->target == TT_TARGET_RISK_DIFFERENCE && hi->value == 0.2 && hi->endpoint == 1 && hi->control == 0);
  CHECK(hi->has_interval && hi->interval[0] == 0 && hi->interval[1] == 30);
  CHECK(p->calibration_twins == 3000 && p->calibration_bootstrap == 50);
  CHECK(!strcmp(TTCalibrationTargetName(TT_TARGET_RATE_RATIO), "rate_ratio"));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(TTProtocolLoad(DATA "/protocols/good.yaml", &p)); /* defaults without calibration */
  CHECK(!p->arm[1].calibrate.active && p->calibration_twins == 20000 && p->calibration_bootstrap == 200);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

/* arms[i].dropout (own, any form) and arms[i].extra_dropout; arms without their own get
 * the protocol's hazard, arms without an extra cause model none. */
static PetscErrorCode arm_dropout_values(void)
{
  TTProtocol          *p;
  const TTDropoutSpec *d;
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(DATA "/protocols/arm_dropout.yaml", &p));
  CHECK(p->dropout.model == TT_DROPOUT_EXPONENTIAL && fabs(p->dropout.scale_days - 364 / -log(0.8)) < 1e-9);
  CHECK(!p->arm[0].own_dropout && !memcmp(&p->arm[0].dropout, &p->dropout, sizeof p->dropout));
  CHECK(p->arm[0].extra_dropout.model == TT_DROPOUT_NONE && p->arm[0].extra_dropout.scale_days == 0);
  d = &p->arm[1].dropout; /* outcome_dependent, 10 % by week 26 at no worsening */
  CHECK(p->arm[1].own_dropout && d->model == TT_DROPOUT_OUTCOME_DEPENDENT && d->shape == 1);
  CHECK(fabs(d->scale_days - 182 / -log(0.9)) < 1e-9 && d->gamma == 0.05 && !strcmp(d->variable, "adas_cog"));
  CHECK(d->variable_loc.line == 15 && d->variable_loc.column == 77);
  CHECK(p->arm[1].dropout_loc.line == 15 && p->arm[1].dropout_loc.column == 15);
  CHECK(p->arm[1].extra_dropout.model == TT_DROPOUT_NONE);
  CHECK(p->arm[2].own_dropout && p->arm[2].dropout.model == TT_DROPOUT_NONE && p->arm[2].dropout.scale_days == 0);
  d = &p->arm[2].extra_dropout;
  CHECK(d->model == TT_DROPOUT_EXPONENTIAL && d->shape == 1 && fabs(d->scale_days - 365.25 / 0.2) < 1e-9);
  CHECK(!p->arm[3].own_dropout && !memcmp(&p->arm[3].dropout, &p->dropout, sizeof p->dropout));
  d = &p->arm[3].extra_dropout; /* Weibull 0.5, 8 % by month 6 */
  CHECK(d->model == TT_DROPOUT_WEIBULL && d->shape == 0.5);
  CHECK(fabs(d->scale_days - 6 * 365.25 / 12 / pow(-log(0.92), 2)) < 1e-9 * d->scale_days);
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

typedef struct {
  const char *name;
  PetscErrorCode (*run)(void);
} Case;

int main(int argc, char **argv)
{
  const Case cases[] = {
      {"good_protocol_values", good_protocol_values},
      {"minimal_protocol_gets_defaults", minimal_protocol_gets_defaults},
      {"exponential_dropout_in_days", exponential_dropout_in_days},
      {"everything_protocol_values", everything_protocol_values},
      {"calibrated_effects_values", calibrated_effects_values},
      {"arm_dropout_values", arm_dropout_values},
      {"new_features_get_defaults", new_features_get_defaults},
      {"view_prints_applicable_keys", view_prints_applicable_keys},
      {"view_roundtrip_is_identical", view_roundtrip_is_identical},
      {"event_driven_interim_values", event_driven_interim_values},
      {"overrides_replace_file_values", overrides_replace_file_values},
      {"cohort_path_relative_to_protocol", cohort_path_relative_to_protocol},
      {"text_is_the_file", text_is_the_file},
      {"format_real_is_shortest_exact", format_real_is_shortest_exact},
      {"destroy_accepts_null", destroy_accepts_null},
      {"missing_protocol_file", missing_protocol_file},
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
