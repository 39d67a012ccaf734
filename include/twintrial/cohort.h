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

typedef struct _p_TTCohort *TTCohort;

/* Not collective. Reads a cohort YAML spec; user errors name file:line:column and the key. */
PetscErrorCode TTCohortCreateFromFile(const char *path, TTCohort *cohort);
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
/* Not collective. Draws twin (replicate, subject): x[n] covariates; *screen_failures
 * (may be NULL) is the number of candidates rejected before it. Too many rejections in
 * a row (the criteria exclude almost everyone) is a user error. */
PetscErrorCode TTCohortDraw(TTCohort cohort, uint64_t seed, PetscInt replicate, PetscInt subject, double x[],
                            PetscInt *screen_failures);
/* Not collective. Source path and text, for provenance. */
PetscErrorCode TTCohortGetSource(TTCohort cohort, const char **path, const char **text);
/* Not collective. Writes the resolved cohort as YAML, indented by `indent` spaces. */
PetscErrorCode TTCohortView(TTCohort cohort, FILE *out, int indent);

#endif
