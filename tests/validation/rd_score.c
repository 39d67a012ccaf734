/* rd_score.c — prints tt_stats_risk_diff_score for the tables given on stdin, one per
 * line "x0 n0 x1 n1 margin alpha sided direction", as "estimate std_error statistic
 * p_value ci_lower ci_upper reject" with 17 significant digits (or the error code), for
 * rd_score_vs_r.R to recompute in R. */
#include <stdio.h>
#include <twintrial/stats.h>

int main(void)
{
  int    x0, n0, x1, n1, sided, direction;
  double margin, alpha;
  while (scanf("%d %d %d %d %lf %lf %d %d", &x0, &n0, &x1, &n1, &margin, &alpha, &sided, &direction) == 8) {
    tt_stats_result    r;
    tt_stats_test_spec spec = {alpha, sided, direction};
    int                err  = tt_stats_risk_diff_score(x0, n0, x1, n1, margin, spec, &r);
    if (err)
      printf("error %d\n", err);
    else
      printf("%.17g %.17g %.17g %.17g %.17g %.17g %d\n", r.estimate, r.std_error, r.statistic, r.p_value, r.ci_lower,
             r.ci_upper, r.reject);
  }
  return 0;
}
