/* test_stats.c — unit tests of the stats module against independent known answers.
 *
 * Every expected value is a literal computed with R 4.x (package stats) unless
 * marked otherwise; the comment or the source string beside it gives the exact
 * expression. Where R's own value is known to be less accurate than ours, the
 * reference comes from mpmath at 60 digits instead, and the comment says so.
 * Usage: test_stats [group]   (groups: special welch ols ancova errors oc; default all)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twintrial/stats.h"

static int n_checks;

/* Pass when |actual - expected| <= tol * |expected| (or <= tol when expected is 0);
 * equal infinities pass. On failure print everything and exit non-zero. */
static void check_rel(const char *file, int line, const char *what, double actual, double expected, double tol,
                      const char *src)
{
  n_checks++;
  double err = fabs(actual - expected), scale = expected == 0.0 ? 1.0 : fabs(expected);
  if (actual == expected || err <= tol * scale) return;
  fprintf(stderr, "%s:%d: FAIL %s\n  expected %.17g  (%s)\n  actual   %.17g\n  rel.err  %.3g > tol %.3g\n", file, line,
          what, expected, src, actual, err / scale, tol);
  exit(EXIT_FAILURE);
}

static void check_int(const char *file, int line, const char *what, long actual, long expected, const char *src)
{
  n_checks++;
  if (actual == expected) return;
  fprintf(stderr, "%s:%d: FAIL %s\n  expected %ld  (%s)\n  actual   %ld\n", file, line, what, expected, src, actual);
  exit(EXIT_FAILURE);
}

#define CHECK_REL(actual, expected, tol, src) check_rel(__FILE__, __LINE__, #actual, (actual), (expected), (tol), (src))
#define CHECK_INT(actual, expected, src)      check_int(__FILE__, __LINE__, #actual, (actual), (expected), (src))

/* ---------------------------------------------------------------- special */

typedef struct {
  double      expected, a, b, c, tol;
  const char *src;
} known;

static void test_pnorm_qnorm(void)
{
  static const known pn[] = {
      {5.7255712225245771e-300, -37, 0, 0, 1e-13, "R: pnorm(-37)"},
      {9.4795348222033192e-18, -8.5, 0, 0, 1e-14, "R: pnorm(-8.5)"},
      {1.0000000000000035e-10, -6.3613409024040557, 0, 0, 1e-14, "R: pnorm(-6.3613409024040557)"},
      {0.024997895148220428, -1.96, 0, 0, 1e-15, "R: pnorm(-1.96)"},
      {0.5, 0, 0, 0, 0, "R: pnorm(0)"},
      {0.75803634777692697, 0.7, 0, 0, 1e-15, "R: pnorm(0.7)"},
      {0.9986501019683699, 3, 0, 0, 1e-15, "R: pnorm(3)"},
      {0.99999999999999989, 8.2, 0, 0, 1e-15, "R: pnorm(8.2)"},
  };
  static const known qn[] = {
      {-37.047096299361201, 1e-300, 0, 0, 1e-15, "R: qnorm(1e-300)"},
      {-6.3613409024040557, 1e-10, 0, 0, 1e-15, "R: qnorm(1e-10)"},
      {-3.0902323061678132, 0.001, 0, 0, 1e-15, "R: qnorm(0.001)"},
      {-1.9729610513118845, 0.02425, 0, 0, 1e-15, "R: qnorm(0.02425)"},
      {-0.52440051270804067, 0.3, 0, 0, 1e-15, "R: qnorm(0.3)"},
      {0.73884684918521371, 0.77, 0, 0, 1e-15, "R: qnorm(0.77)"},
      {1.9599639845400536, 0.975, 0, 0, 1e-15, "R: qnorm(0.975)"},
      {6.3613408896974208, 1 - 1e-10, 0, 0, 1e-15, "R: qnorm(1 - 1e-10)"},
  };
  for (size_t i = 0; i < sizeof pn / sizeof pn[0]; i++)
    CHECK_REL(tt_stats_pnorm(pn[i].a), pn[i].expected, pn[i].tol, pn[i].src);
  for (size_t i = 0; i < sizeof qn / sizeof qn[0]; i++)
    CHECK_REL(tt_stats_qnorm(qn[i].a), qn[i].expected, qn[i].tol, qn[i].src);
  CHECK_REL(tt_stats_qnorm(0.5), 0.0, 0.0, "qnorm(0.5) = 0");
  CHECK_REL(tt_stats_qnorm(0.0), -INFINITY, 0.0, "qnorm(0) = -Inf");
  CHECK_INT(isnan(tt_stats_qnorm(1.5)), 1, "qnorm(1.5) is NaN");
}

static void test_pt_qt(void)
{
  static const known ptk[] = {
      {0.019825117332800228, -2.5, 7.3, 0, 1e-14, "R: pt(-2.5, 7.3)"},
      {1.719034039457927e-05, -40, 3, 0, 1e-14, "R: pt(-40, 3)"},
      {0.49964644669779501, -1e-3, 2, 0, 1e-14, "R: pt(-1e-3, 2)"},
      {0.69440011221421472, 0.7, 1, 0, 1e-14, "R: pt(0.7, 1)"},
      {0.82464939308062069, 3.3, 0.5, 0, 1e-14, "R: pt(3.3, 0.5)"},
      {1.0180135529455479e-08, -8, 25.5, 0, 1e-14, "R: pt(-8, 25.5)"},
      {0.0062104595962795195, -2.5, 1e5, 0, 1e-14, "R: pt(-2.5, 1e5)"},
      {0.9703288435519748, 1.96, 30, 0, 1e-14, "R: pt(1.96, 30)"},
      {2.3348503062934856e-10, -300, 4.1, 0, 1e-14, "R: pt(-300, 4.1)"},
      {0.11508388425844962, -1.2, 1e4, 0, 1e-14, "R: pt(-1.2, 1e4)"},
      {0.98213557943718344, 2.1, INFINITY, 0, 1e-15, "R: pt(2.1, Inf)"},
      {0.39367118574759863, -0.3, 2.5, 0, 1e-14, "R: pt(-0.3, 2.5)"},
  };
  static const known qtk[] = {
      {-2.3450667365477034, 0.025, 7.3, 0, 1e-14, "R: qt(0.025, 7.3)"},
      {-2225.7692846830946, 1e-10, 3, 0, 1e-14, "R: qt(1e-10, 3)"},
      {-0.28867513459481314, 0.4, 2, 0, 1e-14, "R: qt(0.4, 2)"},
      {318.30883898555015, 0.999, 1, 0, 1e-14, "R: qt(0.999, 1)"},
      {1.9599877075346088, 0.975, 1e5, 0, 1e-14, "R: qt(0.975, 1e5)"},
      {-0.52441722834546667, 0.3, 1e4, 0, 1e-14, "R: qt(0.3, 1e4)"},
      {10.129022599665536, 1 - 1e-10, 25.5, 0, 1e-14, "R: qt(1 - 1e-10, 25.5)"},
      {2.2224334936496009, 0.95, 3.5, 0, 1e-14, "R: qt(0.95, 3.5)"},
      {1.2815515655446008, 0.9, INFINITY, 0, 1e-15, "R: qt(0.9, Inf)"},
      {2.1199052992212541, 0.975, 16, 0, 1e-14, "R: qt(0.975, 16)"},
      {-1.1533643782954701, 0.2, 1.5, 0, 1e-14, "R: qt(0.2, 1.5)"},
      /* R's qt is off here (R gives -8.7655183465165772e+119 and 1604425.7056665733): */
      {-8.7654378822799919e+119, 1e-300, 2.5, 0, 1e-14, "mpmath: qt(1e-300, 2.5), log-scale findroot on betainc"},
      {1604425.7056665527, 0.9, 0.1, 0, 1e-14, "mpmath: qt(0.9, 0.1), findroot on betainc"},
  };
  for (size_t i = 0; i < sizeof ptk / sizeof ptk[0]; i++)
    CHECK_REL(tt_stats_pt(ptk[i].a, ptk[i].b), ptk[i].expected, ptk[i].tol, ptk[i].src);
  for (size_t i = 0; i < sizeof qtk / sizeof qtk[0]; i++)
    CHECK_REL(tt_stats_qt(qtk[i].a, qtk[i].b), qtk[i].expected, qtk[i].tol, qtk[i].src);
  /* property: qt inverts pt, to the accuracy of pt, across df and p (incl. the tails) */
  static const double dfs[] = {0.3, 1, 1.5, 2, 3.7, 10, 47.5, 1e3, 1e6};
  static const double ps[]  = {1e-12, 1e-5, 0.01, 0.025, 0.2, 0.49, 0.5, 0.6, 0.95, 0.999999};
  for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++)
    for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++)
      CHECK_REL(tt_stats_pt(tt_stats_qt(ps[j], dfs[i]), dfs[i]), ps[j], 1e-13, "pt(qt(p, df), df) == p");
}

static void test_pchisq_pbeta_lgamma(void)
{
  static const known ch[] = {
      {0.94995647875129474, 3.84, 1, 0, 1e-14, "R: pchisq(3.84, 1)"},
      {8.4079190580461564e-06, 0.001, 3, 0, 1e-14, "R: pchisq(0.001, 3)"},
      {0.99999973309165746, 50, 10, 0, 1e-14, "R: pchisq(50, 10)"},
      {0.014409727889913465, 1000, 1100, 0, 1e-13, "R: pchisq(1000, 1100)"},
      {0.84395083290313799, 0.5, 0.3, 0, 1e-14, "R: pchisq(0.5, 0.3)"},
      {0.56964474872747739, 7.3, 7.3, 0, 1e-14, "R: pchisq(7.3, 7.3)"},
      {4.999987500020834e-06, 1e-5, 2, 0, 1e-14, "R: pchisq(1e-5, 2)"},
      {0.99569065620032604, 200, 150.5, 0, 1e-14, "R: pchisq(200, 150.5)"},
  };
  static const known be[] = {
      {0.34829999999999989, 0.3, 2, 3, 1e-14, "R: pbeta(0.3, 2, 3)"},
      {0.6309898804344547, 0.7, 0.5, 0.5, 1e-14, "R: pbeta(0.7, 0.5, 0.5)"},
      {0.011143345724288567, 1e-5, 0.5, 10, 1e-14, "R: pbeta(1e-5, 0.5, 10)"},
      {0.99999645651973568, 0.5, 200, 300, 1e-14, "R: pbeta(0.5, 200, 300)"},
      {0.5, 0.5, 1e4, 1e4, 1e-14, "R: pbeta(0.5, 1e4, 1e4)"},
      {0.15269206115199868, 0.01, 1.5, 40, 1e-14, "R: pbeta(0.01, 1.5, 40)"},
      {0.052718975674526027, 0.999, 3, 0.01, 5e-14, "R: pbeta(0.999, 3, 0.01)"}, /* via 1 - I_y(b, a) ~ 1 - 0.947 */
      {0.36647550647488392, 0.9, 25, 2.5, 1e-14, "R: pbeta(0.9, 25, 2.5)"},
  };
  static const known lg[] = {
      {0.57236494292470008, 0.5, 0, 0, 1e-15, "R: lgamma(0.5)"},
      {360.51470572905811, 100.3, 0, 0, 1e-15, "R: lgamma(100.3)"},
      {18.420680738180209, 1e-8, 0, 0, 1e-15, "R: lgamma(1e-8)"},
  };
  for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
    CHECK_REL(tt_stats_pchisq(ch[i].a, ch[i].b), ch[i].expected, ch[i].tol, ch[i].src);
  for (size_t i = 0; i < sizeof be / sizeof be[0]; i++)
    CHECK_REL(tt_stats_pbeta(be[i].a, be[i].b, be[i].c), be[i].expected, be[i].tol, be[i].src);
  for (size_t i = 0; i < sizeof lg / sizeof lg[0]; i++)
    CHECK_REL(tt_stats_lgamma(lg[i].a), lg[i].expected, lg[i].tol, lg[i].src);
}

static void test_special(void)
{
  test_pnorm_qnorm();
  test_pt_qt();
  test_pchisq_pbeta_lgamma();
}

/* ---------------------------------------------------------------- Welch */

static const double Y0[] = {5.1, 4.8, 6.2, 5.9, 4.4, 5.5, 6.8, 5.0};
static const double Y1[] = {6.3, 5.8, 7.1, 6.6, 5.2, 7.4, 6.9, 5.5, 6.1, 8.0};
#define N0 8
#define N1 10

static void test_welch(void)
{
  const double       tol = 1e-12;
  tt_stats_result    r;
  tt_stats_test_spec two = {0.05, 2, 0};
  CHECK_INT(tt_stats_welch(N0, Y0, N1, Y1, two, &r), TT_STATS_OK, "welch returns OK");
  CHECK_REL(r.estimate, 1.0274999999999999, tol, "R: diff(rev(t.test(y1, y0)$estimate))");
  CHECK_REL(r.std_error, 0.3958493731086058, tol, "R: t.test(y1, y0)$stderr");
  CHECK_REL(r.statistic, 2.595684292565732, tol, "R: t.test(y1, y0)$statistic");
  CHECK_REL(r.df, 15.702012352229477, tol, "R: t.test(y1, y0)$parameter");
  CHECK_REL(r.p_value, 0.019726786401157274, tol, "R: t.test(y1, y0)$p.value");
  CHECK_REL(r.ci_lower, 0.18704065645684967, tol, "R: t.test(y1, y0)$conf.int[1]");
  CHECK_REL(r.ci_upper, 1.8679593435431501, tol, "R: t.test(y1, y0)$conf.int[2]");
  CHECK_INT(r.reject, 1, "p = 0.0197 < 0.05");
  CHECK_INT(r.n_analysed, N0 + N1, "n0 + n1");

  /* one-sided, lower is better (H1: effect < 0) */
  tt_stats_test_spec less = {0.05, 1, -1};
  CHECK_INT(tt_stats_welch(N0, Y0, N1, Y1, less, &r), TT_STATS_OK, "welch returns OK");
  CHECK_REL(r.p_value, 0.99013660679942128, tol, "R: t.test(y1, y0, alternative = \"less\")$p.value");
  CHECK_INT(r.reject, 0, "p = 0.99 >= 0.05");
  /* sided = 1 gives the two-sided 1 - 2 alpha = 90% interval; its bounds are R's one-sided bounds */
  CHECK_REL(r.ci_lower, 0.33558773619568533, tol, "R: t.test(y1, y0, conf.level = 0.90)$conf.int[1]");
  CHECK_REL(r.ci_upper, 1.7194122638043146, tol, "R: t.test(y1, y0, conf.level = 0.90)$conf.int[2]");
  CHECK_REL(r.ci_upper, 1.7194122638043146, tol, "R: t.test(y1, y0, alternative = \"less\")$conf.int[2]");

  /* one-sided, higher is better */
  tt_stats_test_spec greater = {0.05, 1, +1};
  CHECK_INT(tt_stats_welch(N0, Y0, N1, Y1, greater, &r), TT_STATS_OK, "welch returns OK");
  CHECK_REL(r.p_value, 0.0098633932005786368, tol, "R: t.test(y1, y0, alternative = \"greater\")$p.value");
  CHECK_REL(r.ci_lower, 0.33558773619568533, tol, "R: t.test(y1, y0, alternative = \"greater\")$conf.int[1]");
  CHECK_INT(r.reject, 1, "p = 0.0099 < 0.05");
}

/* ---------------------------------------------------------------- OLS / ANCOVA */

#define NR 20
static const int    TREAT[NR]   = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
static const double COV[2 * NR] = {
    /* x1 */ 33.3, 57.7, 29.5, 50.2, 41.7, 51.3, 41.1, 50.3, 44.0, 35.8,
    57.8,          64.2, 40.4, 26.0, 48.7, 53.8, 43.4, 49.5, 41.0, 50.9,
    /* x2 */ 2.34, 0.89, 2.71, 4.91, 0.66, 4.81, 3.21, 3.91, 4.55, 0.07,
    1.70,          4.85, 1.71, 2.98, 2.67, 1.97, 3.83, 4.84, 2.96, 0.19};
static const double YR[NR] = {15.51, 26.93, 17.33, 24.71, 20.88, 25.23, 19.20, 24.70, 15.27, 24.02,
                              25.85, 27.41, 19.70, 18.92, 23.94, 25.85, 21.23, 23.53, 16.64, 26.47};

/* R: summary(lm(y ~ treat + x1 + x2))$coefficients[, 1:2] */
static const double LM_BETA[4] = {9.8988999126858186, 3.5647812044240723, 0.26967459203873889, -0.64331947289154934};
static const double LM_SE[4]   = {1.8557135178659601, 0.78995741435145617, 0.041854249483910783, 0.24084948020411137};

static void design(double x[], int ncov_cols, const double extra[])
{
  for (int i = 0; i < NR; i++) {
    x[i]      = 1.0;
    x[NR + i] = TREAT[i];
  }
  memcpy(x + 2 * NR, COV, sizeof(double) * NR * (size_t) ncov_cols);
  if (extra) memcpy(x + (2 + ncov_cols) * NR, extra, sizeof(double) * NR);
}

static void test_ols(void)
{
  double x[4 * NR], beta[4], se[4], s2, work[4 * NR + 2 * NR + 2 * 4];
  design(x, 2, NULL);
  for (int pass = 0; pass < 2; pass++) { /* caller's work, then internal allocation */
    CHECK_INT(tt_stats_ols(NR, 4, x, YR, beta, se, &s2, pass ? NULL : work), TT_STATS_OK, "ols returns OK");
    for (int j = 0; j < 4; j++) {
      CHECK_REL(beta[j], LM_BETA[j], 1e-10, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[, 1]");
      CHECK_REL(se[j], LM_SE[j], 1e-10, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[, 2]");
    }
    CHECK_REL(s2, 2.7098928055000071, 1e-10, "R: summary(lm(y ~ treat + x1 + x2))$sigma^2");
  }
}

static void test_ancova(void)
{
  const double       tol = 1e-10;
  tt_stats_result    r;
  tt_stats_test_spec two = {0.05, 2, 0};
  CHECK_INT(tt_stats_ancova(NR, YR, TREAT, 2, COV, two, &r), TT_STATS_OK, "ancova returns OK");
  CHECK_REL(r.estimate, 3.5647812044240723, tol, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[2, 1]");
  CHECK_REL(r.std_error, 0.78995741435145617, tol, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[2, 2]");
  CHECK_REL(r.statistic, 4.512624528438292, tol, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[2, 3]");
  CHECK_REL(r.p_value, 0.00035417534110230523, tol, "R: summary(lm(y ~ treat + x1 + x2))$coefficients[2, 4]");
  CHECK_REL(r.ci_lower, 1.8901462955813004, tol, "R: confint(lm(y ~ treat + x1 + x2))[2, 1]");
  CHECK_REL(r.ci_upper, 5.2394161132668442, tol, "R: confint(lm(y ~ treat + x1 + x2))[2, 2]");
  CHECK_REL(r.df, 16, 0, "n - p = 20 - 4");
  CHECK_INT(r.n_analysed, NR, "n");
  CHECK_INT(r.reject, 1, "p = 0.00035 < 0.05");

  tt_stats_test_spec greater = {0.05, 1, +1}, less = {0.05, 1, -1};
  CHECK_INT(tt_stats_ancova(NR, YR, TREAT, 2, COV, greater, &r), TT_STATS_OK, "ancova returns OK");
  CHECK_REL(r.p_value, 0.00017708767055115262, tol, "R: pt(coef[2, 3], 16, lower.tail = FALSE)");
  CHECK_REL(r.ci_lower, 2.1856074497544711, tol, "R: confint(lm(y ~ treat + x1 + x2), level = 0.90)[2, 1]");
  CHECK_REL(r.ci_upper, 4.9439549590936727, tol, "R: confint(lm(y ~ treat + x1 + x2), level = 0.90)[2, 2]");
  CHECK_INT(r.reject, 1, "p = 0.00018 < 0.05");
  CHECK_INT(tt_stats_ancova(NR, YR, TREAT, 2, COV, less, &r), TT_STATS_OK, "ancova returns OK");
  CHECK_REL(r.p_value, 0.99982291232944887, tol, "R: pt(coef[2, 3], 16)");
  CHECK_INT(r.reject, 0, "p = 0.9998 >= 0.05");

  /* property: ANCOVA without covariates is the pooled-variance two-sample t test */
  double y[N0 + N1];
  int    tr[N0 + N1];
  for (int i = 0; i < N0; i++) y[i] = Y0[i], tr[i] = 0;
  for (int i = 0; i < N1; i++) y[N0 + i] = Y1[i], tr[N0 + i] = 1;
  CHECK_INT(tt_stats_ancova(N0 + N1, y, tr, 0, NULL, two, &r), TT_STATS_OK, "ancova(ncov = 0) returns OK");
  CHECK_REL(r.estimate, 1.0274999999999999, tol, "R: diff(rev(t.test(y1, y0, var.equal = TRUE)$estimate))");
  CHECK_REL(r.std_error, 0.40052650895415148, tol, "R: t.test(y1, y0, var.equal = TRUE)$stderr");
  CHECK_REL(r.statistic, 2.5653732700065013, tol, "R: t.test(y1, y0, var.equal = TRUE)$statistic");
  CHECK_REL(r.df, 16, 0, "R: t.test(y1, y0, var.equal = TRUE)$parameter");
  CHECK_REL(r.p_value, 0.02074777186496906, tol, "R: t.test(y1, y0, var.equal = TRUE)$p.value");
  CHECK_REL(r.ci_lower, 0.17842173118950497, tol, "R: t.test(y1, y0, var.equal = TRUE)$conf.int[1]");
  CHECK_REL(r.ci_upper, 1.8765782688104944, tol, "R: t.test(y1, y0, var.equal = TRUE)$conf.int[2]");
}

/* ---------------------------------------------------------------- error paths */

static void test_errors(void)
{
  double             x[5 * NR], beta[5], se[5], s2, x3[NR], x4[NR], cov[2 * NR];
  tt_stats_result    r;
  tt_stats_test_spec two = {0.05, 2, 0};
  /* exact collinearity: R: qr(cbind(1, treat, x1, 3 * x1 - 2))$rank is 3, lm() gives one NA coefficient */
  for (int i = 0; i < NR; i++) x3[i] = 3.0 * COV[i] - 2.0;
  design(x, 1, x3);
  CHECK_INT(tt_stats_ols(NR, 4, x, YR, beta, se, &s2, NULL), TT_STATS_ESINGULAR, "collinear design is singular");
  /* near collinearity below lm's tolerance: R: sum(is.na(coef(lm(y ~ treat + x1 + I(x1 * (1 + 1e-9 * x2)))))) is 1 */
  for (int i = 0; i < NR; i++) x4[i] = COV[i] * (1.0 + 1e-9 * COV[NR + i]);
  memcpy(cov, COV, sizeof(double) * NR);
  memcpy(cov + NR, x4, sizeof(double) * NR);
  CHECK_INT(tt_stats_ancova(NR, YR, TREAT, 2, cov, two, &r), TT_STATS_ESINGULAR, "near-collinear design is singular");
  CHECK_INT(isnan(r.estimate) && r.reject == 0 && r.n_analysed == 0, 1, "failed result holds NaN, no rejection");
  /* one arm only: treatment column is a multiple of the intercept */
  int none[NR] = {0};
  CHECK_INT(tt_stats_ancova(NR, YR, none, 2, COV, two, &r), TT_STATS_ESINGULAR, "single-arm ANCOVA is singular");
  /* too few observations: n = p = 4, and n < p */
  CHECK_INT(tt_stats_ancova(4, YR, TREAT, 2, COV, two, &r), TT_STATS_ETOOFEW, "n = 4 with 4 parameters");
  CHECK_INT(tt_stats_ols(3, 4, x, YR, beta, se, &s2, NULL), TT_STATS_ETOOFEW, "n = 3 with 4 parameters");
  CHECK_INT(tt_stats_welch(1, Y0, N1, Y1, two, &r), TT_STATS_ETOOFEW, "welch with n0 = 1");
  CHECK_INT(tt_stats_welch(N0, Y0, 0, Y1, two, &r), TT_STATS_ETOOFEW, "welch with n1 = 0");
  /* invalid inputs */
  tt_stats_test_spec bad = {0.05, 1, 0};
  CHECK_INT(tt_stats_welch(N0, Y0, N1, Y1, bad, &r), TT_STATS_EDOMAIN, "sided = 1 needs direction -1 or +1");
  int two_valued[NR];
  for (int i = 0; i < NR; i++) two_valued[i] = 2 * TREAT[i];
  CHECK_INT(tt_stats_ancova(NR, YR, two_valued, 2, COV, two, &r), TT_STATS_EDOMAIN, "treat must be 0/1");
  const double flat[3] = {1.0, 1.0, 1.0};
  CHECK_INT(tt_stats_welch(3, flat, 3, flat, two, &r), TT_STATS_ENOVAR, "constant data: SE 0, no variability");
}

/* ---------------------------------------------------------------- OC */

static void test_oc(void)
{
  /* Five analysed replicates, true effect 0.9, plus one failed analysis.
   * estimates 1.2 0.8 1.5 0.5 1.0 -> mean 5.0/5 = 1.0; errors .3 -.1 .6 -.4 .1 -> bias 0.5/5 = 0.1
   * deviations from the mean .2 -.2 .5 -.5 0 -> SS 0.58 -> empirical SE sqrt(0.58/4) = sqrt(0.145)
   * bias MCSE = SD(errors)/sqrt(5) = sqrt(0.145/5) = sqrt(0.029) (true effect constant: = empSE/sqrt(n))
   * squared errors .09 .01 .36 .16 .01 -> MSE 0.63/5 = 0.126 (= 0.1^2 + 0.58/5) -> RMSE sqrt(0.126)
   * rejections 3 of 6 replicates (the failed one does not reject, as rpact counts it)
   *   -> power 0.5, MCSE sqrt(.5*.5/6) = sqrt(1/24)
   * CIs [.2,2.2] [0,1.6] [1.1,1.9] [-.5,1.5] [0,2] contain 0.9 except the third -> 0.8, sqrt(.8*.2/5) = sqrt(0.032)
   * SEs .5 .4 .6 .5 .5 -> 0.5; n_analysed 100 100 90 100 110 -> 100 */
  static const tt_stats_result reps[5] = {
      {1.2, 0.5, 0.2, 2.2, 0, 0, 0, 1, 100}, {0.8, 0.4, 0.0, 1.6, 0, 0, 0, 1, 100},
      {1.5, 0.6, 1.1, 1.9, 0, 0, 0, 1, 90},  {0.5, 0.5, -0.5, 1.5, 0, 0, 0, 0, 100},
      {1.0, 0.5, 0.0, 2.0, 0, 0, 0, 0, 110},
  };
  tt_stats_oc         oc;
  tt_stats_oc_summary s;
  tt_stats_oc_init(&oc);
  for (int i = 0; i < 5; i++) tt_stats_oc_add(&oc, 1, &reps[i], 0.9);
  tt_stats_oc_add(&oc, 0, NULL, 0.9);
  tt_stats_oc_summarize(&oc, &s);
  const double tol = 1e-14;
  CHECK_INT(s.replicates, 5, "5 analysed");
  CHECK_INT(s.failed, 1, "1 failed");
  CHECK_REL(s.power, 0.5, tol, "3/6: a failed replicate counts as not rejecting");
  CHECK_REL(s.power_mcse, sqrt(1.0 / 24.0), tol, "sqrt(0.5*0.5/6)");
  CHECK_REL(s.mean_estimate, 1.0, tol, "5.0/5");
  CHECK_REL(s.true_effect, 0.9, tol, "constant 0.9");
  CHECK_REL(s.bias, 0.1, tol, "0.5/5");
  CHECK_REL(s.empirical_se, sqrt(0.145), tol, "sqrt(0.58/4)");
  CHECK_REL(s.bias_mcse, sqrt(0.029), tol, "sqrt(0.145/5)");
  CHECK_REL(s.mean_std_error, 0.5, tol, "2.5/5");
  CHECK_REL(s.rmse, sqrt(0.126), tol, "sqrt(0.63/5)");
  CHECK_REL(s.coverage, 0.8, tol, "4/5");
  CHECK_REL(s.coverage_mcse, sqrt(0.032), tol, "sqrt(0.8*0.2/5)");
  CHECK_REL(s.expected_n, 100.0, tol, "500/5");

  /* true effect varying with the estimate: errors 0.5, 0.5 -> bias 0.5 with MCSE 0,
   * while the estimates 1, 2 have empirical SE sqrt(0.5) */
  static const tt_stats_result two[2] = {{1.0, 0.3, 0.0, 2.0, 0, 0, 0, 1, 50}, {2.0, 0.3, 1.0, 3.0, 0, 0, 0, 1, 50}};
  tt_stats_oc_init(&oc);
  tt_stats_oc_add(&oc, 1, &two[0], 0.5);
  tt_stats_oc_add(&oc, 1, &two[1], 1.5);
  tt_stats_oc_summarize(&oc, &s);
  CHECK_REL(s.bias, 0.5, tol, "(0.5 + 0.5)/2");
  CHECK_REL(s.bias_mcse, 0.0, tol, "SD(0.5, 0.5)/sqrt(2)");
  CHECK_REL(s.empirical_se, sqrt(0.5), tol, "SD(1, 2)");
  CHECK_REL(s.true_effect, 1.0, tol, "(0.5 + 1.5)/2");

  /* nothing analysed: means are NaN, power 0 (no replicate rejected), counts exact */
  tt_stats_oc_init(&oc);
  tt_stats_oc_add(&oc, 0, NULL, 0.0);
  tt_stats_oc_summarize(&oc, &s);
  CHECK_INT(s.replicates == 0 && s.failed == 1 && s.power == 0.0 && isnan(s.coverage), 1, "all failed: power 0");
  tt_stats_oc_init(&oc);
  tt_stats_oc_summarize(&oc, &s);
  CHECK_INT(s.replicates == 0 && s.failed == 0 && isnan(s.power), 1, "no replicate: power NaN");
}

int main(int argc, char **argv)
{
  static const struct {
    const char *name;
    void (*fn)(void);
  } groups[] = {{"special", test_special}, {"welch", test_welch},   {"ols", test_ols},
                {"ancova", test_ancova},   {"errors", test_errors}, {"oc", test_oc}};
  int ran    = 0;
  for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
    if (argc > 1 && strcmp(argv[1], groups[g].name) != 0) continue;
    groups[g].fn();
    ran++;
  }
  if (!ran) {
    fprintf(stderr, "test_stats: no group named %s\n", argv[1]);
    return EXIT_FAILURE;
  }
  printf("test_stats: %d checks passed\n", n_checks);
  return EXIT_SUCCESS;
}
