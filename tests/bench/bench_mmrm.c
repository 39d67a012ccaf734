/* bench_mmrm.c — CPU time of one replicate's MMRM analysis (tt_mmrm_fit_reml and the
 * treatment contrast at the last visit with Satterthwaite df, what src/trial does per
 * replicate) on 400 twins x 6 post-baseline visits, for the unstructured, Toeplitz and
 * AR(1) covariances; the Kenward-Roger contrast is timed apart. The data sets are
 * AD-like (ADAS-Cog change from baseline: a random intercept and slope, so the visits'
 * variances grow and the covariance is not stationary, visit-specific noise, a treatment
 * effect growing over time, an APOE4 covariate, monotone dropout of about 30% by the last
 * visit and 5% missed visits), one per replicate, drawn with the project's keyed
 * generator; the treatment contrast of replicate 0 is printed (estimate0). -csv FILE writes them
 * (replicate,id,visit,treat,baseline,y,z1) for R's nlme::gls on the same data (tests/bench/mmrm_nlme.R). Times are CPU
 * seconds of this thread, per replicate averaged over the data sets; each structure runs `rounds` rounds of at least
 * `seconds` and the best round counts. Output: "key value" lines (tests/bench/run.sh, part "mmrm"; README
 * "Performance"). usage: tt_bench_mmrm [-seconds S] [-rounds K] [-replicates R] [-csv FILE] [-only COV] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <twintrial/mmrm.h>
#include <twintrial/rng.h>

#define NTWIN 400
#define T     6
#define NCOV  1

typedef struct {
  int    n;
  int    id[NTWIN * T], visit[NTWIN * T], treat[NTWIN * T];
  double base[NTWIN * T], y[NTWIN * T], z[NTWIN * T];
  double x[NTWIN * T * (3 * T + NCOV)];
} Data;

static double Cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void Simulate(int replicate, Data *d)
{
  tt_pcg32 rng;
  tt_rng_substream(&rng, 20261206, (uint64_t) replicate, 0, TT_STREAM_LATENT);
  d->n = 0;
  for (int i = 0; i < NTWIN; i++) {
    int    treat = i % 2, apoe = tt_rng_uniform(&rng) < 0.6, last = T;
    double base = 22 + 6 * tt_rng_normal(&rng), b0 = 2.0 * tt_rng_normal(&rng), b1 = 0.9 * tt_rng_normal(&rng);
    if (tt_rng_uniform(&rng) < 0.3) last = 1 + (int) (tt_rng_uniform(&rng) * T) % T;
    for (int t = 0; t < last; t++) {
      double w = (t + 1) / (double) T, mean = 6 * w - 2.4 * w * treat + 0.05 * (base - 22) * (1 + w) + 1.2 * apoe * w;
      double y = mean + b0 + b1 * (t + 1) + (1.5 + 0.3 * t) * tt_rng_normal(&rng);
      if (t > 0 && t < last - 1 && tt_rng_uniform(&rng) < 0.05) continue;
      d->id[d->n] = i, d->visit[d->n] = t, d->treat[d->n] = treat, d->base[d->n] = base, d->z[d->n] = apoe;
      d->y[d->n++] = y;
    }
  }
  tt_mmrm_design(d->n, T, d->visit, d->treat, d->base, NCOV, d->z, d->x);
}

/* One replicate's analysis; returns the status, iterations in *it. */
static int Analyse(const Data *dd, tt_mmrm_cov cov, tt_mmrm_df df, int *it, double *est)
{
  int                p    = tt_mmrm_design_columns(T, 1, NCOV), status;
  tt_mmrm_data       d    = {dd->n, T, p, dd->id, dd->visit, dd->x, dd->y};
  tt_mmrm_options    o    = {cov, 0};
  tt_stats_test_spec spec = {0.05, 2, 0};
  tt_stats_result    res;
  tt_mmrm_fit        f;
  double             c[3 * T + NCOV] = {0};
  c[2 * T - 1]                       = 1;
  if (tt_mmrm_fit_alloc(&f, p, cov, T)) return TT_STATS_EDOMAIN;
  status = tt_mmrm_fit_reml(&d, &o, &f);
  if (!status) status = tt_mmrm_contrast(&d, &f, c, df, spec, &res);
  *it  = f.iterations;
  *est = res.estimate;
  tt_mmrm_fit_free(&f);
  return status;
}

/* Best round's CPU ms per replicate; converged fits and mean iterations over the data. */
static double Time(Data *data, int nrep, tt_mmrm_cov cov, tt_mmrm_df df, double seconds, int rounds, int *ok,
                   double *iters)
{
  double best = INFINITY, est;
  *ok = 0, *iters = 0;
  for (int r = 0; r < nrep; r++) {
    int it;
    *ok += !Analyse(data + r, cov, df, &it, &est);
    *iters += it / (double) nrep;
  }
  for (int round = 0; round < rounds; round++) {
    double t0    = Cpu(), t;
    int    count = 0, it;
    do {
      for (int r = 0; r < nrep; r++, count++) Analyse(data + r, cov, df, &it, &est);
    } while ((t = Cpu() - t0) < seconds);
    best = fmin(best, 1e3 * t / count);
  }
  return best;
}

int main(int argc, char **argv)
{
  double      seconds = 0.3;
  int         rounds = 3, nrep = 10;
  const char *csv = NULL, *only = NULL;
  Data       *data;
  for (int a = 1; a + 1 < argc; a += 2) {
    if (!strcmp(argv[a], "-seconds"))
      seconds = atof(argv[a + 1]);
    else if (!strcmp(argv[a], "-rounds"))
      rounds = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-replicates"))
      nrep = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-csv"))
      csv = argv[a + 1];
    else if (!strcmp(argv[a], "-only"))
      only = argv[a + 1];
    else
      return fprintf(stderr, "tt_bench_mmrm: unknown option %s\n", argv[a]), 2;
  }
  if (nrep < 1 || rounds < 1 || !(data = malloc(sizeof(Data) * (size_t) nrep))) return 2;
  for (int r = 0; r < nrep; r++) Simulate(r, data + r);
  if (csv) {
    FILE *out = fopen(csv, "w");
    if (!out) return fprintf(stderr, "tt_bench_mmrm: cannot write %s\n", csv), 2;
    fprintf(out, "replicate,id,visit,treat,baseline,y,z1\n");
    for (int r = 0; r < nrep; r++)
      for (int i = 0; i < data[r].n; i++)
        fprintf(out, "%d,%d,%d,%d,%.17g,%.17g,%.17g\n", r, data[r].id[i], data[r].visit[i], data[r].treat[i],
                data[r].base[i], data[r].y[i], data[r].z[i]);
    fclose(out);
  }
  printf("mmrm_twins %d\nmmrm_visits %d\nmmrm_replicates %d\n", NTWIN, T, nrep);
  {
    double rows = 0;
    for (int r = 0; r < nrep; r++) rows += data[r].n / (double) nrep;
    printf("mmrm_rows_mean %.1f\n", rows);
  }
  for (int k = 0; k < 4; k++) {
    tt_mmrm_cov cov = k == 1 ? TT_MMRM_TOEPLITZ : k == 2 ? TT_MMRM_AR1 : TT_MMRM_UNSTRUCTURED;
    tt_mmrm_df  df  = k == 3 ? TT_MMRM_KENWARD_ROGER : TT_MMRM_SATTERTHWAITE;
    const char *key = k == 3 ? "unstructured_kr" : tt_mmrm_cov_name(cov);
    int         ok;
    double      iters, ms;
    if (only && strcmp(only, key)) continue;
    ms = Time(data, nrep, cov, df, seconds, rounds, &ok, &iters);
    printf("mmrm_%s_ms %.6g\nmmrm_%s_converged %d\nmmrm_%s_iterations %.2f\n", key, ms, key, ok, key, iters);
    {
      int    it;
      double est = NAN;
      Analyse(data, cov, df, &it, &est);
      printf("mmrm_%s_estimate0 %.12g\n", key, est);
    }
  }
  free(data);
  return 0;
}
