/* twinimpl.h — the twin module's private state, shared by its files. */
#ifndef TWINTRIAL_TWINIMPL_H
#define TWINTRIAL_TWINIMPL_H

#include <petsctao.h>
#include <twintrial/twin.h>

/* How Tao gets the objective's gradient (-tt_twin_gradient). */
typedef enum { TT_TWIN_GRADIENT_FD, TT_TWIN_GRADIENT_SENSITIVITY } TTTwinGradient;
/* The step of a fit with sensitivity gradients (-tt_twin_method, twin_gn.c). */
typedef enum { TT_TWIN_METHOD_QUASI_NEWTON, TT_TWIN_METHOD_GAUSS_NEWTON } TTTwinMethod;

struct _p_TTTwinFit {
  TTTrial            trial;
  const TTProtocol  *protocol;
  const TTModelType *m;
  const double      *par;
  PetscInt           nl, narm, nvar;
  TTSim              sim;
  Tao                tao;    /* bounded quasi-Newton (TAOBQNLS) */
  Tao                tao_gn; /* bounded Newton (TAOBNLS) on the Gauss-Newton Hessian (twin_gn.c) */
  Mat                hgn;    /* its dense nl x nl Hessian */
  TTTwinMethod       method;
  TTTwinLaplace      laplace;
  Vec                x, xl, xu;
  double            *eff; /* [(narm + 1) * neffect]: arms at the typical clearance, then none */
  /* the regimen of each arm at the typical clearance (its switches), then none (untreated) */
  double          *reg_start; /* [(narm + 1) * TT_MAX_SEGMENTS] */
  double          *reg_eff;   /* [(narm + 1) * TT_MAX_SEGMENTS * neffect] */
  TTRegimen       *reg;       /* [narm + 1] */
  double           omega[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];
  double           omega_inv[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];
  double           lo[TT_TWIN_MAX_LATENT], hi[TT_TWIN_MAX_LATENT];
  double           h[TT_TWIN_MAX_LATENT]; /* finite-difference steps (prior SD scale) */
  PetscInt         cap;                   /* capacity of the buffers below (times) */
  double          *times, *ymean;         /* distinct observation times, trajectory there */
  const TTPatient *patient;               /* the patient being fitted (Tao callbacks) */
  PetscInt         nfun;                  /* objective evaluations (statistics) */
  TTTwinGradient   gradient;              /* central differences of f, or the trajectory's sensitivities */
  PetscInt         dcap;                  /* capacity of dymean (times) */
  double          *dymean;                /* [times][nvar][nl] d ymean / d eta (twin_sens.c) */
  double           gerr;                  /* error bound of the last sensitivity gradient (2-norm) */
  PetscBool        sens_used;             /* the last gradient came from sensitivities (gerr is its) */
  /* the Gauss-Newton Hessian of the last sensitivity evaluation (twin_gn.c) and its point */
  double    gn_H[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];
  double    gn_x[TT_TWIN_MAX_LATENT];
  PetscBool gn_ok;
  PetscInt  ngn;                 /* Gauss-Newton Hessians handed to Tao (statistics) */
  double    fprev;               /* f at the previous Tao iteration (twin_stall.c) */
  PetscInt  nstall;              /* iterations in a row that did not decrease f */
  PetscBool checked, checked_ok; /* a stall was checked at checked_x, and its verdict */
  double    checked_x[TT_TWIN_MAX_LATENT];
  double    checked_H[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT]; /* the Hessian there (Laplace reuses it) */
  PetscReal stop_sd, stop_dec; /* the Gauss-Newton step rule (TTTwinFitSetStepStop; stop_sd 0: off) */
  PetscBool lean;              /* no plain integrations at the start and the mode (TTTwinFitSetLean) */
};

/* twin_fit.c */
PetscErrorCode TTTwinTrajectory(TTTwinFit fit, const TTPatient *p, const double eta[], const TTRegimen *reg,
                                PetscInt nt, const double t[], double ymean[], PetscBool *ok);
PetscErrorCode TTTwinReserve(TTTwinFit fit, PetscInt n);
/* -log p(eta): the model's log_prior, or the normal of omega (up to a constant). */
double TTTwinNegLogPrior(TTTwinFit fit, const TTPatient *p, const double eta[]);
/* f as Tao sees it (from the sensitivities' integration with -tt_twin_gradient sensitivity);
 * f from the plain trajectory; the finite-difference Hessian of the latter (steps 10 h). */
PetscErrorCode TTTwinValue(TTTwinFit fit, const TTPatient *p, const double eta[], double *f);
PetscErrorCode TTTwinPlainValue(TTTwinFit fit, const TTPatient *p, const double eta[], double *f);
PetscErrorCode TTTwinHessian(TTTwinFit fit, const TTPatient *p, const double eta[], double f0, double H[]);
/* LAPACK: inverse of the symmetric positive definite a[n*n] in place; *pd = 0 when not PD. */
PetscErrorCode TTTwinSPDInverse(PetscInt n, double a[], PetscBool *pd);
/* LAPACK: lower Cholesky factor of a[n*n] (row major, upper part zeroed); *pd as above. */
PetscErrorCode TTTwinCholesky(PetscInt n, const double a[], double L[], PetscBool *pd);

/* twin_sens.c: -tt_twin_gradient; f and its gradient from the trajectory's sensitivities
 * (falls back to fit->gradient = FD, values untouched, for a model whose dose times depend
 * on eta); the buffers. */
PetscErrorCode TTTwinGradientFromOptions(const TTModelType *m, TTTwinGradient *gradient);
PetscErrorCode TTTwinSensObjectiveGradient(TTTwinFit fit, const TTPatient *p, const double eta[], double *f,
                                           double grad[]);
PetscErrorCode TTTwinSensDestroy(TTTwinFit fit);
/* The regimen patient p's fit follows after 0 (p->reg, or its arm's; untreated without an arm). */
const TTRegimen *TTTwinPatientRegimen(TTTwinFit fit, const TTPatient *p);
/* Whether sensitivities follow regimen reg: one segment, or an ODE model without doses. */
PetscBool TTTwinSensFollows(TTTwinFit fit, const TTRegimen *reg);

/* twin_gn.c: -tt_twin_method and -tt_twin_laplace; the Gauss-Newton Hessian's pieces as
 * twin_sens.c meets them (the prior's, then each observation's curvature along its
 * sensitivities); Tao's Hessian callback; the Gauss-Newton Tao (created by TTTwinFitCreate). */
PetscErrorCode TTTwinMethodFromOptions(const TTModelType *model, TTTwinMethod *method, TTTwinLaplace *laplace);
void           TTTwinGNPrior(TTTwinFit fit, const TTPatient *p, const double eta[]);
void           TTTwinGNAdd(TTTwinFit fit, double curvature, const double dm[]);
void           TTTwinGNDone(TTTwinFit fit, const double eta[]);
double         TTTwinD2LogDensity(TTTwinFit fit, int var, const TTObservation *o, double ld, PetscBool prev);
PetscErrorCode TTTwinGNCreate(TTTwinFit fit, PetscErrorCode (*objective)(Tao, Vec, PetscReal *, Vec, void *));
PetscErrorCode TTTwinGNDestroy(TTTwinFit fit);
/* Whether patient p's fit takes Gauss-Newton steps (sensitivity gradients that follow its regimen). */
PetscBool TTTwinUsesGN(TTTwinFit fit, const TTPatient *p);
/* The Gauss-Newton Hessian at eta into H[nl * nl] (one sensitivity evaluation unless the
 * last was at eta); *ok = FALSE where f cannot be evaluated there. */
PetscErrorCode TTTwinGNHessian(TTTwinFit fit, const TTPatient *p, const double eta[], double H[], PetscBool *ok);

/* twin_stall.c: Tao's convergence test: the default; with sensitivity gradients also a
 * gradient within its error bound (fit->gerr) of zero; and at an iteration that does not
 * decrease f, a point where the decrease still available is below f's noise. Reset before
 * each patient's solve. */
PetscErrorCode TTTwinConvergenceTest(Tao tao, void *ctx);
void           TTTwinStallReset(TTTwinFit fit);

#endif
