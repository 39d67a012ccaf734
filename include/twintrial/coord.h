/* coord.h — MPI work distribution for a trial run.
 *
 * Rank 0 hands out blocks of consecutive twins of one replicate on demand (and
 * computes blocks itself, answering workers between twins); workers send back
 * twin records. A replicate is analysed by rank 0 once all its blocks are in,
 * strictly in replicate order, and streamed to the store; at most `window`
 * replicates are in flight, so memory does not grow with the number of
 * replicates. Replicates marked done (resume) are skipped. A stop request (signal)
 * makes rank 0 hand out nothing more, finish and store what is in flight, and
 * return. Any rank's error stops every rank and is returned on every rank, with
 * its message on rank 0.
 */
#ifndef TWINTRIAL_COORD_H
#define TWINTRIAL_COORD_H

#include <petscsys.h>
#include <signal.h>
#include <twintrial/trial.h>
#include <twintrial/store.h>

/* Called on rank 0 after each analysed replicate. */
typedef void (*TTProgressFn)(void *ctx, PetscInt replicates_done, PetscInt replicates, double twins_done);

/* Called on rank 0 with each analysed replicate, in replicate order. */
typedef void (*TTResultFn)(void *ctx, const TTReplicateResult *res);

typedef struct {
  PetscInt                     block;      /* twins per block; 0 chooses about 128 */
  PetscInt                     window;     /* replicates in flight; 0 chooses 2 * ranks + 2 */
  const int                   *done;       /* [replicates] 1 = skip (already stored); may be NULL */
  volatile sig_atomic_t const *stop;       /* polled on rank 0: nonzero requests a stop; may be NULL */
  PetscInt                     stop_after; /* > 0: stop after this many replicates (tests) */
  TTProgressFn                 progress;
  void                        *progress_ctx;
  TTResultFn                   result; /* may be NULL; with store NULL, the only output of a run */
  void                        *result_ctx;
} TTCoordOptions;

/* Collective on comm. store may be NULL (nothing written: results reach opt->result).
 * *analysed = replicates analysed and stored by this call;
 * *stopped = PETSC_TRUE when a stop request left replicates undone (both on every rank). */
PetscErrorCode TTCoordRun(MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt, PetscInt *analysed,
                          PetscBool *stopped);

#endif
