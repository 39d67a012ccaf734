/* twin_csv.h — private to src/twin: the comma-separated text a patient's observations and
 * covariates come in (twin_csv.c), with the location of every field for messages.
 *
 * The dialect: one record per line, LF or CRLF; a UTF-8 byte-order mark is skipped;
 * blank lines (only spaces or tabs) are skipped anywhere; lines starting with '#' are
 * comments only before the header. A field is bare (spaces and tabs around it trimmed)
 * or double-quoted with "" for a quote inside (R's write.csv, spreadsheets); a quoted
 * field cannot span lines. A NUL byte is refused. Columns are 1-based characters (UTF-8
 * code points) of the line, so they match what an editor shows.
 */
#ifndef TWINTRIAL_TWIN_CSV_H
#define TWINTRIAL_TWIN_CSV_H

#include <petscsys.h>

#define TT_CSV_MAX_FILE_BYTES (1L << 30)

typedef struct {
  const char *path;
  char       *text; /* the file's bytes, NUL-terminated; lines are cut in place */
  size_t      len;
  char       *cursor;
  int         line;   /* 1-based number of the line last returned */
  int         header; /* 1 once the header was returned (no comments after it) */
} TTCsv;

typedef struct {
  char *s;      /* the value, unquoted, NUL-terminated (inside TTCsv.text) */
  int   column; /* 1-based character where the field starts (its quote, if quoted) */
} TTCsvField;

/* Not collective. Reads the whole file; an unreadable, oversized or binary file is a
 * PETSC_ERR_USER naming the path. */
PetscErrorCode TTCsvOpen(const char *path, TTCsv *f);
PetscErrorCode TTCsvClose(TTCsv *f);
/* Not collective. The next record line (NULL at the end of the file), NUL-terminated
 * without its line end; the first one returned is the header. */
char *TTCsvNextLine(TTCsv *f);
/* Not collective. Splits `line` into fields in place: fld[0 .. min(n, max)) and *n, the
 * number of fields on the line; *end the column just past the last character. A quote
 * left open, or text after a closing quote, is a located PETSC_ERR_USER. */
PetscErrorCode TTCsvSplit(TTCsv *f, char *line, int max, TTCsvField fld[], int *n, int *end);
/* Not collective. 0: a finite number (the whole field; a value too small underflows to
 * 0 or a subnormal); 1: not a number; 2: a number that is not finite (inf, nan, 1e999). */
int TTCsvReal(const char *s, double *v);
/* Not collective. Writes s into buf[len] for messages: at most 40 characters, then "...". */
const char *TTCsvQuote(const char *s, char *buf, size_t len);

#endif
