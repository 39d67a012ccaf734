/* test_sim_regimen.c — the sim under regimens that switch (TTRegimen), on test models with
 * exact solutions:
 *  - logistic growth whose rate switches twice: the integration equals the exact solution
 *    pieced together by hand (u(s) of one piece is the initial value of the next), to the
 *    integrator's tolerance, and the two pieces integrated by hand as separate calls;
 *  - the visits up to and including a switch time are bit for bit those of the regimen
 *    without the switch (a switch cannot change the past), and a visit at a switch time
 *    reports the course before it;
 *  - a regimen of one segment is bitwise the constant-effect path (TTSimTrajectory,
 *    TTSimTrajectoryHistory), with history before 0 too;
 *  - a batch mixing a switching case with constant ones: each case within the tolerance of
 *    its exact solution, reproduced bitwise;
 *  - in two pieces (TTSimStates, TTSimTrajectoriesFrom) with switches after and at the
 *    time between them: each case within the tolerance of its exact solution;
 *  - rhs_regimen / output_regimen are called after the first switch only, with the
 *    segment under way: the same math through them gives bitwise the same trajectory;
 *  - doses under a regimen (linear elimination, closed-form superposition): each
 *    segment's own doses on the dosing clock of t = 0;
 *  - malformed regimens and a closed-form model without mean_regimen are refused. */
#include <petscsys.h>
#include <twintrial/sim.h>
#include "tt_check.h"
#include "tt_logistic.h"

static double            par[2]    = {0.05, 100.0};
static const TTParamInfo growth[2] = {{"growth", "1", 0.0, "rate x (1 + E)", TT_DOMAIN_REAL},
                                      {"interval", "day", 7.0, "dosing", TT_DOMAIN_REAL}};

/* The logistic test model with its one arm effect declared (a regimen's segments are
 * neffect apart). */
static TTModelType Logistic(void)
{
  TTModelType m = tt_logistic;
  m.neffect     = 1;
  m.effect      = growth;
  return m;
}

/* Exact logistic through the regimen: each segment starts from the previous one's end. */
static double PiecewiseExact(const TTRegimen *r, double u0, double eta, double t)
{
  double u = u0;
  for (int j = 0; j < r->n && (j == 0 || r->start[j] < t); j++) {
    double from = r->start[j], to = j + 1 < r->n && r->start[j + 1] < t ? r->start[j + 1] : t;
    double rate = tt_logistic_rate(par, &eta, r->eff + j);
    u           = par[1] / (1.0 + (par[1] / u - 1.0) * exp(-rate * (to - from)));
  }
  return u;
}

static PetscErrorCode TestPieces(void)
{
  double      t[7]     = {0, 10, 25, 40, 60, 90, 150}, y[7], y0[7], ya[3], yb[2];
  double      start[3] = {0, 25, 61.5}, eff[3] = {0.0, 1.5, -0.6}, cov = 5.0, eta = 0.2;
  TTRegimen   reg = {3, start, eff}, one = {1, start, eff};
  TTModelType m = Logistic();
  TTSim       sim;
  double      worst = 0;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&m, par, &sim));
  PetscCall(TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &reg, 7, t, y));
  for (int i = 0; i < 7; i++) {
    double exact = PiecewiseExact(&reg, cov, eta, t[i]);
    worst        = PetscMax(worst, fabs(y[i] - exact) / exact);
    TT_CHECK_CLOSE(y[i], exact, 1e-7 * exact, "logistic pieced together by hand");
  }
  /* the visit at the switch time 25 is the course before the switch: the first rate's */
  {
    double before;
    tt_logistic_exact(par, &cov, &eta, eff, 25.0, &before);
    TT_CHECK_CLOSE(y[2], before, 1e-8 * before, "a visit at a switch time reports the course before it");
  }
  /* the two first pieces by hand: 0..25 under eff[0], then from u(25) under eff[1] */
  {
    double ta[3] = {0, 10, 25}, tb[2] = {0, 15}, u25;
    PetscCall(TTSimTrajectory(sim, &cov, &eta, &eff[0], 3, ta, ya));
    u25 = ya[2];
    PetscCall(TTSimTrajectory(sim, &u25, &eta, &eff[1], 2, tb, yb));
    TT_CHECK_CLOSE(y[3], yb[1], 1e-7 * yb[1], "day 40 = the second piece integrated by hand from day 25");
    TT_CHECK_CLOSE(y[4], PiecewiseExact(&reg, cov, eta, 60.0), 1e-7 * y[4], "day 60 still in the second piece");
  }
  /* up to and including the switch at 25 the outputs are those without the switch, bitwise */
  PetscCall(TTSimTrajectory(sim, &cov, &eta, eff, 7, t, y0));
  for (int i = 0; i < 3; i++) TT_CHECK(y[i] == y0[i], "visits up to a switch are bitwise those without it");
  TT_CHECK(y[3] != y0[3], "the switch acts after its time");
  /* one segment: exactly the constant path, also with history before 0 */
  {
    double th[5] = {-30, -5, 0, 10, 40}, yh[5], yr[5], eff0 = -0.3;
    PetscCall(TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &one, 7, t, y));
    for (int i = 0; i < 7; i++) TT_CHECK(y[i] == y0[i], "a one-segment regimen is bitwise the constant path");
    PetscCall(TTSimTrajectoryHistory(sim, &cov, &eta, &eff0, eff, 5, th, yh));
    PetscCall(TTSimTrajectoryRegimen(sim, &cov, &eta, &eff0, &one, 5, th, yr));
    for (int i = 0; i < 5; i++) TT_CHECK(yh[i] == yr[i], "a one-segment regimen with history is bitwise History");
    /* history then three segments: untreated (eff0) from day -30, exact by pieces */
    PetscCall(TTSimTrajectoryRegimen(sim, &cov, &eta, &eff0, &reg, 5, th, yr));
    for (int i = 0; i < 5; i++) {
      double u0 = cov, r0 = tt_logistic_rate(par, &eta, &eff0), ex;
      if (th[i] < 0) {
        ex = par[1] / (1.0 + (par[1] / u0 - 1.0) * exp(-r0 * (th[i] + 30)));
      } else {
        double u_at0 = par[1] / (1.0 + (par[1] / u0 - 1.0) * exp(-r0 * 30));
        ex           = PiecewiseExact(&reg, u_at0, eta, th[i]);
      }
      TT_CHECK_CLOSE(yr[i], ex, 1e-7 * ex, "history (untreated) then the regimen, exact by pieces");
    }
  }
  printf("logistic, 3 segments: worst relative error %.3g\n", worst);
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* A batch of a switching case between constant ones. */
static PetscErrorCode TestBatch(void)
{
  double    t[6]   = {0, 10, 30, 60, 120, 200}, y[3 * 6], y2[3 * 6];
  double    cov[3] = {5, 50, 1}, eta[3] = {0.2, -1.0, 1.5}, e[3] = {0.0, 3.0, -0.5};
  double    start[2] = {0, 45}, eff[2] = {0.0, 2.0};
  TTRegimen reg  = {2, start, eff};
  TTSimCase c[3] = {
      {&cov[0], &eta[0], &e[0], NULL},
      {&cov[1], &eta[1], NULL, &reg},
      {&cov[2], &eta[2], &e[2], NULL},
  };
  TTModelType m = Logistic();
  TTSim       sim;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&m, par, &sim));
  PetscCall(TTSimTrajectories(sim, 3, c, 6, t, y));
  for (int i = 0; i < 6; i++) {
    double ex;
    tt_logistic_exact(par, &cov[0], &eta[0], &e[0], t[i], &ex);
    TT_CHECK_CLOSE(y[i], ex, 1e-7 * ex, "batch: a constant case");
    ex = PiecewiseExact(&reg, cov[1], eta[1], t[i]);
    TT_CHECK_CLOSE(y[6 + i], ex, 1e-7 * ex, "batch: the switching case");
    tt_logistic_exact(par, &cov[2], &eta[2], &e[2], t[i], &ex);
    TT_CHECK_CLOSE(y[12 + i], ex, 1e-7 * ex, "batch: a constant case");
  }
  PetscCall(TTSimTrajectory(sim, &cov[0], &eta[0], &e[0], 6, t, y2));
  PetscCall(TTSimTrajectories(sim, 3, c, 6, t, y2));
  for (int i = 0; i < 18; i++) TT_CHECK(y[i] == y2[i], "a batch with switches is reproduced bitwise");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* In two pieces (TTSimStates at t0 = 30, then TTSimTrajectoriesFrom): a constant case, one
 * switching after t0 and one switching exactly at t0 (the state at t0 is the course
 * before the switch, the second piece runs under the new segment), each within the
 * tolerance of its exact solution. */
static PetscErrorCode TestTwoPieces(void)
{
  double    t[4]   = {30, 60, 120, 200}, y[3 * 4], u[3];
  double    cov[3] = {5, 50, 1}, eta[3] = {0.2, -1.0, 1.5}, e[3] = {0.0, 3.0, -0.5};
  double    start[2] = {0, 45}, eff[2] = {0.0, 2.0}, start2[2] = {0, 30}, eff2[2] = {-0.5, 2.5};
  TTRegimen reg = {2, start, eff}, reg2 = {2, start2, eff2};
  TTSimCase c[3] = {
      {&cov[0], &eta[0], &e[0], NULL},
      {&cov[1], &eta[1], NULL, &reg},
      {&cov[2], &eta[2], NULL, &reg2},
  };
  TTModelType m = Logistic();
  TTSim       sim;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&m, par, &sim));
  PetscCall(TTSimStates(sim, 3, c, 30.0, u));
  TT_CHECK_CLOSE(u[2], PiecewiseExact(&reg2, cov[2], eta[2], 30.0), 1e-7 * u[2],
                 "the state at a switch time: before it");
  PetscCall(TTSimTrajectoriesFrom(sim, 3, c, 30.0, u, 4, t, y));
  for (int i = 0; i < 4; i++) {
    double ex;
    tt_logistic_exact(par, &cov[0], &eta[0], &e[0], t[i], &ex);
    TT_CHECK_CLOSE(y[i], ex, 1e-7 * ex, "two pieces: a constant case");
    ex = PiecewiseExact(&reg, cov[1], eta[1], t[i]);
    TT_CHECK_CLOSE(y[4 + i], ex, 1e-7 * ex, "two pieces: a case switching after t0");
    ex = PiecewiseExact(&reg2, cov[2], eta[2], t[i]);
    TT_CHECK_CLOSE(y[8 + i], ex, 1e-7 * ex, "two pieces: a case switching at t0");
  }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

/* rhs_regimen / output_regimen with the same math: bitwise the same; called after the first
 * switch only, with the segment under way. */
static int    calls_seg[4];
static double reg_start_seen;
static void   RhsRegimen(const double *p, const double *cov, const double *eta, const TTRegimen *reg, int seg, double t,
                         const double *u, double *f)
{
  calls_seg[seg]++;
  if (seg == 1) reg_start_seen = reg->start[1];
  TT_CHECK(t >= reg->start[seg] && (seg + 1 == reg->n || t <= reg->start[seg + 1]), "rhs_regimen within its segment");
  tt_logistic_rhs(p, cov, eta, reg->eff + seg, t, u, f);
}
static void OutputRegimen(const double *p, const double *cov, const double *eta, const TTRegimen *reg, int seg,
                          double t, const double *u, double *y)
{
  TT_CHECK(seg == tt_regimen_segment(reg, t), "output_regimen: the segment holding at t");
  tt_logistic_output(p, cov, eta, reg->eff + seg, t, u, y);
}

static PetscErrorCode TestModelRegimenCallbacks(void)
{
  TTModelType m = Logistic(), plain = Logistic();
  double      t[5] = {0, 20, 40, 80, 160}, y[5], y2[5], cov = 5.0, eta = 0.0;
  double      start[3] = {0, 20, 70}, eff[3] = {0.5, -0.5, 1.0};
  TTRegimen   reg = {3, start, eff};
  TTSim       a, b;

  PetscFunctionBeginUser;
  m.name           = "logistic_regimen_test";
  m.rhs_regimen    = RhsRegimen;
  m.output_regimen = OutputRegimen;
  TT_CHECK(tt_model_unswitchable(&m) == NULL, "an ODE model with both regimen callbacks can switch");
  PetscCall(TTSimCreate(&plain, par, &a));
  PetscCall(TTSimCreate(&m, par, &b));
  PetscCall(TTSimTrajectoryRegimen(a, &cov, &eta, eff, &reg, 5, t, y));
  PetscCall(TTSimTrajectoryRegimen(b, &cov, &eta, eff, &reg, 5, t, y2));
  for (int i = 0; i < 5; i++) TT_CHECK(y[i] == y2[i], "the same math through rhs_regimen is bitwise the same");
  TT_CHECK(calls_seg[0] == 0 && calls_seg[1] > 0 && calls_seg[2] > 0, "rhs_regimen on segments >= 1 only");
  TT_CHECK(reg_start_seen == 20, "rhs_regimen sees the regimen");
  m.output_regimen = NULL;
  TT_CHECK(tt_model_unswitchable(&m) != NULL, "rhs_regimen without output_regimen is refused");
  PetscCall(TTSimDestroy(&a));
  PetscCall(TTSimDestroy(&b));
  PetscFunctionReturn(0);
}

/* Linear elimination u' = -k u with doses eff[0] every eff[1] days into u (exact superposition). */
static void LinInitial(const double *p, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) p, (void) cov, (void) eta, (void) eff;
  u0[0] = 0.0;
}
static void LinRhs(const double *p, const double *cov, const double *eta, const double *eff, double t, const double *u,
                   double *f)
{
  (void) cov, (void) eta, (void) eff, (void) t;
  f[0] = -p[0] * u[0];
}
static void LinOutput(const double *p, const double *cov, const double *eta, const double *eff, double t,
                      const double *u, double *y)
{
  (void) p, (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[0];
}
static int LinDoses(const double *p, const double *cov, const double *eta, const double *eff, double t_end,
                    double *times, double *amounts)
{
  int n = 0;
  (void) p, (void) cov, (void) eta;
  for (double t = 0; t < t_end && n < TT_MAX_DOSES; t += eff[1], n++) times[n] = t, amounts[n] = eff[0];
  return n;
}

static PetscErrorCode TestDoses(void)
{
  TTModelType m = Logistic();
  double      k = 0.1, t[5] = {0, 14, 30, 35, 50}, y[5];
  double      start[3] = {0, 30, 42}, eff[6] = {10, 7, 25, 7, 0, 7}; /* 10 mg weekly, 25 mg from day 30, stop at 42 */
  TTRegimen   reg = {3, start, eff};
  TTSim       sim;

  PetscFunctionBeginUser;
  m.name       = "linear_dosing_test";
  m.initial    = LinInitial;
  m.rhs        = LinRhs;
  m.output     = LinOutput;
  m.doses      = LinDoses;
  m.dose_state = 0;
  m.neffect    = 2;
  PetscCall(TTSimCreate(&m, &k, &sim));
  PetscCall(TTSimTrajectoryRegimen(sim, NULL, NULL, eff, &reg, 5, t, y));
  for (int i = 0; i < 5; i++) {
    double ex = 0;
    /* doses: 10 at 0, 7, 14 (trough convention: a dose at a visit comes after it), 21, 28; 25 at 35 */
    const double dt[6] = {0, 7, 14, 21, 28, 35}, dm[6] = {10, 10, 10, 10, 10, 25};
    for (int d = 0; d < 6; d++)
      if (dt[d] < t[i]) ex += dm[d] * exp(-k * (t[i] - dt[d]));
    TT_CHECK_CLOSE(y[i], ex, 1e-7 * PetscMax(ex, 1.0), "doses of each segment within its interval");
  }
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static void ClosedMean(const double *p, const double *cov, const double *eta, const double *eff, double t, double *y)
{
  tt_logistic_exact(p, cov, eta, eff, t, y);
}

static void ClosedMeanRegimen(const double *p, const double *cov, const double *eta, const TTRegimen *reg, int nt,
                              const double *t, double *y)
{
  (void) p;
  for (int i = 0; i < nt; i++) y[i] = PiecewiseExact(reg, cov[0], eta[0], t[i]);
}

static PetscErrorCode TestRefusals(void)
{
  TTModelType    closed = Logistic(), ode = Logistic();
  double         t[3] = {0, 10, 50}, y[3], cov = 5, eta = 0, eff[2] = {0, 1};
  double         bad0[2] = {1, 20}, bad1[2] = {0, 0}, ok[2] = {0, 20};
  TTRegimen      r0 = {2, bad0, eff}, r1 = {2, bad1, eff}, r2 = {0, ok, eff}, good = {2, ok, eff};
  TTSim          sim;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTSimCreate(&ode, par, &sim));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &r0, 3, t, y);
  TT_CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE, "a regimen not starting at 0 is refused");
  ierr = TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &r1, 3, t, y);
  TT_CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE, "switch times not increasing are refused");
  ierr = TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &r2, 3, t, y);
  TT_CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE, "a regimen without segments is refused");
  PetscCall(PetscPopErrorHandler());
  PetscCall(TTSimDestroy(&sim));
  closed.name    = "logistic_closed_test";
  closed.nstate  = 0;
  closed.mean    = ClosedMean;
  closed.initial = NULL, closed.rhs = NULL, closed.output = NULL;
  TT_CHECK(tt_model_unswitchable(&closed) != NULL, "a closed-form model without mean_regimen cannot switch");
  PetscCall(TTSimCreate(&closed, par, &sim));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &good, 3, t, y);
  PetscCall(PetscPopErrorHandler());
  TT_CHECK(ierr == PETSC_ERR_SUP, "a closed-form model without mean_regimen is refused");
  PetscCall(TTSimDestroy(&sim));
  closed.mean_regimen = ClosedMeanRegimen;
  TT_CHECK(tt_model_unswitchable(&closed) == NULL, "with mean_regimen it can");
  PetscCall(TTSimCreate(&closed, par, &sim));
  PetscCall(TTSimTrajectoryRegimen(sim, &cov, &eta, eff, &good, 3, t, y));
  TT_CHECK(y[2] == PiecewiseExact(&good, cov, eta, 50.0), "mean_regimen evaluates the switching case");
  PetscCall(TTSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TestPieces());
  PetscCall(TestBatch());
  PetscCall(TestTwoPieces());
  PetscCall(TestModelRegimenCallbacks());
  PetscCall(TestDoses());
  PetscCall(TestRefusals());
  PetscCall(PetscFinalize());
  if (tt_failures) printf("%d check(s) failed\n", tt_failures);
  return tt_failures != 0;
}
