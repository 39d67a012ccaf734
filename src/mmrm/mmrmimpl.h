/* mmrmimpl.h — private to src/mmrm: LAPACK prototypes, covariance structures and the
 * REML workspace. A workspace holds, at one parameter value theta, every subject's
 * inverse covariance W_s and G_s = W_s X_s, Phi = (X'WX)^-1, beta and the -2 REML
 * log-likelihood; its gradient and expected information when asked. */
#ifndef TT_MMRMIMPL_H
#define TT_MMRMIMPL_H

#include "twintrial/mmrm.h"

/* Fortran LAPACK (PETSc links the same library). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, int *info);

/* Symmetric positive definite inverse in place (full matrix on return) and log det;
 * returns 0, or 1 when a is not positive definite. */
int tt_mmrm_spd_inverse(int n, double a[], double *logdet);
/* Solves a x = b (a SPD, overwritten); 0, or 1 when a is not positive definite. */
int tt_mmrm_spd_solve(int n, double a[], double b[]);

/* Covariance structures (mmrm_cov.c). theta: unconstrained; phi: natural parameters
 * (same count q), in which Kenward-Roger's second-derivative term is taken. */
int  tt_mmrm_cov_linear(tt_mmrm_cov cov); /* Sigma linear in phi */
void tt_mmrm_theta_to_phi(tt_mmrm_cov cov, int T, const double theta[], double phi[]);
void tt_mmrm_phi_to_sigma(tt_mmrm_cov cov, int T, const double phi[], double sigma[]);
void tt_mmrm_theta_to_sigma(tt_mmrm_cov cov, int T, const double theta[], double sigma[]);
/* Start: each visit's variance var[T], correlations 0. */
void tt_mmrm_theta_start(tt_mmrm_cov cov, int T, const double var[], double theta[]);
/* dsigma[k*T*T..]: d Sigma / d theta_k by fourth-order central differences. */
void tt_mmrm_dsigma_theta(tt_mmrm_cov cov, int T, const double theta[], double dsigma[]);
/* d2[(k(k+1)/2 + l)*T*T..], l <= k: d2 Sigma / d theta_k d theta_l (fourth-order central
 * differences of dsigma_theta). */
void tt_mmrm_d2sigma_theta(tt_mmrm_cov cov, int T, const double theta[], double d2[]);
/* jac[k*q + l] = d phi_k / d theta_l (fourth-order central differences). */
void tt_mmrm_jacobian(tt_mmrm_cov cov, int T, const double theta[], double jac[]);
/* d2[(k*q + l)*T*T..]: d2 Sigma / d phi_k d phi_l (central differences). */
void tt_mmrm_d2sigma_phi(tt_mmrm_cov cov, int T, const double phi[], double d2[]);

typedef struct {
  const tt_mmrm_data *d;
  tt_mmrm_cov         cov;
  int                 T, q, p, nsub;
  int                *start;   /* [nsub+1] first row of each subject */
  double             *sigma;   /* [T*T] */
  double             *ds;      /* [q*T*T] d Sigma / d theta_k */
  double             *w;       /* [nsub*T*T] W_s (m x m, row major) */
  double             *g;       /* [nsub*T*p] G_s = W_s X_s (m x p, row major) */
  double             *xtwx;    /* [p*p] */
  double             *phi;     /* [p*p] */
  double             *xtwy;    /* [p] */
  double             *beta;    /* [p] */
  double             *grad;    /* [q] of -2 l_R */
  double             *info;    /* [q*q] expected Hessian of -2 l_R: tr(P V_k P V_l) */
  double             *pk;      /* [q*p*p] X' W V_k W X */
  double             *scratch; /* [2*q*T*T + 4*T*T + 2*p*p + 2*T*p + 4*T] */
  double              f;       /* -2 l_R */
} tt_mmrm_ws;

/* Allocates ws for d (rows checked: sorted, visits in range); TT_STATS_EDOMAIN if not. */
int  tt_mmrm_ws_create(const tt_mmrm_data *d, tt_mmrm_cov cov, tt_mmrm_ws *ws);
void tt_mmrm_ws_destroy(tt_mmrm_ws *ws);
/* Evaluates at theta: level 0 objective (ws->f, beta, phi), 1 also the gradient, 2 also
 * the expected information and pk. Returns 0; 1 when Sigma is not positive definite
 * (ws->f = +inf); 2 when X'WX is singular. */
int tt_mmrm_eval(tt_mmrm_ws *ws, const double theta[], int level);
/* Observed Hessian of -2 l_R into h[q*q] (analytic in V_k, V_kl); ws left evaluated at
 * theta (level 2). 0, or 1 when Sigma is not positive definite or memory is short. */
int tt_mmrm_hessian(tt_mmrm_ws *ws, const double theta[], double h[]);

#endif
