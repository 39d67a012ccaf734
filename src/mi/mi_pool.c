/* mi_pool.c — Rubin's rules with Barnard & Rubin's small-sample degrees of freedom.
 *
 * Owns tt_mi_pool and tt_mi_method_name. Invariants: the formulas are those of Rubin
 * (1987, Multiple Imputation for Nonresponse in Surveys, eq. 3.1.2-3.1.10) and Barnard &
 * Rubin (1999 Biometrika 86:948), with mice::pool's floor of 1e-4 on lambda.
 */
#include <math.h>
#include "twintrial/mi.h"

const char *tt_mi_method_name(tt_mi_method m)
{
  static const char *const names[TT_MI_NMETHOD] = {"mar", "jump_to_reference", "copy_reference", "copy_increments",
                                                   "delta"};
  return m >= 0 && m < TT_MI_NMETHOD ? names[m] : "?";
}

int tt_mi_pool(int m, const double q[], const double u[], double dfcom, tt_mi_pooled *out)
{
  double qbar = 0, ubar = 0, b = 0, lambda, dfold, dfobs;
  if (m < 2) return TT_STATS_ETOOFEW;
  for (int i = 0; i < m; i++) {
    if (!isfinite(q[i]) || !isfinite(u[i]) || u[i] < 0) return TT_STATS_EDOMAIN;
    qbar += q[i], ubar += u[i];
  }
  if (!(dfcom > 0)) return TT_STATS_EDOMAIN;
  qbar /= m, ubar /= m;
  for (int i = 0; i < m; i++) b += (q[i] - qbar) * (q[i] - qbar);
  b /= m - 1;
  out->ubar      = ubar;
  out->b         = b;
  out->t         = ubar + (1.0 + 1.0 / m) * b;
  out->estimate  = qbar;
  out->std_error = sqrt(out->t);
  out->riv       = ubar > 0 ? (1.0 + 1.0 / m) * b / ubar : INFINITY;
  out->lambda    = out->t > 0 ? (1.0 + 1.0 / m) * b / out->t : 0;
  lambda         = fmax(out->lambda, 1e-4);
  dfold          = (m - 1) / (lambda * lambda);
  dfobs          = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda);
  out->df        = isinf(dfcom) ? dfold : dfold * dfobs / (dfold + dfobs);
  out->fmi       = (out->riv + 2 / (out->df + 3)) / (out->riv + 1);
  return TT_STATS_OK;
}
