/* trial_endpoint.c — what the trial observes of a twin, and the truth it is compared with.
 *
 * Observation of twin i under arm a ends at O = min(follow-up cut, terminal event,
 * dropout): a visit is observed when its day is before O; events are observed before
 * the end of follow-up and dropout (terminal events also end it for other events).
 * The follow-up cut is the administrative cut-off (accrual + follow-up - entry, or an
 * event-driven design's max_duration - entry) or the last visit, or an interim data cut. With dropout off (the
 * counterfactual) only follow-up and death end observation. A visit the twin misses
 * (missed_visits) is not observed, whatever else holds, for the measures at visits (not
 * for best response or progression, nor for the counterfactual truth).
 * The true value of an analysis is the sample effect over every twin under both arms,
 * without withdrawal, on the course its estimand names (TTEstimand): treatment policy the
 * actual course (after a discontinuation, off treatment), hypothetical the on-treatment
 * course, while on treatment the actual course up to the last visit on treatment. Without
 * discontinuation the three are the same course, so the same value.
 */
#include <math.h>
#include "trialimpl.h"

double TTTrialFollowUp(TTTrial t, const double *rec, double calendar)
{
  double entry = rec[t->L.entry], h = t->horizon_days;
  if (t->p->followup_days > 0 || t->p->max_duration_days > 0) h -= entry; /* a calendar cut-off */
  return PetscMin(h, calendar - entry);
}

/* First time of the twin's terminal events other than `skip` (days), INFINITY if none. */
static double TerminalTime(TTTrial t, const double *ev, PetscInt skip)
{
  double d = INFINITY;
  for (PetscInt k = 0; k < t->L.nevent; k++)
    if (k != skip && t->model->event[k].terminal) d = PetscMin(d, ev[k * TT_MAX_EVENT_TIMES]);
  return d;
}

static double Measure(TTMeasure m, double y, double y0)
{
  return m == TT_MEASURE_VALUE ? y : m == TT_MEASURE_CHANGE ? y - y0 : 100.0 * (y - y0) / y0;
}

/* A continuous endpoint's measure of value y against baseline y0. */
static double ContinuousMeasure(TTEndpointType type, double y, double y0)
{
  return type == TT_ENDPOINT_VALUE_AT_VISIT         ? y
         : type == TT_ENDPOINT_CHANGE_FROM_BASELINE ? y - y0
                                                    : Measure(TT_MEASURE_PERCENT_CHANGE, y, y0);
}

/* A visit is seen when it is within follow-up and before dropout or death. */
static PetscBool Seen(double day, double follow, double stop)
{
  return day <= follow && day < stop ? PETSC_TRUE : PETSC_FALSE;
}

/* Best (lowest) percent change over observed post-baseline visits <= threshold; with
 * confirm_days > 0 (RECIST confirmed response) the change must stay <= threshold over a run
 * of consecutive observed visits spanning >= confirm_days. */
static TTPair BestResponse(TTTrial t, const TTEndpointSpec *ep, const double *traj, PetscInt k, double follow,
                           double stop)
{
  const TTRecordLayout *L  = &t->L;
  double                y0 = traj[k], first = NAN; /* first visit of the current run of responses */
  TTPair                out   = {NAN, NAN};
  PetscBool             found = PETSC_FALSE;
  if (!Seen(0.0, follow, stop)) return out;
  for (PetscInt v = 1; v < L->nvisit && Seen(t->t_days[v], follow, stop) && !found; v++) {
    if (Measure(TT_MEASURE_PERCENT_CHANGE, traj[v * L->nvar + k], y0) > ep->threshold) {
      first = NAN;
      continue;
    }
    if (isnan(first)) first = t->t_days[v];
    found = t->t_days[v] - first >= ep->confirm_days ? PETSC_TRUE : PETSC_FALSE;
  }
  out.value = found ? 1.0 : 0.0; /* not evaluable counts as non-response (ITT) */
  return out;
}

/* PFS: first observed visit with growth over the nadir by both criteria, or death. The growth
 * must be an increase: after a complete response (nadir 0) a reading of 0 is not progression
 * (0 >= 1.2 x 0 would be), a reappearing lesion is (RECIST 1.0, Therasse et al. 2000). */
static TTPair ProgressionFree(TTTrial t, const TTEndpointSpec *ep, const double *traj, PetscInt k, double death,
                              double follow, double drop)
{
  const TTRecordLayout *L     = &t->L;
  double                nadir = traj[k], last = 0.0, prog = INFINITY, end = PetscMin(follow, drop);
  TTPair                out = {NAN, NAN};
  if (!Seen(0.0, follow, drop)) return out;
  for (PetscInt v = 1; v < L->nvisit && Seen(t->t_days[v], follow, PetscMin(drop, death)); v++) {
    double y = traj[v * L->nvar + k];
    last     = t->t_days[v];
    if (y > nadir && y >= nadir * (1.0 + ep->progression_percent / 100.0) && y - nadir >= ep->progression_absolute) {
      prog = t->t_days[v];
      break;
    }
    nadir = PetscMin(nadir, y);
  }
  prog = PetscMin(prog, death);
  if (prog <= end)
    out.value = prog, out.aux = 1.0;
  else
    out.value = last, out.aux = 0.0;
  return out;
}

/* Area of one interval between samples (t1, y1) and (t2, y2): a trapezoid, or with log_down the
 * exponential through both when the value falls and both are positive (linear up / log down). */
static double Segment(int log_down, double t1, double y1, double t2, double y2)
{
  if (log_down && y2 < y1 && y2 > 0) return (t2 - t1) * (y1 - y2) / log(y1 / y2);
  return 0.5 * (t2 - t1) * (y1 + y2);
}

/* Peak, time of peak or area over the window's observed samples (a non-compartmental summary,
 * time in the schedule's unit after the window's first visit). The profile must be complete:
 * observation lasts past the window's last visit. A missed visit is a missing sample; the
 * summary needs one sample (two for the area). */
static TTPair Window(TTTrial t, const TTEndpointSpec *ep, const double *rec, const double *traj, PetscInt k,
                     double follow, double stop, PetscBool with_dropout)
{
  const TTRecordLayout *L    = &t->L;
  const double         *when = t->p->visit;
  double                peak = -INFINITY, tpeak = NAN, area = 0.0, t0 = NAN, y0 = NAN;
  int                   n   = 0;
  TTPair                out = {NAN, NAN};
  if (!Seen(t->t_days[ep->visit_index], follow, stop)) return out;
  for (PetscInt v = ep->from_index; v <= ep->visit_index; v++) {
    double y = traj[v * L->nvar + k], tv = when[v] - when[ep->from_index];
    if (with_dropout && TTRecordMissed(L, rec, v)) continue;
    if (y > peak) peak = y, tpeak = tv;
    if (n++) area += Segment(ep->log_down, t0, y0, tv, y);
    t0 = tv, y0 = y;
  }
  if (n < (ep->type == TT_ENDPOINT_AUC ? 2 : 1)) return out;
  out.value = ep->type == TT_ENDPOINT_PEAK ? peak : ep->type == TT_ENDPOINT_TIME_OF_PEAK ? tpeak : area;
  return out;
}

TTPair TTTrialEndpoint(TTTrial t, const double *rec, PetscInt a, PetscInt e, double cut, PetscBool with_dropout)
{
  const TTRecordLayout *L    = &t->L;
  const TTEndpointSpec *ep   = &t->p->endpoint[e];
  const double         *traj = TTRecordTraj(L, rec, a), *ev = TTRecordEvents(L, rec, a);
  PetscInt              k = t->endpoint_var[e], kev = t->endpoint_event[e];
  double                follow = PetscMin(TTTrialFollowUp(t, rec, INFINITY), cut),
         drop                  = with_dropout ? TTRecordDropout(L, rec, a) : INFINITY;
  double death = TerminalTime(t, ev, kev), end = PetscMin(PetscMin(follow, drop), death);
  TTPair out = {NAN, NAN};

  if (rec[L->failed] != 0.0) return out; /* dropped after a failed simulation: no data */
  switch (ep->type) {
  case TT_ENDPOINT_BEST_RESPONSE:
    return BestResponse(t, ep, traj, k, follow, PetscMin(drop, death));
  case TT_ENDPOINT_PROGRESSION_FREE:
    return ProgressionFree(t, ep, traj, k, kev >= 0 ? ev[kev * TT_MAX_EVENT_TIMES] : INFINITY, follow, drop);
  case TT_ENDPOINT_TIME_TO_EVENT: {
    double T = ev[kev * TT_MAX_EVENT_TIMES];
    if (end <= 0) return out;
    if (T < end)
      out.value = T, out.aux = 1.0;
    else
      out.value = end, out.aux = 0.0;
    return out;
  }
  case TT_ENDPOINT_PEAK:
  case TT_ENDPOINT_TIME_OF_PEAK:
  case TT_ENDPOINT_AUC:
    return Window(t, ep, rec, traj, k, follow, PetscMin(drop, death), with_dropout);
  case TT_ENDPOINT_COUNT: {
    double x = PetscMin(end, TerminalTime(t, ev, -1));
    int    n = 0;
    if (!(x > 0) || !isfinite(x)) return out;
    while (n < TT_MAX_EVENT_TIMES && ev[kev * TT_MAX_EVENT_TIMES + n] < x) n++;
    out.value = n, out.aux = x / ep->per_days;
    return out;
  }
  default: { /* measured at a visit */
    PetscInt v = ep->visit_index;
    double   y, y0 = traj[k];
    if (!Seen(t->t_days[v], follow, PetscMin(drop, death)) || (with_dropout && TTRecordMissed(L, rec, v))) return out;
    y = traj[v * L->nvar + k];
    if (ep->type == TT_ENDPOINT_RESPONDER) {
      double m  = Measure(ep->measure, y, y0);
      out.value = (ep->below ? m < ep->threshold : m > ep->threshold) ? 1.0 : 0.0;
    } else
      out.value = ContinuousMeasure(ep->type, y, y0);
    return out;
  }
  }
}

double TTTrialMeasureAtVisit(TTTrial t, const double *rec, PetscInt a, PetscInt e, PetscInt v, double cut,
                             PetscBool with_dropout)
{
  const TTRecordLayout *L      = &t->L;
  const double         *traj   = TTRecordTraj(L, rec, a);
  PetscInt              k      = t->endpoint_var[e];
  double                follow = PetscMin(TTTrialFollowUp(t, rec, INFINITY), cut),
         drop                  = with_dropout ? TTRecordDropout(L, rec, a) : INFINITY;
  if (rec[L->failed] != 0.0 || (with_dropout && TTRecordMissed(L, rec, v))) return NAN;
  if (!Seen(t->t_days[v], follow, PetscMin(drop, TerminalTime(t, TTRecordEvents(L, rec, a), t->endpoint_event[e]))))
    return NAN;
  return ContinuousMeasure(t->p->endpoint[e].type, traj[v * L->nvar + k], traj[k]);
}

static double Logit(double p)
{
  return log(p / (1.0 - p));
}

/* Log hazard ratio of the counterfactual data: every twin under both arms, no dropout. */
static double TrueLogHazardRatio(TTTrial t, const TTAnalysisSpec *an, const double recs[])
{
  PetscInt           n = 0;
  tt_stats_result    res;
  tt_stats_test_spec spec = {0.05, 2, -1};
  for (PetscInt i = 0; i < t->p->patients; i++)
    for (int j = 0; j < 2; j++) {
      TTPair q = TTTrialEndpoint(t, recs + i * t->L.size, j ? an->treatment_arm : an->control_arm, an->endpoint_index,
                                 INFINITY, PETSC_FALSE);
      if (isnan(q.value)) continue;
      t->y0[n] = q.value, t->status[n] = (int) q.aux, t->treat[n] = j, n++;
    }
  tt_stats_surv_data d = {(int) n, t->y0, t->status, t->treat, 0, NULL, NULL};
  return tt_stats_cox(&d, TT_STATS_TIES_EFRON, spec, &res, NULL, NULL, NULL) ? NAN : res.estimate;
}

/* Twin `rec`'s value under arm a for an estimand other than treatment policy (an endpoint
 * measured at a visit, parse-checked): hypothetical, the on-treatment course at the visit;
 * while on treatment, the actual course at the visit or at the last visit on treatment (at
 * or before the first intercurrent event, discontinuation or rescue; the baseline at
 * worst), whichever comes first. No
 * withdrawal; follow-up and terminal events end observation as for treatment policy. */
static TTPair EstimandPair(TTTrial t, const TTAnalysisSpec *an, const double *rec, PetscInt a)
{
  const TTRecordLayout *L  = &t->L;
  const TTEndpointSpec *ep = &t->p->endpoint[an->endpoint_index];
  PetscInt              k = t->endpoint_var[an->endpoint_index], kev = t->endpoint_event[an->endpoint_index];
  PetscInt              v = an->method == TT_ANALYSIS_MMRM ? an->mmrm_visit_index : ep->visit_index;
  const double         *traj =
      an->estimand == TT_ESTIMAND_HYPOTHETICAL ? TTRecordOnTreatment(L, rec, a) : TTRecordTraj(L, rec, a);
  double follow = TTTrialFollowUp(t, rec, INFINITY), death = TerminalTime(t, TTRecordEvents(L, rec, a), kev), y;
  TTPair out = {NAN, NAN};

  if (rec[L->failed] != 0.0) return out;
  if (an->estimand == TT_ESTIMAND_WHILE_ON_TREATMENT)
    while (v > 0 && t->t_days[v] > TTRecordIntercurrent(L, rec, a)) v--;
  if (!Seen(t->t_days[v], follow, death)) return out;
  y = traj[v * L->nvar + k];
  if (ep->type == TT_ENDPOINT_RESPONDER) {
    double m  = Measure(ep->measure, y, traj[k]);
    out.value = (ep->below ? m < ep->threshold : m > ep->threshold) ? 1.0 : 0.0;
  } else
    out.value = ContinuousMeasure(ep->type, y, traj[k]);
  return out;
}

double TTTrialTrueEffect(TTTrial t, PetscInt k, const double recs[])
{
  const TTAnalysisSpec *an   = &t->p->analysis[k];
  TTEndpointKind        kind = TTEndpointKindOf(t->p->endpoint[an->endpoint_index].type);
  double                s[2] = {0, 0}, x[2] = {0, 0};
  PetscInt              n = 0;

  if (kind == TT_KIND_TIME_TO_EVENT) return TrueLogHazardRatio(t, an, recs);
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * t->L.size;
    TTPair        c   = TTTrialEndpoint(t, rec, an->control_arm, an->endpoint_index, INFINITY, PETSC_FALSE);
    TTPair        e   = TTTrialEndpoint(t, rec, an->treatment_arm, an->endpoint_index, INFINITY, PETSC_FALSE);
    if (an->estimand != TT_ESTIMAND_TREATMENT_POLICY) {
      c = EstimandPair(t, an, rec, an->control_arm);
      e = EstimandPair(t, an, rec, an->treatment_arm);
    } else if (an->method == TT_ANALYSIS_MMRM || an->method == TT_ANALYSIS_MI) { /* at the contrast's visit */
      c.value = TTTrialMeasureAtVisit(t, rec, an->control_arm, an->endpoint_index, an->mmrm_visit_index, INFINITY,
                                      PETSC_FALSE);
      e.value = TTTrialMeasureAtVisit(t, rec, an->treatment_arm, an->endpoint_index, an->mmrm_visit_index, INFINITY,
                                      PETSC_FALSE);
    }
    if (isnan(c.value) || isnan(e.value)) continue;
    s[0] += c.value, s[1] += e.value, n++;
    if (kind == TT_KIND_COUNT) x[0] += c.aux, x[1] += e.aux;
  }
  if (!n) return NAN;
  if (kind == TT_KIND_COUNT) return log(s[1] / x[1]) - log(s[0] / x[0]);
  if (kind == TT_KIND_BINARY && an->method != TT_ANALYSIS_RISK_DIFFERENCE) return Logit(s[1] / n) - Logit(s[0] / n);
  return (s[1] - s[0]) / (double) n;
}

PetscBool TTTrialInStudyAtLastVisit(TTTrial t, const double rec[], PetscInt a)
{
  const TTRecordLayout *L    = &t->L;
  double                stop = PetscMin(TTRecordDropout(L, rec, a), TerminalTime(t, TTRecordEvents(L, rec, a), -1));
  return Seen(t->t_days[L->nvisit - 1], TTTrialFollowUp(t, rec, INFINITY), stop);
}

void TTTrialObservedTrajectory(TTTrial t, const double rec[], PetscInt a, double y[])
{
  const TTRecordLayout *L      = &t->L;
  const double         *traj   = TTRecordTraj(L, rec, a);
  double                follow = TTTrialFollowUp(t, rec, INFINITY);
  double                stop   = PetscMin(TTRecordDropout(L, rec, a), TerminalTime(t, TTRecordEvents(L, rec, a), -1));
  for (PetscInt v = 0; v < L->nvisit; v++)
    for (PetscInt k = 0; k < L->nvar; k++)
      y[v * L->nvar + k] = Seen(t->t_days[v], follow, stop) && !TTRecordMissed(L, rec, v) ? traj[v * L->nvar + k] : NAN;
}
