/* twin_csv.c — reading the comma-separated files of `twintrial personalise` (the dialect
 * is described in twin_csv.h): the whole file at once, then lines and fields cut in
 * place, each field with the column it starts at.
 * Invariants: TTCsv.text stays NUL-terminated and owned by the TTCsv until TTCsvClose;
 * a field's column counts UTF-8 code points from 1 at the first character of its line
 * (after a byte-order mark on the first line).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "twin/twin_csv.h"

PetscErrorCode TTCsvOpen(const char *path, TTCsv *f)
{
  struct stat st;
  FILE       *fp;
  size_t      nul;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(f, sizeof *f));
  f->path = path;
  PetscCheck(!stat(path, &st), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a readable file: %s", path,
             strerror(errno));
  PetscCheck(S_ISREG(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a regular file, found %s", path,
             S_ISDIR(st.st_mode) ? "a directory" : "a FIFO, device or socket");
  PetscCheck(st.st_size <= TT_CSV_MAX_FILE_BYTES, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: expected a file of at most %ld bytes, found %lld bytes", path, TT_CSV_MAX_FILE_BYTES,
             (long long) st.st_size);
  fp = fopen(path, "rb");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_USER, "%s: expected a readable file: %s", path, strerror(errno));
  PetscCall(PetscMalloc1((size_t) st.st_size + 1, &f->text));
  f->len = fread(f->text, 1, (size_t) st.st_size, fp);
  fclose(fp);
  f->text[f->len] = 0;
  nul             = strlen(f->text);
  if (nul != f->len) {
    int line = 1, column = 1;
    for (size_t i = 0; i < nul; i++) {
      if (f->text[i] == '\n') line++, column = 0;
      if ((f->text[i] & 0xC0) != 0x80) column++;
    }
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%d:%d: expected text, found a NUL byte (a binary file?)", path, line,
            column);
  }
  f->cursor = f->text;
  if (!strncmp(f->cursor, "\xEF\xBB\xBF", 3)) f->cursor += 3;
  PetscFunctionReturn(0);
}

PetscErrorCode TTCsvClose(TTCsv *f)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(f->text));
  PetscFunctionReturn(0);
}

char *TTCsvNextLine(TTCsv *f)
{
  while (*f->cursor) {
    char *s = f->cursor, *nl = strchr(s, '\n'), *p;
    f->line++;
    if (nl) {
      *nl       = 0;
      f->cursor = nl + 1;
      if (nl > s && nl[-1] == '\r') nl[-1] = 0;
    } else
      f->cursor = s + strlen(s);
    for (p = s; *p == ' ' || *p == '\t'; p++) {
    }
    if (!*p || (*p == '\r' && !p[1])) continue; /* blank */
    if (!f->header && *s == '#') continue;      /* a comment before the header */
    f->header = 1;
    return s;
  }
  return NULL;
}

/* Advances *r over one character (all its UTF-8 bytes), copying it to *w when w is set. */
static void Step(char **r, char **w, int *chars)
{
  do {
    if (w) *(*w)++ = **r;
    (*r)++;
  } while ((**r & 0xC0) == 0x80);
  (*chars)++;
}

PetscErrorCode TTCsvSplit(TTCsv *f, char *line, int max, TTCsvField fld[], int *n, int *end)
{
  char *r     = line;
  int   chars = 0, k = 0;

  PetscFunctionBeginUser;
  for (;;) {
    char *w, *start;
    int   column;
    while (*r == ' ' || *r == '\t') Step(&r, NULL, &chars);
    column = chars + 1;
    start = w = r;
    if (*r == '"') {
      Step(&r, NULL, &chars);
      for (;;) {
        PetscCheck(*r, PETSC_COMM_SELF, PETSC_ERR_USER,
                   "%s:%d:%d: field %d: expected a closing quote on the same line, found the end of the line", f->path,
                   f->line, column, k + 1);
        if (*r == '"' && r[1] == '"') {
          Step(&r, NULL, &chars);
          Step(&r, &w, &chars);
        } else if (*r == '"') {
          Step(&r, NULL, &chars);
          break;
        } else
          Step(&r, &w, &chars);
      }
      while (*r == ' ' || *r == '\t') Step(&r, NULL, &chars);
      PetscCheck(!*r || *r == ',', PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%d:%d: field %d: expected a comma or the end of the line after a closing quote, found '%c'",
                 f->path, f->line, chars + 1, k + 1, *r);
    } else {
      char *last = r;
      while (*r && *r != ',') {
        PetscBool blank = *r == ' ' || *r == '\t' ? PETSC_TRUE : PETSC_FALSE;
        Step(&r, &w, &chars);
        if (!blank) last = w;
      }
      w = last;
    }
    if (k < max) fld[k].s = start, fld[k].column = column;
    k++;
    if (!*r) {
      *w = 0;
      break;
    }
    *w = 0; /* the comma at r is at or after w */
    Step(&r, NULL, &chars);
  }
  *n   = k;
  *end = chars + 1;
  PetscFunctionReturn(0);
}

int TTCsvReal(const char *s, double *v)
{
  char *e;
  if (!*s || isspace((unsigned char) *s)) return 1;
  errno = 0;
  *v    = strtod(s, &e);
  if (e == s || *e) return 1;
  if (!isfinite(*v)) return 2;
  return 0;
}

const char *TTCsvQuote(const char *s, char *buf, size_t len)
{
  size_t n = strlen(s);
  if (n <= 40 && n < len) return strncpy(buf, s, len);
  snprintf(buf, len, "%.40s...", s);
  return buf;
}
