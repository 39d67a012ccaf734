/* cohort_csv.c — baseline covariates resampled from a CSV table (a historical or
 * registry cohort): `cohort: FILE.csv` in a protocol, or `resample: FILE.csv` in a
 * cohort spec next to drawn covariates.
 *
 * Format: a header line of column names (identifiers, optionally in double quotes),
 * then one line of numbers per patient, comma-separated, as many cells as names.
 * Blank lines and lines starting with '#' are skipped; CRLF and a UTF-8 byte-order
 * mark are accepted. A missing value (empty, NA) or a non-finite number is an error:
 * a twin needs every covariate, so such rows must be dropped or imputed first.
 * Invariants once read: 1 <= nrow <= TT_CSV_MAX_ROWS, every cell finite, the columns
 * are covariates cov[ndraw .. ndraw + nemp) of the cohort (row-major data[nrow][nemp]);
 * a column whose values are integers with at most TT_COHORT_MAX_LEVELS distinct values
 * has those as its sorted levels (usable as a stratum), otherwise it is continuous.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cohort/cohortimpl.h"

#define TT_CSV_MAX_BYTES (64 << 20)
#define TT_CSV_MAX_ROWS  10000000

typedef struct {
  const char *path;
  char       *text;
  size_t      len;
  int         line; /* 1-based, of the line being read */
} CSV;

static PetscErrorCode ReadAll(CSV *f)
{
  struct stat st;
  FILE       *fp;

  PetscFunctionBeginUser;
  PetscCheck(!stat(f->path, &st), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot open file: %s", f->path,
             strerror(errno));
  PetscCheck(S_ISREG(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a regular file, found %s", f->path,
             S_ISDIR(st.st_mode) ? "a directory" : "a FIFO, device or socket");
  PetscCheck(st.st_size <= TT_CSV_MAX_BYTES, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a file of at most %d bytes",
             f->path, TT_CSV_MAX_BYTES);
  fp = fopen(f->path, "rb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot open file: %s", f->path, strerror(errno));
  PetscCall(PetscMalloc1((size_t) st.st_size + 1, &f->text));
  f->len = fread(f->text, 1, (size_t) st.st_size, fp);
  fclose(fp);
  f->text[f->len] = 0;
  if (strlen(f->text) != f->len) {
    int line = 1;
    for (size_t i = 0; i < strlen(f->text); i++) line += f->text[i] == '\n';
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:1: expected text, found a NUL byte", f->path, line);
  }
  PetscFunctionReturn(0);
}

/* Next content line (comments and blank lines skipped), NUL-terminated in place with
 * its trailing CR removed; NULL at the end. */
static char *NextLine(CSV *f, char **cursor)
{
  while (*cursor && **cursor) {
    char *s = *cursor, *nl = strchr(s, '\n'), *p;
    f->line++;
    if (nl)
      *nl = 0, *cursor = nl + 1;
    else
      *cursor = s + strlen(s);
    if (nl && nl > s && nl[-1] == '\r') nl[-1] = 0;
    for (p = s; *p == ' ' || *p == '\t' || *p == '\r'; p++) {
    }
    if (*p && *p != '#') return s;
  }
  return NULL;
}

/* Splits `s` at commas into cells (trimmed), keeping the first max; returns the count. */
static int Split(char *s, int max, char *cell[], int col[])
{
  int   n    = 0;
  char *base = s;
  for (;;) {
    char *end = strchr(s, ','), *e;
    if (end) *end = 0;
    while (*s == ' ' || *s == '\t') s++;
    for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--) {
    }
    *e = 0;
    if (n < max) col[n] = (int) (s - base) + 1, cell[n] = s;
    n++;
    if (!end) return n;
    s = end + 1;
  }
}

static PetscBool IsIdentifier(const char *s)
{
  if (!(isalpha((unsigned char) *s) || *s == '_')) return PETSC_FALSE;
  for (; *s; s++)
    if (!(isalnum((unsigned char) *s) || *s == '_')) return PETSC_FALSE;
  return PETSC_TRUE;
}

static PetscErrorCode ParseHeader(CSV *f, char *line, TTCohort c)
{
  char *cell[TT_COHORT_MAX_COVARIATES + 1];
  int   col[TT_COHORT_MAX_COVARIATES + 1], room = TT_COHORT_MAX_COVARIATES - c->n, n;

  PetscFunctionBeginUser;
  if (!strncmp(line, "\xEF\xBB\xBF", 3)) line += 3;
  n = Split(line, room, cell, col);
  PetscCheck(n <= room, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%d:1: header: expected at most %d columns (covariates in all: %d)", f->path, f->line, room,
             TT_COHORT_MAX_COVARIATES);
  for (int k = 0; k < n; k++) {
    TTCovariate *cov  = &c->cov[c->n];
    char        *name = cell[k];
    size_t       len  = strlen(name);
    if (len >= 2 && name[0] == '"' && name[len - 1] == '"') name[len - 1] = 0, name++;
    PetscCheck(IsIdentifier(name) && strlen(name) < TT_NAME_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: header: expected a column name (a letter or _, then letters, digits or _; at most %d), "
               "found '%.40s'",
               f->path, f->line, col[k], TT_NAME_MAX - 1, name);
    PetscCheck(strcmp(name, "and") && strcmp(name, "or") && strcmp(name, "not"), PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: header: expected a column name other than and, or, not", f->path, f->line, col[k]);
    for (int i = 0; i < c->n; i++)
      PetscCheck(strcmp(c->cov[i].name, name), PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%d:%d: header: expected unique covariate names; '%s' is already a covariate", f->path, f->line,
                 col[k], name);
    PetscCall(PetscStrncpy(cov->name, name, sizeof cov->name));
    cov->dist       = TT_DIST_EMPIRICAL;
    cov->loc.line   = f->line;
    cov->loc.column = col[k];
    c->names[c->n]  = cov->name;
    c->n++;
  }
  c->nemp = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseRow(CSV *f, char *line, TTCohort c, double *row)
{
  char *cell[TT_COHORT_MAX_COVARIATES + 1];
  int   col[TT_COHORT_MAX_COVARIATES + 1], n = Split(line, c->nemp, cell, col);

  PetscFunctionBeginUser;
  PetscCheck(n == c->nemp, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%d:1: row: expected %d cells as in the header, found %d", f->path, f->line, c->nemp, n);
  for (int k = 0; k < n; k++) {
    const char *name = c->cov[c->ndraw + k].name;
    char       *end;
    PetscCheck(cell[k][0] && strcmp(cell[k], "NA") && strcmp(cell[k], "."), PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: column %s: expected a number, found a missing value; drop or impute the row first", f->path,
               f->line, col[k], name);
    errno  = 0;
    row[k] = strtod(cell[k], &end);
    PetscCheck(end != cell[k] && !*end, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: column %s: expected a number, found '%.40s'", f->path, f->line, col[k], name, cell[k]);
    PetscCheck(isfinite(row[k]) && errno != ERANGE, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d:%d: column %s: expected a finite number, found '%.40s'", f->path, f->line, col[k], name, cell[k]);
  }
  PetscFunctionReturn(0);
}

static int CompareDouble(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Levels of column k: its sorted distinct values when they are few integers. */
static PetscErrorCode ColumnLevels(TTCohort c, int k)
{
  TTCovariate *cov = &c->cov[c->ndraw + k];
  double      *v;
  int          n = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(c->nrow, &v));
  for (long r = 0; r < c->nrow; r++) v[r] = c->data[r * c->nemp + k];
  qsort(v, (size_t) c->nrow, sizeof(double), CompareDouble);
  for (long r = 0; r < c->nrow && n <= TT_COHORT_MAX_LEVELS; r++) {
    if (v[r] != floor(v[r]))
      n = TT_COHORT_MAX_LEVELS + 1;
    else if (r == 0 || v[r] != v[r - 1])
      v[n++] = v[r];
  }
  if (n <= TT_COHORT_MAX_LEVELS) {
    PetscCall(PetscMalloc1(n, &cov->level));
    PetscCall(PetscArraycpy(cov->level, v, n));
    cov->nlevel = n;
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* FNV-1a of the file: the resolved cohort names its data by content. */
static uint64_t Hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char) s[i]) * 1099511628211ULL;
  return h;
}

/* Provenance: the cohort's source text is the CSV, or the YAML spec followed by it. */
static PetscErrorCode KeepSource(TTCohort c, const CSV *f)
{
  char  *text;
  size_t n = c->text ? strlen(c->text) : 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n + strlen(f->path) + f->len + 64, &text));
  if (c->text)
    sprintf(text, "%s\n# ---- resample: %s ----\n%s", c->text, f->path, f->text);
  else
    sprintf(text, "%s", f->text);
  PetscCall(PetscFree(c->text));
  c->text = text;
  PetscFunctionReturn(0);
}

static PetscErrorCode Read(CSV *f, TTCohort c)
{
  char  *cursor, *line;
  size_t cap = 1024;

  PetscFunctionBeginUser;
  PetscCall(ReadAll(f));
  c->csv_hash = Hash(f->text, f->len);
  PetscCall(KeepSource(c, f));
  cursor = f->text;
  line   = NextLine(f, &cursor);
  PetscCheck(line, PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:1: header: expected a line of column names, found %s",
             f->path, PetscMax(f->line, 1), f->len ? "only comments and blank lines" : "an empty file");
  PetscCall(ParseHeader(f, line, c));
  PetscCall(PetscMalloc1(cap * (size_t) c->nemp, &c->data));
  while ((line = NextLine(f, &cursor))) {
    PetscCheck(c->nrow < TT_CSV_MAX_ROWS, PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:1: row: expected at most %d rows",
               f->path, f->line, TT_CSV_MAX_ROWS);
    if ((size_t) c->nrow == cap) {
      cap *= 2;
      PetscCall(PetscRealloc(sizeof(double) * cap * (size_t) c->nemp, &c->data));
    }
    PetscCall(ParseRow(f, line, c, c->data + c->nrow * c->nemp));
    c->nrow++;
  }
  PetscCheck(c->nrow > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%d:1: row: expected at least one row of numbers after the header", f->path, f->line + 1);
  for (int k = 0; k < c->nemp; k++) PetscCall(ColumnLevels(c, k));
  PetscFunctionReturn(0);
}

PetscErrorCode TTCohortReadCSV(TTCohort c, const char *path)
{
  CSV            f = {path, NULL, 0, 0};
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(c->csv_path, path, sizeof c->csv_path));
  ierr = Read(&f, c);
  PetscCall(PetscFree(f.text));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

void TTCohortResample(TTCohort c, tt_pcg32 *g, double x[])
{
  long row = (long) (tt_rng_uniform(g) * (double) c->nrow);
  if (row >= c->nrow) row = c->nrow - 1;
  for (int k = 0; k < c->nemp; k++) x[c->ndraw + k] = c->data[row * c->nemp + k];
}
