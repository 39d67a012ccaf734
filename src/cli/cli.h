/* cli.h — private to src/cli: parsed command line and the subcommands. */
#ifndef TWINTRIAL_CLI_H
#define TWINTRIAL_CLI_H

#include <petscsys.h>
#include <stdint.h>
#include <twintrial/trial.h>

typedef enum { TT_PROGRESS_AUTO, TT_PROGRESS_BAR, TT_PROGRESS_LOG, TT_PROGRESS_NONE } TTProgressMode;

typedef struct {
  const char    *command; /* run | validate | summary | export | models | credibility | size | personalise */
  const char    *input;   /* protocol or results file */
  const char    *output;  /* -o */
  const char    *csv_dir; /* export --csv */
  PetscInt       replicates, patients; /* -1: from the protocol */
  PetscBool      seed_set, resume, force;
  PetscBool      help; /* --help, -h or `help`: usage on stdout, exit 0 */
  uint64_t       seed;
  TTProgressMode progress;
  char          *command_line; /* as typed, for provenance */
  /* size: */
  double      power;                 /* --power, target (0 when absent) */
  const char *analysis;              /* --analysis NAME (NULL: the protocol's first, or deciding, analysis) */
  PetscInt    confirm, max_patients; /* -1: defaults */
  /* personalise: */
  const char *observations, *covariates; /* --observations OBS.csv, --covariates COV.csv */
  PetscInt    draws;                     /* --draws (0: default) */
  double      level;                     /* --level (0: default) */
} TTCli;

/* Not collective. Parses argv; PETSc options (single dash, unknown to us) are
 * copied to petsc_argv for PetscInitialize. Returns 0 (cli->help set for a request for
 * help), or writes a usage error to err. */
int tt_cli_parse(int argc, char **argv, TTCli *cli, int *petsc_argc, char **petsc_argv, char *err, size_t errlen);

/* options.c: twintrial's own PETSc options (-tt_*); each command reads them from here. */
typedef struct {
  const char *name, *value, *meaning;
} TTCliOption;
extern const TTCliOption tt_cli_options[];
extern const int         tt_cli_noptions;
/* Not collective (every rank checks the same database). A -tt_ option that is neither
 * one of tt_cli_options nor a PETSc TS option under the prefix -tt_sim_ is a user error
 * listing the known ones. PETSc's own options (-ts_*, -log_view, ...) are not checked. */
PetscErrorCode TTCliCheckOptions(void);

/* Collective on PETSC_COMM_WORLD. The protocol with the command line's overrides, bound to
 * its model and cohort (commands.c); on error nothing is left allocated. */
PetscErrorCode TTCliLoadTrial(const TTCli *cli, TTProtocol **p, TTTrial *trial);
/* Collective on PETSC_COMM_WORLD. A protocol's model file compiled (one rank per node) and
 * loaded, so that the trials created from it on every rank find it; nothing for a
 * built-in model. */
PetscErrorCode TTCliLoadModel(const TTProtocol *p);
PetscErrorCode TTCliRun(const TTCli *cli);      /* collective on PETSC_COMM_WORLD */
PetscErrorCode TTCliValidate(const TTCli *cli); /* collective; output on rank 0 */
PetscErrorCode TTCliModels(void); /* collective (loads TWINTRIAL_MODEL_PATH's model files); rank 0 prints */
PetscErrorCode TTCliSummary(const TTCli *cli);
PetscErrorCode TTCliExport(const TTCli *cli);
/* Collective. Runs a protocol (as run) or takes a results file, then prints its
 * validation figures simulated against published; a user error when any fails. */
PetscErrorCode TTCliCredibility(const TTCli *cli);
/* Collective. The smallest number of patients reaching --power for one analysis (size.c). */
PetscErrorCode TTCliSize(const TTCli *cli);
/* Collective. Personalised twins of observed patients and their forecasts (personalise.c). */
PetscErrorCode TTCliPersonalise(const TTCli *cli);

/* progress.c: a TTProgressFn for the coordinator. */
typedef struct {
  TTProgressMode mode;
  double         start, last;
  const char    *what; /* the unit counted: "replicates" unless set after TTProgressInit */
} TTProgress;
void TTProgressInit(TTProgress *pg, TTProgressMode mode);
void TTProgressUpdate(void *ctx, PetscInt done, PetscInt total, double twins_done);

#endif
