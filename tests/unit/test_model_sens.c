/* test_model_sens.c — models' exact sensitivity right-hand sides (rhs_sens,
 * rhs_sens_regimen: model.h) against the finite differences they replace.
 * 1. Every registered model with rhs_sens, at random twins (draw_latent), states (initial,
 *    perturbed), sensitivities and times before and after 0, under no effect, random arms
 *    setting every effect, and each segment >= 1 of random three-segment regimens: f bit
 *    for bit that of rhs (rhs_regimen), fs within 1e-7 (relative to each direction's
 *    largest component) of central differences of rhs along (s_l, e_l).
 * 2. The sim (sim_sens.c): TTSimTrajectorySensitivityRegimen of the model with the hook
 *    against the same model without it (differences of rhs: central at the default
 *    tolerance, forward at rtol 1e-6), random twins and regimens, visits in every segment:
 *    the sensitivities within 1e-7 of each variable's largest at the default tolerance and
 *    1e-6 at rtol 1e-6 (the steps follow the sensitivities, so the two integrations differ
 *    at the tolerance), the values within 100 rtol.
 * 3. Every model with rhs_many: random batches (runs of cases under one arm or regimen
 *    segment, neighbours sharing random effects) bit for bit rhs / rhs_regimen case by case.
 */
#include <math.h>
#include <string.h>
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"

#define MAXS 32 /* states, latents, effects, variables the test holds */

/* A random arm: each effect in its calibration interval, or (an onset half-life, no
 * interval) its default scaled by 0.5-2 or, for a default of 0, 0 or up to 50. */
static void RandomEffects(const TTModelType *m, tt_pcg32 *rng, double *eff)
{
  for (int i = 0; i < m->neffect; i++) {
    const TTRangeInfo *r = m->effect_range ? &m->effect_range[i] : NULL;
    double             v = m->effect[i].value, z = tt_rng_uniform(rng);
    if (r && r->lo < r->hi)
      eff[i] = r->lo + z * (r->hi - r->lo);
    else if (v > 0)
      eff[i] = v * (0.5 + 1.5 * z);
    else
      eff[i] = z < 0.5 ? 0.0 : 100.0 * (z - 0.5);
  }
}

/* A twin: parameters at their defaults, covariates near 1 (weight near 82), random effects
 * drawn, a state from `initial` perturbed by 20 % (plus 0.2 absolute) and sensitivities of
 * that size. */
typedef struct {
  double par[64], cov[8], eta[MAXS], u[MAXS], s[MAXS * MAXS];
} Twin;

static void RandomTwin(const TTModelType *m, tt_pcg32 *rng, Twin *w)
{
  const int ns = m->nstate, nl = m->nlatent;
  double    eff[MAXS];
  for (int i = 0; i < m->nparam; i++) w->par[i] = m->param[i].value;
  for (int i = 0; i < m->ncovariate; i++)
    w->cov[i] = (!strcmp(m->covariate[i], "weight") ? 82.0 : 1.0) * (1.0 + 0.2 * tt_rng_normal(rng));
  m->draw_latent(w->par, rng, w->eta);
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
  m->initial(w->par, w->cov, w->eta, eff, w->u);
  for (int k = 0; k < ns; k++) w->u[k] += 0.2 * (fabs(w->u[k]) + 1.0) * tt_rng_normal(rng);
  for (int l = 0; l < nl; l++)
    for (int k = 0; k < ns; k++) w->s[l * ns + k] = 0.5 * (fabs(w->u[k]) + 1.0) * tt_rng_normal(rng);
}

/* rhs or rhs_regimen (seg >= 1 of reg) at (eta, u). */
static void Rhs(const TTModelType *m, const Twin *w, const double *eta, const double *eff, const TTRegimen *reg,
                int seg, double t, const double *u, double *f)
{
  if (reg && seg > 0 && m->rhs_regimen)
    m->rhs_regimen(w->par, w->cov, eta, reg, seg, t, u, f);
  else
    m->rhs(w->par, w->cov, eta, reg ? reg->eff + seg * m->neffect : eff, t, u, f);
}

/* Part 1 at one twin, arm and time: the hook against central differences of rhs. */
static void CheckPoint(const TTModelType *m, const Twin *w, const double *eff, const TTRegimen *reg, int seg, double t,
                       double *worst)
{
  const int ns = m->nstate, nl = m->nlatent;
  double    f[MAXS], fs[MAXS * MAXS], f0[MAXS], fp[MAXS], fm[MAXS], up[MAXS], um[MAXS], ep[MAXS], em[MAXS];

  if (reg && seg > 0 && m->rhs_regimen)
    m->rhs_sens_regimen(w->par, w->cov, w->eta, reg, seg, t, w->u, w->s, f, fs);
  else
    m->rhs_sens(w->par, w->cov, w->eta, reg ? reg->eff + seg * m->neffect : eff, t, w->u, w->s, f, fs);
  Rhs(m, w, w->eta, eff, reg, seg, t, w->u, f0);
  TT_CHECK(!memcmp(f, f0, sizeof(double) * ns), "rhs_sens's f: rhs's bit for bit");
  for (int l = 0; l < nl; l++) {
    const double *sl = w->s + l * ns;
    double        un = 1.0, sn = 0.0, h, d = 0.0, big = 0.0;
    for (int k = 0; k < ns; k++) un = fmax(un, fabs(w->u[k])), sn = fmax(sn, fabs(sl[k]));
    h = 1e-5 / fmax(1.0, sn / un);
    for (int k = 0; k < ns; k++) up[k] = w->u[k] + h * sl[k], um[k] = w->u[k] - h * sl[k];
    for (int j = 0; j < nl; j++) ep[j] = em[j] = w->eta[j];
    ep[l] += h, em[l] -= h;
    Rhs(m, w, ep, eff, reg, seg, t, up, fp);
    Rhs(m, w, em, eff, reg, seg, t, um, fm);
    for (int k = 0; k < ns; k++) {
      double ref = (fp[k] - fm[k]) / (2.0 * h);
      d = fmax(d, fabs(fs[l * ns + k] - ref)), big = fmax(big, fabs(ref));
    }
    d /= fmax(big, 1e-12);
    *worst = fmax(*worst, d);
    TT_CHECK(d <= 1e-7, "rhs_sens: central differences of rhs along (s_l, e_l)");
  }
}

/* A random regimen of three segments switching at 60-120 and 150-250 model days. */
static void RandomRegimen(const TTModelType *m, tt_pcg32 *rng, double *start, double *eff, TTRegimen *reg)
{
  start[0] = 0.0;
  start[1] = (60.0 + 60.0 * tt_rng_uniform(rng)) / m->time_unit_days;
  start[2] = (150.0 + 100.0 * tt_rng_uniform(rng)) / m->time_unit_days;
  for (int j = 0; j < 3; j++) RandomEffects(m, rng, eff + j * m->neffect);
  *reg = (TTRegimen){3, start, eff};
}

static void CheckModel(const TTModelType *m)
{
  const int ne    = m->neffect;
  double    worst = 0.0, none[MAXS], eff[MAXS], start[3], reff[3 * MAXS];
  TTRegimen reg;
  tt_pcg32  rng;
  Twin      w;

  tt_pcg32_seed(&rng, 20261207, 1);
  for (int i = 0; i < ne; i++) none[i] = m->effect[i].value;
  for (int trial = 0; trial < 200; trial++) {
    double t = (-100.0 + 500.0 * tt_rng_uniform(&rng)) / m->time_unit_days;
    RandomTwin(m, &rng, &w);
    RandomEffects(m, &rng, eff);
    CheckPoint(m, &w, none, NULL, 0, t, &worst);
    CheckPoint(m, &w, eff, NULL, 0, t, &worst);
    RandomRegimen(m, &rng, start, reff, &reg);
    for (int seg = 1; seg < 3; seg++) {
      double ts = start[seg] + (seg < 2 ? start[2] - start[1] : 150.0 / m->time_unit_days) * tt_rng_uniform(&rng);
      CheckPoint(m, &w, NULL, &reg, seg, ts, &worst);
    }
  }
  printf("%s: rhs_sens against differences of rhs, 800 points: worst %.2g relative\n", m->name, worst);
}

/* Part 3: rhs_many on batches of 12 random twins in runs of 1-4 under one arm (constant
 * effects, or a segment >= 1 of a regimen), some twins repeating their neighbour's eta
 * but the last random effect: bit for bit rhs / rhs_regimen case by case. */
static void CheckMany(const TTModelType *m)
{
  enum { N = 12 };
  const int        ns = m->nstate;
  Twin             w[N];
  double           effs[N][MAXS], start[N][3], reff[N][3 * MAXS], u[N * MAXS], f[N * MAXS], f1[MAXS];
  TTRegimen        regs[N];
  const double    *cov[N], *eta[N], *eff[N];
  const TTRegimen *reg[N];
  int              seg[N], same = 1;
  tt_pcg32         rng;

  tt_pcg32_seed(&rng, 20261207, 3);
  for (int trial = 0; trial < 100; trial++) {
    double t = (-50.0 + 450.0 * tt_rng_uniform(&rng)) / m->time_unit_days;
    for (int i = 0, run = 0, a = -1; i < N; i++, run--) {
      RandomTwin(m, &rng, &w[i]);
      if (i > 0 && tt_rng_uniform(&rng) < 0.3) { /* the neighbour's random effects but one */
        memcpy(w[i].eta, w[i - 1].eta, sizeof w[i].eta);
        w[i].eta[m->nlatent - 1] += 0.1;
      }
      if (run <= 0) { /* a new arm for the next 1-4 cases */
        a++, run = 1 + (int) (4 * tt_rng_uniform(&rng));
        RandomEffects(m, &rng, effs[a]);
        RandomRegimen(m, &rng, start[a], reff[a], &regs[a]);
        seg[i] = t > start[a][2] ? 2 : t > start[a][1] ? 1 : 0;
      } else
        seg[i] = seg[i - 1];
      cov[i] = w[i].cov, eta[i] = w[i].eta;
      memcpy(u + i * ns, w[i].u, sizeof(double) * ns);
      reg[i] = seg[i] > 0 && m->rhs_regimen && (a % 2) ? &regs[a] : NULL;
      eff[i] = reg[i] ? NULL : effs[a];
      if (!reg[i]) seg[i] = 0;
    }
    m->rhs_many(w[0].par, N, cov, eta, eff, reg, seg, t, u, f);
    for (int i = 0; i < N; i++) {
      if (reg[i])
        m->rhs_regimen(w[i].par, cov[i], eta[i], reg[i], seg[i], t, u + i * ns, f1);
      else
        m->rhs(w[i].par, cov[i], eta[i], eff[i], t, u + i * ns, f1);
      same = same && !memcmp(f + i * ns, f1, sizeof(double) * ns);
    }
  }
  TT_CHECK(same, "rhs_many: rhs and rhs_regimen case by case, bit for bit");
  printf("%s: rhs_many on 100 batches of 12 cases: %s rhs case by case\n", m->name, same ? "bit for bit" : "NOT");
}

/* Part 2: TTSimTrajectorySensitivityRegimen with the hook and without it (a copy of the
 * model type whose hooks are NULL), at tolerance rtol (0: the default). */
static PetscErrorCode CheckSim(const TTModelType *m, double rtol, double tol)
{
  const double t[] = {-84, -28, 0, 28, 84, 120, 182, 270, 364};
  const int    nt = 9, nv = m->nvar, nl = m->nlatent;
  TTModelType  fd = *m;
  double       start[3], reff[3 * MAXS], tm[9], y[9 * MAXS], dy[9 * MAXS * MAXS], y2[9 * MAXS], dy2[9 * MAXS * MAXS];
  double       worst = 0.0, worst_y = 0.0, eff0[MAXS];
  TTRegimen    reg;
  TTSim        sim, simfd;
  tt_pcg32     rng;
  Twin         w;

  PetscFunctionBeginUser;
  fd.rhs_sens = NULL, fd.rhs_sens_regimen = NULL;
  tt_pcg32_seed(&rng, 20261207, 2);
  for (int i = 0; i < nt; i++) tm[i] = t[i] / m->time_unit_days;
  for (int i = 0; i < m->neffect; i++) eff0[i] = m->effect[i].value;
  for (int twin = 0; twin < 8; twin++) {
    RandomTwin(m, &rng, &w);
    RandomRegimen(m, &rng, start, reff, &reg);
    PetscCall(TTSimCreate(m, w.par, &sim));
    PetscCall(TTSimCreate(&fd, w.par, &simfd));
    if (rtol > 0) {
      PetscCall(TTSimSetTolerances(sim, rtol, 1e-2 * rtol));
      PetscCall(TTSimSetTolerances(simfd, rtol, 1e-2 * rtol));
    }
    PetscCall(TTSimTrajectorySensitivityRegimen(sim, w.cov, w.eta, eff0, &reg, nt, tm, y, dy));
    PetscCall(TTSimTrajectorySensitivityRegimen(simfd, w.cov, w.eta, eff0, &reg, nt, tm, y2, dy2));
    for (int k = 0; k < nv; k++) { /* per variable, relative to its largest derivative and value */
      double d = 0.0, s = 0.0, dv = 0.0, sv = 0.0;
      for (int i = 0; i < nt; i++) {
        dv = fmax(dv, fabs(y[i * nv + k] - y2[i * nv + k])), sv = fmax(sv, fabs(y2[i * nv + k]));
        for (int l = 0; l < nl; l++) {
          int j = (i * nv + k) * nl + l;
          d = fmax(d, fabs(dy[j] - dy2[j])), s = fmax(s, fabs(dy2[j]));
        }
      }
      /* a variable that does not depend on eta (T2D's weight): both ~0 */
      TT_CHECK(d <= tol * s || (s < 1e-8 && d < 1e-8), "sensitivities with rhs_sens: those of differences of rhs");
      TT_CHECK(dv <= 100 * (rtol > 0 ? rtol : 1e-8) * sv, "values with rhs_sens: those without to the tolerance");
      if (s >= 1e-8) worst = fmax(worst, d / s);
      worst_y = fmax(worst_y, dv / sv);
    }
    PetscCall(TTSimDestroy(&sim));
    PetscCall(TTSimDestroy(&simfd));
  }
  printf("%s%s: sensitivities with rhs_sens / by differences of rhs, 8 twins through two switches: %.2g of the "
         "largest, values %.2g\n",
         m->name, rtol > 0 ? " at rtol 1e-6" : "", worst, worst_y);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const TTModelType *const *types;
  int                       n, nhook = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  n = tt_model_list(&types);
  for (int i = 0; i < n; i++) {
    const TTModelType *m = types[i];
    if (!m->rhs_sens) continue;
    nhook++;
    TT_CHECK(!tt_model_incomplete(m), "a model with rhs_sens is complete");
    TT_CHECK(m->nstate <= MAXS && m->nlatent <= MAXS && m->neffect <= MAXS && m->nvar <= MAXS && m->nparam <= 64,
             "sizes the test holds");
    if (m->nstate > MAXS || m->nlatent > MAXS || m->neffect > MAXS || m->nvar > MAXS || m->nparam > 64) continue;
    CheckModel(m);
    PetscCall(CheckSim(m, 0.0, 1e-7));
    PetscCall(CheckSim(m, 1e-6, 1e-6));
  }
  for (int i = 0; i < n; i++)
    if (types[i]->rhs_many && types[i]->nstate <= MAXS && types[i]->neffect <= MAXS && types[i]->nparam <= 64)
      CheckMany(types[i]);
  TT_CHECK(nhook >= 1, "t2d_hba1c has rhs_sens");
  {
    TTModelType bad      = *tt_model_find("t2d_hba1c");
    bad.rhs_sens_regimen = NULL;
    TT_CHECK(tt_model_incomplete(&bad) != NULL, "rhs_sens and rhs_regimen without rhs_sens_regimen: incomplete");
  }
  printf("%s: exact sensitivity right-hand sides, %d failures\n", tt_failures ? "FAIL" : "ok", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
