/* test_model_pk.c — dosing events in the sim module and the PK models pk_1cmt_oral
 * (metformin, Yoon 2013) and pk_2cmt_oral (donepezil, Jung 2022) against closed forms.
 *
 * Expected answers (linear PK: superposition of single doses, F = 1):
 *   IV bolus, one compartment:  A(t) = sum_{td < t} D exp(-k (t - td))
 *   oral, one compartment:      C(t) = sum_{td < t} D ka/(V (ka - k)) (e^{-k s} - e^{-ka s}), s = t - td
 *   oral, two compartments:     C(t) = sum_{td < t} D ka/Vc [ (k21 - a)/((ka - a)(b - a)) e^{-a s}
 *                                 + (k21 - b)/((ka - b)(a - b)) e^{-b s} + (k21 - ka)/((a - ka)(b - ka)) e^{-ka s} ]
 *     with a, b (alpha, beta) the roots of x^2 - (k10 + k12 + k21) x + k10 k21 (Gibaldi & Perrier,
 *     Pharmacokinetics, 2nd ed., ch. 2).
 *   steady state: the mean of C over a dosing interval is Css,avg = D/(CL tau).
 * The sum is over td < t: a visit at a dose time reports the state before that dose
 * (the trough convention of sim.h), which the IV bolus model makes visible. */
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"

#define MAXT 8192

/* ---- a local IV bolus model: the dose goes straight into the observed state ---- */
static const TTParamInfo    iv_par[1] = {{"k", "1/h", 0.1, "elimination rate", TT_DOMAIN_REAL}};
static const TTParamInfo    iv_eff[2] = {{"dose_mg", "mg", 100.0, "dose", TT_DOMAIN_REAL},
                                         {"interval_h", "h", 12.0, "interval", TT_DOMAIN_REAL}};
static const TTVariableInfo iv_var[1] = {{"amount", "mg"}};

static void IvInitial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) cov, (void) eta, (void) eff;
  u0[0] = 0.0;
}
static void IvRhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                  double *f)
{
  (void) cov, (void) eta, (void) eff, (void) t;
  f[0] = -par[0] * u[0];
}
static void IvOutput(const double *par, const double *cov, const double *eta, const double *eff, double t,
                     const double *u, double *y)
{
  (void) par, (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[0];
}
static int IvDoses(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                   double *times, double *amounts)
{
  int n = 0;
  (void) par, (void) cov, (void) eta;
  for (double td = 0.0; td < t_end && n < TT_MAX_DOSES; td += eff[1], n++) times[n] = td, amounts[n] = eff[0];
  return n;
}
static const TTModelType iv_bolus = {.name           = "iv_bolus_test",
                                     .time_unit_days = 1.0 / 24.0,
                                     .nparam         = 1,
                                     .param          = iv_par,
                                     .neffect        = 2,
                                     .effect         = iv_eff,
                                     .nvar           = 1,
                                     .var            = iv_var,
                                     .nstate         = 1,
                                     .initial        = IvInitial,
                                     .rhs            = IvRhs,
                                     .output         = IvOutput,
                                     .doses          = IvDoses,
                                     .dose_state     = 0};

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* A grid every `step` on [0, t_end] plus the dose times tlag + k tau (k < ndose), sorted, unique. */
static int VisitGrid(double step, double t_end, double tlag, double tau, int ndose, double *t)
{
  int n = 0, m = 0;
  for (int i = 0; i * step <= t_end; i++) t[n++] = i * step;
  for (int k = 0; k < ndose; k++) t[n++] = tlag + k * tau;
  qsort(t, (size_t) n, sizeof t[0], CompareDouble);
  for (int i = 0; i < n; i++)
    if (m == 0 || t[i] > t[m - 1]) t[m++] = t[i];
  return m;
}

/* Closed-form oral concentrations (F = 1) for doses D at tlag + k tau, k < ndose; td < t only. */
static double Oral1(double t, double D, double tlag, double tau, int ndose, double ka, double cl, double v)
{
  double c = 0.0, k = cl / v;
  for (int j = 0; j < ndose; j++) {
    double s = t - (tlag + j * tau);
    if (s > 0) c += D * ka / (v * (ka - k)) * (exp(-k * s) - exp(-ka * s));
  }
  return c;
}

static double Oral2(double t, double D, double tau, int ndose, double ka, double cl, double vc, double vp, double q)
{
  double k10 = cl / vc, k12 = q / vc, k21 = q / vp, sum = k10 + k12 + k21, disc = sqrt(sum * sum - 4.0 * k10 * k21);
  double a = 0.5 * (sum + disc), b = 0.5 * (sum - disc), c = 0.0;
  for (int j = 0; j < ndose; j++) {
    double s = t - j * tau;
    if (s > 0)
      c += D * ka / vc *
           ((k21 - a) / ((ka - a) * (b - a)) * exp(-a * s) + (k21 - b) / ((ka - b) * (a - b)) * exp(-b * s) +
            (k21 - ka) / ((a - ka) * (b - ka)) * exp(-ka * s));
  }
  return c;
}

static double t_grid[MAXT], y_sim[2 * MAXT], y_again[2 * MAXT];

/* Simpson mean of concentration (variable 0 of 2) over t[i0..i0+m], m even, uniform step. */
static double SimpsonMean(const double *t, const double *y, int i0, int m)
{
  double s = y[2 * i0] + y[2 * (i0 + m)];
  for (int j = 1; j < m; j++) s += (j % 2 ? 4.0 : 2.0) * y[2 * (i0 + j)];
  return s * (t[i0 + 1] - t[i0]) / 3.0 / (t[i0 + m] - t[i0]);
}

/* Visits 0, then m + 1 uniform points on [a, b]. */
static int IntervalGrid(double a, double b, int m, double *t)
{
  t[0] = 0.0;
  for (int j = 0; j <= m; j++) t[1 + j] = j == m ? b : a + j * (b - a) / m;
  return m + 2;
}

static PetscErrorCode trough_convention_on_iv_bolus(void)
{
  double   par = 0.1, eff[2] = {100.0, 12.0}, t[] = {0, 6, 12, 18, 24, 30, 36, 48, 60, 61.5}, y[10];
  TTSim    sim;
  PetscInt nt = 10;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&iv_bolus, &par, &sim));
  PetscCall(TTSimTrajectory(sim, NULL, NULL, eff, nt, t, y));
  for (PetscInt i = 0; i < nt; i++) {
    double exact = 0.0;
    for (double td = 0.0; td < t[i]; td += 12.0) exact += 100.0 * exp(-0.1 * (t[i] - td));
    TT_CHECK_CLOSE(y[i], exact, 1e-6 * exact + 1e-12, "IV bolus superposition, pre-dose at dose times");
  }
  TT_CHECK(y[0] == 0.0, "the t = 0 visit is before the t = 0 dose");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode one_compartment_matches_superposition(void)
{
  const TTModelType *m = tt_model_find("pk_1cmt_oral");
  double             par[9], wt = 82.0, eta[3] = {0.2, -0.3, 0.1}, eff[3] = {500.0, 12.0, 10.0};
  double             ka, cl, v, tlag, maxerr = 0.0;
  TTSim              sim;
  int                nt;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  ka   = 0.248 * exp(0.1);
  cl   = 136.0 * exp(0.2);
  v    = 112.0 * (1.0 + 0.0183 * (82.0 - 70.0)) * exp(-0.3);
  tlag = 0.182;
  nt   = VisitGrid(0.25, 150.0, tlag, 12.0, 10, t_grid);
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(TTSimTrajectory(sim, &wt, eta, eff, nt, t_grid, y_sim));
  for (int i = 0; i < nt; i++) {
    double exact = Oral1(t_grid[i], 500.0, tlag, 12.0, 10, ka, cl, v);
    TT_CHECK_CLOSE(y_sim[2 * i], exact, 1e-12 * exact + 1e-15, "1-cmt oral superposition (Yoon 2013 parameters)");
    if (exact > 0) maxerr = fmax(maxerr, fabs(y_sim[2 * i] / exact - 1.0));
    TT_CHECK_CLOSE(y_sim[2 * i + 1], 500.0 / (cl * 12.0), 1e-14, "css_avg = D/(CL tau)");
  }
  printf("pk_1cmt_oral: %d visits, max relative error %.2e\n", nt, maxerr);
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode two_compartment_matches_superposition(void)
{
  const TTModelType *m = tt_model_find("pk_2cmt_oral");
  double             par[8], eta[2] = {-0.2, 0.3}, eff[3] = {10.0, 12.0, 10.0}, cl, vc, maxerr = 0.0;
  TTSim              sim;
  int                nt;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  cl = 10.0 * exp(-0.2);
  vc = 26.2 * exp(0.3);
  nt = VisitGrid(0.25, 400.0, 0.0, 12.0, 10, t_grid);
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(TTSimTrajectory(sim, NULL, eta, eff, nt, t_grid, y_sim));
  for (int i = 0; i < nt; i++) {
    double exact = Oral2(t_grid[i], 10.0, 12.0, 10, 0.0497, cl, vc, 562.0, 15.6);
    TT_CHECK_CLOSE(y_sim[2 * i], exact, 1e-12 * exact + 1e-15, "2-cmt oral superposition (Jung 2022 parameters)");
    if (exact > 0) maxerr = fmax(maxerr, fabs(y_sim[2 * i] / exact - 1.0));
  }
  printf("pk_2cmt_oral: %d visits, max relative error %.2e\n", nt, maxerr);
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* n_doses = 0: doses fill the schedule; the last visit is the next dose time, so the
 * last dose taken is at a = tlag + (N - 1) tau and [a, a + tau] is a full interval. */
static PetscErrorCode steady_state_mean_is_css_avg(const char *name, const double *cov, const double *eta, double dose,
                                                   double tlag, int ndose)
{
  const TTModelType *m = tt_model_find(name);
  double             par[16], eff[3] = {dose, 12.0, 0.0}, a = tlag + (ndose - 1) * 12.0, mean, css;
  int                nt, npts = 2000;
  TTSim              sim;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  nt = IntervalGrid(a, tlag + ndose * 12.0, npts, t_grid);
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(TTSimTrajectory(sim, cov, eta, eff, nt, t_grid, y_sim));
  mean = SimpsonMean(t_grid, y_sim, 1, npts);
  css  = y_sim[1];
  TT_CHECK_CLOSE(mean, css, 1e-4 * css, "mean over a steady-state interval = F D/(CL tau)");
  printf("%s: steady-state interval mean %.8g, Css,avg %.8g (relative %.1e), trough %.6g\n", name, mean, css,
         mean / css - 1.0, y_sim[2 * (nt - 1)]);
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode no_doses_give_zero_concentration(void)
{
  const TTModelType *m = tt_model_find("pk_1cmt_oral");
  double             par[9], wt = 70.0, eta[3] = {0, 0, 0}, none[3] = {0.0, 12.0, 0.0}, late[3] = {500.0, 12.0, 0.0};
  double             t[4] = {0.0, 0.05, 0.1, 0.18}, y[8], times[TT_MAX_DOSES], amounts[TT_MAX_DOSES];
  TTSim              sim;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  TT_CHECK(m->doses(par, &wt, eta, none, 100.0, times, amounts) == 0, "dose_mg = 0 gives an empty dose list");
  TT_CHECK(m->doses(par, &wt, eta, late, 0.18, times, amounts) == 0, "no dose starts before t_end = 0.18 < tlag");
  /* 100 h, tau 24, tlag 0.182: doses at 0.182, 24.182, 48.182, 72.182, 96.182 */
  TT_CHECK(m->doses(par, &wt, eta, (double[3]){500.0, 24.0, 0.0}, 100.0, times, amounts) == 5,
           "n_doses = 0 fills the schedule");
  TT_CHECK(m->doses(par, &wt, eta, (double[3]){500.0, 24.0, 3.0}, 100.0, times, amounts) == 3,
           "n_doses caps the regimen");
  PetscCall(TTSimCreate(m, par, &sim));
  for (int arm = 0; arm < 2; arm++) {
    PetscCall(TTSimTrajectory(sim, &wt, eta, arm ? late : none, 4, t, y));
    for (int i = 0; i < 8; i += 2) TT_CHECK(y[i] == 0.0, "zero doses give zero concentration");
  }
  TT_CHECK(y[1] == 500.0 / (136.0 * 12.0), "css_avg does not need a dose to have been taken");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode reused_sim_is_bitwise_deterministic(const char *name, const double *cov)
{
  const TTModelType *m = tt_model_find(name);
  double             par[16], eta_a[3] = {0.3, -0.1, 0.2}, eta_b[3] = {-0.5, 0.4, -0.3};
  double             eff_a[3] = {500.0, 12.0, 0.0}, eff_b[3] = {850.0, 8.0, 5.0};
  int                nt;
  TTSim              sim;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  nt = VisitGrid(1.0, 72.0, 0.182, 12.0, 6, t_grid);
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(TTSimTrajectory(sim, cov, eta_a, eff_a, nt, t_grid, y_sim));
  PetscCall(TTSimTrajectory(sim, cov, eta_b, eff_b, nt, t_grid, y_again));
  PetscCall(TTSimTrajectory(sim, cov, eta_a, eff_a, nt, t_grid, y_again));
  for (int i = 0; i < 2 * nt; i++) TT_CHECK(y_sim[i] == y_again[i], "reused TS reproduces a dosed twin bitwise");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* The models' exact solution between events (propagate) against their ODE integrated at
 * rtol 1e-12 (the same model without propagate): a history before randomisation, the
 * first segment's doses, a switch to another dose and interval (a visit at the switch
 * time and at dose times), on both models with random effects away from 0. */
static PetscErrorCode propagate_matches_the_ode(const char *name, const double *cov, const double *eta)
{
  const TTModelType *m = tt_model_find(name);
  TTModelType        ode;
  double             par[9], eff[6] = {5.0, 24.0, 0.0, 10.0, 12.0, 0.0}, start[2] = {0.0, 72.0}, t[40], ya[80], yb[80];
  double             worst = 0.0;
  TTRegimen          reg   = {2, start, eff};
  TTSim              exact, integrated;
  int                nt = 0;

  PetscFunctionBeginUser;
  ode           = *m;
  ode.propagate = NULL;
  TT_CHECK(m->propagate != NULL, "the PK model has an exact solution");
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  t[nt++] = -48.0, t[nt++] = -1.0;
  for (double v = 0.0; v <= 200.0; v += v < 24.0 ? 1.5 : 12.0) t[nt++] = v;
  PetscCall(TTSimCreate(m, par, &exact));
  PetscCall(TTSimCreate(&ode, par, &integrated));
  PetscCall(TTSimSetTolerances(integrated, 1e-12, 1e-15));
  PetscCall(TTSimTrajectoryRegimen(exact, cov, eta, eff, &reg, nt, t, ya));
  PetscCall(TTSimTrajectoryRegimen(integrated, cov, eta, eff, &reg, nt, t, yb));
  for (int i = 0; i < 2 * nt; i++) {
    TT_CHECK_CLOSE(ya[i], yb[i], 1e-9 * fabs(yb[i]) + 1e-15, "exact solution = the ODE's");
    if (yb[i] > 0) worst = fmax(worst, fabs(ya[i] / yb[i] - 1.0));
  }
  TT_CHECK(ya[0] == 0.0 && ya[4] == 0.0 && ya[6] > 0.0, "nothing before the first dose, a level after it");
  printf("%s: exact solution vs the ODE at rtol 1e-12 over %d visits (history, switch): max relative %.2e\n", name, nt,
         worst);
  PetscCall(TTSimDestroy(&exact));
  PetscCall(TTSimDestroy(&integrated));
  PetscFunctionReturn(0);
}

static PetscErrorCode too_many_doses_is_a_user_error(void)
{
  const TTModelType *m = tt_model_find("pk_2cmt_oral");
  double             par[8], eta[2] = {0, 0}, eff[3] = {10.0, 1.0, 0.0}, t[2] = {0.0, TT_MAX_DOSES + 10.0}, y[4];
  PetscErrorCode     ierr;
  TTSim              sim;

  PetscFunctionBeginUser;
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  PetscCall(TTSimCreate(m, par, &sim));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectory(sim, NULL, eta, eff, 2, t, y);
  PetscCall(PetscPopErrorHandler());
  TT_CHECK(ierr == PETSC_ERR_USER, "more than TT_MAX_DOSES doses is reported, not truncated");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* Each model states a range per variable, from 0; the typical metformin twin (70 kg, no
 * random effect) at the shipped top regimen, 1000 mg every 12 h for 7 days, peaks far
 * below the 5 mg/L bound (closed form, every 0.05 h); likewise typical donepezil at
 * 10 mg/day for 4 weeks below 0.2 mg/L. */
static void ranges_are_stated_and_hold_for_typical_twins(void)
{
  const TTModelType *m1 = tt_model_find("pk_1cmt_oral"), *m2 = tt_model_find("pk_2cmt_oral");
  double             peak1 = 0.0, peak2 = 0.0;

  TT_CHECK(m1->range && m2->range, "PK models state their ranges");
  if (!m1->range || !m2->range) return;
  for (int v = 0; v < 2; v++) TT_CHECK(m1->range[v].lo == 0.0 && m2->range[v].lo == 0.0, "ranges start at 0");
  for (double t = 0.0; t <= 168.0; t += 0.05)
    peak1 = fmax(peak1, Oral1(t, 1000.0, 0.182, 12.0, 14, 0.248, 136.0, 112.0));
  for (double t = 0.0; t <= 672.0; t += 0.25)
    peak2 = fmax(peak2, Oral2(t, 10.0, 24.0, 28, 0.0497, 10.0, 26.2, 562.0, 15.6));
  printf("typical peaks: metformin 1000 mg q12h %.3f mg/L, donepezil 10 mg q24h %.4f mg/L\n", peak1, peak2);
  TT_CHECK(peak1 > 0.5 && peak1 < 0.5 * m1->range[0].hi, "typical metformin peak well inside the range");
  TT_CHECK(peak2 > 0.01 && peak2 < 0.5 * m2->range[0].hi, "typical donepezil peak well inside the range");
}

int main(int argc, char **argv)
{
  double wt = 75.0, eta1[3] = {0.1, 0.2, -0.1}, eta2[2] = {-0.2, 0.3};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  TT_CHECK(tt_model_find("pk_1cmt_oral") && tt_model_find("pk_2cmt_oral"), "PK models are registered");
  if (!tt_failures) {
    PetscCall(trough_convention_on_iv_bolus());
    PetscCall(one_compartment_matches_superposition());
    PetscCall(two_compartment_matches_superposition());
    PetscCall(steady_state_mean_is_css_avg("pk_1cmt_oral", &wt, eta1, 500.0, 0.182, 20));
    PetscCall(steady_state_mean_is_css_avg("pk_2cmt_oral", NULL, eta2, 10.0, 0.0, 250));
    PetscCall(no_doses_give_zero_concentration());
    PetscCall(reused_sim_is_bitwise_deterministic("pk_1cmt_oral", &wt));
    PetscCall(reused_sim_is_bitwise_deterministic("pk_2cmt_oral", NULL));
    PetscCall(propagate_matches_the_ode("pk_1cmt_oral", &wt, eta1));
    PetscCall(propagate_matches_the_ode("pk_2cmt_oral", NULL, eta2));
    PetscCall(too_many_doses_is_a_user_error());
    ranges_are_stated_and_hold_for_typical_twins();
  }
  printf("%d failure(s)\n", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
