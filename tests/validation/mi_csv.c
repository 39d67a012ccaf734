/* mi_csv.c — drives the multiple-imputation module (src/mi) for the R comparisons in
 * mi_vs_r.R.
 * usage: mi_csv pool FILE.csv DFCOM
 *          FILE.csv: header, then rows q,u (an estimate and its squared SE per imputation);
 *          prints the pooled figures of Rubin's rules ("key value" a line; DFCOM inf allowed).
 *        mi_csv impute FILE.csv NVISIT METHOD REFERENCE DELTA M ANALYSIS VISIT SEED [KEY_A KEY_B]
 *          FILE.csv: header, then rows group,baseline,[ice,][x1..xq,]y1..yNVISIT (NA where
 *          missing; ice, when the third column is so named: the 1-based first visit
 *          affected by the subject's intercurrent event, NA if none; q, the covariate
 *          columns, is the rest of the header's fields);
 *          METHOD mar|jump_to_reference|copy_reference|copy_increments|delta, ANALYSIS
 *          ancova|mmrm (unstructured, Satterthwaite), VISIT 1-based, the draws' keys SEED,
 *          KEY_A, KEY_B (default 0: a trial uses its seed, the replicate and analysis << 32);
 *          prints the pooled result, then each imputation's estimate and squared SE. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "twintrial/mi.h"

static void Print(const tt_mi_pooled *p)
{
  printf("estimate %.17g\nse %.17g\ndf %.17g\nubar %.17g\nb %.17g\nt %.17g\nriv %.17g\nlambda %.17g\nfmi %.17g\n",
         p->estimate, p->std_error, p->df, p->ubar, p->b, p->t, p->riv, p->lambda, p->fmi);
}

static int Pool(const char *file, const char *dfcom)
{
  char         line[256];
  double       q[1000], u[1000];
  int          m = 0, status;
  tt_mi_pooled p;
  FILE        *in = fopen(file, "r");
  if (!in || !fgets(line, sizeof line, in)) return fprintf(stderr, "cannot read %s\n", file), 2;
  while (m < 1000 && fscanf(in, "%lf,%lf", &q[m], &u[m]) == 2) m++;
  fclose(in);
  status = tt_mi_pool(m, q, u, strcmp(dfcom, "inf") ? atof(dfcom) : INFINITY, &p);
  printf("status %d\n", status);
  Print(&p);
  return 0;
}

static int Impute(char **argv)
{
  char            line[4096];
  int             n = 0, cap = 1 << 18, V = atoi(argv[3]), method = -1, M = atoi(argv[7]), status, q = -2 - V;
  int            *group = malloc(sizeof(int) * (size_t) cap), *ice = malloc(sizeof(int) * (size_t) cap), has_ice;
  double         *base = malloc(sizeof(double) * (size_t) cap), *y = malloc(sizeof(double) * (size_t) cap * V);
  double         *qm = malloc(sizeof(double) * (size_t) M), *u = malloc(sizeof(double) * (size_t) M), *x = NULL;
  FILE           *in = fopen(argv[2], "r");
  tt_mi_options   o;
  tt_mi_pooled    pool;
  tt_stats_result res;
  for (int k = 0; k < TT_MI_NMETHOD; k++)
    if (!strcmp(argv[4], tt_mi_method_name((tt_mi_method) k))) method = k;
  if (!in || method < 0 || !fgets(line, sizeof line, in)) return fprintf(stderr, "bad method or file\n"), 2;
  for (const char *c = line; *c; c++) q += *c == ',';
  has_ice = !strncmp(strchr(strchr(line, ',') + 1, ',') + 1, "ice,", 4);
  q += 1 - has_ice;
  if (q < 0 || q > TT_MI_MAX_COVARIATES) return fprintf(stderr, "bad header: %d covariate columns\n", q), 2;
  x = malloc(sizeof(double) * (size_t) cap * (q + 1));
  while (n < cap && fgets(line, sizeof line, in)) {
    char *s  = line;
    group[n] = (int) strtol(s, &s, 10), s++;
    base[n]  = strtod(s, &s);
    if (has_ice) {
      s++;
      ice[n] = strncmp(s, "NA", 2) ? (int) strtol(s, &s, 10) - 1 : V;
      if (!strncmp(s, "NA", 2)) s += 2;
      if (ice[n] > V) ice[n] = V;
    }
    for (int j = 0; j < q; j++) s++, x[(size_t) j * cap + n] = strtod(s, &s);
    for (int v = 0; v < V; v++) {
      s++;
      if (!strncmp(s, "NA", 2))
        y[(size_t) n * V + v] = NAN, s += 2;
      else
        y[(size_t) n * V + v] = strtod(s, &s);
    }
    n++;
  }
  fclose(in);
  o = (tt_mi_options){(tt_mi_method) method,
                      atoi(argv[5]),
                      atof(argv[6]),
                      M,
                      strcmp(argv[8], "mmrm") ? TT_MI_ANCOVA : TT_MI_MMRM,
                      atoi(argv[9]) - 1,
                      1,
                      {TT_MMRM_UNSTRUCTURED},
                      TT_MMRM_SATTERTHWAITE,
                      strtoull(argv[10], NULL, 10),
                      0,
                      0};
  if (argv[11]) o.key_a = strtoull(argv[11], NULL, 10), o.key_b = strtoull(argv[12], NULL, 10);
  {
    tt_mi_data d = {n, V, group, base, y, q, NULL, has_ice ? ice : NULL};
    for (int j = 1; j < q; j++) memmove(x + (size_t) j * n, x + (size_t) j * cap, sizeof(double) * (size_t) n);
    d.cov                   = q ? x : NULL;
    tt_stats_test_spec spec = {0.05, 2, 0};
    status                  = tt_mi_run(&d, &o, spec, &res, &pool, qm, u);
  }
  printf("status %d\nn %d\n", status, n);
  Print(&pool);
  for (int m = 0; m < M && status == 0; m++) printf("q%d %.17g\nu%d %.17g\n", m, qm[m], m, u[m]);
  free(group), free(ice), free(base), free(y), free(qm), free(u), free(x);
  return status ? 1 : 0;
}

int main(int argc, char **argv)
{
  if (argc == 4 && !strcmp(argv[1], "pool")) return Pool(argv[2], argv[3]);
  if ((argc == 11 || argc == 13) && !strcmp(argv[1], "impute")) return Impute(argv);
  fprintf(stderr, "usage: mi_csv pool FILE DFCOM | mi_csv impute FILE NVISIT METHOD REFERENCE DELTA M ANALYSIS VISIT "
                  "SEED [KEY_A KEY_B]\n");
  return 2;
}
