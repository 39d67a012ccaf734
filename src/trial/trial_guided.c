/* trial_guided.c — guided arms bound to the model, the chooser hook, the observations a
 * chooser sees, and the replicate's guided figures.
 *
 * The chooser itself (personalisation and forecasts) belongs to the module that
 * personalises twins; the trial only calls it per twin and guided arm (trial_sim.c) and
 * reduces the guided blocks of the records (TTTrialGuidedFigures).
 * Invariants after TTTrialBindGuided: every guided arm's choose variable is a model
 * variable with an observation density (guided_var), its visit a schedule index
 * (guided_visit); the model can be personalised, and switch when the arm reassesses.
 * Observations: a scheduled visit's are the arms' own (residual stream RESIDUAL + v),
 * run-in visit k's come from stream RUN_IN + k; both per screening candidate, like
 * every draw of a twin.
 */
#include <math.h>
#include <string.h>
#include "trialimpl.h"

PetscErrorCode TTTrialBindGuided(TTTrial t)
{
  const TTProtocol  *p = t->p;
  const TTModelType *m = t->model;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((p->narm + 1) * p->nvisit * m->nvar, &t->ybatch));
  for (int a = 0; a < p->narm; a++) {
    const TTGuidedSpec *s = &p->arm[a].guide;
    const char         *why;
    char                names[TT_VARIABLE_NAMES];
    t->guided_var[a] = t->guided_visit[a] = -1;
    if (!p->arm[a].guided) continue;
    if ((why = tt_model_unpersonalisable(m)))
      USER_ERROR(p, s->loc, "arms[%d].guided: model %s cannot personalise a twin (it defines no %s)", a, m->name, why);
    if (s->nreassess && (why = tt_model_unswitchable(m)))
      USER_ERROR(p, s->loc,
                 "arms[%d].guided.reassess: model %s cannot switch regimens during a twin's course: it defines no %s",
                 a, m->name, why);
    t->guided_var[a] = TTTrialFindVariable(m, s->variable, names);
    if (t->guided_var[a] < 0)
      USER_ERROR(p, s->variable_loc,
                 "arms[%d].guided.choose.variable: '%s' is not a variable of model %s; expected one of: %s", a,
                 s->variable, m->name, names);
    for (int v = 0; v < p->nvisit; v++)
      if (p->visit[v] == s->visit) t->guided_visit[a] = v;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialSetGuide(TTTrial t, TTTrialGuideFn fn, void *ctx, PetscErrorCode (*destroy)(void *))
{
  PetscFunctionBeginUser;
  if (t->guide_destroy) PetscCall(t->guide_destroy(t->guide_ctx));
  t->guide         = fn;
  t->guide_ctx     = ctx;
  t->guide_destroy = destroy;
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialObserveVisit(TTTrial t, const TTGuidedTwin *w, PetscInt v, const double ymean[], double yobs[])
{
  PetscFunctionBeginUser;
  PetscCheck(v >= 0 && v < t->p->nvisit, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "visit %d", (int) v);
  TTTrialObserveDraw(t, w->replicate, w->subject, w->candidate, TT_STREAM_RESIDUAL + (uint64_t) v, ymean, yobs);
  PetscFunctionReturn(0);
}

PetscErrorCode TTTrialObserveRunIn(TTTrial t, const TTGuidedTwin *w, PetscInt k, const double ymean[], double yobs[])
{
  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k < TT_MAX_RUN_IN, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "run-in visit %d", (int) k);
  TTTrialObserveDraw(t, w->replicate, w->subject, w->candidate, TT_STREAM_RUN_IN + (uint64_t) k, ymean, yobs);
  PetscFunctionReturn(0);
}

/* The guided figures of arm a over the replicate's twins not dropped. */
static void ArmFigures(TTTrial t, PetscInt a, const double recs[], double f[])
{
  const TTRecordLayout *L                      = &t->L;
  const PetscInt        nc                     = t->p->arm[a].guide.ncandidate;
  double                sum[TT_MAX_CANDIDATES] = {0}, n = 0;

  for (int i = 0; i < TT_GUIDED_FIGURES; i++) f[i] = 0;
  for (PetscInt i = 0; i < t->p->patients; i++) {
    const double *rec = recs + i * L->size, *b = TTRecordGuided(L, rec, a);
    PetscInt      fin = (PetscInt) b[TT_GUIDED_FINAL], orc = (PetscInt) b[TT_GUIDED_ORACLE];
    if (rec[L->failed] != 0.0) continue;
    n++;
    f[TT_GUIDED_SHARE + fin] += 1;
    f[TT_GUIDED_AGREEMENT] += fin == orc;
    f[TT_GUIDED_REGRET] += b[TT_GUIDED_SCORE + fin] - b[TT_GUIDED_SCORE + orc];
    f[TT_GUIDED_POLICY_MEAN] += b[TT_GUIDED_POLICY_SCORE];
    f[TT_GUIDED_MEAN_SWITCHES] += b[TT_GUIDED_SWITCHES];
    for (PetscInt c = 0; c < nc; c++) sum[c] += b[TT_GUIDED_SCORE + c];
  }
  f[TT_GUIDED_TWINS]       = n;
  f[TT_GUIDED_BEST_SINGLE] = 0;
  for (PetscInt c = 1; c < nc; c++)
    if (sum[c] < sum[(PetscInt) f[TT_GUIDED_BEST_SINGLE]]) f[TT_GUIDED_BEST_SINGLE] = c;
  f[TT_GUIDED_BEST_SINGLE_MEAN] = sum[(PetscInt) f[TT_GUIDED_BEST_SINGLE]];
  for (int i = 0; i < TT_GUIDED_FIGURES; i++)
    if (i != TT_GUIDED_TWINS && i != TT_GUIDED_BEST_SINGLE) f[i] = n > 0 ? f[i] / n : NAN;
  f[TT_GUIDED_VALUE] = f[TT_GUIDED_BEST_SINGLE_MEAN] - f[TT_GUIDED_POLICY_MEAN];
  for (PetscInt c = nc; c < TT_MAX_CANDIDATES; c++) f[TT_GUIDED_SHARE + c] = NAN;
}

void TTTrialGuidedFigures(TTTrial t, const double recs[], TTReplicateResult *res)
{
  for (PetscInt a = 0; a < t->p->narm; a++) {
    double *f = res->guided + a * TT_GUIDED_FIGURES;
    if (t->p->arm[a].guided)
      ArmFigures(t, a, recs, f);
    else
      for (int i = 0; i < TT_GUIDED_FIGURES; i++) f[i] = NAN;
  }
}
