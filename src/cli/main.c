/* main.c — twintrial's entry point: parse, initialize PETSc/MPI, dispatch, and turn
 * any error into one message and an exit status (0 ok, 1 user error, 2 internal).
 * Errors are collected silently (PetscReturnErrorHandler, HDF5 auto-printing off)
 * so the user sees one line, printed by rank 0, never a traceback. */
#define _POSIX_C_SOURCE 200809L
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char usage[] =
    "usage: twintrial run PROTOCOL.yaml [-o results.h5] [--replicates N] [--patients N] [--seed S]\n"
    "                     [--resume] [--force] [--progress auto|bar|log|none] [-tt_* and PETSc options...]\n"
    "       twintrial validate PROTOCOL.yaml\n"
    "       twintrial summary RESULTS.h5\n"
    "       twintrial export RESULTS.h5 --csv DIR\n"
    "       twintrial models\n"
    "       twintrial credibility PROTOCOL.yaml [run options] | RESULTS.h5\n"
    "       twintrial size PROTOCOL.yaml --power P [--analysis NAME] [--replicates N] [--confirm N]\n"
    "                      [--patients N] [--max-patients N] [--seed S] [--progress ...]\n"
    "       twintrial personalise PROTOCOL.yaml --observations OBS.csv [--covariates COV.csv]\n"
    "                      -o TWINS.h5 [--csv DIR] [--draws N] [--level L] [--seed S] [--force] [--progress ...]\n"
    "       twintrial --help\n";

static const char help[] =
    "\n"
    "run options:\n"
    "  -o FILE             the results file (default results.h5). It is written as FILE.tmp and\n"
    "                      renamed when complete; FILE.lock marks the run writing it (a second\n"
    "                      run on FILE is refused)\n"
    "  --replicates N, --patients N, --seed S\n"
    "                      override the protocol's trial section\n"
    "  --resume            continue FILE.tmp, left by a run that was stopped or killed\n"
    "  --force             replace an existing FILE, or discard FILE.tmp and start over; also take\n"
    "                      over a lock written on another host by a run that has ended\n"
    "  --progress MODE     auto (a bar on a terminal, log lines otherwise), bar, log or none\n"
    "personalise options:\n"
    "  --observations F    the patients' observations: id,time,variable,value[,arm] (time in the\n"
    "                      schedule's unit from randomisation; value \"<LIMIT\" below a limit)\n"
    "  --covariates F      id plus the model's covariates, one row per patient\n"
    "  --csv DIR           also twins.csv, predictions.csv, recommendations.csv in DIR\n"
    "  --draws N, --level L\n"
    "                      posterior draws per patient (1000) and prediction-interval level (0.9)\n";

/* The full help, on stdout. */
static void PrintHelp(void)
{
  printf("%s%s", usage, help);
  for (int i = 0; i < tt_cli_noptions; i++) {
    const TTCliOption *o = &tt_cli_options[i];
    char               left[64];
    snprintf(left, sizeof(left), "%s%s%s", o->name, strcmp(o->value, "...") ? " " : "",
             strcmp(o->value, "...") ? o->value : "");
    printf("  %-19s %s\n", left, o->meaning);
  }
  printf("  Other single-dash options go to PETSc (e.g. -log_view).\n"
         "More ranks than cores: mpirun --oversubscribe -n N twintrial ... (Open MPI).\n");
}

static PetscErrorCode Dispatch(const TTCli *cli)
{
  PetscFunctionBeginUser;
  if (!strcmp(cli->command, "run"))
    PetscCall(TTCliRun(cli));
  else if (!strcmp(cli->command, "validate"))
    PetscCall(TTCliValidate(cli));
  else if (!strcmp(cli->command, "summary"))
    PetscCall(TTCliSummary(cli));
  else if (!strcmp(cli->command, "export"))
    PetscCall(TTCliExport(cli));
  else if (!strcmp(cli->command, "credibility"))
    PetscCall(TTCliCredibility(cli));
  else if (!strcmp(cli->command, "size"))
    PetscCall(TTCliSize(cli));
  else if (!strcmp(cli->command, "personalise"))
    PetscCall(TTCliPersonalise(cli));
  else
    PetscCall(TTCliModels());
  PetscFunctionReturn(0);
}

/* Open MPI with every rank on one node (mpirun reports as many local ranks as ranks,
 * or a singleton started without a launcher) needs no network transport, but by
 * default MPI_Init probes the matched-transport layers (PSM, PSM2, OFI) first: 0.2 s
 * of every start on a workstation. Then take the shared-memory path (pml ob1) at once,
 * unless the user chose a pml or mtl. Multi-node runs are left to Open MPI. */
static void SingleNodeTransport(void)
{
  const char *size = getenv("OMPI_COMM_WORLD_SIZE"), *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  int         one_node  = size && local && !strcmp(size, local);
  int         singleton = !size && !getenv("PMIX_RANK") && !getenv("PMI_RANK") && !getenv("SLURM_PROCID");

  if ((one_node || singleton) && !getenv("OMPI_MCA_pml") && !getenv("OMPI_MCA_mtl")) setenv("OMPI_MCA_pml", "ob1", 0);
}

int main(int argc, char **argv)
{
  TTCli          cli;
  char           err[512] = {0}, **pargv;
  int            pargc    = 0, status;
  PetscMPIInt    rank, size;
  PetscErrorCode ierr;

  pargv  = calloc((size_t) argc + 1, sizeof(char *));
  status = tt_cli_parse(argc, argv, &cli, &pargc, pargv, err, sizeof(err));
  SingleNodeTransport();
  if (PetscInitialize(&pargc, &pargv, NULL, NULL)) return 2;
  /* A closed pipe (`twintrial summary x.h5 | head`) ends the process quietly, as it does
   * any Unix filter, instead of PETSc's handler reporting a crash and aborting MPI. */
  signal(SIGPIPE, SIG_DFL);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (status || cli.help) {
    if (!rank && status) fprintf(stderr, "twintrial: %s\n%s", err, usage);
    if (!rank && !status) PrintHelp();
    PetscFinalize();
    free(cli.command_line);
    free(pargv);
    return status ? 1 : 0;
  }
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  ierr = TTCliCheckOptions();
  if (!ierr) ierr = Dispatch(&cli);
  if (ierr) {
    char *msg = NULL;
    PetscErrorMessage(ierr, NULL, &msg);
    if (!rank) fprintf(stderr, "twintrial: error: %s\n", msg && *msg ? msg : "unknown error");
    /* A system error can strike one rank inside collective I/O (rank 0 writing to a full
     * disk): the other ranks would wait in the next collective forever. */
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    if (ierr != PETSC_ERR_USER && size > 1) {
      fflush(stdout);
      fflush(stderr);
      MPI_Abort(PETSC_COMM_WORLD, 2);
    }
  }
  free(cli.command_line);
  PetscFinalize();
  free(pargv);
  return ierr == 0 ? 0 : ierr == PETSC_ERR_USER ? 1 : 2;
}
