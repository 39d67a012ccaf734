/* oc.c — operating characteristics of a design across simulated replicates.
 *
 * Owns: tt_stats_oc_init, tt_stats_oc_add, tt_stats_oc_summarize.
 * Invariants: every running mean is a Welford update in the order replicates are
 * added (the caller adds them in canonical replicate order), so the summary is a
 * deterministic, bitwise-reproducible function of that sequence. Failed replicates
 * (ok == 0) count as not rejecting: power is over every replicate, analysed or not
 * (as rpact's simulations count a trial whose analysis cannot be computed), and its
 * MC SE too; every other rate and mean is over the n analysed ones. Summaries over
 * fewer replicates than a quantity needs are NaN (n = 0: all means and coverage,
 * power too when no replicate was added; n < 2: empirical SE and bias MCSE).
 */
#include <math.h>
#include <stddef.h>

#include "twintrial/stats.h"

void tt_stats_oc_init(tt_stats_oc *oc)
{
  *oc = (tt_stats_oc){0};
}

/* Welford step of a running mean (and, if m2 is non-NULL, sum of squared deviations). */
static void welford(double *mean, double *m2, long n, double v)
{
  double d = v - *mean;
  *mean += d / n;
  if (m2) *m2 += d * (v - *mean);
}

void tt_stats_oc_add(tt_stats_oc *oc, int ok, const tt_stats_result *res, double true_effect)
{
  if (!ok) {
    oc->n_failed++;
    return;
  }
  long   n   = ++oc->n;
  double err = res->estimate - true_effect;
  oc->rejections += res->reject != 0;
  oc->covered += res->ci_lower <= true_effect && true_effect <= res->ci_upper;
  welford(&oc->mean_estimate, &oc->m2_estimate, n, res->estimate);
  welford(&oc->mean_error, &oc->m2_error, n, err);
  welford(&oc->mean_true, NULL, n, true_effect);
  welford(&oc->mean_se, NULL, n, res->std_error);
  welford(&oc->mean_sq_error, NULL, n, err * err);
  welford(&oc->mean_n, NULL, n, res->n_analysed);
}

/* Monte Carlo SE of a proportion p over n replicates. */
static double prop_mcse(double p, long n)
{
  return sqrt(p * (1.0 - p) / n);
}

void tt_stats_oc_summarize(const tt_stats_oc *oc, tt_stats_oc_summary *s)
{
  long   n = oc->n, all = oc->n + oc->n_failed;
  double nn     = (double) n;
  s->replicates = n;
  s->failed     = oc->n_failed;
  s->power      = all ? oc->rejections / (double) all : NAN; /* a failed replicate does not reject */
  s->power_mcse = all ? prop_mcse(s->power, all) : NAN;
  if (n == 0) {
    s->mean_estimate = s->true_effect = s->bias = s->bias_mcse = NAN;
    s->empirical_se = s->mean_std_error = s->rmse = s->coverage = s->coverage_mcse = s->expected_n = NAN;
    return;
  }
  s->mean_estimate  = oc->mean_estimate;
  s->true_effect    = oc->mean_true;
  s->bias           = oc->mean_error;
  s->empirical_se   = n > 1 ? sqrt(oc->m2_estimate / (nn - 1.0)) : NAN;
  s->bias_mcse      = n > 1 ? sqrt(oc->m2_error / (nn - 1.0) / nn) : NAN; /* SD(error)/sqrt(n) */
  s->mean_std_error = oc->mean_se;
  s->rmse           = sqrt(oc->mean_sq_error);
  s->coverage       = oc->covered / nn;
  s->coverage_mcse  = prop_mcse(s->coverage, n);
  s->expected_n     = oc->mean_n;
}
