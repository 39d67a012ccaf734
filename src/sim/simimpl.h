/* simimpl.h — the sim module's private state, shared by sim.c (trajectories) and
 * sim_sens.c (trajectories with their sensitivities to the random effects). */
#ifndef TWINTRIAL_SIMIMPL_H
#define TWINTRIAL_SIMIMPL_H

#include <petscts.h>
#include <twintrial/sim.h>

#define TT_SIM_MAX_RATE        1e150
#define TT_SIM_MAX_SENS_LATENT 16 /* random effects a sensitivity run can follow */

/* One TS over n systems (case-major state u[n][nstate]). */
typedef struct {
  TS           ts;
  Vec          u;
  PetscInt     n;
  PetscOptions opts; /* a batch TS's own options (outlive the TS) */
} SimTS;

/* The augmented system of sim_sens.c: one case's state and its sensitivities. */
typedef struct {
  SimTS   s;        /* u[nstate * (1 + nlatent)]: the state, then d state / d eta_l for each l */
  double *work;     /* model-sized scratch: perturbed states and right-hand sides */
  double *dose_t2;  /* TT_MAX_DOSES times of the doses at a perturbed eta */
  double *dose_mg2; /* TT_MAX_DOSES amounts there */
  double *dose_dmg; /* [TT_MAX_DOSES][nlatent] d amount / d eta */
  double *dose_dtd; /* [TT_MAX_DOSES][nlatent] d time / d eta */
} SimSens;

struct _p_TTSim {
  const TTModelType *type;
  const double      *par;
  SimTS              one, many; /* single cases; the last batch size */
  SimSens            sens;      /* the augmented system of sim_sens.c (ODE models) */
  SimTS             *cur;       /* the TS of the integration under way */
  double            *dose_t;    /* TT_MAX_DOSES dose times (model units), if the model doses */
  double            *dose_mg;   /* TT_MAX_DOSES amounts added to state dose_state */
  PetscReal          now;       /* time the state is at during an integration */
  const TTSimCase   *cases;     /* the cur->n cases being integrated */
  PetscInt           nrhs;
  PetscBool          nonfinite; /* the right-hand side left the finite range in this integration */
};

/* sim.c, for sim_sens.c: integrate sim->cur's state to target; apply the doses at
 * dose_t[*d]; the doses of sim->cases[0] before t_end; the batch TS's options (infinity
 * norm, then the user's); a TS's destruction. */
PetscErrorCode TTSimAdvance_Private(TTSim sim, PetscReal target);
PetscErrorCode TTSimDose_Private(TTSim sim, PetscInt *d, PetscInt nd, PetscReal visit);
PetscErrorCode TTSimGetDoses_Private(TTSim sim, double t_end, PetscInt *nd);
PetscErrorCode TTSimTSOptions_Private(SimTS *s);
PetscErrorCode TTSimTSDestroy_Private(SimTS *s);
/* sim_sens.c, for sim.c: the augmented TS and scratch (if not made yet); their end. */
PetscErrorCode TTSimSensSetUp_Private(TTSim sim);
PetscErrorCode TTSimSensDestroy_Private(SimSens *s);

#endif
