/* test_twin_obs.c — personalisation inputs read into patients (TTPatientsRead): values,
 * censoring (<LIMIT), schedule unit to model time (weeks to years, weeks to days),
 * patients in order of first appearance, observations sorted by time with ties in file
 * order, covariates in model order from columns in any order, arms, R-style quoting, a
 * byte-order mark, CRLF, comments before the header and blank lines; a large file (hash
 * growth); the refusals located outside the bad file (a patient without a COV row, a
 * model needing covariates, an empty or missing file).
 * Bad files are covered one fixture per CTest test (tests/data/twin/bad, twin_obs_expect.sh).
 * Usage: test_twin_obs [case] */
#define _XOPEN_SOURCE 700 /* PATH_MAX */
#include <limits.h>
#include <math.h>
#include <string.h>
#include <twintrial/twin.h>

#define DATA TT_TEST_DATA_DIR
#define OUT  TT_TEST_OUT_DIR

static int nfail;

#define CHECK(cond)                                                                                                    \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      nfail++;                                                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                         \
    }                                                                                                                  \
  } while (0)

static PetscErrorCode Write(const char *name, const char *text, char path[PATH_MAX])
{
  FILE *fp;
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, PATH_MAX, "%s/twin_%s", OUT, name));
  fp = fopen(path, "wb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  fputs(text, fp);
  fclose(fp);
  PetscFunctionReturn(0);
}

typedef struct {
  TTProtocol *p;
  TTTrial     trial;
} Trial;

static PetscErrorCode Open(const char *protocol, Trial *t)
{
  PetscFunctionBeginUser;
  PetscCall(TTProtocolLoad(protocol, &t->p));
  PetscCall(TTTrialCreate(t->p, &t->trial));
  PetscFunctionReturn(0);
}

static PetscErrorCode Close(Trial *t)
{
  PetscFunctionBeginUser;
  PetscCall(TTTrialDestroy(&t->trial));
  PetscCall(TTProtocolDestroy(&t->p));
  PetscFunctionReturn(0);
}

/* TTPatientsRead must fail with PETSC_ERR_USER and one line starting with `want`. */
static PetscErrorCode ExpectError(Trial *t, const char *obs, const char *cov, const char *want)
{
  TTPatients     P = NULL;
  PetscErrorCode ierr;
  char          *msg = NULL;
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = TTPatientsRead(t->trial, obs, cov, &P);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr == PETSC_ERR_USER && P == NULL);
  PetscErrorMessage(ierr, NULL, &msg);
  CHECK(msg && !strncmp(msg, want, strlen(want)) && !strchr(msg, '\n'));
  if (!msg || strncmp(msg, want, strlen(want))) fprintf(stderr, "  want: %s\n  got:  %s\n", want, msg ? msg : "");
  PetscFunctionReturn(0);
}

static double Weeks(double w, double model_unit_days)
{
  return w * 7.0 / model_unit_days; /* as the trial converts its visits */
}

/* R's write.csv quoting, a byte-order mark, CRLF, comments before the header, blank
 * lines; unsorted times, ties, censoring; weeks to years; covariate columns permuted. */
static PetscErrorCode ad_values_sorting_quoting(void)
{
  static const char obs[] = "\xEF\xBB\xBF# exported 2026-01-05\r\n"
                            "\"id\",\"time\",\"variable\",\"value\",\"arm\"\r\n"
                            "\"P-2\",12,\"adas_cog\",25,\"donepezil\"\r\n"
                            "\"P-1\",0,\"adas_cog\",22.5,\"\"\r\n"
                            "\r\n"
                            "\"P-2\",-26,\"adas_cog\",21,\"\"\r\n"
                            " \"P-2\" , 0 ,\"adas_cog\", <5 ,donepezil\r\n"
                            "P-3,-52,adas_cog,30.25,\r\n"
                            "P-1,-12,adas_cog,\"20\",placebo\r\n"
                            "\r\n";
  static const char cov[] = "id,apoe4,age,on_ache,male\r\nP-3,2,90,0,1\r\n\"P-1\",0,55,1,0\r\nP-2,1,71.5,1,1\r\n\r\n";
  char              po[PATH_MAX], pc[PATH_MAX];
  Trial             t;
  TTPatients        P;
  TTPatient         a;
  PetscInt          n;
  const double      yr = 365.25;
  PetscFunctionBeginUser;
  PetscCall(Open(DATA "/twin/ad.yaml", &t));
  PetscCall(Write("ad_obs.csv", obs, po));
  PetscCall(Write("ad_cov.csv", cov, pc));
  PetscCall(TTPatientsRead(t.trial, po, pc, &P));
  PetscCall(TTPatientsGetSize(P, &n));
  CHECK(n == 3);
  PetscCall(TTPatientsGet(P, 0, &a)); /* first row: P-2 */
  CHECK(!strcmp(a.id, "P-2") && a.arm == 1 && a.nobs == 3);
  CHECK(a.cov[0] == 71.5 && a.cov[1] == 1 && a.cov[2] == 1 && a.cov[3] == 1); /* age, male, apoe4, on_ache */
  CHECK(a.t[0] == Weeks(-26, yr) && a.t[1] == 0 && a.t[2] == Weeks(12, yr));
  CHECK(fabs(a.t[2] - 84 / 365.25) < 1e-16 && fabs(a.t[0] + 182 / 365.25) < 1e-15);
  CHECK(a.value[0] == 21 && a.value[1] == 5 && a.value[2] == 25);
  CHECK(a.below[0] == 0 && a.below[1] == 1 && a.below[2] == 0);
  CHECK(a.var[0] == 0 && a.var[1] == 0 && a.var[2] == 0);
  PetscCall(TTPatientsGet(P, 1, &a)); /* P-1: an arm only before randomisation: none after it */
  CHECK(!strcmp(a.id, "P-1") && a.arm == -1 && a.nobs == 2);
  CHECK(a.cov[0] == 55 && a.cov[1] == 0 && a.cov[2] == 0 && a.cov[3] == 1);
  CHECK(a.t[0] == Weeks(-12, yr) && a.t[1] == 0 && a.value[0] == 20 && a.value[1] == 22.5);
  PetscCall(TTPatientsGet(P, 2, &a));
  CHECK(!strcmp(a.id, "P-3") && a.arm == -1 && a.nobs == 1 && a.value[0] == 30.25 && a.t[0] == Weeks(-52, yr));
  CHECK(a.cov[0] == 90 && a.cov[1] == 1 && a.cov[2] == 2 && a.cov[3] == 0);
  PetscCall(TTPatientsDestroy(&P));
  CHECK(P == NULL);
  PetscCall(TTPatientsDestroy(&P)); /* accepts NULL */
  PetscCall(Close(&t));
  PetscFunctionReturn(0);
}

/* Weeks to days; several variables at one time keep their file order; no arm column
 * when every observation is before or at randomisation. */
static PetscErrorCode t2d_ties_in_file_order(void)
{
  static const char obs[] = "id,time,variable,value\n"
                            "T1,0,weight,91\n"
                            "T1,-2.5,fpg,<4.2\n"
                            "T1,0,hba1c,8.25\n"
                            "T1,-2.5,hba1c,8\n"
                            "T1,0,fsi,12\n"
                            "T1,-0,fpg,9.5"; /* no final line end */
  static const char cov[] = "id,weight\nT1,91\n";
  char              po[PATH_MAX], pc[PATH_MAX];
  Trial             t;
  TTPatients        P;
  TTPatient         a;
  PetscFunctionBeginUser;
  PetscCall(Open(DATA "/twin/t2d.yaml", &t));
  PetscCall(Write("t2d_obs.csv", obs, po));
  PetscCall(Write("t2d_cov.csv", cov, pc));
  PetscCall(TTPatientsRead(t.trial, po, pc, &P));
  PetscCall(TTPatientsGet(P, 0, &a));
  CHECK(a.nobs == 6 && a.arm == -1 && a.cov[0] == 91);
  CHECK(a.t[0] == -17.5 && a.t[1] == -17.5 && a.t[2] == 0 && a.t[5] == 0); /* days */
  CHECK(a.var[0] == 1 && a.var[1] == 0); /* fpg then hba1c at -2.5 weeks, as in the file */
  CHECK(a.var[2] == 3 && a.var[3] == 0 && a.var[4] == 2 && a.var[5] == 1); /* weight, hba1c, fsi, fpg at 0 */
  CHECK(a.below[0] == 1 && a.value[0] == 4.2 && a.below[1] == 0 && a.value[3] == 8.25);
  PetscCall(TTPatientsDestroy(&P));
  PetscCall(Close(&t));
  PetscFunctionReturn(0);
}

/* 20000 patients of 10 rows each, interleaved: the id hash grows many times over. */
static PetscErrorCode many_patients(void)
{
  const int  np = 20000, nr = 10;
  char       po[PATH_MAX], pc[PATH_MAX];
  FILE      *fo, *fc;
  Trial      t;
  TTPatients P;
  TTPatient  a;
  PetscInt   n;
  int        ok = 1;
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(po, sizeof po, "%s/twin_many_obs.csv", OUT));
  PetscCall(PetscSNPrintf(pc, sizeof pc, "%s/twin_many_cov.csv", OUT));
  fo = fopen(po, "w");
  fc = fopen(pc, "w");
  PetscCheck(fo && fc, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", po);
  fprintf(fo, "id,time,variable,value,arm\n");
  fprintf(fc, "id,age,male,apoe4,on_ache\n");
  for (int r = nr - 1; r >= 0; r--) /* latest times first: every patient needs sorting */
    for (int i = 0; i < np; i++)
      fprintf(fo, "patient%d,%d,adas_cog,%d.5,%s\n", i, 4 * r - 8, (i + r) % 70, i % 2 ? "donepezil" : "placebo");
  for (int i = np - 1; i >= 0; i--) fprintf(fc, "patient%d,%d,%d,%d,%d\n", i, 55 + i % 36, i % 2, i % 3, i % 2);
  fclose(fo);
  fclose(fc);
  PetscCall(Open(DATA "/twin/ad.yaml", &t));
  PetscCall(TTPatientsRead(t.trial, po, pc, &P));
  PetscCall(TTPatientsGetSize(P, &n));
  CHECK(n == np);
  for (int i = 0; i < np && ok; i++) {
    char id[32];
    PetscCall(TTPatientsGet(P, i, &a));
    snprintf(id, sizeof id, "patient%d", i);
    ok = !strcmp(a.id, id) && a.nobs == nr && a.arm == i % 2 && a.cov[0] == 55 + i % 36 && a.cov[2] == i % 3;
    for (int r = 0; r < nr && ok; r++)
      ok = a.t[r] == Weeks(4 * r - 8, 365.25) && a.value[r] == (i + r) % 70 + 0.5 && !a.below[r];
  }
  CHECK(ok);
  PetscCall(TTPatientsDestroy(&P));
  PetscCall(Close(&t));
  PetscFunctionReturn(0);
}

/* Refusals located in another file than the bad one, or with no file to point into. */
static PetscErrorCode refusals_outside_the_file(void)
{
  char  po[PATH_MAX], pc[PATH_MAX], want[2 * PATH_MAX];
  Trial t;
  PetscFunctionBeginUser;
  PetscCall(Open(DATA "/twin/ad.yaml", &t));
  PetscCall(Write("two.csv", "id,time,variable,value\nA1,0,adas_cog,20\n\nB7,-4,adas_cog,19\nA1,-4,adas_cog,18\n", po));
  PetscCall(Write("one.csv", "id,age,male,apoe4,on_ache\nA1,70,0,1,1\n", pc));
  PetscCall(PetscSNPrintf(want, sizeof want, "%s:4:1: id: expected a row for patient 'B7' in %s, found none", po, pc));
  PetscCall(ExpectError(&t, po, pc, want));
  PetscCall(PetscSNPrintf(want, sizeof want,
                          "%s:6:15: model.name: model alzheimers_adas needs every patient's covariates (age, male, "
                          "apoe4, on_ache); expected a covariate file with the header id,age,male,apoe4,on_ache, "
                          "found none",
                          DATA "/twin/ad.yaml"));
  PetscCall(ExpectError(&t, po, NULL, want));
  PetscCall(Write("empty.csv", "", po));
  PetscCall(PetscSNPrintf(want, sizeof want,
                          "%s:1:1: header: expected the header id,time,variable,value (and optionally arm), found an "
                          "empty file",
                          po));
  PetscCall(ExpectError(&t, po, pc, want));
  PetscCall(Write("two.csv", "id,time,variable,value\nA1,0,adas_cog,20\n", po));
  PetscCall(Write("empty_cov.csv", "\xEF\xBB\xBF", pc));
  PetscCall(
      PetscSNPrintf(want, sizeof want,
                    "%s:1:1: header: expected the header id,age,male,apoe4,on_ache, found only comments and blank "
                    "lines",
                    pc));
  PetscCall(ExpectError(&t, po, pc, want));
  PetscCall(PetscSNPrintf(want, sizeof want, "%s/missing.csv: expected a readable file: ", OUT));
  PetscCall(ExpectError(&t, OUT "/missing.csv", pc, want));
  PetscCall(PetscSNPrintf(want, sizeof want, "%s: expected a regular file, found a directory", OUT));
  PetscCall(ExpectError(&t, OUT, pc, want));
  PetscCall(Close(&t));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  static const struct {
    const char *name;
    PetscErrorCode (*fn)(void);
  } cases[] = {
      {"ad_values_sorting_quoting", ad_values_sorting_quoting},
      {"t2d_ties_in_file_order", t2d_ties_in_file_order},
      {"many_patients", many_patients},
      {"refusals_outside_the_file", refusals_outside_the_file},
  };
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int before = nfail;
    if (argc > 1 && strcmp(argv[1], cases[i].name)) continue;
    PetscCall(cases[i].fn());
    printf("%s %s\n", nfail == before ? "ok  " : "FAIL", cases[i].name);
  }
  PetscCall(PetscFinalize());
  return nfail ? 1 : 0;
}
