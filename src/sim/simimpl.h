/* simimpl.h — private to src/sim: the TTSim struct and the integration steps shared by
 * sim.c (the integrator, constant effects, history), sim_regimen.c (regimens that
 * switch), sim_sens.c (trajectories with their sensitivities to the random effects,
 * on a TS of their own) and sim_events.c (event times from the model's hazards, on a TS
 * of their own). */
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
  SimTS     s;        /* u[nstate * (1 + nlatent)]: the state, then d state / d eta_l for each l */
  double   *work;     /* model-sized scratch: perturbed states and right-hand sides */
  double   *dose_t2;  /* TT_MAX_DOSES times of the doses at a perturbed eta */
  double   *dose_mg2; /* TT_MAX_DOSES amounts there */
  double   *dose_dmg; /* [TT_MAX_DOSES][nlatent] d amount / d eta */
  double   *dose_dtd; /* [TT_MAX_DOSES][nlatent] d time / d eta */
  PetscBool forward;  /* forward differences of the right-hand side (a loose rtol: sim_sens.c) */
} SimSens;

/* The event-time integration of sim_events.c: states and cumulative hazards together. */
typedef struct {
  TS         ts;
  Vec        x, w;          /* [nstate + nevent]: the state; the state at a switch (or scratch) */
  tt_pcg32  *sub;           /* [nevent] generators of types >= 1 */
  tt_pcg32  *rng;           /* type 0's generator (the caller's) */
  double    *target;        /* [nevent] the cumulative hazard of each type's next occurrence */
  PetscInt  *count;         /* [nevent] occurrences found */
  PetscBool *done;          /* [nevent] terminal type found or recurrent type full */
  double    *times;         /* the caller's output */
  double     sw;            /* the next switch time (INFINITY: none) */
  PetscBool  switched, bad; /* a step crossed sw (its state in w); a rate or hazard left the valid range */
} SimEvents;

struct _p_TTSim {
  const TTModelType *type;
  const double      *par;
  SimTS              one, many;      /* single cases; the last batch size */
  SimSens            sens;           /* the augmented system of sim_sens.c (ODE models) */
  SimEvents          ev;             /* the event times of sim_events.c (models with hazards) */
  SimTS             *cur;            /* the TS of the integration under way */
  double            *dose_t;         /* TT_MAX_DOSES dose times (model units), if the model doses */
  double            *dose_mg;        /* TT_MAX_DOSES amounts added to state dose_state */
  double            *seg_t, *seg_mg; /* TT_MAX_DOSES: one regimen segment's doses (allocated on first use) */
  PetscReal          now;            /* time the state is at during an integration */
  const TTSimCase   *cases;          /* the cur->n cases being integrated */
  PetscInt          *seg;            /* [nseg_cap] segment under way of each case (0 without a regimen) */
  PetscInt           nseg_cap;
  /* [nseg_cap] the cases' arguments of the model's rhs_many (sim.c's ManyRHS) */
  const double    **many_cov, **many_eta, **many_eff;
  const TTRegimen **many_reg;
  int              *many_seg;
  double           *brk; /* [nseg_cap * TT_MAX_SEGMENTS] switch times of the cases, increasing, distinct */
  PetscInt          nrhs;
  PetscBool         nonfinite;  /* the right-hand side left the finite range in this integration */
  PetscReal         rtol, atol; /* every TS's tolerances before the command line's (TTSimSetTolerances) */
};

/* The effects case c sees in the segment under way. */
static inline const double *TTSimCaseEffects(TTSim sim, PetscInt c)
{
  const TTSimCase *k = &sim->cases[c];
  return k->reg ? k->reg->eff + sim->seg[c] * sim->type->neffect : k->eff;
}

/* sim.c: integrate sim->cur's state to target; write the outputs at t; apply the doses at
 * dose_t[*d]; the single case's doses before t_end under constant effects eff (checked)
 * into dose_t, dose_mg; size and zero the segments of n cases (a case without a regimen:
 * 0); the batch TS's options (infinity norm, then the user's); a TS's destruction. */
PetscErrorCode TTSimAdvance_Private(TTSim sim, PetscReal target);
/* sim.c: from the state at sim->now through the nt times t[] (>= now), applying the nd
 * doses (the first not yet applied at index 0) before the times they precede; the TS for
 * n cases of a model without doses (one, or the batch TS made for n). */
PetscErrorCode TTSimVisits_Private(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double ymean[],
                                   PetscInt ystride);
PetscErrorCode TTSimBatchTS_Private(TTSim sim, PetscInt n, SimTS **s);
PetscErrorCode TTSimOutput_Private(TTSim sim, double t, double *y, PetscInt ystride);
PetscErrorCode TTSimDose_Private(TTSim sim, PetscInt *d, PetscInt nd, PetscReal visit);
PetscErrorCode TTSimGetDoses_Private(TTSim sim, const double *eff, double t_end, PetscInt *nd);
PetscErrorCode TTSimResetSegments_Private(TTSim sim, PetscInt n);
PetscErrorCode TTSimTSOptions_Private(SimTS *s);
PetscErrorCode TTSimTSDestroy_Private(SimTS *s);

/* sim_regimen.c */
/* PETSC_ERR_ARG_OUTOFRANGE unless 1 <= n <= TT_MAX_SEGMENTS, start[0] = 0 and start increases. */
PetscErrorCode TTSimCheckRegimen_Private(const TTRegimen *reg);
/* Whether a case of cases[n] has a regimen of more than one segment. */
PetscBool TTSimSwitching_Private(PetscInt n, const TTSimCase cases[]);
/* The switch times of sim->cases after sim->now, increasing and distinct, into sim->brk;
 * returns their number. */
PetscInt TTSimBreakpoints_Private(TTSim sim);
/* At breakpoint b: every case whose regimen switches at b moves to its new segment (sim->seg). */
void TTSimSwitch_Private(TTSim sim, double b);
/* From the state at sim->now (the segments of sim->seg under way) through the visits t[nt],
 * with the switches of every case and the single case's nd doses (dose_t, dose_mg). */
PetscErrorCode TTSimVisitsSwitching_Private(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double ymean[],
                                            PetscInt ystride);
/* The single case's doses before t_end under its regimen: each segment's own in its interval. */
PetscErrorCode TTSimGetRegimenDoses_Private(TTSim sim, const TTRegimen *reg, double t_end, PetscInt *nd);

/* sim_events.c, for sim.c: the event TS of a model with hazards (if not made yet); its end. */
PetscErrorCode TTSimEventsSetUp_Private(TTSim sim);
PetscErrorCode TTSimEventsDestroy_Private(SimEvents *e);

/* sim_sens.c, for sim.c: the augmented TS and scratch (if not made yet); their end. */
PetscErrorCode TTSimSensSetUp_Private(TTSim sim);
PetscErrorCode TTSimSensDestroy_Private(SimSens *s);

#endif
