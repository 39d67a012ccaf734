/* designimpl.h — private to src/design: the marginal effects a calibration solves for. */
#ifndef TWINTRIAL_DESIGNIMPL_H
#define TWINTRIAL_DESIGNIMPL_H

#include <twintrial/design.h>

/* Endpoint pairs of the calibration cohort: twin i has control (value, aux) at
 * pairs[4i], [4i+1] and arm (value, aux) at pairs[4i+2], [4i+3] (see TTReplicateResult). */
typedef struct {
  PetscInt n;
  double  *pairs;
  double  *time; /* scratch: [2n] */
  int     *status, *treat;
} TTMarginal;

PetscErrorCode TTMarginalCreate(PetscInt n, TTMarginal *m);
PetscErrorCode TTMarginalDestroy(TTMarginal *m);
/* Not collective. The marginal effect on the solving scale (log for ratios) over the
 * twins idx[0..n) (NULL: every twin once); NaN when it cannot be computed (no twin
 * with both values, no event, a proportion of 0 or 1 makes a ratio infinite: +-inf). */
double TTMarginalEffect(TTMarginal *m, TTCalibrationTarget target, const PetscInt idx[]);
/* Not collective. Bootstrap SE of TTMarginalEffect over B resamples of twins drawn from
 * the stream (seed, TT_CALIBRATION_REPLICATE, arm, TT_STREAM_CALIBRATION). */
PetscErrorCode TTMarginalBootstrapSE(TTMarginal *m, TTCalibrationTarget target, uint64_t seed, PetscInt arm, PetscInt B,
                                     double *se);
/* Solving scale of a target value (log for ratios) and back. */
double TTTargetToScale(TTCalibrationTarget target, double v);
double TTTargetFromScale(TTCalibrationTarget target, double s);

#endif
