/* trial.h — one protocol bound to its model and cohort: twin simulation under every
 * arm, randomization, endpoints and the per-replicate analysis plan.
 *
 * Work is split in two pure steps so any rank can do either:
 *   TTTrialSimulateTwin  twin (replicate, subject) -> a record of doubles holding
 *                        its covariates, stratum, dropout time, prognostic scores and
 *                        its observed trajectory under EVERY arm (common random
 *                        numbers: same latent and residual draws in every arm);
 *   TTTrialAnalyse       all records of one replicate, in subject order ->
 *                        randomized arms, endpoints and every analysis.
 * Randomization happens at analysis time (it needs subjects in order); it is keyed
 * by (seed, replicate, stratum, block), so results never depend on who simulated what.
 * Not collective anywhere: all state is per call.
 */
#ifndef TWINTRIAL_TRIAL_H
#define TWINTRIAL_TRIAL_H

#include <math.h>
#include <petscsys.h>
#include <stdio.h>
#include <twintrial/protocol.h>
#include <twintrial/cohort.h>
#include <twintrial/model.h>
#include <twintrial/sim.h>
#include <twintrial/stats.h>

typedef struct _p_TTTrial *TTTrial;

/* Layout of one twin's record (offsets in doubles):
 *   [stratum, screen, entry, cov[ncov], prognostic[nendpoint], arm blocks..., failed]
 * and for each arm a block of arm_size doubles:
 *   [dropout (days), traj[nvisit][nvar], events[nevent][TT_MAX_EVENT_TIMES] (days)].
 * failed = 1: the twin's simulation failed and it was dropped (model.on_failure: drop);
 * its prognostic scores and arm blocks are NaN and it has no endpoint.
 * After the guided blocks, when some arm can discontinue treatment (disc_size > 0), a
 * block per arm: [discontinuation time (days; INFINITY: never), on-treatment
 * traj[nvisit][nvar]] (the course had the twin stayed on the arm's treatment, observed
 * with the same residuals; the arm block's traj is the actual course). Then, when some
 * arm has a rescue (rescue_size 1, else 0), each arm's rescue time (days; INFINITY:
 * never). Then, with
 * missed_visits (missed_size = nvisit, else 0), a flag per visit: 1 when the twin misses
 * that scheduled visit (under every arm alike). */
typedef struct {
  PetscInt size;
  PetscInt stratum, screen, entry, cov, prognostic, arm0, arm_size, failed; /* offsets and the arm block size */
  PetscInt ncov, nendpoint, narm, nvisit, nvar, nevent;
  PetscInt guided;              /* offset of the guided arms' blocks (after failed), TT_GUIDED_SIZE doubles per arm */
  PetscInt disc, disc_size;     /* offset of the discontinuation blocks (after guided) and their size (0: none) */
  PetscInt rescue, rescue_size; /* offset of the rescue times (after them) and their size per arm (0: none) */
  PetscInt missed, missed_size; /* offset of the missed-visit flags (after them) and their number (0: none) */
} TTRecordLayout;

/* A guided arm's block in a twin's record (every arm has one; NaN for arms not guided):
 * the candidate (index into the arm's guided.candidates) given at 0 and held at the
 * choose visit, the number of switches, fits that did not converge, the oracle (the
 * candidate whose true score is best, ties to the first), the true score of the guided
 * policy (its trajectory, switches included) and of each candidate given from 0. A true
 * score is the choose criterion at the twin's own random effects and exposure-response
 * clearance (no posterior uncertainty): smaller is better (see TTGuidedSpec). */
enum {
  TT_GUIDED_FIRST,
  TT_GUIDED_FINAL,
  TT_GUIDED_SWITCHES,
  TT_GUIDED_UNCONVERGED,
  TT_GUIDED_ORACLE,
  TT_GUIDED_POLICY_SCORE,
  TT_GUIDED_SCORE, /* [TT_MAX_CANDIDATES] */
  TT_GUIDED_SIZE = TT_GUIDED_SCORE + TT_MAX_CANDIDATES
};
static inline const double *TTRecordGuided(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return rec + L->guided + arm * TT_GUIDED_SIZE;
}

static inline double TTRecordDropout(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return rec[L->arm0 + arm * L->arm_size];
}
static inline const double *TTRecordTraj(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return rec + L->arm0 + arm * L->arm_size + 1;
}
static inline const double *TTRecordEvents(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return rec + L->arm0 + arm * L->arm_size + 1 + L->nvisit * L->nvar;
}
/* The twin's discontinuation time under arm (days; INFINITY when it never stops or the
 * protocol has no discontinuation) and its on-treatment trajectory (the arm's own when
 * there is no discontinuation block). */
static inline double TTRecordDiscontinuation(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return L->disc_size ? rec[L->disc + arm * L->disc_size] : (double) INFINITY;
}
/* The twin's rescue time under arm (days; INFINITY when it is not rescued or the protocol
 * has no rescue), and its first intercurrent event's (discontinuation or rescue). */
static inline double TTRecordRescue(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return L->rescue_size ? rec[L->rescue + arm] : (double) INFINITY;
}
static inline double TTRecordIntercurrent(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  double td = TTRecordDiscontinuation(L, rec, arm), tr = TTRecordRescue(L, rec, arm);
  return tr < td ? tr : td;
}
/* Whether the twin misses scheduled visit v (missed_visits; never without the key). */
static inline PetscBool TTRecordMissed(const TTRecordLayout *L, const double *rec, PetscInt v)
{
  return L->missed_size && rec[L->missed + v] != 0.0 ? PETSC_TRUE : PETSC_FALSE;
}
static inline const double *TTRecordOnTreatment(const TTRecordLayout *L, const double *rec, PetscInt arm)
{
  return L->disc_size ? rec + L->disc + arm * L->disc_size + 1 : TTRecordTraj(L, rec, arm);
}

/* Per-replicate outcome of the analysis plan. An endpoint value is a pair: continuous
 * and binary (value, NaN); time to event (time in days, status 1 = event); count
 * (events, exposure in the endpoint's rate unit). NaN value = missing. */
typedef struct {
  PetscInt  replicate;
  PetscInt  screen_failures;
  PetscInt  dropped_twins;      /* twins dropped after a failed simulation (model.on_failure: drop) */
  PetscInt  stage;              /* look at which the trial stopped (1-based; 1 without interim looks) */
  PetscInt *arm;                /* [patients] randomized arm index */
  double   *endpoint;           /* [patients * nendpoint * 2] observed endpoint pairs at the final look */
  int      *ok;                 /* [nanalysis] analysis could be computed */
  int      *reason;             /* [nanalysis] why not: a TT_STATS_E* code (tt_stats_reason), 0 when ok */
  int      *covariance;         /* [nanalysis] mmrm: the structure fitted (tt_mmrm_cov, after any fallback);
                                 * -1 for other methods and where no structure converged */
  double *fmi;                  /* [nanalysis] mi: the pooled estimate's fraction of missing information (Rubin
                                 * 1987, as mice::pool); NaN for other methods and failed analyses */
  tt_stats_result *result;      /* [nanalysis] */
  double          *true_effect; /* [nanalysis] sample treatment effect on the estimate's scale */
  double          *information; /* [nanalysis] events (time to event) or observed endpoints in the analysis */
  double          *look_z;      /* [nlook] deciding statistic in the benefit direction at each look (NaN after stop) */
  double          *km;          /* [nanalysis * 6] time-to-event analyses: Kaplan-Meier median and its 95% CI
                                 * (print.survfit's) for control then treatment; NaN otherwise or when not reached */
  double *figure;               /* [nfigure] the protocol's validation figures in this replicate (NaN: none) */
  double *arm_figures;          /* [nanalysis][2: control, treatment][TT_ARM_FIGURES] (trial_arms.c) */
  double *guided;               /* [narm][TT_GUIDED_FIGURES] guided arms' figures over every twin (NaN: not guided) */
  /* group-sequential looks (nlook > 0), NaN at looks not held: */
  PetscInt decision;         /* deciding analysis at the stopping look: 1 efficacy, -1 futility stop, 0 neither */
  double  *look_time;        /* [nlook] calendar day of the look (days since the first randomization) */
  double  *look_information; /* [nlook] events (time to event) or endpoints of the deciding analysis */
  double  *look_subjects;    /* [nlook] twins randomized by the look */
  double  *look_bound;       /* [nlook] efficacy boundary applied (the final one recomputed when short of events) */
} TTReplicateResult;

/* Per analysis and arm (control, treatment): twins randomised, analysed (an observed
 * endpoint), dropped out before the endpoint could be observed, events (time to event,
 * counts; else NaN) and responders (binary endpoints; else NaN). */
enum { TT_ARM_RANDOMISED, TT_ARM_ANALYSED, TT_ARM_DROPPED_OUT, TT_ARM_EVENTS, TT_ARM_RESPONDERS, TT_ARM_FIGURES };

/* A guided arm's figures in one replicate, over every twin not dropped (each is simulated
 * under the guided policy as under every arm): the share given each candidate (held at
 * the choose visit), the share whose candidate is its oracle's, the mean regret (true
 * score of the candidate held minus the oracle's: >= 0), the mean true score of the
 * policy and of the best single candidate (the one whose mean true score is best), the
 * value of personalisation (best single's mean score minus the policy's: > 0 when the
 * guided arm does better), that candidate's index, the mean number of switches and the
 * twins counted. Scores as in the record (smaller is better). */
enum {
  TT_GUIDED_AGREEMENT,
  TT_GUIDED_REGRET,
  TT_GUIDED_POLICY_MEAN,
  TT_GUIDED_BEST_SINGLE_MEAN,
  TT_GUIDED_VALUE,
  TT_GUIDED_BEST_SINGLE,
  TT_GUIDED_MEAN_SWITCHES,
  TT_GUIDED_TWINS,
  TT_GUIDED_SHARE, /* [TT_MAX_CANDIDATES] */
  TT_GUIDED_FIGURES = TT_GUIDED_SHARE + TT_MAX_CANDIDATES
};

/* Not collective. Binds the protocol to its model and cohort and checks every name
 * (model, parameters, effects, covariates, strata, variables) with located errors. */
PetscErrorCode TTTrialCreate(const TTProtocol *protocol, TTTrial *trial);
PetscErrorCode TTTrialDestroy(TTTrial *trial);
/* Not collective. The resolved protocol, model parameters and cohort as YAML. */
PetscErrorCode TTTrialView(TTTrial trial, FILE *out);

PetscErrorCode TTTrialGetProtocol(TTTrial trial, const TTProtocol **protocol);
PetscErrorCode TTTrialGetModel(TTTrial trial, const TTModelType **model);
PetscErrorCode TTTrialGetCohort(TTTrial trial, TTCohort *cohort);
PetscErrorCode TTTrialGetRecordLayout(TTTrial trial, TTRecordLayout *layout);

/* Not collective. The group-sequential design: nlook looks (0 without interim
 * analyses) at information fractions, efficacy and futility boundaries (z scale,
 * benefit direction; -inf without futility) and cumulative alpha spent. */
PetscErrorCode TTTrialGetDesign(TTTrial trial, PetscInt *nlook, const double **information, const double **upper,
                                const double **lower, const double **alpha_spent);
/* Not collective. The twin's observed trajectory under `arm`, y[nvisit * nvar]: NaN
 * where unobserved (after dropout, a terminal event or the end of follow-up, and at the
 * visits it missed: missed_visits). */
void TTTrialObservedTrajectory(TTTrial trial, const double rec[], PetscInt arm, double y[]);
/* Whether the twin is still in the study (not withdrawn, no terminal event, within
 * follow-up) at the last visit under arm, whether or not it missed that visit. Not collective. */
PetscBool TTTrialInStudyAtLastVisit(TTTrial trial, const double rec[], PetscInt arm);
/* Not collective. The model's parameters as the protocol resolves them, par[model->nparam]. */
PetscErrorCode TTTrialGetParameters(TTTrial trial, const double **par);
/* Not collective. The effects eff[model->neffect] of `arm` (arm = narm: no effect, the
 * model's defaults) for a twin whose exposure-response clearance lies z standard
 * deviations from the typical value (0: typical; ignored without exposure_response). */
PetscErrorCode TTTrialArmEffects(TTTrial trial, PetscInt arm, double z, double eff[]);
/* Not collective. The effects eff[model->neffect] of declared regimen `regimen` (index into
 * protocol->regimen) for a twin at exposure-response clearance z (as TTTrialArmEffects). */
PetscErrorCode TTTrialRegimenEffects(TTTrial trial, PetscInt regimen, double z, double eff[]);
/* Not collective. The regimen arm `arm` follows for a twin at clearance z: its own effects
 * (TTTrialArmEffects) from 0, then those of each regimen it switches to, from the switch
 * time in model units. *reg points into the caller's start[TT_MAX_SEGMENTS] and
 * eff[TT_MAX_SEGMENTS * model->neffect]; one segment for an arm without switches. */
PetscErrorCode TTTrialArmRegimen(TTTrial trial, PetscInt arm, double z, double start[], double eff[], TTRegimen *reg);
/* Not collective. A time in the schedule's unit (a visit, a switch) in model units, by the
 * arithmetic the visits' model times use (so equal times stay equal bit for bit). */
PetscErrorCode TTTrialModelTime(TTTrial trial, double schedule_time, double *model_time);
/* Not collective. A sim for this trial's model (one per rank, reused). */
PetscErrorCode TTTrialCreateSim(TTTrial trial, TTSim *sim);
/* A twin as a guided arm's chooser sees it: keys, covariates (model order), its true random
 * effects and exposure-response clearance z. */
typedef struct {
  PetscInt      arm, replicate, subject, candidate; /* candidate: its screening candidate (stream keys) */
  const double *cov, *eta;
  double        z;
} TTGuidedTwin;
/* A guided arm's chooser (set by the module that personalises twins): the regimen the
 * twin follows on the arm (reg's arrays point into start[TT_MAX_SEGMENTS] and
 * eff[TT_MAX_SEGMENTS * neffect], effects at the twin's own clearance), its noise-free
 * trajectory there at the visits, ymean[nvisit][nvar], and its guided block (TT_GUIDED_*).
 * Its observations at scheduled visits must be TTTrialObserveVisit's, so that the record
 * holds exactly what the decisions saw. */
typedef PetscErrorCode (*TTTrialGuideFn)(void *ctx, TTTrial trial, const TTGuidedTwin *twin, double start[],
                                         double eff[], TTRegimen *reg, double ymean[], double block[]);
/* Not collective. Sets the chooser of the guided arms (a trial with guided arms cannot
 * simulate a twin without one: PETSC_ERR_ORDER); the trial owns ctx from then on and
 * frees it with destroy (may be NULL) when destroyed or when another chooser is set. */
PetscErrorCode TTTrialSetGuide(TTTrial trial, TTTrialGuideFn fn, void *ctx, PetscErrorCode (*destroy)(void *));
/* Not collective. The observed values yobs[nvar] at scheduled visit v of a twin whose
 * noise-free values there are ymean[nvar] (the residual draws every arm of the twin sees
 * at that visit). */
PetscErrorCode TTTrialObserveVisit(TTTrial trial, const TTGuidedTwin *twin, PetscInt v, const double ymean[],
                                   double yobs[]);
/* Not collective. The observed values at run-in visit k (untreated, before 0) from their
 * own stream (seed, replicate, subject, TT_STREAM_RUN_IN + k; per screening candidate). */
PetscErrorCode TTTrialObserveRunIn(TTTrial trial, const TTGuidedTwin *twin, PetscInt k, const double ymean[],
                                   double yobs[]);
/* Not collective. Fills rec[layout.size] for twin (replicate, subject). */
PetscErrorCode TTTrialSimulateTwin(TTTrial trial, TTSim sim, PetscInt replicate, PetscInt subject, double rec[]);

/* ---- calibrated arm effects (solved by the design module, include/twintrial/design.h) ---- */

/* The replicate index of the calibration cohort: twins (seed, TT_CALIBRATION_REPLICATE, i)
 * are drawn like a trial's but are none of its twins (replicates stay below INT_MAX). */
#define TT_CALIBRATION_REPLICATE 2147483647

/* One calibrated arm effect, kept with the trial for its view and the results file. */
typedef struct {
  PetscInt            arm, effect, endpoint, control; /* arm; model effect index; endpoint; control arm */
  TTCalibrationTarget target;
  double              target_value;   /* as written (ratios as ratios) */
  double              value;          /* the calibrated effect the trial uses */
  double              value_mc_se;    /* its Monte Carlo SE: achieved_mc_se over the slope of the effect */
  double              tolerance;      /* half-width of the solver's final bracket on value */
  double              achieved;       /* the marginal effect at value on the calibration cohort */
  double              achieved_mc_se; /* its bootstrap SE (ratios: on the ratio scale) */
  double              lo, hi;         /* the interval searched */
  PetscInt            twins, bootstrap, evaluations;
} TTCalibrationResult;

/* Not collective. Whether the protocol has calibrated effects not yet set (the trial
 * cannot be analysed until each is set by TTTrialSetCalibration). */
PetscErrorCode TTTrialCalibrationPending(TTTrial trial, PetscBool *pending);
/* Not collective. Sets the arm's model effect `effect` (index into model->effect) for the
 * twins simulated next: the calibration's trial values. */
PetscErrorCode TTTrialSetArmEffect(TTTrial trial, PetscInt arm, PetscInt effect, double value);
/* Not collective. Fixes a calibrated effect at r->value and keeps the record. */
PetscErrorCode TTTrialSetCalibration(TTTrial trial, const TTCalibrationResult *r);
/* Not collective. The records set so far, in arm order. */
PetscErrorCode TTTrialGetCalibrations(TTTrial trial, PetscInt *n, const TTCalibrationResult **r);
/* Not collective. One calibration as a line of text (no newline): "calibrated ARM.EFFECT =
 * VALUE (MC SE ..., solver tolerance ...): TARGET ACHIEVED (MC SE ...; target T) on ENDPOINT
 * vs CONTROL, N twins, K evaluations". */
void TTTrialFormatCalibration(TTTrial trial, const TTCalibrationResult *r, char *buf, size_t len);
/* Not collective. The twin's endpoint pair (see TTReplicateResult) under `arm` as the
 * true effect sees it: no dropout, the trial's follow-up (administrative cut-off). */
void TTTrialCounterfactualEndpoint(TTTrial trial, const double rec[], PetscInt arm, PetscInt endpoint, double pair[2]);

/* Not collective. Result buffers sized for this trial. */
PetscErrorCode TTReplicateResultCreate(TTTrial trial, TTReplicateResult *res);
PetscErrorCode TTReplicateResultDestroy(TTReplicateResult *res);
/* Not collective. recs holds `patients` records in subject order. */
PetscErrorCode TTTrialAnalyse(TTTrial trial, PetscInt replicate, const double recs[], TTReplicateResult *res);

#endif
