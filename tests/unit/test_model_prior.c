/* test_model_prior.c — the random effects' prior and the untreated course before
 * randomisation, for every shipped model: omega (with its truncation bounds) is the
 * covariance draw_latent draws from (10^5 draws, each element within 5 Monte Carlo SE;
 * a truncated normal's variance by its closed form), the MS frailty's log_prior is a
 * density of eta = ln g (integrates to 1, variance trigamma(1/k)); at t < 0 the closed-form
 * means are the untreated natural course typed again here (AD: Richards without placebo or
 * drug, Conrado 2014; oncology: Gompertz without kill), whatever the arm, and ODE models
 * see no arm effect and no dose before 0. */
#include <stdlib.h>
#include <string.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>
#include "tt_check.h"

#define NDRAW 100000
#define MAXL  8

static const TTModelType *Model(const char *name, double *par, double *eff)
{
  const TTModelType *m = tt_model_find(name);
  TT_CHECK(m != NULL, name);
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
  for (int i = 0; i < m->neffect; i++) eff[i] = m->effect[i].value;
  return m;
}

static void SetParam(const TTModelType *m, double *par, const char *name, double v)
{
  int k = tt_model_param_index(m->nparam, m->param, name);
  TT_CHECK(k >= 0, name);
  if (k >= 0) par[k] = v;
}

static void SetEffect(const TTModelType *m, double *eff, const char *name, double v)
{
  int k = tt_model_param_index(m->neffect, m->effect, name);
  TT_CHECK(k >= 0, name);
  if (k >= 0) eff[k] = v;
}

/* Variance of N(0, s^2) truncated to [-c s, c s]: s^2 (1 - 2 c phi(c) / (2 Phi(c) - 1)). */
static double TruncatedVariance(double s2, double c)
{
  double phi = exp(-0.5 * c * c) / sqrt(2.0 * 3.14159265358979323846);
  return isinf(c) ? s2 : s2 * (1.0 - 2.0 * c * phi / (2.0 * tt_stats_pnorm(c) - 1.0));
}

/* Sample covariance of NDRAW draw_latent draws against omega; every draw inside [lo, hi]. */
static void OmegaIsDrawCovariance(const TTModelType *m, const double *par, const double *cov, const char *what)
{
  int      q = m->nlatent, outside = 0;
  double   om[MAXL * MAXL], lo[MAXL], hi[MAXL], mu[MAXL] = {0}, *x = malloc((size_t) NDRAW * q * sizeof *x);
  tt_pcg32 g;
  m->omega(par, cov, om, lo, hi);
  for (int i = 0; i < NDRAW; i++) {
    tt_rng_substream(&g, 17, 0, (uint64_t) i, TT_STREAM_LATENT);
    m->draw_latent(par, &g, x + (size_t) i * q);
    for (int a = 0; a < q; a++) {
      mu[a] += x[(size_t) i * q + a] / NDRAW;
      outside += !(x[(size_t) i * q + a] >= lo[a] && x[(size_t) i * q + a] <= hi[a]);
    }
  }
  TT_CHECK(outside == 0, "draws inside omega's bounds");
  for (int a = 0; a < q; a++)
    for (int b = 0; b < q; b++) {
      double s = 0.0, ss = 0.0, expect = om[a * q + b];
      for (int i = 0; i < NDRAW; i++) {
        double p = (x[(size_t) i * q + a] - mu[a]) * (x[(size_t) i * q + b] - mu[b]);
        s += p, ss += p * p;
      }
      s /= NDRAW;
      if (a == b && isfinite(hi[a])) {
        TT_CHECK(lo[a] == -hi[a], "symmetric truncation"); /* the closed form below assumes it */
        expect = TruncatedVariance(om[a * q + a], hi[a] / sqrt(om[a * q + a]));
      }
      TT_CHECK(a == b || !isfinite(hi[a]) || om[a * q + b] == 0.0, "no correlated truncated effects");
      TT_CHECK_CLOSE(s, expect, 5.0 * sqrt((ss / NDRAW - s * s) / NDRAW) + 1e-15, what);
      TT_CHECK(om[a * q + b] == om[b * q + a], "omega symmetric");
    }
  free(x);
}

static void Omegas(void)
{
  double             par[64], eff[16], adas_cov[4] = {75.0, 0.0, 0.72, 1.0}, wt[1] = {85.0}, prior[1] = {2.0};
  const TTModelType *m = Model("alzheimers_adas", par, eff);
  OmegaIsDrawCovariance(m, par, adas_cov, "AD: correlated log-baseline and slope");
  /* a covariance beyond positive definiteness: draw_latent's Cholesky factor clips it */
  SetParam(m, par, "omega2_baseline", 0.1), SetParam(m, par, "omega2_slope", 0.01);
  SetParam(m, par, "omega_baseline_slope", 0.05);
  OmegaIsDrawCovariance(m, par, adas_cov, "AD: clipped Omega, var(eta_slope) = 0.025");
  m = Model("t2d_hba1c", par, eff);
  OmegaIsDrawCovariance(m, par, wt, "T2D: independent normals");
  m = Model("oncology_tgi_os", par, eff);
  OmegaIsDrawCovariance(m, par, NULL, "oncology: baseline truncated at +-2 SD");
  m = Model("pk_1cmt_oral", par, eff);
  OmegaIsDrawCovariance(m, par, wt, "metformin: truncated at +-3 SD");
  m = Model("pk_2cmt_oral", par, eff);
  OmegaIsDrawCovariance(m, par, NULL, "donepezil: log-normal CVs");
  m = Model("ms_relapse", par, eff);
  for (double k = 0.25; k < 2.0; k *= 3.0) {
    SetParam(m, par, "dispersion_k", k);
    OmegaIsDrawCovariance(m, par, prior, "MS: variance of ln g = trigamma(1/k)");
  }
}

/* MS frailty prior: a density of eta (integral 1, variance trigamma(1/k)), and k = 0 fixes eta = 0. */
static void MsPrior(void)
{
  double             par[64], eff[8], om, lo, hi, eta, zero = 0.0, one = 1.0;
  const TTModelType *m = Model("ms_relapse", par, eff);
  for (double k = 0.1; k < 3.0; k *= 2.5) {
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, h = 1e-3;
    SetParam(m, par, "dispersion_k", k);
    m->omega(par, NULL, &om, &lo, &hi);
    for (eta = -60.0; eta < 6.0; eta += h) {
      double p = exp(m->log_prior(par, NULL, &eta)) * h;
      s0 += p, s1 += p * eta, s2 += p * eta * eta;
    }
    TT_CHECK_CLOSE(s0, 1.0, 1e-9, "the prior of ln g integrates to 1");
    TT_CHECK_CLOSE(s2 - s1 * s1, om, 1e-7, "omega = variance of the prior of ln g");
    TT_CHECK(isinf(lo) && isinf(hi), "unbounded frailty");
  }
  SetParam(m, par, "dispersion_k", 0.0);
  m->omega(par, NULL, &om, &lo, &hi);
  TT_CHECK(om == 0.0 && lo == 0.0 && hi == 0.0, "k = 0: no frailty, eta fixed at 0");
  TT_CHECK(m->log_prior(par, NULL, &zero) == 0.0 && m->log_prior(par, NULL, &one) == -INFINITY, "k = 0: point mass");
}

/* AD before randomisation: Richards with the untreated slope, no placebo, no drug (Conrado 2014). */
static void AdasHistory(void)
{
  double             par[64], eff[8], cov[4] = {75.0, 0.0, 0.72, 1.0}, eta[2] = {0.2, -0.03};
  const TTModelType *m = Model("alzheimers_adas", par, eff);
  double             b = 22.2 * exp(eta[0]) / 70.0, s = 6.91, sl = 0.153 + eta[1], bs = pow(b, s);
  double             arms[4][3] = {{0.0, 7.6, 0.0}, {4.1, 7.6, 0.0}, {0.0, 7.6, 0.4}, {-3.0, 2.0, -0.5}};
  double             ts[6]      = {-5.0, -2.0, -0.5, -0.01, 0.0, 0.5}, yt[6], y, y0;
  for (int a = 0; a < 4; a++) {
    SetEffect(m, eff, "symptomatic_emax", arms[a][0]);
    SetEffect(m, eff, "symptomatic_et50_weeks", arms[a][1]);
    SetEffect(m, eff, "disease_modifying_fraction", arms[a][2]);
    for (int i = 0; i < 4; i++) {
      double ref = 70.0 * b / pow(bs + (1.0 - bs) * exp(-s * sl * ts[i]), 1.0 / s);
      m->mean(par, cov, eta, eff, ts[i], &y);
      TT_CHECK_CLOSE(y, ref, 1e-12 * ref, "ADAS-Cog at t < 0: untreated Richards course");
    }
    m->mean_times(par, cov, eta, eff, 6, ts, yt);
    for (int i = 0; i < 6; i++) {
      m->mean(par, cov, eta, eff, ts[i], &y);
      TT_CHECK(y == yt[i], "mean_times equals mean, before and after randomisation");
    }
    m->mean(par, cov, eta, eff, -1e-9, &y);
    m->mean(par, cov, eta, eff, 0.0, &y0);
    TT_CHECK_CLOSE(y, y0, 1e-8, "continuous at randomisation");
  }
}

/* Oncology before randomisation: u(t) = u0 e^{-a t}, no kill whatever the arm (Gompertz). */
static void TumourHistory(void)
{
  double             par[64], eff[8], eta[4] = {0.3, -0.2, 0.1, 0.4}, y, y0, yk, yn;
  const TTModelType *m = Model("oncology_tgi_os", par, eff);
  double             K = 575.9, base = 90.0 * exp(eta[0]), kl = 0.00107 * exp(eta[1]);
  double             u0 = log(base / K), a = kl / -u0;
  for (double kill = 0.3; kill < 5.0; kill *= 3.0) {
    eff[0] = kill;
    for (int i = 0; i < 5; i++) {
      double t = (double[]){-2000.0, -365.0, -30.0, -1.0, -1e-3}[i], ref = K * exp(u0 * exp(-a * t));
      m->mean(par, NULL, eta, eff, t, &y);
      TT_CHECK_CLOSE(y, ref, 1e-12 * ref, "tumour size at t < 0: Gompertz natural course");
    }
    m->mean(par, NULL, eta, eff, -1e-9, &y);
    m->mean(par, NULL, eta, eff, 0.0, &y0);
    TT_CHECK_CLOSE(y, y0, 1e-8, "continuous at randomisation");
  }
  eff[0] = 2.7;
  m->mean(par, NULL, eta, eff, 60.0, &yk);
  eff[0] = 1.0;
  m->mean(par, NULL, eta, eff, 60.0, &yn);
  TT_CHECK(yk < yn, "the kill still acts after randomisation");
}

/* T2D: no arm effect acts before 0 (rhs and output equal the untreated ones there); PK: no dose
 * before 0; MS: no relapse counted before randomisation. */
static void OdeAndCountHistory(void)
{
  double             par[64], eff[16], def[16], cov[1] = {90.0}, eta[3] = {0.2, -0.5, 0.1}, u[8], f[8], fd[8];
  double             y[4], yd[4], times[TT_MAX_DOSES], amounts[TT_MAX_DOSES];
  const TTModelType *m    = Model("t2d_hba1c", par, def);
  static const char *e[4] = {"sensitizer_fraction", "secretagogue_fraction", "protection_fraction", "weight_change_kg"};
  memcpy(eff, def, sizeof eff);
  for (int i = 0; i < 4; i++) SetEffect(m, eff, e[i], i == 3 ? -6.0 : 0.3);
  SetEffect(m, eff, "protection_onset_days", 0.0), SetEffect(m, eff, "sensitizer_onset_days", 10.0);
  m->initial(par, cov, eta, def, u);
  u[0] += 0.2, u[1] -= 1.5;
  for (double t = -300.0; t < 1.0; t += 100.0) {
    double tt = t < 0.0 ? t : -1e-6;
    m->rhs(par, cov, eta, eff, tt, u, f);
    m->rhs(par, cov, eta, def, tt, u, fd);
    m->output(par, cov, eta, eff, tt, u, y);
    m->output(par, cov, eta, def, tt, u, yd);
    TT_CHECK(!memcmp(f, fd, m->nstate * sizeof *f) && !memcmp(y, yd, m->nvar * sizeof *y),
             "T2D: no arm effect before randomisation");
  }
  m->rhs(par, cov, eta, eff, 30.0, u, f);
  m->rhs(par, cov, eta, def, 30.0, u, fd);
  TT_CHECK(memcmp(f, fd, m->nstate * sizeof *f) != 0, "T2D: the arm acts after randomisation");
  for (int p = 0; p < 2; p++) {
    m = Model(p ? "pk_2cmt_oral" : "pk_1cmt_oral", par, eff);
    SetEffect(m, eff, "dose_mg", 500.0), SetEffect(m, eff, "interval_h", 12.0);
    int n = m->doses(par, cov, eta, eff, 240.0, times, amounts);
    TT_CHECK(n > 0 && times[0] >= 0.0, "PK: no dose before randomisation");
  }
  m = Model("ms_relapse", par, eff);
  m->mean(par, (double[]){2.0}, (double[]){0.5}, eff, -0.7, y);
  TT_CHECK(y[0] == 0.0, "MS: relapses count from randomisation");
}

int main(void)
{
  Omegas();
  MsPrior();
  AdasHistory();
  TumourHistory();
  OdeAndCountHistory();
  printf("test_model_prior: %d failure(s)\n", tt_failures);
  return tt_failures != 0;
}
