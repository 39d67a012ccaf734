/* commands.c — the subcommands. Each is collective on PETSC_COMM_WORLD; anything a
 * person reads is printed by rank 0 only. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <twintrial/coord.h>
#include <twintrial/credibility.h>
#include <twintrial/design.h>
#include <twintrial/guided.h>
#include <twintrial/modellang.h>
#include <twintrial/store.h>
#include "cli.h"

PetscErrorCode TTCliLoadModel(const TTProtocol *p)
{
  const TTModelType *m;

  PetscFunctionBeginUser;
  if (p->model_file[0]) PetscCall(TTModelLangLoad(PETSC_COMM_WORLD, p->model_file, &m));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliLoadTrial(const TTCli *cli, TTProtocol **p, TTTrial *trial)
{
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(cli->input, p));
  ierr = TTCliLoadModel(*p);
  if (!ierr) ierr = TTProtocolOverride(*p, cli->replicates, cli->patients, cli->seed_set, cli->seed);
  if (!ierr) ierr = TTTrialCreate(*p, trial);
  if (!ierr) {
    ierr = TTGuideSetUp(*trial);
    if (ierr) PetscCall(TTTrialDestroy(trial));
  }
  if (ierr) PetscCall(TTProtocolDestroy(p));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliValidate(const TTCli *cli)
{
  TTProtocol *p = NULL;
  TTTrial     trial;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TTCliLoadTrial(cli, &p, &trial));
  if (!rank) PetscCall(TTTrialView(trial, stdout));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscFunctionReturn(0);
}

static volatile sig_atomic_t stop_requested = 0;

static void OnStopSignal(int sig)
{
  stop_requested = sig;
}

/* SIGTERM (Slurm at the time limit, scancel) and SIGUSR1 (sbatch --signal) ask for a
 * clean stop: finish what is in flight, store it, leave a resumable file. */
static void CatchStopSignals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

/* --resume on a run that already finished: say so and show its summary. */
static PetscErrorCode AlreadyComplete(const TTCli *cli)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank) PetscFunctionReturn(0);
  printf("%s is complete; nothing to resume\n", cli->output);
  PetscCall(TTStoreSummary(cli->output, stdout));
  PetscFunctionReturn(0);
}

/* A write error on the results file (a full disk, a quota) when it is created or
 * closed: name the file and say how to recover. */
static PetscErrorCode WriteFailed(const char *out, const char *what, PetscBool kept, PetscErrorCode ierr)
{
  char *msg = NULL, copy[512];

  PetscFunctionBeginUser;
  if (ierr != PETSC_ERR_LIB) PetscCall(ierr);
  PetscErrorMessage(ierr, NULL, &msg);
  snprintf(copy, sizeof(copy), "%s", msg ? msg : "");
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s.tmp: cannot %s the results file (%s); is the disk full? %s", out,
          what, copy,
          kept ? "Replicates already stored are kept: free space and rerun with --resume" : "Free space and rerun");
}

/* The run itself, on a loaded protocol and trial (which the caller destroys). */
static PetscErrorCode Run(const TTCli *cli, TTProtocol *p, TTTrial trial)
{
  TTStore        store;
  TTProvenance   prov;
  TTCoordOptions opt = {0};
  TTProgress     pg;
  TTSummary     *s;
  const char   **names;
  const int     *done;
  PetscInt       ndone, analysed;
  PetscBool      stopped = PETSC_FALSE;
  char           started[32];
  PetscMPIInt    rank;
  PetscErrorCode ierr, ierr_close;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TTStoreStartedNow(PETSC_COMM_WORLD, started));
  prov.command_line = cli->command_line;
  prov.started      = started;
  PetscCall(TTDesignCalibrate(PETSC_COMM_WORLD, trial, rank == 0 ? stdout : NULL)); /* before the file records it */
  ierr = TTStoreOpen(PETSC_COMM_WORLD, cli->output, trial, &prov, cli->resume, &store);
  if (ierr && !cli->resume && !rank) { /* a new file that holds nothing yet */
    char tmp[TT_PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp", cli->output);
    unlink(tmp);
  }
  if (ierr) PetscCall(WriteFailed(cli->output, "create", cli->resume, ierr));
  PetscCall(TTStoreGetDone(store, &done, &ndone));
  if (ndone && !rank)
    fprintf(stderr, "twintrial: resuming: %d of %d replicates already stored\n", (int) ndone, p->replicates);
  TTProgressInit(&pg, cli->progress);
  opt.done         = done;
  opt.stop         = &stop_requested;
  opt.progress     = rank == 0 ? TTProgressUpdate : NULL;
  opt.progress_ctx = &pg;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tt_block", &opt.block, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tt_window", &opt.window, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-tt_stop_after", &opt.stop_after, NULL));
  PetscCall(PetscCalloc2(p->nanalysis, &s, p->nanalysis, &names));
  ierr       = TTCoordRun(PETSC_COMM_WORLD, trial, store, &opt, &analysed, &stopped);
  ierr_close = TTStoreClose(&store, ierr || stopped ? PETSC_FALSE : PETSC_TRUE, s);
  if (ierr || ierr_close) PetscCall(PetscFree2(s, names));
  if (ierr_close) PetscCall(WriteFailed(cli->output, "close", PETSC_TRUE, ierr_close));
  PetscCall(ierr);
  for (int k = 0; k < p->nanalysis; k++) names[k] = p->analysis[k].name;
  if (!rank && stopped)
    printf("%s: stopped on request after %d of %d replicates; resumable: rerun the same command with --resume to "
           "continue from %s.tmp\n",
           p->name, (int) (ndone + analysed), p->replicates, cli->output);
  if (!rank && !stopped) {
    printf("%s: %d replicates x %d patients -> %s\n", p->name, p->replicates, p->patients, cli->output);
    PetscCall(TTStorePrintSummary(stdout, p->nanalysis, names, s));
    PetscCall(TTStoreSummaryLooks(cli->output, stdout));
    PetscCall(TTStoreSummaryGuided(cli->output, stdout));
  }
  PetscCall(PetscFree2(s, names));
  PetscFunctionReturn(0);
}

/* Collective. The output is locked, and checked (never overwritten or discarded
 * without --force), before anything is loaded or simulated; the lock is released on
 * every way out, a stop on request included. */
PetscErrorCode TTCliRun(const TTCli *cli)
{
  TTProtocol    *p = NULL;
  TTTrial        trial;
  TTOutputLock   lock;
  PetscBool      complete;
  PetscErrorCode ierr, ierr_unlock;

  PetscFunctionBeginUser;
  CatchStopSignals(); /* before the lock and the temporary file exist: a stop asked from then on is clean */
  PetscCall(
      TTStoreLockOutput(PETSC_COMM_WORLD, cli->output, cli->command_line, cli->resume, cli->force, &lock, &complete));
  if (complete)
    ierr = AlreadyComplete(cli);
  else {
    ierr = TTCliLoadTrial(cli, &p, &trial);
    if (!ierr) {
      PetscErrorCode ierr_trial, ierr_protocol;
      ierr          = Run(cli, p, trial);
      ierr_trial    = TTTrialDestroy(&trial);
      ierr_protocol = TTProtocolDestroy(&p);
      ierr          = ierr ? ierr : ierr_trial ? ierr_trial : ierr_protocol;
    }
  }
  ierr_unlock = TTStoreUnlockOutput(&lock);
  PetscCall(ierr);
  PetscCall(ierr_unlock);
  PetscFunctionReturn(0);
}

static void PrintParams(const char *title, int n, const TTParamInfo *info)
{
  if (!n) return;
  printf("  %s:\n", title);
  for (int i = 0; i < n; i++)
    printf("    %-28s %12.6g  %-16s %-12s %s\n", info[i].name, info[i].value, info[i].unit,
           tt_domain_symbol(info[i].domain), info[i].description);
}

/* The plausible range of each variable, one line each: "range NAME LO HI UNIT source". */
static void PrintRanges(const TTModelType *m)
{
  if (!m->range) return;
  printf("  plausible ranges (every simulated value, observed or counterfactual):\n");
  for (int v = 0; v < m->nvar; v++)
    printf("    range %-20s %10.6g %10.6g  %-10s %s\n", m->var[v].name, m->range[v].lo, m->range[v].hi, m->var[v].unit,
           m->range[v].source);
}

static int CompareNames(const void *a, const void *b)
{
  return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The model files (*.yaml) of one directory, in name order, loaded (compiled when not
 * cached); one that fails is reported on a line of its own and skipped. Collective. */
static PetscErrorCode LoadModelDirectory(const char *dir, PetscMPIInt rank)
{
  DIR           *d = opendir(dir);
  struct dirent *e;
  char          *names[256], path[TT_PATH_MAX + 256];
  int            n = 0;

  PetscFunctionBeginUser;
  if (!d) {
    if (!rank) printf("model path: cannot read directory %s (TWINTRIAL_MODEL_PATH): %s\n\n", dir, strerror(errno));
    PetscFunctionReturn(0);
  }
  while ((e = readdir(d)) && n < 256) {
    size_t len = strlen(e->d_name);
    if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml") && e->d_name[0] != '.')
      PetscCall(PetscStrallocpy(e->d_name, &names[n++]));
  }
  closedir(d);
  qsort(names, (size_t) n, sizeof names[0], CompareNames);
  for (int i = 0; i < n; i++) {
    const TTModelType *m;
    PetscErrorCode     ierr;
    char              *msg = NULL;
    PetscCall(PetscSNPrintf(path, sizeof path, "%s/%s", dir, names[i]));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = TTModelLangLoad(PETSC_COMM_WORLD, path, &m);
    PetscCall(PetscPopErrorHandler());
    if (ierr) PetscErrorMessage(ierr, NULL, &msg);
    if (ierr && !rank) printf("model file %s not loaded: %s\n\n", path, msg ? msg : "");
    PetscCall(PetscFree(names[i]));
  }
  PetscFunctionReturn(0);
}

/* Every model file in the directories of TWINTRIAL_MODEL_PATH (colon-separated). */
static PetscErrorCode LoadModelPath(PetscMPIInt rank)
{
  const char *env = getenv("TWINTRIAL_MODEL_PATH");
  char       *copy, *save = NULL;

  PetscFunctionBeginUser;
  if (!env || !env[0]) PetscFunctionReturn(0);
  PetscCall(PetscStrallocpy(env, &copy));
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
    PetscCall(LoadModelDirectory(dir, rank));
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliModels(void)
{
  const TTModelType *const *types;
  int                       n;
  PetscMPIInt               rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(LoadModelPath(rank));
  n = tt_model_list(&types);
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
    PrintRanges(m);
    PrintParams("parameters (name, default, unit, domain, meaning)", m->nparam, m->param);
    PrintParams("arm effects (name, default = none, unit, domain, meaning)", m->neffect, m->effect);
    printf("\n");
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliSummary(const TTCli *cli)
{
  PetscMPIInt rank;
  PetscInt    nfigure, nfail;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) PetscCall(TTStoreSummary(cli->input, stdout));
  if (!rank) PetscCall(TTCredibilityReport(cli->input, stdout, PETSC_FALSE, &nfigure, &nfail));
  PetscFunctionReturn(0);
}

static PetscBool IsResultsFile(const char *path)
{
  size_t n = strlen(path);
  return n > 3 && !strcmp(path + n - 3, ".h5") ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode TTCliCredibility(const TTCli *cli)
{
  const char *results = IsResultsFile(cli->input) ? cli->input : cli->output;
  PetscMPIInt rank;
  PetscInt    counts[2] = {0, 0}; /* figures, failures */

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!IsResultsFile(cli->input)) PetscCall(TTCliRun(cli));
  if (!rank) PetscCall(TTCredibilityReport(results, stdout, PETSC_TRUE, &counts[0], &counts[1]));
  PetscCallMPI(MPI_Bcast(counts, 2, MPIU_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(counts[0] > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: no validation section: add published figures (validation:) to the protocol", cli->input);
  PetscCheck(counts[1] == 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%d of %d published figures are not reproduced (see the table above)", (int) counts[1], (int) counts[0]);
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
  printf("wrote %s: analyses, summary, subjects, endpoints, outcomes and ADaM (adsl, adbds, adtte) CSVs, and "
         "where the results hold them looks, guided-arm, validation and calibration CSVs\n",
         cli->csv_dir);
  PetscFunctionReturn(0);
}
