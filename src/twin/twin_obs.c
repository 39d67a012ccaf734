/* twin_obs.c — TTPatientsRead: real patients' observations (OBS.csv) and covariates
 * (COV.csv, twin_cov.c) into TTPatients, checked against the trial's protocol, model and
 * cohort; and the TTPatients accessors.
 *
 * OBS.csv: header id,time,variable,value[,arm] (exactly these names, in this order); one
 * row per observation. time: in the protocol's schedule unit, relative to randomisation
 * (negative: the history before it), converted to model time as the trial converts its
 * visits, time * unit_in_days / time_unit_days. variable: an output variable of the model.
 * value: a finite number, or <LIMIT for an observation known only to lie below LIMIT (a
 * limit of quantification). arm: required on rows after randomisation (time > 0), may be
 * empty before; every arm a patient's rows name is the same.
 * Invariants of a TTPatients: patients in the order of their first row; ids unique, non
 * empty, shorter than TT_TWIN_ID_MAX, without commas, double quotes or control
 * characters; every patient has >= 1 observation, sorted by time (ties: file order), no
 * two with the same time and variable; covariates in model order and in the cohort's
 * support. Memory is linear in the file's size (the file, then one record per row).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "twin/twin_read.h"

struct _p_TTPatients {
  PetscInt n, ncov;
  char (*id)[TT_TWIN_ID_MAX];
  PetscInt *arm, *start; /* start[n + 1]: observations of patient i are start[i] .. start[i + 1) */
  double   *cov, *t, *value;
  int      *var, *below;
};

typedef struct {
  double time, value; /* time in the schedule unit */
  int    patient, var, below, line;
} Row;

typedef struct {
  TTReader  r;
  TTCsv     f;
  int       ncol, header_line;
  PetscInt  nrow, rcap;
  Row      *row, *sorted; /* file order; patient-major, by time within a patient */
  PetscInt *start;        /* [npat + 1] into sorted */
  char      vars[512], arms[TT_MAX_ARMS * (TT_NAME_MAX + 2)];
} Obs;

/* A user error at line:col of the file being read. */
#define USER(o, line, col, fmt, ...)                                                                                   \
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: " fmt, (o)->f.path, (int) (line), (int) (col), __VA_ARGS__)

/* ---- ids ---- */

static size_t Fnv(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return (size_t) h;
}

PetscInt TTReaderFind(const TTReader *r, const char *id)
{
  if (!r->hcap) return -1;
  for (size_t h = Fnv(id) & (size_t) (r->hcap - 1);; h = (h + 1) & (size_t) (r->hcap - 1)) {
    PetscInt k = r->hash[h];
    if (!k) return -1;
    if (!strcmp(r->pat[k - 1].id, id)) return k - 1;
  }
}

static void Insert(TTReader *r, PetscInt i)
{
  size_t h = Fnv(r->pat[i].id) & (size_t) (r->hcap - 1);
  while (r->hash[h]) h = (h + 1) & (size_t) (r->hcap - 1);
  r->hash[h] = i + 1;
}

static PetscErrorCode AddPatient(TTReader *r, const char *id, int line, PetscInt *index)
{
  TTReadPatient *p;

  PetscFunctionBeginUser;
  if (r->npat == r->pcap) {
    r->pcap = r->pcap ? 2 * r->pcap : 64;
    PetscCall(PetscRealloc(sizeof(TTReadPatient) * (size_t) r->pcap, &r->pat));
  }
  if (2 * (r->npat + 1) > r->hcap) {
    r->hcap = r->hcap ? 2 * r->hcap : 128;
    PetscCall(PetscFree(r->hash));
    PetscCall(PetscCalloc1(r->hcap, &r->hash));
    for (PetscInt i = 0; i < r->npat; i++) Insert(r, i);
  }
  p = &r->pat[r->npat];
  PetscCall(PetscMemzero(p, sizeof *p));
  PetscCall(PetscStrncpy(p->id, id, sizeof p->id));
  p->first_line = line;
  p->arm        = -1;
  *index        = r->npat++;
  Insert(r, *index);
  PetscFunctionReturn(0);
}

PetscErrorCode TTReaderCheckId(const char *path, int line, const TTCsvField *fld)
{
  char buf[64];

  PetscFunctionBeginUser;
  PetscCheck(fld->s[0], PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: id: expected a patient id, found an empty field",
             path, line, fld->column);
  PetscCheck(strlen(fld->s) < TT_TWIN_ID_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%d:%d: id: expected an id of at most %d bytes, found '%s' (%d bytes)", path, line, fld->column,
             TT_TWIN_ID_MAX - 1, TTCsvQuote(fld->s, buf, sizeof buf), (int) strlen(fld->s));
  for (const char *c = fld->s; *c; c++)
    PetscCheck(*c != ',' && *c != '"' && !((unsigned char) *c < 0x20 || *c == 0x7f), PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: id: expected an id without commas, double quotes or control characters, found '%s'", path,
               line, fld->column, TTCsvQuote(fld->s, buf, sizeof buf));
  PetscFunctionReturn(0);
}

/* ---- OBS.csv ---- */

static PetscErrorCode ParseHeader(Obs *o)
{
  static const char *const names[] = {"id", "time", "variable", "value", "arm"};
  char                    *line    = TTCsvNextLine(&o->f), buf[64];
  TTCsvField               fld[6];
  int                      n, end;

  PetscFunctionBeginUser;
  if (!line)
    USER(o, 1, 1, "header: expected the header id,time,variable,value (and optionally arm), found %s",
         o->f.len ? "only comments and blank lines" : "an empty file");
  PetscCall(TTCsvSplit(&o->f, line, 6, fld, &n, &end));
  for (int k = 0; k < n && k < 5; k++)
    if (strcmp(fld[k].s, names[k]))
      USER(o, o->f.line, fld[k].column,
           "header: expected '%s' (the header is id,time,variable,value[,arm]), found '%s'%s", names[k],
           TTCsvQuote(fld[k].s, buf, sizeof buf),
           k == 0 && !fld[0].s[0] ? " (R's row names: write.csv(..., row.names = FALSE))" : "");
  if (n < 4)
    USER(o, o->f.line, end,
         "header: expected '%s' (the header is id,time,variable,value[,arm]), found the end of the line", names[n]);
  if (n > 5)
    USER(o, o->f.line, fld[5].column, "header: expected at most 5 columns (id,time,variable,value,arm), found '%s'",
         TTCsvQuote(fld[5].s, buf, sizeof buf));
  o->ncol        = n;
  o->header_line = o->f.line;
  PetscFunctionReturn(0);
}

static int FindName(const char *name, int n, const char *(*get)(const void *, int), const void *ctx)
{
  for (int k = 0; k < n; k++)
    if (!strcmp(get(ctx, k), name)) return k;
  return -1;
}

static const char *VarName(const void *m, int k)
{
  return ((const TTModelType *) m)->var[k].name;
}

static const char *ArmName(const void *p, int k)
{
  return ((const TTProtocol *) p)->arm[k].name;
}

/* The model gives no density (NaN) for this variable, or for a censored value of it:
 * probed at a model value equal to the observation (1 when it is 0). */
static int Unobservable(const TTReader *r, const Row *row)
{
  TTObservation o = {row->value != 0 ? fabs(row->value) : 1.0, row->value, NAN, NAN, row->below};
  return isnan(r->m->log_density(r->par, row->var, &o));
}

/* The patient's arm from one row: arm cells name one arm per patient; needed after randomisation. */
static PetscErrorCode ParseArm(Obs *o, const TTCsvField fld[], double time, TTReadPatient *pat)
{
  const TTProtocol *p    = o->r.p;
  int               line = o->f.line, a;
  char              buf[64];

  PetscFunctionBeginUser;
  if (time > 0) pat->after = 1;
  if (o->ncol < 5) {
    if (time > 0)
      USER(o, line, fld[1].column,
           "time: expected a time <= 0 without an arm column (an observation after randomisation needs the patient's "
           "arm: add a column arm), found %s",
           TTCsvQuote(fld[1].s, buf, sizeof buf));
    PetscFunctionReturn(0);
  }
  if (!fld[4].s[0]) {
    if (time > 0)
      USER(o, line, fld[4].column,
           "arm: expected the patient's arm (one of %s) on an observation after randomisation (time %s > 0), found an "
           "empty field",
           o->arms, TTCsvQuote(fld[1].s, buf, sizeof buf));
    PetscFunctionReturn(0);
  }
  a = FindName(fld[4].s, p->narm, ArmName, p);
  if (a < 0)
    USER(o, line, fld[4].column, "arm: expected an arm of the protocol (one of %s), found '%s'", o->arms,
         TTCsvQuote(fld[4].s, buf, sizeof buf));
  if (pat->arm < 0) pat->arm = a, pat->arm_line = line;
  if (pat->arm != a)
    USER(o, line, fld[4].column,
         "arm: expected '%s', the arm of patient '%s' on line %d (a patient has one arm), found '%s'",
         p->arm[pat->arm].name, pat->id, pat->arm_line, p->arm[a].name);
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseRow(Obs *o, char *text)
{
  TTCsvField  fld[6];
  Row         row;
  int         n, end, rc, line = o->f.line;
  PetscInt    i;
  char        buf[64];
  const char *v;

  PetscFunctionBeginUser;
  PetscCall(TTCsvSplit(&o->f, text, 6, fld, &n, &end));
  if (n != o->ncol)
    USER(o, line, n > o->ncol ? fld[o->ncol].column : end, "row: expected %d fields as in the header, found %d",
         o->ncol, n);
  PetscCall(TTReaderCheckId(o->f.path, line, &fld[0]));
  rc = TTCsvReal(fld[1].s, &row.time);
  if (rc == 1)
    USER(o, line, fld[1].column, "time: expected a number (%ss from randomisation, negative before it), found '%s'",
         o->r.p->time_unit, TTCsvQuote(fld[1].s, buf, sizeof buf));
  if (rc == 2) USER(o, line, fld[1].column, "time: expected a finite number, found '%s'", fld[1].s);
  row.var = FindName(fld[2].s, o->r.m->nvar, VarName, o->r.m);
  if (row.var < 0)
    USER(o, line, fld[2].column, "variable: expected a variable of model %s (one of %s), found '%s'", o->r.m->name,
         o->vars, TTCsvQuote(fld[2].s, buf, sizeof buf));
  row.below = fld[3].s[0] == '<';
  v         = fld[3].s + row.below;
  rc        = TTCsvReal(v, &row.value);
  if (rc == 1)
    USER(o, line, fld[3].column,
         "value: expected a number, or <LIMIT for an observation below a limit of quantification, found '%s'%s",
         TTCsvQuote(fld[3].s, buf, sizeof buf),
         !strcmp(v, "NA") || !v[0] ? " (drop the rows of observations not made)" : "");
  if (rc == 2) USER(o, line, fld[3].column, "value: expected a finite number, found '%s'", fld[3].s);
  if (o->r.m->log_density && Unobservable(&o->r, &row))
    USER(o, line, row.below ? fld[3].column : fld[2].column, "%s: expected %s, found '%s'",
         row.below ? "value" : "variable",
         row.below ? "an exact value: the model's error model for this variable has no limit of quantification"
                   : "a variable the model gives an observation density (this one is derived, never measured)",
         row.below ? fld[3].s : fld[2].s);
  if ((i = TTReaderFind(&o->r, fld[0].s)) < 0) PetscCall(AddPatient(&o->r, fld[0].s, line, &i));
  PetscCall(ParseArm(o, fld, row.time, &o->r.pat[i]));
  row.patient = (int) i;
  row.line    = line;
  if (o->nrow == o->rcap) {
    o->rcap = o->rcap ? 2 * o->rcap : 1024;
    PetscCall(PetscRealloc(sizeof(Row) * (size_t) o->rcap, &o->row));
  }
  o->row[o->nrow++] = row;
  PetscFunctionReturn(0);
}

static int CompareRow(const void *a, const void *b)
{
  const Row *x = (const Row *) a, *y = (const Row *) b;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

/* Rows by patient, then time (ties: file order); the earliest repeated (patient, time,
 * variable) in the file is refused. */
static PetscErrorCode Sort(Obs *o)
{
  PetscInt  *fill, npat = o->r.npat;
  const Row *dup = NULL, *first = NULL;
  char       t[32];

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(npat + 1, &o->start));
  PetscCall(PetscMalloc1(o->nrow, &o->sorted));
  PetscCall(PetscMalloc1(npat, &fill));
  for (PetscInt k = 0; k < o->nrow; k++) o->start[o->row[k].patient + 1]++;
  for (PetscInt i = 0; i < npat; i++) o->start[i + 1] += o->start[i];
  for (PetscInt i = 0; i < npat; i++) fill[i] = o->start[i];
  for (PetscInt k = 0; k < o->nrow; k++) o->sorted[fill[o->row[k].patient]++] = o->row[k];
  PetscCall(PetscFree(fill));
  for (PetscInt i = 0; i < npat; i++) {
    Row     *s  = o->sorted;
    PetscInt g0 = o->start[i], e = o->start[i + 1], g1;
    qsort(s + g0, (size_t) (e - g0), sizeof(Row), CompareRow);
    for (; g0 < e; g0 = g1) { /* a group of equal times, in file order */
      for (g1 = g0 + 1; g1 < e && s[g1].time == s[g0].time; g1++) {
      }
      for (PetscInt j = g0 + 1; j < g1; j++) {
        PetscInt k;
        for (k = g0; k < j && s[k].var != s[j].var; k++) {
        }
        if (k == j) continue;
        if (!dup || s[j].line < dup->line) dup = &s[j], first = &s[k];
        break;
      }
    }
  }
  if (dup)
    USER(o, dup->line, 1,
         "row: expected one observation per patient, time and variable, found a second one of %s at time %s for "
         "patient '%s' (the first on line %d)",
         o->r.m->var[dup->var].name, TTYamlFormatReal(dup->time, t), o->r.pat[dup->patient].id, first->line);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadObservations(Obs *o, const char *path)
{
  char *line;

  PetscFunctionBeginUser;
  for (int k = 0; k < o->r.m->nvar; k++) {
    PetscCall(PetscStrlcat(o->vars, k ? ", " : "", sizeof o->vars));
    PetscCall(PetscStrlcat(o->vars, o->r.m->var[k].name, sizeof o->vars));
  }
  for (int a = 0; a < o->r.p->narm; a++) {
    PetscCall(PetscStrlcat(o->arms, a ? ", " : "", sizeof o->arms));
    PetscCall(PetscStrlcat(o->arms, o->r.p->arm[a].name, sizeof o->arms));
  }
  PetscCall(TTCsvOpen(path, &o->f));
  PetscCall(ParseHeader(o));
  while ((line = TTCsvNextLine(&o->f))) {
    PetscCheck(o->f.line < INT_MAX && o->nrow < INT_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:1: row: expected at most %d rows", path, o->f.line, INT_MAX - 1);
    PetscCall(ParseRow(o, line));
  }
  if (!o->nrow) USER(o, o->header_line + 1, 1, "row: expected observations after the header, found %s", "none");
  PetscCall(Sort(o));
  PetscFunctionReturn(0);
}

/* The patients' records from the sorted rows: model time, and the arm after randomisation. */
static PetscErrorCode Fill(Obs *o, TTPatients P)
{
  const double scale = o->r.p->unit_in_days;
  PetscInt     nrow  = o->nrow;

  PetscFunctionBeginUser;
  P->n     = o->r.npat;
  P->ncov  = o->r.ncov;
  P->cov   = o->r.cov;
  o->r.cov = NULL;
  P->start = o->start;
  o->start = NULL;
  PetscCall(PetscMalloc2(P->n, &P->id, P->n, &P->arm));
  PetscCall(PetscMalloc4(nrow, &P->t, nrow, &P->value, nrow, &P->var, nrow, &P->below));
  for (PetscInt i = 0; i < P->n; i++) {
    PetscCall(PetscStrncpy(P->id[i], o->r.pat[i].id, TT_TWIN_ID_MAX));
    P->arm[i] = o->r.pat[i].after ? o->r.pat[i].arm : -1;
  }
  for (PetscInt k = 0; k < nrow; k++) {
    const Row *s = &o->sorted[k];
    P->t[k]      = s->time * scale / o->r.m->time_unit_days; /* as the trial's visit times */
    P->value[k]  = s->value;
    P->var[k]    = s->var;
    P->below[k]  = s->below;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTPatientsRead(TTTrial trial, const char *obs_csv, const char *cov_csv, TTPatients *patients)
{
  Obs            o;
  TTPatients     P = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  *patients = NULL;
  PetscCall(PetscMemzero(&o, sizeof o));
  PetscCall(TTTrialGetProtocol(trial, &o.r.p));
  PetscCall(TTTrialGetModel(trial, &o.r.m));
  PetscCall(TTTrialGetParameters(trial, &o.r.par));
  PetscCall(TTTrialGetCohort(trial, &o.r.cohort));
  o.r.obs_path = obs_csv;
  ierr         = TTReaderNeedCovariates(&o.r, cov_csv);
  if (!ierr) ierr = ReadObservations(&o, obs_csv);
  if (!ierr) ierr = TTReaderCovariates(&o.r, cov_csv);
  if (!ierr) ierr = PetscNew(&P);
  if (!ierr) ierr = Fill(&o, P);
  PetscCall(TTCsvClose(&o.f));
  PetscCall(PetscFree(o.row));
  PetscCall(PetscFree(o.sorted));
  PetscCall(PetscFree(o.start));
  PetscCall(PetscFree(o.r.pat));
  PetscCall(PetscFree(o.r.hash));
  PetscCall(PetscFree(o.r.cov));
  if (ierr) PetscCall(TTPatientsDestroy(&P));
  PetscCall(ierr);
  *patients = P;
  PetscFunctionReturn(0);
}

/* ---- accessors ---- */

PetscErrorCode TTPatientsGetSize(TTPatients P, PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = P->n;
  PetscFunctionReturn(0);
}

PetscErrorCode TTPatientsGet(TTPatients P, PetscInt i, TTPatient *p)
{
  PetscInt k;

  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < P->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "patient %" PetscInt_FMT " not in [0, %" PetscInt_FMT ")", i, P->n);
  k        = P->start[i];
  p->id    = P->id[i];
  p->cov   = P->cov ? P->cov + i * P->ncov : NULL;
  p->arm   = P->arm[i];
  p->reg   = NULL;
  p->nobs  = P->start[i + 1] - k;
  p->t     = P->t + k;
  p->var   = P->var + k;
  p->value = P->value + k;
  p->below = P->below + k;
  PetscFunctionReturn(0);
}

PetscErrorCode TTPatientsDestroy(TTPatients *patients)
{
  TTPatients P;

  PetscFunctionBeginUser;
  if (!patients || !*patients) PetscFunctionReturn(0);
  P = *patients;
  PetscCall(PetscFree2(P->id, P->arm));
  PetscCall(PetscFree4(P->t, P->value, P->var, P->below));
  PetscCall(PetscFree(P->start));
  PetscCall(PetscFree(P->cov));
  PetscCall(PetscFree(*patients));
  PetscFunctionReturn(0);
}
