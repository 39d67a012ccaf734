/* test_stats_power.c — analytical power and sample size against R (package stats).
 *
 * Every expected value is a literal printed by R 4.2 with options(digits = 17); the
 * R call stands beside it. Sample sizes come from power.*.test(..., tol = 1e-13)
 * (R's default uniroot tolerance, about 1e-4, would not test anything at 1e-6).
 */
#include <math.h>
#include <stdio.h>

#include "tt_check.h"
#include "twintrial/stats.h"

#define CHECK_REL(actual, expected, rtol, src) TT_CHECK_CLOSE(actual, expected, (rtol) *fabs(expected), src)

static const tt_stats_test_spec TWO_SIDED = {0.05, 2, 0};

static void noncentral_t_matches_pt(void)
{
  CHECK_REL(tt_stats_pnt(2.1, 18, 1.5), 0.7049486213149645, 1e-12, "R: pt(2.1, 18, ncp = 1.5)");
  CHECK_REL(tt_stats_pnt(-1.3, 7.5, 0.8), 0.025108632182102131, 1e-10, "R: pt(-1.3, 7.5, ncp = 0.8)");
  CHECK_REL(tt_stats_pnt(3.9, 40, -2), 0.99999997066995938, 1e-14, "R: pt(3.9, 40, ncp = -2)");
  CHECK_REL(tt_stats_pnt(25, 30, 20), 0.92567755701760701, 1e-12, "R: pt(25, 30, ncp = 20)");
  CHECK_REL(tt_stats_pnt(0.5, 3, 2.5), 0.022741355255468675, 1e-11, "R: pt(0.5, 3, ncp = 2.5)");
  CHECK_REL(tt_stats_pnt(1.0, 10, 0.0), tt_stats_pt(1.0, 10), 1e-15, "ncp 0 is the central t");
  TT_CHECK(isnan(tt_stats_pnt(1.0, 0.0, 1.0)), "df must be > 0");
}

static void power_t_matches_power_t_test(void)
{
  CHECK_REL(tt_stats_power_t(20, 1, 1, TWO_SIDED, 0), 0.86895280169249778, 1e-12,
            "R: power.t.test(n = 20, delta = 1)$power");
  CHECK_REL(tt_stats_power_t(10, 0.5, 1, TWO_SIDED, 1), 0.1850956562918028, 1e-11,
            "R: power.t.test(n = 10, delta = 0.5, strict = TRUE)$power");
  CHECK_REL(tt_stats_power_t(20, -1, 1, TWO_SIDED, 0), 0.86895280169249778, 1e-12, "two-sided: sign irrelevant");
  tt_stats_test_spec up = {0.025, 1, 1}, down = {0.025, 1, -1};
  CHECK_REL(tt_stats_power_t(15, 0.8, 1.5, up, 0), 0.29140543798899976, 1e-11,
            "R: power.t.test(n = 15, delta = 0.8, sd = 1.5, sig.level = 0.025, alternative = 'one.sided')$power");
  CHECK_REL(tt_stats_power_t(15, -0.8, 1.5, down, 0), 0.29140543798899976, 1e-11, "mirrored direction");
  TT_CHECK(tt_stats_power_t(15, -0.8, 1.5, up, 0) < 0.025, "effect in the wrong direction");
  double n;
  TT_CHECK(tt_stats_n_t(0.9, 1, 1, TWO_SIDED, 0, &n) == TT_STATS_OK, "n runs");
  CHECK_REL(n, 22.021095570093838, 1e-10, "R: power.t.test(power = 0.9, delta = 1, tol = 1e-13)$n");
  TT_CHECK(tt_stats_n_t(0.8, 0.5, 1, TWO_SIDED, 1, &n) == TT_STATS_OK, "n runs");
  CHECK_REL(n, 63.765610190941892, 1e-10, "R: power.t.test(power = 0.8, delta = 0.5, strict = TRUE, tol = 1e-13)$n");
  TT_CHECK(tt_stats_n_t(0.9, 1, 0, TWO_SIDED, 0, &n) == TT_STATS_EDOMAIN && isnan(n), "sd must be > 0");
}

static void power_prop_matches_power_prop_test(void)
{
  CHECK_REL(tt_stats_power_prop(50, 0.5, 0.75, TWO_SIDED, 0), 0.74016590133138793, 1e-13,
            "R: power.prop.test(n = 50, p1 = 0.5, p2 = 0.75)$power");
  CHECK_REL(tt_stats_power_prop(30, 0.3, 0.5, TWO_SIDED, 1), 0.34953701525962538, 1e-13,
            "R: power.prop.test(n = 30, p1 = 0.3, p2 = 0.5, strict = TRUE)$power");
  tt_stats_test_spec up = {0.025, 1, 1};
  CHECK_REL(tt_stats_power_prop(40, 0.2, 0.4, up, 0), 0.49666270911432542, 1e-13,
            "R: power.prop.test(n = 40, p1 = 0.2, p2 = 0.4, sig.level = 0.025, alternative = 'one.sided')$power");
  double n;
  TT_CHECK(tt_stats_n_prop(0.9, 0.5, 0.75, TWO_SIDED, 0, &n) == TT_STATS_OK, "n runs");
  CHECK_REL(n, 76.706928451777443, 1e-11, "R: power.prop.test(power = 0.9, p1 = 0.5, p2 = 0.75, tol = 1e-13)$n");
  TT_CHECK(tt_stats_n_prop(0.8, 0.3, 0.5, TWO_SIDED, 1, &n) == TT_STATS_OK, "n runs");
  CHECK_REL(n, 92.998697566096553, 1e-10,
            "R: power.prop.test(power = 0.8, p1 = 0.3, p2 = 0.5, strict = TRUE, tol = 1e-13)$n");
  TT_CHECK(tt_stats_n_prop(0.8, 0.4, 0.4, TWO_SIDED, 0, &n) == TT_STATS_EDOMAIN, "no effect, no n");
}

static void schoenfeld_events_and_power(void)
{
  double d;
  TT_CHECK(tt_stats_schoenfeld_events(0.5, 0.9, 0.5, TWO_SIDED, &d) == TT_STATS_OK, "events run");
  CHECK_REL(d, 87.47929772154194, 1e-13, "R: 4*(qnorm(0.975) + qnorm(0.9))^2/log(0.5)^2");
  TT_CHECK_CLOSE(d, 87.4793, 5e-5, "Schoenfeld 1983, printed: 87.4793");
  TT_CHECK(tt_stats_schoenfeld_events(0.7, 0.8, 0.6, TWO_SIDED, &d) == TT_STATS_OK, "events run");
  CHECK_REL(d, 257.06990057016503, 1e-13, "R: (qnorm(0.975) + qnorm(0.8))^2/(0.6*0.4*log(0.7)^2)");
  tt_stats_test_spec lower = {0.025, 1, -1};
  TT_CHECK(tt_stats_schoenfeld_events(0.5, 0.9, 0.5, lower, &d) == TT_STATS_OK, "events run");
  CHECK_REL(d, 87.47929772154194, 1e-13, "one-sided 0.025 = two-sided 0.05");
  TT_CHECK(tt_stats_schoenfeld_events(1.5, 0.9, 0.5, lower, &d) == TT_STATS_EDOMAIN, "harm is not benefit");
  CHECK_REL(tt_stats_schoenfeld_power(200, 0.7, 0.5, TWO_SIDED), 0.71297902992696416, 1e-13,
            "R: pnorm(sqrt(200*0.25)*abs(log(0.7)) - qnorm(0.975))");
  CHECK_REL(tt_stats_schoenfeld_power(150, 0.65, 0.6, TWO_SIDED), 0.73392701271386152, 1e-13,
            "R: pnorm(sqrt(150*0.6*0.4)*abs(log(0.65)) - qnorm(0.975))");
  CHECK_REL(tt_stats_schoenfeld_power(87.47929772154194, 0.5, 0.5, TWO_SIDED), 0.9, 1e-13, "inverse of events");
}

static void power_z_counts_both_tails(void)
{
  CHECK_REL(tt_stats_power_z(0.3, 0.1, TWO_SIDED), 0.85083876832705618, 1e-13,
            "R: pnorm(0.3/0.1 - qnorm(0.975)) + pnorm(-0.3/0.1 - qnorm(0.975))");
  CHECK_REL(tt_stats_power_z(-0.15, 0.1, TWO_SIDED), 0.32304115977680503, 1e-13,
            "R: pnorm(0.15/0.1 - qnorm(0.975)) + pnorm(-0.15/0.1 - qnorm(0.975))");
  CHECK_REL(tt_stats_power_z(0.0, 0.1, TWO_SIDED), 0.05, 1e-14, "two-sided: alpha under the null");
  tt_stats_test_spec up = {0.025, 1, 1}, down = {0.025, 1, -1};
  CHECK_REL(tt_stats_power_z(0.2, 0.1, up), 0.51596779344233201, 1e-13, "R: pnorm(0.2/0.1 - qnorm(0.975))");
  CHECK_REL(tt_stats_power_z(0.0, 0.1, down), 0.025, 1e-14, "one-sided: alpha under the null");
  TT_CHECK(tt_stats_power_z(0.2, 0.1, down) < 0.025, "one-sided, effect in the wrong direction");
  /* Schoenfeld as rpact: getPowerSurvival(getDesignGroupSequential(kMax = 1, alpha = 0.05, sided = 2),
   * hazardRatio = 0.8, maxNumberOfEvents = 200, allocationRatioPlanned = 2, typeOfComputation =
   * "Schoenfeld", pi2 = 0.3, accrualTime = 12, maxNumberOfSubjects = 600)$overallReject */
  CHECK_REL(tt_stats_power_z(log(0.8), 1.0 / sqrt(200.0 * 2.0 / 9.0), TWO_SIDED), 0.31862475989334094, 1e-12,
            "rpact getPowerSurvival, Schoenfeld, 2:1");
  TT_CHECK(isnan(tt_stats_power_z(0.2, 0.0, TWO_SIDED)), "se must be > 0");
}

int main(void)
{
  noncentral_t_matches_pt();
  power_t_matches_power_t_test();
  power_prop_matches_power_prop_test();
  schoenfeld_events_and_power();
  power_z_counts_both_tails();
  printf("test_stats_power: %d failed\n", tt_failures);
  return tt_failures ? 1 : 0;
}
