/* ms_relapse.c — relapses in relapsing-remitting multiple sclerosis: a mixed Poisson
 * process whose rate depends on the relapses of the two years before entry, with an
 * optional gamma frailty (negative binomial counts) and a rate-ratio arm effect.
 *
 *   rate_i(t) = ARR RR x(c_i) / xbar g_i m(t)
 *   x(c)      = exp(b_c): b = lrr_prior0 (c = 0), 0 (c = 1), lrr_prior2 (c = 2),
 *               lrr_prior3plus (c >= 3); c = prior_relapses, relapses in the 2 years
 *               before randomisation (cohort covariate, rounded to an integer)
 *   g_i       ~ Gamma(shape 1/k, scale k): mean 1, variance k = dispersion_k (k = 0: g = 1)
 *   m(t)      = r1 c0 for t < 1 year, c0 afterwards, c0 = 2 / (1 + r1)
 *
 * Prior relapses: Held U et al. (2005) Neurology 65:1769–1773, Poisson regression of the
 * on-study relapse rate of 821 placebo patients (Sylvia Lawry Centre database): log rate
 * ratios 0.59, 0.91 and 1.45 for 1, 2 and >= 3 relapses in the previous 24 months vs
 * none, i.e. -0.59, +0.32, +0.86 relative to one relapse (multivariable estimates,
 * used as marginal). xbar = prior_rr_mean is the mean of x(c) in the reference
 * population, the FREEDOMS placebo arm's relapse history (Kappos L et al. (2010) N Engl
 * J Med 362:387–401, Table 1: about 2.2 relapses, SD 1.2, in the previous 2 years;
 * cohorts/rrms.yaml discretises it as 1..6 relapses with p .32 .35 .19 .09 .03 .02,
 * mean 2.22, SD 1.19, shape assumed), so that population's mean ARR over two years is
 * exactly `arr` (FREEDOMS placebo 0.40); a population with more prior relapses has a
 * proportionally higher mean rate, with no refitting.
 *
 * Dispersion over 24 months: given the prior relapses and the arm's rate, the share
 * relapse-free at T = 2 years is P0 = sum_c p_c (1 + k L x_c/xbar)^(-1/k), L = 2 ARR,
 * which grows with k (Jensen: P0 >= exp(-L) for every mixed Poisson). FREEDOMS published
 * relapse-free 45.6% (placebo, ARR 0.40), 70.4% (0.5 mg, ARR 0.18), 74.7% (1.25 mg,
 * ARR 0.16) at 24 months; the least-squares k over the three arms (binomial SEs, n 418,
 * 425, 429) is 0, on the boundary (the prior-relapse heterogeneity alone gives 46.7%,
 * 69.8%, 73.1%), with a 95% upper limit of 0.31 (chi-square rise 3.84; derived in
 * tests/unit/test_model_ms.c). AFFIRM's one-year count distribution
 * (Polman CH et al. (2006) N Engl J Med 354:899–910: placebo 0/1/2/3/>=4 relapses
 * 180/76/42/8/9) gives k ~ 0.69 without covariates, which over 24 months would put the
 * FREEDOMS placebo relapse-free share at 54%, outside its 95% CI; the default is the
 * 24-month estimate k = 0. FREEDOMS II's placebo arm (Calabresi PA et al. (2014) Lancet
 * Neurol 13:545: ARR 0.40 as in FREEDOMS, relapse-free 52.7%, n 355) implies k = 0.51
 * (95% 0.06-1.13); a least-squares k over both trials' five arms would be 0.24 (chi-square
 * 6.9 on 4 df; between the trials 5.3 on 1 df). k stays FREEDOMS' estimate so that FREEDOMS
 * II remains a check on data the model did not see (derived in tests/unit/test_model_ms.c):
 * the dispersion is trial-specific, and protocols may override it. The model reads prior
 * relapses only; Held's other multivariable term, disease duration (-0.02 per year of log
 * rate), is not modelled.
 *
 * Time profile: the year-1 rate is r1 = 1.25 times the year-2 rate (Nicholas R et al.
 * (2012) Mult Scler 18:1290) and the mean over the first two years is exactly the 2-year
 * ARR (M(2) = 2, M(t) = integral of m); after year 2 the rate stays at the year-2 level.
 * Given g_i and c_i the relapses are a Poisson process: the count over [0, T] is
 * negative binomial with mean mu = ARR RR x/xbar M(T) and variance mu + k mu^2.
 *
 * The frailty is the random effect: eta_0 = ln g_i, drawn in draw_latent (one
 * tt_rng_gamma when k > 0), so it is shared by the twin's arms. Relapse times invert the
 * cumulative intensity: t_j = Lambda_i^-1(E_1 + ... + E_j) with unit-exponential gaps
 * E_j = -ln U_j, the j-th uniform of the event stream, which the caller re-seeds
 * identically for every arm. A rate ratio RR < 1 therefore moves every relapse later,
 * so a twin's count on treatment never exceeds its count on placebo over any window
 * starting at 0 (coupled counts). Up to TT_MAX_EVENT_TIMES relapses before t_end are
 * reported; later slots hold INFINITY.
 *
 * Regimens that switch (mean_regimen, events_regimen): the rate ratio of segment j acts
 * from its start s_j, the year-1/year-2 profile m(t) staying on the clock of
 * randomisation (a course of the disease in trials, Nicholas 2012, not of a drug). The
 * cumulative intensity is Lambda_i(t) = sum_j ARR RR_j x(c_i)/xbar g_i (M(min(t, s_{j+1}))
 * - M(s_j)), continuous; the relapses are the same unit-exponential gaps inverted through
 * it (a Poisson process with piecewise intensity), so those before the first switch are
 * exactly the first segment's, and a twin's relapses move later as its rate falls.
 * cumulative_relapses is Lambda_i(t).
 *
 * Output variable: cumulative_relapses = E[N(t) | g_i, c_i], noise-free; observe()
 * returns it unchanged. It is a smooth expected count, not the realised one: count
 * endpoints (ARR, negative binomial regression) use the event times. condition() sets
 * eta = 0 (g = E[g] = 1): the prognosis is the rate of the twin's prior-relapse class.
 * Invariant: no allocation; times are increasing and > 0; the rate is finite and >= 0.
 *
 * Personalisation. An observed cumulative_relapses is the patient's realised count of
 * relapses since randomisation, N(t) (relapses before it enter through the covariate
 * prior_relapses; before randomisation the count is 0 and so is the model value). Given
 * g_i and c_i the relapses are the Poisson process `events` draws from, so the increments
 * between consecutive observations are independent Poisson with mean the increase of the
 * model value: log_density is log dpois(y - y_prev; mean - mean_prev), the first
 * observation counting from t = 0 (y_prev = mean_prev = 0). Counts are exact: a censored
 * count, and a non-integer or decreasing one, get NaN and -Inf respectively. (Simulated
 * runs keep reporting the expected count; count endpoints use the event times.)
 * The prior of eta = ln g is the log of a Gamma(1/k, k) variable: log_prior is its log
 * density, (1/k) eta - e^eta / k - lgamma(1/k) - (1/k) ln k; omega its variance
 * trigamma(1/k) (mean digamma(1/k) + ln k, not 0), unbounded. With k = 0 there is no
 * frailty: eta = 0 exactly (omega 0, lo = hi = 0, log_prior 0 at 0 and -Inf elsewhere).
 */
#include <float.h>
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>

enum { P_ARR, P_K, P_YEAR1, P_LRR0, P_LRR2, P_LRR3, P_XBAR, NPARAM };
enum { E_RR, NEFFECT };
enum { C_PRIOR, NCOV };
enum { L_LOGG, NLATENT };
enum { V_RELAPSE, NEVENT };

static const TTParamInfo params[NPARAM] = {
    {"arr", "1/year", 0.40,
     "placebo annualized relapse rate, mean over the first 2 years in the reference population (FREEDOMS, "
     "Kappos 2010); heterogeneity: prior relapses and a gamma frailty of variance dispersion_k",
     TT_DOMAIN_NONNEGATIVE},
    {"dispersion_k", "1", 0.0,
     "variance of the gamma frailty given prior relapses (negative binomial count variance mu + k mu^2); 0 = "
     "least-squares fit to FREEDOMS' 24-month relapse-free shares (95% upper limit 0.31; AFFIRM 1-year 0.69)",
     TT_DOMAIN_NONNEGATIVE},
    {"year1_ratio", "ratio", 1.25, "year-1 rate / year-2 rate (Nicholas 2012); the 2-year mean stays arr",
     TT_DOMAIN_NONNEGATIVE},
    {"lrr_prior0", "log ratio", -0.59,
     "log rate ratio, no relapse vs one relapse in the 2 years before entry (Held 2005: 0 vs 0.59)", TT_DOMAIN_REAL},
    {"lrr_prior2", "log ratio", 0.32, "log rate ratio, 2 vs 1 prior relapses in 2 years (Held 2005: 0.91 - 0.59)",
     TT_DOMAIN_REAL},
    {"lrr_prior3plus", "log ratio", 0.86,
     "log rate ratio, >= 3 vs 1 prior relapses in 2 years (Held 2005: 1.45 - 0.59)", TT_DOMAIN_REAL},
    {"prior_rr_mean", "ratio", 1.5818,
     "mean of exp(lrr_prior) in the reference population (FREEDOMS Table 1 relapse history as in cohorts/rrms.yaml), "
     "so that population's mean rate is arr",
     TT_DOMAIN_POSITIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"rate_ratio", "ratio", 1.0, "relapse rate ratio vs placebo (fingolimod 0.5 mg ~0.46, natalizumab ~0.325)",
     TT_DOMAIN_NONNEGATIVE},
};

/* Calibration interval (illustrative bound). */
static const TTRangeInfo effect_ranges[NEFFECT] = {
    {0.01, 10.0, "relapse rate ratio 0.01 to 10"},
};

static const char *const    covariates[NCOV]   = {"prior_relapses"};
static const TTVariableInfo variables[]        = {{"cumulative_relapses", "count (expected)"}};
static const TTEventInfo    event_info[NEVENT] = {{"relapse", 1, 0}};
static const TTRangeInfo    ranges[]           = {
                 {0.0, 10.0,
                  "expected relapses since randomisation over a 24-month horizon: >= 0; at most 5 per year sustained for 2 years, "
                               "above the highest individual rates in placebo arms (AFFIRM, Polman 2006: 9/315 placebo patients had >= 4 "
                               "relapses in year 1; FREEDOMS entry: 1-6 relapses in 2 years); the largest class rate here is 0.40 x 1.49"},
};

/* Year-2 level c0 of the time profile m(t): (r1 c0 + c0) / 2 = 1. */
static double Level(const double *par)
{
  return 2.0 / (1.0 + par[P_YEAR1]);
}

/* M(t) = integral_0^t m(s) ds (years). */
static double Cumulative(const double *par, double t)
{
  double c = Level(par), a = par[P_YEAR1] * c;
  return t < 1.0 ? a * t : a + c * (t - 1.0);
}

/* Inverse of M: the time at which M reaches s >= 0. */
static double CumulativeInverse(const double *par, double s)
{
  double c = Level(par), a = par[P_YEAR1] * c;
  return s < a ? s / a : 1.0 + (s - a) / c;
}

/* Rate multiplier x(c) / xbar of a twin with c prior relapses in 2 years (Held 2005). */
static double PriorMultiplier(const double *par, const double *cov)
{
  double c = cov ? floor(cov[C_PRIOR] + 0.5) : 1.0, b;
  if (c < 0.5)
    b = par[P_LRR0];
  else if (c < 1.5)
    b = 0.0;
  else if (c < 2.5)
    b = par[P_LRR2];
  else
    b = par[P_LRR3];
  return exp(b) / par[P_XBAR];
}

/* Individual rate scale ARR RR x(c)/xbar g_i (1/year). */
static double Scale(const double *par, const double *cov, const double *eta, const double *eff)
{
  return par[P_ARR] * eff[E_RR] * PriorMultiplier(par, cov) * exp(eta[L_LOGG]);
}

/* One Gamma(1/k, k) draw; k <= 0 means no frailty (g = 1, no draw). */
static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  double k    = par[P_K];
  eta[L_LOGG] = k > 0.0 ? log(fmax(tt_rng_gamma(rng, 1.0 / k, k), DBL_MIN)) : 0.0;
}

static void mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  y[0] = Scale(par, cov, eta, eff) * Cumulative(par, fmax(t, 0.0));
}

static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  (void) par, (void) rng;
  yobs[0] = ymean[0];
}

static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  (void) par, (void) cov, (void) yobs0;
  eta[L_LOGG] = 0.0;
}

/* Relapse j at Lambda^-1(E_1 + ... + E_j); one uniform per relapse before t_end. */
static void events(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                   tt_pcg32 *rng, double *times)
{
  double  scale = Scale(par, cov, eta, eff), s = 0.0;
  double *out = times + V_RELAPSE * TT_MAX_EVENT_TIMES;
  int     j   = 0;
  if (scale > 0.0)
    for (; j < TT_MAX_EVENT_TIMES; j++) {
      double t;
      s -= log(tt_rng_uniform(rng));
      t = CumulativeInverse(par, s / scale);
      if (!(t < t_end)) break;
      out[j] = t;
    }
  for (; j < TT_MAX_EVENT_TIMES; j++) out[j] = INFINITY;
}

/* Cumulative intensity Lambda(t) under a regimen: each segment's scale over its part of
 * (0, t], on the profile M of the time since randomisation. */
static double CumulativeRegimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, double t)
{
  double lambda = 0.0;
  for (int j = 0; j < reg->n && reg->start[j] < t; j++) {
    double end = j + 1 < reg->n && reg->start[j + 1] < t ? reg->start[j + 1] : t;
    lambda += Scale(par, cov, eta, reg->eff + j * NEFFECT) * (Cumulative(par, end) - Cumulative(par, reg->start[j]));
  }
  return lambda;
}

static void mean_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int nt,
                         const double *t, double *y)
{
  for (int i = 0; i < nt; i++)
    if (reg->n < 2 || t[i] <= reg->start[1])
      mean(par, cov, eta, reg->eff, t[i], y + i);
    else
      y[i] = CumulativeRegimen(par, cov, eta, reg, t[i]);
}

/* The time at which the cumulative intensity under reg reaches s >= 0 (INFINITY: never):
 * in the first segment exactly the constant rate's inverse, then segment by segment. */
static double InverseRegimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, double s)
{
  double scale = Scale(par, cov, eta, reg->eff), lambda, t = scale > 0.0 ? CumulativeInverse(par, s / scale) : INFINITY;
  if (reg->n < 2 || t <= reg->start[1]) return t;
  lambda = scale * Cumulative(par, reg->start[1]);
  for (int j = 1; j < reg->n; j++) {
    double m0 = Cumulative(par, reg->start[j]), gain;
    scale     = Scale(par, cov, eta, reg->eff + j * NEFFECT);
    gain      = j + 1 < reg->n ? scale * (Cumulative(par, reg->start[j + 1]) - m0) : INFINITY;
    if (scale > 0.0 && s - lambda <= gain) return CumulativeInverse(par, m0 + (s - lambda) / scale);
    lambda += gain;
  }
  return INFINITY;
}

/* events under reg: the same unit exponentials; the relapses before the first switch are
 * those of the first segment's rate. */
static void events_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, double t_end,
                           tt_pcg32 *rng, double *times)
{
  double *out = times + V_RELAPSE * TT_MAX_EVENT_TIMES, s = 0.0;
  int     j = 0, any = 0;
  for (int k = 0; k < reg->n; k++) any |= Scale(par, cov, eta, reg->eff + k * NEFFECT) > 0.0;
  if (any)
    for (; j < TT_MAX_EVENT_TIMES; j++) {
      double t;
      s -= log(tt_rng_uniform(rng));
      t = InverseRegimen(par, cov, eta, reg, s);
      if (!(t < t_end)) break;
      out[j] = t;
    }
  for (; j < TT_MAX_EVENT_TIMES; j++) out[j] = INFINITY;
}

/* Log probability of the relapses counted between the previous observation (or t = 0)
 * and this one, given the model's expected counts there. */
static double log_density(const double *par, int k, const TTObservation *o)
{
  double mu = isnan(o->mean_prev) ? o->mean : o->mean - o->mean_prev;
  double d  = isnan(o->value_prev) ? o->value : o->value - o->value_prev;
  (void) par;
  if (k != 0 || o->below || isnan(mu) || isnan(d)) return NAN;
  return tt_stats_ldpois(d, mu);
}

/* Variance of ln g, g ~ Gamma(1/k, k); k = 0: eta fixed at 0. */
static void omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  double k = par[P_K];
  (void) cov;
  om[0] = k > 0.0 ? tt_stats_trigamma(1.0 / k) : 0.0;
  lo[0] = k > 0.0 ? -INFINITY : 0.0;
  hi[0] = k > 0.0 ? INFINITY : 0.0;
}

/* Log density of eta = ln g, g ~ Gamma(shape 1/k, scale k). */
static double log_prior(const double *par, const double *cov, const double *eta)
{
  double k = par[P_K], a;
  (void) cov;
  if (!(k > 0.0)) return eta[L_LOGG] == 0.0 ? 0.0 : -INFINITY;
  a = 1.0 / k;
  return a * eta[L_LOGG] - exp(eta[L_LOGG]) / k - lgamma(a) - a * log(k);
}

static const char *const latent_names[NLATENT] = {"log_frailty"};

const TTModelType tt_model_ms_relapse = {
    .name           = "ms_relapse",
    .description    = "Relapsing-remitting MS relapses: Poisson process whose rate depends on the relapses of the "
                      "previous 2 years (Held 2005), optional gamma frailty (negative binomial counts), year-1 rate "
                      "25% above year 2, rate-ratio arm effect, coupled event times across arms",
    .reference      = "Kappos et al. 2010 N Engl J Med 362:387 (FREEDOMS); Held et al. 2005 Neurology 65:1769; "
                      "Polman et al. 2006 N Engl J Med 354:899 (AFFIRM); Nicholas et al. 2012 Mult Scler 18:1290",
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
    .observe        = observe,
    .condition      = condition,
    .nevent         = NEVENT,
    .event          = event_info,
    .events         = events,
    .log_density    = log_density,
    .omega          = omega,
    .latent         = latent_names,
    .log_prior      = log_prior,
    .mean_regimen   = mean_regimen,
    .events_regimen = events_regimen,
};
