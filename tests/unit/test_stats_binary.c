/* test_stats_binary.c — risk difference, logistic odds ratio and CMH against R.
 *
 * Every expected value is a literal printed by R 4.2 (package stats) with
 * options(digits = 17); the R expression stands beside it. Newcombe's interval has
 * no base-R function: it is built from prop.test's Wilson limits as
 *   w <- function(x, n, cl) prop.test(x, n, correct = FALSE, conf.level = cl)$conf.int
 *   nc <- function(x1, n1, x0, n0, cl = 0.95) { p1 <- x1/n1; p0 <- x0/n0; a <- w(x1, n1, cl)
 *     b <- w(x0, n0, cl); c(p1 - p0 - sqrt((p1 - a[1])^2 + (b[2] - p0)^2),
 *                          p1 - p0 + sqrt((a[2] - p1)^2 + (p0 - b[1])^2)) }
 * and checked against Newcombe (1998, Stat Med 17:873, Table II, method 10).
 * Logistic references use glm.control(epsilon = 1e-15, maxit = 100).
 */
#include <math.h>
#include <stdio.h>

#include "tt_check.h"
#include "twintrial/stats.h"

#define CHECK_REL(actual, expected, rtol, src) TT_CHECK_CLOSE(actual, expected, (rtol) *fabs(expected), src)

static const tt_stats_test_spec TWO_SIDED = {0.05, 2, 0};

/* ------------------------------------------------------------ risk difference */

static void newcombe_matches_paper_and_r(void)
{
  /* Newcombe (1998) example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339 */
  tt_stats_result r;
  TT_CHECK(tt_stats_risk_diff(48, 80, 56, 70, TT_STATS_RD_NEWCOMBE, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.estimate, 0.2, 1e-14, "56/70 - 48/80");
  CHECK_REL(r.ci_lower, 0.052431472402364926, 1e-12, "R: nc(56, 70, 48, 80)[1]");
  CHECK_REL(r.ci_upper, 0.33387265403690586, 1e-13, "R: nc(56, 70, 48, 80)[2]");
  CHECK_REL(r.ci_lower, 0.0524, 1e-3, "Newcombe 1998 Table II (a) method 10");
  CHECK_REL(r.ci_upper, 0.3339, 1e-3, "Newcombe 1998 Table II (a) method 10");
  /* pp <- prop.test(c(56, 48), c(70, 80), correct = FALSE): statistic 7.0234113712374597,
   * p.value 0.0080450813681965643 */
  CHECK_REL(r.statistic * r.statistic, 7.0234113712374597, 1e-13, "R: prop.test(..., correct = FALSE)$statistic");
  CHECK_REL(r.p_value, 0.0080450813681965643, 1e-12, "R: prop.test(..., correct = FALSE)$p.value");
  CHECK_REL(r.std_error, 0.072702917999996994, 1e-14, "R: sqrt(p1*(1-p1)/70 + p0*(1-p0)/80)");
  TT_CHECK(r.reject == 1 && r.n_analysed == 150, "rejects, 150 analysed");
  /* one-sided alpha 0.05 -> 90% two-sided limits: nc(56, 70, 48, 80, 0.90) */
  tt_stats_test_spec one = {0.05, 1, 1};
  TT_CHECK(tt_stats_risk_diff(48, 80, 56, 70, TT_STATS_RD_NEWCOMBE, one, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.ci_lower, 0.076564191544072138, 1e-12, "R: nc(56, 70, 48, 80, 0.90)[1]");
  CHECK_REL(r.ci_upper, 0.31364458358294378, 1e-13, "R: nc(56, 70, 48, 80, 0.90)[2]");
  /* example (c) 6/7 vs 2/7: R nc(6, 7, 2, 7) = 0.058227927482312314 0.80624963752422774 (paper 0.0582, 0.8062) */
  TT_CHECK(tt_stats_risk_diff(2, 7, 6, 7, TT_STATS_RD_NEWCOMBE, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.ci_lower, 0.058227927482312314, 1e-12, "R: nc(6, 7, 2, 7)[1]");
  CHECK_REL(r.ci_upper, 0.80624963752422774, 1e-13, "R: nc(6, 7, 2, 7)[2]");
}

static void newcombe_with_a_zero_cell(void)
{
  /* treatment 0/10, control 3/10: nc(0, 10, 3, 10) = -0.60322185253885452 0.037592434579050593;
   * prop.test(c(0, 3), c(10, 10), correct = FALSE): 3.5294117647058822, p 0.060289173990602185 */
  tt_stats_result r;
  TT_CHECK(tt_stats_risk_diff(3, 10, 0, 10, TT_STATS_RD_NEWCOMBE, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.ci_lower, -0.60322185253885452, 1e-13, "R: nc(0, 10, 3, 10)[1]");
  CHECK_REL(r.ci_upper, 0.037592434579050593, 1e-12, "R: nc(0, 10, 3, 10)[2]");
  CHECK_REL(r.statistic * r.statistic, 3.5294117647058822, 1e-13, "R: prop.test(...)$statistic");
  CHECK_REL(r.p_value, 0.060289173990602185, 1e-12, "R: prop.test(...)$p.value");
  CHECK_REL(r.std_error, 0.14491376746189438, 1e-14, "R: sqrt(0.3*0.7/10)");
  TT_CHECK(tt_stats_risk_diff(0, 10, 0, 10, TT_STATS_RD_NEWCOMBE, TWO_SIDED, &r) == TT_STATS_ENOVAR, "no events");
}

static void wald_risk_difference(void)
{
  /* p1 <- 56/70; p0 <- 48/80; se <- sqrt(p1*(1-p1)/70 + p0*(1-p0)/80); d <- p1 - p0
   * d -+ qnorm(.975)*se, 2*pnorm(-d/se); one-sided pnorm(-d/se) */
  tt_stats_result r;
  TT_CHECK(tt_stats_risk_diff(48, 80, 56, 70, TT_STATS_RD_WALD, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.std_error, 0.072702917999996994, 1e-14, "R: se");
  CHECK_REL(r.ci_lower, 0.05750489914903717, 1e-13, "R: d - qnorm(.975)*se");
  CHECK_REL(r.ci_upper, 0.34249510085096296, 1e-13, "R: d + qnorm(.975)*se");
  CHECK_REL(r.p_value, 0.005942793304202768, 1e-12, "R: 2*pnorm(-d/se)");
  tt_stats_test_spec one = {0.025, 1, 1};
  TT_CHECK(tt_stats_risk_diff(48, 80, 56, 70, TT_STATS_RD_WALD, one, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.p_value, 0.002971396652101384, 1e-12, "R: pnorm(-d/se)");
  TT_CHECK(tt_stats_risk_diff(48, 80, 81, 70, TT_STATS_RD_WALD, one, &r) == TT_STATS_EDOMAIN, "x1 > n1");
}

/* ------------------------------------------------------ logistic regression */

/* set.seed(20240501); n <- 60; trt <- rep(0:1, each = 30); age <- round(rnorm(n), 2)
 * sev <- round(runif(n, 0, 3), 1); y <- rbinom(n, 1, plogis(-0.3 + 0.9*trt + 0.6*age - 0.4*sev)) */
static const int    LOGIT_Y[60]    = {0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0,
                                      0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0,
                                      0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1};
static const double LOGIT_COV[120] = {
    /* age */
    0.15, 0.4, -1.7, -0.61, -0.07, -1.43, 1.29, 0.72, -0.64, 0.36, 0.31, -0.39, -1.54, -0.48, -0.04, -1.4, 0.89, -0.23,
    -0.2, -0.05, -0.62, -1.17, 0.61, -0.78, -1.23, -1.91, 1.44, 0.69, -0.61, -0.87, 0.69, -0.11, 0.85, -2.17, 0.06,
    0.34, 0.38, -0.96, 0.48, -1.49, 2.6, 1.01, 0.35, -2.48, -0.21, 0.38, 0.95, -1.17, -0.21, 1.7, -0.23, 1.49, 1.45,
    0.08, 0.6, 1.62, 0.22, 0.91, 0.61, -0.02,
    /* sev */
    0.2, 2.9, 1.1, 2.1, 0.1, 1, 2.8, 2.2, 0.2, 0.5, 1.3, 2.3, 0.9, 2.7, 1.1, 0.5, 0.6, 2.6, 1.2, 2.4, 2.7, 1.8, 0.8,
    2.9, 1.9, 0.3, 0.1, 1.1, 0.2, 1.4, 0.6, 1.1, 1.9, 0.5, 1.3, 2.9, 1.5, 1.7, 0.9, 2.7, 0.2, 2.8, 1.9, 1.5, 1.6, 2.5,
    1.2, 1.4, 3, 3, 0.5, 2.7, 1.1, 0.1, 1.9, 1.6, 0.4, 2.1, 1.6, 0.7};

static void logistic_matches_glm(void)
{
  int treat[60];
  for (int i = 0; i < 60; i++) treat[i] = i >= 30;
  /* m <- glm(y ~ trt + age + sev, family = binomial, control = glm.control(epsilon = 1e-15, maxit = 100))
   * coef(m)[2], sqrt(diag(vcov(m)))[2], summary(m)$coefficients[2, 4], confint.default(m)[2, ] */
  tt_stats_result r;
  TT_CHECK(tt_stats_logistic_or(60, LOGIT_Y, treat, 2, LOGIT_COV, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.estimate, 1.3192000055249171, 1e-11, "R: coef(m)['trt']");
  CHECK_REL(r.std_error, 0.65663335572283288, 1e-9, "R: sqrt(diag(vcov(m)))['trt']");
  CHECK_REL(r.p_value, 0.044533323279880535, 1e-8, "R: summary(m)$coefficients['trt', 4]");
  CHECK_REL(r.ci_lower, 0.032222277260487209, 1e-7, "R: confint.default(m)['trt', 1]");
  CHECK_REL(r.ci_upper, 2.6061777337893473, 1e-9, "R: confint.default(m)['trt', 2]");
  TT_CHECK(r.n_analysed == 60 && r.reject == 1 && isinf(r.df), "z test on 60");
  /* all coefficients through the kernel: coef(m), sqrt(diag(vcov(m))) */
  static const double coef[4] = {-0.11337405538180302, 1.3192000055249171, -0.13420905645302011, -0.95420055471930054};
  static const double se[4]   = {0.59834109924659673, 0.65663335572283288, 0.2926636724161415, 0.38230419179480268};
  double              x[240], y[60], b[4], s[4], dev;
  for (int i = 0; i < 60; i++) x[i] = 1.0, x[60 + i] = treat[i], y[i] = LOGIT_Y[i];
  for (int i = 0; i < 120; i++) x[120 + i] = LOGIT_COV[i];
  TT_CHECK(tt_stats_glm(60, 4, x, y, NULL, TT_STATS_BINOMIAL, 0.0, b, s, &dev) == TT_STATS_OK, "glm runs");
  for (int j = 0; j < 4; j++) {
    CHECK_REL(b[j], coef[j], 1e-10, "R: coef(glm(y ~ trt + age + sev, family = binomial))");
    CHECK_REL(s[j], se[j], 1e-9, "R: sqrt(diag(vcov(glm(...))))");
  }
  /* m0 <- glm(y ~ trt, family = binomial, ...): coef 0.92132008027915901, se 0.56752269563545255,
   * p 0.10450251833226254 (= the 2x2 table's log odds ratio log((13/17)/(7/23))) */
  TT_CHECK(tt_stats_logistic_or(60, LOGIT_Y, treat, 0, NULL, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.estimate, 0.92132008027915901, 1e-12, "R: coef(m0)['trt']");
  CHECK_REL(r.std_error, 0.56752269563545255, 1e-10, "R: sqrt(diag(vcov(m0)))['trt']");
  CHECK_REL(r.p_value, 0.10450251833226254, 1e-9, "R: summary(m0)$coefficients['trt', 4]");
}

static void logistic_separation_is_an_error(void)
{
  /* every treated subject responds: glm(y ~ trt, binomial) "converges" to coef 19.97 with
   * fitted probabilities numerically 1; the MLE is +infinity */
  int y[20], treat[20];
  for (int i = 0; i < 20; i++) treat[i] = i >= 10, y[i] = i >= 10 ? 1 : (i % 3 == 1);
  tt_stats_result r;
  TT_CHECK(tt_stats_logistic_or(20, y, treat, 0, NULL, TWO_SIDED, &r) == TT_STATS_ESEPARATED, "separation");
  TT_CHECK(isnan(r.estimate) && r.reject == 0 && r.n_analysed == 0, "no result on error");
  y[0] = 2;
  TT_CHECK(tt_stats_logistic_or(20, y, treat, 0, NULL, TWO_SIDED, &r) == TT_STATS_EDOMAIN, "y must be 0/1");
}

/* ------------------------------------------------------- Cochran-Mantel-Haenszel */

/* Three strata: x1 <- c(12, 8, 20); n1 <- c(30, 25, 40); x0 <- c(7, 5, 11); n0 <- c(31, 24, 38)
 * tab <- array(0, c(2, 2, 3)); for (k in 1:3)
 *   tab[, , k] <- matrix(c(x1[k], x0[k], n1[k] - x1[k], n0[k] - x0[k]), 2) */
static const int CMH_X1[3] = {12, 8, 20}, CMH_N1[3] = {30, 25, 40}, CMH_X0[3] = {7, 5, 11}, CMH_N0[3] = {31, 24, 38};

static void cmh_matches_mantelhaen_test(void)
{
  /* h <- mantelhaen.test(tab, correct = TRUE / FALSE): statistic, p.value, estimate, conf.int */
  static const double ref[2][2] = {{5.544480899630627, 0.018539054597116293},
                                   {6.2954008388840093, 0.012105163995386038}};
  for (int c = 0; c < 2; c++) {
    const char     *src = c ? "R: mantelhaen.test(tab, correct = FALSE)" : "R: mantelhaen.test(tab, correct = TRUE)";
    tt_stats_result r;
    TT_CHECK(tt_stats_cmh(3, CMH_X1, CMH_N1, CMH_X0, CMH_N0, !c, TWO_SIDED, &r) == TT_STATS_OK, src);
    CHECK_REL(r.statistic * r.statistic, ref[c][0], 1e-13, src);
    CHECK_REL(r.p_value, ref[c][1], 1e-11, src);
    CHECK_REL(exp(r.estimate), 2.2272946950664108, 1e-14, "R: mantelhaen.test(tab)$estimate");
    CHECK_REL(exp(r.ci_lower), 1.1901998118161496, 1e-13, "R: mantelhaen.test(tab)$conf.int[1] (RBG)");
    CHECK_REL(exp(r.ci_upper), 4.16807464546741, 1e-13, "R: mantelhaen.test(tab)$conf.int[2] (RBG)");
    TT_CHECK(r.n_analysed == 188 && r.statistic > 0.0, "188 subjects, OR > 1");
  }
}

static void cmh_one_sided(void)
{
  /* mantelhaen.test(tab, correct = FALSE, alternative = "greater"): p 0.0060525819976930319,
   * conf.int lower 1.3163629564880728 (one-sided 95% = our 1 - 2 alpha two-sided lower limit) */
  tt_stats_test_spec greater = {0.05, 1, 1}, less = {0.05, 1, -1};
  tt_stats_result    r;
  TT_CHECK(tt_stats_cmh(3, CMH_X1, CMH_N1, CMH_X0, CMH_N0, 0, greater, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.p_value, 0.0060525819976930319, 1e-11, "R: mantelhaen.test(..., alternative = 'greater')$p.value");
  CHECK_REL(exp(r.ci_lower), 1.3163629564880728, 1e-13, "R: ...$conf.int[1]");
  /* mantelhaen.test(tab, correct = TRUE, alternative = "less")$p.value */
  TT_CHECK(tt_stats_cmh(3, CMH_X1, CMH_N1, CMH_X0, CMH_N0, 1, less, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.p_value, 0.99073047270144188, 1e-13, "R: mantelhaen.test(..., correct = TRUE, alternative = 'less')");
  TT_CHECK(r.reject == 0, "no rejection in the wrong direction");
}

static void cmh_skips_uninformative_strata(void)
{
  /* a fourth stratum with one subject adds nothing (R stops: "sample size in each stratum must be > 1") */
  const int       x1[4] = {12, 8, 20, 1}, n1[4] = {30, 25, 40, 1}, x0[4] = {7, 5, 11, 0}, n0[4] = {31, 24, 38, 0};
  tt_stats_result r;
  TT_CHECK(tt_stats_cmh(4, x1, n1, x0, n0, 0, TWO_SIDED, &r) == TT_STATS_OK, "runs");
  CHECK_REL(r.statistic * r.statistic, 6.2954008388840093, 1e-13, "as the 3-stratum test");
  TT_CHECK(r.n_analysed == 189, "the subject is counted");
  const int zero[3] = {0, 0, 0};
  TT_CHECK(tt_stats_cmh(3, zero, CMH_N1, zero, CMH_N0, 0, TWO_SIDED, &r) == TT_STATS_ENOVAR, "no events at all");
}

int main(void)
{
  newcombe_matches_paper_and_r();
  newcombe_with_a_zero_cell();
  wald_risk_difference();
  logistic_matches_glm();
  logistic_separation_is_an_error();
  cmh_matches_mantelhaen_test();
  cmh_one_sided();
  cmh_skips_uninformative_strata();
  printf("test_stats_binary: %d failed\n", tt_failures);
  return tt_failures ? 1 : 0;
}
