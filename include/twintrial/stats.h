/* stats.h — trial statistics as pure functions over arrays.
 *
 * Plain C (no MPI, no PETSc, no I/O); never collective. Functions return 0 on
 * success and a positive TT_STATS_E* code when the data cannot support the
 * method (too few observations, singular design); they never abort.
 * Conventions: the treatment effect is treatment minus control; `sided` is 1 or
 * 2; for one-sided tests `direction` -1 means benefit is a lower value (H1:
 * effect < 0) and +1 a higher one. Confidence intervals are two-sided at level
 * 1 - alpha for sided = 2 and 1 - 2 alpha for sided = 1 (so the CI bound and the
 * one-sided test agree).
 */
#ifndef TWINTRIAL_STATS_H
#define TWINTRIAL_STATS_H

#ifdef __cplusplus
extern "C" {
#endif

enum { TT_STATS_OK = 0, TT_STATS_ETOOFEW = 1, TT_STATS_ESINGULAR = 2, TT_STATS_EDOMAIN = 3 };

/* Distribution functions (accurate to ~1e-14 relative where R's are). */
double tt_stats_pnorm(double x);         /* P(Z <= x) */
double tt_stats_qnorm(double p);         /* Wichura AS241, p in (0,1) */
double tt_stats_pt(double t, double df); /* P(T_df <= t) */
double tt_stats_qt(double p, double df);
double tt_stats_pchisq(double x, double df); /* P(X <= x) */
double tt_stats_lgamma(double x);
double tt_stats_pbeta(double x, double a, double b); /* regularized incomplete beta */
/* Log densities and tails of observation models, as R's d*(..., log = TRUE) and
 * pnorm(x, log.p = TRUE) (checked against R in tests/validation/density_vs_r.sh). */
double tt_stats_lpnorm(double x);                         /* log P(Z <= x), also where P underflows */
double tt_stats_ldnorm(double x, double mean, double sd); /* log normal density */
/* Log density of y = m (1 + cv Z), a reading with proportional normal error, at value v;
 * below: log P(y < v). Where the error's SD cv |m| is 0 the reading is m exactly (0 or
 * -inf); NaN when m or v is NaN. */
double tt_stats_ldproportional(double v, double m, double cv, int below);
double tt_stats_ldbeta(double x, double a, double b); /* log Beta(a, b) density */
double tt_stats_ldpois(double x, double lambda);      /* log P(N = x), N ~ Poisson(lambda) */
double tt_stats_trigamma(double x);                   /* psi'(x), x > 0 */

/* One comparison's result, as stored per replicate. */
typedef struct {
  double estimate; /* treatment - control */
  double std_error;
  double ci_lower, ci_upper;
  double statistic; /* t or z */
  double df;        /* degrees of freedom of the reference t, or INFINITY for z */
  double p_value;
  int    reject; /* H0 rejected at alpha in the stated direction */
  int    n_analysed;
} tt_stats_result;

typedef struct {
  double alpha;     /* e.g. 0.05 */
  int    sided;     /* 1 or 2 */
  int    direction; /* for sided == 1: -1 (lower is better) or +1 */
} tt_stats_test_spec;

/* Welch two-sample t: y0[n0] control, y1[n1] treatment. */
int tt_stats_welch(int n0, const double y0[], int n1, const double y1[], tt_stats_test_spec spec, tt_stats_result *res);

/* Fill res from an estimate, its standard error and the reference t's df (INFINITY:
 * normal): statistic, p-value, CI and reject per spec, as the tests here do; res's
 * n_analysed is left to the caller. TT_STATS_ENOVAR when se == 0 (degenerate
 * data), TT_STATS_EDOMAIN for an invalid spec, a non-finite estimate, se < 0 or
 * df <= 0; on error res holds NaNs and no rejection. */
int tt_stats_t_result(double estimate, double std_error, double df, tt_stats_test_spec spec, tt_stats_result *res);

/* Ordinary least squares by Householder QR. x is column-major n*p (column j at
 * x + j*n). On success beta[p], se[p] (classical), *sigma2 (residual variance,
 * n - p df). Rank-deficient designs return TT_STATS_ESINGULAR. work needs
 * n*p + 2*n + 2*p doubles (NULL: allocated internally). */
int tt_stats_ols(int n, int p, const double x[], const double y[], double beta[], double se[], double *sigma2,
                 double work[]);

/* Weighted least squares by Householder QR of sqrt(w) x, as glm.fit's IRLS steps
 * (dqrls): beta[p] minimises sum_i w_i (z_i - x_i'beta)^2 and cov[p*p] = (X'WX)^-1,
 * computed from R, accurate where forming X'WX would lose half the digits. x
 * column-major n*p (p <= 64), w[n] >= 0. A column whose norm after projecting out the preceding
 * ones falls below tol times its own makes TT_STATS_ESINGULAR (glm.fit: tol =
 * min(1e-7, epsilon/1000) = 1e-11). work needs n*p + 2*n + 2*p doubles. */
int tt_stats_wls(int n, int p, const double x[], const double w[], const double z[], double tol, double beta[],
                 double cov[], double work[]);

/* ANCOVA: y = b0 + b1*treat + sum_k c_k * cov_k. treat[n] is 0/1; cov is column-major
 * n*ncov (may be NULL when ncov == 0). The result is the treatment coefficient with a
 * t test on n - 2 - ncov df. */
int tt_stats_ancova(int n, const double y[], const int treat[], int ncov, const double cov[], tt_stats_test_spec spec,
                    tt_stats_result *res);

/* Operating characteristics across replicates, accumulated in canonical replicate
 * order (Welford updates), so the summary is bitwise reproducible. */
typedef struct {
  long   n;        /* replicates with a valid analysis */
  long   n_failed; /* replicates whose analysis could not be computed */
  long   rejections;
  long   covered;                    /* ci contains the replicate's true effect */
  double mean_estimate, m2_estimate; /* Welford */
  double mean_error, m2_error;       /* Welford, error = estimate - true effect */
  double mean_true;
  double mean_se;
  double mean_sq_error;
  double mean_n;
} tt_stats_oc;

typedef struct {
  long   replicates, failed; /* analysed; could not be analysed */
  double power, power_mcse;  /* rejections / (replicates + failed): a failed one does not reject; sqrt(p(1-p)/that) */
  double mean_estimate, true_effect, bias, bias_mcse;
  double empirical_se, mean_std_error, rmse, coverage, coverage_mcse, expected_n;
} tt_stats_oc_summary;

void tt_stats_oc_init(tt_stats_oc *oc);
/* ok == 0 marks a replicate whose analysis failed (counted as not rejecting in power,
 * not averaged elsewhere; res is then not read and may be NULL). */
void tt_stats_oc_add(tt_stats_oc *oc, int ok, const tt_stats_result *res, double true_effect);
void tt_stats_oc_summarize(const tt_stats_oc *oc, tt_stats_oc_summary *s);

/* ===================================================================== trial methods
 * Binary (binary.c), time-to-event (survival.c, cox.c) and count (counts.c)
 * analyses, group-sequential boundaries (gsd.c) and analytical power (power.c).
 * Same conventions as above. Ratio effects (odds, hazard, rate ratios) are
 * reported on the log scale in tt_stats_result: estimate = log ratio, CI on the
 * log scale (exponentiate estimate and CI for the ratio and its CI), statistic =
 * Wald z (df = INFINITY) unless stated. Reference values are R's; deliberate
 * differences are stated beside each function. */

enum {
  TT_STATS_ENOCONV    = 4, /* an iterative fit did not converge within its iteration limit */
  TT_STATS_ESEPARATED = 5, /* the MLE is infinite: (quasi-)complete separation (logistic, Poisson, NB, CMH) */
  TT_STATS_ENOVAR     = 6, /* no variability: the outcome is constant, the test statistic's SE is 0 */
  TT_STATS_ENOEVENTS  = 7, /* too few events (time to event) */
  TT_STATS_EMONOTONE  = 8, /* Cox: monotone likelihood, an estimate diverges */
  TT_STATS_NCODES     = 9  /* number of codes, TT_STATS_OK included */
};

/* The reason a TT_STATS_E* code gives, as stored beside a failed analysis: "" (OK),
 * "too few observations", "rank deficient" (TT_STATS_ESINGULAR), "invalid data",
 * "not converged", "separation", "no variability", "too few events", "monotone
 * likelihood"; "failed" for an unknown code. A static string. */
const char *tt_stats_reason(int code);

/* ---- existence of the maximum-likelihood estimate (separation.c) ----
 * Konis's (2007) linear program, as R's detectseparation::detect_separation: is there
 * a direction b != 0 with a_i'b >= 0 for every row i of a (row-major m*p, p <= 64),
 * a_i'b = 0 where eq[i] (eq may be NULL), and a_i'b > 0 for some row? *exists is 1
 * when there is (the likelihood keeps rising along b: the MLE is infinite), 0 when
 * not. TT_STATS_ENOCONV if the simplex hits its pivot limit. */
int tt_stats_direction_lp(int m, int p, const double a[], const int eq[], int *exists);

/* Whether the GLM x (column-major n*p, as tt_stats_glm), y of `family` has an infinite
 * MLE: binomial (quasi-)complete separation (Albert and Anderson 1984), or for
 * Poisson and negative binomial a direction driving fitted means of zero counts to 0
 * while fixing the others. The offset does not matter. */
int tt_stats_glm_separated(int n, int p, const double x[], const double y[], int family, int *separated);

/* ---- binary endpoints (binary.c) ---- */

enum { TT_STATS_RD_WALD = 0, TT_STATS_RD_NEWCOMBE = 1 };

/* Risk difference p1 - p0 from x1 events of n1 (treatment) and x0 of n0 (control).
 * std_error is the unpooled sqrt(p0 q0/n0 + p1 q1/n1) in both methods.
 * TT_STATS_RD_WALD: CI estimate -+ z SE and statistic estimate/SE.
 * TT_STATS_RD_NEWCOMBE: Newcombe (1998) method 10, hybrid Wilson score without
 * continuity correction (each arm's Wilson interval as prop.test(x, n, correct =
 * FALSE)$conf.int); statistic is the pooled score z, (p1 - p0)/sqrt(pbar qbar (1/n0 +
 * 1/n1)), whose square is prop.test(c(x1, x0), c(n1, n0), correct = FALSE)'s
 * chi-square. TT_STATS_ENOVAR when the statistic's SE is 0 (no events or only
 * events). */
int tt_stats_risk_diff(int x0, int n0, int x1, int n1, int method, tt_stats_test_spec spec, tt_stats_result *res);

/* Risk difference p1 - p0 with the Farrington-Manning (1990) score test of H0: p1 - p0 =
 * margin (margin in (-1, 1); 0: superiority, where z is prop.test's pooled score z) and
 * the score CI that inverts the same statistic ({delta: |z(delta)| < z_crit}, Miettinen &
 * Nurminen 1985 without their N/(N - 1) factor), at level 1 - alpha (sided 2) or 1 - 2
 * alpha (sided 1): the test rejects exactly when the margin is outside the CI on the
 * tested side. std_error is the unpooled SE (as tt_stats_risk_diff); statistic = z at the
 * margin, p per spec (one-sided direction -1: H0 effect >= margin, p = Phi(z)).
 * TT_STATS_ESINGULAR when z's variance is 0 (no events or only events, margin 0). */
int tt_stats_risk_diff_score(int x0, int n0, int x1, int n1, double margin, tt_stats_test_spec spec,
                             tt_stats_result *res);

/* Log odds ratio of treatment from the logistic model logit P(y = 1) = b0 + b1 treat +
 * sum_k c_k cov_k (y[n], treat[n] 0/1; cov column-major n*ncov or NULL), fitted by
 * tt_stats_glm; Wald z with SE from the inverse Fisher information, as
 * summary(glm(y ~ treat + ..., family = binomial)). TT_STATS_ENOVAR when every y is
 * equal, TT_STATS_ESEPARATED under (quasi-)complete separation (the LP of
 * tt_stats_direction_lp: never from small fitted probabilities alone),
 * TT_STATS_ESINGULAR for a rank-deficient design, TT_STATS_ENOCONV when Newton fails
 * otherwise. */
int tt_stats_logistic_or(int n, const int y[], const int treat[], int ncov, const double cov[], tt_stats_test_spec spec,
                         tt_stats_result *res);

/* Stratified Cochran-Mantel-Haenszel test of a common odds ratio over nstrata 2x2
 * tables: stratum k has x1[k] events of n1[k] on treatment and x0[k] of n0[k] on
 * control. estimate = log of the Mantel-Haenszel common odds ratio, std_error its
 * Robins-Breslow-Greenland SE, CI estimate -+ z SE (R prints exp of it); statistic
 * = sign(sum(a - E a)) sqrt(MH chi-square) with (correct != 0) or without the 0.5
 * continuity correction, so statistic^2 and the two-sided p are mantelhaen.test(x,
 * correct = ...)'s X-squared and p-value, and one-sided p its alternative = "less"
 * / "greater". Strata with fewer than 2 subjects carry no information and are
 * skipped (R stops). TT_STATS_ENOVAR when the variance is 0 (no events or only
 * events), TT_STATS_ESEPARATED when the MH odds ratio is 0 or infinite. */
int tt_stats_cmh(int nstrata, const int x1[], const int n1[], const int x0[], const int n0[], int correct,
                 tt_stats_test_spec spec, tt_stats_result *res);

/* ---- time-to-event (survival.c, cox.c) ---- */

/* Right-censored data: status 1 event, 0 censored; treat 0/1 (control/treatment);
 * cov column-major n*ncov (NULL when ncov == 0); strata any int labels or NULL. */
typedef struct {
  int           n;
  const double *time; /* follow-up time, any unit, >= 0 */
  const int    *status;
  const int    *treat;
  int           ncov;
  const double *cov;
  const int    *strata;
} tt_stats_surv_data;

/* One Kaplan-Meier step, at a distinct event time. */
typedef struct {
  double time;
  int    n_risk, n_event;
  double surv;         /* S(time) */
  double std_err;      /* Greenwood SE of S (summary.survfit's std.err) */
  double lower, upper; /* log-transformed CI (conf.type "log"), upper <= 1; NaN where surv == 0 */
} tt_stats_km_step;

typedef struct {
  int    n, n_events, n_steps;
  double median, median_lower, median_upper; /* as print.survfit; NaN where not reached */
} tt_stats_km_summary;

/* Kaplan-Meier estimate of time[n], status[n] at level conf_level (e.g. 0.95), as
 * survfit(Surv(time, status) ~ 1). steps needs room for n entries (NULL: summary
 * only). The median and its CI are print.survfit's: the first time the curve (or the
 * CI limit) is below 0.5 + sqrt(DBL_EPSILON), averaged with the next lower step when
 * it equals 0.5 within that tolerance. */
int tt_stats_km(int n, const double time[], const int status[], double conf_level, tt_stats_km_step steps[],
                tt_stats_km_summary *sum);

typedef struct {
  double observed[2], expected[2]; /* events, [0] control, [1] treatment, summed over strata */
  double variance;                 /* Var(O1 - E1), hypergeometric, summed over strata */
  double chisq, p_value;           /* (O1 - E1)^2 / variance, 1 df: survdiff's Chisq and p */
} tt_stats_logrank_result;

/* Log-rank test, stratified when d->strata is given (survdiff(Surv(time, status) ~
 * treat + strata(s))); d->cov is ignored. lr and res may each be NULL. res gets the
 * Peto one-step log hazard ratio (O1 - E1)/V with SE 1/sqrt(V), its Wald CI, and
 * statistic z = (O1 - E1)/sqrt(V) (z^2 = chisq) with its p per spec.
 * TT_STATS_ENOEVENTS without events, TT_STATS_ENOVAR when V = 0 otherwise. */
int tt_stats_logrank(const tt_stats_surv_data *d, tt_stats_test_spec spec, tt_stats_logrank_result *lr,
                     tt_stats_result *res);

enum { TT_STATS_TIES_EFRON = 0, TT_STATS_TIES_BRESLOW = 1 };

typedef struct {
  double loglik0, loglik;       /* partial log-likelihood at beta = 0 and at the estimate */
  double wald, score, lr;       /* joint tests of all df coefficients: summary.coxph's */
  double wald_p, score_p, lr_p; /* waldtest, sctest, logtest */
  int    df, iterations;
} tt_stats_cox_tests;

/* Cox proportional hazards, log h = b treat + sum_k c_k cov_k, stratified baseline
 * when d->strata is given; ties TT_STATS_TIES_EFRON (coxph's default) or _BRESLOW.
 * Newton-Raphson from 0 with step halving. res: the treatment log HR, SE from the
 * inverse information, Wald z. beta[1 + ncov], se[1 + ncov] and tests may be NULL.
 * TT_STATS_ENOEVENTS without events; TT_STATS_EMONOTONE when the partial likelihood
 * is monotone (an estimate diverges, e.g. no events in one arm), decided by the LP of
 * tt_stats_direction_lp on the risk-set constraints (Bryson and Johnson 1981, Biometrika
 * 68:433) whenever Newton fails or ends with a hazard ratio beyond e^30 across a
 * covariate's range; TT_STATS_ESINGULAR for a singular information otherwise. */
int tt_stats_cox(const tt_stats_surv_data *d, int ties, tt_stats_test_spec spec, tt_stats_result *res, double beta[],
                 double se[], tt_stats_cox_tests *tests);

/* ---- counts and the GLM kernel (counts.c) ---- */

enum { TT_STATS_BINOMIAL = 0, TT_STATS_POISSON = 1, TT_STATS_NEGBIN = 2 };

/* In-place inverse of a symmetric positive definite p x p matrix a (both triangles
 * read and written) by Cholesky; TT_STATS_ESINGULAR when not numerically positive
 * definite. */
int tt_stats_spd_invert(int p, double a[]);

/* Generalized linear model by IRLS (Fisher scoring; Newton for the canonical links)
 * with step halving: binomial/logit (y in {0, 1}), Poisson/log, negative binomial/log
 * with fixed theta (var = mu + mu^2/theta). x column-major n*p (the caller includes
 * the intercept column; p <= 64), offset[n] or NULL. beta[p], se[p] (from (X'WX)^-1
 * at the estimate, dispersion 1, as summary.glm), *deviance may be NULL. Converges on
 * both the relative deviance change and the coefficient change (tighter than glm()).
 * TT_STATS_ENOVAR when y is constant (binomial) or all 0 (counts); TT_STATS_ESEPARATED
 * when the MLE is infinite (tt_stats_glm_separated, checked when the fit fails or a
 * fitted mean comes within 1e-10 of its bound); TT_STATS_ESINGULAR when X is rank
 * deficient; TT_STATS_ENOCONV otherwise. */
int tt_stats_glm(int n, int p, const double x[], const double y[], const double offset[], int family, double theta,
                 double beta[], double se[], double *deviance);

/* Negative binomial (NB2) regression with theta by maximum likelihood, as
 * MASS::glm.nb: alternates IRLS for beta at fixed theta with Newton on log theta at
 * fixed mu. var(y) = mu + mu^2/theta, i.e. the negative-binomial dispersion k (ms_relapse's) is
 * 1/theta. y are counts (non-negative integers). theta_se is glm.nb's SE.theta (from
 * the observed information). When the data are not overdispersed the MLE is on the
 * boundary k = 0: the Poisson fit is returned with *theta = INFINITY and *theta_se =
 * NaN (glm.nb instead iterates theta towards infinity and warns). */
int tt_stats_negbin_fit(int n, int p, const double x[], const double y[], const double offset[], double beta[],
                        double se[], double *theta, double *theta_se);

/* Rate ratio of treatment: log mu = b0 + b1 treat + sum_k c_k cov_k + log(exposure),
 * y[n] counts, exposure[n] > 0 (e.g. years on study), cov column-major n*ncov or
 * NULL. estimate = log rate ratio, Wald z. Poisson: glm(y ~ treat + ... +
 * offset(log(exposure)), family = poisson). Negative binomial: glm.nb with the same
 * formula; *theta (may be NULL) receives theta. */
int tt_stats_poisson_rr(int n, const double y[], const double exposure[], const int treat[], int ncov,
                        const double cov[], tt_stats_test_spec spec, tt_stats_result *res);
int tt_stats_negbin_rr(int n, const double y[], const double exposure[], const int treat[], int ncov,
                       const double cov[], tt_stats_test_spec spec, tt_stats_result *res, double *theta);

/* ---- group-sequential designs (gsd.c) ----
 * One-sided efficacy boundaries on the Z scale for K looks at information
 * fractions t[0] < ... < t[K-1] (t[K-1] = 1 for a design), Z_k = S_k / sqrt(t_k)
 * with S a Brownian motion of drift theta: E Z_k = theta sqrt(t_k), so theta is
 * the expected Z at full information. Probabilities by the recursive numerical
 * integration of Armitage, McPherson and Rowe on Jennison and Turnbull's (2000,
 * ch. 19) grid with r = 64 (composite Simpson). */

enum { TT_STATS_SPEND_OBF = 0, TT_STATS_SPEND_POCOCK = 1, TT_STATS_SPEND_HSD = 2 };

/* Cumulative error spent by information fraction t (capped at alpha for t >= 1):
 * OBF-type 2 - 2 Phi(Phi^-1(1 - alpha/2)/sqrt(t)); Pocock-type alpha ln(1 + (e - 1) t);
 * Hwang-Shih-DeCani alpha (1 - exp(-gamma t))/(1 - exp(-gamma)) (alpha t at gamma 0).
 * NaN for an unknown family or alpha outside (0, 1). */
double tt_stats_spending(int family, double alpha, double gamma, double t);

/* Lan-DeMets efficacy boundaries upper[k] spending alpha by `family` (gamma for HSD):
 * P_0(first crossing at look j) = f(t_j) - f(t_{j-1}), with no futility stopping
 * (so they also hold with non-binding futility). cum_alpha[k] (may be NULL) is f(t_j),
 * as rpact's alphaSpent. */
int tt_stats_gsd_bounds(int k, const double t[], int family, double alpha, double gamma, double upper[],
                        double cum_alpha[]);

enum { TT_STATS_GSD_OBF = 0, TT_STATS_GSD_POCOCK = 1 };

/* Classical boundaries: O'Brien-Fleming upper[j] = c/sqrt(t_j), Pocock upper[j] = c,
 * c such that P_0(any crossing) = alpha; *c may be NULL. */
int tt_stats_gsd_classical(int k, const double t[], int shape, double alpha, double upper[], double *c);

/* Probability of first crossing upper[j] (p_upper[j]) and, when lower is not NULL,
 * of stopping below lower[j] (p_lower[j], may be NULL) at each look, under drift
 * theta. Sum p_upper for power; sum_j (p_upper[j] + p_lower[j]) t_j (+ the rest at
 * t_K) for the expected information fraction. lower[k-1] should equal upper[k-1]. */
int tt_stats_gsd_crossing(int k, const double t[], const double upper[], const double lower[], double theta,
                          double p_upper[], double p_lower[]);

/* The final boundary when the final analysis has other information than planned
 * (an event-driven design cut off before its last event count): m looks were held at
 * fractions t[0] < ... < t[m-1] < 1 OF THE FINAL ANALYSIS'S INFORMATION with efficacy
 * boundaries upper[0..m-1]; *c spends all alpha left, P_0(no earlier crossing, Z_final
 * >= c) = alpha - P_0(an earlier crossing) (rpact's recalculation with user alpha
 * spending at the observed information rates; gsDesign's maxn.IPlan with usTime). m = 0
 * gives Phi^-1(1 - alpha). */
int tt_stats_gsd_final_bound(int m, const double t[], const double upper[], double alpha, double *c);

/* Non-binding futility boundaries lower[k] by beta spending (family, gamma as for
 * alpha) against given efficacy boundaries upper[k]: the drift *theta and lower
 * solve P_theta(stop below lower at look j) = g(t_j) - g(t_{j-1}) with lower[k-1] =
 * upper[k-1], i.e. power 1 - beta (rpact typeBetaSpending "bsOF"/"bsP"/"bsHSD",
 * bindingFutility = FALSE; gsDesign test.type 4). */
int tt_stats_gsd_futility(int k, const double t[], const double upper[], int family, double beta, double gamma,
                          double lower[], double *theta);

/* ---- analytical power and sample size (power.c) ----
 * spec.sided 2: two-sided test at alpha; strict = 0 counts rejections in the
 * direction of the effect only (R's default, strict = FALSE), 1 both tails. sided 1:
 * rejection in spec.direction only. Functions return NaN (power) or an error code
 * (sizes) for invalid input. */

/* Noncentral t distribution P(T <= t), df > 0, noncentrality ncp (AS 243, as R's
 * pt(t, df, ncp)). */
double tt_stats_pnt(double t, double df, double ncp);

/* Two-sample t test with n per group, true difference delta, SD sd: power.t.test. */
double tt_stats_power_t(double n, double delta, double sd, tt_stats_test_spec spec, int strict);
int    tt_stats_n_t(double power, double delta, double sd, tt_stats_test_spec spec, int strict, double *n);

/* Two proportions p0 (control), p1 (treatment), n per group: power.prop.test. */
double tt_stats_power_prop(double n, double p0, double p1, tt_stats_test_spec spec, int strict);
int    tt_stats_n_prop(double power, double p0, double p1, tt_stats_test_spec spec, int strict, double *n);

/* Log-rank test by Schoenfeld (1981): events for power at hazard ratio hr with a
 * fraction `alloc` randomized to treatment, D = (z_a + z_b)^2 / (alloc (1 - alloc)
 * log(hr)^2), z_a = Phi^-1(1 - alpha/sided); and the power for D events (the tail
 * in the direction of benefit only). */
int    tt_stats_schoenfeld_events(double hr, double power, double alloc, tt_stats_test_spec spec, double *events);
double tt_stats_schoenfeld_power(double events, double hr, double alloc, tt_stats_test_spec spec);

/* Power of a test whose statistic is normal with mean effect/std_error and SD 1 (a Wald
 * or score z, Schoenfeld's log-rank with std_error = 1/sqrt(D alloc (1 - alloc))):
 * sided 2 counts both tails, Phi(|e|/se - z) + Phi(-|e|/se - z) with z = Phi^-1(1 -
 * alpha/2), so it is alpha at effect 0 (as rpact's getPowerSurvival and power.*.test
 * with strict = TRUE); sided 1 the tail in spec.direction, Phi(direction e/se - z). */
double tt_stats_power_z(double effect, double std_error, tt_stats_test_spec spec);

#ifdef __cplusplus
}
#endif
#endif
