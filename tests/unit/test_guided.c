/* test_guided.c — guided arms through the trial, one replicate at a time (no MPI):
 * usage: test_guided PROTOCOL [replicates] [check]
 * Prints per replicate the guided figures of every guided arm (TTReplicateResult.guided)
 * and the twins' mean fits that did not converge. Checks: shares over candidates sum to
 * 1; oracle agreement in [0, 1]; mean regret >= 0 and every twin's regret >= 0; value =
 * best single's mean score - policy's; the best single is the candidate of smallest mean
 * score; a twin's final candidate and switches match its record. `check`:
 *   perfect  oracle agreement >= 0.95 and mean regret <= 0.01 of the candidates' mean
 *            spread (max - min true score per twin), pooled over replicates;
 *   prior    the value of personalisation within 3 Monte Carlo SEs of 0, pooled, and in
 *            every replicate at least 90 % of the twins given the best single candidate. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <twintrial/guided.h>
#include "tt_check.h"

typedef struct {
  double agree, regret, spread, value, value2, n, reps, switches, best_share;
} Pool;

static PetscErrorCode CheckTwins(TTTrial t, const TTProtocol *p, const TTRecordLayout *L, const double *recs,
                                 PetscInt a, Pool *pool)
{
  const PetscInt nc = p->arm[a].guide.ncandidate;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < p->patients; i++) {
    const double *b  = TTRecordGuided(L, recs + i * L->size, a);
    double        lo = INFINITY, hi = -INFINITY;
    PetscInt      fin = (PetscInt) b[TT_GUIDED_FINAL], orc = (PetscInt) b[TT_GUIDED_ORACLE];
    if (recs[i * L->size + L->failed] != 0.0) continue;
    TT_CHECK(fin >= 0 && fin < nc && orc >= 0 && orc < nc, "candidates in range");
    TT_CHECK(b[TT_GUIDED_SCORE + fin] >= b[TT_GUIDED_SCORE + orc], "a twin's regret is never negative");
    for (PetscInt c = 0; c < nc; c++)
      lo = PetscMin(lo, b[TT_GUIDED_SCORE + c]), hi = PetscMax(hi, b[TT_GUIDED_SCORE + c]);
    pool->spread += hi - lo;
    pool->switches += b[TT_GUIDED_SWITCHES];
  }
  (void) t;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFigures(const TTProtocol *p, PetscInt a, const double *f, Pool *pool)
{
  const PetscInt nc  = p->arm[a].guide.ncandidate;
  double         sum = 0;

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < nc; c++) sum += f[TT_GUIDED_SHARE + c];
  TT_CHECK(fabs(sum - 1) < 1e-12, "shares sum to 1");
  TT_CHECK(f[TT_GUIDED_AGREEMENT] >= 0 && f[TT_GUIDED_AGREEMENT] <= 1, "oracle agreement in [0, 1]");
  TT_CHECK(f[TT_GUIDED_REGRET] >= 0, "mean regret >= 0");
  TT_CHECK(fabs(f[TT_GUIDED_VALUE] - (f[TT_GUIDED_BEST_SINGLE_MEAN] - f[TT_GUIDED_POLICY_MEAN])) < 1e-12,
           "value = best single's mean score - policy's");
  pool->agree += f[TT_GUIDED_AGREEMENT] * f[TT_GUIDED_TWINS];
  pool->regret += f[TT_GUIDED_REGRET] * f[TT_GUIDED_TWINS];
  pool->n += f[TT_GUIDED_TWINS];
  pool->value += f[TT_GUIDED_VALUE];
  pool->value2 += f[TT_GUIDED_VALUE] * f[TT_GUIDED_VALUE];
  pool->reps++;
  pool->best_share =
      PetscMin(pool->reps > 1 ? pool->best_share : 1.0, f[TT_GUIDED_SHARE + (PetscInt) f[TT_GUIDED_BEST_SINGLE]]);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  TTProtocol       *p;
  TTTrial           t;
  TTSim             sim;
  TTRecordLayout    L;
  TTReplicateResult res;
  double           *recs;
  PetscInt          R;
  Pool              pool = {0};
  const char       *check;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCheck(argc >= 2, PETSC_COMM_SELF, PETSC_ERR_USER, "usage: test_guided PROTOCOL [replicates] [check]");
  R     = argc > 2 ? atoi(argv[2]) : 1;
  check = argc > 3 ? argv[3] : "";
  PetscCall(TTProtocolLoad(argv[1], &p));
  PetscCall(TTTrialCreate(p, &t));
  PetscCall(TTGuideSetUp(t));
  PetscCall(TTTrialCreateSim(t, &sim));
  PetscCall(TTTrialGetRecordLayout(t, &L));
  PetscCall(PetscMalloc1(p->patients * L.size, &recs));
  PetscCall(TTReplicateResultCreate(t, &res));
  for (PetscInt r = 0; r < R; r++) {
    for (PetscInt i = 0; i < p->patients; i++) PetscCall(TTTrialSimulateTwin(t, sim, r, i, recs + i * L.size));
    PetscCall(TTTrialAnalyse(t, r, recs, &res));
    for (PetscInt a = 0; a < p->narm; a++) {
      const double *f      = res.guided + a * TT_GUIDED_FIGURES;
      double        unconv = 0;
      if (!p->arm[a].guided) continue;
      for (PetscInt i = 0; i < p->patients; i++)
        unconv += TTRecordGuided(&L, recs + i * L.size, a)[TT_GUIDED_UNCONVERGED];
      printf("replicate %d arm %s: agreement %.4f regret %.5g policy %.5g best single %d (%.5g) value %.5g switches "
             "%.3f twins %g unconverged fits %g; shares",
             (int) r, p->arm[a].name, f[TT_GUIDED_AGREEMENT], f[TT_GUIDED_REGRET], f[TT_GUIDED_POLICY_MEAN],
             (int) f[TT_GUIDED_BEST_SINGLE], f[TT_GUIDED_BEST_SINGLE_MEAN], f[TT_GUIDED_VALUE],
             f[TT_GUIDED_MEAN_SWITCHES], f[TT_GUIDED_TWINS], unconv);
      for (PetscInt c = 0; c < p->arm[a].guide.ncandidate; c++) printf(" %.3f", f[TT_GUIDED_SHARE + c]);
      printf("\n");
      PetscCall(CheckFigures(p, a, f, &pool));
      PetscCall(CheckTwins(t, p, &L, recs, a, &pool));
    }
  }
  if (pool.n > 0) {
    double agree = pool.agree / pool.n, regret = pool.regret / pool.n, spread = pool.spread / pool.n;
    double vm  = pool.value / pool.reps,
           vse = pool.reps > 1 ? sqrt((pool.value2 / pool.reps - vm * vm) / (pool.reps - 1)) : NAN;
    printf(
        "pooled: agreement %.4f, regret %.5g, mean spread of true scores %.5g, value %.5g (MC SE %.3g), switches %g\n",
        agree, regret, spread, vm, vse, pool.switches);
    if (!strcmp(check, "perfect")) {
      TT_CHECK(agree >= 0.95, "perfect information: oracle agreement >= 0.95");
      TT_CHECK(regret <= 0.01 * spread, "perfect information: regret <= 1% of the candidates' spread");
    }
    if (!strcmp(check, "prior")) {
      TT_CHECK(fabs(vm) <= 3 * vse, "no information: value of personalisation within 3 MC SE of 0");
      TT_CHECK(pool.best_share >= 0.9, "no information: >= 90% of the twins given the best single candidate");
    }
  }
  PetscCall(TTReplicateResultDestroy(&res));
  PetscCall(PetscFree(recs));
  PetscCall(TTSimDestroy(&sim));
  PetscCall(TTTrialDestroy(&t));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(PetscFinalize());
  return tt_failures ? 1 : 0;
}
