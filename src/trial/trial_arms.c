/* trial_arms.c — what each arm of an analysis looked like in one replicate: twins
 * randomised, analysed (an observed endpoint at the data cut), dropped out, events and
 * responders (TTTrialArmFigures).
 *
 * Dropped out: the twin's dropout time (under its randomized arm) falls before the end of
 * its planned observation for the analysis's endpoint and before any terminal event: the
 * endpoint's visit day (visit endpoints), or the end of its follow-up at the data cut
 * (time to event, counts). A visit on the dropout day itself is missed, as in
 * trial_endpoint.c. Events: time-to-event endpoints count the analysed twins' events,
 * count endpoints their events; NaN otherwise. Responders: binary endpoints only.
 * Not collective; reads t->pair (the endpoints at the final data cut).
 */
#include <math.h>
#include "trialimpl.h"

/* First terminal event of the twin under arm a, days (INFINITY: none). */
static double Terminal(TTTrial t, const double *rec, PetscInt a)
{
  const double *ev = TTRecordEvents(&t->L, rec, a);
  double        d  = INFINITY;
  for (PetscInt k = 0; k < t->L.nevent; k++)
    if (t->model->event[k].terminal) d = PetscMin(d, ev[k * TT_MAX_EVENT_TIMES]);
  return d;
}

static PetscBool DroppedOut(TTTrial t, const TTEndpointSpec *ep, const double *rec, PetscInt a, double cut)
{
  double drop = TTRecordDropout(&t->L, rec, a), follow = TTTrialFollowUp(t, rec, cut);
  if (rec[t->L.failed] != 0.0 || !(drop < Terminal(t, rec, a))) return PETSC_FALSE;
  if (ep->visit_index >= 0) {
    double day = t->p->visit[ep->visit_index] * t->p->unit_in_days;
    return day <= follow && drop <= day ? PETSC_TRUE : PETSC_FALSE;
  }
  return drop < follow ? PETSC_TRUE : PETSC_FALSE;
}

void TTTrialArmFigures(TTTrial t, const double recs[], const PetscInt arm[], double cut, double fig[])
{
  const TTProtocol *p = t->p;
  for (PetscInt k = 0; k < p->nanalysis; k++) {
    const TTAnalysisSpec *an   = &p->analysis[k];
    const TTEndpointSpec *ep   = &p->endpoint[an->endpoint_index];
    TTEndpointKind        kind = TTEndpointKindOf(ep->type);
    for (int j = 0; j < 2; j++) {
      PetscInt a = j ? an->treatment_arm : an->control_arm;
      double  *f = fig + (2 * k + j) * TT_ARM_FIGURES;
      for (int c = 0; c < TT_ARM_FIGURES; c++) f[c] = 0.0;
      for (PetscInt i = 0; i < p->patients; i++) {
        const double *rec = recs + i * t->L.size;
        TTPair        q   = t->pair[i * p->nendpoint + an->endpoint_index];
        if (arm[i] != a) continue;
        f[TT_ARM_RANDOMISED] += 1.0;
        f[TT_ARM_DROPPED_OUT] += DroppedOut(t, ep, rec, a, cut) ? 1.0 : 0.0;
        if (isnan(q.value)) continue;
        f[TT_ARM_ANALYSED] += 1.0;
        if (kind == TT_KIND_TIME_TO_EVENT) f[TT_ARM_EVENTS] += q.aux;
        if (kind == TT_KIND_COUNT) f[TT_ARM_EVENTS] += q.value;
        if (kind == TT_KIND_BINARY) f[TT_ARM_RESPONDERS] += q.value;
      }
      if (kind != TT_KIND_TIME_TO_EVENT && kind != TT_KIND_COUNT) f[TT_ARM_EVENTS] = NAN;
      if (kind != TT_KIND_BINARY) f[TT_ARM_RESPONDERS] = NAN;
    }
  }
}
