/* protocol.h — a trial protocol (YAML) read into plain C structs, with validation.
 *
 * Not collective: every rank may load the same file and get the same result.
 * User mistakes (malformed YAML, unknown keys, wrong types, out-of-range or
 * inconsistent values, missing files) return PETSC_ERR_USER with exactly one
 * message of the form "FILE:LINE:COLUMN: KEY: expected …", where KEY is the
 * dotted path of the offending entry (e.g. "arms[1].effect.symptomatic_emax").
 * Checks that need the model registry or the cohort (model name, parameter and
 * effect names, covariate and stratum names, endpoint variables) are done by the
 * trial module; every such item therefore keeps its source location here.
 *
 * Also exported: a small YAML document reader (TTYaml) shared with the cohort
 * module, so both report errors the same way.
 */
#ifndef TWINTRIAL_PROTOCOL_H
#define TWINTRIAL_PROTOCOL_H

#include <petscsys.h>
#include <stdint.h>
#include <stdio.h>
#include <twintrial/mmrm.h>
#include <twintrial/mi.h>

#define TT_NAME_MAX       64
#define TT_PATH_MAX       4096
#define TT_MAX_ARMS       8
#define TT_MAX_VISITS     64
#define TT_MAX_EFFECTS    16
#define TT_MAX_PARAMS     48
#define TT_MAX_STRATA     4
#define TT_MAX_ENDPOINTS  8
#define TT_MAX_ANALYSES   16
#define TT_MAX_COVARIATES 8 /* per analysis */
#define TT_CRITERIA_MAX   1024
#define TT_MAX_REGIMENS   16
#define TT_MAX_SWITCHES   8 /* per arm (a regimen of at most 9 segments) */
#define TT_MAX_CANDIDATES 8 /* regimens a guided arm chooses among */
#define TT_MAX_RUN_IN     8 /* run-in visits of a guided arm */

typedef struct {
  int line, column; /* 1-based position in the source file; 0 when not from a file */
} TTLoc;

typedef struct {
  char   key[TT_NAME_MAX];
  double value;
  TTLoc  loc; /* of the key */
} TTNamedValue;

/* An arm effect calibrated to a marginal effect on the statistical scale:
 *   arms[i].effect.NAME: {calibrate: {hazard_ratio: 0.7, endpoint: os, control: placebo, interval: [lo, hi]}}
 * The effect's value (TTNamedValue.value) is NaN until the design module solves for it
 * before the trial runs; see include/twintrial/design.h for the estimand. */
typedef enum {
  TT_TARGET_HAZARD_RATIO    = 0, /* time to event: Cox HR of the pooled twins under arm vs control */
  TT_TARGET_MEAN_DIFFERENCE = 1, /* continuous: mean under arm - mean under control */
  TT_TARGET_ODDS_RATIO      = 2, /* binary: odds ratio of the marginal responder proportions */
  TT_TARGET_RISK_DIFFERENCE = 3, /* binary: difference of the marginal responder proportions */
  TT_TARGET_RATE_RATIO      = 4  /* count: total events / total exposure, arm over control */
} TTCalibrationTarget;
#define TT_NTARGET 5

typedef struct {
  int                 active; /* 1: one effect of this arm is calibrated */
  int                 effect; /* index into the arm's effect[] */
  TTCalibrationTarget target;
  double              value;        /* the target as written (ratios as ratios) */
  TTLoc               loc;          /* of the target's key */
  int                 endpoint;     /* endpoint index (default: the first analysis's) */
  int                 control;      /* control arm index (default: see TTProtocolLoad) */
  int                 has_interval; /* 1: interval given; else the model's range of the effect */
  double              interval[2];
  TTLoc               interval_loc;
} TTCalibrationSpec;

/* A dropout (withdrawal) hazard: `dropout:` of the protocol or of an arm, or an arm's
 * `extra_dropout:`. Survivor function S(t) = exp(-(t / scale_days)^shape) (Weibull;
 * exponential: shape 1); outcome_dependent: piecewise-constant hazard
 * exp(gamma (y_v - y_0)) / scale_days after visit v. Model none: no such hazard (every
 * other field 0). */
typedef enum {
  TT_DROPOUT_NONE              = 0,
  TT_DROPOUT_WEIBULL           = 1,
  TT_DROPOUT_EXPONENTIAL       = 2,
  TT_DROPOUT_OUTCOME_DEPENDENT = 3 /* MNAR: hazard = rate exp(gamma (y(t) - y(0))), y observed at the last visit */
} TTDropoutModel;

typedef struct {
  TTDropoutModel model;
  double         shape;                 /* Weibull k (1 for exponential and outcome_dependent) */
  double         scale_days;            /* Weibull lambda; for exponential and outcome_dependent 1/rate */
  char           variable[TT_NAME_MAX]; /* outcome_dependent: the model variable */
  TTLoc          variable_loc;
  double         gamma; /* outcome_dependent: log-hazard per unit of worsening (y(t) - y(0)) */
} TTDropoutSpec;

/* Treatment discontinuation (`discontinuation:` of the protocol or of an arm): the twin
 * stops its arm's treatment at a time drawn from `hazard` (the dropout forms; model none:
 * it never stops) and goes on being observed off treatment: `then` washout (the arm's
 * effect on the measured course, its difference from the untreated course, decays as
 * 2^(-(t - td) / half_life)) or switch (from td on the effects of regimen `regimen`, the
 * model's own switch). A share `withdraw` of those who stop also withdraw from the study
 * at that time (unobserved afterwards). */
typedef enum { TT_THEN_WASHOUT = 0, TT_THEN_SWITCH = 1 } TTDiscontinuationThen;

typedef struct {
  TTDropoutSpec         hazard;
  TTDiscontinuationThen then;
  double                half_life_days; /* washout */
  int                   regimen;        /* switch: index into protocol->regimen */
  double                withdraw;       /* in [0, 1], default 0 */
  TTLoc                 loc;            /* of the discontinuation mapping */
  TTLoc                 then_loc;       /* of then's washout or switch value */
} TTDiscontinuationSpec;

/* Glycaemic (or any outcome's) rescue (`rescue:` of the protocol or of an arm): at each
 * listed scheduled visit the twin's observed value of `variable` under its actual course
 * is compared with that visit's limit; at the first visit where it is above (above 1) or
 * below (above 0) the limit, strictly, the twin is rescued: from that visit's time on its
 * regimen is `regimen` (the model's own switch). An intercurrent event, as discontinuation
 * is: the on-treatment course is kept for the estimands. active 0: no rescue. */
typedef struct {
  int    active;
  char   variable[TT_NAME_MAX]; /* a model variable (checked by the trial module) */
  TTLoc  variable_loc;
  int    above;
  int    nvisit;
  double visit[TT_MAX_VISITS]; /* schedule unit, scheduled visits > the first, increasing */
  double limit[TT_MAX_VISITS]; /* one per listed visit */
  int    regimen;              /* index into protocol->regimen */
  TTLoc  loc;                  /* of the rescue mapping */
} TTRescueSpec;

/* A named regimen (`regimens:`): a complete set of arm effects (the model's defaults for
 * those not named) and a dose for exposure_response, not itself randomised: an arm may
 * start on it or switch to it, and a guided arm choose among such candidates. */
typedef struct {
  char         name[TT_NAME_MAX];
  TTLoc        loc;
  int          neffect;
  TTNamedValue effect[TT_MAX_EFFECTS]; /* numbers (no calibrate), names checked against the model */
  double       dose_mg;                /* 0 = none */
  TTLoc        dose_loc;
} TTRegimenSpec;

/* arms[i].guided: each twin's own personalised forecast chooses its regimen
 *   guided: {candidates: [metformin_max, add_sglt2], run_in: {visits: [-12, -4, 0]},
 *            choose: {variable: hba1c, visit: 52, goal: minimize, cost: {add_sglt2: 0.1}},
 *            reassess: [12, 26], draws: 100}
 * The twin is observed untreated at the run-in visits (schedule unit, <= 0, increasing),
 * personalised (MAP and Laplace covariance) and given the candidate whose forecast is best
 * by choose; at each reassess visit (scheduled visits in (0, choose visit), increasing) it
 * is personalised again on everything observed so far and switched when another candidate
 * is forecast better. Score of a candidate (smaller is better): minimize E[y] + cost,
 * maximize -E[y] + cost, below -P(y < target) + cost, above -P(y > target) + cost, over
 * `draws` posterior draws (0: the forecast at the mode, no residual error). forecast:
 * draws (TT_GUIDED_FORECAST_DRAWS, the default) integrates the model at every draw;
 * delta_method (TT_GUIDED_FORECAST_DELTA) integrates it at the mode and at +-1 posterior
 * SD along each random effect, and takes each draw's value from the second-order
 * expansion around the mode (without cross terms) that these give. */
typedef enum { TT_GUIDED_FORECAST_DRAWS = 0, TT_GUIDED_FORECAST_DELTA = 1 } TTGuidedForecast;
extern const char *const TTGuidedForecastNames[2];
typedef struct {
  int    ncandidate;
  int    candidate[TT_MAX_CANDIDATES]; /* indices into protocol->regimen */
  double cost[TT_MAX_CANDIDATES];      /* 0 unless choose.cost names the candidate */
  int    nrun_in;
  double run_in[TT_MAX_RUN_IN]; /* schedule unit */
  int    nreassess;
  double reassess[TT_MAX_SWITCHES]; /* schedule unit, scheduled visits */
  char   variable[TT_NAME_MAX];     /* choose.variable: a model variable (checked by the trial module) */
  TTLoc  variable_loc;
  double visit; /* choose.visit: a scheduled visit after 0 (default: the last) */
  int    goal;  /* TT_CHOOSE_* */
  double target;
  int    draws;    /* default 100 */
  int    forecast; /* TTGuidedForecast */
  TTLoc  loc;      /* of the guided key */
} TTGuidedSpec;

typedef struct {
  char              name[TT_NAME_MAX];
  TTLoc             loc;
  double            ratio; /* allocation ratio (> 0) from trial.allocation; 1 when allocation is absent */
  int               neffect;
  TTNamedValue      effect[TT_MAX_EFFECTS]; /* arm effect parameters, names checked against the model */
  double            dose_mg;                /* dose per interval for the exposure-response link (0 = none) */
  TTLoc             dose_loc;
  TTCalibrationSpec calibrate; /* an effect given as {calibrate: {...}} */
  /* Withdrawal under this arm: `dropout` is its all-cause hazard, the arm's own
   * (arms[i].dropout, own_dropout 1) or else a copy of the protocol's; `extra_dropout`
   * (arms[i].extra_dropout; model none when absent) is an additional, independent cause
   * (e.g. adverse events): the arm's survivor function is the product of the two. */
  TTDropoutSpec dropout;
  int           own_dropout;
  TTLoc         dropout_loc; /* of arms[i].dropout (own_dropout) */
  TTDropoutSpec extra_dropout;
  /* Treatment discontinuation under this arm: its own (arms[i].discontinuation,
   * own_discontinuation 1) or a copy of the protocol's (hazard model none: never). */
  TTDiscontinuationSpec discontinuation;
  int                   own_discontinuation;
  /* Rescue under this arm: its own (arms[i].rescue; `none`: never, own_rescue 1) or a copy
   * of the protocol's. */
  TTRescueSpec rescue;
  int          own_rescue;
  /* arms[i].regimen: NAME: the arm starts on that regimen (index; -1: its own effect and
   * dose_mg); its effects and dose are copied into effect[] and dose_mg above. */
  int   regimen;
  TTLoc regimen_loc;
  /* arms[i].switch: [{at: T, regimen: NAME}, ...]: from time switch_at[k] (schedule unit,
   * strictly increasing in (0, last visit)) the arm's effects are those of regimen
   * switch_regimen[k]; before the first switch the arm's own. */
  int    nswitch;
  double switch_at[TT_MAX_SWITCHES];
  int    switch_regimen[TT_MAX_SWITCHES];
  TTLoc  switch_loc; /* of the switch key */
  /* arms[i].guided (guided 1): no effect, dose_mg, regimen or switch of its own */
  int          guided;
  TTGuidedSpec guide;
} TTArmSpec;

typedef enum {
  TT_ENDPOINT_CHANGE_FROM_BASELINE = 0, /* continuous: value at visit - value at the first visit */
  TT_ENDPOINT_VALUE_AT_VISIT       = 1, /* continuous */
  TT_ENDPOINT_PERCENT_CHANGE       = 2, /* continuous: 100 (value - baseline) / baseline */
  TT_ENDPOINT_RESPONDER            = 3, /* binary: measure at visit below/above threshold */
  TT_ENDPOINT_BEST_RESPONSE =
      4, /* binary: best (lowest) percent change over observed post-baseline visits <= threshold (RECIST ORR: -30) */
  TT_ENDPOINT_TIME_TO_EVENT    = 5, /* time to the first `event`; censored at the end of observation */
  TT_ENDPOINT_PROGRESSION_FREE = 6, /* PFS: first visit with >= progression_percent growth over the nadir and >=
                                       progression_absolute (an increase: not 0 after a nadir of 0), or `event` */
  TT_ENDPOINT_COUNT = 7,            /* number of `event`s during observation, with exposure time */
  /* non-compartmental summaries of the observed samples at the visits from .. to (both included): */
  TT_ENDPOINT_PEAK         = 8, /* continuous: the highest observed value (Cmax) */
  TT_ENDPOINT_TIME_OF_PEAK = 9, /* continuous: its time after the window's first visit (Tmax; the first if tied) */
  TT_ENDPOINT_AUC          = 10 /* continuous: the area under the observed values (AUC over the window) */
} TTEndpointType;
#define TT_NENDPOINT_TYPE 11

typedef enum { TT_CHOOSE_MINIMIZE = 0, TT_CHOOSE_MAXIMIZE = 1, TT_CHOOSE_BELOW = 2, TT_CHOOSE_ABOVE = 3 } TTChooseGoal;
typedef enum { TT_MEASURE_VALUE = 0, TT_MEASURE_CHANGE = 1, TT_MEASURE_PERCENT_CHANGE = 2 } TTMeasure;
typedef enum {
  TT_KIND_CONTINUOUS    = 0,
  TT_KIND_BINARY        = 1,
  TT_KIND_TIME_TO_EVENT = 2,
  TT_KIND_COUNT         = 3
} TTEndpointKind;

typedef struct {
  char           name[TT_NAME_MAX];
  TTLoc          loc;
  TTEndpointType type;
  char           variable[TT_NAME_MAX]; /* a model output variable ("" for time_to_event and count) */
  TTLoc          variable_loc;
  double         visit;              /* in schedule units; one of the schedule's visits (continuous, responder) */
  int            visit_index;        /* index into schedule visits; -1 when the type has no visit (a window's last) */
  char           event[TT_NAME_MAX]; /* a model event (time_to_event, count; optional death event for PFS) */
  TTLoc          event_loc;
  TTMeasure      measure;              /* responder: what is compared with the threshold (default value) */
  double         threshold;            /* responder, best_response (percent, default -30) */
  int            below;                /* responder: 1 = responder when measure < threshold, 0 = when > threshold */
  double         progression_percent;  /* PFS: default 20 */
  double         progression_absolute; /* PFS: default 5 (variable's unit) */
  double         per_days;             /* count: rates are per this many days (per_year: 365.25, default) */
  double         confirm_days;         /* best_response: a response counts only when a later observed visit >= this many
                                          days after also meets the threshold, every visit between too (RECIST confirmation;
                                          0 = none) */
  double from;                         /* peak, time_of_peak, auc: the window's first visit (visit: its last) */
  int    from_index;                   /* index of `from` into schedule visits (< visit_index); -1 for other types */
  int    log_down;                     /* auc: 1 = linear up / log down, 0 = linear trapezoids */
} TTEndpointSpec;

/* Whether an endpoint type summarises a window of visits (from_index .. visit_index). */
static inline int TTEndpointIsWindow(TTEndpointType t)
{
  return t >= TT_ENDPOINT_PEAK;
}

/* The kind an endpoint type belongs to (decides which analyses apply). */
static inline TTEndpointKind TTEndpointKindOf(TTEndpointType t)
{
  return t <= TT_ENDPOINT_PERCENT_CHANGE || TTEndpointIsWindow(t)              ? TT_KIND_CONTINUOUS
         : t <= TT_ENDPOINT_BEST_RESPONSE                                      ? TT_KIND_BINARY
         : t == TT_ENDPOINT_TIME_TO_EVENT || t == TT_ENDPOINT_PROGRESSION_FREE ? TT_KIND_TIME_TO_EVENT
                                                                               : TT_KIND_COUNT;
}

typedef enum {
  TT_ANALYSIS_ANCOVA          = 0, /* continuous */
  TT_ANALYSIS_WELCH           = 1, /* continuous */
  TT_ANALYSIS_RISK_DIFFERENCE = 2, /* binary; ci: wald | newcombe */
  TT_ANALYSIS_ODDS_RATIO      = 3, /* binary; logistic regression with covariates; log scale */
  TT_ANALYSIS_CMH             = 4, /* binary; stratified by the randomization strata; log MH odds ratio */
  TT_ANALYSIS_LOGRANK         = 5, /* time to event; optionally stratified; Peto log HR */
  TT_ANALYSIS_COX             = 6, /* time to event; covariates, optional strata; ties efron | breslow; log HR */
  TT_ANALYSIS_NEGBIN          = 7, /* count; log rate ratio with log(exposure) offset, covariates */
  TT_ANALYSIS_POISSON         = 8, /* count; likewise */
  TT_ANALYSIS_MMRM            = 9, /* continuous at every post-baseline visit up to the endpoint's (protocol_mmrm.c) */
  TT_ANALYSIS_MI              = 10 /* continuous, visits as mmrm: multiple imputation (protocol_mi.c) */
} TTAnalysisMethod;

/* ICH E9(R1) strategies for treatment discontinuation (the intercurrent event):
 * treatment_policy: the outcome whatever happened (the actual course, off treatment
 * after discontinuation); hypothetical: had every twin stayed on its arm's treatment;
 * while_on_treatment: the outcome at the endpoint's visit or at the last visit on
 * treatment, whichever comes first. Every twin under both arms, no withdrawal. */
typedef enum {
  TT_ESTIMAND_TREATMENT_POLICY   = 0,
  TT_ESTIMAND_HYPOTHETICAL       = 1,
  TT_ESTIMAND_WHILE_ON_TREATMENT = 2
} TTEstimand;
#define TT_NESTIMAND 3
extern const char *const TTEstimandNames[TT_NESTIMAND];

typedef enum { TT_CODING_AS_GIVEN = 0, TT_CODING_FACTOR = 1, TT_CODING_NUMERIC = 2 } TTCovariateCoding;

typedef struct {
  char             name[TT_NAME_MAX];
  TTLoc            loc;
  char             endpoint[TT_NAME_MAX];
  int              endpoint_index;
  TTAnalysisMethod method;
  TTLoc            method_loc;
  int              ncovariate;
  char             covariate[TT_MAX_COVARIATES][TT_NAME_MAX]; /* "baseline", "prognostic_score" or a cohort covariate */
  TTLoc            covariate_loc[TT_MAX_COVARIATES];
  double           alpha;                      /* default 0.05 */
  int              sided;                      /* 1 or 2, default 2 */
  int              direction;                  /* for sided 1: -1 = lower is better (default), +1 = higher */
  int              treatment_arm, control_arm; /* indices into arms; default 1 and 0 */
  double           margin; /* non-inferiority margin on the estimate's scale (log for ratio methods; 0 = superiority) */
  int              stratified; /* logrank, cox: by the randomization strata (default 0); cmh: always 1 */
  int              newcombe;   /* risk_difference: 1 = Newcombe CI (default without a margin), 0 = Wald or score */
  int              breslow;    /* cox: 1 = Breslow ties, 0 = Efron (default) */
  /* How each covariate enters: as given (a number; refused by the trial module for a
   * cohort covariate with 3 or more levels), factor(NAME) (indicators of its levels but the
   * first observed: R's treatment contrasts) or numeric(NAME) (its values as a number). */
  TTCovariateCoding coding[TT_MAX_COVARIATES];
  int               nstrata; /* logrank, cox: stratification factors named by strata: [...] (cohort covariates) */
  char              strata[TT_MAX_STRATA][TT_NAME_MAX];
  TTLoc             strata_loc[TT_MAX_STRATA];
  int               score;        /* risk_difference, ci: score: Farrington-Manning test, its score CI */
  double            margin_ratio; /* ratio methods: the margin as given (margin_ratio: 1.3); margin = log of it */
  /* mmrm: covariance structure (tt_mmrm_cov, default unstructured), then the fallback
   * structures tried in turn while a fit does not converge; degrees of freedom
   * (tt_mmrm_df, default satterthwaite); the contrast's visit (schedule units, default the
   * endpoint's) and its index among the schedule's visits. */
  int    mmrm_covariance, nfallback, fallback[TT_MMRM_NCOV - 1], mmrm_df;
  double mmrm_visit;
  int    mmrm_visit_index;
  /* mi: the imputation method (tt_mi_method), the reference arm (index into arms; default
   * the control arm), delta (method delta), the number of imputations and the analysis
   * of each completed data set (tt_mi_analysis; mmrm uses the covariance, fallback and df
   * above); the contrast's visit is mmrm_visit. */
  int    mi_method, mi_reference_arm, mi_imputations, mi_analysis;
  double mi_delta;
  /* estimand: the target whose true value bias and coverage are measured against
   * (TTEstimand; default treatment_policy, which is what every analysis had before
   * discontinuation existed) */
  int   estimand;
  TTLoc estimand_loc;
} TTAnalysisSpec;

/* A published figure the simulated trial should reproduce (the `validation:` section). */
typedef enum {
  TT_FIGURE_MEAN          = 0, /* arm mean of a continuous endpoint */
  TT_FIGURE_BASELINE_MEAN = 1, /* mean observed value of a variable at the first visit (an arm, or all twins) */
  TT_FIGURE_PROPORTION    = 2, /* share of responders of a binary endpoint in an arm */
  TT_FIGURE_MEDIAN        = 3, /* Kaplan-Meier median of a time-to-event endpoint in an arm */
  TT_FIGURE_SURVIVAL      = 4, /* Kaplan-Meier event-free probability at a time */
  TT_FIGURE_RATE          = 5, /* events per the endpoint's `per` in an arm: total events / total exposure */
  TT_FIGURE_EFFECT        = 6, /* an analysis's estimate (ratios as ratios) */
  TT_FIGURE_COMPLETION    = 7, /* share of an arm's twins still observed at the last visit */
  TT_FIGURE_SD            = 8, /* standard deviation (n - 1) of a continuous endpoint in an arm (log scale) */
  TT_FIGURE_BASELINE_SD   = 9  /* that of a variable's observed value at the first visit (an arm, or all twins) */
} TTFigureStatistic;
#define TT_NFIGURE_STATISTIC 10

#define TT_MAX_FIGURES 32
#define TT_SOURCE_MAX  256

typedef struct {
  char              name[TT_NAME_MAX];
  TTLoc             loc;
  TTFigureStatistic statistic;
  int               endpoint, analysis, arm; /* indices; -1 when not used (arm -1: every twin) */
  char              variable[TT_NAME_MAX];   /* baseline_mean: a model variable (checked by the trial) */
  TTLoc             variable_loc;
  double            time_days; /* survival: at this time */
  double            unit_days; /* median, survival: the published figure's time unit */
  double            published; /* as published (a ratio for ratio effects) */
  double            se;        /* the published figure's standard error on the comparison scale */
  int               log_scale; /* compared on the log scale (medians, ratio effects, standard deviations) */
  int               fitted;    /* 1: the model was fitted to this figure */
  char              source[TT_SOURCE_MAX];
} TTFigureSpec;

typedef enum { TT_SPENDING_OBF = 0, TT_SPENDING_POCOCK = 1, TT_SPENDING_HSD = 2, TT_SPENDING_NONE = 3 } TTSpending;
#define TT_MAX_LOOKS 8
typedef enum { TT_OUTPUT_NONE = 0, TT_OUTPUT_FIRST_REPLICATE = 1, TT_OUTPUT_ALL = 2 } TTOutputSubjects;
typedef enum { TT_RANDOMIZE_PERMUTED_BLOCK = 0, TT_RANDOMIZE_SIMPLE = 1 } TTRandomization;
/* model.on_failure: a twin whose simulation fails (ODE step-size underflow, a
 * non-finite state) ends the run, or is dropped (no data under any arm) and counted. */
typedef enum { TT_ON_FAILURE_ABORT = 0, TT_ON_FAILURE_DROP = 1 } TTOnFailure;

typedef struct {
  /* source */
  char  path[TT_PATH_MAX]; /* as given */
  char *text;              /* the file's bytes, NUL-terminated */
  /* trial: */
  char            name[256];
  uint64_t        seed;
  int             replicates;
  int             patients; /* randomized per replicate */
  TTRandomization randomization;
  int             block_size; /* permuted blocks: a multiple of the sum of integer allocation ratios */
  int             nstrata;
  char            strata[TT_MAX_STRATA][TT_NAME_MAX]; /* cohort covariates with finitely many levels */
  TTLoc           strata_loc[TT_MAX_STRATA];
  /* cohort: canonical absolute path (realpath) of the file named relative to the protocol file's directory */
  char  cohort_path[TT_PATH_MAX];
  TTLoc cohort_loc;
  /* cohort: {file: ..., include: "...", exclude: "..."}: the protocol's own entry criteria
   * on top of the cohort's ("" for none); *_loc is where the text's first byte stands */
  char  cohort_include[TT_CRITERIA_MAX], cohort_exclude[TT_CRITERIA_MAX];
  TTLoc cohort_include_loc, cohort_exclude_loc;
  /* model: {name: NAME} a model built in (or registered); {file: PATH} a model file
   * (modellang.h), model_file its absolute path and model "" */
  char         model[TT_NAME_MAX];
  char         model_file[TT_PATH_MAX];
  TTLoc        model_loc;
  int          nparam;
  TTNamedValue param[TT_MAX_PARAMS]; /* overrides of the model's defaults */
  TTOnFailure  on_failure;
  /* regimens: named effect sets that are not arms (see TTRegimenSpec) */
  int           nregimen;
  TTRegimenSpec regimen[TT_MAX_REGIMENS];
  /* arms: the first arm is the control unless an analysis says otherwise */
  int       narm;
  TTArmSpec arm[TT_MAX_ARMS];
  /* schedule: */
  char   time_unit[16]; /* day | week | month | year */
  double unit_in_days;  /* 1, 7, 365.25/12, 365.25 */
  int    nvisit;
  double visit[TT_MAX_VISITS]; /* strictly increasing, first >= 0, in time_unit */
  /* enrollment: entry uniform over the accrual period; data cut-off at accrual + follow-up */
  double accrual_days;  /* 0: every twin enters at time 0 */
  double followup_days; /* after the end of accrual; 0: no cut-off (observation ends at the last visit) */
  /* dropout: every arm's hazard unless the arm states its own (see TTArmSpec) */
  TTDropoutSpec dropout;
  /* discontinuation: every arm's unless the arm states its own; has_discontinuation: some
   * arm's hazard is not none, or some arm has a rescue (an intercurrent event either way) */
  TTDiscontinuationSpec discontinuation;
  int                   has_discontinuation;
  /* rescue: every arm's unless the arm states its own; has_rescue: some arm's is active (it
   * sets has_discontinuation too: the on-treatment course is then kept, as for an
   * intercurrent event) */
  TTRescueSpec rescue;
  int          has_rescue;
  /* missed_visits: each scheduled post-baseline visit is missed with this probability (0:
   * none), independently of everything else; the twin stays in the study */
  double missed_probability;
  TTLoc  missed_loc;
  /* interim: group-sequential design (nlook = 0: a single final analysis) */
  int        nlook;
  double     information[TT_MAX_LOOKS]; /* strictly increasing in (0, 1], last = 1 */
  TTSpending spending;                  /* efficacy alpha spending (Lan-DeMets) */
  double     spending_gamma;            /* Hwang-Shih-DeCani gamma */
  TTSpending futility;                  /* beta spending for non-binding futility; TT_SPENDING_NONE = none */
  double     futility_gamma;
  double     futility_beta;    /* type II error spent (default 0.2) */
  int        interim_analysis; /* index of the analysis that decides stopping (default 0) */
  TTLoc      interim_loc;
  /* event-driven looks (interim.events): look j when the deciding (time-to-event) analysis
   * has events[j] events; information[j] = events[j] / events[nlook - 1] */
  int    event_driven;
  double events[TT_MAX_LOOKS]; /* positive integers, strictly increasing */
  double max_duration_days;    /* event-driven: calendar cut-off after the first randomization; 0 = none */
  TTLoc  events_loc;
  /* prognostic score: Normal(0, sd) noise added to the model's prediction (0 = none) */
  double prognostic_noise_sd;
  /* endpoints and analyses */
  int            nendpoint;
  TTEndpointSpec endpoint[TT_MAX_ENDPOINTS];
  int            nanalysis;
  TTAnalysisSpec analysis[TT_MAX_ANALYSES];
  /* exposure-response: one arm effect driven by each twin's average steady-state
   * concentration Css = dose / (CL_i interval) through a sigmoid Emax (Hill) link,
   * effect = emax Css^hill / (ec50^hill + Css^hill); emax < 0 gives an Imax link. */
  int    er;                     /* 1 when the section is present */
  char   er_effect[TT_NAME_MAX]; /* the model's arm effect it sets */
  TTLoc  er_effect_loc, er_emax_loc;
  double er_emax, er_ec50, er_hill;     /* effect unit, mg/L, 1 */
  double er_clearance, er_clearance_cv; /* typical CL/F in L/h; between-subject CV (log-normal) */
  double er_interval_h;                 /* dosing interval tau */
  /* calibration: {twins, bootstrap}: the cohort calibrated arm effects are solved on */
  int   calibration_twins;     /* default 20000 */
  int   calibration_bootstrap; /* resamples for the Monte Carlo SE, default 200 */
  TTLoc calibration_loc;
  /* choose: the criterion a personalised twin's forecast chooses an arm by
   *   choose: {variable: hba1c, visit: 52, goal: minimize, control: placebo}
   * goal minimize / maximize: the forecast noise-free value at the visit; below / above:
   * the probability that an observation at the visit lies below / above `target`
   * (maximised). The benefit of an arm is its criterion minus the control arm's. */
  int    choose;                       /* 1 when the section is present */
  char   choose_variable[TT_NAME_MAX]; /* a model variable (checked by the trial module) */
  TTLoc  choose_variable_loc;
  double choose_visit; /* schedule unit, one of the visits */
  TTLoc  choose_visit_loc;
  int    choose_goal;    /* TT_CHOOSE_* */
  double choose_target;  /* below / above */
  int    choose_control; /* arm index; default 0 (the first arm) */
  TTLoc  choose_loc;
  /* output: */
  TTOutputSubjects output_subjects;
  /* validation: published figures to reproduce */
  int          nfigure;
  TTFigureSpec figure[TT_MAX_FIGURES];
} TTProtocol;

/* Not collective. Names for messages and files: a figure's statistic ("median"), and a
 * time unit from its length in days ("month"; "day" for any other length). */
const char *TTFigureStatisticName(TTFigureStatistic s);
/* Not collective. A calibration target's YAML name ("hazard_ratio"). */
const char *TTCalibrationTargetName(TTCalibrationTarget t);
const char *TTTimeUnitName(double days);

/* Not collective. Reads and validates `path`; *protocol is NULL on error. */
PetscErrorCode TTProtocolLoad(const char *path, TTProtocol **protocol);
/* Not collective. Command-line overrides; each value < 0 (or seed_set == 0) keeps the file's. */
PetscErrorCode TTProtocolOverride(TTProtocol *protocol, PetscInt replicates, PetscInt patients, PetscBool seed_set,
                                  uint64_t seed);
/* Not collective. Writes the protocol with every default filled in, as YAML. */
PetscErrorCode TTProtocolView(const TTProtocol *protocol, FILE *out);
/* Not collective. Accepts NULL; sets *protocol to NULL. */
PetscErrorCode TTProtocolDestroy(TTProtocol **protocol);

/* ---- YAML document reader shared by protocol and cohort (not collective) ---- */
typedef struct _p_TTYaml *TTYaml;
typedef int               TTYamlNode; /* node id inside a document; 0 = absent */

PetscErrorCode TTYamlLoad(const char *path, TTYaml *doc); /* malformed YAML -> PETSC_ERR_USER with file:line:col */
PetscErrorCode TTYamlDestroy(TTYaml *doc);
const char    *TTYamlPath(TTYaml doc);
const char    *TTYamlText(TTYaml doc); /* the file's bytes */
TTYamlNode     TTYamlRoot(TTYaml doc);
TTLoc          TTYamlLoc(TTYaml doc, TTYamlNode node);
PetscBool      TTYamlIsMapping(TTYaml doc, TTYamlNode node);
PetscBool      TTYamlIsSequence(TTYaml doc, TTYamlNode node);
PetscBool      TTYamlIsScalar(TTYaml doc, TTYamlNode node);
int            TTYamlLength(TTYaml doc, TTYamlNode node); /* items of a sequence or pairs of a mapping */
TTYamlNode     TTYamlItem(TTYaml doc, TTYamlNode seq, int i);
/* Mapping pair i: key node and value node. */
void        TTYamlPair(TTYaml doc, TTYamlNode map, int i, TTYamlNode *key, TTYamlNode *value);
const char *TTYamlScalar(TTYaml doc, TTYamlNode node); /* NULL if not a scalar */
/* Checked conversions; `key` is the dotted path used in the message. */
PetscErrorCode TTYamlGetReal(TTYaml doc, TTYamlNode node, const char *key, double *v); /* finite real */
PetscErrorCode TTYamlGetInt(TTYaml doc, TTYamlNode node, const char *key, long *v);    /* integer */
PetscErrorCode TTYamlGetBool(TTYaml doc, TTYamlNode node, const char *key, PetscBool *v);
PetscErrorCode TTYamlGetString(TTYaml doc, TTYamlNode node, const char *key, char *buf, size_t len);
/* Raises the standard user error at node: "path:line:col: key: <message>". Always returns PETSC_ERR_USER. */
PetscErrorCode TTYamlError(TTYaml doc, TTYamlNode node, const char *key, const char *fmt, ...)
    PETSC_ATTRIBUTE_FORMAT(4, 5);
/* Same at an explicit location (e.g. a column inside a scalar, see TTYamlLocInScalar). */
PetscErrorCode TTYamlErrorAt(TTYaml doc, TTLoc loc, const char *key, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(4, 5);
/* Location of byte `offset` of a scalar's value; the scalar's own location when the
 * value spans lines or contains escapes (so the column would not be exact). */
TTLoc TTYamlLocInScalar(TTYaml doc, TTYamlNode node, size_t offset);
/* Value (TTYamlFind) or key (TTYamlFindKey) node of key `name` in mapping `map`, or 0 when absent. */
TTYamlNode TTYamlFind(TTYaml doc, TTYamlNode map, const char *name);
TTYamlNode TTYamlFindKey(TTYaml doc, TTYamlNode map, const char *name);
/* Short description of a node for messages: "a mapping", "a sequence", "an empty value", "'text'". */
const char *TTYamlDescribe(TTYaml doc, TTYamlNode node, char *buf, size_t len);
/* Integer in 0 .. 2^64-1 (seeds). */
PetscErrorCode TTYamlGetUInt64(TTYaml doc, TTYamlNode node, const char *key, uint64_t *v);
/* Type checks: "key: expected <what>, found a sequence". */
PetscErrorCode TTYamlCheckMapping(TTYaml doc, TTYamlNode node, const char *key, const char *what);
PetscErrorCode TTYamlCheckSequence(TTYaml doc, TTYamlNode node, const char *key, const char *what);
/* A non-empty scalar criteria expression ("expected a criteria expression such as
 * \"EXAMPLE\"" otherwise); *text is the node's, parsed by the caller. */
PetscErrorCode TTYamlGetCriteria(TTYaml doc, TTYamlNode node, const char *key, const char *example, const char **text);
/* Every key of mapping `map` must be one of allowed[n]: "key.k: unknown key; expected one of a, b, c". */
PetscErrorCode TTYamlCheckKeys(TTYaml doc, TTYamlNode map, const char *key, int n, const char *const allowed[]);
/* *value = the value of required key `name`; when absent the error is located at `map`:
 * "key.name: missing required key; expected <what>". */
PetscErrorCode TTYamlRequire(TTYaml doc, TTYamlNode map, const char *key, const char *name, const char *what,
                             TTYamlNode *value);
/* A name [A-Za-z_][A-Za-z0-9_]* shorter than TT_NAME_MAX. */
PetscErrorCode TTYamlGetName(TTYaml doc, TTYamlNode node, const char *key, char name[TT_NAME_MAX]);
/* One of choices[n] (e.g. "day", "week"): *index into choices. */
PetscErrorCode TTYamlGetChoice(TTYaml doc, TTYamlNode node, const char *key, int n, const char *const choices[],
                               int *index);
/* A file path as written in the YAML file at node: absolute, or relative to that
 * file's directory; into out[len]. */
PetscErrorCode TTYamlGetPath(TTYaml doc, TTYamlNode node, const char *key, char *out, size_t len);
/* Dotted key paths for messages: "parent.child" ("child" at the root) and "parent[i]". */
PetscErrorCode TTYamlKeyJoin(char *buf, size_t len, const char *parent, const char *child);
PetscErrorCode TTYamlKeyIndex(char *buf, size_t len, const char *parent, int i);
/* Writing YAML: the shortest decimal that reads back as the same double; a double-quoted,
 * escaped string; a name, quoted only where YAML readers would take it for null or a bool. */
const char    *TTYamlFormatReal(double v, char buf[32]);
PetscErrorCode TTYamlWriteString(FILE *out, const char *s);
PetscErrorCode TTYamlWriteName(FILE *out, const char *s);

#endif
