/* pk_2cmt_oral.c — donepezil, two-compartment oral pharmacokinetics, in a dosing-event
 * mode and an average steady-state exposure mode.
 *
 * Source: Jung W, Jung H, Vu NAT, et al. (2022) Pharmaceutics 14:244, "Model-based
 * equivalent dose optimization to develop new donepezil patch formulation"
 * (doi:10.3390/pharmaceutics14020244).
 * The source's oral absorption passes through transit compartments; here it is the
 * single first-order ka (a simplification of the source's absorption). The proportional residual
 * error of 10% is ASSUMED (not taken from the source). Time in hours; amounts in mg;
 * concentrations in mg/L.
 *
 *   CL_i = CL exp(eta_cl), Vc_i = Vc exp(eta_vc), eta ~ N(0, ln(1 + CV^2))
 *   depot'      = -ka depot                                        (doses enter here)
 *   central'    =  ka depot - (CL_i + Q)/Vc_i central + Q/Vp peripheral
 *   peripheral' =  Q/Vc_i central - Q/Vp peripheral
 *   concentration = central / Vc_i
 *   css_avg       = dose_mg / (CL_i interval_h)  (Css,avg = F Dose/(CL tau), F = 1)
 * Between events (visits, doses, switches) the sim moves the state with the ODE's exact
 * solution (propagate: first-order absorption into the two exponential modes alpha > beta),
 * the form NONMEM's ADVAN4 and mrgsolve's closed-form PK use; rhs stays the definition
 * (sensitivities integrate it; tests/unit/test_model_pk.c checks the solution against it at
 * rtol 1e-12 and against the partial-fraction superposition of Gibaldi & Perrier).
 * Oral data only identify apparent parameters (CL/F, V/F), so F = 1 here. css_avg is
 * the regimen's steady-state average concentration, the same at every time: the
 * exposure mode for multi-year disease simulations (an Emax link on it). With a
 * terminal half-life near 66 h, event-mode steady state takes about three weeks.
 *
 * Dosing: dose_mg every interval_h hours from t = 0 (the trial's baseline visit), no
 * lag; n_doses of them, or with n_doses = 0 as many as start before the last visit.
 * A dose at t = 0 is given after the baseline visit, and a visit at any dose time
 * reports the pre-dose (trough) level. interval_h <= 0 gives a single dose. A regimen
 * with more than TT_MAX_DOSES doses before the last visit returns TT_MAX_DOSES + 1,
 * which the sim reports as an error.
 * Observation: concentration x (1 + sigma z), proportional error; css_avg is a derived
 * exposure and is reported without noise.
 *
 * Invariants: the state starts empty (baseline concentration 0); all rates are > 0
 * for positive parameters; with dose_mg = 0 every output is exactly 0. Callbacks
 * allocate nothing.
 *
 * Before randomisation (t < 0) there is no dose (doses start at t = 0), so the state stays
 * empty. Personalisation: log_density of a concentration is observe()'s proportional
 * normal, y ~ N(C, (sigma C)^2); when the model concentration is 0 (before the first
 * dose) the reading is exactly 0: log density 0 for y = 0, -Inf otherwise. Censored
 * (M3, below the limit of quantification L): log Phi((L - C)/(sigma C)), and 0 (certain)
 * when C = 0 and L > 0. css_avg is a derived exposure, not a measurement: it has no error
 * model and cannot be observed (log_density returns NaN for it). omega: diag(ln(1 +
 * cv_cl^2), ln(1 + cv_vc^2)), the untruncated normals' variances, with the truncation
 * +-3 SD as lo/hi.
 * Random effects: log-normal as published, each standard normal truncated at +-3 SD (by
 * inversion, tt_rng_truncnormal: one uniform each), as in pk_1cmt_oral and for the same
 * reason: untruncated, 3 of 6 million observed concentrations of 10^5 twins on 10 mg/day
 * (protocols/pk_donepezil_dosing.yaml) exceeded 0.2 mg/L, 2.9 times the top of the
 * reference range at that dose; those twins combined tail values of CL/F (CV 37 %) and
 * Vc/F (CV 47 %). The typical values and variances are unchanged (each SD shrinks by 1.3 %).
 */
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>
#include "exp_integral.h"

enum { P_KA, P_CL, P_VC, P_VP, P_Q, P_CV_CL, P_CV_VC, P_SIGMA, NPARAM };
#define ETA_TRUNC_SD 3.0 /* between-subject effects truncated at +-3 SD */
enum { E_DOSE, E_TAU, E_NDOSE, NEFFECT };
enum { L_CL, L_VC, NLATENT };
enum { U_DEPOT, U_CENTRAL, U_PERIPH, NSTATE };
enum { Y_CONC, Y_CSS, NVAR };

static const TTParamInfo params[NPARAM] = {
    {"ka", "1/h", 0.0497, "first-order absorption rate constant; no BSV", TT_DOMAIN_POSITIVE},
    {"cl", "L/h", 10.0, "clearance (apparent, CL/F); log-normal BSV with CV cv_cl", TT_DOMAIN_POSITIVE},
    {"vc", "L", 26.2, "central volume (apparent); log-normal BSV with CV cv_vc", TT_DOMAIN_POSITIVE},
    {"vp", "L", 562.0, "peripheral volume (apparent); no BSV", TT_DOMAIN_POSITIVE},
    {"q", "L/h", 15.6, "intercompartmental clearance; no BSV", TT_DOMAIN_POSITIVE},
    {"cv_cl", "1", 0.37, "between-subject CV of CL: log-normal, variance ln(1 + cv^2)", TT_DOMAIN_NONNEGATIVE},
    {"cv_vc", "1", 0.47, "between-subject CV of Vc: log-normal, variance ln(1 + cv^2)", TT_DOMAIN_NONNEGATIVE},
    {"sigma_prop", "1", 0.10, "proportional residual error SD, C x (1 + sigma z): ASSUMED 10%, not from the source",
     TT_DOMAIN_NONNEGATIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"dose_mg", "mg", 0.0, "oral dose per administration (0: no drug)", TT_DOMAIN_NONNEGATIVE},
    {"interval_h", "h", 24.0, "dosing interval tau (<= 0: a single dose)", TT_DOMAIN_REAL},
    {"n_doses", "1", 0.0, "number of doses (0: as many as start before the last visit)", TT_DOMAIN_COUNT},
};

static const TTVariableInfo variables[NVAR] = {{"concentration", "mg/L"}, {"css_avg", "mg/L"}};

/* 0.2 mg/L (200 ng/mL), derived: the upper limit of the therapeutic reference range of
 * donepezil, 75 ng/mL at 5-10 mg/day (AGNP consensus, Hiemke et al. 2011 Pharmacopsychiatry
 * 44:195; TDM data: 47 +- 18 ng/mL at 10 mg/day, Hefner et al. 2015 Ther Drug Monit
 * 37:353), scaled linearly to the highest approved dose, 23 mg/day: 75 x 2.3 = 173 ng/mL,
 * rounded up. protocols/pk_donepezil_dosing.yaml (Tiseo 1998, 5 and 10 mg/day at steady
 * state) is checked against this bound. */
static const TTRangeInfo ranges[NVAR] = {
    {0.0, 0.2,
     "0 to 0.2 mg/L: donepezil reference range top 75 ng/mL (Hiemke et al. 2011 Pharmacopsychiatry 44:195) x 23/10 mg "
     "(highest approved dose), rounded up"},
    {0.0, 0.2, "as concentration (an average of it)"},
};

static double Clearance(const double *par, const double *eta)
{
  return par[P_CL] * exp(eta[L_CL]);
}

static double CentralVolume(const double *par, const double *eta)
{
  return par[P_VC] * exp(eta[L_VC]);
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  eta[L_CL] = sqrt(log1p(par[P_CV_CL] * par[P_CV_CL])) * tt_rng_truncnormal(rng, 0.0, 1.0, -ETA_TRUNC_SD, ETA_TRUNC_SD);
  eta[L_VC] = sqrt(log1p(par[P_CV_VC] * par[P_CV_VC])) * tt_rng_truncnormal(rng, 0.0, 1.0, -ETA_TRUNC_SD, ETA_TRUNC_SD);
}

static void initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) cov, (void) eta, (void) eff;
  u0[U_DEPOT] = u0[U_CENTRAL] = u0[U_PERIPH] = 0.0;
}

static void rhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                double *f)
{
  double vc = CentralVolume(par, eta), k10 = Clearance(par, eta) / vc, k12 = par[P_Q] / vc;
  double k21 = par[P_Q] / par[P_VP];
  (void) cov, (void) eff, (void) t;
  f[U_DEPOT]   = -par[P_KA] * u[U_DEPOT];
  f[U_CENTRAL] = par[P_KA] * u[U_DEPOT] - (k10 + k12) * u[U_CENTRAL] + k21 * u[U_PERIPH];
  f[U_PERIPH]  = k12 * u[U_CENTRAL] - k21 * u[U_PERIPH];
}

static void output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  (void) cov, (void) t;
  y[Y_CONC] = u[U_CENTRAL] / CentralVolume(par, eta);
  y[Y_CSS]  = eff[E_DOSE] != 0.0 && eff[E_TAU] > 0.0 ? eff[E_DOSE] / (Clearance(par, eta) * eff[E_TAU]) : 0.0;
}

/* The exact solution over h (the ODE is linear with constant coefficients). Central and
 * peripheral form the disposition matrix B = [-(k10 + k12), k21; k12, -k21], eigenvalues
 * -alpha, -beta (alpha > beta > 0: the discriminant is (k10 + k12 - k21)^2 + 4 k12 k21 > 0),
 * beta = k10 k21 / alpha without cancellation; exp(B h) by Sylvester's formula,
 * [exp(-alpha h) (B + beta I) - exp(-beta h) (B + alpha I)] / (beta - alpha), and the depot's
 * input ka depot exp(-ka s) into central convolved with its first column (tt_exp_integral). */
static void propagate(const double *par, const double *cov, const double *eta, const double *eff, double h, double *u)
{
  double vc = CentralVolume(par, eta), k10 = Clearance(par, eta) / vc, k12 = par[P_Q] / vc, k21 = par[P_Q] / par[P_VP];
  double ka = par[P_KA], sum = k10 + k12 + k21, alpha = 0.5 * (sum + sqrt(sum * sum - 4.0 * k10 * k21));
  double beta = k10 * k21 / alpha, ea = exp(-alpha * h), eb = exp(-beta * h), d = beta - alpha;
  double c = u[U_CENTRAL], p = u[U_PERIPH], depot = u[U_DEPOT];
  double ga = tt_exp_integral(alpha, ka, h), gb = tt_exp_integral(beta, ka, h);
  (void) cov, (void) eff;
  u[U_DEPOT]   = depot * exp(-ka * h);
  u[U_CENTRAL] = (ea * ((beta - k10 - k12) * c + k21 * p) - eb * ((alpha - k10 - k12) * c + k21 * p)) / d +
                 ka * depot * ((beta - k10 - k12) * ga - (alpha - k10 - k12) * gb) / d;
  u[U_PERIPH] =
      (ea * (k12 * c + (beta - k21) * p) - eb * (k12 * c + (alpha - k21) * p)) / d + ka * depot * k12 * (ga - gb) / d;
}

/* dose_mg at k interval_h, k = 0, 1, ..., while before t_end (and k < n_doses if set). */
static int doses(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                 double *times, double *amounts)
{
  double tau = eff[E_TAU], nmax = eff[E_NDOSE] >= 1.0 ? floor(eff[E_NDOSE]) : INFINITY;
  int    n = 0;
  (void) par, (void) cov, (void) eta;
  if (eff[E_DOSE] == 0.0) return 0;
  for (int k = 0; k < nmax; k++) {
    double td = k * tau;
    if (!(td < t_end) || (k > 0 && !(tau > 0.0))) break;
    if (n == TT_MAX_DOSES) return TT_MAX_DOSES + 1;
    times[n]   = td;
    amounts[n] = eff[E_DOSE];
    n++;
  }
  return n;
}

/* Proportional error on concentration; css_avg exact. Consumes 1 normal. */
static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  yobs[Y_CONC] = ymean[Y_CONC] * (1.0 + par[P_SIGMA] * tt_rng_normal(rng));
  yobs[Y_CSS]  = ymean[Y_CSS];
}

/* The baseline is before the first dose (concentration 0): no information on the
 * random effects, whose conditional mean is then 0. */
static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  (void) par, (void) cov, (void) yobs0;
  eta[L_CL] = eta[L_VC] = 0.0;
}

/* Log density of a concentration reading given the model concentration (proportional
 * error); below: log P(Y < value). NaN for css_avg (not observable). */
static double Pk2LogDensity(const double *par, int k, const TTObservation *o)
{
  if (k != Y_CONC) return NAN;
  return tt_stats_ldproportional(o->value, o->mean, par[P_SIGMA], o->below); /* no drug yet: exactly 0 */
}

/* Independent normals with variances ln(1 + cv^2), truncated at +-ETA_TRUNC_SD SD, as draw_latent. */
static void Pk2Omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  _Static_assert(NLATENT == 2, "omega below is 2 x 2");
  (void) cov;
  om[0] = log1p(par[P_CV_CL] * par[P_CV_CL]);
  om[3] = log1p(par[P_CV_VC] * par[P_CV_VC]);
  om[1] = om[2] = 0.0;
  hi[0] = ETA_TRUNC_SD * sqrt(om[0]), hi[1] = ETA_TRUNC_SD * sqrt(om[3]);
  lo[0] = -hi[0], lo[1] = -hi[1];
}

static const char *const latent_names[NLATENT] = {"eta_cl", "eta_vc"};

const TTModelType tt_model_pk_2cmt_oral = {
    .name           = "pk_2cmt_oral",
    .description    = "Donepezil two-compartment oral PK: plasma concentration under a dosing regimen (linear ODE, "
                      "solved exactly between doses) and the steady-state average Css,avg",
    .reference      = "Jung et al. 2022 Pharmaceutics 14:244",
    .time_unit_days = 1.0 / 24.0,
    .nparam         = NPARAM,
    .param          = params,
    .neffect        = NEFFECT,
    .effect         = effects,
    .ncovariate     = 0,
    .covariate      = NULL,
    .nvar           = NVAR,
    .var            = variables,
    .range          = ranges,
    .nlatent        = NLATENT,
    .nstate         = NSTATE,
    .draw_latent    = draw_latent,
    .initial        = initial,
    .rhs            = rhs,
    .output         = output,
    .observe        = observe,
    .condition      = condition,
    .doses          = doses,
    .dose_state     = U_DEPOT,
    .propagate      = propagate,
    .log_density    = Pk2LogDensity,
    .omega          = Pk2Omega,
    .latent         = latent_names,
};
