/* trial_gsd.c — group-sequential looks of one replicate.
 *
 * Looks happen in calendar time, when the deciding analysis's information (events for
 * time to event, observed endpoints otherwise) reaches
 *   - information[j] times what the final analysis will have (interim.information), the
 *     final analysis at the end of the data (the calendar cut-off or the last visit); or
 *   - exactly events[j] events (interim.events, event-driven): the look is at the calendar
 *     time of the events[j]-th event of the two arms (with staggered entry and dropout as
 *     simulated), the final analysis at the last count. A count never reached by the end of
 *     the data (trial.enrollment's follow-up, interim.max_duration or the last visits) is
 *     skipped, and the final analysis is at that end with the events there are; its
 *     efficacy boundary then spends all alpha left given the looks held, at information
 *     fractions of the events observed (tt_stats_gsd_final_bound; rpact's recalculation
 *     for an under-running final analysis). Events within a millisecond of each other
 *     are counted together (ties), so a look may then have more than its count.
 * At a look every twin's data are cut at that calendar time (twins not yet enrolled are
 * absent; visits and events after the cut unseen). The deciding statistic in the benefit
 * direction, z = direction * statistic, stops the trial for efficacy when z >= upper[j]
 * (Lan-DeMets spending of alpha/sided) and for futility when z < lower[j] (non-binding beta
 * spending, if requested). All analyses and the validation figures are then computed on
 * the data of the stopping look, at the same calendar cut; only the deciding one is
 * group-sequentially adjusted. t statistics are compared with the normal-theory boundaries
 * (df are large).
 * Invariant: each look held records its calendar day, information, randomized twins and
 * the boundary applied; looks not held stay NaN.
 */
#include <math.h>
#include <stdlib.h>
#include "trialimpl.h"

static int Family(TTSpending s)
{
  return s == TT_SPENDING_POCOCK ? TT_STATS_SPEND_POCOCK
         : s == TT_SPENDING_HSD  ? TT_STATS_SPEND_HSD
                                 : TT_STATS_SPEND_OBF;
}

PetscErrorCode TTTrialSetUpLooks(TTTrial t)
{
  const TTProtocol     *p = t->p;
  const TTAnalysisSpec *an;
  double                theta;
  int                   K = p->nlook;

  PetscFunctionBeginUser;
  if (K == 0) PetscFunctionReturn(0);
  an = &p->analysis[p->interim_analysis];
  PetscCheck(!p->event_driven || p->events[K - 1] <= (double) p->patients, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%d:%d: interim.events: expected at most %d events at the final look (one per randomized twin, "
             "trial.patients), found %.0f",
             p->path, p->events_loc.line, p->events_loc.column, p->patients, p->events[K - 1]);
  PetscCheck(!tt_stats_gsd_bounds(K, p->information, Family(p->spending), an->alpha / an->sided, p->spending_gamma,
                                  t->upper, t->alpha_spent),
             PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: interim: cannot compute efficacy boundaries for these looks",
             p->path, p->interim_loc.line, p->interim_loc.column);
  for (int j = 0; j < K; j++) t->lower[j] = -INFINITY;
  if (p->futility != TT_SPENDING_NONE)
    PetscCheck(!tt_stats_gsd_futility(K, p->information, t->upper, Family(p->futility), p->futility_beta,
                                      p->futility_gamma, t->lower, &theta),
               PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: interim: cannot compute futility boundaries for these looks",
               p->path, p->interim_loc.line, p->interim_loc.column);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialGetDesign(TTTrial t, PetscInt *nlook, const double **information, const double **upper,
                                const double **lower, const double **alpha_spent)
{
  PetscFunctionBeginUser;
  *nlook       = t->p->nlook;
  *information = t->p->information;
  *upper       = t->upper;
  *lower       = t->lower;
  *alpha_spent = t->alpha_spent;
  PetscFunctionReturn(0);
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Calendar time at which each analysed twin contributes its information, sorted. */
static PetscInt InformationTimes(TTTrial t, PetscInt e, const double recs[], const PetscInt arm[],
                                 const TTAnalysisSpec *an)
{
  const TTEndpointSpec *ep = &t->p->endpoint[e];
  PetscInt              n  = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    TTPair        q;
    if (arm[i] != an->treatment_arm && arm[i] != an->control_arm) continue;
    q = TTTrialEndpoint(t, rec, arm[i], e, INFINITY, PETSC_TRUE);
    if (isnan(q.value)) continue;
    if (TTEndpointKindOf(ep->type) == TT_KIND_TIME_TO_EVENT) {
      if (q.aux == 1.0) t->cut[n++] = rec[t->L.entry] + q.value;
    } else {
      double when = ep->visit_index >= 0 ? t->t_days[ep->visit_index] : TTTrialFollowUp(t, rec, INFINITY);
      t->cut[n++] = rec[t->L.entry] + when;
    }
  }
  qsort(t->cut, (size_t) n, sizeof(double), CompareDouble);
  return n;
}

void TTTrialCutAll(TTTrial t, const double recs[], const PetscInt arm[], double calendar)
{
  t->calendar = calendar;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    for (PetscInt e = 0; e < t->p->nendpoint; e++)
      t->pair[i * t->p->nendpoint + e] = TTTrialEndpoint(t, rec, arm[i], e, calendar - rec[t->L.entry], PETSC_TRUE);
  }
}

/* Data cut that sees exactly the first `need` of the n sorted event times in t->cut, and
 * any within a millisecond of the last of them (ties): half a millisecond after the last,
 * so no later event and (but for a tie) no later entry is seen. *when is the calendar time
 * of the look, that of the last event seen. */
static double EventCut(TTTrial t, PetscInt need, PetscInt n, double *when)
{
  const double tie = 1e-3 / 86400.0; /* a millisecond, in days */
  PetscInt     k   = need;
  while (k < n && t->cut[k] - t->cut[k - 1] < tie) k++;
  *when = t->cut[k - 1];
  return *when + 0.5 * tie;
}

/* Calendar day on which the data end: the cut-off, or the last twin's last visit. */
static double EndOfData(TTTrial t, const double recs[])
{
  double last = 0.0;
  if (t->p->followup_days > 0 || t->p->max_duration_days > 0) return t->horizon_days;
  for (PetscInt i = 0; i < t->p->patients; i++) last = PetscMax(last, recs[i * t->L.size + t->L.entry]);
  return last + t->horizon_days;
}

static double Randomized(TTTrial t, const double recs[], double calendar)
{
  PetscInt n = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) n += recs[i * t->L.size + t->L.entry] <= calendar;
  return (double) n;
}

PetscErrorCode TTTrialLooks(TTTrial t, const double recs[], const PetscInt arm[], TTReplicateResult *res,
                            double *final_cut)
{
  const TTProtocol     *p = t->p;
  const TTAnalysisSpec *an;
  PetscInt              K = p->nlook, k0 = p->interim_analysis, ninfo;

  PetscFunctionBeginUser;
  *final_cut    = INFINITY;
  res->stage    = 1;
  res->decision = 0;
  if (K == 0) PetscFunctionReturn(0);
  an    = &p->analysis[k0];
  ninfo = InformationTimes(t, an->endpoint_index, recs, arm, an);
  for (PetscInt j = 0; j < K; j++)
    res->look_z[j] = res->look_time[j] = res->look_information[j] = res->look_subjects[j] = res->look_bound[j] = NAN;
  for (PetscInt j = 0; j < K - 1; j++) {
    PetscInt need = p->event_driven ? (PetscInt) p->events[j] : (PetscInt) ceil(p->information[j] * (double) ninfo);
    double   calendar, when, info, z, km[6];
    tt_stats_result r;
    if (need < 1 || need > ninfo) continue;
    if (p->event_driven)
      calendar = EventCut(t, need, ninfo, &when);
    else
      when = calendar = t->cut[need - 1] * (1.0 + 1e-12) + 1e-9; /* include the twin that completes the information */
    TTTrialCutAll(t, recs, arm, calendar);
    if (TTTrialRunMethod(t, k0, recs, arm, &r, &info, km) != TT_STATS_OK) continue;
    z                        = an->direction * r.statistic;
    res->look_z[j]           = z;
    res->look_time[j]        = when;
    res->look_information[j] = info;
    res->look_subjects[j]    = Randomized(t, recs, when);
    res->look_bound[j]       = t->upper[j];
    res->stage               = j + 1;
    if (z >= t->upper[j] || z < t->lower[j]) {
      res->decision = z >= t->upper[j] ? 1 : -1;
      *final_cut    = calendar;
      PetscFunctionReturn(0);
    }
  }
  res->stage = K;
  if (p->event_driven && p->events[K - 1] <= (double) ninfo) {
    double when;
    *final_cut            = EventCut(t, (PetscInt) p->events[K - 1], ninfo, &when);
    res->look_time[K - 1] = when;
  } else
    res->look_time[K - 1] = EndOfData(t, recs);
  res->look_subjects[K - 1] = Randomized(t, recs, res->look_time[K - 1]);
  PetscFunctionReturn(0);
}

/* Efficacy boundary of the final look: the design's, or, when an event-driven final
 * analysis has fewer events than planned, the one spending all alpha left given the
 * looks held (their fractions of the events the final analysis has). */
static double FinalBound(TTTrial t, const TTReplicateResult *res, double final_info)
{
  const TTProtocol     *p  = t->p;
  const TTAnalysisSpec *an = &p->analysis[p->interim_analysis];
  PetscInt              K = p->nlook, m = 0;
  double                frac[TT_MAX_LOOKS], up[TT_MAX_LOOKS], c;
  if (!p->event_driven || final_info >= p->events[K - 1]) return t->upper[K - 1];
  for (PetscInt j = 0; j < K - 1; j++) {
    if (isnan(res->look_z[j])) continue;
    if (!(res->look_information[j] < final_info)) return t->upper[j]; /* no event since: the last look's test again */
    frac[m] = res->look_information[j] / final_info, up[m++] = t->upper[j];
  }
  return tt_stats_gsd_final_bound((int) m, frac, up, an->alpha / an->sided, &c) == TT_STATS_OK ? c : NAN;
}

void TTTrialFinalLook(TTTrial t, TTReplicateResult *res)
{
  const TTProtocol *p  = t->p;
  PetscInt          k0 = p->interim_analysis, j = res->stage - 1;
  if (p->nlook == 0) return;
  if (res->stage == p->nlook) {
    res->look_information[j] = res->information[k0];
    res->look_bound[j]       = FinalBound(t, res, res->information[k0]);
    res->look_z[j]           = res->ok[k0] ? p->analysis[k0].direction * res->result[k0].statistic : NAN;
    res->decision            = res->ok[k0] && res->look_z[j] >= res->look_bound[j] ? 1 : 0;
  }
  if (res->ok[k0]) res->result[k0].reject = res->decision == 1;
}
