/* test_mi.c — the multiple-imputation module on properties with known answers.
 * 1. Observed values are kept, after an intermittent gap too; only missing ones change.
 * 2. Keys: the same (seed, key_a, key_b, m) gives bitwise-identical imputations; another
 *    imputation index m gives others.
 * 3. The reference arm's twins are imputed identically under mar, jump_to_reference,
 *    copy_reference and copy_increments (their own profile is the reference's), and the
 *    treatment arm's differently; delta shifts exactly the treatment arm's imputed values
 *    by delta relative to mar (same draws) but for an intermittent gap, which every method
 *    but copy_reference (the reference's profile throughout, as rbmi) imputes as mar.
 * 4. Pooling: equal estimates give b = 0, SE = sqrt(mean u) and the Barnard-Rubin df at
 *    lambda's floor 1e-4 (mice::pool's); bad input is refused.
 * 5. Too few twins observed at a visit, or none of an arm: TT_STATS_ETOOFEW.
 * 6. Covariates: observed values kept, same keys give the same imputations, the reference
 *    arm is imputed alike under every reference-based method; a covariate shifted by a
 *    constant gives the same imputations (the intercept absorbs it) and one scaled by a
 *    constant too (its coefficient scales), up to rounding, while a covariate that
 *    predicts the outcome changes them; a covariate equal to the arm is refused
 *    (TT_STATS_ESINGULAR), as are ncov < 0 or > TT_MI_MAX_COVARIATES (TT_STATS_EDOMAIN).
 * 7. Intercurrent events: no ice array, or every ice at or after the subject's first
 *    trailing missing visit, gives bitwise the imputations without; mar ignores ice (bit
 *    for bit), delta only shifts a gap after the event too; with earlier ice the
 *    reference-based imputations change and the observed visits after it are kept; an ice outside 0..nvisit is
 * TT_STATS_EDOMAIN. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "twintrial/mi.h"
#include "tt_check.h"

#define N 200
#define V 3

static int    group[N];
static double base[N], y[N * V];

static double Normal(unsigned long long *s)
{
  double u[2];
  for (int i = 0; i < 2; i++) {
    *s   = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u[i] = ((*s >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static void Simulate(void)
{
  unsigned long long s = 42;
  for (int i = 0; i < N; i++) {
    double e = 0;
    group[i] = i % 2;
    base[i]  = 10 + 2 * Normal(&s);
    for (int v = 0; v < V; v++) {
      e            = 0.6 * e + Normal(&s);
      y[i * V + v] = 0.5 * base[i] + (v + 1) * (1 + group[i]) + e;
    }
    if (i % 5 == 1) y[i * V + 2] = NAN;                            /* dropped after visit 2 */
    if (i % 7 == 3) y[i * V + 1] = y[i * V + 2] = NAN;             /* after visit 1 */
    if (i % 11 == 4) y[i * V] = y[i * V + 1] = y[i * V + 2] = NAN; /* no visit */
  }
  y[5 * V + 1] = NAN; /* twin 5: visit 2 missed, visit 3 observed (a gap) */
}

static tt_mi_options Options(tt_mi_method m);

/* 7 */
static void Events(const tt_mi_data *d0)
{
  static double a[N * V], b[N * V];
  static int    ice[N];
  tt_mi_data    d = *d0;
  for (int m = TT_MI_MAR; m <= TT_MI_DELTA; m++) {
    tt_mi_options o = Options((tt_mi_method) m);
    o.delta         = 1.5;
    d.ice           = NULL;
    TT_CHECK(tt_mi_impute(&d, &o, 0, a) == TT_STATS_OK, "imputes without events");
    for (int i = 0; i < N; i++) { /* at or after the first trailing missing visit */
      int k = V;
      while (k > 0 && isnan(y[i * V + k - 1])) k--;
      ice[i] = k + (i % 3 == 0 && k < V);
    }
    d.ice = ice;
    TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK && !memcmp(a, b, sizeof a),
             "events at or after the first trailing missing visit change nothing");
    for (int i = 1; i < N; i += 4) ice[i] = 1; /* half the treated twins stop before visit 2 */
    TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK, "imputes with events");
    if (m == TT_MI_MAR) TT_CHECK(!memcmp(a, b, sizeof a), "mar ignores the events");
    if (m == TT_MI_DELTA) /* twin 5's gap (visit 2) is after its event (visit 2): shifted too */
      for (int j = 0; j < N * V; j++)
        TT_CHECK_CLOSE(b[j] - a[j], j == 5 * V + 1 ? 1.5 : 0.0, 1e-12, "delta after events");
    if (m != TT_MI_MAR && m != TT_MI_DELTA)
      TT_CHECK(memcmp(a, b, sizeof a), "reference-based imputations change with earlier events");
    for (int i = 0; i < N * V; i++)
      if (!isnan(y[i])) TT_CHECK(b[i] == y[i], "observed values kept, post-event ones too");
  }
  ice[7] = V + 1;
  TT_CHECK(tt_mi_impute(&d, &(tt_mi_options){0}, 0, b) == TT_STATS_EDOMAIN, "ice > nvisit");
  ice[7] = -1;
  TT_CHECK(tt_mi_impute(&d, &(tt_mi_options){0}, 0, b) == TT_STATS_EDOMAIN, "ice < 0");
}

/* 6 */
static void Covariates(const tt_mi_data *d0)
{
  static double      x[3 * N], a[N * V], b[N * V];
  tt_mi_options      o = Options(TT_MI_MAR);
  tt_mi_data         d = *d0;
  double             dmax;
  unsigned long long s = 99;
  for (int i = 0; i < N; i++) x[i] = Normal(&s), x[N + i] = i % 3 == 0, x[2 * N + i] = group[i];
  d.ncov = 2, d.cov = x;
  TT_CHECK(tt_mi_impute(&d, &o, 0, a) == TT_STATS_OK, "mar imputes with covariates");
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK && !memcmp(a, b, sizeof a), "same keys, same imputations");
  for (int i = 0; i < N * V; i++)
    if (!isnan(y[i]) && i != 5 * V + 2) TT_CHECK(a[i] == y[i], "observed values kept");
  for (int m = TT_MI_JUMP_TO_REFERENCE; m <= TT_MI_COPY_INCREMENTS; m++) {
    tt_mi_options r = Options((tt_mi_method) m);
    TT_CHECK(tt_mi_impute(&d, &r, 0, b) == TT_STATS_OK, "reference-based imputes with covariates");
    for (int i = 0; i < N; i += 2)
      for (int v = 0; v < V; v++) TT_CHECK(b[i * V + v] == a[i * V + v], "the reference arm is imputed under mar");
  }
  for (int i = 0; i < N; i++) x[i] = 100 + 3 * x[i];
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK, "shifted and scaled covariate");
  dmax = 0;
  for (int i = 0; i < N * V; i++) dmax = fmax(dmax, fabs(a[i] - b[i]));
  TT_CHECK(dmax < 1e-8, "an affine change of a covariate leaves the imputations alone");
  for (int i = 0; i < N; i++) x[i] = isnan(y[i * V]) ? 0 : y[i * V] + 0.3 * Normal(&s); /* predicts visit 1 */
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK, "predictive covariate");
  dmax = 0;
  for (int i = 0; i < N * V; i++) dmax = fmax(dmax, fabs(a[i] - b[i]));
  TT_CHECK(dmax > 0.1, "a predictive covariate changes the imputations");
  d.ncov = 1, d.cov = x + 2 * N;
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_ESINGULAR, "a covariate equal to the arm: singular");
  d.ncov = TT_MI_MAX_COVARIATES + 1;
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_EDOMAIN, "too many covariates");
  d.ncov = -1;
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_EDOMAIN, "negative ncov");
}

static tt_mi_options Options(tt_mi_method m)
{
  tt_mi_options o = {m, 0, 0, 5, TT_MI_ANCOVA, V - 1, 1, {TT_MMRM_UNSTRUCTURED}, TT_MMRM_SATTERTHWAITE, 7, 3, 5};
  return o;
}

int main(void)
{
  tt_mi_data    d = {N, V, group, base, y, 0, NULL, NULL};
  static double a[N * V], b[N * V], c[N * V];
  tt_mi_options o = Options(TT_MI_MAR);
  Simulate();

  /* 1, 2 */
  TT_CHECK(tt_mi_impute(&d, &o, 0, a) == TT_STATS_OK, "mar imputes");
  TT_CHECK(tt_mi_impute(&d, &o, 0, b) == TT_STATS_OK, "again");
  TT_CHECK(!memcmp(a, b, sizeof a), "same keys, bitwise-identical imputations");
  TT_CHECK(tt_mi_impute(&d, &o, 1, c) == TT_STATS_OK && memcmp(a, c, sizeof a), "imputation 1 differs from 0");
  o.key_a = 4;
  TT_CHECK(tt_mi_impute(&d, &o, 0, c) == TT_STATS_OK && memcmp(a, c, sizeof a), "another key differs");
  o.key_a = 3;
  for (int i = 0; i < N * V; i++) {
    TT_CHECK(isfinite(a[i]), "every value completed");
    if (!isnan(y[i])) TT_CHECK(a[i] == y[i], "observed values kept, after a gap too");
  }

  /* 3 */
  for (int m = TT_MI_JUMP_TO_REFERENCE; m <= TT_MI_DELTA; m++) {
    tt_mi_options r    = Options((tt_mi_method) m);
    int           diff = 0;
    r.delta            = 2.5;
    TT_CHECK(tt_mi_impute(&d, &r, 0, b) == TT_STATS_OK, "reference-based imputes");
    for (int i = 0; i < N; i++)
      for (int v = 0; v < V; v++) {
        int j = i * V + v;
        if (group[i] == 0) TT_CHECK(b[j] == a[j], "the reference arm is imputed under mar");
        if (group[i] == 1 && m == TT_MI_DELTA)
          TT_CHECK_CLOSE(b[j] - a[j], isnan(y[j]) && j != 5 * V + 1 ? 2.5 : 0.0, 1e-12,
                         "delta on imputed values, not on an intermittent gap");
        if (j == 5 * V + 1 && m != TT_MI_COPY_REFERENCE)
          TT_CHECK(b[j] == a[j], "an intermittent gap is imputed under mar");
        diff += b[j] != a[j];
      }
    TT_CHECK(diff > 0, "the treatment arm's imputations change");
  }

  /* 4 */
  {
    double       q[4] = {1, 1, 1, 1}, u[4] = {0.04, 0.05, 0.06, 0.05}, bad[2] = {1, -1};
    tt_mi_pooled p;
    TT_CHECK(tt_mi_pool(4, q, u, 50, &p) == TT_STATS_OK, "pool");
    TT_CHECK_CLOSE(p.b, 0, 0, "no between variance");
    TT_CHECK_CLOSE(p.std_error, sqrt(0.05), 1e-15, "SE = sqrt(ubar)");
    TT_CHECK_CLOSE(p.df, 1 / (1 / (3 / 1e-8) + 1 / (51.0 / 53 * 50 * (1 - 1e-4))), 1e-9,
                   "Barnard-Rubin at lambda 1e-4");
    TT_CHECK(tt_mi_pool(1, q, u, 50, &p) == TT_STATS_ETOOFEW, "one imputation");
    TT_CHECK(tt_mi_pool(2, q, bad, 50, &p) == TT_STATS_EDOMAIN, "negative variance");
    TT_CHECK(tt_mi_pool(2, q, u, 0, &p) == TT_STATS_EDOMAIN, "dfcom 0");
  }

  Covariates(&d);
  Events(&d);

  /* 5 */
  {
    tt_mi_data      few = {4, V, group, base, y, 0, NULL, NULL};
    tt_stats_result res;
    tt_mi_pooled    p;
    TT_CHECK(tt_mi_impute(&few, &o, 0, a) == TT_STATS_ETOOFEW, "4 twins: too few for visit 3's regression");
    for (int i = 1; i < N; i += 2) y[i * V + 2] = NAN; /* no treated twin observed at visit 3 */
    TT_CHECK(tt_mi_run(&d, &o, (tt_stats_test_spec){0.05, 2, 0}, &res, &p, NULL, NULL) == TT_STATS_ETOOFEW,
             "an arm unobserved at a visit");
    TT_CHECK(isnan(res.estimate), "failed analysis: NaN estimate");
  }
  if (!tt_failures) printf("test_mi: all checks passed\n");
  return tt_failures;
}
