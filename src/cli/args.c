/* args.c — command-line parsing, before MPI/PETSc start (plain C).
 * Invariant: every argument is either ours (validated here, one message on error)
 * or a single-dash PETSc option passed through with its value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static int ParseCount(const char *s, PetscInt *v)
{
  char *end;
  long  x;
  errno = 0;
  x     = strtol(s, &end, 10);
  if (errno || *end || end == s || x < 1 || x > 1000000000) return 1;
  *v = (PetscInt) x;
  return 0;
}

static int ParseSeed(const char *s, uint64_t *v)
{
  char              *end;
  unsigned long long x;
  errno = 0;
  if (*s == '-') return 1;
  x = strtoull(s, &end, 10);
  if (errno || *end || end == s) return 1;
  *v = (uint64_t) x;
  return 0;
}

static int ParsePower(const char *s, double *v)
{
  char *end;
  errno = 0;
  *v    = strtod(s, &end);
  return errno || *end || end == s || !(*v > 0 && *v < 1);
}

static int ParseLevel(const char *s, double *v)
{
  char *end;
  errno = 0;
  *v    = strtod(s, &end);
  return errno || *end || end == s || !(*v >= 0.5 && *v < 1);
}

static int ParseProgress(const char *s, TTProgressMode *m)
{
  static const char *names[] = {"auto", "bar", "log", "none"};
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, names[i])) {
      *m = (TTProgressMode) i;
      return 0;
    }
  return 1;
}

static char *JoinArgs(int argc, char **argv)
{
  size_t n = 1;
  char  *s;
  for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
  s    = malloc(n);
  s[0] = 0;
  for (int i = 0; i < argc; i++) {
    if (i) strcat(s, " ");
    strcat(s, argv[i]);
  }
  return s;
}

/* One of our options with a value; returns 1 if `a` is ours, sets *bad on a bad value. */
static int OurOption(TTCli *cli, const char *a, const char *v, int *bad, char *err, size_t len)
{
  if (!strcmp(a, "-o") || !strcmp(a, "--output"))
    cli->output = v;
  else if (!strcmp(a, "--csv"))
    cli->csv_dir = v;
  else if (!strcmp(a, "--replicates"))
    *bad = !v || ParseCount(v, &cli->replicates);
  else if (!strcmp(a, "--patients"))
    *bad = !v || ParseCount(v, &cli->patients);
  else if (!strcmp(a, "--seed"))
    *bad = !v || ParseSeed(v, &cli->seed), cli->seed_set = PETSC_TRUE;
  else if (!strcmp(a, "--progress"))
    *bad = !v || ParseProgress(v, &cli->progress);
  else if (!strcmp(a, "--power"))
    *bad = !v || ParsePower(v, &cli->power);
  else if (!strcmp(a, "--analysis"))
    cli->analysis = v;
  else if (!strcmp(a, "--confirm"))
    *bad = !v || ParseCount(v, &cli->confirm);
  else if (!strcmp(a, "--max-patients"))
    *bad = !v || ParseCount(v, &cli->max_patients);
  else if (!strcmp(a, "--observations"))
    cli->observations = v;
  else if (!strcmp(a, "--covariates"))
    cli->covariates = v;
  else if (!strcmp(a, "--draws"))
    *bad = !v || ParseCount(v, &cli->draws) || cli->draws < 2;
  else if (!strcmp(a, "--level"))
    *bad = !v || ParseLevel(v, &cli->level);
  else
    return 0;
  if (!v) *bad = 1;
  if (*bad)
    snprintf(err, len, "%s: expected %s", a,
             !strcmp(a, "--seed")                                      ? "an integer 0..2^64-1"
             : !strcmp(a, "--progress")                                ? "auto, bar, log or none"
             : !strcmp(a, "--power")                                   ? "a power between 0 and 1, e.g. 0.8"
             : !strcmp(a, "--confirm") || !strcmp(a, "--max-patients") ? "a positive integer"
             : !strcmp(a, "--draws")                                   ? "an integer >= 2"
             : !strcmp(a, "--level")                                   ? "a level in [0.5, 1), e.g. 0.9"
             : !strncmp(a, "--r", 3) || !strncmp(a, "--pa", 4)         ? "a positive integer"
                                                                       : "a value");
  return 1;
}

int tt_cli_parse(int argc, char **argv, TTCli *cli, int *pargc, char **pargv, char *err, size_t len)
{
  static const char *commands[] = {"run",    "validate",    "summary", "export",
                                   "models", "credibility", "size",    "personalise"};
  int                bad        = 0;

  memset(cli, 0, sizeof(*cli));
  cli->confirm = cli->max_patients = -1; /* size */

  cli->replicates = cli->patients = -1;
  cli->command_line               = JoinArgs(argc, argv);
  pargv[(*pargc)++]               = argv[0];
  if (argc < 2) return snprintf(err, len, "missing command"), 1;
  cli->command = argv[1];
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || (i == 1 && !strcmp(argv[i], "help"))) {
      cli->help = PETSC_TRUE;
      return 0;
    }
  bad = 1;
  for (int i = 0; i < 8; i++) bad = bad && strcmp(cli->command, commands[i]);
  if (bad)
    return snprintf(err, len,
                    "unknown command '%s'; expected run, validate, summary, export, models, credibility, size or "
                    "personalise",
                    argv[1]),
           1;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--resume"))
      cli->resume = PETSC_TRUE;
    else if (!strcmp(a, "--force"))
      cli->force = PETSC_TRUE;
    else if (OurOption(cli, a, v, &bad, err, len)) {
      if (bad) return 1;
      i++;
    } else if (a[0] == '-' && a[1] == '-')
      return snprintf(err, len, "unknown option '%s'", a), 1;
    else if (a[0] == '-') {
      pargv[(*pargc)++] = argv[i];
      if (v && (v[0] != '-' || (v[1] >= '0' && v[1] <= '9'))) pargv[(*pargc)++] = argv[++i];
    } else if (!cli->input)
      cli->input = a;
    else
      return snprintf(err, len, "unexpected argument '%s'", a), 1;
  }
  if (strcmp(cli->command, "models") && !cli->input)
    return snprintf(err, len, "%s: missing %s file", cli->command,
                    !strcmp(cli->command, "run") || !strcmp(cli->command, "validate") ||
                            !strcmp(cli->command, "size") || !strcmp(cli->command, "personalise")
                        ? "protocol"
                    : !strcmp(cli->command, "credibility") ? "protocol or results"
                                                           : "results"),
           1;
  if (!strcmp(cli->command, "export") && !cli->csv_dir) return snprintf(err, len, "export: missing --csv DIR"), 1;
  if (!strcmp(cli->command, "size") && !cli->power) return snprintf(err, len, "size: missing --power P"), 1;
  if (strcmp(cli->command, "size") && (cli->power || cli->analysis || cli->confirm > 0 || cli->max_patients > 0))
    return snprintf(err, len, "%s: --power, --analysis, --confirm and --max-patients belong to size", cli->command), 1;
  if (!strcmp(cli->command, "personalise") && !cli->observations)
    return snprintf(err, len, "personalise: missing --observations OBS.csv"), 1;
  if (strcmp(cli->command, "personalise") && (cli->observations || cli->covariates || cli->draws || cli->level))
    return snprintf(err, len, "%s: --observations, --covariates, --draws and --level belong to personalise",
                    cli->command),
           1;
  if (!strcmp(cli->command, "personalise") && !cli->output)
    return snprintf(err, len, "personalise: missing -o TWINS.h5"), 1;
  if (!strcmp(cli->command, "personalise") && (cli->resume || cli->replicates >= 0 || cli->patients >= 0))
    return snprintf(err, len,
                    "personalise: --resume, --replicates and --patients belong to run (personalise fits every "
                    "patient of OBS.csv and always starts over)"),
           1;
  if (!cli->output) cli->output = "results.h5";
  return 0;
}
