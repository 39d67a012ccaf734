/* exp_integral.h — the convolution of two exponential decays, shared by the models that
 * solve linear kinetics exactly (private to src/model): oncology_tgi_os's kill term and
 * the PK models' absorption into their disposition modes.
 *
 * tt_exp_integral(a, l, t) = integral over [0, t] of exp(-a (t - s)) exp(-l s) ds
 *                          = (exp(-l t) - exp(-a t)) / (a - l),
 * e.g. the amount at t in a compartment draining at rate a that a depot emptying at rate l
 * fed (per unit rate and amount). Near a = l (|a - l| t < 1e-6) the difference quotient is
 * replaced by its series, t exp(-(a + l) t / 2) (1 + x^2 / 24), x = (a - l) t, whose
 * truncation error is below 1e-24 relative there; the limit at a = l is t exp(-a t).
 * Invariant: finite, and >= 0 for t >= 0. */
#ifndef TT_EXP_INTEGRAL_H
#define TT_EXP_INTEGRAL_H
#include <math.h>

static inline double tt_exp_integral(double a, double l, double t)
{
  double x = (a - l) * t;
  if (fabs(x) < 1e-6) return t * exp(-0.5 * (a + l) * t) * (1.0 + x * x / 24.0);
  return (exp(-l * t) - exp(-a * t)) / (a - l);
}

#endif
