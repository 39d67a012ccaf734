/* mi.h — multiple imputation of repeated continuous measurements, under MAR or a
 * reference-based assumption, each imputed data set analysed and combined by Rubin's rules.
 *
 * Plain C (no MPI, no PETSc, no I/O; dense linear algebra through LAPACK); never
 * collective. Imputation model: y_i = (y_i1..y_iV) given baseline b_i and covariates
 * x_i (x_i1..x_iq, q >= 0: stratification factors as indicators, baseline covariates) in
 * group g_i (0 control, 1 treatment) is multivariate normal with mean a_v + g_i c_v +
 * b_i d_v + x_i'e_v at visit v and one unstructured covariance Sigma common to both groups
 * (the MMRM of Carpenter, Roger & Kenward 2013 J Biopharm Stat 23:1352, as R's rbmi fits
 * it with covariates THERAPY*VISIT + BASVAL*VISIT + X*VISIT). With monotone missingness
 * (a subject's observed visits precede its missing ones) the likelihood factorises into
 * the regressions of y_v on (1, g, b, x, y_1..y_v-1) among the subjects observed at v,
 * and each imputation draws every regression's parameters from its posterior under the
 * usual noninformative prior (sigma^2 = RSS / chi^2_(n-p), beta ~ N(beta_hat, sigma^2
 * (Z'Z)^-1): Rubin 1987 p. 167, mice's "norm"), maps them to the joint (mean, Sigma) and
 * draws each subject's missing visits from the conditional normal given all its observed
 * ones. Intermittent gaps (a missing visit before an observed one) are no intercurrent
 * event (rbmi's rule): they are imputed about the profile before the subject's anchor
 * (below), and the parameters then come from monotone data augmentation (Schafer 1997, Analysis of
 * Incomplete Multivariate Data, sec. 6.5; SAS PROC MI's MCMC IMPUTE=MONOTONE):
 * TT_MI_AUGMENT rounds of drawing the gaps given the parameters and the parameters
 * given the completed monotone data, each imputation its own chain, started from a draw
 * fitted on the visits before each subject's first gap. Missing visits are imputed
 * about the mean profile its method assigns (Carpenter et al. 2013, section 4);
 * the reference group's profile of a subject is a + r c + b d + x'e at its own baseline
 * and covariates (rbmi: the reference arm's mean at the subject's covariate values):
 *   mar:               its own group's profile;
 *   jump_to_reference: its own group's before its anchor visit, the reference group's
 *                      from it on;
 *   copy_reference:    the reference group's throughout;
 *   copy_increments:   its own group's before its anchor visit, then the reference
 *                      group's changes from the visit before (anchor 0: the reference's);
 *   delta:             as mar, then delta added to every imputed value of the treatment
 *                      group from its anchor visit on (a tipping-point analysis shifts
 *                      delta).
 * The reference group's own subjects are imputed under mar. A subject's anchor is the
 * first of its trailing missing visits (after its last observed one), or its
 * intercurrent event's first visit (ice) when earlier. Gaps before the anchor are imputed
 * about its profile before the anchor (its own group's but under copy_reference, as
 * rbmi's strategies do), a subject with no trailing missing visit and no event under mar.
 * When the event comes first, its visits observed after it (a retrieved dropout's, kept
 * under a treatment-policy strategy) are kept, conditioned on and analysed, but, for the
 * reference-based methods, left out of the imputation model's fit in both groups (R's
 * rbmi: "draws() automatically excludes post-ICE data handled with a reference-based
 * method"; Wolbers et al. 2022 Pharm Stat 21:1246), since they do not follow the
 * on-treatment profiles it estimates. Under a hypothetical strategy the caller sets
 * post-event values missing first, as rbmi asks its users to. Each completed data set is
 * analysed (ANCOVA at the visit on group, baseline and x, or an MMRM over every visit
 * with visit, treatment x visit, baseline x visit and x, the treatment contrast at the
 * visit) and the M estimates combined by Rubin's rules with
 * Barnard & Rubin's (1999 Biometrika 86:948) small-sample degrees of freedom.
 * Draws: imputation m uses its own stream tt_rng_substream(seed, key_a, key_b + m,
 * TT_STREAM_IMPUTE), consumed in a fixed order (parameters visit by visit, with gaps the
 * augmentation rounds, then the subjects in data order), so results depend only on the
 * data and the keys.
 * Functions return TT_STATS_OK (0) or a TT_STATS_E* code; they never abort.
 */
#ifndef TWINTRIAL_MI_H
#define TWINTRIAL_MI_H

#include <stdint.h>
#include "twintrial/mmrm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TT_MI_MAR,
  TT_MI_JUMP_TO_REFERENCE,
  TT_MI_COPY_REFERENCE,
  TT_MI_COPY_INCREMENTS,
  TT_MI_DELTA,
  TT_MI_NMETHOD
} tt_mi_method;

typedef enum { TT_MI_ANCOVA, TT_MI_MMRM } tt_mi_analysis;

/* The protocol's spelling of a method ("mar", "jump_to_reference", "copy_reference",
 * "copy_increments", "delta"). */
const char *tt_mi_method_name(tt_mi_method m);

enum { TT_MI_MAX_COVARIATES = 16, TT_MI_AUGMENT = 100 };

/* Wide data: n subjects, nvisit (<= TT_MMRM_MAX_VISITS) post-baseline visits, ncov
 * covariate columns (0 to TT_MI_MAX_COVARIATES; a data set without them may leave ncov
 * and cov zero). */
typedef struct {
  int           n, nvisit;
  const int    *group;    /* [n] 0 control, 1 treatment */
  const double *baseline; /* [n] finite */
  const double *y;        /* [n * nvisit] row major, NAN where missing */
  int           ncov;
  const double *cov; /* [n * ncov] column major (column j at cov + j * n), finite */
  const int    *ice; /* [n] 0-based first visit affected by the subject's intercurrent event, nvisit
                        if none; NULL: none has one (each is anchored at its first missing visit) */
} tt_mi_data;

typedef struct {
  tt_mi_method   method;
  int            reference; /* the group whose profile reference-based methods borrow: 0 or 1 */
  double         delta;     /* delta: shift of the treatment group's imputed values */
  int            imputations;
  tt_mi_analysis analysis;
  int            visit; /* 0-based: the contrast's visit */
  /* analysis mmrm: the covariance structures tried in turn while a fit does not converge
   * (ncov >= 1) and the degrees of freedom of each imputation's contrast */
  int         ncov;
  tt_mmrm_cov cov[TT_MMRM_NCOV];
  tt_mmrm_df  df;
  uint64_t    seed, key_a, key_b; /* draws of imputation m: (seed, key_a, key_b + m) */
} tt_mi_options;

/* Rubin's rules over m >= 2 estimates q with squared standard errors u and complete-data
 * degrees of freedom dfcom (INFINITY: large sample). */
typedef struct {
  double estimate, std_error, df; /* qbar, sqrt(T), Barnard-Rubin df */
  double ubar, b, t;              /* within, between and total variance */
  double riv, lambda, fmi;        /* relative increase in variance, (1 + 1/m) b / t, missing information */
} tt_mi_pooled;

/* qbar = mean q, ubar = mean u, b = var q, t = ubar + (1 + 1/m) b; df per Barnard & Rubin
 * (lambda floored at 1e-4, as mice::pool, so b = 0 gives a finite df); fmi = (riv + 2 /
 * (df + 3)) / (riv + 1) (Rubin 1987, as mice 3.15). TT_STATS_ETOOFEW when m < 2,
 * TT_STATS_EDOMAIN for a non-finite input or u < 0. */
int tt_mi_pool(int m, const double q[], const double u[], double dfcom, tt_mi_pooled *out);

/* One completed data set: d with its missing values drawn for imputation m (y_out,
 * n * nvisit, holds every value). */
int tt_mi_impute(const tt_mi_data *d, const tt_mi_options *o, int m, double y_out[]);

/* The whole analysis: o->imputations completed data sets, each analysed, pooled into res
 * (the t test of spec at the pooled estimate, SE and df; n_analysed = n) and pool. q and u
 * (may be NULL) receive each imputation's estimate and squared SE. TT_STATS_ETOOFEW when
 * a regression has too few subjects or a group none, else the first failing analysis's code. */
int tt_mi_run(const tt_mi_data *d, const tt_mi_options *o, tt_stats_test_spec spec, tt_stats_result *res,
              tt_mi_pooled *pool, double q[], double u[]);

#ifdef __cplusplus
}
#endif
#endif
