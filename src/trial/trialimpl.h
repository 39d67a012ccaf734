/* trialimpl.h — private state of a TTTrial, shared by the trial module only. */
#ifndef TWINTRIAL_TRIALIMPL_H
#define TWINTRIAL_TRIALIMPL_H

#include <twintrial/trial.h>

/* What an analysis covariate refers to. */
typedef enum { TT_COVARIATE_BASELINE, TT_COVARIATE_PROGNOSTIC, TT_COVARIATE_COHORT } TTCovariateKind;

typedef struct {
  TTCovariateKind kind;
  PetscInt        index; /* cohort covariate index for TT_COVARIATE_COHORT */
} TTAnalysisCovariate;

struct _p_TTTrial {
  const TTProtocol  *p; /* not owned; must outlive the trial */
  const TTModelType *model;
  TTCohort           cohort;
  TTRecordLayout     L;
  double            *par;                         /* [model->nparam] resolved */
  double            *eff;                         /* [narm * model->neffect] resolved per arm */
  PetscInt          *model_cov;                   /* [model->ncovariate] cohort index of each model covariate */
  PetscInt          *strata_cov, *strata_levels;  /* [nstrata] */
  PetscInt           nstratum;                    /* product of strata levels (1 without strata) */
  PetscInt          *endpoint_var;                /* [nendpoint] model variable index */
  TTAnalysisCovariate (*acov)[TT_MAX_COVARIATES]; /* [nanalysis][ncovariate] */
  double *t_model, *t_days;                       /* [nvisit] visit times */
  /* scratch, sized once (TTTrialAnalyse is not reentrant) */
  double   *y, *xcov, *y0, *y1;
  int      *treat;
  PetscInt *stratum_count, *block_id, *block_list; /* per stratum: subjects so far, cached block, its list */
};

PetscErrorCode TTTrialBind(TTTrial trial); /* trial_bind.c: names, layout */
PetscErrorCode TTTrialRandomize(TTTrial trial, PetscInt replicate, const double recs[], PetscInt arm[]);

#endif
