/* coord.h — MPI work distribution for a trial run.
 *
 * Rank 0 hands out blocks of consecutive twins of one replicate on demand (and
 * computes blocks itself between messages); workers send back twin records.
 * A replicate is analysed by rank 0 once all its blocks are in, strictly in
 * replicate order, then streamed to the store and folded into the operating
 * characteristics; at most `window` replicates are in flight, so memory does not
 * grow with the number of replicates. Any rank's error stops every rank and is
 * returned on rank 0 with its message.
 */
#ifndef TWINTRIAL_COORD_H
#define TWINTRIAL_COORD_H

#include <petscsys.h>
#include <twintrial/trial.h>
#include <twintrial/store.h>

/* Called on rank 0 after each analysed replicate. */
typedef void (*TTProgressFn)(void *ctx, PetscInt replicates_done, PetscInt replicates, double twins_done);

typedef struct {
  PetscInt     block;  /* twins per block; 0 chooses about 128 */
  PetscInt     window; /* replicates in flight; 0 chooses 2 * ranks + 2 */
  TTProgressFn progress;
  void        *progress_ctx;
} TTCoordOptions;

/* Collective on comm. On rank 0, summary[nanalysis] receives the operating
 * characteristics; store may be NULL (nothing written). */
PetscErrorCode TTCoordRun(MPI_Comm comm, TTTrial trial, TTStore store, const TTCoordOptions *opt,
                          tt_stats_oc_summary summary[]);

#endif
