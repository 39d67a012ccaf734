/* oncology_tgi_os.c — tumour growth inhibition (sum of longest diameters, SLD) and overall
 * survival in first-line non-squamous NSCLC, with an arm effect on the kill rate.
 *
 * Source: Claret L, Bruno R, Lu JF, Sun YN, Hsu CP (2014) Clin Pharmacol Ther 95:446–451,
 * "Exploratory modeling and simulation to support development of motesanib in Asian
 * patients with non-small cell lung cancer based on MONET1 study results" (MONET1:
 * carboplatin/paclitaxel +/- motesanib, Scagliotti et al. 2012 J Clin Oncol 30:2829).
 * Tumour model of Claret et al. 2009 J Clin Oncol 27:4103; time in days.
 *
 * Published tumour model (exponential growth, kill decaying with resistance):
 *   d ln TS/dt = KL_i - m KDE_i exp(-lambda_i t),  TS(0) = BASE_i
 * Changes here, each because the published form gives implausible sizes far from the data
 * it was fitted to (MONET1 follow-up of weeks, sizes of a measurable-disease population):
 * 1. Growth plateau (Gompertz in log size; Norton 1988 Cancer Res 48:7067, Gompertzian
 *    growth of human tumours; Benzekry et al. 2014 PLoS Comput Biol 10:e1003800):
 *      dz/dt = a_i (ln K - z) - m KDE_i exp(-lambda_i t),  z = ln TS,
 *    with a_i = KL_i / ln(K / BASE_i), so the growth rate at baseline is the published KL_i
 *    and the early trajectory is Claret's; z is linear, so with u = z - ln K:
 *      u(t) = u0 e^{-a t} - m KDE_i (e^{-lambda t} - e^{-a t}) / (a - lambda)   (t e^{-a t}
 *      when a = lambda), u0 = ln(BASE_i / K) < 0, hence TS = K e^u < K for every t and arm.
 *    The exponential model let TS = BASE e^{KL t} reach 1e19 mm by week 120.
 *    K = ts_max = 575.9 mm: the largest SLD compatible with life: a lethal tumour burden of
 *    about 1 kg (10^12 cells; Friberg & Mattson 1997 J Surg Oncol 65:284) split over the
 *    10 target lesions RECIST 1.0 allows (Therasse et al. 2000 J Natl Cancer Inst 92:205;
 *    MONET1 enrolled 2007-2009), each a sphere: SLD = 10^{2/3} (6 V / pi)^{1/3}, V = 1000 cm^3.
 * 2. Baseline: eta_BASE is the published log-normal (SD 0.683) truncated at +-2 SD, so BASE_i
 *    lies in [23.0, 352.8] mm. Untruncated, 1 twin in 1000 had a baseline SLD above 740 mm.
 *    Observed baseline SLDs in NSCLC: OAK (Rittmeyer et al. 2017 Lancet 389:255), 849 patients
 *    with data published by Gandara et al. 2018 Nat Med 24:1441 (supplementary data): median
 *    66 mm, 99th percentile 227 mm, maximum 316 mm, SD of log 0.65; POPLAR (same data, 287
 *    patients): maximum 269 mm. The cap lies above every one of these 1136 RECIST 1.1 sums (at
 *    most 5 lesions), for RECIST 1.0 sums of up to 10; the untruncated tail went far beyond.
 *    Measurable disease (>= 10 mm, RECIST) is an entry criterion of the cohort.
 * 3. Readings: additive residual SD 7.849 mm (published), clipped to [0, K] (a physical size).
 * 4. KDE of carboplatin/paclitaxel re-estimated: 0.0063 = 0.612 x the published 0.0103. With
 *    0.0103 the simulated MONET1 control arm had a confirmed ORR of 42% (published 26%) and a
 *    median OS of 13.1 months (published 11.0): both too high, as a too strong kill makes them.
 *    The factor 0.612 is fitted to the control ORR alone (bisection over simulated MONET1
 *    trials, 100 replicates of 1090 twins); the control median OS then becomes 11.6 months
 *    (a prediction, within the published precision). The ORR fitted is that of target-lesion
 *    shrinkage; RECIST responses also fail on new or non-target lesions, not modelled here.
 * Not modelled, and what that costs (held-out check on ECOG 4599, protocols/oncology_e4599.yaml):
 * RECIST progression by non-target or new lesions, and a drug's effect on it. E4599 progressed
 * at the week-8 assessment in 31% (carboplatin/paclitaxel) and 14% (with bevacizumab) of the
 * patients assessed (Claret et al. 2014 J Clin Pharmacol 54:253, Table 1); the target lesions
 * here grow 20% by week 6 in about 9% and 6%, so bevacizumab's PFS hazard ratio (0.66) is not
 * reproduced (0.99). Progression-free survival's control medians are reached only because the
 * additive residual error crosses +20% of small nadirs: without it (sd_residual 0.001) the
 * control median PFS is 7.5 months in E4599 (published 4.5) and 7.9 in MONET1 (5.4). A hazard
 * of new or non-target progression is not added. It would need a published estimate in
 * first-line NSCLC on a platinum doublet, with bevacizumab's effect on it, estimated jointly
 * with a target-lesion model and that model's residual error on lesion-level RECIST data:
 * the residual error here already makes part of the early progression, so a hazard
 * estimated beside another error model would count it twice. E4599 says what it must give
 * (arithmetic on the figures above, not a parameter): progression other than by the
 * simulated target lesions in (0.309 - 0.093) / (1 - 0.093) = 24% of the PC patients
 * assessed at week 8 and 9% under BPC, constant hazards of 0.034 and 0.012 a week, ratio
 * 0.35. None found applies: Zecchin et al. 2016 (Br J Clin Pharmacol 82:717) modelled the
 * appearance of new lesions in recurrent ovarian cancer on carboplatin +/- gemcitabine,
 * beside an SLD model with an 18.4 mm additive error; Schindler et al. 2016 (CPT
 * Pharmacometrics Syst Pharmacol 5:173, GIST), Chan et al. 2021 (ibid. 10:1171,
 * atezolizumab) and Struemper et al. 2025 (ibid. 14:1006, NSCLC) link tumour size to
 * overall survival (and dropout) only.
 * Overall survival is the published log-normal AFT, unchanged:
 *   TTG_i  = ln(m KDE_i / KL_i) / lambda_i  (days; 0 when m KDE_i <= KL_i: no shrinkage)
 *   log T  = 1.079 - 0.00197 BASE_i + 0.977 ln(TTG_i + 100) + 0.319 Asian
 *            - 0.264 ever_smoker + sigma eps,   sigma = exp(-0.24) = 0.787
 * TTG is the metric of the published (exponential) tumour model, as in the fit; the plateau
 * only changes sizes long after TTG. BASE_i = BASE exp(eta_0), KL_i = KL exp(eta_1),
 * KDE_i = KDE exp(eta_2), lambda_i = lambda exp(eta_3) (independent normal eta), m the arm's
 * kill_multiplier. The drug acts on OS only through the tumour (TTG), as in Claret's model.
 * Typical patient: TTG = 91.9 days, median OS exp(6.0376) = 418.9 days (13.8 months; never-
 * smoker, non-Asian). T is in days: with the published KDE the typical median is 473 days
 * (15.5 months); T in weeks would give 9 years.
 *
 * Death is terminal and always happens: `events` reports the exact time whatever t_end is,
 * consuming exactly one standard normal eps from the event stream (re-seeded identically for
 * every arm: common random numbers). condition(): eta_BASE is the linearized posterior mean
 * given the observed baseline y0 (clamped to >= 1 mm):
 *   eta_0 = w ln(y0 / BASE),  w = omega^2 / (omega^2 + (sigma_res / y0)^2),
 * limited to the truncation interval; the other etas have mean 0.
 * Invariants: 0 <= TS <= K (< K but for rounding), finite, for any random effect and arm;
 * readings in [0, K].
 * No allocation.
 *
 * Regimens that switch (mean_regimen, events_regimen): the kill multiplier m_j of segment j
 * acts from its start s_j on the single kill term of the source, m(t) KDE_i e^{-lambda_i t}:
 * resistance develops from the start of first-line treatment whatever is added to it or
 * escalated (the source has one kill term and one resistance clock, and the arm effect
 * here multiplies that term), and a discontinuation (m = 0) stops the kill, the
 * tumour regrowing on its Gompertz course. Since the log size is linear in the kill,
 *   u(t) = u0 e^{-a t} - KDE_i sum_j m_j [e^{-a(t - q_j)} I(q_j) - e^{-a(t - p_j)} I(p_j)],
 * I(x) = tt_exp_integral(a, lambda, x), over each segment's part [p_j, q_j] of (0, t]: exact
 * and continuous. A new line of treatment after progression (a resistance clock of its
 * own) is outside the model. Death: the AFT maps a tumour course to a log-normal survival
 * S_j, here for the course of the regimen so far held on (its TTG: the end of the last
 * interval over which the exponential model's tumour shrinks, m(t) KDE_i e^{-lambda t} >
 * KL_i; for one segment the published TTG). The twin's survival is composed over the
 * segments as for a time-varying covariate, S(t) = S(s_j) S_j(t) / S_j(s_j) in segment j
 * (cumulative hazards adding up: Austin PC 2012 Stat Med 31:3946), and death falls where
 * S(T) = Phi(-eps), the same normal eps: a death before a switch is exactly the
 * unswitched one, and a switch to the same regimen changes nothing (to rounding).
 *
 * Before randomisation (t < 0, a patient's history): no kill, whatever the arm; the
 * Gompertz natural course u(t) = u0 e^{-a t}, which meets the treated course at t = 0.
 * Personalisation: log_density is observe()'s reading, y = min(max(TS + sd z, 0), K): the
 * normal density inside (0, K) and the clipped masses at the bounds, log Phi(-TS/sd) at
 * y = 0 (a complete response reads 0) and log Phi((TS - K)/sd) at y = K; a reading
 * outside [0, K] is impossible. Censored (M3, below a limit L): log P(Y < L) =
 * log Phi((L - TS)/sd) for 0 < L <= K (the mass at 0 included), 0 above K. omega: the
 * independent normals of draw_latent, the baseline's untruncated variance sd_base^2 with
 * its truncation +-base_trunc sd_base as lo/hi.
 */
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>
#include "exp_integral.h"

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
  P_TS_MAX,
  P_BASE_TRUNC,
  NPARAM
};
enum { E_KILL, NEFFECT };
enum { C_ASIAN, C_SMOKER, NCOV };
enum { L_BASE, L_KL, L_KDE, L_LAMBDA, NLATENT };
enum { V_DEATH, NEVENT };

#define Y0_MIN 1.0 /* mm, floor of the observed baseline in condition() */

static const TTParamInfo params[NPARAM] = {
    {"base", "mm", 90.0, "typical baseline tumour size (SLD); log-normal BSV, SD sd_base, truncated",
     TT_DOMAIN_POSITIVE},
    {"kl", "1/day", 0.00107, "tumour growth rate constant KL at baseline; log-normal BSV, SD sd_kl",
     TT_DOMAIN_POSITIVE},
    {"kde", "1/day", 0.0063,
     "kill rate KDE of carboplatin/paclitaxel: Claret's 0.0103 x 0.612, re-estimated from MONET1's control ORR; BSV SD "
     "sd_kde",
     TT_DOMAIN_POSITIVE},
    {"lambda", "1/day", 0.0193, "resistance (decay of the kill) rate constant; log-normal BSV, SD sd_lambda",
     TT_DOMAIN_POSITIVE},
    {"sd_base", "log", 0.683, "between-subject SD of log BASE (Claret 2014)", TT_DOMAIN_NONNEGATIVE},
    {"sd_kl", "log", 1.18, "between-subject SD of log KL (Claret 2014)", TT_DOMAIN_NONNEGATIVE},
    {"sd_kde", "log", 0.679, "between-subject SD of log KDE (Claret 2014)", TT_DOMAIN_NONNEGATIVE},
    {"sd_lambda", "log", 0.797, "between-subject SD of log lambda (Claret 2014)", TT_DOMAIN_NONNEGATIVE},
    {"sd_residual", "mm", 7.849, "additive residual SD of the measured size (reading clipped to [0, ts_max])",
     TT_DOMAIN_NONNEGATIVE},
    {"os_intercept", "log day", 1.079, "OS log-normal AFT intercept", TT_DOMAIN_REAL},
    {"os_base", "log day/mm", -0.00197, "OS AFT coefficient of the individual baseline size BASE_i", TT_DOMAIN_REAL},
    {"os_ttg", "1", 0.977, "OS AFT coefficient of ln(TTG_i + offset), TTG in days", TT_DOMAIN_REAL},
    {"os_ttg_offset", "day", 100.0, "offset added to TTG inside the logarithm", TT_DOMAIN_POSITIVE},
    {"os_asian", "log day", 0.319, "OS AFT shift for Asian patients (longer survival)", TT_DOMAIN_REAL},
    {"os_smoker", "log day", -0.264, "OS AFT shift for ever-smokers (shorter survival)", TT_DOMAIN_REAL},
    {"os_log_sigma", "log", -0.24, "log of the AFT scale sigma (sigma = 0.787): within-patient OS variability",
     TT_DOMAIN_REAL},
    {"ts_max", "mm", 575.9,
     "Gompertz plateau K: 10 RECIST 1.0 target lesions sharing a lethal 1-kg burden (Friberg & Mattson 1997)",
     TT_DOMAIN_POSITIVE},
    {"base_trunc", "SD", 2.0, "log BASE random effect truncated at +-base_trunc SD (BASE_i in [23.0, 352.8] mm)",
     TT_DOMAIN_POSITIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"kill_multiplier", "ratio", 1.0,
     "multiplies KDE (1 = carboplatin/paclitaxel); >1 a stronger kill, lengthens TTG and OS", TT_DOMAIN_NONNEGATIVE},
};

/* Calibration interval (illustrative bound). */
static const TTRangeInfo effect_ranges[NEFFECT] = {
    {0.1, 100.0, "a tenth to a hundred times the carboplatin/paclitaxel kill rate"},
};

static const char *const    covariates[NCOV]   = {"asian", "ever_smoker"};
static const TTVariableInfo variables[]        = {{"tumour_size", "mm"}};
static const TTEventInfo    event_info[NEVENT] = {{"death", 0, 1}};
static const TTRangeInfo    ranges[]           = {
                 {0.0, 600.0,
                  "0 to the Gompertz plateau 575.9 mm (rounded up): 10 RECIST 1.0 target lesions (Therasse 2000 J Natl "
                               "Cancer Inst 92:205) sharing a lethal 1-kg tumour burden (Friberg & Mattson 1997 J Surg Oncol 65:284)"},
};

typedef struct {
  double base, kl, kde, lambda; /* individual; kde includes the arm's multiplier */
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

/* Time to tumour growth (days) of the published exponential model: KL = KDE exp(-lambda t). */
static double Ttg(const Indiv *p)
{
  return p->kde > p->kl ? log(p->kde / p->kl) / p->lambda : 0.0;
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  double c      = par[P_BASE_TRUNC];
  eta[L_BASE]   = tt_rng_truncnormal(rng, 0.0, par[P_SD_BASE], -c * par[P_SD_BASE], c * par[P_SD_BASE]);
  eta[L_KL]     = par[P_SD_KL] * tt_rng_normal(rng);
  eta[L_KDE]    = par[P_SD_KDE] * tt_rng_normal(rng);
  eta[L_LAMBDA] = par[P_SD_LAMBDA] * tt_rng_normal(rng);
}

/* TS(t) = K exp(u(t)), Gompertz in log size with the published initial growth rate. */
static void mean(const double *par, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  Indiv  p = Individual(par, eta, eff);
  double K = par[P_TS_MAX], u0 = log(fmin(p.base, K) / K);
  double a = u0 < 0.0 ? p.kl / -u0 : INFINITY;
  double u = isfinite(a) ? u0 * exp(-a * t) - (t < 0.0 ? 0.0 : p.kde * tt_exp_integral(a, p.lambda, t)) : 0.0;
  (void) cov;
  y[0] = K * exp(fmin(u, 0.0));
}

/* One normal: y + sd z, clipped to the physical range [0, ts_max]. */
static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  yobs[0] = fmin(fmax(ymean[0] + par[P_SD_RES] * tt_rng_normal(rng), 0.0), par[P_TS_MAX]);
}

static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  double y0 = fmax(yobs0[0], Y0_MIN), om2 = par[P_SD_BASE] * par[P_SD_BASE], re = par[P_SD_RES] / y0;
  double c = par[P_BASE_TRUNC] * par[P_SD_BASE];
  (void) cov;
  eta[L_BASE] = fmin(fmax(om2 / (om2 + re * re) * log(y0 / par[P_BASE]), -c), c);
  eta[L_KL] = eta[L_KDE] = eta[L_LAMBDA] = 0.0;
}

/* The AFT's location mu given TTG. */
static double OsLocation(const double *par, const double *cov, const Indiv *p, double ttg)
{
  return par[P_OS_INT] + par[P_OS_BASE] * p->base + par[P_OS_TTG] * log(ttg + par[P_OS_TTG_OFFSET]) +
         par[P_OS_ASIAN] * (cov[C_ASIAN] > 0.5) + par[P_OS_SMOKER] * (cov[C_SMOKER] > 0.5);
}

/* Death time by the log-normal AFT; one normal from rng. Exact time, even past t_end. */
static void events(const double *par, const double *cov, const double *eta, const double *eff, double t_end,
                   tt_pcg32 *rng, double *times)
{
  Indiv  p   = Individual(par, eta, eff);
  double eps = tt_rng_normal(rng);
  (void) t_end;
  times[V_DEATH * TT_MAX_EVENT_TIMES] = exp(OsLocation(par, cov, &p, Ttg(&p)) + exp(par[P_OS_LOG_SIGMA]) * eps);
  for (int j = 1; j < TT_MAX_EVENT_TIMES; j++) times[V_DEATH * TT_MAX_EVENT_TIMES + j] = INFINITY;
}

/* ---- regimens that switch (see the file comment) ---- */

/* u(t) at t > reg->start[1]: the kill of segment j integrated over its part of (0, t]. */
static double SwitchedLogSize(const double *par, const double *eta, const TTRegimen *reg, double t)
{
  Indiv  p = Individual(par, eta, reg->eff);
  double K = par[P_TS_MAX], u0 = log(fmin(p.base, K) / K), a = u0 < 0.0 ? p.kl / -u0 : INFINITY;
  double kde = par[P_KDE] * exp(eta[L_KDE]), u;
  if (!isfinite(a)) return 0.0;
  u = u0 * exp(-a * t);
  for (int j = 0; j < reg->n && reg->start[j] < t; j++) {
    double lo = reg->start[j], hi = j + 1 < reg->n && reg->start[j + 1] < t ? reg->start[j + 1] : t;
    double in =
        exp(-a * (t - hi)) * tt_exp_integral(a, p.lambda, hi) - exp(-a * (t - lo)) * tt_exp_integral(a, p.lambda, lo);
    u -= reg->eff[j * NEFFECT + E_KILL] * kde * in;
  }
  return u;
}

static void mean_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int nt,
                         const double *t, double *y)
{
  for (int i = 0; i < nt; i++)
    if (reg->n < 2 || t[i] <= reg->start[1])
      mean(par, cov, eta, reg->eff, t[i], y + i);
    else
      y[i] = par[P_TS_MAX] * exp(fmin(SwitchedLogSize(par, eta, reg, t[i]), 0.0));
}

/* TTG of the regimen's segments 0..last, the last held on: when the published exponential
 * model's tumour stops shrinking for good (the end of the last interval with
 * m(t) KDE e^{-lambda t} > KL); for one segment Ttg(). */
static double TtgRegimen(const double *par, const double *eta, const TTRegimen *reg, int last)
{
  double ttg = 0.0;
  for (int j = 0; j <= last; j++) {
    Indiv  p   = Individual(par, eta, reg->eff + j * NEFFECT);
    double end = j < last ? reg->start[j + 1] : INFINITY, stop;
    if (!(p.kde > p.kl)) continue;
    stop = fmin(Ttg(&p), end);
    if (stop > reg->start[j]) ttg = fmax(ttg, stop);
  }
  return ttg;
}

/* Death under reg from the same normal eps as `events`: survival composed over the
 * segments, S(t) = S(s_j) S_j(t) / S_j(s_j) in segment j, S_j the AFT's log-normal survival
 * with the TTG of the regimen so far held on; death where S(T) = Phi(-eps). Before the
 * first switch exactly `events`' time. */
static void events_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, double t_end,
                           tt_pcg32 *rng, double *times)
{
  Indiv  p   = Individual(par, eta, reg->eff);
  double eps = tt_rng_normal(rng), sigma = exp(par[P_OS_LOG_SIGMA]);
  double death = exp(OsLocation(par, cov, &p, Ttg(&p)) + sigma * eps);
  double log_u = tt_stats_lpnorm(-eps), log_s = 0.0; /* log S at death; log S at the segment's start */
  (void) t_end;
  for (int j = 1; j < reg->n && death > reg->start[j]; j++) {
    double mu_prev = OsLocation(par, cov, &p, TtgRegimen(par, eta, reg, j - 1));
    double mu = OsLocation(par, cov, &p, TtgRegimen(par, eta, reg, j)), ls = log(reg->start[j]), target;
    log_s += tt_stats_lpnorm(-(ls - mu_prev) / sigma) -
             (j > 1 ? tt_stats_lpnorm(-(log(reg->start[j - 1]) - mu_prev) / sigma) : 0.0);
    target = log_u - log_s + tt_stats_lpnorm(-(ls - mu) / sigma);
    death  = target < -745.0 ? INFINITY : exp(mu - sigma * tt_stats_qnorm(exp(target)));
    death  = fmax(death, reg->start[j]); /* rounding at the boundary */
  }
  times[V_DEATH * TT_MAX_EVENT_TIMES] = death;
  for (int j = 1; j < TT_MAX_EVENT_TIMES; j++) times[V_DEATH * TT_MAX_EVENT_TIMES + j] = INFINITY;
}

/* Log density (mass at a clipping bound) of a tumour-size reading given its model value;
 * below: log P(Y < value). */
static double TumourLogDensity(const double *par, int k, const TTObservation *o)
{
  double m = o->mean, v = o->value, sd = par[P_SD_RES], K = par[P_TS_MAX];
  if (k != 0 || isnan(m) || isnan(v)) return NAN;
  if (o->below) return !(v > 0.0) ? -INFINITY : v > K ? 0.0 : tt_stats_lpnorm((v - m) / sd);
  if (!(v >= 0.0 && v <= K)) return -INFINITY;
  if (v == 0.0) return tt_stats_lpnorm(-m / sd);
  if (v == K) return tt_stats_lpnorm((m - K) / sd);
  return tt_stats_ldnorm(v, m, sd);
}

/* Independent normals; the baseline's truncation as bounds. */
static void TumourOmega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  static const int sd[] = {P_SD_BASE, P_SD_KL, P_SD_KDE, P_SD_LAMBDA};
  _Static_assert(sizeof sd / sizeof sd[0] == NLATENT, "one variance per random effect");
  (void) cov;
  for (int i = 0; i < NLATENT; i++) {
    for (int j = 0; j < NLATENT; j++) om[i * NLATENT + j] = i == j ? par[sd[i]] * par[sd[i]] : 0.0;
    lo[i] = -INFINITY, hi[i] = INFINITY;
  }
  lo[L_BASE] = -par[P_BASE_TRUNC] * par[P_SD_BASE];
  hi[L_BASE] = par[P_BASE_TRUNC] * par[P_SD_BASE];
}

static const char *const latent_names[NLATENT] = {"eta_baseline", "eta_growth", "eta_kill", "eta_resistance"};

const TTModelType tt_model_oncology_tgi_os = {
    .name           = "oncology_tgi_os",
    .description    = "NSCLC tumour size (SLD) growth inhibition with resistance and a Gompertz plateau, kill-rate "
                      "arm effect, and overall survival by a log-normal AFT on baseline size and time to tumour growth",
    .reference      = "Claret et al. 2014 Clin Pharmacol Ther 95:446",
    .time_unit_days = 1.0,
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
    .log_density    = TumourLogDensity,
    .omega          = TumourOmega,
    .latent         = latent_names,
    .mean_regimen   = mean_regimen,
    .events_regimen = events_regimen,
};
