/* cohort_support.c — the values a cohort covariate can take (its support), for data
 * that must come from the cohort's population: a real patient's covariates given to
 * `twintrial personalise`.
 *
 * The support of each kind of covariate:
 *   normal                [min, max] (-inf / +inf where not given)
 *   lognormal             [min, max], or (0, max] without min
 *   uniform               [min, max]
 *   bernoulli, derived    0 or 1
 *   binomial              the integers 0 .. size
 *   categorical           its levels
 *   resampled CSV column  [smallest, largest value of the column], integers only when the
 *                         column holds integers only (a table is a sample of the population,
 *                         so values between its rows are values the population takes)
 * A rounding grid (round:) is a property of the draws, not of the support: a value off
 * the grid is accepted. Values are finite.
 */
#include <math.h>
#include <string.h>
#include "cohort/cohortimpl.h"

static PetscErrorCode CheckIndex(TTCohort c, PetscInt index)
{
  PetscFunctionBeginUser;
  PetscCheck(index >= 0 && index < c->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "covariate index %" PetscInt_FMT " not in [0, %d)", index, c->n);
  PetscFunctionReturn(0);
}

/* Smallest and largest of v[n] with stride s. */
static void Range(long n, const double *v, long s, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (long i = 0; i < n; i++) {
    if (v[i * s] < *lo) *lo = v[i * s];
    if (v[i * s] > *hi) *hi = v[i * s];
  }
}

PetscErrorCode TTCohortGetSupport(TTCohort c, PetscInt index, double *lo, double *hi)
{
  const TTCovariate *cov;

  PetscFunctionBeginUser;
  PetscCall(CheckIndex(c, index));
  cov = &c->cov[index];
  *lo = -INFINITY, *hi = INFINITY;
  switch (cov->dist) {
  case TT_DIST_NORMAL:
  case TT_DIST_UNIFORM:
    *lo = cov->lo, *hi = cov->hi;
    break;
  case TT_DIST_LOGNORMAL:
    *lo = cov->lo > 0 ? cov->lo : 0, *hi = cov->hi;
    break;
  case TT_DIST_BERNOULLI:
  case TT_DIST_DERIVED:
    *lo = 0, *hi = 1;
    break;
  case TT_DIST_BINOMIAL:
    *lo = 0, *hi = cov->size;
    break;
  case TT_DIST_CATEGORICAL:
    Range(cov->nlevel, cov->level, 1, lo, hi);
    break;
  case TT_DIST_EMPIRICAL:
    Range(c->nrow, c->data + (index - c->ndraw), c->nemp, lo, hi);
    break;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortInSupport(TTCohort c, PetscInt index, double value, PetscBool *in)
{
  const TTCovariate *cov;
  double             lo = -INFINITY, hi = INFINITY;
  PetscInt           nlevel;

  PetscFunctionBeginUser;
  PetscCall(TTCohortGetSupport(c, index, &lo, &hi));
  PetscCall(TTCohortGetLevels(c, index, &nlevel));
  cov = &c->cov[index];
  *in = isfinite(value) && value >= lo && value <= hi ? PETSC_TRUE : PETSC_FALSE;
  if (cov->dist == TT_DIST_LOGNORMAL && !(value > 0)) *in = PETSC_FALSE;
  if (cov->dist == TT_DIST_CATEGORICAL) {
    PetscBool level = PETSC_FALSE;
    for (int k = 0; k < cov->nlevel; k++)
      if (cov->level[k] == value) level = PETSC_TRUE;
    *in = level;
  } else if (nlevel > 0 && value != floor(value))
    *in = PETSC_FALSE; /* bernoulli, binomial, derived; a resampled column of integers */
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortDescribeSupport(TTCohort c, PetscInt index, char *buf, size_t len)
{
  const TTCovariate *cov;
  double             lo = -INFINITY, hi = INFINITY;
  PetscInt           nlevel;
  char               a[32], b[32];
  const char        *kind;

  PetscFunctionBeginUser;
  PetscCall(TTCohortGetSupport(c, index, &lo, &hi));
  PetscCall(TTCohortGetLevels(c, index, &nlevel));
  cov  = &c->cov[index];
  kind = nlevel > 0 ? "an integer" : "a number";
  TTYamlFormatReal(lo, a);
  TTYamlFormatReal(hi, b);
  if (cov->dist == TT_DIST_CATEGORICAL) {
    PetscCall(PetscStrncpy(buf, "one of ", len));
    for (int k = 0; k < cov->nlevel; k++) {
      PetscCall(PetscStrlcat(buf, k ? ", " : "", len));
      PetscCall(PetscStrlcat(buf, TTYamlFormatReal(cov->level[k], a), len));
    }
  } else if (cov->dist == TT_DIST_BERNOULLI || cov->dist == TT_DIST_DERIVED)
    PetscCall(PetscStrncpy(buf, "0 or 1", len));
  else if (cov->dist == TT_DIST_LOGNORMAL && lo == 0 && isinf(hi))
    PetscCall(PetscStrncpy(buf, "a number > 0", len));
  else if (cov->dist == TT_DIST_LOGNORMAL && lo == 0)
    PetscCall(PetscSNPrintf(buf, len, "a number in (0, %s]", b));
  else if (isinf(lo) && isinf(hi))
    PetscCall(PetscStrncpy(buf, "a finite number", len));
  else if (isinf(hi))
    PetscCall(PetscSNPrintf(buf, len, "%s >= %s", kind, a));
  else if (isinf(lo))
    PetscCall(PetscSNPrintf(buf, len, "%s <= %s", kind, b));
  else
    PetscCall(PetscSNPrintf(buf, len, "%s in [%s, %s]", kind, a, b));
  PetscFunctionReturn(0);
}
