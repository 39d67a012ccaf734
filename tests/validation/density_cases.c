/* density_cases.c — prints the observation densities of every shipped model (log_density,
 * M3-censored included), the MS frailty prior (log_prior, omega) and the special functions
 * behind them, at fixed cases, as CSV for density_vs_r.R to recompute with R's d*, p* and
 * trigamma. Model parameters are the defaults; R types them again from the sources.
 * Columns: case,model,variable,a,b,c,d,below,value (a-d: the case's inputs, NA unused).
 * usage: density_cases > cases.csv */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <twintrial/model.h>
#include <twintrial/stats.h>

static void Row(const char *c, const char *model, const char *var, double a, double b, double x, double d, int below,
                double v)
{
  printf("%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%d,%.17g\n", c, model, var, a, b, x, d, below, v);
}

static void Defaults(const TTModelType *m, double *par)
{
  for (int i = 0; i < m->nparam; i++) par[i] = m->param[i].value;
}

/* log_density of model `name`, variable k, at (mean, value) pairs, exact and censored. */
static void ModelCases(const char *name, int k, int n, const double (*mv)[2])
{
  const TTModelType *m = tt_model_find(name);
  double             par[64];
  Defaults(m, par);
  for (int i = 0; i < n; i++)
    for (int below = 0; below < 2; below++) {
      TTObservation o = {.mean = mv[i][0], .value = mv[i][1], .mean_prev = NAN, .value_prev = NAN, .below = below};
      Row("log_density", name, m->var[k].name, o.mean, o.value, NAN, NAN, below, m->log_density(par, k, &o));
    }
}

static void SpecialCases(void)
{
  static const double x[]     = {-200,  -50, -38,  -37.5, -30, -20.5, -20, -19.99, -10, -3, -1,
                                 -1e-3, 0,   1e-3, 0.5,   1,   3,     8,   10,     20,  40};
  static const double beta[]  = {/* x, a, b */
                                0.3, 10.2, 77.3, 0.01, 0.0875, 87.4125, 0.999, 60,  27.5, 0.5,  1,    1,
                                0.2, 0.5,  0.8,  0.2,  2,      50,      0.7,   1.5, 1.5,  0.05, 500,  3000,
                                0.5, 1e4,  1e4,  0,    1,      3,       0,     0.5, 3,    0,    3,    3,
                                1,   2,    1,    1,    4,      0.5,     1.2,   2,   2.5,  0.3,  1e-3, 12};
  static const double pois[]  = {/* x, lambda */
                                0, 0.3, 1, 0.3, 2, 0.3, 5,    0.8,  0,   0, 3,
                                0, 1.5, 1, -1,  1, 30,  25.5, 1000, 950, 7, 1e-8};
  static const double trig[]  = {1e-3, 0.1, 0.5, 1, 1.5, 2, 5, 9.99, 11.99, 12, 12.5, 50, 1e4};
  static const double norm3[] = {0, 0, 1, 7.849, 90, 7.849, -3, 2, 0.5, 1e3, 0, 1};
  for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
    Row("lpnorm", "", "", x[i], NAN, NAN, NAN, 0, tt_stats_lpnorm(x[i]));
  for (size_t i = 0; i < sizeof norm3 / sizeof norm3[0]; i += 3)
    Row("ldnorm", "", "", norm3[i], norm3[i + 1], norm3[i + 2], NAN, 0,
        tt_stats_ldnorm(norm3[i], norm3[i + 1], norm3[i + 2]));
  for (size_t i = 0; i < sizeof beta / sizeof beta[0]; i += 3)
    Row("ldbeta", "", "", beta[i], beta[i + 1], beta[i + 2], NAN, 0,
        tt_stats_ldbeta(beta[i], beta[i + 1], beta[i + 2]));
  for (size_t i = 0; i < sizeof pois / sizeof pois[0]; i += 2)
    Row("ldpois", "", "", pois[i], pois[i + 1], NAN, NAN, 0, tt_stats_ldpois(pois[i], pois[i + 1]));
  for (size_t i = 0; i < sizeof trig / sizeof trig[0]; i++)
    Row("trigamma", "", "", trig[i], NAN, NAN, NAN, 0, tt_stats_trigamma(trig[i]));
}

/* MS: Poisson increments from consecutive observations; the frailty prior. */
static void MsCases(void)
{
  static const double inc[][4] = {/* mean, value, mean_prev, value_prev */
                                  {0.4, 0, NAN, NAN}, {0.4, 1, NAN, NAN}, {0.9, 3, 0.4, 1},
                                  {0.9, 1, 0.4, 1},   {1.7, 2, 0.9, 3},   {0, 0, NAN, NAN},
                                  {0, 1, NAN, NAN},   {2.5, 1.5, 0.9, 1}, {12.0, 20, 2.0, 3}};
  static const double pri[][2] = {/* eta, k */
                                  {0, 0.5}, {-1.3, 0.5}, {0.8, 0.5}, {-3, 0.31}, {0.2, 0.69}, {-0.05, 0.05}, {1, 2}};
  const TTModelType  *m        = tt_model_find("ms_relapse");
  double              par[64], om, lo, hi;
  int                 ik = tt_model_param_index(m->nparam, m->param, "dispersion_k");
  Defaults(m, par);
  for (size_t i = 0; i < sizeof inc / sizeof inc[0]; i++) {
    TTObservation o = {.mean = inc[i][0], .value = inc[i][1], .mean_prev = inc[i][2], .value_prev = inc[i][3]};
    Row("log_density", "ms_relapse", "cumulative_relapses", o.mean, o.value, o.mean_prev, o.value_prev, 0,
        m->log_density(par, 0, &o));
  }
  for (size_t i = 0; i < sizeof pri / sizeof pri[0]; i++) {
    par[ik] = pri[i][1];
    m->omega(par, NULL, &om, &lo, &hi);
    Row("log_prior", "ms_relapse", "", pri[i][0], pri[i][1], NAN, NAN, 0, m->log_prior(par, NULL, &pri[i][0]));
    Row("omega", "ms_relapse", "", pri[i][1], NAN, NAN, NAN, 0, om);
  }
}

int main(void)
{
  /* (model value, observed value) */
  static const double adas[][2]   = {{22.2, 22.2}, {22.2, 14.0}, {22.2, 35.5}, {5.0, 0.8},
                                     {60.0, 69.0}, {1e-5, 0.5},  {0.0, 3.0},   {70.0, 68.0}};
  static const double t2d[][2]    = {{7.6, 7.6}, {7.6, 7.9}, {7.6, 6.8}, {8.2, 11.0}, {104.0, 103.2}};
  static const double fsi[][2]    = {{9.8, 9.8}, {9.8, 21.0}, {9.8, 2.5}, {30.0, 4.0}};
  static const double tumour[][2] = {{90.0, 90.0},   {90.0, 75.3},   {12.0, 0.0},  {3.0, 0.0},
                                     {570.0, 575.9}, {575.0, 575.9}, {45.0, 20.0}, {9.0, 12.0}};
  static const double conc[][2]   = {{1.2, 1.2},  {1.2, 1.5}, {0.4, 0.05}, {0.02, 0.05},
                                     {2.5, -0.1}, {0.0, 0.0}, {0.0, 0.1}};
  static const double conc2[][2]  = {{0.03, 0.03}, {0.03, 0.036}, {0.01, 0.002}};
  printf("case,model,variable,a,b,c,d,below,value\n");
  SpecialCases();
  ModelCases("alzheimers_adas", 0, 8, adas);
  for (int k = 0; k < 4; k++) ModelCases("t2d_hba1c", k, k == 2 ? 4 : 5, k == 2 ? fsi : t2d);
  ModelCases("oncology_tgi_os", 0, 8, tumour);
  ModelCases("pk_1cmt_oral", 0, 7, conc);
  ModelCases("pk_2cmt_oral", 0, 3, conc2);
  MsCases();
  return 0;
}
