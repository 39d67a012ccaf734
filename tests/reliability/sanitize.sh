#!/bin/bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds the
# `debug` preset into build-debug and runs every test but the Slurm, sanitizer, fuzz and
# valgrind runs themselves and those labelled heavy (tests/CMakeLists.txt: their time is
# R or the same paths run hundreds of times; the plausibility property, the size search
# and calibration over seeds, the replicate-by-replicate R comparisons, personalise's
# calibration and optim comparison, the guided arms' figure checks, whose paths run here
# in design's other checks, the exported-replicate comparisons, personalise's unit tests
# and example, and tests/mpi/guided.sh). First in parallel, then the mpi tests two at a
# time, then alone the one that signals a run mid-way, whose timing a second test would
# disturb. The bad-input fixtures of the fuzzed parsers (protocol, cohort, results) are
# sampled every 3rd, the CLI's list of bad protocols every 6th. The
# debug preset compiles at -O1 with the sanitizers (CMakeLists.txt). The preset
# turns LeakSanitizer on with tests/reliability/lsan.supp (Open MPI's own leaks only)
# and exitcode=23, so a leak or sanitizer report fails even a test that expects exit 1.
# Every test's timeout is 4 times its release value there (TT_TIMEOUT_SCALE,
# tests/CMakeLists.txt), so a loaded machine does not fail the slowed-down tests.
# usage: tests/reliability/sanitize.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
start=$(date +%s)
mkdir -p build-debug
log=build-debug/sanitize-build.log
cmake --preset debug >"$log" 2>&1 || { cat "$log"; echo "debug configure failed"; exit 1; }
cmake --build --preset debug -j "$(nproc)" >>"$log" 2>&1 ||
  { grep -E -B3 -A12 'error|Error' "$log" | head -80; echo "debug build failed (ASan+UBSan, -Werror)"; exit 1; }
echo "built build-debug in $(($(date +%s) - start)) s"
rc=0
ctest --preset debug -LE 'mpi|slurm|sanitize|fuzz|valgrind|bench|heavy' -j "$(nproc)" || rc=1
ctest --preset debug -L mpi -LE heavy -E resume_after_signals_is_bitwise_identical -j "$(nproc)" || rc=1
ctest --preset debug -R resume_after_signals_is_bitwise_identical || rc=1
echo "sanitizer suite: $(($(date +%s) - start)) s, $([ $rc -eq 0 ] && echo clean || echo FAILED)"
exit $rc
