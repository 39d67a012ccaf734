/* ml_load.c — TTModelLangLoad: a model file parsed, compiled once per node into a cached
 * shared object, loaded with dlopen and registered as a TTModelType.
 *
 * Cache: DIR = TWINTRIAL_CACHE, else $HOME/.cache/twintrial; the object is DIR/KEY.so
 * (its source beside it as DIR/KEY.c), KEY the SHA-256 of the model file's bytes, the
 * compiler command, the compiler's --version output, the flags and the generator
 * version. Both are written under unique temporary names and renamed into place, so
 * concurrent runs never see a partial file and whichever rename wins leaves the same
 * bytes; the results never depend on the cache (a cached object is the object the same
 * compiler would build now).
 * MPI: on each shared-memory node (MPI_Comm_split_type SHARED) rank 0 computes the key
 * and compiles when DIR/KEY.so is absent; the node's other ranks wait for its verdict
 * (a broadcast of the key or of the one error message), then every rank loads the object.
 * Loaded models live until the process ends (the registry keeps pointers to them).
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <twintrial/stats.h>
#include <twintrial/store.h>
#include "modellang/mlimpl.h"
#include "modellang/mlload.h"

extern char **environ;

#define ML_FLAGS "-std=c11 -O2 -fPIC -shared -ffp-contract=off"
#define ML_MSG   1024

typedef struct {
  char           hash[65], cc[256], text_sha[65];
  char          *text, *view; /* the file's bytes; TTModelLangView of it */
  TTModelType    type;
  TTParamInfo    param[ML_MAX_NAMES], effect[ML_MAX_NAMES];
  TTVariableInfo var[ML_MAX_NAMES];
  TTRangeInfo    range[ML_MAX_NAMES];
  char           rsource[ML_MAX_NAMES][128];
  const char    *covariate[ML_MAX_NAMES], *latent[ML_MAX_NAMES];
  char           names[4 * ML_MAX_NAMES + ML_MAX_NAMES][TT_NAME_MAX], units[3 * ML_MAX_NAMES][ML_UNIT_MAX],
      descs[2 * ML_MAX_NAMES][128];
  TTEventInfo event[ML_MAX_EVENTS];
  char        enames[ML_MAX_EVENTS][TT_NAME_MAX];
  char        name[TT_NAME_MAX], description[300], reference[TT_PATH_MAX + 300];
  void       *handle;
} MLLoaded;

static MLLoaded *loaded[TT_MAX_REGISTERED];
static int       nloaded;

static const TTModelLangHost host = {TT_MODELLANG_GENERATOR_VERSION,
                                     tt_rng_normal,
                                     tt_stats_ldnorm,
                                     tt_stats_lpnorm,
                                     MLMinimise,
                                     MLFamilyDraw,
                                     MLFamilyLogDensity};

static MLLoaded *Loaded(const TTModelType *m)
{
  for (int i = 0; i < nloaded; i++)
    if (&loaded[i]->type == m) return loaded[i];
  return NULL;
}

const char *TTModelLangSource(const TTModelType *m)
{
  return Loaded(m) ? Loaded(m)->text : NULL;
}

const char *TTModelLangSourceSha256(const TTModelType *m)
{
  return Loaded(m) ? Loaded(m)->text_sha : NULL;
}

const char *TTModelLangResolved(const TTModelType *m)
{
  return Loaded(m) ? Loaded(m)->view : NULL;
}

/* msg = the formatted message (one line); returns 1, the failure of the callers below. */
static int Fail(char *msg, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, ML_MSG, fmt, ap);
  va_end(ap);
  return 1;
}

/* snprintf for paths (a too-long one is truncated and then fails to open). */
static void Format(char *buf, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, len, fmt, ap);
  va_end(ap);
}

static const char *Compiler(void)
{
  const char *cc = getenv("TWINTRIAL_CC");
  return cc && cc[0] ? cc : "cc";
}

/* Runs the words of `cmd` followed by extra[] with stdout and stderr into `log`; returns
 * the exit status, 127 when the program cannot be started. */
static int Run(const char *cmd, const char *const extra[], const char *log)
{
  char                      *copy = strdup(cmd), *argv[64], *save = NULL;
  int                        argc = 0, status = 127;
  pid_t                      pid;
  posix_spawn_file_actions_t fa;
  if (!copy) return 127;
  for (char *w = strtok_r(copy, " \t", &save); w && argc < 32; w = strtok_r(NULL, " \t", &save)) argv[argc++] = w;
  for (int i = 0; extra[i] && argc < 63; i++) argv[argc++] = (char *) extra[i];
  argv[argc] = NULL;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (argc && !posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ)) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }
  posix_spawn_file_actions_destroy(&fa);
  free(copy);
  return status;
}

/* The whole of a small file into buf (NUL-terminated, truncated to len - 1). */
static void ReadSmall(const char *path, char *buf, size_t len)
{
  FILE  *fp = fopen(path, "rb");
  size_t n  = fp ? fread(buf, 1, len - 1, fp) : 0;
  buf[n]    = 0;
  if (fp) fclose(fp);
}

/* mkdir -p; 0 on success. */
static int MakeDirs(char *dir)
{
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(dir, 0755) && errno != EEXIST) return (*p = '/'), 1;
    *p = '/';
  }
  return mkdir(dir, 0755) && errno != EEXIST;
}

static int CacheDir(char *dir, size_t len, char *msg)
{
  const char *env = getenv("TWINTRIAL_CACHE"), *home = getenv("HOME");
  if (env && env[0])
    snprintf(dir, len, "%s", env);
  else if (home && home[0])
    snprintf(dir, len, "%s/.cache/twintrial", home);
  else
    return Fail(msg, "no cache directory for compiled models: set TWINTRIAL_CACHE (or HOME)"), 1;
  if (MakeDirs(dir))
    return Fail(msg, "cannot create the model cache directory %s (TWINTRIAL_CACHE): %s", dir, strerror(errno)), 1;
  return 0;
}

/* The first line of the compiler's log that says "error", else its first line. */
static void FirstError(const char *log, char *out, size_t len)
{
  char buf[8192], *line, *save = NULL, *first = NULL;
  ReadSmall(log, buf, sizeof buf);
  for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (!first) first = line;
    if (strstr(line, "error")) {
      first = line;
      break;
    }
  }
  snprintf(out, len, "%s", first ? first : "(no output)");
}

/* Node rank 0: the key, and DIR/KEY.so built unless present. 0, or 1 with msg set. */
static int Build(TTModelLang ml, const char *path, char hash[65], char *dir, size_t dirlen, char *msg)
{
  const char *cc = Compiler(), *text = TTModelLangText(ml);
  char   log[TT_PATH_MAX + 80], src[TT_PATH_MAX + 80], so[TT_PATH_MAX + 80], tmp[TT_PATH_MAX + 80], id[4096], out[512];
  char  *key;
  size_t tlen = strlen(text), klen;
  int    fd, rc;
  FILE  *fp;
  if (CacheDir(dir, dirlen, msg)) return 1;
  snprintf(log, sizeof log, "%s/cc.%ld.log", dir, (long) getpid());
  {
    const char *const version[] = {"--version", NULL};
    if ((rc = Run(cc, version, log))) {
      unlink(log);
      return Fail(msg,
                  "%s: model %s is compiled at run time, but the C compiler '%s' %s; install a C compiler or set "
                  "TWINTRIAL_CC to one",
                  path, ml->name, cc, rc == 127 ? "was not found" : "does not run"),
             1;
    }
  }
  ReadSmall(log, id, sizeof id);
  klen = tlen + strlen(cc) + strlen(id) + 128;
  if (!(key = malloc(klen))) return Fail(msg, "%s: out of memory", path), 1;
  klen = (size_t) snprintf(key, klen, "%s%c%s%c%s%c%s%c%d %d", text, 0, cc, 0, id, 0, ML_FLAGS, 0,
                           TT_MODELLANG_GENERATOR_VERSION, TT_MAX_DOSES);
  tt_sha256_hex(key, klen, hash);
  free(key);
  snprintf(so, sizeof so, "%s/%s.so", dir, hash);
  if (!access(so, R_OK)) return unlink(log), 0;
  snprintf(src, sizeof src, "%s/%s.c", dir, hash);
  snprintf(tmp, sizeof tmp, "%s/%s.XXXXXX", dir, hash);
  if ((fd = mkstemp(tmp)) < 0 || !(fp = fdopen(fd, "w")))
    return Fail(msg, "%s: cannot write into the model cache %s (TWINTRIAL_CACHE): %s", path, dir, strerror(errno)), 1;
  if (TTModelLangGenerate(ml, fp) || fclose(fp) || rename(tmp, src))
    return unlink(tmp), Fail(msg, "%s: cannot write the generated source %s", path, src), 1;
  Format(tmp, sizeof tmp, "%s/%s.so.%ld.tmp", dir, hash, (long) getpid());
  {
    const char *const args[] = {"-std=c11", "-O2", "-fPIC", "-shared", "-ffp-contract=off",
                                "-o",       tmp,   src,     "-lm",     NULL};
    rc                       = Run(cc, args, log);
  }
  if (rc) {
    FirstError(log, out, sizeof out);
    unlink(tmp);
    return Fail(msg, "%s: cannot compile model %s with the C compiler '%s' (exit %d; TWINTRIAL_CC chooses another): %s",
                path, ml->name, cc, rc, out),
           1;
  }
  unlink(log);
  if (rename(tmp, so))
    return unlink(tmp), Fail(msg, "%s: cannot move the compiled model into %s: %s", path, so, strerror(errno)), 1;
  return 0;
}

/* A symbol of the generated object (every one is generated: absence is a corrupt cache). */
static void *Sym(void *h, const char *name, int *missing)
{
  void *p = dlsym(h, name);
  if (!p) *missing = 1;
  return p;
}

/* The TTModelType of a loaded object: tables from the parsed model, callbacks from the
 * object. */
static PetscErrorCode Fill(TTModelLang ml, MLLoaded *e, const char *path)
{
  TTModelType *m       = &e->type;
  int          missing = 0, nn = 0;
  void (*init)(const TTModelLangHost *, const double *);
  int (*abi)(void);
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(e->name, ml->name, sizeof e->name));
  PetscCall(PetscSNPrintf(e->description, sizeof e->description, "%s (%s)", ml->description,
                          ml->ode ? "ODE" : "closed form"));
  PetscCall(PetscSNPrintf(e->reference, sizeof e->reference, "%s%smodel file %s", ml->reference,
                          ml->reference[0] ? "; " : "", path));
  m->name = e->name, m->description = e->description, m->reference = e->reference;
  m->time_unit_days = ml->time_unit_days;
  m->nparam = ml->n[MS_PARAM], m->neffect = ml->n[MS_EFFECT], m->ncovariate = ml->n[MS_COV];
  m->nvar = ml->n[MS_OUTPUT], m->nlatent = ml->n[MS_LATENT], m->nstate = ml->ode ? ml->n[MS_STATE] : 0;
  m->range = ml->ranges ? e->range : NULL;
  m->param = e->param, m->effect = e->effect, m->var = e->var, m->covariate = e->covariate, m->latent = e->latent;
  for (int k = 0; k < 2; k++) {
    MLKind       kind = k ? MS_EFFECT : MS_PARAM;
    TTParamInfo *info = k ? e->effect : e->param;
    for (int i = 0; i < ml->n[kind]; i++) {
      PetscCall(PetscStrncpy(e->names[nn], ml->sym[kind][i].name, TT_NAME_MAX));
      PetscCall(PetscStrncpy(e->units[k * ML_MAX_NAMES + i], ml->sym[kind][i].unit, ML_UNIT_MAX));
      PetscCall(PetscStrncpy(e->descs[k * ML_MAX_NAMES + i],
                             ml->sym[kind][i].description[0] ? ml->sym[kind][i].description
                             : k                             ? "arm effect (model file)"
                                                             : "parameter (model file)",
                             sizeof e->descs[0]));
      info[i] = (TTParamInfo){e->names[nn++], e->units[k * ML_MAX_NAMES + i], ml->sym[kind][i].value,
                              e->descs[k * ML_MAX_NAMES + i], (TTDomain) ml->sym[kind][i].domain};
    }
  }
  for (int i = 0; i < ml->n[MS_COV]; i++) {
    PetscCall(PetscStrncpy(e->names[nn], ml->sym[MS_COV][i].name, TT_NAME_MAX));
    e->covariate[i] = e->names[nn++];
  }
  for (int i = 0; i < ml->n[MS_LATENT]; i++) {
    PetscCall(PetscStrncpy(e->names[nn], ml->sym[MS_LATENT][i].name, TT_NAME_MAX));
    e->latent[i] = e->names[nn++];
  }
  for (int i = 0; i < ml->n[MS_OUTPUT]; i++) {
    PetscCall(PetscStrncpy(e->names[nn], ml->sym[MS_OUTPUT][i].name, TT_NAME_MAX));
    PetscCall(PetscStrncpy(e->units[2 * ML_MAX_NAMES + i], ml->sym[MS_OUTPUT][i].unit, ML_UNIT_MAX));
    e->var[i] = (TTVariableInfo){e->names[nn++], e->units[2 * ML_MAX_NAMES + i]};
    PetscCall(PetscStrncpy(e->rsource[i], ml->sym[MS_OUTPUT][i].description, sizeof e->rsource[i]));
    e->range[i] = (TTRangeInfo){ml->sym[MS_OUTPUT][i].lo, ml->sym[MS_OUTPUT][i].hi, e->rsource[i]};
  }
  abi            = (int (*)(void)) Sym(e->handle, "tt_ml_abi", &missing);
  init           = (void (*)(const TTModelLangHost *, const double *)) Sym(e->handle, "tt_ml_init", &missing);
  m->draw_latent = (void (*)(const double *, tt_pcg32 *, double *)) Sym(e->handle, "tt_ml_draw_latent", &missing);
  m->observe =
      (void (*)(const double *, const double *, tt_pcg32 *, double *)) Sym(e->handle, "tt_ml_observe", &missing);
  m->condition =
      (void (*)(const double *, const double *, const double *, double *)) Sym(e->handle, "tt_ml_condition", &missing);
  m->log_density =
      (double (*)(const double *, int, const TTObservation *)) Sym(e->handle, "tt_ml_log_density", &missing);
  m->omega =
      (void (*)(const double *, const double *, double *, double *, double *)) Sym(e->handle, "tt_ml_omega", &missing);
  if (ml->ode) {
    m->initial = (void (*)(const double *, const double *, const double *, const double *, double *)) Sym(
        e->handle, "tt_ml_initial", &missing);
    m->rhs    = (void (*)(const double *, const double *, const double *, const double *, double, const double *,
                       double *)) Sym(e->handle, "tt_ml_rhs", &missing);
    m->output = (void (*)(const double *, const double *, const double *, const double *, double, const double *,
                          double *)) Sym(e->handle, "tt_ml_output", &missing);
  } else {
    m->mean = (void (*)(const double *, const double *, const double *, const double *, double, double *)) Sym(
        e->handle, "tt_ml_mean", &missing);
    m->mean_regimen = (void (*)(const double *, const double *, const double *, const TTRegimen *, int, const double *,
                                double *)) Sym(e->handle, "tt_ml_mean_regimen", &missing);
  }
  if (!ml->ode)
    m->mean_times = (void (*)(const double *, const double *, const double *, const double *, int, const double *,
                              double *)) Sym(e->handle, "tt_ml_mean_times", &missing);
  m->gauss_newton = MLResidualGaussNewton(ml); /* personalisation's default fit */
  if (ml->dosing) {
    m->doses      = (int (*)(const double *, const double *, const double *, const double *, double, double *,
                        double *)) Sym(e->handle, "tt_ml_doses", &missing);
    m->dose_state = ml->dose_state;
  }
  if (ml->nevent) {
    for (int k = 0; k < ml->nevent; k++) {
      PetscCall(PetscStrncpy(e->enames[k], ml->event[k].name, TT_NAME_MAX));
      e->event[k] = (TTEventInfo){e->enames[k], ml->event[k].recurrent, !ml->event[k].recurrent};
    }
    m->nevent = ml->nevent, m->event = e->event;
    m->hazard = (void (*)(const double *, const double *, const double *, const double *, double, const double *,
                          double *)) Sym(e->handle, "tt_ml_hazard", &missing);
    if (!ml->ode)
      m->hazard_regimen = (void (*)(const double *, const double *, const double *, const TTRegimen *, int, double,
                                    const double *, double *)) Sym(e->handle, "tt_ml_hazard_regimen", &missing);
  }
  PetscCheck(!missing && abi() == TT_MODELLANG_GENERATOR_VERSION, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: the compiled model in the cache (TWINTRIAL_CACHE) is damaged or from another version: remove it",
             path);
  init(&host, ml->chol);
  PetscFunctionReturn(0);
}

/* Every rank: loads DIR/HASH.so for ml and registers it (or finds it loaded). */
static PetscErrorCode Open(TTModelLang ml, const char *path, const char *dir, const char *hash, const TTModelType **m)
{
  MLLoaded *e;
  char      so[TT_PATH_MAX + 80];
  PetscFunctionBeginUser;
  for (int i = 0; i < nloaded; i++)
    if (!strcmp(loaded[i]->hash, hash)) {
      *m = &loaded[i]->type;
      PetscFunctionReturn(0);
    }
  if (tt_model_find(ml->name))
    PetscCall(TTYamlErrorAt(
        ml->y, ml->name_loc, "model.name",
        "'%s' is the name of another model (built in or loaded from another file); expected a new name", ml->name));
  PetscCheck(nloaded < TT_MAX_REGISTERED, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: expected at most %d model files in one run", path, TT_MAX_REGISTERED);
  PetscCall(PetscSNPrintf(so, sizeof so, "%s/%s.so", dir, hash));
  e = calloc(1, sizeof *e); /* lives until the process ends: the registry points into it */
  PetscCheck(e && (e->text = strdup(TTModelLangText(ml))), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(PetscStrncpy(e->hash, hash, sizeof e->hash));
  tt_sha256_hex(e->text, strlen(e->text), e->text_sha);
  {
    size_t len;
    FILE  *mem = open_memstream(&e->view, &len);
    PetscCheck(mem, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    PetscCall(TTModelLangView(ml, mem));
    PetscCheck(!fclose(mem), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  }
  PetscCall(PetscStrncpy(e->cc, Compiler(), sizeof e->cc));
  e->handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
  if (!e->handle) {
    const char *why = dlerror();
    free(e->text), free(e->view), free(e);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot load the compiled model %s: %s", path, so,
            why ? why : "dlopen failed");
  }
  {
    PetscErrorCode ierr = Fill(ml, e, path);
    if (ierr || tt_model_register(&e->type)) {
      dlclose(e->handle), free(e->text), free(e->view), free(e);
      PetscCall(ierr);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s: cannot register model %s", path, ml->name);
    }
  }
  loaded[nloaded++] = e;
  *m                = &e->type;
  PetscFunctionReturn(0);
}

PetscErrorCode TTModelLangLoad(MPI_Comm comm, const char *path, const TTModelType **m)
{
  TTModelLang    ml;
  MPI_Comm       node;
  PetscMPIInt    rank;
  PetscErrorCode ierr;
  struct {
    int  err;
    char hash[65], dir[TT_PATH_MAX], msg[ML_MSG];
  } * v;
  PetscFunctionBeginUser;
  *m = NULL;
  PetscCall(TTModelLangParse(path, &ml)); /* the same verdict on every rank */
  for (int i = 0; i < nloaded; i++)       /* loaded before in this process (the same on every rank) */
    if (!strcmp(loaded[i]->text, TTModelLangText(ml)) && !strcmp(loaded[i]->cc, Compiler())) {
      *m = &loaded[i]->type;
      PetscCall(TTModelLangDestroy(&ml));
      PetscFunctionReturn(0);
    }
  PetscCall(PetscCalloc1(1, &v));
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_rank(node, &rank));
  if (!rank) v->err = Build(ml, path, v->hash, v->dir, sizeof v->dir, v->msg);
  PetscCallMPI(MPI_Bcast(v, (PetscMPIInt) sizeof *v, MPI_BYTE, 0, node));
  PetscCallMPI(MPI_Comm_free(&node));
  ierr = v->err ? PETSC_ERR_USER : Open(ml, path, v->dir, v->hash, m);
  if (v->err) {
    char msg[ML_MSG];
    PetscCall(PetscStrncpy(msg, v->msg, sizeof msg));
    PetscCall(PetscFree(v));
    PetscCall(TTModelLangDestroy(&ml));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s", msg);
  }
  PetscCall(PetscFree(v));
  PetscCall(TTModelLangDestroy(&ml));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
