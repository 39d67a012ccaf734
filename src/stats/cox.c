/* cox.c — Cox proportional hazards regression (partial likelihood).
 *
 * Owns: tt_stats_cox.
 * Model: log h(t | z) = log h0_s(t) + b'z, z = (treat, cov...), baseline hazard
 * per stratum s. Ties: Efron (coxph's default) or Breslow. Fit: Newton-Raphson
 * from b = 0 with step halving whenever the log-likelihood falls, as coxph; the
 * covariates are centred first (changes no estimate, keeps exp() in range).
 * Converged when the log-likelihood change is below LL_TOL relative and every
 * coefficient step below BETA_TOL (relative): tighter than coxph's eps = 1e-9.
 * The variance is the inverse information at the final b; tests are summary.coxph's
 * (Wald at b, score at 0, likelihood ratio). A fit that fails (singular information,
 * no convergence) or ends with a hazard ratio beyond e^30 across a covariate's range
 * is checked for monotone likelihood, an infinite estimate, by the linear program of
 * separation.c on the risk-set constraints (TT_STATS_EMONOTONE); never by the size of
 * the estimate alone. Invariants: the caller's arrays are
 * never modified; sums run over distinct times in decreasing order within each
 * stratum, so results do not depend on the input order.
 */
#include <math.h>
#include <stdlib.h>

#include "twintrial/stats.h"

enum { COX_MAXIT = 60, COX_MAXP = 64 };
static const double LL_TOL   = 1e-13;
static const double BETA_TOL = 1e-10;

typedef struct {
  double time;
  int    status, stratum, row; /* row: index of the subject's centred covariates */
} cox_obs;

/* (stratum, time decreasing): risk sets grow as we walk forward. */
static int cox_cmp(const void *pa, const void *pb)
{
  const cox_obs *a = pa, *b = pb;
  if (a->stratum != b->stratum) return a->stratum < b->stratum ? -1 : 1;
  return a->time > b->time ? -1 : a->time < b->time ? 1 : 0;
}

typedef struct {
  int      n, p, ties;
  cox_obs *o;                 /* sorted */
  double  *z;                 /* centred covariates, row-major n*p (row o[i].row) */
  double  *s1, *s2, *d1, *d2; /* risk-set and death sums: p, p*p, p, p*p */
} cox_fit;

/* Partial log-likelihood, score u[p] and information info[p*p] at beta. */
typedef struct {
  double  ll;
  double *u, *info;
} cox_eval;

static void add_weighted(int p, double w, const double zi[], double s1[], double s2[])
{
  for (int j = 0; j < p; j++) {
    s1[j] += w * zi[j];
    for (int k = 0; k <= j; k++) s2[j * p + k] += w * zi[j] * zi[k];
  }
}

/* Contribution of one tied death set (d deaths, death sums D0, d1, d2) given the
 * risk-set sums (S0, s1, s2): Efron subtracts the fraction l/d of the death sums. */
static void tie_contribution(const cox_fit *f, int d, double s0, double dd0, cox_eval *e)
{
  int p = f->p;
  for (int l = 0; l < d; l++) {
    double frac = f->ties == TT_STATS_TIES_EFRON ? (double) l / d : 0.0, a0 = s0 - frac * dd0;
    e->ll -= log(a0);
    for (int j = 0; j < p; j++) {
      double a1j = f->s1[j] - frac * f->d1[j];
      e->u[j] -= a1j / a0;
      for (int k = 0; k <= j; k++) {
        double a1k = f->s1[k] - frac * f->d1[k], a2 = f->s2[j * p + k] - frac * f->d2[j * p + k];
        e->info[j * p + k] += a2 / a0 - a1j * a1k / (a0 * a0);
      }
    }
  }
}

static void zero(int m, double v[])
{
  for (int i = 0; i < m; i++) v[i] = 0.0;
}

static void cox_evaluate(const cox_fit *f, const double beta[], cox_eval *e)
{
  int p = f->p;
  e->ll = 0.0;
  zero(p, e->u);
  zero(p * p, e->info);
  double s0 = 0.0;
  for (int i = 0; i < f->n;) {
    if (i == 0 || f->o[i].stratum != f->o[i - 1].stratum) s0 = 0.0, zero(p, f->s1), zero(p * p, f->s2);
    int j = i + 1;
    while (j < f->n && f->o[j].stratum == f->o[i].stratum && f->o[j].time == f->o[i].time) j++;
    double dd0 = 0.0;
    int    d   = 0;
    zero(p, f->d1), zero(p * p, f->d2);
    for (int k = i; k < j; k++) {
      const double *zk  = f->z + (size_t) f->o[k].row * p;
      double        eta = 0.0;
      for (int c = 0; c < p; c++) eta += beta[c] * zk[c];
      double r = exp(eta);
      s0 += r;
      add_weighted(p, r, zk, f->s1, f->s2);
      if (!f->o[k].status) continue;
      d++, dd0 += r, e->ll += eta;
      for (int c = 0; c < p; c++) e->u[c] += zk[c];
      add_weighted(p, r, zk, f->d1, f->d2);
    }
    if (d > 0) tie_contribution(f, d, s0, dd0, e);
    i = j;
  }
  for (int j = 0; j < p; j++)
    for (int k = j + 1; k < p; k++) e->info[j * p + k] = e->info[k * p + j];
}

/* x' a x for symmetric a */
static double quad_form(int p, const double a[], const double x[])
{
  double q = 0.0;
  for (int j = 0; j < p; j++)
    for (int k = 0; k < p; k++) q += x[j] * a[j * p + k] * x[k];
  return q;
}

/* Newton step = info^-1 u; info is overwritten by its inverse. */
static int newton_step(int p, cox_eval *e, double step[])
{
  int err = tt_stats_spd_invert(p, e->info);
  if (err) return err;
  for (int j = 0; j < p; j++) {
    step[j] = 0.0;
    for (int k = 0; k < p; k++) step[j] += e->info[j * p + k] * e->u[k];
  }
  return TT_STATS_OK;
}

/* Newton-Raphson with step halving; on success e holds the inverse information at beta. */
static int cox_newton(const cox_fit *f, double beta[], cox_eval *e, double *score0, double *ll0, int *iters)
{
  int    p = f->p;
  double step[COX_MAXP], trial[COX_MAXP];
  zero(p, beta);
  cox_evaluate(f, beta, e);
  *ll0    = e->ll;
  int err = newton_step(p, e, step);
  if (err) return err;
  *score0   = quad_form(p, e->info, e->u); /* u' I^-1 u at 0 */
  double ll = e->ll, change = INFINITY;
  for (int it = 1; it <= COX_MAXIT; it++) {
    for (int h = 0; h < 40; h++) {
      for (int j = 0; j < p; j++) trial[j] = beta[j] + step[j];
      cox_evaluate(f, trial, e);
      if (isfinite(e->ll) && e->ll >= ll - 1e-12 * fabs(ll)) break;
      for (int j = 0; j < p; j++) step[j] *= 0.5;
    }
    int small = 1;
    for (int j = 0; j < p; j++) small = small && fabs(step[j]) <= BETA_TOL * (1.0 + fabs(trial[j]));
    change = fabs(e->ll - ll), ll = e->ll;
    for (int j = 0; j < p; j++) beta[j] = trial[j];
    *iters = it;
    err    = newton_step(p, e, step);
    if (err) return err;
    if (small && change <= LL_TOL * (fabs(ll) + 1.0)) return TT_STATS_OK;
  }
  return TT_STATS_ENOCONV;
}

/* Add row a = z_i - z_j (eq: a'b = 0) for sorted subjects i, j. */
static void lp_row(const cox_fit *f, int i, int j, int eq, double a[], int eqs[], int *m)
{
  const double *zi = f->z + (size_t) f->o[i].row * f->p, *zj = f->z + (size_t) f->o[j].row * f->p;
  for (int c = 0; c < f->p; c++) a[(size_t) *m * f->p + c] = zi[c] - zj[c];
  eqs[(*m)++] = eq;
}

/* Risk-set constraints of one stratum, o[lo..hi) sorted by decreasing time, walked in
 * increasing time: the partial likelihood rises along b iff every event's z'b is at
 * least that of everyone still at risk. Reduced to a chain: tied events equal, each
 * event group's first event (rep) above the next group's and above everyone leaving
 * the risk set before the next event time. */
static void lp_stratum(const cox_fit *f, int lo, int hi, double a[], int eqs[], int *m)
{
  int rep = -1;
  for (int g1 = hi; g1 > lo;) {
    int g0 = g1 - 1, first = -1;
    while (g0 > lo && f->o[g0 - 1].time == f->o[g1 - 1].time) g0--;
    for (int k = g0; k < g1; k++)
      if (f->o[k].status && first < 0) first = k;
    if (first >= 0) {
      if (rep >= 0) lp_row(f, rep, first, 0, a, eqs, m);
      rep = first;
    }
    for (int k = g0; k < g1; k++)
      if (k != rep && rep >= 0) lp_row(f, rep, k, f->o[k].status, a, eqs, m);
    g1 = g0;
  }
}

/* Monotone likelihood (Bryson and Johnson 1981): the LP of separation.c on the risk-set
 * constraints of every stratum. */
static int cox_monotone(const cox_fit *f, int *mono)
{
  *mono       = 0;
  double *a   = malloc((2 * (size_t) f->n * f->p + 1) * sizeof(double));
  int    *eqs = malloc((2 * (size_t) f->n + 1) * sizeof(int)), m = 0, err = TT_STATS_EDOMAIN;
  if (a && eqs) {
    for (int lo = 0; lo < f->n;) {
      int hi = lo + 1;
      while (hi < f->n && f->o[hi].stratum == f->o[lo].stratum) hi++;
      lp_stratum(f, lo, hi, a, eqs, &m);
      lo = hi;
    }
    err = tt_stats_direction_lp(m, f->p, a, eqs, mono);
  }
  free(a);
  free(eqs);
  return err;
}

/* A hazard ratio beyond e^30 across some covariate's range: a diverging estimate
 * Newton took for converged (its steps halved to nothing), or a genuine large effect. */
static int cox_extreme(const cox_fit *f, const double beta[])
{
  for (int c = 0; c < f->p; c++) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < f->n; i++)
      lo = fmin(lo, f->z[(size_t) i * f->p + c]), hi = fmax(hi, f->z[(size_t) i * f->p + c]);
    if (fabs(beta[c]) * (hi - lo) > 30.0) return 1;
  }
  return 0;
}

/* Why a fit ended with err (or whether an extreme converged one stands). */
static int cox_diagnose(const cox_fit *f, int err)
{
  int mono = 0;
  if (cox_monotone(f, &mono) == TT_STATS_OK && mono) return TT_STATS_EMONOTONE;
  return err;
}

/* Validate d, build the sorted, centred problem in one allocation (*buf). */
static int cox_setup(const tt_stats_surv_data *d, int ties, cox_fit *f, void **buf)
{
  int n = d->n, p = 1 + d->ncov, events = 0;
  *buf = NULL;
  if (ties != TT_STATS_TIES_EFRON && ties != TT_STATS_TIES_BRESLOW) return TT_STATS_EDOMAIN;
  if (d->ncov < 0 || p > COX_MAXP || !d->treat || (d->ncov > 0 && !d->cov)) return TT_STATS_EDOMAIN;
  if (n < 2) return TT_STATS_ETOOFEW;
  size_t nd = (size_t) n * p + 2 * (size_t) p + 2 * (size_t) p * p;
  *buf      = malloc(nd * sizeof(double) + (size_t) n * sizeof(cox_obs));
  if (!*buf) return TT_STATS_EDOMAIN;
  *f    = (cox_fit){n, p, ties, NULL, *buf, NULL, NULL, NULL, NULL};
  f->s1 = f->z + (size_t) n * p, f->s2 = f->s1 + p, f->d1 = f->s2 + (size_t) p * p, f->d2 = f->d1 + p;
  f->o = (cox_obs *) (f->z + nd);
  for (int i = 0; i < n; i++) {
    if (!(d->time[i] >= 0.0) || !isfinite(d->time[i]) || (d->status[i] != 0 && d->status[i] != 1) ||
        (d->treat[i] != 0 && d->treat[i] != 1))
      return TT_STATS_EDOMAIN;
    events += d->status[i];
    f->o[i]              = (cox_obs){d->time[i], d->status[i], d->strata ? d->strata[i] : 0, i};
    f->z[(size_t) i * p] = d->treat[i];
    for (int k = 0; k < d->ncov; k++) f->z[(size_t) i * p + 1 + k] = d->cov[(size_t) k * n + i];
  }
  for (size_t i = 0; i < (size_t) n * p; i++)
    if (!isfinite(f->z[i])) return TT_STATS_EDOMAIN;
  if (events < 1) return TT_STATS_ENOEVENTS;
  for (int j = 0; j < p; j++) { /* centre */
    double m = 0.0;
    for (int i = 0; i < n; i++) m += f->z[(size_t) i * p + j];
    m /= n;
    for (int i = 0; i < n; i++) f->z[(size_t) i * p + j] -= m;
  }
  qsort(f->o, (size_t) n, sizeof *f->o, cox_cmp);
  return TT_STATS_OK;
}

static void cox_tests_fill(int p, const double beta[], cox_eval *e, double score0, double ll0, int iters,
                           tt_stats_cox_tests *t)
{
  double *inv = e->info, work[COX_MAXP * COX_MAXP];
  for (int j = 0; j < p * p; j++) work[j] = inv[j];
  t->loglik0    = ll0;
  t->loglik     = e->ll;
  t->df         = p;
  t->iterations = iters;
  t->score      = score0;
  t->lr         = 2.0 * (e->ll - ll0);
  t->wald       = tt_stats_spd_invert(p, work) ? NAN : quad_form(p, work, beta); /* b' I b */
  t->wald_p     = 1.0 - tt_stats_pchisq(t->wald, p);
  t->score_p    = 1.0 - tt_stats_pchisq(t->score, p);
  t->lr_p       = 1.0 - tt_stats_pchisq(t->lr, p);
}

int tt_stats_cox(const tt_stats_surv_data *d, int ties, tt_stats_test_spec spec, tt_stats_result *res, double beta[],
                 double se[], tt_stats_cox_tests *tests)
{
  if (res) *res = (tt_stats_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
  cox_fit  f;
  void    *buf;
  double   b[COX_MAXP], u[COX_MAXP], info[COX_MAXP * COX_MAXP], score0 = NAN, ll0 = NAN;
  int      iters = 0, err = cox_setup(d, ties, &f, &buf);
  cox_eval e = {NAN, u, info};
  if (!err) err = cox_newton(&f, b, &e, &score0, &ll0, &iters);
  if (err == TT_STATS_ESINGULAR || err == TT_STATS_ENOCONV || (!err && cox_extreme(&f, b))) err = cox_diagnose(&f, err);
  free(buf);
  if (err) return err;
  int p = 1 + d->ncov;
  for (int j = 0; j < p; j++) {
    if (beta) beta[j] = b[j];
    if (se) se[j] = sqrt(info[j * p + j]);
  }
  if (tests) cox_tests_fill(p, b, &e, score0, ll0, iters, tests);
  if (res) {
    err = tt_stats_t_result(b[0], sqrt(info[0]), INFINITY, spec, res);
    if (err) return err;
    res->n_analysed = d->n;
  }
  return TT_STATS_OK;
}
