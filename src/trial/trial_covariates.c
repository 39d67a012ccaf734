/* trial_covariates.c — how an analysis's cohort covariates and stratification factors
 * enter its model.
 *
 * Binding (TTTrialBindAnalysisTerms, at TTTrialCreate): a cohort covariate named plainly
 * enters as a number; one with 3 or more levels must say how (factor(NAME) or
 * numeric(NAME)): a located error otherwise, since entering allele counts or relapse
 * counts as numbers (a linear trend) or as categories are different models. With 2
 * levels both codings give the same treatment estimate, so a plain name is accepted.
 * factor(NAME) needs a covariate with levels and gives the indicators of the levels
 * observed among the analysed twins but the first of them (R's treatment contrasts of
 * factor(NAME) on the same rows: a level nobody has gets no column); every analysis
 * has at most TT_MAX_COVARIATES columns besides treatment. strata: [NAME, ...] names
 * covariates with levels; a twin's stratum is the mixed-radix index of its levels.
 * Design (TTTrialCovariateColumns, TTTrialStratumLabel): per replicate, not collective.
 */
#include <string.h>
#include "trialimpl.h"

static PetscErrorCode BindCoding(TTTrial t, PetscInt a)
{
  const TTProtocol     *p    = t->p;
  const TTAnalysisSpec *an   = &p->analysis[a];
  PetscInt              ncol = 0, levels;

  PetscFunctionBeginUser;
  for (int c = 0; c < an->ncovariate; c++) {
    TTAnalysisCovariate *ac = &t->acov[a][c];
    ac->factor              = 0;
    if (ac->kind != TT_COVARIATE_COHORT) {
      ncol++;
      continue;
    }
    PetscCall(TTCohortGetLevels(t->cohort, ac->index, &levels));
    if (an->coding[c] == TT_CODING_AS_GIVEN && levels >= 3)
      USER_ERROR(p, an->covariate_loc[c],
                 "analysis[%d].covariates[%d]: '%s' is categorical with %d levels; expected factor(%s) (an indicator "
                 "per level but the first, as R's factor) or numeric(%s) (its values as a number: a linear trend)",
                 (int) a, c, an->covariate[c], (int) levels, an->covariate[c], an->covariate[c]);
    if (an->coding[c] == TT_CODING_FACTOR && levels < 1)
      USER_ERROR(p, an->covariate_loc[c],
                 "analysis[%d].covariates[%d]: '%s' is continuous; expected factor() around a covariate with "
                 "finitely many levels (bernoulli, categorical, binomial, derived)",
                 (int) a, c, an->covariate[c]);
    if (an->coding[c] == TT_CODING_FACTOR) ac->factor = levels;
    ncol += an->coding[c] == TT_CODING_FACTOR ? levels - 1 : 1;
    if (ncol > TT_MAX_COVARIATES)
      USER_ERROR(p, an->covariate_loc[c],
                 "analysis[%d].covariates[%d]: expected at most %d covariate columns; with '%s' there are %d", (int) a,
                 c, TT_MAX_COVARIATES, an->covariate[c], (int) ncol);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode BindStrata(TTTrial t, PetscInt a)
{
  const TTProtocol     *p  = t->p;
  const TTAnalysisSpec *an = &p->analysis[a];
  TTAnalysisStrata     *s  = &t->astrata[a];

  PetscFunctionBeginUser;
  for (int k = 0; k < an->nstrata; k++) {
    PetscCall(TTCohortFindCovariate(t->cohort, an->strata[k], &s->index[k]));
    if (s->index[k] < 0)
      USER_ERROR(p, an->strata_loc[k], "analysis[%d].strata[%d]: '%s' is not a covariate of the cohort", (int) a, k,
                 an->strata[k]);
    PetscCall(TTCohortGetLevels(t->cohort, s->index[k], &s->levels[k]));
    if (s->levels[k] < 1)
      USER_ERROR(p, an->strata_loc[k],
                 "analysis[%d].strata[%d]: '%s' is continuous; expected a covariate with finitely many levels "
                 "(bernoulli, categorical, binomial or derived)",
                 (int) a, k, an->strata[k]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialBindAnalysisTerms(TTTrial t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(t->p->nanalysis, &t->astrata));
  PetscCall(PetscMalloc1(t->p->patients, &t->level));
  for (PetscInt a = 0; a < t->p->nanalysis; a++) {
    PetscCall(BindCoding(t, a));
    PetscCall(BindStrata(t, a));
  }
  PetscFunctionReturn(0);
}

/* Level index of a value of a covariate with levels (values come from the cohort, so
 * they are always levels). */
static PetscInt Level(TTTrial t, PetscInt index, double value)
{
  PetscInt level = 0;
  if (TTCohortLevelIndex(t->cohort, index, value, &level)) level = 0;
  return level;
}

PetscInt TTTrialCovariateColumns(TTTrial t, PetscInt k, PetscInt c, PetscInt n, const double value[], double *x)
{
  const TTAnalysisCovariate *ac   = &t->acov[k][c];
  PetscInt                   ncol = 0, first = -1;
  PetscBool                  seen[TT_MAX_COVARIATES + 2];

  if (!ac->factor) {
    for (PetscInt j = 0; j < n; j++) x[j] = value[j];
    return 1;
  }
  for (PetscInt l = 0; l < ac->factor; l++) seen[l] = PETSC_FALSE;
  for (PetscInt j = 0; j < n; j++) seen[t->level[j] = (int) Level(t, ac->index, value[j])] = PETSC_TRUE;
  for (PetscInt l = 0; l < ac->factor; l++) {
    if (!seen[l]) continue;
    if (first < 0) {
      first = l; /* the reference level */
      continue;
    }
    for (PetscInt j = 0; j < n; j++) x[ncol * n + j] = t->level[j] == l ? 1.0 : 0.0;
    ncol++;
  }
  return ncol;
}

int TTTrialStratumLabel(TTTrial t, PetscInt k, const double *rec)
{
  const TTAnalysisSpec   *an    = &t->p->analysis[k];
  const TTAnalysisStrata *s     = &t->astrata[k];
  PetscInt                label = 0;
  if (!an->nstrata) return (int) rec[t->L.stratum];
  for (int i = 0; i < an->nstrata; i++)
    label = label * s->levels[i] + Level(t, s->index[i], rec[t->L.cov + s->index[i]]);
  return (int) label;
}
