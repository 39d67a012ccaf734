/* pk_1cmt_oral.c — metformin, one-compartment oral pharmacokinetics with an absorption
 * lag, in a dosing-event mode and an average steady-state exposure mode.
 *
 * Source: Yoon H, Cho HY, Yoo HD, Kim SM, Lee YB (2013) AAPS J 15:571–580, "Influences
 * of organic cation transporter polymorphisms on the population pharmacokinetics of
 * metformin in healthy subjects" (doi:10.1208/s12248-013-9460-z): one compartment,
 * first-order absorption with lag time, weight on V/F. Time in hours; amounts in mg; concentrations in mg/L.
 * Genotype: CL/F 136 L/h is the source's typical value for the reference genotypes (OCT2
 * 808GG with OCTN1 917CC, about 10 of its 96 subjects); the source multiplies it by
 * 1 - 0.248 for an OCT2 808T carrier and by 1 - 0.234 for an OCTN1 917T carrier (Table III
 * as transcribed in the nlmixr2lib model Yoon_2013_metformin; the paper's tables were not
 * readable here). This model has no genotype covariate, so every twin is a reference-
 * genotype subject: over the source's own genotype mix (15 OCT2 and 86 OCTN1 carriers of
 * 96) the typical CL/F is 136 x 0.752^0.156 x 0.766^0.896 = 102 L/h, the source's NCA mean,
 * and concentrations would be about 30 % higher. The lag time's between-subject variance
 * (omega2 0.281 in the same table) is left out too: tlag is the typical 0.182 h for all.
 *
 *   CL_i = CL exp(eta_cl),  V_i = V [1 + wt_on_v (WT - 70)] exp(eta_v),  ka_i = ka exp(eta_ka)
 *   depot'   = -ka_i depot                      (each dose D enters at t_dose + tlag)
 *   central' =  ka_i depot - CL_i/V_i central
 *   concentration = central / V_i
 *   css_avg       = dose_mg / (CL_i interval_h)  (Css,avg = F Dose/(CL tau), F in CL/F)
 * Between events (visits, doses, switches) the sim moves the state with the ODE's exact
 * solution (propagate; NONMEM's ADVAN2 form); rhs stays the definition (sensitivities
 * integrate it; tests/unit/test_model_pk.c checks the solution against it at rtol 1e-12
 * and against the superposition of single doses).
 * CL and V are apparent (CL/F, V/F), so doses are the oral amounts and F = 1 here.
 * css_avg is the regimen's steady-state average concentration, the same at every
 * time: the exposure mode for multi-year disease simulations (an Emax link on it)
 * where integrating every dose is pointless. For a finite n_doses it is still the
 * steady state the regimen would reach.
 *
 * Dosing: dose_mg every interval_h hours from t = 0 (model time; the trial's baseline
 * visit), entering the depot tlag later; n_doses of them, or with n_doses = 0 as many
 * as start before the last visit. The sim reports a visit at a dose time before that
 * dose (trough). interval_h <= 0 gives a single dose. A regimen with more than
 * TT_MAX_DOSES doses before the last visit returns TT_MAX_DOSES + 1, which the sim
 * reports as an error (use css_avg, or fewer visits, for such horizons).
 * Observation: concentration x (1 + sigma z), the source's proportional error
 * (negative values have probability ~2e-9 at sigma 0.17 and are not clipped);
 * css_avg is a derived exposure and is reported without noise.
 * Random effects: log-normal as published, each standard normal truncated at +-3 SD
 * (by inversion, tt_rng_truncnormal: one uniform each, as oncology_tgi_os's baseline). Untruncated, 3 of 1.5
 * million observed concentrations of 10^5 twins on 1000 mg every 12 h exceeded 5 mg/L,
 * where the label reports no level above 5 ug/mL in controlled trials even at the
 * maximum dose (Glucophage prescribing information, section 12.3); those twins combined
 * tail values of V/F (omega2 0.295), CL/F and ka beyond what the trials' populations
 * held. +-3 SD is the usual bound of simulated between-subject variability; the
 * typical values and variances are unchanged (each SD shrinks by 1.3%).
 *
 * Invariants: the state starts empty (no drug at baseline, so the baseline visit
 * shows 0); V_i > 0 (the weight factor is floored at 0.05, reached only below 18 kg);
 * with dose_mg = 0 every output is exactly 0. Callbacks allocate nothing.
 *
 * Before randomisation (t < 0) there is no dose (doses start at t = 0), so the state stays
 * empty. Personalisation: log_density of a concentration is observe()'s proportional
 * normal, y ~ N(C, (sigma C)^2); when the model concentration is 0 (before the first
 * dose) the reading is exactly 0: log density 0 for y = 0, -Inf otherwise. Censored
 * (M3, below the limit of quantification L): log Phi((L - C)/(sigma C)), and 0 (certain)
 * when C = 0 and L > 0. css_avg is a derived exposure, not a measurement: it has no error
 * model and cannot be observed (log_density returns NaN for it). omega: diag(omega2_cl,
 * omega2_v, omega2_ka), the untruncated normals' variances, with the truncation +-3 SD
 * as lo/hi.
 */
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>
#include "exp_integral.h"

#define ETA_TRUNC_SD 3.0

enum { P_KA, P_CL, P_V, P_WT_V, P_TLAG, P_OM2_CL, P_OM2_V, P_OM2_KA, P_SIGMA, NPARAM };
enum { E_DOSE, E_TAU, E_NDOSE, NEFFECT };
enum { L_CL, L_V, L_KA, NLATENT };
enum { U_DEPOT, U_CENTRAL, NSTATE };
enum { Y_CONC, Y_CSS, NVAR };
enum { C_WT, NCOV };

#define WEIGHT_REF_KG     70.0 /* centring weight of the V/F covariate model (Yoon 2013) */
#define WEIGHT_FACTOR_MIN 0.05 /* floor of 1 + wt_on_v (WT - 70), keeps V_i > 0 */

static const TTParamInfo params[NPARAM] = {
    {"ka", "1/h", 0.248, "first-order absorption rate constant; log-normal BSV, variance omega2_ka",
     TT_DOMAIN_POSITIVE},
    {"cl", "L/h", 136.0, "apparent clearance CL/F; log-normal BSV, variance omega2_cl", TT_DOMAIN_POSITIVE},
    {"v", "L", 112.0, "apparent volume V/F at 70 kg; log-normal BSV, variance omega2_v", TT_DOMAIN_POSITIVE},
    {"wt_on_v", "1/kg", 0.0183, "V/F x [1 + wt_on_v (WT - 70)]: linear effect of body weight", TT_DOMAIN_REAL},
    {"tlag", "h", 0.182, "absorption lag time: a dose enters the depot tlag after it is taken; no BSV",
     TT_DOMAIN_NONNEGATIVE},
    {"omega2_cl", "1", 0.080, "between-subject variance of log CL/F", TT_DOMAIN_NONNEGATIVE},
    {"omega2_v", "1", 0.295, "between-subject variance of log V/F", TT_DOMAIN_NONNEGATIVE},
    {"omega2_ka", "1", 0.0572, "between-subject variance of log ka", TT_DOMAIN_NONNEGATIVE},
    {"sigma_prop", "1", 0.17, "proportional residual error SD (CV 17%): C x (1 + sigma z)", TT_DOMAIN_NONNEGATIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"dose_mg", "mg", 0.0, "oral dose per administration (0: no drug)", TT_DOMAIN_NONNEGATIVE},
    {"interval_h", "h", 24.0, "dosing interval tau (<= 0: a single dose)", TT_DOMAIN_REAL},
    {"n_doses", "1", 0.0, "number of doses (0: as many as start before the last visit)", TT_DOMAIN_COUNT},
};

static const char *const covariates[NCOV] = {"weight"};

static const TTVariableInfo variables[NVAR] = {{"concentration", "mg/L"}, {"css_avg", "mg/L"}};

/* 5 mg/L: the generally accepted safe upper limit of plasma metformin (Lalau et al. 2018
 * Diabetes Care 41:547), and the highest level seen in the controlled trials of the
 * product even at the maximum dose of 2550 mg/day (Glucophage prescribing information,
 * Bristol-Myers Squibb, section 12.3); levels above it are those of metformin-associated
 * lactic acidosis. It bounds the shipped regimens (up to 1000 mg every 12 h). */
static const TTRangeInfo ranges[NVAR] = {
    {0.0, 5.0,
     "0 to 5 mg/L: safe upper limit of plasma metformin (Lalau et al. 2018 Diabetes Care 41:547; Glucophage label "
     "12.3: <= 5 mg/L in controlled trials at maximum dose)"},
    {0.0, 5.0, "as concentration (an average of it)"},
};

static double Clearance(const double *par, const double *eta)
{
  return par[P_CL] * exp(eta[L_CL]);
}

static double Volume(const double *par, const double *cov, const double *eta)
{
  return par[P_V] * fmax(1.0 + par[P_WT_V] * (cov[C_WT] - WEIGHT_REF_KG), WEIGHT_FACTOR_MIN) * exp(eta[L_V]);
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  eta[L_CL] = sqrt(par[P_OM2_CL]) * tt_rng_truncnormal(rng, 0.0, 1.0, -ETA_TRUNC_SD, ETA_TRUNC_SD);
  eta[L_V]  = sqrt(par[P_OM2_V]) * tt_rng_truncnormal(rng, 0.0, 1.0, -ETA_TRUNC_SD, ETA_TRUNC_SD);
  eta[L_KA] = sqrt(par[P_OM2_KA]) * tt_rng_truncnormal(rng, 0.0, 1.0, -ETA_TRUNC_SD, ETA_TRUNC_SD);
}

static void initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) cov, (void) eta, (void) eff;
  u0[U_DEPOT]   = 0.0;
  u0[U_CENTRAL] = 0.0;
}

static void rhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                double *f)
{
  double ka = par[P_KA] * exp(eta[L_KA]), k = Clearance(par, eta) / Volume(par, cov, eta);
  (void) eff, (void) t;
  f[U_DEPOT]   = -ka * u[U_DEPOT];
  f[U_CENTRAL] = ka * u[U_DEPOT] - k * u[U_CENTRAL];
}

static void output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  (void) t;
  y[Y_CONC] = u[U_CENTRAL] / Volume(par, cov, eta);
  y[Y_CSS]  = eff[E_DOSE] != 0.0 && eff[E_TAU] > 0.0 ? eff[E_DOSE] / (Clearance(par, eta) * eff[E_TAU]) : 0.0;
}

/* The exact solution over h (the ODE is linear with constant coefficients): the depot
 * decays at ka_i, the central amount at k = CL_i/V_i plus what the depot fed it. */
static void propagate(const double *par, const double *cov, const double *eta, const double *eff, double h, double *u)
{
  double ka = par[P_KA] * exp(eta[L_KA]), k = Clearance(par, eta) / Volume(par, cov, eta), depot = u[U_DEPOT];
  (void) eff;
  u[U_DEPOT]   = depot * exp(-ka * h);
  u[U_CENTRAL] = u[U_CENTRAL] * exp(-k * h) + ka * depot * tt_exp_integral(k, ka, h);
}

/* dose_mg at k interval_h + tlag, k = 0, 1, ..., while before t_end (and k < n_doses if set). */
static int doses(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                 double *times, double *amounts)
{
  double tau = eff[E_TAU], nmax = eff[E_NDOSE] >= 1.0 ? floor(eff[E_NDOSE]) : INFINITY;
  int    n = 0;
  (void) cov, (void) eta;
  if (eff[E_DOSE] == 0.0) return 0;
  for (int k = 0; k < nmax; k++) {
    double td = par[P_TLAG] + k * tau;
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

/* The baseline is before the first dose (concentration 0): it carries no information
 * on the random effects, whose conditional mean is then 0. */
static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  (void) par, (void) cov, (void) yobs0;
  for (int i = 0; i < NLATENT; i++) eta[i] = 0.0;
}

/* Log density of a concentration reading given the model concentration (proportional
 * error); below: log P(Y < value). NaN for css_avg (not observable). */
static double Pk1LogDensity(const double *par, int k, const TTObservation *o)
{
  if (k != Y_CONC) return NAN;
  return tt_stats_ldproportional(o->value, o->mean, par[P_SIGMA], o->below); /* no drug yet: exactly 0 */
}

/* Independent normals with variances omega2_*, truncated at +-ETA_TRUNC_SD SD. */
static void Pk1Omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  static const int om2[] = {P_OM2_CL, P_OM2_V, P_OM2_KA};
  _Static_assert(sizeof om2 / sizeof om2[0] == NLATENT, "one variance per random effect");
  (void) cov;
  for (int i = 0; i < NLATENT; i++) {
    for (int j = 0; j < NLATENT; j++) om[i * NLATENT + j] = i == j ? par[om2[i]] : 0.0;
    hi[i] = ETA_TRUNC_SD * sqrt(par[om2[i]]);
    lo[i] = -hi[i];
  }
}

static const char *const latent_names[NLATENT] = {"eta_cl", "eta_v", "eta_ka"};

const TTModelType tt_model_pk_1cmt_oral = {
    .name           = "pk_1cmt_oral",
    .description    = "Metformin one-compartment oral PK with lag time and weight on V/F: plasma concentration "
                      "under a dosing regimen (linear ODE, solved exactly between doses) and the steady-state average "
                      "Css,avg",
    .reference      = "Yoon et al. 2013 AAPS J 15:571",
    .time_unit_days = 1.0 / 24.0,
    .nparam         = NPARAM,
    .param          = params,
    .neffect        = NEFFECT,
    .effect         = effects,
    .ncovariate     = NCOV,
    .covariate      = covariates,
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
    .log_density    = Pk1LogDensity,
    .omega          = Pk1Omega,
    .latent         = latent_names,
};
