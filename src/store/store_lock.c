/* store_lock.c — who may write a results file: the exclusive lock on an output and
 * the checks that keep results from being lost (TTStoreLockOutput).
 *
 * The lock is a file PATH.lock created with O_CREAT | O_EXCL (atomic on local file
 * systems and on NFS v3/v4 and Lustre) by rank 0, holding its host, PID, boot id,
 * process start time, start time (UTC), Slurm job and command line; rank 0 also holds
 * an fcntl write lock on it where the file system grants one. Other ranks take no part
 * but learn rank 0's decision by broadcast, so a refusal ends every rank alike.
 *
 * A lock file that exists belongs to a live run when
 *   - its fcntl lock is held (by anyone, on any host whose locks reach us), or
 *   - it was written on this host, this boot, and its PID is alive with the same
 *     process start time (a reused PID is not the holder).
 * It is stale — left by a run that was killed — when it was written on this host and
 * that process is gone (or the host has rebooted since), or by an earlier start of
 * this same Slurm job (Slurm starts a requeued job only after its previous start has
 * ended), or when its record is incomplete and older than TT_LOCK_YOUNG seconds (a
 * live run writes its record right after creating the file). A stale lock is replaced
 * and a note printed. Any other lock (written on another host, not provably alive) is
 * refused with advice, unless --force. A lock shown to be alive is never taken over.
 * Replacing a stale lock happens while holding its fcntl lock and only if PATH.lock is
 * still the same file, so two runs racing for one stale lock cannot both win (on file
 * systems without fcntl locks a window of microseconds remains).
 *
 * Under the lock: an existing PATH is never replaced without --force, an existing
 * resumable PATH.tmp is never discarded without --force (--resume continues it).
 * Release (TTStoreUnlockOutput) removes PATH.lock only if it is still the file this run
 * created.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "storeimpl.h"

#define TT_LOCK_YOUNG 30 /* s: an incomplete lock record younger than this is a run starting */
#define TT_LOCK_MSG   1536

/* The lock this process holds (rank 0 of a run), for TTStoreHoldsLock: the results
 * file is written only under its lock. */
static const char *held_lock = NULL;

struct _p_TTOutputLock {
  PetscMPIInt rank;
  int         fd; /* rank 0: the open lock file, -1 otherwise */
  dev_t       dev;
  ino_t       ino;
  char       *lockpath;
};

/* A message into msg[len] (cut short if longer). */
static void Say(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void Say(char *msg, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, len, fmt, ap);
  va_end(ap);
}

/* The record in a lock file (or of this process). */
typedef struct {
  char               host[256], started[32], boot_id[64], slurm_job[96], command[512];
  long               pid, slurm_restart;
  unsigned long long pid_start; /* clock ticks since boot, /proc/PID/stat field 22; 0 unknown */
} Holder;

static void ReadLine(const char *path, char *buf, size_t len)
{
  FILE *f = fopen(path, "r");
  buf[0]  = 0;
  if (!f) return;
  if (!fgets(buf, (int) len, f)) buf[0] = 0;
  fclose(f);
  buf[strcspn(buf, "\n")] = 0;
}

/* Start time of process pid (ticks since boot), 0 when unknown or gone. */
static unsigned long long ProcessStart(long pid)
{
  char               path[64], buf[1024], *p;
  unsigned long long t = 0;
  snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
  ReadLine(path, buf, sizeof(buf));
  p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
  if (!p) return 0;
  for (int field = 2; field < 22 && p; field++) p = strchr(p + 1, ' ');
  if (p) t = strtoull(p + 1, NULL, 10);
  return t;
}

static void Self(Holder *h, const char *command)
{
  time_t    t = time(NULL);
  struct tm tm;
  memset(h, 0, sizeof(*h));
  if (gethostname(h->host, sizeof(h->host) - 1)) snprintf(h->host, sizeof(h->host), "unknown");
  h->pid = (long) getpid();
  gmtime_r(&t, &tm);
  strftime(h->started, sizeof(h->started), "%Y-%m-%dT%H:%M:%SZ", &tm);
  ReadLine("/proc/sys/kernel/random/boot_id", h->boot_id, sizeof(h->boot_id));
  h->pid_start = ProcessStart(h->pid);
  if (getenv("SLURM_JOB_ID"))
    snprintf(h->slurm_job, sizeof(h->slurm_job), "%s/%s",
             getenv("SLURM_CLUSTER_NAME") ? getenv("SLURM_CLUSTER_NAME") : "", getenv("SLURM_JOB_ID"));
  h->slurm_restart = getenv("SLURM_RESTART_COUNT") ? atol(getenv("SLURM_RESTART_COUNT")) : 0;
  snprintf(h->command, sizeof(h->command), "%s", command ? command : "");
  for (char *c = h->command; *c; c++)
    if (*c == '\n') *c = ' ';
}

static int WriteRecord(int fd, const Holder *h)
{
  char buf[2048];
  int  n = snprintf(buf, sizeof(buf),
                    "twintrial results lock: a run is writing this output\nhost: %s\npid: %ld\nstarted: %s\n"
                     "boot_id: %s\npid_start: %llu\nslurm_job: %s\nslurm_restart: %ld\ncommand: %s\n",
                    h->host, h->pid, h->started, h->boot_id, h->pid_start, h->slurm_job, h->slurm_restart, h->command);
  if (n < 0 || n >= (int) sizeof(buf)) n = (int) sizeof(buf) - 1;
  if (write(fd, buf, (size_t) n) != n) return -1;
  fsync(fd);
  return 0;
}

/* Parses a lock record; returns 1 when it names a host and a PID. */
static int ReadRecord(int fd, Holder *h)
{
  char    buf[4096], *line, *save = NULL;
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  memset(h, 0, sizeof(*h));
  if (n <= 0) return 0;
  buf[n] = 0;
  for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *v = strstr(line, ": ");
    if (!v) continue;
    *v = 0, v += 2;
    if (!strcmp(line, "host"))
      snprintf(h->host, sizeof(h->host), "%s", v);
    else if (!strcmp(line, "pid"))
      h->pid = atol(v);
    else if (!strcmp(line, "started"))
      snprintf(h->started, sizeof(h->started), "%s", v);
    else if (!strcmp(line, "boot_id"))
      snprintf(h->boot_id, sizeof(h->boot_id), "%s", v);
    else if (!strcmp(line, "pid_start"))
      h->pid_start = strtoull(v, NULL, 10);
    else if (!strcmp(line, "slurm_job"))
      snprintf(h->slurm_job, sizeof(h->slurm_job), "%s", v);
    else if (!strcmp(line, "slurm_restart"))
      h->slurm_restart = atol(v);
    else if (!strcmp(line, "command"))
      snprintf(h->command, sizeof(h->command), "%s", v);
  }
  return h->host[0] && h->pid > 0;
}

/* fcntl write lock on the whole file: 1 taken, 0 held by another process, -1 unsupported. */
static int TryFileLock(int fd)
{
  struct flock fl;
  memset(&fl, 0, sizeof(fl));
  fl.l_type   = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (!fcntl(fd, F_SETLK, &fl)) return 1;
  return errno == EAGAIN || errno == EACCES ? 0 : -1;
}

typedef enum { HOLDER_ALIVE, HOLDER_STALE, HOLDER_UNKNOWN, HOLDER_STARTING } HolderState;

/* What became of the run that wrote lock record h (read from a file of age `age` s). */
static HolderState Judge(const Holder *h, int complete_record, const Holder *me, double age, const char **why)
{
  if (!complete_record) {
    *why = "an incomplete lock record";
    return age < TT_LOCK_YOUNG ? HOLDER_STARTING : HOLDER_STALE;
  }
  if (!strcmp(h->host, me->host)) {
    unsigned long long start;
    if (h->boot_id[0] && me->boot_id[0] && strcmp(h->boot_id, me->boot_id)) {
      *why = "the host has restarted since";
      return HOLDER_STALE;
    }
    if (kill((pid_t) h->pid, 0) && errno == ESRCH) {
      *why = "that process has ended";
      return HOLDER_STALE;
    }
    start = ProcessStart(h->pid);
    if (h->pid_start && start && start != h->pid_start) {
      *why = "that process has ended (its PID now belongs to another process)";
      return HOLDER_STALE;
    }
    return HOLDER_ALIVE;
  }
  if (h->slurm_job[0] && !strcmp(h->slurm_job, me->slurm_job) && h->slurm_restart < me->slurm_restart) {
    *why = "an earlier start of this Slurm job, which has ended";
    return HOLDER_STALE;
  }
  return HOLDER_UNKNOWN;
}

static void Describe(const Holder *h, const char *lockpath, char *buf, size_t len)
{
  const char *job = strchr(h->slurm_job, '/') ? strchr(h->slurm_job, '/') + 1 : h->slurm_job;
  Say(buf, len, "host %s, PID %ld, since %s%s%s; lock file %s", h->host, h->pid, h->started,
      job[0] ? ", Slurm job " : "", job, lockpath);
}

/* Rank 0: one attempt on an existing lock file. Returns 0 (stale, removed: try again),
 * or 1 with msg set (refused). */
static int ExamineExisting(const char *out, const char *lockpath, const Holder *me, PetscBool force, char *msg,
                           size_t len)
{
  Holder      h;
  struct stat fsb, psb;
  const char *why = "";
  char        who[1024];
  int         fd    = open(lockpath, O_RDWR | O_CLOEXEC), held, complete;
  HolderState state = HOLDER_UNKNOWN;

  if (fd < 0 && errno == ENOENT) return 0; /* removed meanwhile: try again */
  if (fd < 0 || fstat(fd, &fsb) || !S_ISREG(fsb.st_mode)) {
    Say(msg, len, "-o %s: %s is in the way of the lock file (%s); remove it", out, lockpath,
        fd < 0 ? strerror(errno) : "not a regular file");
    if (fd >= 0) close(fd);
    return 1;
  }
  held     = TryFileLock(fd);
  complete = ReadRecord(fd, &h);
  Describe(&h, lockpath, who, sizeof(who));
  if (held == 0)
    state = HOLDER_ALIVE;
  else
    state = Judge(&h, complete, me, difftime(time(NULL), fsb.st_mtime), &why);
  if (state == HOLDER_UNKNOWN && force) state = HOLDER_STALE, why = "taken over as --force asks";
  if (state == HOLDER_ALIVE && !complete) state = HOLDER_STARTING;
  if (state == HOLDER_ALIVE && strstr(h.command, " personalise ")) /* cannot be resumed */
    Say(msg, len, "-o %s: another run is writing this output (%s); it is still running: wait for it to end", out, who);
  else if (state == HOLDER_ALIVE)
    Say(msg, len,
        "-o %s: another run is writing this output (%s); it is still running: wait for it to end, or stop it "
        "(SIGTERM to PID %ld stops it resumably) and continue it with --resume",
        out, who, h.pid);
  else if (state == HOLDER_STARTING)
    Say(msg, len, "-o %s: another run is starting on this output (its lock file %s has no record yet); wait for it",
        out, lockpath);
  else if (state == HOLDER_UNKNOWN)
    Say(msg, len,
        "-o %s: another run holds this output (%s), on a host this run cannot check; if that run is no longer "
        "running, rerun with --force (or remove %s)",
        out, who, lockpath);
  if (state != HOLDER_STALE) {
    close(fd);
    return 1;
  }
  /* still the file we judged? (another run may have replaced it meanwhile) */
  if (stat(lockpath, &psb) || psb.st_dev != fsb.st_dev || psb.st_ino != fsb.st_ino) {
    close(fd);
    return 0;
  }
  if (unlink(lockpath) && errno != ENOENT) {
    Say(msg, len, "-o %s: cannot remove the stale lock %s (%s)", out, lockpath, strerror(errno));
    close(fd);
    return 1;
  }
  close(fd);
  fprintf(stderr, "twintrial: replaced the lock of a run that no longer writes this output (%s): %s\n", who, why);
  return 0;
}

/* Rank 0: creates the lock file, or explains in msg why not. Returns the open fd or -1. */
static int Acquire(const char *out, const char *lockpath, const Holder *me, PetscBool force, char *msg, size_t len)
{
  for (int attempt = 0; attempt < 8; attempt++) {
    int fd = open(lockpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      TryFileLock(fd);
      /* A full disk may leave the record unwritten: the file alone (and its fcntl lock) still keeps others out. */
      (void) WriteRecord(fd, me);
      return fd;
    }
    if (errno != EEXIST) {
      Say(msg, len, "-o %s: cannot create the lock file %s (%s); is the directory there and writable?", out, lockpath,
          strerror(errno));
      return -1;
    }
    if (ExamineExisting(out, lockpath, me, force, msg, len)) return -1;
  }
  Say(msg, len, "-o %s: cannot take the lock %s: other runs keep replacing it", out, lockpath);
  return -1;
}

static PetscBool IsFile(const char *path)
{
  struct stat sb;
  return !stat(path, &sb) && !S_ISDIR(sb.st_mode) ? PETSC_TRUE : PETSC_FALSE;
}

/* Rank 0, holding the lock: may this run write PATH? 0 yes, 1 refused (msg), *complete
 * when --resume finds a finished run and nothing to continue. */
static int CheckOutput(const char *out, PetscBool resume, PetscBool force, int *complete, char *msg, size_t len)
{
  char      tmp[TT_PATH_MAX + 8];
  PetscBool have_out = IsFile(out), have_tmp;

  snprintf(tmp, sizeof(tmp), "%s.tmp", out);
  have_tmp  = IsFile(tmp);
  *complete = resume && have_out && !have_tmp;
  if (*complete || force) return 0;
  if (have_out && resume)
    Say(msg, len,
        "-o %s: a results file exists already and resuming %s would replace it: move it away, or rerun with "
        "--force to replace it",
        out, tmp);
  else if (have_out)
    Say(msg, len,
        "-o %s: a results file exists already and is kept; rerun with --force to replace it, or choose "
        "another -o",
        out);
  else if (have_tmp && !resume)
    Say(msg, len,
        "-o %s: %s holds an unfinished run, kept; continue it with --resume (the same command plus --resume), "
        "or rerun with --force to discard it and start over",
        out, tmp);
  else
    return 0;
  return 1;
}

PetscErrorCode TTStoreLockOutput(MPI_Comm comm, const char *path, const char *command, PetscBool resume,
                                 PetscBool force, TTOutputLock *lock, PetscBool *complete)
{
  TTOutputLock l;
  int          state[2]         = {0, 0}; /* refused, complete */
  char         msg[TT_LOCK_MSG] = {0};
  struct stat  sb;

  PetscFunctionBeginUser;
  *lock = NULL;
  PetscCall(PetscCalloc1(1, &l));
  l->fd = -1;
  PetscCallMPI(MPI_Comm_rank(comm, &l->rank));
  PetscCall(PetscMalloc1(strlen(path) + 6, &l->lockpath));
  sprintf(l->lockpath, "%s.lock", path);
  if (l->rank == 0) {
    Holder me;
    Self(&me, command);
    if (strlen(path) >= TT_PATH_MAX)
      state[0] = 1, Say(msg, sizeof(msg), "-o %.200s...: path too long", path);
    else if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
      state[0] = 1, Say(msg, sizeof(msg), "-o %s: expected the path of a results file, found a directory", path);
    else if ((l->fd = Acquire(path, l->lockpath, &me, force, msg, sizeof(msg))) < 0)
      state[0] = 1;
    else if (CheckOutput(path, resume, force, &state[1], msg, sizeof(msg)))
      state[0] = 1;
    if (l->fd >= 0 && !fstat(l->fd, &sb)) l->dev = sb.st_dev, l->ino = sb.st_ino;
  }
  PetscCallMPI(MPI_Bcast(state, 2, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, (PetscMPIInt) sizeof(msg), MPI_CHAR, 0, comm));
  if (state[0]) {
    PetscCall(TTStoreUnlockOutput(&l));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s", msg);
  }
  *complete = state[1] ? PETSC_TRUE : PETSC_FALSE;
  if (l->fd >= 0) held_lock = l->lockpath;
  *lock = l;
  PetscFunctionReturn(0);
}

PetscErrorCode TTStoreUnlockOutput(TTOutputLock *lock)
{
  TTOutputLock l = *lock;
  struct stat  sb;

  PetscFunctionBeginUser;
  if (!l) PetscFunctionReturn(0);
  if (l->fd >= 0) {
    if (held_lock == l->lockpath) held_lock = NULL;
    /* only our own file: a --force run may have replaced it */
    if (!stat(l->lockpath, &sb) && sb.st_dev == l->dev && sb.st_ino == l->ino) unlink(l->lockpath);
    close(l->fd);
  }
  PetscCall(PetscFree(l->lockpath));
  PetscCall(PetscFree(l));
  *lock = NULL;
  PetscFunctionReturn(0);
}

PetscBool TTStoreHoldsLock(const char *path)
{
  size_t n = strlen(path);
  return held_lock && !strncmp(held_lock, path, n) && !strcmp(held_lock + n, ".lock") ? PETSC_TRUE : PETSC_FALSE;
}
