#!/bin/bash
# Runs a protocol with missed_visits small, exports CSV, and lets R check replicate 0
# (missed_visits_vs_r.R). usage: missed_visits_vs_r.sh TWINTRIAL PROTOCOL MMRM_CSV MI_CSV RSCRIPT-OR-EMPTY
set -euo pipefail
tt=$1 protocol=$2 mmrm=$3 mi=$4 rscript=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-mice to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seed=$(sed -n 's/^ *seed: *\([0-9]*\).*/\1/p' "$protocol" | head -1)
p=$(sed -n 's/^missed_visits: *{probability: *\([0-9.]*\)}.*/\1/p' "$protocol")
"$tt" run "$protocol" -o "$out/r.h5" --replicates 1 --patients 600 --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
"$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
"$rscript" "$here/missed_visits_vs_r.R" "$mmrm" "$mi" "$out/csv" "$out" "$seed" "$p"
