/* test_stats_survival.c — Kaplan-Meier, log-rank and Cox against R's survival package.
 *
 * Every expected value is a literal printed by R 4.2 / survival 3.5 with
 * options(digits = 17); the R call stands beside it. Data: survival::aml (time 30 in
 * the Nonmaintained group is an event; treat = 1 for Nonmaintained), and a
 * synthetic stratified set with heavy ties made in R by
 *   set.seed(777); n <- 48; trt <- rep(0:1, 24); s <- rep(c(1,2,3), 16)
 *   age <- round(rnorm(n), 1)
 *   t <- ceiling(rexp(n, 0.1 * 0.6^trt * exp(0.3*age) * c(1, 1.5, 2.2)[s]))
 *   c <- ceiling(runif(n, 5, 25)); time <- pmin(t, c); status <- as.integer(t <= c)
 * Cox references use control = coxph.control(eps = 1e-12, iter.max = 100) so R is
 * fully converged; tests are summary.coxph's (wald.test, score, 2 * diff(loglik)).
 */
#include <math.h>
#include <stdio.h>

#include "tt_check.h"
#include "twintrial/stats.h"

#define CHECK_REL(actual, expected, rtol, src) TT_CHECK_CLOSE(actual, expected, (rtol) *fabs(expected), src)

static const tt_stats_test_spec TWO_SIDED = {0.05, 2, 0};

/* survival::aml: 11 Maintained (treat 0) then 12 Nonmaintained (treat 1). */
static const double AML_TIME[23]   = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                                      5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
static const int    AML_STATUS[23] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
static const int    AML_TREAT[23]  = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

/* The synthetic stratified set (see the header). */
static const double SYN_TIME[48]   = {10, 6, 1,  15, 2, 2, 3, 3, 1, 5,  6, 23, 3, 2,  3, 10, 2, 3, 4, 8, 2, 2, 14, 6,
                                      5,  6, 11, 14, 4, 2, 8, 7, 4, 16, 1, 9,  3, 13, 4, 7,  1, 6, 4, 7, 4, 3, 16, 2};
static const int    SYN_STATUS[48] = {1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                      1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1};
static const double SYN_AGE[48]    = {0.5,  -0.4, 0.5,  -0.4, 1.6,  0.6,  0.2,  1.1,  -0.2, -0.4, -0.3, 0.1,
                                      -1.9, -0,   2.3,  1,    1,    -0.5, 0.7,  0.5,  -2,   0.2,  -0.8, 1.3,
                                      1.4,  0.4,  -1.7, -0,   -1.5, -0.5, 0.7,  0.9,  1.3,  -1.2, 1.5,  -1.2,
                                      1.7,  -0.5, -0.6, 0.3,  -0.3, -0.4, -0.7, -0.8, 0.6,  0.8,  -0.7, -0.8};
static int          SYN_TREAT[48], SYN_STRATA[48];

static void syn_init(void)
{
  for (int i = 0; i < 48; i++) SYN_TREAT[i] = i % 2, SYN_STRATA[i] = 1 + i % 3;
}

/* ------------------------------------------------------------ Kaplan-Meier */

static void km_aml_maintained_matches_survfit(void)
{
  /* s <- summary(survfit(Surv(time, status) ~ x, data = aml)); s$surv, s$std.err, s$lower, s$upper */
  static const double time[7]  = {9, 13, 18, 23, 31, 34, 48};
  static const int    nrisk[7] = {11, 10, 8, 7, 5, 4, 2};
  static const double surv[7] = {0.909090909090909061, 0.818181818181818121, 0.715909090909090828, 0.613636363636363535,
                                 0.490909090909090851, 0.368181818181818166, 0.184090909090909083};
  static const double se[7]   = {0.086678417204144750, 0.116291299830332942, 0.139664970557227819, 0.152632331027311996,
                                 0.164193267221135808, 0.162668885827094795, 0.153492745786293683};
  static const double lo[7]   = {0.754133845081525478, 0.619248987399363515, 0.488426287422128458, 0.376867059501679758,
                                 0.254859951199317314, 0.154877117897191052, 0.035917898489185258};
  static const double up[7]   = {
        1, 1, 1, 0.99915760022847266, 0.94558495520042918, 0.87526067814390762, 0.94352576947455202};
  tt_stats_km_step    s[11];
  tt_stats_km_summary sum;
  TT_CHECK(tt_stats_km(11, AML_TIME, AML_STATUS, 0.95, s, &sum) == TT_STATS_OK, "km runs");
  TT_CHECK(sum.n_steps == 7 && sum.n_events == 7 && sum.n == 11, "7 event times, 7 events");
  for (int i = 0; i < 7; i++) {
    TT_CHECK(s[i].time == time[i] && s[i].n_risk == nrisk[i] && s[i].n_event == 1, "summary(survfit) time, n.risk");
    CHECK_REL(s[i].surv, surv[i], 1e-14, "R: summary(survfit(...))$surv, Maintained");
    CHECK_REL(s[i].std_err, se[i], 1e-13, "R: summary(survfit(...))$std.err (Greenwood)");
    CHECK_REL(s[i].lower, lo[i], 1e-13, "R: summary(survfit(...))$lower (log CI)");
    CHECK_REL(s[i].upper, up[i], 1e-13, "R: summary(survfit(...))$upper (capped at 1)");
  }
  /* print(survfit(Surv(time, status) ~ x, data = aml)): median 31, 0.95LCL 18, 0.95UCL NA */
  TT_CHECK(sum.median == 31.0 && sum.median_lower == 18.0 && isnan(sum.median_upper), "median 31 (18, NA)");
}

static void km_aml_nonmaintained_ends_at_zero(void)
{
  /* summary(survfit(...))[Nonmaintained]: S(45) = 0, std.err NaN, limits NA; 0.95 CI at 43 */
  tt_stats_km_step    s[12];
  tt_stats_km_summary sum;
  TT_CHECK(tt_stats_km(12, AML_TIME + 11, AML_STATUS + 11, 0.95, s, &sum) == TT_STATS_OK, "km runs");
  TT_CHECK(sum.n_steps == 9 && s[0].n_event == 2 && s[0].n_risk == 12, "two deaths at 5 among 12");
  CHECK_REL(s[7].surv, 0.097222222222222238, 1e-14, "R: summary(survfit(...))$surv at 43");
  CHECK_REL(s[7].std_err, 0.091866364967520514, 1e-13, "R: summary(survfit(...))$std.err at 43");
  CHECK_REL(s[7].lower, 0.015256527170865199, 1e-13, "R: summary(survfit(...))$lower at 43");
  CHECK_REL(s[7].upper, 0.61954862911905562, 1e-13, "R: summary(survfit(...))$upper at 43");
  TT_CHECK(s[8].surv == 0.0 && isnan(s[8].std_err) && isnan(s[8].lower) && isnan(s[8].upper), "S(45) = 0, NA limits");
  TT_CHECK(sum.median == 23.0 && sum.median_lower == 8.0 && isnan(sum.median_upper), "R: median 23 (8, NA)");
}

static void km_median_averages_at_exact_half(void)
{
  /* print(survfit(Surv(c(1,2,3,4), c(1,1,1,1)) ~ 1)): median 2.5, 0.95LCL 1, UCL NA */
  const double        t4[4] = {1, 2, 3, 4};
  const int           e4[4] = {1, 1, 1, 1};
  tt_stats_km_summary sum;
  TT_CHECK(tt_stats_km(4, t4, e4, 0.95, NULL, &sum) == TT_STATS_OK, "km runs");
  CHECK_REL(sum.median, 2.5, 0.0, "R: print(survfit(Surv(1:4, rep(1,4)) ~ 1)) median 2.5");
  CHECK_REL(sum.median_lower, 1.0, 0.0, "R: ... 0.95LCL 1");
  TT_CHECK(isnan(sum.median_upper), "R: ... 0.95UCL NA");
  /* synthetic treat == 1: S = 0.5 at 6, next step at 8 -> median 7; survfit(Surv(time, status) ~ 1,
   * subset = trt == 1): median 7, 0.95LCL 5, 0.95UCL NA; summary()$surv[4] = 0.5 */
  double syn_t[24];
  int    syn_e[24];
  for (int i = 0; i < 24; i++) syn_t[i] = SYN_TIME[2 * i + 1], syn_e[i] = SYN_STATUS[2 * i + 1];
  tt_stats_km_step s[24];
  TT_CHECK(tt_stats_km(24, syn_t, syn_e, 0.95, s, &sum) == TT_STATS_OK, "km runs");
  TT_CHECK(sum.n_steps == 9 && s[3].time == 6.0 && s[3].surv == 0.5, "S(6) = 0.5 exactly");
  CHECK_REL(s[8].upper, 0.61931723008021622, 1e-13, "R: summary(survfit(...))$upper at 16");
  CHECK_REL(s[4].lower, 0.27121027890778854, 1e-13, "R: summary(survfit(...))$lower at 8");
  CHECK_REL(sum.median, 7.0, 0.0, "R: print(survfit(...)) median 7 = (6 + 8)/2");
  CHECK_REL(sum.median_lower, 5.0, 0.0, "R: ... 0.95LCL 5");
  TT_CHECK(isnan(sum.median_upper), "R: ... 0.95UCL NA");
}

static void km_conf_level_90(void)
{
  /* print(survfit(Surv(time, status) ~ 1, data = aml, conf.int = 0.9)): median 27, 0.9LCL 18, 0.9UCL 43 */
  tt_stats_km_summary sum;
  TT_CHECK(tt_stats_km(23, AML_TIME, AML_STATUS, 0.90, NULL, &sum) == TT_STATS_OK, "km runs");
  TT_CHECK(sum.median == 27.0 && sum.median_lower == 18.0 && sum.median_upper == 43.0, "R: 27 (18, 43)");
  /* print(survfit(Surv(c(1,2,2,3,5,6,7,8), c(1,1,0,1,1,0,1,0)) ~ 1, conf.int = 0.9)): 5 (3, NA);
   * summary()$surv 0.875 0.75 0.6 0.45 0.225 (censored at 2 still at risk at 2) */
  const double     t8[8] = {1, 2, 2, 3, 5, 6, 7, 8};
  const int        e8[8] = {1, 1, 0, 1, 1, 0, 1, 0};
  tt_stats_km_step s[8];
  TT_CHECK(tt_stats_km(8, t8, e8, 0.90, s, &sum) == TT_STATS_OK, "km runs");
  CHECK_REL(s[2].surv, 0.60000000000000009, 1e-15, "R: summary(...)$surv[3]");
  CHECK_REL(s[4].surv, 0.22500000000000003, 1e-15, "R: summary(...)$surv[5]");
  TT_CHECK(sum.median == 5.0 && sum.median_lower == 3.0 && isnan(sum.median_upper), "R: 5 (3, NA)");
}

/* ---------------------------------------------------------------- log-rank */

static void logrank_aml_matches_survdiff(void)
{
  /* sd <- survdiff(Surv(time, status) ~ x, data = aml); sd$obs, sd$exp, sd$var, sd$chisq,
   * pchisq(sd$chisq, 1, lower = FALSE) */
  tt_stats_surv_data      d = {23, AML_TIME, AML_STATUS, AML_TREAT, 0, NULL, NULL};
  tt_stats_logrank_result lr;
  tt_stats_result         r;
  TT_CHECK(tt_stats_logrank(&d, TWO_SIDED, &lr, &r) == TT_STATS_OK, "logrank runs");
  TT_CHECK(lr.observed[0] == 7.0 && lr.observed[1] == 11.0, "R: sd$obs 7 11");
  CHECK_REL(lr.expected[0], 10.6893359923007250, 1e-14, "R: sd$exp[1]");
  CHECK_REL(lr.expected[1], 7.3106640076992759, 1e-14, "R: sd$exp[2]");
  CHECK_REL(lr.variance, 4.0075507459387332, 1e-14, "R: sd$var[2, 2]");
  CHECK_REL(lr.chisq, 3.3963886989776011, 1e-13, "R: sd$chisq");
  CHECK_REL(lr.p_value, 0.065339322040505132, 1e-12, "R: pchisq(sd$chisq, 1, lower = FALSE)");
  CHECK_REL(r.statistic * r.statistic, 3.3963886989776011, 1e-13, "z^2 = chisq");
  CHECK_REL(r.p_value, 0.065339322040505132, 1e-12, "two-sided z p = chi-square p");
  CHECK_REL(r.estimate, (11.0 - 7.3106640076992759) / 4.0075507459387332, 1e-13, "Peto (O1 - E1)/V");
}

static void logrank_stratified_matches_survdiff_strata(void)
{
  /* sd <- survdiff(Surv(time, status) ~ trt + strata(s)): rowSums(sd$obs) 23 17,
   * rowSums(sd$exp), sd$var[2, 2], sd$chisq, pchisq(sd$chisq, 1, lower = FALSE) */
  tt_stats_surv_data      d = {48, SYN_TIME, SYN_STATUS, SYN_TREAT, 0, NULL, SYN_STRATA};
  tt_stats_logrank_result lr;
  TT_CHECK(tt_stats_logrank(&d, TWO_SIDED, &lr, NULL) == TT_STATS_OK, "stratified logrank runs");
  TT_CHECK(lr.observed[0] == 23.0 && lr.observed[1] == 17.0, "R: rowSums(sd$obs)");
  CHECK_REL(lr.expected[0], 17.939393939393938, 1e-14, "R: rowSums(sd$exp)[1]");
  CHECK_REL(lr.expected[1], 22.060606060606059, 1e-14, "R: rowSums(sd$exp)[2]");
  CHECK_REL(lr.variance, 7.4408186906888201, 1e-14, "R: sd$var[2, 2]");
  CHECK_REL(lr.chisq, 3.4417897768010257, 1e-13, "R: sd$chisq");
  CHECK_REL(lr.p_value, 0.063566796959995703, 1e-12, "R: pchisq(sd$chisq, 1, lower = FALSE)");
  /* unstratified: survdiff(Surv(time, status) ~ trt): E 16.592093193330072 23.407906806669924,
   * var 8.136962166771486, chisq 5.046265277064534 */
  d.strata = NULL;
  TT_CHECK(tt_stats_logrank(&d, TWO_SIDED, &lr, NULL) == TT_STATS_OK, "logrank runs");
  CHECK_REL(lr.expected[0], 16.592093193330072, 1e-14, "R: survdiff(Surv(time, status) ~ trt)$exp[1]");
  CHECK_REL(lr.variance, 8.136962166771486, 1e-14, "R: survdiff(...)$var[2, 2]");
  CHECK_REL(lr.chisq, 5.046265277064534, 1e-13, "R: survdiff(...)$chisq");
}

/* ------------------------------------------------------------------- Cox */

typedef struct {
  int         ties;
  double      b, se, wald, score, lr, ll0, ll;
  const char *src;
} cox_known;

static void cox_aml_efron_and_breslow(void)
{
  /* m <- coxph(Surv(time, status) ~ trt, data = aml, ties = ...); coef(m), sqrt(vcov(m)),
   * m$wald.test, m$score, 2 * diff(m$loglik), m$loglik */
  static const cox_known k[2] = {
      {TT_STATS_TIES_EFRON, 0.91553257501477314, 0.5119342751720094, 3.198299922159451, 3.41673439551730285,
       3.38444733260368480, -42.724839262760220, -41.032615596458378, "R: coxph(..., ties = 'efron')"},
      {TT_STATS_TIES_BRESLOW, 0.90421972368621095, 0.51224790730418857, 3.1159290944811828, 3.322561416273065227,
       3.296019094210322464, -42.898123897174031, -41.250114350068870, "R: coxph(..., ties = 'breslow')"},
  };
  tt_stats_surv_data d = {23, AML_TIME, AML_STATUS, AML_TREAT, 0, NULL, NULL};
  for (int i = 0; i < 2; i++) {
    double             b, se;
    tt_stats_cox_tests t;
    tt_stats_result    r;
    TT_CHECK(tt_stats_cox(&d, k[i].ties, TWO_SIDED, &r, &b, &se, &t) == TT_STATS_OK, k[i].src);
    CHECK_REL(b, k[i].b, 1e-10, k[i].src);
    CHECK_REL(se, k[i].se, 1e-10, k[i].src);
    CHECK_REL(t.wald, k[i].wald, 1e-9, k[i].src);
    CHECK_REL(t.score, k[i].score, 1e-12, k[i].src);
    CHECK_REL(t.lr, k[i].lr, 1e-10, k[i].src);
    CHECK_REL(t.loglik0, k[i].ll0, 1e-14, k[i].src);
    CHECK_REL(t.loglik, k[i].ll, 1e-13, k[i].src);
    CHECK_REL(r.estimate, k[i].b, 1e-10, k[i].src);
  }
  /* Efron: summary(m)$coefficients z 1.7883791326671901, p 0.07371486063904574;
   * summary(m)$conf.int lower .95 0.91590725743640833, upper .95 6.8134957660633022 */
  tt_stats_result r;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_OK, "cox runs");
  CHECK_REL(r.statistic, 1.7883791326671901, 1e-10, "R: summary(coxph(...))$coefficients[, 'z']");
  CHECK_REL(r.p_value, 0.07371486063904574, 1e-9, "R: summary(coxph(...))$coefficients[, 'Pr(>|z|)']");
  CHECK_REL(exp(r.ci_lower), 0.91590725743640833, 1e-10, "R: summary(coxph(...))$conf.int[3]");
  CHECK_REL(exp(r.ci_upper), 6.8134957660633022, 1e-10, "R: summary(coxph(...))$conf.int[4]");
  /* printed reference: Efron HR 2.4981, Breslow coef 0.9042 */
  CHECK_REL(exp(r.estimate), 2.4981, 5e-5, "printed: HR 2.4981");
}

static void cox_strata_covariate_efron_and_breslow(void)
{
  /* m <- coxph(Surv(time, status) ~ trt + age + strata(s), ties = ...): coef, sqrt(diag(vcov)),
   * m$wald.test, m$score, 2 * diff(m$loglik) and their pchisq(., 2, lower = FALSE) */
  static const double ref[2][10] = {
      {-0.65507910849811857, 0.3011486549687527, 0.34520690929155112, 0.17462889399519091, 6.5573929772756649,
       6.8559644526984593, 6.5533677522441565, 0.037677337649230952, 0.032452356263259624, 0.037753243889846834},
      {-0.58710250466433611, 0.26820190586391918, 0.34432317724856648, 0.17293429543685412, 5.387530743961733,
       5.5864144696808715, 5.3617063746828819, 0.06762582299007433, 0.061224537220553946, 0.068504681886510543},
  };
  tt_stats_surv_data d = {48, SYN_TIME, SYN_STATUS, SYN_TREAT, 1, SYN_AGE, SYN_STRATA};
  for (int i = 0; i < 2; i++) {
    const char        *src = i ? "R: coxph(... + strata(s), ties = 'breslow')" : "R: coxph(... + strata(s))";
    double             b[2], se[2];
    tt_stats_cox_tests t;
    tt_stats_result    r;
    int                ties = i ? TT_STATS_TIES_BRESLOW : TT_STATS_TIES_EFRON;
    TT_CHECK(tt_stats_cox(&d, ties, TWO_SIDED, &r, b, se, &t) == TT_STATS_OK, src);
    for (int j = 0; j < 2; j++) {
      CHECK_REL(b[j], ref[i][j], 1e-10, src);
      CHECK_REL(se[j], ref[i][2 + j], 1e-10, src);
    }
    CHECK_REL(t.wald, ref[i][4], 1e-9, src);
    CHECK_REL(t.score, ref[i][5], 1e-12, src);
    CHECK_REL(t.lr, ref[i][6], 1e-10, src);
    CHECK_REL(t.wald_p, ref[i][7], 1e-9, src);
    CHECK_REL(t.score_p, ref[i][8], 1e-10, src);
    CHECK_REL(t.lr_p, ref[i][9], 1e-9, src);
    TT_CHECK(t.df == 2, "2 df");
  }
  /* summary(m)$coefficients["trt", c("z", "Pr(>|z|)")], Efron: -1.8976419384029737, 0.057743265868786267 */
  tt_stats_result r;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_OK, "cox runs");
  CHECK_REL(r.statistic, -1.8976419384029737, 1e-10, "R: summary(m)$coefficients['trt', 'z']");
  CHECK_REL(r.p_value, 0.057743265868786267, 1e-9, "R: summary(m)$coefficients['trt', 'Pr(>|z|)']");
  /* coxph(Surv(time, status) ~ trt, ties = 'efron' / 'breslow'): coef -0.71432083031770044 /
   * -0.66121305269500508; score 5.0637360446124529 / 4.3199656283826231 */
  d.ncov = 0, d.cov = NULL, d.strata = NULL;
  double             b;
  tt_stats_cox_tests t;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, NULL, &b, NULL, &t) == TT_STATS_OK, "cox runs");
  CHECK_REL(b, -0.71432083031770044, 1e-10, "R: coxph(Surv(time, status) ~ trt)");
  CHECK_REL(t.score, 5.0637360446124529, 1e-12, "R: coxph(Surv(time, status) ~ trt)$score");
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_BRESLOW, TWO_SIDED, NULL, &b, NULL, &t) == TT_STATS_OK, "cox runs");
  CHECK_REL(b, -0.66121305269500508, 1e-10, "R: coxph(..., ties = 'breslow')");
  CHECK_REL(t.score, 4.3199656283826231, 1e-12, "R: coxph(..., ties = 'breslow')$score");
}

static void cox_monotone_likelihood_is_an_error(void)
{
  /* no events on treatment: the MLE of the log HR is -infinity (coxph warns "beta may be infinite") */
  int status[23];
  for (int i = 0; i < 23; i++) status[i] = AML_TREAT[i] ? 0 : AML_STATUS[i];
  tt_stats_surv_data d = {23, AML_TIME, status, AML_TREAT, 0, NULL, NULL};
  tt_stats_result    r;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_EMONOTONE,
           "monotone likelihood -> TT_STATS_EMONOTONE");
  TT_CHECK(isnan(r.estimate) && !r.reject, "no result on error");
  for (int i = 0; i < 23; i++) status[i] = 0;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, &r, NULL, NULL, NULL) == TT_STATS_ENOEVENTS, "no events");
  tt_stats_logrank_result lr;
  TT_CHECK(tt_stats_logrank(&d, TWO_SIDED, &lr, NULL) == TT_STATS_ENOEVENTS, "log-rank without events");
}

static void results_do_not_depend_on_input_order(void)
{
  double t[23];
  int    e[23], g[23];
  for (int i = 0; i < 23; i++) t[i] = AML_TIME[22 - i], e[i] = AML_STATUS[22 - i], g[i] = AML_TREAT[22 - i];
  tt_stats_surv_data      d = {23, t, e, g, 0, NULL, NULL};
  double                  b;
  tt_stats_logrank_result lr;
  TT_CHECK(tt_stats_cox(&d, TT_STATS_TIES_EFRON, TWO_SIDED, NULL, &b, NULL, NULL) == TT_STATS_OK, "cox runs");
  CHECK_REL(b, 0.91553257501477314, 1e-10, "R: coxph(Surv(time, status) ~ trt, data = aml)");
  TT_CHECK(tt_stats_logrank(&d, TWO_SIDED, &lr, NULL) == TT_STATS_OK, "logrank runs");
  CHECK_REL(lr.chisq, 3.3963886989776011, 1e-13, "R: survdiff(...)$chisq");
}

int main(void)
{
  syn_init();
  km_aml_maintained_matches_survfit();
  km_aml_nonmaintained_ends_at_zero();
  km_median_averages_at_exact_half();
  km_conf_level_90();
  logrank_aml_matches_survdiff();
  logrank_stratified_matches_survdiff_strata();
  cox_aml_efron_and_breslow();
  cox_strata_covariate_efron_and_breslow();
  cox_monotone_likelihood_is_an_error();
  results_do_not_depend_on_input_order();
  printf("test_stats_survival: %d failed\n", tt_failures);
  return tt_failures ? 1 : 0;
}
