/* keep_plugins.c — linked into every executable (tt_warnings' interface sources): a
 * dlclose that keeps every shared object mapped.
 *
 * Open MPI 4.1 loads its components with dlopen and unloads them in MPI_Finalize. In a
 * singleton (a process started without mpirun, as `twintrial validate` or `summary`
 * usually is) the asynchronous progress thread can still dispatch an event into a
 * component that was just unloaded: a jump into unmapped memory, SIGSEGV (exit 139) after
 * the command has done its work (seen about 1 in 400 runs on a loaded machine; none in
 * 1000 with this dlclose). Keeping components mapped closes that window; the process
 * ends right after MPI_Finalize, so nothing is lost by not unmapping them.
 * With the sanitizers it also lets LeakSanitizer symbolise what Open MPI's components
 * leaked (otherwise "<unknown module>"), so tests/reliability/lsan.supp can suppress
 * Open MPI's own leaks by library while ours still fail the run. */
#include <stddef.h>

int dlclose(void *handle)
{
  (void) handle;
  return 0;
}
