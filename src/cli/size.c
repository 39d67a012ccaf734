/* size.c — `twintrial size`: the smallest number of patients whose simulated power for
 * one analysis reaches --power (the search is TTDesignSize, src/design/size.c). Output
 * on rank 0: the search table on stdout, progress on stderr as `run` gives it, and as
 * the last line "patients: N  power P (MC SE S, R replicates)". Collective. */
#include <string.h>
#include <twintrial/design.h>
#include "cli.h"

/* Progress per simulated size: each size restarts the count, so restart the clock. */
static void SizeProgress(void *ctx, PetscInt done, PetscInt total, double twins)
{
  TTProgress *pg = (TTProgress *) ctx;
  if (done == 1) TTProgressInit(pg, pg->mode);
  TTProgressUpdate(ctx, done, total, twins);
}

/* --analysis NAME, or the deciding analysis of a group-sequential design, or the first. */
static PetscErrorCode FindAnalysis(const TTCli *cli, const TTProtocol *p, PetscInt *k)
{
  char list[1024] = "";

  PetscFunctionBeginUser;
  *k = p->nlook > 0 ? p->interim_analysis : 0;
  if (!cli->analysis) PetscFunctionReturn(0);
  for (*k = 0; *k < p->nanalysis; (*k)++)
    if (!strcmp(p->analysis[*k].name, cli->analysis)) PetscFunctionReturn(0);
  for (int i = 0; i < p->nanalysis; i++) {
    PetscCall(PetscStrlcat(list, i ? ", " : "", sizeof(list)));
    PetscCall(PetscStrlcat(list, p->analysis[i].name, sizeof(list)));
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "--analysis %s: not an analysis of %s; expected one of %s", cli->analysis,
          cli->input, list);
}

static PetscErrorCode Size(const TTCli *cli, TTProtocol *p)
{
  TTSizeOptions opt = {0};
  TTSizeResult  res;
  TTProgress    pg;
  PetscMPIInt   rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TTProtocolOverride(p, -1, cli->patients, cli->seed_set, cli->seed));
  PetscCall(FindAnalysis(cli, p, &opt.analysis));
  opt.power        = cli->power;
  opt.replicates   = cli->replicates > 0 ? cli->replicates : 0;
  opt.confirm      = cli->confirm > 0 ? cli->confirm : 0;
  opt.max_patients = cli->max_patients > 0 ? cli->max_patients : 0;
  opt.log          = rank == 0 ? stdout : NULL;
  TTProgressInit(&pg, cli->progress);
  opt.progress     = SizeProgress;
  opt.progress_ctx = &pg;
  PetscCall(TTDesignSize(PETSC_COMM_WORLD, p, &opt, &res));
  if (rank) PetscFunctionReturn(0);
  printf("fitted power curve: power %g at %.0f patients (approximate 95%% interval %.0f to %.0f)\n", opt.power,
         0.5 * (res.fit_lo + res.fit_hi), res.fit_lo, res.fit_hi);
  if (res.power < opt.power - 2.0 * res.mcse) /* more than MC noise */
    printf("note: the confirmation's power is below the target by %.1f MC SE; more replicates (--replicates) narrow "
           "the search\n",
           (opt.power - res.power) / (res.mcse > 0 ? res.mcse : 1.0));
  printf("patients: %d  power %.3f (MC SE %.3f, %d replicates)\n", (int) res.patients, res.power, res.mcse,
         (int) res.replicates);
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliSize(const TTCli *cli)
{
  TTProtocol    *p = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(cli->input, &p));
  ierr = TTCliLoadModel(p);
  if (!ierr) ierr = Size(cli, p);
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
