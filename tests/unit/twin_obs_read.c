/* twin_obs_read.c — reads a personalisation input as the command line does and reports it
 * as the command line reports errors: TTProtocolLoad, TTTrialCreate, TTPatientsRead; on an
 * error exactly one line "twintrial: error: MESSAGE" on stderr and exit status 1 for a
 * user error (PETSC_ERR_USER), 2 otherwise. On success every patient is printed (id, arm,
 * covariates, then one line per observation: model time, variable, value, below) with
 * %.17g, so a script can compare it.
 * Usage: twin_obs_read PROTOCOL.yaml OBS.csv [COV.csv] */
#include <twintrial/twin.h>

static PetscErrorCode Print(const TTModelType *m, TTPatients P)
{
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(TTPatientsGetSize(P, &n));
  printf("patients %d\n", (int) n);
  for (PetscInt i = 0; i < n; i++) {
    TTPatient p;
    PetscCall(TTPatientsGet(P, i, &p));
    printf("%s arm %d cov", p.id, (int) p.arm);
    for (int j = 0; j < m->ncovariate; j++) printf(" %.17g", p.cov[j]);
    printf("\n");
    for (PetscInt k = 0; k < p.nobs; k++)
      printf("  %.17g %s %.17g %d\n", p.t[k], m->var[p.var[k]].name, p.value[k], p.below[k]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(int argc, char **argv)
{
  TTProtocol        *p     = NULL;
  TTTrial            trial = NULL;
  TTPatients         P     = NULL;
  const TTModelType *m;
  PetscErrorCode     ierr;

  PetscFunctionBeginUser;
  PetscCheck(argc == 3 || argc == 4, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "usage: twin_obs_read PROTOCOL.yaml OBS.csv [COV.csv]");
  PetscCall(TTProtocolLoad(argv[1], &p));
  ierr = TTTrialCreate(p, &trial);
  if (!ierr) ierr = TTPatientsRead(trial, argv[2], argc == 4 ? argv[3] : NULL, &P);
  if (!ierr) ierr = TTTrialGetModel(trial, &m);
  if (!ierr) ierr = Print(m, P);
  PetscCall(TTPatientsDestroy(&P));
  PetscCall(TTTrialDestroy(&trial));
  PetscCall(TTProtocolDestroy(&p));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  int            pargc = 1;

  if (PetscInitialize(&pargc, &argv, NULL, NULL)) return 2;
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  ierr = Run(argc, argv);
  if (ierr) {
    char *msg = NULL;
    PetscErrorMessage(ierr, NULL, &msg);
    fprintf(stderr, "twintrial: error: %s\n", msg && *msg ? msg : "unknown error");
  }
  PetscFinalize();
  return ierr == 0 ? 0 : ierr == PETSC_ERR_USER ? 1 : 2;
}
