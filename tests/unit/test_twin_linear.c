/* test_twin_linear.c — personalisation of a linear-Gaussian model against its closed form.
 *
 * Model (registered here): y = b + eta0 + (s + eta1) x(t) + eps, x(t) = t + e max(t, 0), eps ~
 * N(0, sigma^2), eta ~ N(0, Omega) with a correlation: the observations are linear in eta, so
 * the posterior of eta is normal with precision P = Omega^-1 + X'X / sigma^2 and mean (the MAP,
 * the BLUP) P^-1 X'(y - o) / sigma^2, X rows (1, x(t_j)), o_j = b + s x(t_j). Checked:
 * 1. MAP and Laplace covariance of a patient with history (t < 0) and visits on the slowed arm
 *    (e = -0.5) equal the closed form to 1e-8;
 * 2. the objective equals -log p(y | eta) - log p(eta) up to the same constant at two points;
 * 3. forecasts: the predictive mean and 90% interval of a new observation at each visit and
 *    arm, N(o + x'm, x'Cx + sigma^2), within Monte-Carlo error (20000 draws);
 * 4. choose (minimize y at week 52): the slowed arm is best when its slope is positive, with
 *    p_best = P(s + eta1 > 0) = Phi((s + m1) / sqrt(C11)) within MC error, and its benefit
 *    -0.5 (s + eta1) 52 in mean;
 * 5. the draws are identical when repeated (keyed by seed and patient index), and a refit after
 *    another patient (with a censored observation) is bitwise identical.
 */
#include <math.h>
#include <string.h>
#include <twintrial/twin.h>
#include "tt_check.h"

enum { P_B, P_S, P_O00, P_O11, P_O01, P_SIGMA, NPARAM };
static const TTParamInfo params[NPARAM] = {
    {"b", "1", 20.0, "", TT_DOMAIN_REAL},   {"s", "1/week", 0.05, "", TT_DOMAIN_REAL},
    {"o00", "1", 4.0, "", TT_DOMAIN_REAL},  {"o11", "1", 0.0025, "", TT_DOMAIN_REAL},
    {"o01", "1", 0.03, "", TT_DOMAIN_REAL}, {"sigma", "1", 1.5, "", TT_DOMAIN_REAL}};
static const TTParamInfo    effects[] = {{"e", "1", 0.0, "slope change after randomisation", TT_DOMAIN_REAL}};
static const TTVariableInfo vars[]    = {{"y", "1"}};
static const TTRangeInfo    ranges[]  = {{-1e9, 1e9, "test"}};

static double X(const double *eff, double t)
{
  return t + eff[0] * fmax(t, 0.0);
}
static void Mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  (void) cov;
  y[0] = par[P_B] + eta[0] + (par[P_S] + eta[1]) * X(eff, t);
}
static void Omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  (void) cov;
  om[0] = par[P_O00], om[1] = om[2] = par[P_O01], om[3] = par[P_O11];
  lo[0] = lo[1] = -INFINITY, hi[0] = hi[1] = INFINITY;
}
static void Draw(const double *par, tt_pcg32 *rng, double *eta)
{
  double om[4], lo[2], hi[2], L[4], zero[2] = {0, 0};
  Omega(par, NULL, om, lo, hi);
  tt_rng_cholesky(2, om, L);
  tt_rng_mvnormal(rng, 2, zero, L, eta);
}
static void Observe(const double *par, const double *ym, tt_pcg32 *rng, double *yo)
{
  yo[0] = ym[0] + par[P_SIGMA] * tt_rng_normal(rng);
}
static void Condition(const double *par, const double *cov, const double *y0, double *eta)
{
  (void) par, (void) cov, (void) y0;
  eta[0] = eta[1] = 0.0;
}
static double LogDensity(const double *par, int k, const TTObservation *o)
{
  double z = (o->value - o->mean) / par[P_SIGMA];
  (void) k;
  if (o->below) return log(0.5 * erfc(-z / sqrt(2.0)));
  return -0.5 * z * z - log(par[P_SIGMA]) - 0.9189385332046727;
}

static const TTModelType linear = {.name           = "twin_linear_test",
                                   .description    = "linear-Gaussian test model",
                                   .reference      = "closed form",
                                   .time_unit_days = 7.0,
                                   .nparam         = NPARAM,
                                   .param          = params,
                                   .neffect        = 1,
                                   .effect         = effects,
                                   .nvar           = 1,
                                   .var            = vars,
                                   .range          = ranges,
                                   .nlatent        = 2,
                                   .draw_latent    = Draw,
                                   .mean           = Mean,
                                   .observe        = Observe,
                                   .condition      = Condition,
                                   .log_density    = LogDensity,
                                   .omega          = Omega};

/* Posterior mean m[2] and covariance C[4] of the patient, in closed form. */
static void ClosedForm(const double *par, const TTPatient *p, const double *eff, double m[2], double C[4])
{
  double om[4], lo[2], hi[2], det, P[4], r[2] = {0, 0}, s2 = par[P_SIGMA] * par[P_SIGMA];
  Omega(par, NULL, om, lo, hi);
  det  = om[0] * om[3] - om[1] * om[2];
  P[0] = om[3] / det, P[3] = om[0] / det, P[1] = P[2] = -om[1] / det;
  for (PetscInt j = 0; j < p->nobs; j++) {
    double x = p->t[j] < 0 ? p->t[j] : X(eff, p->t[j]), res = p->value[j] - par[P_B] - par[P_S] * x;
    P[0] += 1 / s2, P[1] += x / s2, P[2] += x / s2, P[3] += x * x / s2;
    r[0] += res / s2, r[1] += x * res / s2;
  }
  det  = P[0] * P[3] - P[1] * P[2];
  C[0] = P[3] / det, C[3] = P[0] / det, C[1] = C[2] = -P[1] / det;
  m[0] = C[0] * r[0] + C[1] * r[1], m[1] = C[2] * r[0] + C[3] * r[1];
}

static double Phi(double z)
{
  return 0.5 * erfc(-z / sqrt(2.0));
}

static PetscErrorCode CheckForecast(TTTwinFit fit, const TTProtocol *pr, const double *par, const TTPatient *p,
                                    const TTTwinEstimate *est, const double m[2], const double C[4])
{
  TTTwinForecastOptions opt = {20000, 0.90, 77};
  TTTwinForecast        fc, fc2;
  const double          eff[2][1] = {{0.0}, {-0.5}}, z95 = 1.6448536269514722;

  PetscFunctionBeginUser;
  PetscCall(TTTwinForecastCreate(fit, &fc));
  PetscCall(TTTwinForecastCreate(fit, &fc2));
  PetscCall(TTTwinPredict(fit, p, 0, est, &opt, &fc));
  for (PetscInt a = 0; a < 2; a++)
    for (PetscInt v = 0; v < pr->nvisit; v++) {
      double x = X(eff[a], pr->visit[v]), mu = par[P_B] + par[P_S] * x + m[0] + m[1] * x;
      double sd = sqrt(C[0] + 2 * x * C[1] + x * x * C[3] + par[P_SIGMA] * par[P_SIGMA]);
      double se = sd / sqrt(opt.draws), i = a * pr->nvisit + v;
      TT_CHECK_CLOSE(fc.mean[(int) i], mu, 5 * se, "predictive mean N(o + x'm, x'Cx + sigma^2)");
      TT_CHECK_CLOSE(fc.lower[(int) i], mu - z95 * sd, 8 * se, "5% predictive quantile");
      TT_CHECK_CLOSE(fc.upper[(int) i], mu + z95 * sd, 8 * se, "95% predictive quantile");
    }
  {
    double pb = Phi((par[P_S] + m[1]) / sqrt(C[3])), se = sqrt(pb * (1 - pb) / opt.draws);
    TT_CHECK(fc.best == (pb > 0.5 ? 1 : 0), "best arm by the mean criterion");
    TT_CHECK_CLOSE(fc.p_best, pb > 0.5 ? pb : 1 - pb, 5 * se + 1e-12, "P(s + eta1 > 0)");
    TT_CHECK_CLOSE(fc.benefit[3], -0.5 * 52 * (par[P_S] + m[1]), 5 * 0.5 * 52 * sqrt(C[3] / opt.draws),
                   "benefit of the slowed arm over control at week 52");
    TT_CHECK_CLOSE(fc.benefit[0], 0.0, 0.0, "control over itself");
  }
  PetscCall(TTTwinPredict(fit, p, 0, est, &opt, &fc2));
  TT_CHECK(!memcmp(fc.mean, fc2.mean, sizeof(double) * 2 * pr->nvisit), "repeatable draws");
  PetscCall(TTTwinForecastDestroy(&fc));
  PetscCall(TTTwinForecastDestroy(&fc2));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  TTProtocol    *pr;
  TTTrial        trial;
  TTTwinFit      fit;
  TTTwinEstimate est;
  const double  *par;
  const double   t[]     = {-26, -13, 0, 12, 26};
  const double   value[] = {17.9, 19.6, 21.3, 22.0, 21.1};
  const int      var[5] = {0}, below[5] = {0};
  TTPatient      p      = {"A", NULL, 1, 5, t, var, value, below, NULL};
  const double   eff1[] = {-0.5};
  double         m[2], C[4], f1, f2, g[2];

  PetscFunctionBeginUser;
  PetscCheck(!tt_model_register(&linear), PETSC_COMM_SELF, PETSC_ERR_PLIB, "register");
  PetscCall(TTProtocolLoad(TT_TWIN_LINEAR, &pr));
  pr->choose = 1, pr->choose_goal = TT_CHOOSE_MINIMIZE, pr->choose_visit = 52, pr->choose_control = 0;
  strcpy(pr->choose_variable, "y");
  PetscCall(TTTrialCreate(pr, &trial));
  PetscCall(TTTrialGetParameters(trial, &par));
  PetscCall(TTTwinFitCreate(trial, &fit));
  PetscCall(TTTwinFitPatient(fit, &p, &est));
  ClosedForm(par, &p, eff1, m, C);
  TT_CHECK(est.converged, est.reason);
  for (int i = 0; i < 2; i++) TT_CHECK_CLOSE(est.eta[i], m[i], 1e-8, "BLUP: P^-1 X'(y - o) / sigma^2");
  for (int i = 0; i < 4; i++) TT_CHECK_CLOSE(est.cov[i], C[i], 1e-8 * fmax(1.0, fabs(C[i])), "P^-1");
  {
    const double e1[2] = {0.3, -0.02}, e2[2] = {-1.0, 0.01};
    double       q1, q2;
    PetscCall(TTTwinObjective(fit, &p, e1, &f1, g));
    PetscCall(TTTwinObjective(fit, &p, e2, &f2, NULL));
    /* f(e) - f(m) = 0.5 (e - m)' P (e - m) for a normal posterior */
    {
      double P[4], det = C[0] * C[3] - C[1] * C[2], d1[2] = {e1[0] - m[0], e1[1] - m[1]},
                   d2[2] = {e2[0] - m[0], e2[1] - m[1]};
      P[0] = C[3] / det, P[3] = C[0] / det, P[1] = P[2] = -C[1] / det;
      q1 = 0.5 * (d1[0] * (P[0] * d1[0] + P[1] * d1[1]) + d1[1] * (P[2] * d1[0] + P[3] * d1[1]));
      q2 = 0.5 * (d2[0] * (P[0] * d2[0] + P[1] * d2[1]) + d2[1] * (P[2] * d2[0] + P[3] * d2[1]));
      TT_CHECK_CLOSE(f1 - f2, q1 - q2, 1e-9, "f differences = quadratic form of the posterior precision");
      TT_CHECK_CLOSE(g[0], P[0] * d1[0] + P[1] * d1[1], 1e-6, "gradient P (e - m)");
      TT_CHECK_CLOSE(g[1], P[2] * d1[0] + P[3] * d1[1], 1e-6 * fabs(P[3]), "gradient P (e - m)");
    }
  }
  { /* a patient's fit does not depend on the patients fitted before it (the solver is reused) */
    const double   t2[] = {-10, 0}, v2[] = {30.0, 31.5};
    const int      var2[2] = {0}, below2[2] = {0, 1};
    TTPatient      q = {"B", NULL, -1, 2, t2, var2, v2, below2, NULL};
    TTTwinEstimate eq, again;
    PetscCall(TTTwinFitPatient(fit, &q, &eq));
    PetscCall(TTTwinFitPatient(fit, &p, &again));
    TT_CHECK(eq.converged, eq.reason);
    TT_CHECK(!memcmp(&again, &est, sizeof est), "refit after another patient is bitwise identical");
  }
  PetscCall(CheckForecast(fit, pr, par, &p, &est, m, C));
  PetscCall(TTTwinFitDestroy(&fit));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&pr));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Run());
  printf("%s: linear-Gaussian personalisation, %d failures\n", tt_failures ? "FAIL" : "ok", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
