/* store_analytic.c — the textbook power of each analysis, next to the simulated one.
 *
 * Owns TTStoreAnalyticPower: for analysis k, from the summary of its stored rows,
 *   ancova, welch          two-sample t, power.t.test(n = expected_n/2, delta, sd,
 *                          strict = TRUE) with sd = mean model SE * sqrt(n/2), i.e. the
 *                          noncentrality delta / mean SE;
 *   logrank, cox           Schoenfeld (1981): z with SE 1/sqrt(D a (1 - a)), D the mean
 *                          events, a the treatment's share of the allocation (rpact's
 *                          getPowerSurvival, typeOfComputation = "Schoenfeld");
 *   risk_difference,       the Wald z with the mean model SE;
 *   odds_ratio, poisson,
 *   negbin
 * each at the mean true effect minus the non-inferiority margin, two-sided tests
 * counting both tails (so the power is alpha under the null), one-sided ones the tail
 * of benefit. None applies (NaN, the method says why) where the estimate's scale is
 * not the true effect's: the true effect is marginal, and a covariate-adjusted or
 * stratified odds or hazard ratio is conditional, larger in size
 * (non-collapsibility); nor to the deciding analysis of a group-sequential design.
 * For the same reason such an analysis has no bias, RMSE or coverage
 * (TTStoreMaskConditional): they would compare a conditional estimate with a marginal
 * true effect. Not collective.
 */
#include <math.h>
#include <stdio.h>
#include "storeimpl.h"

const char *TTStoreConditionalEstimate(const TTProtocol *p, PetscInt k)
{
  const TTAnalysisSpec *an = &p->analysis[k];
  if (an->method == TT_ANALYSIS_ODDS_RATIO && an->ncovariate > 0) return "covariate-adjusted odds ratio";
  if (an->method == TT_ANALYSIS_CMH) return "stratified odds ratio";
  if (an->method == TT_ANALYSIS_COX && an->ncovariate > 0) return "covariate-adjusted hazard ratio";
  if ((an->method == TT_ANALYSIS_COX || an->method == TT_ANALYSIS_LOGRANK) && an->stratified)
    return "stratified hazard ratio";
  return NULL;
}

/* Why no textbook formula applies, or NULL when one does. */
static const char *NoFormula(const TTProtocol *p, PetscInt k, char *buf, size_t len)
{
  const char *conditional = TTStoreConditionalEstimate(p, k);
  if (p->nlook > 0 && k == p->interim_analysis) return "none (group-sequential)";
  if (!conditional) return NULL;
  snprintf(buf, len, "none (%s)", conditional);
  return buf;
}

void TTStoreMaskConditional(const TTProtocol *p, PetscInt k, TTSummary *s)
{
  tt_stats_oc_summary *o = &s->oc;
  if (!TTStoreConditionalEstimate(p, k)) return;
  o->bias = o->bias_mcse = o->rmse = o->coverage = o->coverage_mcse = NAN;
}

void TTStoreAnalyticPower(const TTProtocol *p, PetscInt k, TTSummary *s)
{
  const TTAnalysisSpec      *an   = &p->analysis[k];
  const tt_stats_oc_summary *o    = &s->oc;
  tt_stats_test_spec         spec = {an->alpha, an->sided, an->direction};
  char                       buf[48];
  const char                *none = o->replicates ? NoFormula(p, k, buf, sizeof buf) : "none (no replicate analysed)";
  double                     d = o->true_effect - an->margin, n = o->expected_n / 2.0;
  double r1 = p->arm[an->treatment_arm].ratio, r0 = p->arm[an->control_arm].ratio, a = r1 / (r0 + r1);

  s->analytic_power = NAN;
  if (none) {
    snprintf(s->analytic_method, sizeof(s->analytic_method), "%s", none);
  } else if (an->method == TT_ANALYSIS_ANCOVA || an->method == TT_ANALYSIS_WELCH || an->method == TT_ANALYSIS_MMRM ||
             an->method == TT_ANALYSIS_MI) {
    s->analytic_power = tt_stats_power_t(n, d, o->mean_std_error * sqrt(n / 2.0), spec, 1);
    snprintf(s->analytic_method, sizeof(s->analytic_method), "two-sample t");
  } else if (an->method == TT_ANALYSIS_LOGRANK || an->method == TT_ANALYSIS_COX) {
    s->analytic_power = tt_stats_power_z(d, 1.0 / sqrt(s->expected_information * a * (1.0 - a)), spec);
    snprintf(s->analytic_method, sizeof(s->analytic_method), "Schoenfeld");
  } else {
    s->analytic_power = tt_stats_power_z(d, o->mean_std_error, spec);
    snprintf(s->analytic_method, sizeof(s->analytic_method), "Wald z (mean model SE)");
  }
}
