#!/bin/bash
# The test suite under valgrind memcheck: configures build-valgrind (RelWithDebInfo)
# with TT_VALGRIND, so every test executable and every twintrial a test starts (each
# rank of the MPI runs too) runs under memcheck, and runs the suite there. Any
# memcheck error, or a definite leak outside Open MPI (share/openmpi/openmpi-
# valgrind.supp, tests/reliability/valgrind.supp) in a process that did not end in
# MPI_Abort, fails. Left out, for size or timing only: the Slurm, bench, sanitizer
# and fuzz runs, the signal/resume test (its interrupted runs need 6000 replicates
# to be caught mid-run), the disk-full test (a 10000-replicate reference run) and
# personalise's comparison with R's optim and its simulation-based calibration (300
# patients each; their code paths run under memcheck in the personalise unit tests and
# example), the guided arms' checks of their figures, of the delta-method forecast
# against draws and of their shortcuts against the full computation (dozens to hundreds
# of personalised twins each; their paths run in
# tests/mpi/guided.sh and the delta method's determinism test) and the MMRM engine's comparison with nlme
# (21 fits of R's data sets; the engine runs under memcheck in test_mmrm and in the
# exported-replicate comparison), and the MI module's comparison with mice and closed
# forms (its driver, an argument of the script, would not run under memcheck anyway;
# the module runs under memcheck in test_mi and the exported-replicate comparisons).
# The command line's own behaviour checks are left out too (usage errors, help, option
# spelling, progress modes, output safety, personalise's kept/lock/usage/progress modes,
# the start-up probe): each starts twintrial 5 to 20 times, about 6 CPU seconds each under
# memcheck (loading PETSc's 106 shared libraries, MPI_Init), to check exit statuses and
# messages; their code runs under memcheck in every other twintrial run of the suite, and
# they run in the release and sanitizer suites.
# The bad-input fixtures (protocols, cohorts, results files, observation files, model
# files) are sampled there: every 12th of the protocol parser's own tests (313 fixtures),
# every 6th of the other parsers', every 12th of those through twintrial (bad_input.*),
# every 100th of the CLI's protocol list (the parser test runs the same fixtures'
# paths); all of them run in the release and sanitizer suites (tt_valgrind_sample,
# tests/CMakeLists.txt), the CLI's list every 6th with the sanitizers.
# Every test's timeout is 20 times its release value there (TT_TIMEOUT_SCALE,
# tests/CMakeLists.txt); the heaviest checks sample one protocol per model, and the
# determinism script compares 1 with 3 ranks only (and a 2-rank window in its first
# section; 1 to 4 in the release and sanitizer suites).
# usage: tests/reliability/valgrind.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind not found: skipped"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
start=$(date +%s)
build=$root/build-valgrind
logs=$build/memcheck
# hwloc's x86 backend announces on stderr that it cannot work under valgrind; the
# tests check stderr, so it is switched off. Reports go to one log per process.
vg="env;HWLOC_COMPONENTS=-x86;valgrind;--quiet;--error-exitcode=42;--leak-check=full;--show-leak-kinds=definite"
vg="$vg;--errors-for-leak-kinds=definite;--keep-debuginfo=yes;--log-file=$logs/%p.log"
vg="$vg;--suppressions=/usr/share/openmpi/openmpi-valgrind.supp;--suppressions=$root/tests/reliability/valgrind.supp"
rm -rf "$logs"
mkdir -p "$build" "$logs"
log=$build/valgrind-build.log
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTT_WERROR=ON "-DTT_VALGRIND=$vg" >"$log" 2>&1 &&
  cmake --build "$build" -j "$(nproc)" >>"$log" 2>&1 || { tail -40 "$log"; echo "valgrind build failed"; exit 1; }
echo "built $build in $(($(date +%s) - start)) s"
ctest --test-dir "$build" -LE 'slurm|bench|sanitize|fuzz|valgrind' \
  -E 'disk_full_mid_run_loses_nothing|resume_after_signals_is_bitwise_identical|cli_output_safety_lock|every_model_stays_in_its_plausible_ranges|separation_and_reasons_match_r|analytic_power_matches_r|twin_map_matches_r_optim|twin_forecasts_calibrated|guided_perfect_information|guided_without_information|guided_figures_are_consistent|guided_delta_forecast_agrees_with_draws|guided_shortcuts_agree_with_full_computation|mmrm_matches_r_nlme_gls|mi_matches_r_mice_and_closed_forms|cli_usage_errors_exit_1|cli_help_on_stdout_exit_0|cli_misspelt_tt_option_refused|cli_progress_modes|cli_output_safety_kept|cli_single_node_start_skips_network_probe|cli_personalise_(kept|lock|usage|progress)$' -j "$(nproc)" \
  --output-on-failure
rc=$?
# A report fails the suite: any memcheck error, and a definite leak unless the
# process was ended by MPI_Abort (an error exit of a multi-rank run, by design
# without freeing: exit status 2 is what those tests check).
errors='Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param|Mismatched|overlap'
reported=()
for f in $(find "$logs" -name '*.log' -size +0); do
  if grep -q -E "$errors" "$f" || ! grep -q ompi_mpi_abort "$f"; then reported+=("$f"); fi
done
reports=${#reported[@]}
processes=$(find "$logs" -name '*.log' | wc -l)
if [ "$reports" -gt 0 ]; then
  rc=1
  head -40 "${reported[@]:0:3}"
fi
echo "memcheck: $processes processes, $reports with a report"
echo "valgrind suite: $(($(date +%s) - start)) s, $([ $rc -eq 0 ] && echo clean || echo FAILED)"
exit $rc
