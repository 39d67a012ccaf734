#!/bin/bash
# Recomputes the cases printed by density_cases with R (density_vs_r.R) and requires
# agreement to 1e-12. Skips (77) without R.  usage: density_vs_r.sh DENSITY_CASES RSCRIPT-OR-EMPTY
set -euo pipefail
exe=$1 rscript=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$rscript" ] || ! command -v "$rscript" >/dev/null; then
  echo "SKIP: R (Rscript) is not installed; install r-base-core to run this validation"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$exe" >"$out/cases.csv"
"$rscript" "$here/density_vs_r.R" "$out/cases.csv"
