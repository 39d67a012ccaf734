/* credibility.h — simulated against published figures: the verdict of a protocol's
 * validation section on a results file (twintrial credibility).
 *
 * For each figure the replicates' values (their logs for medians and ratio effects)
 * give a mean and its Monte-Carlo SE; the figure passes when
 *   |mean - published| <= 1.96 sqrt(se_published^2 + mcse^2)
 * on that scale: the published value is one trial's estimate with its own sampling
 * error (its CI), the simulated mean the expectation of the same estimate at the same
 * sample size. A figure that most replicates cannot compute (a median not reached in
 * more than 10% of them) fails as undefined. Plain C over a TTFigureTable; not collective.
 */
#ifndef TWINTRIAL_CREDIBILITY_H
#define TWINTRIAL_CREDIBILITY_H

#include <stdio.h>
#include <twintrial/store.h>

typedef struct {
  double   simulated;    /* on the published scale (exp of the mean log for log-scale figures) */
  double   mean, mcse;   /* on the comparison scale */
  double   lower, upper; /* simulated 95% interval of a single trial's estimate, published scale */
  double   z;            /* (mean - published) / sqrt(se^2 + mcse^2), comparison scale */
  PetscInt defined;      /* replicates in which the figure exists */
  int      pass;
} TTCredibilityRow;

/* Not collective. rows[t->nfigure]; *nfail counts the figures that do not pass. */
PetscErrorCode TTCredibilityAssess(const TTFigureTable *t, TTCredibilityRow rows[], PetscInt *nfail);
/* Not collective. The table: figure, what, published, simulated (MC SE), z, verdict, source. */
PetscErrorCode TTCredibilityPrint(FILE *out, const TTFigureTable *t, const TTCredibilityRow rows[]);
/* Not collective. Reads, assesses and prints a results file's figures; *nfail as above.
 * A file without a validation section gives *nfigure = 0 and, with note, says so. */
PetscErrorCode TTCredibilityReport(const char *path, FILE *out, PetscBool note, PetscInt *nfigure, PetscInt *nfail);

#endif
