/* store.h — the results file (HDF5), as documented in analysis/README.md.
 *
 * The file is opened by every rank with MPI-IO (parallel HDF5): file, groups,
 * datasets and attributes are created collectively with identical arguments;
 * per-replicate rows and per-subject data are written by the analysing rank
 * (rank 0) with independent transfers into space allocated at creation, because
 * dynamic scheduling gives the other ranks nothing to contribute at that moment.
 * The file is written as PATH.tmp and renamed to PATH only after it is complete,
 * so a file at PATH is always complete. Unwritten doubles read as NaN.
 */
#ifndef TWINTRIAL_STORE_H
#define TWINTRIAL_STORE_H

#include <petscsys.h>
#include <stdio.h>
#include <twintrial/trial.h>
#include <twintrial/stats.h>

#define TT_FORMAT_NAME    "twintrial-results"
#define TT_FORMAT_VERSION 1

typedef struct _p_TTStore *TTStore;

enum {
  TT_SUMMARY_ARM_RANDOMISED,
  TT_SUMMARY_ARM_DROPOUT,
  TT_SUMMARY_ARM_EVENTS,
  TT_SUMMARY_ARM_RESPONDERS,
  TT_SUMMARY_ARM
};

/* Operating characteristics of one analysis across replicates. */
typedef struct {
  tt_stats_oc_summary oc;
  double              expected_information;    /* mean events (time to event) or observed endpoints analysed */
  double              analytic_power;          /* the textbook formula for the same design, NaN when none applies */
  char                analytic_method[48];     /* which formula, or "none (why)" */
  int                 nlook;                   /* group-sequential looks (0: fixed design) */
  double              stop_prob[TT_MAX_LOOKS]; /* share of replicates stopping at each look */
  double              dropped_twins;           /* twins dropped after a failed simulation, all replicates */
  /* Per arm (control, treatment), means over replicates: twins randomised, share dropped
   * out, events (time to event, counts), share of responders (binary); NaN: not applicable. */
  double arm[TT_SUMMARY_ARM][2];
  double alpha; /* the analysis's significance level and sidedness (summary printing) */
  int    sided;
  char   arm_name[2][TT_NAME_MAX]; /* control, treatment (summary printing) */
  char   failure_reasons[192];     /* failed replicates per reason, "separation 3; not converged 1" */
  char   estimand_strategy[32];    /* the estimand the true value is of (TTEstimandNames); "" when the protocol has no
                                    * discontinuation and the analysis names none */
  char covariance_fitted[192];     /* mmrm: replicates per structure fitted, "unstructured 38; toeplitz 2"; "" else */
} TTSummary;

typedef struct {
  const char *command_line;
  const char *started; /* ISO 8601 UTC */
} TTProvenance;

/* The exclusive right to write the results file PATH (src/store/store_lock.c). */
typedef struct _p_TTOutputLock *TTOutputLock;
/* Collective; rank 0 does the file-system work and broadcasts its decision. Call before
 * anything is simulated. Takes the lock PATH.lock (host, PID, start time; an fcntl lock
 * where the file system grants one), replacing a lock left by a run that was killed;
 * refuses (user error, the same on every rank) when another run holds PATH, when PATH
 * exists (unless force), when PATH.tmp holds an unfinished run and resume is not set
 * (unless force), or when PATH is a directory. *complete: resume found PATH finished
 * and no PATH.tmp (nothing to do). command is recorded in the lock file. */
PetscErrorCode TTStoreLockOutput(MPI_Comm comm, const char *path, const char *command, PetscBool resume,
                                 PetscBool force, TTOutputLock *lock, PetscBool *complete);
/* Not collective (rank 0 removes the lock file, if still its own; other ranks free the
 * handle). NULL is fine; call on every exit path. */
PetscErrorCode TTStoreUnlockOutput(TTOutputLock *lock);

/* Collective; only under PATH's lock (TTStoreLockOutput; an internal error otherwise).
 * Creates PATH.tmp with provenance, design and every dataset; with
 * resume and an existing PATH.tmp, reopens it instead, after checking it was made by
 * the same resolved protocol (SHA-256; otherwise a user error naming the first field
 * that differs, with both values). */
PetscErrorCode TTStoreOpen(MPI_Comm comm, const char *path, TTTrial trial, const TTProvenance *prov, PetscBool resume,
                           TTStore *store);
/* Not collective. done[r] = 1 for replicates already stored (identical on every rank). */
PetscErrorCode TTStoreGetDone(TTStore store, const int **done, PetscInt *ndone);
/* Not collective: rank 0 only. Buffers the replicate's analysis rows (flushed every
 * few replicates) and writes its subjects when the protocol stores them. */
PetscErrorCode TTStoreWriteReplicate(TTStore store, const TTReplicateResult *res, const double recs[]);
/* Collective. Flushes and closes. When complete, computes the operating
 * characteristics from the stored rows in replicate order into s[nanalysis] (on
 * every rank), writes /summary, marks the file complete and renames it to PATH;
 * otherwise PATH.tmp stays, resumable. */
PetscErrorCode TTStoreClose(TTStore *store, PetscBool complete, TTSummary s[]);

/* Not collective. SHA-256 (FIPS 180-4) of data[len] as 64 lowercase hex digits and a NUL
 * (provenance checks; the cache key of compiled model files). */
void tt_sha256_hex(const void *data, size_t len, char hex[65]);
/* Not collective. Prints the operating-characteristics table of a results file. */
PetscErrorCode TTStoreSummary(const char *path, FILE *out);
/* Not collective. Prints the group-sequential looks table of a results file (nothing
 * for a design without interim looks); part of TTStoreSummary. */
PetscErrorCode TTStoreSummaryLooks(const char *path, FILE *out);
/* Not collective. Prints one block per guided arm of a results file (share given each
 * candidate, oracle agreement, mean regret, value vs the best single candidate, with MC
 * SEs; nothing without guided arms); part of TTStoreSummary. */
PetscErrorCode TTStoreSummaryGuided(const char *path, FILE *out);
/* Not collective. Writes tidy CSVs of a results file into dir. */
PetscErrorCode TTStoreExportCSV(const char *path, const char *dir);
/* Collective. Current UTC time as ISO 8601, identical on every rank. */
PetscErrorCode TTStoreStartedNow(MPI_Comm comm, char buf[32]);
/* The validation figures of a results file: what was published and what each stored
 * replicate simulated. Strings of figure i: str[k] + i * width[k] for k = name,
 * statistic, what (a readable description), source. */
enum { TT_FIGURE_NAME, TT_FIGURE_STAT, TT_FIGURE_WHAT, TT_FIGURE_SOURCE, TT_FIGURE_NSTR };
typedef struct {
  PetscInt nfigure, nreplicate;
  size_t   width[TT_FIGURE_NSTR];
  char    *str[TT_FIGURE_NSTR];
  double  *published, *se, *log_scale, *fitted; /* [nfigure]; se on the comparison scale */
  double  *value;                               /* [nreplicate * nfigure], stored replicates in order */
} TTFigureTable;

static inline const char *TTFigureString(const TTFigureTable *t, int k, PetscInt i)
{
  return t->str[k] + (size_t) i * t->width[k];
}
/* Not collective. Reads /validation of a complete results file (nfigure = 0 without
 * one); a damaged file is a user error naming it. */
PetscErrorCode TTStoreReadFigures(const char *path, TTFigureTable *table);
PetscErrorCode TTFigureTableDestroy(TTFigureTable *table);

/* Prints the summary table from summaries in memory (used by run and summary). */
PetscErrorCode TTStorePrintSummary(FILE *out, PetscInt nanalysis, const char *const names[], const TTSummary s[]);

/* Not collective. Writes ",s" to a CSV file, s quoted (quotes doubled) when it holds a
 * comma, a quote or a newline. */
void TTStorePutString(FILE *f, const char *s);
/* Not collective. The same field without the comma (a line's first field). */
void TTStorePutField(FILE *f, const char *s);

#endif
