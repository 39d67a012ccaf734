/* protocolimpl.h — private to the .c files of src/protocol: the libyaml call wrapper, the
 * names of the protocol's enums, and the section parsers shared between protocol.c
 * (trial, arms, cohort, model, schedule, prognostic, output), protocol_design.c
 * (trial.enrollment, interim), protocol_dropout.c (dropout, the arms' own and extra
 * dropout), protocol_endpoint.c (endpoints) and
 * protocol_analysis.c (analyses).
 * Section parsers fill one part of a zeroed TTProtocol and raise located user
 * errors; they run in the order of TTProtocolLoad (arms before trial.allocation,
 * schedule before endpoints, endpoints and arms before analyses, analyses before
 * interim, schedule and dropout before the arms' dropout). */
#ifndef TWINTRIAL_PROTOCOLIMPL_H
#define TWINTRIAL_PROTOCOLIMPL_H

#include <twintrial/protocol.h>

/* libyaml returns 0 on failure. */
#define TTCallYAML(call)                                                                                               \
  do {                                                                                                                 \
    if (!(call)) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "libyaml: %s", #call);                                        \
  } while (0)

/* 1 for an identifier [A-Za-z_][A-Za-z0-9_]*. */
PetscBool TTIsName(const char *s);

/* Integer in [lo, hi]: "expected an integer >= lo" or "between lo and hi". */
PetscErrorCode TTProtocolGetIntRange(TTYaml y, TTYamlNode n, const char *key, long lo, long hi, int *v);
/* Mapping name -> real (at most max entries, names are identifiers). */
PetscErrorCode TTProtocolGetNamedValues(TTYaml y, TTYamlNode map, const char *key, int max, int *n, TTNamedValue v[]);
/* Index of arm `name` in p->arm, or -1. */
int TTProtocolFindArm(const TTProtocol *p, const char *name);

/* Names indexed by the enum values (YAML spelling): TTEndpointType, TTMeasure, TTAnalysisMethod,
 * TTDropoutModel, TTSpending; time units day, week, month, year and their lengths in days. */
#define TT_DAYS_PER_YEAR  365.25
#define TT_DAYS_PER_MONTH (365.25 / 12.0)
extern const char *const TTEndpointTypeNames[TT_NENDPOINT_TYPE];
extern const char *const TTMeasureNames[3];
#define TT_NMETHOD 11
extern const char *const TTAnalysisMethodNames[TT_NMETHOD];
extern const char *const TTDropoutModelNames[4];
extern const char *const TTOnFailureNames[2];
extern const char *const TTSpendingNames[4];
#define TT_NTIME_UNIT 5 /* day, week, month, year, hour */
extern const char *const TTTimeUnitNames[TT_NTIME_UNIT];
extern const double      TTTimeUnitDays[TT_NTIME_UNIT];

PetscErrorCode TTProtocolParseEnrollment(TTYaml y, TTYamlNode map, TTProtocol *p);
PetscErrorCode TTProtocolParseDropout(TTYaml y, TTYamlNode map, TTProtocol *p);
PetscErrorCode TTProtocolParseMissedVisits(TTYaml y, TTYamlNode map, TTProtocol *p);
/* arms[i].dropout and arms[i].extra_dropout of every arm (sequence `arms`), after the
 * protocol's dropout: an arm without its own dropout gets a copy of the protocol's. */
PetscErrorCode TTProtocolParseArmDropout(TTYaml y, TTYamlNode arms, TTProtocol *p);
/* One hazard in the dropout forms at `key` (*d zeroed first), the mapping allowed to hold
 * the extra keys extra[nextra <= 4] too (read by the caller). */
PetscErrorCode TTProtocolParseHazard(TTYaml y, TTYamlNode map, const char *key, double unit_days, int nextra,
                                     const char *const extra[], TTDropoutSpec *d);
/* protocol_discontinuation.c: the protocol's discontinuation and each arm's (after the
 * regimens, the arms' guided keys and the schedule); an analysis's estimand key (after its
 * endpoint). */
PetscErrorCode TTProtocolParseDiscontinuation(TTYaml y, TTYamlNode map, TTYamlNode arms, TTProtocol *p);
/* protocol_rescue.c: the protocol's rescue and each arm's (after the discontinuation; see
 * TTRescueSpec). */
PetscErrorCode TTProtocolParseRescue(TTYaml y, TTYamlNode map, TTYamlNode arms, TTProtocol *p);
PetscErrorCode TTProtocolParseEstimand(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p,
                                       TTAnalysisSpec *a);
PetscErrorCode TTProtocolParseInterim(TTYaml y, TTYamlNode map, TTProtocol *p);
PetscErrorCode TTProtocolParseEndpoints(TTYaml y, TTYamlNode seq, TTProtocol *p);
PetscErrorCode TTProtocolParseAnalyses(TTYaml y, TTYamlNode seq, TTProtocol *p);
/* protocol_mmrm.c: an analysis's covariance, fallback, df and visit keys (method mmrm only;
 * after its method, endpoint and covariates). */
PetscErrorCode TTProtocolParseMmrm(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p, TTAnalysisSpec *a);
/* protocol_mi.c: an analysis's imputation, reference, delta, imputations and analysis keys
 * (method mi only; after its method, endpoint, covariates and arms, before
 * TTProtocolParseMmrm, which reads mi_analysis). */
PetscErrorCode TTProtocolParseMi(TTYaml y, TTYamlNode item, const char *key, const TTProtocol *p, TTAnalysisSpec *a);

/* protocol_calibrate.c: an arm's effects (a calibrated one only marked: value NaN), and
 * after the analyses every calibrated effect's target and the calibration section. */
PetscErrorCode           TTProtocolParseArmEffects(TTYaml y, TTYamlNode map, const char *key, TTArmSpec *arm);
PetscErrorCode           TTProtocolParseCalibration(TTYaml y, TTYamlNode arms, TTYamlNode section, TTProtocol *p);
extern const char *const TTCalibrationTargetNames[TT_NTARGET];

/* protocol_validation.c: the validation section (after endpoints, analyses and arms). */
PetscErrorCode           TTProtocolParseValidation(TTYaml y, TTYamlNode seq, TTProtocol *p);
extern const char *const TTFigureStatisticNames[TT_NFIGURE_STATISTIC];

/* protocol_design.c: the exposure-response section (er may be 0: checks arm doses). */
PetscErrorCode TTProtocolParseExposureResponse(TTYaml y, TTYamlNode map, TTProtocol *p);

/* protocol_regimen.c: the regimens section (before the arms); the arms' regimen and
 * switch keys (after the schedule, before calibration and exposure_response); the index of
 * regimen `name` or -1. */
PetscErrorCode TTProtocolParseRegimens(TTYaml y, TTYamlNode seq, TTProtocol *p);
PetscErrorCode TTProtocolParseArmRegimens(TTYaml y, TTYamlNode arms, TTProtocol *p);
/* A regimen name at node n (key for messages): its index (located error otherwise). */
PetscErrorCode TTProtocolRegimenRef(TTYaml y, TTYamlNode n, const char *key, const TTProtocol *p, int *index);
/* protocol_guided.c: the arms' guided key (after the arms' regimens; see TTGuidedSpec). */
PetscErrorCode TTProtocolParseArmGuided(TTYaml y, TTYamlNode arms, TTProtocol *p);
int            TTProtocolFindRegimen(const TTProtocol *p, const char *name);

/* protocol_choose.c: the choose section (after arms and schedule); TTChooseGoal names. */
PetscErrorCode           TTProtocolParseChoose(TTYaml y, TTYamlNode map, TTProtocol *p);
extern const char *const TTChooseGoalNames[4];
#endif
