/* cohort.h — baseline covariates of digital twins, drawn from a cohort spec.
 *
 * Every draw for twin `subject` of `replicate` comes from the keyed substream
 * (seed, replicate, subject, TT_STREAM_COHORT), so a cohort is identical on any
 * rank count and in any order of work. A twin is returned only if it meets the
 * inclusion criteria; rejected candidates are drawn from the same stream in turn
 * and counted as screen failures.
 */
#ifndef TWINTRIAL_COHORT_H
#define TWINTRIAL_COHORT_H

#include <petscsys.h>
#include <stdint.h>
#include <stdio.h>
#include <twintrial/protocol.h>
#include <twintrial/rng.h>

typedef struct _p_TTCohort *TTCohort;

/* Not collective. Reads a cohort YAML spec; user errors name file:line:column and the key. */
PetscErrorCode TTCohortCreateFromFile(const char *path, TTCohort *cohort);
/* Not collective. As TTCohortCreateFromFile, and the include / exclude criteria may
 * also name the observed variables vars[nvar] of `model` (screening on baseline
 * measurements: their observed values at the first visit, x[n + k]). */
PetscErrorCode TTCohortCreateForModel(const char *path, const char *model, int nvar, const char *const vars[],
                                      TTCohort *cohort);
/* Not collective. Accepts NULL; sets *cohort to NULL. */
PetscErrorCode TTCohortDestroy(TTCohort *cohort);

/* Not collective. Number of covariates (declared then derived) and their names. */
PetscErrorCode TTCohortGetCovariates(TTCohort cohort, PetscInt *n, const char *const **names);
/* Not collective. Index of covariate `name`, or -1 when the cohort has none of that name. */
PetscErrorCode TTCohortFindCovariate(TTCohort cohort, const char *name, PetscInt *index);
/* Not collective. For a covariate with finitely many values (bernoulli, categorical,
 * binomial, derived 0/1) the number of levels; 0 for a continuous one. */
PetscErrorCode TTCohortGetLevels(TTCohort cohort, PetscInt index, PetscInt *nlevels);
/* Not collective. Level index in [0, nlevels) of a value of a discrete covariate. */
PetscErrorCode TTCohortLevelIndex(TTCohort cohort, PetscInt index, double value, PetscInt *level);
/* Not collective. The support of covariate `index`: every value it can take lies in
 * [lo, hi] (-INFINITY / INFINITY when unbounded). normal, uniform: [min, max]; lognormal:
 * [min, max], lo = 0 without min (0 itself excluded); bernoulli, derived: [0, 1];
 * binomial: [0, size]; categorical: its smallest and largest level; a resampled CSV
 * column: its smallest and largest value. */
PetscErrorCode TTCohortGetSupport(TTCohort cohort, PetscInt index, double *lo, double *hi);
/* Not collective. Whether covariate `index` can take `value`: finite, in the support, one
 * of the levels of a categorical covariate, an integer for bernoulli, binomial, derived
 * and a resampled column of integers. A rounding grid (round:) is not enforced. */
PetscErrorCode TTCohortInSupport(TTCohort cohort, PetscInt index, double value, PetscBool *in);
/* Not collective. The support in words for messages ("a number in [55, 90]", "one of 0,
 * 1, 2", "0 or 1", "a number > 0"), into buf[len]. */
PetscErrorCode TTCohortDescribeSupport(TTCohort cohort, PetscInt index, char *buf, size_t len);
/* Not collective. Draws twin (replicate, subject): x[n] covariates; *screen_failures
 * (may be NULL) is the number of candidates rejected before it. Too many rejections in
 * a row (the criteria exclude almost everyone) is a user error. */
PetscErrorCode TTCohortDraw(TTCohort cohort, uint64_t seed, PetscInt replicate, PetscInt subject, double x[],
                            PetscInt *screen_failures);
/* Not collective. A protocol's own entry criteria on top of the cohort's (both must
 * hold), with the same names as the cohort's criteria; NULL or "" for none. Errors are
 * located at file:loc plus the column inside the text (its first byte at loc). */
PetscErrorCode TTCohortRestrict(TTCohort cohort, const char *include, const char *exclude, const char *file,
                                TTLoc include_loc, TTLoc exclude_loc);
/* Candidates of one twin, in order: covariates continue one stream, and every further
 * random number of a candidate (its random effects, its baseline residuals) is keyed
 * by `candidate` (0 for the first), so a screen is identical on any rank count. */
typedef struct {
  tt_pcg32 g;
  PetscInt replicate, subject;
  PetscInt candidate; /* index of the last candidate drawn, -1 before the first */
} TTCohortScreen;

/* Not collective. Starts the candidates of twin (replicate, subject). */
PetscErrorCode TTCohortScreenStart(TTCohort cohort, uint64_t seed, PetscInt replicate, PetscInt subject,
                                   TTCohortScreen *s);
/* Not collective. Draws candidates until one meets the criteria that read covariates
 * only: x[n]; *rejected (may be NULL) counts the others. Too many candidates for one
 * twin (the criteria exclude almost everyone) is a user error. */
PetscErrorCode TTCohortScreenNext(TTCohort cohort, TTCohortScreen *s, double x[], PetscInt *rejected);
/* Not collective. Whether the criteria read baseline measurements. */
PetscBool TTCohortScreensMeasurements(TTCohort cohort);
/* Not collective. Whether a candidate with covariates x[n] and observed baseline
 * y0[nvar] meets the criteria that read measurements. */
PetscBool TTCohortAcceptsMeasurements(TTCohort cohort, const double x[], const double y0[]);
/* Not collective. Source path and text, for provenance. */
PetscErrorCode TTCohortGetSource(TTCohort cohort, const char **path, const char **text);
/* Not collective. Writes the resolved cohort as YAML, indented by `indent` spaces. */
PetscErrorCode TTCohortView(TTCohort cohort, FILE *out, int indent);

#endif
