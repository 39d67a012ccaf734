/* commands.c — the subcommands. Each is collective on PETSC_COMM_WORLD; anything a
 * person reads is printed by rank 0 only. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <twintrial/coord.h>
#include <twintrial/store.h>
#include "cli.h"

static PetscErrorCode LoadTrial(const TTCli *cli, TTProtocol **p, TTTrial *trial)
{
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(cli->input, p));
  PetscCall(TTProtocolOverride(*p, cli->replicates, cli->patients, cli->seed_set, cli->seed));
  PetscCall(TTTrialCreate(*p, trial));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliValidate(const TTCli *cli)
{
  TTProtocol *p = NULL;
  TTTrial     trial;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(LoadTrial(cli, &p, &trial));
  if (!rank) PetscCall(TTTrialView(trial, stdout));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliRun(const TTCli *cli)
{
  TTProtocol          *p = NULL;
  TTTrial              trial;
  TTStore              store;
  TTProvenance         prov;
  TTCoordOptions       opt = {0};
  TTProgress           pg;
  tt_stats_oc_summary *s;
  const char         **names;
  char                 started[32];
  PetscMPIInt          rank;
  PetscErrorCode       ierr;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCheck(!cli->resume, PETSC_COMM_WORLD, PETSC_ERR_USER, "--resume: not available in this version");
  PetscCall(LoadTrial(cli, &p, &trial));
  PetscCall(TTStoreStartedNow(PETSC_COMM_WORLD, started));
  prov.command_line = cli->command_line;
  prov.started      = started;
  PetscCall(TTStoreCreate(PETSC_COMM_WORLD, cli->output, trial, &prov, &store));
  TTProgressInit(&pg, cli->progress);
  opt.progress     = rank == 0 ? TTProgressUpdate : NULL;
  opt.progress_ctx = &pg;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tt_block", &opt.block, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tt_window", &opt.window, NULL));
  PetscCall(PetscCalloc2(p->nanalysis, &s, p->nanalysis, &names));
  ierr = TTCoordRun(PETSC_COMM_WORLD, trial, store, &opt, s);
  PetscCall(TTStoreClose(&store, s, ierr ? PETSC_FALSE : PETSC_TRUE));
  PetscCall(ierr);
  for (int k = 0; k < p->nanalysis; k++) names[k] = p->analysis[k].name;
  if (!rank) {
    printf("%s: %d replicates x %d patients -> %s\n", p->name, p->replicates, p->patients, cli->output);
    PetscCall(TTStorePrintSummary(stdout, p->nanalysis, names, s));
  }
  PetscCall(PetscFree2(s, names));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

static void PrintParams(const char *title, int n, const TTParamInfo *info)
{
  if (!n) return;
  printf("  %s:\n", title);
  for (int i = 0; i < n; i++)
    printf("    %-28s %12.6g  %-16s %s\n", info[i].name, info[i].value, info[i].unit, info[i].description);
}

PetscErrorCode TTCliModels(void)
{
  const TTModelType *const *types;
  int                       n = tt_model_list(&types);
  PetscMPIInt               rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank) PetscFunctionReturn(0);
  for (int i = 0; i < n; i++) {
    const TTModelType *m = types[i];
    printf("%s — %s\n  source: %s\n  time unit: %g days; %s\n", m->name, m->description, m->reference,
           m->time_unit_days, m->nstate ? "ODE (PETSc TS)" : "closed form");
    printf("  variables:");
    for (int v = 0; v < m->nvar; v++) printf(" %s [%s]", m->var[v].name, m->var[v].unit);
    printf("\n  covariates:");
    for (int c = 0; c < m->ncovariate; c++) printf(" %s", m->covariate[c]);
    printf("\n");
    PrintParams("parameters (name, default, unit, meaning)", m->nparam, m->param);
    PrintParams("arm effects (name, default = none, unit, meaning)", m->neffect, m->effect);
    printf("\n");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliSummary(const TTCli *cli)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) PetscCall(TTStoreSummary(cli->input, stdout));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliExport(const TTCli *cli)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank) PetscFunctionReturn(0);
  PetscCheck(!mkdir(cli->csv_dir, 0777) || errno == EEXIST, PETSC_COMM_SELF, PETSC_ERR_USER,
             "--csv %s: cannot create "
             "directory (%s)",
             cli->csv_dir, strerror(errno));
  PetscCall(TTStoreExportCSV(cli->input, cli->csv_dir));
  printf("wrote %s/analyses.csv, subjects.csv, outcomes.csv\n", cli->csv_dir);
  PetscFunctionReturn(0);
}
