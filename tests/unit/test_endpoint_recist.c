/* test_endpoint_recist.c — the RECIST endpoints on hand-made trajectories through
 * TTTrialEndpoint, the expected answer of each written beside it.
 * best_response with confirmation (confirm_weeks): a response counts only when the percent
 * change from baseline stays <= threshold over consecutive observed visits spanning
 * >= confirm_weeks (Therasse et al. 2000 J Natl Cancer Inst 92:205; Eisenhauer et al. 2009
 * Eur J Cancer 45:228: confirmation >= 4 weeks after the criteria are first met); the shipped
 * protocol reads confirm_weeks: 4 as 28 days.
 * progression_free: progression at the first visit at least 20% (and progression_absolute)
 * over the smallest sum so far, baseline included (RECIST 1.0, Therasse 2000); a complete
 * response (sum 0) that stays at 0 is not progression, a reappearance is. */
#include <math.h>
#include <twintrial/model.h>
#include "trial/trialimpl.h"
#include "tt_check.h"

#define NV  5
#define NEV (TT_MAX_EVENT_TIMES)

static struct _p_TTTrial trial;
static double            days[NV] = {0.0, 42.0, 84.0, 126.0, 168.0}; /* weeks 0, 6, 12, 18, 24 */
static PetscInt          evar[TT_MAX_ENDPOINTS], eevent[TT_MAX_ENDPOINTS];

/* Record of one twin, one arm: entry 0, not failed, dropout and death as given. */
static void Record(const double size[NV], double dropout, double death, double *rec)
{
  const TTRecordLayout *L = &trial.L;
  rec[L->entry] = 0.0, rec[L->failed] = 0.0, rec[L->arm0] = dropout;
  for (int v = 0; v < NV; v++) rec[L->arm0 + 1 + v] = size[v];
  rec[L->arm0 + 1 + NV] = death;
  for (int j = 1; j < NEV; j++) rec[L->arm0 + 1 + NV + j] = INFINITY;
}

static double Orr(TTProtocol *p, PetscInt e, double confirm_days, const double size[NV], double dropout, double death)
{
  double rec[3 + 1 + NV + NEV];
  p->endpoint[e].confirm_days = confirm_days;
  Record(size, dropout, death, rec);
  return TTTrialEndpoint(&trial, rec, 0, e, INFINITY, PETSC_TRUE).value;
}

/* PFS (days) and its event flag; death as given, no dropout. */
static TTPair Pfs(PetscInt e, const double size[NV], double death)
{
  double rec[3 + 1 + NV + NEV];
  Record(size, INFINITY, death, rec);
  return TTTrialEndpoint(&trial, rec, 0, e, INFINITY, PETSC_TRUE);
}

static void SetUp(TTProtocol *p)
{
  TTRecordLayout *L = &trial.L;
  trial.p = p, trial.model = tt_model_find("oncology_tgi_os");
  L->entry = 0, L->failed = 1, L->arm0 = 2, L->nvisit = NV, L->nvar = 1, L->nevent = 1, L->narm = 1;
  L->arm_size = 1 + NV + NEV, L->size = 3 + L->arm_size;
  trial.t_days = days, trial.horizon_days = 1e9;
  trial.endpoint_var = evar, trial.endpoint_event = eevent;
  for (int e = 0; e < TT_MAX_ENDPOINTS; e++) evar[e] = 0, eevent[e] = -1;
}

static void confirmation_cases(TTProtocol *p, PetscInt e)
{
  const double once[NV]   = {100, 65, 100, 100, 100};     /* -35% once */
  const double twice[NV]  = {100, 65, 68, 100, 100};      /* -35%, -32% six weeks apart */
  const double broken[NV] = {100, 65, 75, 65, 100};       /* -35%, -25%, -35%: no run of two */
  const double late[NV]   = {100, 90, 80, 69, 70};        /* -31%, -30% at weeks 18, 24 */
  const double edge[NV]   = {100, 70, 70.0001, 100, 100}; /* -30% exactly, then -29.9999% */
  const double inf        = INFINITY;
  TT_CHECK(Orr(p, e, 0.0, once, inf, inf) == 1.0, "no confirmation: one -35% reading responds");
  TT_CHECK(Orr(p, e, 28.0, once, inf, inf) == 0.0, "confirm 4 weeks: a single reading does not");
  TT_CHECK(Orr(p, e, 28.0, twice, inf, inf) == 1.0, "confirmed 42 days later (>= 28)");
  TT_CHECK(Orr(p, e, 42.0, twice, inf, inf) == 1.0, "42 days >= 42 days: confirmed");
  TT_CHECK(Orr(p, e, 43.0, twice, inf, inf) == 0.0, "42 days < 43 days: not confirmed");
  TT_CHECK(Orr(p, e, 28.0, broken, inf, inf) == 0.0, "a reading above the threshold breaks the run");
  TT_CHECK(Orr(p, e, 0.0, broken, inf, inf) == 1.0, "unconfirmed best response -35%");
  TT_CHECK(Orr(p, e, 28.0, late, inf, inf) == 1.0, "run at weeks 18-24 confirmed");
  TT_CHECK(Orr(p, e, 28.0, late, 150.0, inf) == 0.0, "dropout at day 150: the week-24 confirmation is unseen");
  TT_CHECK(Orr(p, e, 28.0, late, inf, 168.0) == 0.0, "death on day 168: the week-24 visit is not seen");
  TT_CHECK(Orr(p, e, 28.0, twice, inf, 100.0) == 1.0, "death after the confirming visit: still a responder");
  TT_CHECK(Orr(p, e, 0.0, edge, inf, inf) == 1.0, "-30% exactly meets threshold -30");
  TT_CHECK(Orr(p, e, 28.0, edge, inf, inf) == 0.0, "-29.9999% does not confirm");
}

static void progression_cases(TTProtocol *p, PetscInt e)
{
  const double grow[NV]  = {100, 60, 70, 72, 80};   /* nadir 60; 72 = +20% at week 18 */
  const double below[NV] = {100, 60, 70, 71.9, 60}; /* +19.8% at most: never */
  const double early[NV] = {100, 120, 90, 90, 90};  /* +20% over baseline at week 6 */
  const double cr[NV]    = {100, 0, 0, 0, 0};       /* complete response kept: never */
  const double back[NV]  = {100, 0, 0, 3, 3};       /* reappearance at week 18 */
  const double inf       = INFINITY;
  TTPair       q;
  eevent[e] = 0; /* the model's death event ends PFS */
  TT_CHECK_CLOSE(p->endpoint[e].progression_percent, 20.0, 0.0, "RECIST progression: +20% over the nadir");
  q = Pfs(e, grow, inf);
  TT_CHECK(q.value == 126.0 && q.aux == 1.0, "+20% over the nadir 60 at week 18: progression on day 126");
  q = Pfs(e, below, inf);
  TT_CHECK(q.value == 168.0 && q.aux == 0.0, "never +20%: censored at the last visit, day 168");
  q = Pfs(e, below, 100.0);
  TT_CHECK(q.value == 100.0 && q.aux == 1.0, "death on day 100 before any progression: event on day 100");
  q = Pfs(e, early, inf);
  TT_CHECK(q.value == 42.0 && q.aux == 1.0, "+20% over baseline at the first visit: day 42");
  q = Pfs(e, cr, inf);
  TT_CHECK(q.value == 168.0 && q.aux == 0.0, "a complete response that stays at 0 is not progression");
  q = Pfs(e, back, inf);
  TT_CHECK(q.value == 126.0 && q.aux == 1.0, "a lesion reappearing after a complete response: progression");
}

int main(int argc, char **argv)
{
  TTProtocol *p = NULL;
  PetscInt    e = -1;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TTProtocolLoad(TT_PROTOCOL_DIR "/oncology_nsclc.yaml", &p));
  for (PetscInt i = 0; i < p->nendpoint; i++)
    if (p->endpoint[i].type == TT_ENDPOINT_BEST_RESPONSE) e = i;
  TT_CHECK(e >= 0, "the MONET1 protocol has a best_response endpoint");
  if (e >= 0) {
    TT_CHECK_CLOSE(p->endpoint[e].confirm_days, 28.0, 0.0, "confirm_weeks: 4 = 28 days");
    TT_CHECK_CLOSE(p->endpoint[e].threshold, -30.0, 0.0, "RECIST partial response: -30%");
    SetUp(p);
    confirmation_cases(p, e);
  }
  e = -1;
  for (PetscInt i = 0; i < p->nendpoint; i++)
    if (p->endpoint[i].type == TT_ENDPOINT_PROGRESSION_FREE) e = i;
  TT_CHECK(e >= 0, "the MONET1 protocol has a progression_free endpoint");
  if (e >= 0) progression_cases(p, e);
  PetscCall(TTProtocolDestroy(&p));
  printf("%d failure(s)\n", tt_failures);
  PetscCall(PetscFinalize());
  return tt_failures != 0;
}
