/* mlload.h — private to src/modellang: the table of host routines a generated model
 * calls (its layout is written again, member for member, into every generated source by
 * ml_gen.c), and the minimiser behind the generated `condition`
 * and the event-time integrator behind the generated `events`. */
#ifndef TWINTRIAL_MLLOAD_H
#define TWINTRIAL_MLLOAD_H

#include <twintrial/rng.h>

typedef struct {
  int version;
  double (*normal)(tt_pcg32 *);
  double (*ldnorm)(double, double, double);
  double (*lpnorm)(double);
  void (*minimise)(int, double (*)(const double *, void *), void *, double *);
  void (*hazard)(int, int, const int *, void (*)(int, double, const double *, double *, void *), void *, const double *,
                 int, const double *, double, tt_pcg32 *, double *);
  double (*fdraw)(int, const double *, double, tt_pcg32 *);
  double (*fdensity)(int, const double *, const void *);
} TTModelLangHost;

/* The right-hand side of the states and cumulative hazards of a model file's events:
 * dx[0 .. ns) the states' derivatives, dx[ns + k] the hazard of event type k, at time t
 * in segment seg of the regimen (its effects). */
typedef void (*MLHazardRhs)(int seg, double t, const double *x, double *dx, void *ctx);

/* Not collective. Minimises f over x[n] (in: the start; out: the minimiser). */
void MLMinimise(int n, double (*f)(const double *, void *), void *ctx, double *x);
/* Not collective. An observation of family `family` (MLFamily: beta, poisson,
 * negative_binomial; parameters q) given the model value m, and the log density of an
 * observation obs (a TTObservation); ml_family.c. */
double MLFamilyDraw(int family, const double *q, double m, tt_pcg32 *rng);
double MLFamilyLogDensity(int family, const double *q, const void *obs);
/* Not collective. times[ne * TT_MAX_EVENT_TIMES] of event types 0 .. ne-1 (recurrent[k]:
 * recurrent, else terminal) before t_end, INFINITY where none: the states start at
 * x0[ns], and f is called with segment j of nseg (start[0] = 0 < start[1] < ...) from
 * start[j] on (ml_hazard.c). */
void MLHazardTimes(int ns, int ne, const int *recurrent, MLHazardRhs f, void *ctx, const double *x0, int nseg,
                   const double *start, double t_end, tt_pcg32 *rng, double *times);

#endif
