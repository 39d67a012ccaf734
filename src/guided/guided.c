/* guided.c — the chooser of guided arms (guided.h): per twin, observe the run-in,
 * personalise, give the candidate forecast best, reassess, and score the oracle.
 *
 * Invariants: the twin's course after 0 is integrated from `initial` at 0 like every
 * other arm's, over every visit, under the policy so far, so its values at the visits up
 * to a reassessment are those of the final trajectory the record holds (the integration
 * up to a visit does not depend on later switches); the observations the decisions use
 * are TTTrialObserveVisit's of those values. The run-in (before 0) is the twin's
 * untreated course as personalisation models it (an ODE model from `initial` at the
 * first run-in visit). A switch happens at a reassess visit only when another candidate's
 * forecast score is strictly better than the one held. Truths: every candidate given from
 * 0 and the policy, at the twin's true random effects and exposure-response clearance,
 * scored by TTGuideScore plus the candidate's cost (the candidates' courses in one batch:
 * sim.c; the policy's own course where it is one candidate from 0). Integration failures of the twin's own
 * course are returned as PETSC_ERR_NOT_CONVERGED (the trial counts or reports the twin);
 * other errors are raised. Not collective.
 */
#include <math.h>
#include <string.h>
#include "guidedimpl.h"

static PetscErrorCode AddObservations(TTGuide g, double t, const double yobs[])
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < g->m->nvar; k++) {
    if (!g->observable[k] || !isfinite(yobs[k])) continue;
    PetscCheck(g->nobs < g->cap, PETSC_COMM_SELF, PETSC_ERR_PLIB, "guided observations exceed their capacity");
    g->t[g->nobs] = t, g->var_obs[g->nobs] = (int) k, g->value[g->nobs] = yobs[k], g->below[g->nobs++] = 0;
  }
  PetscFunctionReturn(0);
}

/* After an integration on g->sim that returned ierr: *failed for an integration failure
 * (the sim rebuilt), any other error raised. */
static PetscErrorCode Settle(TTGuide g, PetscErrorCode ierr, PetscBool *failed)
{
  PetscFunctionBeginUser;
  *failed = ierr == PETSC_ERR_NOT_CONVERGED || ierr == PETSC_ERR_FP;
  if (*failed)
    PetscCall(TTSimReset(g->sim));
  else
    PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscBool SamePolicy(const GuidePolicy *a, const GuidePolicy *b)
{
  if (a->n != b->n) return PETSC_FALSE;
  for (PetscInt j = 0; j < a->n; j++)
    if (a->start[j] != b->start[j] || a->cand[j] != b->cand[j]) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The twin's true course under pol (its own clearance) at every visit into y; *failed on
 * an integration failure. The course last computed into g->ymean (g->course_pol) is copied
 * instead of integrated again: the integration is a pure function of its inputs. */
static PetscErrorCode Course(TTGuide g, const TTGuidedTwin *w, const GuidePolicy *pol, double start[], double eff[],
                             TTRegimen *reg, double y[], PetscBool *failed)
{
  TTSimCase      k;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTGuideCandidateEffects(g, w->arm, w->z));
  TTGuidePolicyRegimen(g, pol, g->cand_eff, start, eff, reg);
  *failed = PETSC_FALSE;
  if (g->course_pol.n && SamePolicy(pol, &g->course_pol)) {
    if (y != g->ymean) PetscCall(PetscArraycpy(y, g->ymean, g->p->nvisit * g->m->nvar));
    PetscFunctionReturn(0);
  }
  k = (TTSimCase){w->cov, w->eta, reg->eff, reg->n > 1 ? reg : NULL};
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectories(g->sim, 1, &k, g->p->nvisit, g->t_model, y);
  PetscCall(PetscPopErrorHandler());
  PetscCall(Settle(g, ierr, failed));
  g->course_pol.n = 0;
  if (!*failed && y == g->ymean) g->course_pol = *pol;
  PetscFunctionReturn(0);
}

/* The untreated run-in: the course at the run-in times, observed from their own streams. */
static PetscErrorCode RunIn(TTGuide g, const TTGuidedTwin *w, PetscBool *failed)
{
  const TTGuidedSpec *s = &g->p->arm[w->arm].guide;
  double              t[TT_MAX_RUN_IN], y[TT_MAX_RUN_IN * TT_GUIDE_MAX_VARS], yobs[TT_GUIDE_MAX_VARS];
  PetscErrorCode      ierr;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < s->nrun_in; k++) PetscCall(TTTrialModelTime(g->trial, s->run_in[k], &t[k]));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectoryHistory(g->sim, w->cov, w->eta, g->eff_none, g->eff_none, s->nrun_in, t, y);
  PetscCall(PetscPopErrorHandler());
  PetscCall(Settle(g, ierr, failed));
  for (PetscInt k = 0; !*failed && k < s->nrun_in; k++) {
    PetscCall(TTTrialObserveRunIn(g->trial, w, k, y + k * g->m->nvar, yobs));
    PetscCall(AddObservations(g, t[k], yobs));
  }
  /* the first fit's start: the random effects' conditional mean given the last run-in
   * visit's observations (the model's `condition`, as a baseline conditions a twin) */
  if (!*failed) g->m->condition(g->par, w->cov, yobs, g->eta_prev);
  PetscFunctionReturn(0);
}

/* Decision d at model time tau: personalise on the observations so far (from the last
 * decision's estimate, or RunIn's conditional mean at the first) and give the best
 * candidate (the first, at 0), or switch to it when strictly better than the one held. */
static PetscErrorCode Decide(TTGuide g, const TTGuidedTwin *w, PetscInt d, double tau, GuidePolicy *pol,
                             PetscInt *unconverged)
{
  const TTGuidedSpec *s = &g->p->arm[w->arm].guide;
  double              start[TT_MAX_SEGMENTS], score[TT_MAX_CANDIDATES];
  double              eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS];
  TTRegimen           reg;
  TTPatient           pt = {"", w->cov, -1, g->nobs, g->t, g->var_obs, g->value, g->below, NULL};
  TTTwinEstimate      est;
  PetscInt            best = 0;

  PetscFunctionBeginUser;
  if (pol->n) {
    PetscCall(TTGuideCandidateEffects(g, w->arm, 0.0));
    TTGuidePolicyRegimen(g, pol, g->cand_eff, start, eff, &reg);
    pt.reg = &reg;
  }
  PetscCall(TTTwinFitPatientFrom(g->fit, &pt, g->eta_prev, &est));
  PetscCall(PetscArraycpy(g->eta_prev, est.eta, g->m->nlatent));
  *unconverged += !est.converged;
  PetscCall(PetscInfo(NULL, "guided decision %d: %d Tao iterations%s%s%s\n", (int) d, (int) est.iterations,
                      pol->n > 1 ? " (a switched regimen)" : "", est.converged ? "" : "; ", est.reason));
  PetscCall(TTGuideForecast(g, w, &est, d, tau, pol, score));
  for (PetscInt c = 1; c < s->ncandidate; c++)
    if (score[c] < score[best]) best = c;
  if (!pol->n) {
    pol->n = 1, pol->start[0] = 0.0, pol->cand[0] = best;
    PetscFunctionReturn(0);
  }
  if (best != pol->cand[pol->n - 1] && score[best] < score[pol->cand[pol->n - 1]])
    pol->start[pol->n] = tau, pol->cand[pol->n++] = best;
  PetscFunctionReturn(0);
}

/* Observes the scheduled visits in (0, until] from *next on, on the course so far. */
static PetscErrorCode ObserveVisits(TTGuide g, const TTGuidedTwin *w, const GuidePolicy *pol, double until,
                                    PetscInt *next, PetscBool *failed)
{
  double    start[TT_MAX_SEGMENTS], eff[TT_MAX_SEGMENTS * TT_MAX_EFFECTS], yobs[TT_GUIDE_MAX_VARS];
  TTRegimen reg;

  PetscFunctionBeginUser;
  PetscCall(Course(g, w, pol, start, eff, &reg, g->ymean, failed));
  for (; !*failed && *next < g->p->nvisit && g->p->visit[*next] <= until; (*next)++) {
    if (!(g->p->visit[*next] > 0)) continue;
    PetscCall(TTTrialObserveVisit(g->trial, w, *next, g->ymean + *next * g->m->nvar, yobs));
    PetscCall(AddObservations(g, g->t_model[*next], yobs));
  }
  PetscFunctionReturn(0);
}

/* True scores of every candidate from 0 (their courses integrated together, one batch, as
 * a twin's arms are) and of the policy (its course y), and the oracle. */
static PetscErrorCode Truths(TTGuide g, const TTGuidedTwin *w, const GuidePolicy *pol, const double y[], double block[],
                             PetscBool *failed)
{
  const TTGuidedSpec *s  = &g->p->arm[w->arm].guide;
  const PetscInt      nc = s->ncandidate, at = g->visit[w->arm] * g->m->nvar + g->var[w->arm];
  const PetscInt      stride = g->p->nvisit * g->m->nvar;
  double             *score  = block + TT_GUIDED_SCORE;
  TTSimCase           cases[TT_MAX_CANDIDATES];
  PetscErrorCode      ierr;

  PetscFunctionBeginUser;
  block[TT_GUIDED_POLICY_SCORE] = TTGuideScore(g, s, g->var[w->arm], y[at]) + s->cost[pol->cand[pol->n - 1]];
  block[TT_GUIDED_ORACLE]       = 0;
  PetscCall(TTGuideCandidateEffects(g, w->arm, w->z));
  for (PetscInt c = 0; c < nc; c++) cases[c] = (TTSimCase){w->cov, w->eta, g->cand_eff + c * g->m->neffect, NULL};
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectories(g->sim, nc, cases, g->p->nvisit, g->t_model, g->ytruth);
  PetscCall(PetscPopErrorHandler());
  PetscCall(Settle(g, ierr, failed));
  for (PetscInt c = 0; c < nc && !*failed; c++) {
    if (pol->n == 1 && pol->cand[0] == c) /* the policy's own course: regret exactly 0 */
      score[c] = block[TT_GUIDED_POLICY_SCORE];
    else
      score[c] = TTGuideScore(g, s, g->var[w->arm], g->ytruth[c * stride + at]) + s->cost[c];
    if (score[c] < score[(PetscInt) block[TT_GUIDED_ORACLE]]) block[TT_GUIDED_ORACLE] = c;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTGuideChoose_Private(void *ctx, TTTrial trial, const TTGuidedTwin *w, double start[], double eff[],
                                     TTRegimen *reg, double ymean[], double block[])
{
  TTGuide             g           = ctx;
  const TTGuidedSpec *s           = &g->p->arm[w->arm].guide;
  GuidePolicy         pol         = {0};
  PetscInt            unconverged = 0, next = 0;
  PetscBool           failed;
  double              tau;

  PetscFunctionBeginUser;
  PetscCheck(trial == g->trial, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the chooser belongs to another trial");
  g->nobs = 0, g->course_pol.n = 0;
  PetscCall(RunIn(g, w, &failed));
  if (failed) PetscFunctionReturn(PETSC_ERR_NOT_CONVERGED);
  PetscCall(Decide(g, w, 0, 0.0, &pol, &unconverged));
  block[TT_GUIDED_FIRST] = pol.cand[0];
  for (PetscInt j = 0; j < s->nreassess; j++) {
    PetscCall(ObserveVisits(g, w, &pol, s->reassess[j], &next, &failed));
    if (failed) PetscFunctionReturn(PETSC_ERR_NOT_CONVERGED);
    PetscCall(TTTrialModelTime(trial, s->reassess[j], &tau));
    PetscCall(Decide(g, w, j + 1, tau, &pol, &unconverged));
  }
  PetscCall(Course(g, w, &pol, start, eff, reg, ymean, &failed));
  if (failed) PetscFunctionReturn(PETSC_ERR_NOT_CONVERGED);
  block[TT_GUIDED_FINAL]       = pol.cand[pol.n - 1];
  block[TT_GUIDED_SWITCHES]    = pol.n - 1;
  block[TT_GUIDED_UNCONVERGED] = unconverged;
  PetscCall(Truths(g, w, &pol, ymean, block, &failed));
  if (failed) PetscFunctionReturn(PETSC_ERR_NOT_CONVERGED);
  PetscFunctionReturn(0);
}
