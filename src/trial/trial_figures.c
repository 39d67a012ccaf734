/* trial_figures.c — the protocol's validation figures, computed on every replicate as
 * the trial would have published them: arm means, standard deviations and proportions of
 * the observed endpoints, Kaplan-Meier medians and event-free probabilities, event rates,
 * the analyses' estimates (ratios as ratios), means and standard deviations of observed
 * baselines, and completion.
 *
 * Invariant: a figure is a function of the replicate's records and randomized arms
 * only (never of who computed it), NaN when it does not exist in that replicate (no
 * twin in the arm, a median not reached, an analysis that failed). Twins dropped after
 * a failed simulation have no endpoint and no baseline and are left out.
 */
#include <math.h>
#include <string.h>
#include "trialimpl.h"

PetscErrorCode TTTrialSetUpFigures(TTTrial t)
{
  const TTProtocol *p = t->p;

  PetscFunctionBeginUser;
  PetscCall(
      PetscMalloc3(p->nfigure + 1, &t->figure_var, p->patients, &t->km_steps, p->nvisit * t->model->nvar, &t->traj));
  for (int i = 0; i < p->nfigure; i++) {
    const TTFigureSpec *f = &p->figure[i];
    t->figure_var[i]      = -1;
    if (f->statistic != TT_FIGURE_BASELINE_MEAN && f->statistic != TT_FIGURE_BASELINE_SD) continue;
    for (int k = 0; k < t->model->nvar; k++)
      if (!strcmp(t->model->var[k].name, f->variable)) t->figure_var[i] = k;
    PetscCheck(t->figure_var[i] >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: validation[%d].variable: '%s' is not an observed variable of model %s", p->path,
               f->variable_loc.line, f->variable_loc.column, i, f->variable, t->model->name);
  }
  PetscFunctionReturn(0);
}

static PetscBool InArm(const TTFigureSpec *f, const TTReplicateResult *res, PetscInt i)
{
  return f->arm < 0 || res->arm[i] == f->arm ? PETSC_TRUE : PETSC_FALSE;
}

/* Standard deviation (n - 1) of x[n] by two passes; NaN for n < 2. */
static double SD(PetscInt n, const double x[])
{
  double m = 0, s = 0;
  if (n < 2) return NAN;
  for (PetscInt i = 0; i < n; i++) m += x[i];
  m /= (double) n;
  for (PetscInt i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
  return sqrt(s / (double) (n - 1));
}

/* Mean of the endpoint values (mean, proportion), events / exposure (rate) or their
 * standard deviation (sd). */
static double EndpointAverage(TTTrial t, const TTFigureSpec *f, const TTReplicateResult *res)
{
  const TTProtocol *p = t->p;
  double            s = 0, d = 0;
  PetscInt          n = 0;
  for (PetscInt i = 0; i < p->patients; i++) {
    const double *pair = res->endpoint + 2 * (i * p->nendpoint + f->endpoint);
    if (!InArm(f, res, i) || isnan(pair[0])) continue;
    s += pair[0];
    d += f->statistic == TT_FIGURE_RATE ? pair[1] : 1.0;
    t->y0[n++] = pair[0];
  }
  if (f->statistic == TT_FIGURE_SD) return SD(n, t->y0);
  return d > 0 ? s / d : NAN;
}

/* Kaplan-Meier median (in the figure's unit) or event-free probability at its time. */
static double KaplanMeier(TTTrial t, const TTFigureSpec *f, const TTReplicateResult *res)
{
  const TTProtocol   *p = t->p;
  tt_stats_km_summary sum;
  int                 n = 0;
  double              s = 1.0;
  for (PetscInt i = 0; i < p->patients; i++) {
    const double *pair = res->endpoint + 2 * (i * p->nendpoint + f->endpoint);
    if (!InArm(f, res, i) || isnan(pair[0])) continue;
    t->y0[n]       = pair[0];
    t->status[n++] = (int) pair[1];
  }
  if (!n || tt_stats_km(n, t->y0, t->status, 0.95, t->km_steps, &sum) != TT_STATS_OK) return NAN;
  if (f->statistic == TT_FIGURE_MEDIAN) return sum.median / f->unit_days;
  for (int j = 0; j < sum.n_steps && t->km_steps[j].time <= f->time_days; j++) s = t->km_steps[j].surv;
  return s;
}

/* Mean or standard deviation of a variable's observed baseline, or the share still observed
 * at the last visit. */
static double Records(TTTrial t, PetscInt fi, const double recs[], const TTReplicateResult *res)
{
  const TTFigureSpec   *f = &t->p->figure[fi];
  const TTRecordLayout *L = &t->L;
  double                s = 0;
  PetscInt              n = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * L->size;
    if (!InArm(f, res, i) || rec[L->failed] != 0.0) continue;
    if (f->statistic == TT_FIGURE_COMPLETION) /* still in the study at the last visit (whether or not it missed it) */
      s += TTTrialInStudyAtLastVisit(t, rec, res->arm[i]) ? 1.0 : 0.0;
    else
      s += t->y0[n] = TTRecordTraj(L, rec, res->arm[i])[t->figure_var[fi]];
    n++;
  }
  if (f->statistic == TT_FIGURE_BASELINE_SD) return SD(n, t->y0);
  return n ? s / (double) n : NAN;
}

void TTTrialFigures(TTTrial t, const double recs[], TTReplicateResult *res)
{
  for (int i = 0; i < t->p->nfigure; i++) {
    const TTFigureSpec *f = &t->p->figure[i];
    switch (f->statistic) {
    case TT_FIGURE_MEAN:
    case TT_FIGURE_PROPORTION:
    case TT_FIGURE_RATE:
    case TT_FIGURE_SD:
      res->figure[i] = EndpointAverage(t, f, res);
      break;
    case TT_FIGURE_MEDIAN:
    case TT_FIGURE_SURVIVAL:
      res->figure[i] = KaplanMeier(t, f, res);
      break;
    case TT_FIGURE_EFFECT: /* ratio methods estimate log ratios */
      res->figure[i] = !res->ok[f->analysis] ? NAN
                       : f->log_scale        ? exp(res->result[f->analysis].estimate)
                                             : res->result[f->analysis].estimate;
      break;
    case TT_FIGURE_BASELINE_MEAN:
    case TT_FIGURE_COMPLETION:
    case TT_FIGURE_BASELINE_SD:
      res->figure[i] = Records(t, i, recs, res);
      break;
    }
  }
}
