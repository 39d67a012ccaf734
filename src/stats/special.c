/* special.c — distribution and special functions for the stats module.
 *
 * Owns: tt_stats_pnorm, tt_stats_qnorm (Wichura AS241 PPND16), tt_stats_lgamma,
 * tt_stats_pbeta, tt_stats_pt, tt_stats_qt, tt_stats_pchisq, and the log densities and
 * log tail of observation models: tt_stats_lpnorm, tt_stats_ldnorm, tt_stats_ldbeta,
 * tt_stats_ldpois, with tt_stats_trigamma.
 * Invariants: pure functions of their arguments (no state, no I/O); NaN in gives
 * NaN out; out-of-domain arguments give NaN; probabilities lie in [0, 1].
 * Accuracy (checked against R and mpmath in tests/unit/test_stats.c): about 1e-14
 * relative or better, lower tails included. Methods: pnorm via erfc with the
 * argument's rounding corrected; pbeta by the Didonato-Morris continued fraction
 * with a Stirling/bd0 front factor (Loader), so pt stays accurate at large df;
 * qt by safeguarded Newton on log pt from Hill's start; pchisq by series / Lentz
 * continued fraction with the same front-factor technique. Log densities follow R's
 * dbeta / dpois (Loader's saddle-point form: no cancellation for large shapes or
 * counts); lpnorm switches to the Mills-ratio continued fraction where pnorm underflows.
 */
#include <math.h>

#include "twintrial/stats.h"

/* sqrt(1/2) split as hi (the double nearest) + lo (the remainder). */
static const double SQRT1_2_HI      = 0.70710678118654757;
static const double SQRT1_2_LO      = -4.8336466567264567e-17;
static const double TWO_OVER_SQRTPI = 1.1283791670955126; /* 2/sqrt(pi) */
static const double PI              = 3.141592653589793238462643383280;

/* P(Z <= x) = erfc(-x/sqrt 2)/2. The argument's rounding error is corrected to
 * first order so the lower tail keeps full relative precision. */
double tt_stats_pnorm(double x)
{
  if (isnan(x)) return x;
  double z  = -x * SQRT1_2_HI;
  double dz = fma(-x, SQRT1_2_HI, -z) - x * SQRT1_2_LO; /* exact -x/sqrt2 = z + dz */
  double e  = erfc(z);
  if (isfinite(z)) e -= dz * TWO_OVER_SQRTPI * exp(-z * z);
  return 0.5 * e;
}

static double clamp01(double p)
{ /* NaN passes through */
  return p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

static double poly7(const double c[8], double r)
{
  return ((((((c[7] * r + c[6]) * r + c[5]) * r + c[4]) * r + c[3]) * r + c[2]) * r + c[1]) * r + c[0];
}

/* Wichura (1988), Algorithm AS 241 PPND16: about 1e-16 relative accuracy. */
double tt_stats_qnorm(double p)
{
  static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2, 1.9715909503065514427e+3,
                              1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                              3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static const double b[8] = {1.0,
                              4.2313330701600911252e+1,
                              6.8718700749205790830e+2,
                              5.3941960214247511077e+3,
                              2.1213794301586595867e+4,
                              3.9307895800092710610e+4,
                              2.8729085735721942674e+4,
                              5.2264952788528545610e+3};
  static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0, 5.76949722146069140550e0,
                              3.64784832476320460504e0,  1.27045825245236838258e0, 2.41780725177450611770e-1,
                              2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static const double d[8] = {1.0,
                              2.05319162663775882187e0,
                              1.67638483018380384940e0,
                              6.89767334985100004550e-1,
                              1.48103976427480074590e-1,
                              1.51986665636164571966e-2,
                              5.47593808499534494600e-4,
                              1.05075007164441684324e-9};
  static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,  1.78482653991729133580e0,
                              2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                              2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static const double f[8] = {1.0,
                              5.99832206555887937690e-1,
                              1.36929880922735805310e-1,
                              1.48753612908506148525e-2,
                              7.86869131145613259100e-4,
                              1.84631831751005468180e-5,
                              1.42151175831644588870e-7,
                              2.04426310338993978564e-15};
  if (isnan(p) || p < 0.0 || p > 1.0) return NAN;
  if (p == 0.0) return -INFINITY;
  if (p == 1.0) return INFINITY;
  double q = p - 0.5;
  if (fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    return q * poly7(a, r) / poly7(b, r);
  }
  double r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
  double v;
  if (r <= 5.0) {
    r -= 1.6;
    v = poly7(c, r) / poly7(d, r);
  } else {
    r -= 5.0;
    v = poly7(e, r) / poly7(f, r);
  }
  return q < 0.0 ? -v : v;
}

double tt_stats_lgamma(double x)
{
  return lgamma(x);
}

/* ---- Stirling pieces (Loader 2000) used for accurate density front factors ---- */

static const double LN_SQRT_2PI = 0.918938533204672741780329736406; /* log(sqrt(2 pi)) */

/* delta(z+1) - delta(z) difference term: (w + 1/2) log(1 + 1/w) - 1 = atanh(u)/u - 1
 * with u = 1/(2w + 1), summed as u^2/3 + u^4/5 + ... (w >= 1, so u^2 <= 1/9). */
static double stirling_step(double w)
{
  double u = 1.0 / (2.0 * w + 1.0), u2 = u * u, term = u2, sum = 0.0;
  for (int k = 3; k < 200; k += 2) {
    double next = sum + term / k;
    if (next == sum) break;
    sum = next;
    term *= u2;
  }
  return sum;
}

/* delta(z) = lgamma(z) - ((z - 1/2) log z - z + log sqrt(2 pi)), z > 0: the
 * asymptotic series for z >= 15, stepped down exactly (no cancellation) below. */
static double stirling_delta(double z)
{
  if (z < 1.0) return lgamma(z) - ((z - 0.5) * log(z) - z + LN_SQRT_2PI);
  double acc = 0.0;
  for (; z < 15.0; z += 1.0) acc += stirling_step(z);
  double r = 1.0 / (z * z);
  double s = 1.0 / 1188 - r * (691.0 / 360360);
  return acc + (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r * s)))) / z;
}

/* bd0(x, m) = x log(x/m) + m - x, without cancellation when x ~ m. */
static double bd0(double x, double m)
{
  if (fabs(x - m) < 0.1 * (x + m)) {
    double v = (x - m) / (x + m), s = (x - m) * v, ej = 2.0 * x * v, v2 = v * v;
    for (int j = 1; j < 1000; j++) {
      ej *= v2;
      double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
    return s;
  }
  return x * log(x / m) + m - x;
}

/* x^a y^b / B(a, b) with y = 1 - x, accurate also for large a and b:
 * sqrt(ab / (2 pi n)) e^(delta(n) - delta(a) - delta(b)) (x/x0)^a (y/y0)^b, n = a + b,
 * x0 = a/n, y0 = b/n. Near the mode the last factor is exp(-bd0 - bd0) (no
 * cancellation); far from it pow() is used, as exp() of a large exponent would
 * cost |exponent| ulps while the rounding of x/x0 costs only about a + b. */
static double beta_front(double x, double y, double a, double b)
{
  double n = a + b, da = bd0(a, n * x), db = bd0(b, n * y);
  double c = sqrt(a * b / (2.0 * PI * n)) * exp(stirling_delta(n) - stirling_delta(a) - stirling_delta(b));
  if (da + db > a + b) {
    double pa = pow(x * n / a, a), pb = pow(y * n / b, b);
    if (pa > 0.0 && isfinite(pa) && pb > 0.0 && isfinite(pb)) return c * pa * pb;
  }
  return c * exp(-da - db);
}

/* x^a e^-x / Gamma(a + 1), accurate also for large a. */
static double gamma_front(double x, double a)
{
  return exp(-stirling_delta(a) - bd0(a, x)) / sqrt(2.0 * PI * a);
}

/* ---- incomplete beta ---- */

static const double TINY   = 1e-300;
static const double CF_EPS = 1e-16;

static double lentz_fix(double v)
{
  return fabs(v) < TINY ? TINY : v;
}

/* Continued fraction for I_x(a,b) / (x^a y^b / B(a,b)) of Didonato & Morris (1992,
 * ACM TOMS 708, "bfrac"), written in lambda = (a + b) y - b >= 0 so that no partial
 * denominator suffers cancellation when x is near 1; lambda is passed in, computed
 * from whichever of x, y avoids cancellation. Evaluated by the three-term
 * recurrence with rescaling. */
static double beta_cf(double x, double y, double a, double b, double lambda)
{
  double c = lambda + 1.0, c0 = b / a, c1 = 1.0 / a + 1.0, yp1 = y + 1.0;
  double p = 1.0, s = a + 1.0;
  double an = 0.0, bn = 1.0, an1 = 1.0, bn1 = c / c1, r = c1 / c;
  int    maxit = 1000 + (int) (20.0 * sqrt(fmax(a, b)));
  for (int n = 1; n <= maxit; n++) {
    double t = n / a, w = n * (b - n) * x, e = a / s;
    double alpha = p * (p + c0) * e * e * (w * x);
    e            = (t + 1.0) / (c1 + t + t);
    double beta  = n + w / s + e * (c + n * yp1);
    p            = t + 1.0;
    s += 2.0;
    double a2 = alpha * an + beta * an1, b2 = alpha * bn + beta * bn1;
    double r0 = r;
    r         = a2 / b2;
    if (fabs(r - r0) <= CF_EPS * r) break;
    an  = an1 / b2; /* rescale so that the new b_{n+1} is 1 */
    bn  = bn1 / b2;
    an1 = r;
    bn1 = 1.0;
  }
  return r;
}

/* I_x(a, b) given both x and y = 1 - x (each to full relative precision).
 * If lower is 0, returns the upper tail 1 - I_x(a, b) instead. */
static double ibeta(double x, double y, double a, double b, int lower)
{
  if (x <= 0.0) return lower ? 0.0 : 1.0;
  if (y <= 0.0) return lower ? 1.0 : 0.0;
  /* lambda = (a + b) y - b = a - (a + b) x; >= 0 when x is at or below the mean */
  double lambda = a > b ? (a + b) * y - b : a - (a + b) * x;
  if (lambda >= 0.0) {
    double v = beta_front(x, y, a, b) * beta_cf(x, y, a, b, lambda);
    return lower ? v : 1.0 - v;
  }
  double v = beta_front(y, x, b, a) * beta_cf(y, x, b, a, -lambda); /* I_x(a,b) = 1 - I_y(b,a) */
  return lower ? 1.0 - v : v;
}

double tt_stats_pbeta(double x, double a, double b)
{
  if (isnan(x) || isnan(a) || isnan(b)) return NAN;
  if (a <= 0.0 || b <= 0.0) return NAN;
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return clamp01(ibeta(x, 1.0 - x, a, b, 1));
}

/* ---- Student t ---- */

/* P(T_df <= -|t|), the lower tail at -|t|. */
static double pt_tail(double t, double df)
{
  double at = fabs(t);
  if (at == 0.0) return 0.5;
  if (isinf(at)) return 0.0;
  double x, y, a = 0.5 * df; /* x = df/(df + t^2), y = t^2/(df + t^2), without overflow */
  if (at * at > df) {
    double r = (df / at) / at;
    if (r < 1e-250) /* x = r underflows: I_x(a, 1/2) = x^a / (a B(a, 1/2)) (1 + O(x)) */
      return 0.5 * exp(a * (log(df / at) - log(at)) - log(a) - (lgamma(a) + lgamma(0.5) - lgamma(a + 0.5)));
    x = r / (1.0 + r);
    y = 1.0 / (1.0 + r);
  } else {
    double r = (at / df) * at;
    x        = 1.0 / (1.0 + r);
    y        = r / (1.0 + r);
  }
  return 0.5 * ibeta(x, y, a, 0.5, 1);
}

double tt_stats_pt(double t, double df)
{
  if (isnan(t) || isnan(df) || df <= 0.0) return NAN;
  if (isinf(df)) return tt_stats_pnorm(t);
  double tail = clamp01(pt_tail(t, df));
  return t <= 0.0 ? tail : 1.0 - tail;
}

/* log of the Student t density. */
static double log_dt(double t, double df)
{
  double at = fabs(t), l;
  if (at * at > df * 1e10)
    l = 2.0 * log(at) - log(df) + log1p(df / at / at);
  else
    l = log1p(at / df * at);
  return lgamma(0.5 * (df + 1.0)) - lgamma(0.5 * df) - 0.5 * log(df * PI) - 0.5 * (df + 1.0) * l;
}

/* Hill (1970), ACM Algorithm 396: |t| with two-sided tail probability pp, df >= 1. */
static double qt_hill(double pp, double df)
{
  if (fabs(df - 2.0) < 1e-12) return sqrt(2.0 / (pp * (2.0 - pp)) - 2.0);
  if (fabs(df - 1.0) < 1e-12) return 1.0 / tan(pp * (0.5 * PI));
  double a = 1.0 / (df - 0.5), b = 48.0 / (a * a);
  double c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
  double d = ((94.5 / (b + c) - 3.0) / b + 1.0) * sqrt(a * (0.5 * PI)) * df;
  double y = pow(d * pp, 2.0 / df);
  if (y > 0.05 + a) {
    double x = tt_stats_qnorm(0.5 * pp);
    y        = x * x;
    if (df < 5.0) c += 0.3 * (df - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x;
    y = expm1(a * y * y);
  } else {
    y = ((1.0 / (((df + 6.0) / (df * y) - 0.089 * d - 0.822) * (df + 2.0) * 3.0) + 0.5 / (df + 4.0)) * y - 1.0) *
            (df + 1.0) / (df + 2.0) +
        1.0 / y;
  }
  return sqrt(df * y);
}

/* Starting value for s = |t| with lower tail q = P(T <= -s) <= 0.5. */
static double qt_start(double q, double df)
{
  if (df >= 1.0) return qt_hill(2.0 * q, df);
  /* df < 1: P(T <= -s) ~ C s^-df in the tail; fall back on a normal start near the centre */
  double ls = (lgamma(0.5 * (df + 1.0)) + (0.5 * df - 1.0) * log(df) - 0.5 * log(PI) - lgamma(0.5 * df) - log(q)) / df;
  return ls > 0.0 ? exp(fmin(ls, 700.0)) : -tt_stats_qnorm(q);
}

/* f = log(P(T <= -s) / q) and its derivative d f / d log s. The ratio keeps f
 * accurate to rounding even when log q is large (a difference of logs would not). */
static double qt_eval(double s, double df, double q, double *dfdu)
{
  double tail = pt_tail(s, df), ratio = tail / q;
  *dfdu = -exp(log_dt(s, df) + log(s) - log(tail));
  return ratio > 0.0 && isfinite(ratio) ? log(ratio) : log(tail) - log(q);
}

/* Solve P(T <= -s) = q (q < 1/2) for s > 0: safeguarded Newton in u = log s, where
 * the power-law tails make log P nearly linear, inside a bracket [lo, hi] that
 * expands geometrically until it holds the root; then Newton steps in s itself to
 * remove the rounding of u (exp(u) cannot resolve s to full precision when |u| is
 * large). */
static double qt_solve(double q, double df)
{
  double lo = -INFINITY, hi = INFINITY, u = log(qt_start(q, df)), g;
  if (!isfinite(u)) u = 0.0;
  for (int it = 0; it < 400; it++) {
    double s = exp(u);
    if (isinf(s)) return INFINITY;
    double f = qt_eval(s, df, q, &g);
    if (f == 0.0) return s;
    if (f > 0.0 || isnan(f))
      lo = u; /* tail too large: root further out */
    else
      hi = u;
    double un = u - f / g;
    if (!(un > lo && un < hi)) {
      if (isinf(hi))
        un = u + fmax(1.0, fabs(u));
      else if (isinf(lo))
        un = u - fmax(1.0, fabs(u));
      else
        un = 0.5 * (lo + hi);
    }
    if (fabs(un - u) <= 1e-15 || un == lo || un == hi) break;
    u = un;
  }
  double s = exp(u);
  for (int k = 0; k < 3 && isfinite(s); k++) {
    double f = qt_eval(s, df, q, &g), sn = s - f * s / g;
    if (!(sn > 0.0) || sn == s) break;
    s = sn;
  }
  return s;
}

double tt_stats_qt(double p, double df)
{
  if (isnan(p) || isnan(df) || df <= 0.0 || p < 0.0 || p > 1.0) return NAN;
  if (isinf(df)) return tt_stats_qnorm(p);
  if (p == 0.0) return -INFINITY;
  if (p == 1.0) return INFINITY;
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -qt_solve(p, df);
  return qt_solve(1.0 - p, df);
}

/* ---- chi-squared via the regularized lower incomplete gamma P(a, x) ---- */

/* Series: P(a,x) = x^a e^-x / Gamma(a+1) * sum_n x^n / ((a+1)...(a+n)); for x < a + 1. */
static double gamma_series(double x, double a)
{
  double term = 1.0, sum = 1.0;
  int    maxit = 1000 + (int) (20.0 * sqrt(a));
  for (int n = 1; n <= maxit; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return gamma_front(x, a) * sum;
}

/* Continued fraction (Lentz) for Q(a,x) = 1 - P(a,x); for x >= a + 1. */
static double gamma_cf(double x, double a)
{
  double b = x + 1.0 - a, c = 1.0 / TINY, d = 1.0 / b, h = d;
  int    maxit = 1000 + (int) (20.0 * sqrt(a));
  for (int i = 1; i <= maxit; i++) {
    double an = -i * (i - a);
    b += 2.0;
    d          = 1.0 / lentz_fix(an * d + b);
    c          = lentz_fix(b + an / c);
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < CF_EPS) break;
  }
  return a * gamma_front(x, a) * h; /* x^a e^-x / Gamma(a) = a * front */
}

double tt_stats_pchisq(double x, double df)
{
  if (isnan(x) || isnan(df) || df < 0.0) return NAN;
  if (x <= 0.0) return 0.0;
  if (df == 0.0 || isinf(x)) return 1.0;
  double a = 0.5 * df, xx = 0.5 * x;
  if (xx < a + 1.0) return clamp01(gamma_series(xx, a));
  return clamp01(1.0 - gamma_cf(xx, a));
}

/* ---- log densities and log tails (observation models) ---- */

/* log P(Z <= x): log1p of the upper tail for x > 0, log pnorm down to x = -20, and
 * below, where pnorm approaches underflow (x < -37.5), the Laplace continued fraction
 * of the Mills ratio Q(z)/phi(z) = 1/(z + 1/(z + 2/(z + ...))), z = -x. */
double tt_stats_lpnorm(double x)
{
  if (isnan(x)) return x;
  if (x > 0.0) return log1p(-tt_stats_pnorm(-x));
  if (x >= -20.0) return log(tt_stats_pnorm(x));
  if (isinf(x)) return -INFINITY;
  double z = -x, t = z;
  for (int k = 60; k >= 1; k--) t = z + k / t;
  return -0.5 * z * z - LN_SQRT_2PI - log(t);
}

/* log of the normal density; NaN for sd <= 0. */
double tt_stats_ldnorm(double x, double mean, double sd)
{
  if (isnan(x) || isnan(mean) || isnan(sd) || !(sd > 0.0)) return NAN;
  double z = (x - mean) / sd;
  return -0.5 * z * z - LN_SQRT_2PI - log(sd);
}

/* log B(a, b) without cancellation for large arguments (R's lbeta, with delta() as
 * the Stirling remainder). */
static double lbeta_acc(double a, double b)
{
  double p = fmin(a, b), q = fmax(a, b);
  if (p >= 10.0) {
    double corr = stirling_delta(p) + stirling_delta(q) - stirling_delta(p + q);
    return -0.5 * log(q) + LN_SQRT_2PI + corr + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q));
  }
  if (q >= 10.0) {
    double corr = stirling_delta(q) - stirling_delta(p + q);
    return lgamma(p) + corr + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}

/* log of the Beta(a, b) density at x, as R's dbeta(x, a, b, log = TRUE): -Inf outside
 * [0, 1]; at 0 (1) the limit, +Inf when a (b) < 1; for a, b > 2 the saddle-point form
 * log(a + b - 1) + log dbinom(a - 1; a + b - 2, x) of Loader (2000). */
double tt_stats_ldbeta(double x, double a, double b)
{
  if (isnan(x) || isnan(a) || isnan(b) || !(a > 0.0) || !(b > 0.0) || isinf(a) || isinf(b)) return NAN;
  if (x < 0.0 || x > 1.0) return -INFINITY;
  if (x == 0.0) return a > 1.0 ? -INFINITY : a < 1.0 ? INFINITY : log(b);
  if (x == 1.0) return b > 1.0 ? -INFINITY : b < 1.0 ? INFINITY : log(a);
  if (a <= 2.0 || b <= 2.0) return (a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lbeta_acc(a, b);
  double k = a - 1.0, n = a + b - 2.0;
  double lc = stirling_delta(n) - stirling_delta(k) - stirling_delta(n - k) - bd0(k, n * x) - bd0(n - k, n * (1.0 - x));
  double lf = 2.0 * LN_SQRT_2PI + log(k) + log1p(-k / n);
  return log(a + b - 1.0) + lc - 0.5 * lf;
}

/* log P(N = x), N ~ Poisson(lambda), as R's dpois(x, lambda, log = TRUE): -Inf for a
 * negative or non-integer x; lambda = 0 puts all mass at 0; NaN for lambda < 0. */
double tt_stats_ldpois(double x, double lambda)
{
  if (isnan(x) || isnan(lambda) || lambda < 0.0) return NAN;
  if (x < 0.0 || x != floor(x) || isinf(x)) return -INFINITY;
  if (lambda == 0.0) return x == 0.0 ? 0.0 : -INFINITY;
  if (isinf(lambda)) return -INFINITY;
  if (x == 0.0) return -lambda;
  return -stirling_delta(x) - bd0(x, lambda) - 0.5 * log(2.0 * PI * x);
}

/* d^2 log Gamma(x) / dx^2, x > 0: the recurrence psi'(x) = psi'(x + 1) + 1/x^2 up to
 * x >= 12, then the asymptotic series 1/x + 1/(2x^2) + sum B_2k / x^(2k+1). */
double tt_stats_trigamma(double x)
{
  if (isnan(x) || !(x > 0.0)) return NAN;
  if (isinf(x)) return 0.0;
  double acc = 0.0;
  for (; x < 12.0; x += 1.0) acc += 1.0 / (x * x);
  double r = 1.0 / (x * x);
  double s =
      1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6)))));
  return acc + 1.0 / x + 0.5 * r + s * r / x;
}

double tt_stats_ldproportional(double v, double m, double cv, int below)
{
  double sd = cv * fabs(m);
  if (isnan(m) || isnan(v)) return NAN;
  if (!(sd > 0.0)) return (below ? v > m : v == m) ? 0.0 : -INFINITY;
  if (below) return tt_stats_lpnorm((v - m) / sd);
  return tt_stats_ldnorm(v, m, sd);
}
