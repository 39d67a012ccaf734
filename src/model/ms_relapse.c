/* ms_relapse.c — relapses in relapsing-remitting multiple sclerosis: a mixed Poisson
 * (gamma frailty) process whose counts are negative binomial, with a rate-ratio arm effect.
 *
 * Sources: Kappos L et al. (2010) N Engl J Med 362:387–401 (FREEDOMS: 24-month placebo
 * ARR 0.40, fingolimod 0.18, RR ~ 0.45); Polman CH et al. (2006) N Engl J Med
 * 354:899–910 (AFFIRM: year-1 placebo ARR 0.70, natalizumab RR 0.325; the placebo
 * 0/1/2/3/>=4 relapse counts 180/76/42/8/9 give the dispersion k ~ 0.69, derived);
 * Nicholas R et al. (2012) Mult Scler 18:1290 (placebo ARR ~25% higher in year 1 than
 * in year 2). Numbers: MODELS.md §4 of the project docs. Time in years.
 *
 *   rate_i(t) = ARR RR g_i m(t),   g_i ~ Gamma(shape 1/k, scale k)  (mean 1, variance k)
 *   m(t)      = r1 c for t < 1 year, c afterwards,   c = 2 / (1 + r1)
 * so the year-1 rate is r1 = 1.25 times the year-2 rate and the mean rate over the
 * first two years is exactly ARR (c = 0.889: 0.444 then 0.356 relapses/year at ARR
 * 0.40); after year 2 the rate stays at the year-2 level. Given g_i the relapses are a
 * Poisson process, so the count over [0, T] is negative binomial with mean
 * mu = ARR RR M(T) and variance mu + k mu^2 (M(t) = integral of m; M(2) = 2).
 * ARR is the 2-year mean placebo rate (FREEDOMS 0.40). To start from AFFIRM's year-1
 * placebo rate 0.70 instead, set arr = 0.70 / (r1 c) = 0.63.
 *
 * The frailty is the random effect: eta_0 = ln g_i, drawn in draw_latent (one
 * tt_rng_gamma), so it is shared by the twin's arms. Relapse times invert the
 * cumulative intensity: t_j = Lambda_i^-1(E_1 + ... + E_j) with unit-exponential gaps
 * E_j = -ln U_j, the j-th uniform of the event stream, which the caller re-seeds
 * identically for every arm. A rate ratio RR < 1 therefore moves every relapse later
 * (t_j increases as Lambda_i shrinks), so a twin's count on treatment never exceeds its
 * count on placebo over any window starting at 0 (coupled counts).
 * Up to TT_MAX_EVENT_TIMES relapses before t_end are reported; later slots hold INFINITY.
 *
 * Output variable: cumulative_relapses = E[N(t) | g_i] = ARR RR g_i M(t), noise-free;
 * observe() returns it unchanged (no residual, no random numbers). It is a smooth
 * expected count, not the realised one: count endpoints (ARR, negative binomial
 * regression) must use the event times. condition() sets eta = 0, i.e. g = 1 = E[g]:
 * the prognosis is the population-mean rate (nothing at baseline informs g).
 * Invariant: no allocation; times are increasing and > 0.
 */
#include <float.h>
#include <math.h>
#include <twintrial/model.h>

enum { P_ARR, P_K, P_YEAR1, NPARAM };
enum { E_RR, NEFFECT };
enum { L_LOGG, NLATENT };
enum { V_RELAPSE, NEVENT };

static const TTParamInfo params[NPARAM] = {
    {"arr", "1/year", 0.40,
     "placebo annualized relapse rate, mean over the first 2 years (FREEDOMS; AFFIRM year-1 0.70 <=> arr 0.63); "
     "gamma frailty BSV, variance dispersion_k"},
    {"dispersion_k", "1", 0.69,
     "negative binomial dispersion = variance of the gamma frailty g (count variance mu + k mu^2; AFFIRM, derived)"},
    {"year1_ratio", "ratio", 1.25, "year-1 rate / year-2 rate (Nicholas 2012); the 2-year mean stays arr"},
};

static const TTParamInfo effects[NEFFECT] = {
    {"rate_ratio", "ratio", 1.0, "relapse rate ratio vs placebo (fingolimod ~0.45, natalizumab ~0.325)"},
};

static const TTVariableInfo variables[]        = {{"cumulative_relapses", "count (expected)"}};
static const TTEventInfo    event_info[NEVENT] = {{"relapse", 1, 0}};

/* Year-2 level c of the time profile m(t): (r1 c + c) / 2 = 1. */
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

/* Individual rate scale ARR RR g_i (1/year). */
static double Scale(const double *par, const double *eta, const double *eff)
{
  return par[P_ARR] * eff[E_RR] * exp(eta[L_LOGG]);
}

/* One Gamma(1/k, k) draw; k <= 0 means no overdispersion (g = 1, no draw). */
static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  double k    = par[P_K];
  eta[L_LOGG] = k > 0.0 ? log(fmax(tt_rng_gamma(rng, 1.0 / k, k), DBL_MIN)) : 0.0;
}

static void mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  (void) cov;
  y[0] = Scale(par, eta, eff) * Cumulative(par, fmax(t, 0.0));
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
  double  scale = Scale(par, eta, eff), s = 0.0;
  double *out = times + V_RELAPSE * TT_MAX_EVENT_TIMES;
  int     j   = 0;
  (void) cov;
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

const TTModelType tt_model_ms_relapse = {
    .name           = "ms_relapse",
    .description    = "Relapsing-remitting MS relapses: gamma-frailty Poisson process (negative binomial counts), "
                      "year-1 rate 25% above year 2, rate-ratio arm effect, coupled event times across arms",
    .reference      = "Kappos et al. 2010 N Engl J Med 362:387 (FREEDOMS); Polman et al. 2006 N Engl J Med 354:899 "
                      "(AFFIRM); Nicholas et al. 2012 Mult Scler 18:1290",
    .time_unit_days = 365.25,
    .nparam         = NPARAM,
    .param          = params,
    .neffect        = NEFFECT,
    .effect         = effects,
    .ncovariate     = 0,
    .covariate      = NULL,
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
