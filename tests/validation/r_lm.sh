#!/bin/bash
# Runs the default protocol small, exports CSV, and lets R refit replicate 0.
# usage: r_lm.sh TWINTRIAL PROTOCOL RSCRIPT-OR-EMPTY
set -euo pipefail
tt=$1 protocol=$2 rscript=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tt" run "$protocol" -o "$out/r.h5" --replicates 3 --patients 400 --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
"$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
"$rscript" "$here/ancova_vs_r.R" "$out/csv"
