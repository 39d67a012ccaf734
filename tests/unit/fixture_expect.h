/* fixture_expect.h — checks one bad-input fixture against its `# expect:` line.
 *
 * A fixture's first line is "# expect: LINE:COL: KEY: TEXT-PREFIX". The loader
 * must fail with PETSC_ERR_USER and a message that starts with
 * "FIXTURE-PATH:LINE:COL: KEY: TEXT-PREFIX". The message is the one PETSc keeps
 * for the first (innermost) error, read with PetscErrorMessage after
 * PetscReturnErrorHandler suppressed the printed traceback. */
#ifndef TT_FIXTURE_EXPECT_H
#define TT_FIXTURE_EXPECT_H

#include <petscsys.h>
#include <stdio.h>
#include <string.h>

/* Reads the expectation of `path` into expect[len]; returns 0 on success. */
static int tt_fixture_expect(const char *path, char *expect, size_t len)
{
  static const char tag[] = "# expect: ";
  char              line[1024];
  FILE             *fp = fopen(path, "r");
  if (!fp || !fgets(line, sizeof line, fp)) {
    if (fp) fclose(fp);
    fprintf(stderr, "%s: cannot read the fixture\n", path);
    return 1;
  }
  fclose(fp);
  if (strncmp(line, tag, strlen(tag))) {
    fprintf(stderr, "%s: first line must be '%s<line>:<col>: <key>: <text>'\n", path, tag);
    return 1;
  }
  line[strcspn(line, "\r\n")] = 0;
  snprintf(expect, len, "%s", line + strlen(tag));
  return 0;
}

/* ierr is what the loader returned for `path`. Returns 0 when it matches the expectation. */
static int tt_fixture_check(const char *path, PetscErrorCode ierr)
{
  char        expect[1024], want[2048];
  char       *msg  = NULL;
  const char *text = NULL;
  if (tt_fixture_expect(path, expect, sizeof expect)) return 1;
  if (ierr != PETSC_ERR_USER) {
    fprintf(stderr, "%s: expected error code PETSC_ERR_USER (%d), got %d\n", path, PETSC_ERR_USER, (int) ierr);
    return 1;
  }
  PetscErrorMessage(ierr, &text, &msg);
  snprintf(want, sizeof want, "%s:%s", path, expect);
  if (!msg || strncmp(msg, want, strlen(want))) {
    fprintf(stderr, "message mismatch\n  expected prefix: %s\n  got:             %s\n", want, msg ? msg : "(none)");
    return 1;
  }
  if (strchr(msg, '\n')) {
    fprintf(stderr, "message must be one line: %s\n", msg);
    return 1;
  }
  printf("ok %s\n", msg);
  return 0;
}

#endif
