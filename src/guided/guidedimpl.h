/* guidedimpl.h — private to src/guided: the chooser's per-rank state and the steps shared
 * by guided.c (the chooser: observe, personalise, decide, score the oracle) and
 * guided_forecast.c (a policy's regimens and the forecast score of each candidate). */
#ifndef TWINTRIAL_GUIDEDIMPL_H
#define TWINTRIAL_GUIDEDIMPL_H

#include <twintrial/guided.h>
#include <twintrial/twin.h>

#define TT_GUIDE_MAX_VARS 16

/* A policy: candidate cand[j] from model time start[j] (start[0] = 0), j < n. */
typedef struct {
  PetscInt n;
  double   start[TT_MAX_SEGMENTS];
  PetscInt cand[TT_MAX_SEGMENTS];
} GuidePolicy;

typedef struct _p_TTGuide *TTGuide;

struct _p_TTGuide {
  TTTrial            trial;
  const TTProtocol  *p;
  const TTModelType *m;
  const double      *par;
  TTTwinFit          fit;
  TTSim              sim;      /* single trajectories: the observed course, the oracle's truths */
  TTSim              sim_fc;   /* the forecasts' batches */
  TTSim              sim_pre;  /* their shared course up to a reassessment (TTSimStates) */
  double            *eff_none; /* [neffect] untreated */
  PetscBool          observable[TT_GUIDE_MAX_VARS];
  /* the observations of the twin being guided */
  PetscInt cap, nobs;
  double  *t, *value;
  int     *var_obs, *below;
  /* forecast scratch, sized for the largest guided arm */
  PetscInt   fc_cap;                                                     /* cases */
  double    *eta;                                                        /* [draws * nlatent] */
  double     eta_lin[(2 * TT_TWIN_MAX_LATENT + 1) * TT_TWIN_MAX_LATENT]; /* a delta-method forecast's points */
  double    *y;                                                          /* [cases * nvar] */
  TTSimCase *cases;                                                      /* [cases] */
  TTSimCase *pre;                                  /* [points] the posterior's points under the policy so far */
  double    *u_pre;                                /* [points * nstate] their states at the reassessment */
  double    *u_from;                               /* [cases * nstate] every case's state there */
  double    *ytruth;                               /* [candidates][nvisit][nvar] the candidates' true courses */
  double     pre_start[TT_MAX_SEGMENTS], *pre_eff; /* [TT_MAX_SEGMENTS * neffect] the policy so far */
  double    *ymean;                                /* [nvisit * nvar] */
  double     reg_start[TT_MAX_CANDIDATES][TT_MAX_SEGMENTS];
  double    *reg_eff; /* [TT_MAX_CANDIDATES][TT_MAX_SEGMENTS * neffect] */
  TTRegimen  reg[TT_MAX_CANDIDATES];
  double    *cand_eff; /* [TT_MAX_CANDIDATES * neffect]: one arm's candidates, at some clearance */
  double *ycrit; /* [2 cases] the choose variable at the choose visit (draws, then a delta-method forecast's points) */
  double *t_model;                      /* [nvisit] the visits in model time */
  double  eta_prev[TT_TWIN_MAX_LATENT]; /* the last decision's estimate: the next fit's start */
  GuidePolicy course_pol;               /* the policy whose course g->ymean holds (n = 0: none) */
  PetscInt    var[TT_MAX_ARMS];         /* each guided arm's choose variable */
  PetscInt    visit[TT_MAX_ARMS];       /* and visit index */
};

/* guided_forecast.c */
/* The regimen of policy pol with candidates' effects cand_eff[c * neffect] into start[],
 * eff[] (TT_MAX_SEGMENTS segments), *reg pointing there. */
void TTGuidePolicyRegimen(TTGuide g, const GuidePolicy *pol, const double *cand_eff, double start[], double eff[],
                          TTRegimen *reg);
/* The candidates' effects of guided arm a at exposure-response clearance z into g->cand_eff. */
PetscErrorCode TTGuideCandidateEffects(TTGuide g, PetscInt a, double z);
/* The score (smaller is better) of a noise-free value y of the choose variable, for the
 * twin whose value it is: minimize y, maximize -y, below -P(Y < target), above -P(Y >
 * target), Y a new observation of that value (the model's residual error). */
double TTGuideScore(TTGuide g, const TTGuidedSpec *s, PetscInt var, double y);
/* Forecast scores score[ncandidate] of the twin's estimate est at decision d (time tau,
 * policy so far pol) of guided arm a, over the spec's draws (keys of twin w). */
PetscErrorCode TTGuideForecast(TTGuide g, const TTGuidedTwin *w, const TTTwinEstimate *est, PetscInt d, double tau,
                               const GuidePolicy *pol, double score[]);

/* guided.c: the chooser (TTTrialGuideFn) */
PetscErrorCode TTGuideChoose_Private(void *ctx, TTTrial trial, const TTGuidedTwin *w, double start[], double eff[],
                                     TTRegimen *reg, double ymean[], double block[]);

#endif
