/* t2d_hba1c.c — type 2 diabetes: weight, insulin sensitivity, beta-cell function,
 * fasting glucose/insulin and HbA1c (the WHIG model), with drug and lifestyle arms.
 *
 * Sources: Choy S, Kjellsson MC, Karlsson MO, de Winter W (2016) CPT Pharmacometrics
 * Syst Pharmacol 5:11-19, "Weight-HbA1c-Insulin-Glucose model for describing disease
 * progression of type 2 diabetes" (Table 1), extending de Winter W et al. (2006)
 * J Pharmacokinet Pharmacodyn 33:313-343. Time in days; "per year" rates use 365.25 days.
 *
 *   IS(t)  = 1/(1 + exp(is0 + eta_is)) * max(1 - 0.0514 dW, 0.05) * (1 + S(t))
 *   B(t)   = 1/(1 + exp(b0 + eta_b + D(t))) * (1 + G(t))
 *   D'     = (rb + eta_rb)/365.25 * (1 - P(t))            beta-cell decline (logit)
 *   dW'    = ln2/t_half_w * (W(t) - dW)                   weight change (kg)
 *   FPG    = [3.5 + sqrt(3.5^2 + 4 q)]/2, q = 35.1/(7.8 IS B)   (quasi steady state)
 *   FSI    = 7.8 B (FPG - 3.5)
 *   A1'    = kin FPG + ppg - k A1,  A2' = k (A1 - A2),  A3' = k (A2 - A3),  k = 3/MTT
 *   HbA1c  = A1 + A2 + A3       (steady state: MTT (kin FPG + ppg); Choy Eq. 13)
 *   weight = the twin's baseline weight (cohort covariate `weight`, kg) + dW
 * The decline is a state, so a time-varying protection P(t) changes the integral
 * of rb exactly: B(t) = 1/(1 + exp(b0 + eta_b + integral of rb_i(s) ds)).
 * Regimens that switch (rhs_regimen, output_regimen): the onset E (1 - exp(-ln2 t /
 * t_half)) is a first-order approach to the effect after a start (the sensitizer's
 * half-life is the turnover of FPG under pioglitazone, Stringer 2015), and a turnover
 * moves first order toward each new level. So after a switch at s_j each effect X moves
 * from the value it has reached toward the new segment's value E_j with that segment's
 * half-life, X(t) = E_j + (X(s_j) - E_j) exp(-ln2 (t - s_j) / t_half_j): an add-on or an
 * escalation has its own onset from the switch, a discontinuation (E_j = 0) washes out
 * with the same half-life, and X is continuous (an immediate effect, t_half <= 0, jumps).
 * The beta-cell decline, the weight change and the HbA1c chain are states and carry
 * their history through the switch.
 * Exact sensitivities (rhs_sens, rhs_sens_regimen; personalisation's gradients): the chain
 * rule through the quasi steady state: with the logistic terms L_is = 1/(1 + exp(is0 +
 * eta_is)) and L_b = 1/(1 + exp(b0 + eta_b + D)), d log IS = -(1 - L_is) d eta_is - 0.0514
 * d(dW) / (1 - 0.0514 dW) (no dW term at the weight factor's floor), d log B = -(1 - L_b)
 * (d eta_b + dD), d FPG = -q / sqrt(3.5^2 + 4 q) d log(IS B), d D' / d eta_rb = (1 - P) /
 * 365.25; the rest is linear. No parameter changes: derivatives of the equations above
 * (tests/unit/test_model_sens.c checks them against differences of rhs).
 * Batches (rhs_many): cases in a row under the same arm share the onsets, and with the same
 * eta_is the logistic IS term, computed once; the values are bit for bit rhs's.
 * Arm effects S (sensitizer), G (secretagogue), P (protection), W (weight target)
 * follow E (1 - exp(-ln2 t / t_half)); t_half <= 0 means the full effect from t = 0
 * (for S and G the visit at t = 0 then already shows it). The weight target's own
 * onset is physiological: dW approaches W with the 96.9-day half-life.
 *
 * Changes from the published model, and why:
 * 1. Residual error. Choy 2016 Table 1 gives 0.00919 (weight), 0.262 (FSI), 0.0688
 *    (FPG), 0.0241 (HbA1c) for the proportional (log-scale) residuals. Read as
 *    variances they imply CVs of 9.6 %, 51 %, 26 % and 15.5 %: a 10 kg SD on a 104 kg
 *    weighing, and an HbA1c CV five to ten times the within-subject biological plus
 *    analytical variation (HbA1c CVi 1.2-1.7 %, fasting glucose CVi ~5 % in healthy
 *    subjects: Carlsen S et al. 2011 Clin Chem Lab Med 49:1501; HbA1c CVi 1.7 %, glucose
 *    4.2 %: other EFLM-type studies summarised by Gough A et al. 2023 PLoS One
 *    18:e0289085), and incompatible with Choy's own observed baseline ranges
 *    (HbA1c 5.3-9.1 %, FPG 5.0-14.2 mmol/L in 181 patients). Read as SDs they give
 *    CVs of 0.9 % (weight), 26 % (FSI; insulin CVi ~20-25 %), 6.9 % (FPG) and 2.4 %
 *    (HbA1c), which match those data. The model therefore uses the Table 1 values as
 *    the SDs of log y: resvar_X = (Table 1 value)^2.
 * 2. Baseline weight is the twin's own (cohort covariate `weight`), not Choy's
 *    population median of 104 kg for every twin; weight_baseline is used only when no
 *    covariate is given (unit tests). As in Choy 2016, insulin sensitivity depends on
 *    the weight CHANGE (EFS = 1 - 0.0514 dW), not on baseline weight (Choy estimated no
 *    baseline-weight covariate on is0), so baseline BMI does not change glycaemia.
 * 3. Entry criteria instead of truncating the random effects: b0's between-subject SD
 *    of 1.4 logit (Table 1, normal on the logit scale) spans newly diagnosed to
 *    insulin-deficient patients (untreated HbA1c 4.5-20 %). Real trials enrol on
 *    observed HbA1c; the T2D cohorts screen on it (`include: "hba1c >= 7 and ..."`),
 *    which removes the tails that drove FPG up as B -> 0 (FPG diverges like
 *    sqrt(35.1/(7.8 IS B))). With the screen, one year of untreated decline keeps FPG
 *    below 25 mmol/L over 10^5 twins; horizons beyond ~1 year from an HbA1c-screened
 *    baseline are outside the 67-week data Choy fitted and are not shipped.
 * Not modelled (Choy): the run-in placebo and diet effects on weight, the transient
 * EFB beta-cell effect, IIV on baseline weight effect size (scaleefs) and on ppg,
 * scaleppg, and the eta correlations of Choy's Appendix S2 (not published in the text).
 *
 * Invariants: the state starts at the untreated steady state (dW = 0, D = 0, the
 * HbA1c chain at rest for the baseline FPG), so with rb_i = 0 and no effects every
 * output is constant; IS, B > 0 so FPG > 3.5 and FSI > 0. Callbacks allocate nothing.
 *
 * Before randomisation (t < 0, a patient's history): every arm effect is 0 (Onset), so
 * from `initial` at the earliest observation the state follows the untreated course, the
 * beta-cell decline included. Personalisation: log_density is observe()'s log-normal for
 * every variable, log y ~ N(log mean, resvar_X), i.e. R's dlnorm(y, log mean, sd); a
 * value <= 0 is impossible; censored (M3, below a limit L): log Phi((log L - log mean)/sd);
 * normal on the log scale with a constant variance, so gauss_newton = 1.
 * omega: the independent normals of draw_latent, diag(sd_is0^2, sd_b0^2, sd_rb^2),
 * no truncation.
 */
#include <math.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>

enum {
  P_IS0,
  P_B0,
  P_RB,
  P_SD_IS0,
  P_SD_B0,
  P_SD_RB,
  P_WT_IS,
  P_KIN,
  P_PPG,
  P_MTT,
  P_WT0,
  P_WT_THALF,
  P_RV_FPG,
  P_RV_FSI,
  P_RV_HBA1C,
  P_RV_WT,
  NPARAM
};
enum { E_SENS, E_SENS_TH, E_SECR, E_SECR_TH, E_PROT, E_PROT_TH, E_WT, E_WT_TH, NEFFECT };
enum { L_IS, L_B, L_RB, NLATENT };
enum { U_DECLINE, U_DWT, U_A1, U_A2, U_A3, NSTATE };
enum { Y_HBA1C, Y_FPG, Y_FSI, Y_WT, NVAR };

#define LN2            0.69314718055994530942
#define DAYS_PER_YEAR  365.25
#define HOMA_FSI_GAIN  7.8  /* uU/mL per mmol/L: FSI at normal B (HOMA2, Wallace 2004) */
#define HOMA_FPG_FSI   35.1 /* mmol/L x uU/mL: 4.5 x 7.8, normal FPG x FSI */
#define HOMA_FPG_FLOOR 3.5  /* mmol/L: FPG below which insulin is not secreted */
#define IS_WEIGHT_MIN  0.05 /* weight factor floor (reached only by > 18 kg gain) */

static const TTParamInfo params[NPARAM] = {
    {"is0", "logit", 1.1, "baseline insulin sensitivity, IS = 1/(1+exp(is0)) (25% of normal); normal BSV, SD sd_is0",
     TT_DOMAIN_REAL},
    {"b0", "logit", -0.446, "baseline beta-cell function, B = 1/(1+exp(b0)) (61% of normal); normal BSV, SD sd_b0",
     TT_DOMAIN_REAL},
    {"rb", "logit/year", 0.209, "beta-cell decline rate (disease progression); normal BSV, SD sd_rb", TT_DOMAIN_REAL},
    {"sd_is0", "logit", 0.305, "between-subject SD of is0 (Choy 2016 Table 1)", TT_DOMAIN_NONNEGATIVE},
    {"sd_b0", "logit", 1.4, "between-subject SD of b0 (Choy 2016 Table 1)", TT_DOMAIN_NONNEGATIVE},
    {"sd_rb", "logit/year", 0.21, "between-subject SD of rb (Choy 2016 Table 1)", TT_DOMAIN_NONNEGATIVE},
    {"weight_on_is", "1/kg", 0.0514, "IS x (1 - k dW): weight loss raises insulin sensitivity", TT_DOMAIN_REAL},
    {"hba1c_kin", "%/day per mmol/L", 0.0129, "HbA1c production per unit FPG", TT_DOMAIN_NONNEGATIVE},
    {"hba1c_ppg", "%/day", 0.0709, "HbA1c production independent of FPG (postprandial glucose)", TT_DOMAIN_NONNEGATIVE},
    {"hba1c_mtt", "day", 38.9, "mean transit time of the three-compartment HbA1c chain", TT_DOMAIN_POSITIVE},
    {"weight_baseline", "kg", 104.0, "baseline weight when no cohort weight is given (Choy 2016 median)",
     TT_DOMAIN_POSITIVE},
    {"weight_half_life", "day", 96.9, "half-life of weight change toward the lifestyle target", TT_DOMAIN_POSITIVE},
    {"resvar_fpg", "1", 0.0688 * 0.0688, "variance of log FPG: Choy 2016 Table 1 value 0.0688 read as the SD (6.9% CV)",
     TT_DOMAIN_NONNEGATIVE},
    {"resvar_fsi", "1", 0.262 * 0.262, "variance of log FSI: Choy 2016 Table 1 value 0.262 read as the SD (26% CV)",
     TT_DOMAIN_NONNEGATIVE},
    {"resvar_hba1c", "1", 0.0241 * 0.0241,
     "variance of log HbA1c: Choy 2016 Table 1 value 0.0241 read as the SD (2.4% CV)", TT_DOMAIN_NONNEGATIVE},
    {"resvar_weight", "1", 0.00919 * 0.00919,
     "variance of log weight: Choy 2016 Table 1 value 0.00919 read as the SD (0.9% CV)", TT_DOMAIN_NONNEGATIVE},
};

static const TTParamInfo effects[NEFFECT] = {
    {"sensitizer_fraction", "1", 0.0, "insulin sensitizer: fractional increase of IS, IS x (1 + E)",
     TT_DOMAIN_ABOVE_MINUS1},
    {"sensitizer_onset_days", "day", 77.9,
     "onset half-life of the sensitizer (ln2/0.0089: FPG turnover under pioglitazone, Stringer 2015)",
     TT_DOMAIN_NONNEGATIVE},
    {"secretagogue_fraction", "1", 0.0, "secretagogue: fractional increase of beta-cell function, B x (1 + E)",
     TT_DOMAIN_ABOVE_MINUS1},
    {"secretagogue_onset_days", "day", 7.0, "onset half-life of the secretagogue (illustrative)",
     TT_DOMAIN_NONNEGATIVE},
    {"protection_fraction", "1", 0.0, "beta-cell protection: fractional reduction of the decline rate, rb x (1 - E)",
     TT_DOMAIN_REAL},
    {"protection_onset_days", "day", 0.0, "onset half-life of the protection (0: from randomization)",
     TT_DOMAIN_NONNEGATIVE},
    {"weight_change_kg", "kg", 0.0, "lifestyle weight-change target (negative = loss), reached with weight_half_life",
     TT_DOMAIN_REAL},
    {"weight_change_onset_days", "day", 0.0, "onset half-life of the target itself (0: set at randomization)",
     TT_DOMAIN_NONNEGATIVE},
};

/* Calibration intervals (illustrative bounds); onsets have none. */
static const TTRangeInfo effect_ranges[NEFFECT] = {
    {-0.5, 3.0, "insulin sensitivity halved to quadrupled"},     {0.0, 0.0, "none"},
    {-0.5, 3.0, "beta-cell function halved to quadrupled"},      {0.0, 0.0, "none"},
    {-1.0, 1.0, "beta-cell decline doubled (-1) to halted (1)"}, {0.0, 0.0, "none"},
    {-30.0, 30.0, "weight change of 30 kg either way"},          {0.0, 0.0, "none"},
};

static const TTVariableInfo variables[NVAR] = {{"hba1c", "%"}, {"fpg", "mmol/L"}, {"fsi", "uU/mL"}, {"weight", "kg"}};

/* What a clinician accepts for any simulated value, observed or counterfactual. */
static const TTRangeInfo ranges[NVAR] = {
    {4.0, 16.0,
     "HbA1c 4-16 %: 4 % is the low end of the non-diabetic reference interval (ADA Standards of Care, "
     "Diabetes Care 2023 46:S19); above ~14 % is exceptional even in untreated T2D (clinical acceptance limit)"},
    {3.0, 30.0,
     "FPG 3-30 mmol/L: below 3.9 is level-1 hypoglycaemia (ADA 2023); 33.3 mmol/L (600 mg/dL) defines the "
     "hyperosmolar hyperglycaemic state (Kitabchi AE et al. 2009 Diabetes Care 32:1335)"},
    {1.0, 200.0,
     "FSI 1-200 uU/mL: Choy 2016 baseline range 3.3-79.5 uU/mL widened by the 26 % assay-plus-biological CV; "
     "higher fasting insulin belongs to syndromes of severe insulin resistance"},
    {35.0, 250.0, "weight 35-250 kg: adults of trial BMI 18.5-45 kg/m2 and height 1.40-2.10 m, plus treatment change"},
};
static const char *const covariates[] = {"weight"};

/* Arm effect at time t >= 0: e (1 - exp(-ln2 t / t_half)), or e throughout if t_half <= 0;
 * none before randomisation (t < 0). An absent effect (e == 0) is e itself, the value the
 * product would give (a zero of e's sign), without the exp: most arms set one effect of
 * four, and the right-hand side runs at every stage of every step. */
static double Onset(double e, double t_half, double t)
{
  if (t < 0.0) return 0.0;
  return t_half > 0.0 && e != 0.0 ? e * (1.0 - exp(-LN2 * t / t_half)) : e;
}

static double InvLogit(double x)
{
  return 1.0 / (1.0 + exp(x));
}

/* Quasi-steady-state FPG (mmol/L) and FSI (uU/mL) from IS and B; d FPG / d log(IS B) =
 * -q / sqrt(3.5^2 + 4 q) into *dfpg when it is not NULL (the sensitivities' chain rule). */
static void Homeostasis(double is, double b, double *fpg, double *fsi, double *dfpg)
{
  double q = HOMA_FPG_FSI / (HOMA_FSI_GAIN * is * b), r = sqrt(HOMA_FPG_FLOOR * HOMA_FPG_FLOOR + 4.0 * q);
  *fpg = 0.5 * (HOMA_FPG_FLOOR + r);
  *fsi = HOMA_FSI_GAIN * b * (*fpg - HOMA_FPG_FLOOR);
  if (dfpg) *dfpg = -q / r;
}

/* The four arm effects acting at one time: S, G, P and the weight target W. */
typedef struct {
  double sens, secr, prot, wt;
} Acting;

/* Under constant effects eff, at time t. */
static Acting ActingAt(const double *eff, double t)
{
  Acting x = {Onset(eff[E_SENS], eff[E_SENS_TH], t), Onset(eff[E_SECR], eff[E_SECR_TH], t),
              Onset(eff[E_PROT], eff[E_PROT_TH], t), Onset(eff[E_WT], eff[E_WT_TH], t)};
  return x;
}

/* Effect e (onset half-life th) at time t in segment seg >= 1 of reg: the first segment's
 * onset up to the first switch, then in each segment a first-order approach from the value
 * reached toward that segment's value with its half-life (immediate when <= 0). A segment
 * that starts at its own value (an effect absent before and after a switch) skips the exp:
 * (x - f) * 1 is the signed zero (x - f) * exp(.) gives, so the values are bit for bit the
 * same. */
static double OnsetRegimen(const TTRegimen *reg, int seg, int e, int th, double t)
{
  double x = Onset(reg->eff[e], reg->eff[th], reg->start[1]);
  for (int j = 1; j <= seg; j++) {
    const double *f  = reg->eff + j * NEFFECT;
    double        dt = (j < seg ? reg->start[j + 1] : t) - reg->start[j];
    x                = f[th] > 0.0 ? f[e] + (x - f[e]) * (x != f[e] ? exp(-LN2 * dt / f[th]) : 1.0) : f[e];
  }
  return x;
}

static Acting ActingRegimen(const TTRegimen *reg, int seg, double t)
{
  Acting x = {OnsetRegimen(reg, seg, E_SENS, E_SENS_TH, t), OnsetRegimen(reg, seg, E_SECR, E_SECR_TH, t),
              OnsetRegimen(reg, seg, E_PROT, E_PROT_TH, t), OnsetRegimen(reg, seg, E_WT, E_WT_TH, t)};
  return x;
}

/* The derivatives of log IS and log B and of FPG that the sensitivities need (GlucoseFrom). */
typedef struct {
  double dlis_deta, dlis_ddw; /* d log IS / d eta_is, / d dW */
  double dlb;                 /* d log B / d eta_b = d log B / d D */
  double dfpg;                /* d FPG / d log(IS B) */
} GlucoseSlope;

/* FPG and FSI from the state (decline D, weight change dW), the acting effects and the
 * twin's InvLogit(is0 + eta_is) pis; the slopes into *z when z is not NULL (the same values
 * either way). d log InvLogit(x) / dx = -(1 - InvLogit(x)); the weight factor's floor is
 * flat. */
static void GlucoseFrom(const double *par, const double *eta, double pis, const Acting *x, const double *u, double *fpg,
                        double *fsi, GlucoseSlope *z)
{
  double w = 1.0 - par[P_WT_IS] * u[U_DWT], wfac = fmax(w, IS_WEIGHT_MIN);
  double pb = InvLogit(par[P_B0] + eta[L_B] + u[U_DECLINE]);
  double is = pis * wfac * (1.0 + x->sens);
  double b  = pb * (1.0 + x->secr);
  Homeostasis(is, b, fpg, fsi, z ? &z->dfpg : NULL);
  if (!z) return;
  z->dlis_deta = -(1.0 - pis);
  z->dlis_ddw  = w > IS_WEIGHT_MIN ? -par[P_WT_IS] / wfac : 0.0;
  z->dlb       = -(1.0 - pb);
}

static void Glucose(const double *par, const double *eta, const Acting *x, const double *u, double *fpg, double *fsi)
{
  GlucoseFrom(par, eta, InvLogit(par[P_IS0] + eta[L_IS]), x, u, fpg, fsi, NULL);
}

static void draw_latent(const double *par, tt_pcg32 *rng, double *eta)
{
  eta[L_IS] = par[P_SD_IS0] * tt_rng_normal(rng);
  eta[L_B]  = par[P_SD_B0] * tt_rng_normal(rng);
  eta[L_RB] = par[P_SD_RB] * tt_rng_normal(rng);
}

/* Untreated steady state: baseline is measured before the arm starts. */
static void initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  double fpg, fsi, a;
  (void) cov, (void) eff;
  Homeostasis(InvLogit(par[P_IS0] + eta[L_IS]), InvLogit(par[P_B0] + eta[L_B]), &fpg, &fsi, NULL);
  a             = (par[P_KIN] * fpg + par[P_PPG]) * par[P_MTT] / 3.0;
  u0[U_DECLINE] = 0.0;
  u0[U_DWT]     = 0.0;
  u0[U_A1] = u0[U_A2] = u0[U_A3] = a;
}

/* The right-hand side at FPG fpg (Rates, RatesSens). */
static void RatesAt(const double *par, const double *eta, const Acting *x, const double *u, double fpg, double *f)
{
  double k     = 3.0 / par[P_MTT];
  f[U_DECLINE] = (par[P_RB] + eta[L_RB]) / DAYS_PER_YEAR * (1.0 - x->prot);
  f[U_DWT]     = LN2 / par[P_WT_THALF] * (x->wt - u[U_DWT]);
  f[U_A1]      = par[P_KIN] * fpg + par[P_PPG] - k * u[U_A1];
  f[U_A2]      = k * (u[U_A1] - u[U_A2]);
  f[U_A3]      = k * (u[U_A2] - u[U_A3]);
}

static void Rates(const double *par, const double *eta, const Acting *x, const double *u, double *f)
{
  double fpg, fsi;
  Glucose(par, eta, x, u, &fpg, &fsi);
  RatesAt(par, eta, x, u, fpg, f);
}

/* Rates, and for each random effect l the sensitivity's right-hand side fs[l * NSTATE ..]
 * = (df/du) s_l + df/deta_l from s[l * NSTATE ..] = d u / d eta_l (exact: the chain rule
 * through the quasi steady state, GlucoseFrom). */
static void RatesSens(const double *par, const double *eta, const Acting *x, const double *u, const double *s,
                      double *f, double *fs)
{
  double       fpg, fsi, k = 3.0 / par[P_MTT], kw = LN2 / par[P_WT_THALF];
  GlucoseSlope z;
  GlucoseFrom(par, eta, InvLogit(par[P_IS0] + eta[L_IS]), x, u, &fpg, &fsi, &z);
  RatesAt(par, eta, x, u, fpg, f);
  for (int l = 0; l < NLATENT; l++) {
    const double *sl   = s + l * NSTATE;
    double       *gl   = fs + l * NSTATE;
    double        dlis = (l == L_IS ? z.dlis_deta : 0.0) + z.dlis_ddw * sl[U_DWT];
    double        dlb  = z.dlb * ((l == L_B ? 1.0 : 0.0) + sl[U_DECLINE]);
    gl[U_DECLINE]      = l == L_RB ? (1.0 - x->prot) / DAYS_PER_YEAR : 0.0;
    gl[U_DWT]          = -kw * sl[U_DWT];
    gl[U_A1]           = par[P_KIN] * z.dfpg * (dlis + dlb) - k * sl[U_A1];
    gl[U_A2]           = k * (sl[U_A1] - sl[U_A2]);
    gl[U_A3]           = k * (sl[U_A2] - sl[U_A3]);
  }
}

static void Outputs(const double *par, const double *cov, const double *eta, const Acting *x, const double *u,
                    double *y)
{
  Glucose(par, eta, x, u, &y[Y_FPG], &y[Y_FSI]);
  y[Y_HBA1C] = u[U_A1] + u[U_A2] + u[U_A3];
  y[Y_WT]    = (cov ? cov[0] : par[P_WT0]) + u[U_DWT];
}

static void rhs(const double *par, const double *cov, const double *eta, const double *eff, double t, const double *u,
                double *f)
{
  Acting x = ActingAt(eff, t);
  (void) cov;
  Rates(par, eta, &x, u, f);
}

static void output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                   const double *u, double *y)
{
  Acting x = ActingAt(eff, t);
  Outputs(par, cov, eta, &x, u, y);
}

static void rhs_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                        double t, const double *u, double *f)
{
  Acting x = ActingRegimen(reg, seg, t);
  (void) cov;
  Rates(par, eta, &x, u, f);
}

static void output_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                           double t, const double *u, double *y)
{
  Acting x = ActingRegimen(reg, seg, t);
  Outputs(par, cov, eta, &x, u, y);
}

/* Cases in a row with the same effects (pointers: one arm's, or one regimen's segment) share
 * their onsets at t, and with the same eta_is their InvLogit(is0 + eta_is): computed once,
 * so each case's rates are bit for bit those of rhs / rhs_regimen. */
static void rhs_many(const double *par, int n, const double *const *cov, const double *const *eta,
                     const double *const *eff, const TTRegimen *const *reg, const int *seg, double t, const double *u,
                     double *f)
{
  Acting x   = {0, 0, 0, 0};
  double pis = 0.0, fpg, fsi;
  (void) cov;
  for (int i = 0; i < n; i++) {
    if (!i || eff[i] != eff[i - 1] || reg[i] != reg[i - 1] || seg[i] != seg[i - 1])
      x = reg[i] ? ActingRegimen(reg[i], seg[i], t) : ActingAt(eff[i], t);
    if (!i || !(eta[i][L_IS] == eta[i - 1][L_IS])) pis = InvLogit(par[P_IS0] + eta[i][L_IS]);
    GlucoseFrom(par, eta[i], pis, &x, u + i * NSTATE, &fpg, &fsi, NULL);
    RatesAt(par, eta[i], &x, u + i * NSTATE, fpg, f + i * NSTATE);
  }
}

static void rhs_sens(const double *par, const double *cov, const double *eta, const double *eff, double t,
                     const double *u, const double *s, double *f, double *fs)
{
  Acting x = ActingAt(eff, t);
  (void) cov;
  RatesSens(par, eta, &x, u, s, f, fs);
}

static void rhs_sens_regimen(const double *par, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                             double t, const double *u, const double *s, double *f, double *fs)
{
  Acting x = ActingRegimen(reg, seg, t);
  (void) cov;
  RatesSens(par, eta, &x, u, s, f, fs);
}

/* Log-normal proportional error y exp(sd z), sd = sqrt(resvar) (Choy 2016 Table 1
 * values as SDs, see the file comment): observations stay positive and their median
 * is the model value. Consumes NVAR normals, in variable order. */
static void observe(const double *par, const double *ymean, tt_pcg32 *rng, double *yobs)
{
  static const int rv[NVAR] = {P_RV_HBA1C, P_RV_FPG, P_RV_FSI, P_RV_WT};
  for (int k = 0; k < NVAR; k++) yobs[k] = ymean[k] * exp(sqrt(par[rv[k]]) * tt_rng_normal(rng));
}

/* E[eta | observed baseline FPG, FSI], linearized: the QSS is inverted at the
 * observation (B = FSI/(7.8 (FPG - 3.5)), IS = 35.1/(FPG FSI)) giving eta_hat, whose
 * error covariance S = J diag(resvar_fpg, resvar_fsi) J^T follows from the log-normal
 * residuals by the delta method (J = d(logit IS, logit B)/d(log FPG, log FSI)); the
 * Gaussian posterior mean is then Omega (Omega + S)^-1 eta_hat. eta_rb = 0 (the
 * baseline carries no information on the decline). HbA1c is not used. */
static void condition(const double *par, const double *cov, const double *yobs0, double *eta)
{
  double fpg = fmax(yobs0[Y_FPG], HOMA_FPG_FLOOR + 0.01), fsi = fmax(yobs0[Y_FSI], 1e-3);
  double b    = fmin(fmax(fsi / (HOMA_FSI_GAIN * (fpg - HOMA_FPG_FLOOR)), 1e-6), 1.0 - 1e-6);
  double is   = fmin(fmax(HOMA_FPG_FSI / (fpg * fsi), 1e-6), 1.0 - 1e-6);
  double h_is = log(1.0 / is - 1.0) - par[P_IS0], h_b = log(1.0 / b - 1.0) - par[P_B0];
  /* J rows (logit IS, logit B), columns (log FPG, log FSI) */
  double j11 = 1.0 / (1.0 - is), j12 = j11;
  double j21 = fpg / ((1.0 - b) * (fpg - HOMA_FPG_FLOOR)), j22 = -1.0 / (1.0 - b);
  double vf = par[P_RV_FPG], vi = par[P_RV_FSI];
  double s11 = j11 * j11 * vf + j12 * j12 * vi, s12 = j11 * j21 * vf + j12 * j22 * vi;
  double s22 = j21 * j21 * vf + j22 * j22 * vi;
  double o1 = par[P_SD_IS0] * par[P_SD_IS0], o2 = par[P_SD_B0] * par[P_SD_B0];
  double a11 = o1 + s11, a12 = s12, a22 = o2 + s22, det = a11 * a22 - a12 * a12;
  (void) cov;
  /* Omega (Omega + S)^-1 h, with (Omega + S) symmetric positive definite */
  eta[L_IS] = o1 * (a22 * h_is - a12 * h_b) / det;
  eta[L_B]  = o2 * (-a12 * h_is + a11 * h_b) / det;
  eta[L_RB] = 0.0;
}

/* Log density of an observation of variable k given its model value: observe()'s
 * log-normal; below: log P(Y < value). */
static double log_density(const double *par, int k, const TTObservation *o)
{
  static const int rv[NVAR] = {P_RV_HBA1C, P_RV_FPG, P_RV_FSI, P_RV_WT};
  double           sd;
  if (k < 0 || k >= NVAR) return NAN;
  sd = sqrt(par[rv[k]]);
  if (!(o->mean > 0.0) || !(o->value > 0.0)) return isnan(o->mean) || isnan(o->value) ? NAN : -INFINITY;
  if (o->below) return tt_stats_lpnorm((log(o->value) - log(o->mean)) / sd);
  return tt_stats_ldnorm(log(o->value), log(o->mean), sd) - log(o->value);
}

static void omega(const double *par, const double *cov, double *om, double *lo, double *hi)
{
  static const int sd[] = {P_SD_IS0, P_SD_B0, P_SD_RB};
  _Static_assert(sizeof sd / sizeof sd[0] == NLATENT, "one variance per random effect");
  (void) cov;
  for (int i = 0; i < NLATENT; i++) {
    for (int j = 0; j < NLATENT; j++) om[i * NLATENT + j] = i == j ? par[sd[i]] * par[sd[i]] : 0.0;
    lo[i] = -INFINITY, hi[i] = INFINITY;
  }
}

static const char *const latent_names[NLATENT] = {"eta_insulin_sensitivity", "eta_beta_cell", "eta_beta_cell_decline"};

const TTModelType tt_model_t2d_hba1c = {
    .name             = "t2d_hba1c",
    .description      = "Type 2 diabetes: weight, insulin sensitivity and beta-cell decline drive FPG/FSI (quasi "
                        "steady state) and HbA1c (transit chain); sensitizer, secretagogue, beta-cell protection "
                        "and lifestyle weight-change arms (ODE)",
    .reference        = "Choy et al. 2016 CPT Pharmacometrics Syst Pharmacol 5:11; de Winter et al. 2006 "
                        "J Pharmacokinet Pharmacodyn 33:313",
    .time_unit_days   = 1.0,
    .nparam           = NPARAM,
    .param            = params,
    .neffect          = NEFFECT,
    .effect           = effects,
    .effect_range     = effect_ranges,
    .ncovariate       = 1,
    .covariate        = covariates,
    .nvar             = NVAR,
    .var              = variables,
    .range            = ranges,
    .nlatent          = NLATENT,
    .nstate           = NSTATE,
    .draw_latent      = draw_latent,
    .initial          = initial,
    .rhs              = rhs,
    .output           = output,
    .observe          = observe,
    .condition        = condition,
    .log_density      = log_density,
    .gauss_newton     = 1, /* log-normal observations */
    .omega            = omega,
    .latent           = latent_names,
    .rhs_regimen      = rhs_regimen,
    .output_regimen   = output_regimen,
    .rhs_sens         = rhs_sens,
    .rhs_sens_regimen = rhs_sens_regimen,
    .rhs_many         = rhs_many,
};
