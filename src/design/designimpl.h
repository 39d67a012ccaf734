/* designimpl.h — private to src/design: the marginal effects a calibration solves for,
 * and the probit power curve of the sample-size search. */
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

/* Probit model of power in sqrt(n): P(reject | n) = Phi(a + b sqrt(n)), fitted by
 * maximum likelihood to k[i] rejections of r[i] replicates at n[i] (Newton-Raphson on
 * the binomial likelihood, Fisher scoring). cov[3] = var a, cov a b, var b.
 * Returns 0, or 1 when the fit does not exist (fewer than two sizes, all or no rejections). */
int TTProbitFit(int m, const double n[], const double k[], const double r[], double ab[2], double cov[3]);

#endif
