/* bench_sim.c — twin-arm simulations per core-second through twintrial's code path
 * against hand-written C floors of the same models over the same twins, at equal
 * accuracy (tests/bench/run.sh prints the table; see README "Performance").
 *
 *   AD (alzheimers_adas, closed form): TTSimTrajectory + model->observe with the
 *     trial's residual substreams, and the whole TTTrialSimulateTwin (covariates,
 *     dropout, prognostic score: more work, shown for information), against a plain
 *     loop of the closed form with per-twin and per-visit constants hoisted and the
 *     same Beta draws. Both give bitwise-identical observations (checked).
 *   T2D (t2d_hba1c, ODE): TTSimTrajectories with one twin's arms as the cases, as the
 *     trial calls it (one reused PETSc TS over the arms, RK5(4) DP, rtol 1e-8, infinity
 *     norm) + observe; for information each twin-arm alone (TTSimTrajectory, the path
 *     of models with doses). Against a fixed-step RK4 with a hand-written right-hand
 *     side and the largest step (equal sub-steps between visits) whose worst relative
 *     error at the visits is no larger than twintrial's, both measured against an RK4
 *     reference with a step of 1/16 day on the model's own rhs. Also, as experiments
 *     (not in src/sim: a twin's bits would depend on which twins share its block),
 *     larger blocks: one TS over B = 8, 64 and all twin-arms (infinity norm; rtol
 *     loosened from 1e-8 while the worst error stays within twintrial's).
 *   The T2D twin-arms are written as CSV (eta, effects, visits, TS outputs) for the
 *     deSolve comparison (t2d_lsoda.R).
 * Times are CPU seconds of this thread (CLOCK_THREAD_CPUTIME_ID); each kernel is run
 * in `rounds` rounds of at least `seconds` and the best round counts.
 * Output: "key value" lines on stdout.
 * usage: tt_bench_sim AD_PROTOCOL T2D_PROTOCOL [-ad_twins N] [-t2d_twins N]
 *        [-seconds S] [-rounds K] [-csv FILE] [-csv_twin_arms N]
 *        [-only ad_real|ad_floor|ad_twin|t2d_real|t2d_floor]   (one kernel for -seconds, to profile;
 *        t2d_floor then uses the 0.7109-day RK4 step found for tests/data/protocols/t2d_methods.yaml)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <petscts.h>
#include <twintrial/trial.h>

#define MAXV   TT_MAX_VISITS
#define MAXNV  16
#define MAXARM TT_MAX_ARMS

typedef struct {
  TTProtocol        *p;
  TTTrial            trial;
  const TTModelType *m;
  TTCohort           cohort;
  TTRecordLayout     L;
  double             par[TT_MAX_PARAMS + 16];
  double             eff[TT_MAX_ARMS][TT_MAX_EFFECTS];
  int                narm, nv, nvar, n;
  double             t[MAXV];
  double            *cov, *eta; /* [n][ncovariate], [n][nlatent] */
  PetscInt           r;         /* replicate the twins come from */
} Twins;

static double CpuNow(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static double Par(const Twins *T, const char *name)
{
  int k = tt_model_param_index(T->m->nparam, T->m->param, name);
  return k >= 0 ? T->par[k] : NAN;
}

static double Eff(const Twins *T, int a, const char *name)
{
  int k = tt_model_param_index(T->m->neffect, T->m->effect, name);
  return k >= 0 ? T->eff[a][k] : NAN;
}

/* The protocol's resolved parameters, arm effects, visit times and n twins of
 * replicate 0 (covariates from the cohort stream, random effects from the latent one),
 * exactly as TTTrialSimulateTwin makes them. */
static PetscErrorCode TwinsCreate(const char *path, PetscInt n, Twins *T)
{
  const TTModelType *m;
  PetscInt           ncov, idx[64];
  double            *x;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(T, sizeof(*T)));
  PetscCall(TTProtocolLoad(path, &T->p));
  PetscCall(TTTrialCreate(T->p, &T->trial));
  PetscCall(TTTrialGetModel(T->trial, &T->m));
  PetscCall(TTTrialGetCohort(T->trial, &T->cohort));
  PetscCall(TTTrialGetRecordLayout(T->trial, &T->L));
  m = T->m;
  PetscCheck(m->nparam <= TT_MAX_PARAMS + 16 && m->nvar <= MAXNV && m->ncovariate <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "model too large for the bench");
  for (int i = 0; i < m->nparam; i++) T->par[i] = m->param[i].value;
  for (int i = 0; i < T->p->nparam; i++)
    T->par[tt_model_param_index(m->nparam, m->param, T->p->param[i].key)] = T->p->param[i].value;
  T->narm = T->p->narm;
  for (int a = 0; a < T->narm; a++) {
    for (int i = 0; i < m->neffect; i++) T->eff[a][i] = m->effect[i].value;
    for (int i = 0; i < T->p->arm[a].neffect; i++)
      T->eff[a][tt_model_param_index(m->neffect, m->effect, T->p->arm[a].effect[i].key)] = T->p->arm[a].effect[i].value;
  }
  T->nv   = T->p->nvisit;
  T->nvar = m->nvar;
  for (int v = 0; v < T->nv; v++) T->t[v] = T->p->visit[v] * T->p->unit_in_days / m->time_unit_days;
  T->n = (int) n;
  PetscCall(TTCohortGetCovariates(T->cohort, &ncov, NULL));
  for (int j = 0; j < m->ncovariate; j++) PetscCall(TTCohortFindCovariate(T->cohort, m->covariate[j], &idx[j]));
  PetscCall(PetscMalloc1(ncov, &x));
  PetscCall(PetscMalloc2(n * (m->ncovariate + 1), &T->cov, n * (m->nlatent + 1), &T->eta));
  for (PetscInt i = 0; i < n; i++) {
    tt_pcg32 g;
    PetscCall(TTCohortDraw(T->cohort, T->p->seed, T->r, i, x, NULL));
    for (int j = 0; j < m->ncovariate; j++) T->cov[i * m->ncovariate + j] = x[idx[j]];
    tt_rng_substream(&g, T->p->seed, (uint64_t) T->r, (uint64_t) i, TT_STREAM_LATENT);
    m->draw_latent(T->par, &g, T->eta + i * m->nlatent);
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(0);
}

static PetscErrorCode TwinsDestroy(Twins *T)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(T->cov, T->eta));
  PetscCall(TTTrialDestroy(&T->trial));
  PetscCall(TTProtocolDestroy(&T->p));
  PetscFunctionReturn(0);
}

static const double *Cov(const Twins *T, int i)
{
  return T->cov + i * T->m->ncovariate;
}
static const double *Eta(const Twins *T, int i)
{
  return T->eta + i * T->m->nlatent;
}

/* ---- kernels: each fills out[n][narm][nv][nvar] (observed) when out != NULL ---- */

typedef PetscErrorCode (*Kernel)(void *ctx, double *out, double *sum);

/* The real path: TTSimTrajectory + model->observe with the trial's residual streams. */
typedef struct {
  Twins    *T;
  TTSim     sim;
  PetscBool one_by_one; /* each twin-arm alone (TTSimTrajectory: the path of dosing models) */
} RealCtx;

/* One twin's noise-free trajectories under every arm, y[narm][nv][nvar], as the trial
 * makes them: one TTSimTrajectories call with the arms as its cases. */
static PetscErrorCode TwinMeans(Twins *T, TTSim sim, int i, double *y)
{
  TTSimCase cases[MAXARM];

  PetscFunctionBeginUser;
  for (int a = 0; a < T->narm; a++) cases[a] = (TTSimCase){Cov(T, i), Eta(T, i), T->eff[a], NULL};
  PetscCall(TTSimTrajectories(sim, T->narm, cases, T->nv, T->t, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode RealKernel(void *ctx, double *out, double *sum)
{
  RealCtx *c = (RealCtx *) ctx;
  Twins   *T = c->T;
  double   ymean[MAXARM * MAXV * MAXNV], yobs[MAXV * MAXNV], s = 0;

  PetscFunctionBeginUser;
  for (int i = 0; i < T->n; i++) {
    if (c->one_by_one)
      for (int a = 0; a < T->narm; a++)
        PetscCall(TTSimTrajectory(c->sim, Cov(T, i), Eta(T, i), T->eff[a], T->nv, T->t, ymean + a * T->nv * T->nvar));
    else
      PetscCall(TwinMeans(T, c->sim, i, ymean));
    for (int a = 0; a < T->narm; a++) {
      for (int v = 0; v < T->nv; v++) {
        tt_pcg32 g;
        tt_rng_substream(&g, T->p->seed, (uint64_t) T->r, (uint64_t) i, TT_STREAM_RESIDUAL + (uint64_t) v);
        T->m->observe(T->par, ymean + (a * T->nv + v) * T->nvar, &g, yobs + v * T->nvar);
      }
      for (int k = 0; k < T->nv * T->nvar; k++) s += yobs[k];
      if (out) PetscCall(PetscArraycpy(out + (i * T->narm + a) * T->nv * T->nvar, yobs, T->nv * T->nvar));
    }
  }
  *sum = s;
  PetscFunctionReturn(0);
}

/* The whole twin: TTTrialSimulateTwin (every arm, cohort, dropout, prognosis). */
typedef struct {
  Twins  *T;
  TTSim   sim;
  double *rec;
} TwinCtx;

static PetscErrorCode TwinKernel(void *ctx, double *out, double *sum)
{
  TwinCtx *c = (TwinCtx *) ctx;
  Twins   *T = c->T;
  double   s = 0;

  PetscFunctionBeginUser;
  for (int i = 0; i < T->n; i++) {
    PetscCall(TTTrialSimulateTwin(T->trial, c->sim, T->r, i, c->rec));
    for (int a = 0; a < T->narm; a++) {
      const double *y = TTRecordTraj(&T->L, c->rec, a);
      for (int k = 0; k < T->nv * T->nvar; k++) s += y[k];
      if (out) PetscCall(PetscArraycpy(out + (i * T->narm + a) * T->nv * T->nvar, y, T->nv * T->nvar));
    }
  }
  *sum = s;
  PetscFunctionReturn(0);
}

/* ---- AD floor: the closed form written out, constants hoisted, same Beta draws ---- */
static inline double Clamp(double x, double lo, double hi)
{
  return x < lo ? lo : (x > hi ? hi : x);
}

typedef struct {
  Twins *T;
  double bl, sl, s, male_bl, apoe_bl, age_sl, apoe_sl, nomed_sl, tau;
  double pbo[MAXV], drug[TT_MAX_ARMS][MAXV], tv[MAXV], dm[TT_MAX_ARMS];
} ADFloor;

static void ADFloorSetUp(ADFloor *f, Twins *T)
{
  const double wpy = 365.25 / 7.0;
  f->T             = T;
  f->bl = Par(T, "baseline"), f->sl = Par(T, "slope"), f->s = Par(T, "shape");
  f->male_bl = Par(T, "male_on_baseline"), f->apoe_bl = Par(T, "apoe4_on_baseline");
  f->age_sl = Par(T, "age_on_slope"), f->apoe_sl = Par(T, "apoe4_on_slope"), f->nomed_sl = Par(T, "no_ache_on_slope");
  f->tau = Par(T, "beta_precision");
  for (int v = 0; v < T->nv; v++) {
    double t = T->t[v], tw = t * wpy;
    f->tv[v]  = t;
    f->pbo[v] = -Par(T, "placebo_beta") * (exp(-Par(T, "placebo_kel") * t) - exp(-Par(T, "placebo_keq") * t));
    for (int a = 0; a < T->narm; a++) {
      double emax = Eff(T, a, "symptomatic_emax"), et50 = Eff(T, a, "symptomatic_et50_weeks");
      f->drug[a][v] = tw > 0.0 ? -emax * tw / (et50 + tw) / 70.0 : 0.0;
    }
  }
  for (int a = 0; a < T->narm; a++) f->dm[a] = Eff(T, a, "disease_modifying_fraction");
}

static PetscErrorCode ADFloorKernel(void *ctx, double *out, double *sum)
{
  ADFloor *f = (ADFloor *) ctx;
  Twins   *T = f->T;
  double   s = 0, y[MAXV];

  PetscFunctionBeginUser;
  for (int i = 0; i < T->n; i++) {
    const double *cov = Cov(T, i), *eta = Eta(T, i); /* age, male, apoe4, on_ache; eta_bl, eta_sl */
    double        blp = f->bl * (cov[1] > 0.5 ? f->male_bl : 1.0) * (1.0 + f->apoe_bl * (cov[2] - 0.72));
    double        slp = f->sl * (1.0 - f->age_sl * (cov[0] - 75.0)) * (1.0 + f->apoe_sl * (cov[2] - 0.72));
    double        b = Clamp(blp * exp(eta[0]) / 70.0, 1e-6, 0.999), bs = pow(b, f->s), is = 1.0 / f->s;
    if (!(cov[3] > 0.5)) slp *= f->nomed_sl;
    for (int a = 0; a < T->narm; a++) {
      double sl = (slp + eta[1]) * (1.0 - f->dm[a]);
      for (int v = 0; v < T->nv; v++) {
        double   mu = b / pow(bs + (1.0 - bs) * exp(-f->s * sl * f->tv[v]), is);
        double   m  = 70.0 * Clamp(mu + f->pbo[v] + f->drug[a][v], 1e-6, 1.0 - 1e-6);
        tt_pcg32 g;
        m = Clamp(m / 70.0, 1e-6, 1.0 - 1e-6);
        tt_rng_substream(&g, T->p->seed, (uint64_t) T->r, (uint64_t) i, TT_STREAM_RESIDUAL + (uint64_t) v);
        y[v] = 70.0 * tt_rng_beta(&g, m * f->tau, (1.0 - m) * f->tau);
        s += y[v];
      }
      if (out) PetscCall(PetscArraycpy(out + (i * T->narm + a) * T->nv, y, T->nv));
    }
  }
  *sum = s;
  PetscFunctionReturn(0);
}

/* ---- T2D floor: fixed-step RK4, hand-written right-hand side ---- */
#define LN2 0.69314718055994530942

typedef struct {
  Twins *T;
  double is0, b0, rb, wt_is, kin, ppg, mtt, wt0, wthalf, sd[4]; /* sd: hba1c, fpg, fsi, weight */
  double e[TT_MAX_ARMS][8];                                     /* S, thS, G, thG, P, thP, W, thW */
  int    nsub[MAXV];                                            /* RK4 sub-steps in (t[v-1], t[v]] */
  int    use_model_rhs;                                         /* reference: the model's own rhs */
} T2DFloor;

/* e (1 - exp(-ln2 t / th)) or e */
static inline double Onset(double e, double th, double t)
{
  return th > 0.0 ? e * (1.0 - exp(-LN2 * t / th)) : e;
}

typedef struct {
  double        isb, bb0, rbi, k, cw, kin, ppg, wt_is;
  const double *e;
} T2DTwin;

static inline void T2DGlucose(const T2DTwin *w, double t, const double *u, double *fpg, double *fsi)
{
  double wfac = fmax(1.0 - w->wt_is * u[1], 0.05);
  double is   = w->isb * wfac * (1.0 + Onset(w->e[0], w->e[1], t));
  double b    = 1.0 / (1.0 + exp(w->bb0 + u[0])) * (1.0 + Onset(w->e[2], w->e[3], t));
  double q    = 35.1 / (7.8 * is * b);
  *fpg        = 0.5 * (3.5 + sqrt(3.5 * 3.5 + 4.0 * q));
  *fsi        = 7.8 * b * (*fpg - 3.5);
}

static inline void T2DRhs(const T2DTwin *w, double t, const double *u, double *f)
{
  double fpg, fsi;
  T2DGlucose(w, t, u, &fpg, &fsi);
  f[0] = w->rbi * (1.0 - Onset(w->e[4], w->e[5], t));
  f[1] = w->cw * (Onset(w->e[6], w->e[7], t) - u[1]);
  f[2] = w->kin * fpg + w->ppg - w->k * u[2];
  f[3] = w->k * (u[2] - u[3]);
  f[4] = w->k * (u[3] - u[4]);
}

static void T2DFloorSetUp(T2DFloor *f, Twins *T)
{
  static const char *en[8] = {"sensitizer_fraction",     "sensitizer_onset_days",   "secretagogue_fraction",
                              "secretagogue_onset_days", "protection_fraction",     "protection_onset_days",
                              "weight_change_kg",        "weight_change_onset_days"};
  f->T                     = T;
  f->is0 = Par(T, "is0"), f->b0 = Par(T, "b0"), f->rb = Par(T, "rb"), f->wt_is = Par(T, "weight_on_is");
  f->kin = Par(T, "hba1c_kin"), f->ppg = Par(T, "hba1c_ppg"), f->mtt = Par(T, "hba1c_mtt");
  f->wt0 = Par(T, "weight_baseline"), f->wthalf = Par(T, "weight_half_life");
  f->sd[0] = sqrt(Par(T, "resvar_hba1c")), f->sd[1] = sqrt(Par(T, "resvar_fpg"));
  f->sd[2] = sqrt(Par(T, "resvar_fsi")), f->sd[3] = sqrt(Par(T, "resvar_weight"));
  for (int a = 0; a < T->narm; a++)
    for (int k = 0; k < 8; k++) f->e[a][k] = Eff(T, a, en[k]);
}

/* Sub-steps per visit interval for a nominal step h (days). */
static void T2DFloorSetStep(T2DFloor *f, double h)
{
  for (int v = 1; v < f->T->nv; v++) f->nsub[v] = (int) ceil((f->T->t[v] - f->T->t[v - 1]) / h - 1e-9);
}

/* Noise-free trajectory ymean[nv][4] of twin i under arm a by RK4. */
static void T2DFloorTrajectory(const T2DFloor *f, int i, int a, double *ymean)
{
  const Twins  *T   = f->T;
  const double *eta = Eta(T, i);
  T2DTwin       w;
  double        u[5], k1[5], k2[5], k3[5], k4[5], tmp[5], t = 0.0, fpg, fsi;

  w.isb = 1.0 / (1.0 + exp(f->is0 + eta[0])), w.bb0 = f->b0 + eta[1], w.rbi = (f->rb + eta[2]) / 365.25;
  w.k = 3.0 / f->mtt, w.cw = LN2 / f->wthalf, w.kin = f->kin, w.ppg = f->ppg, w.wt_is = f->wt_is, w.e = f->e[a];
  if (f->use_model_rhs)
    T->m->initial(T->par, NULL, eta, T->eff[a], u);
  else {
    double q = 35.1 / (7.8 * w.isb * (1.0 / (1.0 + exp(w.bb0)))), g0 = 0.5 * (3.5 + sqrt(3.5 * 3.5 + 4.0 * q));
    u[0] = u[1] = 0.0;
    u[2] = u[3] = u[4] = (f->kin * g0 + f->ppg) * f->mtt / 3.0;
  }
  for (int v = 0; v < T->nv; v++) {
    if (v > 0) {
      double h = (T->t[v] - T->t[v - 1]) / f->nsub[v], t0 = T->t[v - 1];
      for (int s = 0; s < f->nsub[v]; s++) {
        t = t0 + s * h;
        if (f->use_model_rhs) {
          const double *par = T->par, *ef = T->eff[a];
          T->m->rhs(par, NULL, eta, ef, t, u, k1);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + 0.5 * h * k1[j];
          T->m->rhs(par, NULL, eta, ef, t + 0.5 * h, tmp, k2);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + 0.5 * h * k2[j];
          T->m->rhs(par, NULL, eta, ef, t + 0.5 * h, tmp, k3);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + h * k3[j];
          T->m->rhs(par, NULL, eta, ef, t + h, tmp, k4);
        } else {
          T2DRhs(&w, t, u, k1);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + 0.5 * h * k1[j];
          T2DRhs(&w, t + 0.5 * h, tmp, k2);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + 0.5 * h * k2[j];
          T2DRhs(&w, t + 0.5 * h, tmp, k3);
          for (int j = 0; j < 5; j++) tmp[j] = u[j] + h * k3[j];
          T2DRhs(&w, t + h, tmp, k4);
        }
        for (int j = 0; j < 5; j++) u[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
      }
    }
    t = T->t[v];
    if (f->use_model_rhs)
      T->m->output(T->par, NULL, eta, T->eff[a], t, u, ymean + 4 * v);
    else {
      T2DGlucose(&w, t, u, &fpg, &fsi);
      ymean[4 * v + 0] = u[2] + u[3] + u[4];
      ymean[4 * v + 1] = fpg;
      ymean[4 * v + 2] = fsi;
      ymean[4 * v + 3] = f->wt0 + u[1];
    }
  }
}

static PetscErrorCode T2DFloorKernel(void *ctx, double *out, double *sum)
{
  T2DFloor *f = (T2DFloor *) ctx;
  Twins    *T = f->T;
  double    ymean[MAXV * 4], s = 0;

  PetscFunctionBeginUser;
  for (int i = 0; i < T->n; i++)
    for (int a = 0; a < T->narm; a++) {
      T2DFloorTrajectory(f, i, a, ymean);
      for (int v = 0; v < T->nv; v++) {
        tt_pcg32 g;
        tt_rng_substream(&g, T->p->seed, (uint64_t) T->r, (uint64_t) i, TT_STREAM_RESIDUAL + (uint64_t) v);
        for (int k = 0; k < 4; k++) {
          double y = ymean[4 * v + k] * exp(f->sd[k] * tt_rng_normal(&g));
          s += y;
          if (out) out[((i * T->narm + a) * T->nv + v) * 4 + k] = y;
        }
      }
    }
  *sum = s;
  PetscFunctionReturn(0);
}

/* Noise-free trajectories of every twin-arm: by the sim (TS) or by RK4. */
static PetscErrorCode T2DMeans(Twins *T, TTSim sim, T2DFloor *f, double *y)
{
  PetscFunctionBeginUser;
  for (int i = 0; i < T->n; i++) {
    if (sim)
      PetscCall(TwinMeans(T, sim, i, y + i * T->narm * T->nv * 4));
    else
      for (int a = 0; a < T->narm; a++) T2DFloorTrajectory(f, i, a, y + (i * T->narm + a) * T->nv * 4);
  }
  PetscFunctionReturn(0);
}

typedef struct {
  Twins  *T;
  TTSim   sim;
  double *y;
} MeansCtx;

static PetscErrorCode MeansKernel(void *ctx, double *out, double *sum)
{
  MeansCtx *c = (MeansCtx *) ctx;

  PetscFunctionBeginUser;
  (void) out;
  PetscCall(T2DMeans(c->T, c->sim, NULL, c->y));
  *sum = c->y[0];
  PetscFunctionReturn(0);
}

static double MaxRelErr(int n, const double *y, const double *ref)
{
  double e = 0;
  for (int k = 0; k < n; k++) e = fmax(e, fabs(y[k] - ref[k]) / fmax(fabs(ref[k]), 1e-300));
  return e;
}

/* ---- batched TS: one TS over B twin-arms, state [B][5] ---- */
typedef struct {
  Twins   *T;
  int      B, nb; /* twin-arms per block, in this block */
  int      first; /* first twin-arm index (i * narm + a) of the block */
  TS       ts;
  Vec      u;
  PetscInt nrhs;
  double   sum;
} Batch;

static PetscErrorCode BatchRHS(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  Batch             *b = (Batch *) ctx;
  Twins             *T = b->T;
  const PetscScalar *u;
  PetscScalar       *f;

  PetscFunctionBeginUser;
  (void) ts;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(VecGetArray(F, &f));
  for (int k = 0; k < b->nb; k++) {
    int q = b->first + k, i = q / T->narm, a = q % T->narm;
    T->m->rhs(T->par, NULL, Eta(T, i), T->eff[a], t, u + 5 * k, f + 5 * k);
  }
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(U, &u));
  b->nrhs++;
  PetscFunctionReturn(0);
}

static PetscErrorCode BatchSetUp(Batch *b, Twins *T, int B, double rtol)
{
  PetscFunctionBeginUser;
  b->T = T, b->B = B;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 5 * B, &b->u));
  PetscCall(TSCreate(PETSC_COMM_SELF, &b->ts));
  PetscCall(TSSetProblemType(b->ts, TS_NONLINEAR));
  PetscCall(TSSetType(b->ts, TSRK));
  PetscCall(TSRKSetType(b->ts, TSRK5DP));
  PetscCall(TSSetRHSFunction(b->ts, NULL, BatchRHS, b));
  PetscCall(TSSetExactFinalTime(b->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetMaxSteps(b->ts, 1000000));
  PetscCall(TSSetOptionsPrefix(b->ts, "bench_batch_"));
  PetscCall(TSSetFromOptions(b->ts)); /* -bench_batch_ts_adapt_wnormtype infinity is set by main */
  PetscCall(TSSetTolerances(b->ts, 1e-2 * rtol, NULL, rtol, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode BatchDestroy(Batch *b)
{
  PetscFunctionBeginUser;
  PetscCall(TSDestroy(&b->ts));
  PetscCall(VecDestroy(&b->u));
  PetscFunctionReturn(0);
}

/* Every twin-arm, in blocks of B: y[q][nv][4] noise-free. */
static PetscErrorCode BatchMeans(Batch *b, double *y)
{
  Twins *T  = b->T;
  int    nq = T->n * T->narm;

  PetscFunctionBeginUser;
  for (b->first = 0; b->first < nq; b->first += b->B) {
    PetscScalar       *u;
    const PetscScalar *uc;
    b->nb = PetscMin(b->B, nq - b->first);
    PetscCall(VecGetArray(b->u, &u));
    for (int k = 0; k < b->B; k++) {
      int q = b->first + PetscMin(k, b->nb - 1), i = q / T->narm, a = q % T->narm;
      T->m->initial(T->par, NULL, Eta(T, i), T->eff[a], u + 5 * k);
    }
    PetscCall(VecRestoreArray(b->u, &u));
    PetscCall(TSSetTime(b->ts, 0.0));
    PetscCall(TSSetStepNumber(b->ts, 0));
    PetscCall(TSSetTimeStep(b->ts, 1e-3 * T->t[T->nv - 1]));
    PetscCall(TSRestartStep(b->ts));
    for (int v = 0; v < T->nv; v++) {
      if (T->t[v] > 0) {
        TSConvergedReason reason;
        PetscCall(TSSetMaxTime(b->ts, T->t[v]));
        PetscCall(TSSolve(b->ts, b->u));
        PetscCall(TSGetConvergedReason(b->ts, &reason));
        PetscCheck(reason >= 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED, "batched TS failed");
      }
      PetscCall(VecGetArrayRead(b->u, &uc));
      for (int k = 0; k < b->nb; k++) {
        int q = b->first + k, i = q / T->narm, a = q % T->narm;
        T->m->output(T->par, NULL, Eta(T, i), T->eff[a], T->t[v], uc + 5 * k, y + (q * T->nv + v) * 4);
      }
      PetscCall(VecRestoreArrayRead(b->u, &uc));
    }
  }
  PetscFunctionReturn(0);
}

typedef struct {
  Batch  *b;
  double *ymean; /* scratch [nq][nv][4] */
} BatchCtx;

static PetscErrorCode BatchKernel(void *ctx, double *out, double *sum)
{
  BatchCtx *c = (BatchCtx *) ctx;
  Twins    *T = c->b->T;
  double    s = 0;

  PetscFunctionBeginUser;
  PetscCall(BatchMeans(c->b, c->ymean));
  for (int i = 0; i < T->n; i++)
    for (int a = 0; a < T->narm; a++)
      for (int v = 0; v < T->nv; v++) {
        const double *ym = c->ymean + ((i * T->narm + a) * T->nv + v) * 4;
        double        yo[MAXNV];
        tt_pcg32      g;
        tt_rng_substream(&g, T->p->seed, (uint64_t) T->r, (uint64_t) i, TT_STREAM_RESIDUAL + (uint64_t) v);
        T->m->observe(T->par, ym, &g, yo);
        for (int k = 0; k < 4; k++) {
          s += yo[k];
          if (out) out[((i * T->narm + a) * T->nv + v) * 4 + k] = yo[k];
        }
      }
  *sum = s;
  PetscFunctionReturn(0);
}

/* Best (lowest) CPU seconds per call of kernel over `rounds` rounds of >= `seconds`. */
static PetscErrorCode Time(Kernel k, void *ctx, double seconds, int rounds, double *best)
{
  double sum;

  PetscFunctionBeginUser;
  *best = INFINITY;
  PetscCall(k(ctx, NULL, &sum)); /* warm up */
  for (int r = 0; r < rounds; r++) {
    double t0    = CpuNow(), t;
    int    calls = 0;
    do {
      PetscCall(k(ctx, NULL, &sum));
      calls++;
      t = CpuNow() - t0;
    } while (t < seconds);
    *best = PetscMin(*best, t / calls);
  }
  PetscFunctionReturn(0);
}

static double MaxAbsDiff(int n, const double *a, const double *b)
{
  double d = 0;
  for (int k = 0; k < n; k++) d = fmax(d, fabs(a[k] - b[k]));
  return d;
}

int main(int argc, char **argv)
{
  Twins     ad, t2;
  PetscInt  n_ad = 2000, n_t2 = 300, rounds = 3, csv_n = 150;
  PetscReal seconds                 = 0.3;
  char      csv[PETSC_MAX_PATH_LEN] = "", only[32] = "";
  PetscBool has_csv;
  double    sec, sec_floor, sec_twin, sum;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 3 && argv[1][0] != '-' && argv[2][0] != '-', PETSC_COMM_SELF, PETSC_ERR_USER,
             "usage: tt_bench_sim AD_PROTOCOL T2D_PROTOCOL [-ad_twins N] [-t2d_twins N] [-seconds S] [-rounds K] "
             "[-csv FILE] [-csv_twin_arms N]");
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-ad_twins", &n_ad, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-t2d_twins", &n_t2, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-rounds", &rounds, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-csv_twin_arms", &csv_n, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-seconds", &seconds, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-csv", csv, sizeof(csv), &has_csv));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-only", only, sizeof(only), NULL));
  if (only[0]) {
    Twins    T;
    RealCtx  rc;
    TwinCtx  tc;
    ADFloor  af;
    T2DFloor tf;
    int      is_ad = !strncmp(only, "ad_", 3);
    Kernel   k     = NULL;
    void    *ctx   = NULL;
    PetscCall(TwinsCreate(argv[is_ad ? 1 : 2], is_ad ? n_ad : n_t2, &T));
    PetscCall(TTTrialCreateSim(T.trial, &rc.sim));
    rc.T = tc.T = &T, tc.sim = rc.sim, rc.one_by_one = PETSC_FALSE;
    PetscCall(PetscMalloc1(T.L.size, &tc.rec));
    if (!strcmp(only, "ad_real") || !strcmp(only, "t2d_real")) k = RealKernel, ctx = &rc;
    if (!strcmp(only, "ad_twin")) k = TwinKernel, ctx = &tc;
    if (!strcmp(only, "ad_floor")) ADFloorSetUp(&af, &T), k = ADFloorKernel, ctx = &af;
    if (!strcmp(only, "t2d_floor")) T2DFloorSetUp(&tf, &T), T2DFloorSetStep(&tf, 0.7109), k = T2DFloorKernel, ctx = &tf;
    PetscCheck(k, PETSC_COMM_SELF, PETSC_ERR_USER, "-only %s: unknown kernel", only);
    PetscCall(Time(k, ctx, seconds, 1, &sec));
    printf("%s_s_per_call %.6g\n", only, sec);
    PetscCall(PetscFree(tc.rec));
    PetscCall(TTSimDestroy(&rc.sim));
    PetscCall(TwinsDestroy(&T));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(PetscOptionsSetValue(NULL, "-bench_batch_ts_adapt_wnormtype", "infinity"));

  /* ---------------- AD, closed form ---------------- */
  {
    RealCtx rc;
    TwinCtx tc;
    ADFloor fl;
    int     nobs;
    double *o_real, *o_floor, *o_twin;

    PetscCall(TwinsCreate(argv[1], n_ad, &ad));
    PetscCheck(!strcmp(ad.m->name, "alzheimers_adas"), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: not alzheimers_adas",
               argv[1]);
    nobs = ad.n * ad.narm * ad.nv;
    PetscCall(PetscMalloc3(nobs, &o_real, nobs, &o_floor, nobs, &o_twin));
    rc.T          = &ad;
    rc.one_by_one = PETSC_FALSE;
    PetscCall(TTTrialCreateSim(ad.trial, &rc.sim));
    tc.T   = &ad;
    tc.sim = rc.sim;
    PetscCall(PetscMalloc1(ad.L.size, &tc.rec));
    ADFloorSetUp(&fl, &ad);
    PetscCall(RealKernel(&rc, o_real, &sum));
    PetscCall(ADFloorKernel(&fl, o_floor, &sum));
    PetscCall(TwinKernel(&tc, o_twin, &sum));
    printf("ad_twins %d\nad_arms %d\nad_visits %d\n", ad.n, ad.narm, ad.nv);
    printf("ad_floor_max_abs_diff %.3g\n", MaxAbsDiff(nobs, o_real, o_floor));
    printf("ad_twin_max_abs_diff %.3g\n", MaxAbsDiff(nobs, o_real, o_twin));
    PetscCall(Time(RealKernel, &rc, seconds, (int) rounds, &sec));
    PetscCall(Time(ADFloorKernel, &fl, seconds, (int) rounds, &sec_floor));
    PetscCall(Time(TwinKernel, &tc, seconds, (int) rounds, &sec_twin));
    printf("ad_real_per_core_s %.6g\n", ad.n * ad.narm / sec);
    printf("ad_floor_per_core_s %.6g\n", ad.n * ad.narm / sec_floor);
    printf("ad_twin_per_core_s %.6g\n", ad.n * ad.narm / sec_twin);
    PetscCall(TTSimDestroy(&rc.sim));
    PetscCall(PetscFree(tc.rec));
    PetscCall(PetscFree3(o_real, o_floor, o_twin));
    PetscCall(TwinsDestroy(&ad));
  }

  /* ---------------- T2D, ODE ---------------- */
  {
    RealCtx  rc;
    T2DFloor fl, ref;
    int      nq, ny, nsteps[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
    double  *y_ref, *y_ts, *y_rk, *y_ref2, err_ts, err_rk = INFINITY, h = NAN, err_ref, *o_real, *o_floor;
    PetscInt nrhs0, nrhs1;

    PetscCall(TwinsCreate(argv[2], n_t2, &t2));
    PetscCheck(!strcmp(t2.m->name, "t2d_hba1c"), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: not t2d_hba1c", argv[2]);
    nq = t2.n * t2.narm;
    ny = nq * t2.nv * 4;
    PetscCall(PetscMalloc6(ny, &y_ref, ny, &y_ts, ny, &y_rk, ny, &y_ref2, ny, &o_real, ny, &o_floor));
    rc.T          = &t2;
    rc.one_by_one = PETSC_FALSE;
    PetscCall(TTTrialCreateSim(t2.trial, &rc.sim));
    /* reference: RK4 on the model's rhs, 1/16 day (checked against 1/32 day) */
    T2DFloorSetUp(&ref, &t2);
    ref.use_model_rhs = 1;
    T2DFloorSetStep(&ref, 1.0 / 16);
    PetscCall(T2DMeans(&t2, NULL, &ref, y_ref));
    T2DFloorSetStep(&ref, 1.0 / 32);
    PetscCall(T2DMeans(&t2, NULL, &ref, y_ref2));
    err_ref = MaxRelErr(ny, y_ref, y_ref2);
    PetscCall(TTSimGetStats(rc.sim, &nrhs0));
    PetscCall(T2DMeans(&t2, rc.sim, NULL, y_ts));
    PetscCall(TTSimGetStats(rc.sim, &nrhs1));
    err_ts = MaxRelErr(ny, y_ts, y_ref);
    /* floor: the largest RK4 step at least as accurate as the TS */
    T2DFloorSetUp(&fl, &t2);
    for (size_t j = 0; j < sizeof nsteps / sizeof nsteps[0]; j++) {
      h = (t2.t[t2.nv - 1] - t2.t[0]) / nsteps[j];
      T2DFloorSetStep(&fl, h);
      PetscCall(T2DMeans(&t2, NULL, &fl, y_rk));
      err_rk = MaxRelErr(ny, y_rk, y_ref);
      if (err_rk <= err_ts) break;
    }
    printf("t2d_twins %d\nt2d_arms %d\nt2d_visits %d\n", t2.n, t2.narm, t2.nv);
    printf("t2d_ref_self_err %.3g\n", err_ref);
    printf("t2d_ts_err %.3g\nt2d_ts_rhs_per_twin_arm %.1f\n", err_ts, (double) (nrhs1 - nrhs0) / nq);
    printf("t2d_rk4_h_days %.4g\nt2d_rk4_err %.3g\nt2d_rk4_rhs_per_twin_arm %d\n", h, err_rk,
           4 * (int) ceil((t2.t[t2.nv - 1] - t2.t[0]) / h - 1e-9));
    PetscCall(RealKernel(&rc, o_real, &sum));
    PetscCall(T2DFloorKernel(&fl, o_floor, &sum));
    printf("t2d_floor_vs_real_max_rel_diff %.3g\n", MaxRelErr(ny, o_floor, o_real));
    PetscCall(Time(RealKernel, &rc, seconds, (int) rounds, &sec));
    PetscCall(Time(T2DFloorKernel, &fl, seconds, (int) rounds, &sec_floor));
    printf("t2d_real_per_core_s %.6g\nt2d_floor_per_core_s %.6g\n", nq / sec, nq / sec_floor);
    /* each twin-arm alone (the path of models with doses): speed and accuracy */
    {
      double err_one = 0;
      for (int i = 0; i < t2.n; i++)
        for (int a = 0; a < t2.narm; a++)
          PetscCall(
              TTSimTrajectory(rc.sim, NULL, Eta(&t2, i), t2.eff[a], t2.nv, t2.t, y_rk + (i * t2.narm + a) * t2.nv * 4));
      err_one       = MaxRelErr(ny, y_rk, y_ref);
      rc.one_by_one = PETSC_TRUE;
      PetscCall(Time(RealKernel, &rc, seconds, (int) rounds, &sec));
      rc.one_by_one = PETSC_FALSE;
      printf("t2d_one_by_one_per_core_s %.6g\nt2d_one_by_one_err %.3g\n", nq / sec, err_one);
    }
    /* integration alone (no observation draws): what the deSolve comparison measures */
    {
      MeansCtx mc = {&t2, rc.sim, y_rk};
      PetscCall(Time(MeansKernel, &mc, seconds, (int) rounds, &sec));
      printf("t2d_ts_integrate_s_per_twin_arm %.6g\n", sec / nq);
    }
    /* batched TS over blocks of B twin-arms */
    {
      int Bs[3] = {8, 64, nq};
      for (int j = 0; j < 3; j++) {
        Batch    b;
        BatchCtx bc;
        double   err_b = INFINITY, rtol = 1e-8;
        /* equal accuracy: the loosest rtol (doubling from the scalar's 1e-8) whose worst error
           is no larger than the scalar TS's */
        for (double r = 1e-8; r < 1e-5; r *= 2) {
          double e;
          PetscCall(BatchSetUp(&b, &t2, Bs[j], r));
          PetscCall(BatchMeans(&b, y_rk));
          e = MaxRelErr(ny, y_rk, y_ref);
          PetscCall(BatchDestroy(&b));
          if (e > err_ts) break;
          rtol = r, err_b = e;
        }
        PetscCall(BatchSetUp(&b, &t2, Bs[j], rtol));
        bc.b     = &b;
        bc.ymean = y_rk;
        PetscCall(Time(BatchKernel, &bc, seconds, (int) rounds, &sec));
        printf("t2d_batch%d_B %d\nt2d_batch%d_per_core_s %.6g\nt2d_batch%d_err %.3g\nt2d_batch%d_rtol %.3g\n", j, Bs[j],
               j, nq / sec, j, err_b, j, rtol);
        PetscCall(BatchDestroy(&b));
      }
      /* does a twin's batched trajectory depend on its block mates? block of B=8 vs B=64 */
      {
        Batch b8, b64;
        PetscCall(BatchSetUp(&b8, &t2, 8, 1e-8));
        PetscCall(BatchSetUp(&b64, &t2, 64, 1e-8));
        PetscCall(BatchMeans(&b8, y_rk));
        PetscCall(BatchMeans(&b64, y_ref2));
        printf("t2d_batch_block_dependence_max_rel %.3g\n", MaxRelErr(ny, y_rk, y_ref2));
        printf("t2d_scalar_vs_batch8_max_rel %.3g\n", MaxRelErr(ny, y_rk, y_ts));
        PetscCall(BatchDestroy(&b8));
        PetscCall(BatchDestroy(&b64));
      }
    }
    /* twin-arms for deSolve: inputs and the TS trajectories */
    if (has_csv && csv[0]) {
      static const char *en[8] = {"sensitizer_fraction",     "sensitizer_onset_days",   "secretagogue_fraction",
                                  "secretagogue_onset_days", "protection_fraction",     "protection_onset_days",
                                  "weight_change_kg",        "weight_change_onset_days"};
      FILE              *fp    = fopen(csv, "w");
      PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", csv);
      fprintf(fp, "case,eta_is,eta_b,eta_rb");
      for (int k = 0; k < 8; k++) fprintf(fp, ",%s", en[k]);
      fprintf(fp, ",time,hba1c,fpg,fsi,weight\n");
      for (int q = 0; q < PetscMin(nq, (int) csv_n); q++) {
        int i = q / t2.narm, a = q % t2.narm;
        for (int v = 0; v < t2.nv; v++) {
          fprintf(fp, "%d,%.17g,%.17g,%.17g", q, Eta(&t2, i)[0], Eta(&t2, i)[1], Eta(&t2, i)[2]);
          for (int k = 0; k < 8; k++) fprintf(fp, ",%.17g", Eff(&t2, a, en[k]));
          fprintf(fp, ",%.17g", t2.t[v]);
          for (int k = 0; k < 4; k++) fprintf(fp, ",%.17g", y_ts[(q * t2.nv + v) * 4 + k]);
          fprintf(fp, "\n");
        }
      }
      fclose(fp);
      {
        char par[PETSC_MAX_PATH_LEN + 8];
        snprintf(par, sizeof(par), "%s.par", csv);
        fp = fopen(par, "w");
        PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", par);
        fprintf(fp, "name,value\n");
        for (int k = 0; k < t2.m->nparam; k++) fprintf(fp, "%s,%.17g\n", t2.m->param[k].name, t2.par[k]);
        fclose(fp);
      }
    }
    PetscCall(TTSimDestroy(&rc.sim));
    PetscCall(PetscFree6(y_ref, y_ts, y_rk, y_ref2, o_real, o_floor));
    PetscCall(TwinsDestroy(&t2));
  }
  PetscCall(PetscFinalize());
  return 0;
}
