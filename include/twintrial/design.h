/* design.h — planning a trial on the statistical scale, as design teams do: arm effects
 * calibrated to a target marginal effect, and the sample size that reaches a power.
 *
 * Calibration. An arm's mechanistic effect parameter theta is solved so that the
 * MARGINAL effect of the arm against its control arm, on a large cohort of twins each
 * simulated under both arms with common random numbers, equals the target:
 *   hazard_ratio     exp(b) of the Cox model (Efron ties, no covariates) fitted to the
 *                    pooled twins, every twin once under each arm;
 *   mean_difference  mean of the endpoint under the arm minus under the control;
 *   odds_ratio       odds ratio of the marginal responder proportions p1, p0;
 *   risk_difference  p1 - p0;
 *   rate_ratio       (total events / total exposure) under the arm over the control's.
 * Endpoints are observed as the trial's true effect sees them: the trial's follow-up
 * (accrual and administrative cut-off) without dropout; a twin missing under either arm
 * is left out (mean and proportions). The cohort is calibration.twins twins (default
 * 20000) drawn as trial twins of replicate TT_CALIBRATION_REPLICATE, so none of them is
 * a trial twin. The same twins and random numbers serve every evaluation (common random
 * numbers), so the effect is a deterministic function of theta; Brent's method (Brent
 * 1973, Algorithms for Minimization without Derivatives, ch. 4) finds theta on the
 * solving scale (log for ratios) within 1e-6 of the interval, the interval being
 * calibrate.interval or the model's range of the effect. Twins are split over the ranks
 * in contiguous blocks and their endpoints gathered on rank 0 in twin order, where the
 * effect is computed: the result is bitwise identical on any number of ranks.
 * Precision: the bootstrap SE (calibration.bootstrap resamples of twins, default 200)
 * of the achieved effect, and the SE of theta it implies through the slope of the
 * effect in theta (central difference over +-5% of theta, within 0.1% to 1% of the
 * interval).
 *
 * Sample size. The smallest number of patients whose simulated power for one analysis
 * reaches a target: see TTDesignSize.
 */
#ifndef TWINTRIAL_DESIGN_H
#define TWINTRIAL_DESIGN_H

#include <petscsys.h>
#include <stdio.h>
#include <twintrial/coord.h>
#include <twintrial/trial.h>

/* Collective on comm. Solves every calibrated arm effect of the trial's protocol (in arm
 * order) and fixes it in the trial (TTTrialSetCalibration); rank 0 prints one line per
 * effect to log (NULL: silent). A target the interval cannot reach, an interval the
 * model does not provide, or an effect that cannot be computed on the calibration
 * cohort is a user error located at the calibrate entry. Nothing to do without
 * calibrated effects. */
PetscErrorCode TTDesignCalibrate(MPI_Comm comm, TTTrial trial, FILE *log);
/* Not collective. Gives `to` (a trial of the same protocol, e.g. with another number of
 * patients) the calibrated effects solved for `from`. */
PetscErrorCode TTDesignCopyCalibration(TTTrial from, TTTrial to);

typedef struct {
  double       power;      /* target power, in (0, 1) */
  PetscInt     analysis;   /* index of the analysis whose rejections count */
  PetscInt     replicates; /* per search evaluation (0: 1000) */
  PetscInt     confirm;    /* replicates of the final evaluation at the chosen size (0: 2 x replicates) */
  PetscInt     max_patients;
  FILE        *log; /* rank 0: one line per evaluation (NULL: silent) */
  TTProgressFn progress;
  void        *progress_ctx;
} TTSizeOptions;

typedef struct {
  PetscInt  patients;       /* the chosen size */
  double    power, mcse;    /* power at that size in the confirmation run and its MC SE */
  PetscInt  replicates;     /* of the confirmation run */
  double    fit_lo, fit_hi; /* approximate 95% interval of the size from the fitted power curve */
  PetscInt  evaluations;    /* sizes simulated */
  PetscBool reached;        /* the confirmation's power is at least the target */
} TTSizeResult;

/* Collective on comm. Searches the number of patients of `protocol` (patients and
 * replicates are overwritten; restored on return) whose simulated power for the chosen
 * analysis is the target, reusing the trial replicates' seeds at every size (common
 * random numbers). Algorithm: see size.c and README ("Planning a trial"). */
PetscErrorCode TTDesignSize(MPI_Comm comm, TTProtocol *protocol, const TTSizeOptions *opt, TTSizeResult *res);

#endif
