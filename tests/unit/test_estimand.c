/* test_estimand.c — treatment discontinuation and the true values of the estimands, on a
 * model with a closed form (tests/data/protocols/discontinuation/offset_model.yaml: a flat
 * course, the active arm lower by delta = 3 at every visit after 0, additive residuals
 * shared by the arms):
 *  - washout.yaml: the active arm stops at td ~ Exponential(lambda), S(52 weeks) = 0.6,
 *    its effect washing out with half-life h = 6 weeks. At the week-52 visit T the
 *    treatment-policy effect of a twin is -delta f(td), f = 1 for td >= T and
 *    2^(-(T - td) / h) before: per twin from its stored discontinuation time (to
 *    rounding), and in expectation -delta E f = -delta [e^(-lambda T) + lambda (e^(-lambda
 *    T) - e^(-c T)) / (c - lambda)], c = ln 2 / h, within 4 Monte Carlo SE. Hypothetical:
 *    -delta exactly. While on treatment (the last visit at or before td): -delta P(td >=
 *    4 weeks) = -delta e^(-4 lambda) within 4 SE. Without the estimand key: treatment
 *    policy. Before and at td the on-treatment and actual observations agree bitwise.
 *  - none.yaml (no discontinuation) and never.yaml (a hazard too small to act by week 52):
 *    the three estimands have bitwise the same true value, and the same in both files.
 * Usage: test_estimand (the protocols of TT_DISC_DIR). */
#include <math.h>
#include <string.h>
#include <twintrial/trial.h>
#include "tt_check.h"

#define DELTA 3.0
#define HALF  6.0
#define T52   52.0

typedef struct {
  double true_effect[4]; /* treatment_policy, hypothetical, while_on_treatment, default */
  double mean_f;         /* the twins' washout factor at week 52, from their stored times */
  double share_w4;       /* twins on treatment at week 4 */
  int    agree;          /* on-treatment and actual observations agree up to td */
} Run;

static PetscErrorCode RunProtocol(const char *name, Run *out)
{
  char              path[4096];
  TTProtocol       *p;
  TTTrial           t;
  TTSim             sim;
  TTRecordLayout    L;
  TTReplicateResult res;
  double           *recs, sum = 0, w4 = 0;

  PetscFunctionBeginUser;
  snprintf(path, sizeof path, "%s/%s", TT_DISC_DIR, name);
  PetscCall(TTProtocolLoad(path, &p));
  PetscCall(TTTrialCreate(p, &t));
  PetscCall(TTTrialGetRecordLayout(t, &L));
  PetscCall(TTTrialCreateSim(t, &sim));
  PetscCall(PetscMalloc1(L.size * p->patients, &recs));
  out->agree = 1;
  for (int i = 0; i < p->patients; i++) {
    double *rec = recs + i * L.size, td;
    PetscCall(TTTrialSimulateTwin(t, sim, 0, i, rec));
    td = TTRecordDiscontinuation(&L, rec, 1);
    sum += td >= T52 * 7 ? 1.0 : exp2(-(T52 * 7 - td) / (HALF * 7));
    w4 += td >= 4 * 7;
    for (int v = 0; v < L.nvisit; v++)
      if (p->visit[v] * 7 <= td && TTRecordOnTreatment(&L, rec, 1)[v] != TTRecordTraj(&L, rec, 1)[v]) out->agree = 0;
  }
  out->mean_f   = sum / p->patients;
  out->share_w4 = w4 / p->patients;
  PetscCall(TTReplicateResultCreate(t, &res));
  PetscCall(TTTrialAnalyse(t, 0, recs, &res));
  for (int k = 0; k < 4; k++) out->true_effect[k] = res.true_effect[k];
  PetscCall(TTReplicateResultDestroy(&res));
  PetscCall(PetscFree(recs));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&t));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const double lambda = -log(0.6) / T52, c = log(2.0) / HALF, n = 20000;
  const double ef = exp(-lambda * T52) + lambda * (exp(-lambda * T52) - exp(-c * T52)) / (c - lambda);
  Run          w, none, never;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(RunProtocol("washout.yaml", &w));
  printf("washout: treatment policy %.5f (closed form %.5f, from the stored times %.5f), hypothetical %.5f, while on "
         "treatment %.5f (closed form %.5f)\n",
         w.true_effect[0], -DELTA * ef, -DELTA * w.mean_f, w.true_effect[1], w.true_effect[2],
         -DELTA * exp(-4 * lambda));
  TT_CHECK(fabs(w.true_effect[0] + DELTA * w.mean_f) < 1e-9, "treatment policy: -delta times each twin's washout");
  TT_CHECK(fabs(w.true_effect[0] + DELTA * ef) < 4 * DELTA * 0.5 / sqrt(n),
           "treatment policy: the hand-derived mixture within 4 MC SE");
  TT_CHECK(fabs(w.true_effect[1] + DELTA) < 1e-9, "hypothetical: the on-treatment effect");
  TT_CHECK(fabs(w.true_effect[2] + DELTA * w.share_w4) < 4 * sqrt(2.0 / n) + 1e-9,
           "while on treatment: -delta times the share on treatment at the first visit (residual noise aside)");
  TT_CHECK(fabs(w.share_w4 - exp(-4 * lambda)) < 4 * sqrt(0.04 / n), "P(td >= 4 weeks) as the hazard says");
  TT_CHECK(w.true_effect[3] == w.true_effect[0], "the default estimand is treatment policy");
  TT_CHECK(w.agree, "on-treatment and actual observations agree bitwise up to discontinuation");
  PetscCall(RunProtocol("none.yaml", &none));
  PetscCall(RunProtocol("never.yaml", &never));
  for (int k = 1; k < 4; k++) {
    TT_CHECK(none.true_effect[k] == none.true_effect[0], "no discontinuation: the estimands coincide");
    TT_CHECK(never.true_effect[k] == never.true_effect[0], "no discontinuation by week 52: the estimands coincide");
  }
  TT_CHECK(none.true_effect[0] == never.true_effect[0], "a discontinuation that never acts changes nothing");
  TT_CHECK(fabs(none.true_effect[0] + DELTA) < 1e-9, "and they are the on-treatment effect");
  PetscCall(PetscFinalize());
  if (tt_failures)
    printf("%d check(s) failed\n", tt_failures);
  else
    printf("all checks passed\n");
  return tt_failures ? 1 : 0;
}
