/* mmrm_csv.c — fits the MMRM engine (src/mmrm) to one CSV data set for the R
 * comparison in mmrm_vs_r.R.
 * usage: mmrm_csv FILE.csv NVISIT COVARIANCE VISIT
 * FILE.csv: header, then rows id,visit,treat,baseline,y[,covariate...] sorted by id
 * then visit (visit 0..NVISIT-1). Prints the REML fit's -2 log-likelihood, the
 * treatment contrast at VISIT (estimate, SE, Satterthwaite df; Kenward-Roger SE and
 * df), every fixed effect and its SE, and the covariance matrix, one "key value" a line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "twintrial/mmrm.h"

int main(int argc, char **argv)
{
  char    line[4096];
  int     n = 0, cap = 1 << 16, ncov = 0, T, cov, visit;
  FILE   *in;
  int    *id, *vis, *treat;
  double *base, *y, *xc;
  if (argc != 5 || !(in = fopen(argv[1], "r"))) return fprintf(stderr, "usage: mmrm_csv FILE NVISIT COV VISIT\n"), 2;
  T     = atoi(argv[2]);
  cov   = tt_mmrm_cov_from_name(argv[3]);
  visit = atoi(argv[4]);
  if (cov < 0 || !fgets(line, sizeof line, in)) return fprintf(stderr, "bad covariance or file\n"), 2;
  for (char *c = line; *c; c++) ncov += *c == ',';
  ncov -= 4;
  id = malloc(sizeof(int) * (size_t) cap * 3), vis = id + cap, treat = vis + cap;
  base = malloc(sizeof(double) * (size_t) cap * (2 + (size_t) ncov)), y = base + cap, xc = y + cap;
  while (fgets(line, sizeof line, in) && n < cap) {
    char *s  = line;
    id[n]    = (int) strtol(s, &s, 10), s++;
    vis[n]   = (int) strtol(s, &s, 10), s++;
    treat[n] = (int) strtol(s, &s, 10), s++;
    base[n]  = strtod(s, &s), s++;
    y[n]     = strtod(s, &s);
    for (int c = 0; c < ncov; c++) s++, xc[(size_t) c * cap + n] = strtod(s, &s);
    n++;
  }
  fclose(in);
  {
    int     p = tt_mmrm_design_columns(T, 1, ncov);
    double *x = malloc(sizeof(double) * (size_t) (n * p)), *cv = malloc(sizeof(double) * (size_t) (n * ncov + 1)),
           *c = calloc((size_t) p, sizeof(double));
    tt_mmrm_fit        f;
    tt_mmrm_options    o    = {(tt_mmrm_cov) cov, 0};
    tt_stats_test_spec spec = {0.05, 2, 0};
    tt_stats_result    sat, kr;
    tt_mmrm_data       d;
    int                status;
    for (int k = 0; k < ncov; k++) memcpy(cv + k * n, xc + (size_t) k * cap, sizeof(double) * (size_t) n);
    tt_mmrm_design(n, T, vis, treat, base, ncov, cv, x);
    d = (tt_mmrm_data){n, T, p, id, vis, x, y};
    tt_mmrm_fit_alloc(&f, p, (tt_mmrm_cov) cov, T);
    status = tt_mmrm_fit_reml(&d, &o, &f);
    printf("status %d\nconverged %d\niterations %d\nreml %.15g\n", status, f.converged, f.iterations, f.reml);
    c[T + visit] = 1;
    status       = tt_mmrm_contrast(&d, &f, c, TT_MMRM_SATTERTHWAITE, spec, &sat);
    printf("sat_status %d\nestimate %.15g\nse %.15g\ndf %.15g\np %.15g\n", status, sat.estimate, sat.std_error, sat.df,
           sat.p_value);
    status = tt_mmrm_contrast(&d, &f, c, TT_MMRM_KENWARD_ROGER, spec, &kr);
    printf("kr_status %d\nkr_se %.15g\nkr_df %.15g\n", status, kr.std_error, kr.df);
    for (int a = 0; a < p; a++) printf("beta%d %.15g\nbse%d %.15g\n", a, f.beta[a], a, sqrt(f.vcov[a * p + a]));
    for (int a = 0; a < T * T; a++) printf("sigma%d %.15g\n", a, f.sigma[a]);
    tt_mmrm_fit_free(&f);
    free(x), free(cv), free(c);
  }
  free(id), free(base);
  return 0;
}
