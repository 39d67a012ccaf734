/* twin_cov.c — the patients' covariates (COV.csv) for TTPatientsRead, after OBS.csv.
 *
 * COV.csv: header id then the model's covariates (model->covariate), each exactly once,
 * in any order; one row per patient of OBS.csv. Refused, each at its place: a column that
 * is not a covariate of the model, a covariate of the model without a column, a row for
 * an id OBS.csv has no observation of (a patient without observations cannot be
 * personalised), a second row for a patient, a cell that is not a finite number, a value
 * outside the cohort's support for that covariate (TTCohortInSupport), and a patient of
 * OBS.csv without a row (located at its first row in OBS.csv).
 * Invariant on success: r->cov[i * ncov + j] is covariate j (model order) of patient i.
 */
#include <string.h>
#include "twin/twin_read.h"

typedef struct {
  TTReader   *r;
  TTCsv       f;
  int         ncol, header_line;
  int        *model_index;  /* [ncol] model covariate of column k (k >= 1) */
  PetscInt   *cohort_index; /* [ncov] cohort covariate of model covariate j */
  TTCsvField *fld;          /* [ncov + 2] */
  char        list[512];    /* the model's covariates, "age, male" */
  char        header[512];  /* the same as a header, "age,male" */
} Cov;

#define USER(c, line, col, fmt, ...)                                                                                   \
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: " fmt, (c)->f.path, (int) (line), (int) (col), __VA_ARGS__)

static PetscErrorCode List(const TTModelType *m, const char *sep, char *buf, size_t len)
{
  PetscFunctionBeginUser;
  buf[0] = 0;
  for (int j = 0; j < m->ncovariate; j++) {
    PetscCall(PetscStrlcat(buf, j ? sep : "", len));
    PetscCall(PetscStrlcat(buf, m->covariate[j], len));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TTReaderNeedCovariates(const TTReader *r, const char *cov_csv)
{
  char list[512], header[512];

  PetscFunctionBeginUser;
  if (cov_csv || !r->m->ncovariate) PetscFunctionReturn(0);
  PetscCall(List(r->m, ", ", list, sizeof list));
  PetscCall(List(r->m, ",", header, sizeof header));
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
          "%s:%d:%d: model.name: model %s needs every patient's covariates (%s); expected a covariate file with the "
          "header id,%s, found none",
          r->p->path, r->p->model_loc.line, r->p->model_loc.column, r->m->name, list, header);
}

static PetscErrorCode ParseHeader(Cov *c)
{
  const TTModelType *m    = c->r->m;
  char              *line = TTCsvNextLine(&c->f), buf[64];
  int                n, end, *first;

  PetscFunctionBeginUser;
  if (!line)
    USER(c, 1, 1, "header: expected the header id%s%s, found %s", c->r->m->ncovariate ? "," : "", c->header,
         c->f.len ? "only comments and blank lines" : "an empty file");
  PetscCall(TTCsvSplit(&c->f, line, m->ncovariate + 2, c->fld, &n, &end));
  c->header_line = c->f.line;
  if (strcmp(c->fld[0].s, "id"))
    USER(c, c->f.line, c->fld[0].column, "header: expected 'id' as the first column, found '%s'%s",
         TTCsvQuote(c->fld[0].s, buf, sizeof buf),
         !c->fld[0].s[0] ? " (R's row names: write.csv(..., row.names = FALSE))" : "");
  PetscCall(PetscCalloc1(m->ncovariate + 1, &first));
  for (int k = 1; k < n; k++) {
    int j;
    for (j = 0; j < m->ncovariate && strcmp(m->covariate[j], c->fld[k].s); j++) {
    }
    if (j == m->ncovariate) {
      PetscCall(PetscFree(first));
      USER(c, c->f.line, c->fld[k].column, "header: expected a covariate of model %s (%s), found '%s'", m->name,
           m->ncovariate ? c->list : "it has none", TTCsvQuote(c->fld[k].s, buf, sizeof buf));
    }
    if (first[j]) {
      int col = first[j];
      PetscCall(PetscFree(first));
      USER(c, c->f.line, c->fld[k].column,
           "header: expected each covariate once, found '%s' again (first at column %d)", m->covariate[j], col);
    }
    first[j]          = c->fld[k].column;
    c->model_index[k] = j;
  }
  for (int j = 0; j < m->ncovariate; j++)
    if (!first[j]) {
      PetscCall(PetscFree(first));
      USER(c, c->f.line, end, "header: expected a column for every covariate of model %s (%s), found no '%s'", m->name,
           c->list, m->covariate[j]);
    }
  PetscCall(PetscFree(first));
  c->ncol = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseValue(Cov *c, PetscInt i, int k)
{
  const TTCsvField *fld = &c->fld[k];
  int               j = c->model_index[k], line = c->f.line, rc;
  const char       *name = c->r->m->covariate[j];
  double            v;
  PetscBool         in;
  char              buf[64], support[256], num[32];

  PetscFunctionBeginUser;
  rc = TTCsvReal(fld->s, &v);
  if (rc == 1)
    USER(c, line, fld->column, "%s: expected a number, found '%s'%s", name, TTCsvQuote(fld->s, buf, sizeof buf),
         !fld->s[0] || !strcmp(fld->s, "NA") ? " (a twin needs every covariate: impute it or leave the patient out)"
                                             : "");
  if (rc == 2) USER(c, line, fld->column, "%s: expected a finite number, found '%s'", name, fld->s);
  PetscCall(TTCohortInSupport(c->r->cohort, c->cohort_index[j], v, &in));
  if (!in) {
    PetscCall(TTCohortDescribeSupport(c->r->cohort, c->cohort_index[j], support, sizeof support));
    USER(c, line, fld->column, "%s: expected a value in the cohort's support (%s), found %s", name, support,
         TTYamlFormatReal(v, num));
  }
  c->r->cov[i * c->r->ncov + j] = v;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseRow(Cov *c, char *text)
{
  TTReader *r = c->r;
  int       n, end, line = c->f.line;
  PetscInt  i;
  char      buf[64];

  PetscFunctionBeginUser;
  PetscCall(TTCsvSplit(&c->f, text, c->ncol + 1, c->fld, &n, &end));
  if (n != c->ncol)
    USER(c, line, n > c->ncol ? c->fld[c->ncol].column : end, "row: expected %d fields as in the header, found %d",
         c->ncol, n);
  PetscCall(TTReaderCheckId(c->f.path, line, &c->fld[0]));
  i = TTReaderFind(r, c->fld[0].s);
  if (i < 0)
    USER(c, line, c->fld[0].column,
         "id: expected a patient with observations (a patient without them cannot be personalised), found '%s', "
         "who has none in %s",
         TTCsvQuote(c->fld[0].s, buf, sizeof buf), r->obs_path);
  if (r->pat[i].cov_line)
    USER(c, line, c->fld[0].column,
         "id: expected one row per patient, found a second row for '%s' (the first on line %d)", r->pat[i].id,
         r->pat[i].cov_line);
  r->pat[i].cov_line = line;
  for (int k = 1; k < n; k++) PetscCall(ParseValue(c, i, k));
  PetscFunctionReturn(0);
}

static PetscErrorCode Read(Cov *c, const char *path)
{
  TTReader *r = c->r;
  char     *line;

  PetscFunctionBeginUser;
  PetscCall(List(r->m, ", ", c->list, sizeof c->list));
  PetscCall(List(r->m, ",", c->header, sizeof c->header));
  PetscCall(PetscMalloc3(r->m->ncovariate + 2, &c->model_index, r->m->ncovariate + 1, &c->cohort_index,
                         r->m->ncovariate + 2, &c->fld));
  for (int j = 0; j < r->m->ncovariate; j++) {
    PetscCall(TTCohortFindCovariate(r->cohort, r->m->covariate[j], &c->cohort_index[j]));
    PetscCheck(c->cohort_index[j] >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the trial's cohort lacks covariate %s",
               r->m->covariate[j]);
  }
  r->ncov = r->m->ncovariate;
  PetscCall(PetscMalloc1(r->npat * r->ncov + 1, &r->cov));
  PetscCall(TTCsvOpen(path, &c->f));
  PetscCall(ParseHeader(c));
  while ((line = TTCsvNextLine(&c->f))) PetscCall(ParseRow(c, line));
  for (PetscInt i = 0; i < r->npat; i++)
    PetscCheck(r->pat[i].cov_line, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:1: id: expected a row for patient '%s' in %s, found none", r->obs_path, r->pat[i].first_line,
               r->pat[i].id, path);
  PetscFunctionReturn(0);
}

PetscErrorCode TTReaderCovariates(TTReader *r, const char *cov_csv)
{
  Cov            c;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  if (!cov_csv) PetscFunctionReturn(0); /* TTReaderNeedCovariates: the model has none */
  PetscCall(PetscMemzero(&c, sizeof c));
  c.r  = r;
  ierr = Read(&c, cov_csv);
  PetscCall(TTCsvClose(&c.f));
  PetscCall(PetscFree3(c.model_index, c.cohort_index, c.fld));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
