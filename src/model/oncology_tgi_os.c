/* oncology_tgi_os.c — tumour growth inhibition (sum of longest diameters) and overall
 * survival in non-small-cell lung cancer, with an arm effect on the kill rate.
 *
 * Source: Claret L, Gupta M, Han K, et al. (2014) Clin Pharmacol Ther 95:446–451,
 * "Evaluation of tumor-size response metrics to predict overall survival in Western
 * and Chinese patients with first-line metastatic non-small cell lung cancer"
 * (MONET1, n = 934). Numbers: MODELS.md §3 of the project docs. Time in days.
 *
 *   TS(t)  = BASE_i exp[KL_i t - (m KDE_i / lambda_i)(1 - exp(-lambda_i t))]   (mm)
 *   TTG_i  = ln(m KDE_i / KL_i) / lambda_i  (days; 0 when m KDE_i <= KL_i: no shrinkage)
 *   log T  = 1.079 - 0.00197 BASE_i + 0.977 ln(TTG_i + 100) + 0.319 Asian
 *            - 0.264 ever_smoker + sigma eps,   sigma = exp(-0.24) = 0.787
 * with BASE_i = BASE exp(eta_0), KL_i = KL exp(eta_1), KDE_i = KDE exp(eta_2),
 * lambda_i = lambda exp(eta_3) (independent normal eta) and m the arm's kill_multiplier.
 * A stronger kill (m > 1) lengthens TTG and hence survival: the drug acts on OS only
 * through the tumour, as in Claret's model.
 *
 * Typical-patient checks (MODELS.md §3, tested): TTG = 117.3 days, TS(56 d)/BASE =
 * 0.7463 (week-8 ratio), median OS = 473.1 days.
 * Time unit of the AFT (checked, not assumed): with TTG in days and BASE in mm the
 * typical patient (eta = 0, Asian = 0, smoker = 0, eps = 0) has TTG = 117.3 days and
 * log T = 0.9017 + 0.977 ln(217.3) = 6.1593, so T = 473.1 — the published median of
 * ≈ 473 days (15.5 months, plausible for first-line NSCLC) when T is in days. The
 * alternatives do not fit: T in weeks would give 473 weeks (9 years); TTG in weeks
 * would give 258. So T, TTG and the offset 100 are all in days, the model's unit.
 *
 * Residual: additive normal, SD 7.849 mm; observed sizes are truncated at 0.
 * Death is terminal and always happens: `events` reports the exact time whatever
 * t_end is. It consumes exactly one standard normal eps from the event stream, which
 * the caller re-seeds identically for every arm (common random numbers: the same
 * eps in every arm, so a twin's survival differs between arms only through TTG).
 * condition(): eta_BASE is the linearized posterior mean given the observed baseline
 * size y0: log y0 = log BASE + eta_0 + e with Var(e) ~ (sigma_res / y0)^2, so
 *   eta_0 = w ln(y0 / BASE),  w = omega^2 / (omega^2 + (sigma_res / y0)^2),
 * with y0 clamped to >= 1 mm (w = 0.984 at 90 mm); the other etas have mean 0 (no
 * information on them at baseline). Invariant: sizes are finite and >= 0 (the log
 * size ratio is capped at LOGRATIO_MAX for extreme random effects). No allocation.
 */
#include <math.h>
#include <twintrial/model.h>

enum {
  P_BASE,
  P_KL,
  P_KDE,
  P_LAMBDA,
  P_SD_BASE,
  P_SD_KL,
  P_SD_KDE,
  P_SD_LAMBDA,
  P_SD_RES,
  P_OS_INT,
  P_OS_BASE,
  P_OS_TTG,
  P_OS_TTG_OFFSET,
  P_OS_ASIAN,
  P_OS_SMOKER,
  P_OS_LOG_SIGMA,
  NPARAM
};
enum { E_KILL, NEFFECT };
enum { C_ASIAN, C_SMOKER, NCOV };
enum { L_BASE, L_KL, L_KDE, L_LAMBDA, NLATENT };
enum { V_DEATH, NEVENT };

#define LOGRATIO_MAX 40.0 /* TS <= BASE e^40: finite for any random effect */
#define Y0_MIN       1.0  /* mm, floor of the observed baseline in condition() */

static const TTParamInfo params[NPARAM] = {
    {"base", "mm", 90.0, "typical baseline tumour size (sum of longest diameters); log-normal BSV, SD sd_base"},
    {"kl", "1/day", 0.00107, "tumour growth rate constant KL; log-normal BSV, SD sd_kl"},
    {"kde", "1/day", 0.0103, "drug-induced kill rate constant KDE (standard of care); log-normal BSV, SD sd_kde"},
    {"lambda", "1/day", 0.0193, "resistance (decay of the kill) rate constant; log-normal BSV, SD sd_lambda"},
    {"sd_base", "log", 0.683, "between-subject SD of log BASE (Claret 2014)"},
    {"sd_kl", "log", 1.18, "between-subject SD of log KL (Claret 2014)"},
    {"sd_kde", "log", 0.679, "between-subject SD of log KDE (Claret 2014)"},
    {"sd_lambda", "log", 0.797, "between-subject SD of log lambda (Claret 2014)"},
    {"sd_residual", "mm", 7.849, "additive residual SD of the measured size (truncated at 0)"},
    {"os_intercept", "log day", 1.079, "OS log-normal AFT intercept"},
    {"os_base", "log day/mm", -0.00197, "OS AFT coefficient of the individual baseline size BASE_i"},
    {"os_ttg", "1", 0.977, "OS AFT coefficient of ln(TTG_i + offset), TTG in days"},
    {"os_ttg_offset", "day", 100.0, "offset added to TTG inside the logarithm"},
    {"os_asian", "log day", 0.319, "OS AFT shift for Asian patients (longer survival)"},
    {"os_smoker", "log day", -0.264, "OS AFT shift for ever-smokers (shorter survival)"},
    {"os_log_sigma", "log", -0.24, "log of the AFT scale sigma (sigma = 0.787): within-patient OS variability"},
};

static const TTParamInfo effects[NEFFECT] = {
    {"kill_multiplier", "ratio", 1.0,
     "multiplies KDE (1 = standard of care); >1 a stronger drug, lengthens TTG and OS"},
};

static const char *const    covariates[NCOV]   = {"asian", "ever_smoker"};
static const TTVariableInfo variables[]        = {{"tumour_size", "mm"}};
static const TTEventInfo    event_info[NEVENT] = {{"death", 0, 1}};

typedef struct {
  double base, kl, kde, lambda; /* individual, kde includes the arm's multiplier */
} Indiv;

static Indiv Individual(const double *par, const double *eta, const double *eff)
{
  Indiv p;
  p.base   = par[P_BASE] * exp(eta[L_BASE]);
  p.kl     = par[P_KL] * exp(eta[L_KL]);
  p.kde    = par[P_KDE] * exp(eta[L_KDE]) * eff[E_KILL];
  p.lambda = par[P_LAMBDA] * exp(eta[L_LAMBDA]);
  return p;
}

/* Time to tumour growth (days): where dTS/dt = 0, i.e. KL = KDE exp(-lambda t). */
static double Ttg(const Indiv *p)
{
  return p->kde > p->kl ? log(p->kde / p->kl) / p->lambda : 0.0;
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  eta[L_BASE]   = par[P_SD_BASE] * tt_rng_normal(rng);
  eta[L_KL]     = par[P_SD_KL] * tt_rng_normal(rng);
  eta[L_KDE]    = par[P_SD_KDE] * tt_rng_normal(rng);
  eta[L_LAMBDA] = par[P_SD_LAMBDA] * tt_rng_normal(rng);
}

static void mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  Indiv  p = Individual(par, eta, eff);
  double r = p.kl * t - p.kde / p.lambda * (1.0 - exp(-p.lambda * t));
  (void) cov;
  y[0] = p.base * exp(fmin(r, LOGRATIO_MAX));
}

/* One normal: y + sd z, truncated at 0. */
static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  yobs[0] = fmax(ymean[0] + par[P_SD_RES] * tt_rng_normal(rng), 0.0);
}

static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  double y0 = fmax(yobs0[0], Y0_MIN), om2 = par[P_SD_BASE] * par[P_SD_BASE], re = par[P_SD_RES] / y0;
  (void) cov;
  eta[L_BASE] = om2 / (om2 + re * re) * log(y0 / par[P_BASE]);
  eta[L_KL] = eta[L_KDE] = eta[L_LAMBDA] = 0.0;
}

/* Death time by the log-normal AFT; one normal from rng. Exact time, even past t_end. */
static void events(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                   tt_pcg32 *rng, double *times)
{
  Indiv  p   = Individual(par, eta, eff);
  double eps = tt_rng_normal(rng);
  double mu  = par[P_OS_INT] + par[P_OS_BASE] * p.base + par[P_OS_TTG] * log(Ttg(&p) + par[P_OS_TTG_OFFSET]) +
              par[P_OS_ASIAN] * (cov[C_ASIAN] > 0.5) + par[P_OS_SMOKER] * (cov[C_SMOKER] > 0.5);
  (void) t_end;
  times[V_DEATH * TT_MAX_EVENT_TIMES] = exp(mu + exp(par[P_OS_LOG_SIGMA]) * eps);
  for (int j = 1; j < TT_MAX_EVENT_TIMES; j++) times[V_DEATH * TT_MAX_EVENT_TIMES + j] = INFINITY;
}

const TTModelType tt_model_oncology_tgi_os = {
    .name           = "oncology_tgi_os",
    .description    = "NSCLC tumour size (SLD) growth inhibition with resistance, kill-rate arm effect, and "
                      "overall survival by a log-normal AFT on baseline size and time to tumour growth (closed form)",
    .reference      = "Claret et al. 2014 Clin Pharmacol Ther 95:446",
    .time_unit_days = 1.0,
    .nparam         = NPARAM,
    .param          = params,
    .neffect        = NEFFECT,
    .effect         = effects,
    .ncovariate     = NCOV,
    .covariate      = covariates,
    .nvar           = 1,
    .var            = variables,
    .nlatent        = NLATENT,
    .nstate         = 0,
    .draw_latent    = draw_latent,
    .mean           = mean,
    .observe        = observe,
    .condition      = condition,
    .nevent         = NEVENT,
    .event          = event_info,
    .events         = events,
};
