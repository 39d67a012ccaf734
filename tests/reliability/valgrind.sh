#!/bin/bash
# The test suite under valgrind memcheck: configures build-valgrind (RelWithDebInfo)
# with TT_VALGRIND, so every test executable (tt_memcheck, tt_program in
# tests/CMakeLists.txt) and every twintrial a test starts (each rank of the MPI runs
# too) runs under memcheck, and runs the suite there. Any
# memcheck error, or a definite leak outside Open MPI (share/openmpi/openmpi-
# valgrind.supp, tests/reliability/valgrind.supp) in a process that did not end in
# MPI_Abort, fails.
# What runs: every test labelled unit, mpi or reliability (each module's own test
# program, every MPI determinism and resume check, the bad-input checks), and of the
# validation label one check per code path that no other test runs under memcheck
# (VALIDATION below: the estimands' end-to-end run, the exported replicate's analysis, the
# intercurrent-event anchor of MI, the twin prior on several ranks, the credibility
# command, rescue on an observed value). The rest of the validation label compares paths that run here (the
# determinism script's sections: every model, group-sequential looks, dropout per arm,
# switches, MMRM, MI, missed visits, estimands, model files) with R or closed forms, many
# runs each: memcheck's cost is mostly process start-up (about 6 CPU seconds each:
# PETSc's 106 shared libraries, MPI_Init), so they run in the release and sanitizer
# suites only. Left out too: tests
# labelled heavy (tests/CMakeLists.txt), the Slurm, bench, sanitizer and fuzz runs, the
# signal/resume test (its interrupted runs need 6000 replicates to be caught mid-run),
# the disk-full test (a 10000-replicate reference run), and the command line's own
# behaviour checks (usage errors, help, option spelling, progress modes, output safety,
# personalise's kept/lock/usage/progress/bad-file modes, the start-up probe, size's usage
# errors), which start twintrial 5 to 20 times each to check exit statuses and messages;
# their code runs under memcheck in every other twintrial run of the suite (bad files in
# the parsers' own tests), and the Python reader's check (below). Monte-Carlo unit tests
# use a tenth of their samples there (TT_SAMPLES, tests/unit/tt_check.h).
# The bad-input fixtures (protocols, cohorts, results files, observation files, model
# files) are sampled: every 12th of the protocol parser's own tests (313 fixtures),
# every 6th of the other parsers', every 12th of those through twintrial (bad_input.*),
# every 100th of the CLI's protocol list (the parser test runs the same fixtures'
# paths); all of them run in the release suite (tt_sample, tests/CMakeLists.txt).
# Every test's timeout is 20 times its release value there (TT_TIMEOUT_SCALE,
# tests/CMakeLists.txt); the heaviest checks sample one protocol per model, the
# determinism script runs each section once on 2 ranks (the first on 3) without comparing
# (1 to 4 ranks compared in the release and sanitizer suites), and personalise's and
# screening's determinism checks compare 1 with 3 ranks only.
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
skip='slurm|bench|sanitize|fuzz|valgrind|heavy'
behaviour='disk_full_mid_run_loses_nothing|resume_after_signals_is_bitwise_identical|cli_output_safety_(lock|kept)'
behaviour="$behaviour|cli_usage_errors_exit_1|cli_help_on_stdout_exit_0|cli_misspelt_tt_option_refused|cli_progress_modes"
behaviour="$behaviour|cli_single_node_start_skips_network_probe|cli_personalise_(kept|lock|usage|progress|bad)$"
behaviour="$behaviour|design_size_usage_errors_exit_1"
# the Python reader's check: Python reading files of runs (a trial, an event-driven
# group-sequential design, a calibrated effect) and exports whose paths the export,
# determinism and calibration tests run under memcheck (about 100 s there)
behaviour="$behaviour|python_reader_loads_every_dataset"
VALIDATION='estimand_discontinuation_end_to_end|ancova_matches_r_lm_on_exported_replicate'
VALIDATION="$VALIDATION|mi_anchors_at_the_intercurrent_event_on_exported_replicate"
VALIDATION="$VALIDATION|twin_prior_written_on_any_rank_count|credibility_figures_match_r|rescue_courses_match_closed_form_and_ranks"
rc=0
ctest --test-dir "$build" -L 'unit|mpi|reliability' -LE "$skip" -E "$behaviour" -j "$(nproc)" --output-on-failure || rc=1
ctest --test-dir "$build" -L validation -LE "$skip" -R "^($VALIDATION)\$" -j "$(nproc)" --output-on-failure || rc=1
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
