/* alzheimers_adas.c — ADAS-Cog (0–70) disease progression in mild-to-moderate AD.
 *
 * Source: Conrado DJ et al. (2014) J Pharmacokinet Pharmacodyn 41:581–598,
 * "Dual-effect model ... CAMD database" (4,494 subjects): generalized logistic
 * (Richards) progression on the 0–1 scale,
 *   mu(t) = b / [b^s + (1 - b^s) exp(-s SL t)]^(1/s),  b = BL/70, t in years,
 * Beta observation ADAS/70 ~ Beta(mu tau, (1 - mu) tau), covariates on baseline
 * (sex, APOE4) and slope (age, APOE4, background AChE-inhibitor use), and
 * correlated random effects (log-baseline, additive slope).
 * Placebo effect: Ito et al. (2010) / Rogers et al. (2012) structure,
 *   P(t) = -beta (exp(-kel t) - exp(-keq t)) on the 0–1 scale.
 * Symptomatic drug effect (donepezil-like, Emax in time since start):
 *   E(t) = -Emax t_w / (ET50 + t_w) points, t_w in weeks; disease-modifying
 *   effect: slope x (1 - f).
 * Baseline: sex and APOE4 terms, no MMSE term, so a cohort's MMSE entry window does not
 * narrow the simulated baseline: its spread is the database's (about 23.6 +- 10.2 with the
 * Beta noise, against 22.2 +- 8.3 in the MMSE 16-26 Alphase trial). Rogers et al. 2012
 * (J Pharmacokinet Pharmacodyn 39:479), on the same CAMD data, predicted the baseline from
 * baseline MMSE. Adding that needs three estimates of one fit together: the intercept and
 * MMSE coefficient of the expected baseline and the between-subject variance of the
 * baseline left given MMSE. The MMSE term explains part of omega2_baseline (0.156, Conrado's,
 * estimated without MMSE), so a published coefficient put on top of it would widen the
 * baseline, not narrow it. The three are in the paper's parameter table and in the
 * posterior of the CAMD simulation package (adsim 3.0) that FDA and EMA reviewed in 2013
 * (Romero et al. 2015 Clin Pharmacol Ther 97:210); neither could be read for this model.
 * Samtani et al. 2015 (Alzheimers Dement TRCI 1:157, same Richards-Beta structure) has
 * baseline terms for sex, AD co-medication, APOE4 and AD duration, none for MMSE; Kennedy
 * et al. 2015 (Alzheimers Dement TRCI 1:46) reports baseline ADAS-Cog by MMSE category, no
 * per-point estimate.
 * Placebo: the Bateman term decays (offset rate 1.58/year): it improves the score by 1.0
 * point at week 13, 0.9 at 26, 0.4 at 52 and 0.2 at 78, with no lasting practice effect.
 * Neither source has a lasting component that was dropped: Conrado's final model has no
 * placebo term (its control arms, placebo and background AChE-I, are the Richards curve
 * alone: DDMORE DDMODEL00000290), and the Ito 2010 / Rogers 2012 form used here decays. A
 * lasting placebo response (rising to a plateau, Emax in time) is published for literature
 * placebo arms with linear progression (Zhang et al. 2020 Alzheimers Res Ther 12,
 * doi:10.1186/s13195-020-00630-5); not used: its estimates could not be read, it belongs to
 * another progression model, and Conrado's curve already holds its control arms' average
 * placebo course. A plateau of the size Alphase implies (placebo_kel 0, placebo_beta 0.0229:
 * 1.6 points) passes Alphase's changes but gives a semagacestat 76-week change of 5.06
 * (published 6.4, z -2.15; protocols/alzheimers_validation.yaml): the trials disagree.
 * Closed form: no ODE integration. Invariant: mean values stay inside (0, 70).
 *
 * Regimens that switch (mean_regimen; a segment j of effects from s_j on):
 * - Disease modification acts on the progression rate. The Richards curve is the solution
 *   of d mu/dt = SL mu (1 - mu^s) (with w = mu^-s: w - 1 = (b^-s - 1) e^{-s SL t}), so a
 *   slope SL_j = SL (1 - f_j) that changes at the switches gives
 *   mu(t) = b / [b^s + (1 - b^s) exp(-s theta(t))]^(1/s), theta(t) = sum_j SL_j |(s_j, t] of
 *   segment j|: the progression clock integrates the slope piecewise, so the course is
 *   continuous and a stopped disease-modifying drug leaves the progression it prevented
 *   prevented (the benefit persists, the slope returns to the untreated one).
 * - The symptomatic effect is an offset on the score, linear in Emax, with the onset
 *   curve h(t) = t_w / (ET50 + t_w) after a start (Conrado 2014; Rogers et al. 2012):
 *   a linear response to a step. A change of Emax at s_j therefore adds its own step,
 *   E(t) = -sum_j (Emax_j - Emax_{j-1}) h_j(t - s_j) (Emax_{-1} = 0, h_j with segment j's
 *   ET50): an escalation adds the increment with a fresh onset, a discontinuation
 *   (Emax 0) loses the effect along the mirrored onset curve, half of it in ET50 weeks,
 *   and the course is continuous. With the default ET50 of 7.6 weeks, 6 weeks after
 *   stopping 56% of the plateau effect remains, where donepezil's difference from
 *   placebo was no longer significant after a 6-week placebo washout (Rogers SL et al.
 *   1998 Neurology 50:136): a discontinuing regimen may state a shorter offset as its
 *   own symptomatic_et50_weeks.
 * - The placebo response follows the time since randomisation whatever the regimen.
 * At t <= s_1 the values are exactly those of the first segment's effects.
 *
 * Before randomisation (t < 0, a patient's history) the mean is the untreated natural
 * course whatever the arm effects: the Richards curve with the untreated slope, no
 * placebo response (its Bateman form would grow without bound as t -> -infinity) and
 * no drug; at t >= 0 the formulas above, continuous at t = 0 (mu(0) = b).
 * Personalisation: log_density is the Beta of observe(): y/70 ~ Beta(m tau, (1 - m) tau)
 * with m = mean/70 clamped to [1e-6, 1 - 1e-6] as observe() clamps it, so
 * log f(y) = log dbeta(y/70) - log 70; a score of exactly 0 or 70 has the Beta density's
 * limit there (+Inf when the shape at that end is below 1, as R's dbeta): give such a
 * floor or ceiling score as censored (below a limit) instead. Censored (M3): log
 * P(Y < y) = log I_{y/70}(m tau, (1 - m) tau). omega is the 2 x 2 covariance draw_latent
 * draws from (its Cholesky factor clips a non-positive-definite Omega to singular), no
 * truncation.
 */
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>

enum {
  P_BL,
  P_SL,
  P_S,
  P_MALE_BL,
  P_APOE_BL,
  P_AGE_SL,
  P_APOE_SL,
  P_NOMED_SL,
  P_OM_BL,
  P_OM_SL,
  P_OM_BLSL,
  P_TAU,
  P_PBO_BETA,
  P_PBO_KEL,
  P_PBO_KEQ,
  NPARAM
};
enum { E_EMAX, E_ET50, E_DM, NEFFECT };
enum { C_AGE, C_MALE, C_APOE4, C_ONACHE, NCOV };
enum { L_BL, L_SL, NLATENT };

#define ADAS_MAX       70.0
#define WEEKS_PER_YEAR (365.25 / 7.0)

static const TTParamInfo params[NPARAM] = {
    {"baseline", "points", 22.2, "typical baseline ADAS-Cog (female, APOE4 count 0.72); log-normal BSV",
     TT_DOMAIN_POSITIVE},
    {"slope", "1/year", 0.153, "typical progression rate (age 75, APOE4 0.72, on AChE-I); additive BSV",
     TT_DOMAIN_REAL},
    {"shape", "1", 6.91, "Richards shape s", TT_DOMAIN_POSITIVE},
    {"male_on_baseline", "ratio", 0.953, "baseline multiplier for men", TT_DOMAIN_POSITIVE},
    {"apoe4_on_baseline", "1/allele", 0.0372, "baseline x [1 + k (APOE4 count - 0.72)]", TT_DOMAIN_REAL},
    {"age_on_slope", "1/year", 0.024, "slope x [1 - k (age - 75)]", TT_DOMAIN_REAL},
    {"apoe4_on_slope", "1/allele", 0.195, "slope x [1 + k (APOE4 count - 0.72)]", TT_DOMAIN_REAL},
    {"no_ache_on_slope", "ratio", 0.698, "slope multiplier without background AChE-I", TT_DOMAIN_NONNEGATIVE},
    {"omega2_baseline", "1", 0.156, "variance of log-baseline random effect", TT_DOMAIN_POSITIVE},
    {"omega2_slope", "1/year^2", 0.0413, "variance of additive slope random effect", TT_DOMAIN_NONNEGATIVE},
    {"omega_baseline_slope", "1/year", 0.0224, "covariance of the two random effects", TT_DOMAIN_REAL},
    {"beta_precision", "1", 87.5, "Beta observation precision tau", TT_DOMAIN_POSITIVE},
    {"placebo_beta", "1 (0-1 scale)", 0.030, "placebo amplitude beta (Ito 2010)", TT_DOMAIN_REAL},
    {"placebo_kel", "1/year", 1.58, "placebo offset rate", TT_DOMAIN_NONNEGATIVE},
    {"placebo_keq", "1/year", 6.55, "placebo onset rate", TT_DOMAIN_NONNEGATIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"symptomatic_emax", "points", 0.0, "maximal symptomatic improvement (donepezil 10 mg: 4.1, derived)",
     TT_DOMAIN_REAL},
    {"symptomatic_et50_weeks", "week", 7.6, "time to half the symptomatic effect", TT_DOMAIN_POSITIVE},
    {"disease_modifying_fraction", "1", 0.0, "fractional slowing of progression f: slope x (1 - f)", TT_DOMAIN_REAL},
};

/* Calibration intervals (illustrative bounds, wide enough for any plausible drug). */
static const TTRangeInfo effect_ranges[NEFFECT] = {
    {-20.0, 20.0, "+-20 ADAS-Cog points, five times the donepezil effect either way"},
    {0.5, 156.0, "half a week to three years"},
    {-1.0, 1.0, "from doubling progression (-1) to halting it (1)"},
};

static const char *const    covariates[NCOV] = {"age", "male", "apoe4", "on_ache"};
static const TTVariableInfo variables[]      = {{"adas_cog", "points (0-70)"}};

/* The scale's own limits: 11 items scored as errors, total 0 (no error) to 70 (Rosen,
 * Mohs & Davis 1984). Every observed value is 70 x a Beta draw, so it lies in [0, 70]
 * whatever the mean; no narrower bound is implied by the trials' entry criteria, which
 * select on MMSE, not on ADAS-Cog (Schneider & Sano 2009). */
static const TTRangeInfo ranges[] = {
    {0.0, ADAS_MAX, "ADAS-Cog 11-item total, 0-70 by definition (Rosen, Mohs & Davis 1984 Am J Psychiatry 141:1356)"}};

static double clamp(double x, double lo, double hi)
{
  return x < lo ? lo : (x > hi ? hi : x);
}

/* Individual baseline (points) without the random effect. */
static double baseline_pop(const double *par, const double *cov)
{
  double bl = par[P_BL] * (cov[C_MALE] > 0.5 ? par[P_MALE_BL] : 1.0);
  return bl * (1.0 + par[P_APOE_BL] * (cov[C_APOE4] - 0.72));
}

static double slope_pop(const double *par, const double *cov)
{
  double sl = par[P_SL] * (1.0 - par[P_AGE_SL] * (cov[C_AGE] - 75.0)) * (1.0 + par[P_APOE_SL] * (cov[C_APOE4] - 0.72));
  return cov[C_ONACHE] > 0.5 ? sl : sl * par[P_NOMED_SL];
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  double l11 = sqrt(par[P_OM_BL]), l21 = par[P_OM_BLSL] / l11;
  double l22 = sqrt(fmax(par[P_OM_SL] - l21 * l21, 0.0));
  double z1 = tt_rng_normal(rng), z2 = tt_rng_normal(rng);
  eta[L_BL] = l11 * z1;
  eta[L_SL] = l21 * z1 + l22 * z2;
}

/* Per-twin, per-arm constants of the mean: individual baseline on the 0-1 scale, its
 * power b^s, and the individual slope. */
typedef struct {
  double b, bs, sl, sl0; /* sl0: the untreated slope, for t < 0 */
} Individual;

static Individual individual(const double *par, const double *cov, const double *eta, const double *eff)
{
  Individual ind;
  ind.b   = clamp(baseline_pop(par, cov) * exp(eta[L_BL]) / ADAS_MAX, 1e-6, 0.999);
  ind.sl  = (slope_pop(par, cov) + eta[L_SL]) * (1.0 - eff[E_DM]);
  ind.bs  = pow(ind.b, par[P_S]);
  ind.sl0 = slope_pop(par, cov) + eta[L_SL];
  return ind;
}

static double mean_at(const double *par, const double *eff, const Individual *ind, double t)
{
  double s = par[P_S], bs = ind->bs;
  if (t < 0.0)
    return ADAS_MAX * clamp(ind->b / pow(bs + (1.0 - bs) * exp(-s * ind->sl0 * t), 1.0 / s), 1e-6, 1.0 - 1e-6);
  double mu   = ind->b / pow(bs + (1.0 - bs) * exp(-s * ind->sl * t), 1.0 / s);
  double pbo  = -par[P_PBO_BETA] * (exp(-par[P_PBO_KEL] * t) - exp(-par[P_PBO_KEQ] * t));
  double tw   = t * WEEKS_PER_YEAR;
  double drug = tw > 0.0 ? -eff[E_EMAX] * tw / (eff[E_ET50] + tw) / ADAS_MAX : 0.0;
  return ADAS_MAX * clamp(mu + pbo + drug, 1e-6, 1.0 - 1e-6);
}

static void mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  Individual ind = individual(par, cov, eta, eff);
  y[0]           = mean_at(par, eff, &ind, t);
}

/* The same values as `mean` at each time, the individual constants computed once. */
static void mean_times(const double *par, const double *cov, const double *eta, const double *eff, int nt,
                       const double *t, double *y)
{
  Individual ind = individual(par, cov, eta, eff);
  for (int i = 0; i < nt; i++) y[i] = mean_at(par, eff, &ind, t[i]);
}

/* The mean at t > reg->start[1] under a regimen that switches (file comment): the
 * progression clock theta = integral of the individual slope, the symptomatic effect as
 * the superposition of each segment's change of Emax with that segment's onset. */
static double switched_at(const double *par, const Individual *ind, double sl_base, const TTRegimen *reg, double t)
{
  double s = par[P_S], bs = ind->bs, theta = 0.0, drug = 0.0, emax_before = 0.0, mu, pbo;
  for (int j = 0; j < reg->n && reg->start[j] < t; j++) {
    const double *e   = reg->eff + j * NEFFECT;
    double        end = j + 1 < reg->n && reg->start[j + 1] < t ? reg->start[j + 1] : t;
    double        tw  = (t - reg->start[j]) * WEEKS_PER_YEAR;
    theta += sl_base * (1.0 - e[E_DM]) * (end - reg->start[j]);
    drug -= (e[E_EMAX] - emax_before) * tw / (e[E_ET50] + tw);
    emax_before = e[E_EMAX];
  }
  mu  = ind->b / pow(bs + (1.0 - bs) * exp(-s * theta), 1.0 / s);
  pbo = -par[P_PBO_BETA] * (exp(-par[P_PBO_KEL] * t) - exp(-par[P_PBO_KEQ] * t));
  return ADAS_MAX * clamp(mu + pbo + drug / ADAS_MAX, 1e-6, 1.0 - 1e-6);
}

/* Under a regimen: before the first switch exactly mean_at under the first effects. */
static void mean_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int nt,
                         const double *t, double *y)
{
  Individual ind     = individual(par, cov, eta, reg->eff);
  double     sl_base = slope_pop(par, cov) + eta[L_SL];
  for (int i = 0; i < nt; i++)
    y[i] = reg->n < 2 || t[i] <= reg->start[1] ? mean_at(par, reg->eff, &ind, t[i])
                                               : switched_at(par, &ind, sl_base, reg, t[i]);
}

static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  double m = clamp(ymean[0] / ADAS_MAX, 1e-6, 1.0 - 1e-6), tau = par[P_TAU];
  yobs[0] = ADAS_MAX * tt_rng_beta(rng, m * tau, (1.0 - m) * tau);
}

/* E[eta | baseline]: eta_BL solved from the observed baseline; eta_SL by regression
 * on eta_BL (cov/var), as in the design's prognostic score. */
static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  eta[L_BL] = log(clamp(yobs0[0], 1e-6, ADAS_MAX) / baseline_pop(par, cov));
  eta[L_SL] = par[P_OM_BLSL] / par[P_OM_BL] * eta[L_BL];
}

/* Log density of an observed ADAS-Cog score (points) given its model value: the Beta of
 * observe() on the 0-1 scale, Jacobian 1/70; below: log P(Y < value). */
static double log_density(const double *par, int k, const TTObservation *o)
{
  double m = clamp(o->mean / ADAS_MAX, 1e-6, 1.0 - 1e-6), tau = par[P_TAU], x = o->value / ADAS_MAX;
  if (k != 0 || isnan(o->mean) || isnan(o->value)) return NAN;
  if (o->below) return log(tt_stats_pbeta(x, m * tau, (1.0 - m) * tau));
  return tt_stats_ldbeta(x, m * tau, (1.0 - m) * tau) - log(ADAS_MAX);
}

/* The covariance draw_latent draws from: L L^T of its Cholesky factor. */
static void omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  double l21 = par[P_OM_BLSL] / sqrt(par[P_OM_BL]);
  (void) cov;
  om[0] = par[P_OM_BL];
  om[1] = par[P_OM_BLSL];
  om[2] = par[P_OM_BLSL];
  om[3] = fmax(par[P_OM_SL], l21 * l21);
  for (int i = 0; i < NLATENT; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
}

static const char *const latent_names[NLATENT] = {"eta_baseline", "eta_slope"};

/* The random effects' covariance is positive semi-definite: c^2 <= omega2_baseline x
 * omega2_slope (draw_latent's Cholesky factor exists; its fmax only absorbs round-off). */
static const char *check_params(const double *par)
{
  if (par[P_OM_BLSL] * par[P_OM_BLSL] > par[P_OM_BL] * par[P_OM_SL])
    return "omega_baseline_slope^2 exceeds omega2_baseline x omega2_slope, so the random effects' covariance is "
           "not positive semi-definite";
  return NULL;
}

const TTModelType tt_model_alzheimers_adas = {
    .name           = "alzheimers_adas",
    .description    = "ADAS-Cog progression in mild-to-moderate Alzheimer's disease, placebo, symptomatic and "
                      "disease-modifying drug effects, Beta observation noise (closed form)",
    .reference      = "Conrado et al. 2014 J Pharmacokinet Pharmacodyn 41:581; Ito et al. 2010; Rogers et al. 2012",
    .time_unit_days = 365.25,
    .nparam         = NPARAM,
    .param          = params,
    .neffect        = NEFFECT,
    .effect         = effects,
    .effect_range   = effect_ranges,
    .ncovariate     = NCOV,
    .covariate      = covariates,
    .nvar           = 1,
    .var            = variables,
    .range          = ranges,
    .nlatent        = NLATENT,
    .nstate         = 0,
    .draw_latent    = draw_latent,
    .mean           = mean,
    .mean_times     = mean_times,
    .observe        = observe,
    .condition      = condition,
    .log_density    = log_density,
    .omega          = omega,
    .check_params   = check_params,
    .latent         = latent_names,
    .mean_regimen   = mean_regimen,
};
