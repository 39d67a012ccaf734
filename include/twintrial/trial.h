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

#include <petscsys.h>
#include <stdio.h>
#include <twintrial/protocol.h>
#include <twintrial/cohort.h>
#include <twintrial/model.h>
#include <twintrial/sim.h>
#include <twintrial/stats.h>

typedef struct _p_TTTrial *TTTrial;

/* Layout of one twin's record (offsets in doubles). */
typedef struct {
  PetscInt size;
  PetscInt stratum, dropout, screen, cov, prognostic, traj; /* offsets */
  PetscInt ncov, nendpoint, narm, nvisit, nvar;             /* traj is [arm][visit][var] */
} TTRecordLayout;

/* Per-replicate outcome of the analysis plan. */
typedef struct {
  PetscInt         replicate;
  PetscInt         screen_failures;
  PetscInt        *arm;         /* [patients] randomized arm index */
  double          *endpoint;    /* [patients * nendpoint] observed endpoint, NaN if missing */
  int             *ok;          /* [nanalysis] analysis could be computed */
  tt_stats_result *result;      /* [nanalysis] */
  double          *true_effect; /* [nanalysis] sample average treatment effect */
} TTReplicateResult;

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

/* Not collective. A sim for this trial's model (one per rank, reused). */
PetscErrorCode TTTrialCreateSim(TTTrial trial, TTSim *sim);
/* Not collective. Fills rec[layout.size] for twin (replicate, subject). */
PetscErrorCode TTTrialSimulateTwin(TTTrial trial, TTSim sim, PetscInt replicate, PetscInt subject, double rec[]);

/* Not collective. Result buffers sized for this trial. */
PetscErrorCode TTReplicateResultCreate(TTTrial trial, TTReplicateResult *res);
PetscErrorCode TTReplicateResultDestroy(TTReplicateResult *res);
/* Not collective. recs holds `patients` records in subject order. */
PetscErrorCode TTTrialAnalyse(TTTrial trial, PetscInt replicate, const double recs[], TTReplicateResult *res);

#endif
