/* test_sim_sens.c — TTSimTrajectorySensitivity: a trajectory's derivatives in the random
 * effects, against independent references.
 * 1. A dosing model with a closed-form solution (registered here): one-compartment oral
 *    absorption with a baseline amount, ka = ka0 e^eta0, k = k0 e^eta1 (1 + e after 0),
 *    baseline b e^eta2, bioavailable dose D e^eta2 entering at tau_j = tlag e^eta3 + j tau:
 *    depot = sum A e^-ka(t - tau_j), central = C(0) e^-k1 t + sum A ka/(ka - k1)
 *    (e^-k1(t - tau_j) - e^-ka(t - tau_j)), C(t < 0) = C0 e^-k0(t - t0). Values and
 *    derivatives (central differences of the closed form, error ~1e-10) at the default
 *    tolerance, with a history before 0 and without; the derivative in the lag time is the
 *    jump term (f- - f+) dtau/deta of moving doses, the one in eta2 the amounts'.
 * 2. The shipped ODE models t2d_hba1c (history, restart at 0 under a drug arm) and
 *    pk_1cmt_oral, pk_2cmt_oral (doses): sensitivities at the default tolerance against
 *    central differences of TTSimTrajectoryHistory integrated at rtol 1e-12 (error ~1e-8).
 * 3. A closed-form model (alzheimers_adas): values bitwise those of TTSimTrajectoryHistory,
 *    derivatives against central differences of `mean`.
 * 2b. t2d_hba1c under a regimen that switches twice (TTSimTrajectorySensitivityRegimen)
 *    against central differences of TTSimTrajectoryRegimen at rtol 1e-12; one segment gives
 *    TTSimTrajectorySensitivity's results bit for bit; a dosing model is refused; the same
 *    at rtol 1e-6 (forward differences of the right-hand side) within 1e-6 of the largest.
 * 4. TTSimTrajectoryHistory on the same TTSim is bitwise the same before and after
 *    sensitivity runs (they use a TS of their own), and the sensitivity run's values equal
 *    it to the integration tolerance; repeated sensitivity runs are bitwise identical.
 */
#include <math.h>
#include <string.h>
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"

enum { P_KA, P_K, P_B, P_V, P_TLAG, NPARAM };
static const TTParamInfo    params[NPARAM] = {{"ka", "1/h", 1.2, "", TT_DOMAIN_REAL},
                                              {"k", "1/h", 0.15, "", TT_DOMAIN_REAL},
                                              {"b", "mg", 30.0, "", TT_DOMAIN_REAL},
                                              {"v", "L", 10.0, "", TT_DOMAIN_REAL},
                                              {"tlag", "h", 0.5, "", TT_DOMAIN_REAL}};
static const TTParamInfo    effects[]      = {{"dose", "mg", 0.0, "", TT_DOMAIN_REAL},
                                              {"tau", "h", 6.0, "", TT_DOMAIN_REAL},
                                              {"e", "1", 0.0, "", TT_DOMAIN_REAL}};
static const TTVariableInfo vars[]         = {{"conc", "mg/L"}, {"depot", "mg"}};
static const TTRangeInfo    ranges[]       = {{-1e9, 1e9, "test"}, {-1e9, 1e9, "test"}};

static double Ka(const double *par, const double *eta)
{
  return par[P_KA] * exp(eta[0]);
}
static double K(const double *par, const double *eta, const double *eff, double t)
{
  return par[P_K] * exp(eta[1]) * (t >= 0.0 ? 1.0 + eff[2] : 1.0);
}
static void Initial(const double *par, const double *cov, const double *eta, const double *eff, double *u)
{
  (void) cov, (void) eff;
  u[0] = 0.0, u[1] = par[P_B] * exp(eta[2]);
}
static void Rhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                double *f)
{
  (void) cov;
  f[0] = -Ka(par, eta) * u[0];
  f[1] = Ka(par, eta) * u[0] - K(par, eta, eff, t) * u[1];
}
static void Output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[1] / par[P_V], y[1] = u[0];
}
static int Doses(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                 double *times, double *amounts)
{
  int n = 0;
  (void) cov;
  if (eff[0] == 0.0) return 0;
  for (double td = par[P_TLAG] * exp(eta[3]); td < t_end && n < TT_MAX_DOSES; td += eff[1]) {
    times[n] = td, amounts[n] = eff[0] * exp(eta[2]);
    n++;
  }
  return n;
}
static void Draw(const double *par, tt_pcg32 *rng, double *eta)
{
  (void) par, (void) rng;
  eta[0] = eta[1] = eta[2] = eta[3] = 0.0;
}
static void Observe(const double *par, const double *ym, tt_pcg32 *rng, double *yo)
{
  (void) par, (void) rng;
  yo[0] = ym[0], yo[1] = ym[1];
}
static void Condition(const double *par, const double *cov, const double *y0, double *eta)
{
  (void) par, (void) cov, (void) y0;
  eta[0] = eta[1] = eta[2] = eta[3] = 0.0;
}
static const TTModelType pk = {.name           = "sens_pk_test",
                               .description    = "closed-form oral absorption with moving doses",
                               .reference      = "closed form",
                               .time_unit_days = 1.0 / 24.0,
                               .nparam         = NPARAM,
                               .param          = params,
                               .neffect        = 3,
                               .effect         = effects,
                               .nvar           = 2,
                               .var            = vars,
                               .range          = ranges,
                               .nlatent        = 4,
                               .nstate         = 2,
                               .draw_latent    = Draw,
                               .initial        = Initial,
                               .rhs            = Rhs,
                               .output         = Output,
                               .observe        = Observe,
                               .condition      = Condition,
                               .doses          = Doses,
                               .dose_state     = 0};

/* The closed form of the test model: y[nt][2]. */
static void Exact(const double *par, const double *eta, const double *eff0, const double *eff, int nt, const double *t,
                  double *y)
{
  double ka = Ka(par, eta), k0 = K(par, eta, eff0, -1.0), k1 = K(par, eta, eff, 0.0), c0 = par[P_B] * exp(eta[2]);
  double taus[TT_MAX_DOSES], amt[TT_MAX_DOSES];
  int    nd = Doses(par, NULL, eta, eff, t[nt - 1], taus, amt);
  double cz = t[0] < 0.0 ? c0 * exp(k0 * t[0]) : c0; /* central at 0 */

  for (int i = 0; i < nt; i++) {
    double depot = 0.0, central;
    if (t[i] < 0.0) {
      central = c0 * exp(-k0 * (t[i] - t[0]));
    } else {
      central = cz * exp(-k1 * t[i]);
      for (int j = 0; j < nd && taus[j] < t[i]; j++) {
        double s = t[i] - taus[j];
        depot += amt[j] * exp(-ka * s);
        central += amt[j] * ka / (ka - k1) * (exp(-k1 * s) - exp(-ka * s));
      }
    }
    y[2 * i] = central / par[P_V], y[2 * i + 1] = depot;
  }
}

/* Central differences in eta of the closed form, step h. */
static void ExactDerivative(const double *par, const double *eta, const double *eff0, const double *eff, int nt,
                            const double *t, double h, double *dy)
{
  double ep[4], em[4], yp[64], ym[64];
  for (int l = 0; l < 4; l++) {
    memcpy(ep, eta, sizeof ep), memcpy(em, eta, sizeof em);
    ep[l] += h, em[l] -= h;
    Exact(par, ep, eff0, eff, nt, t, yp);
    Exact(par, em, eff0, eff, nt, t, ym);
    for (int i = 0; i < 2 * nt; i++) dy[i * 4 + l] = (yp[i] - ym[i]) / (2 * h);
  }
}

/* max |a - b| over n values, relative to max |b| */
static double RelDiff(int n, const double *a, const double *b)
{
  double d = 0.0, s = 0.0;
  for (int i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i])), s = fmax(s, fabs(b[i]));
  return d / s;
}

static PetscErrorCode CheckTestModel(void)
{
  const double par[NPARAM] = {1.2, 0.15, 30.0, 10.0, 0.5}, eff0[3] = {0, 6, 0}, eff[3] = {100, 6, 0.5};
  const double th[] = {-5, -1, 0, 0.7, 2, 6, 6.6, 12.3, 24}, t0[] = {0, 1, 3, 10, 10.5};
  const double etas[3][4] = {{0, 0, 0, 0}, {0.3, -0.2, 0.1, 0.4}, {-0.5, 0.4, -0.3, -0.6}};
  double       y[64], dy[256], ye[64], dye[256], yh[64], yh2[64], dy2[256];
  TTSim        sim;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&pk, par, &sim));
  for (int c = 0; c < 3; c++)
    for (int hist = 0; hist < 2; hist++) {
      const double *t  = hist ? th : t0;
      int           nt = hist ? 9 : 5;
      PetscCall(TTSimTrajectoryHistory(sim, NULL, etas[c], eff0, eff, nt, t, yh));
      PetscCall(TTSimTrajectorySensitivity(sim, NULL, etas[c], eff0, eff, nt, t, y, dy));
      PetscCall(TTSimTrajectoryHistory(sim, NULL, etas[c], eff0, eff, nt, t, yh2));
      TT_CHECK(!memcmp(yh, yh2, sizeof(double) * 2 * nt), "TTSimTrajectoryHistory unchanged by a sensitivity run");
      Exact(par, etas[c], eff0, eff, nt, t, ye);
      ExactDerivative(par, etas[c], eff0, eff, nt, t, 1e-5, dye);
      printf("test model, eta %d, %s: values %.2g, sensitivities %.2g (relative to the largest)\n", c,
             hist ? "history" : "from 0", RelDiff(2 * nt, y, ye), RelDiff(8 * nt, dy, dye));
      TT_CHECK(RelDiff(2 * nt, y, ye) < 1e-7, "values: closed form");
      TT_CHECK(RelDiff(2 * nt, y, yh) < 1e-7, "values: TTSimTrajectoryHistory");
      TT_CHECK(RelDiff(8 * nt, dy, dye) < 1e-6, "sensitivities: differences of the closed form");
      for (int l = 0; l < 4; l++) /* each direction on its own scale, the lag time's too */
        for (int i = 0; i < 2 * nt; i++)
          TT_CHECK_CLOSE(dy[i * 4 + l], dye[i * 4 + l], 1e-6 * (fabs(dye[i * 4 + l]) + 1e-2),
                         "d y / d eta_l: differences of the closed form");
      PetscCall(TTSimTrajectorySensitivity(sim, NULL, etas[c], eff0, eff, nt, t, ye, dy2));
      TT_CHECK(!memcmp(dy, dy2, sizeof(double) * 8 * nt) && !memcmp(y, ye, sizeof(double) * 2 * nt),
               "a repeated sensitivity run is bitwise identical");
    }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* A shipped model: parameters at their defaults, effects set by name. */
typedef struct {
  const TTModelType *m;
  double             par[64], eff0[16], eff[16], cov[8], eta[8], t[16];
  int                nt;
  const TTRegimen   *reg; /* NULL: constant effects eff after 0 */
} Case;

static void CaseInit(Case *c, const char *model, int nt, const double *t, const double *eta)
{
  c->m = tt_model_find(model);
  for (int i = 0; i < c->m->nparam; i++) c->par[i] = c->m->param[i].value;
  for (int i = 0; i < c->m->neffect; i++) c->eff0[i] = c->eff[i] = c->m->effect[i].value;
  for (int i = 0; i < c->m->ncovariate; i++) c->cov[i] = !strcmp(c->m->covariate[i], "weight") ? 82.0 : 1.0;
  for (int i = 0; i < c->m->nlatent; i++) c->eta[i] = eta[i];
  c->nt  = nt;
  c->reg = NULL;
  memcpy(c->t, t, sizeof(double) * nt);
}

static void SetEffect(Case *c, const char *name, double v)
{
  c->eff[tt_model_param_index(c->m->neffect, c->m->effect, name)] = v;
}

/* The trajectory of c at eta: under c->reg when it has one. */
static PetscErrorCode Trajectory(TTSim sim, const Case *c, const double *eta, double *y)
{
  PetscFunctionBeginUser;
  if (c->reg)
    PetscCall(TTSimTrajectoryRegimen(sim, c->cov, eta, c->eff0, c->reg, c->nt, c->t, y));
  else
    PetscCall(TTSimTrajectoryHistory(sim, c->cov, eta, c->eff0, c->eff, c->nt, c->t, y));
  PetscFunctionReturn(0);
}

/* The tolerance CheckShipped's sensitivity run uses (0: the default). */
static double sens_rtol = 0.0;

/* Sensitivities at the default tolerance against central differences (step h) of
 * TTSimTrajectoryHistory (TTSimTrajectoryRegimen under c->reg) at rtol 1e-12, atol 1e-14. */
static PetscErrorCode CheckShipped(Case *c, double h, double tol)
{
  const int nl = c->m->nlatent, nv = c->m->nvar, n = c->nt * nv;
  double    y[256], dy[2048], yp[256], ym[256], dyr[2048], yh[256], e[8];
  TTSim     sim, ref;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(c->m, c->par, &sim));
  if (sens_rtol > 0) PetscCall(TTSimSetTolerances(sim, sens_rtol, 1e-2 * sens_rtol));
  if (c->reg)
    PetscCall(TTSimTrajectorySensitivityRegimen(sim, c->cov, c->eta, c->eff0, c->reg, c->nt, c->t, y, dy));
  else
    PetscCall(TTSimTrajectorySensitivity(sim, c->cov, c->eta, c->eff0, c->eff, c->nt, c->t, y, dy));
  PetscCall(Trajectory(sim, c, c->eta, yh));
  PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_rtol", "1e-12"));
  PetscCall(PetscOptionsSetValue(NULL, "-tt_sim_ts_atol", "1e-14"));
  PetscCall(TTSimCreate(c->m, c->par, &ref));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_rtol"));
  PetscCall(PetscOptionsClearValue(NULL, "-tt_sim_ts_atol"));
  for (int l = 0; l < nl; l++) {
    memcpy(e, c->eta, sizeof e);
    e[l] = c->eta[l] + h;
    PetscCall(Trajectory(ref, c, e, yp));
    e[l] = c->eta[l] - h;
    PetscCall(Trajectory(ref, c, e, ym));
    for (int i = 0; i < n; i++) dyr[i * nl + l] = (yp[i] - ym[i]) / (2 * h);
  }
  for (int k = 0; k < nv; k++) { /* per variable, relative to its largest derivative */
    double d = 0.0, s = 0.0;
    for (int i = 0; i < c->nt; i++)
      for (int l = 0; l < nl; l++) {
        int j = (i * nv + k) * nl + l;
        d = fmax(d, fabs(dy[j] - dyr[j])), s = fmax(s, fabs(dyr[j]));
      }
    printf("%s%s%s, %s: max |sensitivity - differences| = %.2g of the largest (%.3g)\n", c->m->name,
           c->reg ? " (switching)" : "", sens_rtol > 0 ? " at rtol 1e-6" : "", c->m->var[k].name, s > 0 ? d / s : d, s);
    /* a variable that does not depend on eta (T2D's weight): differences of the reference
     * give its integration noise, ~1e-10 */
    TT_CHECK(d <= tol * s || (s < 1e-8 && d < 1e-8),
             "forward sensitivities = differences of the rtol 1e-12 trajectory");
  }
  TT_CHECK(RelDiff(n, y, yh) < (sens_rtol > 0 ? 100 * sens_rtol : 1e-7),
           "values: TTSimTrajectoryHistory's to the tolerance");
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTSimDestroy(&ref));
  PetscFunctionReturn(0);
}

/* t2d_hba1c (set up by the caller: history, drug arm c->eff) under a regimen of three
 * segments switching at weeks 12 and 26 (an add-on, then a discontinuation of the
 * secretagogue with the sensitizer kept), visits before, at and between the switches:
 * sensitivities through the switches against differences of TTSimTrajectoryRegimen; a
 * regimen of one segment gives TTSimTrajectorySensitivity's results bit for bit; a dosing
 * model cannot switch here (PETSC_ERR_SUP). */
static PetscErrorCode CheckShippedSwitching(Case *c)
{
  const PetscInt ne       = c->m->neffect;
  const double   tw[]     = {-12 * 7, 0, 28, 84, 120, 182, 300, 364};
  double         start[3] = {0.0, 84.0, 182.0}, eff[3 * 16], y[256], dy[2048], y1[256], dy1[2048];
  TTRegimen      reg = {3, start, eff}, one = {1, start, c->eff};
  TTSim          sim;

  PetscFunctionBeginUser;
  for (int j = 0; j < 3; j++) memcpy(eff + j * ne, c->eff, sizeof(double) * ne);
  eff[0 * ne + tt_model_param_index(ne, c->m->effect, "secretagogue_fraction")] = 0.0;
  eff[2 * ne + tt_model_param_index(ne, c->m->effect, "secretagogue_fraction")] = 0.0;
  eff[1 * ne + tt_model_param_index(ne, c->m->effect, "protection_fraction")]   = 0.6;
  c->nt = 8, c->reg = &reg;
  memcpy(c->t, tw, sizeof tw);
  PetscCall(CheckShipped(c, 1e-4, 1e-5));
  sens_rtol = 1e-6; /* the guided arms' fits: forward differences of the right-hand side */
  PetscCall(CheckShipped(c, 1e-4, 1e-6));
  sens_rtol = 0.0;
  PetscCall(TTSimCreate(c->m, c->par, &sim));
  PetscCall(TTSimTrajectorySensitivityRegimen(sim, c->cov, c->eta, c->eff0, &one, c->nt, c->t, y, dy));
  PetscCall(TTSimTrajectorySensitivity(sim, c->cov, c->eta, c->eff0, c->eff, c->nt, c->t, y1, dy1));
  TT_CHECK(!memcmp(y, y1, sizeof(double) * c->nt * c->m->nvar) &&
               !memcmp(dy, dy1, sizeof(double) * c->nt * c->m->nvar * c->m->nlatent),
           "a regimen of one segment: TTSimTrajectorySensitivity bit for bit");
  PetscCall(TTSimDestroy(&sim));
  {
    const TTModelType *pk1 = tt_model_find("pk_1cmt_oral");
    double             par[64], e0[16], pe[2 * 16], eta[8] = {0}, t[2] = {1.0, 30.0};
    TTRegimen          r2 = {2, start, pe};
    PetscErrorCode     ierr;
    for (int i = 0; i < pk1->nparam; i++) par[i] = pk1->param[i].value;
    for (int i = 0; i < pk1->neffect; i++) e0[i] = pe[i] = pe[pk1->neffect + i] = pk1->effect[i].value;
    start[1] = 12.0;
    PetscCall(TTSimCreate(pk1, par, &sim));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TTSimTrajectorySensitivityRegimen(sim, NULL, eta, e0, &r2, 2, t, y, dy);
    PetscCall(PetscPopErrorHandler());
    TT_CHECK(ierr == PETSC_ERR_SUP, "a dosing model through switches: PETSC_ERR_SUP");
    PetscCall(TTSimDestroy(&sim));
  }
  c->reg = NULL;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckShippedModels(void)
{
  const double twk[] = {-26 * 7, -12 * 7, 0, 28, 84, 182}, tpk[] = {0, 1, 2.5, 12, 12.2, 13, 24, 30, 47.9};
  const double eta_t2d[] = {0.2, -0.5, 0.1}, eta_pk[] = {0.15, -0.2, 0.1, 0.05};
  Case         c;

  PetscFunctionBeginUser;
  CaseInit(&c, "t2d_hba1c", 6, twk, eta_t2d);
  SetEffect(&c, "secretagogue_fraction", 0.5);
  SetEffect(&c, "sensitizer_fraction", 0.3);
  SetEffect(&c, "weight_change_kg", -5.0);
  PetscCall(CheckShipped(&c, 1e-4, 1e-5));
  PetscCall(CheckShippedSwitching(&c));
  CaseInit(&c, "pk_1cmt_oral", 9, tpk, eta_pk);
  SetEffect(&c, "dose_mg", 500.0);
  SetEffect(&c, "interval_h", 12.0);
  PetscCall(CheckShipped(&c, 1e-4, 1e-5));
  CaseInit(&c, "pk_2cmt_oral", 9, tpk, eta_pk);
  SetEffect(&c, "dose_mg", 100.0);
  SetEffect(&c, "interval_h", 8.0);
  PetscCall(CheckShipped(&c, 1e-4, 1e-5));
  PetscFunctionReturn(0);
}

/* Closed form: values bitwise TTSimTrajectoryHistory's, derivatives of `mean`. */
static PetscErrorCode CheckClosedForm(void)
{
  const double t[] = {-52, -26, 0, 12, 24, 52}, eta[] = {0.3, -0.2, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1};
  Case         c;
  double       y[64], dy[512], yh[64], yp[8], ym[8], e[8];
  TTSim        sim;
  int          nl, nv;

  PetscFunctionBeginUser;
  CaseInit(&c, "alzheimers_adas", 6, t, eta);
  nl = c.m->nlatent, nv = c.m->nvar;
  PetscCall(TTSimCreate(c.m, c.par, &sim));
  PetscCall(TTSimTrajectorySensitivity(sim, c.cov, c.eta, c.eff0, c.eff, 6, t, y, dy));
  PetscCall(TTSimTrajectoryHistory(sim, c.cov, c.eta, c.eff0, c.eff, 6, t, yh));
  TT_CHECK(!memcmp(y, yh, sizeof(double) * 6 * nv), "closed form: the values of TTSimTrajectoryHistory");
  for (int i = 0; i < 6; i++)
    for (int l = 0; l < nl; l++) {
      memcpy(e, eta, sizeof e);
      e[l] = eta[l] + 1e-5;
      c.m->mean(c.par, c.cov, e, c.eff, t[i], yp);
      e[l] = eta[l] - 1e-5;
      c.m->mean(c.par, c.cov, e, c.eff, t[i], ym);
      for (int k = 0; k < nv; k++)
        TT_CHECK_CLOSE(dy[(i * nv + k) * nl + l], (yp[k] - ym[k]) / 2e-5, 1e-6 * (1 + fabs(yp[k] - ym[k]) / 2e-5),
                       "closed form: differences of mean");
    }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(!tt_model_register(&pk), PETSC_COMM_SELF, PETSC_ERR_PLIB, "register");
  PetscCall(CheckTestModel());
  PetscCall(CheckShippedModels());
  PetscCall(CheckClosedForm());
  printf("%s: trajectory sensitivities, %d failures\n", tt_failures ? "FAIL" : "ok", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
