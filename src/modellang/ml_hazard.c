/* ml_hazard.c — MLHazardTimes, the routine a generated `events` calls: event times of a
 * model file's events section by inversion of the cumulative hazard.
 *
 * Event type k has hazard h_k(t) >= 0 (read by the generated right-hand side f, which
 * also gives the derivatives of an ODE model's states) and cumulative hazard
 * Lambda_k(t) = integral_0^t h_k. Its occurrences are at Lambda_k(T_j) = E_1 + ... + E_j
 * with unit-exponential gaps E = -ln U (one uniform each, drawn when the previous
 * occurrence is found): a terminal event occurs once, a recurrent one up to
 * TT_MAX_EVENT_TIMES times; a Poisson process of intensity h_k (the method of
 * src/model/ms_relapse.c). Event type 0 draws from the generator it is given, so a model
 * with one event type consumes the uniforms in the order ms_relapse does; type k >= 1
 * from a generator seeded from that generator's initial state and k (SplitMix64), so the
 * types' draws never mix and arms keep common random numbers type by type.
 * Integration: the states and the Lambda_k together by Dormand–Prince 5(4) (Hairer,
 * Norsett & Wanner, Solving ODEs I, 1993, DOPRI5: its error estimate and continuous
 * extension of order 4), relative and absolute tolerance 1e-12 per component (tight,
 * because the embedded estimate can miss a jump of the hazard inside a step by a factor
 * of about 100: an if(t < 1, ...) is then followed to about 1e-9 relative); a crossing
 * is located on the continuous extension of the step by bisection.
 * Segments (a regimen): segment j runs from start[j], f called with j (its effects). Steps
 * are chosen as for one segment (clipped at t_end only), so every event before
 * start[1] is bit for bit that of the unswitched course; at a switch the state is taken
 * from the step's continuous extension and the integration restarts with the new
 * effects (events after the switch found in the crossing step are found again).
 * Invariants: plain C, no allocation, no I/O; times increasing per type, in (0, t_end];
 * after 10^6 steps (a hazard or ODE the explicit method cannot follow) the remaining times
 * stay INFINITY.
 */
#include <math.h>
#include <string.h>
#include "modellang/mlimpl.h"
#include "modellang/mlload.h"

#define MLH_MAX   (ML_MAX_NAMES + ML_MAX_EVENTS)
#define MLH_TOL   1e-12
#define MLH_STEPS 1000000

static const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
static const double A21 = 1.0 / 5, A31 = 3.0 / 40, A32 = 9.0 / 40, A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
static const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
static const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176,
                    A65 = -5103.0 / 18656;
static const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
static const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525,
                    E7 = -1.0 / 40;
static const double D1 = -12715105075.0 / 11282082432, D3 = 87487479700.0 / 32700410799,
                    D4 = -10690763975.0 / 1880347072, D5 = 701980252875.0 / 199316789632,
                    D6 = -1453857185.0 / 822651844, D7 = 69997945.0 / 29380423;

static uint64_t SplitMix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* One step of size h from (t, x) with k[0] = f(t, x): x1, k[1..6] (k[6] = f(t + h, x1))
 * and the error norm. */
typedef struct {
  int         n;
  MLHazardRhs f;
  void       *ctx;
  int         seg;
  double      k[7][MLH_MAX];
} Stepper;

static double Step(Stepper *s, double t, double h, const double *x, double *x1)
{
  double y[MLH_MAX], err = 0.0;
  int    n            = s->n;
  double(*k)[MLH_MAX] = s->k;
  for (int i = 0; i < n; i++) y[i] = x[i] + h * A21 * k[0][i];
  s->f(s->seg, t + C2 * h, y, k[1], s->ctx);
  for (int i = 0; i < n; i++) y[i] = x[i] + h * (A31 * k[0][i] + A32 * k[1][i]);
  s->f(s->seg, t + C3 * h, y, k[2], s->ctx);
  for (int i = 0; i < n; i++) y[i] = x[i] + h * (A41 * k[0][i] + A42 * k[1][i] + A43 * k[2][i]);
  s->f(s->seg, t + C4 * h, y, k[3], s->ctx);
  for (int i = 0; i < n; i++) y[i] = x[i] + h * (A51 * k[0][i] + A52 * k[1][i] + A53 * k[2][i] + A54 * k[3][i]);
  s->f(s->seg, t + C5 * h, y, k[4], s->ctx);
  for (int i = 0; i < n; i++)
    y[i] = x[i] + h * (A61 * k[0][i] + A62 * k[1][i] + A63 * k[2][i] + A64 * k[3][i] + A65 * k[4][i]);
  s->f(s->seg, t + h, y, k[5], s->ctx);
  for (int i = 0; i < n; i++)
    x1[i] = x[i] + h * (B1 * k[0][i] + B3 * k[2][i] + B4 * k[3][i] + B5 * k[4][i] + B6 * k[5][i]);
  s->f(s->seg, t + h, x1, k[6], s->ctx);
  for (int i = 0; i < n; i++) {
    double e  = h * (E1 * k[0][i] + E3 * k[2][i] + E4 * k[3][i] + E5 * k[4][i] + E6 * k[5][i] + E7 * k[6][i]);
    double sc = MLH_TOL + MLH_TOL * fmax(fabs(x[i]), fabs(x1[i]));
    err += (e / sc) * (e / sc);
  }
  err = sqrt(err / n);
  return isfinite(err) ? err : INFINITY;
}

/* Component i of the continuous extension at t + theta h. */
static double Dense(const Stepper *s, int i, double h, const double *x, const double *x1, double theta)
{
  const double(*k)[MLH_MAX] = s->k;
  double r2 = x1[i] - x[i], r3 = h * k[0][i] - r2, r4 = r2 - h * k[6][i] - r3;
  double r5 = h * (D1 * k[0][i] + D3 * k[2][i] + D4 * k[3][i] + D5 * k[4][i] + D6 * k[5][i] + D7 * k[6][i]);
  return x[i] + theta * (r2 + (1.0 - theta) * (r3 + theta * (r4 + (1.0 - theta) * r5)));
}

typedef struct {
  int        ne, ns;
  const int *recurrent;
  tt_pcg32  *g[ML_MAX_EVENTS];
  double     target[ML_MAX_EVENTS];
  int        count[ML_MAX_EVENTS], done[ML_MAX_EVENTS];
  double    *times;
} Events;

static double Gap(tt_pcg32 *g)
{
  return -log(tt_rng_uniform(g));
}

/* Occurrences in the accepted step (t, t + h] up to lim; 1 when every type is done. */
static int Locate(Events *ev, const Stepper *s, double t, double h, const double *x, const double *x1, double lim)
{
  int all = 1;
  for (int k = 0; k < ev->ne; k++) {
    int    i  = ev->ns + k;
    double lo = 0.0;
    while (!ev->done[k] && x1[i] >= ev->target[k]) {
      double hi = 1.0, te;
      for (int it = 0; it < 64 && hi - lo > 1e-17; it++) {
        double mid = 0.5 * (lo + hi);
        if (Dense(s, i, h, x, x1, mid) >= ev->target[k])
          hi = mid;
        else
          lo = mid;
      }
      te = hi >= 1.0 ? t + h : t + hi * h;
      if (te > lim) break;
      ev->times[k * TT_MAX_EVENT_TIMES + ev->count[k]++] = te;
      if (!ev->recurrent[k] || ev->count[k] == TT_MAX_EVENT_TIMES)
        ev->done[k] = 1;
      else
        ev->target[k] += Gap(ev->g[k]);
      lo = hi;
    }
    all = all && ev->done[k];
  }
  return all;
}

void MLHazardTimes(int ns, int ne, const int *recurrent, MLHazardRhs f, void *ctx, const double *x0, int nseg,
                   const double *start, double t_end, tt_pcg32 *rng, double *times)
{
  Stepper  s;
  Events   ev;
  tt_pcg32 sub[ML_MAX_EVENTS], first = *rng;
  double   x[MLH_MAX], x1[MLH_MAX], t = 0.0, h = 1e-3 * t_end;
  int      steps = 0, finished = 0;
  for (int i = 0; i < ne * TT_MAX_EVENT_TIMES; i++) times[i] = INFINITY;
  if (ne < 1 || ne > ML_MAX_EVENTS || ns < 0 || ns > ML_MAX_NAMES || !(t_end > 0.0) || !isfinite(t_end)) return;
  memset(&ev, 0, sizeof ev);
  ev.ne = ne, ev.ns = ns, ev.recurrent = recurrent, ev.times = times;
  for (int k = 0; k < ne; k++) {
    if (k) tt_pcg32_seed(&sub[k], SplitMix(first.state ^ SplitMix((uint64_t) k)), SplitMix(first.inc + (uint64_t) k));
    ev.g[k]      = k ? &sub[k] : rng;
    ev.target[k] = Gap(ev.g[k]);
  }
  s.n = ns + ne, s.f = f, s.ctx = ctx;
  for (int i = 0; i < s.n; i++) x[i] = i < ns ? x0[i] : 0.0;
  for (int j = 0; j < nseg && !finished && start[j] < t_end; j++) {
    double s_end = j + 1 < nseg && start[j + 1] < t_end ? start[j + 1] : t_end;
    s.seg        = j;
    f(j, t, x, s.k[0], ctx);
    while (t < s_end && !finished) {
      double hh = fmin(h, t_end - t), err, fac;
      if (++steps > MLH_STEPS) return;
      err = Step(&s, t, hh, x, x1);
      fac = err > 0.0 ? 0.9 * pow(err, -0.2) : 5.0;
      if (err <= 1.0) {
        double t1 = hh == t_end - t ? t_end : t + hh;
        finished  = Locate(&ev, &s, t, hh, x, x1, s_end);
        if (t1 > s_end) { /* a switch inside the step: restart there with the next effects */
          double theta = (s_end - t) / hh;
          for (int i = 0; i < s.n; i++) x[i] = Dense(&s, i, hh, x, x1, theta);
          t = s_end;
        } else {
          memcpy(x, x1, sizeof(double) * (size_t) s.n);
          memcpy(s.k[0], s.k[6], sizeof(double) * (size_t) s.n);
          t = t1;
        }
        h = hh * fmin(5.0, fmax(0.2, fac));
      } else
        h = hh * fmax(0.2, fmin(1.0, fac));
    }
  }
}
