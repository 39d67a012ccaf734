/* progress.c — run progress on rank 0: a redrawn bar on a terminal, a log line at
 * most every 5 s in batch (no TTY), or nothing. Output goes to stderr so stdout
 * stays the summary table. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>
#include "cli.h"

void TTProgressInit(TTProgress *pg, TTProgressMode mode)
{
  if (mode == TT_PROGRESS_AUTO) mode = isatty(fileno(stderr)) ? TT_PROGRESS_BAR : TT_PROGRESS_LOG;
  pg->mode  = mode;
  pg->start = pg->last = MPI_Wtime();
  pg->what             = "replicates";
}

void TTProgressUpdate(void *ctx, PetscInt done, PetscInt total, double twins)
{
  TTProgress *pg  = (TTProgress *) ctx;
  double      now = MPI_Wtime(), el = now - pg->start, rate = el > 0 ? twins / el : 0;
  double      eta   = done > 0 ? el * (double) (total - done) / (double) done : 0;
  int         width = 30, fill = (int) (width * (double) done / (double) total);

  if (pg->mode == TT_PROGRESS_NONE) return;
  if (pg->mode == TT_PROGRESS_BAR) {
    if (now - pg->last < 0.1 && done < total) return;
    fprintf(stderr, "\r[%.*s%*s] %3.0f%% %d/%d %s  %.3g twins/s  ETA %.0fs ", fill, "##############################",
            width - fill, "", 100.0 * done / total, (int) done, (int) total, pg->what, rate, eta);
    if (done == total) fprintf(stderr, "\n");
  } else {
    if (now - pg->last < 5.0 && done < total) return;
    fprintf(stderr, "twintrial: %d/%d %s (%.1f%%), %.3g twins/s, elapsed %.0fs, ETA %.0fs\n", (int) done, (int) total,
            pg->what, 100.0 * done / total, rate, el, eta);
  }
  fflush(stderr);
  pg->last = now;
}
