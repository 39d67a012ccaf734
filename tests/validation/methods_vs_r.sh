#!/bin/bash
# Runs a shipped protocol small, exports it and lets R recompute every analysis of
# replicate 0 (and, for the group-sequential design, rpact the boundaries).
# usage: methods_vs_r.sh TWINTRIAL RSCRIPT PROTOCOL oncology|t2d|ms|gsd|options_ad|options_oncology|options_ms
set -euo pipefail
tt=$1 rscript=${2:-} protocol=$3 what=$4
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then echo "SKIP: no Rscript"; exit 77; fi
for pkg in survival MASS $([ "$what" = gsd ] && echo rpact hdf5r) $([ "$what" = options_ad ] && echo rpact); do
  "$rscript" -e "library($pkg)" >/dev/null 2>&1 || { echo "SKIP: R package $pkg is not installed"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tt" run "$protocol" -o "$out/r.h5" --replicates 2 --progress none >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
"$tt" export "$out/r.h5" --csv "$out/csv" >/dev/null
"$rscript" "$here/methods_vs_r.R" "$what" "$out/csv" "$out/r.h5"
