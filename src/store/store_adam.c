/* store_adam.c — CDISC ADaM-style CSVs of the stored twins, for SAS and R users
 * who analyse trials from ADSL / BDS / ADTTE datasets:
 *   adsl.csv   one row per stored twin (subject-level: treatment, stratum,
 *              baseline covariates, prognostic scores, disposition; with treatment
 *              discontinuation also EOTSTT, DCTREAS, TRTEDY; with rescue RESCFL, RESCDY)
 *   adbds.csv  one row per twin x model variable x visit it was observed at
 *              (AVAL, BASE, CHG, ABLFL; ONTRTFL with treatment discontinuation, PRERSCFL
 *              with rescue);
 *              visits after dropout have no row
 *   adtte.csv  one row per twin x time-to-event endpoint (a group with time and
 *              status; AVAL, CNSR = 1 - status); written only when there are some
 * Each trial replicate is one study: STUDYID = "TWINTRIAL-R<replicate>", USUBJID =
 * STUDYID-SUBJID with SUBJID the zero-padded subject index, so USUBJID is unique
 * over the whole file. Only observed data enter ADaM: counterfactual outcomes stay
 * in /counterfactual. Treatment codes (TRTxxPN/AN) are /design/arms indices (from 0).
 * Days are days since randomization (time 0 = first scheduled visit), as doubles,
 * not CDISC study days (which have no day 0). Numbers carry 17 significant digits;
 * missing values (numeric or character) are NA. Every column is documented in
 * analysis/README.md. Not collective. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "storeimpl.h"

typedef struct {
  char    name[256], paramcd[9], unit[128];
  double *time, *status; /* [rows] */
} TTE;

typedef struct {
  PetscInt rows, patients, nvisit, nep, ntte, pad;
  Names    arms, cov, var, eps;
  double  *id[5];               /* replicate, subject, arm, stratum, dropout_time (day) */
  double  *disc;                /* discontinuation_time (day); NULL when the file has none */
  double  *resc;                /* rescue_time (day); NULL when the file has none */
  double  *visits, *visit_days; /* [nvisit] */
  char     unit[64];            /* schedule unit */
  double **cv, **val, *prog;    /* [ncov][rows], [nvar][rows * nvisit], [rows * nep] */
  char (*varunit)[128];         /* [nvar] */
  char (*paramcd)[9];           /* [nvar] */
  TTE *tte;                     /* [ntte] */
} ADaM;

#define NAME(nm, i) ((nm)->names + (size_t) (i) * (nm)->width)

/* The `unit` attribute of obj, or `fallback`. */
static PetscErrorCode ReadUnit(hid_t obj, const char *fallback, char *unit, size_t len)
{
  PetscFunctionBeginUser;
  if (H5Aexists(obj, "unit") > 0)
    PetscCall(TTH5ReadStringAttr(obj, "unit", unit, len));
  else
    PetscCall(PetscStrncpy(unit, fallback, len));
  PetscFunctionReturn(0);
}

/* ADaM PARAMCD: the name upper-cased, at most 8 characters, unique among code[0..k). */
static void ParamCode(const char *name, char (*code)[9], PetscInt k)
{
  static const char suffix[] = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  size_t            n = strlen(name) < 8 ? strlen(name) : 8, at = n < 8 ? n : 7;

  for (size_t j = 0; j < n; j++) code[k][j] = (char) toupper((unsigned char) name[j]);
  code[k][n] = 0;
  for (size_t clash = 0; clash < sizeof(suffix) - 1; clash++) { /* on a clash: first 7 characters + a suffix */
    PetscInt j;
    for (j = 0; j < k && strcmp(code[j], code[k]); j++) {
    }
    if (j == k) return;
    code[k][at]     = suffix[clash];
    code[k][at + 1] = 0;
  }
}

static double DaysPerUnit(const char *unit)
{
  if (!strcmp(unit, "day")) return 1;
  if (!strcmp(unit, "week")) return 7;
  if (!strcmp(unit, "month")) return 365.25 / 12;
  if (!strcmp(unit, "year")) return 365.25;
  return NAN;
}

static PetscErrorCode LoadEndpoints(hid_t file, ADaM *a)
{
  hid_t    g, obj;
  PetscInt n;
  hsize_t  dims[3];
  char(*codes)[9];

  PetscFunctionBeginUser;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "endpoints", &a->eps.n, &a->eps.width, &a->eps.names));
  TTCallHDF5(H5Gclose(g));
  a->nep = a->eps.n;
  PetscCall(PetscCalloc1(a->nep + 1, &a->tte));
  TTCallHDF5(g = H5Gopen2(file, "endpoints", H5P_DEFAULT));
  for (PetscInt e = 0; e < a->nep; e++) {
    char name[256];
    PetscCall(PetscStrncpy(name, NAME(&a->eps, e), PetscMin(sizeof(name), a->eps.width + 1)));
    obj = H5Oopen(g, name, H5P_DEFAULT);
    PetscCheck(obj >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "the results file has no /endpoints/%s", name);
    if (H5Iget_type(obj) == H5I_GROUP && H5Lexists(obj, "time", H5P_DEFAULT) > 0 &&
        H5Lexists(obj, "status", H5P_DEFAULT) > 0) {
      TTE  *t = &a->tte[a->ntte];
      hid_t d;
      PetscCall(PetscStrncpy(t->name, name, sizeof(t->name)));
      PetscCall(TTStoreReadDoubles(obj, "time", &n, dims, &t->time));
      PetscCall(TTStoreReadDoubles(obj, "status", &n, dims, &t->status));
      TTCallHDF5(d = H5Dopen2(obj, "time", H5P_DEFAULT));
      PetscCall(ReadUnit(obj, a->unit, t->unit, sizeof(t->unit)));
      PetscCall(ReadUnit(d, t->unit, t->unit, sizeof(t->unit))); /* the dataset's unit wins */
      TTCallHDF5(H5Dclose(d));
      a->ntte++;
    }
    TTCallHDF5(H5Oclose(obj));
  }
  TTCallHDF5(H5Gclose(g));
  PetscCall(PetscMalloc1(a->ntte + 1, &codes));
  for (PetscInt k = 0; k < a->ntte; k++) {
    ParamCode(a->tte[k].name, codes, k);
    PetscCall(PetscStrncpy(a->tte[k].paramcd, codes[k], sizeof(codes[k])));
  }
  PetscCall(PetscFree(codes));
  PetscFunctionReturn(0);
}

static PetscErrorCode Load(hid_t file, ADaM *a)
{
  static const char *const ids[5] = {"replicate", "subject", "arm", "stratum", "dropout_time"};
  hid_t                    g, d;
  PetscInt                 n;
  hsize_t                  dims[3];
  double                   patients;

  PetscFunctionBeginUser;
  PetscCall(TTH5ReadDoubleAttr(file, "patients", &patients));
  a->patients = (PetscInt) patients;
  a->pad      = 1; /* digits of the largest subject index */
  for (PetscInt p = a->patients - 1; p >= 10; p /= 10) a->pad++;
  TTCallHDF5(g = H5Gopen2(file, "design", H5P_DEFAULT));
  PetscCall(TTStoreReadStrings(g, "arms", &a->arms.n, &a->arms.width, &a->arms.names));
  PetscCall(TTStoreReadDoubles(g, "visits", &a->nvisit, dims, &a->visits));
  PetscCall(TTStoreReadDoubles(g, "visit_days", &n, dims, &a->visit_days));
  TTCallHDF5(d = H5Dopen2(g, "visits", H5P_DEFAULT));
  PetscCall(ReadUnit(d, "visit", a->unit, sizeof(a->unit)));
  TTCallHDF5(H5Dclose(d));
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(g = H5Gopen2(file, "subjects", H5P_DEFAULT));
  for (int k = 0; k < 5; k++) PetscCall(TTStoreReadDoubles(g, ids[k], &a->rows, dims, &a->id[k]));
  if (H5Lexists(g, "discontinuation_time", H5P_DEFAULT) > 0)
    PetscCall(TTStoreReadDoubles(g, "discontinuation_time", &n, dims, &a->disc));
  if (H5Lexists(g, "rescue_time", H5P_DEFAULT) > 0) PetscCall(TTStoreReadDoubles(g, "rescue_time", &n, dims, &a->resc));
  PetscCall(TTStoreReadDoubles(g, "prognostic_score", &n, dims, &a->prog));
  TTCallHDF5(H5Gclose(g));
  PetscCall(TTStoreMemberNames(file, "subjects/covariates", &a->cov));
  PetscCall(TTStoreMemberNames(file, "outcomes", &a->var));
  PetscCall(
      PetscMalloc4(a->cov.n + 1, &a->cv, a->var.n + 1, &a->val, a->var.n + 1, &a->varunit, a->var.n + 1, &a->paramcd));
  TTCallHDF5(g = H5Gopen2(file, "subjects/covariates", H5P_DEFAULT));
  for (PetscInt c = 0; c < a->cov.n; c++) PetscCall(TTStoreReadDoubles(g, NAME(&a->cov, c), &n, dims, &a->cv[c]));
  TTCallHDF5(H5Gclose(g));
  TTCallHDF5(g = H5Gopen2(file, "outcomes", H5P_DEFAULT));
  for (PetscInt v = 0; v < a->var.n; v++) {
    PetscCall(TTStoreReadDoubles(g, NAME(&a->var, v), &n, dims, &a->val[v]));
    TTCallHDF5(d = H5Dopen2(g, NAME(&a->var, v), H5P_DEFAULT));
    PetscCall(ReadUnit(d, "", a->varunit[v], sizeof(a->varunit[v])));
    TTCallHDF5(H5Dclose(d));
    ParamCode(NAME(&a->var, v), a->paramcd, v);
  }
  TTCallHDF5(H5Gclose(g));
  PetscCall(LoadEndpoints(file, a));
  PetscFunctionReturn(0);
}

static PetscErrorCode Free(ADaM *a)
{
  PetscFunctionBeginUser;
  for (int k = 0; k < 5; k++) PetscCall(PetscFree(a->id[k]));
  PetscCall(PetscFree(a->disc));
  PetscCall(PetscFree(a->resc));
  for (PetscInt c = 0; c < a->cov.n; c++) PetscCall(PetscFree(a->cv[c]));
  for (PetscInt v = 0; v < a->var.n; v++) PetscCall(PetscFree(a->val[v]));
  for (PetscInt k = 0; k < a->ntte; k++) {
    PetscCall(PetscFree(a->tte[k].time));
    PetscCall(PetscFree(a->tte[k].status));
  }
  PetscCall(PetscFree4(a->cv, a->val, a->varunit, a->paramcd));
  PetscCall(PetscFree(a->tte));
  PetscCall(PetscFree(a->prog));
  PetscCall(PetscFree(a->visits));
  PetscCall(PetscFree(a->visit_days));
  PetscCall(PetscFree(a->arms.names));
  PetscCall(PetscFree(a->cov.names));
  PetscCall(PetscFree(a->var.names));
  PetscCall(PetscFree(a->eps.names));
  PetscFunctionReturn(0);
}

/* STUDYID,USUBJID,SUBJID of row i. */
static void PutStudy(FILE *f, const ADaM *a, PetscInt i)
{
  int r = (int) a->id[0][i], s = (int) a->id[1][i], w = (int) a->pad;
  fprintf(f, "TWINTRIAL-R%d,TWINTRIAL-R%d-%0*d,%0*d", r, r, w, s, w, s);
}

/* ",name,index" of row i's arm, twice when `twice` (planned = actual). */
static void PutTreatment(FILE *f, const ADaM *a, PetscInt i, PetscBool twice)
{
  int arm = (int) a->id[2][i];
  for (int k = 0; k < (twice ? 2 : 1); k++) fprintf(f, ",%s,%d", NAME(&a->arms, arm), arm);
}

static void PutFlag(FILE *f, PetscBool yes)
{
  fputs(yes ? ",Y" : ",NA", f);
}

static void PutUpper(FILE *f, const char *s)
{
  fputc(',', f);
  for (; *s; s++) fputc(toupper((unsigned char) *s), f);
}

/* Index of the last visit at which twin i has any observed variable (-1: none). */
static PetscInt LastObserved(const ADaM *a, PetscInt i)
{
  for (PetscInt v = a->nvisit - 1; v >= 0; v--)
    for (PetscInt k = 0; k < a->var.n; k++)
      if (!isnan(a->val[k][i * a->nvisit + v])) return v;
  return -1;
}

/* Treatment disposition (files with discontinuation): the treatment ends at the first of
 * discontinuation, withdrawal and the last scheduled visit (TRTEDY); EOTSTT COMPLETED when
 * that is the last visit, else DISCONTINUED for DISCONTINUATION (stopping first, or
 * together with withdrawal) or WITHDRAWAL. */
static void PutTreatmentEnd(FILE *f, const ADaM *a, PetscInt i)
{
  const double last = a->nvisit ? a->visit_days[a->nvisit - 1] : NAN, td = a->disc[i], drop = a->id[4][i];
  const double end = PetscMin(PetscMin(td, drop), last);
  fputs(!(end < last) ? ",COMPLETED,NA" : td <= drop ? ",DISCONTINUED,DISCONTINUATION" : ",DISCONTINUED,WITHDRAWAL", f);
  TTStorePutValue(f, end);
}

/* Disposition from what was observed: COMPLETED when observed at the last scheduled
 * visit; else DISCONTINUED for DROPOUT when the dropout time falls before the first
 * visit missed, or for OTHER (observation ended by a model event such as death, or by
 * administrative censoring at the data cut-off; the end day is then unknown: NA). */
static PetscErrorCode WriteADSL(const char *dir, const ADaM *a)
{
  const PetscInt nv = a->nvisit;
  FILE          *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "adsl.csv", &f));
  fputs("STUDYID,USUBJID,SUBJID,REPLNUM,ITTFL,RANDFL,TRT01P,TRT01PN,TRT01A,TRT01AN,STRATUM", f);
  for (PetscInt c = 0; c < a->cov.n; c++) PutUpper(f, NAME(&a->cov, c));
  for (PetscInt e = 0; e < a->nep; e++) fprintf(f, ",PROGSC%d", (int) e + 1);
  fputs(",EOSSTT,DCSREAS,COMPLFL,EOSDY,LSTVSTDY,DSDY", f);
  fputs(a->disc ? ",EOTSTT,DCTREAS,TRTEDY" : "", f);
  fputs(a->resc ? ",RESCFL,RESCDY\n" : "\n", f);
  for (PetscInt i = 0; i < a->rows; i++) {
    const double    drop = a->id[4][i];
    const PetscInt  seen = LastObserved(a, i);
    const PetscBool done = nv > 0 && seen == nv - 1 ? PETSC_TRUE : PETSC_FALSE;
    const PetscBool out  = !done && seen + 1 < nv && drop <= a->visit_days[seen + 1] ? PETSC_TRUE : PETSC_FALSE;
    PutStudy(f, a, i);
    fprintf(f, ",%d,Y,Y", (int) a->id[0][i]);
    PutTreatment(f, a, i, PETSC_TRUE);
    fprintf(f, ",%d", (int) a->id[3][i]);
    for (PetscInt c = 0; c < a->cov.n; c++) TTStorePutValue(f, a->cv[c][i]);
    for (PetscInt e = 0; e < a->nep; e++) TTStorePutValue(f, a->prog[i * a->nep + e]);
    fputs(done ? ",COMPLETED,NA,Y" : out ? ",DISCONTINUED,DROPOUT,N" : ",DISCONTINUED,OTHER,N", f);
    TTStorePutValue(f, done ? a->visit_days[nv - 1] : out ? drop : NAN);
    TTStorePutValue(f, seen >= 0 ? a->visit_days[seen] : NAN);
    TTStorePutValue(f, isfinite(drop) ? drop : NAN);
    if (a->disc) PutTreatmentEnd(f, a, i);
    if (a->resc) { /* rescued (Y/N) and the day of the visit it was decided at */
      fputs(isfinite(a->resc[i]) ? ",Y" : ",N", f);
      TTStorePutValue(f, isfinite(a->resc[i]) ? a->resc[i] : NAN);
    }
    fputc('\n', f);
  }
  fclose(f);
  PetscFunctionReturn(0);
}

/* "Baseline" for the first visit, else e.g. "Week 12". */
static void PutVisit(FILE *f, const ADaM *a, PetscInt v)
{
  if (v == 0)
    fputs(",Baseline", f);
  else
    fprintf(f, ",%c%s %.15g", toupper((unsigned char) a->unit[0]), a->unit + 1, a->visits[v]);
}

static PetscErrorCode WriteBDS(const char *dir, const ADaM *a)
{
  const PetscInt nv = a->nvisit;
  FILE          *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "adbds.csv", &f));
  fputs("STUDYID,USUBJID,SUBJID,TRTP,TRTPN,TRTA,TRTAN,PARAMCD,PARAM,AVISIT,AVISITN,ADY,AVAL,BASE,CHG,ABLFL", f);
  fputs(a->disc ? ",ONTRTFL" : "", f);      /* on treatment: the visit at or before discontinuation */
  fputs(a->resc ? ",PRERSCFL\n" : "\n", f); /* before rescue: the visit at or before the rescue */
  for (PetscInt i = 0; i < a->rows; i++)
    for (PetscInt k = 0; k < a->var.n; k++) {
      const double *y    = a->val[k] + i * nv;
      const double  base = nv ? y[0] : NAN;
      for (PetscInt v = 0; v < nv; v++) {
        if (isnan(y[v])) continue;
        PutStudy(f, a, i);
        PutTreatment(f, a, i, PETSC_TRUE);
        fprintf(f, ",%s,", a->paramcd[k]);
        if (a->varunit[k][0]) {
          char param[512];
          snprintf(param, sizeof(param), "%s (%s)", NAME(&a->var, k), a->varunit[k]);
          fputs(strchr(param, ',') ? "\"" : "", f);
          fputs(param, f);
          fputs(strchr(param, ',') ? "\"" : "", f);
        } else
          fputs(NAME(&a->var, k), f);
        PutVisit(f, a, v);
        fprintf(f, ",%.17g,%.17g", a->visits[v], a->visit_days[v]);
        TTStorePutValue(f, y[v]);
        TTStorePutValue(f, base);
        TTStorePutValue(f, y[v] - base);
        PutFlag(f, v == 0 ? PETSC_TRUE : PETSC_FALSE);
        if (a->disc) PutFlag(f, a->visit_days[v] <= a->disc[i] ? PETSC_TRUE : PETSC_FALSE);
        if (a->resc) PutFlag(f, a->visit_days[v] <= a->resc[i] ? PETSC_TRUE : PETSC_FALSE);
        fputc('\n', f);
      }
    }
  fclose(f);
  PetscFunctionReturn(0);
}

/* Censored twins whose dropout came no later than their censoring time were
 * censored by dropout; the others at the end of follow-up. */
static PetscErrorCode WriteTTE(const char *dir, const ADaM *a)
{
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(TTStoreOpenCSV(dir, "adtte.csv", &f));
  fputs("STUDYID,USUBJID,SUBJID,TRTP,TRTPN,TRTA,TRTAN,STRATUM,PARAMCD,PARAM,AVAL,CNSR,EVNTDESC,CNSDTDSC\n", f);
  for (PetscInt i = 0; i < a->rows; i++)
    for (PetscInt k = 0; k < a->ntte; k++) {
      const TTE   *t      = &a->tte[k];
      const double status = t->status[i], days = t->time[i] * DaysPerUnit(t->unit);
      PutStudy(f, a, i);
      PutTreatment(f, a, i, PETSC_TRUE);
      fprintf(f, ",%d,%s,%s (%s)", (int) a->id[3][i], t->paramcd, t->name, t->unit);
      TTStorePutValue(f, t->time[i]);
      TTStorePutValue(f, 1 - status);
      if (status == 1)
        fprintf(f, ",%s,NA", t->name);
      else if (status == 0 && a->id[4][i] <= days * (1 + 1e-12))
        fputs(",DROPOUT,DROPOUT", f);
      else if (status == 0)
        fputs(",END OF FOLLOW-UP,END OF FOLLOW-UP", f);
      else
        fputs(",NA,NA", f);
      fputc('\n', f);
    }
  fclose(f);
  PetscFunctionReturn(0);
}

/* Not collective. Writes adsl.csv, adbds.csv and (with time-to-event endpoints)
 * adtte.csv into dir; removes a stale adtte.csv otherwise. */
PetscErrorCode TTStoreExportADaM(hid_t file, const char *dir)
{
  ADaM a;
  char path[TT_PATH_MAX];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof(a)));
  PetscCall(Load(file, &a));
  PetscCall(WriteADSL(dir, &a));
  PetscCall(WriteBDS(dir, &a));
  if (a.ntte)
    PetscCall(WriteTTE(dir, &a));
  else {
    snprintf(path, sizeof(path), "%s/adtte.csv", dir);
    (void) remove(path);
  }
  PetscCall(Free(&a));
  PetscFunctionReturn(0);
}
