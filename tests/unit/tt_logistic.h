/* tt_logistic.h — a test model with an exact solution, for the sim tests: logistic
 * growth u' = r u (1 - u/K), r = par[0] exp(eta[0]) (1 + eff[0]), K = par[1],
 * u(0) = cov[0]; u(t) = K / (1 + (K/u0 - 1) exp(-r t)) (tt_logistic_exact). */
#ifndef TT_LOGISTIC_H
#define TT_LOGISTIC_H
#include <math.h>
#include <twintrial/model.h>

static const TTParamInfo    tt_logistic_par[2] = {{"r", "1/day", 0.05, "growth rate", TT_DOMAIN_REAL},
                                                  {"K", "mm", 100.0, "capacity", TT_DOMAIN_REAL}};
static const TTVariableInfo tt_logistic_var[1] = {{"size", "mm"}};

static double tt_logistic_rate(const double *par, const double *eta, const double *eff)
{
  return par[0] * exp(eta[0]) * (1.0 + eff[0]);
}

static void tt_logistic_initial(const double *par, const double *cov, const double *eta, const double *eff, double *u0)
{
  (void) par, (void) eta, (void) eff;
  u0[0] = cov[0];
}

static void tt_logistic_rhs(const double *par, const double *cov, const double *eta, const double *eff, double t,
                            const double *u, double *f)
{
  (void) cov, (void) t;
  f[0] = tt_logistic_rate(par, eta, eff) * u[0] * (1.0 - u[0] / par[1]);
}

static void tt_logistic_output(const double *par, const double *cov, const double *eta, const double *eff, double t,
                               const double *u, double *y)
{
  (void) par, (void) cov, (void) eta, (void) eff, (void) t;
  y[0] = u[0];
}

/* The exact solution (also a closed-form model's `mean`). */
static void tt_logistic_exact(const double *par, const double *cov, const double *eta, const double *eff, double t,
                              double *y)
{
  y[0] = par[1] / (1.0 + (par[1] / cov[0] - 1.0) * exp(-tt_logistic_rate(par, eta, eff) * t));
}

static const TTModelType tt_logistic = {.name           = "logistic_test",
                                        .time_unit_days = 1.0,
                                        .nparam         = 2,
                                        .param          = tt_logistic_par,
                                        .nvar           = 1,
                                        .var            = tt_logistic_var,
                                        .nlatent        = 1,
                                        .nstate         = 1,
                                        .initial        = tt_logistic_initial,
                                        .rhs            = tt_logistic_rhs,
                                        .output         = tt_logistic_output};
#endif
