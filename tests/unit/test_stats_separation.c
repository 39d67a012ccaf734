/* test_stats_separation.c — the MLE's existence (Konis's LP), failure reasons, and
 * fits next to separation that stand, against R.
 *
 * Each literal beside its R call (R 4.2, stats, survival, MASS; options(digits = 17)).
 * The near-separated logistic data are exported replicates of
 * tests/data/protocols/separation_logistic.yaml (responders, baseline ADAS-Cog); R's
 * glm converges on them to fitted probabilities below 1e-10, and the LP (lpSolve, as
 * tests/validation/separation_vs_r.R) finds no separating direction: the estimate is
 * finite and reported. Before the LP, a fitted mean within 1e-10 of 0 or 1 was
 * declared separation, and these fits failed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tt_check.h"
#include "twintrial/stats.h"

#define CHECK_REL(actual, expected, rtol, src) TT_CHECK_CLOSE(actual, expected, (rtol) *fabs(expected), src)

static const tt_stats_test_spec TWO_SIDED = {0.05, 2, 0};

/* -------------------------------------------------------------- the LP itself */

static void lp_definition(void)
{
  /* rows a_i = s_i (1, v_i), s = +1 for y = 1, -1 for y = 0 */
  double a[6 * 2];
  int    ex = -1;
  /* complete separation: y = 1 exactly where v > 0 */
  const double v[6] = {-3, -2, -1, 1, 2, 3};
  const int    y[6] = {0, 0, 0, 1, 1, 1};
  for (int i = 0; i < 6; i++) a[2 * i] = y[i] ? 1 : -1, a[2 * i + 1] = (y[i] ? 1 : -1) * v[i];
  TT_CHECK(tt_stats_direction_lp(6, 2, a, NULL, &ex) == TT_STATS_OK && ex == 1, "complete separation");
  /* quasi-complete: both classes at v = 0 */
  const double vq[6] = {-3, -2, 0, 0, 2, 3};
  const int    yq[6] = {0, 0, 0, 1, 1, 1};
  for (int i = 0; i < 6; i++) a[2 * i] = yq[i] ? 1 : -1, a[2 * i + 1] = (yq[i] ? 1 : -1) * vq[i];
  TT_CHECK(tt_stats_direction_lp(6, 2, a, NULL, &ex) == TT_STATS_OK && ex == 1, "quasi-complete separation");
  /* overlap: a responder below a non-responder */
  const int yo[6] = {0, 1, 0, 1, 0, 1};
  for (int i = 0; i < 6; i++) a[2 * i] = yo[i] ? 1 : -1, a[2 * i + 1] = (yo[i] ? 1 : -1) * v[i];
  TT_CHECK(tt_stats_direction_lp(6, 2, a, NULL, &ex) == TT_STATS_OK && ex == 0, "overlap: the MLE exists");
  /* equality rows: a'b = 0 on rows 0..1 pins b to 0 although row 2 alone would let b grow */
  const double ae[3 * 2] = {1, 0, 0, 1, 1, 1};
  const int    eq[3]     = {1, 1, 0};
  TT_CHECK(tt_stats_direction_lp(3, 2, ae, eq, &ex) == TT_STATS_OK && ex == 0, "equalities leave no direction");
  const int eq1[3] = {1, 0, 0};
  TT_CHECK(tt_stats_direction_lp(3, 2, ae, eq1, &ex) == TT_STATS_OK && ex == 1, "b = (0, 1) rises on rows 1, 2");
  /* a covariate scale of 1e8 changes nothing */
  for (int i = 0; i < 6; i++) a[2 * i] = yo[i] ? 1 : -1, a[2 * i + 1] = (yo[i] ? 1 : -1) * v[i] * 1e8;
  TT_CHECK(tt_stats_direction_lp(6, 2, a, NULL, &ex) == TT_STATS_OK && ex == 0, "scaled overlap");
}

static void reason_names(void)
{
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_OK), ""), "ok: empty");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ESEPARATED), "separation"), "separation");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ESINGULAR), "rank deficient"), "rank deficient");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ENOEVENTS), "too few events"), "too few events");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ENOVAR), "no variability"), "no variability");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ENOCONV), "not converged"), "not converged");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_EMONOTONE), "monotone likelihood"), "monotone likelihood");
  TT_CHECK(!strcmp(tt_stats_reason(TT_STATS_ETOOFEW), "too few observations"), "too few observations");
  for (int c = 1; c < TT_STATS_NCODES; c++) TT_CHECK(strlen(tt_stats_reason(c)) > 0, "every failure has a reason");
}

/* ---------------------------------------------------------------- logistic */

/* Replicate 157 with --patients 40 (30 completers); one twin's fitted probability is
 * 1.9e-11. d <- data.frame(y, t, b)
 * g <- glm(y ~ t + b, binomial, d, control = glm.control(epsilon = 1e-15, maxit = 500)) */
static const int Y30[30] = {0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0};
static const int T30[30] = {0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1};
static const double B30[30] = {
    51.111640572083047, 5.1074594302771832, 30.363315912940759, 32.997630433021747, 19.760125040747827,
    26.573159441281739, 10.646447500451881, 13.286791649398735, 22.529022246114543, 23.341456113500669,
    33.770363650683407, 27.625329296491991, 26.036102600732789, 28.155743210769039, 21.096609035687159,
    15.608459094064397, 27.199803952165897, 13.485405787545865, 69.418794085801338, 18.791795099441334,
    9.306460427668549,  39.410391466169152, 33.191027442855543, 32.334190855898207, 12.81917890407624,
    27.359232483205048, 14.228806294613538, 47.104153299241858, 33.837188615563299, 55.515494709205207};

/* Replicate 263 with --patients 12 (9 completers): fitted probabilities reach 2e-16. */
static const int    Y9[9] = {1, 0, 0, 1, 0, 1, 1, 0, 0};
static const int    T9[9] = {1, 1, 1, 0, 1, 1, 0, 1, 0};
static const double B9[9] = {7.463773339905563,  23.850800535252343, 24.734749915880375,
                             15.193848779071862, 40.58747670598693,  24.658647671781139,
                             9.729299685938626,  66.440728072308929, 24.756061567985114};

static void logistic_near_separation_stands(void)
{
  tt_stats_result r;
  TT_CHECK(tt_stats_logistic_or(30, Y30, T30, 1, B30, TWO_SIDED, &r) == TT_STATS_OK, "finite MLE, fitted p 1.9e-11");
  CHECK_REL(r.estimate, -1.20796983543998038, 1e-9, "R: coef(g)[['t']]");
  CHECK_REL(r.std_error, 1.72406184713403721, 1e-7, "R: sqrt(vcov(g)['t', 't'])");
  TT_CHECK(tt_stats_logistic_or(9, Y9, T9, 1, B9, TWO_SIDED, &r) == TT_STATS_OK, "finite MLE, fitted p 2e-16");
  CHECK_REL(r.estimate, 2.42607488574380792, 1e-7, "R: coef(g)[['t']]");
  CHECK_REL(r.std_error, 5.41403265365892672, 1e-5, "R: sqrt(vcov(g)['t', 't'])");
}

static void logistic_separation_is_reported(void)
{
  tt_stats_result r;
  int             y[9];
  /* quasi-complete separation by the covariate alone: y = 1 exactly below b = 24.7 */
  for (int i = 0; i < 9; i++) y[i] = B9[i] < 24.7;
  TT_CHECK(tt_stats_logistic_or(9, y, T9, 1, B9, TWO_SIDED, &r) == TT_STATS_ESEPARATED, "separated by the covariate");
  TT_CHECK(isnan(r.estimate) && !r.reject, "no result on error");
  /* no responder at all: no variability, not separation */
  for (int i = 0; i < 9; i++) y[i] = 0;
  TT_CHECK(tt_stats_logistic_or(9, y, T9, 1, B9, TWO_SIDED, &r) == TT_STATS_ENOVAR, "no responder");
  /* a covariate equal to the treatment indicator: rank deficient */
  double tcopy[9];
  for (int i = 0; i < 9; i++) tcopy[i] = T9[i];
  TT_CHECK(tt_stats_logistic_or(9, Y9, T9, 1, tcopy, TWO_SIDED, &r) == TT_STATS_ESINGULAR, "aliased covariate");
}

/* ------------------------------------------------------- negative binomial */

/* set.seed(11); 275th draw of: n <- 120; t <- rep(0:1, 60); pr <- rpois(n, 1.5)
 * e <- round(runif(n, 0.5, 2), 2); y <- rnbinom(n, size = 200, mu = e exp(-0.5 - 0.7 t + 0.2 pr))
 * (mu without e: the draws used exposure 1; the model below has offset(log(e))).
 * glm.nb(y ~ t + pr + offset(log(e))) converges (theta 85.75); theta's profile is so flat
 * that the score in theta cancels O(1/theta) terms to O(1/theta^2), and the fit failed
 * to converge before (theta.ml's score summed without the cancellation). Reference: the
 * root of MASS's theta.ml score at the glm fit for each theta (uniroot, tol 1e-13),
 *   g <- glm(y ~ t + pr + offset(log(e)), family = negative.binomial(theta), ...)
 *   coef(g)[['t']], sqrt(summary(g, dispersion = 1)$cov.scaled['t', 't']) */
static const double NBY[120] = {1, 0, 0, 0, 1, 1, 0, 0, 1, 3, 1, 0, 0, 0, 2, 0, 0, 1, 1, 0, 2, 0, 1, 1,
                                0, 1, 0, 0, 1, 1, 2, 0, 0, 0, 2, 0, 0, 2, 2, 0, 1, 1, 2, 0, 1, 0, 0, 1,
                                0, 1, 2, 0, 5, 0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 1, 0, 2,
                                3, 0, 0, 0, 1, 2, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0,
                                2, 0, 2, 0, 1, 0, 2, 1, 2, 0, 1, 0, 1, 0, 2, 1, 3, 1, 2, 0, 1, 0, 1, 0};
static const double NBE[120] = {
    0.91, 1.32, 1.47, 1.43, 1.09, 1.52, 1.18, 1.28, 0.54, 0.78, 1.2,  0.83, 0.78, 0.87, 1.99, 1.52, 0.64, 1.23,
    0.95, 1.1,  1.62, 1.93, 1.66, 0.57, 0.66, 0.76, 1.38, 1.65, 1.26, 0.81, 1.41, 1.89, 1.47, 0.88, 1.89, 1.89,
    0.75, 1.33, 1.55, 1.62, 0.79, 1.55, 0.99, 1.06, 1.93, 1.53, 1.72, 1.74, 1.12, 1.47, 0.56, 1.58, 1.16, 1.39,
    1.11, 1.77, 1.56, 0.66, 1.63, 0.54, 0.77, 0.51, 1.59, 0.55, 1.69, 0.54, 1.74, 1.25, 1.88, 1.09, 0.79, 1.43,
    1.24, 1.79, 0.58, 1.55, 1.29, 0.57, 1.69, 0.91, 1.64, 0.78, 1.55, 1.52, 0.76, 0.97, 1.48, 1.37, 1.46, 0.83,
    0.53, 0.88, 0.65, 1.28, 0.76, 1.34, 1.7,  0.64, 1.96, 0.97, 1.92, 1.73, 1.91, 1.58, 1.66, 1.73, 1.14, 1.3,
    1.37, 0.55, 1,    0.81, 0.98, 1.65, 1.66, 1.1,  1.19, 1,    0.68, 0.51};
static const double NBPR[120] = {0, 0, 0, 1, 0, 1, 3, 0, 0, 3, 2, 2, 0, 1, 1, 0, 0, 1, 0, 0, 3, 2, 2, 4,
                                 0, 0, 1, 1, 0, 1, 2, 2, 0, 1, 0, 0, 1, 2, 0, 0, 2, 0, 2, 1, 4, 2, 1, 0,
                                 1, 4, 3, 2, 2, 0, 4, 1, 0, 4, 3, 2, 2, 0, 1, 4, 5, 0, 0, 1, 2, 1, 1, 3,
                                 3, 1, 1, 1, 1, 3, 1, 1, 3, 0, 2, 0, 2, 3, 2, 0, 1, 1, 2, 1, 3, 1, 1, 2,
                                 3, 1, 2, 1, 2, 0, 2, 3, 1, 0, 1, 2, 2, 0, 0, 2, 3, 4, 3, 1, 0, 1, 2, 1};

static void negbin_large_theta_converges(void)
{
  int             t[120];
  tt_stats_result r;
  double          theta = NAN;
  for (int i = 0; i < 120; i++) t[i] = i % 2;
  TT_CHECK(tt_stats_negbin_rr(120, NBY, NBE, t, 1, NBPR, TWO_SIDED, &r, &theta) == TT_STATS_OK, "theta 85.7 found");
  CHECK_REL(r.estimate, -0.70519234246454621, 1e-8, "R: score root, coef(g)[['t']]");
  CHECK_REL(r.std_error, 0.236807849832451955, 1e-8, "R: score root, SE at dispersion 1");
  CHECK_REL(theta, 85.74994707207231670, 1e-6, "R: glm.nb(...)$theta");
}

static void counts_separation(void)
{
  /* the twins with events span only (1, 0, 1) and (1, 1, 2) on (1, treat, prior); along
   * b = -(1, 1, -1) every twin without events gets a lower rate: glm(y ~ t + pr, poisson)
   * "fitted rates numerically 0", coefficients -23, -25, 24 after 25 iterations and
   * -37, -39, 38 after 200 (diverging) */
  const double    y[8] = {2, 1, 3, 1, 0, 0, 0, 0}, e[8] = {1, 1, 1, 1, 1, 1, 1, 1}, pr[8] = {1, 2, 1, 2, 0, 0, 1, 0};
  const int       t[8] = {0, 1, 0, 1, 0, 1, 1, 0};
  tt_stats_result r;
  TT_CHECK(tt_stats_poisson_rr(8, y, e, t, 1, pr, TWO_SIDED, &r) == TT_STATS_ESEPARATED, "Poisson: zero-count level");
  TT_CHECK(tt_stats_negbin_rr(8, y, e, t, 1, pr, TWO_SIDED, &r, NULL) == TT_STATS_ESEPARATED, "NB likewise");
  const double y0[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  TT_CHECK(tt_stats_poisson_rr(8, y0, e, t, 1, pr, TWO_SIDED, &r) == TT_STATS_ENOVAR, "no events: no variability");
}

/* --------------------------------------------------------------------- Cox */

/* time <- c(2, 3, 5, 7, 8, 11, 13, 14, 17, 20, 21, 25)
 * status <- c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1); treat <- c(0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1) */
static const double CT[12]  = {2, 3, 5, 7, 8, 11, 13, 14, 17, 20, 21, 25};
static const int    CS[12]  = {1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1};
static const int    CTR[12] = {0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1};

static void cox_monotone_by_a_covariate(void)
{
  /* xa: each event's x is the largest still at risk -> coxph(Surv(time, status) ~ treat +
   * xa) "Ran out of iterations and did not converge", coef xa 18.05 and rising */
  const double       xa[12] = {12, 11, 3, 9, 8, 7, 1, 5, 4, 3, 0, 1};
  tt_stats_surv_data d      = {12, CT, CS, CTR, 1, xa, NULL};
  tt_stats_result    r;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_EMONOTONE,
           "monotone in the covariate");
  /* two strata, each monotone: jointly monotone */
  const int strata[12] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  d.strata             = strata;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_EMONOTONE,
           "monotone within every stratum");
  /* xb: a censored twin (21 days) at x = 9.5 stays at risk above later events: finite.
   * coxph(Surv(time, status) ~ treat + xb, control = coxph.control(eps = 1e-12, iter.max = 100)) */
  const double xb[12] = {12, 11, 3, 9, 8, 7, 1, 5, 4, 3, 9.5, 1};
  double       beta[2], se[2];
  d = (tt_stats_surv_data){12, CT, CS, CTR, 1, xb, NULL};
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, beta, se, NULL) == TT_STATS_OK, "finite");
  CHECK_REL(beta[0], 0.96689998040857683, 1e-8, "R: coef(g)[['treat']]");
  CHECK_REL(beta[1], 0.30080660987217567, 1e-8, "R: coef(g)[['xb']]");
  CHECK_REL(se[0], 0.88840274547364473, 1e-8, "R: sqrt(vcov(g)[1, 1])");
}

static void cmh_zero_odds_ratio_is_separation(void)
{
  /* no treatment responder in any stratum: MH odds ratio 0 */
  const int       x1[2] = {0, 0}, n1[2] = {10, 12}, x0[2] = {3, 4}, n0[2] = {10, 12};
  tt_stats_result r;
  TT_CHECK(tt_stats_cmh(2, x1, n1, x0, n0, 0, TWO_SIDED, &r) == TT_STATS_ESEPARATED, "MH OR 0");
}

int main(void)
{
  lp_definition();
  reason_names();
  logistic_near_separation_stands();
  logistic_separation_is_reported();
  negbin_large_theta_converges();
  counts_separation();
  cox_monotone_by_a_covariate();
  cmh_zero_odds_ratio_is_separation();
  printf("test_stats_separation: %d failed\n", tt_failures);
  return tt_failures ? 1 : 0;
}
