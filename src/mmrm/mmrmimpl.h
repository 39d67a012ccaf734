/* mmrmimpl.h — private to src/mmrm: LAPACK prototypes, covariance structures and the
 * REML workspace. A workspace holds the sufficient statistics of each pattern of
 * observed visits and, at one parameter value theta, each pattern's inverse covariance
 * W_P, Phi = (X'WX)^-1, beta and the -2 REML log-likelihood; its gradient, expected
 * information and observed Hessian when asked. */
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
/* Unstructured start from a covariance S (row major): its log-Cholesky parameters when
 * S is positive definite with every pivot at least 1e-3 of its standard deviation (a
 * correlation matrix not near singular); th unchanged otherwise. */
void tt_mmrm_theta_start_unstructured(int T, const double S[], double th[]);
/* dsigma[k*T*T..]: d Sigma / d theta_k (analytic for unstructured, else fourth-order
 * central differences). */
void tt_mmrm_dsigma_theta(tt_mmrm_cov cov, int T, const double theta[], double dsigma[]);
/* d2[(k(k+1)/2 + l)*T*T..], l <= k: d2 Sigma / d theta_k d theta_l (analytic for
 * unstructured, else fourth-order central differences of dsigma_theta). */
void tt_mmrm_d2sigma_theta(tt_mmrm_cov cov, int T, const double theta[], double d2[]);
/* jac[k*q + l] = d phi_k / d theta_l (fourth-order central differences). */
void tt_mmrm_jacobian(tt_mmrm_cov cov, int T, const double theta[], double jac[]);
/* d2[(k*q + l)*T*T..]: d2 Sigma / d phi_k d phi_l (central differences). */
void tt_mmrm_d2sigma_phi(tt_mmrm_cov cov, int T, const double phi[], double d2[]);

/* The subjects sharing a pattern of observed visits share Sigma_P and W_P = Sigma_P^-1,
 * so every sum over subjects is taken through the pattern's sufficient statistics
 * C_P = sum_s vec(Z_s) vec(Z_s)' of Z_s = [X_s y_s] (m x (p+1)), stored over the
 * columns that are nonzero at each of the pattern's positions: row r of C_P is column
 * idx[r] of Z at position pos[r] (K rows, K = sum over positions of the active columns;
 * the MMRM design has 3 + ncov + 1 active columns per visit, so K is small). */
typedef struct {
  int     m, n, K; /* visits, subjects, statistic rows */
  int     vis[TT_MMRM_MAX_VISITS];
  int    *idx, *pos; /* [K] column of Z (p: y), position 0..m-1 */
  double *c;         /* [K*K] */
  double *w;         /* [m*m] W_P at the current theta */
  double  logdet;    /* log |Sigma_P| */
} tt_mmrm_pattern;

typedef struct {
  const tt_mmrm_data *d;
  tt_mmrm_cov         cov;
  int                 T, q, p, p1, nsub, npat; /* p1 = p + 1 (y appended to X) */
  tt_mmrm_pattern    *pat;                     /* [npat] in order of first appearance */
  int                *ibuf;                    /* idx and pos of every pattern */
  double             *sigma;                   /* [T*T] */
  double             *ds;                      /* [q*T*T] d Sigma / d theta_k */
  double             *d2;                      /* [q(q+1)/2*T*T] d2 Sigma / d theta_k d theta_l, l <= k */
  double             *zwz;                     /* [p1*p1] Z'WZ */
  double             *phi;                     /* [p*p] (X'WX)^-1 */
  double             *beta;                    /* [p] */
  double             *mfull;                   /* [T*T] sum_P scatter(n_P W - W (E + R) W) */
  double             *grad;                    /* [q] of -2 l_R */
  double             *info;                    /* [q*q] expected Hessian of -2 l_R: tr(P V_k P V_l) */
  double             *hess;                    /* [q*q] observed Hessian (level 3) */
  double             *pk;                      /* [q*p1*p1] Z' W V_k W Z */
  double             *scratch;                 /* [8*q*T*T + 6*T*T + 2*p1*p1 + q*p*p + q*p1 + q*p1*p1] */
  double             *cbuf;                    /* statistics and W of every pattern */
  double              f;                       /* -2 l_R */
  double              theta_at[TT_MMRM_MAXQ];  /* where evaluated, */
  int                 level;                   /* to which level (-1: failed) */
} tt_mmrm_ws;

/* Allocates ws for d (rows checked: sorted, visits in range) and accumulates the
 * patterns' statistics; TT_STATS_EDOMAIN if not. */
int  tt_mmrm_ws_create(const tt_mmrm_data *d, tt_mmrm_cov cov, tt_mmrm_ws *ws);
void tt_mmrm_ws_destroy(tt_mmrm_ws *ws);
/* out[p1*p1] += sum_s Z_s' A Z_s over pattern P's subjects (A m x m, row major). */
void tt_mmrm_pattern_zaz(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double A[], double out[]);
/* The same for na matrices at once: at[(a*m + b)*na + k] is A_k's entry (a, b), out
 * [(i*p1 + j)*na + k] receives sum_s (Z_s' A_k Z_s)_ij. */
void tt_mmrm_pattern_zaz_multi(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, int na, const double at[], double out[]);
/* out[m*m] = sum_s Z_s B Z_s' over pattern P's subjects (B p1 x p1, row major). */
void tt_mmrm_pattern_zbz(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double B[], double out[]);
/* Pattern P's block of the T x T matrix full into out (m x m). */
void tt_mmrm_pattern_block(const tt_mmrm_ws *ws, const tt_mmrm_pattern *P, const double full[], double out[]);
/* Evaluates at theta: level 0 objective (ws->f, beta, phi, every W_P), 1 also the
 * gradient, 2 also the expected information and pk, 3 also the observed Hessian (hess).
 * Nothing is recomputed when ws already holds theta's evaluation to that level, and
 * not the objective when it holds theta's objective (results are the same bits).
 * Returns 0; 1 when Sigma is not positive definite (ws->f = +inf); 2 when X'WX is
 * singular. */
int tt_mmrm_eval(tt_mmrm_ws *ws, const double theta[], int level);
/* Observed Hessian of -2 l_R into h[q*q] (analytic in V_k, V_kl); ws left evaluated at
 * theta (level 3; no work when it already is). 0, or 1 when Sigma is not positive
 * definite. */
int tt_mmrm_hessian(tt_mmrm_ws *ws, const double theta[], double h[]);

#endif
