/* test_stats_counts.c — Poisson and negative binomial rate ratios against R.
 *
 * Every expected value is a literal printed by R 4.2 (stats, MASS 7.3) with
 * options(digits = 17); the R call stands beside it. Data (relapse-like counts):
 *   set.seed(4242); n <- 80; trt <- rep(0:1, 40); expo <- round(runif(n, 0.5, 2), 3)
 *   prior <- rpois(n, 1.2); age <- round(rnorm(n), 2)
 *   y <- rnbinom(n, mu = 0.7 * expo * 0.5^trt * exp(0.25*prior + 0.2*age), size = 1/0.69)
 * R's own stopping rules leave errors above 1e-10, so the references are R iterated
 * to the fixed point (tight <- glm.control(epsilon = 1e-300, maxit = 200)):
 * - glm() reports vcov from the weights at the start of its last iteration, which lag
 *   the final coefficients (about 3e-9 here): the SE references are the exact inverse
 *   information at the estimate, sqrt(diag(solve(t(X) %*% (W * X)))), W = mu for the
 *   Poisson, mu/(1 + mu/theta) for the negative binomial;
 * - Fisher scoring converges only linearly for the NB log link, and glm.nb's theta.ml
 *   stops at a Newton step below .Machine$double.eps^0.25: glm.nb(..., control =
 *   glm.control(epsilon = 1e-12)) values are checked at 1e-7 (its SE.theta at 1e-5),
 *   and at 1e-10 against plain R iterated to the fixed point (glm itself stops once
 *   the deviance no longer changes in floating point, about 1e-9 short of it):
 *   off <- log(expo); X <- cbind(1, trt, prior, age)   (or cbind(1, trt))
 *   fs <- function(X, b, th) { for (i in 1:100) { m <- exp(drop(X %*% b) + off); w <- m/(1 + m/th)
 *     b <- b + drop(solve(t(X) %*% (w * X), t(X) %*% ((y - m)/(1 + m/th)))) }; b }
 *   info_se <- function(X, b, th) { m <- exp(drop(X %*% b) + off)
 *     sqrt(diag(solve(t(X) %*% ((m/(1 + m/th)) * X)))) }
 *   refine <- function(X, fm) { m <- glm.nb(fm, control = glm.control(epsilon = 1e-12, maxit = 100))
 *     th <- m$theta; b <- coef(m); for (i in 1:40) { b <- fs(X, b, th)
 *     th <- theta.ml(y, exp(drop(X %*% b) + off), limit = 100, eps = 1e-15) }
 *     se <- info_se(X, b, th); list(coef = b, se = se, theta = th, theta.se = attr(th, "SE"),
 *                                   p = 2*pnorm(-abs(b[2]/se[2]))) }
 */
#include <math.h>
#include <stdio.h>

#include "tt_check.h"
#include "twintrial/stats.h"

#define CHECK_REL(actual, expected, rtol, src) TT_CHECK_CLOSE(actual, expected, (rtol) *fabs(expected), src)

static const tt_stats_test_spec TWO_SIDED = {0.05, 2, 0};

static const double Y[80]    = {3, 0, 0, 0, 2, 2, 0, 0, 0, 1, 1, 2, 0, 1, 4, 2, 1, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0,
                                0, 1, 1, 5, 1, 0, 0, 2, 1, 0, 0, 1, 2, 0, 3, 0, 1, 0, 1, 2, 0, 2, 0, 1, 0, 0, 1,
                                1, 1, 0, 0, 0, 1, 0, 1, 2, 0, 3, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 2, 3, 1, 1, 2};
static const double EXPO[80] = {
    1.979, 1.022, 0.845, 1.503, 1.554, 1.902, 1.732, 0.753, 1.493, 1.826, 0.744, 1.341, 0.537, 1.734, 1.691, 1.957,
    0.804, 1.547, 1.134, 0.697, 0.629, 1.508, 0.73,  1.438, 1.531, 1.002, 1.831, 1.141, 1.608, 1.127, 0.932, 0.858,
    1.655, 1.548, 0.552, 0.673, 1.908, 1.162, 1.216, 1.043, 1.421, 0.548, 0.747, 1.116, 1.145, 1.469, 1.131, 1.365,
    1.176, 0.586, 1.726, 1.883, 0.603, 1.563, 1.976, 1.468, 0.542, 0.875, 1.65,  1.337, 0.561, 1.71,  0.664, 0.647,
    1.888, 0.526, 1.504, 1.822, 0.634, 1.331, 1.804, 1.577, 0.589, 0.772, 0.628, 1.651, 1.999, 1.376, 0.786, 1.815};
/* column-major: prior (80), then age (80) */
static const double COV[160] = {
    1,     0,     0,     0,     4,     0,     1,     4,     0,     0,     0,     0,     3,     2,     1,     0,
    1,     1,     1,     1,     2,     0,     1,     1,     0,     2,     1,     0,     4,     3,     4,     4,
    1,     0,     1,     1,     3,     1,     1,     3,     0,     1,     1,     2,     2,     1,     2,     4,
    0,     0,     1,     0,     1,     1,     1,     2,     2,     1,     4,     2,     3,     2,     0,     0,
    4,     0,     2,     2,     0,     2,     1,     2,     1,     0,     1,     0,     1,     0,     1,     2,
    -0.43, 0.64,  -1.11, 1.78,  0.76,  -1.07, 1.15,  -1.42, 0.33,  -2.45, -0.18, -0.21, -0.22, 1.98,  -0.25, -1.31,
    0.09,  0.98,  -0.45, 0.72,  -0.53, -0.15, -0.45, -1.57, 1.22,  0.35,  0.91,  -0.45, -1.21, -0.34, 0.46,  -2.11,
    -0.51, 1.02,  1.31,  0.6,   -1.8,  0.71,  -0.19, 0.43,  -1.23, 1.6,   0.95,  1.25,  1.02,  0.17,  -0.57, -1.22,
    0.13,  -0.02, -0.93, -1.53, -0.22, -0.71, -2.62, 0.85,  -0.93, 0.23,  -0.11, 0.07,  0.17,  -0,    1.49,  -2.28,
    0.77,  -0.7,  -1.31, 0.06,  -1.72, -0.62, -1.07, 0.02,  1.05,  -0.59, -0.43, 0.32,  -0.76, -0.65, -0.23, -0.99};

static int TREAT[80];

/* [1, trt, prior, age] column-major, offset log(expo) */
static void design(double x[320], double off[80])
{
  for (int i = 0; i < 80; i++) x[i] = 1.0, x[80 + i] = TREAT[i], off[i] = log(EXPO[i]);
  for (int i = 0; i < 160; i++) x[160 + i] = COV[i];
}

static void poisson_matches_glm(void)
{
  /* p <- glm(y ~ trt + prior + age + offset(log(expo)), family = poisson, control = tight); X <- model.matrix(p)
   * coef(p), sqrt(diag(solve(t(X) %*% (fitted(p) * X)))) (glm's vcov: 0.24203510480150617 for trt), deviance(p) */
  static const double coef[4] = {-0.4042617293949391, -0.1734895819584171, 0.12431930090024342, 0.23612057085609761};
  static const double se[4]   = {0.22867605222924936, 0.24203510541729267, 0.0914607006868082, 0.11907033624224928};
  double              x[320], off[80], b[4], s[4], dev;
  design(x, off);
  TT_CHECK(tt_stats_glm(80, 4, x, Y, off, TT_STATS_POISSON, 0.0, b, s, &dev) == TT_STATS_OK, "glm runs");
  for (int j = 0; j < 4; j++) {
    CHECK_REL(b[j], coef[j], 1e-11, "R: coef(glm(..., family = poisson))");
    CHECK_REL(s[j], se[j], 1e-10, "R: sqrt(diag(vcov(glm(..., family = poisson))))");
  }
  CHECK_REL(dev, 98.926654600614896, 1e-12, "R: deviance(p)");
  tt_stats_result r;
  TT_CHECK(tt_stats_poisson_rr(80, Y, EXPO, TREAT, 2, COV, TWO_SIDED, &r) == TT_STATS_OK, "rr runs");
  CHECK_REL(r.estimate, -0.1734895819584176, 1e-11, "R: coef(p)['trt']");
  CHECK_REL(r.p_value, 0.47350052448286017, 1e-10, "R: 2*pnorm(-abs(coef(p)[2]/se[2])), se as above");
  CHECK_REL(r.p_value, 0.47350052335743115, 1e-8, "R: summary(p)$coefficients['trt', 4] (lagged weights)");
  TT_CHECK(r.n_analysed == 80 && isinf(r.df), "z test on 80");
  /* p1 <- glm(y ~ trt + offset(log(expo)), family = poisson, control = tight): coef -0.20019247171264423,
   * sqrt(diag(solve(t(X) %*% (fitted(p1) * X))))[2] 0.23794709449101184 */
  TT_CHECK(tt_stats_poisson_rr(80, Y, EXPO, TREAT, 0, NULL, TWO_SIDED, &r) == TT_STATS_OK, "rr runs");
  CHECK_REL(r.estimate, -0.20019247171264423, 1e-11, "R: coef(glm(y ~ trt + offset(log(expo)), poisson))['trt']");
  CHECK_REL(r.std_error, 0.23794709449101184, 1e-10, "R: exact information, as above");
}

static void negbin_fixed_theta_matches_glm(void)
{
  /* b4 <- fs(X, rep(0, 4), 4); b4, info_se(X, b4, 4): glm(y ~ trt + prior + age + offset(log(expo)),
   * family = negative.binomial(4)) run to the fixed point (its vcov(m4, dispersion = 1) up to lagged weights);
   * deviance(m4) */
  static const double coef[4] = {-0.38716028200912034, -0.17786198524966521, 0.12096238567727045, 0.26483123948798792};
  static const double se[4]   = {0.25334550361401148, 0.2698115127056892, 0.10416700876691021, 0.13391084430445577};
  double              x[320], off[80], b[4], s[4], dev;
  design(x, off);
  TT_CHECK(tt_stats_glm(80, 4, x, Y, off, TT_STATS_NEGBIN, 4.0, b, s, &dev) == TT_STATS_OK, "glm runs");
  for (int j = 0; j < 4; j++) {
    CHECK_REL(b[j], coef[j], 1e-10, "R: fs(X, rep(0, 4), 4)");
    CHECK_REL(s[j], se[j], 1e-10, "R: info_se(X, b4, 4)");
  }
  CHECK_REL(dev, 82.60401465653004, 1e-12, "R: deviance(m4)");
}

static void negbin_matches_glm_nb_with_covariates(void)
{
  /* m <- glm.nb(y ~ trt + prior + age + offset(log(expo)), control = glm.control(epsilon = 1e-12, maxit = 100)):
   * coef(m), sqrt(diag(vcov(m))), m$theta, m$SE.theta, summary(m)$coefficients[2, 4] */
  static const double coef[4] = {-0.38754896446067816, -0.1777924770711205, 0.12104878686287167, 0.26410676223559792};
  static const double se[4]   = {0.25265588976577258, 0.26904044490972895, 0.10382159633558695, 0.13350330763448492};
  /* r <- refine(X, y ~ trt + prior + age + offset(log(expo))): coef, se, theta, theta.se */
  static const double rcoef[4] = {-0.38754896446067882, -0.17779247707112061, 0.12104878686287089, 0.26410676223558988};
  static const double rse[4]   = {0.2526558897657592, 0.26904044490971496, 0.10382159633558155, 0.13350330763447849};
  double              x[320], off[80], b[4], s[4], theta, theta_se;
  design(x, off);
  TT_CHECK(tt_stats_negbin_fit(80, 4, x, Y, off, b, s, &theta, &theta_se) == TT_STATS_OK, "glm.nb runs");
  for (int j = 0; j < 4; j++) {
    CHECK_REL(b[j], coef[j], 1e-7, "R: coef(glm.nb(...))");
    CHECK_REL(s[j], se[j], 1e-7, "R: sqrt(diag(vcov(glm.nb(...))))");
    CHECK_REL(b[j], rcoef[j], 1e-10, "R: refine(...)$coef");
    CHECK_REL(s[j], rse[j], 1e-10, "R: refine(...)$se");
  }
  CHECK_REL(theta, 4.1219723373544914, 1e-7, "R: glm.nb(...)$theta");
  CHECK_REL(theta_se, 3.9406988103171785, 1e-5, "R: glm.nb(...)$SE.theta");
  CHECK_REL(theta, 4.1219723373572181, 1e-10, "R: refine(...)$theta");
  CHECK_REL(theta_se, 3.9407043402498365, 1e-10, "R: refine(...)$theta.se");
  tt_stats_result r;
  double          th;
  TT_CHECK(tt_stats_negbin_rr(80, Y, EXPO, TREAT, 2, COV, TWO_SIDED, &r, &th) == TT_STATS_OK, "rr runs");
  CHECK_REL(r.estimate, -0.17779247707112061, 1e-10, "R: refine(...)$coef['trt']");
  CHECK_REL(r.p_value, 0.508715429531573, 1e-7, "R: summary(m)$coefficients['trt', 4]");
  CHECK_REL(r.p_value, 0.5087154295315508, 1e-10, "R: refine(...)$p");
  CHECK_REL(1.0 / th, 1.0 / 4.1219723373572181, 1e-10, "k = 1/theta");
}

static void negbin_matches_glm_nb_treatment_only(void)
{
  /* m1 <- glm.nb(y ~ trt + offset(log(expo)), control = glm.control(epsilon = 1e-12, maxit = 100)) and
   * r1 <- refine(cbind(1, trt), y ~ trt + offset(log(expo))) */
  tt_stats_result r;
  double          th;
  TT_CHECK(tt_stats_negbin_rr(80, Y, EXPO, TREAT, 0, NULL, TWO_SIDED, &r, &th) == TT_STATS_OK, "rr runs");
  CHECK_REL(r.estimate, -0.20601734356451695, 1e-7, "R: coef(m1)['trt']");
  CHECK_REL(r.std_error, 0.26951701154996133, 1e-7, "R: sqrt(diag(vcov(m1)))['trt']");
  CHECK_REL(r.p_value, 0.44463213611052899, 1e-7, "R: summary(m1)$coefficients['trt', 4]");
  CHECK_REL(th, 3.398209470801242, 1e-7, "R: m1$theta");
  CHECK_REL(r.estimate, -0.20601734356148485, 1e-10, "R: r1$coef['trt']");
  CHECK_REL(r.std_error, 0.26951701152340296, 1e-10, "R: r1$se['trt']");
  CHECK_REL(r.p_value, 0.44463213607235735, 1e-10, "R: r1$p");
  CHECK_REL(th, 3.398209473884644, 1e-10, "R: r1$theta");
  CHECK_REL(r.ci_lower, -0.20601734356148485 - 1.9599639845400536 * 0.26951701152340296, 1e-10,
            "R: r1$coef[2] - qnorm(0.975) * r1$se[2]");
}

static void negbin_without_overdispersion_is_poisson(void)
{
  /* yu <- c(1,2,1,1,2,1,1,1,2,1, 1,1,2,1,1,2,1,1,1,1); tu <- rep(0:1, 10)
   * glm(yu ~ tu, poisson, control = tight): coef -0.080042707673536773, exact-information se 0.40032038451271784;
   * sum((yu - fitted)^2 - yu) = -21.3 < 0,
   * so the MLE of k is 0 (glm.nb instead warns and stops at theta 149153.68, coef -0.080042707673536426) */
  const double    yu[20] = {1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1};
  double          ex[20];
  int             tu[20];
  tt_stats_result r;
  double          th;
  for (int i = 0; i < 20; i++) ex[i] = 1.0, tu[i] = i % 2;
  TT_CHECK(tt_stats_negbin_rr(20, yu, ex, tu, 0, NULL, TWO_SIDED, &r, &th) == TT_STATS_OK, "rr runs");
  TT_CHECK(isinf(th), "theta = infinity (k = 0)");
  CHECK_REL(r.estimate, -0.080042707673536773, 1e-11, "R: coef(glm(yu ~ tu, family = poisson))['tu']");
  CHECK_REL(r.std_error, 0.40032038451271784, 1e-11, "R: exact information of glm(yu ~ tu, poisson)");
}

static void infinite_estimates_and_bad_input(void)
{
  double          y[20], ex[20];
  int             t[20];
  tt_stats_result r;
  for (int i = 0; i < 20; i++) t[i] = i % 2, ex[i] = 1.0, y[i] = t[i] ? 0.0 : 1.0 + i % 3;
  TT_CHECK(tt_stats_poisson_rr(20, y, ex, t, 0, NULL, TWO_SIDED, &r) == TT_STATS_ESEPARATED, "no events on treatment");
  TT_CHECK(isnan(r.estimate) && r.reject == 0, "no result on error");
  TT_CHECK(tt_stats_negbin_rr(20, y, ex, t, 0, NULL, TWO_SIDED, &r, NULL) == TT_STATS_ESEPARATED, "NB likewise");
  y[0] = 1.5;
  TT_CHECK(tt_stats_negbin_rr(20, y, ex, t, 0, NULL, TWO_SIDED, &r, NULL) == TT_STATS_EDOMAIN, "NB needs counts");
  y[0] = 1.0, ex[3] = 0.0;
  TT_CHECK(tt_stats_poisson_rr(20, y, ex, t, 0, NULL, TWO_SIDED, &r) == TT_STATS_EDOMAIN, "exposure must be > 0");
  TT_CHECK(tt_stats_poisson_rr(2, y, ex, t, 0, NULL, TWO_SIDED, &r) == TT_STATS_ETOOFEW, "n <= p");
}

static void spd_invert_small(void)
{
  /* [[4, 2], [2, 3]]^-1 = [[3, -2], [-2, 4]] / 8; a singular matrix is refused */
  double a[4] = {4, 2, 2, 3}, s[4] = {1, 2, 2, 4};
  TT_CHECK(tt_stats_spd_invert(2, a) == TT_STATS_OK, "invertible");
  CHECK_REL(a[0], 0.375, 1e-15, "3/8");
  CHECK_REL(a[1], -0.25, 1e-15, "-2/8");
  CHECK_REL(a[2], -0.25, 1e-15, "-2/8");
  CHECK_REL(a[3], 0.5, 1e-15, "4/8");
  TT_CHECK(tt_stats_spd_invert(2, s) == TT_STATS_ESINGULAR, "singular");
}

int main(void)
{
  for (int i = 0; i < 80; i++) TREAT[i] = i % 2;
  poisson_matches_glm();
  negbin_fixed_theta_matches_glm();
  negbin_matches_glm_nb_with_covariates();
  negbin_matches_glm_nb_treatment_only();
  negbin_without_overdispersion_is_poisson();
  infinite_estimates_and_bad_input();
  spd_invert_small();
  printf("test_stats_counts: %d failed\n", tt_failures);
  return tt_failures ? 1 : 0;
}
