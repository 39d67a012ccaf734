/* counts.c — the GLM kernel (IRLS) and the count-endpoint analyses built on it.
 *
 * Owns: tt_stats_spd_invert, tt_stats_glm, tt_stats_negbin_fit, tt_stats_poisson_rr,
 * tt_stats_negbin_rr. binary.c's logistic model also runs on tt_stats_glm.
 * Invariants: x is column-major and never modified; every fit starts from R's
 * mustart (binomial (y + 1/2)/2, Poisson y + 0.1, negative binomial y + [y == 0]/6)
 * so it follows glm()'s path, then iterates Fisher scoring on coefficient
 * increments (accurate even when X'WX is ill-conditioned) with step halving on a
 * non-finite or increased deviance, until both the relative deviance change
 * (DEV_TOL) and every coefficient change (BETA_TOL; or the step's Newton decrement,
 * DEC_TOL, where rounding in an ill-conditioned X'WX keeps steps above BETA_TOL) are
 * small. Each step is a weighted least-squares solve by QR of sqrt(W) X
 * (tt_stats_wls), as glm.fit's, so nearly separated data keep their digits. glm() stops on the
 * deviance alone, which for the non-canonical NB log link (linear convergence)
 * leaves it about 1e-9 short of the fixed point; the tests compare with R iterated
 * to it. SEs come from (X'WX)^-1 at the final estimate (glm's vcov uses the weights
 * of its last iteration's start). A fit that fails, or converges with a fitted mean
 * within SEP_MU of 0 (or 1, binomial), is diagnosed: TT_STATS_ESEPARATED only when the
 * MLE is infinite by the linear program of separation.c (a fit merely reaching tiny
 * fitted means, e.g. one twin with an extreme baseline, stands), otherwise
 * TT_STATS_ESINGULAR for a rank-deficient X or TT_STATS_ENOCONV. p <= 64. Negative binomial: var = mu +
 * mu^2/theta, theta by maximum likelihood alternating with the beta fit (glm.nb's
 * fixed point, with theta converged fully rather than to theta.ml's eps^0.25);
 * k = 1/theta.
 */
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

enum { GLM_MAXIT = 100, NB_MAXIT = 200, THETA_MAXIT = 100 };
static const double DEV_TOL   = 1e-12;
static const double BETA_TOL  = 1e-13;
static const double DEC_TOL   = 1e-20; /* Newton decrement (deviance units) of a negligible step */
static const double QR_TOL    = 1e-11; /* glm.fit's rank tolerance, min(1e-7, epsilon/1000) */
static const double SEP_MU    = 1e-10; /* a fitted mean this close to its bound calls for the LP */
static const double THETA_BIG = 1e12;  /* beyond this theta the NB fit is taken as Poisson */

int tt_stats_spd_invert(int p, double a[])
{
  for (int j = 0; j < p; j++) { /* Cholesky a = L L', L in the lower triangle */
    double d = a[j * p + j];
    for (int k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    if (!(d > 1e-13 * fabs(a[j * p + j])) || !(d > 0.0)) return TT_STATS_ESINGULAR;
    double l     = sqrt(d);
    a[j * p + j] = l;
    for (int i = j + 1; i < p; i++) {
      double s = a[i * p + j];
      for (int k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / l;
    }
  }
  for (int j = 0; j < p; j++) { /* L^-1 in the lower triangle */
    a[j * p + j] = 1.0 / a[j * p + j];
    for (int i = j + 1; i < p; i++) {
      double s = 0.0;
      for (int k = j; k < i; k++) s -= a[i * p + k] * a[k * p + j];
      a[i * p + j] = s / a[i * p + i];
    }
  }
  for (int i = 0; i < p; i++) /* a^-1 = L^-T L^-1, lower triangle then mirrored */
    for (int j = 0; j <= i; j++) {
      double s = 0.0;
      for (int k = i; k < p; k++) s += a[k * p + i] * a[k * p + j];
      a[i * p + j] = s;
    }
  for (int i = 0; i < p; i++)
    for (int j = i + 1; j < p; j++) a[i * p + j] = a[j * p + i];
  return TT_STATS_OK;
}

/* ------------------------------------------------------------------ families */

typedef struct {
  int    family;
  double theta; /* negative binomial only */
} glm_family;

static double fam_mu(glm_family f, double eta)
{
  return f.family == TT_STATS_BINOMIAL ? 1.0 / (1.0 + exp(-eta)) : exp(eta);
}

static double fam_var(glm_family f, double mu)
{
  if (f.family == TT_STATS_BINOMIAL) return mu * (1.0 - mu);
  return f.family == TT_STATS_NEGBIN ? mu + mu * mu / f.theta : mu;
}

/* d mu / d eta: logit and log links */
static double fam_dmu(glm_family f, double mu)
{
  return f.family == TT_STATS_BINOMIAL ? mu * (1.0 - mu) : mu;
}

static double ylogy(double y, double m)
{
  return y > 0.0 ? y * log(y / m) : 0.0;
}

static double fam_dev(glm_family f, double y, double mu)
{
  if (f.family == TT_STATS_BINOMIAL) return 2.0 * (ylogy(y, mu) + ylogy(1.0 - y, 1.0 - mu));
  if (f.family == TT_STATS_POISSON) return 2.0 * (ylogy(y, mu) - (y - mu));
  return 2.0 * (ylogy(y, mu) - (y + f.theta) * log((y + f.theta) / (mu + f.theta)));
}

static double fam_mustart(glm_family f, double y)
{
  if (f.family == TT_STATS_BINOMIAL) return (y + 0.5) / 2.0;
  return f.family == TT_STATS_NEGBIN ? y + (y == 0.0) / 6.0 : y + 0.1;
}

static int fam_valid_y(glm_family f, double y)
{
  if (f.family == TT_STATS_BINOMIAL) return y == 0.0 || y == 1.0;
  return y >= 0.0 && isfinite(y) && (f.family == TT_STATS_POISSON || y == floor(y));
}

/* ----------------------------------------------------------------- IRLS */

typedef struct {
  int           n, p;
  const double *x, *y, *off;
  glm_family    fam;
  double       *eta, *mu, *info, *step; /* work: eta[n], mu[n], info[p*p], step[p] */
  double       *wt, *wz, *qr;           /* work: weights, working residuals [n], QR n*p + 2n + 2p */
} glm_fit;

static double xrow(const glm_fit *g, int i, int j)
{
  return g->x[(size_t) j * g->n + i];
}

static double deviance_at(const glm_fit *g, const double beta[], double eta[], double mu[])
{
  double dev = 0.0;
  for (int i = 0; i < g->n; i++) {
    double e = g->off ? g->off[i] : 0.0;
    for (int j = 0; j < g->p; j++) e += xrow(g, i, j) * beta[j];
    eta[i] = e;
    mu[i]  = fam_mu(g->fam, e);
    dev += fam_dev(g->fam, g->y[i], mu[i]);
  }
  return dev;
}

/* One weighted least-squares step by QR (tt_stats_wls, glm.fit's tolerance QR_TOL):
 * step = (X'WX)^-1 X'W r with r the working residual ((y - mu)/dmu, or the working
 * response z when `from_start`, which then makes step the new beta); info =
 * (X'WX)^-1. An observation whose weight underflows (a mean at its bound) contributes
 * nothing, as glm.fit leaves out zero weights. */
static int scoring_step(glm_fit *g, int from_start)
{
  for (int i = 0; i < g->n; i++) {
    double mu = g->mu[i], dmu = fam_dmu(g->fam, mu), w = dmu * dmu / fam_var(g->fam, mu);
    double r = (g->y[i] - mu) / dmu + (from_start ? g->eta[i] - (g->off ? g->off[i] : 0.0) : 0.0);
    if (!(w > 0.0) || !isfinite(w) || !isfinite(r)) w = 0.0, r = 0.0;
    g->wt[i] = w, g->wz[i] = r;
  }
  return tt_stats_wls(g->n, g->p, g->x, g->wt, g->wz, QR_TOL, g->step, g->info, g->qr);
}

/* Some fitted mean within SEP_MU of its bound: the MLE may be infinite (or merely a
 * twin far out in a covariate), which the LP decides. */
static int extreme_means(const glm_fit *g)
{
  for (int i = 0; i < g->n; i++) {
    double m = g->mu[i];
    if (m < SEP_MU || (g->fam.family == TT_STATS_BINOMIAL && 1.0 - m < SEP_MU)) return 1;
  }
  return 0;
}

/* Why a fit failed with err (or, err == OK, whether a fit with extreme means stands):
 * an infinite MLE by the LP (separation.c) comes first; a singular X'WX is a
 * rank-deficient design only when X itself is (lm's QR test), else the fit did not
 * converge. */
static int diagnose(const glm_fit *g, int err)
{
  int sep = 0;
  if (tt_stats_glm_separated(g->n, g->p, g->x, g->y, g->fam.family, &sep) == TT_STATS_OK && sep)
    return TT_STATS_ESEPARATED;
  if (err == TT_STATS_ESINGULAR) {
    double *beta = malloc(2 * (size_t) g->p * sizeof(double)), s2;
    int     rank = beta ? tt_stats_ols(g->n, g->p, g->x, g->y, beta, beta + g->p, &s2, NULL) : TT_STATS_ESINGULAR;
    free(beta);
    return rank == TT_STATS_ESINGULAR ? TT_STATS_ESINGULAR : TT_STATS_ENOCONV;
  }
  return err;
}

/* Take beta + step, halving it while the deviance is non-finite or has grown. */
static double halving_update(glm_fit *g, double beta[], double dev_old, double trial[])
{
  double dev = NAN;
  for (int h = 0; h < 40; h++) {
    for (int j = 0; j < g->p; j++) trial[j] = beta[j] + g->step[j];
    dev = deviance_at(g, trial, g->eta, g->mu);
    if (isfinite(dev) && dev <= dev_old * (1.0 + 1e-12) + 1e-12) break;
    for (int j = 0; j < g->p; j++) g->step[j] *= 0.5;
  }
  for (int j = 0; j < g->p; j++) beta[j] = trial[j];
  return dev;
}

/* The last step is negligible: every coefficient moved by at most BETA_TOL
 * (relative), or, where X'WX is so ill-conditioned that rounding keeps the steps
 * above that (a nearly separated design with SEs of hundreds), the step's squared
 * length in the information metric, sum_i w_i (x_i'step)^2 (the Newton decrement,
 * in deviance units), is below DEC_TOL (dev + 1): the estimate is then within
 * 1e-10 standard errors of the optimum. */
static int small_step(const glm_fit *g, const double beta[], double dev)
{
  int small = 1;
  for (int j = 0; j < g->p; j++) small = small && fabs(g->step[j]) <= BETA_TOL * (1.0 + fabs(beta[j]));
  if (small) return 1;
  double dec = 0.0;
  for (int i = 0; i < g->n; i++) {
    double e = 0.0;
    for (int j = 0; j < g->p; j++) e += xrow(g, i, j) * g->step[j];
    dec += g->wt[i] * e * e;
  }
  return dec <= DEC_TOL * (fabs(dev) + 1.0);
}

/* IRLS from mustart (warm == 0) or from beta (warm == 1). On success info holds
 * (X'WX)^-1 at the estimate. */
static int irls(glm_fit *g, double beta[], int warm, double *deviance)
{
  double trial[64], dev;
  if (warm) {
    dev = deviance_at(g, beta, g->eta, g->mu);
  } else {
    for (int i = 0; i < g->n; i++) {
      g->mu[i]  = fam_mustart(g->fam, g->y[i]);
      g->eta[i] = g->fam.family == TT_STATS_BINOMIAL ? log(g->mu[i] / (1.0 - g->mu[i])) : log(g->mu[i]);
    }
    int err = scoring_step(g, 1);
    if (err) return diagnose(g, err);
    for (int j = 0; j < g->p; j++) beta[j] = g->step[j];
    dev = deviance_at(g, beta, g->eta, g->mu);
    if (!isfinite(dev)) return TT_STATS_ENOCONV;
  }
  for (int it = 0; it < GLM_MAXIT; it++) {
    int err = scoring_step(g, 0);
    if (err) return diagnose(g, err);
    double dev_old = dev;
    dev            = halving_update(g, beta, dev_old, trial);
    if (fabs(dev - dev_old) <= DEV_TOL * (fabs(dev) + 0.1) && small_step(g, beta, dev)) {
      *deviance = dev;
      if (extreme_means(g) && (err = diagnose(g, TT_STATS_OK))) return err;
      err = scoring_step(g, 0); /* info at the estimate */
      return err ? diagnose(g, err) : TT_STATS_OK;
    }
  }
  return diagnose(g, TT_STATS_ENOCONV);
}

/* Validate and set up a fit; allocates eta, mu, info, step in one block (*buf). */
static int glm_setup(glm_fit *g, int n, int p, const double x[], const double y[], const double off[], glm_family f,
                     double **buf)
{
  *g = (glm_fit){n, p, x, y, off, f, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  if (p < 1 || p > 64 || n < 0) return TT_STATS_EDOMAIN;
  if (n <= p) return TT_STATS_ETOOFEW;
  if (f.family == TT_STATS_NEGBIN && !(f.theta > 0.0)) return TT_STATS_EDOMAIN;
  int varies = 0;
  for (int i = 0; i < n; i++) {
    if (!fam_valid_y(f, y[i]) || (off && !isfinite(off[i]))) return TT_STATS_EDOMAIN;
    for (int j = 0; j < p; j++)
      if (!isfinite(x[(size_t) j * n + i])) return TT_STATS_EDOMAIN;
    varies = varies || (f.family == TT_STATS_BINOMIAL ? y[i] != y[0] : y[i] > 0.0);
  }
  if (!varies) return TT_STATS_ENOVAR; /* all responders, all non-responders, or no events at all */
  *buf = malloc((6 * (size_t) n + (size_t) p * p + 3 * (size_t) p + (size_t) n * p) * sizeof(double));
  if (!*buf) return TT_STATS_EDOMAIN;
  g->eta = *buf, g->mu = g->eta + n, g->info = g->mu + n, g->step = g->info + (size_t) p * p;
  g->wt = g->step + p, g->wz = g->wt + n, g->qr = g->wz + n;
  return TT_STATS_OK;
}

static void copy_se(const glm_fit *g, double se[])
{
  for (int j = 0; j < g->p; j++) se[j] = sqrt(g->info[j * g->p + j]);
}

int tt_stats_glm(int n, int p, const double x[], const double y[], const double offset[], int family, double theta,
                 double beta[], double se[], double *deviance)
{
  if (family != TT_STATS_BINOMIAL && family != TT_STATS_POISSON && family != TT_STATS_NEGBIN) return TT_STATS_EDOMAIN;
  glm_fit g;
  double *buf = NULL, dev = NAN;
  int     err = glm_setup(&g, n, p, x, y, offset, (glm_family){family, theta}, &buf);
  if (!err) err = irls(&g, beta, 0, &dev);
  if (!err) copy_se(&g, se);
  if (!err && deviance) *deviance = dev;
  free(buf);
  return err;
}

/* ------------------------------------------------------- negative binomial */

/* log1p(x) - x/(1 + x) for x >= 0 without cancellation: its series
 * sum_{k >= 2} (-1)^k (k - 1)/k x^k below x = 0.1 (20 terms: relative error < 1e-17). */
static double log1p_minus_ratio(double x)
{
  if (x >= 0.1) return log1p(x) - x / (1.0 + x);
  double s = 0.0, xk = x * x;
  for (int k = 2; k <= 21; k++, xk *= x) s += (k % 2 ? -1.0 : 1.0) * (k - 1.0) / k * xk;
  return s;
}

/* Profile log-likelihood in theta at fixed mu (terms free of theta dropped), its
 * derivative and its second derivative in theta, and *scale = sum_i |d1_i|, the size
 * of the derivative's terms (its rounding error is a few eps * scale).
 * sum_{j<y} 1/(theta + j) is digamma(theta + y) - digamma(theta), exact for integer
 * y. The derivative of one observation, sum_{j<y} 1/(th + j) - log1p(m/th) + (m -
 * y)/(th + m), is summed as sum_{j<y} (m - j)/((th + j)(th + m)) - [log1p(m/th) -
 * m/(th + m)]: the same value without the cancellation of O(1/th) terms into an
 * O(1/th^2) result, so a large theta (little overdispersion) is still located. */
static void theta_loglik(int n, const double y[], const double mu[], double th, double *ll, double *d1, double *d2,
                         double *scale)
{
  double l = 0.0, s = 0.0, h = 0.0, a = 0.0;
  for (int i = 0; i < n; i++) {
    int    yi = (int) y[i];
    double m = mu[i], tm = th + m, si = 0.0;
    for (int j = 0; j < yi; j++) {
      l += log(th + j);
      si += (m - j) / ((th + j) * tm);
      h -= 1.0 / ((th + j) * (th + j));
    }
    l += -th * log1p(m / th) - y[i] * log(tm);
    si -= log1p_minus_ratio(m / th);
    h += m / (th * tm) - (m - y[i]) / (tm * tm);
    s += si;
    a += fabs(si);
  }
  *ll = l, *d1 = s, *d2 = h;
  if (scale) *scale = a;
}

/* The score in theta is zero within its rounding error: theta is as accurate as the
 * data's floating-point sums allow (a flat profile, theta large, reaches this before
 * the step criterion). */
static int theta_stationary(double d1, double scale)
{
  return fabs(d1) <= 1e-13 * scale;
}

/* Newton on u = log theta at fixed mu, with step limiting and halving. */
static int theta_ml(int n, const double y[], const double mu[], double *theta)
{
  double th = *theta, ll, d1, d2, scale;
  theta_loglik(n, y, mu, th, &ll, &d1, &d2, &scale);
  for (int it = 0; it < THETA_MAXIT; it++) {
    if (theta_stationary(d1, scale)) break;
    double gu = th * d1, hu = th * d1 + th * th * d2; /* d/du and d2/du2 */
    double du = hu < 0.0 ? -gu / hu : (gu > 0.0 ? 1.0 : -1.0);
    if (fabs(du) > 1.0) du = du > 0.0 ? 1.0 : -1.0;
    double nt = th, nll = ll, nd1 = d1, nd2 = d2, nscale = scale;
    for (int h = 0; h < 40; h++, du *= 0.5) {
      nt = th * exp(du);
      theta_loglik(n, y, mu, nt, &nll, &nd1, &nd2, &nscale);
      if (nll >= ll - 1e-12 * fabs(ll)) break;
    }
    th = nt, ll = nll, d1 = nd1, d2 = nd2, scale = nscale;
    if (th > THETA_BIG) break;
    if (fabs(du) < 1e-12) break;
    if (it == THETA_MAXIT - 1 && !theta_stationary(d1, scale)) {
      *theta = th;
      return TT_STATS_ENOCONV;
    }
  }
  *theta = th;
  return TT_STATS_OK;
}

/* d loglik / dk at k = 0 (k = 1/theta) for the Poisson fit: <= 0 means no overdispersion. */
static double overdispersion_score(int n, const double y[], const double mu[])
{
  double s = 0.0;
  for (int i = 0; i < n; i++) s += (y[i] - mu[i]) * (y[i] - mu[i]) - y[i];
  return 0.5 * s;
}

/* Alternate beta | theta (IRLS from the previous beta) and theta | mu to the joint MLE. */
static int negbin_alternate(glm_fit *g, double beta[], double *theta)
{
  double dev, old[64];
  for (int it = 0; it < NB_MAXIT; it++) {
    double th_old = *theta;
    for (int j = 0; j < g->p; j++) old[j] = beta[j];
    g->fam  = (glm_family){TT_STATS_NEGBIN, *theta};
    int err = irls(g, beta, 1, &dev);
    if (!err) err = theta_ml(g->n, g->y, g->mu, theta);
    if (err) return err;
    if (*theta > THETA_BIG) return TT_STATS_OK;
    int small = fabs(log(*theta / th_old)) < 1e-13;
    for (int j = 0; j < g->p; j++) small = small && fabs(beta[j] - old[j]) <= BETA_TOL * (1.0 + fabs(beta[j]));
    if (small && it > 0) {
      g->fam = (glm_family){TT_STATS_NEGBIN, *theta};
      return irls(g, beta, 1, &dev); /* info at the final theta */
    }
  }
  return TT_STATS_ENOCONV;
}

static int negbin_run(glm_fit *g, double beta[], double se[], double *theta, double *theta_se)
{
  double dev, th = INFINITY;
  g->fam  = (glm_family){TT_STATS_POISSON, 0.0};
  int err = irls(g, beta, 0, &dev);
  if (err) return err;
  if (overdispersion_score(g->n, g->y, g->mu) > 0.0) {
    double ss = 0.0; /* theta.ml's start n / sum((y/mu - 1)^2), then theta.ml at the Poisson fit */
    for (int i = 0; i < g->n; i++) ss += (g->y[i] / g->mu[i] - 1.0) * (g->y[i] / g->mu[i] - 1.0);
    th  = fmin(fmax(g->n / ss, 1e-3), 1e6);
    err = theta_ml(g->n, g->y, g->mu, &th);
    if (!err && th <= THETA_BIG) err = negbin_alternate(g, beta, &th);
    if (err) return err;
  }
  if (!(th <= THETA_BIG)) { /* boundary k = 0: the Poisson fit */
    g->fam = (glm_family){TT_STATS_POISSON, 0.0};
    if ((err = irls(g, beta, 1, &dev))) return err;
    th = INFINITY;
  }
  copy_se(g, se);
  double ll, d1, d2 = NAN;
  if (isfinite(th)) theta_loglik(g->n, g->y, g->mu, th, &ll, &d1, &d2, NULL);
  *theta    = th;
  *theta_se = isfinite(th) ? sqrt(-1.0 / d2) : NAN;
  return TT_STATS_OK;
}

int tt_stats_negbin_fit(int n, int p, const double x[], const double y[], const double offset[], double beta[],
                        double se[], double *theta, double *theta_se)
{
  glm_fit g;
  double *buf = NULL, th = NAN, th_se = NAN;
  int     err = glm_setup(&g, n, p, x, y, offset, (glm_family){TT_STATS_NEGBIN, 1.0}, &buf);
  if (!err) err = negbin_run(&g, beta, se, &th, &th_se);
  free(buf);
  if (theta) *theta = err ? NAN : th;
  if (theta_se) *theta_se = err ? NAN : th_se;
  return err;
}

/* --------------------------------------------------------- rate ratios */

static void result_clear(tt_stats_result *res)
{
  *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
}

/* Design [1, treat, cov...] and offset log(exposure) into buf (n*(2+ncov) + n). */
static int rate_design(int n, const double exposure[], const int treat[], int ncov, const double cov[], double x[],
                       double off[])
{
  for (int i = 0; i < n; i++) {
    if ((treat[i] != 0 && treat[i] != 1) || !(exposure[i] > 0.0)) return TT_STATS_EDOMAIN;
    x[i]     = 1.0;
    x[n + i] = treat[i];
    off[i]   = log(exposure[i]);
  }
  for (size_t i = 0; i < (size_t) n * ncov; i++) x[2 * (size_t) n + i] = cov[i];
  return TT_STATS_OK;
}

static int rate_ratio(int n, const double y[], const double exposure[], const int treat[], int ncov, const double cov[],
                      tt_stats_test_spec spec, tt_stats_result *res, int negbin, double *theta)
{
  result_clear(res);
  if (theta) *theta = NAN;
  int p = 2 + ncov;
  if (n < 0 || ncov < 0 || p > 64 || (ncov > 0 && !cov)) return TT_STATS_EDOMAIN;
  if (n <= p) return TT_STATS_ETOOFEW;
  double *buf = malloc(((size_t) n * p + n + 2 * (size_t) p) * sizeof(double));
  if (!buf) return TT_STATS_EDOMAIN;
  double *x = buf, *off = x + (size_t) n * p, *beta = off + n, *se = beta + p, th = NAN, th_se;
  int     err = rate_design(n, exposure, treat, ncov, cov, x, off);
  if (!err && negbin) err = tt_stats_negbin_fit(n, p, x, y, off, beta, se, &th, &th_se);
  if (!err && !negbin) err = tt_stats_glm(n, p, x, y, off, TT_STATS_POISSON, 0.0, beta, se, NULL);
  if (!err) err = tt_stats_t_result(beta[1], se[1], INFINITY, spec, res);
  free(buf);
  if (err) {
    result_clear(res);
    return err;
  }
  res->n_analysed = n;
  if (theta) *theta = th;
  return TT_STATS_OK;
}

int tt_stats_poisson_rr(int n, const double y[], const double exposure[], const int treat[], int ncov,
                        const double cov[], tt_stats_test_spec spec, tt_stats_result *res)
{
  return rate_ratio(n, y, exposure, treat, ncov, cov, spec, res, 0, NULL);
}

int tt_stats_negbin_rr(int n, const double y[], const double exposure[], const int treat[], int ncov,
                       const double cov[], tt_stats_test_spec spec, tt_stats_result *res, double *theta)
{
  return rate_ratio(n, y, exposure, treat, ncov, cov, spec, res, 1, theta);
}
