#!/bin/bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each for
# SECONDS on its seed corpus; fails on any crash, sanitizer report, leak, timeout
# (> 10 s for one input) or out-of-memory (> 2048 MB). Exit 77 without clang-14.
# usage: tests/fuzz/run.sh SECONDS [TWINTRIAL]
#   TWINTRIAL (default build/twintrial) makes the results files seeding fuzz_results.
#   TT_FUZZ_BUILD (default build-fuzz) is the build and corpus directory; the corpus
#   grows across runs there. Findings land in TT_FUZZ_BUILD/artifacts/.
# Reproduce a finding: build-fuzz/fuzz_protocol build-fuzz/artifacts/protocol-crash-...
set -uo pipefail
seconds=${1:?usage: run.sh SECONDS [TWINTRIAL]}
root=$(cd "$(dirname "$0")/../.." && pwd)
tt=${2:-$root/build/twintrial}
build=${TT_FUZZ_BUILD:-$root/build-fuzz}
cc=$(command -v clang-14) || { echo "clang-14 not found: fuzz targets skipped"; exit 77; }
ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
  { echo "libFuzzer runtime (libclang-rt-14-dev) not found: fuzz targets skipped"; exit 77; }

mkdir -p "$build"
log=$build/build.log # inside the build directory: nothing lands in the source tree
cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=None >"$log" 2>&1 &&
  cmake --build "$build" -j "$(nproc)" >>"$log" 2>&1 || { cat "$log"; echo "fuzz build failed"; exit 1; }

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_opal_signal=
export LSAN_OPTIONS=suppressions=$root/tests/reliability/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# A huge allocation asked for by a damaged file must fail as malloc does, not abort.
export ASAN_OPTIONS=allocator_may_return_null=1

# Seeds: every shipped and test input, including the bad ones (they reach error paths).
seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds/protocol" "$seeds/cohort" "$seeds/cohort_csv" "$seeds/results" "$seeds/model" "$build/artifacts"
i=0
while IFS= read -r f; do
  i=$((i + 1))
  cp "$f" "$seeds/protocol/$i.yaml"
done < <(find "$root/protocols" "$root/tests/data/protocols" "$root/tests/data/bad_inputs/protocol" -name '*.yaml' 2>/dev/null)
while IFS= read -r f; do
  i=$((i + 1))
  cp "$f" "$seeds/model/$i.yaml"
done < <(find "$root/protocols/models" "$root/tests/data/models" -name '*.yaml' 2>/dev/null)
while IFS= read -r f; do
  i=$((i + 1))
  cp "$f" "$seeds/cohort/$i.yaml"
done < <(find "$root/cohorts" "$root/tests/data/cohorts" "$root/tests/data/bad_inputs/cohort" -name '*.yaml' 2>/dev/null)
while IFS= read -r f; do
  i=$((i + 1))
  cp "$f" "$seeds/cohort_csv/$i.csv"
done < <(find "$root/cohorts" "$root/tests/data/cohorts" "$root/tests/data/bad_inputs/cohort" -name '*.csv' 2>/dev/null)
# Personalisation inputs: every OBS.csv and COV.csv of the tests, and the good pair as
# OBS.csv, a form feed, COV.csv (see fuzz_twin.c).
mkdir -p "$seeds/twin"
while IFS= read -r f; do
  i=$((i + 1))
  cp "$f" "$seeds/twin/$i.csv"
done < <(find "$root/tests/data/twin" -name '*.csv' 2>/dev/null)
{ cat "$root/tests/data/twin/ad_obs.csv"; printf '\f'; cat "$root/tests/data/twin/ad_cov.csv"; } >"$seeds/twin/pair.csv"
# Results: fuzz_results edits copies of one small complete run (see fuzz_results.c);
# its corpus starts empty (inputs are edit lists, not files).
if [ -x "$tt" ]; then
  "$tt" run "$root/protocols/alzheimers_procova.yaml" -o "$seeds/base.h5" --replicates 2 --patients 8 \
    --progress none >/dev/null 2>&1
fi
[ -f "$seeds/base.h5" ] || { echo "no results file to edit: build twintrial first ($tt)"; exit 1; }
# with two guided arms' groups laid out as the store writes them, so that their reader is
# edited too (tests/outputs/outputs_common.py; skipped without Debian's python3-h5py)
/usr/bin/python3 - "$seeds/base.h5" "$root/tests/outputs" <<'PY' >/dev/null 2>&1 || echo "fuzz_results: seed without guided arms"
import sys
sys.path.insert(0, sys.argv[2])
from outputs_common import add_guided
add_guided(sys.argv[1], {"placebo": ["a", "b", "c"], "donepezil_10mg": ["x", "y"]})
PY
export TT_FUZZ_RESULTS_SEED=$seeds/base.h5

fails=0
printf '%-16s %10s %10s %8s  %s\n' target executions exec/s corpus result
targets=(protocol cohort cohort_csv results twin model)
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  opts=(-dict="$root/tests/fuzz/yaml.dict")
  [ $t = results ] && opts=(-max_len=512)
  [ $t = cohort_csv ] || [ $t = twin ] && opts=()
  "$build/fuzz_$t" "${opts[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$seeds/$t" >"$build/fuzz_$t.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz_$t.log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/fuzz_$t.log")
  corpus=$(ls "$build/corpus/$t" | wc -l)
  if [ $rc -eq 0 ]; then
    result=clean
  else
    result="FAILED (exit $rc): $(grep -m1 -E 'ERROR|^fuzz:|SUMMARY' "$build/fuzz_$t.log")"
    fails=$((fails + 1))
  fi
  printf '%-16s %10s %10s %8s  %s\n' "fuzz_$t" "${runs:-0}" "${speed:-0}" "$corpus" "$result"
  [ $rc -eq 0 ] || { tail -60 "$build/fuzz_$t.log"; ls "$build/artifacts"; }
done
echo "$((${#targets[@]} - fails)) passed, $fails failed"
[ $fails -eq 0 ]
