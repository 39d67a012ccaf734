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
double tt_stats_pnorm(double x);            /* P(Z <= x) */
double tt_stats_qnorm(double p);            /* Wichura AS241, p in (0,1) */
double tt_stats_pt(double t, double df);    /* P(T_df <= t) */
double tt_stats_qt(double p, double df);
double tt_stats_pchisq(double x, double df); /* P(X <= x) */
double tt_stats_lgamma(double x);
double tt_stats_pbeta(double x, double a, double b); /* regularized incomplete beta */

/* One comparison's result, as stored per replicate. */
typedef struct {
  double estimate;  /* treatment - control */
  double std_error;
  double ci_lower, ci_upper;
  double statistic; /* t or z */
  double df;        /* degrees of freedom of the reference t, or INFINITY for z */
  double p_value;
  int reject;       /* H0 rejected at alpha in the stated direction */
  int n_analysed;
} tt_stats_result;

typedef struct {
  double alpha; /* e.g. 0.05 */
  int sided;    /* 1 or 2 */
  int direction; /* for sided == 1: -1 (lower is better) or +1 */
} tt_stats_test_spec;

/* Welch two-sample t: y0[n0] control, y1[n1] treatment. */
int tt_stats_welch(int n0, const double y0[], int n1, const double y1[], tt_stats_test_spec spec,
                   tt_stats_result *res);

/* Ordinary least squares by Householder QR. x is column-major n*p (column j at
 * x + j*n). On success beta[p], se[p] (classical), *sigma2 (residual variance,
 * n - p df). Rank-deficient designs return TT_STATS_ESINGULAR. work needs
 * n*p + 2*n + 2*p doubles (NULL: allocated internally). */
int tt_stats_ols(int n, int p, const double x[], const double y[], double beta[], double se[],
                 double *sigma2, double work[]);

/* ANCOVA: y = b0 + b1*treat + sum_k c_k * cov_k. treat[n] is 0/1; cov is column-major
 * n*ncov (may be NULL when ncov == 0). The result is the treatment coefficient with a
 * t test on n - 2 - ncov df. */
int tt_stats_ancova(int n, const double y[], const int treat[], int ncov, const double cov[],
                    tt_stats_test_spec spec, tt_stats_result *res);

/* Operating characteristics across replicates, accumulated in canonical replicate
 * order (Welford updates), so the summary is bitwise reproducible. */
typedef struct {
  long n;         /* replicates with a valid analysis */
  long n_failed;  /* replicates whose analysis could not be computed */
  long rejections;
  long covered;   /* ci contains the replicate's true effect */
  double mean_estimate, m2_estimate; /* Welford */
  double mean_true;
  double mean_se;
  double mean_sq_error;
  double mean_n;
} tt_stats_oc;

typedef struct {
  long replicates, failed;
  double power, power_mcse; /* rejection rate and sqrt(p(1-p)/n) */
  double mean_estimate, true_effect, bias, bias_mcse;
  double empirical_se, mean_std_error, rmse, coverage, coverage_mcse, expected_n;
} tt_stats_oc_summary;

void tt_stats_oc_init(tt_stats_oc *oc);
/* ok == 0 marks a replicate whose analysis failed (counted, not averaged). */
void tt_stats_oc_add(tt_stats_oc *oc, int ok, const tt_stats_result *res, double true_effect);
void tt_stats_oc_summarize(const tt_stats_oc *oc, tt_stats_oc_summary *s);

#ifdef __cplusplus
}
#endif
#endif
