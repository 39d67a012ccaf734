/* personalise.c — `twintrial personalise PROTOCOL --observations OBS.csv [--covariates COV.csv]
 * -o twins.h5 [--csv DIR]`: every patient's twin personalised (src/twin) and forecast under
 * every arm of the protocol. Collective on PETSC_COMM_WORLD; rank 0 writes and prints.
 * The output is protected as a run's is (lock, never replaced without --force), and so are
 * the CSV files in DIR; a summary (patients, converged, shrinkage, arms chosen) goes to
 * stdout, progress to stderr.
 */
#include <string.h>
#include <sys/stat.h>
#include <twintrial/store.h>
#include <twintrial/twin.h>
#include "cli.h"

static void PersonaliseProgress(void *ctx, PetscInt done, PetscInt total)
{
  TTProgressUpdate(ctx, done, total, (double) done);
}

/* CSV files this run would write that exist already: refused without --force (rank 0
 * decides, every rank returns the same error). */
static PetscErrorCode CheckCsv(const TTCli *cli, PetscBool choose)
{
  const char *names[]                   = {"twins.csv", "predictions.csv", "recommendations.csv"};
  char        found[PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt rank;
  struct stat st;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!cli->csv_dir) PetscFunctionReturn(0);
  if (!rank) {
    PetscCheck(!stat(cli->csv_dir, &st) && S_ISDIR(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_USER,
               "--csv %s: expected an existing directory", cli->csv_dir);
    for (int i = 0; i < (choose ? 3 : 2) && !cli->force; i++) {
      char path[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(path, sizeof path, "%s/%s", cli->csv_dir, names[i]));
      if (!found[0] && !stat(path, &st)) PetscCall(PetscStrncpy(found, path, sizeof found));
    }
  }
  PetscCallMPI(MPI_Bcast(found, sizeof found, MPI_CHAR, 0, PETSC_COMM_WORLD));
  PetscCheck(!found[0], PETSC_COMM_SELF, PETSC_ERR_USER, "%s exists; give --force to replace it", found);
  PetscFunctionReturn(0);
}

/* NONMEM's eta-shrinkage of the converged estimates, per random effect (twin.h). */
static PetscErrorCode PrintShrinkage(TTTwinFit fit, TTTrial trial, TTPatients pts, TTTwinResults res)
{
  double             om[TT_TWIN_MAX_LATENT * TT_TWIN_MAX_LATENT], shr[TT_TWIN_MAX_LATENT];
  const TTModelType *m;
  PetscInt           nc;

  PetscFunctionBeginUser;
  PetscCall(TTTrialGetModel(trial, &m));
  PetscCall(TTTwinShrinkage(fit, pts, res, om, shr, &nc));
  if (nc < 2) {
    printf("eta-shrinkage: not defined with fewer than two converged patients\n");
    PetscFunctionReturn(0);
  }
  printf("eta-shrinkage (1 - SD of the %d converged estimates / prior SD):", (int) nc);
  for (PetscInt k = 0; k < m->nlatent; k++) {
    if (m->latent)
      printf(" %s %.1f%%", m->latent[k], 100.0 * shr[k]);
    else
      printf(" eta%d %.1f%%", (int) k + 1, 100.0 * shr[k]);
  }
  printf("\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode PrintSummary(TTTwinFit fit, TTTrial trial, TTPatients pts, TTTwinResults res, const TTProtocol *p,
                                   const TTCli *cli)
{
  PetscInt n, nc = 0, chosen[TT_MAX_ARMS] = {0};

  PetscFunctionBeginUser;
  PetscCall(TTPatientsGetSize(pts, &n));
  for (PetscInt i = 0; i < n; i++) {
    TTTwinEstimate e;
    TTTwinForecast fc;
    PetscCall(TTTwinResultsGet(res, i, &e, &fc));
    nc += e.converged;
    if (fc.best >= 0) chosen[fc.best]++;
  }
  printf("personalised %d patients of %s: %d converged, %d not (see reason)\n", (int) n, cli->input, (int) nc,
         (int) (n - nc));
  PetscCall(PrintShrinkage(fit, trial, pts, res));
  if (p->choose) {
    printf("recommended arm (by %s at %s %g):", p->choose_variable, p->time_unit, p->choose_visit);
    for (PetscInt a = 0; a < p->narm; a++) printf(" %s %d", p->arm[a].name, (int) chosen[a]);
    printf("\n");
  } else {
    printf("no choose: section in the protocol, so no recommendations\n");
  }
  printf("wrote %s%s%s\n", cli->output, cli->csv_dir ? " and CSV files in " : "", cli->csv_dir ? cli->csv_dir : "");
  PetscFunctionReturn(0);
}

static PetscErrorCode Personalise(const TTCli *cli, TTTrial trial, const TTProtocol *p)
{
  TTTwinFit             fit  = NULL;
  TTPatients            pts  = NULL;
  TTTwinResults         res  = NULL;
  TTOutputLock          lock = NULL;
  TTTwinForecastOptions opt  = {cli->draws > 0 ? cli->draws : 1000, cli->level > 0 ? cli->level : 0.90,
                               cli->seed_set ? cli->seed : p->seed};
  TTProgress     pg;
  PetscBool      complete;
  PetscMPIInt    rank;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(TTTwinFitCreate(trial, &fit));
  ierr = TTPatientsRead(trial, cli->observations, cli->covariates, &pts);
  if (!ierr) ierr = CheckCsv(cli, p->choose ? PETSC_TRUE : PETSC_FALSE);
  if (!ierr)
    ierr =
        TTStoreLockOutput(PETSC_COMM_WORLD, cli->output, cli->command_line, PETSC_FALSE, cli->force, &lock, &complete);
  if (!ierr) {
    TTProgressInit(&pg, cli->progress);
    pg.what = "patients";
    ierr    = TTTwinRun(PETSC_COMM_WORLD, fit, pts, &opt, rank ? NULL : PersonaliseProgress, &pg, &res);
  }
  if (!ierr && !rank) ierr = TTTwinWriteResults(fit, pts, res, &opt, cli->output, cli->csv_dir, cli->command_line);
  if (!ierr && !rank) ierr = PrintSummary(fit, trial, pts, res, p, cli);
  PetscCall(TTStoreUnlockOutput(&lock));
  PetscCall(TTTwinResultsDestroy(&res));
  PetscCall(TTPatientsDestroy(&pts));
  PetscCall(TTTwinFitDestroy(&fit));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode TTCliPersonalise(const TTCli *cli)
{
  TTProtocol    *p = NULL;
  TTTrial        trial;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TTCliLoadTrial(cli, &p, &trial));
  ierr = Personalise(cli, trial, p);
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
