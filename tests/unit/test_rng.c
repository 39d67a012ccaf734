/* test_rng.c — unit tests of the rng module (src/rng/pcg32.c, src/rng/dist.c).
 *
 * Every statistical check uses a fixed seed, so results are deterministic; the
 * thresholds are 5 standard errors for moments and alpha = 0.001 for KS and
 * chi-square. Run all sub-tests, or one by name: test_rng [name].
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twintrial/rng.h"
#include "twintrial/stats.h"

static int g_fail;

/* Each check prints the expected value, where it comes from, and what was got. */
#define CHECK_U64(actual, expected, source)                                                                            \
  do {                                                                                                                 \
    uint64_t a_ = (actual), e_ = (expected);                                                                           \
    if (a_ != e_) {                                                                                                    \
      fprintf(stderr, "%s:%d: FAIL %s: expected 0x%" PRIx64 " (%s), got 0x%" PRIx64 "\n", __FILE__, __LINE__, #actual, \
              e_, source, a_);                                                                                         \
      g_fail++;                                                                                                        \
    }                                                                                                                  \
  } while (0)
#define CHECK_NEAR(actual, expected, tol, source)                                                                      \
  do {                                                                                                                 \
    double a_ = (actual), e_ = (expected), t_ = (tol);                                                                 \
    if (!(fabs(a_ - e_) <= t_)) {                                                                                      \
      fprintf(stderr, "%s:%d: FAIL %s: expected %.17g +- %.3g (%s), got %.17g\n", __FILE__, __LINE__, #actual, e_, t_, \
              source, a_);                                                                                             \
      g_fail++;                                                                                                        \
    }                                                                                                                  \
  } while (0)
#define CHECK_LE(actual, bound, source)                                                                                \
  do {                                                                                                                 \
    double a_ = (actual), b_ = (bound);                                                                                \
    if (!(a_ <= b_)) {                                                                                                 \
      fprintf(stderr, "%s:%d: FAIL %s: expected <= %.17g (%s), got %.17g\n", __FILE__, __LINE__, #actual, b_, source,  \
              a_);                                                                                                     \
      g_fail++;                                                                                                        \
    }                                                                                                                  \
  } while (0)
#define CHECK_TRUE(cond, source)                                                                                       \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      fprintf(stderr, "%s:%d: FAIL expected %s (%s), got false\n", __FILE__, __LINE__, #cond, source);                 \
      g_fail++;                                                                                                        \
    }                                                                                                                  \
  } while (0)

enum { N = 200000 };
static double g_x[N];

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

typedef double (*cdf_fn)(double x, const double *par);

/* Kolmogorov–Smirnov statistic of x[0..n) against cdf (sorts x). */
static double ks_stat(double *x, int n, cdf_fn cdf, const double *par)
{
  qsort(x, (size_t) n, sizeof *x, cmp_double);
  double d = 0.0;
  for (int i = 0; i < n; i++) {
    double f = cdf(x[i], par);
    d        = fmax(d, fmax(f - (double) i / n, (double) (i + 1) / n - f));
  }
  return d;
}
#define KS_CRIT(n) (1.95 / sqrt((double) (n))) /* alpha = 0.001, asymptotic */

/* Sample mean within 5 SE, sample variance within 5 SE (needs the excess kurtosis). */
static void check_moments(const char *what, const double *x, int n, double mean, double var, double exkurt)
{
  double m = 0.0, v = 0.0;
  for (int i = 0; i < n; i++) m += x[i];
  m /= n;
  for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  v /= n - 1;
  double se_m = sqrt(var / n), se_v = var * sqrt((2.0 + exkurt) / n);
  CHECK_NEAR(m, mean, 5 * se_m, what);
  CHECK_NEAR(v, var, 5 * se_v, what);
}

/* Reference CDFs, independent of tt_stats where libm has them. par: parameters. */
static double cdf_uniform(double x, const double *par)
{
  (void) par;
  return x;
}
static double cdf_normal(double x, const double *par)
{
  (void) par;
  return 0.5 * erfc(-x / sqrt(2.0));
}
static double cdf_weibull(double x, const double *par) /* shape, scale */
{
  return -expm1(-pow(x / par[1], par[0]));
}
static double cdf_gamma(double x, const double *par) /* shape, scale */
{
  return tt_stats_pchisq(2.0 * x / par[1], 2.0 * par[0]);
}
static double cdf_beta(double x, const double *par)
{
  return tt_stats_pbeta(x, par[0], par[1]);
}
/* Normal(mean, sd) truncated to [lo, hi] in long double (x87/quad: Phi(-40) is
 * representable), by the upper tail when the interval is in the right half. */
static long double phi_lower(long double z)
{
  return 0.5L * erfcl(-z / sqrtl(2.0L));
}
static double cdf_truncnormal(double x, const double *par) /* mean, sd, lo, hi */
{
  long double a = ((long double) par[2] - par[0]) / par[1], b = ((long double) par[3] - par[0]) / par[1];
  long double z = ((long double) x - par[0]) / par[1];
  if (a > -b) return (double) ((phi_lower(-a) - phi_lower(-z)) / (phi_lower(-a) - phi_lower(-b)));
  return (double) ((phi_lower(z) - phi_lower(a)) / (phi_lower(b) - phi_lower(a)));
}

/* ---- generator ------------------------------------------------------------------ */

static void test_pcg_reference(void)
{
  static const uint32_t expect[6] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e};
  tt_pcg32              r;
  tt_pcg32_seed(&r, 42, 54);
  for (int i = 0; i < 6; i++) CHECK_U64(tt_pcg32_next(&r), expect[i], "pcg32-demo srandom(42,54), pcg-c-basic");
  /* advance(k) == k steps; advancing 2^64 - k more returns to the start (period 2^64). */
  tt_pcg32 s, t;
  tt_pcg32_seed(&s, 7, 11);
  t = s;
  for (int i = 0; i < 1000; i++) tt_pcg32_next(&t);
  tt_pcg32 u = s;
  tt_pcg32_advance(&u, 1000);
  CHECK_U64(u.state, t.state, "1000 calls of tt_pcg32_next");
  tt_pcg32_advance(&u, (uint64_t) 0 - 1000);
  CHECK_U64(u.state, s.state, "LCG period 2^64");
}

static void test_uniform(void)
{
  tt_pcg32 r, c;
  /* Bit layout (determinism contract): top 26 bits of each of two outputs, plus 1/2. */
  static const uint32_t out[4] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293};
  tt_pcg32_seed(&r, 42, 54);
  for (int i = 0; i < 2; i++) {
    uint64_t j = ((uint64_t) (out[2 * i] >> 6) << 26) | (out[2 * i + 1] >> 6);
    CHECK_NEAR(tt_rng_uniform(&r), ((double) j + 0.5) * 0x1p-52, 0.0, "(j + 1/2) 2^-52 of pcg32-demo outputs");
  }
  tt_pcg32_seed(&r, 2024, 1);
  double lo = 1.0, hi = 0.0;
  for (int i = 0; i < N; i++) {
    c      = r;
    g_x[i] = tt_rng_uniform(&r);
    tt_pcg32_advance(&c, 2);
    if (i < 1000) CHECK_U64(r.state, c.state, "uniform consumes two outputs");
    double k = g_x[i] * 0x1p53;
    if (i < 1000) CHECK_TRUE(k == floor(k) && fmod(k, 2.0) == 1.0, "u is an odd multiple of 2^-53");
    lo = fmin(lo, g_x[i]);
    hi = fmax(hi, g_x[i]);
  }
  CHECK_TRUE(lo > 0.0 && hi < 1.0, "open interval (0,1)");
  check_moments("uniform moments (1/2, 1/12)", g_x, N, 0.5, 1.0 / 12, -1.2);
  CHECK_LE(ks_stat(g_x, N, cdf_uniform, NULL), KS_CRIT(N), "KS vs U(0,1), alpha 0.001");
}

static void test_substream(void)
{
  tt_pcg32 r, s;
  tt_rng_substream(&r, 1, 2, 3, TT_STREAM_COHORT);
  tt_rng_substream(&s, 1, 2, 3, TT_STREAM_COHORT);
  for (int i = 0; i < 1000; i++) CHECK_U64(tt_pcg32_next(&s), tt_pcg32_next(&r), "same keys, same sequence");
  /* Pinned values: the key mixing is part of the determinism contract (rng.h). */
  tt_rng_substream(&r, 1, 2, 3, TT_STREAM_COHORT);
  CHECK_U64(r.state, 0x5b321c6943ab0dccULL, "substream(1,2,3,COHORT) state pinned at implementation");
  CHECK_U64(r.inc, 0xd180f731a2a4c929ULL, "substream(1,2,3,COHORT) inc pinned at implementation");
  CHECK_U64(tt_pcg32_next(&r), 0x970cc82a, "substream(1,2,3,COHORT) first output pinned");
  tt_rng_substream(&r, 0, 0, 0, 0);
  CHECK_U64(r.state, 0xb45a290044b753b1ULL, "substream(0,0,0,0) state pinned at implementation");
  CHECK_U64(r.inc, 0x0488e851a0eb4007ULL, "substream(0,0,0,0) inc pinned at implementation");
  /* Changing any one key (by one, or to 0 / all ones) changes both state and stream. */
  const uint64_t base[4] = {1, 2, 3, TT_STREAM_COHORT}, alt[3] = {0, 1, UINT64_MAX};
  tt_rng_substream(&r, base[0], base[1], base[2], base[3]);
  for (int pos = 0; pos < 4; pos++) {
    for (int v = 0; v < 4; v++) {
      uint64_t k[4] = {base[0], base[1], base[2], base[3]};
      k[pos]        = v < 3 ? alt[v] : k[pos] + 1;
      if (k[pos] == base[pos]) continue;
      tt_rng_substream(&s, k[0], k[1], k[2], k[3]);
      CHECK_TRUE(s.state != r.state && s.inc != r.inc, "one key changed: different state and stream");
    }
  }
  tt_rng_substream(&s, 1, 3, 2, TT_STREAM_COHORT);
  CHECK_TRUE(s.state != r.state && s.inc != r.inc, "keys a and b swapped: different stream");
  /* First uniform of 200k consecutive keys (each key position in turn) is U(0,1). */
  for (int pos = 0; pos < 3; pos++) {
    for (int i = 0; i < N; i++) {
      uint64_t k[4] = {20240601, 0, 0, TT_STREAM_LATENT};
      k[pos]        = (uint64_t) i;
      tt_rng_substream(&s, k[0], k[1], k[2], k[3]);
      g_x[i] = tt_rng_uniform(&s);
    }
    CHECK_LE(ks_stat(g_x, N, cdf_uniform, NULL), KS_CRIT(N), "KS of first uniforms across keys, alpha 0.001");
  }
  /* Streams of adjacent keys are uncorrelated: 200 pairs x 1000 uniforms. */
  double sxy = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0;
  for (int a = 0; a < 200; a++) {
    tt_rng_substream(&r, 99, (uint64_t) a, 0, TT_STREAM_RESIDUAL);
    tt_rng_substream(&s, 99, (uint64_t) a + 1, 0, TT_STREAM_RESIDUAL);
    for (int i = 0; i < 1000; i++) {
      double x = tt_rng_uniform(&r), y = tt_rng_uniform(&s);
      sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
  }
  double n = 200000.0, cov = sxy / n - sx / n * sy / n;
  double corr = cov / sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
  CHECK_NEAR(corr, 0.0, 5.0 / sqrt(n), "adjacent-key streams uncorrelated (5 SE)");
}

/* ---- continuous distributions ------------------------------------------------------ */

static void test_normal(void)
{
  tt_pcg32 r;
  tt_pcg32_seed(&r, 11, 1);
  for (int i = 0; i < N; i++) g_x[i] = tt_rng_normal(&r);
  check_moments("N(0,1) moments", g_x, N, 0.0, 1.0, 0.0);
  CHECK_LE(ks_stat(g_x, N, cdf_normal, NULL), KS_CRIT(N), "KS vs N(0,1), alpha 0.001");
}

static void test_lognormal(void)
{
  tt_pcg32 r;
  tt_pcg32_seed(&r, 12, 1);
  const double mu = 0.3, sg = 0.5, w = exp(sg * sg);
  for (int i = 0; i < N; i++) g_x[i] = tt_rng_lognormal(&r, mu, sg);
  double exk = w * w * w * w + 2 * w * w * w + 3 * w * w - 6;
  check_moments("lognormal moments exp(mu+s^2/2), (e^s^2-1)e^(2mu+s^2)", g_x, N, exp(mu + sg * sg / 2),
                (w - 1) * exp(2 * mu + sg * sg), exk);
  for (int i = 0; i < N; i++) g_x[i] = (log(g_x[i]) - mu) / sg;
  CHECK_LE(ks_stat(g_x, N, cdf_normal, NULL), KS_CRIT(N), "KS of standardized log vs N(0,1), alpha 0.001");
}

static void test_gamma(void)
{
  static const double shapes[5] = {0.05, 0.3, 1.0, 2.5, 10.0};
  tt_pcg32            r;
  tt_pcg32_seed(&r, 13, 1);
  for (int s = 0; s < 5; s++) {
    double par[2] = {shapes[s], 2.0}, k = par[0], th = par[1];
    for (int i = 0; i < N; i++) g_x[i] = tt_rng_gamma(&r, k, th);
    check_moments("gamma moments (k theta, k theta^2)", g_x, N, k * th, k * th * th, 6.0 / k);
    CHECK_LE(ks_stat(g_x, N, cdf_gamma, par), KS_CRIT(N), "KS vs gamma CDF (tt_stats_pchisq), alpha 0.001");
  }
  CHECK_TRUE(isnan(tt_rng_gamma(&r, 0.0, 1.0)) && isnan(tt_rng_gamma(&r, 1.0, -1.0)), "invalid gamma -> NaN");
}

static void test_beta(void)
{
  static const double ab[4][2] = {{0.5, 0.5}, {2.0, 5.0}, {0.2, 3.0}, {30.0, 0.7}};
  tt_pcg32            r;
  tt_pcg32_seed(&r, 14, 1);
  for (int s = 0; s < 4; s++) {
    double a = ab[s][0], b = ab[s][1], t = a + b;
    for (int i = 0; i < N; i++) g_x[i] = tt_rng_beta(&r, a, b);
    double exk = 6 * ((a - b) * (a - b) * (t + 1) - a * b * (t + 2)) / (a * b * (t + 2) * (t + 3));
    check_moments("beta moments (a/(a+b), ab/((a+b)^2(a+b+1)))", g_x, N, a / t, a * b / (t * t * (t + 1)), exk);
    CHECK_LE(ks_stat(g_x, N, cdf_beta, ab[s]), KS_CRIT(N), "KS vs beta CDF (tt_stats_pbeta), alpha 0.001");
  }
  double x = tt_rng_beta(&r, 1e-3, 1e-3);
  CHECK_TRUE(x >= 0.0 && x <= 1.0, "beta with tiny shapes stays in [0,1] (no 0/0)");
}

static void test_weibull(void)
{
  static const double par[2][2] = {{1.5, 2.0}, {0.7, 10.0}};
  tt_pcg32            r;
  tt_pcg32_seed(&r, 15, 1);
  for (int s = 0; s < 2; s++) {
    double k = par[s][0], l = par[s][1], g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);
    for (int i = 0; i < N; i++) g_x[i] = tt_rng_weibull(&r, k, l);
    double m = 0.0;
    for (int i = 0; i < N; i++) m += g_x[i];
    CHECK_NEAR(m / N, l * g1, 5 * l * sqrt((g2 - g1 * g1) / N), "Weibull mean scale*Gamma(1+1/shape), 5 SE");
    CHECK_LE(ks_stat(g_x, N, cdf_weibull, par[s]), KS_CRIT(N), "KS vs 1-exp(-(t/scale)^shape), alpha 0.001");
  }
}

static void check_truncnormal(tt_pcg32 *r, double mean, double sd, double lo, double hi)
{
  double par[4] = {mean, sd, lo, hi};
  int    bad    = 0;
  for (int i = 0; i < N; i++) {
    g_x[i] = tt_rng_truncnormal(r, mean, sd, lo, hi);
    bad += !(g_x[i] >= lo && g_x[i] <= hi);
  }
  if (bad) fprintf(stderr, "truncnormal(%g, %g, [%g, %g])\n", mean, sd, lo, hi);
  CHECK_TRUE(bad == 0, "every draw within [lo, hi]");
  double d = ks_stat(g_x, N, cdf_truncnormal, par);
  if (d > KS_CRIT(N)) fprintf(stderr, "truncnormal(%g, %g, [%g, %g])\n", mean, sd, lo, hi);
  CHECK_LE(d, KS_CRIT(N), "KS vs truncated normal CDF in long double (erfcl), alpha 0.001");
}

/* Inversion accuracy: the long double CDF at each draw returns the uniform it consumed. */
static void check_truncnormal_inverse(double lo, double hi)
{
  double par[4] = {0, 1, lo, hi}, worst = 0.0;
  for (int i = 0; i < 20000; i++) {
    tt_pcg32 r, c;
    tt_rng_substream(&r, 6, (uint64_t) i, 0, 0);
    c        = r;
    double u = tt_rng_uniform(&c);
    worst    = fmax(worst, fabs(cdf_truncnormal(tt_rng_truncnormal(&r, 0, 1, lo, hi), par) - u));
  }
  if (worst > 1e-11) fprintf(stderr, "truncnormal [%g, %g]\n", lo, hi);
  CHECK_LE(worst, 1e-11, "max |F(x) - u| over 20000 draws, F in long double");
}

/* Draws from copies of one state, sorted by the uniform they consume, must be ordered. */
static void check_truncnormal_monotone(double lo, double hi)
{
  enum { M = 4000 };
  static double ux[M][2];
  for (int i = 0; i < M; i++) {
    tt_pcg32 r, c;
    tt_rng_substream(&r, 5, (uint64_t) i, 0, 0);
    c        = r;
    ux[i][0] = tt_rng_uniform(&c);
    ux[i][1] = tt_rng_truncnormal(&r, 0.0, 1.0, lo, hi);
  }
  qsort(ux, M, sizeof ux[0], cmp_double); /* compares the first member: u */
  int bad = 0;
  for (int i = 1; i < M; i++) bad += ux[i][1] < ux[i - 1][1];
  CHECK_TRUE(bad == 0, "truncnormal non-decreasing in its uniform (common random numbers)");
}

static void test_truncnormal(void)
{
  static const double b[][4] = {{0, 1, -1, 2},
                                {0, 1, 0, INFINITY},
                                {0, 1, 3, 5},
                                {0, 1, -INFINITY, -4},
                                {0, 1, 8, 9},
                                {10, 3, 7, 20},
                                {0, 1, 40, 41},
                                {0, 1, -INFINITY, -40},
                                {0, 1, 35, INFINITY},
                                {0, 1, -1e-9, 1e-9},
                                {5, 2, -INFINITY, INFINITY}};
  tt_pcg32            r;
  tt_pcg32_seed(&r, 16, 1);
  int far_ok = LDBL_MIN_EXP < -1200; /* the long double oracle needs Phi(-41) */
  for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
    if (!far_ok && fmax(fabs(b[i][2]), fabs(b[i][3])) > 30 && isfinite(fmin(fabs(b[i][2]), fabs(b[i][3])))) continue;
    check_truncnormal(&r, b[i][0], b[i][1], b[i][2], b[i][3]);
  }
  static const double inv[][2] = {{-1, 2}, {3, 5}, {8, 9}, {-INFINITY, -4}, {-30.5, -29.5}, {29.9, 30.1}};
  for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) check_truncnormal_inverse(inv[i][0], inv[i][1]);
  if (far_ok) {
    check_truncnormal_inverse(40, 41);
    check_truncnormal_inverse(-INFINITY, -40);
    check_truncnormal_inverse(100, INFINITY);
  }
  check_truncnormal_monotone(-1, 2);
  check_truncnormal_monotone(3, 5);
  check_truncnormal_monotone(40, 41);
  check_truncnormal_monotone(-INFINITY, -40);
  CHECK_TRUE(tt_rng_truncnormal(&r, 0, 1, 2, 2) == 2.0 && isnan(tt_rng_truncnormal(&r, 0, 1, 3, 2)),
             "point interval gives the point; lo > hi gives NaN");
}

/* ---- discrete ---------------------------------------------------------------------- */

static void test_bernoulli(void)
{
  tt_pcg32 r;
  tt_pcg32_seed(&r, 17, 1);
  const double p    = 0.3;
  long         ones = 0;
  for (int i = 0; i < N; i++) ones += tt_rng_bernoulli(&r, p);
  double e1 = N * p, e0 = N * (1 - p);
  double chi2 = (ones - e1) * (ones - e1) / e1 + (N - ones - e0) * (N - ones - e0) / e0;
  CHECK_LE(chi2, 10.82756617, "chi-square 1 df, alpha 0.001 (R qchisq(0.999, 1))");
  int s0 = 0, s1 = 0;
  for (int i = 0; i < 10000; i++) s0 += tt_rng_bernoulli(&r, 0.0), s1 += tt_rng_bernoulli(&r, 1.0);
  CHECK_TRUE(s0 == 0 && s1 == 10000, "p = 0 never, p = 1 always");
}

static void test_categorical(void)
{
  static const double w[5] = {1, 2, 3, 4, 0};
  tt_pcg32            r;
  tt_pcg32_seed(&r, 18, 1);
  long cnt[5] = {0};
  int  bad    = 0;
  for (int i = 0; i < N; i++) {
    int k = tt_rng_categorical(&r, 5, w);
    if (k < 0 || k > 4)
      bad++;
    else
      cnt[k]++;
  }
  CHECK_TRUE(bad == 0 && cnt[4] == 0, "index in range; zero weight never drawn");
  double chi2 = 0.0;
  for (int k = 0; k < 4; k++) chi2 += (cnt[k] - N * w[k] / 10) * (cnt[k] - N * w[k] / 10) / (N * w[k] / 10);
  CHECK_LE(chi2, 16.26623620, "chi-square 3 df, alpha 0.001 (R qchisq(0.999, 3))");
  static const double one[4] = {0, 0, 7, 0}, neg[2] = {1, -1}, zero[2] = {0, 0};
  int                 k2 = 1;
  for (int i = 0; i < 1000; i++) k2 &= tt_rng_categorical(&r, 4, one) == 2;
  CHECK_TRUE(k2, "a single positive weight is always drawn");
  CHECK_TRUE(tt_rng_categorical(&r, 2, neg) == -1 && tt_rng_categorical(&r, 2, zero) == -1,
             "negative weight or zero total -> -1");
}

/* Each inverse-CDF sampler consumes exactly one uniform (two outputs), valid or not. */
static void test_consumption(void)
{
  static const double w[3] = {1, 1, 1};
  for (int t = 0; t < 9; t++) {
    for (int i = 0; i < 100; i++) {
      tt_pcg32 r, c;
      tt_rng_substream(&r, 3, (uint64_t) t, (uint64_t) i, 0);
      c = r;
      switch (t) {
      case 0:
        (void) tt_rng_normal(&r);
        break;
      case 1:
        (void) tt_rng_lognormal(&r, 0, 1);
        break;
      case 2:
        (void) tt_rng_weibull(&r, 2, 1);
        break;
      case 3:
        (void) tt_rng_bernoulli(&r, 0.5);
        break;
      case 4:
        (void) tt_rng_categorical(&r, 3, w);
        break;
      case 5:
        (void) tt_rng_truncnormal(&r, 0, 1, 1, 2);
        break;
      case 6:
        (void) tt_rng_truncnormal(&r, 0, 1, 45, INFINITY);
        break;
      case 7:
        (void) tt_rng_truncnormal(&r, 0, 1, 3, 2);
        break;
      default:
        (void) tt_rng_weibull(&r, -1, 1);
        break;
      }
      tt_pcg32_advance(&c, 2);
      CHECK_U64(r.state, c.state, "one uniform (two outputs) per inverse-CDF draw");
    }
  }
}

/* ---- Cholesky and multivariate normal -------------------------------------------------- */

static const double SIGMA3[9] = {4, 12, -16, 12, 37, -43, -16, -43, 98};

static void test_cholesky(void)
{
  /* Textbook example (e.g. Wikipedia "Cholesky decomposition"): L = [2 0 0; 6 1 0; -8 5 3]. */
  static const double Lexp[9] = {2, 0, 0, 6, 1, 0, -8, 5, 3};
  double              L[9];
  for (int i = 0; i < 9; i++) L[i] = 99;
  CHECK_U64((uint64_t) tt_rng_cholesky(3, SIGMA3, L), 0, "SIGMA3 is positive definite");
  for (int i = 0; i < 9; i++) CHECK_NEAR(L[i], Lexp[i], 1e-14, "L of [4 12 -16; 12 37 -43; -16 -43 98]");
  static const double indef[4] = {1, 2, 2, 1}, neg3[9] = {1, 0, 0, 0, 1, 0, 0, 0, -1}, z1[4] = {0, 0, 0, 1};
  static const double sing[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK_U64((uint64_t) tt_rng_cholesky(2, indef, L), 2, "[1 2; 2 1] fails at row 2");
  CHECK_U64((uint64_t) tt_rng_cholesky(3, neg3, L), 3, "diag(1,1,-1) fails at row 3");
  CHECK_U64((uint64_t) tt_rng_cholesky(2, z1, L), 1, "zero leading pivot fails at row 1");
  CHECK_U64((uint64_t) tt_rng_cholesky(3, sing, L), 2, "rank-1 ones(3,3) fails at row 2");
}

static void test_mvnormal(void)
{
  static const double mean[3] = {1, -2, 3};
  double              L[9], x[3], s1[3] = {0}, s2[9] = {0};
  CHECK_U64((uint64_t) tt_rng_cholesky(3, SIGMA3, L), 0, "SIGMA3 is positive definite");
  tt_pcg32 r;
  tt_pcg32_seed(&r, 19, 1);
  for (int i = 0; i < N; i++) {
    tt_rng_mvnormal(&r, 3, mean, L, x);
    for (int j = 0; j < 3; j++) {
      s1[j] += x[j] - mean[j];
      for (int k = 0; k < 3; k++) s2[j * 3 + k] += (x[j] - mean[j]) * (x[k] - mean[k]);
    }
  }
  for (int j = 0; j < 3; j++) CHECK_NEAR(s1[j] / N, 0.0, 5 * sqrt(SIGMA3[j * 4] / N), "sample mean - mean, 5 SE");
  for (int j = 0; j < 3; j++) {
    for (int k = 0; k < 3; k++) {
      double sjk = SIGMA3[j * 3 + k], se = sqrt((SIGMA3[j * 4] * SIGMA3[k * 4] + sjk * sjk) / N);
      CHECK_NEAR(s2[j * 3 + k] / N, sjk, 5 * se, "sample covariance vs target SIGMA3, 5 SE");
    }
  }
  tt_pcg32 a, b;
  tt_pcg32_seed(&a, 20, 1);
  b = a;
  double y[3];
  tt_rng_mvnormal(&a, 3, mean, L, x);
  tt_rng_mvnormal(&b, 3, NULL, L, y);
  for (int j = 0; j < 3; j++) CHECK_NEAR(x[j] - y[j], mean[j], 1e-12, "NULL mean is the zero mean");
}

/* ---- shuffle -------------------------------------------------------------------------- */

static void test_shuffle(void)
{
  tt_pcg32 r;
  tt_pcg32_seed(&r, 21, 1);
  enum { P = 1000 };
  static int perm[P], seen[P];
  for (int rep = 0; rep < 5; rep++) {
    for (int i = 0; i < P; i++) perm[i] = i, seen[i] = 0;
    tt_rng_shuffle(&r, P, perm);
    int ok = 1;
    for (int i = 0; i < P; i++) ok &= perm[i] >= 0 && perm[i] < P && !seen[perm[i]]++;
    CHECK_TRUE(ok, "shuffle of 0..999 is a permutation");
  }
  tt_pcg32 c = r;
  tt_rng_shuffle(&r, 1, perm);
  tt_rng_shuffle(&r, 0, perm);
  CHECK_U64(r.state, c.state, "n = 0 and n = 1 consume nothing");
  /* All 120 permutations of 5 equally likely (Lehmer rank); element 0 uniform over 10 positions. */
  static const int fact[5]  = {24, 6, 2, 1, 1};
  long             cnt[120] = {0}, pos[10] = {0};
  for (int i = 0; i < N; i++) {
    int q[5] = {0, 1, 2, 3, 4}, rank = 0;
    tt_rng_shuffle(&r, 5, q);
    for (int j = 0; j < 5; j++) {
      int smaller = 0;
      for (int k = j + 1; k < 5; k++) smaller += q[k] < q[j];
      rank += smaller * fact[j];
    }
    cnt[rank]++;
    int t[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    tt_rng_shuffle(&r, 10, t);
    for (int j = 0; j < 10; j++) pos[j] += t[j] == 0;
  }
  double chi2 = 0.0, e = N / 120.0;
  for (int k = 0; k < 120; k++) chi2 += (cnt[k] - e) * (cnt[k] - e) / e;
  CHECK_LE(chi2, 172.41768160, "chi-square over 120 permutations, 119 df, alpha 0.001 (R qchisq)");
  chi2 = 0.0, e = N / 10.0;
  for (int j = 0; j < 10; j++) chi2 += (pos[j] - e) * (pos[j] - e) / e;
  CHECK_LE(chi2, 27.87716487, "chi-square of element 0's position, 9 df, alpha 0.001 (R qchisq)");
}

/* ---- driver --------------------------------------------------------------------------- */

static const struct {
  const char *name;
  void (*fn)(void);
} TESTS[] = {{"pcg_reference", test_pcg_reference},
             {"uniform", test_uniform},
             {"substream", test_substream},
             {"normal", test_normal},
             {"lognormal", test_lognormal},
             {"gamma", test_gamma},
             {"beta", test_beta},
             {"weibull", test_weibull},
             {"truncnormal", test_truncnormal},
             {"bernoulli", test_bernoulli},
             {"categorical", test_categorical},
             {"consumption", test_consumption},
             {"cholesky", test_cholesky},
             {"mvnormal", test_mvnormal},
             {"shuffle", test_shuffle}};

int main(int argc, char **argv)
{
  int ran = 0;
  for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
    if (argc > 1 && strcmp(argv[1], TESTS[i].name) != 0) continue;
    int before = g_fail;
    TESTS[i].fn();
    printf("%-14s %s\n", TESTS[i].name, g_fail == before ? "ok" : "FAILED");
    ran++;
  }
  if (!ran) fprintf(stderr, "no test named %s\n", argv[1]);
  return g_fail || !ran ? 1 : 0;
}
