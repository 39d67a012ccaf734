/* twinimpl.h — the twin module's private state, shared by its files. */
#ifndef TWINTRIAL_TWINIMPL_H
#define TWINTRIAL_TWINIMPL_H

#include <petsctao.h>
#include <twintrial/twin.h>

struct _p_TTTwinFit {
  TTTrial            trial;
  const TTProtocol  *protocol;
  const TTModelType *m;
  const double      *par;
  PetscInt           nl, narm, nvar;
  TTSim              sim;
  Tao                tao;
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
};

/* twin_fit.c */
PetscErrorCode TTTwinTrajectory(TTTwinFit fit, const TTPatient *p, const double eta[], const TTRegimen *reg,
                                PetscInt nt, const double t[], double ymean[], PetscBool *ok);
PetscErrorCode TTTwinReserve(TTTwinFit fit, PetscInt n);
/* LAPACK: inverse of the symmetric positive definite a[n*n] in place; *pd = 0 when not PD. */
PetscErrorCode TTTwinSPDInverse(PetscInt n, double a[], PetscBool *pd);
/* LAPACK: lower Cholesky factor of a[n*n] (row major, upper part zeroed); *pd as above. */
PetscErrorCode TTTwinCholesky(PetscInt n, const double a[], double L[], PetscBool *pd);

#endif
