/* sim.h — noise-free trajectory of one twin under one arm over the visit times.
 *
 * A TTSim is made once per rank and reused for every twin: closed-form models
 * are evaluated directly; ODE models are integrated with a PETSc TS (on
 * PETSC_COMM_SELF) whose step history is reset before each call, so a twin's
 * trajectory does not depend on which twins the rank integrated before it. The arms
 * of one twin may be integrated together in one TS (TTSimTrajectories), which
 * amortizes PETSc's per-step cost over the arms.
 * Integration options come from the options database with prefix "tt_sim_"
 * (e.g. -tt_sim_ts_type, -tt_sim_ts_rtol); defaults: adaptive RK 5(4), rtol 1e-8,
 * atol 1e-10, and for several cases together the infinity norm of the weighted error
 * (-tt_sim_ts_adapt_wnormtype).
 *
 * Dosing: for a model with `doses`, the arm's doses before the last visit are events
 * of the integration. At a dose time the amount is added to state dose_state and the
 * TS restarts (step history dropped, step 1e-3 of the interval to the next event).
 * Convention: a visit at a dose time reports the state BEFORE that dose (the trough);
 * doses at t = 0 are applied after the t = 0 output and before integrating. A model
 * whose regimen exceeds TT_MAX_DOSES before the last visit returns TT_MAX_DOSES + 1 from
 * `doses`; TTSimTrajectory then fails with PETSC_ERR_USER instead of truncating.
 *
 * Regimens (TTRegimen, model.h): a case may follow effects that switch at given times.
 * A closed-form model is evaluated by its mean_regimen (exact; refused with
 * PETSC_ERR_SUP by a model without one); an ODE model is integrated segment by segment,
 * the TS stopping and restarting at every switch as at a dose (sim_regimen.c), its right-
 * hand side and outputs seeing the segment under way (rhs_regimen / output_regimen after
 * the first switch when the model has them). A visit at a switch time reports the course
 * before the switch; the outputs up to a switch are bit for bit those without it (same
 * cases). A dosing model's doses are each segment's own within its interval, on the
 * dosing clock of t = 0. Cases whose regimens switch may be integrated together with
 * others: the TS then stops at every case's switches.
 */
#ifndef TWINTRIAL_SIM_H
#define TWINTRIAL_SIM_H

#include <petscsys.h>
#include <twintrial/model.h>

typedef struct _p_TTSim *TTSim;

/* One system to integrate: a twin's covariates, random effects and arm effects: eff at
 * every time, or when reg is not NULL the regimen reg (eff is then not read). */
typedef struct {
  const double    *cov, *eta, *eff;
  const TTRegimen *reg;
} TTSimCase;

/* Not collective. par[] must outlive the sim. */
PetscErrorCode TTSimCreate(const TTModelType *type, const double *par, TTSim *sim);
/* Not collective. ymean[nt*nvar] (visit-major) at model times t[nt] (increasing, >= 0),
 * with the arm's doses applied (trough convention above). An integration failure (step
 * underflow, non-finite state) returns PETSC_ERR_NOT_CONVERGED with the time reached;
 * the caller adds which twin it was. */
PetscErrorCode TTSimTrajectory(TTSim sim, const double *cov, const double *eta, const double *eff, PetscInt nt,
                               const double t[], double ymean[]);
/* Not collective. The trajectories of n cases over the same times, ymean[n][nt][nvar]:
 * an ODE model without doses integrates them together as one system (shared steps,
 * each case's error estimate within the tolerance: see sim.c), so a case's result
 * depends on the other cases of the call but on nothing else; otherwise case by case,
 * as TTSimTrajectory. A failure does not say which case: the caller may redo the
 * cases one by one to find it. */
PetscErrorCode TTSimTrajectories(TTSim sim, PetscInt n, const TTSimCase cases[], PetscInt nt, const double t[],
                                 double ymean[]);
/* Not collective. The states u[n][nstate] at time t0 >= 0 of the n cases integrated from
 * `initial` at 0 (their switches before t0 applied), for TTSimTrajectoriesFrom. ODE models
 * without doses (PETSC_ERR_SUP otherwise); failures as TTSimTrajectories'. */
PetscErrorCode TTSimStates(TTSim sim, PetscInt n, const TTSimCase cases[], double t0, double u[]);
/* Not collective. The trajectories ymean[n][nt][nvar] at times t[nt] >= t0 of the n cases
 * integrated from states u[n][nstate] at t0 (each case in the segment of its regimen in
 * effect just after t0). With TTSimStates: TTSimTrajectories' values to the integration
 * tolerance (the steps restart at t0), not bit for bit (sim_state.c). ODE models without
 * doses (PETSC_ERR_SUP otherwise). */
PetscErrorCode TTSimTrajectoriesFrom(TTSim sim, PetscInt n, const TTSimCase cases[], double t0, const double u[],
                                     PetscInt nt, const double t[], double ymean[]);
/* Not collective. A patient's trajectory with history: times t[nt] increasing, possibly
 * negative (before randomisation). With t[0] >= 0 exactly TTSimTrajectory under eff.
 * Otherwise the twin is untreated (effects eff0, no doses) before 0 and under eff after:
 * a closed-form model is evaluated at t < 0 with eff0; an ODE model starts from
 * `initial` at t[0] and the integration restarts at 0 with eff and eff's doses. */
PetscErrorCode TTSimTrajectoryHistory(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                      const double *eff, PetscInt nt, const double t[], double ymean[]);
/* Not collective. The trajectory of TTSimTrajectoryHistory (same times, history, restart
 * at 0 and doses) with its sensitivities to the random effects:
 * dydeta[(i * nvar + k) * nlatent + l] = d ymean[i * nvar + k] / d eta[l].
 * ODE models: forward sensitivities, integrated with the state as one augmented ODE on a
 * TS of their own (sim_sens.c), so ymean equals TTSimTrajectoryHistory's to the
 * integration tolerance, not bit for bit; closed-form models: central differences of
 * `mean`. Dose amounts and times may depend on eta. More than 16 random effects:
 * PETSC_ERR_SUP; integration failures as TTSimTrajectory's. Calls here leave the other
 * TTSimTrajectory* results unchanged (bit for bit). */
PetscErrorCode TTSimTrajectorySensitivity(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                          const double *eff, PetscInt nt, const double t[], double ymean[],
                                          double dydeta[]);
/* Not collective. TTSimTrajectorySensitivity under a regimen (TTSimTrajectoryRegimen's
 * trajectory with its sensitivities): a regimen of one segment is exactly
 * TTSimTrajectorySensitivity under its effects; one that switches is followed through
 * its switches (state and sensitivities continuous there, the integration restarted) for
 * ODE models without doses, PETSC_ERR_SUP for other models. */
PetscErrorCode TTSimTrajectorySensitivityRegimen(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                                 const TTRegimen *reg, PetscInt nt, const double t[], double ymean[],
                                                 double dydeta[]);
/* Not collective. The relative accuracy of TTSimTrajectorySensitivity's derivatives: the
 * augmented integration's rtol (ODE models), the central differences' (closed form). */
PetscErrorCode TTSimSensitivityAccuracy(TTSim sim, double *rel);
/* Not collective. TTSimTrajectoryHistory under a regimen: untreated (eff0) before 0, then
 * reg's effects switching at reg->start[1..] (checked: PETSC_ERR_ARG_OUTOFRANGE for a
 * malformed regimen). A regimen of one segment gives exactly TTSimTrajectoryHistory under
 * its effects; with t[0] >= 0 exactly TTSimTrajectories of the case {cov, eta, NULL, reg}.
 * A closed-form model without mean_regimen cannot switch: PETSC_ERR_SUP. */
PetscErrorCode TTSimTrajectoryRegimen(TTSim sim, const double *cov, const double *eta, const double *eff0,
                                      const TTRegimen *reg, PetscInt nt, const double t[], double ymean[]);
/* Not collective. The event times of case k (model.h `events`): times[nevent *
 * TT_MAX_EVENT_TIMES], time j of type k at [k * TT_MAX_EVENT_TIMES + j] (model units,
 * increasing, in (0, t_end]), INFINITY where none. A model with `events` gives its own
 * (events_regimen under a regimen that switches). A model with `hazard`: its cumulative
 * hazards are integrated with its ODE states (from `initial`, with the case's doses and
 * switches as its trajectory has them) by a PETSc TS of their own (sim_events.c), and
 * occurrence j of type k is where Lambda_k = E_1 + ... + E_j, E unit exponential
 * (-ln U): type 0 draws from rng, type k >= 1 from a generator seeded from rng's state
 * on entry and k; each E is drawn when the previous occurrence is found; a terminal type
 * occurs once, a recurrent one up to TT_MAX_EVENT_TIMES times. Every time before the
 * case's first switch is bit for bit that without the switch. A failed integration (the
 * step limit, a diverged step, a hazard or rate not finite or negative) returns
 * PETSC_ERR_NOT_CONVERGED or PETSC_ERR_FP, never missing events; t_end must be finite
 * and > 0 (PETSC_ERR_ARG_OUTOFRANGE). */
PetscErrorCode TTSimEvents(TTSim sim, const TTSimCase *k, double t_end, tt_pcg32 *rng, double times[]);
/* Not collective. Number of ODE right-hand-side evaluations so far (0 for closed form). */
PetscErrorCode TTSimGetStats(TTSim sim, PetscInt *nrhs);
/* Not collective. The relative and absolute tolerances of this sim's integrations (by
 * default rtol 1e-8, atol 1e-10; the command line's -tt_sim_ts_rtol, -tt_sim_ts_atol still
 * override them); the integrators are rebuilt (as TTSimReset). */
PetscErrorCode TTSimSetTolerances(TTSim sim, PetscReal rtol, PetscReal atol);
/* Not collective. Rebuilds the integrator after a failed integration (an error inside
 * TSSolve can leave the TS mid-step); the next trajectory is as from a new TTSim. */
PetscErrorCode TTSimReset(TTSim sim);
/* Not collective. Accepts NULL; sets *sim to NULL. */
PetscErrorCode TTSimDestroy(TTSim *sim);

#endif
