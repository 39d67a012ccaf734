/* guided_forecast.c — a guided twin's forecast: each candidate's regimen given the
 * policy so far, and its score over draws from the twin's Laplace posterior.
 *
 * A candidate's regimen at decision time tau is the policy so far followed by the
 * candidate from tau (the policy itself when the candidate is the one held). Forecasts
 * use the candidates' effects at the typical exposure-response clearance (the twin's own
 * is not known to the chooser). The same posterior draws serve every candidate (common
 * random numbers), keyed by the twin, the arm and the decision; with draws: 0, or when
 * the Laplace covariance is not positive definite, the forecast is at the mode. A
 * forecast whose integration fails counts no score (its candidate is scored over the
 * draws that succeed; +inf when none does).
 * With forecast: delta_method the model is integrated only at the mode and at mode +- h_l
 * e_l, h_l = 1 posterior SD of random effect l (one batch of ncandidate (2 nlatent + 1)
 * trajectories), and each draw's value of the choose variable is the second-order
 * expansion around the mode without cross terms,
 *   y(mode) + sum_l [d_l (eta_l - mode_l) + q_l (eta_l - mode_l)^2 / 2],
 * d_l and q_l the central first and second differences over +-1 posterior SD (the delta
 * method; the same draws as forecast: draws, so the two differ only by the expansion). A
 * first-order expansion alone chose worse on the validation trial (oracle agreement 0.012
 * lower, paired SE 0.003): the criterion curves over the posterior's width. A candidate
 * whose points do not all integrate is scored +inf.
 * After the first decision (tau > 0) every candidate's regimen follows the policy so far up
 * to tau, so an ODE model without doses integrates each point (draw, or the delta method's)
 * up to tau once and every candidate from that state (TTSimStates, TTSimTrajectoriesFrom:
 * the same values to the integration tolerance); both forecast integrators run at the
 * guided arms' forecast tolerance (guided_create.c).
 */
#include <math.h>
#include "guidedimpl.h"

void TTGuidePolicyRegimen(TTGuide g, const GuidePolicy *pol, const double *cand_eff, double start[], double eff[],
                          TTRegimen *reg)
{
  const PetscInt ne = g->m->neffect;

  for (PetscInt j = 0; j < pol->n; j++) {
    start[j] = pol->start[j];
    for (PetscInt i = 0; i < ne; i++) eff[j * ne + i] = cand_eff[pol->cand[j] * ne + i];
  }
  *reg = (TTRegimen){(int) pol->n, start, eff};
}

PetscErrorCode TTGuideCandidateEffects(TTGuide g, PetscInt a, double z)
{
  const TTGuidedSpec *s = &g->p->arm[a].guide;

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < s->ncandidate; c++)
    PetscCall(TTTrialRegimenEffects(g->trial, s->candidate[c], z, g->cand_eff + c * g->m->neffect));
  PetscFunctionReturn(0);
}

double TTGuideScore(TTGuide g, const TTGuidedSpec *s, PetscInt var, double y)
{
  TTObservation o = {y, s->target, NAN, NAN, 1};
  double        below;

  if (!isfinite(y)) return NAN;
  switch (s->goal) {
  case TT_CHOOSE_MINIMIZE:
    return y;
  case TT_CHOOSE_MAXIMIZE:
    return -y;
  default:
    below = exp(g->m->log_density(g->par, (int) var, &o));
    return s->goal == TT_CHOOSE_BELOW ? -below : -(1.0 - below);
  }
}

/* The cases g->cases[c * np + i] (candidate c, point i) in two pieces: the np points under
 * the policy so far (regimen pre) up to tau, once, then every case from there. */
static PetscErrorCode Pieces(TTGuide g, PetscInt n, PetscInt np, const TTRegimen *pre, double tau, double tc)
{
  const PetscInt ns = g->m->nstate;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < np; i++)
    g->pre[i] = (TTSimCase){g->cases[i].cov, g->cases[i].eta, pre->eff, pre->n > 1 ? pre : NULL};
  PetscCall(TTSimStates(g->sim_pre, np, g->pre, tau, g->u_pre));
  for (PetscInt k = 0; k < n; k++) PetscCall(PetscArraycpy(g->u_from + k * ns, g->u_pre + (k % np) * ns, ns));
  PetscCall(TTSimTrajectoriesFrom(g->sim_fc, n, g->cases, tau, g->u_from, 1, &tc, g->y));
  PetscFunctionReturn(0);
}

/* The choose variable's value at the choose visit of every case, y[n] (NaN where the
 * integration fails): one batch (in two pieces after the first decision: Pieces), or one
 * case at a time for a dosing model or after a failure of the batch. */
static PetscErrorCode Integrate(TTGuide g, PetscInt n, PetscInt np, const TTRegimen *pre, double tau, double tc,
                                PetscInt var, double y[])
{
  const PetscInt nv   = g->m->nvar;
  PetscErrorCode ierr = 1;

  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  if (!g->m->doses && g->m->nstate > 0 && tau > 0.0)
    ierr = Pieces(g, n, np, pre, tau, tc);
  else if (!g->m->doses)
    ierr = TTSimTrajectories(g->sim_fc, n, g->cases, 1, &tc, g->y);
  for (PetscInt i = 0; !ierr && i < n; i++) y[i] = g->y[i * nv + var];
  if (ierr) { /* a failure of the batch (or a dosing model): the cases one at a time, from 0 */
    if (ierr != 1) ierr = TTSimReset(g->sim_fc);
    if (!ierr) ierr = TTSimReset(g->sim_pre);
    for (PetscInt i = 0; !ierr && i < n; i++) {
      PetscErrorCode e = TTSimTrajectories(g->sim_fc, 1, &g->cases[i], 1, &tc, g->y);
      if (e == PETSC_ERR_NOT_CONVERGED || e == PETSC_ERR_FP)
        e = TTSimReset(g->sim_fc), y[i] = NAN;
      else if (!e)
        y[i] = g->y[var];
      ierr = e;
    }
  }
  PetscCall(PetscPopErrorHandler());
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The delta-method forecast's values ycrit[c * S + k] of the S draws in g->eta (est the
 * mode and its covariance, positive definite): the candidates' regimens are in g->reg, the
 * policy so far in pre (decision time tau). */
static PetscErrorCode DeltaMethod(TTGuide g, const TTGuidedTwin *w, const TTTwinEstimate *est, PetscInt S,
                                  const TTRegimen *pre, double tau, double tc, PetscInt var)
{
  const PetscInt nc = g->p->arm[w->arm].guide.ncandidate, nl = g->m->nlatent, np = 2 * nl + 1;
  double         h[TT_TWIN_MAX_LATENT], *y = g->ycrit + nc * S; /* after the draws' values */

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < nl; l++) h[l] = sqrt(est->cov[l * nl + l]);
  for (PetscInt i = 0; i < np; i++) { /* the mode, then mode + h_l e_l, mode - h_l e_l */
    double *e = g->eta_lin + i * nl;
    PetscArraycpy(e, est->eta, nl);
    if (i > 0) e[(i - 1) / 2] += (i % 2 ? 1.0 : -1.0) * h[(i - 1) / 2];
  }
  for (PetscInt c = 0; c < nc; c++)
    for (PetscInt i = 0; i < np; i++)
      g->cases[c * np + i] =
          (TTSimCase){w->cov, g->eta_lin + i * nl, g->reg[c].eff, g->reg[c].n > 1 ? &g->reg[c] : NULL};
  PetscCall(Integrate(g, nc * np, np, pre, tau, tc, var, y));
  for (PetscInt c = 0; c < nc; c++) {
    const double *yc = y + c * np;
    double        d[TT_TWIN_MAX_LATENT], q[TT_TWIN_MAX_LATENT];
    PetscBool     ok = isfinite(yc[0]);
    for (PetscInt l = 0; l < nl; l++) {
      d[l] = (yc[2 * l + 1] - yc[2 * l + 2]) / (2.0 * h[l]);
      q[l] = (yc[2 * l + 1] - 2.0 * yc[0] + yc[2 * l + 2]) / (h[l] * h[l]);
      ok   = ok && isfinite(d[l]) && isfinite(q[l]);
    }
    for (PetscInt k = 0; k < S; k++) {
      double v = yc[0];
      for (PetscInt l = 0; l < nl; l++) {
        double dl = g->eta[k * nl + l] - est->eta[l];
        v += d[l] * dl + 0.5 * q[l] * dl * dl;
      }
      g->ycrit[c * S + k] = ok ? v : NAN;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTGuideForecast(TTGuide g, const TTGuidedTwin *w, const TTTwinEstimate *est, PetscInt d, double tau,
                               const GuidePolicy *pol, double score[])
{
  const TTGuidedSpec *s  = &g->p->arm[w->arm].guide;
  const PetscInt      nc = s->ncandidate, nl = g->m->nlatent, ne = g->m->neffect;
  PetscInt            S = s->draws, var = g->var[w->arm];
  PetscBool           ok = PETSC_FALSE;
  double              tc;
  tt_pcg32            rng;
  TTRegimen           pre = {0, NULL, NULL};

  PetscFunctionBeginUser;
  PetscCall(TTTrialModelTime(g->trial, s->visit, &tc));
  PetscCall(TTGuideCandidateEffects(g, w->arm, 0.0));
  for (PetscInt c = 0; c < nc; c++) {
    GuidePolicy q = *pol;
    if (q.n == 0 || q.cand[q.n - 1] != c) q.start[q.n] = tau, q.cand[q.n++] = c;
    TTGuidePolicyRegimen(g, &q, g->cand_eff, g->reg_start[c], g->reg_eff + c * TT_MAX_SEGMENTS * ne, &g->reg[c]);
  }
  if (pol->n) TTGuidePolicyRegimen(g, pol, g->cand_eff, g->pre_start, g->pre_eff, &pre);
  if (S > 0) {
    uint64_t key = TT_STREAM_GUIDE + 256 * (uint64_t) d + 4096 * (uint64_t) w->arm + ((uint64_t) w->candidate << 32);
    tt_rng_substream(&rng, g->p->seed, (uint64_t) w->replicate, (uint64_t) w->subject, key);
    PetscCall(TTTwinDrawPosterior(g->fit, est, &rng, S, g->eta, &ok));
  }
  if (!ok) {
    S = 1;
    PetscCall(PetscArraycpy(g->eta, est->eta, nl));
  }
  if (ok && s->forecast == TT_GUIDED_FORECAST_DELTA)
    PetscCall(DeltaMethod(g, w, est, S, &pre, tau, tc, var));
  else {
    for (PetscInt c = 0; c < nc; c++)
      for (PetscInt k = 0; k < S; k++)
        g->cases[c * S + k] = (TTSimCase){w->cov, g->eta + k * nl, g->reg[c].eff, g->reg[c].n > 1 ? &g->reg[c] : NULL};
    PetscCall(Integrate(g, nc * S, S, &pre, tau, tc, var, g->ycrit));
  }
  for (PetscInt c = 0; c < nc; c++) {
    double   sum = 0;
    PetscInt n   = 0;
    for (PetscInt k = 0; k < S; k++) {
      double sc = TTGuideScore(g, s, var, g->ycrit[c * S + k]);
      if (isfinite(sc)) sum += sc, n++;
    }
    score[c] = n ? sum / n + s->cost[c] : INFINITY;
  }
  PetscFunctionReturn(0);
}
