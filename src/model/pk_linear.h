/* pk_linear.h — exact solutions shared by the linear compartmental PK models (private to
 * src/model): first-order absorption into a disposition of exponential modes.
 *
 * tt_pk_conv(lambda, ka, h) = integral over [0, h] of exp(-lambda (h - s)) exp(-ka s) ds
 *   = (exp(-lambda h) - exp(-ka h)) / (ka - lambda),
 * the amount in a compartment draining at rate lambda at time h after a unit amount
 * started leaving the depot at rate ka (times ka). Written as exp(-min h) h E(|ka -
 * lambda| h), E(z) = (1 - exp(-z)) / z (E(0) = 1), it has no cancellation when ka is near
 * lambda, no overflow when they are far apart, and the limit h exp(-ka h) at ka = lambda.
 * Invariant: finite and >= 0 for lambda, ka >= 0 and h >= 0; 0 at h = 0. */
#ifndef TT_PK_LINEAR_H
#define TT_PK_LINEAR_H
#include <math.h>

static inline double tt_pk_conv(double lambda, double ka, double h)
{
  double z = fabs(ka - lambda) * h, e = z > 0.0 ? -expm1(-z) / z : 1.0;
  return exp(-fmin(lambda, ka) * h) * h * e;
}

#endif
