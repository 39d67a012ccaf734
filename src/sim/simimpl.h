/* simimpl.h — private to src/sim: the TTSim struct and the integration steps shared by
 * sim.c (the integrator, constant effects, history) and sim_regimen.c (regimens that
 * switch). */
#ifndef TWINTRIAL_SIMIMPL_H
#define TWINTRIAL_SIMIMPL_H

#include <petscts.h>
#include <twintrial/sim.h>

/* One TS over n systems (case-major state u[n][nstate]). */
typedef struct {
  TS           ts;
  Vec          u;
  PetscInt     n;
  PetscOptions opts; /* a batch TS's own options (outlive the TS) */
} SimTS;

struct _p_TTSim {
  const TTModelType *type;
  const double      *par;
  SimTS              one, many;      /* single cases; the last batch size */
  SimTS             *cur;            /* the TS of the integration under way */
  double            *dose_t;         /* TT_MAX_DOSES dose times (model units), if the model doses */
  double            *dose_mg;        /* TT_MAX_DOSES amounts added to state dose_state */
  double            *seg_t, *seg_mg; /* TT_MAX_DOSES: one regimen segment's doses (allocated on first use) */
  PetscReal          now;            /* time the state is at during an integration */
  const TTSimCase   *cases;          /* the cur->n cases being integrated */
  PetscInt          *seg;            /* [nseg_cap] segment under way of each case (0 without a regimen) */
  PetscInt           nseg_cap;
  double            *brk; /* [nseg_cap * TT_MAX_SEGMENTS] switch times of the cases, increasing, distinct */
  PetscInt           nrhs;
  PetscBool          nonfinite; /* the right-hand side left the finite range in this integration */
};

/* The effects case c sees in the segment under way. */
static inline const double *TTSimCaseEffects(TTSim sim, PetscInt c)
{
  const TTSimCase *k = &sim->cases[c];
  return k->reg ? k->reg->eff + sim->seg[c] * sim->type->neffect : k->eff;
}

/* sim.c */
PetscErrorCode TTSimAdvance(TTSim sim, PetscReal target);
PetscErrorCode TTSimOutput(TTSim sim, double t, double *y, PetscInt ystride);
/* The single case's doses before t_end under constant effects eff (checked) into dose_t, dose_mg. */
PetscErrorCode TTSimGetDoses(TTSim sim, const double *eff, double t_end, PetscInt *nd);
/* Segments of n cases (a case without a regimen: 0), sized and zeroed. */
PetscErrorCode TTSimResetSegments(TTSim sim, PetscInt n);

/* sim_regimen.c */
/* PETSC_ERR_ARG_OUTOFRANGE unless 1 <= n <= TT_MAX_SEGMENTS, start[0] = 0 and start increases. */
PetscErrorCode TTSimCheckRegimen(const TTRegimen *reg);
/* Whether a case of cases[n] has a regimen of more than one segment. */
PetscBool TTSimSwitching(PetscInt n, const TTSimCase cases[]);
/* From the state at sim->now (the segments of sim->seg under way) through the visits t[nt],
 * with the switches of every case and the single case's nd doses (dose_t, dose_mg). */
PetscErrorCode TTSimVisitsSwitching(TTSim sim, PetscInt nd, PetscInt nt, const double t[], double ymean[],
                                    PetscInt ystride);
/* The single case's doses before t_end under its regimen: each segment's own in its interval. */
PetscErrorCode TTSimGetRegimenDoses(TTSim sim, const TTRegimen *reg, double t_end, PetscInt *nd);

#endif
