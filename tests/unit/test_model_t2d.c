/* test_model_t2d.c — the t2d_hba1c model (PETSc TS path) against Choy 2016 and
 * against an independent fixed-step classical RK4 integration of the same equations,
 * typed here from Choy 2016 rather than taken from the model's callbacks:
 *   IS = 1/(1+e^(1.1+eta_is)) (1 - 0.0514 dW)(1 + S(t)),  B = 1/(1+e^(-0.446+eta_b+D))(1 + G(t)),
 *   D' = (0.209 + eta_rb)/365.25 (1 - P(t)),  dW' = ln2/96.9 (W(t) - dW),
 *   FPG = [3.5 + sqrt(12.25 + 4q)]/2, q = 35.1/(7.8 IS B),  FSI = 7.8 B (FPG - 3.5),
 *   HbA1c = A1 + A2 + A3,  A1' = 0.0129 FPG + 0.0709 - k A1,  Ai' = k (Ai-1 - Ai),  k = 3/38.9,
 *   arm effect E (1 - exp(-ln2 t/t_half)), or E throughout if t_half <= 0. */
#include <string.h>
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"

#define NVISIT 5
static const double visits[NVISIT] = {0.0, 28.0, 91.0, 182.0, 364.0}; /* days */
enum { HBA1C, FPG, FSI, WEIGHT, NVAR };                               /* the model's variable order */

typedef struct {
  double sens, sens_th, secr, secr_th, prot, prot_th, wt, wt_th;
} Arm;
typedef struct {
  double eta[3]; /* is0, b0, rb */
  double rb;     /* logit/year */
  Arm    arm;
} Twin;

static const Arm placebo = {0, 77.9, 0, 7, 0, 0, 0, 0};

/* ---- independent reference ---- */
static double RefOnset(double e, double th, double t)
{
  return th > 0 ? e * (1.0 - exp(-log(2.0) * t / th)) : e;
}

static void RefGlucose(const Twin *w, double t, const double *x, double *fpg, double *fsi)
{
  double is =
      1.0 / (1.0 + exp(1.1 + w->eta[0])) * (1.0 - 0.0514 * x[1]) * (1.0 + RefOnset(w->arm.sens, w->arm.sens_th, t));
  double b = 1.0 / (1.0 + exp(-0.446 + w->eta[1] + x[0])) * (1.0 + RefOnset(w->arm.secr, w->arm.secr_th, t));
  double q = 35.1 / (7.8 * is * b);
  *fpg     = (3.5 + sqrt(12.25 + 4.0 * q)) / 2.0;
  *fsi     = 7.8 * b * (*fpg - 3.5);
}

/* x = {D, dW, A1, A2, A3} */
static void RefDeriv(const Twin *w, double t, const double *x, double *f)
{
  double fpg, fsi, k = 3.0 / 38.9;
  RefGlucose(w, t, x, &fpg, &fsi);
  f[0] = (w->rb + w->eta[2]) / 365.25 * (1.0 - RefOnset(w->arm.prot, w->arm.prot_th, t));
  f[1] = log(2.0) / 96.9 * (RefOnset(w->arm.wt, w->arm.wt_th, t) - x[1]);
  f[2] = 0.0129 * fpg + 0.0709 - k * x[2];
  f[3] = k * (x[2] - x[3]);
  f[4] = k * (x[3] - x[4]);
}

/* Classical RK4, step 0.05 day, outputs at the visits. */
static void RefTrajectory(const Twin *w, int nt, const double *t, double *y)
{
  const double h = 0.05;
  double       x[5], tc = 0.0, fpg, fsi;
  Twin         untreated = *w;
  untreated.arm          = (Arm){0, 1, 0, 1, 0, 1, 0, 1};
  x[0] = x[1] = 0.0;
  RefGlucose(&untreated, 0.0, x, &fpg, &fsi);
  x[2] = x[3] = x[4] = (0.0129 * fpg + 0.0709) * 38.9 / 3.0;
  for (int i = 0; i < nt; i++) {
    long n = lround((t[i] - tc) / h);
    for (long s = 0; s < n; s++) {
      double k1[5], k2[5], k3[5], k4[5], xs[5];
      RefDeriv(w, tc, x, k1);
      for (int j = 0; j < 5; j++) xs[j] = x[j] + 0.5 * h * k1[j];
      RefDeriv(w, tc + 0.5 * h, xs, k2);
      for (int j = 0; j < 5; j++) xs[j] = x[j] + 0.5 * h * k2[j];
      RefDeriv(w, tc + 0.5 * h, xs, k3);
      for (int j = 0; j < 5; j++) xs[j] = x[j] + h * k3[j];
      RefDeriv(w, tc + h, xs, k4);
      for (int j = 0; j < 5; j++) x[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
      tc = tc + h;
    }
    tc = t[i];
    RefGlucose(w, tc, x, &y[i * NVAR + FPG], &y[i * NVAR + FSI]);
    y[i * NVAR + HBA1C]  = x[2] + x[3] + x[4];
    y[i * NVAR + WEIGHT] = 104.0 + x[1];
  }
}

/* ---- the model through TTSim ---- */
static const TTModelType *model;
static double             par[32];

static int P(const char *name)
{
  return tt_model_param_index(model->nparam, model->param, name);
}

static void SetEffects(const Arm *a, double *eff)
{
  const char  *names[8] = {"sensitizer_fraction",     "sensitizer_onset_days",   "secretagogue_fraction",
                           "secretagogue_onset_days", "protection_fraction",     "protection_onset_days",
                           "weight_change_kg",        "weight_change_onset_days"};
  const double v[8]     = {a->sens, a->sens_th, a->secr, a->secr_th, a->prot, a->prot_th, a->wt, a->wt_th};
  for (int i = 0; i < 8; i++) eff[tt_model_param_index(model->neffect, model->effect, names[i])] = v[i];
}

static PetscErrorCode Simulate(TTSim sim, const Twin *w, int nt, const double *t, double *y)
{
  double eff[16];
  PetscFunctionBeginUser;
  SetEffects(&w->arm, eff);
  par[P("rb")] = w->rb;
  PetscCall(TTSimTrajectory(sim, NULL, w->eta, eff, nt, t, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode typical_baseline_matches_models_md(TTSim sim)
{
  Twin   w = {{0, 0, 0}, 0.209, placebo};
  double y[NVISIT * NVAR];
  PetscFunctionBeginUser;
  PetscCall(Simulate(sim, &w, NVISIT, visits, y));
  TT_CHECK_CLOSE(y[FPG], 7.46, 0.01, "Choy 2016 baseline FPG ~7.46 mmol/L");
  TT_CHECK_CLOSE(y[FSI], 18.8, 0.05, "Choy 2016 baseline FSI ~18.8 uU/mL");
  TT_CHECK_CLOSE(y[HBA1C], 6.50, 0.01, "Choy 2016 baseline HbA1c ~6.50 %");
  TT_CHECK_CLOSE(y[WEIGHT], 104.0, 1e-12, "Choy 2016 baseline weight 104 kg");
  printf("baseline: FPG %.4f mmol/L, FSI %.4f uU/mL, HbA1c %.4f %%\n", y[FPG], y[FSI], y[HBA1C]);
  PetscFunctionReturn(0);
}

static PetscErrorCode trajectories_match_rk4_reference(TTSim sim)
{
  const Twin twins[] = {
      {{0, 0, 0}, 0.209, placebo},
      {{0.3, -1.2, 0.25}, 0.209, placebo},
      {{0, 0, 0}, 0.209, {0.3, 77.9, 0, 7, 0, 0, 0, 0}},
      {{0, 0, 0}, 0.209, {0, 77.9, 0.25, 7, 0, 0, 0, 0}},
      {{0, 0, 0}, 0.209, {0, 77.9, 0, 7, 0.5, 28, 0, 0}},
      {{0, 0, 0}, 0.209, {0, 77.9, 0, 7, 0, 0, -5, 0}},
      {{-0.2, 0.8, -0.1}, 0.209, {0.2, 30, 0.15, 5, 0.4, 0, -3, 14}}, /* add-on arm */
  };
  const char *what[] = {"placebo",    "placebo, eta != 0", "sensitizer",        "secretagogue",
                        "protection", "weight -5 kg",      "combined, eta != 0"};
  PetscFunctionBeginUser;
  for (size_t c = 0; c < sizeof twins / sizeof twins[0]; c++) {
    double y[NVISIT * NVAR], ref[NVISIT * NVAR];
    PetscCall(Simulate(sim, &twins[c], NVISIT, visits, y));
    RefTrajectory(&twins[c], NVISIT, visits, ref);
    for (int i = 0; i < NVISIT * NVAR; i++) TT_CHECK_CLOSE(y[i], ref[i], 1e-6 * fabs(ref[i]), what[c]);
    printf("%-20s day 364: HbA1c %.4f %%, FPG %.4f, FSI %.4f, weight %.3f kg\n", what[c], y[4 * NVAR + HBA1C],
           y[4 * NVAR + FPG], y[4 * NVAR + FSI], y[4 * NVAR + WEIGHT]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode no_progression_stays_at_baseline(TTSim sim)
{
  Twin   w = {{0.4, -0.9, 0.3}, 0.0, placebo};
  double y[NVISIT * NVAR];
  PetscFunctionBeginUser;
  w.eta[2] = 0.0; /* rb_i = 0 */
  PetscCall(Simulate(sim, &w, NVISIT, visits, y));
  for (int i = 1; i < NVISIT; i++)
    for (int k = 0; k < NVAR; k++)
      TT_CHECK_CLOSE(y[i * NVAR + k], y[k], 1e-10 * y[k], "rb = 0, no effect: steady state");
  PetscFunctionReturn(0);
}

static PetscErrorCode arm_effects_move_hba1c_the_right_way(TTSim sim)
{
  const Arm arms[] = {{0.3, 77.9, 0, 7, 0, 0, 0, 0},
                      {0, 77.9, 0.25, 7, 0, 0, 0, 0},
                      {0, 77.9, 0, 7, 0.5, 0, 0, 0},
                      {0, 77.9, 0, 7, 0, 0, -5, 0}};
  Twin      w      = {{0, 0, 0}, 0.209, placebo};
  double    y0[NVISIT * NVAR], y[NVISIT * NVAR];
  PetscFunctionBeginUser;
  PetscCall(Simulate(sim, &w, NVISIT, visits, y0));
  TT_CHECK(y0[4 * NVAR + HBA1C] > y0[HBA1C] + 0.05, "placebo HbA1c rises over a year (rb = 0.209 logit/yr)");
  for (size_t a = 0; a < sizeof arms / sizeof arms[0]; a++) {
    w.arm = arms[a];
    PetscCall(Simulate(sim, &w, NVISIT, visits, y));
    TT_CHECK(y[4 * NVAR + HBA1C] < y0[4 * NVAR + HBA1C], "each beneficial arm lowers HbA1c at day 364");
    TT_CHECK(y[4 * NVAR + FPG] < y0[4 * NVAR + FPG], "each beneficial arm lowers FPG at day 364");
    TT_CHECK(y[HBA1C] == y0[HBA1C], "baseline HbA1c is untreated");
  }
  w.arm = (Arm){0, 77.9, 0, 7, 0, 0, +5, 0};
  PetscCall(Simulate(sim, &w, NVISIT, visits, y));
  TT_CHECK(y[4 * NVAR + HBA1C] > y0[4 * NVAR + HBA1C], "weight gain raises HbA1c");
  PetscFunctionReturn(0);
}

static PetscErrorCode weight_reaches_half_target_at_half_life(TTSim sim)
{
  Twin         w    = {{0, 0, 0}, 0.209, {0, 77.9, 0, 7, 0, 0, -5, 0}};
  const double t[2] = {0.0, 96.9};
  double       y[2 * NVAR];
  PetscFunctionBeginUser;
  PetscCall(Simulate(sim, &w, 2, t, y));
  TT_CHECK_CLOSE(y[NVAR + WEIGHT], 104.0 - 2.5, 1e-6, "Choy 2016: weight half-life 96.9 days");
  PetscFunctionReturn(0);
}

static PetscErrorCode reused_sim_is_order_independent(TTSim sim)
{
  Twin   a = {{0.2, -0.5, 0.1}, 0.209, {0.2, 30, 0.15, 5, 0.4, 0, -3, 14}};
  Twin   b = {{-0.4, 1.2, -0.2}, 0.209, placebo};
  double ya1[NVISIT * NVAR], yb1[NVISIT * NVAR], ya2[NVISIT * NVAR], yb2[NVISIT * NVAR];
  PetscFunctionBeginUser;
  PetscCall(Simulate(sim, &a, NVISIT, visits, ya1));
  PetscCall(Simulate(sim, &b, NVISIT, visits, yb1));
  PetscCall(Simulate(sim, &b, NVISIT, visits, yb2));
  PetscCall(Simulate(sim, &a, NVISIT, visits, ya2));
  for (int i = 0; i < NVISIT * NVAR; i++) {
    TT_CHECK(ya1[i] == ya2[i], "twin a bitwise identical whether integrated first or last");
    TT_CHECK(yb1[i] == yb2[i], "twin b bitwise identical whether integrated first or last");
  }
  PetscFunctionReturn(0);
}

/* With no residual error the conditional mean is the exact inverse of the QSS. */
static void condition_inverts_noise_free_baseline(void)
{
  double p[32], y[NVAR], eta[3] = {0.3, -1.2, 0.25}, eff[16], u[5], got[3];
  for (int i = 0; i < model->nparam; i++) p[i] = model->param[i].value;
  SetEffects(&placebo, eff);
  model->initial(p, NULL, eta, eff, u);
  model->output(p, NULL, eta, eff, 0.0, u, y);
  p[P("resvar_fpg")] = p[P("resvar_fsi")] = 0.0;
  model->condition(p, NULL, y, got);
  TT_CHECK_CLOSE(got[0], 0.3, 1e-9, "eta_is recovered from FPG, FSI");
  TT_CHECK_CLOSE(got[1], -1.2, 1e-9, "eta_b recovered from FPG, FSI");
  TT_CHECK(got[2] == 0.0, "eta_rb = 0 at baseline");
  p[P("resvar_fpg")] = 0.0688 * 0.0688, p[P("resvar_fsi")] = 0.262 * 0.262;
  model->condition(p, NULL, y, got);
  TT_CHECK(got[1] < 0.0 && got[1] > -1.2, "with residual error, eta_b shrinks toward 0");
}

/* log(yobs/ymean) ~ N(0, sd^2) with Choy 2016 Table 1's residual values read as SDs
 * (0.0241 HbA1c, 0.0688 FPG, 0.262 FSI, 0.00919 weight): the SD of 20000 draws within 3%. */
static void observe_has_published_residual_sd(void)
{
  double   ymean[NVAR] = {6.5, 7.46, 18.8, 104.0}, yobs[NVAR], s[NVAR] = {0}, s2[NVAR] = {0};
  double   sd[NVAR] = {0.0241, 0.0688, 0.262, 0.00919};
  tt_pcg32 g;
  int      n = 20000, positive = 1;
  tt_rng_substream(&g, 42, 0, 0, TT_STREAM_RESIDUAL);
  for (int i = 0; i < n; i++) {
    model->observe(par, ymean, &g, yobs);
    for (int k = 0; k < NVAR; k++) {
      double l = log(yobs[k] / ymean[k]);
      positive &= yobs[k] > 0.0;
      s[k] += l, s2[k] += l * l;
    }
  }
  TT_CHECK(positive, "observations stay positive");
  for (int k = 0; k < NVAR; k++)
    TT_CHECK_CLOSE(sqrt(s2[k] / n - s[k] * s[k] / n / n), sd[k], 0.03 * sd[k], "Choy 2016 Table 1");
}

/* The twin's own baseline weight (cohort covariate) plus the change; glycaemia does
 * not depend on baseline weight (Choy 2016: IS depends on the weight change only). */
static void weight_is_the_cohort_covariate(void)
{
  double p[32], eta[3] = {0.1, 0.4, 0.0}, eff[16], u[5], y104[NVAR], y72[NVAR], w72 = 72.5;
  for (int i = 0; i < model->nparam; i++) p[i] = model->param[i].value;
  TT_CHECK(model->ncovariate == 1 && !strcmp(model->covariate[0], "weight"), "the model reads covariate weight");
  SetEffects(&placebo, eff);
  model->initial(p, &w72, eta, eff, u);
  u[1] = -2.0; /* 2 kg lost */
  model->output(p, NULL, eta, eff, 30.0, u, y104);
  model->output(p, &w72, eta, eff, 30.0, u, y72);
  TT_CHECK_CLOSE(y72[WEIGHT], 70.5, 1e-12, "weight = covariate + change");
  TT_CHECK_CLOSE(y104[WEIGHT], 102.0, 1e-12, "no covariate: weight_baseline 104 kg + change");
  TT_CHECK(y72[HBA1C] == y104[HBA1C] && y72[FPG] == y104[FPG] && y72[FSI] == y104[FSI],
           "baseline weight does not change glycaemia");
}

/* Every variable has a plausible range with a source, in variable order. */
static void ranges_are_stated(void)
{
  static const double lo[NVAR] = {4.0, 3.0, 1.0, 35.0}, hi[NVAR] = {16.0, 30.0, 200.0, 250.0};
  TT_CHECK(model->range != NULL, "t2d_hba1c states plausible ranges");
  if (!model->range) return;
  for (int k = 0; k < NVAR; k++) {
    TT_CHECK(model->range[k].lo == lo[k] && model->range[k].hi == hi[k], "range of each variable");
    TT_CHECK(model->range[k].source && strlen(model->range[k].source) > 20, "each range cites its source");
  }
}

int main(int argc, char **argv)
{
  TTSim sim;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  model = tt_model_find("t2d_hba1c");
  TT_CHECK(model && model->nstate > 0 && model->nvar == NVAR, "t2d_hba1c is a registered ODE model");
  if (!model) return 1;
  TT_CHECK(!strcmp(model->var[HBA1C].name, "hba1c") && !strcmp(model->var[WEIGHT].name, "weight"), "variable order");
  for (int i = 0; i < model->nparam; i++) par[i] = model->param[i].value;
  PetscCall(TTSimCreate(model, par, &sim));
  PetscCall(typical_baseline_matches_models_md(sim));
  PetscCall(trajectories_match_rk4_reference(sim));
  PetscCall(no_progression_stays_at_baseline(sim));
  PetscCall(arm_effects_move_hba1c_the_right_way(sim));
  PetscCall(weight_reaches_half_target_at_half_life(sim));
  PetscCall(reused_sim_is_order_independent(sim));
  par[P("rb")] = 0.209;
  condition_inverts_noise_free_baseline();
  observe_has_published_residual_sd();
  weight_is_the_cohort_covariate();
  ranges_are_stated();
  PetscCall(TTSimDestroy(&sim));
  printf("%d failure(s)\n", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
