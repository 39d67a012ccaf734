/* mmrm.h — mixed model for repeated measures (MMRM) by restricted maximum likelihood.
 *
 * Plain C (no MPI, no PETSc, no I/O; dense linear algebra through LAPACK); never
 * collective. The model is y_s = X_s beta + e_s, e_s ~ N(0, Sigma[v_s, v_s]) for each
 * subject s observed at the visits v_s (any subset of 0..nvisit-1: monotone or
 * intermittent missingness), Sigma a nvisit x nvisit covariance of the chosen structure.
 * The covariance parameters maximise the REML likelihood (Patterson & Thompson 1971),
 * fitted by Fisher scoring then Newton steps over an unconstrained parametrisation
 * (log-Cholesky for unstructured; log standard deviations and Fisher-z correlations
 * otherwise), as R's mmrm (Sabanes Bove et al. 2023) and nlme::gls (Pinheiro & Bates
 * 2000) define the objective. A contrast c'beta gets a t reference with Satterthwaite
 * (1946) degrees of freedom (gradient of c' Phi c over the covariance parameters and the
 * inverse observed REML information) or Kenward & Roger's (1997 Biometrics 53:983)
 * adjusted covariance and degrees of freedom (expected information; second derivatives
 * of Sigma in the structure's natural parameters: the entries for unstructured,
 * Toeplitz and compound symmetry, which are linear, variances and correlations for the
 * heterogeneous and AR(1) ones; the original 1997 adjustment, not the 2009 variant).
 * Subjects sharing a pattern of observed visits are handled together through sufficient
 * statistics, so an iteration's cost grows with the number of patterns, not of subjects.
 * Functions return TT_STATS_OK (0) or a TT_STATS_E* code
 * (TT_STATS_ENOCONV: the REML optimisation did not converge); they never abort.
 */
#ifndef TWINTRIAL_MMRM_H
#define TWINTRIAL_MMRM_H

#include "twintrial/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { TT_MMRM_MAX_VISITS = 16, TT_MMRM_MAXQ = TT_MMRM_MAX_VISITS * (TT_MMRM_MAX_VISITS + 1) / 2 };

typedef enum {
  TT_MMRM_UNSTRUCTURED,
  TT_MMRM_TOEPLITZ,
  TT_MMRM_TOEPLITZ_HETEROGENEOUS,
  TT_MMRM_AR1,
  TT_MMRM_AR1_HETEROGENEOUS,
  TT_MMRM_COMPOUND_SYMMETRY,
  TT_MMRM_COMPOUND_SYMMETRY_HETEROGENEOUS,
  TT_MMRM_NCOV
} tt_mmrm_cov;

typedef enum { TT_MMRM_SATTERTHWAITE, TT_MMRM_KENWARD_ROGER } tt_mmrm_df;

/* The protocol's spelling of a structure ("unstructured", "toeplitz", "toeplitz_heterogeneous",
 * "ar1", "ar1_heterogeneous", "compound_symmetry", "compound_symmetry_heterogeneous"). */
const char *tt_mmrm_cov_name(tt_mmrm_cov cov);
/* The structure of that name, or -1. */
int tt_mmrm_cov_from_name(const char *name);
/* Number of covariance parameters of a structure over nvisit visits. */
int tt_mmrm_cov_nparam(tt_mmrm_cov cov, int nvisit);

/* One data set: n rows sorted by subject then by increasing visit (each visit at most
 * once per subject); x column-major n*p (column j at x + j*n). */
typedef struct {
  int           n, nvisit, p;
  const int    *subject; /* [n] subject ids; rows of a subject are contiguous */
  const int    *visit;   /* [n] 0..nvisit-1 */
  const double *x;       /* [n*p] */
  const double *y;       /* [n] */
} tt_mmrm_data;

typedef struct {
  tt_mmrm_cov cov;
  int         max_iter; /* 0: 100 */
} tt_mmrm_options;

/* A fit: caller-owned arrays sized by tt_mmrm_fit_alloc, released (with the private
 * workspace) by tt_mmrm_fit_free. */
typedef struct {
  int         p, q, nvisit;
  double     *beta;  /* [p] */
  double     *vcov;  /* [p*p] Phi = (X' V^-1 X)^-1 at the REML estimate */
  double     *theta; /* [q] unconstrained covariance parameters */
  double     *sigma; /* [nvisit*nvisit] estimated covariance, row major */
  double      reml;  /* -2 REML log-likelihood, (n - p) log(2 pi) included */
  int         iterations, converged, nsubject;
  tt_mmrm_cov cov;
  void       *work; /* private: the fit's REML workspace, reused by tt_mmrm_contrast on the same data */
} tt_mmrm_fit;

int  tt_mmrm_fit_alloc(tt_mmrm_fit *f, int p, tt_mmrm_cov cov, int nvisit);
void tt_mmrm_fit_free(tt_mmrm_fit *f);

/* REML fit of d under o->cov. TT_STATS_ETOOFEW when n <= p, TT_STATS_EDOMAIN for unsorted
 * or out-of-range rows, TT_STATS_ESINGULAR for a rank-deficient X (or a structure with no
 * positive-definite start), TT_STATS_ENOCONV when the optimisation stalls or reaches
 * max_iter (f->converged = 0, the last iterate kept). */
int tt_mmrm_fit_reml(const tt_mmrm_data *d, const tt_mmrm_options *o, tt_mmrm_fit *f);

/* The contrast c'beta of a converged fit with its standard error and degrees of freedom
 * (Kenward-Roger: the adjusted covariance's standard error), then the t test per spec.
 * d must be the data set of the fit; when it is the same tt_mmrm_data object the fit's
 * workspace is reused (not safe for concurrent calls on one fit), else rebuilt; the
 * result is the same bit for bit. */
int tt_mmrm_contrast(const tt_mmrm_data *d, const tt_mmrm_fit *f, const double c[], tt_mmrm_df df,
                     tt_stats_test_spec spec, tt_stats_result *res);

/* The usual MMRM design over the rows of d: columns visit (nvisit indicators, no common
 * intercept), treatment x visit (nvisit), baseline x visit (nvisit, when baseline is not
 * NULL) and ncov covariates (column-major n*ncov). x must hold n*tt_mmrm_design_columns
 * doubles. The treatment effect at visit v is column nvisit + v. */
int  tt_mmrm_design_columns(int nvisit, int has_baseline, int ncov);
void tt_mmrm_design(int n, int nvisit, const int visit[], const int treat[], const double baseline[], int ncov,
                    const double cov[], double x[]);

#ifdef __cplusplus
}
#endif
#endif
