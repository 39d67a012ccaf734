/* mlload.h — private to src/modellang: the table of host routines a generated model
 * calls (its layout is written again, member for member, into every generated source by
 * ml_gen.c), and the minimiser behind the generated `condition`. */
#ifndef TWINTRIAL_MLLOAD_H
#define TWINTRIAL_MLLOAD_H

#include <twintrial/rng.h>

typedef struct {
  int version;
  double (*normal)(tt_pcg32 *);
  double (*ldnorm)(double, double, double);
  double (*lpnorm)(double);
  void (*minimise)(int, double (*)(const double *, void *), void *, double *);
  double (*fdraw)(int, const double *, double, tt_pcg32 *);
  double (*fdensity)(int, const double *, const void *);
} TTModelLangHost;

/* Not collective. Minimises f over x[n] (in: the start; out: the minimiser). */
void MLMinimise(int n, double (*f)(const double *, void *), void *ctx, double *x);
/* Not collective. An observation of family `family` (MLFamily: beta, poisson,
 * negative_binomial; parameters q) given the model value m, and the log density of an
 * observation obs (a TTObservation); ml_family.c. */
double MLFamilyDraw(int family, const double *q, double m, tt_pcg32 *rng);
double MLFamilyLogDensity(int family, const double *q, const void *obs);

#endif
