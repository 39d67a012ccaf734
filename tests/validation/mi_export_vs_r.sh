#!/bin/bash
# Runs an MI protocol small, exports CSV, and lets R check replicate 0's mi analyses
# (the R script: mi_export_vs_r.R, or the one named).
# usage: mi_export_vs_r.sh TWINTRIAL PROTOCOL MI_CSV RSCRIPT-OR-EMPTY [CHECK.R]
set -euo pipefail
tt=$1 protocol=$2 prog=$3 rscript=${4:-} check=${5:-mi_export_vs_r.R}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core and r-cran-mice to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seed=$(sed -n 's/^ *seed: *\([0-9]*\).*/\1/p' "$protocol" | head -1)
"$tt" run "$protocol" -o "$out/r.h5" --replicates 1 --patients 300 --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
"$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
"$rscript" "$here/$check" "$prog" "$out/csv" "$out" "$seed"
