/* twin_predict.c — forecasts of a personalised twin under every arm, and the arm its
 * forecast chooses.
 *
 * Draw s = 1..S: eta_s from the Laplace posterior N(mode, covariance), redrawn until it lies
 * inside the prior's truncation bounds (at most 100 tries, then clamped to them); the
 * exposure-response clearance from its population distribution; the trajectory under each
 * arm at the protocol's visits (the history's first time too, so an ODE twin starts where
 * its fit started); a new observation at each visit drawn by the model's `observe`. Per
 * (arm, visit, variable): the mean of the S new observations and their central `level`
 * interval (R's quantile type 7). Every draw of patient i comes from the substream
 * (seed, i, 0, TT_STREAM_FORECAST): identical on any rank. The arms of one draw share eta,
 * clearance and residual random numbers (common random numbers), as a trial's twins do.
 *
 * choose: per draw, the criterion of each arm (the noise-free value at the visit, or the
 * probability that an observation there lies below / above the target, from the model's
 * observation distribution); the best arm maximises the criterion's mean over draws (after
 * the sign of minimize); p_best is the share of draws in which it is the best; the benefit
 * of an arm is its criterion minus the control's, per draw (mean and interval).
 * A converged = 0 estimate forecasts nothing: every value NaN, best -1.
 */
#include <math.h>
#include <string.h>
#include "twinimpl.h"

typedef struct {
  PetscInt nvisit, nt, off; /* visits; trajectory times; index of the first visit in them */
  double   t[TT_MAX_VISITS + 1];
} Times;

static void ForecastTimes(TTTwinFit fit, const TTPatient *p, Times *T)
{
  const TTProtocol *pr    = fit->protocol;
  const double      scale = pr->unit_in_days / fit->m->time_unit_days;

  T->nvisit = pr->nvisit;
  T->off    = (p->nobs > 0 && p->t[0] < 0.0) ? 1 : 0;
  if (T->off) T->t[0] = p->t[0];
  for (PetscInt v = 0; v < pr->nvisit; v++) T->t[T->off + v] = pr->visit[v] * scale;
  T->nt = T->off + pr->nvisit;
}

PetscErrorCode TTTwinForecastCreate(TTTwinFit fit, TTTwinForecast *fc)
{
  const PetscInt n = fit->narm * fit->protocol->nvisit * fit->nvar;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(fc, sizeof *fc));
  PetscCall(PetscMalloc4(n, &fc->mean, n, &fc->lower, n, &fc->upper, 3 * fit->narm, &fc->benefit));
  PetscFunctionReturn(0);
}

PetscErrorCode TTTwinForecastDestroy(TTTwinForecast *fc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(fc->mean, fc->lower, fc->upper, fc->benefit));
  PetscFunctionReturn(0);
}

/* The k-th smallest of x[n] (0-based), x reordered in place so that x[i] <= x[k] for i < k
 * and x[i] >= x[k] for i > k (Hoare's selection, median-of-three pivot): the same value a
 * sort would put at k, in O(n). */
static double KthSmallest(double *x, PetscInt n, PetscInt k)
{
  PetscInt lo = 0, hi = n - 1;

  while (lo < hi) {
    PetscInt mid = lo + (hi - lo) / 2, i = lo, j = hi;
    double   a = x[lo], b = x[mid], c = x[hi],
           pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

    while (i <= j) {
      while (x[i] < pivot) i++;
      while (x[j] > pivot) j--;
      if (i <= j) {
        double t = x[i];
        x[i++]   = x[j];
        x[j--]   = t;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      break;
  }
  return x[k];
}

/* R's quantile(type = 7) of x[n] (reordered in place), from its order statistics. */
static double Quantile7(double *x, PetscInt n, double q)
{
  double   h = (n - 1) * q, a, b;
  PetscInt j = (PetscInt) floor(h);

  if (j >= n - 1) return KthSmallest(x, n, n - 1);
  a = KthSmallest(x, n, j);
  b = x[j + 1];
  for (PetscInt i = j + 2; i < n; i++) b = PetscMin(b, x[i]);
  return a + (h - j) * (b - a);
}

/* Mean and central interval of x[n] (reordered in place; NaN if any is not finite). */
static void Summarise(double *x, PetscInt n, double level, double *mean, double *lo, double *hi)
{
  double s = 0.0;
  for (PetscInt i = 0; i < n; i++) s += x[i];
  if (!isfinite(s)) {
    *mean = *lo = *hi = NAN;
    return;
  }
  *mean = s / n;
  *lo   = Quantile7(x, n, 0.5 * (1.0 - level));
  *hi   = Quantile7(x, n, 0.5 * (1.0 + level));
}

/* eta ~ N(mode, L L^T) inside the bounds: redrawn up to 100 times, then clamped. */
static void DrawEta(TTTwinFit fit, tt_pcg32 *g, const TTTwinEstimate *est, const double *L, double *eta)
{
  for (int tries = 0; tries < 100; tries++) {
    PetscBool inside = PETSC_TRUE;
    tt_rng_mvnormal(g, (int) fit->nl, est->eta, L, eta);
    for (PetscInt i = 0; i < fit->nl; i++)
      if (eta[i] < fit->lo[i] || eta[i] > fit->hi[i]) inside = PETSC_FALSE;
    if (inside) return;
  }
  for (PetscInt i = 0; i < fit->nl; i++) eta[i] = PetscMin(PetscMax(eta[i], fit->lo[i]), fit->hi[i]);
}

PetscErrorCode TTTwinDrawPosterior(TTTwinFit fit, const TTTwinEstimate *est, tt_pcg32 *g, PetscInt n, double eta[],
                                   PetscBool *ok)
{
  double L[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT];

  PetscFunctionBeginUser;
  PetscCall(TTTwinCholesky(fit->nl, est->cov, L, ok));
  for (PetscInt s = 0; *ok && s < n; s++) DrawEta(fit, g, est, L, eta + s * fit->nl);
  PetscFunctionReturn(0);
}

/* The choose: criterion of one arm's noise-free trajectory y[nt][nvar] (higher is better). */
static double Criterion(TTTwinFit fit, const Times *T, const double *y, PetscInt cvar, PetscInt cvisit)
{
  const TTProtocol *pr = fit->protocol;
  double            m  = y[(T->off + cvisit) * fit->nvar + cvar];
  TTObservation     o  = {m, pr->choose_target, NAN, NAN, 1};
  double            pb;

  switch (pr->choose_goal) {
  case TT_CHOOSE_MINIMIZE:
    return -m;
  case TT_CHOOSE_MAXIMIZE:
    return m;
  default:
    pb = exp(fit->m->log_density(fit->par, (int) cvar, &o));
    return pr->choose_goal == TT_CHOOSE_BELOW ? pb : 1.0 - pb;
  }
}

static PetscErrorCode ChooseIndices(TTTwinFit fit, PetscInt *cvar, PetscInt *cvisit)
{
  const TTProtocol *pr = fit->protocol;

  PetscFunctionBeginUser;
  *cvar = *cvisit = -1;
  if (!pr->choose) PetscFunctionReturn(0);
  for (PetscInt k = 0; k < fit->nvar; k++)
    if (!strcmp(fit->m->var[k].name, pr->choose_variable)) *cvar = k;
  for (PetscInt v = 0; v < pr->nvisit; v++)
    if (pr->visit[v] == pr->choose_visit) *cvisit = v;
  PetscCheck(*cvar >= 0 && *cvisit >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "choose: variable or visit not resolved");
  PetscFunctionReturn(0);
}

typedef struct {
  double *obs;  /* [narm][nvisit][nvar][S] new observations */
  double *crit; /* [narm][S] criterion per draw (higher is better) */
  double *y, *yobs;
} Draws;

static PetscErrorCode SimulateDraws(TTTwinFit fit, const TTPatient *p, PetscInt index, const TTTwinEstimate *est,
                                    const TTTwinForecastOptions *opt, const Times *T, PetscInt cvar, PetscInt cvisit,
                                    Draws *D)
{
  const PetscInt S = opt->draws, nv = T->nvisit, nvar = fit->nvar, ne = fit->m->neffect;
  double         L[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT], eta[TT_TWIN_MAX_LATENT], eff[TT_MAX_SEGMENTS * 64];
  double         start[TT_MAX_SEGMENTS];
  TTRegimen      reg;
  tt_pcg32       g, r;
  PetscBool      pd, ok;

  PetscFunctionBeginUser;
  PetscCall(TTTwinCholesky(fit->nl, est->cov, L, &pd));
  PetscCheck(pd, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Laplace covariance not positive definite");
  PetscCheck(ne <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 64 arm effects");
  tt_rng_substream(&g, opt->seed, (uint64_t) index, 0, TT_STREAM_FORECAST);
  for (PetscInt s = 0; s < S; s++) {
    double   z = tt_rng_normal(&g); /* exposure-response clearance */
    uint64_t key;
    DrawEta(fit, &g, est, L, eta);
    key = ((uint64_t) tt_pcg32_next(&g) << 32) | tt_pcg32_next(&g);
    for (PetscInt a = 0; a < fit->narm; a++) {
      PetscCall(TTTrialArmRegimen(fit->trial, a, z, start, eff, &reg));
      PetscCall(TTTwinTrajectory(fit, p, eta, &reg, T->nt, T->t, D->y, &ok));
      tt_rng_substream(&r, opt->seed, (uint64_t) index, key, TT_STREAM_FORECAST); /* same residuals in every arm */
      for (PetscInt v = 0; v < nv; v++) {
        const double *ym = D->y + (T->off + v) * nvar;
        if (ok) fit->m->observe(fit->par, ym, &r, D->yobs);
        for (PetscInt k = 0; k < nvar; k++) D->obs[((a * nv + v) * nvar + k) * S + s] = ok ? D->yobs[k] : NAN;
      }
      D->crit[a * S + s] = (ok && cvar >= 0) ? Criterion(fit, T, D->y, cvar, cvisit) : NAN;
    }
  }
  PetscFunctionReturn(0);
}

static void Choose(TTTwinFit fit, PetscInt S, double level, Draws *D, TTTwinForecast *fc)
{
  const PetscInt ctl  = fit->protocol->choose_control;
  const double   sign = fit->protocol->choose_goal == TT_CHOOSE_MINIMIZE ? -1.0 : 1.0;
  double         best = -INFINITY, *d = D->y; /* scratch of S values (y holds >= S doubles) */
  PetscInt       nbest = 0;

  fc->best = -1;
  for (PetscInt a = 0; a < fit->narm; a++) {
    double s = 0.0;
    for (PetscInt i = 0; i < S; i++) s += D->crit[a * S + i];
    if (s > best) best = s, fc->best = a;
  }
  if (fc->best < 0) return; /* a criterion not finite */
  for (PetscInt i = 0; i < S; i++) {
    PetscInt b = 0;
    for (PetscInt a = 1; a < fit->narm; a++)
      if (D->crit[a * S + i] > D->crit[b * S + i]) b = a;
    nbest += b == fc->best;
  }
  fc->p_best = (double) nbest / S;
  for (PetscInt a = 0; a < fit->narm; a++) { /* on the criterion's own scale (minimize: the value itself) */
    for (PetscInt i = 0; i < S; i++) d[i] = sign * (D->crit[a * S + i] - D->crit[ctl * S + i]);
    Summarise(d, S, level, &fc->benefit[3 * a], &fc->benefit[3 * a + 1], &fc->benefit[3 * a + 2]);
  }
}

PetscErrorCode TTTwinPredict(TTTwinFit fit, const TTPatient *p, PetscInt index, const TTTwinEstimate *est,
                             const TTTwinForecastOptions *opt, TTTwinForecast *fc)
{
  const PetscInt S = opt->draws, nv = fit->protocol->nvisit, n = fit->narm * nv * fit->nvar;
  Times          T;
  Draws          D;
  PetscInt       cvar, cvisit;

  PetscFunctionBeginUser;
  PetscCheck(S >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "draws %d < 2", (int) S);
  for (PetscInt i = 0; i < n; i++) fc->mean[i] = fc->lower[i] = fc->upper[i] = NAN;
  for (PetscInt i = 0; i < 3 * fit->narm; i++) fc->benefit[i] = NAN;
  fc->best   = -1;
  fc->p_best = NAN;
  if (!est->converged) PetscFunctionReturn(0);
  PetscCall(ChooseIndices(fit, &cvar, &cvisit));
  ForecastTimes(fit, p, &T);
  PetscCall(PetscMalloc4((size_t) n * S, &D.obs, fit->narm * S, &D.crit, PetscMax(T.nt * fit->nvar, S), &D.y, fit->nvar,
                         &D.yobs));
  PetscCall(SimulateDraws(fit, p, index, est, opt, &T, cvar, cvisit, &D));
  for (PetscInt i = 0; i < n; i++) Summarise(D.obs + i * S, S, opt->level, &fc->mean[i], &fc->lower[i], &fc->upper[i]);
  if (cvar >= 0) Choose(fit, S, opt->level, &D, fc);
  PetscCall(PetscFree4(D.obs, D.crit, D.y, D.yobs));
  PetscFunctionReturn(0);
}
