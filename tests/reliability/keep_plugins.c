/* keep_plugins.c — linked into every executable of a sanitizer build (TT_SANITIZE).
 *
 * Open MPI loads its components with dlopen and unloads them in MPI_Finalize, before
 * LeakSanitizer looks at the heap at exit; the stacks of what those components leaked
 * then point into unmapped memory ("<unknown module>") and no suppression can name
 * them. A dlclose that keeps every object mapped lets tests/reliability/lsan.supp
 * suppress Open MPI's own leaks by library while ours still fail the run, with the
 * fast unwinder (fast_unwind_on_malloc=0 would cost ~2 s per process). */
#include <stddef.h>

int dlclose(void *handle)
{
  (void) handle;
  return 0;
}
