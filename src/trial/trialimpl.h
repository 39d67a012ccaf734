/* trialimpl.h — private state of a TTTrial, shared by the trial module only. */
#ifndef TWINTRIAL_TRIALIMPL_H
#define TWINTRIAL_TRIALIMPL_H

#include <twintrial/trial.h>

/* A user error located at loc of protocol p's file (file:line:column: message). */
#define USER_ERROR(p, loc, fmt, ...)                                                                                   \
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: " fmt, (p)->path, (loc).line, (loc).column, __VA_ARGS__)

/* What an analysis covariate refers to. */
typedef enum { TT_COVARIATE_BASELINE, TT_COVARIATE_PROGNOSTIC, TT_COVARIATE_COHORT } TTCovariateKind;

typedef struct {
  TTCovariateKind kind;
  PetscInt        index;  /* cohort covariate index for TT_COVARIATE_COHORT */
  PetscInt        factor; /* levels of a factor(NAME) covariate (indicator columns), 0 for a number */
} TTAnalysisCovariate;

/* Stratification factors of an analysis (strata: [...]): cohort covariates and their levels. */
typedef struct {
  PetscInt index[TT_MAX_STRATA], levels[TT_MAX_STRATA];
} TTAnalysisStrata;

/* An endpoint's observed pair (see TTReplicateResult). */
typedef struct {
  double value, aux;
} TTPair;

struct _p_TTTrial {
  const TTProtocol  *p; /* not owned; must outlive the trial */
  const TTModelType *model;
  TTCohort           cohort;
  TTRecordLayout     L;
  double            *par;                        /* [model->nparam] resolved */
  double            *eff;                        /* [(narm + 1) * model->neffect] resolved per arm, then none */
  double            *eff_none;                   /* untreated (the model's defaults), inside eff */
  double            *reg_eff;                    /* [nregimen * model->neffect] resolved regimens (no dose) */
  PetscInt          *model_cov;                  /* [model->ncovariate] cohort index of each model covariate */
  PetscInt          *strata_cov, *strata_levels; /* [nstrata] */
  PetscInt           nstratum;                   /* product of strata levels (1 without strata) */
  PetscInt          *endpoint_var;               /* [nendpoint] model variable index, -1 for none */
  PetscInt          *endpoint_event;             /* [nendpoint] model event index, -1 for none */
  PetscInt           dropout_var[TT_MAX_ARMS];   /* outcome-dependent dropout of each arm: model variable */
  PetscInt           extra_var[TT_MAX_ARMS];     /* the same for its extra_dropout */
  PetscBool          extra_dropout;              /* some arm has an extra_dropout */
  PetscInt           disc_var[TT_MAX_ARMS];      /* outcome-dependent discontinuation: model variable */
  PetscInt           rescue_var[TT_MAX_ARMS];    /* rescue: model variable (-1: the arm has none) */
  PetscInt           rescue_visit[TT_MAX_ARMS][TT_MAX_VISITS]; /* its visits' indices */
  PetscInt           er_effect;                   /* exposure-response: the arm effect it sets, -1 for none */
  TTAnalysisCovariate (*acov)[TT_MAX_COVARIATES]; /* [nanalysis][ncovariate] */
  TTAnalysisStrata *astrata;                      /* [nanalysis] */
  int              *level;                        /* scratch [patients]: a factor's level index per twin */
  double           *t_model, *t_days;             /* [nvisit] visit times */
  double horizon_days; /* end of follow-up for a twin entering at 0 (the calendar cut-off when there is one) */
  /* calibrated arm effects: model effect index per arm (-1: none), set yet, records */
  PetscInt            cal_effect[TT_MAX_ARMS];
  PetscBool           cal_set[TT_MAX_ARMS];
  TTCalibrationResult cal[TT_MAX_ARMS];
  PetscInt            ncal;
  /* group-sequential design (nlook > 0) */
  double upper[TT_MAX_LOOKS], lower[TT_MAX_LOOKS], alpha_spent[TT_MAX_LOOKS];
  /* scratch, sized once (TTTrialAnalyse is not reentrant) */
  double   *y, *xcov, *y0, *y1, *expo, *cut;
  int      *treat, *iy, *status, *strata;
  TTPair   *pair;      /* [patients * nendpoint] endpoint pairs at the current data cut */
  double    calendar;  /* that data cut (calendar day; INFINITY: final) */
  PetscInt  replicate; /* the replicate TTTrialAnalyse works on (keys the imputation draws) */
  int      *mmrm_used; /* [nanalysis] mmrm: structure of the last fit (tt_mmrm_cov), -1: none converged / other */
  double   *mi_fmi;    /* [nanalysis] mi: fraction of missing information of the last analysis, NaN: failed / other */
  PetscInt *stratum_count, *block_id, *block_list;
  /* guided arms (trial_guided.c): choose variable and visit index per arm (-1: not guided), the chooser */
  PetscInt       guided_var[TT_MAX_ARMS], guided_visit[TT_MAX_ARMS];
  TTTrialGuideFn guide;
  void          *guide_ctx;
  PetscErrorCode (*guide_destroy)(void *);
  double *ybatch; /* [(narm + 1) * nvisit * nvar]: the integrated arms' trajectories */
  /* validation figures (trial_figures.c) */
  PetscInt         *figure_var; /* [nfigure] baseline_mean: model variable index; -1 otherwise */
  tt_stats_km_step *km_steps;   /* [patients] */
  double           *traj;       /* [nvisit * nvar] */
};

/* trial.c */
PetscErrorCode TTTrialRandomize(TTTrial trial, PetscInt replicate, const double recs[], PetscInt arm[]);
/* trial_endpoint.c: endpoint pair of twin `rec` under `arm` with follow-up cut at
 * `cut_days` after its own randomization (INFINITY: none); dropout applies when
 * with_dropout. Missing: value NaN. */
TTPair TTTrialEndpoint(TTTrial t, const double *rec, PetscInt arm, PetscInt e, double cut_days, PetscBool with_dropout);
/* The continuous endpoint e's measure (value, change or percent change from baseline) of
 * twin `rec` under `arm` at schedule visit v, as TTTrialEndpoint observes it; NaN if not seen. */
double TTTrialMeasureAtVisit(TTTrial t, const double *rec, PetscInt arm, PetscInt e, PetscInt v, double cut_days,
                             PetscBool with_dropout);
/* Follow-up horizon (days after randomization) of a twin at calendar data cut `calendar` (INFINITY: final). */
double TTTrialFollowUp(TTTrial t, const double *rec, double calendar);
/* True sample effect of analysis k on the estimate's scale. */
double TTTrialTrueEffect(TTTrial t, PetscInt k, const double recs[]);
/* trial_methods.c: analysis k on the endpoint pairs in t->pair; 0 or a TT_STATS code. */
int TTTrialRunMethod(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_result *res,
                     double *information, double km[6]);
/* The value of analysis covariate c of endpoint e for twin `rec` randomized to `arm`. */
double TTTrialCovariateValue(TTTrial t, const double *rec, PetscInt arm, PetscInt e, const TTAnalysisCovariate *c);
/* trial_mmrm.c: mmrm analysis k at the data cut t->calendar (res, *information = twins
 * with an observed visit; t->mmrm_used[k] = the structure fitted); 0 or a TT_STATS code. */
int TTTrialRunMmrm(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_test_spec spec,
                   tt_stats_result *res, double *information);
/* trial_mi.c: mi analysis k at the data cut t->calendar (res, *information = twins
 * analysed); 0 or a TT_STATS code. Not collective. */
int TTTrialRunMi(TTTrial t, PetscInt k, const double recs[], const PetscInt arm[], tt_stats_test_spec spec,
                 tt_stats_result *res, double *information);
/* trial_calibrate.c: an arm's effects in the view, its calibrated one with its record. */
void TTTrialViewCalibrated(TTTrial t, FILE *out, PetscInt arm);
/* trial_covariates.c: factor()/numeric() codings and strata checked at set-up (located
 * errors); per replicate, the design columns of covariate c of analysis k from its values
 * value[n] over the analysed twins (x[ncol * n], returns ncol: 1, or a factor's indicator
 * columns) and the stratum label of a twin (strata: [...], else the randomization stratum). */
PetscErrorCode TTTrialBindAnalysisTerms(TTTrial t);
PetscInt       TTTrialCovariateColumns(TTTrial t, PetscInt k, PetscInt c, PetscInt n, const double value[], double *x);
int            TTTrialStratumLabel(TTTrial t, PetscInt k, const double *rec);
/* trial_arms.c: fig[nanalysis][2][TT_ARM_FIGURES] of one replicate at data cut `cut`. */
void TTTrialArmFigures(TTTrial t, const double recs[], const PetscInt arm[], double cut, double fig[]);
/* trial_gsd.c: boundaries at set-up; the looks of one replicate. */
PetscErrorCode TTTrialSetUpLooks(TTTrial t);
void           TTTrialCutAll(TTTrial t, const double recs[], const PetscInt arm[], double calendar);
PetscErrorCode TTTrialLooks(TTTrial t, const double recs[], const PetscInt arm[], TTReplicateResult *res,
                            double *final_cut);
/* After every analysis ran on the stopping look's data: the final look's z, information
 * and boundary, the decision, and the deciding analysis's reject (crossed the boundary). */
void TTTrialFinalLook(TTTrial t, TTReplicateResult *res);

/* trial_dropout.c: outcome-dependent hazards' variables checked at set-up (located
 * errors); the twin's dropout time (days) under arm a from its two dropout uniforms u
 * (all-cause) and v (extra cause) and the arm's observed trajectory traj[nvisit][nvar];
 * the share each arm loses by the last visit, for the resolved view. */
PetscErrorCode TTTrialBindDropout(TTTrial t);
/* A hazard's outcome-dependent variable (-1 for other models; located error naming `key`
 * when the model lacks it); the time (days) at which its cumulative hazard reaches -log u
 * along traj (INFINITY for model none). */
PetscErrorCode TTTrialBindHazard(TTTrial t, const TTDropoutSpec *d, const char *key, PetscInt *var);
double         TTTrialHazardDays(TTTrial t, const TTDropoutSpec *d, PetscInt var, double u, const double *traj);
double         TTTrialDropoutDays(TTTrial t, PetscInt a, double u, double v, const double *traj);
void           TTTrialViewDropout(TTTrial t, FILE *out);

/* Not collective. Comma-separated names of info[n] in buf[len], for "expected one of"
 * messages; returns buf. */
const char *TTTrialNameList(int n, const TTParamInfo *info, char *buf, size_t len);
/* Not collective. A value the protocol gives a model parameter or arm effect (info; key
 * names it, at loc) lies in its domain (TTDomain), else a located user error. */
PetscErrorCode TTTrialCheckDomain(const TTProtocol *p, TTLoc loc, const char *key, const TTModelType *m,
                                  const TTParamInfo *info, double v);
/* trial.c: the index of model variable `name` (-1: none) and, when names is not NULL, the
 * model's variable names, comma-separated, into it (for messages). */
#define TT_VARIABLE_NAMES 1024
#define TT_MAX_VARS       16 /* a model's variables, for the twin's buffers on the stack */
PetscInt TTTrialFindVariable(const TTModelType *m, const char *name, char names[TT_VARIABLE_NAMES]);

/* trial_discontinuation.c: the arms' discontinuation checked against the model at set-up
 * (located errors). Per twin and arm a whose on-treatment noise-free trajectory is
 * ymean[nvisit][nvar] (k its case): that course observed into the record's discontinuation
 * block, the discontinuation time from the twin's uniform u, and the actual course into
 * ymean (visits after it: washed out towards the untreated course, or under the regimen
 * switched to, with k->reg that regimen for the arm's events; `course` holds it). Returns
 * a simulation error code (0 on success) for the caller to settle. */
typedef struct {
  double    start[TT_MAX_SEGMENTS], eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS];
  TTRegimen reg;
} TTTrialCourse;
PetscErrorCode TTTrialBindDiscontinuation(TTTrial t);
/* From model time tm on, case k under regimen R instead (its regimen's segments before tm
 * kept): that course integrated into ymean at the visits after tm, k->reg set to it
 * (course holds it and must not hold k->reg). Returns a simulation error code. */
PetscErrorCode TTTrialSwitchAt(TTTrial t, TTSim sim, double tm, PetscInt R, double z, TTSimCase *k, double *ymean,
                               TTTrialCourse *course);
void           TTTrialViewDiscontinuation(TTTrial t, FILE *out); /* only when some arm can discontinue */
PetscErrorCode TTTrialDiscontinue(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, double u,
                                  double z, TTSimCase *k, double *ymean, double *yoff, PetscBool *have_off,
                                  TTTrialCourse *course, double rec[]);

/* trial_rescue.c: the arms' rescue checked against the model at set-up (located errors).
 * Per twin and arm a whose actual noise-free course is ymean[nvisit][nvar] (k its case,
 * after discontinuation): the rescue time into the record (INFINITY: never), and from it
 * the course under the rescue regimen into ymean, with k->reg that regimen (`course`
 * holds it; it must not hold k->reg). Returns a simulation error code. */
PetscErrorCode TTTrialBindRescue(TTTrial t);
void           TTTrialViewRescue(TTTrial t, FILE *out); /* only when some arm has one */
PetscErrorCode TTTrialRescue(TTTrial t, TTSim sim, PetscInt r, PetscInt p, PetscInt cand, PetscInt a, double z,
                             TTSimCase *k, double *ymean, TTTrialCourse *course, double rec[]);

/* trial_sim.c: a twin's observed values yobs[nvar] from its noise-free ymean[nvar], drawn
 * from stream (seed, r, p, purpose) of its screening candidate cand (the residuals every
 * arm of the twin sees at a visit: purpose RESIDUAL + visit). */
void TTTrialObserveDraw(TTTrial t, PetscInt r, PetscInt p, PetscInt cand, uint64_t purpose, const double *ymean,
                        double *yobs);
/* trial_sim.c: the exposure-response effect of eff set from dose_mg at clearance z (no-op
 * without exposure_response). */
void TTTrialDosed(TTTrial t, double dose_mg, double z, double *eff);
/* trial_regimen.c: regimen effects resolved and switches checked against the model at
 * set-up (located errors); a schedule time in model time (the visits' arithmetic); arm a's
 * regimen whose first segment is first[] and whose later segments are the regimens
 * switched to (dosed: their exposure-response effect at clearance z), in start[nswitch + 1]
 * and eff[(nswitch + 1) * neffect]; the resolved view of regimens and switches. */
PetscErrorCode TTTrialBindRegimens(TTTrial t);
double         TTTrialModelTimeOf(TTTrial t, double schedule_time);
void TTTrialSwitchingRegimen(TTTrial t, PetscInt a, const double *first, double z, PetscBool dosed, double start[],
                             double eff[], TTRegimen *reg);
void TTTrialViewRegimens(TTTrial t, FILE *out);

/* trial_guided.c: guided arms checked against the model at set-up (located errors); the
 * replicate's guided figures (res->guided) from the records' guided blocks. */
PetscErrorCode TTTrialBindGuided(TTTrial t);
void           TTTrialGuidedFigures(TTTrial t, const double recs[], TTReplicateResult *res);

/* trial_figures.c: names checked and scratch sized at set-up; the figures of one replicate. */
PetscErrorCode TTTrialSetUpFigures(TTTrial t);
void           TTTrialFigures(TTTrial t, const double recs[], TTReplicateResult *res);

#endif
